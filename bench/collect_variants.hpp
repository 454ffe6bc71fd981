// The collection loop six ways on the same workload, plus the memory floor, for collect_bench
// and its agreement test.
//
// Workload: pofs of N page entries; every folio anon, mapped, on the LRU and pinned by this call.
// Layouts:
//   seq, shuffled, large9: 1% of folios in ZONE_MOVABLE (unpinnable), the rest pinnable; one
//     unpinnable folio in ten holds a stray reference, so the pin_aware policy has drains to
//     decide. seq: pofs in folio address order; shuffled: pofs order unrelated to addresses;
//     large9: runs of 512 entries per order-9 folio.
//   unpinnable: every folio in ZONE_MOVABLE (the pKVM case: guest memory in CMA), no stray
//     reference, pofs in address order: every folio goes through the drain decision (which finds
//     nothing to drain) and LRU isolation.
//   mixed: half of the folios unpinnable, chosen at random, pofs in random order: the
//     pinnable/unpinnable branch is unpredictable.
// The environment performs no drain or isolation (the result counts them; isolation succeeds for
// a folio on the LRU and leaves it there), so every iteration sees the same data and the loop
// itself is measured.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <string_view>
#include <vector>

#include <sys/mman.h>

#include <range/v3/algorithm/for_each.hpp>
#include <range/v3/view/chunk_by.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/transform.hpp>

#include <foliorc/collect.hpp>
#include <foliorc/folio.hpp>

namespace bench {

enum class layout { seq, shuffled, large9, unpinnable, mixed };
inline constexpr layout all_layouts[] = {layout::seq, layout::shuffled, layout::large9,
                                         layout::unpinnable, layout::mixed};
constexpr std::string_view layout_name(layout l)
{
    switch (l) {
    case layout::seq: return "seq";
    case layout::shuffled: return "shuffled";
    case layout::large9: return "large9";
    case layout::unpinnable: return "unpinnable";
    case layout::mixed: return "mixed";
    }
    return "?";
}

struct result {
    long collected = 0, isolated = 0, local_drains = 0, drain_alls = 0;
    friend bool operator==(const result&, const result&) = default;
};

// Deterministic per-folio choices. mixed: a hash bit, so the choice looks random to the branch
// predictor (splitmix64's finaliser).
inline bool mixed_unpinnable(std::size_t folio)
{
    std::uint64_t z = folio + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) & 1;
}
inline bool unpinnable(layout lay, std::size_t folio)
{
    switch (lay) {
    case layout::unpinnable: return true;
    case layout::mixed: return mixed_unpinnable(folio);
    default: return (folio * 2654435761u) % 100 == 7;
    }
}
inline bool stray(layout lay, std::size_t folio)
{
    return (lay == layout::seq || lay == layout::shuffled || lay == layout::large9) &&
           unpinnable(lay, folio) && (folio / 100) % 10 == 3;
}

// ---- the baseline: kernel-style C struct and loop -----------------------------------------------

namespace kernel_style {
// The fields the loop reads, as the kernel lays them in struct page: one flags word (PG_ bits,
// the zone in bits 56-57, the order of a head page in bits 48-55), compound_head (a tail's head
// | 1), a tagged mapping pointer (bit 0: anon), _refcount, and _mapcount (-1 unmapped; a page
// type in its top byte, as PGTY_hugetlb 0xf4).
struct page {
    unsigned long flags;
    unsigned long compound_head;
    unsigned long mapping;
    int _refcount;
    int _mapcount;
};

enum : unsigned {
    PG_lru = 5,
    PG_head = 6,
    PG_owner_priv_1 = 10,
    PG_private = 14,
    PG_swapbacked = 16
};
enum : unsigned { ZONES_SHIFT = 56, ORDER_SHIFT = 48, ZONE_MOVABLE = 3 };
constexpr unsigned PGTY_hugetlb = 0xf4;

inline page* vmemmap_base = nullptr; // pfn 0

inline unsigned long page_to_pfn(const page* p)
{
    return static_cast<unsigned long>(p - vmemmap_base);
}
inline page* page_folio(page* p)
{
    const unsigned long head = p->compound_head;
    // NOLINTNEXTLINE(performance-no-int-to-ptr): compound_head is a tagged pointer, as the kernel's
    return (head & 1) ? reinterpret_cast<page*>(head - 1) : p;
}
inline bool test_bit(unsigned b, const page* p)
{
    return p->flags >> b & 1;
}
inline unsigned folio_order(const page* f)
{
    return test_bit(PG_head, f) ? (f->flags >> ORDER_SHIFT) & 0xff : 0;
}
inline bool page_has_type(const page* f)
{
    return static_cast<unsigned>(f->_mapcount) >> 24 >= 0xf0;
}
inline bool folio_test_hugetlb(const page* f)
{
    return static_cast<unsigned>(f->_mapcount) >> 24 == PGTY_hugetlb;
}
inline bool folio_test_anon(const page* f)
{
    return f->mapping & 1;
}
inline bool folio_test_swapcache(const page* f)
{
    return test_bit(PG_owner_priv_1, f) && test_bit(PG_swapbacked, f);
}

// folio_expected_ref_count(), f183663901f2.
inline int folio_expected_ref_count(const page* f)
{
    const unsigned order = folio_order(f);
    if (page_has_type(f) && !folio_test_hugetlb(f))
        return 0;
    int ref = folio_test_swapcache(f) << order;
    if (!folio_test_anon(f))
        ref += ((f->mapping != 0) << order) + test_bit(PG_private, f);
    return ref + (page_has_type(f) ? 0 : f->_mapcount + 1);
}

// collect_longterm_unpinnable_folios() with pofs_next_folio() and lru_cache_drain_for_folio(),
// drains and isolation counted.
inline result collect(page* const* pofs, std::size_t n)
{
    result r;
    int drained = 0;
    for (std::size_t i = 0; i < n;) {
        page* folio = page_folio(pofs[i]);
        const unsigned long start = page_to_pfn(folio), end = start + (1ul << folio_order(folio));
        std::size_t j = i + 1;
        for (; j < n; ++j) {
            const unsigned long pfn = page_to_pfn(pofs[j]);
            if (pfn < start || pfn >= end)
                break;
        }
        const int pages = int(j - i);
        i = j;
        if (((folio->flags >> ZONES_SHIFT) & 3) != ZONE_MOVABLE) // folio_is_longterm_pinnable
            continue;
        ++r.collected;
        if (folio_test_hugetlb(folio)) {
            ++r.isolated;
            continue;
        }
        if (!test_bit(PG_head, folio)) { // folio_may_be_lru_cached
            const int extra = pages * 1024;
            if (drained == 0 && folio->_refcount != folio_expected_ref_count(folio) + extra) {
                ++r.local_drains;
                drained = 1;
            }
            if (drained == 1 && folio->_refcount != folio_expected_ref_count(folio) + extra) {
                ++r.drain_alls;
                drained = 2;
            }
        }
        if (!test_bit(PG_lru, folio)) // folio_isolate_lru
            continue;
        ++r.isolated;
    }
    return r;
}
} // namespace kernel_style

// ---- the data sets --------------------------------------------------------------------------------

using ffolio = foliorc::folio; // basic_folio<int, mapping, no_ledger>

// The kernel maps vmemmap (its struct page array) and the direct map with 2 MiB pages where it
// can; the data sets' arrays ask for the same (madvise(MADV_HUGEPAGE): transparent huge pages,
// which this machine gives on madvise), so that the large layouts measure cache misses, not
// 4 KiB TLB misses the kernel would not take. A hint: where THP is off the arrays stay on 4 KiB
// pages (docs/benchmarks.md has both).
template <class T>
struct huge_allocator {
    using value_type = T;
    huge_allocator() = default;
    template <class U>
    huge_allocator(const huge_allocator<U>&) noexcept
    {
    }
    T* allocate(std::size_t n)
    {
        constexpr std::size_t huge = std::size_t(2) << 20;
        // NOLINTNEXTLINE(bugprone-sizeof-expression): T is the element type, a pointer for pofs
        const std::size_t bytes = (n * sizeof(T) + huge - 1) / huge * huge;
        void* p = std::aligned_alloc(huge, bytes);
        if (!p)
            throw std::bad_alloc();
        (void)::madvise(p, bytes, MADV_HUGEPAGE); // a hint; refused where THP is off
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t) noexcept { std::free(p); }
    friend bool operator==(huge_allocator, huge_allocator) = default;
};
template <class T>
using huge_vector = std::vector<T, huge_allocator<T>>;

struct dataset {
    layout lay{};
    std::size_t n = 0;
    // kernel style: one struct page per pfn, pofs of page pointers
    huge_vector<kernel_style::page> vmemmap;
    huge_vector<kernel_style::page*> kpofs;
    // foliorc: one basic_folio per folio, pofs of page_ref
    huge_vector<ffolio> folios;
    huge_vector<foliorc::page_ref<ffolio>> fpofs;
};

inline void build(dataset& d, layout lay, std::size_t n)
{
    using namespace kernel_style;
    d = dataset{};
    d.lay = lay;
    d.n = n;
    const unsigned order = lay == layout::large9 ? 9 : 0;
    const std::size_t per = std::size_t(1) << order;
    const std::size_t nfolios = (n + per - 1) / per; // large9 at N = 256: half a folio
    d.vmemmap.assign(nfolios * per, page{});
    vmemmap_base = d.vmemmap.data();
    d.folios.reserve(nfolios);
    for (std::size_t k = 0; k < nfolios; ++k) {
        const bool movable = unpinnable(lay, k);
        const int refs = int(per) /* one PTE per page */ + int(per) * (order ? 1 : 1024) +
                         (stray(lay, k) ? 1 : 0);
        page& head = d.vmemmap[k * per];
        head.flags =
            (1ul << PG_lru) | (1ul << PG_swapbacked) |
            (static_cast<unsigned long>(movable ? unsigned(ZONE_MOVABLE) : 2u) << ZONES_SHIFT);
        if (order)
            head.flags |= (1ul << PG_head) | (static_cast<unsigned long>(order) << ORDER_SHIFT);
        head.mapping = 0x1000 | 1; // an anon_vma, tagged anon
        head._refcount = refs;
        head._mapcount = int(per) - 1;
        for (std::size_t t = 1; t < per; ++t)
            d.vmemmap[k * per + t].compound_head = reinterpret_cast<unsigned long>(&head) | 1;

        ffolio::state s;
        s.pfn = k * per;
        s.order = order;
        s.zone = movable ? foliorc::zone_type::movable : foliorc::zone_type::normal;
        s.flags = foliorc::flag_set{foliorc::pg::lru, foliorc::pg::swapbacked};
        s.mapping = &foliorc::anon_mapping;
        s.refcount = refs;
        s.mapcount = int(per);
        s.pincount = order ? int(per) : 0;
        d.folios.push_back(ffolio::unchecked(s));
    }
    std::vector<std::size_t> order_of(n);
    for (std::size_t i = 0; i < n; ++i)
        order_of[i] = i;
    if (lay == layout::shuffled || lay == layout::mixed)
        std::shuffle(order_of.begin(), order_of.end(), std::mt19937_64(20261125));
    d.kpofs.resize(n);
    d.fpofs.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t pfn = order_of[i];
        d.kpofs[i] = &d.vmemmap[pfn];
        d.fpofs[i] = {&d.folios[pfn / per]};
    }
}

// ---- the environment: performs nothing; collect_result counts the drains and isolations asked ---

template <class F>
struct dry_env {
    bool is_longterm_pinnable(const F& f) const
    {
        return foliorc::folio_zone(f) != foliorc::zone_type::movable;
    }
    bool is_device_coherent(const F&) const { return false; }
    bool isolate_hugetlb(F&) const { return true; }
    void lru_add_drain() const {}
    void lru_add_drain_all() const {}
    bool isolate_lru(F& f) const { return foliorc::folio_test_lru(f); }
    void add_to_list(F&) const {}
};

inline result from(const foliorc::collect_result& c)
{
    return {c.collected, c.isolated, c.local_drains, c.drain_alls};
}

// ---- the variants -------------------------------------------------------------------------------

[[gnu::noinline]] inline result run_baseline(const dataset& d)
{
    return kernel_style::collect(d.kpofs.data(), d.n);
}

[[gnu::noinline]] inline result run_foliorc(dataset& d)
{
    dry_env<ffolio> env;
    return from(foliorc::collect_unpinnable(d.fpofs, env));
}

[[gnu::noinline]] inline result run_prefetch(dataset& d)
{
    dry_env<ffolio> env;
    return from(foliorc::collect_unpinnable(d.fpofs, env, foliorc::drain::latest{},
                                            foliorc::dedupe::pfn_range{}, foliorc::no_sink{},
                                            foliorc::prefetch_ahead<32>{}));
}

result run_plugged(dataset& d);          // below, after the folio_traits specialization
result run_plugged_prefetch(dataset& d); // likewise

// The floor: the same pofs and folios as foliorc, one load of each entry's folio (its refcount)
// and nothing else: the memory-bound limit of the layout. The loads are independent, as the
// folio pointers come straight from pofs. The sum keeps them; a load of a large folio's entries
// after the first hits the cache, as it does for every variant.
[[gnu::noinline]] inline long run_floor(const dataset& d)
{
    long sum = 0;
    for (const auto& e : d.fpofs)
        sum += e.folio->ref_count();
    return sum;
}
// What run_floor returns: the workload's refcounts summed over entries.
inline long expected_floor(layout lay, std::size_t n)
{
    const std::size_t per = lay == layout::large9 ? 512 : 1;
    long sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = i / per;
        sum += long(per) + long(per) * (per > 1 ? 1 : 1024) + (stray(lay, k) ? 1 : 0);
    }
    return sum;
}

// The loop as a range-v3 pipeline: runs of entries of one folio, their folio and page count,
// the unpinnable ones, then the per-folio steps.
[[gnu::noinline]] inline result run_ranges(dataset& d)
{
    using namespace ranges;
    using E = foliorc::page_ref<ffolio>;
    foliorc::collect_result c;
    dry_env<ffolio> env;
    foliorc::drain::latest::state st{};
    auto runs =
        d.fpofs | views::chunk_by([](const E& a, const E& b) {
            return foliorc::dedupe::pfn_range::same(b, a.folio);
        }) |
        views::transform([](auto&& run) {
            return std::pair<ffolio*, int>{(*ranges::begin(run)).folio, int(ranges::distance(run))};
        }) |
        views::filter(
            [&](const std::pair<ffolio*, int>& p) { return !env.is_longterm_pinnable(*p.first); });
    ranges::for_each(runs, [&](const std::pair<ffolio*, int>& p) {
        ffolio& f = *p.first;
        ++c.collected;
        if (foliorc::folio_test_hugetlb(f)) {
            c.isolated += env.isolate_hugetlb(f);
            return;
        }
        const auto dd = foliorc::drain::latest::drain(st, f, env, foliorc::pin_refs(f, p.second));
        c.local_drains += dd.local;
        c.drain_alls += dd.all;
        if (env.isolate_lru(f))
            ++c.isolated;
    });
    return from(c);
}

// What every variant must return: derived from the workload, not from a run.
inline result expected_result(layout lay, std::size_t n)
{
    const std::size_t per = lay == layout::large9 ? 512 : 1;
    result r;
    bool any_stray = false;
    for (std::size_t k = 0; k < (n + per - 1) / per; ++k)
        if (unpinnable(lay, k)) {
            ++r.collected; // each unpinnable folio once (runs are deduped), all on the LRU
            ++r.isolated;
            any_stray |= per == 1 && stray(lay, k); // large folios never drain (may_be_lru_cached)
        }
    // pin_aware: the first stray small folio costs one local drain, which frees nothing here (the
    // environment only counts), then one drain-all; after that drained == 2.
    if (any_stray) {
        r.local_drains = 1;
        r.drain_alls = 1;
    }
    return r;
}

} // namespace bench

// ---- plugged: the baseline's own struct page through folio_traits --------------------------------
template <>
struct foliorc::folio_traits<bench::kernel_style::page> {
    using P = bench::kernel_style::page;
    static bool test_flag(const P& p, pg f)
    {
        using namespace bench::kernel_style;
        switch (f) {
        case pg::lru: return test_bit(PG_lru, &p);
        case pg::head: return test_bit(PG_head, &p);
        case pg::owner_priv_1: return test_bit(PG_owner_priv_1, &p);
        case pg::private_: return test_bit(PG_private, &p);
        case pg::swapbacked: return test_bit(PG_swapbacked, &p);
        default: return false;
        }
    }
    static unsigned order(const P& p) { return bench::kernel_style::folio_order(&p); }
    static int ref_count(const P& p) { return p._refcount; }
    static int mapcount(const P& p)
    {
        return bench::kernel_style::page_has_type(&p) ? 0 : p._mapcount + 1;
    }
    static int pincount(const P&) { return 0; }
    static mapping_kind mapping(const P& p)
    {
        return !p.mapping        ? mapping_kind::none
               : (p.mapping & 1) ? mapping_kind::anon
                                 : mapping_kind::file;
    }
    static page_type type(const P& p)
    {
        return bench::kernel_style::folio_test_hugetlb(&p) ? page_type::hugetlb
               : bench::kernel_style::page_has_type(&p)    ? page_type::buddy
                                                           : page_type::none;
    }
    static std::uint64_t pfn(const P& p) { return bench::kernel_style::page_to_pfn(&p); }
    static zone_type zone(const P& p)
    {
        return ((p.flags >> bench::kernel_style::ZONES_SHIFT) & 3) ==
                       bench::kernel_style::ZONE_MOVABLE
                   ? zone_type::movable
                   : zone_type::normal;
    }
};
// pofs of struct page*: the folio is page_folio(), the pfn pointer arithmetic.
template <>
struct foliorc::pofs_entry_traits<bench::kernel_style::page*> {
    using folio_type = bench::kernel_style::page;
    static constexpr bool is_page = true;
    static folio_type* folio(folio_type* p) { return bench::kernel_style::page_folio(p); }
    static std::uint64_t pfn(folio_type* p) { return bench::kernel_style::page_to_pfn(p); }
    static const void* prefetch_address(folio_type* p) { return p; }
};

[[gnu::noinline]] inline bench::result bench::run_plugged(dataset& d)
{
    dry_env<kernel_style::page> env;
    return from(foliorc::collect_unpinnable(d.kpofs, env));
}

// plugged with prefetch_ahead<32>: the struct page of the entry 32 ahead is prefetched
// (prefetch_address), which is the load page_folio() must make before anything else.
[[gnu::noinline]] inline bench::result bench::run_plugged_prefetch(dataset& d)
{
    dry_env<kernel_style::page> env;
    return from(foliorc::collect_unpinnable(d.kpofs, env, foliorc::drain::latest{},
                                            foliorc::dedupe::pfn_range{}, foliorc::no_sink{},
                                            foliorc::prefetch_ahead<32>{}));
}
