/*
 * pgrp.c: process ids, groups and sessions from the process table
 * (proc.h): getpid, gettid (one thread per process: the pid), getppid,
 * setpgid, getpgid, getpgrp, setsid, getsid, with Linux's rules and
 * errors (kernel/sys.c): setpgid only on ourselves or a child of ours
 * in our session that has not exec'd (ESRCH, EPERM, EACCES), never on
 * a session leader (EPERM), into an existing group of our session or a
 * new one named by the process's own pid (EPERM); setsid fails for a
 * process whose pid names a group (EPERM).  A zombie still counts as
 * a member of its group and session, as in Linux until it is reaped.
 */
#include "posix.h"
#include "proc.h"

void px_proc_fix(void);

long
px_getpid(PX_ARGS)
{
	struct px_proc *p = px_proc_self();

	PX_UNUSED;
	return p ? p->pid : (long)XOK_ENVX(XOK_INFO->cur_env) + 1;
}

long
px_gettid(PX_ARGS)
{
	return px_getpid(a1, a2, a3, a4, a5, a6);
}

/* The parent's pid; 0 for the first process (as Linux's init), 1 once
 * the parent has died (orphans belong to init). */
long
px_getppid(PX_ARGS)
{
	struct px_proc *p = px_proc_self();
	struct px_ptab *t = px_ptab();
	long r;

	PX_UNUSED;
	if (!p)
		return 0;
	if (p->ppid == 0 || p->ppid == 1 || xok_env_alive(p->penv))
		return p->ppid;
	px_lock(&t->lock);
	px_proc_fix();
	r = p->ppid;
	px_unlock(&t->lock);
	return r;
}

/* Is there a process group pgid in session sid?  (lock held) */
static int
group_in(int32_t pgid, int32_t sid)
{
	struct px_ptab *t = px_ptab();
	int i;

	for (i = 0; i < PX_NPROC; i++) {
		const struct px_proc *q = &t->procs[i];

		if (q->state != PX_FREE && q->state != PX_EMBRYO &&
		    q->pgid == pgid && q->sid == sid)
			return 1;
	}
	return 0;
}

static int
group_exists(int32_t pgid)
{
	struct px_ptab *t = px_ptab();
	int i;

	for (i = 0; i < PX_NPROC; i++) {
		const struct px_proc *q = &t->procs[i];

		if (q->state != PX_FREE && q->state != PX_EMBRYO &&
		    q->pgid == pgid)
			return 1;
	}
	return 0;
}

long
px_setpgid(PX_ARGS)
{
	struct px_proc *me = px_proc_self(), *p;
	struct px_ptab *t = px_ptab();
	long pid = (int)a1, pgid = (int)a2, r;

	PX_UNUSED;
	if (!me)
		return -ENOMEM;
	if (pid == 0)
		pid = me->pid;
	if (pgid == 0)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	px_lock(&t->lock);
	px_proc_fix();
	r = -ESRCH;
	if (!(p = px_proc_lookup((int32_t)pid)))
		goto out;
	if (p != me) {
		if (p->ppid != me->pid || p->penv != me->env)
			goto out;                       /* ESRCH */
		r = -EPERM;
		if (p->sid != me->sid)
			goto out;
		r = -EACCES;
		if (p->flags & PX_EXECED)
			goto out;
	}
	r = -EPERM;
	if (p->sid == p->pid)
		goto out;                               /* a session leader */
	if (pgid != pid && !group_in((int32_t)pgid, me->sid))
		goto out;
	p->pgid = (int32_t)pgid;
	r = 0;
out:
	px_unlock(&t->lock);
	return r;
}

/* The entry of pid (0: ours) for a query, or NULL. */
static struct px_proc *
target(long pid)
{
	if (pid == 0)
		return px_proc_self();
	if (pid < 0 || pid > PX_PID_MAX)
		return NULL;
	return px_proc_lookup((int32_t)pid);
}

long
px_getpgid(PX_ARGS)
{
	struct px_proc *p = target((int)a1);

	PX_UNUSED;
	return p ? p->pgid : -ESRCH;
}

long
px_getpgrp(PX_ARGS)
{
	PX_UNUSED;
	return px_getpgid(0, 0, 0, 0, 0, 0);
}

long
px_getsid(PX_ARGS)
{
	struct px_proc *p = target((int)a1);

	PX_UNUSED;
	return p ? p->sid : -ESRCH;
}

long
px_setsid(PX_ARGS)
{
	struct px_proc *me = px_proc_self();
	struct px_ptab *t = px_ptab();
	long r = -EPERM;

	PX_UNUSED;
	if (!me)
		return -ENOMEM;
	px_lock(&t->lock);
	if (!group_exists(me->pid)) {
		me->sid = me->pgid = me->pid;
		r = me->pid;
	}
	px_unlock(&t->lock);
	return r;
}
