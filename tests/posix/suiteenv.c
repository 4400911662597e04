/*
 * suiteenv.c: the POSIX suite's own program (tests/guest/posixsuite.sh):
 * it checks the world the runner promises every suite program, on Linux
 * and on ExOS alike.  argv[0] is BIN/suiteenv, where BIN is the only
 * directory in PATH; HOME=/, TERM=dumb, USER=root; the program file is
 * there and executable; it can exec itself again by its plain name
 * through PATH (execvp), and the new image ends the run.
 *   suiteenv            the checks, then execvp("suiteenv", "again")
 *   suiteenv again      the last check and ptest_done()
 */
#define PTEST_SUITE "suiteenv"
#include "ptest.h"

#include <unistd.h>

int
main(int argc, char **argv)
{
	const char *path = getenv("PATH");
	char want[4096];
	char *again[] = { "suiteenv", "again", NULL };

	if (argc == 2 && strcmp(argv[1], "again") == 0) {
		/* the image execvp made */
		EXPECT("execvp by plain name through PATH: the new image "
		    "runs with its arguments", strcmp(argv[0], "suiteenv") == 0);
		return ptest_done();
	}
	EXPECT("argc is 1", argc == 1);
	EXPECT("PATH is one absolute directory",
	    path != NULL && path[0] == '/' && strchr(path, ':') == NULL);
	snprintf(want, sizeof want, "%s/suiteenv", path ? path : "");
	EXPECT("argv[0] is PATH's directory + /suiteenv",
	    strcmp(argv[0], want) == 0);
	EXPECT("HOME=/", getenv("HOME") && strcmp(getenv("HOME"), "/") == 0);
	EXPECT("TERM=dumb", getenv("TERM") &&
	    strcmp(getenv("TERM"), "dumb") == 0);
	EXPECT("USER=root", getenv("USER") &&
	    strcmp(getenv("USER"), "root") == 0);
	EXPECT_RET("the program file is executable", access(argv[0], X_OK), 0);
	execvp("suiteenv", again);
	EXPECT("execvp by plain name through PATH", 0);
	return ptest_done();
}
