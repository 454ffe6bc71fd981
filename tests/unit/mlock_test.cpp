// The mlock batch (mm/mlock.c of 6.12.117): __mlock_folio, __mlock_new_folio, __munlock_folio
// and folio->mlock_count, with the expected values worked out from that source.
#include <gtest/gtest.h>

#include <deque>

#include "test_support.hpp"

namespace foliorc::test {
namespace {

struct mlock_fixture {
    lru_caches<full_folio> caches{{.nr_cpus = 2}};
    std::deque<full_folio> folios;
    // A shmem page-cache folio (refcount 1), optionally already on the LRU via CPU 0.
    full_folio& shmem_folio(bool on_lru = true)
    {
        auto& f = folios.emplace_back(full_folio::state{.pfn = 0x100 + 0x10 * folios.size()});
        filemap_add_folio(f, shmem_map);
        folio_put(f);
        if (on_lru) {
            caches.folio_add_lru(0, f);
            caches.lru_add_drain(0);
        }
        return f;
    }
};

TEST(Mlock, MunlockWithTwoLockedVmasClearsPgMlockedOnlyAtTheLast)
{
    // One shmem folio on the LRU, mapped by two VM_LOCKED vmas: mlock_folio once per vma.
    // mm/mlock.c:
    //  mlock_folio #1: folio_test_set_mlocked sets PG_mlocked; #2 finds it set. Both queue.
    //  drain, __mlock_folio #1: test_clear_lru ok; !folio_evictable (mlocked); not yet
    //    unevictable -> clear active, set unevictable, mlock_count = !!mlocked = 1; set lru.
    //  __mlock_folio #2: unevictable and mlocked -> mlock_count++ = 2.
    //  munlock_folio (vma 1), __munlock_folio: test_clear_lru ok; unevictable: mlock_count
    //    2 -> 1, still nonzero -> `goto out`: PG_mlocked stays, PG_lru set back.
    //  munlock_folio (vma 2): mlock_count 1 -> 0 -> munlock: test_clear_mlocked; isolated,
    //    unevictable and now evictable -> folio_clear_unevictable (rescued); PG_lru set back.
    mlock_fixture t;
    auto& f = t.shmem_folio();
    t.caches.mlock_folio(0, f);
    t.caches.mlock_folio(1, f);
    EXPECT_EQ(f.ref_count(), 3); // page cache + one entry per mlock batch
    t.caches.lru_add_drain(0);
    t.caches.lru_add_drain(1);
    EXPECT_TRUE(f.test(pg::unevictable));
    EXPECT_EQ(t.caches.mlock_count(f), 2u);

    t.caches.munlock_folio(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::mlocked)); // the second vma still holds it
    EXPECT_TRUE(f.test(pg::unevictable));
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(t.caches.mlock_count(f), 1u);

    t.caches.munlock_folio(1, f);
    t.caches.lru_add_drain(1);
    EXPECT_FALSE(f.test(pg::mlocked));
    EXPECT_FALSE(f.test(pg::unevictable));
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(t.caches.mlock_count(f), 0u);
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Mlock, FaultIntoALockedVmaCountsOnceAfterLruAdd)
{
    // The model's fault of a new shmem folio into a VM_LOCKED vma on one CPU: folio_add_lru,
    // then mlock_folio (via the rmap). lru_add_drain processes lru_add first: !evictable ->
    // PG_unevictable, mlock_count = 0 (lru_add: "underestimate"); then mlock_drain_local:
    // __mlock_folio finds it unevictable and mlocked -> mlock_count++ = 1.
    mlock_fixture t;
    auto& f = t.shmem_folio(false);
    t.caches.folio_add_lru(0, f);
    t.caches.mlock_folio(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::unevictable));
    EXPECT_EQ(t.caches.mlock_count(f), 1u);

    // Mlock batch first (mlock_drain_local, as try_to_migrate_one does): __mlock_folio finds
    // PG_lru clear, "nothing more we can do while it's off LRU"; lru_add then leaves
    // mlock_count 0. One munlock then clears PG_mlocked at once (count already 0), the
    // undercount the kernel accepts ("reclaim will fix it if not").
    auto& g = t.shmem_folio(false);
    t.caches.folio_add_lru(0, g);
    t.caches.mlock_folio(0, g);
    t.caches.mlock_drain_local(0);
    EXPECT_FALSE(g.test(pg::unevictable));
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(g.test(pg::unevictable));
    EXPECT_EQ(t.caches.mlock_count(g), 0u);
    t.caches.munlock_folio(0, g);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(g.test(pg::mlocked));
    EXPECT_FALSE(g.test(pg::unevictable));
}

TEST(Mlock, MlockFolioRescuesAnUnevictableFolioThatIsNoLongerMlocked)
{
    // __mlock_folio: test_clear_lru ok; folio_evictable() because "PG_mlocked must have got
    // cleared already by another CPU"; folio_test_unevictable -> lruvec_del_folio,
    // folio_clear_unevictable, lruvec_add_folio (UNEVICTABLE_PGRESCUED); set lru back.
    // The other CPU's clearing is modelled by folio_clear_flag between queueing and drain.
    mlock_fixture t;
    auto& f = t.shmem_folio();
    t.caches.mlock_folio(0, f);
    t.caches.lru_add_drain(0);
    ASSERT_TRUE(f.test(pg::unevictable));
    ASSERT_EQ(t.caches.mlock_count(f), 1u);
    t.caches.mlock_folio(0, f); // a second locked vma maps it
    folio_clear_flag(f, pg::mlocked);
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(f.test(pg::unevictable));
    EXPECT_FALSE(f.test(pg::mlocked));
    EXPECT_TRUE(f.test(pg::lru));
    EXPECT_EQ(t.caches.mlock_count(f), 0u); // not counted: the count field is a list link again
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Mlock, MlockFolioOffTheLruDoesNothingAtProcessing)
{
    // __mlock_folio: !folio_test_clear_lru -> return; PG_mlocked (set by mlock_folio) stays,
    // PG_unevictable is not set, PG_lru stays clear, the batch reference is dropped.
    mlock_fixture t;
    auto& f = t.shmem_folio();
    ASSERT_TRUE(folio_isolate_lru(f));
    t.caches.mlock_folio(0, f);
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(f.test(pg::mlocked));
    EXPECT_FALSE(f.test(pg::unevictable));
    EXPECT_FALSE(f.test(pg::lru));
    EXPECT_EQ(f.ref_count(), 2); // page cache + isolation
}

TEST(Mlock, MlockNewFolioSetsUnevictableOnlyIfNotEvictable)
{
    // __mlock_new_folio: if folio_evictable -> just lruvec_add_folio + folio_set_lru; else
    // folio_set_unevictable, mlock_count = !!folio_test_mlocked. PG_active is not touched.
    mlock_fixture t;
    auto& a = t.folios.emplace_back(full_folio::state{.pfn = 0x900});
    folio_add_new_anon_rmap(a, anon_mapping);
    t.caches.mlock_new_folio(0, a);
    t.caches.lru_add_drain(0);
    EXPECT_TRUE(a.test(pg::unevictable));
    EXPECT_TRUE(a.test(pg::lru));
    EXPECT_EQ(t.caches.mlock_count(a), 1u);

    auto& b = t.folios.emplace_back(full_folio::state{.pfn = 0x910});
    folio_add_new_anon_rmap(b, anon_mapping);
    t.caches.mlock_new_folio(0, b);
    folio_clear_flag(b, pg::mlocked); // "a little surprising, but possible"
    t.caches.lru_add_drain(0);
    EXPECT_FALSE(b.test(pg::unevictable));
    EXPECT_TRUE(b.test(pg::lru));
    EXPECT_EQ(t.caches.mlock_count(b), 0u);

    // folio_add_lru_vma: VM_BUG_ON_FOLIO(folio_test_lru(folio)): refused, nothing taken.
    EXPECT_THROW(t.caches.mlock_new_folio(0, a), folio_error);
    EXPECT_EQ(a.ref_count(), 1);
}

} // namespace
} // namespace foliorc::test
