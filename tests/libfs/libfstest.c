/*
 * libfstest.c: C-FFS as a library in ExOS processes (libexos/posix/
 * fsroot.h), run by tests/guest/libfs.sh through scripts/exos-run
 * --disk on an image made by the host's mkfs.cffs.  ExOS only: it
 * tests the libOS's file system underneath the POSIX calls, through its
 * own interface (the POSIX file calls are tested by tests/posix/).
 *   libfstest nodisk   no disk: px_fs_root is NULL, -ENODEV
 *   libfstest basic    mount, mkdir, create, write, read, stat, readdir
 *   libfstest check    what "basic" left is there (a second boot)
 * Each check prints PASS:/FAIL: (tests/posix/ptest.h).
 */
#define PTEST_SUITE "libfs"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/wait.h>
#include "fsroot.h"
#include "ptest.h"

#define TEXT "written by a POSIX process through C-FFS over XN\n"

/* One bracketed C-FFS call that changes something. */
#define CH(call) ({ long e_; struct cffs_fs *fs_ = px_fs_begin(&e_);    \
	fs_ == NULL ? e_ : px_fs_end(fs_, (call), PX_FS_CHANGED); })
#define RD(call) ({ long e_; struct cffs_fs *fs_ = px_fs_begin(&e_);    \
	fs_ == NULL ? e_ : px_fs_end(fs_, (call), PX_FS_READ); })

struct names {
	char buf[512];
	int n;
};

static int
name_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	struct names *v = arg;

	(void)st;
	if (strlen(v->buf) + strlen(name) + 2 < sizeof(v->buf)) {
		strcat(v->buf, name);
		strcat(v->buf, " ");
	}
	v->n++;
	return 0;
}

static int
t_nodisk(void)
{
	EXPECT("no disk: px_fs_root is NULL", px_fs_root() == NULL);
	EXPECT_RET("no disk: px_fs_error is -ENODEV", px_fs_error(), -ENODEV);
	EXPECT_RET("no disk: px_fs_begin gives -ENODEV",
	    CH(cffs_mkdir(fs_, "/x", 0755, 0, 0)), -ENODEV);
	return ptest_done();
}

static int
t_basic(void)
{
	char buf[128];
	struct cffs_stat st;
	struct names v = { "", 0 };

	EXPECT("px_fs_root mounts the disk", px_fs_root() != NULL);
	EXPECT("px_fs_root: the same mount again", px_fs_root() ==
	    px_fs_root());
	EXPECT_RET("mkdir /d", CH(cffs_mkdir(fs_, "/d", 0755, 0, 0)), 0);
	EXPECT_RET("mkdir /d again: EEXIST",
	    CH(cffs_mkdir(fs_, "/d", 0755, 0, 0)), -EEXIST);
	EXPECT_RET("create /d/f", CH(cffs_create(fs_, "/d/f", 0100644, 0,
	    0)), 0);
	EXPECT_RET("write /d/f", CH(cffs_write(fs_, "/d/f", 0, TEXT,
	    strlen(TEXT))), (long)strlen(TEXT));
	memset(buf, 0, sizeof(buf));
	EXPECT_RET("read /d/f", RD(cffs_read(fs_, "/d/f", 0, buf,
	    sizeof(buf))), (long)strlen(TEXT));
	EXPECT("read /d/f: the bytes written", strcmp(buf, TEXT) == 0);
	EXPECT_RET("stat /d/f", RD(cffs_stat(fs_, "/d/f", &st)), 0);
	EXPECT("stat /d/f: size and mode", st.size == strlen(TEXT) &&
	    st.mode == 0100644);
	EXPECT_RET("stat /nope: ENOENT", RD(cffs_stat(fs_, "/nope", &st)),
	    -ENOENT);
	EXPECT_RET("mkdir /d/f/x: ENOTDIR",
	    CH(cffs_mkdir(fs_, "/d/f/x", 0755, 0, 0)), -ENOTDIR);
	EXPECT_RET("readdir /", RD(cffs_readdir(fs_, "/", name_fn, &v)), 0);
	EXPECT("readdir /: d and the image's file", strstr(v.buf, "d ") &&
	    strstr(v.buf, "hello "));
	return ptest_done();
}

static int
t_check(void)
{
	char buf[128];

	memset(buf, 0, sizeof(buf));
	EXPECT_RET("after the reboot: read /d/f", RD(cffs_read(fs_, "/d/f",
	    0, buf, sizeof(buf))), (long)strlen(TEXT));
	EXPECT("after the reboot: the bytes written", strcmp(buf, TEXT) ==
	    0);
	return ptest_done();
}

int
main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(m, "nodisk") == 0)
		return t_nodisk();
	if (strcmp(m, "basic") == 0)
		return t_basic();
	if (strcmp(m, "check") == 0)
		return t_check();
	printf("FAIL: libfs: unknown mode %s\n", m);
	return 2;
}
