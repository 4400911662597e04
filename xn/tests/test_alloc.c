/*
 * xn/tests/test_alloc.c: roots, allocation and freeing by proof, writes,
 * the buffer-cache registry and write-back ordering (accept and reject).
 */
#include "testlib.h"

#define ROOT 40

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

static void
teardown(void)
{
	fx_done(&f);
}

static uint16_t
flags(uint32_t b)
{
	struct xn_block_info bi;

	ck_assert_int_eq(xn_block_info(x, b, &bi), 0);
	return bi.flags;
}

START_TEST(roots)
{
	uint8_t init[XN_BLOCK_SIZE] = { 0 };
	uint32_t b;
	uint16_t type;
	struct xn_block_info bi;

	ck_assert_int_eq(xn_root_lookup(x, "fs", &b, &type), 0);
	ck_assert_uint_eq(b, ROOT);
	ck_assert_uint_eq(type, T_DIR);
	ck_assert_int_eq(xn_root_lookup(x, "nope", &b, &type), XN_ENOENT);
	ck_assert_int_eq(xn_root_install(x, 1, "fs", T_DIR, 41, NULL),
	                 XN_EEXIST);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", T_DIR, ROOT, NULL),
	                 XN_EINUSE);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", T_DIR, 3, NULL),
	                 XN_ERANGE);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", T_DIR, T_NBLOCKS, NULL),
	                 XN_ERANGE);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", 99, 41, NULL), XN_ETYPE);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", XN_TYPE_DATA, 41, NULL),
	                 XN_ETYPE);
	ck_assert_int_eq(xn_root_install(x, 1, "", T_DIR, 41, NULL), XN_EINVAL);
	ck_assert_int_eq(xn_root_install(x, 1, NULL, T_DIR, 41, NULL),
	                 XN_EINVAL);
	/* A root may not start out owning blocks. */
	t_put32(init, 16, 50);
	t_put32(init, 20, XN_TYPE_DATA);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", T_DIR, 41, init),
	                 XN_EPROOF);
	ck_assert_int_eq(flags(41), 0);
	ck_assert_int_eq(xn_root_install(x, 1, "fs2", T_DIR, 41, NULL), 0);
	ck_assert_int_eq(xn_block_info(x, 41, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	ck_assert_uint_eq(bi.parent, XN_PARENT_ROOT);
	ck_assert_int_eq(xn_root_remove(x, 2, "fs2"), XN_EACCES);
	ck_assert_int_eq(xn_root_remove(x, 1, "nope"), XN_ENOENT);
	ck_assert_int_eq(xn_root_remove(x, 1, "fs2"), 0);
	ck_assert_int_eq(flags(41), 0);
	ck_assert_int_eq(xn_root_lookup(x, "fs2", &b, &type), XN_ENOENT);
	/* A root that owns blocks cannot be removed. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_root_remove(x, P_ALICE, "fs"), XN_ENOTEMPTY);
}
END_TEST

START_TEST(alloc_accepts)
{
	struct xn_block_info bi;
	uint8_t two[16];
	struct xn_claim c[2] = { { 45, XN_TYPE_DATA }, { 46, T_DIR } };

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_block_info(x, 41, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_FRESH);
	ck_assert_uint_eq(bi.type, XN_TYPE_DATA);
	ck_assert_uint_eq(bi.parent, ROOT);
	/* Two blocks in one change. */
	t_put32(two, 0, 45); t_put32(two, 4, XN_TYPE_DATA);
	t_put32(two, 8, 46); t_put32(two, 12, T_DIR);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 16 + 8, 16, two, c, 2), 0);
	ck_assert_int_eq(xn_block_info(x, ROOT, &bi), 0);
	ck_assert_uint_eq(bi.nchild, 3);
	ck_assert_int_eq(xn_block_info(x, 46, &bi), 0);
	ck_assert_uint_eq(bi.type, T_DIR);
}
END_TEST

/*
 * proof.c keeps the owns-sets of the last blocks it checked with their
 * bytes (struct xn_ownc).  Directories with the same bytes, more of
 * them than the cache holds, changed in turn: every change is decided
 * as a fresh run would decide it, and a write that changes no pointer
 * (the bytes differ, the set does not) is still checked on the bytes.
 */
START_TEST(owns_cache)
{
	enum { ND = XN_OWNC_SLOTS + 2 };
	struct xn_block_info bi;
	uint8_t e[8];
	uint32_t d[ND], i;

	for (i = 0; i < ND; i++) {
		d[i] = 60 + i;
		ck_assert_int_eq(t_link(x, P_ALICE, ROOT, (int)i, d[i], T_DIR), 0);
		ck_assert_int_eq(t_cache(&f, P_ALICE, d[i]), 0);
		ck_assert_int_eq(t_initdir(x, P_ALICE, d[i], P_ALICE), 0);
	}
	/* Each directory, in turn, gets its own data block 100 + i. */
	for (i = 0; i < ND; i++)
		ck_assert_int_eq(t_link(x, P_ALICE, d[i], 0, 100 + i,
		    XN_TYPE_DATA), 0);
	for (i = 0; i < ND; i++) {
		/* another directory's block is taken; its own is there */
		ck_assert_int_eq(t_link(x, P_ALICE, d[i], 1, 100 + (i + 1) % ND,
		    XN_TYPE_DATA), XN_EINUSE);
		t_put32(e, 0, 100 + (i + 1) % ND);
		t_put32(e, 4, XN_TYPE_DATA);
		ck_assert_int_eq(xn_write(x, P_ALICE, d[i], 16, 8, e),
		    XN_EPROOF);
		ck_assert_int_eq(t_unlink(x, P_ALICE, d[i], 0, 100 + (i + 1) %
		    ND, XN_TYPE_DATA), XN_EPROOF);
		ck_assert_int_eq(xn_block_info(x, d[i], &bi), 0);
		ck_assert_uint_eq(bi.nchild, 1);
	}
	/* A header write: new bytes, the same set. */
	for (i = 0; i < ND; i++) {
		t_put32(e, 0, 1000 + i);
		ck_assert_int_eq(xn_write(x, P_ALICE, d[i], 8, 4, e), 0);
	}
	/* Now the blocks move: each directory gives its block back and
	 * takes the one its neighbour gave. */
	for (i = 0; i < ND; i++)
		ck_assert_int_eq(t_unlink(x, P_ALICE, d[i], 0, 100 + i,
		    XN_TYPE_DATA), 0);
	for (i = 0; i < ND; i++) {
		ck_assert_int_eq(t_unlink(x, P_ALICE, d[i], 0, 100 + i,
		    XN_TYPE_DATA), XN_EPROOF);
		ck_assert_int_eq(xn_block_info(x, d[i], &bi), 0);
		ck_assert_uint_eq(bi.nchild, 0);
	}
}
END_TEST

START_TEST(alloc_rejects)
{
	uint8_t e[8], three[16];
	struct xn_claim c = { 45, XN_TYPE_DATA };
	struct xn_claim c2[2] = { { 45, XN_TYPE_DATA }, { 46, XN_TYPE_DATA } };
	struct xn_claim dup[2] = { { 45, XN_TYPE_DATA }, { 45, XN_TYPE_DATA } };

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	/* Double allocation: the same block again. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 41, XN_TYPE_DATA),
	                 XN_EPROOF);
	/* A block another directory owns. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 42, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 42), 0);
	/* 42 is fresh: its parent's acl-uf (owner Alice) speaks for it. */
	ck_assert_int_eq(t_link(x, P_BOB, 42, 0, 45, XN_TYPE_DATA), XN_EACCES);
	ck_assert_int_eq(t_link(x, P_ALICE, 42, 0, 41, XN_TYPE_DATA),
	                 XN_EINUSE);
	ck_assert_int_eq(t_link(x, P_ALICE, 42, 0, ROOT, T_DIR), XN_EINUSE);
	/* Claim differs from what the UDF shows. */
	t_put32(e, 0, 45);
	t_put32(e, 4, XN_TYPE_DATA);
	c.block = 46;
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 1),
	                 XN_EPROOF);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, c2, 2),
	                 XN_EPROOF);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, dup, 2),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 0),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, NULL, 1),
	                 XN_EINVAL);
	/* Wrong and unknown types. */
	c.block = 45;
	c.type = T_DIR;
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 1),
	                 XN_ETYPE);
	c.type = 99;
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 1),
	                 XN_ETYPE);
	t_put32(e, 4, 99);                   /* UDF says an unknown type */
	c.type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 1),
	                 XN_ETYPE);
	t_put32(e, 4, XN_TYPE_DATA);
	/* Out of range: claim, pointer, XN area. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 2, T_NBLOCKS, XN_TYPE_DATA),
	                 XN_ERANGE);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 2, 3, XN_TYPE_DATA),
	                 XN_ERANGE);
	t_put32(e, 0, 100000);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 1),
	                 XN_ERANGE);
	t_put32(e, 0, 45);
	/* ACL: Bob may not change Alice's directory. */
	ck_assert_int_eq(xn_alloc(x, P_BOB, ROOT, 32, 8, e, &c, 1), XN_EACCES);
	/* Bad parent. */
	ck_assert_int_eq(xn_alloc(x, P_ALICE, 47, 32, 8, e, &c, 1), XN_EFREE);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, 41, 32, 8, e, &c, 1), XN_ENOTCACHED);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, 41, 32, 8, e, &c, 1), XN_ETYPE);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, 2, 32, 8, e, &c, 1), XN_ERANGE);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, 9999, 32, 8, e, &c, 1), XN_ERANGE);
	/* Bad byte range. */
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 4092, 8, e, &c, 1),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 0, e, &c, 1), XN_EINVAL);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, NULL, &c, 1),
	                 XN_EINVAL);
	/* An alloc may not also drop a block: replace slot 0 (41) by 45. */
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 16, 8, e, &c, 1),
	                 XN_EPROOF);
	/* Nothing changed by the failures. */
	ck_assert_int_eq(flags(45), 0);
	ck_assert_int_eq(flags(46), 0);
	memset(three, 0, sizeof three);
	ck_assert_int_eq(xn_alloc(x, P_ALICE, ROOT, 32, 8, e, &c, 1), 0);
}
END_TEST

START_TEST(write_rules)
{
	uint8_t e[8], d[16] = { 1, 2, 3 };
	struct xn_bc_info bi;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 42, T_DIR), 0);
	ck_assert_int_eq(xn_write(x, P_ALICE, 41, 0, 16, d), XN_ENOTCACHED);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 42), 0);
	/* Data: the parent's acl-uf decides. */
	ck_assert_int_eq(xn_write(x, P_ALICE, 41, 0, 16, d), 0);
	ck_assert_int_eq(xn_write(x, P_BOB, 41, 0, 16, d), XN_EACCES);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), 0);
	ck_assert_int_eq(memcmp(bi.page, d, 16), 0);
	/* Fresh metadata: the parent decides; Bob can't set himself owner. */
	ck_assert_int_eq(t_initdir(x, P_BOB, 42, P_BOB), XN_EACCES);
	ck_assert_int_eq(t_initdir(x, P_ALICE, 42, P_BOB), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	/* Written: now 42's own acl-uf decides (owner Bob). */
	ck_assert_int_eq(t_initdir(x, P_ALICE, 42, P_ALICE), XN_EACCES);
	ck_assert_int_eq(t_initdir(x, P_BOB, 42, P_BOB), 0);
	/* A write may not change what a block owns. */
	t_put32(e, 0, 45);
	t_put32(e, 4, XN_TYPE_DATA);
	ck_assert_int_eq(xn_write(x, P_BOB, 42, 16, 8, e), XN_EPROOF);
	ck_assert_int_eq(xn_write(x, P_ALICE, ROOT, 16, 4, e), XN_EPROOF);
	t_put32(e, 0, 41);
	t_put32(e, 4, T_DIR);                /* retype 41 */
	ck_assert_int_eq(xn_write(x, P_ALICE, ROOT, 16, 8, e), XN_ETYPE);
	/* Invalid arguments. */
	ck_assert_int_eq(xn_write(x, P_ALICE, 41, 4000, 100, d), XN_EINVAL);
	ck_assert_int_eq(xn_write(x, P_ALICE, 43, 0, 1, d), XN_EFREE);
	ck_assert_int_eq(xn_write(x, P_ALICE, 1, 0, 1, d), XN_ERANGE);
	ck_assert_int_eq(xn_write(x, P_ALICE, 41, 0, 1, NULL), XN_EINVAL);
	/* Data write needs the parent cached, to run its acl-uf. */
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, ROOT), 0);
	ck_assert_int_eq(xn_write(x, P_ALICE, 41, 0, 16, d), XN_ENOTCACHED);
}
END_TEST

/* xn_write_many: each entry as xn_write; the first refused stops the
 * list, the ones before it are written, it and the later ones not. */
START_TEST(write_many_rules)
{
	uint8_t d[3][16] = { { 1 }, { 2 }, { 3 } };
	struct xn_wr w[3];
	struct xn_bc_info bi;
	uint32_t done = 99;
	int i;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	for (i = 0; i < 3; i++) {
		w[i].block = 41, w[i].off = (uint32_t)(16 * i), w[i].len = 16;
		w[i].bytes = d[i];
	}
	w[1].block = 42;                        /* not cached */
	ck_assert_int_eq(xn_write_many(x, P_ALICE, w, 3, &done),
	                 XN_ENOTCACHED);
	ck_assert_uint_eq(done, 1);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), 0);
	ck_assert_int_eq(memcmp(bi.page, d[0], 16), 0);
	ck_assert_int_eq(((uint8_t *)bi.page)[32], 0);  /* w[2] not tried */
	w[1].block = 41;
	ck_assert_int_eq(xn_write_many(x, P_BOB, w, 3, &done), XN_EACCES);
	ck_assert_uint_eq(done, 0);
	ck_assert_int_eq(xn_write_many(x, P_ALICE, w, 3, &done), 0);
	ck_assert_uint_eq(done, 3);
	ck_assert_int_eq(((uint8_t *)bi.page)[32], 3);
	ck_assert_int_eq(xn_write_many(x, P_ALICE, w, 0, &done), 0);
	ck_assert_uint_eq(done, 0);
	ck_assert_int_eq(xn_write_many(x, P_ALICE, NULL, 1, &done), XN_EINVAL);
	w[0].len = 0;
	ck_assert_int_eq(xn_write_many(x, P_ALICE, w, 3, NULL), XN_EINVAL);
	/* the kernel's bound on a batch: a data block costs its parent's
	 * acl-uf, a metadata block its own acl-uf and owns-udf twice, a
	 * free block nothing */
	ck_assert_uint_eq(xn_write_cost(x, 41), t_dir_acl_len);
	ck_assert_uint_gt(xn_write_cost(x, ROOT), xn_write_cost(x, 41));
	ck_assert_uint_eq(xn_write_cost(x, 43), 0);
	ck_assert_uint_eq(xn_write_cost(x, 600), 0);
}
END_TEST

/* xn_bc_evict_many: each block as xn_bc_evict, every one tried. */
START_TEST(evict_many_rules)
{
	static uint8_t p41[XN_BLOCK_SIZE], p42[XN_BLOCK_SIZE];
	uint32_t b[4] = { 41, 42, 43, 600 }, got[4];
	struct xn_bc_info bi;
	int res[4];

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_BOB, 41, p41), 0);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, 42, p42), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);      /* 42 stays dirty */
	ck_assert_int_eq(xn_bc_evict_many(x, P_ALICE, b, 4, res), 1);
	ck_assert_int_eq(res[0], 0);
	ck_assert_int_eq(res[1], XN_EDIRTY);
	ck_assert_int_eq(res[2], XN_ENOENT);
	ck_assert_int_eq(res[3], XN_ERANGE);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), XN_ENOENT);
	ck_assert_int_eq(xn_bc_lookup(x, 42, &bi), 0);
	ck_assert_int_eq(xn_bc_revoked(x, P_BOB, got, 4), 1);  /* told */
	ck_assert_uint_eq(got[0], 41);
	ck_assert_int_eq(xn_bc_evict_many(x, P_ALICE, b, 0, NULL), 0);
	ck_assert_int_eq(xn_bc_evict_many(x, P_ALICE, NULL, 1, res),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_bc_evict_many(x, P_ALICE, b, 1, NULL), XN_EINVAL);
}
END_TEST

START_TEST(free_rules)
{
	uint8_t e[8] = { 0 };
	struct xn_claim c = { 41, XN_TYPE_DATA };
	uint32_t sz = 0, got[4];

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 42, T_DIR), 0);
	ck_assert_int_eq(xn_udf_size(x, ROOT, &sz), 0);
	ck_assert_uint_eq(sz, 2);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 42), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, 42, 0, 43, XN_TYPE_DATA), 0);
	/* Freeing a block still pointed to: the change keeps the pointer. */
	ck_assert_int_eq(xn_free(x, P_ALICE, ROOT, 40, 8, e, &c, 1), XN_EPROOF);
	/* Freeing a block that owns blocks. */
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 1, 42, T_DIR),
	                 XN_ENOTEMPTY);
	/* Wrong type, wrong principal, a free that also allocates. */
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 0, 41, T_DIR), XN_ETYPE);
	ck_assert_int_eq(t_unlink(x, P_BOB, ROOT, 0, 41, XN_TYPE_DATA),
	                 XN_EACCES);
	t_put32(e, 0, 45);
	t_put32(e, 4, XN_TYPE_DATA);
	ck_assert_int_eq(xn_free(x, P_ALICE, ROOT, 16, 8, e, &c, 1), XN_EPROOF);
	c.block = 47;
	memset(e, 0, sizeof e);
	ck_assert_int_eq(xn_free(x, P_ALICE, ROOT, 16, 8, e, &c, 1), XN_EPROOF);
	/* Freeing a block Bob has cached revokes his entry, visibly. */
	ck_assert_int_eq(t_cache(&f, P_BOB, 41), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_bc_revoked(x, P_BOB, got, 4), 1);
	ck_assert_uint_eq(got[0], 41);
	/* Fresh (never written) blocks are free at once. */
	ck_assert_int_eq(t_unlink(x, P_ALICE, 42, 0, 43, XN_TYPE_DATA), 0);
	ck_assert_int_eq(flags(43), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 1, 42, T_DIR), 0);
	ck_assert_int_eq(flags(42), 0);
	ck_assert_int_eq(xn_udf_size(x, ROOT, &sz), 0);
	ck_assert_uint_eq(sz, 0);
}
END_TEST

/* A principal gone for good (the kernel's transient principal of a dead
 * environment, whose number comes back after the id wrap): its entries
 * become nobody's, its notices go, a later holder inherits nothing. */
START_TEST(registry_disown)
{
	uint32_t got[4];
	struct xn_bc_info bi;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_BOB, 41), 0);
	ck_assert_int_eq(t_cache(&f, P_BOB, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, 42), 0);  /* a notice */
	ck_assert_int_eq(xn_bc_disown(x, P_BOB), 1);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), 0);
	ck_assert_uint_eq(bi.owner, XN_NOBODY);
	ck_assert_uint_eq(bi.state, XN_BC_DIRTY);          /* kept as it was */
	ck_assert_int_eq(xn_bc_lookup(x, ROOT, &bi), 0);
	ck_assert_uint_eq(bi.owner, P_ALICE);               /* others kept */
	ck_assert_int_eq(xn_bc_revoked(x, P_BOB, got, 4), 0);
	/* nobody's entry evicted: no notice for anyone */
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, 41), 0);
	ck_assert_int_eq(x->nrevoke, 0);
	ck_assert_int_eq(xn_bc_disown(x, P_BOB), 0);
	ck_assert_int_eq(xn_bc_disown(x, XN_NOBODY), 0);
}
END_TEST

START_TEST(free_then_reuse_waits_for_parent)
{
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	ck_assert_int_eq(t_initdata(x, P_ALICE, 41), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);       /* pointer on disk */
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_uint_eq(flags(41), XN_BS_ALLOC | XN_BS_FREEING);
	/* Its registry entry went with it. */
	ck_assert_int_eq(xn_bc_lookup(x, 41, &(struct xn_bc_info){ 0 }),
	                 XN_ENOENT);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), XN_EBUSY);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 41, T_DIR), XN_EBUSY);
	ck_assert_int_eq(xn_root_install(x, 1, "r2", T_DIR, 41, NULL),
	                 XN_EBUSY);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);       /* pointer gone */
	ck_assert_uint_eq(flags(41), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 1, 41, T_DIR), 0);
}
END_TEST

START_TEST(free_pending_moves_up)
{
	/* 42 freed from 41, then 41 from the root before 41 is written:
	   both wait for the root. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, 41, 0, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, 41, 0, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 0, 41, T_DIR), 0);
	ck_assert_uint_eq(flags(42), XN_BS_ALLOC | XN_BS_FREEING);
	ck_assert_uint_eq(flags(41), XN_BS_ALLOC | XN_BS_FREEING);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_uint_eq(flags(41), 0);
	ck_assert_uint_eq(flags(42), 0);
}
END_TEST

START_TEST(writeback_order)
{
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, T_DIR), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 41), XN_ENOTCACHED);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, 41, 0, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, 41, P_ALICE), 0);
	ck_assert_int_eq(xn_writeback(x, 41), XN_EORDER);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 42), 0);
	ck_assert_int_eq(xn_writeback(x, 42), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);      /* clean: no-op */
	ck_assert_int_eq(xn_writeback(x, 3), XN_ERANGE);
	ck_assert_uint_eq(flags(41), XN_BS_ALLOC);
}
END_TEST

START_TEST(writeback_io_error)
{
	struct xn_bc_info bi;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 41), 0);
	f.md.fail_after = (int64_t)f.md.nwrites;
	ck_assert_int_eq(xn_writeback(x, 41), XN_EIO);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), 0);
	ck_assert_uint_eq(bi.state, XN_BC_DIRTY);
	ck_assert_uint_eq(flags(41), XN_BS_ALLOC | XN_BS_FRESH);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	f.md.fail_after = -1;
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
}
END_TEST

START_TEST(registry)
{
	struct xn_bc_info bi;
	uint32_t got[4];
	static uint8_t page[XN_BLOCK_SIZE];
	int i;

	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, ROOT, page), XN_EEXIST);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, 41, page), XN_EFREE);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, 0, page), XN_ERANGE);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, 600, page), XN_ERANGE);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, ROOT, NULL), XN_EINVAL);
	ck_assert_int_eq(xn_bc_lookup(x, ROOT, &bi), 0);
	ck_assert_uint_eq(bi.state, XN_BC_CLEAN);
	ck_assert_uint_eq(bi.owner, P_ALICE);
	ck_assert_uint_eq(bi.type, T_DIR);
	ck_assert_uint_eq(t_get32(bi.page, 0), T_DIRMAGIC);
	/* A fresh block is zero-filled and dirty (it must be written). */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, 41, XN_TYPE_DATA), 0);
	memset(page, 0xaa, sizeof page);
	ck_assert_int_eq(xn_bc_insert(x, P_BOB, 41, page), 0);
	ck_assert_uint_eq(page[100], 0);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), 0);
	ck_assert_uint_eq(bi.state, XN_BC_DIRTY);
	ck_assert_ptr_eq(bi.page, page);
	ck_assert_int_eq(xn_bc_evict(x, P_BOB, 41), XN_EDIRTY);
	ck_assert_int_eq(xn_writeback(x, 41), 0);
	/* Alice evicts Bob's entry: Bob is told. */
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, 41), 0);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, 41), XN_ENOENT);
	ck_assert_int_eq(xn_bc_revoked(x, P_ALICE, got, 4), 0);
	ck_assert_int_eq(xn_bc_revoked(x, P_BOB, got, 4), 1);
	ck_assert_uint_eq(got[0], 41);
	ck_assert_int_eq(xn_bc_revoked(x, P_BOB, got, 4), 0);
	/* Reinsert reads the disk. */
	ck_assert_int_eq(xn_bc_insert(x, P_BOB, 41, page), 0);
	ck_assert_int_eq(xn_bc_lookup(x, 41, &bi), 0);
	ck_assert_uint_eq(bi.state, XN_BC_CLEAN);
	/* Fill the registry. */
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	for (i = 0; i < T_BCSLOTS - 2; i++) {
		ck_assert_int_eq(xn_root_install(x, 1, (char[]){ 'r', (char)('A' + i),
		                 0 }, T_DIR, 100 + (uint32_t)i, NULL), 0);
		ck_assert_int_eq(t_cache(&f, 1, 100 + (uint32_t)i), 0);
	}
	ck_assert_int_eq(xn_root_install(x, 1, "last", T_DIR, 99, NULL), 0);
	ck_assert_int_eq(xn_bc_insert(x, 1, 99, page), XN_ENOSPC);
}
END_TEST

Suite *
alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("calls");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, roots);
	tcase_add_test(tc, alloc_accepts);
	tcase_add_test(tc, alloc_rejects);
	tcase_add_test(tc, write_rules);
	tcase_add_test(tc, write_many_rules);
	tcase_add_test(tc, evict_many_rules);
	tcase_add_test(tc, free_rules);
	tcase_add_test(tc, free_then_reuse_waits_for_parent);
	tcase_add_test(tc, free_pending_moves_up);
	tcase_add_test(tc, writeback_order);
	tcase_add_test(tc, writeback_io_error);
	tcase_add_test(tc, registry);
	tcase_add_test(tc, registry_disown);
	tcase_add_test(tc, owns_cache);
	suite_add_tcase(s, tc);
	return s;
}
