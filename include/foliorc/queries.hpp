// foliorc/queries.hpp — customization: kernel-named read-only queries on any folio_like type,
// built only on folio_traits. Algorithms call these, never the traits directly.
#pragma once

#include <cstdint>

#include <foliorc/concepts.hpp>

namespace foliorc {

template <folio_like F>
constexpr bool folio_test(const F& f, pg flag)
{
    return folio_traits<F>::test_flag(f, flag);
}
template <folio_like F>
constexpr unsigned folio_order(const F& f)
{
    return folio_traits<F>::order(f);
}
template <folio_like F>
constexpr int folio_nr_pages(const F& f)
{
    return 1 << folio_order(f);
}
template <folio_like F>
constexpr bool folio_test_large(const F& f)
{
    return folio_order(f) > 0;
}
template <folio_like F>
constexpr int folio_ref_count(const F& f)
{
    return folio_traits<F>::ref_count(f);
}
template <folio_like F>
constexpr int folio_mapcount(const F& f)
{
    return folio_traits<F>::mapcount(f);
}
template <folio_like F>
constexpr int folio_pincount(const F& f)
{
    return folio_traits<F>::pincount(f);
}
template <folio_like F>
constexpr std::uint64_t folio_pfn(const F& f)
{
    return folio_traits<F>::pfn(f);
}
template <folio_like F>
constexpr page_type folio_page_type(const F& f)
{
    return folio_traits<F>::type(f);
}
// What folio->mapping itself points at.
template <folio_like F>
constexpr mapping_kind folio_raw_mapping(const F& f)
{
    return folio_traits<F>::mapping(f);
}
template <folio_like F>
constexpr bool folio_test_anon(const F& f)
{
    return is_anon_kind(folio_raw_mapping(f));
}
template <folio_like F>
constexpr bool folio_test_ksm(const F& f)
{
    return folio_raw_mapping(f) == mapping_kind::ksm;
}
template <folio_like F>
constexpr bool folio_test_swapcache(const F& f)
{
    return folio_test(f, pg::owner_priv_1) && folio_test(f, pg::swapbacked);
}
template <folio_like F>
constexpr bool folio_test_private(const F& f)
{
    return folio_test(f, pg::private_);
}
// PG_private_2 (PG_fscache) is a bit of its own, PF_ANY (page-flags.h).
template <folio_like F>
constexpr bool folio_test_private_2(const F& f)
{
    return folio_test(f, pg::private_2);
}
template <folio_like F>
constexpr bool folio_test_lru(const F& f)
{
    return folio_test(f, pg::lru);
}
template <folio_like F>
constexpr bool folio_test_hugetlb(const F& f)
{
    return folio_page_type(f) == page_type::hugetlb;
}
template <folio_like F>
constexpr bool folio_test_slab(const F& f)
{
    return folio_page_type(f) == page_type::slab;
}
template <folio_like F>
constexpr bool page_has_type(const F& f)
{
    return is_typed(folio_page_type(f));
}
template <folio_like F>
constexpr bool folio_has_pincount(const F& f)
{
    return has_pincount(folio_order(f));
}

// folio_may_be_lru_cached() (2da6de30e60d): a large folio never lingers in a per-CPU batch.
template <folio_like F>
constexpr bool folio_may_be_lru_cached(const F& f)
{
    return !folio_test_large(f);
}

// folio_mapping(): NULL for slab, the swap space for a swap-cache folio, NULL for a tagged
// pointer, else folio->mapping.
template <folio_like F>
constexpr mapping_kind folio_mapping(const F& f)
{
    if (folio_test_slab(f))
        return mapping_kind::none;
    if (folio_test_swapcache(f))
        return mapping_kind::swap;
    const auto k = folio_raw_mapping(f);
    return is_tagged_kind(k) ? mapping_kind::none : k;
}

template <folio_like F>
constexpr zone_type folio_zone(const F& f)
{
    if constexpr (folio_traits_zone<F>)
        return folio_traits<F>::zone(f);
    else
        return zone_type::normal;
}
template <folio_like F>
constexpr migratetype folio_pageblock_mt(const F& f)
{
    if constexpr (folio_traits_pageblock_mt<F>)
        return folio_traits<F>::pageblock_mt(f);
    else
        return migratetype::movable;
}

} // namespace foliorc
