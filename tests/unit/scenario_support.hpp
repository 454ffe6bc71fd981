// Shared by the collect/migrate tests: a small kernel of two CPUs built from foliorc's own
// batches. CPU 0 is where earlier faults ran ("CPU A"); CPU 1 runs the GUP call ("CPU B").
#pragma once

#include <deque>
#include <vector>

#include "test_support.hpp"

namespace foliorc::test {

inline constexpr unsigned cpu_a = 0, cpu_b = 1;
inline constexpr mapping hugetlbfs_map = file_mapping(fs::hugetlbfs);

struct scenario {
    lru_caches<full_folio> caches{{.nr_cpus = 2}};
    std::deque<full_folio> folios; // stable addresses for the batches
    std::vector<page_ref<full_folio>> pofs;
    model::gup_env<full_folio> env{caches, cpu_b};

    // A folio where the kernel's allocator would put a movable user page: in a CMA pageblock
    // unless said otherwise.
    // Folio k starts at pfn 0x10000 + k * pfn_stride; a stride of 1 << order makes neighbours.
    std::uint64_t pfn_stride = 0x1000;
    full_folio& alloc(unsigned order = 0, migratetype mt = migratetype::cma,
                      zone_type zone = zone_type::normal, page_type t = page_type::none)
    {
        const std::uint64_t pfn = 0x10000 + pfn_stride * folios.size();
        return folios.emplace_back(
            full_folio::state{.pfn = pfn, .order = order, .type = t, .zone = zone, .mt = mt});
    }
    // A write fault on a mapping by CPU `cpu`: page cache (file) or anon rmap, one PTE per page,
    // onto cpu's lru_add batch; the fault's references (folio_ref_add of nr_pages - 1 on a large
    // folio, as do_anonymous_page) become the PTEs'.
    full_folio& fault(const mapping& m, unsigned cpu, unsigned order = 0,
                      migratetype mt = migratetype::cma)
    {
        full_folio& f = alloc(order, mt);
        if (m.is_file())
            filemap_add_folio(f, m);
        if (f.nr_pages() > 1)
            folio_ref_add(f, holder::caller, f.nr_pages() - 1);
        if (m.is_anon())
            folio_add_new_anon_rmap(f, m, f.nr_pages());
        else
            folio_add_rmap_ptes(f, f.nr_pages());
        caches.folio_add_lru(cpu, f);
        return f;
    }
    // pin_user_pages(FOLL_PIN | FOLL_LONGTERM) of every page of f: one pofs entry per page.
    void pin(full_folio& f, int pages = -1)
    {
        if (pages < 0)
            pages = f.nr_pages();
        for (int i = 0; i < pages; ++i) {
            try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
            pofs.push_back(page_ref<full_folio>{&f});
        }
        caches.reset_counters();
    }
};

} // namespace foliorc::test
