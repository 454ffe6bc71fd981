// A consumer of foliorc: one folio through the page cache, checked against the latest rules, and
// the version header against the version the build says it installed (FOLIORC_EXPECTED_VERSION,
// from tests/consumer/run.cmake).
#include <foliorc/foliorc.hpp>
#include <foliorc/version.hpp>

#include <cstdio>
#include <string_view>

static_assert(FOLIORC_VERSION == FOLIORC_VERSION_MAJOR * 10000 + FOLIORC_VERSION_MINOR * 100 +
                                     FOLIORC_VERSION_PATCH,
              "FOLIORC_VERSION is MAJOR * 10000 + MINOR * 100 + PATCH");
static_assert(foliorc::version.number == FOLIORC_VERSION &&
                  foliorc::version.major == FOLIORC_VERSION_MAJOR &&
                  foliorc::version.minor == FOLIORC_VERSION_MINOR &&
                  foliorc::version.patch == FOLIORC_VERSION_PATCH,
              "foliorc::version agrees with the macros");
#ifdef FOLIORC_EXPECTED_VERSION
static_assert(foliorc::version.string == std::string_view(FOLIORC_EXPECTED_VERSION) &&
                  std::string_view(FOLIORC_VERSION_STRING) == FOLIORC_EXPECTED_VERSION,
              "the installed version.hpp is the version CMake was configured with");
#endif

int main()
{
    using namespace foliorc;
    static constexpr mapping ext4 = file_mapping(fs::ext4);
    folio f(folio::state{.pfn = 0x42});
    filemap_add_folio(f, ext4);
    folio_put(f);
    // page cache 1 = (mapping != NULL) << 0 under folio_expected_ref_count (86ebd50224c0).
    const bool ok = f.ref_count() == 1 && expected_ref_count<rules::latest>(f) == 1;
    std::printf("consumer: foliorc %s, refcount %d, expected %d: %s\n", FOLIORC_VERSION_STRING,
                f.ref_count(), expected_ref_count<rules::latest>(f), ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
}
