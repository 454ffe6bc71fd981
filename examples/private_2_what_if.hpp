// A rule set written by a user, as any type of the rule_set shape: Hugh Dickins' v1 1/7 "mm: fix
// folio_expected_ref_count() when PG_private_2" (31 Aug 2025; in mm-new as 3d5a3970adc7, dropped
// after Matthew Wilcox's NAK), which counts folio_has_private() (PG_private or PG_private_2)
// where the kernel counts PG_private (docs/kernel.md ("Expected refcounts")). Used by rules_diff and the static
// tests.
#pragma once

#include <string_view>

#include <foliorc/rules.hpp>

struct private_2_what_if {
    static constexpr std::string_view name = "private_2_what_if";
    static constexpr std::string_view commit = "3d5a3970adc7 (mm-new only, dropped after the NAK)";
    static constexpr std::string_view kernels = "never merged";
    static constexpr std::string_view summary =
        "latest, with folio_has_private for the private term";
    static constexpr bool includes_caller_ref = false;
    static constexpr bool counts_mapcount = true;
    template <foliorc::folio_like F, class Warn>
    static constexpr int expected(const F& f, Warn&& warn)
    {
        using namespace foliorc;
        const int base = rules::latest::expected(f, warn);
        if (folio_test_anon(f) || folio_raw_mapping(f) == mapping_kind::none)
            return base;
        return base - (folio_test_private(f) ? 1 : 0) +
               ((folio_test_private(f) || folio_test_private_2(f)) ? 1 : 0);
    }
};
