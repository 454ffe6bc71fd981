// With odr_b.cpp: every header in two translation units of one program, so an inline or
// template slip (a non-inline definition in a header) fails to link. With odr_unchecked.cpp
// (FOLIORC_CHECKS=0) in the same program: each check mode keeps its own behaviour (odr_b.cpp).
#include <foliorc/foliorc.hpp>

#include <typeinfo>

int foliorc_odr_a()
{
    return foliorc::expected_ref_count<foliorc::rules::latest>(
        foliorc::folio(foliorc::folio::state{}));
}

// A put on a folio whose refcount is already 0, in a checked translation unit: refused with
// refcount_underflow, the folio left at 0. Returns whether that happened.
bool foliorc_odr_checked_underflow_refused()
{
    foliorc::folio f(foliorc::folio::state{}); // refcount 1: the caller
    foliorc::folio_put(f);                     // 0
    try {
        foliorc::folio_put(f);
    } catch (const foliorc::folio_error& e) {
        return e.code() == foliorc::errc::refcount_underflow && f.ref_count() == 0;
    }
    return false;
}

const char* foliorc_odr_checked_folio_type()
{
    return typeid(foliorc::folio).name();
}
