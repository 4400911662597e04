/*
 * xn/host/memdisk.c: an XN disk in memory (host only).  It can record
 * every write and flush, so a test can rebuild the disk as it was after
 * any prefix of the write stream (a crash at that instant), and it can
 * fail writes after a count to test I/O errors.  Its batched write
 * (xn_memdisk_batch) writes, logs and fails block by block too, and its
 * batched read is a loop of reads.
 */
#include <xn/host.h>
#include <stdlib.h>

static int
md_read(void *ctx, uint32_t b, void *buf)
{
	struct xn_memdisk *m = ctx;

	if (b >= m->disk.nblocks)
		return -1;
	memcpy(buf, m->data + (size_t)b * XN_BLOCK_SIZE, XN_BLOCK_SIZE);
	return 0;
}

static int
md_log(struct xn_memdisk *m, uint32_t b, const void *buf)
{
	struct xn_memlog *l;

	if (m->nlog == m->caplog) {
		uint32_t cap = m->caplog ? m->caplog * 2 : 256;
		l = realloc(m->log, cap * sizeof *l);
		if (l == NULL)
			return -1;
		m->log = l;
		m->caplog = cap;
	}
	l = &m->log[m->nlog];
	l->block = b;
	l->data = NULL;
	if (buf) {
		if ((l->data = malloc(XN_BLOCK_SIZE)) == NULL)
			return -1;
		memcpy(l->data, buf, XN_BLOCK_SIZE);
	}
	m->nlog++;
	return 0;
}

static int
md_write(void *ctx, uint32_t b, const void *buf)
{
	struct xn_memdisk *m = ctx;

	if (b >= m->disk.nblocks)
		return -1;
	if (m->fail_after >= 0 && m->nwrites >= (uint64_t)m->fail_after)
		return -1;
	m->nwrites++;
	if (m->logging && md_log(m, b, buf) < 0)
		return -1;
	memcpy(m->data + (size_t)b * XN_BLOCK_SIZE, buf, XN_BLOCK_SIZE);
	return 0;
}

static int
md_flush(void *ctx)
{
	struct xn_memdisk *m = ctx;

	if (m->logging)
		return md_log(m, XN_NOBLOCK, NULL);
	return 0;
}

static const struct xn_disk_ops md_ops = { md_read, md_write, md_flush };

/* One block at a time, in the order given, so the log (and a crash cut
   at any write) looks exactly as with per-block writes. */
static int
md_write_many(void *ctx, const uint32_t *blocks, const void *const *pages,
              uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (md_write(ctx, blocks[i], pages[i]) < 0)
			return -1;
	return 0;
}

/* Reads one by one; each block's result in err[]. */
static int
md_read_many(void *ctx, const uint32_t *blocks, void *const *pages,
             uint32_t n, int *err)
{
	uint32_t i;
	int r = 0;

	for (i = 0; i < n; i++)
		if ((err[i] = md_read(ctx, blocks[i], pages[i])) < 0)
			r = -1;
	return r;
}

const struct xn_disk_batch xn_memdisk_batch = { md_write_many,
	md_read_many };

int
xn_memdisk_init(struct xn_memdisk *m, uint32_t nblocks)
{
	memset(m, 0, sizeof *m);
	m->data = calloc(nblocks, XN_BLOCK_SIZE);
	if (m->data == NULL)
		return XN_ENOMEM;
	m->disk.ops = &md_ops;
	m->disk.ctx = m;
	m->disk.nblocks = nblocks;
	m->fail_after = -1;
	return 0;
}

void
xn_memdisk_log_clear(struct xn_memdisk *m)
{
	uint32_t i;

	for (i = 0; i < m->nlog; i++)
		free(m->log[i].data);
	m->nlog = 0;
}

void
xn_memdisk_free(struct xn_memdisk *m)
{
	xn_memdisk_log_clear(m);
	free(m->log);
	free(m->data);
	memset(m, 0, sizeof *m);
}

void
xn_memdisk_replay(const struct xn_memdisk *m, uint8_t *image, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && i < m->nlog; i++)
		if (m->log[i].block != XN_NOBLOCK)
			memcpy(image + (size_t)m->log[i].block * XN_BLOCK_SIZE,
			       m->log[i].data, XN_BLOCK_SIZE);
}
