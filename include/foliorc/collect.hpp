// foliorc/collect.hpp — algorithms: collect_unpinnable, the loop of mm/gup.c
// collect_longterm_unpinnable_folios() (docs/kernel.md ("Collection and drain policies")), generic over the caller's folio
// type, kernel environment, drain policy and dedupe strategy. The loop allocates nothing and
// dispatches nothing virtually; the environment counts or performs what the kernel would do.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <string_view>
#include <type_traits>

#include <foliorc/drain_policy.hpp>
#include <foliorc/pin.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/snapshot.hpp>

namespace foliorc::inline FOLIORC_ABI {

// ---- pofs entries: folio pointers (memfd_pin_folios) or page pointers (pin_user_pages) ----

// A struct page* of a folio_like F, as the folio it belongs to. Which page it is does not
// matter to the collection loop: a page lies in the current folio's pfn range exactly when it
// belongs to that folio (folios are contiguous and disjoint), so pofs_next_folio() compares
// folios. Eight bytes, like the kernel's pages[] entries.
template <class F>
struct page_ref {
    F* folio = nullptr;
    friend constexpr bool operator==(const page_ref&, const page_ref&) = default;
};

template <class E>
struct pofs_entry_traits;
template <class F>
struct pofs_entry_traits<F*> {
    using folio_type = F;
    static constexpr bool is_page = false;
    static constexpr F* folio(F* e) noexcept { return e; }
    static constexpr std::uint64_t pfn(F* e) { return folio_pfn(*e); }
};
// A struct page* of a page type (folio_traits<P>::page_folio, concepts.hpp): a page entry whose
// folio is its compound head and whose pfn is the page's own, so one large folio pinned through
// its pages is one folio. Constness follows the page, as with the kernel's page_folio().
template <page_like P>
struct pofs_entry_traits<P*> {
    using folio_type = page_folio_t<P>;
    static constexpr bool is_page = true;
    static constexpr folio_type* folio(P* e) noexcept
    {
        return const_cast<folio_type*>(folio_traits<P>::page_folio(*e));
    }
    static constexpr std::uint64_t pfn(P* e) { return folio_traits<P>::pfn(*e); }
    static constexpr const P* prefetch_address(P* e) noexcept { return e; }
};
template <class F>
struct pofs_entry_traits<page_ref<F>> {
    using folio_type = F;
    static constexpr bool is_page = true;
    static constexpr F* folio(const page_ref<F>& e) noexcept { return e.folio; }
    static constexpr bool in_folio(const page_ref<F>& e, const F* f) noexcept
    {
        return e.folio == f;
    }
};

// An entry whose folio type is not folio_like is refused here, naming folio_like.
template <class E>
concept pofs_entry = requires
{
    typename pofs_entry_traits<std::remove_cvref_t<E>>::folio_type;
}
&&folio_like<typename pofs_entry_traits<std::remove_cvref_t<E>>::folio_type>;

template <class R>
concept pofs_range = std::ranges::input_range<R> && pofs_entry<std::ranges::range_value_t<R>>;

template <pofs_range R>
using pofs_folio_t = typename pofs_entry_traits<std::ranges::range_value_t<R>>::folio_type;

// ---- dedupe of consecutive entries ----

namespace dedupe {
// A dedupe strategy gives same(next, current): does entry `next` continue the run of folio
// `current`? run_of<E>(current) returns that test with what it needs of `current` read once.

// Up to 6.15: `if (folio == prev_folio) continue;` for pages and folios alike.
struct prev_folio {
    static constexpr std::string_view name = "prev_folio";
    template <class E, class F>
    [[nodiscard]] static constexpr bool same(const E& next, const F* current)
    {
        return pofs_entry_traits<E>::folio(next) == current;
    }
    template <class E, class F>
    [[nodiscard]] static constexpr auto run_of(const F* current)
    {
        return [current](const E& next) { return same(next, current); };
    }
};
// a03db236aebf (6.16) pofs_next_folio(): in a page array, skip the following pages whose pfn
// lies inside the current folio, for a large folio only (`!pofs->has_folios &&
// folio_test_large(folio)`); a small folio listed twice in a row is visited twice, and folio
// arrays are walked one entry at a time. An entry type that knows its folio cheaply says so with
// in_folio(); one that knows its pfn cheaply (page_to_pfn is pointer arithmetic) gives pfn().
struct pfn_range {
    static constexpr std::string_view name = "pfn_range";
    template <class E, class F>
    [[nodiscard]] static constexpr bool same(const E& next, const F* current)
    {
        return run_of<E>(current)(next);
    }
    template <class E, class F>
    [[nodiscard]] static constexpr auto run_of(const F* current)
    {
        if constexpr (!pofs_entry_traits<E>::is_page) {
            return [](const E&) { return false; };
        } else if constexpr (requires(const E& e) { pofs_entry_traits<E>::in_folio(e, current); }) {
            // The entry compare first: it reads only pofs, so a small folio's run test does not
            // wait on the folio's own load (issue 14: on a shuffled pofs that load is a cache
            // miss, and the loop's other work on it should overlap the next entries' misses).
            // The kernel's test is `folio_test_large(folio) && pfn in range`; both are pure
            // reads, so the order changes no decision. [[unlikely]] on the entry compare: clang
            // 14 otherwise laid the "same folio" block inside the loop and jumped over it on
            // every small folio's entry (issue 14: 2 taken branches per entry, 1 with the hint).
            return [current](const E& next) {
                if (pofs_entry_traits<E>::in_folio(next, current)) [[unlikely]]
                    return folio_test_large(*current);
                return false;
            };
        } else {
            // As the kernel: `folio_test_large(folio)` first, then start_pfn <= pfn < end_pfn as
            // one unsigned compare (a pfn below start wraps), with start_pfn and the page count
            // read once. The test of `large` comes first so that a small folio's entry costs no
            // page_to_pfn() of the next entry (issue 14: clang 14 computed it for every entry).
            // [[unlikely]]: a large folio's run amortises a taken branch over its pages, a small
            // folio's entry does not, so the small folio's path is laid out straight.
            // A small folio keeps nr == 0: no run, and no pfn computed.
            std::uint64_t start = 0, nr = 0;
            if (folio_test_large(*current)) [[unlikely]] {
                start = folio_pfn(*current);
                nr = std::uint64_t(folio_nr_pages(*current));
            }
            return [start, nr](const E& next) {
                return nr != 0 && pofs_entry_traits<E>::pfn(next) - start < nr;
            };
        }
    }
};
} // namespace dedupe

// What collect_unpinnable calls on a dedupe strategy D for entries of type E: run_of<E>(folio)
// once per folio, then the predicate it returns on the following entries; same(next, folio) is
// the one-shot form.
template <class D, class E>
concept dedupe_policy_for = pofs_entry<E> &&
    requires(const E& next, const typename pofs_entry_traits<E>::folio_type* current)
{
    {
        D::template run_of<E>(current)(next)
        } -> std::convertible_to<bool>;
    {
        D::template same<E>(next, current)
        } -> std::convertible_to<bool>;
};

// A dedupe strategy: a name, and run_of/same for folio entries and page entries alike (checked
// with folio_snapshot* and page_ref<folio_snapshot>).
template <class D>
concept dedupe_policy = requires
{
    {
        D::name
        } -> std::convertible_to<std::string_view>;
}
&&dedupe_policy_for<D, folio_snapshot*>&& dedupe_policy_for<D, page_ref<folio_snapshot>>;

// ---- the environment: the caller's kernel ----
// One concept per hook, so that a missing hook is named in the compiler's diagnostic.

template <class Env, class F>
concept collect_env_is_longterm_pinnable = requires(Env& env, F& f)
{
    {
        env.is_longterm_pinnable(f)
        } -> std::convertible_to<bool>;
};
template <class Env, class F>
concept collect_env_is_device_coherent = requires(Env& env, F& f)
{
    {
        env.is_device_coherent(f)
        } -> std::convertible_to<bool>;
};
template <class Env, class F>
concept collect_env_isolate_hugetlb = requires(Env& env, F& f)
{
    {
        env.isolate_hugetlb(f)
        } -> std::convertible_to<bool>; // folio_isolate_hugetlb onto the list
};
template <class Env, class F>
concept collect_env_isolate_lru = requires(Env& env, F& f)
{
    {
        env.isolate_lru(f)
        } -> std::convertible_to<bool>; // folio_isolate_lru
};
template <class Env, class F>
concept collect_env_add_to_list = requires(Env& env, F& f)
{
    env.add_to_list(f); // list_add_tail + node_stat_mod_folio(NR_ISOLATED_*)
};

template <class Env, class F>
concept collect_env = folio_like<F> && collect_env_is_longterm_pinnable<Env, F> &&
    collect_env_is_device_coherent<Env, F> && collect_env_isolate_hugetlb<Env, F> &&
    drain_env_local<Env> && drain_env_all<Env> && collect_env_isolate_lru<Env, F> &&
    collect_env_add_to_list<Env, F>;

// folio_is_longterm_pinnable() from the folio's zone and pageblock (docs/kernel.md ("Longterm pinnability")): CMA or
// isolated pageblocks, ZONE_DEVICE (device coherent, fs-dax) and ZONE_MOVABLE are unpinnable.
// An environment adds what the folio cannot say (the shared zero folio is pinnable).
// It needs the folio's own zone and pageblock: folio_traits<F> without zone() and pageblock_mt()
// does not compile here (the display defaults of folio_zone would call every folio pinnable).
// An environment for such a type writes its own is_longterm_pinnable.
struct folio_is_longterm_pinnable_fn {
    template <folio_like F>
    [[nodiscard]] constexpr bool operator()(const F& f) const
    {
        static_assert(folio_traits_zone<F>,
                      "folio_is_longterm_pinnable needs folio_traits<F>::zone(f) (a zone_type): "
                      "without it the folio's zone is unknown, and ZONE_MOVABLE or ZONE_DEVICE "
                      "folios would read as pinnable");
        static_assert(
            folio_traits_pageblock_mt<F>,
            "folio_is_longterm_pinnable needs folio_traits<F>::pageblock_mt(f) (a "
            "migratetype): without it CMA and isolated pageblocks would read as pinnable");
        if constexpr (folio_traits_zone<F> && folio_traits_pageblock_mt<F>) {
            const migratetype mt = folio_traits<F>::pageblock_mt(f);
            if (mt == migratetype::cma || mt == migratetype::isolate)
                return false;
            const zone_type z = folio_traits<F>::zone(f);
            return z != zone_type::device && z != zone_type::movable;
        } else {
            return false;
        }
    }
};
inline constexpr folio_is_longterm_pinnable_fn folio_is_longterm_pinnable{};

// ---- results and tracing ----

enum class collect_decision : std::uint8_t {
    pinnable,             // skipped: folio_is_longterm_pinnable
    device_coherent,      // collected, left for migrate_device_coherent_folio
    hugetlb,              // collected, folio_isolate_hugetlb succeeded
    hugetlb_not_isolated, // collected, folio_isolate_hugetlb failed
    drained,              // the policy drained (reported before isolated / isolation_failed)
    isolated,             // collected, folio_isolate_lru succeeded, on the list
    isolation_failed,     // collected, folio_isolate_lru failed (still counts)
};

[[nodiscard]] constexpr std::string_view collect_decision_name(collect_decision d) noexcept
{
    switch (d) {
    case collect_decision::pinnable: return "pinnable";
    case collect_decision::device_coherent: return "device_coherent";
    case collect_decision::hugetlb: return "hugetlb";
    case collect_decision::hugetlb_not_isolated: return "hugetlb_not_isolated";
    case collect_decision::drained: return "drained";
    case collect_decision::isolated: return "isolated";
    case collect_decision::isolation_failed: return "isolation_failed";
    }
    return "?";
}

struct no_sink {
    template <class F>
    constexpr void operator()(const F&, collect_decision) const noexcept
    {
    }
};

// [[nodiscard]]: `collected` is the kernel's return value; a call that drops it has lost what
// the caller must act on.
struct [[nodiscard]] collect_result {
    long entries = 0;      // pofs entries walked
    long folios = 0;       // distinct folios after dedupe
    long collected = 0;    // the kernel's return value
    long isolated = 0;     // LRU and hugetlb folios put on the list
    long local_drains = 0; // lru_add_drain() calls
    long drain_alls = 0;   // lru_add_drain_all() calls
    friend constexpr bool operator==(const collect_result&, const collect_result&) = default;
};

// What the drain check adds for this call's pins: the environment's if it says, else the
// kernel's `pin_refs = folio_has_pincount(folio) ? 1 : GUP_PIN_COUNTING_BIAS` (6.12.117
// collect_longterm_unpinnable_folios, the 2026 "fix always draining"), per folio whatever the
// number of its pages this call pinned.
template <class Env, class F>
[[nodiscard]] constexpr int call_pin_refs(Env& env, const F& f, int pages)
{
    if constexpr (requires {
                      {
                          env.pin_refs(f, pages)
                          } -> std::convertible_to<int>;
                  })
        return env.pin_refs(f, pages);
    else
        return ::foliorc::pin_refs(f, 1);
}

// How far ahead of the cursor collect_unpinnable prefetches the folios of pofs entries. An entry
// type may say where to prefetch with pofs_entry_traits<E>::prefetch_address(e) (a struct page*
// entry: the page itself, since finding its folio is the load to hide); else its folio.
struct no_prefetch {
    static constexpr std::size_t distance = 0;
};
template <std::size_t Distance>
struct prefetch_ahead {
    static_assert(Distance > 0,
                  "prefetch_ahead<Distance>: a distance of 0 is no prefetch; use no_prefetch");
    static constexpr std::size_t distance = Distance;
};

namespace detail {
// A hint only: skipped in constant evaluation, so that collect_unpinnable stays constexpr.
template <class E>
constexpr void prefetch_entry(const E& e) noexcept
{
#if defined(__GNUC__) || defined(__clang__)
    if (std::is_constant_evaluated())
        return;
    if constexpr (requires { pofs_entry_traits<E>::prefetch_address(e); })
        __builtin_prefetch(pofs_entry_traits<E>::prefetch_address(e));
    else
        __builtin_prefetch(pofs_entry_traits<E>::folio(e));
#else
    (void)e;
#endif
}
} // namespace detail

// collect_longterm_unpinnable_folios(): walks pofs once, deduping consecutive entries of one
// folio; for each unpinnable folio counts it, then isolates it (hugetlb or LRU), letting the
// drain policy decide before LRU isolation. Returns the counts; `collected` is the kernel's value.
template <drain_policy Policy = drain::latest, dedupe_policy Dedupe = dedupe::pfn_range,
          pofs_range Pofs, class Env, class Sink = no_sink, class Prefetch = no_prefetch>
requires collect_env<Env, pofs_folio_t<Pofs>> &&
    drain_policy_for<Policy, pofs_folio_t<Pofs>, Env> &&
    dedupe_policy_for<Dedupe, std::ranges::range_value_t<Pofs>> &&
    (Prefetch::distance == 0 || std::ranges::forward_range<Pofs>)
        [[nodiscard]] constexpr collect_result
    collect_unpinnable(Pofs&& pofs, Env& env, Policy = {}, Dedupe = {}, Sink&& sink = {},
                       Prefetch = {})
{
    using E = std::ranges::range_value_t<Pofs>;
    using ET = pofs_entry_traits<E>;
    // The counts live in locals, not in the returned collect_result: clang 14 kept the result
    // (the return slot, whose address escapes) in memory and stored every count on every
    // entry, since the environment and the out-of-line drain could have seen it (issue 14).
    // Each path bumps one hot count: a pinnable folio `pinnable`, an unpinnable one `collected`;
    // folios and isolated are derived at the end (isolated = collected less the rare folios not
    // isolated), which keeps clang 14 from spilling counts in the unpinnable path (issue 14).
    long entries = 0, pinnable = 0, collected = 0, not_isolated = 0, local_drains = 0,
         drain_alls = 0;
    typename Policy::state state{};

    auto it = std::ranges::begin(pofs);
    const auto end = std::ranges::end(pofs);
    using It = decltype(it);
    // A random-access range with a common end walks runs by std::find_if_not; any other walks
    // entry by entry.
    constexpr bool random_access =
        std::random_access_iterator<It> && std::same_as<It, std::remove_const_t<decltype(end)>>;
    if constexpr (random_access)
        entries = long(end - it);
    constexpr auto distance = std::iter_difference_t<It>(Prefetch::distance);
    // With a prefetch distance, `ahead` leads the cursor by that many entries (fewer near the end).
    [[maybe_unused]] auto ahead = it;
    if constexpr (distance > 0)
        for (std::iter_difference_t<It> i = 0; i < distance && ahead != end; ++i, ++ahead)
            detail::prefetch_entry(*ahead);
    while (it != end) {
        auto* const cur = ET::folio(*it); // `cur`, not `folio`: that names a type (-Wshadow)
        // The run of entries this folio covers: its pages pinned by this call.
        const auto in_run = Dedupe::template run_of<E>(cur);
        int pages = 1;
        if constexpr (random_access) {
            const It first = it;
            // A run of one is tested inline (small folios); a longer one goes to std::find_if_not,
            // which libstdc++ unrolls for random-access iterators, so that walking a large folio's
            // entries costs one loop-exit test in four. [[unlikely]]: a run goes on once per
            // large folio and never for a small one, so the run-of-one path is laid out straight.
            // The page count is the distance walked, so nothing is counted on the way.
            ++it;
            if (it != end && in_run(*it)) [[unlikely]]
                it = std::find_if_not(it + 1, end, in_run);
            pages = int(it - first);
            if constexpr (distance > 0) {
                // Entries a long run skipped past need no prefetch: refill only the window.
                const It to = end - it > distance ? it + distance : end;
                for (ahead = ahead < it ? it : ahead; ahead != to; ++ahead)
                    detail::prefetch_entry(*ahead);
            }
        } else {
            auto next = [&] {
                ++it;
                if constexpr (distance > 0)
                    if (ahead != end) {
                        detail::prefetch_entry(*ahead);
                        ++ahead;
                    }
            };
            for (next(); it != end && in_run(*it); next())
                ++pages;
        }
        // A random-access walk counts its entries once, before the loop: a running sum is one
        // more counter live across the loop, which clang 14 kept on the stack (issue 14).
        if constexpr (!random_access)
            entries += pages;

        auto& f = *cur;
        if (env.is_longterm_pinnable(f)) [[likely]] {
            ++pinnable;
            sink(f, collect_decision::pinnable);
            continue;
        }
        ++collected;
        if (env.is_device_coherent(f)) {
            ++not_isolated;
            sink(f, collect_decision::device_coherent);
            continue;
        }
        if (folio_test_hugetlb(f)) {
            const bool ok = env.isolate_hugetlb(f);
            not_isolated += !ok;
            sink(f, ok ? collect_decision::hugetlb : collect_decision::hugetlb_not_isolated);
            continue;
        }
        const drain_done d = Policy::drain(state, f, env, ::foliorc::call_pin_refs(env, f, pages));
        if (d.any()) [[unlikely]] {
            // Counted only here, so that the rarely changed counts stay out of the registers of
            // the path every unpinnable folio takes (clang 14 spilled in that path, issue 14).
            local_drains += d.local;
            drain_alls += d.all;
            sink(f, collect_decision::drained);
        }
        if (!env.isolate_lru(f)) [[unlikely]] {
            ++not_isolated;
            sink(f, collect_decision::isolation_failed);
            continue;
        }
        env.add_to_list(f);
        sink(f, collect_decision::isolated);
    }
    collect_result r;
    r.entries = entries;
    r.folios = pinnable + collected;
    r.collected = collected;
    r.isolated = collected - not_isolated;
    r.local_drains = local_drains;
    r.drain_alls = drain_alls;
    return r;
}

} // namespace foliorc::inline FOLIORC_ABI
