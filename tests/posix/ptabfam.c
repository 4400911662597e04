/*
 * ptabfam.c: a family whose shared-region pages are owned by members
 * that die in every order, for tests/guest/ptabfree.c (which spawns it
 * and checks that the free-page count comes back when the whole family
 * is gone).  ExOS only.  The root (pid 1 of its family) adds pages to
 * the region, forks A, which adds pages and forks B (B adds pages, then
 * outlives both A and the root), and K, which adds pages and is killed
 * with SIGKILL; the root exits while B still runs, so pages owned by
 * A and the root live on as orphans mapped by B until B's exit.  Exit
 * status 0 if every member saw the others' pages.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

void *px_shm_alloc(size_t n);

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

int
main(void)
{
	long *root = px_shm_alloc(8 * 4096), *a;
	volatile long *box = px_shm_alloc(64);
	pid_t pa, pk;
	int st, bad = 0;

	if (!root || !box)
		return 1;
	root[8 * 512 - 1] = 11;
	if ((pa = fork()) == 0) {
		if (!(a = px_shm_alloc(5 * 4096)))
			_exit(1);
		a[5 * 512 - 1] = 22;
		box[0] = (long)a;
		if (fork() == 0) {
			long *b = px_shm_alloc(3 * 4096);

			if (!b)
				_exit(1);
			b[0] = 33;
			msleep(300);    /* A and the root are gone by now */
			_exit(a[5 * 512 - 1] == 22 && root[8 * 512 - 1] == 11 ?
			    0 : 1);
		}
		_exit(0);
	}
	if ((pk = fork()) == 0) {
		long *k = px_shm_alloc(2 * 4096);

		if (k)
			k[0] = 44;
		for (;;)
			msleep(10);
	}
	msleep(50);
	if (kill(pk, SIGKILL) != 0 || waitpid(pk, &st, 0) != pk ||
	    !WIFSIGNALED(st))
		bad = 1;
	if (waitpid(pa, &st, 0) != pa || st != 0)
		bad = 1;
	if (!box[0] || ((long *)box[0])[5 * 512 - 1] != 22)
		bad = 1;
	return bad;
}
