// rules_diff: every modelled folio state where two rule sets disagree, grouped into readable
// classes. Values are on the 6.16 footing (caller's reference excluded, mapcount included).
//
//   rules_diff [--a NAME] [--b NAME] [--json]      (defaults: --a v6_16 --b v6_19)
//
// Names: the kernel rule sets and private_2_what_if, a user-defined set (Hugh's NAK'd v1 1/7:
// folio_has_private, i.e. PG_private or PG_private_2, for the private term).
#include <foliorc/explore.hpp>

#include "private_2_what_if.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace {
using namespace foliorc;

using registry = rule_registry<rule_set_list<rules::pre_6_0, rules::migrate_6_0, rules::v6_16,
                                             rules::v6_17, rules::v6_19, private_2_what_if>>;

void print_state_json(const state_point& p)
{
    const auto& f = p.folio;
    std::printf(
        R"({"kind":"%.*s","anon":%s,"swapcache":%s,"mapping":"%.*s","order":%u,"mapcount":%d,)"
        R"("private":%s,"private_2":%s,"page_type":"%.*s"})",
        int(folio_kind_name(p.kind).size()), folio_kind_name(p.kind).data(),
        is_anon_kind(f.mapping) ? "true" : "false", swapcache_bit(f.flags) ? "true" : "false",
        int(mapping_kind_name(f.mapping).size()), mapping_kind_name(f.mapping).data(), f.order,
        f.mapcount, f.flags.test(pg::private_) ? "true" : "false",
        f.flags.test(pg::private_2) ? "true" : "false", int(page_type_name(f.type).size()),
        page_type_name(f.type).data());
}

std::string value_text(const rule_value& v)
{
    return std::to_string(v.expected) + (v.warned ? " (WARN_ON_ONCE)" : "");
}
} // namespace

int main(int argc, char** argv)
{
    std::string_view a = "v6_16", b = "v6_19";
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--a" && i + 1 < argc)
            a = argv[++i];
        else if (arg == "--b" && i + 1 < argc)
            b = argv[++i];
        else if (arg == "--json")
            json = true;
        else {
            std::fprintf(stderr, "usage: %s [--a NAME] [--b NAME] [--json]\n", argv[0]);
            return 2;
        }
    }
    const rule_set_info* ra = registry::find(a);
    const rule_set_info* rb = registry::find(b);
    if (!ra || !rb) {
        std::fprintf(stderr, "unknown rule set; known:");
        for (const auto& s : registry::sets)
            std::fprintf(stderr, " %.*s", int(s.name.size()), s.name.data());
        std::fprintf(stderr, "\n");
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    const rule_diff d = diff_rule_sets(*ra, *rb);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    if (json) {
        std::printf(R"({"a":"%.*s","b":"%.*s","states":%zu,"disagreements":[)", int(a.size()),
                    a.data(), int(b.size()), b.data(), d.states);
        for (std::size_t i = 0; i < d.disagreements.size(); ++i) {
            const auto& x = d.disagreements[i];
            std::printf(i ? ",{\"state\":" : "{\"state\":");
            print_state_json(x.state);
            std::printf(R"(,"a":%d,"b":%d,"a_warns":%s,"b_warns":%s})", x.a.expected, x.b.expected,
                        x.a.warned ? "true" : "false", x.b.warned ? "true" : "false");
        }
        std::printf("]}\n");
        return 0;
    }
    std::printf("%.*s (%.*s, %.*s) against %.*s (%.*s, %.*s)\n", int(a.size()), a.data(),
                int(ra->commit.size()), ra->commit.data(), int(ra->kernels.size()),
                ra->kernels.data(), int(b.size()), b.data(), int(rb->commit.size()),
                rb->commit.data(), int(rb->kernels.size()), rb->kernels.data());
    std::printf("%zu states examined in %.2f ms; %zu disagree, in %zu classes:\n", d.states, ms,
                d.disagreements.size(), d.classes.size());
    for (const auto& c : d.classes) {
        const auto& f = c.example.state.folio;
        std::printf(
            "  %-62s %4zu states, e.g. order %u mapcount %d: %.*s expects %s, %.*s expects %s\n",
            c.name.c_str(), c.count, f.order, f.mapcount, int(a.size()), a.data(),
            value_text(c.example.a).c_str(), int(b.size()), b.data(),
            value_text(c.example.b).c_str());
    }
    return 0;
}
