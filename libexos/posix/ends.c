/*
 * ends.c: the ends of pipes and FIFOs, journaled: their counts (the
 * pipe's readers, writers and ends), a descriptor's close of one, a new
 * reference to one in a slot (dup, dup2, dup3, F_DUPFD, an open of
 * /proc/self/fd/N, fork's copy of the table) and an end's release.
 *
 * A process may be killed between any two of its stores, and an end
 * left counted with no descriptor behind it is a phantom: a reader
 * that never sees EOF, a writer that never sees EPIPE.  So every such
 * change is made under one lock, the FIFO list's (fifo.h), with a
 * journal in the list naming what is being changed; a holder killed
 * half way leaves it set, and the next px_fifo_lock, which takes the
 * lock over (shm.h), finishes or undoes the change before anything
 * else.  No one changes an end's references without the lock, so the
 * journal can say what the references were before.
 *  - Counts (pend): before and after; an open's install counts if its
 *    description became an end, a release always completes.
 *  - Close (cl_): the slot, then the references' drop and the
 *    description's closed mark in one atomic add (fd.h), then the slot
 *    cleared, then, for the last reference, the release (closed 2).  A
 *    close cut before the add is forgotten (the end is still in its
 *    slot: the sweep closes it); after it, it is finished.
 *  - A new reference (ad_): the references before, then the add, then
 *    the slot filled.  Cut before the slot: the add, if made, is taken
 *    back (the source slot still holds one, so it never drops the
 *    last); after: done.  fork registers the child's table empty
 *    first and fills it slot by slot, so a parent killed half way, or
 *    a child killed before it ever ran, leaves a table holding exactly
 *    the references it counts, which the sweep closes (fd.c).
 * The sweep takes the lock (px_ends_settle) before it frees a dead
 * process's table, so no journal names a freed table.  A pipe's read
 * and write take none of this: they never change the counts.
 */
#include <fcntl.h>
#include <string.h>
#include "posix.h"
#include "fifo.h"

enum { C_READERS, C_WRITERS, C_ENDS };

static void
counts_get(const struct px_pipe *p, uint64_t c[3])
{
	c[C_READERS] = p->readers;
	c[C_WRITERS] = p->writers;
	c[C_ENDS] = p->ends;
}

void
px_ends_counts_set(struct px_pipe *p, const uint64_t c[3])
{
	__atomic_store_n(&p->readers, c[C_READERS], __ATOMIC_RELEASE);
	__atomic_store_n(&p->writers, c[C_WRITERS], __ATOMIC_RELEASE);
	__atomic_store_n(&p->ends, c[C_ENDS], __ATOMIC_RELEASE);
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

/* pend is stored last, so a half-written journal is never read. */
void
px_ends_journal(struct fifo_list *l, struct px_pipe *p, struct px_ofile *f,
    uint32_t acc, int by, int anon)
{
	counts_get(p, l->pend_old);
	memcpy(l->pend_new, l->pend_old, sizeof(l->pend_new));
	counts_move(l->pend_new, acc, by);
	l->pend_f = f;
	l->pend_anon = (uint64_t)anon;
	__atomic_store_n(&l->pend, p, __ATOMIC_RELEASE);
}

/* p has no end left: an anonymous pipe is freed, a FIFO's entry
 * unhooked and freed (a kill in between leaks it, never frees it
 * twice). */
static void
idle(struct fifo_list *l, struct px_pipe *p, int anon)
{
	if (!anon) {
		px_fifo_drop_idle(l, (struct px_fifo *)p);
	} else if (p->ends == 0) {
		px_shm_free(p->buf, PX_PIPE_SIZE);
		px_shm_free(p, sizeof(*p));
	}
}

/* f's end goes: its counts under the journal (lock held).  f's closed
 * mark, if a close's, becomes 2 before the journal is cleared: a kill
 * at any point leaves one release, never two. */
static void
release_locked(struct fifo_list *l, struct px_ofile *f)
{
	struct px_pipe *p = (struct px_pipe *)(uintptr_t)f->obj[0];
	int anon = f->type == PX_FT_PIPE, last;

	if (!p)
		return;
	px_ends_journal(l, p, NULL, f->flags, -1, anon);
	last = px_pipe_drop(p, f->flags);
	if (f->closed)
		__atomic_store_n(&f->closed, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&l->pend, NULL, __ATOMIC_RELEASE);
	if (last)
		idle(l, p, anon);
}

/* A dead holder's counts (lock held): an install counted if its
 * description became a FIFO end (the sweep's close will drop it), else
 * not (nothing will); a release always completes (its descriptor is
 * gone).  A freed description is never made PX_FT_FIFO without this
 * lock, which we hold, so reading f's type here cannot mistake
 * another's. */
static void
repair_pend(struct fifo_list *l)
{
	struct px_pipe *p = l->pend;
	struct px_ofile *f = l->pend_f;
	int done;

	done = !f || (__atomic_load_n(&f->type, __ATOMIC_ACQUIRE) ==
	    PX_FT_FIFO && f->obj[0] == (uint64_t)(uintptr_t)p);
	px_ends_counts_set(p, done ? l->pend_new : l->pend_old);
	/* a release inside a close: that close's release is done */
	if (!f && l->cl_f)
		__atomic_store_n(&l->cl_f->closed, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&l->pend, NULL, __ATOMIC_RELEASE);
	px_pipe_moved(p);
	idle(l, p, (int)l->pend_anon);
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
	/* an end's references change only under this lock, and a put
	 * outside a close is by a process whose slot still holds it, so
	 * 0 here is this close's and stays 0 (no one holds it to take
	 * another) */
	if ((last = __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) == 0)) {
		/* its F_OFD_ locks before the release: their key is the
		 * pipe or the FIFO's entry (flock.c), which the release
		 * may free, and a kill after that would leave them on
		 * whatever the region puts there next */
		px_flock_release(f);
		if (f->closed == 1)
			release_locked(l, f);
	}
	if (!last)
		__atomic_sub_fetch(&f->refword, 1ULL << 32, __ATOMIC_SEQ_CST);
	__atomic_store_n(&l->cl_f, NULL, __ATOMIC_RELEASE);
	if (last)
		px_shm_free(f, sizeof(*f));
}

/* A dead holder's new reference (lock held): the slot filled, done;
 * not, the add taken back if it was made. */
static void
add_repair(struct fifo_list *l)
{
	struct px_ofile *f = l->ad_f;

	if (l->ad_tab->fd[l->ad_fd] != l->ad_s &&
	    __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) ==
	    (uint32_t)(l->ad_refs + 1))
		__atomic_sub_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&l->ad_f, NULL, __ATOMIC_RELEASE);
}

void
px_fifo_lock(struct fifo_list *l)
{
	struct px_ofile *f;

	px_lock(&l->lock);
	if (l->pend)
		repair_pend(l);
	/* a close cut short: before its drop, nothing was done (the
	 * end is still in its slot); after, finish it */
	if ((f = l->cl_f)) {
		if (__atomic_load_n(&f->closed, __ATOMIC_ACQUIRE))
			close_finish(l);
		else
			__atomic_store_n(&l->cl_f, NULL, __ATOMIC_RELEASE);
	}
	if (l->ad_f)
		add_repair(l);
	if (l->nm.state)
		px_fifo_names_repair(l);
}

static struct fifo_list *
ends(void)
{
	return px_shm_root_find(PX_ROOT_FIFO);
}

int
px_end_close(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f)
{
	struct fifo_list *l = ends();

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

int
px_ends_begin(void)
{
	struct fifo_list *l = ends();

	if (!l)
		return 0;
	px_fifo_lock(l);
	return 1;
}

void
px_ends_end(void)
{
	px_unlock(&ends()->lock);
}

void
px_end_add(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f)
{
	struct fifo_list *l = ends();

	l->ad_tab = t;
	l->ad_fd = (uint64_t)fd;
	l->ad_s = s;
	l->ad_refs = __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE);
	__atomic_store_n(&l->ad_f, f, __ATOMIC_RELEASE);
	__atomic_add_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->fd[fd], s, __ATOMIC_RELEASE);
	__atomic_store_n(&l->ad_f, NULL, __ATOMIC_RELEASE);
}

void
px_ends_settle(void)
{
	if (px_ends_begin())
		px_ends_end();
}

/* The last reference's put outside a close (fd.c's px_ofile_put: an
 * end never installed, or a FIFO open undone). */
void
px_end_release(struct px_ofile *f)
{
	struct fifo_list *l = ends();
	struct px_pipe *p = (struct px_pipe *)(uintptr_t)f->obj[0];

	/* no list: no end was ever made (pipe2 and a FIFO's open make
	 * it first) */
	if (!p || !l)
		return;
	px_fifo_lock(l);
	release_locked(l, f);
	px_unlock(&l->lock);
}
