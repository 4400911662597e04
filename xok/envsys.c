/*
 * envsys.c: the kernel calls on environments: ENV_CREATE, ENV_DESTROY,
 * ENV_SET_REGS, ENV_SET_STATUS, ENV_SET_UPCALLS, ENV_SET_IPCGUARD,
 * ENV_SET_QUOTA, ENV_SET_BASE, ENV_SET_CONTEXT.  (Listed in
 * xok/syscalls.master; documented in docs/KERNEL-INTERFACE.md.)
 */
#include "kern.h"

static int
user_code_addr(uint64_t va)
{
	return va < XOK_UVA_END;
}

/* A base register's value: a user-half address (so canonical; 0 is
 * fine).  wrmsr of a non-canonical value would #GP in ring 0. */
static int
base_ok(uint64_t v)
{
	return v < XOK_UVA_END;
}

/*
 * Where another environment resumes: rip and rsp (checked by the
 * caller), the kernel's own 64-bit user segments (never a 32-bit one),
 * and of the flags only the arithmetic ones and DF; IF always on.
 */
static void
set_entry(struct env *e, uint64_t rip, uint64_t rsp, uint64_t rflags)
{
	e->tf.rip = rip, e->tf.rsp = rsp;
	e->tf.cs = GD_UT | 3, e->tf.ss = GD_UD | 3;
	e->tf.rflags = (rflags & (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF |
	    FL_DF | FL_OF)) | FL_IF | FL_RESERVED1;
}

int64_t
sys_env_create(uint64_t slot)
{
	struct xok_cap *g;
	struct env *e;
	int err;

	if ((err = cap_slot(slot, &g)) < 0)
		return err;
	if (!(g->rights & XOK_CAP_W))
		return -XE_PERM;
	if ((err = env_alloc(&e, curenv, g)) < 0)
		return err;
	return e->id;
}

int64_t
sys_env_destroy(uint64_t envid, uint64_t slot, uint64_t code)
{
	struct env *e;
	int err;

	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	env_destroy(e, code & 0xff);
	if (!curenv)
		sched();
	return 0;
}

int64_t
sys_env_set_regs(uint64_t envid, uint64_t slot, uaddr_t uregs)
{
	struct xok_regs r;
	struct env *e;
	int err;

	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	if (e == curenv)
		return -XE_INVAL;
	if ((err = copyin(curenv, &r, uregs, sizeof(r))) < 0)
		return err;
	if (!user_code_addr(r.rip) || r.rsp > XOK_UVA_END)
		return -XE_INVAL;
	set_entry(e, r.rip, r.rsp, r.rflags);
	e->tf.rdi = r.rdi, e->tf.rsi = r.rsi, e->tf.rdx = r.rdx;
	e->tf.rcx = r.rcx, e->tf.r8 = r.r8, e->tf.r9 = r.r9;
	e->tf.rax = r.rax, e->tf.rbx = r.rbx, e->tf.rbp = r.rbp;
	return 0;
}

int64_t
sys_env_set_status(uint64_t envid, uint64_t slot, uint64_t status)
{
	struct env *e;
	int err;

	if (status != XOK_ENV_RUNNABLE && status != XOK_ENV_NOT_RUNNABLE)
		return -XE_INVAL;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	if (e == curenv)
		return -XE_INVAL;
	if (e->state != XOK_ENV_RUNNABLE && e->state != XOK_ENV_NOT_RUNNABLE)
		return -XE_BUSY;
	e->state = (enum xok_env_state)status;
	env_sync_info(e);
	return 0;
}

int64_t
sys_env_set_upcalls(uint64_t envid, uint64_t slot, uaddr_t uup)
{
	struct xok_upcalls up;
	struct env *e;
	int err;

	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	if ((err = copyin(curenv, &up, uup, sizeof(up))) < 0)
		return err;
	if (!user_code_addr(up.fault) || !user_code_addr(up.epilogue) ||
	    !user_code_addr(up.prologue) || !user_code_addr(up.ipc) ||
	    !user_code_addr(up.reflect) || up.stack_hi > XOK_UVA_END ||
	    up.stack_lo > up.stack_hi || (up.flags & ~XOK_UPF_NESTED))
		return -XE_INVAL;
	e->up = up;
	return 0;
}

int64_t
sys_env_set_ipcguard(uint64_t envid, uint64_t slot, uint64_t src)
{
	struct xok_cap *g;
	struct env *e;
	int err;

	if ((err = cap_slot(src, &g)) < 0)
		return err;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	e->ipc_guard = *g;
	return 0;
}

/* Limit what a descendant (and its own descendants) may hold. */
int64_t
sys_env_set_quota(uint64_t envid, uint64_t slot, uint64_t env_limit,
    uint64_t page_limit)
{
	struct env *e, *a;
	int err;

	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	for (a = e->qparent ? env_lookup(e->qparent) : NULL; a && a != curenv;
	    a = a->qparent ? env_lookup(a->qparent) : NULL)
		;
	if (!a)                 /* only an ancestor sets a quota */
		return -XE_PERM;
	return quota_set(e, env_limit, page_limit);
}

/* Set the FS or GS base of env (self, or a child we control). */
int64_t
sys_env_set_base(uint64_t envid, uint64_t slot, uint64_t which, uint64_t v)
{
	struct env *e;
	int err;

	if (which != XOK_BASE_FS && which != XOK_BASE_GS)
		return -XE_INVAL;
	if (!base_ok(v))
		return -XE_INVAL;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	env_set_base(e, which == XOK_BASE_GS, v);
	return 0;
}

/* Set every register of another environment (a forked child starts
 * exactly where its parent was).  Nothing changes unless all is valid. */
int64_t
sys_env_set_context(uint64_t envid, uint64_t slot, uaddr_t uctx)
{
	static struct xok_context c;    /* 688 bytes: off the kernel stack */
	struct env *e;
	uint32_t mxcsr;
	int err;

	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	if (e == curenv)
		return -XE_INVAL;
	if ((err = copyin(curenv, &c, uctx, sizeof(c))) < 0)
		return err;
	if (!user_code_addr(c.rip) || c.rsp > XOK_UVA_END ||
	    !base_ok(c.fs_base) || !base_ok(c.gs_base) ||
	    (c.flags & ~(uint64_t)XOK_CTX_FX) || c.pad != 0)
		return -XE_INVAL;
	if (c.flags & XOK_CTX_FX) {
		memcpy(&mxcsr, c.fx + XOK_FX_MXCSR, sizeof(mxcsr));
		if (mxcsr & ~mxcsr_mask)
			return -XE_INVAL;
	}
	e->tf.r15 = c.r15, e->tf.r14 = c.r14, e->tf.r13 = c.r13;
	e->tf.r12 = c.r12, e->tf.r11 = c.r11, e->tf.r10 = c.r10;
	e->tf.r9 = c.r9, e->tf.r8 = c.r8, e->tf.rbp = c.rbp;
	e->tf.rdi = c.rdi, e->tf.rsi = c.rsi, e->tf.rdx = c.rdx;
	e->tf.rcx = c.rcx, e->tf.rbx = c.rbx, e->tf.rax = c.rax;
	set_entry(e, c.rip, c.rsp, c.rflags);
	env_set_base(e, 0, c.fs_base);
	env_set_base(e, 1, c.gs_base);
	if (c.flags & XOK_CTX_FX)
		env_set_fx(e, c.fx);
	return 0;
}
