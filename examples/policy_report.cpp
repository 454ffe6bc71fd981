// policy_report: every interleaving of a small three-CPU scenario on foliorc's kernel model,
// run under every drain policy; per policy the pins that failed, the drains, the wasted drains
// (a drain that released no reference on a folio the pin collected) and the worst interleaving.
//
//   policy_report [--kernel VERSION] [--json]
//
// --kernel: the preset whose rule sets, dedupe, batch size, PG_lru era and migration passes the
// policies run under (default: the latest); its own policy is marked in the table.
//
// Scenario. Set-up: a memfd "guest" in CMA mapped with mlock2(MLOCK_ONFAULT); a ceph file in CMA
// whose page 0 is mapped and under an fscache write (PG_private_2 with its reference).
//   CPU 0: fault guest page 0; fault guest page 1; readahead 29 guest pages
//   CPU 1: munlock the guest vma; mlock2(MLOCK_ONFAULT) it again
//   CPU 2: pin guest pages 0-1 longterm; pin ceph page 0 longterm
#include <foliorc/foliorc.hpp>
#include <foliorc/model/kernel.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {
using namespace foliorc;
using namespace foliorc::model;

constexpr std::array<int, 3> ops_per_cpu{3, 2, 2};

struct totals {
    long runs = 0, pins = 0, pins_failed = 0, local_drains = 0, drain_alls = 0, wasted = 0;
    long worst_drains = 0, worst_failed = 0;
};

// All interleavings of the three CPUs' operation sequences, as sequences of CPU numbers.
void interleavings(std::array<int, 3> left, std::vector<int>& cur, std::vector<std::vector<int>>& out)
{
    if (left[0] + left[1] + left[2] == 0) {
        out.push_back(cur);
        return;
    }
    for (int c = 0; c < 3; ++c)
        if (left[std::size_t(c)]) {
            --left[std::size_t(c)];
            cur.push_back(c);
            interleavings(left, cur, out);
            cur.pop_back();
            ++left[std::size_t(c)];
        }
}

template <class K, class P>
totals run_policy(const std::vector<std::vector<int>>& all)
{
    totals t;
    for (const auto& order : all) {
        kernel_for<K, P> k(config_for<K>(3));
        k.trace().enabled = false;
        const int guest = k.memfd_create("guest", placement::cma);
        const int gv = k.mmap_file(guest, 64);
        k.mlock2_onfault(1, gv);
        const int ceph = k.file_open(fs::ceph, "ceph", placement::cma);
        const int cv = k.mmap_file(ceph, 4);
        const int cf = k.fault(2, cv, 0);
        k.lru_add_drain(2);
        k.fscache_write_begin(2, cf);

        std::array<int, 3> next{};
        long drains = 0, failed = 0;
        auto pin = [&](int v, unsigned page, unsigned n) {
            const pin_result r = k.pin_user_pages(2, v, page, n);
            ++t.pins;
            failed += r.ret != 0;
            drains += r.local_drains + r.drain_alls;
            t.local_drains += r.local_drains;
            t.drain_alls += r.drain_alls;
            t.wasted += r.wasted_drains;
        };
        for (int cpu : order) {
            const int op = next[std::size_t(cpu)]++;
            switch (cpu * 10 + op) {
            case 0: k.fault(0, gv, 0); break;
            case 1: k.fault(0, gv, 1); break;
            case 2: k.readahead(0, guest, 2, 29); break;
            case 10: k.munlock(1, gv); break;
            case 11: k.mlock2_onfault(1, gv); break;
            case 20: pin(gv, 0, 2); break;
            case 21: pin(cv, 0, 1); break;
            default: break;
            }
        }
        ++t.runs;
        t.pins_failed += failed;
        t.worst_drains = std::max(t.worst_drains, drains);
        t.worst_failed = std::max(t.worst_failed, failed);
    }
    return t;
}
} // namespace

int main(int argc, char** argv)
{
    bool json = false;
    std::string_view version = kernels::latest::version;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--json")
            json = true;
        else if (a == "--kernel" && i + 1 < argc)
            version = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--kernel VERSION] [--json]\n", argv[0]);
            return 2;
        }
    }
    if (version == "latest")
        version = kernels::latest::version;
    std::vector<std::vector<int>> all;
    std::vector<int> cur;
    interleavings(ops_per_cpu, cur, all);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string_view, totals>> results;
    std::string_view used, own;
    const auto looked = kernels::with_preset(version, [&]<class K>() {
        used = K::version;
        own = K::policy::name;
        kernel_drain_policies::for_each(
            [&]<class P>() { results.emplace_back(P::name, run_policy<K, P>(all)); });
    });
    if (!looked) {
        std::fprintf(stderr, "not a kernel version: %.*s\n", int(version.size()), version.data());
        return 2;
    }
    if (!looked->warning.empty())
        std::fprintf(stderr, "%s\n", looked->warning.c_str());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (json) {
        std::printf(R"({"kernel":"%.*s","kernel_policy":"%.*s","interleavings":%zu,"policies":[)",
                    int(used.size()), used.data(), int(own.size()), own.data(), all.size());
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& [name, t] = results[i];
            std::printf(R"(%s{"policy":"%.*s","pins":%ld,"pins_failed":%ld,"local_drains":%ld,)"
                        R"("drain_alls":%ld,"wasted_drains":%ld,"worst_drains":%ld,"worst_failed":%ld})",
                        i ? "," : "", int(name.size()), name.data(), t.pins, t.pins_failed,
                        t.local_drains, t.drain_alls, t.wasted, t.worst_drains, t.worst_failed);
        }
        std::printf("]}\n");
        return 0;
    }
    std::printf("kernel %.*s (its own policy: %.*s)\n", int(used.size()), used.data(),
                int(own.size()), own.data());
    std::printf("%zu interleavings of 3 CPUs (3 + 2 + 2 operations), each under %zu policies, in "
                "%.2f s\n",
                all.size(), results.size(), secs);
    std::printf("%-18s %6s %12s %13s %11s %14s %13s %13s\n", "policy", "pins", "pins failed",
                "local drains", "drain-alls", "wasted drains", "worst drains", "worst failed");
    for (const auto& [name, t] : results)
        std::printf("%-18.*s %6ld %12ld %13ld %11ld %14ld %13ld %13ld\n", int(name.size()), name.data(),
                    t.pins, t.pins_failed, t.local_drains, t.drain_alls, t.wasted, t.worst_drains,
                    t.worst_failed);
    return 0;
}
