// The rule set given twice, differently: migration checks with v6_16 while the drain policy
// compares with v6_19. Refused; split_rules<v6_19, v6_16> would say the split is deliberate.
// expect: the drain policy compares with a rule set
#include <vector>

#include <foliorc/migrate.hpp>
#include <foliorc/model/gup_env.hpp>

int main()
{
    using F = foliorc::folio;
    foliorc::lru_caches<F> caches;
    foliorc::model::gup_env<F> env(caches, 0);
    std::vector<F*> pofs;
    const auto r = foliorc::check_and_migrate_movable_pages_or_folios<foliorc::rules::v6_16>(
        pofs, env, foliorc::drain::pin_aware<foliorc::rules::v6_19>{});
    return r.ret;
}
