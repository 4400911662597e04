/*
 * fifoname.c: an open FIFO's names and inode (fifo.c opens it): the
 * name changes that move or remove its inode, and the calls on an end
 * that reach the inode (fstat, fchmod, fchown, futimens) or its name
 * (readlink of /proc/self/fd/N).
 *
 * An open FIFO is known by its inode number (fifo.h's entry), which
 * C-FFS moves when the FIFO's entry moves (rename of it, its first
 * hard link) and may give to another file once the FIFO is removed.
 * So fscalls.c makes unlink, rename and link inside
 * px_fifo_names_begin/end, which hold the list's lock across the change
 * and fix the entries it touched: a removed FIFO's entry is gone (never
 * found again: a new FIFO of that name, even at the same number, is
 * another pipe), a moved one's takes the new number.  An opener looks
 * its name up again under the same lock (fifo.c), so it always meets
 * the entry of the FIFO its name holds at that moment.
 *
 * While its entry is not gone, the number is the FIFO's: fstat reads
 * the inode fresh (cffs_istat) and fchmod, fchown and futimens change
 * it on the disk by number (cffs_ichmod...), as Linux changes the
 * inode.  Once gone, the inode is no longer on the disk (C-FFS removed
 * it: nothing keeps a FIFO's data): the last inode seen is kept in the
 * entry, and the attribute calls change that copy, which fstat shows,
 * until the last end is closed.
 *
 * The entry keeps one name of the FIFO (the first opener's, then where
 * a rename took it; a rename of a directory above moves it too):
 * readlink of /proc/self/fd/N gives it, with " (deleted)" once that
 * name was removed, as Linux does.
 *
 * A change that fails is checked too: a FIFO no longer at its name
 * and number moved (to the new name) or lost that name.
 *
 * (fifo4) A kill: the change and its fix-up are journaled in the list
 * (fifo.h: the names, the FIFOs found there before, how far it went),
 * so a process killed between the C-FFS call and the end of the fix-up
 * leaves it to the lock's next holder (px_fifo_names_repair), which
 * finishes it.  Killed inside the C-FFS call, the result is unknown:
 * the repair looks at the names as they are, like a failed change.
 * The one case it cannot tell: a FIFO renamed over another that C-FFS
 * gives the replaced one's number (same directory, same slot) looks
 * like the target still there, and the moved one's entry goes gone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "posix.h"
#include "fifo.h"
#include "vfs.h"
#include "fsroot.h"

long
px_fifo_setpath(struct px_fifo *e, const char *path)
{
	long r = px_shm_setstr(&e->path, &e->cap, path);

	if (r == 0)
		e->deleted = 0;
	return r;
}

/* The lstat of the FIFO at path into st: 1, or 0 if it is not one. */
static int
fifo_at(const char *path, struct stat *st)
{
	int be;

	return px_lstat_at(path, st, &be) == 0 && be == PX_BE_CFFS &&
	    S_ISFIFO(st->st_mode);
}

/* A bounded copy of a name into the journal (the caller's buffers are
 * PX_PATH_MAX long too). */
static void
name_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, PX_PATH_MAX - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

void
px_fifo_names_begin(struct px_fifo_names *n, int op, const char *from,
    const char *to)
{
	struct fifo_list *l = px_fifo_list();
	struct fifo_names_j *j;

	/* no list: the region is full, and no FIFO is open */
	if (!(n->l = l))
		return;
	px_fifo_lock(l);
	if (!l->head)
		return;         /* nothing open: nothing to fix after */
	/* (fifo4) the journal: a kill from here on leaves the fix-up to
	 * the lock's next holder */
	j = &l->nm;
	j->op = op;
	j->afifo = fifo_at(from, &j->a);
	j->bfifo = to && fifo_at(to, &j->b);
	j->hasto = to != NULL;
	name_copy(j->from, from);
	name_copy(j->to, to ? to : "");
	__atomic_store_n(&j->state, 1, __ATOMIC_RELEASE);
}

/* One name of the FIFO st was removed (path) (lock held). */
static void
removed(struct fifo_list *l, const struct stat *st, const char *path)
{
	struct px_fifo *e;

	if (!(e = px_fifo_find(l, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino)))
		return;
	if (e->path && strcmp(e->path, path) == 0)
		e->deleted = 1;
	if (st->st_nlink > 1) {
		e->st.st_nlink = st->st_nlink - 1;
	} else {
		e->gone = 1;
		e->deleted = 1;
		e->st.st_nlink = 0;
	}
}

/* The FIFO st has the name path now, maybe at a new number (lock
 * held); rename: that is its name from now on. */
static void
moved(struct fifo_list *l, const struct stat *st, const char *path,
    int rename)
{
	struct px_fifo *e;
	struct stat now;

	if (!(e = px_fifo_find(l, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino)))
		return;
	if (!fifo_at(path, &now)) {     /* not there: a stale number */
		e->gone = 1;
		return;
	}
	e->dev = (uint64_t)now.st_dev;
	e->ino = (uint64_t)now.st_ino;
	e->st = now;
	if (rename || e->deleted)
		(void)px_fifo_setpath(e, path);
}

/* A directory from was renamed to: the names under it move (lock
 * held).  A name too long for the new place keeps the old text. */
static void
moved_under(struct fifo_list *l, const char *from, const char *to)
{
	static char buf[PX_PATH_MAX];
	size_t nf = strlen(from), nt = strlen(to);
	struct px_fifo *e;

	for (e = l->head; e; e = e->next) {
		if (!e->path || strncmp(e->path, from, nf) != 0 ||
		    e->path[nf] != '/' ||
		    nt + strlen(e->path + nf) >= sizeof(buf))
			continue;
		memcpy(buf, to, nt);
		strcpy(buf + nt, e->path + nf);
		if (!e->deleted)
			(void)px_fifo_setpath(e, buf);
	}
}

/* The FIFO st is still at path, at its number. */
static int
still_at(const char *path, const struct stat *st)
{
	struct stat now;

	return fifo_at(path, &now) && now.st_ino == st->st_ino &&
	    now.st_dev == st->st_dev;
}

/* The FIFO st left its name from (lock held): moved to to if a FIFO is
 * there now, else that name is removed (gone if it was its last: its
 * ends go on, the name never finds it). */
static void
left(struct fifo_list *l, const struct stat *st, const char *from,
    const char *to, int rename)
{
	if (to)
		moved(l, st, to, rename);
	else
		removed(l, st, from);
}

/* The name path exists (an lstat works). */
static int
exists(const char *path)
{
	struct stat st;
	int be;

	return px_lstat_at(path, &st, &be) == 0;
}

static void
step(struct fifo_names_j *j, uint64_t k)
{
	__atomic_store_n(&j->state, k, __ATOMIC_RELEASE);
}

/*
 * The fix-up after the change in j (lock held), in steps that mark
 * themselves done (j->state), so a holder killed in the middle leaves
 * the rest to the next (px_fifo_names_repair), and a step done again
 * changes nothing more (the names and numbers it reads are where the
 * first run left them: no name change or open happens under a lock
 * held by the dead).  State 1 (killed in the C-FFS call, its result
 * unknown) and a failed change (which may have moved a name half way:
 * vfs_cffs.c's rename hides an open target first, and puts it back if
 * it can) read the names as they are: each FIFO is looked for where
 * it was.
 */
static void
fixup(struct fifo_list *l, struct fifo_names_j *j)
{
	uint64_t s = j->state;
	int fail = s == 1 || j->r < 0;
	const char *to = j->hasto ? j->to : NULL;

	if (s <= 2 && fail) {
		if (j->bfifo && !still_at(to, &j->b))
			left(l, &j->b, to, NULL, 0);
	} else if (s <= 2) {
		/* a FIFO rename replaced (not another name of itself) */
		if (j->op == PX_FIFO_RENAME && j->bfifo && (!j->afifo ||
		    j->a.st_ino != j->b.st_ino || j->a.st_dev != j->b.st_dev))
			removed(l, &j->b, to);
	}
	if (s <= 2)
		step(j, 3);
	if (s <= 3 && fail) {
		/* (to: unless the target is still there) */
		if (j->afifo && !still_at(j->from, &j->a))
			left(l, &j->a, j->from, j->op == PX_FIFO_UNLINK ||
			    (j->bfifo && still_at(to, &j->b)) ? NULL : to,
			    j->op == PX_FIFO_RENAME);
	} else if (s <= 3 && j->afifo) {
		if (j->op == PX_FIFO_UNLINK)
			removed(l, &j->a, j->from);
		else
			moved(l, &j->a, to, j->op == PX_FIFO_RENAME);
	}
	if (s <= 3)
		step(j, 4);
	/* a directory renamed: the names under it (a result unknown: if
	 * the old name is gone and the new one there) */
	if (j->op == PX_FIFO_RENAME && (s == 1 ? !exists(j->from) &&
	    exists(to) : j->r >= 0))
		moved_under(l, j->from, to);
	step(j, 0);
}

void
px_fifo_names_repair(struct fifo_list *l)
{
	fixup(l, &l->nm);
}

void
px_fifo_names_end(struct px_fifo_names *n, long r)
{
	struct fifo_list *l = n->l;

	if (!l)
		return;
	if (l->nm.state) {
		l->nm.r = r;
		step(&l->nm, 2);
		fixup(l, &l->nm);
	}
	px_unlock(&l->lock);
}

/* Read e's inode again (list lock held): 0 (fresh), 1 (e is gone: its
 * number holds no inode now, or not a FIFO; the last copy kept), or
 * -errno (not read: EIO, no file system; e left as it was). */
static long
refresh(struct px_fifo *e)
{
	struct cffs_stat cs;
	struct cffs_fs *fs;
	long err, r;

	if (e->gone)
		return 1;
	if (!(fs = px_fs_begin(&err)))
		return err == -ENODEV ? -EROFS : err;
	r = px_fs_end(fs, cffs_istat(fs, (cffs_ino_t)e->ino, &cs),
	    PX_FS_READ);
	if (r < 0 && r != -ESTALE)
		return r;
	if (r < 0 || (cs.mode & CFFS_S_IFMT) != CFFS_S_IFIFO) {
		e->gone = 1;
		return 1;
	}
	px_cffs_stat(&cs, &e->st);
	return 0;
}

long
px_fifo_fstat(struct px_ofile *f, struct stat *st)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);

	if (l) {
		px_fifo_lock(l);
		(void)refresh(e);       /* not read (EIO): the last copy */
	}
	*st = e->st;
	if (l)
		px_unlock(&l->lock);
	st->st_size = 0;
	st->st_blocks = 0;
	return 0;
}

/* A gone FIFO's attribute change: the kept copy (lock held). */
static void
set_kept(struct px_fifo *e, int what, const void *arg)
{
	const uint32_t *v = arg;
	const struct cffs_time *const *t = arg;
	struct timespec now;

	switch (what) {
	case PX_FIFO_CHMOD:
		e->st.st_mode = (e->st.st_mode & S_IFMT) | (v[0] & 07777);
		break;
	case PX_FIFO_CHOWN:
		if (v[0] != (uint32_t)-1)
			e->st.st_uid = v[0];
		if (v[1] != (uint32_t)-1)
			e->st.st_gid = v[1];
		break;
	default:
		if (t[0]) {
			e->st.st_atim.tv_sec = t[0]->sec;
			e->st.st_atim.tv_nsec = t[0]->nsec;
		}
		if (t[1]) {
			e->st.st_mtim.tv_sec = t[1]->sec;
			e->st.st_mtim.tv_nsec = t[1]->nsec;
		}
	}
	px_clock_gettime(CLOCK_REALTIME, (long)&now, 0, 0, 0, 0);
	e->st.st_ctim = now;
}

/* The inode by number: taken under the lock after refresh, so a name
 * change between the call and the lock (which moves the number) never
 * sends it to another file. */
long
px_fifo_setattr(struct px_ofile *f, int what, const void *arg)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);
	const uint32_t *v = arg;
	const struct cffs_time *const *t = arg;
	struct cffs_fs *fs;
	cffs_ino_t ino;
	long r, err;

	if (!l)
		return -EBADF;
	px_fifo_lock(l);
	if ((r = refresh(e)) < 0)
		goto out;
	if (r == 0) {
		if (!(fs = px_fs_begin(&err))) {
			r = err == -ENODEV ? -EROFS : err;
			goto out;
		}
		ino = (cffs_ino_t)e->ino;
		r = px_fs_end(fs, what == PX_FIFO_CHMOD ?
		    cffs_ichmod(fs, ino, v[0]) : what == PX_FIFO_CHOWN ?
		    cffs_ichown(fs, ino, v[0], v[1]) :
		    cffs_iutimens(fs, ino, t[0], t[1]), PX_FS_CHANGED);
		/* e->st: what the call made; ESTALE: moved away still
		 * (by another family, not under our lock): gone */
		err = refresh(e);
		if (r != -ESTALE || err != 1)
			goto out;
	}
	set_kept(e, what, arg);
	r = 0;
out:
	px_unlock(&l->lock);
	return r;
}

long
px_fifo_name(struct px_ofile *f, char *buf, size_t n)
{
	struct px_fifo *e = (struct px_fifo *)(uintptr_t)f->obj[0];
	struct fifo_list *l = px_shm_root_find(PX_ROOT_FIFO);
	long r = 0;

	if (!l) {
		snprintf(buf, n, "pipe:[%lu]", (unsigned long)e->ino);
		return 0;
	}
	px_fifo_lock(l);
	if (e->path) {
		snprintf(buf, n, "%s%s", e->path, e->deleted ?
		    " (deleted)" : "");
		r = !e->deleted;
	} else {
		snprintf(buf, n, "pipe:[%lu]", (unsigned long)e->ino);
	}
	px_unlock(&l->lock);
	return r;
}
