/*
 * refs.c: the references of descriptions that are not the end of a pipe
 * or FIFO (files, directories, the console, /dev files, inotify, /proc
 * files), changed under one lock with a journal, so that a process
 * killed in the middle of close(2), dup(2) or fork(2) neither leaks a
 * reference (the file would stay open, an unlinked one keep its blocks,
 * until the family ends) nor drops one twice.  (Ends have their own,
 * ends.c, which also keeps the pipe's reader and writer counts.)
 *
 * Every change of such a description's references (refs) is made under
 * the family's references lock (struct px_fdreg's rlock); a holder
 * killed half way leaves the journal (rj) set, and the next taker of
 * the lock, which takes it over (shm.h), finishes or undoes the change
 * before anything else.  Since no one else changes refs meanwhile, the
 * journal can tell from refs what was done.
 *  - Close (cl_): the slot, then the drop of refs and the description's
 *    closed mark in one atomic add (fd.h), then the slot cleared, then
 *    closed back to 0 (not the last) or the description owed its
 *    release (the last), then the journal cleared.  Cut before the add:
 *    forgotten (the slot still holds it, the sweep closes it); after it
 *    (closed is 1): finished by the taker.
 *  - A new reference in a slot (ad_): refs before, then the add, then
 *    the slot filled.  Cut before the slot is filled, an add that was
 *    made is taken back (the source's reference remains, so it is never
 *    the last).
 *  - A reference that is not a slot's (a mapping's, an open undone):
 *    a bare add or drop under the lock; nothing to journal.
 * The last reference's release (the type's release, which may write
 * the disk) runs after the lock is dropped, at most once: a kill inside
 * it is the type's to survive (vfs_cffs.c journals its own).  Its open
 * file description locks (F_OFD_) are dropped under the lock, before
 * the drop, so none outlives it.  A release a taker finishes for a dead
 * closer is owed in the journal (shared: a fork's copy of a private
 * list would release it twice) and run by the next close, put or exit
 * of anyone in the family (a taker may hold other locks: fork's loop
 * holds the ends' lock, a mapping its list's): taken off the list
 * under the lock, run after it (a kill between: leaked, never run
 * twice).
 * The sweep takes the lock (px_refs_settle) before it frees a dead
 * process's table, so no journal names a freed table.
 */
#include <fcntl.h>
#include "posix.h"
#include "fd.h"

/* Fault injection for tests (fd.h): a process destroys itself there. */
int px_ref_die_at;

static void
die_at(int point)
{
	if (px_ref_die_at == point)
		sys_env_destroy(XOK_INFO->cur_env, 0, 9);
}

#define NOWED (sizeof(((struct px_refj *)0)->owed) / sizeof(void *))

/* f's release is owed (lock held): once (a taker killed between this
 * and its clearing of the journal owes it again); the list full (four
 * dead closers at once): leaked, as before the journal. */
static void
owe(struct px_refj *j, struct px_ofile *f)
{
	size_t i;

	for (i = 0; i < NOWED; i++)
		if (j->owed[i] == f)
			return;
	for (i = 0; i < NOWED; i++)
		if (!j->owed[i]) {
			__atomic_store_n(&j->owed[i], f, __ATOMIC_RELEASE);
			return;
		}
}

/* The last reference is gone: the type's release, then the memory. */
static void
release(struct px_ofile *f)
{
	if (f->type < PX_FT_NTYPES && px_fops[f->type] &&
	    px_fops[f->type]->release)
		px_fops[f->type]->release(f);
	px_shm_free(f, sizeof(*f));
}

/* A dead closer's drop is made (lock held): its slot cleared, then
 * closed back to 0, or, the last reference, the release owed. */
static void
close_finish(struct px_refj *j)
{
	struct px_ofile *f = j->cl_f;
	struct px_fdtab *t = j->cl_tab;

	if (t->fd[j->cl_fd] == j->cl_s)
		t->fd[j->cl_fd] = 0;
	if (__atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) == 0) {
		owe(j, f);      /* (its F_OFD_ locks went before the drop) */
	} else {
		__atomic_sub_fetch(&f->refword, 1ULL << 32, __ATOMIC_SEQ_CST);
	}
}

static void
refs_lock(struct px_fdreg *r)
{
	struct px_refj *j = &r->rj;
	struct px_ofile *f;

	px_lock(&r->rlock);
	if ((f = j->cl_f)) {
		/* closed 0: cut before the drop (the slot holds it) or
		 * after its undo of closed (done) */
		if (__atomic_load_n(&f->closed, __ATOMIC_ACQUIRE))
			close_finish(j);
		__atomic_store_n(&j->cl_f, NULL, __ATOMIC_RELEASE);
	}
	if ((f = j->ad_f)) {
		if (j->ad_tab->fd[j->ad_fd] != j->ad_s &&
		    __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) ==
		    (uint32_t)(j->ad_refs + 1))
			__atomic_sub_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&j->ad_f, NULL, __ATOMIC_RELEASE);
	}
}

/* Drop the lock; then last's release and, if we may (no other lock
 * held), one a dead closer owed. */
static void
refs_unlock(struct px_fdreg *r, struct px_ofile *last, int may)
{
	struct px_ofile *f = NULL;
	size_t i;

	for (i = 0; may && !f && i < NOWED; i++)
		if ((f = r->rj.owed[i]))
			__atomic_store_n(&r->rj.owed[i], NULL, __ATOMIC_RELEASE);
	px_unlock(&r->rlock);
	if (last)
		release(last);
	if (f)
		release(f);
}

void
px_ref_close(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f)
{
	struct px_fdreg *r = t->reg;
	struct px_refj *j = &r->rj;
	struct px_ofile *last = NULL;
	uint64_t w;

	refs_lock(r);
	/* the slot changed: a dead closer's close, which the lock's
	 * repair finished (the sweep, closing its table, finds it done) */
	if (t->fd[fd] != s) {
		refs_unlock(r, NULL, 1);
		return;
	}
	if (f->refs == 1)               /* the last: its F_OFD_ locks go */
		px_flock_release(f);
	j->cl_tab = t;
	j->cl_fd = (uint64_t)fd;
	j->cl_s = s;
	__atomic_store_n(&j->cl_f, f, __ATOMIC_RELEASE);
	die_at(PX_REF_DIE_JOURNAL);
	w = __atomic_add_fetch(&f->refword, PX_REF_CLOSE, __ATOMIC_SEQ_CST);
	die_at(PX_REF_DIE_DROPPED);
	__atomic_store_n(&t->fd[fd], 0, __ATOMIC_RELEASE);
	die_at(PX_REF_DIE_CLEARED);
	if ((uint32_t)w == 0)
		last = f;
	else
		__atomic_sub_fetch(&f->refword, 1ULL << 32, __ATOMIC_SEQ_CST);
	__atomic_store_n(&j->cl_f, NULL, __ATOMIC_RELEASE);
	refs_unlock(r, last, 1);
}

int
px_refs_begin(void)
{
	struct px_fdreg *r = px_fd_reg();

	if (!r)
		return 0;
	refs_lock(r);
	return 1;
}

void
px_refs_end(void)
{
	refs_unlock(px_fd_reg(), NULL, 0);
}

void
px_ref_add(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f)
{
	struct px_refj *j = &t->reg->rj;

	j->ad_tab = t;
	j->ad_fd = (uint64_t)fd;
	j->ad_s = s;
	j->ad_refs = __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE);
	__atomic_store_n(&j->ad_f, f, __ATOMIC_RELEASE);
	__atomic_add_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
	die_at(PX_REF_DIE_ADDED);
	__atomic_store_n(&t->fd[fd], s, __ATOMIC_RELEASE);
	__atomic_store_n(&j->ad_f, NULL, __ATOMIC_RELEASE);
}

void
px_ref_get(struct px_ofile *f)
{
	struct px_fdreg *r = px_fd_reg();

	if (r)
		refs_lock(r);
	__atomic_add_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
	if (r)
		refs_unlock(r, NULL, 0);
}

void
px_ref_put(struct px_ofile *f)
{
	struct px_fdreg *r = px_fd_reg();
	struct px_ofile *last = NULL;

	/* No table: not reached (a process with a description has its
	 * table until exit, which drops its mappings first); its drop
	 * alone, no lock table to look in. */
	if (!r) {
		if ((uint32_t)__atomic_sub_fetch(&f->refword, 1,
		    __ATOMIC_SEQ_CST) == 0)
			release(f);
		return;
	}
	refs_lock(r);
	if (f->refs == 1) {
		px_flock_release(f);
		last = f;
	}
	__atomic_sub_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
	refs_unlock(r, last, 1);
}

void
px_refs_settle(void)
{
	struct px_fdreg *r = px_fd_reg();
	size_t i, n;

	if (!r)
		return;
	do {                            /* each unlock runs one owed */
		refs_lock(r);
		for (i = n = 0; i < NOWED; i++)
			n += r->rj.owed[i] != NULL;
		refs_unlock(r, NULL, 1);
	} while (n > 1);
}
