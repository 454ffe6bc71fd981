// foliorc/mlock_batch.hpp — batches: the mm/mlock.c side of the per-CPU batches. What
// mlock_folio_batch does to each entry of mlock_fbatch (__mlock_folio, __mlock_new_folio,
// __munlock_folio), and folio->mlock_count. Queueing and draining are lru_caches' (batch.hpp);
// this header holds only mm/mlock.c's rules. Mirrors mm/mlock.c of 6.12.117 (read from Debian's
// linux-source-6.12; __mlock_page & co in 6.1.192).
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include <foliorc/concepts.hpp>
#include <foliorc/folio_change.hpp>
#include <foliorc/queries.hpp>

namespace foliorc::inline FOLIORC_ABI {

// Low-bit tags of mlock_fbatch entries: mlock_lru() = LRU_FOLIO, mlock_new() = NEW_FOLIO,
// untagged = munlock.
enum class mlock_tag : std::uint8_t { munlock = 0, lru = 1, new_folio = 2 };

// folio_evictable (mm/internal.h): !mapping_unevictable(folio_mapping) && !PG_mlocked.
// Unevictable mappings (AS_UNEVICTABLE: ramfs, SHM_LOCK) are not modelled.
struct folio_evictable_fn {
    template <folio_like F>
    constexpr bool operator()(const F& f) const
    {
        return !::foliorc::folio_test(f, pg::mlocked);
    }
};
inline constexpr folio_evictable_fn folio_evictable{};

// What an entry's processing does to folio->mlock_count, committed after the folio change.
struct mlock_count_update {
    enum class what : std::uint8_t { keep, set, drop } op = what::keep;
    unsigned value = 0;
    static constexpr mlock_count_update set(unsigned v) noexcept { return {what::set, v}; }
    static constexpr mlock_count_update drop() noexcept { return {what::drop, 0}; }
};

// folio->mlock_count (mm/mlock.c): how many locked vmas the mlock batch processing has counted
// for a folio on the unevictable LRU. The kernel keeps it in the folio's lru field, which means
// something only while the folio is PG_unevictable (the unevictable "list" is not a list); here
// it lives in a map, set where the kernel sets it and dropped (read as 0) where the kernel clears
// PG_unevictable and reuses the field. It undercounts on purpose (lru_add sets 0), "let page
// reclaim fix it".
template <class F>
class mlock_counts {
public:
    unsigned get(const F& f) const
    {
        auto it = counts_.find(std::addressof(f));
        return it == counts_.end() ? 0 : it->second;
    }
    void commit(const mlock_count_update& u, const F& f)
    {
        if (u.op == mlock_count_update::what::set)
            counts_[std::addressof(f)] = u.value;
        else if (u.op == mlock_count_update::what::drop)
            counts_.erase(std::addressof(f));
    }
    // The same counts, each moved to the folio to(f) gives for its folio f: for a copy of a
    // whole model whose folios were copied too (lru_caches::rebind).
    template <class To>
    void rebind(To&& to)
    {
        std::map<const F*, unsigned> moved;
        for (const auto& [f, n] : counts_)
            moved.emplace(std::addressof(static_cast<const F&>(to(*f))), n);
        counts_ = std::move(moved);
    }

private:
    std::map<const F*, unsigned> counts_;
};

// The effect of one mlock_fbatch entry on its folio, added to `c`; the mlock_count update is
// returned. `count` is the folio's mlock_count before.
namespace mlock_batch {

// __mlock_folio (mm/mlock.c, 6.12.117; __mlock_page in 6.1.192).
template <folio_like F, class Change>
constexpr mlock_count_update mlock_folio(const F& f, unsigned count, Change& c)
{
    // "There is nothing more we can do while it's off LRU": !folio_test_clear_lru -> return.
    if (!::foliorc::folio_test(f, pg::lru))
        return {};
    c.set.set(pg::lru); // out: folio_set_lru
    if (::foliorc::folio_evictable(f)) {
        // "PG_mlocked must have got cleared already by another CPU": rescue an unevictable
        // folio (folio_clear_unevictable, UNEVICTABLE_PGRESCUED).
        if (::foliorc::folio_test(f, pg::unevictable)) {
            c.clear.set(pg::unevictable);
            return mlock_count_update::drop();
        }
        return {};
    }
    if (::foliorc::folio_test(f, pg::unevictable)) { // already counted once: folio->mlock_count++
        if (::foliorc::folio_test(f, pg::mlocked))
            return mlock_count_update::set(count + 1);
        return {};
    }
    c.clear.set(pg::active);
    c.set.set(pg::unevictable);
    return mlock_count_update::set(
        ::foliorc::folio_test(f, pg::mlocked) ? 1 : 0); // !!folio_test_mlocked
}

// __mlock_new_folio (mm/mlock.c): not evictable -> PG_unevictable, mlock_count = !!PG_mlocked;
// onto the LRU either way (folio_set_lru). PG_active is not touched.
template <folio_like F, class Change>
constexpr mlock_count_update mlock_new_folio(const F& f, Change& c)
{
    c.set.set(pg::lru);
    if (::foliorc::folio_evictable(f)) // "As above, this is a little surprising, but possible"
        return {};
    c.set.set(pg::unevictable);
    return mlock_count_update::set(::foliorc::folio_test(f, pg::mlocked) ? 1 : 0);
}

// __munlock_folio (mm/mlock.c).
template <folio_like F, class Change>
constexpr mlock_count_update munlock_folio(const F& f, unsigned count, Change& c)
{
    const bool isolated = ::foliorc::folio_test(f, pg::lru); // folio_test_clear_lru succeeded
    if (isolated) {
        c.set.set(pg::lru); // out: if (isolated) folio_set_lru
        if (::foliorc::folio_test(f, pg::unevictable)) {
            // "Then mlock_count is maintained, but might undercount"
            if (count)
                --count;
            if (count) // another locked vma still counts: PG_mlocked stays
                return mlock_count_update::set(count);
        }
    }
    // munlock: folio_test_clear_mlocked. Then "folio_evictable() has to be checked *after*
    // clearing Mlocked": isolated && unevictable && evictable -> folio_clear_unevictable.
    c.clear.set(pg::mlocked);
    if (isolated && ::foliorc::folio_test(f, pg::unevictable)) { // evictable now
        c.clear.set(pg::unevictable);
        return mlock_count_update::drop();
    }
    return {}; // off the LRU: PG_unevictable stays (UNEVICTABLE_PGSTRANDED)
}

// mlock_folio_batch (mm/mlock.c): LRU_FOLIO -> __mlock_folio, NEW_FOLIO -> __mlock_new_folio,
// untagged -> __munlock_folio.
template <folio_like F, class Change>
constexpr mlock_count_update process(mlock_tag tag, const F& f, unsigned count, Change& c)
{
    if (tag == mlock_tag::lru)
        return mlock_batch::mlock_folio(f, count, c);
    if (tag == mlock_tag::new_folio)
        return mlock_batch::mlock_new_folio(f, c);
    return mlock_batch::munlock_folio(f, count, c);
}

} // namespace mlock_batch

} // namespace foliorc::inline FOLIORC_ABI
