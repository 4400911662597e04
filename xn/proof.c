/*
 * xn/proof.c: changes to blocks, checked by proof.
 *
 * xn_alloc() and xn_free() take a proposed change to a cached metadata
 * block (byte range + new bytes) and the blocks claimed.  XN runs the
 * template's owns-udf on the block before and after the change; the
 * difference must be exactly the claim, with the claimed types, and the
 * acl-uf must allow the principal.  xn_write() changes bytes without
 * changing ownership; xn_write_many() is a list of them.  See docs/XN.md,
 * "Calls".
 */
#include "xn_int.h"

_Static_assert(XN_UDF_MAX_EXTENTS >= XN_OWNS_MAX,
               "an owns-udf may emit XN_OWNS_MAX single-block extents");

/* Heapsort by block number (no recursion, no allocation). */
static void
sift(struct xn_owned *a, uint32_t i, uint32_t n)
{
	struct xn_owned t;
	uint32_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1].block > a[c].block)
			c++;
		if (a[i].block >= a[c].block)
			return;
		t = a[i]; a[i] = a[c]; a[c] = t;
		i = c;
	}
}

static void
sort_owned(struct xn_owned *a, uint32_t n)
{
	struct xn_owned t;
	uint32_t i;

	if (n < 2)
		return;
	/* An owns-udf usually emits in order (C-FFS's indirect blocks
	 * are filled in order): then one pass. */
	for (i = 1; i < n && a[i - 1].block <= a[i].block; i++)
		;
	if (i == n)
		return;
	for (i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (i = n - 1; i > 0; i--) {
		t = a[0]; a[0] = a[i]; a[i] = t;
		sift(a, 0, i);
	}
}

/*
 * The sorted set of blocks a metadata block owns.  XN_ERANGE if one lies
 * outside the data area, XN_EPROOF if one is named twice, or the UDF error.
 */
int
xn_owns_set(struct xn *x, const struct xn_tmpl *t, const uint8_t *page,
            uint32_t block, struct xn_owned *set, uint32_t *np)
{
	const struct xn_extent *e;
	uint32_t i, k, n = 0, args[1] = { block };
	int r;

	*np = 0;
	r = xn_udf_run(t->code[0], t->len[0], page, XN_BLOCK_SIZE, args, 1,
	               XN_OWNS_MAX, x->uout);
	if (r)
		return r;
	for (i = 0; i < x->uout->nextents; i++) {
		e = &x->uout->ext[i];
		for (k = 0; k < e->count; k++) {
			if (n == XN_OWNS_MAX)
				return XN_EUDFFAULT;
			set[n].block = e->start + k;
			set[n].type = e->type;
			set[n].pad = 0;
			if (set[n].block < x->data_start ||
			    set[n].block >= x->nblocks)
				return XN_ERANGE;
			n++;
		}
	}
	sort_owned(set, n);
	for (i = 1; i < n; i++)
		if (set[i].block == set[i - 1].block)
			return XN_EPROOF;
	*np = n;
	return 0;
}

int
xn_acl(struct xn *x, const struct xn_tmpl *t, const uint8_t *page,
       uint32_t block, uint32_t principal, uint32_t op, uint32_t off,
       uint32_t len, uint32_t child, uint16_t ctype)
{
	uint32_t args[7] = { principal, op, off, len, child, ctype, block };
	int r;

	r = xn_udf_run(t->code[1], t->len[1], page, XN_BLOCK_SIZE, args, 7, 0,
	               x->uout);
	if (r == XN_EUDFFAIL)
		return XN_EACCES;
	if (r)
		return r;
	return x->uout->ret ? 0 : XN_EACCES;
}

/* Checks shared by every change to block b; finds its registry entry. */
static int
prep(struct xn *x, uint32_t b, uint32_t off, uint32_t len,
     const void *bytes, struct xn_bc_entry **ep)
{
	struct xn_bc_entry *e;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (bytes == NULL || len == 0 || off >= XN_BLOCK_SIZE ||
	    len > XN_BLOCK_SIZE - off)
		return XN_EINVAL;
	if (b < x->data_start || b >= x->nblocks)
		return XN_ERANGE;
	if (!(x->bs[b].flags & XN_BS_ALLOC))
		return XN_EFREE;
	if (x->bs[b].flags & XN_BS_FREEING)
		return XN_EBUSY;
	if ((e = xn_bc_find(x, b)) == NULL)
		return XN_ENOTCACHED;
	if (e->state == XN_BC_INFLIGHT)
		return XN_EBUSY;
	*ep = e;
	return 0;
}

/*
 * xn_owns_set through the cache of owns-sets (struct xn_ownc): a run is
 * a function of the template (fixed once registered), the block number
 * (its argument) and the block's bytes, so a set kept with the bytes it
 * came from is the set of any block of that number and type holding
 * the same bytes.  No change to a block has to be seen: the bytes are
 * compared.  The set after one change is the set before the next, so a
 * change runs the udf once instead of twice (a run can be thousands of
 * interpreted steps; under the nested KVM of docs/TESTING.md, where
 * kernel code is slow, a loop over an indirect block's pointers took
 * about 45 ms, the compare about 1).  Sets that fail are not kept.
 */
static int
owns_cached(struct xn *x, const struct xn_tmpl *t, const uint8_t *page,
            uint32_t block, struct xn_owned *set, uint32_t *np)
{
	struct xn_ownc *c;
	uint32_t i;
	int r;

	for (i = 0; i < XN_OWNC_SLOTS; i++) {
		c = &x->ownc[i];
		if (c->block == block && c->type == t->type &&
		    memcmp(c->page, page, XN_BLOCK_SIZE) == 0) {
			memcpy(set, c->set, sizeof(set[0]) * c->n);
			*np = c->n;
			return 0;
		}
	}
	if ((r = xn_owns_set(x, t, page, block, set, np)))
		return r;
	c = &x->ownc[x->ownc_next];
	x->ownc_next = (x->ownc_next + 1) % XN_OWNC_SLOTS;
	c->block = block;
	c->type = t->type;
	c->n = *np;
	memcpy(c->page, page, XN_BLOCK_SIZE);
	memcpy(c->set, set, sizeof(set[0]) * *np);
	return 0;
}

/* Owns of the cached block (set_a) and of the changed copy (set_b). */
static int
before_after(struct xn *x, const struct xn_tmpl *t, uint32_t b,
             const struct xn_bc_entry *e, uint32_t off, uint32_t len,
             const void *bytes, uint32_t *na, uint32_t *nb)
{
	int r;

	if ((r = owns_cached(x, t, e->page, b, x->set_a, na)))
		return r == XN_ERANGE ? XN_ECORRUPT : r;
	memcpy(x->blk, e->page, XN_BLOCK_SIZE);
	memcpy(x->blk + off, bytes, len);
	return owns_cached(x, t, x->blk, b, x->set_b, nb);
}

static int
find_claim(const struct xn_claim *c, uint32_t n, uint32_t block)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (c[i].block == block)
			return (int)i;
	return -1;
}

static int authorize(struct xn *x, uint32_t principal, uint32_t b,
                     uint32_t op, uint32_t off, uint32_t len);

/* Validate the claim list itself. */
static int
check_claims(struct xn *x, const struct xn_claim *c, uint32_t n)
{
	uint32_t i;

	if (c == NULL || n == 0 || n > XN_MAX_CLAIMS)
		return XN_EINVAL;
	for (i = 0; i < n; i++) {
		if (c[i].block < x->data_start || c[i].block >= x->nblocks)
			return XN_ERANGE;
		if (c[i].type != XN_TYPE_DATA && xn_tmpl_get(x, c[i].type) == NULL)
			return XN_ETYPE;
		if (find_claim(c, i, c[i].block) >= 0)
			return XN_EINVAL;
	}
	return 0;
}

/*
 * Compare set_a (before) and set_b (after).  "gone" is the set that must
 * equal the claim (set_b minus set_a for alloc, the reverse for free); the
 * other difference must be empty.
 */
static int
diff_is_claim(struct xn *x, uint32_t na, uint32_t nb, int alloc,
              const struct xn_claim *c, uint32_t nc)
{
	const struct xn_owned *a = x->set_a, *b = x->set_b, *o;
	uint32_t i = 0, j = 0, matched = 0;
	int k, wrongway;

	while (i < na || j < nb) {
		if (i < na && j < nb && a[i].block == b[j].block) {
			if (a[i].type != b[j].type)
				return XN_ETYPE;
			i++, j++;
			continue;
		}
		if (j >= nb || (i < na && a[i].block < b[j].block)) {
			o = &a[i++];    /* only before: removed */
			wrongway = alloc;
		} else {
			o = &b[j++];    /* only after: added */
			wrongway = !alloc;
		}
		if (wrongway)
			return XN_EPROOF;
		if ((k = find_claim(c, nc, o->block)) < 0)
			return XN_EPROOF;
		if (c[k].type != o->type)
			return XN_ETYPE;
		matched++;
	}
	return matched == nc ? 0 : XN_EPROOF;
}

/*
 * The checks xn_alloc and xn_free share: the parent is cached and typed,
 * the claims are well formed, the acl-uf allows op, and owns-udf before
 * and after the change differs by exactly the claims (added or removed).
 */
static int
proof_prologue(struct xn *x, uint32_t principal, uint32_t parent,
               uint32_t off, uint32_t len, const void *bytes,
               const struct xn_claim *claims, uint32_t nclaims, int op,
               struct xn_bc_entry **ep)
{
	const struct xn_tmpl *t;
	uint32_t na, nb;
	int r;

	if ((r = prep(x, parent, off, len, bytes, ep)))
		return r;
	if ((t = xn_tmpl_get(x, x->bs[parent].type)) == NULL)
		return XN_ETYPE;
	if ((r = check_claims(x, claims, nclaims)))
		return r;
	if ((r = authorize(x, principal, parent, op, off, len)))
		return r;
	if ((r = before_after(x, t, parent, *ep, off, len, bytes, &na, &nb)))
		return r;
	return diff_is_claim(x, na, nb, op == XN_ACL_ALLOC, claims, nclaims);
}

int
xn_alloc(struct xn *x, uint32_t principal, uint32_t parent, uint32_t off,
         uint32_t len, const void *bytes, const struct xn_claim *claims,
         uint32_t nclaims)
{
	struct xn_bc_entry *e;
	struct xn_bstate *s;
	uint32_t i;
	int r;

	if ((r = proof_prologue(x, principal, parent, off, len, bytes, claims,
	    nclaims, XN_ACL_ALLOC, &e)))
		return r;
	for (i = 0; i < nclaims; i++) {
		s = &x->bs[claims[i].block];
		if (s->flags & XN_BS_FREEING)
			return XN_EBUSY;
		if (s->flags)
			return XN_EINUSE;
	}
	if (x->bs[parent].nchild + nclaims > XN_OWNS_MAX)
		return XN_ENOSPC;

	memcpy((uint8_t *)e->page + off, bytes, len);
	e->state = XN_BC_DIRTY;
	for (i = 0; i < nclaims; i++) {
		s = &x->bs[claims[i].block];
		memset(s, 0, sizeof *s);
		s->flags = XN_BS_ALLOC | XN_BS_FRESH;
		xn_fmap_touch(x, claims[i].block);
		s->type = claims[i].type;
		s->parent = parent;
		x->bs[parent].nchild++;
		x->bs[parent].nfresh++;
	}
	return 0;
}

/*
 * Blocks waiting for c's write-back (FREEING children, MOVING blocks whose
 * old pointer is in c) now wait for p's: c is being freed, and once p is
 * on disk without c nothing on disk reaches c's old contents.  A MOVING
 * block whose new parent is p stops moving instead: the one write of p
 * that drops the path through c also holds the new pointer, so it is
 * never reachable twice (waiting for p would keep p from ever being
 * written, as p waits for it).
 */
static void
reparent_freeing(struct xn *x, uint32_t c, uint32_t p)
{
	struct xn_bstate *s;
	uint32_t b, next;

	for (b = x->bs[c].whead; b != 0; b = next) {
		s = &x->bs[b];
		next = s->wnext;
		s->wnext = 0;
		s->wprev = 0;
		if (s->flags & XN_BS_FREEING) {
			s->parent = p;
		} else if (s->parent == p) {
			s->flags &= (uint16_t)~XN_BS_MOVING;
			s->oldparent = 0;
			if (x->bs[p].nfresh > 0)
				x->bs[p].nfresh--;
			continue;
		} else {
			s->oldparent = p;
		}
		xn_wait_add(x, b, p);
	}
	x->bs[c].whead = 0;
	x->bs[c].nfreeing = 0;
}

int
xn_free(struct xn *x, uint32_t principal, uint32_t parent, uint32_t off,
        uint32_t len, const void *bytes, const struct xn_claim *claims,
        uint32_t nclaims)
{
	struct xn_bc_entry *e, *ce;
	struct xn_bstate *s, *ps;
	uint32_t i, c, w;
	int r;

	if ((r = proof_prologue(x, principal, parent, off, len, bytes, claims,
	    nclaims, XN_ACL_FREE, &e)))
		return r;
	for (i = 0; i < nclaims; i++) {
		s = &x->bs[claims[i].block];
		if (!(s->flags & XN_BS_ALLOC) || (s->flags & XN_BS_FREEING) ||
		    s->parent != parent)
			return XN_ECORRUPT;   /* state disagrees with owns */
		if (s->nchild)
			return XN_ENOTEMPTY;
		ce = xn_bc_find(x, claims[i].block);
		if (ce && ce->state == XN_BC_INFLIGHT)
			return XN_EBUSY;
	}

	memcpy((uint8_t *)e->page + off, bytes, len);
	e->state = XN_BC_DIRTY;
	ps = &x->bs[parent];
	for (i = 0; i < nclaims; i++) {
		c = claims[i].block;
		s = &x->bs[c];
		if ((ce = xn_bc_find(x, c)) != NULL) {
			if (ce->owner != principal)
				xn_bc_notify(x, ce->owner, c);
			xn_bc_drop(x, ce);
		}
		ps->nchild--;
		if (s->flags & (XN_BS_FRESH | XN_BS_MOVING))
			ps->nfresh--;
		if ((s->flags & XN_BS_FRESH) ||
		    ((ps->flags & XN_BS_FRESH) && !(s->flags & XN_BS_MOVING))) {
			/* No pointer to c has reached the disk: free now. */
			xn_release_freeing(x, c);
			memset(s, 0, sizeof *s);
			s->parent = XN_NOBLOCK;
			xn_fmap_touch(x, c);
		} else if (s->flags & XN_BS_MOVING) {
			/* The pointer on disk is in the old parent, whose
			   waiter list c is already on. */
			w = s->oldparent;
			reparent_freeing(x, c, w);
			s->flags = XN_BS_ALLOC | XN_BS_FREEING;
			s->parent = w;
			s->oldparent = 0;
		} else {
			/* Reusable once the parent without c is on disk. */
			reparent_freeing(x, c, parent);
			s->flags = XN_BS_ALLOC | XN_BS_FREEING;
			xn_wait_add(x, c, parent);
		}
	}
	return 0;
}

/* Mark block b and queue it, once (nothing outside the disk). */
static void
visit(struct xn *x, uint32_t b, uint32_t *q, uint32_t *nq)
{
	if (b >= x->nblocks || (x->bs[b].flags & XN_BS_MARK))
		return;
	x->bs[b].flags |= XN_BS_MARK;
	q[(*nq)++] = b;
}

/*
 * Would the move make write-backs wait on each other in a circle (two
 * blocks swapped between two parents, say)?  After the move, `to' waits
 * for: each fresh claimed block, the old parent of each moving one, and
 * `from' for the others.  A circle exists if one of those already waits,
 * directly or not, for `to'.  The blocks that wait for `to' are found by
 * walking the waits backwards from it, breadth first, with x->stack as
 * the queue and XN_BS_MARK as the visited mark: a fresh block's parent
 * waits for it, and so does the new parent of every MOVING block on its
 * waiter list.  Each block is visited once, so the walk costs at most the
 * blocks that wait (and their waiter lists), never a pass over the disk;
 * it runs only when a target waits for something at all.  Conservative:
 * edges the move removes still count, so a refusal can be spurious;
 * after the libFS has written back what is pending it goes through.
 */
static int
wait_cycle(struct xn *x, uint32_t from, uint32_t to,
           const struct xn_claim *c, uint32_t nc)
{
	const struct xn_bstate *s;
	uint32_t tgt[XN_MAX_CLAIMS], nt = 0, i, k, w, nq, head;
	uint32_t *q = x->stack;
	int busy = 0, cycle = 0;

	for (i = 0; i < nc; i++) {
		s = &x->bs[c[i].block];
		if (s->flags & XN_BS_FRESH)
			w = c[i].block;
		else if (s->flags & XN_BS_MOVING)
			w = s->oldparent;
		else if (!(x->bs[from].flags & XN_BS_FRESH))
			w = from;
		else
			continue;
		if (w == to && !(s->flags & XN_BS_MOVING))
			return 1;
		if (w == to)
			continue;   /* moving back: the wait ends */
		if (w < x->nblocks && x->bs[w].nfresh > 0)
			busy = 1;
		tgt[nt++] = w;
	}
	if (!busy)
		return 0;
	nq = 0;
	visit(x, to, q, &nq);
	for (head = 0; head < nq; head++) {
		s = &x->bs[q[head]];
		/* Who waits for q[head]: its parent if it is fresh, and the
		   new parent of each block moved out of it. */
		if (s->flags & XN_BS_FRESH)
			visit(x, s->parent, q, &nq);
		for (k = s->whead; k != 0; k = x->bs[k].wnext)
			if (x->bs[k].flags & XN_BS_MOVING)
				visit(x, x->bs[k].parent, q, &nq);
	}
	for (i = 0; i < nt; i++)
		if (tgt[i] < x->nblocks && (x->bs[tgt[i]].flags & XN_BS_MARK))
			cycle = 1;
	for (i = 0; i < nq; i++)
		x->bs[q[i]].flags &= (uint16_t)~XN_BS_MARK;
	return cycle;
}

/*
 * Move claimed blocks from `from' to `to' (docs/XN.md, "xn_move").  Both
 * proofs are checked before either change is applied.  Write ordering: a
 * moved block whose pointer may be on disk in `from' becomes MOVING and
 * counts as a fresh child of `to' until `from' has been written back, so
 * `to' reaches the disk only after `from' no longer points to it.  A crash
 * in between leaves the moved blocks unreachable (leaked; recovery frees
 * them), never reachable from two parents.
 */
int
xn_move(struct xn *x, uint32_t principal, uint32_t from, uint32_t off,
        uint32_t len, const void *bytes, uint32_t to, uint32_t off2,
        uint32_t len2, const void *bytes2, const struct xn_claim *claims,
        uint32_t nclaims)
{
	struct xn_bc_entry *fe, *te;
	const struct xn_tmpl *ft, *tt;
	struct xn_bstate *s, *fs, *ts;
	uint32_t na, nb, i, p, hops;
	int r;

	if ((r = prep(x, from, off, len, bytes, &fe)))
		return r;
	if ((r = prep(x, to, off2, len2, bytes2, &te)))
		return r;
	if (from == to)
		return XN_EINVAL;
	if ((ft = xn_tmpl_get(x, x->bs[from].type)) == NULL ||
	    (tt = xn_tmpl_get(x, x->bs[to].type)) == NULL)
		return XN_ETYPE;
	if ((r = check_claims(x, claims, nclaims)))
		return r;
	if ((r = authorize(x, principal, from, XN_ACL_FREE, off, len)))
		return r;
	if ((r = authorize(x, principal, to, XN_ACL_ALLOC, off2, len2)))
		return r;
	/* from loses exactly the claim ... */
	if ((r = before_after(x, ft, from, fe, off, len, bytes, &na, &nb)))
		return r;
	if ((r = diff_is_claim(x, na, nb, 0, claims, nclaims)))
		return r;
	/* ... and to gains exactly the claim, with the same types. */
	if ((r = before_after(x, tt, to, te, off2, len2, bytes2, &na, &nb)))
		return r;
	if ((r = diff_is_claim(x, na, nb, 1, claims, nclaims)))
		return r;
	for (i = 0; i < nclaims; i++) {
		s = &x->bs[claims[i].block];
		if (!(s->flags & XN_BS_ALLOC) || (s->flags & XN_BS_FREEING) ||
		    s->parent != from || s->type != claims[i].type)
			return XN_ECORRUPT;   /* state disagrees with owns */
	}
	/* No cycle: to must not be a moved block or lie below one. */
	for (p = to, hops = 0; p < x->nblocks && hops <= x->nblocks;
	     p = x->bs[p].parent, hops++)
		if (find_claim(claims, nclaims, p) >= 0)
			return XN_EPROOF;
	fs = &x->bs[from];
	ts = &x->bs[to];
	if (ts->nchild + nclaims > XN_OWNS_MAX)
		return XN_ENOSPC;
	if (wait_cycle(x, from, to, claims, nclaims))
		return XN_EORDER;

	memcpy((uint8_t *)fe->page + off, bytes, len);
	fe->state = XN_BC_DIRTY;
	memcpy((uint8_t *)te->page + off2, bytes2, len2);
	te->state = XN_BC_DIRTY;
	for (i = 0; i < nclaims; i++) {
		s = &x->bs[claims[i].block];
		fs->nchild--;
		ts->nchild++;
		if ((s->flags & XN_BS_MOVING) && s->oldparent == to) {
			/* Back where its pointer on disk is: done moving. */
			xn_wait_del(x, claims[i].block, to);
			s->flags &= (uint16_t)~XN_BS_MOVING;
			s->oldparent = 0;
			fs->nfresh--;
		} else if (s->flags & (XN_BS_FRESH | XN_BS_MOVING)) {
			/* Fresh: no pointer on disk at all.  Moving: the one
			   on disk is still in s->oldparent.  Either way to
			   waits, as from did. */
			fs->nfresh--;
			ts->nfresh++;
		} else if (!(fs->flags & XN_BS_FRESH)) {
			/* from's copy on disk may point to it. */
			s->flags |= XN_BS_MOVING;
			s->oldparent = from;
			xn_wait_add(x, claims[i].block, from);
			ts->nfresh++;
		}
		s->parent = to;
	}
	return 0;
}

/*
 * May principal change bytes [off, off+len) of block b with operation op?
 * A metadata block that has been written decides with its own acl-uf; a
 * data block or a fresh metadata block (never written since allocation)
 * is decided by its parent's acl-uf, with op XN_ACL_WRITE_CHILD.
 */
static int
authorize(struct xn *x, uint32_t principal, uint32_t b, uint32_t op,
          uint32_t off, uint32_t len)
{
	struct xn_bstate *s = &x->bs[b];
	const struct xn_tmpl *pt, *t;
	struct xn_bc_entry *pe, *e;

	if (s->type != XN_TYPE_DATA && !(s->flags & XN_BS_FRESH)) {
		t = xn_tmpl_get(x, s->type);
		e = xn_bc_find(x, b);
		if (t == NULL || e == NULL)
			return XN_ECORRUPT;
		return xn_acl(x, t, e->page, b, principal, op, off, len,
		              XN_NOBLOCK, 0);
	}
	if (s->parent == XN_PARENT_ROOT || s->parent >= x->nblocks ||
	    (pt = xn_tmpl_get(x, x->bs[s->parent].type)) == NULL)
		return XN_ECORRUPT;
	if ((pe = xn_bc_find(x, s->parent)) == NULL)
		return XN_ENOTCACHED;
	return xn_acl(x, pt, pe->page, s->parent, principal,
	              XN_ACL_WRITE_CHILD, off, len, b, s->type);
}

int
xn_write(struct xn *x, uint32_t principal, uint32_t block, uint32_t off,
         uint32_t len, const void *bytes)
{
	struct xn_bc_entry *e;
	const struct xn_tmpl *t;
	uint32_t na, nb, i;
	int r;

	if ((r = prep(x, block, off, len, bytes, &e)))
		return r;
	if ((r = authorize(x, principal, block, XN_ACL_MODIFY, off, len)))
		return r;
	if (x->bs[block].type != XN_TYPE_DATA) {
		if ((t = xn_tmpl_get(x, x->bs[block].type)) == NULL)
			return XN_ECORRUPT;
		if ((r = before_after(x, t, block, e, off, len, bytes, &na, &nb)))
			return r;
		if (na != nb)
			return XN_EPROOF;
		for (i = 0; i < na; i++) {
			if (x->set_a[i].block != x->set_b[i].block)
				return XN_EPROOF;
			if (x->set_a[i].type != x->set_b[i].type)
				return XN_ETYPE;
		}
	}
	memcpy((uint8_t *)e->page + off, bytes, len);
	e->state = XN_BC_DIRTY;
	return 0;
}

int
xn_write_many(struct xn *x, uint32_t principal, const struct xn_wr *w,
              uint32_t n, uint32_t *done)
{
	uint32_t i;
	int r = 0;

	if (done != NULL)
		*done = 0;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (w == NULL && n > 0)
		return XN_EINVAL;
	for (i = 0; i < n; i++)
		if ((r = xn_write(x, principal, w[i].block, w[i].off, w[i].len,
		    w[i].bytes)) != 0)
			break;
	if (done != NULL)
		*done = i;
	return r;
}

/* The verifier's worst case of UDF k of template type t (kept from
 * registration or mount); 0 if none. */
static uint64_t
udf_cost(struct xn *x, uint16_t t, int k)
{
	const struct xn_tmpl *tp = xn_tmpl_get(x, t);

	return tp == NULL || tp->len[k] == 0 ? 0 : tp->steps[k];
}

uint64_t
xn_write_cost(struct xn *x, uint32_t block)
{
	const struct xn_bstate *s;
	uint64_t cost;

	if (x == NULL || !x->mounted || block < x->data_start ||
	    block >= x->nblocks || !(x->bs[block].flags & XN_BS_ALLOC))
		return 0;
	s = &x->bs[block];
	if (s->type != XN_TYPE_DATA && !(s->flags & XN_BS_FRESH))
		cost = udf_cost(x, s->type, 1);
	else if (s->parent < x->nblocks)
		cost = udf_cost(x, x->bs[s->parent].type, 1);
	else
		return 0;
	if (s->type != XN_TYPE_DATA)
		cost += 2 * udf_cost(x, s->type, 0);
	return cost;
}

int
xn_udf_size(struct xn *x, uint32_t block, uint32_t *size)
{
	const struct xn_tmpl *t;
	struct xn_bc_entry *e;
	uint32_t args[1] = { block };
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (size == NULL)
		return XN_EINVAL;
	if (block < x->data_start || block >= x->nblocks)
		return XN_ERANGE;
	if (!(x->bs[block].flags & XN_BS_ALLOC))
		return XN_EFREE;
	if ((t = xn_tmpl_get(x, x->bs[block].type)) == NULL || t->len[2] == 0)
		return XN_ETYPE;
	if ((e = xn_bc_find(x, block)) == NULL)
		return XN_ENOTCACHED;
	r = xn_udf_run(t->code[2], t->len[2], e->page, XN_BLOCK_SIZE, args, 1,
	               0, x->uout);
	if (r)
		return r;
	*size = x->uout->ret;
	return 0;
}
