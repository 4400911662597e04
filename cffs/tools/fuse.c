/*
 * fuse.c - cffs-fuse IMAGE DIR [FUSE options]: mount a C-FFS image on the
 * host with libfuse3 (high-level, path-based API; single-threaded since
 * the library has no locks).  Each callback is a thin call into cffs.h;
 * the library's error codes are already negative errno values.  With
 * `-o ro` the image is opened read-only and C-FFS mounted CFFS_RDONLY:
 * the image file is not written at all (not even the superblock's
 * mounted state), so a test can look at an image as it was left.
 */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "hostdev.h"

static struct cffs_fs *fs;

static void
tostat(const struct cffs_stat *c, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = c->ino;
	st->st_mode = c->mode;
	st->st_nlink = c->nlink;
	st->st_uid = c->uid;
	st->st_gid = c->gid;
	st->st_size = (off_t)c->size;
	st->st_blksize = CFFS_BSIZE;
	st->st_blocks = (blkcnt_t)(c->blocks * (CFFS_BSIZE / 512));
	st->st_atim.tv_sec = c->atime.sec;
	st->st_atim.tv_nsec = c->atime.nsec;
	st->st_mtim.tv_sec = c->mtime.sec;
	st->st_mtim.tv_nsec = c->mtime.nsec;
	st->st_ctim.tv_sec = c->ctime.sec;
	st->st_ctim.tv_nsec = c->ctime.nsec;
}

static int
f_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct cffs_stat c;
	int r = cffs_stat(fs, path, &c);

	(void)fi;
	if (r == 0)
		tostat(&c, st);
	return r;
}

struct rdarg {
	void           *buf;
	fuse_fill_dir_t fill;
};

static int
rd_fn(void *arg, const char *name, const struct cffs_stat *c)
{
	struct rdarg *a = arg;
	struct stat st;

	tostat(c, &st);
	return a->fill(a->buf, name, &st, 0, 0) ? 1 : 0;
}

static int
f_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
          struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct rdarg a = { buf, fill };
	int r;

	(void)off;
	(void)fi;
	(void)flags;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	r = cffs_readdir(fs, path, rd_fn, &a);
	return r < 0 ? r : 0;
}

static int
f_mkdir(const char *path, mode_t mode)
{
	struct fuse_context *cx = fuse_get_context();

	return cffs_mkdir(fs, path, mode, cx->uid, cx->gid);
}

static int
f_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_context *cx = fuse_get_context();

	(void)fi;
	if (!S_ISREG(mode))
		return -EPERM;
	return cffs_create(fs, path, mode, cx->uid, cx->gid);
}

static int
f_mknod(const char *path, mode_t mode, dev_t dev)
{
	struct fuse_context *cx = fuse_get_context();

	(void)dev;
	if (S_ISFIFO(mode))             /* C-FFS has FIFOs, not devices */
		return cffs_mkfifo(fs, path, mode, cx->uid, cx->gid);
	return f_create(path, mode, NULL);
}

static int
f_symlink(const char *target, const char *path)
{
	struct fuse_context *cx = fuse_get_context();

	return cffs_symlink(fs, target, path, cx->uid, cx->gid);
}

static int
f_readlink(const char *path, char *buf, size_t size)
{
	int r = cffs_readlink(fs, path, buf, size);

	return r < 0 ? r : 0;
}

static int f_unlink(const char *p) { return cffs_unlink(fs, p); }
static int f_rmdir(const char *p) { return cffs_rmdir(fs, p); }
static int f_link(const char *a, const char *b) { return cffs_link(fs, a, b); }

static int
f_rename(const char *from, const char *to, unsigned int flags)
{
	struct cffs_stat st;

	if (flags & RENAME_EXCHANGE)
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && cffs_stat(fs, to, &st) == 0)
		return -EEXIST;
	return cffs_rename(fs, from, to);
}

static int
f_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)fi;
	return cffs_chmod(fs, path, mode);
}

static int
f_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	(void)fi;
	return cffs_chown(fs, path, uid, gid);
}

static int
f_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)fi;
	if (size < 0)
		return -EINVAL;
	return cffs_truncate(fs, path, (uint64_t)size);
}

static int
f_utimens(const char *path, const struct timespec tv[2],
          struct fuse_file_info *fi)
{
	struct cffs_time t[2], now = { time(NULL), 0 };
	const struct cffs_time *p[2];
	int i;

	(void)fi;
	for (i = 0; i < 2; i++) {
		p[i] = &t[i];
		if (tv == NULL || tv[i].tv_nsec == UTIME_NOW) {
			t[i] = now;
		} else if (tv[i].tv_nsec == UTIME_OMIT) {
			p[i] = NULL;
		} else {
			t[i].sec = tv[i].tv_sec;
			t[i].nsec = (uint32_t)tv[i].tv_nsec;
		}
	}
	return cffs_utimens(fs, path, p[0], p[1]);
}

static int
f_open(const char *path, struct fuse_file_info *fi)
{
	struct cffs_stat st;
	int r = cffs_stat(fs, path, &st);

	if (r == 0 && (fi->flags & O_TRUNC))
		r = cffs_truncate(fs, path, 0);
	return r;
}

static int
f_read(const char *path, char *buf, size_t size, off_t off,
       struct fuse_file_info *fi)
{
	(void)fi;
	return (int)cffs_read(fs, path, (uint64_t)off, buf, size);
}

static int
f_write(const char *path, const char *buf, size_t size, off_t off,
        struct fuse_file_info *fi)
{
	struct cffs_stat st;

	if (fi != NULL && (fi->flags & O_APPEND) && cffs_stat(fs, path, &st) == 0)
		off = (off_t)st.size;
	return (int)cffs_write(fs, path, (uint64_t)off, buf, size);
}

static int
f_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)datasync;
	(void)fi;
	return cffs_fsync(fs, path);
}

static int
f_statfs(const char *path, struct statvfs *sv)
{
	struct cffs_statfs s;

	(void)path;
	cffs_statfs(fs, &s);
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = sv->f_frsize = s.bsize;
	sv->f_blocks = s.blocks;
	sv->f_bfree = sv->f_bavail = s.bfree;
	sv->f_namemax = s.namemax;
	return 0;
}

/*
 * No attribute or name caching in the kernel: a second link's count and
 * size must show at once, and embedded inode numbers change on rename.
 */
static void *
f_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	return NULL;
}

static void
f_destroy(void *data)
{
	(void)data;
	if (fs != NULL)
		cffs_unmount(fs);
	fs = NULL;
}

static const struct fuse_operations ops = {
	.getattr = f_getattr, .readdir = f_readdir, .mkdir = f_mkdir,
	.create = f_create, .mknod = f_mknod, .symlink = f_symlink,
	.readlink = f_readlink, .unlink = f_unlink, .rmdir = f_rmdir,
	.link = f_link, .rename = f_rename, .chmod = f_chmod,
	.chown = f_chown, .truncate = f_truncate, .utimens = f_utimens,
	.open = f_open, .read = f_read, .write = f_write, .fsync = f_fsync,
	.statfs = f_statfs, .init = f_init, .destroy = f_destroy,
};

/* Is "ro" among the FUSE options (-o a,b or -oa,b) in argv[from..)? */
static int
wants_ro(int argc, char **argv, int from)
{
	char buf[256], *opt, *save;
	const char *o;
	int i;

	for (i = from; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			o = argv[++i];
		else if (strncmp(argv[i], "-o", 2) == 0)
			o = argv[i] + 2;
		else
			continue;
		snprintf(buf, sizeof(buf), "%s", o);
		for (opt = strtok_r(buf, ",", &save); opt != NULL;
		     opt = strtok_r(NULL, ",", &save))
			if (strcmp(opt, "ro") == 0)
				return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct hostdev hd;
	char **av;
	int r, i, n = 0, ro;

	if (argc < 3) {
		fprintf(stderr, "usage: cffs-fuse IMAGE DIR [FUSE options]\n");
		return 1;
	}
	ro = wants_ro(argc, argv, 3);
	r = hostdev_open(&hd, argv[1], 0, ro);
	if (r < 0) {
		fprintf(stderr, "cffs-fuse: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	r = cffs_mount(&hd.dev, ro ? CFFS_RDONLY : 0, &fs);
	if (r < 0) {
		fprintf(stderr, "cffs-fuse: %s: cannot mount: %s\n", argv[1],
		        cffs_strerror(r));
		return 1;
	}
	/* argv for FUSE: program, mountpoint, -s (one thread), the rest */
	av = calloc((size_t)argc + 2, sizeof(*av));
	if (av == NULL)
		return 1;
	av[n++] = argv[0];
	av[n++] = argv[2];
	av[n++] = "-s";
	for (i = 3; i < argc; i++)
		av[n++] = argv[i];
	r = fuse_main(n, av, &ops, NULL);
	if (fs != NULL)
		cffs_unmount(fs);
	hostdev_close(&hd);
	free(av);
	return r;
}
