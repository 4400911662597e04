/*
 * proc.h: ExOS's process table, in the family's shared region (shm.h).
 * One entry per process: its small pid, its environment, its parent,
 * process group and session, its state and, once dead, Linux's wait
 * status; and the pending-signal word other processes post to.
 * Implemented in ptab.c (the table), pgrp.c (ids, groups, sessions),
 * kill.c and pxwait.c.  docs/ARCHITECTURE.md, "The process table".
 *
 * Every change to an entry is made under the table's lock, except
 * sigpending (a sender ORs a bit in atomically).  Waiters sleep on
 * ptab.gen, which every change a waiter may care about (a death
 * recorded, a stop, a continue, a re-parenting) bumps.
 */
#ifndef EXOS_POSIX_PROC_H
#define EXOS_POSIX_PROC_H

#include <stdint.h>
#include "shm.h"

#define PX_NPROC        1024    /* entries: processes and zombies */
#define PX_PID_MAX      32767   /* pids are 1 .. PX_PID_MAX, then wrap */

enum px_state {
	PX_FREE = 0,
	PX_EMBRYO,              /* fork is building it */
	PX_RUNNING,
	PX_STOPPED,
	PX_ZOMBIE,              /* dead, status kept for wait */
};

/* flags */
#define PX_EXECED       0x1     /* it has exec'd (setpgid: EACCES) */
#define PX_RECORDED     0x2     /* wstatus is its death's, set by itself
				   (exit, a signal's default action) or by
				   the sender of SIGKILL */
#define PX_WSTOP        0x4     /* a stop wait4(WUNTRACED) has not seen */
#define PX_WCONT        0x8     /* a continue wait4(WCONTINUED) has not seen */
#define PX_TOLD         0x10    /* its death was told to its parent in a
				   SIGCHLD's siginfo (sigpost.c) */

/* sigflags: what others must know of a process's dispositions */
#define PX_SF_NOCLDSTOP 0x1     /* SIGCHLD has SA_NOCLDSTOP: no SIGCHLD
				   for a child's stop or continue */

struct px_sigq;                 /* sig.h */

struct px_proc {
	int32_t pid, ppid, pgid, sid;
	uint64_t env;           /* its environment */
	uint64_t penv;          /* its parent's environment (ppid's) */
	volatile uint32_t state;        /* enum px_state */
	uint32_t flags;
	int32_t wstatus;        /* Linux's: death, or the stop/continue */
	int32_t stopsig;
	volatile uint64_t sigpending;   /* bit sig - 1; senders OR atomically */
	uint32_t sigflags;      /* PX_SF_*, set by the process itself */
	uint32_t pad;
	struct px_sigq *sigq;   /* what signals from others carry: their
				   siginfo and the queued real-time ones
				   (sig.h, sigpost.c); NULL until the first */
};

struct px_ptab {
	struct px_lock lock;
	volatile uint64_t gen;  /* bumped by every change waiters watch */
	int32_t last_pid;       /* the last pid handed out */
	int32_t pad;
	struct px_proc procs[PX_NPROC];
};

/* The table (NULL if the region has no room: then every call fails). */
struct px_ptab *px_ptab(void);
/* Our own entry; NULL only if the table could not be made. */
struct px_proc *px_proc_self(void);
/* The live (not free, not embryo) entry with this pid, or NULL.  The
 * caller holds the lock if it acts on the answer. */
struct px_proc *px_proc_lookup(int32_t pid);
/* The pid of environment env's process, or 0 if it has none. */
long px_pid_of(uint64_t env);
/* Is p's process dead (recorded, or its environment is gone)? */
int px_proc_dead(const struct px_proc *p);

/* The first process: make the table and its own entry, pid 1. */
long px_proc_init(void);
/* execve's new image: mark ourselves exec'd. */
void px_proc_exec(void);
/* fork: a new entry for a child of ours (EMBRYO, pid chosen), or
 * -EAGAIN if the table is full; px_proc_born gives it its environment
 * and makes it RUNNING (before the child runs), px_proc_abort frees it
 * if the fork failed. */
struct px_proc *px_proc_new(long *err);
void px_proc_born(struct px_proc *p, uint64_t env);
void px_proc_abort(struct px_proc *p);
/* Record Linux's wait status in our entry, give our children to init
 * and end our environment.  The first process (the kernel's init) ends
 * the machine with the exit code, or 128 + the signal. */
void px_proc_exit(int wstatus) __attribute__((noreturn));
/* Record another process's death (SIGKILL's sender, before it destroys
 * the environment); under the lock. */
void px_proc_record(struct px_proc *p, int wstatus);
/* The signals piece: p stopped by sig / continued (wait4's WUNTRACED,
 * WCONTINUED); under the lock. */
void px_proc_stopped(struct px_proc *p, int sig);
void px_proc_continued(struct px_proc *p);
/* Bump the generation (under the lock): wakes every waiter. */
void px_ptab_changed(void);

/* (portgaps) procpid.c: what /proc/PID shows that the entry does not
 * (command line, exe, start time): fork copies the parent's (under the
 * lock), execve names the program, every image records its argv. */
void px_pinfo_fork(const struct px_proc *parent,
    const struct px_proc *child);
void px_pinfo_exec(const char *path);
void px_pinfo_start(int argc, char **argv, int execed);

#endif
