// model_bench: what foliorc's kernel model costs per operation (model::kernel throughput):
// faults, longterm pins whose folios must migrate (CMA), lru_add_drain_all, and a copy of the
// kernel (what policy_report's prefix tree does where interleavings part).
// Names: model/<operation>. Items are operations; tracing is off, as in policy_report.
#include <benchmark/benchmark.h>

#include <memory>

#include <foliorc/kernels.hpp>
#include <foliorc/model/kernel.hpp>

namespace {
using namespace foliorc;
using model_kernel = model::kernel<>;
constexpr unsigned pages = 1024;

std::unique_ptr<model_kernel> fresh()
{
    auto k = std::make_unique<model_kernel>(model::config_for<kernels::latest>(2));
    k->trace().enabled = false;
    return k;
}

// Anonymous faults in ZONE_NORMAL, alternating CPUs: a new folio each, into the lru_add batch
// (which drains into the LRU when full).
void fault(benchmark::State& state)
{
    for (auto _ : state) {
        state.PauseTiming();
        auto k = fresh();
        const int v = k->mmap_anon(pages, model::placement::normal);
        state.ResumeTiming();
        for (unsigned p = 0; p < pages; ++p)
            benchmark::DoNotOptimize(k->fault(p % 2, v, p));
        state.PauseTiming();
        k.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * pages);
}

// pin_user_pages(FOLL_PIN | FOLL_LONGTERM) of one page of a memfd in CMA, faulted (into CMA) and
// drained to the LRU beforehand: pin, collect (the folio is unpinnable), unpin, migrate out of
// CMA, pin again. Every pin must migrate its folio, or the benchmark fails.
void pin_with_migration(benchmark::State& state)
{
    long failed = 0, migrated = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto k = fresh();
        const int guest = k->memfd_create("guest", model::placement::cma);
        const int v = k->mmap_file(guest, pages);
        for (unsigned p = 0; p < pages; ++p)
            benchmark::DoNotOptimize(k->fault(p % 2, v, p));
        k->lru_add_drain_all(0);
        state.ResumeTiming();
        for (unsigned p = 0; p < pages; ++p)
            failed += k->pin_user_pages(p % 2, v, p, 1).ret != 0;
        state.PauseTiming();
        migrated += long(k->migrations().size());
        k.reset();
        state.ResumeTiming();
    }
    if (failed)
        state.SkipWithError("a pin failed");
    else if (migrated != long(state.iterations()) * pages)
        state.SkipWithError("a pin did not migrate its folio");
    state.SetItemsProcessed(std::int64_t(state.iterations()) * pages);
}

// lru_add_drain_all with both CPUs' batches empty: the fixed cost of a drain.
void drain_all_empty(benchmark::State& state)
{
    auto k = fresh();
    for (auto _ : state)
        k->lru_add_drain_all(0);
    state.SetItemsProcessed(std::int64_t(state.iterations()));
}

// 8 faults on each of the two CPUs, then lru_add_drain_all, which empties both batches.
// Items: drains (each with its 16 faults).
void faults_then_drain_all(benchmark::State& state)
{
    constexpr unsigned per_round = 16;
    for (auto _ : state) {
        state.PauseTiming();
        auto k = fresh();
        const int v = k->mmap_anon(pages, model::placement::normal);
        state.ResumeTiming();
        for (unsigned p = 0; p < pages; p += per_round) {
            for (unsigned q = 0; q < per_round; ++q)
                benchmark::DoNotOptimize(k->fault(q % 2, v, p + q));
            k->lru_add_drain_all(0);
        }
        state.PauseTiming();
        k.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * (pages / per_round));
}
// A copy of the kernel policy_report's prefix tree copies where interleavings part: its set-up
// (a 64-page memfd in CMA under mlock2(MLOCK_ONFAULT), a ceph file with page 0 mapped and under
// PG_private_2) after two faults and a 29-page readahead: 32 folios, batches part full.
// Items: copies.
void copy_of_policy_report_kernel(benchmark::State& state)
{
    auto k = fresh();
    const int guest = k->memfd_create("guest", model::placement::cma);
    const int gv = k->mmap_file(guest, 64);
    k->mlock2_onfault(1, gv);
    const int ceph = k->file_open(fs::ceph, "ceph", model::placement::cma);
    const int cv = k->mmap_file(ceph, 4);
    k->fscache_write_begin(1, k->fault(1, cv, 0));
    k->fault(0, gv, 0);
    k->fault(0, gv, 1);
    k->readahead(0, guest, 2, 29);
    for (auto _ : state) {
        model_kernel copy(*k);
        benchmark::DoNotOptimize(copy.nr_folios());
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()));
    state.counters["folios"] = double(k->nr_folios());
}
} // namespace

BENCHMARK(copy_of_policy_report_kernel)
    ->Name("model/copy_of_policy_report_kernel")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(fault)->Name("model/fault")->Unit(benchmark::kMicrosecond);
BENCHMARK(pin_with_migration)->Name("model/pin_with_migration")->Unit(benchmark::kMicrosecond);
BENCHMARK(drain_all_empty)->Name("model/drain_all_empty")->Unit(benchmark::kMicrosecond);
BENCHMARK(faults_then_drain_all)
    ->Name("model/16_faults_then_drain_all")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
