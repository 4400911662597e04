/*
 * xn/tests/test_order.c: the write-ordering scenario of the fuzz_alloc
 * regression inputs, in plain calls.  A directory is allocated under
 * the root and cached (it is fresh: XN fills its page with zeros), the
 * libFS never writes into it, and both are written back.  XN refuses to
 * write the parent first, then writes the child (zeros) and flushes
 * before the parent's pointer goes out; at every crash cut the pointer
 * on disk leads to a block XN wrote in its current allocation (zeros,
 * which own nothing), never to the block's old contents.  And XN writes
 * a page as the libFS left it: a libFS may overwrite its own directory
 * magic, so a magic number is no part of XN's promise (docs/XN.md,
 * "Write ordering").
 */
#include <stdio.h>
#include "testlib.h"

#define ROOT 40
#define A    41

static struct fx f;
static struct xn *x;
static uint8_t *img0;           /* the disk when logging started */

static void
setup_n(int batch)
{
	struct xn_template t = t_dir_template();

	fx_init(&f, T_NBLOCKS);
	f.batch = batch;
	ck_assert_int_eq(fx_mount(&f), 0);
	ck_assert_int_eq(xn_template_register(&f.x, P_ALICE, &t), 0);
	x = &f.x;
	ck_assert_int_eq(t_mkroot(&f, "fs", ROOT, P_ALICE), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, ROOT), 0);
	img0 = malloc((size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	ck_assert_ptr_nonnull(img0);
}

static void setup(void) { setup_n(0); }
static void setup_batch(void) { setup_n(1); }

static void
teardown(void)
{
	free(img0);
	fx_done(&f);
}

static const char *
stream(void)
{
	static char s[256];
	size_t n = 0;
	uint32_t i;

	s[0] = 0;
	for (i = 0; i < f.md.nlog && n < sizeof(s) - 16; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n,
		                      f.md.log[i].block == XN_NOBLOCK ? "F " :
		                      "%u ", f.md.log[i].block);
	return s;
}

static void
logstart(void)
{
	memcpy(img0, f.md.data, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	xn_memdisk_log_clear(&f.md);
	f.md.logging = 1;
}

static int
zero(const uint8_t *b)
{
	uint32_t i;

	for (i = 0; i < XN_BLOCK_SIZE; i++)
		if (b[i])
			return 0;
	return 1;
}

/* Link A (a directory) under ROOT and cache it: fresh, zero-filled,
   dirty; ROOT may not go out before it. */
static void
link_fresh_dir(void)
{
	struct xn_bc_info ci;
	struct xn_block_info bi;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, A), 0);
	ck_assert_int_eq(xn_bc_lookup(x, A, &ci), 0);
	ck_assert_int_eq(ci.state, XN_BC_DIRTY);
	ck_assert(zero(ci.page));
	ck_assert_int_eq(xn_block_info(x, A, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC | XN_BS_FRESH);
	/* its old contents are garbage */
	ck_assert_uint_eq(t_get32(f.md.data, A * XN_BLOCK_SIZE), 0xdededede);
	ck_assert_int_eq(xn_writeback(x, ROOT), XN_EORDER);
}

/* Every prefix of the logged stream (a crash then) mounts; where ROOT's
   entry on disk names A, A on disk is what XN wrote (zeros), an empty
   directory recovery keeps; where it does not, A is free again. */
static void
check_cuts(void)
{
	struct xn_memdisk m;
	struct xn y;
	struct xn_block_info bi;
	size_t len = xn_arena_size(T_NBLOCKS, T_BCSLOTS);
	void *arena = malloc(len);
	uint8_t *d;
	uint32_t n;
	int linked, seen_linked = 0;

	ck_assert_ptr_nonnull(arena);
	ck_assert_int_eq(xn_memdisk_init(&m, T_NBLOCKS), 0);
	for (n = 0; n <= f.md.nlog; n++) {
		memcpy(m.data, img0, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
		xn_memdisk_replay(&f.md, m.data, n);
		d = m.data + (size_t)ROOT * XN_BLOCK_SIZE;
		linked = t_get32(d, 16) == A;
		ck_assert_int_eq(xn_mount(&y, &m.disk, arena, len, T_BCSLOTS,
		                          NULL), 0);
		ck_assert_int_eq(xn_block_info(&y, A, &bi), 0);
		if (linked) {
			seen_linked = 1;
			ck_assert_uint_eq(t_get32(d, 20), T_DIR);
			ck_assert_msg(zero(m.data + (size_t)A * XN_BLOCK_SIZE),
			              "cut %u: pointer to a block XN never "
			              "wrote", n);
			ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
			ck_assert_uint_eq(bi.type, T_DIR);
			ck_assert_uint_eq(bi.parent, ROOT);
			ck_assert_uint_eq(bi.nchild, 0);
		} else {
			ck_assert_uint_eq(bi.flags, 0);
		}
	}
	ck_assert(seen_linked);
	xn_memdisk_free(&m);
	free(arena);
}

/* One block at a time: the child, a flush, then the parent. */
START_TEST(fresh_dir_single)
{
	link_fresh_dir();
	logstart();
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_str_eq(stream(), "41 F 40 F ");
	check_cuts();
}
END_TEST

/* The regression inputs' call: ROOT listed twice, then A.  A goes in
   the first wave alone; ROOT only after that wave's flush. */
START_TEST(fresh_dir_many)
{
	uint32_t l[] = { ROOT, ROOT, A }, done = 0;

	link_fresh_dir();
	logstart();
	ck_assert_int_eq(xn_writeback_many(x, l, 3, &done), 0);
	ck_assert_uint_eq(done, 2);
	ck_assert_str_eq(stream(), "41 F 40 F ");
	check_cuts();
}
END_TEST

/* XN keeps no libFS magic: the owner overwrites its directory's magic
   (ownership unchanged, its acl allows it) and XN writes it out. */
START_TEST(magic_is_the_libfs_business)
{
	uint8_t d[8];
	uint8_t *ondisk = f.md.data + (size_t)A * XN_BLOCK_SIZE;

	ck_assert_int_eq(t_link(x, P_ALICE, ROOT, 0, A, T_DIR), 0);
	ck_assert_int_eq(t_cache(&f, P_ALICE, A), 0);
	ck_assert_int_eq(t_initdir(x, P_ALICE, A, P_ALICE), 0);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_int_eq(xn_writeback(x, ROOT), 0);
	ck_assert_uint_eq(t_get32(ondisk, 0), T_DIRMAGIC);
	t_put32(d, 0, T_DATMAGIC);
	t_put32(d, 4, P_ALICE);
	ck_assert_int_eq(xn_write(x, P_ALICE, A, 0, 8, d), 0);
	ck_assert_int_eq(xn_writeback(x, A), 0);
	ck_assert_uint_eq(t_get32(ondisk, 0), T_DATMAGIC);
}
END_TEST

Suite *
order_suite(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("order");
	TCase *tb = tcase_create("order_write_many");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fresh_dir_single);
	tcase_add_test(tc, fresh_dir_many);
	tcase_add_test(tc, magic_is_the_libfs_business);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tb, setup_batch, teardown);
	tcase_add_test(tb, fresh_dir_single);
	tcase_add_test(tb, fresh_dir_many);
	suite_add_tcase(s, tb);
	return s;
}
