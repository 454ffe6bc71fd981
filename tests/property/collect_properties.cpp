// Properties of collect_unpinnable over random folio states, pofs (with duplicates) and drain
// policies, on foliorc's own batches (docs/kernel.md ("Collection and drain policies", "Per-CPU batches")).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <list>
#include <set>
#include <utility>
#include <vector>

#include "../unit/scenario_support.hpp"

namespace foliorc::test {
namespace {

struct folio_spec {
    int where; // 0 pinnable (normal/movable), 1 CMA, 2 ZONE_MOVABLE, 3 device, 4 hugetlb CMA
    int kind;  // 0 anon, 1 shmem, 2 ceph with PG_private_2
    int order; // 0 or 2
    int state; // 0 on LRU, 1 on a lru_add batch, 2 on LRU + mlock batch, 3 isolated elsewhere
    int cpu;   // where the fault ran
};

struct setup {
    std::vector<folio_spec> folios;
    std::vector<std::pair<int, int>> pofs; // (folio index, page index), duplicates allowed
    int policy;
};

rc::Gen<setup> gen_setup()
{
    return rc::gen::mapcat(rc::gen::inRange(1, 9), [](int n) {
        auto spec =
            rc::gen::build<folio_spec>(rc::gen::set(&folio_spec::where, rc::gen::inRange(0, 5)),
                                       rc::gen::set(&folio_spec::kind, rc::gen::inRange(0, 3)),
                                       rc::gen::set(&folio_spec::order, rc::gen::element(0, 2)),
                                       rc::gen::set(&folio_spec::state, rc::gen::inRange(0, 4)),
                                       rc::gen::set(&folio_spec::cpu, rc::gen::inRange(0, 2)));
        return rc::gen::build<setup>(
            rc::gen::set(&setup::folios, rc::gen::container<std::vector<folio_spec>>(
                                             static_cast<std::size_t>(n), spec)),
            rc::gen::set(&setup::pofs,
                         rc::gen::nonEmpty(rc::gen::container<std::vector<std::pair<int, int>>>(
                             rc::gen::pair(rc::gen::inRange(0, n), rc::gen::inRange(0, 4))))),
            rc::gen::set(&setup::policy, rc::gen::inRange(0, int(kernel_drain_policies::size))));
    });
}

void build(scenario& s, const setup& in)
{
    static constexpr mapping ceph = file_mapping(fs::ceph);
    for (const auto& fs : in.folios) {
        const bool huge = fs.where == 4;
        const migratetype mt = fs.where == 0                    ? migratetype::movable
                               : fs.where == 2 || fs.where == 3 ? migratetype::movable
                                                                : migratetype::cma;
        const zone_type zone = fs.where == 2   ? zone_type::movable
                               : fs.where == 3 ? zone_type::device
                                               : zone_type::normal;
        auto& f = s.alloc(huge ? 9 : unsigned(fs.order), mt, zone,
                          huge ? page_type::hugetlb : page_type::none);
        if (huge) {
            filemap_add_folio(f, hugetlbfs_map);
            folio_put(f);
            continue;
        }
        if (fs.kind == 0)
            folio_add_new_anon_rmap(f, anon_mapping);
        else {
            filemap_add_folio(f, fs.kind == 1 ? shmem_map : ceph);
            if (fs.kind == 2)
                folio_start_private_2(f);
            folio_add_rmap_ptes(f);
        }
        if (zone != zone_type::device) {
            s.caches.folio_add_lru(unsigned(fs.cpu), f);
            if (fs.state != 1)
                s.caches.lru_add_drain_cpu(unsigned(fs.cpu));
            if (fs.state == 2)
                s.caches.mlock_folio(unsigned(fs.cpu), f);
            if (fs.state == 3)
                folio_isolate_lru(f)                ? folio_get(f, holder::transient),
                    folio_put(f, holder::isolation) : void();
        }
        // The fault's reference is the PTE's (the rmap took it over): nothing to put.
    }
    for (auto [i, page] : in.pofs) {
        auto& f = s.folios[std::size_t(i)];
        try_grab_folio(f, 1, FOLL_PIN | FOLL_LONGTERM);
        s.pofs.push_back(page_ref<full_folio>{&f});
    }
    s.caches.reset_counters();
}

template <class Fn>
void with_policy(int index, Fn&& fn)
{
    int i = 0;
    kernel_drain_policies::for_each([&]<class P>() {
        if (i++ == index)
            fn(P{});
    });
}

RC_GTEST_PROP(CollectProperties, NoFolioIsLostAndReferencesBalanceAfterPutback, ())
{
    const setup in = *gen_setup();
    scenario s;
    build(s, in);

    std::set<const full_folio*> reported;
    collect_result r;
    with_policy(in.policy, [&](auto policy) {
        r = collect_unpinnable(s.pofs, s.env, policy, dedupe::pfn_range{},
                               [&](const full_folio& f, collect_decision d) {
                                   if (d != collect_decision::pinnable &&
                                       d != collect_decision::drained)
                                       reported.insert(&f);
                               });
        if constexpr (std::is_same_v<decltype(policy), drain::never>) {
            RC_ASSERT(r.local_drains == 0 && r.drain_alls == 0);
            RC_ASSERT(s.caches.counters() == drain_counters{});
        }
    });

    // Every distinct unpinnable input folio is isolated or reported as not isolatable.
    std::set<const full_folio*> unpinnable;
    for (const auto& e : s.pofs)
        if (!folio_is_longterm_pinnable(*e.folio))
            unpinnable.insert(e.folio);
    RC_ASSERT(reported == unpinnable);
    std::set<const full_folio*> listed(s.env.movable_list().begin(), s.env.movable_list().end());
    RC_ASSERT(listed.size() == s.env.movable_list().size()); // each at most once
    RC_ASSERT(long(listed.size()) == r.isolated);
    for (const auto* f : listed)
        RC_ASSERT(unpinnable.count(f) == 1);
    RC_ASSERT(r.collected >= long(unpinnable.size())); // non-adjacent duplicates count again

    // Put back, unpin, drain: only structural and the test's own transient references remain.
    for (auto* f : s.env.movable_list())
        s.env.putback(*f);
    for (const auto& e : s.pofs)
        unpin_folio(*e.folio);
    s.caches.lru_add_drain_all(cpu_b);
    for (const auto& f : s.folios) {
        RC_ASSERT(f.ref_count() == f.ledger().total());
        RC_ASSERT(f.ledger().held_kind(holder::isolation) == 0);
        RC_ASSERT(f.ledger().held_kind(holder::foll_pin) == 0);
        RC_ASSERT(f.ledger().held_kind(holder::batch) == 0);
        RC_ASSERT(f.ref_count() == expected_ref_count<rules::latest>(f) +
                                       f.ledger().held(holder::private_2) +
                                       f.ledger().held(holder::transient));
    }
}

// How collect_unpinnable walks pofs (a random-access range by std::find_if_not, any other entry
// by entry; with or without prefetching) must not change what it decides.
struct walk_outcome {
    collect_result result;
    std::vector<std::pair<std::size_t, collect_decision>> decisions; // (folio index, decision)
    friend bool operator==(const walk_outcome&, const walk_outcome&) = default;
};

template <class Walk>
walk_outcome walk(const setup& in, Walk&& run)
{
    scenario s;
    build(s, in);
    walk_outcome out;
    auto sink = [&](const full_folio& f, collect_decision d) {
        std::size_t i = 0;
        while (&s.folios[i] != &f)
            ++i;
        out.decisions.emplace_back(i, d);
    };
    with_policy(in.policy, [&](auto policy) { out.result = run(s, policy, sink); });
    return out;
}

RC_GTEST_PROP(CollectProperties, EveryWalkOfPofsDecidesTheSame, ())
{
    const setup in = *gen_setup();
    const walk_outcome by_vector = walk(in, [](scenario& s, auto policy, auto& sink) {
        return collect_unpinnable(s.pofs, s.env, policy, dedupe::pfn_range{}, sink);
    });
    RC_ASSERT(by_vector.result.entries == long(in.pofs.size()));
    const auto on_list = [](auto prefetch) {
        return [=](scenario& s, auto policy, auto& sink) {
            std::list<page_ref<full_folio>> pofs(s.pofs.begin(), s.pofs.end());
            return collect_unpinnable(pofs, s.env, policy, dedupe::pfn_range{}, sink, prefetch);
        };
    };
    const auto on_vector = [](auto prefetch) {
        return [=](scenario& s, auto policy, auto& sink) {
            return collect_unpinnable(s.pofs, s.env, policy, dedupe::pfn_range{}, sink, prefetch);
        };
    };
    RC_ASSERT(walk(in, on_list(no_prefetch{})) == by_vector);
    RC_ASSERT(walk(in, on_list(prefetch_ahead<2>{})) == by_vector);
    RC_ASSERT(walk(in, on_vector(prefetch_ahead<1>{})) == by_vector);
    RC_ASSERT(walk(in, on_vector(prefetch_ahead<3>{})) == by_vector);
}

} // namespace
} // namespace foliorc::test
