// number_list.hpp — command-line numbers for the example programs and the benchmarks: one
// decimal number (policy_report --cpus), or a comma-separated list of them (policy_report --ops
// 4,3,3,3, collect_bench --sizes 1024,4096). Not part of the library.
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>
#include <vector>

namespace foliorc_cli {

// The whole of `s` as one decimal number of type T; false (v untouched) otherwise.
template <class T>
bool parse_number(std::string_view s, T& v)
{
    T parsed{};
    const auto r = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size())
        return false;
    v = parsed;
    return true;
}

// "4" or "4,3,3,3": every item a number; false on an empty item (so on an empty list too).
template <class T>
bool parse_number_list(std::string_view s, std::vector<T>& out)
{
    out.clear();
    for (;;) {
        const auto comma = s.find(',');
        T v{};
        if (!parse_number(s.substr(0, comma), v))
            return false;
        out.push_back(v);
        if (comma == std::string_view::npos)
            return true;
        s.remove_prefix(comma + 1);
    }
}

} // namespace foliorc_cli
