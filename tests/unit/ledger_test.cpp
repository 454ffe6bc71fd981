#include <gtest/gtest.h>

#include "test_support.hpp"

namespace foliorc::test {
namespace {

TEST(Ledger, FreshFolioIsHeldByItsAllocator)
{
    auto f = alloc();
    EXPECT_EQ(f.ref_count(), 1);
    EXPECT_EQ(f.ledger().held(holder::caller), 1);
    EXPECT_EQ(f.ledger().total(), 1);
}

TEST(Ledger, FullLedgerKeepsBatchesApartByKindAndCpu)
{
    auto f = alloc();
    folio_get(f, batch_holder(batch_kind::mlock, 0));
    folio_get(f, batch_holder(batch_kind::mlock, 1));
    folio_get(f, batch_holder(batch_kind::lru_add, 1));
    // 1 allocation + 3 batch entries.
    EXPECT_EQ(f.ref_count(), 4);
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::mlock, 0)), 1);
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::mlock, 1)), 1);
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::lru_add, 0)), 0);
    EXPECT_EQ(f.ledger().held_kind(holder::batch), 3);
    folio_put(f, batch_holder(batch_kind::mlock, 1));
    EXPECT_EQ(f.ledger().held(batch_holder(batch_kind::mlock, 1)), 0);
    EXPECT_EQ(f.ref_count(), f.ledger().total());
}

TEST(Ledger, ByKindPoolsBatchesSoAnyBatchMayPut)
{
    auto f = alloc<kind_folio>();
    folio_get(f, batch_holder(batch_kind::mlock, 3));
    // Pooled: a put "by" another CPU's batch is accepted, since only the kind is recorded.
    folio_put(f, batch_holder(batch_kind::lru_add, 0));
    EXPECT_EQ(f.ledger().held_kind(holder::batch), 0);
    EXPECT_EQ(f.ref_count(), 1);
}

TEST(Ledger, FullLedgerRefusesAPutFromTheWrongCpu)
{
    auto f = alloc();
    folio_get(f, batch_holder(batch_kind::mlock, 3));
    const auto before = f;
    EXPECT_THROW(folio_put(f, batch_holder(batch_kind::mlock, 0)), folio_error);
    EXPECT_TRUE(f.same_state(before));
}

TEST(Ledger, DescribeNamesBatchAndCpu)
{
    EXPECT_EQ(describe(batch_holder(batch_kind::mlock, 1)), "mlock batch on CPU 1");
    EXPECT_EQ(describe(holder::page_cache), "page_cache");
    EXPECT_EQ(describe(holder::private_2), "private_2");
}

TEST(Ledger, ForEachVisitsEveryHolderOnce)
{
    auto f = alloc();
    filemap_add_folio(f, ext4_map);
    folio_attach_private(f);
    folio_get(f);              // a second fault's reference
    folio_add_rmap_ptes(f, 2); // both become the PTEs'
    int sum = 0, holders = 0;
    f.ledger().for_each([&](holder_id, int n) {
        sum += n;
        ++holders;
    });
    // page cache 1 + private 1 + pte 2 = 4, in 3 holders (the caller's went to the PTEs).
    EXPECT_EQ(sum, 4);
    EXPECT_EQ(holders, 3);
    EXPECT_EQ(f.ref_count(), 4);
}

TEST(Ledger, NoLedgerCostsNoSpace)
{
    EXPECT_EQ(sizeof(basic_folio<int, mapping, no_ledger>), sizeof(folio));
    EXPECT_LE(sizeof(folio), 64u);
}

} // namespace
} // namespace foliorc::test
