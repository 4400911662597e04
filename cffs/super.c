/*
 * super.c - making, mounting and syncing a C-FFS file system: the
 * superblock (slot 0 of the superblock's block), the root directory and
 * external-inode file inodes (slots 1 and 2 of that block).  Where that
 * block is and who keeps the free map is the storage backend's business,
 * chosen here at mount by probing block 0 (cffs_int.h, "storage
 * backends"): the default layout (version 2, docs/CFFS.md) puts the block
 * at XN root "cffs" and uses XN's free map (xnfs.c); the legacy layout
 * (version 1, mounted but no longer made by the tools) has it at block 0
 * with C-FFS's own bitmap in blocks 1.. (bitmap.c).
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

/* The backends, in the order they are asked about block 0: the XN
 * layout's, then the legacy one's, which takes any block 0 left. */
static const struct cffs_store_ops *const stores[] = {
#ifdef CFFS_HAVE_XN
	&cffs_store_xn,
#endif
	&cffs_store_v1,
};

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
	size_t i;
	int r;

	if (dev->nblocks < 1)
		return -CFFS_EINVAL;
	blk = malloc(CFFS_BSIZE);
	fs = calloc(1, sizeof(*fs));
	if (blk == NULL || fs == NULL) {
		free(blk);
		free(fs);
		return -CFFS_ENOMEM;
	}
	fs->dev = dev;
	r = dev->ops->read(dev->ctx, 0, 1, blk) < 0 ? -CFFS_EIO : 1;
	for (i = 0; r > 0 && i < sizeof(stores) / sizeof(stores[0]); i++)
		if ((r = stores[i]->probe(fs, blk, flags)) <= 0)
			break;  /* this backend's layout: r says if it is good */
	free(blk);
	fs->rdonly = flags & CFFS_RDONLY;
	fs->root_ino = (cffs_ino_t)fs->sbblk * SLOTS_PER_BLOCK + ROOT_SLOT;
	fs->ifile_ino = (cffs_ino_t)fs->sbblk * SLOTS_PER_BLOCK + IFILE_SLOT;
	if (r == 0)
		r = cache_init(fs, CACHE_BLOCKS);
	if (r < 0) {
		free(fs);
		return r;
	}
	r = fs->store->start(fs, principal);
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
	return fs->store->on_xn;
}

void
fs_close(struct cffs_fs *fs)
{
	cache_prefetch_drop(fs);
	cache_fini(fs);
	fs->store->fini(fs);
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
	r = fs->store->sync(fs);
	if (r < 0)
		return r;
	if (fs->dev->ops->flush != NULL && fs->dev->ops->flush(fs->dev->ctx) < 0)
		return -CFFS_EIO;
	return 0;
}

int
cffs_unmount(struct cffs_fs *fs)
{
	int r = 0, r2;

	if (!fs->rdonly) {
		fs->sb.state = 1;
		r = cffs_sync(fs);
	}
	r2 = fs->store->unmount(fs);
	if (r == 0)
		r = r2;
	fs_close(fs);
	return r;
}

uint64_t
cffs_blkops(const struct cffs_fs *fs)
{
	return fs->blkops;
}

int
cffs_discard(struct cffs_fs *fs)
{
	int r = cache_discard(fs);

	if (r < 0)
		return r;
	fs->store->discard(fs);
	r = cffs_invalidate(fs);
	return r == -CFFS_EBUSY ? 0 : r;        /* a block XN keeps dirty */
}

int
cffs_commit(struct cffs_fs *fs)
{
	if (fs->rdonly)
		return 0;
	return cache_flush(fs);
}

int
cffs_commit_lazy(struct cffs_fs *fs)
{
	if (fs->rdonly)
		return 0;
	int r;

	if (!fs->store->on_xn)
		return cache_flush(fs);
	if ((r = cache_commit(fs)) < 0)
		return r;
	if (cffs_dirty(fs))
		return -CFFS_EPERM;     /* XN refused a change */
	return fs->err;
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
	return fs->store->recount(fs);
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
