// foliorc/ledger.hpp — state: who holds each reference on a folio. Three storage choices, picked
// by the folio's Ledger template parameter: none (nothing recorded, no space), by kind (one count
// per holder kind), full (one count per exact holder: batch kind and CPU included).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI {

enum class holder : std::uint8_t {
    page_cache,   // filemap_add_folio: one per page
    swap_cache,   // add_to_swap_cache: one per page
    private_,     // folio_attach_private
    private_2,    // PG_private_2, on filesystems that pair it with a reference
    pte,          // one per page-table mapping (mapcount)
    batch,        // a per-CPU batch entry (which batch and CPU in holder_id)
    foll_get,     // get_user_pages (FOLL_GET)
    foll_pin,     // pin_user_pages (FOLL_PIN): bias or per-page, see pin.hpp
    isolation,    // folio_isolate_lru / hugetlb isolation
    caller,       // the allocation reference, or a caller's own folio_get
    transient,    // speculative or in-flight (folio_try_get, filemap_get_folios, ...)
    unattributed, // refcount taken as given (unchecked construction, parsed dumps)
};
inline constexpr std::size_t holder_count = static_cast<std::size_t>(holder::unattributed) + 1;

// The per-CPU batches of mm/swap.c (struct cpu_fbatches) and mm/mlock.c (mlock_fbatch).
enum class batch_kind : std::uint8_t {
    lru_add,
    lru_activate,
    lru_deactivate,
    lru_deactivate_file,
    lru_lazyfree,
    lru_move_tail,
    mlock,
};
inline constexpr std::size_t batch_kind_count = static_cast<std::size_t>(batch_kind::mlock) + 1;

constexpr std::string_view holder_name(holder h) noexcept
{
    constexpr std::array<std::string_view, holder_count> names{
        "page_cache", "swap_cache", "private",   "private_2", "pte",       "batch",
        "foll_get",   "foll_pin",   "isolation", "caller",    "transient", "unattributed"};
    return names[static_cast<std::size_t>(h)];
}

constexpr std::string_view batch_kind_name(batch_kind b) noexcept
{
    constexpr std::array<std::string_view, batch_kind_count> names{
        "lru_add",      "lru_activate",  "lru_deactivate", "lru_deactivate_file",
        "lru_lazyfree", "lru_move_tail", "mlock"};
    return names[static_cast<std::size_t>(b)];
}

// One holder. For holder::batch, `batch` and `cpu` say which; otherwise they are zero.
struct holder_id {
    holder kind = holder::caller;
    batch_kind batch = batch_kind::lru_add;
    std::uint16_t cpu = 0;

    constexpr holder_id() = default;
    constexpr holder_id(holder k) noexcept : kind(k) {} // NOLINT: a plain holder is an id
    constexpr holder_id(holder k, batch_kind b, std::uint16_t c) noexcept
        : kind(k), batch(b), cpu(k == holder::batch ? c : 0)
    {
        if (k != holder::batch)
            batch = batch_kind::lru_add;
    }
    friend constexpr bool operator==(holder_id, holder_id) noexcept = default;
    constexpr auto key() const noexcept
    {
        return (std::uint32_t(kind) << 24) | (std::uint32_t(batch) << 16) | cpu;
    }
};

constexpr holder_id batch_holder(batch_kind b, unsigned cpu) noexcept
{
    return holder_id{holder::batch, b, static_cast<std::uint16_t>(cpu)};
}

// "page_cache", "mlock batch on CPU 1".
inline std::string describe(holder_id h)
{
    if (h.kind != holder::batch)
        return std::string(holder_name(h.kind));
    return std::string(batch_kind_name(h.batch)) + " batch on CPU " + std::to_string(h.cpu);
}

// Ledger storage policies. Each has: tracks, exact_batches, held(h), total(), add(h, n),
// for_each(fn(holder_id, int)). add() never checks: the folio validates before it commits.
struct no_ledger {
    static constexpr bool tracks = false;
    static constexpr bool exact_batches = false;
    constexpr int held(holder_id) const noexcept { return 0; }
    constexpr int held_kind(holder) const noexcept { return 0; }
    constexpr int total() const noexcept { return 0; }
    constexpr void add(holder_id, int) noexcept {}
    template <class Fn>
    constexpr void for_each(Fn&&) const noexcept
    {
    }
    friend constexpr bool operator==(const no_ledger&, const no_ledger&) noexcept = default;
};

// One count per holder kind; batches on every CPU are pooled. Fixed size, constexpr.
class ledger_by_kind {
public:
    static constexpr bool tracks = true;
    static constexpr bool exact_batches = false;
    constexpr int held(holder_id h) const noexcept { return held_kind(h.kind); }
    constexpr int held_kind(holder k) const noexcept { return counts_[std::size_t(k)]; }
    constexpr int total() const noexcept
    {
        int t = 0;
        for (int c : counts_)
            t += c;
        return t;
    }
    constexpr void add(holder_id h, int n) noexcept { counts_[std::size_t(h.kind)] += n; }
    template <class Fn>
    constexpr void for_each(Fn&& fn) const
    {
        for (std::size_t i = 0; i < holder_count; ++i)
            if (counts_[i] != 0)
                fn(holder_id{static_cast<holder>(i)}, counts_[i]);
    }
    friend constexpr bool operator==(const ledger_by_kind&, const ledger_by_kind&) = default;

private:
    std::array<int, holder_count> counts_{};
};

// One count per exact holder, so "mlock batch on CPU 0" and "on CPU 1" stay apart. Allocates;
// meant for models and tests, not for hot loops.
class ledger_full {
    using entry = std::pair<holder_id, int>;

public:
    static constexpr bool tracks = true;
    static constexpr bool exact_batches = true;
    int held(holder_id h) const noexcept
    {
        auto it = find(h);
        return it != entries_.end() && it->first == h ? it->second : 0;
    }
    int held_kind(holder k) const noexcept
    {
        int t = 0;
        for (const auto& [h, n] : entries_)
            if (h.kind == k)
                t += n;
        return t;
    }
    int total() const noexcept
    {
        int t = 0;
        for (const auto& e : entries_)
            t += e.second;
        return t;
    }
    void add(holder_id h, int n)
    {
        auto it = find(h);
        if (it != entries_.end() && it->first == h) {
            it->second += n;
            if (it->second == 0)
                entries_.erase(it);
        } else if (n != 0) {
            entries_.insert(it, {h, n});
        }
    }
    template <class Fn>
    void for_each(Fn&& fn) const
    {
        for (const auto& [h, n] : entries_)
            fn(h, n);
    }
    friend bool operator==(const ledger_full&, const ledger_full&) = default;

private:
    template <class Entries>
    static auto find_in(Entries& entries, holder_id h) noexcept
    {
        return std::lower_bound(entries.begin(), entries.end(), h, [](const entry& e, holder_id k) {
            return e.first.key() < k.key();
        });
    }
    std::vector<entry>::const_iterator find(holder_id h) const noexcept
    {
        return find_in(entries_, h);
    }
    std::vector<entry>::iterator find(holder_id h) noexcept { return find_in(entries_, h); }
    std::vector<entry> entries_; // sorted by key
};

} // namespace foliorc::inline FOLIORC_ABI
