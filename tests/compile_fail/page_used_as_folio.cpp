// A page type (its traits give page_folio) is not a folio: passing a page where a folio is
// expected is refused, and the diagnostic names not_a_page_type.
// expect: not_a_page_type
#include <cstdint>

#include <foliorc/rules.hpp>

#include "support.hpp"

using my_folio = cf::read_only_folio;

struct my_page {
    my_folio* head = nullptr;
    std::uint64_t pfn = 0;
};
// Also every folio trait, so that only "it is a page" makes it not folio_like.
template <>
struct foliorc::folio_traits<my_page> {
    static constexpr my_folio* page_folio(const my_page& p) { return p.head; }
    static constexpr bool test_flag(const my_page&, pg) { return false; }
    static constexpr unsigned order(const my_page&) { return 0; }
    static constexpr int ref_count(const my_page&) { return 1; }
    static constexpr int mapcount(const my_page&) { return 0; }
    static constexpr int pincount(const my_page&) { return 0; }
    static constexpr mapping_kind mapping(const my_page&) { return mapping_kind::none; }
    static constexpr page_type type(const my_page&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const my_page& p) { return p.pfn; }
};

int main()
{
    my_folio f;
    my_page p{&f, 0};
    return foliorc::expected_ref_count<foliorc::rules::latest>(p);
}
