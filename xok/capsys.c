/*
 * capsys.c: the kernel calls on an environment's capability list:
 * CAP_GRANT, CAP_GET, CAP_DROP.  (Listed in xok/syscalls.master;
 * documented in docs/KERNEL-INTERFACE.md.)
 */
#include "kern.h"

int64_t
sys_cap_grant(uint64_t envid, uint64_t envslot, uint64_t src, uint64_t dst,
    uaddr_t ucap)
{
	struct xok_cap *s, n;
	struct env *e;
	int err;

	if ((err = cap_slot(src, &s)) < 0)
		return err;
	if (dst >= XOK_NCAPS)
		return -XE_NOCAP;
	if ((err = copyin(curenv, &n, ucap, sizeof(n))) < 0)
		return err;
	if ((err = cap_derive_check(s, &n)) < 0)
		return err;
	if ((err = env_control(envid, envslot, &e)) < 0)
		return err;
	n.pad = 0;
	e->caps[dst] = n;
	return 0;
}

int64_t
sys_cap_get(uint64_t slot, uaddr_t ucap)
{
	if (slot >= XOK_NCAPS)
		return -XE_NOCAP;
	return copyout(curenv, ucap, &curenv->caps[slot], sizeof(struct xok_cap));
}

int64_t
sys_cap_drop(uint64_t slot)
{
	struct xok_cap *cap;
	int err;

	if ((err = cap_slot(slot, &cap)) < 0)
		return err;
	memset(cap, 0, sizeof(*cap));
	return 0;
}
