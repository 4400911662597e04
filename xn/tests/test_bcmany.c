/*
 * xn/tests/test_bcmany.c: xn_bc_insert_many(), the batched registry
 * insert: a result per entry (every refusal xn_bc_insert gives, a block
 * listed twice, a full registry), a read failing in the middle of a
 * batch (only its entry fails, nothing half-inserted), a write failing
 * in the middle of a write-back wave (only its block stays dirty), fresh and written
 * blocks mixed, the same answers and registry as n single inserts, and,
 * over a disk that counts what XN asks of it, one read_many per batch
 * (one per XN_READ_MANY_MAX entries) and no single reads.  Each test
 * runs with a read_many attached and without one (block by block).
 * The host disks' read_many (memory: through the counting disk; file:
 * directly) are tested too.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include "testlib.h"

#define ROOT  40
#define DATA0 50        /* 50..59: written data blocks, not cached */
#define NDATA 10
#define DIR   60        /* a written directory, not cached */
#define GONE  61        /* freed, the free pending (XN_EBUSY) */
#define FRESH0 70       /* 70..73: allocated, never written, not cached */
#define NFRESH 4
#define FREEB 100       /* free */

/*
 * A disk over the fixture's memory disk that counts reads and read_many
 * calls and fails the reads of the blocks in fail[] (both ways).
 */
struct rdisk {
	struct xn_disk disk;
	struct xn_memdisk *md;
	uint32_t reads, many, manyblocks, maxmany;
	uint32_t fail[4], nfail;
	uint32_t wfail[4], nwfail;      /* blocks whose writes fail */
	uint32_t writes;                /* single writes */
};

static struct rdisk rd;
static struct fx f;
static struct xn *x;

static int
failing(const struct rdisk *c, uint32_t b)
{
	uint32_t i;

	for (i = 0; i < c->nfail; i++)
		if (c->fail[i] == b)
			return 1;
	return 0;
}

static int
rd_read(void *ctx, uint32_t b, void *buf)
{
	struct rdisk *c = ctx;

	c->reads++;
	if (failing(c, b))
		return -1;
	return c->md->disk.ops->read(c->md, b, buf);
}

/* Is a write of b to fail? */
static int
wfailing(const struct rdisk *c, uint32_t b)
{
	uint32_t i;

	for (i = 0; i < c->nwfail; i++)
		if (c->wfail[i] == b)
			return 1;
	return 0;
}

static int
rd_write(void *ctx, uint32_t b, const void *buf)
{
	struct rdisk *c = ctx;

	c->writes++;
	if (wfailing(c, b))
		return -1;
	return c->md->disk.ops->write(c->md, b, buf);
}

static int
rd_flush(void *ctx)
{
	struct rdisk *c = ctx;

	return c->md->disk.ops->flush(c->md);
}

static int
rd_write_many(void *ctx, const uint32_t *blocks, const void *const *pages,
              uint32_t n)
{
	struct rdisk *c = ctx;
	uint32_t i;

	/* one failing block fails the whole call, as a driver's merged
	   request would, and nothing of it is written */
	for (i = 0; i < n; i++)
		if (wfailing(c, blocks[i]))
			return -1;
	return xn_memdisk_batch.write_many(c->md, blocks, pages, n);
}

/* The memory disk's read_many, then the failures asked for. */
static int
rd_read_many(void *ctx, const uint32_t *blocks, void *const *pages,
             uint32_t n, int *err)
{
	struct rdisk *c = ctx;
	uint32_t i;
	int r;

	c->many++;
	c->manyblocks += n;
	if (n > c->maxmany)
		c->maxmany = n;
	r = xn_memdisk_batch.read_many(c->md, blocks, pages, n, err);
	for (i = 0; i < n; i++)
		if (failing(c, blocks[i])) {
			memset(pages[i], 0xee, XN_BLOCK_SIZE);  /* torn */
			err[i] = -1;
			r = -1;
		}
	return r;
}

static const struct xn_disk_ops rd_ops = { rd_read, rd_write, rd_flush };
static const struct xn_disk_batch rd_batch = { rd_write_many,
	rd_read_many };
static const struct xn_disk_batch rd_nobatch = { .write_many =
	rd_write_many };

/*
 * Format g's memory disk, mount it through a counting disk c (with or
 * without read_many) with `slots' registry slots, and build: ROOT with
 * data blocks DATA0.. and directory DIR written and evicted, GONE freed
 * (its free waits for ROOT), FRESH0.. allocated and never written.
 * ROOT stays cached.
 */
static void
build(struct fx *g, struct rdisk *c, int batch, uint32_t slots)
{
	struct xn_template t = t_dir_template();
	struct xn *y = &g->x;
	uint32_t b, i;
	int s = 0;

	fx_init(g, T_NBLOCKS);
	memset(c, 0, sizeof *c);
	c->md = &g->md;
	c->disk.ops = &rd_ops;
	c->disk.ctx = c;
	c->disk.nblocks = g->md.disk.nblocks;
	g->arena_len = xn_arena_size(T_NBLOCKS, slots);
	free(g->arena);
	g->arena = malloc(g->arena_len);
	ck_assert_ptr_nonnull(g->arena);
	ck_assert_int_eq(xn_mount(y, &c->disk, g->arena, g->arena_len, slots,
	                          NULL), 0);
	ck_assert_int_eq(xn_set_batch(y, batch ? &rd_batch : &rd_nobatch), 0);
	ck_assert_int_eq(xn_template_register(y, P_ALICE, &t), 0);
	ck_assert_int_eq(t_mkroot(g, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(g, P_ALICE, ROOT), 0);
	/* one registry slot besides ROOT's is enough */
	for (i = 0; i < NDATA + 2; i++) {
		b = i < NDATA ? DATA0 + i : i == NDATA ? DIR : GONE;
		ck_assert_int_eq(t_link(y, P_ALICE, ROOT, s++, b,
		                        b == DIR ? T_DIR : XN_TYPE_DATA), 0);
		ck_assert_int_eq(t_cache(g, P_ALICE, b), 0);
		if (b == DIR)
			ck_assert_int_eq(t_initdir(y, P_ALICE, b, P_ALICE), 0);
		else
			ck_assert_int_eq(t_initdata(y, P_ALICE, b), 0);
		ck_assert_int_eq(xn_writeback(y, b), 0);
		if (b != GONE)
			ck_assert_int_eq(xn_bc_evict(y, P_ALICE, b), 0);
	}
	ck_assert_int_eq(xn_writeback(y, ROOT), 0);
	ck_assert_int_eq(t_unlink(y, P_ALICE, ROOT, s - 1, GONE,
	                          XN_TYPE_DATA), 0);
	for (i = 0; i < NFRESH; i++)
		ck_assert_int_eq(t_link(y, P_ALICE, ROOT, s++, FRESH0 + i,
		                        XN_TYPE_DATA), 0);
	c->reads = c->many = c->manyblocks = c->maxmany = 0;
}

static void
setup_batch(void)
{
	build(&f, &rd, 1, T_BCSLOTS);
	x = &f.x;
}

static void
setup_single(void)
{
	build(&f, &rd, 0, T_BCSLOTS);
	x = &f.x;
}

static void
teardown(void)
{
	fx_done(&f);
}

static int
batched(void)
{
	return x->batch.read_many != NULL;
}

/* A page from the fixture, filled with garbage. */
static void *
page(void)
{
	void *p = fx_page(&f);

	memset(p, 0xaa, XN_BLOCK_SIZE);
	return p;
}

static int
zero_page(const uint8_t *p)
{
	uint32_t i;

	for (i = 0; i < XN_BLOCK_SIZE; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Block b is cached in page p, in state st, owned by pr. */
static void
cached(uint32_t b, const void *p, uint8_t st, uint32_t pr)
{
	struct xn_bc_info ci;

	ck_assert_int_eq(xn_bc_lookup(x, b, &ci), 0);
	ck_assert_ptr_eq(ci.page, p);
	ck_assert_uint_eq(ci.state, st);
	ck_assert_uint_eq(ci.owner, pr);
}

/* p holds what t_initdata wrote to data block b. */
static void
data_ok(uint32_t b, const uint8_t *p)
{
	ck_assert_uint_eq(t_get32(p, 0), T_DATMAGIC);
	ck_assert_uint_eq(t_get32(p, 4), b);
	ck_assert_uint_eq(p[100], 0x5a);
	ck_assert_uint_eq(p[XN_BLOCK_SIZE - 1], 0x5a);
}

static uint16_t
flags(uint32_t b)
{
	struct xn_block_info bi;

	ck_assert_int_eq(xn_block_info(x, b, &bi), 0);
	return bi.flags;
}

/* Every refusal of xn_bc_insert, per entry, next to entries that go in. */
START_TEST(per_entry)
{
	uint32_t bl[] = { DATA0, FRESH0, ROOT, FREEB, 0, 3, T_NBLOCKS,
		1u << 30, GONE, DATA0 + 1, DATA0, FRESH0, DIR, DATA0 + 2 };
	enum { N = sizeof bl / sizeof bl[0] };
	const int want[N] = { 0, 0, XN_EEXIST, XN_EFREE, XN_ERANGE,
		XN_ERANGE, XN_ERANGE, XN_ERANGE, XN_EBUSY, XN_EINVAL,
		XN_EEXIST, XN_EEXIST, 0, 0 };
	void *pg[N];
	int res[N], i;

	for (i = 0; i < N; i++)
		pg[i] = page();
	pg[9] = NULL;
	ck_assert_int_eq(xn_bc_insert_many(x, P_BOB, bl, pg, N, res), 4);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(res[i], want[i]);
	cached(DATA0, pg[0], XN_BC_CLEAN, P_BOB);
	data_ok(DATA0, pg[0]);
	cached(FRESH0, pg[1], XN_BC_DIRTY, P_BOB);
	ck_assert(zero_page(pg[1]));
	cached(DIR, pg[12], XN_BC_CLEAN, P_BOB);
	ck_assert_uint_eq(t_get32(pg[12], 0), T_DIRMAGIC);
	cached(DATA0 + 2, pg[13], XN_BC_CLEAN, P_BOB);
	data_ok(DATA0 + 2, pg[13]);
	cached(ROOT, f.pages[0], XN_BC_DIRTY, P_ALICE);     /* untouched */
	ck_assert_int_eq(xn_bc_lookup(x, DATA0 + 1, &(struct xn_bc_info){0}),
	                 XN_ENOENT);
	ck_assert_int_eq(xn_bc_lookup(x, GONE, &(struct xn_bc_info){0}),
	                 XN_ENOENT);
	/* the transient mark is gone from every block */
	ck_assert_uint_eq(flags(DATA0), XN_BS_ALLOC);
	ck_assert_uint_eq(flags(DATA0 + 1), XN_BS_ALLOC);
	ck_assert_uint_eq(flags(FRESH0), XN_BS_ALLOC | XN_BS_FRESH);
	ck_assert_uint_eq(flags(FREEB), 0);
	/* three blocks read: together, or one by one */
	if (batched()) {
		ck_assert_uint_eq(rd.many, 1);
		ck_assert_uint_eq(rd.manyblocks, 3);
		ck_assert_uint_eq(rd.reads, 0);
	} else {
		ck_assert_uint_eq(rd.many, 0);
		ck_assert_uint_eq(rd.reads, 3);
	}
	/* the entries behave as any: written back, evicted, inserted again */
	ck_assert_int_eq(t_initdata(x, P_ALICE, FRESH0), 0);
	ck_assert_int_eq(xn_writeback(x, FRESH0), 0);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, DATA0), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, DATA0, page()), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, DATA0 + 1, page()), 0);
	/* nothing to do, and calls that do nothing */
	ck_assert_int_eq(xn_bc_insert_many(x, P_BOB, NULL, NULL, 0, NULL), 0);
	ck_assert_int_eq(xn_bc_insert_many(x, P_BOB, NULL, pg, 1, res),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_bc_insert_many(x, P_BOB, bl, NULL, 1, res),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_bc_insert_many(x, P_BOB, bl, pg, 1, NULL),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_bc_insert_many(NULL, P_BOB, bl, pg, 1, res),
	                 XN_ENOTMOUNTED);
	ck_assert_int_eq(xn_unmount(x), 0);
	ck_assert_int_eq(xn_bc_insert_many(x, P_BOB, bl, pg, 1, res),
	                 XN_ENOTMOUNTED);
}
END_TEST

/* A read failing in the middle of a batch fails its entry alone. */
START_TEST(read_fails)
{
	uint32_t bl[] = { DATA0, DATA0 + 1, DATA0 + 2, FRESH0, DATA0 + 3 };
	enum { N = sizeof bl / sizeof bl[0] };
	void *pg[N];
	int res[N], i;

	for (i = 0; i < N; i++)
		pg[i] = page();
	rd.fail[rd.nfail++] = DATA0 + 2;
	ck_assert_int_eq(xn_bc_insert_many(x, P_ALICE, bl, pg, N, res), 4);
	ck_assert_int_eq(res[0], 0);
	ck_assert_int_eq(res[1], 0);
	ck_assert_int_eq(res[2], XN_EIO);
	ck_assert_int_eq(res[3], 0);
	ck_assert_int_eq(res[4], 0);
	ck_assert_uint_eq(rd.many, batched() ? 1 : 0);
	for (i = 0; i < N; i++) {
		if (i == 2 || i == 3)
			continue;
		cached(bl[i], pg[i], XN_BC_CLEAN, P_ALICE);
		data_ok(bl[i], pg[i]);
	}
	cached(FRESH0, pg[3], XN_BC_DIRTY, P_ALICE);
	/* nothing of the failed entry is left */
	ck_assert_int_eq(xn_bc_lookup(x, DATA0 + 2, &(struct xn_bc_info){0}),
	                 XN_ENOENT);
	ck_assert_uint_eq(flags(DATA0 + 2), XN_BS_ALLOC);
	/* all fail: nothing inserted */
	rd.fail[rd.nfail++] = DATA0 + 4;
	bl[0] = DATA0 + 2, bl[1] = DATA0 + 4;
	ck_assert_int_eq(xn_bc_insert_many(x, P_ALICE, bl, pg, 2, res), 0);
	ck_assert_int_eq(res[0], XN_EIO);
	ck_assert_int_eq(res[1], XN_EIO);
	/* the disk is back: the same pages go in */
	rd.nfail = 0;
	ck_assert_int_eq(xn_bc_insert_many(x, P_ALICE, bl, pg, 2, res), 2);
	ck_assert_int_eq(res[0], 0);
	ck_assert_int_eq(res[1], 0);
	data_ok(DATA0 + 2, pg[0]);
	data_ok(DATA0 + 4, pg[1]);
}
END_TEST

/* Fresh blocks are zero-filled, the others read; only those are read. */
/*
 * A write failing in the middle of a write-back wave (a bad sector):
 * xn_writeback_many says XN_EIO and the failed block stays dirty with
 * its old bytes on the disk.  The write_many call fails as a whole (as
 * a driver's merged request would); XN writes the wave's blocks again
 * one by one: the others are on the disk and clean, so a bad block does
 * not hold back its neighbours.  Once the disk works, the next
 * write-back writes what is left.  (Both test cases have write_many.)
 */
START_TEST(write_fails)
{
	struct xn_bc_info bi;
	uint32_t l[4], done = 99, i, left;
	uint8_t d[16];
	int clean;

	for (i = 0; i < 4; i++) {
		l[i] = DATA0 + i;
		ck_assert_int_eq(t_cache(&f, P_ALICE, l[i]), 0);
		memset(d, 0x30 + (int)i, sizeof d);
		ck_assert_int_eq(xn_write(x, P_ALICE, l[i], 100, sizeof d, d), 0);
	}
	rd.wfail[rd.nwfail++] = DATA0 + 2;
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), XN_EIO);
	ck_assert_uint_eq(done, 3);
	for (i = 0, left = 0; i < 4; i++) {
		ck_assert_int_eq(xn_bc_lookup(x, l[i], &bi), 0);
		clean = i != 2;
		ck_assert_uint_eq(bi.state, clean ? XN_BC_CLEAN : XN_BC_DIRTY);
		ck_assert_uint_eq(f.md.data[(size_t)l[i] * XN_BLOCK_SIZE + 100],
		                  clean ? 0x30 + i : 0x5a);
		left += !clean;
	}
	/* still failing: the same again, nothing more written */
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), XN_EIO);
	ck_assert_uint_eq(done, 0);
	rd.nwfail = 0;
	ck_assert_int_eq(xn_writeback_many(x, l, 4, &done), 0);
	ck_assert_uint_eq(done, left);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(xn_bc_lookup(x, l[i], &bi), 0);
		ck_assert_uint_eq(bi.state, XN_BC_CLEAN);
		ck_assert_uint_eq(f.md.data[(size_t)l[i] * XN_BLOCK_SIZE + 100],
		                  0x30 + i);
	}
}
END_TEST

START_TEST(mixed)
{
	uint32_t bl[] = { FRESH0, DATA0 + 5, FRESH0 + 1, DATA0 + 6, FRESH0 + 2,
		DIR, FRESH0 + 3 };
	enum { N = sizeof bl / sizeof bl[0] };
	void *pg[N];
	int res[N], i;

	for (i = 0; i < N; i++)
		pg[i] = page();
	ck_assert_int_eq(xn_bc_insert_many(x, P_ALICE, bl, pg, N, res), N);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(res[i], 0);
	for (i = 0; i < N; i += 2) {
		cached(bl[i], pg[i], XN_BC_DIRTY, P_ALICE);
		ck_assert(zero_page(pg[i]));
	}
	cached(DATA0 + 5, pg[1], XN_BC_CLEAN, P_ALICE);
	data_ok(DATA0 + 5, pg[1]);
	cached(DATA0 + 6, pg[3], XN_BC_CLEAN, P_ALICE);
	data_ok(DATA0 + 6, pg[3]);
	cached(DIR, pg[5], XN_BC_CLEAN, P_ALICE);
	ck_assert_uint_eq(t_get32(pg[5], 0), T_DIRMAGIC);
	if (batched()) {
		ck_assert_uint_eq(rd.many, 1);
		ck_assert_uint_eq(rd.manyblocks, 3);
		ck_assert_uint_eq(rd.reads, 0);
	} else
		ck_assert_uint_eq(rd.reads, 3);
	/* a fresh block's write rules still hold */
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
}
END_TEST

/* A full registry: entries past its room get XN_ENOSPC, in list order. */
START_TEST(full)
{
	static struct fx g;
	static struct rdisk c;
	uint32_t bl[] = { DATA0, DATA0 + 1, FREEB, DATA0 + 2, DATA0 + 3 };
	void *pg[5];
	int res[5], i;

	build(&g, &c, batched(), 4);        /* ROOT takes one slot */
	for (i = 0; i < 5; i++)
		pg[i] = fx_page(&g);
	ck_assert_int_eq(xn_bc_insert_many(&g.x, P_ALICE, bl, pg, 5, res), 3);
	ck_assert_int_eq(res[0], 0);
	ck_assert_int_eq(res[1], 0);
	ck_assert_int_eq(res[2], XN_EFREE);
	ck_assert_int_eq(res[3], 0);
	ck_assert_int_eq(res[4], XN_ENOSPC);
	ck_assert_int_eq(xn_bc_insert(&g.x, P_ALICE, DATA0 + 4, pg[4]),
	                 XN_ENOSPC);
	/* an entry whose read failed took no slot */
	ck_assert_int_eq(xn_bc_evict(&g.x, P_ALICE, DATA0), 0);
	ck_assert_int_eq(xn_bc_evict(&g.x, P_ALICE, DATA0 + 1), 0);
	c.fail[c.nfail++] = DATA0;
	bl[0] = DATA0, bl[1] = DATA0 + 1, bl[2] = DATA0 + 4;
	ck_assert_int_eq(xn_bc_insert_many(&g.x, P_ALICE, bl, pg, 3, res), 1);
	ck_assert_int_eq(res[0], XN_EIO);
	ck_assert_int_eq(res[1], 0);
	ck_assert_int_eq(res[2], XN_ENOSPC);   /* room was counted before */
	ck_assert_int_eq(xn_bc_insert(&g.x, P_ALICE, DATA0 + 4, pg[2]), 0);
	fx_done(&g);
}
END_TEST

/*
 * The same list inserted one by one (xn_bc_insert, no read_many) and as
 * one batch (with read_many): the same answers, the same registry, the
 * same page contents, the same block state.
 */
START_TEST(same_as_single)
{
	static struct fx g1, g2;
	static struct rdisk c1, c2;
	uint32_t bl[] = { DATA0, FRESH0, 999, DATA0 + 1, DATA0, FREEB, GONE,
		DATA0 + 2, ROOT, DATA0 + 3, DIR, FRESH0 + 1, DATA0 + 4,
		DATA0 + 5, FRESH0 + 2, DATA0 + 6, DATA0 + 7, DATA0 + 8, 2,
		DATA0 + 9, FRESH0 + 3, FRESH0 };
	enum { N = sizeof bl / sizeof bl[0], SLOTS = 14 };
	void *p1[N], *p2[N];
	int r1[N], r2[N], n1 = 0, i;
	struct xn_bc_info a, b;
	struct xn_block_info s1, s2;
	uint32_t k;

	build(&g1, &c1, 0, SLOTS);
	build(&g2, &c2, 1, SLOTS);
	for (i = 0; i < N; i++) {
		p1[i] = fx_page(&g1);
		p2[i] = fx_page(&g2);
		memset(p1[i], 0xaa, XN_BLOCK_SIZE);
		memset(p2[i], 0xaa, XN_BLOCK_SIZE);
	}
	for (i = 0; i < N; i++)
		if ((r1[i] = xn_bc_insert(&g1.x, P_BOB, bl[i], p1[i])) == 0)
			n1++;
	ck_assert_int_eq(xn_bc_insert_many(&g2.x, P_BOB, bl, p2, N, r2), n1);
	ck_assert_int_eq(n1, SLOTS - 1);        /* it got full */
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(r1[i], r2[i]);
		ck_assert_int_eq(memcmp(p1[i], p2[i], XN_BLOCK_SIZE), 0);
	}
	for (k = 0; k < T_NBLOCKS; k++) {
		int e1 = xn_bc_lookup(&g1.x, k, &a);
		int e2 = xn_bc_lookup(&g2.x, k, &b);

		ck_assert_int_eq(e1, e2);
		if (e1 == 0) {
			ck_assert_uint_eq(a.state, b.state);
			ck_assert_uint_eq(a.owner, b.owner);
			ck_assert_int_eq(memcmp(a.page, b.page, XN_BLOCK_SIZE),
			                 0);
		}
		ck_assert_int_eq(xn_block_info(&g1.x, k, &s1), 0);
		ck_assert_int_eq(xn_block_info(&g2.x, k, &s2), 0);
		ck_assert_uint_eq(s1.flags, s2.flags);
	}
	ck_assert_uint_eq(c1.many, 0);
	ck_assert_uint_eq(c2.many, 1);
	ck_assert_uint_eq(c2.reads, 0);
	ck_assert_uint_eq(c2.manyblocks, c1.reads);
	fx_done(&g1);
	fx_done(&g2);
}
END_TEST

/* More than XN_READ_MANY_MAX entries: one read_many per chunk. */
START_TEST(big)
{
	enum { NB = 2048, SLOTS = 1100, NDIR = 24, NDAT = 30 };
	struct xn_template t = t_dir_template();
	static struct rdisk c;
	static struct xn y;
	static uint32_t l[1 + NDIR * (1 + NDAT)];
	static int res[NDIR * (1 + NDAT)];
	static void *pp[NDIR * (1 + NDAT)];
	static uint8_t buf[XN_BLOCK_SIZE];
	struct xn_memdisk md;
	uint8_t (*pg)[XN_BLOCK_SIZE];
	uint32_t n = 0, d, k, b, blk = 100, done, np = 0, i;
	size_t len = xn_arena_size(NB, SLOTS);
	void *arena = malloc(len);

	ck_assert_ptr_nonnull(arena);
	pg = calloc(2 * SLOTS, XN_BLOCK_SIZE);
	ck_assert_ptr_nonnull(pg);
	ck_assert_int_eq(xn_memdisk_init(&md, NB), 0);
	ck_assert_int_eq(xn_format(&md.disk, NB, buf), 0);
	memset(&c, 0, sizeof c);
	c.md = &md;
	c.disk.ops = &rd_ops;
	c.disk.ctx = &c;
	c.disk.nblocks = NB;
	ck_assert_int_eq(xn_mount(&y, &c.disk, arena, len, SLOTS, NULL), 0);
	ck_assert_int_eq(xn_set_batch(&y, &rd_batch), 0);
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
	ck_assert_int_eq(xn_writeback_many(&y, l, n, &done), 0);
	for (i = 1; i < n; i++) {
		ck_assert_int_eq(xn_bc_evict(&y, P_ALICE, l[i]), 0);
		pp[i - 1] = pg[np++];
	}
	c.reads = 0;
	ck_assert_int_eq(xn_bc_insert_many(&y, P_ALICE, l + 1, pp, n - 1, res),
	                 (int)(n - 1));
	ck_assert_uint_eq(c.reads, 0);
	ck_assert_uint_eq(c.many, 2);           /* 744 = 512 + 232 */
	ck_assert_uint_eq(c.maxmany, XN_READ_MANY_MAX);
	ck_assert_uint_eq(c.manyblocks, n - 1);
	for (i = 1; i < n; i++) {
		ck_assert_int_eq(res[i - 1], 0);
		if (t_get32(pp[i - 1], 0) != T_DIRMAGIC)
			data_ok(l[i], pp[i - 1]);
	}
	xn_memdisk_free(&md);
	free(arena);
	free(pg);
}
END_TEST

/* The file disk's read_many: a loop of reads, each with its result. */
START_TEST(filedisk_read_many)
{
	char path[] = "/tmp/xn-test-XXXXXX";
	static uint8_t w[3][XN_BLOCK_SIZE], r[3][XN_BLOCK_SIZE];
	struct xn_filedisk fd;
	uint32_t bl[3] = { 5, 2, 40 };
	void *pg[3] = { r[0], r[1], r[2] };
	int err[3] = { 7, 7, 7 }, tmp = mkstemp(path), i;

	ck_assert_int_ge(tmp, 0);
	close(tmp);
	ck_assert_int_eq(xn_filedisk_open(&fd, path, 16, 1, 0), 0);
	for (i = 0; i < 2; i++) {
		memset(w[i], 'a' + i, XN_BLOCK_SIZE);
		ck_assert_int_eq(fd.disk.ops->write(&fd, bl[i], w[i]), 0);
	}
	ck_assert_int_lt(xn_filedisk_batch.read_many(&fd, bl, pg, 3, err), 0);
	ck_assert_int_eq(err[0], 0);
	ck_assert_int_eq(err[1], 0);
	ck_assert_int_lt(err[2], 0);            /* past the end */
	ck_assert_int_eq(memcmp(r[0], w[0], XN_BLOCK_SIZE), 0);
	ck_assert_int_eq(memcmp(r[1], w[1], XN_BLOCK_SIZE), 0);
	ck_assert_int_eq(xn_filedisk_batch.read_many(&fd, bl, pg, 2, err), 0);
	xn_filedisk_close(&fd);
	unlink(path);
}
END_TEST

Suite *
bcmany_suite(void)
{
	Suite *s = suite_create("bc_insert_many");
	TCase *tb = tcase_create("read_many");
	TCase *ts = tcase_create("block_by_block");
	TCase *tx = tcase_create("other");

	tcase_add_checked_fixture(tb, setup_batch, teardown);
	tcase_add_test(tb, per_entry);
	tcase_add_test(tb, read_fails);
	tcase_add_test(tb, write_fails);
	tcase_add_test(tb, mixed);
	tcase_add_test(tb, full);
	suite_add_tcase(s, tb);
	tcase_add_checked_fixture(ts, setup_single, teardown);
	tcase_add_test(ts, per_entry);
	tcase_add_test(ts, read_fails);
	tcase_add_test(ts, write_fails);
	tcase_add_test(ts, mixed);
	tcase_add_test(ts, full);
	suite_add_tcase(s, ts);
	tcase_add_test(tx, same_as_single);
	tcase_add_test(tx, big);
	tcase_add_test(tx, filedisk_read_many);
	suite_add_tcase(s, tx);
	return s;
}
