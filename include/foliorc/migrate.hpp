// foliorc/migrate.hpp — algorithms: migration's refcount check, migrate_pages with its retry
// passes, and the longterm-pin outcome of migrate_longterm_unpinnable_folios()
// (docs/kernel.md ("Collection and drain policies", "Refcount events")).
#pragma once

#include <algorithm>
#include <cerrno>
#include <concepts>
#include <iterator>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <vector>

#include <foliorc/collect.hpp>
#include <foliorc/rules.hpp>

namespace foliorc::inline FOLIORC_ABI {

// NR_MAX_MIGRATE_PAGES_RETRY (10; 6.1.192 and 6.12.117 mm/migrate.c).
inline constexpr int nr_max_migrate_pages_retry = 10;

// How migrate_pages(MIGRATE_SYNC) retries. Before 6.3 (6.1.192): `sync` passes of
// unmap_and_move, each folio unmapped, checked and moved or mapped back in turn. From 6.3
// (migrate_pages_batch, 6.12.117): `async` MIGRATE_ASYNC passes over the whole batch (all
// folios unmapped, then up to `async` move attempts, then the failures mapped back), then each
// folio left alone through the same with `sync` passes (NR_MAX_MIGRATE_SYNC_RETRY = 10 - 3).
struct migrate_passes {
    int async = 3;
    int sync = 7;
    bool batched = true;
    friend constexpr bool operator==(const migrate_passes&, const migrate_passes&) = default;
};

// __migrate_folio / folio_migrate_mapping on an unmapped, isolated folio: the refcount must be
// exactly folio_expected_ref_count + 1 (the isolation reference) + extra_count (86ebd50224c0);
// the migrate-era rule sets already include that reference. 0 or -EAGAIN.
template <rule_set R = rules::latest, folio_like F>
[[nodiscard]] constexpr int folio_migrate_refs_check(const F& f, int extra_count = 0)
{
    const int expected =
        ::foliorc::expected_ref_count<R>(f) + (R::includes_caller_ref ? 0 : 1) + extra_count;
    return ::foliorc::folio_ref_count(f) == expected ? 0 : -EAGAIN;
}

// The hooks migrate_pages calls on an isolated folio (one the list holds with its isolation
// reference), one concept each so that a missing one is named. gup_env (model/gup_env.hpp) is
// the reference implementation.
//
// try_to_migrate(f): every PTE of f becomes a migration entry. Each PTE's reference is dropped
// (try_to_migrate_one: folio_remove_rmap_pte, then folio_put); afterwards folio_mapcount(f) is 0,
// or f is still mapped and this pass gives -EAGAIN.
template <class Env, class F>
concept migrate_env_try_to_migrate = requires(Env& env, F& f)
{
    env.try_to_migrate(f);
};
// remove_migration_ptes(f): undo, after a failed pass: each migration entry maps f again, taking
// one reference per PTE (remove_migration_pte: folio_get, then the rmap).
template <class Env, class F>
concept migrate_env_remove_migration_ptes = requires(Env& env, F& f)
{
    env.remove_migration_ptes(f);
};
// move_to_new_folio(f): the refcount check passed (folio_migrate_refs_check). The data,
// mapping and the page cache's, swap cache's and private references move to a new folio, whose
// PTEs take references of their own; f keeps only its isolation reference, which
// migrate_folio_done drops when it frees f. f then leaves the list.
template <class Env, class F>
concept migrate_env_move_to_new_folio = requires(Env& env, F& f)
{
    env.move_to_new_folio(f);
};
template <class Env, class F>
concept migrate_env = migrate_env_try_to_migrate<Env, F> &&
    migrate_env_remove_migration_ptes<Env, F> && migrate_env_move_to_new_folio<Env, F>;

// The list migrate_pages works on: any forward range of F* whose elements can be reordered, with
// erase(first, last) (std::vector, std::deque, std::list, or a caller's own). Migrated folios
// are erased from it; the rest stay, in order.
template <class L>
concept migrate_list = std::ranges::forward_range<L> &&
    std::is_pointer_v<std::ranges::range_value_t<L>> &&
    std::permutable<std::ranges::iterator_t<L>> && requires(L& l)
{
    l.erase(std::ranges::begin(l), std::ranges::end(l));
};
template <migrate_list L>
using migrate_list_folio_t = std::remove_pointer_t<std::ranges::range_value_t<L>>;

namespace detail {
template <class L, class Pred>
void list_erase_if(L& list, Pred pred)
{
    list.erase(std::remove_if(std::ranges::begin(list), std::ranges::end(list), pred),
               std::ranges::end(list));
}
} // namespace detail

struct [[nodiscard]] migrate_pages_result {
    int nr_failed = 0; // what migrate_pages returns: folios left unmigrated
    int nr_succeeded = 0;
    int async_passes = 0; // MIGRATE_ASYNC move passes run (batched kernels)
    int sync_passes = 0;  // MIGRATE_SYNC passes run (most for one folio)
    int passes = 0;       // async_passes + sync_passes
    int eagain = 0;       // -EAGAIN results over all passes (still mapped, or refcount)
    int unmaps = 0;       // try_to_migrate calls
    friend constexpr bool operator==(const migrate_pages_result&,
                                     const migrate_pages_result&) = default;
};

namespace detail {
// migrate_folio_unmap: try_to_migrate; a folio still mapped afterwards is -EAGAIN before any
// refcount check (its migration entries are removed again).
template <class Env, class F>
bool migrate_unmap(Env& env, F& f, migrate_pages_result& r)
{
    env.try_to_migrate(f);
    ++r.unmaps;
    if (::foliorc::folio_mapcount(f) == 0)
        return true;
    env.remove_migration_ptes(f);
    ++r.eagain;
    return false;
}

// migrate_pages_batch() over `batch`: unmap every folio (up to `passes` tries each), then up
// to `passes` move attempts over the unmapped ones; what did not move is mapped back. Moved
// folios leave `batch`. Returns the move passes run.
template <rule_set R, class Env, class F>
int migrate_batch(std::vector<F*>& batch, Env& env, int passes, migrate_pages_result& r)
{
    std::vector<F*> unmapped;
    std::vector<F*> stuck;
    for (int pass = 0; pass < passes && !batch.empty(); ++pass) {
        std::vector<F*> retry;
        for (F* f : batch)
            (migrate_unmap(env, *f, r) ? unmapped : retry).push_back(f);
        batch.swap(retry);
    }
    stuck = std::move(batch); // never unmapped: stay on the list
    batch.clear();
    int ran = 0;
    for (int pass = 0; pass < passes && !unmapped.empty(); ++pass) {
        ++ran;
        std::erase_if(unmapped, [&](F* f) {
            if (::foliorc::folio_migrate_refs_check<R>(*f) == 0) {
                env.move_to_new_folio(*f);
                ++r.nr_succeeded;
                return true;
            }
            ++r.eagain;
            return false;
        });
    }
    for (F* f : unmapped) { // migrate_folio_undo_src
        env.remove_migration_ptes(*f);
        batch.push_back(f);
    }
    batch.insert(batch.end(), stuck.begin(), stuck.end());
    return ran;
}
} // namespace detail

// migrate_pages(MIGRATE_SYNC) as the kernel of `passes` runs it. Migrated folios leave
// `list`; the ones that failed stay on it, mapped again, still isolated (putback is the
// caller's: migrate_longterm_unpinnable_folios does it).
template <rule_set R = rules::latest, migrate_list List, class Env>
requires migrate_env<Env, migrate_list_folio_t<List>>
    migrate_pages_result migrate_pages(List& list, Env& env, migrate_passes passes = {})
{
    using F = migrate_list_folio_t<List>;
    migrate_pages_result r;
    if (!passes.batched) {
        // unmap_and_move, one folio after another, each pass.
        for (int pass = 0; pass < passes.sync && !std::ranges::empty(list); ++pass) {
            ++r.sync_passes;
            int retry = 0;
            detail::list_erase_if(list, [&](F* f) {
                if (!detail::migrate_unmap(env, *f, r)) {
                    ++retry;
                    return false;
                }
                if (::foliorc::folio_migrate_refs_check<R>(*f) == 0) {
                    env.move_to_new_folio(*f);
                    ++r.nr_succeeded;
                    return true;
                }
                env.remove_migration_ptes(*f);
                ++r.eagain;
                ++retry;
                return false;
            });
            if (!retry)
                break;
        }
    } else {
        std::vector<F*> batch(std::ranges::begin(list), std::ranges::end(list));
        r.async_passes = detail::migrate_batch<R>(batch, env, passes.async, r);
        std::vector<F*> left;
        for (F* f : batch) { // migrate_pages_sync: one folio at a time
            std::vector<F*> one{f};
            r.sync_passes =
                std::max(r.sync_passes, detail::migrate_batch<R>(one, env, passes.sync, r));
            left.insert(left.end(), one.begin(), one.end());
        }
        detail::list_erase_if(
            list, [&](F* f) { return std::find(left.begin(), left.end(), f) == left.end(); });
    }
    r.passes = r.async_passes + r.sync_passes;
    r.nr_failed = static_cast<int>(std::ranges::distance(list));
    return r;
}

// What migrate_longterm_unpinnable_folios calls besides migrate_env, on the pofs entries E of
// folios F. Each hook its own concept.
//
// unpin(e): unpin_folio / unpin_user_page of one entry: its FOLL_PIN reference (and pincount)
// dropped.
template <class Env, class E>
concept longterm_env_unpin = requires(Env& env, const E& e)
{
    env.unpin(e);
};
// migrate_device_coherent(e): migrate_device_coherent_folio: folio_get, the pin dropped, the
// folio migrated on its own, the reference put; false when it could not move (-EBUSY).
template <class Env, class E>
concept longterm_env_migrate_device_coherent = requires(Env& env, const E& e)
{
    {
        env.migrate_device_coherent(e)
        } -> std::convertible_to<bool>;
};
template <class Env, class F>
concept longterm_env_is_device_coherent = requires(Env& env, const F& f)
{
    {
        env.is_device_coherent(f)
        } -> std::convertible_to<bool>;
};
// putback(f): putback_movable_pages for a folio migration left on the list: its isolation
// reference is dropped (an LRU folio goes back through folio_putback_lru).
template <class Env, class F>
concept longterm_env_putback = requires(Env& env, F& f)
{
    env.putback(f);
};
// movable_list(): the list collect_unpinnable filled (add_to_list), holding each folio with its
// isolation reference; emptied here.
template <class Env>
concept longterm_env_movable_list = requires(Env& env)
{
    {
        env.movable_list()
        } -> migrate_list;
    env.movable_list().clear();
};
template <class Env, class E, class F>
concept longterm_env = migrate_env<Env, F> && longterm_env_unpin<Env, E> &&
    longterm_env_migrate_device_coherent<Env, E> && longterm_env_is_device_coherent<Env, F> &&
    longterm_env_putback<Env, F> && longterm_env_movable_list<Env>;

struct [[nodiscard]] longterm_result {
    int ret = 0; // 0: pins kept; -EAGAIN: migrated, re-pin; -ENOMEM or -EBUSY: failed, no pins
    migrate_pages_result migration{};
};

// migrate_longterm_unpinnable_folios(): drop every pin of this call first (device-coherent
// folios migrate on their own, -EBUSY on failure), migrate the list, and put back what is left.
// Any unmigrated folio is -ENOMEM; success is -EAGAIN so that the caller pins again.
template <rule_set R = rules::latest, std::ranges::forward_range Pofs, class Env>
requires longterm_env<Env, std::ranges::range_value_t<Pofs>, pofs_folio_t<Pofs>> longterm_result
migrate_longterm_unpinnable_folios(Pofs&& pofs, Env& env, migrate_passes passes = {})
{
    using E = std::ranges::range_value_t<Pofs>;
    longterm_result r;
    auto it = std::ranges::begin(pofs);
    const auto end = std::ranges::end(pofs);
    for (; it != end; ++it) {
        auto& f = *pofs_entry_traits<E>::folio(*it);
        if (env.is_device_coherent(f)) {
            if (!env.migrate_device_coherent(*it)) {
                r.ret = -EBUSY;
                ++it;
                break;
            }
            continue;
        }
        env.unpin(*it);
    }
    if (r.ret == 0) {
        auto& list = env.movable_list();
        if (!std::ranges::empty(list)) {
            r.migration = ::foliorc::migrate_pages<R>(list, env, passes);
            if (r.migration.nr_failed)
                r.ret = -ENOMEM;
        }
    }
    if (r.ret != 0) // pofs_unpin: entries not yet cleared still hold their pins
        for (; it != end; ++it)
            env.unpin(*it);
    for (auto* isolated : env.movable_list())
        env.putback(*isolated);
    env.movable_list().clear();
    if (r.ret == 0)
        r.ret = -EAGAIN;
    return r;
}

// One kernel may check the drain with one rule set and migration with another (6.1.y: the
// backported folio_expected_ref_count for the drain, 6.0's folio_expected_refs in migrate.c).
// split_rules<DrainRules, MigrateRules> says so where one rule set is expected; a plain rule set
// R means both.
template <rule_set DrainRules, rule_set MigrateRules>
struct split_rules {
    using drain = DrainRules;
    using migrate = MigrateRules;
};

namespace detail {
template <class R>
struct rule_roles {
    using drain = R;
    using migrate = R;
};
template <class D, class M>
struct rule_roles<split_rules<D, M>> {
    using drain = D;
    using migrate = M;
};
template <class R>
inline constexpr bool is_split_rules = false;
template <class D, class M>
inline constexpr bool is_split_rules<split_rules<D, M>> = true;
} // namespace detail

// A rule set, or split_rules of two.
template <class R>
concept migration_rules = rule_set<R> || detail::is_split_rules<R>;

// check_and_migrate_movable_pages_or_folios(): nothing collected keeps the pins (0); otherwise
// the longterm outcome above. The rule set is given once: a drain policy that names its own
// (Policy::rules) must name the same one as R, or R is split_rules<Policy::rules, migration's>.
template <migration_rules R = rules::latest, drain_policy Policy = drain::latest,
          class Dedupe = dedupe::pfn_range, std::ranges::forward_range Pofs, class Env>
requires collect_env<Env, pofs_folio_t<Pofs>> &&
    longterm_env<Env, std::ranges::range_value_t<Pofs>, pofs_folio_t<Pofs>>
        longterm_result check_and_migrate_movable_pages_or_folios(Pofs&& pofs, Env& env,
                                                                  Policy p = {}, Dedupe d = {},
                                                                  migrate_passes passes = {})
{
    using roles = detail::rule_roles<R>;
    if constexpr (requires { typename Policy::rules; })
        static_assert(
            std::same_as<typename Policy::rules, typename roles::drain>,
            "the drain policy compares with a rule set (Policy::rules) other than the one "
            "migration checks with (R): give both the same rule set, or say the kernel "
            "uses two with R = split_rules<DrainRules, MigrateRules>");
    const collect_result c = ::foliorc::collect_unpinnable(pofs, env, p, d);
    if (!c.collected)
        return {};
    return ::foliorc::migrate_longterm_unpinnable_folios<typename roles::migrate>(pofs, env,
                                                                                  passes);
}

} // namespace foliorc::inline FOLIORC_ABI
