// Golden traces: every refcount event of a named scenario, in order, worked out by hand from the
// kernel's code (6.12.117 via docs/kernel.md ("Per-CPU batches", "Refcount events", "The pKVM failure")). Each row is
// (kernel function, page_ref tracepoint, val, count after). The rmap calls fire no tracepoint:
// the fault's reference becomes the PTE's.
#include <foliorc/dump.hpp>
#include <foliorc/model/kernel.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {
using namespace foliorc;
using namespace foliorc::model;

using row = std::tuple<std::string_view, std::string_view, int, int>;

template <class K>
std::vector<row> events_of(K& k, int folio)
{
    std::vector<row> out;
    for (const auto& e : k.trace().events())
        if (e.folio == folio)
            out.emplace_back(e.event, e.tracepoint, e.delta, e.refcount);
    return out;
}

using latest_kernel = kernel_for<kernels::latest>;

TEST(GoldenTrace, ShmemFaultInLockedVma)
{
    latest_kernel k(config_for<kernels::latest>());
    const int m = k.memfd_create("m", placement::normal);
    const int v = k.mmap_file(m, 4);
    k.mlock2_onfault(0, v);
    const int x = k.fault(0, v, 0);
    // shmem_alloc_and_add_folio: allocated with refcount 1 (set_page_refcounted ->
    // page_ref_set); shmem_add_to_page_cache: folio_ref_add(nr) -> 2; folio_add_lru: folio_get
    // -> 3; finish_fault -> set_pte_range -> folio_add_file_rmap_ptes: no refcount change, then
    // mlock_vma_folio -> mlock_folio: folio_get -> 4. No folio_put: the fault's reference is
    // the PTE's.
    const std::vector<row> want{
        {"folio_alloc", "page_ref_set", 1, 1},
        {"filemap_add_folio", "page_ref_mod", 1, 2},
        {"folio_add_lru", "page_ref_mod", 1, 3},
        {"mlock_folio", "page_ref_mod", 1, 4},
    };
    EXPECT_EQ(events_of(k, x), want);
    EXPECT_EQ(k.folio(x).mapcount(), 1);
    EXPECT_EQ(k.folio(x).ledger().held(holder::pte), 1);
}

TEST(GoldenTrace, AnonFaultInLockedVma)
{
    latest_kernel k(config_for<kernels::latest>());
    const int v = k.mmap_anon(4, placement::normal);
    k.mlock2_onfault(0, v);
    const int x = k.fault(0, v, 0);
    // do_anonymous_page: allocated (1); folio_add_new_anon_rmap: no refcount change;
    // folio_add_lru_vma in a VM_LOCKED vma -> mlock_new_folio: folio_get -> 2.
    const std::vector<row> want{
        {"folio_alloc", "page_ref_set", 1, 1},
        {"mlock_new_folio", "page_ref_mod", 1, 2},
    };
    EXPECT_EQ(events_of(k, x), want);
    // The NEW_FOLIO entry: processing puts it on the unevictable LRU with PG_lru.
    k.lru_add_drain(0);
    EXPECT_TRUE(k.folio(x).test(pg::lru));
    EXPECT_TRUE(k.folio(x).test(pg::unevictable));
    EXPECT_EQ(k.folio(x).ref_count(), 1);
}

TEST(GoldenTrace, MunlockWithTwoLockedVmas)
{
    latest_kernel k(config_for<kernels::latest>());
    const int m = k.memfd_create("m", placement::normal);
    const int v1 = k.mmap_file(m, 1);
    const int v2 = k.mmap_file(m, 1);
    k.mlock2_onfault(0, v1);
    k.mlock2_onfault(0, v2);
    const int x = k.fault(0, v1, 0);
    k.fault(0, v2, 0);
    k.lru_add_drain(0);
    // alloc 1, page cache 2, lru_add 3, mlock_folio (v1) 4; the second fault finds the folio in
    // the page cache (filemap_get_entry: folio_try_get) 5, its rmap takes that reference, and
    // mlock_folio (v2) 6. lru_add_drain: lru_add sets PG_lru and, PG_mlocked being set,
    // PG_unevictable with mlock_count 0: 5; the mlock batch's two LRU_FOLIO entries each find
    // the folio unevictable and mlocked: mlock_count 1, 2, and drop their references: 4, 3.
    EXPECT_EQ(k.caches().mlock_count(k.folio(x)), 2u);
    // munlock(v1): munlock_folio 4; drained: __munlock_folio decrements mlock_count to 1, still
    // nonzero, so PG_mlocked stays: 3.
    k.munlock(0, v1);
    k.lru_add_drain(0);
    EXPECT_TRUE(k.folio(x).test(pg::mlocked));
    EXPECT_TRUE(k.folio(x).test(pg::unevictable));
    // munlock(v2): mlock_count 0, PG_mlocked cleared, evictable again: PG_unevictable cleared.
    k.munlock(0, v2);
    k.lru_add_drain(0);
    EXPECT_FALSE(k.folio(x).test(pg::mlocked));
    EXPECT_FALSE(k.folio(x).test(pg::unevictable));
    const std::vector<row> want{
        {"folio_alloc", "page_ref_set", 1, 1},
        {"filemap_add_folio", "page_ref_mod", 1, 2},
        {"folio_add_lru", "page_ref_mod", 1, 3},
        {"mlock_folio", "page_ref_mod", 1, 4},
        {"filemap_get_entry", "page_ref_mod_unless", 1, 5},
        {"mlock_folio", "page_ref_mod", 1, 6},
        {"folio_batch_move_lru", "page_ref_mod_and_test", -1, 5},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 4},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 3},
        {"munlock_folio", "page_ref_mod", 1, 4},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 3},
        {"munlock_folio", "page_ref_mod", 1, 4},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 3},
    };
    EXPECT_EQ(events_of(k, x), want);
    // page cache 1 + two PTEs = 3 = folio_expected_ref_count (1 << 0 + mapcount 2).
    EXPECT_EQ(k.folio(x).ref_count(), expected_ref_count<rules::latest>(k.folio(x)));
}

TEST(GoldenTrace, PinAndUnpinSmallFolio)
{
    latest_kernel k(config_for<kernels::latest>());
    const int m = k.memfd_create("m", placement::normal);
    const int v = k.mmap_file(m, 4);
    const int x = k.fault(0, v, 0);
    k.lru_add_drain(0);
    k.trace().clear();
    const pin_result r = k.pin_user_pages(1, v, 0, 1);
    ASSERT_EQ(r.ret, 0);
    k.unpin_user_pages(1, r);
    // page cache 1 + pte 1 = 2; FOLL_PIN on an order-0 folio adds GUP_PIN_COUNTING_BIAS (1024)
    // -> 1026; the folio is in ZONE_NORMAL, pinnable: no drain, no migration. unpin_folio:
    // gup_put_folio -> folio_put_refs(1024) -> page_ref_mod_and_test, -> 2.
    const std::vector<row> want{
        {"try_grab_folio", "page_ref_mod", 1024, 1026},
        {"unpin_folio", "page_ref_mod_and_test", -1024, 2},
    };
    EXPECT_EQ(events_of(k, x), want);
}

TEST(GoldenTrace, PinAndUnpinLargeFolio)
{
    tracer t;
    using F = basic_folio<int, mapping, traced_ledger>;
    F f(F::state{.pfn = 0x200, .order = 2}, traced_ledger(&t, 7));
    // Four pages of an order-2 folio pinned: a large folio has _pincount, so +1 per page -> 5;
    // each page unpinned: -1 per page.
    try_grab_folio(f, 4, FOLL_PIN | FOLL_LONGTERM);
    EXPECT_EQ(f.pincount(), 4);
    for (int i = 0; i < 4; ++i)
        unpin_folio(f);
    std::vector<row> got;
    for (const auto& e : t.events())
        got.emplace_back(e.event, e.tracepoint, e.delta, e.refcount);
    const std::vector<row> want{
        {"folio_alloc", "page_ref_set", 1, 1},
        {"try_grab_folio", "page_ref_mod", 4, 5},
        {"unpin_folio", "page_ref_mod_and_test", -1, 4},
        {"unpin_folio", "page_ref_mod_and_test", -1, 3},
        {"unpin_folio", "page_ref_mod_and_test", -1, 2},
        {"unpin_folio", "page_ref_mod_and_test", -1, 1},
    };
    EXPECT_EQ(got, want);
    EXPECT_EQ(f.pincount(), 0);
}

// The pKVM sequence of docs/kernel.md ("The pKVM failure") under the latest kernel, source and re-pinned folio.
TEST(GoldenTrace, PkvmSequenceMigratesTheMlockedFolio)
{
    latest_kernel k(config_for<kernels::latest>());
    const int memfd = k.memfd_create("crosvm_guest", placement::cma);
    const int v = k.mmap_file(memfd, 64);
    k.mlock2_onfault(0, v);
    const int x = k.fault(0, v, 0);
    k.readahead(0, memfd, 1, 30);
    const pin_result r = k.pin_user_pages(1, v, 0, 1);
    ASSERT_EQ(r.ret, 0);
    const int y = k.folio_at(v, 0);
    // x: alloc 1, page cache 2, lru_add(A) 3, mlock(A) 4. Readahead adds 30 folios to A's
    // lru_add batch: 31 entries = PAGEVEC_SIZE, full, processed: 3. Pin on B: +1024 = 1027.
    // collect (pin_aware): expected 1 + mapcount 1 = 2; 1027 != 2 + 1024 -> lru_add_drain on B
    // (nothing of x there), recheck, lru_add_drain_all: A's mlock batch, -1 = 1026.
    // folio_isolate_lru +1 = 1027. unpin -1024 = 3. try_to_migrate_one: rmap removed,
    // munlock_vma_folio -> munlock_folio on B +1 = 4, mlock_drain_local -1 = 3, folio_put of the
    // PTE's reference -1 = 2 = expected (unmapped: 1) + isolation 1: moves. folio_migrate_mapping:
    // the page cache's reference leaves, 1; migrate_folio_done drops the isolation one: 0.
    const std::vector<row> want_x{
        {"folio_alloc", "page_ref_set", 1, 1},
        {"filemap_add_folio", "page_ref_mod", 1, 2},
        {"folio_add_lru", "page_ref_mod", 1, 3},
        {"mlock_folio", "page_ref_mod", 1, 4},
        {"folio_batch_move_lru", "page_ref_mod_and_test", -1, 3},
        {"try_grab_folio", "page_ref_mod", 1024, 1027},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 1026},
        {"folio_isolate_lru", "page_ref_mod", 1, 1027},
        {"unpin_folio", "page_ref_mod_and_test", -1024, 3},
        {"munlock_folio", "page_ref_mod", 1, 4},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 3},
        {"try_to_migrate_one", "page_ref_mod_and_test", -1, 2},
        {"folio_migrate_mapping", "page_ref_mod_and_test", -1, 1},
        {"migrate_folio_done", "page_ref_mod_and_test", -1, 0},
    };
    EXPECT_EQ(events_of(k, x), want_x);
    // The drain-all issued on CPU B processes A's mlock batch as work queued on A
    // (queue_work_on in __lru_add_drain_all): that event is recorded on CPU 0; the pin and the
    // isolation around it on CPU 1.
    for (const auto& e : k.trace().events()) {
        if (e.folio == x && e.event == "mlock_folio_batch" && e.refcount == 1026) {
            EXPECT_EQ(e.cpu, 0u);
        } else if (e.folio == x &&
                   (e.event == "try_grab_folio" || e.event == "folio_isolate_lru")) {
            EXPECT_EQ(e.cpu, 1u);
        }
    }
    // y, outside CMA: allocated 1; folio_migrate_mapping: page cache +1 = 2; migrate_folio_move:
    // folio_add_lru(dst) on B +1 = 3; the source was mlocked: lru_add_drain() on B processes it,
    // -1 = 2; remove_migration_pte: folio_get +1 = 3, the rmap takes it over, mlock_vma_folio ->
    // mlock_folio +1 = 4, mlock_drain_local -1 = 3; folio_put(dst) -1 = 2. GUP pins again:
    // +1024 = 1026; ZONE_NORMAL, pinnable: 0.
    const std::vector<row> want_y{
        {"folio_alloc", "page_ref_set", 1, 1},
        {"folio_migrate_mapping", "page_ref_mod", 1, 2},
        {"folio_add_lru", "page_ref_mod", 1, 3},
        {"folio_batch_move_lru", "page_ref_mod_and_test", -1, 2},
        {"remove_migration_pte", "page_ref_mod", 1, 3},
        {"mlock_folio", "page_ref_mod", 1, 4},
        {"mlock_folio_batch", "page_ref_mod_and_test", -1, 3},
        {"migrate_folio_move", "page_ref_mod_and_test", -1, 2},
        {"try_grab_folio", "page_ref_mod", 1024, 1026},
    };
    EXPECT_EQ(events_of(k, y), want_y);
    EXPECT_TRUE(k.folio(y).test(pg::mlocked));
    EXPECT_TRUE(k.folio(y).test(pg::unevictable));
}

TEST(GoldenTrace, TracepointTextAsTheKernelPrintsIt)
{
    latest_kernel k(config_for<kernels::latest>());
    const int m = k.memfd_create("m", placement::cma);
    const int v = k.mmap_file(m, 4);
    const int x = k.fault(0, v, 0);
    const auto& ev = k.trace().events();
    ASSERT_GE(ev.size(), 3u);
    // folio_add_lru on the new shmem folio: flags after it = swapbacked (shmem, PG_lru not yet
    // set); count 3; mapcount raw _mapcount -1 (not yet mapped: the rmap comes after); a
    // mapping; mt 4 = MIGRATE_CMA; val 1. pfn: the model's first CMA pfn, 0x40000.
    std::ostringstream os;
    write_event_tracepoint(os, ev[2], mapcount_era::raw);
    EXPECT_EQ(os.str(), "page_ref_mod: pfn=0x40000 flags=swapbacked count=3 mapcount=-1 "
                        "mapping=00000000f0e9c5fd mt=4 val=1");
    std::ostringstream old;
    write_event_tracepoint(old, ev[2], mapcount_era::page_mapcount);
    EXPECT_NE(old.str().find(" mapcount=0 "), std::string::npos);
    EXPECT_EQ(ev[2].folio, x);
}
// Round trip: the pKVM run's trace, printed as tracepoint text, reads back through the page_ref
// parser (dump_explain's) with every field the text carries.
TEST(GoldenTrace, TracepointTextReadsBack)
{
    latest_kernel k(config_for<kernels::latest>());
    const int memfd = k.memfd_create("crosvm_guest", placement::cma);
    const int v = k.mmap_file(memfd, 64);
    k.mlock2_onfault(0, v);
    k.fault(0, v, 0);
    k.readahead(0, memfd, 1, 30);
    ASSERT_EQ(k.pin_user_pages(1, v, 0, 1).ret, 0);
    std::ostringstream os;
    for (const auto& e : k.trace().events()) {
        os << "      crosvm-1234    [00" << e.cpu << "] .....   100.000000: ";
        write_event_tracepoint(os, e, mapcount_era::raw);
        os << '\n';
    }
    const auto parsed = parse_dmesg(os.str());
    const auto& ev = k.trace().events();
    ASSERT_EQ(parsed.page_refs.size(), ev.size());
    EXPECT_TRUE(parsed.errors.empty());
    for (std::size_t i = 0; i < ev.size(); ++i) {
        const auto& p = parsed.page_refs[i];
        EXPECT_EQ(p.event, ev[i].tracepoint) << i;
        EXPECT_EQ(p.pfn, ev[i].pfn) << i;
        EXPECT_EQ(p.count, ev[i].refcount) << i;
        EXPECT_EQ(p.val, ev[i].delta) << i;
        EXPECT_EQ(p.mapcount, ev[i].mapcount - 1) << i;
        EXPECT_EQ(p.mt, int(ev[i].mt)) << i;
        ASSERT_TRUE(p.flags) << i;
        EXPECT_EQ(p.flags->known, ev[i].flags) << i;
    }
}
} // namespace
