// foliorc/folio_change.hpp — state: a change to a folio described before it is made, and the
// validation every folio type shares: the state a change would produce is checked against the
// kernel's invariants before anything is written (basic_folio in folio.hpp; a caller's
// mutable_folio_like type in folio_ops.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include <foliorc/error.hpp>
#include <foliorc/flags.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc::inline FOLIORC_ABI {

// Reference deltas per holder, mapcount and pincount deltas, flags to set and clear, and
// optionally a new folio->mapping. A set flag wins over a cleared one.
template <class Mapping>
struct folio_change {
    using mapping_type = Mapping;
    struct ref_delta {
        holder_id who{};
        int n = 0;
    };
    // Two holders at most: the library's operations move a reference from one holder to
    // another (rmap) or add or drop one holder's (the rest).
    static constexpr std::size_t max_refs = 2;

    std::string_view op{}; // kernel function the change models, for messages and traces
    std::array<ref_delta, max_refs> refs{};
    std::uint8_t nrefs = 0;
    int mapcount = 0;
    int pincount = 0;
    flag_set set{};
    flag_set clear{};
    bool remap = false;
    const Mapping* mapping = nullptr;
    mapping_kind kind = mapping_kind::none; // of *mapping, when remap
    // The filesystem of the new mapping, when remap to a file mapping: set from the reference
    // (fs_known), so that no check ever tests a pointer (which under sanitizers is not a
    // constant expression).
    const typename Mapping::fs_type* fs = nullptr;
    bool fs_known = false;
    std::int8_t hugetlb_migratable = -1; // -1 unchanged, 0 clear, 1 set (HPG_migratable)

    // Points folio->mapping at m (the kind is read from the reference, never by testing a
    // pointer, so that this stays a constant expression under sanitizers).
    constexpr folio_change& remap_to(const Mapping& m) noexcept
    {
        remap = true;
        mapping = &m;
        kind = m.kind;
        fs = &m.fs;
        fs_known = m.kind == mapping_kind::file;
        return *this;
    }
    constexpr folio_change& unmap_mapping() noexcept
    {
        remap = true;
        mapping = nullptr;
        kind = mapping_kind::none;
        fs = nullptr;
        fs_known = false;
        return *this;
    }

    // A third holder is a bug in the caller of ref(): refused, in a constant expression at
    // compile time, and at run time by terminating (never by writing past refs).
    constexpr folio_change& ref(holder_id who, int n) noexcept
    {
        if (nrefs == max_refs)
            std::terminate();
        refs[nrefs++] = {who, n};
        return *this;
    }
    constexpr int ref_delta_total() const noexcept
    {
        int t = 0;
        for (std::uint8_t i = 0; i < nrefs; ++i)
            t += refs[i].n;
        return t;
    }
};

// What a folio looks like, field by field: for unchecked construction (impossible states on
// purpose, parsed dumps) and for describing allocations.
template <class Mapping>
struct folio_state {
    std::uint64_t pfn = 0;
    unsigned order = 0;
    page_type type = page_type::none;
    zone_type zone = zone_type::normal;
    migratetype mt = migratetype::movable;
    flag_set flags{};
    const Mapping* mapping = nullptr;
    int refcount = 1;
    int mapcount = 0;
    int pincount = 0;
};

// The values every check reads, for any folio type. `fs` is the filesystem of a page-cache
// folio where it is known (fs_known: basic_folio always; a caller's type through
// folio_traits::fs); where it is not, the filesystem-specific checks are skipped.
template <class Fs>
struct folio_values {
    std::uint64_t pfn = 0;
    unsigned order = 0;
    page_type type = page_type::none;
    flag_set flags{};
    mapping_kind kind = mapping_kind::none;
    const Fs* fs = nullptr;
    bool fs_known = false;
    int refcount = 0;
    int mapcount = 0;
    int pincount = 0;
};

namespace detail {

template <class Mapping>
[[noreturn]] void refuse(const folio_change<Mapping>& c, std::uint64_t pfn, errc e,
                         const std::string& rule)
{
    fail(e, pfn, c.op.empty() ? rule : std::string(c.op) + ": " + rule);
}

// References `h` (exactly, or its kind) would hold after `c`.
template <class Ledger, class Mapping>
constexpr int held_after(const Ledger& ledger, const folio_change<Mapping>& c, holder_id h,
                         bool exact)
{
    int n = exact ? ledger.held(h) : ledger.held_kind(h.kind);
    for (std::uint8_t i = 0; i < c.nrefs; ++i)
        if (exact ? c.refs[i].who == h : c.refs[i].who.kind == h.kind)
            n += c.refs[i].n;
    return n;
}

// Throws folio_error, naming the rule, if the state `c` would leave `b` in breaks an invariant
// (FOLIORC_CHECKS=0: nothing is checked). With a ledger that tracks holders, the holders are
// checked as well: no holder may drop what it does not hold, and the structural holders must
// match the flags and mapping.
template <class Fs, class Mapping, class Ledger = no_ledger>
constexpr void validate_change(const folio_values<Fs>& b, const folio_change<Mapping>& c,
                               const Ledger& ledger = {})
{
#if FOLIORC_CHECKS
    const flag_set flags = (b.flags - c.clear) | c.set;
    const mapping_kind kind = c.remap ? c.kind : b.kind;
    const Fs* fs = c.remap ? c.fs : b.fs;
    const bool fs_known = c.remap ? c.fs_known : b.fs_known;
    const int refcount = b.refcount + c.ref_delta_total();
    const int mapcount = b.mapcount + c.mapcount;
    const int pincount = b.pincount + c.pincount;
    const int n = 1 << b.order;
    const bool anon = is_anon_kind(kind);
    auto fail_ = [&](errc e, const std::string& rule) { refuse(c, b.pfn, e, rule); };

    if constexpr (Ledger::tracks) {
        for (std::uint8_t i = 0; i < c.nrefs; ++i) {
            const holder_id h = c.refs[i].who;
            const int had = Ledger::exact_batches ? ledger.held(h) : ledger.held_kind(h.kind);
            if (held_after(ledger, c, h, Ledger::exact_batches) < 0)
                fail_(errc::holder_holds_nothing, "put of " + std::to_string(-c.refs[i].n) +
                                                      " reference(s) by " + describe(h) +
                                                      ", which holds " + std::to_string(had));
        }
    }
    if (refcount < 0)
        fail_(errc::refcount_underflow, "refcount would go from " + std::to_string(b.refcount) +
                                            " to " + std::to_string(refcount));
    if (mapcount < 0)
        fail_(errc::wrong_state, "mapcount would go below zero");
    {
        const int mapping_refs =
            Ledger::tracks ? held_after(ledger, c, holder::pte, false) : refcount;
        if (mapcount > mapping_refs)
            fail_(errc::mapcount_exceeds_refs,
                  "mapcount " + std::to_string(mapcount) + " is above the " +
                      std::to_string(mapping_refs) +
                      (Ledger::tracks ? " page-table references" : " references"));
    }
    if (is_typed(b.type) && b.type != page_type::hugetlb &&
        ((kind != mapping_kind::none && kind != mapping_kind::movable_ops) || mapcount ||
         flags.test(pg::lru)))
        fail_(errc::typed_page_state,
              "a " + std::string(page_type_name(b.type)) +
                  " page has no mapping, no mapcount and is never on an LRU list");
    if (b.type == page_type::hugetlb && flags.test(pg::lru))
        fail_(errc::typed_page_state, "hugetlb folios are never on an LRU list");
    if (b.type != page_type::hugetlb && c.hugetlb_migratable == 1)
        fail_(errc::wrong_state, "HPG_migratable on a folio that is not hugetlb");
    if (kind == mapping_kind::swap)
        fail_(errc::bad_mapping,
              "folio->mapping never points at the swap address space; use add_to_swap_cache");
    if (anon && flags.test(pg::owner_priv_1) && !flags.test(pg::swapbacked))
        fail_(errc::swapcache_without_swapbacked,
              "PG_swapcache (owner_priv_1) on an anon folio that is not swapbacked");
    const bool file = kind == mapping_kind::file;
    if (file && fs_known && flags.test(pg::swapbacked) && !fs->swapbacked)
        fail_(errc::flags_conflict, "PG_swapbacked on a page-cache folio of " +
                                        std::string(fs->name) + ", which is not swap-backed");
    if (flags.test(pg::private_)) {
        if (anon)
            fail_(errc::private_on_anon, "PG_private on an anon folio");
        if (file && fs_known && !fs->uses_private)
            fail_(errc::private_not_used_by_fs, "PG_private on a folio of " +
                                                    std::string(fs->name) +
                                                    ", which attaches no private data");
    }
    if (flags.test(pg::private_2) && file && fs_known && !fs->uses_private_2)
        fail_(errc::private_2_not_used_by_fs,
              "PG_private_2 on a folio of " + std::string(fs->name) + ", which never sets it");
    if (flags.test(pg::active) && flags.test(pg::unevictable))
        fail_(errc::flags_conflict, "PG_active and PG_unevictable cannot coexist");
    if (pincount < 0)
        fail_(errc::holder_holds_nothing, "unpin of a folio whose pincount is 0");
    if (pincount > 0 && !has_pincount(b.order))
        fail_(errc::pincount_state, "_pincount on an order-0 folio, which has none");
    if (pincount > refcount)
        fail_(errc::pincount_state, "pincount above refcount");

    if constexpr (Ledger::tracks) {
        auto expect = [&](holder h, int want, std::string_view what) {
            const int got = held_after(ledger, c, h, false);
            if (got != want)
                fail_(errc::ledger_mismatch, std::string(holder_name(h)) + " holds " +
                                                 std::to_string(got) + " reference(s) but " +
                                                 std::string(what) + " implies " +
                                                 std::to_string(want));
        };
        expect(holder::page_cache, file ? n : 0, "the mapping");
        expect(holder::swap_cache, swapcache_bit(flags) ? n : 0, "PG_swapcache");
        expect(holder::private_, flags.test(pg::private_) ? 1 : 0, "PG_private");
        expect(holder::private_2,
               flags.test(pg::private_2) && file && fs_known && fs->private_2_takes_ref ? 1 : 0,
               "PG_private_2 and the filesystem");
        if (mapcount != held_after(ledger, c, holder::pte, false))
            expect(holder::pte, mapcount, "mapcount");
        const int pins = held_after(ledger, c, holder::foll_pin, false);
        if (has_pincount(b.order) ? pins != pincount : pins % gup_pin_counting_bias != 0)
            fail_(errc::ledger_mismatch, "foll_pin holds " + std::to_string(pins) +
                                             " reference(s), which pincount " +
                                             std::to_string(pincount) + " does not account for");
    }
#else
    (void)b;
    (void)c;
    (void)ledger;
#endif
}

} // namespace detail

} // namespace foliorc::inline FOLIORC_ABI
