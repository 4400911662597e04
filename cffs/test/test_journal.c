/*
 * test_journal.c - C-FFS's commit journal on the host (cffs.h, "The
 * commit journal"; docs/CFFS.md, "A forged journal is refused whole"):
 * a journal XN would refuse part of is refused before any change, the
 * image byte for byte as it was, whichever block comes first; a commit
 * the journal cannot hold fails before any change.  (The guest's
 * libfstest forged2 runs the same journals through ExOS's shared
 * journal; make fuzz-journal mutates captured ones.)
 */
#include <stdlib.h>
#include <string.h>

#include "cffs_int.h"
#include "cffs/cffs_xn.h"
#include "util.h"
#include "forged.h"

#define NBLK 2048

static struct tfs t;
static uint8_t *before;         /* the image, unmounted */

static int order;               /* the accepted change first (0) or last */

static uint32_t
ifield(void *arg, const char *path, uint32_t off, uint32_t *blk)
{
	struct cffs_stat st;

	(void)arg;
	ck_assert_int_eq(cffs_stat(t.fs, path, &st), 0);
	*blk = ino_blk(st.ino);
	return ino_slot(st.ino) * SLOT_SIZE + 16 + off;
}

static int
blkimg(void *arg, uint32_t blk, uint8_t *img)
{
	struct buf *b;

	(void)arg;
	if (bget(t.fs, blk, 0, &b) != 0)
		return -1;
	memcpy(img, b->data, CFFS_BSIZE);
	bput(b);
	return 0;
}

static void
setup(void)
{
	static unsigned char data[5000];

	ck_assert_int_eq(hostdev_mem(&t.hd, NBLK, NULL, 0), 0);
	ck_assert_int_eq(cffs_mkfs(&t.hd.dev, NBLK), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
	fill_pat(data, sizeof(data), 3, 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/j", 0755, 0, 0), 0);
	put_file(t.fs, "/j/f", data, sizeof(data));
	ck_assert_int_eq(cffs_create(t.fs, "/j/g", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/j/s", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/j/s/x", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/k", 0755, 0, 0), 0);
	put_file(t.fs, "/k/h", data, sizeof(data));
	ck_assert_int_eq(cffs_mkdir(t.fs, "/m", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/m/e", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	before = malloc((size_t)NBLK * CFFS_BSIZE);
	ck_assert_ptr_nonnull(before);
	memcpy(before, t.hd.mem, (size_t)NBLK * CFFS_BSIZE);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
}

static void
teardown(void)
{
	if (t.fs != NULL)
		cffs_unmount(t.fs);
	t.fs = NULL;
	hostdev_close(&t.hd);
	free(before);
}

/* The image as before the test, but for block 0 (XN's superblock,
 * where each mount leaves its count and a stamp). */
static int
same_image(void)
{
	return memcmp(t.hd.mem + CFFS_BSIZE, before + CFFS_BSIZE,
	              (size_t)(NBLK - 1) * CFFS_BSIZE) == 0;
}

/* Replay blocks blk[0..n) with images img, in `order' or reversed:
 * refused with -CFFS_EPERM, and after an unmount the image is the one
 * before, byte for byte (same_image), fsck clean; mounted again. */
static void
refused_whole(void *arg, const char *what, uint32_t n, const uint32_t *blk,
              uint8_t (*img)[CFFS_BSIZE])
{
	struct cffs_jent v[3];
	uint32_t i, k;

	(void)arg;
	ck_assert_uint_le(n, 3);
	for (i = 0; i < n; i++) {
		k = order ? n - 1 - i : i;
		v[i].blk = blk[k];
		v[i].type = CFFS_XN_SLOTS;
		v[i].img = img[k];
	}
	ck_assert_msg(cffs_journal_replay(t.fs, v, n) == -CFFS_EPERM,
	              "%s: not refused", what);
	ck_assert_int_eq(cffs_dirty(t.fs), 0);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	ck_assert_msg(same_image(), "%s: the image changed", what);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
}

/* forged.h's journals, the accepted change first (_i 0) or last; then
 * that change alone is taken: the check refuses no more than XN. */
START_TEST(t_forged_whole)
{
	const struct forged_ops o = { blkimg, ifield, refused_whole, NULL };
	static uint8_t img[CFFS_BSIZE];
	struct cffs_jent v;
	struct cffs_stat st;
	uint32_t m1, off;

	order = _i;
	ck_assert_int_eq(forged_run(&o), 0);
	off = ifield(NULL, "/m/e", FORGED_SIZE, &m1);
	ck_assert_int_eq(blkimg(NULL, m1, img), 0);
	forged_put32(img + off, 5);
	v.blk = m1;
	v.type = CFFS_XN_SLOTS;
	v.img = img;
	ck_assert_int_eq(cffs_journal_replay(t.fs, &v, 1), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/m/e", &st), 0);
	ck_assert_uint_eq(st.size, 5);
}
END_TEST

/* A journal hook that keeps nothing. */
static int
j_full(void *arg, const struct cffs_jent *v, uint32_t n)
{
	(void)v;
	(void)n;
	++*(int *)arg;
	return -1;
}

static void
j_end(void *arg)
{
	(void)arg;
}

/* A commit the journal cannot hold fails before any change. */
START_TEST(t_journal_full)
{
	int calls = 0;
	const struct cffs_journal jn = { j_full, j_end, &calls };

	ck_assert_int_eq(cffs_set_journal(t.fs, &jn), 0);
	ck_assert_int_eq(cffs_create(t.fs, "/m/new", 0644, 0, 0), 0);
	ck_assert_int_eq(cffs_commit(t.fs), -CFFS_ENOSPC);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(cffs_discard(t.fs), 0);
	ck_assert_int_eq(cffs_set_journal(t.fs, NULL), 0);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	ck_assert(same_image());
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}
END_TEST

Suite *
journal_suite(void)
{
	Suite *s = suite_create("cffs-journal");
	TCase *tc = tcase_create("journal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, t_forged_whole, 0, 2);
	tcase_add_test(tc, t_journal_full);
	suite_add_tcase(s, tc);
	return s;
}
