/*
 * kill.c: kill(2) over the process table (proc.h).  pid > 0: that
 * process; 0: our process group; -1: every process but init (pid 1)
 * and ourselves (Linux's rule); < -1: the group -pid.  ESRCH when
 * nothing matches (a zombie matches and is left alone, as in Linux),
 * EINVAL for a signal outside 0..64; signal 0 only checks.  One user:
 * EPERM only when the kernel refuses to destroy a process (below).
 *
 * Posting: px_sig_send (sigpost.c) leaves the siginfo (SI_USER, our
 * pid and uid) in the target's px_sigq, or queues a real-time signal,
 * and ORs the signal's bit into the target's sigpending, which its
 * px_block predicate watches (the signals piece decides what the target
 * does with it).  rt_sigqueueinfo (sigqueue) sends the siginfo the
 * caller gives: SI_QUEUE and a value; EAGAIN when the target's queue is
 * full.  SIGKILL needs
 * no cooperation: the sender records WIFSIGNALED(SIGKILL) in the
 * target's entry, under the table's lock, then destroys its
 * environment (the family holds one capability, so any member may);
 * on ourselves it is px_proc_exit.
 */
#include <signal.h>
#include "posix.h"
#include "proc.h"
#include "sig.h"
#include "uaccess.h"

void px_proc_fix(void);

#define NSIG_LINUX      64

/* Deliver sig to p (lock held): 0, or -EPERM if the kernel refused
 * (the root of a family that a non-POSIX parent spawned is guarded by
 * its spawner's name: the family cannot destroy it). */
static long
post(struct px_proc *p, int sig, int *killself)
{
	struct px_proc *me = px_proc_self();
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
	if (p == me && sig < PX_SIGRT) {
		px_sig_post(sig);       /* (si_pid, si_code: sig.h) */
		return 0;
	}
	return px_sig_send(p, sig, SI_USER, me->pid, 0);
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

/* rt_sigqueueinfo(pid, sig, info), rt_tgsigqueueinfo(pid, tid, sig,
 * info): one process, the siginfo given (as Linux: another process may
 * not be sent a code >= 0, which only the kernel or kill may give, nor
 * SI_TKILL: EPERM). */
static long
queue_info(long pid, long sig, long uinfo)
{
	struct px_proc *me = px_proc_self(), *p;
	struct px_ptab *t = px_ptab();
	siginfo_t si;
	long r;

	if (px_copyin(&si, (const void *)uinfo, sizeof(si)) < 0)
		return -EFAULT;
	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	if (!me || pid <= 0)
		return -ESRCH;
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && pid != me->pid)
		return -EPERM;
	px_lock(&t->lock);
	px_proc_fix();
	if (!(p = px_proc_lookup((int32_t)pid)))
		r = -ESRCH;
	else if (sig == 0 || px_proc_dead(p))
		r = 0;
	else if (sig == SIGKILL) {
		px_unlock(&t->lock);
		return px_kill(pid, sig, 0, 0, 0, 0);
	} else
		r = px_sig_send(p, (int)sig, si.si_code, si.si_pid,
		    (uint64_t)(uintptr_t)si.si_value.sival_ptr);
	px_unlock(&t->lock);
	return r;
}

long
px_rt_sigqueueinfo(PX_ARGS)
{
	PX_UNUSED;
	return queue_info((int)a1, (int)a2, a3);
}

long
px_rt_tgsigqueueinfo(PX_ARGS)
{
	PX_UNUSED;
	if ((int)a2 != (int)a1)         /* one thread: tid = pid */
		return -ESRCH;
	return queue_info((int)a1, (int)a3, a4);
}
