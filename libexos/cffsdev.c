/*
 * cffsdev.c: C-FFS's block device in the guest.  Blocks move through
 * DISK_RAW (root capability: the caller holds it in slot 0), one 4 KiB
 * request per block, all of a transfer in flight at once, into bounce
 * pages whose physical numbers we know; completion is counted by the
 * kernel in our memory and waited for with a wake-up predicate.
 *
 * Over XN only reads happen here: C-FFS's metadata and data reach the
 * disk through XN's calls (xnclient.c), which write synchronously, so
 * a read after them sees what they wrote.  Writes are implemented (the
 * legacy layout would use them) and counted.
 */
#include <exos/exos.h>
#include <exos/cffsdev.h>

#define NBOUNCE   16
#define BOUNCE_VA 0x00000e0000000000UL
#define SECTORS   (CFFS_BSIZE / 512)

static uint64_t bounce_ppn[NBOUNCE];
static int bounce_ready;
static struct xok_disk_done done;
static uint64_t submitted, nreads, nwrites;

/* Sleep until done.done >= n or 5 s pass; 0 if it got there. */
static int
wait_done(uint64_t n)
{
	uint64_t end = xok_ticks() + 5 * XOK_INFO->hz;
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

static int
bounce_init(void)
{
	int64_t ppn;
	int i;

	if (bounce_ready)
		return 0;
	for (i = 0; i < NBOUNCE; i++) {
		if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
		    sys_page_map(XOK_SELF, BOUNCE_VA + (uint64_t)i * XOK_PGSIZE,
		    (uint64_t)ppn, XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0)
			return -1;
		bounce_ppn[i] = (uint64_t)ppn;
	}
	bounce_ready = 1;
	return 0;
}

/* Move count blocks at blk (at most NBOUNCE) to or from the bounce pages. */
static int
xfer(int write, uint64_t blk, uint32_t count)
{
	uint64_t errs = done.errors;
	uint32_t i;
	int64_t r;

	for (i = 0; i < count; i++) {
		while ((r = sys_disk_raw(0, write, (blk + i) * SECTORS,
		    bounce_ppn[i], CFFS_BSIZE, &done)) == -XE_BUSY)
			if (wait_done(*(volatile uint64_t *)&done.done + 1) < 0)
				return -1;
		if (r < 0) {
			/* let what was queued finish before the pages move */
			wait_done(submitted);
			return -1;
		}
		submitted++;
	}
	if (wait_done(submitted) < 0)
		return -1;      /* pages may still be in flight: give up */
	return done.errors == errs ? 0 : -1;
}

static int
dev_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct cffs_bdev *dev = ctx;
	uint32_t n;

	if (blk >= dev->nblocks || count > dev->nblocks - blk ||
	    bounce_init() < 0)
		return -CFFS_EIO;
	for (; count; count -= n, blk += n) {
		n = count < NBOUNCE ? count : NBOUNCE;
		if (xfer(0, blk, n) < 0)
			return -CFFS_EIO;
		memcpy(buf, (void *)BOUNCE_VA, (size_t)n * CFFS_BSIZE);
		buf = (uint8_t *)buf + (size_t)n * CFFS_BSIZE;
		nreads += n;
	}
	return 0;
}

static int
dev_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	struct cffs_bdev *dev = ctx;
	uint32_t n;

	if (blk >= dev->nblocks || count > dev->nblocks - blk ||
	    bounce_init() < 0)
		return -CFFS_EIO;
	for (; count; count -= n, blk += n) {
		n = count < NBOUNCE ? count : NBOUNCE;
		memcpy((void *)BOUNCE_VA, buf, (size_t)n * CFFS_BSIZE);
		if (xfer(1, blk, n) < 0)
			return -CFFS_EIO;
		buf = (const uint8_t *)buf + (size_t)n * CFFS_BSIZE;
		nwrites += n;
	}
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
	dev_now };

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
