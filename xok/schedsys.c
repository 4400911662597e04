/*
 * schedsys.c: the kernel calls on time and control transfer:
 * SLICE_ALLOC, SLICE_FREE, YIELD, SLEEP, IPC_CALL, IPC_REPLY.  (Listed
 * in xok/syscalls.master; documented in docs/KERNEL-INTERFACE.md.)
 * YIELD, SLEEP and the IPC calls may give the processor away: they set
 * the caller's result in its saved frame before they do.
 */
#include "kern.h"

int64_t
sys_slice_alloc(uint64_t envid, uint64_t slot, uint64_t slice)
{
	struct env *e;
	int err;

	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	return slice_alloc(e, slice);
}

int64_t
sys_slice_free(uint64_t slice, uint64_t slot)
{
	struct env *e;
	int err;

	if (slice >= XOK_NSLICES)
		return -XE_RANGE;
	if (!info->slice_owner[slice])
		return -XE_NOENT;
	if ((err = env_control(info->slice_owner[slice], slot, &e)) < 0)
		return err;
	return slice_free(slice);
}

KHOT int64_t
sys_yield(uint64_t envid)
{
	struct env *e;

	curenv->tf.rax = 0;
	if (envid == XOK_SELF || envid == curenv->id)
		sched_slice_done();
	if (!(e = env_lookup(envid)))
		return -XE_NOENT;
	if (!sched_can_run(e))
		return -XE_BUSY;
	if (curenv->in_epilogue) {
		curenv->in_epilogue = 0;
		curenv->need_prologue = 1;
	}
	sched_yield_to(e);
}

int64_t
sys_sleep(uaddr_t upred, uint64_t n)
{
	uint64_t r;
	int err;

	if (n == 0 || n > XOK_PRED_MAX)
		return -XE_INVAL;
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
	sched_slice_done();
}

int64_t
sys_ipc_call(uint64_t envid, uint64_t slotflags, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3)
{
	struct env *t = env_lookup(envid);
	int err;

	if (!t || t == curenv)
		return t ? -XE_INVAL : -XE_NOENT;
	if (slotflags & ~(0xffULL | XOK_IPC_ASYNC))
		return -XE_INVAL;
	if ((err = cap_check(slotflags & 0xff, &t->ipc_guard, XOK_CAP_R)) < 0)
		return err;
	if (!t->up.ipc)
		return -XE_NOENT;
	if (t->ipc_parked && t->state == XOK_ENV_RUNNABLE) {
		/* Its last reply is still pending: return the call there. */
		t->ipc_parked = 0;
		t->tf.rax = 1;
	} else {
		if (t->ipc_busy || (t->state != XOK_ENV_RUNNABLE &&
		    t->state != XOK_ENV_SLEEPING))
			return -XE_BUSY;
		if (t->state == XOK_ENV_SLEEPING)
			t->tf.rax = 0;          /* its sleep ends early */
		if ((err = upcall_push(t, XOK_UP_IPC, t->up.ipc, 0, 0, 0,
		    curenv->id)) < 0)
			return err;
	}
	t->tf.rsi = curenv->id;
	t->tf.rdx = w0, t->tf.rcx = w1, t->tf.r8 = w2, t->tf.r9 = w3;
	t->ipc_busy = 1;
	t->state = XOK_ENV_RUNNABLE;
	env_sync_info(t);
	if (slotflags & XOK_IPC_ASYNC)
		curenv->tf.rax = 0;
	else {
		curenv->state = XOK_ENV_IPC_WAIT;
		curenv->ipc_peer = t->id;
		env_sync_info(curenv);
	}
	sched_yield_to(t);
}

int64_t
sys_ipc_reply(uint64_t envid, uint64_t w0, uint64_t w1, uint64_t w2,
    uint64_t w3)
{
	struct env *c = env_lookup(envid);

	curenv->ipc_busy = 0;
	if (!c || c == curenv || c->state != XOK_ENV_IPC_WAIT ||
	    c->ipc_peer != curenv->id)
		return -XE_NOENT;
	c->tf.rax = 0;
	c->tf.rdi = w0, c->tf.rsi = w1, c->tf.rdx = w2, c->tf.r10 = w3;
	c->state = XOK_ENV_RUNNABLE;
	env_sync_info(c);
	curenv->tf.rax = 0;             /* returns 0 when it runs on its own */
	curenv->ipc_parked = 1;         /* ...or 1 with the next call */
	sched_yield_to(c);
}
