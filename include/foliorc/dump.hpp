// foliorc/dump.hpp — tools: parse dmesg dump_page() text of every era (kernel-facts.md 8) and
// page_ref tracepoint lines into what they say about a folio. What the text does not say stays
// unknown (std::nullopt) rather than guessed. Bad input gives errors with line and column; the
// rest of the input is still parsed.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <foliorc/flags.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc {

struct parse_error {
    std::size_t line = 0;   // 1-based
    std::size_t column = 0; // 1-based
    std::string message;
};

// The flags line: names the kernel printed, resolved to bits where foliorc knows the name.
struct dump_flags {
    flag_set known{};
    std::vector<std::string> unknown; // names foliorc does not model ("hwpoison", "reported", ...)
    std::optional<unsigned> node, zone;
    std::string type_prefix; // "anon", "ksm", ... before "flags:" (5.6+)
};

struct page_dump {
    std::size_t line = 0; // of the "page:" line
    bool has_pointer = false; // "page:<ptr>": before 6.9; 6.9+ prints "page: refcount:"
    bool old_count = false;   // "count:" (5.5 and before) rather than "refcount:"
    int refcount = 0;
    std::optional<int> mapcount;          // the page's, from line 1
    std::optional<std::uint64_t> mapping; // as printed (hashed); 0 is NULL
    std::optional<std::uint64_t> index, pfn;
    bool tail = false;                    // line 1 names a head page: this is a tail page
    std::optional<unsigned> order;
    std::optional<int> folio_mapcount, entire_mapcount, nr_pages_mapped, pincount; // "head:" line
    std::optional<int> compound_mapcount;
    bool anon_marker = false, ksm_marker = false; // "anon"/"ksm" line or flags prefix
    std::optional<dump_flags> flags;
    std::optional<page_type> type;
    std::string page_type_text;
    std::string aops;
    std::optional<std::uint64_t> ino;
    std::string dentry;
    std::optional<std::uint64_t> memcg;
    std::string reason; // "page dumped because: ..."
    int raw_lines = 0;
    std::optional<int> raw_refcount, raw_mapcount; // from the second raw: word pair
};

// A page_ref tracepoint line (kernel-facts.md 8): count is the refcount after the change.
struct page_ref_line {
    std::size_t line = 0;
    std::string event; // page_ref_mod, page_ref_mod_and_test, page_ref_set, ...
    std::optional<std::uint64_t> pfn;
    std::optional<dump_flags> flags;
    std::optional<int> count, mapcount; // mapcount as printed: the raw _mapcount
    std::optional<std::uint64_t> mapping;
    std::optional<int> mt, val, ret;
};

struct dump_parse_result {
    std::vector<page_dump> dumps;
    std::vector<page_ref_line> page_refs;
    std::vector<parse_error> errors;
};

namespace detail::dump {

inline bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

inline std::string_view trim_left(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
    return s.substr(i);
}

template <class T>
std::optional<T> number(std::string_view s, int base)
{
    if (base == 16 && (starts_with(s, "0x") || starts_with(s, "0X")))
        s.remove_prefix(2);
    if (s.empty())
        return std::nullopt;
    T v{};
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

// Splits "a b  c" into tokens with their offsets.
struct token {
    std::string_view text;
    std::size_t offset;
};
inline std::vector<token> tokens(std::string_view s, std::size_t base)
{
    std::vector<token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t')
            ++i;
        if (i > start)
            out.push_back({s.substr(start, i - start), base + start});
    }
    return out;
}

class parser {
public:
    dump_parse_result result;

    void parse(std::string_view text)
    {
        std::size_t line_no = 0;
        while (!text.empty()) {
            const std::size_t nl = text.find('\n');
            std::string_view line = text.substr(0, nl);
            text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
            ++line_no;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            parse_line(line, line_no);
        }
        finish();
    }

private:
    std::optional<page_dump> cur_;
    std::size_t line_ = 0;

    void error(std::size_t column, std::string msg)
    {
        result.errors.push_back({line_, column + 1, std::move(msg)});
    }

    // Reads val as a number (hex: "(null)" is 0) into out, or reports what `field` needs at
    // col. Returns whether it read one.
    template <class T>
    bool read_number(std::string_view val, int base, std::size_t col, std::string_view field,
                     std::optional<T>& out)
    {
        if (base == 16 && val == "(null)") {
            out = 0;
            return true;
        }
        if (auto v = number<T>(val, base)) {
            out = v;
            return true;
        }
        error(col, std::string(field) + " needs a " + (base == 16 ? "hex" : "decimal") +
                       " number, got '" + std::string(val) + "'");
        return false;
    }
    // An order: a number from 0 to the hugetlb maximum.
    bool read_order(std::string_view val, std::size_t col, std::string_view field,
                    std::optional<unsigned>& out)
    {
        std::optional<int> v;
        if (!read_number(val, 10, col, field, v))
            return false;
        if (*v < 0 || *v > int(max_hugetlb_order)) {
            error(col, "order " + std::to_string(*v) + " is out of range");
            return false;
        }
        out = unsigned(*v);
        return true;
    }

    void finish()
    {
        if (cur_)
            result.dumps.push_back(std::move(*cur_));
        cur_.reset();
    }

    // Drops "[  12.345678] ", "<4>" and "kernel: " prefixes; returns the offset of what is left.
    static std::size_t body_offset(std::string_view line)
    {
        std::size_t off = 0;
        for (int guard = 0; guard < 4; ++guard) {
            std::string_view rest = line.substr(off);
            const std::size_t ws = rest.size() - trim_left(rest).size();
            off += ws;
            rest = line.substr(off);
            if (starts_with(rest, "[") || starts_with(rest, "<")) {
                const char close = rest[0] == '[' ? ']' : '>';
                const std::size_t e = rest.find(close);
                if (e == std::string_view::npos || e > 40)
                    break;
                off += e + 1;
            } else if (starts_with(rest, "kernel: ")) {
                off += 8;
            } else {
                break;
            }
        }
        return off;
    }

    void parse_line(std::string_view line, std::size_t line_no)
    {
        line_ = line_no;
        const std::size_t off = body_offset(line);
        const std::string_view body = line.substr(off);
        if (starts_with(body, "page:")) {
            finish();
            first_line(body, off);
            return;
        }
        if (const std::size_t p = body.find("page_ref_"); p != std::string_view::npos) {
            const std::string_view rest = body.substr(p);
            const std::size_t colon = rest.find(": ");
            if (colon != std::string_view::npos && colon < 40 &&
                rest.substr(0, colon).find(' ') == std::string_view::npos) {
                tracepoint(rest.substr(0, colon), rest.substr(colon + 2), off + p + colon + 2);
                return;
            }
        }
        if (cur_)
            continuation(body, off);
    }

    void first_line(std::string_view body, std::size_t off)
    {
        page_dump d;
        d.line = line_;
        const auto toks = tokens(body, off);
        bool have_ref = false, bad = false;
        for (std::size_t i = 0; i < toks.size(); ++i) {
            const std::string_view t = toks[i].text;
            const std::size_t c = t.find(':');
            if (c == std::string_view::npos)
                continue;
            const std::string_view key = t.substr(0, c);
            std::string_view val = t.substr(c + 1);
            std::size_t val_col = toks[i].offset + c + 1;
            // "compound_mapcount: 1": the value is the next token.
            if (val.empty() && key != "page" && i + 1 < toks.size() &&
                toks[i + 1].text.find(':') == std::string_view::npos) {
                val = toks[i + 1].text;
                val_col = toks[i + 1].offset;
                ++i;
            }
            const std::string field = "'" + std::string(key) + ":'";
            auto dec = [&](std::optional<int>& out) { bad |= !read_number(val, 10, val_col, field, out); };
            auto hex = [&](std::optional<std::uint64_t>& out) { bad |= !read_number(val, 16, val_col, field, out); };
            if (key == "page") {
                d.has_pointer = !t.substr(c + 1).empty();
            } else if (key == "refcount" || key == "count") {
                std::optional<int> v;
                dec(v);
                if (v) {
                    d.refcount = *v;
                    have_ref = true;
                    d.old_count = key == "count";
                }
            } else if (key == "mapcount") {
                dec(d.mapcount);
            } else if (key == "mapping") {
                hex(d.mapping);
            } else if (key == "index") {
                hex(d.index);
            } else if (key == "pfn") {
                hex(d.pfn);
            } else if (key == "head") {
                d.tail = true;
            } else if (key == "order") {
                bad |= !read_order(val, val_col, field, d.order);
            } else if (key == "compound_mapcount") {
                dec(d.compound_mapcount);
            }
        }
        if (!have_ref && !bad) {
            error(off, "dump_page line without refcount: or count:");
            bad = true;
        }
        if (!bad)
            cur_ = std::move(d);
    }

    void continuation(std::string_view body, std::size_t off)
    {
        page_dump& d = *cur_;
        if (starts_with(body, "head:")) {
            const std::string_view rest = trim_left(body.substr(5));
            if (rest.find(':') == std::string_view::npos) { // a raw row of the head page
                ++d.raw_lines;
                return;
            }
            for (const auto& tk : tokens(rest, off + (body.size() - rest.size()))) {
                const std::size_t c = tk.text.find(':');
                if (c == std::string_view::npos)
                    continue;
                const std::string_view key = tk.text.substr(0, c), val = tk.text.substr(c + 1);
                const std::string field = "'head: " + std::string(key) + ":'";
                std::optional<int>* slot = key == "mapcount"          ? &d.folio_mapcount
                                           : key == "entire_mapcount" ? &d.entire_mapcount
                                           : key == "nr_pages_mapped" ? &d.nr_pages_mapped
                                           : key == "pincount"        ? &d.pincount
                                                                      : nullptr;
                if (key == "order")
                    read_order(val, tk.offset + c + 1, field, d.order);
                else if (slot)
                    read_number(val, 10, tk.offset + c + 1, field, *slot);
            }
            return;
        }
        if (starts_with(body, "raw:")) {
            ++d.raw_lines;
            if (d.raw_lines == 2) { // word 3: _refcount (high half) and _mapcount (low half)
                const auto toks = tokens(body.substr(4), off + 4);
                if (toks.size() >= 3)
                    if (auto w = number<std::uint64_t>(toks[2].text, 16)) {
                        d.raw_refcount = int(std::uint32_t(*w >> 32));
                        d.raw_mapcount = int(std::int32_t(std::uint32_t(*w))) + 1;
                    }
            }
            return;
        }
        if (starts_with(body, "page dumped because:")) {
            d.reason = std::string(trim_left(body.substr(20)));
            return;
        }
        if (starts_with(body, "memcg:")) {
            d.memcg = number<std::uint64_t>(trim_left(body.substr(6)), 16);
            return;
        }
        if (starts_with(body, "aops:")) {
            aops(body, off);
            return;
        }
        if (starts_with(body, "page_type:")) {
            const std::string_view rest = trim_left(body.substr(10));
            d.page_type_text = std::string(rest);
            const std::size_t lp = rest.find('('), rp = rest.rfind(')');
            if (lp != std::string_view::npos && rp != std::string_view::npos && rp > lp)
                d.type = parse_page_type(rest.substr(lp + 1, rp - lp - 1));
            return;
        }
        if (body == "anon" || body == "anon " || body == "ksm" || body == "ksm ") {
            (body[0] == 'a' ? d.anon_marker : d.ksm_marker) = true;
            return;
        }
        if (const std::size_t f = body.find("flags:"); f != std::string_view::npos && f < 16 &&
                                                        body.substr(0, f).find(':') == std::string_view::npos) {
            dump_flags fl;
            fl.type_prefix = std::string(trim_left(body.substr(0, f)));
            while (!fl.type_prefix.empty() && fl.type_prefix.back() == ' ')
                fl.type_prefix.pop_back();
            if (fl.type_prefix == "anon")
                d.anon_marker = true;
            if (fl.type_prefix == "ksm")
                d.ksm_marker = true;
            if (flag_names(body.substr(f + 6), off + f + 6, fl))
                d.flags = std::move(fl);
        }
        // Anything else is another dmesg line interleaved with the dump.
    }

    void aops(std::string_view body, std::size_t off)
    {
        page_dump& d = *cur_;
        const auto toks = tokens(body, off);
        for (std::size_t i = 0; i < toks.size(); ++i) {
            const std::string_view t = toks[i].text;
            if (starts_with(t, "aops:"))
                d.aops = std::string(t.substr(5));
            else if (starts_with(t, "ino:"))
                d.ino = number<std::uint64_t>(t.substr(4), 16);
        }
        if (const std::size_t n = body.find("name:\""); n != std::string_view::npos) {
            const std::string_view rest = body.substr(n + 6);
            d.dentry = std::string(rest.substr(0, rest.find('"')));
        }
    }

    // "0x17ffffc000206a(referenced|dirty|...|node=0|zone=2|lastcpupid=0x1fffff)" or, in a
    // tracepoint, "locked|uptodate|swapbacked".
    bool flag_names(std::string_view s, std::size_t col, dump_flags& fl)
    {
        s = trim_left(s);
        std::string_view names = s;
        if (starts_with(s, "0x") || starts_with(s, "0X")) {
            const std::size_t lp = s.find('('), rp = s.rfind(')');
            if (lp == std::string_view::npos) {
                names = {};
            } else if (rp == std::string_view::npos || rp < lp) {
                error(col + lp, "flags: '(' without ')'");
                return false;
            } else {
                names = s.substr(lp + 1, rp - lp - 1);
            }
        }
        while (!names.empty()) {
            const std::size_t bar = names.find('|');
            const std::string_view n = names.substr(0, bar);
            names = bar == std::string_view::npos ? std::string_view{} : names.substr(bar + 1);
            if (n.empty())
                continue;
            if (const std::size_t eq = n.find('='); eq != std::string_view::npos) {
                const std::string_view k = n.substr(0, eq), v = n.substr(eq + 1);
                if (k == "node")
                    if (auto x = number<unsigned>(v, 10))
                        fl.node = x;
                if (k == "zone")
                    if (auto x = number<unsigned>(v, 10))
                        fl.zone = x;
                continue; // lastcpupid=, kasantag=, ...
            }
            if (auto f = parse_pg(n))
                fl.known.set(*f);
            else
                fl.unknown.emplace_back(n);
        }
        return true;
    }

    void tracepoint(std::string_view event, std::string_view rest, std::size_t col)
    {
        page_ref_line r;
        r.line = line_;
        r.event = std::string(event);
        for (const auto& tk : tokens(rest, col)) {
            const std::size_t eq = tk.text.find('=');
            if (eq == std::string_view::npos)
                continue;
            const std::string_view k = tk.text.substr(0, eq), v = tk.text.substr(eq + 1);
            const std::size_t vc = tk.offset + eq + 1;
            const std::string field = std::string(event) + ": '" + std::string(k) + "='";
            auto dec = [&](std::optional<int>& out) { read_number(v, 10, vc, field, out); };
            if (k == "pfn") {
                read_number(v, 16, vc, field, r.pfn);
            } else if (k == "flags") {
                dump_flags fl;
                if (flag_names(v, vc, fl))
                    r.flags = std::move(fl);
            } else if (k == "count") {
                dec(r.count);
            } else if (k == "mapcount") {
                dec(r.mapcount);
            } else if (k == "mapping") {
                r.mapping = number<std::uint64_t>(v, 16);
            } else if (k == "mt") {
                dec(r.mt);
            } else if (k == "val") {
                dec(r.val);
            } else if (k == "ret") {
                dec(r.ret);
            }
        }
        if (!r.count)
            error(col, std::string(event) + ": no count=");
        else
            result.page_refs.push_back(std::move(r));
    }
};

} // namespace detail::dump

// Parses dmesg text: every dump_page() dump and every page_ref tracepoint line in it.
inline dump_parse_result parse_dmesg(std::string_view text)
{
    detail::dump::parser p;
    p.parse(text);
    return std::move(p.result);
}

} // namespace foliorc
