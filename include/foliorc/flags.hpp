// foliorc/flags.hpp — vocabulary: page flags with kernel names, a constexpr flag set, and the
// context rules that give one bit two meanings (PG_swapcache, PG_private_2/PG_anon_exclusive).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace foliorc {

// Bit order of enum pageflags in include/linux/page-flags.h (6.12+). Aliases share a bit, as in
// the kernel; which name applies is decided by the folio's context (see below).
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
    owner_2,
    arch_1,
    reserved,
    private_,
    reclaim,
    swapbacked,
    unevictable,
    dropbehind,
    mlocked,
    // Aliases (same bit). PG_swapcache is PG_owner_priv_1 on a swapbacked folio, PG_checked on
    // others; PG_private_2 (PG_fscache) on page-cache folios and PG_anon_exclusive on anon folios
    // are PG_owner_2 (kernel-facts.md 8).
    swapcache = owner_priv_1,
    checked = owner_priv_1,
    private_2 = owner_2,
    fscache = owner_2,
    anon_exclusive = owner_2,
};

inline constexpr std::size_t pg_count = static_cast<std::size_t>(pg::mlocked) + 1;

namespace detail {
inline constexpr std::array<std::string_view, pg_count> pg_names{
    "locked",     "writeback",    "referenced", "uptodate",   "dirty",
    "lru",        "head",         "waiters",    "active",     "workingset",
    "owner_priv_1", "owner_2",    "arch_1",     "reserved",   "private",
    "reclaim",    "swapbacked",   "unevictable", "dropbehind", "mlocked",
};
} // namespace detail

// The name the kernel's %pGp format prints for the bit.
constexpr std::string_view pg_name(pg f) noexcept
{
    return detail::pg_names[static_cast<std::size_t>(f)];
}

// Parses a flag name as dump_page prints it, accepting the aliases and the older names
// (private_2 before it became owner_2). Unknown names give nullopt.
constexpr std::optional<pg> parse_pg(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < pg_count; ++i)
        if (detail::pg_names[i] == name)
            return static_cast<pg>(i);
    if (name == "swapcache" || name == "checked")
        return pg::owner_priv_1;
    if (name == "private_2" || name == "fscache" || name == "anon_exclusive")
        return pg::owner_2;
    return std::nullopt;
}

// A set of page flags, one bit per pg, as in folio->flags.
class flag_set {
public:
    constexpr flag_set() noexcept = default;
    constexpr flag_set(std::initializer_list<pg> flags) noexcept
    {
        for (pg f : flags)
            bits_ |= bit(f);
    }
    static constexpr flag_set from_bits(std::uint32_t bits) noexcept
    {
        flag_set s;
        s.bits_ = bits & all_bits;
        return s;
    }

    constexpr bool test(pg f) const noexcept { return (bits_ & bit(f)) != 0; }
    constexpr flag_set& set(pg f) noexcept { bits_ |= bit(f); return *this; }
    constexpr flag_set& clear(pg f) noexcept { bits_ &= ~bit(f); return *this; }
    constexpr flag_set& set(pg f, bool on) noexcept { return on ? set(f) : clear(f); }
    constexpr std::uint32_t bits() const noexcept { return bits_; }
    constexpr bool empty() const noexcept { return bits_ == 0; }
    constexpr bool contains(flag_set o) const noexcept { return (bits_ & o.bits_) == o.bits_; }

    constexpr flag_set operator|(flag_set o) const noexcept { return from_bits(bits_ | o.bits_); }
    constexpr flag_set operator&(flag_set o) const noexcept { return from_bits(bits_ & o.bits_); }
    constexpr flag_set operator-(flag_set o) const noexcept { return from_bits(bits_ & ~o.bits_); }
    friend constexpr bool operator==(flag_set, flag_set) noexcept = default;

    // Calls fn(pg) for each set flag, lowest bit first.
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
    std::uint32_t bits_ = 0;
};

// PG_swapcache is PG_owner_priv_1 only on a swapbacked folio (folio_test_swapcache).
constexpr bool swapcache_bit(flag_set flags) noexcept
{
    return flags.test(pg::owner_priv_1) && flags.test(pg::swapbacked);
}

// PG_owner_2 means PG_private_2 on a non-anon folio and PG_anon_exclusive on an anon one.
constexpr bool private_2_bit(flag_set flags, bool anon) noexcept
{
    return !anon && flags.test(pg::owner_2);
}
constexpr bool anon_exclusive_bit(flag_set flags, bool anon) noexcept
{
    return anon && flags.test(pg::owner_2);
}

} // namespace foliorc
