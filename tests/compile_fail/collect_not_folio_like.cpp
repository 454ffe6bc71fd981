// pofs of a type that is not folio_like cannot be collected.
// expect: sizeof \(foliorc::folio_traits<F>\)|has_folio_traits|folio_like<
#include <foliorc/collect.hpp>

#include <vector>

struct not_a_folio {};
struct env_t {};

int main()
{
    not_a_folio f;
    std::vector<not_a_folio*> pofs{&f};
    env_t env;
    return int(foliorc::collect_unpinnable(pofs, env).collected);
}
