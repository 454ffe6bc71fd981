// format_dump_page: each era's text, checked against real dumps (tests/data/dump_page) where a
// report printed the same state, and otherwise against text worked out by hand from the era's
// format strings (mm/debug.c, named in dump_format.hpp) and flag bits (docs/kernel.md ("dump_page output")).
// %p hashes are the formatter's own stand-in, so lines with them are compared with the hash
// masked.
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <foliorc/detail/explain_folio.hpp>
#include <foliorc/dump.hpp>
#include <foliorc/dump_format.hpp>

#include "test_support.hpp"

namespace {

using namespace foliorc;
using foliorc::test::full_folio;

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::string read_data(const std::string& name)
{
    std::ifstream in(std::string(FOLIORC_TEST_DATA) + "/dump_page/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A %p hash (16 hex digits) after "page:", "head:" or "mapping:" becomes "<hash>".
// (A hand loop: std::regex trips g++ 12's -Wmaybe-uninitialized under the asan preset.)
std::string mask(const std::string& l)
{
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    std::string out;
    for (std::size_t i = 0; i < l.size();) {
        bool masked = false;
        for (std::string_view key : {"page:", "head:", "mapping:"}) {
            if (l.compare(i, key.size(), key) != 0)
                continue;
            const std::size_t h = i + key.size();
            std::size_t n = 0;
            while (n < 16 && h + n < l.size() && hex(l[h + n]))
                ++n;
            if (n == 16) {
                out += key;
                out += "<hash>";
                i = h + 16;
                masked = true;
            }
            break;
        }
        if (!masked)
            out += l[i++];
    }
    return out;
}

// The block-device folio of the 2023 memory-offline report: page cache + buffer heads, dirty,
// active, held by migration's isolation reference: refcount 1 + 1 + 1 = 3.
full_folio blockdev_folio()
{
    static constexpr mapping bdev = file_mapping(fs::blockdev);
    full_folio f(full_folio::state{
        .pfn = 0x1727813, .flags = {pg::referenced, pg::dirty, pg::active, pg::workingset}});
    filemap_add_folio(f, bdev);
    folio_attach_private(f);
    return f;
}

TEST(FormatDumpPage, SixOneMatchesTheRealBlockDeviceDump)
{
    dump_page_options o;
    o.reason = "migration failure";
    o.index = 0x14280025;
    o.ino = 0xfd00001;
    o.memcg = 0xffffa0ff82d5a000ull;
    const auto got = lines(format_dump_page(blockdev_folio(), dump_era::v6_1, o));
    // The report's lines, in order; it left out the raw: rows, which come before the reason.
    const auto real = lines(read_data("blockdev_dirty_buffers.txt"));
    ASSERT_EQ(real.size(), 5u);
    ASSERT_EQ(got.size(), 7u);
    EXPECT_EQ(mask(got[0]), mask(real[0]));
    EXPECT_EQ(got[1], real[1]); // memcg:
    EXPECT_EQ(got[2], real[2]); // aops:def_blk_aops ino:fd00001 (no dentry)
    EXPECT_EQ(got[3],
              real[3]); // flags: 0x17ffffc000206a(referenced|dirty|active|workingset|private|...)
    EXPECT_EQ(got[6], real[4]); // page dumped because: migration failure
    // The report quotes the second raw: row's third word: refcount 3, _mapcount -1.
    EXPECT_EQ(got[5], "raw: 0000000014280025 ffff888105e62f70 00000003ffffffff ffffa0ff82d5a000");
}

TEST(FormatDumpPage, SixOneMatchesTheRealGupTestDump)
{
    // gup_test -c -p: an anon page mapped once (the fault's reference is the page table's) and
    // pinned once: pte 1 + bias 1024 = 1025.
    full_folio f(full_folio::state{.pfn = 0x100bcf});
    folio_add_new_anon_rmap(f, anon_mapping);
    try_grab_folio(f, 1, FOLL_PIN);
    dump_page_options o;
    o.reason = "gup_test: dump_pages() test";
    const auto got = lines(format_dump_page(f, dump_era::v6_1, o));
    const auto real = lines(read_data("gup_test_with_and_without_pin.txt"));
    ASSERT_EQ(real.size(), 4u);
    // folio_mapping() of an anon folio is NULL: "mapping:0000000000000000", as in the report.
    EXPECT_EQ(mask(got.front()), mask(real[2]));
    EXPECT_NE(got.front().find(" mapping:0000000000000000 "), std::string::npos);
    EXPECT_EQ(got.back(), real[3]);
}

TEST(FormatDumpPage, FiveSevenMatchesTheRealPinnedAnonDump)
{
    // Ex7 (Feb 2020): an anon page mapped once and pinned once: 1 + 1024 = 1025. The page
    // pointer is %px: 0xffffea0010f0d640 = vmemmap + 0x43c359 * 64. That machine's bits above
    // the page flags were 0x17ffe0000000000; 5.18-6.1 bits: referenced 1, uptodate 2, lru 4,
    // active 5, swapbacked 19 -> 0x80036.
    folio_snapshot s{
        .pfn = 0x43c359, .mapping = mapping_kind::anon, .refcount = 1025, .mapcount = 1};
    s.flags = {pg::referenced, pg::uptodate, pg::lru, pg::active, pg::swapbacked};
    dump_page_options o;
    o.reason = "testing dump_page()";
    o.index = 0xed;
    o.field_bits = 0x17ffe0000000000ull;
    const auto got = lines(format_dump_page(s, dump_era::v5_7, o));
    const auto real = lines(read_data("pinned_anon_and_thp_tail.txt"));
    ASSERT_EQ(real.size(), 3u);
    ASSERT_EQ(got.size(), 5u); // the report left out the two raw: rows
    EXPECT_EQ(mask(got[0]), mask(real[0]));
    EXPECT_EQ(got[0].substr(0, 22), "page:ffffea0010f0d640 "); // %px: not hashed
    EXPECT_EQ(got[1], real[1]);
    EXPECT_EQ(got[4], real[2]);
    // The raw row the report quotes: refcount 1025 (0x401), _mapcount 0.
    EXPECT_NE(got[3].find(" 0000040100000000 "), std::string::npos);

    // A compound page prints head:%px on line 1 (here the head itself) with order and
    // compound_mapcount, and its head page's raw rows.
    folio_snapshot l{
        .pfn = 0x400, .order = 9, .mapping = mapping_kind::anon, .refcount = 512, .mapcount = 512};
    const auto big = lines(format_dump_page(l, dump_era::v5_7));
    EXPECT_EQ(big[0].substr(0, 44), "page:ffffea0000010000 head:ffffea0000010000 ");
    EXPECT_EQ(mask(big[0]),
              "page:<hash> head:<hash> refcount:512 mapcount:1 mapping:<hash> index:0x0 "
              "order:9 compound_mapcount: 0");
    EXPECT_EQ(big[2].substr(0, 5), "raw: ");
    EXPECT_EQ(big[4].substr(0, 6), "head: ");
}

TEST(FormatDumpPage, SixTwelveMatchesARealCephDump)
{
    // A 6.x ceph folio from a public report (Viacheslav Dubeyko, "ceph: ... generic/013",
    // LKML 2025; quoted here, it is not in tests/data): page cache + two more references, no
    // flags at all, memcg charged. The raw: row holds index, private 0, _refcount 3 | _mapcount
    // -1, and memcg_data, all of which the folio and the options give.
    const std::vector<std::string> real{
        "page: refcount:3 mapcount:0 mapping:00000000e58ff252 index:0x10781 pfn:0x1c322",
        "memcg:ffff8881a1915800",
        "aops:ceph_aops ino:1000058db9e dentry name(?):\"f9XXXXXX\"",
        "flags: 0x17ffffc0000000(node=0|zone=2|lastcpupid=0x1fffff)",
        "raw: 0017ffffc0000000 0000000000000000 dead000000000122 ffff88816110d248",
        "raw: 0000000000010781 0000000000000000 00000003ffffffff ffff8881a1915800",
        "page dumped because: VM_BUG_ON_FOLIO(!folio_test_locked(folio))",
    };
    const folio_snapshot s{.pfn = 0x1c322, .mapping = mapping_kind::file, .refcount = 3};
    dump_page_options o;
    o.reason = "VM_BUG_ON_FOLIO(!folio_test_locked(folio))";
    o.index = 0x10781;
    o.memcg = 0xffff8881a1915800ull;
    o.aops = "ceph_aops";
    o.ino = 0x1000058db9e;
    o.dentry = "f9XXXXXX";
    const auto got = lines(format_dump_page(s, dump_era::v6_12, o));
    ASSERT_EQ(got.size(), real.size());
    EXPECT_EQ(mask(got[0]), mask(real[0]));
    for (std::size_t i : {1u, 2u, 3u, 5u, 6u})
        EXPECT_EQ(got[i], real[i]) << "line " << i;
    // Row one: the flags word and lru.prev agree; lru.next (0 there, LIST_POISON1 here) and the
    // mapping's address are the machine's own.
    EXPECT_EQ(got[4].substr(0, 22), real[4].substr(0, 22));
    EXPECT_EQ(got[4].substr(39, 17), real[4].substr(39, 17));
}

TEST(FormatDumpPage, SixTwelveByHand)
{
    // An order-0 shmem folio, mapped once: page cache 1 + pte 1 = refcount 2.
    // 6.12 bits: uptodate 3, lru 5, swapbacked 17 -> 0x20028; node 0 at 54, zone 2 (Normal) at
    // 51, lastcpupid 0x1fffff at 30 -> 0x17ffffc0000000.
    folio_snapshot s{.pfn = 0x120000, .mapping = mapping_kind::file, .refcount = 2, .mapcount = 1};
    s.flags = {pg::uptodate, pg::lru, pg::swapbacked};
    const auto got = lines(format_dump_page(s, dump_era::v6_12));
    const std::vector<std::string> want{
        "page: refcount:2 mapcount:1 mapping:<hash> index:0x0 pfn:0x120000",
        "aops:shmem_aops ino:2a dentry name(?):\"file\"",
        "flags: 0x17ffffc0020028(uptodate|lru|swapbacked|node=0|zone=2|lastcpupid=0x1fffff)",
        // flags, lru.next/prev (neighbouring pages, +8), mapping, index, private, _refcount 2 |
        // _mapcount 0, memcg_data.
        "raw: 0017ffffc0020028 ffffea0004801008 ffffea00047ff008 ffff888100a3c2d8",
        "raw: 0000000000000000 0000000000000000 0000000200000000 0000000000000000",
        "page dumped because: dump_page",
    };
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ(mask(got[i]), want[i]) << "line " << i;
}

TEST(FormatDumpPage, SixTwelveLargeHugetlbAndTypes)
{
    // A PMD hugetlb folio mapped by two processes, pinned once: head: line with the folio's
    // counts; its _mapcount holds the type (PGTY_hugetlb 0xf4), so line 1 says mapcount:0.
    folio_snapshot h{.pfn = 0x200000,
                     .order = 9,
                     .type = page_type::hugetlb,
                     .mapping = mapping_kind::file,
                     .refcount = 4,
                     .mapcount = 2,
                     .pincount = 1};
    const auto got = lines(format_dump_page(h, dump_era::v6_12));
    EXPECT_EQ(mask(got[0]), "page: refcount:4 mapcount:0 mapping:<hash> index:0x0 pfn:0x200000");
    EXPECT_EQ(got[1], "head: order:9 mapcount:2 entire_mapcount:2 nr_pages_mapped:0 pincount:1");
    // PG_head is bit 6: 0x40.
    EXPECT_EQ(got[3], "flags: 0x17ffffc0000040(head|node=0|zone=2|lastcpupid=0x1fffff)");
    EXPECT_EQ(got[4], "page_type: f4(hugetlb)");
    // raw: x2, head: x4 (two struct pages), reason.
    ASSERT_EQ(got.size(), 12u);
    EXPECT_EQ(got[6].substr(0, 42), "raw: 0000000000000000 0000000000000000 000");
    EXPECT_EQ(got[6].substr(39), "00000004f4000000 0000000000000000");
    EXPECT_EQ(got[7].substr(0, 6), "head: ");

    // zsmalloc has no entry in 6.12's page_type_names[]: %s of NULL.
    folio_snapshot z{.pfn = 0x10, .type = page_type::zsmalloc, .refcount = 1};
    EXPECT_NE(format_dump_page(z, dump_era::v6_12).find("\npage_type: f6((null))\n"),
              std::string::npos);
    // A CMA pageblock: " CMA" after the flags.
    folio_snapshot c{.pfn = 0x10, .refcount = 1};
    c.mt = migratetype::cma;
    EXPECT_NE(format_dump_page(c, dump_era::v6_12)
                  .find("\nflags: 0x17ffffc0000000(node=0|zone=2|lastcpupid=0x1fffff) CMA\n"),
              std::string::npos);
}

TEST(FormatDumpPage, OlderErasByHand)
{
    // An anon page mapped once, in the swap cache: pte 1 + swap cache 1 = 2. 5.18-6.x bits:
    // uptodate 2, lru 4, owner_priv_1 10, swapbacked 19 -> 0x80414. %px: the page's vmemmap
    // address 0xffffea0000000000 + 0x129f4b * 64 = 0xffffea0004a7d2c0; page->mapping is the
    // anon_vma with PAGE_MAPPING_ANON (bit 0).
    folio_snapshot s{.pfn = 0x129f4b, .mapping = mapping_kind::anon, .refcount = 2, .mapcount = 1};
    s.flags = {pg::uptodate, pg::lru, pg::swapcache, pg::swapbacked};
    dump_page_options o;
    o.index = 0x7f2b1c6a9;
    o.reason = "test";
    const auto v4 = lines(format_dump_page(s, dump_era::v4_19, o));
    const std::vector<std::string> want4{
        "page:ffffea0004a7d2c0 count:2 mapcount:1 mapping:ffff888102b7e401 index:0x7f2b1c6a9",
        "flags: 0x17ffffc0080414(uptodate|lru|owner_priv_1|swapbacked)",
        "raw: 0017ffffc0080414 ffffea0004a7e2c8 ffffea0004a7c2c8 ffff888102b7e401",
        "raw: 00000007f2b1c6a9 0000000000000000 0000000200000000 0000000000000000",
        "page dumped because: test",
    };
    EXPECT_EQ(v4, want4);
    // 5.4: refcount:, and an "anon " line of its own.
    const auto v5 = lines(format_dump_page(s, dump_era::v5_4, o));
    ASSERT_GE(v5.size(), 2u);
    EXPECT_EQ(
        v5[0],
        "page:ffffea0004a7d2c0 refcount:2 mapcount:1 mapping:ffff888102b7e401 index:0x7f2b1c6a9");
    EXPECT_EQ(v5[1], "anon ");
    // PageAnon was tested before PageKsm: a KSM page prints "anon " too (fixed with the move
    // to "ksm flags:").
    s.mapping = mapping_kind::ksm;
    EXPECT_EQ(lines(format_dump_page(s, dump_era::v5_4, o))[1], "anon ");
    EXPECT_EQ(lines(format_dump_page(s, dump_era::v6_1, o))[1].substr(0, 11), "ksm flags: ");
    // A large folio in 4.19: " compound_mapcount: N" (with the space) ends line 1.
    folio_snapshot l{.pfn = 0x400, .order = 2, .refcount = 1};
    EXPECT_EQ(lines(format_dump_page(l, dump_era::v4_19))[0],
              "page:ffffea0000010000 count:1 mapcount:0 mapping:0000000000000000 index:0x0 "
              "compound_mapcount: 0");
}

TEST(FormatDumpPage, SameTextEveryRunNoReasonOnRequest)
{
    const full_folio f = blockdev_folio();
    for (dump_era e : dump_eras) {
        EXPECT_EQ(format_dump_page(f, e), format_dump_page(f, e)) << dump_era_name(e);
        dump_page_options o;
        o.reason = {};
        EXPECT_EQ(format_dump_page(f, e, o).find("page dumped because:"), std::string::npos);
    }
}

TEST(FormatDumpPage, ExplainOfTheDumpAgreesWithExplainOfTheFolio)
{
    // The block-device folio under every rule set: 6.16 footing, page cache 1 + PG_private 1 =
    // 2 expected, 1 unexpected (migration's isolation reference, counted as the caller's).
    const full_folio f = blockdev_folio();
    dump_page_options o;
    o.reason = "migration failure";
    const auto parsed = parse_dmesg(format_dump_page(f, dump_era::v6_12, o));
    ASSERT_TRUE(parsed.errors.empty());
    ASSERT_EQ(parsed.dumps.size(), 1u);
    const dump_explanation from_text = explain(parsed.dumps.front());
    const folio_explanation from_folio = explain(f, 1);
    ASSERT_EQ(from_text.rules.size(), from_folio.rules.size());
    for (std::size_t i = 0; i < from_text.rules.size(); ++i) {
        EXPECT_EQ(from_text.rules[i].expected, 2) << from_text.rules[i].rule;
        EXPECT_EQ(from_text.rules[i].expected, from_folio.rules[i].expected);
        EXPECT_EQ(from_text.rules[i].unexpected, 0); // the "migration failure" caller's reference
        EXPECT_EQ(from_text.rules[i].unexpected, from_folio.rules[i].unexpected);
    }
}

} // namespace
