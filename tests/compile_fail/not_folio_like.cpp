// A struct with no folio_traits specialization is not folio_like: the diagnostic says so.
// expect: has_folio_traits|sizeof \(foliorc::folio_traits<F>\)
#include <foliorc/rules.hpp>

struct my_folio {
    int refcount;
};

int main()
{
    my_folio f{1};
    return foliorc::expected_ref_count<foliorc::rules::latest>(f);
}
