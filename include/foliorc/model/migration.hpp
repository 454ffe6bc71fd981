// foliorc/model/migration.hpp — model: the steps of migrating one folio, per PTE and per folio,
// as mm/rmap.c and mm/migrate.c of 6.12.117 take them. gup_env (a folio with no vmas) and the
// kernel model (vmas with VM_LOCKED) both run migration through these, so the references and
// batch work of a migration are written once.
#pragma once

#include <cstddef>

#include <foliorc/batch.hpp>
#include <foliorc/folio_ops.hpp>

namespace foliorc::inline FOLIORC_ABI::model {

// try_to_migrate_one (mm/rmap.c), one PTE: folio_remove_rmap_pte, which for a VM_LOCKED vma
// queues a munlock (munlock_vma_folio); then `if (vma->vm_flags & VM_LOCKED)
// mlock_drain_local();` (Will Deacon, 18 Aug 2025: why a locked folio's batch reference is gone
// before the refcount check); then folio_put of the PTE's reference.
template <mutable_folio_like F, std::size_t Capacity>
void try_to_migrate_one(lru_caches<F, Capacity>& caches, unsigned cpu, F& f, bool vm_locked)
{
    ::foliorc::folio_remove_rmap_ptes(f, 1, "try_to_migrate_one", holder::caller);
    if (vm_locked) {
        caches.munlock_folio(cpu, f);
        caches.mlock_drain_local(cpu);
    }
    ::foliorc::folio_put(f, holder::caller, "try_to_migrate_one");
}

// remove_migration_pte (mm/migrate.c), one migration entry: folio_get on the folio the PTE now
// points at (the source again when migration failed), the rmap takes that reference over
// (mlock_vma_folio, small folios only, for a VM_LOCKED vma: folio_add_*_rmap_ptes), then
// mlock_drain_local for a VM_LOCKED vma.
template <mutable_folio_like F, std::size_t Capacity>
void remove_migration_pte(lru_caches<F, Capacity>& caches, unsigned cpu, F& dst, bool vm_locked)
{
    ::foliorc::folio_get(dst, holder::caller, "remove_migration_pte");
    ::foliorc::folio_add_rmap_ptes(dst, 1, "remove_migration_pte");
    if (vm_locked) {
        if (!::foliorc::folio_test_large(dst))
            caches.mlock_folio(cpu, dst);
        caches.mlock_drain_local(cpu);
    }
}

// __migrate_folio's folio_migrate_mapping and folio_migrate_flags (mm/migrate.c), for an
// unmapped source whose refcount check passed: the page cache's (or swap cache's) references
// and the mapping move to dst, the flags that travel are copied, PG_anon_exclusive stays behind,
// and the private data's reference moves with folio_detach_private / folio_attach_private.
template <mutable_folio_like F>
void folio_migrate_mapping(F& src, F& dst, const folio_mapping_t<F>* src_mapping)
{
    const int n = ::foliorc::folio_nr_pages(src);
    detail::change_t<F> out{"folio_migrate_mapping"}, in{"folio_migrate_mapping"};
    for (pg p : {pg::uptodate, pg::dirty, pg::referenced, pg::active, pg::workingset,
                 pg::unevictable, pg::mlocked, pg::swapbacked})
        if (::foliorc::folio_test(src, p))
            in.set.set(p);
    const mapping_kind kind = ::foliorc::folio_raw_mapping(src);
    if (kind != mapping_kind::none) {
        if (src_mapping)
            in.remap_to(*src_mapping);
        else { // a caller's type that keeps only the kind
            in.remap = true;
            in.kind = kind;
        }
        out.unmap_mapping();
    }
    if (kind == mapping_kind::file) {
        out.ref(holder::page_cache, -n);
        in.ref(holder::page_cache, n);
    }
    const bool anon = is_anon_kind(kind);
    if (anon && ::foliorc::folio_test_swapcache(src)) {
        out.clear.set(pg::swapcache);
        out.ref(holder::swap_cache, -n);
        in.set.set(pg::swapcache);
        in.ref(holder::swap_cache, n);
    }
    if (anon)
        out.clear.set(pg::anon_exclusive);
    const bool priv = ::foliorc::folio_test(src, pg::private_);
    detail::apply_change(src, out);
    detail::apply_change(dst, in);
    if (priv) { // folio_attach_private(dst, folio_detach_private(src))
        ::foliorc::folio_detach_private(src);
        ::foliorc::folio_attach_private(dst);
    }
}

} // namespace foliorc::inline FOLIORC_ABI::model
