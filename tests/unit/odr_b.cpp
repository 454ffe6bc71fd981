#include <foliorc/foliorc.hpp>

#include <gtest/gtest.h>

int foliorc_odr_a();

TEST(Odr, HeadersLinkFromTwoTranslationUnits)
{
    // An allocated, unmapped folio without a mapping: folio_expected_ref_count 0.
    EXPECT_EQ(foliorc_odr_a(), 0);
}
