// Built as a target: compiling this file is the test. Each expected value is worked out in the
// comment above it from docs/kernel.md ("Expected refcounts") (rule formulas) and 3 (pins), never from a run.
#include <foliorc/foliorc.hpp>

#include "../../examples/private_2_what_if.hpp"

namespace {
using namespace foliorc;
using F = basic_folio<int, mapping, ledger_by_kind>;

constexpr mapping shmem_map = file_mapping(fs::shmem, "memfd");
constexpr mapping ext4_map = file_mapping(fs::ext4);
constexpr mapping ceph_map = file_mapping(fs::ceph);
constexpr mapping btrfs_612_map = file_mapping(fs::btrfs_6_12);
constexpr mapping hugetlbfs_map = file_mapping(fs::hugetlbfs);

constexpr F alloc(unsigned order = 0, page_type t = page_type::none)
{
    return F(F::state{.pfn = 0x1000, .order = order, .type = t});
}

template <rule_set R>
constexpr int exp(const F& f)
{
    return expected_ref_count<R>(f);
}

template <rule_set R>
constexpr int warnings(const F& f)
{
    warning_recorder w;
    expected_ref_count<R>(f, w);
    return w.count;
}

// ---- anon, order 0, in swap cache, mapped once -------------------------------------------
// refs: swap cache 1 + pte 1 = 2 (the allocation reference became the PTE's).
constexpr F anon_swap0 = [] {
    F f = alloc();
    folio_add_new_anon_rmap(f, anon_mapping);
    add_to_swap_cache(f);
    return f;
}();
static_assert(anon_swap0.ref_count() == 2);
// pre_6_0/migrate_6_0: folio_mapping() is the swap space -> 1 + nr(1) + private(0) = 2.
static_assert(exp<rules::pre_6_0>(anon_swap0) == 2);
static_assert(exp<rules::migrate_6_0>(anon_swap0) == 2);
// 6.16+: anon -> swapcache << 0 = 1, + mapcount 1 = 2.
static_assert(exp<rules::v6_16>(anon_swap0) == 2);
static_assert(exp<rules::v6_17>(anon_swap0) == 2);
static_assert(exp<rules::v6_19>(anon_swap0) == 2);
// Same footing: migrate-era 2 - caller 1 + mapcount 1 = 2 = the 6.16 value.
static_assert(expected_without_caller<rules::migrate_6_0>(anon_swap0) == 2);
// Migration (unmapped, isolated): v6_16 2 - mapcount 1 + isolation 1 = 2 = migrate_6_0's 2.
static_assert(migration_expected_refs<rules::v6_16>(anon_swap0) == 2);
static_assert(migration_expected_refs<rules::migrate_6_0>(anon_swap0) == 2);

// ---- anon, order 9, in swap cache, unmapped -----------------------------------------------
constexpr F anon_swap9 = [] {
    F f = alloc(9);
    folio_add_new_anon_rmap(f, anon_mapping);
    add_to_swap_cache(f);
    folio_remove_rmap_ptes(f);       // the PTE's reference passes to the mmu_gather,
    folio_put(f, holder::transient); // which drops it
    return f;
}();
// refs: swap cache 512.
static_assert(anon_swap9.ref_count() == 512);
// migrate era: 1 + 512 = 513.  6.16+: 1 << 9 = 512, mapcount 0.
static_assert(exp<rules::pre_6_0>(anon_swap9) == 513);
static_assert(exp<rules::migrate_6_0>(anon_swap9) == 513);
static_assert(exp<rules::v6_16>(anon_swap9) == 512);
static_assert(exp<rules::v6_17>(anon_swap9) == 512);
static_assert(exp<rules::v6_19>(anon_swap9) == 512);

// ---- shmem folio in swap cache, mapping NULL (after shmem writeout) -------------------------
template <unsigned Order>
constexpr F shmem_in_swapcache()
{
    F f = alloc(Order);
    filemap_add_folio(f, shmem_map);
    add_to_swap_cache(f);
    filemap_remove_folio(f);
    folio_put(f);
    return f;
}
constexpr F shmem_swap0 = shmem_in_swapcache<0>();
constexpr F shmem_swap4 = shmem_in_swapcache<4>();
static_assert(shmem_swap0.ref_count() == 1 && shmem_swap4.ref_count() == 16);
static_assert(shmem_swap0.mapping() == nullptr);
// migrate era: folio_mapping() is the swap space -> 1 + 1 = 2 (order 4: 1 + 16 = 17).
static_assert(exp<rules::pre_6_0>(shmem_swap0) == 2);
static_assert(exp<rules::migrate_6_0>(shmem_swap4) == 17);
// v6_16/v6_17: not anon, mapping NULL -> 0 << order + 0 = 0: the bug f183663901f2 fixed.
static_assert(exp<rules::v6_16>(shmem_swap0) == 0);
static_assert(exp<rules::v6_17>(shmem_swap4) == 0);
// v6_19: swapcache << order for every folio -> 1 (order 4: 16).
static_assert(exp<rules::v6_19>(shmem_swap0) == 1);
static_assert(exp<rules::v6_19>(shmem_swap4) == 16);

// ---- file folio with PG_private (ext4 buffer heads) ------------------------------------------
constexpr F ext4_private = [] {
    F f = alloc();
    filemap_add_folio(f, ext4_map);
    folio_attach_private(f);
    folio_add_rmap_ptes(f);
    return f;
}();
// refs: page cache 1 + private 1 + pte 1 = 3.
static_assert(ext4_private.ref_count() == 3);
// migrate era: 1 + nr 1 + PG_private 1 = 3 (mapcount not counted).
static_assert(exp<rules::pre_6_0>(ext4_private) == 3);
static_assert(exp<rules::migrate_6_0>(ext4_private) == 3);
// 6.16+: (mapping != NULL) << 0 = 1, + PG_private 1, + mapcount 1 = 3.
static_assert(exp<rules::v6_16>(ext4_private) == 3);
static_assert(exp<rules::v6_19>(ext4_private) == 3);
// Migration threshold: v6_16 3 - mapcount 1 + isolation 1 = 3 = migrate_6_0's 3.
static_assert(migration_expected_refs<rules::v6_16>(ext4_private) == 3);

// order 2, unmapped: migrate era 1 + 4 + 1 = 6; 6.16+ 4 + 1 = 5.
constexpr F ext4_private2 = [] {
    F f = alloc(2);
    filemap_add_folio(f, ext4_map);
    folio_attach_private(f);
    folio_put(f);
    return f;
}();
static_assert(exp<rules::migrate_6_0>(ext4_private2) == 6);
static_assert(exp<rules::v6_17>(ext4_private2) == 5);

// ---- PG_private_2 with its reference (ceph) ---------------------------------------------------
constexpr F ceph_p2 = [] {
    F f = alloc();
    filemap_add_folio(f, ceph_map);
    folio_start_private_2(f);
    folio_put(f);
    return f;
}();
// refs: page cache 1 + private_2 1 = 2.
static_assert(ceph_p2.ref_count() == 2);
// pre_6_0 counts page_has_private (PG_private || PG_private_2): 1 + 1 + 1 = 3, i.e. 2 without the
// caller, which matches the folio.
static_assert(exp<rules::pre_6_0>(ceph_p2) == 3);
static_assert(expected_without_caller<rules::pre_6_0>(ceph_p2) == ceph_p2.ref_count());
// 108ca8358139 narrowed it to PG_private: 1 + 1 + 0 = 2, i.e. 1 without the caller.
static_assert(exp<rules::migrate_6_0>(ceph_p2) == 2);
// 6.16+: 1 << 0 + PG_private 0 + mapcount 0 = 1: one reference short, on purpose (section 6).
static_assert(exp<rules::v6_16>(ceph_p2) == 1);
static_assert(exp<rules::v6_17>(ceph_p2) == 1);
static_assert(exp<rules::v6_19>(ceph_p2) == 1);

// ---- PG_private_2 without a reference (btrfs <= 6.12), with PG_private --------------------------
constexpr F btrfs_p2 = [] {
    F f = alloc();
    filemap_add_folio(f, btrfs_612_map);
    folio_attach_private(f);
    folio_start_private_2(f);
    folio_put(f);
    return f;
}();
// refs: page cache 1 + private 1 = 2 (PG_private_2 took none).
static_assert(btrfs_p2.ref_count() == 2);
// pre_6_0: 1 + 1 + has_private 1 = 3; migrate_6_0: 1 + 1 + 1 = 3; 6.16+: 1 + 1 = 2. All match.
static_assert(exp<rules::pre_6_0>(btrfs_p2) == 3);
static_assert(exp<rules::migrate_6_0>(btrfs_p2) == 3);
static_assert(exp<rules::v6_16>(btrfs_p2) == 2);
static_assert(exp<rules::v6_19>(btrfs_p2) == 2);

// ---- slab ----------------------------------------------------------------------------------
constexpr F slab = alloc(0, page_type::slab);
// 6.16+: WARN_ON_ONCE and 0.  Migrate era: folio_mapping(slab) is NULL -> 1, no warning.
static_assert(exp<rules::v6_16>(slab) == 0 && warnings<rules::v6_16>(slab) == 1);
static_assert(exp<rules::v6_17>(slab) == 0 && warnings<rules::v6_17>(slab) == 1);
static_assert(exp<rules::v6_19>(slab) == 0 && warnings<rules::v6_19>(slab) == 1);
static_assert(exp<rules::migrate_6_0>(slab) == 1 && warnings<rules::migrate_6_0>(slab) == 0);

// ---- hugetlb, order 9, hugetlbfs, mapped once ------------------------------------------------
constexpr F huge = [] {
    F f = alloc(9, page_type::hugetlb);
    filemap_add_folio(f, hugetlbfs_map);
    folio_add_rmap_ptes(f);
    return f;
}();
// refs: page cache 512 + pte 1 = 513.  Every 6.16+ set: 1 << 9 + 0 + mapcount 1 = 513, and the
// typed-page guard exempts hugetlb, so no warning. Migrate era: 1 + 512 = 513.
static_assert(huge.ref_count() == 513);
static_assert(exp<rules::v6_16>(huge) == 513 && warnings<rules::v6_16>(huge) == 0);
static_assert(exp<rules::v6_17>(huge) == 513 && warnings<rules::v6_17>(huge) == 0);
static_assert(exp<rules::v6_19>(huge) == 513 && warnings<rules::v6_19>(huge) == 0);
static_assert(exp<rules::pre_6_0>(huge) == 513);

// ---- another typed page: zsmalloc with a movable_ops mapping (as before 6.17) ------------------
constexpr F zs = [] {
    F f = alloc(0, page_type::zsmalloc);
    folio_set_movable_ops(f);
    return f;
}();
// v6_16: only slab is refused; not anon; tagged pointer -> skip; + mapcount 0 = 0, no warning.
// v6_17: typed and not hugetlb -> WARN_ON_ONCE, 0. Same value, different verdict.
static_assert(exp<rules::v6_16>(zs) == 0 && warnings<rules::v6_16>(zs) == 0);
static_assert(exp<rules::v6_17>(zs) == 0 && warnings<rules::v6_17>(zs) == 1);

// ---- tagged mapping on an untyped folio (movable_ops, e.g. a balloon page) -------------------
constexpr F movable = [] {
    F f = alloc();
    folio_set_movable_ops(f);
    return f;
}();
// v6_16: tagged -> the mapping term is skipped: 0.  v6_17 dropped the tag test:
// (mapping != NULL) << 0 = 1.  Migrate era: folio_mapping() of a tagged pointer is NULL -> 1.
static_assert(exp<rules::v6_16>(movable) == 0);
static_assert(exp<rules::v6_17>(movable) == 1);
static_assert(exp<rules::migrate_6_0>(movable) == 1);

// ---- anon, not in swap cache, mapped 3 times -------------------------------------------------
constexpr F anon3 = [] {
    F f = alloc();
    folio_ref_add(f, holder::caller, 2); // one reference per PTE, the rmap takes them over
    folio_add_new_anon_rmap(f, anon_mapping, 3);
    return f;
}();
// migrate era: folio_mapping() NULL -> 1 (caller only).  6.16+: 0 + mapcount 3 = 3.
static_assert(exp<rules::migrate_6_0>(anon3) == 1);
static_assert(exp<rules::v6_16>(anon3) == 3);
static_assert(expected_without_caller<rules::migrate_6_0>(anon3) == 3);

// ---- PG_owner_2 on anon is PG_anon_exclusive, never PG_private_2 -----------------------------
static_assert(anon3.test(pg::anon_exclusive) && !folio_test_private_2(anon3));
static_assert(folio_test_private_2(ceph_p2));

// ---- pins (docs/kernel.md ("Pins")) ------------------------------------------------------------------
// order 0: one pin adds GUP_PIN_COUNTING_BIAS = 1024; order 9: one per pinned page.
static_assert(pin_refs(alloc(0)) == 1024);
static_assert(pin_refs(alloc(9), 3) == 3);
constexpr F pinned_anon = [] {
    F f = alloc();
    folio_add_new_anon_rmap(f, anon_mapping);
    try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
    return f;
}();
// refcount 1 (pte) + 1024 = 1025, as in the gup_test dump (docs/kernel.md ("dump_page output"), Ex8).
static_assert(pinned_anon.ref_count() == 1025 && folio_maybe_dma_pinned(pinned_anon));
// 1024 FOLL_GET references on a small folio read as pinned too: the documented false positive.
constexpr F many_gets = [] {
    F f = alloc();
    try_grab_folio(f, 1023, FOLL_GET);
    return f;
}();
static_assert(many_gets.ref_count() == 1024 && folio_maybe_dma_pinned(many_gets));
// A large folio has an exact pincount: 1023 FOLL_GETs do not make it pinned.
constexpr F large_gets = [] {
    F f = alloc(4);
    try_grab_folio(f, 1023, FOLL_GET);
    return f;
}();
static_assert(!folio_maybe_dma_pinned(large_gets));

// ---- a user-defined rule set: Hugh's NAK'd v1 1/7, folio_has_private (PG_private or
// PG_private_2) in place of PG_private (docs/kernel.md ("Expected refcounts")) ------------------------------------
static_assert(rule_set<private_2_what_if>);
// ceph with PG_private_2 only: 1 << 0 + has_private 1 = 2 = its refcount (page cache + private_2).
static_assert(exp<private_2_what_if>(ceph_p2) == 2 && ceph_p2.ref_count() == 2);
// btrfs <= 6.12 with both flags but one reference: has_private still 1, so 1 + 1 = 2, matching.
static_assert(exp<private_2_what_if>(btrfs_p2) == 2);
// Where PG_private_2 is absent it agrees with v6_19.
static_assert(exp<private_2_what_if>(ext4_private) == exp<rules::v6_19>(ext4_private));

// ---- rule-set metadata is there at compile time ------------------------------------------------
static_assert(rules::v6_16::commit == "86ebd50224c0");
static_assert(rules::v6_19::commit == "f183663901f2");
static_assert(rules::migrate_6_0::commit == "108ca8358139");
static_assert(std::is_same_v<rules::latest, rules::v6_19>);
static_assert(kernel_rule_sets::size == 5);

// ---- the hot part of a folio without a ledger fits the kernel's first cache line -------------
static_assert(sizeof(folio) <= 64);
static_assert(sizeof(folio) == 32); // what collect_bench streams
static_assert(sizeof(basic_folio<int, mapping, ledger_by_kind>) > sizeof(folio));
} // namespace

namespace {
using namespace foliorc;
// ---- 6.1.y: slab is a flag there, so the typed-page guard lets a slab folio through ----------
// An order-0 slab folio, no mapping, mapcount 0: 6.12+ refuse it (0, WARN); 6.1.192's
// page_has_type() is false for slab, so: swapcache 0 + (!anon: !!mapping 0 << 0 + private 0)
// + mapcount 0 = 0, and no WARN.
constexpr basic_folio<int> slab0 = basic_folio<int>::unchecked({.pfn = 5, .type = page_type::slab});
constexpr int warns_6_1 = [] {
    warning_recorder w;
    expected_ref_count<rules::v6_1_stable>(slab0, w);
    return w.count;
}();
static_assert(expected_ref_count<rules::v6_1_stable>(slab0) == 0 && warns_6_1 == 0,
              "6.1.192: a slab folio is not a typed page there");
// A buddy page is typed in 6.1 as well: refused with the WARN.
constexpr basic_folio<int> buddy0 =
    basic_folio<int>::unchecked({.pfn = 6, .type = page_type::buddy});
constexpr int warns_buddy = [] {
    warning_recorder w;
    expected_ref_count<rules::v6_1_stable>(buddy0, w);
    return w.count;
}();
static_assert(warns_buddy == 1, "6.1.192: buddy is a page type, WARN_ON_ONCE fires");
} // namespace
