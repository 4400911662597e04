/*
 * dir.c - C-FFS directories.  A directory is a file of 4 KiB blocks, each
 * cut into eight 512-byte slots; a used slot is a name together with the
 * file's embedded inode (SLOT_INODE) or, for files with more than one
 * link, the number of an external inode (SLOT_REF).  Directory blocks are
 * read a whole explicit group at a time.
 */
#include "cffs_int.h"

int
name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return -CFFS_ENOENT;
	if (len > CFFS_NAME_MAX)
		return -CFFS_ENAMETOOLONG;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -CFFS_EINVAL;
	for (i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return -CFFS_EINVAL;
	return 0;
}

int
slot_read(struct cffs_fs *fs, struct dloc loc, struct dslot *out)
{
	struct buf *b;
	int r;

	if (loc.slot >= SLOTS_PER_BLOCK)
		return -CFFS_EUCLEAN;
	r = bget(fs, loc.blk, GET_GROUP, &b);
	if (r < 0)
		return r;
	memcpy(out, b->data + loc.slot * SLOT_SIZE, SLOT_SIZE);
	bput(b);
	return 0;
}

int
slot_write(struct cffs_fs *fs, struct dloc loc, const struct dslot *in)
{
	struct buf *b;
	int r;

	if (loc.slot >= SLOTS_PER_BLOCK)
		return -CFFS_EUCLEAN;
	if (fs->rdonly)
		return -CFFS_EROFS;
	r = bget(fs, loc.blk, GET_GROUP, &b);
	if (r < 0)
		return r;
	memcpy(b->data + loc.slot * SLOT_SIZE, in, SLOT_SIZE);
	bdirty(b);
	bput(b);
	return 0;
}

/*
 * Call fn for every used slot of directory dp, in block order.  The slot
 * is a copy; fn may change the directory.  A non-zero return from fn
 * stops the walk and is returned.
 */
int
dir_iter(struct cffs_fs *fs, struct inode *dp, dir_iter_fn fn, void *arg)
{
	uint64_t nb = dp->d.size / CFFS_BSIZE, fbn;
	struct dslot s;
	struct dloc loc;
	struct buf *b;
	uint32_t blk, i;
	int r;

	for (fbn = 0; fbn < nb; fbn++) {
		r = bmap(fs, dp, fbn, false, &blk);
		if (r < 0)
			return r;
		if (blk == 0)
			continue;
		for (i = 0; i < SLOTS_PER_BLOCK; i++) {
			r = bget(fs, blk, GET_GROUP, &b);
			if (r < 0)
				return r;
			memcpy(&s, b->data + i * SLOT_SIZE, SLOT_SIZE);
			bput(b);
			if (s.type == SLOT_FREE)
				continue;
			loc.blk = blk;
			loc.slot = i;
			r = fn(fs, arg, loc, &s);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

/* Directory block fbn of dp, pinned in *b (its number in *blk): 1, or 0
 * for a hole (nothing pinned), or an error. */
static int
dir_block(struct cffs_fs *fs, struct inode *dp, uint64_t fbn, uint32_t *blk,
          struct buf **b)
{
	int r;

	if ((r = bmap(fs, dp, fbn, false, blk)) < 0)
		return r;
	if (*blk == 0)
		return 0;
	if ((r = bget(fs, *blk, GET_GROUP, b)) < 0)
		return r;
	return 1;
}

/*
 * 0 and the entry if found, -CFFS_ENOENT if not.  Names are compared in
 * the cached block; only the matching slot is copied out.
 */
int
dir_lookup(struct cffs_fs *fs, struct inode *dp, const char *name,
           size_t len, struct dloc *loc, struct dslot *out)
{
	uint64_t nb = dp->d.size / CFFS_BSIZE, fbn;
	const struct dslot *s;
	struct buf *b;
	uint32_t blk, i;
	int r;

	for (fbn = 0; fbn < nb; fbn++) {
		if ((r = dir_block(fs, dp, fbn, &blk, &b)) < 0)
			return r;
		if (r == 0)
			continue;       /* a hole */
		for (i = 0; i < SLOTS_PER_BLOCK; i++) {
			s = (const struct dslot *)(b->data + i * SLOT_SIZE);
			/* names that differ mostly differ at the end
			 * (file01, file02 ...): look there first */
			if ((s->type != SLOT_INODE && s->type != SLOT_REF) ||
			    s->namelen != len || len == 0 ||
			    s->name[len - 1] != name[len - 1] ||
			    memcmp(s->name, name, len) != 0)
				continue;
			if (loc != NULL) {
				loc->blk = blk;
				loc->slot = i;
			}
			if (out != NULL)
				memcpy(out, s, SLOT_SIZE);
			bput(b);
			return 0;
		}
		bput(b);
	}
	return -CFFS_ENOENT;
}

/* Store ent in the first free slot, growing dp by a block if needed. */
int
dir_add(struct cffs_fs *fs, struct inode *dp, const struct dslot *ent,
        struct dloc *loc)
{
	uint64_t nb = dp->d.size / CFFS_BSIZE, fbn;
	struct buf *b;
	uint32_t blk, i;
	int r;

	for (fbn = 0; fbn < nb; fbn++) {
		if ((r = dir_block(fs, dp, fbn, &blk, &b)) < 0)
			return r;
		if (r == 0)
			continue;       /* a hole */
		for (i = 0; i < SLOTS_PER_BLOCK; i++)
			if (b->data[i * SLOT_SIZE] == SLOT_FREE)
				break;
		bput(b);
		if (i < SLOTS_PER_BLOCK)
			goto found;
	}
	if (nb >= MAX_FILE_BLOCKS)
		return -CFFS_ENOSPC;
	r = bmap(fs, dp, nb, true, &blk);
	if (r < 0)
		return r;
	r = bget(fs, blk, GET_NOREAD, &b);
	if (r < 0)
		return r;
	bdirty(b);
	bput(b);
	dp->d.size += CFFS_BSIZE;
	i = 0;
found:
	loc->blk = blk;
	loc->slot = i;
	return slot_write(fs, *loc, ent);
}

int
dir_clear(struct cffs_fs *fs, struct dloc loc)
{
	struct dslot s;

	memset(&s, 0, sizeof(s));
	return slot_write(fs, loc, &s);
}

static int
any_fn(struct cffs_fs *fs, void *arg, struct dloc loc, const struct dslot *s)
{
	(void)fs;
	(void)arg;
	(void)loc;
	(void)s;
	return 1;
}

/* 0 if dp has no entries, -CFFS_ENOTEMPTY otherwise. */
int
dir_empty(struct cffs_fs *fs, struct inode *dp)
{
	int r = dir_iter(fs, dp, any_fn, NULL);

	if (r < 0)
		return r;
	return r ? -CFFS_ENOTEMPTY : 0;
}
