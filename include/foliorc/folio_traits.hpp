// foliorc/folio_traits.hpp — customization: the one place a caller adapts their own folio type.
//
// Specialize foliorc::folio_traits<YourFolio> with these static functions (constexpr where your
// type allows), and every foliorc algorithm accepts YourFolio:
//
//   static bool          test_flag(const F&, pg);   // the bit as the kernel's folio->flags has it
//   static unsigned      order(const F&);
//   static int           ref_count(const F&);       // folio_ref_count
//   static int           mapcount(const F&);        // folio_mapcount (total, >= 0)
//   static int           pincount(const F&);        // _pincount (0 where the folio has none)
//   static mapping_kind  mapping(const F&);         // what folio->mapping points at
//   static page_type     type(const F&);            // page_type::none for an ordinary folio
//   static std::uint64_t pfn(const F&);
//
// Optional:
//   static zone_type   zone(const F&);              // folio_zone
//   static migratetype pageblock_mt(const F&);      // folio_pageblock_mt
// Without them, printing and dumps show ZONE_NORMAL / MIGRATE_MOVABLE (queries.hpp), but
// folio_is_longterm_pinnable does not compile: a made-up zone would call every folio pinnable.
//
// A page type (a kernel-style struct page whose array a GUP call fills) gives instead:
//   static Folio*        page_folio(const P&);      // page_folio / compound_head; Folio is
//                                                   // folio_like (a const Folio* is accepted)
//   static std::uint64_t pfn(const P&);             // the page's own pfn (page_to_pfn)
// It is then page_like and never folio_like: a pofs of P* is a page pofs (collect.hpp), and a P
// passed where a folio is expected does not compile.
//
// The library never calls a function of the caller's by argument-dependent lookup: its queries
// are function objects and its other calls are qualified, so kernel-named functions of your own
// beside F (a raw folio_mapcount, say) do not change its answers.
#pragma once

#include <cstdint>

#include <foliorc/folio.hpp>

namespace foliorc {

template <class F>
struct folio_traits; // no definition: a type is folio_like only through a specialization

template <class R, class M, class L>
struct folio_traits<basic_folio<R, M, L>> {
    using F = basic_folio<R, M, L>;
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
};

} // namespace foliorc
