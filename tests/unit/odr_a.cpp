// With odr_b.cpp: every header in two translation units of one program, so an inline or
// template slip (a non-inline definition in a header) fails to link.
#include <foliorc/foliorc.hpp>

int foliorc_odr_a() { return foliorc::expected_ref_count<foliorc::rules::latest>(foliorc::folio(foliorc::folio::state{})); }
