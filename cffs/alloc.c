/*
 * alloc.c - block allocation for C-FFS: where new blocks go.  The free
 * map itself is the storage backend's (fs->store: C-FFS's own bitmap,
 * bitmap.c, or XN's, xnfs.c); this file is the policy above it.  Every
 * allocation names the metadata block that will point at the new block
 * ("parent"), which is what XN's allocation-by-proof needs.
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
 * block looked at is a question to XN (in the guest a load from XN's
 * exported state, or a kernel call without it).
 */
#define EXTENT_GROUPS 4u
#define SEARCH_GROUPS 2048u

bool
blk_valid(const struct cffs_fs *fs, uint32_t blk)
{
	return blk >= fs->sb.data_start && blk < fs->sb.nblocks;
}

/* Is blk free?  As the backend's free map says (over XN: and not
 * taken by this mount); the backend's pick itself is exact, this only
 * guides it. */
static int
blk_free(struct cffs_fs *fs, uint32_t blk, bool *isfree)
{
	return fs->store->isfree(fs, blk, isfree);
}

/* Is the aligned group at g (its first block) entirely free? */
static int
group_isfree(struct cffs_fs *fs, uint32_t g, bool *isfree)
{
	*isfree = false;
	if (g < fs->sb.data_start || g + CFFS_GROUP > fs->sb.nblocks)
		return 0;
	return fs->store->group_isfree(fs, g, isfree);
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
	int r;

	(void)parent;   /* over XN, claimed by xn_alloc when the pointer is
	                   committed (xnfs.c) */
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
	return fs->store->alloc(fs, hint, grouped, out);
}

int
bfree(struct cffs_fs *fs, uint32_t parent, uint32_t blk)
{
	(void)parent;   /* over XN, xn_free when the parent is committed */
	fs->blkops++;
	if (!blk_valid(fs, blk))
		return -CFFS_EUCLEAN;
	return fs->store->free(fs, blk);
}

/*
 * Choose a new group for a directory: the first entirely free group at or
 * after near (wrapping), else the first group with any free block.
 */
int
group_new(struct cffs_fs *fs, uint32_t near, uint32_t *group)
{
	if (fs->sb.free_blocks == 0)
		return -CFFS_ENOSPC;
	return fs->store->group_new(fs, near, group);
}
