/*
 * sigframe.c: running a signal handler and coming back from it, as
 * Linux does on x86-64 (docs/ARCHITECTURE.md, "Signals in the libOS").
 *
 * px_sig_run writes Linux's rt_sigframe on the program's stack (or the
 * alternate stack): the return address (sa_restorer), a ucontext with
 * every register, the mask to restore and a pointer to the FXSAVE image
 * stored above it, and the siginfo; then it resumes the context changed
 * to enter the handler (rdi = sig, rsi = &info, rdx = &uc).  The
 * handler's return runs the restorer (musl's __restore_rt), which calls
 * rt_sigreturn: px_rt_sigreturn finds the ucontext just above the
 * return address of that call and resumes what it holds, registers,
 * flags and FPU state, without the kernel (px_sig_resume).
 *
 * Asynchronous delivery: the epilogue upcall (end of a time slice) and
 * the fault upcall run on the upcall stack, where a fault (a
 * copy-on-write stack page, a bad alternate stack) would be fatal; they
 * only save the interrupted context, raise the critical-section count
 * and point the context at px_sig_async_entry, which builds the frame
 * on the program's stack, below its red zone, like a call would.
 */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include "posix.h"
#include "layout.h"
#include "sig.h"
#include "uaccess.h"

/* Linux's struct ucontext and rt_sigframe for x86-64 (the layout
 * musl's ucontext_t begins with). */
enum {
	G_R8, G_R9, G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI,
	G_RBP, G_RBX, G_RDX, G_RAX, G_RCX, G_RSP, G_RIP, G_EFL, G_CSGSFS,
	G_ERR, G_TRAPNO, G_OLDMASK, G_CR2, G_N
};

struct px_ucontext {
	uint64_t flags;
	uint64_t link;
	stack_t stack;
	uint64_t gregs[G_N];
	uint64_t fpregs;
	uint64_t reserved[8];
	uint64_t sigmask;
};

struct px_rtframe {
	uint64_t pretcode;
	struct px_ucontext uc;
	siginfo_t info;
};
_Static_assert(__builtin_offsetof(struct px_rtframe, info) == 312,
    "Linux's rt_sigframe");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo_t");

#define FL_USER 0x254dd5UL      /* CF PF AF ZF SF TF DF OF RF AC ID */
#define FL_IF   0x200UL
#define FL_TF   0x100UL
#define FL_DF   0x400UL
#define FL_RF   0x10000UL
#define FL_AC   0x40000UL
#define UPSTACK_SPAN (1UL << 20)
#define CALLEE_ROOM  4096       /* stack px_sig_run's callees may use */

void px_sig_restorer(void);             /* sigentry.S */
void px_sig_epilogue(struct xok_frame *f, uint8_t *fx);
void px_sig_async(void) __attribute__((noreturn));

static stack_t alt = { .ss_flags = SS_DISABLE };

static int
on_alt(uint64_t sp)
{
	return !(alt.ss_flags & SS_DISABLE) &&
	    sp > (uint64_t)alt.ss_sp && sp <= (uint64_t)alt.ss_sp + alt.ss_size;
}

static uint64_t
cur_sp(void)
{
	uint64_t sp;

	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	return sp;
}

void
px_sig_run(struct xok_frame *f, uint8_t *fx, int sig, const siginfo_t *info)
{
	struct px_sigaction act;
	const struct px_sigaction *a = &act;
	struct px_rtframe *fr;
	uint64_t sp, fp, mask;

	if (!sig)
		px_sig_resume(f, fx);
	act = *px_sig_action(sig);      /* (SA_RESETHAND changes it) */
	if ((a->flags & SA_ONSTACK) && !(alt.ss_flags & SS_DISABLE) &&
	    !on_alt(f->rsp)) {
		sp = (uint64_t)alt.ss_sp + alt.ss_size;
		if (sp > cur_sp() && sp - 2048 < cur_sp())
			sp = cur_sp() - CALLEE_ROOM;    /* (cannot be) */
	} else {
		/* below the red zone, and below this code's own frames and
		 * those of the functions it calls while it fills the frame */
		sp = f->rsp - 128;
		if (sp > cur_sp() - CALLEE_ROOM)
			sp = cur_sp() - CALLEE_ROOM;
	}
	fp = (sp - PX_SIGFX) & ~63UL;
	fr = (struct px_rtframe *)(((fp - sizeof(*fr)) & ~15UL) - 8);
	/* (a bad stack faults here, inside the libOS: the process dies of
	 * SIGSEGV, as Linux's force_sigsegv) */
	memcpy((void *)fp, fx, PX_SIGFX);
	memset(fr, 0, sizeof(*fr));
	fr->pretcode = (a->flags & SA_RESTORER_FLAG) && a->restorer ?
	    a->restorer : (uint64_t)px_sig_restorer;
	fr->uc.stack = alt;
	if (on_alt(f->rsp))
		fr->uc.stack.ss_flags |= SS_ONSTACK;
	fr->uc.gregs[G_R8] = f->r8, fr->uc.gregs[G_R9] = f->r9;
	fr->uc.gregs[G_R10] = f->r10, fr->uc.gregs[G_R11] = f->r11;
	fr->uc.gregs[G_R12] = f->r12, fr->uc.gregs[G_R13] = f->r13;
	fr->uc.gregs[G_R14] = f->r14, fr->uc.gregs[G_R15] = f->r15;
	fr->uc.gregs[G_RDI] = f->rdi, fr->uc.gregs[G_RSI] = f->rsi;
	fr->uc.gregs[G_RBP] = f->rbp, fr->uc.gregs[G_RBX] = f->rbx;
	fr->uc.gregs[G_RDX] = f->rdx, fr->uc.gregs[G_RAX] = f->rax;
	fr->uc.gregs[G_RCX] = f->rcx, fr->uc.gregs[G_RSP] = f->rsp;
	fr->uc.gregs[G_RIP] = f->rip, fr->uc.gregs[G_EFL] = f->rflags;
	fr->uc.gregs[G_CSGSFS] = f->cs | f->ss << 48;
	mask = px_sig_frame_mask();
	fr->uc.gregs[G_OLDMASK] = mask;
	if (info && info->si_code > 0 && info->si_signo != SIGCHLD) {
		fr->uc.gregs[G_ERR] = f->err;   /* a fault's */
		fr->uc.gregs[G_TRAPNO] = f->trapno;
		fr->uc.gregs[G_CR2] = f->addr;
	}
	fr->uc.fpregs = fp;
	fr->uc.sigmask = mask;
	if (info)
		fr->info = *info;
	else
		px_sig_info(sig, &fr->info);
	px_sig_set_mask(mask | a->mask |
	    ((a->flags & SA_NODEFER) ? 0 : PX_SIGBIT(sig)));
	if (a->flags & SA_RESETHAND)
		px_sig_reset(sig);
	f->rip = a->handler;
	f->rsp = (uint64_t)fr;
	f->rdi = (uint64_t)sig;
	f->rsi = (uint64_t)&fr->info;
	f->rdx = (uint64_t)&fr->uc;
	f->rax = 0;
	f->rflags &= ~(FL_DF | FL_TF | FL_RF | FL_AC);
	px_sig_resume(f, fx);
}

long
px_rt_sigreturn(PX_ARGS)
{
	const struct px_sysctx *c = px_sys_cur;
	struct px_ucontext uc;
	struct xok_frame f;
	uint8_t fx[PX_SIGFX] __attribute__((aligned(16)));
	uint32_t mxcsr_mask;
	const uint64_t *g = uc.gregs;
	uint64_t ucp = c->rsp + 8;

	PX_UNUSED;
	if (ucp + sizeof(uc) > XOK_UVA_END ||
	    px_copyin(&uc, (const void *)ucp, sizeof(uc)) < 0)
		px_sig_die(SIGSEGV);
	__asm__ volatile("fxsave64 %0" : "=m"(fx));
	memcpy(&mxcsr_mask, fx + XOK_FX_MXCSR_MASK, 4);
	if (!mxcsr_mask)
		mxcsr_mask = 0xffbf;
	if (uc.fpregs) {
		uint32_t mxcsr;

		if (uc.fpregs < XOK_UVA_MIN || uc.fpregs >= XOK_UVA_END -
		    PX_SIGFX || px_copyin(fx, (const void *)uc.fpregs,
		    PX_SIGFX) < 0)
			px_sig_die(SIGSEGV);
		/* fxrstor would fault on a reserved MXCSR bit */
		memcpy(&mxcsr, fx + XOK_FX_MXCSR, 4);
		mxcsr &= mxcsr_mask;
		memcpy(fx + XOK_FX_MXCSR, &mxcsr, 4);
		memcpy(fx + XOK_FX_MXCSR_MASK, &mxcsr_mask, 4);
	}
	memset(&f, 0, sizeof(f));
	f.r8 = g[G_R8], f.r9 = g[G_R9], f.r10 = g[G_R10], f.r11 = g[G_R11];
	f.r12 = g[G_R12], f.r13 = g[G_R13], f.r14 = g[G_R14];
	f.r15 = g[G_R15], f.rdi = g[G_RDI], f.rsi = g[G_RSI];
	f.rbp = g[G_RBP], f.rbx = g[G_RBX], f.rdx = g[G_RDX];
	f.rax = g[G_RAX], f.rcx = g[G_RCX], f.rsp = g[G_RSP];
	f.rip = g[G_RIP];
	f.rflags = (g[G_EFL] & FL_USER) | FL_IF;
	{
		uint16_t cs, ss;

		__asm__ volatile("movw %%cs, %0; movw %%ss, %1" :
		    "=r"(cs), "=r"(ss));
		f.cs = cs, f.ss = ss;
	}
	px_sig_set_mask(uc.sigmask);
	/* a signal the old mask lets through is due now */
	px_sig_run(&f, fx, px_sig_take(), NULL);
}

long
px_sig_altstack(const stack_t *ss, stack_t *old, uint64_t sp)
{
	stack_t o = alt;

	if (on_alt(sp))
		o.ss_flags = SS_ONSTACK;
	else if (!(alt.ss_flags & SS_DISABLE))
		o.ss_flags = 0;
	if (ss) {
		if (on_alt(sp))
			return -EPERM;
		if (ss->ss_flags & ~SS_DISABLE)
			return -EINVAL;
		if (ss->ss_flags & SS_DISABLE) {
			alt.ss_flags = SS_DISABLE;
			alt.ss_sp = 0;
			alt.ss_size = 0;
		} else {
			if (ss->ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			alt = *ss;
		}
	}
	if (old)
		*old = o;
	return 0;
}

long
px_sigaltstack(PX_ARGS)
{
	stack_t ss, old;
	long r;

	PX_UNUSED;
	if (a1) {
		if (!(a1 >= (long)XOK_UVA_MIN && (uint64_t)a1 < XOK_UVA_END -
		    sizeof(ss)))
			return -EFAULT;
		if ((r = px_copyin(&ss, (const void *)a1, sizeof(ss))) < 0)
			return r;
	}
	if (a2 && !(a2 >= (long)XOK_UVA_MIN && (uint64_t)a2 < XOK_UVA_END -
	    sizeof(old)))
		return -EFAULT;
	if ((r = px_sig_altstack(a1 ? &ss : NULL, &old,
	    px_sys_cur->rsp)) < 0)
		return r;
	if (a2)
		return px_copyout((void *)a2, &old, sizeof(old));
	return 0;
}

/* ---- asynchronous delivery --------------------------------------- */

static struct xok_frame async_f;
static uint8_t async_fx[PX_SIGFX] __attribute__((aligned(16)));
static siginfo_t async_info;
static int async_has_info;

/* May the context f be interrupted by a handler now? */
static int
interruptible(const struct xok_frame *f)
{
	if (px_sig_depth)
		return 0;               /* inside the libOS */
	if (f->rsp <= PX_UPSTACK_HI && f->rsp > PX_UPSTACK_HI - UPSTACK_SPAN)
		return 0;               /* inside an upcall */
	if (f->rip >= (uint64_t)px_sig_resume &&
	    f->rip < (uint64_t)px_sig_resume_end)
		return 0;               /* leaving the libOS */
	if (f->rip >= PX_EXEC_VA && f->rip < PX_MODULE_VA)
		return 0;               /* execve's trampoline */
	return 1;
}

/* Point f at px_sig_async_entry, on its own stack below the red zone
 * (or, for a handler on the alternate stack, 2 KiB below its top, where
 * the signal frame goes: a fault of a stack overflow is handled). */
static void
divert(struct xok_frame *f, const uint8_t *fx, int sig)
{
	async_f = *f;
	memcpy(async_fx, fx, PX_SIGFX);
	px_sig_hold();
	if (sig && (px_sig_action(sig)->flags & SA_ONSTACK) &&
	    !(alt.ss_flags & SS_DISABLE) && alt.ss_size >= SIGSTKSZ &&
	    !on_alt(f->rsp))
		f->rsp = (uint64_t)alt.ss_sp + alt.ss_size - 2048;
	else
		f->rsp -= 128;
	f->rip = (uint64_t)px_sig_async_entry;
	f->rflags &= ~(FL_DF | FL_TF | FL_AC);
}

int px_sig_due_async(void);

/* XOK_UP_EPILOGUE: the slice is over.  Yield; when we run again, if a
 * signal is due and the program was computing, go and deliver it. */
void
px_sig_epilogue(struct xok_frame *f, uint8_t *fx)
{
	sys_yield(XOK_SELF);
	if (!interruptible(f) || !px_sig_due_async())
		return;
	async_has_info = 0;
	divert(f, fx, 0);
}

/* Runs on the program's stack, in the critical section. */
void
px_sig_async(void)
{
	struct xok_frame f = async_f;
	uint8_t fx[PX_SIGFX] __attribute__((aligned(16)));
	siginfo_t info = async_info;

	memcpy(fx, async_fx, PX_SIGFX);
	if (async_has_info)
		px_sig_run(&f, fx, info.si_signo, &info);
	px_sig_run(&f, fx, px_sig_take(), NULL);
}

static int
fault_signal(const struct xok_frame *f, int *code, uint64_t *addr)
{
	*addr = f->rip;
	switch (f->trapno) {
	case 0:                         /* #DE */
		*code = FPE_INTDIV;
		return SIGFPE;
	case 16:                        /* x87 */
	case 19:                        /* SSE */
		*code = FPE_FLTINV;
		return SIGFPE;
	case 1:                         /* #DB */
		*code = TRAP_TRACE;
		return SIGTRAP;
	case 3:                         /* int3 */
		*code = SI_KERNEL;
		*addr = 0;
		return SIGTRAP;
	case 6:                         /* #UD */
		*code = ILL_ILLOPN;
		return SIGILL;
	case 17:                        /* #AC */
		*code = BUS_ADRALN;
		return SIGBUS;
	case 14:                        /* #PF */
		if (px_fault_bus) {     /* a file page past its end */
			*code = BUS_ADRERR;
			*addr = f->addr;
			return SIGBUS;
		}
		*code = (f->err & 1) ? SEGV_ACCERR : SEGV_MAPERR;
		*addr = f->addr;
		return SIGSEGV;
	default:                        /* #GP, #SS, #NP ...: as Linux */
		*code = SI_KERNEL;
		*addr = 0;
		return f->trapno == 12 || f->trapno == 11 ? SIGBUS : SIGSEGV;
	}
}

int
px_sig_fault(struct xok_frame *f, uint8_t *fx)
{
	const struct px_sigaction *a;
	uint64_t addr;
	int sig, code;

	if (!interruptible(f))
		return 0;               /* the libOS's own fault: fatal */
	sig = fault_signal(f, &code, &addr);
	a = px_sig_action(sig);
	if (a->handler == (uint64_t)SIG_DFL || a->handler == (uint64_t)SIG_IGN ||
	    px_sig_blocked(sig))
		return 0;               /* dies of it, as Linux */
	memset(&async_info, 0, sizeof(async_info));
	async_info.si_signo = sig;
	async_info.si_code = code;
	async_info.si_addr = (void *)addr;
	async_has_info = 1;
	divert(f, fx, sig);
	return 1;
}
