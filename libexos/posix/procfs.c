/*
 * procfs.c: the part of Linux's /proc that programs use to name an open
 * file: /proc/self (a link to /proc/PID, PID ours), /proc/PID/fd (a
 * directory of our descriptors) and /proc/PID/fd/N, one link per open
 * descriptor.  musl's fchmodat(AT_SYMLINK_NOFOLLOW) opens the file
 * O_PATH and chmods "/proc/self/fd/N"; shells and ls look at them too.
 *
 * As on Linux, /proc/PID/fd/N is a "magic" link: readlink gives the
 * file's name (px_ofile_name), but resolving through it (path.c) jumps
 * to the open file itself, not to the text: an unlinked file is still
 * found (by its hidden name, vfs_cffs.c), and a symbolic link opened
 * O_PATH|O_NOFOLLOW is that link, not followed again.  A description
 * without a name (a pipe) is the description itself: stat is its fstat
 * and open is a dup of it (as the BSDs' /dev/fd; Linux opens the pipe
 * anew, with the same result for reads and writes).
 *
 * Only our own process has fd: another PID's is ENOENT.  procpid.c
 * (portgaps) makes every other name: /proc/PID of every process, with
 * stat, status, cmdline and exe, and /proc/mounts.  Everything is
 * read-only (EROFS from the path calls, which see a place that is not
 * C-FFS).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "posix.h"
#include "vfs.h"

static long
mypid(void)
{
	return px_getpid(0, 0, 0, 0, 0, 0);
}

int
px_under_proc(const char *path)
{
	return strncmp(path, "/proc", 5) == 0 &&
	    (path[5] == '\0' || path[5] == '/');
}

/* A decimal number of at most 9 digits that is all of s up to end or
 * a '/': its value and where it ends, or -1. */
static long
number(const char *s, const char **end)
{
	long v = 0;
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 10) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || n > 9 || (*s != '\0' && *s != '/'))
		return -1;
	*end = s;
	return v;
}

enum { P_NONE, P_ROOT, P_SELF, P_PID, P_FDDIR, P_FD };

/* What path (absolute, normalized, under /proc) is; *fd the descriptor
 * of a P_FD. */
static int
classify(const char *path, long *fd)
{
	const char *p = path + 5, *e;
	long v;

	if (*p == '\0')
		return P_ROOT;
	p++;
	if (strcmp(p, "self") == 0)
		return P_SELF;
	if ((v = number(p, &e)) < 0 || v != mypid())
		return P_NONE;
	if (*e == '\0')
		return P_PID;
	if (strncmp(e, "/fd", 3) != 0 || (e[3] != '\0' && e[3] != '/'))
		return P_NONE;
	if (e[3] == '\0')
		return P_FDDIR;
	if ((v = number(e + 4, &e)) < 0 || *e != '\0' || v >= PX_NFD ||
	    !px_fd_get((int)v))
		return P_NONE;
	*fd = v;
	return P_FD;
}

long
px_procfs_lookup(const char *path, struct stat *st)
{
	long fd = -1;
	int k = classify(path, &fd);

	if (k == P_NONE)
		return px_procpid_lookup(path, st);     /* (portgaps) */
	memset(st, 0, sizeof(*st));
	st->st_dev = 4;
	st->st_blksize = 1024;
	st->st_uid = PX_UID;
	st->st_gid = PX_GID;
	switch (k) {
	case P_ROOT:
	case P_PID:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 3;
		st->st_ino = k == P_ROOT ? 1 : 2;
		break;
	case P_FDDIR:
		st->st_mode = S_IFDIR | 0500;
		st->st_nlink = 2;
		st->st_ino = 3;
		break;
	case P_SELF:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		st->st_ino = 4;
		break;
	default:
		st->st_mode = S_IFLNK | 0700;
		st->st_nlink = 1;
		st->st_ino = 16 + (ino_t)fd;
		st->st_size = 64;
	}
	return 0;
}

long
px_ofile_name(struct px_ofile *f, char *buf, size_t n)
{
	const char *name = NULL;
	struct stat st;

	switch (f->type) {
	case PX_FT_FILE:
	case PX_FT_DIR:
		name = px_dir_path(f);
		break;
	case PX_FT_MODFILE:
		name = px_mod_name(f);
		break;
	case PX_FT_CONS:
	case PX_FT_NULL:
	case PX_FT_ZERO:
	case PX_FT_RANDOM:
	case PX_FT_FULL:
		name = px_dev_name(f->type);
		break;
	case PX_FT_FIFO:                /* (fifo) its path, as Linux */
		return px_fifo_name(f, buf, n);
	default:
		break;
	}
	if (name) {
		snprintf(buf, n, "%s", name);
		return 1;
	}
	if (f->type == PX_FT_INOTIFY) {         /* (ports12) as Linux */
		snprintf(buf, n, "anon_inode:inotify");
		return 0;
	}
	memset(&st, 0, sizeof(st));
	if (f->type < PX_FT_NTYPES && px_fops[f->type] &&
	    px_fops[f->type]->fstat)
		px_fops[f->type]->fstat(f, &st);
	snprintf(buf, n, "%s:[%lu]", f->type == PX_FT_PIPE ? "pipe" :
	    "anon_inode", (unsigned long)st.st_ino);
	return 0;
}

long
px_procfs_readlink(const char *path, char *buf)
{
	long fd = -1;

	switch (classify(path, &fd)) {
	case P_NONE:
		return px_procpid_readlink(path, buf);  /* (portgaps) */
	case P_SELF:
		return snprintf(buf, PX_PATH_MAX, "%ld", mypid());
	case P_FD:
		px_ofile_name(px_fd_get((int)fd), buf, PX_PATH_MAX);
		return (long)strlen(buf);
	default:
		return -EINVAL;
	}
}

struct px_ofile *
px_procfs_fd(const char *path)
{
	long fd = -1;

	if (!px_under_proc(path) || classify(path, &fd) != P_FD)
		return NULL;
	return px_fd_get((int)fd);
}

int
px_procfs_readdir(const char *path,
    int (*emit)(void *, const char *, uint64_t, uint32_t), void *arg)
{
	char name[16];
	long fd = -1, i;

	switch (classify(path, &fd)) {
	case P_ROOT:
		snprintf(name, sizeof(name), "%ld", mypid());
		(void)name;
		if (emit(arg, "self", 4, S_IFLNK))
			return 1;
		return px_procpid_rootdir(emit, arg);   /* (portgaps) */
	case P_PID:
		return px_procpid_readdir(path, 1, emit, arg);
	case P_FDDIR:
		for (i = 0; i < PX_NFD; i++) {
			if (!px_fd_get((int)i))
				continue;
			snprintf(name, sizeof(name), "%ld", i);
			if (emit(arg, name, 16 + (uint64_t)i, S_IFLNK))
				return 1;
		}
		return 0;
	default:
		return px_procpid_readdir(path, 0, emit, arg);
	}
}
