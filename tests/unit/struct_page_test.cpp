// The whole library on a caller's own types: a kernel-like struct page array (struct_page_sim.hpp,
// shared with examples/plug_your_struct_page.cpp) plugged in through folio_traits only, with
// kernel-named functions of its own beside its types that must never be called. Every expected
// value is worked out from the kernel's rules in the comments.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include <foliorc/collect.hpp>
#include <foliorc/folio_ops.hpp>
#include <foliorc/gup.hpp>
#include <foliorc/pin.hpp>
#include <foliorc/rules.hpp>

#include "struct_page_sim.hpp"

namespace {
using namespace foliorc;
using ksim::folio;

static_assert(folio_like<folio> && mutable_folio_like<folio>);
static_assert(page_like<ksim::page> && !folio_like<ksim::page>);
static_assert(folio_traits_record<folio> && folio_traits_fs<folio>);

const ksim::address_space ext4_file{&ksim::ext4, "ext4:a"};
const ksim::address_space ceph_file{&ksim::ceph, "ceph:b"};

// Nothing the simulator's own kernel-named functions do may have happened: they mark
// PG_reserved or poison _pincount.
void expect_no_hijack(const folio& f)
{
    EXPECT_FALSE(f.flags >> ksim::PG_reserved & 1);
    EXPECT_NE(f._pincount, -100);
}

class StructPage : public ::testing::Test {
protected:
    void SetUp() override { ksim::adapter::log.clear(); }
    ksim::memory mem{64};
    lru_caches<folio> caches{{.nr_cpus = 2}};
};

TEST_F(StructPage, PinOnASmallFolioAddsTheBias)
{
    folio& f = mem.alloc(0);
    // try_grab_folio(FOLL_PIN) on an order-0 folio: +GUP_PIN_COUNTING_BIAS, no _pincount.
    foliorc::try_grab_folio(f, 1, FOLL_PIN);
    EXPECT_EQ(f._refcount, 1 + 1024);
    EXPECT_EQ(f._pincount, 0);
    EXPECT_TRUE(foliorc::folio_maybe_dma_pinned(f));
    foliorc::unpin_folio(f);
    EXPECT_EQ(f._refcount, 1);
    // The ledger hook saw both, with the kernel function and the holder.
    ASSERT_EQ(ksim::adapter::log.size(), 2u);
    EXPECT_EQ(ksim::adapter::log[0], "pfn 0 try_grab_folio foll_pin +1024");
    EXPECT_EQ(ksim::adapter::log[1], "pfn 0 unpin_folio foll_pin -1024");
    expect_no_hijack(f);
}

TEST_F(StructPage, PinOnALargeFolioCountsPerPageInPincount)
{
    folio& f = mem.alloc(2);
    // Large folio: +1 refcount and +1 _pincount per pinned page.
    foliorc::try_grab_folio(f, 3, FOLL_PIN | FOLL_LONGTERM);
    EXPECT_EQ(f._refcount, 1 + 3);
    EXPECT_EQ(f._pincount, 3);
    foliorc::gup_put_folio(f, 3, FOLL_PIN);
    EXPECT_EQ(f._refcount, 1);
    EXPECT_EQ(f._pincount, 0);
}

TEST_F(StructPage, RefusedOperationsLeaveThePageAsItWas)
{
    folio& f = mem.alloc(2);
    foliorc::folio_put(f); // 1 -> 0
    const auto log = ksim::adapter::log;
    // A second put would take the refcount to -1: refused, nothing written, nothing logged.
    try {
        foliorc::folio_put(f);
        FAIL() << "folio_put below zero was not refused";
    } catch (const folio_error& e) {
        EXPECT_EQ(e.code(), errc::refcount_underflow);
    }
    EXPECT_EQ(f._refcount, 0);
    EXPECT_EQ(ksim::adapter::log, log);

    folio& g = mem.alloc(2);
    // unpin with _pincount 0: the refcount could drop (1 -> 0) but _pincount would go to -1.
    EXPECT_THROW(foliorc::unpin_folio(g), folio_error);
    EXPECT_EQ(g._refcount, 1);
    EXPECT_EQ(g._pincount, 0);

    // PG_private_2 on ext4, which never sets it: refused, the flag stays clear.
    folio& h = mem.alloc(0);
    foliorc::filemap_add_folio(h, ksim::adapter::file(ext4_file));
    EXPECT_THROW(foliorc::folio_start_private_2(h), folio_error);
    EXPECT_FALSE(h.flags >> ksim::PG_private_2 & 1);
    EXPECT_EQ(h._refcount, 2);
}

TEST_F(StructPage, PageCachePrivateDataAndMappingsFollowTheRules)
{
    folio& f = mem.alloc(0);
    // filemap_add_folio: one reference per page, folio->mapping = the address_space.
    foliorc::filemap_add_folio(f, ksim::adapter::file(ext4_file));
    EXPECT_EQ(f._refcount, 2);
    EXPECT_EQ(f.mapping, reinterpret_cast<std::uintptr_t>(&ext4_file));
    // folio_attach_private: PG_private and +1.
    foliorc::folio_attach_private(f);
    EXPECT_EQ(f._refcount, 3);
    // finish_fault maps it: the fault's (here the allocation's) reference becomes the PTE's, no
    // refcount change; the raw _mapcount goes from -1 to 0.
    foliorc::folio_add_rmap_ptes(f);
    EXPECT_EQ(f._refcount, 3);
    EXPECT_EQ(f.pages->_mapcount, 0);
    // v6_19 (folio_expected_ref_count), non-anon: (mapping != NULL) << order (1) + PG_private (1)
    // + mapcount (1) = 3 = the refcount: nobody else holds one.
    EXPECT_EQ(foliorc::expected_ref_count<rules::latest>(f), 3);
    // migrate_6_0 (folio_expected_refs, with the caller's reference, after unmap): 1 + 1 + 1 = 3.
    EXPECT_EQ(foliorc::expected_ref_count<rules::migrate_6_0>(f), 3);

    folio& g = mem.alloc(0);
    foliorc::filemap_add_folio(g, ksim::adapter::file(ceph_file));
    // ceph pairs PG_private_2 with a reference: +1, and -1 when it ends.
    foliorc::folio_start_private_2(g);
    EXPECT_EQ(g._refcount, 3);
    foliorc::folio_end_private_2(g);
    EXPECT_EQ(g._refcount, 2);
    expect_no_hijack(f);
    expect_no_hijack(g);
}

TEST_F(StructPage, AnonSwapCacheAndIsolation)
{
    folio& f = mem.alloc(0);
    // folio_add_new_anon_rmap: anon mapping, PG_swapbacked, PG_anon_exclusive (owner_2), the
    // allocation reference becomes the PTE's.
    foliorc::folio_add_new_anon_rmap(f, ksim::adapter::anon);
    EXPECT_EQ(f.mapping & 3, ksim::PAGE_MAPPING_ANON);
    EXPECT_TRUE(f.flags >> ksim::PG_swapbacked & 1);
    EXPECT_TRUE(f.flags >> ksim::PG_owner_2 & 1);
    EXPECT_EQ(f._refcount, 1);
    // add_to_swap_cache: PG_swapcache (owner_priv_1) and one reference per page.
    foliorc::add_to_swap_cache(f);
    EXPECT_EQ(f._refcount, 2);
    EXPECT_TRUE(f.flags >> ksim::PG_owner_priv_1 & 1);
    // v6_19 anon: swapcache << order (1) + mapcount (1) = 2.
    EXPECT_EQ(foliorc::expected_ref_count<rules::latest>(f), 2);

    // folio_add_lru then a local drain: the batch's reference comes and goes, PG_lru set.
    caches.folio_add_lru(1, f);
    EXPECT_EQ(f._refcount, 3);
    EXPECT_FALSE(foliorc::folio_test_lru(f));
    caches.lru_add_drain(1);
    EXPECT_EQ(f._refcount, 2);
    EXPECT_TRUE(f.flags >> ksim::PG_lru & 1);
    // folio_isolate_lru: PG_lru cleared, +1; folio_putback_lru: through lru_add (+1), the
    // isolation reference dropped (-1).
    ASSERT_TRUE(foliorc::folio_isolate_lru(f));
    EXPECT_EQ(f._refcount, 3);
    EXPECT_FALSE(foliorc::folio_isolate_lru(f)); // PG_lru is clear now
    caches.folio_putback_lru(0, f);
    EXPECT_EQ(f._refcount, 3);
    EXPECT_EQ(caches.queued(f), 1);
    expect_no_hijack(f);
}

TEST_F(StructPage, MlockBatchOnTheCallersFolio)
{
    folio& f = mem.alloc(0);
    foliorc::filemap_add_folio(f, ksim::adapter::file(ext4_file)); // 2
    caches.folio_add_lru(0, f);                                    // 3, queued on lru_add
    caches.lru_add_drain(0);                                       // 2, PG_lru
    // mlock_folio: PG_mlocked, +1 on CPU 0's mlock batch.
    caches.mlock_folio(0, f);
    EXPECT_EQ(f._refcount, 3);
    EXPECT_TRUE(f.flags >> ksim::PG_mlocked & 1);
    // mlock_drain_local: __mlock_folio on a PG_lru folio that is not evictable: PG_active
    // cleared, PG_unevictable set, mlock_count = 1; the batch's reference dropped.
    caches.mlock_drain_local(0);
    EXPECT_EQ(f._refcount, 2);
    EXPECT_TRUE(f.flags >> ksim::PG_unevictable & 1);
    EXPECT_EQ(caches.mlock_count(f), 1u);
}

TEST_F(StructPage, APofsOfPagesCollectsEachFolioOnce)
{
    // An order-2 anon folio in ZONE_MOVABLE mapped by 4 PTEs: do_anonymous_page takes
    // nr_pages references (foliorc::folio_ref_add(folio, nr_pages - 1) after the allocation's), which the
    // rmap hands to the PTEs.
    folio& f = mem.alloc(2, ksim::zone::movable);
    foliorc::folio_ref_add(f, holder::caller, 3);
    foliorc::folio_add_new_anon_rmap(f, ksim::adapter::anon, 4);
    EXPECT_EQ(f._large_mapcount, 3);
    caches.folio_add_lru(0, f); // a large folio never waits in a batch: PG_lru at once
    EXPECT_EQ(f._refcount, 4);
    std::vector<ksim::page*> pages;
    for (int i = 0; i < 4; ++i) {
        foliorc::try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM); // +1 and +1 _pincount each
        pages.push_back(f.pages + i);
    }
    EXPECT_EQ(f._refcount, 8);
    std::vector<ksim::page*> pte(pages);
    ksim::adapter::gup env(mem, caches, 0, pte);
    const collect_result r = foliorc::collect_unpinnable(pages, env);
    // Four entries, one folio: isolated once (+1).
    EXPECT_EQ(r.entries, 4);
    EXPECT_EQ(r.folios, 1);
    EXPECT_EQ(r.collected, 1);
    EXPECT_EQ(env.movable_list().size(), 1u);
    EXPECT_EQ(f._refcount, 9);
    expect_no_hijack(f);
}

TEST_F(StructPage, PinUserPagesLongtermMigratesOutOfZoneMovable)
{
    // An order-0 anon folio in ZONE_MOVABLE, mapped once, still waiting in CPU 0's lru_add
    // batch (PG_lru clear): refcount 1 (PTE) + 1 (batch) = 2.
    folio& src = mem.alloc(0, ksim::zone::movable);
    foliorc::folio_add_new_anon_rmap(src, ksim::adapter::anon);
    caches.folio_add_lru(0, src);
    ASSERT_EQ(src._refcount, 2);
    std::vector<ksim::page*> pte{src.pages};
    ksim::adapter::gup env(mem, caches, 0, pte);
    std::vector<ksim::page*> pages;
    const gup_longterm_result g = foliorc::pin_user_pages_longterm(pages, env);
    // Attempt 1: the pin makes 2 + 1024 = 1026. pin_aware (latest) compares with
    // expected (mapcount 1) + 1024 = 1025: a local drain releases the batch's reference (1025,
    // PG_lru set), no drain-all; isolation (+1 = 1026). Then the pin is dropped (2: PTE +
    // isolation), try_to_migrate drops the PTE's (1 = the isolation reference), the check
    // expects 0 + 1 = 1: it moves in the first MIGRATE_ASYNC pass. -EAGAIN: pin again.
    // Attempt 2: the PTE maps the new folio (normal zone, unmovable pageblock): pinnable.
    EXPECT_EQ(g.ret, 1);
    EXPECT_EQ(g.attempts, 2);
    EXPECT_EQ(g.migration.nr_succeeded, 1);
    EXPECT_EQ(g.migration.async_passes, 1);
    EXPECT_EQ(g.migration.sync_passes, 0);
    EXPECT_EQ(caches.counters().local_drains, 1);
    EXPECT_EQ(caches.counters().drain_all_calls, 0);
    // The source is freed: migrate_folio_done dropped its isolation reference.
    EXPECT_EQ(src._refcount, 0);
    EXPECT_EQ(src.mapping, 0u);
    // The destination: its PTE (1) + its lru_add batch entry (1) + the pin (1024).
    ASSERT_EQ(pages.size(), 1u);
    folio& dst = *ksim::page_folio(*pages[0]);
    EXPECT_NE(std::addressof(dst), std::addressof(src));
    EXPECT_EQ(dst.z, ksim::zone::normal);
    EXPECT_EQ(dst._refcount, 1 + 1 + 1024);
    EXPECT_EQ(dst.pages->_mapcount, 0);
    EXPECT_EQ(dst.mapping & 3, ksim::PAGE_MAPPING_ANON);
    // PG_anon_exclusive stays behind; PG_swapbacked travels.
    EXPECT_FALSE(dst.flags >> ksim::PG_owner_2 & 1);
    EXPECT_TRUE(dst.flags >> ksim::PG_swapbacked & 1);
    expect_no_hijack(src);
    expect_no_hijack(dst);
}

} // namespace
