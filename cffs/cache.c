/*
 * cache.c - the C-FFS block cache: a hash of pinned, write-back buffers
 * with LRU replacement.  A miss on a grouped block reads the whole
 * aligned explicit group (CFFS_GROUP blocks) in one device request, and
 * a flush writes dirty blocks in sorted, coalesced runs, so that a
 * directory's small files move to and from the disk as one unit; misses
 * on consecutive groups read up to four groups at once.  A miss on a
 * large file's block past its group reads the following physically
 * contiguous blocks of the same file with it (bget_run, read clustering).
 * The blocks read along with the wanted one are cached in free room or,
 * once the cache is full, in clean buffers from the LRU end (getspares).
 */
#include "cffs_int.h"

#define RUN_MAX 64u     /* transfer buffer: longest coalesced write, longest
			   clustered read, in blocks */
#define SPARE_SCAN 256u /* buffers read-ahead looks at, from the LRU tail */

_Static_assert(CLUSTER_MAX <= RUN_MAX && CFFS_GROUP <= RUN_MAX &&
	       RUN_MAX <= CFFS_GROUP * 4,
	       "clustered and group reads fit the transfer buffer and the device");

int
cache_init(struct cffs_fs *fs, uint32_t maxbufs)
{
	struct cache *c = &fs->cache;
	uint32_t n = 64;

	while (n < maxbufs)
		n <<= 1;
	memset(c, 0, sizeof(*c));
	c->hash = calloc(n, sizeof(*c->hash));
	if (c->hash == NULL)
		return -CFFS_ENOMEM;
	c->nhash = n;
	c->maxbufs = maxbufs < 2 * CFFS_GROUP ? 2 * CFFS_GROUP : maxbufs;
	c->lru.lnext = c->lru.lprev = &c->lru;
	return 0;
}

static uint8_t *
tmpbuf(struct cffs_fs *fs)
{
	struct cache *c = &fs->cache;

	if (c->run == NULL)
		c->run = malloc((size_t)RUN_MAX * CFFS_BSIZE);
	return c->run;
}

void
cache_fini(struct cffs_fs *fs)
{
	struct cache *c = &fs->cache;
	struct buf *b, *n;

	for (b = c->lru.lnext; b != &c->lru; b = n) {
		n = b->lnext;
		free(b->xpage);
		free(b->data);
		free(b);
	}
	free(c->hash);
	free(c->run);
	memset(c, 0, sizeof(*c));
}

static uint32_t
hslot(const struct cache *c, uint32_t blk)
{
	return (blk * 2654435761u) & (c->nhash - 1);
}

struct buf *
cache_lookup(struct cache *c, uint32_t blk)
{
	struct buf *b;

	for (b = c->hash[hslot(c, blk)]; b != NULL; b = b->hnext)
		if (b->blk == blk)
			return b;
	return NULL;
}

static void
lru_unlink(struct buf *b)
{
	b->lprev->lnext = b->lnext;
	b->lnext->lprev = b->lprev;
}

static void
lru_front(struct cache *c, struct buf *b)
{
	b->lnext = c->lru.lnext;
	b->lprev = &c->lru;
	c->lru.lnext->lprev = b;
	c->lru.lnext = b;
}

static void
hash_remove(struct cache *c, struct buf *b)
{
	struct buf **pp = &c->hash[hslot(c, b->blk)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
}

/*
 * Read-ahead at the device (ops->prefetch, optional): start reading n
 * blocks at blk, which a later device read may take.  Nothing is started
 * for a range whose first block is cached.
 */
void
cache_prefetch(struct cffs_fs *fs, uint32_t blk, uint32_t n)
{
	const struct cffs_bdev_ops *o = fs->dev->ops;

	if (o->prefetch == NULL || n == 0 || blk >= fs->sb.nblocks ||
	    n > fs->sb.nblocks - blk || cache_lookup(&fs->cache, blk) != NULL)
		return;
	(void)o->prefetch(fs->dev->ctx, blk, n);
}

/* Blocks are about to change on disk: the device forgets its read-ahead. */
void
cache_prefetch_drop(struct cffs_fs *fs)
{
	if (fs->dev->ops->prefetch != NULL)
		(void)fs->dev->ops->prefetch(fs->dev->ctx, 0, 0);
}

static int
dev_write(struct cffs_fs *fs, uint32_t blk, uint32_t n, const void *p)
{
	int r;

	if (fs->rdonly)
		return -CFFS_EROFS;
	cache_prefetch_drop(fs);
	r = fs->dev->ops->write(fs->dev->ctx, blk, n, p);
	fs->cache.writes++;
	if (r < 0) {
		fs->err = -CFFS_EIO;
		return -CFFS_EIO;
	}
	return 0;
}

static int
dev_read(struct cffs_fs *fs, uint32_t blk, uint32_t n, void *p)
{
	fs->cache.reads++;
	if (fs->dev->ops->read(fs->dev->ctx, blk, n, p) < 0)
		return -CFFS_EIO;
	return 0;
}

/* A buffer not in the hash: a new one, or the least recently used. */
static int
getfree(struct cffs_fs *fs, struct buf **out)
{
	struct cache *c = &fs->cache;
	struct buf *b;
	int r, pass;

	if (c->nbufs < c->maxbufs) {
		b = calloc(1, sizeof(*b));
		if (b == NULL)
			return -CFFS_ENOMEM;
		b->data = malloc(CFFS_BSIZE);
		if (b->data == NULL) {
			free(b);
			return -CFFS_ENOMEM;
		}
		c->nbufs++;
		*out = b;
		return 0;
	}
	/* the backend says which buffers may go (over XN only committed
	 * ones, which XN writes back in order); make_room writes back
	 * what can be when none may */
	for (pass = 0; pass < 2; pass++) {
		for (b = c->lru.lprev; b != &c->lru; b = b->lprev) {
			if (b->pins != 0)
				continue;
			r = fs->store->evict(fs, b);
			if (r < 0)
				return r;
			if (r == 0)
				break;
		}
		if (b != &c->lru || pass == 1)
			break;
		cache_precommit(fs);            /* make_room commits */
		r = fs->store->make_room(fs);
		if (r < 0)
			return r;
	}
	if (b == &c->lru)
		return -CFFS_ENOMEM;
	hash_remove(c, b);
	lru_unlink(b);
	*out = b;
	return 0;
}

static void
insert(struct cache *c, struct buf *b, uint32_t blk)
{
	uint32_t h = hslot(c, blk);

	b->blk = blk;
	b->pins = 0;
	b->dirty = false;
	b->valid = true;
	b->hnext = c->hash[h];
	c->hash[h] = b;
	lru_front(c, b);
}

/*
 * Buffers for read-ahead, up to n of them into v: new ones while the
 * cache is below its bound, then the least recently used buffers that
 * are unpinned, clean and not registered with XN, looking at most
 * SPARE_SCAN buffers up from the LRU tail.  They leave the hash and the
 * LRU list; the caller inserts every one.  Never writes anything:
 * read-ahead does not evict dirty buffers to make room, nor buffers
 * registered with XN (evicting one takes XN calls, perhaps a write).
 * Returns how many it found.
 */
static uint32_t
getspares(struct cffs_fs *fs, uint32_t n, struct buf **v)
{
	struct cache *c = &fs->cache;
	struct buf *b, *prev;
	uint32_t k = 0, seen;

	while (k < n && c->nbufs < c->maxbufs && getfree(fs, &v[k]) == 0)
		k++;
	for (b = c->lru.lprev, seen = 0; k < n && b != &c->lru &&
	     seen < SPARE_SCAN; b = prev, seen++) {
		prev = b->lprev;
		if (b->pins != 0 || b->dirty || b->xpage != NULL)
			continue;
		hash_remove(c, b);
		lru_unlink(b);
		v[k++] = b;
	}
	return k;
}

/*
 * Cache blocks blk .. blk+n-1, whose bytes are at t, where not cached
 * already; the caller holds block want itself.  Priority: the rest of
 * want's group after it, then before it (nearest first), then the
 * blocks after that group; as many as getspares finds buffers for.  The
 * first in that order ends up most recently used.
 */
static void
read_ahead(struct cffs_fs *fs, uint32_t blk, uint32_t n, uint32_t want,
           const uint8_t *t)
{
	struct cache *c = &fs->cache;
	struct buf *v[RUN_MAX];
	uint32_t order[RUN_MAX], i, m = 0, got, gend;

	gend = want - want % CFFS_GROUP + CFFS_GROUP;
	if (gend > blk + n)
		gend = blk + n;
	for (i = want + 1; i < gend; i++)
		if (cache_lookup(c, i) == NULL)
			order[m++] = i;
	for (i = want; i-- > blk; )
		if (cache_lookup(c, i) == NULL)
			order[m++] = i;
	for (i = gend; i < blk + n; i++)
		if (cache_lookup(c, i) == NULL)
			order[m++] = i;
	got = getspares(fs, m, v);
	while (got-- > 0) {
		memcpy(v[got]->data, t + (size_t)(order[got] - blk) *
		       CFFS_BSIZE, CFFS_BSIZE);
		insert(c, v[got], order[got]);
	}
}

/* 1 if no block of the group at g is cached. */
static int
group_cold(struct cache *c, uint32_t g)
{
	uint32_t i;

	for (i = 0; i < CFFS_GROUP; i++)
		if (cache_lookup(c, g + i) != NULL)
			return 0;
	return 1;
}

/*
 * Read the aligned group around blk into want and cache the rest of it.
 * Sequential misses read further ahead: a miss on the group right after
 * the previous group read's end doubles the window (up to RUN_MAX
 * blocks), any other miss starts over at one group.  The window takes
 * in the following groups only while none of their blocks is cached.
 */
static int
read_group(struct cffs_fs *fs, uint32_t blk, struct buf *want)
{
	struct cache *c = &fs->cache;
	uint32_t g = blk - blk % CFFS_GROUP, n = CFFS_GROUP;
	uint8_t *t = tmpbuf(fs);
	int r;

	if (t == NULL)
		return -CFFS_ENOMEM;
	if (g != c->ra_next || c->ra_groups == 0)
		c->ra_groups = 1;
	else if (c->ra_groups < RUN_MAX / CFFS_GROUP)
		c->ra_groups *= 2;
	if (g + n > fs->sb.nblocks)
		n = fs->sb.nblocks - g;
	while (n < c->ra_groups * CFFS_GROUP && n % CFFS_GROUP == 0 &&
	       fs->sb.nblocks - g - n >= CFFS_GROUP && group_cold(c, g + n))
		n += CFFS_GROUP;
	r = dev_read(fs, g, n, t);
	if (r < 0)
		return r;
	c->ra_next = g + n;
	memcpy(want->data, t + (size_t)(blk - g) * CFFS_BSIZE, CFFS_BSIZE);
	read_ahead(fs, g, n, blk, t);
	return 0;
}

/*
 * Read clustering: a miss on blk, a file data block whose file continues
 * physically contiguously in blk+1 .. blk+n-1 (the caller checked the
 * file's own pointers, and that none of them is cached).  All n blocks
 * come in ONE device request; blk is returned pinned as by bget(fs, blk,
 * 0, out), the others are cached clean when not cached already (a cached
 * buffer, dirty or not, is never overwritten).
 */
int
bget_run(struct cffs_fs *fs, uint32_t blk, uint32_t n, struct buf **out)
{
	struct cache *c = &fs->cache;
	struct buf *b;
	uint8_t *t;
	int r;

	if (n <= 1 || n > CLUSTER_MAX || blk >= fs->sb.nblocks ||
	    n > fs->sb.nblocks - blk || cache_lookup(c, blk) != NULL)
		return bget(fs, blk, 0, out);
	t = tmpbuf(fs);
	if (t == NULL)
		return bget(fs, blk, 0, out);
	r = getfree(fs, &b);
	if (r < 0)
		return r;
	r = dev_read(fs, blk, n, t);
	if (r < 0) {
		free(b->data);
		free(b);
		c->nbufs--;
		return r;
	}
	memcpy(b->data, t, CFFS_BSIZE);
	insert(c, b, blk);
	b->pins = 1;
	read_ahead(fs, blk, n, blk, t);
	*out = b;
	return 0;
}

int
bget(struct cffs_fs *fs, uint32_t blk, int flags, struct buf **out)
{
	struct cache *c = &fs->cache;
	struct buf *b;
	int r;

	if (blk >= fs->sb.nblocks)
		return -CFFS_EUCLEAN;
	b = cache_lookup(c, blk);
	if (b != NULL) {
		lru_unlink(b);
		lru_front(c, b);
		if (flags & GET_NOREAD)
			memset(b->data, 0, CFFS_BSIZE);
		b->pins++;
		*out = b;
		return 0;
	}
	r = getfree(fs, &b);
	if (r < 0)
		return r;
	if (flags & GET_NOREAD)
		memset(b->data, 0, CFFS_BSIZE);
	else if ((flags & GET_GROUP) && fs->sb.nblocks > 0)
		r = read_group(fs, blk, b);
	else
		r = dev_read(fs, blk, 1, b->data);
	if (r < 0) {
		free(b->data);
		free(b);
		c->nbufs--;
		return r;
	}
	insert(c, b, blk);
	b->pins = 1;
	*out = b;
	return 0;
}

void
bput(struct buf *b)
{
	b->pins--;
}

void
bdirty(struct buf *b)
{
	b->dirty = true;
}

void
cache_forget(struct cffs_fs *fs, uint32_t blk)
{
	struct buf *b = cache_lookup(&fs->cache, blk);

	if (b != NULL)
		b->dirty = false;
}

/*
 * Another process shares the disk (cffs_release, cffs_invalidate).
 * release: give XN back every registered page, keeping the (committed)
 * contents, so that no registry entry of ours is left between calls.
 * invalidate: forget every buffer too, so the next read comes from the
 * disk (or XN's registry).  Both refuse (-CFFS_EBUSY) while a buffer is
 * pinned or dirty: commit first.
 */
static int
cache_quiet(struct cffs_fs *fs)
{
	struct buf *b;

	for (b = fs->cache.lru.lnext; b != &fs->cache.lru; b = b->lnext)
		if (b->pins != 0 || b->dirty)
			return -CFFS_EBUSY;
	return 0;
}

int
cache_release(struct cffs_fs *fs)
{
	struct buf *b;
	int r = cache_quiet(fs);

	for (b = fs->cache.lru.lnext; b != &fs->cache.lru && r == 0;
	     b = b->lnext)
		r = fs->store->release(fs, b);
	return r;
}

int
cache_invalidate(struct cffs_fs *fs)
{
	struct cache *c = &fs->cache;
	struct buf *b, *n;
	int r;

	cache_prefetch_drop(fs);
	if ((r = cache_release(fs)) < 0)
		return r;
	for (b = c->lru.lnext; b != &c->lru; b = n) {
		n = b->lnext;
		hash_remove(c, b);
		lru_unlink(b);
		free(b->data);
		free(b);
		c->nbufs--;
	}
	c->ra_next = 0;
	c->ra_groups = 0;
	return 0;
}

/*
 * Forget every change not committed (XN refused it): a block registered
 * with XN takes XN's bytes back and is evicted if it can be; any other
 * buffer goes.  -CFFS_EBUSY while a buffer is pinned.
 */
int
cache_discard(struct cffs_fs *fs)
{
	struct cache *c = &fs->cache;
	struct buf *b, *n;

	for (b = c->lru.lnext; b != &c->lru; b = b->lnext)
		if (b->pins != 0)
			return -CFFS_EBUSY;
	cache_prefetch_drop(fs);
	for (b = c->lru.lnext; b != &c->lru; b = n) {
		n = b->lnext;
		b->dirty = false;
		if (fs->store->forget(fs, b) < 0)
			continue;
		hash_remove(c, b);
		lru_unlink(b);
		free(b->data);
		free(b);
		c->nbufs--;
	}
	c->ra_next = 0;
	c->ra_groups = 0;
	return 0;
}

static int
cmpbuf(const void *a, const void *b)
{
	uint32_t x = (*(struct buf *const *)a)->blk;
	uint32_t y = (*(struct buf *const *)b)->blk;

	return x < y ? -1 : x > y;
}

void
cffs_set_commit_hook(struct cffs_fs *fs, void (*fn)(void *arg), void *arg)
{
	fs->commit_hook = fn;
	fs->commit_arg = arg;
}

/* The caller's hook before a commit (cffs.h, cffs_set_commit_hook). */
void
cache_precommit(struct cffs_fs *fs)
{
	if (fs->commit_hook != NULL)
		fs->commit_hook(fs->commit_arg);
}

/* Hand the changes made so far to the backend (over XN: proofs XN
 * checks), without writing them back. */
int
cache_commit(struct cffs_fs *fs)
{
	cache_precommit(fs);
	return fs->store->commit(fs);
}

/* Every change committed and written back (the backend's way). */
int
cache_flush(struct cffs_fs *fs)
{
	cache_precommit(fs);
	return fs->store->flush(fs);
}

/* b written to the device if dirty (for a backend's evict). */
int
cache_write_buf(struct cffs_fs *fs, struct buf *b)
{
	int r;

	if (!b->dirty)
		return 0;
	r = dev_write(fs, b->blk, 1, b->data);
	if (r < 0)
		return r;
	b->dirty = false;
	return 0;
}

/* Write every dirty buffer to the device, sorted and coalesced into
 * runs (a backend's flush). */
int
cache_write_dirty(struct cffs_fs *fs)
{
	struct cache *c = &fs->cache;
	struct buf **v, *b;
	uint8_t *t = tmpbuf(fs);
	uint32_t n = 0, i, j, k;
	int r = 0;

	if (t == NULL)
		return -CFFS_ENOMEM;
	for (b = c->lru.lnext; b != &c->lru; b = b->lnext)
		n += b->dirty;
	if (n == 0)
		return fs->err;
	v = malloc(n * sizeof(*v));
	if (v == NULL)
		return -CFFS_ENOMEM;
	n = 0;
	for (b = c->lru.lnext; b != &c->lru; b = b->lnext)
		if (b->dirty)
			v[n++] = b;
	qsort(v, n, sizeof(*v), cmpbuf);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && j - i < RUN_MAX &&
		     v[j]->blk == v[j - 1]->blk + 1; j++)
			;
		for (k = i; k < j; k++)
			memcpy(t + (size_t)(k - i) * CFFS_BSIZE, v[k]->data,
			       CFFS_BSIZE);
		r = dev_write(fs, v[i]->blk, j - i, t);
		if (r < 0)
			break;
		for (k = i; k < j; k++)
			v[k]->dirty = false;
	}
	free(v);
	return r < 0 ? r : fs->err;
}
