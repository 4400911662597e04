/*
 * pbench.c: `make bench-posix`, one source for both sides.  Built with
 * exos-cc it runs as the first ExOS process on Xok (scripts/exos-run);
 * built with musl-gcc -static it runs as the program of a Linux guest
 * (scripts/linux-guest) in the same QEMU.  Each POSIX operation is timed
 * with rdtsc, many runs, median; one line per operation:
 *     BENCH|name|cycles|ns
 * or, when the operation does not work on this system (yet),
 *     BENCH|name|n/a (ERRNO)|n/a (ERRNO)
 * never a number for something that did not happen.  ns come from the
 * TSC rate: on ExOS the kernel's calibration (exported; also printed as
 * BENCH-CLOCK for the clock check of scripts/bench-lib), on Linux the
 * TSC measured against CLOCK_MONOTONIC (printed as BENCH-CLOCK|kHz, the
 * rate the check compares with the host's).  On ExOS each row is followed
 * by the kernel calls it made (the kernel's exported counts, every
 * environment's, so a child's calls count too), per operation:
 *     BENCH-CALLS|row|call|calls per operation|cycles each|% of the row
 *   pbench [-q] TINY    TINY: the path of a tiny static program that
 *                       exits 0 (the exec rows); -q: a few runs of each
 *                       (the smoke test of make test, which checks the
 *                       program works, not its times)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include "../common/benchclock.h"

#define RUNS            1001    /* runs of a cheap operation */
#define MMAP_BYTES      (64UL << 20)

static int runs = RUNS;         /* runs of a cheap operation */
static int per = 100;           /* calls per timed run of a tiny one */
static int proc_runs = 101;     /* runs of fork, exec, spawn */
static int mmap_runs = 7;       /* 64 MiB mappings */

extern char **environ;

static uint64_t samples[RUNS];
static const char *tiny;
static volatile sig_atomic_t caught;

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t total(int n);

/* the median of n samples, per operation, as a BENCH line, then the
 * kernel calls of the row (ExOS) */
static void
report(const char *name, int n, int calls)
{
	uint64_t med, sum = total(n);

	qsort(samples, (size_t)n, sizeof samples[0], cmp);
	med = samples[n / 2] / (uint64_t)calls;
	printf("BENCH|%s|%lu|%lu\n", name, (unsigned long)med,
	    (unsigned long)((double)med / bench_tsc_per_ns + 0.5));
	fflush(stdout);
	bench_calls_end(name, (uint64_t)n * (uint64_t)calls, sum);
}

static const char *
errname(int e)
{
	static char buf[16];

	switch (e) {
	case ENOSYS: return "ENOSYS";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	case EFAULT: return "EFAULT";
	case ECHILD: return "ECHILD";
	case EPERM: return "EPERM";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

/* an operation that did not work: say so, no number */
static void
na(const char *name, const char *what, int e)
{
	char why[96];

	if (e)
		snprintf(why, sizeof why, "n/a (%s%s%s)", what,
		    *what ? ": " : "", errname(e));
	else
		snprintf(why, sizeof why, "n/a (%s)", *what ? what : "failed");
	printf("BENCH|%s|%s|%s\n", name, why, why);
	fflush(stdout);
}


/* the sum of the first n samples */
static uint64_t
total(int n)
{
	uint64_t t = 0;

	for (int i = 0; i < n; i++)
		t += samples[i];
	return t;
}

static void
bench_getpid(void)
{
	pid_t me = getpid();

	bench_calls_begin();
	for (int r = 0; r < runs; r++) {
		uint64_t t0 = __rdtsc();

		for (int k = 0; k < per; k++)
			if (getpid() != me) {
				na("getpid", "a different pid", 0);
				return;
			}
		samples[r] = __rdtsc() - t0;
	}
	report("getpid", runs, per);
}

static void
bench_clock(void)
{
	struct timespec ts, prev = { 0, 0 };

	bench_calls_begin();
	for (int r = 0; r < runs; r++) {
		uint64_t t0 = __rdtsc();

		for (int k = 0; k < per; k++)
			if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
				na("clock_gettime", "", errno);
				return;
			}
		samples[r] = __rdtsc() - t0;
		if (ts.tv_sec < prev.tv_sec || (ts.tv_sec == prev.tv_sec &&
		    ts.tv_nsec < prev.tv_nsec)) {
			na("clock_gettime", "went backwards", 0);
			return;
		}
		prev = ts;
	}
	report("clock_gettime", runs, per);
}

/* wait for pid; 0 if it exited 0, else its status or -1 (errno) */
static int
reap(pid_t pid)
{
	int st;
	pid_t w;

	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (w != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 :
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
bench_fork_exit(void)
{
	bench_calls_begin();
	for (int r = 0; r < proc_runs; r++) {
		uint64_t t0 = __rdtsc();
		pid_t pid = fork();
		int st;

		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			na("fork+exit+wait", "fork", errno);
			return;
		}
		if ((st = reap(pid)) != 0) {
			na("fork+exit+wait", st < 0 ? "waitpid" : "child's status",
			    st < 0 ? errno : 0);
			return;
		}
		samples[r] = __rdtsc() - t0;
	}
	report("fork+exit+wait", proc_runs, 1);
}

/* The exec rows' child: exec TINY; if that fails, exit with the errno
 * (TINY itself exits 0). */
static void
exec_tiny(void)
{
	char *argv[] = { (char *)tiny, NULL };

	execve(tiny, argv, environ);
	_exit(errno > 0 && errno < 256 ? errno : 255);
}

static void
bench_fork_exec(void)
{
	bench_calls_begin();
	for (int r = 0; r < proc_runs; r++) {
		uint64_t t0 = __rdtsc();
		pid_t pid = fork();
		int st;

		if (pid == 0)
			exec_tiny();
		if (pid < 0) {
			na("fork+exec+wait", "fork", errno);
			return;
		}
		if ((st = reap(pid)) != 0) {
			if (st < 0)
				na("fork+exec+wait", "waitpid", errno);
			else
				na("fork+exec+wait", "exec in the child", st);
			return;
		}
		samples[r] = __rdtsc() - t0;
	}
	report("fork+exec+wait", proc_runs, 1);
}

/* vfork; the child _exits at once (in this frame: it must not return
 * into one the parent will use) */
static __attribute__((noinline)) pid_t
vfork_exit(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

static void
bench_vfork(void)
{
	bench_calls_begin();
	for (int r = 0; r < proc_runs; r++) {
		uint64_t t0 = __rdtsc();
		pid_t pid = vfork_exit();
		int st;

		if (pid < 0) {
			na("vfork+exit+wait", "vfork", errno);
			return;
		}
		if ((st = reap(pid)) != 0) {
			na("vfork+exit+wait", st < 0 ? "waitpid" :
			    "child's status", st < 0 ? errno : 0);
			return;
		}
		samples[r] = __rdtsc() - t0;
	}
	report("vfork+exit+wait", proc_runs, 1);
}

static void
bench_spawn(void)
{
	char *argv[] = { (char *)tiny, NULL };

	bench_calls_begin();
	for (int r = 0; r < proc_runs; r++) {
		uint64_t t0 = __rdtsc();
		pid_t pid;
		int e, st;

		if ((e = posix_spawn(&pid, tiny, NULL, NULL, argv,
		    environ)) != 0) {
			na("posix_spawn+wait", "posix_spawn", e);
			return;
		}
		if ((st = reap(pid)) != 0) {
			na("posix_spawn+wait", st < 0 ? "waitpid" :
			    "child's status", st < 0 ? errno : 0);
			return;
		}
		samples[r] = __rdtsc() - t0;
	}
	report("posix_spawn+wait", proc_runs, 1);
}

static void
bench_mmap(void)
{
	bench_calls_begin();
	for (int r = 0; r < mmap_runs; r++) {
		uint64_t t0 = __rdtsc();
		volatile char *p = mmap(NULL, MMAP_BYTES, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			na("64 MiB mmap+touch+munmap", "mmap", errno);
			return;
		}
		for (size_t o = 0; o < MMAP_BYTES; o += 4096)
			p[o] = 1;
		if (munmap((void *)p, MMAP_BYTES) != 0) {
			na("64 MiB mmap+touch+munmap", "munmap", errno);
			return;
		}
		samples[r] = __rdtsc() - t0;
	}
	report("64 MiB mmap+touch+munmap", mmap_runs, 1);
}

static void
on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static void
bench_signal(void)
{
	struct sigaction sa;
	pid_t me = getpid();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0) {
		na("signal handler round trip", "sigaction", errno);
		return;
	}
	bench_calls_begin();
	for (int r = 0; r < runs; r++) {
		sig_atomic_t before = caught;
		uint64_t t0 = __rdtsc();
		int k = kill(me, SIGUSR1);

		samples[r] = __rdtsc() - t0;
		if (k == -1) {
			na("signal handler round trip", "kill", errno);
			return;
		}
		if (k != 0) {
			char what[40];

			snprintf(what, sizeof what, "kill returned %d, not 0", k);
			na("signal handler round trip", what, 0);
			return;
		}
		if (caught != before + 1) {
			na("signal handler round trip",
			    "the handler did not run once", 0);
			return;
		}
	}
	signal(SIGUSR1, SIG_DFL);
	report("signal handler round trip", runs, 1);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "-q") == 0) {
		runs = 11, per = 10, proc_runs = 5, mmap_runs = 1;
		argv++, argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: pbench [-q] TINY\n");
		return 2;
	}
	tiny = argv[1];
	if (bench_clock_setup() < 0) {
		printf("BENCH-ERROR no TSC rate\n");
		return 1;
	}
	bench_getpid();
	bench_clock();
	bench_fork_exit();
	bench_fork_exec();
	bench_vfork();
	bench_spawn();
	bench_mmap();
	bench_signal();
	printf("BENCH-END\n");
	fflush(stdout);
	return 0;
}
