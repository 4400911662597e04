/*
 * pagebatch.c: the batched page calls.  A libOS that builds a heap, a
 * forked child or an exec'd image binds hundreds of pages; these calls
 * bind many in one kernel entry, each page checked exactly as the
 * one-page calls check it (PAGE_ALLOC with XOK_PPN_ANY, PAGE_MAP,
 * PAGE_UNMAP).  At most XOK_PAGE_BATCH_MAX pages or entries per call,
 * because the kernel runs with interrupts off.
 *
 * What a refused call has done (docs/KERNEL-INTERFACE.md):
 *  - a malformed call (too many entries, a range outside user space, a
 *    bad vector pointer, an environment the caller does not control)
 *    does nothing;
 *  - PAGE_ALLOC_MANY and PAGE_PROTECT are all or nothing;
 *  - PAGE_MAP_MANY maps in order and stops at the first entry refused:
 *    the entries before it stay mapped, the call returns how many they
 *    are and that entry's result says why;
 *  - PAGE_UNMAP_RANGE has nothing to refuse per page (holes are
 *    skipped).
 */
#include "kern.h"

/* Staging for user vectors (the kernel runs one call at a time). */
static struct xok_page_map vec[XOK_PAGE_BATCH_MAX];
static uint64_t ppns[XOK_PAGE_BATCH_MAX];

/* Is [va, va + n pages) page-aligned and inside the mappable range? */
static int
range_ok(uint64_t va, uint64_t n)
{
	return va % PGSIZE == 0 && va >= XOK_UVA_MIN && va < XOK_UVA_MAX &&
	    n <= (XOK_UVA_MAX - va) / PGSIZE;
}

/*
 * n fresh zeroed pages owned by env, guarded by the caller's capability
 * in slot (which must carry W), their numbers written to uppns[n].  All
 * or nothing: the quota for all n is charged first, and the free count
 * checked, before any page is taken.
 */
int64_t
sys_page_alloc_many(uint64_t slot, uint64_t envid, uint64_t envslot,
    uaddr_t uppns, uint64_t n)
{
	struct xok_cap *cap;
	struct env *e;
	uint64_t i;
	int64_t r = 0;
	int err;

	if ((err = alloc_check(slot, envid, envslot, &cap, &e)) < 0)
		return err;
	if (n > XOK_PAGE_BATCH_MAX)
		return -XE_INVAL;
	if (n == 0)
		return 0;
	/* the array must take the answer: written back unchanged now */
	if ((err = copyin(curenv, ppns, uppns, n * sizeof(ppns[0]))) < 0 ||
	    (err = copyout(curenv, uppns, ppns, n * sizeof(ppns[0]))) < 0)
		return err;
	if ((err = quota_charge(e, n, 0)) < 0)
		return err;
	if (*pages.nfree < n) {
		quota_uncharge(e, n, 0);
		return -XE_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if ((r = pages_alloc(&pages, XOK_PPN_ANY, e->id, cap)) < 0)
			break;
		ppns[i] = (uint64_t)r;
		env_paid(e, ppns[i]);
		info->envs[e - envs].npages++;
	}
	if (i == n && (err = copyout(curenv, uppns, ppns,
	    n * sizeof(ppns[0]))) == 0)
		return (int64_t)n;
	/* Not reached while nothing else runs; undone all the same. */
	quota_uncharge(e, n - i, 0);
	while (i-- > 0)
		env_page_free(ppns[i]);         /* uncharges each */
	return r < 0 ? r : err;
}

/* Map one entry of PAGE_MAP_MANY in e: PAGE_MAP's checks, in its order. */
static int
map_one(struct env *e, const struct xok_page_map *m)
{
	int err;

	if (m->va % PGSIZE || m->va < XOK_UVA_MIN || m->va >= XOK_UVA_MAX ||
	    (m->perm & ~XOK_PTE_PERM))
		return -XE_INVAL;
	if ((err = map_check(m->ppn, m->perm, m->slot)) < 0)
		return err;
	return pmap_map(e, m->va, m->ppn, m->perm);
}

/*
 * Map the n entries of the caller's vector uvec into env, in order,
 * stopping at the first one refused.  Returns how many were mapped
 * (n: all).  The results of the entries looked at (those mapped and the
 * one refused) are written back; later entries are neither mapped nor
 * written.  The vector must be readable and writable, else nothing is
 * done.
 */
int64_t
sys_page_map_many(uint64_t envid, uint64_t envslot, uaddr_t uvec,
    uint64_t n)
{
	struct env *e;
	uint64_t i, len = n * sizeof(vec[0]);
	int err = 0;

	if (n > XOK_PAGE_BATCH_MAX)
		return -XE_INVAL;
	if ((err = env_control(envid, envslot, &e)) < 0)
		return err;
	if (n == 0)
		return 0;
	if ((err = copyin(curenv, vec, uvec, len)) < 0 ||
	    (err = copyout(curenv, uvec, vec, len)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = map_one(e, &vec[i])) < 0) {
			vec[i].result = err;
			break;
		}
		vec[i].result = 0;
	}
	/* Fails only if the call itself remapped the vector read-only (or
	 * away): then the results are lost, the count is not. */
	copyout(curenv, uvec, vec, (i < n ? i + 1 : n) * sizeof(vec[0]));
	return (int64_t)i;
}

/*
 * Unmap every page mapped in [va, va + n pages) of env; holes are
 * skipped.  Returns how many were unmapped.  Empty page tables are freed
 * as by PAGE_UNMAP.
 */
int64_t
sys_page_unmap_range(uint64_t envid, uint64_t va, uint64_t n,
    uint64_t envslot)
{
	struct env *e;
	uint64_t i;
	int64_t done = 0;
	int err;

	if (n > XOK_PAGE_BATCH_MAX || !range_ok(va, n))
		return -XE_INVAL;
	if ((err = env_control(envid, envslot, &e)) < 0)
		return err;
	for (i = 0; i < n; i++)
		if (pmap_unmap(e, va + i * PGSIZE) == 0)
			done++;
	return done;
}

/* Does a mapping with rights `old` gain anything by becoming `perm`? */
static int
adds_rights(uint64_t old, uint64_t perm)
{
	return ((perm & XOK_PTE_W) && !(old & XOK_PTE_W)) ||
	    (!(perm & XOK_PTE_NX) && (old & XOK_PTE_NX));
}

/*
 * Give every page mapped in [va, va + n pages) of env the rights perm
 * (XOK_PTE_W, XOK_PTE_NX); holes are skipped.  A change that adds a
 * right (W, or execution) is checked as PAGE_MAP of that page with perm
 * would be, with the capability in slots & 0xff; one that only takes
 * rights away needs no more than PAGE_UNMAP (W on env, slots >> 8).
 * All or nothing: every page is checked before any changes.  Returns
 * how many pages are mapped in the range.  A right taken away is gone
 * from the TLB when the call returns.
 */
int64_t
sys_page_protect(uint64_t envid, uint64_t va, uint64_t n, uint64_t perm,
    uint64_t slots)
{
	struct env *e;
	uint64_t i, old;
	int64_t ppn, done = 0;
	int err;

	if (n > XOK_PAGE_BATCH_MAX || !range_ok(va, n) ||
	    (perm & ~XOK_PTE_PERM))
		return -XE_INVAL;
	if ((err = env_control(envid, (slots >> 8) & 0xff, &e)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((ppn = pmap_lookup_perm(e, va + i * PGSIZE, &old)) < 0)
			continue;
		if (adds_rights(old, perm) && (err = map_check((uint64_t)ppn,
		    perm, slots & 0xff)) < 0)
			return err;
	}
	for (i = 0; i < n; i++) {
		if ((ppn = pmap_lookup_perm(e, va + i * PGSIZE, &old)) < 0)
			continue;
		done++;
		/* the same page where it is: only the rights change (and
		 * the TLB entry goes), no reference, no table */
		if (old != perm)
			(void)pmap_map(e, va + i * PGSIZE, (uint64_t)ppn, perm);
	}
	return done;
}
