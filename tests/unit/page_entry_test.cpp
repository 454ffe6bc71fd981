// Page entries are never mistaken for folio entries: a kernel-style struct page whose traits say
// how it finds its folio (page_folio) makes a pofs of page pointers a page pofs.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include <foliorc/collect.hpp>

namespace pagesim {
struct folio {
    int refcount = 1;
    unsigned order = 0;
    std::uint64_t pfn = 0;
    bool lru = true;
};
struct page {
    folio* head = nullptr; // compound_head
    std::uint64_t pfn = 0;
};
struct env {
    std::vector<folio*> list;
    int isolations = 0;
    bool is_longterm_pinnable(const folio&) const { return false; } // say, ZONE_MOVABLE
    bool is_device_coherent(const folio&) const { return false; }
    bool isolate_hugetlb(folio&) { return false; }
    void lru_add_drain() {}
    void lru_add_drain_all() {}
    bool isolate_lru(folio& f)
    {
        ++isolations;
        if (!f.lru)
            return false;
        f.lru = false;
        ++f.refcount;
        return true;
    }
    void add_to_list(folio& f) { list.push_back(&f); }
};
} // namespace pagesim

template <>
struct foliorc::folio_traits<pagesim::folio> {
    using F = pagesim::folio;
    static constexpr bool test_flag(const F& f, pg flag) { return flag == pg::lru && f.lru; }
    static constexpr unsigned order(const F& f) { return f.order; }
    static constexpr int ref_count(const F& f) { return f.refcount; }
    static constexpr int mapcount(const F&) { return 0; }
    static constexpr int pincount(const F&) { return 0; }
    static constexpr mapping_kind mapping(const F&) { return mapping_kind::none; }
    static constexpr page_type type(const F&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const F& f) { return f.pfn; }
};
template <>
struct foliorc::folio_traits<pagesim::page> {
    static constexpr pagesim::folio* page_folio(const pagesim::page& p) { return p.head; }
    static constexpr std::uint64_t pfn(const pagesim::page& p) { return p.pfn; }
};

static_assert(foliorc::page_like<pagesim::page>);
static_assert(!foliorc::folio_like<pagesim::page>);
static_assert(foliorc::pofs_entry_traits<pagesim::page*>::is_page);
static_assert(
    std::is_same_v<foliorc::pofs_entry_traits<pagesim::page*>::folio_type, pagesim::folio>);

namespace {
using namespace foliorc;

TEST(PageEntries, OneLargeFolioThroughFourPagesIsOneFolio)
{
    // An order-2 folio at pfn 0x400 (pages 0x400-0x403), pinned through its 4 pages: pofs_next_folio
    // skips pages whose pfn lies in [0x400, 0x404), so the loop sees 1 folio, walks 4 entries and
    // collects (and isolates) it once.
    pagesim::folio f{.refcount = 1 + 4, .order = 2, .pfn = 0x400}; // caller + 4 page pins
    std::array<pagesim::page, 4> pages{};
    for (unsigned i = 0; i < 4; ++i)
        pages[i] = {&f, 0x400 + i};
    std::array<pagesim::page*, 4> pofs{&pages[0], &pages[1], &pages[2], &pages[3]};
    pagesim::env e;
    const collect_result r = collect_unpinnable(pofs, e, drain::never{});
    EXPECT_EQ(r.entries, 4);
    EXPECT_EQ(r.folios, 1);
    EXPECT_EQ(r.collected, 1);
    EXPECT_EQ(r.isolated, 1);
    EXPECT_EQ(e.isolations, 1);
    ASSERT_EQ(e.list.size(), 1u);
    EXPECT_EQ(e.list[0], &f);
    // prev_folio dedupe (up to 6.15) compares page_folio(): also 1 folio.
    f.lru = true;
    pagesim::env e2;
    EXPECT_EQ(collect_unpinnable(pofs, e2, drain::never{}, dedupe::prev_folio{}).folios, 1);
}

TEST(PageEntries, SmallFoliosThroughPagesAreOneEach)
{
    // Two order-0 folios: two pages, two folios, both collected.
    pagesim::folio a{.pfn = 0x10}, b{.pfn = 0x11};
    std::array<pagesim::page, 2> pages{{{&a, 0x10}, {&b, 0x11}}};
    std::array<pagesim::page*, 2> pofs{&pages[0], &pages[1]};
    pagesim::env e;
    const collect_result r = collect_unpinnable(pofs, e, drain::never{});
    EXPECT_EQ(r.folios, 2);
    EXPECT_EQ(r.collected, 2);
}
} // namespace
