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
#define PTE_XNVIEW 0x200                /* software bit: an XN_BC_MAP view */

struct pages pages;
struct xok_info *info;
static uint64_t info_pdpt_pa;
static struct xok_cap kernel_guard = { .valid = 1, .len = 1,
	.rights = 0, .name = { 0xfe } };

int64_t
kpage_alloc(void)
{
	/* pages_alloc clears every page it hands out (page_clear) */
	return pages_alloc(&pages, XOK_PPN_ANY, PAGE_OWNER_KERNEL,
	    &kernel_guard);
}

static void
kpage_free(uint64_t pa)
{
	pages_free(&pages, pa / PGSIZE);
}

/* The clear hook of the page table: every page leaves the free pool
 * zeroed, whoever gets it (an environment, a page table, the kernel). */
static void
page_clear(uint64_t ppn)
{
	memset(KADDR(ppn * PGSIZE), 0, PGSIZE);
}

/* ---- Page-table pages, charged to the environment they serve --------
 * Each table page records its present entries (k.used); the last entry
 * to go frees it, and its parent's entry with it.  A leaf table has a
 * link page (k.shadow) holding, for each of its 512 entries, the
 * previous and next entry that maps the same physical page: the reverse
 * map, whose head is the mapped page's k.rmap.  An entry is named by
 * pt_ppn * 512 + slot (0: none; page 0 is never a table).
 */
struct rlink {
	uint32_t prev, next;
};

_Static_assert(XOK_NENV <= 65536, "wenv: 16 bits of environment slot");
#define WHERE_VA(w, slot) ((uint64_t)(w) << 21 | (uint64_t)(slot) << 12)

static struct rlink *
rlink(uint32_t idx)
{
	struct rlink *l = KADDR((uint64_t)pages.k[idx / 512].shadow * PGSIZE);

	return &l[idx % 512];
}

static void
rmap_add(uint64_t pt, unsigned slot, uint64_t ppn)
{
	uint32_t idx = (uint32_t)(pt * 512 + slot), head = pages.k[ppn].rmap;
	struct rlink *l = rlink(idx);

	l->prev = 0;
	l->next = head;
	if (head)
		rlink(head)->prev = idx;
	pages.k[ppn].rmap = idx;
}

static void
rmap_del(uint64_t pt, unsigned slot, uint64_t ppn)
{
	struct rlink *l = rlink((uint32_t)(pt * 512 + slot));

	if (l->prev)
		rlink(l->prev)->next = l->next;
	else
		pages.k[ppn].rmap = l->next;
	if (l->next)
		rlink(l->next)->prev = l->prev;
	l->prev = l->next = 0;
}

/* A zeroed page charged to e (a table, its link page, a PML4). */
static int64_t
charged_page(struct env *e)
{
	int64_t ppn;
	int err;

	if ((err = quota_charge(e, 1, 0)) < 0)
		return err;
	if ((ppn = kpage_alloc()) < 0) {
		quota_uncharge(e, 1, 0);
		return ppn;
	}
	env_paid(e, (uint64_t)ppn);
	return ppn;
}

/* A table page of e at level (0: leaf, with its link page) for va. */
static int64_t
table_alloc(struct env *e, int level, uint64_t va)
{
	int64_t ppn, shadow;

	if ((ppn = charged_page(e)) < 0)
		return ppn;
	if (level == 0) {
		if ((shadow = charged_page(e)) < 0) {
			kpage_free((uint64_t)ppn * PGSIZE);
			return shadow;
		}
		pages.k[ppn].shadow = (uint32_t)shadow;
	}
	pages.k[ppn].where = (uint32_t)(va >> 21);
	pages.k[ppn].wenv = (uint16_t)(e - envs);
	return ppn;
}

static void
table_free(uint64_t ppn)
{
	if (pages.k[ppn].shadow)
		kpage_free((uint64_t)pages.k[ppn].shadow * PGSIZE);
	kpage_free(ppn * PGSIZE);       /* uncharges its payer */
}

/*
 * walk() without creating: the entry for va in e, or NULL if a table on
 * the way is missing.  *pt: the leaf table's page.  Apart from walk so
 * that the lookups (uva2kva under every copyin, PAGE_MAP's first look)
 * do not pay for the table-making code's registers: ~30 instructions a
 * lookup against walk's ~95 (scripts/kcount).
 */
KHOT static uint64_t *
find(const struct env *e, uint64_t va, uint64_t *pt)
{
	uint64_t *table = e->pml4, ent, tppn = 0;
	int level;

	for (level = 3; level > 0; level--) {
		ent = table[PX(level, va)];
		if (!(ent & PTE_P))
			return NULL;
		tppn = (ent & PTE_ADDR) / PGSIZE;
		table = KADDR(tppn * PGSIZE);
	}
	if (pt)
		*pt = tppn;
	return &table[PX(0, va)];
}

/*
 * Find the entry for va in e, creating missing tables when asked (on
 * failure *err says why, and empty tables made on the way stay until
 * prune).  *pt: the leaf table's page.
 */
KHOT static uint64_t *
walk(struct env *e, uint64_t va, int create, uint64_t *pt, int *err)
{
	uint64_t *table = e->pml4, tppn = PADDR(e->pml4) / PGSIZE;
	int level;

	for (level = 3; level > 0; level--) {
		uint64_t *ent = &table[PX(level, va)];

		if (!(*ent & PTE_P)) {
			int64_t ppn;

			if (!create)
				return NULL;
			if ((ppn = table_alloc(e, level - 1, va)) < 0) {
				*err = (int)ppn;
				return NULL;
			}
			*ent = (uint64_t)ppn * PGSIZE | PTE_P | PTE_W | PTE_U;
			pages.k[tppn].used++;
		}
		tppn = (*ent & PTE_ADDR) / PGSIZE;
		table = KADDR(tppn * PGSIZE);
	}
	if (pt)
		*pt = tppn;
	return &table[PX(0, va)];
}

/* Free the empty tables on va's path in e, from the leaf up (never the
 * PML4). */
static void
prune(struct env *e, uint64_t va)
{
	uint64_t *ent[4], tab[4];
	int level, n = 0, freed = 0;

	tab[3] = PADDR(e->pml4) / PGSIZE;
	for (level = 3; level > 0; level--) {
		uint64_t *t = KADDR(tab[level] * PGSIZE);

		ent[level] = &t[PX(level, va)];
		if (!(*ent[level] & PTE_P))
			break;
		tab[level - 1] = (*ent[level] & PTE_ADDR) / PGSIZE;
		n++;
	}
	/* tab[3 - n .. 2] are the tables below the PML4 that exist */
	for (level = 3 - n; level < 3; level++) {
		if (pages.k[tab[level]].used != 0)
			break;
		table_free(tab[level]);
		*ent[level + 1] = 0;
		pages.k[tab[level + 1]].used--;
		freed = 1;
	}
	if (freed && rcr3() == PADDR(e->pml4))
		lcr3(rcr3());           /* drop cached upper entries too */
}

void
pmap_init(uint64_t mem_bytes, uint64_t reserved_end)
{
	uint64_t npages, region, region_size, guard_off, k_off, p;
	int64_t ppn;

	if (mem_bytes > (4ULL << 30))
		mem_bytes = 4ULL << 30;         /* the direct map's reach */
	npages = mem_bytes / PGSIZE;
	region = ROUNDUP(reserved_end, PGSIZE);
	guard_off = ROUNDUP(XOK_INFO_PAGES_OFF +
	    npages * sizeof(struct xok_page_info), PGSIZE);
	k_off = ROUNDUP(guard_off + npages * sizeof(struct xok_cap), PGSIZE);
	region_size = ROUNDUP(k_off + npages * sizeof(struct page_k), PGSIZE);
	if (region + region_size + (64 << 10) > mem_bytes)
		panic("not enough memory (%lu bytes)", mem_bytes);
	memset(KADDR(region), 0, region_size);
	info = KADDR(region);
	pages_init(&pages, KADDR(region + XOK_INFO_PAGES_OFF),
	    KADDR(region + guard_off), npages, &info->nfree);
	info->npages = npages;
	pages_set_kernel(&pages, KADDR(region + k_off), page_clear,
	    env_uncharge_page);
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

/* e's PML4, charged to e (env_alloc has counted it in e's quota). */
int
pmap_env_setup(struct env *e)
{
	int64_t ppn = kpage_alloc();
	int i;

	if (ppn < 0)
		return -XE_NOMEM;
	env_paid(e, (uint64_t)ppn);
	e->pml4 = KADDR(ppn * PGSIZE);
	for (i = 256; i < 512; i++)
		e->pml4[i] = kern_pml4[i];
	e->pml4[INFO_SLOT] = info_pdpt_pa | PTE_P | PTE_U;
	return 0;
}

/* Drop every user mapping and free the page-table pages (not the shared
 * exported region).  The tables are walked once, which is the cost of
 * the address space itself. */
void
pmap_env_free(struct env *e)
{
	int i, j, k, l;

	if (!e->pml4)
		return;
	if (rcr3() == PADDR(e->pml4))
		lcr3(PADDR(kern_pml4));
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
				uint64_t *pt, ptn;

				if (!(pd[k] & PTE_P))
					continue;
				ptn = (pd[k] & PTE_ADDR) / PGSIZE;
				pt = KADDR(ptn * PGSIZE);
				for (l = 0; l < 512; l++) {
					uint64_t ppn = (pt[l] & PTE_ADDR) / PGSIZE;

					if (!(pt[l] & PTE_P))
						continue;
					rmap_del(ptn, (unsigned)l, ppn);
					pt[l] = 0;
					pages_unref(&pages, ppn);
				}
				table_free(ptn);
			}
			table_free((pdpt[j] & PTE_ADDR) / PGSIZE);
		}
		table_free((e->pml4[i] & PTE_ADDR) / PGSIZE);
		e->pml4[i] = 0;
	}
	kpage_free(PADDR(e->pml4));
	e->pml4 = NULL;
}

int
pmap_map(struct env *e, uint64_t va, uint64_t ppn, uint64_t perm)
{
	uint64_t *pte, pt;
	unsigned slot = PX(0, va);
	int err = -XE_NOMEM;

	/* The same page where it already is: only the rights change, and
	 * no new reference is taken (a page at its mapping limit keeps
	 * its entries). */
	pte = find(e, va, &pt);
	if (pte && (*pte & PTE_P) && (*pte & PTE_ADDR) == ppn * PGSIZE) {
		*pte = ppn * PGSIZE | PTE_P | PTE_U | (perm & XOK_PTE_PERM);
		if (rcr3() == PADDR(e->pml4))
			invlpg(va);
		return 0;
	}
	if ((err = pages_ref(&pages, ppn)) < 0)
		return err;
	/* The walk above found the entry if its tables exist (walking
	 * again to create nothing cost a second walk per page: PAGE_MAP_MANY
	 * spent a third of its instructions in walk). */
	if (!pte && !(pte = walk(e, va, 1, &pt, &err))) {
		pages_unref(&pages, ppn);
		prune(e, va);
		return err;
	}
	if (*pte & PTE_P) {
		uint64_t old = (*pte & PTE_ADDR) / PGSIZE;

		rmap_del(pt, slot, old);
		pages_unref(&pages, old);
	} else
		pages.k[pt].used++;
	*pte = ppn * PGSIZE | PTE_P | PTE_U | (perm & XOK_PTE_PERM);
	rmap_add(pt, slot, ppn);
	if (rcr3() == PADDR(e->pml4))
		invlpg(va);
	return 0;
}

/* Remove the entry at va of table pt in e (which maps ppn); frees the
 * table when it was its last entry. */
static void
unmap_entry(struct env *e, uint64_t va, uint64_t *pte, uint64_t pt,
    uint64_t ppn)
{
	rmap_del(pt, PX(0, va), ppn);
	*pte = 0;
	pages_unref(&pages, ppn);
	if (rcr3() == PADDR(e->pml4))
		invlpg(va);
	if (--pages.k[pt].used == 0)
		prune(e, va);
}

int
pmap_unmap(struct env *e, uint64_t va)
{
	uint64_t pt, *pte = find(e, va, &pt);

	if (!pte || !(*pte & PTE_P))
		return -XE_NOENT;
	unmap_entry(e, va, pte, pt, (*pte & PTE_ADDR) / PGSIZE);
	return 0;
}

KHOT int
user_range_ok(uint64_t va, uint64_t len)
{
	return va < XOK_UVA_END && len <= XOK_UVA_END - va;
}

/* Kernel address of user va in e, if mapped with the access asked
 * (one page-table walk; the scheduler's predicate loads use it directly,
 * copyin's checks and memcpy cost too much there). */
KHOT void *
uva2kva(struct env *e, uint64_t va, int write)
{
	uint64_t *pte = find(e, va, NULL);

	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U))
		return NULL;
	if (write && !(*pte & PTE_W))
		return NULL;
	return (char *)KADDR(*pte & PTE_ADDR) + va % PGSIZE;
}

KHOT static int
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

KHOT int
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
	uint64_t *pte = find(e, va, NULL);

	if (!pte || !(*pte & PTE_P))
		return -XE_NOENT;
	return (int64_t)((*pte & PTE_ADDR) / PGSIZE);
}

/* As pmap_lookup, and *perm gets the entry's XOK_PTE_W and XOK_PTE_NX
 * bits (PAGE_PROTECT: does a change add rights?). */
int64_t
pmap_lookup_perm(struct env *e, uint64_t va, uint64_t *perm)
{
	uint64_t *pte = find(e, va, NULL);

	if (!pte || !(*pte & PTE_P))
		return -XE_NOENT;
	*perm = *pte & XOK_PTE_PERM;
	return (int64_t)((*pte & PTE_ADDR) / PGSIZE);
}

/* n physically contiguous, zeroed kernel pages (DMA rings, XN's arena):
 * the first ppn or -XE_NOMEM.  (pages_alloc clears each.) */
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
 * all), and keep's cache views (PTE_XNVIEW) too.  Used when a page stops being shared read-only through XN's
 * cache: the others' read-only views go with it.  Follows the page's
 * reverse map: the work is the page's own mappings, not everybody's page
 * tables.  Returns the number of entries visited.
 */
uint64_t
pmap_revoke_page(uint64_t ppn, uint32_t keep)
{
	uint32_t idx, next;
	uint64_t visited = 0;

	if (ppn >= pages.npages)
		return 0;
	for (idx = pages.k[ppn].rmap; idx; idx = next) {
		uint64_t pt = idx / 512;
		unsigned slot = idx % 512;
		uint32_t where = pages.k[pt].where;
		struct env *e = &envs[pages.k[pt].wenv];
		uint64_t *pte = (uint64_t *)KADDR(pt * PGSIZE) + slot;

		next = rlink(idx)->next;
		visited++;
		if (e->id == keep && !(*pte & PTE_XNVIEW))
			continue;
		unmap_entry(e, WHERE_VA(where, slot), pte, pt, ppn);
	}
	return visited;
}

/*
 * Map ppn (a page of XN's registry) read-only and no-execute at va in e
 * as a cache view (XN_BC_MAP, xnmap.c): the entry is marked, so that
 * pmap_revoke_page removes it even from the page's owner when the
 * registry lets the page go.
 */
int
pmap_map_view(struct env *e, uint64_t va, uint64_t ppn)
{
	uint64_t *pte;
	int err;

	if ((err = pmap_map(e, va, ppn, XOK_PTE_NX)) < 0)
		return err;
	if ((pte = find(e, va, NULL)) != NULL)
		*pte |= PTE_XNVIEW;
	return 0;
}
