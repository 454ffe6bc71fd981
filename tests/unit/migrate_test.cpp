// Migration's refcount check, migrate_pages' passes and the longterm outcome (docs/kernel.md:
// "Refcount events", "The pKVM failure"). Expected refcounts are derived in the comments.
#include <gtest/gtest.h>

#include <cerrno>
#include <deque>
#include <list>

#include "scenario_support.hpp"

namespace foliorc::test {
namespace {

TEST(MigrateCheck, UnmappedIsolatedShmemFolio)
{
    scenario s;
    auto& f = s.fault(shmem_map, cpu_a);
    s.caches.lru_add_drain_cpu(cpu_a);
    folio_remove_rmap_ptes(f, 1, "try_to_migrate_one", holder::caller);
    folio_put(f, holder::caller, "try_to_migrate_one"); // the PTE's reference
    ASSERT_TRUE(folio_isolate_lru(f));
    // page cache 1 + isolation 1 = 2.  v6_19: expected 1 + 1 = 2 -> 0.  migrate_6_0: caller
    // included, 1 + nr 1 = 2 -> 0.
    EXPECT_EQ(f.ref_count(), 2);
    EXPECT_EQ(folio_migrate_refs_check<rules::v6_19>(f), 0);
    EXPECT_EQ(folio_migrate_refs_check<rules::migrate_6_0>(f), 0);
    // One stray reference (a transient folio_try_get) -> -EAGAIN under every rule set.
    folio_get(f, holder::transient);
    EXPECT_EQ(folio_migrate_refs_check<rules::v6_19>(f), -EAGAIN);
    EXPECT_EQ(folio_migrate_refs_check<rules::migrate_6_0>(f), -EAGAIN);
    // folio_migrate_mapping's extra_count accounts for a known extra reference.
    EXPECT_EQ(folio_migrate_refs_check<rules::v6_19>(f, 1), 0);
}

TEST(MigrateCheck, ShmemInSwapCacheUnderV6_16And6_19)
{
    // docs/kernel.md ("Expected refcounts"): shmem in swap cache, mapping NULL, isolated: swap cache 1 +
    // isolation 1 = 2. v6_16 expects 0 + 1 = 1 -> -EAGAIN forever ("migrating pfn failed
    // ret:7" on hot-unplug); v6_19 expects 1 + 1 = 2 -> 0.
    scenario s;
    auto& f = s.alloc(0, migratetype::movable);
    filemap_add_folio(f, shmem_map);
    add_to_swap_cache(f);
    filemap_remove_folio(f);
    folio_put(f);
    folio_get(f, holder::isolation);
    EXPECT_EQ(f.ref_count(), 2);
    EXPECT_EQ(folio_migrate_refs_check<rules::v6_16>(f), -EAGAIN);
    EXPECT_EQ(folio_migrate_refs_check<rules::v6_19>(f), 0);
}

TEST(MigratePages, StrayReferenceOnAnotherCpuFailsEveryPass)
{
    // Three isolated shmem folios; the second still has an mlock batch entry on CPU A.
    // try_to_migrate's mlock_drain_local runs on CPU B only, so that reference survives all
    // 10 passes: 2 migrate in pass 1, 1 fails 10 times.
    scenario s;
    full_folio* f[3];
    for (auto*& p : f) {
        p = &s.fault(shmem_map, cpu_a);
    }
    s.caches.mlock_folio(cpu_a, *f[1]);
    s.caches.lru_add_drain_cpu(cpu_a);
    std::vector<full_folio*> list;
    for (auto* p : f) {
        ASSERT_TRUE(folio_isolate_lru(*p));
        list.push_back(p);
    }
    const auto r = migrate_pages(list, s.env);
    EXPECT_EQ(r.nr_succeeded, 2);
    EXPECT_EQ(r.nr_failed, 1);
    EXPECT_EQ(r.passes, nr_max_migrate_pages_retry);
    EXPECT_EQ(r.eagain, nr_max_migrate_pages_retry);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list.front(), f[1]);
    // The failed folio is mapped again: page cache 1 + pte 1 + mlock batch 1 + isolation 1.
    EXPECT_EQ(f[1]->mapcount(), 1);
    EXPECT_EQ(f[1]->ref_count(), 4);
}

TEST(MigratePages, StrayReferenceOnTheMigratingCpuIsDrainedByTryToMigrate)
{
    // Same, but the mlock entry is on CPU B: try_to_migrate_one's mlock_drain_local releases
    // it, and pass 1 succeeds.
    scenario s;
    auto& f = s.fault(shmem_map, cpu_a);
    s.caches.lru_add_drain_cpu(cpu_a);
    s.caches.mlock_folio(cpu_b, f);
    ASSERT_TRUE(folio_isolate_lru(f));
    std::vector<full_folio*> list{&f};
    const auto r = migrate_pages(list, s.env);
    EXPECT_EQ(r.nr_succeeded, 1);
    EXPECT_EQ(r.passes, 1);
    EXPECT_TRUE(list.empty());
    ASSERT_EQ(s.env.migrated().size(), 1u);
}

TEST(MigratePages, AnyListWithEraseWorks)
{
    // migrate_list: a std::list and a std::deque serve as the list. Two isolated shmem folios;
    // the first keeps a stray transient reference and fails all 10 passes, the second moves in
    // pass 1 and leaves the list; the failed one stays, in place.
    auto run = [](auto list_tag) {
        scenario s;
        auto& a = s.fault(shmem_map, cpu_a);
        auto& b = s.fault(shmem_map, cpu_a);
        s.caches.lru_add_drain_cpu(cpu_a);
        folio_get(a, holder::transient);
        decltype(list_tag) list;
        for (auto* p : {&a, &b}) {
            EXPECT_TRUE(folio_isolate_lru(*p));
            list.push_back(p);
        }
        const auto r = migrate_pages(list, s.env);
        EXPECT_EQ(r.nr_succeeded, 1);
        EXPECT_EQ(r.nr_failed, 1);
        ASSERT_EQ(list.size(), 1u);
        EXPECT_EQ(*list.begin(), &a);
    };
    run(std::list<full_folio*>{});
    run(std::deque<full_folio*>{});
}

// The seed scenario end to end on CPU B (docs/kernel.md ("The pKVM failure"), steps 3-6).
void seed(scenario& s)
{
    auto& f = s.alloc();
    filemap_add_folio(f, shmem_map);
    folio_add_rmap_ptes(f);
    s.caches.folio_add_lru(cpu_a, f);
    s.caches.mlock_folio(cpu_a, f);
    s.caches.lru_add_drain_cpu(cpu_a);
    s.pin(f);
}

TEST(Longterm, SeedFailsWithENOMEMUnderLruFlag)
{
    scenario s;
    seed(s);
    const auto r = check_and_migrate_movable_pages_or_folios(s.pofs, s.env, drain::lru_flag{});
    EXPECT_EQ(r.ret, -ENOMEM);
    EXPECT_EQ(r.migration.nr_failed, 1);
    const auto& f = s.folios.front();
    // All pins dropped, the folio put back through CPU B's lru_add batch, isolation released;
    // CPU A's mlock entry is still there: page cache 1 + pte 1 + mlock(A) 1 + lru_add(B) 1 = 4.
    EXPECT_EQ(f.ledger().held(holder::foll_pin), 0);
    EXPECT_EQ(f.ledger().held(holder::isolation), 0);
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::mlock, cpu_a)), 1);
    EXPECT_EQ(f.ref_count(), 4);
    EXPECT_TRUE(s.env.movable_list().empty());
}

TEST(Longterm, SeedMigratesUnderRefCountSoTheCallerRepins)
{
    kernel_drain_policies::for_each([]<class P>() {
        if constexpr (!std::is_same_v<P, drain::lru_flag> && !std::is_same_v<P, drain::never>) {
            scenario s;
            seed(s);
            const auto r = check_and_migrate_movable_pages_or_folios(s.pofs, s.env, P{});
            EXPECT_EQ(r.ret, -EAGAIN) << P::name;
            EXPECT_EQ(r.migration.nr_succeeded, 1) << P::name;
            EXPECT_EQ(r.migration.passes, 1) << P::name;
            EXPECT_EQ(s.folios.front().ledger().held(holder::foll_pin), 0) << P::name;
        }
    });
}

TEST(Longterm, CephPrivate2FailsAfterUselessDrains)
{
    // After unpin and unmap: page cache 1 + private_2 1 + isolation 1 = 3, but
    // folio_expected_ref_count + 1 = 2: -EAGAIN on every pass, so -ENOMEM (docs/kernel.md ("PG_private_2")).
    scenario s;
    static constexpr mapping ceph = file_mapping(fs::ceph);
    auto& f = s.alloc();
    filemap_add_folio(f, ceph);
    folio_start_private_2(f);
    folio_add_rmap_ptes(f);
    s.caches.folio_add_lru(cpu_a, f);
    s.caches.lru_add_drain_cpu(cpu_a);
    s.pin(f);
    const auto r = check_and_migrate_movable_pages_or_folios(s.pofs, s.env, drain::pin_aware<>{});
    EXPECT_EQ(r.ret, -ENOMEM);
    EXPECT_EQ(r.migration.eagain, nr_max_migrate_pages_retry);
    EXPECT_EQ(s.caches.counters().drain_all_calls, 1);
}

TEST(Longterm, NothingCollectedKeepsThePins)
{
    scenario s;
    auto& f = s.fault(shmem_map, cpu_a, 0, migratetype::movable);
    s.pin(f);
    const auto r = check_and_migrate_movable_pages_or_folios(s.pofs, s.env);
    EXPECT_EQ(r.ret, 0);
    EXPECT_EQ(f.ledger().held(holder::foll_pin), gup_pin_counting_bias);
}

TEST(Longterm, DeviceCoherentFailureIsEBUSYAndDropsEveryPin)
{
    scenario s;
    auto& dev = s.alloc(0, migratetype::movable, zone_type::device);
    folio_add_new_anon_rmap(dev, anon_mapping);
    auto& other = s.fault(shmem_map, cpu_a);
    s.caches.lru_add_drain_cpu(cpu_a);
    s.pin(dev);
    s.pin(other);
    s.env.device_coherent_migrates = false;
    const auto r = check_and_migrate_movable_pages_or_folios(s.pofs, s.env);
    EXPECT_EQ(r.ret, -EBUSY);
    EXPECT_EQ(dev.ledger().held(holder::foll_pin), 0);
    EXPECT_EQ(other.ledger().held(holder::foll_pin), 0);  // pofs_unpin on the error path
    EXPECT_EQ(other.ledger().held(holder::isolation), 0); // put back
}

TEST(Longterm, HugetlbIsPutBackWithoutTheLru)
{
    scenario s;
    auto& h = s.alloc(9, migratetype::cma, zone_type::normal, page_type::hugetlb);
    filemap_add_folio(h, hugetlbfs_map);
    folio_put(h);
    s.pin(h, 1);
    folio_get(h, holder::transient); // someone else holds it: migration cannot move it
    const auto r = check_and_migrate_movable_pages_or_folios(s.pofs, s.env);
    EXPECT_EQ(r.ret, -ENOMEM);
    // page cache 512 + transient 1: no pin, no isolation left.
    EXPECT_EQ(h.ref_count(), 513);
}

} // namespace
} // namespace foliorc::test
