// foliorc/detail/dump_derive.hpp — from what a dump printed to the folio the rules read
// (page_dump::folio). Every value has a reason in the text; where the text has none the value
// stays unknown and `missing` says what is not printed. Kernel-facts.md 8 for the formats.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <foliorc/detail/dump_text.hpp>
#include <foliorc/detail/dump_types.hpp>

namespace foliorc::inline FOLIORC_ABI::detail::dump {

// The word indexes of mapping and of the counters in a raw: row. Since 4.18 (the struct page
// reorganisation) a 64-bit struct page is flags, lru.next (compound_head), lru.prev, mapping,
// index, private, _mapcount|_refcount, memcg; before it, flags, mapping, index,
// _mapcount|_refcount, ... On 32-bit the two counters are words of their own.
struct raw_layout {
    std::size_t mapping;
    std::size_t mapcount, refcount; // on 64-bit both in word `mapcount`, halves per endianness
    bool big_endian = false;
    bool compound_head = false; // word 1 is compound_head (bit 0: a tail page)
};

inline std::optional<raw_layout> decode_layout(const page_dump& d)
{
    const auto& w = d.raw.page;
    const bool modern = d.era != dump_layout::count && d.era != dump_layout::page_flags;
    const bool b64 = d.raw.word_bits == 64;
    if (w.empty())
        return std::nullopt;
    const raw_layout a64{3, 6, 6, false, true}, a32{3, 6, 7, false, true};
    if (modern) // ~5.2 on: always the 4.18 layout; the counters row is the page's own
        return b64 ? a64 : a32;
    if (!d.refcount)
        return std::nullopt;
    // The count: era spans 4.18: pick the layout whose counters agree with what line 1 printed.
    auto agrees = [&](raw_layout l) {
        if (b64) {
            if (l.mapcount >= w.size())
                return false;
            const std::uint64_t x = w[l.mapcount];
            const auto hi = std::int32_t(std::uint32_t(x >> 32)),
                       lo = std::int32_t(std::uint32_t(x));
            const int ref = l.big_endian ? lo : hi, map = l.big_endian ? hi : lo;
            return ref == *d.refcount &&
                   (!d.page_mapcount || *d.page_mapcount == 0 || map + 1 == *d.page_mapcount);
        }
        if (l.refcount >= w.size())
            return false;
        const auto ref = std::int32_t(std::uint32_t(w[l.refcount])),
                   map = std::int32_t(std::uint32_t(w[l.mapcount]));
        return ref == *d.refcount &&
               (!d.page_mapcount || *d.page_mapcount == 0 || map + 1 == *d.page_mapcount);
    };
    const raw_layout cand[] = {
        b64 ? a64 : a32,
        b64 ? raw_layout{3, 6, 6, true, true} : a32,
        b64 ? raw_layout{1, 3, 3, false, false} : raw_layout{1, 3, 4, false, false},
        b64 ? raw_layout{1, 3, 3, true, false} : raw_layout{1, 3, 4, false, false},
    };
    for (const raw_layout& l : cand)
        if (agrees(l))
            return l;
    return std::nullopt;
}

// A printed mapping pointer whose tag bits mean something: before 4.15 %p printed raw pointers
// (a 64-bit kernel address has its upper half set; a 32-bit one has 8 digits); hashed values
// are 00000000xxxxxxxx and their low bits are noise.
inline bool mapping_raw(const page_dump& d, std::size_t digits) noexcept
{
    if (!d.mapping)
        return false;
    return *d.mapping == 0 || *d.mapping > 0xffffffffULL || digits == 8;
}

inline void derive(page_dump& d, std::size_t mapping_digits, bool body_seen)
{
    dump_folio& f = d.folio;
    d.mapping_raw = mapping_raw(d, mapping_digits);
    if (d.poisoned) {
        f.missing.emplace_back("everything: the struct page is uninitialized and poisoned");
        return;
    }
    if (d.folio_mismatch) {
        // The kernel says the page and its folio did not hold still while it dumped them: the
        // folio's order, counts and mapping are not a faithful snapshot, and the page may be a
        // tail whose own words (a label among them) overlay the folio's fields.
        f.missing.emplace_back(
            "everything the folio holds: the kernel printed 'page does not match folio'");
        return;
    }
    const auto layout = decode_layout(d);
    const bool b64 = d.raw.word_bits == 64;
    const auto word_at = [](const std::vector<std::uint64_t>& w,
                            std::size_t i) -> std::optional<std::uint64_t> {
        return i < w.size() ? std::optional<std::uint64_t>(w[i]) : std::nullopt;
    };

    // ---- the page type ----
    const auto& names = d.flags ? d.flags->names : std::vector<std::string>{};
    auto named = [&](const char* n) { return d.flags && d.flags->has(n); };
    if (!d.page_type_text.empty()) {
        const std::string_view t = d.page_type_text;
        const std::size_t lp = t.find('('), rp = t.rfind(')');
        const std::string_view name =
            lp != std::string_view::npos && rp != std::string_view::npos && rp > lp
                ? t.substr(lp + 1, rp - lp - 1)
                : std::string_view{};
        if (!name.empty()) {
            f.typed = true;
            f.type = parse_page_type(name);
            if (!f.type)
                f.missing.emplace_back("page type '" + std::string(name) +
                                       "' is not one foliorc models");
        }
    }
    if (!f.typed && named("slab")) { // PG_slab, before slab became a page type (6.7)
        f.typed = true;
        f.type = page_type::slab;
    }
    if (!f.typed && d.page_mapcount &&
        *d.page_mapcount == -128) { // PageBuddy: page_type 0xffffff7f
        f.typed = true;
        f.type = page_type::buddy;
    }
    const bool typed_other = f.typed && f.type != page_type::hugetlb;
    if (!f.typed)
        f.type = page_type::none;

    // ---- head or tail ----
    const bool compound_seen = named("head") || named("tail") || named("compound") ||
                               named("compound_head") || named("compound_tail") ||
                               d.compound_mapcount || !d.head_pointer.empty() || d.order ||
                               !d.raw.head.empty();
    if (named("tail") || named("compound_tail")) {
        f.tail = true;
    } else if (!d.head_pointer.empty() && !d.pointer.empty()) {
        f.tail = d.head_pointer != d.pointer; // 5.6 - 6.8 print both, hashed the same way
    } else if (layout && layout->compound_head && word_at(d.raw.page, 1) &&
               (*word_at(d.raw.page, 1) & 1)) {
        f.tail = true; // compound_head with bit 0
    } else if (d.era == dump_layout::folio && d.raw.page_complete && d.raw.head_complete &&
               !d.raw.page.empty() && d.raw.head.size() >= d.raw.page.size()) {
        f.tail = !std::equal(d.raw.page.begin(), d.raw.page.end(), d.raw.head.begin());
    } else if (named("head") || (layout && layout->compound_head && word_at(d.raw.page, 1))) {
        f.tail = false;
    } else if (body_seen && !compound_seen) {
        f.tail = false;
    }
    (void)names;

    // ---- order ----
    if (d.order) {
        f.order = d.order;
    } else if (f.tail == true) {
        f.missing.emplace_back(
            "folio order: a tail page, and this dump does not print the folio's order");
    } else if (body_seen && !compound_seen) {
        f.order = 0; // nothing says compound where a compound page would say so
    } else {
        f.missing.emplace_back(
            compound_seen
                ? "folio order: a compound page whose order this dump does not print"
                : "folio order: the dump stops before saying whether the page is compound");
    }

    // ---- the mapping word of the raw rows ----
    if (f.tail == true) {
        if (d.raw.head_complete && d.raw.head.size() > 3)
            f.mapping_word = d.raw.head[3]; // the head page's mapping
    } else if (layout && d.raw.page_complete) {
        f.mapping_word = word_at(d.raw.page, layout->mapping);
    }
    (void)b64;

    // ---- anon / ksm: the label, the raw mapping word, or the raw pointer ----
    f.label_believed = (d.label == "anon" || d.label == "ksm") && !typed_other && f.tail != true;
    if (typed_other) {
        f.anon = f.ksm = false; // slab and other typed pages overlay the mapping word
    } else if (f.mapping_word) {
        f.anon = (*f.mapping_word & 1) != 0;
        f.ksm = (*f.mapping_word & 3) == 3;
    } else if (f.tail == true) {
        // a tail page's own mapping and label say nothing about its folio
    } else if (f.label_believed) {
        f.anon = true;
        f.ksm = d.label == "ksm";
    } else if ((d.era == dump_layout::count || d.era == dump_layout::page_flags) && d.mapping_raw) {
        f.anon = (*d.mapping & 1) != 0;
        f.ksm = (*d.mapping & 3) == 3;
    } else if (d.era == dump_layout::refcount && d.mapping_raw && d.mapping && (*d.mapping & 1)) {
        f.anon =
            true; // 5.2 - 5.5 printed page->mapping raw; 5.6+ print page_mapping(), never tagged
        f.ksm = (*d.mapping & 3) == 3;
    } else if (d.era != dump_layout::count && d.era != dump_layout::page_flags &&
               (d.flags || !d.aops.empty())) {
        f.anon = f.ksm = false; // since ~5.2 an anon or KSM page says so before its flags
    }

    // ---- swap cache ----
    const bool flags_are_folios = d.era == dump_layout::head_line || d.era == dump_layout::folio;
    if (typed_other) {
        f.swapcache = false;
    } else if (d.aops == "swap_aops") {
        f.swapcache = true;
    } else if (d.flags && (f.tail != true || flags_are_folios)) {
        const bool sc =
            named("swapcache") || named("owner_priv_1") || d.flags->known.test(pg::owner_priv_1);
        f.swapcache = sc && (named("swapbacked") || d.flags->known.test(pg::swapbacked));
    }

    // ---- the folio's counts ----
    const bool counts_are_heads = d.era == dump_layout::head_on_line1 ||
                                  d.era == dump_layout::head_line || d.era == dump_layout::folio;
    if (f.tail == true && !counts_are_heads)
        f.missing.emplace_back("folio refcount: this era prints the tail page's own count");
    else
        f.refcount = d.refcount;
    if (d.head_mapcount) {
        f.mapcount = d.head_mapcount;
    } else if (d.entire_mapcount && d.nr_pages_mapped && *d.nr_pages_mapped == 0) {
        f.mapcount = d.entire_mapcount; // no page mapped by PTE: only entire mappings
    } else if (f.order == 0u && f.tail != true) {
        if (typed_other)
            f.mapcount = 0; // the mapcount field holds the page type
        else if (d.page_mapcount && *d.page_mapcount >= 0)
            f.mapcount = d.page_mapcount;
        else if (d.page_mapcount)
            f.missing.emplace_back("folio mapcount: the printed mapcount " +
                                   std::to_string(*d.page_mapcount) +
                                   " is not a count of mappings (a corrupted struct page)");
        else
            f.missing.emplace_back("folio mapcount: not printed");
    } else if (!f.order || *f.order > 0 || f.tail == true) {
        f.missing.emplace_back(
            "folio mapcount: this dump does not print the whole folio's mapcount");
    }
    f.pincount = d.pincount ? d.pincount : d.compound_pincount;
}

} // namespace foliorc::inline FOLIORC_ABI::detail::dump
