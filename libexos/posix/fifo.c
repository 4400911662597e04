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
 * last end's close (px_fifo_release, under the list's lock, so no
 * opener finds it half freed) frees the pipe and its ring: bytes
 * nobody read are lost, as on Linux.
 *
 * Opening, as Linux: O_RDONLY waits for a writer and O_WRONLY for a
 * reader; each counts itself in the pipe first, then sleeps (px_block:
 * a signal interrupts it, EINTR or a restart) until the other side has
 * an end, or has opened one since (ropens/wopens: a partner that came
 * and went already still wakes us).  O_RDONLY|O_NONBLOCK opens at once;
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
 * type are raised under the journal (fifo.h): a process killed between
 * them leaves the journal to the next holder of the lock, who keeps
 * the counts if the description became PX_FT_FIFO (the sweep's release
 * drops them) and puts them back if it did not (its close releases
 * nothing).  An end's release is journaled the same way and finished
 * by the next holder.  A descriptor's close of an end (fd.c calls
 * px_fifo_close) is made under the lock too, with its own journal:
 * the slot, then the reference's drop and the description's closed
 * mark in one atomic add (fd.h), then the slot cleared, then, for the
 * last reference, the release (closed 2).  A closer killed before the
 * add left its end in its slot (the sweep closes it again); after it,
 * the next holder clears the slot and finishes the release; the sweep
 * takes the lock (px_fifo_settle) before it frees a dead process's
 * table the journal may name.  So no interleaving a kill can cut in
 * an open or a close leaves a phantom reader or writer.  ropens/wopens
 * are raised before the journal and never undone: an opener killed
 * there wakes a waiting partner as one that came and went (EOF or
 * EPIPE after).  Left: a kill between a dup's or fork's new reference
 * and its slot (fd.c) leaks it, and with it an end.
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

enum { C_READERS, C_WRITERS, C_ENDS };

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

static void
counts_get(const struct px_fifo *e, uint64_t c[3])
{
	c[C_READERS] = e->pipe.readers;
	c[C_WRITERS] = e->pipe.writers;
	c[C_ENDS] = e->pipe.ends;
}

static void
counts_set(struct px_fifo *e, const uint64_t c[3])
{
	__atomic_store_n(&e->pipe.readers, c[C_READERS], __ATOMIC_RELEASE);
	__atomic_store_n(&e->pipe.writers, c[C_WRITERS], __ATOMIC_RELEASE);
	__atomic_store_n(&e->pipe.ends, c[C_ENDS], __ATOMIC_RELEASE);
}

/* c moved by one end of access acc: +1 (an open) or -1 (a close). */
static void
counts_move(uint64_t c[3], uint32_t acc, int by)
{
	acc &= O_ACCMODE;
	if (acc != O_WRONLY)
		c[C_READERS] += (uint64_t)(int64_t)by;
	if (acc != O_RDONLY)
		c[C_WRITERS] += (uint64_t)(int64_t)by;
	c[C_ENDS] += (uint64_t)(int64_t)(acc == O_RDWR ? 2 * by : by);
}

/* Write the journal for a change of e's counts by f's end (lock held);
 * pend is stored last, so a half-written journal is never read. */
static void
journal(struct fifo_list *l, struct px_fifo *e, struct px_ofile *f,
    uint32_t acc, int by)
{
	counts_get(e, l->pend_old);
	memcpy(l->pend_new, l->pend_old, sizeof(l->pend_new));
	counts_move(l->pend_new, acc, by);
	l->pend_f = f;
	__atomic_store_n(&l->pend, e, __ATOMIC_RELEASE);
}

/* Unhook and free e if no end of it is open (l's lock held).  Unhooked
 * first: a kill between leaks e, never frees it twice. */
static void
drop_idle(struct fifo_list *l, struct px_fifo *e)
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

/* f's end goes: its counts under the journal (lock held).  f's
 * closed mark, if a close's, becomes 2 before the journal is cleared:
 * a kill at any point leaves one release, never two. */
static void
release_locked(struct fifo_list *l, struct px_ofile *f)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];
	int last;

	if (!e)
		return;
	journal(l, e, NULL, f->flags, -1);
	last = px_pipe_drop(&e->pipe, f->flags);
	if (f->closed)
		__atomic_store_n(&f->closed, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&l->pend, NULL, __ATOMIC_RELEASE);
	if (last)
		drop_idle(l, e);
}

/* The close in the journal made its drop (lock held): its slot is
 * cleared, the end released if that was the last reference, then the
 * journal cleared and the description freed (a kill between: leaked,
 * never freed twice). */
static void
close_finish(struct fifo_list *l)
{
	struct px_ofile *f = l->cl_f;
	struct px_fdtab *t = l->cl_tab;
	int last;

	if (t->fd[l->cl_fd] == l->cl_s)
		t->fd[l->cl_fd] = 0;
	/* only a close (here, under the lock) drops a FIFO end's refs to
	 * 0: fd.c's other puts of one (a failed dup's, a reopen's) are by
	 * a process whose slot still holds it.  So 0 here is this close's
	 * and stays 0 (no one holds it to take another). */
	if ((last = __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) == 0) &&
	    f->closed == 1)
		release_locked(l, f);
	if (!last)      /* others may add references: only our half */
		__atomic_sub_fetch(&f->refword, 1ULL << 32, __ATOMIC_SEQ_CST);
	__atomic_store_n(&l->cl_f, NULL, __ATOMIC_RELEASE);
	if (last)
		px_shm_free(f, sizeof(*f));
}

/* Our predecessor died between its journal and its end (lock held):
 * an install counted if its description became a FIFO end (the sweep's
 * close will drop it), else not (nothing will); a release always
 * completes (its descriptor is gone).  A freed description is never
 * made PX_FT_FIFO without this lock, which we hold, so reading f's type
 * here cannot mistake another's. */
static void
repair_pend(struct fifo_list *l, struct px_fifo *e)
{
	struct px_ofile *f = l->pend_f;
	int done;

	done = !f || (__atomic_load_n(&f->type, __ATOMIC_ACQUIRE) ==
	    PX_FT_FIFO && f->obj[0] == (uint64_t)(uintptr_t)&e->pipe);
	counts_set(e, done ? l->pend_new : l->pend_old);
	/* a release inside a close: that close's release is done */
	if (!f && l->cl_f)
		__atomic_store_n(&l->cl_f->closed, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&l->pend, NULL, __ATOMIC_RELEASE);
	px_pipe_moved(&e->pipe);
	drop_idle(l, e);
}

void
px_fifo_lock(struct fifo_list *l)
{
	struct px_fifo *e;
	struct px_ofile *f;

	px_lock(&l->lock);
	if ((e = l->pend))
		repair_pend(l, e);
	/* a close cut short: before its drop, nothing was done (the
	 * end is still in its slot); after, finish it */
	if ((f = l->cl_f)) {
		if (__atomic_load_n(&f->closed, __ATOMIC_ACQUIRE))
			close_finish(l);
		else
			__atomic_store_n(&l->cl_f, NULL, __ATOMIC_RELEASE);
	}
}

int
px_fifo_close(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f)
{
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);

	if (!l)
		return 0;
	px_fifo_lock(l);
	/* the slot changed: a dead closer's close, finished by the repair
	 * (the sweep closing its table finds it done) */
	if (t->fd[fd] != s) {
		px_unlock(&l->lock);
		return 1;
	}
	l->cl_tab = t;
	l->cl_fd = (uint64_t)fd;
	l->cl_s = s;
	__atomic_store_n(&l->cl_f, f, __ATOMIC_RELEASE);
	__atomic_add_fetch(&f->refword, PX_REF_CLOSE, __ATOMIC_SEQ_CST);
	close_finish(l);
	px_unlock(&l->lock);
	return 1;
}

void
px_fifo_settle(void)
{
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);

	if (l) {
		px_fifo_lock(l);
		px_unlock(&l->lock);
	}
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
		drop_idle(l, e);
		px_unlock(&l->lock);
		px_close(fd, 0, 0, 0, 0, 0);
		return -ENXIO;
	}
	if (acc != O_WRONLY)
		e->ropens++;
	if (acc != O_RDONLY)
		e->wopens++;
	f->obj[0] = (uint64_t)(uintptr_t)&e->pipe;
	/* the writers' opens so far: POLLHUP only once one has come
	 * since (px_fifo_poll), as Linux's f_pipe */
	f->obj[1] = e->wopens;
	/* the counts, then the type, under the journal (at the top) */
	journal(l, e, f, acc, 1);
	counts_set(e, l->pend_new);
	__atomic_store_n(&f->type, PX_FT_FIFO, __ATOMIC_RELEASE);
	__atomic_store_n(&l->pend, NULL, __ATOMIC_RELEASE);
	cnt = acc == O_RDONLY ? &e->pipe.writers : &e->pipe.readers;
	opens = acc == O_RDONLY ? &e->wopens : &e->ropens;
	seen = *opens;
	px_unlock(&l->lock);
	/* after the install: it may yield, and a kill there is swept */
	px_pipe_moved(&e->pipe);
	/* O_NONBLOCK never waits: a writer had a reader at the check
	 * above, and may find none now (its writes get EPIPE, as Linux) */
	if (acc == O_RDWR || (flags & O_NONBLOCK))
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

/* The last reference's put outside a close (fd.c's px_ofile_put). */
void
px_fifo_release(struct px_ofile *f)
{
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);

	if (!l || !f->obj[0])
		return;
	px_fifo_lock(l);
	release_locked(l, f);
	px_unlock(&l->lock);
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
