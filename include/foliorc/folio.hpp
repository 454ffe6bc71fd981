// foliorc/folio.hpp — state: basic_folio, its one validated mutation primitive (apply), and the
// kernel-named operations built on it. Every operation either commits a state that keeps all
// invariants (refcount = ledger sum, structural holders match flags and mapping, ...) or throws
// folio_error and leaves the folio exactly as it was.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <foliorc/error.hpp>
#include <foliorc/flags.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc {

// GUP_PIN_COUNTING_BIAS (include/linux/mm.h): what one FOLL_PIN adds to a folio without a
// separate _pincount.
inline constexpr int gup_pin_counting_bias = 1024;

// folio_has_pincount(): every large folio on 64-bit (docs/kernel.md ("Pins")).
constexpr bool has_pincount(unsigned order) noexcept { return order > 0; }

namespace detail {
// Refcount storage: plain int (constexpr) or std::atomic<int> for concurrent callers.
template <class Rep>
struct ref_rep;
template <>
struct ref_rep<int> {
    static constexpr int load(const int& r) noexcept { return r; }
    static constexpr void add(int& r, int n) noexcept { r += n; }
};
template <>
struct ref_rep<std::atomic<int>> {
    static int load(const std::atomic<int>& r) noexcept { return r.load(std::memory_order_acquire); }
    static void add(std::atomic<int>& r, int n) noexcept { r.fetch_add(n, std::memory_order_acq_rel); }
};
} // namespace detail

template <class Rep>
concept refcount_rep = requires(Rep& r, const Rep& c) {
    { detail::ref_rep<Rep>::load(c) } -> std::same_as<int>;
    detail::ref_rep<Rep>::add(r, 1);
};

// A change to a folio, described before it is made: reference deltas per holder, mapcount and
// pincount deltas, flags to set and clear, and optionally a new folio->mapping.
template <class Mapping>
struct folio_change {
    struct ref_delta {
        holder_id who{};
        int n = 0;
    };
    std::string_view op{}; // kernel function the change models, for messages and traces
    std::array<ref_delta, 2> refs{};
    std::uint8_t nrefs = 0;
    int mapcount = 0;
    int pincount = 0;
    flag_set set{};
    flag_set clear{};
    bool remap = false;
    const Mapping* mapping = nullptr;
    mapping_kind kind = mapping_kind::none; // of *mapping, when remap
    std::int8_t hugetlb_migratable = -1;     // -1 unchanged, 0 clear, 1 set (HPG_migratable)

    // Points folio->mapping at m (the kind is read from the reference, never by testing a
    // pointer, so that this stays a constant expression under sanitizers).
    constexpr folio_change& remap_to(const Mapping& m) noexcept
    {
        remap = true;
        mapping = &m;
        kind = m.kind;
        return *this;
    }
    constexpr folio_change& unmap_mapping() noexcept
    {
        remap = true;
        mapping = nullptr;
        kind = mapping_kind::none;
        return *this;
    }

    // At most refs.size() holders per change; one more is a programming error in the library.
    constexpr folio_change& ref(holder_id who, int n) noexcept
    {
        if (nrefs == refs.size())
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

template <refcount_rep RefRep = int, class Mapping = mapping, class Ledger = no_ledger>
class basic_folio {
public:
    using refcount_type = RefRep;
    using mapping_type = Mapping;
    using ledger_type = Ledger;
    using change = folio_change<Mapping>;
    using state = folio_state<Mapping>;

    // What an allocator hands out. Only pfn, order, type, zone, migratetype and flags that carry
    // no reference are taken from `s`; the folio starts with refcount 1, held by the caller, as
    // folio_alloc() returns it.
    constexpr explicit basic_folio(const state& s) : basic_folio(s, Ledger{}) {}

    // The same, starting from a given (empty) ledger: a ledger that observes commits (see
    // commit()) is given its observer here, so that it sees the allocation too.
    constexpr basic_folio(const state& s, Ledger ledger)
        : flags_(s.flags), type_(s.type), order_(static_cast<std::uint8_t>(s.order)),
          place_(pack_place(s.zone, s.mt, false)), refcount_(0), pfn_(checked_pfn(s.pfn)),
          ledger_(std::move(ledger))
    {
        if (s.order > max_order(s.type))
            detail::fail(errc::order_too_large, s.pfn,
                         "order " + std::to_string(s.order) + " is past the maximum " +
                             std::to_string(max_order(s.type)) + " for " +
                             std::string(page_type_name(s.type)) + " folios");
        if (s.mapping || s.mapcount || s.pincount || s.refcount != 1)
            detail::fail(errc::wrong_state, s.pfn,
                         "an allocated folio has no mapping, mapcount or pins and refcount 1; "
                         "use basic_folio::unchecked to model another state");
        change c{"folio_alloc"};
        c.ref(holder::caller, 1);
        c.hugetlb_migratable = s.type == page_type::hugetlb ? 1 : -1;
        validate(c); // flags that need a reference or conflict are refused here
        commit(c);
    }

    // Takes every field as given, with no check: for modelling impossible states on purpose.
    // With a ledger, structural holders are attributed from the state and the rest of the
    // refcount to holder::unattributed.
    static constexpr basic_folio unchecked(const state& s) { return basic_folio(unchecked_tag{}, s); }

    basic_folio(const basic_folio&) requires std::is_copy_constructible_v<RefRep> = default;
    basic_folio& operator=(const basic_folio&) requires std::is_copy_assignable_v<RefRep> = default;

    // Reads (what the hot loop reads is in the first 40 bytes).
    constexpr std::uint64_t pfn() const noexcept { return pfn_; }
    // pfns are kept in 32 bits (16 TiB of 4 KiB pages) so that a folio without a ledger is 32
    // bytes: the collection loop streams folios, and bytes per folio set its speed.
    static constexpr std::uint64_t max_pfn = 0xffffffffu;
    constexpr unsigned order() const noexcept { return order_; }
    constexpr int nr_pages() const noexcept { return 1 << order_; }
    constexpr flag_set flags() const noexcept { return flags_; }
    constexpr bool test(pg f) const noexcept { return flags_.test(f); }
    constexpr page_type type() const noexcept { return type_; }
    constexpr zone_type zone() const noexcept { return static_cast<zone_type>(place_ & 7); }
    constexpr migratetype mt() const noexcept { return static_cast<migratetype>((place_ >> 3) & 7); }
    constexpr int ref_count() const noexcept { return detail::ref_rep<RefRep>::load(refcount_); }
    constexpr int mapcount() const noexcept { return mapcount_; }
    constexpr int pincount() const noexcept { return pincount_; }
    constexpr const Mapping* mapping() const noexcept { return mapping_; }
    // HPG_migratable: a hugetlb folio that folio_isolate_hugetlb may take (cleared while
    // isolated). Always false for other folios.
    constexpr bool hugetlb_migratable() const noexcept { return (place_ >> 6) & 1; }
    constexpr mapping_kind mapping_kind_() const noexcept { return kind_; }
    constexpr bool anon() const noexcept { return is_anon_kind(mapping_kind_()); }
    constexpr const Ledger& ledger() const noexcept { return ledger_; }

    // The one mutation primitive: validates the state `c` would produce, then commits it.
    constexpr void apply(const change& c)
    {
        validate(c);
        commit(c);
    }

    // Throws folio_error if the current state breaks an invariant (an unchecked folio may).
    constexpr void check() const { validate(change{"check"}); }

    // Pageblock moves (isolation, CMA activation) carry no reference.
    constexpr void set_migratetype(migratetype m) noexcept { place_ = pack_place(zone(), m, hugetlb_migratable()); }
    constexpr void set_zone(zone_type z) noexcept { place_ = pack_place(z, mt(), hugetlb_migratable()); }

    constexpr bool same_state(const basic_folio& o) const
    {
        return pfn_ == o.pfn_ && order_ == o.order_ && flags_ == o.flags_ && type_ == o.type_ &&
               place_ == o.place_ && ref_count() == o.ref_count() &&
               mapcount_ == o.mapcount_ && pincount_ == o.pincount_ && kind_ == o.kind_ &&
               mapping_ == o.mapping_ &&
               ledger_ == o.ledger_;
    }

private:
    struct unchecked_tag {};
    constexpr basic_folio(unchecked_tag, const state& s)
        : flags_(s.flags), type_(s.type), order_(static_cast<std::uint8_t>(s.order)),
          place_(pack_place(s.zone, s.mt, s.type == page_type::hugetlb)),
          kind_(s.mapping ? s.mapping->kind : mapping_kind::none), refcount_(s.refcount),
          mapcount_(s.mapcount), pincount_(s.pincount), pfn_(checked_pfn(s.pfn)), mapping_(s.mapping)
    {
        if constexpr (Ledger::tracks) {
            const int n = nr_pages();
            const auto kind = mapping_kind_();
            std::array<std::pair<holder, int>, 6> structural{{
                {holder::page_cache, kind == mapping_kind::file ? n : 0},
                {holder::swap_cache, swapcache_bit(flags_) ? n : 0},
                {holder::private_, flags_.test(pg::private_) ? 1 : 0},
                {holder::private_2, flags_.test(pg::private_2) && kind == mapping_kind::file &&
                                            mapping_->fs.private_2_takes_ref ? 1 : 0},
                {holder::pte, mapcount_},
                {holder::foll_pin, has_pincount(order_) ? pincount_ : 0},
            }};
            int sum = 0;
            for (auto [h, c] : structural)
                sum += c;
            if (sum <= s.refcount) {
                for (auto [h, c] : structural)
                    ledger_.add(h, c);
                ledger_.add(holder::unattributed, s.refcount - sum);
            } else {
                ledger_.add(holder::unattributed, s.refcount);
            }
        }
    }

    // The folio as `c` would leave it: the values every check reads.
    struct after {
        flag_set flags;
        const Mapping* mapping;
        mapping_kind kind_;
        int refcount, mapcount, pincount;
        constexpr mapping_kind kind() const noexcept { return kind_; }
    };

    constexpr int held_after(const change& c, holder_id h, bool exact) const
    {
        int n = exact ? ledger_.held(h) : ledger_.held_kind(h.kind);
        for (std::uint8_t i = 0; i < c.nrefs; ++i)
            if (exact ? c.refs[i].who == h : c.refs[i].who.kind == h.kind)
                n += c.refs[i].n;
        return n;
    }

    [[noreturn]] void fail(const change& c, errc e, const std::string& rule) const
    {
        detail::fail(e, pfn_, c.op.empty() ? rule : std::string(c.op) + ": " + rule);
    }

    constexpr void validate(const change& c) const
    {
#if FOLIORC_CHECKS
        const after a{(flags_ - c.clear) | c.set, c.remap ? c.mapping : mapping_,
                      c.remap ? c.kind : kind_, ref_count() + c.ref_delta_total(), mapcount_ + c.mapcount,
                      pincount_ + c.pincount};
        const int n = nr_pages();
        const auto kind = a.kind();
        const bool anon_ = is_anon_kind(kind);

        if constexpr (Ledger::tracks) {
            for (std::uint8_t i = 0; i < c.nrefs; ++i) {
                const holder_id h = c.refs[i].who;
                const int had = Ledger::exact_batches ? ledger_.held(h) : ledger_.held_kind(h.kind);
                if (held_after(c, h, Ledger::exact_batches) < 0)
                    fail(c, errc::holder_holds_nothing,
                         "put of " + std::to_string(-c.refs[i].n) + " reference(s) by " + describe(h) +
                             ", which holds " + std::to_string(had));
            }
        }
        if (a.refcount < 0)
            fail(c, errc::refcount_underflow,
                 "refcount would go from " + std::to_string(ref_count()) + " to " +
                     std::to_string(a.refcount));
        if (a.mapcount < 0)
            fail(c, errc::wrong_state, "mapcount would go below zero");
        {
            const int mapping_refs = Ledger::tracks ? held_after(c, holder::pte, false) : a.refcount;
            if (a.mapcount > mapping_refs)
                fail(c, errc::mapcount_exceeds_refs,
                     "mapcount " + std::to_string(a.mapcount) + " is above the " +
                         std::to_string(mapping_refs) +
                         (Ledger::tracks ? " page-table references" : " references"));
        }
        if (is_typed(type_) && type_ != page_type::hugetlb &&
            ((kind != mapping_kind::none && kind != mapping_kind::movable_ops) || a.mapcount ||
             a.flags.test(pg::lru)))
            fail(c, errc::typed_page_state,
                 "a " + std::string(page_type_name(type_)) +
                     " page has no mapping, no mapcount and is never on an LRU list");
        if (type_ == page_type::hugetlb && a.flags.test(pg::lru))
            fail(c, errc::typed_page_state, "hugetlb folios are never on an LRU list");
        if (type_ != page_type::hugetlb && c.hugetlb_migratable == 1)
            fail(c, errc::wrong_state, "HPG_migratable on a folio that is not hugetlb");
        if (kind == mapping_kind::swap)
            fail(c, errc::bad_mapping,
                 "folio->mapping never points at the swap address space; use add_to_swap_cache");
        if (anon_ && a.flags.test(pg::owner_priv_1) && !a.flags.test(pg::swapbacked))
            fail(c, errc::swapcache_without_swapbacked,
                 "PG_swapcache (owner_priv_1) on an anon folio that is not swapbacked");
        if (kind == mapping_kind::file && a.flags.test(pg::swapbacked) && !a.mapping->fs.swapbacked)
            fail(c, errc::flags_conflict,
                 "PG_swapbacked on a page-cache folio of " + std::string(a.mapping->fs.name) +
                     ", which is not swap-backed");
        if (a.flags.test(pg::private_)) {
            if (anon_)
                fail(c, errc::private_on_anon, "PG_private on an anon folio");
            if (kind == mapping_kind::file && !a.mapping->fs.uses_private)
                fail(c, errc::private_not_used_by_fs,
                     "PG_private on a folio of " + std::string(a.mapping->fs.name) +
                         ", which attaches no private data");
        }
        if (a.flags.test(pg::private_2) && kind == mapping_kind::file &&
            !a.mapping->fs.uses_private_2)
            fail(c, errc::private_2_not_used_by_fs,
                 "PG_private_2 on a folio of " + std::string(a.mapping->fs.name) +
                     ", which never sets it");
        if (a.flags.test(pg::active) && a.flags.test(pg::unevictable))
            fail(c, errc::flags_conflict, "PG_active and PG_unevictable cannot coexist");
        if (a.pincount < 0)
            fail(c, errc::holder_holds_nothing, "unpin of a folio whose pincount is 0");
        if (a.pincount > 0 && !has_pincount(order_))
            fail(c, errc::pincount_state, "_pincount on an order-0 folio, which has none");
        if (a.pincount > a.refcount)
            fail(c, errc::pincount_state, "pincount above refcount");

        if constexpr (Ledger::tracks) {
            auto expect = [&](holder h, int want, std::string_view what) {
                const int got = held_after(c, h, false);
                if (got != want)
                    fail(c, errc::ledger_mismatch,
                         std::string(holder_name(h)) + " holds " + std::to_string(got) +
                             " reference(s) but " + std::string(what) + " implies " +
                             std::to_string(want));
            };
            expect(holder::page_cache, kind == mapping_kind::file ? n : 0, "the mapping");
            expect(holder::swap_cache, swapcache_bit(a.flags) ? n : 0, "PG_swapcache");
            expect(holder::private_, a.flags.test(pg::private_) ? 1 : 0, "PG_private");
            expect(holder::private_2,
                   a.flags.test(pg::private_2) && kind == mapping_kind::file &&
                           a.mapping->fs.private_2_takes_ref
                       ? 1
                       : 0,
                   "PG_private_2 and the filesystem");
            if (a.mapcount != held_after(c, holder::pte, false))
                expect(holder::pte, a.mapcount, "mapcount");
            const int pins = held_after(c, holder::foll_pin, false);
            if (has_pincount(order_) ? pins != a.pincount : pins % gup_pin_counting_bias != 0)
                fail(c, errc::ledger_mismatch,
                     "foll_pin holds " + std::to_string(pins) + " reference(s), which pincount " +
                         std::to_string(a.pincount) + " does not account for");
        }
#else
        (void)c;
#endif
    }

    constexpr void commit(const change& c) noexcept(!Ledger::exact_batches)
    {
        for (std::uint8_t i = 0; i < c.nrefs; ++i) // first: the only step that can throw (bad_alloc)
            ledger_.add(c.refs[i].who, c.refs[i].n);
        flags_ = (flags_ - c.clear) | c.set;
        if (c.remap) {
            mapping_ = c.mapping;
            kind_ = c.kind;
        }
        if (c.hugetlb_migratable >= 0)
            place_ = pack_place(zone(), mt(), c.hugetlb_migratable == 1);
        mapcount_ += c.mapcount;
        pincount_ += c.pincount;
        detail::ref_rep<RefRep>::add(refcount_, c.ref_delta_total());
        // A ledger may observe every committed change (the kernel model traces them).
        if constexpr (requires(const Ledger& l) { l.on_commit(c, *this); })
            ledger_.on_commit(c, *this);
    }

    static constexpr std::uint8_t pack_place(zone_type z, migratetype m, bool hugetlb_migratable) noexcept
    {
        return static_cast<std::uint8_t>(unsigned(z) | unsigned(m) << 3 | unsigned(hugetlb_migratable) << 6);
    }
    static constexpr std::uint32_t checked_pfn(std::uint64_t pfn)
    {
        if (pfn > max_pfn)
            detail::fail(errc::pfn_out_of_range, pfn, "pfns are modelled up to 0xffffffff");
        return static_cast<std::uint32_t>(pfn);
    }

    // The hot part, as in the first cache line of struct folio: 32 bytes in all.
    flag_set flags_;
    page_type type_;
    std::uint8_t order_;
    std::uint8_t place_;                      // zone (bits 0-2), migratetype (3-5), HPG_migratable (6)
    mapping_kind kind_ = mapping_kind::none;  // the kernel keeps this in the pointer's tag bits
    RefRep refcount_;
    int mapcount_ = 0;
    int pincount_ = 0;
    std::uint32_t pfn_;
    const Mapping* mapping_ = nullptr;
    [[no_unique_address]] Ledger ledger_{};
};

using folio = basic_folio<>;

namespace detail {
template <class T>
struct is_basic_folio : std::false_type {};
template <class R, class M, class L>
struct is_basic_folio<basic_folio<R, M, L>> : std::true_type {};
} // namespace detail

template <class F>
concept basic_folio_type = detail::is_basic_folio<std::remove_cvref_t<F>>::value;

// ---- Kernel-named operations. Each builds one change; apply() checks and commits it. ----

template <basic_folio_type F>
constexpr void folio_ref_add(F& f, holder_id who, int n)
{
    typename F::change c{"folio_ref_add"};
    f.apply(c.ref(who, n));
}
template <basic_folio_type F>
constexpr void folio_ref_sub(F& f, holder_id who, int n)
{
    typename F::change c{"folio_ref_sub"};
    f.apply(c.ref(who, -n));
}
template <basic_folio_type F>
constexpr void folio_get(F& f, holder_id who = holder::caller, std::string_view op = "folio_get")
{
    typename F::change c{op};
    f.apply(c.ref(who, 1));
}
template <basic_folio_type F>
constexpr void folio_put(F& f, holder_id who = holder::caller, std::string_view op = "folio_put")
{
    typename F::change c{op};
    f.apply(c.ref(who, -1));
}

// Flags that carry a reference have their own operations; these two refuse them.
namespace detail {
template <basic_folio_type F>
constexpr void refuse_referenced_flag(const F& f, pg flag, std::string_view use)
{
    if (flag == pg::private_ || flag == pg::private_2 ||
        (flag == pg::owner_priv_1 && f.test(pg::swapbacked)))
        fail(errc::wrong_state, f.pfn(),
             "PG_" + std::string(pg_name(flag)) + " here carries a reference: use " + std::string(use));
}
} // namespace detail

template <basic_folio_type F>
constexpr void folio_set_flag(F& f, pg flag)
{
    detail::refuse_referenced_flag(f, flag, "folio_attach_private, folio_start_private_2 or add_to_swap_cache");
    typename F::change c{"folio_set_flag"};
    c.set.set(flag);
    f.apply(c);
}
template <basic_folio_type F>
constexpr void folio_clear_flag(F& f, pg flag)
{
    detail::refuse_referenced_flag(f, flag,
                                   "folio_detach_private, folio_end_private_2 or delete_from_swap_cache");
    typename F::change c{"folio_clear_flag"};
    c.clear.set(flag);
    f.apply(c);
}

// filemap_add_folio: the page cache takes one reference per page; shmem folios are swapbacked.
template <basic_folio_type F>
constexpr void filemap_add_folio(F& f, const typename F::mapping_type& m)
{
    typename F::change c{"filemap_add_folio"};
    if (m.kind != mapping_kind::file)
        detail::fail(errc::bad_mapping, f.pfn(), "filemap_add_folio needs a file mapping");
    if (f.mapping_kind_() != mapping_kind::none)
        detail::fail(errc::wrong_state, f.pfn(), "filemap_add_folio: folio already has a mapping");
    c.remap_to(m);
    c.set.set(pg::swapbacked, m.fs.swapbacked);
    f.apply(c.ref(holder::page_cache, f.nr_pages()));
}

// filemap_remove_folio (after truncation unmapped it and released its private data).
template <basic_folio_type F>
constexpr void filemap_remove_folio(F& f)
{
    typename F::change c{"filemap_remove_folio"};
    if (f.mapping_kind_() != mapping_kind::file)
        detail::fail(errc::wrong_state, f.pfn(), "filemap_remove_folio: not in the page cache");
    if (f.mapcount() || f.test(pg::private_))
        detail::fail(errc::wrong_state, f.pfn(),
                     "filemap_remove_folio: unmap and folio_detach_private first");
    c.unmap_mapping();
    f.apply(c.ref(holder::page_cache, -f.nr_pages()));
}

// add_to_swap_cache: PG_swapcache plus one reference per page.
template <basic_folio_type F>
constexpr void add_to_swap_cache(F& f)
{
    typename F::change c{"add_to_swap_cache"};
    if (!f.test(pg::swapbacked))
        detail::fail(errc::swapcache_without_swapbacked, f.pfn(),
                     "add_to_swap_cache: folio is not swapbacked");
    if (swapcache_bit(f.flags()))
        detail::fail(errc::wrong_state, f.pfn(), "add_to_swap_cache: already in the swap cache");
    c.set.set(pg::swapcache);
    f.apply(c.ref(holder::swap_cache, f.nr_pages()));
}
template <basic_folio_type F>
constexpr void delete_from_swap_cache(F& f)
{
    typename F::change c{"delete_from_swap_cache"};
    if (!swapcache_bit(f.flags()))
        detail::fail(errc::wrong_state, f.pfn(), "delete_from_swap_cache: not in the swap cache");
    c.clear.set(pg::swapcache);
    f.apply(c.ref(holder::swap_cache, -f.nr_pages()));
}

// folio_attach_private / folio_detach_private: PG_private with its one reference.
template <basic_folio_type F>
constexpr void folio_attach_private(F& f)
{
    typename F::change c{"folio_attach_private"};
    if (f.test(pg::private_))
        detail::fail(errc::wrong_state, f.pfn(), "folio_attach_private: PG_private already set");
    c.set.set(pg::private_);
    f.apply(c.ref(holder::private_, 1));
}
template <basic_folio_type F>
constexpr void folio_detach_private(F& f)
{
    typename F::change c{"folio_detach_private"};
    if (!f.test(pg::private_))
        detail::fail(errc::wrong_state, f.pfn(), "folio_detach_private: PG_private not set");
    c.clear.set(pg::private_);
    f.apply(c.ref(holder::private_, -1));
}

// folio_start_private_2 / folio_end_private_2 (PG_fscache): the reference comes only on
// filesystems that pair the flag with one (ceph, nfs; not btrfs <= 6.12).
template <basic_folio_type F>
constexpr void folio_start_private_2(F& f)
{
    typename F::change c{"folio_start_private_2"};
    if (f.mapping_kind_() != mapping_kind::file)
        detail::fail(errc::bad_mapping, f.pfn(), "PG_private_2 is set only on page-cache folios");
    if (f.test(pg::private_2))
        detail::fail(errc::wrong_state, f.pfn(), "folio_start_private_2: already set");
    c.set.set(pg::private_2);
    if (f.mapping()->fs.private_2_takes_ref)
        c.ref(holder::private_2, 1);
    f.apply(c);
}
template <basic_folio_type F>
constexpr void folio_end_private_2(F& f)
{
    typename F::change c{"folio_end_private_2"};
    if (!f.test(pg::private_2))
        detail::fail(errc::wrong_state, f.pfn(), "folio_end_private_2: PG_private_2 not set");
    c.clear.set(pg::private_2);
    if (f.mapping_kind_() == mapping_kind::file && f.mapping()->fs.private_2_takes_ref)
        c.ref(holder::private_2, -1);
    f.apply(c);
}

// The rmap calls change mapcounts only; no refcount moves (mm/rmap.c). The reference a page
// table holds is the one the fault (or remove_migration_pte's folio_get) took: mapping a page
// re-attributes `from`'s reference to the PTE, and unmapping hands it to `to`, who drops it
// with its own folio_put (zap: the mmu_gather; try_to_migrate_one: right away).

// folio_add_new_anon_rmap: a new anon (or KSM) folio gets its mapping, PG_swapbacked,
// PG_anon_exclusive and its first page-table mappings.
template <basic_folio_type F>
constexpr void folio_add_new_anon_rmap(F& f, const typename F::mapping_type& m, int nr_ptes = 1,
                                       holder_id from = holder::caller)
{
    typename F::change c{"folio_add_new_anon_rmap"};
    if (!m.is_anon())
        detail::fail(errc::bad_mapping, f.pfn(), "folio_add_new_anon_rmap needs an anon mapping");
    if (f.mapping_kind_() != mapping_kind::none)
        detail::fail(errc::wrong_state, f.pfn(), "folio_add_new_anon_rmap: folio already has a mapping");
    c.remap_to(m);
    c.set = flag_set{pg::swapbacked, pg::anon_exclusive};
    c.mapcount = nr_ptes;
    f.apply(c.ref(from, -nr_ptes).ref(holder::pte, nr_ptes));
}

// folio_add_{file,anon}_rmap_ptes: nr_ptes more mappings, each taking over one of `from`'s
// references.
template <basic_folio_type F>
constexpr void folio_add_rmap_ptes(F& f, int nr_ptes = 1, std::string_view op = {},
                                   holder_id from = holder::caller)
{
    typename F::change c{!op.empty() ? op
                         : f.anon()  ? "folio_add_anon_rmap_ptes"
                                     : "folio_add_file_rmap_ptes"};
    if (f.mapping_kind_() == mapping_kind::none || f.mapping_kind_() == mapping_kind::movable_ops)
        detail::fail(errc::wrong_state, f.pfn(), "mapping a folio that is neither anon nor file");
    c.mapcount = nr_ptes;
    f.apply(c.ref(from, -nr_ptes).ref(holder::pte, nr_ptes));
}
// folio_remove_rmap_ptes: nr_ptes fewer mappings; their references pass to `to`.
template <basic_folio_type F>
constexpr void folio_remove_rmap_ptes(F& f, int nr_ptes = 1,
                                      std::string_view op = "folio_remove_rmap_ptes",
                                      holder_id to = holder::transient)
{
    typename F::change c{op};
    c.mapcount = -nr_ptes;
    f.apply(c.ref(holder::pte, -nr_ptes).ref(to, nr_ptes));
}

// __SetPageMovable / page_set_movable_ops: a driver-managed (zsmalloc, balloon) page.
template <basic_folio_type F>
constexpr void folio_set_movable_ops(F& f)
{
    typename F::change c{"__SetPageMovable"};
    if (f.mapping_kind_() != mapping_kind::none)
        detail::fail(errc::wrong_state, f.pfn(), "__SetPageMovable: folio already has a mapping");
    f.apply(c.remap_to(movable_ops_mapping_v<typename F::mapping_type::fs_type>));
}

} // namespace foliorc
