/*
 * bitmap.c - the storage backend of C-FFS's own free bitmap: the legacy
 * layout (version 1: superblock in block 0, the bitmap in blocks 1..),
 * and the raw view of an XN layout that fsck and the XN-view scan use
 * (XN not mounted; XN's free map, documented in xn/layout.h, read and
 * repaired as a bitmap).  Blocks go to the device straight from the
 * cache.  The allocation policy is alloc.c's; this file only answers
 * "is it free" and takes or gives back the block it chose.
 */
#include "cffs_int.h"

#define BITS_PER_BLOCK (CFFS_BSIZE * 8u)

static int
bitmap_buf(struct cffs_fs *fs, uint32_t blk, struct buf **b)
{
	return bget(fs, fs->sb.bitmap_start + blk / BITS_PER_BLOCK, 0, b);
}

static int
bit_test(struct cffs_fs *fs, uint32_t blk, int *v)
{
	struct buf *b;
	uint32_t i = blk % BITS_PER_BLOCK;
	int r = bitmap_buf(fs, blk, &b);

	if (r < 0)
		return r;
	*v = (b->data[i / 8] >> (i % 8)) & 1;
	bput(b);
	return 0;
}

static int
bit_set(struct cffs_fs *fs, uint32_t blk, int v)
{
	struct buf *b;
	uint32_t i = blk % BITS_PER_BLOCK;
	int r = bitmap_buf(fs, blk, &b);

	if (r < 0)
		return r;
	if (v)
		b->data[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		b->data[i / 8] &= (uint8_t)~(1u << (i % 8));
	bdirty(b);
	bput(b);
	return 0;
}

static int
take(struct cffs_fs *fs, uint32_t blk, uint32_t *out)
{
	int r;

	r = bit_set(fs, blk, 1);
	if (r < 0)
		return r;
	fs->sb.free_blocks--;
	*out = blk;
	return 0;
}

/* First free block in [from, to), or -CFFS_ENOSPC. */
static int
scan(struct cffs_fs *fs, uint32_t from, uint32_t to, uint32_t *out)
{
	uint32_t blk = from, end, i;
	struct buf *b;
	int r;

	while (blk < to) {
		r = bitmap_buf(fs, blk, &b);
		if (r < 0)
			return r;
		end = blk - blk % BITS_PER_BLOCK + BITS_PER_BLOCK;
		if (end > to)
			end = to;
		for (; blk < end; blk++) {
			i = blk % BITS_PER_BLOCK;
			if ((i % 8) == 0 && blk + 8 <= end &&
			    b->data[i / 8] == 0xff) {
				blk += 7;
				continue;
			}
			if (!((b->data[i / 8] >> (i % 8)) & 1)) {
				bput(b);
				*out = blk;
				return 0;
			}
		}
		bput(b);
	}
	return -CFFS_ENOSPC;
}

/* Is the aligned group at g entirely free?  (Two bytes of the map.) */
int
bm_group_isfree(struct cffs_fs *fs, uint32_t g, bool *isfree)
{
	struct buf *b;
	uint32_t i = g % BITS_PER_BLOCK;
	int r = bitmap_buf(fs, g, &b);

	if (r < 0)
		return r;
	*isfree = b->data[i / 8] == 0 && b->data[i / 8 + 1] == 0;
	bput(b);
	return 0;
}

int
bm_isfree(struct cffs_fs *fs, uint32_t blk, bool *isfree)
{
	int v, r;

	r = bit_test(fs, blk, &v);
	if (r < 0)
		return r;
	*isfree = !v;
	return 0;
}

int
bm_alloc(struct cffs_fs *fs, uint32_t hint, bool grouped, uint32_t *out)
{
	uint32_t blk, lo = fs->sb.data_start, hi = fs->sb.nblocks;
	int r;

	if (grouped) {
		hint -= hint % CFFS_GROUP;
		if (hint >= hi)
			return -CFFS_ENOSPC;
		r = scan(fs, hint < lo ? lo : hint,
		         hint + CFFS_GROUP < hi ? hint + CFFS_GROUP : hi, &blk);
	} else {
		if (hint < lo || hint >= hi)
			hint = fs->alloc_hint < lo ? lo : fs->alloc_hint;
		r = scan(fs, hint, hi, &blk);
		if (r == -CFFS_ENOSPC)
			r = scan(fs, lo, hint, &blk);
		if (r == 0)
			fs->alloc_hint = blk + 1;
	}
	if (r < 0)
		return r;
	return take(fs, blk, out);
}

int
bm_free(struct cffs_fs *fs, uint32_t blk)
{
	int v, r;

	r = bit_test(fs, blk, &v);
	if (r < 0)
		return r;
	if (!v)
		return -CFFS_EUCLEAN;   /* double free: corrupt metadata */
	r = bit_set(fs, blk, 0);
	if (r < 0)
		return r;
	fs->sb.free_blocks++;
	cache_forget(fs, blk);
	return 0;
}

int
bm_group_new(struct cffs_fs *fs, uint32_t near, uint32_t *group)
{
	uint32_t ngroups = fs->sb.nblocks / CFFS_GROUP, start, i, g, blk;
	bool isfree;
	int r;

	start = near / CFFS_GROUP;
	if (start >= ngroups)
		start = 0;
	for (i = 0; i < ngroups; i++) {
		g = ((start + i) % ngroups) * CFFS_GROUP;
		if (g < fs->sb.data_start)
			continue;
		r = bm_group_isfree(fs, g, &isfree);
		if (r < 0)
			return r;
		if (isfree) {
			*group = g;
			return 0;
		}
	}
	r = scan(fs, fs->sb.data_start, fs->sb.nblocks, &blk);
	if (r < 0)
		return r;
	*group = blk - blk % CFFS_GROUP;
	return 0;
}

/* Count free blocks from the bitmap (cheap: one bit per block). */
int
bm_recount(struct cffs_fs *fs)
{
	uint32_t blk, n = 0;
	struct buf *b = NULL;
	uint32_t cur = 0;
	int r;

	for (blk = fs->sb.data_start; blk < fs->sb.nblocks; blk++) {
		uint32_t bb = fs->sb.bitmap_start + blk / BITS_PER_BLOCK;
		uint32_t i = blk % BITS_PER_BLOCK;

		if (b == NULL || cur != bb) {
			if (b != NULL)
				bput(b);
			r = bget(fs, bb, 0, &b);
			if (r < 0)
				return r;
			cur = bb;
		}
		n += !((b->data[i / 8] >> (i % 8)) & 1);
	}
	if (b != NULL)
		bput(b);
	fs->sb.free_blocks = n;
	return 0;
}

int
bm_start(struct cffs_fs *fs, uint32_t principal)
{
	(void)principal;
	return bm_recount(fs);
}

/* A buffer the cache wants back: written first if dirty. */
int
bm_evict(struct cffs_fs *fs, struct buf *b)
{
	return cache_write_buf(fs, b);
}

int
bm_flush(struct cffs_fs *fs)
{
	return cache_write_dirty(fs);
}

/* Nothing beyond the cache: no registry, no pending changes. */
int
bm_nop(struct cffs_fs *fs)
{
	(void)fs;
	return 0;
}

int
bm_nop_buf(struct cffs_fs *fs, struct buf *b)
{
	(void)fs;
	(void)b;
	return 0;
}

void
bm_nop_void(struct cffs_fs *fs)
{
	(void)fs;
}

int
bm_nocheck(struct cffs_bdev *dev, cffs_report_fn report, void *arg,
           int repair)
{
	(void)dev;
	(void)report;
	(void)arg;
	(void)repair;
	return 0;
}

/* ---- the legacy layout (version 1) ---- */

static int
sb_check(const struct dsuper *sb, uint64_t devblocks)
{
	uint32_t nbm;

	if (sb->type != SLOT_SUPER || sb->magic != CFFS_MAGIC)
		return -CFFS_EINVAL;            /* not a C-FFS image */
	if (sb->version != CFFS_VERSION || sb->bsize != CFFS_BSIZE ||
	    sb->group_blocks != CFFS_GROUP)
		return -CFFS_EUCLEAN;
	if (sb->nblocks < MIN_BLOCKS || sb->nblocks > devblocks)
		return -CFFS_EUCLEAN;
	nbm = (sb->nblocks + CFFS_BSIZE * 8 - 1) / (CFFS_BSIZE * 8);
	if (sb->bitmap_start != 1 || sb->bitmap_blocks != nbm ||
	    sb->data_start != 1 + nbm || sb->data_start >= sb->nblocks)
		return -CFFS_EUCLEAN;
	if (sb->root_ino != ROOT_INO || sb->ifile_ino != IFILE_INO)
		return -CFFS_EUCLEAN;
	return 0;
}

/* Any block 0 that is not another backend's: a version-1 superblock or
 * not C-FFS at all (-CFFS_EINVAL). */
static int
v1_probe(struct cffs_fs *fs, uint8_t *blk0, int flags)
{
	(void)flags;
	memcpy(&fs->sb, blk0, sizeof(fs->sb));
	fs->sbblk = 0;
	fs->store = &cffs_store_v1;
	return sb_check(&fs->sb, fs->dev->nblocks);
}

const struct cffs_store_ops cffs_store_v1 = {
	.name = "bitmap",
	.on_xn = 0,
	.probe = v1_probe,
	.start = bm_start,
	.fini = bm_nop_void,
	.isfree = bm_isfree,
	.group_isfree = bm_group_isfree,
	.alloc = bm_alloc,
	.free = bm_free,
	.group_new = bm_group_new,
	.recount = bm_recount,
	.evict = bm_evict,
	.make_room = bm_nop,
	.release = bm_nop_buf,
	.forget = bm_nop_buf,
	.commit = bm_nop,
	.flush = bm_flush,
	.sync = bm_nop,
	.unmount = bm_nop,
	.discard = bm_nop_void,
	.check = bm_nocheck,
};

/* The legacy layout: block 0, then C-FFS's own bitmap. */
int
cffs_mkfs_v1(struct cffs_bdev *dev, uint64_t nblocks)
{
	struct cffs_time now = { 0, 0 };
	uint8_t *blk;
	uint32_t nbm, i, b;
	int r = 0;

	if (nblocks > dev->nblocks)
		return -CFFS_EINVAL;
	if (nblocks < MIN_BLOCKS || nblocks > 0xfffffff0u)
		return -CFFS_EINVAL;
	if (dev->ops->now != NULL)
		dev->ops->now(dev->ctx, &now);
	blk = calloc(1, CFFS_BSIZE);
	if (blk == NULL)
		return -CFFS_ENOMEM;
	nbm = (uint32_t)((nblocks + CFFS_BSIZE * 8 - 1) / (CFFS_BSIZE * 8));

	/* bitmap: metadata blocks and the bits past the end are in use */
	for (i = 0; i < nbm && r == 0; i++) {
		memset(blk, 0, CFFS_BSIZE);
		for (b = 0; b < CFFS_BSIZE * 8; b++) {
			uint64_t n = (uint64_t)i * CFFS_BSIZE * 8 + b;

			if (n < 1 + (uint64_t)nbm || n >= nblocks)
				blk[b / 8] |= (uint8_t)(1u << (b % 8));
		}
		r = dev->ops->write(dev->ctx, 1 + i, 1, blk);
	}

	mkfs_rootblock(blk, CFFS_VERSION, (uint32_t)nblocks, 1, nbm, 1 + nbm, 0,
	               &now);
	if (r == 0)
		r = dev->ops->write(dev->ctx, 0, 1, blk);
	free(blk);
	if (r == 0 && dev->ops->flush != NULL)
		r = dev->ops->flush(dev->ctx);
	return r < 0 ? -CFFS_EIO : 0;
}
