/*
 * sleepto.c: SLEEP_TO (kernel call 61, xok/sleepto.c).  Booted as init,
 * it checks the argument errors (bad and dead environment ids, itself,
 * bad predicates) and that a failed call has not slept; that naming an
 * environment that cannot run (never started, asleep on a predicate
 * that does not hold) does not run it, the caller sleeping as after
 * SLEEP; and that a ping-pong of two environments that each sleep
 * naming the other goes straight from one to the other: a third,
 * always runnable, environment in the same ring does not get the
 * processor at each switch (with SLEEP, env 0, it would).
 * Prints "PASS: name" or "FAIL: name ..." per check, then ALL-DONE.
 */
#include "check.h"
#include "role.h"

#define SHARED_VA 0x0000000500000000UL
#define SHARED ((volatile uint64_t *)SHARED_VA)
#define ROUNDS  1000

enum role {
	R_DRIVER = 0,
	R_ECHO,         /* sleeps naming SHARED[1] until SHARED[0] moves,
			 * then copies it to SHARED[2] */
	R_SPIN,         /* always runnable: SHARED[0]++ */
	R_SLEEPER,      /* sleeps until SHARED[0] != 0, SHARED[1]++ */
};

static const void *self_image;
static uint64_t self_size;

/* The predicate "*w op v" (op: XP_EQ or XP_NE) in p; its length. */
static uint64_t
pred_word(struct xok_pred_insn *p, const volatile uint64_t *w, uint64_t v,
    int op)
{
	p[0] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
	    .imm = (uint64_t)(uintptr_t)w };
	p[1] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1, .imm = v };
	p[2] = (struct xok_pred_insn){ .op = (uint8_t)op, .a = 0, .b = 1 };
	p[3] = (struct xok_pred_insn){ .op = XP_RET, .a = 0 };
	return 4;
}

/* The predicate "ticks >= t". */
static uint64_t
pred_tick(struct xok_pred_insn *p, uint64_t t)
{
	p[0] = (struct xok_pred_insn){ .op = XP_LDK, .a = 0,
	    .imm = __builtin_offsetof(struct xok_info, ticks) };
	p[1] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1, .imm = t };
	p[2] = (struct xok_pred_insn){ .op = XP_GEU, .a = 0, .b = 1 };
	p[3] = (struct xok_pred_insn){ .op = XP_RET, .a = 0 };
	return 4;
}

static int
child_main(enum role r)
{
	struct xok_pred_insn p[4];
	uint64_t seen = 0;

	switch (r) {
	case R_ECHO:
		for (;;) {
			uint64_t n = pred_word(p, &SHARED[0], seen, XP_NE);

			if (sys_sleep_to(p, n, SHARED[1]) < 0)
				SHARED[3]++;            /* an error: counted */
			seen = SHARED[0];
			SHARED[2] = seen;
		}
	case R_SPIN:
		for (;;)
			SHARED[0]++;
	case R_SLEEPER:
		for (;;) {
			uint64_t n = pred_word(p, &SHARED[0], 0, XP_NE);

			sys_sleep_to(p, n, 0);
			SHARED[1]++;
			sys_yield(XOK_SELF);
		}
	default:
		return 1;
	}
}

static int64_t
spawn_role(enum role r, int slices, volatile uint64_t **shared)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = r, .slices = slices, .start = 0 };

	return role_spawn(&sp, SHARED_VA, shared, NULL);
}

static int
start(int64_t child)
{
	return (int)sys_env_set_status((uint64_t)child, 0, XOK_ENV_RUNNABLE);
}

static uint64_t
runs(int64_t id)
{
	return xok_env_info((uint64_t)id)->runs;
}

static void
test_args(void)
{
	struct xok_pred_insn p[XOK_PRED_MAX + 1];
	static volatile uint64_t never;         /* stays 0 */
	uint64_t n = pred_word(p, &never, 0, XP_NE);
	volatile uint64_t *sh;
	int64_t dead;

	EXPECT_EQ("sleep_to: an id no environment has",
	    sys_sleep_to(p, n, 0x7fffffffUL << XOK_ENV_IDXBITS | 999), -XE_NOENT);
	EXPECT_EQ("sleep_to: all bits set", sys_sleep_to(p, n, ~0UL),
	    -XE_NOENT);
	EXPECT_EQ("sleep_to: itself", sys_sleep_to(p, n, xok_self()),
	    -XE_INVAL);
	dead = spawn_role(R_SPIN, 0, &sh);
	EXPECT("sleep_to: spawned a child to kill", dead > 0);
	sys_env_destroy((uint64_t)dead, 0, 0);
	EXPECT_EQ("sleep_to: a dead environment", sys_sleep_to(p, n,
	    (uint64_t)dead), -XE_NOENT);
	EXPECT_EQ("sleep_to: n = 0", sys_sleep_to(p, 0, 0), -XE_INVAL);
	EXPECT_EQ("sleep_to: n = 33", sys_sleep_to(p, XOK_PRED_MAX + 1, 0),
	    -XE_INVAL);
	EXPECT_EQ("sleep_to: predicate at a kernel address",
	    sys_sleep_to((void *)0xffffffff80100000UL, n, 0), -XE_FAULT);
	EXPECT_EQ("sleep_to: predicate unmapped",
	    sys_sleep_to((void *)0x0000000300000000UL, n, 0), -XE_FAULT);
	p[3].op = XP_LDI;
	EXPECT_EQ("sleep_to: predicate without RET", sys_sleep_to(p, n, 0),
	    -XE_INVAL);
	p[0] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
	    .imm = 0x0000000300000000UL };
	p[1] = (struct xok_pred_insn){ .op = XP_RET, .a = 0 };
	EXPECT_EQ("sleep_to: predicate's load faults", sys_sleep_to(p, 2, 0),
	    -XE_FAULT);
	/* (had any of these slept, `never` would have kept us asleep) */
	EXPECT("sleep_to: no failed call slept", 1);
}

static void
test_cannot_run(void)
{
	struct xok_pred_insn p[4];
	volatile uint64_t *sh, *sl;
	int64_t idle = spawn_role(R_SPIN, 0, &sh);       /* never started */
	int64_t sleeper = spawn_role(R_SLEEPER, 0, &sl);
	uint64_t t, r0;

	EXPECT("sleep_to: spawned two children", idle > 0 && sleeper > 0);
	start(sleeper);
	EXPECT("sleep_to: the sleeper sleeps", WAIT_FOR(
	    xok_env_info((uint64_t)sleeper)->state == XOK_ENV_SLEEPING, 500));
	r0 = runs(sleeper);

	p[0] = (struct xok_pred_insn){ .op = XP_LDI, .a = 0, .imm = 1 };
	p[1] = (struct xok_pred_insn){ .op = XP_RET, .a = 0 };
	EXPECT_EQ("sleep_to: a predicate that holds returns at once",
	    sys_sleep_to(p, 2, (uint64_t)idle), 0);

	t = xok_ticks() + 5;
	EXPECT_EQ("sleep_to: naming an environment never started",
	    sys_sleep_to(p, pred_tick(p, t), (uint64_t)idle), 0);
	EXPECT("sleep_to: woke at the tick", xok_ticks() >= t);
	EXPECT("sleep_to: the environment never started did not run",
	    runs(idle) == 0 && sh[0] == 0);

	t = xok_ticks() + 5;
	EXPECT_EQ("sleep_to: naming a sleeper whose predicate is false",
	    sys_sleep_to(p, pred_tick(p, t), (uint64_t)sleeper), 0);
	EXPECT("sleep_to: woke at the tick (2)", xok_ticks() >= t);
	EXPECT("sleep_to: the sleeper did not run", runs(sleeper) == r0 &&
	    sl[1] == 0);

	/* its predicate holds: now it may run, and does */
	sl[0] = 1;
	t = xok_ticks() + 5;
	EXPECT_EQ("sleep_to: naming a sleeper whose predicate holds",
	    sys_sleep_to(p, pred_tick(p, t), (uint64_t)sleeper), 0);
	EXPECT("sleep_to: the woken sleeper ran", WAIT_FOR(sl[1] != 0, 500));
	sys_env_destroy((uint64_t)idle, 0, 0);
	sys_env_destroy((uint64_t)sleeper, 0, 0);
}

static void
test_pingpong(void)
{
	struct xok_pred_insn p[4];
	volatile uint64_t *sh, *sp;
	int64_t echo = spawn_role(R_ECHO, 0, &sh);
	int64_t spin = spawn_role(R_SPIN, 0, &sp);
	uint64_t i, spins0, t0, ok = 1;

	EXPECT("sleep_to: spawned the echo and the spinner",
	    echo > 0 && spin > 0);
	sh[1] = xok_self();
	start(echo);
	start(spin);
	WAIT_FOR(xok_env_info((uint64_t)echo)->state == XOK_ENV_SLEEPING,
	    500);
	spins0 = runs(spin);
	t0 = xok_ticks();
	for (i = 1; i <= ROUNDS; i++) {
		sh[0] = i;
		if (sys_sleep_to(p, pred_word(p, &sh[2], i, XP_EQ),
		    (uint64_t)echo) < 0 || sh[2] != i)
			ok = 0;
	}
	EXPECT("sleep_to: 1,000 round trips, each byte echoed", ok &&
	    sh[3] == 0);
	/* The spinner runs at clock ticks (the slice ends), not at each
	 * switch: allow one run per tick and a few more. */
	printf("sleep_to: %lu round trips in %lu ticks, the spinner ran %lu "
	    "times\n", (uint64_t)ROUNDS, xok_ticks() - t0,
	    runs(spin) - spins0);
	EXPECT("sleep_to: switches go to the named environment, not the "
	    "scheduler's next", runs(spin) - spins0 <=
	    (xok_ticks() - t0) * 2 + 10 && runs(spin) - spins0 < ROUNDS / 4);
	sys_env_destroy((uint64_t)echo, 0, 0);
	sys_env_destroy((uint64_t)spin, 0, 0);
}

int
main(uint64_t arg)
{
	if (arg != R_DRIVER)
		return child_main((enum role)arg);
	printf("sleepto: SLEEP_TO tests, env %lx\n", xok_self());
	self_image = exos_module("sleepto.elf", &self_size);
	EXPECT("sleepto finds its own boot module", self_image != NULL);
	if (!self_image) {
		printf("ALL-DONE\n");
		sys_shutdown(0, 1);
	}
	test_args();
	test_cannot_run();
	test_pingpong();
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
