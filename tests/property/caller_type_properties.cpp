// A caller's own folio type (the struct page array of examples/struct_page_sim.hpp) behaves
// exactly as basic_folio under the same random operation sequences: the same refusals, with the
// same codes, and the same state after every operation. Its writes go through its traits, the
// basic_folio's through apply(); both are checked by the same validation (folio_change.hpp).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <vector>

#include <foliorc/folio_ops.hpp>
#include <foliorc/pin.hpp>

#include "struct_page_sim.hpp"

namespace {
using namespace foliorc;
using ksim_mapping = basic_mapping<ksim::filesystem>;
using reference = basic_folio<int, ksim_mapping, no_ledger>;

const ksim::address_space ext4_file{&ksim::ext4, "ext4"};
const ksim::address_space ceph_file{&ksim::ceph, "ceph"};
const ksim::adapter::mapping files[] = {ksim::adapter::file(ext4_file),
                                        ksim::adapter::file(ceph_file)};
constexpr pg plain_flags[] = {pg::lru,        pg::active, pg::unevictable, pg::mlocked,
                              pg::referenced, pg::dirty,  pg::swapbacked,  pg::workingset};

struct op {
    int code;
    int arg;
};

// One operation on either folio; many are refused for the state at hand.
template <class F>
void apply_op(F& f, op o)
{
    const int a = o.arg;
    switch (o.code) {
    case 0: ::foliorc::folio_get(f); break;
    case 1: ::foliorc::folio_put(f); break;
    case 2: ::foliorc::filemap_add_folio(f, files[a % 2]); break;
    case 3: ::foliorc::folio_add_new_anon_rmap(f, ksim::adapter::anon, 1 + a % 2); break;
    case 4: ::foliorc::folio_add_rmap_ptes(f, 1 + a % 2); break;
    case 5: ::foliorc::folio_remove_rmap_ptes(f, 1); break;
    case 6: ::foliorc::add_to_swap_cache(f); break;
    case 7: ::foliorc::delete_from_swap_cache(f); break;
    case 8: ::foliorc::filemap_remove_folio(f); break;
    case 9: ::foliorc::folio_attach_private(f); break;
    case 10: ::foliorc::folio_detach_private(f); break;
    case 11: ::foliorc::folio_start_private_2(f); break;
    case 12: ::foliorc::folio_end_private_2(f); break;
    case 13: ::foliorc::try_grab_folio(f, 1 + a % 2, FOLL_PIN | FOLL_LONGTERM); break;
    case 14: ::foliorc::unpin_folio(f); break;
    case 15: ::foliorc::try_grab_folio(f, 1, FOLL_GET); break;
    case 16: ::foliorc::gup_put_folio(f, 1, FOLL_GET); break;
    case 17: ::foliorc::folio_set_flag(f, plain_flags[a % 8]); break;
    case 18: ::foliorc::folio_clear_flag(f, plain_flags[a % 8]); break;
    case 19: (void)::foliorc::folio_isolate_lru(f); break;
    default: break;
    }
}

template <class F>
std::optional<errc> try_op(F& f, op o)
{
    try {
        apply_op(f, o);
        return std::nullopt;
    } catch (const folio_error& e) {
        return e.code();
    }
}

// What both must agree on, read through the library's queries.
template <class F>
auto observe(const F& f)
{
    std::vector<int> v{folio_ref_count(f), folio_mapcount(f), folio_pincount(f),
                       int(folio_raw_mapping(f))};
    for (pg p : {pg::lru, pg::active, pg::unevictable, pg::mlocked, pg::referenced, pg::dirty,
                 pg::swapbacked, pg::workingset, pg::owner_priv_1, pg::owner_2, pg::private_,
                 pg::private_2})
        v.push_back(folio_test(f, p));
    return v;
}

RC_GTEST_PROP(CallerTypeProperties, SameRefusalsAndStatesAsBasicFolio, ())
{
    const unsigned order = *rc::gen::element(0u, 2u);
    const auto ops = *rc::gen::container<std::vector<op>>(
        rc::gen::construct<op>(rc::gen::inRange(0, 20), rc::gen::inRange(0, 8)));
    ksim::memory mem(8);
    ksim::folio& mine = mem.alloc(order);
    mine.flags = 0; // the head bit is the simulator's; basic_folio does not keep PG_head
    reference ref(reference::state{.order = order});
    for (const op o : ops) {
        const auto a = try_op(mine, o);
        const auto b = try_op(ref, o);
        RC_ASSERT(a == b);
        RC_ASSERT(observe(mine) == observe(ref));
    }
}

} // namespace
