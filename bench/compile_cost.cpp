// Compile cost: the umbrella header and one instantiation of collect_unpinnable.
#include <foliorc/foliorc.hpp>

#include <vector>

namespace {
struct env {
    bool is_longterm_pinnable(const foliorc::folio& f) const
    {
        return foliorc::folio_is_longterm_pinnable(f);
    }
    bool is_device_coherent(const foliorc::folio&) const { return false; }
    bool isolate_hugetlb(foliorc::folio&) const { return false; }
    void lru_add_drain() const {}
    void lru_add_drain_all() const {}
    bool isolate_lru(foliorc::folio& f) const { return foliorc::folio_test_lru(f); }
    void add_to_list(foliorc::folio&) const {}
};
} // namespace

long collect_once(std::vector<foliorc::page_ref<foliorc::folio>>& pofs)
{
    env e;
    return foliorc::collect_unpinnable(pofs, e).collected;
}
