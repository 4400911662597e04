/*
 * syscall.c: the kernel-call entry.  A call number XOK_SYSBASE + n runs
 * systab[n] (xok/systab.c, made from xok/syscalls.master), which passes
 * the argument registers to the handler in its subsystem's file; every
 * handler checks its capability (capcheck.c), every pointer and every
 * number, and returns -XE_* on failure.  A number outside the table is
 * reflected to the environment's own reflection entry, or fails with
 * -XE_NOSYS.
 */
#include "kern.h"

_Static_assert(XOK_NSYSCALLS <= XOK_NCALLSTATS, "call statistics too small");
_Static_assert(sizeof(struct xok_info) <= XOK_INFO_PAGES_OFF,
    "exported state overlaps the page table");

KHOT void
syscall_trap(struct trapframe *tf)
{
	uint64_t n = tf->rax - XOK_SYSBASE;
	struct env *e = curenv;

	e->tf = *tf;
	if (tf->rax >= XOK_SYSBASE && n < XOK_NSYSCALLS && systab[n]) {
		const uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10,
			tf->r8, tf->r9 };
		uint64_t t0 = rdtsc();

		info->calls[n].calls++;
		e->tf.rax = (uint64_t)systab[n](a);
		info->calls[n].cycles += rdtsc() - t0;
	} else if (e->up.reflect) {
		if (upcall_push(e, XOK_UP_REFLECT, e->up.reflect, 0, 0, 0,
		    tf->rax) < 0) {
			kprintf("xok: env %x: cannot reflect call %lx\n", e->id,
			    tf->rax);
			env_destroy(e, XOK_EXIT_UPCALL);
			sched();
		}
	} else
		e->tf.rax = (uint64_t)-XE_NOSYS;
	env_run(e);
}
