/*
 * fifo.c: named pipes: opening a C-FFS FIFO inode (CFFS_S_IFIFO) and
 * the file type PX_FT_FIFO, whose reads, writes, ioctls and poll are
 * pipe.c's (the same ring; mknod, which makes the inode, is in
 * fscalls.c).
 *
 * A FIFO inode holds no data.  While any end of it is open, a struct
 * px_fifo in the family's shared region joins its openers: the list
 * PX_ROOT_FIFO (under its lock) maps the inode's (st_dev, st_ino) to a
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
 * (it is a reader and a writer).  The descriptor is installed before
 * the counts are raised (type PX_FT_FREE until just after them), so a
 * process killed while it opens or waits is swept like any other
 * (fd.c: at the family's next fork or wait) and its counts go with it.
 * A reader's poll has no POLLHUP until a writer opened after it
 * (px_fifo_poll: obj[1] is wopens at its open, Linux's f_pipe).
 *
 * A name's inode number can change under C-FFS (rename and link move an
 * embedded inode), so fscalls.c tells us (px_fifo_renamed) and an open
 * FIFO keeps joining its openers by the new number; an unlinked one
 * (px_fifo_gone) keeps its open ends and is never found again.
 *
 * The limit: the list lives in the family's shared region, so a FIFO
 * joins the processes of one family (under exos-run and init: every
 * process of the boot); two families that open one FIFO get a pipe each.
 */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include "posix.h"
#include "pipe.h"
#include "vfs.h"
#include "block.h"

struct px_fifo {                /* in the shared region */
	struct px_pipe pipe;    /* first: the ends' obj[0] */
	struct px_fifo *next;
	uint64_t dev, ino;      /* the inode it is open for */
	uint64_t gone;          /* unlinked: never found again */
	volatile uint64_t ropens, wopens;       /* opens ever, each side */
	struct stat st;         /* the inode at the first open (fstat) */
};

struct fifo_list {
	struct px_lock lock;
	struct px_fifo *head;
};

static struct fifo_list *
list(void)
{
	return px_shm_root(PX_ROOT_FIFO, sizeof(struct fifo_list));
}

static struct px_fifo *
find(struct fifo_list *l, uint64_t dev, uint64_t ino)
{
	struct px_fifo *e;

	for (e = l->head; e; e = e->next)
		if (!e->gone && e->dev == dev && e->ino == ino)
			return e;
	return NULL;
}

/* Unhook and free e if no end of it is open (l's lock held). */
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
	px_shm_free(e->pipe.buf, PX_PIPE_SIZE);
	px_shm_free(e, sizeof(*e));
}

long
px_fifo_open(const struct stat *st, uint32_t flags, int cloexec)
{
	uint32_t acc = flags & O_ACCMODE;
	struct fifo_list *l = list();
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
	px_lock(&l->lock);
	if (!(e = find(l, (uint64_t)st->st_dev, (uint64_t)st->st_ino))) {
		if (!(e = px_shm_alloc(sizeof(*e))) ||
		    !(e->pipe.buf = px_shm_alloc(PX_PIPE_SIZE))) {
			if (e)
				px_shm_free(e, sizeof(*e));
			px_unlock(&l->lock);
			px_close(fd, 0, 0, 0, 0, 0);
			return -ENFILE;
		}
		e->dev = (uint64_t)st->st_dev;
		e->ino = (uint64_t)st->st_ino;
		e->st = *st;
		e->next = l->head;
		l->head = e;
	}
	if (acc == O_WRONLY && (flags & O_NONBLOCK) && e->pipe.readers == 0) {
		drop_idle(l, e);
		px_unlock(&l->lock);
		px_close(fd, 0, 0, 0, 0, 0);
		return -ENXIO;
	}
	/* the counts and the type together, no call between them: the
	 * type is stored last, so release (which only a PX_FT_FIFO gets)
	 * never drops a count that was not raised */
	f->obj[0] = (uint64_t)(uintptr_t)&e->pipe;
	if (acc != O_WRONLY) {
		__atomic_add_fetch(&e->pipe.readers, 1, __ATOMIC_ACQ_REL);
		e->ropens++;
	}
	if (acc != O_RDONLY) {
		__atomic_add_fetch(&e->pipe.writers, 1, __ATOMIC_ACQ_REL);
		e->wopens++;
	}
	e->pipe.ends += acc == O_RDWR ? 2 : 1;
	__atomic_store_n(&f->type, PX_FT_FIFO, __ATOMIC_RELEASE);
	/* the writers' opens so far: POLLHUP only once one has come
	 * since (px_fifo_poll), as Linux's f_pipe */
	f->obj[1] = e->wopens;
	cnt = acc == O_RDONLY ? &e->pipe.writers : &e->pipe.readers;
	opens = acc == O_RDONLY ? &e->wopens : &e->ropens;
	seen = *opens;
	px_unlock(&l->lock);
	/* after the install: it may yield, and a kill there is swept */
	px_pipe_moved(&e->pipe);
	if (acc == O_RDWR || (acc == O_RDONLY && (flags & O_NONBLOCK)))
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

void
px_fifo_release(struct px_ofile *f)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];
	struct fifo_list *l = list();

	if (!l || !e)
		return;
	px_lock(&l->lock);
	if (px_pipe_drop(&e->pipe, f->flags))
		drop_idle(l, e);
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

long
px_fifo_fstat(struct px_ofile *f, struct stat *st)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];

	*st = e->st;
	st->st_size = 0;
	st->st_blocks = 0;
	return 0;
}

void
px_fifo_renamed(const struct stat *old, const char *path)
{
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);
	struct px_fifo *e;
	struct stat st;
	int be;

	if (!l || px_lstat_at(path, &st, &be) < 0)
		return;
	px_lock(&l->lock);
	if ((e = find(l, (uint64_t)old->st_dev, (uint64_t)old->st_ino))) {
		e->dev = (uint64_t)st.st_dev;
		e->ino = (uint64_t)st.st_ino;
		e->st.st_ino = st.st_ino;
		e->st.st_nlink = st.st_nlink;
	}
	px_unlock(&l->lock);
}

void
px_fifo_gone(const struct stat *old)
{
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);
	struct px_fifo *e;

	if (!l)
		return;
	px_lock(&l->lock);
	if ((e = find(l, (uint64_t)old->st_dev, (uint64_t)old->st_ino))) {
		if (old->st_nlink > 1) {
			e->st.st_nlink = old->st_nlink - 1;
		} else {
			e->gone = 1;
			e->st.st_nlink = 0;
		}
	}
	px_unlock(&l->lock);
}
