// foliorc/print.hpp: every public value type prints in words, the same way every run. Expected
// numbers come from the operations in the comments (docs/kernel.md ("Expected refcounts", "Pins", "Per-CPU batches")); the words are
// print.hpp's own format.
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <foliorc/detail/explain_folio.hpp>
#include <foliorc/print.hpp>

#include "test_support.hpp"

namespace {

using namespace foliorc;
using foliorc::test::ext4_map;
using foliorc::test::full_folio;

template <class T>
std::string text(const T& v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

TEST(Print, FolioWithLedgerNamesEveryField)
{
    // folio_alloc: caller 1; filemap_add_folio: + page cache 1; folio_attach_private: + 1.
    full_folio f(full_folio::state{.pfn = 0x1000});
    filemap_add_folio(f, ext4_map);
    folio_attach_private(f);
    EXPECT_EQ(text(f),
              "folio pfn 0x1000 order 0: refcount 3, mapcount 0, mapping file (ext4), flags "
              "private, zone Normal, pageblock Movable; held by page_cache 1, private 1, caller 1");
    EXPECT_EQ(to_string(f), text(f));
    // gtest's printer finds the operator by ADL.
    EXPECT_EQ(::testing::PrintToString(f), text(f));
}

TEST(Print, AnonFlagsHaveTheirAnonNames)
{
    // folio_add_new_anon_rmap: PG_swapbacked and PG_anon_exclusive (PG_owner_2 on an anon
    // folio), mapcount 1; the fault's (caller's) reference becomes the page table's: refcount 1.
    full_folio f(full_folio::state{.pfn = 0x2000});
    folio_add_new_anon_rmap(f, anon_mapping);
    EXPECT_EQ(text(f), "folio pfn 0x2000 order 0: refcount 1, mapcount 1, mapping anon, flags "
                       "anon_exclusive|swapbacked, zone Normal, pageblock Movable; held by pte 1");
    // In the swap cache PG_owner_priv_1 reads as PG_swapcache: + 1 swap-cache reference.
    add_to_swap_cache(f);
    EXPECT_EQ(text(f),
              "folio pfn 0x2000 order 0: refcount 2, mapcount 1, mapping anon, flags "
              "swapcache|anon_exclusive|swapbacked, zone Normal, pageblock Movable; held by "
              "swap_cache 1, pte 1");
}

TEST(Print, LargeFoliosShowThePincountAndTypedOnesTheirType)
{
    // Order 2, one FOLL_PIN page: refcount 1 + 1, _pincount 1.
    folio f(folio::state{.pfn = 0x3000, .order = 2});
    try_grab_folio(f, 1, FOLL_PIN);
    EXPECT_EQ(text(f),
              "folio pfn 0x3000 order 2: refcount 2, mapcount 0, pincount 1, mapping none, "
              "flags none, zone Normal, pageblock Movable; holders not recorded (no ledger)");
    folio_snapshot s{.pfn = 0x2a, .order = 9, .type = page_type::hugetlb, .refcount = 1};
    s.zone = zone_type::movable;
    s.mt = migratetype::cma;
    EXPECT_EQ(
        text(s),
        "folio_snapshot pfn 0x2a order 9 hugetlb: refcount 1, mapcount 0, pincount 0, "
        "mapping none, flags none, zone Movable, pageblock CMA; holders not recorded (no ledger)");
}

TEST(Print, SnapshotsPrintTheSameEveryTimeWithoutBytes)
{
    folio_snapshot a{.pfn = 7, .refcount = 2};
    folio_snapshot b = a;
    EXPECT_EQ(::testing::PrintToString(a), ::testing::PrintToString(b));
    EXPECT_EQ(::testing::PrintToString(a).find("byte object"), std::string::npos);
}

TEST(Print, ValueTypes)
{
    EXPECT_EQ(text(flag_set{pg::lru, pg::referenced}), "referenced|lru"); // identity order
    EXPECT_EQ(text(flag_set{}), "none");
    EXPECT_EQ(text(pg::mlocked), "PG_mlocked");
    EXPECT_EQ(text(mapping_kind::anon), "anon");
    EXPECT_EQ(text(page_type::slab), "slab");
    EXPECT_EQ(text(zone_type::movable), "ZONE_Movable");
    EXPECT_EQ(text(migratetype::cma), "MIGRATE_CMA");
    EXPECT_EQ(text(ext4_map), "mapping file (ext4)");
    EXPECT_EQ(
        text(fs::btrfs_6_12),
        "filesystem btrfs<=6.12 (PG_private with a reference, PG_private_2 without a reference)");
    EXPECT_EQ(text(holder::foll_pin), "foll_pin");
    EXPECT_EQ(text(batch_holder(batch_kind::mlock, 1)), "mlock batch on CPU 1");
    EXPECT_EQ(text(FOLL_PIN | FOLL_LONGTERM), "FOLL_PIN|FOLL_LONGTERM");
    EXPECT_EQ(text(errc::refcount_underflow), "refcount_underflow");
    EXPECT_EQ(text(collect_decision::isolation_failed), "isolation_failed");
    EXPECT_EQ(text(mlock_tag::new_folio), "NEW_FOLIO");
}

TEST(Print, Ledgers)
{
    ledger_full l;
    l.add(batch_holder(batch_kind::lru_add, 0), 1);
    l.add(holder::page_cache, 1);
    // Sorted by holder kind: page_cache before batch.
    EXPECT_EQ(text(l), "ledger: page_cache 1, lru_add batch on CPU 0 1");
    EXPECT_EQ(text(ledger_full{}), "ledger: nobody");
    ledger_by_kind k;
    k.add(holder::pte, 2);
    EXPECT_EQ(text(k), "ledger: pte 2");
    EXPECT_EQ(text(no_ledger{}), "ledger: not recorded");
}

TEST(Print, Results)
{
    const collect_result r{
        .entries = 3, .folios = 2, .collected = 1, .isolated = 1, .drain_alls = 1};
    // Not PrintToString here: other files of this test binary print collect_result and
    // mapping_kind through gtest without print.hpp, and gtest's printer template is then
    // instantiated two ways (an ODR violation the linker resolves either way). Including
    // print.hpp from foliorc.hpp removes that; see README "Testing your rules".
    EXPECT_EQ(
        text(r),
        "collect: 3 entries, 2 folios, 1 collected, 1 isolated, 0 local drains, 1 drain-alls");
    EXPECT_EQ(text(drain_counters{1, 2, 3, 4}),
              "drains: 1 local lru_add_drain, 2 lru_add_drain_all, "
              "3 CPUs drained, 4 batch entries processed");
    EXPECT_EQ(text(drain_done{1, 0}), "drained: 1 local lru_add_drain, 0 lru_add_drain_all");
    EXPECT_EQ(
        text(migrate_pages_result{.nr_failed = 1,
                                  .nr_succeeded = 0,
                                  .async_passes = 3,
                                  .sync_passes = 7,
                                  .passes = 10,
                                  .eagain = 10,
                                  .unmaps = 10}),
        "migrate_pages: 0 migrated, 1 failed, 10 passes (3 async, 7 sync), 10 -EAGAIN, 10 unmaps");
    model::pin_result p;
    p.ret = -ENOMEM;
    p.gup_attempts = 1;
    p.migrate_passes = 10;
    p.migrate_async_passes = 3;
    p.migrate_sync_passes = 7;
    p.drain_alls = 1;
    EXPECT_EQ(text(p),
              "pin_user_pages: ENOMEM (-12) after 1 attempts, 10 migrate passes (3 async, 7 "
              "sync), 0 local drains, 1 drain-alls (0 wasted), 0 pages pinned");
    EXPECT_EQ(text(parse_error{3, 7, "flags: '(' without ')'"}),
              "3:7: error: flags: '(' without ')'");
}

TEST(Print, ParsedDumpsAndRuleSets)
{
    // The first line and flags line of the 2023 block-device report.
    const auto r = parse_dmesg("page:00000000faa9673c refcount:3 mapcount:0 "
                               "mapping:00000000144ccd79 index:0x14280025 pfn:0x1727813\n"
                               "flags: "
                               "0x17ffffc000206a(referenced|dirty|active|workingset|private|node=0|"
                               "zone=2|lastcpupid=0x1fffff)\n"
                               "page dumped because: migration failure\n");
    ASSERT_EQ(r.dumps.size(), 1u);
    EXPECT_EQ(
        text(r.dumps.front()),
        "dump_page at line 1: refcount 3, mapcount 0, mapping 0x144ccd79, index 0x14280025, pfn "
        "0x1727813, flags referenced|dirty|active|workingset|private, node 0, zone 2, dumped "
        "because: migration failure; folio: order 0, refcount 3, mapcount 0, anon no, swapcache "
        "no");
    // 6.1: the head: line's counts verbatim, " CMA" after the flags; the folio's mapcount is not
    // printed (6.1's compound_mapcount is the entire mapcount only), so it stays unknown.
    const auto h = parse_dmesg(
        "page:000000008fcb6a5e refcount:513 mapcount:1 mapping:0000000000000000 index:0x7f1200 "
        "pfn:0x105200\n"
        "head:000000008fcb6a5e order:9 compound_mapcount:0 compound_pincount:1\n"
        "anon flags: "
        "0x17ffffc0090034(uptodate|lru|head|swapbacked|node=0|zone=2|lastcpupid=0x1fffff) CMA\n"
        "page dumped because: migration failure\n");
    ASSERT_EQ(h.dumps.size(), 1u);
    EXPECT_EQ(
        text(h.dumps.front()),
        "dump_page at line 1: refcount 513, mapcount 1, mapping NULL, index 0x7f1200, pfn "
        "0x105200, "
        "order 9, compound mapcount 0, compound pincount 1, anon flags "
        "uptodate|lru|head|swapbacked, "
        "node 0, zone 2, CMA, dumped because: migration failure; folio: order 9, refcount 513, "
        "mapcount unknown, pincount 1, anon yes, swapcache no");
    EXPECT_EQ(
        text(*kernel_rule_registry::find("v6_17")),
        "v6_17 (mm: simplify folio_expected_ref_count(), 6.17 - 6.18): typed (not hugetlb): 0; "
        "anon: swapcache<<order; else (mapping!=NULL)<<order + PG_private; + mapcount");
}

TEST(Print, TraceEvents)
{
    const model::trace_event e{.step = 4,
                               .cpu = 1,
                               .event = "folio_add_lru",
                               .tracepoint = "page_ref_mod",
                               .folio = 0,
                               .delta = 1,
                               .refcount = 3,
                               .mapcount = 0,
                               .pfn = 0x1000,
                               .mt = migratetype::movable,
                               .mapped = true,
                               .holders = {{holder::page_cache, 1},
                                           {batch_holder(batch_kind::lru_add, 1), 1},
                                           {holder::caller, 1}},
                               .flags = flag_set{pg::swapbacked}};
    EXPECT_EQ(text(e),
              "step 4 cpu 1 folio_add_lru (page_ref_mod) folio 0 pfn 0x1000: refcount +1 -> 3, "
              "mapcount 0; held by page_cache 1, lru_add batch on CPU 1 1, caller 1; flags "
              "swapbacked");
}

TEST(Print, WarningsAndErrors)
{
    // v6_16's slab guard warns and counts 0.
    const folio_snapshot slab{.pfn = 0x2a, .type = page_type::slab, .refcount = 1};
    warning_recorder w;
    EXPECT_EQ(expected_ref_count<rules::v6_16>(slab, w), 0);
    EXPECT_EQ(text(w.last), "v6_16 on pfn 0x2a: WARN_ON_ONCE(folio_test_slab(folio))");
    EXPECT_EQ(text(w), "1 warning, last: v6_16 on pfn 0x2a: WARN_ON_ONCE(folio_test_slab(folio))");

    // A second folio_put of the only reference underflows (no ledger: the refcount check).
    folio f(folio::state{.pfn = 7});
    folio_put(f);
    try {
        folio_put(f);
        FAIL() << "folio_put of a refcount-0 folio did not throw";
    } catch (const folio_error& e) {
        EXPECT_EQ(text(e), "folio_error refcount_underflow on pfn 0x7: folio pfn 0x7: "
                           "refcount_underflow: folio_put: refcount would go from 0 to -1");
    }
}

TEST(Print, ExplainFolioNamesTheHoldersFromTheLedger)
{
    // ext4 folio + one FOLL_GET: refcount 4; every rule set expects 2 on the 6.16 footing
    // (page cache 1 + PG_private 1), so 2 are unexpected: the caller's and the FOLL_GET.
    full_folio f(full_folio::state{.pfn = 0x1000});
    filemap_add_folio(f, ext4_map);
    folio_attach_private(f);
    try_grab_folio(f, 1, FOLL_GET);
    const folio_explanation e = explain(f);
    ASSERT_EQ(e.rules.size(), 5u);
    for (const auto& r : e.rules) {
        EXPECT_EQ(r.expected, 2) << r.rule;
        EXPECT_EQ(r.unexpected, 2) << r.rule;
    }
    EXPECT_TRUE(e.holders_exact);
    EXPECT_EQ(
        text(e),
        "refcount 4, mapcount 0, order 0, mapping file, flags private; caller's references: 0\n"
        "  pre_6_0: expects 2, 2 unexpected\n"
        "  migrate_6_0: expects 2, 2 unexpected\n"
        "  v6_16: expects 2, 2 unexpected\n"
        "  v6_17: expects 2, 2 unexpected\n"
        "  v6_19: expects 2, 2 unexpected\n"
        "  held by (ledger): page_cache 1, private 1, foll_get 1, caller 1\n"
        "  unexpected under v6_19: foll_get 1, caller 1");
    // With the caller's reference declared, only the FOLL_GET is left.
    const folio_explanation e1 = explain(f, 1);
    EXPECT_EQ(e1.rules.back().unexpected, 1);
    ASSERT_EQ(e1.unexpected_holders.size(), 1u);
    EXPECT_EQ(e1.unexpected_holders.front().first, holder_id(holder::foll_get));
}

TEST(Print, ExplainFolioWithoutLedgerGuessesAsForADump)
{
    // The pinned anon page of the 2020 gup_test dump: refcount 1025, mapcount 1. v6_19 expects 1
    // (mapcount), so 1024 are unexpected: one FOLL_PIN's bias.
    folio_snapshot s{
        .pfn = 0x100bcf, .mapping = mapping_kind::anon, .refcount = 1025, .mapcount = 1};
    s.flags = {pg::uptodate, pg::lru, pg::swapbacked};
    const folio_explanation e = explain(s);
    EXPECT_FALSE(e.holders_exact);
    EXPECT_EQ(e.rules.back().expected, 1);
    EXPECT_EQ(e.rules.back().unexpected, 1024);
    ASSERT_FALSE(e.likely.empty());
    EXPECT_EQ(e.likely.front(),
              "1 FOLL_PIN pin (GUP_PIN_COUNTING_BIAS 1024 each on a folio without _pincount)");
}

} // namespace
