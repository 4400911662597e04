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

#define NCALLS 512              /* Linux x86-64 numbers are below this */

static const px_call_fn calls[NCALLS] = {
	[SYS_write] = px_write,
	[SYS_writev] = px_writev,
	[SYS_ioctl] = px_ioctl,
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
	[SYS_vfork] = px_fork,
	[SYS_clone] = px_clone,
	[SYS_wait4] = px_wait4,
	[SYS_getppid] = px_getppid,
	[SYS_open] = px_open,
	[SYS_openat] = px_openat,
	[SYS_close] = px_close,
	[SYS_read] = px_read,
	[SYS_pread64] = px_pread64,
	[SYS_readv] = px_readv,
	[SYS_lseek] = px_lseek,
	[SYS_fstat] = px_fstat,
	[SYS_stat] = px_stat,
	[SYS_lstat] = px_stat,
	[SYS_newfstatat] = px_newfstatat,
	[SYS_access] = px_access,
	[SYS_faccessat] = px_faccessat,
	[SYS_fcntl] = px_fcntl,
	[SYS_execve] = px_execve,
	/* ports: reboot.c */
	[SYS_reboot] = px_reboot,
};

static uint64_t count[NCALLS + 1];      /* [NCALLS]: numbers out of range */

long
__exos_syscall(long n, PX_ARGS)
{
	if (n < 0 || n >= NCALLS) {
		count[NCALLS]++;
		return -ENOSYS;
	}
	count[n]++;
	if (!calls[n])
		return -ENOSYS;
	return calls[n](a1, a2, a3, a4, a5, a6);
}

long
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

extern char **__environ;

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
			return (*e)[i] != '\0' && !((*e)[i] == '0' &&
			    (*e)[i + 1] == '\0');
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
	}
}
