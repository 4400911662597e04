/*
 * sig.h: the inside of the POSIX layer's signals (signal.c,
 * sigframe.c, sigentry.S, itimer.c).  docs/ARCHITECTURE.md, "Signals in
 * the libOS", has the design.  Signal n is bit n-1 of a 64-bit set.
 */
#ifndef EXOS_POSIX_SIGNAL_H
#define EXOS_POSIX_SIGNAL_H

#include <stdint.h>
#include <signal.h>
#include <exos/xok.h>

#define PX_NSIG         64
#define PX_SIGBIT(s)    (1UL << ((s) - 1))
#define PX_SIGFX        512             /* an FXSAVE image */

/* What __exos_syscall (sigentry.S) saves at its entry: the call's
 * number and arguments as they came, the registers the C ABI keeps, and
 * the stack pointer at entry (it points at the return address; the
 * sixth argument is above it).  Enough to return from the call with
 * any value, or to make the same call again, from a signal frame. */
struct px_sysctx {
	uint64_t n, a1, a2, a3, a4, a5;         /* rdi rsi rdx rcx r8 r9 */
	uint64_t rbx, rbp, r12, r13, r14, r15;
	uint64_t rsp;
};

/* The call being made (rt_sigreturn finds its frame from it). */
extern struct px_sysctx *px_sys_cur;
/* At the end of every call (dispatch.c): deliver a signal that is due,
 * making the call return *r or, for SA_RESTART, be made again (then
 * this does not return); 1: make the call again now (a restartable
 * call was interrupted by a signal that ran no handler). */
int px_sig_syscall_end(struct px_sysctx *c, long *r);

/*
 * The critical-section counter.  While it is not 0 no signal is
 * delivered asynchronously (by the epilogue upcall): __exos_syscall
 * raises it for the whole of every call, so the libOS's own data is
 * never seen half-changed by a handler; the signal waits for the end of
 * the call.  Other libOS code running outside a call (the start code,
 * the fault handler) raises it with px_sig_hold/px_sig_release.
 */
extern volatile uint64_t px_sig_depth;
static inline void px_sig_hold(void) { px_sig_depth++; }
static inline void px_sig_release(void) { px_sig_depth--; }

/* While px_sig_nointr is not 0, px_block ignores pending signals (a
 * wait that must finish, such as a lock's). */
extern volatile uint64_t px_sig_nointr;

/* The process's pending-signal word: its process-table entry's
 * sigpending (proc.h), or a word of its own if there is no table. */
volatile uint64_t *px_sig_word(void);
/* Post sig to this process. */
void px_sig_post(int sig);

/* px_block's part: poll the events that become signals (the interval
 * timer, a child's death); 1 if a signal is pending that is neither
 * blocked nor ignored (the wait ends with -EINTR). */
int px_sig_interrupt(void);
/* The set of signals that end a wait (not blocked, not ignored). */
uint64_t px_sig_wakeset(void);
/* The interval timer's deadline, 0 when disarmed (itimer.c; the end of
 * a call looks at it), and the next deadline (UINT64_MAX: none). */
extern uint64_t px_itimer_dl;
uint64_t px_itimer_deadline(void);
/* The word the kernel bumps at each child's death, and the value seen,
 * if a child's death would end a wait now (SIGCHLD caught); else NULL. */
const volatile uint64_t *px_sig_chld_word(uint64_t *seen);

/* itimer.c: SIGALRM due: post it and re-arm the interval; the timer
 * across fork (cleared) and execve (kept). */
void px_itimer_poll(void);
void px_itimer_child(void);
void px_itimer_save(uint64_t *left, uint64_t *interval);
void px_itimer_load(uint64_t left, uint64_t interval);
/* Post sig with a si_code (SI_USER, SI_TKILL, SI_KERNEL...). */
void px_sig_post_code(int sig, int code);
/* The siginfo of a signal being taken (code, our pid if we sent it). */
void px_sig_info(int sig, siginfo_t *si);

/* signal.c: take the next signal to run a handler for, after doing the
 * default actions of the ones before it (ignore, stop, die); 0 if none.
 * The bit is cleared. */
int px_sig_take(void);
/* Its action. */
struct px_sigaction {
	uint64_t handler, flags, restorer, mask;
};
const struct px_sigaction *px_sig_action(int sig);
#define SA_RESTORER_FLAG 0x04000000     /* musl passes it; no public name */
int px_sig_blocked(int sig);
void px_sig_reset(int sig);             /* SA_RESETHAND: back to SIG_DFL */
/* The mask to record in a signal frame (sigsuspend's saved one if it is
 * in force) and the mask while the handler runs. */
uint64_t px_sig_frame_mask(void);
void px_sig_set_mask(uint64_t m);
/* Die of sig (the default action "terminate"). */
void px_sig_die(int sig) __attribute__((noreturn));

/* sigframe.c: run sig's handler from the context f (FPU state fx),
 * with info (NULL: a kill from this process); then, or at once if sig
 * is 0, resume.  Never returns. */
void px_sig_run(struct xok_frame *f, uint8_t *fx, int sig,
    const siginfo_t *info) __attribute__((noreturn));
/* The alternate stack (sigaltstack). */
long px_sig_altstack(const stack_t *ss, stack_t *old, uint64_t sp);

/* sigentry.S */
void px_sig_resume(struct xok_frame *f, const uint8_t *fx)
    __attribute__((noreturn));
extern const char px_sig_resume_end[];
void px_sig_epilogue_entry(void);
void px_sig_async_entry(void);

/* Start code and fork/exec (signal.c). */
void px_sig_start(void);                /* every image, at its start */
void px_sig_child(void);                /* a forked child */
struct px_sig_carry {                   /* what execve keeps */
	uint64_t magic, blocked, ignored, pending, upstack;
	uint64_t it_left, it_interval;  /* the interval timer */
};
void px_sig_exec_save(struct px_sig_carry *c);
void px_sig_exec_load(const struct px_sig_carry *c);  /* (touches no
						   shared memory) */
_Static_assert(sizeof(struct px_sig_carry) <= 128, "exec.c's CARRY_SPACE");
struct px_sig_carry *px_exec_sigcarry(void);    /* exec.c */

/*
 * sigpost.c: what a signal carries.  A signal posted by another process
 * (kill, sigqueue, a child's stop or continue) leaves its siginfo in
 * the target's px_sigq (in the shared region, found from its table
 * entry, proc.h): for signals 1..31 one record, written only when the
 * signal was not pending already (later ones merge into it, as Linux);
 * real-time signals (PX_SIGRT..64) are queued, one entry per sending,
 * delivered in order, at most PX_SIGQ_MAX in all (then sigqueue gets
 * EAGAIN; kill still posts, without its siginfo, as Linux).  Everything
 * in a px_sigq changes under the process table's lock.
 */
#define PX_SIGRT        32
#define PX_SIGQ_MAX     128
struct px_sigrec {
	int32_t pid, code;
	uint64_t value;         /* si_value; SIGCHLD: si_status */
};
struct px_sigqent {
	int32_t sig, pid, code, pad;
	uint64_t value;
};
struct px_sigq {
	struct px_sigrec std[PX_SIGRT];         /* [sig] */
	uint32_t n, pad;
	struct px_sigqent q[PX_SIGQ_MAX];       /* oldest first */
};
_Static_assert(sizeof(struct px_sigq) <= 4096, "one page");
struct px_proc;
/* Post sig to p with its siginfo (the table's lock held; p may be us):
 * 0, or -EAGAIN if a real-time signal cannot be queued and code is not
 * SI_USER. */
long px_sig_send(struct px_proc *p, int sig, int code, int32_t pid,
    uint64_t value);
/* Take one instance of our pending signal sig: its siginfo into si;
 * the pending bit is cleared unless more instances are queued. */
void px_sig_dequeue(int sig, siginfo_t *si);
/* Forget our queued instances of the signals in set (now ignored). */
void px_sig_flush(uint64_t set);
/* A reaped entry: give its px_sigq back (the table's lock held). */
void px_sigq_free(struct px_proc *p);
/* SIGCHLD for a child's death: the siginfo of the first death not yet
 * told (a child still in the table, or one wait4 reaped before the
 * signal was taken: px_sig_reaped). */
void px_sig_chld_info(siginfo_t *si);
void px_sig_reaped(int32_t pid, int wstatus);   /* pxwait.c */
void px_sigpost_child(void);                    /* a forked child */
/* pxwait.c: the wait status of a dead entry, without reaping it. */
int px_wait_peek(const struct px_proc *q);
/* Orphaned process groups (POSIX): 1 if no living member of pgid has a
 * living parent in another group of the same session (pid 1 does not
 * count, as in Linux); the table's lock held.  Around the recording of
 * p's death (before: its children not yet given away): SIGHUP then
 * SIGCONT to every member of each group its death orphans (its own,
 * its children's) that has a stopped member. */
int px_pgrp_orphaned(int32_t pgid);
struct px_orphans {
	int n;
	int32_t pgid[16];
	uint8_t was[16];
};
void px_pgrp_before_exit(const struct px_proc *p, struct px_orphans *o);
void px_pgrp_after_exit(const struct px_orphans *o);

/* fork.c's px_fault_init (posix.h) registers the upcall stack, the
 * fault entry and px_sig_epilogue_entry. */

/* The fault handler's part (fork.c's px_fault): a fault the libOS does
 * not handle; 1 if it became a signal for a handler (f now runs it). */
int px_sig_fault(struct xok_frame *f, uint8_t *fx);

#endif
