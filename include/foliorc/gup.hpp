// foliorc/gup.hpp — algorithms: pin_user_pages_longterm, the loop of __gup_longterm_locked
// (mm/gup.c): pin every page, check and migrate what may not be pinned longterm, and pin again
// while that says -EAGAIN. The caller's environment pins (its page tables); collection,
// migration and putback are collect.hpp's and migrate.hpp's.
#pragma once

#include <cerrno>
#include <concepts>
#include <ranges>

#include <foliorc/collect.hpp>
#include <foliorc/migrate.hpp>

namespace foliorc::inline FOLIORC_ABI {

// pin_pages(pages): __get_user_pages_locked with FOLL_PIN | FOLL_LONGTERM, under
// PF_MEMALLOC_PIN (memalloc_pin_save: anything it allocates, faulting pages in, is outside CMA
// and ZONE_MOVABLE). It fills `pages` with one entry per pinned page, each holding its pin
// (try_grab_folio), and returns how many, or a negative errno with nothing pinned.
template <class Env, class Pages>
concept gup_env_pin_pages = requires(Env& env, Pages& pages)
{
    {
        env.pin_pages(pages)
        } -> std::convertible_to<long>;
};

// Everything pin_user_pages_longterm calls: pin_pages, collect_env (collect.hpp) and
// longterm_env (migrate.hpp), which includes migrate_env.
template <class Env, class Pages>
concept gup_longterm_env = std::ranges::forward_range<Pages> && gup_env_pin_pages<Env, Pages> &&
    collect_env<Env, pofs_folio_t<Pages>> &&
    longterm_env<Env, std::ranges::range_value_t<Pages>, pofs_folio_t<Pages>>;

struct gup_longterm_options {
    migrate_passes passes{};
    // __gup_longterm_locked retries for as long as migration says -EAGAIN; a model that can
    // never make progress would loop forever, so the loop stops here with -EAGAIN.
    int max_attempts = 16;
};

struct [[nodiscard]] gup_longterm_result {
    long ret = 0;     // pages pinned (> 0), or -ENOMEM, -EBUSY, pin_pages' error, or -EAGAIN
                      // when max_attempts was reached
    int attempts = 0; // passes of the pin / check / migrate loop
    migrate_pages_result migration{}; // summed over the attempts
};

// __gup_longterm_locked (mm/gup.c, 6.12.117):
//   do {
//       nr_pinned_pages = __get_user_pages_locked(...);
//       if (nr_pinned_pages <= 0) { rc = nr_pinned_pages; break; }
//       rc = check_and_migrate_movable_pages(nr_pinned_pages, pages);
//   } while (rc == -EAGAIN);
//   return rc ? rc : nr_pinned_pages;
// On success every entry of `pages` holds its pin; on failure none does (the migration step
// unpins them all).
template <migration_rules R = rules::latest, drain_policy Policy = drain::latest,
          class Dedupe = dedupe::pfn_range, class Pages, class Env>
requires gup_longterm_env<Env, Pages>
    gup_longterm_result pin_user_pages_longterm(Pages& pages, Env& env, Policy p = {},
                                                Dedupe d = {}, gup_longterm_options opt = {})
{
    gup_longterm_result r;
    for (r.attempts = 1;; ++r.attempts) {
        const long nr = env.pin_pages(pages);
        if (nr <= 0) {
            r.ret = nr;
            break;
        }
        const longterm_result lr =
            ::foliorc::check_and_migrate_movable_pages_or_folios<R>(pages, env, p, d, opt.passes);
        const migrate_pages_result& m = lr.migration;
        r.migration.nr_failed += m.nr_failed;
        r.migration.nr_succeeded += m.nr_succeeded;
        r.migration.async_passes += m.async_passes;
        r.migration.sync_passes += m.sync_passes;
        r.migration.passes += m.passes;
        r.migration.eagain += m.eagain;
        r.migration.unmaps += m.unmaps;
        if (lr.ret != -EAGAIN) {
            r.ret = lr.ret ? lr.ret : nr;
            break;
        }
        if (r.attempts >= opt.max_attempts) {
            r.ret = -EAGAIN;
            break;
        }
    }
    return r;
}

} // namespace foliorc::inline FOLIORC_ABI
