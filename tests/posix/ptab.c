/*
 * ptab.c: the family's shared region (ExOS only) and the process table
 * (both systems).  Built with exos-cc and run by tests/guest/ptab.sh
 * under scripts/exos-run (argv[0] is /bin/ptab there, and the program
 * execs itself); built with gcc and run on Linux by the same script,
 * where the same process checks must pass.
 *
 * ExOS's region (libexos/posix/shm.c): objects and pages zeroed and
 * distinct, reused after a free; a child sees what its parent wrote
 * and the parent what the child wrote; a page the child adds after the
 * fork is seen by the parent; a grandchild that exec'd this program
 * writes into the region and into a page it adds, and the first
 * process reads both; px_lock excludes, a waiter sleeps until the
 * holder unlocks, a lock whose holder was killed or exited holding it
 * is taken over (px_lock returns 1), whether the waiter came before or
 * after the death, including a holder killed with SIGKILL.
 *
 * The process table (both systems): pids distinct, a child's getpid is
 * what fork returned, gettid is the pid; an orphan's parent becomes
 * the reaper (init, pid 1, on ExOS where this program is the first
 * process; on Linux this program made itself the subreaper) which
 * waits for it; setpgid, setsid, getpgid, getsid, getpgrp with their
 * errors (ESRCH, EPERM, EACCES after the child exec'd, EINVAL); kill to
 * a pid, a group, our own group, -1 (ExOS: SIGKILL to all but init and
 * us; Linux: the probe only), signal 0, ESRCH, EINVAL; waitpid on a
 * group, on our group, WNOHANG, ECHILD, EINVAL; a zombie's pid is not
 * handed out again while it waits.
 */
#define PTEST_SUITE "ptab"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#ifndef __exos__
#include <sys/prctl.h>
#endif
#include "ptest.h"

static char *self_path;

/* A child that sleeps until it is killed (10 s at most). */
static void
sleeper(void)
{
	struct timespec ts = { 0, 10000000 };
	int i;

	for (i = 0; i < 1000; i++)
		nanosleep(&ts, NULL);
	_exit(3);
}

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait for pid; its wait status, or -1. */
static int
reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

#ifdef __exos__
#include <stddef.h>

/* libexos/posix/shm.h (not installed in the sysroot) */
struct px_lock {
	volatile uint64_t owner;
	volatile uint64_t want;
};
void *px_shm_alloc(size_t n);
void px_shm_free(void *p, size_t n);
int px_lock(struct px_lock *l);
void px_unlock(struct px_lock *l);

#define SHM_LO 0x0000380000000000UL
#define SHM_HI (SHM_LO + (1UL << 32))

struct shared {
	volatile long from_child, from_grandchild, from_exec_page;
	long *volatile late;            /* a page added after the fork */
	struct px_lock lock;
	volatile long inside;
	volatile long cycles, stop;     /* the fairness checks */
};

static int
in_region(const void *p)
{
	return (uintptr_t)p >= SHM_LO && (uintptr_t)p < SHM_HI;
}

static int
zeroed(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return 0;
	return 1;
}

/* The exec'd grandchild: argv[2] is the address of the shared block. */
static int
grandchild(const char *addr)
{
	struct shared *s = (struct shared *)strtoul(addr, NULL, 16);
	long *page = px_shm_alloc(8192);

	if (!in_region(s) || !page)
		return 2;
	page[1000] = 4242;
	s->from_grandchild = 31337;
	s->from_exec_page = (long)&page[1000];
	return 7;
}

/*
 * Fairness (shm.c): a holder that yields inside its critical section
 * and locks again right after unlocking.  A woken waiter runs only
 * after the holder has locked again, so without the hand-off it found
 * the lock held every time and starved until the holder stopped.  With
 * it, a waiter that lost once is handed the lock at the next unlock: a
 * few of the holder's cycles at most (a count, not a time).
 */
#define FAIR_MAXCYCLES  20000
static void
test_fair(struct shared *s)
{
	pid_t pid;
	long c0, worst = 0, i;
	int st;

	s->cycles = 0;
	s->stop = 0;
	if ((pid = fork()) == 0) {
		while (!s->stop && s->cycles < FAIR_MAXCYCLES) {
			px_lock(&s->lock);
			s->cycles++;
			sched_yield();
			px_unlock(&s->lock);
		}
		_exit(0);
	}
	while (s->cycles < 3)
		sched_yield();
	for (i = 0; i < 10; i++) {
		c0 = s->cycles;
		px_lock(&s->lock);
		if (s->cycles - c0 > worst)
			worst = s->cycles - c0;
		px_unlock(&s->lock);
		sched_yield();
	}
	s->stop = 1;
	if (worst > 4)
		printf("fair: %ld of the holder's cycles before our turn "
		    "(cycles %ld)\n", worst, s->cycles), fflush(stdout);
	EXPECT("lock: a waiter is handed the lock within a few cycles of a "
	    "holder that relocks at once", worst <= 4);
	EXPECT("lock: the relocking holder finished", reap(pid) == 0);

	/* A claimant that dies: its claim is ignored, the lock is freed,
	 * not handed to the dead (and not "taken over" next). */
	px_lock(&s->lock);
	if ((pid = fork()) == 0) {
		px_lock(&s->lock);
		_exit(0);
	}
	for (i = 0; i < 500 && s->lock.want == 0; i++)
		msleep(10);
	EXPECT("lock: a waiter claims the next hand-off before it sleeps",
	    s->lock.want != 0 && s->lock.owner != 0);
	kill(pid, SIGKILL);
	st = reap(pid);
	EXPECT("lock: the claimant died of SIGKILL", WIFSIGNALED(st));
	px_unlock(&s->lock);
	EXPECT("lock: a dead claimant gets nothing: the lock is free",
	    s->lock.owner == 0 && s->lock.want == 0);
	EXPECT("lock: and taken plainly next (0)", px_lock(&s->lock) == 0);
	px_unlock(&s->lock);

	/* A claimant killed right after the hand-off: a dead holder,
	 * taken over (or, had it run first, a plain free lock). */
	px_lock(&s->lock);
	if ((pid = fork()) == 0) {
		px_lock(&s->lock);
		px_unlock(&s->lock);
		_exit(0);
	}
	for (i = 0; i < 500 && s->lock.want == 0; i++)
		msleep(10);
	px_unlock(&s->lock);            /* handed to the claimant */
	EXPECT("lock: an unlock with a claimant hands it over",
	    s->lock.owner != 0);
	kill(pid, SIGKILL);
	st = px_lock(&s->lock);
	EXPECT("lock: the lock handed to a claimant killed at once is ours "
	    "again", st == 0 || st == 1);
	px_unlock(&s->lock);
	reap(pid);
}

static void
test_shm(void)
{
	struct shared *s = px_shm_alloc(sizeof(*s));
	char *a = px_shm_alloc(24), *b = px_shm_alloc(24), *c, *pg;
	pid_t pid;
	int i, st;

	EXPECT("shm: a block in the region, zeroed", s && in_region(s) &&
	    zeroed(s, sizeof(*s)));
	EXPECT("shm: small objects distinct, zeroed", a && b && a != b &&
	    in_region(a) && in_region(b) && zeroed(a, 24) && zeroed(b, 24));
	memset(a, 0x5a, 24);
	px_shm_free(a, 24);
	c = px_shm_alloc(20);
	EXPECT("shm: a freed object is reused, zeroed again", c == a &&
	    zeroed(c, 20));
	pg = px_shm_alloc(3 * 4096);
	EXPECT("shm: whole pages, page-aligned, zeroed", pg &&
	    in_region(pg) && ((uintptr_t)pg & 4095) == 0 &&
	    zeroed(pg, 3 * 4096));
	memset(pg, 1, 3 * 4096);
	px_shm_free(pg, 3 * 4096);
	EXPECT("shm: freed pages come back, zeroed",
	    px_shm_alloc(2 * 4096) == pg && zeroed(pg, 2 * 4096));
	EXPECT("shm: 16 MiB is refused (NULL)",
	    px_shm_alloc(16 << 20) == NULL);

	/* fork shares the region both ways; a page added late is seen */
	pg[100] = 9;
	if ((pid = fork()) == 0) {
		long *late;

		if (pg[100] != 9)
			_exit(1);
		s->from_child = 1234;
		if (!(late = px_shm_alloc(64 * 4096)))
			_exit(2);
		late[64 * 512 - 1] = 777;
		s->late = late;
		_exit(0);
	}
	st = reap(pid);
	EXPECT("shm: the child saw the parent's write", st == 0);
	EXPECT("shm: the parent sees the child's write", s->from_child == 1234);
	EXPECT("shm: a page the child added is mapped in the parent",
	    s->late && in_region(s->late) && s->late[64 * 512 - 1] == 777);

	/* a grandchild after execve writes into the region */
	if ((pid = fork()) == 0) {
		pid_t g = fork();

		if (g == 0) {
			char addr[32];

			snprintf(addr, sizeof(addr), "%lx", (unsigned long)s);
			execl(self_path, self_path, "grandchild", addr,
			    (char *)NULL);
			printf("execl %s: %s\n", self_path, strerror(errno)), fflush(stdout);
			_exit(99);
		}
		st = g > 0 ? reap(g) : -1;
		if (st != 7 << 8)
			printf("grandchild %d: status %#x\n", (int)g, st), fflush(stdout);
		_exit(st == 7 << 8 ? 0 : 1);
	}
	st = reap(pid);
	if (st != 0)
		printf("exec'd grandchild: status %#x (%s)\n", st, self_path);
	EXPECT("shm: the exec'd grandchild ran (status 7)", st == 0);
	EXPECT("shm: its write is seen by the first process",
	    s->from_grandchild == 31337);
	EXPECT("shm: a page it added is seen too", s->from_exec_page &&
	    in_region((void *)s->from_exec_page) &&
	    *(long *)s->from_exec_page == 4242);

	/* locks: exclusion and sleeping; the child waits for us */
	EXPECT("lock: free lock taken (0)", px_lock(&s->lock) == 0);
	if ((pid = fork()) == 0) {
		int r = px_lock(&s->lock);

		s->inside = 1;
		px_unlock(&s->lock);
		_exit(r == 0 ? 0 : 1);
	}
	msleep(100);
	EXPECT("lock: a waiter stays out while we hold it", s->inside == 0);
	px_unlock(&s->lock);
	EXPECT("lock: the waiter got it after the unlock (0)",
	    reap(pid) == 0 && s->inside == 1);

	/* a holder that exits holding it, before we ask */
	if ((pid = fork()) == 0) {
		px_lock(&s->lock);
		_exit(0);
	}
	reap(pid);
	EXPECT("lock: a dead holder's lock is taken over (1)",
	    px_lock(&s->lock) == 1);
	px_unlock(&s->lock);

	/* a holder that dies while we sleep on the lock */
	if ((pid = fork()) == 0) {
		px_lock(&s->lock);
		s->inside = 2;
		msleep(200);
		_exit(0);
	}
	for (i = 0; i < 500 && s->inside != 2; i++)
		msleep(10);
	EXPECT("lock: the child holds it", s->inside == 2 &&
	    s->lock.owner != 0);
	EXPECT("lock: a waiter wakes when the holder dies (1)",
	    px_lock(&s->lock) == 1);
	px_unlock(&s->lock);
	EXPECT("lock: the holder exited", reap(pid) == 0);

	/* a holder killed (SIGKILL) while we sleep on the lock */
	s->inside = 0;
	if ((pid = fork()) == 0) {
		px_lock(&s->lock);
		s->inside = 3;
		sleeper();
	}
	for (i = 0; i < 500 && s->inside != 3; i++)
		msleep(10);
	if (fork() == 0) {
		msleep(100);
		_exit(kill(pid, SIGKILL) == 0 ? 0 : 1);
	}
	EXPECT("lock: a waiter wakes when the holder is killed (1)",
	    px_lock(&s->lock) == 1);
	px_unlock(&s->lock);
	st = reap(pid);
	EXPECT("lock: the holder died of SIGKILL", WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGKILL);
	EXPECT("lock: the killer's kill returned 0", wait(&st) > 0 && st == 0);
	while (wait(NULL) > 0)
		;
	test_fair(s);
}
#endif


static void
test_pids(void)
{
	pid_t pid[5], me = getpid();
	int i, j, st, ok = 1, distinct = 1;

#ifdef __exos__
	EXPECT("pid: the first process is pid 1", me == 1);
#endif
	EXPECT_RET("pid: gettid is the pid", syscall(SYS_gettid), me);
	for (i = 0; i < 5; i++) {
		if ((pid[i] = fork()) == 0)
			_exit(getppid() == me ? getpid() & 0xff : 0);
	}
	for (i = 0; i < 5; i++) {
		st = reap(pid[i]);
		if (pid[i] <= 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != (pid[i] & 0xff))
			ok = 0;
		for (j = 0; j < i; j++)
			if (pid[j] == pid[i])
				distinct = 0;
	}
	EXPECT("pid: five children, each's getpid is what fork returned, "
	    "getppid ours", ok);
	EXPECT("pid: distinct", distinct);
#ifdef __exos__
	for (i = 0; i < 5; i++)
		if (pid[i] < 2 || pid[i] > 32767)
			ok = 0;
	EXPECT("pid: small (2..32767)", ok);
#endif
}

static void
test_orphans(void)
{
	pid_t me = getpid(), c, g;
	int st;

	if ((c = fork()) == 0) {
		if (fork() == 0) {
			int i;

			for (i = 0; i < 500 && getppid() != me; i++)
				msleep(10);
			_exit(getppid() == me ? 5 : 6);
		}
		_exit(0);
	}
	EXPECT("orphan: its parent exits 0", reap(c) == 0);
	g = wait(&st);
	EXPECT("orphan: the reaper waits for the orphan", g > 0 && g != c);
	EXPECT("orphan: its getppid became the reaper's pid (status 5)",
	    WIFEXITED(st) && WEXITSTATUS(st) == 5);
	EXPECT_ERR("orphan: nothing left: ECHILD", wait(&st), ECHILD);

	/* an orphan that dies of a fault: the reaper gets SIGSEGV */
	if ((c = fork()) == 0) {
		if (fork() == 0) {
			int i;

			for (i = 0; i < 500 && getppid() != me; i++)
				msleep(10);
			msleep(50);
			*(volatile int *)0 = 1;
			_exit(7);
		}
		_exit(0);
	}
	EXPECT("orphan: the second parent exits 0", reap(c) == 0);
	g = wait(&st);
	EXPECT("orphan: one that faults is reaped with SIGSEGV", g > 0 &&
	    g != c && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

	/* five such orphans at once (on ExOS, more than the wait could
	 * once watch one by one): each reaped with SIGSEGV, the wait
	 * ending at each death (exact: no timer) */
	if ((c = fork()) == 0) {
		int k;

		for (k = 0; k < 5; k++)
			if (fork() == 0) {
				int i;

				for (i = 0; i < 500 && getppid() != me; i++)
					msleep(10);
				msleep(100 + 60 * k);
				*(volatile int *)0 = 1;
				_exit(7);
			}
		_exit(0);
	}
	EXPECT("orphans: their parent exits 0", reap(c) == 0);
	{
		int k, segv = 0;

		for (k = 0; k < 5; k++) {
			g = wait(&st);
			if (g > 0 && g != c && WIFSIGNALED(st) &&
			    WTERMSIG(st) == SIGSEGV)
				segv++;
		}
		EXPECT("orphans: five that fault, each reaped with SIGSEGV",
		    segv == 5);
		EXPECT_ERR("orphans: then ECHILD", wait(&st), ECHILD);
	}
}

static void
test_groups(void)
{
	pid_t me = getpid(), c, gone;
	int st;

	EXPECT_RET("pgrp: getpgrp is getpgid(0)", getpgrp(), getpgid(0));
	EXPECT_RET("pgrp: getpgid(ours) is getpgid(0)", getpgid(me),
	    getpgid(0));
	EXPECT_RET("pgrp: getsid(ours) is getsid(0)", getsid(me), getsid(0));
	if ((gone = fork()) == 0)
		_exit(0);
	if (gone < 0)
		printf("    (fork: %s)\n", strerror(errno));
	EXPECT("pgrp: fork after the orphans' deaths succeeds", gone > 0);
	reap(gone);
	EXPECT_ERR("pgrp: getpgid(a reaped pid): ESRCH", getpgid(gone), ESRCH);
	EXPECT_ERR("pgrp: getsid(a reaped pid): ESRCH", getsid(gone), ESRCH);
	EXPECT_ERR("pgrp: setpgid(0, -1): EINVAL", setpgid(0, -1), EINVAL);
	EXPECT_ERR("pgrp: setpgid(a reaped pid): ESRCH", setpgid(gone, 0),
	    ESRCH);
#ifdef __exos__
	EXPECT_ERR("pgrp: setpgid(0, 0) by init, a session leader: EPERM",
	    setpgid(0, 0), EPERM);
#else
	EXPECT_ERR("pgrp: setpgid(our parent): ESRCH", setpgid(getppid(), 0),
	    ESRCH);
#endif

	/* in a child: a new group, then a session */
	if ((c = fork()) == 0) {
		int bad = 0;

		if (setpgid(0, 0) != 0 || getpgid(0) != getpid() ||
		    getpgrp() != getpid())
			bad |= 1;
		if (setsid() != -1 || errno != EPERM)
			bad |= 2;               /* a group leader */
		if (setpgid(0, gone) != -1 || errno != EPERM)
			bad |= 4;       /* no such group */
		if (setpgid(0, getpgid(getppid())) != 0 ||
		    getpgrp() != getpgid(getppid()))
			bad |= 8;       /* back into our parent's */
		_exit(bad);
	}
	st = reap(c);
	EXPECT("pgrp: a child's setpgid(0,0) makes a group; setsid then "
	    "EPERM; joining a group that is not there EPERM",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("    (child status %#x)\n", st);
	if ((c = fork()) == 0) {
		int bad = 0;
		pid_t s = setsid();

		if (s != getpid() || getsid(0) != s || getpgid(0) != s)
			bad |= 1;
		if (setpgid(0, 0) != -1 || errno != EPERM)
			bad |= 2;               /* a session leader */
		if (setsid() != -1 || errno != EPERM)
			bad |= 4;
		_exit(bad);
	}
	st = reap(c);
	EXPECT("pgrp: setsid in a child: a session and group of its own; "
	    "then setpgid and setsid EPERM",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* the parent moves its child; not across sessions; not after exec */
	if ((c = fork()) == 0)
		sleeper();
	EXPECT_RET("pgrp: setpgid(child, child) from the parent",
	    setpgid(c, c), 0);
	EXPECT_RET("pgrp: the child's group is its pid", getpgid(c), c);
	EXPECT_RET("pgrp: setpgid(child, our group) back", setpgid(c,
	    getpgrp()), 0);
	EXPECT_RET("pgrp: getsid(child) is ours", getsid(c), getsid(0));
	kill(c, SIGKILL);
	reap(c);
	if ((c = fork()) == 0) {
		setsid();
		sleeper();
	}
	for (st = 0; st < 500 && getsid(c) != c; st++)
		msleep(10);
	EXPECT_ERR("pgrp: setpgid of a child in another session: EPERM",
	    setpgid(c, getpgrp()), EPERM);
	kill(c, SIGKILL);
	reap(c);
	if ((c = fork()) == 0) {
		execl(self_path, self_path, "sleeper", (char *)NULL);
		_exit(99);
	}
	for (st = 0; st < 500; st++) {
		errno = 0;
		if (setpgid(c, c) == -1 && errno == EACCES)
			break;
		msleep(10);
	}
	EXPECT_ERR("pgrp: setpgid of a child that exec'd: EACCES",
	    setpgid(c, c), EACCES);
	kill(c, SIGKILL);
	st = reap(c);
	EXPECT("pgrp: the exec'd child died of SIGKILL", WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGKILL);
}

static void
test_kill_wait(void)
{
	pid_t c, g[3], gone, z, other;
	int i, st, ok;

	if ((gone = fork()) == 0)
		_exit(0);
	reap(gone);
	if ((c = fork()) == 0)
		sleeper();
	EXPECT_RET("kill: signal 0 to a live child", kill(c, 0), 0);
	EXPECT_ERR("kill: signal 65: EINVAL", kill(c, 65), EINVAL);
	EXPECT_ERR("kill: signal -1: EINVAL", kill(c, -1), EINVAL);
	EXPECT_ERR("kill: a reaped pid: ESRCH", kill(gone, 0), ESRCH);
	EXPECT_ERR("kill: a group nobody is in: ESRCH", kill(-gone, 0), ESRCH);
	EXPECT_RET("kill: signal 0 to our own group", kill(0, 0), 0);
	EXPECT_RET("kill: signal 0 to -1", kill(-1, 0), 0);
	EXPECT_RET("wait: WNOHANG on a running child: 0",
	    waitpid(c, &st, WNOHANG), 0);
	EXPECT_ERR("wait: a bad option: EINVAL", waitpid(c, &st, 0x4000),
	    EINVAL);
	EXPECT_ERR("wait: a pid not our child: ECHILD",
	    waitpid(gone, &st, 0), ECHILD);
	EXPECT_RET("kill: SIGKILL to a child", kill(c, SIGKILL), 0);
	EXPECT_RET("wait: the killed child", waitpid(c, &st, 0), c);
	EXPECT("wait: WIFSIGNALED, SIGKILL", WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGKILL);

	/* a zombie: found by kill and by WNOHANG, its pid not reused */
	if ((z = fork()) == 0)
		_exit(42);
	msleep(100);
	EXPECT_RET("kill: signal 0 to a zombie", kill(z, 0), 0);
	ok = 1;
	for (i = 0; i < 20; i++) {
		if ((other = fork()) == 0)
			_exit(0);
		if (other == z)
			ok = 0;
		reap(other);
	}
	EXPECT("wait: 20 forks while a zombie waits: its pid not reused", ok);
	EXPECT_RET("wait: the zombie, WNOHANG", waitpid(z, &st, WNOHANG), z);
	EXPECT("wait: its status (42)", WIFEXITED(st) && WEXITSTATUS(st) == 42);

	/* a group of three: waitpid(-pgid), kill(-pgid) */
	for (i = 0; i < 3; i++) {
		if ((g[i] = fork()) == 0) {
			setpgid(0, i ? g[0] : 0);
			sleeper();
		}
		setpgid(g[i], g[0]);            /* as a shell does: both */
	}
	if ((c = fork()) == 0)
		_exit(9);                       /* not in the group */
	msleep(100);
	EXPECT_RET("wait: WNOHANG on the group: 0",
	    waitpid(-g[0], &st, WNOHANG), 0);
	EXPECT_RET("wait: waitpid(0) (our group) gets the one outside",
	    waitpid(0, &st, 0), c);
	EXPECT_RET("kill: SIGKILL to the group", kill(-g[0], SIGKILL), 0);
	ok = 1;
	for (i = 0; i < 3; i++) {
		pid_t r = waitpid(-g[0], &st, 0);

		if (r != g[0] && r != g[1] && r != g[2])
			ok = 0;
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			ok = 0;
	}
	EXPECT("wait: waitpid(-pgid) collects the three, each SIGKILL", ok);
	EXPECT_ERR("wait: the group is empty: ECHILD", waitpid(-g[0], &st, 0),
	    ECHILD);
	EXPECT_ERR("wait: no children at all: ECHILD", waitpid(-1, &st,
	    WNOHANG), ECHILD);

#ifdef __exos__
	/* kill(-1): everyone but init (us) */
	for (i = 0; i < 3; i++)
		if ((g[i] = fork()) == 0)
			sleeper();
	EXPECT_RET("kill: SIGKILL to -1 (we are init)", kill(-1, SIGKILL), 0);
	ok = 1;
	for (i = 0; i < 3; i++) {
		st = reap(g[i]);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			ok = 0;
	}
	EXPECT("kill: -1 killed every other process, not us", ok);
#endif
}

int
main(int argc, char **argv)
{
	self_path = argv[0];
	if (argc == 2 && strcmp(argv[1], "sleeper") == 0)
		sleeper();
#ifdef __exos__
	if (argc == 3 && strcmp(argv[1], "grandchild") == 0)
		return grandchild(argv[2]);
#else
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	test_pids();
	test_orphans();
	test_groups();
	test_kill_wait();
#ifdef __exos__
	test_shm();
#endif
	return ptest_done();
}
