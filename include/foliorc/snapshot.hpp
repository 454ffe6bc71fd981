// foliorc/snapshot.hpp — customization: folio_snapshot, a plain folio_like value with every
// field the rules read, for enumerations (explore.hpp), parsed dumps (dump.hpp) and tests.
#pragma once

#include <cstdint>

#include <foliorc/folio_traits.hpp>

namespace foliorc::inline FOLIORC_ABI {

struct folio_snapshot {
    std::uint64_t pfn = 0;
    unsigned order = 0;
    page_type type = page_type::none;
    mapping_kind mapping = mapping_kind::none; // what folio->mapping points at
    flag_set flags{};
    int refcount = 0;
    int mapcount = 0;
    int pincount = 0;
    zone_type zone = zone_type::normal;
    migratetype mt = migratetype::movable;
    friend constexpr bool operator==(const folio_snapshot&, const folio_snapshot&) = default;
};

template <>
struct folio_traits<folio_snapshot> {
    using F = folio_snapshot;
    static constexpr bool test_flag(const F& f, pg p) noexcept { return f.flags.test(p); }
    static constexpr unsigned order(const F& f) noexcept { return f.order; }
    static constexpr int ref_count(const F& f) noexcept { return f.refcount; }
    static constexpr int mapcount(const F& f) noexcept { return f.mapcount; }
    static constexpr int pincount(const F& f) noexcept { return f.pincount; }
    static constexpr mapping_kind mapping(const F& f) noexcept { return f.mapping; }
    static constexpr page_type type(const F& f) noexcept { return f.type; }
    static constexpr std::uint64_t pfn(const F& f) noexcept { return f.pfn; }
    static constexpr zone_type zone(const F& f) noexcept { return f.zone; }
    static constexpr migratetype pageblock_mt(const F& f) noexcept { return f.mt; }
};

} // namespace foliorc::inline FOLIORC_ABI
