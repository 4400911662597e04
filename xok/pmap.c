/*
 * pmap.c: physical memory and page tables.  The libOS names physical
 * pages and virtual addresses; the kernel checks the binding once, when
 * the page-table entry is written (secure binding), and keeps only the
 * page-table pages themselves.  Also: the exported state region mapped
 * read-only in every environment, and safe access to user memory.
 */
#include "kern.h"

#define PTE_ADDR 0x000ffffffffff000ULL
#define PX(level, va) (((va) >> (12 + 9 * (level))) & 511)
#define INFO_SLOT 255                   /* PML4 slot of XOK_INFO_VA */

struct pages pages;
struct xok_info *info;
static uint64_t info_pdpt_pa;
static struct xok_cap kernel_guard = { .valid = 1, .len = 1,
	.rights = 0, .name = { 0xfe } };

int64_t
kpage_alloc(void)
{
	int64_t ppn = pages_alloc(&pages, XOK_PPN_ANY, PAGE_OWNER_KERNEL,
	    &kernel_guard);

	if (ppn >= 0)
		memset(KADDR(ppn * PGSIZE), 0, PGSIZE);
	return ppn;
}

static void
kpage_free(uint64_t pa)
{
	pages_free(&pages, pa / PGSIZE);
}

/* Find the entry for va, creating missing tables when asked. */
static uint64_t *
walk(uint64_t *pml4, uint64_t va, int create)
{
	uint64_t *table = pml4;
	int level;

	for (level = 3; level > 0; level--) {
		uint64_t *e = &table[PX(level, va)];

		if (!(*e & PTE_P)) {
			int64_t ppn;

			if (!create || (ppn = kpage_alloc()) < 0)
				return NULL;
			*e = (uint64_t)ppn * PGSIZE | PTE_P | PTE_W | PTE_U;
		}
		table = KADDR(*e & PTE_ADDR);
	}
	return &table[PX(0, va)];
}

void
pmap_init(uint64_t mem_bytes, uint64_t reserved_end)
{
	uint64_t npages, region, region_size, guard_off, p;
	int64_t ppn;

	if (mem_bytes > (4ULL << 30))
		mem_bytes = 4ULL << 30;         /* the direct map's reach */
	npages = mem_bytes / PGSIZE;
	region = ROUNDUP(reserved_end, PGSIZE);
	guard_off = ROUNDUP(XOK_INFO_PAGES_OFF +
	    npages * sizeof(struct xok_page_info), PGSIZE);
	region_size = ROUNDUP(guard_off + npages * sizeof(struct xok_cap),
	    PGSIZE);
	if (region + region_size + (64 << 10) > mem_bytes)
		panic("not enough memory (%lu bytes)", mem_bytes);
	memset(KADDR(region), 0, region_size);
	info = KADDR(region);
	pages_init(&pages, KADDR(region + XOK_INFO_PAGES_OFF),
	    KADDR(region + guard_off), npages, &info->nfree);
	info->npages = npages;
	for (p = 0; p < (region + region_size) / PGSIZE; p++)
		pages_reserve(&pages, p);

	/* The exported region (not the guards), read-only, at slot 255. */
	if ((ppn = kpage_alloc()) < 0)
		panic("pmap_init: no memory");
	info_pdpt_pa = (uint64_t)ppn * PGSIZE;
	if (pmap_export(0, region, guard_off) < 0)
		panic("pmap_init: no memory");

	kern_pml4[0] = 0;                       /* drop the boot identity map */
	lcr3(PADDR(kern_pml4));
}

/*
 * Map [pa, pa + len) read-only and no-execute at XOK_INFO_VA + off in
 * every environment: the exported region's page tables are shared, so
 * this is done once, at boot, before any environment runs.
 */
int
pmap_export(uint64_t off, uint64_t pa, uint64_t len)
{
	uint64_t *t, *e, va;
	int64_t ppn;
	int level;

	if (off % PGSIZE || pa % PGSIZE || off + len > (1ULL << 39) ||
	    off + len < off)
		return -XE_INVAL;
	for (va = off; va < off + len; va += PGSIZE) {
		t = KADDR(info_pdpt_pa);
		for (level = 2; level > 0; level--) {
			e = &t[PX(level, va)];
			if (!(*e & PTE_P)) {
				if ((ppn = kpage_alloc()) < 0)
					return -XE_NOMEM;
				*e = (uint64_t)ppn * PGSIZE | PTE_P | PTE_U;
			}
			t = KADDR(*e & PTE_ADDR);
		}
		t[PX(0, va)] = (pa + va - off) | PTE_P | PTE_U | XOK_PTE_NX;
	}
	return 0;
}

int
pmap_env_setup(struct env *e)
{
	int64_t ppn = kpage_alloc();
	int i;

	if (ppn < 0)
		return -XE_NOMEM;
	e->pml4 = KADDR(ppn * PGSIZE);
	for (i = 256; i < 512; i++)
		e->pml4[i] = kern_pml4[i];
	e->pml4[INFO_SLOT] = info_pdpt_pa | PTE_P | PTE_U;
	return 0;
}

/*
 * Visit every present leaf entry of e's user half (not the shared
 * exported region); with free_tables, free the table pages afterwards.
 */
static void
for_each_pte(struct env *e, int free_tables,
    void (*fn)(uint64_t *pte, void *arg), void *arg)
{
	int i, j, k, l;

	for (i = 0; i < INFO_SLOT; i++) {
		uint64_t *pdpt;

		if (!(e->pml4[i] & PTE_P))
			continue;
		pdpt = KADDR(e->pml4[i] & PTE_ADDR);
		for (j = 0; j < 512; j++) {
			uint64_t *pd;

			if (!(pdpt[j] & PTE_P))
				continue;
			pd = KADDR(pdpt[j] & PTE_ADDR);
			for (k = 0; k < 512; k++) {
				uint64_t *pt;

				if (!(pd[k] & PTE_P))
					continue;
				pt = KADDR(pd[k] & PTE_ADDR);
				for (l = 0; l < 512; l++)
					if (pt[l] & PTE_P)
						fn(&pt[l], arg);
				if (free_tables)
					kpage_free(pd[k] & PTE_ADDR);
			}
			if (free_tables)
				kpage_free(pdpt[j] & PTE_ADDR);
		}
		if (free_tables)
			kpage_free(e->pml4[i] & PTE_ADDR);
	}
}

static void
drop_pte(uint64_t *pte, void *arg)
{
	(void)arg;
	pages_unref(&pages, (*pte & PTE_ADDR) / PGSIZE);
}

/* Drop every user mapping and free the page-table pages. */
void
pmap_env_free(struct env *e)
{
	if (!e->pml4)
		return;
	for_each_pte(e, 1, drop_pte, NULL);
	if (rcr3() == PADDR(e->pml4))
		lcr3(PADDR(kern_pml4));
	kpage_free(PADDR(e->pml4));
	e->pml4 = NULL;
}

int
pmap_map(struct env *e, uint64_t va, uint64_t ppn, uint64_t perm)
{
	uint64_t *pte;
	int err;

	if ((err = pages_ref(&pages, ppn)) < 0)
		return err;
	if (!(pte = walk(e->pml4, va, 1))) {
		pages_unref(&pages, ppn);
		return -XE_NOMEM;
	}
	if (*pte & PTE_P)
		pages_unref(&pages, (*pte & PTE_ADDR) / PGSIZE);
	*pte = ppn * PGSIZE | PTE_P | PTE_U | (perm & XOK_PTE_PERM);
	if (rcr3() == PADDR(e->pml4))
		invlpg(va);
	return 0;
}

int
pmap_unmap(struct env *e, uint64_t va)
{
	uint64_t *pte = walk(e->pml4, va, 0);

	if (!pte || !(*pte & PTE_P))
		return -XE_NOENT;
	pages_unref(&pages, (*pte & PTE_ADDR) / PGSIZE);
	*pte = 0;
	if (rcr3() == PADDR(e->pml4))
		invlpg(va);
	return 0;
}

int
user_range_ok(uint64_t va, uint64_t len)
{
	return va < XOK_UVA_END && len <= XOK_UVA_END - va;
}

/* Kernel address of user va in e, if mapped with the access asked. */
static void *
uva2kva(struct env *e, uint64_t va, int write)
{
	uint64_t *pte = walk(e->pml4, va, 0);

	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U))
		return NULL;
	if (write && !(*pte & PTE_W))
		return NULL;
	return (char *)KADDR(*pte & PTE_ADDR) + va % PGSIZE;
}

static int
copy_user(struct env *e, void *kbuf, uint64_t uva, uint64_t len, int out)
{
	char *k = kbuf;

	if (!user_range_ok(uva, len))
		return -XE_FAULT;
	/* Check every page before touching any: all or nothing. */
	for (uint64_t va = uva & ~(PGSIZE - 1); va < uva + len; va += PGSIZE)
		if (!uva2kva(e, va, out))
			return -XE_FAULT;
	while (len > 0) {
		uint64_t n = PGSIZE - uva % PGSIZE;
		char *u = uva2kva(e, uva, out);

		if (n > len)
			n = len;
		if (out)
			memcpy(u, k, n);
		else
			memcpy(k, u, n);
		k += n, uva += n, len -= n;
	}
	return 0;
}

int
copyin(struct env *e, void *dst, uint64_t uva, uint64_t len)
{
	return copy_user(e, dst, uva, len, 0);
}

int
copyout(struct env *e, uint64_t uva, const void *src, uint64_t len)
{
	return copy_user(e, (void *)src, uva, len, 1);
}

/* The physical page mapped at va in e: ppn or -XE_NOENT. */
int64_t
pmap_lookup(struct env *e, uint64_t va)
{
	uint64_t *pte = walk(e->pml4, va, 0);

	if (!pte || !(*pte & PTE_P))
		return -XE_NOENT;
	return (int64_t)((*pte & PTE_ADDR) / PGSIZE);
}

/* n physically contiguous, zeroed kernel pages (DMA rings, XN's arena):
 * the first ppn or -XE_NOMEM. */
int64_t
kpages_alloc_contig(uint64_t n)
{
	uint64_t start, i;

	if (n == 0)
		return -XE_INVAL;
	for (start = 1; start + n <= pages.npages; start++) {
		for (i = 0; i < n && pages_is_free(&pages, start + i); i++)
			;
		if (i < n) {
			start += i;
			continue;
		}
		for (i = 0; i < n; i++)
			pages_alloc(&pages, start + i, PAGE_OWNER_KERNEL,
			    &kernel_guard);
		memset(KADDR(start * PGSIZE), 0, n * PGSIZE);
		return (int64_t)start;
	}
	return -XE_NOMEM;
}

void
kpages_free(uint64_t ppn, uint64_t n)
{
	while (n-- > 0)
		pages_free(&pages, ppn + n);
}

/*
 * Remove every mapping of ppn from every environment but `keep` (0: from
 * all).  Used when a page stops being shared read-only through XN's
 * cache: the others' read-only views go with it.  Scans page tables; it
 * is rare (cache eviction).
 */
static void
revoke_pte(uint64_t *pte, void *arg)
{
	if ((*pte & PTE_ADDR) / PGSIZE == *(uint64_t *)arg) {
		*pte = 0;
		pages_unref(&pages, *(uint64_t *)arg);
	}
}

void
pmap_revoke_page(uint64_t ppn, uint32_t keep)
{
	int n;

	for (n = 0; n < XOK_NENV; n++) {
		struct env *e = &envs[n];

		if (e->state == XOK_ENV_FREE || !e->pml4 || e->id == keep)
			continue;
		for_each_pte(e, 0, revoke_pte, &ppn);
		if (e == curenv)
			lcr3(rcr3());           /* flush our own view */
	}
}
