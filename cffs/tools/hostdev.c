/*
 * hostdev.c - C-FFS block devices for the host: a file (pread/pwrite,
 * fsync) or a memory buffer.  Both stamp times from the host clock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hostdev.h"

static int
f_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct hostdev *hd = ctx;
	size_t len = (size_t)count * CFFS_BSIZE, done = 0;
	ssize_t n;

	if (blk + count > hd->dev.nblocks)
		return -CFFS_EIO;
	while (done < len) {
		n = pread(hd->fd, (char *)buf + done, len - done,
		          (off_t)(blk * CFFS_BSIZE + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -CFFS_EIO;
		if (n == 0) {           /* short file: reads as zeros */
			memset((char *)buf + done, 0, len - done);
			break;
		}
		done += (size_t)n;
	}
	return 0;
}

static int
f_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	struct hostdev *hd = ctx;
	size_t len = (size_t)count * CFFS_BSIZE, done = 0;
	ssize_t n;

	if (blk + count > hd->dev.nblocks)
		return -CFFS_EIO;
	while (done < len) {
		n = pwrite(hd->fd, (const char *)buf + done, len - done,
		           (off_t)(blk * CFFS_BSIZE + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -CFFS_EIO;
		done += (size_t)n;
	}
	return 0;
}

static int
f_flush(void *ctx)
{
	struct hostdev *hd = ctx;

	return fsync(hd->fd) < 0 ? -CFFS_EIO : 0;
}

static void
h_now(void *ctx, struct cffs_time *t)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = (uint32_t)ts.tv_nsec;
}

static const struct cffs_bdev_ops file_ops = { f_read, f_write, f_flush, h_now,
	NULL };

int
hostdev_open(struct hostdev *hd, const char *path, uint64_t size, int rdonly)
{
	struct stat st;

	memset(hd, 0, sizeof(*hd));
	hd->fd = open(path, rdonly ? O_RDONLY : (size ? O_RDWR | O_CREAT : O_RDWR),
	              0644);
	if (hd->fd < 0)
		return -errno;
	if (size > 0 && ftruncate(hd->fd, (off_t)size) < 0) {
		int e = errno;

		close(hd->fd);
		return -e;
	}
	if (fstat(hd->fd, &st) < 0) {
		int e = errno;

		close(hd->fd);
		return -e;
	}
	hd->dev.ops = &file_ops;
	hd->dev.ctx = hd;
	hd->dev.nblocks = (uint64_t)st.st_size / CFFS_BSIZE;
	hd->fail_after = -1;
	return 0;
}

static int
m_read(void *ctx, uint64_t blk, uint32_t count, void *buf)
{
	struct hostdev *hd = ctx;

	if (blk + count > hd->dev.nblocks)
		return -CFFS_EIO;
	hd->nreads++;
	memcpy(buf, hd->mem + blk * CFFS_BSIZE, (size_t)count * CFFS_BSIZE);
	return 0;
}

static int
m_write(void *ctx, uint64_t blk, uint32_t count, const void *buf)
{
	struct hostdev *hd = ctx;

	if (blk + count > hd->dev.nblocks)
		return -CFFS_EIO;
	if (hd->fail_after == 0)
		return -CFFS_EIO;
	if (hd->fail_after > 0)
		hd->fail_after--;
	hd->nwrites++;
	memcpy(hd->mem + blk * CFFS_BSIZE, buf, (size_t)count * CFFS_BSIZE);
	return 0;
}

static int
m_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct cffs_bdev_ops mem_ops = { m_read, m_write, m_flush, h_now,
	NULL };

int
hostdev_mem(struct hostdev *hd, uint64_t nblocks, const void *img,
            size_t imglen)
{
	memset(hd, 0, sizeof(*hd));
	hd->fd = -1;
	hd->mem = calloc(nblocks ? nblocks : 1, CFFS_BSIZE);
	if (hd->mem == NULL)
		return -ENOMEM;
	if (img != NULL)
		memcpy(hd->mem, img, imglen < nblocks * CFFS_BSIZE ? imglen
		                                       : nblocks * CFFS_BSIZE);
	hd->dev.ops = &mem_ops;
	hd->dev.ctx = hd;
	hd->dev.nblocks = nblocks;
	hd->fail_after = -1;
	return 0;
}

void
hostdev_close(struct hostdev *hd)
{
	if (hd->fd >= 0)
		close(hd->fd);
	free(hd->mem);
	hd->mem = NULL;
	hd->fd = -1;
}
