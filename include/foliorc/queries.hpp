// foliorc/queries.hpp — customization: kernel-named read-only queries on any folio_like type,
// built only on folio_traits. Algorithms call these, never the traits directly.
//
// Each query is a function object (inline constexpr, niebloid-style), not a function template:
// a call `folio_mapcount(f)` inside foliorc finds the object by ordinary lookup, and no
// argument-dependent lookup happens, so a caller's own `folio_mapcount(const page&)` (the raw
// _mapcount, say) in the namespace of their folio type is never picked by the library. Callers
// use them exactly as functions: `foliorc::folio_mapcount(f)`.
#pragma once

#include <cstdint>

#include <foliorc/concepts.hpp>

namespace foliorc::inline FOLIORC_ABI {

// the bit as folio->flags has it
struct folio_test_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f, pg flag) const
    {
        return folio_traits<F>::test_flag(f, flag);
    }
};
inline constexpr folio_test_fn folio_test{};

struct folio_order_fn {
    template <folio_like F>
    [[nodiscard]] constexpr unsigned operator()(const F& f) const
    {
        return folio_traits<F>::order(f);
    }
};
inline constexpr folio_order_fn folio_order{};

struct folio_nr_pages_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return 1 << ::foliorc::folio_order(f);
    }
};
inline constexpr folio_nr_pages_fn folio_nr_pages{};

struct folio_test_large_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_order(f) > 0;
    }
};
inline constexpr folio_test_large_fn folio_test_large{};

struct folio_ref_count_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return folio_traits<F>::ref_count(f);
    }
};
inline constexpr folio_ref_count_fn folio_ref_count{};

// total mappings, >= 0 (not the raw _mapcount)
struct folio_mapcount_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return folio_traits<F>::mapcount(f);
    }
};
inline constexpr folio_mapcount_fn folio_mapcount{};

struct folio_pincount_fn {
    template <folio_like F>
    [[nodiscard]] constexpr int operator()(const F& f) const
    {
        return folio_traits<F>::pincount(f);
    }
};
inline constexpr folio_pincount_fn folio_pincount{};

struct folio_pfn_fn {
    template <folio_like F>
    [[nodiscard]] constexpr std::uint64_t operator()(const F& f) const
    {
        return folio_traits<F>::pfn(f);
    }
};
inline constexpr folio_pfn_fn folio_pfn{};

struct folio_page_type_fn {
    template <folio_like F>
    [[nodiscard]] constexpr page_type operator()(const F& f) const
    {
        return folio_traits<F>::type(f);
    }
};
inline constexpr folio_page_type_fn folio_page_type{};

// what folio->mapping itself points at
struct folio_raw_mapping_fn {
    template <folio_like F>
    [[nodiscard]] constexpr mapping_kind operator()(const F& f) const
    {
        return folio_traits<F>::mapping(f);
    }
};
inline constexpr folio_raw_mapping_fn folio_raw_mapping{};

struct folio_test_anon_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return is_anon_kind(::foliorc::folio_raw_mapping(f));
    }
};
inline constexpr folio_test_anon_fn folio_test_anon{};

struct folio_test_ksm_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_raw_mapping(f) == mapping_kind::ksm;
    }
};
inline constexpr folio_test_ksm_fn folio_test_ksm{};

struct folio_test_swapcache_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_test(f, pg::owner_priv_1) &&
               ::foliorc::folio_test(f, pg::swapbacked);
    }
};
inline constexpr folio_test_swapcache_fn folio_test_swapcache{};

struct folio_test_private_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_test(f, pg::private_);
    }
};
inline constexpr folio_test_private_fn folio_test_private{};

// PG_private_2 (PG_fscache) is a bit of its own, PF_ANY (page-flags.h)
struct folio_test_private_2_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_test(f, pg::private_2);
    }
};
inline constexpr folio_test_private_2_fn folio_test_private_2{};

struct folio_test_lru_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_test(f, pg::lru);
    }
};
inline constexpr folio_test_lru_fn folio_test_lru{};

struct folio_test_hugetlb_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_page_type(f) == page_type::hugetlb;
    }
};
inline constexpr folio_test_hugetlb_fn folio_test_hugetlb{};

struct folio_test_slab_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return ::foliorc::folio_page_type(f) == page_type::slab;
    }
};
inline constexpr folio_test_slab_fn folio_test_slab{};

struct page_has_type_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return is_typed(::foliorc::folio_page_type(f));
    }
};
inline constexpr page_has_type_fn page_has_type{};

struct folio_has_pincount_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return has_pincount(::foliorc::folio_order(f));
    }
};
inline constexpr folio_has_pincount_fn folio_has_pincount{};

// folio_may_be_lru_cached() (2da6de30e60d): a large folio never lingers in a per-CPU batch
struct folio_may_be_lru_cached_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        return !::foliorc::folio_test_large(f);
    }
};
inline constexpr folio_may_be_lru_cached_fn folio_may_be_lru_cached{};

// folio_mapping(): NULL for slab, the swap space for a swap-cache folio, NULL for a tagged
// pointer, else folio->mapping.
struct folio_mapping_fn {
    template <folio_like F>
    [[nodiscard]] constexpr mapping_kind operator()(const F& f) const
    {
        if (::foliorc::folio_test_slab(f))
            return mapping_kind::none;
        if (::foliorc::folio_test_swapcache(f))
            return mapping_kind::swap;
        const auto k = ::foliorc::folio_raw_mapping(f);
        return is_tagged_kind(k) ? mapping_kind::none : k;
    }
};
inline constexpr folio_mapping_fn folio_mapping{};

// Zone and pageblock migratetype, for display (print, dump_page, explain): a folio whose traits
// give no zone() / pageblock_mt() shows ZONE_NORMAL / MIGRATE_MOVABLE there. Decisions never
// read these defaults: folio_is_longterm_pinnable (collect.hpp) requires both traits and does not
// compile without them, since a made-up ZONE_NORMAL would call a ZONE_MOVABLE or CMA folio
// pinnable. folio_has_zone<F> says whether the value is the folio's own.
template <class F>
concept folio_has_zone = folio_traits_zone<F> && folio_traits_pageblock_mt<F>;

struct folio_zone_fn {
    template <folio_like F>
    [[nodiscard]] constexpr zone_type operator()(const F& f) const
    {
        if constexpr (folio_traits_zone<F>)
            return folio_traits<F>::zone(f);
        else
            return zone_type::normal;
    }
};
inline constexpr folio_zone_fn folio_zone{};

struct folio_pageblock_mt_fn {
    template <folio_like F>
    [[nodiscard]] constexpr migratetype operator()(const F& f) const
    {
        if constexpr (folio_traits_pageblock_mt<F>)
            return folio_traits<F>::pageblock_mt(f);
        else
            return migratetype::movable;
    }
};
inline constexpr folio_pageblock_mt_fn folio_pageblock_mt{};

} // namespace foliorc::inline FOLIORC_ABI
