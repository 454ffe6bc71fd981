// foliorc/model/gup_env.hpp — model: the environment collect_unpinnable and the migration steps
// run in when the kernel is foliorc's own: basic_folio folios and lru_caches batches, with the
// GUP call running on one CPU. Everything it does goes through the folio's checked operations,
// so the ledger says afterwards who holds what.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include <foliorc/batch.hpp>
#include <foliorc/collect.hpp>
#include <foliorc/pin.hpp>

namespace foliorc::model {

template <basic_folio_type F, std::size_t Capacity = folio_batch_size>
class gup_env {
public:
    using caches_type = lru_caches<F, Capacity>;

    gup_env(caches_type& caches, unsigned cpu) : caches_(&caches), cpu_(cpu) {}

    unsigned cpu() const noexcept { return cpu_; }
    caches_type& caches() noexcept { return *caches_; }

    // Device-coherent memory fails to migrate when this is false (migrate_device_coherent_folio).
    bool device_coherent_migrates = true;

    // ---- collect_env ----
    bool is_longterm_pinnable(const F& f) const { return folio_is_longterm_pinnable(f); }
    bool is_device_coherent(const F& f) const { return f.zone() == zone_type::device; }
    bool isolate_hugetlb(F& f)
    {
        if (!::foliorc::folio_isolate_hugetlb(f))
            return false;
        list_.push_back(&f);
        return true;
    }
    void lru_add_drain() { caches_->lru_add_drain(cpu_); }
    void lru_add_drain_all() { caches_->lru_add_drain_all(cpu_); }
    bool isolate_lru(F& f) { return ::foliorc::folio_isolate_lru(f); }
    void add_to_list(F& f) { list_.push_back(&f); }

    // ---- migrate_env ----
    // try_to_migrate: every PTE becomes a migration entry; for a VM_LOCKED vma
    // try_to_migrate_one also runs mlock_drain_local() on the migrating CPU (Will Deacon,
    // 18 Aug 2025). This environment knows no vmas: PG_mlocked stands for "mapped in one".
    // try_to_migrate_one, per PTE: folio_remove_rmap_pte, mlock_drain_local for a VM_LOCKED
    // vma, then folio_put of the PTE's reference (mm/rmap.c, 6.12.117).
    void try_to_migrate(F& f)
    {
        const int n = f.mapcount();
        const bool locked = f.test(pg::mlocked);
        for (int i = 0; i < n; ++i) {
            ::foliorc::folio_remove_rmap_ptes(f, 1, "try_to_migrate_one", holder::caller);
            if (locked)
                caches_->mlock_drain_local(cpu_);
            ::foliorc::folio_put(f, holder::caller, "try_to_migrate_one");
        }
        unmapped_.emplace_back(&f, n);
    }
    // remove_migration_pte, per migration entry: folio_get, then the rmap takes it over.
    void remove_migration_ptes(F& f)
    {
        const int n = take_unmapped(f);
        for (int i = 0; i < n; ++i) {
            ::foliorc::folio_get(f, holder::caller, "remove_migration_pte");
            ::foliorc::folio_add_rmap_ptes(f, 1, "remove_migration_pte");
        }
    }
    // The data and mappings now live in a new folio; the source is left unmapped and isolated,
    // as migration leaves it before freeing it, and listed in migrated().
    void move_to_new_folio(F& f)
    {
        take_unmapped(f);
        migrated_.push_back(&f);
    }

    // ---- longterm_env ----
    template <class E>
    void unpin(const E& e)
    {
        ::foliorc::unpin_folio(*pofs_entry_traits<E>::folio(e));
    }
    template <class E>
    bool migrate_device_coherent(const E& e)
    {
        F& f = *pofs_entry_traits<E>::folio(e);
        ::foliorc::folio_get(f);   // folio_get, then the pin is dropped: gup_put_folio(folio, 1, FOLL_PIN)
        ::foliorc::unpin_folio(f);
        ::foliorc::folio_put(f);
        return device_coherent_migrates;
    }
    // putback_movable_pages: hugetlb folios drop the isolation reference; LRU folios go back
    // through this CPU's lru_add batch (folio_putback_lru).
    void putback(F& f)
    {
        if (f.type() == page_type::hugetlb)
            ::foliorc::folio_putback_hugetlb(f);
        else
            caches_->folio_putback_lru(cpu_, f);
    }
    std::vector<F*>& movable_list() noexcept { return list_; }
    const std::vector<F*>& migrated() const noexcept { return migrated_; }

private:
    int take_unmapped(F& f)
    {
        auto it = std::find_if(unmapped_.begin(), unmapped_.end(),
                               [&](const auto& e) { return e.first == &f; });
        if (it == unmapped_.end())
            return 0;
        const int n = it->second;
        unmapped_.erase(it);
        return n;
    }

    caches_type* caches_;
    unsigned cpu_;
    std::vector<F*> list_;
    std::vector<F*> migrated_;
    std::vector<std::pair<F*, int>> unmapped_;
};

} // namespace foliorc::model
