/*
 * xn/tests/test_move.c: xn_move(), moving owned blocks between metadata
 * blocks: what is accepted (one and several blocks, fresh and written
 * blocks, whole subtrees), what is refused (moved sets that differ, wrong
 * types, ACL refusals, cycles, bad arguments) with nothing changed by a
 * refusal, and the write-ordering rule (the new parent waits for the old).
 */
#include "testlib.h"

#define ROOT 40
#define A    41     /* dir, Alice */
#define B    42     /* dir, Alice */
#define C    43     /* dir, owner Bob */
#define D    45     /* data in A slot 0 */
#define E    46     /* data in A slot 1 */

static struct fx f;
static struct xn *x;

static void
link_init(uint32_t dir, int slot, uint32_t b, uint16_t type, uint32_t owner)
{
	ck_assert_int_eq(t_link(x, P_ALICE, dir, slot, b, type), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, b), 0);
	if (type == T_DIR)
		ck_assert_int_eq(t_initdir(x, P_ALICE, b, owner), 0);
	else
		ck_assert_int_eq(t_initdata(x, P_ALICE, b), 0);
	ck_assert_int_eq(xn_writeback(x, b), 0);
}

/* ROOT{A{D, E}, B{}, C(Bob){}}, all written. */
static void
setup(void)
{
	fx_setup(&f);
	x = &f.x;
	ck_assert_int_eq(t_mkroot(&f, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, ROOT), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, A), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, A, P_ALICE), 0);
	link_init(A, 0, D, XN_TYPE_DATA, 0);
	link_init(A, 1, E, XN_TYPE_DATA, 0);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	link_init(ROOT, 1, B, T_DIR, P_ALICE);
	link_init(ROOT, 2, C, T_DIR, P_BOB);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
}

static void
teardown(void)
{
	fx_done(&f);
}

static struct xn_block_info
info(uint32_t b)
{
	struct xn_block_info bi;

	ck_assert_int_eq(xn_block_info(x, b, &bi), 0);
	return bi;
}

static uint8_t *
page(uint32_t b)
{
	struct xn_bc_info ci;

	ck_assert_int_eq(xn_bc_lookup(x, b, &ci), 0);
	return ci.page;
}

START_TEST(move_written_block_orders_writeback)
{
	struct xn_block_info bi;

	ck_assert_int_eq(t_move(x, P_ALICE, A, 0, B, 3, D, XN_TYPE_DATA), 0);
	bi = info(D);
	ck_assert_uint_eq(bi.parent, B);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_MOVING);
	ck_assert_uint_eq(info(A).nchild, 1);
	ck_assert_uint_eq(info(B).nchild, 1);
	ck_assert_uint_eq(t_get32(page(A), 16), 0);
	ck_assert_uint_eq(t_get32(page(B), 16 + 24), D);
	/* B may not reach the disk while A's copy there still points to D. */
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_uint_eq(info(D).flags, XN_BS_ALLOC);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	/* D is now B's like any child: it can be freed and reused. */
	ck_assert_int_eq(t_unlink(x, P_ALICE, B, 3, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	ck_assert_uint_eq(info(D).flags, 0);
}
END_TEST

START_TEST(move_several_and_back)
{
	uint8_t z[16] = { 0 }, e[16];
	struct xn_claim c[2] = { { D, XN_TYPE_DATA }, { E, XN_TYPE_DATA } };

	t_put32(e, 0, D); t_put32(e, 4, XN_TYPE_DATA);
	t_put32(e, 8, E); t_put32(e, 12, XN_TYPE_DATA);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 16, z, B, 16 + 8 * 10, 16,
	                         e, c, 2), 0);
	ck_assert_uint_eq(info(A).nchild, 0);
	ck_assert_uint_eq(info(B).nchild, 2);
	/* Moved again before anything is written: still waits on A. */
	ck_assert_int_eq(t_move(x, P_ALICE, B, 10, C, 0, D, XN_TYPE_DATA),
	                 XN_EACCES);                  /* C is Bob's */
	ck_assert_int_eq(t_move(x, P_ALICE, B, 10, ROOT, 5, D, XN_TYPE_DATA),
	                 0);
	ck_assert_uint_eq(info(D).flags, XN_BS_ALLOC | XN_BS_MOVING);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	/* And back to its first parent: A's copy is then right again. */
	ck_assert_int_eq(t_move(x, P_ALICE, B, 11, A, 7, E, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_uint_eq(info(D).flags, XN_BS_ALLOC);
	ck_assert_uint_eq(info(E).flags, XN_BS_ALLOC);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
}
END_TEST

START_TEST(move_fresh)
{
	/* A fresh block moves with its freshness: the new parent waits for
	   the block itself, the old one no longer does. */
	ck_assert_int_eq(t_link(x, P_ALICE, A, 2, 50, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, A), XN_EORDER);
	ck_assert_int_eq(t_move(x, P_ALICE, A, 2, B, 0, 50, XN_TYPE_DATA), 0);
	ck_assert_uint_eq(info(50).flags, XN_BS_ALLOC | XN_BS_FRESH);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 50), 0);
	ck_assert_int_eq(t_initdata(x, P_ALICE, 50), 0);
	ck_assert_int_eq(xn_writeback(x, 50), 0);
	ck_assert_int_eq(xn_writeback(x, B), 0);

	/* From a fresh parent nothing waits: no pointer of it is on disk. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 3, 51, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 51), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, 51, P_ALICE), 0);
	ck_assert_int_eq(t_link(x, P_ALICE, 51, 0, 52, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 52), 0);
	ck_assert_int_eq(t_initdata(x, P_ALICE, 52), 0);
	ck_assert_int_eq(xn_writeback(x, 52), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, 51, 0, B, 1, 52, XN_TYPE_DATA), 0);
	ck_assert_uint_eq(info(52).flags, XN_BS_ALLOC);
	ck_assert_int_eq(xn_writeback(x, B), 0);
}
END_TEST

START_TEST(move_swap_refused)
{
	/* D goes A -> B (B waits for A); then 47 going B -> A would make A
	   wait for B: neither could be written first.  Refused until A is
	   written. */
	link_init(B, 4, 47, XN_TYPE_DATA, 0);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, A, 0, B, 0, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, B, 4, A, 0, 47, XN_TYPE_DATA),
	                 XN_EORDER);
	ck_assert_uint_eq(info(47).parent, B);
	ck_assert_uint_eq(t_get32(page(B), 16 + 32), 47);
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, B, 4, A, 0, 47, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(x, A), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	/* A fresh directory holding a block moved out of B cannot move into
	   B: B would wait for it and it for B. */
	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 3, 53, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, 53), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, 53, P_ALICE), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, B, 0, 53, 0, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 3, B, 1, 53, T_DIR),
	                 XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 3, B, 1, 53, T_DIR), 0);
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, 53), 0);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
}
END_TEST

START_TEST(move_subtree_and_cycles)
{
	/* A directory moves with everything below it. */
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 0, B, 0, A, T_DIR), 0);
	ck_assert_uint_eq(info(A).parent, B);
	ck_assert_uint_eq(info(D).parent, A);
	ck_assert_uint_eq(info(B).nchild, 1);
	/* B into A (now below B), or into itself: a cycle. */
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 1, A, 5, B, T_DIR),
	                 XN_EPROOF);
	ck_assert_int_eq(t_move(x, P_ALICE, ROOT, 1, B, 5, B, T_DIR),
	                 XN_EPROOF);
	ck_assert_uint_eq(info(B).parent, ROOT);
	ck_assert_uint_eq(t_get32(page(ROOT), 16 + 8), B);
	ck_assert_uint_eq(t_get32(page(A), 16 + 40), 0);
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_int_eq(xn_writeback(x, B), 0);
}
END_TEST

START_TEST(move_then_free)
{
	/* Freed while moving: reusable only once the old parent (whose copy
	   on disk still points to it) has been written. */
	ck_assert_int_eq(t_move(x, P_ALICE, A, 0, B, 0, D, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, B, 0, D, XN_TYPE_DATA), 0);
	ck_assert_uint_eq(info(D).flags, XN_BS_ALLOC | XN_BS_FREEING);
	ck_assert_int_eq(xn_writeback(x, B), 0);       /* nothing waits */
	ck_assert_int_eq(t_link(x, P_ALICE, B, 1, D, T_DIR), XN_EBUSY);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_uint_eq(info(D).flags, 0);
	ck_assert_int_eq(t_link(x, P_ALICE, B, 1, D, T_DIR), 0);

	/* The old parent freed too: the wait moves up to its parent. */
	ck_assert_int_eq(t_move(x, P_ALICE, A, 1, B, 2, E, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_unlink(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_uint_eq(info(A).flags, XN_BS_ALLOC | XN_BS_FREEING);
	ck_assert_uint_eq(info(E).flags, XN_BS_ALLOC | XN_BS_MOVING);
	ck_assert_int_eq(t_cache(&f, P_ALICE, D), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, D, P_ALICE), 0);
	ck_assert_int_eq(xn_writeback(x, D), 0);
	ck_assert_int_eq(xn_writeback(x, B), XN_EORDER);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_uint_eq(info(A).flags, 0);
	ck_assert_uint_eq(info(E).flags, XN_BS_ALLOC);
	ck_assert_int_eq(xn_writeback(x, B), 0);
}
END_TEST

START_TEST(move_rejects)
{
	uint8_t z[8] = { 0 }, e[8], z16[16] = { 0 }, e16[16];
	uint8_t save[4][XN_BLOCK_SIZE];
	uint32_t blks[4] = { ROOT, A, B, C }, i;
	struct xn_claim c = { D, XN_TYPE_DATA };
	struct xn_claim c2[2] = { { D, XN_TYPE_DATA }, { E, XN_TYPE_DATA } };

	for (i = 0; i < 4; i++)
		memcpy(save[i], page(blks[i]), XN_BLOCK_SIZE);
	t_put32(e, 0, D);
	t_put32(e, 4, XN_TYPE_DATA);
	/* Moved sets differ: to gains E, from loses D. */
	t_put32(e, 0, E);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 XN_EPROOF);
	t_put32(e, 0, D);
	/* from loses nothing (claim D, but the change keeps it). */
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 200, 8, z, B, 16, 8, e, &c, 1),
	                 XN_EPROOF);
	/* from loses D and E, the claim and to only D. */
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 16, z16, B, 16, 8, e, &c,
	                         1), XN_EPROOF);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 16, z16, B, 16, 8, e, c2,
	                         2), XN_EPROOF);
	/* to gains D and also E (still A's): a double pointer. */
	memcpy(e16, e, 8);
	t_put32(e16, 8, E); t_put32(e16, 12, XN_TYPE_DATA);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 16, e16, &c,
	                         1), XN_EPROOF);
	/* to gains D and a free block on the side. */
	t_put32(e16, 8, 60);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 16, e16, &c,
	                         1), XN_EPROOF);
	/* Wrong type: in the claim, or to records another type than from. */
	c.type = T_DIR;
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 XN_ETYPE);
	c.type = XN_TYPE_DATA;
	t_put32(e, 4, T_DIR);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 XN_ETYPE);
	t_put32(e, 4, 99);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 XN_ETYPE);
	t_put32(e, 4, XN_TYPE_DATA);
	/* ACL: into Bob's C, out of Alice's A as Bob, both as Bob. */
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, C, 16, 8, e, &c, 1),
	                 XN_EACCES);
	ck_assert_int_eq(xn_move(x, P_BOB, A, 16, 8, z, C, 16, 8, e, &c, 1),
	                 XN_EACCES);
	ck_assert_int_eq(xn_move(x, P_BOB, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 XN_EACCES);
	/* Arguments: same block, data or unknown blocks, ranges, claims. */
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, A, 24, 8, e, &c, 1),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, D, 16, 8, e, &c, 1),
	                 XN_ETYPE);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, 60, 16, 8, e, &c, 1),
	                 XN_EFREE);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, 9999, 16, 8, e, &c,
	                         1), XN_ERANGE);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 4090, 8, e, &c, 1),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, NULL, B, 16, 8, e, &c,
	                         1), XN_EINVAL);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 0),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, NULL,
	                         1), XN_EINVAL);
	ck_assert_int_eq(xn_bc_evict(x, P_ALICE, B), 0);
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 XN_ENOTCACHED);
	ck_assert_int_eq(xn_bc_insert(x, P_ALICE, B, save[2]), 0);
	/* Nothing changed by any refusal. */
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(memcmp(save[i], page(blks[i]), XN_BLOCK_SIZE),
		                 0);
	ck_assert_uint_eq(info(D).parent, A);
	ck_assert_uint_eq(info(D).flags, XN_BS_ALLOC);
	ck_assert_uint_eq(info(A).nchild, 2);
	ck_assert_uint_eq(info(B).nchild, 0);
	ck_assert_int_eq(xn_writeback(x, B), 0);
	/* A block being freed moves nowhere. */
	ck_assert_int_eq(t_unlink(x, P_ALICE, A, 1, E, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_move(x, P_ALICE, A, 1, B, 0, E, XN_TYPE_DATA),
	                 XN_EPROOF);
	/* And the good move still works. */
	ck_assert_int_eq(xn_move(x, P_ALICE, A, 16, 8, z, B, 16, 8, e, &c, 1),
	                 0);
}
END_TEST

Suite *
move_suite(void)
{
	Suite *s = suite_create("move");
	TCase *tc = tcase_create("move");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, move_written_block_orders_writeback);
	tcase_add_test(tc, move_several_and_back);
	tcase_add_test(tc, move_fresh);
	tcase_add_test(tc, move_swap_refused);
	tcase_add_test(tc, move_subtree_and_cycles);
	tcase_add_test(tc, move_then_free);
	tcase_add_test(tc, move_rejects);
	suite_add_tcase(s, tc);
	return s;
}
