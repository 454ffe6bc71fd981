// foliorc/migrate.hpp — algorithms: migration's refcount check, migrate_pages with its retry
// passes, and the longterm-pin outcome of migrate_longterm_unpinnable_folios()
// (kernel-facts.md 2.7 and 5).
#pragma once

#include <cerrno>
#include <concepts>
#include <ranges>
#include <string_view>

#include <foliorc/collect.hpp>
#include <foliorc/rules.hpp>

namespace foliorc {

// NR_MAX_MIGRATE_PAGES_RETRY [M in kernel-facts.md 5].
inline constexpr int nr_max_migrate_pages_retry = 10;

// __migrate_folio / folio_migrate_mapping on an unmapped, isolated folio: the refcount must be
// exactly folio_expected_ref_count + 1 (the isolation reference) + extra_count (86ebd50224c0);
// the migrate-era rule sets already include that reference. 0 or -EAGAIN.
template <rule_set R = rules::latest, folio_like F>
constexpr int folio_migrate_refs_check(const F& f, int extra_count = 0)
{
    const int expected = expected_ref_count<R>(f) + (R::includes_caller_ref ? 0 : 1) + extra_count;
    return folio_ref_count(f) == expected ? 0 : -EAGAIN;
}

template <class Env, class F>
concept migrate_env = requires(Env& env, F& f) {
    env.try_to_migrate(f);        // unmap: PTEs become migration entries (and mlock_drain_local)
    env.remove_migration_ptes(f); // -EAGAIN: map the source again
    env.move_to_new_folio(f);     // the check passed: the data and mappings move to a new folio
};

struct migrate_pages_result {
    int nr_failed = 0;    // what migrate_pages returns: folios left unmigrated
    int nr_succeeded = 0;
    int passes = 0;       // passes run (at most nr_max_migrate_pages_retry)
    int eagain = 0;       // -EAGAIN results over all passes
    friend constexpr bool operator==(const migrate_pages_result&, const migrate_pages_result&) = default;
};

// migrate_pages(MIGRATE_SYNC): each pass unmaps every folio still on the list, checks its
// refcount, and moves it or maps it back; failures are retried up to max_passes passes.
// Migrated folios leave `list`; the ones that failed stay on it.
template <rule_set R = rules::latest, class List, class Env>
    requires migrate_env<Env, std::remove_pointer_t<std::ranges::range_value_t<List>>>
migrate_pages_result migrate_pages(List& list, Env& env, int max_passes = nr_max_migrate_pages_retry)
{
    migrate_pages_result r;
    while (r.passes < max_passes && !std::ranges::empty(list)) {
        ++r.passes;
        int retry = 0;
        std::erase_if(list, [&](auto* folio) {
            env.try_to_migrate(*folio);
            if (folio_migrate_refs_check<R>(*folio) == 0) {
                env.move_to_new_folio(*folio);
                ++r.nr_succeeded;
                return true;
            }
            env.remove_migration_ptes(*folio);
            ++r.eagain;
            ++retry;
            return false;
        });
        if (!retry)
            break;
    }
    r.nr_failed = static_cast<int>(std::ranges::distance(list));
    return r;
}

template <class Env, class E, class F>
concept longterm_env = migrate_env<Env, F> && requires(Env& env, const E& e, F& f) {
    env.unpin(e);                                              // unpin_folio / unpin_user_page
    { env.migrate_device_coherent(e) } -> std::convertible_to<bool>; // get, unpin, migrate
    env.putback(f);                                            // putback_movable_pages, per folio
    { env.movable_list() } -> std::ranges::range;              // where collect put the folios
};

struct longterm_result {
    int ret = 0; // 0: pins kept; -EAGAIN: migrated, re-pin; -ENOMEM or -EBUSY: failed, no pins
    migrate_pages_result migration{};
};

// migrate_longterm_unpinnable_folios(): drop every pin of this call first (device-coherent
// folios migrate on their own, -EBUSY on failure), migrate the list, and put back what is left.
// Any unmigrated folio is -ENOMEM; success is -EAGAIN so that the caller pins again.
template <rule_set R = rules::latest, std::ranges::forward_range Pofs, class Env>
longterm_result migrate_longterm_unpinnable_folios(Pofs&& pofs, Env& env)
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
            r.migration = migrate_pages<R>(list, env);
            if (r.migration.nr_failed)
                r.ret = -ENOMEM;
        }
    }
    if (r.ret != 0) // pofs_unpin: entries not yet cleared still hold their pins
        for (; it != end; ++it)
            env.unpin(*it);
    for (auto* folio : env.movable_list())
        env.putback(*folio);
    env.movable_list().clear();
    if (r.ret == 0)
        r.ret = -EAGAIN;
    return r;
}

// check_and_migrate_movable_pages_or_folios(): nothing collected keeps the pins (0); otherwise
// the longterm outcome above.
template <rule_set R = rules::latest, drain_policy Policy = drain::latest,
          class Dedupe = dedupe::pfn_range, std::ranges::forward_range Pofs, class Env>
longterm_result check_and_migrate_movable_pages_or_folios(Pofs&& pofs, Env& env, Policy p = {},
                                                          Dedupe d = {})
{
    const collect_result c = collect_unpinnable(pofs, env, p, d);
    if (!c.collected)
        return {};
    return migrate_longterm_unpinnable_folios<R>(pofs, env);
}

} // namespace foliorc
