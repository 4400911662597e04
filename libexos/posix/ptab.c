/*
 * ptab.c: the process table (proc.h) in the family's shared region.
 *
 * Pids are small integers handed out in order from 2 (the first
 * process is 1), wrapping at PX_PID_MAX; a pid is never handed out
 * while an entry (a process or a zombie) has it as its pid, its process
 * group or its session.  The table has PX_NPROC entries: fork fails
 * with EAGAIN when they are all taken (processes and zombies not yet
 * waited for), as it does when the kernel's environments run out.
 *
 * A process's death is known two ways: it records its own wait status
 * (exit, _exit, a signal's default action: px_proc_exit; or SIGKILL's
 * sender records it before destroying the environment), or the kernel
 * killed it (a fault with no handler, a raw ENV_DESTROY) and its entry
 * still says running while its environment is gone: then wait takes
 * the status from the kernel's exit record (pxwait.c).  Either way its
 * children are re-parented to pid 1 (at once by px_proc_exit, or by the
 * next look, px_proc_fix, which sees that the parent's environment is
 * gone), as UNIX gives orphans to init.
 */
#include <string.h>
#include "posix.h"
#include "proc.h"
#include "sig.h"

static struct px_ptab *tab;             /* inherited by fork; execve looks again */
static struct px_proc *self;

struct px_ptab *
px_ptab(void)
{
	if (!tab)
		tab = px_shm_root(PX_ROOT_PTAB, sizeof(struct px_ptab));
	return tab;
}

static int
live(const struct px_proc *p)
{
	return p->state != PX_FREE && p->state != PX_EMBRYO;
}

struct px_proc *
px_proc_self(void)
{
	uint64_t me = XOK_INFO->cur_env;
	struct px_ptab *t = px_ptab();
	int i;

	if (self && self->env == me && live(self))
		return self;            /* (a forked child finds its own) */
	self = NULL;
	if (!t)
		return NULL;
	for (i = 0; i < PX_NPROC; i++)
		if (t->procs[i].env == me && t->procs[i].state != PX_FREE &&
		    t->procs[i].state != PX_ZOMBIE) {
			self = &t->procs[i];
			break;
		}
	return self;
}

struct px_proc *
px_proc_lookup(int32_t pid)
{
	struct px_ptab *t = px_ptab();
	int i;

	if (!t || pid <= 0)
		return NULL;
	for (i = 0; i < PX_NPROC; i++)
		if (t->procs[i].pid == pid && live(&t->procs[i]))
			return &t->procs[i];
	return NULL;
}

int
px_proc_dead(const struct px_proc *p)
{
	return p->state == PX_ZOMBIE || (p->flags & PX_RECORDED) ||
	    ((p->state == PX_RUNNING || p->state == PX_STOPPED) &&
	    !xok_env_alive(p->env));
}

void
px_ptab_changed(void)
{
	__atomic_add_fetch(&tab->gen, 1, __ATOMIC_RELEASE);
}

long
px_proc_init(void)
{
	struct px_ptab *t = px_ptab();
	struct px_proc *p;

	if (!t)
		return -ENOMEM;
	px_lock(&t->lock);
	if (!px_proc_self()) {
		p = &t->procs[0];
		memset(p, 0, sizeof(*p));
		p->pid = p->pgid = p->sid = 1;
		p->env = XOK_INFO->cur_env;
		p->state = PX_RUNNING;
		t->last_pid = 1;
		self = p;
	}
	px_unlock(&t->lock);
	return 0;
}

void
px_proc_exec(void)
{
	struct px_proc *p = px_proc_self();

	if (p) {
		px_lock(&tab->lock);
		p->flags |= PX_EXECED;
		px_unlock(&tab->lock);
	}
}

/* Is pid free: no entry has it as pid, group or session?  (lock held) */
static int
pid_free(int32_t pid)
{
	int i;

	for (i = 0; i < PX_NPROC; i++) {
		const struct px_proc *q = &tab->procs[i];

		if (q->state != PX_FREE && (q->pid == pid || q->pgid == pid ||
		    q->sid == pid))
			return 0;
	}
	return 1;
}

/* An embryo whose forking parent died mid-fork is nobody's: free it
 * (lock held). */
static int
stale_embryo(const struct px_proc *q)
{
	return q->state == PX_EMBRYO && !xok_env_alive(q->penv);
}

struct px_proc *
px_proc_new(long *err)
{
	struct px_proc *me = px_proc_self(), *p = NULL;
	int32_t pid;
	int i, tries;
	long used = 0;

	*err = -EAGAIN;
	if (!me)
		return NULL;
	px_lock(&tab->lock);
	for (i = 0; i < PX_NPROC; i++) {
		if (stale_embryo(&tab->procs[i]))
			tab->procs[i].state = PX_FREE;
		if (!p && tab->procs[i].state == PX_FREE)
			p = &tab->procs[i];
		if (tab->procs[i].state != PX_FREE)
			used++;
	}
	if (used >= px_rlimit_nproc())         /* (shell) RLIMIT_NPROC */
		p = NULL;
	if (!p)
		goto out;
	pid = tab->last_pid;
	for (tries = 0; tries < PX_PID_MAX; tries++) {
		pid = pid >= PX_PID_MAX ? 2 : pid + 1;
		if (pid_free(pid))
			break;
	}
	if (tries == PX_PID_MAX) {
		p = NULL;
		goto out;
	}
	tab->last_pid = pid;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = me->pid;
	p->penv = me->env;
	p->pgid = me->pgid;
	p->sid = me->sid;
	p->state = PX_EMBRYO;
	px_pinfo_fork(me, p);           /* (portgaps) procpid.c */
	*err = 0;
out:
	px_unlock(&tab->lock);
	return p;
}

void
px_proc_born(struct px_proc *p, uint64_t env)
{
	px_lock(&tab->lock);
	p->env = env;
	p->state = PX_RUNNING;
	px_unlock(&tab->lock);
}

void
px_proc_abort(struct px_proc *p)
{
	px_lock(&tab->lock);
	p->state = PX_FREE;
	px_unlock(&tab->lock);
}

/* The environment of pid 1, 0 if it is gone (lock held). */
static uint64_t
init_env(void)
{
	const struct px_proc *q = &tab->procs[0];

	return q->pid == 1 && live(q) && !px_proc_dead(q) ? q->env : 0;
}

/* Give the children of the process (pid, env) to init (lock held). */
static void
orphan(int32_t pid, uint64_t env)
{
	uint64_t ie = init_env();
	int i;

	for (i = 0; i < PX_NPROC; i++) {
		struct px_proc *q = &tab->procs[i];

		if (live(q) && q->ppid == pid && q->penv == env) {
			q->ppid = 1;
			q->penv = ie;
		}
	}
}

/* Re-parent the children of processes the kernel killed (lock held);
 * called before anyone looks at parents (wait4, getppid). */
void
px_proc_fix(void)
{
	int i, changed = 0;

	for (i = 0; i < PX_NPROC; i++) {
		struct px_proc *q = &tab->procs[i];

		if (live(q) && q->ppid != 1 && q->penv &&
		    !xok_env_alive(q->penv)) {
			q->ppid = 1;
			q->penv = init_env();
			changed = 1;
		}
	}
	if (changed)
		px_ptab_changed();
}

/* SIGCHLD's siginfo of a death. */
static void
tell_parent(struct px_proc *p)
{
	struct px_proc *parent = px_proc_lookup(p->ppid);
	int st = p->wstatus;

	/* a parent that is not the kernel's (an orphan's new one, init)
	 * sees no child_exits tick: it is sent SIGCHLD here */
	if (!parent || parent->env != p->penv || px_proc_dead(parent) ||
	    xok_env_info(p->env)->parent == parent->env)
		return;
	p->flags |= PX_TOLD;
	if (st & 0x7f)
		px_sig_send(parent, SIGCHLD, (st & 0x80) ? CLD_DUMPED :
		    CLD_KILLED, p->pid, (uint64_t)(st & 0x7f));
	else
		px_sig_send(parent, SIGCHLD, CLD_EXITED, p->pid,
		    (uint64_t)(st >> 8 & 0xff));
}

void
px_proc_record(struct px_proc *p, int wstatus)
{
	struct px_orphans o;

	if (p->flags & PX_RECORDED)
		return;         /* the first death recorded is the one */
	px_pgrp_before_exit(p, &o);
	p->wstatus = wstatus;
	p->flags |= PX_RECORDED;
	p->state = PX_ZOMBIE;
	tell_parent(p);
	orphan(p->pid, p->env);
	px_pgrp_after_exit(&o);
	px_ptab_changed();
}

void
px_proc_stopped(struct px_proc *p, int sig)
{
	p->state = PX_STOPPED;
	p->stopsig = sig;
	p->flags = (p->flags & ~PX_WCONT) | PX_WSTOP;
	px_ptab_changed();
}

void
px_proc_continued(struct px_proc *p)
{
	p->state = PX_RUNNING;
	p->flags = (p->flags & ~PX_WSTOP) | PX_WCONT;
	px_ptab_changed();
}

void
px_proc_exit(int wstatus)
{
	struct px_proc *p = px_proc_self();
	uint64_t code;

	if (p) {
		px_lock(&tab->lock);
		px_proc_record(p, wstatus);
		wstatus = p->wstatus;
		px_unlock(&tab->lock);
	}
	code = (wstatus & 0x7f) ? 128 + (uint64_t)(wstatus & 0x7f) :
	    ((uint64_t)wstatus >> 8 & 0xff);
	if (xok_env_info(XOK_INFO->cur_env)->parent == 0)
		sys_shutdown(exos_root_slot(), code);
	sys_env_destroy(XOK_SELF, 0, code);
	for (;;)
		sys_yield(XOK_SELF);
}

/* The pid of the process in environment env, or 0 if the table has
 * none (a lock's owner that has gone, an environment not ours). */
long
px_pid_of(uint64_t env)
{
	struct px_ptab *t = px_ptab();
	int i;

	if (!t)
		return 0;
	for (i = 0; i < PX_NPROC; i++)
		if (t->procs[i].env == env &&
		    t->procs[i].state != PX_FREE &&
		    t->procs[i].state != PX_EMBRYO)
			return t->procs[i].pid;
	return 0;
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(ptab, sizeof(struct px_ptab), sizeof(struct px_proc));
