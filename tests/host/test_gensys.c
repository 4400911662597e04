/*
 * test_gensys.c: host tests (Check) for scripts/gensys, which makes the
 * call numbers, handler prototypes, dispatch table, libexos wrappers and
 * the docs' call table from xok/syscalls.master:
 *
 *   - the generated files in the tree are what the master makes now (a
 *     stale one fails `make test`; `make gen` rewrites them);
 *   - a small master gives the expected lines in every output;
 *   - each kind of malformed master is refused with exit status 1, a
 *     "FILE:LINE: message" naming the fault, and nothing written.
 *
 * Runs from the top of the tree (as `make test` does).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/gensys-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_gensys: cannot remove %s\n", dir);
}

/* The whole of a file (NUL-terminated, malloc'd), or NULL. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

/* Write master text to dir/master, run gensys -m on it with output in
 * dir/out; return its exit status, its stderr in *err (malloc'd). */
static int
gensys(const char *master, char **err)
{
	char path[128], cmd[512];
	FILE *f;
	int st;

	snprintf(path, sizeof(path), "%s/master", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(master, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "scripts/gensys -m '%s/master' -o '%s/out' "
	    ">'%s/stdout' 2>'%s/stderr'", dir, dir, dir, dir);
	st = system(cmd);
	snprintf(path, sizeof(path), "%s/stderr", dir);
	*err = slurp(path);
	ck_assert_ptr_nonnull(*err);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
expect_in(const char *file, const char *want)
{
	char path[256], *s;

	snprintf(path, sizeof(path), "%s/out/%s", dir, file);
	s = slurp(path);
	ck_assert_msg(s != NULL, "gensys did not write %s", file);
	ck_assert_msg(strstr(s, want) != NULL, "%s lacks \"%s\"", file, want);
	free(s);
}

static void
expect_not_in(const char *file, const char *unwanted)
{
	char path[256], *s;

	snprintf(path, sizeof(path), "%s/out/%s", dir, file);
	s = slurp(path);
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(strstr(s, unwanted) == NULL, "%s has \"%s\"", file,
	    unwanted);
	free(s);
}

START_TEST(tree_current)
{
	char cmd[256], path[128], *out;
	int st;

	snprintf(cmd, sizeof(cmd), "scripts/gensys -c >'%s/check' 2>&1", dir);
	st = system(cmd);
	snprintf(path, sizeof(path), "%s/check", dir);
	out = slurp(path);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "generated files are stale or the master is malformed:\n%s",
	    out ? out : "");
	free(out);
}
END_TEST

static const char good[] =
	"# a comment\n"
	"base 0x58000000\n"
	"\n"
	"0 FOO xok/machsys.c (void)\n"
	"\tcap none\n"
	"\tdoc does nothing | at all\n"
	"2 BAR xok/pagesys.c (const struct xok_cap  *c, unsigned n)\n"
	"\tdoc takes a pointer\n"
	"\tcap W on something\n"
	"\tlib hand\n"
	"3 BAZ xok/pagesys.c (uint32_t x, char **pp, uint64_t a, uint64_t b, "
	    "uint64_t c, uint64_t d)\n"
	"\tcap none\n"
	"\tdoc six arguments\n"
	"\tlib my_baz\n";

START_TEST(good_master)
{
	char *err;

	ck_assert_int_eq(gensys(good, &err), 0);
	free(err);
	expect_in("xok/include/xok/syscalls.h", "#define XOK_SYS_BAR 0x58000002\n");
	expect_in("xok/include/xok/syscalls.h", "#define XOK_SYSBASE 0x58000000UL\n");
	expect_in("xok/include/xok/syscalls.h", "\tX(BAZ, 3)\n");
	expect_in("xok/sysprotos.h", "int64_t sys_foo(void);\n");
	expect_in("xok/sysprotos.h", "int64_t sys_bar(uaddr_t c, uint64_t n);\n");
	expect_in("xok/sysprotos.h", "/* xok/pagesys.c */\n");
	expect_in("xok/systab.c", "\t(void)a;\n\treturn sys_foo();\n");
	expect_in("xok/systab.c", "\treturn sys_bar((uaddr_t)a[0], a[1]);\n");
	expect_in("xok/systab.c", "(uaddr_t)a[1], a[2], a[3], a[4], a[5]);\n");
	expect_in("xok/systab.c", "\t[2] = call_bar,\n");
	expect_not_in("xok/systab.c", "[1] =");
	expect_in("libexos/include/exos/syscalls.h", "sys_foo(void)\n");
	expect_in("libexos/include/exos/syscalls.h",
	    "my_baz(uint32_t x, char **pp,");
	expect_not_in("libexos/include/exos/syscalls.h", "sys_bar");
	expect_not_in("libexos/include/exos/syscalls.h", "sys_baz");
	expect_in("docs/KERNEL-INTERFACE.md", "| 2 | `BAR` | "
	    "`const struct xok_cap *c, unsigned n` | W on something | "
	    "takes a pointer |");
	expect_in("docs/KERNEL-INTERFACE.md", "does nothing \\| at all");
	expect_not_in("docs/KERNEL-INTERFACE.md", "| 1 | `CONS_WRITE`");
}
END_TEST

/* A malformed master and what the refusal must say. */
static const struct {
	const char *master, *msg;
} bad[] = {
	{ "0 FOO xok/a.c (void)\n\tcap x\n\tdoc y\n",
	  "master:1: no \"base 0x...\" line" },
	{ "base 58000000\n", "master:1: base \"58000000\" is not a hex" },
	{ "base 0x58000000\nbase 0x1\n", "master:2: a second \"base\"" },
	{ "base 0x58000000\n\tcap x\n", "master:2: an indented line before" },
	{ "base 0x58000000\nFOO 0 xok/a.c (void)\n", "not a call line" },
	{ "base 0x58000000\n0 FOO xok/a.c void\n", "not a call line" },
	{ "base 0x58000000\n0 foo xok/a.c (void)\n", "is not upper case" },
	{ "base 0x58000000\n0 FOO a.c (void)\n", "is not a kernel source" },
	{ "base 0x58000000\n64 FOO xok/a.c (void)\n", "past the call stat" },
	{ "base 0x58000000\n0 FOO xok/a.c ()\n", "empty argument list" },
	{ "base 0x58000000\n0 FOO xok/a.c (uint64_t)\n",
	  "argument 1 \"uint64_t\" needs a type and a name" },
	{ "base 0x58000000\n0 FOO xok/a.c (int a, int b, int c, int d, "
	  "int e, int f, int g)\n", "7 arguments; a call has at most six" },
	{ "base 0x58000000\n0 FOO xok/a.c (int a, int a)\n",
	  "two arguments named a" },
	{ "base 0x58000000\n0 FOO xok/a.c (int a,)\n", "has no name" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap x\n\tdoc y\n"
	  "0 BAR xok/a.c (void)\n\tcap x\n\tdoc y\n",
	  "master:5: BAR: number 0 does not follow 0" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap x\n\tdoc y\n"
	  "1 FOO xok/a.c (void)\n\tcap x\n\tdoc y\n", "FOO appears twice" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap x\n\tdocs y\n",
	  "master:4: FOO: unknown key \"docs\"" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap x\n\tcap y\n",
	  "a second \"cap\" line" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap\n", "has no text" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap x\n",
	  "FOO (call 0) has no \"doc\" line" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tdoc x\n"
	  "1 BAR xok/a.c (void)\n\tcap x\n\tdoc y\n",
	  "FOO (call 0) has no \"cap\" line" },
	{ "base 0x58000000\n0 FOO xok/a.c (void)\n\tcap x\n\tdoc y\n"
	  "\tlib Not-a-name\n", "is not a C name or \"hand\"" },
	{ "base 0x58000000\n", "no calls" },
};

START_TEST(bad_master)
{
	char path[256], *err;
	int st;

	st = gensys(bad[_i].master, &err);
	ck_assert_msg(st == 1, "case %d: exit status %d, want 1", _i, st);
	ck_assert_msg(strstr(err, bad[_i].msg) != NULL,
	    "case %d: stderr \"%s\" lacks \"%s\"", _i, err, bad[_i].msg);
	free(err);
	snprintf(path, sizeof(path), "%s/out", dir);
	ck_assert_msg(access(path, F_OK) != 0, "case %d: wrote output", _i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gensys");
	TCase *tc = tcase_create("gensys");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tree_current);
	tcase_add_test(tc, good_master);
	tcase_add_loop_test(tc, bad_master, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
