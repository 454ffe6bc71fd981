#include <gtest/gtest.h>

#include <atomic>

#include "test_support.hpp"

namespace foliorc::test {
namespace {

// A write fault on a locked shmem mapping (docs/kernel.md ("Per-CPU batches", "The pKVM failure") step 1), by hand:
// allocation 1, page cache +1, lru_add batch +1, the rmap makes the fault's reference the PTE's
// (no refcount change), mlock batch +1 = 4.
TEST(Folio, ShmemFaultReferencesAddUp)
{
    auto f = alloc();
    filemap_add_folio(f, shmem_map);                    // 2: caller + page cache
    EXPECT_TRUE(f.test(pg::swapbacked));                // shmem folios are swapbacked
    folio_get(f, batch_holder(batch_kind::lru_add, 0)); // 3
    folio_add_rmap_ptes(f);                             // 3: the caller's reference is the PTE's
    EXPECT_EQ(f.ref_count(), 3);
    EXPECT_EQ(f.ledger().held(holder::caller), 0);
    EXPECT_EQ(f.ledger().held(holder::pte), 1);
    folio_get(f, batch_holder(batch_kind::mlock, 0)); // 4
    EXPECT_EQ(f.ref_count(), 4);
    EXPECT_EQ(f.mapcount(), 1);
    // ...and once both batches are processed: page cache 1 + pte 1 = 2 =
    // folio_expected_ref_count (1 << 0 + 0 + mapcount 1).
    folio_put(f, batch_holder(batch_kind::lru_add, 0));
    folio_put(f, batch_holder(batch_kind::mlock, 0));
    EXPECT_EQ(f.ref_count(), 2);
    EXPECT_EQ(expected_ref_count<rules::latest>(f), 2);
}

TEST(Folio, ShmemWriteoutLeavesOnlyTheSwapCache)
{
    auto f = alloc(2);
    filemap_add_folio(f, shmem_map);
    add_to_swap_cache(f);
    filemap_remove_folio(f);
    folio_put(f);
    // swap cache 1 << 2 = 4; mapping is NULL.
    EXPECT_EQ(f.ref_count(), 4);
    EXPECT_EQ(f.mapping(), nullptr);
    EXPECT_TRUE(folio_test_swapcache(f));
    EXPECT_EQ(folio_mapping(f), mapping_kind::swap);
}

TEST(Folio, Private2TakesAReferenceOnlyWhereTheFilesystemPairsIt)
{
    auto ceph = alloc();
    filemap_add_folio(ceph, ceph_map);
    folio_start_private_2(ceph);
    EXPECT_EQ(ceph.ledger().held(holder::private_2), 1);
    EXPECT_EQ(ceph.ref_count(), 3); // caller + page cache + private_2
    folio_end_private_2(ceph);
    EXPECT_EQ(ceph.ref_count(), 2);

    auto btrfs = alloc();
    filemap_add_folio(btrfs, btrfs_612_map);
    folio_start_private_2(btrfs);
    EXPECT_EQ(btrfs.ledger().held(holder::private_2), 0);
    EXPECT_EQ(btrfs.ref_count(), 2); // caller + page cache
    EXPECT_TRUE(folio_test_private_2(btrfs));
}

TEST(Folio, NewAnonFolioIsSwapbackedAndExclusive)
{
    auto f = alloc();
    folio_add_new_anon_rmap(f, anon_mapping);
    EXPECT_TRUE(f.test(pg::swapbacked));
    EXPECT_TRUE(f.test(pg::anon_exclusive));
    EXPECT_FALSE(folio_test_private_2(f)); // PG_owner_2 is PG_anon_exclusive, not PG_private_2
    EXPECT_TRUE(folio_test_anon(f));
    EXPECT_EQ(f.ref_count(), 1); // the allocation reference is now the PTE's
    EXPECT_EQ(f.ledger().held(holder::pte), 1);
}

TEST(Folio, UncheckedAttributesStructuralHolders)
{
    // A dump's state: file folio, refcount 3, PG_private, mapcount 0: page cache 1 + private 1,
    // and the third reference is unattributed.
    auto f = full_folio::unchecked(
        {.pfn = 0x1727813, .flags = {pg::private_}, .mapping = &ext4_map, .refcount = 3});
    EXPECT_EQ(f.ledger().held(holder::page_cache), 1);
    EXPECT_EQ(f.ledger().held(holder::private_), 1);
    EXPECT_EQ(f.ledger().held(holder::unattributed), 1);
    EXPECT_NO_THROW(f.check());
}

TEST(Folio, UncheckedImpossibleStateFailsCheck)
{
    // Refcount 0 with a mapping: the structural holders need 1, so it all goes to unattributed
    // and check() reports the mismatch.
    auto f = full_folio::unchecked({.mapping = &ext4_map, .refcount = 0});
    EXPECT_THROW(f.check(), folio_error);
}

TEST(Folio, AtomicRefcountRepresentation)
{
    using AF = basic_folio<std::atomic<int>>;
    AF f(AF::state{.pfn = 7});
    folio_get(f, holder::transient);
    EXPECT_EQ(f.ref_count(), 2);
    folio_put(f, holder::transient);
    EXPECT_EQ(f.ref_count(), 1);
    static_assert(!std::is_copy_constructible_v<AF>);
}

TEST(Folio, PlainFolioHasNoLedgerButStillRefusesUnderflow)
{
    folio f(folio::state{});
    folio_put(f);
    EXPECT_EQ(f.ref_count(), 0);
    EXPECT_THROW(folio_put(f), folio_error);
    EXPECT_EQ(f.ref_count(), 0);
}

} // namespace
} // namespace foliorc::test
