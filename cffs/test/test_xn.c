/*
 * test_xn.c - C-FFS and XN: the C-FFS templates pass XN's verifier and
 * register; XN checks C-FFS-format metadata by proof (right claims are
 * accepted, wrong ones refused, write order enforced, the tree found again
 * at mount); the template scan agrees with C-FFS images and notices when
 * the free map and the pointers disagree.  (Every tfs_remount() in the
 * other suites runs the scan too.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xn/host.h>

#include "cffs_int.h"
#include "cffs/cffs_xn.h"
#include "util.h"

#define P 7     /* the principal running C-FFS */

START_TEST(t_verify)
{
	const struct xn_template *t = cffs_xn_templates();
	uint32_t steps;
	int i;

	for (i = 0; i < CFFS_XN_NTEMPLATES; i++) {
		ck_assert_int_eq(xn_udf_verify(t[i].owns, t[i].owns_len, &steps),
		                 0);
		ck_assert_uint_le(steps, XN_UDF_MAX_STEPS);
		ck_assert_int_eq(xn_udf_verify(t[i].acl, t[i].acl_len, NULL), 0);
	}
}
END_TEST

struct xnfs {
	struct xn_memdisk m;
	struct xn         x;
	void             *arena;
};

static void
xn_up(struct xnfs *f, int format)
{
	static uint8_t blk[XN_BLOCK_SIZE];
	size_t len = xn_arena_size(4096, 64);

	if (format) {
		ck_assert_int_eq(xn_memdisk_init(&f->m, 4096), 0);
		ck_assert_int_eq(xn_format(&f->m.disk, 4096, blk), 0);
	}
	f->arena = malloc(len);
	ck_assert_int_eq(xn_mount(&f->x, &f->m.disk, f->arena, len, 64, NULL),
	                 0);
}

static void
xn_down(struct xnfs *f)
{
	ck_assert_int_eq(xn_unmount(&f->x), 0);
	free(f->arena);
}

START_TEST(t_register)
{
	struct xn_mount_report rep;
	struct xnfs f;
	uint16_t type;
	size_t len = xn_arena_size(4096, 64);

	xn_up(&f, 1);
	ck_assert_int_eq(cffs_xn_register(&f.x, P), 0);
	ck_assert_int_eq(cffs_xn_register(&f.x, P), XN_EEXIST);
	ck_assert_int_eq(xn_template_find(&f.x, "cffs-slots", &type), 0);
	ck_assert_uint_eq(type, CFFS_XN_SLOTS);
	ck_assert_int_eq(xn_template_find(&f.x, "cffs-dind-slots", &type), 0);
	ck_assert_uint_eq(type, CFFS_XN_DIND_SLOTS);
	xn_down(&f);
	f.arena = malloc(len);
	ck_assert_int_eq(xn_mount(&f.x, &f.m.disk, f.arena, len, 64, &rep), 0);
	ck_assert_uint_eq(rep.templates, CFFS_XN_NTEMPLATES);
	xn_down(&f);
	xn_memdisk_free(&f.m);
}
END_TEST

/* The first block of XN's data area, as a client learns it. */
static uint32_t
data_start(struct xn *x)
{
	struct xn_layout l;

	ck_assert_int_eq(xn_layout_get(x, &l), 0);
	return l.data_start;
}

static struct dslot *
sl(uint8_t *page, int i)
{
	return (struct dslot *)(page + i * SLOT_SIZE);
}

/* C-FFS blocks under XN: allocation by proof and ordered write-back. */
START_TEST(t_proof)
{
	static uint8_t init[CFFS_BSIZE], pr[CFFS_BSIZE], pd[CFFS_BSIZE],
	               pf[CFFS_BSIZE];
	struct xn_claim c;
	struct xn_mount_report rep;
	struct dslot ent;
	struct xnfs f;
	uint32_t R, D, F, zero = 0, bad;
	size_t len;

	xn_up(&f, 1);
	ck_assert_int_eq(cffs_xn_register(&f.x, P), 0);
	R = data_start(&f.x);
	D = R + 16;
	F = R + 17;
	/* a C-FFS block 0: superblock slot, empty root, empty inode file */
	sl(init, 0)->type = SLOT_SUPER;
	sl(init, 1)->type = SLOT_INODE;
	sl(init, 1)->ino.mode = CFFS_S_IFDIR | 0755;
	sl(init, 1)->ino.nlink = 2;
	sl(init, 2)->type = SLOT_INODE;
	sl(init, 2)->ino.mode = CFFS_S_IFREG | 0600;
	sl(init, 2)->ino.flags = IFL_SLOTS;
	ck_assert_int_eq(xn_root_install(&f.x, P, "cffs", CFFS_XN_SLOTS, R,
	                                 init), 0);
	ck_assert_int_eq(xn_bc_insert(&f.x, P, R, pr), 0);

	/* the root directory gets its first block: claims must match */
	c.block = D;
	c.type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(&f.x, P, R, SLOT_SIZE + 80, 4, &D, &c, 1),
	                 XN_ETYPE);
	c.block = D + 1;
	c.type = CFFS_XN_SLOTS;
	ck_assert_int_eq(xn_alloc(&f.x, P, R, SLOT_SIZE + 80, 4, &D, &c, 1),
	                 XN_EPROOF);
	c.block = D;
	ck_assert_int_eq(xn_alloc(&f.x, P, R, SLOT_SIZE + 80, 4, &D, &c, 1), 0);

	/* a file entry in it, then the file's first data block */
	ck_assert_int_eq(xn_bc_insert(&f.x, P, D, pd), 0);
	memset(&ent, 0, sizeof(ent));
	ent.type = SLOT_INODE;
	ent.namelen = 5;
	memcpy(ent.name, "hello", 5);
	ent.ino.mode = CFFS_S_IFREG | 0644;
	ent.ino.nlink = 1;
	ck_assert_int_eq(xn_write(&f.x, P, D, 0, SLOT_SIZE, &ent), 0);
	c.block = F;
	c.type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(&f.x, P, D, 80, 4, &F, &c, 1), 0);
	ck_assert_int_eq(xn_bc_insert(&f.x, P, F, pf), 0);
	ck_assert_int_eq(xn_write(&f.x, P, F, 0, 5, "world"), 0);
	/* a pointer may not be changed by a plain write */
	bad = F + 1;
	ck_assert_int_eq(xn_write(&f.x, P, D, 80, 4, &bad), XN_EPROOF);

	/* children before parents */
	ck_assert_int_eq(xn_writeback(&f.x, R), XN_EORDER);
	ck_assert_int_eq(xn_writeback(&f.x, D), XN_EORDER);
	ck_assert_int_eq(xn_writeback(&f.x, F), 0);
	ck_assert_int_eq(xn_writeback(&f.x, D), 0);
	ck_assert_int_eq(xn_writeback(&f.x, R), 0);
	ck_assert_int_eq(xn_bc_evict(&f.x, P, F), 0);
	ck_assert_int_eq(xn_bc_evict(&f.x, P, D), 0);
	ck_assert_int_eq(xn_bc_evict(&f.x, P, R), 0);
	xn_down(&f);

	/* XN finds the tree again from the root with the C-FFS UDFs */
	len = xn_arena_size(4096, 64);
	f.arena = malloc(len);
	ck_assert_int_eq(xn_mount(&f.x, &f.m.disk, f.arena, len, 64, &rep), 0);
	ck_assert_uint_eq(rep.reachable, 3);
	ck_assert_uint_eq(rep.leaked, 0);
	ck_assert_uint_eq(rep.map_fixed, 0);

	/* freeing the data block is a proof too */
	ck_assert_int_eq(xn_bc_insert(&f.x, P, D, pd), 0);
	ck_assert_int_eq(memcmp(sl(pd, 0)->name, "hello", 5), 0);
	ck_assert_int_eq(xn_free(&f.x, P, D, 80, 4, &zero, &c, 1), 0);
	ck_assert_int_eq(xn_writeback(&f.x, D), 0);
	ck_assert_int_eq(xn_bc_evict(&f.x, P, D), 0);
	xn_down(&f);
	f.arena = malloc(len);
	ck_assert_int_eq(xn_mount(&f.x, &f.m.disk, f.arena, len, 64, &rep), 0);
	ck_assert_uint_eq(rep.reachable, 2);
	xn_down(&f);
	xn_memdisk_free(&f.m);
}
END_TEST

/*
 * rename across directory blocks under XN: the entry (name + embedded
 * inode + its block pointers) leaves one slot block and lands in another
 * by xn_move; the wrong claim is refused; the new block waits for the old
 * on the way to disk; a crash between the two writes leaks the file's
 * blocks, which XN's recovery finds.
 */
START_TEST(t_move_rename)
{
	static uint8_t init[CFFS_BSIZE], pr[CFFS_BSIZE], pd[CFFS_BSIZE],
	               pd2[CFFS_BSIZE], pf[CFFS_BSIZE], zslot[SLOT_SIZE];
	static uint8_t saved[4096 * CFFS_BSIZE];
	struct xn_claim c;
	struct xn_mount_report rep;
	struct dslot ent;
	struct xnfs f;
	uint32_t R, D, D2, F;
	size_t len = xn_arena_size(4096, 64);

	xn_up(&f, 1);
	ck_assert_int_eq(cffs_xn_register(&f.x, P), 0);
	R = data_start(&f.x);
	D = R + 16;
	D2 = R + 17;
	F = R + 18;
	sl(init, 0)->type = SLOT_SUPER;
	sl(init, 1)->type = SLOT_INODE;
	sl(init, 1)->ino.mode = CFFS_S_IFDIR | 0755;
	sl(init, 1)->ino.nlink = 2;
	ck_assert_int_eq(xn_root_install(&f.x, P, "cffs", CFFS_XN_SLOTS, R,
	                                 init), 0);
	ck_assert_int_eq(xn_bc_insert(&f.x, P, R, pr), 0);
	/* root directory: two blocks (direct[0], direct[1]) */
	{
		uint32_t two[2] = { D, D2 };
		struct xn_claim cc[2] = { { D, CFFS_XN_SLOTS },
		                          { D2, CFFS_XN_SLOTS } };

		ck_assert_int_eq(xn_alloc(&f.x, P, R, SLOT_SIZE + 80, 8, two,
		                          cc, 2), 0);
	}
	ck_assert_int_eq(xn_bc_insert(&f.x, P, D, pd), 0);
	ck_assert_int_eq(xn_bc_insert(&f.x, P, D2, pd2), 0);
	memset(&ent, 0, sizeof(ent));
	ent.type = SLOT_INODE;
	ent.namelen = 5;
	memcpy(ent.name, "hello", 5);
	ent.ino.mode = CFFS_S_IFREG | 0644;
	ent.ino.nlink = 1;
	ck_assert_int_eq(xn_write(&f.x, P, D, 0, SLOT_SIZE, &ent), 0);
	c.block = F;
	c.type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(&f.x, P, D, 80, 4, &F, &c, 1), 0);
	ck_assert_int_eq(xn_bc_insert(&f.x, P, F, pf), 0);
	ck_assert_int_eq(xn_write(&f.x, P, F, 0, 5, "world"), 0);
	ck_assert_int_eq(xn_writeback(&f.x, F), 0);
	ck_assert_int_eq(xn_writeback(&f.x, D), 0);
	ck_assert_int_eq(xn_writeback(&f.x, D2), 0);
	ck_assert_int_eq(xn_writeback(&f.x, R), 0);
	ck_assert_int_eq(xn_sync(&f.x), 0);         /* free map on disk */

	/* rename "hello" -> "hi", from D slot 0 to D2 slot 3 */
	memcpy(&ent, pd, SLOT_SIZE);
	ent.namelen = 2;
	memset(ent.name, 0, sizeof(ent.name));
	memcpy(ent.name, "hi", 2);
	c.type = CFFS_XN_SLOTS;             /* wrong type */
	ck_assert_int_eq(xn_move(&f.x, P, D, 0, SLOT_SIZE, zslot, D2,
	                         3 * SLOT_SIZE, SLOT_SIZE, &ent, &c, 1),
	                 XN_ETYPE);
	c.type = XN_TYPE_DATA;
	/* a directory's slot cannot carry the same pointers as a file's:
	   the type the inode gives its blocks changes */
	ent.ino.mode = CFFS_S_IFDIR | 0755;
	ck_assert_int_eq(xn_move(&f.x, P, D, 0, SLOT_SIZE, zslot, D2,
	                         3 * SLOT_SIZE, SLOT_SIZE, &ent, &c, 1),
	                 XN_ETYPE);
	ent.ino.mode = CFFS_S_IFREG | 0644;
	ck_assert_int_eq(xn_move(&f.x, P, D, 0, SLOT_SIZE, zslot, D2,
	                         3 * SLOT_SIZE, SLOT_SIZE, &ent, &c, 1), 0);
	ck_assert_int_eq(xn_writeback(&f.x, D2), XN_EORDER);
	/* crash after only the old block reached the disk */
	ck_assert_int_eq(xn_writeback(&f.x, D), 0);
	memcpy(saved, f.m.data, sizeof(saved));
	ck_assert_int_eq(xn_writeback(&f.x, D2), 0);
	ck_assert_int_eq(xn_sync(&f.x), 0);
	xn_down(&f);

	f.arena = malloc(len);
	ck_assert_int_eq(xn_mount(&f.x, &f.m.disk, f.arena, len, 64, &rep), 0);
	ck_assert_uint_eq(rep.reachable, 4);
	ck_assert_uint_eq(rep.leaked, 0);
	ck_assert_int_eq(xn_bc_insert(&f.x, P, D2, pd2), 0);
	ck_assert_int_eq(memcmp(sl(pd2, 3)->name, "hi", 2), 0);
	ck_assert_uint_eq(sl(pd2, 3)->ino.direct[0], F);
	xn_down(&f);

	memcpy(f.m.data, saved, sizeof(saved));
	f.arena = malloc(len);
	ck_assert_int_eq(xn_mount(&f.x, &f.m.disk, f.arena, len, 64, &rep), 0);
	ck_assert_uint_eq(rep.reachable, 3);
	ck_assert_uint_eq(rep.leaked, 1);
	xn_down(&f);
	xn_memdisk_free(&f.m);
}
END_TEST

/* An indirect block whose 1024 pointers are 1024 separate runs is within
   XN's limits (it was above the old 256-extent limit). */
START_TEST(t_fragmented_indirect)
{
	static uint8_t blk[CFFS_BSIZE];
	static struct xn_udf_out out;
	const struct xn_template *t = &cffs_xn_templates()[1];
	uint32_t i, args[1] = { 100 }, v;

	ck_assert_uint_eq(t->type, CFFS_XN_IND_DATA);
	for (i = 0; i < NPTR; i++) {
		v = 1000 + 2 * i;
		memcpy(blk + 4 * i, &v, 4);
	}
	ck_assert_int_eq(xn_udf_run(t->owns, t->owns_len, blk, CFFS_BSIZE,
	                            args, 1, XN_OWNS_MAX, &out), 0);
	ck_assert_uint_eq(out.nextents, NPTR);
	ck_assert_uint_eq(out.nblocks, NPTR);
	ck_assert_uint_eq(out.ext[NPTR - 1].start, 1000 + 2 * (NPTR - 1));
}
END_TEST

/* The scan notices a free map that disagrees with the pointers. */
START_TEST(t_scan_detects)
{
	static unsigned char big[300000];
	struct cffs_stat st;
	struct dsuper *sb;
	struct tfs t;
	cffs_ino_t root;
	uint32_t blk;
	uint8_t *bm;

	tfs_new(&t, 4096);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	put_file(t.fs, "/d/big", big, sizeof(big));
	ck_assert_int_eq(cffs_link(t.fs, "/d/big", "/lnk"), 0);
	ck_assert_int_eq(cffs_symlink(t.fs, "d/big", "/sym", 0, 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d", &st), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	root = st.ino;
	tfs_remount(&t);                /* runs the scan: 0 differences */
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	/* the root directory's first block, found from its inode in the
	 * superblock's block; the free map that the superblock names */
	sb = (struct dsuper *)(t.hd.mem + (size_t)ino_blk(root) * CFFS_BSIZE);
	ck_assert_uint_eq(sb->type, SLOT_SUPER);
	blk = ((struct dslot *)((uint8_t *)sb + SLOT_SIZE))->ino.direct[0];
	ck_assert_uint_ne(blk, 0);
	bm = t.hd.mem + (size_t)sb->bitmap_start * CFFS_BSIZE;
	ck_assert(bm[blk / 8] & (1u << (blk % 8)));
	bm[blk / 8] &= (uint8_t)~(1u << (blk % 8));
	ck_assert_int_eq(cffs_xn_scan(&t.hd.dev, NULL, NULL), 1);
	bm[(blk + 2000) / 8] |= (uint8_t)(1u << ((blk + 2000) % 8));
	ck_assert_int_eq(cffs_xn_scan(&t.hd.dev, NULL, NULL), 2);
	tfs_free(&t);
}
END_TEST

/* The slot of the file called name in the image, or NULL. */
static struct dslot *
find_slot(uint8_t *mem, uint64_t nblocks, const char *name)
{
	size_t len = strlen(name), off;
	struct dslot *ds;

	for (off = 0; off < nblocks * CFFS_BSIZE; off += SLOT_SIZE) {
		ds = (struct dslot *)(mem + off);
		if (ds->type == SLOT_INODE && ds->namelen == len &&
		    memcmp(ds->name, name, len) == 0)
			return ds;
	}
	return NULL;
}

/*
 * A disk XN refuses (its tree has a block with two parents, or a pointer
 * outside the data area) is repaired by fsck: C-FFS's own check clears
 * the bad pointer and rewrites XN's free map, XN accepts the disk again
 * (exit 1, then 0), and the other files are intact.
 */
START_TEST(t_fsck_repairs_refused)
{
	static unsigned char a[3 * CFFS_BSIZE], b[3 * CFFS_BSIZE];
	static unsigned char got[3 * CFFS_BSIZE];
	struct dslot *sa, *sb;
	struct tfs t;
	int round;
	size_t i;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < sizeof(a); i++) {
			a[i] = (unsigned char)(i * 7 + round);
			b[i] = (unsigned char)(i * 13 + 1);
		}
		tfs_new(&t, 4096);
		ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
		put_file(t.fs, "/d/a", a, sizeof(a));
		put_file(t.fs, "/d/b", b, sizeof(b));
		put_file(t.fs, "/keep", b, sizeof(b));
		ck_assert_int_eq(cffs_unmount(t.fs), 0);
		t.fs = NULL;
		sa = find_slot(t.hd.mem, 4096, "a");
		sb = find_slot(t.hd.mem, 4096, "b");
		ck_assert_ptr_nonnull(sa);
		ck_assert_ptr_nonnull(sb);
		if (round == 0)         /* a's last block is b's too */
			sa->ino.direct[2] = sb->ino.direct[2];
		else                    /* into XN's own area */
			sa->ino.direct[2] = 1;
		ck_assert_int_eq(cffs_xn_scan(&t.hd.dev, NULL, NULL) != 0 ||
		                 round == 1, 1);
		ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 4);
		ck_assert_int_eq(tfs_fsck(&t, 0), 1);
		ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
		ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
		ck_assert_int_eq(cffs_read(t.fs, "/keep", 0, got, sizeof(got)),
		                 (long)sizeof(b));
		ck_assert_mem_eq(got, b, sizeof(b));
		/* the two files' first blocks are theirs */
		ck_assert_int_eq(cffs_read(t.fs, "/d/a", 0, got,
		                 2 * CFFS_BSIZE), 2 * CFFS_BSIZE);
		ck_assert_mem_eq(got, a, 2 * CFFS_BSIZE);
		ck_assert_int_eq(cffs_read(t.fs, "/d/b", 0, got,
		                 2 * CFFS_BSIZE), 2 * CFFS_BSIZE);
		ck_assert_mem_eq(got, b, 2 * CFFS_BSIZE);
		tfs_free(&t);
	}
}
END_TEST

/* Set direct[i] of the inode in slot s of a copy of a slot block. */
static void
set_direct(uint8_t *blk, uint32_t s, uint32_t i, uint32_t v)
{
	memcpy(blk + s * SLOT_SIZE + 80 + 4 * i, &v, 4);
}

/*
 * Claims made by hand through the library's own XN instance, behind
 * C-FFS's back, are refused and change nothing: a claim that is not what
 * the bytes point to (XN_EPROOF), a claim with no pointer, a pointer to
 * another file's block (XN_EINUSE), the wrong type (XN_ETYPE).  And a
 * pointer stolen in C-FFS's own buffer is never committed: sync fails
 * with EPERM (XN's refusal, not "corrupt"), the image on disk stays
 * as it was, and cffs_discard lets the mount go on from XN's bytes.
 */
START_TEST(t_bad_claim)
{
	static unsigned char data[8192];
	struct xn_block_info bi, gi;
	struct xn_bc_info ci;
	struct xn_claim cl[2];
	struct cffs_stat sf, sg;
	struct inode ig;
	struct tfs t;
	struct buf *b;
	struct xn *x;
	uint8_t *page, *copy, *mod;
	uint32_t pr, fb, fs_, gb, free1, off;
	int r;

	ck_assert_int_eq(hostdev_mem(&t.hd, 2048, NULL, 0), 0);
	ck_assert_int_eq(cffs_mkfs(&t.hd.dev, 2048), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
	put_file(t.fs, "/f", data, sizeof(data));
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	put_file(t.fs, "/d/g", data, 4096);
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &sf), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d/g", &sg), 0);
	ck_assert_uint_ne(ino_blk(sg.ino), ino_blk(sf.ino));
	fb = ino_blk(sf.ino);
	fs_ = ino_slot(sf.ino);
	ck_assert_int_eq(iget(t.fs, sg.ino, &ig), 0);
	gb = ig.d.direct[0];
	x = xnfs_xn(t.fs, &pr);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(pr, CFFS_PRINCIPAL_DEFAULT);
	ck_assert_int_eq(xn_block_info(x, gb, &gi), 0);
	ck_assert_uint_eq(gi.type, XN_TYPE_DATA);
	for (free1 = data_start(x); free1 + 1 < 2048; free1++) {
		ck_assert_int_eq(xn_block_info(x, free1, &bi), 0);
		if (bi.flags == 0 && xn_block_info(x, free1 + 1, &bi) == 0 &&
		    bi.flags == 0)
			break;
	}
	ck_assert_uint_lt(free1 + 1, 2048);
	ck_assert_int_eq(xn_bc_lookup(x, fb, &ci), 0);
	page = ci.page;
	copy = malloc(CFFS_BSIZE);
	mod = malloc(CFFS_BSIZE);
	memcpy(copy, page, CFFS_BSIZE);
	off = fs_ * SLOT_SIZE + 80 + 4 * 2;

	/* direct[2] = free1, but the claim names free1 + 1 */
	memcpy(mod, page, CFFS_BSIZE);
	set_direct(mod, fs_, 2, free1);
	cl[0].block = free1 + 1;
	cl[0].type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(x, pr, fb, off, 4, mod + off, cl, 1),
	                 XN_EPROOF);
	/* the pointer and one block more than it */
	cl[0].block = free1;
	cl[1].block = free1 + 1;
	cl[1].type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(x, pr, fb, off, 4, mod + off, cl, 2),
	                 XN_EPROOF);
	/* a claim with no pointer: the bytes do not change what fb owns */
	ck_assert_int_eq(xn_alloc(x, pr, fb, off, 4, page + off, cl, 1),
	                 XN_EPROOF);
	/* the right block with the wrong type */
	cl[0].type = CFFS_XN_SLOTS;
	ck_assert_int_eq(xn_alloc(x, pr, fb, off, 4, mod + off, cl, 1),
	                 XN_ETYPE);
	/* g's block (owned by another directory block), claimed for f */
	set_direct(mod, fs_, 2, gb);
	cl[0].block = gb;
	cl[0].type = XN_TYPE_DATA;
	ck_assert_int_eq(xn_alloc(x, pr, fb, off, 4, mod + off, cl, 1),
	                 XN_EINUSE);
	/* ... or written there as a plain change */
	ck_assert_int_eq(xn_write(x, pr, fb, off, 4, mod + off), XN_EPROOF);
	/* nothing changed */
	ck_assert_int_eq(memcmp(page, copy, CFFS_BSIZE), 0);
	ck_assert_int_eq(xn_block_info(x, free1, &bi), 0);
	ck_assert_uint_eq(bi.flags, 0);
	ck_assert_int_eq(xn_block_info(x, gb, &bi), 0);
	ck_assert_uint_eq(bi.parent, gi.parent);

	/* the library itself, with g's block stolen in its own buffer */
	ck_assert_int_eq(bget(t.fs, fb, 0, &b), 0);
	set_direct(b->data, fs_, 2, gb);
	bdirty(b);
	bput(b);
	ck_assert_int_eq(cffs_sync(t.fs), -CFFS_EPERM);
	ck_assert_int_eq(memcmp(page, copy, CFFS_BSIZE), 0);
	ck_assert_int_eq(memcmp(t.hd.mem + (size_t)fb * CFFS_BSIZE, copy,
	                        CFFS_BSIZE), 0);
	/* forget the refused change: the mount goes on with XN's bytes */
	ck_assert_int_eq(cffs_discard(t.fs), 0);
	ck_assert_int_eq(cffs_dirty(t.fs), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/f", &sf), 0);
	ck_assert_uint_eq(sf.blocks, 2);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/after", 0755, 0, 0), 0);
	r = cffs_sync(t.fs);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	free(copy);
	free(mod);
	tfs_free(&t);
}
END_TEST

/*
 * Crash over XN: a workload of mkdir, write, first link, rename of a new
 * file across directories, rename of a file synced earlier, unlink and
 * sync, cut off after each of its device writes in turn.  The only
 * repair allowed is XN's recovery at mount; C-FFS's own checker may then
 * fix counts (exit 1) but never meets a damaged tree (never 4), and
 * every file whose sync returned and that was not touched since is there
 * with its exact contents.  A file renamed after its sync is under one of
 * its two names or (rename cut between its two block writes) lost,
 * never under both.
 */
#define CNB    1024u
#define CSTEPS 6

static int
crash_workload(struct hostdev *hd)
{
	static unsigned char data[30000];
	struct cffs_fs *fs;
	char p[32], q[32];
	int i, synced = 0;

	if (cffs_mount(&hd->dev, 0, &fs) < 0)
		return 0;
	for (i = 0; i < CSTEPS; i++) {
		fill_pat(data, sizeof(data), (unsigned)i, 0);
		snprintf(p, sizeof(p), "/s%d", i);
		(void)cffs_mkdir(fs, p, 0755, 0, 0);
		snprintf(p, sizeof(p), "/s%d/f", i);
		(void)cffs_create(fs, p, 0644, 0, 0);
		(void)cffs_write(fs, p, 0, data, (size_t)i * 5000 + 1);
		snprintf(q, sizeof(q), "/s%d/l", i);
		(void)cffs_link(fs, p, q);
		snprintf(p, sizeof(p), "/t%d", i);
		(void)cffs_create(fs, p, 0644, 0, 0);
		(void)cffs_write(fs, p, 0, data, 4097);
		snprintf(q, sizeof(q), "/s%d/r", i);
		(void)cffs_rename(fs, p, q);
		if (i > 0) {
			snprintf(p, sizeof(p), "/s%d/r", i - 1);
			snprintf(q, sizeof(q), "/s%d/old", i);
			(void)cffs_rename(fs, p, q);
			snprintf(p, sizeof(p), "/s%d/l", i - 1);
			(void)cffs_unlink(fs, p);
		}
		if (cffs_sync(fs) == 0)
			synced = i + 1;
	}
	(void)cffs_unmount(fs);
	return synced;
}

static void
crash_expect(struct cffs_fs *fs, const char *path, unsigned seed,
             size_t len, uint64_t k)
{
	unsigned char *want = malloc(len);
	size_t got;
	char *p = get_file(fs, path, &got);

	ck_assert_msg(p != NULL, "cut %llu: %s lost", (unsigned long long)k,
	              path);
	fill_pat(want, len, seed, 0);
	ck_assert_uint_eq(got, len);
	ck_assert_int_eq(memcmp(p, want, len), 0);
	free(p);
	free(want);
}

/*
 * One of several mounts of a disk (docs/CFFS.md, "Several processes"):
 * a change not committed is dirty, and release and invalidate refuse it
 * (EBUSY); cffs_commit makes it clean; after cffs_release XN's registry holds none of the mount's
 * blocks and the cache still answers without a device read; after
 * cffs_invalidate the cache is empty, the next look reads the device,
 * and the free count is XN's.
 */
START_TEST(t_release_invalidate)
{
	static unsigned char data[6000];
	struct xn_bc_info ci;
	struct cffs_statfs sf, sf2;
	struct cffs_stat st;
	struct tfs t;
	struct xn *x;
	uint32_t pr, b, held = 0;
	uint64_t reads;
	size_t len;
	void *got;

	ck_assert_int_eq(hostdev_mem(&t.hd, 2048, NULL, 0), 0);
	ck_assert_int_eq(cffs_mkfs(&t.hd.dev, 2048), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
	fill_pat(data, sizeof(data), 7, 0);
	put_file(t.fs, "/f", data, sizeof(data));
	ck_assert_int_eq(cffs_dirty(t.fs), 1);
	ck_assert_int_eq(cffs_release(t.fs), -CFFS_EBUSY);
	ck_assert_int_eq(cffs_invalidate(t.fs), -CFFS_EBUSY);
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	ck_assert_int_eq(cffs_dirty(t.fs), 0);

	ck_assert_int_eq(cffs_release(t.fs), 0);
	x = xnfs_xn(t.fs, &pr);
	for (b = 0; b < 2048; b++)
		held += xn_bc_lookup(x, b, &ci) == 0;
	ck_assert_uint_eq(held, 0);
	ck_assert_uint_gt(t.fs->cache.nbufs, 0);
	reads = t.fs->cache.reads;
	got = get_file(t.fs, "/f", &len);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_int_eq(memcmp(got, data, len), 0);
	free(got);
	ck_assert_uint_eq(t.fs->cache.reads, reads);

	/* a change after a release registers again and commits */
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_dirty(t.fs), 1);
	ck_assert_int_eq(cffs_commit(t.fs), 0);
	ck_assert_int_eq(cffs_dirty(t.fs), 0);
	ck_assert_int_eq(cffs_release(t.fs), 0);

	ck_assert_int_eq(cffs_statfs(t.fs, &sf), 0);
	t.fs->sb.free_blocks = 5;       /* a stale count */
	ck_assert_int_eq(cffs_invalidate(t.fs), 0);
	ck_assert_uint_eq(t.fs->cache.nbufs, 1);        /* the superblock's */
	ck_assert_int_eq(cffs_statfs(t.fs, &sf2), 0);
	ck_assert_uint_eq(sf2.bfree, sf.bfree);
	reads = t.fs->cache.reads;
	ck_assert_int_eq(cffs_stat(t.fs, "/d", &st), 0);
	ck_assert_uint_gt(t.fs->cache.reads, reads);
	got = get_file(t.fs, "/f", &len);
	ck_assert_int_eq(memcmp(got, data, len), 0);
	free(got);
	tfs_remount(&t);
	ck_assert_int_eq(cffs_stat(t.fs, "/d", &st), 0);
	tfs_free(&t);
}
END_TEST

/*
 * cffs_commit_lazy (the write-back of libexos/posix/fsroot.c): the
 * changes are committed (the mount is clean) and nothing reaches the
 * device: the blocks stay in XN's registry, dirty, where XN's reads
 * find them; cffs_sync writes them, and a remount finds the file.  A
 * change XN refuses is an error, as with cffs_commit.
 */
START_TEST(t_commit_lazy)
{
	static unsigned char data[6000];
	struct xn_bc_info ci;
	struct tfs t;
	struct xn *x;
	uint32_t pr, b, dirty = 0;
	uint64_t writes;
	size_t len;
	void *got;

	ck_assert_int_eq(hostdev_mem(&t.hd, 2048, NULL, 0), 0);
	ck_assert_int_eq(cffs_mkfs(&t.hd.dev, 2048), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &t.fs), 0);
	writes = t.hd.nwrites;
	fill_pat(data, sizeof(data), 11, 0);
	put_file(t.fs, "/lazy", data, sizeof(data));
	ck_assert_int_eq(cffs_mkdir(t.fs, "/ld", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_dirty(t.fs), 1);
	ck_assert_int_eq(cffs_commit_lazy(t.fs), 0);
	ck_assert_int_eq(cffs_dirty(t.fs), 0);
	ck_assert_uint_eq(t.hd.nwrites, writes);
	x = xnfs_xn(t.fs, &pr);
	for (b = 0; b < 2048; b++)
		dirty += xn_bc_lookup(x, b, &ci) == 0 &&
		         ci.state == XN_BC_DIRTY;
	ck_assert_uint_ge(dirty, 3);    /* directory, file's blocks */
	/* a second change on top, committed the same way */
	ck_assert_int_eq(cffs_unlink(t.fs, "/lazy"), 0);
	put_file(t.fs, "/lazy", data, sizeof(data));
	ck_assert_int_eq(cffs_commit_lazy(t.fs), 0);
	ck_assert_uint_eq(t.hd.nwrites, writes);
	ck_assert_int_eq(cffs_sync(t.fs), 0);
	ck_assert_uint_gt(t.hd.nwrites, writes);
	for (b = 0, dirty = 0; b < 2048; b++)
		dirty += xn_bc_lookup(x, b, &ci) == 0 &&
		         ci.state == XN_BC_DIRTY;
	ck_assert_uint_eq(dirty, 0);
	tfs_remount(&t);
	got = get_file(t.fs, "/lazy", &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_int_eq(memcmp(got, data, len), 0);
	free(got);
	tfs_free(&t);
}
END_TEST

START_TEST(t_crash_xn)
{
	struct hostdev hd, base;
	struct cffs_fs *fs;
	struct cffs_stat st;
	uint64_t total, k;
	int synced, full, j, r, lost = 0, both;
	char p[32], q[32];

	ck_assert_int_eq(hostdev_mem(&base, CNB, NULL, 0), 0);
	ck_assert_int_eq(cffs_mkfs(&base.dev, CNB), 0);
	ck_assert_int_eq(hostdev_mem(&hd, CNB, base.mem, CNB * CFFS_BSIZE), 0);
	full = crash_workload(&hd);
	total = hd.nwrites;
	hostdev_close(&hd);
	ck_assert_int_eq(full, CSTEPS);
	ck_assert_uint_gt(total, 50);
	for (k = 0; k <= total; k++) {
		ck_assert_int_eq(hostdev_mem(&hd, CNB, base.mem,
		                             CNB * CFFS_BSIZE), 0);
		hd.fail_after = (int)k;
		synced = crash_workload(&hd);
		hd.fail_after = -1;
		/* XN's recovery at mount, nothing else */
		r = cffs_mount(&hd.dev, 0, &fs);
		ck_assert_msg(r == 0, "cut %llu: mount %d",
		              (unsigned long long)k, r);
		for (j = 0; j < synced; j++) {
			snprintf(p, sizeof(p), "/s%d/f", j);
			crash_expect(fs, p, (unsigned)j, (size_t)j * 5000 + 1, k);
			if (j + 1 < CSTEPS)
				continue;       /* r moves on at step j + 1 */
			snprintf(p, sizeof(p), "/s%d/r", j);
			crash_expect(fs, p, (unsigned)j, 4097, k);
		}
		if (synced > 0 && synced < CSTEPS) {
			/* renamed after its sync: one name or none */
			snprintf(p, sizeof(p), "/s%d/r", synced - 1);
			snprintf(q, sizeof(q), "/s%d/old", synced);
			both = (cffs_stat(fs, p, &st) == 0) +
			       (cffs_stat(fs, q, &st) == 0);
			ck_assert_int_le(both, 1);
			if (both == 1)
				crash_expect(fs, cffs_stat(fs, p, &st) == 0 ?
				             p : q, (unsigned)synced - 1, 4097, k);
			lost += both == 0;
		}
		ck_assert_int_eq(cffs_unmount(fs), 0);
		r = cffs_fsck(&hd.dev, 0, NULL, NULL);
		ck_assert_msg(r == 0 || r == 1, "cut %llu: fsck %d",
		              (unsigned long long)k, r);
		ck_assert_int_eq(cffs_fsck(&hd.dev, CFFS_FSCK_NOREPAIR, NULL,
		                           NULL), 0);
		hostdev_close(&hd);
	}
	/* each of the CSTEPS - 1 renames after a sync is lost at exactly
	 * the cuts between the write of the block it left and the write of
	 * the block it entered (that one written right after): two */
	ck_assert_int_eq(lost, 2 * (CSTEPS - 1));
	hostdev_close(&base);
}
END_TEST

Suite *
xn_suite(void)
{
	Suite *s = suite_create("cffs-xn");
	TCase *tc = tcase_create("xn");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_verify);
	tcase_add_test(tc, t_register);
	tcase_add_test(tc, t_proof);
	tcase_add_test(tc, t_move_rename);
	tcase_add_test(tc, t_fragmented_indirect);
	tcase_add_test(tc, t_scan_detects);
	tcase_add_test(tc, t_bad_claim);
	tcase_add_test(tc, t_crash_xn);
	tcase_add_test(tc, t_release_invalidate);
	tcase_add_test(tc, t_commit_lazy);
	tcase_add_test(tc, t_fsck_repairs_refused);
	suite_add_tcase(s, tc);
	return s;
}
