/* kernel.c: one kernel version's functions, compiled verbatim from the generated headers
 * (build/conformance/gen/<version>/, cut out of the kernel source by extract.py) against the
 * stubs of kstubs.h, behind the C ABI of kabi.h. Built twice: KVER=612 and KVER=601.
 * Nothing in this file is kernel code: it is the harness around it. */
#include "kconfig.h"   /* Debian's amd64 configuration of this version */
#include "kversion.h"  /* KVERSION_STRING, from the tree's Makefile */
#include "kstubs.h"

#include <stdlib.h>

/* The kernel's non-static functions, renamed per version: both versions link into one program. */
#define KSTUB_CAT2(a, b) a##_##b
#define KSTUB_CAT(a, b) KSTUB_CAT2(a, b)
#define folio_mapping KSTUB_CAT(folio_mapping, KVER)
#define folio_mapcount KSTUB_CAT(folio_mapcount, KVER)
#define __page_mapcount KSTUB_CAT(__page_mapcount, KVER)

/* ---- enum pageflags and the page types, verbatim ---- */
#include "pageflags.h"
#if KVER < 612
#include "pagetype.h"
#endif

/* The flag accessors: in the kernel these come from the PAGEFLAG() macros of page-flags.h,
 * which test folio->flags (the head page's word) for every PF_ policy the functions here use. */
#define KSTUB_FOLIO_FLAG(fname, bit)                                                   \
	static inline bool folio_test_##fname(const struct folio *folio)                \
	{ return test_bit(bit, &folio->flags); }                                        \
	static inline void folio_set_##fname(struct folio *folio)                       \
	{ set_bit(bit, &folio->flags); }                                                \
	static inline void folio_clear_##fname(struct folio *folio)                     \
	{ clear_bit(bit, &folio->flags); }                                              \
	static inline bool folio_test_clear_##fname(struct folio *folio)                \
	{ bool r = test_bit(bit, &folio->flags); clear_bit(bit, &folio->flags); return r; } \
	static inline bool folio_test_set_##fname(struct folio *folio)                  \
	{ bool r = test_bit(bit, &folio->flags); set_bit(bit, &folio->flags); return r; }
KSTUB_FOLIO_FLAG(head, PG_head)
KSTUB_FOLIO_FLAG(lru, PG_lru)
KSTUB_FOLIO_FLAG(active, PG_active)
KSTUB_FOLIO_FLAG(private, PG_private)
KSTUB_FOLIO_FLAG(swapbacked, PG_swapbacked)
KSTUB_FOLIO_FLAG(unevictable, PG_unevictable)
KSTUB_FOLIO_FLAG(mlocked, PG_mlocked)
#if KVER < 612
KSTUB_FOLIO_FLAG(slab_flag, PG_slab)
KSTUB_FOLIO_FLAG(double_map_flag, PG_double_map)
#endif
#define PageHead(p) folio_test_head((const struct folio *)(p))
#define PageCompound(p) (PageHead(p) || ((p)->compound_head & 1))

/* folio_test_swapcache: PG_swapcache (= PG_owner_priv_1) on a swapbacked folio. */
static inline bool folio_test_swapcache(const struct folio *folio)
{
	return folio_test_swapbacked(folio) && test_bit(PG_swapcache, &folio->flags);
}
static inline bool folio_test_anon(const struct folio *folio)
{
	return ((unsigned long)folio->mapping & PAGE_MAPPING_ANON) != 0;
}
static inline bool folio_test_ksm(const struct folio *folio)
{
	return ((unsigned long)folio->mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM;
}
#define PageAnon(p) folio_test_anon(page_folio(p))
#define PageKsm(p) folio_test_ksm(page_folio(p))

#if KVER >= 612
#include "pagetype.h"
/* FOLIO_TYPE_OPS(): the PGTY_ byte in the top of page_type. */
#define KSTUB_FOLIO_TYPE(fname)                                                         \
	static inline bool folio_test_##fname(const struct folio *folio)                 \
	{ return data_race(folio->page.page_type >> 24) == PGTY_##fname; }
KSTUB_FOLIO_TYPE(hugetlb)
KSTUB_FOLIO_TYPE(slab)
#else
static inline bool folio_test_large(const struct folio *folio) { return folio_test_head(folio); }
/* 6.1: slab is PG_slab; hugetlb is a compound page whose destructor is HUGETLB_PAGE_DTOR
 * (PageHeadHuge, mm/hugetlb.c). */
static inline bool folio_test_slab(const struct folio *folio) { return folio_test_slab_flag(folio); }
#define PageSlab(p) folio_test_slab((const struct folio *)(p))
#endif

#if KVER < 612
#define folio_mapcount_ptr(folio) (&(folio)->_total_mapcount)
#include "accessors.h"
static inline bool folio_test_hugetlb(const struct folio *folio)
{
	return folio_test_large(folio) && folio->_folio_dtor == HUGETLB_PAGE_DTOR;
}
#define PageHuge(p) folio_test_hugetlb(page_folio(p))
static inline bool folio_test_double_map(const struct folio *folio)
{
	return test_bit(PG_double_map, &folio->_flags_1);
}
#else
#include "accessors.h"
#endif

/* ---- rules ---- */
static struct address_space kstub_swap_space, kstub_file_space;
#define swap_address_space(entry) (&kstub_swap_space)
#define folio_swap_entry(folio) ((folio)->swap)
#include "rules.h"

/* ---- building the kernel's folio from a kabi_folio ---- */
struct kfolio {
	struct page *pages;     /* 1 << order pages (2 for very large folios), contiguous */
	long nr_alloc;
	struct kabi_folio *desc;
};
#define KSTUB_MAX_FOLIOS 64
static struct kfolio kstub_folios[KSTUB_MAX_FOLIOS];
static int kstub_nr_folios;

static unsigned long kstub_mapping_word(int kind)
{
	static struct address_space anon_vma, ksm_node, movable_ops;
	switch (kind) {
	case KABI_MAP_ANON: return (unsigned long)&anon_vma + PAGE_MAPPING_ANON;
	case KABI_MAP_KSM: return (unsigned long)&ksm_node + PAGE_MAPPING_KSM;
	case KABI_MAP_MOVABLE: return (unsigned long)&movable_ops + PAGE_MAPPING_MOVABLE;
	case KABI_MAP_FILE: return (unsigned long)&kstub_file_space;
	default: return 0;
	}
}

static void kstub_set_type(struct page *head, int type)
{
#if KVER >= 612
	static const unsigned char pgty[KABI_TY_COUNT] = {
		[KABI_TY_BUDDY] = PGTY_buddy, [KABI_TY_OFFLINE] = PGTY_offline,
		[KABI_TY_TABLE] = PGTY_table, [KABI_TY_GUARD] = PGTY_guard,
		[KABI_TY_HUGETLB] = PGTY_hugetlb, [KABI_TY_SLAB] = PGTY_slab,
		[KABI_TY_ZSMALLOC] = PGTY_zsmalloc, [KABI_TY_UNACCEPTED] = PGTY_unaccepted,
	};
	if (type != KABI_TY_NONE)
		head->page_type = (unsigned int)pgty[type] << 24;
#else
	static const unsigned int bits[KABI_TY_COUNT] = {
		[KABI_TY_BUDDY] = PG_buddy, [KABI_TY_OFFLINE] = PG_offline,
		[KABI_TY_TABLE] = PG_table, [KABI_TY_GUARD] = PG_guard,
	};
	if (bits[type])
		head->page_type = 0xffffffffu & ~bits[type]; /* __SetPageBuddy & co clear their bit */
	if (type == KABI_TY_SLAB)
		set_bit(PG_slab, &head->flags);
	if (type == KABI_TY_HUGETLB)
		head[1].compound_dtor = HUGETLB_PAGE_DTOR;
#endif
}

/* A folio as the kernel holds it, with `desc` describing it. pages: all of them up to order 10,
 * else the two the folio struct spans. */
static struct folio *kstub_make_folio(struct kabi_folio *desc)
{
	struct kfolio *k = &kstub_folios[kstub_nr_folios++];
	const unsigned int order = desc->order;
	const long nr = 1L << order;
	long i;
	k->nr_alloc = order <= 10 ? (nr < 2 ? 2 : nr) : 2;
	k->pages = calloc((size_t)k->nr_alloc, sizeof(struct page));
	k->desc = desc;
	struct page *head = k->pages;
	struct folio *folio = (struct folio *)head;
	head->flags = desc->flags;
	head->mapping = (struct address_space *)kstub_mapping_word(desc->mapping);
	head->index = desc->index;
	head->_refcount.counter = desc->refcount;
	head->memcg_data = desc->memcg;
	for (i = 0; i < k->nr_alloc; i++)
		k->pages[i]._mapcount.counter = -1;
	if (order > 0) {
		set_bit(PG_head, &head->flags);
		for (i = 1; i < k->nr_alloc; i++)
			k->pages[i].compound_head = (unsigned long)head + 1;
#if KVER >= 612
		folio->_flags_1 = order;
		folio->_folio_nr_pages = (unsigned int)nr;
		folio->_large_mapcount.counter = desc->mapcount - 1;
		folio->_entire_mapcount.counter = desc->entire_mapcount - 1;
		folio->_nr_pages_mapped.counter = desc->nr_pages_mapped;
		folio->_pincount.counter = desc->pincount;
		head->_mapcount.counter = desc->page_mapcount - 1;
#else
		folio->_folio_order = (unsigned char)order;
		folio->_folio_nr_pages = (unsigned int)nr;
		folio->_pincount.counter = desc->pincount;
		folio->_total_mapcount.counter = desc->entire_mapcount - 1; /* compound_mapcount */
		folio->__page_1.compound_dtor = COMPOUND_PAGE_DTOR;
#endif
	} else {
		head->_mapcount.counter = desc->mapcount - 1;
	}
	kstub_set_type(head, desc->type);
#if KVER < 612
	/* 6.1 folio_mapcount() adds up the pages' own mapcounts (hugetlb: the entire mapcount). */
	if (order > 0 && desc->type != KABI_TY_HUGETLB) {
		int left = desc->mapcount - desc->entire_mapcount * (folio_test_anon(folio) ? 1 : 0);
		if (!folio_test_anon(folio))
			left = desc->mapcount; /* file THP: _mapcount includes the compound mappings */
		for (i = 0; i < k->nr_alloc && left > 0; i++, left--)
			k->pages[i]._mapcount.counter += 1;
		if (left > 0)
			head->_mapcount.counter += left;
	}
#endif
	return folio;
}

static void kstub_free_folios(void)
{
	int i;
	for (i = 0; i < kstub_nr_folios; i++)
		free(kstub_folios[i].pages);
	kstub_nr_folios = 0;
}

static struct kfolio *kstub_lookup(const struct page *page)
{
	int i;
	for (i = 0; i < kstub_nr_folios; i++)
		if (page >= kstub_folios[i].pages && page < kstub_folios[i].pages + kstub_folios[i].nr_alloc)
			return &kstub_folios[i];
	return NULL;
}

static unsigned long kstub_page_to_pfn(const struct page *page)
{
	struct kfolio *k = kstub_lookup(page);
	return k ? k->desc->pfn + (unsigned long)(page - k->pages) : 0;
}

static int k_expected_ref_count(const struct kabi_folio *f, int *warned)
{
	struct kabi_folio copy = *f;
	struct folio *folio = kstub_make_folio(&copy);
	kstub_warned = 0;
	int r = folio_expected_ref_count(folio);
	*warned = kstub_warned;
	kstub_free_folios();
	return r;
}

#if KVER >= 612
/* __migrate_folio's environment: the copy and the mapping move succeed; what is checked is the
 * expected_count the kernel computes and compares with folio_ref_count(src). */
static int kstub_migrate_expected;
#define MIGRATEPAGE_SUCCESS 0
static inline int folio_mc_copy(struct folio *dst, struct folio *src) { return 0; }
static int __folio_migrate_mapping(struct address_space *mapping, struct folio *newfolio,
                                   struct folio *folio, int expected_count)
{
	kstub_migrate_expected = expected_count;
	return MIGRATEPAGE_SUCCESS;
}
static inline void folio_attach_private(struct folio *folio, void *data) {}
static inline void *folio_detach_private(struct folio *folio) { return NULL; }
static inline void folio_migrate_flags(struct folio *dst, struct folio *src) {}
#include "migrate.h"
static int k_migrate_expected_refs(const struct kabi_folio *f)
{
	/* Migration checks the unmapped, isolated folio: its refcount is whatever the caller sets;
	 * the kernel's expected_count is found where __migrate_folio goes on to move the mapping. */
	struct kabi_folio copy = *f;
	copy.mapcount = copy.page_mapcount = copy.entire_mapcount = copy.nr_pages_mapped = 0;
	struct folio *src = kstub_make_folio(&copy);
	struct folio dst;
	memset(&dst, 0, sizeof(dst));
	kstub_migrate_expected = -1;
	/* The refcount __migrate_folio accepts is unique: try the one its first test reads. */
	for (int ref = 0; ref <= (1 << 20) && kstub_migrate_expected < 0; ++ref) {
		src->_refcount.counter = ref;
		__migrate_folio(folio_mapping(src), &dst, src, NULL, MIGRATE_SYNC);
	}
	kstub_free_folios();
	return kstub_migrate_expected;
}
#else
static int k_migrate_expected_refs(const struct kabi_folio *f)
{
	struct kabi_folio copy = *f;
	struct folio *folio = kstub_make_folio(&copy);
	/* move_to_new_folio() passes folio_mapping(src) to the migrate_folio callbacks. */
	int r = folio_expected_refs(folio_mapping(folio), folio);
	kstub_free_folios();
	return r;
}
#endif

/* ---- collection ---- */
static struct kabi_collect_log *kstub_log;

static int kstub_index(const struct folio *folio)
{
	struct kfolio *k = kstub_lookup(&folio->page);
	return k ? (int)(k - kstub_folios) : -1;
}
static void kstub_event(int kind, const struct folio *folio, int ok)
{
	if (kstub_log->nr_events < KABI_MAX_EVENTS)
		kstub_log->events[kstub_log->nr_events++] =
			(struct kabi_event){kind, folio ? kstub_index(folio) : -1, ok};
}
/* The environment both sides model: a drain releases the batch references (and an lru_add
 * batch puts its folio on the LRU); lru_add_drain the local ones, lru_add_drain_all all. */
static void kstub_drain(bool all)
{
	int i;
	for (i = 0; i < kstub_nr_folios; i++) {
		struct kabi_folio *d = kstub_folios[i].desc;
		struct folio *folio = (struct folio *)kstub_folios[i].pages;
		int n = d->local_batch_refs + (all ? d->remote_batch_refs : 0);
		if (!n)
			continue;
		folio->_refcount.counter -= n;
		d->local_batch_refs = 0;
		if (all)
			d->remote_batch_refs = 0;
		folio_set_lru(folio);
	}
}
static void lru_add_drain(void) { kstub_event(KABI_EV_LOCAL_DRAIN, NULL, 1); kstub_drain(false); }
static void lru_add_drain_all(void) { kstub_event(KABI_EV_DRAIN_ALL, NULL, 1); kstub_drain(true); }
static bool folio_is_longterm_pinnable(struct folio *folio)
{
	return kstub_lookup(&folio->page)->desc->pinnable;
}
static bool folio_is_device_coherent(const struct folio *folio)
{
	return kstub_lookup(&folio->page)->desc->device_coherent;
}
static bool kstub_isolate_hugetlb(struct folio *folio)
{
	struct kabi_folio *d = kstub_lookup(&folio->page)->desc;
	bool ok = d->hugetlb_isolatable && folio_ref_count(folio) > 0;
	if (ok) {
		d->hugetlb_isolatable = 0; /* HPG_migratable cleared while isolated */
		folio->_refcount.counter++;
	}
	kstub_event(KABI_EV_ISOLATE_HUGETLB, folio, ok);
	return ok;
}
static bool kstub_isolate_lru(struct folio *folio)
{
	bool ok = folio_test_clear_lru(folio);
	if (ok)
		folio->_refcount.counter++;
	kstub_event(KABI_EV_ISOLATE_LRU, folio, ok);
	return ok;
}
static void list_add_tail(struct list_head *entry, struct list_head *head)
{
	kstub_event(KABI_EV_LIST_ADD, container_of(entry, struct folio, lru), 1);
}
enum node_stat_item { NR_ISOLATED_ANON, NR_ISOLATED_FILE };
static inline void node_stat_mod_folio(struct folio *folio, enum node_stat_item item, long nr) {}

#if KVER >= 612
static bool isolate_hugetlb(struct folio *folio, struct list_head *list) { return kstub_isolate_hugetlb(folio); }
static bool folio_isolate_lru(struct folio *folio) { return kstub_isolate_lru(folio); }
static inline void unpin_folios(struct folio **folios, unsigned long nfolios) {}
static inline void unpin_user_pages(struct page **pages, unsigned long npages) {}
#define CONFIG_MIGRATION 1
#include "gup.h"
#else
static int folio_isolate_hugetlb(struct page *page, struct list_head *list)
{
	return kstub_isolate_hugetlb(page_folio(page));
}
static int folio_isolate_lru(struct folio *folio) { return kstub_isolate_lru(folio) ? 0 : -EBUSY; }
#include "gup.h"
#endif

static void k_collect(struct kabi_folio *folios, int nr_folios, const int *entries, int nr_entries,
                      int has_folios, struct kabi_collect_log *log)
{
	struct folio *kf[KSTUB_MAX_FOLIOS];
	void **pofs = calloc((size_t)nr_entries + 1, sizeof(void *));
	struct list_head list = {&list, &list};
	int i;
	memset(log, 0, sizeof(*log));
	kstub_log = log;
	for (i = 0; i < nr_folios; i++)
		kf[i] = kstub_make_folio(&folios[i]);
	for (i = 0; i < nr_entries; i++)
		pofs[i] = has_folios ? (void *)kf[entries[i]]
		                     : (void *)(&kf[entries[i] / 4096]->page + entries[i] % 4096);
#if KVER >= 612
	struct pages_or_folios p = {.entries = pofs, .has_folios = has_folios, .nr_entries = nr_entries};
	log->collected = (long)collect_longterm_unpinnable_folios(&list, &p);
#else
	log->collected = (long)collect_longterm_unpinnable_pages(&list, (unsigned long)nr_entries,
	                                                         (struct page **)pofs);
#endif
	for (i = 0; i < nr_folios; i++)
		log->refcount_after[i] = folio_ref_count(kf[i]);
	free(pofs);
	kstub_free_folios();
}

/* ---- dumps ---- */
#include "pageflag_names.h"
struct trace_print_flags { unsigned long mask; const char *name; };
static const struct trace_print_flags kstub_pageflag_names[] = { __def_pageflag_names, {0, NULL} };
#define pageflag_names kstub_pageflag_names
static const struct kabi_flag_name k_flag_names[] = { __def_pageflag_names };

int kstub_vsnprintf(char *buf, size_t size, const char *fmt, va_list args,
                    const struct trace_print_flags *names, long nr_pageflags, struct kabi_dump *rec);
static struct kabi_dump *kstub_rec;
static char *kstub_out;
static size_t kstub_out_len, kstub_out_used;
static void kstub_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kstub_vsnprintf(kstub_out + kstub_out_used, kstub_out_len - kstub_out_used, fmt, ap,
	                        kstub_pageflag_names, __NR_PAGEFLAGS, kstub_rec);
	va_end(ap);
	if (n > 0)
		kstub_out_used += (size_t)n < kstub_out_len - kstub_out_used ? (size_t)n
		                                                              : kstub_out_len - kstub_out_used - 1;
}
#define pr_warn(fmt, ...) kstub_printk(fmt, ##__VA_ARGS__)
#define KERN_WARNING ""
enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
/* lib/hexdump.c print_hex_dump(), groupsize 8, rowsize 32, no ASCII: four words a row. */
static void print_hex_dump(const char *level, const char *prefix_str, int prefix_type, int rowsize,
                           int groupsize, const void *buf, size_t len, bool ascii)
{
	const unsigned long *w = buf;
	struct kabi_dump *rec = kstub_rec;
	size_t i, n = len / sizeof(unsigned long), per_row = (size_t)rowsize / (size_t)groupsize;
	kstub_rec = NULL; /* raw rows: not fields */
	for (i = 0; i < n; i += per_row) {
		kstub_printk("%s", prefix_str);
		for (size_t j = i; j < i + per_row && j < n; j++)
			kstub_printk(j == i ? "%016lx" : " %016lx", w[j]);
		kstub_printk("\n");
	}
	kstub_rec = rec;
}
/* fs/inode.c dump_mapping(): what the harness knows of the mapping is not an inode; it prints
 * the aops line with the fields the parser reads. */
static void dump_mapping(const struct address_space *mapping)
{
	kstub_printk("aops:kstub_aops ino:2a dentry name(?):\"kstub\"\n");
}
static bool kstub_cma;
#define is_migrate_cma_folio(folio, pfn) kstub_cma
#define is_migrate_cma_page(page) kstub_cma
#if KVER >= 612
#include "debug.h"
#else
#define page_mapping(p) folio_mapping(page_folio(p))
#define compound_order(p) (PageHead(p) ? (p)[1].compound_order : 0)
#define head_compound_pincount(p) atomic_read(&(p)[1].compound_pincount)
#define page_to_pgoff(p) (page_folio(p)->index + (unsigned long)((p) - &page_folio(p)->page))
#define compound_mapcount_ptr(p) (&(p)[1].compound_mapcount)
#define PageDoubleMap(p) test_bit(PG_double_map, &(p)[1].flags)
#include "debug.h"
#endif

static void k_dump(const struct kabi_folio *f, unsigned long idx, struct kabi_dump *out)
{
	struct kabi_folio copy = *f;
	struct folio *folio = kstub_make_folio(&copy);
	if (idx >= (unsigned long)kstub_folios[0].nr_alloc)
		idx = 0;
	memset(out, 0, sizeof(*out));
	kstub_rec = out;
	kstub_out = out->text;
	kstub_out_len = sizeof out->text;
	kstub_out_used = 0;
	kstub_cma = f->cma;
	/* dump_page(): the page, then the reason */
	__dump_page(&folio->page + idx);
	kstub_printk("page dumped because: %s\n", "conformance");
	kstub_rec = NULL;
	kstub_free_folios();
}

/* ---- batches ---- */
/* lru_add()'s environment: no unevictable mappings (AS_UNEVICTABLE), no statistics, no lists. */
#define mapping_unevictable(m) false
#define rcu_read_lock() ((void)0)
#define rcu_read_unlock() ((void)0)
#define __count_vm_events(item, nr) ((void)#item, (void)(nr))
/* the classic lists' lruvec_add_folio(): which list, by the kernel's folio_lru_list() */
#define lruvec_add_folio(lruvec, folio) ((void)folio_lru_list(folio))
#define trace_mm_lru_insertion(folio) ((void)0)
#include "batch.h"
static int k_take_vm_bug(void)
{
	int r = kstub_vm_bug;
	kstub_vm_bug = 0;
	return r;
}
#if KVER >= 612
/* mlock.c's environment: one CPU's mlock_fbatch, LRU lists that are not kept, a reference per
 * queued entry that folios_put() drops. */
typedef struct { int unused; } local_lock_t;
#define INIT_LOCAL_LOCK(l) {0}
#define local_lock(l) ((void)(l))
#define local_unlock(l) ((void)(l))
#define this_cpu_ptr(p) (p)
static struct lruvec kstub_lruvec;
#define folio_lruvec_relock_irq(folio, lruvec) (&kstub_lruvec)
#define lruvec_del_folio(lruvec, folio) ((void)0)
#define unlock_page_lruvec_irq(lruvec) ((void)0)
#define zone_stat_mod_folio(folio, item, nr) ((void)#item, (void)(nr))
#define lru_cache_disabled() false
static inline void folio_get(struct folio *folio) { folio->_refcount.counter++; }
static void folios_put(struct folio_batch *fbatch)
{
	for (unsigned i = 0; i < folio_batch_count(fbatch); i++)
		fbatch->folios[i]->_refcount.counter--;
	folio_batch_reinit(fbatch);
}
#include "mlock_fbatch.h"
static struct mlock_fbatch mlock_fbatch; /* DEFINE_PER_CPU(struct mlock_fbatch, mlock_fbatch) */
#endif
#include "mlock.h"
#if KVER >= 612
/* One of mlock_folio / mlock_new_folio / munlock_folio on a folio, then mlock_drain_local(). */
static unsigned long k_mlock(unsigned long flags, int order, int mapping, int op, int mlock_count,
                             int *refcount)
{
	struct kabi_folio d = {.flags = flags, .order = (unsigned)order, .mapping = mapping, .refcount = 1};
	struct folio *folio = kstub_make_folio(&d);
	folio->mlock_count = (unsigned)mlock_count;
	if (op == 0)
		mlock_folio(folio);
	else if (op == 1)
		mlock_new_folio(folio);
	else
		munlock_folio(folio);
	mlock_drain_local();
	unsigned long r = folio->flags;
	*refcount = folio_ref_count(folio);
	kstub_free_folios();
	return r;
}
#endif
static unsigned long k_lru_add(unsigned long flags, int mapping)
{
	struct kabi_folio d = {.flags = flags, .mapping = mapping, .refcount = 2};
	struct folio *folio = kstub_make_folio(&d);
	struct lruvec lruvec = {0};
#if KVER >= 612
	lru_add(&lruvec, folio);
#else
	lru_add_fn(&lruvec, folio); /* 6.1's name */
#endif
	folio_set_lru(folio); /* folio_batch_move_lru(): after move_fn */
	unsigned long r = folio->flags;
	kstub_free_folios();
	return r;
}

static struct folio_batch kstub_fbatch;
static const struct kabi_name k_pageflags[] = {
#include "pageflags_table.h"
};

#if KVER >= 612
#define KABI_NAME kabi_6_12
#else
#define KABI_NAME kabi_6_1
#endif
const struct kabi_api KABI_NAME = {
	.version = KVERSION_STRING,
	.pageflags = k_pageflags,
	.nr_pageflags_entries = (int)ARRAY_SIZE(k_pageflags),
	.nr_pageflags = __NR_PAGEFLAGS,
#if KVER >= 612
	.has_type = {1, 1, 1, 1, 1, 1, 1, 1, 1},
#else
	.has_type = {[KABI_TY_NONE] = 1, [KABI_TY_BUDDY] = 1, [KABI_TY_OFFLINE] = 1, [KABI_TY_TABLE] = 1,
	             [KABI_TY_GUARD] = 1, [KABI_TY_HUGETLB] = 1, [KABI_TY_SLAB] = 1},
#endif
	.expected_ref_count = k_expected_ref_count,
	.migrate_expected_refs = k_migrate_expected_refs,
#ifdef NR_MAX_MIGRATE_ASYNC_RETRY
	.migrate_async_passes = NR_MAX_MIGRATE_ASYNC_RETRY,
	.migrate_sync_passes = NR_MAX_MIGRATE_SYNC_RETRY,
	.migrate_batched = 1,
#else
	.migrate_sync_passes = NR_MAX_MIGRATE_PAGES_RETRY,
#endif
	.collect = k_collect,
#if KVER >= 612
	.has_folio_arrays = 1,
#endif
	.dump = k_dump,
	.flag_names = k_flag_names,
	.nr_flag_names = (int)ARRAY_SIZE(k_flag_names),
	.pagevec_size = PAGEVEC_SIZE,
	.folio_batch_slots = (long)ARRAY_SIZE(kstub_fbatch.folios),
#if KVER >= 612
	.mlock_lru_tag = LRU_FOLIO,
	.mlock_new_tag = NEW_FOLIO,
	.mlock = k_mlock,
	.lru_add = k_lru_add,
	.take_vm_bug = k_take_vm_bug,
#else
	.mlock_lru_tag = LRU_PAGE,
	.mlock_new_tag = NEW_PAGE,
	.lru_add = k_lru_add,
	.take_vm_bug = k_take_vm_bug,
#endif
};
