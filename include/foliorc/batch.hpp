// foliorc/batch.hpp — batches: folio_batch, the per-CPU LRU batches of mm/swap.c and the mlock
// batch of mm/mlock.c, with their references, flush triggers and drains (docs/kernel.md ("Per-CPU batches")).
// Each queued entry holds one reference, recorded in the ledger as that batch kind on that CPU.
// The flag effects of processing, the drain order and folio->mlock_count follow mm/swap.c and
// mm/mlock.c of 6.12.117 (read from Debian's linux-source-6.12; 6.1.192 differences noted).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <foliorc/folio.hpp>
#include <foliorc/queries.hpp>

namespace foliorc {

// PAGEVEC_SIZE was 15 until 9cecde80aae0 "mm: increase folio batch size" (6.9), then 31.
inline constexpr std::size_t pagevec_size = 15;
inline constexpr std::size_t folio_batch_size = 31;

// struct folio_batch: a fixed array; add() returns the space left, 0 meaning "now full".
template <class T, std::size_t Capacity>
class basic_batch {
public:
    static constexpr std::size_t capacity = Capacity;
    constexpr std::size_t add(const T& v) noexcept
    {
        entries_[nr_++] = v;
        return Capacity - nr_;
    }
    constexpr std::size_t size() const noexcept { return nr_; }
    constexpr bool empty() const noexcept { return nr_ == 0; }
    constexpr void clear() noexcept { nr_ = 0; }
    // Removes the first n entries, keeping the order of the rest.
    constexpr void drop_front(std::size_t n) noexcept
    {
        for (std::size_t i = n; i < nr_; ++i)
            entries_[i - n] = entries_[i];
        nr_ -= n < nr_ ? n : nr_;
    }
    constexpr const T& operator[](std::size_t i) const noexcept { return entries_[i]; }
    constexpr const T* begin() const noexcept { return entries_.data(); }
    constexpr const T* end() const noexcept { return entries_.data() + nr_; }

private:
    std::array<T, Capacity> entries_{};
    std::size_t nr_ = 0;
};

// Low-bit tags of mlock_fbatch entries: mlock_lru() = LRU_FOLIO, mlock_new() = NEW_FOLIO,
// untagged = munlock.
enum class mlock_tag : std::uint8_t { munlock = 0, lru = 1, new_folio = 2 };

// Where PG_lru goes while a folio waits in a non-lru_add LRU batch.
enum class lru_era : std::uint8_t {
    classic,      // cleared at processing (restored after the move); the long-standing behaviour
    clear_on_add, // 33dfe9204f29 (6.11) until Hugh's 3/6 revert: cleared when queued
};

// folio_isolate_lru: takes the folio off its LRU list (PG_lru test-and-clear) with a reference.
template <basic_folio_type F>
constexpr bool folio_isolate_lru(F& f)
{
    if (!f.test(pg::lru))
        return false;
    typename F::change c{"folio_isolate_lru"};
    c.clear.set(pg::lru);
    f.apply(c.ref(holder::isolation, 1));
    return true;
}

// folio_isolate_hugetlb: only a migratable hugetlb folio with a reference; HPG_migratable is
// cleared while it is isolated, so a second isolation fails.
template <basic_folio_type F>
constexpr bool folio_isolate_hugetlb(F& f)
{
    if (f.type() != page_type::hugetlb || !f.hugetlb_migratable() || f.ref_count() == 0)
        return false;
    typename F::change c{"folio_isolate_hugetlb"};
    c.hugetlb_migratable = 0;
    f.apply(c.ref(holder::isolation, 1));
    return true;
}

// folio_putback_hugetlb: migratable again, isolation reference dropped.
template <basic_folio_type F>
constexpr void folio_putback_hugetlb(F& f)
{
    typename F::change c{"folio_putback_hugetlb"};
    c.hugetlb_migratable = 1;
    f.apply(c.ref(holder::isolation, -1));
}

struct drain_counters {
    long local_drains = 0;    // lru_add_drain() calls
    long drain_all_calls = 0; // lru_add_drain_all() calls (and lru_cache_disable's forced one)
    long cpus_drained = 0;    // CPUs whose batches a drain-all processed
    long entries_processed = 0;
    friend constexpr bool operator==(const drain_counters&, const drain_counters&) = default;
};

struct lru_caches_config {
    unsigned nr_cpus = 2;
    lru_era era = lru_era::classic;
    // "mm: lru_add_drain_all() do local lru_add_drain() first" (Hugh Dickins, 7/7 of v1, 6/6
    // of v2 of "mm: better GUP pin lru_add_drain_all()"): __lru_add_drain_all does a local
    // lru_add_drain() before taking its mutex. Not one of the five patches that went to 6.17
    // and stable: __lru_add_drain_all in 6.12.117 and 6.1.192 (mm/swap.c) only queues
    // lru_add_drain_per_cpu on each CPU where cpu_needs_drain(). Hence off by default.
    bool drain_all_local_first = false;
    // lru_gen_enabled() (CONFIG_LRU_GEN with MGLRU switched on): folio_deactivate and
    // lru_deactivate then also take inactive folios. Off: the classic active/inactive LRU.
    bool lru_gen_enabled = false;
    // Called by lru_add_drain_all with CPU X before it processes CPU X's batches (that work runs
    // on CPU X: queue_work_on(cpu, mm_percpu_wq, lru_add_drain_work)), and with the calling CPU
    // after, so that an observer (the model's tracer) attributes the work to the CPU that owns
    // the batches. Empty: nothing is called.
    std::function<void(unsigned cpu)> on_cpu{};
};

// lru_add_drain_cpu (mm/swap.c, 6.12.117 and 6.1.192): the order the cpu_fbatches are
// processed in; lru_activate last, via folio_activate_drain.
inline constexpr std::array<batch_kind, 6> lru_drain_order{
    batch_kind::lru_add,        batch_kind::lru_move_tail, batch_kind::lru_deactivate_file,
    batch_kind::lru_deactivate, batch_kind::lru_lazyfree,  batch_kind::lru_activate};

// The per-CPU batches of every CPU: cpu_fbatches (lru_add, lru_activate, lru_deactivate,
// lru_deactivate_file, lru_lazyfree, lru_move_tail) and mlock_fbatch.
template <basic_folio_type F, std::size_t Capacity = folio_batch_size>
class lru_caches {
public:
    struct entry {
        F* folio = nullptr;
        mlock_tag tag = mlock_tag::munlock;
    };
    using batch = basic_batch<entry, Capacity>;

    // Errors are folio_error like everywhere else in foliorc. errc has no code for a bad
    // argument that is not about a folio, so a bad CPU number or an unbalanced
    // lru_cache_enable is errc::wrong_state, with the folio's pfn where there is a folio and 0
    // otherwise.
    explicit lru_caches(lru_caches_config cfg = {}) : cfg_(valid(cfg)), cpus_(cfg.nr_cpus) {}

    const lru_caches_config& config() const noexcept { return cfg_; }
    unsigned nr_cpus() const noexcept { return cfg_.nr_cpus; }
    const drain_counters& counters() const noexcept { return counters_; }
    void reset_counters() noexcept { counters_ = {}; }
    const batch& pending(unsigned cpu, batch_kind k) const { return at(cpu)[std::size_t(k)]; }

    // Entries for f across every CPU and batch kind: the references batches hold on it.
    int queued(const F& f) const noexcept
    {
        int n = 0;
        for (const auto& cpu : cpus_)
            for (const auto& b : cpu)
                for (const auto& e : b)
                    n += e.folio == &f;
        return n;
    }

    // ---- queuing (mm/swap.c) ----

    // folio_add_lru: new folios wait on lru_add with PG_lru clear; processing sets it.
    void folio_add_lru(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (f.test(pg::lru))
            detail::fail(errc::wrong_state, f.pfn(), "folio_add_lru: PG_lru already set");
        queue(cpu, batch_kind::lru_add, f, mlock_tag::munlock, "folio_add_lru");
    }
    // folio_putback_lru: back through lru_add, then the isolation reference is dropped.
    void folio_putback_lru(unsigned cpu, F& f)
    {
        folio_add_lru(cpu, f);
        ::foliorc::folio_put(f, holder::isolation, "folio_putback_lru");
    }
    // The five batches below take only a folio with PG_lru set (6.12.117: each caller tests
    // !folio_test_lru and returns; in the clear_on_add era __folio_batch_add_and_move did the
    // test-and-clear itself). 6.1.192's deactivate_file_folio has no PG_lru test: there a
    // folio off the LRU is queued, holds its reference, and folio_batch_move_lru skips it.

    // folio_activate (mm/swap.c, CONFIG_SMP).
    void folio_activate(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (f.test(pg::active) || f.test(pg::unevictable))
            return;
        queue_move(cpu, batch_kind::lru_activate, f, "folio_activate");
    }
    // folio_deactivate (mm/swap.c, 6.12.117; deactivate_page in 6.1.192): an inactive
    // folio is taken too when lru_gen_enabled().
    void folio_deactivate(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (f.test(pg::unevictable) || !(f.test(pg::active) || cfg_.lru_gen_enabled))
            return;
        queue_move(cpu, batch_kind::lru_deactivate, f, "folio_deactivate");
    }
    // deactivate_file_folio (mm/swap.c): "Deactivating an unevictable folio will not
    // accelerate reclaim".
    void deactivate_file_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (f.test(pg::unevictable))
            return;
        queue_move(cpu, batch_kind::lru_deactivate_file, f, "deactivate_file_folio");
    }
    // folio_mark_lazyfree (mm/swap.c, 6.12.117; mark_page_lazyfree in 6.1.192).
    void folio_mark_lazyfree(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (!f.anon() || !f.test(pg::swapbacked) || swapcache_bit(f.flags()) ||
            f.test(pg::unevictable))
            return;
        queue_move(cpu, batch_kind::lru_lazyfree, f, "folio_mark_lazyfree");
    }
    // folio_rotate_reclaimable (mm/swap.c): the lru_move_tail batch (lru_rotate in 6.1.192).
    void folio_rotate_reclaimable(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (f.test(pg::locked) || f.test(pg::dirty) || f.test(pg::unevictable))
            return;
        queue_move(cpu, batch_kind::lru_move_tail, f, "folio_rotate_reclaimable");
    }

    // ---- queuing (mm/mlock.c): never touches PG_lru when queued ----

    // mlock_folio (mm/mlock.c): folio_test_set_mlocked, folio_get, queue mlock_lru(folio).
    void mlock_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        set_flag_if_clear(f, pg::mlocked, "mlock_folio");
        queue(cpu, batch_kind::mlock, f, mlock_tag::lru, "mlock_folio");
    }
    // mlock_new_folio (mm/mlock.c): folio_set_mlocked, folio_get, queue mlock_new(folio). Its
    // caller folio_add_lru_vma has VM_BUG_ON_FOLIO(folio_test_lru(folio)), refused here.
    void mlock_new_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        if (f.test(pg::lru))
            detail::fail(errc::wrong_state, f.pfn(), "mlock_new_folio: PG_lru already set");
        set_flag_if_clear(f, pg::mlocked, "mlock_new_folio");
        queue(cpu, batch_kind::mlock, f, mlock_tag::new_folio, "mlock_new_folio");
    }
    // munlock_folio (mm/mlock.c): folio_get, queue the untagged folio; "folio_test_clear_mlocked
    // must be left to __munlock_folio(), which will check whether the folio is multiply
    // mlocked".
    void munlock_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, f.pfn());
        queue(cpu, batch_kind::mlock, f, mlock_tag::munlock, "munlock_folio");
    }

    // folio->mlock_count (mm/mlock.c): how many locked vmas the mlock batch processing has
    // counted for a folio on the unevictable LRU. The kernel keeps it in the folio's lru field,
    // which means something only while the folio is PG_unevictable (the unevictable "list" is
    // not a list); here it lives in a map, set where the kernel sets it and dropped (read as
    // 0) where the kernel clears PG_unevictable and reuses the field. It undercounts on
    // purpose (lru_add sets 0), "let page reclaim fix it".
    unsigned mlock_count(const F& f) const
    {
        auto it = mlock_counts_.find(&f);
        return it == mlock_counts_.end() ? 0 : it->second;
    }

    // ---- draining ----

    // lru_add_drain_cpu (mm/swap.c): this CPU's cpu_fbatches in lru_drain_order: lru_add,
    // lru_move_tail, lru_deactivate_file, lru_deactivate, lru_lazyfree, then
    // folio_activate_drain's lru_activate.
    void lru_add_drain_cpu(unsigned cpu)
    {
        check_cpu(cpu);
        for (batch_kind k : lru_drain_order)
            if (!at(cpu)[std::size_t(k)].empty())
                process(cpu, k);
    }
    // mlock_drain_local (mm/mlock.c; also called from try_to_migrate_one and
    // remove_migration_pte for a VM_LOCKED vma, on the migrating CPU).
    void mlock_drain_local(unsigned cpu)
    {
        check_cpu(cpu);
        if (!at(cpu)[std::size_t(batch_kind::mlock)].empty())
            process(cpu, batch_kind::mlock);
    }

    // lru_add_drain (mm/swap.c): lru_add_drain_cpu(smp_processor_id()), then
    // mlock_drain_local().
    void lru_add_drain(unsigned cpu)
    {
        check_cpu(cpu);
        ++counters_.local_drains;
        drain_cpu(cpu);
    }

    // cpu_needs_drain (mm/swap.c): any cpu_fbatches batch non-empty, or need_mlock_drain(cpu)
    // (the mlock batch); has_bh_in_lru is not modelled.
    bool cpu_needs_drain(unsigned cpu) const
    {
        for (const auto& b : at(cpu))
            if (!b.empty())
                return true;
        return false;
    }

    // lru_add_drain_all -> __lru_add_drain_all (mm/swap.c, 6.12.117 and 6.1.192): for each
    // online CPU with cpu_needs_drain(), queue lru_add_drain_per_cpu on that CPU, then flush
    // the works. The work is lru_add_and_bh_lrus_drain: lru_add_drain_cpu, invalidate_bh_lrus_cpu
    // (not modelled), mlock_drain_local, all on the CPU that owns the batches; on_cpu tells an
    // observer so. The kernel's works run concurrently; here they run one after the other in
    // CPU order. The drain generation (an early exit when another drainer got there first) is
    // not modelled: every call drains. With drain_all_local_first, Hugh's unmerged 6/6 local
    // drain comes first.
    void lru_add_drain_all(unsigned cpu)
    {
        check_cpu(cpu);
        ++counters_.drain_all_calls;
        if (cfg_.drain_all_local_first && cpu_needs_drain(cpu)) {
            drain_cpu(cpu);
            ++counters_.cpus_drained;
        }
        for (unsigned c = 0; c < cfg_.nr_cpus; ++c)
            if (cpu_needs_drain(c)) {
                notify_cpu(c);
                drain_cpu(c);
                notify_cpu(cpu);
                ++counters_.cpus_drained;
            }
    }

    // lru_cache_disable (mm/swap.c): atomic_inc(&lru_disable_count), then
    // __lru_add_drain_all(true), forced past the drain generation (not modelled, so the same
    // drain). Every add then flushes at once until lru_cache_enable.
    void lru_cache_disable(unsigned cpu)
    {
        check_cpu(cpu);
        ++disabled_;
        lru_add_drain_all(cpu);
    }
    void lru_cache_enable()
    {
        if (disabled_ == 0)
            detail::fail(errc::wrong_state, 0, "lru_cache_enable without lru_cache_disable");
        --disabled_;
    }
    bool lru_cache_disabled() const noexcept { return disabled_ > 0; }

private:
    using cpu_fbatches = std::array<batch, batch_kind_count>;

    static const lru_caches_config& valid(const lru_caches_config& cfg)
    {
        if (cfg.nr_cpus == 0 || cfg.nr_cpus > 0xffff)
            detail::fail(errc::wrong_state, 0,
                         "lru_caches: nr_cpus must be 1..65535, not " + std::to_string(cfg.nr_cpus));
        return cfg;
    }
    // Every public operation checks its CPU before it touches a folio (pfn: the folio's).
    void check_cpu(unsigned cpu, std::uint64_t pfn = 0) const
    {
        if (cpu >= cfg_.nr_cpus)
            detail::fail(errc::wrong_state, pfn,
                         "lru_caches: no CPU " + std::to_string(cpu) + " (nr_cpus " +
                             std::to_string(cfg_.nr_cpus) + ")");
    }
    cpu_fbatches& at(unsigned cpu)
    {
        check_cpu(cpu);
        return cpus_[cpu];
    }
    const cpu_fbatches& at(unsigned cpu) const
    {
        check_cpu(cpu);
        return cpus_[cpu];
    }

    static void set_flag_if_clear(F& f, pg flag, std::string_view op)
    {
        if (f.test(flag))
            return;
        typename F::change c{op};
        c.set.set(flag);
        f.apply(c);
    }

    void notify_cpu(unsigned cpu) const
    {
        if (cfg_.on_cpu)
            cfg_.on_cpu(cpu);
    }

    void drain_cpu(unsigned cpu)
    {
        lru_add_drain_cpu(cpu);
        mlock_drain_local(cpu);
    }

    // __folio_batch_add_and_move for the non-lru_add batches: PG_lru is required; in the
    // 33dfe9204f29 era it is also cleared here (test-and-clear).
    void queue_move(unsigned cpu, batch_kind k, F& f, std::string_view op)
    {
        if (!f.test(pg::lru))
            return;
        if (cfg_.era == lru_era::clear_on_add) {
            auto& b = at(cpu)[std::size_t(k)];
            typename F::change c{op};
            c.clear.set(pg::lru);
            f.apply(c.ref(batch_holder(k, cpu), 1));
            add_and_maybe_flush(cpu, k, b, f, mlock_tag::munlock);
            return;
        }
        queue(cpu, k, f, mlock_tag::munlock, op);
    }

    // __folio_batch_add_and_move (mm/swap.c) and mlock_folio & co (mm/mlock.c): folio_get +
    // folio_batch_add; flush when full, for a folio that may not be cached
    // (!folio_may_be_lru_cached, 2da6de30e60d), or while lru_cache_disabled().
    void queue(unsigned cpu, batch_kind k, F& f, mlock_tag tag, std::string_view op)
    {
        auto& b = at(cpu)[std::size_t(k)];
        typename F::change c{op};
        f.apply(c.ref(batch_holder(k, cpu), 1));
        add_and_maybe_flush(cpu, k, b, f, tag);
    }

    void add_and_maybe_flush(unsigned cpu, batch_kind k, batch& b, F& f, mlock_tag tag)
    {
        if (!b.add(entry{&f, tag}) || !folio_may_be_lru_cached(f) || lru_cache_disabled())
            process(cpu, k);
    }

    // folio_batch_move_lru / mlock_folio_batch: each entry's move, then its reference dropped
    // (folios_put). If an entry is refused (a state the kernel would VM_BUG_ON), the entries
    // already processed leave the batch and the refused one and those after it stay queued.
    void process(unsigned cpu, batch_kind k)
    {
        auto& b = at(cpu)[std::size_t(k)];
        std::size_t i = 0;
        try {
            for (; i < b.size(); ++i) {
                const entry& e = b[i];
                F& f = *e.folio;
                typename F::change c{k == batch_kind::mlock ? "mlock_folio_batch" : "folio_batch_move_lru"};
                c.ref(batch_holder(k, cpu), -1);
                const count_update u = effect(k, e.tag, f, c);
                f.apply(c);
                commit(u, f);
                ++counters_.entries_processed;
            }
        } catch (...) {
            b.drop_front(i);
            throw;
        }
        b.clear();
    }

    // folio_evictable (mm/internal.h): !mapping_unevictable(folio_mapping) && !PG_mlocked.
    // Unevictable mappings (AS_UNEVICTABLE: ramfs, SHM_LOCK) are not modelled.
    static constexpr bool evictable(const F& f) noexcept { return !f.test(pg::mlocked); }

    // What an entry's processing does to folio->mlock_count, committed after the folio change.
    struct count_update {
        enum class what : std::uint8_t { keep, set, drop } op = what::keep;
        unsigned value = 0;
        static constexpr count_update set(unsigned v) noexcept { return {what::set, v}; }
        static constexpr count_update drop() noexcept { return {what::drop, 0}; }
    };
    void commit(const count_update& u, const F& f)
    {
        if (u.op == count_update::what::set)
            mlock_counts_[&f] = u.value;
        else if (u.op == count_update::what::drop)
            mlock_counts_.erase(&f);
    }

    // __mlock_folio (mm/mlock.c, 6.12.117; __mlock_page in 6.1.192).
    count_update mlock_effect(const F& f, typename F::change& c) const
    {
        // "There is nothing more we can do while it's off LRU": !folio_test_clear_lru -> return.
        if (!f.test(pg::lru))
            return {};
        c.set.set(pg::lru); // out: folio_set_lru
        if (evictable(f)) {
            // "PG_mlocked must have got cleared already by another CPU": rescue an
            // unevictable folio (folio_clear_unevictable, UNEVICTABLE_PGRESCUED).
            if (f.test(pg::unevictable)) {
                c.clear.set(pg::unevictable);
                return count_update::drop();
            }
            return {};
        }
        if (f.test(pg::unevictable)) { // already counted once: folio->mlock_count++
            if (f.test(pg::mlocked))
                return count_update::set(mlock_count(f) + 1);
            return {};
        }
        c.clear.set(pg::active);
        c.set.set(pg::unevictable);
        return count_update::set(f.test(pg::mlocked) ? 1 : 0); // !!folio_test_mlocked
    }

    // __mlock_new_folio (mm/mlock.c): not evictable -> PG_unevictable, mlock_count =
    // !!PG_mlocked; onto the LRU either way (folio_set_lru). PG_active is not touched.
    count_update mlock_new_effect(const F& f, typename F::change& c) const
    {
        c.set.set(pg::lru);
        if (evictable(f)) // "As above, this is a little surprising, but possible"
            return {};
        c.set.set(pg::unevictable);
        return count_update::set(f.test(pg::mlocked) ? 1 : 0);
    }

    // __munlock_folio (mm/mlock.c).
    count_update munlock_effect(const F& f, typename F::change& c) const
    {
        const bool isolated = f.test(pg::lru); // folio_test_clear_lru succeeded
        unsigned count = mlock_count(f);
        if (isolated) {
            c.set.set(pg::lru); // out: if (isolated) folio_set_lru
            if (f.test(pg::unevictable)) {
                // "Then mlock_count is maintained, but might undercount"
                if (count)
                    --count;
                if (count) // another locked vma still counts: PG_mlocked stays
                    return count_update::set(count);
            }
        }
        // munlock: folio_test_clear_mlocked. Then "folio_evictable() has to be checked *after*
        // clearing Mlocked": isolated && unevictable && evictable -> folio_clear_unevictable.
        c.clear.set(pg::mlocked);
        if (isolated && f.test(pg::unevictable)) { // evictable now: no unevictable mappings here
            c.clear.set(pg::unevictable);
            return count_update::drop();
        }
        return {}; // off the LRU: PG_unevictable stays (UNEVICTABLE_PGSTRANDED)
    }

    count_update effect(batch_kind k, mlock_tag tag, const F& f, typename F::change& c) const
    {
        const bool lru = f.test(pg::lru);
        switch (k) {
        case batch_kind::lru_add:
            // lru_add (mm/swap.c, 6.12.117; lru_add_fn in 6.1.192): folio_test_clear_unevictable
            // first (an evictable folio that was unevictable is rescued), then if
            // !folio_evictable: PG_active cleared, PG_unevictable set. folio_batch_move_lru
            // then sets PG_lru. (A set flag wins over a cleared one in a change.)
            // folio->mlock_count = 0 for an unevictable one ("Err on the safe side,
            // underestimate"); an evictable one's lru field is a list link again.
            c.clear.set(pg::unevictable);
            c.set.set(pg::lru);
            if (evictable(f))
                return count_update::drop();
            c.clear.set(pg::active);
            c.set.set(pg::unevictable);
            return count_update::set(0);
        case batch_kind::mlock:
            // mlock_folio_batch (mm/mlock.c): LRU_FOLIO -> __mlock_folio, NEW_FOLIO ->
            // __mlock_new_folio, untagged -> __munlock_folio.
            if (tag == mlock_tag::lru)
                return mlock_effect(f, c);
            if (tag == mlock_tag::new_folio)
                return mlock_new_effect(f, c);
            return munlock_effect(f, c);
        default:
            break;
        }
        // folio_batch_move_lru (mm/swap.c): `if (move_fn != lru_add && !folio_test_clear_lru(folio))
        // continue;` then move_fn, then folio_set_lru. In the clear_on_add era (33dfe9204f29)
        // PG_lru was cleared at queueing and the move is unconditional.
        if (cfg_.era == lru_era::classic && !lru)
            return {};
        c.set.set(pg::lru);
        const bool unevictable = f.test(pg::unevictable);
        switch (k) {
        case batch_kind::lru_move_tail:
            // lru_move_tail: nothing for an unevictable folio, else PG_active cleared and the
            // folio at the tail of its inactive list.
            if (!unevictable)
                c.clear.set(pg::active);
            break;
        case batch_kind::lru_deactivate_file:
            // lru_deactivate_file: not an unevictable folio, not a mapped one (folio_mapped,
            // "Some processes are using the folio"); else PG_active and PG_referenced cleared,
            // and a dirty or writeback folio gets PG_reclaim (folio_set_reclaim).
            if (unevictable || f.mapcount() > 0)
                break;
            c.clear.set(pg::active).set(pg::referenced);
            if (f.test(pg::writeback) || f.test(pg::dirty))
                c.set.set(pg::reclaim);
            break;
        case batch_kind::lru_deactivate:
            // lru_deactivate: `folio_test_unevictable || !(folio_test_active || lru_gen_enabled())`
            // returns; else PG_active and PG_referenced cleared.
            if (unevictable || !(f.test(pg::active) || cfg_.lru_gen_enabled))
                break;
            c.clear.set(pg::active).set(pg::referenced);
            break;
        case batch_kind::lru_lazyfree:
            // lru_lazyfree: only an anon, swapbacked folio outside the swap cache that is not
            // unevictable; PG_active, PG_referenced and PG_swapbacked cleared.
            if (!f.anon() || !f.test(pg::swapbacked) || swapcache_bit(f.flags()) || unevictable)
                break;
            c.clear.set(pg::active).set(pg::referenced).set(pg::swapbacked);
            break;
        case batch_kind::lru_activate:
            // lru_activate: nothing for an active or unevictable folio, else PG_active.
            if (!f.test(pg::active) && !unevictable)
                c.set.set(pg::active);
            break;
        default:
            break;
        }
        return {};
    }

    lru_caches_config cfg_;
    std::vector<cpu_fbatches> cpus_;
    drain_counters counters_{};
    std::map<const F*, unsigned> mlock_counts_; // folio->mlock_count, see mlock_count()
    int disabled_ = 0;
};

} // namespace foliorc
