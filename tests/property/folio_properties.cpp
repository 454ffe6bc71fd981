// Properties of the folio state model over random operation sequences (docs/kernel.md ("Invariants")).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "../unit/test_support.hpp"

namespace foliorc::test {
namespace {

constexpr const mapping* file_maps[] = {&shmem_map, &ext4_map, &ceph_map, &btrfs_612_map};
constexpr pg plain_flags[] = {pg::lru,        pg::active, pg::unevictable, pg::mlocked,
                              pg::referenced, pg::dirty,  pg::swapbacked,  pg::workingset};

struct op {
    int code;
    int arg;
};

// One operation; many are refused for the state at hand, which is part of what is tested.
void apply_op(full_folio& f, op o)
{
    const int a = o.arg;
    switch (o.code) {
    case 0: folio_get(f, holder::transient); break;
    case 1: folio_put(f, holder::transient); break;
    case 2:
        folio_get(f, batch_holder(a % 2 ? batch_kind::mlock : batch_kind::lru_add,
                                  static_cast<unsigned>(a % 3)));
        break;
    case 3:
        folio_put(f, batch_holder(a % 2 ? batch_kind::mlock : batch_kind::lru_add,
                                  static_cast<unsigned>(a % 3)));
        break;
    case 4: filemap_add_folio(f, *file_maps[a % 4]); break;
    case 5: folio_add_new_anon_rmap(f, a % 2 ? ksm_mapping : anon_mapping, 1 + a % 3); break;
    case 6: folio_add_rmap_ptes(f, 1 + a % 3); break;
    case 7: folio_remove_rmap_ptes(f, 1); break;
    case 8: add_to_swap_cache(f); break;
    case 9: delete_from_swap_cache(f); break;
    case 10: filemap_remove_folio(f); break;
    case 11: folio_attach_private(f); break;
    case 12: folio_detach_private(f); break;
    case 13: folio_start_private_2(f); break;
    case 14: folio_end_private_2(f); break;
    case 15: try_grab_folio(f, 1 + a % 2, FOLL_PIN | FOLL_LONGTERM); break;
    case 16: unpin_folio(f); break;
    case 17: try_grab_folio(f, 1 + a % 3, FOLL_GET); break;
    case 18: gup_put_folio(f, 1, FOLL_GET); break;
    case 19:
        if (a % 2)
            folio_get(f, holder::isolation);
        else
            folio_put(f, holder::isolation);
        break;
    case 20: folio_put(f); break;
    case 21: folio_set_flag(f, plain_flags[a % 8]); break;
    case 22: folio_clear_flag(f, plain_flags[a % 8]); break;
    default: break;
    }
}

// Drops every reference that is not structural: batches, GUP, isolation, caller, transients.
void release_transients(full_folio& f)
{
    std::vector<std::pair<holder_id, int>> held;
    f.ledger().for_each([&](holder_id h, int n) { held.emplace_back(h, n); });
    for (auto [h, n] : held) {
        switch (h.kind) {
        case holder::foll_pin:
            gup_put_folio(f, has_pincount(f.order()) ? n : n / gup_pin_counting_bias, FOLL_PIN);
            break;
        case holder::batch:
        case holder::foll_get:
        case holder::isolation:
        case holder::caller:
        case holder::transient: folio_ref_sub(f, h, n); break;
        default: break;
        }
    }
}

auto gen_ops()
{
    return rc::gen::container<std::vector<op>>(
        rc::gen::build<op>(rc::gen::set(&op::code, rc::gen::inRange(0, 23)),
                           rc::gen::set(&op::arg, rc::gen::inRange(0, 6))));
}

RC_GTEST_PROP(FolioProperties, RefusedOperationsChangeNothingAndRefcountIsTheLedgerSum, ())
{
    const unsigned order = *rc::gen::element(0u, 1u, 4u, 9u);
    full_folio f = alloc(order);
    for (const op& o : *gen_ops()) {
        const full_folio before = f;
        try {
            apply_op(f, o);
        } catch (const folio_error&) {
            RC_ASSERT(f.same_state(before));
        }
        RC_ASSERT(f.ref_count() >= 0);
        RC_ASSERT(f.ref_count() == f.ledger().total());
        RC_ASSERT(f.mapcount() == f.ledger().held(holder::pte));
        f.check(); // the state reached is one the checks accept
    }
}

RC_GTEST_PROP(FolioProperties, StructuralReferencesAreWhatTheLatestRulesExpect, ())
{
    const unsigned order = *rc::gen::element(0u, 1u, 4u, 9u);
    full_folio f = alloc(order);
    for (const op& o : *gen_ops()) {
        try {
            apply_op(f, o);
        } catch (const folio_error&) {
        }
    }
    release_transients(f);
    const int n = f.nr_pages();
    // Only page cache, swap cache, PG_private, PG_private_2 and page tables hold references now.
    RC_ASSERT(f.ref_count() ==
              f.ledger().held(holder::page_cache) + f.ledger().held(holder::swap_cache) +
                  f.ledger().held(holder::private_) + f.ledger().held(holder::private_2) +
                  f.ledger().held(holder::pte));
    // The latest rules account for all of it but the PG_private_2 reference, which they leave
    // out on purpose (docs/kernel.md ("PG_private_2")).
    const int p2 = f.ledger().held(holder::private_2);
    RC_ASSERT(expected_ref_count<rules::latest>(f) == f.ref_count() - p2);
    // v6_16 and v6_17 also miss the swap cache of a non-anon folio (f183663901f2, 1.4).
    const int shmem_swap = folio_test_swapcache(f) && !folio_test_anon(f) ? n : 0;
    RC_ASSERT(expected_ref_count<rules::v6_16>(f) == f.ref_count() - p2 - shmem_swap);
    RC_ASSERT(expected_ref_count<rules::v6_17>(f) == f.ref_count() - p2 - shmem_swap);
    RC_TAG(p2 ? "private_2 ref" : shmem_swap ? "shmem in swap cache" : "plain");
}

} // namespace
} // namespace foliorc::test
