// foliorc/dump.hpp — tools: read dump_page() output of every era (docs/kernel.md ("dump_page output")) and
// page_ref tracepoint lines, as kernel developers paste them: from dmesg, journalctl, a syzbot
// mail, a quoted reply, a changelog. The API is one function and the value types it returns;
// the parser itself lives in foliorc/detail/dump_*.hpp.
//
//   dump_parse_result parse_dmesg(std::string_view text);
//
// Prefixes. Whatever stands before "page:" on a dump's first line ("[  12.3]", "[ 12.3][T42]",
// "<4>", "Dec 02 00:08:18 host kernel:", "> > ", a changelog's indent, tabs) is that dump's
// prefix; the dump's other lines are read where they carry the same prefix (timestamps and
// hosts may differ). A line a mail client wrapped is rejoined where the piece can only belong
// to the line before (a line-1 field that line lacks, a flags list without its ')', the rest of
// a raw row, the reason).
//
// Printed values and folio values. page_dump keeps what the dump printed, verbatim: refcount,
// page_mapcount (negative values and page-type sentinels such as -128 included), pointers,
// order, the head line's counts, the "anon"/"ksm" label. page_dump::folio holds what the rules
// read: the folio's order, refcount, mapcount and pincount, anon / KSM / swap cache, the page
// type. Each is derived only where the text says it (a printed order, a head line, a raw mapping
// word or a pre-4.15 pointer's tag bits, a label the page's kind makes meaningful); otherwise it
// is nullopt and folio.missing says what is not printed. A tail page whose dump does not print
// the folio's order or counts gets order nullopt, never 0. A label on a typed page (slab) or on
// a tail page is kept in `label` but not believed.
//
// Bad input. A line that looks like dump output and cannot be read gives an error (the dump or
// tracepoint line is dropped: a first line without a readable count) or a warning (the rest of
// the dump still reads: a truncated raw row, an unreadable field, a flags list without ')'),
// each with line and column. Everything else in the text (other log lines, the mail around a
// dump) is skipped.
#pragma once

#include <string_view>

#include <foliorc/detail/dump_parser.hpp>
#include <foliorc/detail/dump_types.hpp>

namespace foliorc::inline FOLIORC_ABI {

// Every dump_page() dump and every page_ref tracepoint line in text, in order.
[[nodiscard]] inline dump_parse_result parse_dmesg(std::string_view text)
{
    return detail::dump::parser(text).run();
}

} // namespace foliorc::inline FOLIORC_ABI
