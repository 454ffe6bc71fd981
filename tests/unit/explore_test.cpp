// Rule-set diffs over the state space. Each expected class and count is derived from the rule
// formulas (docs/kernel.md ("Expected refcounts")) and the enumeration in explore.hpp: orders 0, 1, 4, 9 for
// ordinary folios, mapcounts 0..2 where a mapping can be mapped, none for folios without one.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <foliorc/explore.hpp>

namespace foliorc::test {
namespace {

std::set<std::string> class_names(const rule_diff& d)
{
    std::set<std::string> s;
    for (const auto& c : d.classes)
        s.insert(c.name);
    return s;
}

const rule_diff_class& cls(const rule_diff& d, const std::string& name)
{
    for (const auto& c : d.classes)
        if (c.name == name)
            return c;
    throw std::logic_error("no class " + name);
}

const rule_set_info& rs(std::string_view n)
{
    return *kernel_rule_registry::find(n);
}

TEST(Explore, V6_16AgainstV6_19)
{
    const rule_diff d = diff_rule_sets(rs("v6_16"), rs("v6_19"));
    // f183663901f2: the swap-cache term for non-anon folios: a NULL-mapping (written-out shmem)
    // folio, 4 orders x mapcount 0 = 4 states, and a shmem folio in swap cache, 4 orders x 3
    // mapcounts = 12. The 6.17 change: an untagged-test drop counts a movable_ops mapping
    // (4 states) and the typed-page guard warns for zsmalloc (with and without its movable_ops
    // mapping) and table pages (1 state each); slab warns under both.
    EXPECT_EQ(class_names(d),
              (std::set<std::string>{"non-anon folio, mapping NULL, in swap cache",
                                     "shmem folio, in swap cache",
                                     "folio with a movable_ops mapping", "zsmalloc page",
                                     "zsmalloc page with a movable_ops mapping", "table page"}));
    EXPECT_EQ(cls(d, "non-anon folio, mapping NULL, in swap cache").count, 4u);
    EXPECT_EQ(cls(d, "shmem folio, in swap cache").count, 12u);
    EXPECT_EQ(cls(d, "folio with a movable_ops mapping").count, 4u);
    EXPECT_EQ(d.disagreements.size(), 4u + 12u + 4u + 3u);
    // The example of the first class, order 0: v6_16 expects 0, v6_19 expects 1 << 0 = 1.
    const auto& ex = cls(d, "non-anon folio, mapping NULL, in swap cache").example;
    EXPECT_EQ(ex.state.folio.order, 0u);
    EXPECT_EQ(ex.a.expected, 0);
    EXPECT_EQ(ex.b.expected, 1);
    // A typed page: both 0, only v6_19 warns.
    const auto& t = cls(d, "table page").example;
    EXPECT_EQ(t.a, (rule_value{0, false}));
    EXPECT_EQ(t.b, (rule_value{0, true}));
}

TEST(Explore, V6_17AgainstV6_19IsOnlyTheSwapCacheFix)
{
    const rule_diff d = diff_rule_sets(rs("v6_17"), rs("v6_19"));
    EXPECT_EQ(class_names(d), (std::set<std::string>{"non-anon folio, mapping NULL, in swap cache",
                                                     "shmem folio, in swap cache"}));
    EXPECT_EQ(d.disagreements.size(), 16u);
}

TEST(Explore, PreAgainstMigrate6_0IsThePrivate2Narrowing)
{
    // 108ca8358139 narrowed page_has_private to PG_private: a page-cache folio with PG_private_2
    // and no PG_private, 4 orders x 3 mapcounts x PG_owner_2 (PG_mappedtodisk) off or on = 24
    // states, pre_6_0 one higher. PG_owner_2 is its own bit and changes nothing.
    const rule_diff d = diff_rule_sets(rs("pre_6_0"), rs("migrate_6_0"));
    EXPECT_EQ(class_names(d),
              (std::set<std::string>{"page-cache folio, PG_private_2",
                                     "page-cache folio, PG_private_2, PG_mappedtodisk"}));
    EXPECT_EQ(d.disagreements.size(), 24u);
    for (const auto& x : d.disagreements)
        EXPECT_EQ(x.a.expected, x.b.expected + 1);
}

TEST(Explore, EverySetAgreesWithItself)
{
    for (const auto& s : kernel_rule_registry::sets)
        EXPECT_TRUE(diff_rule_sets(s, s).disagreements.empty()) << s.name;
}

TEST(Explore, StateSpaceHoldsOnlyStatesTheKernelProduces)
{
    std::size_t n = 0;
    for_each_state([&](const state_point& p) {
        ++n;
        const auto& f = p.folio;
        EXPECT_TRUE(!swapcache_bit(f.flags) || f.flags.test(pg::swapbacked));
        EXPECT_TRUE(!is_anon_kind(f.mapping) || !f.flags.test(pg::private_));
        EXPECT_TRUE(f.order <= max_page_order || f.type == page_type::hugetlb);
        EXPECT_TRUE(!is_typed(f.type) || f.type == page_type::hugetlb || f.mapcount == 0);
    });
    EXPECT_EQ(n, diff_rule_sets(rs("v6_19"), rs("v6_19")).states);
    EXPECT_GT(n, 100u);
}

TEST(Explore, RegistryFindsByName)
{
    EXPECT_EQ(kernel_rule_registry::find("v6_16")->commit, "86ebd50224c0");
    EXPECT_EQ(kernel_rule_registry::find("nope"), nullptr);
    EXPECT_EQ(kernel_rule_registry::sets.size(), 5u);
}

// ---- interleavings, explored on several threads ----

TEST(Interleavings, CountIsTheMultinomialAndAtFollowsNextPermutation)
{
    const interleaving_space space({3, 2, 2});
    EXPECT_EQ(space.count(), 210u); // 7! / (3! 2! 2!)
    EXPECT_EQ(space.length(), 7u);
    std::vector<std::uint8_t> seq = space.at(0);
    EXPECT_EQ(seq, (std::vector<std::uint8_t>{0, 0, 0, 1, 1, 2, 2}));
    std::set<std::vector<std::uint8_t>> seen;
    for (std::uint64_t i = 0; i < space.count(); ++i) {
        EXPECT_EQ(space.at(i), seq) << i;
        seen.insert(seq);
        EXPECT_EQ(interleaving_space::next(seq), i + 1 < space.count());
    }
    EXPECT_EQ(seen.size(), 210u); // each once
    EXPECT_EQ(interleaving_space({4, 3, 3, 3}).count(), 1201200u);
    EXPECT_EQ(interleaving_space({}).count(), 1u);
    EXPECT_EQ(interleaving_space({5}).count(), 1u);
    EXPECT_THROW((void)space.at(210), std::out_of_range);
}

TEST(Interleavings, EveryThreadCountGivesTheSingleThreadedResult)
{
    // An order-sensitive accumulator: the interleavings' indices and a hash of their sequences,
    // in the order the merge sees them. Any thread count must give the one-thread result.
    struct acc {
        std::vector<std::uint64_t> indices;
        std::uint64_t hash = 0;
    };
    const interleaving_space space({3, 3, 2, 2});
    auto run = [](acc& a, const std::vector<std::uint8_t>& seq, std::uint64_t i) {
        a.indices.push_back(i);
        for (std::uint8_t c : seq)
            a.hash = a.hash * 1099511628211u + c + 1;
    };
    auto merge = [](acc& into, acc&& part) {
        into.indices.insert(into.indices.end(), part.indices.begin(), part.indices.end());
        into.hash = into.hash * 31 + part.hash;
    };
    const acc one = explore_interleavings(space, 1, acc{}, run, merge, 100);
    ASSERT_EQ(one.indices.size(), space.count());
    for (std::uint64_t i = 0; i < space.count(); ++i)
        ASSERT_EQ(one.indices[i], i);
    for (unsigned threads : {2u, 3u, 8u}) {
        const acc many = explore_interleavings(space, threads, acc{}, run, merge, 100);
        EXPECT_EQ(many.indices, one.indices) << threads;
        EXPECT_EQ(many.hash, one.hash) << threads;
    }
}

} // namespace
} // namespace foliorc::test
