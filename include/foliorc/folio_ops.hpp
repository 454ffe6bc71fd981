// foliorc/folio_ops.hpp — operations: the kernel-named operations on any mutable_folio_like
// folio (foliorc's basic_folio or a caller's type with write traits, folio_traits.hpp): references
// (include/linux/mm.h), flags, page cache (mm/filemap.c), swap cache (mm/swap_state.c), private
// data (include/linux/pagemap.h), rmap (mm/rmap.c), movable_ops pages, and LRU and hugetlb
// isolation (mm/vmscan.c, mm/hugetlb.c). Each builds one folio_change; apply_change checks the
// state it would produce and then writes it, or throws folio_error and writes nothing.
//
// These are function templates, always called qualified inside foliorc (::foliorc::folio_get),
// so a caller's own folio_get beside their folio type is never picked by the library.
#pragma once

#include <string>
#include <string_view>

#include <foliorc/concepts.hpp>
#include <foliorc/error.hpp>
#include <foliorc/folio.hpp>
#include <foliorc/folio_change.hpp>
#include <foliorc/queries.hpp>

namespace foliorc::inline FOLIORC_ABI {

namespace detail {

template <class F>
using change_t = folio_change<folio_mapping_t<F>>;
template <class F>
using fs_t = typename folio_mapping_t<F>::fs_type;

// The filesystem of a page-cache folio, where the folio's traits tell it.
template <folio_like F>
constexpr const fs_t<F>* folio_fs(const F& f)
{
    if constexpr (folio_traits_fs<F>)
        return ::foliorc::folio_raw_mapping(f) == mapping_kind::file ? folio_traits<F>::fs(f)
                                                                     : nullptr;
    else
        return nullptr;
}

// A caller's folio as the checks read it. Its flags are read one by one through test_flag.
template <folio_like F>
constexpr folio_values<fs_t<F>> values_of(const F& f)
{
    flag_set flags;
    for (std::size_t i = 0; i < pg_count; ++i)
        if (::foliorc::folio_test(f, static_cast<pg>(i)))
            flags.set(static_cast<pg>(i));
    const auto* fs = folio_fs(f);
    return {::foliorc::folio_pfn(f),
            ::foliorc::folio_order(f),
            ::foliorc::folio_page_type(f),
            flags,
            ::foliorc::folio_raw_mapping(f),
            fs,
            fs != nullptr,
            ::foliorc::folio_ref_count(f),
            ::foliorc::folio_mapcount(f),
            ::foliorc::folio_pincount(f)};
}

// The one way an operation changes a folio. basic_folio: apply(), with its ledger. A caller's
// type: the same checks on the state the change would produce, then the ledger hook, then the
// writes (which must not throw), flags first and the refcount last.
template <mutable_folio_like F>
constexpr void apply_change(F& f, const change_t<F>& c)
{
    if constexpr (writes_itself<F>) {
        f.apply(c);
    } else {
        using T = folio_traits<F>;
        const auto before = values_of(f);
        validate_change(before, c);
        if constexpr (folio_traits_record<F>)
            for (std::uint8_t i = 0; i < c.nrefs; ++i)
                T::record(f, c.op, c.refs[i].who, c.refs[i].n);
        const flag_set after = (before.flags - c.clear) | c.set;
        for (std::size_t i = 0; i < pg_count; ++i) {
            const pg p = static_cast<pg>(i);
            if (after.test(p) != before.flags.test(p))
                T::set_flag(f, p, after.test(p));
        }
        if (c.remap) {
            if constexpr (folio_traits_set_mapping_object<F>)
                T::set_mapping(f, c.kind, c.mapping);
            else
                T::set_mapping(f, c.kind);
        }
        if constexpr (folio_traits_hugetlb_migratable<F>)
            if (c.hugetlb_migratable >= 0)
                T::set_hugetlb_migratable(f, c.hugetlb_migratable == 1);
        if (c.mapcount)
            T::mapcount_add(f, c.mapcount);
        if (c.pincount)
            T::pincount_add(f, c.pincount);
        if (const int n = c.ref_delta_total())
            T::ref_add(f, n);
    }
}

// Does PG_private_2 come with a reference on this folio's filesystem? The netfs helpers pair it
// with one (ceph, nfs); btrfs up to 6.12 did not (docs/kernel.md ("PG_private_2")). A caller's
// type must say which filesystem a folio belongs to (folio_traits<F>::fs) to use these.
template <mutable_folio_like F>
constexpr bool private_2_takes_ref(const F& f)
{
    static_assert(
        folio_traits_fs<F>,
        "folio_start_private_2 / folio_end_private_2 need to know whether the folio's "
        "filesystem pairs PG_private_2 with a reference: give folio_traits<F>::fs(const F&)");
    if (::foliorc::folio_raw_mapping(f) != mapping_kind::file)
        return false;
    if constexpr (writes_itself<F>)
        return f.mapping()->fs.private_2_takes_ref; // a file folio's mapping is set
    else {
        const auto* fs = folio_fs(f);
        return fs && fs->private_2_takes_ref;
    }
}

} // namespace detail

template <mutable_folio_like F>
constexpr void folio_ref_add(F& f, holder_id who, int n)
{
    detail::change_t<F> c{"folio_ref_add"};
    detail::apply_change(f, c.ref(who, n));
}
template <mutable_folio_like F>
constexpr void folio_ref_sub(F& f, holder_id who, int n)
{
    detail::change_t<F> c{"folio_ref_sub"};
    detail::apply_change(f, c.ref(who, -n));
}
template <mutable_folio_like F>
constexpr void folio_get(F& f, holder_id who = holder::caller, std::string_view op = "folio_get")
{
    detail::change_t<F> c{op};
    detail::apply_change(f, c.ref(who, 1));
}
template <mutable_folio_like F>
constexpr void folio_put(F& f, holder_id who = holder::caller, std::string_view op = "folio_put")
{
    detail::change_t<F> c{op};
    detail::apply_change(f, c.ref(who, -1));
}

// Flags that carry a reference have their own operations; these two refuse them.
namespace detail {
template <mutable_folio_like F>
constexpr void refuse_referenced_flag(const F& f, pg flag, std::string_view use)
{
    if (flag == pg::private_ || flag == pg::private_2 ||
        (flag == pg::owner_priv_1 && ::foliorc::folio_test(f, pg::swapbacked)))
        fail(errc::wrong_state, ::foliorc::folio_pfn(f),
             "PG_" + std::string(pg_name(flag)) + " here carries a reference: use " +
                 std::string(use));
}
} // namespace detail

template <mutable_folio_like F>
constexpr void folio_set_flag(F& f, pg flag)
{
    detail::refuse_referenced_flag(
        f, flag, "folio_attach_private, folio_start_private_2 or add_to_swap_cache");
    detail::change_t<F> c{"folio_set_flag"};
    c.set.set(flag);
    detail::apply_change(f, c);
}
template <mutable_folio_like F>
constexpr void folio_clear_flag(F& f, pg flag)
{
    detail::refuse_referenced_flag(
        f, flag, "folio_detach_private, folio_end_private_2 or delete_from_swap_cache");
    detail::change_t<F> c{"folio_clear_flag"};
    c.clear.set(flag);
    detail::apply_change(f, c);
}

// filemap_add_folio: the page cache takes one reference per page; shmem folios are swapbacked.
template <mutable_folio_like F>
constexpr void filemap_add_folio(F& f, const folio_mapping_t<F>& m)
{
    detail::change_t<F> c{"filemap_add_folio"};
    if (m.kind != mapping_kind::file)
        detail::fail(errc::bad_mapping, ::foliorc::folio_pfn(f),
                     "filemap_add_folio needs a file mapping");
    if (::foliorc::folio_raw_mapping(f) != mapping_kind::none)
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "filemap_add_folio: folio already has a mapping");
    c.remap_to(m);
    c.set.set(pg::swapbacked, m.fs.swapbacked);
    detail::apply_change(f, c.ref(holder::page_cache, ::foliorc::folio_nr_pages(f)));
}

// filemap_remove_folio (after truncation unmapped it and released its private data).
template <mutable_folio_like F>
constexpr void filemap_remove_folio(F& f)
{
    detail::change_t<F> c{"filemap_remove_folio"};
    if (::foliorc::folio_raw_mapping(f) != mapping_kind::file)
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "filemap_remove_folio: not in the page cache");
    if (::foliorc::folio_mapcount(f) || ::foliorc::folio_test(f, pg::private_))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "filemap_remove_folio: unmap and folio_detach_private first");
    c.unmap_mapping();
    detail::apply_change(f, c.ref(holder::page_cache, -::foliorc::folio_nr_pages(f)));
}

// add_to_swap_cache: PG_swapcache plus one reference per page.
template <mutable_folio_like F>
constexpr void add_to_swap_cache(F& f)
{
    detail::change_t<F> c{"add_to_swap_cache"};
    if (!::foliorc::folio_test(f, pg::swapbacked))
        detail::fail(errc::swapcache_without_swapbacked, ::foliorc::folio_pfn(f),
                     "add_to_swap_cache: folio is not swapbacked");
    if (::foliorc::folio_test_swapcache(f))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "add_to_swap_cache: already in the swap cache");
    c.set.set(pg::swapcache);
    detail::apply_change(f, c.ref(holder::swap_cache, ::foliorc::folio_nr_pages(f)));
}
template <mutable_folio_like F>
constexpr void delete_from_swap_cache(F& f)
{
    detail::change_t<F> c{"delete_from_swap_cache"};
    if (!::foliorc::folio_test_swapcache(f))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "delete_from_swap_cache: not in the swap cache");
    c.clear.set(pg::swapcache);
    detail::apply_change(f, c.ref(holder::swap_cache, -::foliorc::folio_nr_pages(f)));
}

// folio_attach_private / folio_detach_private: PG_private with its one reference.
template <mutable_folio_like F>
constexpr void folio_attach_private(F& f)
{
    detail::change_t<F> c{"folio_attach_private"};
    if (::foliorc::folio_test(f, pg::private_))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "folio_attach_private: PG_private already set");
    c.set.set(pg::private_);
    detail::apply_change(f, c.ref(holder::private_, 1));
}
template <mutable_folio_like F>
constexpr void folio_detach_private(F& f)
{
    detail::change_t<F> c{"folio_detach_private"};
    if (!::foliorc::folio_test(f, pg::private_))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "folio_detach_private: PG_private not set");
    c.clear.set(pg::private_);
    detail::apply_change(f, c.ref(holder::private_, -1));
}

// folio_start_private_2 / folio_end_private_2 (PG_fscache): the reference comes only on
// filesystems that pair the flag with one (ceph, nfs; not btrfs <= 6.12).
template <mutable_folio_like F>
constexpr void folio_start_private_2(F& f)
{
    detail::change_t<F> c{"folio_start_private_2"};
    if (::foliorc::folio_raw_mapping(f) != mapping_kind::file)
        detail::fail(errc::bad_mapping, ::foliorc::folio_pfn(f),
                     "PG_private_2 is set only on page-cache folios");
    if (::foliorc::folio_test(f, pg::private_2))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "folio_start_private_2: already set");
    c.set.set(pg::private_2);
    if (detail::private_2_takes_ref(f))
        c.ref(holder::private_2, 1);
    detail::apply_change(f, c);
}
template <mutable_folio_like F>
constexpr void folio_end_private_2(F& f)
{
    detail::change_t<F> c{"folio_end_private_2"};
    if (!::foliorc::folio_test(f, pg::private_2))
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "folio_end_private_2: PG_private_2 not set");
    c.clear.set(pg::private_2);
    if (detail::private_2_takes_ref(f))
        c.ref(holder::private_2, -1);
    detail::apply_change(f, c);
}

// The rmap calls change mapcounts only; no refcount moves (mm/rmap.c). The reference a page
// table holds is the one the fault (or remove_migration_pte's folio_get) took: mapping a page
// re-attributes `from`'s reference to the PTE, and unmapping hands it to `to`, who drops it
// with its own folio_put (zap: the mmu_gather; try_to_migrate_one: right away).

// folio_add_new_anon_rmap: a new anon (or KSM) folio gets its mapping, PG_swapbacked,
// PG_anon_exclusive and its first page-table mappings.
template <mutable_folio_like F>
constexpr void folio_add_new_anon_rmap(F& f, const folio_mapping_t<F>& m, int nr_ptes = 1,
                                       holder_id from = holder::caller)
{
    detail::change_t<F> c{"folio_add_new_anon_rmap"};
    if (!m.is_anon())
        detail::fail(errc::bad_mapping, ::foliorc::folio_pfn(f),
                     "folio_add_new_anon_rmap needs an anon mapping");
    if (::foliorc::folio_raw_mapping(f) != mapping_kind::none)
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "folio_add_new_anon_rmap: folio already has a mapping");
    c.remap_to(m);
    c.set = flag_set{pg::swapbacked, pg::anon_exclusive};
    c.mapcount = nr_ptes;
    detail::apply_change(f, c.ref(from, -nr_ptes).ref(holder::pte, nr_ptes));
}

// folio_add_{file,anon}_rmap_ptes: nr_ptes more mappings, each taking over one of `from`'s
// references.
template <mutable_folio_like F>
constexpr void folio_add_rmap_ptes(F& f, int nr_ptes = 1, std::string_view op = {},
                                   holder_id from = holder::caller)
{
    detail::change_t<F> c{!op.empty()                     ? op
                          : ::foliorc::folio_test_anon(f) ? "folio_add_anon_rmap_ptes"
                                                          : "folio_add_file_rmap_ptes"};
    if (::foliorc::folio_raw_mapping(f) == mapping_kind::none ||
        ::foliorc::folio_raw_mapping(f) == mapping_kind::movable_ops)
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "mapping a folio that is neither anon nor file");
    c.mapcount = nr_ptes;
    detail::apply_change(f, c.ref(from, -nr_ptes).ref(holder::pte, nr_ptes));
}
// folio_remove_rmap_ptes: nr_ptes fewer mappings; their references pass to `to`.
template <mutable_folio_like F>
constexpr void folio_remove_rmap_ptes(F& f, int nr_ptes = 1,
                                      std::string_view op = "folio_remove_rmap_ptes",
                                      holder_id to = holder::transient)
{
    detail::change_t<F> c{op};
    c.mapcount = -nr_ptes;
    detail::apply_change(f, c.ref(holder::pte, -nr_ptes).ref(to, nr_ptes));
}

// __SetPageMovable / page_set_movable_ops: a driver-managed (zsmalloc, balloon) page.
template <mutable_folio_like F>
constexpr void folio_set_movable_ops(F& f)
{
    detail::change_t<F> c{"__SetPageMovable"};
    if (::foliorc::folio_raw_mapping(f) != mapping_kind::none)
        detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                     "__SetPageMovable: folio already has a mapping");
    detail::apply_change(f,
                         c.remap_to(movable_ops_mapping_v<typename folio_mapping_t<F>::fs_type>));
}

// ---- isolation (mm/vmscan.c, mm/hugetlb.c) ----

// folio_isolate_lru: takes the folio off its LRU list (PG_lru test-and-clear) with a reference.
template <mutable_folio_like F>
[[nodiscard]] constexpr bool folio_isolate_lru(F& f)
{
    if (!::foliorc::folio_test(f, pg::lru))
        return false;
    detail::change_t<F> c{"folio_isolate_lru"};
    c.clear.set(pg::lru);
    detail::apply_change(f, c.ref(holder::isolation, 1));
    return true;
}

namespace detail {
// HPG_migratable. A caller's type without the trait cannot say: hugetlb isolation refuses it
// rather than guess.
template <folio_like F>
constexpr bool hugetlb_migratable(const F& f)
{
    if constexpr (folio_traits_hugetlb_migratable<F>)
        return folio_traits<F>::hugetlb_migratable(f);
    else
        fail(errc::wrong_state, ::foliorc::folio_pfn(f),
             "hugetlb isolation needs HPG_migratable: give folio_traits<F>::hugetlb_migratable and "
             "set_hugetlb_migratable");
}
} // namespace detail

// folio_isolate_hugetlb: only a migratable hugetlb folio with a reference; HPG_migratable is
// cleared while it is isolated, so a second isolation fails.
template <mutable_folio_like F>
[[nodiscard]] constexpr bool folio_isolate_hugetlb(F& f)
{
    if (::foliorc::folio_page_type(f) != page_type::hugetlb || ::foliorc::folio_ref_count(f) == 0 ||
        !detail::hugetlb_migratable(f))
        return false;
    detail::change_t<F> c{"folio_isolate_hugetlb"};
    c.hugetlb_migratable = 0;
    detail::apply_change(f, c.ref(holder::isolation, 1));
    return true;
}

// folio_putback_hugetlb: migratable again, isolation reference dropped.
template <mutable_folio_like F>
constexpr void folio_putback_hugetlb(F& f)
{
    detail::change_t<F> c{"folio_putback_hugetlb"};
    c.hugetlb_migratable = 1;
    detail::apply_change(f, c.ref(holder::isolation, -1));
}

} // namespace foliorc::inline FOLIORC_ABI
