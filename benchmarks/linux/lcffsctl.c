/*
 * lcffsctl.c: the control of `make bench-cffs`: the same workload
 * (benchmarks/cffs/workload.h) on the same C-FFS library (libcffs, built
 * for Linux) with the same file operations (benchmarks/cffs/cffsops.h)
 * as the Xok side, but as a plain Linux program over /dev/vda, in the
 * Linux guest.  Set against the Xok row it shows what the operating
 * system is worth; set against ext4's, what the file system's design is.
 *
 * The block device: reads with O_DIRECT straight into C-FFS's buffers
 * (through an aligned bounce buffer when they are not aligned), so no
 * cache below C-FFS serves them, as on Xok (libexos/cffsdev.c);
 * read-ahead (ops->prefetch) as one asynchronous read (Linux native AIO)
 * into a region of its own, as on Xok.  Writes as a plain Linux program
 * makes them: pwrite to a second, buffered descriptor, which Linux
 * merges and sends at the flush, fdatasync (Xok's C-FFS sends its
 * writes asynchronously, merged, through XN's write-back; a direct
 * write here would wait for each).  A direct read of a block still
 * dirty in Linux's page cache writes it out first, so the two agree.
 * Making the caches cold is an unmount and a mount, as on Xok, and
 * drop_caches.  Prints "BENCH|name|value|unit" lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cffs/cffs.h>

#define FS_ROOT "/"
#define PF_MAX 64u              /* blocks in one read-ahead, as on Xok */
#define BOUNCE_MAX 256u         /* blocks of the bounce buffer */

static struct cffs_bdev dev;
static int fd = -1, wfd = -1;
static uint8_t *bounce, *pfbuf;
static aio_context_t ctx;
static struct {
	int valid, inflight;
	uint64_t blk;
	uint32_t n;
	long res;
} pf;

#include "../cffs/cffsops.h"

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
fs_phase_begin(void)
{
}

static void
fs_phase_end(uint64_t ns)
{
	(void)ns;
}

/* Wait for the read-ahead in flight, if any. */
static void
pf_wait(void)
{
	struct io_event ev;

	while (pf.inflight) {
		if (syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) == 1) {
			pf.res = (long)ev.res;
			pf.inflight = 0;
		} else if (errno != EINTR) {
			pf.inflight = 0;
			pf.res = -1;
		}
	}
}

/* Read count blocks at blk, O_DIRECT, through the bounce buffer if
 * need be. */
static int
readblocks(uint64_t blk, uint32_t count, uint8_t *buf)
{
	while (count > 0) {
		uint32_t n = count;
		uint8_t *p = buf;
		size_t len;
		ssize_t k;

		if ((uintptr_t)buf % 4096 != 0) {
			n = count < BOUNCE_MAX ? count : BOUNCE_MAX;
			p = bounce;
		}
		len = (size_t)n * CFFS_BSIZE;
		k = pread(fd, p, len, (off_t)(blk * CFFS_BSIZE));
		if (k < 0 && errno == EINTR)
			continue;
		if (k != (ssize_t)len)
			return -CFFS_EIO;
		if (p != buf)
			memcpy(buf, p, len);
		blk += n, count -= n, buf += len;
	}
	return 0;
}

static int
dev_read(void *c, uint64_t blk, uint32_t count, void *buf)
{
	(void)c;
	if (blk >= dev.nblocks || count > dev.nblocks - blk)
		return -CFFS_EIO;
	if (pf.valid && blk >= pf.blk && blk - pf.blk + count <= pf.n) {
		pf.valid = 0;
		pf_wait();
		if (pf.res == (long)pf.n * CFFS_BSIZE) {
			memcpy(buf, pfbuf + (blk - pf.blk) * CFFS_BSIZE,
			    (size_t)count * CFFS_BSIZE);
			return 0;
		}
	}
	return readblocks(blk, count, buf);
}

static int
dev_write(void *c, uint64_t blk, uint32_t count, const void *buf)
{
	(void)c;
	if (pf.valid && blk < pf.blk + pf.n && pf.blk < blk + count)
		pf.valid = 0;
	if (blk >= dev.nblocks || count > dev.nblocks - blk)
		return -CFFS_EIO;
	{
		size_t len = (size_t)count * CFFS_BSIZE, done = 0;
		ssize_t k;

		while (done < len) {
			k = pwrite(wfd, (const uint8_t *)buf + done, len - done,
			    (off_t)(blk * CFFS_BSIZE + done));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return -CFFS_EIO;
			done += (size_t)k;
		}
	}
	return 0;
}

static int
dev_flush(void *c)
{
	(void)c;
	return fdatasync(wfd) < 0 ? -CFFS_EIO : 0;
}

static void
dev_now(void *c, struct cffs_time *t)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = (uint32_t)ts.tv_nsec;
}

static int
dev_prefetch(void *c, uint64_t blk, uint32_t count)
{
	struct iocb cb, *cbp = &cb;

	(void)c;
	pf.valid = 0;
	pf_wait();              /* the region is reused only when idle */
	if (count == 0 || count > PF_MAX || blk >= dev.nblocks ||
	    count > dev.nblocks - blk)
		return 0;
	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = (uint32_t)fd;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	cb.aio_buf = (uint64_t)(uintptr_t)pfbuf;
	cb.aio_nbytes = (uint64_t)count * CFFS_BSIZE;
	cb.aio_offset = (int64_t)(blk * CFFS_BSIZE);
	if (syscall(SYS_io_submit, ctx, 1, &cbp) != 1)
		return 0;       /* no read-ahead; reads still work */
	pf.inflight = 1;
	pf.valid = 1;
	pf.blk = blk;
	pf.n = count;
	return 0;
}

static const struct cffs_bdev_ops ops = { dev_read, dev_write, dev_flush,
	dev_now, dev_prefetch };

/* Unmount (writes back, frees C-FFS's cache), drop Linux's, mount. */
static int
fs_cold(void)
{
	int r, dfd;

	if ((r = cffs_unmount(fs)) < 0)
		return r;
	fs = NULL;
	pf.valid = 0;
	pf_wait();
	if ((dfd = open("/proc/sys/vm/drop_caches", O_WRONLY)) >= 0) {
		if (write(dfd, "3\n", 2) != 2)
			printf("BENCH-ERROR drop_caches\n");
		close(dfd);
	}
	return cffs_mount(&dev, 0, &fs);
}

#include "../cffs/workload.h"

int
main(void)
{
	uint64_t size = 0;
	int r;

	fd = open("/dev/vda", O_RDONLY | O_DIRECT);
	wfd = open("/dev/vda", O_WRONLY);
	if (fd < 0 || wfd < 0 || ioctl(fd, BLKGETSIZE64, &size) < 0) {
		printf("BENCH-ERROR no /dev/vda\n");
		goto out;
	}
	if (posix_memalign((void **)&bounce, 4096, BOUNCE_MAX * CFFS_BSIZE) ||
	    posix_memalign((void **)&pfbuf, 4096, PF_MAX * CFFS_BSIZE) ||
	    syscall(SYS_io_setup, 4, &ctx) < 0) {
		printf("BENCH-ERROR buffers or io_setup\n");
		goto out;
	}
	dev.ops = &ops;
	dev.ctx = &dev;
	dev.nblocks = size / CFFS_BSIZE;
	printf("BENCH-START disk %lu MiB, C-FFS library as a Linux program "
	    "over /dev/vda (direct reads, buffered writes)\n", (unsigned long)(size >> 20));
	if ((r = cffs_mkfs(&dev, dev.nblocks)) < 0 ||
	    (r = cffs_mount(&dev, 0, &fs)) < 0) {
		printf("BENCH-ERROR mkfs/mount: %s\n", cffs_strerror(r));
		goto out;
	}
	run_workload();
	if (fs != NULL && (r = cffs_unmount(fs)) < 0)
		printf("BENCH-ERROR unmount: %s\n", cffs_strerror(r));
out:
	printf("BENCH-END\n");
	fflush(stdout);
	sync();                 /* /init powers off */
	return 0;
}
