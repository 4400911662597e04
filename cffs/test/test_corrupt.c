/*
 * test_corrupt.c - damaged C-FFS images: truncated, random bytes,
 * directory loops, pointers out of range, bad superblocks, dangling
 * references, wrong counts, wrong bitmap.  Mount and every operation must
 * fail cleanly (never crash or hang); fsck -n must report, fsck must
 * repair, and a second fsck -n must then find the image clean.
 *
 * Every case runs in both layouts (TCase "corrupt": the default, over XN;
 * "corrupt-v1": the legacy layout) with the exact outcome of each.  Over
 * XN, damage that breaks XN's invariants (a loop, a block owned twice, a
 * pointer outside the data area, a damaged XN area) is refused by XN
 * itself: mount gives EUCLEAN, fsck -n exits 4 and changes nothing; fsck
 * repairs what is C-FFS's metadata (exit 1, then XN accepts the disk and
 * fsck -n finds it clean) and leaves damage in XN's own area alone (exit 4,
 * nothing written) (refused()).  Damage that XN cannot see (names, counts,
 * slot types, sizes, the free map) is C-FFS's: fsck repairs it (repairs()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cffs_int.h"
#include "util.h"

#define NB 1024

static struct tfs t;
static cffs_ino_t ino_a, ino_b, ino_f, ino_big, ino_h, ino_root;
static uint32_t sbblk;          /* block of the C-FFS superblock */
static int v1;                  /* legacy layout */
static unsigned char big[60000];

/* The base image: /a, /a/b, /a/f, /a/big, /h (link of /a/f), /s. */
static void
setup(void)
{
	struct cffs_stat st;

	tfs_v1 = v1;
	tfs_new(&t, NB);
	ck_assert_int_eq(cffs_on_xn(t.fs), !v1);
	ck_assert_int_eq(cffs_stat(t.fs, "/", &st), 0);
	ino_root = st.ino;
	sbblk = ino_blk(ino_root);
	ck_assert_uint_eq(sbblk, v1 ? 0 : 39);
	fill_pat(big, sizeof(big), 9, 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/a", 0755, 0, 0), 0);
	ck_assert_int_eq(cffs_mkdir(t.fs, "/a/b", 0755, 0, 0), 0);
	put_file(t.fs, "/a/f", big, 100);
	put_file(t.fs, "/a/big", big, sizeof(big));
	ck_assert_int_eq(cffs_link(t.fs, "/a/f", "/h"), 0);
	ck_assert_int_eq(cffs_symlink(t.fs, "a/f", "/s", 0, 0), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/a", &ino_a), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/a/b", &ino_b), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/a/f", &ino_f), 0);
	ck_assert_int_eq(cffs_lookup(t.fs, "/a/big", &ino_big), 0);
	ck_assert_int_eq(cffs_stat(t.fs, "/h", &st), 0);
	ck_assert_int_eq(cffs_unmount(t.fs), 0);
	t.fs = NULL;
	ino_h = 0;
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}

static void
setup_xn(void)
{
	v1 = 0;
	setup();
}

static void
setup_v1(void)
{
	v1 = 1;
	setup();
}

static void
teardown(void)
{
	tfs_free(&t);
}

static struct dslot *
slot(cffs_ino_t ino)
{
	return (struct dslot *)(t.hd.mem + (size_t)ino_blk(ino) * CFFS_BSIZE +
	                        ino_slot(ino) * SLOT_SIZE);
}

static struct dsuper *
super(void)
{
	return (struct dsuper *)(t.hd.mem + (size_t)sbblk * CFFS_BSIZE);
}

/* Find the directory entry (slot) named name in the block of ino. */
static struct dslot *
entry(uint32_t blk, const char *name)
{
	uint32_t i;

	for (i = 0; i < SLOTS_PER_BLOCK; i++) {
		struct dslot *s = slot(mkino(blk, i));

		if (s->type != SLOT_FREE && s->namelen == strlen(name) &&
		    memcmp(s->name, name, s->namelen) == 0)
			return s;
	}
	return NULL;
}

/* fsck -n finds errors, fsck repairs them, fsck -n is then clean. */
static void
repairs(void)
{
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 4);
	ck_assert_int_eq(tfs_fsck(&t, 0), 1);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}

/* fsck's findings, joined; xn_said: how many lines were XN's. */
static char said[8192];
static int xn_refused_said, xn_leak_said;

static void
hear(void *arg, const char *msg)
{
	(void)arg;
	if (strstr(msg, "XN refuses the disk") != NULL)
		xn_refused_said++;
	if (strstr(msg, "XN: blocks marked used but unreachable") != NULL)
		xn_leak_said++;
	if (strlen(said) + strlen(msg) + 2 < sizeof(said)) {
		strcat(said, msg);
		strcat(said, "\n");
	}
}

static int
fsck_hear(int flags)
{
	said[0] = '\0';
	xn_refused_said = xn_leak_said = 0;
	return cffs_fsck(&t.hd.dev, flags, hear, NULL);
}

static void visit(struct cffs_fs *fs, const char *dir, int depth);

/* A read-write mount that fails with err and writes nothing. */
static void
mount_fails(int err)
{
	uint8_t *copy = malloc((size_t)NB * CFFS_BSIZE);
	struct cffs_fs *fs;

	memcpy(copy, t.hd.mem, (size_t)NB * CFFS_BSIZE);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), err);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, CFFS_RDONLY, &fs), err);
	ck_assert_int_eq(memcmp(copy, t.hd.mem, (size_t)NB * CFFS_BSIZE), 0);
	free(copy);
}

/*
 * XN layout: XN's own mount refuses the disk (XN_ECORRUPT).  Mount gives
 * EUCLEAN; fsck -n says so, exits 4 and writes nothing.  fsck either
 * repairs C-FFS's metadata until XN accepts the disk (exit 1; then fsck -n
 * finds it clean and it mounts), or, when the damage is in XN's own area,
 * exits 4 and writes nothing.  Returns fsck's exit status.
 */
static int
refused(void)
{
	uint8_t *copy = malloc((size_t)NB * CFFS_BSIZE);
	struct cffs_fs *fs;
	int r;

	ck_assert(!v1);
	ck_assert_int_eq(xnfs_check(&t.hd.dev, NULL, NULL, 0), -CFFS_EUCLEAN);
	mount_fails(-CFFS_EUCLEAN);
	memcpy(copy, t.hd.mem, (size_t)NB * CFFS_BSIZE);
	ck_assert_int_eq(fsck_hear(CFFS_FSCK_NOREPAIR), 4);
	ck_assert_int_eq(xn_refused_said, 1);
	ck_assert_int_eq(memcmp(copy, t.hd.mem, (size_t)NB * CFFS_BSIZE), 0);
	r = fsck_hear(0);
	ck_assert_int_eq(xn_refused_said, 1);
	ck_assert_msg(r == 1 || r == 4, "fsck gave %d", r);
	if (r == 1) {
		ck_assert_ptr_nonnull(strstr(said, "XN accepts the disk"));
		ck_assert_int_eq(xnfs_check(&t.hd.dev, NULL, NULL, 0), 0);
		ck_assert_int_eq(fsck_hear(CFFS_FSCK_NOREPAIR), 0);
		ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
		visit(fs, "/", 0);
		ck_assert_int_eq(cffs_unmount(fs), 0);
	} else {
		ck_assert_int_eq(memcmp(copy, t.hd.mem,
		    (size_t)NB * CFFS_BSIZE), 0);
	}
	free(copy);
	return r;
}

/* Visit everything reachable; only checks that nothing crashes. */
struct names {
	char  (*v)[CFFS_NAME_MAX + 1];
	int   n;
};

static int
grab(void *arg, const char *name, const struct cffs_stat *st)
{
	struct names *ns = arg;

	(void)st;
	if (ns != NULL && ns->n < 64)
		strcpy(ns->v[ns->n++], name);
	return 0;
}

static void
visit(struct cffs_fs *fs, const char *dir, int depth)
{
	static char buf[65536];
	struct names ns;
	struct cffs_stat st;
	char p[4200];
	int i;

	ns.v = malloc(64 * sizeof(*ns.v));
	ns.n = 0;
	(void)cffs_readdir(fs, dir, grab, &ns);
	for (i = 0; i < ns.n; i++) {
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "",
		         ns.v[i]);
		if (cffs_stat(fs, p, &st) < 0)
			continue;
		if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFDIR && depth < 6)
			visit(fs, p, depth + 1);
		else if ((st.mode & CFFS_S_IFMT) == CFFS_S_IFLNK)
			(void)cffs_readlink(fs, p, buf, sizeof(buf));
		else
			(void)cffs_read(fs, p, 0, buf, sizeof(buf));
	}
	free(ns.v);
}

START_TEST(t_truncated)
{
	struct hostdev hd;
	struct cffs_fs *fs;

	ck_assert_int_eq(hostdev_mem(&hd, 100, t.hd.mem, 100 * CFFS_BSIZE), 0);
	ck_assert_int_eq(cffs_mount(&hd.dev, 0, &fs), -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_fsck(&hd.dev, 0, NULL, NULL), 4);
	hostdev_close(&hd);
	ck_assert_int_eq(hostdev_mem(&hd, 0, NULL, 0), 0);
	ck_assert_int_eq(cffs_mount(&hd.dev, 0, &fs), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_fsck(&hd.dev, 0, NULL, NULL), 4);
	hostdev_close(&hd);
}
END_TEST

START_TEST(t_random_image)
{
	struct cffs_fs *fs;
	size_t i;

	srand(1);
	for (i = 0; i < (size_t)NB * CFFS_BSIZE; i++)
		t.hd.mem[i] = (uint8_t)rand();
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), -CFFS_EINVAL);
	ck_assert_int_eq(tfs_fsck(&t, 0), 4);
}
END_TEST

/*
 * Everything behind the superblock block replaced by random bytes (over
 * XN: the XN area and the superblock block stay).  Over XN the outcome
 * depends on whether the random tree breaks XN's invariants; each seed
 * gets the exact outcome of its case, and over the ten seeds both cases
 * occur (t_random_seeds_xn).
 */
static int
random_behind(int seed)
{
	size_t i;

	srand(2 + (unsigned)seed);
	for (i = (size_t)(sbblk + 1) * CFFS_BSIZE; i < (size_t)NB * CFFS_BSIZE;
	     i++)
		t.hd.mem[i] = (uint8_t)rand();
	return v1 ? 0 : xnfs_check(&t.hd.dev, NULL, NULL, 0);
}

START_TEST(t_random_behind_super)
{
	struct cffs_fs *fs;
	int r;

	if (random_behind(_i) == -CFFS_EUCLEAN) {
		refused();
		return;
	}
	r = cffs_mount(&t.hd.dev, CFFS_RDONLY, &fs);
	ck_assert_int_eq(r, 0);         /* the superblock block is intact */
	visit(fs, "/", 0);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	r = tfs_fsck(&t, 0);
	ck_assert(r == 1 || r == 4);
	if (r == 1)
		ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}
END_TEST

/* Over XN, XN accepts some of the random trees and refuses others. */
START_TEST(t_random_seeds_xn)
{
	uint8_t *base = malloc((size_t)NB * CFFS_BSIZE);
	int i, nref = 0;

	memcpy(base, t.hd.mem, (size_t)NB * CFFS_BSIZE);
	for (i = 0; i < 10; i++) {
		memcpy(t.hd.mem, base, (size_t)NB * CFFS_BSIZE);
		nref += random_behind(i) == -CFFS_EUCLEAN;
	}
	ck_assert_int_gt(nref, 0);
	ck_assert_int_lt(nref, 10);
	free(base);
}
END_TEST

/*
 * A few random bytes changed inside the used metadata and data blocks
 * (the 64 blocks from the superblock block on; its slot 0, the
 * superblock, has its own test).
 */
START_TEST(t_random_bytes)
{
	struct cffs_fs *fs;
	int i, r;

	srand(100 + (unsigned)_i);
	for (i = 0; i < 12; i++) {
		uint32_t blk = sbblk + (uint32_t)rand() % 64;
		uint32_t off = (uint32_t)rand() % CFFS_BSIZE;

		if (blk == sbblk && off < SLOT_SIZE)
			continue;
		t.hd.mem[(size_t)blk * CFFS_BSIZE + off] = (uint8_t)rand();
	}
	if (!v1 && xnfs_check(&t.hd.dev, NULL, NULL, 0) == -CFFS_EUCLEAN) {
		refused();
		return;
	}
	r = cffs_mount(&t.hd.dev, 0, &fs);
	if (r == 0) {
		visit(fs, "/", 0);
		(void)cffs_create(fs, "/new", 0644, 0, 0);
		(void)cffs_write(fs, "/new", 0, "x", 1);
		(void)cffs_unlink(fs, "/a/f");
		(void)cffs_rename(fs, "/a", "/z");
		(void)cffs_unmount(fs);
	} else {
		ck_assert_int_eq(r, -CFFS_EUCLEAN);
	}
	r = tfs_fsck(&t, 0);
	ck_assert(r == 0 || r == 1 || r == 4);
	if (r == 1)
		ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}
END_TEST

START_TEST(t_dir_loop)
{
	struct dslot *b = slot(ino_b);
	struct cffs_fs *fs;
	struct cffs_stat st;
	char *l;

	/* /a/b's only block is /a's own block: /a/b contains itself */
	b->ino.direct[0] = ino_blk(ino_b);
	b->ino.nblocks = 1;
	b->ino.size = CFFS_BSIZE;
	if (!v1) {
		ck_assert_int_eq(refused(), 1);   /* XN: a block that owns itself */
		return;
	}
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	l = list_dir(fs, "/a/b");
	ck_assert_str_eq(l, "b,big,f");
	ck_assert_int_eq(cffs_stat(fs, "/a/b/b/b/b/b/b/b/b/f", &st), 0);
	visit(fs, "/", 0);
	/* rmdir sees a non-empty directory; moving it under itself fails */
	ck_assert_int_eq(cffs_rmdir(fs, "/a/b"), -CFFS_ENOTEMPTY);
	ck_assert_int_eq(cffs_rename(fs, "/a", "/a/b/x"), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	repairs();
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	l = list_dir(fs, "/a/b");
	ck_assert_str_eq(l, "");
	l = list_dir(fs, "/a");
	ck_assert_str_eq(l, "b,big,f");
	ck_assert_int_eq(cffs_unmount(fs), 0);
}
END_TEST

START_TEST(t_root_loop)
{
	struct dslot *b = slot(ino_b);
	struct cffs_fs *fs;

	/* /a/b points at the root directory's block */
	b->ino.direct[0] = ino_blk(ino_a);
	b->ino.size = CFFS_BSIZE;
	b->ino.nblocks = 1;
	if (!v1) {
		ck_assert_int_eq(refused(), 1);   /* XN: a block owned twice (and a cycle) */
		return;
	}
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	visit(fs, "/", 0);
	ck_assert_int_eq(cffs_rename(fs, "/a", "/a/b/a/b/x"), -CFFS_EINVAL);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	repairs();
}
END_TEST

START_TEST(t_ptr_out_of_range)
{
	struct cffs_fs *fs;
	char buf[200];

	/* /a/f is external (it has a second link): its slot is in the ifile */
	struct dslot *e = entry(ino_blk(ino_b), "f");

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, SLOT_REF);
	slot(e->ref)->ino.direct[0] = NB + 5;
	if (!v1) {
		ck_assert_int_eq(refused(), 1);   /* XN: a pointer outside the data area */
		return;
	}
	slot(ino_big)->ino.direct[3] = 0xffffffffu;
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_read(fs, "/a/f", 0, buf, sizeof(buf)),
	                 -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_read(fs, "/h", 0, buf, sizeof(buf)),
	                 -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_read(fs, "/a/big", 3 * CFFS_BSIZE, buf, 10),
	                 -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_read(fs, "/a/big", 0, buf, 10), 10);
	ck_assert_int_eq(cffs_unlink(fs, "/a/big"), -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	ck_assert_int_eq(tfs_fsck(&t, 0), 1);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	/* the bad block became a hole */
	ck_assert_int_eq(cffs_read(fs, "/a/f", 0, buf, sizeof(buf)), 100);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(cffs_unmount(fs), 0);
}
END_TEST

START_TEST(t_indirect_out_of_range)
{
	struct dslot *s = slot(ino_big);
	uint32_t *ind = (uint32_t *)(t.hd.mem +
	                             (size_t)s->ino.indirect * CFFS_BSIZE);
	struct cffs_fs *fs;
	char buf[16];

	ck_assert_uint_ne(s->ino.indirect, 0);
	ind[0] = 0x7fffffff;
	if (!v1) {
		ck_assert_int_eq(refused(), 1);   /* XN: a pointer outside the disk */
		return;
	}
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_read(fs, "/a/big", 12 * CFFS_BSIZE, buf, 16),
	                 -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	repairs();
}
END_TEST

/*
 * The C-FFS superblock (slot 0 of block 0, or over XN of the block XN
 * root "cffs" names).  Over XN the disk is still XN's and recognisably
 * C-FFS's (the root's name), so a bad magic is EUCLEAN there, not EINVAL.
 * C-FFS refuses before XN mounts: nothing is written.
 */
START_TEST(t_bad_super)
{
	struct cffs_fs *fs;
	struct dsuper save = *super();

	super()->nblocks = 0xffffffffu;
	mount_fails(-CFFS_EUCLEAN);
	ck_assert_int_eq(tfs_fsck(&t, 0), 4);
	*super() = save;
	super()->bitmap_blocks = 7;
	mount_fails(-CFFS_EUCLEAN);
	*super() = save;
	super()->magic ^= 1;
	mount_fails(v1 ? -CFFS_EINVAL : -CFFS_EUCLEAN);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 4);
	*super() = save;
	super()->version = 99;
	mount_fails(-CFFS_EUCLEAN);
	*super() = save;
	super()->root_ino++;
	mount_fails(-CFFS_EUCLEAN);
	*super() = save;
	if (!v1) {
		/* the superblock must name the block it is in, and the
		 * legacy version inside XN is refused */
		super()->sb_blk++;
		mount_fails(-CFFS_EUCLEAN);
		*super() = save;
		super()->version = 1;
		mount_fails(-CFFS_EUCLEAN);
		ck_assert_int_eq(tfs_fsck(&t, 0), 4);
		*super() = save;
	}
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}
END_TEST

/*
 * The root directory's inode.  Not repairable (exit 4) in either layout.
 * Over XN, C-FFS looks at it before XN's recovery runs: with the root a
 * regular file, XN's owns-udf would take the root's blocks for data and
 * everything below for leaked blocks, and a read-write mount would free
 * them in XN's map.  The refused mount writes nothing.
 */
START_TEST(t_bad_root)
{
	slot(ino_root)->ino.mode = CFFS_S_IFREG | 0644;
	mount_fails(-CFFS_EUCLEAN);
	ck_assert_int_eq(tfs_fsck(&t, 0), 4);
	slot(ino_root)->ino.mode = 0;
	mount_fails(-CFFS_EUCLEAN);
	ck_assert_int_eq(tfs_fsck(&t, 0), 4);
	slot(ino_root)->ino.mode = CFFS_S_IFDIR | 0755;
	slot(ino_root + 1)->ino.flags = 0;      /* the inode file */
	mount_fails(-CFFS_EUCLEAN);
	ck_assert_int_eq(tfs_fsck(&t, 0), 1);   /* reset (it was empty) */
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
}
END_TEST

START_TEST(t_dangling_ref)
{
	struct dslot *h = entry(ino_blk(ino_a), "h");
	struct cffs_fs *fs;
	struct cffs_stat st;

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(h->type, SLOT_REF);
	h->ref = mkino(NB - 1, 3);      /* a free block */
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_stat(fs, "/h", &st), -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_readdir(fs, "/", grab, NULL), -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	repairs();
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_stat(fs, "/h", &st), -CFFS_ENOENT);
	ck_assert_int_eq(cffs_stat(fs, "/a/f", &st), 0);
	ck_assert_uint_eq(st.nlink, 1);
	ck_assert_int_eq(cffs_unmount(fs), 0);
}
END_TEST

/*
 * Bad and duplicate slots in /a's block.  A copy of /a/big's entry with
 * the same blocks is a block owned twice: in the legacy layout fsck
 * clears the second claim; over XN, XN refuses the disk.  The other cases
 * (over XN made with a copy that owns no blocks) are C-FFS's to repair.
 */
/* The first free slot of block blk (there must be one). */
static struct dslot *
free_slot(uint32_t blk)
{
	uint32_t i;

	for (i = 0; i < SLOTS_PER_BLOCK; i++)
		if (slot(mkino(blk, i))->type == SLOT_FREE)
			return slot(mkino(blk, i));
	ck_abort_msg("no free slot in block %u", blk);
	return NULL;
}

START_TEST(t_bad_slots)
{
	uint32_t blk = ino_blk(ino_b);
	struct dslot *f = entry(blk, "big"), *dup = NULL, tmpl;
	struct cffs_fs *fs;
	size_t len;
	char *p;

	dup = free_slot(blk);
	ck_assert_ptr_nonnull(f);
	ck_assert((uint8_t *)f < (uint8_t *)dup);   /* the copy is the second name */
	*dup = *f;                       /* same name, same blocks */
	if (v1) {
		repairs();
	} else {
		refused();
		memset(dup, 0, sizeof(*dup));
	}
	tmpl = *f;
	if (!v1) {
		memset(tmpl.ino.direct, 0, sizeof(tmpl.ino.direct));
		tmpl.ino.indirect = tmpl.ino.dindirect = 0;
		tmpl.ino.nblocks = 0;
		tmpl.ino.size = 0;
		*dup = tmpl;            /* same name, no blocks */
		repairs();
	}
	/* a name with a slash, a bad type, a bad inode mode */
	memcpy(dup, &tmpl, sizeof(*dup));
	dup->name[0] = '/';
	repairs();
	dup->type = 77;
	repairs();
	memcpy(dup, &tmpl, sizeof(*dup));
	memcpy(dup->name, "zz", 3);
	dup->namelen = 2;
	dup->ino.mode = 0170000;
	repairs();
	/* /a/big itself survived every repair */
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_str_eq(list_dir(fs, "/a"), "b,big,f");
	p = get_file(fs, "/a/big", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert_int_eq(memcmp(p, big, len), 0);
	free(p);
	ck_assert_int_eq(cffs_unmount(fs), 0);
}
END_TEST

/*
 * A FIFO inode holds no data: one that claims a size, a block count or a
 * block (here /a/big's first) is corrupt; fsck removes it.  A claimed
 * block that another file owns is XN's to refuse too.  Other type bits
 * (devices, sockets, 0) stay rejected.  A sound FIFO is left alone.
 */
START_TEST(t_bad_fifo)
{
	uint32_t blk = ino_blk(ino_b);
	struct dslot *f = entry(blk, "big"), *dup = NULL, tmpl;
	static const uint32_t bad_types[] = { 0020000, 0060000, 0140000, 0,
	                                      0030000 };
	struct cffs_stat st;
	struct cffs_fs *fs;
	uint32_t i;

	dup = free_slot(blk);
	ck_assert_ptr_nonnull(f);
	tmpl = *f;
	memset(tmpl.ino.direct, 0, sizeof(tmpl.ino.direct));
	tmpl.ino.indirect = tmpl.ino.dindirect = 0;
	tmpl.ino.nblocks = 0;
	tmpl.ino.size = 0;
	tmpl.ino.mode = CFFS_S_IFIFO | 0644;
	memcpy(tmpl.name, "p", 2);
	tmpl.namelen = 1;
	*dup = tmpl;                    /* sound: fsck finds nothing */
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_stat(fs, "/a/p", &st), 0);
	ck_assert_uint_eq(st.mode, CFFS_S_IFIFO | 0644);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	dup->ino.size = 5;
	repairs();
	ck_assert_uint_eq(dup->type, SLOT_FREE);
	*dup = tmpl;
	dup->ino.nblocks = 1;
	repairs();
	*dup = tmpl;
	dup->ino.direct[0] = f->ino.direct[0];
	if (v1)
		repairs();
	else
		ck_assert_int_eq(refused(), 1);
	ck_assert_uint_eq(dup->type, SLOT_FREE);
	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		*dup = tmpl;
		dup->ino.mode = bad_types[i] | 0644;
		repairs();
		ck_assert_uint_eq(dup->type, SLOT_FREE);
	}
	/* /a/big survived every repair */
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_str_eq(list_dir(fs, "/a"), "b,big,f");
	ck_assert_int_eq(cffs_unmount(fs), 0);
}
END_TEST

START_TEST(t_counts)
{
	struct cffs_fs *fs;
	struct cffs_stat st;

	slot(ino_a)->ino.nlink = 9;
	slot(ino_big)->ino.nblocks = 1;
	repairs();
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_stat(fs, "/a", &st), 0);
	ck_assert_uint_eq(st.nlink, 3);
	ck_assert_int_eq(cffs_stat(fs, "/a/big", &st), 0);
	ck_assert_uint_eq(st.blocks, 16);       /* 15 data + indirect */
	ck_assert_int_eq(cffs_unmount(fs), 0);
}
END_TEST

/*
 * The free map: C-FFS's bitmap (legacy) or XN's free map.  A used block
 * marked free and a free block marked used are repaired by fsck in both
 * layouts.  Over XN, XN's own recovery would fix both at the next mount;
 * fsck (which mounts XN read-only first) reports the leak as XN's finding
 * too, and repairs the map itself.
 */
START_TEST(t_bitmap)
{
	uint8_t *bm = t.hd.mem + (size_t)super()->bitmap_start * CFFS_BSIZE;
	uint32_t used = slot(ino_big)->ino.direct[0], freeb = NB - 2;

	ck_assert_uint_eq(super()->bitmap_start, v1 ? 1 : 38);
	ck_assert((bm[used / 8] >> (used % 8)) & 1);
	ck_assert(!((bm[freeb / 8] >> (freeb % 8)) & 1));
	bm[used / 8] &= (uint8_t)~(1u << (used % 8));      /* lost */
	repairs();
	ck_assert((bm[used / 8] >> (used % 8)) & 1);
	bm[freeb / 8] |= (uint8_t)(1u << (freeb % 8));     /* leaked */
	ck_assert_int_eq(fsck_hear(CFFS_FSCK_NOREPAIR), 4);
	ck_assert_int_eq(xn_leak_said, !v1);
	ck_assert_ptr_nonnull(strstr(said, "1 blocks marked used but not "
	                                   "referenced"));
	ck_assert_int_eq(fsck_hear(0), 1);
	ck_assert_int_eq(fsck_hear(CFFS_FSCK_NOREPAIR), 0);
	ck_assert_int_eq(xn_leak_said, 0);
	ck_assert(!((bm[freeb / 8] >> (freeb % 8)) & 1));
}
END_TEST

/*
 * XN's own area (XN layout only): blocks 0 (superblock), 1..32
 * (templates), 33 (root table), 34 (free map).  A changed byte under one
 * of XN's checksums makes XN refuse the disk (refused()); bytes XN does
 * not read (past the superblock's checksum) change nothing.
 */
START_TEST(t_xn_area)
{
	static const uint32_t at[] = {
		44,                     /* superblock: mount generation */
		1 * CFFS_BSIZE + 100,   /* C-FFS's first template: code */
		5 * CFFS_BSIZE + 24,    /* the last C-FFS template: name */
		32 * CFFS_BSIZE + 7,    /* an empty template slot */
		33 * CFFS_BSIZE + 16 + 36,      /* root "cffs": owner */
	};
	uint8_t *m = t.hd.mem;
	struct cffs_fs *fs;
	unsigned i;

	ck_assert_int_eq(memcmp(m, "XNSB", 4), 0);
	ck_assert_int_eq(memcmp(m + 33 * CFFS_BSIZE + 16, "cffs", 5), 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		m[at[i]] ^= 0x40;
		ck_assert_int_eq(refused(), 4);
		m[at[i]] ^= 0x40;
	}
	m[200] ^= 0xff;         /* unused superblock bytes */
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	ck_assert_int_eq(tfs_fsck(&t, CFFS_FSCK_NOREPAIR), 0);
	/* XN's superblock says the disk is bigger than the device */
	m[12] ^= 1;
	mount_fails(-CFFS_EUCLEAN);
	ck_assert_int_eq(fsck_hear(0), 4);
	ck_assert_ptr_nonnull(strstr(said, "cannot read superblock"));
}
END_TEST

START_TEST(t_huge_dir_size)
{
	struct cffs_fs *fs;

	slot(ino_b)->ino.size = (uint64_t)NB * CFFS_BSIZE * 4;
	ck_assert_int_eq(cffs_mount(&t.hd.dev, 0, &fs), 0);
	ck_assert_int_eq(cffs_readdir(fs, "/a/b", grab, NULL), -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_mkdir(fs, "/a/b/c", 0755, 0, 0), -CFFS_EUCLEAN);
	ck_assert_int_eq(cffs_unmount(fs), 0);
	repairs();
}
END_TEST

/* A workload whose device stops accepting writes after `limit' requests. */
static void
workload(struct hostdev *hd)
{
	static unsigned char data[70000];
	struct cffs_fs *fs;
	char p[32];
	int i;

	if (cffs_mount(&hd->dev, 0, &fs) < 0)
		return;
	fill_pat(data, sizeof(data), 1, 0);
	for (i = 0; i < 12; i++) {
		snprintf(p, sizeof(p), "/d%d", i % 3);
		(void)cffs_mkdir(fs, p, 0755, 0, 0);
		snprintf(p, sizeof(p), "/d%d/f%d", i % 3, i);
		(void)cffs_create(fs, p, 0644, 0, 0);
		(void)cffs_write(fs, p, 0, data, (size_t)(i * 5000 + 1));
		if (i % 4 == 1)
			(void)cffs_link(fs, p, "/hard");
		if (i % 4 == 2)
			(void)cffs_rename(fs, "/d1", "/d2/moved");
		if (i % 4 == 3)
			(void)cffs_unlink(fs, "/hard");
		(void)cffs_sync(fs);
	}
	(void)cffs_unmount(fs);
}

/* A crash after any write leaves an image fsck can repair completely. */
START_TEST(t_crash_points)
{
	struct hostdev hd;
	uint64_t total, k;
	int r;

	ck_assert_int_eq(hostdev_mem(&hd, NB, t.hd.mem, NB * CFFS_BSIZE), 0);
	workload(&hd);
	total = hd.nwrites;
	hostdev_close(&hd);
	ck_assert_uint_gt(total, 20);
	for (k = 0; k < total; k++) {
		ck_assert_int_eq(hostdev_mem(&hd, NB, t.hd.mem, NB * CFFS_BSIZE),
		                 0);
		hd.fail_after = (int)k;
		workload(&hd);
		hd.fail_after = -1;
		r = cffs_fsck(&hd.dev, 0, NULL, NULL);
		ck_assert_msg(r == 0 || r == 1, "crash after %llu writes: fsck %d",
		              (unsigned long long)k, r);
		ck_assert_int_eq(cffs_fsck(&hd.dev, CFFS_FSCK_NOREPAIR, NULL, NULL),
		                 0);
		hostdev_close(&hd);
	}
}
END_TEST

static TCase *
corrupt_tcase(const char *name, void (*setup_fn)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup_fn, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_truncated);
	tcase_add_test(tc, t_random_image);
	tcase_add_loop_test(tc, t_random_behind_super, 0, 10);
	tcase_add_loop_test(tc, t_random_bytes, 0, 100);
	tcase_add_test(tc, t_dir_loop);
	tcase_add_test(tc, t_root_loop);
	tcase_add_test(tc, t_ptr_out_of_range);
	tcase_add_test(tc, t_indirect_out_of_range);
	tcase_add_test(tc, t_bad_super);
	tcase_add_test(tc, t_bad_root);
	tcase_add_test(tc, t_dangling_ref);
	tcase_add_test(tc, t_bad_slots);
	tcase_add_test(tc, t_bad_fifo);
	tcase_add_test(tc, t_counts);
	tcase_add_test(tc, t_bitmap);
	tcase_add_test(tc, t_huge_dir_size);
	tcase_add_test(tc, t_crash_points);
	return tc;
}

Suite *
corrupt_suite(void)
{
	Suite *s = suite_create("cffs-corrupt");
	TCase *tc = corrupt_tcase("corrupt", setup_xn);

	tcase_add_test(tc, t_random_seeds_xn);
	tcase_add_test(tc, t_xn_area);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, corrupt_tcase("corrupt-v1", setup_v1));
	return s;
}
