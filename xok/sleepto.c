/*
 * sleepto.c: SLEEP_TO, sleep on a wake-up predicate and hand the rest
 * of the slice to a named environment in the same kernel call.
 *
 * A blocked pipe reader (or writer) knows who will wake it: the
 * process at the other end, which it usually made runnable a moment
 * ago.  With SLEEP the scheduler searches its rings for someone to run
 * (and runs the predicates of the sleepers it meets); SLEEP_TO goes
 * straight to env, as YIELD does, when env can run: runnable, or
 * asleep on a predicate that holds now.  If it cannot (it sleeps on,
 * waits for an IPC reply, or is exiting) the caller sleeps all the
 * same and the scheduler picks, as after SLEEP: the name is a hint of
 * whom to run, never a way to run anyone who could not run anyway.
 * env 0 (XOK_SELF) names no one: SLEEP_TO is then SLEEP; the caller's
 * own id is refused (it sleeps: it cannot be the one to run).
 * No capability: donating time is harmless (YIELD's rule).  The
 * argument checks come before anything changes, so a call that fails
 * has not slept.
 */
#include "kern.h"

KHOT int64_t
sys_sleep_to(uaddr_t upred, uint64_t n, uint64_t envid)
{
	struct env *e = NULL;
	uint64_t r;
	int err;

	if (n == 0 || n > XOK_PRED_MAX)
		return -XE_INVAL;
	if (envid != 0) {
		if (envid == curenv->id)
			return -XE_INVAL;
		if (!(e = env_lookup(envid)))
			return -XE_NOENT;
	}
	if ((err = copyin(curenv, curenv->pred, upred,
	    n * sizeof(struct xok_pred_insn))) < 0)
		return err;
	if ((err = pred_verify(curenv->pred, n, sizeof(struct xok_info))) < 0)
		return err;
	curenv->npred = (uint32_t)n;
	if ((err = pred_ready(curenv, &r)) != 0)
		return err < 0 ? err : 0;
	curenv->state = XOK_ENV_SLEEPING;
	env_sync_info(curenv);
	curenv->tf.rax = 0;
	if (e && sched_can_run(e)) {
		curenv->in_epilogue = 0;
		curenv->need_prologue = 1;
		sched_yield_to(e);
	}
	sched_slice_done();
}
