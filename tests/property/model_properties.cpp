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

// A kernel with three files and five vmas on three CPUs, driven by random operations.
template <class P, class K>
struct random_run {
    kernel_for<K, P> k{config_for<K>(3)};
    int memfd = k.memfd_create("guest", placement::cma);
    int ceph = k.file_open(fs::ceph, "ceph", placement::cma);
    int ext4 = k.file_open(fs::ext4, "ext4", placement::normal);
    std::vector<int> vmas{k.mmap_file(memfd, 8), k.mmap_file(ceph, 4), k.mmap_file(ext4, 4),
                          k.mmap_anon(4, placement::cma), k.mmap_anon(4, placement::movable)};
    std::vector<int> files{memfd, ceph, ext4};
    std::vector<pin_result> pins;
    bool pin_failed = false;

    void apply(const op& o)
    {
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
    }
};

template <class P, class K = kernels::latest>
void check_random_run(const std::vector<op>& ops)
{
    random_run<P, K> run;
    auto& k = run.k;
    const auto& files = run.files;
    const auto& vmas = run.vmas;
    const auto& pins = run.pins;

    for (const op& o : ops) {
        run.apply(o);

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
    RC_CLASSIFY(run.pin_failed, "a pin failed");

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

// A copy taken after any prefix of a random run, run on with the rest, ends where the whole run
// on one kernel ends (every folio field, ledger, trace event and migration), and the original,
// run on after the copy's work, ends there too. policy_report's prefix tree relies on this.
template <class P, class K = kernels::latest>
void check_copy_mid_run(const std::vector<op>& ops, std::size_t split)
{
    random_run<P, K> whole, original;
    for (const op& o : ops)
        whole.apply(o);
    split = ops.empty() ? 0 : split % (ops.size() + 1);
    for (std::size_t i = 0; i < split; ++i)
        original.apply(ops[i]);
    random_run<P, K> copy = original;
    for (std::size_t i = split; i < ops.size(); ++i)
        copy.apply(ops[i]);
    for (std::size_t i = split; i < ops.size(); ++i)
        original.apply(ops[i]);
    for (const auto* r : {&copy, &original}) {
        RC_ASSERT(r->k.nr_folios() == whole.k.nr_folios());
        for (int id = 0; id < whole.k.nr_folios(); ++id) {
            const auto &a = r->k.folio(id), &b = whole.k.folio(id);
            RC_ASSERT(a.ref_count() == b.ref_count());
            RC_ASSERT(a.flags() == b.flags());
            RC_ASSERT(a.mapcount() == b.mapcount());
            RC_ASSERT(a.pincount() == b.pincount());
            RC_ASSERT(a.mapping_kind_() == b.mapping_kind_());
            RC_ASSERT(a.ledger() == b.ledger());
            RC_ASSERT(r->k.caches().queued(a) == whole.k.caches().queued(b));
        }
        const auto &ta = r->k.trace().events(), &tb = whole.k.trace().events();
        RC_ASSERT(ta.size() == tb.size());
        for (std::size_t i = 0; i < ta.size(); ++i) {
            RC_ASSERT(ta[i].step == tb[i].step);
            RC_ASSERT(ta[i].cpu == tb[i].cpu);
            RC_ASSERT(ta[i].event == tb[i].event);
            RC_ASSERT(ta[i].folio == tb[i].folio);
            RC_ASSERT(ta[i].refcount == tb[i].refcount);
            RC_ASSERT(ta[i].holders == tb[i].holders);
        }
        RC_ASSERT(r->k.migrations() == whole.k.migrations());
        RC_ASSERT(r->pins.size() == whole.pins.size());
    }
    RC_CLASSIFY(!whole.k.migrations().empty(), "migrated");
}

RC_GTEST_PROP(ModelProperties, ACopyRunsOnAsTheKernelUnderPinAware, ())
{
    check_copy_mid_run<drain::pin_aware<>>(*gen_ops(), *rc::gen::inRange<std::size_t>(0, 1000));
}
RC_GTEST_PROP(ModelProperties, ACopyRunsOnAsTheKernelOnKernel6_1_192, ())
{
    check_copy_mid_run<kernels::v6_1_192::policy, kernels::v6_1_192>(
        *gen_ops(), *rc::gen::inRange<std::size_t>(0, 1000));
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
