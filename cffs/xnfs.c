/*
 * xnfs.c - C-FFS over XN (the version-2 layout, docs/CFFS.md "C-FFS and
 * XN").  XN owns the free map and checks every change to C-FFS metadata.
 *
 * C-FFS keeps working on its own buffers (buf->data); XN holds the
 * registered page (buf->xpage).  A commit turns the difference between
 * the two into XN calls, each a proof XN checks:
 *   1. pointers to blocks C-FFS freed (bfree marks them "to free"):
 *      xn_free, children before parents (XN refuses to free a block that
 *      still owns blocks);
 *   2. pointers that left one block without being freed moved (rename,
 *      first link): one xn_move each to the block that now holds them,
 *      once that block is claimed (XN_EORDER: write back, retry);
 *   3. new pointers: xn_alloc with the bytes that store them, parents
 *      before children;
 *   4. the remaining bytes: xn_write (ownership unchanged).
 * The allocator only picks a block that XN says is free and reserves it
 * until the pointer to it is committed.  Write-back is xn_writeback_many
 * (children first, in waves with one disk flush each).
 */
#include "cffs_int.h"

#ifdef CFFS_HAVE_XN
#include <xn/client.h>

/* XN, through the client backend this program is linked with
 * (xn/client.h: XN's host library, or libexos/xnclient.c). */
#define XC xn_client

#include "cffs/cffs_xn.h"

#define ROOT_NAME "cffs"
#define MAXP      1024u
#define WQ_MAX    64u           /* writes a commit sends at once */

static int  xnfs_flush(struct cffs_fs *fs, int strict);
static int  xnfs_commit(struct cffs_fs *fs);
static void xnfs_drop(struct cffs_fs *fs, struct buf *b);
static void xnfs_close(struct xnfs *xf);
struct ctx;
static int  wflush(struct ctx *c);

/* The C-FFS device as XN's disk. */
struct xdev {
	struct cffs_bdev  *dev;
	int                rdonly;
};

struct xnfs {
	struct xn          x;
	void              *arena;
	struct xn_disk     disk;
	struct xdev        xd;
	int                rdonly;
	uint32_t           pr;
	uint8_t           *resv;        /* reserved, not yet claimed */
	uint8_t           *tofree;      /* freed by C-FFS, xn_free pending */
	uint8_t           *movesrc;     /* lost a moved block, not written */
	int                busy;        /* inside a commit */
	int                wb_held;     /* blocks the last write-back left dirty (XN_EORDER) */
	/* a commit's scratch, kept from mount to unmount: allocating it
	 * per commit cost 25 kernel calls (the lists are 3 pages each,
	 * and a page goes to the kernel and back) */
	struct ptr        *po, *pn;     /* [MAXP] */
	uint8_t           *tmp, *tmp2;  /* a block each */
	struct xn_wr      *wq;          /* [WQ_MAX] writes queued ... */
	struct buf       **wqb;         /* [WQ_MAX] ... of these buffers */
	/* the commit's list of new pointers (struct chg), kept too: a
	 * first one of 256 entries is two pages, and each commit took and
	 * gave them back (4 kernel calls and 2 to map them) */
	void              *add;
	uint32_t           capadd;
	const struct cffs_journal *jn;  /* cffs_set_journal, or NULL */
};

static int
xd_read(void *ctx, uint32_t block, void *buf)
{
	struct xdev *xd = ctx;

	return xd->dev->ops->read(xd->dev->ctx, block, 1, buf) < 0 ? -1 : 0;
}

static int
xd_write(void *ctx, uint32_t block, const void *buf)
{
	struct xdev *xd = ctx;

	if (xd->rdonly)
		return 0;       /* read-only: XN's recovery stays in memory */
	return xd->dev->ops->write(xd->dev->ctx, block, 1, buf) < 0 ? -1 : 0;
}

static int
xd_flush(void *ctx)
{
	struct xdev *xd = ctx;

	if (xd->rdonly || xd->dev->ops->flush == NULL)
		return 0;
	return xd->dev->ops->flush(xd->dev->ctx) < 0 ? -1 : 0;
}

static const struct xn_disk_ops xd_ops = { xd_read, xd_write, xd_flush };

/* dev as XN's disk of nblocks blocks, through xd. */
static void
xd_init(struct xn_disk *d, struct xdev *xd, struct cffs_bdev *dev,
        int rdonly, uint64_t nblocks)
{
	xd->dev = dev;
	xd->rdonly = rdonly;
	d->ops = &xd_ops;
	d->ctx = xd;
	d->nblocks = nblocks > XN_MAX_NBLOCKS ? XN_MAX_NBLOCKS :
	             (uint32_t)nblocks;
}

static int
xerr(int r)
{
	switch (r) {
	case 0: return 0;
	case XN_EIO: return -CFFS_EIO;
	case XN_ENOMEM: return -CFFS_ENOMEM;
	case XN_ENOSPC: return -CFFS_ENOSPC;
	case XN_EINVAL: return -CFFS_EINVAL;
	/* XN refused the change: the principal may not make it, or the
	 * change would break the ownership XN keeps (a buggy libFS) */
	case XN_EACCES: return -CFFS_EACCES;
	case XN_EPROOF:
	case XN_EINUSE:
	case XN_ETYPE:
	case XN_EFREE:
	case XN_ENOTEMPTY: return -CFFS_EPERM;
	default: return -CFFS_EUCLEAN;
	}
}

/*
 * XN's layout and root "cffs", read from the disk through XN's layout
 * calls without mounting XN (so that fsck finds the superblock on a tree
 * XN refuses; xn_mount gives the verdict).  buf: a block of scratch.
 */
static int
xnfs_layout(struct cffs_bdev *dev, uint8_t *buf, struct xn_layout *l,
            uint32_t *sbblk)
{
	struct xn_disk d;
	struct xdev xd;
	uint16_t type;
	int r;

	xd_init(&d, &xd, dev, 1, dev->nblocks);
	r = xn_layout_read(&d, buf, l);
	if (r == 0 && l->nblocks < MIN_BLOCKS)
		r = XN_ECORRUPT;
	if (r == 0)
		r = xn_layout_root(&d, l, buf, ROOT_NAME, sbblk, &type);
	return r == XN_EIO ? -CFFS_EIO : r != 0 ? -CFFS_EUCLEAN : 0;
}

/* Version 2: the superblock at XN root "cffs" must match XN's layout. */
static int
sb_check_xn(const struct dsuper *sb, uint32_t sbblk, uint32_t fstart,
            uint32_t fblocks, uint32_t dstart, uint32_t nblocks)
{
	if (sb->type != SLOT_SUPER || sb->magic != CFFS_MAGIC)
		return -CFFS_EUCLEAN;   /* XN root names no C-FFS superblock */
	if (sb->version != CFFS_VERSION_XN || sb->bsize != CFFS_BSIZE ||
	    sb->group_blocks != CFFS_GROUP)
		return -CFFS_EUCLEAN;
	if (sb->nblocks != nblocks || sb->nblocks < MIN_BLOCKS ||
	    sb->bitmap_start != fstart || sb->bitmap_blocks != fblocks ||
	    sb->data_start != dstart || sb->sb_blk != sbblk ||
	    sbblk < dstart || sbblk >= nblocks)
		return -CFFS_EUCLEAN;
	if (sb->root_ino != (uint64_t)sbblk * SLOTS_PER_BLOCK + ROOT_SLOT ||
	    sb->ifile_ino != (uint64_t)sbblk * SLOTS_PER_BLOCK + IFILE_SLOT)
		return -CFFS_EUCLEAN;
	return 0;
}

/*
 * The root directory and the inode file, looked at before XN mounts the
 * disk read-write: their mode and flags decide the types the owns-udf
 * gives their blocks, so with a damaged root XN's recovery would take the
 * whole tree for leaked blocks and free it in its map before C-FFS saw
 * the damage.
 */
static int
roots_check(const uint8_t *blk)
{
	const struct dslot *root = (const struct dslot *)(blk + SLOT_SIZE *
	                                                  ROOT_SLOT);
	const struct dslot *ifile = (const struct dslot *)(blk + SLOT_SIZE *
	                                                   IFILE_SLOT);

	if (root->type != SLOT_INODE || !is_dir(&root->ino) ||
	    ifile->type != SLOT_INODE || !is_reg(&ifile->ino) ||
	    ifile->ino.flags != IFL_SLOTS)
		return -CFFS_EUCLEAN;
	return 0;
}

/* Block 0 is XN's superblock: C-FFS's superblock at XN root "cffs".
 * Mounted (cffs_store_xn) or, for fsck (FS_RAW), read without XN
 * (cffs_store_xnraw). */
static int
xnfs_probe(struct cffs_fs *fs, uint8_t *blk, int flags)
{
	struct xn_layout l;
	int r;

	if (memcmp(blk, "XNSB", 4) != 0)
		return 1;
	fs->store = (flags & FS_RAW) ? &cffs_store_xnraw : &cffs_store_xn;
	r = xnfs_layout(fs->dev, blk, &l, &fs->sbblk);
	if (r == 0)
		r = fs->dev->ops->read(fs->dev->ctx, fs->sbblk, 1, blk) < 0 ?
		    -CFFS_EIO : 0;
	if (r == 0) {
		memcpy(&fs->sb, blk, sizeof(fs->sb));
		r = sb_check_xn(&fs->sb, fs->sbblk, l.fmap_start,
		                l.fmap_blocks, l.data_start, l.nblocks);
	}
	if (r == 0 && !(flags & FS_RAW))
		r = roots_check(blk);
	return r;
}

/* ---- the C-FFS pointer fields, as the owns-udfs see them ---- */

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

struct ptr {
	uint32_t off, blk;
	uint16_t type;
};

static uint16_t
child_type(uint16_t t)
{
	switch (t) {
	case CFFS_XN_IND_DATA: return XN_TYPE_DATA;
	case CFFS_XN_IND_SLOTS: return CFFS_XN_SLOTS;
	case CFFS_XN_DIND_DATA: return CFFS_XN_IND_DATA;
	case CFFS_XN_DIND_SLOTS: return CFFS_XN_IND_SLOTS;
	default: return 0;
	}
}

/* Pointer fields of a block of XN type t, sorted by block number. */
static int
cmpptr(const void *a, const void *b)
{
	uint32_t x = ((const struct ptr *)a)->blk;
	uint32_t y = ((const struct ptr *)b)->blk;

	return x < y ? -1 : x > y;
}

static uint32_t
ptrs(uint16_t t, const uint8_t *p, struct ptr *out)
{
	uint32_t n = 0, i, k, v;

	if (t == CFFS_XN_SLOTS) {
		for (i = 0; i < SLOTS_PER_BLOCK; i++) {
			const uint8_t *s = p + i * SLOT_SIZE;
			uint32_t mode, flags;
			bool sl;

			if (s[0] != SLOT_INODE && s[0] != SLOT_EXT)
				continue;
			mode = get32(s + 16);
			flags = get32(s + 140);
			sl = (mode & CFFS_S_IFMT) == CFFS_S_IFDIR ||
			     (flags & IFL_SLOTS);
			for (k = 0; k < NDIRECT + 2; k++) {
				v = get32(s + 80 + 4 * k);
				if (v == 0)
					continue;
				out[n].off = i * SLOT_SIZE + 80 + 4 * k;
				out[n].blk = v;
				out[n].type = k < NDIRECT ?
				    (sl ? CFFS_XN_SLOTS : XN_TYPE_DATA) :
				    k == NDIRECT ?
				    (sl ? CFFS_XN_IND_SLOTS : CFFS_XN_IND_DATA) :
				    (sl ? CFFS_XN_DIND_SLOTS : CFFS_XN_DIND_DATA);
				n++;
			}
		}
	} else if (child_type(t) != 0) {
		for (i = 0; i < NPTR; i++) {
			v = get32(p + 4 * i);
			if (v == 0)
				continue;
			out[n].off = 4 * i;
			out[n].blk = v;
			out[n].type = child_type(t);
			n++;
		}
	}
	/* pointers are mostly stored in block order: sort only if not */
	for (i = 1; i < n && out[i - 1].blk <= out[i].blk; i++)
		;
	if (i < n)
		qsort(out, n, sizeof(*out), cmpptr);
	return n;
}

static const struct ptr *
pfind(const struct ptr *v, uint32_t n, uint32_t blk)
{
	uint32_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (v[mid].blk == blk)
			return &v[mid];
		if (v[mid].blk < blk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- mount, mkfs ---- */

static bool
bit_get(const uint8_t *m, uint32_t b)
{
	return (m[b / 8] >> (b % 8)) & 1;
}

static void
bit_put(uint8_t *m, uint32_t b, bool v)
{
	if (v)
		m[b / 8] |= (uint8_t)(1u << (b % 8));
	else
		m[b / 8] &= (uint8_t)~(1u << (b % 8));
}

static bool
resv_get(const struct xnfs *xf, uint32_t b)
{
	return bit_get(xf->resv, b);
}

static void
resv_set(struct xnfs *xf, uint32_t b, bool v)
{
	bit_put(xf->resv, b, v);
}

static uint16_t
bflags(struct cffs_fs *fs, uint32_t b)
{
	struct xn_block_info bi;

	if (XC.block_info(&fs->xfs->x, b, &bi) != 0)
		return XN_BS_ALLOC;
	return bi.flags;
}

static int
xnfs_open(struct cffs_bdev *dev, int rdonly, uint32_t nblocks,
          struct xnfs **out, struct xn_mount_report *rep)
{
	struct xnfs *xf = calloc(1, sizeof(*xf));
	size_t len;
	int r;

	if (xf == NULL)
		return -CFFS_ENOMEM;
	xf->rdonly = rdonly;
	xd_init(&xf->disk, &xf->xd, dev, rdonly, nblocks);
	len = XC.arena_size(nblocks, 4096 + 256);
	xf->arena = len ? malloc(len) : NULL;
	xf->resv = calloc(nblocks / 8 + 1, 1);
	xf->tofree = calloc(nblocks / 8 + 1, 1);
	xf->movesrc = calloc(nblocks / 8 + 1, 1);
	xf->po = malloc(MAXP * sizeof(*xf->po));
	xf->pn = malloc(MAXP * sizeof(*xf->pn));
	xf->tmp = malloc(CFFS_BSIZE);
	xf->tmp2 = malloc(CFFS_BSIZE);
	xf->wq = malloc(WQ_MAX * sizeof(*xf->wq));
	xf->wqb = malloc(WQ_MAX * sizeof(*xf->wqb));
	if (xf->wq == NULL || xf->wqb == NULL ||
	    xf->arena == NULL || xf->resv == NULL || xf->tofree == NULL ||
	    xf->movesrc == NULL || xf->po == NULL || xf->pn == NULL ||
	    xf->tmp == NULL || xf->tmp2 == NULL) {
		xnfs_close(xf);
		return -CFFS_ENOMEM;
	}
	r = XC.mount(&xf->x, &xf->disk, xf->arena, len, 4096 + 256, rep);
	if (r != 0) {
		xnfs_close(xf);
		return xerr(r);
	}
	*out = xf;
	return 0;
}

static void
xnfs_close(struct xnfs *xf)
{
	free(xf->arena);
	free(xf->resv);
	free(xf->tofree);
	free(xf->movesrc);
	free(xf->po);
	free(xf->pn);
	free(xf->tmp);
	free(xf->tmp2);
	free(xf->wq);
	free(xf->wqb);
	free(xf->add);
	free(xf);
}

int
xnfs_mkfs(struct cffs_bdev *dev, uint64_t nblocks)
{
	struct cffs_time now = { 0, 0 };
	struct xn_mount_report rep;
	struct xn_disk d;
	struct xn_layout l;
	struct xdev xd;
	struct xnfs *xf;
	uint8_t *blk;
	uint32_t sbblk;
	int r;

	if (nblocks > dev->nblocks || nblocks < MIN_BLOCKS ||
	    nblocks > XN_MAX_NBLOCKS)
		return -CFFS_EINVAL;
	if (dev->ops->now != NULL)
		dev->ops->now(dev->ctx, &now);
	blk = calloc(1, CFFS_BSIZE);
	if (blk == NULL)
		return -CFFS_ENOMEM;
	xd_init(&d, &xd, dev, 0, nblocks);
	r = xerr(XC.format(&d, (uint32_t)nblocks, blk));
	if (r == 0)
		r = xnfs_open(dev, 0, (uint32_t)nblocks, &xf, &rep);
	if (r < 0) {
		free(blk);
		return r;
	}
	r = cffs_xn_register(&xf->x, CFFS_PRINCIPAL_DEFAULT);
	if (r == 0)
		r = XC.layout(&xf->x, &l);
	if (r == 0) {
		/* the superblock's block: the first of the data area */
		sbblk = l.data_start;
		mkfs_rootblock(blk, CFFS_VERSION_XN, (uint32_t)nblocks,
		               l.fmap_start, l.fmap_blocks, l.data_start, sbblk,
		               &now);
		r = XC.root_install(&xf->x, CFFS_PRINCIPAL_DEFAULT, ROOT_NAME,
		                    CFFS_XN_SLOTS, sbblk, blk);
	}
	if (r == 0)
		r = XC.unmount(&xf->x);
	xnfs_close(xf);
	free(blk);
	return xerr(r);
}

static int
xnfs_mount(struct cffs_fs *fs, uint32_t principal)
{
	struct xn_mount_report rep;
	uint32_t b, nfree = 0, rb;
	uint16_t type, t;
	int r, i;
	static const char *const names[] = {
		"cffs-slots", "cffs-ind-data", "cffs-ind-slots",
		"cffs-dind-data", "cffs-dind-slots",
	};

	r = xnfs_open(fs->dev, fs->rdonly, fs->sb.nblocks, &fs->xfs, &rep);
	if (r < 0)
		return r;
	fs->xfs->pr = principal;
	for (i = 0; i < CFFS_XN_NTEMPLATES; i++)
		if (XC.template_find(&fs->xfs->x, names[i], &t) != 0 ||
		    t != CFFS_XN_SLOTS + i)
			return -CFFS_EUCLEAN;
	if (XC.root_lookup(&fs->xfs->x, ROOT_NAME, &rb, &type) != 0 ||
	    rb != fs->sbblk || type != CFFS_XN_SLOTS)
		return -CFFS_EUCLEAN;
	for (b = fs->sb.data_start; b < fs->sb.nblocks; b++)
		nfree += bflags(fs, b) == 0;
	fs->sb.free_blocks = nfree;
	return 0;
}

/* The free count from XN's state (another mount may have changed it). */
static void
xnfs_recount(struct cffs_fs *fs)
{
	uint32_t b, nfree = 0;

	for (b = fs->sb.data_start; b < fs->sb.nblocks; b++)
		nfree += bflags(fs, b) == 0;
	fs->sb.free_blocks = nfree;
}

/* Changes not committed are forgotten: no reservations, frees or
 * moves pending in C-FFS (XN's own state keeps what it accepted). */
static void
xnfs_discard(struct cffs_fs *fs)
{
	size_t n = fs->sb.nblocks / 8 + 1;

	memset(fs->xfs->resv, 0, n);
	memset(fs->xfs->tofree, 0, n);
	memset(fs->xfs->movesrc, 0, n);
	fs->xfs->wb_held = 0;
}

/*
 * fsck's first look at an XN layout: XN's own mount, read-only (its
 * recovery's writes are discarded), so that XN's invariants (superblock,
 * templates, root table, a tree with one parent per block and no pointer
 * outside the data area) are checked by XN itself.  -CFFS_EUCLEAN when
 * XN refuses the disk (XN_ECORRUPT); leaks are only reported, fsck's own
 * pass repairs the free map.
 */
int
xnfs_check(struct cffs_bdev *dev, cffs_report_fn report, void *arg,
           int repair)
{
	struct xn_mount_report rep;
	struct xn_layout l;
	struct xnfs *xf;
	uint8_t *b0;
	uint32_t sb;
	int r;

	(void)repair;
	b0 = malloc(CFFS_BSIZE);
	if (b0 == NULL)
		return -CFFS_ENOMEM;
	r = xnfs_layout(dev, b0, &l, &sb);
	free(b0);
	if (r < 0)
		return r;
	r = xnfs_open(dev, 1, l.nblocks, &xf, &rep);
	if (r == -CFFS_EUCLEAN) {
		if (report != NULL)
			report(arg, "XN refuses the disk (XN_ECORRUPT): its "
			       "area or the block tree is corrupt");
		return r;
	}
	if (r < 0)
		return r;
	if (rep.leaked != 0 && report != NULL)
		report(arg, "XN: blocks marked used but unreachable "
		       "(a crash; freed by XN's recovery at mount)");
	xnfs_close(xf);
	return 0;
}

static void
xnfs_fini(struct cffs_fs *fs)
{
	if (fs->xfs != NULL)
		xnfs_close(fs->xfs);
	fs->xfs = NULL;
}

static int
xnfs_unmount(struct cffs_fs *fs)
{
	if (fs->rdonly)
		return 0;
	return xerr(XC.unmount(&fs->xfs->x));
}

static int
xnfs_sync_map(struct cffs_fs *fs)
{
	return xerr(XC.sync(&fs->xfs->x));
}

/* ---- allocation ---- */

/* Not free: allocated (or being freed) in XN, or reserved by us. */
static bool
xnfs_taken(struct cffs_fs *fs, uint32_t b)
{
	return bflags(fs, b) != 0 || resv_get(fs->xfs, b);
}

static int
xscan(struct cffs_fs *fs, uint32_t from, uint32_t to, uint32_t *out)
{
	uint32_t b;

	for (b = from; b < to; b++)
		if (!xnfs_taken(fs, b)) {
			*out = b;
			return 0;
		}
	return -CFFS_ENOSPC;
}

static int
xpick(struct cffs_fs *fs, uint32_t hint, bool grouped, uint32_t *out)
{
	uint32_t lo = fs->sb.data_start, hi = fs->sb.nblocks;
	int r;

	if (grouped) {
		hint -= hint % CFFS_GROUP;
		if (hint >= hi)
			return -CFFS_ENOSPC;
		return xscan(fs, hint < lo ? lo : hint,
		             hint + CFFS_GROUP < hi ? hint + CFFS_GROUP : hi,
		             out);
	}
	if (hint < lo || hint >= hi)
		hint = fs->alloc_hint < lo ? lo : fs->alloc_hint;
	r = xscan(fs, hint, hi, out);
	if (r == -CFFS_ENOSPC)
		r = xscan(fs, lo, hint, out);
	if (r == 0)
		fs->alloc_hint = *out + 1;
	return r;
}

static int
xnfs_balloc(struct cffs_fs *fs, uint32_t hint, bool grouped, uint32_t *out)
{
	int r = xpick(fs, hint, grouped, out);

	if (r == -CFFS_ENOSPC && !grouped && !fs->xfs->busy) {
		/* freed blocks come back once their parents are on disk */
		cache_precommit(fs);
		r = xnfs_flush(fs, 0);
		if (r < 0)
			return r;
		r = xpick(fs, hint, grouped, out);
	}
	if (r < 0)
		return r;
	resv_set(fs->xfs, *out, true);
	fs->sb.free_blocks--;
	return 0;
}

static int
xnfs_bfree(struct cffs_fs *fs, uint32_t blk)
{
	if (resv_get(fs->xfs, blk)) {
		/* never claimed: nothing to tell XN */
		resv_set(fs->xfs, blk, false);
		cache_forget(fs, blk);
	} else if (!(bflags(fs, blk) & XN_BS_ALLOC) ||
	           (bflags(fs, blk) & XN_BS_FREEING) ||
	           bit_get(fs->xfs->tofree, blk)) {
		return -CFFS_EUCLEAN;   /* double free: corrupt metadata */
	} else {
		/* the commit of the parent frees it (xn_free); a pointer
		 * that vanishes without this is a move */
		bit_put(fs->xfs->tofree, blk, true);
	}
	fs->sb.free_blocks++;
	return 0;
}

static int
xnfs_group_new(struct cffs_fs *fs, uint32_t near, uint32_t *group)
{
	uint32_t ngroups = fs->sb.nblocks / CFFS_GROUP, start, i, g, k, blk;
	int r;

	start = near / CFFS_GROUP;
	if (start >= ngroups)
		start = 0;
	for (i = 0; i < ngroups; i++) {
		g = ((start + i) % ngroups) * CFFS_GROUP;
		if (g < fs->sb.data_start)
			continue;
		for (k = 0; k < CFFS_GROUP && !xnfs_taken(fs, g + k); k++)
			;
		if (k == CFFS_GROUP) {
			*group = g;
			return 0;
		}
	}
	r = xscan(fs, fs->sb.data_start, fs->sb.nblocks, &blk);
	if (r < 0)
		return r;
	*group = blk - blk % CFFS_GROUP;
	return 0;
}

/* ---- the registry ---- */

/*
 * XN's registry already holds blk for someone else: another mount that
 * shares the disk and died between its commit and its release
 * (cffs_release).  Mounts that share a disk take turns (the caller's
 * lock, docs/CFFS.md "Several processes"), so an entry found now is
 * stale: write it back if it is dirty (what XN accepted stands) and
 * evict it.  0 if blk may be inserted again.
 */
static int
takeover(struct cffs_fs *fs, uint32_t blk)
{
	struct xn_bc_info bi;
	int r;

	if (XC.bc_lookup(&fs->xfs->x, blk, &bi) != 0)
		return 0;
	if (bi.page != NULL)
		return XN_EEXIST;       /* our own entry */
	if (bi.state != XN_BC_CLEAN) {
		cache_prefetch_drop(fs);
		r = XC.writeback(&fs->xfs->x, blk);
		if (r != 0)
			return r;
	}
	return XC.bc_evict(&fs->xfs->x, fs->xfs->pr, blk);
}

/*
 * b's registry entry, if b has one, is still ours: another mount that
 * shares the disk may have taken it over (written it back and evicted
 * it; the write-back of a process, libexos/posix/fsroot.c).  If not,
 * b's page goes, and b is registered again when it is committed.
 */
static bool
still_ours(struct cffs_fs *fs, struct buf *b)
{
	struct xn_bc_info bi;

	if (b->xpage == NULL)
		return false;
	if (XC.bc_lookup(&fs->xfs->x, b->blk, &bi) == 0 &&
	    bi.page == b->xpage)
		return true;
	free(b->xpage);
	b->xpage = NULL;
	return false;
}

/* Register b's block with XN (reads it, or zero-fills a fresh block). */
static int
reg(struct cffs_fs *fs, struct buf *b)
{
	int r;

	if (still_ours(fs, b))
		return 0;
	b->xpage = malloc(CFFS_BSIZE);
	if (b->xpage == NULL)
		return -CFFS_ENOMEM;
	r = XC.bc_insert(&fs->xfs->x, fs->xfs->pr, b->blk, b->xpage);
	if (r == XN_EEXIST && takeover(fs, b->blk) == 0)
		r = XC.bc_insert(&fs->xfs->x, fs->xfs->pr, b->blk, b->xpage);
	if (r != 0) {
		free(b->xpage);
		b->xpage = NULL;
		return xerr(r);
	}
	return 0;
}

/*
 * Register the blocks of v[0..n) not registered yet, in one batch: XN
 * reads the ones on disk with merged requests (xn_bc_insert_many).  The
 * ones that went in stay registered when others fail; the first error.
 */
static int
reg_many(struct cffs_fs *fs, struct buf **v, uint32_t n)
{
	uint32_t *blk, *who, i, k = 0;
	void **pg;
	int *res, r = 0;

	blk = malloc(n * sizeof(*blk) + 1);
	who = malloc(n * sizeof(*who) + 1);
	pg = malloc(n * sizeof(*pg) + 1);
	res = malloc(n * sizeof(*res) + 1);
	if (blk == NULL || who == NULL || pg == NULL || res == NULL) {
		r = -CFFS_ENOMEM;
		goto out;
	}
	for (i = 0; i < n && r == 0; i++) {
		if (still_ours(fs, v[i]))
			continue;
		if ((pg[k] = malloc(CFFS_BSIZE)) == NULL) {
			r = -CFFS_ENOMEM;
			break;
		}
		blk[k] = v[i]->blk;
		who[k++] = i;
	}
	if (k > 0 && r == 0) {
		r = XC.bc_insert_many(&fs->xfs->x, fs->xfs->pr, blk, pg, k,
		                      res);
		r = r < 0 ? xerr(r) : 0;
		for (i = 0; i < k && r == 0; i++)
			if (res[i] == XN_EEXIST && takeover(fs, blk[i]) == 0)
				res[i] = XC.bc_insert(&fs->xfs->x,
				                      fs->xfs->pr, blk[i], pg[i]);
		for (i = 0; i < k && r == 0; i++)
			if (res[i] == 0) {
				v[who[i]]->xpage = pg[i];
				pg[i] = NULL;
			}
		for (i = 0; i < k && r == 0; i++)
			if (res[i] != 0)
				r = xerr(res[i]);
	}
	for (i = 0; i < k; i++)
		free(pg[i]);
out:
	free(blk);
	free(who);
	free(pg);
	free(res);
	return r;
}

/* XN dropped the entry (the block was freed): forget the page. */
static void
xnfs_drop(struct cffs_fs *fs, struct buf *b)
{
	(void)fs;
	free(b->xpage);
	b->xpage = NULL;
	b->dirty = false;
}

static int
xnfs_evict(struct cffs_fs *fs, struct buf *b)
{
	struct xn_bc_info bi;
	int r;

	if (b->xpage == NULL)
		return 0;
	if (XC.bc_lookup(&fs->xfs->x, b->blk, &bi) != 0 ||
	    bi.page != b->xpage) {
		xnfs_drop(fs, b);       /* gone, or taken over: not ours */
		return 0;
	}
	if (bi.state == XN_BC_DIRTY) {
		cache_prefetch_drop(fs);
		r = XC.writeback(&fs->xfs->x, b->blk);
		if (r == XN_EIO) {
			/* The disk cannot write it (a bad sector): the
			 * entry stays in XN's registry, dirty, with this
			 * page, for the next write-back of anyone to retry
			 * (libexos/posix/fsroot.c); readers get its bytes
			 * from XN.  The buffer lets go of the page without
			 * freeing it (XN's entry uses it: one page lost per
			 * such block), so that the rest of the cache can
			 * still be released and the mount goes on. */
			b->xpage = NULL;
			b->dirty = false;
			return 0;
		}
		if (r != 0)
			return xerr(r);
	}
	r = XC.bc_evict(&fs->xfs->x, fs->xfs->pr, b->blk);
	if (r != 0)
		return xerr(r);
	xnfs_drop(fs, b);
	return 0;
}

/*
 * b is to go and XN holds it clean: evict it from XN's registry and, in
 * the same call (xn_bc_evict_many: one kernel call in the guest), the
 * next such buffers getfree would take, from the LRU end: unpinned,
 * clean, registered by us, clean in XN.  A write larger than the cache
 * pushes every block it made out again, one call each otherwise.  The
 * others stay cached, unregistered (as after cffs_release).  0 if b
 * went.
 */
#define EV_MAX  64u
#define EV_SCAN 256u

static int
evict_batch(struct cffs_fs *fs, struct buf *b)
{
	struct buf *v[EV_MAX], *o;
	struct xn_bc_info bi;
	uint32_t blk[EV_MAX], n = 0, i, seen = 0;
	int res[EV_MAX], r;

	v[n++] = b;
	for (o = fs->cache.lru.lprev; o != &fs->cache.lru && n < EV_MAX &&
	     seen < EV_SCAN; o = o->lprev, seen++) {
		if (o == b || o->pins != 0 || o->dirty || o->xpage == NULL ||
		    XC.bc_lookup(&fs->xfs->x, o->blk, &bi) != 0 ||
		    bi.page != o->xpage || bi.state != XN_BC_CLEAN)
			continue;
		v[n++] = o;
	}
	for (i = 0; i < n; i++)
		blk[i] = v[i]->blk;
	r = XC.bc_evict_many(&fs->xfs->x, fs->xfs->pr, blk, n, res);
	if (r < 0)
		return xerr(r);
	for (i = 0; i < n; i++)
		if (res[i] == 0)
			xnfs_drop(fs, v[i]);
	return res[0] == 0 ? 0 : xerr(res[0]);
}

/* ---- commit ---- */

struct chg {                    /* a pointer that appears or vanishes */
	uint32_t    blk;
	struct buf *b;          /* the block that holds (held) it */
	uint16_t    type;
};

static int
cmpchg(const void *a, const void *b)
{
	uint32_t x = ((const struct chg *)a)->blk;
	uint32_t y = ((const struct chg *)b)->blk;

	return x < y ? -1 : x > y;
}

static const struct chg *
cfind(const struct chg *v, uint32_t n, uint32_t blk)
{
	uint32_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (v[mid].blk == blk)
			return &v[mid];
		if (v[mid].blk < blk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct ctx {
	struct cffs_fs *fs;
	struct ptr     *po, *pn;    /* [MAXP] */
	uint8_t        *tmp;        /* a block */
	struct chg     *add;        /* pointers that appear, sorted */
	uint32_t        nadd, capadd;
	int             eorder;
	uint32_t        nwq;        /* writes queued (xf->wq, xf->wqb) */
};

static uint16_t
btype(struct cffs_fs *fs, uint32_t b)
{
	struct xn_block_info bi;

	if (XC.block_info(&fs->xfs->x, b, &bi) != 0)
		return 0;
	return bi.type;
}

static int
push(struct chg **v, uint32_t *n, uint32_t *cap, uint32_t blk,
     struct buf *b, uint16_t type)
{
	if (*n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 256;
		struct chg *p = realloc(*v, nc * sizeof(**v));

		if (p == NULL)
			return -CFFS_ENOMEM;
		*v = p;
		*cap = nc;
	}
	(*v)[*n].blk = blk;
	(*v)[*n].b = b;
	(*v)[*n].type = type;
	(*n)++;
	return 0;
}

/* Sort c->add by block if anything was pushed since the last sort. */
static void
add_sort(struct ctx *c, uint32_t *sorted)
{
	uint32_t i;

	if (c->nadd == *sorted)
		return;
	for (i = 1; i < c->nadd && c->add[i - 1].blk <= c->add[i].blk; i++)
		;
	if (i < c->nadd)
		qsort(c->add, c->nadd, sizeof(*c->add), cmpchg);
	*sorted = c->nadd;
}

/* Smallest range where a and b differ; false if equal.  Compares eight
 * bytes at a time (blocks are 8-byte aligned), then narrows to bytes. */
static bool
drange(const uint8_t *a, const uint8_t *b, uint32_t *off, uint32_t *len)
{
	uint32_t lo = 0, hi = CFFS_BSIZE;
	uint64_t x, y;

	for (; lo < hi; lo += 8) {
		__builtin_memcpy(&x, a + lo, 8);
		__builtin_memcpy(&y, b + lo, 8);
		if (x != y)
			break;
	}
	if (lo == hi)
		return false;
	for (; hi > lo; hi -= 8) {
		__builtin_memcpy(&x, a + hi - 8, 8);
		__builtin_memcpy(&y, b + hi - 8, 8);
		if (x != y)
			break;
	}
	while (a[lo] == b[lo])
		lo++;
	while (a[hi - 1] == b[hi - 1])
		hi--;
	*off = lo;
	*len = hi - lo;
	return true;
}

static void
put0(uint8_t *p, uint32_t off)
{
	memset(p + off, 0, 4);
}

/* xpage with the fields of blocks in set (sorted chg) zeroed. */
static void
shrink(struct ctx *c, struct buf *b, uint16_t t, const uint32_t *set,
       uint32_t n)
{
	uint32_t i, no = ptrs(t, b->xpage, c->po);
	const struct ptr *p;

	memcpy(c->tmp, b->xpage, CFFS_BSIZE);
	for (i = 0; i < n; i++)
		if ((p = pfind(c->po, no, set[i])) != NULL)
			put0(c->tmp, p->off);
}

/* data with the fields of new blocks not in keep[] zeroed (blocks XN
 * already has for this block stay). */
static void
grow(struct ctx *c, struct buf *b, uint16_t t, const uint32_t *keep,
     uint32_t nk, uint32_t *tmpn)
{
	uint32_t i, j, no = ptrs(t, b->xpage, c->po);
	uint32_t nn = ptrs(t, b->data, c->pn);

	memcpy(c->tmp, b->data, CFFS_BSIZE);
	for (i = 0; i < nn; i++) {
		if (pfind(c->po, no, c->pn[i].blk) != NULL)
			continue;
		for (j = 0; j < nk && keep[j] != c->pn[i].blk; j++)
			;
		if (j == nk)
			put0(c->tmp, c->pn[i].off);
	}
	*tmpn = nn;
}

/* New pointers of b to blocks XN has free (others are still moving or
 * being freed), into set/cl; the count. */
static uint32_t
newclaims(struct ctx *c, uint32_t no, uint32_t nn, uint32_t *set,
          struct xn_claim *cl)
{
	uint32_t i, n = 0;

	for (i = 0; i < nn && n < XN_MAX_CLAIMS; i++) {
		if (pfind(c->po, no, c->pn[i].blk) != NULL)
			continue;
		if (c->pn[i].blk >= c->fs->sb.nblocks ||
		    bflags(c->fs, c->pn[i].blk) != 0)
			continue;
		cl[n].block = c->pn[i].blk;
		cl[n].type = c->pn[i].type;
		set[n++] = c->pn[i].blk;
	}
	return n;
}

/*
 * b still holds (in XN's page) pointers that are to move to a block not
 * claimed yet, and that block's claim may be in b itself (a directory
 * growing by a block while a file moves into that block from a sibling
 * entry of the same block).  Claim the new blocks with a change of just
 * their pointer fields; XN refuses it if that alone does not prove the
 * claim, and b waits.
 */
static int
narrow_alloc(struct ctx *c, struct buf *b, uint16_t t)
{
	struct cffs_fs *fs = c->fs;
	struct xn_claim cl[XN_MAX_CLAIMS];
	uint32_t set[XN_MAX_CLAIMS], no, nn, n, i, off, len;
	const struct ptr *p;
	int r;

	no = ptrs(t, b->xpage, c->po);
	nn = ptrs(t, b->data, c->pn);
	n = newclaims(c, no, nn, set, cl);
	if (n == 0)
		return 0;
	memcpy(c->tmp, b->xpage, CFFS_BSIZE);
	for (i = 0; i < n; i++) {
		p = pfind(c->pn, nn, set[i]);
		memcpy(c->tmp + p->off, b->data + p->off, 4);
	}
	if (!drange(b->xpage, c->tmp, &off, &len))
		return 0;
	if ((r = wflush(c)) < 0)
		return r;
	r = XC.alloc(&fs->xfs->x, fs->xfs->pr, b->blk, off, len, c->tmp + off,
	             cl, n);
	if (r != 0)
		return 0;
	for (i = 0; i < n; i++)
		resv_set(fs->xfs, set[i], false);
	return 1;
}

/*
 * The bytes of a write XN refused because the parent that decides it is
 * not registered (data and fresh blocks are decided by their parent's
 * acl-uf): register the parent, write again.
 */
static int
write_parent(struct ctx *c, const struct xn_wr *w)
{
	struct cffs_fs *fs = c->fs;
	struct xn *x = &fs->xfs->x;
	struct xn_block_info bi;
	struct buf *pb;
	int r;

	if (XC.block_info(x, w->block, &bi) != 0 ||
	    bi.parent >= fs->sb.nblocks)
		return -CFFS_EUCLEAN;
	r = bget(fs, bi.parent, 0, &pb);
	if (r < 0)
		return r;
	r = reg(fs, pb);
	if (r == 0)
		r = xerr(XC.write(x, fs->xfs->pr, w->block, w->off, w->len,
		                  w->bytes));
	bput(pb);
	return r;
}

/*
 * Send the writes step 4 queued, in one xn_write_many (one kernel call
 * for up to XOK_XN_WR_MAX blocks in the guest): a call's new data
 * blocks and its inode's block go together.  The queue holds pointers
 * into the buffers' data, which nothing changes during a commit, and
 * the buffers stay dirty (so no eviction takes them) until their write
 * is in.  Sent before any other change, so XN sees the calls in the
 * order they were made.
 */
static int
wflush(struct ctx *c)
{
	struct cffs_fs *fs = c->fs;
	struct xnfs *xf = fs->xfs;
	uint32_t i = 0, k, done;
	int r = 0;

	while (i < c->nwq) {
		done = 0;
		r = XC.write_many(&xf->x, xf->pr, xf->wq + i, c->nwq - i,
		                  &done);
		for (k = 0; k < done && i + k < c->nwq; k++)
			xf->wqb[i + k]->dirty = false;
		i += done;
		if (r == 0 || i >= c->nwq)
			break;
		if (r != XN_ENOTCACHED) {
			r = xerr(r);
			break;
		}
		if ((r = write_parent(c, &xf->wq[i])) < 0)
			break;
		xf->wqb[i++]->dirty = false;
	}
	c->nwq = 0;
	return r;
}

/* Queue the write of b's bytes [off, off + len); 1 (progress) or <0. */
static int
wqueue(struct ctx *c, struct buf *b, uint32_t off, uint32_t len)
{
	struct xnfs *xf = c->fs->xfs;
	int r;

	if (c->nwq == WQ_MAX && (r = wflush(c)) < 0)
		return r;
	xf->wq[c->nwq].block = b->blk;
	xf->wq[c->nwq].off = off;
	xf->wq[c->nwq].len = len;
	xf->wq[c->nwq].bytes = b->data + off;
	xf->wqb[c->nwq++] = b;
	return 1;
}

/* One step on dirty block b; >0 progress, 0 nothing to do now, <0 error. */
static int
step(struct ctx *c, struct buf *b)
{
	struct cffs_fs *fs = c->fs;
	struct xn *x = &fs->xfs->x;
	uint32_t pr = fs->xfs->pr;
	uint16_t t = btype(fs, b->blk);
	uint32_t no, nn, i, n, off, len, off2, len2, set[XN_MAX_CLAIMS];
	struct xn_claim cl[XN_MAX_CLAIMS];
	const struct chg *ch;
	struct buf *to = NULL;
	uint16_t tt;
	uint32_t dummy;
	int r;
	bool dead;

	no = ptrs(t, b->xpage, c->po);
	nn = ptrs(t, b->data, c->pn);
	/* 1: frees, of blocks that own nothing any more */
	n = 0;
	for (i = 0; i < no && n < XN_MAX_CLAIMS; i++) {
		struct xn_block_info bi;

		if (pfind(c->pn, nn, c->po[i].blk) != NULL ||
		    !bit_get(fs->xfs->tofree, c->po[i].blk))
			continue;       /* kept, or moving elsewhere */
		if (XC.block_info(x, c->po[i].blk, &bi) != 0 || bi.nchild != 0)
			continue;
		cl[n].block = c->po[i].blk;
		cl[n].type = c->po[i].type;
		set[n++] = c->po[i].blk;
	}
	if (n > 0) {
		/*
		 * When b only loses pointers, and loses exactly these, the
		 * free carries all of b's changes (one proof instead of a
		 * free and then a write); otherwise just the freed fields.
		 */
		for (i = 0; i < nn && pfind(c->po, no, c->pn[i].blk) != NULL;
		     i++)
			;
		if (i == nn && nn + n == no)
			memcpy(c->tmp, b->data, CFFS_BSIZE);
		else
			shrink(c, b, t, set, n);
		if (!drange(b->xpage, c->tmp, &off, &len))
			return -CFFS_EUCLEAN;
		if ((r = wflush(c)) < 0)
			return r;
		r = XC.free(x, pr, b->blk, off, len, c->tmp + off, cl, n);
		if (r != 0)
			return r == XN_ENOTEMPTY || r == XN_EBUSY ? 0 : xerr(r);
		for (i = 0; i < n; i++) {
			struct buf *fb = cache_lookup(&fs->cache, set[i]);

			bit_put(fs->xfs->tofree, set[i], false);
			if (fb != NULL)
				xnfs_drop(fs, fb);
		}
		return 1;
	}
	/* 2: moves out of b, grouped by the block that gains them */
	n = 0;
	for (i = 0; i < no; i++) {
		if (pfind(c->pn, nn, c->po[i].blk) != NULL ||
		    bit_get(fs->xfs->tofree, c->po[i].blk))
			continue;
		ch = cfind(c->add, c->nadd, c->po[i].blk);
		if (ch == NULL || (to != NULL && ch->b != to) ||
		    n == XN_MAX_CLAIMS || ch->b->xpage == NULL ||
		    btype(fs, ch->b->blk) == 0)
			continue;       /* the gaining block is not claimed yet */
		to = ch->b;
		cl[n].block = c->po[i].blk;
		cl[n].type = c->po[i].type;
		set[n++] = c->po[i].blk;
	}
	if (n > 0) {
		uint8_t *from;
		uint32_t tno, tnn, k;

		tt = btype(fs, to->blk);
		/* the gaining block must have let go of what it loses */
		tno = ptrs(tt, to->xpage, c->po);
		tnn = ptrs(tt, to->data, c->pn);
		for (k = 0; k < tno; k++)
			if (pfind(c->pn, tnn, c->po[k].blk) == NULL)
				goto narrow;
		shrink(c, b, t, set, n);
		from = c->fs->xfs->tmp2;
		memcpy(from, c->tmp, CFFS_BSIZE);
		grow(c, to, tt, set, n, &dummy);
		if (!drange(b->xpage, from, &off, &len) ||
		    !drange(to->xpage, c->tmp, &off2, &len2))
			return -CFFS_EUCLEAN;
		if ((r = wflush(c)) < 0)
			return r;
		r = XC.move(x, pr, b->blk, off, len, from + off, to->blk, off2,
		            len2, c->tmp + off2, cl, n);
		if (r == XN_EORDER) {
			c->eorder = 1;
			return 0;
		}
		if (r == XN_ENOTCACHED || r == XN_EBUSY)
			return 0;
		if (r == 0)
			bit_put(fs->xfs->movesrc, b->blk, true);
		return r != 0 ? xerr(r) : 1;
	}
narrow:
	no = ptrs(t, b->xpage, c->po);
	nn = ptrs(t, b->data, c->pn);
	dead = bit_get(fs->xfs->tofree, b->blk);
	if (dead)
		return 0;       /* about to be freed: its bytes do not matter */
	/* while pointers b lost are still to move out, only allocations
	 * that change just the pointer fields (a block b gains) can go */
	for (i = 0; i < no; i++)
		if (pfind(c->pn, nn, c->po[i].blk) == NULL)
			return narrow_alloc(c, b, t);
	/* 3: allocations, of blocks free in XN (others are still moving) */
	n = newclaims(c, no, nn, set, cl);
	if (n > 0) {
		grow(c, b, t, set, n, &dummy);
		if (!drange(b->xpage, c->tmp, &off, &len))
			return -CFFS_EUCLEAN;
		if ((r = wflush(c)) < 0)
			return r;
		r = XC.alloc(x, pr, b->blk, off, len, c->tmp + off, cl, n);
		if (r != 0)
			return xerr(r);
		for (i = 0; i < n; i++)
			resv_set(fs->xfs, set[i], false);
		return 1;
	}
	if (nn != no)
		return 0;       /* a block still on its way in */
	/* 4: the rest of the bytes */
	if (!drange(b->xpage, b->data, &off, &len)) {
		b->dirty = false;
		return 1;
	}
	return wqueue(c, b, off, len);
}

/*
 * Write back every dirty registered block, children first: one
 * xn_writeback_many per pass, which writes in waves with one flush each
 * (XN orders them; what it holds back, XN_EORDER, is left dirty).  A
 * block that lost a moved pointer is written as late as possible (pass 0
 * leaves it), so that the block gaining the pointer, which XN holds back
 * until then, follows it closely: a crash between the two writes loses
 * the moved file (docs/CFFS.md, "Crashes").
 */
static int
writeback_all(struct cffs_fs *fs)
{
	struct cache *cc = &fs->cache;
	struct xn_bc_info bi;
	struct buf *b;
	uint32_t *l, n, cap = 0, done;
	int r = 0, pass, pending = 0;

	fs->xfs->wb_held = 0;
	cache_prefetch_drop(fs);
	for (b = cc->lru.lnext; b != &cc->lru; b = b->lnext)
		cap += b->xpage != NULL;
	if (cap == 0)
		return 0;
	l = malloc(cap * sizeof(*l));
	if (l == NULL)
		return -CFFS_ENOMEM;
	for (pass = 0; pass < 2; pass++) {
		n = 0;
		for (b = cc->lru.lnext; b != &cc->lru && n < cap;
		     b = b->lnext) {
			if (b->xpage == NULL ||
			    XC.bc_lookup(&fs->xfs->x, b->blk, &bi) != 0 ||
			    bi.state != XN_BC_DIRTY)
				continue;
			if (pass == 0 && bit_get(fs->xfs->movesrc, b->blk))
				continue;
			l[n++] = b->blk;
		}
		if (n == 0)
			continue;
		r = XC.writeback_many(&fs->xfs->x, l, n, &done);
		if (r != 0 && r != XN_EORDER) {
			free(l);
			return xerr(r);
		}
	}
	free(l);
	for (b = cc->lru.lnext; b != &cc->lru; b = b->lnext) {
		if (b->xpage == NULL ||
		    XC.bc_lookup(&fs->xfs->x, b->blk, &bi) != 0)
			continue;
		if (bi.state == XN_BC_DIRTY)
			pending++;
		else
			bit_put(fs->xfs->movesrc, b->blk, false);
	}
	fs->xfs->wb_held = pending;
	return pending ? -CFFS_EUCLEAN : 0;
}

/* The journal's entry for dirty block b of XN type t. */
static void
jadd(struct cffs_jent *jv, uint32_t *nj, const struct buf *b, uint16_t t)
{
	jv[*nj].blk = b->blk;
	jv[*nj].type = t;
	jv[*nj].img = b->data;
	(*nj)++;
}

static int
commit(struct cffs_fs *fs)
{
	struct cache *cc = &fs->cache;
	struct ctx c;
	struct buf *b, **v = NULL, **u = NULL;
	struct cffs_jent *jv = NULL;
	uint32_t n, nu, i, k, no, nn, sorted, nj = 0;
	const struct chg *ch;
	const struct cffs_journal *jn = fs->xfs->jn;
	int r = 0, progress, round, more, journaled = 0;
	uint16_t t;

	memset(&c, 0, sizeof(c));
	c.fs = fs;
	c.po = fs->xfs->po;
	c.pn = fs->xfs->pn;
	c.tmp = fs->xfs->tmp;
	c.add = fs->xfs->add;
	c.capadd = fs->xfs->capadd;
	for (round = 0;; round++) {
		n = 0;
		for (b = cc->lru.lnext; b != &cc->lru; b = b->lnext)
			n += b->dirty;
		if (n == 0)
			break;
		free(v);
		free(u);
		v = malloc(n * sizeof(*v));
		u = malloc(n * sizeof(*u));
		if (v == NULL || u == NULL) {
			r = -CFFS_ENOMEM;
			goto out;
		}
		n = nu = 0;
		c.nadd = 0;
		c.eorder = 0;
		for (b = cc->lru.lnext; b != &cc->lru; b = b->lnext) {
			uint16_t f;

			if (!b->dirty)
				continue;
			f = bflags(fs, b->blk);
			if (!(f & XN_BS_ALLOC)) {
				if (!resv_get(fs->xfs, b->blk))
					b->dirty = false;   /* freed: dead */
				else
					u[nu++] = b;    /* not claimed yet */
				continue;
			}
			if (f & XN_BS_FREEING) {
				b->dirty = false;       /* freed already */
				continue;
			}
			v[n++] = b;
		}
		r = reg_many(fs, v, n);
		if (r < 0)
			goto out;
		if (round == 0 && jn != NULL &&
		    (jv = malloc((n + nu) * sizeof(*jv) + 1)) == NULL) {
			r = -CFFS_ENOMEM;
			goto out;
		}
		for (i = 0; i < n; i++) {
			t = btype(fs, v[i]->blk);
			if (jv != NULL && round == 0 && t != 0)
				jadd(jv, &nj, v[i], t);
			no = ptrs(t, v[i]->xpage, c.po);
			nn = ptrs(t, v[i]->data, c.pn);
			for (k = 0; k < nn && r == 0; k++)
				if (pfind(c.po, no, c.pn[k].blk) == NULL)
					r = push(&c.add, &c.nadd, &c.capadd,
					         c.pn[k].blk, v[i], c.pn[k].type);
			if (r < 0)
				goto out;
		}
		sorted = 0;
		add_sort(&c, &sorted);
		/* blocks not claimed yet hold pointers too (a file renamed
		 * into a new directory block): their type is the one their
		 * own pointer names */
		do {
			more = 0;
			for (i = 0; i < nu; i++) {
				if (u[i] == NULL ||
				    (ch = cfind(c.add, c.nadd, u[i]->blk)) == NULL)
					continue;
				nn = ptrs(ch->type, u[i]->data, c.pn);
				for (k = 0; k < nn && r == 0; k++)
					r = push(&c.add, &c.nadd, &c.capadd,
					         c.pn[k].blk, u[i], c.pn[k].type);
				if (r < 0)
					goto out;
				if (jv != NULL && round == 0)
					jadd(jv, &nj, u[i], ch->type);
				u[i] = NULL;
				more = 1;
			}
			add_sort(&c, &sorted);
		} while (more);
		/* the after-images are complete: journal them before the
		 * first change reaches XN (cffs.h, "The commit journal");
		 * a commit the journal cannot keep whole makes no change */
		if (round == 0 && jn != NULL && nj > 0) {
			if (jn->begin(jn->arg, jv, nj) != 0) {
				r = -CFFS_ENOSPC;
				goto out;
			}
			journaled = 1;
		}
		progress = 0;
		for (i = 0; i < n; i++) {
			if (!v[i]->dirty || v[i]->xpage == NULL)
				continue;
			v[i]->pins++;
			r = step(&c, v[i]);
			v[i]->pins--;
			if (r < 0)
				goto out;
			progress += r;
		}
		if ((r = wflush(&c)) < 0)
			goto out;
		if (!progress) {
			if (!c.eorder)
				break;
			r = writeback_all(fs);
			if (r < 0)
				goto out;
		}
	}
	r = 0;
out:
	if (journaled)
		jn->end(jn->arg);
	free(jv);
	free(v);
	free(u);
	fs->xfs->add = c.add;           /* kept for the next commit */
	fs->xfs->capadd = c.capadd;
	return r;
}

/* ---- the commit journal (cffs.h) ---- */

int
cffs_set_journal(struct cffs_fs *fs, const struct cffs_journal *j)
{
	if (fs->xfs == NULL)
		return -CFFS_EINVAL;
	fs->xfs->jn = j;
	return 0;
}

/*
 * The replay's plan.  A journal is the family's memory, which a buggy
 * process may have written, so before its first change the replay finds
 * everything XN would refuse half way (docs/CFFS.md, "A forged journal
 * is refused whole").  Entries are replayed if XN has their block
 * allocated (its type is XN's) or if a replayed after-image points to
 * it (a new block: its type is the pointer's); the others are left
 * alone, as a block the dead commit freed.
 */
struct jptr {
	uint32_t blk;
	uint32_t holder;        /* the entry whose image holds it */
	uint16_t type;          /* the type its field gives */
};

struct jplan {
	const struct cffs_jent *v;
	uint32_t     n;
	uint16_t    *ty;        /* each entry's type */
	uint8_t     *rep;       /* 1 allocated, 2 new, 0 left alone */
	struct jptr *byblk;     /* the entries (holder), by block */
	struct jptr *pt, *old;  /* after-images' pointers, and those the
	                         * allocated entries hold now; by block */
	uint32_t     npt, nold, cappt, capold;
};

static int
cmpjptr(const void *a, const void *b)
{
	uint32_t x = ((const struct jptr *)a)->blk;
	uint32_t y = ((const struct jptr *)b)->blk;

	return x < y ? -1 : x > y;
}

static const struct jptr *
jptr_find(const struct jptr *v, uint32_t n, uint32_t blk)
{
	uint32_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].blk == blk)
			return &v[mid];
		if (v[mid].blk < blk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The entry of block blk, or -1. */
static int
jent_find(const struct jplan *pl, uint32_t blk)
{
	const struct jptr *p = jptr_find(pl->byblk, pl->n, blk);

	return p != NULL ? (int)p->holder : -1;
}

/* Append entry i's pointers in image p (of type t) to *v. */
static int
jpush(struct cffs_fs *fs, struct jptr **v, uint32_t *nv, uint32_t *cap,
      uint32_t i, uint16_t t, const uint8_t *p)
{
	struct ptr *pp = fs->xfs->pn;
	uint32_t k, np = ptrs(t, p, pp);

	if (*nv + np > *cap) {
		uint32_t nc = *cap ? *cap : 256;
		struct jptr *q;

		while (nc < *nv + np)
			nc *= 2;
		if ((q = realloc(*v, nc * sizeof(*q))) == NULL)
			return -CFFS_ENOMEM;
		*v = q;
		*cap = nc;
	}
	for (k = 0; k < np; k++) {
		(*v)[*nv].blk = pp[k].blk;
		(*v)[*nv].holder = i;
		(*v)[(*nv)++].type = pp[k].type;
	}
	return 0;
}

static void
plan_free(struct jplan *pl)
{
	free(pl->ty);
	free(pl->rep);
	free(pl->byblk);
	free(pl->pt);
	free(pl->old);
}

/*
 * Which entries are replayed, with which type, and the pointers of
 * their after-images and of their blocks now.  The new blocks are found
 * from the allocated ones down (a work list), so each is reached from
 * an allocated block, and no after-image is read with a type it will
 * not be written as.
 */
static int
plan_build(struct cffs_fs *fs, struct jplan *pl)
{
	uint32_t *work, nw = 0, i, k, from;
	uint16_t f;
	struct buf *b;
	int j, r = 0;

	pl->ty = malloc(pl->n * sizeof(*pl->ty) + 1);
	pl->rep = calloc(pl->n + 1, 1);
	pl->byblk = malloc(pl->n * sizeof(*pl->byblk) + 1);
	work = malloc(pl->n * sizeof(*work) + 1);
	if (pl->ty == NULL || pl->rep == NULL || pl->byblk == NULL ||
	    work == NULL) {
		free(work);
		return -CFFS_ENOMEM;
	}
	for (i = 0; i < pl->n; i++) {
		pl->byblk[i].blk = pl->v[i].blk;
		pl->byblk[i].holder = i;
		pl->byblk[i].type = 0;
	}
	qsort(pl->byblk, pl->n, sizeof(*pl->byblk), cmpjptr);
	for (i = 0; i < pl->n && r == 0; i++) {
		pl->ty[i] = pl->v[i].type;
		f = bflags(fs, pl->v[i].blk);
		if ((f & (XN_BS_ALLOC | XN_BS_FREEING)) != XN_BS_ALLOC)
			continue;
		pl->ty[i] = btype(fs, pl->v[i].blk);
		pl->rep[i] = 1;
		work[nw++] = i;
		if ((r = bget(fs, pl->v[i].blk, 0, &b)) < 0)
			break;
		r = jpush(fs, &pl->old, &pl->nold, &pl->capold, i, pl->ty[i],
		          b->data);
		bput(b);
	}
	while (nw > 0 && r == 0) {
		i = work[--nw];
		from = pl->npt;
		r = jpush(fs, &pl->pt, &pl->npt, &pl->cappt, i, pl->ty[i],
		          pl->v[i].img);
		for (k = from; k < pl->npt && r == 0; k++) {
			j = jent_find(pl, pl->pt[k].blk);
			if (j < 0 || pl->rep[j] != 0 ||
			    bflags(fs, pl->v[j].blk) != 0)
				continue;
			pl->rep[j] = 2;         /* a new block */
			pl->ty[j] = pl->pt[k].type;
			work[nw++] = (uint32_t)j;
		}
	}
	free(work);
	if (pl->npt > 1)
		qsort(pl->pt, pl->npt, sizeof(*pl->pt), cmpjptr);
	if (pl->nold > 1)
		qsort(pl->old, pl->nold, sizeof(*pl->old), cmpjptr);
	return r;
}

/*
 * Would moving c into block `to' put c below itself?  XN refuses a move
 * into the moved block or a block under it (xn_move).  The moves go in
 * one at a time, so a block's parent is taken both ways: the block
 * whose after-image will hold it, and XN's parent now.
 */
static int
ancestors_hold(struct cffs_fs *fs, const struct jplan *pl, uint32_t to,
               uint32_t c, uint8_t *seen, uint32_t **q, uint32_t *capq)
{
	struct xn_block_info bi;
	const struct jptr *p;
	uint32_t nq = 0, head, x, up[2], k;
	int r = 0;

	if (to == c)
		return -CFFS_EPERM;
	(*q)[nq++] = to;
	bit_put(seen, to, true);
	for (head = 0; head < nq && r == 0; head++) {
		x = (*q)[head];
		/* both parents count: the moves go in one at a time */
		up[0] = (p = jptr_find(pl->pt, pl->npt, x)) != NULL ?
		    pl->v[p->holder].blk : XN_NOBLOCK;
		up[1] = XC.block_info(&fs->xfs->x, x, &bi) == 0 &&
		    (bi.flags & XN_BS_ALLOC) ? bi.parent : XN_NOBLOCK;
		for (k = 0; k < 2 && r == 0; k++) {
			if (up[k] >= fs->sb.nblocks || bit_get(seen, up[k]))
				continue;
			if (up[k] == c) {
				r = -CFFS_EPERM;        /* c below itself */
				break;
			}
			if (nq == *capq) {
				uint32_t *nv = realloc(*q, 2 * *capq *
				                       sizeof(**q));

				if (nv == NULL) {
					r = -CFFS_ENOMEM;
					break;
				}
				*q = nv;
				*capq *= 2;
			}
			bit_put(seen, up[k], true);
			(*q)[nq++] = up[k];
		}
	}
	for (head = 0; head < nq; head++)
		bit_put(seen, (*q)[head], false);
	return r;
}

struct jedge {
	uint32_t from, to;      /* entries: from gives a pointer to to */
};

static int
cmpedge(const void *a, const void *b)
{
	uint32_t x = ((const struct jedge *)a)->from;
	uint32_t y = ((const struct jedge *)b)->from;

	return x < y ? -1 : x > y;
}

/*
 * A block gives its pointers only once it has let go of what it loses
 * (step), so blocks that give to each other in a circle never finish:
 * the edges must have no cycle.
 */
static int
edges_acyclic(const struct jplan *pl, struct jedge *e, uint32_t ne)
{
	uint32_t *deg, *q, nq = 0, head, k, lo;
	int r = 0;

	deg = calloc(pl->n + 1, sizeof(*deg));
	q = malloc((pl->n + 1) * sizeof(*q));
	if (deg == NULL || q == NULL) {
		free(deg);
		free(q);
		return -CFFS_ENOMEM;
	}
	if (ne > 1)
		qsort(e, ne, sizeof(*e), cmpedge);
	for (k = 0; k < ne; k++)
		deg[e[k].to]++;
	for (k = 0; k < pl->n; k++)
		if (deg[k] == 0)
			q[nq++] = k;
	for (head = 0; head < nq; head++) {
		for (lo = 0; lo < ne && e[lo].from < q[head]; lo++)
			;
		for (k = lo; k < ne && e[k].from == q[head]; k++)
			if (--deg[e[k].to] == 0)
				q[nq++] = e[k].to;
	}
	if (nq < pl->n)
		r = -CFFS_EPERM;
	free(deg);
	free(q);
	return r;
}

/*
 * Before any change, what XN would refuse of the plan: a pointer named
 * twice; a new pointer to a block that is not free or not in the data
 * area; a kept or moved pointer whose field gives another type than
 * XN's; a block to free that would still own blocks (its image or its
 * block now points somewhere); a move into the moved block or below it
 * (before, after or half way); blocks that give to each other in a
 * circle.
 */
static int
plan_check(struct cffs_fs *fs, const struct jplan *pl)
{
	struct xn_block_info bi;
	const struct jptr *p, *o;
	struct jedge *e = NULL;
	uint32_t k, ne = 0, capq = 64, *q = NULL;
	uint8_t *seen = NULL;
	int j, r = 0;

	for (k = 1; k < pl->npt; k++)
		if (pl->pt[k].blk == pl->pt[k - 1].blk)
			return -CFFS_EPERM;     /* a block twice */
	e = malloc(pl->npt * sizeof(*e) + 1);
	seen = calloc(fs->sb.nblocks / 8 + 1, 1);
	q = malloc(capq * sizeof(*q));
	if (e == NULL || seen == NULL || q == NULL) {
		r = -CFFS_ENOMEM;
		goto out;
	}
	for (k = 0; k < pl->npt && r == 0; k++) {
		p = &pl->pt[k];
		o = jptr_find(pl->old, pl->nold, p->blk);
		if (o == NULL) {
			if (p->blk >= fs->sb.nblocks ||
			    p->blk < fs->sb.data_start || bflags(fs, p->blk) != 0)
				r = -CFFS_EPERM;        /* not ours to claim */
			continue;
		}
		if (o->type != p->type) {
			r = -CFFS_EPERM;        /* XN's type is another */
			continue;
		}
		if (o->holder == p->holder)
			continue;
		e[ne].from = o->holder;
		e[ne++].to = p->holder;
		r = ancestors_hold(fs, pl, pl->v[p->holder].blk, p->blk, seen,
		                   &q, &capq);
	}
	/* what is to be freed must own nothing by then */
	for (k = 0; k < pl->nold && r == 0; k++) {
		o = &pl->old[k];
		if (jptr_find(pl->pt, pl->npt, o->blk) != NULL)
			continue;
		j = jent_find(pl, o->blk);
		if (j >= 0 && pl->rep[j] == 1) {
			if (ptrs(pl->ty[j], pl->v[j].img, fs->xfs->pn) != 0)
				r = -CFFS_EPERM;
			continue;
		}
		if (XC.block_info(&fs->xfs->x, o->blk, &bi) != 0 ||
		    bi.nchild != 0)
			r = -CFFS_EPERM;
	}
	if (r == 0)
		r = edges_acyclic(pl, e, ne);
out:
	free(e);
	free(seen);
	free(q);
	return r;
}

/*
 * Finish a dead mount's commit: every replayed entry's buffer gets its
 * after-image, and the commit makes the difference with what XN has now
 * (the dead commit's steps that went in are no longer differences).  A
 * pointer an allocated entry's block holds now and no after-image does
 * was freed by the call (a move keeps it in another after-image): it is
 * marked to free, as bfree did in the dead mount.  Nothing changes
 * before plan_check has passed.
 */
int
cffs_journal_replay(struct cffs_fs *fs, const struct cffs_jent *v,
                    uint32_t n)
{
	struct xnfs *xf;
	struct jplan pl;
	uint32_t i, k;
	struct buf *b;
	int r = 0;

	if ((xf = fs->xfs) == NULL || fs->rdonly)
		return -CFFS_EINVAL;
	if (xf->busy)
		return -CFFS_EBUSY;
	if (n > 4 * WQ_MAX)
		return -CFFS_EINVAL;
	for (i = 0; i < n; i++) {
		if (v[i].blk < fs->sb.data_start || v[i].blk >= fs->sb.nblocks ||
		    v[i].type == 0 || v[i].img == NULL)
			return -CFFS_EINVAL;
		for (k = 0; k < i; k++)
			if (v[k].blk == v[i].blk)
				return -CFFS_EINVAL;
	}
	memset(&pl, 0, sizeof(pl));
	pl.v = v;
	pl.n = n;
	if ((r = plan_build(fs, &pl)) < 0 || (r = plan_check(fs, &pl)) < 0) {
		plan_free(&pl);
		return r;
	}
	for (i = 0; i < n && r == 0; i++) {
		if (pl.rep[i] == 0)
			continue;       /* freed, or never anyone's */
		if (pl.rep[i] == 2) {
			resv_set(xf, v[i].blk, true);
			r = bget(fs, v[i].blk, GET_NOREAD, &b);
		} else {
			r = bget(fs, v[i].blk, 0, &b);
		}
		if (r < 0)
			break;
		memcpy(b->data, v[i].img, CFFS_BSIZE);
		bdirty(b);
		bput(b);
	}
	for (k = 0; k < pl.nold && r == 0; k++)
		if (jptr_find(pl.pt, pl.npt, pl.old[k].blk) == NULL &&
		    (bflags(fs, pl.old[k].blk) & (XN_BS_ALLOC |
		    XN_BS_FREEING)) == XN_BS_ALLOC)
			bit_put(xf->tofree, pl.old[k].blk, true);
	/* new blocks (data too) stay ours until the commit claims them */
	for (k = 0; k < pl.npt && r == 0; k++)
		if (bflags(fs, pl.pt[k].blk) == 0)
			resv_set(xf, pl.pt[k].blk, true);
	if (r == 0)
		r = xnfs_commit(fs);
	if (r == 0 && cffs_dirty(fs))
		r = -CFFS_EPERM;        /* XN refused a step */
	for (k = 0; k < pl.npt; k++)
		if (bflags(fs, pl.pt[k].blk) == 0)
			resv_set(xf, pl.pt[k].blk, false);
	plan_free(&pl);
	return r;
}

struct xn *
xnfs_xn(struct cffs_fs *fs, uint32_t *principal)
{
	if (fs->xfs == NULL)
		return NULL;
	*principal = fs->xfs->pr;
	return &fs->xfs->x;
}

static int
xnfs_commit(struct cffs_fs *fs)
{
	int r;

	if (fs->rdonly || fs->xfs->busy)
		return 0;
	fs->xfs->busy = 1;
	r = commit(fs);
	fs->xfs->busy = 0;
	return r;
}

static int
xnfs_flush(struct cffs_fs *fs, int strict)
{
	struct buf *b;
	int r;

	if (fs->rdonly || fs->xfs->busy)
		return 0;
	fs->xfs->busy = 1;
	r = commit(fs);
	if (r == 0) {
		r = writeback_all(fs);
		/*
		 * For an eviction (the cache is full: getfree), blocks XN
		 * holds back are no error: a block that owns a block whose
		 * buffer does not exist yet (bmap allocated it, and bget is
		 * evicting to make its buffer) stays dirty until that block
		 * is written.  What could be written is clean now, and can go.
		 */
		if (r == -CFFS_EUCLEAN && !strict && fs->xfs->wb_held)
			r = 0;
	}
	fs->xfs->busy = 0;
	if (r < 0 || !strict)
		return r;
	for (b = fs->cache.lru.lnext; b != &fs->cache.lru; b = b->lnext)
		if (b->dirty)
			return -CFFS_EPERM;     /* XN refused a change */
	return fs->err;
}

/* ---- the backend's table ---- */

static int
xs_isfree(struct cffs_fs *fs, uint32_t blk, bool *isfree)
{
	/* XN's state, and our reservations not yet claimed */
	*isfree = !xnfs_taken(fs, blk);
	return 0;
}

/* Each block in turn, until one is not free. */
static int
xs_group_isfree(struct cffs_fs *fs, uint32_t g, bool *isfree)
{
	uint32_t k;

	for (k = 0; k < CFFS_GROUP; k++)
		if (!(*isfree = !xnfs_taken(fs, g + k)))
			break;
	return 0;
}

static int
xs_recount(struct cffs_fs *fs)
{
	xnfs_recount(fs);
	return 0;
}

/*
 * Only committed buffers go; XN writes them back in order.  One whose
 * block XN holds dirty (committed, not written: cffs_commit_lazy) waits
 * too, so that make_room writes them all back in XN's waves (a few
 * flushes for the whole cache) instead of one write and flush each.
 */
static int
xs_evict(struct cffs_fs *fs, struct buf *b)
{
	struct xn_bc_info bi;

	if (b->dirty)
		return 1;
	if (b->xpage != NULL && XC.bc_lookup(&fs->xfs->x, b->blk, &bi) == 0 &&
	    bi.page == b->xpage) {
		if (bi.state != XN_BC_CLEAN)
			return 1;
		return evict_batch(fs, b) == 0 ? 0 : 1;
	}
	return xnfs_evict(fs, b) == 0 ? 0 : 1;
}

/* A buffer the cache may take now (xs_evict would let it go)? */
static bool
any_evictable(struct cffs_fs *fs)
{
	struct xn_bc_info bi;
	struct buf *b;

	for (b = fs->cache.lru.lprev; b != &fs->cache.lru; b = b->lprev) {
		if (b->dirty || b->pins != 0)
			continue;
		if (b->xpage == NULL ||
		    XC.bc_lookup(&fs->xfs->x, b->blk, &bi) != 0 ||
		    bi.page != b->xpage || bi.state == XN_BC_CLEAN)
			return true;
	}
	return false;
}

/*
 * The cache is full of buffers that may not go.  Committed ones XN holds
 * dirty go once written back: do only that when it frees one, so that
 * the call in progress is not committed in its middle (a kill of the
 * process would leave half of it on XN's blocks, and the journal covers
 * one commit: cffs.h).  Only a cache full of the call's own changes
 * commits them.
 */
static int
xs_make_room(struct cffs_fs *fs)
{
	int r;

	if (fs->rdonly || fs->xfs->busy)
		return 0;
	fs->xfs->busy = 1;
	r = writeback_all(fs);
	fs->xfs->busy = 0;
	if ((r == 0 || r == -CFFS_EUCLEAN) && any_evictable(fs))
		return 0;
	return xnfs_flush(fs, 0);
}

/* A change XN did not accept is dropped: the buffer takes XN's bytes
 * back, and goes if XN lets it. */
static int
xs_forget(struct cffs_fs *fs, struct buf *b)
{
	if (b->xpage == NULL)
		return 0;
	memcpy(b->data, b->xpage, CFFS_BSIZE);
	return xnfs_evict(fs, b);
}

static int
xs_flush(struct cffs_fs *fs)
{
	return xnfs_flush(fs, 1);
}

static int
xs_nop(struct cffs_fs *fs)
{
	(void)fs;
	return 0;
}

const struct cffs_store_ops cffs_store_xn = {
	.name = "xn",
	.on_xn = 1,
	.probe = xnfs_probe,
	.start = xnfs_mount,
	.fini = xnfs_fini,
	.isfree = xs_isfree,
	.group_isfree = xs_group_isfree,
	.alloc = xnfs_balloc,
	.free = xnfs_bfree,
	.group_new = xnfs_group_new,
	.recount = xs_recount,
	.evict = xs_evict,
	.make_room = xs_make_room,
	.release = xnfs_evict,
	.forget = xs_forget,
	.commit = xnfs_commit,
	.flush = xs_flush,
	.sync = xnfs_sync_map,
	.unmount = xnfs_unmount,
	.discard = xnfs_discard,
	.check = xnfs_check,
};

/* The XN layout without XN: the free map read as a bitmap (fsck repairs
 * it; XN rebuilds its own at its next mount anyway). */
const struct cffs_store_ops cffs_store_xnraw = {
	.name = "xn-raw",
	.on_xn = 0,
	.probe = xnfs_probe,
	.start = bm_start,
	.fini = bm_nop_void,
	.isfree = bm_isfree,
	.group_isfree = bm_group_isfree,
	.alloc = bm_alloc,
	.free = bm_free,
	.group_new = bm_group_new,
	.recount = xs_nop,
	.evict = bm_evict,
	.make_room = bm_nop,
	.release = bm_nop_buf,
	.forget = bm_nop_buf,
	.commit = bm_nop,
	.flush = bm_flush,
	.sync = bm_nop,
	.unmount = bm_nop,
	.discard = bm_nop_void,
	.check = xnfs_check,
};

#else   /* !CFFS_HAVE_XN: the journal is XN's (cffs.h) */

int
cffs_set_journal(struct cffs_fs *fs, const struct cffs_journal *j)
{
	(void)fs;
	(void)j;
	return -CFFS_EINVAL;
}

int
cffs_journal_replay(struct cffs_fs *fs, const struct cffs_jent *v,
                    uint32_t n)
{
	(void)fs;
	(void)v;
	(void)n;
	return -CFFS_EINVAL;
}

#endif
