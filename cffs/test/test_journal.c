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

#define NBLK 2048

static struct tfs t;
static uint8_t *before;         /* the image, unmounted */

/* The byte of field off of path's embedded inode in its block. */
static uint32_t
ifield(const char *path, uint32_t off, uint32_t *blk)
{
	struct cffs_stat st;

	ck_assert_int_eq(cffs_stat(t.fs, path, &st), 0);
	*blk = ino_blk(st.ino);
	return ino_slot(st.ino) * SLOT_SIZE + 16 + off;
}

#define I_MODE   0
#define I_SIZE   16
#define I_DIRECT 64

static void
blkimg(uint32_t blk, uint8_t *img)
{
	struct buf *b;

	ck_assert_int_eq(bget(t.fs, blk, 0, &b), 0);
	memcpy(img, b->data, CFFS_BSIZE);
	bput(b);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
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

/* Replay blocks blk[0..n) with images img, in order (0) or reversed:
 * refused with -CFFS_EPERM, and after an unmount the image is the one
 * before, byte for byte (same_image); mounted again. */
static void
refused_whole(uint32_t n, const uint32_t *blk, uint8_t (*img)[CFFS_BSIZE],
              int order)
{
	struct cffs_jent v[3];
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		k = order ? n - 1 - i : i;
		v[i].blk = blk[k];
		v[i].type = CFFS_XN_SLOTS;
		v[i].img = img[k];
	}
	ck_assert_int_eq(cffs_journal_replay(t.fs, v, n), -CFFS_EPERM);
	ck_assert_int_eq(cffs_dirty(t.fs), 0);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	ck_assert(same_image());
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
}

/* Each journal holds a change XN takes (/m/e's size) in another block. */
START_TEST(t_forged_whole)
{
	static uint8_t img[3][CFFS_BSIZE];
	uint32_t blk[3], root, d1, d2, k1, m1, o, x, y, slot;
	int order = _i;

	ifield("/j", 0, &root);
	ifield("/j/f", 0, &d1);
	ifield("/j/s/x", 0, &d2);
	ifield("/k/h", 0, &k1);
	ifield("/m/e", 0, &m1);
	ck_assert(root != d1 && d1 != d2 && d2 != k1 && k1 != m1 &&
	          m1 != root && d1 != k1 && d1 != m1);
	blk[0] = m1;
	blkimg(m1, img[0]);
	put32(img[0] + ifield("/m/e", I_SIZE, &o), 5);

	/* /j/g given /j/f's first data block: a block named twice */
	blk[1] = d1;
	blkimg(d1, img[1]);
	x = get32(img[1] + ifield("/j/f", I_DIRECT, &o));
	put32(img[1] + ifield("/j/g", I_DIRECT, &o), x);
	refused_whole(2, blk, img, order);

	/* /j/f, a file with blocks, made a directory: XN's types differ */
	blkimg(d1, img[1]);
	put32(img[1] + ifield("/j/f", I_MODE, &o), 040755);
	refused_whole(2, blk, img, order);

	/* /j dropped from the root: its block still owns blocks */
	blk[1] = root;
	blkimg(root, img[1]);
	img[1][ifield("/j", I_MODE, &o) - 16] = SLOT_FREE;
	refused_whole(2, blk, img, order);

	/* /j's block moved into /j/s's block, which is below it */
	blkimg(root, img[1]);
	put32(img[1] + ifield("/j", I_DIRECT, &o), 0);
	blk[2] = d2;
	blkimg(d2, img[2]);
	for (slot = 0; slot < SLOTS_PER_BLOCK - 1 &&
	     img[2][slot * SLOT_SIZE] != SLOT_FREE; slot++)
		;
	memcpy(img[2] + slot * SLOT_SIZE, img[1] + (ifield("/j", 0, &o) - 16),
	       SLOT_SIZE);
	put32(img[2] + slot * SLOT_SIZE + 16 + I_DIRECT, d1);
	refused_whole(3, blk, img, order);

	/* /j's block moved into a data pointer of /k/h */
	blk[2] = k1;
	blkimg(k1, img[2]);
	put32(img[2] + ifield("/k/h", I_DIRECT + 4 * 5, &o), d1);
	refused_whole(3, blk, img, order);

	/* /j and /k swap data blocks: each waits for the other */
	blk[1] = d1;
	blkimg(d1, img[1]);
	blkimg(k1, img[2]);
	x = get32(img[1] + ifield("/j/f", I_DIRECT, &o));
	put32(img[1] + o, 0);
	y = get32(img[2] + ifield("/k/h", I_DIRECT, &o));
	put32(img[2] + o, 0);
	put32(img[1] + ifield("/j/g", I_DIRECT, &o), y);
	put32(img[2] + ifield("/k/h", I_DIRECT + 4 * 5, &o), x);
	refused_whole(3, blk, img, order);

	/* the marker alone is taken: the check refuses no more than XN */
	{
		struct cffs_jent v = { m1, CFFS_XN_SLOTS, img[0] };
		struct cffs_stat st;

		ck_assert_int_eq(cffs_journal_replay(t.fs, &v, 1), 0);
		ck_assert_int_eq(cffs_stat(t.fs, "/m/e", &st), 0);
		ck_assert_uint_eq(st.size, 5);
	}
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
