/*
 * signal.c: signals in the POSIX layer: dispositions, the mask, the
 * pending set and the calls on them (rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, rt_sigtimedwait, pause, kill/tkill/
 * tgkill to oneself), the default actions, and when a signal is
 * delivered: at the end of every call (px_sig_syscall_end), when a wait
 * in px_block ends with -EINTR, and from the epilogue upcall when the
 * process is computing (sigframe.c).  docs/ARCHITECTURE.md, "Signals in
 * the libOS".
 *
 * A signal is a bit in the process's pending word (px_sig_word), set by
 * whoever posts it: this process (kill to itself, raise, the interval
 * timer, a child's death seen in the kernel's child_exits counter) or,
 * with the process table, another process, which leaves the signal's
 * siginfo in our px_sigq (sigpost.c); real-time signals are queued
 * there.
 *
 * The end of a call (px_sig_syscall_end) is on every call's path, so
 * its common case is a few loads: the pending word through a cached
 * pointer, the kernel's child_exits count, the interval timer's
 * deadline word; anything else happens only when one of them says so.
 */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "posix.h"
#include "block.h"
#include "sig.h"
#include "proc.h"
#include "uaccess.h"

#define KILLSTOP        (PX_SIGBIT(SIGKILL) | PX_SIGBIT(SIGSTOP))
#define STOPS           (PX_SIGBIT(SIGSTOP) | PX_SIGBIT(SIGTSTP) | \
			 PX_SIGBIT(SIGTTIN) | PX_SIGBIT(SIGTTOU))
#define SIGSETSIZE      8
#define CARRY_MAGIC     0x5349474341525259UL

volatile uint64_t px_sig_depth;         /* the critical section (sig.h) */
volatile uint64_t px_sig_nointr;
struct px_sysctx *px_sys_cur;

static volatile uint64_t pending __attribute__((aligned(8)));
static uint64_t self_posted;            /* bits this process posted */
static struct px_sigaction act[PX_NSIG + 1];
static uint64_t blocked;
static uint64_t ign;                    /* ignored now (disposition) */
static uint64_t saved_mask;             /* sigsuspend's caller's mask */
static int mask_saved;
static uint64_t chld_seen;              /* child_exits when last looked */
static int upstack_ok;
static signed char code[PX_NSIG + 1];   /* si_code of the pending one */
static siginfo_t taken;                 /* the siginfo of the one taken */
/* The end of a call's fast look (px_sig_syscall_end): where the pending
 * word is (&pending until our table entry is known: unbound), the
 * kernel's child_exits count, the timer's deadline (itimer.c). */
static volatile uint64_t *sigw = &pending;
static const uint64_t zero;
static const volatile uint64_t *chldw = &zero;
static uint64_t unbound = 1;
#define PX_CLD_TABLE    100     /* code: SIGCHLD for a death (sigpost.c) */

/* The pending word: our entry's in the process table (proc.h), where
 * other processes post; a word of our own if there is no table. */
PX_HOT volatile uint64_t *
px_sig_word(void)
{
	struct px_proc *p;

	if (unbound && (p = px_proc_self()) != NULL) {
		sigw = &p->sigpending;
		unbound = 0;
	}
	return sigw;
}

/* Post sig to ourselves.  Its siginfo is ours (code, our pid) unless it
 * was pending already (the first one's stays, as Linux).  A real-time
 * signal is queued (sigpost.c), under the table's lock: never called
 * with it held. */
void
px_sig_post_code(int sig, int c)
{
	struct px_proc *me;
	uint64_t old;

	if (sig >= PX_SIGRT && (me = px_proc_self()) != NULL) {
		px_lock(&px_ptab()->lock);
		px_sig_send(me, sig, c, me->pid, 0);
		px_unlock(&px_ptab()->lock);
		return;
	}
	old = __atomic_fetch_or(px_sig_word(), PX_SIGBIT(sig),
	    __ATOMIC_SEQ_CST);
	if (!(old & PX_SIGBIT(sig))) {
		code[sig] = (signed char)c;
		self_posted |= PX_SIGBIT(sig);
	}
}

/* The siginfo of the signal taken last (px_sig_take). */
void
px_sig_info(int sig, siginfo_t *si)
{
	if (taken.si_signo == sig) {
		*si = taken;
		taken.si_signo = 0;
		return;
	}
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = SI_USER;
}

/* Take one instance of our pending signal sig (sig.h). */
void
px_sig_dequeue(int sig, siginfo_t *si)
{
	uint64_t bit = PX_SIGBIT(sig);
	int more, pid = (int)px_getpid(0, 0, 0, 0, 0, 0);
	int px_sigq_std(int, siginfo_t *), px_sigq_rt(int, siginfo_t *, int *);

	if (sig >= PX_SIGRT && px_sigq_rt(sig, si, &more))
		return;
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	if (self_posted & bit) {
		si->si_code = code[sig];
		if (sig == SIGCHLD && code[sig] == PX_CLD_TABLE)
			px_sig_chld_info(si);
		else if (si->si_code <= 0) {
			si->si_pid = pid;
			si->si_uid = (uid_t)px_getuid(0, 0, 0, 0, 0, 0);
		}
	} else if (!px_sigq_std(sig, si))
		si->si_code = SI_USER;
	self_posted &= ~bit;
	code[sig] = SI_USER;
	__atomic_fetch_and(sigw, ~bit, __ATOMIC_SEQ_CST);
}

/* Throw away one instance of sig (ignored, or a default action that
 * needs no siginfo). */
static void
drop(int sig)
{
	siginfo_t si;
	int more;
	int px_sigq_rt(int, siginfo_t *, int *);

	if (sig < PX_SIGRT || !px_sigq_rt(sig, &si, &more))
		__atomic_fetch_and(px_sig_word(), ~PX_SIGBIT(sig),
		    __ATOMIC_SEQ_CST);
	self_posted &= ~PX_SIGBIT(sig);
	code[sig] = SI_USER;
}

void
px_sig_post(int sig)
{
	px_sig_post_code(sig, SI_USER);
}


PX_HOT static void
unpost(uint64_t set)
{
	__atomic_fetch_and(px_sig_word(), ~set, __ATOMIC_SEQ_CST);
}

static int
dfl_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	    sig == SIGCONT;
}

static int
dfl_cores(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return 1;
	}
	return 0;
}

/* Recompute the set of signals whose arrival does nothing. */
static void
update_ign(void)
{
	int s;

	ign = 0;
	for (s = 1; s <= PX_NSIG; s++)
		if (act[s].handler == (uint64_t)SIG_IGN ||
		    (act[s].handler == (uint64_t)SIG_DFL && dfl_ignores(s)))
			ign |= PX_SIGBIT(s);
}

const struct px_sigaction *
px_sig_action(int sig)
{
	return &act[sig];
}

int
px_sig_blocked(int sig)
{
	return (blocked & PX_SIGBIT(sig)) != 0;
}

void
px_sig_reset(int sig)
{
	act[sig].handler = (uint64_t)SIG_DFL;
	act[sig].flags &= ~(uint64_t)SA_SIGINFO;
	update_ign();
}

uint64_t
px_sig_frame_mask(void)
{
	if (mask_saved) {
		mask_saved = 0;
		return saved_mask;
	}
	return blocked;
}

void
px_sig_set_mask(uint64_t m)
{
	blocked = m & ~KILLSTOP;
}

/* ---- events that become signals ---------------------------------- */

PX_HOT static const volatile uint64_t *
chld_word(void)
{
	return chldw;
}

/* Where this process's words are: at the start of every image and in
 * a forked child (another environment, another table entry). */
static void
bind(void)
{
	chldw = (const volatile uint64_t *)
	    &XOK_INFO->envs[XOK_ENVX(XOK_INFO->cur_env)].child_exits;
	sigw = &pending;
	unbound = 1;
	(void)px_sig_word();
}

static int
chld_reaps(void)
{
	return act[SIGCHLD].handler == (uint64_t)SIG_IGN ||
	    (act[SIGCHLD].flags & SA_NOCLDWAIT);
}

/* The timer and the children.  sync: not in an upcall, so dead
 * children may be reaped (SIGCHLD ignored: no zombies, as in Linux). */
PX_HOT static void
poll_events(int sync)
{
	uint64_t n;

	px_itimer_poll();
	if ((n = *chld_word()) == chld_seen)
		return;
	if (chld_reaps()) {
		if (!sync)
			return;
		chld_seen = n;
		while (px_wait4(-1, 0, WNOHANG, 0, 0, 0) > 0)
			;
		/* SA_NOCLDWAIT with a handler: reaped, and SIGCHLD (Linux)
		 * with the first one's siginfo (px_sig_reaped) */
		if (act[SIGCHLD].handler != (uint64_t)SIG_IGN)
			px_sig_post_code(SIGCHLD, PX_CLD_TABLE);
		return;
	}
	chld_seen = n;
	px_sig_post_code(SIGCHLD, PX_CLD_TABLE);
}

PX_HOT uint64_t
px_sig_wakeset(void)
{
	return (~blocked & ~ign) | KILLSTOP;
}

PX_HOT int
px_sig_interrupt(void)
{
	uint64_t p;

	poll_events(1);
	/* (queued real-time ones are thrown away when taken: that needs
	 * the table's lock, which a waiter may hold) */
	if ((p = *px_sig_word() & ign & ~blocked & (PX_SIGBIT(PX_SIGRT) - 1)))
		unpost(p);
	return (*px_sig_word() & px_sig_wakeset()) != 0;
}

/* The epilogue's look (no reaping, no kernel call but the yield). */
int px_sig_due_async(void);
int
px_sig_due_async(void)
{
	poll_events(0);
	return (*px_sig_word() & px_sig_wakeset()) != 0;
}

PX_HOT const volatile uint64_t *
px_sig_chld_word(uint64_t *seen)
{
	const struct px_sigaction *a = &act[SIGCHLD];

	if ((blocked & PX_SIGBIT(SIGCHLD)) || a->handler == (uint64_t)SIG_DFL)
		return NULL;
	*seen = chld_seen;
	return chld_word();
}

/* ---- default actions --------------------------------------------- */

/* Tell the process table (wait4's WUNTRACED, WCONTINUED) and the
 * parent (SIGCHLD, CLD_STOPPED / CLD_CONTINUED). */
static void
stopped(int sig, int stop)
{
	struct px_proc *me = px_proc_self(), *parent;
	struct px_ptab *t = px_ptab();

	if (!me || !t)
		return;
	px_lock(&t->lock);
	if (stop)
		px_proc_stopped(me, sig);
	else
		px_proc_continued(me);
	if ((parent = px_proc_lookup(me->ppid)) != NULL &&
	    parent->env == me->penv && !(parent->sigflags & PX_SF_NOCLDSTOP))
		px_sig_send(parent, SIGCHLD, stop ? CLD_STOPPED : CLD_CONTINUED,
		    me->pid, (uint64_t)(stop ? sig : SIGCONT));
	px_unlock(&t->lock);
}

/* Stopped (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): sleep until SIGCONT
 * or SIGKILL is posted. */
static void
stop(int sig)
{
	const volatile uint64_t *w = px_sig_word();
	uint64_t seen;

	px_sig_nointr++;
	stopped(sig, 1);
	while (!(*w & (PX_SIGBIT(SIGCONT) | PX_SIGBIT(SIGKILL)))) {
		seen = *w;
		px_block(&w, &seen, 1, UINT64_MAX);
	}
	stopped(sig, 0);
	px_sig_nointr--;
	unpost(STOPS);
}

/* Make the fault that kills us with sig, with no handler registered:
 * the kernel records XOK_EXIT_FAULT + trapno and wait reports the
 * signal (pxwait.c). */
static void
die_by_fault(int sig)
{
	struct xok_upcalls up;

	memset(&up, 0, sizeof(up));
	sys_env_set_upcalls(XOK_SELF, 0, &up);
	switch (sig) {
	case SIGSEGV:
		*(volatile int *)0 = 0;
		break;
	case SIGFPE:
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" ::: "rax",
		    "rcx", "rdx", "memory");
		break;
	case SIGILL:
		__asm__ volatile("ud2");
		break;
	case SIGTRAP:
		__asm__ volatile("int3");
		break;
	}
}

/* Terminate (the default action).  A signal a fault can stand for dies
 * of that fault, so the parent's wait sees WIFSIGNALED with it; other
 * signals have no way to tell the parent until the process table
 * records the status: they end the process with 128 + sig (the status a
 * shell shows; the first process ends QEMU with it, as exos-run
 * reports a signal death). */
void
px_sig_die(int sig)
{
	uint64_t self = XOK_INFO->cur_env;

	(void)dfl_cores;        /* (no core files: Linux with ulimit -c 0) */
	if (px_proc_self())
		px_proc_exit(sig);      /* records WIFSIGNALED(sig) */
	px_syscount_report();
	die_by_fault(sig);
	if (xok_env_info(self)->parent == 0)
		sys_shutdown(0, 128 + (uint64_t)sig);
	sys_env_destroy(XOK_SELF, 0, 128 + (uint64_t)sig);
	for (;;)
		sys_yield(XOK_SELF);
}

/* Is our process group orphaned (SIGTSTP, SIGTTIN, SIGTTOU do not
 * stop it: POSIX)? */
static int
orphaned(void)
{
	struct px_proc *me = px_proc_self();
	struct px_ptab *t = px_ptab();
	int r;

	if (!me || !t)
		return 0;
	px_lock(&t->lock);
	r = px_pgrp_orphaned(me->pgid);
	px_unlock(&t->lock);
	return r;
}

int
px_sig_take(void)
{
	uint64_t p;
	int sig;

	for (;;) {
		poll_events(1);
		if (!(p = *px_sig_word() & ~(blocked & ~KILLSTOP)))
			return 0;
		/* the lowest first: standard ones before real-time ones,
		 * and a real-time signal's instances in order, as Linux */
		sig = __builtin_ctzll(p) + 1;
		if (act[sig].handler != (uint64_t)SIG_IGN &&
		    act[sig].handler != (uint64_t)SIG_DFL) {
			px_sig_dequeue(sig, &taken);
			return sig;
		}
		drop(sig);
		if (act[sig].handler == (uint64_t)SIG_IGN || dfl_ignores(sig))
			continue;
		if (PX_SIGBIT(sig) & STOPS) {
			if (sig == SIGSTOP || !orphaned())
				stop(sig);
			continue;
		}
		px_sig_die(sig);
	}
}

/* ---- the end of a call ------------------------------------------- */

/* Calls Linux never restarts after a handler (they return EINTR). */
static int
restartable(uint64_t n)
{
	switch (n) {
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_rt_sigsuspend:
	case SYS_pause:
	case SYS_rt_sigtimedwait:
	case SYS_select:
	case SYS_pselect6:
	case SYS_poll:
	case SYS_ppoll:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		return 0;
	}
	return 1;
}

static void
seg(uint64_t *cs, uint64_t *ss)
{
	uint16_t c, s;

	__asm__ volatile("movw %%cs, %0; movw %%ss, %1" : "=r"(c), "=r"(s));
	*cs = c;
	*ss = s;
}

/* The context "the call returns r" (again: "make the call again"). */
static void
call_frame(struct xok_frame *f, const struct px_sysctx *c, long r, int again)
{
	memset(f, 0, sizeof(*f));
	f->rbx = c->rbx, f->rbp = c->rbp;
	f->r12 = c->r12, f->r13 = c->r13, f->r14 = c->r14, f->r15 = c->r15;
	if (again) {
		f->rip = (uint64_t)__exos_syscall;
		f->rsp = c->rsp;
		f->rdi = c->n, f->rsi = c->a1, f->rdx = c->a2, f->rcx = c->a3;
		f->r8 = c->a4, f->r9 = c->a5;
	} else {
		f->rip = *(const uint64_t *)c->rsp;
		f->rsp = c->rsp + 8;
		f->rax = (uint64_t)r;
	}
	f->rflags = 0x202;
	seg(&f->cs, &f->ss);
}

static void
run_from_call(const struct px_sysctx *c, long r, int sig, int again)
{
	struct xok_frame f;
	uint8_t fx[PX_SIGFX] __attribute__((aligned(16)));

	call_frame(&f, c, r, again);
	__asm__ volatile("fxsave64 %0" : "=m"(fx));
	px_sig_run(&f, fx, sig, NULL);
}

static int
timer_due(void)
{
	uint64_t d = px_itimer_deadline();

	return d != UINT64_MAX && d <= px_now_ns();
}

PX_HOT int
px_sig_syscall_end(struct px_sysctx *c, long *r)
{
	int sig;

	/* the common case: nothing pending and unblocked, no child died,
	 * no timer armed, not interrupted */
	if (__builtin_expect(((*sigw & ~blocked) | (*chldw ^ chld_seen) |
	    px_itimer_dl | unbound) == 0 && *r != -EINTR, 1))
		return 0;
	if (*r == -EINTR) {
		if (!(sig = px_sig_take())) {
			/* nothing ran: Linux makes the call again (sigsuspend
			 * and pause go on waiting) */
			if (restartable(c->n) || c->n == SYS_rt_sigsuspend ||
			    c->n == SYS_pause)
				return 1;
		} else if (restartable(c->n) &&
		    (act[sig].flags & SA_RESTART))
			run_from_call(c, *r, sig, 1);
		else
			run_from_call(c, *r, sig, 0);
	} else if ((*px_sig_word() & ~blocked) || *chld_word() != chld_seen ||
	    timer_due()) {
		if ((sig = px_sig_take()) != 0)
			run_from_call(c, *r, sig, 0);
	}
	if (mask_saved) {
		blocked = saved_mask;
		mask_saved = 0;
	}
	return 0;
}

/* ---- the calls --------------------------------------------------- */

static int
uok(long p, size_t n)
{
	return (uint64_t)p >= XOK_UVA_MIN && (uint64_t)p < XOK_UVA_END &&
	    n <= XOK_UVA_END - (uint64_t)p;
}

static long
getset(long p, uint64_t *set)
{
	if (!uok(p, 8))
		return -EFAULT;
	return px_copyin(set, (const void *)p, 8);
}

static long
putset(long p, uint64_t set)
{
	if (!uok(p, 8))
		return -EFAULT;
	return px_copyout((void *)p, &set, 8);
}

/* Tell our children (they send SIGCHLD when they stop or continue). */
static void
nocldstop(int on)
{
	struct px_proc *me = px_proc_self();

	if (!me)
		return;
	if (on)
		__atomic_or_fetch(&me->sigflags, PX_SF_NOCLDSTOP,
		    __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&me->sigflags, ~PX_SF_NOCLDSTOP,
		    __ATOMIC_RELAXED);
}

long
px_rt_sigaction(PX_ARGS)
{
	int sig = (int)a1;
	struct px_sigaction nw, old;
	long r;

	PX_UNUSED;
	if (a4 != SIGSETSIZE || a1 < 1 || a1 > PX_NSIG)
		return -EINVAL;
	if (a2 && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a2) {
		if (!uok(a2, sizeof(nw)))
			return -EFAULT;
		if ((r = px_copyin(&nw, (const void *)a2, sizeof(nw))) < 0)
			return r;
	}
	old = act[sig];
	if (a3) {
		if (!uok(a3, sizeof(old)))
			return -EFAULT;
		if ((r = px_copyout((void *)a3, &old, sizeof(old))) < 0)
			return r;
	}
	if (a2) {
		nw.mask &= ~KILLSTOP;
		act[sig] = nw;
		update_ign();
		/* POSIX: ignoring a pending signal discards it */
		if (ign & PX_SIGBIT(sig)) {
			px_sig_flush(PX_SIGBIT(sig));
			unpost(PX_SIGBIT(sig));
		}
		if (sig == SIGCHLD)
			nocldstop(nw.flags & SA_NOCLDSTOP);
	}
	return 0;
}

long
px_rt_sigprocmask(PX_ARGS)
{
	uint64_t set, old = blocked;
	long r;

	PX_UNUSED;
	if (a4 != SIGSETSIZE)
		return -EINVAL;
	if (a2) {
		if ((r = getset(a2, &set)) < 0)
			return r;
		switch (a1) {
		case SIG_BLOCK:
			set |= blocked;
			break;
		case SIG_UNBLOCK:
			set = blocked & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
	}
	if (a3 && (r = putset(a3, old)) < 0)
		return r;
	if (a2)
		px_sig_set_mask(set);
	return 0;
}

long
px_rt_sigpending(PX_ARGS)
{
	PX_UNUSED;
	if ((unsigned long)a2 > SIGSETSIZE)
		return -EINVAL;
	poll_events(1);
	return putset(a1, *px_sig_word() & blocked);
}

long
px_rt_sigsuspend(PX_ARGS)
{
	uint64_t set;
	long r;

	PX_UNUSED;
	if (a2 != SIGSETSIZE)
		return -EINVAL;
	if ((r = getset(a1, &set)) < 0)
		return r;
	if (!mask_saved) {              /* (not when made again) */
		saved_mask = blocked;
		mask_saved = 1;
	}
	px_sig_set_mask(set);
	while ((r = px_block(NULL, NULL, 0, UINT64_MAX)) != -EINTR)
		if (r < 0 && r != -ETIMEDOUT)
			return r;
	return -EINTR;
}

long
px_pause(PX_ARGS)
{
	long r;

	PX_UNUSED;
	while ((r = px_block(NULL, NULL, 0, UINT64_MAX)) != -EINTR)
		if (r < 0 && r != -ETIMEDOUT)
			return r;
	return -EINTR;
}

long
px_rt_sigtimedwait(PX_ARGS)
{
	uint64_t set, p, deadline = UINT64_MAX, seen;
	const volatile uint64_t *w = px_sig_word();
	struct timespec ts;
	siginfo_t si;
	long r;
	int sig;

	PX_UNUSED;
	if (a4 != SIGSETSIZE)
		return -EINVAL;
	if ((r = getset(a1, &set)) < 0)
		return r;
	set &= ~KILLSTOP;
	if (a3) {
		if (!uok(a3, sizeof(ts)))
			return -EFAULT;
		if ((r = px_copyin(&ts, (const void *)a3, sizeof(ts))) < 0)
			return r;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 ||
		    ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		if ((uint64_t)ts.tv_sec < UINT64_MAX / 2000000000u)
			deadline = px_now_ns() + (uint64_t)ts.tv_sec *
			    1000000000u + (uint64_t)ts.tv_nsec;
	}
	for (;;) {
		poll_events(1);
		if ((p = *w & set) != 0) {
			sig = __builtin_ctzll(p) + 1;
			px_sig_dequeue(sig, &si);
			if (a2) {
				if (!uok(a2, sizeof(si)))
					return -EFAULT;
				if ((r = px_copyout((void *)a2, &si,
				    sizeof(si))) < 0)
					return r;
			}
			return sig;
		}
		seen = *w;
		r = px_block(&w, &seen, 1, deadline);
		if (r == -ETIMEDOUT)
			return -EAGAIN;
		if (r < 0)
			return r;
	}
}

static long
self_kill(long sig, int c)
{
	if (sig < 0 || sig > PX_NSIG)
		return -EINVAL;
	if (sig)
		px_sig_post_code((int)sig, c);
	return 0;
}

long
px_tkill(PX_ARGS)
{
	PX_UNUSED;
	if (a1 <= 0)
		return -EINVAL;
	if (a1 != px_gettid(0, 0, 0, 0, 0, 0))
		return -ESRCH;
	return self_kill(a2, SI_TKILL);
}

long
px_tgkill(PX_ARGS)
{
	PX_UNUSED;
	if (a1 <= 0 || a2 <= 0)
		return -EINVAL;
	if (a1 != px_getpid(0, 0, 0, 0, 0, 0) ||
	    a2 != px_gettid(0, 0, 0, 0, 0, 0))
		return -ESRCH;
	return self_kill(a3, SI_TKILL);
}

/* ---- start, fork, exec ------------------------------------------- */

void
px_sig_start(void)
{
	upstack_ok = px_fault_init() == 0;
	bind();
	chld_seen = *chld_word();
	update_ign();
}

void
px_sig_child(void)
{
	pending = 0;            /* (a new table entry starts empty) */
	self_posted = 0;
	taken.si_signo = 0;
	bind();
	chld_seen = *chld_word();
	px_itimer_child();
	px_sigpost_child();
}

/* execve: the mask, the ignored dispositions, the pending signals and
 * the timer survive; caught signals go back to SIG_DFL (the handlers
 * are in the old image).  The upcall entries are unregistered until
 * the new image's px_sig_start registers its own. */
void
px_sig_exec_save(struct px_sig_carry *c)
{
	struct xok_upcalls up;
	int s;

	memset(c, 0, sizeof(*c));
	c->magic = CARRY_MAGIC;
	c->blocked = blocked;
	for (s = 1; s <= PX_NSIG; s++)
		if (act[s].handler == (uint64_t)SIG_IGN)
			c->ignored |= PX_SIGBIT(s);
	c->pending = *px_sig_word();
	c->upstack = upstack_ok;
	nocldstop(0);   /* (execve clears every sa_flags, as Linux) */
	px_itimer_save(&c->it_left, &c->it_interval);
	memset(&up, 0, sizeof(up));
	sys_env_set_upcalls(XOK_SELF, 0, &up);
}

void
px_sig_exec_load(const struct px_sig_carry *c)
{
	int s;

	if (c->magic != CARRY_MAGIC)
		return;
	blocked = c->blocked & ~KILLSTOP;
	for (s = 1; s <= PX_NSIG; s++)
		if (c->ignored & PX_SIGBIT(s))
			act[s].handler = (uint64_t)SIG_IGN;
	/* (the table's entry keeps its own; not looked at here: the
	 * shared region is not ready yet) */
	pending = c->pending;
	upstack_ok = c->upstack != 0;
	px_itimer_load(c->it_left, c->it_interval);
}
