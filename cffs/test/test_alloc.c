/*
 * test_alloc.c - block placement of large files (alloc.c, bmap in
 * inode.c), in both layouts:
 *
 *  - t_big_after_deletes: as in `make bench-cffs`, many small files are
 *    created in many directories and deleted, which leaves the
 *    directories' blocks spread over the groups they used, with short
 *    free runs between them.  A large file written then must not fill
 *    those runs: its blocks form at most a few extents and a cold read
 *    takes about one request per CLUSTER_MAX blocks.  (Next-fit after
 *    the file's previous block gave runs of a few blocks and hundreds of
 *    reads.)
 *  - t_turns_extents: two large files written in turns, 64 KiB at a
 *    time, get extents of their own of about 64 blocks (next-fit
 *    interleaved them a write, 16 blocks, at a time).
 *  - t_nearly_full: on a disk filled with small files of which every
 *    other one is then deleted, a large file still takes every free
 *    block, one at a time, before ENOSPC; what it wrote reads back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cffs_int.h"
#include "util.h"

Suite *alloc_suite(void);

#define CHUNK 65536u

/* The disk blocks of path's file blocks 0..nfb-1, and its pointer blocks
 * (indirect, double indirect and the middle ones) in ptrs[*nptr]. */
static void
block_map(struct cffs_fs *fs, const char *path, uint32_t *map, uint32_t nfb,
          uint32_t *ptrs, uint32_t *nptr)
{
	struct walk *w = malloc(sizeof(*w));
	struct buf *b;
	uint32_t f, i, v;

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(path_walk(fs, path, 0, w), 0);
	ck_assert(w->found);
	for (f = 0; f < nfb; f++)
		ck_assert_int_eq(bmap(fs, &w->ip, f, false, &map[f]), 0);
	*nptr = 0;
	if (w->ip.d.indirect != 0)
		ptrs[(*nptr)++] = w->ip.d.indirect;
	if (w->ip.d.dindirect != 0) {
		ptrs[(*nptr)++] = w->ip.d.dindirect;
		ck_assert_int_eq(bget(fs, w->ip.d.dindirect, 0, &b), 0);
		for (i = 0; i < NPTR; i++) {
			memcpy(&v, b->data + 4 * i, 4);
			if (v != 0)
				ptrs[(*nptr)++] = v;
		}
		bput(b);
	}
	free(w);
}

static bool
in_set(const uint32_t *v, uint32_t n, uint32_t x)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Does disk block b follow a, perhaps across some of the file's own
 * pointer blocks (placed right before the blocks they map)? */
static bool
follows(uint32_t a, uint32_t b, const uint32_t *ptrs, uint32_t nptr)
{
	uint32_t k;

	for (k = a + 1; k < b && in_set(ptrs, nptr, k); k++)
		;
	return k == b;
}

/* Extents of file blocks first..nfb-1 on the disk. */
static uint32_t
extents(const uint32_t *map, uint32_t first, uint32_t nfb,
        const uint32_t *ptrs, uint32_t nptr)
{
	uint32_t f, n = 1;

	for (f = first + 1; f < nfb; f++)
		n += !follows(map[f - 1], map[f], ptrs, nptr);
	return n;
}

/* The shortest extent of file blocks first..nfb-1, not counting the
 * first and the last one; UINT32_MAX if there are not three. */
static uint32_t
shortest_inner(const uint32_t *map, uint32_t first, uint32_t nfb,
               const uint32_t *ptrs, uint32_t nptr)
{
	uint32_t f, len = 1, min = UINT32_MAX, k = 0;

	for (f = first + 1; f < nfb; f++) {
		if (follows(map[f - 1], map[f], ptrs, nptr)) {
			len++;
			continue;
		}
		if (k++ > 0 && len < min)
			min = len;
		len = 1;
	}
	return min;
}

static void
write_big(struct cffs_fs *fs, const char *path, uint32_t size, unsigned seed)
{
	static unsigned char chunk[CHUNK];
	uint32_t off;

	ck_assert_int_eq(cffs_create(fs, path, 0644, 0, 0), 0);
	for (off = 0; off < size; off += CHUNK) {
		fill_pat(chunk, CHUNK, seed, off);
		ck_assert_int_eq(cffs_write(fs, path, off, chunk, CHUNK),
		                 (long)CHUNK);
	}
}

/* Read path back in CHUNK pieces and check it; device reads made. */
static uint64_t
read_big(struct tfs *t, const char *path, uint32_t size, unsigned seed)
{
	static unsigned char got[CHUNK], want[CHUNK];
	uint64_t before = t->hd.nreads;
	uint32_t off, k;

	for (off = 0; off < size; off += k) {
		k = size - off < CHUNK ? size - off : CHUNK;
		ck_assert_int_eq(cffs_read(t->fs, path, off, got, k), (long)k);
		fill_pat(want, k, seed, off);
		ck_assert_int_eq(memcmp(got, want, k), 0);
	}
	return t->hd.nreads - before;
}

/* Small files, directory by directory, then all deleted; synced. */
static void
churn(struct tfs *t, unsigned ndirs, unsigned per_dir)
{
	static char data[1024];
	char path[32];
	unsigned i;

	memset(data, 's', sizeof(data));
	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof(path), "/d%02u", i);
		ck_assert_int_eq(cffs_mkdir(t->fs, path, 0755, 0, 0), 0);
	}
	for (i = 0; i < ndirs * per_dir; i++) {
		snprintf(path, sizeof(path), "/d%02u/f%05u", i / per_dir, i);
		put_file(t->fs, path, data, sizeof(data));
	}
	ck_assert_int_eq(cffs_sync(t->fs), 0);
	for (i = 0; i < ndirs * per_dir; i++) {
		snprintf(path, sizeof(path), "/d%02u/f%05u", i / per_dir, i);
		ck_assert_int_eq(cffs_unlink(t->fs, path), 0);
	}
	ck_assert_int_eq(cffs_sync(t->fs), 0);
}

START_TEST(t_big_after_deletes)
{
	enum { SIZE = 8 << 20, NFB = SIZE / 4096 };
	static uint32_t map[NFB], ptrs[2 + NPTR];
	uint32_t nptr, n;
	uint64_t reads;
	int save = tfs_v1;
	struct tfs t;

	tfs_v1 = _i;
	tfs_new(&t, 16384);
	tfs_v1 = save;
	churn(&t, 20, 100);
	write_big(t.fs, "/big", SIZE, 3);
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	block_map(t.fs, "/big", map, NFB, ptrs, &nptr);
	ck_assert_uint_eq(nptr, 3);     /* indirect, double, one middle */
	/* past the direct blocks (which are in the root's group): one
	 * extent, or two if it started in the root's group */
	n = extents(map, NDIRECT, NFB, ptrs, nptr);
	ck_assert_uint_le(n, 2);
	/* cold: the file's blocks in CLUSTER_MAX pieces, its three pointer
	 * blocks, the root's group(s) for the direct blocks */
	tfs_remount(&t);
	reads = read_big(&t, "/big", SIZE, 3);
	ck_assert_uint_le(reads, (NFB - NDIRECT) / CLUSTER_MAX + 1 + nptr + 3);
	tfs_free(&t);
}
END_TEST

START_TEST(t_turns_extents)
{
	enum { SIZE = 2 << 20, NFB = SIZE / 4096 };
	static unsigned char chunk[CHUNK];
	static uint32_t ma[NFB], mb[NFB], pa[2 + NPTR], pb[2 + NPTR];
	uint32_t off, na, nb;
	int save = tfs_v1;
	struct tfs t;

	tfs_v1 = _i;
	tfs_new(&t, 8192);
	tfs_v1 = save;
	ck_assert_int_eq(cffs_create(t.fs, "/a", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/b", 0644, 0, 0), 0);
	for (off = 0; off < SIZE; off += CHUNK) {
		fill_pat(chunk, CHUNK, 1, off);
		ck_assert_int_eq(cffs_write(t.fs, "/a", off, chunk, CHUNK),
		                 (long)CHUNK);
		fill_pat(chunk, CHUNK, 2, off);
		ck_assert_int_eq(cffs_write(t.fs, "/b", off, chunk, CHUNK),
		                 (long)CHUNK);
	}
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	block_map(t.fs, "/a", ma, NFB, pa, &na);
	block_map(t.fs, "/b", mb, NFB, pb, &nb);
	/* each has extents of its own, not a write (16 blocks) at a time:
	 * about one per 4 groups, and none shorter than 3 groups but the
	 * first (from the root's group on) and the last */
	ck_assert_uint_le(extents(ma, NDIRECT, NFB, pa, na),
	                  (NFB - NDIRECT) / (4 * CFFS_GROUP) + 2);
	ck_assert_uint_le(extents(mb, NDIRECT, NFB, pb, nb),
	                  (NFB - NDIRECT) / (4 * CFFS_GROUP) + 2);
	ck_assert_uint_ge(shortest_inner(ma, NDIRECT, NFB, pa, na),
	                  3 * CFFS_GROUP);
	ck_assert_uint_ge(shortest_inner(mb, NDIRECT, NFB, pb, nb),
	                  3 * CFFS_GROUP);
	tfs_remount(&t);
	read_big(&t, "/a", SIZE, 1);
	read_big(&t, "/b", SIZE, 2);
	tfs_free(&t);
}
END_TEST

START_TEST(t_nearly_full)
{
	static unsigned char chunk[CHUNK], got[CHUNK];
	struct cffs_statfs s0, s1;
	struct cffs_stat st;
	char path[32], blk[4096];
	unsigned i, nfiles;
	uint64_t off = 0;
	long r;
	int save = tfs_v1;
	struct tfs t;

	tfs_v1 = _i;
	tfs_new(&t, 2048);
	tfs_v1 = save;
	memset(blk, 'n', sizeof(blk));
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/d%u", i);
		ck_assert_int_eq(cffs_mkdir(t.fs, path, 0755, 0, 0), 0);
	}
	/* one-block files until the disk is full */
	for (nfiles = 0;; nfiles++) {
		snprintf(path, sizeof(path), "/d%u/f%04u", nfiles % 8, nfiles);
		if (cffs_create(t.fs, path, 0644, 0, 0) < 0)
			break;
		r = cffs_write(t.fs, path, 0, blk, sizeof(blk));
		if (r < 0) {
			ck_assert_int_eq(r, -CFFS_ENOSPC);
			ck_assert_int_eq(cffs_unlink(t.fs, path), 0);
			break;
		}
	}
	ck_assert_uint_gt(nfiles, 1000);
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	/* every other one goes: free blocks scattered one by one */
	for (i = 0; i < nfiles; i += 2) {
		snprintf(path, sizeof(path), "/d%u/f%04u", i % 8, i);
		ck_assert_int_eq(cffs_unlink(t.fs, path), 0);
	}
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	ck_assert_int_eq(cffs_statfs(t.fs, &s0), 0);
	ck_assert_uint_gt(s0.bfree, nfiles / 2 - 20);
	/* a large file takes all of them */
	ck_assert_int_eq(cffs_create(t.fs, "/d0/big", 0644, 0, 0), 0);
	for (;;) {
		fill_pat(chunk, CHUNK, 7, off);
		r = cffs_write(t.fs, "/d0/big", off, chunk, CHUNK);
		if (r <= 0)
			break;
		off += (uint64_t)r;
	}
	ck_assert_int_eq(r, -CFFS_ENOSPC);
	ck_assert_int_eq(cffs_statfs(t.fs, &s1), 0);
	ck_assert_uint_eq(s1.bfree, 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d0/big", &st), 0);
	ck_assert_uint_eq(st.size, off);
	ck_assert_uint_eq(st.blocks, s0.bfree);
	/* all but its indirect block hold data */
	ck_assert_uint_eq(off, (uint64_t)(s0.bfree - 1) * 4096);
	tfs_remount(&t);
	for (off = 0; off < st.size; off += CHUNK) {
		size_t k = st.size - off < CHUNK ? st.size - off : CHUNK;

		ck_assert_int_eq(cffs_read(t.fs, "/d0/big", off, got, k),
		                 (long)k);
		fill_pat(chunk, k, 7, off);
		ck_assert_int_eq(memcmp(got, chunk, k), 0);
	}
	/* and the survivors are intact */
	for (i = 1; i < nfiles; i += 2) {
		snprintf(path, sizeof(path), "/d%u/f%04u", i % 8, i);
		ck_assert_int_eq(cffs_read(t.fs, path, 0, got, 4096), 4096);
		ck_assert_int_eq(memcmp(got, blk, 4096), 0);
	}
	tfs_free(&t);
}
END_TEST

Suite *
alloc_suite(void)
{
	Suite *s = suite_create("cffs-alloc");
	TCase *tc = tcase_create("alloc");

	tcase_set_timeout(tc, 120);
	/* _i: 0 the default layout (XN), 1 the legacy one */
	tcase_add_loop_test(tc, t_big_after_deletes, 0, 2);
	tcase_add_loop_test(tc, t_turns_extents, 0, 2);
	tcase_add_loop_test(tc, t_nearly_full, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
