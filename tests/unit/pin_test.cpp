#include <gtest/gtest.h>

#include "test_support.hpp"

namespace foliorc::test {
namespace {

TEST(Pins, SmallFolioPinAddsTheBias)
{
    auto f = alloc();
    folio_add_new_anon_rmap(f, anon_mapping);
    try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
    // pte 1 + GUP_PIN_COUNTING_BIAS 1024 = 1025 (the gup_test dump, docs/kernel.md ("dump_page output") Ex8).
    EXPECT_EQ(f.ref_count(), 1025);
    EXPECT_EQ(f.pincount(), 0); // no _pincount on order 0
    EXPECT_TRUE(folio_maybe_dma_pinned(f));
    unpin_folio(f);
    EXPECT_EQ(f.ref_count(), 1);
    EXPECT_FALSE(folio_maybe_dma_pinned(f));
}

TEST(Pins, LargeFolioCountsPagesInPincount)
{
    auto f = alloc(9);
    folio_add_new_anon_rmap(f, anon_mapping);
    try_grab_folio(f, 3, FOLL_PIN);
    // pte 1 + 3 pinned pages = 4; _pincount 3.
    EXPECT_EQ(f.ref_count(), 4);
    EXPECT_EQ(f.pincount(), 3);
    EXPECT_TRUE(folio_maybe_dma_pinned(f));
    gup_put_folio(f, 3, FOLL_PIN);
    EXPECT_EQ(f.pincount(), 0);
    EXPECT_FALSE(folio_maybe_dma_pinned(f));
}

TEST(Pins, FollGetIsAnOrdinaryReference)
{
    auto f = alloc();
    try_grab_folio(f, 2, FOLL_GET);
    EXPECT_EQ(f.ref_count(), 3);
    EXPECT_EQ(f.ledger().held(holder::foll_get), 2);
    EXPECT_FALSE(folio_maybe_dma_pinned(f));
    gup_put_folio(f, 2, FOLL_GET);
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Pins, ManyGetsOnASmallFolioLookPinned)
{
    auto f = alloc();
    try_grab_folio(f, 1023, FOLL_GET); // 1024 references, none a pin
    EXPECT_TRUE(folio_maybe_dma_pinned(f)) << "documented false positive";
    auto large = alloc(1);
    try_grab_folio(large, 1023, FOLL_GET);
    EXPECT_FALSE(folio_maybe_dma_pinned(large)) << "large folios are exact";
}

TEST(Pins, PinRefsIsThisCallsContribution)
{
    EXPECT_EQ(pin_refs(alloc(0)), 1024);
    EXPECT_EQ(pin_refs(alloc(0), 2), 2048);
    EXPECT_EQ(pin_refs(alloc(4), 16), 16);
}

TEST(Pins, UnpinOfASmallFolioNeedsAWholeBias)
{
    auto f = alloc();
    try_grab_folio(f, 1023, FOLL_GET);
    // 1024 references, but no pin: unpin must be refused by the ledger.
    EXPECT_THROW(unpin_folio(f), folio_error);
    EXPECT_EQ(f.ref_count(), 1024);
}

} // namespace
} // namespace foliorc::test
