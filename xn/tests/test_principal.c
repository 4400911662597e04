/*
 * xn/tests/test_principal.c: the principal table (xn/principal.c): one
 * principal per whole name, never shared (not even by names whose old
 * 32-bit hash collides), the same after unmount and mount, written
 * before it is given, a full table refused, and a damaged table refused
 * at mount; hostile tables (superblock fields, entries across blocks,
 * lengths and padding, 1016 names in one slot of the index), failed
 * writes and flushes, and crashes between a new principal and its root.
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

/* ---- hostile and damaged tables, failures, crashes ------------------ */

#define SB_PSTART  48
#define SB_PCOUNT  52
#define SB_CSUM    56
#define PER_BLOCK  254

static uint8_t *
entry(struct fx *f, uint32_t i)
{
	return ptblock(f, i / PER_BLOCK) + 16 + (i % PER_BLOCK) * 16;
}

/* Recompute the checksum of table block blk (or the superblock). */
static void
fix_pt(struct fx *f, uint32_t blk)
{
	uint8_t *b = ptblock(f, blk);

	t_put32(b, CSUM_OFF, csum(b, CSUM_OFF));
}

static void
fix_sb(struct fx *f)
{
	t_put32(f->md.data, SB_CSUM, csum(f->md.data, SB_CSUM));
}

/* Mount, and if that worked unmount again; the result of the mount.  A
 * refused mount leaves XN unmounted: no principal is given. */
static int
try_mount(struct fx *f)
{
	uint32_t pr;
	int r = fx_mount(f);

	if (r == 0)
		ck_assert_int_eq(xn_unmount(&f->x), 0);
	else
		ck_assert_int_eq(xn_principal(&f->x, vname, 1, 1, &pr),
		                 XN_ENOTMOUNTED);
	return r;
}

/* The name of principal i + 1 in these tests: 2 bytes. */
static void
nth(uint8_t *n, uint32_t i)
{
	n[0] = (uint8_t)i, n[1] = (uint8_t)(0x80 | (i >> 8));
}

/* The superblock's table fields must be exactly the layout's. */
START_TEST(superblock_table_fields)
{
	static const uint32_t bad_start[] = { 0, 1, 33, 35, 38, 39, 511,
	    512, 0xffffffffu };
	static const uint32_t bad_count[] = { 0, 1, 3, 5, 1016, 0x80000000u,
	    0xffffffffu };
	uint8_t save[XN_BLOCK_SIZE];
	unsigned i;
	struct fx fx;

	fx_init(&fx, T_NBLOCKS);
	memcpy(save, fx.md.data, sizeof save);
	for (i = 0; i < sizeof bad_start / sizeof bad_start[0]; i++) {
		t_put32(fx.md.data, SB_PSTART, bad_start[i]);
		fix_sb(&fx);
		ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
		memcpy(fx.md.data, save, sizeof save);
	}
	for (i = 0; i < sizeof bad_count / sizeof bad_count[0]; i++) {
		t_put32(fx.md.data, SB_PCOUNT, bad_count[i]);
		fix_sb(&fx);
		ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
		memcpy(fx.md.data, save, sizeof save);
	}
	/* a version-1 superblock (no table) is refused too */
	t_put32(fx.md.data, 4, 1);
	fix_sb(&fx);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	memcpy(fx.md.data, save, sizeof save);
	ck_assert_int_eq(try_mount(&fx), 0);
	fx_done(&fx);
}
END_TEST

/* Entries across table blocks: a name twice in two blocks, a gap at the
 * end of a full block, an entry in a later block after an empty one. */
START_TEST(across_blocks)
{
	uint8_t n[2], save[16], save2[16];
	uint32_t i, pr;
	struct fx fx;

	fx_init(&fx, T_NBLOCKS);
	ck_assert_int_eq(fx_mount(&fx), 0);
	for (i = 0; i < PER_BLOCK + 2; i++) {
		nth(n, i);
		ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), 0);
		ck_assert_uint_eq(pr, i + 1);
	}
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	ck_assert_int_eq(try_mount(&fx), 0);

	/* block 1's first name repeats one of block 0 */
	memcpy(save, entry(&fx, PER_BLOCK), 16);
	memcpy(entry(&fx, PER_BLOCK), entry(&fx, 17), 16);
	fix_pt(&fx, 1);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	memcpy(entry(&fx, PER_BLOCK), save, 16);
	fix_pt(&fx, 1);

	/* block 0's last entry empty, block 1 used */
	memcpy(save, entry(&fx, PER_BLOCK - 1), 16);
	memset(entry(&fx, PER_BLOCK - 1), 0, 16);
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	memcpy(entry(&fx, PER_BLOCK - 1), save, 16);
	fix_pt(&fx, 0);

	/* block 1: entry 0 empty, entry 1 used */
	memcpy(save, entry(&fx, PER_BLOCK), 16);
	memset(entry(&fx, PER_BLOCK), 0, 16);
	fix_pt(&fx, 1);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	memcpy(entry(&fx, PER_BLOCK), save, 16);
	fix_pt(&fx, 1);

	/* a name in block 3 while block 2 is empty */
	memcpy(entry(&fx, 3 * PER_BLOCK), entry(&fx, PER_BLOCK), 16);
	entry(&fx, 3 * PER_BLOCK)[1] ^= 0x40;
	fix_pt(&fx, 3);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	memset(entry(&fx, 3 * PER_BLOCK), 0, 16);
	fix_pt(&fx, 3);

	/* two entries swapped: a valid table, the principals follow it */
	memcpy(save, entry(&fx, 3), 16);
	memcpy(save2, entry(&fx, 4), 16);
	memcpy(entry(&fx, 3), save2, 16);
	memcpy(entry(&fx, 4), save, 16);
	fix_pt(&fx, 0);
	ck_assert_int_eq(fx_mount(&fx), 0);
	nth(n, 3);
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 0, &pr), 0);
	ck_assert_uint_eq(pr, 5);
	nth(n, PER_BLOCK + 1);
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 0, &pr), 0);
	ck_assert_uint_eq(pr, PER_BLOCK + 2);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &pr), 0);
	ck_assert_uint_eq(pr, PER_BLOCK + 3);
	fx_done(&fx);
}
END_TEST

/* Entry lengths at and past the limit, the empty name, bytes after the
 * name and in an entry's last bytes, a length byte of 0xff. */
START_TEST(entry_lengths)
{
	static const uint8_t twelve[12] = "abcdefghijkl";
	uint32_t pr;
	uint8_t *e;
	struct fx fx;

	fx_init(&fx, T_NBLOCKS);
	ck_assert_int_eq(fx_mount(&fx), 0);
	ck_assert_int_eq(xn_principal(&fx.x, twelve, 12, 1, &pr), 0);
	ck_assert_int_eq(xn_principal(&fx.x, NULL, 0, 1, &pr), 0);
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	e = entry(&fx, 0);
	ck_assert_uint_eq(e[0], 13);
	ck_assert_int_eq(memcmp(e + 1, twelve, 12), 0);
	ck_assert_uint_eq(entry(&fx, 1)[0], 1);
	ck_assert_int_eq(try_mount(&fx), 0);

	e[0] = 14;                              /* 13 bytes */
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	e[0] = 0xff;
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	e[0] = 13;
	e[13] = 1;                              /* past the name */
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	e[13] = 0;
	e[0] = 12;                              /* 11 bytes, then 'l' */
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	e[0] = 13;
	/* the empty name twice */
	memcpy(entry(&fx, 2), entry(&fx, 1), 16);
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	memset(entry(&fx, 2), 0, 16);
	/* an empty entry with bytes in it */
	entry(&fx, 2)[5] = 'x';
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	entry(&fx, 2)[5] = 0;
	/* bytes after the last entry, before the checksum */
	ptblock(&fx, 0)[16 + PER_BLOCK * 16 + 3] = 7;
	fix_pt(&fx, 0);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	ptblock(&fx, 0)[16 + PER_BLOCK * 16 + 3] = 0;
	fix_pt(&fx, 0);
	ck_assert_int_eq(fx_mount(&fx), 0);
	ck_assert_int_eq(xn_principal(&fx.x, twelve, 12, 0, &pr), 0);
	ck_assert_uint_eq(pr, 1);
	fx_done(&fx);
}
END_TEST

/* A full table whose 1016 names all fall in one slot of the in-memory
 * index (the last one, so probing wraps): mount, find each, refuse the
 * next, and a table block of other bytes (not the magic) is refused. */
START_TEST(one_hash_slot)
{
	uint8_t e[16];
	uint32_t i, k, pr, want;
	uint64_t c;
	struct fx fx;

	fx_init(&fx, T_NBLOCKS);
	want = 2047;
	memset(e, 0, sizeof e);
	e[0] = 9;                               /* 8-byte names */
	for (i = 0, c = 0; i < XN_MAX_PRINCIPALS; c++) {
		for (k = 0; k < 8; k++)
			e[1 + k] = (uint8_t)(c >> (8 * k));
		if ((csum(e, 16) & 2047) != want)
			continue;
		memcpy(entry(&fx, i), e, 16);
		i++;
	}
	for (k = 0; k < XN_PT_BLOCKS; k++)
		fix_pt(&fx, k);
	ck_assert_int_eq(fx_mount(&fx), 0);
	for (i = 0; i < XN_MAX_PRINCIPALS; i++) {
		memcpy(e, entry(&fx, i), 16);
		ck_assert_int_eq(xn_principal(&fx.x, e + 1, 8, 0, &pr), 0);
		ck_assert_uint_eq(pr, i + 1);
		ck_assert_int_eq(xn_principal(&fx.x, e + 1, 7, 0, &pr),
		                 XN_ENOENT);
	}
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &pr), XN_ENOSPC);
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	t_put32(ptblock(&fx, 2), 0, 0x54524e58u);       /* "XNRT" */
	fix_pt(&fx, 2);
	ck_assert_int_eq(try_mount(&fx), XN_ECORRUPT);
	fx_done(&fx);
}
END_TEST

/* A disk whose flush fails once: the write reached the disk, the flush
 * did not say so. */
static int flush_fails;
static int (*real_flush)(void *);
static struct xn_disk_ops flaky_ops;

static int
flaky_flush(void *ctx)
{
	if (flush_fails > 0) {
		flush_fails--;
		return -1;
	}
	return real_flush(ctx);
}

/* A failed write or flush gives no principal, leaves memory as before
 * (the same and other names get the entry next), and whatever the disk
 * kept mounts as a valid table that agrees with every principal given. */
START_TEST(failures_consistent)
{
	uint8_t n[2], *img;
	uint32_t pr, v;
	struct fx fx, g;

	fx_setup(&fx);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &v), 0);
	flaky_ops = *fx.x.disk.ops;
	real_flush = flaky_ops.flush;
	flaky_ops.flush = flaky_flush;
	fx.x.disk.ops = &flaky_ops;

	/* flush fails: not given; the disk may hold the name, unreturned */
	flush_fails = 1;
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &pr), XN_EIO);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 0, &pr), XN_ENOENT);
	img = malloc((size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	ck_assert_ptr_nonnull(img);
	memcpy(img, fx.md.data, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	/* another name takes the entry (and overwrites it on disk) */
	nth(n, 1);
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), 0);
	ck_assert_uint_eq(pr, v + 1);
	/* the name that failed gets the next */
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 1, &pr), 0);
	ck_assert_uint_eq(pr, v + 2);

	/* the write itself fails: not given, then given */
	fx.md.fail_after = (int64_t)fx.md.nwrites;
	nth(n, 2);
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), XN_EIO);
	fx.md.fail_after = -1;
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 1, &pr), 0);
	ck_assert_uint_eq(pr, v + 3);

	/* a crash right after the failed flush: the image holds the name
	 * that was never returned, and that is all */
	fx_init(&g, T_NBLOCKS);
	memcpy(g.md.data, img, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	ck_assert_int_eq(fx_mount(&g), 0);
	ck_assert_int_eq(xn_principal(&g.x, vname, 1, 0, &pr), 0);
	ck_assert_uint_eq(pr, v);
	fx_done(&g);
	free(img);

	/* and after all of it, a clean remount agrees */
	fx.x.disk.ops = fx.md.disk.ops;
	ck_assert_int_eq(xn_unmount(&fx.x), 0);
	ck_assert_int_eq(fx_mount(&fx), 0);
	ck_assert_int_eq(xn_principal(&fx.x, fname, 6, 0, &pr), 0);
	ck_assert_uint_eq(pr, v + 2);
	nth(n, 2);
	ck_assert_int_eq(xn_principal(&fx.x, n, 2, 0, &pr), 0);
	ck_assert_uint_eq(pr, v + 3);
	fx_done(&fx);
}
END_TEST

/* A new principal that installs a root at once: the table block is
 * written and flushed before the root table is written, so at every
 * point of a crash a root on disk has its owner's name in the table, and
 * mounting twice gives the same numbers. */
START_TEST(crash_before_root)
{
	static const uint8_t nm[] = { 'o', 'w', 'n' };
	uint32_t pr, i, j, pt_at = 0, fl_at = 0, rt_at = 0, blk, owner;
	uint16_t type;
	uint8_t *base, *img, page[XN_BLOCK_SIZE];
	struct fx fx, g;
	int found;

	fx_setup(&fx);
	ck_assert_int_eq(xn_principal(&fx.x, vname, 1, 1, &pr), 0);
	base = malloc((size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	img = malloc((size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	ck_assert_ptr_nonnull(base);
	ck_assert_ptr_nonnull(img);
	memcpy(base, fx.md.data, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
	fx.md.logging = 1;
	ck_assert_int_eq(xn_principal(&fx.x, nm, 3, 1, &pr), 0);
	memset(page, 0, sizeof page);
	t_put32(page, 0, T_DIRMAGIC);
	t_put32(page, 4, pr);
	ck_assert_int_eq(xn_root_install(&fx.x, pr, "own", T_DIR, 100, page),
	                 0);
	/* the order in the write stream: table, flush, ..., root table */
	for (i = 0; i < fx.md.nlog; i++) {
		if (fx.md.log[i].block == PT_START && !pt_at)
			pt_at = i + 1;
		else if (fx.md.log[i].block == XN_NOBLOCK && pt_at && !fl_at)
			fl_at = i + 1;
		else if (fx.md.log[i].block == PT_START - 1 && !rt_at)
			rt_at = i + 1;
	}
	ck_assert(pt_at && fl_at && rt_at && pt_at < fl_at && fl_at < rt_at);
	/* every cut */
	for (i = 0; i <= fx.md.nlog; i++) {
		memcpy(img, base, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
		xn_memdisk_replay(&fx.md, img, i);
		fx_init(&g, T_NBLOCKS);
		memcpy(g.md.data, img, (size_t)T_NBLOCKS * XN_BLOCK_SIZE);
		ck_assert_int_eq(fx_mount(&g), 0);
		found = xn_root_lookup(&g.x, "own", &blk, &type) == 0;
		for (j = 0, owner = 0; found && j < XN_MAX_ROOTS; j++)
			if (g.x.roots[j].type && g.x.roots[j].block == blk)
				owner = g.x.roots[j].owner;
		if (found) {
			ck_assert_int_eq(xn_principal(&g.x, nm, 3, 0, &pr),
			                 0);
			ck_assert_uint_eq(pr, owner);
		}
		/* idempotent: the name gets the same number again */
		ck_assert_int_eq(xn_principal(&g.x, nm, 3, 1, &pr), 0);
		ck_assert_uint_eq(pr, 2);
		ck_assert_int_eq(xn_unmount(&g.x), 0);
		ck_assert_int_eq(fx_mount(&g), 0);
		ck_assert_int_eq(xn_principal(&g.x, nm, 3, 0, &pr), 0);
		ck_assert_uint_eq(pr, 2);
		fx_done(&g);
	}
	free(base);
	free(img);
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
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, superblock_table_fields);
	tcase_add_test(tc, across_blocks);
	tcase_add_test(tc, entry_lengths);
	tcase_add_test(tc, one_hash_slot);
	tcase_add_test(tc, failures_consistent);
	tcase_add_test(tc, crash_before_root);
	suite_add_tcase(s, tc);
	return s;
}
