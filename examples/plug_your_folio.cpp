// plug_your_folio: a simulator's own page struct, written without foliorc, gets foliorc's
// rules through one folio_traits specialization, and the same answers as basic_folio.
#include <foliorc/foliorc.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string_view>

// ---- The simulator's code: knows nothing of foliorc. ------------------------------------------
namespace sim {
// Its own flag bits, kernel-style; _mapcount is stored as the kernel does (-1 = unmapped) and
// mapping is a tagged pointer (bit 0 = anon, bit 1 = movable).
enum : unsigned { PG_lru = 5, PG_owner_priv_1 = 10, PG_private = 14, PG_swapbacked = 16 };
struct address_space {
    const char* name;
};
struct page {
    unsigned long flags = 0;
    int _refcount = 1;
    int _mapcount = -1;
    int _pincount = 0;
    std::uintptr_t mapping = 0;
    std::uint8_t order = 0;
    bool slab = false;
    unsigned long pfn = 0;
};
inline address_space ext4_inode{"ext4"};
inline int anon_vma_dummy;
} // namespace sim

// ---- The adapter: the only foliorc-aware lines. ------------------------------------------------
template <>
struct foliorc::folio_traits<sim::page> {
    static constexpr bool test_flag(const sim::page& p, pg f)
    {
        switch (f) {
        case pg::lru: return p.flags >> sim::PG_lru & 1;
        case pg::owner_priv_1: return p.flags >> sim::PG_owner_priv_1 & 1;
        case pg::private_: return p.flags >> sim::PG_private & 1;
        case pg::swapbacked: return p.flags >> sim::PG_swapbacked & 1;
        default: return false; // flags the simulator does not model
        }
    }
    static constexpr unsigned order(const sim::page& p) { return p.order; }
    static constexpr int ref_count(const sim::page& p) { return p._refcount; }
    static constexpr int mapcount(const sim::page& p) { return p._mapcount + 1; }
    static constexpr int pincount(const sim::page& p) { return p._pincount; }
    static mapping_kind mapping(const sim::page& p)
    {
        if (!p.mapping)
            return mapping_kind::none;
        switch (p.mapping & 3) {
        case 1: return mapping_kind::anon;
        case 2: return mapping_kind::movable_ops;
        case 3: return mapping_kind::ksm;
        default: return mapping_kind::file;
        }
    }
    static constexpr page_type type(const sim::page& p)
    {
        return p.slab ? page_type::slab : page_type::none;
    }
    static constexpr std::uint64_t pfn(const sim::page& p) { return p.pfn; }
};
static_assert(foliorc::folio_like<sim::page>);

// ---- The same states in both representations. --------------------------------------------------
namespace {
using namespace foliorc;
using rich = basic_folio<int, mapping, ledger_full>;
constexpr mapping ext4 = file_mapping(fs::ext4);

struct sample {
    std::string_view what;
    sim::page page;
    rich folio;
};

sample ext4_with_buffers()
{
    sim::page p{.flags = 1ul << sim::PG_private | 1ul << sim::PG_lru,
                ._refcount = 3,
                ._mapcount = 0,
                .mapping = reinterpret_cast<std::uintptr_t>(&sim::ext4_inode),
                .pfn = 0x100};
    rich f(rich::state{.pfn = 0x100});
    filemap_add_folio(f, ext4);
    folio_attach_private(f);
    folio_add_rmap_ptes(f);
    folio_set_flag(f, pg::lru);
    return {"ext4 page cache, buffers, mapped once", p, f};
}

sample anon_in_swapcache()
{
    sim::page p{.flags = 1ul << sim::PG_swapbacked | 1ul << sim::PG_owner_priv_1,
                ._refcount = 2,
                ._mapcount = 0,
                .mapping = reinterpret_cast<std::uintptr_t>(&sim::anon_vma_dummy) | 1,
                .pfn = 0x200};
    rich f(rich::state{.pfn = 0x200});
    folio_add_new_anon_rmap(f, anon_mapping);
    add_to_swap_cache(f);
    return {"anon in swap cache, mapped once", p, f};
}

sample pinned_anon()
{
    sim::page p{.flags = 1ul << sim::PG_swapbacked,
                ._refcount = 1025,
                ._mapcount = 0,
                .mapping = reinterpret_cast<std::uintptr_t>(&sim::anon_vma_dummy) | 1,
                .pfn = 0x300};
    rich f(rich::state{.pfn = 0x300});
    folio_add_new_anon_rmap(f, anon_mapping);
    try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
    return {"anon pinned with FOLL_PIN", p, f};
}
} // namespace

static int run()
{
    int mismatches = 0;
    std::printf("%-40s %-12s %8s %8s %8s  %s\n", "state", "rule set", "refcount", "sim", "foliorc",
                "dma-pinned");
    for (auto s : {ext4_with_buffers(), anon_in_swapcache(), pinned_anon()}) {
        kernel_rule_sets::for_each([&]<class R>() {
            const int a = expected_ref_count<R>(s.page);
            const int b = expected_ref_count<R>(s.folio);
            mismatches += a != b;
            std::printf("%-40.*s %-12.*s %8d %8d %8d  %s\n", int(s.what.size()), s.what.data(),
                        int(R::name.size()), R::name.data(), s.page._refcount, a, b,
                        folio_maybe_dma_pinned(s.page) == folio_maybe_dma_pinned(s.folio)
                            ? (folio_maybe_dma_pinned(s.page) ? "yes" : "no")
                            : "DIFFERS");
        });
    }
    std::printf("%s\n",
                mismatches ? "representations DISAGREE" : "same answers from both representations");
    return mismatches ? 1 : 0;
}

int main()
{
    try {
        return run();
    } catch (const std::exception& e) { // a refusal nobody expected: the example is wrong
        std::fprintf(stderr, "unexpected: %s\n", e.what());
        return 1;
    }
}
