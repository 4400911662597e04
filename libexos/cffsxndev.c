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
 */
#include <exos/exos.h>
#include <exos/cffsdev.h>

static uint64_t nreads;

static int
xd_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct cffs_bdev *dev = ctx;
	uint32_t k;

	if (blk >= dev->nblocks || count > dev->nblocks - blk)
		return -CFFS_EIO;
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
