/*
 * test_stress.c - C-FFS at scale: 10,000+ small files across many
 * directories, one large directory, a deep tree, long names, and the
 * explicit-grouping property (a directory and its small files come in
 * with one device read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

START_TEST(t_many_files)
{
	enum { NDIR = 100, NFILE = 101 };
	unsigned char buf[2048], got[2048];
	struct cffs_stat st;
	struct tfs t;
	char path[64];
	int d, f;
	size_t len;

	tfs_new(&t, 65536);             /* 256 MiB */
	for (d = 0; d < NDIR; d++) {
		snprintf(path, sizeof(path), "/dir%03d", d);
		ck_assert_int_eq(cffs_mkdir(t.fs, path, 0755, 0, 0), 0);
		for (f = 0; f < NFILE; f++) {
			len = (size_t)(d * 7 + f * 13) % sizeof(buf);
			fill_pat(buf, len, (unsigned)(d * NFILE + f), 0);
			snprintf(path, sizeof(path), "/dir%03d/file%03d", d, f);
			put_file(t.fs, path, buf, len);
		}
	}
	tfs_remount(&t);
	for (d = 0; d < NDIR; d++) {
		snprintf(path, sizeof(path), "/dir%03d", d);
		ck_assert_int_eq(cffs_stat(t.fs, path, &st), 0);
		ck_assert_uint_eq(st.size, 4096 * ((NFILE + 7) / 8));
		for (f = 0; f < NFILE; f++) {
			len = (size_t)(d * 7 + f * 13) % sizeof(buf);
			fill_pat(buf, len, (unsigned)(d * NFILE + f), 0);
			snprintf(path, sizeof(path), "/dir%03d/file%03d", d, f);
			ck_assert_int_eq(cffs_read(t.fs, path, 0, got, sizeof(got)),
			                 (long)len);
			ck_assert_int_eq(memcmp(buf, got, len), 0);
		}
	}
	/* remove every other file, then every directory's remainder */
	for (d = 0; d < NDIR; d += 3)
		for (f = 0; f < NFILE; f += 2) {
			snprintf(path, sizeof(path), "/dir%03d/file%03d", d, f);
			ck_assert_int_eq(cffs_unlink(t.fs, path), 0);
		}
	tfs_remount(&t);
	tfs_free(&t);
}
END_TEST

/*
 * A file larger than the cache (4096 buffers), written in one go:
 * evicting for the buffers of its last blocks finds every buffer dirty,
 * and the write-back that makes room must hold back (not fail on) the
 * indirect block that already points at a block with no buffer yet.
 */
START_TEST(t_file_larger_than_cache)
{
	enum { NBLK = 4200, CHUNK = 65536 };
	static unsigned char chunk[CHUNK];
	uint64_t len = (uint64_t)NBLK * 4096, off;
	struct cffs_stat st;
	struct tfs t;
	size_t i;

	tfs_new(&t, 16384);             /* 64 MiB */
	ck_assert_int_eq(cffs_create(t.fs, "/huge", 0644, 0, 0), 0);
	for (off = 0; off < len; off += CHUNK) {
		size_t k = len - off < CHUNK ? (size_t)(len - off) : CHUNK;

		memset(chunk, (int)(off / CHUNK * 7 + 1), k);
		ck_assert_int_eq(cffs_write(t.fs, "/huge", off, chunk, k),
		                 (long)k);
	}
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_stat(t.fs, "/huge", &st), 0);
	ck_assert_uint_eq(st.size, len);
	ck_assert_uint_eq(st.blocks, NBLK + 6);  /* + 1 + 1 + 4 indirect */
	for (off = 0; off < len; off += CHUNK) {
		size_t k = len - off < CHUNK ? (size_t)(len - off) : CHUNK;

		ck_assert_int_eq(cffs_read(t.fs, "/huge", off, chunk, k),
		                 (long)k);
		for (i = 0; i < k; i++)
			ck_assert_uint_eq(chunk[i], (unsigned char)(off / CHUNK * 7 + 1));
	}
	ck_assert_int_eq(cffs_unlink(t.fs, "/huge"), 0);
	tfs_remount(&t);
	tfs_free(&t);
}
END_TEST

START_TEST(t_big_directory)
{
	enum { N = 3000 };              /* 375 blocks: into the indirect block */
	struct tfs t;
	char path[64];
	struct cffs_stat st;
	int i, count = 0;

	tfs_new(&t, 16384);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/big", 0755, 0, 0), 0);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/big/entry-%d", i);
		ck_assert_int_eq(cffs_create(t.fs, path, 0644, 0, 0), 0);
	}
	ck_assert_int_eq(cffs_create(t.fs, "/big/entry-17", 0644, 0, 0),
	                 -CFFS_EEXIST);
	ck_assert_int_eq(cffs_stat(t.fs, "/big", &st), 0);
	ck_assert_uint_eq(st.size, 4096 * (N / 8));
	ck_assert_uint_eq(st.blocks, N / 8 + 1);
	tfs_remount(&t);
	for (i = 0; i < N; i += 2) {
		snprintf(path, sizeof(path), "/big/entry-%d", i);
		ck_assert_int_eq(cffs_unlink(t.fs, path), 0);
	}
	for (i = 1; i < N; i += 2) {
		snprintf(path, sizeof(path), "/big/entry-%d", i);
		if (cffs_stat(t.fs, path, &st) == 0)
			count++;
	}
	ck_assert_int_eq(count, N / 2);
	/* freed slots are reused before the directory grows */
	ck_assert_int_eq(cffs_create(t.fs, "/big/new", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/big", &st), 0);
	ck_assert_uint_eq(st.size, 4096 * (N / 8));
	tfs_remount(&t);
	tfs_free(&t);
}
END_TEST

START_TEST(t_deep_tree)
{
	enum { DEPTH = 400 };
	static char path[CFFS_PATH_MAX + 8];
	struct tfs t;
	char buf[8];
	size_t n = 0;
	int i;

	tfs_new(&t, 4096);
	for (i = 0; i < DEPTH; i++) {
		memcpy(path + n, "/dd", 3);
		n += 3;
		path[n] = '\0';
		ck_assert_int_eq(cffs_mkdir(t.fs, path, 0755, 0, 0), 0);
	}
	memcpy(path + n, "/leaf", 6);
	put_file(t.fs, path, "bottom", 6);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_read(t.fs, path, 0, buf, 8), 6);
	ck_assert_int_eq(memcmp(buf, "bottom", 6), 0);
	/* a path longer than CFFS_PATH_MAX is refused */
	{
		static char lp[CFFS_PATH_MAX + 8];

		for (i = 0; i < CFFS_PATH_MAX + 2; i += 2)
			memcpy(lp + i, "/a", 2);
		lp[CFFS_PATH_MAX + 2] = '\0';
		ck_assert_int_eq(cffs_stat(t.fs, lp, NULL), -CFFS_ENAMETOOLONG);
	}
	ck_assert_int_eq(cffs_unlink(t.fs, path), 0);
	for (i = DEPTH; i > 0; i--) {
		path[i * 3] = '\0';
		ck_assert_int_eq(cffs_rmdir(t.fs, path), 0);
	}
	ck_assert_str_eq(list_dir(t.fs, "/"), "");
	tfs_remount(&t);
	tfs_free(&t);
}
END_TEST

START_TEST(t_long_names)
{
	enum { N = 60 };
	char name[CFFS_NAME_MAX + 2], path[CFFS_NAME_MAX + 8];
	char *list, *want;
	struct tfs t;
	int i, j;

	tfs_new(&t, 4096);
	want = calloc(N, CFFS_NAME_MAX + 2);
	for (i = 0; i < N; i++) {
		/* names of 200..255 bytes differing only at the end */
		int len = 200 + i % 56;

		for (j = 0; j < len; j++)
			name[j] = (char)('a' + (j * 7) % 26);
		name[len - 2] = (char)('A' + i / 26);
		name[len - 1] = (char)('A' + i % 26);
		name[len] = '\0';
		snprintf(path, sizeof(path), "/%s", name);
		put_file(t.fs, path, name, (size_t)len);
	}
	tfs_remount(&t);
	list = list_dir(t.fs, "/");
	for (i = 0, j = 0; list[j] != '\0'; j++)
		i += list[j] == ',';
	ck_assert_int_eq(i, N - 1);
	for (i = 0; i < N; i++) {
		char got[CFFS_NAME_MAX + 1];
		int len = 200 + i % 56, k;

		for (k = 0; k < len; k++)
			name[k] = (char)('a' + (k * 7) % 26);
		name[len - 2] = (char)('A' + i / 26);
		name[len - 1] = (char)('A' + i % 26);
		name[len] = '\0';
		snprintf(path, sizeof(path), "/%s", name);
		ck_assert_int_eq(cffs_read(t.fs, path, 0, got, sizeof(got)), len);
		ck_assert_int_eq(memcmp(got, name, (size_t)len), 0);
		ck_assert_ptr_nonnull(strstr(list, name));
	}
	free(want);
	tfs_free(&t);
}
END_TEST

/* A directory and its small files sit in one explicit group. */
START_TEST(t_grouping)
{
	char buf[4096], path[32];
	struct tfs t;
	uint64_t before;
	int i;

	tfs_new(&t, 4096);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/other", 0755, 0, 0), 0);
	put_file(t.fs, "/other/x", buf, 100);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	for (i = 0; i < 7; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		fill_pat((unsigned char *)buf, 3000, (unsigned)i, 0);
		put_file(t.fs, path, buf, 3000);
	}
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, CFFS_RDONLY, &t.fs), 0);
	before = t.hd.nreads;
	ck_assert_str_eq(list_dir(t.fs, "/d"), "f0,f1,f2,f3,f4,f5,f6");
	for (i = 0; i < 7; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		ck_assert_int_eq(cffs_read(t.fs, path, 0, buf, 4096), 3000);
		ck_assert_uint_eq((unsigned char)buf[2999], pat((unsigned)i, 2999));
	}
	/* block 0 came in at mount; then ONE read: the group holding the
	 * root's block, /d's block and all seven files */
	ck_assert_uint_eq(t.hd.nreads - before, 1);
	tfs_free(&t);
}
END_TEST

/* When a directory's group fills up it moves on to a fresh group. */
START_TEST(t_group_overflow)
{
	char buf[4096], path[32];
	struct tfs t;
	uint64_t before;
	int i;

	memset(buf, 'g', sizeof(buf));
	tfs_new(&t, 4096);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	for (i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/d/f%02d", i);
		put_file(t.fs, path, buf, 4096);
	}
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, CFFS_RDONLY, &t.fs), 0);
	before = t.hd.nreads;
	for (i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/d/f%02d", i);
		ck_assert_int_eq(cffs_read(t.fs, path, 0, buf, 4096), 4096);
	}
	/* 40 data + 5 directory blocks + root's: four groups */
	ck_assert_uint_le(t.hd.nreads - before, 4);
	tfs_free(&t);
}
END_TEST

Suite *
stress_suite(void)
{
	Suite *s = suite_create("cffs-stress");
	TCase *tc = tcase_create("stress");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_many_files);
	tcase_add_test(tc, t_big_directory);
	tcase_add_test(tc, t_file_larger_than_cache);
	tcase_add_test(tc, t_deep_tree);
	tcase_add_test(tc, t_long_names);
	tcase_add_test(tc, t_grouping);
	tcase_add_test(tc, t_group_overflow);
	suite_add_tcase(s, tc);
	return s;
}
