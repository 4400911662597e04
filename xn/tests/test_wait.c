/*
 * xn/tests/test_wait.c: the bookkeeping that makes XN's costs follow the
 * work instead of the disk size.
 *
 * model: random alloc/free/move/rewrite/write-back/evict workloads (with
 * and without write_many).  Before each call the per-block state is
 * copied, the call's effect is recomputed on the copy by a brute-force
 * reference that scans every block, as XN did before it kept waiter
 * lists (releasing a parent's pending frees and moves, handing them to
 * the grandparent when a parent is freed, the circular-wait check of a
 * move as a fixpoint over all blocks), and the copy must equal XN's
 * state afterwards.  After every step the waiter lists must hold exactly
 * the blocks a full scan finds waiting.
 * move_up: a block moved from a directory into that directory's parent,
 * then the directory freed: the parent can be written (it waited for
 * itself before).  The crash cuts of this are in test_crash.c.
 * registry: every slot usable, ENOSPC when full, slots reused after
 * evictions, and a random insert/evict model.
 */
#include "testlib.h"

#define ROOT  40
#define A     41
#define B     42
#define D     45
#define WLO   41            /* the model uses blocks WLO..WHI-1 */
#define WHI   110
#define SLOTS 256

static struct fx f;
static struct xn *x;
static uint8_t pg[T_NBLOCKS][XN_BLOCK_SIZE];   /* block b caches in pg[b] */
static struct xn_bstate ref[T_NBLOCKS];
static uint32_t seed;
static struct {
	uint32_t release;       /* write-backs that released waiters */
	uint32_t reparent;      /* frees that handed waiters on */
	uint32_t moveback;      /* moves back to the old parent */
	uint32_t endmove;       /* moves ended by freeing the source */
	uint32_t eorder;        /* moves refused as circular */
	uint32_t many;          /* batched write-backs of several blocks */
} seen;

static uint32_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

static void
setup_n(int batch, uint32_t slots)
{
	struct xn_template t = t_dir_template();

	fx_init(&f, T_NBLOCKS);
	free(f.arena);
	f.arena_len = xn_arena_size(T_NBLOCKS, slots);
	f.arena = malloc(f.arena_len);
	ck_assert_ptr_nonnull(f.arena);
	x = &f.x;
	ck_assert_int_eq(xn_mount(x, &f.md.disk, f.arena, f.arena_len, slots,
	                          NULL), 0);
	if (batch)
		ck_assert_int_eq(xn_set_batch(x, &xn_memdisk_batch), 0);
	ck_assert_int_eq(xn_template_register(x, P_ALICE, &t), 0);
	ck_assert_int_eq(t_mkroot(&f, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, ROOT, pg[ROOT]), 0);
}

static void
setup(void)
{
	setup_n(0, T_BCSLOTS);
}

static void
teardown(void)
{
	fx_done(&f);
}

/* ---- the reference: the old full scans, on a copy of the state ------ */

static void
ref_take(void)
{
	memcpy(ref, x->bs, sizeof ref);
}

static void
ref_release(uint32_t p)
{
	struct xn_bstate *s;
	uint32_t i;

	for (i = 0; i < T_NBLOCKS; i++) {
		s = &ref[i];
		if ((s->flags & XN_BS_FREEING) && s->parent == p) {
			memset(s, 0, sizeof *s);
			s->parent = XN_NOBLOCK;
		} else if ((s->flags & XN_BS_MOVING) && s->oldparent == p) {
			s->flags &= (uint16_t)~XN_BS_MOVING;
			s->oldparent = 0;
			if (s->parent < T_NBLOCKS && ref[s->parent].nfresh > 0)
				ref[s->parent].nfresh--;
		}
	}
	ref[p].nfreeing = 0;
}

/* c is freed: what waited for it waits for p (a move into p ends). */
static void
ref_reparent(uint32_t c, uint32_t p)
{
	struct xn_bstate *s;
	uint32_t i;

	if (ref[c].nfreeing)
		seen.reparent++;
	for (i = 0; i < T_NBLOCKS; i++) {
		s = &ref[i];
		if ((s->flags & XN_BS_FREEING) && s->parent == c) {
			s->parent = p;
			ref[p].nfreeing++;
		} else if ((s->flags & XN_BS_MOVING) && s->oldparent == c) {
			if (s->parent == p) {
				s->flags &= (uint16_t)~XN_BS_MOVING;
				s->oldparent = 0;
				ref[p].nfresh--;
				seen.endmove++;
			} else {
				s->oldparent = p;
				ref[p].nfreeing++;
			}
		}
	}
	ref[c].nfreeing = 0;
}

static void
ref_alloc(uint32_t parent, uint32_t c, uint16_t type)
{
	memset(&ref[c], 0, sizeof ref[c]);
	ref[c].flags = XN_BS_ALLOC | XN_BS_FRESH;
	ref[c].type = type;
	ref[c].parent = parent;
	ref[parent].nchild++;
	ref[parent].nfresh++;
}

static void
ref_free(uint32_t parent, uint32_t c)
{
	struct xn_bstate *s = &ref[c], *ps = &ref[parent];
	uint32_t w;

	ps->nchild--;
	if (s->flags & (XN_BS_FRESH | XN_BS_MOVING))
		ps->nfresh--;
	if ((s->flags & XN_BS_FRESH) ||
	    ((ps->flags & XN_BS_FRESH) && !(s->flags & XN_BS_MOVING))) {
		ref_release(c);
		memset(s, 0, sizeof *s);
		s->parent = XN_NOBLOCK;
	} else if (s->flags & XN_BS_MOVING) {
		w = s->oldparent;
		ref_reparent(c, w);
		s->flags = XN_BS_ALLOC | XN_BS_FREEING;
		s->parent = w;
		s->oldparent = 0;
	} else {
		ref_reparent(c, parent);
		s->flags = XN_BS_ALLOC | XN_BS_FREEING;
		ps->nfreeing++;
	}
}

static void
ref_move(uint32_t from, uint32_t to, uint32_t c)
{
	struct xn_bstate *s = &ref[c], *fs = &ref[from], *ts = &ref[to];

	fs->nchild--;
	ts->nchild++;
	if ((s->flags & XN_BS_MOVING) && s->oldparent == to) {
		s->flags &= (uint16_t)~XN_BS_MOVING;
		s->oldparent = 0;
		fs->nfresh--;
		ts->nfreeing--;
		seen.moveback++;
	} else if (s->flags & (XN_BS_FRESH | XN_BS_MOVING)) {
		fs->nfresh--;
		ts->nfresh++;
	} else if (!(fs->flags & XN_BS_FRESH)) {
		s->flags |= XN_BS_MOVING;
		s->oldparent = from;
		fs->nfreeing++;
		ts->nfresh++;
	}
	s->parent = to;
}

static void
ref_written(uint32_t b)
{
	struct xn_bstate *s = &ref[b];

	if (s->flags & XN_BS_FRESH) {
		s->flags &= (uint16_t)~XN_BS_FRESH;
		if (s->parent < T_NBLOCKS && ref[s->parent].nfresh > 0)
			ref[s->parent].nfresh--;
	}
	if (ref[b].nfreeing)
		seen.release++;
	ref_release(b);
}

/* The old circular-wait check, a fixpoint over every block (unbounded). */
static int
ref_wait_cycle(uint32_t from, uint32_t to, uint32_t c)
{
	static uint8_t mark[T_NBLOCKS];
	const struct xn_bstate *s = &ref[c];
	uint32_t w, k;
	int changed;

	if (s->flags & XN_BS_FRESH)
		w = c;
	else if (s->flags & XN_BS_MOVING)
		w = s->oldparent;
	else if (!(ref[from].flags & XN_BS_FRESH))
		w = from;
	else
		return 0;
	if (w == to)
		return !(s->flags & XN_BS_MOVING);
	if (ref[w].nfresh == 0)
		return 0;
	memset(mark, 0, sizeof mark);
	mark[to] = 1;
	do {
		changed = 0;
		for (k = 0; k < T_NBLOCKS; k++) {
			s = &ref[k];
			if (s->parent >= T_NBLOCKS || mark[s->parent])
				continue;
			if (((s->flags & XN_BS_FRESH) && mark[k]) ||
			    ((s->flags & XN_BS_MOVING) &&
			     s->oldparent < T_NBLOCKS && mark[s->oldparent])) {
				mark[s->parent] = 1;
				changed = 1;
			}
		}
	} while (changed);
	return mark[w];
}

/* XN's state equals the reference (the list links aside).  Checked with
   plain ifs: a ck_assert per block would cost a write per assertion. */
static void
ref_check(const char *what)
{
	const struct xn_bstate *a, *r;
	uint32_t i;

	for (i = 0; i < T_NBLOCKS; i++) {
		a = &x->bs[i];
		r = &ref[i];
		if (a->parent != r->parent || a->oldparent != r->oldparent ||
		    a->type != r->type || a->flags != r->flags ||
		    a->nchild != r->nchild || a->nfresh != r->nfresh ||
		    a->nfreeing != r->nfreeing)
			ck_abort_msg("%s: block %u: xn {p %u op %u t %u f %x "
			             "c %u fr %u w %u} ref {p %u op %u t %u f %x "
			             "c %u fr %u w %u}", what, i, a->parent,
			             a->oldparent, a->type, a->flags, a->nchild,
			             a->nfresh, a->nfreeing, r->parent,
			             r->oldparent, r->type, r->flags, r->nchild,
			             r->nfresh, r->nfreeing);
	}
}

/* The waiter lists hold exactly what a scan of every block finds. */
static void
lists_check(void)
{
	static uint32_t on[T_NBLOCKS];
	const struct xn_bstate *s;
	uint32_t w, b, prev, n, total = 0, waiting = 0, i, want;

	memset(on, 0, sizeof on);
	for (w = 0; w < T_NBLOCKS; w++) {
		for (b = x->bs[w].whead, prev = 0, n = 0; b != 0;
		     prev = b, b = x->bs[b].wnext, n++) {
			if (b >= T_NBLOCKS || n >= T_NBLOCKS)
				ck_abort_msg("list of %u runs away", w);
			if (x->bs[b].wprev != prev)
				ck_abort_msg("block %u: wprev %u, not %u", b,
				             x->bs[b].wprev, prev);
			if (on[b] != 0)
				ck_abort_msg("block %u on two lists", b);
			on[b] = w + 1;
			s = &x->bs[b];
			if (!((s->flags & XN_BS_FREEING) && s->parent == w) &&
			    !((s->flags & XN_BS_MOVING) && s->oldparent == w))
				ck_abort_msg("block %u on %u's list: flags %x, "
				             "parent %u, oldparent %u", b, w,
				             s->flags, s->parent, s->oldparent);
		}
		if (n != x->bs[w].nfreeing)
			ck_abort_msg("block %u: %u waiting, nfreeing %u", w, n,
			             x->bs[w].nfreeing);
		total += n;
	}
	for (i = 0; i < T_NBLOCKS; i++) {
		s = &x->bs[i];
		if (s->flags & ~(XN_BS_ALLOC | XN_BS_FRESH | XN_BS_FREEING |
		                 XN_BS_MOVING))
			ck_abort_msg("block %u: flags %x", i, s->flags);
		want = s->flags & XN_BS_FREEING ? s->parent :
		       s->flags & XN_BS_MOVING ? s->oldparent : XN_NOBLOCK;
		if (want == XN_NOBLOCK ? on[i] != 0 || s->wnext != 0 ||
		                         s->wprev != 0
		                       : on[i] != want + 1)
			ck_abort_msg("block %u: on list %u, waits for %u", i,
			             on[i] - 1, want);
		waiting += want != XN_NOBLOCK;
		/* a block being freed has nobody waiting for it */
		if ((s->flags & XN_BS_FREEING) && s->whead != 0)
			ck_abort_msg("block %u is freed, %u waits for it", i,
			             s->whead);
	}
	if (total != waiting)
		ck_abort_msg("%u on lists, %u waiting", total, waiting);
}

/* ---- the random workload -------------------------------------------- */

static uint8_t *
page_of(uint32_t b)
{
	struct xn_bc_info ci;

	return xn_bc_lookup(x, b, &ci) ? NULL : ci.page;
}

static int
free_slot(const uint8_t *p)
{
	int i;

	for (i = 0; i < T_NENT; i++)
		if (t_get32(p, 16 + 8 * (uint32_t)i) == 0)
			return i;
	return -1;
}

static uint32_t
any_block(void)
{
	return rnd() % 4 == 0 ? ROOT : WLO + rnd() % (WHI - WLO);
}

/* A directory block that may be changed now, cached; or NOBLOCK. */
static uint32_t
pick_dir(void)
{
	uint32_t b = any_block();
	const struct xn_bstate *s = &x->bs[b];

	if (s->type != T_DIR || !(s->flags & XN_BS_ALLOC) ||
	    (s->flags & XN_BS_FREEING))
		return XN_NOBLOCK;
	if (page_of(b) == NULL &&
	    xn_bc_insert(x, P_ALICE, b, pg[b]) != 0)
		return XN_NOBLOCK;
	return b;
}

static void
do_alloc(uint32_t b, uint8_t *p)
{
	uint32_t c = WLO + rnd() % (WHI - WLO);
	uint16_t t = rnd() % 3 ? XN_TYPE_DATA : T_DIR;
	int slot = free_slot(p), r;

	if (slot < 0)
		return;
	ref_take();
	r = t_link(x, P_ALICE, b, slot, c, t);
	if (r == 0)
		ref_alloc(b, c, t);
	ref_check("alloc");
	if (r)
		return;
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, c, pg[c]), 0);
	if (t == T_DIR)
		ck_assert_int_eq(t_initdir(x, P_ALICE, c, P_ALICE), 0);
	else
		ck_assert_int_eq(t_initdata(x, P_ALICE, c), 0);
}

static void
do_free(uint32_t b, int slot, uint32_t c)
{
	int r;

	ref_take();
	r = t_unlink(x, P_ALICE, b, slot, c, x->bs[c].type);
	if (r == 0)
		ref_free(b, c);
	else    /* owns blocks; a fresh b's parent (its acl) not cached */
		ck_assert(r == XN_ENOTEMPTY || r == XN_ENOTCACHED);
	ref_check("free");
}

static void
do_move(uint32_t b, int slot, uint32_t c, uint32_t d)
{
	uint8_t *p;
	int ds, r, cyc;

	if (d == XN_NOBLOCK || d == b || (p = page_of(d)) == NULL ||
	    (ds = free_slot(p)) < 0)
		return;
	ref_take();
	cyc = ref_wait_cycle(b, d, c);
	r = t_move(x, P_ALICE, b, slot, d, ds, c, x->bs[c].type);
	if (r == 0) {
		ck_assert_msg(!cyc, "move %u: %u -> %u accepted, a circle", c,
		              b, d);
		ref_move(b, d, c);
	} else if (r == XN_EORDER) {
		ck_assert_msg(cyc, "move %u: %u -> %u refused, no circle", c,
		              b, d);
		seen.eorder++;
	} else {        /* d below c; an acl's parent not cached */
		ck_assert(r == XN_EPROOF || r == XN_ENOTCACHED);
	}
	ref_check("move");
}

static void
do_writeback(void)
{
	uint32_t b = any_block();
	struct xn_bc_info ci;
	int r;

	if (xn_bc_lookup(x, b, &ci))
		return;
	ref_take();
	r = xn_writeback(x, b);
	ck_assert(r == 0 || r == XN_EORDER);
	if (r == 0 && ci.state == XN_BC_DIRTY)
		ref_written(b);
	ref_check("writeback");
}

static void
do_writeback_many(void)
{
	uint32_t l[16], n = 0, k = 1 + rnd() % 16, i, j, done, ndone = 0;
	uint8_t before[16];
	struct xn_bc_info ci;
	int r, dup;

	for (i = 0; i < k; i++) {
		l[n] = any_block();
		if (xn_bc_lookup(x, l[n], &ci) == 0)
			before[n++] = ci.state;
	}
	ref_take();
	r = xn_writeback_many(x, l, n, &done);
	ck_assert(r == 0 || r == XN_EORDER);
	for (i = 0; i < n; i++) {
		for (j = 0, dup = 0; j < i; j++)
			dup |= l[j] == l[i];
		ck_assert_int_eq(xn_bc_lookup(x, l[i], &ci), 0);
		if (!dup && before[i] == XN_BC_DIRTY &&
		    ci.state == XN_BC_CLEAN) {
			ref_written(l[i]);
			ndone++;
		}
	}
	ck_assert_uint_eq(done, ndone);
	seen.many += ndone > 1;
	ref_check("writeback_many");
}

/* Directory c (entry slot of b): free what it holds, then c itself;
   with up, first move one of its entries up into b. */
static void
rmdir_steps(uint32_t b, int slot, uint32_t c, int up)
{
	uint8_t *p;
	uint32_t e;
	int i;

	if (x->bs[c].type != T_DIR)
		return;
	if ((p = page_of(c)) == NULL) {
		if (xn_bc_insert(x, P_ALICE, c, pg[c]) != 0)
			return;
		p = pg[c];
	}
	for (i = 0; i < T_NENT; i++) {
		if ((e = t_get32(p, 16 + 8 * (uint32_t)i)) == 0)
			continue;
		if (up) {
			do_move(c, i, e, b);
			up = 0;
		} else {
			do_free(c, i, e);
		}
	}
	do_free(b, slot, c);
}

static void
step(void)
{
	uint32_t b = pick_dir(), op = rnd() % 18, c, i;
	uint8_t *p;
	int slot;

	if (b == XN_NOBLOCK || (p = page_of(b)) == NULL)
		return;
	slot = (int)(rnd() % T_NENT);
	c = t_get32(p, 16 + 8 * (uint32_t)slot);
	if (op < 5) {
		if (c == 0)
			do_alloc(b, p);
	} else if (op < 8) {
		if (c != 0)
			do_free(b, slot, c);
	} else if (op < 9) {
		if (c != 0 && x->bs[c].type == XN_TYPE_DATA) {
			if (page_of(c) == NULL)
				ck_assert_int_eq(xn_bc_insert(x, P_ALICE, c,
				                              pg[c]), 0);
			ck_assert_int_eq(t_initdata(x, P_ALICE, c), 0);
		}
	} else if (op < 11) {
		for (i = 0; i < T_NENT && c == 0; i++) {
			slot = (slot + 1) % T_NENT;
			c = t_get32(p, 16 + 8 * (uint32_t)slot);
		}
		if (c != 0)
			do_move(b, slot, c, pick_dir());
	} else if (op < 13) {
		do_writeback();
	} else if (op < 15) {
		do_writeback_many();
	} else if (op < 16) {
		c = any_block();
		if (c != ROOT && page_of(c) != NULL)
			(void)xn_bc_evict(x, P_ALICE, c);
	} else if (c != 0) {
		rmdir_steps(b, slot, c, op == 17);
	}
	lists_check();
}

START_TEST(model)
{
	uint32_t i;

	fx_done(&f);
	setup_n(_i % 2, SLOTS);
	seed = 0x51ed2701u * (uint32_t)(_i + 1);
	for (i = 0; i < 3000; i++)
		step();
	/* everything written back: nothing waits any more */
	for (i = 0; i < 8; i++) {
		uint32_t l[WHI - WLO + 1], n = 0, b;

		for (b = WLO; b < WHI; b++)
			if (page_of(b) != NULL)
				l[n++] = b;
		l[n++] = ROOT;
		(void)xn_writeback_many(x, l, n, NULL);
		lists_check();
	}
}
END_TEST

/* Over all seeds the workload reached every case it is meant to test. */
START_TEST(model_coverage)
{
	uint32_t i, k;

	memset(&seen, 0, sizeof seen);
	for (k = 0; k < 4; k++) {
		fx_done(&f);
		setup_n((int)k % 2, SLOTS);
		seed = 0x51ed2701u * (k + 1);
		for (i = 0; i < 3000; i++)
			step();
	}
	ck_assert_uint_ge(seen.release, 10);
	ck_assert_uint_ge(seen.reparent, 10);
	ck_assert_uint_gt(seen.moveback, 0);
	ck_assert_uint_gt(seen.endmove, 0);
	ck_assert_uint_gt(seen.eorder, 0);
	ck_assert_uint_gt(seen.many, 20);
}
END_TEST

/* ROOT{A{D}} on disk; D moves up into ROOT and A is removed: ROOT now
   holds the only new pointer to D and drops A (and A's old pointer) in
   one write, so it may be written. */
START_TEST(move_up)
{
	struct xn_block_info bi;
	uint32_t l[] = { A, D, ROOT }, done;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, A), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, A, P_ALICE), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, A, 0, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, D), 0);
	ck_assert_int_eq(t_initdata(x, P_ALICE, D), 0);
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, A, 0, ROOT, 1, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_block_info(x, D, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_MOVING);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(xn_block_info(x, D, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	ck_assert_uint_eq(bi.parent, ROOT);
	ck_assert_int_eq(xn_block_info(x, A, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_FREEING);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_block_info(x, A, &bi), 0);
	ck_assert_uint_eq(bi.flags, 0);
	ck_assert_uint_eq(x->bs[ROOT].nfreeing, 0);
	ck_assert_uint_eq(x->bs[ROOT].nfresh, 0);
	/* two levels: ROOT{B{A{D}}}, D up to ROOT, A and B removed */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 2, B, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, B), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, B, P_ALICE), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, B, 0, A, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, A), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, A, P_ALICE), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 1, A, 0, D, XN_TYPE_DATA),
	                 XN_EORDER);   /* A is fresh and waits for ROOT */
	l[0] = A, l[1] = B;
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 1, A, 0, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, A, 0, ROOT, 1, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, B, 0, A, T_DIR), 0);
	ck_assert_int_eq(xn_block_info(x, D, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_MOVING);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 2, B, T_DIR), 0);
	ck_assert_int_eq(xn_block_info(x, D, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_block_info(x, A, &bi), 0);
	ck_assert_uint_eq(bi.flags, 0);
	ck_assert_int_eq(xn_block_info(x, B, &bi), 0);
	ck_assert_uint_eq(bi.flags, 0);
	lists_check();
}
END_TEST

/* Every slot can be used; a full registry refuses; evicted slots are
   used again, and only as many as were evicted. */
START_TEST(slots_reused)
{
	uint32_t b, n = 0, k, blocks[64];
	struct xn_bc_info ci;
	int slot = 1;

	/* ROOT holds dir A and 31 data blocks, A holds 32: 63 fresh blocks
	   for 62 free slots (ROOT and A take two). */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, A, pg[A]), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, A, P_ALICE), 0);
	for (b = 100; b < 163; b++, slot++) {
		if (slot < T_NENT)
			ck_assert_int_eq(t_link(x, P_ALICE, ROOT, slot, b,
			                        XN_TYPE_DATA), 0);
		else
			ck_assert_int_eq(t_link(x, P_ALICE, A, slot - T_NENT,
			                        b, XN_TYPE_DATA), 0);
		blocks[n++] = b;
	}
	for (k = 0; k < T_BCSLOTS - 2; k++)
		ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[k],
		                              pg[blocks[k]]), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[62], pg[blocks[62]]),
	                 XN_ENOSPC);
	/* write back and evict three, in scattered slots */
	for (k = 5; k < 40; k += 15) {
		ck_assert_int_eq(t_initdata(x, P_ALICE, blocks[k]), 0);
		ck_assert_int_eq(xn_writeback(x, blocks[k]), 0);
		ck_assert_int_eq(xn_bc_evict(x, P_ALICE, blocks[k]), 0);
	}
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[62], pg[blocks[62]]),
	                 0);
	ck_assert_int_eq(xn_bc_lookup(x, blocks[62], &ci), 0);
	ck_assert_ptr_eq(ci.page, pg[blocks[62]]);
	ck_assert_int_eq(ci.state, XN_BC_DIRTY);
	/* evicted blocks come back, read from disk */
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[5], pg[300]), 0);
	ck_assert_int_eq(xn_bc_lookup(x, blocks[5], &ci), 0);
	ck_assert_ptr_eq(ci.page, pg[300]);
	ck_assert_int_eq(ci.state, XN_BC_CLEAN);
	ck_assert_uint_eq(t_get32(pg[300], 4), blocks[5]);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[20], pg[301]), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[35], pg[302]),
	                 XN_ENOSPC);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, blocks[5]), 0);
	ck_assert_int_eq(xn_bc_lookup(x, blocks[5], &ci), XN_ENOENT);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[35], pg[302]), 0);
	ck_assert_int_eq(xn_bc_lookup(x, blocks[35], &ci), 0);
	ck_assert_ptr_eq(ci.page, pg[302]);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, blocks[5], pg[300]),
	                 XN_ENOSPC);
	/* every other entry is where it was put */
	for (k = 0; k < T_BCSLOTS - 2; k++) {
		if (k == 5 || k == 20 || k == 35)
			continue;
		ck_assert_int_eq(xn_bc_lookup(x, blocks[k], &ci), 0);
		ck_assert_ptr_eq(ci.page, pg[blocks[k]]);
	}
}
END_TEST

/* Random inserts and evictions of clean blocks against a count. */
START_TEST(slots_random)
{
	uint8_t in[64] = { 0 };
	uint32_t b, i, k, n = 1, slot = 0;
	int r;

	/* 63 data blocks under ROOT and A, each written once */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, A, pg[A]), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, A, P_ALICE), 0);
	n++;
	for (k = 0; k < 63; k++) {
		b = 100 + k;
		if (k < T_NENT - 1)
			ck_assert_int_eq(t_link(x, P_ALICE, ROOT, (int)k + 1, b,
			                        XN_TYPE_DATA), 0);
		else
			ck_assert_int_eq(t_link(x, P_ALICE, A, (int)slot++, b,
			                        XN_TYPE_DATA), 0);
		ck_assert_int_eq(xn_bc_insert(x, P_ALICE, b, pg[b]), 0);
		ck_assert_int_eq(t_initdata(x, P_ALICE, b), 0);
		ck_assert_int_eq(xn_writeback(x, b), 0);
		ck_assert_int_eq(xn_bc_evict(x, P_ALICE, b), 0);
	}
	seed = 12345;
	for (i = 0; i < 5000; i++) {
		k = rnd() % 63;
		b = 100 + k;
		if (in[k]) {
			ck_assert_int_eq(xn_bc_evict(x, P_ALICE, b), 0);
			in[k] = 0;
			n--;
			continue;
		}
		r = xn_bc_insert(x, P_ALICE, b, pg[b]);
		if (n == T_BCSLOTS) {
			ck_assert_int_eq(r, XN_ENOSPC);
		} else {
			ck_assert_int_eq(r, 0);
			ck_assert_uint_eq(t_get32(pg[b], 4), b);
			in[k] = 1;
			n++;
		}
	}
}
END_TEST

Suite *
wait_suite(void)
{
	Suite *s = suite_create("wait");
	TCase *tm = tcase_create("model");
	TCase *tc = tcase_create("cases");

	tcase_set_timeout(tm, 120);
	tcase_add_checked_fixture(tm, setup, teardown);
	tcase_add_loop_test(tm, model, 0, 8);
	tcase_add_test(tm, model_coverage);
	suite_add_tcase(s, tm);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, move_up);
	tcase_add_test(tc, slots_reused);
	tcase_add_test(tc, slots_random);
	suite_add_tcase(s, tc);
	return s;
}
