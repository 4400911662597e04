/*
 * cap.c: hierarchical capabilities, as in Xok.  A capability names a
 * point in a tree of names; it dominates every name below it.  Every
 * resource (page, environment, slice, IPC entry) is guarded by a name,
 * and a kernel call names the slot of the capability it uses.
 */
#include "cap.h"

int
cap_dominates(const struct xok_cap *a, const struct xok_cap *b)
{
	if (!a->valid || !b->valid)
		return 0;
	if (a->len > XOK_CAP_NAMELEN || b->len > XOK_CAP_NAMELEN)
		return 0;
	if (a->len > b->len)
		return 0;
	return __builtin_memcmp(a->name, b->name, a->len) == 0;
}

int
cap_allows(const struct xok_cap *held, const struct xok_cap *guard,
    unsigned rights)
{
	if ((held->rights & rights) != rights)
		return 0;
	return cap_dominates(held, guard);
}

int
cap_derive_check(const struct xok_cap *src, const struct xok_cap *derived)
{
	if (!derived->valid || derived->len > XOK_CAP_NAMELEN ||
	    (derived->rights & ~XOK_CAP_ALL) != 0)
		return -XE_INVAL;
	if (!src->valid)
		return -XE_NOCAP;
	if (!cap_dominates(src, derived))
		return -XE_PERM;
	if ((derived->rights & ~src->rights) != 0)
		return -XE_PERM;
	return 0;
}

void
cap_make(struct xok_cap *c, const uint8_t *name, unsigned len, unsigned rights)
{
	unsigned i;

	c->valid = 1;
	c->len = (uint8_t)(len > XOK_CAP_NAMELEN ? XOK_CAP_NAMELEN : len);
	c->rights = (uint8_t)rights;
	c->pad = 0;
	for (i = 0; i < XOK_CAP_NAMELEN; i++)
		c->name[i] = i < c->len ? name[i] : 0;
}
