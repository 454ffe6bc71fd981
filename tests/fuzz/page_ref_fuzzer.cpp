// libFuzzer target: page_ref tracepoint lines. The input is put after an event name so that
// every run reaches the tracepoint field parser.
#include <foliorc/dump.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string text = "page_ref_mod: ";
    text.append(reinterpret_cast<const char*>(data), size);
    const auto r = foliorc::parse_dmesg(text);
    for (const auto& p : r.page_refs)
        if (!p.count || p.line == 0)
            std::abort(); // a line without count= is an error, never an event
    return 0;
}
