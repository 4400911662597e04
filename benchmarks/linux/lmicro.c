/*
 * lmicro.c: the Linux side of `make bench-micro`: the operations a Linux
 * program uses where an ExOS program uses the Xok primitives, timed the
 * same way (rdtsc around each run, median of many, ns from the TSC rate
 * measured against CLOCK_MONOTONIC).  Runs as /init's child in a Linux
 * guest in the same QEMU (one CPU); prints "BENCH|name|cycles|ns" lines.
 *
 * Where Linux has more than one way to do a job, each is a row: a yield
 * between two processes both under the normal scheduler (where
 * sched_yield often returns without switching: the share of calls that
 * switched is printed as its own row) and under SCHED_FIFO (where every
 * yield switches; checked); a page map as mmap of a fresh zeroed page,
 * mmap of an existing page (a memfd's), and an mprotect pair.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/types.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define RUNS 2001

static uint64_t samples[RUNS];
static double tsc_per_ns;
static volatile char *page;

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *name, int per)
{
	uint64_t med;

	qsort(samples, RUNS, sizeof(samples[0]), cmp);
	med = samples[RUNS / 2] / (uint64_t)per;
	printf("BENCH|%s|%lu|%lu\n", name, (unsigned long)med,
	    (unsigned long)(med / tsc_per_ns));
	fflush(stdout);
}

/* The same, `runs` times (runs <= RUNS), for the longer jobs. */
static void
report_n(const char *name, int runs)
{
	uint64_t med;

	qsort(samples, (size_t)runs, sizeof(samples[0]), cmp);
	med = samples[runs / 2];
	printf("BENCH|%s|%lu|%lu\n", name, (unsigned long)med,
	    (unsigned long)(med / tsc_per_ns));
	fflush(stdout);
}

#define MEASURE_N(name, runs, body) do { \
	for (int r_ = 0; r_ < (runs); r_++) { \
		uint64_t t0_ = __rdtsc(); \
		{ body; } \
		samples[r_] = __rdtsc() - t0_; \
	} \
	report_n(name, runs); \
} while (0)

#define MEASURE(name, per, body) do { \
	for (int r_ = 0; r_ < RUNS; r_++) { \
		uint64_t t0_ = __rdtsc(); \
		for (int k_ = 0; k_ < (per); k_++) { body; } \
		samples[r_] = __rdtsc() - t0_; \
	} \
	report(name, per); \
} while (0)

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	mprotect((void *)((uintptr_t)si->si_addr & ~4095UL), 4096,
	    PROT_READ | PROT_WRITE);
}

/*
 * A yield between this process and a child that counts its turns in a
 * shared word and yields back; a round trip switched if the count moved.
 * fifo: both under SCHED_FIFO at one priority, pinned to CPU 0, where a
 * yield always goes to the other.  Prints the round trip and the share
 * of the calls that switched.
 */
static void
yields(const char *name, const char *share, int fifo)
{
	volatile uint64_t *turns = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct sched_param sp = { .sched_priority = 1 };
	struct sched_param normal = { .sched_priority = 0 };
	uint64_t switched = 0;
	cpu_set_t cpus;
	pid_t pid;

	if (turns == MAP_FAILED) {
		printf("BENCH-ERROR mmap\n");
		return;
	}
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	if (fifo && sched_setscheduler(0, SCHED_FIFO, &sp) < 0) {
		printf("BENCH-ERROR SCHED_FIFO: %s\n", strerror(errno));
		return;
	}
	if ((pid = fork()) == 0) {
		for (;;) {
			(*turns)++;
			sched_yield();
		}
	}
	while (*turns == 0)
		sched_yield();
	for (int r = 0; r < RUNS; r++) {
		uint64_t before = *turns, t0 = __rdtsc();

		sched_yield();
		samples[r] = __rdtsc() - t0;
		switched += *turns != before;
	}
	report(name, 1);
	printf("BENCH|%s|%lu|%lu\n", share, (unsigned long)(switched * 100 /
	    RUNS), (unsigned long)(switched * 100 / RUNS));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (fifo)
		sched_setscheduler(0, SCHED_OTHER, &normal);
	munmap((void *)turns, 4096);
}

#define NBATCH 256
#define BRUNS 101

/*
 * Xok's 256-page rows: 256 existing pages (a memfd's, populated) mapped
 * and unmapped one call per page, then all in one mmap and one munmap.
 */
static void
batch_rows(void)
{
	static volatile char *q[NBATCH];
	int mfd = (int)syscall(SYS_memfd_create, "batch", 0), bad = 0;

	if (mfd < 0 || ftruncate(mfd, NBATCH * 4096) < 0) {
		printf("BENCH-ERROR memfd\n");
		return;
	}
	for (int k = 0; k < NBATCH; k++)
		if (pwrite(mfd, "x", 1, (off_t)k * 4096) != 1)
			bad++;
	MEASURE_N("256 x (mmap + munmap of one existing page) (memfd, populated)",
	    BRUNS, {
		for (int k = 0; k < NBATCH; k++) {
			q[k] = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_POPULATE, mfd, (off_t)k * 4096);
			bad += q[k] == MAP_FAILED;
		}
		for (int k = 0; k < NBATCH; k++)
			bad += munmap((void *)q[k], 4096) != 0;
	});
	MEASURE_N("mmap + munmap of 256 existing pages, one call each (memfd, populated)",
	    BRUNS, {
		volatile char *r = mmap(NULL, NBATCH * 4096,
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, mfd, 0);
		bad += r == MAP_FAILED;
		bad += munmap((void *)r, NBATCH * 4096) != 0;
	});
	if (bad)
		printf("BENCH-ERROR %d memfd maps failed\n", bad);
	close(mfd);
}

int
main(void)
{
	struct sigaction sa;
	int p1[2], p2[2], i;
	uint64_t t0 = now_ns(), c0 = __rdtsc();
	char c = 0;
	pid_t pid;

	while (now_ns() - t0 < 50000000ULL)
		;
	tsc_per_ns = (double)(__rdtsc() - c0) / (double)(now_ns() - t0);
	printf("BENCH-START linux, tsc %.3f MHz\n", tsc_per_ns * 1000);

	MEASURE("getpid (null system call)", 10, syscall(SYS_getpid));

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	for (i = 0; i < RUNS; i++) {
		uint64_t t;

		mprotect((void *)page, 4096, PROT_READ);
		t = __rdtsc();
		page[0] = (char)i;
		samples[i] = __rdtsc() - t;
	}
	report("SIGSEGV handler + mprotect + resume", 1);

	MEASURE("mmap + munmap of a fresh zeroed page (populated)", 1, {
		volatile char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		munmap((void *)q, 4096);
	});
	{
		int mfd = (int)syscall(SYS_memfd_create, "bench", 0);

		if (mfd < 0 || ftruncate(mfd, 4096) < 0 ||
		    pwrite(mfd, "x", 1, 0) != 1)
			printf("BENCH-ERROR memfd\n");
		else
			MEASURE("mmap + munmap of an existing page (memfd, populated)",
			    1, {
				volatile char *q = mmap(NULL, 4096,
				    PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_POPULATE, mfd, 0);
				munmap((void *)q, 4096);
			});
		if (mfd >= 0)
			close(mfd);
	}
	batch_rows();
	MEASURE("mprotect none + read-write of a mapped page", 1, {
		mprotect((void *)page, 4096, PROT_NONE);
		mprotect((void *)page, 4096, PROT_READ | PROT_WRITE);
	});

	if (pipe(p1) < 0 || pipe(p2) < 0)
		return 1;
	if ((pid = fork()) == 0) {
		close(p1[1]);
		close(p2[0]);
		while (read(p1[0], &c, 1) == 1)
			if (write(p2[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	MEASURE("pipe ping-pong round trip (2 processes)", 1, {
		if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1)
			return 1;
	});
	close(p1[1]);                   /* the echo process sees EOF */
	waitpid(pid, NULL, 0);

	yields("sched_yield round trip (2 processes, normal scheduler)",
	    "sched_yield calls that switched (normal scheduler)", 0);
	yields("sched_yield round trip (2 processes, SCHED_FIFO)",
	    "sched_yield calls that switched (SCHED_FIFO)", 1);

	MEASURE("fork + exit + wait", 1, {
		pid_t k = fork();
		if (k == 0)
			_exit(0);
		waitpid(k, NULL, 0);
	});
	printf("BENCH-END\n");
	fflush(stdout);
	sync();                 /* /init powers off */
	return 0;
}
