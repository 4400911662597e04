/*
 * syscall.c: the kernel calls.  One table lists them all (XOK_SYSCALLS in
 * xok/abi.h); each is documented in docs/KERNEL-INTERFACE.md.  Every call
 * checks its capability, every pointer and every number, and returns
 * -XE_* on failure.  A number outside the table is reflected to the
 * environment's own reflection entry, or fails with -XE_NOSYS.
 */
#include "kern.h"

typedef int64_t (*sysfn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
    uint64_t);

static const struct xok_cap machine_guard = { .valid = 1, .len = 1,
	.name = { XOK_CAPNAME_MACHINE } };

/* ---- Capability helpers ---------------------------------------------- */

static int
cap_slot(uint64_t slot, struct xok_cap **c)
{
	if (slot >= XOK_NCAPS || !curenv->caps[slot].valid)
		return -XE_NOCAP;
	*c = &curenv->caps[slot];
	return 0;
}

static int
cap_check(uint64_t slot, const struct xok_cap *guard, unsigned rights)
{
	struct xok_cap *c;
	int err;

	if ((err = cap_slot(slot, &c)) < 0)
		return err;
	return cap_allows(c, guard, rights) ? 0 : -XE_PERM;
}

/* Boolean form, for the other files' calls. */
int
cap_slot_allows(uint64_t slot, const struct xok_cap *guard, unsigned rights)
{
	return cap_check(slot, guard, rights) == 0;
}

/* The environment id names, if the caller controls it (self always). */
static int
env_control(uint64_t id, uint64_t slot, struct env **out)
{
	struct env *e = env_lookup(id);

	if (!e)
		return -XE_NOENT;
	*out = e;
	if (e == curenv)
		return 0;
	return cap_check(slot, &e->guard, XOK_CAP_W);
}

static int
user_code_addr(uint64_t va)
{
	return va < XOK_UVA_END;
}

/* ---- The calls ------------------------------------------------------- */

static int64_t
sys_null(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return 0;
}

/* At most XOK_CONS_MAX bytes, only as many as the UART takes now: the
 * kernel runs with interrupts off and must not wait for a slow line. */
static int64_t
sys_cons_write(uint64_t buf, uint64_t len, uint64_t c, uint64_t d,
    uint64_t e, uint64_t f)
{
	char kbuf[XOK_CONS_MAX];
	int err;

	(void)c, (void)d, (void)e, (void)f;
	if (len > 65536)
		return -XE_INVAL;
	if (!user_range_ok(buf, len))
		return -XE_FAULT;
	if (len > sizeof(kbuf))
		len = sizeof(kbuf);
	if ((err = copyin(curenv, kbuf, buf, len)) < 0)
		return err;
	return (int64_t)cons_write_nowait(kbuf, len);
}

static int64_t
sys_shutdown(uint64_t slot, uint64_t code, uint64_t c, uint64_t d,
    uint64_t e, uint64_t f)
{
	int err;

	(void)c, (void)d, (void)e, (void)f;
	if ((err = cap_check(slot, &machine_guard, XOK_CAP_W)) < 0)
		return err;
	kprintf("xok: shutdown by env %x, code %lu\n", curenv->id, code);
	qemu_exit((int)(code & 0x7fff));
}

static int64_t
sys_page_alloc(uint64_t ppn, uint64_t slot, uint64_t envid, uint64_t envslot,
    uint64_t e_, uint64_t f)
{
	struct xok_cap *cap;
	struct env *e;
	int err;

	(void)e_, (void)f;
	if ((err = cap_slot(slot, &cap)) < 0)
		return err;
	if (!(cap->rights & XOK_CAP_W))
		return -XE_PERM;
	if ((err = env_control(envid, envslot, &e)) < 0)
		return err;
	return env_page_alloc(e, ppn, cap);
}

/* A page the caller may act on with rights. */
static int
page_check(uint64_t ppn, uint64_t slot, unsigned rights)
{
	if (ppn >= pages.npages)
		return -XE_RANGE;
	if (pages.info[ppn].owner == 0)
		return -XE_NOENT;
	if (pages.info[ppn].flags & XOK_PG_KERNEL)
		return -XE_PERM;
	return cap_check(slot, &pages.guard[ppn], rights);
}

static int64_t
sys_page_free(uint64_t ppn, uint64_t slot, uint64_t c, uint64_t d,
    uint64_t e, uint64_t f)
{
	int err;

	(void)c, (void)d, (void)e, (void)f;
	if ((err = page_check(ppn, slot, XOK_CAP_W)) < 0)
		return err;
	return env_page_free(ppn);
}

static int64_t
sys_page_map(uint64_t envid, uint64_t va, uint64_t ppn, uint64_t perm,
    uint64_t slots, uint64_t f)
{
	struct env *e;
	int err;

	(void)f;
	if (va % PGSIZE || va < XOK_UVA_MIN || va >= XOK_UVA_MAX ||
	    (perm & ~XOK_PTE_PERM))
		return -XE_INVAL;
	if ((err = env_control(envid, (slots >> 8) & 0xff, &e)) < 0)
		return err;
	if (ppn < pages.npages && (pages.info[ppn].flags & XOK_PG_XN)) {
		/* XN's cache: anyone may read, nobody may write directly */
		if (perm & XOK_PTE_W)
			return -XE_PERM;
	} else if ((err = page_check(ppn, slots & 0xff, XOK_CAP_R |
	    ((perm & XOK_PTE_W) ? XOK_CAP_W : 0))) < 0)
		return err;
	return pmap_map(e, va, ppn, perm);
}

static int64_t
sys_page_unmap(uint64_t envid, uint64_t va, uint64_t slot, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
	if (va % PGSIZE || va < XOK_UVA_MIN || va >= XOK_UVA_MAX)
		return -XE_INVAL;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	return pmap_unmap(e, va);
}

static int64_t
sys_page_guard(uint64_t ppn, uint64_t slot, uint64_t newslot, uint64_t d,
    uint64_t e, uint64_t f)
{
	struct xok_cap *g;
	int err;

	(void)d, (void)e, (void)f;
	if ((err = page_check(ppn, slot, XOK_CAP_W)) < 0)
		return err;
	if (pages.info[ppn].flags & XOK_PG_XN)
		return -XE_BUSY;
	if ((err = cap_slot(newslot, &g)) < 0)
		return err;
	pages.guard[ppn] = *g;
	return 0;
}

static int64_t
sys_env_create(uint64_t slot, uint64_t b, uint64_t c, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct xok_cap *g;
	struct env *e;
	int err;

	(void)b, (void)c, (void)d, (void)e_, (void)f;
	if ((err = cap_slot(slot, &g)) < 0)
		return err;
	if (!(g->rights & XOK_CAP_W))
		return -XE_PERM;
	if ((err = env_alloc(&e, curenv, g)) < 0)
		return err;
	return e->id;
}

/* Limit what a descendant (and its own descendants) may hold. */
static int64_t
sys_env_set_quota(uint64_t envid, uint64_t slot, uint64_t env_limit,
    uint64_t page_limit, uint64_t e_, uint64_t f)
{
	struct env *e, *a;
	int err;

	(void)e_, (void)f;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	for (a = e->qparent ? env_lookup(e->qparent) : NULL; a && a != curenv;
	    a = a->qparent ? env_lookup(a->qparent) : NULL)
		;
	if (!a)                 /* only an ancestor sets a quota */
		return -XE_PERM;
	return quota_set(e, env_limit, page_limit);
}

static int64_t
sys_env_destroy(uint64_t envid, uint64_t slot, uint64_t code, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	env_destroy(e, code & 0xff);
	if (!curenv)
		sched();
	return 0;
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

static int64_t
sys_env_set_regs(uint64_t envid, uint64_t slot, uint64_t uregs, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct xok_regs r;
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
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

/* A base register's value: a user-half address (so canonical; 0 is
 * fine).  wrmsr of a non-canonical value would #GP in ring 0. */
static int
base_ok(uint64_t v)
{
	return v < XOK_UVA_END;
}

/* Set the FS or GS base of env (self, or a child we control). */
static int64_t
sys_env_set_base(uint64_t envid, uint64_t slot, uint64_t which, uint64_t v,
    uint64_t e_, uint64_t f)
{
	struct env *e;
	int err;

	(void)e_, (void)f;
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
static int64_t
sys_env_set_context(uint64_t envid, uint64_t slot, uint64_t uctx, uint64_t d,
    uint64_t e_, uint64_t f)
{
	static struct xok_context c;    /* 688 bytes: off the kernel stack */
	struct env *e;
	uint32_t mxcsr;
	int err;

	(void)d, (void)e_, (void)f;
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

static int64_t
sys_env_set_status(uint64_t envid, uint64_t slot, uint64_t status,
    uint64_t d, uint64_t e_, uint64_t f)
{
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
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

static int64_t
sys_env_set_upcalls(uint64_t envid, uint64_t slot, uint64_t uup, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct xok_upcalls up;
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
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

static int64_t
sys_cap_grant(uint64_t envid, uint64_t envslot, uint64_t src, uint64_t dst,
    uint64_t ucap, uint64_t f)
{
	struct xok_cap *s, n;
	struct env *e;
	int err;

	(void)f;
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

static int64_t
sys_cap_get(uint64_t slot, uint64_t ucap, uint64_t c, uint64_t d,
    uint64_t e, uint64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	if (slot >= XOK_NCAPS)
		return -XE_NOCAP;
	return copyout(curenv, ucap, &curenv->caps[slot], sizeof(struct xok_cap));
}

static int64_t
sys_cap_drop(uint64_t slot, uint64_t b, uint64_t c, uint64_t d,
    uint64_t e, uint64_t f)
{
	struct xok_cap *cap;
	int err;

	(void)b, (void)c, (void)d, (void)e, (void)f;
	if ((err = cap_slot(slot, &cap)) < 0)
		return err;
	memset(cap, 0, sizeof(*cap));
	return 0;
}

static int64_t
sys_slice_alloc(uint64_t envid, uint64_t slot, uint64_t slice, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	return slice_alloc(e, slice);
}

static int64_t
sys_slice_free(uint64_t slice, uint64_t slot, uint64_t c, uint64_t d,
    uint64_t e_, uint64_t f)
{
	struct env *e;
	int err;

	(void)c, (void)d, (void)e_, (void)f;
	if (slice >= XOK_NSLICES)
		return -XE_RANGE;
	if (!info->slice_owner[slice])
		return -XE_NOENT;
	if ((err = env_control(info->slice_owner[slice], slot, &e)) < 0)
		return err;
	return slice_free(slice);
}

static int64_t
sys_yield(uint64_t envid, uint64_t b, uint64_t c, uint64_t d, uint64_t e_,
    uint64_t f)
{
	struct env *e;

	(void)b, (void)c, (void)d, (void)e_, (void)f;
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

static int64_t
sys_sleep(uint64_t upred, uint64_t n, uint64_t c, uint64_t d, uint64_t e,
    uint64_t f)
{
	uint64_t r;
	int err;

	(void)c, (void)d, (void)e, (void)f;
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

static int64_t
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

static int64_t
sys_ipc_reply(uint64_t envid, uint64_t w0, uint64_t w1, uint64_t w2,
    uint64_t w3, uint64_t f)
{
	struct env *c = env_lookup(envid);

	(void)f;
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

static int64_t
sys_env_set_ipcguard(uint64_t envid, uint64_t slot, uint64_t src,
    uint64_t d, uint64_t e_, uint64_t f)
{
	struct xok_cap *g;
	struct env *e;
	int err;

	(void)d, (void)e_, (void)f;
	if ((err = cap_slot(src, &g)) < 0)
		return err;
	if ((err = env_control(envid, slot, &e)) < 0)
		return err;
	e->ipc_guard = *g;
	return 0;
}

_Static_assert(XOK_NSYSCALLS <= XOK_NCALLSTATS, "call statistics too small");
_Static_assert(sizeof(struct xok_info) <= XOK_INFO_PAGES_OFF,
    "exported state overlaps the page table");

static const sysfn systab[XOK_NSYSCALLS] = {
	[XOK_SYS_NULL - XOK_SYSBASE] = sys_null,
	[XOK_SYS_CONS_WRITE - XOK_SYSBASE] = sys_cons_write,
	[XOK_SYS_SHUTDOWN - XOK_SYSBASE] = sys_shutdown,
	[XOK_SYS_PAGE_ALLOC - XOK_SYSBASE] = sys_page_alloc,
	[XOK_SYS_PAGE_FREE - XOK_SYSBASE] = sys_page_free,
	[XOK_SYS_PAGE_MAP - XOK_SYSBASE] = sys_page_map,
	[XOK_SYS_PAGE_UNMAP - XOK_SYSBASE] = sys_page_unmap,
	[XOK_SYS_PAGE_GUARD - XOK_SYSBASE] = sys_page_guard,
	[XOK_SYS_ENV_CREATE - XOK_SYSBASE] = sys_env_create,
	[XOK_SYS_ENV_DESTROY - XOK_SYSBASE] = sys_env_destroy,
	[XOK_SYS_ENV_SET_REGS - XOK_SYSBASE] = sys_env_set_regs,
	[XOK_SYS_ENV_SET_STATUS - XOK_SYSBASE] = sys_env_set_status,
	[XOK_SYS_ENV_SET_UPCALLS - XOK_SYSBASE] = sys_env_set_upcalls,
	[XOK_SYS_CAP_GRANT - XOK_SYSBASE] = sys_cap_grant,
	[XOK_SYS_CAP_GET - XOK_SYSBASE] = sys_cap_get,
	[XOK_SYS_CAP_DROP - XOK_SYSBASE] = sys_cap_drop,
	[XOK_SYS_SLICE_ALLOC - XOK_SYSBASE] = sys_slice_alloc,
	[XOK_SYS_SLICE_FREE - XOK_SYSBASE] = sys_slice_free,
	[XOK_SYS_YIELD - XOK_SYSBASE] = sys_yield,
	[XOK_SYS_SLEEP - XOK_SYSBASE] = sys_sleep,
	[XOK_SYS_IPC_CALL - XOK_SYSBASE] = sys_ipc_call,
	[XOK_SYS_IPC_REPLY - XOK_SYSBASE] = sys_ipc_reply,
	[XOK_SYS_ENV_SET_IPCGUARD - XOK_SYSBASE] = sys_env_set_ipcguard,
	[XOK_SYS_XN_FORMAT - XOK_SYSBASE] = sys_xn_format,
	[XOK_SYS_XN_STAT - XOK_SYSBASE] = sys_xn_stat,
	[XOK_SYS_XN_TEMPLATE - XOK_SYSBASE] = sys_xn_template,
	[XOK_SYS_XN_ROOT - XOK_SYSBASE] = sys_xn_root,
	[XOK_SYS_XN_LOOKUP - XOK_SYSBASE] = sys_xn_lookup,
	[XOK_SYS_XN_ROOT_REMOVE - XOK_SYSBASE] = sys_xn_root_remove,
	[XOK_SYS_XN_ALLOC - XOK_SYSBASE] = sys_xn_alloc,
	[XOK_SYS_XN_FREE - XOK_SYSBASE] = sys_xn_free,
	[XOK_SYS_XN_WRITE - XOK_SYSBASE] = sys_xn_write,
	[XOK_SYS_XN_BC_INSERT - XOK_SYSBASE] = sys_xn_bc_insert,
	[XOK_SYS_XN_BC_LOOKUP - XOK_SYSBASE] = sys_xn_bc_lookup,
	[XOK_SYS_XN_BC_EVICT - XOK_SYSBASE] = sys_xn_bc_evict,
	[XOK_SYS_XN_WRITEBACK - XOK_SYSBASE] = sys_xn_writeback,
	[XOK_SYS_XN_SYNC - XOK_SYSBASE] = sys_xn_sync,
	[XOK_SYS_XN_MOVE - XOK_SYSBASE] = sys_xn_move,
	[XOK_SYS_DISK_RAW - XOK_SYSBASE] = sys_disk_raw,
	[XOK_SYS_XN_BC_REVOKED - XOK_SYSBASE] = sys_xn_bc_revoked,
	[XOK_SYS_XN_BLOCK_INFO - XOK_SYSBASE] = sys_xn_block_info,
	[XOK_SYS_XN_WRITEBACK_MANY - XOK_SYSBASE] = sys_xn_writeback_many,
	[XOK_SYS_XN_BC_INSERT_MANY - XOK_SYSBASE] = sys_xn_bc_insert_many,
	[XOK_SYS_ENV_SET_QUOTA - XOK_SYSBASE] = sys_env_set_quota,
	[XOK_SYS_ENV_SET_BASE - XOK_SYSBASE] = sys_env_set_base,
	[XOK_SYS_ENV_SET_CONTEXT - XOK_SYSBASE] = sys_env_set_context,
	[XOK_SYS_ENV_SET_NOTICE - XOK_SYSBASE] = sys_env_set_notice,
	[XOK_SYS_ENV_REAP - XOK_SYSBASE] = sys_env_reap,
};

void
syscall_trap(struct trapframe *tf)
{
	uint64_t n = tf->rax - XOK_SYSBASE;
	struct env *e = curenv;

	e->tf = *tf;
	if (tf->rax >= XOK_SYSBASE && n < XOK_NSYSCALLS && systab[n]) {
		uint64_t t0 = rdtsc();

		info->calls[n].calls++;
		e->tf.rax = (uint64_t)systab[n](tf->rdi, tf->rsi, tf->rdx,
		    tf->r10, tf->r8, tf->r9);
		info->calls[n].cycles += rdtsc() - t0;
	} else if (e->up.reflect) {
		if (upcall_push(e, XOK_UP_REFLECT, e->up.reflect, 0, 0, 0,
		    tf->rax) < 0) {
			kprintf("xok: env %x: cannot reflect call %lx\n", e->id,
			    tf->rax);
			env_destroy(e, XOK_EXIT_UPCALL);
			sched();
		}
	} else
		e->tf.rax = (uint64_t)-XE_NOSYS;
	env_run(e);
}
