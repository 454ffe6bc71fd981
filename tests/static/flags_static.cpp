// Page flags: the bit of every identity in each era's enum pageflags, checked against the
// kernel's own enum (6.1.192 and 6.12.117 from Debian's linux-source packages, counted by hand
// from include/linux/page-flags.h; 6.14+ from docs/kernel.md ("dump_page output")). Building this file
// is the test.
#include <foliorc/flags.hpp>
#include <foliorc/folio.hpp>
#include <foliorc/folio_traits.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/rules.hpp>

namespace {
using namespace foliorc;

constexpr bool bit_is(const flag_layout& l, pg f, unsigned b)
{
    return l.bit(f) && *l.bit(f) == b;
}
constexpr bool absent(const flag_layout& l, pg f)
{
    return !l.bit(f).has_value();
}

// ---- aliases: one identity, several kernel names --------------------------------------------
static_assert(pg::private_2 != pg::owner_2, "PG_private_2 is a bit of its own, not PG_owner_2");
static_assert(pg::fscache == pg::private_2, "PG_fscache = PG_private_2");
static_assert(pg::anon_exclusive == pg::owner_2 && pg::mappedtodisk == pg::owner_2,
              "PG_anon_exclusive = PG_mappedtodisk = PG_owner_2");
static_assert(pg::swapcache == pg::owner_priv_1 && pg::checked == pg::owner_priv_1,
              "PG_swapcache = PG_checked = PG_owner_priv_1");
static_assert(pg::readahead == pg::reclaim, "PG_readahead = PG_reclaim");
static_assert(parse_pg("mappedtodisk") == pg::owner_2 && parse_pg("owner_2") == pg::owner_2,
              "both names of PG_owner_2 parse");
static_assert(parse_pg("private_2") == pg::private_2 && parse_pg("fscache") == pg::private_2,
              "both names of PG_private_2 parse");
static_assert(parse_pg("error") == pg::error && parse_pg("slab") == pg::slab,
              "flags of older eras parse");
static_assert(parse_pg("swapcache") == pg::owner_priv_1, "PG_swapcache parses to its bit");
static_assert(!parse_pg("no_such_flag"), "unknown names give nullopt");
static_assert(pg_name(pg::private_2) == "private_2" && pg_name(pg::owner_2) == "owner_2",
              "%pGp names of 6.12");

// ---- 6.1.192: enum pageflags with Debian's amd64 config ---------------------------------------
// PG_locked 0, referenced 1, uptodate 2, dirty 3, lru 4, active 5, workingset 6, waiters 7,
// error 8, slab 9, owner_priv_1 10, arch_1 11, reserved 12, private 13, private_2 14,
// writeback 15, head 16, mappedtodisk 17, reclaim 18, swapbacked 19, unevictable 20,
// mlocked 21 (MMU), uncached 22 (X86_PAT), hwpoison 23 (MEMORY_FAILURE), arch_2 24 (64BIT);
// no PAGE_IDLE_FLAG, no KASAN_HW_TAGS: __NR_PAGEFLAGS 25.
constexpr const flag_layout& l61 = flag_layouts::v6_1;
static_assert(bit_is(l61, pg::locked, 0) && bit_is(l61, pg::referenced, 1) &&
                  bit_is(l61, pg::uptodate, 2) && bit_is(l61, pg::dirty, 3) &&
                  bit_is(l61, pg::lru, 4) && bit_is(l61, pg::active, 5) &&
                  bit_is(l61, pg::workingset, 6) && bit_is(l61, pg::waiters, 7) &&
                  bit_is(l61, pg::error, 8) && bit_is(l61, pg::slab, 9),
              "6.1 bits 0-9");
static_assert(bit_is(l61, pg::owner_priv_1, 10) && bit_is(l61, pg::arch_1, 11) &&
                  bit_is(l61, pg::reserved, 12) && bit_is(l61, pg::private_, 13) &&
                  bit_is(l61, pg::private_2, 14) && bit_is(l61, pg::writeback, 15) &&
                  bit_is(l61, pg::head, 16) && bit_is(l61, pg::mappedtodisk, 17) &&
                  bit_is(l61, pg::reclaim, 18) && bit_is(l61, pg::swapbacked, 19),
              "6.1 bits 10-19");
static_assert(bit_is(l61, pg::unevictable, 20) && bit_is(l61, pg::mlocked, 21) &&
                  bit_is(l61, pg::uncached, 22) && bit_is(l61, pg::hwpoison, 23) &&
                  bit_is(l61, pg::arch_2, 24) && l61.nr_pageflags() == 25,
              "6.1 bits 20-24 and __NR_PAGEFLAGS");
static_assert(absent(l61, pg::dropbehind) && absent(l61, pg::young) && absent(l61, pg::idle) &&
                  absent(l61, pg::arch_3) && absent(l61, pg::skip_kasan_poison),
              "6.1 has no dropbehind, page-idle, arch_3 or skip_kasan_poison bit here");

// ---- 6.12.117 ---------------------------------------------------------------------------------
// PG_locked 0, writeback 1, referenced 2, uptodate 3, dirty 4, lru 5, head 6, waiters 7,
// active 8, workingset 9, owner_priv_1 10, owner_2 11, arch_1 12, reserved 13, private 14,
// private_2 15, reclaim 16, swapbacked 17, unevictable 18, mlocked 19, hwpoison 20, young 21,
// idle 22 (PAGE_IDLE_FLAG), arch_2 23 (ARCH_USES_PG_ARCH_2): __NR_PAGEFLAGS 24.
constexpr const flag_layout& l612 = flag_layouts::v6_12;
static_assert(bit_is(l612, pg::locked, 0) && bit_is(l612, pg::writeback, 1) &&
                  bit_is(l612, pg::referenced, 2) && bit_is(l612, pg::uptodate, 3) &&
                  bit_is(l612, pg::dirty, 4) && bit_is(l612, pg::lru, 5) &&
                  bit_is(l612, pg::head, 6) && bit_is(l612, pg::waiters, 7) &&
                  bit_is(l612, pg::active, 8) && bit_is(l612, pg::workingset, 9),
              "6.12 bits 0-9");
static_assert(bit_is(l612, pg::owner_priv_1, 10) && bit_is(l612, pg::owner_2, 11) &&
                  bit_is(l612, pg::arch_1, 12) && bit_is(l612, pg::reserved, 13) &&
                  bit_is(l612, pg::private_, 14) && bit_is(l612, pg::private_2, 15) &&
                  bit_is(l612, pg::reclaim, 16) && bit_is(l612, pg::swapbacked, 17) &&
                  bit_is(l612, pg::unevictable, 18) && bit_is(l612, pg::mlocked, 19),
              "6.12 bits 10-19");
static_assert(bit_is(l612, pg::hwpoison, 20) && bit_is(l612, pg::young, 21) &&
                  bit_is(l612, pg::idle, 22) && bit_is(l612, pg::arch_2, 23) &&
                  l612.nr_pageflags() == 24,
              "6.12 bits 20-23 and __NR_PAGEFLAGS");
static_assert(absent(l612, pg::error) && absent(l612, pg::slab) && absent(l612, pg::uncached) &&
                  absent(l612, pg::dropbehind),
              "6.12 has no PG_error, PG_slab, PG_uncached or PG_dropbehind");

// ---- 6.14+: PG_dropbehind 19 pushes PG_mlocked to 20 -----------------------------------------
constexpr const flag_layout& l614 = flag_layouts::v6_14;
static_assert(bit_is(l614, pg::unevictable, 18) && bit_is(l614, pg::dropbehind, 19) &&
                  bit_is(l614, pg::mlocked, 20),
              "6.14: dropbehind 19, mlocked 20");

// ---- decoding a raw flags word ----------------------------------------------------------------
// Ex2 of docs/kernel.md ("dump_page output") (a 6.x block-device page): 0x17ffffc000206a with the names
// referenced|dirty|active|workingset|private. Under 6.1's layout: 0x206a = bits 1, 3, 5, 6, 13
// = referenced, dirty, active, workingset, private; the bits from 25 up are node/zone/cpupid.
static_assert(l61.decode(0x17ffffc000206aull) ==
                  flag_set{pg::referenced, pg::dirty, pg::active, pg::workingset, pg::private_},
              "decode of a 6.1-layout flags word");
// Ex7 (5.x anon page): 0x17ffe0000080036 = referenced|uptodate|lru|active|swapbacked: 0x80036 =
// bits 1, 2, 4, 5, 19.
static_assert(l61.decode(0x17ffe0000080036ull) ==
                  flag_set{pg::referenced, pg::uptodate, pg::lru, pg::active, pg::swapbacked},
              "decode of a 5.x-layout flags word");
// 6.12: owner_2 (bit 11) and private_2 (bit 15) are different bits: 0x800 | 0x8000.
static_assert(l612.decode(0x8800) == flag_set{pg::owner_2, pg::private_2},
              "owner_2 and private_2 both survive a 6.12 decode");
static_assert(l612.encode(flag_set{pg::owner_2, pg::private_2}) == 0x8800,
              "encode is decode's inverse on known bits");
static_assert(l612.encode(flag_set{pg::slab}) == 0, "an identity the era lacks encodes to nothing");

// ---- the rules read PG_private_2, never PG_owner_2 --------------------------------------------
// A buffer-head page-cache folio with PG_mappedtodisk and PG_private, unmapped, refcount 3
// (page cache, private, caller). pre_6_0: 1 + (1 + has_private) = 3 whether or not owner_2 is
// set; with PG_private_2 instead of PG_private it is also 3 (page_has_private counts either).
constexpr mapping ext4 = file_mapping(fs::ext4);
constexpr basic_folio<int> mapped_to_disk = [] {
    folio_state<mapping> s{
        .pfn = 1, .flags = {pg::private_, pg::mappedtodisk}, .mapping = &ext4, .refcount = 3};
    return basic_folio<int>::unchecked(s);
}();
static_assert(!folio_test_private_2(mapped_to_disk), "PG_mappedtodisk is not PG_private_2");
static_assert(expected_ref_count<rules::pre_6_0>(mapped_to_disk) == 3,
              "pre_6_0: 1 + nr_pages 1 + PG_private 1; PG_mappedtodisk adds nothing");
} // namespace

namespace {
using namespace foliorc;
// ---- the eras between, from the patches (docs/kernel.md, "Page flags") -----------------------
// 6.2 - 6.5: 6.1's order, but no PG_arch_2 on x86: __NR_PAGEFLAGS 24 (0-23: ... mlocked 21,
// uncached 22, hwpoison 23).
static_assert(flag_layouts::v6_2.nr_pageflags() == 24 && !flag_layouts::v6_2.bit(pg::arch_2),
              "6.2: PG_arch_2 moved under ARCH_USES_PG_ARCH_X, which x86 does not select");
// 6.6 (c704ae979784): writeback 1, head 6, active 8, error 10, slab 11, mappedtodisk 17.
static_assert(*flag_layouts::v6_6.bit(pg::writeback) == 1 &&
                  *flag_layouts::v6_6.bit(pg::head) == 6 &&
                  *flag_layouts::v6_6.bit(pg::error) == 10 &&
                  *flag_layouts::v6_6.bit(pg::slab) == 11 &&
                  *flag_layouts::v6_6.bit(pg::mappedtodisk) == 17,
              "6.6: mm: rearrange page flags");
// 6.10: no PG_slab, so owner_priv_1 11, mappedtodisk 16, mlocked 20.
static_assert(!flag_layouts::v6_10.bit(pg::slab) &&
                  *flag_layouts::v6_10.bit(pg::owner_priv_1) == 11 &&
                  *flag_layouts::v6_10.bit(pg::mappedtodisk) == 16 &&
                  *flag_layouts::v6_10.bit(pg::mlocked) == 20,
              "6.10: PG_slab gone");
// 6.11: no PG_error, so owner_priv_1 10, mappedtodisk 15, mlocked 19.
static_assert(!flag_layouts::v6_11.bit(pg::error) &&
                  *flag_layouts::v6_11.bit(pg::owner_priv_1) == 10 &&
                  *flag_layouts::v6_11.bit(pg::mappedtodisk) == 15 &&
                  *flag_layouts::v6_11.bit(pg::mlocked) == 19,
              "6.11: PG_error gone");
static_assert(&flag_layouts::for_kernel("6.12.117") == &flag_layouts::v6_12 &&
                  &flag_layouts::for_kernel("v6.8") == &flag_layouts::v6_6 &&
                  &flag_layouts::for_kernel("6.1.192") == &flag_layouts::v6_1 &&
                  &flag_layouts::for_kernel("6.19") == &flag_layouts::v6_14 &&
                  &flag_layouts::for_kernel("5.19") == &flag_layouts::v5_18,
              "for_kernel picks the era");
} // namespace

namespace {
using namespace foliorc;
constexpr bool print_order_is_a_permutation()
{
    flag_set seen;
    for (pg f : pageflag_print_order) {
        if (seen.test(f))
            return false;
        seen.set(f);
    }
    return seen == flag_set::from_bits(0xffffffffu);
}
static_assert(print_order_is_a_permutation(), "every flag is printed exactly once");
// __def_pageflag_names (6.12.117): locked, waiters, referenced, ... lru before active.
static_assert(pageflag_print_order[0] == pg::locked && pageflag_print_order[1] == pg::waiters,
              "show_page_flags starts with locked, waiters");
} // namespace
