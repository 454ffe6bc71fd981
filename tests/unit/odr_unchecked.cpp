// Compiled with FOLIORC_CHECKS=0 (tests/CMakeLists.txt) into the same program as odr_a.cpp and
// odr_b.cpp, which are checked: the same templates (basic_folio, folio_put) instantiated in both
// modes. Without the ABI inline namespace (foliorc/config.hpp) the linker would keep one of the
// two instantiations for the whole program; odr_b.cpp's tests show each mode kept its own.
#include <foliorc/foliorc.hpp>

#include <typeinfo>

#if FOLIORC_CHECKS
#error "this file must be built with FOLIORC_CHECKS=0"
#endif

// Two puts on a folio that holds one reference: unchecked, the second commits refcount -1.
// Returns the refcount it ends with, or 1000 if anything threw.
int foliorc_odr_unchecked_underflow_refcount()
{
    try {
        foliorc::folio f(foliorc::folio::state{}); // refcount 1: the caller
        foliorc::folio_put(f);                     // 0
        foliorc::folio_put(f);                     // -1: nothing checks
        return f.ref_count();
    } catch (...) {
        return 1000;
    }
}

const char* foliorc_odr_unchecked_folio_type()
{
    return typeid(foliorc::folio).name();
}
