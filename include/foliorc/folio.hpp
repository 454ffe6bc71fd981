// foliorc/folio.hpp — state: basic_folio, foliorc's own folio, with its one validated mutation
// primitive (apply) and its folio_traits. apply() either commits a state that keeps all
// invariants (refcount = ledger sum, structural holders match flags and mapping, ...) or throws
// folio_error and leaves the folio exactly as it was. The kernel-named operations that build the
// changes are in folio_ops.hpp.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <foliorc/concepts.hpp>
#include <foliorc/error.hpp>
#include <foliorc/flags.hpp>
#include <foliorc/folio_change.hpp>
#include <foliorc/folio_traits.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc::inline FOLIORC_ABI {

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
    static int load(const std::atomic<int>& r) noexcept
    {
        return r.load(std::memory_order_acquire);
    }
    static void add(std::atomic<int>& r, int n) noexcept
    {
        r.fetch_add(n, std::memory_order_acq_rel);
    }
};
} // namespace detail

template <class Rep>
concept refcount_rep = requires(Rep& r, const Rep& c)
{
    {
        detail::ref_rep<Rep>::load(c)
        } -> std::same_as<int>;
    detail::ref_rep<Rep>::add(r, 1);
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
    static constexpr basic_folio unchecked(const state& s)
    {
        return basic_folio(unchecked_tag{}, s);
    }

    basic_folio(const basic_folio&) requires std::is_copy_constructible_v<RefRep>
    = default;
    basic_folio& operator=(const basic_folio&) requires std::is_copy_assignable_v<RefRep>
    = default;

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
    constexpr migratetype mt() const noexcept
    {
        return static_cast<migratetype>((place_ >> 3) & 7);
    }
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
    constexpr void set_migratetype(migratetype m) noexcept
    {
        place_ = pack_place(zone(), m, hugetlb_migratable());
    }
    constexpr void set_zone(zone_type z) noexcept
    {
        place_ = pack_place(z, mt(), hugetlb_migratable());
    }

    constexpr bool same_state(const basic_folio& o) const
    {
        return pfn_ == o.pfn_ && order_ == o.order_ && flags_ == o.flags_ && type_ == o.type_ &&
               place_ == o.place_ && ref_count() == o.ref_count() && mapcount_ == o.mapcount_ &&
               pincount_ == o.pincount_ && kind_ == o.kind_ && mapping_ == o.mapping_ &&
               ledger_ == o.ledger_;
    }

private:
    struct unchecked_tag {};
    constexpr basic_folio(unchecked_tag, const state& s)
        : flags_(s.flags), type_(s.type), order_(static_cast<std::uint8_t>(s.order)),
          place_(pack_place(s.zone, s.mt, s.type == page_type::hugetlb)),
          kind_(s.mapping ? s.mapping->kind : mapping_kind::none), refcount_(s.refcount),
          mapcount_(s.mapcount), pincount_(s.pincount), pfn_(checked_pfn(s.pfn)),
          mapping_(s.mapping)
    {
        if constexpr (Ledger::tracks) {
            const int n = nr_pages();
            const auto kind = mapping_kind_();
            std::array<std::pair<holder, int>, 6> structural{{
                {holder::page_cache, kind == mapping_kind::file ? n : 0},
                {holder::swap_cache, swapcache_bit(flags_) ? n : 0},
                {holder::private_, flags_.test(pg::private_) ? 1 : 0},
                {holder::private_2, flags_.test(pg::private_2) && kind == mapping_kind::file &&
                                            mapping_->fs.private_2_takes_ref
                                        ? 1
                                        : 0},
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

    // The folio's current values, as every check reads them.
    constexpr folio_values<typename Mapping::fs_type> values() const noexcept
    {
        const bool file = kind_ == mapping_kind::file; // then mapping_ is set: no pointer test
        return {pfn_, order_,      type_,     flags_,   kind_, file ? &mapping_->fs : nullptr,
                file, ref_count(), mapcount_, pincount_};
    }

    constexpr void validate(const change& c) const
    {
        detail::validate_change(values(), c, ledger_);
    }

    constexpr void commit(const change& c) noexcept(!Ledger::exact_batches)
    {
        for (std::uint8_t i = 0; i < c.nrefs;
             ++i) // first: the only step that can throw (bad_alloc)
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

    static constexpr std::uint8_t pack_place(zone_type z, migratetype m,
                                             bool hugetlb_migratable) noexcept
    {
        return static_cast<std::uint8_t>(unsigned(z) | unsigned(m) << 3 |
                                         unsigned(hugetlb_migratable) << 6);
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
    std::uint8_t place_; // zone (bits 0-2), migratetype (3-5), HPG_migratable (6)
    mapping_kind kind_ = mapping_kind::none; // the kernel keeps this in the pointer's tag bits
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
struct is_basic_folio : std::false_type {
};
template <class R, class M, class L>
struct is_basic_folio<basic_folio<R, M, L>> : std::true_type {
};
} // namespace detail

template <class F>
concept basic_folio_type = detail::is_basic_folio<std::remove_cvref_t<F>>::value;

template <class R, class M, class L>
inline constexpr bool writes_itself<basic_folio<R, M, L>> = true;

// basic_folio through the customization point, like any caller's type. The library's
// operations change a basic_folio through apply() with the holder they know (folio_ops.hpp); the
// write traits here exist for generic code that writes through traits, and they too are
// checked, attributing references to holder::caller.
template <class R, class M, class L>
struct folio_traits<basic_folio<R, M, L>> {
    using F = basic_folio<R, M, L>;
    using mapping_type = M;
    static constexpr bool test_flag(const F& f, pg flag) noexcept { return f.test(flag); }
    static constexpr unsigned order(const F& f) noexcept { return f.order(); }
    static constexpr int ref_count(const F& f) noexcept { return f.ref_count(); }
    static constexpr int mapcount(const F& f) noexcept { return f.mapcount(); }
    static constexpr int pincount(const F& f) noexcept { return f.pincount(); }
    static constexpr mapping_kind mapping(const F& f) noexcept { return f.mapping_kind_(); }
    static constexpr page_type type(const F& f) noexcept { return f.type(); }
    static constexpr std::uint64_t pfn(const F& f) noexcept { return f.pfn(); }
    static constexpr zone_type zone(const F& f) noexcept { return f.zone(); }
    static constexpr migratetype pageblock_mt(const F& f) noexcept { return f.mt(); }
    static constexpr const typename M::fs_type* fs(const F& f) noexcept
    {
        return f.mapping_kind_() == mapping_kind::file ? &f.mapping()->fs : nullptr;
    }
    static constexpr bool hugetlb_migratable(const F& f) noexcept { return f.hugetlb_migratable(); }
    static constexpr void set_hugetlb_migratable(F& f, bool on)
    {
        typename F::change c{"folio_traits::set_hugetlb_migratable"};
        c.hugetlb_migratable = on ? 1 : 0;
        f.apply(c);
    }

    static constexpr void ref_add(F& f, int n)
    {
        f.apply(typename F::change{"folio_traits::ref_add"}.ref(holder::caller, n));
    }
    static constexpr void mapcount_add(F& f, int n)
    {
        typename F::change c{"folio_traits::mapcount_add"};
        c.mapcount = n;
        f.apply(c);
    }
    static constexpr void pincount_add(F& f, int n)
    {
        typename F::change c{"folio_traits::pincount_add"};
        c.pincount = n;
        f.apply(c);
    }
    static constexpr void set_flag(F& f, pg flag, bool on)
    {
        typename F::change c{"folio_traits::set_flag"};
        (on ? c.set : c.clear).set(flag);
        f.apply(c);
    }
    static constexpr void set_mapping(F& f, mapping_kind, const M* m)
    {
        typename F::change c{"folio_traits::set_mapping"};
        f.apply(m ? c.remap_to(*m) : c.unmap_mapping());
    }
};

static_assert(mutable_folio_like<folio>, "basic_folio is a folio every operation can change");

} // namespace foliorc::inline FOLIORC_ABI
