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
 *    the last).  (s18) A mapping's is the same, its record's owner the
 *    slot (px_ref_publish, mmapfile.c): a kill between the add and the
 *    record's publication no longer leaks the reference.
 *  - A reference that is not a slot's (a mapping's drop, made after
 *    its record is cleared: a kill between leaks it): a bare drop
 *    under the lock; nothing to journal.
 * The last reference's release (the type's release, which may write
 * the disk) runs after the lock is dropped.  Its open file description
 * locks (F_OFD_) are dropped under the lock, before the drop, so none
 * outlives it.  A release is owed in the journal (shared: a fork's
 * copy of a private list would release it twice) from the drop until
 * it has run: (s18) the closer's own in its name, taken off the list
 * after the type's release and before the memory is freed (a kill
 * between leaks the memory, never frees it twice); one a taker
 * finishes for a dead closer in no one's.  One whose runner is dead
 * is run by the next close, put or exit of anyone in the family (a
 * taker may hold other locks: fork's loop holds the ends' lock, a
 * mapping its list's), so a kill inside a release leaves it to be
 * run again: each type's release may run again (vfs_cffs.c's drop of
 * the vnode is journaled; before s18 a kill there leaked the vnode's
 * reference: the file stayed open, an unlinked one kept its blocks).
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

void
px_ref_point(int point)
{
	die_at(point);
}

#define NOWED (sizeof(((struct px_refj *)0)->owed) / sizeof(void *))

/* f's release is owed (lock held), run by env (0: by the next unlock
 * that may): once (a taker killed between this and its clearing of
 * the journal owes it again).  0: the list is full (four at once): the
 * caller runs it unrecorded (a kill in it leaks, as before the
 * journal). */
static int
owe(struct px_refj *j, struct px_ofile *f, uint64_t env)
{
	size_t i;

	for (i = 0; i < NOWED; i++)
		if (j->owed[i] == f) {
			j->owed_env[i] = env;
			return 1;
		}
	for (i = 0; i < NOWED; i++)
		if (!j->owed[i]) {
			j->owed_env[i] = env;
			__atomic_store_n(&j->owed[i], f, __ATOMIC_RELEASE);
			return 1;
		}
	return 0;
}

/* Owed entry i is ours to run (lock held): a dead closer's, or one
 * whose runner died in it (a living runner's is under way). */
static int
claimable(const struct px_refj *j, size_t i)
{
	uint64_t env = j->owed_env[i];

	return j->owed[i] && (env == 0 || (env != XOK_INFO->cur_env &&
	    !xok_env_alive(env)));
}

/* The type's release: (s18) each may run again after a kill inside it
 * (vfs_cffs.c's journals its vnode's drop, inotify.c's forgets its
 * instance first), and does no harm run again. */
static void
type_release(struct px_ofile *f)
{
	if (f->type < PX_FT_NTYPES && px_fops[f->type] &&
	    px_fops[f->type]->release)
		px_fops[f->type]->release(f);
}

/* The last reference is gone, unrecorded: the release, the memory. */
static void
release(struct px_ofile *f)
{
	type_release(f);
	px_shm_free(f, sizeof(*f));
}

static void refs_lock(struct px_fdreg *r);

/* f's owed release has run: off the list, then the memory (a kill
 * between leaks it, never frees it twice). */
static void
released(struct px_fdreg *r, struct px_ofile *f)
{
	size_t i;

	refs_lock(r);
	for (i = 0; i < NOWED; i++)
		if (r->rj.owed[i] == f)
			__atomic_store_n(&r->rj.owed[i], NULL,
			    __ATOMIC_RELEASE);
	px_unlock(&r->rlock);
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
		/* (its F_OFD_ locks went before the drop) */
		(void)owe(j, f, 0);
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
		if (__atomic_load_n(j->ad_word, __ATOMIC_ACQUIRE) !=
		    j->ad_s &&
		    __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) ==
		    (uint32_t)(j->ad_refs + 1))
			__atomic_sub_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&j->ad_f, NULL, __ATOMIC_RELEASE);
	}
}

/* Drop the lock; then last's release and, if we may (no other lock
 * held), one owed by a dead closer or a dead runner.  (s18) Each is
 * owed, in our name, until it has run: a kill inside it leaves it to
 * the next (it used to be lost: a C-FFS file's vnode stayed open). */
static void
refs_unlock(struct px_fdreg *r, struct px_ofile *last, int may)
{
	struct px_ofile *f = NULL;
	size_t i;
	int kept = 0;

	for (i = 0; may && !f && i < NOWED; i++)
		if (claimable(&r->rj, i)) {
			f = r->rj.owed[i];
			r->rj.owed_env[i] = XOK_INFO->cur_env;
		}
	if (last)
		kept = owe(&r->rj, last, XOK_INFO->cur_env);
	px_unlock(&r->rlock);
	if (last) {
		die_at(PX_REF_DIE_RELEASING);
		if (kept) {
			type_release(last);
			released(r, last);
		} else
			release(last);
	}
	if (f) {
		type_release(f);
		released(r, f);
	}
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
	if ((uint32_t)w == 0) {
		/* (s18) owed before the journal goes: a kill from here on
		 * leaves the release to the next unlock (it was lost) */
		last = f;
		(void)owe(j, f, XOK_INFO->cur_env);
	} else
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

/* A new reference to f that *word = s records (lock held): refs
 * before, then the add, then the word. */
static void
add(struct px_refj *j, struct px_ofile *f, uint64_t *word, uint64_t s,
    int point, int after)
{
	j->ad_word = word;
	j->ad_s = s;
	j->ad_refs = __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE);
	__atomic_store_n(&j->ad_f, f, __ATOMIC_RELEASE);
	__atomic_add_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
	die_at(point);
	__atomic_store_n(word, s, __ATOMIC_RELEASE);
	if (after)
		die_at(after);
	__atomic_store_n(&j->ad_f, NULL, __ATOMIC_RELEASE);
}

void
px_ref_add(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f)
{
	add(&t->reg->rj, f, &t->fd[fd], s, PX_REF_DIE_ADDED, 0);
}

/* (s18) The word is a mapping's record's owner (mmapfile.c, whose lock
 * the caller holds: the owed releases wait for a later unlock). */
void
px_ref_publish(struct px_ofile *f, uint64_t *word, uint64_t val)
{
	struct px_fdreg *r = px_fd_reg();

	if (!r) {                       /* not reached: a mapper has one */
		__atomic_add_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(word, val, __ATOMIC_RELEASE);
		return;
	}
	refs_lock(r);
	add(&r->rj, f, word, val, PX_REF_DIE_MAPREF, PX_REF_DIE_MAPPED);
	refs_unlock(r, NULL, 0);
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
		/* (s18) owed before the drop: a putter killed between
		 * leaves its last reference's release to the next (no one
		 * else holds one to add from) */
		(void)owe(&r->rj, f, XOK_INFO->cur_env);
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
			n += claimable(&r->rj, i);
		refs_unlock(r, NULL, 1);
	} while (n > 1);
}
