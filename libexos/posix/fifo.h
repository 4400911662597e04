/*
 * fifo.h: what fifo.c (opening, poll), fifoname.c (a FIFO's names and
 * inode: name changes, fstat, fchmod, fchown, futimens, /proc/self/fd)
 * and ends.c (the journal of pipe and FIFO ends: counts, close, dup,
 * fork, release) share: the family's list of open named pipes, whose
 * lock and journals also cover every anonymous pipe's ends.  Private to
 * those three files; the rest of the POSIX layer sees vfs.h's and
 * pipe.h's calls.
 */
#ifndef EXOS_POSIX_FIFO_H
#define EXOS_POSIX_FIFO_H

#include <stdint.h>
#include <sys/stat.h>
#include "pipe.h"

struct px_fifo {                /* in the shared region */
	struct px_pipe pipe;    /* first: the ends' obj[0] */
	struct px_fifo *next;
	uint64_t dev, ino;      /* the inode it is open for */
	uint64_t gone;          /* its last name removed: never found again */
	volatile uint64_t ropens, wopens;       /* opens ever, each side */
	struct stat st;         /* the inode as last seen (fstat once gone) */
	char *path;             /* a name of it (readlink), or NULL */
	size_t cap;             /* path's allocation */
	uint64_t deleted;       /* that name was removed: " (deleted)" */
};

/* (fifo4) A name change's journal (fifoname.c): the change as it was
 * asked (the names copied: the caller's memory dies with it) and the
 * FIFOs found at them before.  state: 0 none; 1 the C-FFS call is being
 * made (its result unknown); 2 and up: the call returned r and the
 * fix-up's steps before state are done. */
struct fifo_names_j {
	volatile uint64_t state;
	long r;
	int op, afifo, bfifo, hasto;
	struct stat a, b;
	char from[PX_PATH_MAX], to[PX_PATH_MAX];
};

/*
 * The list (PX_ROOT_FIFO).  Its lock is also the lock of every pipe's
 * and FIFO's ends (ends.c): every change of an end's counts, of an
 * end's description's references (close, dup, fork) and every name
 * change that may move a FIFO's inode is made under it with a journal
 * naming what is being changed; a holder killed half way leaves the
 * journal set, and the next px_fifo_lock (which takes the lock over)
 * finishes the change or undoes it.  Only one journal is in use at a
 * time (a release's counts inside a close's).
 *  - pend...: an end's counts, before and after, and the description
 *    being installed (NULL: an end's release); pend_anon: an anonymous
 *    pipe's (freed, not unhooked, when its last end goes).
 *  - cl_...: a descriptor's close of an end: the description's refs
 *    drop and its closed mark rise in one atomic add (fd.h), so the
 *    next holder knows whether the drop was made, clears the slot if
 *    it was and releases the end if that was the last reference
 *    (closed 2: released already).
 *  - ad_...: (fifo4) a new reference in a slot (dup, fork): refs before
 *    the add (no one else changes an end's refs without the lock), so
 *    the next holder sees whether the add was made, and takes it back
 *    if the slot was not filled.
 *  - nm: (fifo4) a name change (fifoname.c).
 * An entry that is not gone always holds its FIFO's current number:
 * an opener looks its name up again under the lock.
 */
struct fifo_list {
	struct px_lock lock;
	struct px_fifo *head;
	struct px_pipe *pend;           /* whose counts change; NULL: none */
	struct px_ofile *pend_f;        /* the end installed, NULL: released */
	uint64_t pend_old[3], pend_new[3];      /* readers, writers, ends */
	/* (fifo3) a descriptor's close of an end (px_end_close): the
	 * description (NULL: none), the table, the slot and its value */
	struct px_ofile *cl_f;
	struct px_fdtab *cl_tab;
	uint64_t cl_fd, cl_s;
	/* (fifo4) */
	uint64_t pend_anon;
	struct px_ofile *ad_f;          /* NULL: no add under way */
	struct px_fdtab *ad_tab;
	uint64_t ad_fd, ad_s, ad_refs;
	struct fifo_names_j nm;
};

/* Take the list's lock, repairing what a dead holder left half done. */
void px_fifo_lock(struct fifo_list *l);
/* The open FIFO for (dev, ino) that is not gone, or NULL (lock held). */
struct px_fifo *px_fifo_find(struct fifo_list *l, uint64_t dev, uint64_t ino);
/* e's name becomes path (lock held): 0, or -ENOMEM (the old one kept). */
long px_fifo_setpath(struct px_fifo *e, const char *path);
/* (fifo4) Unhook and free e if no end of it is open (lock held). */
void px_fifo_drop_idle(struct fifo_list *l, struct px_fifo *e);
/* (fifo4) ends.c: the journal for a change of p's counts (anon: an
 * anonymous pipe's) by f's end (NULL: a release) of access acc by +1
 * or -1 (lock held); the counts c set. */
void px_ends_journal(struct fifo_list *l, struct px_pipe *p,
    struct px_ofile *f, uint32_t acc, int by, int anon);
void px_ends_counts_set(struct px_pipe *p, const uint64_t c[3]);
/* (fifo4) fifoname.c: finish a dead holder's name change (lock held). */
void px_fifo_names_repair(struct fifo_list *l);

#endif
