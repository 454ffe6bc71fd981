// foliorc/swap_batch.hpp — batches: the mm/swap.c side of the per-CPU batches (struct
// cpu_fbatches): which folios each LRU batch takes, the order lru_add_drain_cpu processes them
// in, and what folio_batch_move_lru's move functions do to each entry. Queueing and draining
// are lru_caches' (batch.hpp); this header holds only mm/swap.c's rules. Mirrors mm/swap.c of
// 6.12.117 (read from Debian's linux-source-6.12); 6.1.192 differences are noted.
#pragma once

#include <array>
#include <cstdint>

#include <foliorc/concepts.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mlock_batch.hpp>
#include <foliorc/queries.hpp>

namespace foliorc::inline FOLIORC_ABI {

// Where PG_lru goes while a folio waits in a non-lru_add LRU batch.
enum class lru_era : std::uint8_t {
    classic,      // cleared at processing (restored after the move); the long-standing behaviour
    clear_on_add, // 33dfe9204f29 (6.11) until Hugh's 3/6 revert: cleared when queued
};

// lru_add_drain_cpu (mm/swap.c, 6.12.117 and 6.1.192): the order the cpu_fbatches are
// processed in; lru_activate last, via folio_activate_drain.
inline constexpr std::array<batch_kind, 6> lru_drain_order{
    batch_kind::lru_add,        batch_kind::lru_move_tail, batch_kind::lru_deactivate_file,
    batch_kind::lru_deactivate, batch_kind::lru_lazyfree,  batch_kind::lru_activate};

namespace swap_batch {

// Does the caller of the batch queue this folio at all? folio_add_lru takes any folio (PG_lru
// clear is checked by lru_caches); the five others take only a folio with PG_lru set (checked by
// lru_caches: 6.12.117's callers test !folio_test_lru and return; in the clear_on_add era
// __folio_batch_add_and_move did the test-and-clear itself). 6.1.192's deactivate_file_folio
// has no PG_lru test: there a folio off the LRU is queued, holds its reference, and
// folio_batch_move_lru skips it.
template <folio_like F>
constexpr bool takes(batch_kind k, const F& f, bool lru_gen_enabled)
{
    const bool unevictable = ::foliorc::folio_test(f, pg::unevictable);
    switch (k) {
    case batch_kind::lru_activate: // folio_activate (CONFIG_SMP)
        return !::foliorc::folio_test(f, pg::active) && !unevictable;
    case batch_kind::lru_deactivate: // folio_deactivate (deactivate_page in 6.1.192): an
                                     // inactive folio too when lru_gen_enabled()
        return !unevictable && (::foliorc::folio_test(f, pg::active) || lru_gen_enabled);
    case batch_kind::lru_deactivate_file: // deactivate_file_folio: "Deactivating an unevictable
                                          // folio will not accelerate reclaim"
        return !unevictable;
    case batch_kind::lru_lazyfree: // folio_mark_lazyfree (mark_page_lazyfree in 6.1.192)
        return ::foliorc::folio_test_anon(f) && ::foliorc::folio_test(f, pg::swapbacked) &&
               !::foliorc::folio_test_swapcache(f) && !unevictable;
    case batch_kind::lru_move_tail: // folio_rotate_reclaimable (lru_rotate in 6.1.192)
        return !::foliorc::folio_test(f, pg::locked) && !::foliorc::folio_test(f, pg::dirty) &&
               !unevictable;
    case batch_kind::lru_add: return true;
    case batch_kind::mlock: break;
    }
    return false;
}

// lru_add (mm/swap.c, 6.12.117; lru_add_fn in 6.1.192): folio_test_clear_unevictable first (an
// evictable folio that was unevictable is rescued), then if !folio_evictable: PG_active cleared,
// PG_unevictable set. folio_batch_move_lru then sets PG_lru. (A set flag wins over a cleared one
// in a change.) folio->mlock_count = 0 for an unevictable one ("Err on the safe side,
// underestimate"); an evictable one's lru field is a list link again.
template <folio_like F, class Change>
constexpr mlock_count_update lru_add(const F& f, Change& c)
{
    c.clear.set(pg::unevictable);
    c.set.set(pg::lru);
    if (::foliorc::folio_evictable(f))
        return mlock_count_update::drop();
    c.clear.set(pg::active);
    c.set.set(pg::unevictable);
    return mlock_count_update::set(0);
}

// folio_batch_move_lru (mm/swap.c) for the other five batches: `if (move_fn != lru_add &&
// !folio_test_clear_lru(folio)) continue;` then move_fn, then folio_set_lru. In the
// clear_on_add era (33dfe9204f29) PG_lru was cleared at queueing and the move is unconditional.
template <folio_like F, class Change>
constexpr void move(batch_kind k, const F& f, Change& c, lru_era era, bool lru_gen_enabled)
{
    if (era == lru_era::classic && !::foliorc::folio_test(f, pg::lru))
        return;
    c.set.set(pg::lru);
    const bool unevictable = ::foliorc::folio_test(f, pg::unevictable);
    switch (k) {
    case batch_kind::lru_move_tail:
        // lru_move_tail: nothing for an unevictable folio, else PG_active cleared and the folio
        // at the tail of its inactive list.
        if (!unevictable)
            c.clear.set(pg::active);
        break;
    case batch_kind::lru_deactivate_file:
        // lru_deactivate_file: not an unevictable folio, not a mapped one (folio_mapped, "Some
        // processes are using the folio"); else PG_active and PG_referenced cleared, and a dirty
        // or writeback folio gets PG_reclaim (folio_set_reclaim).
        if (unevictable || ::foliorc::folio_mapcount(f) > 0)
            break;
        c.clear.set(pg::active).set(pg::referenced);
        if (::foliorc::folio_test(f, pg::writeback) || ::foliorc::folio_test(f, pg::dirty))
            c.set.set(pg::reclaim);
        break;
    case batch_kind::lru_deactivate:
        // lru_deactivate: `folio_test_unevictable || !(folio_test_active || lru_gen_enabled())`
        // returns; else PG_active and PG_referenced cleared.
        if (unevictable || !(::foliorc::folio_test(f, pg::active) || lru_gen_enabled))
            break;
        c.clear.set(pg::active).set(pg::referenced);
        break;
    case batch_kind::lru_lazyfree:
        // lru_lazyfree: only an anon, swapbacked folio outside the swap cache that is not
        // unevictable; PG_active, PG_referenced and PG_swapbacked cleared.
        if (!::foliorc::folio_test_anon(f) || !::foliorc::folio_test(f, pg::swapbacked) ||
            ::foliorc::folio_test_swapcache(f) || unevictable)
            break;
        c.clear.set(pg::active).set(pg::referenced).set(pg::swapbacked);
        break;
    case batch_kind::lru_activate:
        // lru_activate: nothing for an active or unevictable folio, else PG_active.
        if (!::foliorc::folio_test(f, pg::active) && !unevictable)
            c.set.set(pg::active);
        break;
    case batch_kind::lru_add:
    case batch_kind::mlock: break;
    }
}

} // namespace swap_batch

} // namespace foliorc::inline FOLIORC_ABI
