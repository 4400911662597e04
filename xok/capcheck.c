/*
 * capcheck.c: the capability checks every kernel call makes, once each:
 * a slot of the caller's list, a slot against a guard, control of an
 * environment, use of a physical page and the machine guard.  Each
 * returns 0 or the -XE_* the call returns.  (The pure logic, dominance
 * and derivation, is cap.c.)
 */
#include "kern.h"

/* Guard of machine-wide operations: only the root dominates it. */
static const struct xok_cap machine_guard = { .valid = 1, .len = 1,
	.name = { XOK_CAPNAME_MACHINE } };

/* The caller's capability in slot: -XE_NOCAP if out of range or empty. */
int
cap_slot(uint64_t slot, struct xok_cap **c)
{
	if (slot >= XOK_NCAPS || !curenv->caps[slot].valid)
		return -XE_NOCAP;
	*c = &curenv->caps[slot];
	return 0;
}

/* Does the caller's capability in slot allow rights on guard? */
int
cap_check(uint64_t slot, const struct xok_cap *guard, unsigned rights)
{
	struct xok_cap *c;
	int err;

	if ((err = cap_slot(slot, &c)) < 0)
		return err;
	return cap_allows(c, guard, rights) ? 0 : -XE_PERM;
}

/* Boolean form. */
int
cap_slot_allows(uint64_t slot, const struct xok_cap *guard, unsigned rights)
{
	return cap_check(slot, guard, rights) == 0;
}

/* W on the machine guard (shutdown, formatting XN, raw disk I/O). */
int
cap_machine(uint64_t slot)
{
	return cap_check(slot, &machine_guard, XOK_CAP_W);
}

/* The environment id names, if the caller controls it: W on its guard
 * with the capability in slot, or none for the caller itself. */
int
env_control(uint64_t id, uint64_t slot, struct env **out)
{
	struct env *e = env_lookup(id);

	if (!e)
		return -XE_NOENT;
	*out = e;
	if (e == curenv)
		return 0;
	return cap_check(slot, &e->guard, XOK_CAP_W);
}

/*
 * May the caller use physical page ppn with rights (the capability in
 * slot against the page's guard)?  The page must exist (-XE_RANGE) and
 * be allocated (-XE_NOENT); a kernel page, or one with a flag in deny
 * (XOK_PG_XN for the calls that must not touch XN's cache), is never
 * allowed (-XE_PERM).
 */
int
page_check(uint64_t ppn, uint64_t slot, unsigned rights, unsigned deny)
{
	if (ppn >= pages.npages)
		return -XE_RANGE;
	if (pages.info[ppn].owner == 0)
		return -XE_NOENT;
	if (pages.info[ppn].flags & (XOK_PG_KERNEL | deny))
		return -XE_PERM;
	return cap_check(slot, &pages.guard[ppn], rights);
}

/*
 * May the caller map physical page ppn with perm (PAGE_MAP and every
 * batched map)?  R, and W for a writable mapping, on the page's guard
 * through slot; XN's cache pages map read-only for anyone and are never
 * writable.
 */
int
map_check(uint64_t ppn, uint64_t perm, uint64_t slot)
{
	if (ppn < pages.npages && (pages.info[ppn].flags & XOK_PG_XN))
		return (perm & XOK_PTE_W) ? -XE_PERM : 0;
	return page_check(ppn, slot, XOK_CAP_R |
	    ((perm & XOK_PTE_W) ? XOK_CAP_W : 0), 0);
}

/*
 * May the caller allocate pages for environment envid (PAGE_ALLOC,
 * PAGE_ALLOC_MANY)?  The capability in slot must carry W (it becomes
 * the pages' guard, *cap) and the caller must control envid (*e).
 */
int
alloc_check(uint64_t slot, uint64_t envid, uint64_t envslot,
    struct xok_cap **cap, struct env **e)
{
	int err;

	if ((err = cap_slot(slot, cap)) < 0)
		return err;
	if (!((*cap)->rights & XOK_CAP_W))
		return -XE_PERM;
	return env_control(envid, envslot, e);
}
