/*
 * fifo.h: what fifo.c (opening, the ends' counts, release, poll) and
 * fifoname.c (a FIFO's names and inode: name changes, fstat, fchmod,
 * fchown, futimens, /proc/self/fd) share: the family's list of open
 * named pipes.  Private to those two files; the rest of the POSIX
 * layer sees vfs.h's and pipe.h's calls.
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

/*
 * The list (PX_ROOT_FIFO).  Every change of an end's counts is made
 * under lock with a journal (pend...): the counts before and after and
 * the description being installed (NULL: an end's release).  A holder
 * killed half way leaves pend set; the next px_fifo_lock (which takes
 * the lock over) finishes the change or undoes it (fifo.c).  Name
 * changes that move or remove a FIFO's inode are made under lock too
 * (fifoname.c), and an opener looks its name up again under it, so an
 * entry that is not gone always holds its FIFO's current number.
 * A descriptor's close of an end has its own journal (cl_...): the
 * description's refs drop and its closed mark rise in one atomic add
 * (fd.h), so the next holder knows whether the drop was made, clears
 * the slot if it was and releases the end if that was the last
 * reference (closed 2: released already).
 */
struct fifo_list {
	struct px_lock lock;
	struct px_fifo *head;
	struct px_fifo *pend;           /* whose counts change; NULL: none */
	struct px_ofile *pend_f;        /* the end installed, NULL: released */
	uint64_t pend_old[3], pend_new[3];      /* readers, writers, ends */
	/* (fifo3) a descriptor's close of an end (px_fifo_close): the
	 * description (NULL: none), the table, the slot and its value */
	struct px_ofile *cl_f;
	struct px_fdtab *cl_tab;
	uint64_t cl_fd, cl_s;
};

/* The family's list (made by the first caller), or NULL (region full). */
struct fifo_list *px_fifo_list(void);
/* Take the list's lock, repairing what a dead holder left half done. */
void px_fifo_lock(struct fifo_list *l);
/* The open FIFO for (dev, ino) that is not gone, or NULL (lock held). */
struct px_fifo *px_fifo_find(struct fifo_list *l, uint64_t dev, uint64_t ino);
/* e's name becomes path (lock held): 0, or -ENOMEM (the old one kept). */
long px_fifo_setpath(struct px_fifo *e, const char *path);

#endif
