// Every variant of the collection loop returns the same result on the same input, and that
// result is the one the workload implies (bench::expected_result, derived from its construction).
#include <gtest/gtest.h>

#include "collect_variants.hpp"

namespace {
TEST(BenchVariants, AllAgreeWithTheWorkload)
{
    for (auto lay : bench::all_layouts)
        for (std::size_t n : {256u, 4096u, 65536u, 1048576u}) {
            bench::dataset d;
            bench::build(d, lay, n);
            const bench::result want = bench::expected_result(lay, n);
            SCOPED_TRACE(std::string(bench::layout_name(lay)) + "/" + std::to_string(n));
            if (lay != bench::layout::large9) { // 1% of 1 to 128 order-9 folios may be none
                EXPECT_GT(want.collected, 0);
            }
            EXPECT_EQ(bench::run_baseline(d), want);
            EXPECT_EQ(bench::run_foliorc(d), want);
            EXPECT_EQ(bench::run_plugged(d), want);
            EXPECT_EQ(bench::run_ranges(d), want);
            EXPECT_EQ(bench::run_prefetch(d), want);
            EXPECT_EQ(bench::run_plugged_prefetch(d), want);
            EXPECT_EQ(bench::run_floor(d), bench::expected_floor(lay, n));
        }
}

TEST(BenchVariants, TheStrayReferenceCostsOneLocalDrainAndOneDrainAll)
{
    // 65536 small folios: some unpinnable folio has a stray reference, so pin_aware drains once
    // locally and once everywhere; order-9 folios never drain (folio_may_be_lru_cached).
    bench::dataset d;
    bench::build(d, bench::layout::seq, 65536);
    const auto r = bench::run_baseline(d);
    EXPECT_EQ(r.local_drains, 1);
    EXPECT_EQ(r.drain_alls, 1);
    bench::build(d, bench::layout::large9, 65536);
    EXPECT_EQ(bench::run_foliorc(d).drain_alls, 0);
}
TEST(BenchVariants, UnpinnableSendsEveryFolioThroughTheDrainDecisionAndIsolation)
{
    bench::dataset d;
    bench::build(d, bench::layout::unpinnable, 4096);
    const auto r = bench::run_foliorc(d);
    EXPECT_EQ(r.collected, 4096);
    EXPECT_EQ(r.isolated, 4096);
    EXPECT_EQ(r.local_drains, 0); // no stray reference: the decision runs and finds nothing
    EXPECT_EQ(r.drain_alls, 0);
    bench::build(d, bench::layout::mixed, 65536);
    const auto m = bench::run_plugged(d);
    EXPECT_GT(m.collected, 65536 * 45 / 100);
    EXPECT_LT(m.collected, 65536 * 55 / 100);
}
} // namespace
