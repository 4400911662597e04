/*
 * test_stress.c - C-FFS at scale: 10,000+ small files across many
 * directories, one large directory, a deep tree, long names, the
 * explicit-grouping property (a directory and its small files come in
 * with one device read), read clustering of large files, and read-ahead
 * when the cache is full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cffs_int.h"
#include "hostdev.h"
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

/* ---- read clustering ---- */

#define V1_BIG_READS 8u
#define XN_BIG_READS 8u

/* A device that records every read request over the test's memory device. */
struct recdev {
	struct cffs_bdev dev;
	struct hostdev  *hd;
	uint32_t         n;
	uint32_t         blk[4096], cnt[4096];
};

static int
rec_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct recdev *r = ctx;

	if (r->n < 4096) {
		r->blk[r->n] = (uint32_t)blk;
		r->cnt[r->n] = count;
	}
	r->n++;
	return r->hd->dev.ops->read(r->hd->dev.ctx, blk, count, buf);
}

static int
rec_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	struct recdev *r = ctx;

	return r->hd->dev.ops->write(r->hd->dev.ctx, blk, count, buf);
}

static int
rec_flush(void *ctx)
{
	struct recdev *r = ctx;

	return r->hd->dev.ops->flush(r->hd->dev.ctx);
}

static const struct cffs_bdev_ops rec_ops = { rec_read, rec_write, rec_flush,
	                                      NULL, NULL };

/* The disk blocks of path's file blocks 0..nfb-1 (0: hole), its indirect
 * block in *ind; read while mounted, before the cold remount. */
static void
file_map(struct cffs_fs *fs, const char *path, uint32_t *map, uint32_t nfb,
         uint32_t *ind)
{
	struct walk *w = malloc(sizeof(*w));
	uint32_t f;

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(path_walk(fs, path, 0, w), 0);
	ck_assert(w->found);
	for (f = 0; f < nfb; f++)
		ck_assert_int_eq(bmap(fs, &w->ip, f, false, &map[f]), 0);
	*ind = w->ip.d.indirect;
	ck_assert_uint_eq(w->ip.d.dindirect, 0);
	free(w);
}

static bool
in_list(const uint32_t *v, uint32_t n, uint32_t x)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/*
 * Unmount, remount read-only over a recording device, look path up (the
 * directory's group comes in), then read the whole file sequentially in
 * 64 KiB pieces and compare with want.  The requests made for the read are
 * compared one by one with the policy's: a direct block's miss reads its
 * aligned group; the indirect block is read alone; a miss on a later
 * block reads it and the following blocks while they are the file's next
 * blocks, contiguous, uncached, at most CLUSTER_MAX (64).  Returns the
 * number of reads.
 */
static uint32_t
cold_read_check(struct tfs *t, const char *path, const unsigned char *want,
                uint32_t size, const uint32_t *map, uint32_t ind)
{
	static struct recdev rd;
	static unsigned char got[65536];
	static bool cached[1 << 16];
	uint32_t nfb = (size + 4095) / 4096, f, k, blk, ne = 0, off, len;
	uint32_t eblk[1024], ecnt[1024];
	bool ecl[1024];
	struct cffs_stat st;
	struct cffs_fs *fs;

	ck_assert_int_eq(cffs_unmount(t->fs), 0);
	t->fs = NULL;
	memset(&rd, 0, sizeof(rd));
	rd.hd = &t->hd;
	rd.dev.ops = &rec_ops;
	rd.dev.ctx = &rd;
	rd.dev.nblocks = t->hd.dev.nblocks;
	ck_assert_uint_lt(rd.dev.nblocks, 1u << 16);
	ck_assert_int_eq(cffs_mount(&rd.dev, CFFS_RDONLY, &fs), 0);
	ck_assert_int_eq(cffs_stat(fs, path, &st), 0);
	ck_assert_uint_eq(st.size, size);
	for (blk = 0; blk < rd.dev.nblocks; blk++)
		cached[blk] = cache_lookup(&fs->cache, blk) != NULL;
	/* the policy's requests */
	for (f = 0; f < nfb; f++) {
		blk = map[f];
		if (f >= NDIRECT && !cached[ind]) {
			eblk[ne] = ind;
			ecl[ne] = false;
			ecnt[ne++] = 1;
			cached[ind] = true;
		}
		if (blk == 0 || cached[blk])
			continue;
		if (f < NDIRECT) {
			eblk[ne] = blk - blk % CFFS_GROUP;
			ecnt[ne] = CFFS_GROUP;
			ecl[ne] = false;
		} else {
			for (k = 1; k < CLUSTER_MAX && f + k < nfb &&
			     map[f + k] == blk + k && !cached[blk + k]; k++)
				;
			eblk[ne] = blk;
			ecnt[ne] = k;
			ecl[ne] = true;
		}
		for (k = 0; k < ecnt[ne]; k++)
			cached[eblk[ne] + k] = true;
		ne++;
	}
	rd.n = 0;
	for (off = 0; off < size; off += len) {
		len = size - off < sizeof(got) ? size - off : sizeof(got);
		ck_assert_int_eq(cffs_read(fs, path, off, got, len), (long)len);
		ck_assert_int_eq(memcmp(got, want + off, len), 0);
	}
	ck_assert_uint_eq(rd.n, ne);
	for (k = 0; k < ne; k++) {
		ck_assert_uint_eq(rd.blk[k], eblk[k]);
		ck_assert_uint_eq(rd.cnt[k], ecnt[k]);
		/* a clustered read holds only this file's blocks */
		if (ecl[k])
			for (f = 0; f < rd.cnt[k]; f++)
				ck_assert(in_list(map, nfb, rd.blk[k] + f));
	}
	ck_assert_int_eq(cffs_unmount(fs), 0);
	ck_assert_int_eq(cffs_mount(&t->hd.dev, 0, &t->fs), 0);
	return ne;
}

/* A 2 MiB file read cold: its group, its indirect block, then
 * CLUSTER_MAX (64) blocks per request. */
static void
cluster_big(int v1)
{
	enum { SIZE = 2 << 20, NFB = SIZE / 4096 };
	static unsigned char data[SIZE];
	static uint32_t map[NFB];
	uint32_t ind, f, n;
	int save = tfs_v1;
	struct tfs t;

	tfs_v1 = v1;
	tfs_new(&t, 4096);
	tfs_v1 = save;
	fill_pat(data, SIZE, 5, 0);
	put_file(t.fs, "/big", data, SIZE);
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	file_map(t.fs, "/big", map, NFB, &ind);
	/* the layout the count below depends on: the direct blocks in one
	 * group, then the indirect block and the rest contiguous after them */
	for (f = 1; f < NDIRECT; f++)
		ck_assert_uint_eq(map[f], map[0] + f);
	ck_assert_uint_eq(map[0] / CFFS_GROUP, map[NDIRECT - 1] / CFFS_GROUP);
	ck_assert_uint_eq(ind, map[NDIRECT - 1] + 1);
	for (f = NDIRECT; f < NFB; f++)
		ck_assert_uint_eq(map[f], ind + 1 + (f - NDIRECT));
	n = cold_read_check(&t, "/big", data, SIZE, map, ind);
	/*
	 * The group read of the directory (at the stat) brought in the direct
	 * blocks and whatever of the indirect block and the first indirect
	 * data blocks shares their group: k = blocks of the group after
	 * direct[11] (the indirect block first).  Then: the indirect block if
	 * it was not in the group, and ceil((500 - data blocks in the group)
	 * / CLUSTER_MAX) clustered reads.
	 */
	{
		uint32_t g_end = map[0] - map[0] % CFFS_GROUP + CFFS_GROUP;
		uint32_t in_g = g_end - (map[NDIRECT - 1] + 1);  /* ind + data */
		uint32_t data_in_g = in_g > 0 ? in_g - 1 : 0;
		uint32_t rest = (NFB - NDIRECT) - data_in_g;

		ck_assert_uint_eq(n, (in_g == 0) +
		                  (rest + CLUSTER_MAX - 1) / CLUSTER_MAX);
	}
	/* and the exact number in each layout */
	ck_assert_uint_eq(n, v1 ? V1_BIG_READS : XN_BIG_READS);
	tfs_free(&t);
}

START_TEST(t_cluster_big)
{
	cluster_big(0);
	cluster_big(1);
}
END_TEST

/* Holes stop a clustered read; the contents read back exactly. */
START_TEST(t_cluster_holes)
{
	enum { NFB = 200, SIZE = NFB * 4096 + 1000 };
	static unsigned char data[SIZE];
	static uint32_t map[NFB + 1];
	static const uint32_t runs[][2] = {  /* [first, end) file blocks */
		{ 0, 3 }, { 20, 41 }, { 51, 52 }, { 60, 100 }, { 101, 150 },
	};
	uint32_t ind, i, f;
	int v1;

	for (v1 = 0; v1 < 2; v1++) {
		int save = tfs_v1;
		struct tfs t;

		tfs_v1 = v1;
		tfs_new(&t, 4096);
		tfs_v1 = save;
		memset(data, 0, sizeof(data));
		ck_assert_int_eq(cffs_create(t.fs, "/h", 0644, 0, 0), 0);
		for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
			uint32_t a = runs[i][0] * 4096, e = runs[i][1] * 4096;

			fill_pat(data + a, e - a, 9, a);
			ck_assert_int_eq(cffs_write(t.fs, "/h", a, data + a,
			                            e - a), (long)(e - a));
		}
		ck_assert_int_eq(cffs_truncate(t.fs, "/h", SIZE), 0);
		ck_assert_int_eq(cffs_sync(t.fs), 0);
		file_map(t.fs, "/h", map, NFB + 1, &ind);
		for (f = 0; f <= NFB; f++) {
			bool in = false;

			for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
				in |= f >= runs[i][0] && f < runs[i][1];
			ck_assert_uint_eq(map[f] != 0, in);
		}
		cold_read_check(&t, "/h", data, SIZE, map, ind);
		tfs_free(&t);
	}
}
END_TEST

/* Two files written in turns: their blocks interleave on the disk (the
 * direct blocks a write at a time in the root's group, the rest in
 * extents that alternate, alloc.c), and a clustered read of one never
 * reads the other's blocks. */
START_TEST(t_cluster_interleaved)
{
	enum { NFB = 160, SIZE = NFB * 4096, STEP = 3 * 4096 };
	static unsigned char da[SIZE], db[SIZE];
	static uint32_t ma[NFB], mb[NFB];
	uint32_t ia, ib, off, f, len, seams;
	int v1;

	fill_pat(da, SIZE, 1, 0);
	fill_pat(db, SIZE, 2, 0);
	for (v1 = 0; v1 < 2; v1++) {
		int save = tfs_v1;
		struct tfs t;

		tfs_v1 = v1;
		tfs_new(&t, 4096);
		tfs_v1 = save;
		ck_assert_int_eq(cffs_create(t.fs, "/a", 0644, 0, 0), 0);
		ck_assert_int_eq(cffs_create(t.fs, "/b", 0644, 0, 0), 0);
		for (off = 0; off < SIZE; off += len) {
			len = SIZE - off < STEP ? SIZE - off : STEP;
			ck_assert_int_eq(cffs_write(t.fs, "/a", off, da + off,
			                            len), (long)len);
			ck_assert_int_eq(cffs_write(t.fs, "/b", off, db + off,
			                            len), (long)len);
		}
		ck_assert_int_eq(cffs_sync(t.fs), 0);
		file_map(t.fs, "/a", ma, NFB, &ia);
		file_map(t.fs, "/b", mb, NFB, &ib);
		/* really interleaved: b's blocks sit right after runs of a's,
		 * in the root's group and past it */
		for (f = 0, seams = 0; f + 1 < NFB; f++)
			seams += ma[f + 1] != ma[f] + 1 &&
			         in_list(mb, NFB, ma[f] + 1);
		ck_assert_uint_ge(seams, 6);
		for (f = NDIRECT, seams = 0; f + 1 < NFB; f++)
			seams += ma[f + 1] != ma[f] + 1 &&
			         in_list(mb, NFB, ma[f] + 1);
		ck_assert_uint_ge(seams, 1);
		cold_read_check(&t, "/a", da, SIZE, ma, ia);
		cold_read_check(&t, "/b", db, SIZE, mb, ib);
		tfs_free(&t);
	}
}
END_TEST

/* ---- read-ahead with a full cache, and the group window ---- */

/* Write len bytes of pattern seed to a new file path, 64 KiB at a time. */
static void
put_big(struct cffs_fs *fs, const char *path, uint64_t len, unsigned seed)
{
	static unsigned char chunk[65536];
	uint64_t off;
	size_t k;

	ck_assert_int_eq(cffs_create(fs, path, 0644, 0, 0), 0);
	for (off = 0; off < len; off += k) {
		k = len - off < sizeof(chunk) ? (size_t)(len - off) :
		    sizeof(chunk);
		fill_pat(chunk, k, seed, (size_t)off);
		ck_assert_int_eq(cffs_write(fs, path, off, chunk, k), (long)k);
	}
}

/* Read path from off in 64 KiB pieces, checking pattern seed, until the
 * end or (stop_full) until the cache holds as many buffers as it may. */
static void
read_big(struct cffs_fs *fs, const char *path, uint64_t len, unsigned seed,
         bool stop_full)
{
	static unsigned char got[65536], want[65536];
	uint64_t off;
	size_t k;

	for (off = 0; off < len; off += k) {
		if (stop_full && fs->cache.nbufs == fs->cache.maxbufs)
			return;
		k = len - off < sizeof(got) ? (size_t)(len - off) : sizeof(got);
		ck_assert_int_eq(cffs_read(fs, path, off, got, k), (long)k);
		fill_pat(want, k, seed, (size_t)off);
		ck_assert_int_eq(memcmp(got, want, k), 0);
	}
	ck_assert(!stop_full);
}

/*
 * A miss on a grouped block when the cache is full (of clean buffers):
 * read-ahead takes buffers from the LRU tail, so the directory and its
 * seven files still come in with ONE device read, as in t_grouping.
 * (If read-ahead gave up on a full cache, every file's miss would read
 * the group again: eight reads.)
 */
START_TEST(t_ra_group_full)
{
	enum { FILL = 4300 };           /* blocks: more than the cache */
	char buf[4096], path[32];
	uint64_t before;
	struct tfs t;
	int i, v1;

	for (v1 = 0; v1 < 2; v1++) {
		int save = tfs_v1;

		tfs_v1 = v1;
		tfs_new(&t, 16384);
		tfs_v1 = save;
		ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
		for (i = 0; i < 7; i++) {
			snprintf(path, sizeof(path), "/d/f%d", i);
			fill_pat((unsigned char *)buf, 3000, (unsigned)i, 0);
			put_file(t.fs, path, buf, 3000);
		}
		put_big(t.fs, "/fill", (uint64_t)FILL * 4096, 3);
		ck_assert_int_eq(cffs_unmount(t.fs), 0);
		ck_assert_int_eq(cffs_mount(&t.hd.dev, CFFS_RDONLY, &t.fs), 0);
		read_big(t.fs, "/fill", (uint64_t)FILL * 4096, 3, false);
		ck_assert_uint_eq(t.fs->cache.nbufs, t.fs->cache.maxbufs);
		before = t.hd.nreads;
		ck_assert_str_eq(list_dir(t.fs, "/d"), "f0,f1,f2,f3,f4,f5,f6");
		for (i = 0; i < 7; i++) {
			snprintf(path, sizeof(path), "/d/f%d", i);
			ck_assert_int_eq(cffs_read(t.fs, path, 0, buf, 4096),
			                 3000);
			ck_assert_uint_eq((unsigned char)buf[2999],
			                  pat((unsigned)i, 2999));
		}
		ck_assert_uint_eq(t.hd.nreads - before, 1);
		ck_assert_uint_eq(t.fs->cache.nbufs, t.fs->cache.maxbufs);
		tfs_free(&t);
	}
}
END_TEST

/*
 * Clustered reads of a large file with the cache full and 40 dirty
 * buffers (and the few clean ones older than them) at the LRU tail:
 * read-ahead looks past the dirty buffers for clean ones, so the file
 * still comes in CLUSTER_MAX blocks per request, and it never writes or
 * evicts a dirty buffer: over XN nothing is written during the read and
 * all 40 stay cached and dirty.  (The legacy layout's own eviction for
 * a demand miss writes the least recently used buffer back, dirty or
 * not; there only the request count is checked.)  Then the dirty data
 * reaches the disk at sync.
 */
START_TEST(t_ra_cluster_dirty_tail)
{
	enum { BIG = 1000, FILL = 4300, DIRTY = 40 };
	static uint32_t dmap[DIRTY];
	uint64_t reads, writes;
	uint32_t ind, k;
	struct buf *b;
	struct tfs t;
	int v1;

	for (v1 = 0; v1 < 2; v1++) {
		int save = tfs_v1;

		tfs_v1 = v1;
		tfs_new(&t, 16384);
		tfs_v1 = save;
		put_big(t.fs, "/big", (uint64_t)BIG * 4096, 1);
		put_big(t.fs, "/fill", (uint64_t)FILL * 4096, 2);
		put_big(t.fs, "/dirty", (uint64_t)DIRTY * 4096, 3);
		ck_assert_int_eq(cffs_sync(t.fs), 0);
		file_map(t.fs, "/dirty", dmap, DIRTY, &ind);
		tfs_remount(&t);
		/* whole blocks: dirty buffers, nothing read for them */
		for (k = 0; k < DIRTY; k += 16) {
			static unsigned char chunk[65536];
			uint32_t n = DIRTY - k < 16 ? DIRTY - k : 16;

			fill_pat(chunk, (size_t)n * 4096, 5, (size_t)k * 4096);
			ck_assert_int_eq(cffs_write(t.fs, "/dirty",
			                            (uint64_t)k * 4096, chunk,
			                            (size_t)n * 4096),
			                 (long)n * 4096);
		}
		for (k = 0; k < DIRTY; k++) {
			b = cache_lookup(&t.fs->cache, dmap[k]);
			ck_assert_ptr_nonnull(b);
			ck_assert(b->dirty);
		}
		read_big(t.fs, "/fill", (uint64_t)FILL * 4096, 2, true);
		reads = t.hd.nreads;
		writes = t.hd.nwrites;
		read_big(t.fs, "/big", (uint64_t)BIG * 4096, 1, false);
		/* the direct blocks' group, the indirect block, then runs */
		ck_assert_uint_le(t.hd.nreads - reads,
		                  2 + (BIG - NDIRECT + CLUSTER_MAX - 1) /
		                  CLUSTER_MAX);
		if (!v1) {
			ck_assert_uint_eq(t.hd.nwrites, writes);
			for (k = 0; k < DIRTY; k++) {
				b = cache_lookup(&t.fs->cache, dmap[k]);
				ck_assert_ptr_nonnull(b);
				ck_assert(b->dirty);
			}
		}
		tfs_remount(&t);
		read_big(t.fs, "/dirty", (uint64_t)DIRTY * 4096, 5, false);
		tfs_free(&t);
	}
}
END_TEST

/*
 * The group read's window: a miss on the group right after the previous
 * group read doubles it (16, 32, 64 blocks), any other miss reads one
 * group; the window never takes in a group that has a cached block.
 * Two directories of 40 4-KiB files each (about four groups each), read
 * cold: /b's files, then /a's (which lie before /b's on the disk).
 */
START_TEST(t_ra_window)
{
	static struct recdev rd;
	char buf[4096], path[32];
	uint32_t k, n0, win, prev_end, bigger = 0;
	struct cffs_fs *fs;
	struct tfs t;
	int d, i;

	tfs_new(&t, 4096);
	for (d = 0; d < 2; d++) {
		snprintf(path, sizeof(path), "/%c", 'a' + d);
		ck_assert_int_eq(cffs_mkdir(t.fs, path, 0755, 0, 0), 0);
		for (i = 0; i < 40; i++) {
			snprintf(path, sizeof(path), "/%c/f%02d", 'a' + d, i);
			fill_pat((unsigned char *)buf, 4096, (unsigned)(d * 40 + i),
			         0);
			put_file(t.fs, path, buf, 4096);
		}
	}
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	memset(&rd, 0, sizeof(rd));
	rd.hd = &t.hd;
	rd.dev.ops = &rec_ops;
	rd.dev.ctx = &rd;
	rd.dev.nblocks = t.hd.dev.nblocks;
	ck_assert_int_eq(cffs_mount(&rd.dev, CFFS_RDONLY, &fs), 0);
	n0 = rd.n;
	for (d = 1; d >= 0; d--)
		for (i = 0; i < 40; i++) {
			snprintf(path, sizeof(path), "/%c/f%02d", 'a' + d, i);
			ck_assert_int_eq(cffs_read(fs, path, 0, buf, 4096), 4096);
			ck_assert_uint_eq((unsigned char)buf[4095],
			                  pat((unsigned)(d * 40 + i), 4095));
		}
	/* 80 files and 10 directory blocks span six groups or more; one
	 * group per read would be six reads */
	ck_assert_uint_lt(rd.n, 4096);
	ck_assert_uint_ge(rd.n - n0, 2);
	ck_assert_uint_le(rd.n - n0, 4);
	/* every group read since the mount (the mount's own reads of
	 * single blocks do not count) follows the window's rule */
	for (k = 0, win = 1, prev_end = 0; k < rd.n; k++) {
		if (rd.blk[k] % CFFS_GROUP != 0 || rd.cnt[k] % CFFS_GROUP != 0)
			continue;
		win = rd.blk[k] == prev_end ? (win < 4 ? win * 2 : 4) : 1;
		ck_assert_uint_le(rd.cnt[k], win * CFFS_GROUP);
		bigger += k >= n0 && rd.cnt[k] > CFFS_GROUP;
		prev_end = rd.blk[k] + rd.cnt[k];
	}
	ck_assert_uint_ge(bigger, 1);
	ck_assert_int_eq(cffs_unmount(fs), 0);
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
	tc = tcase_create("cluster");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_cluster_big);
	tcase_add_test(tc, t_cluster_holes);
	tcase_add_test(tc, t_cluster_interleaved);
	suite_add_tcase(s, tc);
	tc = tcase_create("readahead");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_ra_group_full);
	tcase_add_test(tc, t_ra_cluster_dirty_tail);
	tcase_add_test(tc, t_ra_window);
	suite_add_tcase(s, tc);
	return s;
}
