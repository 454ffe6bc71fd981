// parse(format(folio)) gives back what each era's dump_page() text can say about the folio
// (docs/kernel.md ("dump_page output"); the eras of dump_format.hpp). For random folios, including states no kernel
// would make, and every era: the parser reads the text without error, and every field the era
// prints comes back as the folio has it: verbatim in page_dump's printed fields, and as the
// folio's values in page_dump::folio where the text says them. What an era's text cannot say is
// listed per field below. The parser gaps this property once skipped by name (5.7's line-1 head:
// on a head page, 4.19's raw-pointer anon bit, page->mem_cgroup:, 6.1's compound_pincount:) are
// read by the rewritten parser and asserted here.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>

#include <foliorc/dump.hpp>
#include <foliorc/dump_format.hpp>
#include <foliorc/explain.hpp>
#include <foliorc/snapshot.hpp>

namespace foliorc {
namespace {

folio_snapshot random_folio()
{
    folio_snapshot s;
    s.pfn = *rc::gen::inRange<std::uint64_t>(0, 0x100000000ull);
    s.order = *rc::gen::element(0u, 0u, 0u, 1u, 2u, 4u, 9u);
    s.type = *rc::gen::weightedElement<page_type>({{12, page_type::none},
                                                   {1, page_type::buddy},
                                                   {1, page_type::offline},
                                                   {1, page_type::table},
                                                   {1, page_type::guard},
                                                   {2, page_type::hugetlb},
                                                   {1, page_type::slab},
                                                   {1, page_type::zsmalloc},
                                                   {1, page_type::unaccepted},
                                                   {1, page_type::large_kmalloc}});
    if (s.type == page_type::hugetlb)
        s.order = *rc::gen::element(9u, 18u);
    // folio->mapping itself never points at the swap space.
    s.mapping = *rc::gen::element(mapping_kind::none, mapping_kind::anon, mapping_kind::ksm,
                                  mapping_kind::movable_ops, mapping_kind::file);
    s.flags = flag_set::from_bits(*rc::gen::inRange<std::uint32_t>(0, 1u << pg_count));
    if (s.order == 0)
        s.flags.clear(pg::head); // PG_head is the formatter's to set, from the order
    s.refcount = *rc::gen::inRange(0, 3000);
    s.mapcount = *rc::gen::inRange(0, 1100);
    s.pincount = s.order ? *rc::gen::inRange(0, 600) : 0;
    s.zone =
        *rc::gen::element(zone_type::dma, zone_type::dma32, zone_type::normal, zone_type::movable);
    s.mt = *rc::gen::element(migratetype::movable, migratetype::cma, migratetype::unmovable);
    return s;
}

bool pointer_era(dump_era e)
{
    return e != dump_era::v6_12;
}
bool pfn_era(dump_era e)
{
    return e == dump_era::v6_1 || e == dump_era::v6_12;
}
bool fields_era(dump_era e)
{
    return e == dump_era::v6_1 || e == dump_era::v6_12;
} // %pGp node=/zone=

RC_GTEST_PROP(DumpRoundTrip, EveryEraReadsBackWhatItSays, ())
{
    const folio_snapshot s = random_folio();
    dump_page_options o;
    o.reason = *rc::gen::element(std::string_view("migration failure"),
                                 std::string_view("gup_test: dump_pages() test"),
                                 std::string_view("VM_BUG_ON_FOLIO(!folio_test_locked(folio))"));
    if (*rc::gen::arbitrary<bool>())
        o.memcg = 0xffff888129a8e000ull;
    o.index = *rc::gen::inRange<std::uint64_t>(0, 0x7fffffffffull);

    const bool large = s.order > 0;
    const bool anon = is_anon_kind(s.mapping);
    const bool ksm = s.mapping == mapping_kind::ksm;
    const bool swapcache = s.flags.test(pg::owner_priv_1) && s.flags.test(pg::swapbacked);
    const bool untyped = s.type == page_type::none || s.type == page_type::large_kmalloc;

    for (const dump_era era : dump_eras) {
        const std::string text = format_dump_page(s, era, o);
        RC_LOG() << "era " << dump_era_name(era) << ":\n" << text;
        const dump_parse_result r = parse_dmesg(text);
        RC_ASSERT(r.errors.empty());
        RC_ASSERT(r.dumps.size() == 1u);
        const page_dump& d = r.dumps.front();

        // Line 1: refcount (count: before 5.2), the page pointer before 6.9, pfn from 5.8.
        RC_ASSERT(d.refcount == std::optional<int>(s.refcount));
        RC_ASSERT(d.folio.refcount ==
                  std::optional<int>(s.refcount)); // the head page's is the folio's
        RC_ASSERT((d.era == dump_layout::count) == (era == dump_era::v4_19));
        RC_ASSERT(!d.pointer.empty() == pointer_era(era));
        RC_ASSERT(d.pfn == (pfn_era(era) ? std::optional<std::uint64_t>(s.pfn) : std::nullopt));
        RC_ASSERT(d.index == std::optional<std::uint64_t>(o.index));
        // The head page is dumped. 5.7 prints "head:%px" on line 1 of head and tail pages alike;
        // on a head page it is the page's own pointer.
        RC_ASSERT(d.folio.tail == std::optional<bool>(false));

        // mapping: NULL or not. 4.19 - 5.7 print page->mapping itself; 6.x print folio_mapping():
        // NULL for slab and for a tagged (anon, KSM, movable_ops) pointer, the swap space for a
        // folio in the swap cache.
        const bool slab_now = s.type == page_type::slab;
        const bool raw_pointer = era == dump_era::v4_19 || era == dump_era::v5_4 ||
                                 era == dump_era::v5_7; // page->mapping itself
        const bool printed_null = raw_pointer
                                      ? s.mapping == mapping_kind::none
                                      : slab_now || (!swapcache && s.mapping != mapping_kind::file);
        RC_ASSERT(d.mapping.has_value());
        RC_ASSERT((*d.mapping == 0) == printed_null);

        // The page's mapcount: an order-0 ordinary folio's is the folio's (slab prints 0; 6.12
        // prints 0 for any page type, whose _mapcount holds the type).
        if (s.order == 0 && untyped) {
            RC_ASSERT(d.page_mapcount == std::optional<int>(s.mapcount));
            RC_ASSERT(d.folio.mapcount == std::optional<int>(s.mapcount));
        }
        if (s.type == page_type::slab && era != dump_era::v6_12 && s.order == 0)
            RC_ASSERT(d.page_mapcount == std::optional<int>(0));
        if (era == dump_era::v6_12 && !untyped)
            RC_ASSERT(d.page_mapcount == std::optional<int>(0));

        // Order and the folio's own counts: the head: line (5.8+; 6.9+ with the folio mapcount
        // and pincount). 4.19 and 5.4 print no order.
        if (era == dump_era::v5_7 || era == dump_era::v6_1 || era == dump_era::v6_12)
            RC_ASSERT(d.order == (large ? std::optional<unsigned>(s.order) : std::nullopt));
        else
            RC_ASSERT(!d.order);
        if (large && (era == dump_era::v5_7 || era == dump_era::v6_1 || era == dump_era::v6_12))
            RC_ASSERT(d.folio.order == std::optional<unsigned>(s.order));
        if (era == dump_era::v6_12 && large) {
            RC_ASSERT(d.head_mapcount == std::optional<int>(s.mapcount));
            RC_ASSERT(d.folio.mapcount == std::optional<int>(s.mapcount));
            RC_ASSERT(d.pincount == std::optional<int>(s.pincount));
            RC_ASSERT(d.folio.pincount == std::optional<int>(s.pincount));
        } else if (era == dump_era::v6_1 && large) {
            RC_ASSERT(d.compound_pincount == std::optional<int>(s.pincount));
            RC_ASSERT(d.folio.pincount == std::optional<int>(s.pincount));
        }
        if (large && (era == dump_era::v4_19 || era == dump_era::v5_4 || era == dump_era::v5_7))
            RC_ASSERT(d.compound_mapcount.has_value());

        // Flags by name: the era's own flags (identities its layout has), PG_head on a large
        // folio, PG_slab for slab before it became a page type.
        const flag_layout& layout = dump_era_flag_layout(era);
        flag_set want = s.flags & layout.known();
        want.set(pg::head, large);
        if (era != dump_era::v6_12)
            want.set(pg::slab, s.type == page_type::slab);
        RC_ASSERT(d.flags.has_value());
        RC_ASSERT(d.flags->known == want);
        RC_ASSERT(d.flags->unknown.empty());
        if (fields_era(era)) {
            RC_ASSERT(d.flags->node == std::optional<unsigned>(0u));
            RC_ASSERT(d.flags->zone == std::optional<unsigned>(static_cast<unsigned>(s.zone)));
        }

        // " CMA" after the flags (5.6+) when the pageblock is CMA.
        RC_ASSERT(d.cma ==
                  (era != dump_era::v4_19 && era != dump_era::v5_4 && s.mt == migratetype::cma));

        // Anon and KSM: a "ksm"/"anon" prefix (5.6+) or line (5.2 - 5.5, where PageAnon was
        // tested first and a KSM page says "anon"); 4.19 says it only in the pointer's tag bits.
        switch (era) {
        case dump_era::v4_19:
            RC_ASSERT(d.label.empty());
            RC_ASSERT(d.mapping_raw); // %px: the tag bits are there to read
            break;
        case dump_era::v5_4: RC_ASSERT(d.label == (anon ? "anon" : "")); break;
        default: RC_ASSERT(d.label == (ksm ? "ksm" : anon ? "anon" : ""));
        }
        // The folio's anon / KSM (slab and other typed pages overlay the mapping word).
        if (untyped && s.type != page_type::large_kmalloc) {
            RC_ASSERT(d.folio.anon == std::optional<bool>(anon));
            if (era != dump_era::v5_4) // 5.4 prints "anon" for a KSM page too
                RC_ASSERT(d.folio.ksm == std::optional<bool>(ksm));
        }

        // dump_mapping() (6.x): the swap space (a non-anon folio in the swap cache) names
        // swap_aops; a page-cache folio its filesystem's.
        if (era == dump_era::v6_1 || era == dump_era::v6_12) {
            if (!anon && !printed_null) {
                RC_ASSERT(d.aops == (swapcache                      ? "swap_aops"
                                     : s.flags.test(pg::swapbacked) ? "shmem_aops"
                                                                    : "ext4_da_aops"));
                // 6.1's "dentry name:\"%pd\"", 6.12's "dentry name(?):\"%pd\""; the swap space
                // has no host inode: "aops:swap_aops" alone.
                if (!swapcache) {
                    RC_ASSERT(d.ino == std::optional<std::uint64_t>(o.ino));
                    RC_ASSERT(d.dentry == "file");
                } else {
                    RC_ASSERT(!d.ino);
                    RC_ASSERT(d.dentry.empty());
                }
            } else
                RC_ASSERT(d.aops.empty());
        }

        // Page types: only 6.9+ prints them; zsmalloc has no name in 6.12's table.
        if (era == dump_era::v6_12 && !untyped) {
            RC_ASSERT(d.folio.typed);
            if (s.type == page_type::zsmalloc) {
                RC_ASSERT(!d.folio.type);
                RC_ASSERT(d.page_type_text == "f6((null))");
            } else {
                RC_ASSERT(d.folio.type == std::optional<page_type>(s.type));
            }
        } else {
            // Before 6.9 only PG_slab (a flag then) and buddy's mapcount sentinel say a type.
            RC_ASSERT(d.page_type_text.empty());
            if (s.type == page_type::slab)
                RC_ASSERT(d.folio.type == std::optional<page_type>(page_type::slab));
            else if (d.folio.typed)
                RC_ASSERT(d.folio.type == std::optional<page_type>(s.type));
        }

        // memcg, reason, raw rows (_refcount in the high half of the seventh word).
        if (o.memcg)
            RC_ASSERT(d.memcg == o.memcg);
        RC_ASSERT(d.reason == std::string(o.reason));
        // Two raw: rows of the page; head: rows of the folio's first pages (5.7: one struct
        // page, 6.9+: two).
        RC_ASSERT(d.raw.word_bits == 64u);
        RC_ASSERT(d.raw.page.size() == 8u);
        RC_ASSERT(d.raw.head.size() == std::size_t(era == dump_era::v6_12 && large  ? 16
                                                   : era == dump_era::v5_7 && large ? 8
                                                                                    : 0));
    }
}

// Where a 6.12 dump says everything the rules read (an ordinary folio whose mapping the text
// shows), explaining the parsed dump gives each rule set the value the folio has.
RC_GTEST_PROP(DumpRoundTrip, ExplainOfTheDumpAgreesWithTheFolio, ())
{
    folio_snapshot s = random_folio();
    s.type = page_type::none;
    // A page-cache folio in the swap cache prints the swap space: the text cannot show that
    // folio->mapping is set, so leave that state out (the kernel makes it NULL on the move).
    RC_PRE(!(s.mapping == mapping_kind::file && s.flags.test(pg::owner_priv_1) &&
             s.flags.test(pg::swapbacked)));
    // A movable_ops mapping (a balloon or zsmalloc page without its page type) prints as NULL:
    // folio_mapping() hides tagged pointers and no aops: line follows. explain() then reads a
    // NULL mapping, which the 6.17+ rules count differently; the text cannot tell them apart.
    RC_PRE(s.mapping != mapping_kind::movable_ops);
    // explain() takes PG_private and PG_private_2 for page-cache flags only: on any other folio
    // it drops them though the flags line prints them, while the migrate-era rules count
    // PG_private on any folio with a folio_mapping() (an anon folio in the swap cache) and 6.17+
    // on any non-anon one (a truncated folio with buffers, mapping NULL). Reported; foliorc's
    // own folio refuses PG_private on anon (errc::private_on_anon), so left out here.
    RC_PRE(s.mapping == mapping_kind::file ||
           !(s.flags.test(pg::private_) || s.flags.test(pg::private_2)));
    const dump_parse_result r = parse_dmesg(format_dump_page(s, dump_era::v6_12));
    RC_ASSERT(r.dumps.size() == 1u);
    const dump_explanation e = explain(r.dumps.front(), 0);
    for (const auto& x : e.rules) {
        const rule_set_info* info = kernel_rule_registry::find(x.rule);
        RC_ASSERT(info != nullptr);
        if (x.expected) // a value only where every completion of the facts agrees
            RC_ASSERT(*x.expected == info->evaluate(s).expected);
    }
}

} // namespace
} // namespace foliorc
