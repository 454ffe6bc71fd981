// foliorc/pin.hpp — pins: FOLL_GET and FOLL_PIN accounting (docs/kernel.md ("Pins")). A pin on a folio
// without _pincount adds GUP_PIN_COUNTING_BIAS (1024) to the refcount; on a large folio it adds
// 1 to refcount and 1 to _pincount per pinned page.
#pragma once

#include <string>

#include <foliorc/folio_ops.hpp>
#include <foliorc/queries.hpp>

namespace foliorc::inline FOLIORC_ABI {

enum gup_flags : unsigned {
    FOLL_GET = 1u << 0,
    FOLL_PIN = 1u << 1,
    FOLL_LONGTERM = 1u << 2,
};
constexpr gup_flags operator|(gup_flags a, gup_flags b) noexcept
{
    return static_cast<gup_flags>(unsigned(a) | unsigned(b));
}

// What `pages` pinned pages of this folio add to its refcount. (Function objects, as the
// queries in queries.hpp: immune to argument-dependent lookup.)
struct pin_refs_fn {
    template <folio_like F>
    constexpr int operator()(const F& f, int pages = 1) const
    {
        return ::foliorc::folio_has_pincount(f) ? pages : pages * gup_pin_counting_bias;
    }
};
inline constexpr pin_refs_fn pin_refs{};

// folio_maybe_dma_pinned(): exact with a pincount; otherwise refcount >= 1024 read unsigned, so
// 1024 ordinary references (or an overflowed count) also say "pinned".
struct folio_maybe_dma_pinned_fn {
    template <folio_like F>
    constexpr bool operator()(const F& f) const
    {
        if (::foliorc::folio_has_pincount(f))
            return ::foliorc::folio_pincount(f) > 0;
        return static_cast<unsigned>(::foliorc::folio_ref_count(f)) >=
               static_cast<unsigned>(gup_pin_counting_bias);
    }
};
inline constexpr folio_maybe_dma_pinned_fn folio_maybe_dma_pinned{};

namespace detail {
template <mutable_folio_like F>
constexpr change_t<F> grab_change(const F& f, int refs, gup_flags flags, bool put,
                                  std::string_view op)
{
    change_t<F> c{op};
    const bool get = flags & FOLL_GET, pin = flags & FOLL_PIN;
    if (get == pin) // is_valid_gup_args: exactly one of FOLL_GET and FOLL_PIN
        fail(errc::wrong_state, ::foliorc::folio_pfn(f),
             std::string(c.op) + ": exactly one of FOLL_GET, FOLL_PIN");
    if ((flags & FOLL_LONGTERM) && !pin)
        fail(errc::wrong_state, ::foliorc::folio_pfn(f),
             std::string(c.op) + ": FOLL_LONGTERM requires FOLL_PIN");
    if (!put && ::foliorc::folio_ref_count(f) <= 0)
        fail(errc::wrong_state, ::foliorc::folio_pfn(f),
             "try_grab_folio: folio has refcount 0 (freed)");
    const int sign = put ? -1 : 1;
    if (get)
        return c.ref(holder::foll_get, sign * refs), c;
    const bool own_pincount = ::foliorc::folio_has_pincount(f);
    if (own_pincount)
        c.pincount = sign * refs;
    c.ref(holder::foll_pin, sign * (own_pincount ? refs : refs * gup_pin_counting_bias));
    return c;
}
} // namespace detail

// try_grab_folio(folio, refs, flags): `refs` pages of the folio taken with FOLL_GET or FOLL_PIN.
template <mutable_folio_like F>
constexpr void try_grab_folio(F& f, int refs, gup_flags flags)
{
    detail::apply_change(f, detail::grab_change(f, refs, flags, false, "try_grab_folio"));
}

// gup_put_folio(folio, refs, flags): the reverse.
template <mutable_folio_like F>
constexpr void gup_put_folio(F& f, int refs, gup_flags flags, std::string_view op = "gup_put_folio")
{
    detail::apply_change(f, detail::grab_change(f, refs, flags, true, op));
}

// unpin_folio(): one FOLL_PIN page.
template <mutable_folio_like F>
constexpr void unpin_folio(F& f)
{
    ::foliorc::gup_put_folio(f, 1, FOLL_PIN, "unpin_folio");
}

} // namespace foliorc::inline FOLIORC_ABI
