// foliorc_conformance: foliorc against the kernel's own functions (docs/conformance.md).
// The kernel side is kernel.c, compiled per version from the extracted source; this file holds
// the checks: rules, collect, dump, flags, batch. One line (or one JSON object with --json)
// per check and kernel; any disagreement makes the exit status 1.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <rapidcheck.h>

#include <foliorc/foliorc.hpp>

#include "kabi.h"

#include <foliorc/kernels.hpp>

namespace fr = foliorc;

namespace {

// ---- the presets the two source versions pin down ----
using preset_6_12 = fr::kernels::v6_12_118;
using preset_6_1 = fr::kernels::v6_1_192;

// ---- results ----
struct result {
    std::string check, kernel;
    long cases = 0, disagreements = 0;
    long skipped = 0;  // inputs this kernel version cannot represent (see docs)
    std::string first; // the first (for RapidCheck: the shrunk) disagreement, in full
    std::string note;
    std::map<std::string, long> kinds; // what disagreed, by kind, for --verbose

    result(std::string c, std::string k) : check(std::move(c)), kernel(std::move(k)) {}
    std::map<std::string, long> coverage; // what the inputs exercised, for --verbose
    std::map<std::string, std::string>
        example; // the first disagreement of each kind, for --verbose
    void note_kind(const std::string& kind, const std::string& what)
    {
        if (++kinds[kind] == 1)
            example[kind] = what;
    }
    void disagree(std::string what, const std::string& kind = {})
    {
        if (!kind.empty())
            note_kind(kind, what);
        if (disagreements++ == 0)
            first = std::move(what);
    }
};

std::string json_escape(std::string_view s)
{
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\')
            o += '\\', o += c;
        else if (c == '\n')
            o += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20)
            o += ' ';
        else
            o += c;
    }
    return o;
}

// ---- kernel flag bits, from the kernel's own enum pageflags ----
struct kernel_flags {
    const kabi_api* api;
    std::optional<unsigned> bit_of_name(std::string_view name) const
    {
        for (int i = 0; i < api->nr_pageflags_entries; ++i)
            if (name == api->pageflags[i].name && api->pageflags[i].value < api->nr_pageflags)
                return unsigned(api->pageflags[i].value);
        return std::nullopt;
    }
    // The kernel's bit for a foliorc flag identity: PG_<pg_name>, else an alias the kernel
    // declares that foliorc resolves to the same identity.
    std::optional<unsigned> bit(fr::pg p) const
    {
        if (auto b = bit_of_name("PG_" + std::string(fr::pg_name(p))))
            return b;
        for (int i = 0; i < api->nr_pageflags_entries; ++i) {
            std::string_view n = api->pageflags[i].name;
            if (n.substr(0, 3) != "PG_" || api->pageflags[i].value >= api->nr_pageflags)
                continue;
            if (auto q = fr::parse_pg(n.substr(3)); q && *q == p)
                return unsigned(api->pageflags[i].value);
        }
        return std::nullopt;
    }
};

constexpr kabi_type to_kabi(fr::page_type t)
{
    switch (t) {
    case fr::page_type::none: return KABI_TY_NONE;
    case fr::page_type::buddy: return KABI_TY_BUDDY;
    case fr::page_type::offline: return KABI_TY_OFFLINE;
    case fr::page_type::table: return KABI_TY_TABLE;
    case fr::page_type::guard: return KABI_TY_GUARD;
    case fr::page_type::hugetlb: return KABI_TY_HUGETLB;
    case fr::page_type::slab: return KABI_TY_SLAB;
    case fr::page_type::zsmalloc: return KABI_TY_ZSMALLOC;
    case fr::page_type::unaccepted: return KABI_TY_UNACCEPTED;
    default: return KABI_TY_COUNT;
    }
}

std::string describe(const fr::folio_snapshot& s)
{
    std::ostringstream o;
    o << "{order " << s.order << ", type " << fr::page_type_name(s.type) << ", mapping "
      << fr::mapping_kind_name(s.mapping) << ", flags [";
    bool first = true;
    s.flags.for_each([&](fr::pg p) {
        o << (first ? "" : " ") << fr::pg_name(p);
        first = false;
    });
    o << "], mapcount " << s.mapcount << ", refcount " << s.refcount << ", pincount " << s.pincount
      << ", pfn 0x" << std::hex << s.pfn << std::dec << "}";
    return o.str();
}

// A folio_snapshot as this kernel version holds it; nullopt if the version cannot represent
// it (a page type or flag it does not have).
std::optional<kabi_folio> to_kernel(const kernel_flags& kf, const fr::folio_snapshot& s)
{
    kabi_folio k{};
    bool ok = true;
    s.flags.for_each([&](fr::pg p) {
        if (auto b = kf.bit(p))
            k.flags |= 1UL << *b;
        else
            ok = false;
    });
    const kabi_type t = to_kabi(s.type);
    if (!ok || t == KABI_TY_COUNT || !kf.api->has_type[t])
        return std::nullopt;
    switch (s.mapping) {
    case fr::mapping_kind::none: k.mapping = KABI_MAP_NONE; break;
    case fr::mapping_kind::anon: k.mapping = KABI_MAP_ANON; break;
    case fr::mapping_kind::ksm: k.mapping = KABI_MAP_KSM; break;
    case fr::mapping_kind::movable_ops: k.mapping = KABI_MAP_MOVABLE; break;
    case fr::mapping_kind::file: k.mapping = KABI_MAP_FILE; break;
    default: return std::nullopt; // folio->mapping never points at the swap space itself
    }
    k.order = s.order;
    k.type = t;
    k.refcount = s.refcount;
    k.mapcount = s.mapcount;
    k.page_mapcount = s.order ? std::min(s.mapcount, 1) : s.mapcount;
    k.entire_mapcount = s.type == fr::page_type::hugetlb ? s.mapcount : 0;
    k.pincount = s.pincount;
    k.pfn = s.pfn;
    return k;
}

// RapidCheck, quietly: its own reporting goes to a string; we report.
rc::detail::TestParams rc_params(int cases, std::uint64_t seed)
{
    rc::detail::TestParams p;
    p.seed = seed;
    p.maxSuccess = cases;
    p.maxSize = 100;
    return p;
}

// Runs `prop` on `cases` random inputs twice if need be: first counting every disagreement
// (RapidCheck stops at the first failure, so this pass never fails), then, if there was one,
// letting RapidCheck shrink it to the smallest failing input, which is the one shown.
template <class Prop>
void rc_run(result& r, int cases, std::uint64_t seed, Prop&& prop)
{
    std::ostringstream sink;
    auto* old_out = std::cout.rdbuf(sink.rdbuf());
    auto* old_err = std::cerr.rdbuf(sink.rdbuf());
    long found = 0, compared = 0;
    std::string first_raw;
    const auto counting =
        rc::detail::checkProperty(rc::detail::toProperty([&] {
                                      std::vector<std::string> kinds;
                                      std::string why = prop(kinds);
                                      ++compared;
                                      if (why.empty())
                                          return;
                                      if (found++ == 0)
                                          first_raw = why;
                                      for (auto& k : kinds)
                                          r.note_kind(k, why);
                                  }),
                                  rc::detail::TestMetadata{}, rc_params(cases, seed));
    std::string smallest;
    if (found) {
        rc::detail::checkProperty(rc::detail::toProperty([&] {
                                      std::vector<std::string> kinds;
                                      std::string why = prop(kinds);
                                      if (!why.empty()) {
                                          smallest = why; // the last failure seen is the smallest
                                          RC_FAIL(why);
                                      }
                                  }),
                                  rc::detail::TestMetadata{}, rc_params(cases, seed));
    }
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    rc::detail::SuccessResult ok;
    if (!counting.match(ok))
        r.disagree("RapidCheck could not run the property: " + sink.str());
    // discarded inputs (RC_DISCARD) are not cases
    r.cases += ok.numSuccess;
    (void)compared;
    for (long i = 0; i < found; ++i)
        r.disagree(smallest.empty()
                       ? first_raw
                       : smallest + "\n  (RapidCheck seed " + std::to_string(seed) + ", shrunk)");
}

// ---- random folios ----
const std::vector<fr::pg>& random_flag_pool()
{
    static const std::vector<fr::pg> pool = [] {
        std::vector<fr::pg> v{
            fr::pg::lru,        fr::pg::active,     fr::pg::referenced,   fr::pg::dirty,
            fr::pg::uptodate,   fr::pg::swapbacked, fr::pg::owner_priv_1, fr::pg::owner_2,
            fr::pg::private_,   fr::pg::private_2,  fr::pg::unevictable,  fr::pg::mlocked,
            fr::pg::workingset, fr::pg::writeback,  fr::pg::locked,       fr::pg::reclaim};
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end()); // private_2 may alias owner_2
        return v;
    }();
    return pool;
}

fr::folio_snapshot any_snapshot(bool typed_ok)
{
    using namespace rc;
    fr::folio_snapshot s;
    const int ty = *gen::inRange(0, typed_ok ? 18 : 11);
    static constexpr fr::page_type types[] = {fr::page_type::hugetlb,  fr::page_type::slab,
                                              fr::page_type::buddy,    fr::page_type::table,
                                              fr::page_type::zsmalloc, fr::page_type::offline,
                                              fr::page_type::guard,    fr::page_type::unaccepted};
    s.type = ty < 10 ? fr::page_type::none : types[ty - 10];
    static constexpr fr::mapping_kind kinds[] = {
        fr::mapping_kind::none, fr::mapping_kind::anon, fr::mapping_kind::ksm,
        fr::mapping_kind::movable_ops, fr::mapping_kind::file};
    s.mapping = kinds[*gen::inRange(0, 5)];
    const auto& pool = random_flag_pool();
    const auto bits = *gen::inRange<std::uint32_t>(0, 1u << pool.size());
    for (std::size_t i = 0; i < pool.size(); ++i)
        if (bits & (1u << i))
            s.flags.set(pool[i]);
    if (s.type == fr::page_type::hugetlb) {
        s.order = *gen::element(9u, 18u);
        s.mapcount = *gen::inRange(0, 3);
    } else if (s.type != fr::page_type::none) {
        s.order = 0;
        s.mapcount = 0; // a typed page's _mapcount is its page_type
    } else {
        s.order = *gen::element(0u, 0u, 1u, 2u, 4u, 9u);
        s.mapcount = *gen::inRange(0, 4);
    }
    s.refcount = *gen::inRange(0, 8);
    s.pfn = 0x100000 + (std::uint64_t(*gen::inRange(0, 64)) << s.order);
    return s;
}

// ---- check 1: rules ----
template <class K>
result check_rules(const kabi_api& api, int cases, std::uint64_t seed)
{
    using drain_rules = typename K::drain_rules;
    using migrate_rules = typename K::migrate_rules;
    result r{"rules", api.version};
    const kernel_flags kf{&api};
    ++r.cases; // the preset is the version the source tree says it is
    if (K::version != api.version)
        r.disagree("preset version " + std::string(K::version) + ", the tree's Makefile says " +
                   api.version);
    ++r.cases; // migrate_pages()'s passes
    if (K::passes.async != api.migrate_async_passes || K::passes.sync != api.migrate_sync_passes ||
        K::passes.batched != bool(api.migrate_batched))
        r.disagree("migrate_pages passes: kernel " + std::to_string(api.migrate_async_passes) +
                       " async + " + std::to_string(api.migrate_sync_passes) + " sync" +
                       (api.migrate_batched ? " (batched)" : "") + ", preset " +
                       std::to_string(K::passes.async) + " + " + std::to_string(K::passes.sync) +
                       (K::passes.batched ? " (batched)" : ""),
                   "migrate_pages passes");
    auto one = [&](const fr::folio_snapshot& s) -> std::string {
        const auto k = to_kernel(kf, s);
        if (!k) {
            ++r.skipped;
            return {};
        }
        int kwarn = 0;
        const int kval = api.expected_ref_count(&*k, &kwarn);
        const int kmig = api.migrate_expected_refs(&*k);
        fr::warning_recorder w;
        fr::expected_ref_count<drain_rules>(s, w);
        const int fval = fr::expected_without_caller<drain_rules>(s);
        const int fmig = fr::migration_expected_refs<migrate_rules>(s);
        if (kval == fval && (kwarn != 0) == (w.count > 0) && kmig == fmig)
            return {};
        std::ostringstream o;
        o << describe(s) << ": kernel folio_expected_ref_count " << kval << (kwarn ? " (WARN)" : "")
          << ", foliorc " << drain_rules::name << " " << fval << (w.count ? " (warning)" : "")
          << "; kernel migration expects " << kmig << ", foliorc migration_expected_refs<"
          << migrate_rules::name << "> " << fmig;
        return o.str();
    };
    fr::for_each_state([&](const fr::state_point& p) {
        const long before = r.skipped;
        std::string why = one(p.folio);
        if (r.skipped == before)
            ++r.cases;
        if (!why.empty()) {
            r.disagree("explore state " + why,
                       "explore " + why.substr(0, why.find(", flags")) + "}");
        }
    });
    rc_run(r, cases, seed, [&](std::vector<std::string>& kinds) {
        const long before = r.skipped;
        std::string why = one(any_snapshot(true));
        if (!why.empty())
            kinds.push_back(why.substr(0, why.find(", flags")) + "}");
        if (r.skipped != before) {
            r.skipped = before; // RapidCheck draws again
            RC_DISCARD("not representable in this kernel");
        }
        return why;
    });
    return r;
}

// ---- check 2: collection ----
struct collect_case {
    std::vector<fr::folio_snapshot> folios;
    std::vector<kabi_folio> desc;
    std::vector<int> entries; // folio arrays: folio index; page arrays: folio * 4096 + page
    bool has_folios = false;
};

std::string describe(const collect_case& c)
{
    std::ostringstream o;
    o << (c.has_folios ? "folio array" : "page array") << " [";
    for (std::size_t i = 0; i < c.entries.size(); ++i)
        o << (i ? " " : "") << (c.has_folios ? c.entries[i] : c.entries[i] / 4096)
          << (c.has_folios ? "" : "." + std::to_string(c.entries[i] % 4096));
    o << "]; folios:";
    for (std::size_t i = 0; i < c.folios.size(); ++i) {
        const auto& d = c.desc[i];
        o << "\n  " << i << ": " << describe(c.folios[i])
          << (d.pinnable ? " pinnable" : " unpinnable")
          << (d.device_coherent ? " device_coherent" : "")
          << (d.hugetlb_isolatable ? " hugetlb_isolatable" : "") << " batch refs local "
          << d.local_batch_refs << " remote " << d.remote_batch_refs;
    }
    return o.str();
}

std::string describe(const std::vector<kabi_event>& ev, long collected,
                     const std::vector<int>& refs)
{
    static constexpr const char* names[] = {"lru_add_drain", "lru_add_drain_all", "isolate_hugetlb",
                                            "folio_isolate_lru", "list_add_tail"};
    std::ostringstream o;
    o << "collected " << collected << ", calls:";
    for (const auto& e : ev) {
        o << " " << names[e.kind];
        if (e.folio >= 0)
            o << "(" << e.folio
              << (e.kind == KABI_EV_ISOLATE_HUGETLB || e.kind == KABI_EV_ISOLATE_LRU
                      ? (e.ok ? ")=ok" : ")=fail")
                      : ")");
    }
    o << ", refcounts after:";
    for (int x : refs)
        o << " " << x;
    return o.str();
}

collect_case any_collect_case(const kernel_flags& kf, bool folio_arrays)
{
    using namespace rc;
    collect_case c;
    c.has_folios = folio_arrays && *gen::arbitrary<bool>();
    const int n = *gen::inRange(1, 7);
    for (int i = 0; i < n; ++i) {
        fr::folio_snapshot s;
        kabi_folio d{};
        const bool huge = *gen::inRange(0, 10) == 0;
        s.type = huge ? fr::page_type::hugetlb : fr::page_type::none;
        s.order = huge ? 9u : *gen::element(0u, 0u, 0u, 1u, 2u, 4u);
        s.mapping = huge ? fr::mapping_kind::file
                         : *gen::element(fr::mapping_kind::anon, fr::mapping_kind::file,
                                         fr::mapping_kind::none);
        const bool anon = s.mapping == fr::mapping_kind::anon;
        if (anon || (s.mapping == fr::mapping_kind::none && *gen::arbitrary<bool>()))
            s.flags.set(fr::pg::swapbacked);
        if (s.flags.test(fr::pg::swapbacked) &&
            (s.mapping == fr::mapping_kind::none || *gen::arbitrary<bool>()))
            s.flags.set(fr::pg::owner_priv_1); // in the swap cache
        if (s.mapping == fr::mapping_kind::file && !huge && *gen::arbitrary<bool>())
            s.flags.set(fr::pg::private_);
        s.mapcount = huge ? *gen::inRange(0, 2) : *gen::inRange(0, 3);
        s.pfn = 0x40000ull * std::uint64_t(i + 1);
        d.pinnable = *gen::inRange(0, 3) == 0;
        d.device_coherent = !huge && !d.pinnable && *gen::inRange(0, 8) == 0;
        d.hugetlb_isolatable = huge && *gen::arbitrary<bool>();
        const bool cached = !s.order && *gen::arbitrary<bool>();
        d.local_batch_refs = cached ? *gen::inRange(0, 3) : 0;
        d.remote_batch_refs = cached ? *gen::inRange(0, 2) : 0;
        // on the LRU unless it waits in an lru_add batch (then the drain puts it there)
        if (!huge && (d.local_batch_refs + d.remote_batch_refs == 0 ? *gen::inRange(0, 6) != 0
                                                                    : *gen::inRange(0, 4) == 0))
            s.flags.set(fr::pg::lru);
        c.folios.push_back(s);
        c.desc.push_back(d);
    }
    // The entries: runs of a folio's pages (or the folio), sometimes repeated, sometimes a
    // folio coming back later.
    const int runs = *gen::inRange(1, 9);
    for (int r = 0; r < runs; ++r) {
        const int f = *gen::inRange(0, n);
        if (c.has_folios) {
            const int times = *gen::inRange(1, 3);
            for (int t = 0; t < times; ++t)
                c.entries.push_back(f);
        } else {
            const int nr = 1 << c.folios[f].order;
            const int start = *gen::inRange(0, nr);
            const int len = *gen::inRange(1, std::min(nr - start, 4) + 1);
            for (int p = start; p < start + len; ++p) {
                c.entries.push_back(f * 4096 + p);
                if (*gen::inRange(0, 6) == 0)
                    c.entries.push_back(f * 4096 + p); // the same page twice
            }
        }
    }
    // refcount: the references the folio's state accounts for, one pin per entry (FOLL_PIN:
    // 1 on a large folio, GUP_PIN_COUNTING_BIAS on a small one), batch references, stray ones.
    for (std::size_t i = 0; i < c.folios.size(); ++i) {
        auto& s = c.folios[i];
        const int per_pin = s.order ? 1 : 1024;
        int pins = 0;
        for (int e : c.entries)
            pins += (c.has_folios ? e : e / 4096) == int(i);
        const int stray = *gen::inRange(0, 5) == 0 ? *gen::inRange(1, 3) : 0;
        s.refcount = fr::expected_without_caller<fr::rules::v6_19>(s) + pins * per_pin +
                     c.desc[i].local_batch_refs + c.desc[i].remote_batch_refs + stray;
        s.pincount = s.order ? pins : 0;
        auto k = to_kernel(kf, s);
        RC_ASSERT(k.has_value());
        k->pinnable = c.desc[i].pinnable;
        k->device_coherent = c.desc[i].device_coherent;
        k->hugetlb_isolatable = c.desc[i].hugetlb_isolatable;
        k->local_batch_refs = c.desc[i].local_batch_refs;
        k->remote_batch_refs = c.desc[i].remote_batch_refs;
        c.desc[i] = *k;
    }
    return c;
}

// foliorc's side of the environment: the same model as kernel.c's stubs, on folio_snapshots.
struct model_env {
    std::vector<fr::folio_snapshot>* folios;
    std::vector<kabi_folio> desc;
    std::vector<kabi_event> events;

    int index(const fr::folio_snapshot& f) const { return int(&f - folios->data()); }
    void event(int kind, int folio, bool ok) { events.push_back(kabi_event{kind, folio, ok}); }
    bool is_longterm_pinnable(fr::folio_snapshot& f) { return desc[index(f)].pinnable; }
    bool is_device_coherent(fr::folio_snapshot& f) { return desc[index(f)].device_coherent; }
    bool isolate_hugetlb(fr::folio_snapshot& f)
    {
        auto& d = desc[index(f)];
        const bool ok = d.hugetlb_isolatable && f.refcount > 0;
        if (ok) {
            d.hugetlb_isolatable = 0;
            ++f.refcount;
        }
        event(KABI_EV_ISOLATE_HUGETLB, index(f), ok);
        return ok;
    }
    void drain(bool all)
    {
        for (std::size_t i = 0; i < folios->size(); ++i) {
            auto& d = desc[i];
            const int n = d.local_batch_refs + (all ? d.remote_batch_refs : 0);
            if (!n)
                continue;
            (*folios)[i].refcount -= n;
            d.local_batch_refs = 0;
            if (all)
                d.remote_batch_refs = 0;
            (*folios)[i].flags.set(fr::pg::lru);
        }
    }
    void lru_add_drain()
    {
        event(KABI_EV_LOCAL_DRAIN, -1, true);
        drain(false);
    }
    void lru_add_drain_all()
    {
        event(KABI_EV_DRAIN_ALL, -1, true);
        drain(true);
    }
    bool isolate_lru(fr::folio_snapshot& f)
    {
        const bool ok = f.flags.test(fr::pg::lru);
        if (ok) {
            f.flags.clear(fr::pg::lru);
            ++f.refcount;
        }
        event(KABI_EV_ISOLATE_LRU, index(f), ok);
        return ok;
    }
    void add_to_list(fr::folio_snapshot& f) { event(KABI_EV_LIST_ADD, index(f), true); }
};

template <class K>
result check_collect(const kabi_api& api, int cases, std::uint64_t seed)
{
    result r{"collect", api.version};
    const kernel_flags kf{&api};
    rc_run(r, cases, seed, [&](std::vector<std::string>& kinds) -> std::string {
        collect_case c = any_collect_case(kf, api.has_folio_arrays);
        // the kernel
        std::vector<kabi_folio> kdesc = c.desc;
        kabi_collect_log log;
        api.collect(kdesc.data(), int(kdesc.size()), c.entries.data(), int(c.entries.size()),
                    c.has_folios, &log);
        const std::vector<kabi_event> kev(log.events, log.events + log.nr_events);
        const std::vector<int> krefs(log.refcount_after, log.refcount_after + kdesc.size());
        {
            bool local = false, all = false, failed = false, huge = false;
            for (const auto& e : kev) {
                local |= e.kind == KABI_EV_LOCAL_DRAIN;
                all |= e.kind == KABI_EV_DRAIN_ALL;
                failed |=
                    (e.kind == KABI_EV_ISOLATE_LRU || e.kind == KABI_EV_ISOLATE_HUGETLB) && !e.ok;
                huge |= e.kind == KABI_EV_ISOLATE_HUGETLB;
            }
            ++r.coverage[c.has_folios ? "folio arrays" : "page arrays"];
            r.coverage["with lru_add_drain"] += local;
            r.coverage["with lru_add_drain_all"] += all;
            r.coverage["with a failed isolation"] += failed;
            r.coverage["with hugetlb isolation"] += huge;
        }
        // foliorc
        std::vector<fr::folio_snapshot> folios = c.folios;
        model_env env{&folios, c.desc, {}};
        fr::collect_result res;
        if (c.has_folios) {
            std::vector<fr::folio_snapshot*> pofs;
            for (int e : c.entries)
                pofs.push_back(&folios[std::size_t(e)]);
            res = fr::collect_unpinnable(pofs, env, typename K::policy{}, typename K::dedupe{});
        } else {
            std::vector<fr::page_ref<fr::folio_snapshot>> pofs;
            for (int e : c.entries)
                pofs.push_back({&folios[std::size_t(e / 4096)]});
            res = fr::collect_unpinnable(pofs, env, typename K::policy{}, typename K::dedupe{});
        }
        std::vector<int> frefs;
        for (const auto& f : folios)
            frefs.push_back(f.refcount);
        const bool same_events = kev.size() == env.events.size() &&
                                 std::equal(kev.begin(), kev.end(), env.events.begin(),
                                            [](const kabi_event& a, const kabi_event& b) {
                                                return a.kind == b.kind && a.folio == b.folio &&
                                                       (a.ok != 0) == (b.ok != 0);
                                            });
        if (log.collected == res.collected && same_events && krefs == frefs)
            return {};
        kinds.push_back(std::string(c.has_folios ? "folio" : "page") + " array: " +
                        (log.collected != res.collected ? "collected differs"
                         : same_events                  ? "refcounts differ"
                                                        : "calls differ"));
        return describe(c) + "\n  kernel: " + describe(kev, log.collected, krefs) + "\n  foliorc " +
               std::string(K::policy::name) + "/" + std::string(K::dedupe::name) + ": " +
               describe(env.events, res.collected, frefs);
    });
    return r;
}

// ---- check 3: dumps ----
// The " CMA" suffix of the flags line, if the parser has a place for it (a rewrite may add one).
template <class D>
std::optional<bool> dump_cma(const D& d)
{
    if constexpr (requires { d.cma; })
        return bool(d.cma);
    else
        return std::nullopt;
}

std::string dump_field_mismatch(const kabi_api& api, const kernel_flags& kf, const kabi_folio& k,
                                const kabi_dump& out, std::vector<std::string>& kinds)
{
    const auto parsed = fr::parse_dmesg(out.text);
    if (!parsed.errors.empty()) {
        kinds.push_back("parse error");
        return "parse error at line " + std::to_string(parsed.errors[0].line) + " col " +
               std::to_string(parsed.errors[0].column) + ": " + parsed.errors[0].message;
    }
    if (parsed.dumps.size() != 1)
        return "parsed " + std::to_string(parsed.dumps.size()) + " dumps, expected 1";
    const fr::page_dump& d = parsed.dumps[0];
    std::string bad;
    auto expect = [&](bool ok, const kabi_field& f, const std::string& got) {
        if (!ok)
            kinds.push_back(std::string(f.line) + " " + f.key + "%" +
                            (f.conv == 'G' ? std::string("pGp") : std::string(1, f.conv))),
                bad += std::string(bad.empty() ? "" : "; ") + "'" + f.line + " " + f.key + "%" +
                       (f.conv == 'G' ? std::string("pGp") : std::string(1, f.conv)) +
                       "' printed '" +
                       (f.conv == 's' ? std::string(f.str) : std::to_string(f.num)) +
                       "', parser read " + got;
    };
    auto show = [](const auto& o) { return o ? std::to_string(*o) : std::string("nothing"); };
    int type_strings = 0;
    for (int i = 0; i < out.nr_fields; ++i) {
        const kabi_field& f = out.fields[i];
        const std::string line = f.line, key = f.key;
        if (line.rfind("page:", 0) == 0) {
            if (key == "page:")
                expect(!d.pointer.empty(), f, d.pointer.empty() ? "no pointer" : "a pointer");
            else if (key == "refcount:")
                expect(d.refcount && *d.refcount == f.num, f, show(d.refcount));
            else if (key == "mapcount:") // the page's, verbatim
                expect(d.page_mapcount && *d.page_mapcount == f.num, f, show(d.page_mapcount));
            else if (key == "mapping:")
                expect(d.mapping && (*d.mapping == 0) == (f.num == 0), f,
                       d.mapping ? (*d.mapping ? "non-NULL" : "NULL") : "nothing");
            else if (key == "index:")
                expect(d.index && *d.index == std::uint64_t(f.num), f, show(d.index));
            else if (key == "pfn:")
                expect(d.pfn && *d.pfn == std::uint64_t(f.num), f, show(d.pfn));
            else
                expect(false, f, "(no such field in page_dump)");
        } else if (line.rfind("head:", 0) == 0) {
            if (key == "head:")
                continue; // 6.1 prints the head page's address; which page it is, line 1 says
            else if (key == "order:")
                expect(d.order && *d.order == unsigned(f.num), f, show(d.order));
            else if (key == "mapcount:") // 6.9+: folio_mapcount(), as printed and as the folio's
                expect(d.head_mapcount && *d.head_mapcount == f.num &&
                           d.folio.mapcount == d.head_mapcount,
                       f, show(d.head_mapcount) + " (folio: " + show(d.folio.mapcount) + ")");
            else if (key == "entire_mapcount:")
                expect(d.entire_mapcount && *d.entire_mapcount == f.num, f,
                       show(d.entire_mapcount));
            else if (key == "nr_pages_mapped:")
                expect(d.nr_pages_mapped && *d.nr_pages_mapped == f.num, f,
                       show(d.nr_pages_mapped));
            else if (key == "pincount:") // 6.9+
                expect(d.pincount && *d.pincount == f.num && d.folio.pincount == d.pincount, f,
                       show(d.pincount) + " (folio: " + show(d.folio.pincount) + ")");
            else if (key == "compound_pincount:") // 5.8 - 6.1: the folio's _pincount
                expect(d.compound_pincount && *d.compound_pincount == f.num &&
                           d.folio.pincount == d.compound_pincount,
                       f, show(d.compound_pincount) + " (folio: " + show(d.folio.pincount) + ")");
            else if (key == "compound_mapcount:") // 5.8 - 6.1: the entire (PMD) mapcount
                expect(d.compound_mapcount && *d.compound_mapcount == f.num, f,
                       show(d.compound_mapcount));
            else
                expect(false, f, "(no such field in page_dump)");
        } else if (line == "memcg:") {
            expect(d.memcg && *d.memcg == std::uint64_t(f.num), f, show(d.memcg));
        } else if (line == "%sflags:") {
            if (f.conv == 's' && type_strings++ == 0) { // "anon ", "ksm " or ""
                const std::string t = f.str;
                expect(d.label == (t == "anon "  ? "anon"
                                   : t == "ksm " ? "ksm"
                                                 : ""),
                       f, d.label.empty() ? "no label" : d.label);
            } else if (f.conv == 's') { // " CMA" or ""
                const bool printed = std::string(f.str) == " CMA";
                const auto read = dump_cma(d);
                if (!read && !printed)
                    continue; // nothing printed; the parser has nowhere to put it
                expect(read && *read == printed, f,
                       read ? (*read ? "CMA" : "not CMA") : "nothing (page_dump has no CMA field)");
            } else if (f.conv == 'G') {
                if (!d.flags) {
                    expect(false, f, "no flags");
                    continue;
                }
                // Every name %pGp printed must come back as the flag with that bit in this kernel
                // (or, for a flag foliorc does not model, as an unknown name), and nothing else.
                unsigned long left = (unsigned long)f.num & ((1UL << api.nr_pageflags) - 1);
                fr::flag_set want;
                std::vector<std::string> want_unknown;
                for (int n = 0; n < api.nr_flag_names && left; ++n) {
                    const auto& fn = api.flag_names[n];
                    if ((left & fn.mask) != fn.mask)
                        continue;
                    left &= ~fn.mask;
                    const auto p = fr::parse_pg(fn.name);
                    if (!p) {
                        want_unknown.emplace_back(fn.name);
                        continue;
                    }
                    const auto b = kf.bit(*p);
                    if (!b || (1UL << *b) != fn.mask)
                        kinds.push_back(std::string("%pGp ") + fn.name),
                            bad += std::string(bad.empty() ? "" : "; ") + "%pGp printed '" +
                                   fn.name + "' (bit " + std::to_string(__builtin_ctzl(fn.mask)) +
                                   "), foliorc reads it as " + std::string(fr::pg_name(*p)) +
                                   (b ? ", bit " + std::to_string(*b) + " in this kernel"
                                      : ", no bit in this kernel");
                    want.set(*p);
                }
                if (!(d.flags->known == want) || d.flags->unknown != want_unknown) {
                    std::string got;
                    d.flags->known.for_each([&](fr::pg p) {
                        got += std::string(got.empty() ? "" : "|") + std::string(fr::pg_name(p));
                    });
                    for (const auto& u : d.flags->unknown)
                        got += "|?" + u;
                    expect(false, f, "[" + got + "]");
                }
            }
        } else if (line == "page_type:") {
            if (f.conv == 's') {
                const auto named = fr::parse_page_type(f.str);
                const auto truth =
                    static_cast<fr::page_type>(k.type); // kabi_type order = page_type order
                const auto& ty = d.folio.type;
                const bool read_type = d.folio.typed && ty;
                expect(named ? read_type && ty == named : (!read_type || *ty == truth), f,
                       read_type ? std::string(fr::page_type_name(*ty)) : "nothing");
            }
        } else if (line == "page") { // "page dumped because: %s"
            expect(d.reason == f.str, f, "'" + d.reason + "'");
        } else {
            expect(false, f, "(a field the check does not know)");
        }
    }
    return bad;
}

template <class K>
result check_dump(const kabi_api& api, int cases, std::uint64_t seed)
{
    result r{"dump", api.version};
    const kernel_flags kf{&api};
    rc_run(r, cases, seed, [&](std::vector<std::string>& kinds) -> std::string {
        using namespace rc;
        kabi_folio k{};
        // any type this kernel has; hugetlb order 9, others 0..9
        int t;
        do
            t = *gen::inRange(0, int(KABI_TY_COUNT));
        while (!api.has_type[t]);
        if (*gen::inRange(0, 3) != 0)
            t = KABI_TY_NONE;
        k.type = t;
        k.order = t == KABI_TY_HUGETLB ? 9u
                  : t == KABI_TY_NONE  ? *gen::element(0u, 0u, 1u, 2u, 4u, 9u)
                                       : 0u;
        const unsigned head = *kf.bit_of_name("PG_head");
        k.flags = *gen::inRange<unsigned long>(0, 1UL << api.nr_pageflags) & ~(1UL << head);
        k.mapping = t == KABI_TY_NONE || t == KABI_TY_HUGETLB ? *gen::inRange(0, 5) : KABI_MAP_NONE;
        k.refcount = *gen::inRange(0, 3000);
        const int nr = 1 << k.order;
        if (t == KABI_TY_NONE) {
            k.mapcount = *gen::inRange(0, k.order ? nr + 2 : 4);
            k.page_mapcount = k.order ? *gen::inRange(0, std::min(k.mapcount, 2) + 1) : k.mapcount;
            k.entire_mapcount = k.order && k.mapping != KABI_MAP_FILE ? *gen::inRange(0, 2) : 0;
            k.nr_pages_mapped = k.order ? *gen::inRange(0, nr + 1) : 0;
        } else if (t == KABI_TY_HUGETLB) {
            k.mapcount = k.entire_mapcount = *gen::inRange(0, 3);
        }
        k.pincount = k.order ? *gen::inRange(0, 4) : 0;
        k.index = *gen::inRange<unsigned long>(0, 1UL << 20) << k.order;
        k.pfn = 0x100000 + (*gen::inRange<unsigned long>(0, 4096) << k.order);
        k.memcg =
            *gen::arbitrary<bool>() ? 0xffff888100000000ul + 0x40 * *gen::inRange(0, 1000) : 0;
        k.cma = *gen::inRange(0, 4) == 0;
        const unsigned long idx =
            k.order && *gen::arbitrary<bool>() ? *gen::inRange<unsigned long>(1, nr) : 0;
        static kabi_dump out;
        api.dump(&k, idx, &out);
        std::string bad = dump_field_mismatch(api, kf, k, out, kinds);
        if (bad.empty())
            return {};
        return bad + "\n  kernel's dump_page() of page " + std::to_string(idx) + ":\n" + out.text;
    });
    return r;
}

// ---- check 4: flags ----
template <class K>
result check_flags(const kabi_api& api)
{
    result r{"flags", api.version};
    const fr::flag_layout& layout = K::flags;
    const kernel_flags kf{&api};
    // __NR_PAGEFLAGS
    ++r.cases;
    if (long(layout.nr_pageflags()) != api.nr_pageflags)
        r.disagree("__NR_PAGEFLAGS is " + std::to_string(api.nr_pageflags) + ", " +
                   std::string(layout.name) + ".nr_pageflags() " +
                   std::to_string(layout.nr_pageflags()));
    // every enumerator, aliases included: the identity foliorc reads its name as has its bit
    for (int i = 0; i < api.nr_pageflags_entries; ++i) {
        std::string_view name = api.pageflags[i].name;
        const long value = api.pageflags[i].value;
        if (name == "__NR_PAGEFLAGS")
            continue;
        const auto p = fr::parse_pg(name.substr(3));
        if (!p) {
            ++r.skipped; // PG_pinned, PG_savepinned, PG_foreign, ...: not in foliorc's vocabulary
            continue;
        }
        ++r.cases;
        const auto b = layout.bit(*p);
        if (!b || long(*b) != value)
            r.disagree(std::string(name) + " = " + std::to_string(value) +
                       " in the kernel; foliorc reads '" + std::string(name.substr(3)) +
                       "' as pg::" + std::string(fr::pg_name(*p)) + ", which " +
                       std::string(layout.name) + " puts at " +
                       (b ? "bit " + std::to_string(*b) : "no bit"));
    }
    // every identity the layout gives a bit has it in the kernel, under its name or an alias
    for (std::size_t i = 0; i < fr::pg_count; ++i) {
        const auto p = static_cast<fr::pg>(i);
        const auto b = layout.bit(p);
        ++r.cases;
        const auto kb = kf.bit(p);
        if (b != kb)
            r.disagree("pg::" + std::string(fr::pg_name(p)) + ": " + std::string(layout.name) +
                       " says " + (b ? "bit " + std::to_string(*b) : "no bit") +
                       ", the kernel's enum " +
                       (kb ? "bit " + std::to_string(*kb) : "has no such flag"));
    }
    // decode/encode of every single bit
    for (long bit = 0; bit < api.nr_pageflags; ++bit) {
        ++r.cases;
        const fr::flag_set s = layout.decode(1ull << bit);
        if (layout.encode(s) != (1ull << bit))
            r.disagree(std::string(layout.name) + ": decode/encode of bit " + std::to_string(bit) +
                       " gives " + std::to_string(layout.encode(s)));
    }
    return r;
}

// ---- check 5: batches ----
template <class K>
result check_batch(const kabi_api& api, std::size_t foliorc_capacity)
{
    result r{"batch", api.version};
    const kernel_flags kf{&api};
    auto cmp = [&](const std::string& what, long kernel, long foliorc) {
        ++r.cases;
        if (kernel != foliorc)
            r.disagree(what + ": kernel " + std::to_string(kernel) + ", foliorc " +
                           std::to_string(foliorc),
                       what);
    };
    cmp("PAGEVEC_SIZE vs preset batch_capacity", api.pagevec_size, long(K::batch_capacity));
    cmp("struct folio_batch slots vs preset batch_capacity", api.folio_batch_slots,
        long(K::batch_capacity));
    cmp("PAGEVEC_SIZE vs foliorc's constant for this era", api.pagevec_size,
        long(foliorc_capacity));
    cmp("mlock.c LRU tag vs mlock_tag::lru", api.mlock_lru_tag, long(fr::mlock_tag::lru));
    cmp("mlock.c NEW tag vs mlock_tag::new_folio", api.mlock_new_tag,
        long(fr::mlock_tag::new_folio));
    if (!api.lru_add)
        return r;
    // lru_add()'s flag side effects: every combination of the flags it reads or writes.
    const fr::pg pool[] = {fr::pg::active,     fr::pg::unevictable, fr::pg::mlocked,
                           fr::pg::referenced, fr::pg::swapbacked,  fr::pg::workingset};
    for (unsigned bits = 0; bits < (1u << std::size(pool)); ++bits)
        for (int anon = 0; anon < 2; ++anon) {
            fr::flag_set in;
            for (std::size_t i = 0; i < std::size(pool); ++i)
                if (bits & (1u << i))
                    in.set(pool[i]);
            unsigned long kin = 0;
            in.for_each([&](fr::pg p) { kin |= 1UL << *kf.bit(p); });
            api.take_vm_bug();
            const unsigned long kout = api.lru_add(kin, anon ? KABI_MAP_ANON : KABI_MAP_FILE);
            if (api.take_vm_bug()) {
                ++r.skipped;
                ++r.kinds["outside the kernel's VM_BUG_ON_FOLIO preconditions"];
                continue;
            }
            fr::folio::state st;
            st.flags = in;
            st.refcount = 1;
            // a swap-backed page-cache folio is shmem's
            static const fr::mapping ext4 = fr::file_mapping(fr::fs::ext4);
            static const fr::mapping shmem = fr::file_mapping(fr::fs::shmem);
            st.mapping = anon ? &fr::anon_mapping : in.test(fr::pg::swapbacked) ? &shmem : &ext4;
            auto f = fr::folio::unchecked(st);
            fr::lru_caches<fr::folio, K::batch_capacity> caches({.nr_cpus = 1});
            try {
                caches.folio_add_lru(0, f);
                caches.lru_add_drain(0);
            } catch (const fr::folio_error& e) {
                ++r.skipped; // a state foliorc refuses as impossible (PG_active with PG_unevictable)
                ++r.kinds[std::string("refused by foliorc: ") + e.what()];
                continue;
            }
            fr::flag_set fout;
            for (fr::pg p : pool)
                if (kout & (1UL << *kf.bit(p)))
                    fout.set(p);
            if (kout & (1UL << *kf.bit(fr::pg::lru)))
                fout.set(fr::pg::lru);
            fr::flag_set got = f.flags() & (fr::flag_set{fr::pg::lru} | [&] {
                                   fr::flag_set s;
                                   for (fr::pg p : pool)
                                       s.set(p);
                                   return s;
                               }());
            ++r.cases;
            if (!(got == fout)) {
                auto names = [](fr::flag_set s) {
                    std::string o;
                    s.for_each([&](fr::pg p) {
                        o += std::string(o.empty() ? "" : "|") + std::string(fr::pg_name(p));
                    });
                    return o.empty() ? std::string("none") : o;
                };
                r.disagree(
                    std::string(anon ? "anon" : "file") + " folio with [" + names(in) +
                        "] through folio_add_lru + lru_add_drain: kernel lru_add() leaves [" +
                        names(fout) + "], foliorc lru_caches [" + names(got) + "]",
                    "lru_add flags");
            }
        }
    if (!api.mlock)
        return r;
    // mm/mlock.c's batch: mlock_folio / mlock_new_folio / munlock_folio (the LRU_FOLIO /
    // NEW_FOLIO / untagged entries) on a small or large folio, then mlock_drain_local().
    const fr::pg mpool[] = {fr::pg::lru, fr::pg::active, fr::pg::unevictable, fr::pg::mlocked};
    fr::flag_set tracked;
    for (fr::pg p : mpool)
        tracked.set(p);
    static constexpr const char* ops[] = {"mlock_folio", "mlock_new_folio", "munlock_folio"};
    for (int op = 0; op < 3; ++op)
        for (unsigned order : {0u, 2u})
            for (int anon = 0; anon < 2; ++anon)
                for (unsigned bits = 0; bits < (1u << std::size(mpool)); ++bits) {
                    fr::flag_set in;
                    for (std::size_t i = 0; i < std::size(mpool); ++i)
                        if (bits & (1u << i))
                            in.set(mpool[i]);
                    if (anon)
                        in.set(fr::pg::swapbacked);
                    if (op == 1 && in.test(fr::pg::lru))
                        continue; // mlock_new_folio: a new folio, not on the LRU (VM_BUG_ON_FOLIO)
                    fr::folio::state st;
                    st.flags = in;
                    st.order = order;
                    st.refcount = 1;
                    static const fr::mapping ext4 = fr::file_mapping(fr::fs::ext4);
                    st.mapping = anon ? &fr::anon_mapping : &ext4;
                    auto f = fr::folio::unchecked(st);
                    fr::lru_caches<fr::folio, K::batch_capacity> caches({.nr_cpus = 1});
                    try {
                        if (op == 0)
                            caches.mlock_folio(0, f);
                        else if (op == 1)
                            caches.mlock_new_folio(0, f);
                        else
                            caches.munlock_folio(0, f);
                        caches.mlock_drain_local(0);
                    } catch (const fr::folio_error& e) {
                        ++r.skipped;
                        ++r.kinds[std::string("refused by foliorc: ") + e.what()];
                        continue;
                    }
                    unsigned long kin = 0;
                    in.for_each([&](fr::pg p) { kin |= 1UL << *kf.bit(p); });
                    // foliorc keeps no mlock_count: one mlock on a folio mlocked on the LRU
                    const int mlock_count =
                        in.test(fr::pg::mlocked) && in.test(fr::pg::unevictable) ? 1 : 0;
                    int kref = 0;
                    api.take_vm_bug();
                    const unsigned long kout =
                        api.mlock(kin, int(order), anon ? KABI_MAP_ANON : KABI_MAP_FILE, op,
                                  mlock_count, &kref);
                    if (api.take_vm_bug()) {
                        ++r.skipped; // e.g. folio_lru_list(): PG_active with PG_unevictable
                        ++r.kinds["outside the kernel's VM_BUG_ON_FOLIO preconditions"];
                        continue;
                    }
                    fr::flag_set kset;
                    for (fr::pg p : mpool)
                        if (kout & (1UL << *kf.bit(p)))
                            kset.set(p);
                    const fr::flag_set got = f.flags() & tracked;
                    ++r.cases;
                    if (!(got == kset) || kref != f.ref_count()) {
                        auto names = [](fr::flag_set s) {
                            std::string o;
                            s.for_each([&](fr::pg p) {
                                o +=
                                    std::string(o.empty() ? "" : "|") + std::string(fr::pg_name(p));
                            });
                            return o.empty() ? std::string("none") : o;
                        };
                        r.disagree(std::string(ops[op]) + " + mlock_drain_local on an order-" +
                                       std::to_string(order) + (anon ? " anon" : " file") +
                                       " folio with [" + names(in & tracked) +
                                       "]: kernel leaves [" + names(kset) + "] refcount " +
                                       std::to_string(kref) + ", foliorc lru_caches [" +
                                       names(got) + "] refcount " + std::to_string(f.ref_count()),
                                   std::string(ops[op]) + " flags/refcount");
                    }
                }
    return r;
}

void print(const result& r, bool json, bool verbose)
{
    if (json) {
        std::cout << "{\"check\":\"" << r.check << "\",\"kernel\":\"" << r.kernel
                  << "\",\"cases\":" << r.cases << ",\"disagreements\":" << r.disagreements;
        if (!r.first.empty())
            std::cout << ",\"first\":\"" << json_escape(r.first) << "\"";
        std::cout << "}\n";
        return;
    }
    std::printf("%-8s %-9s cases %-7ld disagreements %ld", r.check.c_str(), r.kernel.c_str(),
                r.cases, r.disagreements);
    if (r.skipped)
        std::printf("  (%ld inputs not representable in this version)", r.skipped);
    if (!r.note.empty())
        std::printf("  %s", r.note.c_str());
    std::printf("\n");
    if (!r.first.empty())
        std::printf("  first disagreement: %s\n", r.first.c_str());
    // what disagreed, by kind (all of them with --verbose)
    int shown = 0;
    for (const auto& [k, n] : r.kinds)
        if (verbose || (r.disagreements && shown++ < 6))
            std::printf("  %6ld x %s\n", n, k.c_str());
    if (verbose)
        for (const auto& [k, n] : r.coverage)
            std::printf("  inputs %s: %ld\n", k.c_str(), n);
    if (verbose)
        for (const auto& [k, e] : r.example)
            std::printf("  example of '%s':\n    %s\n", k.c_str(), e.c_str());
}

} // namespace

int main(int argc, char** argv)
{
    bool json = false, verbose = false;
    int cases = 1000;
    std::uint64_t seed = 20261125;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json")
            json = true;
        else if (a == "--verbose")
            verbose = true;
        else if (a == "--cases" && i + 1 < argc)
            cases = std::atoi(argv[++i]);
        else if (a == "--seed" && i + 1 < argc)
            seed = std::strtoull(argv[++i], nullptr, 0);
        else if (a == "--check" && i + 1 < argc)
            only = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: %s [--json] [--verbose] [--cases N] [--seed S] [--check "
                         "rules|collect|dump|flags|batch]\n",
                         argv[0]);
            return 2;
        }
    }
    const std::vector<std::pair<std::string, std::function<result()>>> checks{
        {"rules", [&] { return check_rules<preset_6_12>(kabi_6_12, cases, seed); }},
        {"rules", [&] { return check_rules<preset_6_1>(kabi_6_1, cases, seed); }},
        {"collect", [&] { return check_collect<preset_6_12>(kabi_6_12, cases, seed); }},
        {"collect", [&] { return check_collect<preset_6_1>(kabi_6_1, cases, seed); }},
        {"dump", [&] { return check_dump<preset_6_12>(kabi_6_12, cases, seed); }},
        {"dump", [&] { return check_dump<preset_6_1>(kabi_6_1, cases, seed); }},
        {"flags", [&] { return check_flags<preset_6_12>(kabi_6_12); }},
        {"flags", [&] { return check_flags<preset_6_1>(kabi_6_1); }},
        {"batch", [&] { return check_batch<preset_6_12>(kabi_6_12, fr::folio_batch_size); }},
        {"batch", [&] { return check_batch<preset_6_1>(kabi_6_1, fr::pagevec_size); }},
    };
    int status = 0;
    for (const auto& [name, run] : checks) {
        if (!only.empty() && name != only)
            continue;
        const result r = run();
        print(r, json, verbose);
        std::fflush(stdout);
        if (r.disagreements || r.cases == 0)
            status = 1;
    }
    return status;
}
