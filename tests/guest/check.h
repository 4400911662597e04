/*
 * check.h: the assertions of the guest test programs.  Each prints
 * "PASS: name" or "FAIL: name ..." (counted by scripts/run-tests) and
 * failures are counted in `failures` for the exit status.
 */
#ifndef TESTS_GUEST_CHECK_H
#define TESTS_GUEST_CHECK_H

#include <exos/exos.h>

static int failures;

#define EXPECT(name, cond) do { \
	if (cond) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s (line %d)\n", name, __LINE__); failures++; } \
} while (0)

#define EXPECT_EQ(name, got, want) do { \
	int64_t g_ = (int64_t)(got), w_ = (int64_t)(want); \
	if (g_ == w_) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: got %ld, want %ld (line %d)\n", name, \
	    g_, w_, __LINE__); failures++; } \
} while (0)

/* Wait up to `ms` ticks for cond, giving the CPU away meanwhile; the
 * value is cond's at the end. */
#define WAIT_FOR(cond, ms) ({ \
	uint64_t end_ = xok_ticks() + (ms); \
	while (!(cond) && xok_ticks() < end_) \
		sys_yield(XOK_SELF); \
	(cond); })

/* Does the program's module argument (its boot command line after the
 * name: "prog offload", "prog none") start with c? */
static inline int
module_arg_is(char c)
{
	const volatile char *n = XOK_INFO->modules[0].name;
	unsigned i;

	for (i = 0; n[i] && n[i] != ' '; i++)
		;
	return n[i] == ' ' && n[i + 1] == c;
}

#endif
