/*
 * xn/tests/test_persist.c: persistence across unmount/mount of a disk
 * file, leak recovery, and mounting corrupt XN areas and trees (rejected
 * with an error or repaired, never a crash).
 */
#include "testlib.h"
#include <unistd.h>

/* On-disk offsets (docs/XN.md). */
#define SB_NBLOCKS   12
#define SB_CSUM      56
#define TP_CODE      56
#define CSUM_OFF     (XN_BLOCK_SIZE - 4)
#define ROOT_BLOCK   33
#define FMAP_START   (34 + XN_PT_BLOCKS)  /* after the principal table */
#define DATA_START   (FMAP_START + 1)

static uint32_t
csum(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint8_t *
blockp(struct fx *f, uint32_t b)
{
	return f->md.data + (size_t)b * XN_BLOCK_SIZE;
}

START_TEST(templates_persist_in_file)
{
	char path[] = "/tmp/xn-test-XXXXXX";
	struct xn_filedisk fd;
	struct xn_template t = t_dir_template();
	struct xn_mount_report rep;
	struct xn_block_info bi;
	static struct xn x;
	uint8_t buf[XN_BLOCK_SIZE], page[2][XN_BLOCK_SIZE];
	size_t alen = xn_arena_size(256, 8);
	void *arena = malloc(alen);
	uint16_t type;
	uint32_t b;
	int tmp = mkstemp(path);

	ck_assert_int_ge(tmp, 0);
	close(tmp);
	ck_assert_int_eq(xn_filedisk_open(&fd, path, 256, 1, 0), 0);
	ck_assert_int_eq(xn_format(&fd.disk, 256, buf), 0);
	ck_assert_int_eq(xn_mount(&x, &fd.disk, arena, alen, 8, &rep), 0);
	ck_assert_int_eq(rep.was_clean, 1);
	ck_assert_uint_eq(rep.templates, 0);
	ck_assert_int_eq(xn_template_register(&x, P_ALICE, &t), 0);
	memset(buf, 0, sizeof buf);
	ck_assert_int_eq(xn_root_install(&x, P_ALICE, "fs", T_DIR, 50, buf), 0);
	ck_assert_int_eq(xn_bc_insert(&x, P_ALICE, 50, page[0]), 0);
	ck_assert_int_eq(t_link(&x, P_ALICE, 50, 4, 51, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_bc_insert(&x, P_ALICE, 51, page[1]), 0);
	ck_assert_int_eq(t_initdata(&x, P_ALICE, 51), 0);
	ck_assert_int_eq(xn_writeback(&x, 51), 0);
	ck_assert_int_eq(xn_writeback(&x, 50), 0);
	ck_assert_int_eq(xn_unmount(&x), 0);
	ck_assert_int_eq(xn_unmount(&x), XN_ENOTMOUNTED);
	xn_filedisk_close(&fd);

	ck_assert_int_eq(xn_filedisk_open(&fd, path, 0, 0, 0), 0);
	ck_assert_uint_eq(fd.disk.nblocks, 256);
	ck_assert_int_eq(xn_mount(&x, &fd.disk, arena, alen, 8, &rep), 0);
	ck_assert_int_eq(rep.was_clean, 1);
	ck_assert_uint_eq(rep.templates, 1);
	ck_assert_uint_eq(rep.roots, 1);
	ck_assert_uint_eq(rep.reachable, 2);
	ck_assert_uint_eq(rep.leaked, 0);
	ck_assert_uint_eq(rep.map_fixed, 0);
	ck_assert_int_eq(xn_template_find(&x, "test.dir", &type), 0);
	ck_assert_uint_eq(type, T_DIR);
	ck_assert_int_eq(xn_root_lookup(&x, "fs", &b, &type), 0);
	ck_assert_uint_eq(b, 50);
	ck_assert_int_eq(xn_block_info(&x, 51, &bi), 0);
	ck_assert_uint_eq(bi.type, XN_TYPE_DATA);
	ck_assert_uint_eq(bi.parent, 50);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	/* The registered template still works after the reboot. */
	ck_assert_int_eq(xn_bc_insert(&x, P_ALICE, 50, page[0]), 0);
	ck_assert_int_eq(t_link(&x, P_ALICE, 50, 4, 52, XN_TYPE_DATA),
	                 XN_EPROOF);
	ck_assert_int_eq(t_link(&x, P_ALICE, 50, 5, 51, XN_TYPE_DATA),
	                 XN_EPROOF);
	ck_assert_int_eq(t_link(&x, P_ALICE, 50, 5, 52, XN_TYPE_DATA), 0);
	/* Small arena is refused. */
	ck_assert_int_eq(xn_mount(&x, &fd.disk, arena, alen - 1000, 8, NULL),
	                 XN_ENOMEM);
	xn_filedisk_close(&fd);
	unlink(path);
	free(arena);
}
END_TEST

/* A crash after allocation: the map says used, nothing points there. */
START_TEST(leak_recovered)
{
	struct fx f;
	struct xn_mount_report rep;
	struct xn_block_info bi;

	fx_setup(&f);
	ck_assert_int_eq(t_mkroot(&f, "fs", 40, 0), 0);
	ck_assert_int_eq(t_cache(&f, 1, 40), 0);
	ck_assert_int_eq(t_link(&f.x, 1, 40, 0, 41, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	/* crash: no write-back, no unmount */
	ck_assert_int_eq(xn_mount(&f.x, &f.md.disk, f.arena, f.arena_len,
	                          T_BCSLOTS, &rep), 0);
	ck_assert_int_eq(rep.was_clean, 0);
	ck_assert_uint_eq(rep.leaked, 1);
	ck_assert_uint_eq(rep.reachable, 1);
	ck_assert_int_eq(xn_block_info(&f.x, 41, &bi), 0);
	ck_assert_uint_eq(bi.flags, 0);
	ck_assert_int_eq(xn_unmount(&f.x), 0);
	ck_assert_int_eq(xn_mount(&f.x, &f.md.disk, f.arena, f.arena_len,
	                          T_BCSLOTS, &rep), 0);
	ck_assert_int_eq(rep.was_clean, 1);
	ck_assert_uint_eq(rep.leaked, 0);
	fx_done(&f);
}
END_TEST

/* Build a disk with a root 40 -> dir 41 -> data 42, unmounted. */
static void
mkdisk(struct fx *f)
{
	fx_setup(f);
	ck_assert_int_eq(t_mkroot(f, "fs", 40, 0), 0);
	ck_assert_int_eq(t_cache(f, 1, 40), 0);
	ck_assert_int_eq(t_link(&f->x, 1, 40, 0, 41, T_DIR), 0);
	ck_assert_int_eq(t_cache(f, 1, 41), 0);
	ck_assert_int_eq(t_link(&f->x, 1, 41, 0, 42, XN_TYPE_DATA), 0);
	ck_assert_int_eq(t_cache(f, 1, 42), 0);
	ck_assert_int_eq(t_initdata(&f->x, 1, 42), 0);
	ck_assert_int_eq(xn_writeback(&f->x, 42), 0);
	ck_assert_int_eq(xn_writeback(&f->x, 41), 0);
	ck_assert_int_eq(xn_writeback(&f->x, 40), 0);
	ck_assert_int_eq(xn_unmount(&f->x), 0);
}

START_TEST(corrupt_xn_area)
{
	struct fx f;
	uint8_t save[XN_BLOCK_SIZE], *b;
	struct xn_mount_report rep;

	mkdisk(&f);
	ck_assert_int_eq(fx_mount(&f), 0);
	ck_assert_int_eq(xn_unmount(&f.x), 0);

	/* Superblock: bad checksum, then a valid checksum on a bad size. */
	b = blockp(&f, 0);
	memcpy(save, b, sizeof save);
	b[13] ^= 1;
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	t_put32(b, SB_NBLOCKS, 100000);
	t_put32(b, SB_CSUM, csum(b, SB_CSUM));
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	memset(b, 0, XN_BLOCK_SIZE);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	memcpy(b, save, sizeof save);
	ck_assert_int_eq(fx_mount(&f), 0);
	ck_assert_int_eq(xn_unmount(&f.x), 0);

	/* Template: bad checksum; valid checksum over a looping UDF. */
	b = blockp(&f, 1);
	memcpy(save, b, sizeof save);
	b[TP_CODE] ^= 0x40;
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	b[TP_CODE] ^= 0x40;
	b[TP_CODE + 8 + 7] = 0x7f;             /* LOOP bound huge */
	t_put32(b, CSUM_OFF, csum(b, CSUM_OFF));
	ck_assert_int_eq(xn_udf_verify(t_dir_owns, t_dir_owns_len, NULL), 0);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	memcpy(b, save, sizeof save);

	/* Root table: bad checksum; a root in the XN area. */
	b = blockp(&f, ROOT_BLOCK);
	memcpy(save, b, sizeof save);
	b[20] ^= 1;
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	b[20] ^= 1;
	t_put32(b, 16 + 32, 2);
	t_put32(b, CSUM_OFF, csum(b, CSUM_OFF));
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	memcpy(b, save, sizeof save);

	/* Free map: wrong bits are repaired, not fatal. */
	b = blockp(&f, FMAP_START);
	memset(b, 0, XN_BLOCK_SIZE);
	b[XN_BLOCK_SIZE - 1] = 0xff;            /* beyond the disk */
	ck_assert_int_eq(xn_mount(&f.x, &f.md.disk, f.arena, f.arena_len,
	                          T_BCSLOTS, &rep), 0);
	ck_assert_uint_eq(rep.map_fixed, DATA_START + 3 + 8);
	ck_assert_int_eq(xn_unmount(&f.x), 0);
	ck_assert_int_eq(xn_mount(&f.x, &f.md.disk, f.arena, f.arena_len,
	                          T_BCSLOTS, &rep), 0);
	ck_assert_uint_eq(rep.map_fixed, 0);
	fx_done(&f);
}
END_TEST

START_TEST(corrupt_tree)
{
	struct fx f;
	uint8_t *d41;

	mkdisk(&f);
	d41 = blockp(&f, 41);
	/* A cycle: 41 points back at the root. */
	t_put32(d41, 24, 40);
	t_put32(d41, 28, T_DIR);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	/* A block shared by two pointers. */
	t_put32(d41, 24, 42);
	t_put32(d41, 28, XN_TYPE_DATA);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	/* Out of range, in the XN area, unknown type. */
	t_put32(d41, 24, 70000);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	t_put32(d41, 24, 5);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	t_put32(d41, 24, 43);
	t_put32(d41, 28, 77);
	ck_assert_int_eq(fx_mount(&f), XN_ECORRUPT);
	t_put32(d41, 24, 0);
	t_put32(d41, 28, 0);
	ck_assert_int_eq(fx_mount(&f), 0);
	fx_done(&f);
}
END_TEST

/* Random damage to the XN area and the tree: mount must return. */
START_TEST(corrupt_random)
{
	struct fx f;
	uint8_t *img;
	size_t len = (size_t)T_NBLOCKS * XN_BLOCK_SIZE;
	uint32_t seed = 12345, i, k, b, off;
	int r, ok = 0, bad = 0;
	static const uint32_t targets[] = { 0, 1, 33, 34, 40, 41 };

	mkdisk(&f);
	img = malloc(len);
	memcpy(img, f.md.data, len);
	for (i = 0; i < 300; i++) {
		memcpy(f.md.data, img, len);
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			b = targets[(seed >> 8) % 6];
			seed = seed * 1103515245u + 12345u;
			off = (seed >> 4) % (b == 41 || b == 40 ? 280 : 200);
			f.md.data[(size_t)b * XN_BLOCK_SIZE + off] ^=
			        (uint8_t)(1u << (seed >> 28) % 8);
		}
		r = fx_mount(&f);
		ck_assert(r == 0 || r == XN_ECORRUPT);
		if (r == 0) {
			ok++;
			ck_assert_int_eq(xn_unmount(&f.x), 0);
		} else {
			bad++;
		}
	}
	ck_assert_int_gt(ok, 0);
	ck_assert_int_gt(bad, 0);
	free(img);
	fx_done(&f);
}
END_TEST

START_TEST(unformatted_and_args)
{
	struct xn_memdisk md;
	static struct xn x;
	size_t alen = xn_arena_size(64, 4);
	void *arena = malloc(alen);
	uint8_t buf[XN_BLOCK_SIZE];

	ck_assert_int_eq(xn_memdisk_init(&md, 64), 0);
	ck_assert_int_eq(xn_mount(&x, &md.disk, arena, alen, 4, NULL),
	                 XN_ECORRUPT);
	ck_assert_int_eq(xn_mount(&x, &md.disk, arena, alen, 0, NULL),
	                 XN_EINVAL);
	ck_assert_int_eq(xn_mount(&x, NULL, arena, alen, 4, NULL), XN_EINVAL);
	ck_assert_int_eq(xn_format(&md.disk, 65, buf), XN_ERANGE);
	ck_assert_int_eq(xn_format(&md.disk, 20, buf), XN_ERANGE);
	ck_assert_int_eq(xn_format(&md.disk, 64, NULL), XN_EINVAL);
	ck_assert_int_eq(xn_format(&md.disk, 64, buf), 0);
	ck_assert_int_eq(xn_mount(&x, &md.disk, arena, alen, 4, NULL), 0);
	ck_assert_int_eq(xn_template_register(NULL, 0, NULL), XN_ENOTMOUNTED);
	ck_assert_int_eq(xn_block_info(&x, 64, &(struct xn_block_info){ 0 }),
	                 XN_ERANGE);
	ck_assert_str_eq(xn_strerror(XN_EPROOF),
	                 "ownership change does not match the claim");
	ck_assert_str_eq(xn_strerror(12345), "unknown error");
	xn_memdisk_free(&md);
	free(arena);
}
END_TEST

Suite *
persist_suite(void)
{
	Suite *s = suite_create("persist");
	TCase *tc = tcase_create("mount");

	tcase_add_test(tc, templates_persist_in_file);
	tcase_add_test(tc, leak_recovered);
	tcase_add_test(tc, corrupt_xn_area);
	tcase_add_test(tc, corrupt_tree);
	tcase_add_test(tc, corrupt_random);
	tcase_add_test(tc, unformatted_and_args);
	suite_add_tcase(s, tc);
	return s;
}
