/*
 * xn/tests/test_layout.c: the client's view of XN's layout (xn/layout.c,
 * xn_layout_get): the numbers a mounted instance gives are the ones read
 * from the disk unmounted; roots and templates are found on disk; a
 * damaged superblock or root table is refused with XN_ECORRUPT, not
 * read past the disk.
 */
#include <string.h>

#include "testlib.h"

/* Superblock offsets, as docs/XN.md "On-disk layout" gives them. */
#define SB_NBLOCKS  12
#define SB_ROOT     24
#define SB_FSTART   28
#define SB_DSTART   36

START_TEST(t_layout_same)
{
	struct xn_layout m, d;
	uint8_t buf[XN_BLOCK_SIZE];
	char name[XN_NAME_MAX];
	uint32_t block;
	uint16_t type;
	struct fx f;

	fx_setup(&f);
	ck_assert_int_eq(xn_layout_get(&f.x, &m), 0);
	ck_assert_uint_eq(m.nblocks, T_NBLOCKS);
	ck_assert_uint_lt(m.fmap_start + m.fmap_blocks, m.data_start + 1);
	ck_assert_uint_lt(m.root_block, m.data_start);
	ck_assert_int_eq(t_mkroot(&f, "r1", m.data_start + 3, P_ALICE), 0);
	ck_assert_int_eq(xn_unmount(&f.x), 0);
	ck_assert_int_eq(xn_layout_get(&f.x, &d), XN_ENOTMOUNTED);
	ck_assert_int_eq(xn_layout_read(&f.md.disk, buf, &d), 0);
	ck_assert_int_eq(memcmp(&m, &d, sizeof(m)), 0);
	ck_assert_int_eq(xn_layout_root(&f.md.disk, &d, buf, "r1", &block,
	                                &type), 0);
	ck_assert_uint_eq(block, m.data_start + 3);
	ck_assert_uint_eq(type, T_DIR);
	ck_assert_int_eq(xn_layout_root(&f.md.disk, &d, buf, "r", &block,
	                                &type), XN_ENOENT);
	ck_assert_int_eq(xn_layout_root(&f.md.disk, &d, buf, "r12", &block,
	                                &type), XN_ENOENT);
	ck_assert_int_eq(xn_layout_template(&f.md.disk, &d, buf, 0, name,
	                                    &type), 0);
	ck_assert_str_eq(name, "test.dir");
	ck_assert_uint_eq(type, T_DIR);
	ck_assert_int_eq(xn_layout_template(&f.md.disk, &d, buf, 1, name,
	                                    &type), XN_ENOENT);
	ck_assert_int_eq(xn_layout_template(&f.md.disk, &d, buf, d.tmpl_count,
	                                    name, &type), XN_ERANGE);
	ck_assert_int_eq(xn_layout_read(NULL, buf, &d), XN_EINVAL);
	ck_assert_int_eq(xn_layout_read(&f.md.disk, NULL, &d), XN_EINVAL);
	fx_done(&f);
}
END_TEST

/* Each damaged field is refused; the disk is not read beyond its end. */
START_TEST(t_layout_damaged)
{
	static const struct { uint32_t off, val; } bad[] = {
		{ 0, 0x42534e59u },             /* magic */
		{ SB_NBLOCKS, T_NBLOCKS + 1 },  /* bigger than the disk */
		{ SB_ROOT, 0 },
		{ SB_ROOT, 1000 },              /* the root table past the end */
		{ SB_FSTART, 0 },
		{ SB_DSTART, T_NBLOCKS },       /* no data area */
		{ SB_DSTART, 3 },               /* areas overlap the data */
	};
	struct xn_layout l;
	uint8_t buf[XN_BLOCK_SIZE], save[XN_BLOCK_SIZE];
	struct fx f;
	unsigned i;

	fx_setup(&f);
	ck_assert_int_eq(xn_unmount(&f.x), 0);
	memcpy(save, f.md.data, XN_BLOCK_SIZE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_put32(f.md.data, bad[i].off, bad[i].val);
		ck_assert_int_eq(xn_layout_read(&f.md.disk, buf, &l),
		                 XN_ECORRUPT);
		memcpy(f.md.data, save, XN_BLOCK_SIZE);
	}
	ck_assert_int_eq(xn_layout_read(&f.md.disk, buf, &l), 0);
	/* the root table's magic */
	f.md.data[(size_t)l.root_block * XN_BLOCK_SIZE] ^= 1;
	ck_assert_int_eq(xn_layout_root(&f.md.disk, &l, buf, "r1", NULL,
	                                NULL), XN_ECORRUPT);
	fx_done(&f);
}
END_TEST

Suite *
layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, t_layout_same);
	tcase_add_test(tc, t_layout_damaged);
	suite_add_tcase(s, tc);
	return s;
}
