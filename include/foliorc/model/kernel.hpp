// foliorc/model/kernel.hpp — model: a small deterministic kernel to drive step by step. CPUs with
// their per-CPU batches; normal and movable zones and CMA pageblocks; memfd (shmem), file and
// anonymous mappings; vmas with VM_LOCKED and VM_LOCKONFAULT; faults, readahead, mlock,
// mlock2(MLOCK_ONFAULT), munlock, munmap, and pin_user_pages(FOLL_PIN | FOLL_LONGTERM) end to
// end (pin, collect, unpin, migrate, re-pin). Every refcount change is a trace event.
#pragma once

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <foliorc/batch.hpp>
#include <foliorc/collect.hpp>
#include <foliorc/error.hpp>
#include <foliorc/folio_ops.hpp>
#include <foliorc/gup.hpp>
#include <foliorc/kernels.hpp>
#include <foliorc/migrate.hpp>
#include <foliorc/model/gup_env.hpp>
#include <foliorc/model/migration.hpp>
#include <foliorc/model/trace.hpp>

namespace foliorc::inline FOLIORC_ABI::model {

// Where a mapping's folios are allocated.
enum class placement : std::uint8_t {
    normal, // ZONE_NORMAL, movable pageblock: longterm pinnable
    cma, // a CMA pageblock in ZONE_NORMAL (crosvm's guest memory in docs/kernel.md ("The pKVM failure"))
    movable, // ZONE_MOVABLE
};

struct kernel_config {
    unsigned nr_cpus = 2;
    lru_era era = lru_era::classic;
    bool drain_all_local_first = false; // Hugh's v1 6/6, in no released kernel
    migrate_passes passes{};            // 3 async + 7 sync (6.3+), or 10 unbatched
    int max_gup_attempts = 16;          // bound on __gup_longterm_locked's -EAGAIN loop
};

// What one pin_user_pages call did.
struct pin_result {
    int ret = 0;                  // 0, -ENOMEM, -EBUSY, or -EAGAIN when the retry bound was hit
    std::vector<int> folios;      // on success: the folio of each pinned page
    int gup_attempts = 0;         // passes of the pin/check/migrate loop
    int migrate_passes = 0;       // migrate_pages passes, all attempts
    int migrate_async_passes = 0; // of which MIGRATE_ASYNC (batched kernels)
    int migrate_sync_passes = 0;  // and MIGRATE_SYNC
    long local_drains = 0;        // lru_add_drain() calls by collect's drain policy
    long drain_alls = 0;          // lru_add_drain_all() calls by collect's drain policy
    long wasted_drains = 0;       // drains that released no reference on a collected folio
};

constexpr std::string_view errno_name(int ret) noexcept
{
    switch (ret) {
    case 0: return "ok";
    case -ENOMEM: return "ENOMEM";
    case -EBUSY: return "EBUSY";
    case -EAGAIN: return "EAGAIN";
    default: return "error";
    }
}

namespace detail {
template <class Policy>
struct policy_rules {
    using type = void;
};
template <class Policy>
requires requires
{
    typename Policy::rules;
}
struct policy_rules<Policy> {
    using type = typename Policy::rules;
};
} // namespace detail

// Rules: one rule set for the drain check and for migration, or split_rules<Drain, Migrate>
// for a kernel that uses two (6.1.y). A drain policy that names its own rule set (Policy::rules)
// must name the drain one: a kernel<v6_16, drain::pin_aware<rules::v6_19>> would mix two
// kernels and does not compile.
template <migration_rules Rules = rules::latest, drain_policy Policy = drain::latest,
          class Dedupe = dedupe::pfn_range, std::size_t Capacity = folio_batch_size>
class kernel {
    using model_rules = Rules;
    using roles = ::foliorc::detail::rule_roles<Rules>;
    static_assert(
        !requires { typename Policy::rules; } ||
            std::same_as<typename detail::policy_rules<Policy>::type, typename roles::drain>,
        "model::kernel: the drain policy compares with another rule set than Rules names "
        "for the drain check; say split_rules<DrainRules, MigrateRules> if the kernel "
        "uses two, or use kernel_for<Preset>");

public:
    using folio_type = basic_folio<int, mapping, traced_ledger>;
    using caches_type = lru_caches<folio_type, Capacity>;
    using rules_type = typename roles::migrate; // migration's
    using drain_rules_type = typename roles::drain;
    using policy_type = Policy;

    struct vma {
        int file = -1; // -1: anonymous
        placement where = placement::normal;
        unsigned npages = 0;
        bool locked = false;      // VM_LOCKED
        bool lockonfault = false; // VM_LOCKONFAULT
        bool mapped = true;       // false after munmap
        std::vector<int> pte;     // folio id per page, -1 if none
    };
    // A file's address space: never changed once the file is open, so copies of the kernel
    // share it and their folios' mapping pointers stay valid.
    struct address_space {
        std::string name;
        mapping m;
    };
    struct file {
        std::shared_ptr<const address_space> as;
        placement where = placement::normal;
        std::map<unsigned, int> cache; // page cache: index -> folio id
        const mapping& m() const noexcept { return as->m; }
    };

    explicit kernel(kernel_config cfg = {})
        : cfg_(cfg),
          caches_({.nr_cpus = cfg.nr_cpus,
                   .era = cfg.era,
                   .drain_all_local_first = cfg.drain_all_local_first,
                   // a drain-all's work runs on the CPU that owns the batch (queue_work_on)
                   .on_cpu = [this](unsigned c) { trace_.cpu = c; }})
    {
    }
    // A copy is a kernel in the same state that goes its own way: the explorer runs a shared
    // prefix of operations once and copies the kernel where interleavings part. Its folios,
    // batches and tracer are its own (the batches and ledgers are pointed at them); the files'
    // address spaces, which never change, are shared.
    kernel(const kernel& o)
        : cfg_(o.cfg_), trace_(o.trace_), caches_(o.caches_), folios_(o.folios_), files_(o.files_),
          vmas_(o.vmas_), migration_entries_(o.migration_entries_), was_mlocked_(o.was_mlocked_),
          migrations_(o.migrations_), next_pfn_(o.next_pfn_)
    {
        rebind();
    }
    kernel& operator=(const kernel& o)
    {
        if (this != &o) {
            cfg_ = o.cfg_;
            trace_ = o.trace_;
            caches_ = o.caches_;
            folios_ = o.folios_;
            files_ = o.files_;
            vmas_ = o.vmas_;
            migration_entries_ = o.migration_entries_;
            was_mlocked_ = o.was_mlocked_;
            migrations_ = o.migrations_;
            next_pfn_ = o.next_pfn_;
            rebind();
        }
        return *this;
    }
    ~kernel() = default;

    // ---- set-up ----
    int memfd_create(std::string_view name, placement where)
    {
        return add_file(fs::shmem, name, where);
    }
    int file_open(const fs_behaviour& fsb, std::string_view name, placement where)
    {
        return add_file(fsb, name, where);
    }
    int mmap_file(int file_id, unsigned npages)
    {
        file_mut(file_id);
        return add_vma(file_id, files_[std::size_t(file_id)].where, npages);
    }
    int mmap_anon(unsigned npages, placement where) { return add_vma(-1, where, npages); }

    // ---- operations, each on a CPU ----

    // A write fault on page `page` of vma `v`: allocate or find the folio, map it, and queue it
    // as the kernel does (folio_add_lru; mlock_folio via the rmap in a VM_LOCKED vma for
    // file/shmem, mlock_new_folio for a new anon folio).
    int fault(unsigned cpu, int v, unsigned page)
    {
        begin(cpu);
        return fault_locked(cpu, v, page, false);
    }

    // Readahead into a file's page cache through this CPU's lru_add batch (not mapped).
    void readahead(unsigned cpu, int file_id, unsigned index, unsigned n)
    {
        begin(cpu);
        file& fl = file_mut(file_id);
        for (unsigned i = index; i < index + n; ++i) {
            if (fl.cache.count(i))
                continue;
            folio_type& f = alloc(fl.where);
            ::foliorc::filemap_add_folio(f, fl.m());
            fl.cache[i] = id_of(f);
            caches_.folio_add_lru(cpu, f);
            ::foliorc::folio_put(f);
        }
    }

    // mlock(): VM_LOCKED, present folios mlocked, the rest faulted in (populate).
    void mlock(unsigned cpu, int v)
    {
        begin(cpu);
        vma& m = vma_mut(v);
        lock_present(cpu, m, false);
        for (unsigned p = 0; p < m.npages; ++p)
            if (m.pte[p] < 0)
                fault_locked(cpu, v, p, false);
    }
    // mlock2(MLOCK_ONFAULT): VM_LOCKED | VM_LOCKONFAULT, present folios mlocked, nothing faulted.
    void mlock2_onfault(unsigned cpu, int v)
    {
        begin(cpu);
        lock_present(cpu, vma_mut(v), true);
    }
    void munlock(unsigned cpu, int v)
    {
        begin(cpu);
        vma& m = vma_mut(v);
        if (!m.locked)
            return;
        m.locked = m.lockonfault = false;
        for (int id : present(m))
            caches_.munlock_folio(cpu, folio(id));
    }
    // zap_pte_range: each PTE's rmap goes (munlock_vma_folio inside it for a VM_LOCKED vma) and
    // its reference passes to the mmu_gather; tlb_finish_mmu then drops them all.
    void munmap(unsigned cpu, int v)
    {
        begin(cpu);
        vma& m = vma_mut(v);
        std::vector<int> gathered;
        for (unsigned p = 0; p < m.npages; ++p)
            if (m.pte[p] >= 0) {
                rmap_remove(cpu, m, folio(m.pte[p]), "zap_present_ptes", holder::transient);
                gathered.push_back(m.pte[p]);
                m.pte[p] = -1;
            }
        for (int id : gathered)
            ::foliorc::folio_put(folio(id), holder::transient, "tlb_finish_mmu");
        m.mapped = false;
    }
    // A netfs write to the cache device: PG_private_2 (with its reference on ceph and nfs).
    void fscache_write_begin(unsigned cpu, int folio_id)
    {
        begin(cpu);
        ::foliorc::folio_start_private_2(folio(folio_id));
    }
    void fscache_write_end(unsigned cpu, int folio_id)
    {
        begin(cpu);
        ::foliorc::folio_end_private_2(folio(folio_id));
    }
    void lru_add_drain(unsigned cpu)
    {
        begin(cpu);
        caches_.lru_add_drain(cpu);
    }
    void lru_add_drain_all(unsigned cpu)
    {
        begin(cpu);
        caches_.lru_add_drain_all(cpu);
    }

    // pin_user_pages(FOLL_PIN | FOLL_LONGTERM) of npages from `page`: pin_user_pages_longterm
    // (gup.hpp), __gup_longterm_locked's loop, with this kernel's page tables pinning every page
    // (faulting in what is missing) and its drain policy, rule sets and migration passes.
    pin_result pin_user_pages(unsigned cpu, int v, unsigned page, unsigned npages)
    {
        begin(cpu);
        pin_result r;
        const vma& m = vma_mut(v);
        if (page + npages > m.npages)
            ::foliorc::detail::fail(errc::bad_argument, 0, "pin_user_pages: range past the vma");
        env e(*this, cpu, v, page, npages);
        std::vector<page_ref<folio_type>> pages;
        const gup_longterm_result g = ::foliorc::pin_user_pages_longterm<model_rules>(
            pages, e, Policy{}, Dedupe{},
            {.passes = cfg_.passes, .max_attempts = cfg_.max_gup_attempts});
        r.ret = g.ret > 0 ? 0 : static_cast<int>(g.ret);
        r.gup_attempts = g.attempts;
        r.migrate_passes = g.migration.passes;
        r.migrate_async_passes = g.migration.async_passes;
        r.migrate_sync_passes = g.migration.sync_passes;
        if (r.ret == 0)
            for (const auto& pr : pages)
                r.folios.push_back(id_of(*pr.folio));
        r.local_drains = e.local_drains;
        r.drain_alls = e.drain_alls;
        r.wasted_drains = e.wasted;
        return r;
    }

    // unpin_user_pages(): one unpin per pinned page.
    void unpin_user_pages(unsigned cpu, const pin_result& r)
    {
        begin(cpu);
        for (int id : r.folios)
            ::foliorc::unpin_folio(folio(id));
    }

    // ---- inspection ----
    folio_type& folio(int id) { return at(folios_, id, "folio"); }
    const folio_type& folio(int id) const { return at(folios_, id, "folio"); }
    int nr_folios() const noexcept { return int(folios_.size()); }
    int id_of(const folio_type& f) const noexcept { return f.ledger().id(); }
    const vma& vma_at(int v) const { return at(vmas_, v, "vma"); }
    const file& file_at(int f) const { return at(files_, f, "file"); }
    caches_type& caches() noexcept { return caches_; }
    const caches_type& caches() const noexcept { return caches_; }
    tracer& trace() noexcept { return trace_; }
    const tracer& trace() const noexcept { return trace_; }
    const kernel_config& config() const noexcept { return cfg_; }
    long step() const noexcept { return trace_.step; }
    // The folio behind a page of a vma, -1 if none.
    int folio_at(int v, unsigned page) const
    {
        return at(vma_at(v).pte, int(page), "page of the vma");
    }
    // Folios migrated away (freed sources), in order.
    const std::vector<std::pair<int, int>>& migrations() const noexcept { return migrations_; }

private:
    // The environment collect and migration run in: gup_env's hooks, with migration that
    // really moves folios and drains that are priced.
    class env : public gup_env<folio_type, Capacity> {
        using base = gup_env<folio_type, Capacity>;

    public:
        env(kernel& k, unsigned cpu, int v, unsigned first, unsigned npages)
            : base(k.caches_, cpu), k_(k), vma_(v), first_(first), npages_(npages)
        {
        }
        long wasted = 0;
        long local_drains = 0; // the drains collect asked for (migration drains on its own)
        long drain_alls = 0;

        // __get_user_pages_locked under PF_MEMALLOC_PIN: each page faulted in if missing (the
        // allocation avoids CMA and ZONE_MOVABLE), then try_grab_folio(FOLL_PIN | FOLL_LONGTERM).
        long pin_pages(std::vector<page_ref<folio_type>>& pages)
        {
            pages.clear();
            for (unsigned p = first_; p < first_ + npages_; ++p) {
                const int id = k_.fault_locked(this->cpu(), vma_, p, true);
                folio_type& f = k_.folio(id);
                ::foliorc::try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
                pages.push_back(page_ref<folio_type>{&f});
            }
            pofs_ = &pages;
            return static_cast<long>(pages.size());
        }

        void lru_add_drain()
        {
            ++local_drains;
            priced([&] { base::lru_add_drain(); });
        }
        void lru_add_drain_all()
        {
            ++drain_alls;
            priced([&] { base::lru_add_drain_all(); });
        }

        // Migration walks this kernel's vmas (VM_LOCKED per vma), with the steps of
        // model/migration.hpp that gup_env runs on a folio without vmas.
        void try_to_migrate(folio_type& f) { k_.try_to_migrate(this->cpu(), f); }
        void remove_migration_ptes(folio_type& f) { k_.remove_migration_ptes(this->cpu(), f, f); }
        void move_to_new_folio(folio_type& f) { k_.move_to_new_folio(this->cpu(), f); }

    private:
        // A drain is wasted when no unpinnable folio of this call loses a reference.
        template <class Fn>
        void priced(Fn&& drain)
        {
            auto unpinnable_refs = [&] {
                long refs = 0;
                for (const auto& e : *pofs_)
                    if (!::foliorc::folio_is_longterm_pinnable(*e.folio))
                        refs += ::foliorc::folio_ref_count(*e.folio);
                return refs;
            };
            const long before = unpinnable_refs();
            drain();
            wasted += unpinnable_refs() == before;
        }
        kernel& k_;
        int vma_;
        unsigned first_, npages_;
        const std::vector<page_ref<folio_type>>* pofs_ = nullptr;
    };

    // After a copy: the folios report to this kernel's tracer, the batches hold this kernel's
    // folios, and drain-all's CPU switches are this tracer's.
    void rebind()
    {
        for (const folio_type& f : folios_)
            f.ledger().attach(&trace_);
        caches_.rebind(
            [this](const folio_type& f) -> folio_type& { return folios_[std::size_t(id_of(f))]; });
        caches_.set_on_cpu([this](unsigned c) { trace_.cpu = c; });
    }

    void begin(unsigned cpu)
    {
        if (cpu >= cfg_.nr_cpus)
            ::foliorc::detail::fail(errc::bad_argument, 0, "kernel: no CPU " + std::to_string(cpu));
        trace_.cpu = cpu;
        ++trace_.step;
    }

    int add_file(const fs_behaviour& fsb, std::string_view name, placement where)
    {
        auto as = std::make_shared<address_space>();
        as->name = name;
        as->m = file_mapping(fsb, as->name); // the mapping's name views as->name
        files_.push_back(file{std::move(as), where, {}});
        return int(files_.size()) - 1;
    }
    int add_vma(int file_id, placement p, unsigned npages)
    {
        vma& m = vmas_.emplace_back();
        m.file = file_id;
        m.where = p;
        m.npages = npages;
        m.pte.assign(npages, -1);
        return int(vmas_.size()) - 1;
    }
    vma& vma_mut(int v)
    {
        vma& m = at(vmas_, v, "vma");
        if (!m.mapped)
            ::foliorc::detail::fail(errc::wrong_state, 0,
                                    "vma " + std::to_string(v) + " is unmapped");
        return m;
    }
    file& file_mut(int f) { return at(files_, f, "file"); }

    // An id the kernel handed out, or errc::bad_argument (never a std:: exception).
    template <class C>
    static auto& at(C& c, int id, const char* what)
    {
        if (id < 0 || std::size_t(id) >= c.size())
            ::foliorc::detail::fail(errc::bad_argument, 0,
                                    std::string("kernel: no ") + what + " " + std::to_string(id));
        return c[std::size_t(id)];
    }

    static constexpr std::pair<zone_type, migratetype> where(placement p) noexcept
    {
        switch (p) {
        case placement::cma: return {zone_type::normal, migratetype::cma};
        case placement::movable: return {zone_type::movable, migratetype::movable};
        case placement::normal: break;
        }
        return {zone_type::normal, migratetype::movable};
    }

    // A user page where the vma's placement puts it.
    folio_type& alloc(placement p)
    {
        const auto [zone, mt] = where(p);
        return alloc_at(p, zone, mt);
    }
    // Under PF_MEMALLOC_PIN (current_gfp_context drops __GFP_MOVABLE): neither CMA nor
    // ZONE_MOVABLE. GUP's own faults and alloc_migration_target for a longterm pin.
    folio_type& alloc_pinnable()
    {
        return alloc_at(placement::normal, zone_type::normal, migratetype::unmovable);
    }
    folio_type& alloc_migration_target() { return alloc_pinnable(); }

    folio_type& alloc_at(placement range, zone_type zone, migratetype mt)
    {
        std::uint64_t& next = next_pfn_[std::size_t(range)];
        if (!next)
            next = range == placement::cma       ? 0x40000
                   : range == placement::movable ? 0x80000
                                                 : 0x10000;
        const int id = int(folios_.size());
        return folios_.emplace_back(
            typename folio_type::state{.pfn = next++, .zone = zone, .mt = mt},
            traced_ledger(&trace_, id));
    }

    std::vector<int> present(const vma& m) const
    {
        std::vector<int> ids;
        for (int id : m.pte)
            if (id >= 0)
                ids.push_back(id);
        return ids;
    }

    // The rmap, with mlock_vma_folio / munlock_vma_folio in a VM_LOCKED vma (small folios only
    // on the add side, as folio_add_*_rmap_ptes). The reference a mapping holds moves between
    // the caller (or the mmu_gather) and the PTE; the refcount does not change.
    void rmap_add(unsigned cpu, const vma& m, folio_type& f, std::string_view op = {})
    {
        ::foliorc::folio_add_rmap_ptes(f, 1, op);
        if (m.locked && !folio_test_large(f))
            caches_.mlock_folio(cpu, f);
    }
    void rmap_remove(unsigned cpu, const vma& m, folio_type& f, std::string_view op, holder_id to)
    {
        ::foliorc::folio_remove_rmap_ptes(f, 1, op, to);
        if (m.locked)
            caches_.munlock_folio(cpu, f);
    }

    // `pinning`: GUP faults the page in under PF_MEMALLOC_PIN (memalloc_pin_save in
    // __gup_longterm_locked), which keeps the allocation out of CMA and ZONE_MOVABLE.
    int fault_locked(unsigned cpu, int v, unsigned page, bool pinning)
    {
        vma& m = vma_mut(v);
        if (page >= m.npages)
            ::foliorc::detail::fail(errc::bad_argument, 0, "fault: page past the vma");
        if (m.pte[page] >= 0)
            return m.pte[page];
        if (m.file >= 0) {
            file& fl = file_mut(m.file);
            auto it = fl.cache.find(page);
            folio_type* f;
            if (it == fl.cache.end()) { // shmem_get_folio / filemap_fault: a new page-cache folio
                f = pinning ? &alloc_pinnable() : &alloc(fl.where);
                ::foliorc::filemap_add_folio(*f, fl.m());
                fl.cache[page] = id_of(*f);
                caches_.folio_add_lru(cpu, *f);
            } else { // filemap_get_entry: folio_try_get
                f = &folio(it->second);
                ::foliorc::folio_get(*f, holder::caller, "filemap_get_entry");
            }
            // finish_fault -> set_pte_range: the fault's reference becomes the PTE's.
            rmap_add(cpu, m, *f);
            m.pte[page] = id_of(*f);
            return m.pte[page];
        }
        // do_anonymous_page: the allocation reference becomes the PTE's.
        folio_type& f = pinning ? alloc_pinnable() : alloc(m.where);
        ::foliorc::folio_add_new_anon_rmap(f, anon_mapping);
        if (m.locked) // folio_add_lru_vma
            caches_.mlock_new_folio(cpu, f);
        else
            caches_.folio_add_lru(cpu, f);
        m.pte[page] = id_of(f);
        return m.pte[page];
    }

    void lock_present(unsigned cpu, vma& m, bool onfault)
    {
        m.locked = true;
        m.lockonfault = onfault;
        for (int id : present(m))
            caches_.mlock_folio(cpu, folio(id));
    }

    // ---- migration (mm/migrate.c, mm/rmap.c) ----

    // ---- migration (mm/migrate.c, mm/rmap.c): the steps are model/migration.hpp's ----

    // try_to_migrate: try_to_migrate_one for each PTE of f in every vma, VM_LOCKED per vma.
    // PAGE_WAS_MLOCKED is read before (migrate_folio_unmap).
    void try_to_migrate(unsigned cpu, folio_type& f)
    {
        const int id = id_of(f);
        if (::foliorc::folio_test(f, pg::mlocked))
            was_mlocked_.push_back(id);
        for (std::size_t v = 0; v < vmas_.size(); ++v) {
            vma& m = vmas_[v];
            for (unsigned p = 0; p < m.npages; ++p)
                if (m.pte[p] == id) {
                    m.pte[p] = -1;
                    migration_entries_.push_back({int(v), p, id});
                    model::try_to_migrate_one(caches_, cpu, f, m.locked);
                }
        }
    }
    // remove_migration_ptes: remove_migration_pte for each migration entry of `src`, mapping
    // dst (src itself when migration failed).
    void remove_migration_ptes(unsigned cpu, folio_type& src, folio_type& dst)
    {
        const int sid = id_of(src);
        std::erase(was_mlocked_, sid);
        std::vector<migration_entry> mine;
        std::erase_if(migration_entries_, [&](const migration_entry& me) {
            if (me.folio != sid)
                return false;
            mine.push_back(me);
            return true;
        });
        for (const migration_entry& me : mine) {
            vma& m = vmas_[std::size_t(me.vma)];
            m.pte[me.page] = id_of(dst);
            model::remove_migration_pte(caches_, cpu, dst, m.locked);
        }
    }
    // The check passed. move_to_new_folio -> __migrate_folio (folio_migrate_mapping), then
    // migrate_folio_move (6.12.117): folio_add_lru(dst); lru_add_drain() if the source was
    // mlocked; remove_migration_ptes(src, dst); folio_put(dst); migrate_folio_done(src) drops
    // the isolation reference and frees the source. dst is allocated outside CMA and
    // ZONE_MOVABLE (alloc_migration_target under PF_MEMALLOC_PIN).
    void move_to_new_folio(unsigned cpu, folio_type& src)
    {
        folio_type& dst = alloc_migration_target();
        const bool mlocked =
            std::find(was_mlocked_.begin(), was_mlocked_.end(), id_of(src)) != was_mlocked_.end();
        model::folio_migrate_mapping(src, dst, src.mapping());
        for (auto& fl : files_)
            for (auto& [index, id] : fl.cache)
                if (id == id_of(src))
                    id = id_of(dst);
        caches_.folio_add_lru(cpu, dst);
        if (mlocked)
            caches_.lru_add_drain(cpu);
        remove_migration_ptes(cpu, src, dst);
        ::foliorc::folio_put(dst, holder::caller, "migrate_folio_move");
        ::foliorc::folio_put(src, holder::isolation, "migrate_folio_done");
        migrations_.emplace_back(id_of(src), id_of(dst));
    }

    struct migration_entry {
        int vma;
        unsigned page;
        int folio;
    };

    kernel_config cfg_;
    tracer trace_;
    caches_type caches_;
    std::deque<folio_type> folios_;
    std::deque<file> files_;
    std::vector<vma> vmas_;
    std::vector<migration_entry> migration_entries_;
    std::vector<int> was_mlocked_; // PAGE_WAS_MLOCKED of folios being migrated
    std::vector<std::pair<int, int>> migrations_;
    std::array<std::uint64_t, 3> next_pfn_{};
};

namespace detail {
template <class Drain, class Migrate>
using rules_for =
    std::conditional_t<std::same_as<Drain, Migrate>, Migrate, split_rules<Drain, Migrate>>;
template <class K, class P>
struct drain_rules_of {
    using type = typename K::drain_rules;
};
template <class K, class P>
requires requires
{
    typename P::rules;
}
struct drain_rules_of<K, P> {
    using type = typename P::rules;
};
} // namespace detail

// A model of kernel preset K (foliorc::kernels): its rule sets (split_rules where the drain check
// and migration use two), drain policy, dedupe and batch capacity as template arguments; its
// PG_lru era, drain-all and migration passes in the configuration from config_for<K>(). A
// what-if drain policy P replaces K's own: P's rule set (if it names one) then does the drain
// check, and migration keeps K's.
template <class K, drain_policy P = typename K::policy>
using kernel_for = kernel<
    detail::rules_for<typename detail::drain_rules_of<K, P>::type, typename K::migrate_rules>, P,
    typename K::dedupe, K::batch_capacity>;

template <class K>
constexpr kernel_config config_for(unsigned nr_cpus = 2) noexcept
{
    kernel_config c;
    c.nr_cpus = nr_cpus;
    c.era = K::era;
    c.drain_all_local_first = K::drain_all_local_first;
    c.passes = K::passes;
    return c;
}

} // namespace foliorc::inline FOLIORC_ABI::model
