// foliorc/testing/gtest.hpp: each matcher passes where the kernel rule says it should, and its
// failure text (checked with EXPECT_NONFATAL_FAILURE) says what the rule expected, why, and who
// holds what. Every expected number is worked out in a comment from the rules (docs/kernel.md:
// "Expected refcounts", "Pins", "Refcount events"); the words are the matcher's own format.
#include <sstream>

#include <gtest/gtest-spi.h>

#include <foliorc/testing/gtest.hpp>

#include "test_support.hpp"

namespace {

using namespace foliorc;
using foliorc::test::ceph_map;
using foliorc::test::ext4_map;
using foliorc::test::full_folio;
using foliorc::testing::HasExpectedRefs;
using foliorc::testing::HasFlags;
using foliorc::testing::HasUnexpectedRefs;
using foliorc::testing::Holds;
using foliorc::testing::IsPinned;
using foliorc::testing::MaybeDmaPinned;
using foliorc::testing::MigratesUnder;

// An ext4 folio with buffer heads, still held by its allocating caller:
// caller 1 + page cache 1 (order 0) + PG_private 1 = refcount 3.
full_folio ext4_folio()
{
    full_folio f(full_folio::state{.pfn = 0x1000});
    filemap_add_folio(f, ext4_map);
    folio_attach_private(f);
    return f;
}

TEST(HasExpectedRefs, PassesAndSaysTheRuleAndTheHolders)
{
    const full_folio f = ext4_folio();
    // v6_16: (mapping != NULL) << 0 + PG_private + mapcount 0 = 1 + 1 = 2.
    EXPECT_THAT(f, HasExpectedRefs<rules::v6_16>(2));
    // migrate_6_0: caller 1 + (mapping ? nr_pages 1 + PG_private 1) = 3.
    EXPECT_THAT(f, HasExpectedRefs<rules::migrate_6_0>(3));

    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(f, HasExpectedRefs<rules::v6_16>(3)),
        "Expected: has expected_ref_count 3 under rule set v6_16 (86ebd50224c0");
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(f, HasExpectedRefs<rules::v6_16>(3)),
        "expected_ref_count<v6_16> is 2, from slab: 0; anon: swapcache<<order; "
        "untagged: (mapping!=NULL)<<order + PG_private; + mapcount, with mapping "
        "file, order 0 (1 page), not in swap cache, PG_private set, PG_private_2 "
        "clear, mapcount 0");
    // The ledger, in holder order: page_cache, private, caller.
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, HasExpectedRefs<rules::v6_16>(3)),
                            "held by page_cache 1, private 1, caller 1");
    // The folio itself in words, never bytes.
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(f, HasExpectedRefs<rules::v6_16>(3)),
        "Actual: folio pfn 0x1000 order 0: refcount 3, mapcount 0, mapping file "
        "(ext4), flags private");
}

TEST(HasUnexpectedRefs, CountsOnTheSameFootingForEveryRuleSet)
{
    const full_folio f = ext4_folio();
    // 6.16 footing: refcount 3 - (page cache 1 + PG_private 1) = 1, the caller's own.
    EXPECT_THAT(f, HasUnexpectedRefs<rules::v6_19>(1));
    // migrate_6_0: 3 - (3 - caller 1 + mapcount 0) = 1 as well.
    EXPECT_THAT(f, HasUnexpectedRefs<rules::migrate_6_0>(1));

    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, HasUnexpectedRefs<rules::v6_19>(0)),
                            "1 unexpected: refcount 3 - expected 2");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, HasUnexpectedRefs<rules::v6_19>(0)),
                            "held by page_cache 1, private 1, caller 1");
}

TEST(HasUnexpectedRefs, WithoutALedgerGuessesTheHolders)
{
    // A pinned anon page as in the 2020 gup_test dump: 1 mapping + one FOLL_PIN (1024) = 1025,
    // no ledger. v6_19 expects mapcount 1 (anon, not in swap cache), so 1024 are unexpected:
    // one pin's GUP_PIN_COUNTING_BIAS.
    folio_snapshot s{
        .pfn = 0x100bcf, .mapping = mapping_kind::anon, .refcount = 1025, .mapcount = 1};
    s.flags = {pg::uptodate, pg::lru, pg::swapbacked};
    EXPECT_THAT(s, HasUnexpectedRefs<rules::v6_19>(1024));
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(s, HasUnexpectedRefs<rules::v6_19>(0)),
                            "1024 unexpected: refcount 1025 - expected 1");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(s, HasUnexpectedRefs<rules::v6_19>(0)),
                            "no ledger, so the holders are guessed from the state: 1 FOLL_PIN pin "
                            "(GUP_PIN_COUNTING_BIAS 1024 each on a folio without _pincount)");
}

TEST(Holds, ReadsTheLedgerByKindOrExactly)
{
    full_folio f = ext4_folio();
    EXPECT_THAT(f, Holds(holder::page_cache, 1));
    EXPECT_THAT(&f, Holds(holder::private_, 1));
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, Holds(holder::page_cache, 2)),
                            "Expected: has 2 reference(s) held by page_cache");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, Holds(holder::page_cache, 2)),
                            "page_cache holds 1; held by page_cache 1, private 1, caller 1");
    // A pointer works as the folio it points at.
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(&f, Holds(holder::page_cache, 2)),
                            "page_cache holds 1; held by page_cache 1, private 1, caller 1");
    // An exact holder: nothing is queued on CPU 1's mlock batch.
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, Holds(batch_holder(batch_kind::mlock, 1), 1)),
                            "mlock batch on CPU 1 holds 0");
}

TEST(IsPinned, SeesTheBiasOnASmallFolioAndThePincountOnALargeOne)
{
    full_folio f = ext4_folio();
    EXPECT_THAT(f, ::testing::Not(IsPinned()));
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, IsPinned()),
                            "foll_pin holds 0 reference(s); order-0 folio without _pincount: "
                            "refcount 3 < GUP_PIN_COUNTING_BIAS 1024");
    // One FOLL_PIN on an order-0 folio: + GUP_PIN_COUNTING_BIAS, refcount 3 + 1024 = 1027.
    try_grab_folio(f, 1, FOLL_PIN);
    EXPECT_THAT(f, IsPinned());
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, ::testing::Not(IsPinned())),
                            "foll_pin holds 1024 reference(s); order-0 folio without _pincount: "
                            "refcount 1027 >= GUP_PIN_COUNTING_BIAS 1024");

    // An order-2 folio pinned once: +1 refcount, +1 _pincount (refcount 2).
    full_folio large(full_folio::state{.pfn = 0x2000, .order = 2});
    try_grab_folio(large, 1, FOLL_PIN);
    EXPECT_THAT(large, IsPinned());
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(large, ::testing::Not(IsPinned())),
                            "foll_pin holds 1 reference(s); large folio: _pincount 1");
}

TEST(MaybeDmaPinned, IsTheKernelsGuess)
{
    const full_folio f = ext4_folio();
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, MaybeDmaPinned()),
                            "folio_maybe_dma_pinned is false: order-0 folio without _pincount: "
                            "refcount 3 < GUP_PIN_COUNTING_BIAS 1024");
    // 1024 plain references on an order-0 folio read as a pin: refcount 1025 >= 1024.
    folio_snapshot s{.refcount = 1025};
    EXPECT_THAT(s, MaybeDmaPinned());
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(s, ::testing::Not(MaybeDmaPinned())),
                            "folio_maybe_dma_pinned is true: order-0 folio without _pincount: "
                            "refcount 1025 >= GUP_PIN_COUNTING_BIAS 1024");
    // No ledger: the holders are guessed from the 1025 references v6_19 does not expect (no
    // mapping, no mapcount: 0 expected): one pin's bias and one more.
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(s, ::testing::Not(MaybeDmaPinned())),
        "no ledger, so the holders are guessed from the state: 1 FOLL_PIN pin "
        "(GUP_PIN_COUNTING_BIAS 1024 each on a folio without _pincount); 1 more: ");
}

TEST(MigratesUnder, ChecksTheMigrationRefcount)
{
    full_folio f = ext4_folio();
    // The caller's reference stands for the isolation one: v6_16 wants 2 + 1 = 3 = refcount.
    EXPECT_THAT(f, MigratesUnder<rules::v6_16>());
    // A FOLL_GET reference: refcount 4, one more than migration accepts.
    try_grab_folio(f, 1, FOLL_GET);
    EXPECT_THAT(f, ::testing::Not(MigratesUnder<rules::v6_16>()));
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, MigratesUnder<rules::v6_16>()),
                            "Expected: passes the migration refcount check under rule set v6_16");
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(f, MigratesUnder<rules::v6_16>()),
        "folio_migrate_refs_check<v6_16> gives -EAGAIN: migration expects "
        "refcount 3 = expected_ref_count 2 + 1 isolation reference, the folio has "
        "4 (+1)");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, MigratesUnder<rules::v6_16>()),
                            "held by page_cache 1, private 1, foll_get 1, caller 1");
}

TEST(MigratesUnder, PrivateTwoOnlyBeforeSixZero)
{
    // ceph folio during an fscache write: caller 1 + page cache 1 + PG_private_2 1 = 3.
    full_folio f(full_folio::state{.pfn = 0x3000});
    filemap_add_folio(f, ceph_map);
    folio_start_private_2(f);
    // pre_6_0: 1 + (1 + page_has_private: PG_private_2) = 3: migrates.
    EXPECT_THAT(f, MigratesUnder<rules::pre_6_0>());
    // migrate_6_0: 1 + (1 + PG_private 0) = 2 != 3: refused.
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, MigratesUnder<rules::migrate_6_0>()),
                            "migration expects refcount 2 = expected_ref_count 2 (the isolation "
                            "reference included), the folio has 3 (+1)");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, MigratesUnder<rules::migrate_6_0>()),
                            "PG_private clear, PG_private_2 set");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, MigratesUnder<rules::migrate_6_0>()),
                            "held by page_cache 1, private_2 1, caller 1");
}

// Called directly: through ::testing::PrintToString the result would depend on whether every
// file of this binary that prints these pointers includes gtest.hpp (other files print folio
// and mapping pointers without it, and the linker keeps one instantiation of gtest's printer).
TEST(PrintTo, PointersPrintWhatTheyPointAt)
{
    const full_folio f = ext4_folio();
    auto print = [](const auto* p) {
        std::ostringstream s;
        foliorc::PrintTo(p, &s);
        return s.str();
    };
    EXPECT_EQ(print(f.mapping()), "pointer to mapping file (ext4)");
    EXPECT_EQ(print(static_cast<const mapping*>(nullptr)), "NULL mapping");
    EXPECT_EQ(print(&f).substr(0, 34), "pointer to folio pfn 0x1000 order ");
}

TEST(HasFlags, NamesWhatIsMissing)
{
    const full_folio f = ext4_folio();
    EXPECT_THAT(f, HasFlags(pg::private_));
    EXPECT_THAT(f, HasFlags(flag_set{pg::private_}));
    // Identity order: lru before private.
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, HasFlags(pg::private_, pg::lru)),
                            "Expected: has flags lru|private");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, HasFlags(pg::private_, pg::lru)),
                            "missing lru\n    held by page_cache 1, private 1, caller 1");
}

} // namespace

// A caller's own folio type, in the caller's namespace.
namespace user {
struct my_folio {
    int refs = 2;
    int maps = 1;
};
} // namespace user

template <>
struct foliorc::folio_traits<user::my_folio> {
    using F = user::my_folio;
    static constexpr bool test_flag(const F&, pg f) noexcept { return f == pg::swapbacked; }
    static constexpr unsigned order(const F&) noexcept { return 0; }
    static constexpr int ref_count(const F& f) noexcept { return f.refs; }
    static constexpr int mapcount(const F& f) noexcept { return f.maps; }
    static constexpr int pincount(const F&) noexcept { return 0; }
    static constexpr mapping_kind mapping(const F&) noexcept { return mapping_kind::anon; }
    static constexpr page_type type(const F&) noexcept { return page_type::none; }
    static constexpr std::uint64_t pfn(const F&) noexcept { return 5; }
};

namespace user {
FOLIORC_GTEST_PRINT_FOLIO(my_folio)
// Same-named functions of the caller's own: the library's calls are qualified, so ADL on
// my_folio never picks these.
inline std::string holders(const my_folio&, int)
{
    return "captured";
}
inline const my_folio& deref(const my_folio& f)
{
    return f;
}
inline std::string to_string(const my_folio&)
{
    return "captured";
}
} // namespace user

namespace {

TEST(Matchers, TakeAnyFolioLikeType)
{
    const user::my_folio f;
    // Anon, mapped once, not in swap cache: v6_19 expects mapcount 1; refcount 2 leaves 1.
    EXPECT_THAT(f, HasExpectedRefs<rules::v6_19>(1));
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(f, HasUnexpectedRefs<rules::v6_19>(0)),
                            "1 unexpected: refcount 2 - expected 1");
    // A caller's type might print as bytes without FOLIORC_GTEST_PRINT_FOLIO: the matcher says it.
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(f, HasUnexpectedRefs<rules::v6_19>(0)),
        "the folio: folio pfn 0x5 order 0: refcount 2, mapcount 1, mapping anon, "
        "flags swapbacked");
    EXPECT_EQ(::testing::PrintToString(f),
              "folio pfn 0x5 order 0: refcount 2, mapcount 1, mapping anon, flags swapbacked, zone "
              "Normal, pageblock Movable; holders not recorded (no ledger)");
}

// One typed test under every kernel rule set.
template <class R>
struct EveryRuleSet : ::testing::Test {
};
TYPED_TEST_SUITE(EveryRuleSet, foliorc::testing::kernel_rule_set_types,
                 foliorc::testing::rule_set_name);

TYPED_TEST(EveryRuleSet, AnExt4FolioHeldByItsCallerMigrates)
{
    // Migrate era: 1 + 1 + PG_private 1 = 3; 6.16+: 1 + 1 + 0 mapcount, + 1 isolation = 3.
    const full_folio f = ext4_folio();
    EXPECT_THAT(f, MigratesUnder<TypeParam>());
    EXPECT_THAT(f, HasUnexpectedRefs<TypeParam>(1)); // the caller's
}

TEST(KernelRuleSetTypes, ListsTheFiveKernelRuleSets)
{
    using T = foliorc::testing::kernel_rule_set_types;
    EXPECT_TRUE((std::is_same_v<T, ::testing::Types<rules::pre_6_0, rules::migrate_6_0,
                                                    rules::v6_16, rules::v6_17, rules::v6_19>>));
    EXPECT_EQ(foliorc::testing::rule_set_name::GetName<rules::v6_17>(0), "v6_17");
}

} // namespace
