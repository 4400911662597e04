/*
 * shebang.c: execve of "#!" interpreter scripts, run by
 * tests/guest/shebang.sh on ExOS (scripts/exos-run, the scripts added
 * as in-memory files) and on Linux (the host), where every check must
 * pass the same way:
 *   shebang SDIR INTERP TEXT NOEXEC
 * SDIR holds the scripts the test script made, whose interpreter lines
 * name INTERP: this program itself.  TEXT is an executable text file
 * (no "#!"), NOEXEC a file without the x bit.
 *
 * A script that must run is exec'd by a forked child with
 * SHEBANG_WANT in its environment: the arguments the interpreter must
 * get, separated by '|'.  The interpreter (this program, seeing
 * SHEBANG_WANT) compares and exits 42 if they are exactly those, else
 * prints what it got and exits 1; the parent checks the status.
 * Scripts that must not run: the parent's execve returns the error.
 */
#define PTEST_SUITE "shebang"
#include "ptest.h"
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *sdir, *interp;

/* The interpreter's side: argv against SHEBANG_WANT. */
static int
check_args(int argc, char **argv, const char *want)
{
	char got[8192];
	size_t n = 0;
	int i;

	got[0] = '\0';
	for (i = 0; i < argc; i++) {
		int k = snprintf(got + n, sizeof(got) - n, "%s%s",
		    i ? "|" : "", argv[i]);

		if (k < 0 || (size_t)k >= sizeof(got) - n)
			return 1;
		n += (size_t)k;
	}
	if (strcmp(got, want) == 0)
		return 42;
	printf("shebang: interpreter got   %s\n", got);
	printf("shebang: interpreter wants %s\n", want);
	return 1;
}

static char *
spath(const char *name)
{
	static char buf[8][PATH_MAX];
	static int k;
	char *p = buf[k++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", sdir, name);
	return p;
}

/* exec SDIR/name as {"zero", "x", "y z"} in a child: it must run the
 * interpreter with exactly the arguments want. */
static void
runs(const char *what, const char *name, const char *want)
{
	static char env[8192];
	char *av[] = { "zero", "x", "y z", NULL };
	char *ev[] = { env, "OTHER=1", NULL };
	int st = 0;
	pid_t pid;

	snprintf(env, sizeof(env), "SHEBANG_WANT=%s", want);
	fflush(stdout);
	if ((pid = fork()) < 0) {
		EXPECT(what, 0);
		return;
	}
	if (pid == 0) {
		execve(spath(name), av, ev);
		printf("shebang: execve %s: %s\n", spath(name),
		    strerror(errno));
		_exit(3);
	}
	if (waitpid(pid, &st, 0) != pid)
		printf("shebang: waitpid: %s\n", strerror(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 42)
		printf("shebang: status 0x%x\n", st);
	EXPECT(what, WIFEXITED(st) && WEXITSTATUS(st) == 42);
}

static void
fails(const char *what, const char *path, int err)
{
	char *av[] = { "zero", "x", NULL };
	char *ev[] = { "SHEBANG_WANT=not to run", NULL };

	EXPECT_ERR(what, execve(path, av, ev), err);
}

int
main(int argc, char **argv)
{
	char want[4096], a[300];
	const char *w;

	if ((w = getenv("SHEBANG_WANT")) != NULL)
		return check_args(argc, argv, w);
	if (argc != 5) {
		fprintf(stderr, "usage: shebang SDIR INTERP TEXT NOEXEC\n");
		return 2;
	}
	sdir = argv[1], interp = argv[2];

	/* interpreter, [its one argument], the script's path, argv[1..] */
	snprintf(want, sizeof(want), "%s|one two|%s|x|y z", interp,
	    spath("arg"));
	runs("#!I  one two : the argument is the rest of the line, blanks in it kept",
	    "arg", want);
	snprintf(want, sizeof(want), "%s|%s|x|y z", interp, spath("noarg"));
	runs("#!I: no argument; argv[0] dropped, the script's path in its place",
	    "noarg", want);
	snprintf(want, sizeof(want), "%s|arg\tx|%s|x|y z", interp,
	    spath("tab"));
	runs("#!I<tab>arg<tab>x: a tab separates, the later tab is kept",
	    "tab", want);
	snprintf(want, sizeof(want), "%s|arg\r|%s|x|y z", interp,
	    spath("crlf"));
	runs("#!I arg<CR><LF>: the CR belongs to the argument", "crlf",
	    want);
	snprintf(want, sizeof(want), "%s|%s|x|y z", interp, spath("nonl"));
	runs("#!I without a newline at the end of the file", "nonl", want);
	snprintf(want, sizeof(want), "%s|%s|%s|x|y z", interp, spath("noarg"),
	    spath("nest"));
	runs("an interpreter that is itself a script", "nest", want);
	snprintf(want, sizeof(want), "%s|%s|%s|%s|%s|%s|x|y z", interp,
	    spath("c1"), spath("c2"), spath("c3"), spath("c4"), spath("c5"));
	runs("a chain of 5 scripts runs (Linux's limit)", "c5", want);
	/* the line is cut after 255 bytes: "#!I " and then the a's */
	memset(a, 'a', sizeof(a));
	a[255 - 3 - strlen(interp)] = '\0';
	snprintf(want, sizeof(want), "%s|%s|%s|x|y z", interp, a,
	    spath("longarg"));
	runs("an over-long line: cut at 255 bytes, the argument shortened",
	    "longarg", want);

	fails("a chain of 6 scripts: ELOOP", spath("c6"), ELOOP);
	fails("a script that is its own interpreter: ELOOP", spath("self"),
	    ELOOP);
	fails("an interpreter name longer than the line: ENOEXEC",
	    spath("longname"), ENOEXEC);
	fails("#! and nothing: ENOEXEC", spath("empty"), ENOEXEC);
	fails("#! and blanks: ENOEXEC", spath("blank"), ENOEXEC);
	fails("a missing interpreter: ENOENT", spath("missing"), ENOENT);
	fails("an interpreter that is a text file: ENOEXEC", spath("text"),
	    ENOEXEC);
	fails("an interpreter without x: EACCES", spath("noxinterp"), EACCES);
	fails("a script without x: EACCES", spath("nox"), EACCES);
	fails("an executable text file without #!: ENOEXEC", argv[3],
	    ENOEXEC);
	fails("a file without x: EACCES", argv[4], EACCES);
	return ptest_done();
}
