// foliorc/drain_policy.hpp — algorithms: when collect_unpinnable drains the per-CPU caches,
// one policy per kernel era (docs/kernel.md ("Collection and drain policies", "Invariants")). A policy is a type with a per-call
// `state`, a `name` and
//     template <folio_like F, class Env>
//     [[nodiscard]] static drain_done drain(state&, const F& folio, Env& env, int pin_refs);
// which may call env.lru_add_drain() / env.lru_add_drain_all() and says what it did (the
// drain_policy concept checks all three; drain_policy_for<P, F, Env> checks drain() for one folio
// type and environment, as collect_unpinnable calls it). `pin_refs`
// is what this GUP call's pins add to the folio's refcount (pin.hpp). A policy whose check reads
// a rule set names it `using rules = R;`, so that check_and_migrate_movable_pages_or_folios can
// refuse a migration rule set that disagrees with it (migrate.hpp).
#pragma once

#include <concepts>
#include <cstdint>
#include <string_view>

#include <foliorc/detail/type_list.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/rules.hpp>
#include <foliorc/snapshot.hpp>

namespace foliorc::inline FOLIORC_ABI {

struct drain_done {
    std::uint8_t local = 0; // lru_add_drain() calls made
    std::uint8_t all = 0;   // lru_add_drain_all() calls made
    [[nodiscard]] constexpr bool any() const noexcept { return local || all; }
};

template <class Env>
concept drain_env_local = requires(Env& env)
{
    env.lru_add_drain();
};
template <class Env>
concept drain_env_all = requires(Env& env)
{
    env.lru_add_drain_all();
};

namespace drain {

namespace detail {
// The refcount test of 98c6d259319e: folio_ref_count != folio_expected_ref_count + extra.
template <class Rules, folio_like F>
[[nodiscard]] constexpr bool unexpected_refs(const F& f, int extra)
{
    return folio_ref_count(f) != expected_without_caller<Rules>(f) + extra;
}

// lru_add_drain_all at most once per call (the kernel's drain_allow), at the first folio that
// Policy::wants(folio). The three once-only policies differ only in that test.
template <class Policy>
struct drain_all_once {
    struct state {
        bool drain_allow = true;
    };
    template <folio_like F, class Env>
    [[nodiscard]] static constexpr drain_done drain(state& s, const F& f, Env& env, int)
    {
        if (!s.drain_allow || !Policy::wants(f))
            return {};
        env.lru_add_drain_all();
        s.drain_allow = false;
        return {0, 1};
    }
};
} // namespace detail

// 9a4e9f3b2d73 era to 6.16: `!folio_test_lru(folio) && drain_allow` -> lru_add_drain_all once.
struct lru_flag : detail::drain_all_once<lru_flag> {
    static constexpr std::string_view name = "lru_flag";
    static constexpr std::string_view mirrors =
        "9a4e9f3b2d73 .. 6.16: !folio_test_lru && drain_allow";
    template <folio_like F>
    static constexpr bool wants(const F& f)
    {
        return !folio_test_lru(f);
    }
};

// 98c6d259319e (Hugh 1/6): refcount != expected + 1 -> lru_add_drain_all once. The "+ 1" assumes
// the caller holds one reference; this call's FOLL_PIN holds 1024 on a small folio.
template <rule_set Rules = rules::latest>
struct ref_count : detail::drain_all_once<ref_count<Rules>> {
    using rules = Rules; // the rule set the drain check compares with
    static constexpr std::string_view name = "ref_count";
    static constexpr std::string_view mirrors = "98c6d259319e: ref != expected + 1, drain all once";
    template <folio_like F>
    static constexpr bool wants(const F& f)
    {
        return detail::unexpected_refs<Rules>(f, 1);
    }
};

// Hugh 2/6: a local lru_add_drain first, recheck, then lru_add_drain_all (drained 0 -> 1 -> 2).
// With GatedByMayBeCached, 2da6de30e60d (5/6): large folios never drain. With PinAware the
// comparison is with expected + this call's pin contribution, else expected + 1.
//
// The kernel's code, inline in collect_longterm_unpinnable_folios():
//     if (drained == 0 && folio_may_be_lru_cached(folio) && ref != expected + pin_refs)
//         { lru_add_drain(); drained = 1; }
//     if (drained == 1 && folio_may_be_lru_cached(folio) && ref != expected + pin_refs)
//         { lru_add_drain_all(); drained = 2; }
// drain() is that code split in two, with the same decisions: the inline part answers "nothing
// to do" (drained == 2, a large folio, or the refcount as expected: then neither test of the
// kernel holds, as nothing changed the folio between them); only a folio with unexpected
// references goes out of line, to drain_slow(), which runs the kernel's two tests as written
// (the recheck after lru_add_drain() reads the refcount again). Why (issue 14): when every folio
// is unpinnable (the pKVM case) drain() runs once per folio, and as one out-of-line function it
// cost a call, five saved registers and their restores around the ~30 instructions of the
// refcount test: 59 instructions per folio against the kernel's inline test.
template <rule_set Rules, bool GatedByMayBeCached, bool PinAware>
struct local_then_all {
    using rules = Rules; // the rule set the drain check compares with
    struct state {
        std::uint8_t drained = 0;
    };
    // always_inline: clang 14 kept even this small part out of line (a call per unpinnable folio
    // again); g++ inlines it without the attribute.
    template <folio_like F, class Env>
    [[nodiscard, gnu::always_inline]] static constexpr drain_done drain(state& s, const F& f,
                                                                        Env& env, int pin_refs)
    {
        if (s.drained == 2) [[unlikely]]
            return {};
        if (GatedByMayBeCached && !folio_may_be_lru_cached(f))
            return {};
        const int extra = PinAware ? pin_refs : 1;
        if (!detail::unexpected_refs<Rules>(f, extra)) [[likely]]
            return {};
        // drained goes 0 -> 1 with the local drain and 1 -> 2 with the drain-all. The slow path
        // takes it by value, so that the state's address does not escape the caller's loop
        // (clang 14 then kept it in memory, and the loop's counts with it).
        const drain_done d = drain_slow(s.drained, f, env, extra);
        s.drained = static_cast<std::uint8_t>(s.drained + d.local + d.all);
        return d;
    }

private:
    // The kernel's two tests as written, for a folio whose refcount was unexpected when drain()
    // read it. Rare (a stray or batched reference), so kept out of line, off the loop's path.
    template <folio_like F, class Env>
    [[gnu::noinline]] static constexpr drain_done drain_slow(std::uint8_t drained, const F& f,
                                                             Env& env, int extra)
    {
        drain_done d;
        if (drained == 0 && detail::unexpected_refs<Rules>(f, extra)) {
            env.lru_add_drain();
            drained = 1;
            d.local = 1;
        }
        if (drained == 1 && detail::unexpected_refs<Rules>(f, extra)) {
            env.lru_add_drain_all();
            d.all = 1;
        }
        return d;
    }
};

template <rule_set Rules = rules::latest>
struct local_first : local_then_all<Rules, false, false> {
    static constexpr std::string_view name = "local_first";
    static constexpr std::string_view mirrors = "Hugh 2/6: local lru_add_drain, recheck, drain all";
};

template <rule_set Rules = rules::latest>
struct may_be_lru_cached : local_then_all<Rules, true, false> {
    static constexpr std::string_view name = "may_be_lru_cached";
    static constexpr std::string_view mirrors =
        "2da6de30e60d: local_first, large folios never drain";
};

// 2026: lru_cache_drain_for_folio(folio, pin_refs, &drained) and "mm/gup: fix always draining
// LRU caches in collect_longterm_unpinnable_folios()": as may_be_lru_cached, comparing with
// expected + this call's pin contribution (docs/kernel.md ("Collection and drain policies"); the exact initialiser is [I]).
template <rule_set Rules = rules::latest>
struct pin_aware : local_then_all<Rules, true, true> {
    static constexpr std::string_view name = "pin_aware";
    static constexpr std::string_view mirrors =
        "lru_cache_drain_for_folio + 'fix always draining': expected + pin_refs";
};

// Baselines: drain everything once per call at the first candidate; never drain.
struct always : detail::drain_all_once<always> {
    static constexpr std::string_view name = "always";
    static constexpr std::string_view mirrors = "baseline: lru_add_drain_all once per call";
    template <folio_like F>
    static constexpr bool wants(const F&)
    {
        return true;
    }
};

struct never {
    static constexpr std::string_view name = "never";
    static constexpr std::string_view mirrors = "baseline: no drain";
    struct state {};
    template <folio_like F, class Env>
    [[nodiscard]] static constexpr drain_done drain(state&, const F&, Env&, int)
    {
        return {};
    }
};

using latest = pin_aware<>;

} // namespace drain

// What collect_unpinnable calls on a policy: `typename P::state` value-initialised once per
// call, then P::drain(state, folio, env, pin_refs) for each unpinnable non-hugetlb folio, whose
// drain_done it adds to its counts.
template <class P, class F, class Env>
concept drain_policy_for = folio_like<F> &&
    requires(typename P::state& s, const F& f, Env& env, int pins)
{
    typename P::state;
    {
        P::drain(s, f, env, pins)
        } -> std::same_as<drain_done>;
};

namespace detail {
// The least environment a policy may use: the two drains (drain_env_local, drain_env_all).
struct drain_env_archetype {
    void lru_add_drain() {}
    void lru_add_drain_all() {}
};
} // namespace detail

// A drain policy: a name, a per-call state that value-initialises, and a drain() that takes any
// folio_like (checked with folio_snapshot) and an environment that has the two drains.
template <class P>
concept drain_policy = requires
{
    {
        P::name
        } -> std::convertible_to<std::string_view>;
    typename P::state;
}
&&std::default_initializable<typename P::state>&&
    drain_policy_for<P, folio_snapshot, detail::drain_env_archetype>;

template <class... Ps>
using drain_policy_list = detail::type_list<Ps...>;

// Every policy named after kernel history, oldest first, then the baselines.
using kernel_drain_policies =
    drain_policy_list<drain::lru_flag, drain::ref_count<>, drain::local_first<>,
                      drain::may_be_lru_cached<>, drain::pin_aware<>, drain::always, drain::never>;

} // namespace foliorc::inline FOLIORC_ABI
