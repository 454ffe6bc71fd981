// pkvm_scenario: the pKVM/crosvm -ENOMEM of docs/kernel.md ("The pKVM failure") reproduced on foliorc's kernel
// model under every drain policy, and its fix. Nothing here states an outcome: the refcounts,
// drains and results below are what the model computes.
//
//   pkvm_scenario [--kernel VERSION] [--policy NAME|all] [--scenario seed|healthy] [--json]
//
// --kernel runs that kernel's preset as it was (rule sets, drain policy, dedupe, batch size,
// PG_lru era, migration passes; default: the latest); --policy swaps in another drain policy
// for a what-if, or runs every policy.
#include <foliorc/foliorc.hpp>
#include <foliorc/model/kernel.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace {
using namespace foliorc;
using namespace foliorc::model;

constexpr unsigned cpu_a = 0, cpu_b = 1;

struct options {
    std::string kernel = "latest";
    std::string kernel_used; // the preset's version
    std::string policy;      // empty: the kernel's own; "all": every policy
    std::string scenario = "seed";
    bool json = false;
};

std::string holders_text(const auto& f)
{
    std::string s;
    f.ledger().for_each([&](holder_id h, int n) {
        s += (s.empty() ? "" : ", ") + describe(h) + " " + std::to_string(n);
    });
    return s;
}

std::string flags_text(flag_set flags)
{
    std::string s;
    flags.for_each([&](pg f) { s += (s.empty() ? "" : "|") + std::string(pg_name(f)); });
    return s;
}

template <class K, class P>
int run(options& o)
{
    kernel_for<K, P> k(config_for<K>(2));
    const bool seed = o.scenario == "seed";
    struct row { // a snapshot after each step
        long step;
        unsigned cpu;
        std::string what;
        int folio;
        int refcount;
        std::string holders;
    };
    std::vector<row> rows;
    auto note = [&](unsigned cpu, std::string what, int folio) {
        const auto& f = k.folio(folio);
        rows.push_back({k.step(), cpu, std::move(what), folio, f.ref_count(), holders_text(f)});
    };

    // crosvm's guest memory: a memfd in a CMA pageblock, mlock2(MLOCK_ONFAULT).
    const int memfd = k.memfd_create("crosvm_guest", placement::cma);
    const int vma = k.mmap_file(memfd, 64);
    int x;
    if (seed) {
        k.mlock2_onfault(cpu_a, vma);
        x = k.fault(cpu_a, vma, 0);
        note(cpu_a, "user write fault, VM_LOCKED: lru_add + mlock batches", x);
        k.readahead(cpu_a, memfd, 1, 30);
        note(cpu_a, "readahead fills CPU A's lru_add batch; it is processed", x);
    } else {
        x = k.fault(cpu_a, vma, 0);
        note(cpu_a, "user write fault (not locked)", x);
        k.lru_add_drain_all(cpu_a);
        note(cpu_a, "every batch drained: no stray reference", x);
    }
    const pin_result r = k.pin_user_pages(cpu_b, vma, 0, 1);
    const int now = k.folio_at(vma, 0);
    note(cpu_b, "pin_user_pages(FOLL_PIN|FOLL_LONGTERM) -> " + std::string(errno_name(r.ret)), now);
    if (r.ret == 0) {
        k.unpin_user_pages(cpu_b, r);
        note(cpu_b, "unpin_user_pages", now);
    }

    if (o.json) {
        for (const auto& e : k.trace().events()) {
            write_event_json(std::cout, e, P::name);
            std::cout << '\n';
        }
        std::cout << R"({"type":"result","kernel":")" << o.kernel_used << R"(","policy":")"
                  << P::name << R"(","scenario":")" << o.scenario << R"(","result":")"
                  << errno_name(r.ret) << R"(","errno":)" << r.ret << R"(,"drain_local":)"
                  << r.local_drains << R"(,"drain_all":)" << r.drain_alls << R"(,"wasted_drains":)"
                  << r.wasted_drains << R"(,"migrate_passes":)" << r.migrate_passes
                  << R"(,"migrate_async_passes":)" << r.migrate_async_passes
                  << R"(,"migrate_sync_passes":)" << r.migrate_sync_passes << R"(,"gup_attempts":)"
                  << r.gup_attempts << "}\n";
        return r.ret;
    }

    std::printf("\n== policy %.*s (%.*s)\n", int(P::name.size()), P::name.data(),
                int(P::mirrors.size()), P::mirrors.data());
    std::printf("%4s %3s  %-58s %6s %8s  %s\n", "step", "cpu", "operation", "folio", "refcount",
                "holders");
    for (const auto& rw : rows)
        std::printf("%4ld %3u  %-58s %6d %8d  %s\n", rw.step, rw.cpu, rw.what.c_str(), rw.folio,
                    rw.refcount, rw.holders.c_str());
    if (now != x)
        std::printf("           page 0 now maps folio %d (pfn 0x%llx, %s); folio %d was freed "
                    "(refcount %d)\n",
                    now, (unsigned long long)k.folio(now).pfn(),
                    folio_is_longterm_pinnable(k.folio(now)) ? "pinnable" : "unpinnable", x,
                    k.folio(x).ref_count());
    std::printf("           flags of folio %d: %s\n", now,
                flags_text(k.folio(now).flags()).c_str());
    std::printf("result: %-7.*s errno %d, lru_add_drain %ld, lru_add_drain_all %ld (wasted %ld), "
                "migrate passes %d (%d async + %d sync), gup attempts %d\n",
                int(errno_name(r.ret).size()), errno_name(r.ret).data(), r.ret, r.local_drains,
                r.drain_alls, r.wasted_drains, r.migrate_passes, r.migrate_async_passes,
                r.migrate_sync_passes, r.gup_attempts);
    return r.ret;
}

bool parse(int argc, char** argv, options& o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--json")
            o.json = true;
        else if (a == "--policy" && i + 1 < argc)
            o.policy = argv[++i];
        else if (a == "--kernel" && i + 1 < argc)
            o.kernel = argv[++i];
        else if (a == "--scenario" && i + 1 < argc)
            o.scenario = argv[++i];
        else
            return false;
    }
    return o.scenario == "seed" || o.scenario == "healthy";
}
} // namespace

static int run(int argc, char** argv)
{
    options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: %s [--kernel VERSION] [--policy NAME|all] [--scenario seed|healthy] "
                     "[--json]\n",
                     argv[0]);
        return 2;
    }
    bool found = false;
    const std::string version =
        o.kernel == "latest" ? std::string(kernels::latest::version) : o.kernel;
    const auto looked = kernels::with_preset(version, [&]<class K>() {
        o.kernel_used = std::string(K::version);
        if (!o.json)
            std::printf("pKVM/crosvm (%s) on kernel %s: a shmem folio in CMA, faulted on CPU A, "
                        "pinned longterm on CPU B\n",
                        o.scenario.c_str(), o.kernel_used.c_str());
        if (o.policy.empty()) {
            found = true;
            run<K, typename K::policy>(o);
            return;
        }
        kernel_drain_policies::for_each([&]<class P>() {
            if (o.policy != "all" && o.policy != P::name)
                return;
            found = true;
            run<K, P>(o);
        });
    });
    if (!looked) {
        std::fprintf(stderr, "not a kernel version: %s\n", o.kernel.c_str());
        return 2;
    }
    if (!looked->warning.empty())
        std::fprintf(stderr, "%s\n", looked->warning.c_str());
    if (!found) {
        std::fprintf(stderr, "no policy named %s\n", o.policy.c_str());
        return 2;
    }
    return 0;
}

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) { // a refusal nobody expected: the example is wrong
        std::fprintf(stderr, "unexpected: %s\n", e.what());
        return 1;
    }
}
