// plug_your_kernel: a caller's own toy allocator (zones, CMA ranges) and per-CPU caches, written
// without foliorc types, become the environment of collect_unpinnable in a few lines. Prints,
// for every drain policy, what was collected and drained.
#include <foliorc/collect.hpp>

#include <cstdint>
#include <cstdio>
#include <vector>

// ---- The caller's kernel model: knows nothing of foliorc. --------------------------------------
namespace toy {
struct frame {
    unsigned long pfn = 0;
    int refs = 1; // allocation reference
    int maps = 0;
    bool anon = false;
    bool on_lru = false;
};

struct allocator {
    struct range {
        unsigned long start, end;
    };
    range movable_zone{0x80000, 0x90000};
    std::vector<range> cma{{0x40000, 0x48000}};
    std::vector<frame> frames;
    unsigned long next_normal = 0x1000, next_cma = 0x40000;

    explicit allocator(std::size_t n) { frames.reserve(n); }
    frame& alloc(bool from_cma)
    {
        return frames.emplace_back(frame{from_cma ? next_cma++ : next_normal++});
    }
    bool in_cma(unsigned long pfn) const
    {
        for (auto r : cma)
            if (pfn >= r.start && pfn < r.end)
                return true;
        return false;
    }
    bool in_movable(unsigned long pfn) const
    {
        return pfn >= movable_zone.start && pfn < movable_zone.end;
    }
};

// A per-CPU cache of frames headed for the LRU; each entry holds a reference.
struct percpu_cache {
    std::vector<frame*> pending;
    void add(frame& f)
    {
        ++f.refs;
        pending.push_back(&f);
    }
    void drain()
    {
        for (frame* f : pending) {
            f->on_lru = true;
            --f->refs;
        }
        pending.clear();
    }
};
} // namespace toy

// ---- The adapter: the only foliorc-aware lines. ------------------------------------------------
template <>
struct foliorc::folio_traits<toy::frame> {
    static bool test_flag(const toy::frame& f, pg p)
    {
        return (p == pg::lru && f.on_lru) || (p == pg::swapbacked && f.anon);
    }
    static unsigned order(const toy::frame&) { return 0; }
    static int ref_count(const toy::frame& f) { return f.refs; }
    static int mapcount(const toy::frame& f) { return f.maps; }
    static int pincount(const toy::frame&) { return 0; }
    static mapping_kind mapping(const toy::frame& f)
    {
        return f.anon ? mapping_kind::anon : mapping_kind::none;
    }
    static page_type type(const toy::frame&) { return page_type::none; }
    static std::uint64_t pfn(const toy::frame& f) { return f.pfn; }
};

struct toy_env {
    toy::allocator& mm;
    std::vector<toy::percpu_cache>& cpus;
    unsigned cpu;
    std::vector<toy::frame*> list{};
    bool is_longterm_pinnable(const toy::frame& f) const
    {
        return !mm.in_cma(f.pfn) && !mm.in_movable(f.pfn);
    }
    bool is_device_coherent(const toy::frame&) const { return false; }
    bool isolate_hugetlb(toy::frame&) { return false; }
    void lru_add_drain() { cpus[cpu].drain(); }
    void lru_add_drain_all()
    {
        for (auto& c : cpus)
            c.drain();
    }
    bool isolate_lru(toy::frame& f)
    {
        if (!f.on_lru)
            return false;
        f.on_lru = false;
        ++f.refs;
        return true;
    }
    void add_to_list(toy::frame& f) { list.push_back(&f); }
};
static_assert(foliorc::collect_env<toy_env, toy::frame>);

// ---- A run: six anon faults on CPU 0, pinned on CPU 1. -----------------------------------------
namespace {
constexpr int pin_bias = 1024;

template <class Policy>
void run()
{
    toy::allocator mm(8);
    std::vector<toy::percpu_cache> cpus(2);
    std::vector<toy::frame*> pinned;
    for (int i = 0; i < 6; ++i) {
        toy::frame& f = mm.alloc(/*from_cma=*/i % 2 == 0);
        f.anon = true;
        f.maps = 1; // the allocation reference now belongs to the page table
        cpus[0].add(f);
        if (i < 4) // four of them reach the LRU, two still wait on CPU 0
            cpus[0].drain();
        f.refs += pin_bias; // FOLL_PIN on a small frame
        pinned.push_back(&f);
    }
    toy_env env{mm, cpus, 1};
    const auto r = foliorc::collect_unpinnable(pinned, env, Policy{});
    int stray = 0;
    for (auto* f : env.list)
        stray += f->refs != f->maps + pin_bias + 1; // + isolation
    std::printf("%-18.*s %9ld %8ld %12ld %10ld %14d\n", int(Policy::name.size()),
                Policy::name.data(), r.collected, r.isolated, r.local_drains, r.drain_alls, stray);
}
} // namespace

int main()
{
    std::printf("toy kernel: 6 anon frames (3 in CMA), faulted on CPU 0, pinned on CPU 1\n");
    std::printf("%-18s %9s %8s %12s %10s %14s\n", "policy", "collected", "isolated", "local drains",
                "drain-alls", "stray refs left");
    foliorc::kernel_drain_policies::for_each([]<class P>() { run<P>(); });
}
