/*
 * flock.c: POSIX advisory record locks (fcntl F_GETLK, F_SETLK,
 * F_SETLKW, and the open-file-description F_OFD_* ones), as sqlite
 * uses them.  The family's locks are one table in the shared region
 * (PX_NFLOCK ranges) under a px_lock: a range names the file (its vnode
 * for a C-FFS file, else the description), its owner (the process's
 * environment id; for F_OFD_* the description) and [start, end).  A
 * process's locks on a file go when it closes any descriptor of that
 * file (POSIX's rule; not an O_PATH one: fd.c) and when it exits (fd.c,
 * px_flock_exit) or is swept after a kill; a dead owner's ranges are
 * ignored and dropped wherever they are met.  OFD locks go with the
 * description's last reference (px_ofile_put).  F_SETLKW sleeps with
 * px_block on the table's generation word, which every change bumps,
 * and on the holder's slot state (a killed holder says nothing).  The
 * key of a C-FFS file is its vnode, which is one per name: a file
 * reached through two hard links has two keys (docs/ARCHITECTURE.md).
 * No deadlock detection (EDEADLK is never returned); a full table is
 * ENOLCK, and a call that fails changes nothing.
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
#include "proc.h"

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

struct ltab {
	struct px_lock lock;
	volatile uint64_t gen;
	struct range r[PX_NFLOCK];
};

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

static uint64_t
file_key(struct px_ofile *f)
{
	return f->type == PX_FT_FILE ? f->obj[0] : (uint64_t)(uintptr_t)f;
}

static int
alive(uint64_t owner)
{
	return IS_OFD(owner) || xok_env_alive(owner);
}

/* The first range of another owner that conflicts with [s, e) type. */
static struct range *
conflict(struct ltab *l, uint64_t file, uint64_t owner, int64_t s,
    int64_t e, int type)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &l->r[i];

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
free_range(struct ltab *l)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		if (l->r[i].used && !alive(l->r[i].owner))
			l->r[i].used = 0;
		if (!l->r[i].used)
			return &l->r[i];
	}
	return NULL;
}

/* Are there at least n free slots (dead owners' taken back)? */
static int
have_free(struct ltab *l, int n)
{
	int i;

	for (i = 0; i < PX_NFLOCK && n > 0; i++) {
		if (l->r[i].used && !alive(l->r[i].owner))
			l->r[i].used = 0;
		if (!l->r[i].used)
			n--;
	}
	return n <= 0;
}

/* 1 if cutting [s, e) out of owner's ranges on file splits one in two
 * (an owner's ranges never overlap: at most one holds [s, e) inside). */
static int
splits(struct ltab *l, uint64_t file, uint64_t owner, int64_t s, int64_t e)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &l->r[i];

		if (r->used && r->file == file && r->owner == owner &&
		    r->start < s && e < r->end)
			return 1;
	}
	return 0;
}

/* Take [s, e) out of owner's ranges on file (splitting one); 0, or
 * -ENOLCK if a split needs a range and there is none. */
static long
cut(struct ltab *l, uint64_t file, uint64_t owner, int64_t s, int64_t e)
{
	int i;

	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &l->r[i], *n;

		if (!r->used || r->file != file || r->owner != owner ||
		    r->end <= s || e <= r->start)
			continue;
		if (r->start < s && e < r->end) {       /* split in two */
			if (!(n = free_range(l)))
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

long
px_flock_fcntl(struct px_ofile *f, int cmd, void *uarg)
{
	struct ltab *l = ltab();
	struct flock fl;
	struct range *r;
	uint64_t file = file_key(f), owner;
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
		return px_copyout(uarg, &fl, sizeof(fl));
	}
	if ((fl.l_type == F_RDLCK && (f->flags & O_ACCMODE) == O_WRONLY) ||
	    (fl.l_type == F_WRLCK && (f->flags & O_ACCMODE) == O_RDONLY))
		return -EBADF;
	for (;;) {
		const volatile uint64_t *w[2];
		uint64_t seen[2];
		int nw = 1;

		px_lock(&l->lock);
		if (fl.l_type == F_UNLCK ||
		    !(r = conflict(l, file, owner, s, e, fl.l_type)))
			break;
		/* sleep until the table changes (every unlock, close and
		 * exit bumps gen) or the holder dies without a word (killed:
		 * its slot's state word changes; conflict() then drops its
		 * ranges) */
		w[0] = &l->gen;
		seen[0] = l->gen;
		if (!IS_OFD(r->owner)) {
			w[1] = (const volatile uint64_t *)
			    &xok_env_info(r->owner)->state;
			seen[1] = *w[1];
			nw = 2;
		}
		px_unlock(&l->lock);
		if (cmd != F_SETLKW && cmd != F_OFD_SETLKW)
			return -EAGAIN;
		if ((err = px_block(w, seen, nw, UINT64_MAX)) < 0)
			return err;
	}
	/* all or nothing: a split of one of ours takes a slot, the new
	 * range another; ENOLCK before anything changes (an unlock that
	 * splits nothing always works) */
	if (!have_free(l, splits(l, file, owner, s, e) +
	    (fl.l_type != F_UNLCK)))
		err = -ENOLCK;
	else
		err = cut(l, file, owner, s, e);
	if (err == 0 && fl.l_type != F_UNLCK) {
		if (!(r = free_range(l)))
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
	l->gen++;
	px_unlock(&l->lock);
	return err;
}

/* Does the table hold a range of owner (on file; 0: any file)?  Read
 * without the lock: the callers' owners are ourselves or a description
 * or process that is gone, and only an owner adds ranges of its own,
 * so no range of it appears meanwhile; one that disappears (a dead
 * owner's, dropped by another) needs no drop.  So close and exit pay
 * the table's lock only when there is something to drop. */
static int
holds(const struct ltab *l, uint64_t file, uint64_t owner)
{
	const volatile struct range *r = l->r;
	int i;

	for (i = 0; i < PX_NFLOCK; i++)
		if (r[i].used && r[i].owner == owner &&
		    (file == 0 || r[i].file == file))
			return 1;
	return 0;
}

/* Drop every range of owner (an environment or a description); bump
 * gen if there was one, so that waiters look again. */
static void
drop_owner(uint64_t owner)
{
	struct px_fdtab *t = px_fd_tab();
	struct ltab *l;
	int i, any = 0;

	if (!t || !(l = t->reg->flocks) || !holds(l, 0, owner))
		return;
	px_lock(&l->lock);
	for (i = 0; i < PX_NFLOCK; i++)
		if (l->r[i].used && l->r[i].owner == owner) {
			l->r[i].used = 0;
			any = 1;
		}
	if (any)
		l->gen++;
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
	uint64_t file = file_key(f), me = XOK_INFO->cur_env;
	int i, any = 0;

	if (!t || !(l = t->reg->flocks) || !holds(l, file, me))
		return;
	px_lock(&l->lock);
	for (i = 0; i < PX_NFLOCK; i++) {
		struct range *r = &l->r[i];

		if (r->used && r->file == file && r->owner == me) {
			r->used = 0;
			any = 1;
		}
	}
	if (any)
		l->gen++;
	px_unlock(&l->lock);
}
