// An environment without isolate_lru is not a collect_env: the diagnostic names the hook.
// expect: env.isolate_lru\(f\)|collect_env_isolate_lru
#include <foliorc/collect.hpp>

#include <vector>

struct incomplete_env {
    bool is_longterm_pinnable(const foliorc::folio&) { return false; }
    bool is_device_coherent(const foliorc::folio&) { return false; }
    bool isolate_hugetlb(foliorc::folio&) { return false; }
    void lru_add_drain() {}
    void lru_add_drain_all() {}
    void add_to_list(foliorc::folio&) {}
};

int main()
{
    foliorc::folio f(foliorc::folio::state{});
    std::vector<foliorc::folio*> pofs{&f};
    incomplete_env env;
    return int(foliorc::collect_unpinnable(pofs, env).collected);
}
