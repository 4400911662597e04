/*
 * dispatch.c: __exos_syscall, the one entry of libexos's POSIX layer.
 * musl (built by ports/musl/) calls it wherever Linux's musl would
 * execute a syscall instruction; later the kernel's reflected syscalls
 * of unmodified binaries come here too.  It does not care how it was
 * entered: Linux's number and six arguments in, Linux's result out (a
 * value, or -errno).  Every call is counted; a number with no handler
 * returns -ENOSYS, and EXOS_SYSCOUNT=1 in the environment prints the
 * counts at exit, so a porter sees what a program needed.
 */
#include <sys/syscall.h>
#include "posix.h"
#include "sig.h"

#define NCALLS 512              /* Linux x86-64 numbers are below this */

static const px_call_fn calls[NCALLS] = {
	[SYS_exit] = px_exit,
	[SYS_exit_group] = px_exit,
	[SYS_getpid] = px_getpid,
	[SYS_gettid] = px_gettid,
	[SYS_set_tid_address] = px_set_tid_address,
	[SYS_arch_prctl] = px_arch_prctl,
	[SYS_brk] = px_brk,
	[SYS_mmap] = px_mmap,
	[SYS_munmap] = px_munmap,
	[SYS_mprotect] = px_mprotect,
	[SYS_msync] = px_msync,         /* (fmmap) mmapfile.c */
	[SYS_clock_gettime] = px_clock_gettime,
	[SYS_nanosleep] = px_nanosleep,
	[SYS_clock_nanosleep] = px_clock_nanosleep,
	[SYS_getuid] = px_getuid,
	[SYS_geteuid] = px_getuid,
	[SYS_getgid] = px_getuid,
	[SYS_getegid] = px_getuid,
	[SYS_sched_yield] = px_sched_yield,
	[SYS_uname] = px_uname,
	[SYS_fork] = px_fork,           /* fork.c, pxwait.c */
	[SYS_vfork] = px_vfork,
	[SYS_clone] = px_clone,
	[SYS_wait4] = px_wait4,
	[SYS_getppid] = px_getppid,
	/* the process table (proc.h): pgrp.c, kill.c */
	[SYS_setpgid] = px_setpgid,
	[SYS_getpgid] = px_getpgid,
	[SYS_getpgrp] = px_getpgrp,
	[SYS_setsid] = px_setsid,
	[SYS_getsid] = px_getsid,
	[SYS_kill] = px_kill,
	[SYS_execve] = px_execve,
	/* the files: fd.c, fscalls.c (the fds helper's block) */
	[SYS_read] = px_read,
	[SYS_write] = px_write,
	[SYS_pread64] = px_pread64,
	[SYS_pwrite64] = px_pwrite64,
	[SYS_readv] = px_readv,
	[SYS_writev] = px_writev,
	[SYS_preadv] = px_preadv,
	[SYS_pwritev] = px_pwritev,
	[SYS_lseek] = px_lseek,
	[SYS_close] = px_close,
	[SYS_fstat] = px_fstat,
	[SYS_ioctl] = px_ioctl,
	[SYS_fcntl] = px_fcntl,
	[SYS_dup] = px_dup,
	[SYS_dup2] = px_dup2,
	[SYS_dup3] = px_dup3,
	[SYS_getdents64] = px_getdents64,
	[SYS_ftruncate] = px_ftruncate,
	[SYS_fsync] = px_fsync,
	[SYS_fdatasync] = px_fsync,
	[SYS_open] = px_open,
	[SYS_openat] = px_openat,
	[SYS_creat] = px_creat,
	[SYS_stat] = px_stat,
	[SYS_lstat] = px_lstat,
	[SYS_newfstatat] = px_newfstatat,
	[SYS_statx] = px_statx,
	[SYS_access] = px_access,
	[SYS_faccessat] = px_faccessat,
	[SYS_faccessat2] = px_faccessat2,
	[SYS_mkdir] = px_mkdir,
	[SYS_mkdirat] = px_mkdirat,
	[SYS_mknod] = px_mknod,                 /* (fifo) */
	[SYS_mknodat] = px_mknodat,
	[SYS_rmdir] = px_rmdir,
	[SYS_unlink] = px_unlink,
	[SYS_unlinkat] = px_unlinkat,
	[SYS_rename] = px_rename,
	[SYS_renameat] = px_renameat,
	[SYS_renameat2] = px_renameat2,
	[SYS_link] = px_link,
	[SYS_linkat] = px_linkat,
	[SYS_symlink] = px_symlink,
	[SYS_symlinkat] = px_symlinkat,
	[SYS_readlink] = px_readlink,
	[SYS_readlinkat] = px_readlinkat,
	[SYS_chdir] = px_chdir,
	[SYS_fchdir] = px_fchdir,
	[SYS_getcwd] = px_getcwd,
	[SYS_umask] = px_umask,
	[SYS_chmod] = px_chmod,
	[SYS_fchmod] = px_fchmod,
	[SYS_fchmodat] = px_fchmodat,
	[SYS_chown] = px_chown,
	[SYS_lchown] = px_lchown,
	[SYS_fchown] = px_fchown,
	[SYS_fchownat] = px_fchownat,
	[SYS_utimensat] = px_utimensat,
	[SYS_truncate] = px_truncate,
	[SYS_statfs] = px_statfs,
	[SYS_fstatfs] = px_fstatfs,
	[SYS_sync] = px_sync,
	/* pipes, poll and select (pipe.c, poll.c) */
	[SYS_pipe] = px_pipe,
	[SYS_pipe2] = px_pipe2,
	[SYS_poll] = px_poll,
	[SYS_ppoll] = px_ppoll,
	[SYS_select] = px_select,
	[SYS_pselect6] = px_pselect6,
	/* signals (signal.c, sigframe.c, itimer.c) */
	[SYS_rt_sigaction] = px_rt_sigaction,
	[SYS_rt_sigprocmask] = px_rt_sigprocmask,
	[SYS_rt_sigpending] = px_rt_sigpending,
	[SYS_rt_sigsuspend] = px_rt_sigsuspend,
	[SYS_rt_sigtimedwait] = px_rt_sigtimedwait,
	[SYS_rt_sigreturn] = px_rt_sigreturn,
	[SYS_sigaltstack] = px_sigaltstack,
	[SYS_pause] = px_pause,
	[SYS_tkill] = px_tkill,
	[SYS_tgkill] = px_tgkill,
	[SYS_alarm] = px_alarm,
	[SYS_setitimer] = px_setitimer,
	[SYS_getitimer] = px_getitimer,
	/* ports: reboot.c */
	[SYS_reboot] = px_reboot,
	/* (shell) limits and the machine: sysinfo.c */
	[SYS_getrlimit] = px_getrlimit,
	[SYS_setrlimit] = px_setrlimit,
	[SYS_prlimit64] = px_prlimit64,
	[SYS_getrusage] = px_getrusage,
	[SYS_times] = px_times,
	[SYS_sysinfo] = px_sysinfo,
	[SYS_syslog] = px_syslog,
	[SYS_getgroups] = px_getgroups,
	[SYS_setgroups] = px_setgroups,
	[SYS_sched_getaffinity] = px_sched_getaffinity,
	[SYS_sched_setaffinity] = px_sched_setaffinity,
	/* queued signals: kill.c, sigpost.c (sigs, session 6) */
	[SYS_rt_sigqueueinfo] = px_rt_sigqueueinfo,
	[SYS_rt_tgsigqueueinfo] = px_rt_tgsigqueueinfo,
	/* (posixgaps) mremap: mem.c */
	[SYS_mremap] = px_mremap,
	/* (ports12) inotify.c */
	[SYS_inotify_init] = px_inotify_init,
	[SYS_inotify_init1] = px_inotify_init1,
	[SYS_inotify_add_watch] = px_inotify_add_watch,
	[SYS_inotify_rm_watch] = px_inotify_rm_watch,
	/* (gaps) socket.c: no sockets here, EAFNOSUPPORT */
	[SYS_socket] = px_socket,
};

static uint64_t count[NCALLS + 1];      /* [NCALLS]: numbers out of range */

#ifdef PX_CALLPROF
/*
 * A debug build (dispatch.c compiled with -DPX_CALLPROF; never the
 * default) with EXOS_SYSCOUNT=2 profiles: per Linux number also the
 * cycles spent in its handler, and per (number, kernel call) the count
 * and the kernel's cycles, for the first PROF_SLOTS numbers called.
 */
#define PROF_SLOTS 40
static int prof;                        /* 0: not decided, 1: off, 2: on */
static uint8_t pslot[NCALLS];           /* 1 + slot; 0: none yet */
static int nslots;
static uint64_t pcyc[PROF_SLOTS];
static uint32_t pkn[PROF_SLOTS][XOK_NCALLSTATS];
static uint64_t pkcyc[PROF_SLOTS][XOK_NCALLSTATS];
static int syscount_wanted(void);
extern char **__environ;

static long
prof_call(long n, PX_ARGS)
{
	static struct xok_callstat k0[XOK_NCALLSTATS];
	const volatile struct xok_callstat *kc = XOK_INFO->calls;
	uint64_t t0;
	long r;
	int i, s;

	if (pslot[n] == 0) {
		if (nslots == PROF_SLOTS)
			return calls[n](a1, a2, a3, a4, a5, a6);
		pslot[n] = (uint8_t)++nslots;
	}
	s = pslot[n] - 1;
	for (i = 0; i < XOK_NCALLSTATS; i++)
		k0[i].calls = kc[i].calls, k0[i].cycles = kc[i].cycles;
	t0 = rdtsc();
	r = calls[n](a1, a2, a3, a4, a5, a6);
	pcyc[s] += rdtsc() - t0;
	for (i = 0; i < XOK_NCALLSTATS; i++) {
		pkn[s][i] += (uint32_t)(kc[i].calls - k0[i].calls);
		pkcyc[s][i] += kc[i].cycles - k0[i].cycles;
	}
	return r;
}
#endif

PX_HOT static long
dispatch(long n, PX_ARGS)
{
	if (n < 0 || n >= NCALLS) {
		count[NCALLS]++;
		return -ENOSYS;
	}
	count[n]++;
	if (!calls[n])
		return -ENOSYS;
#ifdef PX_CALLPROF
	if (prof == 0 && __environ != NULL)
		prof = syscount_wanted() == 2 ? 2 : 1;
	if (prof == 2)
		return prof_call(n, a1, a2, a3, a4, a5, a6);
#endif
	return calls[n](a1, a2, a3, a4, a5, a6);
}

/* Called by __exos_syscall (sigentry.S) with the call as it came: run
 * it, then deliver a signal that is due (sigcall.c). */
PX_HOT long
px_syscall(struct px_sysctx *c)
{
	long r;

	px_sys_cur = c;
	do
		r = dispatch((long)c->n, (long)c->a1, (long)c->a2,
		    (long)c->a3, (long)c->a4, (long)c->a5,
		    *(const long *)(c->rsp + 8));
	while (px_sig_syscall_end(c, &r));
	return r;
}

PX_HOT long
px_errno(int64_t xe)
{
	switch (-xe) {
	case XE_FAULT:
		return -EFAULT;
	case XE_PERM:
	case XE_NOCAP:
		return -EPERM;
	case XE_NOMEM:
	case XE_QUOTA:
		return -ENOMEM;
	case XE_BUSY:
		return -EBUSY;
	case XE_NOENT:
		return -ESRCH;
	case XE_NOSYS:
		return -ENOSYS;
	case XE_NODEV:
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

/* ---- EXOS_SYSCOUNT --------------------------------------------------- */

#ifndef PX_CALLPROF
extern char **__environ;
#endif

static int
syscount_wanted(void)
{
	static const char key[] = "EXOS_SYSCOUNT=";
	char **e;
	size_t i;

	for (e = __environ; e && *e; e++) {
		for (i = 0; key[i] && (*e)[i] == key[i]; i++)
			;
		if (!key[i])
			return (*e)[i] == '2' ? 2 : (*e)[i] != '\0' &&
			    !((*e)[i] == '0' && (*e)[i + 1] == '\0');
	}
	return 0;
}

static char *
utoa(char *end, uint64_t v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

#ifdef PX_CALLPROF
/* EXOS_SYSCOUNT=2: the cycles of number n and its kernel calls. */
static void
prof_report(int n)
{
	char buf[24];
	int i, s;

	if (pslot[n] == 0)
		return;
	s = pslot[n] - 1;
	px_cons_puts("exos:   cycles ");
	px_cons_puts(utoa(buf + sizeof(buf), pcyc[s]));
	px_cons_puts(" per call ");
	px_cons_puts(utoa(buf + sizeof(buf), pcyc[s] / count[n]));
	px_cons_puts("\n");
	for (i = 0; i < XOK_NCALLSTATS; i++) {
		if (!pkn[s][i])
			continue;
		px_cons_puts("exos:   kernel call ");
		px_cons_puts(utoa(buf + sizeof(buf), (uint64_t)i));
		px_cons_puts(": ");
		px_cons_puts(utoa(buf + sizeof(buf), pkn[s][i]));
		px_cons_puts(" calls, cycles ");
		px_cons_puts(utoa(buf + sizeof(buf), pkcyc[s][i]));
		px_cons_puts("\n");
	}
}
#endif

void
px_syscount_report(void)
{
	char buf[24];
	int n;

	if (!syscount_wanted())
		return;
	px_cons_puts("exos: syscall counts (Linux number: calls)\n");
	for (n = 0; n <= NCALLS; n++) {
		if (!count[n])
			continue;
		px_cons_puts("exos: syscall ");
		px_cons_puts(n == NCALLS ? "out-of-range" :
		    utoa(buf + sizeof(buf), (uint64_t)n));
		px_cons_puts(": ");
		px_cons_puts(utoa(buf + sizeof(buf), count[n]));
		px_cons_puts(n == NCALLS || !calls[n] ? " ENOSYS\n" : "\n");
#ifdef PX_CALLPROF
		if (prof == 2 && n < NCALLS)
			prof_report(n);
#endif
	}
}
