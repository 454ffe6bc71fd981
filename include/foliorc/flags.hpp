// foliorc/flags.hpp — vocabulary: page flags with kernel names, a constexpr flag set, the
// aliases that give one bit several names, and the bit layout of enum pageflags in each era, so
// that a raw folio->flags word can be decoded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI {

// A page flag's identity. The first block is enum pageflags of 6.14+ in its order; the second
// holds the flags that exist only in some eras or configurations. Which bit an identity has is
// the era's business: see flag_layout below. Aliases are the kernel's own (page-flags.h).
enum class pg : std::uint8_t {
    locked,
    writeback,
    referenced,
    uptodate,
    dirty,
    lru,
    head,
    waiters,
    active,
    workingset,
    owner_priv_1,
    owner_2, // PG_mappedtodisk until 6.12 renamed it
    arch_1,
    reserved,
    private_,
    private_2, // its own bit in every era (PG_fscache)
    reclaim,
    swapbacked,
    unevictable,
    dropbehind, // 6.14+
    mlocked,
    // Config-dependent or historical.
    uncached,          // CONFIG_ARCH_USES_PG_UNCACHED (x86 PAT), until 6.x removed it
    hwpoison,          // CONFIG_MEMORY_FAILURE
    young,             // CONFIG_PAGE_IDLE_FLAG && 64BIT
    idle,              // CONFIG_PAGE_IDLE_FLAG && 64BIT
    arch_2,            // 64BIT (5.x, 6.1), later CONFIG_ARCH_USES_PG_ARCH_2
    arch_3,            // CONFIG_ARCH_USES_PG_ARCH_3
    skip_kasan_poison, // CONFIG_KASAN_HW_TAGS (5.x - 6.x)
    error,             // PG_error, removed in the 6.1x series
    slab,              // PG_slab, before slab became a page type
    // Aliases (same identity, as in the kernel).
    swapcache = owner_priv_1, // on a swapbacked folio (folio_test_swapcache)
    checked = owner_priv_1,   // on a page-cache folio
    anon_exclusive = owner_2, // on an anon folio
    mappedtodisk = owner_2,   // on a page-cache folio of a buffer-head filesystem
    fscache = private_2,
    readahead = reclaim,
    isolated = reclaim, // non-LRU movable pages, older kernels
};

inline constexpr std::size_t pg_count = static_cast<std::size_t>(pg::slab) + 1;

namespace detail {
// The names %pGp prints (include/trace/events/mmflags.h); owner_2 printed "mappedtodisk" before
// 6.12.
inline constexpr std::array<std::string_view, pg_count> pg_names{
    "locked",      "writeback",  "referenced", "uptodate",          "dirty",        "lru",
    "head",        "waiters",    "active",     "workingset",        "owner_priv_1", "owner_2",
    "arch_1",      "reserved",   "private",    "private_2",         "reclaim",      "swapbacked",
    "unevictable", "dropbehind", "mlocked",    "uncached",          "hwpoison",     "young",
    "idle",        "arch_2",     "arch_3",     "skip_kasan_poison", "error",        "slab",
};

struct pg_alias {
    std::string_view name;
    pg flag;
};
// Names other eras printed, or the kernel's alias names (PG_xxx = PG_yyy after __NR_PAGEFLAGS).
inline constexpr std::array<pg_alias, 10> pg_aliases{{
    {"mappedtodisk", pg::owner_2},
    {"anon_exclusive", pg::owner_2},
    {"swapcache", pg::owner_priv_1},
    {"checked", pg::owner_priv_1},
    {"fscache", pg::private_2},
    {"readahead", pg::reclaim},
    {"isolated", pg::reclaim},
    {"pinned", pg::owner_priv_1},  // Xen
    {"foreign", pg::owner_priv_1}, // Xen
    {"reported", pg::uptodate},    // free page reporting
}};
} // namespace detail

// The name the kernel's %pGp format prints for the flag (6.12+ names).
[[nodiscard]] constexpr std::string_view pg_name(pg f) noexcept
{
    return detail::pg_names[static_cast<std::size_t>(f)];
}

// Parses a flag name as any era's dump_page printed it, or a kernel alias name (mappedtodisk,
// owner_2, private_2, fscache, swapcache, error, slab, ...). Unknown names give nullopt.
[[nodiscard]] constexpr std::optional<pg> parse_pg(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < pg_count; ++i)
        if (detail::pg_names[i] == name)
            return static_cast<pg>(i);
    for (const auto& a : detail::pg_aliases)
        if (a.name == name)
            return a.flag;
    return std::nullopt;
}

// A set of page flags, one bit per identity (not per kernel bit: see flag_layout).
class flag_set {
public:
    constexpr flag_set() noexcept = default;
    constexpr flag_set(std::initializer_list<pg> flags) noexcept
    {
        for (pg f : flags)
            bits_ |= bit(f);
    }
    // From a mask of identities (bit i = pg(i)); not a kernel flags word (flag_layout::decode).
    static constexpr flag_set from_bits(std::uint32_t bits) noexcept
    {
        flag_set s;
        s.bits_ = bits & all_bits;
        return s;
    }

    [[nodiscard]] constexpr bool test(pg f) const noexcept { return (bits_ & bit(f)) != 0; }
    constexpr flag_set& set(pg f) noexcept
    {
        bits_ |= bit(f);
        return *this;
    }
    constexpr flag_set& clear(pg f) noexcept
    {
        bits_ &= ~bit(f);
        return *this;
    }
    constexpr flag_set& set(pg f, bool on) noexcept { return on ? set(f) : clear(f); }
    [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    [[nodiscard]] constexpr bool contains(flag_set o) const noexcept
    {
        return (bits_ & o.bits_) == o.bits_;
    }

    constexpr flag_set operator|(flag_set o) const noexcept { return from_bits(bits_ | o.bits_); }
    constexpr flag_set operator&(flag_set o) const noexcept { return from_bits(bits_ & o.bits_); }
    constexpr flag_set operator-(flag_set o) const noexcept { return from_bits(bits_ & ~o.bits_); }
    friend constexpr bool operator==(flag_set, flag_set) noexcept = default;

    // Calls fn(pg) for each set flag, in identity order.
    template <class Fn>
    constexpr void for_each(Fn&& fn) const
    {
        for (std::size_t i = 0; i < pg_count; ++i)
            if (bits_ & (1u << i))
                fn(static_cast<pg>(i));
    }

private:
    static constexpr std::uint32_t bit(pg f) noexcept { return 1u << static_cast<unsigned>(f); }
    static constexpr std::uint32_t all_bits = (1u << pg_count) - 1;
    static_assert(pg_count <= 32, "flag_set keeps one bit per pg identity in 32 bits");
    std::uint32_t bits_ = 0;
};

// PG_swapcache is PG_owner_priv_1 only on a swapbacked folio (folio_test_swapcache).
constexpr bool swapcache_bit(flag_set flags) noexcept
{
    return flags.test(pg::owner_priv_1) && flags.test(pg::swapbacked);
}

// PG_owner_2 is PG_anon_exclusive on an anon folio (PG_mappedtodisk on a page-cache one).
constexpr bool anon_exclusive_bit(flag_set flags, bool anon) noexcept
{
    return anon && flags.test(pg::owner_2);
}

// The order in which %pGp and show_page_flags print names: __def_pageflag_names of
// include/trace/events/mmflags.h (6.12.117; flags of other eras where they stood).
inline constexpr std::array<pg, pg_count> pageflag_print_order{
    pg::locked,       pg::waiters,    pg::error,   pg::referenced, pg::uptodate,
    pg::dirty,        pg::lru,        pg::active,  pg::workingset, pg::slab,
    pg::owner_priv_1, pg::owner_2,    pg::arch_1,  pg::reserved,   pg::private_,
    pg::private_2,    pg::writeback,  pg::head,    pg::reclaim,    pg::swapbacked,
    pg::unevictable,  pg::dropbehind, pg::mlocked, pg::uncached,   pg::hwpoison,
    pg::idle,         pg::young,      pg::arch_2,  pg::arch_3,     pg::skip_kasan_poison,
};

// Calls fn(name) for each set flag in print order, as show_page_flags lists them.
template <class Fn>
constexpr void for_each_printed_flag(flag_set s, Fn&& fn)
{
    for (pg f : pageflag_print_order)
        if (s.test(f))
            fn(pg_name(f));
}

// ---- bit layouts of enum pageflags ----

// Which kernel options add optional members to enum pageflags.
struct flag_config {
    bool mmu = true;                   // PG_mlocked
    bool arch_uses_pg_uncached = true; // x86 with X86_PAT (while PG_uncached existed)
    bool memory_failure = true;        // PG_hwpoison
    bool page_idle_flag = false;       // PG_young, PG_idle (with 64BIT)
    bool arch_2 = true;  // 64BIT before PG_arch_2 got its own option, then ARCH_USES_PG_ARCH_2
    bool arch_3 = false; // ARCH_USES_PG_ARCH_3
    bool kasan_hw_tags = false; // PG_skip_kasan_poison
};

// The bit each flag identity has in one era's enum pageflags under one configuration.
class flag_layout {
public:
    std::string_view name;    // "6.12"
    std::string_view kernels; // the releases that use it
    std::string_view source;  // where the order was read

    // The members of enum pageflags in order up to and including PG_unevictable / PG_dropbehind
    // (`fixed`), then the optional ones in order; an optional member is present when `cfg` says.
    template <std::size_t N>
    constexpr flag_layout(std::string_view name_, std::string_view kernels_,
                          std::string_view source_, const std::array<pg, N>& members,
                          flag_config cfg) noexcept
        : name(name_), kernels(kernels_), source(source_)
    {
        for (auto& b : bit_)
            b = -1;
        unsigned next = 0;
        for (pg f : members)
            if (present(f, cfg))
                bit_[static_cast<std::size_t>(f)] = static_cast<std::int8_t>(next++);
        nr_ = static_cast<std::uint8_t>(next);
    }

    // The bit of `f` in this era, or nullopt where the era (or configuration) has no such flag.
    constexpr std::optional<unsigned> bit(pg f) const noexcept
    {
        const std::int8_t b = bit_[static_cast<std::size_t>(f)];
        if (b < 0)
            return std::nullopt;
        return static_cast<unsigned>(b);
    }
    // __NR_PAGEFLAGS: the bits above hold the section, node, zone and cpupid fields.
    constexpr unsigned nr_pageflags() const noexcept { return nr_; }

    // The flags of a raw folio->flags word (as `flags: 0x...` or a `raw:` row prints it).
    [[nodiscard]] constexpr flag_set decode(std::uint64_t raw) const noexcept
    {
        flag_set s;
        for (std::size_t i = 0; i < pg_count; ++i)
            if (bit_[i] >= 0 && ((raw >> bit_[i]) & 1u))
                s.set(static_cast<pg>(i));
        return s;
    }
    // The low (flag) bits of folio->flags for `s`; identities this era lacks are dropped.
    constexpr std::uint64_t encode(flag_set s) const noexcept
    {
        std::uint64_t raw = 0;
        for (std::size_t i = 0; i < pg_count; ++i)
            if (bit_[i] >= 0 && s.test(static_cast<pg>(i)))
                raw |= std::uint64_t{1} << bit_[i];
        return raw;
    }
    // The identities this era has a bit for.
    constexpr flag_set known() const noexcept
    {
        flag_set s;
        for (std::size_t i = 0; i < pg_count; ++i)
            if (bit_[i] >= 0)
                s.set(static_cast<pg>(i));
        return s;
    }

private:
    static constexpr bool present(pg f, flag_config c) noexcept
    {
        switch (f) {
        case pg::mlocked: return c.mmu;
        case pg::uncached: return c.arch_uses_pg_uncached;
        case pg::hwpoison: return c.memory_failure;
        case pg::young:
        case pg::idle: return c.page_idle_flag;
        case pg::arch_2: return c.arch_2;
        case pg::arch_3: return c.arch_3;
        case pg::skip_kasan_poison: return c.kasan_hw_tags;
        default: return true;
        }
    }
    std::array<std::int8_t, pg_count> bit_{};
    std::uint8_t nr_ = 0;
};

} // namespace foliorc::inline FOLIORC_ABI

namespace foliorc::inline FOLIORC_ABI::flag_layouts {

// The member order of enum pageflags in each era (x86-64 relevant members; optional members are
// kept only when flag_config says). Sources: 6.1.192 and 6.12.117 read in Debian's
// linux-source packages; the other eras from the patches that changed the enum (docs/kernel.md,
// "Page flags").
namespace order {
// 5.18 - 6.5: PG_error and PG_slab flags, PG_writeback and PG_head in the middle, PG_owner_2
// named PG_mappedtodisk. PG_arch_2 under CONFIG_64BIT until 6.2 put it (and PG_arch_3) under
// CONFIG_ARCH_USES_PG_ARCH_X, which x86 never selects.
inline constexpr std::array<pg, 29> v5_18{
    pg::locked,
    pg::referenced,
    pg::uptodate,
    pg::dirty,
    pg::lru,
    pg::active,
    pg::workingset,
    pg::waiters,
    pg::error,
    pg::slab,
    pg::owner_priv_1,
    pg::arch_1,
    pg::reserved,
    pg::private_,
    pg::private_2,
    pg::writeback,
    pg::head,
    pg::owner_2,
    pg::reclaim,
    pg::swapbacked,
    pg::unevictable,
    pg::mlocked,
    pg::uncached,
    pg::hwpoison,
    pg::young,
    pg::idle,
    pg::arch_2,
    pg::arch_3,
    pg::skip_kasan_poison,
};
// 6.6 (c704ae979784 "mm: rearrange page flags"): PG_writeback to bit 1, PG_head to bit 6.
inline constexpr std::array<pg, 28> v6_6{
    pg::locked,       pg::writeback,  pg::referenced,  pg::uptodate,   pg::dirty,     pg::lru,
    pg::head,         pg::waiters,    pg::active,      pg::workingset, pg::error,     pg::slab,
    pg::owner_priv_1, pg::arch_1,     pg::reserved,    pg::private_,   pg::private_2, pg::owner_2,
    pg::reclaim,      pg::swapbacked, pg::unevictable, pg::mlocked,    pg::uncached,  pg::hwpoison,
    pg::young,        pg::idle,       pg::arch_2,      pg::arch_3,
};
// 6.10: PG_slab gone (slab is a page type).
inline constexpr std::array<pg, 27> v6_10{
    pg::locked,     pg::writeback,   pg::referenced, pg::uptodate,   pg::dirty,    pg::lru,
    pg::head,       pg::waiters,     pg::active,     pg::workingset, pg::error,    pg::owner_priv_1,
    pg::arch_1,     pg::reserved,    pg::private_,   pg::private_2,  pg::owner_2,  pg::reclaim,
    pg::swapbacked, pg::unevictable, pg::mlocked,    pg::uncached,   pg::hwpoison, pg::young,
    pg::idle,       pg::arch_2,      pg::arch_3,
};
// 6.11: PG_error gone.
inline constexpr std::array<pg, 26> v6_11{
    pg::locked,       pg::writeback, pg::referenced, pg::uptodate,    pg::dirty,
    pg::lru,          pg::head,      pg::waiters,    pg::active,      pg::workingset,
    pg::owner_priv_1, pg::arch_1,    pg::reserved,   pg::private_,    pg::private_2,
    pg::owner_2,      pg::reclaim,   pg::swapbacked, pg::unevictable, pg::mlocked,
    pg::uncached,     pg::hwpoison,  pg::young,      pg::idle,        pg::arch_2,
    pg::arch_3,
};
// 6.12: PG_mappedtodisk renamed PG_owner_2 and moved after PG_owner_priv_1; PG_uncached gone
// (x86 PAT uses PG_arch_2, under CONFIG_ARCH_USES_PG_ARCH_2).
inline constexpr std::array<pg, 25> v6_12{
    pg::locked,       pg::writeback, pg::referenced, pg::uptodate,    pg::dirty,
    pg::lru,          pg::head,      pg::waiters,    pg::active,      pg::workingset,
    pg::owner_priv_1, pg::owner_2,   pg::arch_1,     pg::reserved,    pg::private_,
    pg::private_2,    pg::reclaim,   pg::swapbacked, pg::unevictable, pg::mlocked,
    pg::hwpoison,     pg::young,     pg::idle,       pg::arch_2,      pg::arch_3,
};
// 6.14: PG_dropbehind after PG_unevictable.
inline constexpr std::array<pg, 26> v6_14{
    pg::locked,       pg::writeback, pg::referenced, pg::uptodate,    pg::dirty,
    pg::lru,          pg::head,      pg::waiters,    pg::active,      pg::workingset,
    pg::owner_priv_1, pg::owner_2,   pg::arch_1,     pg::reserved,    pg::private_,
    pg::private_2,    pg::reclaim,   pg::swapbacked, pg::unevictable, pg::dropbehind,
    pg::mlocked,      pg::hwpoison,  pg::young,      pg::idle,        pg::arch_2,
    pg::arch_3,
};
} // namespace order

// Debian's amd64 configurations: 6.1 (X86_PAT, MEMORY_FAILURE, 64BIT; no PAGE_IDLE_FLAG) and
// 6.12 (MEMORY_FAILURE, PAGE_IDLE_FLAG, ARCH_USES_PG_ARCH_2 through X86_PAT). The eras between
// take 6.1's choices; from 6.2 to 6.11 x86 has no PG_arch_2.
inline constexpr flag_config debian_6_1{};
inline constexpr flag_config x86_6_2{.arch_2 = false};
inline constexpr flag_config debian_6_12{.arch_uses_pg_uncached = false, .page_idle_flag = true};

inline constexpr flag_layout v5_18{"5.18", "5.18 - 6.1",
                                   "6.1.192 page-flags.h; 5.18 - 6.0 by patch history",
                                   order::v5_18, debian_6_1};
inline constexpr flag_layout v6_1{"6.1", "6.1.y", "linux-source-6.1 (6.1.192) page-flags.h",
                                  order::v5_18, debian_6_1};
inline constexpr flag_layout v6_2{
    "6.2", "6.2 - 6.5", "patches: PG_arch_2 under ARCH_USES_PG_ARCH_X", order::v5_18, x86_6_2};
inline constexpr flag_layout v6_6{"6.6", "6.6 - 6.9", "c704ae979784 mm: rearrange page flags",
                                  order::v6_6, x86_6_2};
inline constexpr flag_layout v6_10{"6.10", "6.10", "mm: free up PG_slab", order::v6_10, x86_6_2};
inline constexpr flag_layout v6_11{"6.11", "6.11", "mm: Remove PG_error", order::v6_11, x86_6_2};
inline constexpr flag_layout v6_12{
    "6.12", "6.12 - 6.13", "linux-source-6.12 (6.12.117) page-flags.h", order::v6_12, debian_6_12};
inline constexpr flag_layout v6_14{"6.14", ">= 6.14", "mm: add PG_dropbehind folio flag (6.14)",
                                   order::v6_14, debian_6_12};
inline constexpr const flag_layout& latest = v6_14;

// The layout of a kernel version ("6.8", "6.12.117", "v5.19-rc1"); versions before 5.18 get
// 5.18's, after the newest the newest's.
[[nodiscard]] constexpr const flag_layout& for_kernel(std::string_view version) noexcept
{
    unsigned major = 0, minor = 0;
    std::size_t i = (!version.empty() && version[0] == 'v') ? 1 : 0;
    for (; i < version.size() && version[i] >= '0' && version[i] <= '9'; ++i)
        major = major * 10 + unsigned(version[i] - '0');
    if (i < version.size() && version[i] == '.')
        for (++i; i < version.size() && version[i] >= '0' && version[i] <= '9'; ++i)
            minor = minor * 10 + unsigned(version[i] - '0');
    const unsigned v = major * 100 + minor;
    if (v >= 614)
        return v6_14;
    if (v >= 612)
        return v6_12;
    if (v == 611)
        return v6_11;
    if (v == 610)
        return v6_10;
    if (v >= 606)
        return v6_6;
    if (v >= 602)
        return v6_2;
    if (v == 601)
        return v6_1;
    return v5_18;
}

} // namespace foliorc::inline FOLIORC_ABI::flag_layouts
