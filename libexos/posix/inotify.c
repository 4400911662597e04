/*
 * inotify.c: inotify_init, inotify_init1, inotify_add_watch,
 * inotify_rm_watch and the file type PX_FT_INOTIFY (read, poll,
 * FIONREAD, close) (docs/ARCHITECTURE.md, "inotify").
 *
 * The family's event log (shared region, object PX_ROOT_INOTIFY) is a
 * ring of records "this happened to the object at this path", appended
 * by the file calls' hooks (inotify.h) only while the family has at
 * least one watch, and a sequence number: the count of records ever
 * appended, the word a reader sleeps on (px_block).  An instance (in
 * the shared region too: fork and dup share it, as on Linux) holds its
 * watches by path, its position in the log and a queue of finished
 * struct inotify_event records.  A read or poll first turns the log's
 * new records into events of its watches, then returns what is queued
 * or sleeps until the sequence number moves.  Nothing is polled.
 *
 * Watches are by name, as the whole POSIX layer's open files are
 * (vfs_cffs.c): a rename of a watched object moves its watch (and the
 * watches below a renamed directory) to the new name.  Limits (said in
 * docs/PORTING.md): only the family's own processes are seen (another
 * family shares no log); a name of 248 bytes or more is not watched
 * (ENAMETOOLONG) and makes no record; the ring holds 128 records (a
 * reader that falls further behind gets IN_Q_OVERFLOW), the queue 8 KiB
 * of events (IN_Q_OVERFLOW after); 32 watches per instance (ENOSPC);
 * IN_DELETE_SELF comes at the unlink of the last name even if the file
 * is still open (Linux waits for the last close), a second hard link's
 * changes are seen only through the name that made them; /dev, /proc
 * and exos-run's in-memory files make no events; IN_UNMOUNT never
 * comes; IN_EXCL_UNLINK is accepted and changes nothing.
 */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "posix.h"
#include "fd.h"
#include "vfs.h"
#include "block.h"
#include "pipe.h"
#include "uaccess.h"
#include "inotify.h"

#define IN_NREC         128             /* the log's ring */
#define IN_PATH         248             /* a name's room, with its NUL */
#define IN_NWATCH       32              /* watches per instance */
#define IN_QSIZE        8192            /* queued event bytes */
#define EV              sizeof(struct inotify_event)

/* the bits add_watch takes (Linux's ALL_INOTIFY_BITS) */
#define IN_FLAGS        (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | \
    IN_MASK_CREATE | IN_MASK_ADD | IN_ONESHOT)
#define IN_ALLBITS      (IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | \
    IN_IGNORED | IN_ISDIR | IN_FLAGS)
#define IN_KEEP         (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)

struct inrec {
	uint32_t mask;          /* inotify.h's kinds, | IN_ISDIR */
	uint32_t cookie;        /* IN_MOVED_FROM and _TO of one rename */
	char path[IN_PATH];
};

struct inlog {                  /* PX_ROOT_INOTIFY */
	struct px_lock lock;
	volatile uint64_t seq;          /* records appended ever */
	volatile uint64_t hiwater;      /* the furthest any reader has read */
	volatile uint64_t watches;      /* the family's watches */
	uint32_t cookie;
	uint32_t pad;
	struct inrec rec[IN_NREC];      /* record s at rec[s % IN_NREC] */
};

struct inwatch {
	int32_t wd;             /* 0: free */
	uint32_t mask;          /* IN_KEEP bits */
	uint32_t isdir;
	uint32_t pad;
	char path[IN_PATH];
};

struct ininst {                 /* an instance, in the shared region */
	struct px_lock lock;
	uint64_t rd;            /* the log's next record for us */
	int32_t next_wd;
	uint32_t qlen;          /* bytes in q */
	uint32_t qlast;         /* where the last queued event starts */
	uint32_t pad;
	struct inwatch w[IN_NWATCH];
	char q[IN_QSIZE];
};

#define INST(f) ((struct ininst *)(uintptr_t)(f)->obj[0])

static struct inlog *L;         /* the family's, once found */

/* The instance of f, and L found (an instance made before an execve,
 * or closed by another program, finds it anew), or NULL. */
static struct ininst *
inst(struct px_ofile *f)
{
	struct ininst *in = INST(f);

	if (!in || (!L && !(L = px_shm_root_find(PX_ROOT_INOTIFY))))
		return NULL;
	return in;
}

static struct inlog *
inlog(int make)
{
	if (!L)
		L = make ? px_shm_root(PX_ROOT_INOTIFY, sizeof(*L)) :
		    px_shm_root_find(PX_ROOT_INOTIFY);
	return L;
}

/* ---- the writers' side ------------------------------------------------ */

/* Append a record (the log's lock held): an IN_MODIFY or IN_ACCESS like
 * the newest record is not added while no reader has taken that one
 * (every reader will see it: Linux merges such events too). */
static void
append(const char *path, uint32_t mask, uint32_t cookie)
{
	uint64_t s = L->seq;
	struct inrec *r;

	if (s > 0 && L->hiwater < s && (mask & (IN_MODIFY | IN_ACCESS))) {
		r = &L->rec[(s - 1) % IN_NREC];
		if (r->mask == mask && strcmp(r->path, path) == 0)
			return;
	}
	r = &L->rec[s % IN_NREC];
	r->mask = mask;
	r->cookie = cookie;
	strcpy(r->path, path);
	__atomic_store_n(&L->seq, s + 1, __ATOMIC_RELEASE);
}

void
px_in_note(const char *path, uint32_t mask, int isdir)
{
	if (!inlog(0) || !__atomic_load_n(&L->watches, __ATOMIC_ACQUIRE) ||
	    strlen(path) >= IN_PATH)
		return;
	px_lock(&L->lock);
	append(path, mask | (isdir ? IN_ISDIR : 0), 0);
	px_unlock(&L->lock);
	px_poll_kick();
}

void
px_in_move(const char *from, const char *to, int isdir)
{
	uint32_t d = isdir ? IN_ISDIR : 0;

	if (!inlog(0) || !__atomic_load_n(&L->watches, __ATOMIC_ACQUIRE) ||
	    strlen(from) >= IN_PATH || strlen(to) >= IN_PATH)
		return;
	px_lock(&L->lock);
	if (++L->cookie == 0)
		L->cookie = 1;
	append(from, IN_MOVED_FROM | d, L->cookie);
	append(to, IN_MOVED_TO | d, L->cookie);
	px_unlock(&L->lock);
	px_poll_kick();
}

/* ---- an instance: the log's records as events --------------------------- */

/* Queue one event (the instance's lock held); merged with the last
 * queued one if the same, IN_Q_OVERFLOW when the queue is full. */
static void
queue(struct ininst *in, int32_t wd, uint32_t mask, uint32_t cookie,
    const char *name)
{
	struct inotify_event e, *last = NULL;
	size_t nl = name ? strlen(name) : 0;
	uint32_t len = nl ? (uint32_t)((nl + 1 + EV - 1) / EV * EV) : 0;

	if (in->qlen) {
		last = (struct inotify_event *)(in->q + in->qlast);
		if (last->wd == wd && last->mask == mask &&
		    last->cookie == cookie && last->len == len &&
		    (!nl || strcmp(last->name, name) == 0))
			return;
	}
	if (in->qlen + EV + len > IN_QSIZE - EV) {
		/* full: one IN_Q_OVERFLOW (then merged) at the end */
		if (in->qlen && last->mask == IN_Q_OVERFLOW)
			return;
		wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, len = 0, nl = 0;
	}
	e.wd = wd;
	e.mask = mask;
	e.cookie = cookie;
	e.len = len;
	memcpy(in->q + in->qlen, &e, EV);
	memset(in->q + in->qlen + EV, 0, len);
	if (nl)
		memcpy(in->q + in->qlen + EV, name, nl);
	in->qlast = in->qlen;
	in->qlen += (uint32_t)(EV + len);
}

static void
unwatch(struct ininst *in, struct inwatch *w)
{
	queue(in, w->wd, IN_IGNORED, 0, NULL);
	w->wd = 0;
	__atomic_sub_fetch(&L->watches, 1, __ATOMIC_ACQ_REL);
}

/* An event for watch w if it wants it; IN_ONESHOT ends it after. */
static void
deliver(struct ininst *in, struct inwatch *w, uint32_t mask,
    uint32_t cookie, const char *name)
{
	if (!(w->mask & mask & IN_ALL_EVENTS))
		return;
	queue(in, w->wd, mask, cookie, name);
	if (w->mask & IN_ONESHOT)
		unwatch(in, w);
}

/* Is dir the directory that holds path (base: path's last name)? */
static int
holds(const char *dir, const char *path, const char *base)
{
	size_t n = (size_t)(base - path);

	if (n == 1)             /* "/name" */
		return strcmp(dir, "/") == 0;
	return strlen(dir) == n - 1 && strncmp(dir, path, n - 1) == 0;
}

/* A rename moved from to to: the watches of from and below follow. */
static void
moved(struct ininst *in, const char *from, const char *to, uint32_t d)
{
	size_t fl = strlen(from), tl = strlen(to);
	struct inwatch *w;
	char buf[IN_PATH];

	for (w = in->w; w < in->w + IN_NWATCH; w++) {
		if (!w->wd)
			continue;
		if (strcmp(w->path, from) == 0) {
			strcpy(w->path, to);
			deliver(in, w, IN_MOVE_SELF | d, 0, NULL);
		} else if (strncmp(w->path, from, fl) == 0 &&
		    w->path[fl] == '/') {
			if (tl + strlen(w->path + fl) >= IN_PATH) {
				unwatch(in, w);         /* too long now */
				continue;
			}
			strcpy(buf, to);
			strcpy(buf + tl, w->path + fl);
			strcpy(w->path, buf);
		}
	}
}

/* One record of the log (both locks held). */
static void
apply(struct ininst *in, const struct inrec *r, const struct inrec *prev)
{
	uint32_t m = r->mask & ~IN_ISDIR, d = r->mask & IN_ISDIR;
	const char *base = px_basename(r->path);
	struct inwatch *w;

	/* the object's own watches first (Linux: IN_ATTRIB, IN_DELETE_SELF
	 * and IN_IGNORED of an unlink come before the directory's
	 * IN_DELETE); a rename's IN_MOVE_SELF comes after both
	 * directories' events */
	for (w = in->w; w < in->w + IN_NWATCH; w++) {
		if (!w->wd || strcmp(w->path, r->path) != 0)
			continue;
		switch (m) {
		case IN_DELETE:
			if (!d)
				deliver(in, w, IN_ATTRIB, 0, NULL);
			if (w->wd && (w->mask & IN_DELETE_SELF))
				queue(in, w->wd, IN_DELETE_SELF, 0, NULL);
			if (w->wd)
				unwatch(in, w);
			break;
		case IN_CREATE:
		case IN_MOVED_FROM:
			break;
		case IN_MOVED_TO:       /* a watched name was replaced */
			if (prev && strcmp(prev->path, r->path) == 0)
				break;
			if (w->mask & IN_DELETE_SELF)
				queue(in, w->wd, IN_DELETE_SELF, 0, NULL);
			unwatch(in, w);
			break;
		default:
			deliver(in, w, m | d, 0, NULL);
		}
	}
	for (w = in->w; w < in->w + IN_NWATCH; w++)
		if (w->wd && w->isdir && holds(w->path, r->path, base))
			deliver(in, w, m | d, r->cookie, base);
	if (m == IN_MOVED_TO && prev)
		moved(in, prev->path, r->path, d);
}

/* Turn the log's new records into events (the instance's lock held);
 * the sequence number read (what a sleeper waits to change). */
static uint64_t
drain(struct ininst *in)
{
	const struct inrec *r, *prev;
	uint64_t end;

	px_lock(&L->lock);
	end = L->seq;
	if (end - in->rd > IN_NREC) {
		queue(in, -1, IN_Q_OVERFLOW, 0, NULL);
		in->rd = end - IN_NREC;
	}
	for (; in->rd < end; in->rd++) {
		r = &L->rec[in->rd % IN_NREC];
		prev = NULL;
		/* a rename's second half: its first (the record before,
		 * same cookie), if we have not lost it */
		if ((r->mask & ~IN_ISDIR) == IN_MOVED_TO && in->rd > 0 &&
		    end - (in->rd - 1) <= IN_NREC) {
			prev = &L->rec[(in->rd - 1) % IN_NREC];
			if ((prev->mask & ~IN_ISDIR) != IN_MOVED_FROM ||
			    prev->cookie != r->cookie)
				prev = NULL;
		}
		apply(in, r, prev);
	}
	if (L->hiwater < end)
		L->hiwater = end;
	px_unlock(&L->lock);
	return end;
}

static long
in_read(struct px_ofile *f, void *ubuf, size_t n, int64_t off)
{
	struct ininst *in = inst(f);
	const volatile uint64_t *w[1];
	uint64_t seen[1];
	size_t done = 0, sz;
	long r;

	(void)off;
	if (!in)
		return -EBADF;
	w[0] = &L->seq;
	for (;;) {
		px_lock(&in->lock);
		seen[0] = drain(in);
		if (in->qlen)
			break;
		px_unlock(&in->lock);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = px_block(w, seen, 1, UINT64_MAX);
		if (r < 0 && r != -ETIMEDOUT)
			return r;
	}
	/* whole events only; none fits: EINVAL, as Linux */
	while (done < in->qlen) {
		struct inotify_event e;

		memcpy(&e, in->q + done, EV);
		sz = EV + e.len;
		if (done + sz > n)
			break;
		done += sz;
	}
	if (done == 0) {
		r = -EINVAL;
	} else if (px_copyout(ubuf, in->q, done) < 0) {
		r = -EFAULT;
	} else {
		memmove(in->q, in->q + done, in->qlen - done);
		in->qlen -= (uint32_t)done;
		in->qlast = in->qlen ? in->qlast - (uint32_t)done : 0;
		r = (long)done;
	}
	px_unlock(&in->lock);
	return r;
}

static short
in_poll(struct px_ofile *f, short events, const volatile uint64_t **word,
    uint64_t *seen)
{
	struct ininst *in = inst(f);
	int ready;

	if (!in)
		return POLLERR;
	px_lock(&in->lock);
	*seen = drain(in);
	ready = in->qlen != 0;
	px_unlock(&in->lock);
	*word = &L->seq;
	return ready ? (short)(events & (POLLIN | POLLRDNORM)) : 0;
}

static long
in_ioctl(struct px_ofile *f, unsigned long req, void *arg)
{
	struct ininst *in = inst(f);
	int n;

	if (!in)
		return -EBADF;
	switch (req) {
	case FIONREAD:
		px_lock(&in->lock);
		drain(in);
		n = (int)in->qlen;
		px_unlock(&in->lock);
		return px_copyout(arg, &n, sizeof(n)) < 0 ? -EFAULT : 0;
	case FIONBIO:
		if (px_copyin(&n, arg, sizeof(n)) < 0)
			return -EFAULT;
		px_lock(&f->lock);
		f->flags = n ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		px_unlock(&f->lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* Linux's inotify_fops: noop_llseek (0, nothing moves) */
static long
in_lseek(struct px_ofile *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0;
}

/* Linux's anonymous inode: no type bits, 0600 */
static long
in_fstat(struct px_ofile *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IRUSR | S_IWUSR;
	st->st_nlink = 1;
	st->st_dev = 0x0d;
	st->st_ino = (ino_t)(f->obj[0] - PX_SHM_VA) / 16;
	st->st_blksize = 4096;
	return 0;
}

static void
in_release(struct px_ofile *f)
{
	struct ininst *in = inst(f);
	int i;

	if (!in)
		return;
	/* (s18) forgotten first: refs.c runs a release again whose
	 * runner was killed in it (a kill after this leaks the instance,
	 * never frees it twice) */
	__atomic_store_n(&f->obj[0], 0, __ATOMIC_RELEASE);
	for (i = 0; i < IN_NWATCH; i++)
		if (in->w[i].wd)
			__atomic_sub_fetch(&L->watches, 1, __ATOMIC_ACQ_REL);
	px_shm_free(in, sizeof(*in));
}

const struct px_fops px_fops_inotify = {
	.read = in_read, .lseek = in_lseek, .poll = in_poll, .ioctl = in_ioctl,
	.fstat = in_fstat, .release = in_release,
};

/* ---- the calls ------------------------------------------------------------ */

/* inotify_init1(flags) */
long
px_inotify_init1(PX_ARGS)
{
	struct ininst *in;
	struct px_ofile *f;
	long fd;

	PX_UNUSED;
	if (a1 & ~(long)(IN_NONBLOCK | IN_CLOEXEC))
		return -EINVAL;
	if (!inlog(1) || !(in = px_shm_alloc(sizeof(*in))))
		return -ENOMEM;
	in->next_wd = 1;
	/* from now on (and no merge into a record we did not see) */
	px_lock(&L->lock);
	in->rd = L->seq;
	if (L->hiwater < in->rd)
		L->hiwater = in->rd;
	px_unlock(&L->lock);
	if (!(f = px_ofile_new(PX_FT_INOTIFY, O_RDONLY |
	    ((a1 & IN_NONBLOCK) ? O_NONBLOCK : 0)))) {
		px_shm_free(in, sizeof(*in));
		return -ENFILE;
	}
	f->obj[0] = (uint64_t)(uintptr_t)in;
	if ((fd = px_fd_install(f, 0, (a1 & IN_CLOEXEC) != 0)) < 0)
		px_ofile_put(f);
	return fd;
}

long
px_inotify_init(PX_ARGS)
{
	PX_UNUSED;
	return px_inotify_init1(0, 0, 0, 0, 0, 0);
}

/* The instance of descriptor fd: EBADF, or EINVAL if not one. */
static long
instance(long fd, struct px_ofile **fp)
{
	struct px_ofile *f = fd == (int)fd ? px_fd_io((int)fd) : NULL;

	if (!f)
		return -EBADF;
	if (f->type != PX_FT_INOTIFY || !inst(f))
		return -EINVAL;
	*fp = f;
	return 0;
}

/* inotify_add_watch(fd, path, mask): the checks in Linux's order */
long
px_inotify_add_watch(PX_ARGS)
{
	static struct px_nd nd;
	uint32_t mask = (uint32_t)a3;
	struct px_ofile *f;
	struct ininst *in;
	struct inwatch *w, *free_w = NULL;
	long r;

	PX_UNUSED;
	if ((mask & ~(uint32_t)IN_ALLBITS) || !(mask & IN_ALLBITS))
		return -EINVAL;
	if (!(f = a1 == (int)a1 ? px_fd_io((int)a1) : NULL))
		return -EBADF;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if ((r = instance(a1, &f)) < 0)
		return r;
	if ((r = px_namei(AT_FDCWD, (const char *)a2, (mask & IN_DONT_FOLLOW) ?
	    PX_ND_NOFOLLOW : 0, &nd)) < 0)
		return r;
	if (!nd.exists)
		return -ENOENT;
	if ((mask & IN_ONLYDIR) && !S_ISDIR(nd.st.st_mode))
		return -ENOTDIR;
	if ((r = px_perm(nd.st.st_mode, R_OK)) < 0)
		return r;
	if (strlen(nd.path) >= IN_PATH)
		return -ENAMETOOLONG;
	/* IN_UNMOUNT is the one event never made here (nothing is
	 * unmounted): a watch for it alone is EINVAL (Linux takes it) */
	if ((mask & IN_UNMOUNT) && !(mask & IN_ALL_EVENTS))
		return -EINVAL;
	in = INST(f);
	px_lock(&in->lock);
	(void)drain(in);        /* what happened before is not this watch's */
	for (w = in->w; w < in->w + IN_NWATCH; w++) {
		if (!w->wd) {
			if (!free_w)
				free_w = w;
			continue;
		}
		if (strcmp(w->path, nd.path) != 0)
			continue;
		if (mask & IN_MASK_CREATE) {
			r = -EEXIST;
		} else {
			w->mask = (mask & IN_KEEP) |
			    ((mask & IN_MASK_ADD) ? w->mask : 0);
			r = w->wd;
		}
		px_unlock(&in->lock);
		return r;
	}
	if (!free_w) {
		px_unlock(&in->lock);
		return -ENOSPC;
	}
	free_w->mask = mask & IN_KEEP;
	free_w->isdir = S_ISDIR(nd.st.st_mode);
	strcpy(free_w->path, nd.path);
	free_w->wd = in->next_wd++;
	if (in->next_wd <= 0)
		in->next_wd = 1;
	__atomic_add_fetch(&L->watches, 1, __ATOMIC_ACQ_REL);
	r = free_w->wd;
	px_unlock(&in->lock);
	return r;
}

/* inotify_rm_watch(fd, wd) */
long
px_inotify_rm_watch(PX_ARGS)
{
	struct px_ofile *f;
	struct ininst *in;
	struct inwatch *w;
	long r;

	PX_UNUSED;
	if ((r = instance(a1, &f)) < 0)
		return r;
	in = INST(f);
	px_lock(&in->lock);
	(void)drain(in);
	r = -EINVAL;
	for (w = in->w; w < in->w + IN_NWATCH; w++)
		if (w->wd && w->wd == (int32_t)a2) {
			unwatch(in, w);
			r = 0;
			break;
		}
	px_unlock(&in->lock);
	return r;
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(inotify, sizeof(struct inlog), sizeof(struct ininst),
    sizeof(struct inwatch));
