/*
 * ptest.h: the checks of the POSIX test programs (the .c files of tests/posix).
 * Each program is built twice, with exos-cc for ExOS and with the
 * host's compiler for Linux, and must pass on both: that is how we know
 * the expectations are UNIX's.  Every check prints one line,
 *     PASS: <suite>: <what>
 *     FAIL: <suite>: <what> (<file>:<line>: got ..., errno ...)
 * which make test counts; a program ends with ptest_done(), whose exit
 * status is 0 only if nothing failed.  Define PTEST_SUITE before
 * including this file.
 */
#ifndef PTEST_H
#define PTEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PTEST_SUITE
#error "define PTEST_SUITE (the name printed on each line) first"
#endif

static int ptest_failures;

/* cond must hold */
#define EXPECT(what, cond) do {                                         \
	if (cond)                                                       \
		printf("PASS: " PTEST_SUITE ": %s\n", (what));          \
	else {                                                          \
		printf("FAIL: " PTEST_SUITE ": %s (%s:%d)\n", (what),   \
		    __FILE__, __LINE__);                                \
		ptest_failures++;                                       \
	}                                                               \
	fflush(stdout);                                                 \
} while (0)

/* call must return want (a long) */
#define EXPECT_RET(what, call, want) do {                               \
	errno = 0;                                                      \
	long ptest_r = (long)(call);                                    \
	int ptest_e = errno;                                            \
	if (ptest_r == (long)(want))                                    \
		printf("PASS: " PTEST_SUITE ": %s\n", (what));          \
	else {                                                          \
		printf("FAIL: " PTEST_SUITE ": %s (%s:%d: got %ld, "     \
		    "want %ld, errno %d %s)\n", (what), __FILE__,       \
		    __LINE__, ptest_r, (long)(want), ptest_e,           \
		    strerror(ptest_e));                                 \
		ptest_failures++;                                       \
	}                                                               \
	fflush(stdout);                                                 \
} while (0)

/* call must fail: return -1 with errno == err */
#define EXPECT_ERR(what, call, err) do {                                \
	errno = 0;                                                      \
	long ptest_r = (long)(call);                                    \
	int ptest_e = errno;                                            \
	if (ptest_r == -1 && ptest_e == (err))                          \
		printf("PASS: " PTEST_SUITE ": %s\n", (what));          \
	else {                                                          \
		printf("FAIL: " PTEST_SUITE ": %s (%s:%d: got %ld, "     \
		    "errno %d %s, want -1 errno %d %s)\n", (what),      \
		    __FILE__, __LINE__, ptest_r, ptest_e,               \
		    strerror(ptest_e), (err), strerror(err));           \
		ptest_failures++;                                       \
	}                                                               \
	fflush(stdout);                                                 \
} while (0)

static inline int
ptest_done(void)
{
	printf("%s: " PTEST_SUITE ": %d failed\n",
	    ptest_failures ? "FAIL" : "PASS", ptest_failures);
	fflush(stdout);
	return ptest_failures ? 1 : 0;
}

#endif
