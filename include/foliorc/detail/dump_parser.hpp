// foliorc/detail/dump_parser.hpp — internals of the dump_page() parser (foliorc/dump.hpp):
// finds each dump's first line under any prefix, reads the lines that carry the same prefix
// (rejoining mail-wrapped ones), and derives the folio the rules read (dump_derive.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <foliorc/detail/dump_derive.hpp>
#include <foliorc/detail/dump_text.hpp>
#include <foliorc/detail/dump_types.hpp>

namespace foliorc::inline FOLIORC_ABI::detail::dump {

inline constexpr std::array<std::string_view, 9> line1_keys{
    "refcount",          "count", "mapcount", "mapping", "index", "pfn", "compound_mapcount",
    "compound_pincount", "head"};
inline constexpr std::array<std::string_view, 8> head_keys{
    "order",    "compound_mapcount", "compound_pincount", "subpages_mapcount",
    "mapcount", "entire_mapcount",   "nr_pages_mapped",   "pincount"};

template <std::size_t N>
bool one_of(std::string_view k, const std::array<std::string_view, N>& set) noexcept
{
    return std::find(set.begin(), set.end(), k) != set.end();
}

// "key:" of a token ("refcount:3" -> "refcount"), or "" when the token has no colon.
inline std::string_view key_of(std::string_view t) noexcept
{
    const std::size_t c = t.find(':');
    return c == std::string_view::npos ? std::string_view{} : t.substr(0, c);
}

inline bool has_key(std::string_view text, std::string_view key)
{
    for (const auto& tk : tokens(text))
        if (key_of(tk.text) == key)
            return true;
    return false;
}

class parser {
public:
    explicit parser(std::string_view text)
    {
        while (!text.empty()) {
            const std::size_t nl = text.find('\n');
            std::string_view l = text.substr(0, nl);
            text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
            if (!l.empty() && l.back() == '\r')
                l.remove_suffix(1);
            lines_.push_back(l);
        }
    }

    dump_parse_result run() &&
    {
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            if (const auto p = first_line_at(i)) {
                finish();
                i = start_dump(i, *p);
                continue;
            }
            if (tracepoint(i))
                continue;
            if (cur_)
                i = dump_line(i);
        }
        finish();
        return std::move(result_);
    }

private:
    enum class kind : std::uint8_t {
        none,
        line1,
        head_line,
        head_row,
        raw_row,
        reason,
        memcg,
        aops,
        label,
        flags,
        page_type
    };

    std::vector<std::string_view> lines_;
    dump_parse_result result_;
    std::optional<page_dump> cur_;
    prefix_pattern prefix_;
    bool after_reason_ = false;
    bool head_line_seen_ = false;
    bool head_on_line1_ = false;
    bool old_count_ = false;
    bool body_seen_ = false; // a line describing the page besides line 1 and the reason
    std::size_t mapping_digits_ = 0;

    void diag(std::vector<parse_error>& to, const logical_line& l, std::size_t pos,
              const std::string& msg)
    {
        const auto [ln, col] = l.where(pos);
        to.push_back({ln, col, msg});
    }
    void error(const logical_line& l, std::size_t pos, const std::string& msg)
    {
        diag(result_.errors, l, pos, msg);
    }
    void warning(const logical_line& l, std::size_t pos, const std::string& msg)
    {
        diag(result_.warnings, l, pos, msg);
    }

    void finish()
    {
        if (cur_) {
            cur_->era = era();
            derive(*cur_, mapping_digits_, body_seen_);
            result_.dumps.push_back(std::move(*cur_));
        }
        cur_.reset();
    }

    dump_layout era() const noexcept
    {
        const page_dump& d = *cur_;
        if (d.flags && d.flags->type_prefix == "page")
            return dump_layout::page_flags;
        if (old_count_)
            return dump_layout::count;
        if (d.pointer.empty() && !d.poisoned)
            return dump_layout::folio;
        if (head_on_line1_)
            return dump_layout::head_on_line1;
        if (head_line_seen_)
            return dump_layout::head_line;
        return dump_layout::refcount;
    }

    // ---- first lines --------------------------------------------------------------------

    static bool pointer_like(std::string_view p) noexcept
    {
        if (p.empty() || p == "(____ptrval____)" || p == "(ptrval)")
            return true;
        if (p.size() > 16)
            return false;
        for (char c : p)
            if (!is_hex(c))
                return false;
        return true;
    }

    // Where "page:" starts a dump's first line in physical line i, if it does: "page:<ptr>"
    // then "refcount:"/"count:"/"flags:" or "is uninitialized and poisoned", or nothing when a
    // mail client moved the rest to the next line.
    std::optional<std::size_t> first_line_at(std::size_t i) const
    {
        const std::string_view line = lines_[i];
        for (std::size_t p = line.find("page:"); p != std::string_view::npos;
             p = line.find("page:", p + 1)) {
            if (p > 0) {
                const char b = line[p - 1];
                if (!(is_space(b) || b == ']' || b == '>' || b == ':' || b == ')'))
                    continue;
            }
            const std::string_view rest = line.substr(p + 5);
            std::size_t e = 0;
            while (e < rest.size() && !is_space(rest[e]))
                ++e;
            if (!pointer_like(rest.substr(0, e)))
                continue;
            const std::string_view after = trim(rest.substr(e));
            if (starts_with(after, "is uninitialized and poisoned"))
                return p;
            if (const std::string_view key = key_of(after.substr(0, after.find(' ')));
                !key.empty() && (one_of(key, line1_keys) || key == "flags") &&
                (key != "head" || after.find(" refcount:") != std::string_view::npos))
                return p; // "refcount:", "count:", or a first line that lost its count (an error)
            if (after.empty() && e > 0 && i + 1 < lines_.size()) {
                // "page:<ptr>" alone: the counts moved to the next line.
                const prefix_pattern pp(line.substr(0, p));
                const std::string_view next = lines_[i + 1].substr(pp.match(lines_[i + 1]).body);
                if (starts_with(next, "refcount:") || starts_with(next, "count:"))
                    return p;
            }
        }
        return std::nullopt;
    }

    std::size_t start_dump(std::size_t i, std::size_t p)
    {
        const std::string_view line = lines_[i];
        prefix_ = prefix_pattern(line.substr(0, p));
        cur_.emplace();
        cur_->line = i + 1;
        cur_->prefix = std::string(line.substr(0, p));
        after_reason_ = head_line_seen_ = head_on_line1_ = old_count_ = body_seen_ = false;
        mapping_digits_ = 0;
        // 6.9+: "page does not match folio" stands just before line 1 when the kernel could not
        // take a faithful snapshot of the folio (__dump_page's snapshot_page()).
        if (i > 0) {
            const std::string_view prev = lines_[i - 1];
            if (trim(prev.substr(prefix_.match(prev).body)) == "page does not match folio")
                cur_->folio_mismatch = true;
        }
        logical_line l;
        l.append(trim(line.substr(p)), i + 1, p, "");
        i = join(i, kind::line1, l);
        first_line(l);
        return i;
    }

    void first_line(const logical_line& l)
    {
        page_dump& d = *cur_;
        const auto toks = tokens(l.text);
        d.pointer = std::string(toks.front().text.substr(5));
        if (l.text.find("is uninitialized and poisoned") != std::string::npos) {
            d.poisoned = true;
            return;
        }
        bool have_ref = false, bad_ref = false;
        for (std::size_t i = 1; i < toks.size(); ++i) {
            const std::string_view t = toks[i].text;
            const std::size_t c = t.find(':');
            if (c == std::string_view::npos)
                continue;
            const std::string_view key = t.substr(0, c);
            std::string_view val = t.substr(c + 1);
            std::size_t at = toks[i].offset + c + 1;
            // "compound_mapcount: 1", "mapping:          (null)": the value is the next token.
            if (val.empty() && i + 1 < toks.size() &&
                toks[i + 1].text.find(':') == std::string_view::npos) {
                ++i;
                val = toks[i].text;
                at = toks[i].offset;
            }
            if (key == "refcount" || key == "count") {
                std::optional<int> v;
                if (read(l, val, at, 10, key, v)) {
                    d.refcount = v;
                    have_ref = true;
                    old_count_ = key == "count";
                } else {
                    bad_ref = true;
                }
            } else if (key == "mapcount") {
                read_or_warn(l, val, at, 10, key, d.page_mapcount);
            } else if (key == "mapping") {
                if (val == "(ptrval)" || val == "(____ptrval____)")
                    continue; // printed before the pointer-hashing key was ready: not a value
                if (read_or_warn(l, val, at, 16, key, d.mapping))
                    mapping_digits_ = val == "(null)" ? 0 : val.size();
            } else if (key == "index") {
                read_or_warn(l, val, at, 16, key, d.index);
            } else if (key == "pfn") {
                read_or_warn(l, val, at, 16, key, d.pfn);
            } else if (key == "head") {
                d.head_pointer = std::string(val);
                head_on_line1_ = true;
            } else if (key == "order") {
                read_order(l, val, at, key, d.order);
            } else if (key == "compound_mapcount") {
                read_or_warn(l, val, at, 10, key, d.compound_mapcount);
            } else if (key == "compound_pincount") {
                read_or_warn(l, val, at, 10, key, d.compound_pincount);
            } else if (key == "flags") { // 2.6: "page:<ptr> flags:<hex> count:..."
                dump_flags f;
                f.word = number<std::uint64_t>(val, 16);
                d.flags = std::move(f);
            }
        }
        if (!have_ref) {
            if (!bad_ref)
                error(l, 0, "dump_page line without refcount: or count:");
            cur_.reset(); // the errors say why; no dump without its count
        }
    }

    template <class T>
    bool read(const logical_line& l, std::string_view val, std::size_t at, int base,
              std::string_view key, std::optional<T>& out)
    {
        if (base == 16 && val == "(null)") {
            out = 0;
            return true;
        }
        if (auto v = number<T>(val, base)) {
            out = v;
            return true;
        }
        error(l, at,
              "'" + std::string(key) + ":' needs a " + (base == 16 ? "hex" : "decimal") +
                  " number, got '" + std::string(val) + "'");
        return false;
    }
    // A field whose loss leaves the rest of the dump readable: a warning.
    template <class T>
    bool read_or_warn(const logical_line& l, std::string_view val, std::size_t at, int base,
                      std::string_view key, std::optional<T>& out)
    {
        const std::size_t n = result_.errors.size();
        if (read(l, val, at, base, key, out))
            return true;
        result_.warnings.push_back(std::move(result_.errors.back()));
        result_.errors.resize(n);
        return false;
    }
    void read_order(const logical_line& l, std::string_view val, std::size_t at,
                    std::string_view key, std::optional<unsigned>& out)
    {
        std::optional<int> v;
        if (!read_or_warn(l, val, at, 10, key, v))
            return;
        if (*v < 0 || *v > int(max_hugetlb_order)) {
            warning(l, at, "order " + std::to_string(*v) + " is out of range");
            return;
        }
        out = unsigned(*v);
    }

    // ---- the lines after line 1 -----------------------------------------------------------

    static kind classify(std::string_view b) noexcept
    {
        if (starts_with(b, "head:")) {
            for (const auto& tk : tokens(b.substr(5)))
                if (!hex_word(tk.text))
                    return kind::head_line;
            return kind::head_row;
        }
        if (starts_with(b, "raw:"))
            return kind::raw_row;
        if (starts_with(b, "page dumped because:"))
            return kind::reason;
        if (starts_with(b, "memcg:") || starts_with(b, "page->mem_cgroup:") ||
            starts_with(b, "pages's memcg:"))
            return kind::memcg;
        if (starts_with(b, "aops:"))
            return kind::aops;
        if (const auto t = trim(b); t == "anon" || t == "ksm")
            return kind::label;
        if (starts_with(b, "flags:") || starts_with(b, "anon flags:") ||
            starts_with(b, "ksm flags:") || starts_with(b, "page flags:"))
            return kind::flags;
        if (starts_with(b, "page_type:"))
            return kind::page_type;
        return kind::none;
    }

    std::size_t dump_line(std::size_t i)
    {
        const std::string_view line = lines_[i];
        const auto m = prefix_.match(line);
        std::size_t at = m.full ? m.body : generic_prefix_end(line);
        std::string_view body = trim(line.substr(at));
        kind k = classify(body);
        if (k == kind::none && !m.full && cur_->prefix.size() < line.size()) {
            // A prefix of another shape but the same width (a log format foliorc does not know):
            // a dump line at the first line's column is still the dump's.
            at = cur_->prefix.size();
            body = trim(line.substr(at));
            k = classify(body);
        }
        if (k == kind::none)
            return i; // another line of the log (or of the mail) between the dump's lines
        if (after_reason_ && k != kind::memcg)
            return i; // dump_page ends with the reason; only the memcg line follows it
        if (cur_->poisoned && k != kind::raw_row && k != kind::reason)
            return i; // a poisoned page gets its raw rows and the reason, nothing else
        logical_line l;
        l.append(body, i + 1, at, "");
        if (!m.full)
            warning(l, 0,
                    "a dump_page line whose prefix differs from the dump's first line (line " +
                        std::to_string(cur_->line) + "); read as part of that dump");
        i = join(i, k, l);
        handle(k, l);
        return i;
    }

    // Joins physical lines after i that a mail client wrapped from the logical line l.
    std::size_t join(std::size_t i, kind k, logical_line& l)
    {
        for (int guard = 0; guard < 6 && i + 1 < lines_.size(); ++guard) {
            const std::string_view next = lines_[i + 1];
            const auto m = prefix_.match(next);
            std::string_view c = next.substr(m.body);
            while (!c.empty() && is_space(c.back()))
                c.remove_suffix(1);
            if (c.empty() || first_line_at(i + 1))
                break;
            const std::string_view glue = continues(k, l.text, c);
            if (glue == "-")
                break;
            l.append(c, i + 2, m.body, glue);
            ++i;
        }
        return i;
    }

    // Whether c continues the logical line text of kind k: the glue to join with, or "-".
    static std::string_view continues(kind k, std::string_view text, std::string_view c)
    {
        const std::string_view t = trim(text);
        const std::string_view first = c.substr(0, c.find(' '));
        switch (k) {
        case kind::line1:
        case kind::head_line: {
            if (!t.empty() && t.back() == ':' && first.find(':') == std::string_view::npos)
                return ""; // "mapping:" / "0000000000000000 index:0x0"
            const std::string_view key = key_of(first);
            const bool known = k == kind::line1 ? one_of(key, line1_keys) && key != "head"
                                                : one_of(key, head_keys);
            if (!key.empty() && known && !has_key(text, key))
                return " ";
            return "-";
        }
        case kind::flags: {
            if (t.size() >= 6 && t.substr(t.size() - 6) == "flags:" && starts_with(c, "0x"))
                return " ";
            const std::size_t lp = t.find('(');
            if (lp != std::string_view::npos && t.find(')', lp) == std::string_view::npos &&
                c.find(':') == std::string_view::npos && c.find(' ') == std::string_view::npos &&
                (c.find('|') != std::string_view::npos || c.find(')') != std::string_view::npos))
                return "";
            return "-";
        }
        case kind::raw_row:
        case kind::head_row: {
            const auto have = tokens(t.substr(t.find(':') + 1));
            const auto more = tokens(c);
            std::size_t digits = have.empty() ? 0 : have.front().text.size();
            for (const auto& tk : have)
                if (!hex_word(tk.text))
                    return "-";
            for (const auto& tk : more) {
                if (!hex_word(tk.text) || (digits && tk.text.size() != digits))
                    return "-";
                digits = tk.text.size();
            }
            const std::size_t per_row = digits == 8 ? 8 : 4;
            return !more.empty() && have.size() + more.size() <= per_row && have.size() < per_row
                       ? " "
                       : "-";
        }
        case kind::reason: return t == "page dumped because:" ? " " : "-";
        default: return "-";
        }
    }

    void handle(kind k, const logical_line& l)
    {
        page_dump& d = *cur_;
        const std::string_view b = l.text;
        switch (k) {
        case kind::head_line:
            head_line(l);
            body_seen_ = true;
            break;
        case kind::head_row:
            row(l, 5, d.raw.head, d.raw.head_complete);
            body_seen_ = true;
            break;
        case kind::raw_row:
            row(l, 4, d.raw.page, d.raw.page_complete);
            body_seen_ = true;
            break;
        case kind::reason:
            d.reason = std::string(trim(b.substr(20)));
            after_reason_ = true;
            break;
        case kind::memcg: {
            const std::string_view v = trim(b.substr(b.find(':') + 1));
            if (auto x = number<std::uint64_t>(v, 16))
                d.memcg = x;
            body_seen_ = true;
            break;
        }
        case kind::aops:
            aops(l);
            body_seen_ = true;
            break;
        case kind::label:
            d.label = std::string(trim(b));
            body_seen_ = true;
            break;
        case kind::flags:
            flags(l);
            body_seen_ = true;
            break;
        case kind::page_type:
            d.page_type_text = std::string(trim(b.substr(10)));
            body_seen_ = true;
            break;
        default: break;
        }
    }

    void head_line(const logical_line& l)
    {
        page_dump& d = *cur_;
        head_line_seen_ = true;
        const auto toks = tokens(l.text);
        for (std::size_t i = 0; i < toks.size(); ++i) {
            const std::string_view t = toks[i].text;
            const std::size_t c = t.find(':');
            if (c == std::string_view::npos)
                continue;
            const std::string_view key = t.substr(0, c);
            const std::string_view val = t.substr(c + 1);
            const std::size_t at = toks[i].offset + c + 1;
            if (i == 0) {
                if (d.head_pointer.empty())
                    d.head_pointer = std::string(val);
                continue;
            }
            if (key == "order")
                read_order(l, val, at, "head: order", d.order);
            else if (key == "compound_mapcount")
                read_or_warn(l, val, at, 10, "head: compound_mapcount", d.compound_mapcount);
            else if (key == "compound_pincount")
                read_or_warn(l, val, at, 10, "head: compound_pincount", d.compound_pincount);
            else if (key == "subpages_mapcount")
                read_or_warn(l, val, at, 10, "head: subpages_mapcount", d.subpages_mapcount);
            else if (key == "mapcount")
                read_or_warn(l, val, at, 10, "head: mapcount", d.head_mapcount);
            else if (key == "entire_mapcount")
                read_or_warn(l, val, at, 10, "head: entire_mapcount", d.entire_mapcount);
            else if (key == "nr_pages_mapped")
                read_or_warn(l, val, at, 10, "head: nr_pages_mapped", d.nr_pages_mapped);
            else if (key == "pincount")
                read_or_warn(l, val, at, 10, "head: pincount", d.pincount);
        }
    }

    void row(const logical_line& l, std::size_t skip, std::vector<std::uint64_t>& words,
             bool& complete)
    {
        dump_raw_rows& r = cur_->raw;
        const auto toks = tokens(std::string_view(l.text).substr(skip), skip);
        if (toks.empty()) {
            complete = false;
            warning(l, 0, "raw row without words");
            return;
        }
        for (const auto& tk : toks) {
            if (!hex_word(tk.text)) {
                complete = false;
                warning(
                    l, tk.offset,
                    "raw row word '" + std::string(tk.text) +
                        "' is not 8 or 16 hex digits (truncated or elided); the row is not read");
                return;
            }
        }
        const unsigned bits = toks.front().text.size() == 8 ? 32 : 64;
        if (r.word_bits && r.word_bits != bits) {
            complete = false;
            warning(l, toks.front().offset, "raw row word width differs from the rows before");
            return;
        }
        r.word_bits = bits;
        for (const auto& tk : toks)
            words.push_back(*number<std::uint64_t>(tk.text, 16));
    }

    void aops(const logical_line& l)
    {
        page_dump& d = *cur_;
        for (const auto& tk : tokens(l.text)) {
            if (starts_with(tk.text, "aops:"))
                d.aops = std::string(tk.text.substr(5));
            else if (starts_with(tk.text, "ino:"))
                d.ino = number<std::uint64_t>(tk.text.substr(4), 16);
        }
        const std::string_view b = l.text;
        std::size_t n = b.find("name:\"");
        std::size_t skip = 6;
        if (n == std::string_view::npos) { // "dentry name(?):" (6.17)
            n = b.find("name(?):\"");
            skip = 9;
        }
        if (n != std::string_view::npos) {
            const std::string_view rest = b.substr(n + skip);
            d.dentry = std::string(rest.substr(0, rest.find('"')));
        }
    }

    void flags(const logical_line& l)
    {
        page_dump& d = *cur_;
        const std::string_view b = l.text;
        const std::size_t f = b.find("flags:");
        dump_flags fl;
        fl.type_prefix = std::string(trim(b.substr(0, f)));
        if (fl.type_prefix == "anon" || fl.type_prefix == "ksm")
            d.label = fl.type_prefix;
        if (d.flags)
            return; // the first flags line is the page's
        if (trim(b.substr(f + 6)).empty()) {
            warning(l, f, "flags: without a value (a wrapped line that could not be rejoined)");
            return;
        }
        if (read_flag_names(l, b.substr(f + 6), f + 6, fl))
            d.flags = std::move(fl);
        // "%sflags: %#lx(%pGp)%s": " CMA" after the names when the page is in a CMA pageblock
        // (5.6 on; mm/debug.c 6.1.192:115-116, 6.12.117:108-109).
        const std::string_view rest = b.substr(f + 6);
        if (const std::size_t rp = rest.rfind(')'); rp != std::string_view::npos)
            d.cma = trim(rest.substr(rp + 1)) == "CMA";
    }

    // "0x17ffffc000206a(referenced|dirty|...|node=0|zone=2|lastcpupid=0x1fffff)" or, in a
    // tracepoint, "locked|uptodate|swapbacked".
    bool read_flag_names(const logical_line& l, std::string_view s, std::size_t col, dump_flags& fl)
    {
        const std::size_t lead = s.size() - trim_left(s).size();
        s = trim_left(s);
        col += lead;
        std::string_view names = s;
        if (starts_with(s, "0x") || starts_with(s, "0X")) {
            const std::size_t lp = s.find('('), rp = s.rfind(')');
            fl.word = number<std::uint64_t>(s.substr(0, std::min(lp, s.find(' '))), 16);
            if (lp == std::string_view::npos) {
                names = {};
            } else if (rp == std::string_view::npos || rp < lp) {
                warning(l, col + lp, "flags: '(' without ')'; the flags are not read");
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
            fl.names.emplace_back(n);
            if (auto f = parse_pg(n))
                fl.known.set(*f);
            else
                fl.unknown.emplace_back(n);
        }
        return true;
    }

    // ---- page_ref tracepoints -------------------------------------------------------------

    bool tracepoint(std::size_t i)
    {
        const std::string_view line = lines_[i];
        const std::size_t p = line.find("page_ref_");
        if (p == std::string_view::npos)
            return false;
        const std::string_view rest = line.substr(p);
        const std::size_t colon = rest.find(": ");
        if (colon >= 40 || // npos included: no ": " at all
            rest.substr(0, colon).find(' ') != std::string_view::npos)
            return false;
        logical_line l;
        l.append(rest.substr(colon + 2), i + 1, p + colon + 2, "");
        const std::string event(rest.substr(0, colon));
        page_ref_line r;
        r.line = i + 1;
        r.event = event;
        for (const auto& tk : tokens(l.text)) {
            const std::size_t eq = tk.text.find('=');
            if (eq == std::string_view::npos)
                continue;
            const std::string_view k = tk.text.substr(0, eq), v = tk.text.substr(eq + 1);
            const std::size_t at = tk.offset + eq + 1;
            const std::string field = event + ": '" + std::string(k) + "='";
            if (k == "pfn") {
                read(l, v, at, 16, field, r.pfn);
            } else if (k == "flags") {
                dump_flags fl;
                if (read_flag_names(l, v, at, fl))
                    r.flags = std::move(fl);
            } else if (k == "count") {
                read(l, v, at, 10, field, r.count);
            } else if (k == "mapcount") {
                read(l, v, at, 10, field, r.mapcount);
            } else if (k == "mapping") {
                r.mapping = number<std::uint64_t>(v, 16);
            } else if (k == "mt") {
                read(l, v, at, 10, field, r.mt);
            } else if (k == "val") {
                read(l, v, at, 10, field, r.val);
            } else if (k == "ret") {
                read(l, v, at, 10, field, r.ret);
            }
        }
        if (!r.count)
            error(l, 0, event + ": no count=");
        else
            result_.page_refs.push_back(std::move(r));
        return true;
    }
};

} // namespace foliorc::inline FOLIORC_ABI::detail::dump
