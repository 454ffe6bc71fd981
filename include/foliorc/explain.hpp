// foliorc/explain.hpp — tools: explain a parsed dump_page() under every rule set: the expected
// refcount, the caller's references, the unexpected ones, and who likely holds them. Where the
// dump does not say something the rules read (an abridged dump without flags), every completion
// is evaluated: a value is given only when they all agree. explain(folio) for a live folio, and
// the text of the explanation types, come from foliorc/detail/explain_folio.hpp, included at the
// end of this header (it builds on what is declared here).
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <foliorc/dump.hpp>
#include <foliorc/explore.hpp>
#include <foliorc/pin.hpp>

namespace foliorc::inline FOLIORC_ABI {

// What a dump says about the folio; nullopt where it does not say. Built from page_dump::folio:
// the folio's values, never a tail page's own.
struct dump_facts {
    int refcount = 0;
    int mapcount = 0;
    unsigned order = 0;
    page_type type = page_type::none;
    std::optional<bool> anon, ksm, swapcache, private_, private_2;
    std::optional<flag_set> flags;
    std::optional<int> pincount;
    std::optional<zone_type> zone;
    bool tail = false; // known to be a tail page (page_dump::folio.tail says when it is unknown)
    // What the printed mapping is: "anon", "ksm", "swap", "file", "none", or "unknown".
    std::string_view mapping = "unknown";
    // What the rules need and the dump does not print; when not empty, nothing is evaluated.
    std::vector<std::string> missing;
};

inline dump_facts facts_of(const page_dump& d)
{
    const dump_folio& g = d.folio;
    dump_facts f;
    f.missing = g.missing;
    if (!g.refcount && std::find_if(f.missing.begin(), f.missing.end(), [](const std::string& m) {
                           return m.rfind("folio refcount", 0) == 0 ||
                                  m.rfind("everything", 0) == 0;
                       }) == f.missing.end())
        f.missing.emplace_back("folio refcount: not printed");
    f.refcount = g.refcount.value_or(0);
    f.mapcount = g.mapcount.value_or(0);
    f.order = g.order.value_or(0);
    f.tail = g.tail == true;
    f.pincount = g.pincount;
    f.type = g.type.value_or(page_type::none);
    f.anon = g.anon;
    f.ksm = g.ksm;
    f.swapcache = g.swapcache;
    if (d.flags) {
        f.flags = d.flags->known;
        // zone= index on x86-64 without HIGHMEM: DMA, DMA32, Normal, Movable [I].
        if (d.flags->zone && *d.flags->zone <= 3)
            f.zone = static_cast<zone_type>(*d.flags->zone);
    }
    if (f.anon == true) {
        f.private_ = false;
        f.private_2 = false;
    } else if (d.flags &&
               (g.tail != true || d.era == dump_layout::head_line || d.era == dump_layout::folio)) {
        f.private_ = d.flags->has("private");
        f.private_2 = d.flags->has("private_2") || d.flags->has("fscache");
    }

    if (f.ksm == true)
        f.mapping = "ksm";
    else if (f.anon == true)
        f.mapping = "anon";
    else if (f.swapcache == true)
        f.mapping = "swap";
    else if (g.typed && g.type != page_type::hugetlb)
        f.mapping = "none";
    else if (!d.aops.empty())
        f.mapping = "file";
    else if (f.anon == false && g.tail != true && d.mapping)
        f.mapping = *d.mapping == 0 ? "none" : "file";
    return f;
}

// Every folio the facts allow, unknowns filled both ways.
inline std::vector<folio_snapshot> completions(const dump_facts& f)
{
    std::vector<folio_snapshot> out;
    auto both = [](std::optional<bool> v) {
        return v ? std::vector<bool>{*v} : std::vector<bool>{false, true};
    };
    // PG_private and PG_private_2 belong to page-cache folios: known false without a mapping.
    const bool page_cache = f.mapping == "file" || f.mapping == "unknown";
    const std::optional<bool> priv_known = page_cache ? f.private_ : std::optional<bool>(false);
    const std::optional<bool> p2_known = page_cache ? f.private_2 : std::optional<bool>(false);
    for (bool anon : both(f.anon))
        for (bool swap : both(f.swapcache))
            for (bool priv : both(priv_known))
                for (bool p2 : both(p2_known)) {
                    if (anon && (priv || p2))
                        continue;
                    folio_snapshot s;
                    s.refcount = f.refcount;
                    s.mapcount = f.mapcount;
                    s.order = f.order;
                    s.type = f.type;
                    s.pincount = f.pincount.value_or(0);
                    if (f.flags)
                        s.flags = *f.flags;
                    s.flags.set(pg::private_, priv).set(pg::private_2, p2);
                    // A swap-cache folio is swapbacked (the alias needs both bits).
                    s.flags.set(pg::owner_priv_1, swap);
                    if (swap || anon)
                        s.flags.set(pg::swapbacked);
                    if (anon)
                        s.mapping = f.ksm == true ? mapping_kind::ksm : mapping_kind::anon;
                    else if (f.mapping == "file")
                        s.mapping = mapping_kind::file;
                    else
                        s.mapping = mapping_kind::none; // NULL, or a shmem folio moved to swap
                    out.push_back(s);
                }
    return out;
}

struct rule_explanation {
    std::string_view rule;
    bool evaluated = true;       // false when the dump does not print what the rules need
    std::optional<int> expected; // on the 6.16 footing; nullopt when completions disagree
    int expected_min = 0, expected_max = 0;
    std::optional<int> unexpected; // refcount - expected - caller's references
    bool warned = false;
};

struct dump_explanation {
    dump_facts facts;
    int caller_refs = 0;
    std::vector<rule_explanation> rules;
    std::vector<std::string> likely; // who holds the unexpected references (latest rules)
};

// Migration holds the isolation reference while it dumps "migration failure".
inline int default_caller_refs(const page_dump& d)
{
    return d.reason.find("migration failure") != std::string::npos ? 1 : 0;
}

inline std::vector<std::string> likely_holders(const dump_facts& f, int unexpected)
{
    std::vector<std::string> out;
    if (!f.missing.empty()) {
        std::string s = "not evaluated; missing: ";
        for (std::size_t i = 0; i < f.missing.size(); ++i)
            s += (i ? "; " : "") + f.missing[i];
        out.push_back(std::move(s));
        return out;
    }
    if (unexpected < 0) {
        out.push_back(
            std::to_string(-unexpected) +
            " fewer references than these rules expect: the rules over-count this folio, or "
            "fewer callers hold it than assumed");
        return out;
    }
    if (unexpected == 0) {
        out.emplace_back("none: every reference is accounted for");
        return out;
    }
    int left = unexpected;
    if (f.order == 0 && left >= gup_pin_counting_bias) {
        const int pins = left / gup_pin_counting_bias;
        out.push_back(std::to_string(pins) + " FOLL_PIN pin" + (pins > 1 ? "s" : "") +
                      " (GUP_PIN_COUNTING_BIAS 1024 each on a folio without _pincount)");
        left %= gup_pin_counting_bias;
    } else if (f.order > 0 && f.pincount.value_or(0) > 0) {
        const int pins = std::min(*f.pincount, left);
        out.push_back(std::to_string(pins) + " FOLL_PIN page pin" + (pins > 1 ? "s" : "") +
                      " (_pincount, one reference each)");
        left -= pins;
    }
    if (left > 0 && f.private_2 == true) {
        out.emplace_back("1 for PG_private_2: an fscache write in flight (ceph and nfs take a "
                         "reference; folio_expected_ref_count leaves it out on purpose)");
        --left;
    }
    if (left > 0) {
        std::string s = std::to_string(left) + " more: ";
        std::vector<std::string> who;
        if (f.flags && f.flags->test(pg::mlocked))
            who.emplace_back(
                "a per-CPU mlock batch entry (mlock_folio/munlock_folio not yet drained)");
        if (f.flags && !f.flags->test(pg::lru) && !is_typed(f.type))
            who.emplace_back(
                "a per-CPU lru_add batch entry (PG_lru still clear) or an isolation by "
                "someone else");
        if (f.flags && f.flags->test(pg::lru))
            who.emplace_back(
                "a per-CPU LRU batch entry (activate, deactivate, lazyfree, move_tail)");
        if (f.order == 0 && left >= 1 && left < gup_pin_counting_bias &&
            f.refcount >= gup_pin_counting_bias)
            who.emplace_back("(folio_maybe_dma_pinned is true here only because of the count)");
        who.emplace_back("FOLL_GET (get_user_pages) or a transient reference (folio_try_get, "
                         "filemap_get_folios)");
        for (std::size_t i = 0; i < who.size(); ++i)
            s += (i ? "; " : "") + who[i];
        out.push_back(std::move(s));
    }
    return out;
}

template <class Registry = kernel_rule_registry>
[[nodiscard]] dump_explanation explain(const page_dump& d,
                                       std::optional<int> caller_refs = std::nullopt)
{
    dump_explanation e;
    e.facts = facts_of(d);
    e.caller_refs = caller_refs.value_or(default_caller_refs(d));
    const bool evaluable = e.facts.missing.empty();
    const auto folios = evaluable ? completions(e.facts) : std::vector<folio_snapshot>{};
    for (const rule_set_info& r : Registry::sets) {
        rule_explanation x;
        x.rule = r.name;
        x.evaluated = evaluable;
        if (!evaluable) {
            e.rules.push_back(x);
            continue;
        }
        bool first = true;
        for (const auto& s : folios) {
            const rule_value v = r.evaluate(s);
            x.expected_min = first ? v.expected : std::min(x.expected_min, v.expected);
            x.expected_max = first ? v.expected : std::max(x.expected_max, v.expected);
            x.warned |= v.warned;
            first = false;
        }
        if (x.expected_min == x.expected_max) {
            x.expected = x.expected_min;
            x.unexpected = e.facts.refcount - x.expected_min - e.caller_refs;
        }
        e.rules.push_back(x);
    }
    const auto it = std::find_if(e.rules.begin(), e.rules.end(), [](const rule_explanation& x) {
        return x.rule == rules::latest::name;
    });
    const rule_explanation& latest = it != e.rules.end() ? *it : e.rules.back();
    e.likely = likely_holders(e.facts, latest.unexpected.value_or(
                                           e.facts.refcount - latest.expected_max - e.caller_refs));
    return e;
}

} // namespace foliorc::inline FOLIORC_ABI

// After everything above: explain_folio.hpp includes this header back (#pragma once makes that
// a no-op here) and derives from dump_explanation.
#include <foliorc/detail/explain_folio.hpp>
