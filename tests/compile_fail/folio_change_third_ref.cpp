// folio_change holds two reference deltas; a third is a bug in the caller of ref(), never a
// write past the array. In a constant expression it does not compile (at run time it
// terminates).
// expect: terminate
#include <foliorc/folio_change.hpp>

constexpr int third()
{
    foliorc::folio_change<foliorc::mapping> c{"test"};
    c.ref(foliorc::holder::caller, 1)
        .ref(foliorc::holder::pte, 1)
        .ref(foliorc::holder::transient, 1);
    return c.ref_delta_total();
}
static_assert(third() == 3, "a third holder in one change");

int main()
{
    return 0;
}
