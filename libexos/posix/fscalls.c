/*
 * fscalls.c: the calls that take a path (open, stat, mkdir, unlink,
 * rename, link, symlink, readlink, chdir, getcwd, chmod, chown, mknod,
 * utimensat, truncate, access, umask, statfs) and the few that act on
 * a descriptor's name (fchdir, fchmod, fchown, fstatfs).  Names are
 * resolved by px_namei (path.c); C-FFS is reached through fsroot.h's
 * bracket; open files keep their names through vfs_cffs.c.  Errors are
 * Linux's for a non-root user (vfs.h: we are uid PX_UID).  The
 * in-memory files and /dev are read-only: anything that would change
 * them is EROFS.
 */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include "posix.h"
#include "vfs.h"
#include "fsroot.h"
#include "uaccess.h"
#include "inotify.h"

/* Linux's struct statx (musl 1.2.3 has none) */
struct px_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct px_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct px_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define STATX_BASIC_STATS 0x7ff
#ifndef AT_STATX_SYNC_TYPE
#define AT_STATX_SYNC_TYPE 0x6000
#endif

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

/* One C-FFS call in the bracket: its result as -errno. */
#define FS(how, call) ({                                                \
	long fs_err_;                                                   \
	struct cffs_fs *fs = px_fs_begin(&fs_err_);                     \
	fs ? px_fs_end(fs, (call), (how)) : (fs_err_ == -ENODEV ?       \
	    -EROFS : fs_err_);                                          \
})

static struct px_nd nd1, nd2;           /* one call at a time */

/* (ports12) r, after telling inotify of a success (inotify.h) */
static long
note(long r, const char *path, uint32_t mask, int isdir)
{
	if (r >= 0)
		px_in_note(path, mask, isdir);
	return r;
}

static uint32_t
cur_umask(void)
{
	struct px_fdtab *t = px_fd_tab();

	return t ? t->umask : 022;
}

/* May we create or remove a name in nd's parent? */
static long
parent_ok(const struct px_nd *nd)
{
	if (nd->pbe != PX_BE_CFFS)
		return -EROFS;
	return px_perm(nd->pmode, W_OK | X_OK);
}

/* open of a /proc/self/fd link to a description without a name: a new
 * descriptor of the same description (as the BSDs' /dev/fd), if the
 * access asked for is one it has. */
static long
open_dup(struct px_ofile *f, uint32_t acc, long flags)
{
	uint32_t have = f->flags & O_ACCMODE;

	if ((f->flags & O_PATH) || (acc != O_WRONLY && have == O_WRONLY) ||
	    (acc != O_RDONLY && have == O_RDONLY))
		return -EACCES;
	if ((flags & O_DIRECTORY) && f->type != PX_FT_DIR)
		return -ENOTDIR;
	return px_fd_dup(f, 0, (flags & O_CLOEXEC) != 0);
}

static long
open_once(long dirfd, const char *upath, long flags, long mode)
{
	struct px_nd *nd = &nd1;
	struct px_ofile *f;
	uint32_t acc = (uint32_t)flags & 3, type;
	int created = 0;
	long r, fd;

	/* O_PATH (musl's O_ACCMODE includes it, as O_SEARCH): a descriptor
	 * that only names the file (fchdir, *at calls; libarchive opens
	 * "." so); Linux ignores every other flag but these and checks no
	 * permission bits on the file itself.  With O_NOFOLLOW it may name
	 * a symbolic link (musl's fchmodat does so); read, write and the
	 * other calls on its contents are EBADF (fd.c's px_fd_io). */
	if (flags & O_PATH) {
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
		acc = O_RDONLY;
	}
	if (acc == 3)
		return -EINVAL;
	r = px_namei(dirfd, upath, (flags & O_NOFOLLOW) ||
	    ((flags & O_CREAT) && (flags & O_EXCL)) ? PX_ND_NOFOLLOW : 0, nd);
	/* without a disk the whole name space is read-only: creating a
	 * name in a directory that exists is EROFS; in one that does not,
	 * ENOENT, as Linux finds out before it looks at the file system */
	if ((flags & O_CREAT) && r == 0 && !nd->exists && !px_fs_root())
		return px_fs_error() == -ENODEV ? -EROFS : px_fs_error();
	if (r < 0)
		return r;
	if (!nd->exists) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (nd->slash)
			return -EISDIR;
		if ((r = parent_ok(nd)) < 0)
			return r;
		r = FS(PX_FS_CHANGED, cffs_create(fs, nd->path, (uint32_t)
		    mode & 07777 & ~cur_umask(), PX_UID, PX_GID));
		if (r < 0)
			return r;
		px_in_note(nd->path, IN_CREATE, 0);
		created = 1;
		type = PX_FT_FILE;
	} else {
		mode_t m = nd->st.st_mode;

		if ((flags & O_CREAT) && (flags & O_EXCL))
			return -EEXIST;
		if (nd->of)             /* a pipe through /proc/self/fd */
			return open_dup(nd->of, acc, flags);
		if (S_ISLNK(m) && !((flags & O_PATH) && nd->be == PX_BE_CFFS))
			return -ELOOP;
		if ((flags & O_DIRECTORY) && !S_ISDIR(m))
			return -ENOTDIR;
		if (S_ISDIR(m) && (acc != O_RDONLY || (flags & O_CREAT)))
			return -EISDIR;
		/* as Linux: a read-only file system says EROFS before the
		 * permission bits are looked at */
		if (nd->be == PX_BE_MOD && !S_ISDIR(m) &&
		    (acc != O_RDONLY || (flags & O_TRUNC)))
			return -EROFS;
		if (!(flags & O_PATH) && (r = px_perm(m,
		    (acc != O_WRONLY ? R_OK : 0) | (acc != O_RDONLY ||
		    (flags & O_TRUNC) ? W_OK : 0))) < 0)
			return r;
		switch (nd->be) {
		case PX_BE_DEV:
			if ((r = px_dev_lookup(nd->path, NULL)) < 0)
				return r;
			type = r == 0 ? PX_FT_DIR : (uint32_t)r;
			break;
		case PX_BE_PROC:        /* its directories, procpid.c's files */
			if (S_ISREG(m)) {
				if (acc != O_RDONLY || (flags & O_TRUNC))
					return -EACCES;
				type = PX_FT_PROCPID;
				break;
			}
			if (!S_ISDIR(m))
				return -ELOOP;
			type = PX_FT_DIR;
			break;
		case PX_BE_MOD:
			if (!S_ISDIR(m) && (acc != O_RDONLY ||
			    (flags & O_TRUNC)))
				return -EROFS;
			type = S_ISDIR(m) ? PX_FT_DIR : PX_FT_MODFILE;
			break;
		default:
			/* (fifo) a named pipe: fifo.c (O_TRUNC means nothing
			 * to it, as on Linux) */
			if (S_ISFIFO(m) && !(flags & O_PATH))
				return px_fifo_open(nd->path, (uint32_t)flags &
				    ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY |
				    O_TRUNC | O_CLOEXEC), (flags & O_CLOEXEC)
				    != 0);
			type = S_ISDIR(m) ? PX_FT_DIR : PX_FT_FILE;
			if (type == PX_FT_FILE && (flags & O_TRUNC) &&
			    nd->st.st_size && (r = FS(PX_FS_CHANGED,
			    cffs_truncate(fs, nd->path, 0))) < 0)
				return r;
			if (type == PX_FT_FILE && (flags & O_TRUNC))
				px_in_note(nd->path, IN_MODIFY, 0);
		}
	}
	/* (s18) The description goes in the table first, a placeholder
	 * (PX_FT_FREE: its close releases nothing), then is filled and
	 * typed last (a C-FFS file's vnode reference and type in one
	 * journaled change, px_vn_open), as fifo.c's: a process killed at
	 * any point leaves its table naming whatever it took, and the
	 * sweep (fd.c) releases it.  Made, then put in its slot, it leaked
	 * the description and its vnode reference to a kill between. */
	if (!(f = px_ofile_new(PX_FT_FREE, (uint32_t)flags &
	    ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC))))
		return -ENFILE;
	if ((fd = px_fd_install(f, 0, (flags & O_CLOEXEC) != 0)) < 0) {
		px_ofile_put(f);
		return fd;
	}
	px_ref_point(PX_REF_DIE_OPENSLOT);
	if (type == PX_FT_FILE || type == PX_FT_DIR)
		r = px_vn_open(f, nd->path, type);
	else if (type == PX_FT_MODFILE)
		r = px_mod_open(px_file_lookup(nd->path), f);
	else if (type == PX_FT_PROCPID)
		r = px_procpid_open(f, nd->path);
	else
		r = 0;
	if (r < 0) {
		px_close(fd, 0, 0, 0, 0, 0);    /* still the placeholder */
		return r;
	}
	/* (the other types take nothing shared: typed now) */
	if (type != PX_FT_FILE && type != PX_FT_DIR)
		__atomic_store_n(&f->type, type, __ATOMIC_RELEASE);
	px_ref_point(PX_REF_DIE_OPENED);
	if ((type == PX_FT_FILE || type == PX_FT_DIR) && !(flags & O_PATH))
		px_in_note(nd->path, IN_OPEN, type == PX_FT_DIR);
	(void)created;
	return fd;
}

/* (fifo) -ESTALE: the name stopped being the FIFO namei found before
 * px_fifo_open took its lock: look it up again (a few times: a name
 * that keeps changing is ENOENT). */
static long
do_open(long dirfd, const char *upath, long flags, long mode)
{
	long r;
	int tries = 0;

	while ((r = open_once(dirfd, upath, flags, mode)) == -ESTALE &&
	    ++tries < 8)
		;
	return r == -ESTALE ? -ENOENT : r;
}

long
px_open(PX_ARGS)
{
	PX_UNUSED;
	return do_open(AT_FDCWD, (const char *)a1, a2, a3);
}

long
px_openat(PX_ARGS)
{
	PX_UNUSED;
	return do_open(a1, (const char *)a2, a3, a4);
}

long
px_creat(PX_ARGS)
{
	PX_UNUSED;
	return do_open(AT_FDCWD, (const char *)a1, O_CREAT | O_WRONLY |
	    O_TRUNC, a2);
}

/* ---- stat ------------------------------------------------------------ */

static long
stat_of(long dirfd, const char *upath, long flags, struct stat *st)
{
	struct px_nd *nd = &nd1;
	long r;

	dirfd = (int)dirfd;             /* Linux reads an int */
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH |
	    AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		char c;

		if (px_copyin(&c, upath, 1) < 0)
			return -EFAULT;
		if (c == '\0') {
			struct px_ofile *f = px_fd_get((int)dirfd);

			if (!f || dirfd != (int)dirfd)
				return -EBADF;
			if (!px_fops[f->type] || !px_fops[f->type]->fstat)
				return -EBADF;
			memset(st, 0, sizeof(*st));
			return px_fops[f->type]->fstat(f, st);
		}
	}
	if ((r = px_namei(dirfd, upath, ((flags & AT_SYMLINK_NOFOLLOW) ?
	    PX_ND_NOFOLLOW : 0) | ((flags & AT_EMPTY_PATH) ? PX_ND_EMPTY : 0),
	    nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	*st = nd->st;
	return 0;
}

static long
stat_out(long r, const struct stat *st, void *ust)
{
	return r < 0 ? r : px_copyout(ust, st, sizeof(*st));
}

long
px_stat(PX_ARGS)
{
	struct stat st;

	PX_UNUSED;
	return stat_out(stat_of(AT_FDCWD, (const char *)a1, 0, &st), &st,
	    (void *)a2);
}

long
px_lstat(PX_ARGS)
{
	struct stat st;

	PX_UNUSED;
	return stat_out(stat_of(AT_FDCWD, (const char *)a1,
	    AT_SYMLINK_NOFOLLOW, &st), &st, (void *)a2);
}

long
px_newfstatat(PX_ARGS)
{
	struct stat st;

	PX_UNUSED;
	return stat_out(stat_of(a1, (const char *)a2, a4, &st), &st,
	    (void *)a3);
}

long
px_statx(PX_ARGS)
{
	struct stat st;
	struct px_statx sx;
	long r;

	PX_UNUSED;
	if ((r = stat_of(a1, (const char *)a2, a3 & ~(long)AT_STATX_SYNC_TYPE,
	    &st)) < 0)
		return r;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime.tv_sec = st.st_atim.tv_sec;
	sx.stx_atime.tv_nsec = (uint32_t)st.st_atim.tv_nsec;
	sx.stx_mtime.tv_sec = st.st_mtim.tv_sec;
	sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtim.tv_nsec;
	sx.stx_ctime.tv_sec = st.st_ctim.tv_sec;
	sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctim.tv_nsec;
	sx.stx_rdev_major = (uint32_t)(st.st_rdev >> 8) & 0xfff;
	sx.stx_rdev_minor = (uint32_t)(st.st_rdev & 0xff);
	sx.stx_dev_major = (uint32_t)(st.st_dev >> 8) & 0xfff;
	sx.stx_dev_minor = (uint32_t)(st.st_dev & 0xff);
	return px_copyout((void *)a5, &sx, sizeof(sx));
}

static long
do_access(long dirfd, const char *upath, long mode, long flags)
{
	struct px_nd *nd = &nd1;
	long r;

	if (mode & ~(long)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = px_namei(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ?
	    PX_ND_NOFOLLOW : 0, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if ((mode & W_OK) && nd->be == PX_BE_MOD)
		return -EROFS;          /* before the bits, as Linux */
	if ((r = px_perm(nd->st.st_mode, (int)mode)) < 0)
		return r;
	return 0;
}

long
px_access(PX_ARGS)
{
	PX_UNUSED;
	return do_access(AT_FDCWD, (const char *)a1, a2, 0);
}

long
px_faccessat(PX_ARGS)
{
	PX_UNUSED;
	return do_access(a1, (const char *)a2, a3, 0);
}

long
px_faccessat2(PX_ARGS)
{
	PX_UNUSED;
	return do_access(a1, (const char *)a2, a3, a4);
}

/* ---- the name space -------------------------------------------------- */

static long
do_mkdir(long dirfd, const char *upath, long mode)
{
	struct px_nd *nd = &nd1;
	long r;

	if ((r = px_namei(dirfd, upath, PX_ND_NOFOLLOW, nd)) < 0)
		return r;
	if (nd->exists)
		return -EEXIST;
	if ((r = parent_ok(nd)) < 0)
		return r;
	return note(FS(PX_FS_CHANGED, cffs_mkdir(fs, nd->path, (uint32_t)
	    mode & 07777 & ~cur_umask(), PX_UID, PX_GID)), nd->path,
	    IN_CREATE, 1);
}

long
px_mkdir(PX_ARGS)
{
	PX_UNUSED;
	return do_mkdir(AT_FDCWD, (const char *)a1, a2);
}

long
px_mkdirat(PX_ARGS)
{
	PX_UNUSED;
	return do_mkdir(a1, (const char *)a2, a3);
}

/*
 * (fifo) mknod: a FIFO (C-FFS's FIFO inode, fifo.c), or with type 0 or
 * S_IFREG an empty regular file, as Linux.  ExOS keeps no device nodes
 * on disk (its devices are /dev's, dev.c) and C-FFS no sockets:
 * S_IFCHR and S_IFBLK are EPERM (what Linux tells a user without
 * CAP_MKNOD), and so is S_IFSOCK; S_IFDIR is EPERM, any other type
 * EINVAL, as Linux.
 */
static long
do_mknod(long dirfd, const char *upath, long mode)
{
	struct px_nd *nd = &nd1;
	uint32_t type = (uint32_t)mode & S_IFMT;
	uint32_t perm = (uint32_t)mode & 07777 & ~cur_umask();
	long r;

	if (type == S_IFDIR)
		return -EPERM;
	if (type != 0 && type != S_IFREG && type != S_IFIFO &&
	    type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK)
		return -EINVAL;
	if ((r = px_namei(dirfd, upath, PX_ND_NOFOLLOW, nd)) < 0)
		return r;
	if (nd->exists)
		return -EEXIST;
	if (nd->slash)
		return -ENOENT;         /* Linux: "p/" names no directory */
	if ((r = parent_ok(nd)) < 0)
		return r;
	if (type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK)
		return -EPERM;
	if (type == S_IFIFO)
		r = FS(PX_FS_CHANGED, cffs_mkfifo(fs, nd->path, perm, PX_UID,
		    PX_GID));
	else
		r = FS(PX_FS_CHANGED, cffs_create(fs, nd->path, perm, PX_UID,
		    PX_GID));
	return note(r, nd->path, IN_CREATE, 0);
}

long
px_mknod(PX_ARGS)
{
	PX_UNUSED;
	return do_mknod(AT_FDCWD, (const char *)a1, a2);
}

long
px_mknodat(PX_ARGS)
{
	PX_UNUSED;
	return do_mknod(a1, (const char *)a2, a3);
}

/* Does the program's path end in "." (rmdir's EINVAL)? */
static int
ends_dot(const char *upath)
{
	char buf[PX_PATH_MAX];
	long n = px_strin(buf, upath, sizeof(buf));

	while (n > 1 && buf[n - 1] == '/')
		n--;
	return n >= 1 && buf[n - 1] == '.' && (n == 1 || buf[n - 2] == '/');
}

static long
do_rmdir(long dirfd, const char *upath)
{
	struct px_nd *nd = &nd1;
	long r;

	if ((r = px_namei(dirfd, upath, PX_ND_NOFOLLOW, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (!S_ISDIR(nd->st.st_mode))
		return -ENOTDIR;
	if (ends_dot(upath))
		return -EINVAL;
	if (strcmp(nd->path, "/") == 0)
		return -EBUSY;
	if ((r = parent_ok(nd)) < 0)
		return r;
	return note(FS(PX_FS_CHANGED, cffs_rmdir(fs, nd->path)), nd->path,
	    IN_DELETE, 1);
}

long
px_rmdir(PX_ARGS)
{
	PX_UNUSED;
	return do_rmdir(AT_FDCWD, (const char *)a1);
}

static long
do_unlink(long dirfd, const char *upath)
{
	struct px_nd *nd = &nd1;
	struct px_fifo_names fn;
	long r;

	if ((r = px_namei(dirfd, upath, PX_ND_NOFOLLOW, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (S_ISDIR(nd->st.st_mode))
		return -EISDIR;
	if (nd->be != PX_BE_CFFS)
		return -EROFS;
	if ((r = parent_ok(nd)) < 0)
		return r;
	px_fifo_names_begin(&fn, PX_FIFO_UNLINK, nd->path, NULL); /* (fifo) */
	r = px_vn_unlink(nd->path);
	px_fifo_names_end(&fn, r);
	return note(r, nd->path, IN_DELETE, 0);
}

long
px_unlink(PX_ARGS)
{
	PX_UNUSED;
	return do_unlink(AT_FDCWD, (const char *)a1);
}

long
px_unlinkat(PX_ARGS)
{
	PX_UNUSED;
	if (a3 & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	if (a3 & AT_REMOVEDIR)
		return do_rmdir(a1, (const char *)a2);
	return do_unlink(a1, (const char *)a2);
}

/*
 * The mount a place belongs to, as Linux counts them: /dev and /proc
 * are file systems of their own; the C-FFS root and the boot modules
 * (read-only files in the root's directories) are one.  rename and link
 * across two of them are EXDEV.
 */
static int
mount_of(int be)
{
	if (be == PX_BE_DEV || be == PX_BE_PROC)
		return be;
	return PX_BE_CFFS;
}

static long
do_rename(long ofd, const char *from, long nfd, const char *to, long flags)
{
	struct px_nd *a = &nd1, *b = &nd2;
	struct px_fifo_names fn;
	size_t n;
	long r;

	if (flags & ~(long)RENAME_NOREPLACE)
		return -EINVAL;
	if ((r = px_namei(ofd, from, PX_ND_NOFOLLOW, a)) < 0)
		return r;
	if ((r = px_namei(nfd, to, PX_ND_NOFOLLOW, b)) < 0)
		return r;
	/* as Linux: the two parents' mounts first, then the names */
	if (mount_of(a->pbe) != mount_of(b->pbe))
		return -EXDEV;
	if (!a->exists)
		return -ENOENT;
	if (ends_dot(from) || ends_dot(to))
		return -EBUSY;
	if (a->be != PX_BE_CFFS || (b->exists && b->be != PX_BE_CFFS))
		return -EROFS;
	if (b->exists && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (strcmp(a->path, b->path) == 0)
		return 0;
	n = strlen(a->path);
	if (strncmp(b->path, a->path, n) == 0 && b->path[n] == '/')
		return -EINVAL;         /* into itself */
	if (b->exists) {
		if (S_ISDIR(a->st.st_mode) && !S_ISDIR(b->st.st_mode))
			return -ENOTDIR;
		if (!S_ISDIR(a->st.st_mode) && S_ISDIR(b->st.st_mode))
			return -EISDIR;
		/* two names of one file: nothing to do (POSIX, Linux); a
		 * rename hid the open target and then moved the source
		 * over it, losing a name (review, s17) */
		if (a->st.st_dev == b->st.st_dev &&
		    a->st.st_ino == b->st.st_ino)
			return 0;
	}
	if ((r = parent_ok(a)) < 0 || (r = parent_ok(b)) < 0)
		return r;
	px_fifo_names_begin(&fn, PX_FIFO_RENAME, a->path, b->path); /* (fifo) */
	r = px_vn_rename(a->path, b->path);
	px_fifo_names_end(&fn, r);
	if (r >= 0)
		px_in_move(a->path, b->path, S_ISDIR(a->st.st_mode));
	return r;
}

long
px_rename(PX_ARGS)
{
	PX_UNUSED;
	return do_rename(AT_FDCWD, (const char *)a1, AT_FDCWD,
	    (const char *)a2, 0);
}

long
px_renameat(PX_ARGS)
{
	PX_UNUSED;
	return do_rename(a1, (const char *)a2, a3, (const char *)a4, 0);
}

long
px_renameat2(PX_ARGS)
{
	PX_UNUSED;
	return do_rename(a1, (const char *)a2, a3, (const char *)a4, a5);
}

static long
do_link(long ofd, const char *from, long nfd, const char *to, long flags)
{
	struct px_nd *a = &nd1, *b = &nd2;
	struct px_fifo_names fn;
	long r;

	if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = px_namei(ofd, from, (flags & AT_SYMLINK_FOLLOW) ? 0 :
	    PX_ND_NOFOLLOW, a)) < 0)
		return r;
	if (!a->exists)
		return -ENOENT;
	if ((r = px_namei(nfd, to, PX_ND_NOFOLLOW, b)) < 0)
		return r;
	if (b->exists)
		return -EEXIST;
	/* as Linux: the file's mount and the new name's parent's */
	if (mount_of(a->be) != mount_of(b->pbe))
		return -EXDEV;
	if (S_ISDIR(a->st.st_mode))
		return -EPERM;
	if (a->be != PX_BE_CFFS)
		return -EROFS;
	if ((r = parent_ok(b)) < 0)
		return r;
	px_fifo_names_begin(&fn, PX_FIFO_LINK, a->path, b->path); /* (fifo) */
	/* (vfs_cffs.c: the record-lock key of an open file the link moves
	 * out of its entry) */
	r = px_vn_link(a->path, b->path);
	px_fifo_names_end(&fn, r);
	if (r >= 0) {
		px_in_note(a->path, IN_ATTRIB, 0);
		px_in_note(b->path, IN_CREATE, 0);
	}
	return r;
}

long
px_link(PX_ARGS)
{
	PX_UNUSED;
	return do_link(AT_FDCWD, (const char *)a1, AT_FDCWD, (const char *)a2,
	    0);
}

long
px_linkat(PX_ARGS)
{
	PX_UNUSED;
	return do_link(a1, (const char *)a2, a3, (const char *)a4, a5);
}

static long
do_symlink(const char *utarget, long dirfd, const char *upath)
{
	static char target[PX_PATH_MAX];
	struct px_nd *nd = &nd1;
	long r;

	if ((r = px_strin(target, utarget, sizeof(target))) < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	if ((r = px_namei(dirfd, upath, PX_ND_NOFOLLOW, nd)) < 0)
		return r;
	if (nd->exists)
		return -EEXIST;
	if ((r = parent_ok(nd)) < 0)
		return r;
	return note(FS(PX_FS_CHANGED, cffs_symlink(fs, target, nd->path,
	    PX_UID, PX_GID)), nd->path, IN_CREATE, 0);
}

long
px_symlink(PX_ARGS)
{
	PX_UNUSED;
	return do_symlink((const char *)a1, AT_FDCWD, (const char *)a2);
}

long
px_symlinkat(PX_ARGS)
{
	PX_UNUSED;
	return do_symlink((const char *)a1, a2, (const char *)a3);
}

static long
do_readlink(long dirfd, const char *upath, char *ubuf, long size)
{
	static char buf[PX_PATH_MAX];
	struct px_nd *nd = &nd1;
	long r;

	dirfd = (int)dirfd;             /* Linux reads an int */
	if (size <= 0)
		return -EINVAL;
	/* "" is dirfd's own file (an O_PATH|O_NOFOLLOW link), as Linux */
	if ((r = px_namei(dirfd, upath, PX_ND_NOFOLLOW | (dirfd != AT_FDCWD ?
	    PX_ND_EMPTY : 0), nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (!S_ISLNK(nd->st.st_mode)) {
		char c = 1;

		px_copyin(&c, upath, 1);
		return c ? -EINVAL : -ENOENT;   /* "": Linux's ENOENT */
	}
	if (nd->be == PX_BE_PROC)
		r = px_procfs_readlink(nd->path, buf);
	else
		r = FS(PX_FS_READ, cffs_readlink(fs, nd->path, buf,
		    sizeof(buf)));
	if (r < 0)
		return r;
	if (r > size)
		r = size;
	return px_copyout(ubuf, buf, (size_t)r) < 0 ? -EFAULT : r;
}

long
px_readlink(PX_ARGS)
{
	PX_UNUSED;
	return do_readlink(AT_FDCWD, (const char *)a1, (char *)a2, a3);
}

long
px_readlinkat(PX_ARGS)
{
	PX_UNUSED;
	return do_readlink(a1, (const char *)a2, (char *)a3, a4);
}

/* ---- the working directory ------------------------------------------- */

long
px_chdir(PX_ARGS)
{
	struct px_fdtab *t = px_fd_tab();
	struct px_nd *nd = &nd1;
	long r;

	PX_UNUSED;
	if ((r = px_namei(AT_FDCWD, (const char *)a1, 0, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (!S_ISDIR(nd->st.st_mode))
		return -ENOTDIR;
	if ((r = px_perm(nd->st.st_mode, X_OK)) < 0)
		return r;
	if (t)
		strcpy(t->cwd, nd->path);
	return 0;
}

long
px_fchdir(PX_ARGS)
{
	struct px_fdtab *t = px_fd_tab();
	struct px_ofile *f = px_fd_get((int)a1);

	PX_UNUSED;
	if (!f || a1 != (int)a1)
		return -EBADF;
	if (f->type != PX_FT_DIR)
		return -ENOTDIR;
	strcpy(t->cwd, px_dir_path(f));
	return 0;
}

long
px_getcwd(PX_ARGS)
{
	struct px_fdtab *t = px_fd_tab();
	const char *cwd = t ? t->cwd : "/";
	size_t n = strlen(cwd) + 1;

	PX_UNUSED;
	if ((size_t)a2 < n)
		return -ERANGE;
	if (px_copyout((void *)a1, cwd, n) < 0)
		return -EFAULT;
	return (long)n;
}

long
px_umask(PX_ARGS)
{
	struct px_fdtab *t = px_fd_tab();
	long old = t ? t->umask : 022;

	PX_UNUSED;
	if (t)
		t->umask = (uint32_t)a1 & 0777;
	return old;
}

/* ---- attributes ------------------------------------------------------ */

static struct px_ofile *fd_fifo;        /* (fifo) fd_name's FIFO end */

/* (fifo3) r, after telling inotify of a FIFO end's attribute change
 * (mask; 0: none) under its name, if it still has one */
static long
fifo_note(long r, uint32_t mask)
{
	if (r >= 0 && mask &&
	    px_fifo_name(fd_fifo, nd1.path, sizeof(nd1.path)) == 1)
		px_in_note(nd1.path, mask, 0);
	return r;
}

/* The name of fd's file on C-FFS (fchmod, fchown, futimens: EBADF on
 * an O_PATH descriptor, as Linux; fchownat's AT_EMPTY_PATH takes one:
 * raw); (fifo) 1 for a FIFO end (fd_fifo): fifoname.c changes its
 * inode by number. */
static long
fd_name_raw(long fd, char *path, int raw)
{
	struct px_ofile *f = raw ? px_fd_get((int)fd) : px_fd_io((int)fd);

	if (!f || fd != (int)fd)
		return -EBADF;
	if (f->type == PX_FT_FIFO) {
		fd_fifo = f;
		return 1;
	}
	if (f->type != PX_FT_FILE && f->type != PX_FT_DIR)
		return -EROFS;
	strcpy(path, px_dir_path(f));
	/* (ports12) for inotify's IN_ISDIR */
	nd1.st.st_mode = f->type == PX_FT_DIR ? S_IFDIR : S_IFREG;
	return 0;
}

static long
fd_name(long fd, char *path)
{
	return fd_name_raw(fd, path, 0);
}

/* Resolve for an attribute change: the C-FFS name in nd1.path. */
static long
attr_name(long dirfd, const char *upath, int nofollow)
{
	struct px_nd *nd = &nd1;
	long r;

	if ((r = px_namei(dirfd, upath, nofollow ? PX_ND_NOFOLLOW : 0,
	    nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (nd->be != PX_BE_CFFS)
		return -EROFS;
	return 0;
}

long
px_chmod(PX_ARGS)
{
	long r;

	PX_UNUSED;
	if ((r = attr_name(AT_FDCWD, (const char *)a1, 0)) < 0)
		return r;
	return note(FS(PX_FS_CHANGED, cffs_chmod(fs, nd1.path, (uint32_t)a2)),
	    nd1.path, IN_ATTRIB, S_ISDIR(nd1.st.st_mode));
}

long
px_fchmodat(PX_ARGS)
{
	long r;

	PX_UNUSED;
	/* Linux's fchmodat has no flags argument: a4 is not looked at
	 * (musl does AT_SYMLINK_NOFOLLOW itself, with O_PATH and
	 * /proc/self/fd, procfs.c) */
	if ((r = attr_name(a1, (const char *)a2, 0)) < 0)
		return r;
	return note(FS(PX_FS_CHANGED, cffs_chmod(fs, nd1.path, (uint32_t)a3)),
	    nd1.path, IN_ATTRIB, S_ISDIR(nd1.st.st_mode));
}

long
px_fchmod(PX_ARGS)
{
	uint32_t mode = (uint32_t)a2;
	long r;

	PX_UNUSED;
	if ((r = fd_name(a1, nd1.path)) < 0)
		return r;
	if (r == 1)
		return fifo_note(px_fifo_setattr(fd_fifo, PX_FIFO_CHMOD,
		    &mode), IN_ATTRIB);
	return note(FS(PX_FS_CHANGED, cffs_chmod(fs, nd1.path, (uint32_t)a2)),
	    nd1.path, IN_ATTRIB, S_ISDIR(nd1.st.st_mode));
}

/* One user: any owner is accepted and recorded (as root would). */
static long
chown_path(long r, long uid, long gid)
{
	uint32_t v[2] = { (uint32_t)uid, (uint32_t)gid };

	if (r < 0)
		return r;
	if (r == 1)
		return fifo_note(px_fifo_setattr(fd_fifo, PX_FIFO_CHOWN, v),
		    IN_ATTRIB);
	return note(FS(PX_FS_CHANGED, cffs_chown(fs, nd1.path, (uint32_t)uid,
	    (uint32_t)gid)), nd1.path, IN_ATTRIB, S_ISDIR(nd1.st.st_mode));
}

long
px_chown(PX_ARGS)
{
	PX_UNUSED;
	return chown_path(attr_name(AT_FDCWD, (const char *)a1, 0), a2, a3);
}

long
px_lchown(PX_ARGS)
{
	PX_UNUSED;
	return chown_path(attr_name(AT_FDCWD, (const char *)a1, 1), a2, a3);
}

long
px_fchown(PX_ARGS)
{
	PX_UNUSED;
	return chown_path(fd_name(a1, nd1.path), a2, a3);
}

long
px_fchownat(PX_ARGS)
{
	PX_UNUSED;
	if (a5 & AT_EMPTY_PATH)
		return chown_path(fd_name_raw(a1, nd1.path, 1), a3, a4);
	return chown_path(attr_name(a1, (const char *)a2,
	    (a5 & AT_SYMLINK_NOFOLLOW) != 0), a3, a4);
}

long
px_utimensat(PX_ARGS)
{
	struct timespec ts[2];
	struct cffs_time t[2], *tp[2];
	uint32_t mask;
	long r;
	int i;

	PX_UNUSED;
	if (a4 & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a3) {
		if (px_copyin(ts, (const void *)a3, sizeof(ts)) < 0)
			return -EFAULT;
	} else
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	for (i = 0; i < 2; i++) {
		if (ts[i].tv_nsec == UTIME_OMIT) {
			tp[i] = NULL;
			continue;
		}
		if (ts[i].tv_nsec == UTIME_NOW)
			px_clock_gettime(CLOCK_REALTIME, (long)&ts[i], 0, 0, 0,
			    0);
		else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L)
			return -EINVAL;
		t[i].sec = ts[i].tv_sec;
		t[i].nsec = (uint32_t)ts[i].tv_nsec;
		tp[i] = &t[i];
	}
	if (!a2)
		r = fd_name(a1, nd1.path);      /* futimens */
	else
		r = attr_name(a1, (const char *)a2,
		    (a4 & AT_SYMLINK_NOFOLLOW) != 0);
	if (r < 0)
		return r;
	/* Linux's event: both times IN_ATTRIB, one of them IN_ACCESS or
	 * IN_MODIFY */
	mask = !tp[0] && !tp[1] ? 0 : tp[0] && tp[1] ? IN_ATTRIB : tp[0] ?
	    IN_ACCESS : IN_MODIFY;
	if (r == 1)
		return fifo_note(px_fifo_setattr(fd_fifo, PX_FIFO_UTIMES, tp),
		    mask);
	r = FS(PX_FS_CHANGED, cffs_utimens(fs, nd1.path, tp[0], tp[1]));
	if (mask)
		(void)note(r, nd1.path, mask, S_ISDIR(nd1.st.st_mode));
	return r;
}

long
px_truncate(PX_ARGS)
{
	struct px_nd *nd = &nd1;
	long r;

	PX_UNUSED;
	if (a2 < 0)
		return -EINVAL;
	if ((r = px_namei(AT_FDCWD, (const char *)a1, 0, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (S_ISDIR(nd->st.st_mode))
		return -EISDIR;
	if (S_ISFIFO(nd->st.st_mode))
		return -EINVAL;                 /* (fifo) as Linux */
	if ((r = px_perm(nd->st.st_mode, W_OK)) < 0)
		return r;
	if (nd->be != PX_BE_CFFS)
		return -EROFS;
	return note(FS(PX_FS_CHANGED, cffs_truncate(fs, nd->path,
	    (uint64_t)a2)), nd->path, IN_MODIFY, 0);
}

/* ---- the file system ------------------------------------------------- */

static long
statfs_out(void *ubuf, int be)
{
	struct cffs_statfs cs;
	struct statfs sf;
	long r;

	memset(&sf, 0, sizeof(sf));
	if (be == PX_BE_DEV || be == PX_BE_PROC) {
		/* (portgaps) their own file systems, as Linux's devtmpfs
		 * and proc: no blocks (df leaves them out) */
		sf.f_type = be == PX_BE_DEV ? 0x01021994 : 0x9fa0;
		sf.f_bsize = 4096;
		sf.f_namelen = 255;
		sf.f_frsize = sf.f_bsize;
		return px_copyout(ubuf, &sf, sizeof(sf));
	}
	r = FS(PX_FS_READ, cffs_statfs(fs, &cs));
	if (r == 0) {
		sf.f_type = 0xcff5;
		sf.f_bsize = cs.bsize;
		sf.f_blocks = cs.blocks;
		sf.f_bfree = sf.f_bavail = cs.bfree;
		sf.f_namelen = cs.namemax;
	} else {                /* the in-memory files: read-only, full */
		sf.f_type = 0x858458f6;         /* as ramfs */
		sf.f_bsize = 4096;
		sf.f_namelen = 255;
		sf.f_flags = ST_RDONLY;
	}
	sf.f_frsize = sf.f_bsize;
	return px_copyout(ubuf, &sf, sizeof(sf));
}

long
px_statfs(PX_ARGS)
{
	struct px_nd *nd = &nd1;
	long r;

	PX_UNUSED;
	if ((r = px_namei(AT_FDCWD, (const char *)a1, 0, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	return statfs_out((void *)a2, nd->be);
}

long
px_fstatfs(PX_ARGS)
{
	PX_UNUSED;
	if (!px_fd_get((int)a1) || a1 != (int)a1)
		return -EBADF;
	return statfs_out((void *)a2, PX_BE_CFFS);
}

long
px_sync(PX_ARGS)
{
	PX_UNUSED;
	FS(PX_FS_CHANGED, px_fs_sync(fs, NULL));
	return 0;
}

/* ---- execve's program file ------------------------------------------- */

/*
 * The program's file is read in two steps: its head here (the ELF
 * header and program headers, or a script's first line), the segments
 * later straight into the pages exec stages (px_exec_image_rest).  It
 * was read whole into the arena first: for a 1.3 MB program, 336
 * pages the arena then gave back one PAGE_UNMAP and one PAGE_FREE at a
 * time.
 */
#define EXEC_HEAD 4096u
static char exec_path[PATH_MAX];        /* the C-FFS file being loaded */

/* Read the first *have bytes of exec_path into a fresh arena buffer. */
static long
exec_head(const uint8_t **img, uint64_t have)
{
	uint8_t *buf;
	long r;

	buf = (uint8_t *)px_mmap(0, (long)have, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)buf >= -4095UL)
		return -ENOMEM;
	r = FS(PX_FS_READ, cffs_read(fs, exec_path, 0, buf, have));
	if (r != (long)have) {
		px_munmap((long)buf, (long)have, 0, 0, 0, 0);
		return r < 0 ? r : -EIO;
	}
	*img = buf;
	return 0;
}

long
px_exec_image(const char *upath, const uint8_t **img, uint64_t *size,
    uint64_t *have)
{
	struct px_nd *nd = &nd1;
	const Elf64_Ehdr *eh;
	uint64_t phend;
	long r;

	if ((r = px_namei(AT_FDCWD, upath, 0, nd)) < 0)
		return r;
	if (!nd->exists)
		return -ENOENT;
	if (!S_ISREG(nd->st.st_mode) || px_perm(nd->st.st_mode, X_OK) < 0)
		return -EACCES;
	if (nd->be == PX_BE_MOD) {
		if ((r = px_file_lookup(nd->path)) < 0)
			return r;
		*img = px_file_data((uint32_t)r, size);
		*have = *size;
		return 0;
	}
	if (nd->be != PX_BE_CFFS)
		return -EACCES;
	if (strlen(nd->path) >= sizeof(exec_path))
		return -ENAMETOOLONG;
	strcpy(exec_path, nd->path);
	*size = (uint64_t)nd->st.st_size;
	if (*size == 0)
		return -ENOEXEC;
	*have = *size < EXEC_HEAD ? *size : EXEC_HEAD;
	if ((r = exec_head(img, *have)) < 0)
		return r;
	/* program headers past the head (no linker puts them there, but
	 * the format allows it): read again, up to their end */
	eh = (const void *)*img;
	if (*have >= sizeof(*eh) && !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	    eh->e_phoff < *size && eh->e_phnum <= (*size - eh->e_phoff) /
	    sizeof(Elf64_Phdr) && (phend = eh->e_phoff + eh->e_phnum *
	    sizeof(Elf64_Phdr)) > *have) {
		px_munmap((long)*img, (long)*have, 0, 0, 0, 0);
		*have = phend;
		if ((r = exec_head(img, *have)) < 0)
			return r;
	}
	return 1;               /* px_exec_image_done unmaps it */
}

long
px_exec_image_rest(void *dst, uint64_t off, uint64_t len)
{
	long r;

	if (len == 0)
		return 0;
	r = FS(PX_FS_READ, cffs_read(fs, exec_path, off, dst, len));
	if (r == (long)len)
		return 0;
	return r < 0 ? r : -EIO;        /* the file shrank under us */
}

void
px_exec_image_done(const uint8_t *img, uint64_t size)
{
	px_munmap((long)img, (long)size, 0, 0, 0, 0);
}
