// A caller's folio_traits specialization written the way C++ users write one, inside a
// `namespace foliorc { ... }` block (not `template <> struct foliorc::folio_traits<T>`, which
// adl_test.cpp and the examples use). foliorc declares folio_traits in its ABI inline namespace
// (foliorc/config.hpp); a specialization from the enclosing namespace still specializes it, in
// both check modes.
#include <foliorc/foliorc.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace usersim2 {
struct frame {
    bool lru = false;
    bool swapbacked = false;
    bool swapcache = false; // owner_priv_1
    bool file = false;
    int refs = 1;
    int mapped = 0;
    std::uint64_t pfn = 0x77;
};
} // namespace usersim2

namespace foliorc {
template <>
struct folio_traits<usersim2::frame> {
    static constexpr bool test_flag(const usersim2::frame& f, pg flag)
    {
        switch (flag) {
        case pg::lru: return f.lru;
        case pg::swapbacked: return f.swapbacked;
        case pg::owner_priv_1: return f.swapcache;
        default: return false;
        }
    }
    static constexpr unsigned order(const usersim2::frame&) { return 0; }
    static constexpr int ref_count(const usersim2::frame& f) { return f.refs; }
    static constexpr int mapcount(const usersim2::frame& f) { return f.mapped; }
    static constexpr int pincount(const usersim2::frame&) { return 0; }
    static constexpr mapping_kind mapping(const usersim2::frame& f)
    {
        return f.file ? mapping_kind::file : mapping_kind::anon;
    }
    static constexpr page_type type(const usersim2::frame&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const usersim2::frame& f) { return f.pfn; }
};
} // namespace foliorc

namespace {

static_assert(foliorc::folio_like<usersim2::frame>,
              "a specialization in a namespace foliorc block makes the type folio_like");

TEST(TraitsSpecialization, InNamespaceFoliorcBlock)
{
    // A page-cache folio mapped once, plus the caller's reference: refcount 3.
    // v6_19: (mapping != NULL) << 0 + mapcount 1 = 2 (the caller's reference excluded).
    constexpr usersim2::frame f{.file = true, .refs = 3, .mapped = 1};
    static_assert(foliorc::expected_ref_count<foliorc::rules::v6_19>(f) == 2,
                  "the rules read the caller's traits");
    EXPECT_EQ(foliorc::expected_ref_count<foliorc::rules::latest>(f), 2);
    EXPECT_EQ(foliorc::folio_mapcount(f), 1);
    EXPECT_EQ(foliorc::folio_pfn(f), 0x77u);
    // An anon folio in swap cache: swapcache << order = 1, + mapcount 0.
    const usersim2::frame anon{.swapbacked = true, .swapcache = true, .refs = 2};
    EXPECT_TRUE(foliorc::folio_test_swapcache(anon));
    EXPECT_EQ(foliorc::expected_ref_count<foliorc::rules::latest>(anon), 1);
}

} // namespace
