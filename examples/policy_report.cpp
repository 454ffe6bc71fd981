// policy_report: every interleaving of a scenario on foliorc's kernel model, run under every
// drain policy; per policy the pins that failed, the drains, the wasted drains (a drain that
// released no reference on a folio the pin collected) and the worst interleaving's counts.
//
//   policy_report [--kernel VERSION] [--cpus N] [--ops K | --ops A,B,C...] [--threads T]
//                 [--no-reduce] [--json]
//
// --kernel: the preset whose rule sets, dedupe, batch size, PG_lru era and migration passes the
//   policies run under (default: the latest); its own policy is marked in the table.
// --cpus: CPUs in the scenario (default 3). --ops: operations per CPU, one number for all or one
//   per CPU (default 3,2,2 on three CPUs, 2 on any further CPU).
// --threads: threads that share the interleavings (default: every core). The result does not
//   depend on it: the interleavings are split into chunks of consecutive indices, each chunk
//   counted on its own and the chunks merged in index order (foliorc::explore_interleavings).
//
// Reduction (off with --no-reduce): every count comes from a pin, and is final when the pin
// returns, so the operations after an interleaving's last pin cannot change any count. The
// interleavings that differ only in the order of those operations are run once, for the one
// whose tail is in CPU order, stopping at the last pin, and counted with their number (the
// multinomial of the tail's operations per CPU); the worst-case columns are maxima and need no
// weight. The counts are those of the full interleaving space (a test compares with
// --no-reduce), and the output says how many kernel runs stood for how many interleavings.
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

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {
using namespace foliorc;
using namespace foliorc::model;

struct totals {
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

// The reduction: how many interleavings the given one stands for (0: it is not the one run for
// its class), and how many of its operations to run (up to and including its last pin).
struct reduced {
    std::uint64_t weight = 1;
    std::size_t run_ops = 0;
};
reduced reduce(const scenario& sc, const std::vector<std::uint8_t>& order, bool enabled)
{
    if (!enabled)
        return {1, order.size()};
    std::size_t tail = order.size(); // first position after the last pin
    while (tail > 0 && order[tail - 1] % 3 != 2)
        --tail;
    if (!std::is_sorted(order.begin() + std::ptrdiff_t(tail), order.end()))
        return {0, 0};
    std::vector<unsigned> left(sc.cpus, 0);
    for (std::size_t i = tail; i < order.size(); ++i)
        ++left[order[i]];
    return {foliorc::interleaving_space(left).count(), tail};
}

// One interleaving under kernel preset K and policy P, its first r.run_ops operations run and
// its counts added r.weight times to t.
template <class K, class P>
void run_one(totals& t, const scenario& sc, const std::vector<std::uint8_t>& order, reduced r)
{
    const long w = long(r.weight);
    kernel_for<K, P> k(config_for<K>(sc.cpus));
    k.trace().enabled = false;
    const int guest = k.memfd_create("guest", placement::cma);
    const int gv = k.mmap_file(guest, sc.guest_pages());
    k.mlock2_onfault(1, gv);
    const int ceph = k.file_open(fs::ceph, "ceph", placement::cma);
    const int cv = k.mmap_file(ceph, 4);
    const int cf = k.fault(2, cv, 0);
    k.lru_add_drain(2);
    k.fscache_write_begin(2, cf);

    std::vector<unsigned> next(sc.cpus, 0);
    long drains = 0, failed = 0;
    auto pin = [&](unsigned cpu, int v, unsigned page, unsigned n) {
        const pin_result p = k.pin_user_pages(cpu, v, page, n);
        t.pins += w;
        failed += p.ret != 0;
        drains += p.local_drains + p.drain_alls;
        t.local_drains += w * p.local_drains;
        t.drain_alls += w * p.drain_alls;
        t.wasted += w * p.wasted_drains;
    };
    for (std::size_t i = 0; i < r.run_ops; ++i) {
        const unsigned cpu = order[i];
        const unsigned op = next[cpu]++;
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
    t.runs += w;
    ++t.executed;
    t.pins_failed += w * failed;
    t.worst_drains = std::max(t.worst_drains, drains);
    t.worst_failed = std::max(t.worst_failed, failed);
}

bool parse_uint(std::string_view s, unsigned& v)
{
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

bool parse_ops(std::string_view s, std::vector<unsigned>& ops)
{
    ops.clear();
    for (;;) {
        const auto comma = s.find(',');
        unsigned v = 0;
        if (!parse_uint(s.substr(0, comma), v))
            return false;
        ops.push_back(v);
        if (comma == std::string_view::npos)
            return true;
        s.remove_prefix(comma + 1);
    }
}
} // namespace

int main(int argc, char** argv)
{
    bool json = false;
    std::string_view version = kernels::latest::version;
    scenario sc;
    std::vector<unsigned> ops_arg;
    unsigned threads = 0;
    bool reduction = true;
    auto usage = [&] {
        std::fprintf(stderr,
                     "usage: %s [--kernel VERSION] [--cpus N] [--ops K | --ops A,B,...] [--threads "
                     "T] [--no-reduce] [--json]\n",
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
        else if (a == "--kernel" && has_value)
            version = argv[++i];
        else if (a == "--cpus" && has_value) {
            if (!parse_uint(argv[++i], sc.cpus) || sc.cpus < 3 || sc.cpus > 64)
                return std::fprintf(stderr, "--cpus: 3 to 64\n"), 2;
        } else if (a == "--ops" && has_value) {
            if (!parse_ops(argv[++i], ops_arg))
                return usage();
        } else if (a == "--threads" && has_value) {
            if (!parse_uint(argv[++i], threads))
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
        using run_fn =
            void (*)(totals&, const scenario&, const std::vector<std::uint8_t>&, reduced);
        std::vector<run_fn> runs;
        kernel_drain_policies::for_each([&]<class P>() {
            names.push_back(P::name);
            runs.push_back(&run_one<K, P>);
        });
        // One accumulator per policy; each interleaving runs under every policy.
        results = explore_interleavings(
            space, threads, std::vector<totals>(runs.size()),
            [&](std::vector<totals>& acc, const std::vector<std::uint8_t>& order, std::uint64_t) {
                acc.resize(runs.size());
                const reduced r = reduce(sc, order, reduction);
                if (r.weight == 0)
                    return; // counted with the interleaving of its class that is run
                for (std::size_t p = 0; p < runs.size(); ++p)
                    runs[p](acc[p], sc, order, r);
            },
            [](std::vector<totals>& into, std::vector<totals>&& part) {
                for (std::size_t p = 0; p < part.size(); ++p)
                    into[p].add(part[p]);
            },
            64);
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
    const std::string reduction_text =
        reduction
            ? "the operations after the last pin reordered: " + std::to_string(executed) +
                  " kernel runs per policy for " + std::to_string(space.count()) + " interleavings"
            : std::string("none: every interleaving run");

    std::string ops_text, ops_json;
    for (std::size_t c = 0; c < sc.ops.size(); ++c) {
        ops_text += (c ? " + " : "") + std::to_string(sc.ops[c]);
        ops_json += (c ? "," : "") + std::to_string(sc.ops[c]);
    }
    if (json) {
        std::printf(
            R"({"kernel":"%.*s","kernel_policy":"%.*s","cpus":%u,"ops":[%s],"interleavings":%llu,)"
            R"("reduction":"%s","executed_per_policy":%ld,"threads":%u,"seconds":%.6f,"interleavings_per_s":%.1f,)"
            R"("pairs_per_s":%.1f,"policies":[)",
            int(used.size()), used.data(), int(own.size()), own.data(), sc.cpus, ops_json.c_str(),
            static_cast<unsigned long long>(space.count()),
            reduction ? "tail_after_last_pin" : "none", executed, threads, secs, count / secs,
            count * double(results.size()) / secs);
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
