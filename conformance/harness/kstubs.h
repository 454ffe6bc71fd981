/* kstubs.h: the userspace stand-ins the kernel's extracted functions compile against, in the
 * manner of tools/testing/vma/vma_internal.h. Compiled as C (gnu11), once per kernel version
 * (KVER 612 or 601). Everything here is the harness's own; the kernel's functions come from
 * the generated headers (build/conformance/gen/<version>/), included by kernel.c after this.
 *
 * struct page / struct folio keep the kernel's word layout for the fields the extracted
 * functions read (flags, compound_head, mapping, index, private, _mapcount/page_type,
 * _refcount, memcg_data; the first tail page's folio fields of each version), so that the
 * kernel's own accessors and dump code read them as they would in the kernel. */
#ifndef FOLIORC_CONFORMANCE_KSTUBS_H
#define FOLIORC_CONFORMANCE_KSTUBS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kabi.h"

/* ---- compiler and build helpers ---- */
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define data_race(x) (x)
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define IS_ENABLED(option) __is_defined(option)
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define __ARG_PLACEHOLDER_1 0,
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define __take_second_arg(__ignored, val, ...) val
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EAGAIN 11
#define EBUSY 16

/* WARN_ON_ONCE: recorded, so the checks can compare the kernel's warning with foliorc's. */
static int kstub_warned;
#define WARN_ON_ONCE(c) ({ int __c = !!(c); if (__c) kstub_warned = 1; __c; })
/* VM_BUG_ON_FOLIO (CONFIG_DEBUG_VM): recorded, so a check can leave out inputs that break the
 * kernel's own stated preconditions. */
static int kstub_vm_bug;
#define VM_BUG_ON_FOLIO(c, f) ((void)((c) && (kstub_vm_bug = 1)))
#undef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
enum lru_list { LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, LRU_INACTIVE_FILE, LRU_ACTIVE_FILE, LRU_UNEVICTABLE };
#define LRU_ACTIVE 1
#define VM_WARN_ON_FOLIO(c, f) ((void)0)
#define VM_BUG_ON_PAGE(c, p) ((void)0)

typedef unsigned long pgoff_t;
typedef struct { int counter; } atomic_t;
static inline int atomic_read(const atomic_t *v) { return v->counter; }
typedef struct { unsigned long val; } swp_entry_t;

struct list_head { struct list_head *next, *prev; };
struct address_space { int id; };
struct lruvec { int id; };
enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

static inline bool test_bit(long nr, const unsigned long *addr) { return (*addr >> nr) & 1; }
static inline void set_bit(long nr, unsigned long *addr) { *addr |= 1UL << nr; }
static inline void clear_bit(long nr, unsigned long *addr) { *addr &= ~(1UL << nr); }

#define PAGE_MAPPING_ANON 0x1
#define PAGE_MAPPING_MOVABLE 0x2
#define PAGE_MAPPING_KSM (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)

/* ---- struct page: 8 words, as on x86-64 ---- */
struct page {
	unsigned long flags;
	union {
		struct {
			union {
				struct list_head lru;
				unsigned long compound_head; /* tail pages: head + 1 */
			};
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
		};
		struct { /* 6.1: the first tail page of a compound page */
			unsigned long __compound_head_1;
			unsigned char compound_dtor;
			unsigned char compound_order;
			atomic_t compound_mapcount;
			atomic_t compound_pincount;
			unsigned int compound_nr;
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
	};
	atomic_t _refcount;
	unsigned long memcg_data;
};
_Static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");

struct folio {
	union {
		struct {
			unsigned long flags;
			union {
				struct list_head lru;
				struct { void *__filler; unsigned int mlock_count; };
			};
			struct address_space *mapping;
			pgoff_t index;
			union { void *private; swp_entry_t swap; };
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned long memcg_data;
		};
		struct page page;
	};
	union {
		struct {
			unsigned long _flags_1;
			unsigned long _head_1;
#if KVER >= 612
			atomic_t _large_mapcount;
			atomic_t _entire_mapcount;
			atomic_t _nr_pages_mapped;
			atomic_t _pincount;
			unsigned int _folio_nr_pages;
#else
			unsigned char _folio_dtor;
			unsigned char _folio_order;
			atomic_t _total_mapcount;
			atomic_t _pincount;
			unsigned int _folio_nr_pages;
#endif
		};
		struct page __page_1;
	};
};
_Static_assert(sizeof(struct folio) == 128, "struct folio: two pages");

#define page_folio(p) ((struct folio *)_compound_head(p))
static inline unsigned long _compound_head(const struct page *page)
{
	unsigned long head = page->compound_head;
	if (head & 1)
		return head - 1;
	return (unsigned long)page;
}
#define compound_head(p) ((struct page *)_compound_head(p))
#define folio_page(folio, n) (&(folio)->page + (n))
#define folio_page_idx(folio, p) ((p) - &(folio)->page)

/* The harness's memory map: pfn of each registered page range. */
static unsigned long kstub_page_to_pfn(const struct page *page);
#define page_to_pfn(p) kstub_page_to_pfn(p)
#define folio_pfn(f) page_to_pfn(&(f)->page)
#define MAX_FOLIO_NR_PAGES (1UL << 18)
#define MAX_ORDER_NR_PAGES (1UL << 10)

#define folio_ref_count(f) atomic_read(&(f)->_refcount)
#define page_ref_count(p) atomic_read(&(p)->_refcount)

#endif
