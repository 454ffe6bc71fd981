// foliorc/detail/dump_types.hpp — the value types foliorc/dump.hpp returns. Included by that
// header; documented there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <foliorc/flags.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc::inline FOLIORC_ABI {

// A line the parser could not read. Errors lose the dump (or the tracepoint line) they belong
// to; warnings lose one line of a dump whose other lines still read.
struct parse_error {
    std::size_t line = 0;   // 1-based physical line
    std::size_t column = 0; // 1-based
    std::string message;
};

// The flags line: the names the kernel printed, resolved where foliorc knows the name.
struct dump_flags {
    std::optional<std::uint64_t> word; // the hex word before the names
    std::vector<std::string> names;    // every name printed, in order ("node=0" etc. excluded)
    flag_set known{};
    std::vector<std::string>
        unknown; // names foliorc does not model ("slab", "tail", "hwpoison", ...)
    std::optional<unsigned> node, zone;
    std::string type_prefix; // "anon", "ksm" (5.6+), "page" (<= 3.17: "page flags:"), or ""

    bool has(std::string_view n) const noexcept
    {
        for (const auto& x : names)
            if (x == n)
                return true;
        return false;
    }
};

// Which dump_page() layout a dump was printed in (docs/kernel.md ("dump_page output")).
// g++ 12's -Wshadow says the scoped enumerator dump_layout::folio shadows foliorc::folio,
// though it can only be named as dump_layout::folio; clang does not. The name stays (the 6.9+
// layout is __dump_folio's), the warning is silenced for this enum only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
enum class dump_layout : std::uint8_t {
    page_flags,    // <= 3.17: "page flags:", pointers raw
    count,         // 3.18 - ~5.1: "count:"
    refcount,      // ~5.2 on, no compound information printed (an order-0 page, or abridged)
    head_on_line1, // 5.6 / 5.7: " head:<ptr> order:N compound_mapcount:N" on line 1
    head_line,     // 5.8 - 6.8: a "head:<ptr> order:N ..." line
    folio,         // 6.9+: "page: refcount:" without a pointer, "head: order:N mapcount:N ..."
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

[[nodiscard]] inline constexpr std::string_view dump_layout_name(dump_layout e) noexcept
{
    switch (e) {
    case dump_layout::page_flags: return "page_flags";
    case dump_layout::count: return "count";
    case dump_layout::refcount: return "refcount";
    case dump_layout::head_on_line1: return "head_on_line1";
    case dump_layout::head_line: return "head_line";
    case dump_layout::folio: return "folio";
    }
    return "?";
}

// The raw: and head: hex rows.
struct dump_raw_rows {
    std::vector<std::uint64_t> page, head;           // the words, in order
    unsigned word_bits = 0;                          // 32 or 64 (8 or 16 hex digits)
    bool page_complete = true, head_complete = true; // no row was unreadable (truncated, "...")
};

// What the dump says about the folio the rules read: derived from the printed values, never
// guessed. nullopt where the dump does not say; `missing` says why.
struct dump_folio {
    std::optional<bool> tail;      // the dumped page is a tail page of a large folio
    std::optional<unsigned> order; // the folio's order
    std::optional<int> refcount;   // the folio's refcount (the head's)
    std::optional<int> mapcount;   // folio_mapcount(): the head line's, or derived
    std::optional<int> pincount;   // _pincount of a large folio, where printed
    std::optional<bool> anon, ksm, swapcache;
    bool typed = false;            // page_has_type (slab, buddy, hugetlb, ...)
    std::optional<page_type> type; // nullopt when typed but the type is not one foliorc models
    bool label_believed = false;   // the "anon"/"ksm" label describes this folio
    std::optional<std::uint64_t> mapping_word; // the mapping word of the raw rows (the folio's)
    std::vector<std::string> missing;          // what the rules need and the dump does not say
};

struct page_dump {
    std::size_t line = 0; // physical line of "page:"
    std::string prefix;   // what stood before "page:" on that line, as printed
    dump_layout era = dump_layout::refcount;
    bool poisoned = false; // "page:<ptr> is uninitialized and poisoned": nothing else printed

    // ---- as printed, verbatim ----
    std::string pointer; // "page:<ptr>" ("" in 6.9+), e.g. "ffffea0004a7d2c0", "(____ptrval____)"
    std::optional<int> refcount;      // "count:" / "refcount:": the page's, or the head's (5.6+)
    std::optional<int> page_mapcount; // line 1 "mapcount:": negative values and type sentinels kept
    std::optional<std::uint64_t> mapping; // as printed: raw before 4.15, hashed after; 0 is NULL
    bool mapping_raw = false; // the printed mapping is a real pointer (tag bits mean something)
    std::optional<std::uint64_t> index, pfn;
    std::string head_pointer;      // "head:<ptr>" (5.6 - 6.8)
    std::optional<unsigned> order; // printed order
    std::optional<int> compound_mapcount, compound_pincount, subpages_mapcount;   // 4.5 - 6.1
    std::optional<int> head_mapcount, entire_mapcount, nr_pages_mapped, pincount; // 6.2+ head line
    std::string label; // "anon" or "ksm" as printed (own line, or flags prefix)
    std::optional<dump_flags> flags;
    bool cma = false;           // the flags line ends in " CMA" (5.6+: a CMA pageblock)
    std::string page_type_text; // after "page_type:"
    std::string aops;
    std::optional<std::uint64_t> ino;
    std::string dentry;
    std::optional<std::uint64_t> memcg;
    std::string reason;          // "page dumped because: ..."
    bool folio_mismatch = false; // "page does not match folio" just before line 1 (6.9+)
    dump_raw_rows raw;

    // ---- what the rules read ----
    dump_folio folio;
};

// A page_ref tracepoint line (docs/kernel.md ("dump_page output")): count is the refcount after the change.
struct page_ref_line {
    std::size_t line = 0;
    std::string event; // page_ref_mod, page_ref_mod_and_test, page_ref_set, ...
    std::optional<std::uint64_t> pfn;
    std::optional<dump_flags> flags;
    std::optional<int> count, mapcount; // mapcount as printed: the raw _mapcount
    std::optional<std::uint64_t> mapping;
    std::optional<int> mt, val, ret;
};

struct dump_parse_result {
    std::vector<page_dump> dumps;
    std::vector<page_ref_line> page_refs;
    std::vector<parse_error> errors;
    std::vector<parse_error> warnings;
};

} // namespace foliorc::inline FOLIORC_ABI
