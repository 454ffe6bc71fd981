// libFuzzer target: any text through parse_dmesg and explain. It must not crash, hang or trip a
// sanitizer; every diagnostic and dump must point inside the input; and the derived folio must
// keep its promises: a printed order is the folio's unless the page is a tail, nothing is
// evaluated when something the rules need is missing, and a value the rules read is present
// whenever nothing is missing.
#include <foliorc/explain.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t lines = 1;
    for (char c : text)
        lines += c == '\n';
    const auto r = foliorc::parse_dmesg(text);
    for (const auto* diags : {&r.errors, &r.warnings})
        for (const auto& e : *diags)
            if (e.line == 0 || e.line > lines || e.column == 0 || e.column > size + 1)
                std::abort();
    for (const auto& d : r.dumps) {
        if (d.line == 0 || d.line > lines)
            std::abort();
        const auto& g = d.folio;
        if (d.order && g.order != d.order && !d.folio_mismatch)
            std::abort(); // a printed order is the folio's (unless the kernel says it is not)
        if (g.missing.empty() && !d.poisoned && (!g.order || !g.refcount || !g.mapcount))
            std::abort(); // missing says why a value the rules read is unknown
        if (g.tail == true && !d.order && g.order)
            std::abort(); // a tail page without a printed order has no order
        if (g.typed && g.type != foliorc::page_type::hugetlb && g.anon == true)
            std::abort(); // a typed page's overlaid mapping word is never believed
        const auto e = foliorc::explain(d);
        for (const auto& x : e.rules)
            if (x.evaluated != e.facts.missing.empty())
                std::abort();
        (void)foliorc::explain(d, 3);
    }
    return 0;
}
