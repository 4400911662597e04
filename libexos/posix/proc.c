/*
 * proc.c: exit, the thread pointer (arch_prctl), set_tid_address and
 * the ids of the one user.  Pids come from the process table (proc.h,
 * pgrp.c); every process is single-threaded (tid = pid).
 */
/* arch_prctl codes (Linux asm/prctl.h; musl has no copy) */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#include <string.h>
#include <sys/utsname.h>
#include "posix.h"
#include "uaccess.h"
#include "proc.h"
#include "fd.h"

static long fs_base, gs_base;
static int *clear_tid;          /* set_tid_address: zeroed at exit */

/* The FS and GS bases arch_prctl set (fork gives them to the child). */
long
px_fs_base(void)
{
	return fs_base;
}

long
px_gs_base(void)
{
	return gs_base;
}

long
px_set_tid_address(PX_ARGS)
{
	PX_UNUSED;
	clear_tid = (int *)a1;
	return px_getpid(a1, a2, a3, a4, a5, a6);
}

long
px_arch_prctl(PX_ARGS)
{
	int64_t r;

	PX_UNUSED;
	switch (a1) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if ((unsigned long)a2 >= XOK_UVA_END)
			return -EPERM;
		r = sys_env_set_base(XOK_SELF, 0,
		    a1 == ARCH_SET_FS ? XOK_BASE_FS : XOK_BASE_GS,
		    (uint64_t)a2);
		if (r < 0)
			return px_errno(r);
		if (a1 == ARCH_SET_FS)
			fs_base = a2;
		else
			gs_base = a2;
		return 0;
	case ARCH_GET_FS:
		return px_copyout((void *)a2, &fs_base, sizeof(fs_base));
	case ARCH_GET_GS:
		return px_copyout((void *)a2, &gs_base, sizeof(gs_base));
	default:
		return -EINVAL;
	}
}

/* exit and exit_group (one thread per process for now): record the
 * status in the process table and end (px_proc_exit); the first
 * process, the one the kernel started, ends the machine with its
 * status: that is how a test, and scripts/exos-run, learns it. */
long
px_exit(PX_ARGS)
{
	PX_UNUSED;
	if (clear_tid)
		(void)px_clearout(clear_tid, sizeof(*clear_tid));
	px_vfork_done();
	px_syscount_report();
	px_fmap_exit();                 /* (fmmap) file mappings written back */
	px_fd_exit();                   /* fd.c: our descriptors closed */
	px_fs_exit();                   /* (wback) our write-back on disk */
	px_proc_exit((int)((uint64_t)a1 & 0xff) << 8);
}

/* One user for now (issue 10): every id is 0, root, and cannot change. */
long
px_getuid(PX_ARGS)
{
	PX_UNUSED;
	return 1000;            /* the one user, not root (vfs.h: PX_UID) */
}

long
px_sched_yield(PX_ARGS)
{
	PX_UNUSED;
	sys_yield(XOK_SELF);
	return 0;
}

static void
field(char *dst, const char *s)
{
	while ((*dst++ = *s++))
		;
}

long
px_uname(PX_ARGS)
{
	struct utsname ub, *u = &ub;

	PX_UNUSED;
	memset(u, 0, sizeof(*u));
	field(u->sysname, "ExOS");
	field(u->nodename, "exos");
	field(u->release, "0.1");
	field(u->version, "Xok/ExOS");
	field(u->machine, "x86_64");
	return px_copyout((void *)a1, u, sizeof(*u));
}
