/*
 * files.c: the read-only in-memory file table and the file calls on it,
 * until C-FFS brings real files (issue 11).  scripts/exos-run packs the
 * files it adds into one boot module, "files":
 *     "EXOSFILE" u32 count u32 0, then count entries of
 *     u32 name_off, name_len, data_off, data_len, mode, 0
 * (offsets from the module's start; names absolute guest paths, NUL
 * terminated).  open/openat, read/readv/pread64, lseek, fstat/stat/
 * lstat/newfstatat, access/faccessat, fcntl and close work on them;
 * anything that would write is refused as on a read-only file system
 * (EROFS; write to a file fd: EBADF, as for any fd opened O_RDONLY).
 * fds 0, 1 and 2 stay the console (console.c); reading them gives end
 * of file (exos-run's console input is empty).  The working directory
 * is "/".  FD_CLOEXEC is recorded; execve starts the new image with a
 * fresh table, so today every file fd is closed at exec (open files
 * surviving exec come with C-FFS's descriptors, issue 11).  Paths,
 * buffers and stat structures are the program's: they go through
 * uaccess.h (bad pointers are EFAULT).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <limits.h>
#include <unistd.h>
#include "posix.h"
#include "uaccess.h"

#define NFD     64
#define NCONS   3

struct fent {                   /* as exos-run writes it */
	uint32_t name_off, name_len, data_off, data_len, mode, pad;
};

static const uint8_t *fmod;     /* the module, or NULL */
static uint64_t fmod_size;
static uint32_t nfiles;
static int loaded;

static struct fd {
	int used;
	int cloexec;
	uint32_t file;          /* index in the table */
	uint64_t off;
} fds[NFD];

static const struct fent *
fent(uint32_t i)
{
	return (const struct fent *)(fmod + 16) + i;
}

static void
load(void)
{
	uint32_t i;

	if (loaded)
		return;
	loaded = 1;
	fmod = px_module("files", &fmod_size);
	if (!fmod || fmod_size < 16 || memcmp(fmod, "EXOSFILE", 8) != 0) {
		fmod = NULL;
		return;
	}
	memcpy(&nfiles, fmod + 8, 4);
	if (nfiles > (fmod_size - 16) / sizeof(struct fent))
		nfiles = 0;
	for (i = 0; i < nfiles; i++) {  /* every entry inside the module */
		const struct fent *f = fent(i);

		if (f->name_off > fmod_size || f->name_len >= fmod_size -
		    f->name_off || fmod[f->name_off + f->name_len] != '\0' ||
		    f->data_off > fmod_size ||
		    f->data_len > fmod_size - f->data_off) {
			nfiles = i;
			break;
		}
	}
}

/* (vmem) A forked child: fork does not map the boot modules into it,
 * so look the file table up again (px_module maps it) at first use. */
void
px_files_child(void)
{
	loaded = 0;
	fmod = NULL;
	nfiles = 0;
}

/* The file at path (absolute, or relative to "/"), or -errno. */
long
px_file_lookup(const char *path)
{
	char norm[PATH_MAX];
	size_t n = 0;
	const char *p = path;
	uint32_t i;

	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	load();
	/* "/a//b/./c" -> "/a/b/c" (no "..": there are no directories) */
	while (*p) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
			p++;
			continue;
		}
		if (!*p)
			break;
		if (n + 1 >= sizeof(norm))
			return -ENAMETOOLONG;
		norm[n++] = '/';
		while (*p && *p != '/') {
			if (n + 1 >= sizeof(norm))
				return -ENAMETOOLONG;
			norm[n++] = *p++;
		}
	}
	norm[n] = '\0';
	for (i = 0; i < nfiles; i++)
		if (fent(i)->name_len == n &&
		    memcmp(fmod + fent(i)->name_off, norm, n) == 0)
			return i;
	return -ENOENT;
}

const void *
px_file_data(uint32_t i, uint64_t *size)
{
	*size = fent(i)->data_len;
	return fmod + fent(i)->data_off;
}

/* Copy the program's path into buf (PATH_MAX): 0 or -errno. */
static long
path_in(char *buf, const char *upath)
{
	long r = px_strin(buf, upath, PATH_MAX);

	return r < 0 ? r : 0;
}

static long
do_open(long dirfd, const char *upath, long flags)
{
	char path[PATH_MAX];
	long f;
	int fd;

	if ((f = path_in(path, upath)) < 0)
		return f;
	if (dirfd != AT_FDCWD && path[0] != '/')
		return -EBADF;          /* no directory fds yet */
	f = px_file_lookup(path);
	if (f == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (f < 0)
		return f;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return -EROFS;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	for (fd = NCONS; fd < NFD && fds[fd].used; fd++)
		;
	if (fd == NFD)
		return -EMFILE;
	fds[fd].used = 1;
	fds[fd].cloexec = (flags & O_CLOEXEC) != 0;
	fds[fd].file = (uint32_t)f;
	fds[fd].off = 0;
	return fd;
}

long
px_open(PX_ARGS)
{
	PX_UNUSED;
	return do_open(AT_FDCWD, (const char *)a1, a2);
}

long
px_openat(PX_ARGS)
{
	PX_UNUSED;
	return do_open(a1, (const char *)a2, a3);
}

static struct fd *
getfd(long fd)
{
	if (fd < NCONS || fd >= NFD || !fds[fd].used)
		return NULL;
	return &fds[fd];
}

long
px_close(PX_ARGS)
{
	struct fd *d;

	PX_UNUSED;
	if (a1 >= 0 && a1 < NCONS)
		return 0;               /* the console stays */
	if (!(d = getfd(a1)))
		return -EBADF;
	d->used = 0;
	return 0;
}

static long
read_at(struct fd *d, char *buf, uint64_t len, uint64_t off)
{
	uint64_t size;
	const char *data = px_file_data(d->file, &size);

	long r;

	if (off >= size)
		return 0;
	if (len > size - off)
		len = size - off;
	if ((r = px_copyout(buf, data + off, len)) < 0)
		return r;
	return (long)len;
}

long
px_read(PX_ARGS)
{
	struct fd *d;
	long r;

	PX_UNUSED;
	if (a1 >= 0 && a1 < NCONS)
		return 0;               /* console input: end of file */
	if (!(d = getfd(a1)))
		return -EBADF;
	if ((uint64_t)a3 > SSIZE_MAX)
		return -EINVAL;
	if ((r = read_at(d, (char *)a2, (uint64_t)a3, d->off)) < 0)
		return r;
	d->off += (uint64_t)r;
	return r;
}

long
px_pread64(PX_ARGS)
{
	struct fd *d;

	PX_UNUSED;
	if (a1 >= 0 && a1 < NCONS)
		return -ESPIPE;
	if (!(d = getfd(a1)))
		return -EBADF;
	if ((uint64_t)a3 > SSIZE_MAX || a4 < 0)
		return -EINVAL;
	return read_at(d, (char *)a2, (uint64_t)a3, (uint64_t)a4);
}

long
px_readv(PX_ARGS)
{
	const struct iovec *uiov = (const struct iovec *)a2;
	struct iovec iov;
	struct fd *d;
	long total = 0, r;
	int i;

	PX_UNUSED;
	if (a1 >= 0 && a1 < NCONS)
		return 0;
	if (!(d = getfd(a1)))
		return -EBADF;
	if (a3 < 0 || a3 > IOV_MAX)
		return -EINVAL;
	for (i = 0; i < a3; i++) {
		if ((r = px_copyin(&iov, &uiov[i], sizeof(iov))) < 0)
			return r;
		if (iov.iov_len > (size_t)(SSIZE_MAX - total))
			return -EINVAL;
		total += (long)iov.iov_len;
	}
	total = 0;
	for (i = 0; i < a3; i++) {
		if ((r = px_copyin(&iov, &uiov[i], sizeof(iov))) < 0 ||
		    (r = read_at(d, iov.iov_base, iov.iov_len, d->off)) < 0)
			return total ? total : r;
		d->off += (uint64_t)r;
		total += r;
		if ((size_t)r < iov.iov_len)
			break;
	}
	return total;
}

long
px_lseek(PX_ARGS)
{
	struct fd *d;
	uint64_t size;
	int64_t base;

	PX_UNUSED;
	if (a1 >= 0 && a1 < NCONS)
		return -ESPIPE;
	if (!(d = getfd(a1)))
		return -EBADF;
	px_file_data(d->file, &size);
	switch (a3) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)d->off;
		break;
	case SEEK_END:
		base = (int64_t)size;
		break;
	default:
		return -EINVAL;
	}
	if ((a2 < 0 && base + a2 < 0) || (a2 > 0 && base > INT64_MAX - a2))
		return -EINVAL;
	d->off = (uint64_t)(base + a2);
	return (long)d->off;
}

/* Fill the program's ust for file (-1: the console): 0 or -EFAULT. */
static long
fill_stat(struct stat *ust, long file)
{
	struct stat sb, *st = &sb;
	uint64_t size;

	memset(st, 0, sizeof(*st));
	st->st_dev = 1;
	st->st_nlink = 1;
	st->st_blksize = XOK_PGSIZE;
	if (file < 0) {                 /* the console */
		st->st_mode = S_IFCHR | 0620;
		st->st_rdev = (5 << 8) | 1;
		st->st_ino = 1;
		return px_copyout(ust, st, sizeof(*st));
	}
	px_file_data((uint32_t)file, &size);
	st->st_mode = S_IFREG | (fent((uint32_t)file)->mode & 0555);
	st->st_ino = (ino_t)file + 2;
	st->st_size = (off_t)size;
	st->st_blocks = (blkcnt_t)((size + 511) / 512);
	return px_copyout(ust, st, sizeof(*st));
}

long
px_fstat(PX_ARGS)
{
	struct fd *d = NULL;

	PX_UNUSED;
	if ((a1 < 0 || a1 >= NCONS) && !(d = getfd(a1)))
		return -EBADF;
	return fill_stat((struct stat *)a2, d ? (long)d->file : -1);
}

static long
do_stat(long dirfd, const char *upath, struct stat *st, long flags)
{
	char path[PATH_MAX];
	long f;

	if ((f = path_in(path, upath)) < 0)
		return f;
	if (!*path && (flags & AT_EMPTY_PATH))
		return px_fstat(dirfd, (long)st, 0, 0, 0, 0);
	if (dirfd != AT_FDCWD && path[0] != '/')
		return -EBADF;
	if ((f = px_file_lookup(path)) < 0)
		return f;
	return fill_stat(st, f);
}

long
px_stat(PX_ARGS)
{
	PX_UNUSED;
	return do_stat(AT_FDCWD, (const char *)a1, (struct stat *)a2, 0);
}

long
px_newfstatat(PX_ARGS)
{
	PX_UNUSED;
	return do_stat(a1, (const char *)a2, (struct stat *)a3, a4);
}

static long
do_access(long dirfd, const char *upath, long mode)
{
	char path[PATH_MAX];
	long f;

	if ((f = path_in(path, upath)) < 0)
		return f;
	if (mode & ~(long)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (dirfd != AT_FDCWD && path[0] != '/')
		return -EBADF;
	if ((f = px_file_lookup(path)) < 0)
		return f;
	if (mode & W_OK)
		return -EROFS;
	if ((mode & X_OK) && !(fent((uint32_t)f)->mode & 0111))
		return -EACCES;
	return 0;
}

long
px_access(PX_ARGS)
{
	PX_UNUSED;
	return do_access(AT_FDCWD, (const char *)a1, a2);
}

long
px_faccessat(PX_ARGS)
{
	PX_UNUSED;
	return do_access(a1, (const char *)a2, a3);
}

long
px_fcntl(PX_ARGS)
{
	struct fd *d = NULL;

	PX_UNUSED;
	if ((a1 < 0 || a1 >= NCONS) && !(d = getfd(a1)))
		return -EBADF;
	switch (a2) {
	case F_GETFD:
		return d && d->cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		if (d)
			d->cloexec = (a3 & FD_CLOEXEC) != 0;
		return 0;
	case F_GETFL:
		return d ? O_RDONLY : O_RDWR;
	case F_SETFL:
		return 0;
	default:
		return -EINVAL;
	}
}
