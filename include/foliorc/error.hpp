// foliorc/error.hpp — vocabulary: the one exception type for bad input, with a code per rule.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI {

// Each code names the rule a refused operation would have broken. An operation that throws
// leaves the folio exactly as it was.
enum class errc : std::uint8_t {
    refcount_underflow,           // refcount would go below zero
    holder_holds_nothing,         // a put by a holder that holds no (or too few) references
    mapcount_exceeds_refs,        // mapcount above the page-table references
    order_too_large,              // order past max_order(page type)
    swapcache_without_swapbacked, // PG_swapcache on a folio that is not swapbacked
    private_2_not_used_by_fs,     // PG_private_2 on a folio whose filesystem never sets it
    private_on_anon,              // PG_private on an anon folio
    private_not_used_by_fs,       // PG_private on a folio whose filesystem attaches no private data
    flags_conflict,               // flags that cannot coexist (active with unevictable, ...)
    typed_page_state,             // a typed page with a mapping, mapcount or PG_lru
    bad_mapping,                  // mapping of the wrong kind for the operation
    wrong_state,                  // operation needs a state the folio is not in
    pincount_state,               // pincount on a folio without one, or above refcount
    ledger_mismatch,              // structural references disagree with the folio's state
    pfn_out_of_range,             // a pfn past basic_folio::max_pfn
    bad_argument, // an argument outside its domain (a CPU, vma or page the model lacks)
};

[[nodiscard]] constexpr std::string_view errc_name(errc e) noexcept
{
    switch (e) {
    case errc::refcount_underflow: return "refcount_underflow";
    case errc::holder_holds_nothing: return "holder_holds_nothing";
    case errc::mapcount_exceeds_refs: return "mapcount_exceeds_refs";
    case errc::order_too_large: return "order_too_large";
    case errc::swapcache_without_swapbacked: return "swapcache_without_swapbacked";
    case errc::private_2_not_used_by_fs: return "private_2_not_used_by_fs";
    case errc::private_on_anon: return "private_on_anon";
    case errc::private_not_used_by_fs: return "private_not_used_by_fs";
    case errc::flags_conflict: return "flags_conflict";
    case errc::typed_page_state: return "typed_page_state";
    case errc::bad_mapping: return "bad_mapping";
    case errc::wrong_state: return "wrong_state";
    case errc::pincount_state: return "pincount_state";
    case errc::ledger_mismatch: return "ledger_mismatch";
    case errc::pfn_out_of_range: return "pfn_out_of_range";
    case errc::bad_argument: return "bad_argument";
    }
    return "unknown";
}

class folio_error : public std::logic_error {
public:
    folio_error(errc code, std::uint64_t pfn, const std::string& what)
        : std::logic_error(what), code_(code), pfn_(pfn)
    {
    }
    errc code() const noexcept { return code_; }
    std::uint64_t pfn() const noexcept { return pfn_; }

private:
    errc code_;
    std::uint64_t pfn_;
};

namespace detail {
inline std::string hex(std::uint64_t v)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), digits[v & 0xf]);
        v >>= 4;
    } while (v);
    return "0x" + s;
}

// Out of line so that constexpr callers only reach it on the error path.
[[noreturn]] inline void fail(errc code, std::uint64_t pfn, std::string_view rule)
{
    throw folio_error(code, pfn,
                      "folio pfn " + hex(pfn) + ": " + std::string(errc_name(code)) + ": " +
                          std::string(rule));
}
} // namespace detail

} // namespace foliorc::inline FOLIORC_ABI
