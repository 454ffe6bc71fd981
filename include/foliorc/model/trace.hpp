// foliorc/model/trace.hpp — model: refcount events as the kernel's page_ref tracepoints would
// show them, named after the kernel function that made the change, and a ledger that records
// one for every committed change of a folio.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include <foliorc/flags.hpp>
#include <foliorc/ledger.hpp>

namespace foliorc::model {

struct trace_event {
    long step = 0;
    unsigned cpu = 0;
    std::string_view event;  // kernel function ("folio_add_lru", "try_to_migrate", ...)
    int folio = -1;          // the model's folio id
    int delta = 0;           // refcount change
    int refcount = 0;        // after the change
    std::vector<std::pair<holder_id, int>> holders; // the ledger after the change
    flag_set flags;          // after the change
};

// Collects events; the model sets `cpu` and `step` before each operation.
class tracer {
public:
    unsigned cpu = 0;
    long step = 0;
    bool enabled = true;

    const std::vector<trace_event>& events() const noexcept { return events_; }
    void clear() { events_.clear(); }

    template <class Change, class F>
    void record(int id, const Change& c, const F& f)
    {
        const int delta = c.ref_delta_total();
        if (!enabled || c.nrefs == 0)
            return;
        trace_event e{step, cpu, c.op, id, delta, f.ref_count(), {}, f.flags()};
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
    tracer* tracer_ = nullptr;
    int id_ = -1;
};

// One JSON object (no newline) for a holder map: {"page_cache":1,"mlock batch on CPU 0":1}.
inline void write_holders_json(std::ostream& os, const std::vector<std::pair<holder_id, int>>& holders)
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
       << e.delta << R"(,"refcount":)" << e.refcount << R"(,"holders":)";
    write_holders_json(os, e.holders);
    os << R"(,"flags":)";
    write_flags_json(os, e.flags);
    os << '}';
}

} // namespace foliorc::model
