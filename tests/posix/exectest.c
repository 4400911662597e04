/*
 * exectest.c: execve, run by tests/guest/exosrun.sh under
 * scripts/exos-run (and on Linux, to check the expectations):
 *   exectest B TEXT NOEXEC
 * Failed execs return their error and the program continues: a missing
 * file (ENOENT), an executable text file (ENOEXEC), a file without
 * the x bit (EACCES), a null path or argument pointer (EFAULT), an
 * argument larger than exec takes (E2BIG).  Then it execs B (runtest)
 * as "B check" with 200 more arguments and a new environment; B
 * exits 77 when all arrived intact, so the status exos-run reports is
 * 77 only if the exec worked.  Any failure here exits 1 instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failed;

static void
expect_err(int r, int err, const char *what)
{
	if (r == -1 && errno == err)
		printf("exectest: ok: %s\n", what);
	else {
		printf("exectest: FAILED: %s (returned %d, errno %d, want %d)\n",
		    what, r, errno, err);
		failed = 1;
	}
}

int
main(int argc, char **argv)
{
	char *av[4 + 200 + 1], *ev[] = { "X=1 2", "EMPTY=", NULL };
	char *bad[] = { "B", (char *)1, NULL };
	char *big[] = { "B", NULL, NULL };
	static char num[200][8];
	static char *volatile nullpath;         /* NULL, unseen by gcc */
	int i;

	if (argc != 4) {
		fprintf(stderr, "usage: exectest B TEXT NOEXEC\n");
		return 2;
	}
	av[0] = argv[1];
	av[1] = "check";
	av[2] = "a b";
	av[3] = "";
	for (i = 0; i < 200; i++) {
		snprintf(num[i], sizeof(num[i]), "x%d", i);
		av[4 + i] = num[i];
	}
	av[4 + 200] = NULL;

	errno = 0;
	expect_err(execve("/no/such/program", av, ev), ENOENT,
	    "a missing file: ENOENT");
	errno = 0;
	expect_err(execve(argv[2], av, ev), ENOEXEC,
	    "an executable text file: ENOEXEC");
	errno = 0;
	expect_err(execve(argv[3], av, ev), EACCES,
	    "a file without x: EACCES");
	errno = 0;
	expect_err(execve(nullpath, av, ev), EFAULT, "a null path: EFAULT");
	errno = 0;
	expect_err(execve(argv[1], bad, ev), EFAULT,
	    "a bad argument pointer: EFAULT");
	big[1] = malloc(2 << 20);
	if (big[1]) {
		memset(big[1], 'b', (2 << 20) - 1);
		big[1][(2 << 20) - 1] = '\0';
		errno = 0;
		expect_err(execve(argv[1], big, ev), E2BIG,
		    "a 2 MiB argument: E2BIG");
		free(big[1]);
	}
	printf("exectest: still running after the failed execs\n");
	if (failed)
		return 1;
	fflush(stdout);
	execve(argv[1], av, ev);
	printf("exectest: FAILED: exec of B: %s\n", strerror(errno));
	return 1;
}
