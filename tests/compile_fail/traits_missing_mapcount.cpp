// folio_traits without mapcount(): the diagnostic names the missing trait.
// expect: folio_traits<F>::mapcount\(f\)|folio_traits<my_folio>::mapcount\(f\)|no member named 'mapcount'
#include <foliorc/rules.hpp>

struct my_folio {
    unsigned long flags;
    int refcount;
};

template <>
struct foliorc::folio_traits<my_folio> {
    static constexpr bool test_flag(const my_folio& f, pg p) { return f.flags >> unsigned(p) & 1; }
    static constexpr unsigned order(const my_folio&) { return 0; }
    static constexpr int ref_count(const my_folio& f) { return f.refcount; }
    static constexpr int pincount(const my_folio&) { return 0; }
    static constexpr mapping_kind mapping(const my_folio&) { return mapping_kind::none; }
    static constexpr page_type type(const my_folio&) { return page_type::none; }
    static constexpr std::uint64_t pfn(const my_folio&) { return 0; }
};

int main()
{
    my_folio f{0, 1};
    return foliorc::expected_ref_count<foliorc::rules::latest>(f);
}
