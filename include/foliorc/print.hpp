// foliorc/print.hpp — tools: text for every public value type, in words, so that a failing test
// (or a log line) says "refcount 3, mapcount 0, flags dirty|private, held by page_cache 1 ..."
// rather than "48-byte object <03-00 ...>".
//
// Each operator<< lives in the namespace of its type, so std::cout << v, gtest's printer and
// any other ADL user find it. Folios of any folio_like type print with foliorc::print(os, f) or
// foliorc::to_string(f); basic_folio and folio_snapshot also have operator<<. There is no
// unconstrained operator<< template: a caller's own folio type keeps its own printing.
//
// Nothing printed depends on the run: no padding bytes and no addresses (a mapping prints as its
// kind and name, a folio as its pfn, a page_ref as its folio's pfn).
//
// std::formatter specializations are provided where the standard library has <format>
// (__cpp_lib_format): they format through operator<<. libstdc++ 12 (g++ 12 and clang 14 here)
// has no <format>, so that path is compiled only elsewhere; see README "Testing your rules".
#pragma once

#include <cstdint>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>
#include <version>

#include <foliorc/batch.hpp>
#include <foliorc/collect.hpp>
#include <foliorc/concepts.hpp>
#include <foliorc/dump.hpp>
#include <foliorc/error.hpp>
#include <foliorc/explore.hpp>
#include <foliorc/folio.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/migrate.hpp>
#include <foliorc/model/kernel.hpp>
#include <foliorc/model/trace.hpp>
#include <foliorc/page_type.hpp>
#include <foliorc/pin.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/rules.hpp>
#include <foliorc/snapshot.hpp>

// FOLIORC_HAS_STD_FORMAT: 1 where <format> is complete (__cpp_lib_format); define it yourself to
// force either way.
#ifndef FOLIORC_HAS_STD_FORMAT
#if defined(__cpp_lib_format) && __has_include(<format>)
#define FOLIORC_HAS_STD_FORMAT 1
#else
#define FOLIORC_HAS_STD_FORMAT 0
#endif
#endif
#if FOLIORC_HAS_STD_FORMAT
#include <format>
#endif

namespace foliorc::inline FOLIORC_ABI {

namespace detail::print {

// The name a flag has on this folio: PG_owner_priv_1 is PG_swapcache on a swapbacked folio,
// PG_owner_2 is PG_anon_exclusive on an anon folio (docs/kernel.md ("dump_page output")).
inline std::string_view flag_word(pg f, bool anon, bool swapbacked) noexcept
{
    if (f == pg::owner_priv_1 && swapbacked)
        return "swapcache";
    if (f == pg::owner_2 && anon)
        return "anon_exclusive";
    return pg_name(f);
}

inline void flags(std::ostream& os, flag_set s, bool anon, bool swapbacked)
{
    if (s.empty()) {
        os << "none";
        return;
    }
    bool first = true;
    for (pg f : pageflag_print_order) // as %pGp and show_page_flags list them
        if (s.test(f)) {
            os << (first ? "" : "|") << foliorc::detail::print::flag_word(f, anon, swapbacked);
            first = false;
        }
}

template <class Ledger>
void ledger(std::ostream& os, const Ledger& l)
{
    if constexpr (!Ledger::tracks) {
        os << "not recorded (no_ledger)";
    } else {
        bool first = true;
        l.for_each([&](holder_id h, int n) {
            os << (first ? "" : ", ") << foliorc::describe(h) << ' ' << n;
            first = false;
        });
        if (first)
            os << "nobody";
    }
}

template <class P>
void mapping(std::ostream& os, const basic_mapping<P>& m)
{
    os << mapping_kind_name(m.kind);
    if (m.kind == mapping_kind::file) {
        os << " (" << std::string_view(m.fs.name);
        if (!m.name.empty() && m.name != std::string_view(m.fs.name))
            os << " \"" << m.name << '"';
        os << ')';
    }
}

} // namespace detail::print

// ---- vocabulary ----

inline std::ostream& operator<<(std::ostream& os, pg f)
{
    return os << "PG_" << pg_name(f);
}

// "referenced|lru|swapbacked" (the names %pGp prints, in its order), "none" when empty.
inline std::ostream& operator<<(std::ostream& os, flag_set s)
{
    foliorc::detail::print::flags(os, s, false, false);
    return os;
}

inline std::ostream& operator<<(std::ostream& os, page_type t)
{
    return os << page_type_name(t);
}
inline std::ostream& operator<<(std::ostream& os, zone_type z)
{
    return os << "ZONE_" << zone_name(z);
}
inline std::ostream& operator<<(std::ostream& os, migratetype m)
{
    return os << "MIGRATE_" << migratetype_name(m);
}
inline std::ostream& operator<<(std::ostream& os, errc e)
{
    return os << errc_name(e);
}

// "folio_error refcount_underflow on pfn 0x1000: <what()>"
inline std::ostream& operator<<(std::ostream& os, const folio_error& e)
{
    return os << "folio_error " << errc_name(e.code()) << " on pfn "
              << foliorc::detail::hex(e.pfn()) << ": " << e.what();
}

// ---- mappings ----

inline std::ostream& operator<<(std::ostream& os, mapping_kind k)
{
    return os << mapping_kind_name(k);
}

inline std::ostream& operator<<(std::ostream& os, const fs_behaviour& fs)
{
    os << "filesystem " << fs.name << " (";
    const char* sep = "";
    auto say = [&](bool on, const char* what) {
        if (on) {
            os << sep << what;
            sep = ", ";
        }
    };
    say(fs.swapbacked, "swap-backed");
    say(fs.uses_private, "PG_private with a reference");
    say(fs.uses_private_2 && fs.private_2_takes_ref, "PG_private_2 with a reference");
    say(fs.uses_private_2 && !fs.private_2_takes_ref, "PG_private_2 without a reference");
    if (!*sep)
        os << "no private flags";
    return os << ')';
}

// "mapping file (ext4)", "mapping anon": never the address.
template <class P>
std::ostream& operator<<(std::ostream& os, const basic_mapping<P>& m)
{
    os << "mapping ";
    foliorc::detail::print::mapping(os, m);
    return os;
}

// ---- holders and ledgers ----

inline std::ostream& operator<<(std::ostream& os, holder h)
{
    return os << holder_name(h);
}
inline std::ostream& operator<<(std::ostream& os, batch_kind b)
{
    return os << batch_kind_name(b);
}
inline std::ostream& operator<<(std::ostream& os, holder_id h)
{
    return os << foliorc::describe(h);
}

inline std::ostream& operator<<(std::ostream& os, const no_ledger&)
{
    return os << "ledger: not recorded";
}
inline std::ostream& operator<<(std::ostream& os, const ledger_by_kind& l)
{
    os << "ledger: ";
    foliorc::detail::print::ledger(os, l);
    return os;
}
inline std::ostream& operator<<(std::ostream& os, const ledger_full& l)
{
    os << "ledger: ";
    foliorc::detail::print::ledger(os, l);
    return os;
}

// ---- folios ----

// One line: "folio pfn 0x1000 order 0: refcount 3, mapcount 0, mapping file (ext4), flags
// dirty|private, zone Normal, pageblock Movable; held by page_cache 1, private 1, caller 1".
// For any folio_like type; the mapping's name and the holders are printed where the type has
// them (basic_folio with a ledger), else "holders not recorded (no ledger)".
template <folio_like F>
std::ostream& print(std::ostream& os, const F& f)
{
    const bool anon = foliorc::folio_test_anon(f);
    const bool swapbacked = foliorc::folio_test(f, pg::swapbacked);
    os << (std::is_same_v<F, folio_snapshot> ? "folio_snapshot" : "folio") << " pfn "
       << foliorc::detail::hex(foliorc::folio_pfn(f)) << " order " << foliorc::folio_order(f);
    if (foliorc::page_has_type(f))
        os << ' ' << page_type_name(foliorc::folio_page_type(f));
    os << ": refcount " << foliorc::folio_ref_count(f) << ", mapcount "
       << foliorc::folio_mapcount(f);
    if (foliorc::folio_has_pincount(f))
        os << ", pincount " << foliorc::folio_pincount(f);
    os << ", mapping ";
    if constexpr (basic_folio_type<F>) {
        if (f.mapping())
            foliorc::detail::print::mapping(os, *f.mapping());
        else
            os << "none";
    } else {
        os << mapping_kind_name(foliorc::folio_raw_mapping(f));
    }
    flag_set flags;
    for (std::size_t i = 0; i < pg_count; ++i)
        if (foliorc::folio_test(f, static_cast<pg>(i)))
            flags.set(static_cast<pg>(i));
    os << ", flags ";
    foliorc::detail::print::flags(os, flags, anon, swapbacked);
    os << ", zone " << zone_name(foliorc::folio_zone(f)) << ", pageblock "
       << migratetype_name(foliorc::folio_pageblock_mt(f));
    bool ledger = false;
    if constexpr (basic_folio_type<F>) {
        if constexpr (F::ledger_type::tracks) {
            os << "; held by ";
            foliorc::detail::print::ledger(os, f.ledger());
            ledger = true;
        }
    }
    if (!ledger)
        os << "; holders not recorded (no ledger)";
    return os;
}

template <folio_like F>
[[nodiscard]] std::string to_string(const F& f)
{
    std::ostringstream s;
    foliorc::print(s, f);
    return s.str();
}

template <refcount_rep R, class M, class L>
std::ostream& operator<<(std::ostream& os, const basic_folio<R, M, L>& f)
{
    return foliorc::print(os, f);
}
inline std::ostream& operator<<(std::ostream& os, const folio_snapshot& f)
{
    return foliorc::print(os, f);
}

// ---- rules ----

// "v6_16 on pfn 0x1000: WARN_ON_ONCE(folio_test_slab(folio))"
inline std::ostream& operator<<(std::ostream& os, const rule_warning& w)
{
    return os << (w.rule_set.empty() ? std::string_view("?") : w.rule_set) << " on pfn "
              << foliorc::detail::hex(w.pfn) << ": " << w.condition;
}
inline std::ostream& operator<<(std::ostream& os, const warning_recorder& w)
{
    os << w.count << (w.count == 1 ? " warning" : " warnings");
    if (w.count)
        os << ", last: " << w.last;
    return os;
}
inline std::ostream& operator<<(std::ostream& os, const rule_value& v)
{
    return os << "expected " << v.expected << (v.warned ? " (the kernel would WARN_ON_ONCE)" : "");
}

// ---- pins ----

inline std::ostream& operator<<(std::ostream& os, gup_flags f)
{
    const char* sep = "";
    for (auto [bit, name] : {std::pair{FOLL_GET, "FOLL_GET"}, std::pair{FOLL_PIN, "FOLL_PIN"},
                             std::pair{FOLL_LONGTERM, "FOLL_LONGTERM"}})
        if (unsigned(f) & unsigned(bit)) {
            os << sep << name;
            sep = "|";
        }
    if (const unsigned rest = unsigned(f) & ~unsigned(FOLL_GET | FOLL_PIN | FOLL_LONGTERM)) {
        os << sep << foliorc::detail::hex(rest);
        sep = "|";
    }
    if (!*sep)
        os << '0';
    return os;
}

// ---- batches and drains ----

inline std::ostream& operator<<(std::ostream& os, mlock_tag t)
{
    switch (t) {
    case mlock_tag::munlock: return os << "munlock";
    case mlock_tag::lru: return os << "LRU_FOLIO";
    case mlock_tag::new_folio: return os << "NEW_FOLIO";
    }
    return os << "?";
}
inline std::ostream& operator<<(std::ostream& os, lru_era e)
{
    return os << (e == lru_era::classic ? "classic PG_lru" : "PG_lru cleared on add (6.11)");
}
inline std::ostream& operator<<(std::ostream& os, const drain_counters& c)
{
    return os << "drains: " << c.local_drains << " local lru_add_drain, " << c.drain_all_calls
              << " lru_add_drain_all, " << c.cpus_drained << " CPUs drained, "
              << c.entries_processed << " batch entries processed";
}
inline std::ostream& operator<<(std::ostream& os, const drain_done& d)
{
    return os << "drained: " << unsigned(d.local) << " local lru_add_drain, " << unsigned(d.all)
              << " lru_add_drain_all";
}

// ---- collection and migration ----

inline std::ostream& operator<<(std::ostream& os, collect_decision d)
{
    return os << collect_decision_name(d);
}
inline std::ostream& operator<<(std::ostream& os, const collect_result& r)
{
    return os << "collect: " << r.entries << " entries, " << r.folios << " folios, " << r.collected
              << " collected, " << r.isolated << " isolated, " << r.local_drains
              << " local drains, " << r.drain_alls << " drain-alls";
}
template <class F>
std::ostream& operator<<(std::ostream& os, const page_ref<F>& p)
{
    os << "page of ";
    if (!p.folio)
        return os << "no folio";
    if constexpr (folio_like<F>)
        return os << "the folio at pfn " << foliorc::detail::hex(foliorc::folio_pfn(*p.folio));
    else
        return os << "a folio";
}
inline std::ostream& operator<<(std::ostream& os, const migrate_pages_result& r)
{
    return os << "migrate_pages: " << r.nr_succeeded << " migrated, " << r.nr_failed << " failed, "
              << r.passes << " passes (" << r.async_passes << " async, " << r.sync_passes
              << " sync), " << r.eagain << " -EAGAIN, " << r.unmaps << " unmaps";
}
inline std::ostream& operator<<(std::ostream& os, const longterm_result& r)
{
    return os << "migrate_longterm_unpinnable_folios: " << model::errno_name(r.ret) << " (" << r.ret
              << "); " << r.migration;
}

// ---- rule sets by name and the explored state space ----

inline std::ostream& operator<<(std::ostream& os, const rule_set_info& r)
{
    return os << r.name << " (" << r.commit << ", " << r.kernels << "): " << r.summary;
}
inline std::ostream& operator<<(std::ostream& os, folio_kind k)
{
    return os << folio_kind_name(k);
}
inline std::ostream& operator<<(std::ostream& os, const state_point& p)
{
    os << foliorc::state_class(p) << ": ";
    return foliorc::print(os, p.folio);
}
inline std::ostream& operator<<(std::ostream& os, const rule_disagreement& d)
{
    return os << foliorc::state_class(d.state) << ", order " << d.state.folio.order << ", mapcount "
              << d.state.folio.mapcount << ": " << d.a << " against " << d.b;
}

// ---- parsing ----

inline std::ostream& operator<<(std::ostream& os, const parse_error& e)
{
    return os << e.line << ':' << e.column << ": error: " << e.message;
}

// "flags referenced|lru, node 0, zone 2" (names foliorc does not model listed as such).
inline std::ostream& operator<<(std::ostream& os, const dump_flags& f)
{
    os << (f.type_prefix.empty() ? "" : f.type_prefix + " ") << "flags " << f.known;
    for (const auto& n : f.unknown)
        os << '|' << n << " (not modelled)";
    if (f.node)
        os << ", node " << *f.node;
    if (f.zone)
        os << ", zone " << *f.zone;
    return os;
}

// What a parsed dump says: first what it printed, verbatim and field by field (what it did not
// print is left out), then, after "; folio:", what the rules read (page_dump::folio), with
// "unknown" where the dump does not say.
inline std::ostream& operator<<(std::ostream& os, const page_dump& d)
{
    os << "dump_page at line " << d.line << ':';
    if (d.poisoned)
        return os << " uninitialized and poisoned";
    const bool old_count = d.era == dump_layout::count || d.era == dump_layout::page_flags;
    const char* sep = " ";
    auto field = [&](const char* name) -> std::ostream& {
        os << sep << name;
        sep = ", ";
        return os;
    };
    if (d.refcount)
        field(old_count ? "count " : "refcount ") << *d.refcount;
    if (d.page_mapcount)
        field("mapcount ") << *d.page_mapcount;
    if (d.mapping)
        field("mapping ") << (*d.mapping ? foliorc::detail::hex(*d.mapping) : std::string("NULL"));
    if (d.index)
        field("index ") << foliorc::detail::hex(*d.index);
    if (d.pfn)
        field("pfn ") << foliorc::detail::hex(*d.pfn);
    if (d.order)
        field("order ") << *d.order;
    if (d.head_mapcount)
        field("head mapcount ") << *d.head_mapcount;
    if (d.entire_mapcount)
        field("entire mapcount ") << *d.entire_mapcount;
    if (d.nr_pages_mapped)
        field("nr_pages_mapped ") << *d.nr_pages_mapped;
    if (d.compound_mapcount)
        field("compound mapcount ") << *d.compound_mapcount;
    if (d.subpages_mapcount)
        field("subpages mapcount ") << *d.subpages_mapcount;
    if (d.compound_pincount)
        field("compound pincount ") << *d.compound_pincount;
    if (d.pincount)
        field("pincount ") << *d.pincount;
    if (!d.label.empty() && !(d.flags && d.flags->type_prefix == d.label)) // own line (5.2 - 5.5)
        field("") << d.label;
    if (d.flags)
        field("") << *d.flags;
    if (d.cma)
        field("CMA");
    if (!d.page_type_text.empty())
        field("page_type ") << d.page_type_text;
    if (!d.aops.empty())
        field("aops ") << d.aops;
    if (!d.reason.empty())
        field("dumped because: ") << d.reason;

    const dump_folio& f = d.folio;
    auto opt = [&](const auto& v) {
        if (v)
            os << *v;
        else
            os << "unknown";
    };
    auto yes_no = [&](const std::optional<bool>& v) {
        os << (v ? (*v ? "yes" : "no") : "unknown");
    };
    os << "; folio: "
       << (f.tail == true ? "a tail page, "
           : f.tail       ? ""
                          : "head or tail unknown, ")
       << "order ";
    opt(f.order);
    os << ", refcount ";
    opt(f.refcount);
    os << ", mapcount ";
    opt(f.mapcount);
    if (f.pincount)
        os << ", pincount " << *f.pincount;
    os << ", anon ";
    yes_no(f.anon);
    if (f.ksm == true)
        os << " (ksm)";
    os << ", swapcache ";
    yes_no(f.swapcache);
    if (f.typed)
        os << ", page type "
           << (f.type ? std::string(page_type_name(*f.type)) : std::string("not modelled"));
    return os;
}

inline std::ostream& operator<<(std::ostream& os, const page_ref_line& r)
{
    os << r.event << " at line " << r.line << ": count " << r.count.value_or(0);
    if (r.val)
        os << " (" << (*r.val >= 0 ? "+" : "") << *r.val << ')';
    if (r.pfn)
        os << ", pfn " << foliorc::detail::hex(*r.pfn);
    if (r.mapcount)
        os << ", mapcount field " << *r.mapcount;
    if (r.flags)
        os << ", " << *r.flags;
    if (r.mt)
        os << ", mt " << *r.mt;
    return os;
}

namespace model {

inline std::ostream& operator<<(std::ostream& os, placement p)
{
    switch (p) {
    case placement::normal: return os << "ZONE_NORMAL";
    case placement::cma: return os << "CMA pageblock";
    case placement::movable: return os << "ZONE_MOVABLE";
    }
    return os << "?";
}

// "pin_user_pages: ENOMEM (-12) after 2 attempts, 10 migrate passes (3 async, 7 sync), 0 local
// drains, 1 drain-alls (0 wasted), 0 pages pinned"
inline std::ostream& operator<<(std::ostream& os, const pin_result& r)
{
    os << "pin_user_pages: " << model::errno_name(r.ret) << " (" << r.ret << ") after "
       << r.gup_attempts << " attempts, " << r.migrate_passes << " migrate passes ("
       << r.migrate_async_passes << " async, " << r.migrate_sync_passes << " sync), "
       << r.local_drains << " local drains, " << r.drain_alls << " drain-alls (" << r.wasted_drains
       << " wasted), " << r.folios.size() << " pages pinned";
    return os;
}

// "step 3 cpu 0 folio_add_lru (page_ref_mod) folio 0 pfn 0x1000: refcount +1 -> 2, mapcount 0;
// held by ...; flags lru"
inline std::ostream& operator<<(std::ostream& os, const trace_event& e)
{
    os << "step " << e.step << " cpu " << e.cpu << ' ' << e.event;
    if (!e.tracepoint.empty())
        os << " (" << e.tracepoint << ')';
    os << " folio " << e.folio << " pfn " << foliorc::detail::hex(e.pfn) << ": refcount "
       << (e.delta >= 0 ? "+" : "") << e.delta << " -> " << e.refcount << ", mapcount "
       << e.mapcount << "; held by ";
    if (e.holders.empty())
        os << "nobody";
    for (std::size_t i = 0; i < e.holders.size(); ++i)
        os << (i ? ", " : "") << foliorc::describe(e.holders[i].first) << ' '
           << e.holders[i].second;
    os << "; flags ";
    foliorc::detail::print::flags(os, e.flags, false, e.flags.test(pg::swapbacked));
    return os;
}

inline std::ostream& operator<<(std::ostream& os, const traced_ledger& l)
{
    return os << static_cast<const ledger_full&>(l);
}

} // namespace model

} // namespace foliorc::inline FOLIORC_ABI

#if FOLIORC_HAS_STD_FORMAT
// std::format support: every type above formats as its operator<< prints it ("{}" only).
namespace foliorc::inline FOLIORC_ABI::detail {
// Parses the standard string spec ("{:>60}") and formats the operator<< text with it. format()
// is const (C++23 requires it) and works on a copy, since C++20 libraries' base format() may
// not be.
template <class T>
struct ostream_formatter : std::formatter<std::string_view> {
    template <class Ctx>
    auto format(const T& v, Ctx& ctx) const
    {
        std::ostringstream s;
        s << v;
        const std::string text = s.str();
        std::formatter<std::string_view> base = *this;
        return base.format(std::string_view(text), ctx);
    }
};
} // namespace foliorc::inline FOLIORC_ABI::detail

#define FOLIORC_DETAIL_FORMATTER(...)                                                              \
    template <>                                                                                    \
    struct std::formatter<__VA_ARGS__> : foliorc::detail::ostream_formatter<__VA_ARGS__> {         \
    }
FOLIORC_DETAIL_FORMATTER(foliorc::pg);
FOLIORC_DETAIL_FORMATTER(foliorc::flag_set);
FOLIORC_DETAIL_FORMATTER(foliorc::page_type);
FOLIORC_DETAIL_FORMATTER(foliorc::zone_type);
FOLIORC_DETAIL_FORMATTER(foliorc::migratetype);
FOLIORC_DETAIL_FORMATTER(foliorc::errc);
FOLIORC_DETAIL_FORMATTER(foliorc::folio_error);
FOLIORC_DETAIL_FORMATTER(foliorc::mapping_kind);
FOLIORC_DETAIL_FORMATTER(foliorc::fs_behaviour);
FOLIORC_DETAIL_FORMATTER(foliorc::holder);
FOLIORC_DETAIL_FORMATTER(foliorc::batch_kind);
FOLIORC_DETAIL_FORMATTER(foliorc::holder_id);
FOLIORC_DETAIL_FORMATTER(foliorc::no_ledger);
FOLIORC_DETAIL_FORMATTER(foliorc::ledger_by_kind);
FOLIORC_DETAIL_FORMATTER(foliorc::ledger_full);
FOLIORC_DETAIL_FORMATTER(foliorc::folio_snapshot);
FOLIORC_DETAIL_FORMATTER(foliorc::rule_warning);
FOLIORC_DETAIL_FORMATTER(foliorc::warning_recorder);
FOLIORC_DETAIL_FORMATTER(foliorc::rule_value);
FOLIORC_DETAIL_FORMATTER(foliorc::gup_flags);
FOLIORC_DETAIL_FORMATTER(foliorc::mlock_tag);
FOLIORC_DETAIL_FORMATTER(foliorc::lru_era);
FOLIORC_DETAIL_FORMATTER(foliorc::drain_counters);
FOLIORC_DETAIL_FORMATTER(foliorc::drain_done);
FOLIORC_DETAIL_FORMATTER(foliorc::collect_decision);
FOLIORC_DETAIL_FORMATTER(foliorc::collect_result);
FOLIORC_DETAIL_FORMATTER(foliorc::migrate_pages_result);
FOLIORC_DETAIL_FORMATTER(foliorc::longterm_result);
FOLIORC_DETAIL_FORMATTER(foliorc::parse_error);
FOLIORC_DETAIL_FORMATTER(foliorc::rule_set_info);
FOLIORC_DETAIL_FORMATTER(foliorc::folio_kind);
FOLIORC_DETAIL_FORMATTER(foliorc::state_point);
FOLIORC_DETAIL_FORMATTER(foliorc::rule_disagreement);
FOLIORC_DETAIL_FORMATTER(foliorc::dump_flags);
FOLIORC_DETAIL_FORMATTER(foliorc::page_dump);
FOLIORC_DETAIL_FORMATTER(foliorc::page_ref_line);
FOLIORC_DETAIL_FORMATTER(foliorc::model::placement);
FOLIORC_DETAIL_FORMATTER(foliorc::model::pin_result);
FOLIORC_DETAIL_FORMATTER(foliorc::model::trace_event);
FOLIORC_DETAIL_FORMATTER(foliorc::model::traced_ledger);
#undef FOLIORC_DETAIL_FORMATTER

template <foliorc::refcount_rep R, class M, class L>
struct std::formatter<foliorc::basic_folio<R, M, L>>
    : foliorc::detail::ostream_formatter<foliorc::basic_folio<R, M, L>> {
};
template <class P>
struct std::formatter<foliorc::basic_mapping<P>>
    : foliorc::detail::ostream_formatter<foliorc::basic_mapping<P>> {
};
template <class F>
struct std::formatter<foliorc::page_ref<F>>
    : foliorc::detail::ostream_formatter<foliorc::page_ref<F>> {
};
#endif
