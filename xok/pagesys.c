/*
 * pagesys.c: the kernel calls on physical pages and mappings:
 * PAGE_ALLOC, PAGE_FREE, PAGE_MAP, PAGE_UNMAP, PAGE_GUARD.  (Listed in
 * xok/syscalls.master; documented in docs/KERNEL-INTERFACE.md.)
 */
#include "kern.h"

int64_t
sys_page_alloc(uint64_t ppn, uint64_t slot, uint64_t envid, uint64_t envslot)
{
	struct xok_cap *cap;
	struct env *e;
	int err;

	if ((err = alloc_check(slot, envid, envslot, &cap, &e)) < 0)
		return err;
	return env_page_alloc(e, ppn, cap);
}

int64_t
sys_page_free(uint64_t ppn, uint64_t slot)
{
	int err;

	if ((err = page_check(ppn, slot, XOK_CAP_W, 0)) < 0)
		return err;
	return env_page_free(ppn);
}

int64_t
sys_page_map(uint64_t envid, uint64_t va, uint64_t ppn, uint64_t perm,
    uint64_t slots)
{
	struct env *e;
	int err;

	if (va % PGSIZE || va < XOK_UVA_MIN || va >= XOK_UVA_MAX ||
	    (perm & ~XOK_PTE_PERM))
		return -XE_INVAL;
	if ((err = env_control(envid, (slots >> 8) & 0xff, &e)) < 0)
		return err;
	if ((err = map_check(ppn, perm, slots & 0xff)) < 0)
		return err;
	return pmap_map(e, va, ppn, perm);
}

int64_t
sys_page_unmap(uint64_t envid, uint64_t va, uint64_t envslot)
{
	struct env *e;
	int err;

	if (va % PGSIZE || va < XOK_UVA_MIN || va >= XOK_UVA_MAX)
		return -XE_INVAL;
	if ((err = env_control(envid, envslot, &e)) < 0)
		return err;
	return pmap_unmap(e, va);
}

int64_t
sys_page_guard(uint64_t ppn, uint64_t slot, uint64_t newslot)
{
	struct xok_cap *g;
	int err;

	if ((err = page_check(ppn, slot, XOK_CAP_W, 0)) < 0)
		return err;
	if (pages.info[ppn].flags & XOK_PG_XN)
		return -XE_BUSY;
	if ((err = cap_slot(newslot, &g)) < 0)
		return err;
	pages.guard[ppn] = *g;
	return 0;
}
