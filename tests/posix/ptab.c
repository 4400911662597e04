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
 * after the death.
 */
#define PTEST_SUITE "ptab"
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "ptest.h"

static char *self_path;

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
	while (wait(NULL) > 0)
		;
}
#endif

int
main(int argc, char **argv)
{
	self_path = argv[0];
#ifdef __exos__
	if (argc == 3 && strcmp(argv[1], "grandchild") == 0)
		return grandchild(argv[2]);
	test_shm();
#endif
	(void)argc;
	return ptest_done();
}
