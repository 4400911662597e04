/*
 * exittest.c: exit notices (ENV_SET_NOTICE, ENV_REAP, the exported
 * child_exits / nzombies / exit_reason / exit_by) and exos_spawn's
 * start context.  Booted as init; spawns copies of itself in roles.
 *
 *  - a parent asleep on a predicate over its child_exits wakes when its
 *    child exits (the child first sees the parent asleep);
 *  - code and reason of an exit, a fault (a store to page 0) and a kill
 *    by the parent's ENV_DESTROY, read from the table without a call and
 *    from ENV_REAP;
 *  - a parent that collects late gets every status, in order of death,
 *    however many died first; accounting exact afterwards;
 *  - hostile: collecting nothing, a live child, a non-child, ourselves,
 *    a bad id, a bad pointer (nothing lost); ENV_SET_NOTICE on a
 *    non-child, on ourselves, with a bad value or no capability; a
 *    zombie cannot be destroyed or used; its slot is not reused before
 *    it is collected; a child without a notice is gone at once;
 *  - zombies count in the parent's quota (ENV_CREATE refused when they
 *    fill it) and a parent that dies with zombies leaks nothing (its
 *    zombies' slots free, every environment and page accounted);
 *  - exos_spawn's child starts with the FS base asked and a clean FPU.
 * Prints "PASS: name" or "FAIL: name ..." per check, then ALL-DONE.
 */
#include "check.h"
#include "role.h"

#define SHARED_VA 0x0000000500000000UL
#define SH ((volatile uint64_t *)SHARED_VA)
#define BAD_VA 0x0000000900000000UL    /* never mapped */

enum role {
	R_DRIVER = 0,
	R_EXIT,         /* waits until its parent sleeps, exits SH[1] */
	R_QUICK,        /* exits with its code (arg >> 8) at once */
	R_FAULT,        /* stores to page 0 */
	R_SPIN,         /* yields until killed */
	R_MIDDLE,       /* a parent of its own (quota and death tests) */
	R_CTX,          /* reports its FS base and FPU control words */
};

/* R_MIDDLE's shared words */
enum { M_STEP = 0, M_GO, M_ZOMBIES, M_FULL, M_AFTER, M_LIVE, M_KIDS };
#define MID_KIDS 5              /* zombies it leaves behind */

#define MAGIC_FS 0x7f5b45e0000000a1UL

static const void *self_image;
static uint64_t self_size;

static const volatile struct xok_env_info *
info_of(uint64_t id)
{
	return &XOK_INFO->envs[XOK_ENVX(id)];
}

static const volatile struct xok_env_info *
me(void)
{
	return info_of(xok_self());
}

static uint64_t
free_slots(void)
{
	uint64_t i, n = 0;

	for (i = 0; i < XOK_NENV; i++)
		n += XOK_INFO->envs[i].state == XOK_ENV_FREE;
	return n;
}

static int
is_zombie(int64_t id)
{
	return info_of((uint64_t)id)->id == (uint64_t)id &&
	    info_of((uint64_t)id)->state == XOK_ENV_ZOMBIE;
}

/* ---- the children ---------------------------------------------------- */

static void
child_exit(void)
{
	uint64_t parent = me()->parent;
	int saw = WAIT_FOR(info_of(parent)->state == XOK_ENV_SLEEPING, 5000);

	SH[0] = saw ? 1 : 2;
	exit((int)SH[1]);
}

/* Children of our own: MID_KIDS zombies fill our quota, one live child
 * with a notice outlives us; then we die without collecting. */
static void
child_middle(void)
{
	int64_t k, r;
	int i;

	for (i = 0; i < MID_KIDS; i++) {
		if ((k = sys_env_create(0)) < 0 ||
		    sys_env_set_notice((uint64_t)k, 0, 1) != 0 ||
		    sys_env_destroy((uint64_t)k, 0, (uint64_t)(10 + i)) != 0)
			exit(1);
		SH[M_KIDS + i] = (uint64_t)k;
	}
	SH[M_ZOMBIES] = me()->nzombies;
	SH[M_FULL] = (uint64_t)sys_env_create(0);       /* quota full */
	/* one collected: room for one live child again */
	if ((r = sys_env_reap(SH[M_KIDS], NULL)) != (int64_t)SH[M_KIDS])
		exit(2);
	if ((k = sys_env_create(0)) < 0 ||
	    sys_env_set_notice((uint64_t)k, 0, 1) != 0)
		exit(3);
	SH[M_AFTER] = 0;
	SH[M_LIVE] = (uint64_t)k;
	SH[M_STEP] = 1;
	while (SH[M_GO] == 0)
		sys_yield(XOK_SELF);
	exit(0);                /* its zombies and a live child left */
}

static void
child_ctx(void)
{
	uint64_t fs0;
	uint32_t mxcsr;
	uint16_t fcw;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(fs0));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	SH[1] = fs0, SH[2] = mxcsr, SH[3] = fcw;
	SH[0] = 1;
	exit(0);
}

/* ---- helpers ------------------------------------------------------------ */

/* A copy of us in role arg; with sh, a page shared with it (*ppn). */
static int64_t
spawn(uint64_t arg, int notice, int start, volatile uint64_t **sh,
    uint64_t *ppn)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = arg, .slices = 1, .start = 0, .notice = notice };
	int64_t c;

	if ((c = sh ? role_spawn(&sp, SHARED_VA, sh, ppn) :
	    exos_spawn(&sp)) < 0)
		return c;
	if (start)
		sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	return c;
}

/* Sleep until child_exits passes `seen`, or ms milliseconds pass. */
static int64_t
sleep_exits(uint64_t seen, uint64_t ms)
{
	uint64_t off = (uint64_t)&me()->child_exits - XOK_INFO_VA;
	struct xok_pred_insn p[8] = {
		{ .op = XP_LDK, .a = 0, .imm = off },
		{ .op = XP_LDI, .a = 1, .imm = seen },
		{ .op = XP_NE, .a = 0, .b = 1 },
		{ .op = XP_LDK, .a = 2,
		  .imm = __builtin_offsetof(struct xok_info, ticks) },
		{ .op = XP_LDI, .a = 3, .imm = xok_ticks() + ms },
		{ .op = XP_GEU, .a = 2, .b = 3 },
		{ .op = XP_OR, .a = 0, .b = 2 },
		{ .op = XP_RET, .a = 0 },
	};

	return sys_sleep(p, 8);
}

/* A bare child (ENV_CREATE) that faults as soon as it runs: started
 * by a directed yield, it needs no slice.  Dead when this returns: the
 * yield gives it only the rest of our quantum, and a tick that ends the
 * quantum before its first instruction (likely under KVM, where the
 * kernel path of the yield is slow: docs/ARCHITECTURE.md, "Hypervisor
 * notes") switches it out alive; then we yield to it again. */
static int64_t
bare_fault(int notice)
{
	struct xok_regs r = { .rip = 0x1000, .rsp = 0 };
	int64_t c = sys_env_create(0);
	int k;

	if (c < 0)
		return c;
	if ((notice && sys_env_set_notice((uint64_t)c, 0, 1) != 0) ||
	    sys_env_set_regs((uint64_t)c, 0, &r) != 0 ||
	    sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE) != 0)
		return -XE_INVAL;
	for (k = 0; k < 1000 && info_of((uint64_t)c)->id == (uint64_t)c &&
	    info_of((uint64_t)c)->state == XOK_ENV_RUNNABLE; k++)
		sys_yield((uint64_t)c);
	return c;
}

static int
record_is(const struct xok_exit *x, int64_t id, uint64_t code,
    uint32_t reason, uint64_t by)
{
	return x->id == (uint64_t)id && x->parent == xok_self() &&
	    x->code == code && x->reason == reason && x->by == by;
}

/* ---- the tests ---------------------------------------------------------- */

static void
test_wake(void)
{
	volatile uint64_t *sh;
	uint64_t seen = me()->child_exits, z0 = me()->nzombies, t0;
	struct xok_exit x;
	int64_t c, r;

	if ((c = spawn(R_EXIT, 1, 0, &sh, NULL)) < 0) {
		EXPECT_EQ("spawn the exiting child", c, 0);
		return;
	}
	EXPECT_EQ("notice exported on the child", info_of((uint64_t)c)->notice,
	    1);
	sh[1] = 42;
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	t0 = xok_ticks();
	r = sleep_exits(seen, 10000);
	EXPECT_EQ("sleep on child_exits returns", r, 0);
	EXPECT("the child saw us asleep before it exited", sh[0] == 1);
	EXPECT_EQ("woken by the exit: child_exits counted it",
	    me()->child_exits, seen + 1);
	EXPECT("...well before the deadline",
	    xok_ticks() - t0 < 10000 * XOK_INFO->hz / 1000);
	EXPECT("the child is a zombie", is_zombie(c));
	EXPECT_EQ("nzombies counts it", me()->nzombies, z0 + 1);
	EXPECT("not alive (libexos)", !xok_env_alive((uint64_t)c));
	/* read without a call */
	EXPECT("exit: code, reason, who from the table",
	    info_of((uint64_t)c)->exit_code == 42 &&
	    info_of((uint64_t)c)->exit_reason == XOK_EXITR_EXIT &&
	    info_of((uint64_t)c)->exit_by == (uint64_t)c);
	memset(&x, 0xff, sizeof(x));
	EXPECT_EQ("reap it", sys_env_reap((uint64_t)c, &x), c);
	EXPECT("exit: the record", record_is(&x, c, 42, XOK_EXITR_EXIT,
	    (uint64_t)c) && x.pad == 0);
	EXPECT("its slot is free after the reap",
	    info_of((uint64_t)c)->state == XOK_ENV_FREE);
	EXPECT_EQ("nzombies back", me()->nzombies, z0);
	EXPECT_EQ("reap it again", sys_env_reap((uint64_t)c, &x), -XE_NOENT);
}

static void
test_fault_kill(void)
{
	uint64_t envs0 = me()->env_used, pages0 = me()->page_used;
	struct xok_exit x;
	int64_t c, r;

	if ((c = spawn(R_FAULT, 1, 1, NULL, NULL)) < 0) {
		EXPECT_EQ("spawn the faulting child", c, 0);
		return;
	}
	memset(&x, 0, sizeof(x));
	r = exos_wait((uint64_t)c, &x, 0);
	EXPECT_EQ("exos_wait for the faulting child", r, c);
	EXPECT("fault: the record", record_is(&x, c, XOK_EXIT_FAULT + 14,
	    XOK_EXITR_FAULT, 0));

	if ((c = spawn(R_SPIN, 1, 1, NULL, NULL)) < 0) {
		EXPECT_EQ("spawn the spinning child", c, 0);
		return;
	}
	EXPECT_EQ("live child: exos_wait nohang", exos_wait((uint64_t)c, &x,
	    1), -XE_BUSY);
	EXPECT_EQ("live child: reap refused", sys_env_reap((uint64_t)c, &x),
	    -XE_BUSY);
	WAIT_FOR(info_of((uint64_t)c)->runs > 0, 2000);
	EXPECT_EQ("kill it", sys_env_destroy((uint64_t)c, 0, 77), 0);
	EXPECT("killed: the table says who", is_zombie(c) &&
	    info_of((uint64_t)c)->exit_reason == XOK_EXITR_KILLED &&
	    info_of((uint64_t)c)->exit_by == xok_self());
	EXPECT_EQ("a zombie cannot be destroyed",
	    sys_env_destroy((uint64_t)c, 0, 1), -XE_NOENT);
	EXPECT_EQ("a zombie cannot be mapped into",
	    sys_page_map((uint64_t)c, 0x400000, 1, 0, 0, 0), -XE_NOENT);
	EXPECT_EQ("a zombie cannot be started",
	    sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE), -XE_NOENT);
	EXPECT_EQ("a zombie takes no notice change",
	    sys_env_set_notice((uint64_t)c, 0, 0), -XE_NOENT);
	memset(&x, 0, sizeof(x));
	EXPECT_EQ("exos_wait any", exos_wait(XOK_REAP_ANY, &x, 1), c);
	EXPECT("kill: the record", record_is(&x, c, 77, XOK_EXITR_KILLED,
	    xok_self()));
	EXPECT_EQ("fault, kill: environments accounted", me()->env_used,
	    envs0);
	EXPECT_EQ("fault, kill: pages accounted", me()->page_used, pages0);
}

static void
test_late(void)
{
	static int64_t ids[1024];
	static uint64_t codes[1024];
	static uint32_t reasons[1024];
	static uint64_t bys[1024];
	uint64_t envs0 = me()->env_used, pages0 = me()->page_used;
	uint64_t nfree0 = XOK_INFO->nfree, seen = me()->child_exits;
	uint64_t n, i, want, nspawn = 4, got = 0;
	int ok = 1, order = 1;
	struct xok_exit x;
	int64_t c;

	want = free_slots();
	want = want > 8 + nspawn ? want - 8 - nspawn : 0;
	if (want > 300)
		want = 300;
	/* a few that exit by themselves, all at once */
	for (n = 0; n < nspawn; n++) {
		if ((c = spawn(R_QUICK | ((100 + n) << 8), 1, 1, NULL,
		    NULL)) < 0)
			break;
		ids[n] = c, codes[n] = 100 + n;
		reasons[n] = XOK_EXITR_EXIT, bys[n] = (uint64_t)c;
	}
	EXPECT("late: exiting children spawned", n == nspawn &&
	    WAIT_FOR(me()->nzombies >= nspawn, 10000));
	/* then many that fault or are killed */
	for (; n < nspawn + want; n++) {
		if (n % 3 == 0) {
			if ((c = bare_fault(1)) < 0)
				break;
			codes[n] = XOK_EXIT_FAULT + 14;
			reasons[n] = XOK_EXITR_FAULT, bys[n] = 0;
		} else {
			if ((c = sys_env_create(0)) < 0 ||
			    sys_env_set_notice((uint64_t)c, 0, 1) != 0 ||
			    sys_env_destroy((uint64_t)c, 0, n & 0xff) != 0)
				break;
			codes[n] = n & 0xff;
			reasons[n] = XOK_EXITR_KILLED, bys[n] = xok_self();
		}
		ids[n] = c;
	}
	printf("exittest: %lu children died before we collected\n", n);
	EXPECT_EQ("late: every child made and dead", n, nspawn + want);
	EXPECT_EQ("late: child_exits counted every death",
	    me()->child_exits - seen, n);
	EXPECT_EQ("late: every one a zombie", me()->nzombies, n);
	EXPECT("late: more zombies than a 64-entry ring", n > 64 ||
	    XOK_NENV <= 64);
	/* collect them all: oldest first */
	for (i = 0; i < n; i++) {
		uint64_t j;

		memset(&x, 0, sizeof(x));
		if ((c = sys_env_reap(XOK_REAP_ANY, &x)) < 0) {
			ok = 0;
			break;
		}
		got++;
		for (j = 0; j < n && ids[j] != c; j++)
			;
		if (j == n || !record_is(&x, c, codes[j], reasons[j], bys[j]))
			ok = 0;
		/* the first nspawn died in their own order; the rest in ours */
		if (i >= nspawn && j != i)
			order = 0;
		if (j < n)
			ids[j] = -1;
	}
	EXPECT_EQ("late: every status collected", got, n);
	EXPECT("late: each record exact (id, code, reason, who)", ok);
	EXPECT("late: oldest first", order);
	EXPECT_EQ("late: none left", sys_env_reap(XOK_REAP_ANY, &x),
	    -XE_NOENT);
	EXPECT_EQ("late: environments accounted", me()->env_used, envs0);
	EXPECT_EQ("late: pages accounted", me()->page_used, pages0);
	EXPECT_EQ("late: free pages back", XOK_INFO->nfree, nfree0);
}

static void
test_hostile(void)
{
	uint64_t envs0 = me()->env_used, seen;
	struct xok_exit x;
	int64_t z, k, c;
	int i, reused = 0;

	EXPECT_EQ("reap any: none", sys_env_reap(XOK_REAP_ANY, &x), -XE_NOENT);
	EXPECT_EQ("reap ourselves", sys_env_reap(xok_self(), &x), -XE_PERM);
	EXPECT_EQ("reap a huge id", sys_env_reap(1UL << 40, &x), -XE_NOENT);
	EXPECT_EQ("reap a free slot's id", sys_env_reap(0x7ffffff0, &x),
	    -XE_NOENT);

	/* notice without being the parent, or with bad values */
	EXPECT_EQ("notice on ourselves", sys_env_set_notice(XOK_SELF, 0, 1),
	    -XE_PERM);
	EXPECT_EQ("notice on our own id",
	    sys_env_set_notice(xok_self(), 0, 1), -XE_PERM);
	if ((k = sys_env_create(0)) < 0) {
		EXPECT_EQ("create a bare child", k, 0);
		return;
	}
	EXPECT_EQ("notice: value 2", sys_env_set_notice((uint64_t)k, 0, 2),
	    -XE_INVAL);
	EXPECT_EQ("notice: empty capability slot",
	    sys_env_set_notice((uint64_t)k, 9, 1), -XE_NOCAP);
	EXPECT_EQ("notice: slot out of range",
	    sys_env_set_notice((uint64_t)k, 99, 1), -XE_NOCAP);
	EXPECT_EQ("notice: unknown env", sys_env_set_notice(0x7ffffff0, 0, 1),
	    -XE_NOENT);

	/* without a notice: gone at once, counted all the same */
	seen = me()->child_exits;
	EXPECT_EQ("destroy a child without a notice",
	    sys_env_destroy((uint64_t)k, 0, 5), 0);
	EXPECT("...its slot is free at once",
	    info_of((uint64_t)k)->state == XOK_ENV_FREE &&
	    info_of((uint64_t)k)->exit_code == 5 &&
	    info_of((uint64_t)k)->exit_reason == XOK_EXITR_KILLED);
	EXPECT_EQ("...its death counted", me()->child_exits, seen + 1);
	EXPECT_EQ("...nothing to reap", sys_env_reap((uint64_t)k, &x),
	    -XE_NOENT);
	k = bare_fault(0);
	EXPECT("a faulting child without a notice is gone at once",
	    k > 0 && info_of((uint64_t)k)->state == XOK_ENV_FREE &&
	    info_of((uint64_t)k)->exit_reason == XOK_EXITR_FAULT);
	EXPECT_EQ("...environments accounted", me()->env_used, envs0);

	/* a bad pointer loses nothing */
	if ((z = bare_fault(1)) < 0 || !is_zombie(z)) {
		EXPECT("a zombie to play with", 0);
		return;
	}
	EXPECT_EQ("reap into an unmapped page",
	    sys_env_reap((uint64_t)z, (struct xok_exit *)BAD_VA), -XE_FAULT);
	EXPECT_EQ("reap into the kernel",
	    sys_env_reap((uint64_t)z, (struct xok_exit *)0xffffffff80100000UL),
	    -XE_FAULT);
	EXPECT_EQ("reap into the read-only exported state",
	    sys_env_reap((uint64_t)z, (struct xok_exit *)XOK_INFO_VA),
	    -XE_FAULT);
	EXPECT_EQ("reap any into a non-canonical address",
	    sys_env_reap(XOK_REAP_ANY, (struct xok_exit *)(1UL << 63)),
	    -XE_FAULT);
	EXPECT("...the zombie is still there", is_zombie(z) &&
	    me()->nzombies == 1);

	/* its slot is not reused while it waits */
	for (i = 0; i < 10; i++) {
		if ((c = sys_env_create(0)) < 0)
			break;
		reused |= XOK_ENVX(c) == XOK_ENVX(z);
		sys_env_destroy((uint64_t)c, 0, 0);
	}
	EXPECT("the zombie's slot is not reused", i == 10 && !reused &&
	    is_zombie(z) && info_of((uint64_t)z)->exit_code ==
	    XOK_EXIT_FAULT + 14);
	memset(&x, 0, sizeof(x));
	EXPECT_EQ("reap it with no record", sys_env_reap((uint64_t)z, NULL),
	    z);
	EXPECT_EQ("environments accounted", me()->env_used, envs0);
}

/* A child of ours whose zombies fill its quota, then dies with them. */
static void
test_middle(void)
{
	uint64_t envs0 = me()->env_used, pages0 = me()->page_used;
	uint64_t nfree0 = XOK_INFO->nfree, used, ppn = 0;
	volatile uint64_t *sh;
	struct xok_exit x;
	int64_t m, g;
	int i, freed = 1;

	if ((m = spawn(R_MIDDLE, 0, 0, &sh, &ppn)) < 0) {
		EXPECT_EQ("spawn the middle child", m, 0);
		return;
	}
	/* itself and MID_KIDS children */
	used = info_of((uint64_t)m)->page_used;
	EXPECT_EQ("middle: quota of 1 + MID_KIDS environments",
	    sys_env_set_quota((uint64_t)m, 0, 1 + MID_KIDS, used + 64), 0);
	sys_env_set_status((uint64_t)m, 0, XOK_ENV_RUNNABLE);
	EXPECT("middle: made its zombies", WAIT_FOR(sh[M_STEP] == 1, 10000));
	EXPECT_EQ("middle: its nzombies", sh[M_ZOMBIES], MID_KIDS);
	EXPECT_EQ("middle: zombies fill its quota: create refused",
	    (int64_t)sh[M_FULL], -XE_QUOTA);
	EXPECT("middle: a reap made room", sh[M_AFTER] == 0 &&
	    (int64_t)sh[M_LIVE] > 0);
	EXPECT_EQ("middle: its zombies and live child charged to us",
	    me()->env_used, envs0 + 1 + MID_KIDS);
	g = (int64_t)sh[M_KIDS + 1];
	EXPECT("a grandchild is a zombie", is_zombie(g));
	EXPECT_EQ("reap a zombie that is not our child",
	    sys_env_reap((uint64_t)g, &x), -XE_PERM);
	EXPECT_EQ("reap a live env that is not our child",
	    sys_env_reap(sh[M_LIVE], &x), -XE_PERM);
	EXPECT_EQ("notice on a grandchild", sys_env_set_notice(sh[M_LIVE], 0,
	    1), -XE_PERM);

	sh[M_GO] = 1;
	EXPECT("middle: died", WAIT_FOR(info_of((uint64_t)m)->state ==
	    XOK_ENV_FREE, 10000));
	for (i = 1; i < MID_KIDS; i++)
		freed &= info_of(sh[M_KIDS + i])->state == XOK_ENV_FREE;
	EXPECT("middle: its zombies went with it", freed);
	EXPECT("middle: its live child lives on", xok_env_alive(sh[M_LIVE]));
	EXPECT_EQ("middle: only its live child is charged to us",
	    me()->env_used, envs0 + 1);
	/* an orphan with a notice: nobody to keep it for */
	EXPECT_EQ("destroy the orphan", sys_env_destroy(sh[M_LIVE], 0, 3), 0);
	EXPECT("the orphan is gone at once, not a zombie",
	    info_of(sh[M_LIVE])->state == XOK_ENV_FREE);
	/* the page we shared with it */
	sys_page_unmap(XOK_SELF, (uint64_t)sh, 0);
	sys_page_free(ppn, 0);
	EXPECT_EQ("middle: environments accounted", me()->env_used, envs0);
	EXPECT_EQ("middle: pages accounted", me()->page_used, pages0);
	EXPECT_EQ("middle: free pages back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("middle was not ours to reap (no notice)",
	    sys_env_reap((uint64_t)m, &x), -XE_NOENT);
}

static void
test_spawn_context(void)
{
	volatile uint64_t *sh;
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = R_CTX, .slices = 1, .start = 0, .notice = 1,
	    .fs_base = SHARED_VA + 0x800 };
	int64_t c;

	if ((c = role_spawn(&sp, SHARED_VA, &sh, NULL)) < 0) {
		EXPECT_EQ("spawn the context child", c, 0);
		return;
	}
	sh[0x800 / 8] = MAGIC_FS;
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	EXPECT_EQ("context child exits", exos_wait((uint64_t)c, NULL, 0), c);
	EXPECT("spawn: the child ran", sh[0] == 1);
	EXPECT_EQ("spawn: %fs:0 reads at the FS base asked", sh[1], MAGIC_FS);
	EXPECT_EQ("spawn: MXCSR at its reset value", sh[2], 0x1f80);
	EXPECT_EQ("spawn: x87 control word as after FNINIT", sh[3], 0x37f);
}

int
main(uint64_t arg)
{
	uint64_t nfree0, envs0, pages0;

	switch (arg & 0xff) {
	case R_EXIT:
		child_exit();
		break;
	case R_QUICK:
		exit((int)(arg >> 8));
		break;
	case R_FAULT:
		__asm__ volatile("movq $1, 0x8" ::: "memory");
		exit(99);
		break;
	case R_SPIN:
		for (;;)
			sys_yield(XOK_SELF);
		break;
	case R_MIDDLE:
		child_middle();
		break;
	case R_CTX:
		child_ctx();
		break;
	}
	printf("exittest: exit notices, env %lx\n", xok_self());
	self_image = exos_module("exittest.elf", &self_size);
	EXPECT("exittest finds its own boot module", self_image != NULL);
	if (!self_image) {
		printf("ALL-DONE\n");
		sys_shutdown(0, 1);
	}
	nfree0 = XOK_INFO->nfree;
	envs0 = me()->env_used;
	pages0 = me()->page_used;
	test_wake();
	test_fault_kill();
	test_late();
	test_hostile();
	test_middle();
	test_spawn_context();
	/* role_spawn's shared pages stay ours: count them out */
	EXPECT_EQ("every environment accounted", me()->env_used, envs0);
	EXPECT_EQ("nothing left to reap", sys_env_reap(XOK_REAP_ANY, NULL),
	    -XE_NOENT);
	printf("exittest: free pages %lu -> %lu, our pages %lu -> %lu\n",
	    nfree0, XOK_INFO->nfree, pages0, me()->page_used);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
