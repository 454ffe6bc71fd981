// A kernel model whose drain policy compares with one rule set while Rules names another for the
// drain check mixes two kernels: refused. (split_rules<DrainRules, MigrateRules> says a kernel
// really uses two, as 6.1.y does; kernel_for<Preset> does that by itself.)
// expect: the drain policy compares with another rule set
#include <foliorc/model/kernel.hpp>

int main()
{
    foliorc::model::kernel<foliorc::rules::v6_16, foliorc::drain::pin_aware<foliorc::rules::v6_19>>
        k;
    return k.nr_folios();
}
