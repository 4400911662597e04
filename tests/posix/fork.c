/*
 * fork.c: fork, wait4/waitpid and getppid, built with exos-cc and booted
 * as the first process by tests/guest/posixfork.sh.  Checks: fork
 * returns twice; a child's writes are invisible to its parent and the
 * parent's to the child (stack, small and large heap blocks, static
 * data, TLS); the child keeps the FPU and SSE control state and the TLS
 * pointer; wait status macros for exit codes 0, 3 and 255 and for
 * deaths by SIGSEGV, SIGILL and SIGFPE; WNOHANG; ECHILD and EINVAL;
 * 200 forks in a row with their exit codes (and, on ExOS, every page
 * back afterwards); a fork bomb ends in EAGAIN (ExOS: the environment
 * table and the time slices bound it).  Plain C: built with gcc for
 * Linux it passes the same checks (the bomb is skipped there: Linux
 * bounds it with RLIMIT_NPROC, which root ignores).  Children leave with
 * _exit so that stdout's buffer is flushed once.
 */
#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#ifdef __exos__
#include <xok/abi.h>
#endif

static int failures;

#define EXPECT(what, cond) do {                                         \
	if (cond)                                                       \
		printf("PASS: fork: %s\n", what);                       \
	else {                                                          \
		printf("FAIL: fork: %s (%s:%d)\n", what, __FILE__,      \
		    __LINE__);                                          \
		failures++;                                             \
	}                                                               \
} while (0)

static long
free_pages(void)
{
#ifdef __exos__
	return (long)XOK_INFO->nfree;
#else
	return 0;
#endif
}

static int sdata = 1234;                /* .data */
static char sbss[3 * 4096];             /* .bss, three pages */
static __thread long tls_val = 5;
/* the big buffer escapes, so the child's writes to it before _exit
 * cannot be optimised away */
static unsigned char *volatile big_seen;

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static pid_t
xfork(void)
{
	fflush(stdout);
	return fork();
}

static unsigned
get_mxcsr(void)
{
	unsigned m;

	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static void
set_mxcsr(unsigned m)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static unsigned short
get_fcw(void)
{
	unsigned short w;

	__asm__ volatile("fnstcw %0" : "=m"(w));
	return w;
}

static void
set_fcw(unsigned short w)
{
	__asm__ volatile("fldcw %0" : : "m"(w));
}

/* Wait for pid; its status, or -1 if waitpid did not return pid. */
static int
reap(pid_t pid)
{
	int st = -1;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static int
child_status(int how)
{
	pid_t pid = xfork();
	volatile int zero = 0;

	if (pid == 0) {
		switch (how) {
		case 0:
		case 3:
		case 255:
			_exit(how);
		case SIGSEGV:
			*(volatile int *)(uintptr_t)zero = 1;
			break;
		case SIGILL:
			__builtin_trap();
			break;
		case SIGFPE:
			_exit(100 / zero);
		}
		_exit(99);
	}
	return pid < 0 ? -2 : reap(pid);
}

static void
test_isolation(void)
{
	volatile long onstack = 77;
	long *small = malloc(sizeof(long));
	size_t bign = 4u << 20, i;
	unsigned char *big = malloc(bign);
	int st, ok;
	pid_t pid, me = getpid();

	if (!small || !big) {
		EXPECT("malloc before fork", 0);
		return;
	}
	big_seen = big;
	*small = 11;
	memset(big, 0xa5, bign);
	sbss[4096] = 'p';
	tls_val = 66;
	pid = xfork();
	if (pid == 0) {
		/* the child: sees the parent's values, its writes stay here;
		 * wait for the parent to write its own first */
		int bad = 0;

		msleep(30);
		bad |= getppid() != me;
		bad |= getpid() == me;
		bad |= onstack != 77 || *small != 11 || sdata != 1234 ||
		    sbss[4096] != 'p' || tls_val != 66;
		for (i = 0; i < bign; i += 4096)
			bad |= big[i] != 0xa5 || big[i + 4095] != 0xa5;
		onstack = 1;
		*small = 2;
		sdata = 3;
		sbss[4096] = 'c';
		tls_val = 4;
		memset(big, 0x11, bign);
		bad |= onstack != 1 || *small != 2 || sdata != 3 ||
		    sbss[4096] != 'c' || tls_val != 4 || big[bign - 1] != 0x11;
		_exit(bad ? 1 : 42);
	}
	EXPECT("fork returns the child's pid in the parent",
	    pid > 0 && pid != me);
	/* the parent writes half of the big buffer before the child looks */
	memset(big, 0x5a, bign / 2);
	sdata = 99;
	st = reap(pid);
	EXPECT("child saw the parent's memory as at fork, its own writes",
	    st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 42);
	for (i = 0, ok = 1; i < bign; i += 4096)
		ok &= big[i] == (i < bign / 2 ? 0x5a : 0xa5);
	EXPECT("parent's memory untouched by the child's writes",
	    ok && onstack == 77 && *small == 11 && sdata == 99 &&
	    sbss[4096] == 'p' && tls_val == 66);
	free(big);
	free(small);
}

/* PROT_NONE pages keep their contents across fork, each process its own:
 * h1 hidden before the fork, h2 hidden by the parent after it while the
 * child writes it. */
static void
test_hidden(void)
{
	char *h = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *h1 = h, *h2 = h + 4096;
	pid_t pid;
	int st, ok;

	if (h == MAP_FAILED) {
		EXPECT("mmap before fork", 0);
		return;
	}
	h1[0] = 'A';
	h2[0] = 'A';
	ok = mprotect(h1, 4096, PROT_NONE) == 0;
	pid = xfork();
	if (pid == 0) {
		int bad = 0;

		msleep(30);
		if (mprotect(h1, 4096, PROT_READ | PROT_WRITE) != 0 ||
		    h1[0] != 'A')
			bad |= 1;
		h1[0] = 'C';
		if (h2[0] != 'A')
			bad |= 2;
		h2[0] = 'B';
		_exit(bad);
	}
	ok &= mprotect(h2, 4096, PROT_NONE) == 0;
	st = reap(pid);
	ok &= mprotect(h, 2 * 4096, PROT_READ | PROT_WRITE) == 0;
	EXPECT("PROT_NONE pages keep their contents in the child",
	    st == 0);
	EXPECT("the child's writes to pages the parent hid stay the child's",
	    ok && h1[0] == 'A' && h2[0] == 'A');
	munmap(h, 2 * 4096);
}

static void
test_cpu_state(void)
{
	unsigned mx = get_mxcsr();
	unsigned short cw = get_fcw();
	long *tp = &tls_val;
	volatile double third;
	pid_t pid;
	int st;

	fesetround(FE_UPWARD);
	set_mxcsr((get_mxcsr() & ~0x6000u) | 0x2000u | 0x8040u); /* down, FTZ, DAZ */
	set_fcw((unsigned short)((get_fcw() & ~0x0300u) | 0x0200u)); /* 53-bit */
	tls_val = 123456;
	pid = xfork();
	if (pid == 0) {
		int bad = 0;

		third = 1.0;
		third /= 3.0;
		if ((get_mxcsr() & 0xe040u) != 0xa040u)
			bad |= 1;
		if ((get_fcw() & 0x0f00u) != 0x0a00u)   /* up, 53-bit */
			bad |= 2;
		if (tls_val != 123456 || &tls_val != tp)
			bad |= 4;
		if (third > 0.33333333333333331)        /* rounded down */
			bad |= 8;
		_exit(bad);
	}
	st = reap(pid);
	set_mxcsr(mx);
	set_fcw(cw);
	fesetround(FE_TONEAREST);
	if (st != 0)
		printf("fork: cpu state child status %#x\n", st);
	EXPECT("child keeps MXCSR, the x87 control word and TLS",
	    st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_status(void)
{
	int st;

	st = child_status(0);
	EXPECT("exit(0): WIFEXITED, WEXITSTATUS 0",
	    st >= 0 && WIFEXITED(st) && !WIFSIGNALED(st) &&
	    WEXITSTATUS(st) == 0 && st == 0);
	st = child_status(3);
	EXPECT("exit(3): WEXITSTATUS 3, status 0x300",
	    st == 0x300 && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	st = child_status(255);
	EXPECT("exit(255): WEXITSTATUS 255",
	    st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 255);
	st = child_status(SIGSEGV);
	EXPECT("segfault: WIFSIGNALED, WTERMSIG SIGSEGV",
	    st >= 0 && WIFSIGNALED(st) && !WIFEXITED(st) &&
	    WTERMSIG(st) == SIGSEGV);
	st = child_status(SIGILL);
	EXPECT("ud2: WTERMSIG SIGILL", st >= 0 && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGILL);
	st = child_status(SIGFPE);
	EXPECT("divide by zero: WTERMSIG SIGFPE", st >= 0 &&
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE);
}

static void
test_wait_errors(void)
{
	pid_t pid, r;
	int st = -7;

	errno = 0;
	EXPECT("wait with no children: ECHILD",
	    wait(&st) == -1 && errno == ECHILD);
	errno = 0;
	EXPECT("waitpid(-1, WNOHANG) with no children: ECHILD",
	    waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD);
	errno = 0;
	EXPECT("waitpid(getpid()): ECHILD",
	    waitpid(getpid(), &st, 0) == -1 && errno == ECHILD);
	pid = xfork();
	if (pid == 0) {
		msleep(200);
		_exit(7);
	}
	st = -7;
	r = waitpid(pid, &st, WNOHANG);
	EXPECT("WNOHANG with a live child returns 0, status untouched",
	    r == 0 && st == -7);
	errno = 0;
	EXPECT("waitpid with unknown options: EINVAL",
	    waitpid(pid, &st, 0x1000000) == -1 && errno == EINVAL);
	r = waitpid(-1, &st, WNOHANG);
	EXPECT("waitpid(-1, WNOHANG) with a live child returns 0", r == 0);
	r = waitpid(-1, &st, 0);
	EXPECT("waitpid(-1) sleeps until the child exits",
	    r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	errno = 0;
	EXPECT("waitpid of a reaped child: ECHILD",
	    waitpid(pid, &st, 0) == -1 && errno == ECHILD);
}

static void
test_many(void)
{
	long before, after;
	int i, st, ok = 1, bad_i = -1;
	pid_t pid;
	/* both write a heap page each round: the parent while the child
	 * may still map it (a copy, the old page lent to the child), the
	 * child another (its own copy or the page taken) */
	volatile unsigned char *buf = malloc(4 * 4096);

	if (!buf) {
		EXPECT("malloc before 200 forks", 0);
		return;
	}
	big_seen = (unsigned char *)buf;
	memset((void *)buf, 0, 4 * 4096);
	before = free_pages();
	for (i = 0; i < 200; i++) {
		buf[0] = (unsigned char)i;
		pid = xfork();
		if (pid == 0) {
			buf[2 * 4096] = 1;
			_exit(buf[0] == (unsigned char)i ? (i * 7) & 0xff : 1);
		}
		buf[0] = (unsigned char)(i + 1);
		if (pid < 0 || (st = reap(pid)) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != ((i * 7) & 0xff)) {
			ok = 0;
			bad_i = i;
			break;
		}
	}
	after = free_pages();
	if (!ok)
		printf("fork: round %d failed (errno %d)\n", bad_i, errno);
	EXPECT("200 forks, each child's exit code seen by the parent", ok);
	if (after != before)
		printf("fork: free pages %ld before, %ld after\n", before,
		    after);
	EXPECT("every page back after 200 forks", after == before);
	free((void *)buf);
}

#ifdef __exos__
#define BOMB_ENVS 24    /* the bomber and its children: its quota */

/* Xok's ENV_SET_QUOTA(env, slot 0, env_limit, page_limit), straight to
 * the kernel (the test, not libc; Linux's argument registers). */
static long
xok_set_quota(uint64_t env, uint64_t env_limit, uint64_t page_limit)
{
	register uint64_t r10 __asm__("r10") = page_limit;
	long r;

	__asm__ volatile("syscall" : "=a"(r)
	    : "a"((uint64_t)XOK_SYS_ENV_SET_QUOTA), "D"(env), "S"(0UL),
	    "d"(env_limit), "r"(r10)
	    : "rcx", "r11", "memory");
	return r;
}

/* The bomber: wait for its quota, fork until refused, reap, report in
 * its exit status. */
static void
bomber(void)
{
	volatile const struct xok_env_info *me =
	    &XOK_INFO->envs[XOK_ENVX(XOK_INFO->cur_env)];
	int n = 0, reaped = 0, ok = 1, st, err = 0;
	pid_t pid;

	while (me->env_limit > BOMB_ENVS)
		sched_yield();
	for (;;) {
		pid = xfork();
		if (pid == 0)
			_exit(5);
		if (pid < 0) {
			err = errno;
			break;
		}
		if (++n > 4000)
			break;
	}
	while ((pid = wait(&st)) > 0) {
		reaped++;
		ok &= WIFEXITED(st) && WEXITSTATUS(st) == 5;
	}
	printf("fork: bomb made %d children\n", n);
	fflush(stdout);
	if (err != EAGAIN)
		_exit(1);
	if (n < 1 || n >= BOMB_ENVS)
		_exit(2);
	if (!ok || reaped != n || errno != ECHILD)
		_exit(3);
	pid = xfork();          /* its quota is free again */
	if (pid == 0)
		_exit(6);
	st = pid > 0 ? reap(pid) : -1;
	_exit(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 6 ? 0 : 4);
}
#endif

/*
 * A fork bomb in a child whose environment quota (Xok's process limit,
 * ENV_SET_QUOTA) the parent cut to BOMB_ENVS: fork ends in EAGAIN, not a
 * hang or a crash; every child is reaped with its status; the quota is
 * free again afterwards.  (scaletest fills the whole 1,024-entry table.)
 */
static void
test_bomb(void)
{
#ifdef __exos__
	volatile const struct xok_env_info *ei;
	pid_t pid;
	int st;

	pid = xfork();
	if (pid == 0)
		bomber();
	/* pids are not environment slots: the bomber is our one living
	 * child environment */
	ei = NULL;
	for (st = 0; pid > 0 && st < XOK_NENV; st++)
		if (XOK_INFO->envs[st].parent == XOK_INFO->cur_env &&
		    XOK_INFO->envs[st].state != XOK_ENV_FREE &&
		    XOK_INFO->envs[st].state != XOK_ENV_ZOMBIE)
			ei = &XOK_INFO->envs[st];
	if (!ei) {
		EXPECT("fork bomb: the bomber started", 0);
		return;
	}
	EXPECT("fork bomb: the bomber's quota is cut",
	    xok_set_quota(ei->id, BOMB_ENVS, ei->page_limit) == 0);
	st = reap(pid);
	EXPECT("fork bomb: fork fails with EAGAIN within the quota",
	    st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) != 1 &&
	    WEXITSTATUS(st) != 2);
	EXPECT("fork bomb: every child reaped with its status, then ECHILD; "
	    "fork works again", st >= 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
#else
	printf("SKIP: fork: fork bomb (Linux)\n");
#endif
}

int
main(void)
{
	pid_t pid, me = getpid();
	int st;

	/* warm up: the libOS's first fork sets up its fault handler */
	pid = xfork();
	if (pid == 0)
		_exit(getppid() == me ? 0 : 1);
	st = reap(pid);
	EXPECT("fork returns 0 in the child, which sees its parent's pid",
	    pid > 0 && st == 0);
	test_isolation();
	test_hidden();
	test_cpu_state();
	test_status();
	test_wait_errors();
	test_many();
	test_bomb();
	printf("fork: %d failures\n", failures);
	printf("ALL-DONE\n");
	return failures ? 1 : 0;
}
