/*
 * fmmap.c: mmap of a file, MAP_PRIVATE and MAP_SHARED, and msync; in
 * the POSIX suite with a disk (tests/guest/posixsuite.sh: run on ExOS
 * over a fresh C-FFS image, fsck-clean after, and on Linux: the
 * expectations are Linux's).  Checked:
 *   errors  EBADF (bad fd), EINVAL (unaligned offset, length 0),
 *           ENOMEM (a huge length), EOVERFLOW (a negative offset),
 *           EACCES (O_WRONLY; MAP_SHARED+PROT_WRITE of O_RDONLY, and
 *           mprotect to PROT_WRITE of such a mapping), ENODEV (a
 *           directory, a pipe, /dev/null); /dev/zero is anonymous;
 *   private the file's bytes, zeros past the end in the last page,
 *           stores stay private (the file unchanged), SIGBUS for a page
 *           wholly past the end (a child dies of it; a handler gets it
 *           with si_addr), SIGSEGV for a store to PROT_READ, mprotect
 *           to writable, fork copies (a child's store is its own);
 *   shared  stores reach the file: read() sees them, msync, munmap and
 *           exit write them back; write() reaches the mapping; a store
 *           past the end of file does not grow it; two processes (the
 *           second mapping on its own after fork) see each other's
 *           stores; a child killed with SIGKILL after storing: its
 *           stores are in the file once reaped; a child that stores
 *           and execs: its stores are in the file (exec drops the
 *           mapping), the new image runs;
 *   hostile close then touch, unlink then touch, ftruncate shrinking
 *           (a touch past the new end: SIGBUS), munmap of a middle page
 *           (SIGSEGV there, the rest intact), MAP_FIXED over a file
 *           page, write() from and read() into untouched mappings of
 *           the same file, read() into a page past the end (EFAULT),
 *           msync's errors (EINVAL, ENOMEM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PTEST_SUITE "fmmap"
#include "ptest.h"

#define PG      4096
#define FSIZE   (3 * PG + 100)          /* three pages and a bit */
#define MF      ((void *)-1)

static unsigned char
pat(uint64_t i)
{
	return (unsigned char)(i * 7 + 3);
}

static int
make_file(const char *name, int mode)
{
	static unsigned char buf[FSIZE];
	int fd;
	uint64_t i;

	for (i = 0; i < FSIZE; i++)
		buf[i] = pat(i);
	unlink(name);
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, FSIZE) != FSIZE) {
		printf("FAIL: fmmap: cannot make %s (errno %d)\n", name, errno);
		exit(1);
	}
	if (mode != O_RDWR) {
		close(fd);
		fd = open(name, mode);
	}
	return fd;
}

static int
same_as_file(const unsigned char *p, uint64_t off, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pat(off + i))
			return 0;
	return 1;
}

static int
zeros(const unsigned char *p, uint64_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* Run fn in a child: the signal it died of, or 100 + its exit status. */
static int
in_child(void (*fn)(void *), void *arg)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 100 + WEXITSTATUS(st);
}

static void
touch(void *p)
{
	(void)*(volatile unsigned char *)p;
}

static void
poke(void *p)
{
	*(volatile unsigned char *)p = 1;
}

static sigjmp_buf jb;
static volatile void *bus_addr;

static void
on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	bus_addr = sig == SIGBUS ? si->si_addr : NULL;
	siglongjmp(jb, 1);
}

static void
errors(void)
{
	int fd = make_file("fm.dat", O_RDWR), wo, ro, pfd[2], dfd;

	EXPECT_ERR("bad fd: EBADF", mmap(0, PG, PROT_READ, MAP_PRIVATE, 99, 0),
	    EBADF);
	EXPECT_ERR("fd -1 without MAP_ANONYMOUS: EBADF",
	    mmap(0, PG, PROT_READ, MAP_SHARED, -1, 0), EBADF);
	EXPECT_ERR("unaligned offset: EINVAL",
	    mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
	EXPECT_ERR("length 0: EINVAL",
	    mmap(0, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL);
	EXPECT_ERR("huge length: ENOMEM",
	    mmap(0, 1UL << 50, PROT_READ, MAP_PRIVATE, fd, 0), ENOMEM);
	EXPECT_ERR("negative offset: EOVERFLOW",
	    mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, -PG), EOVERFLOW);
	wo = open("fm.dat", O_WRONLY);
	ro = open("fm.dat", O_RDONLY);
	EXPECT_ERR("O_WRONLY, MAP_PRIVATE: EACCES",
	    mmap(0, PG, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
	EXPECT_ERR("O_WRONLY, MAP_SHARED: EACCES",
	    mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, wo, 0), EACCES);
	EXPECT_ERR("O_RDONLY, MAP_SHARED, PROT_WRITE: EACCES",
	    mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
	{
		unsigned char *p = mmap(0, PG, PROT_READ, MAP_SHARED, ro, 0);

		EXPECT("O_RDONLY, MAP_SHARED, PROT_READ: mapped", p != MF);
		if (p != MF) {
			EXPECT("... reads the file", same_as_file(p, 0, PG));
			EXPECT_ERR("... mprotect PROT_WRITE: EACCES",
			    mprotect(p, PG, PROT_READ | PROT_WRITE), EACCES);
			EXPECT_RET("... munmap", munmap(p, PG), 0);
		}
		p = mmap(0, PG, PROT_READ, MAP_PRIVATE, ro, 0);
		EXPECT("O_RDONLY, MAP_PRIVATE: mapped", p != MF);
		if (p != MF) {
			EXPECT_RET("... mprotect PROT_WRITE (private): 0",
			    mprotect(p, PG, PROT_READ | PROT_WRITE), 0);
			p[0] ^= 0xff;
			EXPECT("... and the store is ours",
			    p[0] == (unsigned char)~pat(0));
			munmap(p, PG);
		}
	}
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	EXPECT_ERR("a directory: ENODEV",
	    mmap(0, PG, PROT_READ, MAP_PRIVATE, dfd, 0), ENODEV);
	if (pipe(pfd) == 0) {
		EXPECT_ERR("a pipe's read end: ENODEV",
		    mmap(0, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0), ENODEV);
		EXPECT_ERR("a pipe's write end: EACCES",
		    mmap(0, PG, PROT_READ, MAP_PRIVATE, pfd[1], 0), EACCES);
		close(pfd[0]);
		close(pfd[1]);
	}
	{
		int nfd = open("/dev/null", O_RDWR), zfd;
		unsigned char *z;

		EXPECT_ERR("/dev/null: ENODEV",
		    mmap(0, PG, PROT_READ, MAP_PRIVATE, nfd, 0), ENODEV);
		zfd = open("/dev/zero", O_RDWR);
		z = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, zfd, 0);
		EXPECT("/dev/zero: anonymous zeros", z != MF &&
		    zeros(z, 2 * PG));
		if (z != MF) {
			z[5] = 9;
			EXPECT("/dev/zero: writable", z[5] == 9);
			munmap(z, 2 * PG);
		}
		close(nfd);
		close(zfd);
	}
	close(dfd);
	close(wo);
	close(ro);
	close(fd);
}

/* A first touch in a forked child (its file system not yet mounted:
 * the fault handler mounts it): the bytes are the file's. */
static void
check_page1(void *arg)
{
	_exit(same_as_file((unsigned char *)arg + PG, PG, PG) ? 0 : 9);
}

static void
private_maps(void)
{
	int fd = make_file("fm.dat", O_RDONLY), r;
	unsigned char *p, buf[16];
	struct sigaction sa, old;

	p = mmap(0, 5 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	EXPECT("MAP_PRIVATE of 5 pages of a 3.1-page file", p != MF);
	if (p == MF)
		return;
	EXPECT("the file's bytes", same_as_file(p, 0, FSIZE));
	EXPECT("zeros past the end in the last page",
	    zeros(p + FSIZE, 4 * PG - FSIZE));
	p[10] = 0;
	p[3 * PG + 50] = 0;
	EXPECT("stores kept", p[10] == 0 && p[3 * PG + 50] == 0);
	EXPECT("... and private: the file unchanged",
	    pread(fd, buf, 1, 10) == 1 && buf[0] == pat(10));
	r = in_child(touch, p + 4 * PG);
	EXPECT("a touch of a page past the end: SIGBUS", r == SIGBUS);
	{
		unsigned char *q = mmap(0, 2 * PG, PROT_READ, MAP_PRIVATE, fd,
		    0);

		r = q == MF ? -1 : in_child(check_page1, q);
		EXPECT("a forked child's first touch of a private page",
		    r == 100);
		if (q != MF)
			munmap(q, 2 * PG);
	}
	r = in_child(poke, p + 10);
	EXPECT("a child's store into a private page: lives", r == 100);
	EXPECT("... and the parent's page is its own", p[10] == 0 &&
	    p[11] == pat(11));

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, &old);
	bus_addr = NULL;
	if (sigsetjmp(jb, 1) == 0)
		touch(p + 4 * PG + 8);
	EXPECT("a SIGBUS handler gets it, si_addr the address",
	    bus_addr == p + 4 * PG + 8);
	sigaction(SIGBUS, &old, NULL);
	munmap(p, 5 * PG);

	p = mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	EXPECT("MAP_PRIVATE, PROT_READ at offset 1 page: the bytes",
	    p != MF && same_as_file(p, PG, PG));
	if (p != MF) {
		EXPECT("... a store to it: SIGSEGV",
		    in_child(poke, p) == SIGSEGV);
		munmap(p, PG);
	}
	close(fd);
}

static void
store_and_exit(void *arg)
{
	unsigned char *p = arg;

	p[PG + 1] = 0xaa;
}

static void
map_store_die(void *arg)
{
	int fd = open("fm.dat", O_RDWR);
	unsigned char *p = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);

	(void)arg;
	if (p == MF)
		_exit(3);
	close(fd);
	p[7] = 0x77;
	p[PG + 7] = 0x78;
	kill(getpid(), SIGKILL);
	_exit(4);
}

static void
map_store_exit(void *arg)
{
	int fd = open("fm.dat", O_RDWR);
	unsigned char *p = mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);

	(void)arg;
	if (p == MF)
		_exit(3);
	p[20] = 0x20;
	_exit(0);
}

static const char *self_path;

static void
map_store_exec(void *arg)
{
	int fd = open("fm.dat", O_RDWR);
	unsigned char *p = mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 2 * PG);

	(void)arg;
	if (p == MF)
		_exit(3);
	p[30] = 0x30;
	execl(self_path, self_path, "exec-helper", (char *)NULL);
	_exit(4);
}

static void
shared_maps(void)
{
	int fd = make_file("fm.dat", O_RDWR), r;
	unsigned char *p, *q, buf[16];
	struct stat st;

	p = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT("MAP_SHARED of 4 pages", p != MF);
	if (p == MF)
		return;
	EXPECT("the file's bytes", same_as_file(p, 0, FSIZE) &&
	    zeros(p + FSIZE, 4 * PG - FSIZE));
	p[5] = 0x55;
	EXPECT("read() sees a store before msync",
	    pread(fd, buf, 1, 5) == 1 && buf[0] == 0x55);
	EXPECT_RET("msync MS_SYNC", msync(p, PG, MS_SYNC), 0);
	EXPECT("read() after msync sees it",
	    pread(fd, buf, 1, 5) == 1 && buf[0] == 0x55);
	EXPECT_RET("pwrite", pwrite(fd, "\x66", 1, 6), 1);
	EXPECT("the mapping sees write()", p[6] == 0x66);
	p[FSIZE + 10] = 0x99;
	EXPECT_RET("msync MS_ASYNC", msync(p, 4 * PG, MS_ASYNC), 0);
	EXPECT("a store past the end does not grow the file",
	    fstat(fd, &st) == 0 && st.st_size == FSIZE);

	q = mmap(0, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	r = q == MF ? -1 : in_child(check_page1, q);
	EXPECT("a forked child's first touch of a shared page", r == 100);
	if (q != MF)
		munmap(q, 2 * PG);
	r = in_child(store_and_exit, p);
	EXPECT("fork: a child's store into the shared mapping",
	    r == 100 && p[PG + 1] == 0xaa);
	r = in_child(map_store_exit, NULL);
	EXPECT("a child mapping on its own, storing, exiting: we see it",
	    r == 100 && p[20] == 0x20);
	EXPECT("... and so does read()",
	    pread(fd, buf, 1, 20) == 1 && buf[0] == 0x20);
	r = in_child(map_store_die, NULL);
	EXPECT("a child killed after storing: SIGKILL", r == SIGKILL);
	EXPECT("... its stores are in the mapping", p[7] == 0x77 &&
	    p[PG + 7] == 0x78);
	r = in_child(map_store_exec, NULL);
	EXPECT("a child storing, then execve: the new image runs", r == 107);
	EXPECT("... its store is in the file",
	    pread(fd, buf, 1, 2 * PG + 30) == 1 && buf[0] == 0x30);
	EXPECT_RET("munmap", munmap(p, 4 * PG), 0);
	EXPECT("... and in the file once it is unmapped",
	    pread(fd, buf, 1, 7) == 1 && buf[0] == 0x77 &&
	    pread(fd, buf, 1, PG + 7) == 1 && buf[0] == 0x78 &&
	    pread(fd, buf, 1, PG + 1) == 1 && buf[0] == 0xaa);

	/* munmap writes back; a second mapping reads the file again */
	p = mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
	if (p != MF) {
		p[1] = 0x31;
		munmap(p, PG);
	}
	EXPECT("munmap writes back",
	    pread(fd, buf, 1, 2 * PG + 1) == 1 && buf[0] == 0x31);
	q = mmap(0, PG, PROT_READ, MAP_SHARED, fd, 2 * PG);
	EXPECT("a new mapping reads it", q != MF && q[1] == 0x31);
	if (q != MF)
		munmap(q, PG);
	close(fd);
}

static void
trunc_touch(void *arg)
{
	int fd = open("ft.dat", O_RDWR);
	unsigned char *p = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);

	(void)arg;
	if (p == MF)
		_exit(3);
	touch(p + 2 * PG);
	if (ftruncate(fd, PG) != 0)
		_exit(4);
	touch(p + 10);
	if (p[PG - 1] != pat(PG - 1))
		_exit(5);
	touch(p + 2 * PG);                     /* SIGBUS */
	_exit(6);
}

static void
hostile(void)
{
	int fd = make_file("fm.dat", O_RDWR), fd2, r;
	unsigned char *p, *q, buf[64];
	struct stat st;

	p = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	EXPECT_RET("close after mmap", close(fd), 0);
	EXPECT("touched after close: the file's bytes", p != MF && q != MF &&
	    same_as_file(p, 0, 3 * PG) && same_as_file(q, 0, 3 * PG));
	if (p == MF || q == MF)
		return;
	EXPECT_RET("unlink while mapped", unlink("fm.dat"), 0);
	p[2 * PG] = 0x42;
	EXPECT_RET("store and msync after unlink",
	    msync(p, 3 * PG, MS_SYNC), 0);
	EXPECT_ERR("the name is gone", stat("fm.dat", &st), ENOENT);
	EXPECT_RET("munmap the shared one", munmap(p, 3 * PG), 0);
	EXPECT("the private one still reads", q[2 * PG + 1] == pat(2 * PG + 1));
	munmap(q, 3 * PG);

	/* part of a mapping, and MAP_FIXED over one */
	fd = make_file("fm.dat", O_RDWR);
	p = mmap(0, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p != MF) {
		EXPECT_RET("munmap the middle page", munmap(p + PG, PG), 0);
		EXPECT("the first and last pages intact",
		    same_as_file(p, 0, PG) &&
		    same_as_file(p + 2 * PG, 2 * PG, PG));
		EXPECT("the hole: SIGSEGV", in_child(touch, p + PG) == SIGSEGV);
		q = mmap(p + 2 * PG, PG, PROT_READ | PROT_WRITE,
		    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		EXPECT("MAP_FIXED anonymous over a file page: zeros",
		    q == p + 2 * PG && zeros(q, PG));
		q = mmap(p + PG, PG, PROT_READ, MAP_FIXED | MAP_SHARED, fd,
		    2 * PG);
		EXPECT("MAP_FIXED of a file page in the hole",
		    q == p + PG && same_as_file(q, 2 * PG, PG));
		munmap(p, 3 * PG);
	}

	/* write() from, read() into untouched mappings of the same file */
	fd2 = make_file("fm2.dat", O_RDWR);
	p = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	q = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MF && q != MF) {
		EXPECT_RET("pwrite from an untouched private mapping",
		    pwrite(fd, p, 2 * PG, PG), 2 * PG);
		EXPECT("... wrote the file's first pages",
		    pread(fd, buf, 64, PG) == 64 && same_as_file(buf, 0, 64));
		EXPECT("... and the shared mapping sees it",
		    same_as_file(q + PG, 0, 64));
		EXPECT_RET("pread into an untouched shared mapping",
		    pread(fd2, q + 2 * PG, 100, 0), 100);
		EXPECT("... the bytes", same_as_file(q + 2 * PG, 0, 100));
		munmap(p, 3 * PG);
		munmap(q, 3 * PG);
	}
	p = mmap(0, 5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	if (p != MF) {
		EXPECT_ERR("read() into a mapped page past the end: EFAULT",
		    pread(fd, p + 4 * PG, 10, 0), EFAULT);
		EXPECT_ERR("msync unaligned: EINVAL", msync(p + 1, PG, MS_SYNC),
		    EINVAL);
		EXPECT_ERR("msync MS_SYNC|MS_ASYNC: EINVAL",
		    msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
		EXPECT_ERR("msync bad flags: EINVAL", msync(p, PG, 0x100),
		    EINVAL);
		munmap(p + 3 * PG, PG);
		EXPECT_ERR("msync over a hole: ENOMEM",
		    msync(p, 5 * PG, MS_SYNC), ENOMEM);
		EXPECT_RET("msync length 0: 0", msync(p, 0, MS_SYNC), 0);
		munmap(p, 5 * PG);
	}
	close(fd);
	close(fd2);

	/* shrinking a mapped file */
	fd = make_file("ft.dat", O_RDWR);
	close(fd);
	r = in_child(trunc_touch, NULL);
	EXPECT("ftruncate shrinking, then a touch past the new end: SIGBUS",
	    r == SIGBUS);
	EXPECT("... the file is one page", stat("ft.dat", &st) == 0 &&
	    st.st_size == PG);
	unlink("ft.dat");
	unlink("fm.dat");
	unlink("fm2.dat");
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-helper") == 0)
		return 7;       /* map_store_exec's new image */
	self_path = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	errors();
	private_maps();
	shared_maps();
	hostile();
	return ptest_done();
}
