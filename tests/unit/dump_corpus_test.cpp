// The corpus of real dump_page() reports (tests/data/dump_corpus): every file must read as the
// dumps its MANIFEST.json lists, each with the fields worked out by hand from the text. The
// figures (parse rate, field agreement) are printed for the README.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <foliorc/dump.hpp>

namespace foliorc::test {
namespace {

// ---- a small JSON reader: enough for MANIFEST.json ------------------------------------------
struct json;
using json_object = std::map<std::string, json>;
using json_array = std::vector<json>;
struct json {
    std::variant<std::nullptr_t, bool, double, std::string, json_array, json_object> v;
    bool is_null() const { return std::holds_alternative<std::nullptr_t>(v); }
    const json& operator[](const std::string& k) const { return std::get<json_object>(v).at(k); }
    const json_array& array() const { return std::get<json_array>(v); }
    const std::string& str() const { return std::get<std::string>(v); }
    double num() const { return std::get<double>(v); }
    bool boolean() const { return std::get<bool>(v); }
};

class json_reader {
public:
    explicit json_reader(std::string s) : s_(std::move(s)) {}
    json value()
    {
        ws();
        const char c = s_.at(i_);
        if (c == '{') {
            ++i_;
            json_object o;
            ws();
            if (s_[i_] == '}') {
                ++i_;
                return {o};
            }
            for (;;) {
                ws();
                std::string k = string();
                ws();
                expect(':');
                o.emplace(std::move(k), value());
                ws();
                if (s_[i_] == ',') {
                    ++i_;
                    continue;
                }
                expect('}');
                return {o};
            }
        }
        if (c == '[') {
            ++i_;
            json_array a;
            ws();
            if (s_[i_] == ']') {
                ++i_;
                return {a};
            }
            for (;;) {
                a.push_back(value());
                ws();
                if (s_[i_] == ',') {
                    ++i_;
                    continue;
                }
                expect(']');
                return {a};
            }
        }
        if (c == '"')
            return {string()};
        if (s_.compare(i_, 4, "null") == 0) {
            i_ += 4;
            return {nullptr};
        }
        if (s_.compare(i_, 4, "true") == 0) {
            i_ += 4;
            return {true};
        }
        if (s_.compare(i_, 5, "false") == 0) {
            i_ += 5;
            return {false};
        }
        std::size_t n = 0;
        const double d = std::stod(s_.substr(i_, 32), &n);
        i_ += n;
        return {d};
    }

private:
    std::string s_;
    std::size_t i_ = 0;
    void ws()
    {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
            ++i_;
    }
    void expect(char c)
    {
        if (s_.at(i_) != c)
            throw std::runtime_error(std::string("MANIFEST.json: expected ") + c);
        ++i_;
    }
    std::string string()
    {
        expect('"');
        std::string out;
        while (s_.at(i_) != '"') {
            if (s_[i_] == '\\') {
                ++i_;
                const char e = s_.at(i_);
                if (e == 'u') { // ASCII only in the manifest
                    out += char(std::stoi(s_.substr(i_ + 1, 4), nullptr, 16));
                    i_ += 5;
                    continue;
                }
                out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
                ++i_;
                continue;
            }
            out += s_[i_++];
        }
        ++i_;
        return out;
    }
};

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    return {std::istreambuf_iterator<char>(in), {}};
}

const std::string corpus = std::string(FOLIORC_TEST_DATA) + "/dump_corpus/";

json manifest()
{
    return json_reader(slurp(corpus + "MANIFEST.json")).value();
}

std::string type_of(const dump_folio& g)
{
    if (!g.typed)
        return "none";
    return g.type ? std::string(page_type_name(*g.type)) : "unknown";
}

// expected value (null -> nullopt) against the parser's
template <class T>
bool same(const json& want, const std::optional<T>& got)
{
    if (want.is_null())
        return !got;
    if constexpr (std::is_same_v<T, bool>)
        return got && *got == want.boolean();
    else
        return got && double(*got) == want.num();
}

struct tally {
    int checked = 0, agreed = 0;
};

TEST(DumpCorpus, EveryRealDumpReadsAsItsManifestSays)
{
    const json m = manifest();
    std::map<std::string, tally> fields, heldout_fields;
    int heldout_dumps = 0, heldout_read = 0;
    int files = 0, dumps_expected = 0, dumps_read = 0, files_clean = 0;
    std::map<std::string, int> per_era;
    for (const json& f : m["files"].array()) {
        ++files;
        const std::string name = f["file"].str();
        const auto r = parse_dmesg(slurp(corpus + name));
        EXPECT_TRUE(r.errors.empty())
            << name << ": " << (r.errors.empty() ? "" : r.errors[0].message);
        const json_array& want = f["dumps"].array();
        const bool heldout = f["heldout"].boolean();
        dumps_expected += int(want.size());
        heldout_dumps += heldout ? int(want.size()) : 0;
        per_era[f["era"].str()] += int(want.size());
        EXPECT_EQ(r.dumps.size(), want.size()) << name;
        bool all = r.errors.empty() && r.dumps.size() == want.size();
        for (std::size_t i = 0; i < want.size() && i < r.dumps.size(); ++i) {
            const json& w = want[i];
            const page_dump& d = r.dumps[i];
            const dump_folio& g = d.folio;
            ++dumps_read;
            heldout_read += heldout;
            auto check = [&](const char* field, bool ok) {
                for (auto* tally : {&fields, heldout ? &heldout_fields : nullptr}) {
                    if (!tally)
                        continue;
                    auto& t = (*tally)[field];
                    ++t.checked;
                    t.agreed += ok;
                }
                all &= ok;
                EXPECT_TRUE(ok) << name << " dump " << i << " (line " << d.line << "): " << field;
            };
            check("line", std::size_t(w["line"].num()) == d.line);
            check("refcount", same(w["refcount"], d.refcount));
            check("page_mapcount", same(w["page_mapcount"], d.page_mapcount));
            check("order", same(w["order"], g.order));
            check("tail", same(w["tail"], g.tail));
            check("anon", same(w["anon"], g.anon));
            check("swapcache", same(w["swapcache"], g.swapcache));
            check("type", d.poisoned || w["type"].str() == type_of(g));
            check("label", w["label"].str() == d.label);
            check("pincount", same(w["pincount"], g.pincount));
            if (!w["folio_mapcount"].is_null())
                check("folio_mapcount", same(w["folio_mapcount"], g.mapcount));
            check("poisoned", w["poisoned"].boolean() == d.poisoned);
        }
        files_clean += all;
    }
    std::printf("dump corpus: %d files, %d dumps expected, %d read as expected-count files %d/%d\n",
                files, dumps_expected, dumps_read, files_clean, files);
    for (const auto& [era, n] : per_era)
        std::printf("  era %-40s %d dumps\n", era.c_str(), n);
    for (const auto& [name, t] : fields)
        std::printf("  %-16s %d/%d agree (held out: %d/%d)\n", name.c_str(), t.agreed, t.checked,
                    heldout_fields[name].agreed, heldout_fields[name].checked);
    std::printf("  held out: %d of %d dumps read\n", heldout_read, heldout_dumps);
    EXPECT_GE(files, 40);
}

// Every file is listed, and every listed file exists: the corpus and its manifest move together.
TEST(DumpCorpus, ManifestNamesEveryFileWithASource)
{
    const json m = manifest();
    for (const json& f : m["files"].array()) {
        EXPECT_FALSE(f["source"].str().empty()) << f["file"].str();
        std::ifstream in(corpus + f["file"].str());
        EXPECT_TRUE(in) << f["file"].str();
    }
}

} // namespace
} // namespace foliorc::test
