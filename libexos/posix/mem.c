/*
 * mem.c: brk, mmap, munmap and mprotect for anonymous memory, with
 * Linux's errors.  The libOS manages one arena of the address space
 * (1 TiB at ARENA_LO: the brk heap at its bottom, mmap above); every
 * page of it has an entry in a shadow array, itself mapped on demand,
 * that says whether the page is in use and which physical page backs
 * it, so munmap can give pages back to the kernel.  Pages are
 * allocated and mapped when mapped (no lazy fault-in yet), zeroed by
 * the kernel.  MAP_SHARED anonymous memory is private until ExOS has
 * fork; file mappings come with files.
 */
#include <sys/mman.h>
#include <stdint.h>
#include "posix.h"

#define PG              XOK_PGSIZE
#define ARENA_LO        0x0000200000000000UL
#define ARENA_PAGES     (1UL << 28)             /* 1 TiB */
#define ARENA_HI        (ARENA_LO + ARENA_PAGES * PG)
#define BRK_MAX         (1UL << 30)             /* the brk heap: 1 GiB */
#define MMAP_LO         (ARENA_LO + BRK_MAX)
#define SHADOW_VA       0x0000300000000000UL    /* ARENA_PAGES entries */
#define PER_SHADOW      (PG / sizeof(uint64_t)) /* entries per shadow page */

/* A shadow entry: 0 free; else USED, the physical page + 1 (0: none
 * yet, a PROT_NONE reservation) and HIDDEN if that page is not mapped
 * (PROT_NONE). */
#define SH_USED         (1UL << 63)
#define SH_HIDDEN       (1UL << 62)
#define SH_PPN1         ((1UL << 52) - 1)

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
pte_perm(long prot)
{
	return ((prot & PROT_WRITE) ? XOK_PTE_W : 0) |
	    ((prot & PROT_EXEC) ? 0 : XOK_PTE_NX);
}

/* Give page i a fresh page mapped with prot (none: reserve only). */
static long
page_new(uint64_t i, long prot)
{
	int64_t ppn, r;

	if (sh_need(i) < 0)
		return -ENOMEM;
	if (prot == PROT_NONE) {
		shadow[i] = SH_USED;
		return 0;
	}
	if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
		return -ENOMEM;
	if ((r = sys_page_map(XOK_SELF, va_of(i), (uint64_t)ppn,
	    pte_perm(prot), 0, 0)) < 0) {
		sys_page_free((uint64_t)ppn, 0);
		return -ENOMEM;
	}
	shadow[i] = SH_USED | ((uint64_t)ppn + 1);
	return 0;
}

static void
page_drop(uint64_t i)
{
	uint64_t e = sh_get(i);

	if (!e)
		return;
	if (e & SH_PPN1) {
		if (!(e & SH_HIDDEN))
			sys_page_unmap(XOK_SELF, va_of(i), 0);
		sys_page_free((e & SH_PPN1) - 1, 0);
	}
	shadow[i] = 0;
}

static void
unmap_pages(uint64_t lo, uint64_t n)
{
	uint64_t i = lo, end = lo + n;

	while (i < end) {
		if (!is_present(i)) {
			i = (i / PER_SHADOW + 1) * PER_SHADOW;
			continue;
		}
		page_drop(i++);
	}
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
	if (!(flags & MAP_ANONYMOUS))
		return (a5 >= 0 && a5 <= 2) ? -ENODEV : -EBADF;
	if (len > ARENA_PAGES * PG)
		return -ENOMEM;
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
	for (i = lo; i < lo + n; i++) {
		e = shadow[i];
		if (prot == PROT_NONE) {
			if ((e & SH_PPN1) && !(e & SH_HIDDEN)) {
				sys_page_unmap(XOK_SELF, va_of(i), 0);
				shadow[i] = e | SH_HIDDEN;
			}
		} else if (!(e & SH_PPN1)) {
			if (page_new(i, prot) < 0)
				return -ENOMEM;
		} else {
			if (sys_page_map(XOK_SELF, va_of(i), (e & SH_PPN1) - 1,
			    pte_perm(prot), 0, 0) < 0)
				return -ENOMEM;
			shadow[i] = e & ~SH_HIDDEN;
		}
	}
	return 0;
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
