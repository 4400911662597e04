/*
 * pxwait.c: wait4 (waitpid, wait) over the process table (proc.h):
 * pid > 0, -1, 0 (our group), < -1 (the group -pid); WNOHANG,
 * WUNTRACED and WCONTINUED (the signals piece marks stops and
 * continues: px_proc_stopped, px_proc_continued); ECHILD, EINVAL.
 * Our children are the entries whose parent is us (orphans are
 * re-parented to pid 1, so init waits for them).  A dead child's status
 * is the one recorded in its entry (exit, a signal's default action,
 * SIGKILL's sender), else the kernel's exit record, Linux's way: exit
 * code << 8 for an exit; for a death by a fault, the signal Linux would
 * have sent (page fault, #GP: SIGSEGV; #UD: SIGILL; #DE, x87 and SSE
 * errors: SIGFPE; #AC, #NP, #SS: SIGBUS; int3, debug: SIGTRAP); killed
 * by another environment: SIGKILL.  The kernel keeps a zombie of each
 * child of our environment (ENV_SET_NOTICE, fork.c): we collect it with
 * ENV_REAP when we reap the entry.  An orphan's environment has no
 * kernel parent, so its record is freed at once; it stays readable in
 * the environment table until the slot is reused, and if it has been,
 * the status is SIGKILL (an orphan that died by a fault with no handler
 * after its slot was reused: the one case the status is lost).
 * Waiting sleeps (px_block) on the table's generation (a recorded
 * death, a stop, a continue, a re-parenting), on our child_exits (a
 * child of our environment the kernel killed) and, when we have
 * adopted children (orphans: their environments are not our kernel
 * children, so the kernel could kill one without a word to us), on the
 * kernel's count of every environment's death (env_exits): exact, no
 * timer; such a waiter also wakes at deaths that are not its
 * children's and looks again (one scan of the table).
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <exos/exos.h>
#include "posix.h"
#include "uaccess.h"
#include "proc.h"
#include "block.h"
#include "fd.h"
#include "sig.h"

#ifndef __WALL
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define __WNOTHREAD 0x20000000
#endif

static int
fault_signal(uint64_t trapno)
{
	switch (trapno) {
	case 0:                 /* #DE */
	case 16:                /* x87 error */
	case 19:                /* SSE error */
		return SIGFPE;
	case 1:
	case 3:
		return SIGTRAP;
	case 6:
		return SIGILL;
	case 11:                /* #NP */
	case 12:                /* #SS */
	case 17:                /* #AC */
		return SIGBUS;
	default:                /* #GP, #PF, ... */
		return SIGSEGV;
	}
}

/* Linux's wait status of an exit record. */
static int
wstatus(const struct xok_exit *x)
{
	switch (x->reason) {
	case XOK_EXITR_EXIT:
		return (int)(x->code & 0xff) << 8;
	case XOK_EXITR_FAULT:
		if (x->code >= XOK_EXIT_UPCALL)
			return SIGSEGV;
		return fault_signal(x->code & 0xff);
	default:
		return SIGKILL;
	}
}

void px_proc_fix(void);

/* The kernel's record of the dead environment env (of a child whose
 * death was not recorded): reaped if it is a zombie of ours, else read
 * from the table; as a wait status. */
static int
kernel_status(uint64_t env)
{
	const volatile struct xok_env_info *e = xok_env_info(env);
	struct xok_exit x;

	if (e->id == env && e->parent == XOK_INFO->cur_env &&
	    e->state == XOK_ENV_ZOMBIE && sys_env_reap(env, &x) >= 0)
		return wstatus(&x);
	if (e->id != env)
		return SIGKILL;         /* slot reused: lost */
	x.code = e->exit_code;
	x.reason = e->exit_reason;
	return wstatus(&x);
}

/* The wait status of the dead entry q, without reaping (sig.h: SIGCHLD's
 * siginfo). */
int
px_wait_peek(const struct px_proc *q)
{
	const volatile struct xok_env_info *e = xok_env_info(q->env);
	struct xok_exit x;

	if (q->flags & PX_RECORDED)
		return q->wstatus;
	if (e->id != q->env)
		return SIGKILL;
	x.code = e->exit_code;
	x.reason = e->exit_reason;
	return wstatus(&x);
}

/* Collect the kernel's zombie of a child of our environment that
 * recorded its own death and may still be on its way out. */
static void
kernel_reap(uint64_t env)
{
	const volatile struct xok_env_info *e = xok_env_info(env);
	struct xok_exit x;

	for (;;) {
		if (e->id != env || e->parent != XOK_INFO->cur_env ||
		    !e->notice)
			return;
		if (sys_env_reap(env, &x) != -XE_BUSY)
			return;
		const volatile uint64_t *w[1] = {
			(const volatile uint64_t *)&e->state };
		uint64_t seen[1] = { *w[0] };

		if (xok_env_alive(env))
			px_block(w, seen, 1, px_now_ns() + 10000000);
	}
}

static int
matches(const struct px_proc *q, long pid, const struct px_proc *me)
{
	if (pid > 0)
		return q->pid == pid;
	if (pid == -1)
		return 1;
	if (pid == 0)
		return q->pgid == me->pgid;
	return q->pgid == -pid;
}

long
px_wait4(PX_ARGS)
{
	long pid = (int)a1;
	int *status = (int *)a2, st = 0;
	long opts = a3, r;
	struct px_proc *me = px_proc_self(), *q, *dead;
	struct px_ptab *t = px_ptab();
	uint64_t self = XOK_INFO->cur_env, env;
	const volatile uint64_t *w[PX_BLOCK_MAXW];
	uint64_t seen[PX_BLOCK_MAXW], exits;
	int i, n, found, recorded, adopted;

	PX_UNUSED;
	if (opts & ~(long)(WNOHANG | WUNTRACED | WCONTINUED | __WALL |
	    __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if (!me)
		return -ECHILD;
	for (;;) {
		px_lock(&t->lock);
		px_proc_fix();
		found = 0;
		dead = NULL;
		n = 2;
		w[0] = &t->gen;
		seen[0] = t->gen;
		w[1] = &xok_env_info(self)->child_exits;
		seen[1] = *w[1];
		exits = XOK_INFO->env_exits;    /* (before the look) */
		adopted = 0;
		for (i = 0; i < PX_NPROC && !dead; i++) {
			q = &t->procs[i];
			if (q->state == PX_FREE || q->state == PX_EMBRYO ||
			    q->ppid != me->pid || q->penv != me->env ||
			    !matches(q, pid, me))
				continue;
			found = 1;
			if (px_proc_dead(q)) {
				dead = q;
				break;
			}
			if ((opts & WUNTRACED) && (q->flags & PX_WSTOP)) {
				q->flags &= ~PX_WSTOP;
				st = (q->stopsig << 8) | 0x7f;
				r = q->pid;
				px_unlock(&t->lock);
				goto done;
			}
			if ((opts & WCONTINUED) && (q->flags & PX_WCONT)) {
				q->flags &= ~PX_WCONT;
				st = 0xffff;
				r = q->pid;
				px_unlock(&t->lock);
				goto done;
			}
			/* a child the kernel may kill without a word to us */
			if (xok_env_info(q->env)->parent != self)
				adopted = 1;
		}
		if (adopted) {
			w[n] = (const volatile uint64_t *)&XOK_INFO->env_exits;
			seen[n++] = exits;
		}
		if (dead) {
			recorded = (dead->flags & PX_RECORDED) != 0;
			env = dead->env;
			st = recorded ? dead->wstatus : kernel_status(env);
			r = dead->pid;
			if (!(dead->flags & PX_TOLD))
				px_sig_reaped(dead->pid, st);
			px_sigq_free(dead);
			dead->state = PX_FREE;
			px_unlock(&t->lock);
			if (recorded)
				kernel_reap(env);
			px_mem_sweep();         /* pages it held may be free now */
			px_fd_sweep();          /* and the files it had open */
			px_fmap_sweep();        /* and mapped (mmapfile.c) */
			goto done;
		}
		px_unlock(&t->lock);
		if (!found)
			return -ECHILD;
		if (opts & WNOHANG)
			return 0;
		r = px_block(w, seen, n, UINT64_MAX);
		if (r < 0 && r != -ETIMEDOUT)
			return r;               /* -EINTR */
	}
done:
	/* Linux reaps the child even when the status or rusage cannot be
	 * stored, and the call then says EFAULT. */
	if ((status && px_copyout(status, &st, sizeof(st)) < 0) ||
	    (a4 && px_clearout((void *)a4, sizeof(struct rusage)) < 0))
		return -EFAULT;
	return r;
}
