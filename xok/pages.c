/*
 * pages.c: who owns each physical page, how many page-table entries map
 * it, and which capability guards it.  A page is free when it has no
 * owner.  A page whose owner dies while others still map it becomes an
 * orphan and is freed with its last mapping, so sharing never leaves a
 * dangling mapping and a dying parent never pulls memory from under a
 * child it shared pages with.  A page in XN's buffer-cache registry
 * (XOK_PG_XN) is likewise kept until XN lets go of it.
 *
 * Pages are cleared when they are allocated (the clear hook, a 4 KiB
 * word-wise memset in the kernel), never on free: every way a page leaves
 * the free pool goes through pages_alloc, while it returns by many
 * (free, last unmap of an orphan, XN letting go, a death).
 */
#include "pages.h"

void
pages_init(struct pages *pg, struct xok_page_info *info, struct xok_cap *guard,
    uint64_t npages, uint64_t *nfree)
{
	uint64_t i;

	pg->info = info;
	pg->guard = guard;
	pg->npages = npages;
	pg->nfree = nfree;
	pg->hint = 0;
	for (i = 0; i < npages; i++) {
		info[i].owner = 0;
		info[i].mapcount = 0;
		info[i].flags = 0;
		guard[i].valid = 0;
	}
	*nfree = npages;
	pg->k = NULL;
	pg->clear = NULL;
	pg->uncharge = NULL;
}

void
pages_set_kernel(struct pages *pg, struct page_k *k, void (*clear)(uint64_t),
    void (*uncharge)(uint32_t))
{
	uint64_t i;

	pg->k = k;
	pg->clear = clear;
	pg->uncharge = uncharge;
	for (i = 0; k && i < pg->npages; i++)
		k[i] = (struct page_k){ 0, 0, 0, 0, 0, 0, 0 };
}

int
pages_is_free(const struct pages *pg, uint64_t ppn)
{
	return ppn < pg->npages && pg->info[ppn].owner == 0;
}

void
pages_reserve(struct pages *pg, uint64_t ppn)
{
	if (ppn >= pg->npages)
		return;
	if (pg->info[ppn].owner == 0)
		(*pg->nfree)--;
	pg->info[ppn].owner = PAGE_OWNER_KERNEL;
	pg->info[ppn].flags = XOK_PG_KERNEL;
}

/* The mappings of ppn: the kernel's 32-bit count (struct page_k), or
 * without the kernel records (host tests) the exported one. */
uint32_t
pages_maps(const struct pages *pg, uint64_t ppn)
{
	if (ppn >= pg->npages)
		return 0;
	return pg->k ? pg->k[ppn].maps : pg->info[ppn].mapcount;
}

/* Set the count; the exported mapcount saturates at UINT16_MAX. */
static void
set_maps(struct pages *pg, uint64_t ppn, uint32_t n)
{
	if (pg->k)
		pg->k[ppn].maps = n;
	pg->info[ppn].mapcount = n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

int64_t
pages_alloc(struct pages *pg, uint64_t ppn, uint32_t owner,
    const struct xok_cap *guard)
{
	uint64_t i;

	if (owner == 0)
		return -XE_INVAL;
	if (ppn == XOK_PPN_ANY) {
		/* Out of memory is the common case under exhaustion: answer
		 * it without scanning every page (interrupts are off). */
		if (*pg->nfree == 0)
			return -XE_NOMEM;
		for (i = 0; i < pg->npages; i++) {
			uint64_t p = (pg->hint + i) % pg->npages;
			if (pg->info[p].owner == 0) {
				ppn = p;
				break;
			}
		}
		if (ppn == XOK_PPN_ANY)
			return -XE_NOMEM;
		pg->hint = ppn + 1;
	}
	if (ppn >= pg->npages)
		return -XE_RANGE;
	if (pg->info[ppn].owner != 0)
		return -XE_BUSY;
	pg->info[ppn].owner = owner;
	set_maps(pg, ppn, 0);
	pg->info[ppn].flags = owner == PAGE_OWNER_KERNEL ? XOK_PG_KERNEL : 0;
	pg->guard[ppn] = *guard;
	(*pg->nfree)--;
	if (pg->clear)
		pg->clear(ppn);
	return (int64_t)ppn;
}

int
pages_give(struct pages *pg, uint64_t ppn, uint32_t owner,
    const struct xok_cap *guard)
{
	if (ppn >= pg->npages)
		return -XE_RANGE;
	if (pg->info[ppn].owner != PAGE_OWNER_KERNEL || owner == 0 ||
	    pg->info[ppn].mapcount != 0)
		return -XE_BUSY;
	pg->info[ppn].owner = owner;
	pg->info[ppn].flags = 0;
	pg->guard[ppn] = *guard;
	return 0;
}

static void
release(struct pages *pg, uint64_t ppn)
{
	pg->info[ppn].owner = 0;
	pg->info[ppn].flags = 0;
	pg->guard[ppn].valid = 0;
	(*pg->nfree)++;
	if (pg->k) {
		uint32_t payer = pg->k[ppn].payer;

		pg->k[ppn] = (struct page_k){ 0, 0, 0, 0, 0, 0, 0 };
		if (payer && pg->uncharge)
			pg->uncharge(payer);
	}
}

int
pages_free(struct pages *pg, uint64_t ppn)
{
	if (ppn >= pg->npages)
		return -XE_RANGE;
	if (pg->info[ppn].owner == 0)
		return -XE_NOENT;
	if (pg->info[ppn].mapcount != 0 || (pg->info[ppn].flags & XOK_PG_XN))
		return -XE_BUSY;
	release(pg, ppn);
	return 0;
}

/* The page caches a disk block for XN (or stops doing so). */
void
pages_set_xn(struct pages *pg, uint64_t ppn, int on)
{
	struct xok_page_info *p;

	if (ppn >= pg->npages || pg->info[ppn].owner == 0)
		return;
	p = &pg->info[ppn];
	if (on) {
		p->flags |= XOK_PG_XN;
		return;
	}
	p->flags &= ~XOK_PG_XN;
	if (p->mapcount == 0 && (p->flags & XOK_PG_ORPHAN))
		release(pg, ppn);
}

int
pages_ref(struct pages *pg, uint64_t ppn)
{
	uint32_t n;

	if (ppn >= pg->npages || pg->info[ppn].owner == 0)
		return -XE_NOENT;
	n = pages_maps(pg, ppn);
	if (n == (pg->k ? UINT32_MAX : UINT16_MAX))
		return -XE_NOMEM;
	set_maps(pg, ppn, n + 1);
	return 0;
}

void
pages_unref(struct pages *pg, uint64_t ppn)
{
	struct xok_page_info *p;
	uint32_t n;

	if (ppn >= pg->npages)
		return;
	p = &pg->info[ppn];
	if ((n = pages_maps(pg, ppn)) == 0)
		return;
	set_maps(pg, ppn, n - 1);
	if (n == 1 && (p->flags & XOK_PG_ORPHAN) && !(p->flags & XOK_PG_XN))
		release(pg, ppn);
}

void
pages_owner_died(struct pages *pg, uint32_t owner)
{
	pages_env_died(pg, owner, 0);
}

void
pages_env_died(struct pages *pg, uint32_t owner, uint32_t heir)
{
	pages_env_died_in(pg, owner, heir, 0, pg->npages);
}

void
pages_env_died_in(struct pages *pg, uint32_t owner, uint32_t heir,
    uint64_t lo, uint64_t hi)
{
	uint64_t i;

	if (owner == 0 || owner == PAGE_OWNER_KERNEL)
		return;
	if (hi > pg->npages)
		hi = pg->npages;
	for (i = lo; i < hi; i++) {
		struct xok_page_info *p = &pg->info[i];

		if (p->owner == owner) {
			if (p->mapcount == 0 && !(p->flags & XOK_PG_XN)) {
				release(pg, i);
				continue;
			}
			p->flags |= XOK_PG_ORPHAN;
		}
		/* What lives on (its orphans, and orphans it had inherited)
		 * is charged to the heir. */
		if (pg->k && pg->k[i].payer == owner)
			pg->k[i].payer = heir;
	}
}
