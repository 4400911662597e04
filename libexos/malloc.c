/*
 * malloc.c: the libOS heap (malloc, calloc, realloc, free).  A small
 * stand-in until musl's allocator replaces it (a later issue); correct
 * and bounded rather than fast:
 *
 *   - requests up to 2048 bytes come from eight size classes (16 ..
 *     2048 bytes, powers of two) carved out of whole pages; a freed
 *     object goes back to its class's list, and class pages are kept;
 *   - larger requests get whole fresh pages, page-aligned, and free()
 *     gives them back to the kernel.  So malloc(4096) is exactly one
 *     physical page, which XN's buffer cache needs (xnclient.c hands
 *     that page to XN and maps it read-only in place).  Freed one-page
 *     blocks are kept (up to POOL_MAX, mapped writable again) for the
 *     next one-page request: a file system's cache allocates and frees
 *     such pages all the time, and each trip to the kernel is four
 *     calls.  A page XN still holds is never kept, and one known to be
 *     writable already is kept without mapping it again: a page is
 *     known writable from its malloc until it goes to XN's cache
 *     (exos_heap_writable off: xnclient.c's inserts), and again when
 *     XN_BC_EVICT_MANY gives it back so.  Pages are mapped and
 *     unmapped in batches (PAGE_ALLOC_MANY, PAGE_MAP_MANY,
 *     PAGE_UNMAP_RANGE; a page's free is one call), and an empty pool
 *     is refilled POOL_FILL pages at a time.
 *
 * The heap is a fixed region of HEAP_PAGES virtual pages.  A table says,
 * for each page, its physical page and whether it holds a size class or
 * starts or continues a large block; a bitmap says which pages are in
 * use.  Everything is bounded by the region: no page-table walks, no
 * lists that grow without limit.
 */
#include <exos/exos.h>
#include <exos/heap.h>
#include <stdlib.h>
#include <string.h>

/* A second copy of this heap (the POSIX layer's file-system heap,
 * libexos/posix/posix.mk) is compiled with its own region and names. */
#ifndef HEAP_VA
#define HEAP_VA         0x0000200000000000UL
#endif
#ifndef HEAP_PAGES
#define HEAP_PAGES      65536u          /* 256 MiB of address space */
#endif
#define NCLASS          8
#define MINSHIFT        4               /* smallest class: 16 bytes */
#define SMALL_MAX       (1u << (MINSHIFT + NCLASS - 1))

#define PI_CLASS        0x3fffffffu     /* 1..NCLASS: a class page */
#define PI_HEAD         0x80000000u     /* | pages: a large block starts */
#define PI_TAIL         0x40000000u     /* a large block continues */
#define PI_POOL         0x20000000u     /* a kept page, free */
#ifndef POOL_MAX
#define POOL_MAX        EXOS_HEAP_KEEP  /* free one-page blocks kept */
#endif
#define POOL_FILL       16u             /* pages one empty-pool malloc maps */

struct pinfo {
	uint32_t ppn;
	uint32_t info;                  /* 0: not in use */
};

struct freeobj {
	struct freeobj *next;
};

static struct pinfo pinfo[HEAP_PAGES];
static uint64_t used[HEAP_PAGES / 64];
static struct freeobj *freelist[NCLASS];
static uint32_t pool[POOL_MAX];         /* kept pages (heap indices) */
static uint32_t npool;
static uint32_t lowfree;                /* no free page below this */
static uint64_t rw[HEAP_PAGES / 64];    /* known writable (a hint) */
static uint64_t stuck;

static int
bit(uint32_t i)
{
	return (int)((used[i / 64] >> (i % 64)) & 1);
}

static void
setbits(uint32_t i, uint32_t n, int on)
{
	for (; n; n--, i++) {
		if (on)
			used[i / 64] |= 1UL << (i % 64);
		else
			used[i / 64] &= ~(1UL << (i % 64));
	}
}

/* First fit: n consecutive unused pages; -1 if the region is full. */
static int64_t
find_run(uint32_t n)
{
	uint32_t i = lowfree, run = 0, start = 0;

	while (i < HEAP_PAGES) {
		if (run == 0 && i % 64 == 0 && used[i / 64] == ~0UL) {
			i += 64;
			continue;
		}
		if (bit(i)) {
			run = 0;
		} else {
			if (run++ == 0)
				start = i;
			if (run == n)
				return start;
		}
		i++;
	}
	return -1;
}

/* Unmap and free pages [first, first + n): the unmapping one
 * PAGE_UNMAP_RANGE per XOK_PAGE_BATCH_MAX pages, the frees one a page. */
static void
unmap_pages(uint32_t first, uint32_t n)
{
	uint32_t i, c;

	for (i = first; i < first + n; i += c) {
		c = first + n - i < XOK_PAGE_BATCH_MAX ? first + n - i :
		    XOK_PAGE_BATCH_MAX;
		if (c == 1 || sys_page_unmap_range(XOK_SELF, HEAP_VA +
		    (uint64_t)i * XOK_PGSIZE, c, 0) < 0)
			c = 1, sys_page_unmap(XOK_SELF, HEAP_VA +
			    (uint64_t)i * XOK_PGSIZE, 0);
	}
	for (i = first; i < first + n; i++) {
		if (sys_page_free(pinfo[i].ppn, 0) < 0)
			stuck++;        /* still XN's: see exos_heap_stuck() */
		pinfo[i].ppn = 0;
		pinfo[i].info = 0;
	}
	setbits(first, n, 0);
	if (first < lowfree)
		lowfree = first;
}

/*
 * Map n fresh pages; info for the first page (the others are tails).
 * Two kernel calls per XOK_PAGE_BATCH_MAX pages (PAGE_ALLOC_MANY,
 * PAGE_MAP_MANY), where it was two a page.
 */
static void *
map_run(uint32_t n, uint32_t info)
{
	static uint64_t ppn[XOK_PAGE_BATCH_MAX];
	static struct xok_page_map m[XOK_PAGE_BATCH_MAX];
	int64_t first = find_run(n), r;
	uint32_t i, k, c, done = 0;

	if (first < 0)
		return NULL;
	while (done < n) {
		c = n - done < XOK_PAGE_BATCH_MAX ? n - done :
		    XOK_PAGE_BATCH_MAX;
		if (sys_page_alloc_many(0, XOK_SELF, 0, ppn, c) != (int64_t)c)
			goto fail;
		for (i = 0; i < c; i++) {
			k = (uint32_t)first + done + i;
			m[i].va = HEAP_VA + (uint64_t)k * XOK_PGSIZE;
			m[i].ppn = ppn[i];
			m[i].perm = XOK_PTE_W | XOK_PTE_NX;
			m[i].slot = 0;
			m[i].result = 0;
		}
		r = sys_page_map_many(XOK_SELF, 0, m, c);
		if (r < 0)
			r = 0;
		for (i = (uint32_t)r; i < c; i++)       /* not mapped */
			sys_page_free(ppn[i], 0);
		for (i = 0; i < (uint32_t)r; i++) {
			k = (uint32_t)first + done + i;
			pinfo[k].ppn = (uint32_t)ppn[i];
			pinfo[k].info = done + i == 0 ? info : PI_TAIL;
			rw[k / 64] |= 1UL << (k % 64);  /* mapped so */
			setbits(k, 1, 1);
		}
		done += (uint32_t)r;
		if ((uint32_t)r != c)
			goto fail;
	}
	if ((uint32_t)first == lowfree)
		lowfree += n;
	return (void *)(HEAP_VA + (uint64_t)first * XOK_PGSIZE);
fail:
	if (done)
		unmap_pages((uint32_t)first, done);
	return NULL;
}

static int
class_of(size_t n)
{
	int c = 0;

	while (((size_t)1 << (MINSHIFT + c)) < n)
		c++;
	return c;
}

void *
malloc(size_t n)
{
	struct freeobj *o;
	uint8_t *page;
	size_t sz, off;
	int c;

	if (n == 0)
		n = 1;
	if (n > SMALL_MAX) {
		if (n > (size_t)HEAP_PAGES * XOK_PGSIZE)
			return NULL;
		sz = (n + XOK_PGSIZE - 1) / XOK_PGSIZE;
		if (sz == 1 && npool == 0 && POOL_MAX >= POOL_FILL &&
		    (page = map_run(POOL_FILL, PI_HEAD | 1)) != NULL) {
			/* one batch of pages: the first is the block, the
			 * others go to the pool for the next one-page
			 * blocks (a cache allocates them one by one) */
			uint32_t k = (uint32_t)(((uint64_t)page - HEAP_VA) /
			    XOK_PGSIZE), i;

			for (i = POOL_FILL - 1; i > 0; i--) {
				pinfo[k + i].info = PI_POOL;
				pool[npool++] = k + i;
			}
			return page;
		}
		if (sz == 1 && npool > 0) {
			uint32_t k = pool[--npool];

			pinfo[k].info = PI_HEAD | 1;    /* rw: still so */
			return (void *)(HEAP_VA + (uint64_t)k * XOK_PGSIZE);
		}
		return map_run((uint32_t)sz, PI_HEAD | (uint32_t)sz);
	}
	c = class_of(n);
	if (freelist[c] == NULL) {
		page = map_run(1, (uint32_t)c + 1);
		if (page == NULL)
			return NULL;
		sz = (size_t)1 << (MINSHIFT + c);
		for (off = XOK_PGSIZE; off >= sz; off -= sz) {
			o = (struct freeobj *)(page + off - sz);
			o->next = freelist[c];
			freelist[c] = o;
		}
	}
	o = freelist[c];
	freelist[c] = o->next;
	return o;
}

/* The page-table entry for p, or NULL if p is not a heap block. */
static struct pinfo *
info_of(const void *p)
{
	uint64_t va = (uint64_t)p;

	if (va < HEAP_VA || va >= HEAP_VA + (uint64_t)HEAP_PAGES * XOK_PGSIZE)
		return NULL;
	return &pinfo[(va - HEAP_VA) / XOK_PGSIZE];
}

/* Usable bytes of block p; 0 if p is not the start of a block. */
static size_t
usable(const void *p)
{
	const struct pinfo *pi = info_of(p);
	uint64_t off = (uint64_t)p % XOK_PGSIZE;

	if (pi == NULL || pi->info == 0 || (pi->info & PI_TAIL))
		return 0;
	if (pi->info & PI_HEAD)
		return off ? 0 : (size_t)(pi->info & ~PI_HEAD) * XOK_PGSIZE;
	if (pi->info > NCLASS ||
	    off % ((uint64_t)1 << (MINSHIFT + pi->info - 1)) != 0)
		return 0;
	return (size_t)1 << (MINSHIFT + pi->info - 1);
}

void
free(void *p)
{
	struct pinfo *pi;
	struct freeobj *o = p;
	size_t n;

	if (p == NULL)
		return;
	if ((n = usable(p)) == 0)
		__builtin_trap();       /* not a block of ours: a bug */
	pi = info_of(p);
	if (pi->info & PI_HEAD) {
		uint32_t k = (uint32_t)(pi - pinfo);
		int known = (int)(rw[k / 64] >> (k % 64) & 1);

		/* keep a one-page block if it is ours alone: remap it
		 * writable (XN's cache leaves it read-only) unless we know
		 * it is (exos_heap_writable) */
		if (n == XOK_PGSIZE && npool < POOL_MAX &&
		    !(XOK_PAGES[pi->ppn].flags & XOK_PG_XN) &&
		    XOK_PAGES[pi->ppn].mapcount == 1 &&
		    (known || sys_page_map(XOK_SELF, (uint64_t)p, pi->ppn,
		    XOK_PTE_W | XOK_PTE_NX, 0, 0) == 0)) {
			rw[k / 64] |= 1UL << (k % 64);
			pi->info = PI_POOL;
			pool[npool++] = (uint32_t)(pi - pinfo);
			return;
		}
		rw[k / 64] &= ~(1UL << (k % 64));
		unmap_pages((uint32_t)(pi - pinfo), (uint32_t)(n / XOK_PGSIZE));
		return;
	}
	o->next = freelist[pi->info - 1];
	freelist[pi->info - 1] = o;
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	p = malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *
realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (p == NULL)
		return malloc(n);
	if ((have = usable(p)) == 0)
		__builtin_trap();
	if (n <= have && (have <= SMALL_MAX || n > have - XOK_PGSIZE))
		return p;
	q = malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, n < have ? n : have);
	free(p);
	return q;
}

void
exos_heap_writable(void *p, int on)
{
	struct pinfo *pi = info_of(p);
	uint32_t k;

	if (pi == NULL || (uint64_t)p % XOK_PGSIZE != 0 ||
	    !(pi->info & (PI_HEAD | PI_TAIL)))
		return;                 /* not a page of a large block */
	k = (uint32_t)(pi - pinfo);
	if (on)
		rw[k / 64] |= 1UL << (k % 64);
	else
		rw[k / 64] &= ~(1UL << (k % 64));
}

int64_t
exos_heap_ppn(const void *p)
{
	const struct pinfo *pi = info_of(p);

	if (pi == NULL || (uint64_t)p % XOK_PGSIZE != 0 ||
	    !(pi->info & (PI_HEAD | PI_TAIL)))
		return -1;
	return pi->ppn;
}

uint64_t
exos_heap_stuck(void)
{
	return stuck;
}

/* Forget every block without giving anything back: the tables describe
 * pages this environment does not have (a forked child's copy of its
 * parent's tables). */
void
exos_heap_forget(void)
{
	memset(pinfo, 0, sizeof(pinfo));
	memset(used, 0, sizeof(used));
	memset(freelist, 0, sizeof(freelist));
	memset(rw, 0, sizeof(rw));
	npool = 0;
	lowfree = 0;
}
