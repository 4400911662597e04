/*
 * upcall.c: delivering events to an environment's own handlers.  The
 * interrupted context is written as a struct xok_frame on the upcall
 * stack the environment registered; the environment starts at the entry
 * with rdi = rsp = frame.  It resumes the old context itself.
 */
#include "kern.h"

static int
on_upcall_stack(struct env *e)
{
	return e->tf.rsp > e->up.stack_lo && e->tf.rsp <= e->up.stack_hi;
}

int
upcall_push(struct env *e, uint64_t type, uint64_t entry, uint64_t trapno,
    uint64_t err, uint64_t addr, uint64_t uinfo)
{
	struct trapframe *tf = &e->tf;
	struct xok_frame f;
	uint64_t sp, fva;

	if (!entry || e->up.stack_hi == 0)
		return -XE_INVAL;
	/* Nested: below the current frame, past the red zone. */
	sp = on_upcall_stack(e) ? tf->rsp - 128 : e->up.stack_hi;
	fva = (sp - sizeof(f)) & ~15ULL;
	if (sp < sizeof(f) || fva < e->up.stack_lo)
		return -XE_NOMEM;

	f.type = type, f.trapno = trapno, f.err = err, f.addr = addr;
	f.info = uinfo;
	f.r15 = tf->r15, f.r14 = tf->r14, f.r13 = tf->r13, f.r12 = tf->r12;
	f.r11 = tf->r11, f.r10 = tf->r10, f.r9 = tf->r9, f.r8 = tf->r8;
	f.rbp = tf->rbp, f.rdi = tf->rdi, f.rsi = tf->rsi, f.rdx = tf->rdx;
	f.rcx = tf->rcx, f.rbx = tf->rbx, f.rax = tf->rax;
	f.rip = tf->rip, f.cs = tf->cs, f.rflags = tf->rflags;
	f.rsp = tf->rsp, f.ss = tf->ss;
	if (copyout(e, fva, &f, sizeof(f)) < 0)
		return -XE_FAULT;

	tf->rip = entry;
	tf->rsp = fva;
	tf->rdi = fva;
	tf->cs = GD_UT | 3;             /* never the interrupted segments */
	tf->ss = GD_UD | 3;
	tf->rflags = FL_IF | FL_RESERVED1;
	return 0;
}

void
deliver_fault(struct env *e, uint64_t trapno, uint64_t err, uint64_t addr)
{
	const char *why;
	uint64_t code;

	if (!e->up.fault) {
		why = "unhandled";
		code = XOK_EXIT_FAULT + trapno;
	} else if (on_upcall_stack(e) && !(e->up.flags & XOK_UPF_NESTED)) {
		why = "fault inside its fault handler";
		code = XOK_EXIT_NESTED + trapno;
	} else if (upcall_push(e, XOK_UP_FAULT, e->up.fault, trapno, err,
	    addr, 0) < 0) {
		why = "cannot write the fault frame";
		code = XOK_EXIT_UPCALL;
	} else
		return;
	kprintf("xok: env %x killed: %s: trap %lu err %lx addr %lx rip %lx\n",
	    e->id, why, trapno, err, addr, e->tf.rip);
	env_destroy(e, code);
}
