// collect_unpinnable under every drain policy, one row per situation (docs/kernel.md ("Collection and drain policies", "Per-CPU batches", "The pKVM failure")).
// Expected values are derived in each row's comment from the kernel's rules; the latest rule set
// (v6_19) gives folio_expected_ref_count.
#include <gtest/gtest.h>

#include <functional>
#include <list>
#include <map>
#include <string>

#include "scenario_support.hpp"

namespace foliorc::test {
namespace {

struct expect {
    int local = 0;
    int all = 0;
    int collected = 1;
    int isolated = 1;
};

// Per policy, in the order of kernel_drain_policies:
//   lru_flag, ref_count, local_first, may_be_lru_cached, pin_aware, always, never.
struct row {
    std::string name;
    std::function<void(scenario&)> setup;
    std::map<std::string_view, expect> want;
};

template <class Policy>
void run_row(const row& r)
{
    scenario s;
    r.setup(s);
    std::vector<collect_decision> decisions;
    const collect_result got =
        collect_unpinnable(s.pofs, s.env, Policy{}, dedupe::pfn_range{},
                           [&](const full_folio&, collect_decision d) { decisions.push_back(d); });
    const expect w = r.want.at(Policy::name);
    SCOPED_TRACE(r.name + " under " + std::string(Policy::name));
    EXPECT_EQ(got.local_drains, w.local);
    EXPECT_EQ(got.drain_alls, w.all);
    EXPECT_EQ(got.collected, w.collected);
    EXPECT_EQ(got.isolated, w.isolated);
    // The environment performed exactly the drains the result reports.
    EXPECT_EQ(s.caches.counters().local_drains, w.local);
    EXPECT_EQ(s.caches.counters().drain_all_calls, w.all);
    EXPECT_EQ(long(s.env.movable_list().size()), got.isolated);
    // Every folio keeps refcount == its ledger's sum.
    for (const auto& f : s.folios)
        EXPECT_EQ(f.ref_count(), f.ledger().total());
}

void run_all_policies(const row& r)
{
    kernel_drain_policies::for_each([&]<class P>() { run_row<P>(r); });
}

expect same(int local, int all, int isolated = 1)
{
    return {local, all, 1, isolated};
}

// The expectations of one row, in the order of kernel_drain_policies.
std::map<std::string_view, expect> per_policy(expect lru_flag, expect ref_count, expect local_first,
                                              expect may_be_lru_cached, expect pin_aware,
                                              expect always, expect never)
{
    return {{"lru_flag", lru_flag},
            {"ref_count", ref_count},
            {"local_first", local_first},
            {"may_be_lru_cached", may_be_lru_cached},
            {"pin_aware", pin_aware},
            {"always", always},
            {"never", never}};
}
// A row where every policy must do the same.
std::map<std::string_view, expect> every_policy(expect w)
{
    return per_policy(w, w, w, w, w, w, w);
}

// ---------------------------------------------------------------------------------------------

TEST(Collect, CleanAnonFolioOnTheLru)
{
    // Anon fault on CPU A, lru_add processed (PG_lru set), pinned once on CPU B.
    // refcount = pte 1 + pin 1024 = 1025; expected = swapcache 0 + mapcount 1 = 1.
    // lru_flag: PG_lru set -> no drain. ref_count: 1025 != 1 + 1 -> drain all once.
    // local_first / may_be_lru_cached (small): 1025 != 2 -> local; still != 2 -> all.
    // pin_aware: 1025 == 1 + 1024 -> no drain. always: all once. never: none.
    run_all_policies({"clean anon on LRU",
                      [](scenario& s) {
                          auto& f = s.fault(anon_mapping, cpu_a);
                          s.caches.lru_add_drain_cpu(cpu_a);
                          s.pin(f);
                      },
                      per_policy(same(0, 0), same(0, 1), same(1, 1), same(1, 1), same(0, 0),
                                 same(0, 1), same(0, 0))});
}

TEST(Collect, HealthyPinnedShmemFolio)
{
    // Shmem fault on CPU A, on the LRU, pinned once: refcount = page cache 1 + pte 1 + 1024 =
    // 1026; expected = (mapping != NULL) 1 + mapcount 1 = 2. Only the pin bias differs, so
    // ref_count and local_first drain anyway (the "always draining" bug, docs/kernel.md ("Collection and drain policies"))
    // and pin_aware (2 + 1024 = 1026) does not.
    run_all_policies({"healthy pinned shmem",
                      [](scenario& s) {
                          auto& f = s.fault(shmem_map, cpu_a);
                          s.caches.lru_add_drain_cpu(cpu_a);
                          s.pin(f);
                      },
                      per_policy(same(0, 0), same(0, 1), same(1, 1), same(1, 1), same(0, 0),
                                 same(0, 1), same(0, 0))});
}

TEST(Collect, FolioStillOnAnotherCpusLruAddBatch)
{
    // Shmem fault on CPU A, still on A's lru_add batch: PG_lru clear; refcount = page cache 1 +
    // pte 1 + batch 1 + 1024 = 1027; expected 2.
    // lru_flag: !PG_lru -> drain all: A's lru_add is processed, PG_lru set, batch ref dropped.
    // ref_count: 1027 != 3 -> all. local_first / may_be: B's local drain frees nothing (the
    // entry is on A), still != 3 -> all. pin_aware: 1027 != 1026 -> local; still -> all.
    // never: PG_lru stays clear, folio_isolate_lru fails, but the folio is still collected.
    run_all_policies({"on CPU A's lru_add", [](scenario& s) { s.pin(s.fault(shmem_map, cpu_a)); },
                      per_policy(same(0, 1), same(0, 1), same(1, 1), same(1, 1), same(1, 1),
                                 same(0, 1), same(0, 0, 0))});
}

TEST(Collect, FolioOnThePinningCpusLruAddBatch)
{
    // As above but the fault ran on CPU B itself: the local drain releases the batch reference.
    // pin_aware: 1027 != 1026 -> local; now 1026 == 2 + 1024 -> done, no drain-all.
    // local_first / may_be: 1027 != 3 -> local; 1026 != 3 (the bias) -> all anyway.
    run_all_policies({"on CPU B's lru_add", [](scenario& s) { s.pin(s.fault(shmem_map, cpu_b)); },
                      per_policy(same(0, 1), same(0, 1), same(1, 1), same(1, 1), same(1, 0),
                                 same(0, 1), same(0, 0, 0))});
}

// The seed's case (docs/kernel.md ("The pKVM failure")): a locked shmem folio on the LRU (PG_lru set) whose mlock
// batch entry on CPU A still holds a reference.
void mlocked_on_cpu_a(scenario& s)
{
    auto& f = s.alloc();
    filemap_add_folio(f, shmem_map);
    folio_add_rmap_ptes(f);
    s.caches.folio_add_lru(cpu_a, f);
    s.caches.mlock_folio(cpu_a, f);    // VM_LOCKED: PG_mlocked, +1 on A's mlock batch
    s.caches.lru_add_drain_cpu(cpu_a); // readahead filled A's lru_add: PG_lru set
    s.pin(f);
}

TEST(Collect, SeedCaseFolioOnAnotherCpusMlockBatch)
{
    // refcount = page cache 1 + pte 1 + mlock batch 1 + 1024 = 1027; expected 2; PG_lru set.
    // lru_flag: PG_lru set -> no drain: the bug. ref_count: 1027 != 3 -> drain all: A's mlock
    // batch is processed. local_first / may_be: local (nothing on B) then all.
    // pin_aware: 1027 != 1026 -> local, still -> all.  The folio isolates in every case.
    run_all_policies({"seed: on CPU A's mlock batch", mlocked_on_cpu_a,
                      per_policy(same(0, 0), same(0, 1), same(1, 1), same(1, 1), same(1, 1),
                                 same(0, 1), same(0, 0))});
}

TEST(Collect, SeedCaseDrainReleasesTheStrayReference)
{
    // After ref_count's drain-all: page cache 1 + pte 1 + pin 1024 + isolation 1 = 1027, and no
    // batch holds anything. Under lru_flag the mlock batch reference survives.
    {
        scenario s;
        mlocked_on_cpu_a(s);
        (void)collect_unpinnable(s.pofs, s.env, drain::ref_count<>{});
        const auto& f = s.folios.front();
        EXPECT_EQ(f.ledger().held_kind(holder::batch), 0);
        EXPECT_EQ(f.ref_count(), 1027);
        EXPECT_TRUE(f.test(pg::unevictable)); // __mlock_folio moved it to the unevictable LRU
    }
    {
        scenario s;
        mlocked_on_cpu_a(s);
        (void)collect_unpinnable(s.pofs, s.env, drain::lru_flag{});
        const auto& f = s.folios.front();
        EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::mlock, cpu_a)), 1);
        EXPECT_EQ(f.ref_count(), 1028);
    }
}

void ceph_private_2(scenario& s)
{
    static constexpr mapping ceph = file_mapping(fs::ceph);
    auto& f = s.alloc();
    filemap_add_folio(f, ceph);
    folio_start_private_2(f); // netfs: PG_private_2 with +1
    folio_add_rmap_ptes(f);
    s.caches.folio_add_lru(cpu_a, f);
    s.caches.lru_add_drain_cpu(cpu_a);
    s.pin(f);
}

TEST(Collect, CephFolioWithPrivate2AndItsReference)
{
    // refcount = page cache 1 + private_2 1 + pte 1 + 1024 = 1027; expected = 1 + 0 + 1 = 2
    // (PG_private_2 not counted, on purpose). Every refcount policy sees a mismatch and drains,
    // uselessly: pin_aware 1027 != 1026 -> local, still -> all. lru_flag: PG_lru set, no drain.
    run_all_policies({"ceph PG_private_2 with ref", ceph_private_2,
                      per_policy(same(0, 0), same(0, 1), same(1, 1), same(1, 1), same(1, 1),
                                 same(0, 1), same(0, 0))});
    // The drains release nothing: the refcount is unchanged by them.
    scenario s;
    ceph_private_2(s);
    (void)collect_unpinnable(s.pofs, s.env, drain::pin_aware<>{});
    EXPECT_EQ(s.folios.front().ref_count(), 1027 + 1); // + isolation, nothing released
}

void btrfs_612_private_2(scenario& s)
{
    auto& f = s.alloc();
    filemap_add_folio(f, btrfs_612_map);
    folio_attach_private(f);
    folio_start_private_2(f); // btrfs <= 6.12: no reference
    folio_add_rmap_ptes(f);
    s.caches.folio_add_lru(cpu_a, f);
    s.caches.lru_add_drain_cpu(cpu_a);
    s.pin(f);
}

TEST(Collect, Btrfs612FolioWithPrivate2WithoutAReference)
{
    // refcount = page cache 1 + private 1 + pte 1 + 1024 = 1027; expected = 1 + PG_private 1 +
    // mapcount 1 = 3. pin_aware: 1027 == 3 + 1024 -> no drain. ref_count and local_first still
    // trip over the bias (1027 != 4).
    run_all_policies({"btrfs-6.12 PG_private_2, no ref", btrfs_612_private_2,
                      per_policy(same(0, 0), same(0, 1), same(1, 1), same(1, 1), same(0, 0),
                                 same(0, 1), same(0, 0))});
}

TEST(Collect, LargeFolioNeverLingersAndMayBeLruCachedNeverDrains)
{
    // Order-4 shmem folio: folio_add_lru flushes at once (folio_may_be_lru_cached false), so
    // PG_lru is set. 16 pages pinned: 16 pofs entries, one folio after dedupe, +16 refs
    // (_pincount). refcount = page cache 16 + pte 16 + 16 = 48; expected = 16 + 16 = 32.
    // ref_count: 48 != 33 -> all. local_first: local, then all. may_be_lru_cached and
    // pin_aware: large -> never drain.
    run_all_policies({"order-4 shmem",
                      [](scenario& s) {
                          auto& f = s.fault(shmem_map, cpu_a, 4);
                          EXPECT_TRUE(f.test(pg::lru));
                          EXPECT_EQ(s.caches.queued(f), 0);
                          s.pin(f);
                      },
                      per_policy(same(0, 0), same(0, 1), same(1, 1), same(0, 0), same(0, 0),
                                 same(0, 1), same(0, 0))});
}

TEST(Collect, HugetlbIsIsolatedWithoutDrain)
{
    // hugetlb in CMA: collected, folio_isolate_hugetlb, no drain decision under any policy.
    const expect w{0, 0, 1, 1};
    run_all_policies({"hugetlb",
                      [](scenario& s) {
                          auto& f =
                              s.alloc(9, migratetype::cma, zone_type::normal, page_type::hugetlb);
                          filemap_add_folio(f, hugetlbfs_map);
                          folio_add_rmap_ptes(f);
                          s.pin(f, 1);
                      },
                      every_policy(w)});
}

TEST(Collect, DeviceCoherentIsCollectedButNotIsolated)
{
    const expect w{0, 0, 1, 0};
    run_all_policies({"device coherent",
                      [](scenario& s) {
                          auto& f = s.alloc(0, migratetype::movable, zone_type::device);
                          folio_add_new_anon_rmap(f, anon_mapping);
                          s.pin(f);
                      },
                      every_policy(w)});
}

TEST(Collect, EveryOutcomeInOneCallCountsOnce)
{
    // One call through every path of collect_longterm_unpinnable_folios(), so that the counts
    // derived at the end (folios = pinnable + collected, isolated = collected less the folios
    // not isolated) are checked together. pofs [P, H.0, D, A, H.0, A], none adjacent to its twin:
    //   P  pinnable (ZONE_NORMAL, movable pageblock): skipped, not collected;
    //   H  hugetlb in CMA: collected, folio_isolate_hugetlb takes it (HPG_migratable cleared);
    //   D  device coherent: collected, left for migrate_device_coherent_folio, not isolated;
    //   A  small shmem in CMA on the LRU: collected, folio_isolate_lru takes it (PG_lru cleared);
    //   H  again: collected, folio_isolate_hugetlb fails (HPG_migratable is clear);
    //   A  again: collected, folio_isolate_lru fails (PG_lru is clear).
    // 6 entries, 6 folios (runs), 5 collected, 2 isolated; drain::never asks for no drain.
    scenario s;
    auto& p = s.fault(shmem_map, cpu_a, 0, migratetype::movable);
    auto& a = s.fault(shmem_map, cpu_a);
    s.caches.lru_add_drain_cpu(cpu_a);
    auto& d = s.alloc(0, migratetype::movable, zone_type::device);
    folio_add_new_anon_rmap(d, anon_mapping);
    auto& h = s.alloc(9, migratetype::cma, zone_type::normal, page_type::hugetlb);
    filemap_add_folio(h, hugetlbfs_map);
    folio_add_rmap_ptes(h);
    s.pin(p);
    s.pin(h, 1);
    s.pin(d);
    s.pin(a);
    s.pin(h, 1);
    s.pin(a);
    std::vector<collect_decision> seen;
    const auto r =
        collect_unpinnable(s.pofs, s.env, drain::never{}, dedupe::pfn_range{},
                           [&](const full_folio&, collect_decision c) { seen.push_back(c); });
    const collect_result want{.entries = 6, .folios = 6, .collected = 5, .isolated = 2};
    EXPECT_EQ(r, want);
    const std::vector<collect_decision> order{collect_decision::pinnable,
                                              collect_decision::hugetlb,
                                              collect_decision::device_coherent,
                                              collect_decision::isolated,
                                              collect_decision::hugetlb_not_isolated,
                                              collect_decision::isolation_failed};
    EXPECT_EQ(seen, order);
}

TEST(Collect, PinnableFolioIsNotCollected)
{
    // ZONE_NORMAL, movable pageblock: folio_is_longterm_pinnable -> skipped, nothing counted.
    const expect w{0, 0, 0, 0};
    run_all_policies(
        {"pinnable", [](scenario& s) { s.pin(s.fault(shmem_map, cpu_a, 0, migratetype::movable)); },
         every_policy(w)});
}

TEST(Collect, ZoneMovableIsUnpinnable)
{
    scenario s;
    auto& f = s.alloc(0, migratetype::movable, zone_type::movable);
    EXPECT_FALSE(folio_is_longterm_pinnable(f));
    auto& g = s.alloc(0, migratetype::isolate);
    EXPECT_FALSE(folio_is_longterm_pinnable(g));
    auto& h = s.alloc(0, migratetype::unmovable);
    EXPECT_TRUE(folio_is_longterm_pinnable(h));
}

// ---- dedupe -----------------------------------------------------------------------------------

TEST(CollectDedupe, PagesOfOneLargeFolioCountOnceUnderBothStrategies)
{
    // 4 consecutive pages of an order-2 folio: one folio, collected 1, both strategies.
    for (int strategy = 0; strategy < 2; ++strategy) {
        scenario s;
        s.pin(s.fault(shmem_map, cpu_a, 2));
        const auto r =
            strategy ? collect_unpinnable(s.pofs, s.env, drain::never{}, dedupe::pfn_range{})
                     : collect_unpinnable(s.pofs, s.env, drain::never{}, dedupe::prev_folio{});
        EXPECT_EQ(r.entries, 4);
        EXPECT_EQ(r.folios, 1);
        EXPECT_EQ(r.collected, 1);
        EXPECT_EQ(r.isolated, 1);
    }
}

TEST(CollectDedupe, ARunIsOneFolioWhateverTheWalk)
{
    // pofs [A.0 .. A.15, B.0, A.0]: A order 4 (16 entries), B small, then A again. Runs: A (16
    // pages), B, A (1): 18 entries, 3 folios, all collected (CMA); A's second visit finds PG_lru
    // clear (isolated on the first), so 2 isolated. A vector walks runs with std::find_if_not, a
    // list entry by entry; prefetching changes neither.
    auto run = [](auto container, auto prefetch) {
        scenario s;
        auto& a = s.fault(shmem_map, cpu_a, 4);
        auto& b = s.fault(shmem_map, cpu_a);
        s.caches.lru_add_drain_cpu(cpu_a);
        s.pin(a);
        s.pin(b);
        s.pin(a, 1);
        decltype(container) pofs(s.pofs.begin(), s.pofs.end());
        return collect_unpinnable(pofs, s.env, drain::never{}, dedupe::pfn_range{}, no_sink{},
                                  prefetch);
    };
    const collect_result want{.entries = 18, .folios = 3, .collected = 3, .isolated = 2};
    using vec = std::vector<page_ref<full_folio>>;
    using list = std::list<page_ref<full_folio>>;
    EXPECT_EQ(run(vec{}, no_prefetch{}), want);
    EXPECT_EQ(run(vec{}, prefetch_ahead<4>{}), want);
    EXPECT_EQ(run(vec{}, prefetch_ahead<32>{}), want); // the window is longer than pofs
    EXPECT_EQ(run(list{}, no_prefetch{}), want);
    EXPECT_EQ(run(list{}, prefetch_ahead<4>{}), want);
}

// A page entry known by its pfn (page_to_pfn), as struct page* entries are: pfn_range tests
// the pfn against the current folio's [start_pfn, end_pfn), pofs_next_folio() of a03db236aebf.
struct pfn_page {
    full_folio* folio;
    std::uint64_t pfn;
};
} // namespace
} // namespace foliorc::test
template <>
struct foliorc::pofs_entry_traits<foliorc::test::pfn_page> {
    using folio_type = foliorc::test::full_folio;
    static constexpr bool is_page = true;
    static folio_type* folio(const foliorc::test::pfn_page& p) { return p.folio; }
    static std::uint64_t pfn(const foliorc::test::pfn_page& p) { return p.pfn; }
};
namespace foliorc::test {
namespace {

TEST(CollectDedupe, PageEntriesByPfnEndRunsOutsideTheFoliosRange)
{
    // Neighbouring folios: A order 2 at pfn 0x10000-0x10003, B order 0 at 0x10004, C order 2 at
    // 0x10008-0x1000b (stride 4). pofs [A.0, A.1, A.3, B.0, C.0, A.2, C.3, C.1] gives the runs
    //   A (A.0, A.1, A.3: within A's range, the order of pages does not matter),
    //   B (0x10004 == A's end_pfn), C, A (0x10002 lies below C's start_pfn), C (C.3, C.1):
    // 8 entries, 5 folios, all collected (CMA); A's and C's second runs find PG_lru clear
    // (isolated on their first), so 3 isolated.
    auto run = [](auto container) {
        scenario s;
        s.pfn_stride = 4;
        auto& a = s.fault(shmem_map, cpu_a, 2);
        auto& b = s.fault(shmem_map, cpu_a);
        auto& c = s.fault(shmem_map, cpu_a, 2);
        s.caches.lru_add_drain_cpu(cpu_a);
        EXPECT_EQ(folio_pfn(c), 0x10008u);
        const std::pair<full_folio*, int> pages[] = {{&a, 0}, {&a, 1}, {&a, 3}, {&b, 0},
                                                     {&c, 0}, {&a, 2}, {&c, 3}, {&c, 1}};
        decltype(container) pofs;
        for (auto [f, i] : pages) {
            try_grab_folio(*f, 1, FOLL_PIN | FOLL_LONGTERM);
            pofs.push_back(pfn_page{f, folio_pfn(*f) + std::uint64_t(i)});
        }
        EXPECT_TRUE(dedupe::pfn_range::same(pfn_page{&a, 0x10003}, &a));
        EXPECT_FALSE(dedupe::pfn_range::same(pfn_page{&b, 0x10004}, &a));
        EXPECT_FALSE(dedupe::pfn_range::same(pfn_page{&a, 0x10002}, &c));
        return collect_unpinnable(pofs, s.env, drain::never{}, dedupe::pfn_range{});
    };
    const collect_result want{.entries = 8, .folios = 5, .collected = 5, .isolated = 3};
    EXPECT_EQ(run(std::vector<pfn_page>{}), want);
    EXPECT_EQ(run(std::list<pfn_page>{}), want);
}

TEST(CollectDedupe, NonAdjacentDuplicatesAreNotDeduped)
{
    // pages [A.0, B.0, A.1]: A is met twice. The second time PG_lru is already clear (A was
    // isolated), so folio_isolate_lru fails, but collected still counts it: 3 collected, 2
    // isolated, under both strategies.
    for (int strategy = 0; strategy < 2; ++strategy) {
        scenario s;
        auto& a = s.fault(shmem_map, cpu_a, 1);
        auto& b = s.fault(shmem_map, cpu_a);
        s.caches.lru_add_drain_cpu(cpu_a);
        s.pin(a, 1);
        s.pin(b, 1);
        try_grab_folio(a, 1, FOLL_PIN);
        s.pofs.push_back(page_ref<full_folio>{&a});
        const auto r =
            strategy ? collect_unpinnable(s.pofs, s.env, drain::never{}, dedupe::pfn_range{})
                     : collect_unpinnable(s.pofs, s.env, drain::never{}, dedupe::prev_folio{});
        EXPECT_EQ(r.folios, 3);
        EXPECT_EQ(r.collected, 3);
        EXPECT_EQ(r.isolated, 2);
    }
}

TEST(CollectDedupe, FolioArraysDifferBetweenStrategies)
{
    // memfd_pin_folios-style folio array [A, A, B]: prev_folio skips the second A (2 collected);
    // pofs_next_folio walks folio arrays one entry at a time (3 collected, the second A failing
    // isolation).
    auto run = [](auto strategy) {
        scenario s;
        auto& a = s.fault(shmem_map, cpu_a);
        auto& b = s.fault(shmem_map, cpu_a);
        s.caches.lru_add_drain_cpu(cpu_a);
        std::vector<full_folio*> folios{&a, &a, &b};
        for (auto* f : folios)
            try_grab_folio(*f, 1, FOLL_PIN);
        return collect_unpinnable(folios, s.env, drain::never{}, strategy);
    };
    const auto prev = run(dedupe::prev_folio{});
    EXPECT_EQ(prev.collected, 2);
    EXPECT_EQ(prev.isolated, 2);
    const auto pfn = run(dedupe::pfn_range{});
    EXPECT_EQ(pfn.collected, 3);
    EXPECT_EQ(pfn.isolated, 2);
}

TEST(Collect, SinkSeesEveryDecisionInOrder)
{
    scenario s;
    auto& pinnable = s.fault(shmem_map, cpu_a, 0, migratetype::movable);
    auto& stray = s.fault(shmem_map, cpu_a); // on A's lru_add: needs the drain
    s.pin(pinnable);
    s.pin(stray);
    std::vector<std::pair<const full_folio*, collect_decision>> seen;
    (void)collect_unpinnable(
        s.pofs, s.env, drain::pin_aware<>{}, dedupe::pfn_range{},
        [&](const full_folio& f, collect_decision d) { seen.emplace_back(&f, d); });
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], std::make_pair(static_cast<const full_folio*>(&pinnable),
                                      collect_decision::pinnable));
    EXPECT_EQ(seen[1].second, collect_decision::drained);
    EXPECT_EQ(seen[2].second, collect_decision::isolated);
}

} // namespace
} // namespace foliorc::test
