// foliorc/rules.hpp — rules: constexpr expected_ref_count<Rules>(folio) under each kernel
// version's rules, the typed-page warning, and helpers that put the migrate-era and the 6.16+
// rule sets on one footing. A rule set is any type shaped like the ones below.
//
// Footing: the migrate-era sets (pre_6_0, migrate_6_0) include the caller's reference and no
// mapcount, because migration checked after unmap; the 6.16+ sets exclude the caller's reference
// and add folio_mapcount. expected_without_caller<R>() and migration_expected_refs<R>() convert.
//
// None of the kernel's own sets counts PG_private_2 after 6.0, on purpose (docs/kernel.md ("PG_private_2")):
// a PG_private_2 reference then reads as unexpected, so migration refuses the folio.
#pragma once

#include <concepts>
#include <cstdint>
#include <string_view>

#include <foliorc/detail/type_list.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/snapshot.hpp>

namespace foliorc::inline FOLIORC_ABI {

// What a rule set reports instead of a value when the kernel would WARN_ON_ONCE.
struct rule_warning {
    std::string_view rule_set;
    std::string_view condition; // the WARN_ON_ONCE condition as the kernel writes it
    std::uint64_t pfn = 0;
};

// Warning sinks: any callable taking const rule_warning&.
struct ignore_warnings {
    constexpr void operator()(const rule_warning&) const noexcept {}
};
struct warning_recorder {
    int count = 0;
    rule_warning last{};
    constexpr void operator()(const rule_warning& w) noexcept
    {
        ++count;
        last = w;
    }
};

template <class R>
concept rule_set = requires(const folio_snapshot& f, warning_recorder& w)
{
    {
        R::name
        } -> std::convertible_to<std::string_view>;
    {
        R::commit
        } -> std::convertible_to<std::string_view>;
    {
        R::kernels
        } -> std::convertible_to<std::string_view>;
    {
        R::summary
        } -> std::convertible_to<std::string_view>;
    {
        R::includes_caller_ref
        } -> std::convertible_to<bool>;
    {
        R::counts_mapcount
        } -> std::convertible_to<bool>;
    {
        R::expected(f, w)
        } -> std::same_as<int>;
};

namespace rules {

namespace detail {
// migrate.c's count, run after unmap with the caller's reference: 1 + (folio_mapping() ?
// nr_pages + private : 0), "private" being page_has_private (PG_private or PG_private_2)
// before 108ca8358139 and folio_test_private after it.
template <bool HasPrivateCountsPrivate2, folio_like F>
constexpr int expected_migrate_era(const F& f)
{
    if (folio_mapping(f) == mapping_kind::none)
        return 1;
    const bool priv =
        folio_test_private(f) || (HasPrivateCountsPrivate2 && folio_test_private_2(f));
    return 1 + folio_nr_pages(f) + (priv ? 1 : 0);
}
} // namespace detail

// mm/migrate.c expected_page_refs(), page era: 1 + (mapping ? nr + page_has_private : 0), where
// page_has_private is PG_private or PG_private_2 and mapping is folio_mapping().
struct pre_6_0 {
    static constexpr std::string_view name = "pre_6_0";
    static constexpr std::string_view commit = "before 108ca8358139";
    static constexpr std::string_view kernels = "<= 5.19";
    static constexpr std::string_view summary =
        "caller + (folio_mapping ? nr_pages + (PG_private || PG_private_2) : 0)";
    static constexpr bool includes_caller_ref = true;
    static constexpr bool counts_mapcount = false;
    template <folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&&)
    {
        return detail::expected_migrate_era<true>(f);
    }
};

// 108ca8358139 (6.0): folio_expected_refs(); "has private" narrowed to PG_private only.
struct migrate_6_0 {
    static constexpr std::string_view name = "migrate_6_0";
    static constexpr std::string_view commit = "108ca8358139";
    static constexpr std::string_view kernels = "6.0 - 6.15";
    static constexpr std::string_view summary =
        "caller + (folio_mapping ? nr_pages + PG_private : 0)";
    static constexpr bool includes_caller_ref = true;
    static constexpr bool counts_mapcount = false;
    template <folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&&)
    {
        return detail::expected_migrate_era<false>(f);
    }
};

// 86ebd50224c0 (6.16): folio_expected_ref_count(); slab guard; anon: swapcache << order;
// untagged non-anon: (mapping != NULL) << order + PG_private; plus mapcount.
struct v6_16 {
    static constexpr std::string_view name = "v6_16";
    static constexpr std::string_view commit = "86ebd50224c0";
    static constexpr std::string_view kernels = "6.16";
    static constexpr std::string_view summary = "slab: 0; anon: swapcache<<order; untagged: "
                                                "(mapping!=NULL)<<order + PG_private; + mapcount";
    static constexpr bool includes_caller_ref = false;
    static constexpr bool counts_mapcount = true;
    template <folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&& warn)
    {
        if (folio_test_slab(f)) {
            warn(rule_warning{name, "WARN_ON_ONCE(folio_test_slab(folio))", folio_pfn(f)});
            return 0;
        }
        const unsigned order = folio_order(f);
        const auto kind = folio_raw_mapping(f);
        int ref = 0;
        if (folio_test_anon(f))
            ref += (folio_test_swapcache(f) ? 1 : 0) << order;
        else if (!is_tagged_kind(kind))
            ref +=
                ((kind != mapping_kind::none ? 1 : 0) << order) + (folio_test_private(f) ? 1 : 0);
        return ref + folio_mapcount(f);
    }
};

namespace detail {
// The 6.17+ body: typed pages other than hugetlb refused; the swap-cache term for anon folios
// only (6.17) or for every folio (f183663901f2); non-anon: (mapping != NULL) << order +
// PG_private; plus mapcount.
inline constexpr std::string_view typed_guard =
    "WARN_ON_ONCE(page_has_type(&folio->page) && !folio_test_hugetlb(folio))";

// page_has_type() as 6.12+ have it: every page type.
struct typed_6_12 {
    template <folio_like F>
    static constexpr bool test(const F& f)
    {
        return page_has_type(f);
    }
};
// page_has_type() of 6.1 (include/linux/page-flags.h of 6.1.192): only buddy, offline, table
// and guard were page types; slab (PG_slab) and hugetlb were flags.
struct typed_6_1 {
    template <folio_like F>
    static constexpr bool test(const F& f)
    {
        const page_type t = folio_page_type(f);
        return t == page_type::buddy || t == page_type::offline || t == page_type::table ||
               t == page_type::guard;
    }
};

template <bool SwapCacheForAll, folio_like F, class Warn, class Typed = typed_6_12>
constexpr int expected_6_17_on(std::string_view set, const F& f, Warn&& warn, Typed = {})
{
    if (Typed::test(f) && !folio_test_hugetlb(f)) {
        warn(rule_warning{set, typed_guard, folio_pfn(f)});
        return 0;
    }
    const unsigned order = folio_order(f);
    const bool anon = folio_test_anon(f);
    int ref = (SwapCacheForAll || anon) && folio_test_swapcache(f) ? 1 << order : 0;
    if (!anon)
        ref += ((folio_raw_mapping(f) != mapping_kind::none ? 1 : 0) << order) +
               (folio_test_private(f) ? 1 : 0);
    return ref + folio_mapcount(f);
}
} // namespace detail

// "mm: simplify folio_expected_ref_count()" (6.17, movable_ops rework patch 25): typed pages
// other than hugetlb are refused; the PAGE_MAPPING_FLAGS test is dropped.
struct v6_17 {
    static constexpr std::string_view name = "v6_17";
    static constexpr std::string_view commit = "mm: simplify folio_expected_ref_count()";
    static constexpr std::string_view kernels = "6.17 - 6.18";
    static constexpr std::string_view summary =
        "typed (not hugetlb): 0; anon: swapcache<<order; else (mapping!=NULL)<<order + PG_private; "
        "+ mapcount";
    static constexpr bool includes_caller_ref = false;
    static constexpr bool counts_mapcount = true;
    template <folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&& warn)
    {
        return detail::expected_6_17_on<false>(name, f, warn);
    }
};

// f183663901f2 (6.19): the swap-cache term for every folio, so shmem in swap cache counts.
struct v6_19 {
    static constexpr std::string_view name = "v6_19";
    static constexpr std::string_view commit = "f183663901f2";
    static constexpr std::string_view kernels = ">= 6.19";
    static constexpr std::string_view summary =
        "typed (not hugetlb): 0; swapcache<<order; non-anon: (mapping!=NULL)<<order + PG_private; "
        "+ mapcount";
    static constexpr bool includes_caller_ref = false;
    static constexpr bool counts_mapcount = true;
    template <folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&& warn)
    {
        return detail::expected_6_17_on<true>(name, f, warn);
    }
};

using latest = v6_19;

// The stable 6.1.y backport of folio_expected_ref_count (taken with 98c6d259319e as its
// stable dependency, read in 6.1.192's include/linux/mm.h): v6_19's body, but 6.1's
// page_has_type() knows only buddy, offline, table and guard, so a slab folio is not refused.
struct v6_1_stable {
    static constexpr std::string_view name = "v6_1_stable";
    static constexpr std::string_view commit = "98c6d259319e stable-dep backport (6.1.y)";
    static constexpr std::string_view kernels = "6.1.y with the 2025 GUP series";
    static constexpr std::string_view summary =
        "as v6_19, with 6.1's page types (slab and hugetlb were flags, not types)";
    static constexpr bool includes_caller_ref = false;
    static constexpr bool counts_mapcount = true;
    template <folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&& warn)
    {
        return detail::expected_6_17_on<true>(name, f, warn, detail::typed_6_1{});
    }
};

} // namespace rules

template <class... Rs>
using rule_set_list = detail::type_list<Rs...>;

using kernel_rule_sets =
    rule_set_list<rules::pre_6_0, rules::migrate_6_0, rules::v6_16, rules::v6_17, rules::v6_19>;
// Rule sets that only stable kernels have.
using stable_rule_sets = rule_set_list<rules::v6_1_stable>;

// folio_expected_ref_count() under rule set R. Constexpr for any folio_like with constexpr traits.
// These are variable templates of function objects, called as `expected_ref_count<R>(f)`: no
// argument-dependent lookup, so a caller's own `expected_ref_count` or `folio_mapcount` beside
// their folio type never replaces the library's (see queries.hpp).
template <rule_set R>
struct expected_ref_count_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return R::expected(f, ignore_warnings{});
    }
    // Not [[nodiscard]]: a call made only to collect the warnings it reports is fine.
    template <folio_like F, class Warn>
    constexpr int operator()(const F& f, Warn&& warn) const
    {
        return R::expected(f, warn);
    }
};
template <rule_set R>
inline constexpr expected_ref_count_fn<R> expected_ref_count{};

// 6.16 footing: references that the folio's own state accounts for, mappings included, the
// caller's excluded.
template <rule_set R>
struct expected_without_caller_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return ::foliorc::expected_ref_count<R>(f) - (R::includes_caller_ref ? 1 : 0) +
               (R::counts_mapcount ? 0 : ::foliorc::folio_mapcount(f));
    }
};
template <rule_set R>
inline constexpr expected_without_caller_fn<R> expected_without_caller{};

// The refcount __migrate_folio accepts once the folio is unmapped and isolated: the migrate-era
// value as is; for 6.16+, folio_expected_ref_count of the unmapped folio + 1 (isolation).
template <rule_set R>
struct migration_expected_refs_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return ::foliorc::expected_ref_count<R>(f) -
               (R::counts_mapcount ? ::foliorc::folio_mapcount(f) : 0) +
               (R::includes_caller_ref ? 0 : 1);
    }
};
template <rule_set R>
inline constexpr migration_expected_refs_fn<R> migration_expected_refs{};

} // namespace foliorc::inline FOLIORC_ABI
