/*
 * sysinfo.c: limits and questions about the machine (the POSIX suite;
 * libexos/posix/sysinfo.c on ExOS): getrlimit, setrlimit and prlimit64
 * (RLIMIT_NOFILE lowered and honoured by open/dup/fcntl/dup2 and kept
 * across fork and exec; the soft limit above the hard one; a raised
 * hard limit; RLIMIT_NPROC honoured by fork), getrusage, times,
 * sysinfo, syslog (klogctl), getgroups and setgroups,
 * sched_getaffinity and sched_setaffinity, with their errors (EFAULT,
 * EINVAL, ESRCH, EPERM).  Run on ExOS and on Linux with the same
 * expectations; checks a privileged Linux user would not see (root may
 * raise limits, set groups, fork past RLIMIT_NPROC) are made only when
 * geteuid() != 0, which on ExOS (the one user, 1000) is always.
 * ExOS's own values (256 descriptors, one CPU, one group) are checked
 * under __exos__.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/klog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PTEST_SUITE "sysinfo"
#include "ptest.h"

#define BAD     ((void *)0xffff800000000000UL)  /* never the program's */

/* exec'd by "nofile": the limit must have come through exec */
static int
exec_check(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return 2;
	return r.rlim_cur == 10 ? 0 : 3;
}

static void
nofile(char *self)
{
	struct rlimit r, old;
	int fds[16], n = 0, fd, st;
	pid_t pid;

	EXPECT_RET("getrlimit(RLIMIT_NOFILE)", getrlimit(RLIMIT_NOFILE, &old), 0);
	EXPECT("RLIMIT_NOFILE: soft <= hard, >= 64",
	    old.rlim_cur <= old.rlim_max && old.rlim_cur >= 64);
#ifdef __exos__
	EXPECT("ExOS: RLIMIT_NOFILE is the table's 256",
	    old.rlim_cur == 256 && old.rlim_max == 256);
#endif
	r.rlim_cur = old.rlim_max;
	r.rlim_max = old.rlim_max - 1;
	if (old.rlim_max != RLIM_INFINITY)
		EXPECT_ERR("setrlimit: soft above hard: EINVAL",
		    setrlimit(RLIMIT_NOFILE, &r), EINVAL);
	EXPECT_ERR("setrlimit: bad pointer: EFAULT",
	    syscall(SYS_setrlimit, RLIMIT_NOFILE, BAD), EFAULT);
	EXPECT_ERR("getrlimit: bad pointer: EFAULT",
	    syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD), EFAULT);
	EXPECT_ERR("getrlimit: resource 99: EINVAL",
	    syscall(SYS_getrlimit, 99, &r), EINVAL);
	EXPECT_RET("getrlimit (the old call) agrees",
	    syscall(SYS_getrlimit, RLIMIT_NOFILE, &r) == 0 &&
	    r.rlim_cur == old.rlim_cur, 1);

	/* lowered to 10: descriptors 0..9 only */
	r.rlim_cur = 10;
	r.rlim_max = old.rlim_max;
	EXPECT_RET("setrlimit(RLIMIT_NOFILE, 10)", setrlimit(RLIMIT_NOFILE, &r), 0);
	while (n < 16 && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n++] = fd;
	EXPECT("open stops below 10", n > 0 && n < 16 && fds[n - 1] == 9);
	EXPECT_ERR("open past RLIMIT_NOFILE: EMFILE",
	    open("/dev/null", O_RDONLY), EMFILE);
	EXPECT_ERR("dup past RLIMIT_NOFILE: EMFILE", dup(0), EMFILE);
	EXPECT_ERR("fcntl(F_DUPFD, 10): EINVAL", fcntl(0, F_DUPFD, 10), EINVAL);
	EXPECT_ERR("dup2(0, 10): EBADF", dup2(0, 10), EBADF);
	while (n > 0)
		close(fds[--n]);

	/* through fork and exec */
	pid = fork();
	if (pid == 0) {
		struct rlimit c;

		if (getrlimit(RLIMIT_NOFILE, &c) < 0 || c.rlim_cur != 10)
			_exit(4);
		execl(self, self, "exec-check", (char *)NULL);
		_exit(5);
	}
	EXPECT("fork", pid > 0);
	st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	EXPECT_RET("RLIMIT_NOFILE kept across fork and exec",
	    WIFEXITED(st) ? WEXITSTATUS(st) : 100 + st, 0);

	/* a lowered hard limit cannot be raised again (a child's) */
	if (geteuid() != 0) {
		pid = fork();
		if (pid == 0) {
			struct rlimit c = { 20, 20 };

			if (setrlimit(RLIMIT_NOFILE, &c) < 0)
				_exit(2);
			c.rlim_max = 21;
			if (setrlimit(RLIMIT_NOFILE, &c) == 0)
				_exit(3);
			_exit(errno == EPERM ? 0 : 4);
		}
		st = -1;
		if (pid > 0)
			waitpid(pid, &st, 0);
		EXPECT_RET("raising the hard limit: EPERM",
		    WIFEXITED(st) ? WEXITSTATUS(st) : 100, 0);
	}
	EXPECT_RET("setrlimit back up to the hard limit",
	    setrlimit(RLIMIT_NOFILE, &old), 0);
	EXPECT_RET("open works again", (fd = open("/dev/null", O_RDONLY)) >= 0
	    && close(fd) == 0, 1);
}

static void
prlimit_and_nproc(void)
{
	struct rlimit r;
	pid_t pid;
	int st;

	EXPECT_RET("prlimit64(0, RLIMIT_STACK, NULL, &old)",
	    syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &r), 0);
	EXPECT("RLIMIT_STACK: soft <= hard", r.rlim_cur <= r.rlim_max);
	EXPECT_RET("prlimit64 of our own pid",
	    syscall(SYS_prlimit64, getpid(), RLIMIT_CORE, NULL, &r), 0);
	EXPECT_ERR("prlimit64: resource 16: EINVAL",
	    syscall(SYS_prlimit64, 0, 16, NULL, &r), EINVAL);
	EXPECT_ERR("prlimit64: bad old pointer: EFAULT",
	    syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, BAD), EFAULT);
	EXPECT_ERR("prlimit64: bad new pointer: EFAULT",
	    syscall(SYS_prlimit64, 0, RLIMIT_CORE, BAD, NULL), EFAULT);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	EXPECT_ERR("prlimit64 of a reaped pid: ESRCH",
	    syscall(SYS_prlimit64, pid, RLIMIT_CORE, NULL, &r), ESRCH);
	EXPECT_RET("getrlimit(RLIMIT_NPROC)", getrlimit(RLIMIT_NPROC, &r), 0);
	EXPECT("RLIMIT_NPROC >= 64", r.rlim_cur >= 64);

	if (geteuid() == 0)
		return;
	/* in a child: RLIMIT_NPROC 1, and it cannot fork */
	pid = fork();
	if (pid == 0) {
		struct rlimit c = { 1, 1 };
		pid_t g;

		if (setrlimit(RLIMIT_NPROC, &c) < 0)
			_exit(2);
		g = fork();
		if (g == 0)
			_exit(0);
		if (g > 0) {
			waitpid(g, NULL, 0);
			_exit(3);
		}
		_exit(errno == EAGAIN ? 0 : 4);
	}
	st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	EXPECT_RET("RLIMIT_NPROC 1: fork fails with EAGAIN",
	    WIFEXITED(st) ? WEXITSTATUS(st) : 100, 0);
}

static void
usage_and_time(void)
{
	struct rusage ru;
	struct tms t;
	struct sysinfo si;
	struct timespec ts = { 0, 60 * 1000 * 1000 };
	clock_t a, b;

	EXPECT_RET("getrusage(RUSAGE_SELF)", getrusage(RUSAGE_SELF, &ru), 0);
	EXPECT_RET("getrusage(RUSAGE_CHILDREN)",
	    getrusage(RUSAGE_CHILDREN, &ru), 0);
	EXPECT_ERR("getrusage(99): EINVAL", getrusage(99, &ru), EINVAL);
	EXPECT_ERR("getrusage: bad pointer: EFAULT",
	    syscall(SYS_getrusage, RUSAGE_SELF, BAD), EFAULT);

	a = times(&t);
	EXPECT("times: not -1", a != (clock_t)-1);
	EXPECT("times: the fields are sane", t.tms_utime >= 0 &&
	    t.tms_stime >= 0 && t.tms_cutime >= 0 && t.tms_cstime >= 0);
	nanosleep(&ts, NULL);
	b = times(NULL);
	EXPECT("times(NULL) counts clock ticks (60 ms: 3..100)",
	    b - a >= 3 && b - a <= 100);
	EXPECT_ERR("times: bad pointer: EFAULT", syscall(SYS_times, BAD), EFAULT);
	EXPECT("sysconf(_SC_CLK_TCK) is 100", sysconf(_SC_CLK_TCK) == 100);

	memset(&si, 0, sizeof(si));
	EXPECT_RET("sysinfo", sysinfo(&si), 0);
	EXPECT("sysinfo: totalram > freeram > 0, mem_unit >= 1",
	    si.mem_unit >= 1 && si.totalram > 0 && si.freeram > 0 &&
	    si.freeram < si.totalram);
	EXPECT("sysinfo: procs >= 1, uptime >= 0",
	    si.procs >= 1 && (long)si.uptime >= 0);
	EXPECT_ERR("sysinfo: bad pointer: EFAULT", sysinfo(BAD), EFAULT);
}

static void
klog(void)
{
	char buf[64];
	long n = klogctl(10, NULL, 0);

	if (n < 0 && errno == EPERM) {
		printf("SKIP: sysinfo: syslog: not allowed here\n");
		return;
	}
	EXPECT("syslog(SIZE_BUFFER) >= 0", n >= 0);
	EXPECT_RET("syslog(READ_ALL, buf, 0) is 0", klogctl(3, buf, 0), 0);
	EXPECT("syslog(READ_ALL, buf, 64) >= 0", klogctl(3, buf, 64) >= 0);
	EXPECT_ERR("syslog(READ_ALL, NULL, 10): EINVAL", klogctl(3, NULL, 10),
	    EINVAL);
	EXPECT_ERR("syslog(READ_ALL, buf, -1): EINVAL", klogctl(3, buf, -1),
	    EINVAL);
	EXPECT_ERR("syslog(READ_ALL, bad, 10): EFAULT", klogctl(3, BAD, 10),
	    EFAULT);
	EXPECT_ERR("syslog(CONSOLE_LEVEL, 0): EINVAL", klogctl(8, NULL, 0),
	    EINVAL);
	EXPECT_ERR("syslog(99): EINVAL", klogctl(99, buf, 10), EINVAL);
}

static void
groups(void)
{
	gid_t list[64], g = getgid(), other = getgid() + 4242;
	int n = getgroups(0, NULL), i, in = 0;

	EXPECT("getgroups(0, NULL) >= 0", n >= 0 && n <= 64);
	EXPECT_RET("getgroups(n, list) == n", getgroups(64, list), n);
	for (i = 0; i < n; i++)
		in |= list[i] == g;
#ifdef __exos__
	EXPECT("ExOS: one group, the process's gid", n == 1 && in);
#endif
	EXPECT_ERR("getgroups(-1): EINVAL", syscall(SYS_getgroups, -1, list), EINVAL);
	if (n > 0)
		EXPECT_ERR("getgroups: bad pointer: EFAULT",
		    syscall(SYS_getgroups, 64, BAD), EFAULT);
#ifdef __exos__
	EXPECT_RET("ExOS: setgroups to the one group",
	    syscall(SYS_setgroups, 1, &g), 0);
	EXPECT_RET("ExOS: setgroups to none", syscall(SYS_setgroups, 0, NULL), 0);
	EXPECT_ERR("ExOS: setgroups to another group: EPERM",
	    syscall(SYS_setgroups, 1, &other), EPERM);
#else
	(void)other;
	if (geteuid() != 0)
		return;         /* Linux says EPERM before anything else */
#endif
	EXPECT_ERR("setgroups: more than 65536 (Linux's NGROUPS_MAX): EINVAL",
	    syscall(SYS_setgroups, 65536 + 1, list), EINVAL);
	EXPECT_ERR("setgroups: bad pointer: EFAULT",
	    syscall(SYS_setgroups, 1, BAD), EFAULT);
}

static void
affinity(void)
{
	cpu_set_t set, again;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t pid;

	CPU_ZERO(&set);
	EXPECT_RET("sched_getaffinity", sched_getaffinity(0, sizeof(set), &set), 0);
	EXPECT("at least one CPU", CPU_COUNT(&set) >= 1);
	EXPECT("sysconf(_SC_NPROCESSORS_ONLN) >= 1", cpus >= 1);
#ifdef __exos__
	EXPECT("ExOS: one CPU, CPU 0", CPU_COUNT(&set) == 1 &&
	    CPU_ISSET(0, &set) && cpus == 1);
#endif
	EXPECT("the raw call returns the bytes written (a multiple of 8)",
	    syscall(SYS_sched_getaffinity, 0, sizeof(again), &again) % 8 == 0);
	EXPECT_ERR("sched_getaffinity: size 4: EINVAL",
	    syscall(SYS_sched_getaffinity, 0, 4, &again), EINVAL);
	EXPECT_ERR("sched_getaffinity: size 0: EINVAL",
	    syscall(SYS_sched_getaffinity, 0, 0, &again), EINVAL);
	EXPECT_ERR("sched_getaffinity: bad pointer: EFAULT",
	    syscall(SYS_sched_getaffinity, 0, sizeof(again), BAD), EFAULT);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	EXPECT_ERR("sched_getaffinity of a reaped pid: ESRCH",
	    sched_getaffinity(pid, sizeof(again), &again), ESRCH);
	EXPECT_RET("sched_setaffinity to the set we have",
	    sched_setaffinity(0, sizeof(set), &set), 0);
	CPU_ZERO(&again);
	EXPECT_ERR("sched_setaffinity to no CPU: EINVAL",
	    sched_setaffinity(0, sizeof(again), &again), EINVAL);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-check") == 0)
		return exec_check();
	setvbuf(stdout, NULL, _IOLBF, 0);
	nofile(argv[0]);
	prlimit_and_nproc();
	usage_and_time();
	klog();
	groups();
	affinity();
	return ptest_done();
}
