/*
 * inode.c - C-FFS inodes: reading and writing an inode where it lives
 * (embedded in a directory entry or in the external-inode file), the
 * block map (12 direct pointers, one indirect, one double indirect), and
 * file data read, write and truncate.  The first NDIRECT blocks of a file
 * are allocated in its directory's explicit group.
 */
#include "cffs_int.h"

void
inode_now(struct cffs_fs *fs, struct cffs_time *t)
{
	t->sec = 0;
	t->nsec = 0;
	if (fs->dev->ops->now != NULL)
		fs->dev->ops->now(fs->dev->ctx, t);
}

void
inode_touch(struct cffs_fs *fs, struct dinode *d, int which)
{
	struct cffs_time t;

	inode_now(fs, &t);
	if (which & TOUCH_A) {
		d->atime = t.sec;
		d->atime_ns = t.nsec;
	}
	if (which & TOUCH_M) {
		d->mtime = t.sec;
		d->mtime_ns = t.nsec;
	}
	if (which & TOUCH_C) {
		d->ctime = t.sec;
		d->ctime_ns = t.nsec;
	}
}

/* Sanity of an inode read from disk; bounds every later traversal. */
int
inode_check(const struct cffs_fs *fs, const struct dinode *d)
{
	uint32_t t = d->mode & CFFS_S_IFMT;
	uint32_t i;

	if (t != CFFS_S_IFREG && t != CFFS_S_IFDIR && t != CFFS_S_IFLNK &&
	    t != CFFS_S_IFIFO)
		return -CFFS_EUCLEAN;
	if (t == CFFS_S_IFIFO) {        /* a FIFO holds no data on disk */
		if (d->size != 0 || d->nblocks != 0 || d->indirect != 0 ||
		    d->dindirect != 0)
			return -CFFS_EUCLEAN;
		for (i = 0; i < NDIRECT; i++)
			if (d->direct[i] != 0)
				return -CFFS_EUCLEAN;
	}
	if (d->size > MAX_FILE_BLOCKS * CFFS_BSIZE)
		return -CFFS_EUCLEAN;
	if (t == CFFS_S_IFDIR && (d->size % CFFS_BSIZE != 0 ||
	    d->size / CFFS_BSIZE > fs->sb.nblocks))
		return -CFFS_EUCLEAN;
	if (t == CFFS_S_IFLNK && d->size >= CFFS_BSIZE)
		return -CFFS_EUCLEAN;
	if (d->nlink == 0 || (d->flags & ~IFL_SLOTS) != 0)
		return -CFFS_EUCLEAN;
	if ((d->flags & IFL_SLOTS) && t != CFFS_S_IFREG)
		return -CFFS_EUCLEAN;
	return 0;
}

int
iget(struct cffs_fs *fs, cffs_ino_t ino, struct inode *ip)
{
	struct dslot s;
	struct dloc loc = { ino_blk(ino), ino_slot(ino) };
	int r;

	if (ino / SLOTS_PER_BLOCK >= fs->sb.nblocks)
		return -CFFS_EUCLEAN;
	if (loc.blk == fs->sbblk ? (loc.slot != ROOT_SLOT && loc.slot != IFILE_SLOT)
	                 : !blk_valid(fs, loc.blk))
		return -CFFS_EUCLEAN;
	r = slot_read(fs, loc, &s);
	if (r < 0)
		return r;
	if (s.type != SLOT_INODE && s.type != SLOT_EXT)
		return -CFFS_EUCLEAN;
	r = inode_check(fs, &s.ino);
	if (r < 0)
		return r;
	ip->ino = ino;
	ip->d = s.ino;
	ip->gowner = 0;
	return 0;
}

int
iput(struct cffs_fs *fs, struct inode *ip)
{
	struct dloc loc = { ino_blk(ip->ino), ino_slot(ip->ino) };
	struct dslot s;
	int r;

	r = slot_read(fs, loc, &s);
	if (r < 0)
		return r;
	if (s.type != SLOT_INODE && s.type != SLOT_EXT)
		return -CFFS_EUCLEAN;
	s.ino = ip->d;
	return slot_write(fs, loc, &s);
}

/*
 * Allocate a block in a group: a directory's block (any of them) or a
 * file's direct block in the directory's group, moving the directory to
 * a new group when its group is full.  The inode file (and a file whose
 * directory is unknown) has no group of its own: its blocks go to the
 * group of its inode, else of its previous block (goal - 1), else to a
 * new group.
 */
static int
alloc_grouped(struct cffs_fs *fs, struct inode *ip, uint32_t parent,
              uint32_t goal, uint32_t *blk)
{
	struct inode od;
	struct inode *owner = NULL;
	uint32_t g;
	int r;

	if (is_dir(&ip->d)) {
		owner = ip;
	} else if (ip->gowner != 0 && ip->gowner != ip->ino) {
		r = iget(fs, ip->gowner, &od);
		if (r == 0 && is_dir(&od.d))
			owner = &od;
	}
	g = owner != NULL ? owner->d.group : ino_blk(ip->ino);
	r = balloc(fs, parent, g, true, blk);
	if (r != -CFFS_ENOSPC)
		return r;
	if (owner == NULL && goal > 0 && blk_valid(fs, goal - 1)) {
		g = goal - 1;
		r = balloc(fs, parent, g, true, blk);
		if (r != -CFFS_ENOSPC)
			return r;
	}
	r = group_new(fs, g, &g);
	if (r < 0)
		return r;
	if (owner != NULL) {
		owner->d.group = g;
		if (owner == &od) {
			r = iput(fs, &od);
			if (r < 0)
				return r;
		}
	}
	r = balloc(fs, parent, g, true, blk);
	if (r != -CFFS_ENOSPC)
		return r;
	return balloc(fs, parent, g, false, blk);
}

/*
 * A new block for ip, to be pointed at from parent; zeroed (a pointer
 * block) when zero.  A regular file's blocks past the direct ones
 * continue the file after goal - 1 (balloc's extent policy, alloc.c);
 * directories and the inode file keep all their blocks in groups.
 */
static int
alloc_blk(struct cffs_fs *fs, struct inode *ip, uint32_t parent,
          uint32_t goal, bool zero, uint32_t *blk)
{
	struct buf *b;
	int r;

	if (is_reg(&ip->d) && !(ip->d.flags & IFL_SLOTS))
		r = balloc(fs, parent, goal, false, blk);
	else
		r = alloc_grouped(fs, ip, parent, goal, blk);
	if (r < 0 || !zero)
		return r;
	r = bget(fs, *blk, GET_NOREAD, &b);
	if (r < 0)
		return r;
	bdirty(b);
	bput(b);
	return 0;
}

/*
 * Entry i of ip's pointer block pb, allocating when asked (*fresh set if
 * so) next to *goal, or after pb when *goal is 0; *goal then follows the
 * new block.
 */
static int
ptr_entry(struct cffs_fs *fs, struct inode *ip, uint32_t pb, uint32_t i,
          bool alloc, bool zero, uint32_t *goal, uint32_t *out, bool *fresh)
{
	struct buf *b;
	uint32_t v;
	int r = bget(fs, pb, 0, &b);

	if (r < 0)
		return r;
	memcpy(&v, b->data + 4 * i, 4);
	if (v != 0 && !blk_valid(fs, v)) {
		bput(b);
		return -CFFS_EUCLEAN;
	}
	if (v == 0 && alloc) {
		r = alloc_blk(fs, ip, pb, *goal ? *goal : pb + 1, zero, &v);
		if (r < 0) {
			bput(b);
			return r;
		}
		memcpy(b->data + 4 * i, &v, 4);
		bdirty(b);
		*fresh = true;
		*goal = v + 1;
	}
	bput(b);
	*out = v;
	return 0;
}
/*
 * The top pointer block of the indirect (dind false) or double-indirect
 * tree: 1 with *top set, 0 if there is none and alloc is false, or an
 * error.  Allocates a zeroed block next to *goal when asked (*goal then
 * follows it).
 */
static int
top_block(struct cffs_fs *fs, struct inode *ip, bool dind, uint32_t home,
    uint32_t *goal, bool alloc, uint32_t *top)
{
	int r;

	*top = dind ? ip->d.dindirect : ip->d.indirect;
	if (*top != 0)
		return blk_valid(fs, *top) ? 1 : -CFFS_EUCLEAN;
	if (!alloc)
		return 0;
	if ((r = alloc_blk(fs, ip, home, *goal, true, top)) < 0)
		return r;
	if (dind)
		ip->d.dindirect = *top;
	else
		ip->d.indirect = *top;
	ip->d.nblocks++;
	*goal = *top + 1;
	return 1;
}

/*
 * File block fbn of ip -> disk block (0 = hole).  With alloc, holes are
 * filled; returns 1 when the data block is new (contents undefined).
 * The caller writes ip back.  A regular file's new blocks past the
 * direct ones (pointer blocks included, each before the blocks it maps)
 * are placed after the file's previous block: its per-file hint, kept in
 * the block map itself.
 */
int
bmap(struct cffs_fs *fs, struct inode *ip, uint64_t fbn, bool alloc,
     uint32_t *blk)
{
	uint32_t home = ino_blk(ip->ino), top, mid, v, goal = 0;
	bool fresh = false, f2 = false;
	int r;

	if (fbn < NDIRECT) {
		v = ip->d.direct[fbn];
		if (v != 0 && !blk_valid(fs, v))
			return -CFFS_EUCLEAN;
		if (v == 0 && alloc) {
			r = alloc_grouped(fs, ip, home,
			                  fbn > 0 && ip->d.direct[fbn - 1] != 0 ?
			                  ip->d.direct[fbn - 1] + 1 : 0, &v);
			if (r < 0)
				return r;
			ip->d.direct[fbn] = v;
			ip->d.nblocks++;
			fresh = true;
		}
		*blk = v;
		return fresh;
	}
	if (alloc && !is_dir(&ip->d)) {
		/* after the previous block, whose pointer block is this one's
		 * or the one before it (usually cached) */
		r = bmap(fs, ip, fbn - 1, false, &v);
		if (r < 0)
			return r;
		goal = v != 0 ? v + 1 : 0;
	}
	fbn -= NDIRECT;
	if (fbn < NPTR) {
		if ((r = top_block(fs, ip, false, home, &goal, alloc,
		    &top)) <= 0) {
			*blk = 0;
			return r;
		}
		r = ptr_entry(fs, ip, top, (uint32_t)fbn, alloc, false, &goal,
		              blk, &fresh);
		if (r < 0)
			return r;
		ip->d.nblocks += fresh;
		return fresh;
	}
	fbn -= NPTR;
	if (fbn >= (uint64_t)NPTR * NPTR)
		return -CFFS_EFBIG;
	if ((r = top_block(fs, ip, true, home, &goal, alloc, &top)) <= 0) {
		*blk = 0;
		return r;
	}
	r = ptr_entry(fs, ip, top, (uint32_t)(fbn / NPTR), alloc, true, &goal,
	              &mid, &f2);
	if (r < 0)
		return r;
	ip->d.nblocks += f2;
	if (mid == 0) {
		*blk = 0;
		return 0;
	}
	r = ptr_entry(fs, ip, mid, (uint32_t)(fbn % NPTR), alloc, false,
	              &goal, blk, &fresh);
	if (r < 0)
		return r;
	ip->d.nblocks += fresh;
	return fresh;
}

/*
 * Read clustering: how many blocks from file block fbn (at disk block blk,
 * not cached) to read in one request.  The run goes on while the file's
 * own next pointer is the next disk block, within the file's size, not a
 * hole and not cached; at most CLUSTER_MAX blocks.  Looking the pointers
 * up may read the file's indirect blocks, which the reads need anyway.
 */
static uint32_t
cluster_len(struct cffs_fs *fs, struct inode *ip, uint64_t fbn, uint32_t blk)
{
	uint64_t end = (ip->d.size + CFFS_BSIZE - 1) / CFFS_BSIZE;
	uint32_t n, v;

	for (n = 1; n < CLUSTER_MAX && fbn + n < end; n++) {
		if (blk + n >= fs->sb.nblocks)
			break;
		if (bmap(fs, ip, fbn + n, false, &v) < 0 || v != blk + n)
			break;
		if (cache_lookup(&fs->cache, v) != NULL)
			break;
	}
	return n;
}

/*
 * Sequential read-ahead: once a cluster of the file came in, start the
 * next one (from fbn) at the device, so that it is read while we copy.
 */
static void
prefetch_next(struct cffs_fs *fs, struct inode *ip, uint64_t fbn)
{
	uint32_t blk;

	if (fbn * CFFS_BSIZE >= ip->d.size ||
	    bmap(fs, ip, fbn, false, &blk) < 0 || blk == 0 ||
	    cache_lookup(&fs->cache, blk) != NULL)
		return;
	cache_prefetch(fs, blk, cluster_len(fs, ip, fbn, blk));
}

long
inode_read(struct cffs_fs *fs, struct inode *ip, uint64_t off, void *buf,
           size_t len)
{
	uint8_t *p = buf;
	size_t done = 0, n;
	uint64_t fbn;
	uint32_t blk, bo, cl;
	struct buf *b;
	int r;

	if (off >= ip->d.size)
		return 0;
	if (len > ip->d.size - off)
		len = (size_t)(ip->d.size - off);
	if (len > 0x40000000)
		len = 0x40000000;
	while (done < len) {
		fbn = (off + done) / CFFS_BSIZE;
		bo = (uint32_t)((off + done) % CFFS_BSIZE);
		n = CFFS_BSIZE - bo;
		if (n > len - done)
			n = len - done;
		r = bmap(fs, ip, fbn, false, &blk);
		if (r < 0)
			return done ? (long)done : r;
		if (blk == 0) {
			memset(p + done, 0, n);
		} else {
			if (fbn < NDIRECT)
				r = bget(fs, blk, GET_GROUP, &b);
			else if (cache_lookup(&fs->cache, blk) == NULL) {
				cl = cluster_len(fs, ip, fbn, blk);
				r = bget_run(fs, blk, cl, &b);
				if (r == 0)
					prefetch_next(fs, ip, fbn + cl);
			} else
				r = bget(fs, blk, 0, &b);
			if (r < 0)
				return done ? (long)done : r;
			memcpy(p + done, b->data + bo, n);
			bput(b);
		}
		done += n;
	}
	return (long)done;
}

/* Writes data; updates size and nblocks in *ip, the caller writes ip. */
long
inode_write(struct cffs_fs *fs, struct inode *ip, uint64_t off,
            const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0, n;
	uint64_t fbn;
	uint32_t blk, bo;
	struct buf *b;
	int r;

	if (len > 0x40000000)
		len = 0x40000000;
	if (off > MAX_FILE_BLOCKS * CFFS_BSIZE ||
	    len > MAX_FILE_BLOCKS * CFFS_BSIZE - off)
		return -CFFS_EFBIG;
	while (done < len) {
		fbn = (off + done) / CFFS_BSIZE;
		bo = (uint32_t)((off + done) % CFFS_BSIZE);
		n = CFFS_BSIZE - bo;
		if (n > len - done)
			n = len - done;
		r = bmap(fs, ip, fbn, true, &blk);
		if (r < 0)
			break;
		if (r == 1 || n == CFFS_BSIZE)
			r = bget(fs, blk, GET_NOREAD, &b);
		else
			if (fbn < NDIRECT)
				r = bget(fs, blk, GET_GROUP, &b);
			else if (cache_lookup(&fs->cache, blk) == NULL)
				r = bget_run(fs, blk,
				             cluster_len(fs, ip, fbn, blk), &b);
			else
				r = bget(fs, blk, 0, &b);
		if (r < 0)
			break;
		memcpy(b->data + bo, p + done, n);
		bdirty(b);
		bput(b);
		done += n;
		if (off + done > ip->d.size)
			ip->d.size = off + done;
	}
	if (done == 0 && len > 0)
		return r;
	return (long)done;
}

/* Free entries [from, NPTR) of pointer block pb; depth 1 or 2. */
static int
free_ptrs(struct cffs_fs *fs, struct inode *ip, uint32_t pb, uint32_t from,
          int depth, uint64_t below)
{
	struct buf *b;
	uint32_t i, v;
	int r, err = 0;

	r = bget(fs, pb, 0, &b);
	if (r < 0)
		return r;
	for (i = from; i < NPTR; i++) {
		memcpy(&v, b->data + 4 * i, 4);
		if (v == 0)
			continue;
		if (!blk_valid(fs, v)) {
			err = -CFFS_EUCLEAN;
		} else if (depth == 2) {
			uint32_t sub = i == from ? (uint32_t)(below % NPTR) : 0;

			r = free_ptrs(fs, ip, v, sub, 1, 0);
			if (r < 0)
				err = r;
			if (sub != 0)
				continue;       /* partly kept */
			r = bfree(fs, pb, v);
			if (r < 0)
				err = r;
			ip->d.nblocks--;
		} else {
			r = bfree(fs, pb, v);
			if (r < 0)
				err = r;
			ip->d.nblocks--;
		}
		memset(b->data + 4 * i, 0, 4);
		bdirty(b);
	}
	bput(b);
	return err;
}

/* Free every block at file block index first and beyond. */
static int
free_from(struct cffs_fs *fs, struct inode *ip, uint64_t first)
{
	uint32_t home = ino_blk(ip->ino), i;
	uint64_t f;
	int r, err = 0;

	for (i = first < NDIRECT ? (uint32_t)first : NDIRECT; i < NDIRECT;
	     i++) {
		if (ip->d.direct[i] == 0)
			continue;
		r = bfree(fs, home, ip->d.direct[i]);
		if (r < 0)
			err = r;
		ip->d.direct[i] = 0;
		ip->d.nblocks--;
	}
	f = first > NDIRECT ? first - NDIRECT : 0;
	if (ip->d.indirect != 0 && f < NPTR) {
		if (!blk_valid(fs, ip->d.indirect)) {
			err = -CFFS_EUCLEAN;
		} else {
			r = free_ptrs(fs, ip, ip->d.indirect, (uint32_t)f, 1, 0);
			if (r < 0)
				err = r;
			if (f == 0) {
				r = bfree(fs, home, ip->d.indirect);
				if (r < 0)
					err = r;
				ip->d.indirect = 0;
				ip->d.nblocks--;
			}
		}
	}
	f = f > NPTR ? f - NPTR : 0;
	if (ip->d.dindirect != 0) {
		if (!blk_valid(fs, ip->d.dindirect)) {
			err = -CFFS_EUCLEAN;
		} else {
			r = free_ptrs(fs, ip, ip->d.dindirect,
			              (uint32_t)(f / NPTR), 2, f);
			if (r < 0)
				err = r;
			if (f == 0) {
				r = bfree(fs, home, ip->d.dindirect);
				if (r < 0)
					err = r;
				ip->d.dindirect = 0;
				ip->d.nblocks--;
			}
		}
	}
	return err;
}

int
inode_truncate(struct cffs_fs *fs, struct inode *ip, uint64_t size)
{
	uint64_t first;
	uint32_t blk, bo;
	struct buf *b;
	int r;

	if (size > MAX_FILE_BLOCKS * CFFS_BSIZE)
		return -CFFS_EFBIG;
	if (size < ip->d.size) {
		first = (size + CFFS_BSIZE - 1) / CFFS_BSIZE;
		r = free_from(fs, ip, first);
		if (r < 0)
			return r;
		bo = (uint32_t)(size % CFFS_BSIZE);
		if (bo != 0) {
			/* zero the tail so a later extension reads zeros */
			r = bmap(fs, ip, size / CFFS_BSIZE, false, &blk);
			if (r < 0)
				return r;
			if (blk != 0) {
				r = bget(fs, blk, 0, &b);
				if (r < 0)
					return r;
				memset(b->data + bo, 0, CFFS_BSIZE - bo);
				bdirty(b);
				bput(b);
			}
		}
	}
	ip->d.size = size;
	return 0;
}
