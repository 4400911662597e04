/*
 * alloc.c - block allocation for C-FFS, the one place that changes the
 * free map.  Every allocation names the metadata block that will point at
 * the new block ("parent"), which is what XN's allocation-by-proof needs;
 * on the host the map is C-FFS's own bitmap.
 *
 * Policy (docs/CFFS.md, "Explicit grouping: size and policy"): the disk
 * is cut into aligned groups of CFFS_GROUP blocks.
 *  - Grouped (balloc(..., true)): a directory's blocks and the direct
 *    blocks of its files come from the directory's current group, so one
 *    group read brings a directory and its small files.  When the group
 *    is full the directory takes the next entirely free group near it
 *    (group_new).
 *  - A regular file's blocks past the direct ones (data and pointer
 *    blocks) continue the file: the caller's hint is the block after the
 *    file's previous block, from its block map.  That block is taken when
 *    it is free and inside a group the file is already filling, or when
 *    it starts an entirely free group.  Otherwise the file starts a new
 *    extent (extent_start): the first EXTENT_GROUPS entirely free groups
 *    aligned on EXTENT_GROUPS groups, searched forward from the hint;
 *    failing that the longest run of entirely free groups seen; failing
 *    that the first free block after the hint (next-fit), so the disk
 *    fills up to its last block.  Large files thus leave the small-file
 *    groups, and two files written in turns get extents of their own.
 *  - No hint: next-fit from where the last such allocation ended.
 */
#include "cffs_int.h"

/*
 * A new extent is EXTENT_GROUPS groups (64 blocks, CLUSTER_MAX: one
 * clustered read).  Its search looks at SEARCH_GROUPS groups at most
 * (128 MiB), and stops at the first block in use in each: over XN every
 * block looked at is xnfs_taken (XN's state: in the guest a load from XN's
 * exported state, or a kernel call without it).
 */
#define EXTENT_GROUPS 4u
#define SEARCH_GROUPS 2048u

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

/* Is the aligned group at g entirely free?  (Legacy bitmap.) */
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

/* Is blk free?  Over XN as XN says, and not taken by this mount (a
 * reserved block is dirty in the cache until its pointer is committed);
 * the pick itself (xnfs_balloc) is exact, this only guides it. */
static int
blk_free(struct cffs_fs *fs, uint32_t blk, bool *isfree)
{
	int v, r;

#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL) {
		/* XN's state, and our reservations not yet claimed */
		*isfree = !xnfs_taken(fs, blk);
		return 0;
	}
#endif
	r = bit_test(fs, blk, &v);
	if (r < 0)
		return r;
	*isfree = !v;
	return 0;
}

/* Is the aligned group at g (its first block) entirely free?  Over XN
 * this asks about each block in turn, until one is not. */
static int
group_isfree(struct cffs_fs *fs, uint32_t g, bool *isfree)
{
	uint32_t k;
	int v, r;

	*isfree = false;
	if (g < fs->sb.data_start || g + CFFS_GROUP > fs->sb.nblocks)
		return 0;
	if (fs->xfs == NULL) {
		r = group_free(fs, g, &v);
		if (r < 0)
			return r;
		*isfree = v;
		return 0;
	}
	for (k = 0; k < CFFS_GROUP; k++) {
		r = blk_free(fs, g + k, isfree);
		if (r < 0 || !*isfree)
			return r;
	}
	return 0;
}

/*
 * Where a file whose previous block is goal - 1 starts a new extent: the
 * first block of the first EXTENT_GROUPS entirely free groups aligned on
 * EXTENT_GROUPS groups, at or after goal (wrapping around); else of the
 * longest run of entirely free groups; else goal itself (next-fit).
 */
static int
extent_start(struct cffs_fs *fs, uint32_t goal, uint32_t *where)
{
	uint32_t ngroups = fs->sb.nblocks / CFFS_GROUP;
	uint32_t first = (goal + CFFS_GROUP - 1) / CFFS_GROUP;
	uint32_t i, g, n, run = 0, best = 0, bestlen = 0;
	bool isfree;
	int r;

	*where = goal;
	n = ngroups < SEARCH_GROUPS ? ngroups : SEARCH_GROUPS;
	for (i = 0; i < n; i++) {
		g = (first + i) % ngroups;
		if (g == 0)
			run = 0;        /* wrapped: runs do not */
		r = group_isfree(fs, g * CFFS_GROUP, &isfree);
		if (r < 0)
			return r;
		if (!isfree) {
			run = 0;
			continue;
		}
		run++;
		if (run > bestlen) {
			bestlen = run;
			best = g + 1 - run;
		}
		if (run >= EXTENT_GROUPS &&
		    (g + 1) % EXTENT_GROUPS == 0) {
			*where = (g + 1 - EXTENT_GROUPS) * CFFS_GROUP;
			return 0;
		}
	}
	if (bestlen > 0)
		*where = best * CFFS_GROUP;
	return 0;
}

/*
 * The block to look for first for a file block that continues the file
 * after goal - 1: goal, when it is free and inside the group the file is
 * filling or the first block of an entirely free group; else the start
 * of a new extent.
 */
static int
continue_at(struct cffs_fs *fs, uint32_t goal, uint32_t *where)
{
	bool isfree;
	int r;

	if (goal % CFFS_GROUP != 0)
		r = blk_free(fs, goal, &isfree);
	else
		r = group_isfree(fs, goal, &isfree);
	if (r < 0)
		return r;
	if (isfree) {
		*where = goal;
		return 0;
	}
	return extent_start(fs, goal, where);
}

/*
 * Allocate one block.  grouped: hint is a group's first block and only
 * that group is searched (-CFFS_ENOSPC when it is full).  Otherwise hint
 * is the block after the previous block of the same file (the policy
 * above), or 0 (or any block outside the data area) for none; the first
 * free block from the chosen one on (wrapping) is taken, so this fails
 * only when no block is free.
 */
int
balloc(struct cffs_fs *fs, uint32_t parent, uint32_t hint, bool grouped,
       uint32_t *out)
{
	uint32_t blk, lo = fs->sb.data_start, hi = fs->sb.nblocks;
	int r;

	fs->blkops++;
	if (fs->rdonly)
		return -CFFS_EROFS;
	if (fs->sb.free_blocks == 0)
		return -CFFS_ENOSPC;
	if (!grouped && blk_valid(fs, hint)) {
		r = continue_at(fs, hint, &hint);
		if (r < 0)
			return r;
	}
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
	fs->blkops++;
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
