// Per-CPU batches (kernel-facts.md 4): references, flush triggers, PG_lru eras, drains.
#include <gtest/gtest.h>

#include <deque>

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
        auto& f = folios.emplace_back(full_folio::state{.pfn = 0x100 + 0x10 * folios.size(), .order = order});
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
// entries linger: 14 with PAGEVEC_SIZE 15 (before 6.9), 30 with 31 (kernel-facts.md 4.3).
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
TEST(Batch, AtMost14LingerBefore6_9) { check_linger_limit<pagevec_size>(); }
TEST(Batch, AtMost30LingerFrom6_9) { check_linger_limit<folio_batch_size>(); }

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
    EXPECT_THROW(t.caches.lru_cache_enable(), std::logic_error);
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
    // Will Deacon's case: one reference from each batch at once (kernel-facts.md 4.2).
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

TEST(Batch, DrainAllDrainsLocalFirstThenEveryCpuWithWork)
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
    EXPECT_THROW(t.caches.folio_add_lru(7, f), std::out_of_range);
    EXPECT_EQ(f.ref_count(), 1); // nothing taken
    EXPECT_THROW((lru_caches<full_folio>({.nr_cpus = 0})), std::invalid_argument);
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
