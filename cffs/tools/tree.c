/*
 * tree.c - host-side copying between a host directory tree and C-FFS:
 * tree_import (recursive, hard links kept through a (dev, ino) table,
 * directory times set after their contents), file_import, file_export.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

struct hl {                     /* host inode already copied */
	dev_t dev;
	ino_t ino;
	char *path;
};

struct imp {
	struct cffs_fs *fs;
	struct hl      *hl;
	size_t          nhl, cap;
	char            where[PATH_MAX];
};

static struct cffs_time
ts(struct timespec t)
{
	struct cffs_time c = { t.tv_sec, (uint32_t)t.tv_nsec };

	return c;
}

int
file_import(struct cffs_fs *fs, const char *src, const char *dst)
{
	static char buf[1 << 16];
	uint64_t off = 0;
	ssize_t n;
	long w;
	int fd, r;

	fd = open(src, O_RDONLY);
	if (fd < 0)
		return -errno;
	r = cffs_create(fs, dst, 0644, 0, 0);
	if (r == -CFFS_EEXIST)
		r = cffs_truncate(fs, dst, 0);
	while (r == 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		w = cffs_write(fs, dst, off, buf, (size_t)n);
		if (w < 0)
			r = (int)w;
		else if (w != n)
			r = -CFFS_ENOSPC;
		off += (uint64_t)n;
	}
	close(fd);
	return r;
}

int
file_export(struct cffs_fs *fs, const char *src, const char *dst)
{
	static char buf[1 << 16];
	uint64_t off = 0;
	long n;
	int fd, r = 0;

	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	while ((n = cffs_read(fs, src, off, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			r = -errno;
			break;
		}
		off += (uint64_t)n;
	}
	if (n < 0)
		r = (int)n;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int
set_attrs(struct cffs_fs *fs, const char *dst, const struct stat *st)
{
	struct cffs_time a = ts(st->st_atim), m = ts(st->st_mtim);
	int r;

	if (!S_ISLNK(st->st_mode)) {
		r = cffs_chmod(fs, dst, st->st_mode & 07777);
		if (r < 0)
			return r;
	}
	r = cffs_chown(fs, dst, st->st_uid, st->st_gid);
	if (r < 0)
		return r;
	return cffs_utimens(fs, dst, &a, &m);
}

static int
remember(struct imp *im, const struct stat *st, const char *dst)
{
	if (im->nhl == im->cap) {
		size_t nc = im->cap ? im->cap * 2 : 64;
		struct hl *n = realloc(im->hl, nc * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		im->hl = n;
		im->cap = nc;
	}
	im->hl[im->nhl].dev = st->st_dev;
	im->hl[im->nhl].ino = st->st_ino;
	im->hl[im->nhl].path = strdup(dst);
	if (im->hl[im->nhl].path == NULL)
		return -ENOMEM;
	im->nhl++;
	return 0;
}

static const char *
seen(struct imp *im, const struct stat *st)
{
	size_t i;

	for (i = 0; i < im->nhl; i++)
		if (im->hl[i].dev == st->st_dev && im->hl[i].ino == st->st_ino)
			return im->hl[i].path;
	return NULL;
}

static int
copy_dir(struct imp *im, const char *src, const char *dst, int depth)
{
	char sp[PATH_MAX], dp[PATH_MAX], lnk[CFFS_BSIZE];
	struct dirent *de;
	struct stat st;
	const char *prev;
	DIR *d;
	ssize_t n;
	int r = 0;

	if (depth > 1000)
		return -CFFS_ELOOP;
	d = opendir(src);
	if (d == NULL) {
		snprintf(im->where, sizeof(im->where), "%s", src);
		return -errno;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sp, sizeof(sp), "%s/%s", src, de->d_name) >=
		        (int)sizeof(sp) ||
		    snprintf(dp, sizeof(dp), "%s/%s",
		             strcmp(dst, "/") == 0 ? "" : dst, de->d_name) >=
		        (int)sizeof(dp)) {
			r = -CFFS_ENAMETOOLONG;
			break;
		}
		snprintf(im->where, sizeof(im->where), "%s", sp);
		if (lstat(sp, &st) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			r = cffs_mkdir(im->fs, dp, st.st_mode & 07777, 0, 0);
			if (r == 0)
				r = copy_dir(im, sp, dp, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			prev = st.st_nlink > 1 ? seen(im, &st) : NULL;
			if (prev != NULL) {
				r = cffs_link(im->fs, prev, dp);
				continue;
			}
			r = file_import(im->fs, sp, dp);
			if (r == 0 && st.st_nlink > 1)
				r = remember(im, &st, dp);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(sp, lnk, sizeof(lnk) - 1);
			if (n < 0) {
				r = -errno;
				break;
			}
			lnk[n] = '\0';
			r = cffs_symlink(im->fs, lnk, dp, 0, 0);
		} else if (S_ISFIFO(st.st_mode)) {
			r = cffs_mkfifo(im->fs, dp, st.st_mode & 07777, 0, 0);
		} else {
			continue;       /* devices, sockets: skipped */
		}
		if (r == 0)
			r = set_attrs(im->fs, dp, &st);
	}
	closedir(d);
	return r;
}

int
tree_import(struct cffs_fs *fs, const char *src, const char *dst,
            const char **where)
{
	static struct imp im;
	struct stat st;
	size_t i;
	int r;

	memset(&im, 0, sizeof(im));
	im.fs = fs;
	r = copy_dir(&im, src, dst, 0);
	if (r == 0 && stat(src, &st) == 0)
		r = set_attrs(fs, dst, &st);
	for (i = 0; i < im.nhl; i++)
		free(im.hl[i].path);
	free(im.hl);
	if (where != NULL)
		*where = im.where;
	return r;
}
