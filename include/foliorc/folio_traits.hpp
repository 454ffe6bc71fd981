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
// Optional (defaults in queries.hpp when absent):
//   static zone_type   zone(const F&);              // default zone_type::normal
//   static migratetype pageblock_mt(const F&);      // default migratetype::movable
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
