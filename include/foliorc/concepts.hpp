// foliorc/concepts.hpp — customization: the folio_like concept every algorithm is written
// against. Each requirement is its own named concept, so a compiler's diagnostic for a type
// that is not folio_like names the missing trait.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <string_view>

#include <foliorc/flags.hpp>
#include <foliorc/folio_traits.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc::inline FOLIORC_ABI {

template <class F>
concept has_folio_traits = requires
{
    sizeof(folio_traits<F>);
};

template <class F>
concept folio_traits_test_flag = requires(const F& f)
{
    {
        folio_traits<F>::test_flag(f, pg::lru)
        } -> std::convertible_to<bool>;
};
template <class F>
concept folio_traits_order = requires(const F& f)
{
    {
        folio_traits<F>::order(f)
        } -> std::convertible_to<unsigned>;
};
template <class F>
concept folio_traits_ref_count = requires(const F& f)
{
    {
        folio_traits<F>::ref_count(f)
        } -> std::convertible_to<int>;
};
template <class F>
concept folio_traits_mapcount = requires(const F& f)
{
    {
        folio_traits<F>::mapcount(f)
        } -> std::convertible_to<int>;
};
template <class F>
concept folio_traits_pincount = requires(const F& f)
{
    {
        folio_traits<F>::pincount(f)
        } -> std::convertible_to<int>;
};
template <class F>
concept folio_traits_mapping = requires(const F& f)
{
    {
        folio_traits<F>::mapping(f)
        } -> std::same_as<mapping_kind>;
};
template <class F>
concept folio_traits_type = requires(const F& f)
{
    {
        folio_traits<F>::type(f)
        } -> std::same_as<page_type>;
};
template <class F>
concept folio_traits_pfn = requires(const F& f)
{
    {
        folio_traits<F>::pfn(f)
        } -> std::convertible_to<std::uint64_t>;
};

// A page type: folio_traits<P> gives page_folio(p), the folio the page belongs to (the kernel's
// page_folio / compound_head). A page is not a folio: a type that declares page_folio is never
// folio_like, so a page passed where a folio is expected does not compile (the diagnostic names
// not_a_page_type), and a pofs of page pointers resolves each page's folio (collect.hpp).
template <class P>
concept declares_page_type = requires(P& p)
{
    folio_traits<P>::page_folio(p);
};
template <class F>
concept not_a_page_type = !declares_page_type<F>;

template <class F>
concept folio_like = has_folio_traits<F> && not_a_page_type<F> && folio_traits_test_flag<F> &&
    folio_traits_order<F> && folio_traits_ref_count<F> && folio_traits_mapcount<F> &&
    folio_traits_pincount<F> && folio_traits_mapping<F> && folio_traits_type<F> &&
    folio_traits_pfn<F>;

// The folio a page of type P belongs to.
template <class P>
requires declares_page_type<P>
using page_folio_t =
    std::remove_cvref_t<decltype(*folio_traits<P>::page_folio(std::declval<P&>()))>;

// A page type whose folio is folio_like and whose traits give the page's own pfn (page_to_pfn),
// which a pofs of pages dedupes by (a03db236aebf).
template <class P>
concept page_like = has_folio_traits<P> && declares_page_type<P> && folio_like<page_folio_t<P>> &&
    requires(P& p, const P& cp)
{
    {
        folio_traits<P>::page_folio(p)
        } -> std::convertible_to<const page_folio_t<P>*>;
    {
        folio_traits<P>::pfn(cp)
        } -> std::convertible_to<std::uint64_t>;
};

template <class F>
concept folio_traits_zone = requires(const F& f)
{
    {
        folio_traits<F>::zone(f)
        } -> std::same_as<zone_type>;
};
template <class F>
concept folio_traits_pageblock_mt = requires(const F& f)
{
    {
        folio_traits<F>::pageblock_mt(f)
        } -> std::same_as<migratetype>;
};

// ---- writes: mutable_folio_like (folio_traits.hpp) ----

// The mapping type a caller's folio is given: folio_traits<F>::mapping_type, else foliorc::mapping.
template <class F>
struct folio_mapping_type {
    using type = mapping;
};
template <class F>
requires requires
{
    typename folio_traits<F>::mapping_type;
}
struct folio_mapping_type<F> {
    using type = typename folio_traits<F>::mapping_type;
};
template <class F>
using folio_mapping_t = typename folio_mapping_type<F>::type;

template <class F>
concept folio_traits_ref_add = requires(F& f)
{
    folio_traits<F>::ref_add(f, 1);
};
template <class F>
concept folio_traits_mapcount_add = requires(F& f)
{
    folio_traits<F>::mapcount_add(f, 1);
};
template <class F>
concept folio_traits_pincount_add = requires(F& f)
{
    folio_traits<F>::pincount_add(f, 1);
};
template <class F>
concept folio_traits_set_flag = requires(F& f)
{
    folio_traits<F>::set_flag(f, pg::lru, true);
};
template <class F>
concept folio_traits_set_mapping_object = requires(F& f, const folio_mapping_t<F>* m)
{
    folio_traits<F>::set_mapping(f, mapping_kind::file, m);
};
template <class F>
concept folio_traits_set_mapping = folio_traits_set_mapping_object<F> || requires(F& f)
{
    folio_traits<F>::set_mapping(f, mapping_kind::file);
};

// Optional with the writes: the ledger hook, the filesystem of a page-cache folio, and
// HPG_migratable for hugetlb isolation.
template <class F>
concept folio_traits_record = requires(F& f, std::string_view op, holder_id who)
{
    folio_traits<F>::record(f, op, who, 1);
};
template <class F>
concept folio_traits_fs = requires(const F& f)
{
    {
        folio_traits<F>::fs(f)
        } -> std::convertible_to<const typename folio_mapping_t<F>::fs_type*>;
};
template <class F>
concept folio_traits_hugetlb_migratable = requires(F& f, const F& cf)
{
    {
        folio_traits<F>::hugetlb_migratable(cf)
        } -> std::convertible_to<bool>;
    folio_traits<F>::set_hugetlb_migratable(f, true);
};

// foliorc's own basic_folio is changed through its one checked primitive, apply() (folio.hpp),
// which keeps its ledger; the operations use that rather than its write traits.
template <class F>
inline constexpr bool writes_itself = false;

// A folio every operation can change: its traits give the five writes. Each write is its own
// concept, so a diagnostic names the missing one.
template <class F>
concept mutable_folio_like =
    folio_like<F> && folio_traits_ref_add<F> && folio_traits_mapcount_add<F> &&
    folio_traits_pincount_add<F> && folio_traits_set_flag<F> && folio_traits_set_mapping<F>;

} // namespace foliorc::inline FOLIORC_ABI
