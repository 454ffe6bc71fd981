// Every variant of the collection loop returns the same result on the same input, and that
// result is the one the workload implies (bench::expected_result, derived from its construction).
#include <gtest/gtest.h>

#include "collect_variants.hpp"

namespace {
TEST(BenchVariants, AllAgreeWithTheWorkload)
{
    for (auto lay : {bench::layout::seq, bench::layout::shuffled, bench::layout::large9})
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
} // namespace
