/*
 * kill.c: kill(2) over the process table (proc.h).  pid > 0: that
 * process; 0: our process group; -1: every process but init (pid 1)
 * and ourselves (Linux's rule); < -1: the group -pid.  ESRCH when
 * nothing matches (a zombie matches and is left alone, as in Linux),
 * EINVAL for a signal outside 0..64; signal 0 only checks.  One user:
 * EPERM only when the kernel refuses to destroy a process (below).
 *
 * Posting: the signal's bit is ORed into the target's sigpending
 * (atomically, no lock), which its px_block predicate watches (the
 * signals piece decides what the target does with it).  SIGKILL needs
 * no cooperation: the sender records WIFSIGNALED(SIGKILL) in the
 * target's entry, under the table's lock, then destroys its
 * environment (the family holds one capability, so any member may);
 * on ourselves it is px_proc_exit.
 */
#include <signal.h>
#include "posix.h"
#include "proc.h"
#include "sig.h"

void px_proc_fix(void);

#define NSIG_LINUX      64

/* Deliver sig to p (lock held): 0, or -EPERM if the kernel refused
 * (the root of a family that a non-POSIX parent spawned is guarded by
 * its spawner's name: the family cannot destroy it). */
static long
post(struct px_proc *p, int sig, int *killself)
{
	int64_t r;

	if (sig == 0 || px_proc_dead(p))
		return 0;
	if (sig == SIGKILL) {
		if (p == px_proc_self()) {
			*killself = 1;
			return 0;
		}
		r = sys_env_destroy(p->env, 0, 128 + SIGKILL);
		if (r == 0 || r == -XE_NOENT) {
			/* (NOENT: it died already, unrecorded: the kernel's
			 * record says how) */
			if (r == 0)
				px_proc_record(p, SIGKILL);
			return 0;
		}
		return -EPERM;
	}
	if (p == px_proc_self()) {
		px_sig_post(sig);       /* (si_pid, si_code: sig.h) */
		return 0;
	}
	__atomic_or_fetch(&p->sigpending, 1UL << (sig - 1), __ATOMIC_RELEASE);
	px_ptab_changed();
	return 0;
}

long
px_kill(PX_ARGS)
{
	struct px_proc *me = px_proc_self();
	struct px_ptab *t = px_ptab();
	long pid = (int)a1;
	int sig = (int)a2, found = 0, sent = 0, killself = 0, i;
	long r = 0;

	PX_UNUSED;
	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	if (!me)
		return -ESRCH;
	px_lock(&t->lock);
	px_proc_fix();
	if (pid > 0) {
		struct px_proc *p = px_proc_lookup((int32_t)pid);

		if (p) {
			found = 1;
			r = post(p, sig, &killself);
			sent = r == 0;
		}
	} else {
		int32_t pgid = pid == 0 ? me->pgid : (int32_t)-pid;

		for (i = 0; i < PX_NPROC; i++) {
			struct px_proc *p = &t->procs[i];

			if (p->state == PX_FREE || p->state == PX_EMBRYO)
				continue;
			if (pid == -1 ? (p->pid == 1 || p == me) :
			    p->pgid != pgid)
				continue;
			found = 1;
			if ((r = post(p, sig, &killself)) == 0)
				sent = 1;
		}
	}
	px_unlock(&t->lock);
	if (killself)
		px_proc_exit(SIGKILL);
	if (!found)
		return -ESRCH;
	return sent ? 0 : r;    /* Linux: success if any was signalled */
}
