/*
 * super.c - making, mounting and syncing a C-FFS file system: the
 * superblock (slot 0 of the superblock's block), the root directory and
 * external-inode file inodes (slots 1 and 2 of that block).  The default
 * layout (version 2, docs/CFFS.md) puts that block at XN root "cffs" and
 * uses XN's free map (xnfs.c); the legacy layout (version 1, mounted but
 * no longer made by the tools) has it at block 0 with C-FFS's own bitmap
 * in blocks 1.. .
 */
#include "cffs_int.h"

#ifndef CACHE_BLOCKS
#define CACHE_BLOCKS 4096u      /* 16 MiB of cache */
#endif


static void
init_dir(struct dinode *d, uint32_t mode, const struct cffs_time *t)
{
	memset(d, 0, sizeof(*d));
	d->mode = mode;
	d->nlink = 1;
	d->atime = d->mtime = d->ctime = t->sec;
	d->atime_ns = d->mtime_ns = d->ctime_ns = t->nsec;
}

/* The superblock's block: superblock, root directory, inode file. */
void
mkfs_rootblock(uint8_t *blk, uint32_t version, uint32_t nblocks,
               uint32_t fstart, uint32_t fblocks, uint32_t dstart,
               uint32_t sbblk, const struct cffs_time *tp)
{
	struct cffs_time now = *tp;
	struct dsuper *sb;
	struct dslot *s;

	memset(blk, 0, CFFS_BSIZE);
	sb = (struct dsuper *)blk;
	sb->type = SLOT_SUPER;
	sb->magic = CFFS_MAGIC;
	sb->version = version;
	sb->bsize = CFFS_BSIZE;
	sb->nblocks = nblocks;
	sb->bitmap_start = fstart;
	sb->bitmap_blocks = fblocks;
	sb->data_start = dstart;
	sb->group_blocks = CFFS_GROUP;
	sb->free_blocks = nblocks - dstart - (version == CFFS_VERSION_XN);
	sb->state = 1;
	sb->mkfs_time = now.sec;
	sb->root_ino = sbblk * SLOTS_PER_BLOCK + ROOT_SLOT;
	sb->ifile_ino = sbblk * SLOTS_PER_BLOCK + IFILE_SLOT;
	if (version == CFFS_VERSION_XN)
		sb->sb_blk = sbblk;

	s = (struct dslot *)(blk + SLOT_SIZE * 1);
	s->type = SLOT_INODE;
	init_dir(&s->ino, CFFS_S_IFDIR | 0755, &now);
	s->ino.nlink = 2;
	s->ino.group = (dstart + CFFS_GROUP - 1) / CFFS_GROUP * CFFS_GROUP;
	if (s->ino.group + CFFS_GROUP > nblocks)
		s->ino.group = dstart;

	s = (struct dslot *)(blk + SLOT_SIZE * 2);
	s->type = SLOT_INODE;
	init_dir(&s->ino, CFFS_S_IFREG | 0600, &now);
	s->ino.flags = IFL_SLOTS;

}

/* The legacy layout (version 1): block 0, then C-FFS's own bitmap. */
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

/* The default layout: over XN when the library is built with it. */
int
cffs_mkfs(struct cffs_bdev *dev, uint64_t nblocks)
{
#ifdef CFFS_HAVE_XN
	return xnfs_mkfs(dev, nblocks);
#else
	return cffs_mkfs_v1(dev, nblocks);
#endif
}

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

#ifdef CFFS_HAVE_XN
/* Version 2: the superblock at XN root "cffs" must match XN's layout. */
static int
sb_check_xn(const struct dsuper *sb, uint32_t sbblk, uint32_t fstart,
            uint32_t fblocks, uint32_t dstart, uint32_t nblocks)
{
	if (sb->type != SLOT_SUPER || sb->magic != CFFS_MAGIC)
		return -CFFS_EUCLEAN;   /* XN root names no C-FFS superblock */
	if (sb->version != CFFS_VERSION_XN || sb->bsize != CFFS_BSIZE ||
	    sb->group_blocks != CFFS_GROUP)
		return -CFFS_EUCLEAN;
	if (sb->nblocks != nblocks || sb->nblocks < MIN_BLOCKS ||
	    sb->bitmap_start != fstart || sb->bitmap_blocks != fblocks ||
	    sb->data_start != dstart || sb->sb_blk != sbblk ||
	    sbblk < dstart || sbblk >= nblocks)
		return -CFFS_EUCLEAN;
	if (sb->root_ino != (uint64_t)sbblk * SLOTS_PER_BLOCK + ROOT_SLOT ||
	    sb->ifile_ino != (uint64_t)sbblk * SLOTS_PER_BLOCK + IFILE_SLOT)
		return -CFFS_EUCLEAN;
	return 0;
}

/*
 * The root directory and the inode file, looked at before XN mounts the
 * disk read-write: their mode and flags decide the types the owns-udf
 * gives their blocks, so with a damaged root XN's recovery would take the
 * whole tree for leaked blocks and free it in its map before C-FFS saw
 * the damage.
 */
static int
roots_check(const uint8_t *blk)
{
	const struct dslot *root = (const struct dslot *)(blk + SLOT_SIZE *
	                                                  ROOT_SLOT);
	const struct dslot *ifile = (const struct dslot *)(blk + SLOT_SIZE *
	                                                   IFILE_SLOT);

	if (root->type != SLOT_INODE || !is_dir(&root->ino) ||
	    ifile->type != SLOT_INODE || !is_reg(&ifile->ino) ||
	    ifile->ino.flags != IFL_SLOTS)
		return -CFFS_EUCLEAN;
	return 0;
}
#endif

/* Count free blocks from the bitmap (cheap: one bit per block). */
static int
count_free(struct cffs_fs *fs)
{
	uint32_t blk, n = 0;
	struct buf *b = NULL;
	uint32_t cur = 0;
	int r;

	for (blk = fs->sb.data_start; blk < fs->sb.nblocks; blk++) {
		uint32_t bb = fs->sb.bitmap_start + blk / (CFFS_BSIZE * 8);
		uint32_t i = blk % (CFFS_BSIZE * 8);

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

/* Superblock read and checked, cache ready; no inode looked at. */
static int fs_open_p(struct cffs_bdev *dev, int flags, uint32_t principal,
                     struct cffs_fs **out);

int
fs_open(struct cffs_bdev *dev, int flags, struct cffs_fs **out)
{
	return fs_open_p(dev, flags, CFFS_PRINCIPAL_DEFAULT, out);
}

static int
fs_open_p(struct cffs_bdev *dev, int flags, uint32_t principal,
          struct cffs_fs **out)
{
	struct cffs_fs *fs;
	uint8_t *blk;
	int r, xnlay = 0;

	if (dev->nblocks < 1)
		return -CFFS_EINVAL;
	blk = malloc(CFFS_BSIZE);
	fs = calloc(1, sizeof(*fs));
	if (blk == NULL || fs == NULL) {
		free(blk);
		free(fs);
		return -CFFS_ENOMEM;
	}
	r = dev->ops->read(dev->ctx, 0, 1, blk) < 0 ? -CFFS_EIO : 0;
#ifdef CFFS_HAVE_XN
	if (r == 0 && memcmp(blk, "XNSB", 4) == 0) {
		uint32_t fst, fbl, dst, nbl;

		xnlay = 1;
		r = xnfs_layout(dev, blk, &fs->sbblk, &fst, &fbl, &dst, &nbl);
		if (r == 0)
			r = dev->ops->read(dev->ctx, fs->sbblk, 1, blk) < 0 ?
			    -CFFS_EIO : 0;
		if (r == 0) {
			memcpy(&fs->sb, blk, sizeof(fs->sb));
			r = sb_check_xn(&fs->sb, fs->sbblk, fst, fbl, dst, nbl);
		}
		if (r == 0 && !(flags & FS_RAW))
			r = roots_check(blk);
	}
#endif
	if (r == 0 && !xnlay) {
		memcpy(&fs->sb, blk, sizeof(fs->sb));
		r = sb_check(&fs->sb, dev->nblocks);
	}
	free(blk);
	fs->dev = dev;
	fs->rdonly = flags & CFFS_RDONLY;
	fs->xnraw = xnlay && (flags & FS_RAW);
	fs->root_ino = (cffs_ino_t)fs->sbblk * SLOTS_PER_BLOCK + ROOT_SLOT;
	fs->ifile_ino = (cffs_ino_t)fs->sbblk * SLOTS_PER_BLOCK + IFILE_SLOT;
	if (r == 0)
		r = cache_init(fs, CACHE_BLOCKS);
	if (r < 0) {
		free(fs);
		return r;
	}
	if (xnlay && !fs->xnraw)
#ifdef CFFS_HAVE_XN
		r = xnfs_mount(fs, principal);
#else
		(void)principal;
#endif
	else
		r = count_free(fs);
	if (r < 0) {
		fs->rdonly = 1;
		fs_close(fs);
		return r;
	}
	*out = fs;
	return 0;
}

int
cffs_on_xn(const struct cffs_fs *fs)
{
	return fs->xfs != NULL;
}

void
fs_close(struct cffs_fs *fs)
{
	cache_prefetch_drop(fs);
	cache_fini(fs);
#ifdef CFFS_HAVE_XN
	xnfs_fini(fs);
#endif
	free(fs);
}

int
cffs_mount(struct cffs_bdev *dev, int flags, struct cffs_fs **out)
{
	struct cffs_mount_opts o = { flags, CFFS_PRINCIPAL_DEFAULT };

	return cffs_mount_opts(dev, &o, out);
}

int
cffs_mount_opts(struct cffs_bdev *dev, const struct cffs_mount_opts *o,
                struct cffs_fs **out)
{
	struct cffs_fs *fs;
	struct inode ip;
	int r;

	r = fs_open_p(dev, o->flags & CFFS_RDONLY, o->principal, &fs);
	if (r < 0)
		return r;
	r = iget(fs, fs->root_ino, &ip);
	if (r == 0 && !is_dir(&ip.d))
		r = -CFFS_EUCLEAN;
	if (r == 0)
		r = iget(fs, fs->ifile_ino, &ip);
	if (r == 0 && (!is_reg(&ip.d) || ip.d.size % CFFS_BSIZE != 0 ||
	               ip.d.flags != IFL_SLOTS))
		r = -CFFS_EUCLEAN;
	if (r == 0 && !fs->rdonly) {
		fs->sb.state = 0;
		r = cffs_sync(fs);
	}
	if (r < 0) {
		fs->rdonly = 1;
		fs_close(fs);
		return r;
	}
	*out = fs;
	return 0;
}

int
cffs_sync(struct cffs_fs *fs)
{
	struct buf *b;
	int r;

	if (fs->rdonly)
		return 0;
	r = bget(fs, fs->sbblk, 0, &b);
	if (r < 0)
		return r;
	if (memcmp(b->data, &fs->sb, sizeof(fs->sb)) != 0) {
		memcpy(b->data, &fs->sb, sizeof(fs->sb));
		bdirty(b);
	}
	bput(b);
	r = cache_flush(fs);
	if (r < 0)
		return r;
#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL) {
		r = xnfs_sync_map(fs);
		if (r < 0)
			return r;
	}
#endif
	if (fs->dev->ops->flush != NULL && fs->dev->ops->flush(fs->dev->ctx) < 0)
		return -CFFS_EIO;
	return 0;
}

int
cffs_unmount(struct cffs_fs *fs)
{
	int r = 0;

	if (!fs->rdonly) {
		fs->sb.state = 1;
		r = cffs_sync(fs);
	}
#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL) {
		int r2 = xnfs_unmount(fs);

		if (r == 0)
			r = r2;
	}
#endif
	fs_close(fs);
	return r;
}

int
cffs_dirty(struct cffs_fs *fs)
{
	struct buf *b;

	for (b = fs->cache.lru.lnext; b != &fs->cache.lru; b = b->lnext)
		if (b->dirty)
			return 1;
	return 0;
}

int
cffs_release(struct cffs_fs *fs)
{
	return cache_release(fs);
}

int
cffs_invalidate(struct cffs_fs *fs)
{
	struct buf *b;
	uint32_t nfree;
	int r;

	if ((r = cache_invalidate(fs)) < 0)
		return r;
	r = bget(fs, fs->sbblk, 0, &b);
	if (r < 0)
		return r;
	nfree = fs->sb.free_blocks;
	memcpy(&fs->sb, b->data, sizeof(fs->sb));
	fs->sb.free_blocks = nfree;
	fs->sb.state = 0;
	bput(b);
#ifdef CFFS_HAVE_XN
	if (fs->xfs != NULL) {
		xnfs_recount(fs);
		return 0;
	}
#endif
	return fs->xnraw ? 0 : count_free(fs);
}

int
cffs_statfs(struct cffs_fs *fs, struct cffs_statfs *st)
{
	st->blocks = fs->sb.nblocks;
	st->bfree = fs->sb.free_blocks;
	st->bsize = CFFS_BSIZE;
	st->namemax = CFFS_NAME_MAX;
	return 0;
}
