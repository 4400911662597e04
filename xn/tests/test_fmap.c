/*
 * xn/tests/test_fmap.c: a sync writes only the free-map blocks that
 * changed since the disk last saw them (xn/xn.c, write_fmap), and the
 * disk after such a sync mounts as consistent (nothing leaked, nothing
 * repaired).  The disk is large enough for three map blocks; its memory
 * is calloc'ed and touched only where written, so it stays small.
 */
#include "testlib.h"

#define BIG_NBLOCKS (2u * XN_BLOCK_SIZE * 8 + 100)      /* 3 map blocks */
#define ROOT        100                 /* in map block 0 */
#define FAR         (2u * XN_BLOCK_SIZE * 8 + 64)       /* map block 2 */

struct bigfx {
	struct xn_memdisk md;
	struct xn x;
	void *arena;
	size_t len;
	uint8_t pages[4][XN_BLOCK_SIZE];
	struct xn_layout l;
};

static void
big_mount(struct bigfx *f, struct xn_mount_report *rep)
{
	ck_assert_int_eq(xn_mount(&f->x, &f->md.disk, f->arena, f->len,
	                          T_BCSLOTS, rep), 0);
	ck_assert_int_eq(xn_layout_get(&f->x, &f->l), 0);
}

static void
big_init(struct bigfx *f)
{
	struct xn_template t = t_dir_template();
	uint8_t buf[XN_BLOCK_SIZE];

	memset(f, 0, sizeof *f);
	ck_assert_int_eq(xn_memdisk_init(&f->md, BIG_NBLOCKS), 0);
	ck_assert_int_eq(xn_format(&f->md.disk, BIG_NBLOCKS, buf), 0);
	f->len = xn_arena_size(BIG_NBLOCKS, T_BCSLOTS);
	ck_assert_uint_gt(f->len, 0);
	ck_assert_ptr_nonnull(f->arena = malloc(f->len));
	big_mount(f, NULL);
	ck_assert_uint_eq(f->l.fmap_blocks, 3);
	ck_assert_uint_lt(f->l.data_start, ROOT);
	ck_assert_int_eq(xn_template_register(&f->x, P_ALICE, &t), 0);
	memset(buf, 0, sizeof buf);
	t_put32(buf, 0, T_DIRMAGIC);
	ck_assert_int_eq(xn_root_install(&f->x, 0, "fs", T_DIR, ROOT, buf),
	                 0);
	ck_assert_int_eq(xn_bc_insert(&f->x, 1, ROOT, f->pages[0]), 0);
}

static void
big_done(struct bigfx *f)
{
	xn_memdisk_free(&f->md);
	free(f->arena);
}

/* How many writes since the log was cleared went to map block i; the
 * last one's bit for block b in *bit. */
static uint32_t
map_writes(const struct bigfx *f, uint32_t i, uint32_t b, int *bit)
{
	uint32_t k, n = 0, j = b % (XN_BLOCK_SIZE * 8);

	for (k = 0; k < f->md.nlog; k++) {
		if (f->md.log[k].block != f->l.fmap_start + i)
			continue;
		n++;
		*bit = (f->md.log[k].data[j / 8] >> (j % 8)) & 1;
	}
	return n;
}

static uint32_t
all_map_writes(const struct bigfx *f)
{
	uint32_t i, n = 0;
	int bit;

	for (i = 0; i < f->l.fmap_blocks; i++)
		n += map_writes(f, i, 0, &bit);
	return n;
}

static void
log_start(struct bigfx *f)
{
	xn_memdisk_log_clear(&f->md);
	f->md.logging = 1;
}

/* A sync after one allocation writes that block's map block alone; a
 * second sync writes nothing; a crash then finds the map exact. */
START_TEST(sync_writes_changed_map_block)
{
	static struct bigfx f;
	struct xn_mount_report rep;
	struct xn_block_info bi;
	int bit = -1;

	big_init(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	log_start(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_uint_eq(f.md.nlog, 0);        /* nothing changed */
	ck_assert_int_eq(t_link(&f.x, 1, ROOT, 0, FAR, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_uint_eq(all_map_writes(&f), 1);
	ck_assert_uint_eq(map_writes(&f, 2, FAR, &bit), 1);
	ck_assert_int_eq(bit, 1);
	log_start(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_uint_eq(f.md.nlog, 0);
	/* the child and its parent on disk: no map block changes */
	ck_assert_int_eq(xn_bc_insert(&f.x, 1, FAR, f.pages[1]), 0);
	ck_assert_int_eq(t_initdata(&f.x, 1, FAR), 0);
	ck_assert_int_eq(xn_writeback(&f.x, FAR), 0);
	ck_assert_int_eq(xn_writeback(&f.x, ROOT), 0);
	log_start(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_uint_eq(all_map_writes(&f), 0);
	/* crash here: the disk's map is exact */
	f.md.logging = 0;
	big_mount(&f, &rep);
	ck_assert_int_eq(rep.was_clean, 0);
	ck_assert_uint_eq(rep.leaked, 0);
	ck_assert_uint_eq(rep.map_fixed, 0);
	ck_assert_uint_eq(rep.reachable, 2);
	ck_assert_int_eq(xn_block_info(&f.x, FAR, &bi), 0);
	ck_assert_uint_eq(bi.flags, XN_BS_ALLOC);
	/* and a free: one map block again, the bit clear */
	ck_assert_int_eq(xn_bc_insert(&f.x, 1, ROOT, f.pages[2]), 0);
	ck_assert_int_eq(t_unlink(&f.x, 1, ROOT, 0, FAR, XN_TYPE_DATA), 0);
	ck_assert_int_eq(xn_writeback(&f.x, ROOT), 0);
	log_start(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_uint_eq(all_map_writes(&f), 1);
	ck_assert_uint_eq(map_writes(&f, 2, FAR, &bit), 1);
	ck_assert_int_eq(bit, 0);
	f.md.logging = 0;
	big_mount(&f, &rep);
	ck_assert_uint_eq(rep.leaked, 0);
	ck_assert_uint_eq(rep.map_fixed, 0);
	ck_assert_uint_eq(rep.reachable, 1);
	ck_assert_int_eq(xn_block_info(&f.x, FAR, &bi), 0);
	ck_assert_uint_eq(bi.flags, 0);
	ck_assert_int_eq(xn_unmount(&f.x), 0);
	big_done(&f);
}
END_TEST

/* A map write that fails is tried again by the next sync. */
START_TEST(failed_map_write_retried)
{
	static struct bigfx f;
	struct xn_mount_report rep;
	int bit = -1;

	big_init(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_int_eq(t_link(&f.x, 1, ROOT, 0, FAR, XN_TYPE_DATA), 0);
	f.md.fail_after = (int64_t)f.md.nwrites;
	ck_assert_int_eq(xn_sync(&f.x), XN_EIO);
	f.md.fail_after = -1;
	log_start(&f);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	ck_assert_uint_eq(all_map_writes(&f), 1);
	ck_assert_uint_eq(map_writes(&f, 2, FAR, &bit), 1);
	ck_assert_int_eq(bit, 1);
	/* the mount's repair writes only what differs: here nothing but
	 * the leaked bit's block (the parent was never written back) */
	log_start(&f);
	big_mount(&f, &rep);
	ck_assert_uint_eq(rep.leaked, 1);
	ck_assert_uint_eq(all_map_writes(&f), 1);
	ck_assert_uint_eq(map_writes(&f, 2, FAR, &bit), 1);
	ck_assert_int_eq(bit, 0);
	ck_assert_int_eq(xn_unmount(&f.x), 0);
	big_done(&f);
}
END_TEST

Suite *
fmap_suite(void)
{
	Suite *s = suite_create("fmap");
	TCase *tc = tcase_create("fmap");

	tcase_add_test(tc, sync_writes_changed_map_block);
	tcase_add_test(tc, failed_map_write_retried);
	suite_add_tcase(s, tc);
	return s;
}
