/*
 * gaps.c: the libexos gaps toybox's own test suite found (session 9),
 * each checked here as UNIX has it (this runs on Linux and on ExOS, on
 * a fresh C-FFS disk there):
 *  - getgrouplist of a user (toybox's `id root`, `id -G root`): musl
 *    asks nscd over an AF_UNIX socket first and reads /etc/group only
 *    when socket() says EAFNOSUPPORT or the connect finds no nscd; the
 *    lookup must succeed and list the base group first;
 *  - getgroups succeeds;
 *  - st_blocks counts the 512-byte units a file holds (toybox's du):
 *    an empty file none, a one-byte file at least one, a file of 64 KiB
 *    at least 128, a sparse file with one byte at 1 MiB fewer than its
 *    size; fstat, fstatat and statx agree with stat;
 *  - a dirfd is an int: Linux ignores the upper half of its register.
 */
#define _GNU_SOURCE
#define PTEST_SUITE "gaps"
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ptest.h"

static void
groups(void)
{
	gid_t g[64];
	int n = 64;

	EXPECT_RET("getgrouplist(root, 0) succeeds",
	    getgrouplist("root", 0, g, &n) >= 1, 1);
	EXPECT("getgrouplist: its count is >= 1", n >= 1 && n <= 64);
	EXPECT("getgrouplist: the base group comes first", g[0] == 0);
	n = 64;
	EXPECT_RET("getgrouplist(nobody-here, 1234) lists the base group",
	    getgrouplist("no-such-user-xyz", 1234, g, &n), 1);
	EXPECT("getgrouplist(nobody-here): it is 1234", n == 1 && g[0] == 1234);
	EXPECT("getgroups(0, NULL) >= 0", getgroups(0, NULL) >= 0);
}

/* a file of size bytes at path, written at offset off (a hole before) */
static int
mkfile(const char *path, off_t off, size_t size)
{
	static char buf[65536];
	int fd;

	memset(buf, 'x', sizeof(buf));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	if (size > sizeof(buf) || pwrite(fd, buf, size, off) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
blocks(void)
{
	struct stat st, st2;
	uint64_t sx[32];        /* struct statx: stx_blocks at byte 48 */
	int fd;

	EXPECT_RET("mkdir gaps.d", mkdir("gaps.d", 0755), 0);
	EXPECT_RET("empty file", mkfile("gaps.d/empty", 0, 0), 0);
	EXPECT_RET("stat empty", stat("gaps.d/empty", &st), 0);
	EXPECT("an empty file holds no block", st.st_blocks == 0);

	EXPECT_RET("one-byte file", mkfile("gaps.d/one", 0, 1), 0);
	EXPECT_RET("stat one", stat("gaps.d/one", &st), 0);
	EXPECT("a one-byte file holds >= 1 unit of 512 (du -k: 4 on 4 KiB blocks)",
	    st.st_blocks >= 1);
	EXPECT("its units cover st_blksize-sized blocks",
	    st.st_blocks * 512 <= 2 * st.st_blksize || st.st_blksize == 0);
	EXPECT_RET("fstatat agrees", fstatat(AT_FDCWD, "gaps.d/one", &st2, 0), 0);
	EXPECT("fstatat: same st_blocks", st2.st_blocks == st.st_blocks);
	fd = open("gaps.d/one", O_RDONLY);
	EXPECT("open one", fd >= 0);
	EXPECT_RET("fstat", fstat(fd, &st2), 0);
	EXPECT("fstat: same st_blocks", st2.st_blocks == st.st_blocks);
	close(fd);
	/* by number: the host's musl may predate statx(); dirfd as a long,
	 * as musl's wrappers pass it */
	EXPECT_RET("statx", syscall(SYS_statx, (long)AT_FDCWD, "gaps.d/one", 0,
	    0x400 /* STATX_BLOCKS */, sx), 0);
	EXPECT("statx: same blocks", (long long)sx[6] == (long long)st.st_blocks);
	/* dirfd is an int: the upper half of its register is not looked at */
	EXPECT_RET("statx: dirfd's upper 32 bits ignored, as Linux",
	    syscall(SYS_statx, (long)(0xdead00000000L | (uint32_t)AT_FDCWD),
	    "gaps.d/one", 0, 0x400, sx), 0);
	EXPECT_RET("fstatat: dirfd's upper 32 bits ignored, as Linux",
	    syscall(SYS_newfstatat, (long)(0xdead00000000L | (uint32_t)AT_FDCWD),
	    "gaps.d/one", &st2, 0), 0);

	EXPECT_RET("64 KiB file", mkfile("gaps.d/big", 0, 65536), 0);
	EXPECT_RET("stat big", stat("gaps.d/big", &st), 0);
	EXPECT("a 64 KiB file holds >= 128 units", st.st_blocks >= 128);

	EXPECT_RET("sparse file", mkfile("gaps.d/sparse", 1 << 20, 1), 0);
	EXPECT_RET("stat sparse", stat("gaps.d/sparse", &st), 0);
	EXPECT("sparse: size 1 MiB + 1", st.st_size == (1 << 20) + 1);
	EXPECT("sparse: holds >= 1 unit, fewer than its size",
	    st.st_blocks >= 1 && st.st_blocks < 2048);

	unlink("gaps.d/empty");
	unlink("gaps.d/one");
	unlink("gaps.d/big");
	unlink("gaps.d/sparse");
	EXPECT_RET("rmdir gaps.d", rmdir("gaps.d"), 0);
}

int
main(void)
{
	groups();
	blocks();
	return ptest_done();
}
