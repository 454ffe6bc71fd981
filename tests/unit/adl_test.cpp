// No ADL hijack: a caller's namespace full of kernel-named functions with other meanings (the raw
// _mapcount, a refcount with the pin bias taken off, ...) is never picked by the library's own
// calls, which are qualified or function objects (queries.hpp). Every expected value below is
// worked out by hand from the kernel's rules; the hijacking functions return values that would
// make each assertion fail if any of them were called.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include <foliorc/detail/explain_folio.hpp> // explain(folio); not yet in the umbrella
#include <foliorc/foliorc.hpp>

namespace usersim {
// A simulator's folio, stored the kernel's way: _mapcount is -1 when unmapped.
struct folio {
    unsigned long flags = 0; // bit 5 PG_lru, bit 14 PG_private
    int _refcount = 1;
    int _mapcount = -1;
    int _pincount = 0;
    bool file = false;
    bool anon = false;
    unsigned order = 0;
    std::uint64_t pfn = 0;
    foliorc::zone_type zone = foliorc::zone_type::normal;
    foliorc::migratetype mt = foliorc::migratetype::movable;
};

} // namespace usersim

template <>
struct foliorc::folio_traits<usersim::folio> {
    using F = usersim::folio;
    static constexpr bool test_flag(const F& f, pg flag)
    {
        switch (flag) {
        case pg::lru: return f.flags >> 5 & 1;
        case pg::private_: return f.flags >> 14 & 1;
        default: return false;
        }
    }
    static constexpr unsigned order(const F& f) { return f.order; }
    static constexpr int ref_count(const F& f) { return f._refcount; }
    static constexpr int mapcount(const F& f) { return f._mapcount + 1; }
    static constexpr int pincount(const F& f) { return f._pincount; }
    static constexpr mapping_kind mapping(const F& f)
    {
        return f.anon ? mapping_kind::anon : f.file ? mapping_kind::file : mapping_kind::none;
    }
    static constexpr page_type type(const F&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const F& f) { return f.pfn; }
    static constexpr zone_type zone(const F& f) { return f.zone; }
    static constexpr migratetype pageblock_mt(const F& f) { return f.mt; }
};
static_assert(foliorc::folio_like<usersim::folio>);

// The simulator's own code again, after the adapter.
namespace usersim {
// The simulator's own helpers, kernel-named, with other meanings. Non-templates taking the exact
// type: were argument-dependent lookup to see them, they would beat foliorc's templates.
inline int folio_mapcount(const folio& f)
{
    return f._mapcount;
} // raw: -1 when unmapped
inline int folio_ref_count(const folio& f)
{
    return f._refcount - 1000;
}
inline bool folio_test_lru(const folio& f)
{
    return !(f.flags >> 5 & 1);
}
inline bool folio_test_anon(const folio& f)
{
    return !f.anon;
}
inline int folio_nr_pages(const folio&)
{
    return 100;
}
inline std::uint64_t folio_pfn(const folio&)
{
    return 0xdead;
}
inline unsigned folio_order(const folio&)
{
    return 7;
}
inline bool folio_test_swapcache(const folio&)
{
    return true;
}
inline int folio_mapping(const folio&)
{
    return 0;
}
inline bool folio_test_large(const folio& f)
{
    return f.order == 0;
}
inline bool folio_has_pincount(const folio& f)
{
    return f.order == 0;
}
inline int pin_refs(const folio&, int = 1)
{
    return -5;
}
inline bool folio_is_longterm_pinnable(const folio&)
{
    return true;
}
inline bool folio_test_private(const folio&)
{
    return false;
}
inline bool folio_test_slab(const folio&)
{
    return true;
}
inline bool page_has_type(const folio&)
{
    return true;
}
inline bool folio_test_hugetlb(const folio&)
{
    return true;
}
inline bool folio_may_be_lru_cached(const folio&)
{
    return false;
}
inline bool folio_maybe_dma_pinned(const folio&)
{
    return true;
}
inline int folio_migrate_refs_check(const folio&, int = 0)
{
    return 0;
}
template <class R>
int expected_ref_count(const folio&)
{
    return -1;
}
template <class R>
int expected_without_caller(const folio&)
{
    return -1;
}
template <class R>
int migration_expected_refs(const folio&)
{
    return -1;
}

// A kernel environment in the same namespace, with its own kernel-named helpers.
struct env {
    std::vector<folio*> list;
    int local = 0, all = 0;
    bool is_longterm_pinnable(const folio& f) const
    {
        return foliorc::folio_is_longterm_pinnable(f);
    }
    bool is_device_coherent(const folio&) const { return false; }
    bool isolate_hugetlb(folio&) { return false; }
    void lru_add_drain() { ++local; }
    void lru_add_drain_all() { ++all; }
    bool isolate_lru(folio& f)
    {
        if (!(f.flags >> 5 & 1))
            return false;
        f.flags &= ~(1ul << 5);
        ++f._refcount;
        return true;
    }
    void add_to_list(folio& f) { list.push_back(&f); }
    // migrate_env / longterm_env: no PTEs here (mapcount 0), a pin is the 1024 bias.
    void try_to_migrate(folio&) {}
    void remove_migration_ptes(folio&) {}
    void move_to_new_folio(folio& f) { moved.push_back(&f); }
    void unpin(folio* f) { f->_refcount -= 1024; }
    bool migrate_device_coherent(folio*) { return true; }
    void putback(folio& f)
    {
        f.flags |= 1ul << 5;
        --f._refcount;
    }
    std::vector<folio*>& movable_list() { return list; }
    std::vector<folio*> moved;
};
template <class... A>
int collect_unpinnable(A&&...)
{
    return -1;
}
template <class R, class... A>
int migrate_pages(A&&...)
{
    return -1;
}
template <class... A>
int call_pin_refs(A&&...)
{
    return -1;
}
} // namespace usersim

namespace {
using namespace foliorc;

// An unmapped page-cache folio, order 0, PG_lru and PG_private (buffer heads): references page
// cache 1 + PG_private 1 + the caller's 1 = 3; _mapcount -1 (mapcount 0).
constexpr usersim::folio ext4_unmapped{
    .flags = 1ul << 5 | 1ul << 14, ._refcount = 3, .file = true, .pfn = 0x100};

TEST(Adl, QueriesReadTheTraitsNotTheCallersFunctions)
{
    const usersim::folio& f = ext4_unmapped;
    EXPECT_EQ(foliorc::folio_mapcount(f), 0);  // _mapcount + 1, not the raw -1
    EXPECT_EQ(foliorc::folio_ref_count(f), 3); // not 3 - 1000
    EXPECT_TRUE(foliorc::folio_test_lru(f));
    EXPECT_FALSE(foliorc::folio_test_anon(f));
    EXPECT_EQ(foliorc::folio_nr_pages(f), 1);
    EXPECT_EQ(foliorc::folio_order(f), 0u);
    EXPECT_FALSE(foliorc::folio_test_large(f));
    EXPECT_EQ(foliorc::folio_pfn(f), 0x100u);
    EXPECT_FALSE(foliorc::folio_test_swapcache(f));
    EXPECT_EQ(foliorc::folio_mapping(f), mapping_kind::file);
    EXPECT_FALSE(foliorc::folio_has_pincount(f));        // order 0: no _pincount
    EXPECT_EQ(foliorc::pin_refs(f), 1024);               // GUP_PIN_COUNTING_BIAS on a small folio
    EXPECT_FALSE(foliorc::folio_maybe_dma_pinned(f));    // 3 < 1024
    EXPECT_TRUE(foliorc::folio_is_longterm_pinnable(f)); // ZONE_NORMAL, movable pageblock
}

TEST(Adl, RulesReadTheTraitsNotTheCallersFunctions)
{
    const usersim::folio& f = ext4_unmapped;
    // v6_19: not anon, not in swap cache: (mapping != NULL) << 0 = 1, + PG_private 1, + mapcount 0
    // = 2. (With the caller's folio_mapcount, -1: 1.)
    static_assert(expected_ref_count<rules::v6_19>(ext4_unmapped) == 2);
    EXPECT_EQ(expected_ref_count<rules::v6_19>(f), 2);
    EXPECT_EQ(expected_ref_count<rules::v6_16>(f), 2); // same terms in 6.16 (untagged mapping)
    // migrate_6_0: caller 1 + (folio_mapping ? nr_pages 1 + PG_private 1 : 0) = 3.
    EXPECT_EQ(expected_ref_count<rules::migrate_6_0>(f), 3);
    // Footings: v6_19 without caller = 2; migrate_6_0 without caller = 3 - 1 + mapcount 0 = 2.
    EXPECT_EQ(expected_without_caller<rules::v6_19>(f), 2);
    EXPECT_EQ(expected_without_caller<rules::migrate_6_0>(f), 2);
    // Migration of the unmapped, isolated folio: v6_19 2 - mapcount 0 + isolation 1 = 3.
    EXPECT_EQ(migration_expected_refs<rules::v6_19>(f), 3);
    // refcount 3 == 2 + 1 (the isolation reference stands in for the caller's): 0.
    EXPECT_EQ(folio_migrate_refs_check<rules::v6_19>(f), 0);
    // A mapped anon folio: anon, not swap cache: 0, + mapcount 1 = 1 (caller's would say 0).
    constexpr usersim::folio anon1{.flags = 1ul << 5, ._refcount = 2, ._mapcount = 0, .anon = true};
    static_assert(expected_ref_count<rules::latest>(anon1) == 1);
}

TEST(Adl, MigrationReadsTheTraits)
{
    // An unmapped ext4 folio in ZONE_MOVABLE, pinned by this call: page cache 1 + PG_private 1 +
    // FOLL_PIN 1024 = 1026, and one stray reference: 1027. check_and_migrate (never drain):
    // collected and isolated (1028); the pin is dropped (4); migration wants v6_19's expected 2 +
    // isolation 1 = 3 != 4, so every pass is -EAGAIN and the folio stays: -ENOMEM, 1 failed,
    // and putback drops the isolation reference (3). The caller's folio_migrate_refs_check (always
    // 0) would have moved it.
    usersim::folio f = ext4_unmapped;
    f._refcount = 1027;
    f.zone = zone_type::movable;
    std::array<usersim::folio*, 1> pofs{&f};
    usersim::env e;
    const longterm_result r =
        foliorc::check_and_migrate_movable_pages_or_folios<rules::v6_19>(pofs, e, drain::never{});
    EXPECT_EQ(r.ret, -ENOMEM);
    EXPECT_EQ(r.migration.nr_failed, 1);
    EXPECT_EQ(r.migration.nr_succeeded, 0);
    EXPECT_TRUE(e.moved.empty());
    EXPECT_EQ(f._refcount, 3);
    // Without the stray reference: 4 - 1 = 3 after the unpin, the check passes, the folio moves,
    // and the caller pins again (-EAGAIN).
    usersim::folio g = ext4_unmapped;
    g._refcount = 1026;
    g.zone = zone_type::movable;
    std::array<usersim::folio*, 1> pofs2{&g};
    usersim::env e2;
    const longterm_result r2 =
        foliorc::check_and_migrate_movable_pages_or_folios<rules::v6_19>(pofs2, e2, drain::never{});
    EXPECT_EQ(r2.ret, -EAGAIN);
    EXPECT_EQ(r2.migration.nr_succeeded, 1);
    ASSERT_EQ(e2.moved.size(), 1u);
}

TEST(Adl, ExplainReadsTheTraits)
{
    // explain(folio) under every kernel rule set, caller's references 1: on the 6.16 footing
    // every set expects 2 here (page cache + PG_private; migrate-era 3 - caller 1 + mapcount 0),
    // so refcount 3 - 2 - 1 = 0 unexpected.
    const folio_explanation x = explain(ext4_unmapped, 1);
    ASSERT_EQ(x.rules.size(), 5u);
    for (const rule_explanation& r : x.rules) {
        SCOPED_TRACE(std::string(r.rule));
        EXPECT_EQ(r.expected, 2);
        EXPECT_EQ(r.unexpected, 0);
    }
}

TEST(Adl, CollectAndDrainPoliciesReadTheTraits)
{
    // Two order-0 page-cache folios in ZONE_MOVABLE (unpinnable), each pinned by this call:
    // refcount 3 + 1024 (FOLL_PIN bias). Expected (v6_19, without caller) 2; pin_aware compares
    // with 2 + pin_refs 1024 = 1026 != 1027, so drains locally, then all, once each per call (the
    // caller's own reference is unexpected: that is what the policy is for). ref_count compares
    // with 2 + 1 = 3 != 1027: drain all once.
    auto make = [] {
        std::array<usersim::folio, 2> fs{ext4_unmapped, ext4_unmapped};
        for (auto& f : fs) {
            f._refcount += 1024;
            f.zone = zone_type::movable;
        }
        fs[1].pfn = 0x101;
        return fs;
    };
    {
        auto fs = make();
        std::array<usersim::folio*, 2> pofs{&fs[0], &fs[1]};
        usersim::env e;
        const collect_result r = foliorc::collect_unpinnable(pofs, e, drain::pin_aware<>{});
        EXPECT_EQ(r.folios, 2);
        EXPECT_EQ(r.collected, 2);
        EXPECT_EQ(r.isolated, 2);
        EXPECT_EQ(r.local_drains, 1);
        EXPECT_EQ(r.drain_alls, 1);
        EXPECT_EQ(fs[0]._refcount, 1028); // + isolation
    }
    {
        auto fs = make();
        std::array<usersim::folio*, 2> pofs{&fs[0], &fs[1]};
        usersim::env e;
        const collect_result r = foliorc::collect_unpinnable(pofs, e, drain::ref_count<>{});
        EXPECT_EQ(r.drain_alls, 1);
        EXPECT_EQ(r.local_drains, 0);
    }
    {
        // lru_flag: both have PG_lru, so no drain (the caller's folio_test_lru says the opposite).
        auto fs = make();
        std::array<usersim::folio*, 2> pofs{&fs[0], &fs[1]};
        usersim::env e;
        const collect_result r = foliorc::collect_unpinnable(pofs, e, drain::lru_flag{});
        EXPECT_EQ(r.drain_alls, 0);
        EXPECT_EQ(r.isolated, 2);
    }
    {
        // ZONE_NORMAL, movable pageblock: pinnable, skipped; nothing collected.
        auto fs = make();
        fs[0].zone = fs[1].zone = zone_type::normal;
        std::array<usersim::folio*, 2> pofs{&fs[0], &fs[1]};
        usersim::env e;
        const collect_result r = foliorc::collect_unpinnable(pofs, e);
        EXPECT_EQ(r.collected, 0);
    }
}

} // namespace
