/* printk.c: a small userspace vsnprintf for the kernel's dump code: the C conversions it uses,
 * and the %p extensions of lib/vsprintf.c that mm/debug.c prints with:
 *   %p    hashed pointer (NULL and error pointers printed as they are, 16 hex digits)
 *   %px   the raw pointer, %pS/%ps a symbol (printed as the harness's "kstub+0x0/0x0"),
 *   %pd   a dentry name (the harness's "kstub"),
 *   %pGp  page flags: "%#lx(" the names of __def_pageflag_names (the kernel's own table,
 *         passed in) joined by '|', leftover bits in hex, then "|node=N|zone=N" ")"; as
 *         format_page_flags() and format_flags() do.
 * This is the harness's code, not the kernel's. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kabi.h"

struct trace_print_flags { unsigned long mask; const char *name; };

struct outbuf { char *buf; size_t size, len; };
static void put(struct outbuf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->size)
			o->buf[o->len] = s[i];
}
static void puts_(struct outbuf *o, const char *s) { put(o, s, strlen(s)); }
static void putf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct outbuf *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ptr_to_id(): a 32-bit keyed hash of the pointer, printed as a 64-bit value. */
static unsigned long hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	return (unsigned long)((x >> 32) ^ (x & 0xffffffffu)) & 0xffffffffu;
}

static void page_flags(struct outbuf *o, unsigned long flags, const struct trace_print_flags *names,
                       long nr_pageflags)
{
	unsigned long main_flags = flags & ((1UL << nr_pageflags) - 1);
	if (flags)
		putf(o, "%#lx(", flags);
	else
		puts_(o, "0x0(");
	int append = 0;
	if (main_flags) {
		unsigned long f = main_flags;
		for (; f && names->name; names++) {
			unsigned long mask = names->mask;
			if ((f & mask) != mask)
				continue;
			puts_(o, names->name);
			f &= ~mask;
			if (f)
				puts_(o, "|");
		}
		if (f)
			putf(o, "%#lx", f); /* non-zero here */
		append = 1;
	}
	/* the fields area: node and zone (0 here: the harness's flags words carry no fields) */
	putf(o, "%snode=0|zone=0)", append ? "|" : "");
}

/* The format's first word and the literal word before position `at`. */
static const char *prev_end; /* end of the previous conversion in the format being printed */
static void record(struct kabi_dump *rec, const char *fmt0, const char *at, char conv, long num,
                   const char *str)
{
	if (!rec || rec->nr_fields >= KABI_MAX_FIELDS)
		return;
	struct kabi_field *f = &rec->fields[rec->nr_fields++];
	memset(f, 0, sizeof(*f));
	size_t n = strcspn(fmt0, " \n%");
	if (n == 0) /* "%sflags: ...": the word after the leading conversion */
		n = 2 + strcspn(fmt0 + 2, " \n%");
	if (n >= sizeof f->line)
		n = sizeof f->line - 1;
	memcpy(f->line, fmt0, n);
	const char *b = at;
	while (b > prev_end && b[-1] != ' ' && b[-1] != '\n' && b[-1] != '(')
		b--;
	n = (size_t)(at - b);
	if (n >= sizeof f->key)
		n = sizeof f->key - 1;
	memcpy(f->key, b, n);
	f->conv = conv;
	f->num = num;
	if (str) {
		strncpy(f->str, str, sizeof f->str - 1);
	}
}

int kstub_vsnprintf(char *buf, size_t size, const char *fmt, va_list args,
                    const struct trace_print_flags *names, long nr_pageflags, struct kabi_dump *rec)
{
	struct outbuf o = {buf, size, 0};
	const char *fmt0 = fmt;
	prev_end = fmt;
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, fmt++, 1);
			continue;
		}
		const char *start = fmt++;
		if (*fmt == '%') {
			put(&o, fmt++, 1);
			continue;
		}
		while (strchr("#0- +", *fmt))
			fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			fmt++;
		int longs = 0;
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			longs += *fmt != 'h';
			fmt++;
		}
		char conv = *fmt++;
		char spec[32];
		size_t sl = (size_t)(fmt - start);
		if (sl >= sizeof spec)
			sl = sizeof spec - 1;
		memcpy(spec, start, sl);
		spec[sl] = 0;
		switch (conv) {
		case 'd': case 'i': {
			long v = longs ? va_arg(args, long) : va_arg(args, int);
			if (longs)
				putf(&o, spec, v);
			else
				putf(&o, spec, (int)v);
			record(rec, fmt0, start, 'd', v, NULL);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			unsigned long v = longs ? va_arg(args, unsigned long) : va_arg(args, unsigned int);
			if (v == 0 && conv == 'x' && memchr(spec, '#', sl))
				puts_(&o, "0x0"); /* lib/vsprintf.c number(): "0x" even for zero */
			else if (longs)
				putf(&o, spec, v);
			else
				putf(&o, spec, (unsigned int)v);
			record(rec, fmt0, start, conv == 'u' ? 'u' : 'x', (long)v, NULL);
			break;
		}
		case 'c':
			putf(&o, "%c", va_arg(args, int));
			break;
		case 's': {
			const char *s = va_arg(args, const char *);
			puts_(&o, s ? s : "(null)");
			record(rec, fmt0, start, 's', 0, s ? s : "(null)");
			break;
		}
		case 'p': {
			const void *p = va_arg(args, const void *);
			if (*fmt == 'G' && fmt[1] == 'p') {
				page_flags(&o, *(const unsigned long *)p, names, nr_pageflags);
				record(rec, fmt0, start, 'G', (long)*(const unsigned long *)p, NULL);
				fmt += 2;
				break;
			}
			record(rec, fmt0, start, 'p', (long)(uintptr_t)p, NULL);
			if (0) {
			} else if (*fmt == 'x') {
				putf(&o, "%016lx", (unsigned long)(uintptr_t)p);
				fmt++;
			} else if (*fmt == 'S' || *fmt == 's') {
				puts_(&o, *fmt == 'S' ? "kstub+0x0/0x0" : "kstub");
				fmt++;
			} else if (*fmt == 'd') {
				puts_(&o, "kstub");
				fmt++;
			} else if (!p || (uintptr_t)p >= (uintptr_t)-4095) {
				putf(&o, "%016lx", (unsigned long)(uintptr_t)p);
			} else {
				putf(&o, "%016lx", hash_ptr(p));
			}
			break;
		}
		default:
			put(&o, start, (size_t)(fmt - start));
		}
		prev_end = fmt;
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
	return (int)o.len;
}
