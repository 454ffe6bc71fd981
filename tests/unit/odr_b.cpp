#include <foliorc/foliorc.hpp>

#include <gtest/gtest.h>

#include <string_view>
#include <typeinfo>

int foliorc_odr_a();
bool foliorc_odr_checked_underflow_refused();
const char* foliorc_odr_checked_folio_type();
int foliorc_odr_unchecked_underflow_refcount();
const char* foliorc_odr_unchecked_folio_type();

TEST(Odr, HeadersLinkFromTwoTranslationUnits)
{
    // An allocated, unmapped folio without a mapping: folio_expected_ref_count 0.
    EXPECT_EQ(foliorc_odr_a(), 0);
}

// odr_a.cpp (checked) and odr_unchecked.cpp (FOLIORC_CHECKS=0) instantiate the same operations
// in one program; each keeps its own behaviour, whichever the linker saw first.
TEST(Odr, CheckedTranslationUnitRefusesAnUnderflow)
{
    EXPECT_TRUE(foliorc_odr_checked_underflow_refused());
}

TEST(Odr, UncheckedTranslationUnitCommitsAnUnderflow)
{
    // 1 - 1 - 1 = -1: the second put is committed, nothing throws.
    EXPECT_EQ(foliorc_odr_unchecked_underflow_refcount(), -1);
}

TEST(Odr, ThisTranslationUnitIsChecked)
{
    foliorc::folio f(foliorc::folio::state{});
    foliorc::folio_put(f);
    EXPECT_THROW(foliorc::folio_put(f), foliorc::folio_error);
    EXPECT_EQ(f.ref_count(), 0);
}

// The two modes' folios are different types to the linker: the ABI namespace is in the name.
TEST(Odr, CheckModesAreDifferentTypes)
{
    const std::string_view checked = foliorc_odr_checked_folio_type();
    const std::string_view unchecked = foliorc_odr_unchecked_folio_type();
    EXPECT_NE(checked, unchecked);
    EXPECT_EQ(checked, typeid(foliorc::folio).name());
    EXPECT_NE(checked.find("checked_v1"), std::string_view::npos) << checked;
    EXPECT_NE(unchecked.find("unchecked_v1"), std::string_view::npos) << unchecked;
}
