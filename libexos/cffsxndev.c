/*
 * cffsxndev.c: C-FFS's block device for a libFS that holds no root
 * capability (every ExOS process: libexos/posix/fsroot.c).  Reads are
 * XN_READ: the bytes XN has for the block (the buffer-cache registry's
 * page when some libFS caches it, so what another process committed is
 * what we read; else the disk), copied by the kernel straight into the
 * caller's buffer, up to XOK_XN_READ_MAX blocks a call.  Over XN a
 * mounted C-FFS writes only through XN's calls (xnclient.c): a write
 * here is refused.  No read-ahead.  The DISK_RAW device (cffsdev.c)
 * remains for programs that run as init with the root capability.
 *
 * Sharing (exos_cffs_bdev_xn_share; docs/ARCHITECTURE.md, "The shared
 * block cache"): a block in XN's registry is read from a cache view of
 * its page (XN_BC_MAP) in a window of ours, block b at win + b pages,
 * through a copy that survives the view being revoked under it (the
 * entry evicted by someone: the view is remapped, or the block read
 * with XN_READ).  An allocated block on disk that nobody caches is put
 * in the registry first, with a page of ours that belongs to no heap
 * (XN_BC_INSERT_MANY, the reads batched), so the next reader in any
 * process shares that one page instead of reading the disk.  We own
 * at most `max` such pages: over that, pages whose entry is gone (an
 * eviction gave them back) are freed, then our oldest clean entries
 * are evicted.  A commit that needs one of these blocks takes the
 * entry over as it does any entry it does not hold (cffs/xnfs.c).
 */
#include <exos/exos.h>
#include <exos/cffsdev.h>
#include <stdlib.h>
#include <string.h>
#include <xn/xn.h>

static uint64_t nreads;

#define RUN 64                  /* blocks per batch (XN_BC_MAP, inserts) */
#define SPARE_MAX (4 * RUN)     /* pages kept for the next inserts */
_Static_assert(RUN <= XOK_XN_MAP_MAX && RUN <= XOK_XN_BCI_MAX &&
    RUN <= XOK_PAGE_BATCH_MAX, "batch limits");

static struct share {
	uint64_t win;                   /* block b's view at win + b pages */
	long (*copy)(void *, const void *, size_t);
	uint32_t nblocks;
	uint32_t max, n, hand;          /* our registry pages: own[0..n) */
	uint32_t *oblk;
	uint64_t *oppn;
	uint8_t *mapped;                /* bit b: we made a view of b */
	uint64_t owner_env;             /* whose pages oppn[] are */
	struct exos_xn_share_stats st;
	/* pages of ours whose entries went (unmapped, in no registry),
	 * kept for the next insert: a fresh page costs the kernel's
	 * zeroing (PAGE_ALLOC_MANY) and its free a PAGE_FREE, and XN
	 * overwrites the whole page anyway (the disk's bytes, or zeros) */
	uint64_t spare[SPARE_MAX];
	uint32_t nspare;
} sh;

/* ppn (ours, no longer XN's, mapped nowhere) kept or freed. */
static void
page_done(uint64_t ppn)
{
	if (sh.nspare < SPARE_MAX && ppn < XOK_INFO->npages &&
	    !(XOK_PAGES[ppn].flags & (XOK_PG_XN | XOK_PG_ORPHAN)) &&
	    XOK_PAGES[ppn].mapcount == 0)
		sh.spare[sh.nspare++] = ppn;
	else
		sys_page_free(ppn, 0);
}

static const struct xn_bstate *
bstate(uint32_t b)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;

	if (!xe->mounted || b >= xe->nblocks)
		return NULL;
	return &((const struct xn_bstate *)XOK_XN_VA)[b];
}

/* The physical page caching b, or 0 if b is not in the registry. */
static uint64_t
cached_ppn(uint32_t b)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bstate *s = bstate(b);
	const struct xn_bc_entry *e;

	if (s == NULL || s->bcslot == 0 || s->bcslot > xe->bc_slots)
		return 0;
	e = &((const struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off))[
	    s->bcslot - 1];
	if (e->state == XN_BC_EMPTY || e->block != b)
		return 0;
	return ((uint64_t)e->page - XOK_KERNEL_DIRECT) / XOK_PGSIZE;
}

static void *
view(uint32_t b)
{
	return (void *)(sh.win + (uint64_t)b * XOK_PGSIZE);
}

static int
is_mapped(uint32_t b)
{
	return sh.mapped[b / 8] >> (b % 8) & 1;
}

static void
set_mapped(uint32_t b, int on)
{
	if (on)
		sh.mapped[b / 8] |= (uint8_t)(1u << (b % 8));
	else
		sh.mapped[b / 8] &= (uint8_t)~(1u << (b % 8));
}

/*
 * The pages of readers that exited stay in the registry as orphans
 * (the cache outlives them: the next program reads them in place).
 * Keep at most keep of those nobody views; evict the others (clean
 * ones only: a dirty entry is someone's commit).  Each eviction frees
 * its orphan page.  A scan of the exported registry.
 */
static void
sweep_orphans(uint32_t keep)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bc_entry *bc;
	uint32_t i, idle = 0;
	uint64_t ppn;

	if (!xe->mounted)
		return;
	bc = (const struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off);
	for (i = 0; i < xe->bc_slots; i++) {
		if (bc[i].state != XN_BC_CLEAN)
			continue;
		ppn = ((uint64_t)bc[i].page - XOK_KERNEL_DIRECT) / XOK_PGSIZE;
		if (ppn >= XOK_INFO->npages ||
		    !(XOK_PAGES[ppn].flags & XOK_PG_ORPHAN) ||
		    XOK_PAGES[ppn].mapcount != 0)
			continue;
		if (++idle > keep && sys_xn_bc_evict(0, bc[i].block) == 0)
			sh.st.swept++;
	}
}

/* Forget our pages whose entries are gone (freed back to the kernel);
 * then, while more than keep remain, evict our oldest clean entries. */
static void
reclaim(uint32_t keep)
{
	uint32_t i, k = 0, tries;

	for (i = 0; i < sh.n; i++) {
		if (cached_ppn(sh.oblk[i]) == sh.oppn[i]) {
			sh.oblk[k] = sh.oblk[i], sh.oppn[k++] = sh.oppn[i];
			continue;
		}
		set_mapped(sh.oblk[i], 0);
		sys_page_unmap(XOK_SELF, (uint64_t)view(sh.oblk[i]), 0);
		page_done(sh.oppn[i]);
		sh.st.reclaimed++;
	}
	sh.n = k;
	for (tries = sh.n; sh.n > keep && tries > 0; tries--) {
		if (sh.hand >= sh.n)
			sh.hand = 0;
		i = sh.hand;
		if (sys_xn_bc_evict(0, sh.oblk[i]) < 0 &&
		    cached_ppn(sh.oblk[i]) == sh.oppn[i]) {
			sh.hand++;      /* dirty or busy: someone's commit */
			continue;
		}
		if (is_mapped(sh.oblk[i]))
			sys_page_unmap(XOK_SELF, (uint64_t)view(sh.oblk[i]), 0);
		set_mapped(sh.oblk[i], 0);
		page_done(sh.oppn[i]);
		sh.st.evicted++;
		sh.n--;
		sh.oblk[i] = sh.oblk[sh.n], sh.oppn[i] = sh.oppn[sh.n];
	}
}

/*
 * Put the blocks v[0..k) (allocated, on disk, not cached) in XN's
 * registry with pages of ours; clears the entries of v that did not go
 * in (to 0xffffffff).
 */
static void
insert(uint32_t *v, uint32_t k)
{
	static struct xok_xn_bcins ins[RUN];
	static uint64_t ppn[RUN];
	uint32_t i, kept;
	int64_t r;

	if (sh.n + k > sh.max) {
		reclaim(sh.max > k ? sh.max - k : 0);
		sweep_orphans(sh.max);
	}
	kept = k < sh.nspare ? k : sh.nspare;
	for (i = 0; i < kept; i++)
		ppn[i] = sh.spare[--sh.nspare];
	if (k == 0 || sh.n + k > sh.max || (k > kept &&
	    sys_page_alloc_many(0, XOK_SELF, 0, ppn + kept, k - kept) !=
	    (int64_t)(k - kept))) {
		for (i = 0; i < kept; i++)
			page_done(ppn[i]);
		for (i = 0; i < k; i++)
			v[i] = 0xffffffffu;
		return;
	}
	memset(ins, 0, sizeof(ins));
	for (i = 0; i < k; i++)
		ins[i].block = v[i], ins[i].ppn = ppn[i];
	r = sys_xn_bc_insert_many(0, ins, k, 0);
	for (i = 0; i < k; i++) {
		if (r >= 0 && ins[i].result == 0) {
			sh.oblk[sh.n] = v[i], sh.oppn[sh.n++] = ppn[i];
			sh.st.inserted++;
			continue;
		}
		page_done(ppn[i]);
		v[i] = 0xffffffffu;
	}
}

/* Copy block b from its view into buf, mapping the view if need be;
 * 0, or -1 if b is not cached (read it another way). */
static int
from_view(uint32_t b, void *buf)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (cached_ppn(b) == 0)
			return -1;
		if (!is_mapped(b)) {
			int64_t r = sys_xn_bc_map(b, 1, view(b));

			if (r == 0)
				sh.st.views++;
			else if (r != -XE_BUSY)
				return -1;
			set_mapped(b, 1);
		}
		if (sh.copy(buf, view(b), XOK_PGSIZE) == 0) {
			sh.st.copies++;
			return 0;
		}
		set_mapped(b, 0);       /* revoked under us: map again */
		sys_page_unmap(XOK_SELF, (uint64_t)view(b), 0);
	}
	return -1;
}

/*
 * Is b a block XN_READ would give as zeros (xok/xnread.c: a free data
 * block, or a fresh one nobody caches)?  XN's own blocks are allocated
 * with a type, so never.  Such blocks are zeroed here: no kernel call,
 * no copy (a group read takes in the free blocks around a directory).
 */
static int
reads_zero(uint32_t b)
{
	const struct xn_bstate *s = bstate(b);

	return s != NULL && s->bcslot == 0 &&
	    (s->type == 0 || (s->flags & XN_BS_FRESH));
}

/* Blocks blk + at .. + n into buf's places for them, with XN_READ. */
static int
read_run(uint64_t blk, uint32_t at, uint32_t n, uint8_t *buf)
{
	if (n == 0)
		return 0;
	if (sys_xn_read((uint32_t)(blk + at), n, buf + (size_t)at *
	    CFFS_BSIZE) < 0)
		return -1;
	sh.st.xnreads += n;
	return 0;
}

/* Through views where it can, else XN_READ; blk..blk+count in range. */
static int
share_read(uint64_t blk, uint32_t count, uint8_t *buf)
{
	uint32_t want[RUN], i, k = 0, b;
	uint64_t ahead;
	int64_t r;
	const struct xn_bstate *s;

	if (XOK_INFO->cur_env != sh.owner_env)
		return 1;               /* a forked child: mount again first */
	/* first the blocks on disk nobody caches go into the registry */
	for (i = 0; i < count && k < RUN; i++) {
		b = (uint32_t)blk + i;
		s = bstate(b);
		if (s != NULL && (s->flags & XN_BS_ALLOC) &&
		    !(s->flags & XN_BS_FRESH) && s->bcslot == 0)
			want[k++] = b;
	}
	if (k > 0)
		insert(want, k);
	/* views for the runs of cached blocks we have none of, one call
	 * a run (a refused run is mapped block by block below); a run
	 * that reaches the end of the request goes on over the cached
	 * blocks after it, up to RUN blocks in all: a file read a block
	 * or a cluster at a time then costs one XN_BC_MAP per RUN blocks,
	 * where it was one a block */
	ahead = sh.nblocks - blk < count + RUN ? sh.nblocks - blk :
	    count + RUN;
	for (i = 0; i < count; i = k) {
		b = (uint32_t)blk + i;
		for (k = i; (k < count || (k < ahead && k - i < RUN)) &&
		    !is_mapped((uint32_t)blk + k) &&
		    cached_ppn((uint32_t)blk + k) != 0; k++)
			;
		if (k == i) {
			k++;
			continue;
		}
		r = sys_xn_bc_map(b, k - i, view(b));
		if (r == -XE_BUSY &&
		    sys_page_unmap_range(XOK_SELF, (uint64_t)view(b), k - i,
		    0) >= 0)
			/* views of an earlier mount of ours (an image
			 * exec replaced) where our bitmap says none: they
			 * go, and the run is mapped in one call again,
			 * not block by block */
			r = sys_xn_bc_map(b, k - i, view(b));
		if (r == 0) {
			sh.st.views += k - i;
			while (b < (uint32_t)blk + k)
				set_mapped(b++, 1);
		}
	}
	/* the rest (no view: fresh blocks, pages XN does not share) with
	 * XN_READ, one call per run of them: k blocks before i */
	for (i = 0, k = 0; i < count; i++) {
		if (reads_zero((uint32_t)blk + i)) {
			memset(buf + (size_t)i * CFFS_BSIZE, 0, CFFS_BSIZE);
			sh.st.zeroed++;
			if (read_run(blk, i - k, k, buf) < 0)
				return -CFFS_EIO;
			k = 0;
		} else if (from_view((uint32_t)blk + i, buf + (size_t)i *
		    CFFS_BSIZE) == 0) {
			if (read_run(blk, i - k, k, buf) < 0)
				return -CFFS_EIO;
			k = 0;
		} else if (++k == XOK_XN_READ_MAX) {
			if (read_run(blk, i + 1 - k, k, buf) < 0)
				return -CFFS_EIO;
			k = 0;
		}
	}
	if (read_run(blk, count - k, k, buf) < 0)
		return -CFFS_EIO;
	return 0;
}

static int
xd_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct cffs_bdev *dev = ctx;
	uint32_t k;

	if (blk >= dev->nblocks || count > dev->nblocks - blk)
		return -CFFS_EIO;
	while (sh.win != 0 && count > 0) {
		int r;

		k = count < RUN ? count : RUN;
		if ((r = share_read(blk, k, buf)) < 0)
			return r;
		if (r > 0)
			break;
		nreads += k;
		blk += k;
		count -= k;
		buf = (uint8_t *)buf + (size_t)k * CFFS_BSIZE;
	}
	while (count > 0) {
		k = count < XOK_XN_READ_MAX ? count : XOK_XN_READ_MAX;
		if (sys_xn_read((uint32_t)blk, k, buf) < 0)
			return -CFFS_EIO;
		nreads += k;
		blk += k;
		count -= k;
		buf = (uint8_t *)buf + (size_t)k * CFFS_BSIZE;
	}
	return 0;
}

static int
xd_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	(void)ctx, (void)blk, (void)count, (void)buf;
	return -CFFS_EIO;       /* every write is an XN call */
}

static int
xd_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

/* The time of day (boot time if the machine's clock was not read). */
static void
xd_now(void *ctx, struct cffs_time *t)
{
	uint64_t ns = XOK_INFO->ns + XOK_INFO->wall_boot_nsec;

	(void)ctx;
	t->sec = (int64_t)(XOK_INFO->wall_boot_sec + ns / 1000000000u);
	t->nsec = (uint32_t)(ns % 1000000000u);
}

static const struct cffs_bdev_ops ops = { xd_read, xd_write, xd_flush,
	xd_now, NULL };

int
exos_cffs_bdev_xn(struct cffs_bdev *dev)
{
	struct xok_xn_stat st;

	if (sys_xn_stat(&st) < 0 || st.nblocks == 0 || !st.mounted)
		return -CFFS_EIO;
	dev->ops = &ops;
	dev->ctx = dev;
	dev->nblocks = st.nblocks;
	return 0;
}

uint64_t
exos_cffs_xn_reads(void)
{
	return nreads;
}

/*
 * Read through cache views from now on (see the top of this file):
 * views in [win, win + nblocks pages), which must be ours and free;
 * copy must copy from a view and return nonzero instead of dying when
 * the view is revoked under it (the POSIX layer's px_copyin); at most
 * max pages of ours in XN's registry.  Once per mount (again, with the
 * same arguments, after a mount that failed: the share is kept); 0 or
 * -CFFS_E*.
 */
int
exos_cffs_bdev_xn_share(struct cffs_bdev *dev, uint64_t win,
    long (*copy)(void *, const void *, size_t), uint32_t max)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;

	/* again in this process with the same window (a mount that
	 * failed is tried again: fsroot.c): the share is kept as it is,
	 * with the pages it owns and its spares.  A parent's (our copy of
	 * its statics after fork) is not ours: forgotten below. */
	if (sh.owner_env == XOK_INFO->cur_env && sh.mapped != NULL &&
	    sh.win == win && sh.nblocks == dev->nblocks && sh.copy == copy &&
	    sh.max == max)
		return 0;
	memset(&sh, 0, sizeof(sh));
	if (!xe->mounted || xe->nblocks != dev->nblocks || win % XOK_PGSIZE ||
	    copy == NULL || max == 0)
		return -CFFS_EINVAL;
	sh.mapped = calloc(dev->nblocks / 8 + 1, 1);
	sh.oblk = malloc(max * sizeof(*sh.oblk));
	sh.oppn = malloc(max * sizeof(*sh.oppn));
	if (sh.mapped == NULL || sh.oblk == NULL || sh.oppn == NULL) {
		free(sh.mapped), free(sh.oblk), free(sh.oppn);
		memset(&sh, 0, sizeof(sh));
		return -CFFS_ENOMEM;
	}
	/* views a previous mount of this process left (its image was
	 * replaced, or it mounted again) are found by XN_BC_MAP's BUSY */
	sh.nblocks = (uint32_t)dev->nblocks;
	sh.copy = copy;
	sh.max = max;
	sh.owner_env = XOK_INFO->cur_env;
	sh.win = win;
	sweep_orphans(max);
	return 0;
}

void
exos_cffs_xn_share_stats(struct exos_xn_share_stats *st)
{
	*st = sh.st;
	st->owned = sh.n;
}
