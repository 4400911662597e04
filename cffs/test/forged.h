/*
 * forged.h - forged C-FFS journals that XN would refuse part of
 * (docs/CFFS.md, "A forged journal is refused whole"), shared by the
 * host's cffs/test/test_journal.c and the guest's libfstest forged2.
 * Each journal holds a change XN takes, /m/e's size set to 5 in /m's
 * block (entry 0), and one or two blocks XN would refuse a part of.
 * The tree they are made on: /j (f: two data blocks, g: empty, s/x),
 * /k (h: two data blocks), /m (e: empty), each directory in a block of
 * its own.  Needs cffs_int.h (the slot layout).
 */
#ifndef CFFS_TEST_FORGED_H
#define CFFS_TEST_FORGED_H

#include <stdint.h>
#include <string.h>

struct forged_ops {
	/* block blk's bytes now into img: 0, or -1 */
	int (*blkimg)(void *arg, uint32_t blk, uint8_t *img);
	/* the byte of field off of path's embedded inode in its block,
	 * the block into *blk */
	uint32_t (*ifield)(void *arg, const char *path, uint32_t off,
	                   uint32_t *blk);
	/* replay entries blk[0..n) with images img (entry 0 the accepted
	 * change); what says which: the caller's verdict counts */
	void (*replay)(void *arg, const char *what, uint32_t n,
	               const uint32_t *blk, uint8_t (*img)[CFFS_BSIZE]);
	void *arg;
};

#define FORGED_MODE   0         /* dinode fields */
#define FORGED_SIZE   16
#define FORGED_DIRECT 64        /* direct[0]; direct[k] at + 4k */

static inline uint32_t
forged_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline void
forged_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The six journals, one replay each: 0, or -1 if a block was not read
 * or the tree is not the one above. */
static inline int
forged_run(const struct forged_ops *o)
{
	static uint8_t img[3][CFFS_BSIZE];
	uint32_t blk[3], root, d1, d2, k1, m1, off, x, y, slot;
	void *a = o->arg;

	o->ifield(a, "/j", 0, &root);
	o->ifield(a, "/j/f", 0, &d1);
	o->ifield(a, "/j/s/x", 0, &d2);
	o->ifield(a, "/k/h", 0, &k1);
	o->ifield(a, "/m/e", 0, &m1);
	if (root == d1 || root == d2 || root == k1 || root == m1 ||
	    d1 == d2 || d1 == k1 || d1 == m1 || d2 == k1 || d2 == m1 ||
	    k1 == m1)
		return -1;      /* not the tree the journals are made for */
	blk[0] = m1;
	if (o->blkimg(a, m1, img[0]))
		return -1;
	forged_put32(img[0] + o->ifield(a, "/m/e", FORGED_SIZE, &off), 5);

	/* /j/g given /j/f's first data block: a block named twice */
	blk[1] = d1;
	if (o->blkimg(a, d1, img[1]))
		return -1;
	x = forged_get32(img[1] + o->ifield(a, "/j/f", FORGED_DIRECT, &off));
	forged_put32(img[1] + o->ifield(a, "/j/g", FORGED_DIRECT, &off), x);
	o->replay(a, "/j/g given /j/f's data block", 2, blk, img);

	/* /j/f, a file with blocks, made a directory: its blocks' type in
	 * the after-image is not XN's */
	if (o->blkimg(a, d1, img[1]))
		return -1;
	forged_put32(img[1] + o->ifield(a, "/j/f", FORGED_MODE, &off),
	             040755);
	o->replay(a, "a file with blocks made a directory", 2, blk, img);

	/* /j dropped from the root: its block would be freed while it
	 * still owns blocks */
	blk[1] = root;
	if (o->blkimg(a, root, img[1]))
		return -1;
	img[1][o->ifield(a, "/j", FORGED_MODE, &off) - 16] = SLOT_FREE;
	o->replay(a, "a directory that holds blocks dropped", 2, blk, img);

	/* /j's block moved into /j/s's block, which is below it */
	if (o->blkimg(a, root, img[1]) || o->blkimg(a, d2, img[2]))
		return -1;
	forged_put32(img[1] + o->ifield(a, "/j", FORGED_DIRECT, &off), 0);
	blk[2] = d2;
	for (slot = 0; slot < SLOTS_PER_BLOCK - 1 &&
	     img[2][slot * SLOT_SIZE] != SLOT_FREE; slot++)
		;
	memcpy(img[2] + slot * SLOT_SIZE,
	       img[1] + (o->ifield(a, "/j", 0, &off) - 16), SLOT_SIZE);
	forged_put32(img[2] + slot * SLOT_SIZE + 16 + FORGED_DIRECT, d1);
	o->replay(a, "a directory's block moved into its own subdirectory",
	          3, blk, img);

	/* /j's block moved into a data pointer of /k/h */
	blk[2] = k1;
	if (o->blkimg(a, root, img[1]) || o->blkimg(a, k1, img[2]))
		return -1;
	forged_put32(img[1] + o->ifield(a, "/j", FORGED_DIRECT, &off), 0);
	forged_put32(img[2] + o->ifield(a, "/k/h", FORGED_DIRECT + 4 * 5,
	             &off), d1);
	o->replay(a, "a directory's block moved into a file's data pointer",
	          3, blk, img);

	/* /j and /k give each other a data block: each waits for the
	 * other to let go first */
	blk[1] = d1;
	if (o->blkimg(a, d1, img[1]) || o->blkimg(a, k1, img[2]))
		return -1;
	x = forged_get32(img[1] + o->ifield(a, "/j/f", FORGED_DIRECT, &off));
	forged_put32(img[1] + off, 0);
	y = forged_get32(img[2] + o->ifield(a, "/k/h", FORGED_DIRECT, &off));
	forged_put32(img[2] + off, 0);
	forged_put32(img[1] + o->ifield(a, "/j/g", FORGED_DIRECT, &off), y);
	forged_put32(img[2] + o->ifield(a, "/k/h", FORGED_DIRECT + 4 * 5,
	             &off), x);
	o->replay(a, "two directories swapping data blocks", 3, blk, img);
	return 0;
}

#endif
