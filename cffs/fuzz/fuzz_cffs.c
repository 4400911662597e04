/*
 * fuzz_cffs.c - libFuzzer target: the input is a C-FFS image.  Mount it
 * read-only and visit everything, check it, repair it (a repaired image
 * must then check clean), mount it read-write and change it.  Any crash,
 * hang, sanitizer report or broken fsck promise is a bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostdev.h"

#define MAXBLOCKS 256

struct names {
	char v[32][CFFS_NAME_MAX + 1];
	int  n;
};

static int
grab(void *arg, const char *name, const struct cffs_stat *st)
{
	struct names *ns = arg;

	(void)st;
	if (ns->n < 32)
		strcpy(ns->v[ns->n++], name);
	return 0;
}

static void
visit(struct cffs_fs *fs, const char *dir, int depth)
{
	static char buf[65536];
	struct names *ns = calloc(1, sizeof(*ns));
	struct cffs_stat st;
	char p[1200];
	int i;

	if (ns == NULL)
		return;
	(void)cffs_readdir(fs, dir, grab, ns);
	for (i = 0; i < ns->n; i++) {
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "",
		         ns->v[i]);
		if (cffs_stat(fs, p, &st) < 0)
			continue;
		if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFDIR) {
			if (depth < 4)
				visit(fs, p, depth + 1);
		} else if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFLNK) {
			(void)cffs_readlink(fs, p, buf, sizeof(buf));
		} else if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFIFO) {
			/* an open FIFO's calls go by number */
			(void)cffs_istat(fs, st.ino, &st);
			(void)cffs_iread(fs, st.ino, 0, buf, 100);
		} else {
			(void)cffs_read(fs, p, 0, buf, sizeof(buf));
			(void)cffs_read(fs, p, st.size > 10 ? st.size - 10 : 0,
			                buf, 100);
		}
	}
	free(ns);
}

/* The by-number attribute calls on the inode at path (refused, with
 * no change, unless it is a FIFO). */
static void
fifo_ops(struct cffs_fs *fs, const char *path)
{
	struct cffs_time t = { 12345, 678 };
	struct cffs_stat st;

	if (cffs_stat(fs, path, &st) < 0)
		return;
	(void)cffs_ichmod(fs, st.ino, 0640);
	(void)cffs_ichown(fs, st.ino, 7, 8);
	(void)cffs_iutimens(fs, st.ino, &t, NULL);
	(void)cffs_iutimens(fs, st.ino, NULL, &t);
	(void)cffs_istat(fs, st.ino, &st);
}

struct inos {
	cffs_ino_t v[32];
	int n;
};

static int
grab_ino(void *arg, const char *name, const struct cffs_stat *st)
{
	struct inos *is = arg;

	(void)name;
	if (is->n < 32)
		is->v[is->n++] = st->ino;
	return 0;
}

static void
change(struct cffs_fs *fs)
{
	static char buf[20000];
	struct inos is = { .n = 0 };
	struct cffs_time t = { 1, 2 };
	int i;

	(void)cffs_create(fs, "/fz", 0644, 0, 0);
	(void)cffs_write(fs, "/fz", 0, buf, sizeof(buf));
	(void)cffs_mkdir(fs, "/fzd", 0755, 0, 0);
	(void)cffs_rename(fs, "/fz", "/fzd/x");
	(void)cffs_link(fs, "/fzd/x", "/fy");
	(void)cffs_truncate(fs, "/fy", 5);
	(void)cffs_symlink(fs, "fzd/x", "/fs", 0, 0);
	(void)cffs_unlink(fs, "/fzd/x");
	(void)cffs_rename(fs, "/fzd", "/a");
	(void)cffs_rmdir(fs, "/a");
	(void)cffs_unlink(fs, "/fy");
	/* a FIFO: made, changed by number (fchmod, fchown, futimens of an
	 * open end), renamed over and removed; and by-number calls on
	 * whatever the image's root names, FIFO or not */
	(void)cffs_mkfifo(fs, "/ff", 0600, 0, 0);
	fifo_ops(fs, "/ff");
	(void)cffs_rename(fs, "/ff", "/fs");
	fifo_ops(fs, "/fs");
	(void)cffs_unlink(fs, "/fs");
	(void)cffs_readdir(fs, "/", grab_ino, &is);
	for (i = 0; i < is.n; i++) {
		(void)cffs_ichmod(fs, is.v[i], 0600);
		(void)cffs_iutimens(fs, is.v[i], &t, &t);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t nb = (size + CFFS_BSIZE - 1) / CFFS_BSIZE;
	struct hostdev hd;
	struct cffs_fs *fs;
	int r;

	if (nb == 0 || nb > MAXBLOCKS)
		return 0;
	if (hostdev_mem(&hd, nb, data, size) < 0)
		return 0;
	if (cffs_mount(&hd.dev, CFFS_RDONLY, &fs) == 0) {
		visit(fs, "/", 0);
		cffs_unmount(fs);
	}
	(void)cffs_fsck(&hd.dev, CFFS_FSCK_NOREPAIR, NULL, NULL);
	r = cffs_fsck(&hd.dev, 0, NULL, NULL);
	if (r == 1 && cffs_fsck(&hd.dev, CFFS_FSCK_NOREPAIR, NULL, NULL) != 0)
		abort();        /* repair did not leave a clean image */
	if (cffs_mount(&hd.dev, 0, &fs) == 0) {
		change(fs);
		visit(fs, "/", 0);
		cffs_unmount(fs);
		if (r <= 1 &&
		    cffs_fsck(&hd.dev, CFFS_FSCK_NOREPAIR, NULL, NULL) != 0)
			abort();        /* changes broke a clean image */
	}
	hostdev_close(&hd);
	return 0;
}
