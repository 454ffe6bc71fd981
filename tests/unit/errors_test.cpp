// Every bad input gets its specific error and leaves the folio exactly as it was.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string_view>

#include "test_support.hpp"

namespace foliorc::test {
namespace {

template <class F>
void expect_refused(F& f, errc code, const std::function<void(F&)>& op)
{
    const F before = f;
    try {
        op(f);
        ADD_FAILURE() << "expected " << errc_name(code);
    } catch (const folio_error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_EQ(e.pfn(), f.pfn());
        // The message names the folio and the rule.
        EXPECT_NE(std::string(e.what()).find("folio pfn 0x"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(errc_name(code)), std::string::npos) << e.what();
    }
    EXPECT_TRUE(f.same_state(before));
}

TEST(Errors, RefcountUnderflow)
{
    folio f(folio::state{.pfn = 0x10});
    folio_put(f);
    expect_refused<folio>(f, errc::refcount_underflow, [](folio& x) { folio_put(x); });
}

TEST(Errors, PutByAHolderThatHoldsNothing)
{
    auto f = alloc();
    expect_refused<full_folio>(f, errc::holder_holds_nothing,
                               [](full_folio& x) { folio_put(x, holder::foll_get); });
    expect_refused<full_folio>(f, errc::holder_holds_nothing, [](full_folio& x) {
        folio_put(x, batch_holder(batch_kind::mlock, 1));
    });
}

TEST(Errors, MapcountAboveWhatTheLedgerAllows)
{
    auto f = alloc();
    filemap_add_folio(f, ext4_map);
    // A change that raises mapcount without the page-table reference.
    expect_refused<full_folio>(f, errc::mapcount_exceeds_refs, [](full_folio& x) {
        full_folio::change c{"test"};
        c.mapcount = 1;
        x.apply(c);
    });
}

TEST(Errors, MapcountAboveRefcountWithoutLedger)
{
    folio f(folio::state{});
    expect_refused<folio>(f, errc::mapcount_exceeds_refs, [](folio& x) {
        folio::change c{"test"};
        c.mapcount = 2;
        x.apply(c);
    });
}

TEST(Errors, OrderPastTheTypesMaximum)
{
    // buddy folios go to MAX_PAGE_ORDER 10, hugetlb to 18.
    EXPECT_NO_THROW(alloc(10));
    EXPECT_NO_THROW(alloc(18, 1, page_type::hugetlb));
    try {
        alloc(11);
        ADD_FAILURE();
    } catch (const folio_error& e) {
        EXPECT_EQ(e.code(), errc::order_too_large);
    }
    EXPECT_THROW(alloc(19, 1, page_type::hugetlb), folio_error);
}

TEST(Errors, PfnPastTheModelledRange)
{
    EXPECT_NO_THROW(alloc(0, full_folio::max_pfn));
    try {
        alloc(0, full_folio::max_pfn + 1);
        ADD_FAILURE();
    } catch (const folio_error& e) {
        EXPECT_EQ(e.code(), errc::pfn_out_of_range);
    }
}

TEST(Errors, SwapcacheWithoutSwapbacked)
{
    auto f = alloc();
    filemap_add_folio(f, ext4_map); // ext4 folios are not swapbacked
    expect_refused<full_folio>(f, errc::swapcache_without_swapbacked,
                               [](full_folio& x) { add_to_swap_cache(x); });
    auto a = alloc();
    folio_add_new_anon_rmap(a, anon_mapping);
    add_to_swap_cache(a);
    // Clearing swapbacked under PG_swapcache on an anon folio.
    expect_refused<full_folio>(a, errc::swapcache_without_swapbacked,
                               [](full_folio& x) { folio_clear_flag(x, pg::swapbacked); });
}

TEST(Errors, Private2OnAFilesystemThatNeverSetsIt)
{
    auto f = alloc();
    filemap_add_folio(f, ext4_map);
    expect_refused<full_folio>(f, errc::private_2_not_used_by_fs,
                               [](full_folio& x) { folio_start_private_2(x); });
}

TEST(Errors, Private2OnAnonIsRefused)
{
    auto f = alloc();
    folio_add_new_anon_rmap(f, anon_mapping);
    expect_refused<full_folio>(f, errc::bad_mapping,
                               [](full_folio& x) { folio_start_private_2(x); });
}

TEST(Errors, PrivateOnAnonAndOnShmem)
{
    auto a = alloc();
    folio_add_new_anon_rmap(a, anon_mapping);
    expect_refused<full_folio>(a, errc::private_on_anon,
                               [](full_folio& x) { folio_attach_private(x); });
    auto s = alloc();
    filemap_add_folio(s, shmem_map);
    expect_refused<full_folio>(s, errc::private_not_used_by_fs,
                               [](full_folio& x) { folio_attach_private(x); });
}

TEST(Errors, FlagsThatCannotCoexist)
{
    auto f = alloc();
    folio_set_flag(f, pg::active);
    expect_refused<full_folio>(f, errc::flags_conflict,
                               [](full_folio& x) { folio_set_flag(x, pg::unevictable); });
    // PG_swapbacked on an ext4 page-cache folio.
    auto e = alloc();
    filemap_add_folio(e, ext4_map);
    expect_refused<full_folio>(e, errc::flags_conflict,
                               [](full_folio& x) { folio_set_flag(x, pg::swapbacked); });
}

TEST(Errors, TypedPagesHaveNoMappingNoLru)
{
    auto slab = alloc(0, 2, page_type::slab);
    expect_refused<full_folio>(slab, errc::typed_page_state,
                               [](full_folio& x) { filemap_add_folio(x, ext4_map); });
    expect_refused<full_folio>(slab, errc::typed_page_state,
                               [](full_folio& x) { folio_set_flag(x, pg::lru); });
    auto huge = alloc(9, 3, page_type::hugetlb);
    expect_refused<full_folio>(huge, errc::typed_page_state,
                               [](full_folio& x) { folio_set_flag(x, pg::lru); });
}

TEST(Errors, FlagsThatCarryAReferenceNeedTheirOperation)
{
    auto f = alloc();
    filemap_add_folio(f, ext4_map);
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { folio_set_flag(x, pg::private_); });
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { folio_set_flag(x, pg::private_2); });
}

TEST(Errors, WrongStateForTheOperation)
{
    auto f = alloc();
    filemap_add_folio(f, ext4_map);
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { filemap_add_folio(x, ext4_map); });
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { folio_detach_private(x); });
    expect_refused<full_folio>(f, errc::bad_mapping,
                               [](full_folio& x) { folio_add_new_anon_rmap(x, ext4_map); });
    folio_add_rmap_ptes(f);
    // Truncation unmaps before removing from the page cache.
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { filemap_remove_folio(x); });
}

TEST(Errors, LedgerMismatchOnRawChange)
{
    auto f = alloc();
    // Setting PG_private through a raw change without its reference.
    expect_refused<full_folio>(f, errc::ledger_mismatch, [](full_folio& x) {
        full_folio::change c{"test"};
        c.set.set(pg::private_);
        x.apply(c);
    });
}

TEST(Errors, PinErrors)
{
    auto f = alloc();
    expect_refused<full_folio>(f, errc::holder_holds_nothing,
                               [](full_folio& x) { unpin_folio(x); });
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { try_grab_folio(x, 1, FOLL_GET | FOLL_PIN); });
    expect_refused<full_folio>(f, errc::wrong_state, [](full_folio& x) {
        try_grab_folio(x, 1, FOLL_GET | FOLL_LONGTERM);
    });
    folio_put(f);
    expect_refused<full_folio>(f, errc::wrong_state,
                               [](full_folio& x) { try_grab_folio(x, 1, FOLL_PIN); });
}

// errc_name knows every code: each has its own name, none falls through to "unknown".
TEST(Errors, EveryCodeHasItsName)
{
    std::set<std::string_view> names;
    for (int i = 0; i <= static_cast<int>(errc::bad_argument); ++i) {
        const std::string_view name = errc_name(static_cast<errc>(i));
        EXPECT_NE(name, "unknown") << i;
        EXPECT_TRUE(names.insert(name).second) << name;
    }
    EXPECT_EQ(errc_name(errc::bad_argument), "bad_argument");
}

} // namespace
} // namespace foliorc::test
