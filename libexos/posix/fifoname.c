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
 * and number moved (to the new name) or is gone.
 *
 * Left: a process killed between a name change's C-FFS call and its
 * fix-up leaves the entry with the old number (its ends go on; a new
 * opener of the name may get another pipe, or, if the number was
 * reused by a new FIFO, join this one).
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

void
px_fifo_names_begin(struct px_fifo_names *n, int op, const char *from,
    const char *to)
{
	struct fifo_list *l = px_fifo_list();

	memset(n, 0, sizeof(*n));
	n->op = op;
	n->from = from;
	n->to = to;
	/* no list: the region is full, and no FIFO is open */
	if (!(n->l = l))
		return;
	px_fifo_lock(l);
	if (!l->head)
		return;         /* nothing open: nothing to fix after */
	n->afifo = fifo_at(from, &n->a);
	if (to)
		n->bfifo = fifo_at(to, &n->b);
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

/* The FIFO st left its name (lock held): moved to to if a FIFO is
 * there now, else gone (its ends go on, the name never finds it). */
static void
left(struct fifo_list *l, const struct stat *st, const char *to, int rename)
{
	struct px_fifo *e;

	if (to) {
		moved(l, st, to, rename);
	} else if ((e = px_fifo_find(l, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino))) {
		e->gone = 1;
		e->deleted = 1;
	}
}

void
px_fifo_names_end(struct px_fifo_names *n, long r)
{
	struct fifo_list *l = n->l;

	if (!l)
		return;
	/* A failed change may have moved a name half way (vfs_cffs.c's
	 * rename hides an open target first, and puts it back if it can):
	 * each FIFO is looked for where it was. */
	if (r < 0 && l->head) {
		if (n->bfifo && !still_at(n->to, &n->b))
			left(l, &n->b, NULL, 0);
		/* (to: unless the target is still there) */
		if (n->afifo && !still_at(n->from, &n->a))
			left(l, &n->a, n->op == PX_FIFO_UNLINK ||
			    (n->bfifo && still_at(n->to, &n->b)) ? NULL :
			    n->to, n->op == PX_FIFO_RENAME);
	}
	if (r >= 0 && l->head) {
		/* a FIFO rename replaced (not another name of itself) */
		if (n->op == PX_FIFO_RENAME && n->bfifo && (!n->afifo ||
		    n->a.st_ino != n->b.st_ino || n->a.st_dev != n->b.st_dev))
			removed(l, &n->b, n->to);
		if (n->afifo && n->op == PX_FIFO_UNLINK)
			removed(l, &n->a, n->from);
		else if (n->afifo)
			moved(l, &n->a, n->to, n->op == PX_FIFO_RENAME);
		if (n->op == PX_FIFO_RENAME)
			moved_under(l, n->from, n->to);
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
