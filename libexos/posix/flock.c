/*
 * flock.c: POSIX advisory record locks (fcntl F_GETLK, F_SETLK,
 * F_SETLKW, and the open-file-description F_OFD_* ones), as sqlite
 * uses them.  The family's locks are one table in the shared region
 * (PX_NFLOCK ranges) under a px_lock: a range names the file (its key,
 * below), its owner (the process's environment id; for F_OFD_* the
 * description) and [start, end).  A
 * process's locks on a file go when it closes any descriptor of that
 * file (POSIX's rule; not an O_PATH one: fd.c) and when it exits (fd.c,
 * px_flock_exit) or is swept after a kill; a dead owner's ranges are
 * ignored and dropped wherever they are met.  OFD locks go with the
 * description's last reference (px_ofile_put).  F_SETLKW sleeps with
 * px_block on the table's cur word, which every change moves on,
 * and on the holder's slot state (a killed holder says nothing).
 * A full table is ENOLCK, and a call that fails changes nothing.
 *
 * The key is the file's, the same through every name and every open
 * of it, as Linux's locks are the inode's.  A C-FFS file or directory:
 * vfs_cffs.c's px_vn_keylock, under the open-file list's lock (vlock):
 * the vnode while the inode is embedded (its one name has one vnode),
 * the inode's number once it is external (stable, and every name's);
 * a first link() moves an embedded inode out, and vfs_cffs.c, under
 * vlock and with the change recorded against a kill, re-keys the
 * vnode's ranges here (px_flock_rekey) before the vnode takes the
 * number.  So a key is computed and used under vlock (lock order:
 * vlock, then the table's lock).  A FIFO's key is its shared entry
 * (fifo.h; every open of it joins the one px_fifo), a pipe's its
 * px_pipe (both ends); anything else's the description.  A range of
 * a living owner keeps its key's object alive: the owner holds a
 * descriptor of the file (closing any drops the process's ranges), an
 * OFD range's description is the owner itself; an exiting process
 * drops its ranges (px_flock_exit) before its closes free the objects
 * (fd.c), and a dead one's are ignored wherever met.
 *
 * A change is all or nothing even if the process is killed half way:
 * the table has two copies of its ranges and a change is made in the
 * one not in use (a copy of the other) and then published by flipping
 * cur, one store.  (Cutting a shared description's range in place and
 * then adding the new one lost the lock to a kill in between.)
 * An F_OFD_ lock held by a process killed without a word stays until
 * the family sweeps the dead process's descriptors (fd.c): a caller
 * that meets one sweeps if a dead process holds the description, and
 * F_OFD_SETLKW sleeps on the living holders' slots too.
 * Deadlocks: F_SETLKW refuses to sleep (EDEADLK) when the holder is
 * itself asleep in F_SETLKW waiting, directly or through others, for
 * us, as Linux does for process locks (never for F_OFD_).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "posix.h"
#include "layout.h"
#include "fd.h"
#include "proc.h"
#include "block.h"
#include "uaccess.h"
#include "vfs.h"

#define PX_NFLOCK       128
/* An owner is an environment id (small) or, for F_OFD_*, a
 * description's address in the shared region (above PX_SHM_VA). */
#define IS_OFD(owner)   ((owner) >= PX_SHM_VA)

struct range {
	uint64_t file, owner;
	int64_t start, end;     /* end: INT64_MAX to the end of the file */
	int used;               /* 0: a free slot */
	int type;               /* F_RDLCK or F_WRLCK (F_RDLCK is 0: the
	                           slot's use is its own field) */
};

/* A process asleep in F_SETLKW and the process holding what it waits
 * for (deadlock detection); waiter 0: free. */
#define PX_NFLWAIT      64
struct lwait {
	uint64_t waiter, holder;
};

struct ltab {
	struct px_lock lock;
	volatile uint64_t cur;          /* r[cur & 1] is in use; every
	                                   change adds 1: sleepers watch it */
	struct lwait w[PX_NFLWAIT];
	struct range r[2][PX_NFLOCK];
};

/* The ranges in use. */
static struct range *
ranges(struct ltab *l)
{
	return l->r[l->cur & 1];
}

/* Begin a change: the copy not in use, filled from the one in use. */
static struct range *
change(struct ltab *l)
{
	struct range *n = l->r[(l->cur & 1) ^ 1];

	memcpy(n, ranges(l), sizeof(l->r[0]));
	return n;
}

/* Publish a change (one store: a kill before it leaves the old ranges,
 * after it the new) and wake the waiters. */
static void
publish(struct ltab *l)
{
	int i;

	/* every sleeper wakes (it watches cur) and looks again, saying
	 * again what it waits for if it still must (so no wait recorded
	 * here outlives the range it waited on); the store of cur is
	 * the last thing, so a kill before it changes nothing and one
	 * after it has published and woken */
	for (i = 0; i < PX_NFLWAIT; i++)
		l->w[i].waiter = 0;
	__atomic_store_n(&l->cur, l->cur + 1, __ATOMIC_RELEASE);
}

/* The pid of environment env (F_GETLK's l_pid), from the process
 * table; 0 if it has no entry.  (A read without the table's lock: a
 * pid for a report.) */
static pid_t
pid_of_env(uint64_t env)
{
	struct px_ptab *pt = px_ptab();
	int i;

	for (i = 0; pt && i < PX_NPROC; i++)
		if (pt->procs[i].env == env && pt->procs[i].pid > 0)
			return pt->procs[i].pid;
	return 0;
}

static struct ltab *
ltab(void)
{
	struct px_fdtab *t = px_fd_tab();
	struct ltab *l;

	if (!t)
		return NULL;
	if ((l = t->reg->flocks) != NULL)
		return l;
	px_lock(&t->reg->lock);
	if (!t->reg->flocks)
		t->reg->flocks = px_shm_alloc(sizeof(struct ltab));
	l = t->reg->flocks;
	px_unlock(&t->reg->lock);
	return l;
}

/* The key of f's file (above), 0 or -errno.  A C-FFS file's or
 * directory's is vlock's: held on success until key_end. */
static long
key_begin(struct px_ofile *f, uint64_t *key)
{
	switch (f->type) {
	case PX_FT_FILE:
	case PX_FT_DIR:
		return px_vn_keylock(f, key);
	case PX_FT_PIPE:
	case PX_FT_FIFO:
		/* (a FIFO's px_fifo begins with this pipe: fifo.h) */
		*key = f->obj[0];
		return 0;
	default:
		*key = (uint64_t)(uintptr_t)f;
		return 0;
	}
}

static void
key_end(struct px_ofile *f)
{
	if (f->type == PX_FT_FILE || f->type == PX_FT_DIR)
		px_vn_keyunlock();
}

static int
alive(uint64_t owner)
{
	return IS_OFD(owner) || xok_env_alive(owner);
}

/* The first range of another owner that conflicts with [s, e) type.
 * (A dead process's range is dropped in place: one store, harmless
 * either way.) */
static struct range *
conflict(struct ltab *l, uint64_t file, uint64_t owner, int64_t s,
    int64_t e, int type)
{
	struct range *t = ranges(l);
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &t[i];

		if (!r->used || r->file != file || r->owner == owner)
			continue;
		if (!alive(r->owner)) {
			r->used = 0;
			continue;
		}
		if (r->start < e && s < r->end &&
		    (type == F_WRLCK || r->type == F_WRLCK))
			return r;
	}
	return NULL;
}

/* A free slot (a dead owner's range is taken back first), or NULL. */
static struct range *
free_range(struct range *t)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		if (t[i].used && !alive(t[i].owner))
			t[i].used = 0;
		if (!t[i].used)
			return &t[i];
	}
	return NULL;
}

/* Are there at least n free slots (dead owners' taken back)? */
static int
have_free(struct range *t, int n)
{
	int i;

	for (i = 0; i < PX_NFLOCK && n > 0; i++) {
		if (t[i].used && !alive(t[i].owner))
			t[i].used = 0;
		if (!t[i].used)
			n--;
	}
	return n <= 0;
}

/* 1 if cutting [s, e) out of owner's ranges on file splits one in two
 * (an owner's ranges never overlap: at most one holds [s, e) inside). */
static int
splits(struct range *t, uint64_t file, uint64_t owner, int64_t s, int64_t e)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &t[i];

		if (r->used && r->file == file && r->owner == owner &&
		    r->start < s && e < r->end)
			return 1;
	}
	return 0;
}

/* Take [s, e) out of owner's ranges on file (splitting one); 0, or
 * -ENOLCK if a split needs a range and there is none. */
static long
cut(struct range *t, uint64_t file, uint64_t owner, int64_t s, int64_t e)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &t[i], *n;

		if (!r->used || r->file != file || r->owner != owner ||
		    r->end <= s || e <= r->start)
			continue;
		if (r->start < s && e < r->end) {       /* split in two */
			if (!(n = free_range(t)))
				return -ENOLCK;
			*n = *r;
			n->start = e;
			r->end = s;
		} else if (r->start < s)
			r->end = s;
		else if (e < r->end)
			r->start = e;
		else
			r->used = 0;
	}
	return 0;
}

/* Forget that we wait (our entry, if any). */
static void
unwait(struct ltab *l)
{
	uint64_t me = XOK_INFO->cur_env;
	int i;

	for (i = 0; i < PX_NFLWAIT; i++)
		if (l->w[i].waiter == me)
			l->w[i].waiter = 0;
}

/* Say that we sleep on holder's lock (no room: not said, and a
 * deadlock through us goes unseen; the sleep is still right). */
static void
await(struct ltab *l, uint64_t holder)
{
	int i;

	for (i = 0; i < PX_NFLWAIT; i++)
		if (!l->w[i].waiter || !xok_env_alive(l->w[i].waiter)) {
			l->w[i].holder = holder;
			l->w[i].waiter = XOK_INFO->cur_env;
			return;
		}
}

/* Would we, by sleeping on holder's lock, close a cycle of processes
 * each asleep in F_SETLKW on the next one's lock?  (Each waits for one
 * holder, the one it met first, so the chain has no branches; its
 * length is bounded by the waits recorded.) */
static int
deadlocks(struct ltab *l, uint64_t holder)
{
	uint64_t me = XOK_INFO->cur_env, x = holder;
	int depth, i;

	for (depth = 0; depth <= PX_NFLWAIT; depth++) {
		if (x == me)
			return 1;
		for (i = 0; i < PX_NFLWAIT; i++)
			if (l->w[i].waiter == x && xok_env_alive(x))
				break;
		if (i == PX_NFLWAIT)
			return 0;
		x = l->w[i].holder;
	}
	return 0;
}

long
px_flock_fcntl(struct px_ofile *f, int cmd, void *uarg)
{
	struct ltab *l = ltab();
	struct flock fl;
	struct range *r, *t;
	uint64_t file, owner;
	int64_t s, e, base = 0;
	int ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK ||
	    cmd == F_OFD_SETLKW;
	long err;

	if (px_copyin(&fl, uarg, sizeof(fl)) < 0)
		return -EFAULT;
	if (!l)
		return -ENOLCK;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK &&
	    fl.l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	owner = ofd ? (uint64_t)(uintptr_t)f : XOK_INFO->cur_env;
	switch (fl.l_whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END: {
		struct stat st;

		if (!px_fops[f->type] || !px_fops[f->type]->fstat ||
		    px_fops[f->type]->fstat(f, &st) < 0)
			return -EINVAL;
		base = st.st_size;
		break;
	}
	default:
		return -EINVAL;
	}
	/* Linux's arithmetic: a start before 0 (or past the offsets) is
	 * EINVAL, a length reaching past the last offset EOVERFLOW; a range
	 * reaching the last offset is "to the end" (end INT64_MAX) */
	if (__builtin_add_overflow(base, (int64_t)fl.l_start, &s) || s < 0)
		return -EINVAL;
	if (fl.l_len > 0) {
		if (fl.l_len - 1 > INT64_MAX - s)
			return -EOVERFLOW;
		e = fl.l_len - 1 == INT64_MAX - s ? INT64_MAX : s + fl.l_len;
	} else if (fl.l_len < 0) {
		if (s + fl.l_len < 0)
			return -EINVAL;
		e = s;
		s += fl.l_len;
	} else
		e = INT64_MAX;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.l_type == F_UNLCK)
			return -EINVAL;
		if ((err = key_begin(f, &file)) < 0)
			return err;
		px_lock(&l->lock);
		if ((r = conflict(l, file, owner, s, e, fl.l_type)) != NULL) {
			fl.l_type = (short)r->type;
			fl.l_whence = SEEK_SET;
			fl.l_start = r->start;
			fl.l_len = r->end == INT64_MAX ? 0 : r->end - r->start;
			fl.l_pid = IS_OFD(r->owner) ? -1 :
			    pid_of_env(r->owner);
		} else
			fl.l_type = F_UNLCK;
		px_unlock(&l->lock);
		key_end(f);
		return px_copyout(uarg, &fl, sizeof(fl));
	}
	if ((fl.l_type == F_RDLCK && (f->flags & O_ACCMODE) == O_WRONLY) ||
	    (fl.l_type == F_WRLCK && (f->flags & O_ACCMODE) == O_RDONLY))
		return -EBADF;
	for (;;) {
		const volatile uint64_t *w[PX_BLOCK_MAXW - 1];
		uint64_t seen[PX_BLOCK_MAXW - 1], holder;
		int nw = 1;

		/* the key again each time: a link made while we slept may
		 * have moved the file to its inode's number (and a failure
		 * after a sleep leaves no record that we wait) */
		if ((err = key_begin(f, &file)) < 0) {
			px_lock(&l->lock);
			unwait(l);
			px_unlock(&l->lock);
			return err;
		}
		px_lock(&l->lock);
		unwait(l);
		if (fl.l_type == F_UNLCK ||
		    !(r = conflict(l, file, owner, s, e, fl.l_type)))
			break;
		/* sleep until the table changes (every change adds to cur) or
		 * a holder dies without a word: a process holder's slot
		 * state changes (conflict() then drops its ranges); a
		 * description's ranges go when the family sweeps its dead
		 * holders, so watch the living ones' slots too */
		w[0] = &l->cur;
		seen[0] = l->cur;
		holder = r->owner;
		if (!IS_OFD(holder)) {
			w[1] = (const volatile uint64_t *)
			    &xok_env_info(holder)->state;
			seen[1] = *w[1];
			nw = 2;
			if (cmd == F_SETLKW && deadlocks(l, holder)) {
				px_unlock(&l->lock);
				key_end(f);
				return -EDEADLK;
			}
			if (cmd == F_SETLKW)
				await(l, holder);
		}
		/* vlock too, before the sweep (a close of a dead holder's
		 * descriptor may take it) and the sleep */
		px_unlock(&l->lock);
		key_end(f);
		if (IS_OFD(holder)) {
			uint64_t envs[PX_BLOCK_MAXW - 2];
			int i, n = px_fd_holders(
			    (struct px_ofile *)(uintptr_t)holder, envs,
			    PX_BLOCK_MAXW - 2);

			if (n < 0) {            /* a dead process holds it */
				px_fd_sweep();
				continue;
			}
			for (i = 0; i < n; i++, nw++) {
				w[nw] = (const volatile uint64_t *)
				    &xok_env_info(envs[i])->state;
				seen[nw] = *w[nw];
			}
		}
		if (cmd != F_SETLKW && cmd != F_OFD_SETLKW)
			return -EAGAIN;
		err = px_block(w, seen, nw, UINT64_MAX);
		if (err < 0) {
			px_lock(&l->lock);
			unwait(l);
			px_unlock(&l->lock);
			return err;
		}
	}
	/* all or nothing: a split of one of ours takes a slot, the new
	 * range another; ENOLCK before anything changes (an unlock that
	 * splits nothing always works); the change is made in the copy
	 * not in use and published at once */
	t = change(l);
	if (!have_free(t, splits(t, file, owner, s, e) +
	    (fl.l_type != F_UNLCK)))
		err = -ENOLCK;
	else
		err = cut(t, file, owner, s, e);
	if (err == 0 && fl.l_type != F_UNLCK) {
		if (!(r = free_range(t)))
			err = -ENOLCK;
		else {
			r->file = file;
			r->owner = owner;
			r->start = s;
			r->end = e;
			r->type = fl.l_type;
			r->used = 1;
		}
	}
	if (err == 0)
		publish(l);
	px_unlock(&l->lock);
	key_end(f);
	return err;
}

/* Is any range on file?  Read without the table's lock, by vfs_cffs.c
 * under vlock: a range on a C-FFS file's key is added only under
 * vlock, so none appears meanwhile, and one that goes needs nothing. */
static int
keyed(struct ltab *l, uint64_t file)
{
	const volatile struct range *r = l->r[l->cur & 1];
	int i;

	for (i = 0; i < PX_NFLOCK; i++)
		if (r[i].used && r[i].file == file)
			return 1;
	return 0;
}

/*
 * (vfs_cffs.c, vlock held) Every range on key from is on key to: a
 * first link moved the embedded inode whose vnode was the key out to
 * a number of its own.  One publish, so a kill leaves all of them
 * moved or none.  No range is on to before (a new external number
 * has no open file, and an owner dead or an OFD lock leaked by a kill
 * is all a reused number may carry), so an owner's ranges still do
 * not overlap.
 */
void
px_flock_rekey(uint64_t from, uint64_t to)
{
	struct px_fdtab *t = px_fd_tab();
	struct ltab *l;
	struct range *n;
	int i, any = 0;

	if (!t || !(l = t->reg->flocks) || !keyed(l, from))
		return;
	px_lock(&l->lock);
	n = change(l);
	for (i = 0; i < PX_NFLOCK; i++)
		if (n[i].used && n[i].file == from) {
			n[i].file = to;
			any = 1;
		}
	if (any)
		publish(l);
	px_unlock(&l->lock);
}

/* Does the table hold a range of owner (on file; 0: any file)?  Read
 * without the lock: the callers' owners are ourselves or a description
 * or process that is gone, and only an owner adds ranges of its own,
 * so no range of it appears meanwhile; one that disappears (a dead
 * owner's, dropped by another) needs no drop.  So close and exit pay
 * the table's lock only when there is something to drop. */
static int
holds(struct ltab *l, uint64_t file, uint64_t owner)
{
	const volatile struct range *r = l->r[l->cur & 1];
	int i;

	for (i = 0; i < PX_NFLOCK; i++)
		if (r[i].used && r[i].owner == owner &&
		    (file == 0 || r[i].file == file))
			return 1;
	return 0;
}

/* Drop every range of owner (an environment or a description),
 * published if there was one, so that waiters look again. */
static void
drop_owner(uint64_t owner)
{
	struct px_fdtab *t = px_fd_tab();
	struct ltab *l;
	struct range *n;
	int i, any = 0;

	if (!t || !(l = t->reg->flocks) || !holds(l, 0, owner))
		return;
	px_lock(&l->lock);
	n = change(l);
	for (i = 0; i < PX_NFLOCK; i++)
		if (n[i].used && n[i].owner == owner) {
			n[i].used = 0;
			any = 1;
		}
	if (any)
		publish(l);
	px_unlock(&l->lock);
}

void
px_flock_release(struct px_ofile *f)
{
	drop_owner((uint64_t)(uintptr_t)f);
}

void
px_flock_exit(uint64_t env)
{
	drop_owner(env);
}

void
px_flock_close(struct px_ofile *f)
{
	struct px_fdtab *t = px_fd_tab();
	struct ltab *l;
	uint64_t file, me = XOK_INFO->cur_env;
	struct range *n;
	int i, any = 0;

	/* nothing of ours on any file (the usual close) costs no key: a
	 * C-FFS file's may need vlock and a stat.  A key that cannot be
	 * had (the stat of a name never locked through failed) drops
	 * nothing: our ranges on that file, made through another name,
	 * stay until another close of it or our exit. */
	if (!t || !(l = t->reg->flocks) || !holds(l, 0, me))
		return;
	if (key_begin(f, &file) < 0)
		return;
	if (!holds(l, file, me)) {
		key_end(f);
		return;
	}
	px_lock(&l->lock);
	n = change(l);
	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &n[i];

		if (r->used && r->file == file && r->owner == me) {
			r->used = 0;
			any = 1;
		}
	}
	if (any)
		publish(l);
	px_unlock(&l->lock);
	key_end(f);
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(flock, sizeof(struct ltab));
