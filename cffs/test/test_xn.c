/*
 * test_xn.c - C-FFS and XN: the C-FFS templates pass XN's verifier and
 * register; XN checks C-FFS-format metadata by proof (right claims are
 * accepted, wrong ones refused, write order enforced, the tree found again
 * at mount); the template scan agrees with C-FFS images and notices when
 * the free map and the pointers disagree.  (Every tfs_remount() in the
 * other suites runs the scan too.)
 */
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
	R = f.x.data_start;
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
	R = f.x.data_start;
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
	struct tfs t;
	uint32_t blk;
	uint8_t *bm;

	tfs_new(&t, 4096);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/d", 0755, 0, 0), 0);
	put_file(t.fs, "/d/big", big, sizeof(big));
	ck_assert_int_eq(cffs_link(t.fs, "/d/big", "/lnk"), 0);
	ck_assert_int_eq(cffs_symlink(t.fs, "d/big", "/sym", 0, 0), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/d", &st), 0);
	tfs_remount(&t);                /* runs the scan: 0 differences */
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	blk = t.hd.mem[0] == SLOT_SUPER ? ((struct dslot *)(t.hd.mem +
	        SLOT_SIZE))->ino.direct[0] : 0;
	ck_assert_uint_ne(blk, 0);
	bm = t.hd.mem + CFFS_BSIZE;
	bm[blk / 8] &= (uint8_t)~(1u << (blk % 8));
	ck_assert_int_eq(cffs_xn_scan(&t.hd.dev, NULL, NULL), 1);
	bm[(blk + 2000) / 8] |= (uint8_t)(1u << ((blk + 2000) % 8));
	ck_assert_int_eq(cffs_xn_scan(&t.hd.dev, NULL, NULL), 2);
	tfs_free(&t);
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
	suite_add_tcase(s, tc);
	return s;
}
