// Built as a target: compiling this file is the test. collect_unpinnable in constant evaluation
// (where an out-of-range iterator is a compile error), over a random-access pofs (runs walked by
// std::find_if_not) and a forward-only one (entry by entry), with and without prefetching.
// Expected values are worked out below from docs/kernel.md ("Collection and drain policies", "Pins"), never from a run.
#include <foliorc/foliorc.hpp>

#include <array>
#include <cstddef>
#include <iterator>
#include <ranges>

namespace {
using namespace foliorc;
using F = basic_folio<int, mapping, ledger_by_kind>;

// Anon, one PTE per page, on the LRU, pinned once per pofs entry (FOLL_PIN | FOLL_LONGTERM),
// allocation reference dropped.
constexpr F pinned_anon(std::uint64_t pfn, unsigned order, zone_type zone, int pins)
{
    F f(F::state{.pfn = pfn, .order = order, .zone = zone, .flags = flag_set{pg::lru}});
    // do_anonymous_page: folio_ref_add(nr_pages - 1), then the rmap takes the references over.
    if (f.nr_pages() > 1)
        folio_ref_add(f, holder::caller, f.nr_pages() - 1);
    folio_add_new_anon_rmap(f, anon_mapping, f.nr_pages());
    for (int i = 0; i < pins; ++i)
        try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
    return f;
}

// Performs the isolations, counts nothing itself (collect_result counts the drains).
struct static_env {
    constexpr bool is_longterm_pinnable(const F& f) const { return folio_is_longterm_pinnable(f); }
    constexpr bool is_device_coherent(const F&) const { return false; }
    constexpr bool isolate_hugetlb(F& f) const { return folio_isolate_hugetlb(f); }
    constexpr void lru_add_drain() const {}
    constexpr void lru_add_drain_all() const {}
    constexpr bool isolate_lru(F& f) const { return folio_isolate_lru(f); }
    constexpr void add_to_list(F&) const {}
};

// A: order 2, ZONE_MOVABLE; B: order 0, ZONE_NORMAL (pinnable); C: order 0, ZONE_MOVABLE, with
// one stray reference. pofs [A, A, A, A, B, C, A]: runs A (4 entries), B, C, A (1).
//   A: unpinnable, collected 1; large, so pin_aware never drains (folio_may_be_lru_cached
//      is false); PG_lru set: isolated 1.
//   B: pinnable, skipped.
//   C: collected 2. refcount = 1 (PTE) + 1024 (one pin, GUP_PIN_COUNTING_BIAS) + 1 (stray)
//      = 1026; expected 1 (mapcount) + 1024 (this call's pin) = 1025: local drain (which frees
//      nothing here), still 1026: drain-all. Isolated 2.
//   A again: collected 3; PG_lru was cleared by the first isolation: not isolated.
// Result: 7 entries, 4 folios, 3 collected, 2 isolated, 1 local drain, 1 drain-all.
constexpr collect_result want{
    .entries = 7, .folios = 4, .collected = 3, .isolated = 2, .local_drains = 1, .drain_alls = 1};

// pofs seen through a forward iterator only (std::views::filter would do, but clang 14 cannot
// compile libstdc++ 12's views).
template <class T, std::size_t N>
struct forward_only {
    const std::array<T, N>* a;
    struct iterator {
        using iterator_concept = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        const T* p = nullptr;
        constexpr const T& operator*() const { return *p; }
        constexpr iterator& operator++()
        {
            ++p;
            return *this;
        }
        constexpr iterator operator++(int)
        {
            iterator was = *this;
            ++p;
            return was;
        }
        friend constexpr bool operator==(iterator, iterator) = default;
    };
    constexpr iterator begin() const { return {a->data()}; }
    constexpr iterator end() const { return {a->data() + N}; }
};
static_assert(std::ranges::forward_range<forward_only<page_ref<F>, 7>>);
static_assert(!std::random_access_iterator<forward_only<page_ref<F>, 7>::iterator>);

template <bool RandomAccess, class Prefetch>
constexpr collect_result run()
{
    std::array<F, 3> f{pinned_anon(0x100, 2, zone_type::movable, 5),
                       pinned_anon(0x104, 0, zone_type::normal, 1),
                       pinned_anon(0x105, 0, zone_type::movable, 1)};
    folio_get(f[2], holder::transient);
    F *a = &f[0], *b = &f[1], *c = &f[2];
    const std::array<page_ref<F>, 7> pofs{{{a}, {a}, {a}, {a}, {b}, {c}, {a}}};
    static_env env;
    if constexpr (RandomAccess) {
        return collect_unpinnable(pofs, env, drain::pin_aware<>{}, dedupe::pfn_range{}, no_sink{},
                                  Prefetch{});
    } else {
        return collect_unpinnable(forward_only<page_ref<F>, 7>{&pofs}, env, drain::pin_aware<>{},
                                  dedupe::pfn_range{}, no_sink{}, Prefetch{});
    }
}

static_assert(run<true, no_prefetch>() == want);
static_assert(run<true, prefetch_ahead<2>>() == want);
static_assert(run<true, prefetch_ahead<16>>() == want); // a window longer than pofs
static_assert(run<false, no_prefetch>() == want);
static_assert(run<false, prefetch_ahead<3>>() == want);

// A run of one large folio's pages is one folio whatever its length: pofs [A x 4] -> 4 entries,
// 1 folio.
static_assert([] {
    F a = pinned_anon(0x100, 2, zone_type::normal, 4);
    const std::array<page_ref<F>, 4> pofs{{{&a}, {&a}, {&a}, {&a}}};
    static_env env;
    const collect_result r = collect_unpinnable(pofs, env);
    return r.entries == 4 && r.folios == 1 && r.collected == 0;
}());
} // namespace
