// foliorc/model/gup_env.hpp — model: the environment collect_unpinnable, migration and the pin
// loop run in when the batches are foliorc's lru_caches: any mutable_folio_like folio (basic_folio
// or a caller's own), with the GUP call running on one CPU. It satisfies gup_longterm_env
// (gup.hpp) but for pin_pages, which needs page tables: the caller's or the kernel model's.
// Everything it does goes through the checked operations, so a ledger says afterwards who holds
// what.
#pragma once

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include <foliorc/batch.hpp>
#include <foliorc/collect.hpp>
#include <foliorc/folio_ops.hpp>
#include <foliorc/model/migration.hpp>
#include <foliorc/pin.hpp>

namespace foliorc::inline FOLIORC_ABI::model {

template <mutable_folio_like F, std::size_t Capacity = folio_batch_size>
class gup_env {
public:
    using caches_type = lru_caches<F, Capacity>;

    gup_env(caches_type& caches, unsigned cpu) : caches_(&caches), cpu_(cpu) {}

    unsigned cpu() const noexcept { return cpu_; }
    caches_type& caches() noexcept { return *caches_; }

    // Device-coherent memory fails to migrate when this is false (migrate_device_coherent_folio).
    bool device_coherent_migrates = true;

    // ---- collect_env: what collect_unpinnable calls ----
    bool is_longterm_pinnable(const F& f) const { return ::foliorc::folio_is_longterm_pinnable(f); }
    bool is_device_coherent(const F& f) const
    {
        return ::foliorc::folio_zone(f) == zone_type::device;
    }
    // folio_isolate_hugetlb: +1 isolation reference on success; the folio goes on the list.
    bool isolate_hugetlb(F& f)
    {
        if (!::foliorc::folio_isolate_hugetlb(f))
            return false;
        list_.push_back(std::addressof(f));
        return true;
    }
    void lru_add_drain() { caches_->lru_add_drain(cpu_); }
    void lru_add_drain_all() { caches_->lru_add_drain_all(cpu_); }
    // folio_isolate_lru: +1 isolation reference and PG_lru cleared on success.
    bool isolate_lru(F& f) { return ::foliorc::folio_isolate_lru(f); }
    // The isolated folio goes on the movable list; the isolation reference goes with it.
    void add_to_list(F& f) { list_.push_back(std::addressof(f)); }

    // ---- migrate_env: what migrate_pages calls ----
    // try_to_migrate: each PTE becomes a migration entry (model/migration.hpp), dropping its
    // reference. This environment knows no vmas: the folio has folio_mapcount PTEs, all in
    // VM_LOCKED vmas when it is PG_mlocked.
    void try_to_migrate(F& f)
    {
        const int n = ::foliorc::folio_mapcount(f);
        const bool locked = ::foliorc::folio_test(f, pg::mlocked);
        for (int i = 0; i < n; ++i)
            model::try_to_migrate_one(*caches_, cpu_, f, locked);
        unmapped_.push_back({std::addressof(f), n, locked});
    }
    // remove_migration_ptes back onto the source: a reference per PTE again.
    void remove_migration_ptes(F& f)
    {
        const unmapped u = take_unmapped(f);
        for (int i = 0; i < u.ptes; ++i)
            model::remove_migration_pte(*caches_, cpu_, f, u.locked);
    }
    // The check passed. The data and mappings now live in a new folio, which this environment
    // does not model: the source is left unmapped and isolated (its isolation reference still
    // held, as migration leaves it before migrate_folio_done frees it), listed in migrated().
    void move_to_new_folio(F& f)
    {
        take_unmapped(f);
        migrated_.push_back(std::addressof(f));
    }

    // ---- longterm_env: what migrate_longterm_unpinnable_folios calls ----
    // unpin_folio of one pofs entry: its FOLL_PIN reference (and pincount) dropped.
    template <class E>
    void unpin(const E& e)
    {
        ::foliorc::unpin_folio(*pofs_entry_traits<E>::folio(e));
    }
    // migrate_device_coherent_folio: folio_get, the pin dropped, then the folio migrated on
    // its own and the reference put.
    template <class E>
    bool migrate_device_coherent(const E& e)
    {
        F& f = *pofs_entry_traits<E>::folio(e);
        ::foliorc::folio_get(f);
        ::foliorc::unpin_folio(f);
        ::foliorc::folio_put(f);
        return device_coherent_migrates;
    }
    // putback_movable_pages, per folio left on the list: a hugetlb folio drops its isolation
    // reference; an LRU folio goes back through this CPU's lru_add batch (folio_putback_lru:
    // the batch takes a reference, the isolation reference is dropped).
    void putback(F& f)
    {
        if (::foliorc::folio_test_hugetlb(f))
            ::foliorc::folio_putback_hugetlb(f);
        else
            caches_->folio_putback_lru(cpu_, f);
    }
    std::vector<F*>& movable_list() noexcept { return list_; }
    const std::vector<F*>& migrated() const noexcept { return migrated_; }

protected:
    // The PTEs try_to_migrate turned into migration entries for f, taken back: how many, and
    // whether they were in VM_LOCKED vmas. For a derived environment's move_to_new_folio.
    struct unmapped {
        F* folio;
        int ptes;
        bool locked;
    };
    unmapped take_unmapped(F& f)
    {
        auto it = std::find_if(unmapped_.begin(), unmapped_.end(),
                               [&](const unmapped& u) { return u.folio == std::addressof(f); });
        if (it == unmapped_.end())
            return {std::addressof(f), 0, false};
        const unmapped u = *it;
        unmapped_.erase(it);
        return u;
    }

private:
    caches_type* caches_;
    unsigned cpu_;
    std::vector<F*> list_;
    std::vector<F*> migrated_;
    std::vector<unmapped> unmapped_;
};

} // namespace foliorc::inline FOLIORC_ABI::model
