// foliorc/dump_format.hpp — tools: format_dump_page(folio, era), the text the kernel's
// dump_page() prints for this folio's head page, for each era dump.hpp reads. It is the inverse of
// parse_dmesg() for what each era's text says, so it also writes well-formed fuzz seeds.
//
// Each era mirrors one kernel function (docs/kernel.md ("dump_page output")):
//   dump_era::v4_19  mm/debug.c __dump_page() of 4.19: "page:%px count:%d mapcount:%d mapping:%px
//                    index:%#lx[ compound_mapcount: %d]", "flags: %#lx(%pGp)", raw: rows,
//                    "page dumped because:", "page->mem_cgroup:%px" (about 3.18 - 5.1)
//   dump_era::v5_4   the same after 1c6fb1d89e73 ("print more information about mapping") and
//                    the count: -> refcount: rename: an "anon " / "ksm " / "<aops> " line of its
//                    own (PageAnon tested first, so KSM pages print "anon "); about 5.2 - 5.4
//   dump_era::v5_7   __dump_page() after Matthew Wilcox's rework of Feb 2020 (linux-mm, in the
//                    dump_page thread of docs/kernel.md ("dump_page output") Ex7): "page:%px head:%px refcount:%d
//                    mapcount:%d mapping:%p index:%#lx order:%u compound_mapcount: %d" on line 1
//                    of a compound page, head or tail, page->mapping hashed (as Ex7 shows for an
//                    order-0 anon page), "%sflags: %#lx(%pGp)%s" with the "anon " /
//                    "ksm " prefix and " CMA", raw: and head: rows; about 5.6 - 5.7. Its aops
//                    line ("<aops> name:\"<dentry>\"") is inferred, not read in a source.
//   dump_era::v6_1   6.1.192 __dump_page(): hashed "page:%p refcount:%d mapcount:%d mapping:%p
//                    index:%#lx pfn:%#lx", "head:%p order:%u compound_mapcount:%d
//                    compound_pincount:%d", memcg:, dump_mapping()'s "aops:", "anon flags: %pGp"
//                    with node=/zone=/lastcpupid= (5.14+), raw: rows; about 5.14 - 6.8
//   dump_era::v6_12  6.12.117 __dump_folio(): "page: refcount:%d mapcount:%d mapping:%p index:%#lx
//                    pfn:%#lx", "head: order:%u mapcount:%d entire_mapcount:%d
//                    nr_pages_mapped:%d pincount:%d", "aops:... dentry name(?):", "page_type:
//                    %x(%s)", raw: and head: rows; 6.9+
//
// What foliorc's folio does not hold is filled in so that the text stays well formed and the same
// every run: addresses are made up from the pfn (the vmemmap address of the page; %p hashes are a
// fixed function of it, not the kernel's siphash), index and inode come from dump_page_options,
// the x86-64 Debian layout puts node at bit 54, zone at 51 and lastcpupid (0x1fffff: none) at 30
// of the flags word. foliorc's folio does not say how a large folio's mappings spread over its
// pages: the head page is taken to carry ceil(mapcount / nr_pages) PTE mappings, none of them a
// PMD one (entire_mapcount 0), except hugetlb, which is mapped whole. 4.19 and 5.4 use 6.1's bit
// order and flag names (flag_layouts has none older), and 6.1's page_type bits for buddy,
// offline, table and guard pages.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <foliorc/concepts.hpp>
#include <foliorc/flags.hpp>
#include <foliorc/folio.hpp>
#include <foliorc/page_type.hpp>
#include <foliorc/queries.hpp>

namespace foliorc::inline FOLIORC_ABI {

enum class dump_era : std::uint8_t { v4_19, v5_4, v5_7, v6_1, v6_12 };

inline constexpr std::array<dump_era, 5> dump_eras{dump_era::v4_19, dump_era::v5_4, dump_era::v5_7,
                                                   dump_era::v6_1, dump_era::v6_12};

[[nodiscard]] constexpr std::string_view dump_era_name(dump_era e) noexcept
{
    switch (e) {
    case dump_era::v4_19: return "4.19";
    case dump_era::v5_4: return "5.4";
    case dump_era::v5_7: return "5.7";
    case dump_era::v6_1: return "6.1";
    case dump_era::v6_12: return "6.12";
    }
    return "?";
}

// The bit layout of folio->flags that an era's flags word and raw: rows use.
constexpr const flag_layout& dump_era_flag_layout(dump_era e) noexcept
{
    return e == dump_era::v6_12 ? flag_layouts::v6_12 : flag_layouts::v6_1;
}

struct dump_page_options {
    std::string_view reason = "dump_page"; // "page dumped because:"; empty: dump_page(page, NULL)
    std::uint64_t index = 0;               // folio->index
    unsigned node = 0;
    std::optional<std::uint64_t> memcg{}; // memcg_data: a memcg: / page->mem_cgroup: line
    std::string_view aops{};              // a_ops symbol of a page-cache folio; empty: from its fs
    std::uint64_t ino = 0x2a;
    std::string_view dentry{}; // empty: the mapping's name, or "file"; none for a
                               // block device (def_blk_aops: its inode has no dentry)
    // The bits of folio->flags above the page flags (section, node, zone, lastcpupid) as a
    // machine had them, for eras before 5.14, whose %pGp prints no node=/zone= fields; unset:
    // x86-64 Debian's layout from `node` and the folio's zone.
    std::optional<std::uint64_t> field_bits{};
};

namespace detail::dump_fmt {

inline void hex_digits(std::string& out, std::uint64_t v, int width)
{
    static constexpr char digits[] = "0123456789abcdef";
    char buf[16];
    int n = 0;
    do {
        buf[n++] = digits[v & 0xf];
        v >>= 4;
    } while (v && n < 16);
    for (int i = n; i < width; ++i)
        out += '0';
    while (n)
        out += buf[--n];
}
// %#lx / %#x: "0x" and the digits ("0x0" for zero, as the kernel's vsprintf prints it).
inline std::string hx(std::uint64_t v)
{
    std::string s = "0x";
    hex_digits(s, v, 1);
    return s;
}
// %016lx, as %px and print_hex_dump print.
inline std::string hx16(std::uint64_t v)
{
    std::string s;
    hex_digits(s, v, 16);
    return s;
}
// %x without prefix.
inline std::string hxn(std::uint64_t v)
{
    std::string s;
    hex_digits(s, v, 1);
    return s;
}

// A stand-in for %p's siphash: 32 bits, never zero, a fixed function of the address.
inline std::string hashed(std::uint64_t addr)
{
    if (addr == 0)
        return hx16(0); // NULL prints as zeros
    std::uint64_t z = addr + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    z &= 0xffffffffull;
    return hx16(z ? z : 1);
}

// x86-64 without KASLR: vmemmap at 0xffffea0000000000, 64 bytes per struct page.
constexpr std::uint64_t page_address(std::uint64_t pfn) noexcept
{
    return 0xffffea0000000000ull + pfn * 64;
}
inline constexpr std::uint64_t file_mapping_address = 0xffff888100a3c2d8ull;
inline constexpr std::uint64_t anon_vma_address = 0xffff888102b7e400ull;
inline constexpr std::uint64_t ksm_stable_node_address = 0xffff888104c91a00ull;
inline constexpr std::uint64_t movable_ops_address = 0xffffffff82e4b7c0ull;
inline constexpr std::uint64_t swap_space_address = 0xffff888103d05000ull; // swapper_spaces[0][n]
inline constexpr std::uint64_t buffer_head_address = 0xffff888105e62f70ull;
inline constexpr std::uint64_t list_poison1 = 0xdead000000000100ull;
inline constexpr std::uint64_t list_poison2 = 0xdead000000000122ull;
inline constexpr std::uint64_t no_cpupid = 0x1fffff;

// %pGp's names in the order of each era's pageflag_names[] (include/trace/events/mmflags.h),
// with the name the era printed.
struct flag_name {
    pg flag;
    std::string_view name;
};
inline constexpr std::array<flag_name, 28> names_6_1{{
    {pg::locked, "locked"},
    {pg::waiters, "waiters"},
    {pg::error, "error"},
    {pg::referenced, "referenced"},
    {pg::uptodate, "uptodate"},
    {pg::dirty, "dirty"},
    {pg::lru, "lru"},
    {pg::active, "active"},
    {pg::workingset, "workingset"},
    {pg::slab, "slab"},
    {pg::owner_priv_1, "owner_priv_1"},
    {pg::arch_1, "arch_1"},
    {pg::reserved, "reserved"},
    {pg::private_, "private"},
    {pg::private_2, "private_2"},
    {pg::writeback, "writeback"},
    {pg::head, "head"},
    {pg::owner_2, "mappedtodisk"},
    {pg::reclaim, "reclaim"},
    {pg::swapbacked, "swapbacked"},
    {pg::unevictable, "unevictable"},
    {pg::mlocked, "mlocked"},
    {pg::uncached, "uncached"},
    {pg::hwpoison, "hwpoison"},
    {pg::young, "young"},
    {pg::idle, "idle"},
    {pg::arch_2, "arch_2"},
    {pg::skip_kasan_poison, "skip_kasan_poison"},
}};
inline constexpr std::array<flag_name, 25> names_6_12{{
    {pg::locked, "locked"},
    {pg::waiters, "waiters"},
    {pg::referenced, "referenced"},
    {pg::uptodate, "uptodate"},
    {pg::dirty, "dirty"},
    {pg::lru, "lru"},
    {pg::active, "active"},
    {pg::workingset, "workingset"},
    {pg::owner_priv_1, "owner_priv_1"},
    {pg::owner_2, "owner_2"},
    {pg::arch_1, "arch_1"},
    {pg::reserved, "reserved"},
    {pg::private_, "private"},
    {pg::private_2, "private_2"},
    {pg::writeback, "writeback"},
    {pg::head, "head"},
    {pg::reclaim, "reclaim"},
    {pg::swapbacked, "swapbacked"},
    {pg::unevictable, "unevictable"},
    {pg::mlocked, "mlocked"},
    {pg::hwpoison, "hwpoison"},
    {pg::idle, "idle"},
    {pg::young, "young"},
    {pg::arch_2, "arch_2"},
    {pg::arch_3, "arch_3"},
}};

// Everything the text is made of, worked out once from the folio.
struct page_words {
    std::uint64_t pfn, page, flags_word, raw_mapping, printed_mapping, private_word;
    int refcount, page_mapcount, folio_mapcount, entire_mapcount, nr_pages_mapped, pincount;
    std::uint32_t mapcount_word; // the _mapcount / page_type slot as raw: shows it
    unsigned order;
    flag_set flags; // as the era has them (head, slab included)
    bool large, anon, ksm, swapcache, cma;
    mapping_kind kind;
    page_type type;
};

// The page types an era stores in page->page_type (the others are ordinary pages there).
constexpr bool era_has_type(dump_era e, page_type t) noexcept
{
    switch (t) {
    case page_type::none: return false;
    case page_type::buddy:
    case page_type::offline:
    case page_type::table:
    case page_type::guard: return true;
    case page_type::hugetlb:
    case page_type::slab:
    case page_type::zsmalloc:
    case page_type::unaccepted: return e == dump_era::v6_12;
    case page_type::large_kmalloc: return false;
    }
    return false;
}

// 6.1's page_type for buddy/offline/table/guard: -1 with the type's bit cleared.
constexpr std::uint32_t old_page_type(page_type t) noexcept
{
    switch (t) {
    case page_type::buddy: return ~0x80u;
    case page_type::offline: return ~0x100u;
    case page_type::table: return ~0x200u;
    case page_type::guard: return ~0x400u;
    default: return ~0u;
    }
}
// 6.12's PGTY_* values (page-flags.h), in the top byte.
constexpr std::uint32_t pgty(page_type t) noexcept
{
    switch (t) {
    case page_type::buddy: return 0xf0;
    case page_type::offline: return 0xf1;
    case page_type::table: return 0xf2;
    case page_type::guard: return 0xf3;
    case page_type::hugetlb: return 0xf4;
    case page_type::slab: return 0xf5;
    case page_type::zsmalloc: return 0xf6;
    case page_type::unaccepted: return 0xf7;
    default: return 0xff;
    }
}
// 6.12 mm/debug.c page_type_names[]: zsmalloc has no entry, so %s prints "(null)".
constexpr std::string_view type_name_6_12(page_type t) noexcept
{
    switch (t) {
    case page_type::zsmalloc: return "(null)";
    default: return page_type_name(t);
    }
}

template <folio_like F>
page_words words_of(const F& f, dump_era era, const dump_page_options& o)
{
    page_words w{};
    const flag_layout& layout = dump_era_flag_layout(era);
    w.pfn = foliorc::folio_pfn(f);
    w.page = page_address(w.pfn);
    w.order = foliorc::folio_order(f);
    w.large = w.order > 0;
    w.type = foliorc::folio_page_type(f);
    w.kind = foliorc::folio_raw_mapping(f);
    w.anon = foliorc::folio_test_anon(f);
    w.ksm = foliorc::folio_test_ksm(f);
    w.swapcache = foliorc::folio_test_swapcache(f);
    w.cma = foliorc::folio_pageblock_mt(f) == migratetype::cma;
    w.refcount = foliorc::folio_ref_count(f);
    w.folio_mapcount = foliorc::folio_mapcount(f);
    w.pincount = foliorc::folio_has_pincount(f) ? foliorc::folio_pincount(f) : 0;
    const int nr = foliorc::folio_nr_pages(f);
    const bool hugetlb = w.type == page_type::hugetlb;
    const int head_ptes = hugetlb || w.folio_mapcount <= 0 ? 0 : (w.folio_mapcount + nr - 1) / nr;
    w.entire_mapcount = hugetlb ? w.folio_mapcount : 0;
    w.nr_pages_mapped = hugetlb ? 0 : std::min(std::max(w.folio_mapcount, 0), nr);

    for (std::size_t i = 0; i < pg_count; ++i)
        if (foliorc::folio_test(f, static_cast<pg>(i)) && layout.bit(static_cast<pg>(i)))
            w.flags.set(static_cast<pg>(i));
    w.flags.set(pg::head, w.large); // PG_head on the head page of every compound page
    if (era != dump_era::v6_12)     // PG_slab: a page flag until slab became a page type
        w.flags.set(pg::slab, w.type == page_type::slab);
    const auto zone = static_cast<std::uint64_t>(foliorc::folio_zone(f));
    const bool fields_printed = era == dump_era::v6_1 || era == dump_era::v6_12;
    w.flags_word =
        layout.encode(w.flags) | (o.field_bits && !fields_printed
                                      ? *o.field_bits
                                      : std::uint64_t(o.node) << 54 | zone << 51 | no_cpupid << 30);

    // The page's mapcount as line 1 prints it, and the _mapcount slot as raw: shows it.
    const bool typed = era_has_type(era, w.type);
    if (era == dump_era::v6_12) {
        w.page_mapcount = typed ? 0 : head_ptes; // page_mapcount_is_type() ? 0 : _mapcount + 1
        w.mapcount_word = typed ? pgty(w.type) << 24 : static_cast<std::uint32_t>(head_ptes - 1);
    } else if (typed) {
        w.mapcount_word = old_page_type(w.type);
        w.page_mapcount = static_cast<std::int32_t>(w.mapcount_word) + 1;
    } else {
        // PageSlab ? 0 : page_mapcount(page), which adds the compound mapcount (hugetlb).
        w.page_mapcount = w.type == page_type::slab ? 0 : head_ptes + w.entire_mapcount;
        w.mapcount_word = static_cast<std::uint32_t>(head_ptes - 1);
    }

    // folio->mapping with its PAGE_MAPPING_* tag bits, and what 6.x prints: folio_mapping().
    switch (w.kind) {
    case mapping_kind::anon: w.raw_mapping = anon_vma_address | 1; break;
    case mapping_kind::ksm: w.raw_mapping = ksm_stable_node_address | 3; break;
    case mapping_kind::movable_ops: w.raw_mapping = movable_ops_address | 2; break;
    case mapping_kind::file: w.raw_mapping = file_mapping_address; break;
    default: w.raw_mapping = 0; break;
    }
    if (w.type == page_type::slab)
        w.printed_mapping = 0;
    else if (w.swapcache)
        w.printed_mapping = swap_space_address;
    else if (is_tagged_kind(w.kind))
        w.printed_mapping = 0;
    else
        w.printed_mapping = w.raw_mapping;
    w.private_word = foliorc::folio_test_private(f) ? buffer_head_address : 0;
    return w;
}

inline void line(std::string& out, std::string_view s)
{
    out += s;
    out += '\n';
}

// print_hex_dump(KERN_WARNING, prefix, DUMP_PREFIX_NONE, 32, 8, words, n * 8, false).
inline void hex_rows(std::string& out, std::string_view prefix, const std::uint64_t* words, int n)
{
    for (int i = 0; i < n; i += 4) {
        out += prefix;
        for (int j = i; j < i + 4 && j < n; ++j) {
            if (j > i)
                out += ' ';
            out += hx16(words[j]);
        }
        out += '\n';
    }
}

// %pGp: before 5.14 the names only; from 5.14 "0x<word>(names|node=N|zone=N|lastcpupid=0x..)".
inline std::string pgp(const page_words& w, dump_era era, const dump_page_options& o)
{
    std::string s;
    bool first = true;
    auto add = [&](std::string_view n) {
        if (!first)
            s += '|';
        s += n;
        first = false;
    };
    if (era == dump_era::v6_12) {
        for (const auto& n : names_6_12)
            if (w.flags.test(n.flag))
                add(n.name);
    } else {
        for (const auto& n : names_6_1)
            if (w.flags.test(n.flag))
                add(n.name);
    }
    if (era == dump_era::v4_19 || era == dump_era::v5_4 || era == dump_era::v5_7)
        return s;
    add("node=" + std::to_string(o.node));
    add("zone=" + std::to_string((w.flags_word >> 51) & 7));
    add("lastcpupid=" + hx(no_cpupid));
    return hx(w.flags_word) + "(" + s + ")";
}

// The a_ops symbol of a page-cache folio's filesystem.
inline std::string_view aops_of_fs(std::string_view fs, bool swapbacked) noexcept
{
    constexpr std::array<std::pair<std::string_view, std::string_view>, 9> table{{
        {"shmem", "shmem_aops"},
        {"ext4", "ext4_da_aops"},
        {"bdev", "def_blk_aops"},
        {"xfs", "xfs_address_space_operations"},
        {"ceph", "ceph_aops"},
        {"nfs", "nfs_file_aops"},
        {"btrfs", "btrfs_aops"},
        {"btrfs<=6.12", "btrfs_aops"},
        {"hugetlbfs", "hugetlbfs_aops"},
    }};
    for (const auto& [name, sym] : table)
        if (name == fs)
            return sym;
    return swapbacked ? "shmem_aops" : "ext4_da_aops";
}

template <folio_like F>
std::pair<std::string, std::string> aops_and_dentry(const F& f, const dump_page_options& o)
{
    std::string aops(o.aops), dentry(o.dentry);
    if constexpr (basic_folio_type<F>) {
        if (f.mapping() && f.mapping()->kind == mapping_kind::file) {
            if (aops.empty())
                aops = std::string(
                    aops_of_fs(std::string_view(f.mapping()->fs.name), f.test(pg::swapbacked)));
            if (dentry.empty())
                dentry = std::string(f.mapping()->name);
        }
    }
    if (aops.empty())
        aops = std::string(aops_of_fs({}, foliorc::folio_test(f, pg::swapbacked)));
    if (dentry.empty())
        dentry = "file";
    return {aops, dentry};
}

} // namespace detail::dump_fmt

// dump_page(&folio->page, reason) as `era`'s kernel prints it, one line per pr_warn, each ending
// in '\n' (no dmesg timestamps or log levels).
template <folio_like F>
[[nodiscard]] std::string format_dump_page(const F& f, dump_era era,
                                           const dump_page_options& o = {})
{
    namespace d = detail::dump_fmt;
    const d::page_words w = d::words_of(f, era, o);
    std::string out;
    const std::string idx = d::hx(o.index);
    const bool file_line = !w.anon && w.printed_mapping != 0; // dump_mapping()
    const auto [aops, dentry] = d::aops_and_dentry(f, o);

    // raw: struct page of the head: flags, lru.next, lru.prev, mapping, index, private,
    // _mapcount | _refcount << 32, memcg_data.
    const bool on_lru = w.flags.test(pg::lru);
    const std::array<std::uint64_t, 8> raw{
        w.flags_word,
        on_lru ? d::page_address(w.pfn + 0x40) + 8 : d::list_poison1,
        on_lru ? d::page_address(w.pfn - 0x40) + 8 : d::list_poison2,
        w.raw_mapping,
        o.index,
        w.private_word,
        std::uint64_t(std::uint32_t(w.refcount)) << 32 | w.mapcount_word,
        o.memcg.value_or(0),
    };

    switch (era) {
    case dump_era::v4_19:
    case dump_era::v5_4: {
        std::string l1 =
            "page:" + d::hx16(w.page) + (era == dump_era::v4_19 ? " count:" : " refcount:") +
            std::to_string(w.refcount) + " mapcount:" + std::to_string(w.page_mapcount) +
            " mapping:" + d::hx16(w.raw_mapping) + " index:" + idx;
        if (w.large)
            l1 += " compound_mapcount: " + std::to_string(w.entire_mapcount);
        d::line(out, l1);
        if (era == dump_era::v5_4) {
            if (w.anon) // PageAnon before PageKsm: a KSM page prints "anon " too
                d::line(out, "anon ");
            else if (w.raw_mapping && w.kind != mapping_kind::movable_ops) {
                d::line(out, (w.swapcache && w.kind != mapping_kind::file ? std::string("swap_aops")
                                                                          : aops) +
                                 " ");
                if (w.kind == mapping_kind::file && aops != "def_blk_aops")
                    d::line(out, "name:\"" + dentry + "\" ");
            }
        }
        d::line(out, "flags: " + d::hx(w.flags_word) + "(" + d::pgp(w, era, o) + ")");
        d::hex_rows(out, "raw: ", raw.data(), 8);
        if (!o.reason.empty())
            d::line(out, "page dumped because: " + std::string(o.reason));
        if (o.memcg)
            d::line(out, "page->mem_cgroup:" + d::hx16(*o.memcg));
        return out;
    }
    case dump_era::v5_7: {
        // page->mapping, hashed: the anon page of Ex7 prints a non-NULL mapping (the rework as
        // posted printed page_mapping() for order-0 pages; the dump shows otherwise).
        if (w.large)
            d::line(out, "page:" + d::hx16(w.page) + " head:" + d::hx16(w.page) +
                             " refcount:" + std::to_string(w.refcount) +
                             " mapcount:" + std::to_string(w.page_mapcount) +
                             " mapping:" + d::hashed(w.raw_mapping) + " index:" + idx +
                             " order:" + std::to_string(w.order) +
                             " compound_mapcount: " + std::to_string(w.entire_mapcount));
        else
            d::line(out, "page:" + d::hx16(w.page) + " refcount:" + std::to_string(w.refcount) +
                             " mapcount:" + std::to_string(w.page_mapcount) +
                             " mapping:" + d::hashed(w.raw_mapping) + " index:" + idx);
        if (file_line)
            d::line(out,
                    (w.printed_mapping == d::swap_space_address ? std::string("swap_aops") : aops) +
                        (w.kind == mapping_kind::file && aops != "def_blk_aops"
                             ? " name:\"" + dentry + "\""
                             : ""));
        d::line(out, std::string(w.ksm    ? "ksm "
                                 : w.anon ? "anon "
                                          : "") +
                         "flags: " + d::hx(w.flags_word) + "(" + d::pgp(w, era, o) + ")" +
                         (w.cma ? " CMA" : ""));
        d::hex_rows(out, "raw: ", raw.data(), 8);
        if (w.large) // the head page's struct page: this page
            d::hex_rows(out, "head: ", raw.data(), 8);
        if (!o.reason.empty())
            d::line(out, "page dumped because: " + std::string(o.reason));
        if (o.memcg)
            d::line(out, "page->mem_cgroup:" + d::hx16(*o.memcg));
        return out;
    }
    case dump_era::v6_1: {
        d::line(out, "page:" + d::hashed(w.page) + " refcount:" + std::to_string(w.refcount) +
                         " mapcount:" + std::to_string(w.page_mapcount) + " mapping:" +
                         d::hashed(w.printed_mapping) + " index:" + idx + " pfn:" + d::hx(w.pfn));
        if (w.large)
            d::line(out, "head:" + d::hashed(w.page) + " order:" + std::to_string(w.order) +
                             " compound_mapcount:" + std::to_string(w.entire_mapcount) +
                             " compound_pincount:" + std::to_string(w.pincount));
        if (o.memcg)
            d::line(out, "memcg:" + d::hxn(*o.memcg));
        if (file_line) {
            if (w.printed_mapping == d::swap_space_address) // swapper space: no host
                d::line(out, "aops:swap_aops");
            else
                d::line(out, "aops:" + aops + " ino:" + d::hxn(o.ino) +
                                 (aops == "def_blk_aops" ? "" : " dentry name:\"" + dentry + "\""));
        }
        d::line(out, std::string(w.ksm    ? "ksm "
                                 : w.anon ? "anon "
                                          : "") +
                         "flags: " + d::pgp(w, era, o) + (w.cma ? " CMA" : ""));
        d::hex_rows(out, "raw: ", raw.data(), 8);
        break;
    }
    case dump_era::v6_12: {
        d::line(out, "page: refcount:" + std::to_string(w.refcount) +
                         " mapcount:" + std::to_string(w.page_mapcount) + " mapping:" +
                         d::hashed(w.printed_mapping) + " index:" + idx + " pfn:" + d::hx(w.pfn));
        if (w.large)
            d::line(out, "head: order:" + std::to_string(w.order) +
                             " mapcount:" + std::to_string(w.folio_mapcount) +
                             " entire_mapcount:" + std::to_string(w.entire_mapcount) +
                             " nr_pages_mapped:" + std::to_string(w.nr_pages_mapped) +
                             " pincount:" + std::to_string(w.pincount));
        if (o.memcg)
            d::line(out, "memcg:" + d::hxn(*o.memcg));
        if (file_line) {
            if (w.printed_mapping == d::swap_space_address)
                d::line(out, "aops:swap_aops");
            else
                d::line(out,
                        "aops:" + aops + " ino:" + d::hxn(o.ino) +
                            (aops == "def_blk_aops" ? "" : " dentry name(?):\"" + dentry + "\""));
        }
        d::line(out, std::string(w.ksm    ? "ksm "
                                 : w.anon ? "anon "
                                          : "") +
                         "flags: " + d::pgp(w, era, o) + (w.cma ? " CMA" : ""));
        if (d::era_has_type(era, w.type))
            d::line(out, "page_type: " + d::hxn(d::pgty(w.type)) + "(" +
                             std::string(d::type_name_6_12(w.type)) + ")");
        d::hex_rows(out, "raw: ", raw.data(), 8);
        if (w.large) {
            // 2 * sizeof(struct page) from the folio: the head page, then page[1] as struct folio
            // lays it out: _flags_1 (the order in its low byte), _head_1 (compound_head | 1),
            // _large_mapcount | _entire_mapcount, _nr_pages_mapped | _pincount, _folio_nr_pages.
            const std::uint64_t tail_flags =
                (w.flags_word & ~((std::uint64_t{1} << 30) - 1)) | w.order;
            const std::array<std::uint64_t, 16> head{
                raw[0],
                raw[1],
                raw[2],
                raw[3],
                raw[4],
                raw[5],
                raw[6],
                raw[7],
                tail_flags,
                w.page | 1,
                std::uint64_t(std::uint32_t(w.entire_mapcount - 1)) << 32 |
                    std::uint32_t(w.folio_mapcount - 1),
                std::uint64_t(std::uint32_t(w.pincount)) << 32 | std::uint32_t(w.nr_pages_mapped),
                std::uint64_t(std::uint32_t(1) << w.order),
                0,
                0,
                0,
            };
            d::hex_rows(out, "head: ", head.data(), 16);
        }
        break;
    }
    }
    if (!o.reason.empty())
        d::line(out, "page dumped because: " + std::string(o.reason));
    return out;
}

} // namespace foliorc::inline FOLIORC_ABI
