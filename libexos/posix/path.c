/*
 * path.c: path resolution (px_namei) over the places a name can be
 * (vfs.h): /dev, /proc (procfs.c), exos-run's in-memory files, the
 * C-FFS root.  A /proc/PID/fd/N link is followed to the open file
 * itself, not to its text (procfs.c says why).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "posix.h"
#include "vfs.h"
#include "fsroot.h"
#include "uaccess.h"

long
px_perm(mode_t mode, int want)
{
	if ((want & R_OK) && !(mode & S_IRUSR))
		return -EACCES;
	if ((want & W_OK) && !(mode & S_IWUSR))
		return -EACCES;
	if ((want & X_OK) && !(mode & S_IXUSR))
		return -EACCES;
	return 0;
}

const char *
px_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

void
px_cffs_stat(const struct cffs_stat *cs, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 3;
	st->st_ino = cs->ino;
	st->st_mode = cs->mode;
	st->st_nlink = cs->nlink;
	st->st_uid = cs->uid;
	st->st_gid = cs->gid;
	st->st_size = (off_t)cs->size;
	st->st_blksize = CFFS_BSIZE;
	st->st_blocks = (blkcnt_t)(cs->blocks * (CFFS_BSIZE / 512));
	st->st_atim.tv_sec = cs->atime.sec;
	st->st_atim.tv_nsec = cs->atime.nsec;
	st->st_mtim.tv_sec = cs->mtime.sec;
	st->st_mtim.tv_nsec = cs->mtime.nsec;
	st->st_ctim.tv_sec = cs->ctime.sec;
	st->st_ctim.tv_nsec = cs->ctime.nsec;
}

static int
under_dev(const char *path)
{
	return strncmp(path, "/dev", 4) == 0 &&
	    (path[4] == '\0' || path[4] == '/');
}

long
px_lstat_at(const char *path, struct stat *st, int *be)
{
	struct cffs_stat cs;
	struct cffs_fs *fs;
	long r, err;

	if (under_dev(path)) {
		*be = PX_BE_DEV;
		return px_dev_lookup(path, st) < 0 ? -ENOENT : 0;
	}
	if (px_under_proc(path)) {
		*be = PX_BE_PROC;
		return px_procfs_lookup(path, st);
	}
	if (px_file_lookup(path) >= 0) {
		*be = PX_BE_MOD;
		return px_mod_stat(path, st);
	}
	if ((fs = px_fs_begin(&err)) != NULL) {
		r = px_fs_end(fs, cffs_stat(fs, path, &cs), PX_FS_READ);
		if (r == 0) {
			*be = PX_BE_CFFS;
			px_cffs_stat(&cs, st);
			return 0;
		}
		if (r != -ENOENT)
			return r;
	} else if (err != -ENODEV) {
		return err;             /* a mount that failed (no memory) */
	}
	*be = PX_BE_MOD;                /* a directory a file lies in */
	return px_mod_stat(path, st);
}

/* Read the link at path into buf (size PX_PATH_MAX): its length. */
static long
readlink_at(const char *path, char *buf)
{
	struct cffs_fs *fs;
	long err;

	if (px_under_proc(path))
		return px_procfs_readlink(path, buf);
	if (!(fs = px_fs_begin(&err)))
		return err;
	return px_fs_end(fs, cffs_readlink(fs, path, buf, PX_PATH_MAX),
	    PX_FS_READ);
}

/* Drop the last component of the absolute path p. */
static void
pop(char *p)
{
	char *s = strrchr(p, '/');

	if (s == p)
		p[1] = '\0';
	else if (s)
		*s = '\0';
}

/* The starting directory of a relative path. */
static long
start_dir(long dirfd, char *res)
{
	struct px_fdtab *t = px_fd_tab();
	struct px_ofile *f;

	if (dirfd == AT_FDCWD) {
		strcpy(res, t ? t->cwd : "/");
		return 0;
	}
	if (dirfd != (int)dirfd || !(f = px_fd_get((int)dirfd)))
		return -EBADF;
	if (f->type != PX_FT_DIR)
		return -ENOTDIR;
	strcpy(res, px_dir_path(f));
	return 0;
}

/* Resolve through the /proc link to description f: nd->path becomes
 * its name (and st, be its), or, for a description without a name
 * (a pipe), nd->of is f and st its fstat. */
static long
jump(struct px_ofile *f, struct px_nd *nd, struct stat *st, int *be,
    int last)
{
	static char name[PX_PATH_MAX];
	const struct px_fops *o = f->type < PX_FT_NTYPES ? px_fops[f->type] :
	    NULL;
	struct stat fst;
	long r;

	memset(&fst, 0, sizeof(fst));
	if (px_ofile_name(f, name, sizeof(name)) == 1) {
		strcpy(nd->path, name);
		if ((r = px_lstat_at(nd->path, st, be)) < 0)
			return r;
		/* the open file's own stat (an unlinked file's nlink) */
		if (o && o->fstat && o->fstat(f, &fst) == 0)
			*st = fst;
		return 0;
	}
	if (!last)
		return -ENOTDIR;
	if (!o || !o->fstat || (r = o->fstat(f, &fst)) < 0)
		return -ENOENT;
	*st = fst;
	*be = PX_BE_PROC;
	nd->of = f;
	return 0;
}

long
px_namei(long dirfd, const char *upath, int flags, struct px_nd *nd)
{
	static char rem[PX_PATH_MAX], tgt[PX_PATH_MAX];
	char *p, *comp;
	size_t n, len;
	int links = 0, last, be = PX_BE_MOD;
	struct px_ofile *f;
	struct stat st;
	long r;

	dirfd = (int)dirfd;             /* Linux reads an int */
	nd->of = NULL;
	if ((r = px_strin(rem, upath, PX_PATH_MAX)) < 0)
		return r;
	nd->slash = r > 0 && rem[r - 1] == '/';
	if (r == 0 && !(flags & PX_ND_EMPTY))
		return -ENOENT;
	if (rem[0] == '/')
		strcpy(nd->path, "/");
	else if (rem[0] && (r = start_dir(dirfd, nd->path)) < 0)
		return r;
	else if (!rem[0] && dirfd == AT_FDCWD)
		start_dir(dirfd, nd->path);
	if (rem[0] == '\0' && dirfd != AT_FDCWD) {
		/* AT_EMPTY_PATH: dirfd's file, whatever its type */
		if (dirfd != (int)dirfd || !(f = px_fd_get((int)dirfd)))
			return -EBADF;
		if ((r = jump(f, nd, &st, &be, 1)) < 0)
			return r;
		nd->st = st;
		nd->be = be;
		nd->exists = 1;
		return 0;
	}
	if ((r = px_lstat_at(nd->path, &st, &be)) < 0)
		return r;
	if (rem[0] == '\0') {           /* AT_EMPTY_PATH */
		nd->st = st;
		nd->be = be;
		nd->exists = 1;
		return 0;
	}
	p = rem;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - comp);
		if (n > 255)
			return -ENAMETOOLONG;
		{
			const char *q = p;

			while (*q == '/')
				q++;
			last = *q == '\0';
		}
		if (n == 1 && comp[0] == '.')
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			pop(nd->path);
			if ((r = px_lstat_at(nd->path, &st, &be)) < 0)
				return r;
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if ((r = px_perm(st.st_mode, X_OK)) < 0)
			return r;
		nd->pmode = st.st_mode;
		nd->pbe = be;
		len = strlen(nd->path);
		if (len + 1 + n >= PX_PATH_MAX)
			return -ENAMETOOLONG;
		if (len > 1)
			nd->path[len++] = '/';
		memcpy(nd->path + len, comp, n);
		nd->path[len + n] = '\0';
		r = px_lstat_at(nd->path, &st, &be);
		if (r == -ENOENT && last) {
			nd->exists = 0;
			return 0;
		}
		if (r < 0)
			return r;
		if (be == PX_BE_PROC && S_ISLNK(st.st_mode) && (!last ||
		    nd->slash || !(flags & PX_ND_NOFOLLOW)) &&
		    (f = px_procfs_fd(nd->path)) != NULL) {
			/* a magic link: to the open file itself */
			if (++links > PX_MAXLINKS)
				return -ELOOP;
			if ((r = jump(f, nd, &st, &be, last)) < 0)
				return r;
			continue;
		}
		if (S_ISLNK(st.st_mode) && (!last || nd->slash ||
		    !(flags & PX_ND_NOFOLLOW))) {
			long k;

			if (++links > PX_MAXLINKS)
				return -ELOOP;
			if ((k = readlink_at(nd->path, tgt)) < 0)
				return k;
			if (last)       /* a link's last name is followed */
				flags &= ~PX_ND_NOFOLLOW;
			if ((size_t)k + 1 + strlen(p) >= PX_PATH_MAX)
				return -ENAMETOOLONG;
			tgt[k] = '/';
			strcpy(tgt + k + 1, p);
			strcpy(rem, tgt);
			p = rem;
			if (rem[0] == '/')
				strcpy(nd->path, "/");
			else
				pop(nd->path);
			if ((r = px_lstat_at(nd->path, &st, &be)) < 0)
				return r;
			continue;
		}
	}
	if (nd->slash && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	nd->st = st;
	nd->be = be;
	nd->exists = 1;
	return 0;
}
