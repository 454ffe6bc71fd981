// foliorc/testing/gtest.hpp — GoogleTest support (optional: the only foliorc header that includes
// GoogleTest; link GTest::gmock or GTest::gtest with gmock's headers available).
//
// * PrintTo for every public value type, so that a failing EXPECT_EQ prints "refcount 3,
//   mapcount 0, flags dirty|private, held by page_cache 1, ..." rather than bytes. For a folio
//   type of your own, put FOLIORC_GTEST_PRINT_FOLIO(YourFolio) in YourFolio's namespace.
// * Matchers (namespace foliorc::testing) on any folio_like value or pointer:
//     HasExpectedRefs<R>(n)    expected_ref_count<R>(f) == n
//     HasUnexpectedRefs<R>(n)  refcount - expected_without_caller<R>(f) == n (6.16 footing: the
//                              caller's own reference counts as unexpected)
//     Holds(holder, n)         the ledger: that holder kind holds n (basic_folio with a ledger;
//                              a holder_id such as batch_holder(batch_kind::mlock, 1) is exact)
//     IsPinned()               FOLL_PIN pins held (the ledger, else _pincount, else the bias)
//     MaybeDmaPinned()         folio_maybe_dma_pinned(f)
//     MigratesUnder<R>()       folio_migrate_refs_check<R>(f) == 0
//     HasFlags(pg...)          every listed flag is set
//   Each failure says what the rule expected, why (the rule's formula and what the folio has
//   that the formula reads), and who holds what (the ledger, or a guess from the state).
// * kernel_rule_set_types: ::testing::Types of every kernel rule set, with rule_set_name for
//   readable typed-test names:
//     TYPED_TEST_SUITE(MySuite, foliorc::testing::kernel_rule_set_types,
//                      foliorc::testing::rule_set_name);
#pragma once

#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <foliorc/detail/explain_folio.hpp>
#include <foliorc/migrate.hpp>
#include <foliorc/pin.hpp>
#include <foliorc/print.hpp>
#include <foliorc/rules.hpp>

// PrintTo for a caller's own folio_like type; use it in the namespace of that type.
#define FOLIORC_GTEST_PRINT_FOLIO(...)                                                             \
    inline void PrintTo(const __VA_ARGS__& folio_, std::ostream* os_)                              \
    {                                                                                              \
        ::foliorc::print(*os_, folio_);                                                            \
    }

namespace foliorc::inline FOLIORC_ABI {

// ---- PrintTo for every public type (gtest prefers PrintTo to operator<<) ----

#define FOLIORC_DETAIL_PRINT_TO(...)                                                               \
    inline void PrintTo(const __VA_ARGS__& v, std::ostream* os)                                    \
    {                                                                                              \
        *os << v;                                                                                  \
    }
FOLIORC_DETAIL_PRINT_TO(pg)
FOLIORC_DETAIL_PRINT_TO(flag_set)
FOLIORC_DETAIL_PRINT_TO(page_type)
FOLIORC_DETAIL_PRINT_TO(zone_type)
FOLIORC_DETAIL_PRINT_TO(migratetype)
FOLIORC_DETAIL_PRINT_TO(errc)
FOLIORC_DETAIL_PRINT_TO(folio_error)
FOLIORC_DETAIL_PRINT_TO(mapping_kind)
FOLIORC_DETAIL_PRINT_TO(fs_behaviour)
FOLIORC_DETAIL_PRINT_TO(holder)
FOLIORC_DETAIL_PRINT_TO(batch_kind)
FOLIORC_DETAIL_PRINT_TO(holder_id)
FOLIORC_DETAIL_PRINT_TO(no_ledger)
FOLIORC_DETAIL_PRINT_TO(ledger_by_kind)
FOLIORC_DETAIL_PRINT_TO(ledger_full)
FOLIORC_DETAIL_PRINT_TO(folio_snapshot)
FOLIORC_DETAIL_PRINT_TO(rule_warning)
FOLIORC_DETAIL_PRINT_TO(warning_recorder)
FOLIORC_DETAIL_PRINT_TO(rule_value)
FOLIORC_DETAIL_PRINT_TO(gup_flags)
FOLIORC_DETAIL_PRINT_TO(mlock_tag)
FOLIORC_DETAIL_PRINT_TO(lru_era)
FOLIORC_DETAIL_PRINT_TO(drain_counters)
FOLIORC_DETAIL_PRINT_TO(drain_done)
FOLIORC_DETAIL_PRINT_TO(collect_decision)
FOLIORC_DETAIL_PRINT_TO(collect_result)
FOLIORC_DETAIL_PRINT_TO(migrate_pages_result)
FOLIORC_DETAIL_PRINT_TO(longterm_result)
FOLIORC_DETAIL_PRINT_TO(parse_error)
FOLIORC_DETAIL_PRINT_TO(rule_set_info)
FOLIORC_DETAIL_PRINT_TO(folio_kind)
FOLIORC_DETAIL_PRINT_TO(state_point)
FOLIORC_DETAIL_PRINT_TO(rule_disagreement)
FOLIORC_DETAIL_PRINT_TO(dump_flags)
FOLIORC_DETAIL_PRINT_TO(page_dump)
FOLIORC_DETAIL_PRINT_TO(page_ref_line)
FOLIORC_DETAIL_PRINT_TO(rule_explanation)
FOLIORC_DETAIL_PRINT_TO(dump_facts)
FOLIORC_DETAIL_PRINT_TO(dump_explanation)
FOLIORC_DETAIL_PRINT_TO(folio_explanation)

template <refcount_rep R, class M, class L>
void PrintTo(const basic_folio<R, M, L>& f, std::ostream* os)
{
    foliorc::print(*os, f);
}
// A pointer prints as the folio it points at: an address would differ from run to run.
namespace detail {
template <class F>
void print_folio_pointer(const F* f, std::ostream* os)
{
    if (!f) {
        *os << "NULL";
        return;
    }
    *os << "pointer to ";
    foliorc::print(*os, *f);
}
} // namespace detail
template <refcount_rep R, class M, class L>
void PrintTo(const basic_folio<R, M, L>* f, std::ostream* os)
{
    foliorc::detail::print_folio_pointer(f, os);
}
template <refcount_rep R, class M, class L>
void PrintTo(basic_folio<R, M, L>* f, std::ostream* os)
{
    foliorc::detail::print_folio_pointer<basic_folio<R, M, L>>(f, os);
}
inline void PrintTo(const folio_snapshot* f, std::ostream* os)
{
    foliorc::detail::print_folio_pointer(f, os);
}
inline void PrintTo(folio_snapshot* f, std::ostream* os)
{
    foliorc::detail::print_folio_pointer<folio_snapshot>(f, os);
}
template <class P>
void PrintTo(const basic_mapping<P>& m, std::ostream* os)
{
    *os << m;
}
// folio.mapping(): the mapping pointed at, not its address.
template <class P>
void PrintTo(const basic_mapping<P>* m, std::ostream* os)
{
    if (m)
        *os << "pointer to " << *m;
    else
        *os << "NULL mapping";
}
template <class F>
void PrintTo(const page_ref<F>& p, std::ostream* os)
{
    *os << p;
}

namespace model {
FOLIORC_DETAIL_PRINT_TO(placement)
FOLIORC_DETAIL_PRINT_TO(pin_result)
FOLIORC_DETAIL_PRINT_TO(trace_event)
FOLIORC_DETAIL_PRINT_TO(traced_ledger)
} // namespace model
#undef FOLIORC_DETAIL_PRINT_TO

namespace testing {

// ---- every kernel rule set, for typed tests ----

template <class List>
struct gtest_types_of;
template <class... Rs>
struct gtest_types_of<foliorc::detail::type_list<Rs...>> {
    using type = ::testing::Types<Rs...>;
};
using kernel_rule_set_types = typename gtest_types_of<kernel_rule_sets>::type;

// Typed-test names "v6_16" rather than "0".
struct rule_set_name {
    template <class R>
    static std::string GetName(int)
    {
        return std::string(R::name);
    }
};

namespace detail {

template <class T>
constexpr const auto& deref(const T& v)
{
    if constexpr (std::is_pointer_v<T>)
        return *v;
    else
        return v;
}

template <class T>
using folio_of =
    std::remove_cvref_t<decltype(foliorc::testing::detail::deref(std::declval<const T&>()))>;

// What the rules read, in words: "mapping file, order 0 (1 page), PG_private set, PG_private_2
// clear, not in swap cache, mapcount 0".
template <folio_like F>
std::string rule_inputs(const F& f)
{
    std::ostringstream s;
    s << "mapping " << mapping_kind_name(foliorc::folio_raw_mapping(f)) << ", order "
      << foliorc::folio_order(f) << " (" << foliorc::folio_nr_pages(f)
      << (foliorc::folio_nr_pages(f) == 1 ? " page), " : " pages), ")
      << (foliorc::folio_test_swapcache(f) ? "in swap cache" : "not in swap cache")
      << ", PG_private " << (foliorc::folio_test_private(f) ? "set" : "clear") << ", PG_private_2 "
      << (foliorc::folio_test_private_2(f) ? "set" : "clear") << ", mapcount "
      << foliorc::folio_mapcount(f);
    if (foliorc::page_has_type(f))
        s << ", page type " << page_type_name(foliorc::folio_page_type(f));
    return s.str();
}

// Who holds what: the ledger when there is one, else a guess from the state.
template <folio_like F>
std::string holders(const F& f, int unexpected)
{
    std::ostringstream s;
    if constexpr (basic_folio_type<F>) {
        if constexpr (F::ledger_type::tracks) {
            s << "held by ";
            foliorc::detail::print::ledger(s, f.ledger());
            return s.str();
        }
    }
    s << "no ledger, so the holders are guessed from the state: ";
    const auto likely = foliorc::likely_holders(foliorc::facts_of_folio(f), unexpected);
    for (std::size_t i = 0; i < likely.size(); ++i)
        s << (i ? "; " : "") << likely[i];
    return s.str();
}

// The same, with the unexpected references counted under the latest rules.
template <folio_like F>
std::string holders(const F& f)
{
    return foliorc::testing::detail::holders(
        f, foliorc::folio_ref_count(f) - foliorc::expected_without_caller<rules::latest>(f));
}

template <rule_set R>
void describe_rule(std::ostream& os)
{
    os << R::name << " (" << R::commit << ", " << R::kernels << ": " << R::summary << ')';
}

template <rule_set R, folio_like F>
void why(std::ostream& os, const F& f)
{
    warning_recorder w;
    const int e = foliorc::expected_ref_count<R>(f, w);
    os << "expected_ref_count<" << R::name << "> is " << e << ", from " << R::summary << ", with "
       << foliorc::testing::detail::rule_inputs(f);
    if (w.count)
        os << "; the kernel would warn instead: " << w.last.condition;
    os << (R::includes_caller_ref ? " (the caller's reference included, mapcount not counted)"
                                  : " (the caller's reference excluded, mapcount counted)");
}

template <class Impl>
struct base {
    template <class T>
    bool MatchAndExplain(const T& v, ::testing::MatchResultListener* l) const
    {
        const auto& f = foliorc::testing::detail::deref(v);
        static_assert(folio_like<std::remove_cvref_t<decltype(f)>>,
                      "foliorc matchers take a folio_like value or a pointer to one");
        using F = std::remove_cvref_t<decltype(f)>;
        std::ostringstream why;
        const bool ok = static_cast<const Impl&>(*this).match(f, why);
        // gtest prints basic_folio and folio_snapshot through PrintTo above; a caller's own type
        // may print as bytes, so say the folio in words here.
        if constexpr (!basic_folio_type<F> && !std::is_same_v<F, folio_snapshot>)
            *l << "\n    the folio: " << foliorc::to_string(f);
        *l << "\n    " << why.str();
        return ok;
    }
};

template <rule_set R>
struct has_expected_refs : base<has_expected_refs<R>> {
    int n;
    explicit has_expected_refs(int v) : n(v) {}
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        const int e = foliorc::expected_ref_count<R>(f);
        foliorc::testing::detail::why<R>(os, f);
        os << "\n    "
           << foliorc::testing::detail::holders(f, foliorc::folio_ref_count(f) -
                                                       foliorc::expected_without_caller<R>(f));
        return e == n;
    }
    void DescribeTo(std::ostream* os) const
    {
        *os << "has expected_ref_count " << n << " under rule set ";
        foliorc::testing::detail::describe_rule<R>(*os);
    }
    void DescribeNegationTo(std::ostream* os) const
    {
        *os << "does not have expected_ref_count " << n << " under rule set ";
        foliorc::testing::detail::describe_rule<R>(*os);
    }
};

template <rule_set R>
struct has_unexpected_refs : base<has_unexpected_refs<R>> {
    int n;
    explicit has_unexpected_refs(int v) : n(v) {}
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        const int e = foliorc::expected_without_caller<R>(f);
        const int u = foliorc::folio_ref_count(f) - e;
        os << u << " unexpected: refcount " << foliorc::folio_ref_count(f) << " - expected " << e
           << " (6.16 footing: the caller's reference excluded, mapcount included); ";
        foliorc::testing::detail::why<R>(os, f);
        os << "\n    " << foliorc::testing::detail::holders(f, u);
        return u == n;
    }
    void DescribeTo(std::ostream* os) const
    {
        *os << "has " << n << " unexpected reference(s) under rule set ";
        foliorc::testing::detail::describe_rule<R>(*os);
    }
    void DescribeNegationTo(std::ostream* os) const
    {
        *os << "does not have " << n << " unexpected reference(s) under rule set ";
        foliorc::testing::detail::describe_rule<R>(*os);
    }
};

struct holds : base<holds> {
    holder_id who;
    bool exact;
    int n;
    holds(holder_id h, bool e, int v) : who(h), exact(e), n(v) {}
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        if constexpr (basic_folio_type<F>) {
            static_assert(F::ledger_type::tracks,
                          "Holds() reads the ledger: use ledger_by_kind or ledger_full");
            const int got = exact ? f.ledger().held(who) : f.ledger().held_kind(who.kind);
            os << what() << " holds " << got << "; " << foliorc::testing::detail::holders(f);
            return got == n;
        } else {
            static_assert(basic_folio_type<F>, "Holds() reads the ledger of a basic_folio");
            return false;
        }
    }
    std::string what() const
    {
        return exact ? foliorc::describe(who) : std::string(holder_name(who.kind));
    }
    void DescribeTo(std::ostream* os) const
    {
        *os << "has " << n << " reference(s) held by " << what();
    }
    void DescribeNegationTo(std::ostream* os) const
    {
        *os << "does not have " << n << " reference(s) held by " << what();
    }
};

template <folio_like F>
void say_pin_state(std::ostream& os, const F& f)
{
    if (foliorc::folio_has_pincount(f))
        os << "large folio: _pincount " << foliorc::folio_pincount(f)
           << " (each FOLL_PIN page adds 1 to it and 1 to the refcount)";
    else
        os << "order-0 folio without _pincount: refcount " << foliorc::folio_ref_count(f)
           << (foliorc::folio_ref_count(f) >= gup_pin_counting_bias ? " >= " : " < ")
           << "GUP_PIN_COUNTING_BIAS " << gup_pin_counting_bias;
}

struct is_pinned : base<is_pinned> {
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        if constexpr (basic_folio_type<F>) {
            if constexpr (F::ledger_type::tracks) {
                const int pins = f.ledger().held_kind(holder::foll_pin);
                os << "foll_pin holds " << pins << " reference(s); ";
                foliorc::testing::detail::say_pin_state(os, f);
                os << "; " << foliorc::testing::detail::holders(f);
                return pins > 0;
            }
        }
        os << "no ledger, so judged by folio_maybe_dma_pinned: ";
        foliorc::testing::detail::say_pin_state(os, f);
        return foliorc::folio_maybe_dma_pinned(f);
    }
    void DescribeTo(std::ostream* os) const { *os << "is pinned with FOLL_PIN"; }
    void DescribeNegationTo(std::ostream* os) const { *os << "is not pinned with FOLL_PIN"; }
};

struct maybe_dma_pinned : base<maybe_dma_pinned> {
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        const bool p = foliorc::folio_maybe_dma_pinned(f);
        os << "folio_maybe_dma_pinned is " << (p ? "true" : "false") << ": ";
        foliorc::testing::detail::say_pin_state(os, f);
        os << "\n    " << foliorc::testing::detail::holders(f);
        return p;
    }
    void DescribeTo(std::ostream* os) const
    {
        *os << "is maybe DMA-pinned (folio_maybe_dma_pinned)";
    }
    void DescribeNegationTo(std::ostream* os) const
    {
        *os << "is not maybe DMA-pinned (folio_maybe_dma_pinned is false)";
    }
};

template <rule_set R>
struct migrates_under : base<migrates_under<R>> {
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        const int ret = foliorc::folio_migrate_refs_check<R>(f);
        const int want = foliorc::expected_ref_count<R>(f) + (R::includes_caller_ref ? 0 : 1);
        const int refs = foliorc::folio_ref_count(f);
        os << "folio_migrate_refs_check<" << R::name << "> gives " << (ret == 0 ? "0" : "-EAGAIN")
           << ": migration expects refcount " << want << " = expected_ref_count "
           << foliorc::expected_ref_count<R>(f)
           << (R::includes_caller_ref ? " (the isolation reference included)"
                                      : " + 1 isolation reference")
           << ", the folio has " << refs;
        if (refs != want)
            os << " (" << (refs > want ? "+" : "") << refs - want << ')';
        os << "; ";
        foliorc::testing::detail::why<R>(os, f);
        if (R::counts_mapcount && foliorc::folio_mapcount(f))
            os << "; note: the folio is still mapped (migration checks after try_to_migrate unmaps "
                  "it)";
        os << "\n    " << foliorc::testing::detail::holders(f, refs - want);
        return ret == 0;
    }
    void DescribeTo(std::ostream* os) const
    {
        *os << "passes the migration refcount check under rule set ";
        foliorc::testing::detail::describe_rule<R>(*os);
    }
    void DescribeNegationTo(std::ostream* os) const
    {
        *os << "fails the migration refcount check under rule set ";
        foliorc::testing::detail::describe_rule<R>(*os);
    }
};

struct has_flags : base<has_flags> {
    flag_set want;
    explicit has_flags(flag_set w) : want(w) {}
    template <folio_like F>
    bool match(const F& f, std::ostream& os) const
    {
        flag_set missing;
        want.for_each([&](pg p) {
            if (!foliorc::folio_test(f, p))
                missing.set(p);
        });
        if (missing.empty())
            os << "every one is set";
        else
            os << "missing " << missing;
        os << "\n    " << foliorc::testing::detail::holders(f);
        return missing.empty();
    }
    void DescribeTo(std::ostream* os) const { *os << "has flags " << want; }
    void DescribeNegationTo(std::ostream* os) const
    {
        *os << "does not have all of flags " << want;
    }
};

} // namespace detail

// ---- the matchers ----

template <rule_set R>
auto HasExpectedRefs(int n)
{
    return ::testing::MakePolymorphicMatcher(detail::has_expected_refs<R>(n));
}
template <rule_set R>
auto HasUnexpectedRefs(int n)
{
    return ::testing::MakePolymorphicMatcher(detail::has_unexpected_refs<R>(n));
}
// A holder kind (every CPU's batches pooled) ...
inline auto Holds(holder h, int n)
{
    return ::testing::MakePolymorphicMatcher(detail::holds(holder_id{h}, false, n));
}
// ... or one exact holder, e.g. batch_holder(batch_kind::mlock, 1) (needs ledger_full to tell
// CPUs and batches apart).
inline auto Holds(holder_id h, int n)
{
    return ::testing::MakePolymorphicMatcher(detail::holds(h, true, n));
}
inline auto IsPinned()
{
    return ::testing::MakePolymorphicMatcher(detail::is_pinned{});
}
inline auto MaybeDmaPinned()
{
    return ::testing::MakePolymorphicMatcher(detail::maybe_dma_pinned{});
}
template <rule_set R>
auto MigratesUnder()
{
    return ::testing::MakePolymorphicMatcher(detail::migrates_under<R>{});
}
template <class... Flags>
requires(std::same_as<Flags, pg>&&...) auto HasFlags(Flags... flags)
{
    return ::testing::MakePolymorphicMatcher(detail::has_flags(flag_set{flags...}));
}
inline auto HasFlags(flag_set flags)
{
    return ::testing::MakePolymorphicMatcher(detail::has_flags(flags));
}

} // namespace testing
} // namespace foliorc::inline FOLIORC_ABI
