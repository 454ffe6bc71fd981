// foliorc/model/trace.hpp — model: refcount events as the kernel's page_ref tracepoints would
// show them, named after the kernel function that made the change, and a ledger that records
// one for every committed change of a folio.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include <foliorc/flags.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/page_type.hpp>

namespace foliorc::inline FOLIORC_ABI::model {

// The page_ref tracepoint (include/trace/events/page_ref.h) a refcount change fires:
// folio_get / folio_ref_add -> page_ref_mod; folio_put, folio_put_refs and folios_put ->
// page_ref_mod_and_test; folio_try_get -> page_ref_mod_unless; folio_ref_freeze /
// folio_ref_unfreeze -> page_ref_freeze / page_ref_unfreeze.
constexpr std::string_view page_ref_tracepoint(std::string_view op, int delta) noexcept
{
    if (op.find("try_get") != std::string_view::npos || op == "filemap_get_entry" ||
        op == "shmem_get_folio")
        return "page_ref_mod_unless";
    if (op.find("ref_freeze") != std::string_view::npos)
        return "page_ref_freeze";
    if (op.find("ref_unfreeze") != std::string_view::npos)
        return "page_ref_unfreeze";
    if (op == "folio_alloc" || op == "set_page_refcounted")
        return "page_ref_set";
    return delta > 0 ? "page_ref_mod" : "page_ref_mod_and_test";
}

struct trace_event {
    long step = 0;
    unsigned cpu = 0;
    std::string_view event;      // kernel function ("folio_add_lru", "try_to_migrate_one", ...)
    std::string_view tracepoint; // the page_ref tracepoint it fires
    int folio = -1;              // the model's folio id
    int delta = 0;               // refcount change (the tracepoint's val)
    int refcount = 0;            // after the change (the tracepoint's count)
    int mapcount = 0;            // folio_mapcount after the change
    std::uint64_t pfn = 0;
    migratetype mt = migratetype::movable;
    bool mapped = false;                            // folio->mapping != NULL
    std::vector<std::pair<holder_id, int>> holders; // the ledger after the change
    flag_set flags;                                 // after the change
};

// Collects events; the model sets `cpu` and `step` before each operation.
class tracer {
public:
    unsigned cpu = 0;
    long step = 0;
    bool enabled = true;

    const std::vector<trace_event>& events() const noexcept { return events_; }
    void clear() { events_.clear(); }

    // A change that moves no reference (an rmap call re-attributing the fault's reference to
    // the page table) fires no page_ref tracepoint and records nothing.
    template <class Change, class F>
    void record(int id, const Change& c, const F& f)
    {
        const int delta = c.ref_delta_total();
        if (!enabled || delta == 0)
            return;
        trace_event e{step,
                      cpu,
                      c.op,
                      page_ref_tracepoint(c.op, delta),
                      id,
                      delta,
                      f.ref_count(),
                      f.mapcount(),
                      f.pfn(),
                      f.mt(),
                      f.mapping_kind_() != mapping_kind::none,
                      {},
                      f.flags()};
        f.ledger().for_each([&](holder_id h, int n) { e.holders.emplace_back(h, n); });
        events_.push_back(std::move(e));
    }

private:
    std::vector<trace_event> events_;
};

// ledger_full that reports each committed change to a tracer.
class traced_ledger : public ledger_full {
public:
    traced_ledger() = default;
    traced_ledger(tracer* t, int id) : tracer_(t), id_(id) {}
    int id() const noexcept { return id_; }
    // Where commits are reported from now on. The tracer observes the ledger and is not part of
    // its value (operator== ignores it), so a copied model can point its copied folios, which it
    // reaches only through const access, at its own tracer.
    void attach(tracer* t) const noexcept { tracer_ = t; }
    template <class Change, class F>
    void on_commit(const Change& c, const F& f) const
    {
        if (tracer_)
            tracer_->record(id_, c, f);
    }
    friend bool operator==(const traced_ledger& a, const traced_ledger& b)
    {
        return static_cast<const ledger_full&>(a) == static_cast<const ledger_full&>(b);
    }

private:
    mutable tracer* tracer_ = nullptr;
    int id_ = -1;
};

// One JSON object (no newline) for a holder map: {"page_cache":1,"mlock batch on CPU 0":1}.
inline void write_holders_json(std::ostream& os,
                               const std::vector<std::pair<holder_id, int>>& holders)
{
    os << '{';
    bool first = true;
    for (const auto& [h, n] : holders) {
        os << (first ? "" : ",") << '"' << describe(h) << "\":" << n;
        first = false;
    }
    os << '}';
}

inline void write_flags_json(std::ostream& os, flag_set flags)
{
    os << '[';
    bool first = true;
    flags.for_each([&](pg f) {
        os << (first ? "" : ",") << '"' << pg_name(f) << '"';
        first = false;
    });
    os << ']';
}

// {"type":"event","policy":...,"step":N,"cpu":N,"event":...,"folio":N,"refcount":N,
//  "holders":{...},"flags":[...]}
inline void write_event_json(std::ostream& os, const trace_event& e, std::string_view policy)
{
    os << R"({"type":"event","policy":")" << policy << R"(","step":)" << e.step << R"(,"cpu":)"
       << e.cpu << R"(,"event":")" << e.event << R"(","folio":)" << e.folio << R"(,"delta":)"
       << e.delta << R"(,"tracepoint":")" << e.tracepoint << R"(","refcount":)" << e.refcount
       << R"(,"mapcount":)" << e.mapcount << R"(,"holders":)";
    write_holders_json(os, e.holders);
    os << R"(,"flags":)";
    write_flags_json(os, e.flags);
    os << '}';
}

// How the tracepoint's mapcount field reads: page_mapcount() (0 when unmapped) before David
// Hildenbrand's 2024 change, the raw _mapcount (-1 when unmapped) after it.
enum class mapcount_era : std::uint8_t { page_mapcount, raw };

// The event as the kernel's trace buffer prints it (TP_printk of page_ref.h), e.g.
//   page_ref_mod: pfn=0x40000 flags=uptodate|lru|swapbacked count=3 mapcount=0 mapping=... mt=4 val=1
// The mapping pointer is hashed by %p in the kernel; here a fixed stand-in, zero for NULL.
// The mapcount of a small folio's page; a large folio's head page prints its own _mapcount.
inline void write_event_tracepoint(std::ostream& os, const trace_event& e,
                                   mapcount_era era = mapcount_era::raw)
{
    os << e.tracepoint << ": pfn=0x" << std::hex << e.pfn << std::dec << " flags=";
    if (e.flags.empty())
        os << "none";
    bool first = true;
    for_each_printed_flag(e.flags, [&](std::string_view n) {
        os << (first ? "" : "|") << n;
        first = false;
    });
    const int mapcount = era == mapcount_era::raw ? e.mapcount - 1 : e.mapcount;
    os << " count=" << e.refcount << " mapcount=" << mapcount
       << " mapping=" << (e.mapped ? "00000000f0e9c5fd" : "0000000000000000") << " mt=" << int(e.mt)
       << " val=" << e.delta;
    if (e.tracepoint == "page_ref_mod_and_test")
        os << " ret=" << (e.refcount == 0 ? 1 : 0);
    else if (e.tracepoint == "page_ref_mod_unless")
        os << " ret=1";
}

} // namespace foliorc::inline FOLIORC_ABI::model
