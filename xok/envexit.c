/*
 * envexit.c: exit notices.  When an environment dies, env_destroy asks
 * here what becomes of its slot.  Every death is written into the
 * exported table (exit code, reason, who destroyed it) and counted in
 * the parent's exported child_exits, a counter a parent sleeps on with
 * a wake-up predicate, and in the machine's env_exits (any death).  A child its parent asked for (ENV_SET_NOTICE)
 * stays behind as a zombie: its slot, and so its id and its record,
 * are kept until the parent collects it (ENV_REAP), however late.  A
 * zombie holds no pages, no slices and no address space; it is still
 * one environment in its parent's quota (so a parent that never
 * collects runs out of its own quota, not the machine's table), and
 * the parent's death frees all its zombies.  docs/ARCHITECTURE.md,
 * "Exit notices".
 */
#include "kern.h"

/* Would e's death leave a zombie?  Its parent must be alive (not a
 * zombie itself) and still pay for it (its quota parent: true while the
 * parent lives). */
int
exit_kept(struct env *e)
{
	struct env *p;

	if (!e->notice || !(p = env_lookup(e->parent)) || p == e)
		return 0;
	return p->id == e->qparent;
}

static void
zombie_link(struct env *p, struct env *z)
{
	z->znext = NULL;
	if (p->zlast)
		p->zlast->znext = z;
	else
		p->zfirst = z;
	p->zlast = z;
	info->envs[p - envs].nzombies++;
}

static void
zombie_unlink(struct env *p, struct env *z)
{
	struct env **pp, *prev = NULL;

	for (pp = &p->zfirst; *pp && *pp != z; pp = &(*pp)->znext)
		prev = *pp;
	if (!*pp)
		return;
	*pp = z->znext;
	if (p->zlast == z)
		p->zlast = prev;
	z->znext = NULL;
	info->envs[p - envs].nzombies--;
}

/* Free zombie z of p: its slot goes back and p's quota (and every
 * ancestor's) counts one environment less.  The exported record stays
 * until the slot is reused, as for any dead environment. */
static void
zombie_free(struct env *p, struct env *z)
{
	zombie_unlink(p, z);
	z->state = XOK_ENV_FREE;
	info->envs[z - envs].state = XOK_ENV_FREE;
	quota_uncharge(p, 0, 1);
}

/* parent is dying: nobody will collect its zombies. */
void
exit_zombies_free(struct env *parent)
{
	while (parent->zfirst)
		zombie_free(parent, parent->zfirst);
}

/*
 * The end of env_destroy: write why e died and what killed it, tell its
 * parent, and leave e FREE or (keep, from exit_kept before e's pages
 * went) a ZOMBIE.  Codes below XOK_EXIT_FAULT come only from
 * ENV_DESTROY, made by curenv: by e itself an exit, by another a kill.
 */
void
exit_notice(struct env *e, uint64_t why, int keep)
{
	struct xok_env_info *ei = &info->envs[e - envs];
	struct env *p = env_lookup(e->parent);

	ei->exit_code = why;
	if (why >= XOK_EXIT_FAULT) {
		ei->exit_reason = XOK_EXITR_FAULT;
		ei->exit_by = 0;
	} else if (curenv == e) {
		ei->exit_reason = XOK_EXITR_EXIT;
		ei->exit_by = e->id;
	} else {
		ei->exit_reason = XOK_EXITR_KILLED;
		ei->exit_by = curenv ? curenv->id : 0;
	}
	if (p && p != e)
		info->envs[p - envs].child_exits++;
	info->env_exits++;
	if (keep && p && p != e) {
		e->state = XOK_ENV_ZOMBIE;
		e->env_used = 1;                /* itself, in p's quota */
		e->page_used = 0;
		ei->env_used = 1;
		ei->page_used = 0;
		zombie_link(p, e);
	} else
		e->state = XOK_ENV_FREE;
	ei->state = e->state;
}

/* ---- The calls ------------------------------------------------------- */

/* Keep (on = 1) or not (0) the exit record of env, a child of the
 * caller, until the caller collects it. */
int64_t
sys_env_set_notice(uint64_t envid, uint64_t slot, uint64_t on)
{
	struct env *e;
	int err;

	if (on > 1)
		return -XE_INVAL;
	if (!(e = env_lookup(envid)))
		return -XE_NOENT;
	if (e == curenv || e->parent != curenv->id)
		return -XE_PERM;        /* only the parent, which collects */
	if ((err = cap_check(slot, &e->guard, XOK_CAP_W)) < 0)
		return err;
	e->notice = (int)on;
	info->envs[e - envs].notice = (uint32_t)on;
	return 0;
}

/* Collect a zombie child of the caller (envid, or XOK_REAP_ANY: the
 * oldest): copy its record to uout (unless 0) and free it.  Returns its
 * id.  Nothing is freed unless the record could be written. */
int64_t
sys_env_reap(uint64_t envid, uaddr_t uout)
{
	struct xok_exit x;
	struct env *z;
	int err;

	if (envid == XOK_REAP_ANY) {
		if (!(z = curenv->zfirst))
			return -XE_NOENT;
	} else {
		if (envid > 0xffffffffULL)
			return -XE_NOENT;
		z = &envs[XOK_ENVX(envid)];
		if (z->state == XOK_ENV_FREE || z->id != envid)
			return -XE_NOENT;
		if (z->parent != curenv->id || z == curenv)
			return -XE_PERM;
		if (z->state != XOK_ENV_ZOMBIE)
			return -XE_BUSY;        /* our child, still alive */
	}
	if (uout) {
		const struct xok_env_info *ei = &info->envs[z - envs];

		memset(&x, 0, sizeof(x));
		x.id = z->id;
		x.parent = z->parent;
		x.code = ei->exit_code;
		x.by = ei->exit_by;
		x.reason = ei->exit_reason;
		if ((err = copyout(curenv, uout, &x, sizeof(x))) < 0)
			return err;
	}
	zombie_free(curenv, z);
	return z->id;
}
