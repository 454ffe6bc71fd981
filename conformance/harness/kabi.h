/* kabi.h: the small C ABI between the kernel's functions (compiled as C, one translation unit
 * per kernel version: kernel.c) and the C++ checks. A folio crosses it as a plain description;
 * kernel.c builds the kernel's own representation of it (struct page words, flag bits of that
 * version's enum pageflags, page_type encoding of that version) and calls the kernel's code. */
#ifndef FOLIORC_CONFORMANCE_KABI_H
#define FOLIORC_CONFORMANCE_KABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What folio->mapping points at. */
enum kabi_mapping { KABI_MAP_NONE, KABI_MAP_ANON, KABI_MAP_KSM, KABI_MAP_MOVABLE, KABI_MAP_FILE };

/* Page types, named as foliorc names them; kernel.c encodes each as its kernel does (6.12: the
 * PGTY_* byte; 6.1: PG_buddy..PG_guard page_type bits, PG_slab flag, the hugetlb dtor). A type
 * the kernel version does not have is reported by kabi_api.has_type. */
enum kabi_type {
	KABI_TY_NONE, KABI_TY_BUDDY, KABI_TY_OFFLINE, KABI_TY_TABLE, KABI_TY_GUARD, KABI_TY_HUGETLB,
	KABI_TY_SLAB, KABI_TY_ZSMALLOC, KABI_TY_UNACCEPTED, KABI_TY_COUNT
};

struct kabi_folio {
	unsigned long flags;     /* bits of this kernel's enum pageflags (PG_head is set by kernel.c) */
	unsigned int order;
	int refcount;
	int mapcount;            /* folio_mapcount() */
	int page_mapcount;       /* the dumped page's own mapcount (small folios: = mapcount) */
	int entire_mapcount, nr_pages_mapped, pincount;
	int type;                /* enum kabi_type */
	int mapping;             /* enum kabi_mapping */
	unsigned long index, pfn, memcg;
	int cma;                 /* pageblock is MIGRATE_CMA */
	/* collect: what the environment says and holds */
	int pinnable, device_coherent, hugetlb_isolatable;
	int local_batch_refs, remote_batch_refs; /* references held by this CPU's / other CPUs' batches */
};

/* What the kernel's collection loop did, in order. */
enum kabi_event_kind { KABI_EV_LOCAL_DRAIN, KABI_EV_DRAIN_ALL, KABI_EV_ISOLATE_HUGETLB,
                       KABI_EV_ISOLATE_LRU, KABI_EV_LIST_ADD };
struct kabi_event {
	int kind;
	int folio;   /* index into the folio array, -1 for drains */
	int ok;      /* isolation succeeded */
};
#define KABI_MAX_EVENTS 256

struct kabi_collect_log {
	long collected;
	int nr_events;
	struct kabi_event events[KABI_MAX_EVENTS];
	int refcount_after[64];  /* each folio's refcount afterwards */
};

struct kabi_name { const char *name; long value; };
struct kabi_flag_name { unsigned long mask; const char *name; };

/* One conversion of one printk call: the format's first word ("page:", "head:", "%sflags:",
 * "page_type:", "memcg:", ...), the literal word just before the conversion ("refcount:"), the
 * conversion ('d', 'u', 'x', 's', 'p'; 'G' for %pGp) and the value printed. */
struct kabi_field {
	char line[16];
	char key[32];
	char conv;
	long num;                /* d u x; p: the pointer (0 for NULL); G: the flags word */
	char str[48];            /* s */
};
#define KABI_MAX_FIELDS 64
struct kabi_dump {
	char text[8192];
	int nr_fields;
	struct kabi_field fields[KABI_MAX_FIELDS];
};

struct kabi_api {
	const char *version;                   /* "6.12.117", from the tree's Makefile */
	const struct kabi_name *pageflags;     /* every enumerator of enum pageflags, aliases too */
	int nr_pageflags_entries;
	long nr_pageflags;                     /* __NR_PAGEFLAGS */
	int has_type[KABI_TY_COUNT];

	/* rules */
	int (*expected_ref_count)(const struct kabi_folio *f, int *warned);
	/* the refcount migration accepts for the (unmapped, isolated) folio:
	 * 6.1: migrate.c folio_expected_refs(folio_mapping(folio), folio);
	 * 6.12: the expected_count __migrate_folio computes (folio_expected_ref_count + 1). */
	int (*migrate_expected_refs)(const struct kabi_folio *f);

	/* migrate_pages()'s passes: NR_MAX_MIGRATE_ASYNC_RETRY and NR_MAX_MIGRATE_SYNC_RETRY where
	 * the kernel batches (6.3+), else 0 and NR_MAX_MIGRATE_PAGES_RETRY */
	int migrate_async_passes, migrate_sync_passes, migrate_batched;

	/* collection: folios[nr], entries[] index folios (page arrays: entry e is page pofs[e] =
	 * folio e / 4096's page e % 4096) */
	void (*collect)(struct kabi_folio *folios, int nr_folios, const int *entries, int nr_entries,
	                int has_folios, struct kabi_collect_log *log);
	int has_folio_arrays;                  /* 6.12: pages or folios; 6.1: pages only */

	/* dumps: dump_page()'s text for page `idx` of the folio, and every value printk was given */
	void (*dump)(const struct kabi_folio *f, unsigned long idx, struct kabi_dump *out);
	const struct kabi_flag_name *flag_names; /* __def_pageflag_names, as %pGp walks it */
	int nr_flag_names;

	/* batches */
	long pagevec_size, folio_batch_slots;
	long mlock_lru_tag, mlock_new_tag;
	/* lru_add() (6.12 mm/swap.c) on a folio with these flags, then folio_batch_move_lru's
	 * folio_set_lru; returns the flags afterwards. NULL where not compiled. */
	unsigned long (*lru_add)(unsigned long flags, int mapping);
	/* 6.12 mm/mlock.c: op 0 mlock_folio, 1 mlock_new_folio, 2 munlock_folio, then
	 * mlock_drain_local(); returns the flags afterwards, *refcount the refcount (it starts at 1). */
	/* whether a VM_BUG_ON_FOLIO condition held since the last call (then reset) */
	int (*take_vm_bug)(void);
	unsigned long (*mlock)(unsigned long flags, int order, int mapping, int op, int mlock_count,
	                       int *refcount);
};

extern const struct kabi_api kabi_6_12;
extern const struct kabi_api kabi_6_1;

#ifdef __cplusplus
}
#endif
#endif
