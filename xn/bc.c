/*
 * xn/bc.c: the buffer-cache registry and ordered write-back.
 *
 * The registry maps a disk block to the page that caches it, with a state
 * (clean, dirty, in flight) and the principal that put it there.  It has
 * no eviction policy: libOSes insert and evict; evicting another
 * principal's entry leaves a notice the owner collects (visible
 * revocation).  Write-back enforces the ordering rules of docs/XN.md:
 * a metadata block is not written while it owns a block never written
 * since allocation, and a freed block becomes reusable only when its old
 * parent, without the pointer, is on disk.
 *
 * Costs do not grow with the disk: empty registry slots form a free
 * list, and blocks waiting for a write-back sit on the waited-for
 * block's waiter list (struct xn_bstate), so a write-back releases them
 * without scanning.  xn_writeback_many hands each wave to the disk's
 * write_many (if given) in one call, so a driver can merge and overlap
 * the requests; xn_bc_insert_many hands the reads of a list of inserts
 * to its read_many the same way.
 */
#include "xn_int.h"

struct xn_bc_entry *
xn_bc_find(struct xn *x, uint32_t block)
{
	uint32_t k;

	if (block >= x->nblocks || (k = x->bs[block].bcslot) == 0 ||
	    k > x->bc_slots)
		return NULL;
	return &x->bc[k - 1];
}

/* Empty slot e goes on the free list (its .block links the next one). */
static void
bc_put(struct xn *x, struct xn_bc_entry *e)
{
	memset(e, 0, sizeof *e);
	e->state = XN_BC_EMPTY;
	e->block = x->bc_free;
	x->bc_free = (uint32_t)(e - x->bc) + 1;
}

/* All slots empty, on the free list in order (mount). */
void
xn_bc_init(struct xn *x)
{
	uint32_t i;

	x->bc_free = 0;
	for (i = x->bc_slots; i-- > 0;)
		bc_put(x, &x->bc[i]);
}

void
xn_bc_drop(struct xn *x, struct xn_bc_entry *e)
{
	if (e->block < x->nblocks)
		x->bs[e->block].bcslot = 0;
	bc_put(x, e);
}

/* Put block b on the waiter list of block w (b waits for w's write-back). */
void
xn_wait_add(struct xn *x, uint32_t b, uint32_t w)
{
	struct xn_bstate *s = &x->bs[b], *ws = &x->bs[w];

	s->wprev = 0;
	s->wnext = ws->whead;
	if (ws->whead != 0)
		x->bs[ws->whead].wprev = b;
	ws->whead = b;
	ws->nfreeing++;
}

/* Take block b off the waiter list of block w. */
void
xn_wait_del(struct xn *x, uint32_t b, uint32_t w)
{
	struct xn_bstate *s = &x->bs[b];

	if (s->wprev != 0)
		x->bs[s->wprev].wnext = s->wnext;
	else
		x->bs[w].whead = s->wnext;
	if (s->wnext != 0)
		x->bs[s->wnext].wprev = s->wprev;
	s->wnext = 0;
	s->wprev = 0;
	if (x->bs[w].nfreeing > 0)
		x->bs[w].nfreeing--;
}

/* Tell principal that its entry for block is gone; oldest notice drops
   when the ring is full. */
void
xn_bc_notify(struct xn *x, uint32_t principal, uint32_t block)
{
	uint32_t i;

	if (principal == XN_NOBODY)
		return;
	if (x->nrevoke == XN_REVOKE_RING) {
		for (i = 1; i < XN_REVOKE_RING; i++)
			x->revoke[i - 1] = x->revoke[i];
		x->nrevoke--;
	}
	x->revoke[x->nrevoke].principal = principal;
	x->revoke[x->nrevoke].block = block;
	x->nrevoke++;
}

/* Blocks freed from parent become free, and blocks moved out of it stop
   MOVING: parent's new copy is on disk (or unreachable there). */
void
xn_release_freeing(struct xn *x, uint32_t parent)
{
	struct xn_bstate *s;
	uint32_t b, next;

	if (parent >= x->nblocks)
		return;
	/* Everything on the list waits for parent (FREEING with parent
	   == parent, or MOVING with oldparent == parent).  A FREEING block
	   has no waiters of its own: they went to its parent when it was
	   freed. */
	for (b = x->bs[parent].whead; b != 0; b = next) {
		s = &x->bs[b];
		next = s->wnext;
		if (s->flags & XN_BS_FREEING) {
			memset(s, 0, sizeof *s);
			s->parent = XN_NOBLOCK;
			xn_fmap_touch(x, b);
		} else {
			/* The old pointer is gone from disk: the new parent
			   may now be written. */
			s->flags &= (uint16_t)~XN_BS_MOVING;
			s->oldparent = 0;
			s->wnext = 0;
			s->wprev = 0;
			if (s->parent < x->nblocks &&
			    x->bs[s->parent].nfresh > 0)
				x->bs[s->parent].nfresh--;
		}
	}
	x->bs[parent].whead = 0;
	x->bs[parent].nfreeing = 0;
}

/* The checks of an insert that need no I/O, in xn_bc_insert's order
   (the registry's room is checked by the caller).  XN_BS_MARK flags a
   block an earlier entry of the same xn_bc_insert_many took. */
static int
bc_check(struct xn *x, uint32_t block, const void *page)
{
	if (page == NULL)
		return XN_EINVAL;
	if (block < x->data_start || block >= x->nblocks)
		return XN_ERANGE;
	if (!(x->bs[block].flags & XN_BS_ALLOC))
		return XN_EFREE;
	if (x->bs[block].flags & XN_BS_FREEING)
		return XN_EBUSY;
	if (xn_bc_find(x, block) || (x->bs[block].flags & XN_BS_MARK))
		return XN_EEXIST;
	return 0;
}

/* Enter a checked block whose page holds its contents: the first slot
   of the free list (there is one) becomes its entry. */
static void
bc_enter(struct xn *x, uint32_t principal, uint32_t block, void *page)
{
	struct xn_bc_entry *e = &x->bc[x->bc_free - 1];

	x->bc_free = e->block;          /* off the free list */
	if (x->bs[block].flags & XN_BS_FRESH)
		e->state = XN_BC_DIRTY;
	else
		e->state = XN_BC_CLEAN;
	e->block = block;
	e->owner = principal;
	e->page = page;
	x->bs[block].bcslot = (uint16_t)(e - x->bc + 1);
}

int
xn_bc_insert(struct xn *x, uint32_t principal, uint32_t block, void *page)
{
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = bc_check(x, block, page)))
		return r;
	if (x->bc_free == 0 || x->bc_free > x->bc_slots)
		return XN_ENOSPC;
	if (x->bs[block].flags & XN_BS_FRESH) {
		/* Never written: its disk contents mean nothing. */
		memset(page, 0, XN_BLOCK_SIZE);
	} else if ((r = xn_dread(x, block, page))) {
		return r;
	}
	bc_enter(x, principal, block, page);
	return 0;
}

/* Empty registry slots, counting no further than max. */
static uint32_t
bc_room(struct xn *x, uint32_t max)
{
	uint32_t k = x->bc_free, n = 0;

	while (n < max && k != 0 && k <= x->bc_slots) {
		n++;
		k = x->bc[k - 1].block;
	}
	return n;
}

/*
 * Fill the pages of the accepted entries of a chunk (res[i] == 0):
 * zeros for a fresh block, else its contents from the disk, all in one
 * read_many call if the disk has one (XN_EIO for the entries whose
 * reads failed), else block by block.
 */
static void
bc_fill(struct xn *x, const uint32_t *blocks, void *const *pages,
        uint32_t n, int *res)
{
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (res[i] != 0)
			continue;
		if (x->bs[blocks[i]].flags & XN_BS_FRESH) {
			memset(pages[i], 0, XN_BLOCK_SIZE);
		} else if (x->batch.read_many == NULL) {
			res[i] = xn_dread(x, blocks[i], pages[i]);
		} else if (blocks[i] >= x->disk.nblocks) {
			res[i] = XN_ERANGE;     /* as xn_dread */
		} else {
			x->wave[k] = blocks[i];
			x->wpages[k] = pages[i];
			x->rerr[k++] = -1;
		}
	}
	if (k == 0)
		return;
	/* err[] decides; the return value only sums it up */
	(void)x->batch.read_many(x->disk.ctx, x->wave,
	                         (void *const *)x->wpages, k, x->rerr);
	for (i = 0, k = 0; i < n; i++) {
		if (res[i] != 0 || (x->bs[blocks[i]].flags & XN_BS_FRESH))
			continue;
		if (x->rerr[k++] != 0)
			res[i] = XN_EIO;
	}
}

/* One chunk of at most XN_READ_MANY_MAX entries: check them all, fill
   the pages of those accepted, enter those filled.  Returns how many
   were entered. */
static uint32_t
bc_insert_chunk(struct xn *x, uint32_t principal, const uint32_t *blocks,
                void *const *pages, uint32_t n, int *res)
{
	uint32_t i, room = bc_room(x, n), took = 0, done = 0;

	for (i = 0; i < n; i++) {
		if ((res[i] = bc_check(x, blocks[i], pages[i])) != 0)
			continue;
		if (took == room) {
			res[i] = XN_ENOSPC;
			continue;
		}
		took++;
		x->bs[blocks[i]].flags |= XN_BS_MARK;
	}
	bc_fill(x, blocks, pages, n, res);
	for (i = 0; i < n; i++) {
		if (blocks[i] < x->nblocks)
			x->bs[blocks[i]].flags &= (uint16_t)~XN_BS_MARK;
		if (res[i] == 0) {
			bc_enter(x, principal, blocks[i], pages[i]);
			done++;
		}
	}
	return done;
}

/*
 * Insert many entries, each checked as xn_bc_insert checks it, with the
 * reads they need batched: per chunk of XN_READ_MANY_MAX entries, every
 * entry is checked first (a block an earlier entry took: XN_EEXIST; no
 * room left for it: XN_ENOSPC), then the accepted blocks are read (one
 * read_many call) or zero-filled, then those whose pages are filled are
 * entered.  An entry whose read fails is not entered (XN_EIO).
 */
int
xn_bc_insert_many(struct xn *x, uint32_t principal, const uint32_t *blocks,
                  void *const *pages, uint32_t n, int *results)
{
	uint32_t c, k, done = 0;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (n > 0 && (blocks == NULL || pages == NULL || results == NULL))
		return XN_EINVAL;
	for (c = 0; c < n; c += k) {
		k = n - c < XN_READ_MANY_MAX ? n - c : XN_READ_MANY_MAX;
		done += bc_insert_chunk(x, principal, blocks + c, pages + c, k,
		                        results + c);
	}
	return (int)done;           /* at most bc_slots */
}

int
xn_bc_lookup(struct xn *x, uint32_t block, struct xn_bc_info *out)
{
	struct xn_bc_entry *e;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (out == NULL)
		return XN_EINVAL;
	if (block >= x->nblocks)
		return XN_ERANGE;
	if ((e = xn_bc_find(x, block)) == NULL)
		return XN_ENOENT;
	out->page = e->page;
	out->owner = e->owner;
	out->state = e->state;
	out->type = x->bs[block].type;
	return 0;
}

int
xn_bc_evict(struct xn *x, uint32_t principal, uint32_t block)
{
	struct xn_bc_entry *e;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (block >= x->nblocks)
		return XN_ERANGE;
	if ((e = xn_bc_find(x, block)) == NULL)
		return XN_ENOENT;
	if (e->state == XN_BC_INFLIGHT)
		return XN_EBUSY;
	if (e->state == XN_BC_DIRTY)
		return XN_EDIRTY;
	if (e->owner != principal)
		xn_bc_notify(x, e->owner, block);
	xn_bc_drop(x, e);
	return 0;
}

int
xn_bc_evict_many(struct xn *x, uint32_t principal, const uint32_t *blocks,
                 uint32_t n, int *results)
{
	uint32_t i, done = 0;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (n > 0 && (blocks == NULL || results == NULL))
		return XN_EINVAL;
	for (i = 0; i < n; i++)
		if ((results[i] = xn_bc_evict(x, principal, blocks[i])) == 0)
			done++;
	return (int)done;           /* at most bc_slots */
}

int
xn_bc_revoked(struct xn *x, uint32_t principal, uint32_t *blocks,
              uint32_t max)
{
	uint32_t i, j = 0, n = 0;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (blocks == NULL && max > 0)
		return XN_EINVAL;
	for (i = 0; i < x->nrevoke; i++) {
		if (x->revoke[i].principal == principal && n < max)
			blocks[n++] = x->revoke[i].block;
		else
			x->revoke[j++] = x->revoke[i];
	}
	x->nrevoke = j;
	return (int)n;
}

int
xn_bc_disown(struct xn *x, uint32_t principal)
{
	uint32_t i, j = 0, n = 0;

	if (x == NULL || !x->mounted || principal == XN_NOBODY)
		return 0;
	for (i = 0; i < x->bc_slots; i++)
		if (x->bc[i].state != XN_BC_EMPTY &&
		    x->bc[i].owner == principal) {
			x->bc[i].owner = XN_NOBODY;
			n++;
		}
	for (i = 0; i < x->nrevoke; i++)
		if (x->revoke[i].principal != principal)
			x->revoke[j++] = x->revoke[i];
	x->nrevoke = j;
	return (int)n;
}

int
xn_writeback(struct xn *x, uint32_t block)
{
	struct xn_bc_entry *e;
	struct xn_bstate *s;
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (block < x->data_start || block >= x->nblocks)
		return XN_ERANGE;
	if ((e = xn_bc_find(x, block)) == NULL)
		return XN_ENOTCACHED;
	if (e->state == XN_BC_INFLIGHT)
		return XN_EBUSY;
	if (e->state == XN_BC_CLEAN)
		return 0;
	s = &x->bs[block];
	if (s->nfresh > 0)
		return XN_EORDER;
	e->state = XN_BC_INFLIGHT;
	if ((r = xn_dwrite(x, block, e->page))) {
		e->state = XN_BC_DIRTY;
		return r;
	}
	e->state = XN_BC_CLEAN;
	if (s->flags & XN_BS_FRESH) {
		s->flags &= (uint16_t)~XN_BS_FRESH;
		if (s->parent < x->nblocks && x->bs[s->parent].nfresh > 0)
			x->bs[s->parent].nfresh--;
	}
	xn_release_freeing(x, block);
	return 0;
}

/* Entries of the list in flight (a wave not known durable) become dirty
   again. */
static void
wave_undo(struct xn *x, const uint32_t *blocks, uint32_t n)
{
	struct xn_bc_entry *e;
	uint32_t i;

	for (i = 0; i < n; i++)
		if ((e = xn_bc_find(x, blocks[i])) != NULL &&
		    e->state == XN_BC_INFLIGHT)
			e->state = XN_BC_DIRTY;
}

/*
 * Write the nw blocks collected in x->wave with one write_many call.  If
 * it fails, which writes happened is unknown (the driver merges blocks
 * into requests: one bad sector fails its neighbours' request too), so
 * the blocks are written again one at a time: those whose own write
 * fails go back to dirty (*wrote counts them out), the others stay in
 * flight and become clean after the wave's flush, as they would have
 * without the failure.  0, or XN_EIO if some block could not be
 * written.
 */
static int
wave_write(struct xn *x, uint32_t *nw, uint32_t *wrote)
{
	struct xn_bc_entry *e;
	uint32_t k = *nw, i;
	int r = 0;

	*nw = 0;
	if (k == 0 || x->batch.write_many(x->disk.ctx, x->wave,
	    (const void *const *)x->wpages, k) == 0)
		return 0;
	for (i = 0; i < k; i++) {
		if (x->disk.ops->write(x->disk.ctx, x->wave[i],
		    x->wpages[i]) == 0)
			continue;
		if ((e = xn_bc_find(x, x->wave[i])) != NULL &&
		    e->state == XN_BC_INFLIGHT)
			e->state = XN_BC_DIRTY;
		(*wrote)--;
		r = XN_EIO;
	}
	return r;
}

/*
 * Write back a set of registry entries with as few barriers as the
 * ordering rules allow.  The work goes in waves: a wave writes every
 * listed entry that is dirty and has no fresh (or moving) child, without
 * a barrier between them, then issues ONE flush; only after that flush
 * are the written blocks taken as durable (fresh flags cleared, parents'
 * counts decremented, pending frees and moves released).  So a block
 * that waits for another is never in the same wave as it: a parent
 * reaches the disk only after a flush that follows its fresh children,
 * a freed block becomes reusable only after a flush that follows its old
 * parent, and a move's destination only after a flush that follows its
 * source, exactly as with xn_writeback; writes inside one wave have no
 * order among them and may reach the disk in any order.  Waves repeat
 * until none writes anything.
 *
 * With the disk's write_many (xn_set_batch) a wave goes to the disk in
 * one call (or one per XN_WRITE_MANY_MAX blocks); if it fails, its
 * blocks are written again one by one (wave_write): only those whose
 * own write fails stay dirty, the others are flushed and clean, so a
 * bad block does not hold back the blocks that shared its wave (a
 * directory block next to a file's bad data block stays writable).
 * Without it the blocks are written one by one and a failure leaves the
 * failed block and the rest dirty while what the wave wrote before it
 * is flushed and clean.
 *
 * Every block is checked before anything is written (ERANGE, ENOTCACHED,
 * EBUSY).  Returns 0 when every listed entry is clean, XN_EORDER when
 * some stay dirty because they wait for blocks not in the list (what
 * could be written was written), or XN_EIO.  *done (may be NULL) counts
 * the blocks written and made durable.
 */
int
xn_writeback_many(struct xn *x, const uint32_t *blocks, uint32_t n,
                  uint32_t *done)
{
	struct xn_bc_entry *e;
	struct xn_bstate *s;
	uint32_t i, wrote, nw = 0, ndone = 0;
	int r = 0, held, batch;

	if (done != NULL)
		*done = 0;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (blocks == NULL && n > 0)
		return XN_EINVAL;
	for (i = 0; i < n; i++) {
		if (blocks[i] < x->data_start || blocks[i] >= x->nblocks ||
		    blocks[i] >= x->disk.nblocks)
			return XN_ERANGE;
		if ((e = xn_bc_find(x, blocks[i])) == NULL)
			return XN_ENOTCACHED;
		if (e->state == XN_BC_INFLIGHT)
			return XN_EBUSY;
	}
	batch = x->batch.write_many != NULL;
	for (;;) {
		wrote = 0;
		for (i = 0; i < n && r == 0; i++) {
			e = xn_bc_find(x, blocks[i]);
			if (e == NULL || e->state != XN_BC_DIRTY ||
			    x->bs[blocks[i]].nfresh)
				continue;
			e->state = XN_BC_INFLIGHT;
			wrote++;
			if (batch) {
				x->wave[nw] = blocks[i];
				x->wpages[nw] = e->page;
				if (++nw == XN_WRITE_MANY_MAX)
					r = wave_write(x, &nw, &wrote);
			} else if (x->disk.ops->write(x->disk.ctx, blocks[i],
			                              e->page) < 0) {
				e->state = XN_BC_DIRTY;
				wrote--;
				r = XN_EIO;
			}
		}
		if (batch && r == 0)
			r = wave_write(x, &nw, &wrote);
		/* (a failed block is dirty again; what was written is
		 * flushed and made clean below, then the loop ends) */
		if (wrote == 0)
			break;
		if (x->disk.ops->flush(x->disk.ctx) < 0) {
			/* nothing of this wave is known durable */
			wave_undo(x, blocks, n);
			r = XN_EIO;
			break;
		}
		for (i = 0; i < n; i++) {
			e = xn_bc_find(x, blocks[i]);
			if (e == NULL || e->state != XN_BC_INFLIGHT)
				continue;
			e->state = XN_BC_CLEAN;
			ndone++;
			s = &x->bs[blocks[i]];
			if (s->flags & XN_BS_FRESH) {
				s->flags &= (uint16_t)~XN_BS_FRESH;
				if (s->parent < x->nblocks &&
				    x->bs[s->parent].nfresh > 0)
					x->bs[s->parent].nfresh--;
			}
			xn_release_freeing(x, blocks[i]);
		}
		if (r != 0)
			break;
	}
	if (done != NULL)
		*done = ndone;
	if (r != 0)
		return r;
	for (i = 0, held = 0; i < n; i++)
		if ((e = xn_bc_find(x, blocks[i])) != NULL &&
		    e->state == XN_BC_DIRTY)
			held = 1;
	return held ? XN_EORDER : 0;
}
