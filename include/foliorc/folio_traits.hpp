// foliorc/folio_traits.hpp — customization: the one place a caller adapts their own folio type.
// It needs only the vocabulary (flags, mapping kinds, page types); foliorc's own basic_folio
// specializes it in folio.hpp.
//
// Specialize foliorc::folio_traits<YourFolio> with these static functions (constexpr where your
// type allows), and every read-only algorithm accepts YourFolio (folio_like, concepts.hpp):
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
// Writes (mutable_folio_like): with these five as well, every operation basic_folio has works on
// F: pins, get/put, isolation and putback, page cache, swap cache, private data, rmap, the
// per-CPU batches, migration and the pin loop (folio_ops.hpp, pin.hpp, batch.hpp, gup.hpp).
//   static void ref_add(F&, int n);                 // _refcount += n (n < 0 drops)
//   static void mapcount_add(F&, int n);            // folio_mapcount() grows by n
//   static void pincount_add(F&, int n);            // _pincount += n (large folios only)
//   static void set_flag(F&, pg, bool on);          // set or clear one flag bit
//   static void set_mapping(F&, mapping_kind);      // what folio->mapping now points at, or
//   static void set_mapping(F&, mapping_kind, const mapping_type*); // the same with the
//                                                   // mapping itself (nullptr for none)
// Each operation checks the whole resulting state first (the checks of basic_folio that the
// traits can answer) and throws folio_error without writing anything when it is refused; only
// then does it call the writes, which must not throw, so a refused operation leaves F as it was.
// A write that throws breaks that guarantee.
//
// Optional with the writes:
//   static void record(F&, std::string_view op, holder_id who, int n);
//                                                   // ledger hook: called once per reference
//                                                   // delta, before the writes, with the kernel
//                                                   // function (op) and the holder (ledger.hpp)
//   using mapping_type = basic_mapping<YourFs>;     // default foliorc::mapping
//   static const YourFs* fs(const F&);              // the filesystem of a page-cache folio, or
//                                                   // nullptr: needed by folio_start_private_2
//                                                   // / folio_end_private_2 (does PG_private_2
//                                                   // take a reference on it?) and checked
//                                                   // against PG_swapbacked / PG_private
//   static bool hugetlb_migratable(const F&);       // HPG_migratable, for hugetlb isolation
//   static void set_hugetlb_migratable(F&, bool);
//
// A page type (a kernel-style struct page whose array a GUP call fills) gives instead:
//   static Folio*        page_folio(const P&);      // page_folio / compound_head; Folio is
//                                                   // folio_like (a const Folio* is accepted)
//   static std::uint64_t pfn(const P&);             // the page's own pfn (page_to_pfn)
// It is then page_like and never folio_like: a pofs of P* is a page pofs (collect.hpp), and a P
// passed where a folio is expected does not compile.
//
// The library never calls a function of the caller's by argument-dependent lookup: its queries
// and operations are function objects or qualified calls, so kernel-named functions of your own
// beside F (a raw folio_mapcount, say) do not change its answers.
#pragma once

#include <foliorc/flags.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc::inline FOLIORC_ABI {

template <class F>
struct folio_traits; // no definition: a type is folio_like only through a specialization

} // namespace foliorc::inline FOLIORC_ABI
