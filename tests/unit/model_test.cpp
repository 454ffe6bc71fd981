// The kernel model end to end (docs/kernel.md ("The pKVM failure")): outcomes and the refcount after each named
// step, each derived in the comments from the references the kernel takes (page cache, PTE,
// batch entries, pin bias, isolation).
#include <gtest/gtest.h>

#include <cerrno>
#include <string_view>
#include <tuple>
#include <vector>

#include <foliorc/model/kernel.hpp>

namespace foliorc::test {
namespace {
using namespace foliorc::model;
constexpr unsigned cpu_a = 0, cpu_b = 1;

template <class P>
struct seed_run {
    kernel<rules::latest, P> k{{.nr_cpus = 2}};
    int memfd = k.memfd_create("crosvm_guest", placement::cma);
    int vma = k.mmap_file(memfd, 64);
    int x = -1;
    pin_result r;

    // Steps 1-2 of the crosvm sequence, with the refcount after each.
    void prepare()
    {
        k.mlock2_onfault(cpu_a, vma);
        x = k.fault(cpu_a, vma, 0);
        // Step 1: page cache 1 + pte 1 + lru_add(A) 1 + mlock(A) 1 = 4; PG_lru clear.
        EXPECT_EQ(k.folio(x).ref_count(), 4);
        EXPECT_FALSE(k.folio(x).test(pg::lru));
        EXPECT_TRUE(k.folio(x).test(pg::mlocked));
        k.readahead(cpu_a, memfd, 1, 30);
        // Step 2: 30 more entries make 31: the batch fills and is processed. lru_add's reference
        // is gone, PG_lru set (unevictable: mlocked); the mlock batch keeps its: 3.
        EXPECT_EQ(k.folio(x).ref_count(), 3);
        EXPECT_TRUE(k.folio(x).test(pg::lru));
        EXPECT_TRUE(k.folio(x).test(pg::unevictable));
        EXPECT_EQ(k.folio(x).ledger().held(batch_holder(batch_kind::mlock, cpu_a)), 1);
    }
    void pin() { r = k.pin_user_pages(cpu_b, vma, 0, 1); }
};

TEST(Model, SeedFailsWithENOMEMUnderLruFlag)
{
    seed_run<drain::lru_flag> s;
    s.prepare();
    s.pin();
    // Step 4: PG_lru set, no drain; isolation succeeds. Step 5: unpin, try_to_migrate unmaps
    // (pte gone), mlock_drain_local on B frees nothing: page cache 1 + mlock(A) 1 + isolation
    // 1 = 3 != folio_expected_ref_count 1 + 1: -EAGAIN for all 10 passes. Step 6: -ENOMEM.
    EXPECT_EQ(s.r.ret, -ENOMEM);
    EXPECT_EQ(s.r.drain_alls, 0);
    EXPECT_EQ(s.r.local_drains, 0);
    EXPECT_EQ(s.r.migrate_passes, nr_max_migrate_pages_retry);
    EXPECT_EQ(s.r.gup_attempts, 1);
    // Afterwards: mapped again, put back through B's lru_add, no pin, A's mlock entry still
    // there: page cache 1 + pte 1 + mlock(A) 1 + lru_add(B) 1 = 4.
    const auto& f = s.k.folio(s.x);
    EXPECT_EQ(f.ref_count(), 4);
    EXPECT_EQ(f.ledger().held(holder::foll_pin), 0);
    EXPECT_EQ(s.k.folio_at(s.vma, 0), s.x);
}

TEST(Model, SeedSucceedsAfterOneDrainAllUnderRefCount)
{
    seed_run<drain::ref_count<>> s;
    s.prepare();
    s.pin();
    // Step 4: 3 + 1024 = 1027 != 1 + 1 + 1 -> lru_add_drain_all processes A's mlock batch.
    // Migration: page cache 1 + isolation 1 = 2 = 1 + 1, moved in pass 1; -EAGAIN makes GUP pin
    // again, now the new folio in ZONE_NORMAL, which is pinnable: 0.
    EXPECT_EQ(s.r.ret, 0);
    EXPECT_EQ(s.r.drain_alls, 1);
    EXPECT_EQ(s.r.local_drains, 0);
    EXPECT_EQ(s.r.migrate_passes, 1);
    EXPECT_EQ(s.r.gup_attempts, 2);
    const int y = s.k.folio_at(s.vma, 0);
    ASSERT_NE(y, s.x);
    EXPECT_EQ(s.k.folio(s.x).ref_count(), 0); // the source was freed
    EXPECT_TRUE(folio_is_longterm_pinnable(s.k.folio(y)));
    // migrate_folio_move (6.12.117): folio_add_lru(dst) on B, then lru_add_drain() because the
    // source was mlocked (its lru_add entry processed), then remove_migration_ptes maps dst
    // (mlock_folio + mlock_drain_local on B: queued and processed at once).
    // The new folio: page cache 1 + pte 1 + pin 1024 = 1026.
    EXPECT_EQ(s.k.folio(y).ref_count(), 1026);
    EXPECT_EQ(s.r.folios, std::vector<int>{y});
    s.k.unpin_user_pages(cpu_b, s.r);
    EXPECT_EQ(s.k.folio(y).ref_count(), 2);
}

TEST(Model, LocalFirstDrainsLocallyFindsTheReferenceThenDrainsAll)
{
    seed_run<drain::local_first<>> s;
    s.prepare();
    s.pin();
    // 1027 != 3 -> lru_add_drain on B: B has nothing queued, the reference is on A; still
    // 1027 != 3 -> lru_add_drain_all.
    EXPECT_EQ(s.r.ret, 0);
    EXPECT_EQ(s.r.local_drains, 1);
    EXPECT_EQ(s.r.drain_alls, 1);
    EXPECT_EQ(s.r.wasted_drains, 1); // the local one
}

template <class P>
pin_result healthy()
{
    kernel<rules::latest, P> k({.nr_cpus = 2});
    const int memfd = k.memfd_create("guest", placement::cma);
    const int vma = k.mmap_file(memfd, 4);
    k.fault(cpu_a, vma, 0);
    k.lru_add_drain_all(cpu_a);
    return k.pin_user_pages(cpu_b, vma, 0, 1);
}

TEST(Model, HealthyPinDrainsUnderRefCountButNotUnderPinAware)
{
    // page cache 1 + pte 1 + pin 1024 = 1026, expected 2. ref_count: 1026 != 3 -> drain all,
    // which frees nothing (wasted). pin_aware: 1026 == 2 + 1024 -> no drain. Both migrate.
    const auto rc = healthy<drain::ref_count<>>();
    EXPECT_EQ(rc.ret, 0);
    EXPECT_EQ(rc.drain_alls, 1);
    EXPECT_EQ(rc.wasted_drains, 1);
    const auto pa = healthy<drain::pin_aware<>>();
    EXPECT_EQ(pa.ret, 0);
    EXPECT_EQ(pa.drain_alls + pa.local_drains, 0);
}

TEST(Model, TraceNamesTheKernelFunctions)
{
    seed_run<drain::ref_count<>> s;
    s.prepare();
    s.pin();
    std::vector<std::string_view> on_x;
    for (const auto& e : s.k.trace().events())
        if (e.folio == s.x)
            on_x.push_back(e.event);
    // Fault: alloc, page cache, lru_add(A); the rmap makes the fault's reference the PTE's (no
    // event) and mlock_vma_folio -> mlock_folio on A. Readahead processes A's lru_add. Pin; the
    // drain-all processes A's mlock batch; isolation; unpin. try_to_migrate_one: the rmap goes
    // (munlock_vma_folio -> munlock_folio on B), mlock_drain_local processes it, folio_put of
    // the PTE's reference. folio_migrate_mapping moves the page cache's reference to the new
    // folio; migrate_folio_done frees the source with the isolation reference.
    const std::vector<std::string_view> want{
        "folio_alloc",           "filemap_add_folio", "folio_add_lru",     "mlock_folio",
        "folio_batch_move_lru",  "try_grab_folio",    "mlock_folio_batch", "folio_isolate_lru",
        "unpin_folio",           "munlock_folio",     "mlock_folio_batch", "try_to_migrate_one",
        "folio_migrate_mapping", "migrate_folio_done"};
    EXPECT_EQ(on_x, want);
    // Every event's refcount equals its holders' sum.
    for (const auto& e : s.k.trace().events()) {
        int sum = 0;
        for (auto [h, n] : e.holders)
            sum += n;
        EXPECT_EQ(sum, e.refcount) << e.event;
    }
}

TEST(Model, SameInputsGiveTheSameTrace)
{
    auto run = [] {
        seed_run<drain::pin_aware<>> s;
        s.prepare();
        s.pin();
        std::vector<std::tuple<long, unsigned, std::string_view, int, int>> t;
        for (const auto& e : s.k.trace().events())
            t.emplace_back(e.step, e.cpu, e.event, e.folio, e.refcount);
        return t;
    };
    EXPECT_EQ(run(), run());
}

// ---- copies: the prefix tree of policy_report runs a shared prefix once, then copies ----

template <class K>
std::vector<std::tuple<long, unsigned, std::string_view, int, int, int>> trace_of(const K& k)
{
    std::vector<std::tuple<long, unsigned, std::string_view, int, int, int>> t;
    for (const auto& e : k.trace().events())
        t.emplace_back(e.step, e.cpu, e.event, e.folio, e.delta, e.refcount);
    return t;
}

template <class K>
void expect_same_kernel(const K& a, const K& b)
{
    ASSERT_EQ(a.nr_folios(), b.nr_folios());
    // Every field and the ledger; the mapping by name (two kernels have their own files).
    auto fields = [](const auto& f) {
        return std::tuple(f.pfn(), f.order(), f.flags(), f.type(), f.zone(), f.mt(), f.ref_count(),
                          f.mapcount(), f.pincount(), f.mapping_kind_(), f.ledger(),
                          f.mapping() ? f.mapping()->name : std::string_view("(none)"));
    };
    for (int id = 0; id < a.nr_folios(); ++id)
        EXPECT_TRUE(fields(a.folio(id)) == fields(b.folio(id))) << "folio " << id;
    EXPECT_EQ(trace_of(a), trace_of(b));
    EXPECT_EQ(a.migrations(), b.migrations());
}

TEST(Model, ACopyGoesOnAsTheKernelWouldAndLeavesTheOriginal)
{
    // Steps 1-2 of the seed, then a copy; the copy pins, as SeedSucceedsAfterOneDrainAll...
    seed_run<drain::ref_count<>> original;
    original.prepare();
    const auto events = original.k.trace().events().size();
    auto copy = original.k;
    const pin_result r = copy.pin_user_pages(cpu_b, original.vma, 0, 1);
    // ... and ends exactly where a kernel that ran steps 1-4 itself ends: same folios with the
    // same ledgers, the same trace from the start, the same migration.
    seed_run<drain::ref_count<>> replay;
    replay.prepare();
    replay.pin();
    EXPECT_EQ(r.ret, 0);
    EXPECT_EQ(r.drain_alls, replay.r.drain_alls);
    EXPECT_EQ(r.folios, replay.r.folios);
    expect_same_kernel(copy, replay.k);
    // The drain-all emptied the copy's batches: the copy's entries were the copy's folios.
    EXPECT_EQ(copy.caches().queued(copy.folio(original.x)), 0);
    // The original is still after step 2: refcount 3, its reference in CPU A's mlock batch,
    // still queued there, mapped at page 0, and its trace did not see the copy's events.
    const auto& x = original.k.folio(original.x);
    EXPECT_EQ(x.ref_count(), 3);
    EXPECT_EQ(x.ledger().held(batch_holder(batch_kind::mlock, cpu_a)), 1);
    EXPECT_EQ(original.k.caches().queued(x), 1);
    EXPECT_EQ(original.k.folio_at(original.vma, 0), original.x);
    EXPECT_EQ(original.k.trace().events().size(), events);
    // The original goes on as well, as if no copy had been made.
    original.pin();
    expect_same_kernel(original.k, replay.k);
}

TEST(Model, CopyAssignmentRebindsLikeACopy)
{
    seed_run<drain::ref_count<>> a, b;
    a.prepare();
    b.k.lru_add_drain(cpu_a); // some other state, overwritten
    b.k = a.k;
    (void)b.k.pin_user_pages(cpu_b, a.vma, 0, 1);
    seed_run<drain::ref_count<>> replay;
    replay.prepare();
    replay.pin();
    expect_same_kernel(b.k, replay.k);
    EXPECT_EQ(a.k.folio(a.x).ref_count(), 3);
}

TEST(Model, MunmapOfALockedVmaMunlocks)
{
    kernel<> k({.nr_cpus = 2});
    const int memfd = k.memfd_create("m", placement::normal);
    const int vma = k.mmap_file(memfd, 2);
    k.mlock(cpu_a, vma); // populates both pages, locked
    k.lru_add_drain(cpu_a);
    const int f = k.folio_at(vma, 0);
    EXPECT_TRUE(k.folio(f).test(pg::unevictable));
    k.munmap(cpu_a, vma);
    // The rmap removal queued munlock_folio on A: page cache 1 + mlock(A) 1 = 2.
    EXPECT_EQ(k.folio(f).ref_count(), 2);
    k.lru_add_drain(cpu_a);
    EXPECT_EQ(k.folio(f).ref_count(), 1);
    EXPECT_FALSE(k.folio(f).test(pg::mlocked));
}

TEST(Model, TryToMigrateDrainsTheMlockBatchOnlyForALockedVma)
{
    // try_to_migrate_one: `if (vma->vm_flags & VM_LOCKED) mlock_drain_local();`. After munlock
    // on CPU B the vma is no longer locked, but B's mlock batch holds the munlock entry. Under
    // `never` nothing drains it: after unpin and unmap, page cache 1 + mlock(B) 1 + isolation 1
    // = 3 != folio_expected_ref_count 1 + 1, for all 10 passes: -ENOMEM.
    kernel<rules::latest, drain::never> k({.nr_cpus = 2});
    const int memfd = k.memfd_create("m", placement::cma);
    const int vma = k.mmap_file(memfd, 1);
    k.mlock2_onfault(cpu_a, vma);
    const int f = k.fault(cpu_a, vma, 0);
    k.lru_add_drain_all(cpu_a);
    k.munlock(cpu_b, vma);
    EXPECT_EQ(k.folio(f).ledger().held(batch_holder(batch_kind::mlock, cpu_b)), 1);
    const pin_result r = k.pin_user_pages(cpu_b, vma, 0, 1);
    EXPECT_EQ(r.ret, -ENOMEM);
    EXPECT_EQ(r.migrate_passes, nr_max_migrate_pages_retry);
    EXPECT_EQ(k.folio(f).ledger().held(batch_holder(batch_kind::mlock, cpu_b)), 1);
}

TEST(Model, NewAnonFolioInALockedVmaGoesThroughTheMlockBatch)
{
    kernel<> k({.nr_cpus = 2});
    const int vma = k.mmap_anon(1, placement::normal);
    k.mlock2_onfault(cpu_a, vma);
    const int f = k.fault(cpu_a, vma, 0);
    // pte 1 + mlock(A) 1 (mlock_new_folio, not lru_add) = 2.
    EXPECT_EQ(k.folio(f).ref_count(), 2);
    EXPECT_EQ(k.folio(f).ledger().held(batch_holder(batch_kind::mlock, cpu_a)), 1);
    EXPECT_EQ(k.folio(f).ledger().held(batch_holder(batch_kind::lru_add, cpu_a)), 0);
}

TEST(Model, CephPrivate2PinFailsUnderEveryPolicy)
{
    kernel_drain_policies::for_each([]<class P>() {
        kernel<rules::latest, P> k({.nr_cpus = 2});
        const int file = k.file_open(fs::ceph, "ceph", placement::cma);
        const int vma = k.mmap_file(file, 1);
        const int f = k.fault(cpu_a, vma, 0);
        k.lru_add_drain_all(cpu_a);
        k.fscache_write_begin(cpu_a, f);
        // After unmap: page cache 1 + private_2 1 + isolation 1 = 3 != 1 + 1.
        EXPECT_EQ(k.pin_user_pages(cpu_b, vma, 0, 1).ret, -ENOMEM) << P::name;
    });
}

} // namespace
} // namespace foliorc::test
