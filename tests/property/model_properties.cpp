// Properties of the kernel model over random operation sequences on three CPUs.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include <foliorc/model/kernel.hpp>

namespace foliorc::test {
namespace {
using namespace foliorc::model;

struct op {
    int code, cpu, a, b;
};

template <class P, class K = kernels::latest>
void check_random_run(const std::vector<op>& ops)
{
    kernel_for<K, P> k(config_for<K>(3));
    const int memfd = k.memfd_create("guest", placement::cma);
    const int ceph = k.file_open(fs::ceph, "ceph", placement::cma);
    const int ext4 = k.file_open(fs::ext4, "ext4", placement::normal);
    const std::vector<int> vmas{k.mmap_file(memfd, 8), k.mmap_file(ceph, 4), k.mmap_file(ext4, 4),
                                k.mmap_anon(4, placement::cma), k.mmap_anon(4, placement::movable)};
    const std::vector<int> files{memfd, ceph, ext4};
    std::vector<pin_result> pins;
    bool pin_failed = false;

    for (const op& o : ops) {
        const unsigned cpu = unsigned(o.cpu);
        const int v = vmas[std::size_t(o.a) % vmas.size()];
        const unsigned npages = k.vma_at(v).npages;
        switch (o.code) {
        case 0: k.fault(cpu, v, unsigned(o.b) % npages); break;
        case 1:
            k.readahead(cpu, files[std::size_t(o.a) % 3], unsigned(o.b) % 8, 1 + unsigned(o.b) % 4);
            break;
        case 2: k.mlock2_onfault(cpu, v); break;
        case 3: k.mlock(cpu, v); break;
        case 4: k.munlock(cpu, v); break;
        case 5: {
            const unsigned page = unsigned(o.b) % npages;
            const pin_result r = k.pin_user_pages(cpu, v, page, 1 + (npages - page - 1) % 2);
            if (r.ret == 0)
                pins.push_back(r);
            else { // a failed pin keeps nothing
                RC_ASSERT(r.folios.empty());
                pin_failed = true;
            }
            break;
        }
        case 6:
            if (!pins.empty()) {
                k.unpin_user_pages(cpu, pins.back());
                pins.pop_back();
            }
            break;
        case 7: {
            const auto& cache = k.file_at(ceph).cache;
            if (!cache.empty()) {
                const int f = std::next(cache.begin(), o.b % int(cache.size()))->second;
                if (k.folio(f).test(pg::private_2))
                    k.fscache_write_end(cpu, f);
                else
                    k.fscache_write_begin(cpu, f);
            }
            break;
        }
        default: k.lru_add_drain(cpu); break;
        }

        // Never a lost folio: one holds references exactly when something reaches it (a page
        // cache, a page table, a batch entry, or an outstanding pin); nothing stays isolated.
        std::vector<int> reached(std::size_t(k.nr_folios()), 0);
        for (int fid : files)
            for (auto [index, id] : k.file_at(fid).cache)
                reached[std::size_t(id)] = 1;
        for (int vid : vmas)
            for (int id : k.vma_at(vid).pte)
                if (id >= 0)
                    reached[std::size_t(id)] = 1;
        for (const auto& p : pins)
            for (int id : p.folios)
                reached[std::size_t(id)] = 1;
        for (int id = 0; id < k.nr_folios(); ++id) {
            const auto& f = k.folio(id);
            RC_ASSERT(f.ref_count() == f.ledger().total());
            RC_ASSERT(f.ledger().held_kind(holder::isolation) == 0);
            const bool queued = k.caches().queued(f) > 0;
            RC_ASSERT((f.ref_count() > 0) == (reached[std::size_t(id)] || queued));
        }
    }

    // The trace: per folio, the running sum of the events' deltas is each event's count (the
    // page_ref tracepoints' val and count), it ends at the folio's refcount, and the ledger
    // recorded with each event sums to that count. Events that move no reference are absent.
    std::vector<long> sum(std::size_t(k.nr_folios()), 0);
    for (const auto& e : k.trace().events()) {
        RC_ASSERT(e.delta != 0);
        sum[std::size_t(e.folio)] += e.delta;
        RC_ASSERT(sum[std::size_t(e.folio)] == e.refcount);
        long held = 0;
        for (const auto& [h, n] : e.holders)
            held += n;
        RC_ASSERT(held == e.refcount);
        RC_ASSERT(e.tracepoint == model::page_ref_tracepoint(e.event, e.delta));
    }
    for (int id = 0; id < k.nr_folios(); ++id)
        RC_ASSERT(sum[std::size_t(id)] == k.folio(id).ref_count());

    RC_CLASSIFY(!k.migrations().empty(), "migrated");
    RC_CLASSIFY(pin_failed, "a pin failed");

    // Unpin everything, unmap everything, drain every CPU: only the page caches remain, which
    // is what folio_expected_ref_count describes, PG_private_2's reference aside.
    for (const auto& p : pins)
        k.unpin_user_pages(0, p);
    for (int vid : vmas)
        k.munmap(0, vid);
    k.lru_add_drain_all(0);
    for (int id = 0; id < k.nr_folios(); ++id) {
        const auto& f = k.folio(id);
        RC_ASSERT(f.ref_count() ==
                  expected_ref_count<rules::latest>(f) + f.ledger().held(holder::private_2));
    }
}

auto gen_ops()
{
    return rc::gen::container<std::vector<op>>(
        rc::gen::build<op>(rc::gen::set(&op::code, rc::gen::inRange(0, 9)),
                           rc::gen::set(&op::cpu, rc::gen::inRange(0, 3)),
                           rc::gen::set(&op::a, rc::gen::inRange(0, 5)),
                           rc::gen::set(&op::b, rc::gen::inRange(0, 8))));
}

RC_GTEST_PROP(ModelProperties, LedgerHoldsAndNothingIsLostUnderPinAware, ())
{
    check_random_run<drain::pin_aware<>>(*gen_ops());
}

RC_GTEST_PROP(ModelProperties, LedgerHoldsAndNothingIsLostUnderLruFlag, ())
{
    check_random_run<drain::lru_flag>(*gen_ops());
}

// Kernels as they were: 6.15 (PG_lru cleared on add, 3 + 7 passes), 6.1.192 (15-entry batches,
// 10 unbatched passes, prev_folio dedupe).
RC_GTEST_PROP(ModelProperties, LedgerHoldsAndNothingIsLostOnKernel6_15, ())
{
    check_random_run<kernels::v6_15::policy, kernels::v6_15>(*gen_ops());
}
RC_GTEST_PROP(ModelProperties, LedgerHoldsAndNothingIsLostOnKernel6_1_192, ())
{
    check_random_run<kernels::v6_1_192::policy, kernels::v6_1_192>(*gen_ops());
}

} // namespace
} // namespace foliorc::test
