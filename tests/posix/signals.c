/*
 * signals.c: signals, alarm/setitimer and EINTR, built with exos-cc for
 * ExOS (tests/guest/signals.sh runs it under scripts/exos-run) and with
 * the host's gcc for Linux, where it must pass the same checks.
 *   signals SELF      SELF: a path execve can run this program by
 *   signals exec-child  (what the exec check runs)
 * Checks: handlers for kill to oneself and raise, before the call
 * returns; SA_SIGINFO's fields; masks, sigpending, delivery when
 * unblocked; sigsuspend; SA_RESETHAND, SA_NODEFER; sigaltstack;
 * sigtimedwait; EINTR from nanosleep (with rem) and wait4 by SIGALRM;
 * SA_RESTART restarting wait4; a compute loop interrupted by an
 * interval timer (asynchronous delivery); SIGSEGV (NULL write: si_addr,
 * si_code; longjmp out; a handler that fixes the page and returns);
 * SIGFPE from a division by zero; deaths by default action seen by
 * wait; SIGCHLD on a child's exit; SIGCHLD ignored (no zombie); execve
 * resets caught signals and keeps ignored ones and the mask; EINVAL and
 * EFAULT.  Between processes: kill to a child waiting in pause and to
 * one computing; deaths by SIGTERM, SIGABRT, SIGKILL; SIGSTOP and
 * SIGCONT seen by waitpid(WUNTRACED, WCONTINUED); fork inherits the
 * handlers and the mask but not the pending signals.
 * Session 6: si_pid/si_uid/SI_USER of a kill from another process;
 * SIGCHLD's si_pid, si_status, si_code (CLD_EXITED, KILLED, STOPPED,
 * CONTINUED) for a death, a stop, a continue, and for a child waitpid
 * reaped before the signal was taken; SA_NOCLDSTOP; SA_NOCLDWAIT with a
 * handler; SIGCHLD ignored (wait blocks, then ECHILD); real-time
 * signals queued with their values, in order (lowest signal first),
 * from ourselves and from a child, a bounded queue (EAGAIN), SIG_IGN
 * discarding it, rt_sigqueueinfo's EPERM/EFAULT/ESRCH; orphaned process
 * groups (SIGTSTP/TTIN/TTOU do not stop them; SIGHUP+SIGCONT to a newly
 * orphaned group with a stopped member).
 */
#define _GNU_SOURCE
#define PTEST_SUITE "signals"
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "ptest.h"

static volatile sig_atomic_t hits[65];
static volatile int last_code, last_pid, last_signo;
static void *volatile last_addr;
static volatile int nested_blocked;
static volatile uintptr_t handler_sp;
static sigjmp_buf jb;
static volatile int *volatile bad16 = (volatile int *)16;
static volatile int *volatile bad8 = (volatile int *)8;

static void
count(int sig)
{
	hits[sig]++;
}

static void
info_handler(int sig, siginfo_t *si, void *uc)
{
	hits[sig]++;
	last_signo = si->si_signo;
	last_code = si->si_code;
	last_pid = si->si_pid;
	(void)uc;
}

static void
mask_probe(int sig)
{
	sigset_t m;

	hits[sig]++;
	sigprocmask(SIG_BLOCK, NULL, &m);
	nested_blocked = sigismember(&m, sig);
}

static void
sp_probe(int sig)
{
	volatile char here;

	hits[sig]++;
	handler_sp = (uintptr_t)&here;
}

static void
jump_out(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits[sig]++;
	last_code = si->si_code;
	last_addr = si->si_addr;
	siglongjmp(jb, sig);
}

static void
on(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void
on_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void
timer_ms(long ms)
{
	struct itimerval v;

	memset(&v, 0, sizeof(v));
	v.it_value.tv_sec = ms / 1000;
	v.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &v, NULL);
}

static void
basic(void)
{
	sigset_t m, p;

	on(SIGUSR1, count, 0);
	hits[SIGUSR1] = 0;
	EXPECT_RET("kill to self returns 0", kill(getpid(), SIGUSR1), 0);
	EXPECT("kill: the handler ran before kill returned",
	    hits[SIGUSR1] == 1);
	on(SIGUSR2, count, 0);
	raise(SIGUSR2);
	EXPECT("raise: the handler ran", hits[SIGUSR2] == 1);

	on_info(SIGUSR1, info_handler, 0);
	kill(getpid(), SIGUSR1);
	EXPECT("SA_SIGINFO: si_signo", last_signo == SIGUSR1);
	EXPECT("SA_SIGINFO: kill gives SI_USER", last_code == SI_USER);
	EXPECT("SA_SIGINFO: si_pid is ours", last_pid == getpid());
	raise(SIGUSR1);
	EXPECT("SA_SIGINFO: raise gives SI_TKILL", last_code == SI_TKILL);

	/* masks and pending */
	on(SIGUSR1, count, 0);
	hits[SIGUSR1] = 0;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, NULL);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	EXPECT("blocked: not delivered", hits[SIGUSR1] == 0);
	sigpending(&p);
	EXPECT("sigpending shows it", sigismember(&p, SIGUSR1) == 1);
	EXPECT("sigpending: nothing else", sigismember(&p, SIGUSR2) == 0);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	EXPECT("unblocked: delivered once, at once", hits[SIGUSR1] == 1);
	sigpending(&p);
	EXPECT("no longer pending", sigismember(&p, SIGUSR1) == 0);

	/* ignoring a pending signal discards it */
	sigprocmask(SIG_BLOCK, &m, NULL);
	kill(getpid(), SIGUSR1);
	on(SIGUSR1, SIG_IGN, 0);
	sigpending(&p);
	EXPECT("SIG_IGN discards the pending signal",
	    sigismember(&p, SIGUSR1) == 0);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	kill(getpid(), SIGUSR1);
	EXPECT("SIG_IGN: kill does nothing", hits[SIGUSR1] == 1);
	/* SIGCHLD, SIGURG, SIGWINCH are ignored by default */
	on(SIGWINCH, SIG_DFL, 0);
	EXPECT_RET("SIGWINCH by default: nothing", raise(SIGWINCH), 0);

	/* SA_NODEFER, the default mask in a handler */
	on(SIGUSR2, mask_probe, 0);
	raise(SIGUSR2);
	EXPECT("a handler runs with its signal blocked", nested_blocked == 1);
	on(SIGUSR2, mask_probe, SA_NODEFER);
	raise(SIGUSR2);
	EXPECT("SA_NODEFER: not blocked in the handler", nested_blocked == 0);
	sigprocmask(SIG_BLOCK, NULL, &p);
	EXPECT("the mask is back after the handler",
	    sigismember(&p, SIGUSR2) == 0);

	/* SA_RESETHAND */
	{
		struct sigaction old;

		hits[SIGUSR2] = 0;
		on(SIGUSR2, count, SA_RESETHAND);
		raise(SIGUSR2);
		sigaction(SIGUSR2, NULL, &old);
		EXPECT("SA_RESETHAND: ran once, then SIG_DFL",
		    hits[SIGUSR2] == 1 && old.sa_handler == SIG_DFL);
	}
}

static void
altstack(void)
{
	static char stk[65536];
	stack_t ss, old;

	ss.ss_sp = stk;
	ss.ss_size = sizeof(stk);
	ss.ss_flags = 0;
	EXPECT_RET("sigaltstack", sigaltstack(&ss, &old), 0);
	EXPECT("sigaltstack: none before", old.ss_flags & SS_DISABLE);
	on(SIGUSR1, sp_probe, SA_ONSTACK);
	raise(SIGUSR1);
	EXPECT("SA_ONSTACK: the handler ran on the alternate stack",
	    handler_sp > (uintptr_t)stk &&
	    handler_sp < (uintptr_t)stk + sizeof(stk));
	on(SIGUSR1, sp_probe, 0);
	raise(SIGUSR1);
	EXPECT("without SA_ONSTACK: the ordinary stack",
	    !(handler_sp > (uintptr_t)stk &&
	    handler_sp < (uintptr_t)stk + sizeof(stk)));
	ss.ss_size = 100;
	EXPECT_ERR("sigaltstack: too small", sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_flags = SS_DISABLE;
	EXPECT_RET("sigaltstack: disable", sigaltstack(&ss, NULL), 0);
}

static void
waiting(void)
{
	sigset_t m, old, empty;
	struct timespec ts = { 3, 0 }, rem = { 0, 0 };
	siginfo_t si;
	pid_t pid;
	int st;

	/* sigsuspend: SIGALRM blocked until sigsuspend lets it in */
	on(SIGALRM, count, 0);
	hits[SIGALRM] = 0;
	sigemptyset(&m);
	sigaddset(&m, SIGALRM);
	sigprocmask(SIG_BLOCK, &m, &old);
	timer_ms(50);
	sigemptyset(&empty);
	EXPECT_ERR("sigsuspend returns EINTR", sigsuspend(&empty), EINTR);
	EXPECT("sigsuspend: the handler ran", hits[SIGALRM] == 1);
	sigprocmask(SIG_BLOCK, NULL, &old);
	EXPECT("sigsuspend: the mask is restored",
	    sigismember(&old, SIGALRM) == 1);

	/* sigtimedwait takes a blocked signal without a handler */
	raise(SIGALRM);
	EXPECT_RET("sigtimedwait takes the pending signal",
	    sigtimedwait(&m, &si, &(struct timespec){ 1, 0 }), SIGALRM);
	EXPECT("sigtimedwait: si_signo", si.si_signo == SIGALRM);
	EXPECT("sigtimedwait: the handler did not run", hits[SIGALRM] == 1);
	EXPECT_ERR("sigtimedwait: timeout EAGAIN", sigtimedwait(&m, &si,
	    &(struct timespec){ 0, 20000000 }), EAGAIN);
	sigprocmask(SIG_UNBLOCK, &m, NULL);

	/* nanosleep interrupted, with the time left */
	timer_ms(100);
	EXPECT_ERR("nanosleep: EINTR by SIGALRM", nanosleep(&ts, &rem), EINTR);
	EXPECT("nanosleep: the handler ran", hits[SIGALRM] == 2);
	EXPECT("nanosleep: rem is the time left (2..3 s)",
	    rem.tv_sec >= 2 && rem.tv_sec < 3);

	/* alarm */
	EXPECT_RET("alarm: none before", alarm(5), 0);
	EXPECT_RET("alarm: 5 s left", alarm(0), 5);

	/* wait4: EINTR without SA_RESTART; restarted with it */
	pid = fork();
	if (pid == 0) {
		nanosleep(&(struct timespec){ 0, 400000000 }, NULL);
		_exit(7);
	}
	timer_ms(100);
	EXPECT_ERR("waitpid: EINTR by SIGALRM", waitpid(pid, &st, 0), EINTR);
	EXPECT("waitpid: the handler ran", hits[SIGALRM] == 3);
	EXPECT_RET("waitpid after EINTR reaps the child", waitpid(pid, &st, 0),
	    pid);
	EXPECT("the child's status", WIFEXITED(st) && WEXITSTATUS(st) == 7);

	on(SIGALRM, count, SA_RESTART);
	pid = fork();
	if (pid == 0) {
		nanosleep(&(struct timespec){ 0, 400000000 }, NULL);
		_exit(8);
	}
	timer_ms(100);
	EXPECT_RET("SA_RESTART: waitpid restarted, returns the pid",
	    waitpid(pid, &st, 0), pid);
	EXPECT("SA_RESTART: the handler ran", hits[SIGALRM] == 4);
	EXPECT("SA_RESTART: the child's status",
	    WIFEXITED(st) && WEXITSTATUS(st) == 8);
	on(SIGALRM, SIG_DFL, 0);
}

static void
async(void)
{
	volatile unsigned long n = 0;
	struct itimerval v, g;

	/* a loop that makes no call: only an asynchronous delivery (the
	 * end of a time slice) can stop it */
	on(SIGALRM, count, 0);
	hits[SIGALRM] = 0;
	memset(&v, 0, sizeof(v));
	v.it_value.tv_usec = 30000;
	v.it_interval.tv_usec = 30000;
	EXPECT_RET("setitimer: interval 30 ms", setitimer(ITIMER_REAL, &v,
	    NULL), 0);
	getitimer(ITIMER_REAL, &g);
	EXPECT("getitimer: armed, interval kept", g.it_interval.tv_usec ==
	    30000 && g.it_value.tv_sec == 0 && g.it_value.tv_usec > 0);
	while (hits[SIGALRM] < 3 && n < 4000000000UL)
		n++;
	timer_ms(0);
	EXPECT("a compute loop is interrupted by SIGALRM, three times",
	    hits[SIGALRM] >= 3);
	getitimer(ITIMER_REAL, &g);
	EXPECT("setitimer 0 disarms", g.it_value.tv_sec == 0 &&
	    g.it_value.tv_usec == 0);
	EXPECT_ERR("setitimer: bad usec EINVAL", setitimer(ITIMER_REAL,
	    &(struct itimerval){ { 0, 0 }, { 0, 1000000 } }, NULL), EINVAL);
	on(SIGALRM, SIG_DFL, 0);
}

static volatile int fixed;
static volatile char *fixpage;

static void
fix_page(int sig)
{
	hits[sig]++;
	mprotect((void *)fixpage, 4096, PROT_READ | PROT_WRITE);
	fixed = 1;
}

static void
faults(void)
{
	volatile int zero = 0, seven = 7, r = 0;
	int sig;

	on_info(SIGSEGV, jump_out, 0);
	if ((sig = sigsetjmp(jb, 1)) == 0) {
		*bad16 = 1;
		EXPECT("SIGSEGV: not reached", 0);
	}
	EXPECT("SIGSEGV: handler ran, longjmp out", sig == SIGSEGV &&
	    hits[SIGSEGV] == 1);
	EXPECT("SIGSEGV: si_addr is the address", last_addr == (void *)16);
	EXPECT("SIGSEGV: SEGV_MAPERR", last_code == SEGV_MAPERR);
	{
		sigset_t m;

		sigprocmask(SIG_BLOCK, NULL, &m);
		EXPECT("siglongjmp restored the mask",
		    sigismember(&m, SIGSEGV) == 0);
	}
	/* again: the handler still works after a longjmp */
	if ((sig = sigsetjmp(jb, 1)) == 0)
		*bad16 = 1;
	EXPECT("SIGSEGV a second time", hits[SIGSEGV] == 2);

	on_info(SIGFPE, jump_out, 0);
	if ((sig = sigsetjmp(jb, 1)) == 0) {
		r = seven / zero;
		EXPECT("SIGFPE: not reached", 0);
	}
	EXPECT("SIGFPE: division by zero", sig == SIGFPE && r == 0);
	EXPECT("SIGFPE: FPE_INTDIV", last_code == FPE_INTDIV);

	/* a handler that returns re-runs the instruction */
	fixpage = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	    0);
	on(SIGSEGV, fix_page, 0);
	fixpage[10] = 42;
	EXPECT("SIGSEGV: the handler fixed the page, the write was redone",
	    fixed == 1 && fixpage[10] == 42);
	on(SIGSEGV, SIG_DFL, 0);
	on(SIGFPE, SIG_DFL, 0);
}

static void
deaths(void)
{
	static const int sigs[] = { SIGSEGV, SIGFPE, SIGILL, SIGTRAP };
	char what[80];
	unsigned i;
	pid_t pid;
	int st;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid = fork();
		if (pid == 0) {
			raise(sigs[i]);
			_exit(99);
		}
		st = 0;
		waitpid(pid, &st, 0);
		snprintf(what, sizeof(what), "raise(%d) with no handler: "
		    "WIFSIGNALED, WTERMSIG %d", sigs[i], sigs[i]);
		EXPECT(what, WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]);
	}
	/* a blocked fault signal still kills */
	pid = fork();
	if (pid == 0) {
		sigset_t m;

		on(SIGSEGV, count, 0);
		sigemptyset(&m);
		sigaddset(&m, SIGSEGV);
		sigprocmask(SIG_BLOCK, &m, NULL);
		*bad8 = 1;
		_exit(99);
	}
	waitpid(pid, &st, 0);
	EXPECT("a fault with its signal blocked kills",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

static void
children(void)
{
	sigset_t m, old, empty;
	pid_t pid;
	int st;

	on(SIGCHLD, count, 0);
	hits[SIGCHLD] = 0;
	sigemptyset(&m);
	sigaddset(&m, SIGCHLD);
	sigprocmask(SIG_BLOCK, &m, &old);
	pid = fork();
	if (pid == 0)
		_exit(0);
	sigemptyset(&empty);
	while (hits[SIGCHLD] == 0)
		sigsuspend(&empty);
	EXPECT("SIGCHLD on a child's exit", hits[SIGCHLD] == 1);
	EXPECT_RET("then waitpid reaps it", waitpid(pid, &st, 0), pid);
	sigprocmask(SIG_SETMASK, &old, NULL);

	on(SIGCHLD, SIG_IGN, 0);
	pid = fork();
	if (pid == 0)
		_exit(0);
	nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
	EXPECT_ERR("SIGCHLD ignored: no zombie, waitpid ECHILD",
	    waitpid(pid, &st, 0), ECHILD);
	on(SIGCHLD, SIG_DFL, 0);
}

static void
errors(void)
{
	struct sigaction sa;
	unsigned long set = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count;
	EXPECT_ERR("sigaction(SIGKILL) EINVAL", sigaction(SIGKILL, &sa, NULL),
	    EINVAL);
	EXPECT_ERR("sigaction(SIGSTOP) EINVAL", sigaction(SIGSTOP, &sa, NULL),
	    EINVAL);
	EXPECT_RET("sigaction(SIGKILL) query is fine",
	    sigaction(SIGKILL, NULL, &sa), 0);
	/* straight to the kernel (libOS), past libc's own checks */
	EXPECT_ERR("rt_sigaction(0) EINVAL", syscall(SYS_rt_sigaction, 0,
	    NULL, NULL, 8), EINVAL);
	EXPECT_ERR("rt_sigaction(65) EINVAL", syscall(SYS_rt_sigaction, 65,
	    NULL, NULL, 8), EINVAL);
	EXPECT_ERR("rt_sigaction: sigsetsize 4 EINVAL",
	    syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL);
	EXPECT_ERR("rt_sigaction: bad act pointer EFAULT",
	    syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8), EFAULT);
	EXPECT_ERR("rt_sigaction: bad oldact pointer EFAULT",
	    syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void *)8, 8), EFAULT);
	EXPECT_ERR("rt_sigprocmask: bad how EINVAL",
	    syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL);
	EXPECT_ERR("rt_sigprocmask: bad set pointer EFAULT",
	    syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8), EFAULT);
	EXPECT_ERR("kill: signal 65 EINVAL", kill(getpid(), 65), EINVAL);
	EXPECT_RET("kill: signal 0 probes", kill(getpid(), 0), 0);
	EXPECT_ERR("tgkill: tid 0 EINVAL", syscall(SYS_tgkill, getpid(), 0,
	    SIGUSR1), EINVAL);
	EXPECT_ERR("getitimer: bad which EINVAL", getitimer(7,
	    &(struct itimerval){ { 0, 0 }, { 0, 0 } }), EINVAL);
	/* SIGKILL and SIGSTOP cannot be blocked */
	{
		sigset_t m, got;

		sigfillset(&m);
		sigprocmask(SIG_SETMASK, &m, &got);
		sigprocmask(SIG_SETMASK, &got, &m);
		EXPECT("SIGKILL cannot be blocked",
		    sigismember(&m, SIGKILL) == 0 &&
		    sigismember(&m, SIGSTOP) == 0);
	}
}


static volatile sig_atomic_t got_usr1;

static void
set_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void
spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

static void
between(void)
{
	sigset_t m, p;
	pid_t pid;
	int st;

	/* a child waiting in pause, with the handler it inherited */
	on(SIGUSR1, set_usr1, 0);
	pid = fork();
	if (pid == 0) {
		while (!got_usr1)
			pause();
		_exit(5);
	}
	nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	EXPECT_RET("kill to a child", kill(pid, SIGUSR1), 0);
	st = 0;
	waitpid(pid, &st, 0);
	EXPECT("the child's inherited handler ran, pause returned",
	    WIFEXITED(st) && WEXITSTATUS(st) == 5);
	on(SIGUSR1, SIG_DFL, 0);

	/* a computing child (no calls): SIGTERM's default action */
	pid = fork();
	if (pid == 0)
		spin();
	nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	kill(pid, SIGTERM);
	st = 0;
	waitpid(pid, &st, 0);
	EXPECT("SIGTERM kills a computing child: WTERMSIG SIGTERM",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

	/* stop, continue, kill */
	pid = fork();
	if (pid == 0)
		spin();
	nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	kill(pid, SIGSTOP);
	st = 0;
	EXPECT_RET("waitpid(WUNTRACED) sees the stop",
	    waitpid(pid, &st, WUNTRACED), pid);
	EXPECT("WIFSTOPPED, WSTOPSIG SIGSTOP",
	    WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	kill(pid, SIGCONT);
	st = 0;
	EXPECT_RET("waitpid(WCONTINUED) sees the continue",
	    waitpid(pid, &st, WCONTINUED), pid);
	EXPECT("WIFCONTINUED", WIFCONTINUED(st));
	kill(pid, SIGKILL);
	st = 0;
	waitpid(pid, &st, 0);
	EXPECT("SIGKILL: WTERMSIG SIGKILL",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	/* deaths by default action of signals no fault stands for */
	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(99);
	}
	waitpid(pid, &st, 0);
	EXPECT("raise(SIGTERM): WTERMSIG SIGTERM",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	pid = fork();
	if (pid == 0)
		abort();
	waitpid(pid, &st, 0);
	EXPECT("abort: WTERMSIG SIGABRT",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	pid = fork();
	if (pid == 0) {
		alarm(1);
		for (;;)
			pause();
	}
	waitpid(pid, &st, 0);
	EXPECT("alarm with no handler: WTERMSIG SIGALRM",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);

	/* fork: mask inherited, pending not */
	on(SIGUSR2, count, 0);
	hits[SIGUSR2] = 0;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	raise(SIGUSR2);
	pid = fork();
	if (pid == 0) {
		sigpending(&p);
		sigprocmask(SIG_BLOCK, NULL, &m);
		_exit((sigismember(&p, SIGUSR2) ? 1 : 0) |
		    (sigismember(&m, SIGUSR2) ? 0 : 2));
	}
	waitpid(pid, &st, 0);
	EXPECT("fork: the child has the mask, not the pending signal",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
	EXPECT("the parent's pending signal is delivered when unblocked",
	    hits[SIGUSR2] == 1);
	on(SIGUSR2, SIG_DFL, 0);
}

/* ---- session 6: siginfo between processes, SIGCHLD's, real-time
 * queues, SA_NOCLDSTOP / SA_NOCLDWAIT, orphaned process groups ---- */

static volatile int ci_n, ci_pid, ci_code, ci_status, ci_uid;
static volatile long ci_utime;

static void
chld_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	ci_n++;
	ci_pid = si->si_pid;
	ci_code = si->si_code;
	ci_status = si->si_status;
	ci_uid = (int)si->si_uid;
	ci_utime = (long)si->si_utime;
}

static volatile int u_n, u_pid, u_code, u_uid;

static void
usr_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	u_n++;
	u_pid = si->si_pid;
	u_code = si->si_code;
	u_uid = (int)si->si_uid;
}

static void
block1(int sig, sigset_t *old)
{
	sigset_t m;

	sigemptyset(&m);
	sigaddset(&m, sig);
	sigprocmask(SIG_BLOCK, &m, old);
}

/* Wait up to 2 s for the SIGCHLD handler to have run n times (Linux
 * sends a continue's SIGCHLD when the child runs again, which may be
 * after the parent's waitpid(WCONTINUED) has returned). */
static void
chld_wait(int n)
{
	int i;

	for (i = 0; i < 200 && ci_n < n; i++)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
}

static void
siginfo_between(void)
{
	sigset_t old, empty;
	pid_t pid;
	int st;

	sigemptyset(&empty);
	/* kill from another process: SI_USER, the sender's pid and uid */
	on_info(SIGUSR1, usr_info, 0);
	block1(SIGUSR1, &old);
	u_n = 0;
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	while (u_n == 0)
		sigsuspend(&empty);
	EXPECT("kill from a child: si_pid is the child's pid", u_pid == pid);
	EXPECT("kill from a child: si_uid is its uid",
	    u_uid == (int)getuid());
	EXPECT("kill from a child: si_code SI_USER", u_code == SI_USER);
	waitpid(pid, &st, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	on(SIGUSR1, SIG_DFL, 0);

	/* SIGCHLD: a child's exit */
	on_info(SIGCHLD, chld_info, 0);
	block1(SIGCHLD, &old);
	ci_n = 0;
	pid = fork();
	if (pid == 0)
		_exit(42);
	while (ci_n == 0)
		sigsuspend(&empty);
	EXPECT("SIGCHLD: si_pid is the child's", ci_pid == pid);
	EXPECT("SIGCHLD: si_code CLD_EXITED", ci_code == CLD_EXITED);
	EXPECT("SIGCHLD: si_status is the exit code", ci_status == 42);
	EXPECT("SIGCHLD: si_uid is the child's uid",
	    ci_uid == (int)getuid());
	EXPECT("SIGCHLD: si_utime is a time (>= 0)", ci_utime >= 0);
	EXPECT_RET("SIGCHLD: then waitpid reaps it", waitpid(pid, &st, 0),
	    pid);

	/* a child killed by a signal */
	ci_n = 0;
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGTERM);
	while (ci_n == 0)
		sigsuspend(&empty);
	EXPECT("SIGCHLD of a death by SIGTERM: si_pid", ci_pid == pid);
	EXPECT("SIGCHLD: si_code CLD_KILLED", ci_code == CLD_KILLED);
	EXPECT("SIGCHLD: si_status SIGTERM", ci_status == SIGTERM);
	waitpid(pid, &st, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* reaped by waitpid before the signal is taken: the handler has
	 * run, with this child's siginfo, when waitpid returns */
	ci_n = 0;
	pid = fork();
	if (pid == 0)
		_exit(9);
	EXPECT_RET("waitpid of a child while SIGCHLD is caught",
	    waitpid(pid, &st, 0), pid);
	EXPECT("SIGCHLD ran once by waitpid's return", ci_n == 1);
	EXPECT("... with the reaped child's si_pid and si_status",
	    ci_pid == pid && ci_status == 9 && ci_code == CLD_EXITED);

	/* stop and continue: CLD_STOPPED, CLD_CONTINUED */
	ci_n = 0;
	pid = fork();
	if (pid == 0)
		spin();
	kill(pid, SIGSTOP);
	EXPECT_RET("waitpid(WUNTRACED) sees the stop",
	    waitpid(pid, &st, WUNTRACED), pid);
	chld_wait(1);
	EXPECT("SIGCHLD for the stop", ci_n == 1);
	EXPECT("... si_code CLD_STOPPED, si_status SIGSTOP, si_pid",
	    ci_code == CLD_STOPPED && ci_status == SIGSTOP && ci_pid == pid);
	kill(pid, SIGCONT);
	EXPECT_RET("waitpid(WCONTINUED) sees the continue",
	    waitpid(pid, &st, WCONTINUED), pid);
	chld_wait(2);
	EXPECT("SIGCHLD for the continue", ci_n == 2);
	EXPECT("... si_code CLD_CONTINUED, si_status SIGCONT",
	    ci_code == CLD_CONTINUED && ci_status == SIGCONT && ci_pid == pid);

	/* SA_NOCLDSTOP: no SIGCHLD for a stop or a continue; wait sees
	 * them; the death still sends it */
	on_info(SIGCHLD, chld_info, SA_NOCLDSTOP);
	ci_n = 0;
	kill(pid, SIGSTOP);
	EXPECT_RET("SA_NOCLDSTOP: waitpid(WUNTRACED) still sees the stop",
	    waitpid(pid, &st, WUNTRACED), pid);
	EXPECT("SA_NOCLDSTOP: WIFSTOPPED", WIFSTOPPED(st));
	kill(pid, SIGCONT);
	EXPECT_RET("SA_NOCLDSTOP: waitpid(WCONTINUED) still sees the "
	    "continue", waitpid(pid, &st, WCONTINUED), pid);
	nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
	EXPECT("SA_NOCLDSTOP: no SIGCHLD for the stop and the continue",
	    ci_n == 0);
	kill(pid, SIGKILL);
	EXPECT_RET("SA_NOCLDSTOP: the SIGKILLed child is reaped",
	    waitpid(pid, &st, 0), pid);
	chld_wait(1);
	EXPECT("SA_NOCLDSTOP: its death sends SIGCHLD (CLD_KILLED, SIGKILL)",
	    ci_n == 1 && ci_code == CLD_KILLED && ci_status == SIGKILL &&
	    ci_pid == pid);

	/* SA_NOCLDWAIT with a handler: SIGCHLD comes (Linux), with the
	 * siginfo, and no zombie is left */
	on_info(SIGCHLD, chld_info, SA_NOCLDWAIT);
	block1(SIGCHLD, &old);
	ci_n = 0;
	pid = fork();
	if (pid == 0)
		_exit(3);
	while (ci_n == 0)
		sigsuspend(&empty);
	EXPECT("SA_NOCLDWAIT: SIGCHLD with si_pid and si_status",
	    ci_pid == pid && ci_status == 3 && ci_code == CLD_EXITED);
	sigprocmask(SIG_SETMASK, &old, NULL);
	EXPECT_ERR("SA_NOCLDWAIT: no zombie, waitpid ECHILD",
	    waitpid(pid, &st, 0), ECHILD);

	/* SIGCHLD ignored: a wait for a living child blocks until it has
	 * gone, then ECHILD */
	on(SIGCHLD, SIG_IGN, 0);
	pid = fork();
	if (pid == 0) {
		nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
		_exit(0);
	}
	EXPECT_ERR("SIGCHLD ignored: waitpid waits, then ECHILD",
	    waitpid(pid, &st, 0), ECHILD);
	EXPECT_ERR("SIGCHLD ignored: the child is gone (kill ESRCH)",
	    kill(pid, 0), ESRCH);
	on(SIGCHLD, SIG_DFL, 0);
}

static volatile int rt_n, rt_sig[8], rt_val[8], rt_code[8], rt_pid[8];

static void
rt_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (rt_n < 8) {
		rt_sig[rt_n] = sig;
		rt_val[rt_n] = si->si_value.sival_int;
		rt_code[rt_n] = si->si_code;
		rt_pid[rt_n] = si->si_pid;
	}
	rt_n++;
}

static int
qv(pid_t pid, int sig, int v)
{
	union sigval sv;

	sv.sival_int = v;
	return sigqueue(pid, sig, sv);
}

static void
realtime(void)
{
	sigset_t m, old, p;
	siginfo_t si;
	struct timespec z = { 0, 0 };
	int i, st, ok, r, e, n;
	pid_t pid;

	/* a handler, at once: SI_QUEUE, the value, our pid */
	on_info(SIGRTMIN, rt_info, 0);
	rt_n = 0;
	EXPECT_RET("sigqueue to ourselves", qv(getpid(), SIGRTMIN, 5), 0);
	EXPECT("sigqueue: the handler ran before it returned", rt_n == 1);
	EXPECT("sigqueue: si_code SI_QUEUE, si_value, si_pid",
	    rt_code[0] == SI_QUEUE && rt_val[0] == 5 &&
	    rt_pid[0] == getpid());

	/* blocked: every instance is queued, delivered one by one in order */
	sigemptyset(&m);
	sigaddset(&m, SIGRTMIN);
	sigaddset(&m, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &m, &old);
	rt_n = 0;
	qv(getpid(), SIGRTMIN, 1);
	qv(getpid(), SIGRTMIN, 2);
	qv(getpid(), SIGRTMIN, 3);
	sigpending(&p);
	EXPECT("queued real-time signal: pending", sigismember(&p, SIGRTMIN));
	sigprocmask(SIG_SETMASK, &old, NULL);
	EXPECT("three instances, three handler runs", rt_n == 3);
	EXPECT("... in the order sent", rt_val[0] == 1 && rt_val[1] == 2 &&
	    rt_val[2] == 3);
	sigpending(&p);
	EXPECT("none left pending", !sigismember(&p, SIGRTMIN));

	/* the lowest signal first, each one's instances in order (taken
	 * with sigtimedwait), kill's instance SI_USER */
	sigprocmask(SIG_BLOCK, &m, &old);
	qv(getpid(), SIGRTMIN + 1, 10);
	qv(getpid(), SIGRTMIN, 20);
	qv(getpid(), SIGRTMIN + 1, 11);
	kill(getpid(), SIGRTMIN);
	qv(getpid(), SIGRTMIN, 21);
	ok = 1;
	{
		static const int want_sig[5] = { 0, 0, 0, 1, 1 };
		static const int want_val[5] = { 20, -1, 21, 10, 11 };

		for (i = 0; i < 5; i++) {
			memset(&si, 0, sizeof(si));
			r = sigtimedwait(&m, &si, &z);
			if (r != SIGRTMIN + want_sig[i])
				ok = 0;
			else if (want_val[i] < 0 ? si.si_code != SI_USER ||
			    si.si_pid != getpid() :
			    si.si_code != SI_QUEUE ||
			    si.si_value.sival_int != want_val[i])
				ok = 0;
		}
	}
	EXPECT("real-time order: SIGRTMIN 20, kill, 21, then SIGRTMIN+1 "
	    "10, 11", ok);
	EXPECT_ERR("then nothing is pending (EAGAIN)", sigtimedwait(&m, &si,
	    &z), EAGAIN);

	/* from another process: its pid, values in order */
	pid = fork();
	if (pid == 0) {
		qv(getppid(), SIGRTMIN + 1, 100);
		qv(getppid(), SIGRTMIN + 1, 101);
		qv(getppid(), SIGRTMIN + 1, 102);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	ok = 1;
	for (i = 0; i < 3; i++)
		if (sigtimedwait(&m, &si, &z) != SIGRTMIN + 1 ||
		    si.si_value.sival_int != 100 + i || si.si_pid != pid ||
		    si.si_code != SI_QUEUE)
			ok = 0;
	EXPECT("sigqueue from a child: three instances, its pid, in order",
	    ok);

	/* the queue is bounded: EAGAIN (Linux: RLIMIT_SIGPENDING), kill
	 * still succeeds; ignoring the signal empties it */
	sigaddset(&m, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	for (n = 0; n < 2000000; n++)
		if (qv(getpid(), SIGRTMIN + 2, n) < 0)
			break;
	e = errno;
	printf("    (%d instances queued before the limit)\n", n);
	EXPECT("a full queue: sigqueue fails with EAGAIN", n < 2000000 &&
	    e == EAGAIN && n >= 32);
	EXPECT_RET("a full queue: kill of a real-time signal succeeds",
	    kill(getpid(), SIGRTMIN + 2), 0);
	on(SIGRTMIN + 2, SIG_IGN, 0);
	sigpending(&p);
	EXPECT("SIG_IGN discards the queued instances",
	    !sigismember(&p, SIGRTMIN + 2));
	on(SIGRTMIN + 2, count, 0);
	EXPECT_RET("then sigqueue has room again", qv(getpid(), SIGRTMIN + 2,
	    1), 0);
	EXPECT_RET("... and the one queued is taken",
	    sigtimedwait(&m, &si, &z), SIGRTMIN + 2);
	EXPECT("... with its value", si.si_value.sival_int == 1);

	/* errors */
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER;
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	EXPECT_ERR("rt_sigqueueinfo with si_code SI_USER to another: EPERM",
	    syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), EPERM);
	EXPECT_ERR("rt_sigqueueinfo: bad info pointer EFAULT",
	    syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (void *)8),
	    EFAULT);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	EXPECT_ERR("sigqueue to a reaped pid: ESRCH", qv(pid, SIGRTMIN, 1),
	    ESRCH);
	sigprocmask(SIG_SETMASK, &old, NULL);
	on(SIGRTMIN, SIG_DFL, 0);
	on(SIGRTMIN + 2, SIG_DFL, 0);
}

static volatile sig_atomic_t hup_seen, alarm_seen;

static void
on_hup(int sig)
{
	(void)sig;
	hup_seen = 1;
}

static void
on_alarm(int sig)
{
	(void)sig;
	alarm_seen = 1;
}

/* In a child M (not pid 1: a parent that is init does not link a group
 * to its session, as in Linux, and on ExOS the test is pid 1). */
static int
orphans_in_child(void)
{
	static const int stops[] = { SIGTSTP, SIGTTIN, SIGTTOU };
	char what[96];
	int fds[2], pfd[2], st;
	unsigned i;
	pid_t pid, c, g = 0;
	char b = 0;

	ptest_failures = 0;     /* (this child's own count) */

	for (i = 0; i < 3; i++) {
		pid = fork();
		if (pid == 0) {
			setsid();       /* an orphaned group at once */
			raise(stops[i]);
			_exit(3);
		}
		st = 0;
		if (waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st))
			kill(pid, SIGKILL), waitpid(pid, NULL, 0);
		snprintf(what, sizeof(what), "orphaned group: signal %d does "
		    "not stop (the process goes on, exits 3)", stops[i]);
		EXPECT(what, WIFEXITED(st) && WEXITSTATUS(st) == 3);
	}
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);          /* its parent links it: not orphaned */
		raise(SIGTSTP);
		_exit(4);
	}
	st = 0;
	waitpid(pid, &st, WUNTRACED);
	EXPECT("a group that is not orphaned: SIGTSTP stops",
	    WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	EXPECT("... and SIGCONT lets it exit",
	    WIFEXITED(st) && WEXITSTATUS(st) == 4);

	/* a group orphaned by its link's exit, with a stopped member:
	 * SIGHUP then SIGCONT to it */
	if (pipe(fds) < 0 || pipe(pfd) < 0) {
		EXPECT("pipe", 0);
		return ptest_failures;
	}
	c = fork();
	if (c == 0) {
		close(fds[0]);
		close(pfd[0]);
		setpgid(0, 0);
		g = fork();
		if (g == 0) {
			on(SIGHUP, on_hup, 0);
			raise(SIGSTOP);
			if (write(fds[1], hup_seen ? "H" : "C", 1) != 1)
				_exit(1);
			_exit(0);
		}
		if (write(pfd[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		waitpid(g, &st, WUNTRACED);
		_exit(WIFSTOPPED(st) ? 0 : 1);
	}
	close(fds[1]);
	close(pfd[1]);
	if (read(pfd[0], &g, sizeof(g)) != sizeof(g))
		g = 0;
	waitpid(c, &st, 0);
	EXPECT("the group's link saw its member stop, and exited",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	on(SIGALRM, on_alarm, 0);       /* (no SA_RESTART: read ends) */
	alarm(5);
	st = (int)read(fds[0], &b, 1);
	alarm(0);
	EXPECT("newly orphaned group with a stopped member: SIGHUP, then "
	    "SIGCONT (the member ran its SIGHUP handler)", st == 1 &&
	    b == 'H');
	if (st != 1 && g > 0)
		kill(g, SIGKILL);
	return ptest_failures;
}

static void
orphans(void)
{
	pid_t pid;
	int st = 0;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(orphans_in_child() ? 1 : 0);
	waitpid(pid, &st, 0);
	EXPECT("orphaned process groups: every check in the child passed",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* The exec'd image (argv: SELF exec-child FAILURES): SIGUSR1 was
 * caught (now SIG_DFL), SIGUSR2 ignored (kept), SIGINT blocked (kept),
 * SIGALRM's timer still armed. */
static int
exec_child(int failures)
{
	struct sigaction a1, a2;
	struct itimerval v;
	sigset_t m;

	ptest_failures = failures;
	sigaction(SIGUSR1, NULL, &a1);
	sigaction(SIGUSR2, NULL, &a2);
	sigprocmask(SIG_BLOCK, NULL, &m);
	EXPECT("execve: a caught signal is back to SIG_DFL",
	    a1.sa_handler == SIG_DFL);
	EXPECT("execve: an ignored signal stays ignored",
	    a2.sa_handler == SIG_IGN);
	EXPECT("execve: the mask is kept", sigismember(&m, SIGINT) == 1 &&
	    sigismember(&m, SIGUSR1) == 0);
	getitimer(ITIMER_REAL, &v);
	EXPECT("execve: the interval timer is kept", v.it_value.tv_sec > 50);
	alarm(0);
	EXPECT_RET("execve: raise of the ignored signal", raise(SIGUSR2), 0);
	return ptest_done();
}

/* Last: this process execs itself with handlers, an ignored signal, a
 * mask and an alarm (on ExOS only the first process can exec from the
 * boot module's file table). */
static void
exec_resets(const char *self)
{
	char n[16];
	sigset_t m;

	on(SIGUSR1, count, 0);
	on(SIGUSR2, SIG_IGN, 0);
	sigemptyset(&m);
	sigaddset(&m, SIGINT);
	sigprocmask(SIG_BLOCK, &m, NULL);
	alarm(100);
	snprintf(n, sizeof(n), "%d", ptest_failures);
	fflush(stdout);
	execl(self, self, "exec-child", n, (char *)NULL);
	printf("    (execl %s: %s)\n", self, strerror(errno));
	EXPECT("execve of oneself", 0);
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "exec-child") == 0)
		return exec_child(atoi(argv[2]));
	if (argc > 2 && strcmp(argv[2], "exec-only") == 0) {
		exec_resets(argv[1]);
		return ptest_done();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	basic();
	altstack();
	errors();
	waiting();
	async();
	faults();
	deaths();
	children();
	between();
	siginfo_between();
	realtime();
	orphans();
	if (argc > 1)
		exec_resets(argv[1]);
	return ptest_done();
}
