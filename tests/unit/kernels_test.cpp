// Kernel presets and the run-time lookup. Expected values from the sources named in
// include/foliorc/kernels.hpp (6.1.192 and 6.12.117 read in Debian's linux-source packages).
#include <foliorc/kernels.hpp>
#include <foliorc/model/kernel.hpp>

#include <gtest/gtest.h>

#include <type_traits>

namespace {
using namespace foliorc;

static_assert(std::is_same_v<kernels::v6_12_117::policy, drain::pin_aware<rules::v6_19>>,
              "6.12.117 compares with expected + pin_refs");
static_assert(std::is_same_v<kernels::v6_12_117::dedupe, dedupe::pfn_range>,
              "6.12.117 has pofs_next_folio");
static_assert(kernels::v6_12_117::batch_capacity == 31 && kernels::v6_1_192::batch_capacity == 15,
              "PAGEVEC_SIZE 31 in 6.12.117, 15 in 6.1.192");
static_assert(kernels::v6_12_117::passes == migrate_passes{3, 7, true} &&
                  kernels::v6_1_192::passes == migrate_passes{0, 10, false},
              "NR_MAX_MIGRATE_ASYNC_RETRY 3 of 10 in 6.12.117; 10 unbatched in 6.1.192");
static_assert(std::is_same_v<kernels::v6_1_192::migrate_rules, rules::migrate_6_0>,
              "6.1.192 migration still uses folio_expected_refs");
static_assert(std::is_same_v<kernels::v6_15::policy, drain::lru_flag> &&
                  std::is_same_v<kernels::v6_17::policy, drain::may_be_lru_cached<rules::v6_17>>,
              "98c6d259319e and the rest of the series arrived in 6.17");
static_assert(kernels::v6_11::era == lru_era::clear_on_add &&
                  kernels::v6_17::era == lru_era::classic,
              "33dfe9204f29 in 6.11, reverted (afb99e9f5004) in 6.17");
static_assert(!kernels::latest::drain_all_local_first, "no released kernel drains locally first");
static_assert(kernels::mainline::size == 23, "5.18 .. 6.19 and the 2026 mainline");

TEST(Kernels, LookupExactMainlineAndStable)
{
    auto r = kernels::lookup("6.15");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->exact);
    EXPECT_EQ(r->preset.version, "6.15");
    EXPECT_EQ(r->preset.policy, "lru_flag");
    r = kernels::lookup("v6.12.117");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->exact);
    EXPECT_EQ(r->preset.policy, "pin_aware");
    EXPECT_EQ(r->preset.dedupe, "pfn_range");
}

TEST(Kernels, UnknownVersionsFallBackWithAWarning)
{
    // A later 6.12.y: the newest 6.12.y read; a 6.16.y: mainline 6.16, its backports not
    // modelled; 4.19: before the first preset.
    auto r = kernels::lookup("6.12.200");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->exact);
    EXPECT_EQ(r->preset.version, "6.12.117");
    EXPECT_NE(r->warning.find("6.12.117"), std::string::npos);
    r = kernels::lookup("6.16.3");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->preset.version, "6.16");
    EXPECT_FALSE(r->warning.empty());
    r = kernels::lookup("4.19");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->preset.version, "5.18");
    EXPECT_FALSE(r->warning.empty());
    EXPECT_FALSE(kernels::lookup("banana"));
}

// The pKVM seed scenario of docs/kernel.md ("The pKVM failure") on a kernel as it was: 6.15 fails with ENOMEM
// (PG_lru is set, lru_flag never drains, the mlock batch reference on CPU A survives every pass:
// 3 async + 7 sync); 6.17, the first release carrying 98c6d259319e, drains and migrates.
template <class K>
model::pin_result seed()
{
    model::kernel_for<K> k(model::config_for<K>(2));
    const int memfd = k.memfd_create("crosvm_guest", model::placement::cma);
    const int v = k.mmap_file(memfd, 64);
    k.mlock2_onfault(0, v);
    k.fault(0, v, 0);
    k.readahead(0, memfd, 1, 30);
    return k.pin_user_pages(1, v, 0, 1);
}

TEST(Kernels, PkvmFailsOn6_15AndSucceedsOn6_17)
{
    const auto old = seed<kernels::v6_15>();
    EXPECT_EQ(old.ret, -ENOMEM);
    EXPECT_EQ(old.migrate_async_passes, 3);
    EXPECT_EQ(old.migrate_sync_passes, 7);
    EXPECT_EQ(old.drain_alls, 0);
    const auto fixed = seed<kernels::v6_17>();
    EXPECT_EQ(fixed.ret, 0);
    EXPECT_EQ(fixed.drain_alls, 1);
    // 6.1.192: the series backported, 10 unbatched passes: migrates in the first.
    const auto stable = seed<kernels::v6_1_192>();
    EXPECT_EQ(stable.ret, 0);
    EXPECT_EQ(stable.migrate_sync_passes, 1);
}
} // namespace
