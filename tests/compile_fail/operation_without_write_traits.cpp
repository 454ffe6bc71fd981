// An operation that changes a folio on a type whose traits only read: refused at the
// constraint, which names the missing write trait.
// expect: folio_traits<F>::ref_add
#include <foliorc/folio_ops.hpp>

#include "support.hpp"

int main()
{
    cf::read_only_folio f;
    foliorc::folio_get(f);
    return f.refs;
}
