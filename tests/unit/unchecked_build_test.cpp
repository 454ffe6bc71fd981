// Compiled into its own program with FOLIORC_CHECKS=0 (see tests/CMakeLists.txt): the checks
// compile out and operations commit whatever they are given, as benchmarks want.
#include <foliorc/foliorc.hpp>

#include <gtest/gtest.h>

#if FOLIORC_CHECKS
#error "this file must be built with FOLIORC_CHECKS=0"
#endif

TEST(UncheckedBuild, ChecksAreCompiledOut)
{
    using namespace foliorc;
    folio f(folio::state{});
    folio_put(f);
    folio_put(f); // would be refcount_underflow with checks on
    EXPECT_EQ(f.ref_count(), -1);
}

TEST(UncheckedBuild, RulesAndCollectStillWork)
{
    using namespace foliorc;
    static constexpr mapping ext4 = file_mapping(fs::ext4);
    folio f(folio::state{.mt = migratetype::cma});
    filemap_add_folio(f, ext4);
    folio_put(f);
    // page cache 1 = (mapping != NULL) << 0.
    EXPECT_EQ(expected_ref_count<rules::latest>(f), 1);
    EXPECT_FALSE(folio_is_longterm_pinnable(f));
}
