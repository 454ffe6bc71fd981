// foliorc/kernels.hpp — algorithms: kernel presets. One type per mainline release from 5.18,
// plus the stable releases whose source was read, bundling what that kernel does: the rule set
// collect's drain check compares with, the rule set migration checks, the drain policy, the
// dedupe, the folio_batch capacity, the PG_lru era, whether lru_add_drain_all drains locally
// first, migrate_pages' passes and the page-flag layout. A run-time lookup takes version
// strings. Sources per field are in docs/kernel.md ("Kernel presets").
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <foliorc/batch.hpp>
#include <foliorc/collect.hpp>
#include <foliorc/drain_policy.hpp>
#include <foliorc/flags.hpp>
#include <foliorc/migrate.hpp>
#include <foliorc/rules.hpp>

namespace foliorc::inline FOLIORC_ABI::kernels {

// The fields every preset has; a preset is a type deriving from preset<...> with a `version`.
template <rule_set DrainRules, rule_set MigrateRules, drain_policy Policy, class Dedupe,
          std::size_t BatchCapacity, lru_era Era, migrate_passes Passes, const flag_layout& Flags>
struct preset {
    using drain_rules = DrainRules;     // what collect's drain check compares with
    using migrate_rules = MigrateRules; // what __migrate_folio's refcount check uses
    using policy = Policy;              // collect_longterm_unpinnable_folios' drain decision
    using dedupe = Dedupe;              // prev_folio (<= 6.15) or pfn_range (a03db236aebf)
    static constexpr std::size_t batch_capacity = BatchCapacity; // PAGEVEC_SIZE
    static constexpr lru_era era = Era;
    // Hugh Dickins' v1 6/6 (lru_add_drain_all drains locally first) was not in the merged
    // five-patch series: no kernel here does it (6.1.192 and 6.12.117 read).
    static constexpr bool drain_all_local_first = false;
    static constexpr migrate_passes passes = Passes;
    static constexpr const flag_layout& flags = Flags;
};

namespace detail {
// migrate_pages() before 6.3: NR_MAX_MIGRATE_PAGES_RETRY (10) passes of unmap_and_move, one
// folio at a time (6.1.192). From 6.3 (migrate_pages_batch): 3 MIGRATE_ASYNC passes over the
// batch, then 7 MIGRATE_SYNC passes for each folio left (6.12.117).
inline constexpr migrate_passes unbatched{.async = 0, .sync = 10, .batched = false};
inline constexpr migrate_passes batched{.async = 3, .sync = 7, .batched = true};
} // namespace detail

// 5.18 - 5.19: page_has_private migration check, !folio_test_lru drain, prev_folio dedupe.
struct v5_18 : preset<rules::pre_6_0, rules::pre_6_0, drain::lru_flag, dedupe::prev_folio, 15,
                      lru_era::classic, detail::unbatched, flag_layouts::v5_18> {
    static constexpr std::string_view version = "5.18";
};
struct v5_19 : v5_18 {
    static constexpr std::string_view version = "5.19";
};
// 6.0: 108ca8358139 folio_expected_refs (PG_private only).
struct v6_0 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                     15, lru_era::classic, detail::unbatched, flag_layouts::v5_18> {
    static constexpr std::string_view version = "6.0";
};
struct v6_1 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                     15, lru_era::classic, detail::unbatched, flag_layouts::v6_1> {
    static constexpr std::string_view version = "6.1";
};
struct v6_2 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                     15, lru_era::classic, detail::unbatched, flag_layouts::v6_2> {
    static constexpr std::string_view version = "6.2";
};
// 6.3: migrate_pages_batch, 3 async + 7 sync passes.
struct v6_3 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                     15, lru_era::classic, detail::batched, flag_layouts::v6_2> {
    static constexpr std::string_view version = "6.3";
};
struct v6_4 : v6_3 {
    static constexpr std::string_view version = "6.4";
};
struct v6_5 : v6_3 {
    static constexpr std::string_view version = "6.5";
};
// 6.6: c704ae979784 rearranged the page flags.
struct v6_6 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                     15, lru_era::classic, detail::batched, flag_layouts::v6_6> {
    static constexpr std::string_view version = "6.6";
};
struct v6_7 : v6_6 {
    static constexpr std::string_view version = "6.7";
};
struct v6_8 : v6_6 {
    static constexpr std::string_view version = "6.8";
};
// 6.9: PAGEVEC_SIZE 31 ("mm: increase folio batch size").
struct v6_9 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                     31, lru_era::classic, detail::batched, flag_layouts::v6_6> {
    static constexpr std::string_view version = "6.9";
};
struct v6_10 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                      31, lru_era::classic, detail::batched, flag_layouts::v6_10> {
    static constexpr std::string_view version = "6.10";
};
// 6.11: 33dfe9204f29 clears PG_lru when a folio is queued on a non-lru_add batch.
struct v6_11 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                      31, lru_era::clear_on_add, detail::batched, flag_layouts::v6_11> {
    static constexpr std::string_view version = "6.11";
};
struct v6_12 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                      31, lru_era::clear_on_add, detail::batched, flag_layouts::v6_12> {
    static constexpr std::string_view version = "6.12";
};
struct v6_13 : v6_12 {
    static constexpr std::string_view version = "6.13";
};
struct v6_14 : preset<rules::migrate_6_0, rules::migrate_6_0, drain::lru_flag, dedupe::prev_folio,
                      31, lru_era::clear_on_add, detail::batched, flag_layouts::v6_14> {
    static constexpr std::string_view version = "6.14";
};
struct v6_15 : v6_14 {
    static constexpr std::string_view version = "6.15";
};
// 6.16: 86ebd50224c0 folio_expected_ref_count in migration; a03db236aebf pfn-range dedupe.
struct v6_16 : preset<rules::v6_16, rules::v6_16, drain::lru_flag, dedupe::pfn_range, 31,
                      lru_era::clear_on_add, detail::batched, flag_layouts::v6_14> {
    static constexpr std::string_view version = "6.16";
};
// 6.17: the typed-page guard ("mm: simplify folio_expected_ref_count()"), and Hugh Dickins'
// "mm: better GUP pin lru_add_drain_all()" v2 merged for 6.17-rc: 98c6d259319e (ref_count
// check), a09a8a1fbb37 (local drain first), afb99e9f5004 (revert of 33dfe9204f29: classic
// PG_lru), 2da6de30e60d (folio_may_be_lru_cached). Compares with expected + 1.
struct v6_17
    : preset<rules::v6_17, rules::v6_17, drain::may_be_lru_cached<rules::v6_17>, dedupe::pfn_range,
             31, lru_era::classic, detail::batched, flag_layouts::v6_14> {
    static constexpr std::string_view version = "6.17";
};
struct v6_18 : v6_17 {
    static constexpr std::string_view version = "6.18";
};
// 6.19: f183663901f2, the swap-cache term for every folio.
struct v6_19
    : preset<rules::v6_19, rules::v6_19, drain::may_be_lru_cached<rules::v6_19>, dedupe::pfn_range,
             31, lru_era::classic, detail::batched, flag_layouts::v6_14> {
    static constexpr std::string_view version = "6.19";
};
// Mainline after 6.19: "mm/gup: factor out LRU cache draining for folio into
// lru_cache_drain_for_folio()" and "mm/gup: fix always draining LRU caches in
// collect_longterm_unpinnable_folios()" (2026; the release that first carries them is not
// confirmed here): compares with expected + (folio_has_pincount ? 1 : GUP_PIN_COUNTING_BIAS).
struct mainline_2026
    : preset<rules::v6_19, rules::v6_19, drain::pin_aware<rules::v6_19>, dedupe::pfn_range, 31,
             lru_era::classic, detail::batched, flag_layouts::v6_14> {
    static constexpr std::string_view version = "7.x (2026)";
};
using latest = mainline_2026;

// ---- stable releases read in Debian's linux-source packages ----

// 6.1.192: mm.h carries folio_expected_ref_count in its latest form (typed-page guard, swap
// cache for every folio; 6.1's page types), used by gup only; collect_longterm_unpinnable_pages has the 2025
// series (local, then all, gated by folio_may_be_lru_cached) comparing with expected + 1;
// migration still uses folio_expected_refs. PAGEVEC_SIZE 15, 10 unbatched passes.
struct v6_1_192
    : preset<rules::v6_1_stable, rules::migrate_6_0, drain::may_be_lru_cached<rules::v6_1_stable>,
             dedupe::prev_folio, 15, lru_era::classic, detail::unbatched, flag_layouts::v6_1> {
    static constexpr std::string_view version = "6.1.192";
};
// 6.12.117: pofs_next_folio (a03db236aebf), pin_refs = folio_has_pincount ? 1 :
// GUP_PIN_COUNTING_BIAS, migration with folio_expected_ref_count + 1, PAGEVEC_SIZE 31, 3 + 7
// passes, classic PG_lru (the revert is in).
struct v6_12_117
    : preset<rules::v6_19, rules::v6_19, drain::pin_aware<rules::v6_19>, dedupe::pfn_range, 31,
             lru_era::classic, detail::batched, flag_layouts::v6_12> {
    static constexpr std::string_view version = "6.12.117";
};
// 6.12.118: the same mm behaviour as 6.12.117 (Debian's linux-source-6.12 moved to it; the
// conformance harness checks this preset against that tree).
struct v6_12_118 : v6_12_117 {
    static constexpr std::string_view version = "6.12.118";
};

template <class... Ks>
using preset_list = foliorc::detail::type_list<Ks...>;
using mainline =
    preset_list<v5_18, v5_19, v6_0, v6_1, v6_2, v6_3, v6_4, v6_5, v6_6, v6_7, v6_8, v6_9, v6_10,
                v6_11, v6_12, v6_13, v6_14, v6_15, v6_16, v6_17, v6_18, v6_19, mainline_2026>;
using stable = preset_list<v6_1_192, v6_12_117, v6_12_118>;

// What a preset is, at run time.
struct preset_info {
    std::string_view version;
    std::string_view drain_rules, migrate_rules, policy, dedupe;
    std::size_t batch_capacity = 0;
    lru_era era = lru_era::classic;
    bool drain_all_local_first = false;
    migrate_passes passes{};
    const flag_layout* flags = nullptr;
};

template <class K>
constexpr preset_info info() noexcept
{
    return {K::version,      K::drain_rules::name,     K::migrate_rules::name,
            K::policy::name, K::dedupe::name,          K::batch_capacity,
            K::era,          K::drain_all_local_first, K::passes,
            &K::flags};
}

namespace detail {
template <class List>
struct table;
template <class... Ks>
struct table<foliorc::detail::type_list<Ks...>> {
    static constexpr std::array<preset_info, sizeof...(Ks)> rows{info<Ks>()...};
};

[[nodiscard]] constexpr std::optional<std::array<unsigned, 3>>
parse_version(std::string_view v) noexcept
{
    if (!v.empty() && v[0] == 'v')
        v.remove_prefix(1);
    std::array<unsigned, 3> n{0, 0, 0};
    std::size_t part = 0, i = 0;
    bool digits = false;
    for (; i < v.size(); ++i) {
        const char c = v[i];
        if (c >= '0' && c <= '9') {
            n[part] = n[part] * 10 + unsigned(c - '0');
            digits = true;
        } else if (c == '.' && digits && part < 2) {
            ++part;
            digits = false;
        } else {
            break; // "-rc1", "+deb12", ...: the numbers so far decide
        }
    }
    if (part == 0 || (!digits && i == v.size()))
        return std::nullopt;
    return n;
}
} // namespace detail

// The result of a lookup: the preset, and a warning when the version is not one this library
// models exactly.
struct lookup_result {
    preset_info preset{};
    bool exact = false;
    std::string warning; // empty when exact
};

// A version string ("6.15", "v6.12.117", "6.1.192-1", "6.16.3") to its preset: a stable
// release whose source was read, else the mainline release of its series (with a warning for
// a stable release: its backports are not modelled), else the nearest mainline release.
[[nodiscard]] inline std::optional<lookup_result> lookup(std::string_view version)
{
    const auto v = detail::parse_version(version);
    if (!v)
        return std::nullopt;
    const auto [major, minor, sub] = *v;
    for (const auto& s : detail::table<stable>::rows) {
        const auto sv = *detail::parse_version(s.version);
        if (sv[0] != major || sv[1] != minor || sub < sv[2])
            continue;
        if (sv[2] == sub)
            return lookup_result{s, true, {}};
        return lookup_result{s, false,
                             "foliorc: " + std::string(version) + ": modelled as " +
                                 std::string(s.version) + ", the newest " + std::to_string(major) +
                                 "." + std::to_string(minor) + ".y whose source was read"};
    }
    const auto& rows = detail::table<mainline>::rows;
    const unsigned want = major * 100 + minor;
    const preset_info* best = &rows.front();
    for (const auto& r : rows) {
        const auto rv = detail::parse_version(r.version);
        if (!rv) { // "7.x (2026)": only for versions past 6.19
            if (want > 619)
                best = &r;
            continue;
        }
        const unsigned have = (*rv)[0] * 100 + (*rv)[1];
        if (have == want) {
            if (sub == 0)
                return lookup_result{r, true, {}};
            return lookup_result{r, false,
                                 "foliorc: " + std::string(version) + ": stable backports of the " +
                                     std::string(r.version) + " series are not modelled; using " +
                                     std::string(r.version)};
        }
        if (have < want)
            best = &r;
    }
    return lookup_result{*best, false,
                         "foliorc: no preset for kernel " + std::string(version) +
                             "; using the nearest release, " + std::string(best->version)};
}

// Calls fn.template operator()<K>() with the preset type `version` looks up to; returns the
// lookup (nullopt, and no call, for text that is not a version).
template <class Fn>
std::optional<lookup_result> with_preset(std::string_view version, Fn&& fn)
{
    auto found = lookup(version);
    if (!found)
        return found;
    bool called = false;
    auto visit = [&]<class K>() {
        if (!called && K::version == found->preset.version) {
            called = true;
            fn.template operator()<K>();
        }
    };
    stable::for_each(visit);
    mainline::for_each(visit);
    return found;
}

} // namespace foliorc::inline FOLIORC_ABI::kernels
