/*
 * fd.c: the descriptor table, open-file descriptions and the calls that
 * work on a descriptor whatever its type (fd.h).
 *
 * Each process's file state (struct px_fdtab: its descriptors, its
 * working directory, its umask) is one block of the family's shared
 * region (shm.h), so that it outlives the program image:
 *   - fork (px_fd_fork, from fork.c) makes the child's block, a copy
 *     of ours with one more reference on each description, before the
 *     child's memory is copied, so the child finds it in its copy of
 *     our statics (px_fd_child);
 *   - execve (px_fd_exec, from exec.c) closes the close-on-exec
 *     descriptors past its point of no return and hands the block to the
 *     new image in the exec plan (px_exec_cleanup -> px_fd_attach);
 *   - exit (px_fd_exit, from proc.c) closes everything.
 * Every block is on one list in the shared region (the registry) with
 * its owner's environment id.  A process killed by the kernel or by
 * another process cannot close its descriptors, so px_fd_sweep closes
 * those of every block whose owner is no longer alive; it runs at fork,
 * at wait4 and when descriptions run out, so a dead process's
 * references are dropped by the next of its family to fork or wait.
 * A sweeper claims a dead table (its owner becomes the sweeper) before
 * it closes its descriptors and unhooks it after, so a sweeper killed
 * half way leaves the rest to the next sweep.
 * A process may be killed in the middle of a close, a dup or a fork,
 * between the change of a slot and the change of the references, so
 * both are journaled under a lock of the family's: the ends of pipes
 * and FIFOs in ends.c (px_end_close, px_end_add: which also keeps their
 * reader and writer counts, so a kill never leaves a phantom reader or
 * writer), every other description in refs.c (px_ref_close,
 * px_ref_add: a kill never leaks a reference, which would keep the file
 * open until the family ends, nor drops one twice).  The sweep settles
 * both journals (px_ends_settle, px_refs_settle) before it frees the
 * table they may name.  (s18) open(2) installs its description as a
 * placeholder (PX_FT_FREE, whose close releases nothing) before it
 * takes anything for it, so a kill at any point leaves the table naming
 * what was taken (fscalls.c, vfs_cffs.c's px_vn_open).  (Still leaked
 * by a kill: a new description's memory between its allocation and its
 * slot; a mapping's reference between its record's clearing and its
 * drop, mmapfile.c's rec_cut.)  fork
 * registers the child's table before it takes any reference and fills
 * it slot by slot, so a parent killed half way or a child killed
 * before it ran leaves a table that holds what it counts, for the
 * sweep.
 *
 * Descriptions (struct px_ofile) are allocated in the shared region;
 * refs counts descriptors in every process (atomically), and the last
 * px_ofile_put calls the type's release.  A type's operations are found
 * by number in px_fops[] below, this process's own copy.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "posix.h"
#include "fd.h"
#include "pipe.h"
#include "uaccess.h"

const struct px_fops *const px_fops[PX_FT_NTYPES] = {
	[PX_FT_CONS] = &px_fops_tty,            /* tty.c */
	[PX_FT_PIPE] = &px_fops_pipe,           /* pipe.c */
	[PX_FT_MODFILE] = &px_fops_modfile,     /* files.c */
	[PX_FT_FILE] = &px_fops_cffs,           /* vfs_cffs.c */
	[PX_FT_DIR] = &px_fops_cffsdir,
	[PX_FT_NULL] = &px_fops_null,           /* dev.c */
	[PX_FT_ZERO] = &px_fops_zero,
	[PX_FT_RANDOM] = &px_fops_random,
	[PX_FT_FULL] = &px_fops_full,           /* (ports12) dev.c */
	[PX_FT_INOTIFY] = &px_fops_inotify,     /* (ports12) inotify.c */
	[PX_FT_PROCPID] = &px_fops_procpid,     /* (portgaps) procpid.c */
	[PX_FT_FIFO] = &px_fops_fifo,           /* (fifo) pipe.c, fifo.c */
};

static struct px_fdtab *tab;            /* ours */
static struct px_fdtab *child_tab;      /* the one fork made for the child */

#define SLOT_CLOEXEC 1UL

static struct px_ofile *
slot_file(uint64_t s)
{
	return (struct px_ofile *)(uintptr_t)(s & ~SLOT_CLOEXEC);
}

static void
reg_add(struct px_fdreg *reg, struct px_fdtab *t)
{
	px_lock(&reg->lock);
	t->next = reg->head;
	reg->head = t;
	px_unlock(&reg->lock);
}

/* Unlink t from the registry (lock held). */
static void
reg_del(struct px_fdreg *reg, struct px_fdtab *t)
{
	struct px_fdtab **pp;

	for (pp = &reg->head; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			return;
		}
}

/* (fifo4) The end of a pipe or FIFO: its references change under the
 * ends' journal (ends.c). */
static int
is_end(const struct px_ofile *f)
{
	return f->type == PX_FT_PIPE || f->type == PX_FT_FIFO;
}

/* Close t's descriptor fd, whose slot holds s (non-zero); ours: our
 * record locks on its file go too (POSIX), unless it is an O_PATH one,
 * which holds none and drops none (Linux).  Journaled: an end's by
 * ends.c, another's by refs.c. */
static void
slot_close(struct px_fdtab *t, int fd, uint64_t s, int ours)
{
	struct px_ofile *f = slot_file(s);

	if (ours && !(f->flags & O_PATH))
		px_flock_close(f);
	if (is_end(f) && px_end_close(t, fd, s, f))
		return;
	px_ref_close(t, fd, s, f);
}

/* (fifo4) A new reference to the description in s at t's empty slot
 * fd, journaled: an end's by ends.c, another's by refs.c.  locked,
 * rlocked: the caller holds the ends' lock, the references' (fork's
 * loop). */
static void
slot_add(struct px_fdtab *t, int fd, uint64_t s, int locked, int rlocked)
{
	struct px_ofile *f = slot_file(s);

	if (is_end(f)) {
		if (!locked && !px_ends_begin()) {
			/* no ends' list: the region is broken */
			px_ofile_get(f);
			t->fd[fd] = s;
			return;
		}
		px_end_add(t, fd, s, f);
		if (!locked)
			px_ends_end();
		return;
	}
	if (!rlocked && !px_refs_begin())
		return;                 /* no registry: no table to fill */
	px_ref_add(t, fd, s, f);
	if (!rlocked)
		px_refs_end();
}

/* Close every descriptor of t (its owner is gone or going). */
static void
close_all(struct px_fdtab *t, int cloexec_only)
{
	int fd;

	for (fd = 0; fd < PX_NFD; fd++) {
		uint64_t s = t->fd[fd];

		if (!s || (cloexec_only && !(s & SLOT_CLOEXEC)))
			continue;
		slot_close(t, fd, s, cloexec_only);
	}
}

/* The first process: a new registry and table, fds 0, 1 and 2 one
 * description of the console. */
static struct px_fdtab *
tab_first(void)
{
	struct px_fdreg *reg;
	struct px_fdtab *t;
	struct px_ofile *f;

	if (px_shm_init() < 0)
		return NULL;
	reg = px_shm_alloc(sizeof(*reg));
	t = px_shm_alloc(sizeof(*t));
	px_tty_init();                  /* the console tty (tty.c) */
	f = px_ofile_new(PX_FT_CONS, O_RDWR);
	if (!reg || !t || !f)
		return NULL;            /* the region is broken: no files */
	t->owner = XOK_INFO->cur_env;
	t->reg = reg;
	t->umask = 022;
	strcpy(t->cwd, "/");
	f->refs = 3;
	t->fd[0] = t->fd[1] = t->fd[2] = (uint64_t)(uintptr_t)f;
	reg_add(reg, t);
	return t;
}

struct px_fdtab *
px_fd_tab(void)
{
	if (!tab)
		tab = tab_first();
	return tab;
}

struct px_fdreg *
px_fd_reg(void)
{
	return tab ? tab->reg : NULL;
}

PX_HOT struct px_ofile *
px_fd_get(int fd)
{
	struct px_fdtab *t = px_fd_tab();

	if (!t || fd < 0 || fd >= PX_NFD)
		return NULL;
	return slot_file(t->fd[fd]);
}

/* (posixgaps) An O_PATH descriptor only names its file: the calls on
 * the file's contents and state are EBADF on it, as Linux's fdget(). */
PX_HOT struct px_ofile *
px_fd_io(int fd)
{
	struct px_ofile *f = px_fd_get(fd);

	return f && !(f->flags & O_PATH) ? f : NULL;
}

struct px_ofile *
px_ofile_new(uint32_t type, uint32_t flags)
{
	struct px_ofile *f = px_shm_alloc(sizeof(*f));

	if (!f) {
		px_fd_sweep();          /* a dead process's may come back */
		if (!(f = px_shm_alloc(sizeof(*f))))
			return NULL;
	}
	f->type = type;
	f->flags = flags;
	f->refs = 1;
	return f;
}

static uint64_t
slot_of(struct px_ofile *f, int cloexec)
{
	return (uint64_t)(uintptr_t)f | (cloexec ? SLOT_CLOEXEC : 0);
}

/* The lowest free descriptor of t >= min, or -EMFILE. */
static int
free_slot(struct px_fdtab *t, int min)
{
	int fd;

	if (!t)
		return -EMFILE;
	for (fd = min < 0 ? 0 : min; fd < px_rlimit_nofile(); fd++)
		if (!t->fd[fd])
			return fd;
	return -EMFILE;
}

long
px_fd_install(struct px_ofile *f, int min, int cloexec)
{
	struct px_fdtab *t = px_fd_tab();
	int fd;

	if ((fd = free_slot(t, min)) >= 0)
		t->fd[fd] = slot_of(f, cloexec);
	return fd;
}

long
px_fd_dup(struct px_ofile *f, int min, int cloexec)
{
	struct px_fdtab *t = px_fd_tab();
	int fd;

	if ((fd = free_slot(t, min)) >= 0)
		slot_add(t, fd, slot_of(f, cloexec), 0, 0);
	return fd;
}

void
px_ofile_get(struct px_ofile *f)
{
	if (!is_end(f)) {
		px_ref_get(f);
		return;
	}
	__atomic_add_fetch(&f->refword, 1, __ATOMIC_SEQ_CST);
}

void
px_ofile_put(struct px_ofile *f)
{
	if (!is_end(f)) {
		px_ref_put(f);
		return;
	}
	/* An end's.  Its F_OFD_ locks go with its last reference.  Ours the only
	 * one (no one else can add one: only a holder dups or forks),
	 * drop them first, so a kill between the two leaves no lock of a
	 * description no one holds; if it became the last meanwhile (a
	 * sweep dropped a dead holder's), after. */
	if ((uint32_t)__atomic_load_n(&f->refword, __ATOMIC_ACQUIRE) == 1)
		px_flock_release(f);
	if ((uint32_t)__atomic_sub_fetch(&f->refword, 1, __ATOMIC_SEQ_CST))
		return;
	px_flock_release(f);
	if (f->type < PX_FT_NTYPES && px_fops[f->type] &&
	    px_fops[f->type]->release)
		px_fops[f->type]->release(f);
	px_shm_free(f, sizeof(*f));
}

/* ---- fork, exec, exit, the sweep ------------------------------------ */

long
px_fd_fork(uint64_t child)
{
	struct px_fdtab *t = px_fd_tab(), *c;
	int fd, locked, rlocked;

	child_tab = NULL;
	if (!t)
		return 0;               /* no files here, none there */
	if (!(c = px_shm_alloc(sizeof(*c)))) {
		px_fd_sweep();
		if (!(c = px_shm_alloc(sizeof(*c))))
			return -ENOMEM;
	}
	memcpy(c, t, sizeof(*c));
	memset(c->fd, 0, sizeof(c->fd));
	c->owner = child;
	/* (fifo4) registered empty, then filled slot by slot (a reference,
	 * then its slot): killed half way, we leave the child's table
	 * holding what it counts (its half-built environment is destroyed
	 * by the next fork or wait, and the sweep then closes the table) */
	reg_add(t->reg, c);
	locked = px_ends_begin();       /* the ends' lock, then ours */
	rlocked = px_refs_begin();
	for (fd = 0; fd < PX_NFD; fd++)
		if (t->fd[fd])
			slot_add(c, fd, t->fd[fd], locked, rlocked);
	if (rlocked)
		px_refs_end();
	if (locked)
		px_ends_end();
	child_tab = c;          /* the child's copy of this static names it */
	return 0;
}

void
px_fd_child(void)
{
	tab = child_tab;
	child_tab = NULL;
}

uint64_t
px_fd_exec(void)
{
	struct px_fdtab *t = px_fd_tab();

	if (!t)
		return 0;
	close_all(t, 1);
	return (uint64_t)(uintptr_t)t;
}

void
px_fd_attach(uint64_t t)
{
	struct px_fdtab *p = (struct px_fdtab *)(uintptr_t)t;

	if (p && p->owner == XOK_INFO->cur_env)
		tab = p;
}

void
px_fd_exit(void)
{
	struct px_fdtab *t = tab;

	if (!t)
		return;
	/* our record locks first: a range outliving the file its key
	 * names (a vnode, a pipe, an inode number freed by these closes)
	 * would fall on a new file that reuses the key (review, s17) */
	px_flock_exit(XOK_INFO->cur_env);
	close_all(t, 0);
	px_refs_settle();               /* and what dead closers owed */
	px_lock(&t->reg->lock);
	reg_del(t->reg, t);
	px_unlock(&t->reg->lock);
	tab = NULL;
	px_shm_free(t, sizeof(*t));
}

void
px_fd_sweep(void)
{
	struct px_fdtab *t = tab, *d;
	struct px_fdreg *reg;
	uint64_t dead = 0;

	if (!t)
		return;
	reg = t->reg;
	for (;;) {
		/* claimed, not unhooked: if we die closing, d's owner is
		 * dead again and the next sweep closes the rest */
		px_lock(&reg->lock);
		for (d = reg->head; d; d = d->next)
			if (d != tab && !xok_env_alive(d->owner))
				break;
		if (d) {
			dead = d->owner;
			d->owner = XOK_INFO->cur_env;
		}
		px_unlock(&reg->lock);
		if (!d)
			return;
		close_all(d, 0);
		px_flock_exit(dead);    /* its record locks (not ours) */
		px_ends_settle();       /* no journal names d now */
		px_refs_settle();
		px_lock(&reg->lock);
		reg_del(reg, d);
		px_unlock(&reg->lock);
		px_shm_free(d, sizeof(*d));
	}
}

int
px_fd_holders(struct px_ofile *f, uint64_t *envs, int max)
{
	struct px_fdtab *t = tab, *d;
	int n = 0, fd;

	if (!t)
		return 0;
	px_lock(&t->reg->lock);
	for (d = t->reg->head; d; d = d->next) {
		for (fd = 0; fd < PX_NFD; fd++)
			if (d->fd[fd] && slot_file(d->fd[fd]) == f)
				break;
		if (fd == PX_NFD)
			continue;
		if (!xok_env_alive(d->owner)) {
			n = -1;
			break;
		}
		if (n < max)
			envs[n++] = d->owner;
	}
	px_unlock(&t->reg->lock);
	return n;
}

/* ---- the calls on descriptors --------------------------------------- */

PX_HOT static const struct px_fops *
ops(struct px_ofile *f)
{
	return f->type < PX_FT_NTYPES ? px_fops[f->type] : NULL;
}

long
px_close(PX_ARGS)
{
	struct px_fdtab *t = px_fd_tab();
	uint64_t s;

	PX_UNUSED;
	if (!t || a1 < 0 || a1 >= PX_NFD || !(s = t->fd[a1]))
		return -EBADF;
	slot_close(t, (int)a1, s, 1);
	return 0;
}

/* Put f at newfd (closing what was there); f's new reference is taken. */
static long
dup_to(struct px_ofile *f, long newfd, int cloexec)
{
	struct px_fdtab *t = px_fd_tab();
	uint64_t old;

	if (newfd < 0 || newfd >= px_rlimit_nofile())
		return -EBADF;
	/* old closed first (f is at another descriptor: it stays), then
	 * f's new reference (slot_add: an end's is journaled) */
	if ((old = t->fd[newfd]))
		slot_close(t, (int)newfd, old, 1);
	slot_add(t, (int)newfd, slot_of(f, cloexec), 0, 0);
	return newfd;
}

long
px_dup(PX_ARGS)
{
	struct px_ofile *f = px_fd_get((int)a1);

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	return px_fd_dup(f, 0, 0);
}

long
px_dup3(PX_ARGS)
{
	struct px_ofile *f = px_fd_get((int)a1);

	PX_UNUSED;
	if (a3 & ~(long)O_CLOEXEC)
		return -EINVAL;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (a1 == a2)
		return -EINVAL;
	return dup_to(f, a2, (a3 & O_CLOEXEC) != 0);
}

long
px_dup2(PX_ARGS)
{
	struct px_ofile *f = px_fd_get((int)a1);

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (a2 < 0 || a2 >= px_rlimit_nofile())
		return -EBADF;
	if (a1 == a2)
		return a2;
	return dup_to(f, a2, 0);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long
px_fcntl(PX_ARGS)
{
	struct px_fdtab *t = px_fd_tab();
	struct px_ofile *f = px_fd_get((int)a1);

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if ((f->flags & O_PATH) && a2 != F_DUPFD && a2 != F_DUPFD_CLOEXEC &&
	    a2 != F_GETFD && a2 != F_SETFD && a2 != F_GETFL)
		return -EBADF;
	switch (a2) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a3 < 0 || a3 >= px_rlimit_nofile())
			return -EINVAL;
		return px_fd_dup(f, (int)a3, a2 == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return (t->fd[a1] & SLOT_CLOEXEC) ? FD_CLOEXEC : 0;
	case F_SETFD:
		if (a3 & FD_CLOEXEC)
			t->fd[a1] |= SLOT_CLOEXEC;
		else
			t->fd[a1] &= ~SLOT_CLOEXEC;
		return 0;
	case F_GETFL:
		return f->flags & ~(uint32_t)O_CLOEXEC;
	case F_SETFL:
		px_lock(&f->lock);
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) |
		    ((uint32_t)a3 & SETFL_MASK);
		px_unlock(&f->lock);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return px_flock_fcntl(f, (int)a2, (void *)a3);
	default:
		return -EINVAL;
	}
}

static long
check_rw(struct px_ofile *f, int write)
{
	uint32_t acc = f->flags & O_ACCMODE;

	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	return 0;
}

/* One read or write of the program's buffer. */
PX_HOT static long
rw(long fd, void *buf, size_t n, int64_t off, int write)
{
	struct px_ofile *f = px_fd_io((int)fd);
	const struct px_fops *o;
	long r;

	if (!f || fd != (int)fd)
		return -EBADF;
	if ((r = check_rw(f, write)) < 0)
		return r;
	if (n > SSIZE_MAX)
		return -EINVAL;
	o = ops(f);
	if (write ? !o || !o->write : !o || !o->read)
		return -EINVAL;
	if (off >= 0 && !o->lseek)
		return -ESPIPE;
	if (write)
		return o->write(f, buf, n, off);
	return o->read(f, buf, n, off);
}

PX_HOT long
px_read(PX_ARGS)
{
	PX_UNUSED;
	return rw(a1, (void *)a2, (size_t)a3, -1, 0);
}

PX_HOT long
px_write(PX_ARGS)
{
	PX_UNUSED;
	return rw(a1, (void *)a2, (size_t)a3, -1, 1);
}

long
px_pread64(PX_ARGS)
{
	PX_UNUSED;
	if (a4 < 0)
		return px_fd_io((int)a1) ? -EINVAL : -EBADF;
	return rw(a1, (void *)a2, (size_t)a3, a4, 0);
}

long
px_pwrite64(PX_ARGS)
{
	PX_UNUSED;
	if (a4 < 0)
		return px_fd_io((int)a1) ? -EINVAL : -EBADF;
	return rw(a1, (void *)a2, (size_t)a3, a4, 1);
}

/* readv and writev: the vector copied in, checked, then each buffer in
 * turn until one comes back short. */
static long
rwv(long fd, const struct iovec *uiov, long cnt, int64_t off, int write)
{
	struct iovec iov[64];
	size_t total = 0;
	long done = 0, r, i, k, c;

	if (!px_fd_io((int)fd) || fd != (int)fd)
		return -EBADF;
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (i = 0; i < cnt; i += c) {
		c = cnt - i < 64 ? cnt - i : 64;
		if (px_copyin(iov, uiov + i, (size_t)c * sizeof(iov[0])) < 0)
			return -EFAULT;
		for (k = 0; k < c; k++) {
			if (iov[k].iov_len > SSIZE_MAX - total)
				return -EINVAL;
			total += iov[k].iov_len;
		}
	}
	if (cnt == 0)
		return rw(fd, NULL, 0, off, write);
	for (i = 0; i < cnt; i++) {
		struct iovec v;

		px_copyin(&v, uiov + i, sizeof(v));
		if (v.iov_len == 0)
			continue;
		r = rw(fd, v.iov_base, v.iov_len, off < 0 ? -1 : off + done,
		    write);
		if (r < 0)
			return done ? done : r;
		done += r;
		if ((size_t)r < v.iov_len)
			break;
	}
	return done;
}

long
px_readv(PX_ARGS)
{
	PX_UNUSED;
	return rwv(a1, (const struct iovec *)a2, a3, -1, 0);
}

long
px_writev(PX_ARGS)
{
	PX_UNUSED;
	return rwv(a1, (const struct iovec *)a2, a3, -1, 1);
}

long
px_preadv(PX_ARGS)
{
	PX_UNUSED;
	if (a4 < 0)
		return -EINVAL;
	return rwv(a1, (const struct iovec *)a2, a3, a4, 0);
}

long
px_pwritev(PX_ARGS)
{
	PX_UNUSED;
	if (a4 < 0)
		return -EINVAL;
	return rwv(a1, (const struct iovec *)a2, a3, a4, 1);
}

long
px_lseek(PX_ARGS)
{
	struct px_ofile *f = px_fd_io((int)a1);
	const struct px_fops *o;

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (!(o = ops(f)) || !o->lseek)
		return -ESPIPE;
	if (a3 != SEEK_SET && a3 != SEEK_CUR && a3 != SEEK_END)
		return -EINVAL;
	return o->lseek(f, a2, (int)a3);
}

/* The usual lseek over a size: the types with an offset use it. */
long
px_seek_in(struct px_ofile *f, int64_t off, int whence, uint64_t size)
{
	int64_t base;

	px_lock(&f->lock);
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ?
	    (int64_t)f->off : (int64_t)size;
	if ((off < 0 && base + off < 0) ||
	    (off > 0 && base > INT64_MAX - off)) {
		px_unlock(&f->lock);
		return -EINVAL;
	}
	f->off = (uint64_t)(base + off);
	px_unlock(&f->lock);
	return (long)(base + off);
}

long
px_fstat(PX_ARGS)
{
	struct px_ofile *f = px_fd_get((int)a1);
	const struct px_fops *o;
	struct stat st;
	long r;

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	if (!(o = ops(f)) || !o->fstat)
		return -EBADF;
	if ((r = o->fstat(f, &st)) < 0)
		return r;
	return px_copyout((void *)a2, &st, sizeof(st));
}

long
px_ioctl(PX_ARGS)
{
	struct px_ofile *f = px_fd_io((int)a1);
	const struct px_fops *o;

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (!(o = ops(f)) || !o->ioctl)
		return -ENOTTY;
	return o->ioctl(f, (unsigned long)a2, (void *)a3);
}

long
px_getdents64(PX_ARGS)
{
	struct px_ofile *f = px_fd_io((int)a1);
	const struct px_fops *o;

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (!(o = ops(f)) || !o->getdents)
		return -ENOTDIR;
	return o->getdents(f, (void *)a2, (size_t)a3);
}

long
px_ftruncate(PX_ARGS)
{
	struct px_ofile *f = px_fd_io((int)a1);
	const struct px_fops *o;

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (a2 < 0)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return f->type == PX_FT_FILE || f->type == PX_FT_MODFILE ||
		    f->type == PX_FT_FIFO ? -EINVAL : -EBADF;
	if (!(o = ops(f)) || !o->ftruncate)
		return -EINVAL;
	return o->ftruncate(f, a2);
}

long
px_fsync(PX_ARGS)
{
	struct px_ofile *f = px_fd_io((int)a1);
	const struct px_fops *o;

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (!(o = ops(f)) || !o->fsync)
		return -EINVAL;         /* Linux: a pipe or a tty */
	return o->fsync(f);
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(fd, sizeof(struct px_fdreg), sizeof(struct px_fdtab),
    sizeof(struct px_ofile));
