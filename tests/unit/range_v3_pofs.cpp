// A range-v3 view pipeline is a pofs: collect_unpinnable walks it with g++ and with clang 14
// (where a std::views pipeline does not compile, llvm #44178). range-v3 is the caller's
// dependency here, never foliorc's: the public headers do not include it.
#include <gtest/gtest.h>

#include <range/v3/view/filter.hpp>
#include <range/v3/view/transform.hpp>

#include <cstdint>
#include <vector>

#include <foliorc/collect.hpp>
#include <foliorc/model/gup_env.hpp>

namespace {
using namespace foliorc;

TEST(RangeV3Pofs, AFilteredTransformedPipelineIsWalkedAndIsolated)
{
    std::vector<folio> folios;
    folios.reserve(4);
    for (std::uint64_t pfn = 0; pfn < 4; ++pfn) {
        folios.emplace_back(folio::state{.pfn = pfn, .zone = zone_type::movable});
        foliorc::folio_set_flag(folios.back(), pg::lru);
    }
    std::vector<int> index{0, 1, 2, 3};
    // The even pages' folios: two entries, each in ZONE_MOVABLE, each on the LRU.
    auto pofs = index | ranges::views::filter([](int i) { return i % 2 == 0; }) |
                ranges::views::transform([&](int i) { return &folios[std::size_t(i)]; });
    static_assert(std::ranges::forward_range<decltype(pofs)>, "range-v3 views model std::ranges");
    lru_caches<folio> caches;
    model::gup_env<folio> env(caches, 0);
    const collect_result r = foliorc::collect_unpinnable(pofs, env);
    EXPECT_EQ(r.entries, 2);
    EXPECT_EQ(r.collected, 2);
    // Each isolated: refcount 1 (allocation) + 1 (isolation), PG_lru cleared.
    EXPECT_EQ(folios[0].ref_count(), 2);
    EXPECT_EQ(folios[2].ref_count(), 2);
    EXPECT_EQ(folios[1].ref_count(), 1);
    EXPECT_FALSE(folios[0].test(pg::lru));
}

} // namespace
