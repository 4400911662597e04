/*
 * vmem.c: bad pointers, anonymous memory, vfork and posix_spawn; in the
 * POSIX suite (tests/guest/posixsuite.sh: run on ExOS and on Linux, the
 * expectations are Linux's):
 *   vmem [SECTION...]     (no section: all; "helper N": exit N)
 * Sections:
 *   efault  a bad pointer to write, writev (bad vector, bad base), read,
 *           readv, nanosleep, clock_gettime, waitpid (status), uname,
 *           stat, open, execve (path, argv, a string), arch_prctl:
 *           EFAULT, and the process lives on;
 *   lazy    64 MiB of anonymous memory: zero when read, kept when
 *           written; on ExOS the free-page count shows pages taken only
 *           as touched (a few groups of 64), MAP_POPULATE takes them at
 *           once, munmap gives them back; brk memory too;
 *   prot    a read of PROT_NONE and a write to PROT_READ memory kill a
 *           child with SIGSEGV (also when never touched before); a
 *           hole munmap left faults; mprotect back to read-write keeps
 *           the contents;
 *   edges   mmap/munmap/mprotect errors: EINVAL (length 0, unaligned
 *           address or offset, bad prot for mprotect, bad type), ENOMEM
 *           (mprotect of unmapped memory, a huge length), EEXIST
 *           (MAP_FIXED_NOREPLACE on a mapping);
 *   shared  MAP_SHARED|MAP_ANONYMOUS across fork, both ways, through
 *           mprotect(PROT_NONE) and back in the child, after a partial
 *           munmap; the pages are freed (ExOS: counted) when the last
 *           sharer unmaps, whoever it is;
 *   vfork   vfork + _exit and + execve (the status comes back);
 *           clone(CLONE_VM | CLONE_VFORK | SIGCHLD) on a stack of our
 *           own, as musl's posix_spawn issues it: the parent resumes
 *           only after the child exited (a shared word shows it) or
 *           exec'd; posix_spawn + waitpid, and a failed spawn's error
 *           (posix_spawn needs pipe2: skipped, and said, where there is
 *           none yet).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
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

static long
free_pages(void)
{
#ifdef __exos__
	return (long)XOK_INFO->nfree;
#else
	return 0;
#endif
}

static int
on_exos(void)
{
#ifdef __exos__
	return 1;
#else
	return 0;
#endif
}

/* Run fn(arg) in a child; its wait status (-1 if fork or wait failed). */
static int
in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = xfork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void
do_read(void *p)
{
	(void)*(volatile char *)p;
}

static void
do_write(void *p)
{
	*(volatile char *)p = 1;
}

static int
killed_by(int st, int sig)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static void
test_lazy(void)
{
	size_t len = 64UL << 20, i, npg = len / PG;
	long f0, f1, f2, f3;
	unsigned char *p;
	unsigned long sum = 0;
	int ok = 1;
	char *b0, *b1;

	f0 = free_pages();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT("mmap 64 MiB", p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	f1 = free_pages();
	if (on_exos())
		EXPECT("64 MiB mmap takes no page yet (only its shadow: <= 40)",
		    f0 - f1 <= 40);
	EXPECT("an untouched page reads 0", p[len / 2] == 0);
	f2 = free_pages();
	printf("vmem: info: free pages %ld, after mmap %ld, after a read %ld\n",
	    f0, f1, f2);
	if (on_exos())
		EXPECT("one touch takes one group (64 pages, and a few)",
		    f1 - f2 >= 1 && f1 - f2 <= 72);
	for (i = 0; i < npg; i++)
		p[i * PG + (i % PG)] = (unsigned char)(i * 7 + 1);
	f3 = free_pages();
	printf("vmem: info: after touching all %ld\n", f3);
	if (on_exos())
		EXPECT("touching all 64 MiB takes 16,384 pages",
		    f1 - f3 >= (long)npg && f1 - f3 <= (long)npg + 136);
	for (i = 0; i < npg; i++) {
		if (p[i * PG + (i % PG)] != (unsigned char)(i * 7 + 1) ||
		    p[i * PG + ((i + 1) % PG)] != 0)
			ok = 0;
		sum += p[i * PG + (i % PG)];
	}
	EXPECT("every page keeps what was written, zero elsewhere", ok);
	EXPECT_RET("munmap 64 MiB", munmap(p, len), 0);
	if (on_exos())
		EXPECT("munmap gives every page back",
		    free_pages() - f3 >= (long)npg);

	f0 = free_pages();
	p = mmap(NULL, 8UL << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	EXPECT("mmap 8 MiB MAP_POPULATE", p != MAP_FAILED);
	if (on_exos())
		EXPECT("MAP_POPULATE takes the 2,048 pages at once",
		    f0 - free_pages() >= 2048);
	if (p != MAP_FAILED) {
		EXPECT("populated memory reads 0", p[5 * PG + 3] == 0);
		munmap(p, 8UL << 20);
	}

	/* brk: lazy too, and zero (the raw call: musl's sbrk refuses to
	 * move the break) */
	b0 = (char *)syscall(SYS_brk, 0);
	f0 = free_pages();
	b1 = (char *)syscall(SYS_brk, b0 + (16 << 20));
	EXPECT("brk(+16 MiB)", b1 == b0 + (16 << 20));
	if (b1 == b0 + (16 << 20)) {
		if (on_exos())
			EXPECT("brk takes no page until touched",
			    f0 - free_pages() <= 16);
		EXPECT("brk memory reads 0", b0[(8 << 20) + 5] == 0);
		b0[(16 << 20) - 1] = 3;
		EXPECT("brk memory is writable to its end",
		    b0[(16 << 20) - 1] == 3);
		EXPECT("brk back down", (char *)syscall(SYS_brk, b0) == b0);
	}
}

static void
test_prot(void)
{
	char *p = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	char *r;

	EXPECT("mmap PROT_NONE", p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	EXPECT("reading PROT_NONE memory: SIGSEGV",
	    killed_by(in_child(do_read, p), SIGSEGV));
	EXPECT_RET("mprotect(PROT_READ | PROT_WRITE)",
	    mprotect(p, 4 * PG, PROT_READ | PROT_WRITE), 0);
	EXPECT("then it reads 0", p[PG + 1] == 0);
	p[PG + 1] = 'x';
	EXPECT_RET("mprotect(PROT_READ)", mprotect(p, 4 * PG, PROT_READ), 0);
	EXPECT("writing PROT_READ memory (touched): SIGSEGV",
	    killed_by(in_child(do_write, p + PG), SIGSEGV));
	EXPECT("writing PROT_READ memory (never touched): SIGSEGV",
	    killed_by(in_child(do_write, p + 3 * PG), SIGSEGV));
	EXPECT_RET("mprotect(PROT_NONE)", mprotect(p, 4 * PG, PROT_NONE), 0);
	EXPECT("reading it now: SIGSEGV",
	    killed_by(in_child(do_read, p + PG), SIGSEGV));
	EXPECT_RET("mprotect back to read-write",
	    mprotect(p, 4 * PG, PROT_READ | PROT_WRITE), 0);
	EXPECT("the contents survived PROT_NONE", p[PG + 1] == 'x');
	EXPECT_RET("munmap the second page", munmap(p + PG, PG), 0);
	EXPECT("the hole faults: SIGSEGV",
	    killed_by(in_child(do_read, p + PG), SIGSEGV));
	EXPECT("its neighbours do not", in_child(do_write, p + 2 * PG) == 0 &&
	    in_child(do_write, p) == 0);
	munmap(p, 4 * PG);

	r = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT("mmap PROT_READ, untouched, reads 0",
	    r != MAP_FAILED && r[100] == 0);
	if (r != MAP_FAILED)
		munmap(r, PG);
}

static void
test_edges(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	EXPECT("mmap 2 pages", p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	EXPECT_ERR("mmap length 0: EINVAL", mmap(NULL, 0, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
	EXPECT_ERR("mmap unaligned offset: EINVAL", mmap(NULL, PG, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 100), EINVAL);
	EXPECT_ERR("mmap MAP_FIXED unaligned: EINVAL", mmap(p + 1, PG,
	    PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	    EINVAL);
	EXPECT_ERR("mmap neither shared nor private: EINVAL", mmap(NULL, PG,
	    PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
	EXPECT_ERR("mmap 128 TiB: ENOMEM", mmap(NULL, 1UL << 47, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
#ifdef MAP_FIXED_NOREPLACE
	EXPECT_ERR("MAP_FIXED_NOREPLACE on a mapping: EEXIST", mmap(p, PG,
	    PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
	    0), EEXIST);
#endif
	EXPECT_ERR("munmap unaligned: EINVAL", munmap(p + 1, PG), EINVAL);
	EXPECT_ERR("munmap length 0: EINVAL", munmap(p, 0), EINVAL);
	/* (musl's mprotect rounds the address down: the raw call) */
	EXPECT_ERR("mprotect unaligned: EINVAL",
	    syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	EXPECT_ERR("mprotect unknown prot bit: EINVAL",
	    mprotect(p, PG, 0x100), EINVAL);
	EXPECT_RET("mprotect length 0: 0", mprotect(p, 0, PROT_READ), 0);
	EXPECT_RET("munmap the second page", munmap(p + PG, PG), 0);
	EXPECT_ERR("mprotect over the hole: ENOMEM",
	    mprotect(p, 2 * PG, PROT_READ), ENOMEM);
	EXPECT_RET("munmap of nothing mapped: 0", munmap(p + PG, PG), 0);
	EXPECT_RET("MAP_FIXED over the hole", (long)mmap(p + PG, PG,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	    -1, 0), (long)(p + PG));
	EXPECT("... and it is fresh, zero memory", p[PG + 9] == 0);
	munmap(p, 2 * PG);
}

/* The child's side of the shared test: see the parent's words, write
 * ours, wait for the parent's answer (5 s at most). */
static void
shared_child(void *arg)
{
	volatile long *s = arg;
	struct timespec ts = { 0, 2000000 };
	int i;

	if (s[0] != 11)                 /* written before fork */
		_exit(2);
	s[1] = 22;                      /* the parent waits for this */
	for (i = 0; i < 2500 && s[2] != 33; i++)
		nanosleep(&ts, NULL);
	_exit(s[2] == 33 ? 0 : 3);
}

static void
shared_hide(void *arg)
{
	volatile char *s = arg;

	/* the second page was PROT_NONE in the parent at fork */
	if (mprotect((char *)s + PG, PG, PROT_READ | PROT_WRITE) != 0)
		_exit(4);
	if (s[PG] != 'h')
		_exit(5);
	s[PG + 1] = 'c';
	_exit(0);
}

/* A shared page at va; the owner unmaps it first, then the child
 * that still uses it exits.  Free pages after the reap minus before
 * the fork; *ok 0 if everything ran. */
static long
owner_first(char *va, int *ok)
{
	volatile long *s = mmap(va, PG, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	struct timespec ts = { 0, 2000000 };
	long f0, f1;
	pid_t pid;
	int st = -1, i, r;

	*ok = -1;
	if (s == MAP_FAILED)
		return 0;
	s[0] = 11;
	s[1] = s[2] = 0;
	fflush(stdout);
	f0 = free_pages();
	if ((pid = fork()) < 0)
		return 0;
	if (pid == 0)
		shared_child((void *)s);
	for (i = 0; i < 2500 && s[1] != 22; i++)
		nanosleep(&ts, NULL);
	s[2] = 33;
	r = munmap((void *)s, PG);
	pid = waitpid(pid, &st, 0);
	f1 = free_pages();
	if (r == 0 && pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		*ok = 0;
	return f1 - f0;
}

static void
test_shared(void)
{
	/* The shared pages sit next to a touched private page in one
	 * 2 MiB-aligned area, so that unmapping them frees no page table
	 * (the kernel frees empty tables): the free-page counts below are
	 * then exactly the shared pages. */
	char *area = mmap(NULL, 4UL << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *base;
	volatile long *s;
	struct timespec ts = { 0, 2000000 };
	long f0, f1;
	pid_t pid;
	int st = -1, i;

	EXPECT("mmap 4 MiB for the shared tests", area != MAP_FAILED);
	if (area == MAP_FAILED)
		return;
	base = (char *)(((uintptr_t)area + (2UL << 20) - 1) &
	    ~((2UL << 20) - 1));
	base[0] = 1;                    /* the anchor */
	s = mmap(base + PG, 3 * PG, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT("mmap MAP_SHARED | MAP_ANONYMOUS", s != MAP_FAILED);
	if (s == MAP_FAILED)
		return;
	EXPECT("shared memory starts zero", s[0] == 0 && s[PG / 8] == 0);
	s[0] = 11;
	pid = xfork();
	if (pid == 0)
		shared_child((void *)s);
	for (i = 0; i < 2500 && s[1] != 22; i++)
		nanosleep(&ts, NULL);
	EXPECT("the child's write reaches the parent", s[1] == 22);
	s[2] = 33;
	EXPECT("the parent's write reaches the child",
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);

	/* PROT_NONE in the parent, made visible again in the child */
	((volatile char *)s)[PG] = 'h';
	EXPECT_RET("mprotect a shared page PROT_NONE",
	    mprotect((char *)s + PG, PG, PROT_NONE), 0);
	st = in_child(shared_hide, (void *)s);
	EXPECT("the child unhides it and sees the parent's byte",
	    st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_RET("mprotect it read-write again",
	    mprotect((char *)s + PG, PG, PROT_READ | PROT_WRITE), 0);
	EXPECT("the child's write through it is there",
	    ((volatile char *)s)[PG + 1] == 'c');

	/* the first page unmapped in the parent: the rest still shared */
	EXPECT_RET("munmap the first shared page", munmap((void *)s, PG), 0);
	s[PG / 8 + 5] = 0;
	st = in_child(do_write, (char *)s + PG + 40);
	EXPECT("after a partial munmap the rest is still shared",
	    st == 0 && ((volatile char *)s)[PG + 40] == 1);

	/* freed when the last sharer unmaps: here the parent, last */
	f0 = free_pages();
	EXPECT_RET("munmap the rest", munmap((char *)s + PG, 2 * PG), 0);
	f1 = free_pages();
	printf("vmem: info: free pages before the last unmap %ld, after %ld\n",
	    f0, f1);
	if (on_exos())
		EXPECT("the last unmap frees both pages", f1 - f0 == 2);

	/* the owner unmaps first, the child last: counted from before the
	 * fork to after the reap (the child's own pages all come back);
	 * the second round is the one counted (the first takes what the
	 * libOS keeps once made: its lent list, tables) */
	for (i = 0; i < 2; i++) {
		f1 = owner_first(base + (8 + i) * PG, &st);
		EXPECT("the parent (the owner) unmaps first, the child still "
		    "runs on the page", st == 0);
		printf("vmem: info: free pages after the reap - before the "
		    "fork: %ld\n", f1);
	}
	if (on_exos())
		EXPECT("the page is freed once the child is gone", f1 == 1);
	munmap(area, 4UL << 20);
}

static volatile long *vf_shared;        /* a MAP_SHARED word */
static char vf_stack[65536] __attribute__((aligned(16)));

/* The clone child: sleep a little, so a parent that does not wait for
 * us sees the word still 0, then set it and leave (or exec). */
static int
vf_child(void *arg)
{
	struct timespec ts = { 0, 50000000 };
	long how = (long)arg;

	nanosleep(&ts, NULL);
	*vf_shared = 1;
	if (how == 1)
		execve(self, (char *[]){ self, "helper", "6", NULL },
		    (char *[]){ NULL });
	_exit(5);
}

static void
test_vfork(void)
{
	extern char **environ;
	int st = -1, r;
	pid_t pid;

	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(3);
	EXPECT("vfork + _exit(3): status 3", pid > 0 &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 3);
	pid = vfork();
	if (pid == 0) {
		execve(self, (char *[]){ self, "helper", "9", NULL }, environ);
		_exit(99);
	}
	st = -1;
	EXPECT("vfork + execve(helper 9): status 9", pid > 0 &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 9);

	vf_shared = mmap(NULL, PG, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT("a shared word", vf_shared != MAP_FAILED);
	if (vf_shared == MAP_FAILED)
		return;
	*vf_shared = 0;
	pid = clone(vf_child, vf_stack + sizeof(vf_stack),
	    CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)0);
	EXPECT("clone(CLONE_VM | CLONE_VFORK): the parent resumes after the "
	    "child's exit", pid > 0 && *vf_shared == 1);
	st = -1;
	EXPECT("... whose status is 5", pid > 0 &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 5);
	*vf_shared = 0;
	pid = clone(vf_child, vf_stack + sizeof(vf_stack),
	    CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)1);
	EXPECT("clone(CLONE_VM | CLONE_VFORK) + execve: the parent resumes "
	    "after the exec", pid > 0 && *vf_shared == 1);
	st = -1;
	EXPECT("... and the new image's status is 6", pid > 0 &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 6);

	/* posix_spawn reports exec errors through a pipe */
	{
		int p[2];

		if (pipe(p) != 0 && errno == ENOSYS) {
			printf("vmem: info: no pipes yet: posix_spawn not "
			    "tested\n");
			return;
		}
		close(p[0]);
		close(p[1]);
	}
	pid = -1;
	r = posix_spawn(&pid, self, NULL, NULL,
	    (char *[]){ self, "helper", "4", NULL }, environ);
	st = -1;
	EXPECT("posix_spawn(helper 4) + waitpid: status 4", r == 0 &&
	    pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 4);
	r = posix_spawn(&pid, "/no/such/program", NULL, NULL,
	    (char *[]){ "x", NULL }, environ);
	EXPECT("posix_spawn of a missing program: ENOENT", r == ENOENT);
	EXPECT_ERR("... and no child is left", waitpid(-1, &st, WNOHANG),
	    ECHILD);
}

struct section {
	const char *name;
	void (*fn)(void);
};

static const struct section sections[] = {
	{ "efault", test_efault },
	{ "lazy", test_lazy },
	{ "prot", test_prot },
	{ "edges", test_edges },
	{ "shared", test_shared },
	{ "vfork", test_vfork },
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
