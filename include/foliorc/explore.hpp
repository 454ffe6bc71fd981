// foliorc/explore.hpp — tools: the folio state space the rules read, rule sets looked up by name
// at run time, and the diff of two rule sets over every state, grouped into readable classes.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <foliorc/concepts.hpp>
#include <foliorc/rules.hpp>
#include <foliorc/snapshot.hpp>

namespace foliorc::inline FOLIORC_ABI {

// ---- rule sets by name ----

struct rule_value {
    int expected = 0; // on the 6.16 footing: the caller's reference excluded, mapcount included
    bool warned = false;
    friend constexpr bool operator==(const rule_value&, const rule_value&) = default;
};

struct rule_set_info {
    std::string_view name, commit, kernels, summary;
    rule_value (*evaluate)(const folio_snapshot&);
};

template <rule_set R>
constexpr rule_value evaluate_rule_set(const folio_snapshot& f)
{
    warning_recorder w;
    expected_ref_count<R>(f, w);
    return {expected_without_caller<R>(f), w.count > 0};
}

template <rule_set R>
constexpr rule_set_info rule_info() noexcept
{
    return {R::name, R::commit, R::kernels, R::summary, &evaluate_rule_set<R>};
}

// The rule sets of a rule_set_list as a run-time table.
template <class List>
struct rule_registry;
template <class... Rs>
struct rule_registry<detail::type_list<Rs...>> {
    static constexpr std::array<rule_set_info, sizeof...(Rs)> sets{rule_info<Rs>()...};
    static constexpr const rule_set_info* find(std::string_view name) noexcept
    {
        for (const auto& s : sets)
            if (s.name == name)
                return &s;
        return nullptr;
    }
};
using kernel_rule_registry = rule_registry<kernel_rule_sets>;

// ---- the state space ----

// The kinds of folio the rules tell apart: what folio->mapping is, and whether it is shmem.
enum class folio_kind : std::uint8_t { none, anon, ksm, movable_ops, file, shmem };

constexpr std::string_view folio_kind_name(folio_kind k) noexcept
{
    constexpr std::array<std::string_view, 6> names{"none",        "anon", "ksm",
                                                    "movable_ops", "file", "shmem"};
    return names[std::size_t(k)];
}

struct state_point {
    folio_snapshot folio;
    folio_kind kind = folio_kind::none;
};

// Every modelled state that the kernel can produce: mapping kinds (shmem in swap cache with a
// NULL mapping included), swap cache, PG_private, PG_private_2, PG_owner_2 (anon_exclusive or
// mappedtodisk), orders 0, 1, 4, 9 (hugetlb 9 and
// 18), mapcounts 0..2, and the page types none, hugetlb, slab, zsmalloc (with its movable_ops
// mapping, as before 6.17) and table.
template <class Fn>
void for_each_state(Fn&& fn)
{
    constexpr std::array<page_type, 5> types{page_type::none, page_type::hugetlb, page_type::slab,
                                             page_type::zsmalloc, page_type::table};
    constexpr std::array<folio_kind, 6> kinds{folio_kind::none, folio_kind::anon,
                                              folio_kind::ksm,  folio_kind::movable_ops,
                                              folio_kind::file, folio_kind::shmem};
    for (page_type t : types)
        for (folio_kind k : kinds)
            for (unsigned order : {0u, 1u, 4u, 9u, 18u})
                for (int swap = 0; swap < 2; ++swap)
                    for (int priv = 0; priv < 2; ++priv)
                        for (int p2 = 0; p2 < 2; ++p2)
                            for (int owner2 = 0; owner2 < 2; ++owner2)
                                for (int mapcount = 0; mapcount < 3; ++mapcount) {
                                    const bool typed =
                                        t != page_type::none && t != page_type::hugetlb;
                                    const bool anon = k == folio_kind::anon || k == folio_kind::ksm;
                                    const bool swapbacked = anon || k == folio_kind::shmem ||
                                                            (k == folio_kind::none && swap);
                                    if (order == 18 && t != page_type::hugetlb)
                                        continue;
                                    if (t == page_type::hugetlb &&
                                        (order < 9 || swap ||
                                         (k != folio_kind::file && k != folio_kind::anon)))
                                        continue;
                                    if (typed && (mapcount || swap || priv || p2 || order ||
                                                  (k != folio_kind::none &&
                                                   !(t == page_type::zsmalloc &&
                                                     k == folio_kind::movable_ops))))
                                        continue;
                                    if (swap && !swapbacked)
                                        continue;
                                    if ((priv || p2) && t == page_type::hugetlb)
                                        continue; // hugetlbfs sets neither
                                    if (priv && k != folio_kind::file)
                                        continue; // PG_private: page-cache folios of filesystems
                                    if (p2 && k != folio_kind::file)
                                        continue; // PG_private_2: netfs page-cache folios
                                    if (mapcount &&
                                        (k == folio_kind::none || k == folio_kind::movable_ops))
                                        continue;
                                    // PG_owner_2: PG_anon_exclusive on anon folios, PG_mappedtodisk
                                    // on page-cache folios of buffer-head filesystems.
                                    if (owner2 &&
                                        (typed || t == page_type::hugetlb ||
                                         (k != folio_kind::anon && k != folio_kind::file)))
                                        continue;
                                    state_point p;
                                    p.kind = k;
                                    p.folio.order = order;
                                    p.folio.type = t;
                                    p.folio.mapcount = mapcount;
                                    p.folio.mapping = k == folio_kind::shmem  ? mapping_kind::file
                                                      : k == folio_kind::anon ? mapping_kind::anon
                                                      : k == folio_kind::ksm  ? mapping_kind::ksm
                                                      : k == folio_kind::movable_ops
                                                          ? mapping_kind::movable_ops
                                                      : k == folio_kind::file ? mapping_kind::file
                                                                              : mapping_kind::none;
                                    p.folio.flags.set(pg::swapbacked, swapbacked);
                                    p.folio.flags.set(pg::owner_priv_1, swap != 0);
                                    p.folio.flags.set(pg::private_, priv != 0);
                                    p.folio.flags.set(pg::private_2, p2 != 0);
                                    p.folio.flags.set(pg::owner_2, owner2 != 0);
                                    fn(p);
                                }
}

// A readable name for the class of a state, leaving out order and mapcount.
inline std::string state_class(const state_point& p)
{
    const auto& f = p.folio;
    std::string s;
    if (f.type != page_type::none && f.type != page_type::hugetlb)
        s = std::string(page_type_name(f.type)) + " page";
    else {
        s = f.type == page_type::hugetlb ? "hugetlb " : "";
        switch (p.kind) {
        case folio_kind::none:
            s += swapcache_bit(f.flags) ? "non-anon folio, mapping NULL" : "folio without mapping";
            break;
        case folio_kind::anon: s += "anon folio"; break;
        case folio_kind::ksm: s += "KSM folio"; break;
        case folio_kind::movable_ops: s += "folio with a movable_ops mapping"; break;
        case folio_kind::file: s += "page-cache folio"; break;
        case folio_kind::shmem: s += "shmem folio"; break;
        }
    }
    if (p.kind == folio_kind::movable_ops && f.type == page_type::zsmalloc)
        s += " with a movable_ops mapping";
    if (swapcache_bit(f.flags))
        s += ", in swap cache";
    if (f.flags.test(pg::private_))
        s += ", PG_private";
    if (f.flags.test(pg::private_2))
        s += ", PG_private_2";
    if (f.flags.test(pg::owner_2))
        s += is_anon_kind(f.mapping) ? ", PG_anon_exclusive" : ", PG_mappedtodisk";
    return s;
}

struct rule_disagreement {
    state_point state;
    rule_value a, b;
};

struct rule_diff_class {
    std::string name;
    std::size_t count = 0;
    rule_disagreement example; // the first met
};

struct rule_diff {
    const rule_set_info* a = nullptr;
    const rule_set_info* b = nullptr;
    std::size_t states = 0;
    std::vector<rule_disagreement> disagreements;
    std::vector<rule_diff_class> classes; // in order of first appearance
};

// Every state where a and b give a different value or only one of them warns.
inline rule_diff diff_rule_sets(const rule_set_info& a, const rule_set_info& b)
{
    rule_diff d;
    d.a = &a;
    d.b = &b;
    std::map<std::string, std::size_t> index;
    for_each_state([&](const state_point& p) {
        ++d.states;
        const rule_value va = a.evaluate(p.folio), vb = b.evaluate(p.folio);
        if (va == vb)
            return;
        const rule_disagreement r{p, va, vb};
        d.disagreements.push_back(r);
        const std::string cls = state_class(p);
        auto [it, fresh] = index.emplace(cls, d.classes.size());
        if (fresh)
            d.classes.push_back({cls, 0, r});
        ++d.classes[it->second].count;
    });
    return d;
}

// ---- interleavings of per-CPU operation sequences, explored on every core ----

// Every interleaving of CPUs that run ops[c] operations each, in order: the sequences of CPU
// numbers in which CPU c appears ops[c] times (a multiset permutation), numbered 0 .. count()-1
// in lexicographic order. at(i) gives the i-th without listing the others, so a range of
// indices is a unit of work: the exploration is split by index, not by enumerating first.
class interleaving_space {
public:
    explicit interleaving_space(std::vector<unsigned> ops_per_cpu) : ops_(std::move(ops_per_cpu))
    {
        if (ops_.size() > 255)
            throw std::invalid_argument("interleaving_space: at most 255 CPUs");
        std::vector<unsigned> left = ops_;
        count_ = arrangements(left);
        if (count_ == 0)
            throw std::overflow_error("interleaving_space: more than 2^64 - 1 interleavings");
    }
    [[nodiscard]] const std::vector<unsigned>& ops_per_cpu() const noexcept { return ops_; }
    [[nodiscard]] std::size_t length() const noexcept
    {
        std::size_t n = 0;
        for (unsigned o : ops_)
            n += o;
        return n;
    }
    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

    // The index-th interleaving (lexicographic order of CPU numbers).
    [[nodiscard]] std::vector<std::uint8_t> at(std::uint64_t index) const
    {
        if (index >= count_)
            throw std::out_of_range("interleaving_space::at");
        std::vector<unsigned> left = ops_;
        std::vector<std::uint8_t> seq;
        seq.reserve(length());
        for (std::size_t pos = 0, n = length(); pos < n; ++pos)
            for (std::size_t c = 0; c < left.size(); ++c) {
                if (left[c] == 0)
                    continue;
                --left[c];
                const std::uint64_t with_c = arrangements(left); // interleavings that put c here
                if (index < with_c) {
                    seq.push_back(static_cast<std::uint8_t>(c));
                    break;
                }
                index -= with_c;
                ++left[c];
            }
        return seq;
    }

    // The next interleaving in order (std::next_permutation on the multiset); false after the last.
    static bool next(std::vector<std::uint8_t>& seq)
    {
        return std::next_permutation(seq.begin(), seq.end());
    }

    // The interleavings of left[c] more operations of each CPU c, (sum left)! / prod(left[c]!),
    // as a product of binomials C(placed, k): after step j of CPU
    // c, total = (earlier binomials) * C(p + j, j), p the operations placed before c, and
    // total * (p + j) is divisible by j, so each step is exact. 0 if a product passes 2^64 - 1.
    [[nodiscard]] static std::uint64_t arrangements(const std::vector<unsigned>& left) noexcept
    {
        std::uint64_t total = 1;
        std::uint64_t placed = 0;
        for (unsigned k : left)
            for (unsigned j = 1; j <= k; ++j) {
                ++placed;
                if (total > std::numeric_limits<std::uint64_t>::max() / placed)
                    return 0;
                total = total * placed / j;
            }
        return total;
    }

private:
    std::vector<unsigned> ops_;
    std::uint64_t count_ = 0;
};

namespace detail {
// The parallel part of both explorers: unit(acc, u) for u in 0 .. units-1, on `threads` threads
// (0: every core) taking units from a shared counter, each unit with its own accumulator; then
// the accumulators merged into `init` in unit order, so the result does not depend on the
// thread count or timing. The first exception thrown by a unit stops the others and is
// rethrown here.
template <class Acc, class Unit, class Merge>
Acc run_units(std::size_t units, unsigned threads, Acc init, Unit& unit, Merge& merge)
{
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::optional<Acc>> parts(units);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&] {
        for (std::size_t u; !failed.load(std::memory_order_relaxed) &&
                            (u = next.fetch_add(1, std::memory_order_relaxed)) < units;) {
            try {
                Acc acc{};
                unit(acc, u);
                parts[u].emplace(std::move(acc));
            } catch (...) {
                const std::lock_guard lock(error_mutex);
                if (!error)
                    error = std::current_exception();
                failed = true;
            }
        }
    };
    if (threads == 1 || units <= 1)
        worker();
    else {
        std::vector<std::jthread> pool;
        const std::size_t n = std::min<std::size_t>(threads, units);
        pool.reserve(n);
        for (std::size_t t = 0; t < n; ++t)
            pool.emplace_back(worker);
    } // the jthreads join here
    if (error)
        std::rethrow_exception(error);
    for (auto& p : parts)
        merge(init, std::move(*p));
    return init;
}
} // namespace detail

// Runs run(acc, interleaving, index) on every interleaving of `space`, on `threads` threads
// (0: every core), and returns the chunks' accumulators merged into `init` in index order
// (merge(into, chunk)). Threads take fixed chunks of consecutive indices from a shared counter;
// each chunk has its own accumulator, and the merge walks the chunks in order after all are
// done, so the result is the single-threaded one whatever the thread count or timing, even for
// a merge that is not commutative. run must not share mutable state between calls. An
// exception thrown by run stops the exploration and is rethrown here.
template <class Acc, class Run, class Merge>
[[nodiscard]] Acc explore_interleavings(const interleaving_space& space, unsigned threads, Acc init,
                                        Run run, Merge merge, std::uint64_t chunk = 256)
{
    chunk = std::max<std::uint64_t>(chunk, 1);
    const std::uint64_t total = space.count();
    const auto nchunks = static_cast<std::size_t>((total + chunk - 1) / chunk);
    auto unit = [&](Acc& acc, std::size_t k) {
        const std::uint64_t first = k * chunk, last = std::min(total, first + chunk);
        std::vector<std::uint8_t> seq = space.at(first);
        for (std::uint64_t i = first; i < last; ++i) {
            run(acc, static_cast<const std::vector<std::uint8_t>&>(seq), i);
            if (i + 1 < last)
                interleaving_space::next(seq);
        }
    };
    return detail::run_units(nchunks, threads, std::move(init), unit, merge);
}

// Every interleaving of `space` as a walk of its prefix tree, in lexicographic order, with a
// state that is copied where interleavings part: step(state, cpu, op) runs operation op (0, 1,
// ...) of CPU cpu once per distinct prefix instead of once per interleaving, and a prefix's
// last child takes its parent's state without a copy. At the end of an interleaving,
// leaf(acc, state, weight) with weight 1; or earlier, at the first prefix where done(left)
// holds (left[c]: the operations of CPU c still to run), with weight the number of
// interleavings that share that prefix (interleaving_space::arrangements(left)), for a leaf
// that the operations left cannot change. done(left) must be true of every extension of a
// prefix it is true of. State needs only to be copy-constructible.
//
// The tree is cut at the shallowest depth with at least `units` prefixes, or at half the
// interleaving length, whichever is shallower (deeper, a unit's replay of its prefix would undo
// the sharing); the cut does not depend on the thread count. Threads take the subtrees below
// the cut from a shared counter, each with its own accumulator and a copy of root that replays
// its prefix, and merge(into, part) then walks them in order: the single-threaded result for any
// thread count and timing. An exception thrown by step or leaf stops the walk and is rethrown here.
template <class State, class Acc, class Step, class Leaf, class Done, class Merge>
[[nodiscard]] Acc explore_prefix_tree(const interleaving_space& space, unsigned threads,
                                      const State& root, Acc init, Step step, Leaf leaf, Done done,
                                      Merge merge, std::size_t units = 256)
{
    const std::vector<unsigned>& ops = space.ops_per_cpu();
    const std::size_t cpus = ops.size();
    auto is_done = [&](const std::vector<unsigned>& left) {
        return std::all_of(left.begin(), left.end(), [](unsigned n) { return n == 0; }) ||
               static_cast<bool>(done(static_cast<const std::vector<unsigned>&>(left)));
    };
    auto left_after = [&](const std::vector<std::uint8_t>& prefix) {
        std::vector<unsigned> left = ops;
        for (std::uint8_t c : prefix)
            --left[c];
        return left;
    };

    // The cut: the prefixes of one depth in order, a prefix that is done kept as a leaf.
    std::vector<std::vector<std::uint8_t>> cut{{}};
    for (std::size_t depth = 0; cut.size() < units && depth < space.length() / 2; ++depth) {
        std::vector<std::vector<std::uint8_t>> deeper;
        for (auto& prefix : cut) {
            const std::vector<unsigned> left = left_after(prefix);
            if (is_done(left)) {
                deeper.push_back(std::move(prefix));
                continue;
            }
            for (std::size_t c = 0; c < cpus; ++c)
                if (left[c] > 0) {
                    deeper.push_back(prefix);
                    deeper.back().push_back(static_cast<std::uint8_t>(c));
                }
        }
        cut = std::move(deeper);
    }

    // Below a prefix: left[c] operations of CPU c to go, `s` the state after the prefix.
    auto walk = [&](auto& self, Acc& acc, State& s, std::vector<unsigned>& left) -> void {
        if (is_done(left)) {
            leaf(acc, static_cast<const State&>(s), interleaving_space::arrangements(left));
            return;
        }
        std::size_t last = cpus;
        while (left[last - 1] == 0)
            --last;
        for (std::size_t c = 0; c < last; ++c) {
            if (left[c] == 0)
                continue;
            const auto cpu = static_cast<unsigned>(c);
            const unsigned op = ops[c] - left[c]--;
            if (c + 1 == last) { // the last child: no copy
                step(s, cpu, op);
                self(self, acc, s, left);
            } else {
                State child(static_cast<const State&>(s));
                step(child, cpu, op);
                self(self, acc, child, left);
            }
            ++left[c];
        }
    };

    auto unit = [&](Acc& acc, std::size_t u) {
        State s(root);
        std::vector<unsigned> left = ops;
        for (std::uint8_t c : cut[u])
            step(s, unsigned{c}, ops[c] - left[c]--);
        walk(walk, acc, s, left);
    };
    return detail::run_units(cut.size(), threads, std::move(init), unit, merge);
}

} // namespace foliorc::inline FOLIORC_ABI
