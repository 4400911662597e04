/*
 * test_prefetch.c - sequential read-ahead at the device (ops->prefetch).
 * The test device takes a snapshot of the blocks when a prefetch starts
 * and serves later reads inside that range from the snapshot, the way a
 * read-ahead buffer would.  A sequential read must use it, and nothing
 * may be read from a snapshot older than a write of its blocks: the
 * library drops the prefetch before any write or XN write-back, and the
 * device counts a write into a live snapshot as a violation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cffs_int.h"
#include "util.h"

Suite *prefetch_suite(void);

struct pfdev {
	struct cffs_bdev dev;
	struct hostdev  *hd;
	uint8_t         *snap;          /* CLUSTER_MAX blocks */
	uint64_t         blk;
	uint32_t         n;
	int              valid;
	uint32_t         starts, drops, hits, violations;
};

static int
pf_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct pfdev *p = ctx;

	if (p->valid && blk >= p->blk && blk - p->blk + count <= p->n) {
		memcpy(buf, p->snap + (blk - p->blk) * CFFS_BSIZE,
		       (size_t)count * CFFS_BSIZE);
		p->valid = 0;
		p->hits++;
		return 0;
	}
	return p->hd->dev.ops->read(p->hd->dev.ctx, blk, count, buf);
}

static int
pf_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	struct pfdev *p = ctx;

	if (p->valid && blk < p->blk + p->n && p->blk < blk + count)
		p->violations++;
	return p->hd->dev.ops->write(p->hd->dev.ctx, blk, count, buf);
}

static int
pf_flush(void *ctx)
{
	struct pfdev *p = ctx;

	return p->hd->dev.ops->flush(p->hd->dev.ctx);
}

static int
pf_prefetch(void *ctx, uint64_t blk, uint32_t count)
{
	struct pfdev *p = ctx;

	p->valid = 0;
	if (count == 0) {
		p->drops++;
		return 0;
	}
	ck_assert_uint_le(count, CLUSTER_MAX);
	if (p->hd->dev.ops->read(p->hd->dev.ctx, blk, count, p->snap) < 0)
		return -CFFS_EIO;
	p->blk = blk;
	p->n = count;
	p->valid = 1;
	p->starts++;
	return 0;
}

static const struct cffs_bdev_ops pf_ops = { pf_read, pf_write, pf_flush,
	                                     NULL, pf_prefetch };

static void
pf_open(struct pfdev *p, struct tfs *t)
{
	memset(p, 0, sizeof(*p));
	p->hd = &t->hd;
	p->snap = malloc((size_t)CLUSTER_MAX * CFFS_BSIZE);
	ck_assert_ptr_nonnull(p->snap);
	p->dev.ops = &pf_ops;
	p->dev.ctx = p;
	p->dev.nblocks = t->hd.dev.nblocks;
}

#define BIG (2u << 20)          /* 512 blocks: 8 clusters */
#define PIECE (64u << 10)

START_TEST(t_prefetch_sequential)
{
	static unsigned char data[BIG], got[PIECE];
	struct cffs_fs *fs;
	struct pfdev p;
	struct tfs t;
	uint32_t off;
	size_t i;

	for (i = 0; i < BIG; i++)
		data[i] = pat(3, i);
	tfs_new(&t, 8192);
	put_file(t.fs, "/big", data, BIG);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	pf_open(&p, &t);
	ck_assert_int_eq(cffs_mount(&p.dev, 0, &fs), 0);
	for (off = 0; off < BIG; off += PIECE) {
		ck_assert_int_eq(cffs_read(fs, "/big", off, got, PIECE),
		                 (long)PIECE);
		ck_assert_mem_eq(got, data + off, PIECE);
	}
	/* every cluster after the first came from a prefetch */
	ck_assert_uint_ge(p.starts, 6);
	ck_assert_uint_ge(p.hits, 6);
	ck_assert_uint_eq(p.violations, 0);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	free(p.snap);
	tfs_free(&t);
}
END_TEST

/*
 * A prefetch is outstanding over blocks that are then rewritten and
 * synced, and their buffers leave the cache (a remount would drop the
 * prefetch by itself, so the cache is emptied by reading other files):
 * the rewritten data must come back, not the snapshot.
 */
START_TEST(t_prefetch_dropped_by_writes)
{
	static unsigned char data[BIG], got[PIECE], other[PIECE];
	struct cffs_fs *fs;
	struct pfdev p;
	struct tfs t;
	char path[32];
	uint32_t off, k, pre;
	size_t i;

	for (i = 0; i < BIG; i++)
		data[i] = pat(5, i);
	tfs_new(&t, 16384);
	put_file(t.fs, "/big", data, BIG);
	for (k = 0; k < 300; k++) {     /* 300 x 64 KiB > the cache */
		snprintf(path, sizeof(path), "/o%03u", k);
		memset(other, (int)k, sizeof(other));
		put_file(t.fs, path, other, sizeof(other));
	}
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	pf_open(&p, &t);
	ck_assert_int_eq(cffs_mount(&p.dev, 0, &fs), 0);
	/* read the first cluster past the direct blocks: the next is
	 * prefetched */
	for (off = 0; off < 4 * PIECE; off += PIECE)
		ck_assert_int_eq(cffs_read(fs, "/big", off, got, PIECE),
		                 (long)PIECE);
	ck_assert(p.valid);
	pre = p.drops;
	/* rewrite the prefetched range and the rest of the file */
	for (i = 4 * PIECE; i < BIG; i++)
		data[i] = (unsigned char)~data[i];
	ck_assert_int_eq(cffs_write(fs, "/big", 4 * PIECE, data + 4 * PIECE,
	                            BIG - 4 * PIECE), (long)(BIG - 4 * PIECE));
	ck_assert_int_eq(cffs_sync(fs), 0);
	ck_assert_uint_gt(p.drops, pre);
	/* push /big's buffers out of the cache */
	for (k = 0; k < 300; k++) {
		snprintf(path, sizeof(path), "/o%03u", k);
		ck_assert_int_eq(cffs_read(fs, path, 0, other, sizeof(other)),
		                 (long)sizeof(other));
		ck_assert_uint_eq(other[100], k & 0xff);
	}
	for (off = 0; off < BIG; off += PIECE) {
		ck_assert_int_eq(cffs_read(fs, "/big", off, got, PIECE),
		                 (long)PIECE);
		ck_assert_mem_eq(got, data + off, PIECE);
	}
	ck_assert_uint_eq(p.violations, 0);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	free(p.snap);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	tfs_free(&t);
}
END_TEST

Suite *
prefetch_suite(void)
{
	Suite *s = suite_create("prefetch");
	TCase *tc = tcase_create("prefetch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_prefetch_sequential);
	tcase_add_test(tc, t_prefetch_dropped_by_writes);
	suite_add_tcase(s, tc);
	return s;
}
