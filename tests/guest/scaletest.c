/*
 * scaletest.c: many environments (issue 9, item 4).  Booted as init,
 * which owns slice 0; every child it makes has no slice of its own and
 * runs in init's slices (init is their host).
 *
 *  - the table: blank environments until it is full (-XE_NOMEM, never
 *    a panic); an old id of a reused slot is refused.
 *  - hosts: a child given a slice hosts the environments it makes;
 *    when it dies they move to init.
 *  - 500 children sleep at once (half on a word of shared memory, half
 *    on the clock), wake and exit, next to one that never sleeps: every
 *    one ran, slept, woke, exited with its own code, and the pages and
 *    environments are all back.
 *  - 1,024 environments: the table filled with sleepers whose
 *    predicates are as long as allowed and load user memory, plus the
 *    spinner; init still wakes, and no stretch of the scheduler's
 *    search with interrupts off went over its budget (the most ring
 *    members, predicates and slice steps one chunk took, exported by
 *    the kernel).  Times are printed, never checked: no check here
 *    depends on the speed of the machine or the hypervisor.
 *
 * The children are cheap: they share read-only copies of our text and
 * rodata, and get one stack page and the shared page.  Their code
 * (child_main) touches no data of ours: only its stack and SH.
 */
#include <exos/exos.h>
#include <xok/elf.h>
#include "check.h"

#define SHARED_VA 0x0000000500000000UL
#define SH ((volatile uint64_t *)SHARED_VA)
#define STACK_VA  (SHARED_VA + XOK_PGSIZE)      /* a child's one page */
#define NSLEEP 500
#define MAXTEXT 64
#define DEBUG_KVM 0           /* progress lines while spawning */

enum { ROLE_SLEEP = 1, ROLE_SPIN, ROLE_HOST, ROLE_FULL };
/* Shared words. */
enum { S_STARTED, S_WOKE, S_GO, S_T0, S_SPIN, S_GO2, S_HOSTKIDS,
	S_HOSTDONE = S_HOSTKIDS + 4 };
#define RAN ((volatile uint8_t *)(SHARED_VA + 1024))   /* RAN[i]: i woke */

static uint64_t text_va[MAXTEXT], text_ppn[MAXTEXT];
static int ntext;
static uint64_t shared_ppn;

static const volatile struct xok_env_info *
me(void)
{
	return &XOK_INFO->envs[XOK_ENVX(xok_self())];
}

static uint64_t
exit_code(uint64_t i)
{
	return (i * 7 + 3) & 0xff;
}

/* ---- the children: no data, no calls outside the inline wrappers ---- */

/* A predicate of XOK_PRED_MAX instructions: r0 = cond, then loads of
 * user memory into r2 (the most a predicate may cost), then RET r0. */
static void
pred_fill(struct xok_pred_insn *p, int n)
{
	int k;

	for (k = n; k < XOK_PRED_MAX - 1; k++) {
		p[k].op = XP_LDU, p[k].a = 2, p[k].b = 0;
		p[k].imm = SHARED_VA + 8 * (uint64_t)(k % 8);
	}
	p[XOK_PRED_MAX - 1].op = XP_RET, p[XOK_PRED_MAX - 1].a = 0;
	p[XOK_PRED_MAX - 1].b = 0, p[XOK_PRED_MAX - 1].imm = 0;
}

/* Sleep until the word at va is not 0 (a long predicate). */
static void
child_sleep_word(uint64_t va)
{
	struct xok_pred_insn p[XOK_PRED_MAX];

	p[0].op = XP_LDU, p[0].a = 0, p[0].b = 0, p[0].imm = va;
	pred_fill(p, 1);
	sys_sleep(p, XOK_PRED_MAX);
}

/* Sleep until tick SH[S_T0] + d (a long predicate: the parent sets
 * S_T0 while we sleep). */
static void
child_sleep_tick(uint64_t d)
{
	struct xok_pred_insn p[XOK_PRED_MAX];

	p[0].op = XP_LDK, p[0].a = 0, p[0].b = 0;
	p[0].imm = __builtin_offsetof(struct xok_info, ticks);
	p[1].op = XP_LDU, p[1].a = 1, p[1].b = 0, p[1].imm = SHARED_VA + 8 * S_T0;
	p[2].op = XP_LDI, p[2].a = 3, p[2].b = 0, p[2].imm = d;
	p[3].op = XP_ADD, p[3].a = 1, p[3].b = 3, p[3].imm = 0;
	p[4].op = XP_GEU, p[4].a = 0, p[4].b = 1, p[4].imm = 0;
	pred_fill(p, 5);
	sys_sleep(p, XOK_PRED_MAX);
}

static void __attribute__((noreturn, used))
child_main(uint64_t i, uint64_t role)
{
	int k;

	switch (role) {
	case ROLE_SPIN:                 /* never sleeps, never yields */
		for (;;)
			SH[S_SPIN]++;
	case ROLE_SLEEP:
		__atomic_add_fetch(&SH[S_STARTED], 1, __ATOMIC_SEQ_CST);
		/* a predicate may hold at once or wake early: sleep on */
		if (i & 1)
			while (SH[S_GO] == 0)
				child_sleep_word(SHARED_VA + 8 * S_GO);
		else
			while (XOK_INFO->ticks < SH[S_T0] + i % 64)
				child_sleep_tick(i % 64);
		RAN[i] = (uint8_t)(i % 251 + 1);
		__atomic_add_fetch(&SH[S_WOKE], 1, __ATOMIC_SEQ_CST);
		sys_env_destroy(XOK_SELF, 0, exit_code(i));
		break;
	case ROLE_FULL:
		__atomic_add_fetch(&SH[S_STARTED], 1, __ATOMIC_SEQ_CST);
		while (SH[S_GO2] == 0)
			child_sleep_word(SHARED_VA + 8 * S_GO2);
		sys_env_destroy(XOK_SELF, 0, 0);
		break;
	case ROLE_HOST:                 /* makes environments, then dies */
		for (k = 0; k < 3; k++)
			SH[S_HOSTKIDS + k] = (uint64_t)sys_env_create(0);
		SH[S_HOSTDONE] = 1;
		while (SH[S_GO] == 0)
			child_sleep_word(SHARED_VA + 8 * S_GO);
		sys_env_destroy(XOK_SELF, 0, 0);
		break;
	}
	for (;;)
		sys_env_destroy(XOK_SELF, 0, 0xee);
}

/* ---- making children ------------------------------------------------ */

/* Copy our read-only segments (text, rodata) into pages of ours that
 * every child maps. */
static int
text_setup(void)
{
	const struct elf64_ehdr *eh;
	const uint8_t *img;
	uint64_t size, i, va;
	int64_t ppn;

	if (!(img = exos_module("scaletest.elf", &size)))
		return -1;
	eh = (const void *)img;
	for (i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
		    (const void *)(img + eh->phoff + i * sizeof(*ph));

		if (ph->type != ELF_PT_LOAD || (ph->flags & ELF_PF_W))
			continue;
		for (va = ph->vaddr & ~(XOK_PGSIZE - 1);
		    va < ph->vaddr + ph->memsz; va += XOK_PGSIZE) {
			if (ntext == MAXTEXT ||
			    (ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
			    sys_page_map(XOK_SELF, EXOS_SCRATCH_VA, (uint64_t)ppn,
			    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0)
				return -1;
			memcpy((void *)EXOS_SCRATCH_VA, (const void *)va,
			    XOK_PGSIZE);
			text_va[ntext] = va;
			text_ppn[ntext++] = (uint64_t)ppn;
		}
	}
	sys_page_unmap(XOK_SELF, EXOS_SCRATCH_VA, 0);
	return 0;
}

/* A child in role with argument i, runnable if start: its id or
 * -XE_*.  A host gets a capability of its own, to make environments. */
static int64_t
child(uint64_t i, uint64_t role, int start)
{
	static const struct xok_cap hostcap = { .valid = 1, .len = 1,
	    .rights = XOK_CAP_ALL, .name = { 0x42 } };
	struct xok_regs r;
	int64_t c, ppn, err;
	int k;

	if ((c = sys_env_create(0)) < 0)
		return c;
	for (k = 0; k < ntext; k++)
		if ((err = sys_page_map((uint64_t)c, text_va[k], text_ppn[k], 0,
		    0, 0)) < 0)
			goto fail;
	if ((ppn = sys_page_alloc_for(XOK_PPN_ANY, 0, (uint64_t)c, 0)) < 0) {
		err = ppn;
		goto fail;
	}
	if ((err = sys_page_map((uint64_t)c, STACK_VA, (uint64_t)ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0)) < 0 ||
	    (err = sys_page_map((uint64_t)c, SHARED_VA, shared_ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0)) < 0)
		goto fail;
	memset(&r, 0, sizeof(r));
	r.rip = (uint64_t)child_main;
	r.rsp = STACK_VA + XOK_PGSIZE - 8;      /* as after a call */
	r.rdi = i, r.rsi = role;
	if ((err = sys_env_set_regs((uint64_t)c, 0, &r)) < 0 ||
	    (role == ROLE_HOST &&
	    (err = sys_cap_grant((uint64_t)c, 0, 0, 0, &hostcap)) < 0) ||
	    (start && (err = sys_env_set_status((uint64_t)c, 0,
	    XOK_ENV_RUNNABLE)) < 0))
		goto fail;
	return c;
fail:
	sys_env_destroy((uint64_t)c, 0, 0);
	return err;
}

/* Sleep until *word >= n or tick `until` (whichever first). */
static void
sleep_until_ge(volatile uint64_t *word, uint64_t n, uint64_t until)
{
	struct xok_pred_insn p[] = {
		{ .op = XP_LDU, .a = 0, .imm = (uint64_t)word },
		{ .op = XP_LDI, .a = 1, .imm = n },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_LDK, .a = 2,
		  .imm = __builtin_offsetof(struct xok_info, ticks) },
		{ .op = XP_LDI, .a = 3, .imm = until },
		{ .op = XP_GEU, .a = 2, .b = 3 },
		{ .op = XP_OR, .a = 0, .b = 2 },
		{ .op = XP_RET, .a = 0 },
	};

	while (*word < n && xok_ticks() < until)
		sys_sleep(p, sizeof(p) / sizeof(p[0]));
}

static int
all_dead(const int64_t *ids, int n, uint64_t until)
{
	int i;

	for (;;) {
		for (i = 0; i < n; i++)
			if (ids[i] > 0 && xok_env_alive((uint64_t)ids[i]))
				break;
		if (i == n)
			return 1;
		if (xok_ticks() >= until)
			return 0;
		sys_yield(XOK_SELF);
	}
}

static int
nalive(void)
{
	int i, n = 0;

	for (i = 0; i < XOK_NENV; i++)
		n += XOK_INFO->envs[i].state != XOK_ENV_FREE;
	return n;
}

/* ---- the tests ------------------------------------------------------ */

static void
test_table(void)
{
	static int64_t ids[XOK_NENV];
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used;
	int64_t r = 0, old, again;
	int n, live = nalive(), ok = 1;

	EXPECT_EQ("the table has 1,024 slots", XOK_NENV, 1024);
	for (n = 0; n < XOK_NENV && (r = sys_env_create(0)) > 0; n++)
		ids[n] = r;
	EXPECT_EQ("environments until the table is full", n, XOK_NENV - live);
	EXPECT_EQ("...then ENV_CREATE is -XE_NOMEM", r, -XE_NOMEM);
	EXPECT_EQ("...and again", sys_env_create(0), -XE_NOMEM);
	EXPECT_EQ("env_used counts them", me()->env_used, (uint64_t)n + 1);
	for (r = 0; r < n; r++)
		ok &= XOK_ENVX(ids[r]) < XOK_NENV && ids[r] < (1L << 31) &&
		    XOK_INFO->envs[XOK_ENVX(ids[r])].id == (uint64_t)ids[r] &&
		    XOK_INFO->envs[XOK_ENVX(ids[r])].host == xok_self();
	EXPECT("every id is exported, below 2^31, hosted by us", ok);

	/* reuse: the slot comes back with a new generation */
	old = ids[n / 2];
	EXPECT_EQ("destroy one", sys_env_destroy((uint64_t)old, 0, 0), 0);
	again = sys_env_create(0);
	EXPECT("its slot is reused", again > 0 &&
	    XOK_ENVX(again) == XOK_ENVX(old));
	EXPECT("...under a new id", again != old);
	EXPECT_EQ("the old id: ENV_SET_STATUS", sys_env_set_status(
	    (uint64_t)old, 0, XOK_ENV_RUNNABLE), -XE_NOENT);
	EXPECT_EQ("the old id: ENV_DESTROY", sys_env_destroy((uint64_t)old, 0,
	    0), -XE_NOENT);
	EXPECT_EQ("the old id: YIELD", sys_yield((uint64_t)old), -XE_NOENT);
	EXPECT_EQ("the old id: SLICE_ALLOC", sys_slice_alloc((uint64_t)old, 0,
	    XOK_SLICE_ANY), -XE_NOENT);
	EXPECT_EQ("an id above 32 bits", sys_env_destroy((uint64_t)again |
	    (1UL << 32), 0, 0), -XE_NOENT);
	EXPECT_EQ("an id of the next generation", sys_env_destroy(
	    (uint64_t)again + XOK_NENV, 0, 0), -XE_NOENT);
	EXPECT("the new one lives", xok_env_alive((uint64_t)again));
	ids[n / 2] = again;
	for (r = 0; r < n; r++)
		sys_env_destroy((uint64_t)ids[r], 0, 0);
	EXPECT_EQ("all gone", nalive(), live);
	EXPECT_EQ("table: free pages back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("table: our page usage back", me()->page_used, used0);
	EXPECT_EQ("table: our env usage back", me()->env_used, 1);
}

static void
test_hosts(void)
{
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used;
	int64_t h, s;
	int k, ok = 1;

	memset((void *)SHARED_VA, 0, XOK_PGSIZE);
	if ((h = child(0, ROLE_HOST, 0)) < 0) {
		EXPECT_EQ("spawn a host", h, 0);
		return;
	}
	EXPECT_EQ("a child without a slice runs in ours",
	    XOK_INFO->envs[XOK_ENVX(h)].host, xok_self());
	s = sys_slice_alloc((uint64_t)h, 0, XOK_SLICE_ANY);
	EXPECT("give it a slice", s > 0 && XOK_INFO->slice_owner[s] ==
	    (uint64_t)h);
	EXPECT_EQ("...it hosts itself", XOK_INFO->envs[XOK_ENVX(h)].host,
	    (uint64_t)h);
	sys_env_set_status((uint64_t)h, 0, XOK_ENV_RUNNABLE);
	sleep_until_ge(&SH[S_HOSTDONE], 1, xok_ticks() + 5000);
	EXPECT("it made three environments", SH[S_HOSTDONE] == 1);
	for (k = 0; k < 3; k++) {
		int64_t g = (int64_t)SH[S_HOSTKIDS + k];

		ok &= g > 0 && XOK_INFO->envs[XOK_ENVX(g)].host == (uint64_t)h;
	}
	EXPECT("...which run in its slice", ok);
	SH[S_GO] = 1;
	EXPECT("it died", all_dead(&h, 1, xok_ticks() + 5000));
	EXPECT_EQ("its slice is free", XOK_INFO->slice_owner[s], 0);
	ok = 1;
	for (k = 0; k < 3; k++) {
		int64_t g = (int64_t)SH[S_HOSTKIDS + k];

		ok &= g > 0 && xok_env_alive((uint64_t)g) &&
		    XOK_INFO->envs[XOK_ENVX(g)].host == xok_self();
	}
	EXPECT("its environments now run in our slices", ok);
	for (k = 0; k < 3; k++)
		sys_env_destroy(SH[S_HOSTKIDS + k], 0, 0);

	/* a host that frees its last slice runs in ours again */
	h = sys_env_create(0);
	s = sys_slice_alloc((uint64_t)h, 0, XOK_SLICE_ANY);
	EXPECT("a slice makes a host", h > 0 && s > 0 &&
	    XOK_INFO->envs[XOK_ENVX(h)].host == (uint64_t)h &&
	    XOK_INFO->envs[XOK_ENVX(h)].nslices == 1);
	EXPECT_EQ("free it", sys_slice_free((uint64_t)s, 0), 0);
	EXPECT("...and it is our guest again",
	    XOK_INFO->envs[XOK_ENVX(h)].host == xok_self() &&
	    XOK_INFO->envs[XOK_ENVX(h)].nslices == 0);
	sys_env_destroy((uint64_t)h, 0, 0);
	EXPECT_EQ("hosts: free pages back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("hosts: our page usage back", me()->page_used, used0);
}

static void
test_sleepers(void)
{
	static int64_t ids[NSLEEP];
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used;
	uint64_t t0, spin0, i;
	int64_t spin;
	int ok_ran = 1, ok_code = 1, ok_runs = 1, made = 0;

	memset((void *)SHARED_VA, 0, XOK_PGSIZE);
	SH[S_T0] = ~0UL >> 1;           /* the clock sleepers wait for T0 */
	if ((spin = child(0, ROLE_SPIN, 1)) < 0) {
		EXPECT_EQ("spawn the spinner", spin, 0);
		return;
	}
	/* Make them all, then start them all: a child made runnable at once
	 * would sleep, and every quantum of ours would then wait for a lap
	 * of the growing ring (predicates run in turn): quadratic in the
	 * sleepers, and under the nested hypervisor, where kernel code is
	 * slow, minutes (docs/ARCHITECTURE.md, "Hypervisor notes"). */
	t0 = xok_ticks();
	for (i = 0; i < NSLEEP; i++) {
		if ((ids[i] = child(i, ROLE_SLEEP, 0)) > 0)
			made++;
		if (i % 100 == 99 || (DEBUG_KVM && i > 90 && i % 5 == 0))
			printf("scaletest: %d made, tick %lu, spin %lu, chunks "
			    "%lu (%lu cycles), runs %lu/%lu\n", made,
			    xok_ticks() - t0, SH[S_SPIN],
			    XOK_INFO->sched_chunks, XOK_INFO->sched_chunk_cycles,
			    me()->runs, xok_env_info((uint64_t)spin)->runs);
	}
	EXPECT_EQ("500 sleepers made", made, NSLEEP);
	EXPECT_EQ("...none ran yet", SH[S_STARTED], 0);
	for (i = 0; i < NSLEEP; i++)
		if (ids[i] > 0 && sys_env_set_status((uint64_t)ids[i], 0,
		    XOK_ENV_RUNNABLE) < 0)
			made--;
	EXPECT_EQ("...all 500 started", made, NSLEEP);
	sleep_until_ge(&SH[S_STARTED], NSLEEP, xok_ticks() + 30000);
	EXPECT_EQ("every one started (next to the spinner)", SH[S_STARTED],
	    NSLEEP);
	printf("scaletest: %d children made and started in %lu ms\n", made,
	    (xok_ticks() - t0) * 1000 / XOK_INFO->hz);
	EXPECT_EQ("none woke early", SH[S_WOKE], 0);
	t0 = xok_ticks();
	spin0 = SH[S_SPIN];
	SH[S_T0] = t0 + 10;             /* the clock sleepers: t0+10..t0+73 */
	SH[S_GO] = 1;                   /* the word sleepers: now */
	sleep_until_ge(&SH[S_WOKE], NSLEEP, t0 + 30000);
	EXPECT_EQ("every one woke", SH[S_WOKE], NSLEEP);
	printf("scaletest: all woke in %lu ms; the spinner counted %lu\n",
	    (xok_ticks() - t0) * 1000 / XOK_INFO->hz, SH[S_SPIN] - spin0);
	EXPECT("every one exited", all_dead(ids, NSLEEP, xok_ticks() + 10000));
	EXPECT("the spinner ran meanwhile", SH[S_SPIN] > spin0);
	EXPECT("the spinner is still alive", xok_env_alive((uint64_t)spin));
	for (i = 0; i < NSLEEP; i++) {
		const volatile struct xok_env_info *e =
		    &XOK_INFO->envs[XOK_ENVX(ids[i])];

		ok_ran &= RAN[i] == i % 251 + 1;
		ok_code &= e->id == (uint64_t)ids[i] &&
		    e->state == XOK_ENV_FREE && e->exit_code == exit_code(i);
		ok_runs &= e->runs >= 2;        /* ran, slept, ran again */
	}
	EXPECT("every one ran after it woke", ok_ran);
	EXPECT("every exit code seen", ok_code);
	EXPECT("every one was switched to at least twice", ok_runs);
	EXPECT_EQ("kill the spinner", sys_env_destroy((uint64_t)spin, 0, 0),
	    0);
	EXPECT_EQ("sleepers: free pages back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("sleepers: our page usage back", me()->page_used, used0);
	EXPECT_EQ("sleepers: our env usage back", me()->env_used, 1);
}

static void
test_full(void)
{
	static int64_t ids[XOK_NENV];
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used;
	uint64_t t0, late, max, spin0, c0, cyc0, nch, mean;
	int64_t spin, r = 0;
	int n, k;

	memset((void *)SHARED_VA, 0, XOK_PGSIZE);
	if ((spin = child(0, ROLE_SPIN, 1)) < 0) {
		EXPECT_EQ("spawn the spinner", spin, 0);
		return;
	}
	for (n = 0; n < XOK_NENV && (r = child((uint64_t)n, ROLE_FULL, 0)) > 0;
	    n++)
		ids[n] = r;
	EXPECT_EQ("sleepers until the table is full", n, XOK_NENV - 2);
	EXPECT_EQ("...then -XE_NOMEM", r, -XE_NOMEM);
	EXPECT_EQ("1,024 environments alive", nalive(), XOK_NENV);
	for (k = 0, r = 0; k < n; k++)          /* made all, now start all */
		r |= sys_env_set_status((uint64_t)ids[k], 0, XOK_ENV_RUNNABLE);
	EXPECT_EQ("...all started", r, 0);
	sleep_until_ge(&SH[S_STARTED], (uint64_t)n, xok_ticks() + 60000);
	EXPECT_EQ("every one is asleep", SH[S_STARTED], n);
	/* We sleep 100 ticks among 1,022 sleepers and the spinner.  Between
	 * our sleeping and our waking the search passes every sleeper in
	 * our ring (we are their host), running each one's predicate, at
	 * most SCHED_PREDS (8) a chunk: so at least n / 8 chunks.  What the
	 * kernel can prove about its stretches with interrupts off is their
	 * budget: the most members, predicates and slice steps one chunk
	 * took since boot.  Their times (TSC) depend on the machine and the
	 * hypervisor and are printed, not checked (docs/TESTING.md). */
	c0 = XOK_INFO->sched_chunks;
	cyc0 = XOK_INFO->sched_chunk_cycles;
	spin0 = SH[S_SPIN];
	t0 = xok_ticks();
	sleep_until_ge(&SH[S_GO2], 1, t0 + 100);
	late = xok_ticks() - t0;
	nch = XOK_INFO->sched_chunks - c0;
	mean = nch ? (XOK_INFO->sched_chunk_cycles - cyc0) / nch : 0;
	max = XOK_INFO->sched_chunk_max;
	printf("scaletest: 1,024 environments: slept %lu ticks (asked 100); "
	    "%lu searches, %lu us each on average; the longest since boot "
	    "%lu us; the most in one: %lu members, %lu predicates, %lu "
	    "slice steps\n", late, nch, mean * 1000000 / XOK_INFO->tsc_hz,
	    max * 1000000 / XOK_INFO->tsc_hz,
	    XOK_INFO->sched_chunk_tries_max, XOK_INFO->sched_chunk_preds_max,
	    XOK_INFO->sched_chunk_slices_max);
	EXPECT("init woke, not before its time", late >= 100);
	EXPECT("the spinner ran", SH[S_SPIN] > spin0);
	EXPECT("the scheduler searched in chunks: one per 8 sleepers passed",
	    nch >= (uint64_t)n / 8);
	EXPECT("no chunk tried more than 64 ring members",
	    XOK_INFO->sched_chunk_tries_max <= 64);
	EXPECT("no chunk ran more than 8 predicates",
	    XOK_INFO->sched_chunk_preds_max <= 8);
	EXPECT("...and the budget was reached (the chunks did bound it)",
	    XOK_INFO->sched_chunk_preds_max == 8);
	EXPECT("no chunk took more than one lap of the slice vector",
	    XOK_INFO->sched_chunk_slices_max <= 2 * (XOK_NSLICES + 1));
	SH[S_GO2] = 1;
	EXPECT("every one exited", all_dead(ids, n, xok_ticks() + 60000));
	sys_env_destroy((uint64_t)spin, 0, 0);
	EXPECT_EQ("full: free pages back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("full: our page usage back", me()->page_used, used0);
	EXPECT_EQ("full: our env usage back", me()->env_used, 1);
}

int
main(uint64_t arg)
{
	uint64_t t0 = xok_ticks();

	(void)arg;
	printf("scaletest: many environments, env %lx\n", xok_self());
	if (text_setup() < 0 ||
	    (int64_t)(shared_ppn = (uint64_t)sys_page_alloc(XOK_PPN_ANY,
	    0)) < 0 ||
	    sys_page_map(XOK_SELF, SHARED_VA, shared_ppn, XOK_PTE_W, 0, 0) < 0) {
		EXPECT("scaletest: set up", 0);
		printf("ALL-DONE\n");
		sys_shutdown(0, 1);
	}
	test_table();
	test_hosts();
	test_sleepers();
	test_full();
	printf("scaletest: %lu ms in all\n",
	    (xok_ticks() - t0) * 1000 / XOK_INFO->hz);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
