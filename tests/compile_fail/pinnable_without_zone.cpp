// folio_is_longterm_pinnable on a folio whose traits give no zone(): the zone is unknown, and a
// made-up ZONE_NORMAL would call a ZONE_MOVABLE folio pinnable. Refused, naming the trait.
// expect: needs folio_traits<F>::zone\(f\)
#include <cstdint>

#include <foliorc/collect.hpp>

struct my_folio {
    int refs = 1;
};
template <>
struct foliorc::folio_traits<my_folio> {
    static constexpr bool test_flag(const my_folio&, pg) { return false; }
    static constexpr unsigned order(const my_folio&) { return 0; }
    static constexpr int ref_count(const my_folio& f) { return f.refs; }
    static constexpr int mapcount(const my_folio&) { return 0; }
    static constexpr int pincount(const my_folio&) { return 0; }
    static constexpr mapping_kind mapping(const my_folio&) { return mapping_kind::none; }
    static constexpr page_type type(const my_folio&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const my_folio&) { return 0; }
};

int main()
{
    my_folio f;
    return foliorc::folio_is_longterm_pinnable(f) ? 0 : 1;
}
