// A folio with an atomic refcount is shared state: copying it must not compile.
// expect: no matching (function for call|constructor for initialization) .*basic_folio<std::atomic<int>
#include <foliorc/folio.hpp>

#include <atomic>

int main()
{
    using F = foliorc::basic_folio<std::atomic<int>>;
    F a(F::state{});
    F b = a;
    return b.ref_count();
}
