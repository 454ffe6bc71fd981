// plug_your_struct_page: an mm simulator's own struct page array (struct_page_sim.hpp: compound
// pages, raw -1 based _mapcount, folio-level _pincount, atomic _refcount) runs the whole library
// through folio_traits alone: expected refcounts, pins, the per-CPU batches, collection over a
// pofs of page pointers, migration out of ZONE_MOVABLE and the re-pin loop of
// pin_user_pages_longterm. The simulator's own kernel-named functions (ksim::folio_get & co)
// sit beside its types and are never called by foliorc.
#include <cstdio>
#include <exception>
#include <vector>

#include <foliorc/collect.hpp>
#include <foliorc/folio_ops.hpp>
#include <foliorc/gup.hpp>
#include <foliorc/rules.hpp>

#include "struct_page_sim.hpp"

namespace {

void show(const char* what, const ksim::folio& f)
{
    std::printf(
        "  %-44s pfn %-3lu order %u  _refcount %-5d _mapcount %-2d _pincount %d  flags %#lx\n",
        what, f.pages->pfn, unsigned(f._folio_order), f._refcount.load(),
        f._folio_order ? f._large_mapcount : f.pages->_mapcount, f._pincount, f.flags);
}

void print_log()
{
    for (const auto& line : ksim::adapter::log)
        std::printf("    ledger: %s\n", line.c_str());
    ksim::adapter::log.clear();
}

} // namespace

namespace {
int run()
{
    using namespace foliorc;
    ksim::memory mem(64);
    lru_caches<ksim::folio> caches({.nr_cpus = 2});
    const ksim::address_space ext4_file{&ksim::ext4, "ext4:data"};

    std::puts("1. A page-cache folio, mapped once, with buffer heads");
    ksim::folio& file = mem.alloc(0);
    ::foliorc::filemap_add_folio(file, ksim::adapter::file(ext4_file));
    ::foliorc::folio_attach_private(file);
    ::foliorc::folio_add_rmap_ptes(file); // the fault's reference becomes the PTE's
    show("after filemap_add_folio, attach_private, map", file);
    kernel_rule_sets::for_each([&]<class R>() {
        std::printf("    expected_ref_count<%s> = %d\n", R::name.data(),
                    ::foliorc::expected_ref_count<R>(file));
    });
    print_log();

    std::puts("2. Pins: the bias on an order-0 folio, _pincount on an order-2 one");
    ksim::folio& small = mem.alloc(0);
    ksim::folio& large = mem.alloc(2);
    ::foliorc::try_grab_folio(small, 1, FOLL_PIN);
    ::foliorc::try_grab_folio(large, 2, FOLL_PIN);
    show("order-0 after one FOLL_PIN", small);
    show("order-2 after two FOLL_PIN pages", large);
    ::foliorc::unpin_folio(small);
    ::foliorc::gup_put_folio(large, 2, FOLL_PIN);
    try {
        ::foliorc::unpin_folio(large);
    } catch (const folio_error& e) {
        std::printf("    refused, nothing written: %s\n", e.what());
    }
    print_log();

    std::puts("3. Batches: mlock through CPU 1's mlock_fbatch");
    caches.folio_add_lru(1, file);
    caches.lru_add_drain(1);
    caches.mlock_folio(1, file);
    show("queued on the mlock batch", file);
    caches.mlock_drain_local(1);
    show("after mlock_drain_local", file);
    std::printf("    mlock_count %u\n", caches.mlock_count(file));
    print_log();

    std::puts("4. pin_user_pages_longterm of 4 pages of an order-2 anon folio in ZONE_MOVABLE");
    ksim::folio& guest = mem.alloc(2, ksim::zone::movable);
    ::foliorc::folio_ref_add(guest, holder::caller, 3); // do_anonymous_page: one per PTE
    ::foliorc::folio_add_new_anon_rmap(guest, ksim::adapter::anon, 4);
    caches.folio_add_lru(0, guest);
    show("mapped by 4 PTEs", guest);
    std::vector<ksim::page*> pte{guest.pages, guest.pages + 1, guest.pages + 2, guest.pages + 3};
    ksim::adapter::gup env(mem, caches, 0, pte);
    std::vector<ksim::page*> pages;
    const gup_longterm_result g = ::foliorc::pin_user_pages_longterm(pages, env);
    std::printf("    ret %ld after %d attempts; migrated %d folio(s) in %d pass(es)\n", g.ret,
                g.attempts, g.migration.nr_succeeded, g.migration.passes);
    show("the old folio", guest);
    show("the new folio the pages now belong to", *ksim::page_folio(*pages[0]));
    print_log();

    const bool hijacked =
        (file.flags | small.flags | large.flags | guest.flags) >> ksim::PG_reserved & 1;
    std::printf("ksim's own folio_get/folio_put/... called by foliorc: %s\n",
                hijacked ? "YES (bug)" : "never");
    return hijacked || g.ret != 4 ? 1 : 0;
}
} // namespace

int main()
{
    try {
        return run();
    } catch (const std::exception& e) { // a refusal nobody expected: the example is wrong
        std::printf("unexpected: %s\n", e.what());
        return 1;
    }
}
