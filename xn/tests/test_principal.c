/*
 * xn/tests/test_principal.c: the principal table (xn/principal.c): one
 * principal per whole name, never shared (not even by names whose old
 * 32-bit hash collides), the same after unmount and mount, written
 * before it is given, a full table refused, and a damaged table refused
 * at mount.
 */
#include "testlib.h"

#define PT_START   34           /* docs/XN.md: after the root table */
#define CSUM_OFF   (XN_BLOCK_SIZE - 4)

static uint32_t
csum(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint8_t *
ptblock(struct fx *f, uint32_t i)
{
	return f->md.data + (size_t)(PT_START + i) * XN_BLOCK_SIZE;
}

/* Names whose FNV-1a hash of (length, bytes) is the same: the
 * principal the kernel used to give. */
static const uint8_t vname[] = { 'V' };
static const uint8_t fname[] = { 'A', 0xb1, 0x4b, 0x03, 0x32, 0x7b };

START_TEST(names_and_principals)
{
	static const uint8_t zero[2] = { 0, 0 };
	uint32_t v, f, e, z1, z2, again, x;
	struct fx fx;

	fx_setup(&fx);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &v), 0);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &f), 0);
	ck_assert_uint_ne(v, f);
	ck_assert_uint_ne(v, 0);
	ck_assert_uint_ne(f, 0);
	/* the length is part of the name */
	ck_assert_int_eq(xn_principal(&fx.x, NULL, 0, 1, &e), 0);
	ck_assert_int_eq(xn_principal(&fx.x, zero, 1, 1, &z1), 0);
	ck_assert_int_eq(xn_principal(&fx.x, zero, 2, 1, &z2), 0);
	ck_assert(e != z1 && z1 != z2 && e != z2 && e != v && z1 != f);
	/* the same name, the same principal; asking does not create */
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 0, &again), 0);
	ck_assert_uint_eq(again, v);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &again), 0);
	ck_assert_uint_eq(again, f);
	ck_assert_int_eq(xn_principal(&fx.x, (const uint8_t *)"new", 3, 0,
	                              &x), XN_ENOENT);
	/* bad arguments */
	ck_assert_int_eq(xn_principal(&fx.x, fname, XN_PR_NAME_MAX + 1, 1,
	                              &x), XN_EINVAL);
	ck_assert_int_eq(xn_principal(&fx.x, NULL, 1, 1, &x), XN_EINVAL);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, NULL), XN_EINVAL);

	/* after unmount and mount: the same principals, the next is new */
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &x),
	                 XN_ENOTMOUNTED);
	ck_assert_int_eq(fx_mount(&fx), 0);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 0, &again), 0);
	ck_assert_uint_eq(again, v);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 0, &again), 0);
	ck_assert_uint_eq(again, f);
	ck_assert_int_eq(xn_principal(&fx.x, zero, 2, 0, &again), 0);
	ck_assert_uint_eq(again, z2);
	ck_assert_int_eq(xn_principal(&fx.x, (const uint8_t *)"new", 3, 1,
	                              &x), 0);
	ck_assert(x != v && x != f && x != e && x != z1 && x != z2);
	fx_done(&fx);
}
END_TEST

/* A principal is on disk before it is given: a crash (the memory disk
 * as it stands) keeps it; a failed write gives none. */
START_TEST(written_before_given)
{
	uint32_t v, x, again;
	struct fx fx, g;

	fx_setup(&fx);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &v), 0);
	/* no unmount: a copy of the disk as it is now */
	fx_init(&g, T_NBLOCKS);
	memcpy(g.md.data, fx.md.data, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	ck_assert_int_eq(fx_mount(&g), 0);
	ck_assert_int_eq(xn_principal(&g.x, vname, 1, 0, &again), 0);
	ck_assert_uint_eq(again, v);
	fx_done(&g);

	fx.md.fail_after = (int64_t)fx.md.nwrites;
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &x), XN_EIO);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 0, &x), XN_ENOENT);
	fx.md.fail_after = -1;
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &x), 0);
	ck_assert_uint_eq(x, v + 1);
	fx_done(&fx);
}
END_TEST

START_TEST(table_full)
{
	uint8_t n[XN_PR_NAME_MAX];
	uint32_t i, pr, first = 0;
	struct fx fx;

	fx_setup(&fx);
	memset(n, 0, sizeof n);
	for (i = 0; i < XN_MAX_PRINCIPALS; i++) {
		n[0] = (uint8_t)i, n[1] = (uint8_t)(i >> 8);
		ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), 0);
		ck_assert_uint_eq(pr, i + 1);
		if (i == 0)
			first = pr;
	}
	n[0] = 0xff, n[1] = 0xff;
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), XN_ENOSPC);
	n[0] = 0, n[1] = 0;
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), 0);
	ck_assert_uint_eq(pr, first);
	/* all of them come back after a mount */
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	ck_assert_int_eq(fx_mount(&fx), 0);
	for (i = 0; i < XN_MAX_PRINCIPALS; i++) {
		n[0] = (uint8_t)i, n[1] = (uint8_t)(i >> 8);
		ck_assert_int_eq(xn_principal(&fx.x, n, 2, 0, &pr), 0);
		ck_assert_uint_eq(pr, i + 1);
	}
	fx_done(&fx);
}
END_TEST

/* Change table block 0 with fn, fix its checksum (if fix), mount. */
static int
mount_changed(struct fx *f, void (*fn)(uint8_t *), int fix)
{
	uint8_t save[XN_BLOCK_SIZE], *b = ptblock(f, 0);
	int r;

	memcpy(save, b, sizeof save);
	fn(b);
	if (fix)
		t_put32(b, CSUM_OFF, csum(b, CSUM_OFF));
	r = fx_mount(f);
	if (r == 0)
		ck_assert_int_eq(xn_unmount(&f->x), 0);
	memcpy(b, save, sizeof save);
	return r;
}

static void flip(uint8_t *b) { b[20] ^= 1; }
static void dup(uint8_t *b) { memcpy(b + 16 + 2 * 16, b + 16, 16); }
static void gap(uint8_t *b) { memset(b + 16, 0, 16); }
static void longlen(uint8_t *b) { b[16 + 2 * 16] = XN_PR_NAME_MAX + 2;
                                  b[16 + 2 * 16 + 1] = 1; }
static void tail(uint8_t *b) { b[16 + 2 * 16 + 15] = 1; }
static void header(uint8_t *b) { b[8] = 1; }
static void magic(uint8_t *b) { b[0] ^= 0x20; }
static void nothing(uint8_t *b) { (void)b; }

START_TEST(damaged_table)
{
	uint32_t pr;
	struct fx fx;

	fx_setup(&fx);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &pr), 0);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &pr), 0);
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	ck_assert_int_eq(mount_changed(&fx, nothing, 1), 0);
	ck_assert_int_eq(mount_changed(&fx, flip, 0), XN_ECORRUPT);
	ck_assert_int_eq(mount_changed(&fx, magic, 1), XN_ECORRUPT);
	ck_assert_int_eq(mount_changed(&fx, dup, 1), XN_ECORRUPT);
	ck_assert_int_eq(mount_changed(&fx, gap, 1), XN_ECORRUPT);
	ck_assert_int_eq(mount_changed(&fx, longlen, 1), XN_ECORRUPT);
	ck_assert_int_eq(mount_changed(&fx, tail, 1), XN_ECORRUPT);
	ck_assert_int_eq(mount_changed(&fx, header, 1), XN_ECORRUPT);
	ck_assert_int_eq(fx_mount(&fx), 0);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 0, &pr), 0);
	ck_assert_uint_eq(pr, 2);
	fx_done(&fx);
}
END_TEST

Suite *
principal_suite(void)
{
	Suite *s = suite_create("principal");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, names_and_principals);
	tcase_add_test(tc, written_before_given);
	tcase_add_test(tc, table_full);
	tcase_add_test(tc, damaged_table);
	suite_add_tcase(s, tc);
	return s;
}
