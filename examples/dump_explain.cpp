// dump_explain: explains dump_page() output (and page_ref tracepoint lines) under every rule set.
// Reads the files named, or standard input: `dmesg | dump_explain`.
//
//   dump_explain [--rules NAME] [--caller-refs N] [--json] [FILE...]
#include <foliorc/explain.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {
using namespace foliorc;

struct options {
    std::string rules; // text output: only this rule set (JSON always has all)
    std::optional<int> caller_refs;
    bool json = false;
    std::vector<std::string> files;
};

std::string opt_bool(std::optional<bool> b) { return b ? (*b ? "true" : "false") : "null"; }
std::string opt_int(std::optional<int> v) { return v ? std::to_string(*v) : "null"; }

std::string json_string(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            continue;
        }
        out += c;
    }
    return out + "\"";
}

void print_dump(const std::string& source, const page_dump& d, const options& o)
{
    const dump_explanation e = explain(d, o.caller_refs);
    const dump_facts& f = e.facts;
    if (o.json) {
        std::printf(R"({"source":%s,"line":%zu,"refcount":%d,"mapcount":%d,"order":%u,"anon":%s,)"
                    R"("swapcache":%s,"mapping":"%.*s","page_type":"%.*s","caller_refs":%d,"rules":{)",
                    json_string(source).c_str(), d.line, f.refcount, f.mapcount, f.order,
                    opt_bool(f.anon).c_str(), opt_bool(f.swapcache).c_str(), int(f.mapping.size()),
                    f.mapping.data(), int(page_type_name(f.type).size()), page_type_name(f.type).data(),
                    e.caller_refs);
        for (std::size_t i = 0; i < e.rules.size(); ++i) {
            const auto& r = e.rules[i];
            std::printf(R"(%s"%.*s":{"expected":%s,"unexpected":%s,"warns":%s})", i ? "," : "",
                        int(r.rule.size()), r.rule.data(), opt_int(r.expected).c_str(),
                        opt_int(r.unexpected).c_str(), r.warned ? "true" : "false");
        }
        std::printf(R"(},"likely":[)");
        for (std::size_t i = 0; i < e.likely.size(); ++i)
            std::printf("%s%s", i ? "," : "", json_string(e.likely[i]).c_str());
        std::printf(R"(],"reason":%s})" "\n", json_string(d.reason).c_str());
        return;
    }
    std::printf("%s:%zu: refcount %d, mapcount %d, order %u, mapping %.*s, anon %s, swapcache %s%s%s\n",
                source.c_str(), d.line, f.refcount, f.mapcount, f.order, int(f.mapping.size()),
                f.mapping.data(), f.anon ? (*f.anon ? "yes" : "no") : "unknown",
                f.swapcache ? (*f.swapcache ? "yes" : "no") : "unknown",
                d.reason.empty() ? "" : ", dumped because: ", d.reason.c_str());
    if (!f.flags)
        std::printf("  (no flags line: anon, PG_private and PG_private_2 unknown; every completion "
                    "is evaluated)\n");
    std::printf("  caller's references: %d%s\n", e.caller_refs,
                e.caller_refs && !o.caller_refs ? " (migration holds the isolation reference)" : "");
    for (const auto& r : e.rules) {
        if (!o.rules.empty() && o.rules != r.rule)
            continue;
        if (r.expected)
            std::printf("  %-12.*s expects %4d, unexpected %5d%s\n", int(r.rule.size()), r.rule.data(),
                        *r.expected, *r.unexpected, r.warned ? "  (WARN_ON_ONCE: typed page)" : "");
        else
            std::printf("  %-12.*s expects %d..%d: the dump does not say enough\n", int(r.rule.size()),
                        r.rule.data(), r.expected_min, r.expected_max);
    }
    for (const auto& l : e.likely)
        std::printf("  likely: %s\n", l.c_str());
}

void print_page_ref(const std::string& source, const page_ref_line& r, const options& o)
{
    const int count = r.count.value_or(0), val = r.val.value_or(0);
    if (o.json) {
        std::printf(R"({"source":%s,"line":%zu,"event":%s,"pfn":%s,"refcount":%d,"delta":%d,)"
                    R"("mapcount":%s,"mt":%s})" "\n",
                    json_string(source).c_str(), r.line, json_string(r.event).c_str(),
                    r.pfn ? std::to_string(*r.pfn).c_str() : "null", count, val,
                    r.mapcount ? std::to_string(*r.mapcount + 1).c_str() : "null", opt_int(r.mt).c_str());
        return;
    }
    std::printf("%s:%zu: %s pfn 0x%llx: refcount %d -> %d (%+d)", source.c_str(), r.line, r.event.c_str(),
                (unsigned long long)r.pfn.value_or(0), count - val, count, val);
    if (r.mapcount)
        std::printf(", mapped %d time(s)", *r.mapcount + 1);
    if (r.mt)
        std::printf(", pageblock mt=%d%s", *r.mt,
                    *r.mt == int(migratetype::cma) ? " (MIGRATE_CMA: not longterm pinnable)" : "");
    std::printf("\n");
}

int process(const std::string& source, const std::string& text, const options& o)
{
    const dump_parse_result p = parse_dmesg(text);
    for (const auto& e : p.errors)
        std::fprintf(stderr, "%s:%zu:%zu: error: %s\n", source.c_str(), e.line, e.column, e.message.c_str());
    for (const auto& d : p.dumps)
        print_dump(source, d, o);
    for (const auto& r : p.page_refs)
        print_page_ref(source, r, o);
    return p.errors.empty() ? 0 : 1;
}
} // namespace

int main(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--json")
            o.json = true;
        else if (a == "--rules" && i + 1 < argc)
            o.rules = argv[++i];
        else if (a == "--caller-refs" && i + 1 < argc)
            o.caller_refs = std::stoi(argv[++i]);
        else if (!a.empty() && a[0] == '-' && a != "-") {
            std::fprintf(stderr, "usage: %s [--rules NAME] [--caller-refs N] [--json] [FILE...]\n", argv[0]);
            return 2;
        } else
            o.files.emplace_back(a);
    }
    if (!o.rules.empty() && !kernel_rule_registry::find(o.rules)) {
        std::fprintf(stderr, "unknown rule set %s\n", o.rules.c_str());
        return 2;
    }
    int rc = 0;
    if (o.files.empty())
        o.files.emplace_back("-");
    for (const auto& f : o.files) {
        std::string text;
        if (f == "-") {
            text.assign(std::istreambuf_iterator<char>(std::cin), {});
        } else {
            std::ifstream in(f, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "%s: cannot open\n", f.c_str());
                rc = 1;
                continue;
            }
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        rc |= process(f == "-" ? "<stdin>" : f, text, o);
    }
    return rc;
}
