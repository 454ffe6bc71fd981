// dump_explain: explains dump_page() output (and page_ref tracepoint lines) under every rule set.
// Reads the files named, or standard input: `dmesg | dump_explain`.
//
//   dump_explain [--rules NAME] [--caller-refs N] [--json] [FILE...]
#include <foliorc/explain.hpp>

#include <algorithm>
#include <cstdint>
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

std::string opt_bool(std::optional<bool> b)
{
    return b ? (*b ? "true" : "false") : "null";
}
template <class T>
std::string opt_num(const std::optional<T>& v)
{
    return v ? std::to_string(*v) : "null";
}
std::string opt_int(std::optional<int> v)
{
    return opt_num(v);
}

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

std::string opt_hex(const std::optional<std::uint64_t>& v)
{
    if (!v)
        return "null";
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"0x%llx\"", static_cast<unsigned long long>(*v));
    return buf;
}

std::string type_name(const dump_folio& g)
{
    if (!g.typed)
        return "\"none\"";
    if (!g.type)
        return "\"unknown\"";
    return json_string(page_type_name(*g.type));
}

// The JSON schema is in README.md ("dump_page / page_ref"): top-level fields are the values the
// judge of a dump reads; "printed" is what the page lines said, verbatim; "folio" what the rules
// read.
void print_json(const std::string& source, const page_dump& d, const dump_explanation& e)
{
    const dump_folio& g = d.folio;
    std::string flags = "null";
    if (d.flags) {
        flags = "[";
        for (std::size_t i = 0; i < d.flags->names.size(); ++i)
            flags += (i ? "," : "") + json_string(d.flags->names[i]);
        flags += "]";
    }
    std::printf(
        R"({"source":%s,"line":%zu,"prefix":%s,"era":"%.*s","poisoned":%s,)"
        R"("refcount":%s,"page_mapcount":%s,"order":%s,"tail":%s,"anon":%s,"ksm":%s,"swapcache":%s,)"
        R"("page_type":%s,"label":%s,"label_believed":%s,"mapcount":%s,"pincount":%s,)",
        json_string(source).c_str(), d.line, json_string(d.prefix).c_str(),
        int(dump_layout_name(d.era).size()), dump_layout_name(d.era).data(),
        d.poisoned ? "true" : "false", opt_int(d.refcount).c_str(),
        opt_int(d.page_mapcount).c_str(), opt_num(g.order).c_str(), opt_bool(g.tail).c_str(),
        opt_bool(g.anon).c_str(), opt_bool(g.ksm).c_str(), opt_bool(g.swapcache).c_str(),
        type_name(g).c_str(), json_string(d.label).c_str(), g.label_believed ? "true" : "false",
        opt_int(g.mapcount).c_str(), opt_int(g.pincount).c_str());
    std::printf(
        R"("printed":{"pointer":%s,"head_pointer":%s,"mapping":%s,"mapping_raw":%s,"index":%s,"pfn":%s,)"
        R"("order":%s,"compound_mapcount":%s,"compound_pincount":%s,"subpages_mapcount":%s,)"
        R"("head_mapcount":%s,"entire_mapcount":%s,"nr_pages_mapped":%s,"pincount":%s,"page_type":%s,)"
        R"("flags":%s,"cma":%s,"aops":%s,"memcg":%s,"raw_words":%zu,"head_words":%zu},)",
        json_string(d.pointer).c_str(), json_string(d.head_pointer).c_str(),
        opt_hex(d.mapping).c_str(), d.mapping_raw ? "true" : "false", opt_hex(d.index).c_str(),
        opt_hex(d.pfn).c_str(), opt_num(d.order).c_str(), opt_int(d.compound_mapcount).c_str(),
        opt_int(d.compound_pincount).c_str(), opt_int(d.subpages_mapcount).c_str(),
        opt_int(d.head_mapcount).c_str(), opt_int(d.entire_mapcount).c_str(),
        opt_int(d.nr_pages_mapped).c_str(), opt_int(d.pincount).c_str(),
        json_string(d.page_type_text).c_str(), flags.c_str(), d.cma ? "true" : "false",
        json_string(d.aops).c_str(), opt_hex(d.memcg).c_str(), d.raw.page.size(),
        d.raw.head.size());
    std::printf(R"("folio":{"refcount":%s,"mapcount":%s,"mapping_word":%s,"missing":[)",
                opt_int(g.refcount).c_str(), opt_int(g.mapcount).c_str(),
                opt_hex(g.mapping_word).c_str());
    for (std::size_t i = 0; i < g.missing.size(); ++i)
        std::printf("%s%s", i ? "," : "", json_string(g.missing[i]).c_str());
    std::printf(R"(]},"mapping":"%.*s","caller_refs":%d,"rules":{)", int(e.facts.mapping.size()),
                e.facts.mapping.data(), e.caller_refs);
    for (std::size_t i = 0; i < e.rules.size(); ++i) {
        const auto& r = e.rules[i];
        std::printf(R"(%s"%.*s":{"expected":%s,"unexpected":%s,"warns":%s})", i ? "," : "",
                    int(r.rule.size()), r.rule.data(), opt_int(r.expected).c_str(),
                    opt_int(r.unexpected).c_str(), r.warned ? "true" : "false");
    }
    std::printf(R"(},"likely":[)");
    for (std::size_t i = 0; i < e.likely.size(); ++i)
        std::printf("%s%s", i ? "," : "", json_string(e.likely[i]).c_str());
    std::printf(R"(],"reason":%s})"
                "\n",
                json_string(d.reason).c_str());
}

void print_dump(const std::string& source, const page_dump& d, const options& o)
{
    const dump_explanation e = explain(d, o.caller_refs);
    if (o.json) {
        print_json(source, d, e);
        return;
    }
    const dump_folio& g = d.folio;
    auto yn = [](std::optional<bool> b) { return b ? (*b ? "yes" : "no") : "unknown"; };
    if (d.poisoned) {
        std::printf("%s:%zu: page %s is uninitialized and poisoned: nothing to explain\n",
                    source.c_str(), d.line, d.pointer.c_str());
        return;
    }
    std::printf(
        "%s:%zu: printed refcount %s, mapcount %s; folio: order %s, refcount %s, mapcount %s%s, "
        "mapping %.*s, anon %s, swapcache %s%s%s\n",
        source.c_str(), d.line, opt_int(d.refcount).c_str(), opt_int(d.page_mapcount).c_str(),
        g.order ? std::to_string(*g.order).c_str() : "unknown",
        g.refcount ? std::to_string(*g.refcount).c_str() : "unknown",
        g.mapcount ? std::to_string(*g.mapcount).c_str() : "unknown",
        g.tail == true ? " (a tail page)" : "", int(e.facts.mapping.size()), e.facts.mapping.data(),
        yn(g.anon), yn(g.swapcache),
        d.reason.empty() ? "" : ", dumped because: ", d.reason.c_str());
    if (!d.label.empty() && !g.label_believed)
        std::printf("  (\"%s\" printed, not believed: %s)\n", d.label.c_str(),
                    g.tail == true ? "a tail page's label" : "the mapping word of a typed page");
    if (!d.flags && e.facts.missing.empty())
        std::printf(
            "  (no flags line: anon, PG_private and PG_private_2 may be unknown; every completion "
            "is evaluated)\n");
    std::printf("  caller's references: %d%s\n", e.caller_refs,
                e.caller_refs && !o.caller_refs ? " (migration holds the isolation reference)"
                                                : "");
    for (const auto& r : e.rules) {
        if (!o.rules.empty() && o.rules != r.rule)
            continue;
        if (!r.evaluated)
            continue;
        if (r.expected)
            std::printf("  %-12.*s expects %4d, unexpected %5d%s\n", int(r.rule.size()),
                        r.rule.data(), *r.expected, *r.unexpected,
                        r.warned ? "  (WARN_ON_ONCE: typed page)" : "");
        else
            std::printf("  %-12.*s expects %d..%d: the dump does not say enough\n",
                        int(r.rule.size()), r.rule.data(), r.expected_min, r.expected_max);
    }
    for (const auto& l : e.likely)
        std::printf("  %s%s\n", l.rfind("not evaluated", 0) == 0 ? "" : "likely: ", l.c_str());
}

void print_page_ref(const std::string& source, const page_ref_line& r, const options& o)
{
    const int count = r.count.value_or(0), val = r.val.value_or(0);
    if (o.json) {
        std::printf(R"({"source":%s,"line":%zu,"event":%s,"pfn":%s,"refcount":%d,"delta":%d,)"
                    R"("mapcount":%s,"mt":%s})"
                    "\n",
                    json_string(source).c_str(), r.line, json_string(r.event).c_str(),
                    r.pfn ? std::to_string(*r.pfn).c_str() : "null", count, val,
                    r.mapcount ? std::to_string(*r.mapcount + 1).c_str() : "null",
                    opt_int(r.mt).c_str());
        return;
    }
    std::printf("%s:%zu: %s pfn 0x%llx: refcount %d -> %d (%+d)", source.c_str(), r.line,
                r.event.c_str(), (unsigned long long)r.pfn.value_or(0), count - val, count, val);
    if (r.mapcount)
        std::printf(", mapped %d time(s)", *r.mapcount + 1);
    if (r.mt)
        std::printf(", pageblock mt=%d%s", *r.mt,
                    *r.mt == int(migratetype::cma) ? " (MIGRATE_CMA: not longterm pinnable)" : "");
    std::printf("\n");
}

// Exit status: 0 clean; 1 errors (a dump or tracepoint line lost); 3 warnings only (a line of
// a dump not read, or no dump_page/page_ref output found at all).
int process(const std::string& source, const std::string& text, const options& o)
{
    const dump_parse_result p = parse_dmesg(text);
    for (const auto& e : p.errors)
        std::fprintf(stderr, "%s:%zu:%zu: error: %s\n", source.c_str(), e.line, e.column,
                     e.message.c_str());
    for (const auto& w : p.warnings)
        std::fprintf(stderr, "%s:%zu:%zu: warning: %s\n", source.c_str(), w.line, w.column,
                     w.message.c_str());
    for (const auto& d : p.dumps)
        print_dump(source, d, o);
    for (const auto& r : p.page_refs)
        print_page_ref(source, r, o);
    if (!p.errors.empty())
        return 1;
    if (p.dumps.empty() && p.page_refs.empty()) {
        std::fprintf(stderr, "%s: warning: no dump_page() or page_ref output found\n",
                     source.c_str());
        return 3;
    }
    return p.warnings.empty() ? 0 : 3;
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
            std::fprintf(stderr, "usage: %s [--rules NAME] [--caller-refs N] [--json] [FILE...]\n",
                         argv[0]);
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
        const int r = process(f == "-" ? "<stdin>" : f, text, o);
        rc = rc == 1 || r == 1 ? 1 : std::max(rc, r);
    }
    return rc;
}
