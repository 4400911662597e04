/*
 * test_tools.c - the host tools as a user runs them: mkfs.cffs (with -d),
 * fsck.cffs exit codes (0, 1, 4, 8), and the cffs debugfs-like commands.
 * The tools are found next to the test binary (build/cffs/).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static char bindir[PATH_MAX], tmp[PATH_MAX];

/* Run a shell command line built from fmt; its exit status. */
static int
run(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	ck_assert_msg(st != -1 && WIFEXITED(st), "%s did not exit", cmd);
	return WEXITSTATUS(st);
}

static void
setup(void)
{
	ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	char *slash;

	ck_assert_int_gt(n, 0);
	bindir[n] = '\0';
	slash = strrchr(bindir, '/');
	*slash = '\0';
	strcpy(tmp, "/tmp/cffs-tools-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void
teardown(void)
{
	run("rm -rf '%s'", tmp);
}

static int
have_tools(void)
{
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/mkfs.cffs", bindir);
	return access(p, X_OK) == 0;
}

START_TEST(t_mkfs_fsck)
{
	if (!have_tools())
		return;
	run("mkdir -p %s/src/d && echo one > %s/src/a && ln %s/src/a %s/src/d/b"
	    " && ln -s ../a %s/src/d/s", tmp, tmp, tmp, tmp, tmp);
	ck_assert_int_eq(run("%s/mkfs.cffs -d %s/src %s/img 1M", bindir, tmp,
	                     tmp), 0);
	ck_assert_int_eq(run("%s/fsck.cffs -n -x %s/img >/dev/null", bindir,
	                     tmp), 0);
	/* the default layout is XN's: its superblock at block 0 */
	ck_assert_int_eq(run("head -c 4 %s/img | grep -q XNSB", tmp), 0);
	/* XN's superblock damaged (a checksummed byte): XN refuses the
	 * disk, fsck says so and leaves it alone (exit 4 twice) */
	ck_assert_int_eq(run("cp %s/img %s/bad && printf '\\377' | dd "
	                     "of=%s/bad bs=1 seek=44 conv=notrunc 2>/dev/null",
	                     tmp, tmp, tmp), 0);
	ck_assert_int_eq(run("%s/fsck.cffs -n %s/bad | grep -q 'XN refuses'",
	                     bindir, tmp), 0);
	ck_assert_int_eq(run("%s/fsck.cffs -n %s/bad >/dev/null", bindir, tmp),
	                 4);
	ck_assert_int_eq(run("%s/fsck.cffs %s/bad >/dev/null", bindir, tmp), 4);
	ck_assert_int_eq(run("%s/fsck.cffs -x %s/bad >/dev/null", bindir, tmp),
	                 4);
	ck_assert_int_eq(run("%s/cffs %s/bad ls / 2>/dev/null", bindir, tmp), 1);
	/* set a bit of a free block in XN's free map (block 38 of a 1M
	 * image, byte 20: blocks 160..167): a leak */
	ck_assert_int_eq(run("printf '\\377' | dd of=%s/img bs=1 "
	                     "seek=$((38 * 4096 + 20)) conv=notrunc 2>/dev/null",
	                     tmp), 0);
	ck_assert_int_eq(run("%s/fsck.cffs -n -x %s/img >/dev/null", bindir,
	                     tmp), 4);
	ck_assert_int_eq(run("%s/fsck.cffs -n %s/img >/dev/null", bindir, tmp),
	                 4);
	ck_assert_int_eq(run("%s/fsck.cffs %s/img >/dev/null", bindir, tmp), 1);
	ck_assert_int_eq(run("%s/fsck.cffs %s/img >/dev/null", bindir, tmp), 0);
	/* no image, a non-image, a bad size, bad usage */
	ck_assert_int_eq(run("%s/fsck.cffs %s/none 2>/dev/null", bindir, tmp),
	                 8);
	ck_assert_int_eq(run("head -c 65536 /dev/zero > %s/zero && "
	                     "%s/fsck.cffs %s/zero >/dev/null", tmp, bindir,
	                     tmp), 4);
	ck_assert_int_eq(run("%s/mkfs.cffs %s/small 1K 2>/dev/null", bindir,
	                     tmp), 8);
	ck_assert_int_eq(run("%s/mkfs.cffs 2>/dev/null", bindir), 8);
	ck_assert_int_eq(run("%s/mkfs.cffs -d %s/nosuchdir %s/img2 1M "
	                     "2>/dev/null", bindir, tmp, tmp), 8);
}
END_TEST

START_TEST(t_cffs_commands)
{
	if (!have_tools())
		return;
	ck_assert_int_eq(run("%s/mkfs.cffs %s/img 1M", bindir, tmp), 0);
	ck_assert_int_eq(run("head -c 100000 /dev/urandom > %s/in", tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img mkdir /d", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img cp-in %s/in /d/f", bindir, tmp,
	                     tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img cp-out /d/f %s/out", bindir, tmp,
	                     tmp), 0);
	ck_assert_int_eq(run("cmp -s %s/in %s/out", tmp, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img cat /d/f | cmp -s - %s/in",
	                     bindir, tmp, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img ln /d/f /g", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img symlink d/f /s", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img mv /g /d/h", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img ls /d > %s/ls && "
	                     "grep -q ' f$' %s/ls && grep -q ' h$' %s/ls",
	                     bindir, tmp, tmp, tmp, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img stat /d/h | grep -q '^links: 2$'",
	                     bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img stat /s | grep -q '^target: d/f$'",
	                     bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img rm /d 2>/dev/null", bindir, tmp),
	                 1);    /* not empty */
	ck_assert_int_eq(run("%s/cffs %s/img rm /d/f", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img rm /d/h", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img rm /d", bindir, tmp), 0);
	ck_assert_int_eq(run("%s/cffs %s/img cat /d/f 2>/dev/null", bindir,
	                     tmp), 1);
	ck_assert_int_eq(run("%s/cffs %s/img bogus 2>/dev/null", bindir, tmp),
	                 2);
	ck_assert_int_eq(run("%s/fsck.cffs -n %s/img >/dev/null", bindir, tmp),
	                 0);
}
END_TEST

Suite *
tools_suite(void)
{
	Suite *s = suite_create("cffs-tools");
	TCase *tc = tcase_create("tools");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_mkfs_fsck);
	tcase_add_test(tc, t_cffs_commands);
	suite_add_tcase(s, tc);
	return s;
}
