/*
 * vmem.c: bad pointers, anonymous memory, vfork and posix_spawn, run by
 * tests/guest/posixvmem.sh under scripts/exos-run and on Linux (the
 * expectations are Linux's):
 *   vmem [SECTION...]     (no section: all; "helper N": exit N)
 * Sections:
 *   efault  a bad pointer to write, writev (bad vector, bad base), read,
 *           readv, nanosleep, clock_gettime, waitpid (status), uname,
 *           stat, open, execve (path, argv, a string), arch_prctl:
 *           EFAULT, and the process lives on;
 * (more sections are listed where they are defined below).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#ifdef __exos__
#include <xok/abi.h>
#endif

#define PTEST_SUITE "vmem"
#include "ptest.h"

#define PG 4096L

static char *self;              /* argv[0] */

/* An address in the user half that is not mapped (a page mapped then
 * unmapped), one in the kernel half, and one that is not canonical. */
static void *
unmapped(void)
{
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return (void *)16;
	munmap(p, PG);
	return p;
}

#define KERNEL_PTR ((void *)0xffff800000001000UL)
#define NONCANON   ((void *)0x0000900000000000UL)

static pid_t
xfork(void)
{
	fflush(stdout);
	return fork();
}

static void
test_efault(void)
{
	void *bad = unmapped();
	void *bads[] = { (void *)16, bad, KERNEL_PTR, NONCANON };
	const char *names[] = { "page 0", "unmapped", "kernel", "noncanon" };
	char buf[64], what[96];
	struct iovec iov[2];
	struct timespec ts = { 0, 1000 };
	struct stat st;
	struct utsname uts;
	int fd, st_code;
	unsigned i;
	pid_t pid;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		void *b = bads[i];

#define W(s) (snprintf(what, sizeof(what), "%s (%s)", s, names[i]), what)
		EXPECT_ERR(W("write(1, bad, 10): EFAULT"), write(1, b, 10),
		    EFAULT);
		iov[0].iov_base = b;
		iov[0].iov_len = 10;
		EXPECT_ERR(W("writev with a bad base: EFAULT"),
		    writev(1, iov, 1), EFAULT);
		EXPECT_ERR(W("writev with a bad vector: EFAULT"),
		    writev(1, b, 1), EFAULT);
		EXPECT_ERR(W("nanosleep(bad): EFAULT"), nanosleep(b, NULL),
		    EFAULT);
		EXPECT_ERR(W("clock_gettime(MONOTONIC, bad): EFAULT"),
		    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, b), EFAULT);
		EXPECT_ERR(W("uname(bad): EFAULT"), uname(b), EFAULT);
		/* (musl's stat copies from a buffer of its own into st:
		 * the raw call, as on Linux with glibc) */
		EXPECT_ERR(W("SYS_stat(self, bad): EFAULT"),
		    syscall(SYS_stat, self, b), EFAULT);
		EXPECT_ERR(W("stat(bad, &st): EFAULT"), stat(b, &st), EFAULT);
		EXPECT_ERR(W("open(bad): EFAULT"), open(b, O_RDONLY), EFAULT);
		EXPECT_ERR(W("execve(bad path): EFAULT"),
		    execve(b, (char *[]){ "x", NULL }, NULL), EFAULT);
		EXPECT_ERR(W("execve(self, bad argv): EFAULT"),
		    execve(self, b, NULL), EFAULT);
		EXPECT_ERR(W("execve(self, argv with a bad string): EFAULT"),
		    execve(self, (char *[]){ "x", b, NULL }, NULL), EFAULT);
		EXPECT_ERR(W("execve(self, argv, bad envp): EFAULT"),
		    execve(self, (char *[]){ "x", NULL }, b), EFAULT);
#ifdef SYS_arch_prctl
		EXPECT_ERR(W("arch_prctl(ARCH_GET_FS, bad): EFAULT"),
		    syscall(SYS_arch_prctl, 0x1003, b), EFAULT);
#endif
		fd = open(self, O_RDONLY);
		EXPECT(W("open(self)"), fd >= 0);
		EXPECT_ERR(W("read(fd, bad, 64): EFAULT"), read(fd, b, 64),
		    EFAULT);
		EXPECT_ERR(W("SYS_fstat(fd, bad): EFAULT"),
		    syscall(SYS_fstat, fd, b), EFAULT);
		iov[0].iov_base = buf;
		iov[0].iov_len = 4;
		iov[1].iov_base = b;
		iov[1].iov_len = 4;
		EXPECT_ERR(W("readv with a bad vector: EFAULT"),
		    readv(fd, b, 2), EFAULT);
		EXPECT_ERR(W("pread with a bad buffer: EFAULT"),
		    pread(fd, b, 8, 0), EFAULT);
		close(fd);
		pid = xfork();
		if (pid == 0)
			_exit(7);
		EXPECT_ERR(W("waitpid(pid, bad, 0): EFAULT"),
		    waitpid(pid, b, 0), EFAULT);
		EXPECT_ERR(W("... and the child was reaped: ECHILD"),
		    waitpid(pid, &st_code, 0), ECHILD);
#undef W
	}
	/* and the good calls still work */
	EXPECT_RET("nanosleep(good) after all that", nanosleep(&ts, NULL), 0);
	EXPECT_RET("uname(good)", uname(&uts), 0);
}

struct section {
	const char *name;
	void (*fn)(void);
};

static const struct section sections[] = {
	{ "efault", test_efault },
};

int
main(int argc, char **argv)
{
	unsigned i;
	int k;

	self = argv[0];
	if (argc == 3 && strcmp(argv[1], "helper") == 0)
		return atoi(argv[2]);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		int want = argc < 2;

		for (k = 1; k < argc; k++)
			if (strcmp(argv[k], sections[i].name) == 0)
				want = 1;
		if (want)
			sections[i].fn();
	}
	return ptest_done();
}
