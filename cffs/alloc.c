/*
 * alloc.c - block allocation for C-FFS, the one place that changes the
 * free map.  Every allocation names the metadata block that will point at
 * the new block ("parent"), which is what XN's allocation-by-proof needs;
 * on the host the map is C-FFS's own bitmap.
 *
 * Policy (explicit grouping): the disk is cut into aligned groups of
 * CFFS_GROUP blocks.  A directory owns a current group; its directory
 * blocks and the first NDIRECT blocks of its files are taken from it, so
 * one group read brings a directory and its small files.  When the group
 * is full the directory takes the next entirely free group near it.
 * Other blocks (large-file tails, indirect blocks) are placed next-fit.
 */
#include "cffs_int.h"

#define BITS_PER_BLOCK (CFFS_BSIZE * 8u)

bool
blk_valid(const struct cffs_fs *fs, uint32_t blk)
{
	return blk >= fs->sb.data_start && blk < fs->sb.nblocks;
}

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
take(struct cffs_fs *fs, uint32_t parent, uint32_t blk, uint32_t *out)
{
	int r;

	(void)parent;   /* XN: xn_alloc(parent, blk) goes here */
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

/*
 * Allocate one block.  grouped: hint is a group's first block and only
 * that group is searched (-CFFS_ENOSPC when it is full).  Otherwise
 * next-fit from hint over the whole disk.
 */
int
balloc(struct cffs_fs *fs, uint32_t parent, uint32_t hint, bool grouped,
       uint32_t *out)
{
	uint32_t blk, lo = fs->sb.data_start, hi = fs->sb.nblocks;
	int r;

	if (fs->rdonly)
		return -CFFS_EROFS;
	if (fs->sb.free_blocks == 0)
		return -CFFS_ENOSPC;
#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL) {
		(void)parent;   /* claimed by xn_alloc when the pointer is
		                   committed (xnfs.c) */
		return xnfs_balloc(fs, hint, grouped, out);
	}
#endif
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
	return take(fs, parent, blk, out);
}

int
bfree(struct cffs_fs *fs, uint32_t parent, uint32_t blk)
{
	int v, r;

	(void)parent;   /* XN: xn_free when the parent is committed */
	if (!blk_valid(fs, blk))
		return -CFFS_EUCLEAN;
#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL)
		return xnfs_bfree(fs, blk);
#endif
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

/* Is the aligned group at g entirely free? */
static int
group_free(struct cffs_fs *fs, uint32_t g, int *isfree)
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

/*
 * Choose a new group for a directory: the first entirely free group at or
 * after near (wrapping), else the first group with any free block.
 */
int
group_new(struct cffs_fs *fs, uint32_t near, uint32_t *group)
{
	uint32_t ngroups = fs->sb.nblocks / CFFS_GROUP, start, i, g, blk;
	int isfree, r;

	if (fs->sb.free_blocks == 0)
		return -CFFS_ENOSPC;
#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL)
		return xnfs_group_new(fs, near, group);
#endif
	start = near / CFFS_GROUP;
	if (start >= ngroups)
		start = 0;
	for (i = 0; i < ngroups; i++) {
		g = ((start + i) % ngroups) * CFFS_GROUP;
		if (g < fs->sb.data_start)
			continue;
		r = group_free(fs, g, &isfree);
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
