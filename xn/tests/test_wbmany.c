/*
 * xn/tests/test_wbmany.c: xn_writeback_many(), batched write-back: the
 * exact write and flush stream (children, flush, parents, flush), what is
 * held back (XN_EORDER) and what is refused before anything is written,
 * pending frees and moves released only after the flush that follows the
 * parent, and a failing write or flush.  Crash cuts (with the writes of a
 * wave reordered) are in test_crash.c.
 */
#include <stdio.h>
#include "testlib.h"

#define ROOT 40
#define A    41     /* dir */
#define B    42     /* dir */
#define D    45     /* data in A */
#define E    46     /* data in A */

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

Suite *
wbmany_suite(void)
{
	Suite *s = suite_create("writeback_many");
	TCase *tc = tcase_create("waves");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, waves);
	tcase_add_test(tc, held);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, free_and_move);
	tcase_add_test(tc, eio);
	suite_add_tcase(s, tc);
	return s;
}
