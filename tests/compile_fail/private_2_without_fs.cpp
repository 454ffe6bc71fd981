// folio_start_private_2 on a caller's type that cannot say which filesystem a folio belongs to:
// whether PG_private_2 takes a reference depends on it (ceph and nfs yes, btrfs <= 6.12 no), so
// the library refuses to guess.
// expect: give folio_traits<F>::fs
#include <cstdint>

#include <foliorc/folio_ops.hpp>

struct writable {
    int refs = 1;
    unsigned flags = 0;
};
template <>
struct foliorc::folio_traits<writable> {
    using F = writable;
    static bool test_flag(const F& f, pg p) { return f.flags >> unsigned(p) & 1; }
    static unsigned order(const F&) { return 0; }
    static int ref_count(const F& f) { return f.refs; }
    static int mapcount(const F&) { return 0; }
    static int pincount(const F&) { return 0; }
    static mapping_kind mapping(const F&) { return mapping_kind::file; }
    static page_type type(const F&) { return page_type::none; }
    static std::uint64_t pfn(const F&) { return 0; }
    static void ref_add(F& f, int n) { f.refs += n; }
    static void mapcount_add(F&, int) {}
    static void pincount_add(F&, int) {}
    static void set_flag(F& f, pg p, bool on)
    {
        f.flags = on ? f.flags | 1u << unsigned(p) : f.flags & ~(1u << unsigned(p));
    }
    static void set_mapping(F&, mapping_kind) {}
};

int main()
{
    writable f;
    foliorc::folio_start_private_2(f);
    return f.refs;
}
