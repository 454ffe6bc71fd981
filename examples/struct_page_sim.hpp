// struct_page_sim.hpp — an mm simulator's own memory map, written without foliorc: a kernel-like
// struct page array with compound pages (tails point at their folio through a tagged
// compound_head), the raw per-page _mapcount (-1 = unmapped), a folio-level _large_mapcount and
// _pincount, an atomic _refcount and a tagged mapping pointer. Then the one adapter that plugs it
// into foliorc: folio_traits for the folio and for the page. Used by
// examples/plug_your_struct_page.cpp and tests/unit/struct_page_test.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <foliorc/folio_traits.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/model/gup_env.hpp>

// ---- The simulator: knows nothing of foliorc. ------------------------------------------------
namespace ksim {

// Its own flag bits (the 6.12 numbering of the flags it models).
enum pageflag : unsigned {
    PG_locked = 0,
    PG_writeback = 1,
    PG_referenced = 2,
    PG_uptodate = 3,
    PG_dirty = 4,
    PG_lru = 5,
    PG_head = 6,
    PG_waiters = 7,
    PG_active = 8,
    PG_workingset = 9,
    PG_owner_priv_1 = 10,
    PG_owner_2 = 11,
    PG_arch_1 = 12,
    PG_reserved = 13,
    PG_private = 14,
    PG_private_2 = 15,
    PG_reclaim = 16,
    PG_swapbacked = 17,
    PG_unevictable = 18,
    PG_mlocked = 19,
};
enum class zone : std::uint8_t { normal, movable };
enum class pageblock : std::uint8_t { movable, cma, unmovable };

// How a filesystem treats its page-cache folios.
struct filesystem {
    const char* name;
    bool swapbacked = false;          // shmem
    bool uses_private = false;        // buffer heads and the like, with PG_private
    bool uses_private_2 = false;      // PG_private_2 (PG_fscache)
    bool private_2_takes_ref = false; // netfs (ceph, nfs) pair it with a reference
};
inline constexpr filesystem ext4{"ext4", false, true, false, false};
inline constexpr filesystem ceph{"ceph", false, true, true, true};
struct address_space {
    const filesystem* fs;
    const char* name;
};
inline constexpr std::uintptr_t PAGE_MAPPING_ANON = 1, PAGE_MAPPING_MOVABLE = 2;
inline int anon_vma; // what an anon mapping points at (tagged)

struct folio;

struct page {
    std::uintptr_t compound_head = 0; // (folio*) | 1 on every page of a folio
    int _mapcount = -1;               // raw, per page: -1 when no PTE maps it
    unsigned long pfn = 0;
};

// struct folio: the head page's fields. The kernel overlays them on page[0] and page[1]; here
// they live in a folio object the pages point at.
struct folio {
    unsigned long flags = 0;
    std::uintptr_t mapping = 0; // address_space*, or anon_vma* | PAGE_MAPPING_ANON
    std::atomic<int> _refcount{1};
    int _large_mapcount = -1; // page[1]: all mappings of a large folio, -1 based
    int _pincount = 0;        // page[1]: large folios only
    std::uint8_t _folio_order = 0;
    bool hugetlb = false;
    bool hugetlb_migratable = false;
    zone z = zone::normal;
    pageblock mt = pageblock::movable;
    page* pages = nullptr; // its first page in mem_map
    // A caller's type may overload unary &. This one cannot be used with it at all, so a library
    // path that takes a folio's address without std::addressof does not compile.
    void operator&() const = delete;
};

// The memory map and a folio allocator over it (pfn = index).
struct memory {
    std::vector<page> mem_map;
    std::deque<folio> folios;
    unsigned long next = 0;

    explicit memory(unsigned long nr_pages) : mem_map(nr_pages)
    {
        for (unsigned long i = 0; i < nr_pages; ++i)
            mem_map[i].pfn = i;
    }
    folio& alloc(unsigned order, zone z = zone::normal, pageblock mt = pageblock::movable)
    {
        folio& f = folios.emplace_back();
        f._folio_order = static_cast<std::uint8_t>(order);
        f.z = z;
        f.mt = mt;
        f.pages = &mem_map.at(next);
        if (order)
            f.flags |= 1ul << PG_head;
        for (unsigned long i = 0; i < (1ul << order); ++i)
            mem_map.at(next + i).compound_head =
                reinterpret_cast<std::uintptr_t>(std::addressof(f)) | 1;
        next += 1ul << order;
        return f;
    }
};

inline folio* page_folio(const page& p)
{
    // NOLINTNEXTLINE(performance-no-int-to-ptr): a tagged pointer, as the kernel keeps it
    return reinterpret_cast<folio*>(p.compound_head & ~std::uintptr_t(1));
}

// The simulator's own kernel-named helpers, with the meanings its code base gives them. They sit
// beside its types, so argument-dependent lookup finds them: foliorc must never call them.
inline int folio_mapcount(const folio& f)
{
    return f._large_mapcount;
} // raw, -1 based
inline int folio_ref_count(const folio&)
{
    return -1;
}
inline void folio_get(folio& f)
{
    f.flags |= 1ul << PG_reserved;
}
inline void folio_put(folio& f)
{
    f.flags |= 1ul << PG_reserved;
}
inline bool folio_test_lru(const folio&)
{
    return true;
}
inline bool folio_isolate_lru(folio&)
{
    return true;
}
inline void unpin_folio(folio& f)
{
    f._pincount = -100;
}
inline bool try_grab_folio(folio&, int, unsigned)
{
    return false;
}
inline int folio_nr_pages(const folio&)
{
    return 0;
}
inline bool folio_is_longterm_pinnable(const folio&)
{
    return true;
}
inline int expected_ref_count(const folio&)
{
    return -1;
}
inline void lru_add_drain() {}

} // namespace ksim

// ---- The adapter: the only foliorc-aware lines. ----------------------------------------------
namespace ksim::adapter {
inline unsigned bit(foliorc::pg f)
{
    using foliorc::pg;
    switch (f) {
    case pg::locked: return PG_locked;
    case pg::writeback: return PG_writeback;
    case pg::referenced: return PG_referenced;
    case pg::uptodate: return PG_uptodate;
    case pg::dirty: return PG_dirty;
    case pg::lru: return PG_lru;
    case pg::head: return PG_head;
    case pg::active: return PG_active;
    case pg::workingset: return PG_workingset;
    case pg::owner_priv_1: return PG_owner_priv_1;
    case pg::owner_2: return PG_owner_2;
    case pg::private_: return PG_private;
    case pg::private_2: return PG_private_2;
    case pg::reclaim: return PG_reclaim;
    case pg::swapbacked: return PG_swapbacked;
    case pg::unevictable: return PG_unevictable;
    case pg::mlocked: return PG_mlocked;
    default: return ~0u; // a flag the simulator does not model: always clear
    }
}
// foliorc's mapping for one of the simulator's address spaces: the filesystem's behaviour plus
// the address_space itself, which set_mapping stores in folio->mapping.
struct mapping : foliorc::basic_mapping<filesystem> {
    const address_space* as = nullptr;
};
inline mapping file(const address_space& as)
{
    mapping m;
    m.kind = foliorc::mapping_kind::file;
    m.fs = *as.fs;
    m.name = as.name;
    m.as = &as;
    return m;
}
inline const mapping anon = [] {
    mapping m;
    m.kind = foliorc::mapping_kind::anon;
    m.name = "anon";
    return m;
}();
// The ledger hook writes here: one line per reference delta.
inline std::vector<std::string> log;
} // namespace ksim::adapter
template <>
struct foliorc::folio_traits<ksim::folio> {
    using F = ksim::folio;
    // reads (folio_like)
    static bool test_flag(const F& f, pg p)
    {
        const unsigned b = ksim::adapter::bit(p);
        return b != ~0u && (f.flags >> b & 1);
    }
    static unsigned order(const F& f) { return f._folio_order; }
    static int ref_count(const F& f) { return f._refcount.load(std::memory_order_acquire); }
    static int mapcount(const F& f) // folio_mapcount: the -1 based counters, +1
    {
        return f._folio_order ? f._large_mapcount + 1 : f.pages->_mapcount + 1;
    }
    static int pincount(const F& f) { return f._folio_order ? f._pincount : 0; }
    static mapping_kind mapping(const F& f)
    {
        if (!f.mapping)
            return mapping_kind::none;
        switch (f.mapping & 3) {
        case ksim::PAGE_MAPPING_ANON: return mapping_kind::anon;
        case ksim::PAGE_MAPPING_MOVABLE: return mapping_kind::movable_ops;
        case 3: return mapping_kind::ksm;
        default: return mapping_kind::file;
        }
    }
    static page_type type(const F& f) { return f.hugetlb ? page_type::hugetlb : page_type::none; }
    static std::uint64_t pfn(const F& f) { return f.pages->pfn; }
    static zone_type zone(const F& f)
    {
        return f.z == ksim::zone::movable ? zone_type::movable : zone_type::normal;
    }
    static migratetype pageblock_mt(const F& f)
    {
        return f.mt == ksim::pageblock::cma         ? migratetype::cma
               : f.mt == ksim::pageblock::unmovable ? migratetype::unmovable
                                                    : migratetype::movable;
    }

    // writes (mutable_folio_like): never throw
    static void ref_add(F& f, int n) { f._refcount.fetch_add(n, std::memory_order_acq_rel); }
    static void mapcount_add(F& f, int n) // which page a PTE maps is the simulator's business:
    {                                     // here, the head page of a small folio
        if (f._folio_order)
            f._large_mapcount += n;
        else
            f.pages->_mapcount += n;
    }
    static void pincount_add(F& f, int n) { f._pincount += n; }
    static void set_flag(F& f, pg p, bool on)
    {
        const unsigned b = ksim::adapter::bit(p);
        if (b == ~0u)
            return;
        f.flags = on ? f.flags | 1ul << b : f.flags & ~(1ul << b);
    }
    // folio->mapping: the address_space, or a tagged anon_vma / movable_ops pointer.
    using mapping_type = foliorc::basic_mapping<ksim::filesystem>;
    static void set_mapping(F& f, mapping_kind k, const mapping_type* m)
    {
        const auto anon = reinterpret_cast<std::uintptr_t>(&ksim::anon_vma);
        switch (k) {
        case mapping_kind::none: f.mapping = 0; break;
        case mapping_kind::anon: f.mapping = anon | ksim::PAGE_MAPPING_ANON; break;
        case mapping_kind::ksm:
            f.mapping = anon | ksim::PAGE_MAPPING_ANON | ksim::PAGE_MAPPING_MOVABLE;
            break;
        case mapping_kind::movable_ops: f.mapping = ksim::PAGE_MAPPING_MOVABLE; break;
        case mapping_kind::file: // always a ksim::adapter::mapping (adapter::file)
        case mapping_kind::swap:
            f.mapping =
                reinterpret_cast<std::uintptr_t>(static_cast<const ksim::adapter::mapping*>(m)->as);
            break;
        }
    }
    static const ksim::filesystem* fs(const F& f)
    {
        // NOLINTNEXTLINE(performance-no-int-to-ptr): folio->mapping is a tagged pointer
        return reinterpret_cast<const ksim::address_space*>(f.mapping)->fs;
    }
    static bool hugetlb_migratable(const F& f) { return f.hugetlb_migratable; }
    static void set_hugetlb_migratable(F& f, bool on) { f.hugetlb_migratable = on; }
    // ledger hook
    static void record(F& f, std::string_view op, holder_id who, int n)
    {
        ksim::adapter::log.push_back("pfn " + std::to_string(f.pages->pfn) + " " + std::string(op) +
                                     " " + describe(who) + (n > 0 ? " +" : " ") +
                                     std::to_string(n));
    }
};

// A page finds its folio by compound_head; its own pfn is page_to_pfn.
template <>
struct foliorc::folio_traits<ksim::page> {
    static ksim::folio* page_folio(const ksim::page& p) { return ksim::page_folio(p); }
    static std::uint64_t pfn(const ksim::page& p) { return p.pfn; }
};

// ---- The simulator's GUP, through foliorc. ---------------------------------------------------
namespace ksim::adapter {

// The mapping object of a folio's current folio->mapping, for folio_migrate_mapping.
inline mapping mapping_of(const folio& f)
{
    if ((f.mapping & 3) == 0 && f.mapping)
        // NOLINTNEXTLINE(performance-no-int-to-ptr): folio->mapping is a tagged pointer
        return file(*reinterpret_cast<const address_space*>(f.mapping));
    return anon;
}

// One vma's page table (a page per virtual page), and the environment pin_user_pages_longterm
// runs in: foliorc's gup_env (lru_caches batches, collection, isolation, migration's unmap and
// undo, putback) plus what only the simulator knows: how its page table pins (pin_pages) and
// where a migrated folio's data goes (move_to_new_folio).
class gup : public foliorc::model::gup_env<folio> {
    using base = foliorc::model::gup_env<folio>;

public:
    gup(memory& mem, caches_type& caches, unsigned cpu, std::vector<page*>& pte)
        : base(caches, cpu), mem_(&mem), pte_(&pte)
    {
    }

    // __get_user_pages_locked(FOLL_PIN | FOLL_LONGTERM): every mapped page, pinned.
    long pin_pages(std::vector<page*>& pages)
    {
        pages.clear();
        for (page* p : *pte_) {
            ::foliorc::try_grab_folio(*page_folio(*p), 1,
                                      foliorc::FOLL_PIN | foliorc::FOLL_LONGTERM);
            pages.push_back(p);
        }
        return static_cast<long>(pages.size());
    }

    // migrate_folio_move (mm/migrate.c, 6.12.117) into a folio outside CMA and ZONE_MOVABLE:
    // folio_migrate_mapping, folio_add_lru(dst), the migration entries mapped to dst's pages,
    // folio_put(dst), and migrate_folio_done's put of the source's isolation reference.
    void move_to_new_folio(folio& src)
    {
        const unsigned order = src._folio_order;
        folio& dst = mem_->alloc(order, zone::normal, pageblock::unmovable);
        const mapping m = mapping_of(src);
        foliorc::model::folio_migrate_mapping(src, dst, &m);
        caches().folio_add_lru(cpu(), dst);
        for (page*& p : *pte_)
            if (page_folio(*p) == std::addressof(src))
                p = dst.pages + (p - src.pages);
        const unmapped u = take_unmapped(src);
        for (int i = 0; i < u.ptes; ++i)
            foliorc::model::remove_migration_pte(caches(), cpu(), dst, u.locked);
        ::foliorc::folio_put(dst, foliorc::holder::caller, "migrate_folio_move");
        ::foliorc::folio_put(src, foliorc::holder::isolation, "migrate_folio_done");
    }

private:
    memory* mem_;
    std::vector<page*>* pte_;
};

} // namespace ksim::adapter
