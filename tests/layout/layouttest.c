/*
 * layouttest.c: the layout check of the family's shared region (shm.h,
 * PX_SHM_LAYOUT; tests/guest/layout.sh).  Built twice: layouttest.elf
 * and layoutother.elf (-DLAYOUT_OTHER), whose descriptor "layouttest"
 * names a structure of another size, as a binary of another build of a
 * module would.  The first process (layouttest.elf) forks children
 * that exec each; a child that joins the family prints nothing and
 * exits 0 after allocating in the region.  ExOS only (the libOS's own
 * interface).
 *   layouttest          the checks (argv[0] is this program's path)
 *   layouttest joined   (a child's image after execve)
 */
#define PTEST_SUITE "layout"
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "shm.h"
#include "ptest.h"

#ifndef LAYOUT_OTHER
#define LAYOUT_OTHER 0
#endif

/* what this "module" keeps in the region: one word more in the other
 * build */
struct probe {
	uint64_t a;
#if LAYOUT_OTHER
	uint64_t b;
#endif
};
PX_SHM_LAYOUT(layouttest, sizeof(struct probe), offsetof(struct probe, a));

/* Fork a child that execs path "joined"; its wait status, or -1. */
static int
run(const char *path)
{
	char *argv[] = { (char *)path, "joined", NULL };
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(path, argv);
		_exit(126);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

int
main(int argc, char **argv)
{
	int st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "joined") == 0) {
		/* joined: the region works here */
		return px_shm_alloc(64) != NULL ? 0 : 3;
	}
	EXPECT("this build is the one whose layout the region recorded",
	    !LAYOUT_OTHER);
	st = run(argv[0]);
	EXPECT_RET("an image of the same build joins the family (status 0)",
	    st, 0);
	st = run("/bin/layoutother");
	EXPECT("an image that lays out a shared structure otherwise is "
	    "refused (exit status 127)", WIFEXITED(st) &&
	    WEXITSTATUS(st) == 127);
	st = run("/bin/layoutother");
	EXPECT("and again: the refusal recorded nothing",
	    WIFEXITED(st) && WEXITSTATUS(st) == 127);
	st = run(argv[0]);
	EXPECT_RET("the family goes on: the same build joins again", st, 0);
	EXPECT("the region still allocates here", px_shm_alloc(64) != NULL);
	return ptest_done();
}
