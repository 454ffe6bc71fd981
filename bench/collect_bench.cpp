// collect_bench: the collection loop of mm/gup.c, foliorc against a kernel-style baseline and
// against the memory floor of each layout.
// Names: collect/<variant>/<layout>/<N>. Items are pofs entries.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collect_variants.hpp"
#include "number_list.hpp"

namespace {
// Every data set stays built (about 2 GB in all), so that repetitions can run in any order:
// scripts/bench interleaves them at random, lest one variant always run in the cache and
// frequency state its predecessor left.
bench::dataset& data(bench::layout lay, std::size_t n)
{
    static std::map<std::pair<bench::layout, std::size_t>, std::unique_ptr<bench::dataset>> built;
    auto& d = built[{lay, n}];
    if (!d) {
        d = std::make_unique<bench::dataset>();
        bench::build(*d, lay, n);
    }
    bench::kernel_style::vmemmap_base = d->vmemmap.data();
    return *d;
}

void per_entry(benchmark::State& state, std::size_t n)
{
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(n));
    state.counters["ns_per_entry"] =
        benchmark::Counter(double(n) * double(state.iterations()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <class Run>
void run(benchmark::State& state, bench::layout lay, std::size_t n, Run run)
{
    bench::dataset& d = data(lay, n);
    const bench::result want = bench::expected_result(lay, n);
    for (auto _ : state) {
        bench::result r = run(d);
        benchmark::DoNotOptimize(r);
        if (!(r == want))
            state.SkipWithError("wrong result");
    }
    per_entry(state, n);
}

// collect/floor/<layout>/<N>: one load of each entry's folio, nothing else.
void run_floor(benchmark::State& state, bench::layout lay, std::size_t n)
{
    bench::dataset& d = data(lay, n);
    const long want = bench::expected_floor(lay, n);
    for (auto _ : state) {
        long r = bench::run_floor(d);
        benchmark::DoNotOptimize(r);
        if (r != want)
            state.SkipWithError("wrong sum");
    }
    per_entry(state, n);
}

void register_all(const std::vector<std::int64_t>& sizes)
{
    struct variant {
        const char* name;
        bench::result (*fn)(bench::dataset&);
    };
    const variant variants[] = {
        {"baseline", [](bench::dataset& d) { return bench::run_baseline(d); }},
        {"foliorc", bench::run_foliorc},
        {"plugged", bench::run_plugged},
        {"ranges", bench::run_ranges},
        {"prefetch", bench::run_prefetch},
        {"plugged_prefetch", bench::run_plugged_prefetch},
    };
    auto name_of = [](const char* v, bench::layout lay, std::int64_t n) {
        return std::string("collect/") + v + "/" + std::string(bench::layout_name(lay)) + "/" +
               std::to_string(n);
    };
    for (auto lay : bench::all_layouts)
        for (auto n : sizes) {
            benchmark::RegisterBenchmark(
                name_of("floor", lay, n).c_str(),
                [lay, n](benchmark::State& s) { run_floor(s, lay, std::size_t(n)); })
                ->Unit(benchmark::kMicrosecond);
            for (const auto& v : variants)
                benchmark::RegisterBenchmark(
                    name_of(v.name, lay, n).c_str(),
                    [lay, n, fn = v.fn](benchmark::State& s) { run(s, lay, std::size_t(n), fn); })
                    ->Unit(benchmark::kMicrosecond);
        }
}

// --sizes=N,N,...: other values of N than the default (e.g. to find where the branch predictor
// stops learning the mixed layout's pattern, docs/benchmarks.md). Taken out of argv before
// Google Benchmark reads it.
std::vector<std::int64_t> take_sizes(int& argc, char** argv)
{
    std::vector<std::int64_t> sizes{256, 4096, 65536, 1048576, 4194304};
    const std::string_view flag = "--sizes=";
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (!arg.starts_with(flag)) {
            argv[out++] = argv[i];
            continue;
        }
        if (!foliorc_cli::parse_number_list(arg.substr(flag.size()), sizes) ||
            std::ranges::any_of(sizes, [](std::int64_t n) { return n <= 0; }))
            throw std::invalid_argument("collect_bench: --sizes wants positive integers: " +
                                        std::string(arg));
    }
    argc = out;
    argv[argc] = nullptr;
    return sizes;
}
} // namespace

int main(int argc, char** argv)
try {
    register_all(take_sizes(argc, argv));
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
}
