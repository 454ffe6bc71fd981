// A consumer of foliorc: one folio through the page cache, checked against the latest rules.
#include <foliorc/foliorc.hpp>

#include <cstdio>

int main()
{
    using namespace foliorc;
    static constexpr mapping ext4 = file_mapping(fs::ext4);
    folio f(folio::state{.pfn = 0x42});
    filemap_add_folio(f, ext4);
    folio_put(f);
    // page cache 1 = (mapping != NULL) << 0 under folio_expected_ref_count (86ebd50224c0).
    const bool ok = f.ref_count() == 1 && expected_ref_count<rules::latest>(f) == 1;
    std::printf("consumer: refcount %d, expected %d: %s\n", f.ref_count(),
                expected_ref_count<rules::latest>(f), ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
}
