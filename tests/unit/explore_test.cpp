// Rule-set diffs over the state space. Each expected class and count is derived from the rule
// formulas (docs/kernel.md ("Expected refcounts")) and the enumeration in explore.hpp: orders 0, 1, 4, 9 for
// ordinary folios, mapcounts 0..2 where a mapping can be mapped, none for folios without one.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
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

TEST(Interleavings, ExplorationRethrowsWhatARunThrows)
{
    const interleaving_space space({2, 2, 2});
    for (unsigned threads : {1u, 2u}) {
        auto run = [](int&, const std::vector<std::uint8_t>&, std::uint64_t i) {
            if (i == 17)
                throw std::runtime_error("run 17");
        };
        EXPECT_THROW((void)explore_interleavings(
                         space, threads, 0, run, [](int&, int) {}, 4),
                     std::runtime_error);
    }
}

// ---- the prefix tree: shared prefixes run once ----

// The state of the tree walk in these tests: the steps run on this copy, in order.
struct steps_state {
    std::vector<std::pair<unsigned, unsigned>> steps; // (cpu, op)
};
struct leaves {
    std::vector<std::vector<std::pair<unsigned, unsigned>>> paths;
    std::vector<std::uint64_t> weights;
};
auto record_step = [](steps_state& s, unsigned cpu, unsigned op) { s.steps.emplace_back(cpu, op); };
auto record_leaf = [](leaves& l, const steps_state& s, std::uint64_t w) {
    l.paths.push_back(s.steps);
    l.weights.push_back(w);
};
auto append = [](leaves& into, leaves&& part) {
    into.paths.insert(into.paths.end(), part.paths.begin(), part.paths.end());
    into.weights.insert(into.weights.end(), part.weights.begin(), part.weights.end());
};
auto never = [](const std::vector<unsigned>&) { return false; };

TEST(PrefixTree, EveryInterleavingOnceInOrderWithItsOperationNumbers)
{
    // CPU 0 runs two operations, CPU 1 one: 3! / 2! = 3 interleavings, in lexicographic order
    // 0 0 1, 0 1 0, 1 0 0; CPU 0's operations are numbered 0 then 1 in each.
    using path = std::vector<std::pair<unsigned, unsigned>>;
    const leaves l = explore_prefix_tree(interleaving_space({2, 1}), 1, steps_state{}, leaves{},
                                         record_step, record_leaf, never, append, 1);
    EXPECT_EQ(l.paths,
              (std::vector<path>{
                  {{0, 0}, {0, 1}, {1, 0}}, {{0, 0}, {1, 0}, {0, 1}}, {{1, 0}, {0, 0}, {0, 1}}}));
    EXPECT_EQ(l.weights, (std::vector<std::uint64_t>{1, 1, 1}));
}

TEST(PrefixTree, LeavesAreTheInterleavingsOfTheSpaceForEveryCut)
{
    // The same sequences as interleaving_space::at, in its order, whatever the cut (units).
    const interleaving_space space({3, 2, 2});
    for (std::size_t units : {1u, 5u, 64u, 100000u}) {
        const leaves l = explore_prefix_tree(space, 1, steps_state{}, leaves{}, record_step,
                                             record_leaf, never, append, units);
        ASSERT_EQ(l.paths.size(), 210u) << units;
        for (std::uint64_t i = 0; i < space.count(); ++i) {
            std::vector<std::uint8_t> cpus;
            for (auto [cpu, op] : l.paths[i])
                cpus.push_back(static_cast<std::uint8_t>(cpu));
            ASSERT_EQ(cpus, space.at(i)) << units << " " << i;
        }
    }
}

TEST(PrefixTree, AnOperationRunsOncePerDistinctPrefix)
{
    // {2, 1}, one unit (no replayed prefix): the distinct prefixes are 0, 1, 00, 01, 10, 001,
    // 010, 100, so 8 steps where running each interleaving alone takes 3 x 3 = 9; the copies
    // are made for every child but the last: at the root (0 before 1), at 0 (00 before 01):
    // 2 copies. For {3, 2, 2} the prefixes of length d are the sequences of a zeros, b ones and
    // c twos (a + b + c = d, a <= 3, b <= 2, c <= 2), d! / (a! b! c!) for each such (a, b, c):
    //   d = 1: 3; d = 2: 3 x 1 + 3 x 2 = 9; d = 3: 1 (300) + 6 x 3 (210, 201, 120, 021, 102,
    //   012) + 6 (111) = 25; d = 4: 2 x 4 (310, 301) + 3 x 6 (220, 202, 022) + 3 x 12 (211,
    //   121, 112) = 62; d = 5: 2 x 10 (320, 302) + 20 (311) + 3 x 30 (221, 212, 122) = 130;
    //   d = 6: 2 x 60 (321, 312) + 90 (222) = 210; d = 7: 210.
    // 3 + 9 + 25 + 62 + 130 + 210 + 210 = 649 steps, against 210 x 7 = 1470.
    struct counted {
        long* steps;
        long* copies;
        counted(long* s, long* c) : steps(s), copies(c) {}
        counted(const counted& o) : steps(o.steps), copies(o.copies) { ++*copies; }
        counted& operator=(const counted&) = default;
        ~counted() = default;
    };
    long steps = 0, copies = 0;
    auto step = [](counted& c, unsigned, unsigned) { ++*c.steps; };
    auto leaf = [](int& n, const counted&, std::uint64_t) { ++n; };
    auto sum = [](int& into, int part) { into += part; };
    const counted root(&steps, &copies);
    EXPECT_EQ(
        explore_prefix_tree(interleaving_space({2, 1}), 1, root, 0, step, leaf, never, sum, 1), 3);
    EXPECT_EQ(steps, 8);
    EXPECT_EQ(copies, 2 + 1); // and the unit's own copy of root
    steps = copies = 0;
    EXPECT_EQ(
        explore_prefix_tree(interleaving_space({3, 2, 2}), 1, root, 0, step, leaf, never, sum, 1),
        210);
    EXPECT_EQ(steps, 649);
}

TEST(PrefixTree, DoneStopsAPrefixWithTheNumberOfItsInterleavings)
{
    // One operation per CPU; done once CPU 2's has run. The prefixes where it first has: 2
    // (left {1, 1, 0}: 2 interleavings), 0 2 and 1 2 (1 each), 0 1 2 and 1 0 2 (1 each), in
    // lexicographic order 0 1 2, 0 2, 1 0 2, 1 2, 2. Their weights add up to 3! = 6.
    auto cpu2_ran = [](const std::vector<unsigned>& left) { return left[2] == 0; };
    const leaves l = explore_prefix_tree(interleaving_space({1, 1, 1}), 1, steps_state{}, leaves{},
                                         record_step, record_leaf, cpu2_ran, append, 1);
    using path = std::vector<std::pair<unsigned, unsigned>>;
    EXPECT_EQ(l.paths, (std::vector<path>{{{0, 0}, {1, 0}, {2, 0}},
                                          {{0, 0}, {2, 0}},
                                          {{1, 0}, {0, 0}, {2, 0}},
                                          {{1, 0}, {2, 0}},
                                          {{2, 0}}}));
    EXPECT_EQ(l.weights, (std::vector<std::uint64_t>{1, 1, 1, 1, 2}));
}

TEST(PrefixTree, EveryThreadCountAndCutGivesTheSingleThreadedResult)
{
    const interleaving_space space({3, 3, 2, 2});
    auto some_done = [](const std::vector<unsigned>& left) { return left[3] == 0 && left[2] < 2; };
    const leaves one = explore_prefix_tree(space, 1, steps_state{}, leaves{}, record_step,
                                           record_leaf, some_done, append);
    std::uint64_t total = 0;
    for (std::uint64_t w : one.weights)
        total += w;
    EXPECT_EQ(total, space.count());
    for (unsigned threads : {2u, 3u, 8u})
        for (std::size_t units : {1u, 7u, 1024u}) {
            const leaves many =
                explore_prefix_tree(space, threads, steps_state{}, leaves{}, record_step,
                                    record_leaf, some_done, append, units);
            EXPECT_EQ(many.paths, one.paths) << threads << " " << units;
            EXPECT_EQ(many.weights, one.weights) << threads << " " << units;
        }
}

TEST(PrefixTree, ExplorationRethrowsWhatAStepThrows)
{
    auto step = [](steps_state& s, unsigned cpu, unsigned op) {
        if (cpu == 2 && op == 1)
            throw std::runtime_error("step");
        s.steps.emplace_back(cpu, op);
    };
    for (unsigned threads : {1u, 2u})
        EXPECT_THROW((void)explore_prefix_tree(interleaving_space({2, 2, 2}), threads,
                                               steps_state{}, leaves{}, step, record_leaf, never,
                                               append, 8),
                     std::runtime_error);
}

} // namespace
} // namespace foliorc::test
