// foliorc/batch.hpp — batches: folio_batch, and lru_caches, the per-CPU batches of every CPU
// (mm/swap.c's cpu_fbatches and mm/mlock.c's mlock_fbatch) with their references, flush triggers
// and drains (docs/kernel.md ("Per-CPU batches")). Each queued entry holds one reference,
// recorded as that batch kind on that CPU. What processing does to an entry is mm/swap.c's
// (swap_batch.hpp) or mm/mlock.c's (mlock_batch.hpp); this header queues, flushes, drains and
// counts, as mm/swap.c's lru_add_drain family does for both.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <foliorc/folio_ops.hpp>
#include <foliorc/mlock_batch.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/swap_batch.hpp>

namespace foliorc::inline FOLIORC_ABI {

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
    constexpr T* begin() noexcept { return entries_.data(); }
    constexpr T* end() noexcept { return entries_.data() + nr_; }

private:
    std::array<T, Capacity> entries_{};
    std::size_t nr_ = 0;
};

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

// The per-CPU batches of every CPU: cpu_fbatches (lru_add, lru_activate, lru_deactivate,
// lru_deactivate_file, lru_lazyfree, lru_move_tail) and mlock_fbatch.
template <mutable_folio_like F, std::size_t Capacity = folio_batch_size>
class lru_caches {
public:
    struct entry {
        F* folio = nullptr;
        mlock_tag tag = mlock_tag::munlock;
    };
    using batch = basic_batch<entry, Capacity>;

    // Errors are folio_error like everywhere else in foliorc: a bad CPU number or CPU count is
    // errc::bad_argument, an unbalanced lru_cache_enable errc::wrong_state, with the folio's
    // pfn where there is a folio and 0 otherwise.
    explicit lru_caches(lru_caches_config cfg = {}) : cfg_(valid(cfg)), cpus_(cfg.nr_cpus) {}

    const lru_caches_config& config() const noexcept { return cfg_; }
    unsigned nr_cpus() const noexcept { return cfg_.nr_cpus; }
    const drain_counters& counters() const noexcept { return counters_; }
    void reset_counters() noexcept { counters_ = {}; }
    const batch& pending(unsigned cpu, batch_kind k) const { return at(cpu)[std::size_t(k)]; }

    // A copy queues the same folios as the original. For a copy of a whole model whose folios
    // were copied too (model::kernel's copy), rebind points every entry and mlock_count at the
    // folio to(f) gives for its folio f, and set_on_cpu gives the copy its own observer.
    template <class To>
    requires std::is_invocable_r_v<F&, To&, const F&>
    void rebind(To&& to)
    {
        for (auto& cpu : cpus_)
            for (auto& b : cpu)
                for (auto& e : b)
                    e.folio = std::addressof(static_cast<F&>(to(std::as_const(*e.folio))));
        mlock_counts_.rebind(to);
    }
    void set_on_cpu(std::function<void(unsigned cpu)> on_cpu) { cfg_.on_cpu = std::move(on_cpu); }

    // Entries for f across every CPU and batch kind: the references batches hold on it.
    int queued(const F& f) const noexcept
    {
        int n = 0;
        for (const auto& cpu : cpus_)
            for (const auto& b : cpu)
                for (const auto& e : b)
                    n += e.folio == std::addressof(f);
        return n;
    }

    // ---- queuing (mm/swap.c) ----

    // folio_add_lru: new folios wait on lru_add with PG_lru clear; processing sets it.
    void folio_add_lru(unsigned cpu, F& f)
    {
        check_cpu(cpu, ::foliorc::folio_pfn(f));
        if (::foliorc::folio_test(f, pg::lru))
            detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                         "folio_add_lru: PG_lru already set");
        queue(cpu, batch_kind::lru_add, f, mlock_tag::munlock, "folio_add_lru");
    }
    // folio_putback_lru: back through lru_add, then the isolation reference is dropped.
    void folio_putback_lru(unsigned cpu, F& f)
    {
        folio_add_lru(cpu, f);
        ::foliorc::folio_put(f, holder::isolation, "folio_putback_lru");
    }
    // The five below: which folios each takes is swap_batch::takes.
    void folio_activate(unsigned cpu, F& f)
    {
        queue_move(cpu, batch_kind::lru_activate, f, "folio_activate");
    }
    void folio_deactivate(unsigned cpu, F& f)
    {
        queue_move(cpu, batch_kind::lru_deactivate, f, "folio_deactivate");
    }
    void deactivate_file_folio(unsigned cpu, F& f)
    {
        queue_move(cpu, batch_kind::lru_deactivate_file, f, "deactivate_file_folio");
    }
    void folio_mark_lazyfree(unsigned cpu, F& f)
    {
        queue_move(cpu, batch_kind::lru_lazyfree, f, "folio_mark_lazyfree");
    }
    void folio_rotate_reclaimable(unsigned cpu, F& f)
    {
        queue_move(cpu, batch_kind::lru_move_tail, f, "folio_rotate_reclaimable");
    }

    // ---- queuing (mm/mlock.c): never touches PG_lru when queued ----

    // mlock_folio (mm/mlock.c): folio_test_set_mlocked, folio_get, queue mlock_lru(folio).
    void mlock_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, ::foliorc::folio_pfn(f));
        set_flag_if_clear(f, pg::mlocked, "mlock_folio");
        queue(cpu, batch_kind::mlock, f, mlock_tag::lru, "mlock_folio");
    }
    // mlock_new_folio (mm/mlock.c): folio_set_mlocked, folio_get, queue mlock_new(folio). Its
    // caller folio_add_lru_vma has VM_BUG_ON_FOLIO(folio_test_lru(folio)), refused here.
    void mlock_new_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, ::foliorc::folio_pfn(f));
        if (::foliorc::folio_test(f, pg::lru))
            detail::fail(errc::wrong_state, ::foliorc::folio_pfn(f),
                         "mlock_new_folio: PG_lru already set");
        set_flag_if_clear(f, pg::mlocked, "mlock_new_folio");
        queue(cpu, batch_kind::mlock, f, mlock_tag::new_folio, "mlock_new_folio");
    }
    // munlock_folio (mm/mlock.c): folio_get, queue the untagged folio; "folio_test_clear_mlocked
    // must be left to __munlock_folio(), which will check whether the folio is multiply
    // mlocked".
    void munlock_folio(unsigned cpu, F& f)
    {
        check_cpu(cpu, ::foliorc::folio_pfn(f));
        queue(cpu, batch_kind::mlock, f, mlock_tag::munlock, "munlock_folio");
    }

    // folio->mlock_count (mlock_batch.hpp).
    unsigned mlock_count(const F& f) const { return mlock_counts_.get(f); }

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
            detail::fail(errc::bad_argument, 0,
                         "lru_caches: nr_cpus must be 1..65535, not " +
                             std::to_string(cfg.nr_cpus));
        return cfg;
    }
    // Every public operation checks its CPU before it touches a folio (pfn: the folio's).
    void check_cpu(unsigned cpu, std::uint64_t pfn = 0) const
    {
        if (cpu >= cfg_.nr_cpus)
            detail::fail(errc::bad_argument, pfn,
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
        if (::foliorc::folio_test(f, flag))
            return;
        detail::change_t<F> c{op};
        c.set.set(flag);
        detail::apply_change(f, c);
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
        check_cpu(cpu, ::foliorc::folio_pfn(f));
        if (!swap_batch::takes(k, f, cfg_.lru_gen_enabled) || !::foliorc::folio_test(f, pg::lru))
            return;
        if (cfg_.era == lru_era::clear_on_add) {
            auto& b = at(cpu)[std::size_t(k)];
            detail::change_t<F> c{op};
            c.clear.set(pg::lru);
            detail::apply_change(f, c.ref(batch_holder(k, cpu), 1));
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
        detail::change_t<F> c{op};
        detail::apply_change(f, c.ref(batch_holder(k, cpu), 1));
        add_and_maybe_flush(cpu, k, b, f, tag);
    }

    void add_and_maybe_flush(unsigned cpu, batch_kind k, batch& b, F& f, mlock_tag tag)
    {
        if (!b.add(entry{std::addressof(f), tag}) || !::foliorc::folio_may_be_lru_cached(f) ||
            lru_cache_disabled())
            process(cpu, k);
    }

    // folio_batch_move_lru / mlock_folio_batch: each entry's move (swap_batch.hpp,
    // mlock_batch.hpp), then its reference dropped (folios_put). If an entry is refused (a state
    // the kernel would VM_BUG_ON), the entries already processed leave the batch and the refused
    // one and those after it stay queued.
    void process(unsigned cpu, batch_kind k)
    {
        auto& b = at(cpu)[std::size_t(k)];
        std::size_t i = 0;
        try {
            for (; i < b.size(); ++i) {
                const entry& e = b[i];
                F& f = *e.folio;
                detail::change_t<F> c{k == batch_kind::mlock ? "mlock_folio_batch"
                                                             : "folio_batch_move_lru"};
                c.ref(batch_holder(k, cpu), -1);
                mlock_count_update u{};
                if (k == batch_kind::mlock)
                    u = mlock_batch::process(e.tag, f, mlock_counts_.get(f), c);
                else if (k == batch_kind::lru_add)
                    u = swap_batch::lru_add(f, c);
                else
                    swap_batch::move(k, f, c, cfg_.era, cfg_.lru_gen_enabled);
                detail::apply_change(f, c);
                mlock_counts_.commit(u, f);
                ++counters_.entries_processed;
            }
        } catch (...) {
            b.drop_front(i);
            throw;
        }
        b.clear();
    }

    lru_caches_config cfg_;
    std::vector<cpu_fbatches> cpus_;
    drain_counters counters_{};
    mlock_counts<F> mlock_counts_;
    int disabled_ = 0;
};

} // namespace foliorc::inline FOLIORC_ABI
