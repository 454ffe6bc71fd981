// policy_report: every interleaving of a scenario on foliorc's kernel model, run under every
// drain policy; per policy the pins that failed, the drains, the wasted drains (a drain that
// released no reference on a folio the pin collected) and the worst interleaving's counts.
//
//   policy_report [--kernel VERSION] [--cpus N] [--ops K | --ops A,B,C...] [--threads T]
//                 [--no-reduce | --flat] [--json]
//
// --kernel: the preset whose rule sets, dedupe, batch size, PG_lru era and migration passes the
//   policies run under (default: the latest); its own policy is marked in the table.
// --cpus: CPUs in the scenario (default 3). --ops: operations per CPU, one number for all or one
//   per CPU (default 3,2,2 on three CPUs, 2 on any further CPU).
// --threads: threads that share the work (default: every core). The result does not depend on
//   it (foliorc::explore_prefix_tree: subtrees counted on their own, merged in order).
//
// Shared prefixes run once: the interleavings are walked as a prefix tree, and the kernel is
// copied where they part, so an operation runs once per distinct prefix, not once per
// interleaving, and the set-up once per policy.
//
// Reduction (off with --no-reduce): every count comes from a pin, and is final when the pin
// returns, so the operations after an interleaving's last pin cannot change any count. The walk
// stops at a prefix with no pin left and counts it once for each of the interleavings that
// share it (the multinomial of the operations left per CPU); the worst-case columns are maxima
// and need no weight. The counts are those of the full interleaving space (a test compares with
// --no-reduce), and the output says how many prefixes stood for how many interleavings.
//
// --flat: no tree and no reduction; each interleaving is set up and run alone from the start,
// as a check of the tree walk and of the kernel's copies (a test compares the two).
//
// Scenario. Set-up: a memfd "guest" in CMA mapped with mlock2(MLOCK_ONFAULT); a ceph file in CMA
// whose page 0 is mapped and under an fscache write (PG_private_2 with its reference). CPU c
// plays role c % 3, its operations in order (the default scenario is the first 3, 2, 2):
//   role 0 (faulter): fault guest page 31b; fault guest page 31b+1; readahead 29 guest pages
//                     from 31b+2; then the same with b + 1
//   role 1 (mlocker): munlock the guest vma; mlock2(MLOCK_ONFAULT) it again; and again
//   role 2 (pinner):  pin guest pages 0-1 longterm; pin ceph page 0 longterm; and again
#include <foliorc/explore.hpp>
#include <foliorc/foliorc.hpp>
#include <foliorc/model/kernel.hpp>

#include "number_list.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {
using namespace foliorc;
using namespace foliorc::model;

struct totals {
    long operations = 0; // kernel operations run (set by explore, not merged)
    long runs = 0, executed = 0, pins = 0, pins_failed = 0, local_drains = 0, drain_alls = 0,
         wasted = 0;
    long worst_drains = 0, worst_failed = 0;
    void add(const totals& o)
    {
        runs += o.runs;
        executed += o.executed;
        pins += o.pins;
        pins_failed += o.pins_failed;
        local_drains += o.local_drains;
        drain_alls += o.drain_alls;
        wasted += o.wasted;
        worst_drains = std::max(worst_drains, o.worst_drains);
        worst_failed = std::max(worst_failed, o.worst_failed);
    }
};

struct scenario {
    unsigned cpus = 3;
    std::vector<unsigned> ops{3, 2, 2};
    unsigned guest_pages() const
    {
        unsigned most = 0;
        for (unsigned c = 0; c < cpus; ++c)
            if (c % 3 == 0)
                most = std::max(most, ops[c]);
        return std::max(64u, 31 * ((most + 2) / 3) + 2);
    }
};

// A prefix of an interleaving run on a kernel under preset K and policy P: the kernel after it,
// and the counts of its pins (each pin's counts are final when it returns).
template <class K, class P>
struct run_state {
    kernel_for<K, P> k;
    int guest = -1, gv = -1, cv = -1;
    long pins = 0, failed = 0, drains = 0, local_drains = 0, drain_alls = 0, wasted = 0;

    // Set-up, run once per policy: every interleaving starts from a copy of this kernel.
    explicit run_state(const scenario& sc) : k(config_for<K>(sc.cpus))
    {
        k.trace().enabled = false;
        guest = k.memfd_create("guest", placement::cma);
        gv = k.mmap_file(guest, sc.guest_pages());
        k.mlock2_onfault(1, gv);
        const int ceph = k.file_open(fs::ceph, "ceph", placement::cma);
        cv = k.mmap_file(ceph, 4);
        const int cf = k.fault(2, cv, 0);
        k.lru_add_drain(2);
        k.fscache_write_begin(2, cf);
    }

    // Operation `op` of CPU `cpu` (its role is cpu % 3).
    void step(unsigned cpu, unsigned op)
    {
        switch (cpu % 3) {
        case 0: {
            const unsigned base = 31 * (op / 3);
            if (op % 3 == 0)
                k.fault(cpu, gv, base);
            else if (op % 3 == 1)
                k.fault(cpu, gv, base + 1);
            else
                k.readahead(cpu, guest, base + 2, 29);
            break;
        }
        case 1:
            if (op % 2 == 0)
                k.munlock(cpu, gv);
            else
                k.mlock2_onfault(cpu, gv);
            break;
        default:
            if (op % 2 == 0)
                pin(cpu, gv, 0, 2);
            else
                pin(cpu, cv, 0, 1);
            break;
        }
    }

    void pin(unsigned cpu, int v, unsigned page, unsigned n)
    {
        const pin_result p = k.pin_user_pages(cpu, v, page, n);
        ++pins;
        failed += p.ret != 0;
        drains += p.local_drains + p.drain_alls;
        local_drains += p.local_drains;
        drain_alls += p.drain_alls;
        wasted += p.wasted_drains;
    }

    // The end of an interleaving, or of `weight` interleavings that share this prefix.
    void count(totals& t, std::uint64_t weight) const
    {
        const long w = long(weight);
        t.runs += w;
        ++t.executed;
        t.pins += w * pins;
        t.pins_failed += w * failed;
        t.local_drains += w * local_drains;
        t.drain_alls += w * drain_alls;
        t.wasted += w * wasted;
        t.worst_drains = std::max(t.worst_drains, drains);
        t.worst_failed = std::max(t.worst_failed, failed);
    }
};

// Every interleaving of the scenario under preset K and policy P.
template <class K, class P>
totals explore(const scenario& sc, const interleaving_space& space, unsigned threads, bool reduce)
{
    using state = run_state<K, P>;
    std::atomic<long> operations{0};
    totals t = explore_prefix_tree(
        space, threads, state(sc), totals{},
        [&](state& s, unsigned cpu, unsigned op) {
            s.step(cpu, op);
            operations.fetch_add(1, std::memory_order_relaxed);
        },
        [](totals& acc, const state& s, std::uint64_t weight) { s.count(acc, weight); },
        // The reduction: no pin left, so nothing left can change a count.
        [&](const std::vector<unsigned>& left) {
            if (!reduce)
                return false;
            for (unsigned c = 2; c < sc.cpus; c += 3)
                if (left[c] > 0)
                    return false;
            return true;
        },
        [](totals& into, const totals& part) { into.add(part); });
    t.operations = operations.load();
    return t;
}

// The same without the tree: each interleaving set up and run alone, to its end (--flat, the
// check that the kernel's copies behave as the kernel would).
template <class K, class P>
totals explore_flat(const scenario& sc, const interleaving_space& space, unsigned threads)
{
    using state = run_state<K, P>;
    totals t = explore_interleavings(
        space, threads, totals{},
        [&](totals& acc, const std::vector<std::uint8_t>& order, std::uint64_t) {
            state s(sc);
            std::vector<unsigned> next(sc.cpus, 0);
            for (std::uint8_t cpu : order)
                s.step(cpu, next[cpu]++);
            s.count(acc, 1);
        },
        [](totals& into, const totals& part) { into.add(part); }, 64);
    t.operations = long(space.count() * space.length());
    return t;
}

} // namespace

static int run(int argc, char** argv)
{
    bool json = false;
    std::string_view version = kernels::latest::version;
    scenario sc;
    std::vector<unsigned> ops_arg;
    unsigned threads = 0;
    bool reduction = true;
    bool flat = false;
    auto usage = [&] {
        std::fprintf(stderr,
                     "usage: %s [--kernel VERSION] [--cpus N] [--ops K | --ops A,B,...] [--threads "
                     "T] [--no-reduce | --flat] [--json]\n",
                     argv[0]);
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--json")
            json = true;
        else if (a == "--no-reduce")
            reduction = false;
        else if (a == "--flat") {
            reduction = false;
            flat = true;
        } else if (a == "--kernel" && has_value)
            version = argv[++i];
        else if (a == "--cpus" && has_value) {
            if (!foliorc_cli::parse_number(argv[++i], sc.cpus) || sc.cpus < 3 || sc.cpus > 64)
                return std::fprintf(stderr, "--cpus: 3 to 64\n"), 2;
        } else if (a == "--ops" && has_value) {
            if (!foliorc_cli::parse_number_list(argv[++i], ops_arg))
                return usage();
        } else if (a == "--threads" && has_value) {
            if (!foliorc_cli::parse_number(argv[++i], threads))
                return usage();
        } else
            return usage();
    }
    if (version == "latest")
        version = kernels::latest::version;
    // Operations per CPU: the default 3, 2, 2 (then 2 each), one number for all, or one per CPU.
    sc.ops.assign(sc.cpus, 2);
    sc.ops[0] = 3;
    if (ops_arg.size() == 1)
        sc.ops.assign(sc.cpus, ops_arg[0]);
    else if (!ops_arg.empty()) {
        if (ops_arg.size() != sc.cpus)
            return std::fprintf(stderr, "--ops: one number, or one per CPU (%u)\n", sc.cpus), 2;
        sc.ops = ops_arg;
    }
    const interleaving_space space(sc.ops);
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());

    std::vector<std::string_view> names;
    std::vector<totals> results;
    std::string_view used, own;
    const auto start = std::chrono::steady_clock::now();
    const auto looked = kernels::with_preset(version, [&]<class K>() {
        used = K::version;
        own = K::policy::name;
        kernel_drain_policies::for_each([&]<class P>() {
            names.push_back(P::name);
            results.push_back(flat ? explore_flat<K, P>(sc, space, threads)
                                   : explore<K, P>(sc, space, threads, reduction));
        });
    });
    if (!looked) {
        std::fprintf(stderr, "not a kernel version: %.*s\n", int(version.size()), version.data());
        return 2;
    }
    if (!looked->warning.empty())
        std::fprintf(stderr, "%s\n", looked->warning.c_str());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double count = double(space.count());
    const long executed = results.empty() ? 0 : results[0].executed; // per policy
    long operations = 0;
    for (const totals& t : results)
        operations += t.operations;
    operations /= long(std::max<std::size_t>(results.size(), 1));
    const std::string reduction_text =
        (reduction ? "the walk stops at the last pin: " + std::to_string(executed) +
                         " prefixes per policy stand for " + std::to_string(space.count()) +
                         " interleavings"
                   : std::string(flat ? "none, and no tree: every interleaving set up and run alone"
                                      : "none: every interleaving walked to its end")) +
        "\nshared prefixes run once: " + std::to_string(operations) +
        " kernel operations per policy (" + std::to_string(space.count() * space.length()) +
        " if each interleaving ran alone)";

    std::string ops_text, ops_json;
    for (std::size_t c = 0; c < sc.ops.size(); ++c) {
        ops_text += (c ? " + " : "") + std::to_string(sc.ops[c]);
        ops_json += (c ? "," : "") + std::to_string(sc.ops[c]);
    }
    if (json) {
        std::printf(
            R"({"kernel":"%.*s","kernel_policy":"%.*s","cpus":%u,"ops":[%s],"interleavings":%llu,)"
            R"("reduction":"%s","executed_per_policy":%ld,"operations_per_policy":%ld,"threads":%u,"seconds":%.6f,"interleavings_per_s":%.1f,)"
            R"("pairs_per_s":%.1f,"policies":[)",
            int(used.size()), used.data(), int(own.size()), own.data(), sc.cpus, ops_json.c_str(),
            static_cast<unsigned long long>(space.count()),
            reduction ? "tail_after_last_pin" : "none", executed, operations, threads, secs,
            count / secs, count * double(results.size()) / secs);
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& name = names[i];
            const auto& t = results[i];
            std::printf(
                R"(%s{"policy":"%.*s","pins":%ld,"pins_failed":%ld,"local_drains":%ld,)"
                R"("drain_alls":%ld,"wasted_drains":%ld,"worst_drains":%ld,"worst_failed":%ld})",
                i ? "," : "", int(name.size()), name.data(), t.pins, t.pins_failed, t.local_drains,
                t.drain_alls, t.wasted, t.worst_drains, t.worst_failed);
        }
        std::printf("]}\n");
        return 0;
    }
    std::printf("kernel %.*s (its own policy: %.*s)\n", int(used.size()), used.data(),
                int(own.size()), own.data());
    std::printf("%llu interleavings of %u CPUs (%s operations), each under %zu policies, in "
                "%.2f s on %u threads (%.0f interleavings/s, %.0f interleaving-policy pairs/s)\n"
                "reduction: %s\n",
                static_cast<unsigned long long>(space.count()), sc.cpus, ops_text.c_str(),
                results.size(), secs, threads, count / secs, count * double(results.size()) / secs,
                reduction_text.c_str());
    std::printf("%-18s %6s %12s %13s %11s %14s %13s %13s\n", "policy", "pins", "pins failed",
                "local drains", "drain-alls", "wasted drains", "worst drains", "worst failed");
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& name = names[i];
        const auto& t = results[i];
        std::printf("%-18.*s %6ld %12ld %13ld %11ld %14ld %13ld %13ld\n", int(name.size()),
                    name.data(), t.pins, t.pins_failed, t.local_drains, t.drain_alls, t.wasted,
                    t.worst_drains, t.worst_failed);
    }
    return 0;
}

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) { // a refusal by the model: the scenario is wrong
        std::fprintf(stderr, "policy_report: %s\n", e.what());
        return 1;
    }
}
