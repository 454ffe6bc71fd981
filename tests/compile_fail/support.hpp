// A folio_like type with read traits only (no zone, no writes): the starting point of the
// compile-failure tests that check what such a type may not do.
#pragma once

#include <cstdint>

#include <foliorc/folio_traits.hpp>

namespace cf {
struct read_only_folio {
    int refs = 1;
};
} // namespace cf

template <>
struct foliorc::folio_traits<cf::read_only_folio> {
    using F = cf::read_only_folio;
    static constexpr bool test_flag(const F&, pg) { return false; }
    static constexpr unsigned order(const F&) { return 0; }
    static constexpr int ref_count(const F& f) { return f.refs; }
    static constexpr int mapcount(const F&) { return 0; }
    static constexpr int pincount(const F&) { return 0; }
    static constexpr mapping_kind mapping(const F&) { return mapping_kind::none; }
    static constexpr page_type type(const F&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const F&) { return 0; }
};
