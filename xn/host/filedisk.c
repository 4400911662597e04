/*
 * xn/host/filedisk.c: an XN disk backed by an image file (host only),
 * with batched I/O (xn_filedisk_batch) that is a loop of pwrite and
 * of pread.
 */
#define _GNU_SOURCE
#include <xn/host.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

static int
fd_read(void *ctx, uint32_t b, void *buf)
{
	struct xn_filedisk *d = ctx;

	if (b >= d->disk.nblocks)
		return -1;
	return pread(d->fd, buf, XN_BLOCK_SIZE, (off_t)b * XN_BLOCK_SIZE) ==
	       XN_BLOCK_SIZE ? 0 : -1;
}

static int
fd_write(void *ctx, uint32_t b, const void *buf)
{
	struct xn_filedisk *d = ctx;

	if (b >= d->disk.nblocks)
		return -1;
	return pwrite(d->fd, buf, XN_BLOCK_SIZE, (off_t)b * XN_BLOCK_SIZE) ==
	       XN_BLOCK_SIZE ? 0 : -1;
}

static int
fd_flush(void *ctx)
{
	struct xn_filedisk *d = ctx;

	if (!d->sync)
		return 0;
	return fdatasync(d->fd) == 0 ? 0 : -1;
}

static const struct xn_disk_ops fd_ops = { fd_read, fd_write, fd_flush };

static int
fd_write_many(void *ctx, const uint32_t *blocks, const void *const *pages,
              uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (fd_write(ctx, blocks[i], pages[i]) < 0)
			return -1;
	return 0;
}

static int
fd_read_many(void *ctx, const uint32_t *blocks, void *const *pages,
             uint32_t n, int *err)
{
	uint32_t i;
	int r = 0;

	for (i = 0; i < n; i++)
		if ((err[i] = fd_read(ctx, blocks[i], pages[i])) < 0)
			r = -1;
	return r;
}

const struct xn_disk_batch xn_filedisk_batch = { fd_write_many,
	fd_read_many };

int
xn_filedisk_open(struct xn_filedisk *d, const char *path, uint32_t nblocks,
                 int create, int sync)
{
	struct stat st;

	if (d == NULL || path == NULL)
		return XN_EINVAL;
	d->fd = open(path, O_RDWR | (create ? O_CREAT : 0), 0644);
	if (d->fd < 0)
		return XN_EIO;
	if (create) {
		if (ftruncate(d->fd, (off_t)nblocks * XN_BLOCK_SIZE) < 0)
			goto fail;
	} else {
		if (fstat(d->fd, &st) < 0)
			goto fail;
		nblocks = (uint32_t)(st.st_size / XN_BLOCK_SIZE);
	}
	d->disk.ops = &fd_ops;
	d->disk.ctx = d;
	d->disk.nblocks = nblocks;
	d->sync = sync;
	return 0;
fail:
	close(d->fd);
	d->fd = -1;
	return XN_EIO;
}

void
xn_filedisk_close(struct xn_filedisk *d)
{
	if (d && d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
}
