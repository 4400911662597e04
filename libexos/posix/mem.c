/*
 * mem.c: brk, mmap, munmap and mprotect for anonymous memory, with
 * Linux's errors.  The libOS manages one arena of the address space
 * (1 TiB at ARENA_LO: the brk heap at its bottom, mmap above); every
 * page of it has an entry in a shadow array, itself mapped on demand,
 * that says whether the page is in use, what protection was asked and
 * which physical page backs it, so munmap can give pages back to the
 * kernel.
 *
 * Private memory (brk, MAP_PRIVATE) is lazy: mmap only records the
 * reservation in the shadow; the first touch of a page faults, and the
 * fault handler (px_mem_fault) allocates zeroed pages for it and its
 * neighbours still unfilled in the same aligned group of FAULT_AROUND
 * pages (PAGE_ALLOC_MANY + PAGE_MAP_MANY: two kernel calls per group),
 * so touching 64 MiB costs 256 faults, not 16,384.  MAP_POPULATE fills
 * at once.  A touch the kernel cannot back (no memory, quota) leaves
 * the fault unhandled: the process dies of SIGSEGV.
 *
 * MAP_SHARED anonymous memory is filled at mmap and marked SH_MSHARED:
 * fork maps the same pages into the child with the same rights (not
 * copy-on-write), so parent and child see each other's writes.  Its
 * PROT_NONE pages stay mapped read-only at a parking address
 * (PX_PARK_VA + the arena offset), so the kernel's mapcount still
 * counts every sharer; a page is freed by its owner when the last
 * sharer has unmapped it (the lent list below), or by the kernel if
 * its owner died first (an orphan).
 *
 * fork (fork.c) shares every other visible arena page with the child
 * read-only and marks it SH_SHARED in both shadows; a write fault on
 * such a page (px_mem_cow) takes it back writable if nobody else maps
 * it (the kernel's exported mapcount is 1) or copies it.  A page we own
 * but stopped mapping while others still map it goes on the lent list
 * and is freed by px_mem_sweep once its mapcount is 0
 * (docs/ARCHITECTURE.md, "fork").
 *
 * A mapping of a file (mmapfile.c) is reserved here like anonymous
 * memory, its pages marked SH_FMAP: their first touch asks mmapfile.c
 * for the page (a private copy of the file's bytes, or the family's
 * cached page of a MAP_SHARED mapping, then also SH_MSHARED: a page we
 * never free, the cache does).
 */
#include <sys/mman.h>
#include <stdint.h>
#include <string.h>
#include "posix.h"
#include "layout.h"

#define PG              XOK_PGSIZE
#define ARENA_LO        PX_ARENA_LO
#define ARENA_PAGES     (1UL << 28)             /* 1 TiB */
#define ARENA_HI        (ARENA_LO + ARENA_PAGES * PG)
#define BRK_MAX         (1UL << 30)             /* the brk heap: 1 GiB */
#define MMAP_LO         (ARENA_LO + BRK_MAX)
#define SHADOW_VA       PX_SHADOW_VA    /* ARENA_PAGES entries */
#define PER_SHADOW      (PG / sizeof(uint64_t)) /* entries per shadow page */

/* A shadow entry: 0 free; else USED, the physical page + 1 (0: none
 * yet: filled at the first touch unless HIDDEN), HIDDEN if the page is
 * PROT_NONE (not mapped at its address; a MSHARED one is mapped at its
 * parking address instead); WRITE and EXEC: the protection asked
 * (mmap, mprotect); SHARED: the page may be mapped by another process
 * too (fork), so it is mapped read-only until a write fault copies or
 * takes it; MSHARED: MAP_SHARED memory, shared with children as it is. */
#define SH_USED         (1UL << 63)
#define SH_HIDDEN       (1UL << 62)
#define SH_SHARED       (1UL << 61)
#define SH_WRITE        (1UL << 60)
#define SH_EXEC         (1UL << 59)
#define SH_MSHARED      (1UL << 58)
#define SH_FMAP         (1UL << 57)     /* (fmmap) filled from a file */
#define SH_PPN1         ((1UL << 52) - 1)
#define LENT_VA         PX_LENT_VA    /* the lent list */
#define COPY_VA         PX_COW_VA    /* px_mem_cow's scratch */
#define PARK_VA         PX_PARK_VA   /* hidden MAP_SHARED pages */
#define FAULT_AROUND    64           /* pages a lazy fault fills at most */

static uint64_t *const shadow = (uint64_t *)SHADOW_VA;
static uint8_t present[ARENA_PAGES / PER_SHADOW / 8];
static uint64_t brk_cur = ARENA_LO;
/* The shadow's own pages, so execve can give them back (past NSHPG
 * they stay the process's until it exits). */
#define NSHPG 4096
static uint64_t shpg[NSHPG];
static uint64_t nshpg;
static uint64_t mmap_next = MMAP_LO;

static int
is_present(uint64_t i)
{
	uint64_t s = i / PER_SHADOW;

	return present[s / 8] >> (s % 8) & 1;
}

static uint64_t
sh_get(uint64_t i)
{
	return is_present(i) ? shadow[i] : 0;
}

/* Make page i's shadow entry writable: 0, or -ENOMEM. */
static long
sh_need(uint64_t i)
{
	uint64_t s = i / PER_SHADOW;
	int64_t ppn, r;

	if (is_present(i))
		return 0;
	if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
		return -ENOMEM;
	r = sys_page_map(XOK_SELF, SHADOW_VA + s * PG, (uint64_t)ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0);
	if (r < 0) {
		sys_page_free((uint64_t)ppn, 0);
		return -ENOMEM;
	}
	present[s / 8] |= (uint8_t)(1u << (s % 8));
	if (nshpg < NSHPG)
		shpg[nshpg++] = (uint64_t)ppn;
	return 0;
}

static uint64_t
va_of(uint64_t i)
{
	return ARENA_LO + i * PG;
}

static uint64_t
sh_prot(long prot)
{
	return ((prot & PROT_WRITE) ? SH_WRITE : 0) |
	    ((prot & PROT_EXEC) ? SH_EXEC : 0);
}

/* The PTE rights of shadow entry e: never writable while shared. */
static uint64_t
sh_perm(uint64_t e)
{
	return ((e & SH_WRITE) && !(e & SH_SHARED) ? XOK_PTE_W : 0) |
	    ((e & SH_EXEC) ? 0 : XOK_PTE_NX);
}

/* ---- The lent list ---------------------------------------------------
 * Physical pages we own and no longer map that other processes may
 * still map (a page shared by fork that we copied away from, or
 * unmapped): we free them when nobody maps them any more.  Only a
 * page's owner frees it, so two processes never free one page twice. */
static uint64_t *const lent = (uint64_t *)LENT_VA;
static uint64_t nlent, lent_cap;

static int
mine(uint64_t ppn)
{
	return XOK_PAGES[ppn].owner == (uint32_t)XOK_INFO->cur_env;
}

void
px_mem_sweep(void)
{
	uint64_t i, j = 0;

	px_fork_reap_halfbuilt();       /* children of the killed (fork.c) */
	for (i = 0; i < nlent; i++) {
		uint64_t ppn = lent[i];

		if (!mine(ppn))
			continue;
		if (XOK_PAGES[ppn].mapcount == 0 &&
		    sys_page_free(ppn, 0) == 0)
			continue;
		lent[j++] = ppn;
	}
	nlent = j;
}

static long page_copy(uint64_t i, uint64_t e);

/* We stopped mapping ppn: free it now if nobody maps it, else lend it. */
static void
page_release(uint64_t ppn)
{
	int64_t ppn_pg;

	if (!mine(ppn))
		return;         /* another's page: its owner frees it */
	if (XOK_PAGES[ppn].mapcount == 0 && sys_page_free(ppn, 0) == 0)
		return;
	if (nlent == lent_cap) {
		px_mem_sweep();
		if (nlent == lent_cap) {
			if ((ppn_pg = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
				return;         /* lost until we die */
			if (sys_page_map(XOK_SELF, LENT_VA + lent_cap *
			    sizeof(uint64_t), (uint64_t)ppn_pg,
			    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0) {
				sys_page_free((uint64_t)ppn_pg, 0);
				return;
			}
			lent_cap += PER_SHADOW;
		}
	}
	lent[nlent++] = ppn;
}

/* (exec.c) A page of ours we no longer map that others may: free it
 * when nobody maps it. */
void
px_mem_lend(uint64_t ppn)
{
	page_release(ppn);
}

/* A forked child starts with no lent pages (the list's pages are ours). */
void
px_mem_child(void)
{
	nlent = lent_cap = 0;
	/* shpg[] names the parent's shadow pages (ours are fork's copies):
	 * forget them, so an execve here never frees a page of the parent;
	 * our own shadow pages go back when we exit. */
	nshpg = 0;
}

/* Reserve page i with prot (filled at its first touch, or by fill). */
static long
page_new(uint64_t i, long prot)
{
	if (sh_need(i) < 0)
		return -ENOMEM;
	shadow[i] = SH_USED | sh_prot(prot) |
	    (prot == PROT_NONE ? SH_HIDDEN : 0);
	return 0;
}

static uint64_t
park_of(uint64_t i)
{
	return PARK_VA + i * PG;
}

/* Where entry e of page i is mapped, if anywhere: its address, its
 * parking address (hidden MAP_SHARED), or 0. */
static uint64_t
mapped_at(uint64_t i, uint64_t e)
{
	if (!(e & SH_PPN1))
		return 0;
	if (!(e & SH_HIDDEN))
		return va_of(i);
	return (e & SH_MSHARED) ? park_of(i) : 0;
}

/* ---- Filling reserved pages -------------------------------------------
 * fill_batch gives the n pages idx[] (reserved, no page yet) fresh
 * zeroed pages in two kernel calls, mapped where their entries say.
 * The fault handler and mmap each have their own arrays. */
struct fillbuf {
	uint64_t idx[XOK_PAGE_BATCH_MAX];
	uint64_t ppn[XOK_PAGE_BATCH_MAX];
	struct xok_page_map map[XOK_PAGE_BATCH_MAX];
};
static struct fillbuf fill_mm, fill_fault;

static long
fill_batch(struct fillbuf *b, uint64_t n)
{
	uint64_t k, e;
	int64_t r;

	if (n == 0)
		return 0;
	if (sys_page_alloc_many(0, XOK_SELF, 0, b->ppn, n) != (int64_t)n)
		return -ENOMEM;
	for (k = 0; k < n; k++) {
		e = shadow[b->idx[k]];
		if (e & SH_HIDDEN) {
			b->map[k].va = park_of(b->idx[k]);
			b->map[k].perm = XOK_PTE_NX;
		} else {
			b->map[k].va = va_of(b->idx[k]);
			b->map[k].perm = sh_perm(e);
		}
		b->map[k].ppn = b->ppn[k];
		b->map[k].slot = 0;
		b->map[k].result = 0;
	}
	r = sys_page_map_many(XOK_SELF, 0, b->map, n);
	if (r < 0)
		r = 0;
	for (k = (uint64_t)r; k < n; k++)       /* not mapped: give back */
		sys_page_free(b->ppn[k], 0);
	for (k = 0; k < (uint64_t)r; k++)
		shadow[b->idx[k]] |= b->ppn[k] + 1;
	return r == (int64_t)n ? 0 : -ENOMEM;
}

/* Fill every reserved page of [lo, lo + n) that has no page yet:
 * 0 or -ENOMEM (the pages filled so far stay). */
static long
fill_range(uint64_t lo, uint64_t n)
{
	uint64_t i, e, nb = 0;
	long r;

	for (i = lo; i < lo + n; i++) {
		e = sh_get(i);
		if (!(e & SH_USED) || (e & SH_PPN1) ||
		    ((e & SH_HIDDEN) && !(e & SH_MSHARED)))
			continue;
		fill_mm.idx[nb++] = i;
		if (nb == XOK_PAGE_BATCH_MAX) {
			if ((r = fill_batch(&fill_mm, nb)) < 0)
				return r;
			nb = 0;
		}
	}
	return fill_batch(&fill_mm, nb);
}

/* (fmmap) The first touch of file page i (entry e): map the page
 * mmapfile.c gives; 0, -1 (SIGSEGV) or -2 (SIGBUS: past the end of
 * file). */
static long
fmap_fill(uint64_t i, uint64_t e)
{
	int64_t ppn = px_fmap_fault(va_of(i));

	if (ppn < 0)
		return ppn == -2 ? -2 : -1;
	if (sys_page_map(XOK_SELF, va_of(i), (uint64_t)ppn, sh_perm(e), 0,
	    0) < 0) {
		if (!(e & SH_MSHARED))
			sys_page_free((uint64_t)ppn, 0);
		return -1;
	}
	shadow[i] |= (uint64_t)ppn + 1;
	return 0;
}

/*
 * A page fault at va on a page not present (err: the CPU's error code):
 * if va is a reserved arena page with no page yet and the access is
 * one its protection allows, fill it and the unfilled pages of its
 * aligned group of FAULT_AROUND; if memory runs short, the page alone.
 * 0 handled, -1 not ours (a real fault, or no memory: the process dies),
 * -2 a file page past the end of file (SIGBUS).
 */
long
px_mem_fault(uint64_t va, uint64_t err)
{
	uint64_t i, j, lo, e, n = 0;

	if (va < ARENA_LO || va >= ARENA_HI || (err & 1))
		return -1;
	i = (va - ARENA_LO) / PG;
	e = sh_get(i);
	if (!(e & SH_USED) || (e & SH_PPN1) || (e & SH_HIDDEN) ||
	    ((err & 2) && !(e & SH_WRITE)) || ((err & 16) && !(e & SH_EXEC)))
		return -1;
	if (e & SH_FMAP)
		return fmap_fill(i, e);
	fill_fault.idx[n++] = i;
	lo = i & ~(uint64_t)(FAULT_AROUND - 1);
	for (j = lo; j < lo + FAULT_AROUND; j++) {
		e = shadow[j];  /* one shadow page: FAULT_AROUND | PER_SHADOW */
		if (j != i && (e & SH_USED) && !(e & SH_PPN1) &&
		    !(e & (SH_HIDDEN | SH_FMAP)))
			fill_fault.idx[n++] = j;
	}
	if (fill_batch(&fill_fault, n) == 0)
		return 0;
	if (sh_get(i) & SH_PPN1)
		return 0;               /* ours got in before the failure */
	fill_fault.idx[0] = i;
	return fill_batch(&fill_fault, 1) == 0 ? 0 : -1;
}

/* Forget page i; unmapped says its mapping is gone already. */
static void
page_drop(uint64_t i, int unmapped)
{
	uint64_t e = sh_get(i);

	uint64_t at = mapped_at(i, e);

	if (!e)
		return;
	if (at && !unmapped)
		sys_page_unmap(XOK_SELF, at, 0);
	if ((e & SH_PPN1) && (e & (SH_FMAP | SH_MSHARED)) !=
	    (SH_FMAP | SH_MSHARED))             /* the file cache's */
		page_release((e & SH_PPN1) - 1);
	shadow[i] = 0;
}

/* Is page i mapped at its own address (not hidden, not parked)? */
static int
mapped_in_place(uint64_t i)
{
	uint64_t e = sh_get(i);

	return mapped_at(i, e) == va_of(i);
}

/*
 * Forget the pages of [lo, lo + n).  A run of pages mapped in place is
 * unmapped with one PAGE_UNMAP_RANGE (up to XOK_PAGE_BATCH_MAX pages)
 * before its pages are released: a munmap of 1 MiB was 256 PAGE_UNMAPs.
 * The frees stay one call a page (the kernel has no batched free).
 */
static void
unmap_pages(uint64_t lo, uint64_t n)
{
	uint64_t i = lo, end = lo + n, j;

	while (i < end) {
		if (!is_present(i)) {
			i = (i / PER_SHADOW + 1) * PER_SHADOW;
			continue;
		}
		for (j = i; j < end && j - i < XOK_PAGE_BATCH_MAX &&
		    mapped_in_place(j); j++)
			;
		if (j - i < 2 || sys_page_unmap_range(XOK_SELF, va_of(i),
		    j - i, 0) < 0) {
			page_drop(i++, 0);
			continue;
		}
		while (i < j)
			page_drop(i++, 1);
	}
	px_fmap_unmapped(va_of(lo), n);         /* (fmmap) */
}

/* (fmmap) ftruncate: forget the filled file pages of the range. */
void
px_mem_unfill(uint64_t va, uint64_t n)
{
	uint64_t i, e, at;

	if (va < ARENA_LO || va >= ARENA_HI || n > (ARENA_HI - va) / PG)
		return;
	for (i = (va - ARENA_LO) / PG; n-- > 0; i++) {
		e = sh_get(i);
		if (!(e & SH_FMAP) || !(e & SH_PPN1))
			continue;
		if ((at = mapped_at(i, e)) != 0)
			sys_page_unmap(XOK_SELF, at, 0);
		if (!(e & SH_MSHARED))
			page_release((e & SH_PPN1) - 1);
		shadow[i] = e & ~SH_PPN1;
	}
}

/* (fmmap) msync: is all of the range in use? */
int
px_mem_mapped(uint64_t va, uint64_t n)
{
	uint64_t i;

	if (va < ARENA_LO || va >= ARENA_HI || n > (ARENA_HI - va) / PG)
		return 0;
	for (i = (va - ARENA_LO) / PG; n-- > 0; i++)
		if (!sh_get(i))
			return 0;
	return 1;
}

static long
map_pages(uint64_t lo, uint64_t n, long prot)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		if (page_new(lo + i, prot) < 0) {
			unmap_pages(lo, i);
			return -ENOMEM;
		}
	}
	return 0;
}

static int
pages_free(uint64_t lo, uint64_t n)
{
	uint64_t i = lo, end = lo + n;

	while (i < end) {
		if (!is_present(i)) {
			i = (i / PER_SHADOW + 1) * PER_SHADOW;
			continue;
		}
		if (shadow[i++])
			return 0;
	}
	return 1;
}

/* First fit for n pages in the mmap part of the arena, from where the
 * last search ended; ARENA_PAGES if there is no room. */
static uint64_t
find_free(uint64_t n)
{
	uint64_t first = (MMAP_LO - ARENA_LO) / PG;
	uint64_t start = (mmap_next - ARENA_LO) / PG, i, run;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = start, run = 0; i < ARENA_PAGES; ) {
			if (!is_present(i) && i % PER_SHADOW == 0 &&
			    i + PER_SHADOW <= ARENA_PAGES) {
				run += PER_SHADOW;
				i += PER_SHADOW;
			} else if (sh_get(i)) {
				run = 0;
				i++;
			} else {
				run++;
				i++;
			}
			if (run >= n)
				return i - run;
		}
		start = first;
	}
	return ARENA_PAGES;
}

long
px_brk(PX_ARGS)
{
	uint64_t want = (uint64_t)a1, top, newtop;

	PX_UNUSED;
	if (want < ARENA_LO || want > ARENA_LO + BRK_MAX)
		return (long)brk_cur;
	top = (brk_cur - ARENA_LO + PG - 1) / PG;
	newtop = (want - ARENA_LO + PG - 1) / PG;
	if (newtop > top) {
		if (!pages_free(top, newtop - top) ||
		    map_pages(top, newtop - top, PROT_READ | PROT_WRITE) < 0)
			return (long)brk_cur;
	} else if (newtop < top)
		unmap_pages(newtop, top - newtop);
	brk_cur = want;
	return (long)brk_cur;
}

/* Linux's mmap ignores prot bits it does not know; its mprotect
 * refuses them (PROT_SEM, 0x8, is allowed and means nothing here). */
#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define PROT_SEM 0x8

long
px_mmap(PX_ARGS)
{
	uint64_t addr = (uint64_t)a1, len = (uint64_t)a2, n, lo;
	long prot = a3, flags = a4, r;
	struct px_fmreq fm = { 0 };

	prot &= PROT_ALL;
	if (len == 0 || (a6 & (long)(PG - 1)))
		return -EINVAL;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_PRIVATE:
	case MAP_SHARED_VALIDATE:
		break;
	default:
		return -EINVAL;
	}
	if (len > ARENA_PAGES * PG)
		return -ENOMEM;
	/* (fmmap) a file: mmapfile.c's checks (1: /dev/zero, anonymous) */
	if (!(flags & MAP_ANONYMOUS) &&
	    (r = px_fmap_check(a5, a6, len, prot, flags, &fm)) < 0)
		return r;
	n = (len + PG - 1) / PG;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PG - 1))
			return -EINVAL;
		if (addr < ARENA_LO || addr > ARENA_HI - n * PG)
			return -ENOMEM;         /* outside what we manage */
		lo = (addr - ARENA_LO) / PG;
		if (!pages_free(lo, n)) {
			if (!(flags & MAP_FIXED))
				return -EEXIST;
			unmap_pages(lo, n);
		}
	} else if (addr >= MMAP_LO && !(addr & (PG - 1)) &&
	    addr <= ARENA_HI - n * PG &&
	    pages_free((addr - ARENA_LO) / PG, n)) {
		lo = (addr - ARENA_LO) / PG;    /* the hint is free: take it */
	} else if ((lo = find_free(n)) == ARENA_PAGES)
		return -ENOMEM;
	if ((r = map_pages(lo, n, prot)) < 0)
		return r;
	if (fm.f) {
		uint64_t i;

		for (i = lo; i < lo + n; i++)
			shadow[i] |= SH_FMAP | (fm.shared ? SH_MSHARED : 0);
		if (px_fmap_add(&fm, va_of(lo), n) < 0) {
			unmap_pages(lo, n);
			return -ENOMEM;
		}
	} else if ((flags & MAP_TYPE) != MAP_PRIVATE) {
		uint64_t i;

		for (i = lo; i < lo + n; i++)
			shadow[i] |= SH_MSHARED;
	}
	if (!fm.f && ((flags & MAP_TYPE) != MAP_PRIVATE ||
	    (flags & MAP_POPULATE)) && fill_range(lo, n) < 0) {
		unmap_pages(lo, n);
		return -ENOMEM;
	}
	if (lo >= (MMAP_LO - ARENA_LO) / PG)
		mmap_next = va_of(lo + n);
	return (long)va_of(lo);
}

/* Check addr/len as munmap and mprotect do; the page range (clipped to
 * the arena) in *lo, *n. */
static long
range(uint64_t addr, uint64_t len, uint64_t *lo, uint64_t *n)
{
	uint64_t end;

	if (addr & (PG - 1))
		return -EINVAL;
	if (len > XOK_UVA_END || addr > XOK_UVA_END - len)
		return -EINVAL;
	end = (addr + len + PG - 1) & ~(PG - 1);
	if (addr < ARENA_LO)
		addr = ARENA_LO;
	if (end > ARENA_HI)
		end = ARENA_HI;
	*lo = (addr - ARENA_LO) / PG;
	*n = end > addr ? (end - addr) / PG : 0;
	return 0;
}

long
px_munmap(PX_ARGS)
{
	uint64_t lo, n;
	long r;

	PX_UNUSED;
	if (a2 == 0)
		return -EINVAL;
	if ((r = range((uint64_t)a1, (uint64_t)a2, &lo, &n)) < 0)
		return r;
	unmap_pages(lo, n);
	return 0;
}

long
px_mprotect(PX_ARGS)
{
	uint64_t addr = (uint64_t)a1, len = (uint64_t)a2, lo, n, i, e;
	long prot = a3, r;

	PX_UNUSED;
	if (prot & ~(PROT_ALL | PROT_SEM))
		return -EINVAL;
	prot &= PROT_ALL;
	if ((r = range(addr, len, &lo, &n)) < 0)
		return r;
	if (len == 0)
		return 0;
	/* Every page must be ours and in use (Linux: ENOMEM). */
	if (addr < ARENA_LO || addr + len > ARENA_HI)
		return -ENOMEM;
	for (i = lo; i < lo + n; i++)
		if (!sh_get(i))
			return -ENOMEM;
	if ((prot & PROT_WRITE) && !px_fmap_maywrite(va_of(lo), n))
		return -EACCES;                 /* (fmmap) */
	for (i = lo; i < lo + n; i++) {
		e = shadow[i];
		if (prot == PROT_NONE) {
			uint64_t ne = (e & ~(SH_WRITE | SH_EXEC)) | SH_HIDDEN;

			if ((e & SH_HIDDEN) || !(e & SH_PPN1)) {
				shadow[i] = ne;         /* nothing mapped */
				continue;
			}
			if (e & SH_MSHARED) {
				/* stays counted: mapped at its parking place */
				if (sys_page_map(XOK_SELF, park_of(i),
				    (e & SH_PPN1) - 1, XOK_PTE_NX, 0, 0) < 0)
					return -ENOMEM;
				sys_page_unmap(XOK_SELF, va_of(i), 0);
				shadow[i] = ne;
				continue;
			}
			/* A hidden page is mapped nowhere, so nothing counts
			 * our use of it: it must be ours alone.  Copy a shared
			 * page first (a sharer would take it back writable,
			 * its owner would free it). */
			if ((e & SH_SHARED) || !mine((e & SH_PPN1) - 1)) {
				if (page_copy(i, e & ~SH_SHARED) < 0)
					return -ENOMEM;
				e = shadow[i];
			}
			sys_page_unmap(XOK_SELF, va_of(i), 0);
			shadow[i] = (e & ~(SH_WRITE | SH_EXEC)) | SH_HIDDEN;
		} else {
			uint64_t ne = (e & ~(SH_HIDDEN | SH_WRITE | SH_EXEC)) |
			    sh_prot(prot);

			if (!(e & SH_PPN1)) {
				shadow[i] = ne;         /* filled when touched */
				continue;
			}
			if (sys_page_map(XOK_SELF, va_of(i), (e & SH_PPN1) - 1,
			    sh_perm(ne), 0, 0) < 0)
				return -ENOMEM;
			if ((e & SH_HIDDEN) && (e & SH_MSHARED))
				sys_page_unmap(XOK_SELF, park_of(i), 0);
			shadow[i] = ne;
		}
	}
	return 0;
}

/* ---- mremap (posixgaps) ----------------------------------------------
 * The pages move as they are: a filled page is mapped at its new
 * address (or parking address) and unmapped at the old one, its shadow
 * entry moved with it, so nothing is copied and a page shared by fork
 * or MAP_SHARED stays shared.  New pages past the old size are what
 * mmap would have made there: the last old page's protection and kind
 * (private lazy, MAP_SHARED filled at once, the file continued).
 * Linux's rules: the old range must be one mapping (all in use, of one
 * kind and, for a file, one mmap: else EFAULT); shrinking unmaps the
 * tail; growing stays in place if the pages after it are free, else
 * moves with MREMAP_MAYMOVE (ENOMEM without); MREMAP_FIXED moves to
 * new_address (EINVAL if the ranges overlap), replacing what was there.
 * Not done: old_size 0 (Linux's second mapping of shared pages) and
 * MREMAP_DONTUNMAP: EINVAL.
 */
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE  1
#define MREMAP_FIXED    2
#endif

#define SH_KIND         (SH_MSHARED | SH_FMAP)

/* Move page i's entry and page to page j (j's entry free): 0 or -1. */
static long
page_move(uint64_t i, uint64_t j)
{
	uint64_t e = shadow[i], at = mapped_at(i, e), to;

	if (at) {
		to = (e & SH_HIDDEN) ? park_of(j) : va_of(j);
		if (sys_page_map(XOK_SELF, to, (e & SH_PPN1) - 1,
		    (e & SH_HIDDEN) ? XOK_PTE_NX : sh_perm(e), 0, 0) < 0)
			return -1;
		sys_page_unmap(XOK_SELF, at, 0);
	}
	shadow[j] = e;
	shadow[i] = 0;
	return 0;
}

/* Move n pages from lo to dst (disjoint, dst's entries writable and
 * free): 0, or -ENOMEM with everything back where it was. */
static long
pages_move(uint64_t lo, uint64_t dst, uint64_t n)
{
	uint64_t k;

	for (k = 0; k < n; k++)
		if (sh_get(lo + k) && page_move(lo + k, dst + k) < 0) {
			while (k-- > 0)
				if (sh_get(dst + k))
					(void)page_move(dst + k, lo + k);
			return -ENOMEM;
		}
	return 0;
}

/* Reserve n new pages at lo like template entry t (the last old page);
 * MAP_SHARED anonymous ones filled.  0 or -ENOMEM (none left). */
static long
pages_extend(uint64_t lo, uint64_t n, uint64_t t)
{
	uint64_t i;

	for (i = lo; i < lo + n; i++) {
		if (sh_need(i) < 0) {
			unmap_pages(lo, i - lo);
			return -ENOMEM;
		}
		shadow[i] = SH_USED | (t & (SH_WRITE | SH_EXEC | SH_HIDDEN |
		    SH_KIND));
	}
	if ((t & SH_KIND) == SH_MSHARED && fill_range(lo, n) < 0) {
		unmap_pages(lo, n);
		return -ENOMEM;
	}
	return 0;
}

/* Are the pages [lo, lo + n) all in use, of one kind? */
static int
one_mapping(uint64_t lo, uint64_t n)
{
	uint64_t i, e, kind = sh_get(lo) & SH_KIND;

	for (i = lo; i < lo + n; i++) {
		e = sh_get(i);
		if (!(e & SH_USED) || (e & SH_KIND) != kind)
			return 0;
	}
	return 1;
}

long
px_mremap(PX_ARGS)
{
	uint64_t old = (uint64_t)a1, osz = (uint64_t)a2, nsz = (uint64_t)a3;
	uint64_t naddr = (uint64_t)a5, on, nn, lo, dst, keep, t, i;
	long flags = a4, r;
	int file;

	(void)a6;
	if ((flags & ~(long)(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) ||
	    (old & (PG - 1)) || nsz == 0 || osz == 0)
		return -EINVAL;
	if (osz > ARENA_PAGES * PG || nsz > ARENA_PAGES * PG)
		return nsz > osz ? -ENOMEM : -EFAULT;
	on = (osz + PG - 1) / PG;
	nn = (nsz + PG - 1) / PG;
	if (old < ARENA_LO || old > ARENA_HI - on * PG)
		return -EFAULT;
	lo = (old - ARENA_LO) / PG;
	if (!one_mapping(lo, on))
		return -EFAULT;
	t = shadow[lo + on - 1];
	file = (t & SH_FMAP) != 0;
	if (file && (r = px_fmap_remap(old, on, old, on, 1)) < 0)
		return r;
	if (flags & MREMAP_FIXED) {
		if (naddr & (PG - 1))
			return -EINVAL;
		if (naddr < ARENA_LO || naddr > ARENA_HI - nn * PG)
			return -ENOMEM;         /* outside what we manage */
		dst = (naddr - ARENA_LO) / PG;
		if (dst < lo + on && lo < dst + nn)
			return -EINVAL;         /* they overlap */
		unmap_pages(dst, nn);
	} else if (nn <= on) {
		unmap_pages(lo + nn, on - nn);  /* shrink: the tail goes */
		return (long)old;
	} else if (lo + nn <= ARENA_PAGES && pages_free(lo + on, nn - on)) {
		/* grow in place */
		if ((r = pages_extend(lo + on, nn - on, t)) < 0)
			return r;
		if (file && px_fmap_remap(old, on, old, nn, 0) < 0) {
			unmap_pages(lo + on, nn - on);
			return -ENOMEM;
		}
		return (long)old;
	} else if (!(flags & MREMAP_MAYMOVE)) {
		return -ENOMEM;
	} else if ((dst = find_free(nn)) == ARENA_PAGES)
		return -ENOMEM;
	/* move to dst: the kept pages, then new ones after them */
	keep = on < nn ? on : nn;
	for (i = dst; i < dst + nn; i++)
		if (sh_need(i) < 0)
			return -ENOMEM;
	if (on > keep)
		unmap_pages(lo + keep, on - keep);
	if ((r = pages_move(lo, dst, keep)) < 0)
		return r;
	if (nn > keep && (r = pages_extend(dst + keep, nn - keep, t)) < 0) {
		(void)pages_move(dst, lo, keep);
		return r;
	}
	if (file && px_fmap_remap(old, keep, va_of(dst), nn, 0) < 0) {
		unmap_pages(dst + keep, nn - keep);
		(void)pages_move(dst, lo, keep);
		return -ENOMEM;
	}
	if (dst >= (MMAP_LO - ARENA_LO) / PG)
		mmap_next = va_of(dst + nn);
	return (long)va_of(dst);
}

/* ---- fork ------------------------------------------------------------ */

/*
 * A write fault at va: if va is an arena page shared by fork and meant
 * to be writable, make it ours: take it back writable if no other page
 * table maps it (the exported mapcount is 1: the other sharers copied
 * it or died), else copy it into a fresh page mapped in its place.
 * 0 done, -1 not a copy-on-write fault (a real one).
 */
/* Give page i (visible, entry e) a fresh page of ours with the same
 * contents, mapped in its place with e's rights; release the old one.
 * 0, or -1 out of memory. */
static long
page_copy(uint64_t i, uint64_t e)
{
	uint64_t ppn = (e & SH_PPN1) - 1;
	int64_t np;

	if ((np = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
		return -1;
	if (sys_page_map(XOK_SELF, COPY_VA, (uint64_t)np,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0) {
		sys_page_free((uint64_t)np, 0);
		return -1;
	}
	memcpy((void *)COPY_VA, (const void *)va_of(i), PG);
	sys_page_unmap(XOK_SELF, COPY_VA, 0);
	if (sys_page_map(XOK_SELF, va_of(i), (uint64_t)np, sh_perm(e), 0,
	    0) < 0) {
		sys_page_free((uint64_t)np, 0);
		return -1;
	}
	shadow[i] = (e & ~SH_PPN1) | ((uint64_t)np + 1);
	page_release(ppn);
	return 0;
}

long
px_mem_cow(uint64_t va)
{
	uint64_t i, e, ppn;

	if (va < ARENA_LO || va >= ARENA_HI)
		return -1;
	i = (va - ARENA_LO) / PG;
	e = sh_get(i);
	if (!(e & SH_SHARED) || !(e & SH_WRITE) || !(e & SH_PPN1) ||
	    (e & SH_HIDDEN))
		return -1;
	ppn = (e & SH_PPN1) - 1;
	e &= ~SH_SHARED;
	/* Nobody else maps it: take it (all of a family hold one name, so
	 * we may, whoever owns it; its owner frees it when we let go). */
	if (XOK_PAGES[ppn].mapcount == 1) {
		if (sys_page_protect(XOK_SELF, va_of(i), 1, sh_perm(e), 0,
		    0) < 0)
			return -1;
		shadow[i] = e;
		return 0;
	}
	return page_copy(i, e);
}

/*
 * fork's part of the arena: map every visible page into child read-only
 * (PAGE_MAP_MANY, 512 entries a call) and make ours read-only too
 * (PAGE_PROTECT on runs of pages), marking them SH_SHARED.  The shadow
 * pages themselves are copied by the caller afterwards (px_mem_each_shadow).
 * 0 or -errno.
 */
static struct xok_page_map mv[XOK_PAGE_BATCH_MAX];

static long
flush_maps(uint64_t child, uint64_t *nv)
{
	int64_t r;

	if (*nv == 0)
		return 0;
	r = sys_page_map_many(child, 0, mv, *nv);
	if (r != (int64_t)*nv)
		return -ENOMEM;
	*nv = 0;
	return 0;
}

static long
protect_run(uint64_t lo, uint64_t n, uint64_t perm)
{
	while (n > 0) {
		uint64_t k = n > XOK_PAGE_BATCH_MAX ? XOK_PAGE_BATCH_MAX : n;

		if (sys_page_protect(XOK_SELF, va_of(lo), k, perm, 0, 0) < 0)
			return -ENOMEM;
		lo += k;
		n -= k;
	}
	return 0;
}

long
px_mem_fork(uint64_t child)
{
	uint64_t i, e, nv = 0, run_lo = 0, run_n = 0, run_perm = 0, perm;
	long r;

	for (i = 0; i < ARENA_PAGES; i++) {
		if (!is_present(i)) {
			i = (i / PER_SHADOW + 1) * PER_SHADOW - 1;
			e = 0;
		} else
			e = shadow[i];
		if ((e & SH_MSHARED) && (e & SH_PPN1)) {
			/* MAP_SHARED: the same page, with the same rights
			 * (hidden: at its parking place); ours unchanged */
			mv[nv].va = mapped_at(i, e);
			mv[nv].ppn = (e & SH_PPN1) - 1;
			mv[nv].perm = (e & SH_HIDDEN) ? XOK_PTE_NX : sh_perm(e);
			mv[nv].slot = 0;
			mv[nv].result = 0;
			if (++nv == XOK_PAGE_BATCH_MAX &&
			    (r = flush_maps(child, &nv)) < 0)
				return r;
			e = 0;
		} else if (!(e & SH_PPN1) || (e & SH_HIDDEN)) {
			e = 0;
		} else {
			e |= SH_SHARED;
			shadow[i] = e;
			perm = sh_perm(e);
			mv[nv].va = va_of(i);
			mv[nv].ppn = (e & SH_PPN1) - 1;
			mv[nv].perm = perm;
			mv[nv].slot = 0;
			mv[nv].result = 0;
			if (++nv == XOK_PAGE_BATCH_MAX &&
			    (r = flush_maps(child, &nv)) < 0)
				return r;
		}
		/* our own mappings lose W: runs of pages that had it */
		if (e && (e & SH_WRITE) && run_n && run_lo + run_n == i &&
		    run_perm == perm) {
			run_n++;
			continue;
		}
		if (run_n && (r = protect_run(run_lo, run_n, run_perm)) < 0)
			return r;
		run_n = 0;
		if (e && (e & SH_WRITE)) {
			run_lo = i;
			run_n = 1;
			run_perm = perm;
		}
	}
	if (run_n && (r = protect_run(run_lo, run_n, run_perm)) < 0)
		return r;
	return flush_maps(child, &nv);
}

/* Call fn(va) for every shadow page we have (fork copies them). */
long
px_mem_each_shadow(long (*fn)(uint64_t va))
{
	uint64_t s;
	long r;

	for (s = 0; s < ARENA_PAGES / PER_SHADOW; s++)
		if ((present[s / 8] >> (s % 8) & 1) &&
		    (r = fn(SHADOW_VA + s * PG)) < 0)
			return r;
	return 0;
}

int
px_mem_is_shadow(uint64_t va)
{
	return va >= SHADOW_VA && va < SHADOW_VA + ARENA_PAGES * 8;
}

/*
 * copy is the child's copy of one of our shadow pages, not yet mapped in
 * it.  A hidden (PROT_NONE) page is mapped nowhere, so it cannot be
 * shared (nothing would count the child's use of it): give the child a
 * copy of its contents in a page the child owns, hidden in it too.
 * 0, or -ENOMEM.
 */
long
px_mem_fix_child(uint64_t *copy, uint64_t child)
{
	uint64_t k, ppn;
	int64_t np;
	long r = 0;

	for (k = 0; k < PER_SHADOW && r == 0; k++) {
		if (!(copy[k] & SH_HIDDEN) || !(copy[k] & SH_PPN1) ||
		    (copy[k] & SH_MSHARED))
			continue;
		ppn = (copy[k] & SH_PPN1) - 1;
		copy[k] &= ~SH_PPN1;            /* a reservation if we fail */
		if ((np = sys_page_alloc_for(XOK_PPN_ANY, 0, child, 0)) < 0)
			return -ENOMEM;
		if (sys_page_map(XOK_SELF, COPY_VA, (uint64_t)np,
		    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0 ||
		    sys_page_map(XOK_SELF, COPY_VA + PG, ppn, XOK_PTE_NX, 0,
		    0) < 0)
			r = -ENOMEM;
		else {
			memcpy((void *)COPY_VA, (const void *)(COPY_VA + PG),
			    PG);
			copy[k] |= (uint64_t)np + 1;
		}
		sys_page_unmap(XOK_SELF, COPY_VA, 0);
		sys_page_unmap(XOK_SELF, COPY_VA + PG, 0);
		if (r < 0)
			sys_page_free((uint64_t)np, 0);
	}
	return r;
}

/* execve, past its point of no return: every page of the arena and of
 * the shadow goes back to the kernel (the new image starts afresh). */
void
px_mem_release(void)
{
	uint64_t s;

	unmap_pages(0, ARENA_PAGES);
	for (s = 0; s < ARENA_PAGES / PER_SHADOW; s++)
		if (present[s / 8] >> (s % 8) & 1)
			sys_page_unmap(XOK_SELF, SHADOW_VA + s * PG, 0);
	while (nshpg)
		sys_page_free(shpg[--nshpg], 0);
}
