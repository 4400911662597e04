/*
 * test_import.c - mkfs -d: a host directory copied into C-FFS (the code
 * mkfs.cffs -d runs) and compared with its source entry by entry: type,
 * mode, owner, size, mtime to the nanosecond, contents, link targets,
 * hard links (same inode), and directory listings.  Sources: a generated
 * tree with every kind of entry, and /usr/include/linux when present.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"
#include "util.h"

struct cmp {
	struct cffs_fs *fs;
	int             entries;
};

static int
count_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	(void)name;
	(void)st;
	(*(int *)arg)++;
	return 0;
}

static void
compare(struct cmp *c, const char *host, const char *fsp)
{
	char hp[PATH_MAX], fp[PATH_MAX], a[8192], b[8192];
	struct cffs_stat cs;
	struct dirent *de;
	struct stat st;
	int n = 0, m = 0, fd;
	DIR *d = opendir(host);

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(hp, sizeof(hp), "%s/%s", host, de->d_name);
		snprintf(fp, sizeof(fp), "%s/%s", strcmp(fsp, "/") ? fsp : "",
		         de->d_name);
		ck_assert_int_eq(lstat(hp, &st), 0);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
		    !S_ISLNK(st.st_mode) && !S_ISFIFO(st.st_mode))
			continue;
		n++;
		c->entries++;
		ck_assert_msg(cffs_stat(c->fs, fp, &cs) == 0, "missing %s", fp);
		ck_assert_uint_eq(cs.mode & CFFS_S_IFMT, st.st_mode & S_IFMT);
		if (!S_ISLNK(st.st_mode))
			ck_assert_uint_eq(cs.mode & 07777, st.st_mode & 07777);
		ck_assert_uint_eq(cs.uid, st.st_uid);
		ck_assert_uint_eq(cs.gid, st.st_gid);
		ck_assert_int_eq(cs.mtime.sec, st.st_mtim.tv_sec);
		ck_assert_uint_eq(cs.mtime.nsec, st.st_mtim.tv_nsec);
		if (S_ISDIR(st.st_mode)) {
			compare(c, hp, fp);
			continue;
		}
		ck_assert_uint_eq(cs.size, (uint64_t)st.st_size);
		if (S_ISFIFO(st.st_mode)) {     /* a name, no data */
			ck_assert_uint_eq(cs.size, 0);
			ck_assert_uint_eq(cs.blocks, 0);
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t l = readlink(hp, a, sizeof(a) - 1);

			a[l] = '\0';
			ck_assert_int_eq(cffs_readlink(c->fs, fp, b, sizeof(b)),
			                 (int)l);
			ck_assert_str_eq(a, b);
			continue;
		}
		ck_assert_uint_eq(cs.nlink, st.st_nlink);
		fd = open(hp, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		for (uint64_t off = 0;; ) {
			ssize_t l = read(fd, a, sizeof(a));

			ck_assert_int_ge(l, 0);
			ck_assert_int_eq(cffs_read(c->fs, fp, off, b, sizeof(b)), l);
			if (l == 0)
				break;
			ck_assert_msg(memcmp(a, b, (size_t)l) == 0, "data %s", fp);
			off += (uint64_t)l;
		}
		close(fd);
	}
	closedir(d);
	ck_assert_int_eq(cffs_readdir(c->fs, fsp, count_fn, &m), 0);
	ck_assert_int_eq(m, n);
}

static void
mkfile(const char *dir, const char *name, size_t size, int mode,
       long sec, long nsec)
{
	char p[PATH_MAX];
	struct timespec ts[2] = { { sec, nsec }, { sec, nsec } };
	int fd;
	size_t i;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < size; i++) {
		unsigned char ch = pat(7, i);

		ck_assert_int_eq(write(fd, &ch, 1), 1);
	}
	close(fd);
	ck_assert_int_eq(chmod(p, (mode_t)mode), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
}

START_TEST(t_import_generated)
{
	char tmpl[] = "/tmp/cffs-import-XXXXXX", p[PATH_MAX], q[PATH_MAX];
	struct timespec ts[2] = { { 1500000000, 123456789 },
	                          { 1500000000, 123456789 } };
	struct cffs_stat a, b;
	struct tfs t;
	struct cmp c;
	const char *where;
	char *root = mkdtemp(tmpl);

	ck_assert_ptr_nonnull(root);
	mkfile(root, "empty", 0, 0600, 1000, 1);
	mkfile(root, "small", 100, 0644, 2000, 2);
	mkfile(root, "block", 4096, 04755, 3000, 3);
	mkfile(root, "large", 70000, 0640, 4000, 999999999);
	snprintf(p, sizeof(p), "%s/sub", root);
	ck_assert_int_eq(mkdir(p, 0751), 0);
	snprintf(p, sizeof(p), "%s/sub/deeper", root);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub/deeper", root);
	mkfile(p, "leaf", 10, 0444, 5000, 5);
	snprintf(p, sizeof(p), "%s/sub/emptydir", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	/* three names for one file, in two directories */
	snprintf(p, sizeof(p), "%s/small", root);
	snprintf(q, sizeof(q), "%s/sub/small-link", root);
	ck_assert_int_eq(link(p, q), 0);
	snprintf(q, sizeof(q), "%s/small-link2", root);
	ck_assert_int_eq(link(p, q), 0);
	snprintf(q, sizeof(q), "%s/sub/symlink", root);
	ck_assert_int_eq(symlink("../small", q), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, q, ts, AT_SYMLINK_NOFOLLOW), 0);
	/* a FIFO is imported; a socket is not (mkfs -d skips it) */
	snprintf(q, sizeof(q), "%s/sub/fifo", root);
	ck_assert_int_eq(mkfifo(q, 0640), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, q, ts, 0), 0);
	snprintf(q, sizeof(q), "%s/sub/sock", root);
	ck_assert_int_eq(mknod(q, S_IFSOCK | 0600, 0), 0);
	snprintf(p, sizeof(p), "%s/sub/deeper", root);
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);

	tfs_new(&t, 4096);
	ck_assert_int_eq(tree_import(t.fs, root, "/", &where), 0);
	tfs_remount(&t);
	c.fs = t.fs;
	c.entries = 0;
	compare(&c, root, "/");
	ck_assert_int_eq(c.entries, 12);
	ck_assert_int_eq(cffs_stat(t.fs, "/sub/fifo", &a), 0);
	ck_assert_uint_eq(a.mode, CFFS_S_IFIFO | 0640);
	ck_assert_int_eq(cffs_stat(t.fs, "/sub/sock", &a), -CFFS_ENOENT);
	ck_assert_int_eq(cffs_stat(t.fs, "/small", &a), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/sub/small-link", &b), 0);
	ck_assert_uint_eq(a.ino, b.ino);
	ck_assert_uint_eq(a.nlink, 3);
	ck_assert_int_eq(a.embedded, 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/large", &a), 0);
	ck_assert_int_eq(a.embedded, 1);
	tfs_free(&t);
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(t_import_usr_include)
{
	const char *src = "/usr/include/linux", *where = "";
	struct tfs t;
	struct cmp c;
	int r;

	if (access(src, R_OK) != 0)
		return;         /* not on this machine */
	tfs_new(&t, 16384);
	r = tree_import(t.fs, src, "/", &where);
	ck_assert_msg(r == 0, "import failed at %s: %d", where, r);
	tfs_remount(&t);
	c.fs = t.fs;
	c.entries = 0;
	compare(&c, src, "/");
	ck_assert_int_gt(c.entries, 100);
	tfs_free(&t);
}
END_TEST

START_TEST(t_import_nospace)
{
	const char *src = "/usr/include", *where = NULL;
	struct tfs t;

	if (access(src, R_OK) != 0)
		return;
	tfs_new(&t, 128);               /* far too small */
	ck_assert_int_eq(tree_import(t.fs, src, "/", &where), -CFFS_ENOSPC);
	ck_assert_ptr_nonnull(where);
	tfs_remount(&t);                /* still consistent */
	tfs_free(&t);
}
END_TEST

Suite *
import_suite(void)
{
	Suite *s = suite_create("cffs-import");
	TCase *tc = tcase_create("import");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_import_generated);
	tcase_add_test(tc, t_import_usr_include);
	tcase_add_test(tc, t_import_nospace);
	suite_add_tcase(s, tc);
	return s;
}
