/*
 * hello.c: the first program built with exos-cc (musl + libexos's POSIX
 * layer), booted as the first process by tests/guest/posixhello.sh with
 * the command line "hello.elf EXOS_SYSCOUNT=1 one two".  It checks what
 * the dispatcher implements today: stdio through write/writev, malloc of
 * a few MiB (brk and mmap), TLS, errno, the clock and sleeping, mmap's
 * errors, an unknown call's ENOSYS, uname, arguments and environment.
 * Plain C: it builds for Linux too (gcc, or musl-gcc -static), where it
 * passes the same checks when run as "hello one two" with
 * EXOS_SYSCOUNT=1 in its environment.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sched.h>
#ifdef __exos__
#include <xok/abi.h>        /* the exported free-page count */
#endif

/* Free physical pages: the kernel's exported count on ExOS; on Linux
 * there is nothing to compare, so the check holds trivially. */
static long
free_pages(void)
{
#ifdef __exos__
	return (long)XOK_INFO->nfree;
#else
	return 0;
#endif
}

#ifndef IOV_MAX
#define IOV_MAX 1024            /* Linux's UIO_MAXIOV (glibc hides IOV_MAX) */
#endif

static int failures;
static struct iovec many[IOV_MAX + 1];
static volatile int minus1 = -1;

#define EXPECT(what, cond) do {                                         \
	if (cond)                                                       \
		printf("PASS: posix: %s\n", what);                      \
	else {                                                          \
		printf("FAIL: posix: %s (%s:%d)\n", what, __FILE__,     \
		    __LINE__);                                          \
		failures++;                                             \
	}                                                               \
} while (0)

static __thread int tls_init = 42;
static __thread char tls_zero[64];

int
main(int argc, char **argv)
{
	struct timespec t0, t1, ts;
	struct utsname un;
	struct iovec iov[2];
	size_t big = 6u << 20, i;
	long nfree;
	unsigned char *p, *q;
	char *s;
	void *m;
	int ok;

	printf("hello from musl on ExOS: %s, %d args\n", argv[0], argc);
	EXPECT("argv from the command line",
	    argc == 3 && strcmp(argv[1], "one") == 0 &&
	    strcmp(argv[2], "two") == 0 && argv[3] == NULL);
	s = getenv("EXOS_SYSCOUNT");
	EXPECT("environment from the command line", s && strcmp(s, "1") == 0);

	EXPECT("TLS initialised", tls_init == 42);
	for (i = 0, ok = 1; i < sizeof(tls_zero); i++)
		ok &= tls_zero[i] == 0;
	EXPECT("TLS zeroed", ok);
	tls_init++;
	EXPECT("TLS written", tls_init == 43);

	/* a few MiB through malloc (musl's mallocng: mmap), each page
	 * written and read back, and many small blocks (brk) */
	p = malloc(big);
	EXPECT("malloc 6 MiB", p != NULL);
	if (p) {
		for (i = 0; i < big; i += 4096)
			p[i] = (unsigned char)(i >> 12);
		for (i = 0, ok = 1; i < big; i += 4096)
			ok &= p[i] == (unsigned char)(i >> 12);
		EXPECT("6 MiB written and read back", ok);
		free(p);
	}
	for (i = 0, ok = 1; i < 2000; i++) {
		q = malloc(100);
		ok &= q != NULL;
		if (q)
			memset(q, 0xa5, 100);       /* kept: many blocks */
	}
	EXPECT("2000 small mallocs", ok);
	q = calloc(1000, 1000);
	for (i = 0, ok = q != NULL; q && i < 1000000; i++)
		ok &= q[i] == 0;
	EXPECT("calloc 1 MB zeroed", ok);
	free(q);

	/* errno */
	errno = 0;
	EXPECT("write to a bad fd fails", write(99, "x", 1) == -1);
	EXPECT("errno EBADF", errno == EBADF);
	errno = 0;
	EXPECT("strtol overflow", strtol("99999999999999999999", 0, 10) ==
	    LONG_MAX && errno == ERANGE);
	errno = 0;
	EXPECT("unknown call returns ENOSYS",
	    syscall(400) == -1 && errno == ENOSYS);
	errno = 0;
	EXPECT("call -1 returns ENOSYS", syscall(-1) == -1 && errno == ENOSYS);
	errno = 0;
	EXPECT("call 100000 returns ENOSYS",
	    syscall(100000) == -1 && errno == ENOSYS);
	errno = 0;
	EXPECT("write to fd -1: EBADF", write(-1, "x", 1) == -1 &&
	    errno == EBADF);
	iov[0].iov_base = "x";
	iov[0].iov_len = 1;
	errno = 0;
	EXPECT("writev of -1 vectors: EINVAL",
	    writev(1, many, minus1) == -1 && errno == EINVAL);
	errno = 0;
	EXPECT("writev of IOV_MAX + 1 vectors: EINVAL",
	    writev(1, many, IOV_MAX + 1) == -1 && errno == EINVAL);
	EXPECT("write of 0 bytes", write(1, "", 0) == 0);

	/* mmap and munmap */
	errno = 0;
	m = mmap(0, 1UL << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT("mmap 2^62 bytes: ENOMEM", m == MAP_FAILED && errno == ENOMEM);
	errno = 0;
	EXPECT("munmap past user space: EINVAL",
	    munmap((void *)0x7fff00000000UL, 1UL << 44) == -1 &&
	    errno == EINVAL);
	errno = 0;
	EXPECT("munmap length 0: EINVAL", munmap((void *)0x10000, 0) == -1 &&
	    errno == EINVAL);
	errno = 0;
	m = mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT("mmap length 0: EINVAL", m == MAP_FAILED && errno == EINVAL);
	errno = 0;
	m = mmap(0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0);
	EXPECT("mmap with no type: EINVAL", m == MAP_FAILED && errno == EINVAL);
	errno = 0;
	m = mmap(0, 4096, PROT_READ, MAP_PRIVATE, 99, 0);
	EXPECT("mmap of a bad fd: EBADF", m == MAP_FAILED && errno == EBADF);
	errno = 0;
	m = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1);
	EXPECT("mmap unaligned offset: EINVAL",
	    m == MAP_FAILED && errno == EINVAL);
	m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT("mmap 3 pages", m != MAP_FAILED);
	if (m != MAP_FAILED) {
		memset(m, 1, 3 * 4096);
		errno = 0;
		EXPECT("munmap unaligned: EINVAL",
		    munmap((char *)m + 1, 4096) == -1 && errno == EINVAL);
		EXPECT("munmap the middle page",
		    munmap((char *)m + 4096, 4096) == 0);
		errno = 0;
		EXPECT("MAP_FIXED_NOREPLACE on a used page: EEXIST",
		    mmap(m, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED &&
		    errno == EEXIST);
		q = mmap((char *)m + 4096, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		EXPECT("MAP_FIXED into the hole, zeroed",
		    q == (unsigned char *)m + 4096 && q[0] == 0 &&
		    ((unsigned char *)m)[0] == 1);
		errno = 0;
		EXPECT("mprotect unknown prot bit: EINVAL",
		    mprotect(m, 4096, PROT_READ | 0x100) == -1 &&
		    errno == EINVAL);
		EXPECT("mprotect read-only", mprotect(m, 4096, PROT_READ) == 0 &&
		    ((unsigned char *)m)[0] == 1);
		EXPECT("munmap all", munmap(m, 3 * 4096) == 0);
		errno = 0;
		EXPECT("mprotect of unmapped pages: ENOMEM",
		    mprotect(m, 4096, PROT_READ) == -1 && errno == ENOMEM);
		EXPECT("munmap of unmapped pages", munmap(m, 4096) == 0);
	}
	/* munmap gives the pages back: 1 MiB mapped, touched, unmapped, 8
	 * times; the free count may drop by the few shadow and page-table
	 * pages the arena keeps, not by the 256 pages of each round */
	nfree = free_pages();
	for (i = 0, ok = 1; i < 8; i++) {
		m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ok &= m != MAP_FAILED;
		if (m != MAP_FAILED) {
			memset(m, 7, 1 << 20);
			ok &= munmap(m, 1 << 20) == 0;
		}
	}
	EXPECT("1 MiB mmap/munmap 8 times", ok);
	EXPECT("munmap returned the pages", free_pages() + 16 >= nfree);

	/* the clock */
	EXPECT("clock_gettime MONOTONIC",
	    clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
	for (i = 0; i < 100000; i++)
		__asm__ volatile("" ::: "memory");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT("the clock moves forward",
	    t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec &&
	    t1.tv_nsec > t0.tv_nsec));
	EXPECT("tv_nsec in range", t1.tv_nsec >= 0 && t1.tv_nsec < 1000000000);

	/* sleeping */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ts.tv_sec = 0;
	ts.tv_nsec = 30000000;
	EXPECT("nanosleep 30 ms", nanosleep(&ts, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT("nanosleep slept at least 30 ms",
	    (t1.tv_sec - t0.tv_sec) * 1000000000L +
	    (t1.tv_nsec - t0.tv_nsec) >= 30000000L);
	/* the time of day: the CMOS clock the kernel read at boot */
	EXPECT("time() is after 2023-11-14", time(NULL) > 1700000000);
	clock_gettime(CLOCK_REALTIME, &t0);
	EXPECT("CLOCK_REALTIME is the time of day",
	    t0.tv_sec > 1700000000 && t0.tv_sec - time(NULL) <= 1);
	ts = t0;
	ts.tv_nsec += 30000000L;
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_sec++, ts.tv_nsec -= 1000000000L;
	EXPECT("clock_nanosleep(REALTIME, ABSTIME) returns 0",
	    clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == 0);
	clock_gettime(CLOCK_REALTIME, &t1);
	EXPECT("... at or after the deadline, within a second",
	    (t1.tv_sec > ts.tv_sec || (t1.tv_sec == ts.tv_sec &&
	    t1.tv_nsec >= ts.tv_nsec)) && t1.tv_sec - ts.tv_sec < 2);
	ts.tv_nsec = 1000000000L;
	EXPECT("nanosleep tv_nsec 10^9: EINVAL",
	    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == EINVAL);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	errno = 0;
	EXPECT("nanosleep negative: EINVAL",
	    nanosleep(&ts, NULL) == -1 && errno == EINVAL);
	ts.tv_sec = 0;
	EXPECT("clock_nanosleep to a time past",
	    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0);

	EXPECT("getpid positive", getpid() > 0);
	EXPECT("getuid is geteuid", getuid() == geteuid());
	EXPECT("sched_yield", sched_yield() == 0);
	EXPECT("uname", uname(&un) == 0 && un.sysname[0] != '\0' &&
	    strcmp(un.machine, "x86_64") == 0);

	iov[0].iov_base = "writev: ";
	iov[0].iov_len = 8;
	iov[1].iov_base = "two pieces\n";
	iov[1].iov_len = 11;
	fflush(stdout);
	EXPECT("writev to stdout", writev(1, iov, 2) == 19);
	fprintf(stderr, "stderr: unbuffered\n");

	printf("ALL-DONE\n");
	return failures ? 1 : 0;
}
