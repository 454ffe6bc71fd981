// Properties of the dump_page parser (foliorc/dump.hpp, issue 11): a dump reads the same under
// any prefix a log, a journal, a mail or a changelog puts on its lines, with other lines of that
// log in between, and with its first line wrapped by a mail client.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <foliorc/dump.hpp>

namespace foliorc::test {
namespace {

// Dumps of several eras as the kernel printed them (from tests/data/dump_corpus), no prefix.
const std::vector<std::vector<std::string>> dumps = {
    {"page:ffffea0001cfbfc0 count:3 mapcount:1 mapping:ffff88007f1b5f51 index:0x600000aff",
     "flags: 0x4000000000048019(locked|uptodate|dirty|swapcache|swapbacked)",
     "page dumped because: VM_BUG_ON_PAGE(PageAnon(page) && !PageKsm(page) && !anon_vma)"},
    // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one line of the dump, split for width
    {"page:000000009e420ff2 refcount:1 mapcount:0 mapping:0000000000000000 index:0x7ff "
     "pfn:0x50c3ff",
     "head:0000000075ff816d order:9 compound_mapcount:0 compound_pincount:0",
     "flags: 0x37fffe0000010815(locked|uptodate|lru|arch_1|head)",
     "raw: 37fffe0000000000 fffffe0013108001 dead000000000122 dead000000000400",
     "raw: 0000000000000001 0000000000000000 00000000ffffffff 0000000000000000",
     "head: 37fffe0000010815 fffffe001066bd48 ffff000404183c20 0000000000000000",
     "head: 0000000000000600 0000000000000000 00000001ffffffff ffff000c0345a000",
     "page dumped because: VM_BUG_ON_PAGE(PageTail(page))"},
    {"page: refcount:2 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0xc080000",
     "head: order:18 mapcount:1 entire_mapcount:1 nr_pages_mapped:0 pincount:0",
     "anon flags: 0x17ffff0000000848(uptodate|owner_2|head|node=1|zone=3|lastcpupid=0x1ffff)",
     "page_type: f4(hugetlb)",
     "raw: 17ffff0000000848 ffa000007d873cc0 ffa000007d873cc0 ff1100082366c6e9",
     "raw: 0000000000000000 0000000000000010 00000002f4000000 0000000000000000",
     "page dumped because: migration failure"},
    {"page:804b7820 refcount:0 mapcount:-128 mapping:00000000 index:0x1", "flags: 0x0()",
     "raw: 00000000 00000100 00000200 00000000 00000001 00000000 ffffff7f 00000000",
     "page dumped because: nonzero mapcount"},
    {"page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x8683ed",
     "ksm flags: 0x17ffffc0000000(node=0|zone=2|lastcpupid=0x1fffff)", "page_type: f5(slab)",
     "raw: 0017ffffc0000000 ffff88810c842a00 ffffea002157bcc0 dead000000000003",
     "raw: 0000000000000000 0000000000100010 00000001f5000000 0000000000000000",
     "page dumped because: kasan: bad access detected"},
};

// One prefix kind; `line(i)` gives the prefix of line i (timestamps differ from line to line).
struct prefix_kind {
    int kind; // 0 none, 1 [ts], 2 [ts][Tpid], 3 <N>[ts], 4 journal, 5 mail quote, 6 indent, 7 ": ",
              // 8 logcat
    int depth; // quote depth, indent width
    bool quote_space;
    int start; // first timestamp

    std::string line(int i) const
    {
        const int t = start + 37 * i;
        char ts[48];
        std::snprintf(ts, sizeof ts, "[%5d.%06d]", t / 1000, (t % 1000) * 997);
        switch (kind) {
        case 1: return std::string(ts) + " ";
        case 2: return std::string(ts) + "[ T" + std::to_string(depth * 100 + 7) + "] ";
        case 3: return "<" + std::to_string(depth % 8) + ">" + ts + " ";
        case 4: {
            char j[64];
            std::snprintf(j, sizeof j, "Dec %2d 00:%02d:%02d host%d kernel: ", depth + 1,
                          (t / 60) % 60, t % 60, depth);
            return j;
        }
        case 5: {
            std::string q;
            for (int d = 0; d < depth; ++d)
                q += quote_space ? "> " : ">";
            return q;
        }
        case 6: return std::string(std::size_t(depth), depth % 2 ? '\t' : ' ');
        case 7: return ": ";
        case 8: { // an Android logcat line: date, time, pid, tid, level, tag
            char j[64];
            std::snprintf(j, sizeof j,
                          "11-25 14:%02d:%02d.%03d  %4d  %4d E kernel  : ", (t / 60) % 60, t % 60,
                          t % 1000, depth * 100 + 3, depth * 100 + 3);
            return j;
        }
        default: return "";
        }
    }
};

rc::Gen<prefix_kind> gen_prefix()
{
    return rc::gen::build<prefix_kind>(
        rc::gen::set(&prefix_kind::kind, rc::gen::inRange(0, 9)),
        rc::gen::set(&prefix_kind::depth, rc::gen::inRange(1, 5)),
        rc::gen::set(&prefix_kind::quote_space, rc::gen::arbitrary<bool>()),
        rc::gen::set(&prefix_kind::start, rc::gen::inRange(0, 9000000)));
}

// What must not change: the printed values and the folio the rules read.
std::string summary(const dump_parse_result& r)
{
    std::ostringstream o;
    o << r.dumps.size() << " dumps, " << r.errors.size() << " errors\n";
    auto opt = [&](const auto& v) {
        if (v)
            o << *v;
        else
            o << "null";
        o << ' ';
    };
    for (const auto& d : r.dumps) {
        opt(d.refcount);
        opt(d.page_mapcount);
        opt(d.order);
        opt(d.folio.order);
        opt(d.folio.tail);
        opt(d.folio.anon);
        opt(d.folio.swapcache);
        opt(d.folio.mapcount);
        opt(d.folio.pincount);
        o << d.folio.typed << ' ' << d.label << ' ' << d.reason << ' ' << d.raw.page.size() << ' '
          << d.raw.head.size() << ' ' << (d.flags ? d.flags->names.size() : 99) << ' ' << int(d.era)
          << '\n';
    }
    return o.str();
}

std::string render(const std::vector<std::string>& lines, const prefix_kind& p,
                   const std::vector<int>& noise)
{
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += p.line(int(i)) + lines[i] + "\n";
        if (i < noise.size() && noise[i] % 3 == 0) // another kernel line between the dump's lines
            out += p.line(int(i)) + "usb 1-1: new high-speed USB device number " +
                   std::to_string(noise[i]) + "\n";
    }
    return out;
}

RC_GTEST_PROP(DumpPrefix, ADumpReadsTheSameUnderAnyPrefixWithOtherLinesBetween, ())
{
    const auto& lines = dumps[std::size_t(*rc::gen::inRange(0, int(dumps.size())))];
    const prefix_kind p = *gen_prefix();
    const auto noise =
        *rc::gen::container<std::vector<int>>(lines.size(), rc::gen::inRange(0, 1000));
    const std::string plain = summary(parse_dmesg(render(lines, prefix_kind{0, 1, true, 0}, {})));
    const auto r = parse_dmesg(render(lines, p, noise));
    RC_ASSERT(summary(r) == plain);
    RC_ASSERT(r.warnings.empty());
    RC_ASSERT(r.dumps.size() == 1u);
    RC_ASSERT(r.dumps[0].prefix == p.line(0));
}

RC_GTEST_PROP(DumpPrefix, AFirstLineWrappedBeforeAnyFieldReadsTheSame, ())
{
    const auto& lines = dumps[std::size_t(*rc::gen::inRange(0, int(dumps.size())))];
    const prefix_kind p = *gen_prefix();
    // Split line 1 before one of its fields after the count; the piece goes on an unprefixed
    // line, or on a prefixed one for a mail quote (the quote is added after the wrap).
    std::vector<std::size_t> cuts;
    const std::string& first = lines[0];
    for (std::size_t i = first.find(" mapcount:"); i != std::string::npos;
         i = first.find(' ', i + 1))
        cuts.push_back(i);
    const std::size_t cut = cuts[std::size_t(*rc::gen::inRange(0, int(cuts.size())))];
    std::vector<std::string> wrapped = lines;
    wrapped[0] = first.substr(0, cut);
    std::string out = p.line(0) + wrapped[0] + "\n" + (p.kind == 5 ? p.line(0) : "") +
                      first.substr(cut + 1) + "\n";
    for (std::size_t i = 1; i < lines.size(); ++i)
        out += p.line(int(i)) + lines[i] + "\n";
    const std::string plain = summary(parse_dmesg(render(lines, prefix_kind{0, 1, true, 0}, {})));
    RC_ASSERT(summary(parse_dmesg(out)) == plain);
}

} // namespace
} // namespace foliorc::test
