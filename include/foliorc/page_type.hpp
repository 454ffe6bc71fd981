// foliorc/page_type.hpp — vocabulary: page types, zones, pageblock migratetypes, order limits and
// the pin accounting constants of a folio's layout.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI {

// enum pagetype in include/linux/page-flags.h; `none` is an untyped (ordinary) folio.
enum class page_type : std::uint8_t {
    none,
    buddy,
    offline,
    table,
    guard,
    hugetlb,
    slab,
    zsmalloc,
    unaccepted,
    large_kmalloc,
};

inline constexpr std::size_t page_type_count =
    static_cast<std::size_t>(page_type::large_kmalloc) + 1;

namespace detail {
inline constexpr std::array<std::string_view, page_type_count> page_type_names{
    "none",    "buddy", "offline",  "table",      "guard",
    "hugetlb", "slab",  "zsmalloc", "unaccepted", "large_kmalloc",
};
} // namespace detail

[[nodiscard]] constexpr std::string_view page_type_name(page_type t) noexcept
{
    return detail::page_type_names[static_cast<std::size_t>(t)];
}

[[nodiscard]] constexpr std::optional<page_type> parse_page_type(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < page_type_count; ++i)
        if (detail::page_type_names[i] == name)
            return static_cast<page_type>(i);
    return std::nullopt;
}

// page_has_type(): any type but none.
constexpr bool is_typed(page_type t) noexcept
{
    return t != page_type::none;
}

// MAX_PAGE_ORDER is 10 on x86-64 (a buddy folio up to 4 MiB); hugetlb goes to PUD size, order 18.
inline constexpr unsigned max_page_order = 10;
inline constexpr unsigned max_hugetlb_order = 18;

constexpr unsigned max_order(page_type t) noexcept
{
    return t == page_type::hugetlb ? max_hugetlb_order : max_page_order;
}

// enum zone_type (x86-64 without HIGHMEM).
enum class zone_type : std::uint8_t { dma, dma32, normal, movable, device };

[[nodiscard]] constexpr std::string_view zone_name(zone_type z) noexcept
{
    constexpr std::array<std::string_view, 5> names{"DMA", "DMA32", "Normal", "Movable", "Device"};
    return names[static_cast<std::size_t>(z)];
}

// enum migratetype with CONFIG_CMA and CONFIG_MEMORY_ISOLATION: MIGRATE_CMA is 4
// (docs/kernel.md ("dump_page output"), the mt= field of page_ref tracepoints).
enum class migratetype : std::uint8_t { unmovable, movable, reclaimable, highatomic, cma, isolate };

[[nodiscard]] constexpr std::string_view migratetype_name(migratetype m) noexcept
{
    constexpr std::array<std::string_view, 6> names{"Unmovable",  "Movable", "Reclaimable",
                                                    "HighAtomic", "CMA",     "Isolate"};
    return names[static_cast<std::size_t>(m)];
}

// GUP_PIN_COUNTING_BIAS (include/linux/mm.h): what one FOLL_PIN adds to a folio without a
// separate _pincount.
inline constexpr int gup_pin_counting_bias = 1024;

// folio_has_pincount(): every large folio on 64-bit (docs/kernel.md ("Pins")).
constexpr bool has_pincount(unsigned order) noexcept
{
    return order > 0;
}

} // namespace foliorc::inline FOLIORC_ABI
