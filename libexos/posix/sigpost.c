/*
 * sigpost.c: what a signal carries from one process to another (sig.h,
 * docs/ARCHITECTURE.md "Signals in the libOS"): the siginfo of a signal
 * another process sent (kill: SI_USER and the sender's pid and uid;
 * sigqueue: SI_QUEUE and its value; a child's stop or continue:
 * CLD_STOPPED / CLD_CONTINUED), real-time signals queued one instance
 * per sending, SIGCHLD's siginfo for a child's death, and orphaned
 * process groups.
 *
 * The target's px_sigq lives in the family's shared region, pointed to
 * by its process-table entry, made by the first sender; every change
 * to it is made under the table's lock.  The receiver reads a standard
 * signal's record while the signal's pending bit is still set (no
 * sender writes a record then: one is written only when the bit was
 * clear), then clears the bit; a real-time signal is taken from the
 * queue under the lock.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include "posix.h"
#include "proc.h"
#include "sig.h"

#define UID     1000            /* the one user (vfs.h: PX_UID) */
/* A whole page (px_shm_alloc's size classes end at 2048 bytes). */
#define SIGQ_BYTES      4096
_Static_assert(sizeof(struct px_sigq) <= SIGQ_BYTES, "px_sigq");

static struct px_sigq *
sigq_of(struct px_proc *p)
{
	if (!p->sigq)
		p->sigq = px_shm_alloc(SIGQ_BYTES);
	return p->sigq;
}

long
px_sig_send(struct px_proc *p, int sig, int code, int32_t pid,
    uint64_t value)
{
	uint64_t bit = PX_SIGBIT(sig);
	struct px_sigq *q;

	if (sig >= PX_SIGRT) {
		q = sigq_of(p);
		if (q && q->n < PX_SIGQ_MAX) {
			q->q[q->n] = (struct px_sigqent){ .sig = sig,
			    .pid = pid, .code = code, .value = value };
			q->n++;
		} else if (code != SI_USER)
			return -EAGAIN;
		/* (kill: the signal goes, its siginfo is lost, as Linux) */
	} else if (!(p->sigpending & bit) && (q = sigq_of(p)) != NULL)
		q->std[sig] = (struct px_sigrec){ .pid = pid, .code = code,
		    .value = value };
	__atomic_or_fetch(&p->sigpending, bit, __ATOMIC_RELEASE);
	px_ptab_changed();
	return 0;
}

/* The record's siginfo. */
static void
fill(siginfo_t *si, int sig, int32_t pid, int code, uint64_t value)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = code;
	si->si_pid = pid;
	si->si_uid = pid ? UID : 0;
	if (sig == SIGCHLD && code > 0)
		si->si_status = (int)value;     /* (si_utime, si_stime: 0) */
	else
		si->si_value.sival_ptr = (void *)(uintptr_t)value;
}

/* Our standard signal sig posted by another process: its record (and
 * forget it: a record is good for one delivery); 0 if there is none. */
int px_sigq_std(int sig, siginfo_t *si);
int
px_sigq_std(int sig, siginfo_t *si)
{
	struct px_proc *me = px_proc_self();
	struct px_sigrec *r;

	if (!me || !me->sigq)
		return 0;
	r = &me->sigq->std[sig];
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (!r->pid && !r->code)
		return 0;
	fill(si, sig, r->pid, r->code, r->value);
	r->pid = 0;
	r->code = 0;
	r->value = 0;
	return 1;
}

/* Take the oldest queued instance of our real-time signal sig: 1 and
 * its siginfo, 0 if none is queued (the bit alone: kill's overflow, or
 * a post without the table); *more: instances still queued. */
int px_sigq_rt(int sig, siginfo_t *si, int *more);
int
px_sigq_rt(int sig, siginfo_t *si, int *more)
{
	struct px_proc *me = px_proc_self();
	struct px_ptab *t = px_ptab();
	struct px_sigq *q;
	uint32_t i, j;
	int found = 0;

	*more = 0;
	if (!me || !t)
		return 0;
	px_lock(&t->lock);
	if ((q = me->sigq) != NULL) {
		for (i = 0; i < q->n; i++)
			if (q->q[i].sig == sig)
				break;
		if (i < q->n) {
			found = 1;
			fill(si, sig, q->q[i].pid, q->q[i].code,
			    q->q[i].value);
			memmove(&q->q[i], &q->q[i + 1],
			    (q->n - i - 1) * sizeof(q->q[0]));
			q->n--;
			for (j = i; j < q->n; j++)
				if (q->q[j].sig == sig)
					(*more)++;
		}
	}
	if (!*more)
		__atomic_fetch_and(&me->sigpending, ~PX_SIGBIT(sig),
		    __ATOMIC_SEQ_CST);
	px_unlock(&t->lock);
	return found;
}

void
px_sig_flush(uint64_t set)
{
	struct px_proc *me = px_proc_self();
	struct px_ptab *t = px_ptab();
	struct px_sigq *q;
	uint32_t i, k;

	if (!me || !t || !me->sigq)
		return;
	px_lock(&t->lock);
	q = me->sigq;
	for (i = k = 0; i < q->n; i++)
		if (!(set & PX_SIGBIT(q->q[i].sig)))
			q->q[k++] = q->q[i];
	q->n = k;
	__atomic_fetch_and(&me->sigpending, ~set, __ATOMIC_SEQ_CST);
	px_unlock(&t->lock);
}

void
px_sigq_free(struct px_proc *p)
{
	if (p->sigq) {
		px_shm_free(p->sigq, SIGQ_BYTES);
		p->sigq = NULL;
	}
}

/* ---- SIGCHLD for a death ----------------------------------------- */

/* The first death reaped by wait4 before its SIGCHLD was taken. */
static int have_reaped;
static int32_t reaped_pid;
static int reaped_status;

static void
chld_fill(siginfo_t *si, int32_t pid, int st)
{
	if (WIFEXITED(st))
		fill(si, SIGCHLD, pid, CLD_EXITED, (uint64_t)WEXITSTATUS(st));
	else
		fill(si, SIGCHLD, pid, WCOREDUMP(st) ? CLD_DUMPED : CLD_KILLED,
		    (uint64_t)WTERMSIG(st));
}

void
px_sig_reaped(int32_t pid, int wstatus)
{
	uint64_t h = px_sig_action(SIGCHLD)->handler;

	/* an ignored SIGCHLD is discarded when it is posted */
	if (have_reaped || h == (uint64_t)SIG_DFL || h == (uint64_t)SIG_IGN)
		return;
	have_reaped = 1;
	reaped_pid = pid;
	reaped_status = wstatus;
}

void
px_sig_chld_info(siginfo_t *si)
{
	struct px_proc *me = px_proc_self(), *q;
	struct px_ptab *t = px_ptab();
	int i, told = 0;

	fill(si, SIGCHLD, 0, CLD_EXITED, 0);
	if (have_reaped) {
		chld_fill(si, reaped_pid, reaped_status);
		have_reaped = 0;
		told = 1;
	}
	if (!me || !t)
		return;
	/* every death so far is told by this one signal (they merged) */
	px_lock(&t->lock);
	for (i = 0; i < PX_NPROC; i++) {
		q = &t->procs[i];
		if (q->state == PX_FREE || q->state == PX_EMBRYO ||
		    q->ppid != me->pid || q->penv != me->env ||
		    (q->flags & PX_TOLD) || !px_proc_dead(q))
			continue;
		if (!told)
			chld_fill(si, q->pid, px_wait_peek(q));
		told = 1;
		q->flags |= PX_TOLD;
	}
	px_unlock(&t->lock);
}

/* ---- orphaned process groups ------------------------------------- */

static int
alive(const struct px_proc *p)
{
	return (p->state == PX_RUNNING || p->state == PX_STOPPED) &&
	    !px_proc_dead(p);
}

int
px_pgrp_orphaned(int32_t pgid)
{
	struct px_ptab *t = px_ptab();
	const struct px_proc *q, *parent;
	int i;

	for (i = 0; i < PX_NPROC; i++) {
		q = &t->procs[i];
		if (q->pgid != pgid || !alive(q) || q->ppid == 1)
			continue;
		parent = px_proc_lookup(q->ppid);
		if (parent && parent->env == q->penv && alive(parent) &&
		    parent->pgid != pgid && parent->sid == q->sid)
			return 0;
	}
	return 1;
}

static int
has_stopped(int32_t pgid)
{
	struct px_ptab *t = px_ptab();
	int i;

	for (i = 0; i < PX_NPROC; i++)
		if (t->procs[i].pgid == pgid && t->procs[i].state ==
		    PX_STOPPED && alive(&t->procs[i]))
			return 1;
	return 0;
}

static void
add(struct px_orphans *o, int32_t pgid)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->pgid[i] == pgid)
			return;
	if (o->n < (int)(sizeof(o->pgid) / sizeof(o->pgid[0]))) {
		o->pgid[o->n] = pgid;
		o->was[o->n] = (uint8_t)px_pgrp_orphaned(pgid);
		o->n++;
	}
}

void
px_pgrp_before_exit(const struct px_proc *p, struct px_orphans *o)
{
	struct px_ptab *t = px_ptab();
	int i;

	o->n = 0;
	add(o, p->pgid);
	for (i = 0; i < PX_NPROC; i++) {
		const struct px_proc *q = &t->procs[i];

		if (q->ppid == p->pid && q->penv == p->env && alive(q) &&
		    q->pgid != p->pgid && q->sid == p->sid)
			add(o, q->pgid);
	}
}

void
px_pgrp_after_exit(const struct px_orphans *o)
{
	struct px_ptab *t = px_ptab();
	int i, k;

	for (k = 0; k < o->n; k++) {
		if (o->was[k] || !px_pgrp_orphaned(o->pgid[k]) ||
		    !has_stopped(o->pgid[k]))
			continue;
		for (i = 0; i < PX_NPROC; i++) {
			struct px_proc *q = &t->procs[i];

			if (q->pgid != o->pgid[k] || !alive(q))
				continue;
			px_sig_send(q, SIGHUP, SI_KERNEL, 0, 0);
			px_sig_send(q, SIGCONT, SI_KERNEL, 0, 0);
		}
	}
}

void
px_sigpost_child(void)
{
	have_reaped = 0;
}
