/*
 * fifo.c: named pipes: opening a C-FFS FIFO inode (CFFS_S_IFIFO) and
 * the file type PX_FT_FIFO, whose reads, writes, ioctls and poll are
 * pipe.c's (the same ring; mknod, which makes the inode, is in
 * fscalls.c; the FIFO's names and inode attributes are fifoname.c's).
 *
 * A FIFO inode holds no data.  While any end of it is open, a struct
 * px_fifo in the family's shared region joins its openers: the list
 * (fifo.h, under its lock) maps the inode's (st_dev, st_ino) to a
 * px_fifo, which begins with the pipe every end's description points
 * at (obj[0]), so pipe.c reads, writes and polls it as it does an
 * anonymous pipe (EOF, EPIPE and SIGPIPE, PIPE_BUF atomicity).  The
 * last end's close (ends.c's release, under the list's lock, so no
 * opener finds it half freed) frees the pipe and its ring: bytes
 * nobody read are lost, as on Linux.
 *
 * Opening, as Linux: O_RDONLY waits for a writer and O_WRONLY for a
 * reader; each counts itself in the pipe first, then raises its side's
 * opens (ropens/wopens, which wake a waiting partner: raised after the
 * count, so a partner they wake finds it) and, if the other side had
 * no end at that moment (under the lock), sleeps (px_block: a signal
 * interrupts it, EINTR or a restart) until the other side has an end,
 * or has opened one since (a partner that came and went already still
 * wakes us).  O_RDONLY|O_NONBLOCK opens at once;
 * O_WRONLY|O_NONBLOCK with no reader is ENXIO; O_RDWR opens at once
 * (it is a reader and a writer).  A reader's poll has no POLLHUP until
 * a writer opened after it (px_fifo_poll: obj[1] is wopens at its
 * open, Linux's f_pipe).
 *
 * The name: the opener looks its path up again under the list's lock
 * (fifoname.c makes unlink, rename and link under it too), so the
 * entry it joins or makes is the FIFO the name holds now, never one
 * that was removed or moved between namei and the lock; a name that
 * is no longer a FIFO is -ESTALE, and do_open looks it up again.
 *
 * A kill: the descriptor is in the table before the lock, still
 * PX_FT_FREE (its close releases nothing), so a process killed while it
 * opens or waits is swept like any other (fd.c).  The counts and the
 * type are raised under the journal (fifo.h, ends.c): a process killed
 * between them leaves the journal to the next holder of the lock, who
 * keeps the counts if the description became PX_FT_FIFO (the sweep's
 * close drops them) and puts them back if it did not (its close
 * releases nothing).  An end's close, dup, fork's copy and release
 * are journaled under the same lock (ends.c), so no interleaving a
 * kill can cut leaves a phantom reader or writer.  ropens/wopens are
 * raised after the journal and never undone: an opener killed before
 * them never woke its partner (as if it had not come; its end, if
 * counted, is swept), one killed after them wakes it as one that came
 * and went (EOF or EPIPE after).
 *
 * The limit: the list lives in the family's shared region, so a FIFO
 * joins the processes of one family (under exos-run and init: every
 * process of the boot); two families that open one FIFO get a pipe each.
 */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include "posix.h"
#include "fifo.h"
#include "vfs.h"
#include "block.h"

struct fifo_list *
px_fifo_list(void)
{
	return px_shm_root(PX_ROOT_FIFO, sizeof(struct fifo_list));
}

struct px_fifo *
px_fifo_find(struct fifo_list *l, uint64_t dev, uint64_t ino)
{
	struct px_fifo *e;

	for (e = l->head; e; e = e->next)
		if (!e->gone && e->dev == dev && e->ino == ino)
			return e;
	return NULL;
}

/* Unhooked first: a kill between leaks e, never frees it twice. */
void
px_fifo_drop_idle(struct fifo_list *l, struct px_fifo *e)
{
	struct px_fifo **pp;

	if (e->pipe.ends)
		return;
	for (pp = &l->head; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	if (e->path)
		px_shm_free(e->path, e->cap);
	px_shm_free(e->pipe.buf, PX_PIPE_SIZE);
	px_shm_free(e, sizeof(*e));
}

/* The entry for the FIFO now at path (lock held): found or made; NULL
 * with *err: -ESTALE (not a FIFO now), the lookup's error, -ENFILE. */
static struct px_fifo *
lookup(struct fifo_list *l, const char *path, long *err)
{
	struct px_fifo *e;
	struct stat st;
	int be;

	if ((*err = px_lstat_at(path, &st, &be)) < 0)
		return NULL;
	if (be != PX_BE_CFFS || !S_ISFIFO(st.st_mode)) {
		*err = -ESTALE;
		return NULL;
	}
	if ((e = px_fifo_find(l, (uint64_t)st.st_dev, (uint64_t)st.st_ino)))
		return e;
	*err = -ENFILE;
	if (!(e = px_shm_alloc(sizeof(*e))))
		return NULL;
	if (!(e->pipe.buf = px_shm_alloc(PX_PIPE_SIZE))) {
		px_shm_free(e, sizeof(*e));
		return NULL;
	}
	e->dev = (uint64_t)st.st_dev;
	e->ino = (uint64_t)st.st_ino;
	e->st = st;
	(void)px_fifo_setpath(e, path); /* without it: "pipe:[ino]" */
	e->next = l->head;              /* last: a kill before leaks it */
	l->head = e;
	return e;
}

long
px_fifo_open(const char *path, uint32_t flags, int cloexec)
{
	uint32_t acc = flags & O_ACCMODE;
	struct fifo_list *l = px_fifo_list();
	struct px_fifo *e;
	struct px_ofile *f;
	const volatile uint64_t *cnt, *opens;
	uint64_t seen;
	long fd, r;
	int met;

	if (!l)
		return -ENFILE;
	/* before the lock: px_ofile_new may sweep a dead process's ends,
	 * whose release takes it.  The descriptor goes in the table now,
	 * still PX_FT_FREE (its close releases nothing), so a kill at any
	 * later point leaves it to the sweep (fd.c). */
	if (!(f = px_ofile_new(PX_FT_FREE, flags)))
		return -ENFILE;
	if ((fd = px_fd_install(f, 0, cloexec)) < 0) {
		px_ofile_put(f);
		return fd;
	}
	px_fifo_lock(l);
	if (!(e = lookup(l, path, &r))) {
		px_unlock(&l->lock);
		px_close(fd, 0, 0, 0, 0, 0);
		return r;
	}
	if (acc == O_WRONLY && (flags & O_NONBLOCK) && e->pipe.readers == 0) {
		px_fifo_drop_idle(l, e);
		px_unlock(&l->lock);
		px_close(fd, 0, 0, 0, 0, 0);
		return -ENXIO;
	}
	f->obj[0] = (uint64_t)(uintptr_t)&e->pipe;
	/* the writers' opens so far, ours counted: POLLHUP only once one
	 * has come since (px_fifo_poll), as Linux's f_pipe */
	f->obj[1] = e->wopens + (acc != O_RDONLY);
	/* the counts, then the type, under the journal (at the top) */
	px_ends_journal(l, &e->pipe, f, acc, 1, 0);
	px_ends_counts_set(&e->pipe, l->pend_new);
	__atomic_store_n(&f->type, PX_FT_FIFO, __ATOMIC_RELEASE);
	__atomic_store_n(&l->pend, NULL, __ATOMIC_RELEASE);
	/* then the opens, which wake a waiting partner: one that saw them
	 * move before our count was there went on alone (a writer's EPIPE,
	 * a reader's EOF; a stress copy of the fifo suite, 3% of pairs) */
	if (acc != O_WRONLY)
		__atomic_add_fetch(&e->ropens, 1, __ATOMIC_RELEASE);
	if (acc != O_RDONLY)
		__atomic_add_fetch(&e->wopens, 1, __ATOMIC_RELEASE);
	cnt = acc == O_RDONLY ? &e->pipe.writers : &e->pipe.readers;
	opens = acc == O_RDONLY ? &e->wopens : &e->ropens;
	seen = *opens;
	/* a partner here now is met, decided under the lock: it may
	 * write and close before we look at its count again, and its
	 * open is in seen (we would wait for another) */
	met = *cnt > 0;
	px_unlock(&l->lock);
	/* after the install: it may yield, and a kill there is swept */
	px_pipe_moved(&e->pipe);
	/* O_NONBLOCK never waits: a writer had a reader at the check
	 * above, and may find none now (its writes get EPIPE, as Linux) */
	if (acc == O_RDWR || (flags & O_NONBLOCK) || met)
		return fd;
	while (__atomic_load_n(cnt, __ATOMIC_ACQUIRE) == 0 &&
	    __atomic_load_n(opens, __ATOMIC_ACQUIRE) == seen) {
		r = px_block(&opens, &seen, 1, UINT64_MAX);
		if (r < 0 && r != -ETIMEDOUT) {
			/* px_close, not the system call: that one's end
			 * would take the signal, and this call's -EINTR
			 * would find none and make the call again */
			px_close(fd, 0, 0, 0, 0, 0);
			return r;
		}
	}
	return fd;
}

/* pipe.c's poll, but no POLLHUP for a reader no writer has come to
 * since it opened (a daemon's O_RDONLY|O_NONBLOCK end waits, as Linux) */
short
px_fifo_poll(struct px_ofile *f, short events, const volatile uint64_t **word,
    uint64_t *seen)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];
	short r = px_fops_pipe.poll(f, events, word, seen);

	if ((r & POLLHUP) &&
	    __atomic_load_n(&e->wopens, __ATOMIC_ACQUIRE) == f->obj[1])
		r &= (short)~POLLHUP;
	return r;
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(fifo, sizeof(struct fifo_list), sizeof(struct px_fifo));
