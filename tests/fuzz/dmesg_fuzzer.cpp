// libFuzzer target: any text through parse_dmesg and explain. It must not crash, hang or trip a
// sanitizer, and what it reports must point inside the input.
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
    for (const auto& e : r.errors)
        if (e.line == 0 || e.line > lines || e.column == 0 || e.column > size + 1)
            std::abort();
    for (const auto& d : r.dumps) {
        if (d.line == 0 || d.line > lines)
            std::abort();
        (void)foliorc::explain(d);
        (void)foliorc::explain(d, 3);
    }
    return 0;
}
