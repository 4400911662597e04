/*
 * sysinfo.c: what a process asks about its limits and the machine, the
 * calls a shell and its tools make (dash's ulimit and times, toybox's
 * free, uptime, nproc, dmesg, id): getrlimit, setrlimit, prlimit64,
 * getrusage, times, sysinfo, syslog (klogctl), getgroups, setgroups,
 * sched_getaffinity, sched_setaffinity.
 *
 * Limits.  A process's limits live in its descriptor table in the
 * shared region (fd.h: struct px_fdtab's rlim), so fork copies them and
 * execve keeps them, as on Linux.  A limit never set has its default:
 * RLIMIT_NOFILE is the descriptor table's size (PX_NFD), RLIMIT_NPROC
 * the process table's (PX_NPROC), RLIMIT_STACK the stack exec gives a
 * program (1 MiB), RLIMIT_CORE 0 (no core files), RLIMIT_NICE and
 * RLIMIT_RTPRIO 0, everything else unlimited.  The one user is not
 * privileged: a soft limit above the hard one is EINVAL, a hard limit
 * raised is EPERM; lowering is always allowed.  Honoured: RLIMIT_NOFILE
 * (a new descriptor at or above it: EMFILE, fcntl F_DUPFD: EINVAL,
 * dup2/dup3: EBADF) and RLIMIT_NPROC (fork: EAGAIN when the family has
 * that many processes, zombies included); the others are recorded and
 * reported only.  prlimit64 acts on the caller alone: another live pid
 * is EPERM, one that does not exist ESRCH.
 *
 * Time.  The kernel does not account processor time per environment
 * yet, so times() and getrusage() report 0 for user and system time
 * (times returns clock ticks since boot, at 100 per second as
 * sysconf(_SC_CLK_TCK) says).  sysinfo: uptime from the kernel's clock,
 * totalram and freeram from its page map (XOK_INFO: npages, nfree; unit
 * 1 byte), no swap, load 0, procs the live environments.
 *
 * syslog: the kernel's messages go to the console only; the libOS has
 * no log to read, so the read actions return 0 bytes, the size actions
 * 0, the console actions succeed and change nothing (dmesg prints
 * nothing).  The one group (PX_GID) is the process's only one:
 * getgroups lists it, setgroups accepts a list of it alone (or none) and
 * refuses any other group with EPERM.  One CPU: the affinity mask is
 * CPU 0; setting a mask without CPU 0 is EINVAL.
 */
#include <string.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <limits.h>
#include "posix.h"
#include "fd.h"
#include "proc.h"
#include "vfs.h"
#include "uaccess.h"

#define CLK_TCK         100             /* musl's sysconf(_SC_CLK_TCK) */
#define STACK_LIMIT     (1UL << 20)     /* exec.c's STACK_SPAN */
#define NGROUPS_KERNEL  65536           /* Linux's (musl says 32) */

static const uint64_t defaults[RLIM_NLIMITS][2] = {
	[RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK] = { STACK_LIMIT, STACK_LIMIT },
	[RLIMIT_CORE] = { 0, 0 },
	[RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC] = { PX_NPROC, PX_NPROC },
	[RLIMIT_NOFILE] = { PX_NFD, PX_NFD },
	[RLIMIT_MEMLOCK] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_SIGPENDING] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_MSGQUEUE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

/* Limit r of this process: lim[0] soft, lim[1] hard. */
static void
get_limit(int r, uint64_t lim[2])
{
	struct px_fdtab *t = px_fd_tab();

	if (t && (t->rlim_set & (1U << r))) {
		lim[0] = t->rlim[r][0];
		lim[1] = t->rlim[r][1];
	} else {
		lim[0] = defaults[r][0];
		lim[1] = defaults[r][1];
	}
}

static long
set_limit(int r, const uint64_t lim[2])
{
	struct px_fdtab *t = px_fd_tab();
	uint64_t old[2];

	if (lim[0] > lim[1])
		return -EINVAL;
	get_limit(r, old);
	if (lim[1] > old[1])
		return -EPERM;
	if (!t)
		return -ENOMEM;
	t->rlim[r][0] = lim[0];
	t->rlim[r][1] = lim[1];
	t->rlim_set |= 1U << r;
	return 0;
}

int
px_rlimit_nofile(void)
{
	uint64_t lim[2];

	get_limit(RLIMIT_NOFILE, lim);
	return lim[0] < PX_NFD ? (int)lim[0] : PX_NFD;
}

long
px_rlimit_nproc(void)
{
	uint64_t lim[2];

	get_limit(RLIMIT_NPROC, lim);
	return lim[0] < PX_NPROC ? (long)lim[0] : PX_NPROC;
}

/* prlimit64's pid: 0 or our own; others are not ours to change. */
static long
check_pid(long pid)
{
	long me = __exos_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);

	if (pid == 0 || pid == me)
		return 0;
	if (pid < 0 || pid != (int32_t)pid || !px_proc_lookup((int32_t)pid))
		return -ESRCH;
	return -EPERM;
}

static long
rlimit(long pid, long r, const void *unew, void *uold)
{
	uint64_t nl[2], ol[2];
	long e;

	if ((e = check_pid(pid)) < 0)
		return e;
	if (r < 0 || r >= RLIM_NLIMITS)
		return -EINVAL;
	if (unew && (e = px_copyin(nl, unew, sizeof(nl))) < 0)
		return e;
	get_limit((int)r, ol);
	if (unew && (e = set_limit((int)r, nl)) < 0)
		return e;
	if (uold && (e = px_copyout(uold, ol, sizeof(ol))) < 0)
		return e;
	return 0;
}

long
px_getrlimit(PX_ARGS)
{
	PX_UNUSED;
	if (a1 < 0 || a1 >= RLIM_NLIMITS)
		return -EINVAL;
	return rlimit(0, a1, NULL, (void *)a2);
}

long
px_setrlimit(PX_ARGS)
{
	PX_UNUSED;
	if (!a2)
		return -EFAULT;
	return rlimit(0, a1, (const void *)a2, NULL);
}

long
px_prlimit64(PX_ARGS)
{
	PX_UNUSED;
	return rlimit(a1, a2, (const void *)a3, (void *)a4);
}

long
px_getrusage(PX_ARGS)
{
	struct rusage ru;

	PX_UNUSED;
	if (a1 != RUSAGE_SELF && a1 != RUSAGE_CHILDREN && a1 != RUSAGE_THREAD)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	return px_copyout((void *)a2, &ru, sizeof(ru));
}

long
px_times(PX_ARGS)
{
	struct tms t;
	long e;

	PX_UNUSED;
	memset(&t, 0, sizeof(t));
	if (a1 && (e = px_copyout((void *)a1, &t, sizeof(t))) < 0)
		return e;
	return (long)(px_now_ns() / (1000000000UL / CLK_TCK));
}

long
px_sysinfo(PX_ARGS)
{
	struct sysinfo si;
	uint64_t i, n = 0;

	PX_UNUSED;
	memset(&si, 0, sizeof(si));
	si.uptime = (long)(px_now_ns() / 1000000000UL);
	si.totalram = XOK_INFO->npages * XOK_PGSIZE;
	si.freeram = XOK_INFO->nfree * XOK_PGSIZE;
	for (i = 0; i < XOK_NENV; i++)
		if (XOK_INFO->envs[i].id != 0)
			n++;
	si.procs = (unsigned short)(n > 0xffff ? 0xffff : n);
	si.mem_unit = 1;
	return px_copyout((void *)a1, &si, sizeof(si));
}

/* klogctl's actions (Linux's SYSLOG_ACTION_*) */
enum { LOG_CLOSE, LOG_OPEN, LOG_READ, LOG_READ_ALL, LOG_READ_CLEAR,
	LOG_CLEAR, LOG_CONSOLE_OFF, LOG_CONSOLE_ON, LOG_CONSOLE_LEVEL,
	LOG_SIZE_UNREAD, LOG_SIZE_BUFFER };

long
px_syslog(PX_ARGS)
{
	char c;
	long e;

	PX_UNUSED;
	switch (a1) {
	case LOG_READ:
	case LOG_READ_ALL:
	case LOG_READ_CLEAR:
		if (!a2 || a3 < 0 || a3 != (int)a3)
			return -EINVAL;
		if (a3 == 0)
			return 0;
		/* nothing to give, but the buffer must be the caller's */
		if ((e = px_copyin(&c, (const void *)a2, 1)) < 0 ||
		    (e = px_copyout((void *)a2, &c, 1)) < 0)
			return e;
		return 0;
	case LOG_CONSOLE_LEVEL:
		if (a3 < 1 || a3 > 8)
			return -EINVAL;
		return 0;
	case LOG_CLOSE:
	case LOG_OPEN:
	case LOG_CLEAR:
	case LOG_CONSOLE_OFF:
	case LOG_CONSOLE_ON:
	case LOG_SIZE_UNREAD:
	case LOG_SIZE_BUFFER:
		return 0;
	default:
		return -EINVAL;
	}
}

long
px_getgroups(PX_ARGS)
{
	uint32_t g = PX_GID;
	long e;

	PX_UNUSED;
	if (a1 < 0 || a1 != (int)a1)
		return -EINVAL;
	if (a1 == 0)
		return 1;
	if ((e = px_copyout((void *)a2, &g, sizeof(g))) < 0)
		return e;
	return 1;
}

long
px_setgroups(PX_ARGS)
{
	uint32_t g[64];
	long i, j, n, e;

	PX_UNUSED;
	if (a1 < 0 || a1 > NGROUPS_KERNEL)
		return -EINVAL;
	for (i = 0; i < a1; i += n) {
		n = a1 - i < 64 ? a1 - i : 64;
		if ((e = px_copyin(g, (const uint32_t *)a2 + i,
		    (size_t)n * sizeof(g[0]))) < 0)
			return e;
		for (j = 0; j < n; j++)
			if (g[j] != PX_GID)
				return -EPERM;
	}
	return 0;
}

/* Linux's checks: the mask holds at least one bit per CPU, in whole
 * longs; the answer is the bytes written (one long). */
long
px_sched_getaffinity(PX_ARGS)
{
	unsigned long mask = 1;
	long e;

	PX_UNUSED;
	if ((e = check_pid(a1)) < 0 && e != -EPERM)
		return e;
	if (a2 < (long)sizeof(mask) || (a2 & (long)(sizeof(mask) - 1)))
		return -EINVAL;
	if ((e = px_copyout((void *)a3, &mask, sizeof(mask))) < 0)
		return e;
	return sizeof(mask);
}

long
px_sched_setaffinity(PX_ARGS)
{
	unsigned char first;
	long e;

	PX_UNUSED;
	if ((e = check_pid(a1)) < 0)
		return e;
	if (a2 <= 0)
		return -EINVAL;
	if ((e = px_copyin(&first, (const void *)a3, 1)) < 0)
		return e;
	return (first & 1) ? 0 : -EINVAL;
}
