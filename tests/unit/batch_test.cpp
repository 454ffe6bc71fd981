// Per-CPU batches (docs/kernel.md ("Per-CPU batches")): references, flush triggers, PG_lru eras, drains.
#include <gtest/gtest.h>

#include <deque>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace foliorc::test {
namespace {

template <std::size_t Capacity>
struct fixture {
    lru_caches<full_folio, Capacity> caches;
    std::deque<full_folio> folios;
    explicit fixture(lru_caches_config cfg = {.nr_cpus = 2}) : caches(cfg) {}
    full_folio& page_cache_folio(unsigned order = 0)
    {
        auto& f = folios.emplace_back(
            full_folio::state{.pfn = 0x100 + 0x10 * folios.size(), .order = order});
        filemap_add_folio(f, shmem_map);
        folio_put(f);
        return f; // refcount 1: the page cache
    }
};

TEST(Batch, BasicBatchAddReturnsSpaceLeft)
{
    basic_batch<int, 3> b;
    EXPECT_EQ(b.add(1), 2u);
    EXPECT_EQ(b.add(2), 1u);
    EXPECT_EQ(b.add(3), 0u); // folio_batch_add() == 0: full
    EXPECT_EQ(b.size(), 3u);
    b.clear();
    EXPECT_TRUE(b.empty());
}

TEST(Batch, EachEntryHoldsOneReferenceUntilProcessed)
{
    fixture<folio_batch_size> t;
    auto& f = t.page_cache_folio();
    t.caches.folio_add_lru(0, f);
    // page cache 1 + lru_add entry 1 = 2; PG_lru still clear.
    EXPECT_EQ(f.ref_count(), 2);
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::lru_add, 0)), 1);
    EXPECT_FALSE(f.test(pg::lru));
    t.caches.lru_add_drain(0);
    EXPECT_EQ(f.ref_count(), 1);
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(t.caches.counters().local_drains, 1);
}

// A full batch is processed together with the entry that filled it, so at most Capacity - 1
// entries linger: 14 with PAGEVEC_SIZE 15 (before 6.9), 30 with 31 (docs/kernel.md ("Per-CPU batches")).
template <std::size_t Capacity>
void check_linger_limit()
{
    fixture<Capacity> t;
    for (std::size_t i = 0; i + 1 < Capacity; ++i)
        t.caches.folio_add_lru(0, t.page_cache_folio());
    EXPECT_EQ(t.caches.pending(0, batch_kind::lru_add).size(), Capacity - 1);
    auto& last = t.page_cache_folio();
    t.caches.folio_add_lru(0, last);
    EXPECT_TRUE(t.caches.pending(0, batch_kind::lru_add).empty());
    for (const auto& f : t.folios) {
        EXPECT_TRUE(f.test(pg::lru));
        EXPECT_EQ(f.ref_count(), 1);
    }
}
TEST(Batch, AtMost14LingerBefore6_9)
{
    check_linger_limit<pagevec_size>();
}
TEST(Batch, AtMost30LingerFrom6_9)
{
    check_linger_limit<folio_batch_size>();
}

TEST(Batch, LargeFolioIsProcessedAtOnce)
{
    fixture<folio_batch_size> t;
    auto& small = t.page_cache_folio();
    t.caches.folio_add_lru(0, small);
    auto& large = t.page_cache_folio(2);
    t.caches.folio_add_lru(0, large);
    // The large folio flushed the whole batch, the small one with it.
    EXPECT_TRUE(large.test(pg::lru));
    EXPECT_TRUE(small.test(pg::lru));
    EXPECT_EQ(t.caches.queued(small) + t.caches.queued(large), 0);
    EXPECT_EQ(large.ref_count(), 4); // page cache 1 << 2
}

TEST(Batch, LruCacheDisabledFlushesEveryAdd)
{
    fixture<folio_batch_size> t;
    auto& queued = t.page_cache_folio();
    t.caches.folio_add_lru(1, queued);
    t.caches.lru_cache_disable(0); // forced drain of every CPU
    EXPECT_TRUE(queued.test(pg::lru));
    EXPECT_EQ(t.caches.counters().drain_all_calls, 1);
    auto& f = t.page_cache_folio();
    t.caches.folio_add_lru(0, f);
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 1);
    t.caches.lru_cache_enable();
    auto& g = t.page_cache_folio();
    t.caches.folio_add_lru(0, g);
    EXPECT_FALSE(g.test(pg::lru));
    EXPECT_THROW(t.caches.lru_cache_enable(), folio_error);
}

TEST(Batch, ClassicEraKeepsPgLruWhileQueuedForActivate)
{
    fixture<folio_batch_size> t({.nr_cpus = 1, .era = lru_era::classic});
    auto& f = t.page_cache_folio();
    t.caches.folio_add_lru(0, f);
    t.caches.lru_add_drain(0);
    t.caches.folio_activate(0, f);
    EXPECT_TRUE(f.test(pg::lru)); // cleared only while processed
    EXPECT_EQ(f.ref_count(), 2);
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_TRUE(f.test(pg::active));
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Batch, ClearOnAddEraClearsPgLruWhenQueued)
{
    // 33dfe9204f29: PG_lru is cleared when queued to activate/deactivate/lazyfree/move_tail.
    fixture<folio_batch_size> t({.nr_cpus = 1, .era = lru_era::clear_on_add});
    auto& f = t.page_cache_folio();
    t.caches.folio_add_lru(0, f);
    t.caches.lru_add_drain(0);
    t.caches.folio_activate(0, f);
    EXPECT_FALSE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2);
    // A second queueing finds PG_lru clear and is skipped.
    t.caches.folio_rotate_reclaimable(0, f);
    EXPECT_EQ(f.ref_count(), 2);
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_TRUE(f.test(pg::active));
}

TEST(Batch, MlockBatchNeverClearsPgLruInEitherEra)
{
    for (auto era : {lru_era::classic, lru_era::clear_on_add}) {
        fixture<folio_batch_size> t({.nr_cpus = 1, .era = era});
        auto& f = t.page_cache_folio();
        t.caches.folio_add_lru(0, f);
        t.caches.lru_add_drain(0);
        t.caches.mlock_folio(0, f);
        EXPECT_TRUE(f.test(pg::lru));
        EXPECT_TRUE(f.test(pg::mlocked));
        EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::mlock, 0)), 1);
        t.caches.lru_add_drain(0);
        EXPECT_TRUE(f.test(pg::unevictable)); // __mlock_folio: to the unevictable LRU
        EXPECT_EQ(f.ref_count(), 1);
    }
}

TEST(Batch, MlockNewFolioReachesTheLruThroughTheMlockBatch)
{
    // New anon folio in a VM_LOCKED vma: mlock_new_folio instead of the lru_add batch; PG_lru
    // clear until the mlock batch is processed (Hugh: the old !lru test caught these).
    fixture<folio_batch_size> t;
    auto& f = t.folios.emplace_back(full_folio::state{.pfn = 0x900});
    folio_add_new_anon_rmap(f, anon_mapping);
    t.caches.mlock_new_folio(0, f);
    EXPECT_FALSE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2); // pte 1 + mlock batch 1
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_TRUE(f.test(pg::unevictable));
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Batch, MunlockClearsMlockedAndUnevictable)
{
    fixture<folio_batch_size> t;
    auto& f = t.page_cache_folio();
    t.caches.folio_add_lru(0, f);
    t.caches.mlock_folio(0, f);
    t.caches.lru_add_drain(0);
    ASSERT_TRUE(f.test(pg::unevictable));
    t.caches.munlock_folio(0, f);
    EXPECT_EQ(f.ref_count(), 2);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(f.test(pg::mlocked));
    EXPECT_FALSE(f.test(pg::unevictable));
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Batch, SameFolioInLruAddAndMlockBatchesHoldsTwoReferences)
{
    // Will Deacon's case: one reference from each batch at once (docs/kernel.md ("Per-CPU batches")).
    fixture<folio_batch_size> t;
    auto& f = t.page_cache_folio();
    t.caches.folio_add_lru(0, f);
    t.caches.mlock_folio(0, f);
    EXPECT_EQ(f.ref_count(), 3);
    EXPECT_EQ(t.caches.queued(f), 2);
    t.caches.lru_add_drain_cpu(0); // only the LRU batches
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2); // the mlock batch still holds one
}

TEST(Batch, DrainAllDrainsEveryCpuWithWork)
{
    fixture<folio_batch_size> t({.nr_cpus = 4});
    auto& a = t.page_cache_folio();
    auto& b = t.page_cache_folio();
    t.caches.folio_add_lru(0, a);
    t.caches.mlock_folio(2, b);
    EXPECT_TRUE(t.caches.cpu_needs_drain(0));
    EXPECT_FALSE(t.caches.cpu_needs_drain(1));
    t.caches.lru_add_drain_all(1);
    // CPUs 0 and 2 had work; CPU 1 (local) and 3 had none.
    EXPECT_EQ(t.caches.counters().drain_all_calls, 1);
    EXPECT_EQ(t.caches.counters().cpus_drained, 2);
    EXPECT_EQ(t.caches.counters().entries_processed, 2);
    EXPECT_EQ(a.ref_count(), 1);
    EXPECT_EQ(b.ref_count(), 1);
}

TEST(Batch, IsolateAndPutbackGoThroughTheLruAddBatch)
{
    fixture<folio_batch_size> t;
    auto& f = t.page_cache_folio();
    EXPECT_FALSE(folio_isolate_lru(f)); // not on the LRU yet
    t.caches.folio_add_lru(0, f);
    t.caches.lru_add_drain(0);
    ASSERT_TRUE(folio_isolate_lru(f));
    EXPECT_FALSE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2); // page cache + isolation
    t.caches.folio_putback_lru(1, f);
    EXPECT_EQ(f.ref_count(), 2); // page cache + CPU 1's lru_add entry
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::lru_add, 1)), 1);
    t.caches.lru_add_drain(1);
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Batch, NoSuchCpu)
{
    fixture<folio_batch_size> t;
    auto& f = t.page_cache_folio();
    // folio_error (errc::bad_argument), not std:: exceptions: batch.hpp throws what the rest of
    // foliorc throws; the folio's pfn names the folio the refused call was about.
    try {
        t.caches.folio_add_lru(7, f);
        ADD_FAILURE() << "no throw";
    } catch (const folio_error& e) {
        EXPECT_EQ(e.code(), errc::bad_argument);
        EXPECT_EQ(e.pfn(), f.pfn());
    }
    EXPECT_EQ(f.ref_count(), 1); // nothing taken
    t.caches.folio_add_lru(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_THROW(t.caches.folio_activate(7, f), folio_error); // even where it would be skipped
    EXPECT_EQ(f.ref_count(), 1);
    EXPECT_THROW((lru_caches<full_folio>({.nr_cpus = 0})), folio_error);
    EXPECT_THROW(t.caches.lru_add_drain_all(2), folio_error);
}

} // namespace
} // namespace foliorc::test

namespace foliorc::test {
namespace {
TEST(Batch, HugetlbIsolatesOnceUntilPutBack)
{
    // folio_isolate_hugetlb clears HPG_migratable; a second isolation of the same folio (it can
    // appear twice in pofs) fails until folio_putback_hugetlb. Found by the collect property.
    auto f = alloc(9, 0x200, page_type::hugetlb);
    EXPECT_TRUE(f.hugetlb_migratable());
    EXPECT_TRUE(folio_isolate_hugetlb(f));
    EXPECT_FALSE(folio_isolate_hugetlb(f));
    EXPECT_EQ(f.ref_count(), 2); // caller + one isolation
    folio_putback_hugetlb(f);
    EXPECT_TRUE(f.hugetlb_migratable());
    EXPECT_EQ(f.ref_count(), 1);
    auto small = alloc();
    EXPECT_FALSE(folio_isolate_hugetlb(small));
}
} // namespace
} // namespace foliorc::test

// ---- Rules checked against mm/swap.c and mm/mlock.c of 6.12.117 (and 6.1.192) ----
namespace foliorc::test {

// Outside the unnamed namespace: clang warns about an unused friend operator== there.
// A ledger that also records, for every reference a batch drops, which batch dropped it and on
// which CPU the model was running at that moment (set by lru_caches_config::on_cpu).
struct drain_log {
    unsigned cpu = 0;                                 // where "we" are running
    std::vector<unsigned> hook_calls;                 // every on_cpu argument
    std::vector<std::pair<unsigned, holder_id>> puts; // (running CPU, batch) per processed entry
};
class logging_ledger : public ledger_full {
public:
    logging_ledger() = default;
    explicit logging_ledger(drain_log* log) : log_(log) {}
    template <class Change, class F>
    void on_commit(const Change& c, const F&) const
    {
        for (std::uint8_t i = 0; i < c.nrefs; ++i)
            if (log_ && c.refs[i].n < 0 && c.refs[i].who.kind == holder::batch)
                log_->puts.emplace_back(log_->cpu, c.refs[i].who);
    }
    friend bool operator==(const logging_ledger& a, const logging_ledger& b)
    {
        return static_cast<const ledger_full&>(a) == static_cast<const ledger_full&>(b);
    }

private:
    drain_log* log_ = nullptr;
};
namespace {
using logged_folio = basic_folio<int, mapping, logging_ledger>;

struct logged {
    drain_log log;
    std::deque<logged_folio> folios;
    lru_caches<logged_folio> caches;
    explicit logged(lru_caches_config cfg) : caches(with_hook(std::move(cfg), log)) {}
    logged(const logged&) = delete; // the hook points at log
    logged& operator=(const logged&) = delete;
    static lru_caches_config with_hook(lru_caches_config cfg, drain_log& log)
    {
        cfg.on_cpu = [&log](unsigned c) {
            log.hook_calls.push_back(c);
            log.cpu = c;
        };
        return cfg;
    }
    logged_folio& page_cache_folio()
    {
        auto& f = folios.emplace_back(logged_folio::state{.pfn = 0x100 + 0x10 * folios.size()},
                                      logging_ledger(&log));
        filemap_add_folio(f, shmem_map);
        folio_put(f);
        return f;
    }
    // A mapped anon folio on the LRU (inactive, swapbacked, clean), on CPU `cpu`'s batches.
    logged_folio& anon_on_lru(unsigned cpu)
    {
        auto& f = folios.emplace_back(logged_folio::state{.pfn = 0x900 + 0x10 * folios.size()},
                                      logging_ledger(&log));
        folio_add_new_anon_rmap(f, anon_mapping);
        caches.folio_add_lru(cpu, f);
        caches.lru_add_drain(cpu);
        log.puts.clear();
        return f;
    }
};

TEST(LruDrain, LruAddDrainCpuProcessesBatchesInTheKernelsOrder)
{
    // mm/swap.c lru_add_drain_cpu (6.12.117): lru_add, lru_move_tail, lru_deactivate_file,
    // lru_deactivate, lru_lazyfree, then folio_activate_drain (lru_activate); lru_add_drain
    // then calls mlock_drain_local. One anon folio f sits in every batch that takes a folio on
    // the LRU (lru_gen on, so folio_deactivate takes it although inactive), g in lru_add. The
    // queueing order is the reverse of the drain order, so enum or queueing order would show.
    logged t({.nr_cpus = 1, .lru_gen_enabled = true});
    auto& f = t.anon_on_lru(0);
    t.caches.mlock_folio(0, f); // never clears PG_lru, the others still see it
    t.caches.folio_activate(0, f);
    t.caches.folio_mark_lazyfree(0, f);
    t.caches.folio_deactivate(0, f);
    t.caches.deactivate_file_folio(0, f);
    t.caches.folio_rotate_reclaimable(0, f);
    auto& g = t.page_cache_folio();
    t.caches.folio_add_lru(0, g);
    EXPECT_EQ(t.caches.queued(f), 6);
    t.caches.lru_add_drain(0);
    const std::vector<batch_kind> want{
        batch_kind::lru_add,        batch_kind::lru_move_tail, batch_kind::lru_deactivate_file,
        batch_kind::lru_deactivate, batch_kind::lru_lazyfree,  batch_kind::lru_activate,
        batch_kind::mlock};
    std::vector<batch_kind> got;
    for (const auto& [cpu, who] : t.log.puts)
        got.push_back(who.batch);
    EXPECT_EQ(got, want);
    EXPECT_TRUE(t.log.hook_calls.empty()); // a local drain stays on its CPU
}

TEST(LruDrain, DrainAllQueuesWorkOnEachCpuWithoutALocalDrainFirst)
{
    // mm/swap.c __lru_add_drain_all (6.12.117, 6.1.192): for_each_online_cpu, if
    // cpu_needs_drain(cpu), queue_work_on(cpu, ..., lru_add_drain_per_cpu); no lru_add_drain()
    // of its own. CPU 0 calls; CPU 1 has an mlock entry (need_mlock_drain), CPU 2 an lru_add
    // entry, CPU 3 nothing. Expected: hook 1, 0 (back to the caller), 2, 0; CPU 1's entry
    // processed while running on CPU 1, CPU 2's on CPU 2; CPU 3 and the caller get no work.
    logged t({.nr_cpus = 4});
    auto& a = t.page_cache_folio();
    auto& b = t.page_cache_folio();
    t.caches.folio_add_lru(2, a);
    t.caches.folio_add_lru(1, b);
    t.caches.lru_add_drain(1); // b on the LRU, CPU 1's batches empty
    t.log.puts.clear();
    t.caches.mlock_folio(1, b);
    EXPECT_FALSE(t.caches.cpu_needs_drain(0));
    EXPECT_TRUE(t.caches.cpu_needs_drain(1)); // the mlock batch alone counts
    EXPECT_TRUE(t.caches.cpu_needs_drain(2));
    t.caches.lru_add_drain_all(0);
    EXPECT_EQ(t.log.hook_calls, (std::vector<unsigned>{1, 0, 2, 0}));
    ASSERT_EQ(t.log.puts.size(), 2u);
    EXPECT_EQ(t.log.puts[0],
              (std::pair<unsigned, holder_id>{1, batch_holder(batch_kind::mlock, 1)}));
    EXPECT_EQ(t.log.puts[1],
              (std::pair<unsigned, holder_id>{2, batch_holder(batch_kind::lru_add, 2)}));
    EXPECT_EQ(t.log.cpu, 0u);
    EXPECT_EQ(t.caches.counters().cpus_drained, 2);
    EXPECT_EQ(t.caches.counters().local_drains, 1); // only the explicit one above
    EXPECT_EQ(a.ref_count(), 1);
    EXPECT_EQ(b.ref_count(), 1);
}

TEST(LruDrain, DrainAllLocalFirstIsAnOption)
{
    // Hugh's unmerged 6/6: __lru_add_drain_all does lru_add_drain() on the calling CPU first,
    // so the caller's own batches are processed there, with no work queued for it.
    EXPECT_FALSE(lru_caches_config{}.drain_all_local_first);
    logged t({.nr_cpus = 2, .drain_all_local_first = true});
    auto& a = t.page_cache_folio();
    auto& b = t.page_cache_folio();
    t.caches.folio_add_lru(0, a);
    t.caches.folio_add_lru(1, b);
    t.caches.lru_add_drain_all(0);
    EXPECT_EQ(t.log.hook_calls, (std::vector<unsigned>{1, 0}));
    ASSERT_EQ(t.log.puts.size(), 2u);
    EXPECT_EQ(t.log.puts[0].second, batch_holder(batch_kind::lru_add, 0));
    EXPECT_EQ(t.log.puts[0].first, 0u);
    EXPECT_EQ(t.log.puts[1].first, 1u);
    EXPECT_EQ(t.caches.counters().cpus_drained, 2);
}

// A page-cache folio already on the LRU (through CPU 0's lru_add batch), refcount 1.
template <std::size_t C>
full_folio& on_lru(fixture<C>& t, unsigned order = 0)
{
    auto& f = t.page_cache_folio(order);
    t.caches.folio_add_lru(0, f);
    t.caches.lru_add_drain(0);
    return f;
}

TEST(LruAdd, ClearsUnevictableFirstSoAStrandedFolioIsRescued)
{
    // mm/mlock.c __munlock_folio on a folio off the LRU: test_clear_lru fails, `goto munlock`:
    // PG_mlocked cleared, but `isolated` is false so PG_unevictable stays (the kernel counts
    // UNEVICTABLE_PGSTRANDED). mm/swap.c lru_add then starts with folio_test_clear_unevictable;
    // the folio is evictable (no PG_mlocked), so it stays cleared: back on an evictable LRU.
    fixture<folio_batch_size> t;
    auto& f = on_lru(t);
    t.caches.mlock_folio(0, f);
    t.caches.lru_add_drain(0);
    ASSERT_TRUE(f.test(pg::unevictable));
    ASSERT_TRUE(folio_isolate_lru(f)); // e.g. migration: PG_lru cleared, +1 isolation
    t.caches.munlock_folio(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(f.test(pg::mlocked));
    EXPECT_TRUE(f.test(pg::unevictable)); // stranded
    EXPECT_FALSE(f.test(pg::lru));
    t.caches.folio_putback_lru(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(f.test(pg::unevictable)); // cleared first, not set again
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(LruAdd, MlockedFolioLosesActiveAndBecomesUnevictable)
{
    // mm/swap.c lru_add: !folio_evictable (PG_mlocked) -> folio_clear_active,
    // folio_set_unevictable; folio_batch_move_lru sets PG_lru. An active folio is isolated,
    // mlocked while off the LRU (mlock_folio sets PG_mlocked at once), and put back.
    fixture<folio_batch_size> t;
    auto& f = on_lru(t);
    t.caches.folio_activate(0, f);
    t.caches.lru_add_drain(0);
    ASSERT_TRUE(f.test(pg::active));
    ASSERT_TRUE(folio_isolate_lru(f));
    t.caches.mlock_folio(1, f);
    t.caches.folio_putback_lru(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(f.test(pg::active));
    EXPECT_TRUE(f.test(pg::unevictable));
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2); // page cache + CPU 1's mlock entry
}

TEST(LruMoveTail, ClearsActiveAndSkipsUnevictable)
{
    // mm/swap.c lru_move_tail: `if (folio_test_unevictable(folio)) return;` else
    // folio_clear_active and onto the inactive tail; folio_batch_move_lru restores PG_lru.
    fixture<folio_batch_size> t;
    auto& f = on_lru(t);
    t.caches.folio_activate(0, f);
    t.caches.lru_add_drain(0);
    t.caches.folio_rotate_reclaimable(0, f);
    EXPECT_EQ(f.ref_count(), 2);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(f.test(pg::active));
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 1);

    // Queued on CPU 1 while evictable, made unevictable on CPU 0 before CPU 1 drains: the
    // move is skipped, only the batch reference goes.
    auto& g = on_lru(t);
    t.caches.folio_rotate_reclaimable(1, g);
    t.caches.mlock_folio(0, g);
    t.caches.lru_add_drain(0);
    const flag_set before = g.flags();
    t.caches.lru_add_drain(1);
    EXPECT_EQ(g.flags(), before);
    EXPECT_TRUE(g.test(pg::unevictable));
    EXPECT_EQ(g.ref_count(), 1);
}

TEST(LruMoveTail, NonLruAddBatchesNeedPgLruAtAddAndAtProcessing)
{
    // 6.12.117 mm/swap.c: folio_activate, folio_rotate_reclaimable, deactivate_file_folio,
    // folio_deactivate and folio_mark_lazyfree each return when !folio_test_lru, in both eras
    // (clear_on_add: __folio_batch_add_and_move's test-and-clear fails). An isolated folio is
    // therefore never queued.
    for (auto era : {lru_era::classic, lru_era::clear_on_add}) {
        fixture<folio_batch_size> t({.nr_cpus = 1, .era = era});
        auto& f = t.folios.emplace_back(full_folio::state{.pfn = 0x900});
        folio_add_new_anon_rmap(f, anon_mapping);
        t.caches.folio_add_lru(0, f);
        t.caches.lru_add_drain(0);
        ASSERT_TRUE(folio_isolate_lru(f));
        t.caches.folio_activate(0, f);
        t.caches.folio_rotate_reclaimable(0, f);
        t.caches.deactivate_file_folio(0, f);
        t.caches.folio_mark_lazyfree(0, f);
        folio_set_flag(f, pg::active);
        t.caches.folio_deactivate(0, f);
        EXPECT_EQ(t.caches.queued(f), 0);
        EXPECT_EQ(f.ref_count(), 2); // pte + isolation
    }
    // Classic era: queued on the LRU, isolated before processing. folio_batch_move_lru's
    // folio_test_clear_lru fails: `continue`, no move (PG_active stays), PG_lru not set
    // back; folios_put still drops the batch reference.
    fixture<folio_batch_size> t({.nr_cpus = 1, .era = lru_era::classic});
    auto& f = on_lru(t);
    t.caches.folio_activate(0, f);
    t.caches.lru_add_drain(0);
    t.caches.folio_rotate_reclaimable(0, f);
    ASSERT_TRUE(folio_isolate_lru(f));
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::active));
    EXPECT_FALSE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2); // page cache + isolation
}

TEST(LruDeactivateFile, SkipsMappedFoliosAndMarksDirtyOnesForReclaim)
{
    // mm/swap.c lru_deactivate_file: return if folio_test_unevictable or folio_mapped; else
    // clear PG_active and PG_referenced; writeback or dirty -> folio_set_reclaim (head of
    // inactive), clean -> tail of inactive, no PG_reclaim.
    fixture<folio_batch_size> t({.nr_cpus = 1});
    auto make = [&] {
        auto& f = on_lru(t);
        t.caches.folio_activate(0, f);
        t.caches.lru_add_drain(0);
        folio_set_flag(f, pg::referenced);
        return &f;
    };
    auto& mapped = *make();
    folio_get(mapped);           // a fault's reference...
    folio_add_rmap_ptes(mapped); // ...becomes the PTE's: mapcount 1
    auto& dirty = *make();
    folio_set_flag(dirty, pg::dirty);
    auto& wb = *make();
    folio_set_flag(wb, pg::writeback);
    auto& clean = *make();
    for (auto* f : {&mapped, &dirty, &wb, &clean})
        t.caches.deactivate_file_folio(0, *f);
    t.caches.lru_add_drain(0);

    EXPECT_TRUE(mapped.test(pg::active)); // "Some processes are using the folio"
    EXPECT_TRUE(mapped.test(pg::referenced));
    EXPECT_FALSE(mapped.test(pg::reclaim));
    EXPECT_EQ(mapped.ref_count(), 2); // page cache + pte
    for (auto* f : {&dirty, &wb}) {
        EXPECT_FALSE(f->test(pg::active));
        EXPECT_FALSE(f->test(pg::referenced));
        EXPECT_TRUE(f->test(pg::reclaim));
        EXPECT_TRUE(f->test(pg::lru));
    }
    EXPECT_FALSE(clean.test(pg::active));
    EXPECT_FALSE(clean.test(pg::referenced));
    EXPECT_FALSE(clean.test(pg::reclaim));
    EXPECT_EQ(clean.ref_count(), 1);
}

TEST(LruDeactivate, InactiveFolioIsLeftAloneUnlessLruGenIsEnabled)
{
    // mm/swap.c lru_deactivate: `if (folio_test_unevictable(folio) ||
    // !(folio_test_active(folio) || lru_gen_enabled())) return;` else clear PG_active and
    // PG_referenced. f (active, referenced) is queued on CPU 1 by folio_deactivate; CPU 0's
    // lru_move_tail makes it inactive (PG_referenced untouched) before CPU 1 drains.
    for (bool lru_gen : {false, true}) {
        fixture<folio_batch_size> t({.nr_cpus = 2, .lru_gen_enabled = lru_gen});
        auto& f = on_lru(t);
        t.caches.folio_activate(0, f);
        t.caches.lru_add_drain(0);
        folio_set_flag(f, pg::referenced);
        t.caches.folio_deactivate(1, f);
        t.caches.folio_rotate_reclaimable(0, f);
        t.caches.lru_add_drain(0);
        ASSERT_FALSE(f.test(pg::active));
        ASSERT_TRUE(f.test(pg::referenced));
        t.caches.lru_add_drain(1);
        EXPECT_EQ(f.test(pg::referenced), !lru_gen) << "lru_gen " << lru_gen;
        EXPECT_EQ(f.ref_count(), 1);
        // folio_deactivate's own test is the same: an inactive folio is queued only with lru_gen.
        t.caches.folio_deactivate(1, f);
        EXPECT_EQ(t.caches.queued(f), lru_gen ? 1 : 0);
    }
}

} // namespace
} // namespace foliorc::test
