// dump_page / page_ref parsing and explanation. Expected values are derived in the comments from
// the dump text and docs/kernel.md ("Expected refcounts") (latest rule), 3 (pins) and 8 (formats).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <foliorc/explain.hpp>

namespace foliorc::test {
namespace {

std::string read_data(const std::string& name)
{
    std::ifstream in(std::string(FOLIORC_TEST_DATA) + "/dump_page/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    return {std::istreambuf_iterator<char>(in), {}};
}

const rule_explanation& rule(const dump_explanation& e, std::string_view name)
{
    for (const auto& r : e.rules)
        if (r.rule == name)
            return r;
    throw std::logic_error("no rule set");
}

bool mentions(const dump_explanation& e, std::string_view what)
{
    for (const auto& l : e.likely)
        if (l.find(what) != std::string::npos)
            return true;
    return false;
}

// ---- the shared real kernel output ---------------------------------------------------------

TEST(DumpData, BlockdevDirtyBuffers)
{
    const auto p = parse_dmesg(read_data("blockdev_dirty_buffers.txt"));
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.dumps.size(), 1u);
    const page_dump& d = p.dumps[0];
    EXPECT_EQ(d.refcount, 3);
    EXPECT_EQ(d.page_mapcount, 0);
    EXPECT_EQ(d.folio.order, 0u); // flags, memcg and aops printed, no head: line
    EXPECT_EQ(d.pfn, 0x1727813u);
    EXPECT_EQ(d.index, 0x14280025u);
    EXPECT_EQ(d.aops, "def_blk_aops");
    EXPECT_EQ(d.ino, 0xfd00001u);
    EXPECT_EQ(d.memcg, 0xffffa0ff82d5a000u);
    ASSERT_TRUE(d.flags);
    EXPECT_EQ(d.flags->known,
              (flag_set{pg::referenced, pg::dirty, pg::active, pg::workingset, pg::private_}));
    EXPECT_EQ(d.flags->zone, 2u);
    EXPECT_EQ(d.reason, "migration failure");
    // "migration failure": migration holds the isolation reference, caller refs 1.
    // latest: (mapping != NULL) 1 + PG_private 1 + mapcount 0 = 2; unexpected 3 - 2 - 1 = 0.
    // pre_6_0 on the 6.16 footing: 1 + nr 1 + has_private 1 - caller 1 + mapcount 0 = 2.
    const auto e = explain(d);
    EXPECT_EQ(e.caller_refs, 1);
    EXPECT_EQ(rule(e, "v6_19").expected, 2);
    EXPECT_EQ(rule(e, "v6_19").unexpected, 0);
    EXPECT_EQ(rule(e, "pre_6_0").expected, 2);
    EXPECT_TRUE(mentions(e, "none"));
    EXPECT_EQ(e.facts.mapping, "file");
}

TEST(DumpData, GupTestWithAndWithoutPin)
{
    const auto p = parse_dmesg(read_data("gup_test_with_and_without_pin.txt"));
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.dumps.size(), 2u);
    for (const auto& d : p.dumps) {
        EXPECT_EQ(d.page_mapcount, 1);
        EXPECT_EQ(d.mapping, 0u);
        EXPECT_EQ(d.pfn, 0x100bcfu);
        EXPECT_FALSE(d.flags); // abridged: only the first line
        // The report cut everything between line 1 and the reason, where a 5.8+ head: line
        // would stand: whether the page is compound is not printed, so neither is the order.
        EXPECT_FALSE(d.folio.order);
        EXPECT_FALSE(d.folio.anon);
    }
    EXPECT_EQ(p.dumps[0].refcount, 2);
    EXPECT_EQ(p.dumps[1].refcount, 1025);
    // Nothing is computed from an order the dump does not print: the explanation says so.
    const auto get = explain(p.dumps[0]);
    EXPECT_EQ(get.caller_refs, 0);
    EXPECT_FALSE(rule(get, "v6_19").evaluated);
    EXPECT_FALSE(rule(get, "v6_19").unexpected);
    EXPECT_TRUE(mentions(get, "folio order"));
}

TEST(DumpData, PinnedAnon)
{
    const auto p = parse_dmesg(read_data("pinned_anon_and_thp_tail.txt"));
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.dumps.size(), 1u);
    const page_dump& d = p.dumps[0];
    EXPECT_EQ(d.pointer, "ffffea0010f0d640");
    EXPECT_EQ(d.label, "anon"); // "anon flags:" prefix
    EXPECT_TRUE(d.folio.label_believed);
    EXPECT_FALSE(d.pfn);
    EXPECT_EQ(d.index, 0xedu);
    // anon, not in swap cache (no owner_priv_1): 0 + mapcount 1 = 1; 1025 - 1 = 1024: one pin.
    const auto e = explain(d);
    EXPECT_EQ(e.facts.anon, true);
    EXPECT_EQ(e.facts.swapcache, false);
    for (const auto& r : e.rules) {
        EXPECT_EQ(r.expected, 1) << r.rule;
        EXPECT_EQ(r.unexpected, 1024) << r.rule;
    }
    EXPECT_TRUE(mentions(e, "1 FOLL_PIN pin"));
}

// ---- hand-written dumps, one per format era ---------------------------------------------------

TEST(DumpEras, Before5_6CountAndAnonLineWithRawWords)
{
    const auto p = parse_dmesg(
        "page:ffffea0004a7d2c0 count:2 mapcount:1 mapping:ffff88812a5c7d01 index:0x7f2b1c6a9\n"
        "anon \n"
        "flags: 0x17ffffc0080024(uptodate|lru|swapbacked)\n"
        "raw: 0017ffffc0080024 ffffea0004a7d288 ffffea0004a7d308 ffff88812a5c7d01\n"
        "raw: 00000007f2b1c6a9 0000000000000000 0000000200000000 0000000000000000\n"
        "page dumped because: test\n"
        "page->mem_cgroup:ffff888129a8e000\n");
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.dumps.size(), 1u);
    const auto& d = p.dumps[0];
    EXPECT_EQ(d.era, dump_layout::count);
    EXPECT_EQ(d.refcount, 2);
    EXPECT_EQ(d.label, "anon");
    EXPECT_EQ(d.raw.page.size(), 8u);
    // raw word 6 (0x00000002 refcount, _mapcount 0) agrees with line 1, so the 4.18 layout:
    // word 3, the mapping, ends in 1: anon.
    EXPECT_EQ(d.folio.mapping_word, 0xffff88812a5c7d01u);
    EXPECT_EQ(d.folio.anon, true);
    EXPECT_EQ(d.folio.ksm, false);
    // anon, not swap cache: expected mapcount 1; unexpected 2 - 1 = 1.
    EXPECT_EQ(rule(explain(d), "v6_19").unexpected, 1);
}

TEST(DumpEras, Before5_6NullMappingLeavesSwapCacheUnknown)
{
    // The "count:" era printed the raw page->mapping: NULL is also a shmem page written out to
    // swap cache, so without a flags line swap cache stays unknown; NULL is never anon. A first
    // line alone does not say whether the page is compound: no order, nothing evaluated.
    const auto p = parse_dmesg(
        "page:ffffea0001000000 count:1 mapcount:0 mapping:          (null) index:0x3\n");
    ASSERT_TRUE(p.errors.empty());
    const auto& d = p.dumps.at(0);
    EXPECT_TRUE(d.mapping_raw);
    EXPECT_EQ(d.folio.anon, false);
    EXPECT_FALSE(d.folio.swapcache);
    EXPECT_FALSE(d.folio.order);
    EXPECT_FALSE(rule(explain(d), "v6_19").evaluated);
}

TEST(DumpEras, Rework5_6TailPageOfATHP)
{
    const auto p =
        parse_dmesg("page:ffffea0008e60040 head:ffffea0008e60000 refcount:0 mapcount:1 "
                    "mapping:0000000021857089 index:0xed order:9 compound_mapcount: 1\n"
                    "anon flags: 0x17ffe0000010000(head)\n"
                    "raw: 017ffe0000000000 ffffea0008e60001 ffffea0008e60048 dead000000000400\n"
                    "raw: 0000000000000000 0000000000000000 00000000ffffffff 0000000000000000\n"
                    "head: 017ffe0000010036 ffffea0008e58008 ffffea0008e6c008 ffff888457e3f241\n"
                    "page dumped because: testing dump_page()\n");
    ASSERT_TRUE(p.errors.empty()) << p.errors[0].message;
    ASSERT_EQ(p.dumps.size(), 1u);
    const auto& d = p.dumps[0];
    EXPECT_EQ(d.era, dump_layout::head_on_line1);
    EXPECT_EQ(d.folio.tail, true); // head: differs from page:
    EXPECT_EQ(d.folio.order, 9u);
    EXPECT_EQ(d.compound_mapcount, 1);
    EXPECT_EQ(d.raw.page.size(), 8u);
    EXPECT_EQ(d.raw.head.size(), 4u);
    // The label is the tail's, not believed; the head row's mapping word ...241 says anon.
    EXPECT_FALSE(d.folio.label_believed);
    EXPECT_EQ(d.folio.anon, true);
    // 5.6 printed the head's refcount, but not the folio's mapcount: nothing is evaluated.
    EXPECT_EQ(d.folio.refcount, 0);
    EXPECT_FALSE(d.folio.mapcount);
    EXPECT_TRUE(mentions(explain(d), "not evaluated"));
}

TEST(DumpEras, Later6xWithPfnMemcgAopsDentryAndSuffixes)
{
    // A locked shmem folio mapped once whose mlock batch entry is still queued:
    // page cache 1 + pte 1 + mlock batch 1 = 3; latest expects 1 + 0 + 1 = 2 -> 1 unexpected.
    const auto p =
        parse_dmesg("[  812.004211] page:00000000c0a5e7f1 refcount:3 mapcount:1 "
                    "mapping:000000003b5c1ad9 index:0x0 pfn:0x9f83a8\n"
                    "[  812.004219] memcg:ffff0000c2f4b000\n"
                    "[  812.004222] aops:shmem_aops ino:2a dentry name:\"memfd:crosvm_guest\"\n"
                    "[  812.004225] flags: "
                    "0x8000000000a0019(locked|uptodate|dirty|swapbacked|unevictable|mlocked|node=0|"
                    "zone=1|lastcpupid=0xfffff|kasantag=0x0)\n"
                    "[  812.004230] page dumped because: pin test\n");
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.dumps.size(), 1u);
    const auto& d = p.dumps[0];
    EXPECT_EQ(d.aops, "shmem_aops");
    EXPECT_EQ(d.ino, 0x2au);
    EXPECT_EQ(d.dentry, "memfd:crosvm_guest");
    EXPECT_EQ(d.flags->zone, 1u);
    EXPECT_TRUE(d.flags->unknown.empty());
    const auto e = explain(d);
    EXPECT_EQ(e.facts.zone, zone_type::dma32);
    EXPECT_EQ(rule(e, "v6_19").expected, 2);
    EXPECT_EQ(rule(e, "v6_19").unexpected, 1);
    EXPECT_TRUE(mentions(e, "mlock batch"));
}

TEST(DumpEras, Folio6_9LargeAnonWithPincountAndAnonExclusive)
{
    // An order-9 anon folio mapped by 512 PTEs, one page pinned (pincount 1), one more ref:
    // refcount 514; latest expects 0 (not swap cache) + mapcount 512 = 512 -> 2 unexpected:
    // 1 page pin plus 1 more. owner_2 on an anon folio is PG_anon_exclusive, not PG_private_2.
    const auto p = parse_dmesg(
        "page: refcount:514 mapcount:1 mapping:0000000000000000 index:0x7f00000 pfn:0x120000\n"
        "head: order:9 mapcount:512 entire_mapcount:0 nr_pages_mapped:512 pincount:1\n"
        "anon flags: 0x17ffffc0020848(uptodate|head|lru|owner_2|swapbacked|node=0|zone=2)\n"
        "page dumped because: test\n");
    ASSERT_TRUE(p.errors.empty());
    const auto& d = p.dumps.at(0);
    EXPECT_TRUE(d.pointer.empty());
    EXPECT_EQ(d.era, dump_layout::folio);
    EXPECT_EQ(d.order, 9u);
    EXPECT_EQ(d.head_mapcount, 512);
    EXPECT_EQ(d.folio.mapcount, 512);
    EXPECT_EQ(d.pincount, 1);
    const auto e = explain(d);
    EXPECT_EQ(e.facts.private_2, false);
    EXPECT_EQ(rule(e, "v6_19").expected, 512);
    EXPECT_EQ(rule(e, "v6_19").unexpected, 2);
    EXPECT_TRUE(mentions(e, "1 FOLL_PIN page pin"));
    EXPECT_TRUE(mentions(e, "1 more"));
}

TEST(DumpEras, Folio6_9HugetlbWithPageType)
{
    // hugetlbfs folio of order 9 mapped once: 1 << 9 + 0 + mapcount 1 = 513 = refcount; the
    // typed-page guard exempts hugetlb: no warning under any 6.16+ set.
    const auto p = parse_dmesg(
        "page: refcount:513 mapcount:1 mapping:00000000c0ffee00 index:0x0 pfn:0x200000\n"
        "head: order:9 mapcount:1 entire_mapcount:1 nr_pages_mapped:0 pincount:0\n"
        "aops:hugetlbfs_aops ino:5\n"
        "flags: 0xbfffc0000010040(head|node=0|zone=2)\n"
        "page_type: f4(hugetlb)\n");
    ASSERT_TRUE(p.errors.empty());
    const auto e = explain(p.dumps.at(0));
    EXPECT_EQ(e.facts.type, page_type::hugetlb);
    for (std::string_view r : {"v6_16", "v6_17", "v6_19"}) {
        EXPECT_EQ(rule(e, r).expected, 513) << r;
        EXPECT_FALSE(rule(e, r).warned) << r;
    }
}

TEST(DumpEras, SlabPageWarnsUnder6_16AndLater)
{
    const auto p =
        parse_dmesg("page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x300\n"
                    "flags: 0x200(node=0|zone=2)\n"
                    "page_type: f5(slab)\n");
    const auto e = explain(p.dumps.at(0));
    EXPECT_EQ(e.facts.type, page_type::slab);
    EXPECT_TRUE(rule(e, "v6_16").warned);
    EXPECT_TRUE(rule(e, "v6_19").warned);
    EXPECT_FALSE(rule(e, "migrate_6_0").warned);
}

TEST(DumpEras, ShmemInSwapCacheSplitsV6_16FromV6_19)
{
    // aops:swap_aops, not anon: a shmem folio in swap cache (folio->mapping NULL). With the
    // isolation reference (migration failure): refcount 2 = swap cache 1 + isolation 1.
    // v6_16: non-anon, mapping NULL -> 0: 1 unexpected, the swap cache reference it misses.
    // v6_19: swapcache << 0 = 1 -> 0 unexpected (f183663901f2).
    const auto p =
        parse_dmesg("page: refcount:2 mapcount:0 mapping:00000000aa55aa55 index:0x3 pfn:0x400\n"
                    "aops:swap_aops\n"
                    "flags: 0x4000000000000408(uptodate|owner_priv_1|swapbacked|node=0|zone=2)\n"
                    "page dumped because: migration failure\n");
    const auto e = explain(p.dumps.at(0));
    EXPECT_EQ(e.facts.mapping, "swap");
    EXPECT_EQ(e.facts.swapcache, true);
    EXPECT_EQ(rule(e, "v6_16").unexpected, 1);
    EXPECT_EQ(rule(e, "v6_19").unexpected, 0);
}

TEST(DumpEras, CephPrivate2IsNamedAsTheHolder)
{
    // ceph page cache with PG_private_2 (old name) and its reference, isolated: page cache 1 +
    // private_2 1 + isolation 1 = 3; latest expects 1 -> 1 unexpected: the PG_private_2 one.
    const auto p = parse_dmesg(
        "page:0000000012345678 refcount:3 mapcount:0 mapping:00000000deadbeef index:0x1 pfn:0x500\n"
        "aops:ceph_aops ino:10\n"
        "flags: 0x2000(uptodate|lru|private_2|node=0|zone=2)\n"
        "page dumped because: migration failure\n");
    const auto e = explain(p.dumps.at(0));
    EXPECT_EQ(e.facts.private_2, true);
    EXPECT_EQ(rule(e, "v6_19").unexpected, 1);
    // pre_6_0 counted has_private: 1 + 1 + 1 - caller 1 = 2 -> 0 unexpected.
    EXPECT_EQ(rule(e, "pre_6_0").unexpected, 0);
    EXPECT_TRUE(mentions(e, "PG_private_2"));
}

TEST(DumpInput, SeveralDumpsWithOtherDmesgLinesInterleaved)
{
    const auto p =
        parse_dmesg("[    1.000] Linux version 6.12.0\n"
                    "[    2.000] page:0000000011111111 refcount:1 mapcount:0 "
                    "mapping:0000000000000000 index:0x0 pfn:0x1\n"
                    "[    2.001] usb 1-1: new high-speed USB device\n"
                    "[    2.002] flags: 0x0(zone=2)\n"
                    "<4>page: refcount:7 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x2\r\n"
                    "kernel: page dumped because: second\n");
    ASSERT_TRUE(p.errors.empty());
    // The reason's prefix is not the "<4>" of its first line: read, with a warning.
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_EQ(p.warnings[0].line, 6u);
    ASSERT_EQ(p.dumps.size(), 2u);
    EXPECT_EQ(p.dumps[0].refcount, 1);
    EXPECT_TRUE(p.dumps[0].flags);
    EXPECT_EQ(p.dumps[1].refcount, 7);
    EXPECT_EQ(p.dumps[1].line, 5u);
    EXPECT_EQ(p.dumps[1].reason, "second");
}

TEST(DumpInput, BadInputGivesLineAndColumnAndTheRestIsParsed)
{
    const auto p = parse_dmesg("page:ffff refcount:abc mapcount:0 mapping:0 index:0x0\n"
                               "page: mapcount:0 mapping:0\n"
                               "page: refcount:5 mapcount:0 mapping:zz index:0x0\n"
                               "page: refcount:4 mapcount:0 mapping:0 index:0x0\n"
                               "flags: 0x4(uptodate\n"
                               "page: refcount:9 mapcount:0 mapping:0 index:0x0 order:77\n"
                               "page: refcount:6 mapcount:0 mapping:0 index:0x0\n");
    // Errors lose a dump: no readable count.
    ASSERT_EQ(p.errors.size(), 2u);
    EXPECT_EQ(p.errors[0].line, 1u);
    EXPECT_EQ(p.errors[0].column, 20u); // "page:ffff" 1-9, space 10, "refcount:" 11-19, 'a' 20
    EXPECT_EQ(p.errors[1].line, 2u);
    // Warnings lose a field or a line; the dump stays.
    ASSERT_EQ(p.warnings.size(), 3u);
    EXPECT_EQ(p.warnings[0].line, 3u);
    // "page: refcount:5 mapcount:0 " is 28 characters, "mapping:" 29-36, "zz" from 37.
    EXPECT_EQ(p.warnings[0].column, 37u);
    EXPECT_EQ(p.warnings[1].line, 5u);
    EXPECT_EQ(p.warnings[1].column, 11u); // "flags: 0x4" then '(' at 11
    EXPECT_EQ(p.warnings[2].line, 6u);
    ASSERT_EQ(p.dumps.size(), 4u);
    EXPECT_EQ(p.dumps[0].refcount, 5);
    EXPECT_FALSE(p.dumps[0].mapping);
    EXPECT_EQ(p.dumps[1].refcount, 4);
    EXPECT_FALSE(p.dumps[1].flags);
    EXPECT_EQ(p.dumps[2].refcount, 9);
    EXPECT_FALSE(p.dumps[2].order);
    EXPECT_EQ(p.dumps[3].refcount, 6);
}

TEST(DumpInput, APoisonedPageTakesOnlyItsRawRowsAndReason)
{
    // Found by dmesg_fuzzer: a head: line after a poisoned page's first line set a printed
    // order on a dump whose folio says nothing. dump_page prints only the raw rows and the
    // reason for a poisoned page; anything else belongs to no dump.
    const auto p =
        parse_dmesg(" page:000003d082008000 is uninitialized and poisoned\n"
                    " head: order:18 mapcount:1 entire_mapcount:1 nr_pages_mapped:0 pincount:0\n"
                    " raw: ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff\n"
                    " page dumped because: VM_BUG_ON_PAGE(PagePoisoned(p))\n");
    ASSERT_EQ(p.dumps.size(), 1u);
    const auto& d = p.dumps[0];
    EXPECT_TRUE(d.poisoned);
    EXPECT_FALSE(d.order);
    EXPECT_FALSE(d.refcount);
    EXPECT_EQ(d.raw.page.size(), 4u);
    EXPECT_EQ(d.reason, "VM_BUG_ON_PAGE(PagePoisoned(p))");
    EXPECT_FALSE(d.folio.missing.empty());
}

TEST(DumpInput, APrefixWithABracketThatNeverClosesIsLiteralText)
{
    // Found by dmesg_fuzzer: a '[' with no ']' within 40 characters opened no bracket part, and
    // the literal part then took no characters: the prefix scan never ended.
    const std::string pre = "[  285.1" + std::string(50, 'x') + "93431][T14882] ";
    const auto p = parse_dmesg(pre + "page: refcount:2 mapcount:0 mapping:0 index:0x0\n" + pre +
                               "flags: 0x0()\n");
    ASSERT_EQ(p.dumps.size(), 1u);
    EXPECT_EQ(p.dumps[0].refcount, 2);
    EXPECT_TRUE(p.dumps[0].flags);
    EXPECT_TRUE(p.warnings.empty());
}

TEST(PageRef, WillDeaconsTracepointLines)
{
    // docs/kernel.md ("dump_page output"): count is the refcount after the change, val the delta, mt=4 MIGRATE_CMA.
    const auto p =
        parse_dmesg("  crosvm_vcpu 2-1234  [002] .....  123.456789: page_ref_mod: pfn=0x9f83a8 "
                    "flags=locked|uptodate|swapbacked|mlocked count=3 mapcount=0 "
                    "mapping=00000000f0e9c5fd mt=4 val=1\n"
                    "  crosvm_vcpu 2-1234  [002] .....  123.456799: page_ref_mod_and_test: "
                    "pfn=0x9f83a8 flags=locked|uptodate|swapbacked|mlocked count=2 mapcount=0 "
                    "mapping=00000000f0e9c5fd mt=4 val=-1 ret=0\n"
                    "page_ref_set: pfn=0x1 flags= count=x\n");
    ASSERT_EQ(p.page_refs.size(), 2u);
    const auto& a = p.page_refs[0];
    EXPECT_EQ(a.event, "page_ref_mod");
    EXPECT_EQ(a.pfn, 0x9f83a8u);
    EXPECT_EQ(a.count, 3);
    EXPECT_EQ(a.val, 1);
    EXPECT_EQ(a.mt, int(migratetype::cma));
    EXPECT_EQ(a.mapcount, 0);
    EXPECT_TRUE(a.flags->known.test(pg::mlocked));
    EXPECT_EQ(p.page_refs[1].event, "page_ref_mod_and_test");
    EXPECT_EQ(p.page_refs[1].val, -1);
    EXPECT_EQ(p.page_refs[1].ret, 0);
    ASSERT_EQ(p.errors.size(), 2u); // count=x, then no count=
    EXPECT_EQ(p.errors[0].line, 3u);
}

} // namespace
} // namespace foliorc::test
