// folio_is_longterm_pinnable on a folio whose traits give no zone(): the zone is unknown, and a
// made-up ZONE_NORMAL would call a ZONE_MOVABLE folio pinnable. Refused, naming the trait.
// expect: needs folio_traits<F>::zone\(f\)
#include <foliorc/collect.hpp>

#include "support.hpp"

int main()
{
    cf::read_only_folio f;
    return foliorc::folio_is_longterm_pinnable(f) ? 0 : 1;
}
