/*
 * xn/tests/test_wbmany.c: xn_writeback_many(), batched write-back: the
 * exact write and flush stream (children, flush, parents, flush), what is
 * held back (XN_EORDER) and what is refused before anything is written,
 * pending frees and moves released only after the flush that follows the
 * parent, and a failing write or flush.  The same tests run again with
 * the disk's write_many attached (xn_set_batch), plus: each wave is one
 * write_many call (or one per XN_WRITE_MANY_MAX blocks) and no single
 * writes, the result is the same stream and disk as block by block, and
 * a failing write_many or flush leaves the whole wave dirty.  Crash cuts
 * (with the writes of a wave reordered) are in test_crash.c.
 */
#include <stdio.h>
#include "testlib.h"

#define ROOT 40
#define A    41     /* dir */
#define B    42     /* dir */
#define D    45     /* data in A */
#define E    46     /* data in A */
#define F    47     /* data in A (count_fail) */

static struct fx f;
static struct xn *x;

static void
setup(void)
{
	fx_setup(&f);
	x = &f.x;
	ck_assert_int_eq(t_mkroot(&f, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, ROOT), 0);
}

/* The same, with the memory disk's write_many attached. */
static void
setup_batch(void)
{
	struct xn_template t = t_dir_template();

	fx_init(&f, T_NBLOCKS);
	f.batch = 1;
	ck_assert_int_eq(fx_mount(&f), 0);
	ck_assert_int_eq(xn_template_register(&f.x, P_ALICE, &t), 0);
	x = &f.x;
	ck_assert_int_eq(t_mkroot(&f, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, ROOT), 0);
}

static void
teardown(void)
{
	fx_done(&f);
}

static void
mk(uint32_t dir, int slot, uint32_t b, uint16_t type)
{
	ck_assert_int_eq(t_link(x, P_ALICE, dir, slot, b, type), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, b), 0);
	if (type == T_DIR)
		ck_assert_int_eq(t_initdir(x, P_ALICE, b, P_ALICE), 0);
	else
		ck_assert_int_eq(t_initdata(x, P_ALICE, b), 0);
}

/* The logged stream as a string: block numbers, 'F' for a flush. */
static const char *
stream(void)
{
	static char s[512];
	size_t n = 0;
	uint32_t i;

	s[0] = 0;
	for (i = 0; i < f.md.nlog && n < sizeof(s) - 16; i++) {
		if (f.md.log[i].block == XN_NOBLOCK)
			n += (size_t)snprintf(s + n, sizeof(s) - n, "F ");
		else
			n += (size_t)snprintf(s + n, sizeof(s) - n, "%u ",
			                      f.md.log[i].block);
	}
	return s;
}

static void
logstart(void)
{
	xn_memdisk_log_clear(&f.md);
	f.md.logging = 1;
}

static uint8_t
state(uint32_t b)
{
	struct xn_bc_info ci;

	ck_assert_int_eq(xn_bc_lookup(x, b, &ci), 0);
	return ci.state;
}

/* ROOT{A{D, E}} all fresh: three waves, one flush each. */
START_TEST(waves)
{
	uint32_t l[] = { ROOT, A, D, E }, done = 99;
	struct xn_block_info bi;

	mk(ROOT, 0, A, T_DIR);
	mk(A, 0, D, XN_TYPE_DATA);
	mk(A, 1, E, XN_TYPE_DATA);
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_uint_eq(done, 4);
	ck_assert_str_eq(stream(), "45 46 F 41 F 40 F ");
	ck_assert_int_eq(state(ROOT), XN_BC_CLEAN);
	ck_assert_int_eq(xn_block_info(x, A, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	/* all clean: nothing written, no flush */
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_uint_eq(done, 0);
	ck_assert_uint_eq(f.md.nlog, 0);
	ck_assert_int_eq(xn_writeback_many(x, NULL, 0, NULL), 0);
}
END_TEST

/* Children missing from the list: what can go goes, the rest is held. */
START_TEST(held)
{
	uint32_t l[] = { ROOT, A, D }, done = 99;

	mk(ROOT, 0, A, T_DIR);
	mk(A, 0, D, XN_TYPE_DATA);
	mk(A, 1, E, XN_TYPE_DATA);
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), XN_EORDER);
	ck_assert_uint_eq(done, 1);
	ck_assert_str_eq(stream(), "45 F ");
	ck_assert_int_eq(state(A), XN_BC_DIRTY);
	ck_assert_int_eq(state(ROOT), XN_BC_DIRTY);
	ck_assert_int_eq(xn_writeback(x, A), XN_EORDER);
	l[2] = E;
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), 0);
	ck_assert_uint_eq(done, 3);
	ck_assert_str_eq(stream(), "45 F 46 F 41 F 40 F ");
}
END_TEST

/* Refusals come before any write. */
START_TEST(refused)
{
	uint32_t l[3] = { D, ROOT, 0 }, done = 99;

	mk(ROOT, 0, D, XN_TYPE_DATA);
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, NULL, 1, &done), XN_EINVAL);
	l[2] = T_NBLOCKS;
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), XN_ERANGE);
	l[2] = 3;                       /* XN's own area */
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), XN_ERANGE);
	l[2] = 50;                      /* free, not cached */
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), XN_ENOTCACHED);
	ck_assert_uint_eq(done, 0);
	ck_assert_uint_eq(f.md.nlog, 0);
	ck_assert_int_eq(state(D), XN_BC_DIRTY);
	/* duplicates are written once */
	l[2] = D;
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), 0);
	ck_assert_uint_eq(done, 2);
	ck_assert_str_eq(stream(), "45 F 40 F ");
	ck_assert_int_eq(xn_unmount(x), 0);
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), XN_ENOTMOUNTED);
	ck_assert_int_eq(fx_mount(&f), 0);
}
END_TEST

/* A freed block is reusable only after the flush after its parent; a
   move's destination goes in the wave after its source. */
START_TEST(free_and_move)
{
	uint32_t l[] = { B, A, ROOT }, done;

	mk(ROOT, 0, A, T_DIR);
	mk(ROOT, 1, B, T_DIR);
	mk(A, 0, D, XN_TYPE_DATA);
	mk(A, 1, E, XN_TYPE_DATA);
	ck_assert_int_eq(xn_writeback(x, D), 0);
	ck_assert_int_eq(xn_writeback(x, E), 0);
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), 0);
	ck_assert_uint_eq(done, 3);
	ck_assert_int_eq(t_unlink(x, P_ALICE, A, 1, E, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, A, 0, B, 0, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 2, E, T_DIR), XN_EBUSY);
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 2, &done), 0);
	ck_assert_uint_eq(done, 2);
	ck_assert_str_eq(stream(), "41 F 42 F ");
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 2, E, T_DIR), 0);
}
END_TEST

/* A failing write: EIO, the block stays dirty, what was written before
   it in the wave is flushed and clean; a later call finishes. */
START_TEST(eio)
{
	uint32_t l[] = { D, E, A, ROOT }, done;

	mk(ROOT, 0, A, T_DIR);
	mk(A, 0, D, XN_TYPE_DATA);
	mk(A, 1, E, XN_TYPE_DATA);
	logstart();
	f.md.fail_after = (int64_t)f.md.nwrites + 1;
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), XN_EIO);
	ck_assert_uint_eq(done, 1);
	ck_assert_int_eq(state(D), XN_BC_CLEAN);
	ck_assert_int_eq(state(E), XN_BC_DIRTY);
	ck_assert_int_eq(state(A), XN_BC_DIRTY);
	f.md.fail_after = -1;
	ck_assert_int_eq(xn_writeback(x, A), XN_EORDER);
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_uint_eq(done, 3);
}
END_TEST

/*
 * A disk over the fixture's memory disk that counts what XN asks of it
 * and can fail a write_many (after writing some of its blocks) or a
 * flush.
 */
struct cdisk {
	struct xn_disk disk;
	struct xn_memdisk *md;
	uint32_t writes, flushes, many, manyblocks, maxmany;
	int fail_many;          /* > 0: that many blocks go, then failure */
	int fail_flush;
	uint32_t last[64], nlast; /* blocks of the last write_many */
};

static struct cdisk cd;

static int
cd_read(void *ctx, uint32_t b, void *buf)
{
	struct cdisk *c = ctx;

	return c->md->disk.ops->read(c->md, b, buf);
}

static int
cd_write(void *ctx, uint32_t b, const void *buf)
{
	struct cdisk *c = ctx;

	c->writes++;
	return c->md->disk.ops->write(c->md, b, buf);
}

static int
cd_flush(void *ctx)
{
	struct cdisk *c = ctx;

	c->flushes++;
	if (c->fail_flush)
		return -1;
	return c->md->disk.ops->flush(c->md);
}

static int
cd_write_many(void *ctx, const uint32_t *blocks, const void *const *pages,
              uint32_t n)
{
	struct cdisk *c = ctx;
	uint32_t i;

	c->many++;
	c->manyblocks += n;
	if (n > c->maxmany)
		c->maxmany = n;
	c->nlast = n < 64 ? n : 64;
	memcpy(c->last, blocks, sizeof(uint32_t) * c->nlast);
	if (c->fail_many > 0) {
		for (i = 0; i < n && i < (uint32_t)c->fail_many; i++)
			ck_assert_int_eq(c->md->disk.ops->write(c->md,
			                 blocks[i], pages[i]), 0);
		return -1;
	}
	return xn_memdisk_batch.write_many(c->md, blocks, pages, n);
}

static const struct xn_disk_ops cd_ops = { cd_read, cd_write, cd_flush };
static const struct xn_disk_batch cd_batch = { .write_many = cd_write_many };

/* Remount the fixture over the counting disk, with its write_many. */
static void
setup_count(void)
{
	setup();
	ck_assert_int_eq(xn_unmount(x), 0);
	memset(&cd, 0, sizeof cd);
	cd.md = &f.md;
	cd.disk.ops = &cd_ops;
	cd.disk.ctx = &cd;
	cd.disk.nblocks = f.md.disk.nblocks;
	ck_assert_int_eq(xn_mount(x, &cd.disk, f.arena, f.arena_len,
	                          T_BCSLOTS, NULL), 0);
	ck_assert_int_eq(xn_set_batch(x, &cd_batch), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, ROOT), 0);
	cd.writes = cd.flushes = 0;
}

static void
cd_zero(void)
{
	cd.writes = cd.flushes = cd.many = cd.manyblocks = cd.maxmany = 0;
}

/* One write_many per wave, no single writes, the wave's blocks in the
   order of the list. */
START_TEST(count_waves)
{
	uint32_t l[] = { ROOT, E, A, B, D }, done;

	mk(ROOT, 0, A, T_DIR);
	mk(ROOT, 1, B, T_DIR);
	mk(A, 0, D, XN_TYPE_DATA);
	mk(A, 1, E, XN_TYPE_DATA);
	cd_zero();
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 5, &done), 0);
	ck_assert_uint_eq(done, 5);
	ck_assert_uint_eq(cd.writes, 0);
	ck_assert_uint_eq(cd.many, 3);
	ck_assert_uint_eq(cd.manyblocks, 5);
	ck_assert_uint_eq(cd.flushes, 3);
	ck_assert_uint_eq(cd.nlast, 1);
	ck_assert_uint_eq(cd.last[0], ROOT);
	ck_assert_str_eq(stream(), "46 42 45 F 41 F 40 F ");
	/* nothing dirty: no call at all */
	cd_zero();
	ck_assert_int_eq(xn_writeback_many(x, l, 5, &done), 0);
	ck_assert_uint_eq(cd.many + cd.writes + cd.flushes, 0);
	/* a single write-back still writes one block and flushes */
	ck_assert_int_eq(t_initdata(x, P_ALICE, D), 0);
	ck_assert_int_eq(xn_writeback(x, D), 0);
	ck_assert_uint_eq(cd.writes, 1);
	ck_assert_uint_eq(cd.flushes, 1);
	ck_assert_uint_eq(cd.many, 0);
	/* detached: block by block again */
	ck_assert_int_eq(xn_set_batch(x, NULL), 0);
	ck_assert_int_eq(t_initdata(x, P_ALICE, D), 0);
	ck_assert_int_eq(t_initdata(x, P_ALICE, E), 0);
	cd_zero();
	ck_assert_int_eq(xn_writeback_many(x, l, 5, &done), 0);
	ck_assert_uint_eq(done, 2);
	ck_assert_uint_eq(cd.writes, 2);
	ck_assert_uint_eq(cd.many, 0);
	ck_assert_uint_eq(cd.flushes, 1);
}
END_TEST

/* write_many fails after writing part of the wave (a passing fault):
   the wave's blocks are written again one by one, which works, so they
   are flushed and clean and the next waves go on (their write_many
   fails too: one by one again); everything is written, 0.  A failing
   flush: the wave is not durable, stays dirty, and the fresh flags and
   parents' counts stay; a retry writes it. */
START_TEST(count_fail)
{
	uint32_t l[] = { D, E, A, ROOT }, done = 99;
	struct xn_block_info bi;

	mk(ROOT, 0, A, T_DIR);
	mk(A, 0, D, XN_TYPE_DATA);
	mk(A, 1, E, XN_TYPE_DATA);
	cd_zero();
	cd.fail_many = 1;
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_uint_eq(done, 4);
	ck_assert_uint_eq(cd.many, 3);
	ck_assert_uint_eq(cd.writes, 4);
	ck_assert_uint_eq(cd.flushes, 3);
	ck_assert_str_eq(stream(), "45 45 46 F 41 41 F 40 40 F ");
	ck_assert_int_eq(state(D), XN_BC_CLEAN);
	ck_assert_int_eq(state(A), XN_BC_CLEAN);
	ck_assert_int_eq(xn_block_info(x, D, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	/* a failing flush: the wave is not durable, stays dirty */
	mk(A, 2, F, XN_TYPE_DATA);
	ck_assert_int_eq(t_initdata(x, P_ALICE, D), 0);
	l[1] = F;
	cd.fail_many = 0;
	cd.fail_flush = 1;
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), XN_EIO);
	ck_assert_uint_eq(done, 0);
	ck_assert_int_eq(state(D), XN_BC_DIRTY);
	ck_assert_int_eq(state(F), XN_BC_DIRTY);
	ck_assert_int_eq(xn_block_info(x, F, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_FRESH);
	cd.fail_flush = 0;
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_uint_eq(done, 3);
	ck_assert_str_eq(stream(), "45 47 F 41 F ");
}
END_TEST

/* The same workload block by block and batched: the same write and
   flush stream, the same disk, the same answers (a[]: results, done). */
static void
workload(struct fx *g, int batch, int32_t *a)
{
	struct xn_template t = t_dir_template();
	struct xn *y = &g->x;
	uint32_t l[] = { 50, 51, 52, 53, 54, 55, 56, 57, ROOT };
	uint32_t l2[] = { 50, 51, 52, 53, 57, ROOT }, d[3], i;

	fx_init(g, T_NBLOCKS);
	g->batch = batch;
	ck_assert_int_eq(fx_mount(g), 0);
	ck_assert_int_eq(xn_template_register(y, P_ALICE, &t), 0);
	ck_assert_int_eq(t_mkroot(g, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(g, P_ALICE, ROOT), 0);
	g->md.logging = 1;
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(t_link(y, P_ALICE, ROOT, (int)i, 50 + i,
		                        T_DIR), 0);
		ck_assert_int_eq(t_cache(g, P_ALICE, 50 + i), 0);
		ck_assert_int_eq(t_initdir(y, P_ALICE, 50 + i, P_ALICE), 0);
		ck_assert_int_eq(t_link(y, P_ALICE, 50 + i, 0, 54 + i,
		                        XN_TYPE_DATA), 0);
		ck_assert_int_eq(t_cache(g, P_ALICE, 54 + i), 0);
		ck_assert_int_eq(t_initdata(y, P_ALICE, 54 + i), 0);
	}
	a[0] = xn_writeback_many(y, l, 8, &d[0]);       /* not ROOT */
	a[1] = xn_writeback_many(y, l, 9, &d[1]);
	ck_assert_int_eq(t_move(y, P_ALICE, 50, 0, 51, 1, 54, XN_TYPE_DATA),
	                 0);
	ck_assert_int_eq(t_unlink(y, P_ALICE, 52, 0, 56, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(y, P_ALICE, ROOT, 5, 56, T_DIR), XN_EBUSY);
	ck_assert_int_eq(t_initdata(y, P_ALICE, 57), 0);
	a[2] = xn_writeback_many(y, l2, 6, &d[2]);
	a[3] = t_link(y, P_ALICE, ROOT, 5, 56, T_DIR);
	for (i = 0; i < 3; i++)
		a[4 + i] = (int32_t)d[i];
}

START_TEST(same_as_single)
{
	static struct fx g1, g2;
	int32_t a1[7], a2[7];
	uint32_t i;

	workload(&g1, 0, a1);
	workload(&g2, 1, a2);
	for (i = 0; i < 7; i++)
		ck_assert_int_eq(a1[i], a2[i]);
	ck_assert_int_eq(a1[0], 0);
	ck_assert_int_eq(a1[1], 0);
	ck_assert_int_eq(a1[2], 0);
	ck_assert_int_eq(a1[3], 0);
	ck_assert_int_eq(a1[4], 8);
	ck_assert_int_eq(a1[5], 1);
	ck_assert_int_eq(a1[6], 4);     /* 50 52 57, then 51 */
	ck_assert_uint_eq(g1.md.nlog, g2.md.nlog);
	for (i = 0; i < g1.md.nlog; i++) {
		ck_assert_uint_eq(g1.md.log[i].block, g2.md.log[i].block);
		if (g1.md.log[i].data != NULL)
			ck_assert_int_eq(memcmp(g1.md.log[i].data,
			    g2.md.log[i].data, XN_BLOCK_SIZE), 0);
	}
	ck_assert_int_eq(memcmp(g1.md.data, g2.md.data,
	                        (size_t)T_NBLOCKS * XN_BLOCK_SIZE), 0);
	fx_done(&g1);
	fx_done(&g2);
}
END_TEST

/* A wave larger than XN_WRITE_MANY_MAX goes in several write_many calls
   of at most that many blocks, still with one flush. */
START_TEST(big_wave)
{
	enum { NB = 2048, SLOTS = 1100, NDIR = 24, NDAT = 30 };
	struct xn_template t = t_dir_template();
	struct xn_mount_report rep;
	struct xn_memdisk md;
	static struct xn y;
	static uint32_t l[1 + NDIR * (1 + NDAT)];
	static uint8_t buf[XN_BLOCK_SIZE];
	uint8_t (*pg)[XN_BLOCK_SIZE];
	uint32_t n = 0, d, k, b, blk = 100, done, np = 0;
	size_t len = xn_arena_size(NB, SLOTS);
	void *arena = malloc(len);

	ck_assert_ptr_nonnull(arena);
	pg = calloc(SLOTS, XN_BLOCK_SIZE);
	ck_assert_ptr_nonnull(pg);
	ck_assert_int_eq(xn_memdisk_init(&md, NB), 0);
	ck_assert_int_eq(xn_format(&md.disk, NB, buf), 0);
	memset(&cd, 0, sizeof cd);
	cd.md = &md;
	cd.disk.ops = &cd_ops;
	cd.disk.ctx = &cd;
	cd.disk.nblocks = NB;
	ck_assert_int_eq(xn_mount(&y, &cd.disk, arena, len, SLOTS, NULL), 0);
	ck_assert_int_eq(xn_set_batch(&y, &cd_batch), 0);
	ck_assert_int_eq(xn_template_register(&y, P_ALICE, &t), 0);
	memset(buf, 0, sizeof buf);
	t_put32(buf, 0, T_DIRMAGIC);
	ck_assert_int_eq(xn_root_install(&y, P_ALICE, "fs", T_DIR, ROOT, buf),
	                 0);
	ck_assert_int_eq(xn_bc_insert(&y, P_ALICE, ROOT, pg[np++]), 0);
	l[n++] = ROOT;
	for (d = 0; d < NDIR; d++) {
		b = blk++;
		ck_assert_int_eq(t_link(&y, P_ALICE, ROOT, (int)d, b, T_DIR), 0);
		ck_assert_int_eq(xn_bc_insert(&y, P_ALICE, b, pg[np++]), 0);
		ck_assert_int_eq(t_initdir(&y, P_ALICE, b, P_ALICE), 0);
		l[n++] = b;
		for (k = 0; k < NDAT; k++) {
			ck_assert_int_eq(t_link(&y, P_ALICE, b, (int)k, blk,
			                        XN_TYPE_DATA), 0);
			ck_assert_int_eq(xn_bc_insert(&y, P_ALICE, blk,
			                              pg[np++]), 0);
			ck_assert_int_eq(t_initdata(&y, P_ALICE, blk), 0);
			l[n++] = blk++;
		}
	}
	cd_zero();
	ck_assert_int_eq(xn_writeback_many(&y, l, n, &done), 0);
	ck_assert_uint_eq(done, n);
	ck_assert_uint_eq(cd.writes, 0);
	ck_assert_uint_eq(cd.flushes, 3);
	ck_assert_uint_eq(cd.maxmany, XN_WRITE_MANY_MAX);
	ck_assert_uint_eq(cd.many, 4);      /* 720 = 512 + 208, 24, 1 */
	ck_assert_uint_eq(cd.manyblocks, n);
	ck_assert_int_eq(xn_unmount(&y), 0);
	ck_assert_int_eq(xn_mount(&y, &md.disk, arena, len, SLOTS, &rep), 0);
	ck_assert_uint_eq(rep.reachable, n);
	ck_assert_uint_eq(rep.was_clean, 1);
	xn_memdisk_free(&md);
	free(arena);
	free(pg);
}
END_TEST

Suite *
wbmany_suite(void)
{
	Suite *s = suite_create("writeback_many");
	TCase *tc = tcase_create("waves");
	TCase *tb = tcase_create("waves_batched");
	TCase *tn = tcase_create("counted");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, waves);
	tcase_add_test(tc, held);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, free_and_move);
	tcase_add_test(tc, eio);
	tcase_add_test(tc, same_as_single);
	tcase_add_test(tc, big_wave);
	suite_add_tcase(s, tc);
	/* The same streams with write_many attached (eio differs: below). */
	tcase_add_checked_fixture(tb, setup_batch, teardown);
	tcase_add_test(tb, waves);
	tcase_add_test(tb, held);
	tcase_add_test(tb, refused);
	tcase_add_test(tb, free_and_move);
	suite_add_tcase(s, tb);
	tcase_add_checked_fixture(tn, setup_count, teardown);
	tcase_add_test(tn, count_waves);
	tcase_add_test(tn, count_fail);
	suite_add_tcase(s, tn);
	return s;
}
