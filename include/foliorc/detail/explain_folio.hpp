// foliorc/detail/explain_folio.hpp — tools: explain(folio), the explanation dump text gets
// (explain.hpp: expected refs per rule set, unexpected refs, who holds them) straight from a live
// folio of any folio_like type. Nothing is unknown here, so every rule set gives one value; with
// a ledger (basic_folio with ledger_by_kind or ledger_full) the holders are named exactly from
// it, without one they are guessed from the folio's state as for a dump. Also the text of the
// explanation types. explain.hpp includes this header.
#pragma once

#include <algorithm>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <foliorc/explain.hpp>
#include <foliorc/print.hpp>

namespace foliorc::inline FOLIORC_ABI {

// explain()'s answer for a live folio: the dump explanation plus, with a ledger, every holder.
struct folio_explanation : dump_explanation {
    bool holders_exact = false;                                // from a ledger, not guessed
    std::vector<std::pair<holder_id, int>> holders;            // every holder (with a ledger)
    std::vector<std::pair<holder_id, int>> unexpected_holders; // those the latest rules do not
                                                               // count, the caller's aside
};

// The fields the rules read, as a folio_snapshot.
template <folio_like F>
constexpr folio_snapshot snapshot_of(const F& f)
{
    folio_snapshot s;
    s.pfn = foliorc::folio_pfn(f);
    s.order = foliorc::folio_order(f);
    s.type = foliorc::folio_page_type(f);
    s.mapping = foliorc::folio_raw_mapping(f);
    for (std::size_t i = 0; i < pg_count; ++i)
        if (foliorc::folio_test(f, static_cast<pg>(i)))
            s.flags.set(static_cast<pg>(i));
    s.refcount = foliorc::folio_ref_count(f);
    s.mapcount = foliorc::folio_mapcount(f);
    s.pincount = foliorc::folio_pincount(f);
    s.zone = foliorc::folio_zone(f);
    s.mt = foliorc::folio_pageblock_mt(f);
    return s;
}

// What a dump of this folio would say, everything known.
template <folio_like F>
dump_facts facts_of_folio(const F& f)
{
    dump_facts d;
    d.refcount = foliorc::folio_ref_count(f);
    d.mapcount = foliorc::folio_mapcount(f);
    d.order = foliorc::folio_order(f);
    d.type = foliorc::folio_page_type(f);
    d.anon = foliorc::folio_test_anon(f);
    d.ksm = foliorc::folio_test_ksm(f);
    d.swapcache = foliorc::folio_test_swapcache(f);
    d.private_ = foliorc::folio_test_private(f);
    d.private_2 = foliorc::folio_test_private_2(f);
    d.flags = foliorc::snapshot_of(f).flags;
    if (foliorc::folio_has_pincount(f))
        d.pincount = foliorc::folio_pincount(f);
    d.zone = foliorc::folio_zone(f);
    d.mapping = *d.ksm                                                ? "ksm"
                : *d.anon                                             ? "anon"
                : *d.swapcache                                        ? "swap"
                : foliorc::folio_raw_mapping(f) == mapping_kind::file ? "file"
                                                                      : "none";
    return d;
}

namespace detail {
// Holder kinds the latest rules count, given the folio's state (rules::v6_19): page cache,
// swap cache, PG_private and page-table mappings. Everything else is unexpected there.
template <folio_like F>
constexpr bool counted_by_latest(const F& f, holder h)
{
    switch (h) {
    case holder::page_cache: return foliorc::folio_raw_mapping(f) == mapping_kind::file;
    case holder::swap_cache: return foliorc::folio_test_swapcache(f);
    case holder::private_: return foliorc::folio_test_private(f);
    case holder::pte: return true;
    default: return false;
    }
}
} // namespace detail

// explain(folio): under every rule set of Registry, the expected refcount (6.16 footing: the
// caller's reference excluded, mapcount included), the unexpected references (refcount -
// expected - caller_refs), and who holds them: exactly, from the ledger, when the folio has one.
template <class Registry = kernel_rule_registry, folio_like F>
[[nodiscard]] folio_explanation explain(const F& f, int caller_refs = 0)
{
    folio_explanation e;
    e.facts = foliorc::facts_of_folio(f);
    e.caller_refs = caller_refs;
    const folio_snapshot s = foliorc::snapshot_of(f);
    for (const rule_set_info& r : Registry::sets) {
        const rule_value v = r.evaluate(s);
        rule_explanation x;
        x.rule = r.name;
        x.expected = v.expected;
        x.expected_min = x.expected_max = v.expected;
        x.unexpected = e.facts.refcount - v.expected - caller_refs;
        x.warned = v.warned;
        e.rules.push_back(x);
    }
    const auto it = std::find_if(e.rules.begin(), e.rules.end(), [](const rule_explanation& x) {
        return x.rule == rules::latest::name;
    });
    const rule_explanation& latest = it != e.rules.end() ? *it : e.rules.back();
    if constexpr (basic_folio_type<F>) {
        if constexpr (F::ledger_type::tracks) {
            e.holders_exact = true;
            // The declared caller's references are its own (holder::caller), else an isolation
            // (migration holds one while it dumps): those are not unexpected.
            int budget_caller =
                std::min(std::max(caller_refs, 0), f.ledger().held_kind(holder::caller));
            int budget_isolation = std::min(std::max(caller_refs, 0) - budget_caller,
                                            f.ledger().held_kind(holder::isolation));
            f.ledger().for_each([&](holder_id h, int n) {
                e.holders.emplace_back(h, n);
                if (foliorc::detail::counted_by_latest(f, h.kind))
                    return;
                int* budget = h.kind == holder::caller      ? &budget_caller
                              : h.kind == holder::isolation ? &budget_isolation
                                                            : nullptr;
                if (budget) {
                    const int mine = std::min(n, *budget);
                    *budget -= mine;
                    n -= mine;
                }
                if (n > 0)
                    e.unexpected_holders.emplace_back(h, n);
            });
            if (e.unexpected_holders.empty()) {
                e.likely.emplace_back("none: every reference is accounted for");
            } else {
                for (const auto& [h, n] : e.unexpected_holders)
                    e.likely.push_back(foliorc::describe(h) + " holds " + std::to_string(n));
            }
            return e;
        }
    }
    e.likely = foliorc::likely_holders(e.facts, latest.unexpected.value_or(0));
    return e;
}

// ---- text ----

// "v6_16: expects 2, 1 unexpected" (or "expects 2 to 3" where a dump left it open).
inline std::ostream& operator<<(std::ostream& os, const rule_explanation& x)
{
    os << x.rule << ": expects ";
    if (x.expected)
        os << *x.expected;
    else
        os << x.expected_min << " to " << x.expected_max;
    if (x.unexpected)
        os << ", " << *x.unexpected << " unexpected";
    if (x.warned)
        os << " (the kernel would WARN_ON_ONCE and count 0)";
    return os;
}

inline std::ostream& operator<<(std::ostream& os, const dump_facts& f)
{
    os << "refcount " << f.refcount << ", mapcount " << f.mapcount << ", order " << f.order;
    if (is_typed(f.type))
        os << ", page type " << page_type_name(f.type);
    os << ", mapping " << f.mapping;
    if (f.flags) {
        os << ", flags ";
        foliorc::detail::print::flags(os, *f.flags, f.anon.value_or(false),
                                      f.flags->test(pg::swapbacked));
    } else {
        os << ", flags not shown";
    }
    if (f.pincount)
        os << ", pincount " << *f.pincount;
    if (f.tail)
        os << " (a tail page)";
    return os;
}

// Several lines: the facts, one line per rule set, then who holds the unexpected references.
inline std::ostream& operator<<(std::ostream& os, const dump_explanation& e)
{
    os << e.facts << "; caller's references: " << e.caller_refs << '\n';
    for (const auto& r : e.rules)
        os << "  " << r << '\n';
    os << "  likely holders:";
    for (const auto& l : e.likely)
        os << "\n    " << l;
    return os;
}

inline std::ostream& operator<<(std::ostream& os, const folio_explanation& e)
{
    os << e.facts << "; caller's references: " << e.caller_refs << '\n';
    for (const auto& r : e.rules)
        os << "  " << r << '\n';
    if (e.holders_exact) {
        os << "  held by (ledger):";
        if (e.holders.empty())
            os << " nobody";
        for (std::size_t i = 0; i < e.holders.size(); ++i)
            os << (i ? ", " : " ") << foliorc::describe(e.holders[i].first) << ' '
               << e.holders[i].second;
        os << "\n  unexpected under " << rules::latest::name << ':';
        if (e.unexpected_holders.empty())
            os << " nothing";
        for (std::size_t i = 0; i < e.unexpected_holders.size(); ++i)
            os << (i ? ", " : " ") << foliorc::describe(e.unexpected_holders[i].first) << ' '
               << e.unexpected_holders[i].second;
        return os;
    }
    os << "  likely holders (no ledger: guessed from the state):";
    for (const auto& l : e.likely)
        os << "\n    " << l;
    return os;
}

} // namespace foliorc::inline FOLIORC_ABI
