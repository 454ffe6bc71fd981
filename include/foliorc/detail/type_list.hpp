// foliorc/detail/type_list.hpp — a list of types with a compile-time for_each; the rule-set and
// drain-policy lists are this.
#pragma once

#include <cstddef>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI::detail {

template <class... Ts>
struct type_list {
    // Calls fn.template operator()<T>() for each T, in order.
    template <class Fn>
    static constexpr void for_each(Fn&& fn)
    {
        (fn.template operator()<Ts>(), ...);
    }
    static constexpr std::size_t size = sizeof...(Ts);
};

} // namespace foliorc::inline FOLIORC_ABI::detail
