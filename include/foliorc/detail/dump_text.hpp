// foliorc/detail/dump_text.hpp — internals of the dump_page() parser: numbers, tokens, the
// prefix a pasted dump carries on every line, and logical lines rejoined from mail-wrapped ones.
// Not part of the public API; see foliorc/dump.hpp.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI::detail::dump {

inline bool starts_with(std::string_view s, std::string_view p) noexcept
{
    return s.substr(0, p.size()) == p;
}
inline bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t';
}
inline bool is_hex(char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

inline std::string_view trim_left(std::string_view s) noexcept
{
    std::size_t i = 0;
    while (i < s.size() && is_space(s[i]))
        ++i;
    return s.substr(i);
}
inline std::string_view trim(std::string_view s) noexcept
{
    s = trim_left(s);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

template <class T>
std::optional<T> number(std::string_view s, int base) noexcept
{
    if (base == 16 && (starts_with(s, "0x") || starts_with(s, "0X")))
        s.remove_prefix(2);
    if (s.empty() || s.front() == '+')
        return std::nullopt;
    T v{};
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

// A hex word of a raw: or head: row: exactly 8 (32-bit) or 16 (64-bit) hex digits.
inline bool hex_word(std::string_view t) noexcept
{
    if (t.size() != 8 && t.size() != 16)
        return false;
    for (char c : t)
        if (!is_hex(c))
            return false;
    return true;
}

struct token {
    std::string_view text;
    std::size_t offset; // in the logical line
};
inline std::vector<token> tokens(std::string_view s, std::size_t base = 0)
{
    std::vector<token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i]))
            ++i;
        const std::size_t start = i;
        while (i < s.size() && !is_space(s[i]))
            ++i;
        if (i > start)
            out.push_back({s.substr(start, i - start), base + start});
    }
    return out;
}

// ---- the prefix ---------------------------------------------------------------------------
//
// Whatever stood before "page:" on a dump's first line is the dump's prefix: "[  12.3]",
// "[ 12.3][ T42]", "<4>", "Dec 02 00:08:18 host kernel:", "> > ", "1404 ", a changelog's
// indent or ": ". It is split into parts: runs of blanks (any amount matches), bracketed
// groups ("[...]": any content matches), "<N>" levels, a syslog header ending "kernel:" (any
// header matches) and literal text (matches itself). The lines that follow must carry the same
// parts in the same order.
class prefix_pattern {
public:
    enum class kind : std::uint8_t { blanks, bracket, level, syslog, number, literal };
    struct part {
        kind k;
        std::string text; // literal only
    };

    prefix_pattern() = default;
    explicit prefix_pattern(std::string_view p)
    {
        const std::size_t k = p.find("kernel:");
        std::size_t i = 0;
        while (i < p.size()) {
            const char c = p[i];
            if (is_space(c)) {
                while (i < p.size() && is_space(p[i]))
                    ++i;
                add(kind::blanks);
            } else if (k != std::string_view::npos && i <= k && syslog_start(p, i, k)) {
                i = k + 7;
                add(kind::syslog);
            } else if (c == '[' && p.find(']', i) != std::string_view::npos &&
                       p.find(']', i) - i <= 40) {
                i = p.find(']', i) + 1;
                add(kind::bracket);
            } else if (c == '<' && level_end(p, i)) {
                i = level_end(p, i);
                add(kind::level);
            } else if (c == '>') {
                ++i;
                add_literal(">");
            } else {
                const std::size_t s =
                    i++; // at least one character: a '[' or '<' that opens nothing
                while (i < p.size() && !is_space(p[i]) && p[i] != '>' && p[i] != '[' && p[i] != '<')
                    ++i;
                add_literal(p.substr(s, i - s));
            }
        }
    }

    bool empty() const noexcept { return parts_.empty(); }

    // Matches the prefix against line: how many parts matched and where the body starts.
    struct match_result {
        bool full = false;
        std::size_t parts = 0;
        std::size_t body = 0; // offset of the body (blanks after the prefix skipped)
    };
    match_result match(std::string_view line) const noexcept
    {
        match_result r;
        std::size_t i = 0;
        for (const part& pt : parts_) {
            std::size_t j = i;
            switch (pt.k) {
            case kind::blanks:
                while (j < line.size() && is_space(line[j]))
                    ++j;
                break;
            case kind::bracket: {
                if (j >= line.size() || line[j] != '[')
                    return finish(r, line, i);
                const std::size_t e = line.find(']', j);
                if (e == std::string_view::npos || e - j > 40)
                    return finish(r, line, i);
                j = e + 1;
                break;
            }
            case kind::level:
                if (!level_end(line, j))
                    return finish(r, line, i);
                j = level_end(line, j);
                break;
            case kind::syslog: {
                const std::size_t e = line.substr(0, j + 120).find("kernel:", j);
                if (e == std::string_view::npos)
                    return finish(r, line, i);
                j = e + 7;
                break;
            }
            case kind::number:
                if (j >= line.size() || !is_digit(line[j]))
                    return finish(r, line, i);
                while (j < line.size() && numberish(line[j]))
                    ++j;
                break;
            case kind::literal:
                if (line.substr(j, pt.text.size()) != pt.text)
                    return finish(r, line, i);
                j += pt.text.size();
                break;
            }
            i = j;
            ++r.parts;
        }
        r.full = true;
        return finish(r, line, i);
    }

private:
    std::vector<part> parts_;

    void add(kind k) { parts_.push_back({k, {}}); }
    // Digits with ':', '.', '-' ("1404", "01-01", "12:00:00.000"): a counter or a time, which
    // changes from line to line; any such run matches.
    static bool numberish(char c) noexcept
    {
        return is_digit(c) || c == ':' || c == '.' || c == '-';
    }
    static bool numberish(std::string_view t) noexcept
    {
        if (t.empty() || !is_digit(t.front()))
            return false;
        for (char c : t)
            if (!numberish(c))
                return false;
        return true;
    }
    void add_literal(std::string_view t)
    {
        if (numberish(t) && (parts_.empty() || parts_.back().k != kind::literal)) {
            parts_.push_back({kind::number, std::string(t)});
            return;
        }
        if (!parts_.empty() && parts_.back().k == kind::literal)
            parts_.back().text += t;
        else
            parts_.push_back({kind::literal, std::string(t)});
    }
    static match_result finish(match_result r, std::string_view line, std::size_t at) noexcept
    {
        while (at < line.size() && is_space(line[at]))
            ++at;
        r.body = at;
        return r;
    }
    // "<4>", "<12>"
    static std::size_t level_end(std::string_view s, std::size_t i) noexcept
    {
        if (i >= s.size() || s[i] != '<')
            return 0;
        std::size_t j = i + 1;
        while (j < s.size() && is_digit(s[j]))
            ++j;
        return j > i + 1 && j < s.size() && s[j] == '>' && j - i <= 4 ? j + 1 : 0;
    }
    // A syslog/journal header: from i to "kernel:" at k, with no quote marks in between and a
    // time ("12:34:56") or a host word: "Dec 02 00:08:18 host kernel:", "kernel:".
    static bool syslog_start(std::string_view p, std::size_t i, std::size_t k) noexcept
    {
        const std::string_view h = p.substr(i, k - i);
        return h.find('>') == std::string_view::npos && h.find('[') == std::string_view::npos &&
               h.find('<') == std::string_view::npos && h.size() <= 100;
    }
};

// Where the body of a line starts after any prefix-like text: blanks, "[...]" groups, "<N>"
// levels, quote marks and a syslog header ending "kernel:". For a dump line whose prefix is not
// its first line's (a reply that re-quoted part of a dump).
inline std::size_t generic_prefix_end(std::string_view line) noexcept
{
    std::size_t i = 0;
    for (int guard = 0; guard < 16; ++guard) {
        while (i < line.size() && is_space(line[i]))
            ++i;
        if (i >= line.size())
            break;
        if (line[i] == '[') {
            const std::size_t e = line.find(']', i);
            if (e != std::string_view::npos && e - i <= 40) {
                i = e + 1;
                continue;
            }
            break;
        }
        if (line[i] == '<') {
            std::size_t j = i + 1;
            while (j < line.size() && is_digit(line[j]))
                ++j;
            if (j > i + 1 && j < line.size() && line[j] == '>' && j - i <= 4) {
                i = j + 1;
                continue;
            }
            break;
        }
        if (line[i] == '>') {
            ++i;
            continue;
        }
        const std::size_t k = line.find("kernel:", i);
        if (k != std::string_view::npos && k - i <= 100) {
            const std::string_view h = line.substr(i, k - i);
            if (h.find_first_of("[<>") == std::string_view::npos) {
                i = k + 7;
                continue;
            }
        }
        break;
    }
    return i;
}

// ---- logical lines ------------------------------------------------------------------------
//
// A dump line after its prefix, possibly joined from several physical lines (a mail client's
// wrap). Positions in the text map back to physical line and column.
struct logical_line {
    std::string text;
    struct segment {
        std::size_t at;     // first character of this piece in text
        std::size_t line;   // physical line, 1-based
        std::size_t column; // 0-based column of that character in the physical line
    };
    std::vector<segment> segments;

    void append(std::string_view piece, std::size_t line, std::size_t column, std::string_view glue)
    {
        text += glue;
        segments.push_back({text.size(), line, column});
        text += piece;
    }
    // Physical line and 1-based column of text position pos.
    std::pair<std::size_t, std::size_t> where(std::size_t pos) const noexcept
    {
        const segment* s = &segments.front();
        for (const segment& x : segments)
            if (x.at <= pos)
                s = &x;
        return {s->line, s->column + (pos >= s->at ? pos - s->at : 0) + 1};
    }
};

} // namespace foliorc::inline FOLIORC_ABI::detail::dump
