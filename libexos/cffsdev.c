/*
 * cffsdev.c: C-FFS's block device in the guest.  Blocks move through
 * DISK_RAW (root capability: the caller holds it in slot 0), which
 * takes up to 1 MiB of physically consecutive pages per request.  A
 * transfer is cut into requests of at most REQ_MAX pages, all in flight
 * at once, and waited for with one wake-up predicate over the
 * completion count the kernel keeps in our memory.
 *
 * Where the caller's buffer is made of heap pages (malloc'd blocks of
 * whole pages, exos_heap_ppn) that are physically consecutive for at
 * least DIRECT_MIN pages, the disk moves data straight to or from them.
 * The rest goes through a bounce region of physically consecutive pages
 * that we pick ourselves from the kernel's exported page table (the
 * longest free run up to BOUNCE_MAX pages, from the top of memory down)
 * and copy.
 *
 * Over XN only reads happen here: C-FFS's metadata and data reach the
 * disk through XN's calls (xnclient.c), which write synchronously, so
 * a read after them sees what they wrote.  Writes are implemented (the
 * legacy layout would use them) and counted.
 */
#include <exos/exos.h>
#include <exos/capslot.h>
#include <exos/heap.h>
#include <exos/cffsdev.h>
#include <string.h>

#define BOUNCE_VA   0x00000e0000000000UL
#define PREFETCH_VA 0x00000e0001000000UL
#define BOUNCE_MAX  64u         /* pages of bounce region, at most */
#define REQ_MAX     64u         /* pages in one request (256 KiB) */
#define DIRECT_MIN  4u          /* shortest run of the caller's pages
				   worth a request of its own */
#define WAIT_SEC    5u          /* longest wait for the disk */
#define SECTORS     (CFFS_BSIZE / 512)

_Static_assert(CFFS_BSIZE == XOK_PGSIZE, "one block is one page");

/* A piece of a transfer that went through the bounce region. */
struct piece {
	uint8_t *buf;           /* the caller's bytes */
	uint32_t boff, n;       /* bounce page, pages */
};

static uint64_t bounce_ppn;     /* first page of the region */
static uint32_t bounce_pages;   /* 0: not set up yet */
static int dead;                /* a request never completed: no more I/O */
static struct xok_disk_done done;
static uint64_t submitted, nreads, nwrites;

/*
 * Read-ahead (ops->prefetch): one request into a region of its own,
 * started and not waited for; a later read inside its range waits for
 * it (usually long done) and copies from the region.
 */
static struct {
	uint64_t ppn;           /* region: PREFETCH_PAGES consecutive pages */
	int ready;              /* region set up (-1: could not be) */
	int valid;              /* blk, n hold a prefetch not yet used */
	uint64_t blk;
	uint32_t n;
	uint64_t seq;           /* done.done reaches this: it completed */
	uint64_t errors;        /* done.errors when it was started */
} pf;
#define PREFETCH_PAGES REQ_MAX

/* Sleep until done.done >= n or the deadline passes; 0 if it got there. */
static int
wait_until(uint64_t n, uint64_t end)
{
	struct xok_pred_insn p[8] = {
		{ .op = XP_LDU, .a = 0, .imm = (uint64_t)&done.done },
		{ .op = XP_LDI, .a = 1, .imm = n },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_LDK, .a = 2, .imm = __builtin_offsetof(struct xok_info,
		    ticks) },
		{ .op = XP_LDI, .a = 3, .imm = end },
		{ .op = XP_GEU, .a = 2, .b = 3 },
		{ .op = XP_OR, .a = 0, .b = 2 },
		{ .op = XP_RET, .a = 0 },
	};

	while (*(volatile uint64_t *)&done.done < n) {
		if (xok_ticks() >= end)
			return -1;
		sys_sleep(p, 8);
	}
	return 0;
}

static uint64_t
deadline(void)
{
	return xok_ticks() + WAIT_SEC * XOK_INFO->hz;
}

/*
 * Wait for every request submitted so far.  If one never completes its
 * pages may still be written by the disk later: the bounce region (and
 * the device with it) is given up for good.
 */
static int
drain(void)
{
	if (wait_until(submitted, deadline()) < 0) {
		dead = 1;
		return -1;
	}
	return 0;
}

/* The highest run of n free pages in the exported page table; -1: none. */
static int64_t
free_run(uint32_t n)
{
	uint64_t p = XOK_INFO->npages;
	uint32_t run = 0;

	while (p-- > 0) {
		run = XOK_PAGES[p].owner == 0 ? run + 1 : 0;
		if (run == n)
			return (int64_t)p;
	}
	return -1;
}

/* Give back the first n pages of a region at ppn, mapped at va. */
static void
release(uint64_t va, uint64_t ppn, uint32_t n)
{
	while (n-- > 0) {
		sys_page_unmap(XOK_SELF, va + (uint64_t)n * XOK_PGSIZE, 0);
		sys_page_free(ppn + n, 0);
	}
}

/* Allocate pages ppn .. ppn+n-1 by number and map them at va. */
static int
take_run(uint64_t va, uint64_t ppn, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++) {
		if (sys_page_alloc(ppn + k, 0) != (int64_t)(ppn + k)) {
			release(va, ppn, k);
			return -1;
		}
		if (sys_page_map(XOK_SELF, va + (uint64_t)k * XOK_PGSIZE,
		    ppn + k, XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0) {
			sys_page_free(ppn + k, 0);
			release(va, ppn, k);
			return -1;
		}
	}
	return 0;
}

/*
 * The bounce region: BOUNCE_MAX consecutive pages, or the longest
 * shorter run (halving) the free map has.  A run another environment
 * takes between our look and our allocation is looked for again.
 */
static int
bounce_init(void)
{
	uint32_t n;
	int64_t p;
	int tries;

	if (dead)
		return -1;
	if (bounce_pages != 0)
		return 0;
	for (n = BOUNCE_MAX; n >= 1; n /= 2)
		for (tries = 0; tries < 4; tries++) {
			if ((p = free_run(n)) < 0)
				break;
			if (take_run(BOUNCE_VA, (uint64_t)p, n) == 0) {
				bounce_ppn = (uint64_t)p;
				bounce_pages = n;
				return 0;
			}
		}
	return -1;
}

/* Physical page of the caller's page at p that the disk may move data
 * to or from directly; -1 if it must go through the bounce region. */
static int64_t
direct_ppn(const uint8_t *p)
{
	int64_t ppn = exos_heap_ppn(p);

	if (ppn < 0 || (uint64_t)ppn >= XOK_INFO->npages ||
	    (XOK_PAGES[ppn].flags & (XOK_PG_XN | XOK_PG_KERNEL)) != 0)
		return -1;
	return ppn;
}

/* How many of the n pages at p are physically consecutive direct pages
 * (at most REQ_MAX); the first page's number in *ppn. */
static uint32_t
direct_run(const uint8_t *p, uint32_t n, uint64_t *ppn)
{
	int64_t first = direct_ppn(p), q;
	uint32_t k;

	if (first < 0)
		return 0;
	if (n > REQ_MAX)
		n = REQ_MAX;
	for (k = 1; k < n; k++) {
		q = direct_ppn(p + (size_t)k * CFFS_BSIZE);
		if (q != first + (int64_t)k)
			break;
	}
	*ppn = (uint64_t)first;
	return k;
}

/*
 * Start one request: n pages at blk to (read) or from (write) the pages
 * ppn ...  While the kernel has no room (BUSY), wait for one of ours to
 * complete, or, with none in flight, give the processor away; -XE_BUSY
 * if that lasts WAIT_SEC.  0, or the kernel's error.
 */
static int
submit(int write, uint64_t blk, uint64_t ppn, uint32_t n)
{
	uint64_t end = deadline();
	int64_t r;

	while ((r = sys_disk_raw(exos_root_slot(), write, blk * SECTORS, ppn,
	    (uint64_t)n * CFFS_BSIZE, &done)) == -XE_BUSY) {
		if (xok_ticks() >= end)
			return -XE_BUSY;
		if (*(volatile uint64_t *)&done.done < submitted) {
			if (wait_until(*(volatile uint64_t *)&done.done + 1,
			    end) < 0)
				return -XE_BUSY;
		} else {
			sys_yield(XOK_SELF);
		}
	}
	if (r < 0)
		return (int)r;
	submitted++;
	return 0;
}

/* Copy the pieces of a read out of the bounce region. */
static void
copy_out(const struct piece *v, uint32_t nv)
{
	uint32_t i;

	for (i = 0; i < nv; i++)
		memcpy(v[i].buf, (const uint8_t *)BOUNCE_VA +
		    (size_t)v[i].boff * CFFS_BSIZE, (size_t)v[i].n * CFFS_BSIZE);
}

/*
 * Move count blocks at blk to (read) or from (write) buf.  Runs of at
 * least DIRECT_MIN physically consecutive heap pages of buf (or what is
 * left of buf, when shorter) are their own requests; the pages between
 * them go through the bounce region in requests as long as it allows.
 * When the region is full, everything in flight is waited for and the
 * region starts over.  Every request is waited for before returning,
 * also on failure, so no page changes under the disk.
 */
static int
xfer(int write, uint64_t blk, uint32_t count, uint8_t *buf)
{
	struct piece v[BOUNCE_MAX];
	uint64_t errs = done.errors, ppn;
	uint32_t i = 0, n, used = 0, nv = 0, run;
	int r = 0, bounce_only = 0;

	while (i < count) {
		run = bounce_only ? 0 : direct_run(buf + (size_t)i * CFFS_BSIZE,
		    count - i, &ppn);
		if (run >= DIRECT_MIN || (run > 0 && run == count - i)) {
			r = submit(write, blk + i, ppn, run);
			if (r == -XE_PERM || r == -XE_NOENT) {
				/* not ours to move after all: bounce it */
				bounce_only = 1;
				r = 0;
				continue;
			}
			if (r < 0)
				break;
			i += run;
			continue;
		}
		if (used == bounce_pages) {
			if ((r = drain()) < 0)
				break;
			if (!write)
				copy_out(v, nv);
			used = nv = 0;
		}
		/* up to where a run worth its own request starts */
		for (n = 1; i + n < count && n < REQ_MAX &&
		    used + n < bounce_pages; n++)
			if (!bounce_only && direct_run(buf + (size_t)(i + n) *
			    CFFS_BSIZE, count - i - n, &ppn) >= DIRECT_MIN)
				break;
		v[nv].buf = buf + (size_t)i * CFFS_BSIZE;
		v[nv].boff = used;
		v[nv].n = n;
		if (write)
			memcpy((uint8_t *)BOUNCE_VA + (size_t)used * CFFS_BSIZE,
			    v[nv].buf, (size_t)n * CFFS_BSIZE);
		if ((r = submit(write, blk + i, bounce_ppn + used, n)) < 0)
			break;
		nv++;
		used += n;
		i += n;
		bounce_only = 0;
	}
	if (drain() < 0 || r < 0 || done.errors != errs)
		return -1;
	if (!write)
		copy_out(v, nv);
	return 0;
}

/*
 * Blocks [blk, blk + count) from the prefetch, if it holds them: 1 if
 * copied to buf, 0 if the caller must read them.
 */
static int
prefetched(uint64_t blk, uint32_t count, void *buf)
{
	if (!pf.valid || blk < pf.blk || blk - pf.blk + count > pf.n)
		return 0;
	pf.valid = 0;
	if (wait_until(pf.seq, deadline()) < 0) {
		dead = 1;
		return 0;
	}
	if (done.errors != pf.errors)
		return 0;       /* some request failed: read it again */
	memcpy(buf, (const uint8_t *)PREFETCH_VA +
	    (size_t)(blk - pf.blk) * CFFS_BSIZE, (size_t)count * CFFS_BSIZE);
	return 1;
}

static int
dev_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct cffs_bdev *dev = ctx;

	if (blk >= dev->nblocks || count > dev->nblocks - blk || dead)
		return -CFFS_EIO;
	if (!prefetched(blk, count, buf) &&
	    (bounce_init() < 0 || xfer(0, blk, count, buf) < 0))
		return -CFFS_EIO;
	nreads += count;
	return 0;
}

/*
 * Start reading count blocks at blk into the prefetch region; count 0
 * forgets what a prefetch read (the blocks are about to change on disk).
 * The region is reused only once its last request has completed.
 */
static int
dev_prefetch(void *ctx, uint64_t blk, uint32_t count)
{
	struct cffs_bdev *dev = ctx;
	int64_t p;

	pf.valid = 0;
	if (count == 0 || count > PREFETCH_PAGES || blk >= dev->nblocks ||
	    count > dev->nblocks - blk || dead || pf.ready < 0)
		return 0;
	if (!pf.ready) {
		if ((p = free_run(PREFETCH_PAGES)) < 0 ||
		    take_run(PREFETCH_VA, (uint64_t)p, PREFETCH_PAGES) < 0) {
			pf.ready = -1;  /* no read-ahead, reads still work */
			return 0;
		}
		pf.ppn = (uint64_t)p;
		pf.ready = 1;
	}
	if (wait_until(pf.seq, deadline()) < 0) {
		dead = 1;
		return -CFFS_EIO;
	}
	pf.errors = done.errors;
	if (submit(0, blk, pf.ppn, count) < 0)
		return -CFFS_EIO;
	pf.blk = blk;
	pf.n = count;
	pf.seq = submitted;
	pf.valid = 1;
	return 0;
}

static int
dev_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	struct cffs_bdev *dev = ctx;

	if (pf.valid && blk < pf.blk + pf.n && pf.blk < blk + count)
		pf.valid = 0;   /* the prefetch is older than this write */
	/* xfer only reads buf when writing */
	if (blk >= dev->nblocks || count > dev->nblocks - blk ||
	    bounce_init() < 0 || xfer(1, blk, count, (uint8_t *)buf) < 0)
		return -CFFS_EIO;
	nwrites += count;
	return 0;
}

/* Each DISK_RAW write has completed when it is counted. */
static int
dev_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
dev_now(void *ctx, struct cffs_time *t)
{
	uint64_t ns = XOK_INFO->ns;

	(void)ctx;
	t->sec = (int64_t)(ns / 1000000000u);
	t->nsec = (uint32_t)(ns % 1000000000u);
}

static const struct cffs_bdev_ops ops = { dev_read, dev_write, dev_flush,
	dev_now, dev_prefetch };

int
exos_cffs_bdev(struct cffs_bdev *dev)
{
	struct xok_xn_stat st;

	if (sys_xn_stat(&st) < 0 || st.nblocks == 0)
		return -CFFS_EIO;
	dev->ops = &ops;
	dev->ctx = dev;
	dev->nblocks = st.nblocks;
	return 0;
}

uint64_t
exos_cffs_raw_reads(void)
{
	return nreads;
}

uint64_t
exos_cffs_raw_writes(void)
{
	return nwrites;
}
