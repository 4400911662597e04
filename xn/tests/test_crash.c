/*
 * xn/tests/test_crash.c: crash simulation.  A workload (allocate, link,
 * write, free, reuse) runs on a memory disk that records its write stream.
 * For every prefix of the stream (a crash at that instant) the disk is
 * rebuilt, mounted (recovery) and checked with a walker independent of XN:
 * every pointer reachable from a root leads to an initialised block of the
 * type the pointer names, and no block XN considers free is reachable.
 * The batched variants write back with xn_writeback_many(), whose writes
 * between two flushes may reach the disk in any order: every subset of
 * each such wave (on top of everything before its flush) is checked;
 * half of them hand each wave to the disk's write_many.
 */
#include "testlib.h"

#define ROOT    40
#define LO      41          /* random workload uses blocks LO..HI-1 */
#define HI      64
#define DATA_START_T (35 + XN_PT_BLOCKS) /* 512 blocks: 34, the principal
                                            table, one free-map block */

/* Walk from the root in the image; check content and XN's view. */
static void
check_image(struct xn *x, const uint8_t *img, int *reach)
{
	uint32_t stack[T_NBLOCKS], sp = 0, b, c, t, rb, i;
	struct xn_block_info bi;
	const uint8_t *p;
	uint16_t rt;
	int r;

	memset(reach, 0, sizeof(int) * T_NBLOCKS);
	r = xn_root_lookup(x, "fs", &rb, &rt);
	if (r == 0) {
		ck_assert_uint_eq(rb, ROOT);
		stack[sp++] = rb;
		reach[rb] = 1;
	} else {
		ck_assert_int_eq(r, XN_ENOENT);
	}
	while (sp > 0) {
		b = stack[--sp];
		p = img + (size_t)b * XN_BLOCK_SIZE;
		ck_assert_msg(t_get32(p, 0) == T_DIRMAGIC,
		              "dir %u not initialised", b);
		for (i = 0; i < T_NENT; i++) {
			c = t_get32(p, 16 + 8 * i);
			t = t_get32(p, 20 + 8 * i);
			if (c == 0)
				continue;
			ck_assert_msg(c >= LO && c < T_NBLOCKS && !reach[c],
			              "bad pointer %u in %u", c, b);
			reach[c] = 1;
			ck_assert_int_eq(xn_block_info(x, c, &bi), 0);
			ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
			ck_assert_uint_eq(bi.type, t);
			ck_assert_uint_eq(bi.parent, b);
			if (t == T_DIR) {
				stack[sp++] = c;
			} else {
				ck_assert_uint_eq(t, XN_TYPE_DATA);
				ck_assert_msg(t_get32(img + (size_t)c * XN_BLOCK_SIZE,
				                      0) == T_DATMAGIC &&
				              t_get32(img + (size_t)c * XN_BLOCK_SIZE,
				                      4) == c,
				              "data %u (from %u) not initialised",
				              c, b);
			}
		}
	}
	/* Free in XN <=> unreachable, for every data-area block. */
	for (b = DATA_START_T; b < T_NBLOCKS; b++) {
		ck_assert_int_eq(xn_block_info(x, b, &bi), 0);
		ck_assert_msg((bi.flags != 0) == (reach[b] != 0),
		              "block %u: flags %u, reachable %d", b, bi.flags,
		              reach[b]);
	}
}

/* After recovery the disk is usable: add a block under the root. */
static void
use_after(struct fx *cf)
{
	struct xn_block_info bi;
	struct xn_bc_info ci;
	uint32_t b, slot;

	ck_assert_int_eq(t_cache(cf, P_ALICE, ROOT), 0);
	ck_assert_int_eq(xn_bc_lookup(&cf->x, ROOT, &ci), 0);
	for (slot = 0; slot < T_NENT; slot++)
		if (t_get32(ci.page, 16 + 8 * slot) == 0)
			break;
	if (slot == T_NENT)
		return;
	for (b = LO; b < T_NBLOCKS; b++) {
		ck_assert_int_eq(xn_block_info(&cf->x, b, &bi), 0);
		if (bi.flags == 0)
			break;
	}
	ck_assert_int_eq(t_link(&cf->x, P_ALICE, ROOT, (int)slot, b,
	                        XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(cf, P_ALICE, b), 0);
	ck_assert_int_eq(t_initdata(&cf->x, P_ALICE, b), 0);
	ck_assert_int_eq(xn_writeback(&cf->x, ROOT), XN_EORDER);
	ck_assert_int_eq(xn_writeback(&cf->x, b), 0);
	ck_assert_int_eq(xn_writeback(&cf->x, ROOT), 0);
}

/* Rebuild the disk at every cut of f's write log and check it. */
static void
every_cut(struct fx *f, const uint8_t *base)
{
	static struct fx cf;
	static int reach[T_NBLOCKS];
	size_t len = (size_t)T_NBLOCKS * XN_BLOCK_SIZE;
	uint32_t k;
	int r;

	fx_init(&cf, T_NBLOCKS);
	for (k = 0; k <= f->md.nlog; k++) {
		memcpy(cf.md.data, base, len);
		xn_memdisk_replay(&f->md, cf.md.data, k);
		r = fx_mount(&cf);
		ck_assert_msg(r == 0, "cut %u: mount %d", k, r);
		check_image(&cf.x, cf.md.data, reach);
		if (k % 7 == 0 && xn_root_lookup(&cf.x, "fs", NULL, NULL) == 0) {
			use_after(&cf);
			check_image(&cf.x, cf.md.data, reach);
		}
	}
	fx_done(&cf);
}

static void
check_cut(struct fx *cf, int *reach, int use)
{
	int r = fx_mount(cf);

	ck_assert_msg(r == 0, "mount %d", r);
	check_image(&cf->x, cf->md.data, reach);
	if (use && xn_root_lookup(&cf->x, "fs", NULL, NULL) == 0) {
		use_after(cf);
		check_image(&cf->x, cf->md.data, reach);
	}
}

/* Crash states with reordering: for each wave (the writes between two
   flushes), what was flushed before it plus any subset of the wave (all
   2^m subsets for m <= 6, else every prefix, every single write and every
   wave minus one write). */
static void
every_cut_reordered(struct fx *f, const uint8_t *base)
{
	static struct fx cf;
	static int reach[T_NBLOCKS];
	size_t len = (size_t)T_NBLOCKS * XN_BLOCK_SIZE;
	uint8_t *dur = malloc(len);
	uint32_t s = 0, e, m, k, j, nsub, ncut = 0;
	uint64_t mask;

	memcpy(dur, base, len);
	fx_init(&cf, T_NBLOCKS);
	while (s <= f->md.nlog) {
		for (e = s; e < f->md.nlog && f->md.log[e].block != XN_NOBLOCK;
		     e++)
			;
		m = e - s;
		nsub = m <= 6 ? 1u << m : 3 * m + 1;
		for (k = 0; k < nsub; k++) {
			if (m <= 6)
				mask = k;
			else if (k <= m)
				mask = k == 64 ? ~0ull : (1ull << k) - 1;
			else if (k <= 2 * m)
				mask = 1ull << (k - m - 1);
			else
				mask = ~(1ull << (k - 2 * m - 1));
			memcpy(cf.md.data, dur, len);
			for (j = 0; j < m && j < 64; j++)
				if (mask >> j & 1)
					memcpy(cf.md.data +
					       (size_t)f->md.log[s + j].block *
					       XN_BLOCK_SIZE,
					       f->md.log[s + j].data, XN_BLOCK_SIZE);
			check_cut(&cf, reach, ncut++ % 7 == 0);
		}
		for (j = s; j < e; j++)
			memcpy(dur + (size_t)f->md.log[j].block * XN_BLOCK_SIZE,
			       f->md.log[j].data, XN_BLOCK_SIZE);
		s = e + 1;
	}
	fx_done(&cf);
	free(dur);
}

/* batch: xn_writeback_many goes through the memory disk's write_many
   (which logs block by block, so the cuts are the same). */
static void
start_b(struct fx *f, uint8_t **base, int batch)
{
	struct xn_template t = t_dir_template();
	size_t len = (size_t)T_NBLOCKS * XN_BLOCK_SIZE;

	fx_init(f, T_NBLOCKS);
	f->batch = batch;
	*base = malloc(len);
	memcpy(*base, f->md.data, len);
	f->md.logging = 1;
	ck_assert_int_eq(fx_mount(f), 0);
	ck_assert_int_eq(xn_template_register(&f->x, P_ALICE, &t), 0);
	ck_assert_int_eq(t_mkroot(f, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(f, P_ALICE, ROOT), 0);
}

static void
start(struct fx *f, uint8_t **base)
{
	start_b(f, base, 0);
}

START_TEST(crash_scripted)
{
	struct fx f;
	struct xn *x = &f.x;
	uint8_t *base;
	uint32_t pr = P_ALICE;

	start(&f, &base);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 41), 0);
	ck_assert_int_eq(t_initdir(x, pr, 41, pr), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 0, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 1, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_cache(&f, pr, 43), 0);
	ck_assert_int_eq(t_initdata(x, pr, 42), 0);
	ck_assert_int_eq(t_initdata(x, pr, 43), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 41), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 43), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 1, 44, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, pr, 44), 0);
	ck_assert_int_eq(t_initdata(x, pr, 44), 0);
	ck_assert_int_eq(xn_writeback(x, 44), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	/* Free 43 and reuse it as a directory. */
	ck_assert_int_eq(t_unlink(x, pr, 41, 1, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 2, 43, T_DIR), XN_EBUSY);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 2, 43, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 43), 0);
	ck_assert_int_eq(t_initdir(x, pr, 43, pr), 0);
	ck_assert_int_eq(xn_writeback(x, 43), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	/* Free 42 and its directory 41; reuse both under 43, retyped. */
	ck_assert_int_eq(t_unlink(x, pr, ROOT, 0, 41, T_DIR), XN_ENOTEMPTY);
	ck_assert_int_eq(t_unlink(x, pr, 41, 0, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, pr, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_link(x, pr, 43, 0, 41, XN_TYPE_DATA), XN_EBUSY);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(t_link(x, pr, 43, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, 43, 1, 42, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 41), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_initdata(x, pr, 41), 0);
	ck_assert_int_eq(t_initdir(x, pr, 42, pr), 0);
	ck_assert_int_eq(xn_writeback(x, 43), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 43), 0);
	ck_assert_int_eq(t_initdata(x, pr, 44), 0);
	ck_assert_int_eq(xn_writeback(x, 44), 0);
	ck_assert_int_eq(xn_sync(x), 0);
	ck_assert_int_eq(xn_unmount(x), 0);
	/* about 20 block writes and their flushes (a sync writes only the
	 * map blocks that changed) */
	ck_assert_uint_gt(f.md.nlog, 30);
	every_cut(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static uint8_t *
page_of(struct xn *x, uint32_t b)
{
	struct xn_bc_info ci;

	if (xn_bc_lookup(x, b, &ci))
		return NULL;
	return ci.page;
}

/* Try at once to reuse a just-freed block c with another type. */
static void
reuse(struct fx *f, uint32_t *s, uint32_t c, uint16_t t)
{
	struct xn *x = &f->x;
	struct xn_block_info bi, ci;
	uint32_t b = rnd(s) % 2 ? ROOT : LO + rnd(s) % (HI - LO), slot;
	uint8_t *p;
	int r;

	if (xn_block_info(x, b, &bi) || bi.type != T_DIR ||
	    (bi.flags & XN_BS_FREEING) || (p = page_of(x, b)) == NULL)
		return;
	for (slot = 0; slot < T_NENT; slot++)
		if (t_get32(p, 16 + 8 * slot) == 0)
			break;
	if (slot == T_NENT)
		return;
	ck_assert_int_eq(xn_block_info(x, c, &ci), 0);
	r = t_link(x, P_ALICE, b, (int)slot, c, t);
	ck_assert_int_eq(r, ci.flags ? XN_EBUSY : 0);
	if (r)
		return;
	ck_assert_int_eq(t_cache(f, P_ALICE, c), 0);
	if (t == T_DIR)
		ck_assert_int_eq(t_initdir(x, P_ALICE, c, P_ALICE), 0);
	else
		ck_assert_int_eq(t_initdata(x, P_ALICE, c), 0);
	ck_assert_int_eq(xn_writeback(x, c), 0);
}

/* Is d at or below c in XN's tree? */
static int
below(struct xn *x, uint32_t d, uint32_t c)
{
	struct xn_block_info bi;

	while (d < T_NBLOCKS) {
		if (d == c)
			return 1;
		ck_assert_int_eq(xn_block_info(x, d, &bi), 0);
		d = bi.parent;
	}
	return 0;
}

/* Move c (entry slot of b) into a random other directory. */
static void
random_move(struct fx *f, uint32_t *s, uint32_t b, uint32_t slot, uint32_t c)
{
	struct xn *x = &f->x;
	struct xn_block_info di, ci;
	uint32_t d = rnd(s) % 3 == 0 ? ROOT : LO + rnd(s) % (HI - LO), ds;
	uint8_t *p;
	int r;

	if (d == b || xn_block_info(x, d, &di) || di.type != T_DIR ||
	    (di.flags & XN_BS_FREEING) || (p = page_of(x, d)) == NULL)
		return;
	for (ds = 0; ds < T_NENT; ds++)
		if (t_get32(p, 16 + 8 * ds) == 0)
			break;
	if (ds == T_NENT)
		return;
	ck_assert_int_eq(xn_block_info(x, c, &ci), 0);
	r = t_move(x, P_ALICE, b, (int)slot, d, (int)ds, c, ci.type);
	if (below(x, d, c))
		ck_assert_int_eq(r, XN_EPROOF);
	else
		ck_assert(r == 0 || r == XN_EORDER);
}

/* One random step on the live tree; results are checked loosely here and
   exactly by the crash check afterwards.  moves: also move blocks. */
static void
random_step(struct fx *f, uint32_t *s, int moves, int batched)
{
	struct xn *x = &f->x;
	struct xn_block_info bi, ci;
	uint32_t op = rnd(s) % (moves ? 13 : 10), b, c, slot, i;

	uint8_t *p;
	int r;

	b = rnd(s) % 2 ? ROOT : LO + rnd(s) % (HI - LO);
	if (xn_block_info(x, b, &bi) || bi.type != T_DIR ||
	    (bi.flags & XN_BS_FREEING) || (p = page_of(x, b)) == NULL)
		return;
	slot = rnd(s) % T_NENT;
	c = t_get32(p, 16 + 8 * slot);
	if (op < 4 && c == 0) {                   /* allocate */
		c = LO + rnd(s) % (HI - LO);
		ck_assert_int_eq(xn_block_info(x, c, &ci), 0);
		uint16_t t = rnd(s) % 3 ? XN_TYPE_DATA : T_DIR;
		r = t_link(x, P_ALICE, b, (int)slot, c, t);
		if (ci.flags & XN_BS_FREEING) {
			ck_assert_int_eq(r, XN_EBUSY);
			return;
		}
		if (ci.flags) {
			/* already in b: a duplicate pointer; elsewhere: in use */
			ck_assert_int_eq(r, ci.parent == b ? XN_EPROOF : XN_EINUSE);
			return;
		}
		ck_assert_int_eq(r, 0);
		ck_assert_int_eq(t_cache(f, P_ALICE, c), 0);
		if (t == T_DIR)
			ck_assert_int_eq(t_initdir(x, P_ALICE, c, P_ALICE), 0);
		else
			ck_assert_int_eq(t_initdata(x, P_ALICE, c), 0);
	} else if (op < 6 && c != 0) {            /* free */
		ck_assert_int_eq(xn_block_info(x, c, &ci), 0);
		r = t_unlink(x, P_ALICE, b, (int)slot, c, ci.type);
		ck_assert_int_eq(r, ci.nchild ? XN_ENOTEMPTY : 0);
		if (r == 0 && rnd(s) % 2)
			reuse(f, s, c, ci.type == T_DIR ? XN_TYPE_DATA : T_DIR);
	} else if (op < 7 && c != 0) {            /* rewrite data */
		ck_assert_int_eq(xn_block_info(x, c, &ci), 0);
		if (ci.type == XN_TYPE_DATA)
			ck_assert_int_eq(t_initdata(x, P_ALICE, c), 0);
	} else if (op >= 10) {                    /* move some entry of b */
		for (i = 0; i < T_NENT && c == 0; i++) {
			slot = (slot + 1) % T_NENT;
			c = t_get32(p, 16 + 8 * slot);
		}
		if (c != 0)
			random_move(f, s, b, slot, c);
	} else if (batched) {                     /* write back a set */
		uint32_t l[12], n = 0, k = 1 + rnd(s) % 12, done;

		for (i = 0; i < k; i++) {
			c = rnd(s) % 4 == 0 ? ROOT : LO + rnd(s) % (HI - LO);
			if (page_of(x, c) != NULL)
				l[n++] = c;
		}
		r = xn_writeback_many(x, l, n, &done);
		ck_assert(r == 0 || r == XN_EORDER);
		ck_assert_uint_le(done, n);
	} else {                                  /* write back any */
		c = rnd(s) % 4 == 0 ? ROOT : LO + rnd(s) % (HI - LO);
		if (page_of(x, c) == NULL)
			return;
		r = xn_writeback(x, c);
		ck_assert(r == 0 || r == XN_EORDER);
	}
}

START_TEST(crash_random)
{
	struct fx f;
	uint8_t *base;
	uint32_t seed = 0x9e3779b9u * (uint32_t)(_i + 1), i;

	start(&f, &base);
	for (i = 0; i < 600; i++)
		random_step(&f, &seed, 0, 0);
	every_cut(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

/* The same with xn_move() among the steps (about one in four). */
START_TEST(crash_random_moves)
{
	struct fx f;
	uint8_t *base;
	uint32_t seed = 0x7f4a7c15u * (uint32_t)(_i + 1), i;

	start(&f, &base);
	for (i = 0; i < 600; i++)
		random_step(&f, &seed, 1, 0);
	every_cut(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

/* Scripted: rename-like moves of data, of a whole directory, a move then
   free and reuse, a move into a fresh directory; cut at every write. */
START_TEST(crash_scripted_moves)
{
	struct fx f;
	struct xn *x = &f.x;
	uint8_t *base;
	uint32_t pr = P_ALICE;

	start(&f, &base);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 1, 42, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 41), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_initdir(x, pr, 41, pr), 0);
	ck_assert_int_eq(t_initdir(x, pr, 42, pr), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 0, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 1, 44, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, pr, 43), 0);
	ck_assert_int_eq(t_cache(&f, pr, 44), 0);
	ck_assert_int_eq(t_initdata(x, pr, 43), 0);
	ck_assert_int_eq(t_initdata(x, pr, 44), 0);
	ck_assert_int_eq(xn_writeback(x, 43), 0);
	ck_assert_int_eq(xn_writeback(x, 44), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	/* 43: 41 -> 42, written in the required order. */
	ck_assert_int_eq(t_move(x, pr, 41, 0, 42, 5, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, 42), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	/* Directory 41 (with 44) into 42. */
	ck_assert_int_eq(t_move(x, pr, ROOT, 0, 42, 6, 41, T_DIR), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	/* 44 out of 41 to the root, then freed and reused as a directory. */
	ck_assert_int_eq(t_move(x, pr, 41, 1, ROOT, 0, 44, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, pr, ROOT, 0, 44, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 44, T_DIR), XN_EBUSY);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 44, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 44), 0);
	ck_assert_int_eq(t_initdir(x, pr, 44, pr), 0);
	/* 43 into the fresh directory 44; 44 written, then 42, then root. */
	ck_assert_int_eq(t_move(x, pr, 42, 5, 44, 0, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, 44), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 44), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_sync(x), 0);
	ck_assert_int_eq(xn_unmount(x), 0);
	every_cut(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

/* Batched write-back (xn_writeback_many) among the steps, with and
   without moves, block by block and through write_many; crash states
   include every reordering inside a wave. */
START_TEST(crash_random_many)
{
	struct fx f;
	uint8_t *base;
	uint32_t seed = 0x2545f491u * (uint32_t)(_i + 1), i;

	start_b(&f, &base, (_i & 2) != 0);
	for (i = 0; i < 600; i++)
		random_step(&f, &seed, _i % 2, 1);
	every_cut_reordered(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

/* The scripted tree written with xn_writeback_many: data, flush,
   directory, flush, root, flush; every reordering inside a wave. */
START_TEST(crash_scripted_many)
{
	struct fx f;
	struct xn *x = &f.x;
	uint8_t *base;
	uint32_t pr = P_ALICE, done;
	uint32_t all[] = { ROOT, 41, 42, 43, 44, 45, 46 };

	start_b(&f, &base, 1);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 1, 42, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 41), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_initdir(x, pr, 41, pr), 0);
	ck_assert_int_eq(t_initdir(x, pr, 42, pr), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 0, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 1, 44, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, 42, 0, 45, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 43), 0);
	ck_assert_int_eq(t_cache(&f, pr, 44), 0);
	ck_assert_int_eq(t_cache(&f, pr, 45), 0);
	ck_assert_int_eq(t_initdata(x, pr, 43), 0);
	ck_assert_int_eq(t_initdata(x, pr, 44), 0);
	ck_assert_int_eq(t_initdir(x, pr, 45, pr), 0);
	ck_assert_int_eq(t_link(x, pr, 45, 0, 46, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, pr, 46), 0);
	ck_assert_int_eq(t_initdata(x, pr, 46), 0);
	ck_assert_int_eq(xn_writeback_many(x, all, 7, &done), 0);
	ck_assert_uint_eq(done, 7);
	/* free 44, move 43 from 41 to 45, rewrite 46, reuse 44 under 42 */
	ck_assert_int_eq(t_unlink(x, pr, 41, 1, 44, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_move(x, pr, 41, 0, 45, 1, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_initdata(x, pr, 46), 0);
	ck_assert_int_eq(t_link(x, pr, 42, 1, 44, T_DIR), XN_EBUSY);
	ck_assert_int_eq(xn_writeback_many(x, all, 4, &done), 0);
	ck_assert_int_eq(t_link(x, pr, 42, 1, 44, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 44), 0);
	ck_assert_int_eq(t_initdir(x, pr, 44, pr), 0);
	ck_assert_int_eq(xn_writeback_many(x, all, 7, &done), 0);
	ck_assert_int_eq(xn_sync(x), 0);
	ck_assert_int_eq(xn_unmount(x), 0);
	every_cut(&f, base);
	every_cut_reordered(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

/* A file moved up out of a directory that is then removed: the parent's
   one write drops the directory and holds the file (test_wait.c,
   move_up); cut at every write, one level and two. */
START_TEST(crash_move_up)
{
	struct fx f;
	struct xn *x = &f.x;
	uint8_t *base;
	uint32_t pr = P_ALICE, done, l[] = { 41, 42, 43, ROOT };

	start(&f, &base);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 41), 0);
	ck_assert_int_eq(t_initdir(x, pr, 41, pr), 0);
	ck_assert_int_eq(t_link(x, pr, 41, 0, 42, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_initdir(x, pr, 42, pr), 0);
	ck_assert_int_eq(t_link(x, pr, 42, 0, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, pr, 43), 0);
	ck_assert_int_eq(t_initdata(x, pr, 43), 0);
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	/* 43 up one level into 41; 42 removed; 41 written */
	ck_assert_int_eq(t_move(x, pr, 42, 0, 41, 1, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, pr, 41, 0, 42, T_DIR), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	/* 42 again below 41, 43 into it, written; then 43 up two levels
	   into ROOT, 42 and 41 removed, ROOT written */
	ck_assert_int_eq(t_link(x, pr, 41, 0, 42, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_initdir(x, pr, 42, pr), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(t_move(x, pr, 41, 1, 42, 0, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(t_move(x, pr, 42, 0, ROOT, 1, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, pr, 41, 0, 42, T_DIR), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(t_unlink(x, pr, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, pr, ROOT, 2, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, pr, 41), 0);
	ck_assert_int_eq(t_cache(&f, pr, 42), 0);
	ck_assert_int_eq(t_initdata(x, pr, 41), 0);
	ck_assert_int_eq(t_initdata(x, pr, 42), 0);
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_int_eq(xn_sync(x), 0);
	ck_assert_int_eq(xn_unmount(x), 0);
	every_cut(&f, base);
	free(base);
	fx_done(&f);
}
END_TEST

Suite *
crash_suite(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("cuts");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, crash_scripted);
	tcase_add_loop_test(tc, crash_random, 0, 8);
	tcase_add_test(tc, crash_scripted_moves);
	tcase_add_loop_test(tc, crash_random_moves, 0, 8);
	tcase_add_test(tc, crash_scripted_many);
	tcase_add_test(tc, crash_move_up);
	tcase_add_loop_test(tc, crash_random_many, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}
