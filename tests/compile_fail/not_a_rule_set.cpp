// A rule set without its metadata (commit, kernels, summary, ...) is refused.
// expect: R::commit|does not satisfy 'rule_set'
#include <foliorc/rules.hpp>

struct my_rules {
    template <class F, class W>
    static constexpr int expected(const F&, W&&)
    {
        return 0;
    }
};

int main()
{
    foliorc::folio f(foliorc::folio::state{});
    return foliorc::expected_ref_count<my_rules>(f);
}
