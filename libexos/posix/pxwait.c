/*
 * pxwait.c: wait4 (waitpid, wait) and getppid.  A forked child's exit
 * record is kept by the kernel (ENV_SET_NOTICE) until we collect it
 * with ENV_REAP; exos_wait (libexos/wait.c) sleeps on our exported
 * child_exits counter with a wake-up predicate, never spinning.  The
 * status is Linux's: exit code << 8 for an exit; for a death by a
 * fault, the signal Linux would have sent (page fault, #GP: SIGSEGV;
 * #UD: SIGILL; #DE, x87 and SSE errors: SIGFPE; #AC, #NP, #SS:
 * SIGBUS; int3, debug: SIGTRAP); killed by another environment:
 * SIGKILL.  Pids are environment slots + 1 (proc.c) and there are no
 * process groups yet: pid 0 and pid < -1 wait for any child, as -1.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <exos/exos.h>
#include "posix.h"
#include "block.h"

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

/* Is entry i a child of ours that has, or will leave, an exit record? */
static int
waitable(unsigned i, uint64_t self)
{
	const volatile struct xok_env_info *e = &XOK_INFO->envs[i];

	if (e->parent != self || e->id == 0)
		return 0;
	return e->state == XOK_ENV_ZOMBIE ||
	    (e->state != XOK_ENV_FREE && e->notice);
}

/* exos_wait (libexos/wait.c), but sleeping in px_block so that a
 * signal ends the wait (then WAIT_EINTR, not a kernel error). */
#define WAIT_EINTR INT64_MIN
static int64_t
wait_child(uint64_t child, struct xok_exit *x, int nohang)
{
	const volatile uint64_t *w = (const volatile uint64_t *)
	    &XOK_INFO->envs[XOK_ENVX(XOK_INFO->cur_env)].child_exits;
	uint64_t seen;
	int64_t r;
	long e;

	for (;;) {
		seen = *w;
		r = sys_env_reap(child, x);
		if (r >= 0 || nohang)
			return r;
		if (r != -XE_BUSY && !(r == -XE_NOENT && child == XOK_REAP_ANY))
			return r;       /* not ours, gone, bad pointer */
		if ((e = px_block(&w, &seen, 1, UINT64_MAX)) == -EINTR)
			return WAIT_EINTR;
	}
}

long
px_wait4(PX_ARGS)
{
	long pid = a1;
	int *status = (int *)a2;
	long opts = a3;
	uint64_t self = XOK_INFO->cur_env, child = XOK_REAP_ANY;
	struct xok_exit x;
	int64_t r;
	unsigned i;

	PX_UNUSED;
	if (opts & ~(long)(WNOHANG | WUNTRACED | WCONTINUED | __WALL |
	    __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if (pid > 0) {
		if (pid > XOK_NENV || !waitable((unsigned)pid - 1, self))
			return -ECHILD;
		child = XOK_INFO->envs[pid - 1].id;
	} else {
		for (i = 0; i < XOK_NENV; i++)
			if (waitable(i, self))
				break;
		if (i == XOK_NENV)
			return -ECHILD;
	}
	r = wait_child(child, &x, (opts & WNOHANG) != 0);
	if (r == WAIT_EINTR)
		return -EINTR;
	if (r == -XE_BUSY || (r == -XE_NOENT && child == XOK_REAP_ANY &&
	    (opts & WNOHANG)))
		return 0;               /* WNOHANG: none dead yet */
	if (r < 0)
		return r == -XE_FAULT ? -EFAULT : -ECHILD;
	px_mem_sweep();                 /* pages it held may be free now */
	if (status)
		*status = wstatus(&x);
	if (a4)
		memset((void *)a4, 0, sizeof(struct rusage));
	return px_pid_of((uint64_t)r);
}

/* The parent's pid; 0 for the first process (as Linux's init), 1 when
 * the parent has died (orphans belong to init in UNIX). */
long
px_getppid(PX_ARGS)
{
	uint64_t p = xok_env_info(XOK_INFO->cur_env)->parent;

	PX_UNUSED;
	if (p == 0)
		return 0;
	if (!xok_env_alive(p))
		return 1;
	return px_pid_of(p);
}
