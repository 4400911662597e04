/*
 * test_ops.c - every C-FFS operation with exact results and exact
 * errors: files (small, large, sparse, truncate, append), directories,
 * rename, hard links, symbolic links, attributes, fsync, full disk.
 * Each test ends with a remount and a clean fsck.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NB 4096         /* 16 MiB test file systems */

static struct tfs t;

static void
setup(void)
{
	tfs_new(&t, NB);
}

static void
teardown(void)
{
	tfs_free(&t);
}

START_TEST(t_mkfs_root)
{
	struct cffs_stat st;
	struct cffs_statfs sf;
	struct hostdev hd;
	struct cffs_fs *fs;

	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFDIR | 0755);
	ck_assert_uint_eq(st.nlink, 2);
	ck_assert_uint_eq(st.size, 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &sf), 0);
	ck_assert_uint_eq(sf.blocks, NB);
	if (tfs_legacy()) {
		/* block 0 (superblock, root, inode file), one bitmap block */
		ck_assert_uint_eq(st.ino, 1);
		ck_assert_uint_eq(sf.bfree, NB - 2);
	} else {
		/* XN's area: superblock, 32 template blocks, the root table,
		 * 4 principal-table blocks, one free-map block; then the
		 * C-FFS superblock's block at data_start 39, so the root is
		 * inode 39 * 8 + 1 */
		ck_assert_int_eq(cffs_on_xn(t.fs), 1);
		ck_assert_uint_eq(st.ino, 39 * 8 + 1);
		ck_assert_uint_eq(sf.bfree, NB - 40);
	}
	ck_assert_uint_eq(sf.bsize, 4096);
	ck_assert_str_eq(list_dir(t.fs, "/"), "");
	/* too small, bigger than the device, and no file system at all */
	ck_assert_int_eq(hostdev_mem(&hd, 32, NULL, 0), 0);
	ck_assert_int_eq(cffs_mkfs(&hd.dev, 32), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_mkfs(&hd.dev, 64), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_mount(&hd.dev, 0, &fs), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_fsck(&hd.dev, 0, NULL, NULL), 4);
	hostdev_close(&hd);
	tfs_remount(&t);
}
END_TEST

START_TEST(t_create)
{
	struct cffs_stat st, st2;
	char name[300];

	ck_assert_int_eq(cffs_create(t.fs, "/f", 0640, 7, 8), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/f", 0640, 7, 8), -CFFS_EEXIST);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFREG | 0640);
	ck_assert_uint_eq(st.nlink, 1);
	ck_assert_uint_eq(st.uid, 7);
	ck_assert_uint_eq(st.gid, 8);
	ck_assert_uint_eq(st.size, 0);
	ck_assert_uint_eq(st.blocks, 0);
	ck_assert_int_eq(st.embedded, 1);
	ck_assert_int_eq(cffs_create(t.fs, "/nodir/f", 0644, 0, 0),
	                 -CFFS_ENOENT);
	ck_assert_int_eq(cffs_create(t.fs, "/f/g", 0644, 0, 0), -CFFS_ENOTDIR);
	ck_assert_int_eq(cffs_create(t.fs, "/", 0644, 0, 0), -CFFS_EEXIST);
	ck_assert_int_eq(cffs_create(t.fs, "rel", 0644, 0, 0), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_stat(t.fs, "/missing", &st), -CFFS_ENOENT);
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[257] = '\0';       /* 256-byte component */
	ck_assert_int_eq(cffs_create(t.fs, name, 0644, 0, 0),
	                 -CFFS_ENAMETOOLONG);
	name[256] = '\0';       /* 255 bytes: the longest allowed */
	ck_assert_int_eq(cffs_create(t.fs, name, 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, name, &st), 0);
	/* "." and ".." in paths */
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/d/../d/./x", 0600, 0, 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/x", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFREG | 0600);
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st2), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/../..", &st), 0);
	ck_assert_uint_eq(st.ino, st2.ino);
	ck_assert_uint_eq(st.ino, tfs_legacy() ? 1 : 39 * 8 + 1);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_stat(t.fs, name, &st), 0);
	ck_assert_uint_eq(st.uid, 0);
}
END_TEST

START_TEST(t_rw_small)
{
	char buf[64];
	struct cffs_stat st;

	put_file(t.fs, "/a", "hello, world", 12);
	ck_assert_int_eq(cffs_read(t.fs, "/a", 0, buf, sizeof(buf)), 12);
	ck_assert_int_eq(memcmp(buf, "hello, world", 12), 0);
	ck_assert_int_eq(cffs_read(t.fs, "/a", 7, buf, 3), 3);
	ck_assert_int_eq(memcmp(buf, "wor", 3), 0);
	ck_assert_int_eq(cffs_read(t.fs, "/a", 12, buf, 10), 0);
	ck_assert_int_eq(cffs_read(t.fs, "/a", 1000, buf, 10), 0);
	/* overwrite in the middle, then append */
	ck_assert_int_eq(cffs_write(t.fs, "/a", 0, "J", 1), 1);
	ck_assert_int_eq(cffs_write(t.fs, "/a", 12, "!!", 2), 2);
	ck_assert_int_eq(cffs_read(t.fs, "/a", 0, buf, sizeof(buf)), 14);
	ck_assert_int_eq(memcmp(buf, "Jello, world!!", 14), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/a", &st), 0);
	ck_assert_uint_eq(st.size, 14);
	ck_assert_uint_eq(st.blocks, 1);
	ck_assert_int_eq(cffs_write(t.fs, "/a", 0, "", 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_read(t.fs, "/d", 0, buf, 1), -CFFS_EISDIR);
	ck_assert_int_eq(cffs_write(t.fs, "/d", 0, buf, 1), -CFFS_EISDIR);
	ck_assert_int_eq(cffs_read(t.fs, "/none", 0, buf, 1), -CFFS_ENOENT);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_read(t.fs, "/a", 0, buf, sizeof(buf)), 14);
	ck_assert_int_eq(memcmp(buf, "Jello, world!!", 14), 0);
}
END_TEST

START_TEST(t_rw_large)
{
	size_t n = 5u << 20, i, len;      /* reaches the double indirect block */
	unsigned char *p = malloc(n), *q;
	struct cffs_statfs s0, s1;
	struct cffs_stat st;

	fill_pat(p, n, 3, 0);
	put_file(t.fs, "/other", "", 0);        /* root gets its first block */
	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	put_file(t.fs, "/big", p, n);
	ck_assert_int_eq(cffs_stat(t.fs, "/big", &st), 0);
	ck_assert_uint_eq(st.size, n);
	/* 1280 data blocks + indirect + double indirect + one second level */
	ck_assert_uint_eq(st.blocks, 1280 + 3);
	tfs_remount(&t);
	q = (unsigned char *)get_file(t.fs, "/big", &len);
	ck_assert_uint_eq(len, n);
	for (i = 0; i < n; i++)
		if (p[i] != q[i])
			ck_abort_msg("byte %zu differs", i);
	free(q);
	/* unaligned read across a block boundary */
	ck_assert_int_eq(cffs_read(t.fs, "/big", 4090, p, 20), 20);
	for (i = 0; i < 20; i++)
		ck_assert_uint_eq(p[i], pat(3, 4090 + i));
	ck_assert_int_eq(cffs_unlink(t.fs, "/big"), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	ck_assert_uint_eq(s1.bfree, s0.bfree);
	free(p);
	tfs_remount(&t);
}
END_TEST

START_TEST(t_sparse_truncate)
{
	unsigned char buf[8192], z[8192];
	struct cffs_statfs s0, s1;
	struct cffs_stat st;
	size_t i;

	memset(z, 0, sizeof(z));
	ck_assert_int_eq(cffs_create(t.fs, "/s", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	ck_assert_int_eq(cffs_write(t.fs, "/s", 1 << 20, "end", 3), 3);
	ck_assert_int_eq(cffs_stat(t.fs, "/s", &st), 0);
	ck_assert_uint_eq(st.size, (1 << 20) + 3);
	ck_assert_uint_eq(st.blocks, 2);        /* data + indirect */
	ck_assert_int_eq(cffs_read(t.fs, "/s", 4096 * 100, buf, 8192), 8192);
	ck_assert_int_eq(memcmp(buf, z, 8192), 0);
	ck_assert_int_eq(cffs_read(t.fs, "/s", (1 << 20) - 2, buf, 10), 5);
	ck_assert_int_eq(memcmp(buf, "\0\0end", 5), 0);
	/* truncate into the middle of a block, extend: zeros come back */
	fill_pat(buf, 8192, 1, 0);
	ck_assert_int_eq(cffs_write(t.fs, "/s", 0, buf, 8192), 8192);
	ck_assert_int_eq(cffs_truncate(t.fs, "/s", 5000), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/s", &st), 0);
	ck_assert_uint_eq(st.size, 5000);
	ck_assert_uint_eq(st.blocks, 2);
	ck_assert_int_eq(cffs_truncate(t.fs, "/s", 10000), 0);
	ck_assert_int_eq(cffs_read(t.fs, "/s", 0, buf, 8192), 8192);
	for (i = 0; i < 5000; i++)
		ck_assert_uint_eq(buf[i], pat(1, i));
	ck_assert_int_eq(memcmp(buf + 5000, z, 8192 - 5000), 0);
	ck_assert_int_eq(cffs_truncate(t.fs, "/s", 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/s", &st), 0);
	ck_assert_uint_eq(st.blocks, 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	ck_assert_uint_eq(s1.bfree, s0.bfree);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_truncate(t.fs, "/d", 0), -CFFS_EISDIR);
	tfs_remount(&t);
}
END_TEST

/* Blocks a fully written file of size sz holds, indirect blocks included. */
static uint64_t
blocks_for(uint64_t sz)
{
	uint64_t n = (sz + 4095) / 4096, b = n;

	if (n > 12)
		b++;
	if (n > 12 + 1024)
		b += 1 + (n - 12 - 1024 + 1023) / 1024;
	return b;
}

START_TEST(t_truncate_large)
{
	static const uint64_t sizes[] = {
		9u << 20, (9u << 20) - 1, (12 + 1024 + 1024) * 4096ull, 4500000,
		(12 + 1024) * 4096ull + 1, (12 + 1024) * 4096ull, 12 * 4096 + 1,
		12 * 4096, 100, 0,
	};
	size_t n = 9u << 20, i, k;
	unsigned char *p = malloc(n), buf[256];
	struct cffs_statfs s0, s1;
	struct cffs_stat st;

	fill_pat(p, n, 5, 0);
	put_file(t.fs, "/t", "", 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	ck_assert_int_eq(cffs_write(t.fs, "/t", 0, p, n), (long)n);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ck_assert_int_eq(cffs_truncate(t.fs, "/t", sizes[i]), 0);
		ck_assert_int_eq(cffs_stat(t.fs, "/t", &st), 0);
		ck_assert_uint_eq(st.size, sizes[i]);
		ck_assert_uint_eq(st.blocks, blocks_for(sizes[i]));
		ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
		ck_assert_uint_eq(s0.bfree - s1.bfree, blocks_for(sizes[i]));
		if (sizes[i] >= sizeof(buf)) {
			uint64_t off = sizes[i] - sizeof(buf);

			ck_assert_int_eq(cffs_read(t.fs, "/t", off, buf, sizeof(buf)),
			                 (long)sizeof(buf));
			for (k = 0; k < sizeof(buf); k++)
				ck_assert_uint_eq(buf[k], p[off + k]);
		}
		tfs_remount(&t);
	}
	free(p);
}
END_TEST

START_TEST(t_dirs)
{
	struct cffs_stat st;

	ck_assert_int_eq(cffs_mkdir(t.fs, "/a", 0700, 1, 2), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/a", 0700, 1, 2), -CFFS_EEXIST);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/a/b", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/a/c", 0755, 0, 0), 0);
	put_file(t.fs, "/a/f", "x", 1);
	ck_assert_int_eq(cffs_stat(t.fs, "/a", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFDIR | 0700);
	ck_assert_uint_eq(st.nlink, 4);
	ck_assert_uint_eq(st.size, 4096);
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	ck_assert_uint_eq(st.nlink, 3);
	ck_assert_str_eq(list_dir(t.fs, "/a"), "b,c,f");
	ck_assert_int_eq(cffs_readdir(t.fs, "/a/f", NULL, NULL),
	                 -CFFS_ENOTDIR);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/a"), -CFFS_ENOTEMPTY);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/a/f"), -CFFS_ENOTDIR);
	ck_assert_int_eq(cffs_unlink(t.fs, "/a/b"), -CFFS_EISDIR);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/"), -CFFS_EBUSY);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/x"), -CFFS_ENOENT);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/a/b"), 0);
	ck_assert_int_eq(cffs_unlink(t.fs, "/a/f"), 0);
	ck_assert_int_eq(cffs_unlink(t.fs, "/a/f"), -CFFS_ENOENT);
	ck_assert_int_eq(cffs_stat(t.fs, "/a", &st), 0);
	ck_assert_uint_eq(st.nlink, 3);
	ck_assert_str_eq(list_dir(t.fs, "/a"), "c");
	tfs_remount(&t);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/a/c"), 0);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/a"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	ck_assert_uint_eq(st.nlink, 2);
	ck_assert_str_eq(list_dir(t.fs, "/"), "");
	tfs_remount(&t);
}
END_TEST

START_TEST(t_rename)
{
	struct cffs_statfs s0, s1;
	struct cffs_stat st;
	char buf[16];

	ck_assert_int_eq(cffs_mkdir(t.fs, "/a", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/b", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/a/sub", 0755, 0, 0), 0);
	put_file(t.fs, "/a/sub/deep", "deep", 4);
	put_file(t.fs, "/a/f", "one", 3);
	/* same directory */
	ck_assert_int_eq(cffs_rename(t.fs, "/a/f", "/a/g"), 0);
	ck_assert_str_eq(list_dir(t.fs, "/a"), "g,sub");
	/* to itself */
	ck_assert_int_eq(cffs_rename(t.fs, "/a/g", "/a/g"), 0);
	/* across directories, with a directory: link counts follow */
	ck_assert_int_eq(cffs_rename(t.fs, "/a/sub", "/b/sub2"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/a", &st), 0);
	ck_assert_uint_eq(st.nlink, 2);
	ck_assert_int_eq(cffs_stat(t.fs, "/b", &st), 0);
	ck_assert_uint_eq(st.nlink, 3);
	ck_assert_int_eq(cffs_read(t.fs, "/b/sub2/deep", 0, buf, 16), 4);
	ck_assert_int_eq(memcmp(buf, "deep", 4), 0);
	/* replace an existing file: its blocks are freed */
	put_file(t.fs, "/b/victim", "vvvv", 4);
	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	ck_assert_int_eq(cffs_rename(t.fs, "/a/g", "/b/victim"), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	ck_assert_uint_eq(s1.bfree, s0.bfree + 1);
	ck_assert_int_eq(cffs_read(t.fs, "/b/victim", 0, buf, 16), 3);
	ck_assert_int_eq(memcmp(buf, "one", 3), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/a/g", &st), -CFFS_ENOENT);
	/* errors */
	ck_assert_int_eq(cffs_rename(t.fs, "/nope", "/x"), -CFFS_ENOENT);
	ck_assert_int_eq(cffs_rename(t.fs, "/b", "/b/sub2/in"), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_rename(t.fs, "/b", "/b/sub2"), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_rename(t.fs, "/b/victim", "/b/sub2"),
	                 -CFFS_EISDIR);
	ck_assert_int_eq(cffs_rename(t.fs, "/b/sub2", "/b/victim"),
	                 -CFFS_ENOTDIR);
	ck_assert_int_eq(cffs_rename(t.fs, "/a", "/b"), -CFFS_ENOTEMPTY);
	ck_assert_int_eq(cffs_rename(t.fs, "/", "/z"), -CFFS_EBUSY);
	ck_assert_int_eq(cffs_rename(t.fs, "/a", "/q/r"), -CFFS_ENOENT);
	/* a directory over an empty directory */
	ck_assert_int_eq(cffs_mkdir(t.fs, "/empty", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_rename(t.fs, "/b", "/empty"), 0);
	ck_assert_str_eq(list_dir(t.fs, "/"), "a,empty");
	ck_assert_str_eq(list_dir(t.fs, "/empty"), "sub2,victim");
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	ck_assert_uint_eq(st.nlink, 4);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_read(t.fs, "/empty/sub2/deep", 0, buf, 16), 4);
}
END_TEST

START_TEST(t_hardlinks)
{
	struct cffs_stat a, b;
	struct cffs_statfs s0, s1;
	char buf[16];

	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	put_file(t.fs, "/f", "data", 4);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &a), 0);
	ck_assert_int_eq(a.embedded, 1);
	ck_assert_int_eq(cffs_link(t.fs, "/f", "/d/g"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &a), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/g", &b), 0);
	ck_assert_int_eq(a.embedded, 0);
	ck_assert_uint_eq(a.ino, b.ino);
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert_uint_eq(a.size, 4);
	ck_assert_int_eq(cffs_link(t.fs, "/d/g", "/h"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/h", &b), 0);
	ck_assert_uint_eq(b.nlink, 3);
	ck_assert_int_eq(cffs_write(t.fs, "/h", 4, "more", 4), 4);
	ck_assert_int_eq(cffs_read(t.fs, "/f", 0, buf, 16), 8);
	ck_assert_int_eq(memcmp(buf, "datamore", 8), 0);
	/* errors */
	ck_assert_int_eq(cffs_link(t.fs, "/d", "/d2"), -CFFS_EPERM);
	ck_assert_int_eq(cffs_link(t.fs, "/f", "/h"), -CFFS_EEXIST);
	ck_assert_int_eq(cffs_link(t.fs, "/none", "/x"), -CFFS_ENOENT);
	/* renaming one link onto another of the same file does nothing */
	ck_assert_int_eq(cffs_rename(t.fs, "/f", "/h"), 0);
	ck_assert_str_eq(list_dir(t.fs, "/"), "d,f,h");
	tfs_remount(&t);
	ck_assert_int_eq(cffs_unlink(t.fs, "/f"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/h", &b), 0);
	ck_assert_uint_eq(b.nlink, 2);
	ck_assert_int_eq(cffs_rename(t.fs, "/h", "/d/h2"), 0);
	ck_assert_int_eq(cffs_unlink(t.fs, "/d/g"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/h2", &b), 0);
	ck_assert_uint_eq(b.nlink, 1);
	ck_assert_int_eq(cffs_read(t.fs, "/d/h2", 0, buf, 16), 8);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_unlink(t.fs, "/d/h2"), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	/* what is left: the directory block of /d, one external-inode block */
	ck_assert_uint_eq(s1.bfree, s0.bfree - 3);
	tfs_remount(&t);
}
END_TEST

/* What t_attrs and t_attrs_by_ino set: owner 1000:200, atime
 * 1000000000.5, mtime 1234567890.999999999, ctime now. */
static void
attrs_set(const struct cffs_stat *st)
{
	ck_assert_uint_eq(st->uid, 1000);
	ck_assert_uint_eq(st->gid, 200);
	ck_assert_int_eq(st->atime.sec, 1000000000);
	ck_assert_uint_eq(st->atime.nsec, 5);
	ck_assert_int_eq(st->mtime.sec, 1234567890);
	ck_assert_uint_eq(st->mtime.nsec, 999999999);
	ck_assert_int_gt(st->ctime.sec, 1234567890);
}

/* Make path (kind 0 a file, 1 a directory, 2 a symlink): the calls
 * by number refuse it (-CFFS_ESTALE) and change nothing. */
static void
check_not_fifo(const char *path, int kind)
{
	struct cffs_time a = { 1000000000, 5 };
	struct cffs_stat before, after;
	cffs_ino_t ino;

	if (kind == 0)
		ck_assert_int_eq(cffs_create(t.fs, path, 0644, 0, 0), 0);
	else if (kind == 1)
		ck_assert_int_eq(cffs_mkdir(t.fs, path, 0755, 0, 0), 0);
	else
		ck_assert_int_eq(cffs_symlink(t.fs, "/x", path, 0, 0), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, path, &ino), 0);
	ck_assert_int_eq(cffs_istat(t.fs, ino, &before), 0);
	ck_assert_int_eq(cffs_ichmod(t.fs, ino, 0600), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_ichown(t.fs, ino, 7, 8), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_iutimens(t.fs, ino, &a, &a), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_istat(t.fs, ino, &after), 0);
	ck_assert_uint_eq(after.mode, before.mode);
	ck_assert_uint_eq(after.uid, before.uid);
	ck_assert_uint_eq(after.gid, before.gid);
	ck_assert_int_eq(after.mtime.sec, before.mtime.sec);
	ck_assert_int_eq(after.ctime.sec, before.ctime.sec);
	ck_assert_uint_eq(after.ctime.nsec, before.ctime.nsec);
}

/* The attribute calls by number (an open FIFO's fchmod, fchown,
 * futimens in the libOS): they change the inode the number holds, and
 * a stale number changes nothing. */
START_TEST(t_attrs_by_ino)
{
	struct cffs_time a = { 1000000000, 5 }, m = { 1234567890, 999999999 };
	struct cffs_time bad = { 1, 1000000000 };
	struct cffs_stat st;
	cffs_ino_t p, q;

	ck_assert_int_eq(cffs_mkfifo(t.fs, "/p", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/p", &p), 0);
	ck_assert_int_eq(cffs_ichmod(t.fs, p, 0100600), 0);
	ck_assert_int_eq(cffs_ichown(t.fs, p, 1000, 100), 0);
	ck_assert_int_eq(cffs_ichown(t.fs, p, (uint32_t)-1, 200), 0);
	ck_assert_int_eq(cffs_iutimens(t.fs, p, &a, &m), 0);
	ck_assert_int_eq(cffs_iutimens(t.fs, p, &bad, NULL), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_iutimens(t.fs, p, NULL, &bad), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_stat(t.fs, "/p", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0600);    /* type kept */
	attrs_set(&st);
	ck_assert_int_eq(cffs_iutimens(t.fs, p, NULL, &a), 0);
	ck_assert_int_eq(cffs_istat(t.fs, p, &st), 0);
	ck_assert_int_eq(st.atime.sec, 1000000000);
	ck_assert_int_eq(st.mtime.sec, 1000000000);
	/* a hard link moves the inode out: the old number is stale, the
	 * new one works for both names */
	ck_assert_int_eq(cffs_link(t.fs, "/p", "/q"), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/q", &q), 0);
	ck_assert_int_eq(cffs_ichmod(t.fs, p, 0644), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_ichmod(t.fs, q, 0640), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/p", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0640);
	/* removed: stale; outside the tree: stale */
	ck_assert_int_eq(cffs_unlink(t.fs, "/p"), 0);
	ck_assert_int_eq(cffs_unlink(t.fs, "/q"), 0);
	ck_assert_int_eq(cffs_ichmod(t.fs, q, 0644), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_ichown(t.fs, q, 1, 1), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_iutimens(t.fs, q, &a, &a), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_ichmod(t.fs, 0, 0644), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_ichmod(t.fs, (cffs_ino_t)1 << 40, 0644),
	                 -CFFS_ESTALE);
	/* only a FIFO: a file, a directory or a symlink at the number is
	 * refused, unchanged */
	check_not_fifo("/f", 0);
	check_not_fifo("/dd", 1);
	check_not_fifo("/sl", 2);
	/* what was set reached the disk */
	ck_assert_int_eq(cffs_mkfifo(t.fs, "/r", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/r", &p), 0);
	ck_assert_int_eq(cffs_ichmod(t.fs, p, 0604), 0);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_stat(t.fs, "/r", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0604);
}
END_TEST

/* FIFO inodes: a name and attributes, never data. */
START_TEST(t_fifos)
{
	struct cffs_stat st;
	char buf[16];

	ck_assert_int_eq(cffs_mkfifo(t.fs, "/p", 0100644, 5, 6), 0);
	ck_assert_int_eq(cffs_mkfifo(t.fs, "/p", 0600, 0, 0), -CFFS_EEXIST);
	ck_assert_int_eq(cffs_mkfifo(t.fs, "/nodir/p", 0600, 0, 0),
	                 -CFFS_ENOENT);
	ck_assert_int_eq(cffs_stat(t.fs, "/p", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0644);     /* type bits ours */
	ck_assert_uint_eq(st.size, 0);
	ck_assert_uint_eq(st.blocks, 0);
	ck_assert_uint_eq(st.nlink, 1);
	ck_assert_uint_eq(st.uid, 5);
	ck_assert_uint_eq(st.gid, 6);
	/* no data: writes and truncates are refused, reads see nothing */
	ck_assert_int_eq(cffs_write(t.fs, "/p", 0, "abc", 3), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_truncate(t.fs, "/p", 100), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_read(t.fs, "/p", 0, buf, sizeof(buf)), 0);
	ck_assert_int_eq(cffs_readlink(t.fs, "/p", buf, sizeof(buf)),
	                 -CFFS_EINVAL);
	ck_assert_int_eq(cffs_chmod(t.fs, "/p", 0600), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/p", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0600);
	tfs_remount(&t);
	/* link, rename, unlink: as any non-directory */
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_link(t.fs, "/p", "/d/q"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/q", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0600);
	ck_assert_uint_eq(st.nlink, 2);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_rename(t.fs, "/p", "/d/r"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/p", &st), -CFFS_ENOENT);
	ck_assert_str_eq(list_dir(t.fs, "/d"), "q,r");
	ck_assert_int_eq(cffs_unlink(t.fs, "/d/q"), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/r", &st), 0);
	ck_assert_uint_eq(st.nlink, 1);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/d/r"), -CFFS_ENOTDIR);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_unlink(t.fs, "/d/r"), 0);
	ck_assert_int_eq(cffs_rmdir(t.fs, "/d"), 0);
	tfs_remount(&t);
}
END_TEST

START_TEST(t_symlinks)
{
	struct cffs_stat st;
	char buf[64], big[4100];

	ck_assert_int_eq(cffs_symlink(t.fs, "../some/target", "/l", 3, 4), 0);
	ck_assert_int_eq(cffs_symlink(t.fs, "x", "/l", 0, 0), -CFFS_EEXIST);
	ck_assert_int_eq(cffs_stat(t.fs, "/l", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFLNK | 0777);
	ck_assert_uint_eq(st.size, 14);
	ck_assert_uint_eq(st.uid, 3);
	ck_assert_int_eq(cffs_readlink(t.fs, "/l", buf, sizeof(buf)), 14);
	ck_assert_str_eq(buf, "../some/target");
	ck_assert_int_eq(cffs_readlink(t.fs, "/l", buf, 5), 4);
	ck_assert_str_eq(buf, "../s");
	put_file(t.fs, "/f", "x", 1);
	ck_assert_int_eq(cffs_readlink(t.fs, "/f", buf, 64), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_symlink(t.fs, "", "/e", 0, 0), -CFFS_ENOENT);
	memset(big, 'a', sizeof(big));
	big[4096] = '\0';
	ck_assert_int_eq(cffs_symlink(t.fs, big, "/big", 0, 0),
	                 -CFFS_ENAMETOOLONG);
	big[4095] = '\0';
	ck_assert_int_eq(cffs_symlink(t.fs, big, "/big", 0, 0), 0);
	/* the library does not follow links in paths */
	ck_assert_int_eq(cffs_symlink(t.fs, "/", "/root", 0, 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/root/f", &st), -CFFS_ENOTDIR);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_readlink(t.fs, "/big", big, sizeof(big)), 4095);
	ck_assert_int_eq(cffs_unlink(t.fs, "/l"), 0);
	tfs_remount(&t);
}
END_TEST

START_TEST(t_attrs)
{
	struct cffs_time a = { 1000000000, 5 }, m = { 1234567890, 999999999 };
	struct cffs_time bad = { 1, 1000000000 };
	struct cffs_stat st, st2;

	put_file(t.fs, "/f", "x", 1);
	ck_assert_int_eq(cffs_chmod(t.fs, "/f", 04751), 0);
	ck_assert_int_eq(cffs_chown(t.fs, "/f", 1000, 100), 0);
	ck_assert_int_eq(cffs_chown(t.fs, "/f", (uint32_t)-1, 200), 0);
	ck_assert_int_eq(cffs_utimens(t.fs, "/f", &a, &m), 0);
	ck_assert_int_eq(cffs_utimens(t.fs, "/f", &bad, NULL), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFREG | 04751);
	attrs_set(&st);
	ck_assert_int_eq(cffs_utimens(t.fs, "/f", NULL, &a), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &st2), 0);
	ck_assert_int_eq(st2.atime.sec, 1000000000);
	ck_assert_int_eq(st2.mtime.sec, 1000000000);
	/* a write moves mtime to now */
	ck_assert_int_eq(cffs_write(t.fs, "/f", 0, "y", 1), 1);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &st2), 0);
	ck_assert_int_ge(st2.mtime.sec, st.ctime.sec);
	/* a read stamps atime when it is older than mtime (relatime) */
	ck_assert_int_eq(cffs_read(t.fs, "/f", 0, &st, 1), 1);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &st), 0);
	ck_assert_int_ge(st.atime.sec, st2.mtime.sec);
	ck_assert_int_eq(cffs_chmod(t.fs, "/", 0700), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFDIR | 0700);
	ck_assert_int_eq(cffs_chmod(t.fs, "/no", 0700), -CFFS_ENOENT);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFREG | 04751);
}
END_TEST

START_TEST(t_fsync_persist)
{
	struct hostdev copy;
	struct cffs_fs *fs;
	char buf[8];

	put_file(t.fs, "/f", "synced", 6);
	ck_assert_int_eq(cffs_fsync(t.fs, "/f"), 0);
	ck_assert_int_eq(cffs_fsync(t.fs, "/nope"), -CFFS_ENOENT);
	/* a copy of the device taken now, as after a crash, has the data */
	ck_assert_int_eq(hostdev_mem(&copy, NB, t.hd.mem,
	                             (size_t)NB * CFFS_BSIZE), 0);
	ck_assert_int_eq(cffs_mount(&copy.dev, CFFS_RDONLY, &fs), 0);
	ck_assert_int_eq(cffs_read(fs, "/f", 0, buf, 8), 6);
	ck_assert_int_eq(memcmp(buf, "synced", 6), 0);
	ck_assert_int_eq(cffs_create(fs, "/g", 0644, 0, 0), -CFFS_EROFS);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	hostdev_close(&copy);
}
END_TEST

START_TEST(t_enospc)
{
	static char blk[4096];
	struct cffs_statfs s0, s1;
	struct cffs_stat st;
	long r = 0;
	int i;

	tfs_free(&t);
	tfs_new(&t, 256);
	ck_assert_int_eq(cffs_create(t.fs, "/fill", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	for (i = 0; i < 400; i++) {
		r = cffs_write(t.fs, "/fill", (uint64_t)i * 4096, blk, 4096);
		if (r < 0)
			break;
	}
	ck_assert_int_eq(r, -CFFS_ENOSPC);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	ck_assert_uint_eq(s1.bfree, 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/fill", &st), 0);
	ck_assert_uint_eq(st.blocks, s0.bfree);
	/* all but the indirect block hold data */
	ck_assert_uint_eq(st.size, (uint64_t)(s0.bfree - 1) * 4096);
	/* empty directories need no block: the root's 7 free slots fill */
	for (i = 0; i < 8; i++) {
		char name[8] = { '/', 'd', (char)('0' + i), 0 };

		if (cffs_mkdir(t.fs, name, 0755, 0, 0) < 0)
			break;
	}
	ck_assert_int_eq(i, 7);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/x", 0755, 0, 0), -CFFS_ENOSPC);
	ck_assert_int_eq(cffs_write(t.fs, "/d0", 0, "x", 1), -CFFS_EISDIR);
	/* replacing a name needs no new space */
	ck_assert_int_eq(cffs_rename(t.fs, "/d0", "/d1"), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d0", 0755, 0, 0), 0);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_unlink(t.fs, "/fill"), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	ck_assert_uint_eq(s1.bfree, s0.bfree);
	tfs_remount(&t);
}
END_TEST

START_TEST(t_io_error)
{
	struct cffs_fs *fs = t.fs;

	put_file(fs, "/f", "x", 1);
	t.hd.fail_after = 0;
	ck_assert_int_eq(cffs_sync(fs), -CFFS_EIO);
	t.hd.fail_after = -1;
}
END_TEST

static int
count_fn(void *arg, const char *name, const struct cffs_stat *st)
{
	(void)name, (void)st;
	++*(int *)arg;
	return 0;
}

/*
 * Open files by inode number: the calls give what the path calls give;
 * the number survives a rename of the directory above and a write; the
 * file's own rename moves it (the old number is stale, the new name's
 * number works); a removed file's number is stale; wrong kinds give
 * EISDIR/ENOTDIR; numbers outside the tree are stale.
 */
START_TEST(t_by_ino)
{
	struct cffs_stat st, st2;
	struct tfs t;
	cffs_ino_t f, d, f2;
	char buf[64];
	int n = 0;

	tfs_new(&t, 2048);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/d/f", 0100644, 0, 0), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/d/f", &f), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/d", &d), 0);
	ck_assert_int_eq(cffs_iwrite(t.fs, f, 0, "hello, inode", 12), 12);
	ck_assert_int_eq(cffs_itruncate(t.fs, f, 5), 0);
	ck_assert_int_eq(cffs_istat(t.fs, f, &st), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/f", &st2), 0);
	ck_assert_int_eq(memcmp(&st, &st2, sizeof(st)), 0);
	ck_assert_uint_eq(st.size, 5);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(cffs_iread(t.fs, f, 0, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(cffs_ireaddir(t.fs, d, count_fn, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(cffs_iread(t.fs, d, 0, buf, 1), -CFFS_EISDIR);
	ck_assert_int_eq(cffs_iwrite(t.fs, d, 0, buf, 1), -CFFS_EISDIR);
	ck_assert_int_eq(cffs_ireaddir(t.fs, f, count_fn, &n),
	                 -CFFS_ENOTDIR);
	/* the directory above renamed: the file's number stays */
	ck_assert_int_eq(cffs_rename(t.fs, "/d", "/e"), 0);
	ck_assert_int_eq(cffs_iread(t.fs, f, 0, buf, sizeof(buf)), 5);
	/* the file renamed: its entry moved, the old number is stale */
	ck_assert_int_eq(cffs_create(t.fs, "/e/g", 0100644, 0, 0), 0);
	ck_assert_int_eq(cffs_rename(t.fs, "/e/f", "/h"), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/h", &f2), 0);
	ck_assert_int_eq(cffs_iread(t.fs, f2, 0, buf, sizeof(buf)), 5);
	ck_assert_int_eq(cffs_istat(t.fs, f, &st), -CFFS_ESTALE);
	/* removed: stale */
	ck_assert_int_eq(cffs_unlink(t.fs, "/h"), 0);
	ck_assert_int_eq(cffs_istat(t.fs, f2, &st), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_iwrite(t.fs, f2, 0, "x", 1), -CFFS_ESTALE);
	/* outside the tree */
	ck_assert_int_eq(cffs_istat(t.fs, 0, &st), -CFFS_ESTALE);
	ck_assert_int_eq(cffs_istat(t.fs, (cffs_ino_t)2048 * 8, &st),
	                 -CFFS_ESTALE);
	tfs_remount(&t);
	tfs_free(&t);
}
END_TEST

Suite *
ops_suite(void)
{
	Suite *s = suite_create("cffs-ops");
	TCase *tc = tcase_create("ops");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_mkfs_root);
	tcase_add_test(tc, t_by_ino);
	tcase_add_test(tc, t_create);
	tcase_add_test(tc, t_rw_small);
	tcase_add_test(tc, t_rw_large);
	tcase_add_test(tc, t_sparse_truncate);
	tcase_add_test(tc, t_truncate_large);
	tcase_add_test(tc, t_dirs);
	tcase_add_test(tc, t_rename);
	tcase_add_test(tc, t_hardlinks);
	tcase_add_test(tc, t_symlinks);
	tcase_add_test(tc, t_fifos);
	tcase_add_test(tc, t_attrs);
	tcase_add_test(tc, t_attrs_by_ino);
	tcase_add_test(tc, t_fsync_persist);
	tcase_add_test(tc, t_enospc);
	tcase_add_test(tc, t_io_error);
	suite_add_tcase(s, tc);
	return s;
}
