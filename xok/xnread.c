/*
 * xnread.c: XN_READ, how a library file system that holds no root
 * capability reads the disk.  XN protects changes, not reads (docs/XN.md,
 * "The model"): any environment may already map a cached block's page
 * read-only.  XN_READ gives the current bytes of up to XOK_XN_READ_MAX
 * consecutive blocks as XN sees them, copied into the caller's memory:
 *   - a block in XN's buffer-cache registry: its page (so a change one
 *     libFS committed is what every other reads next, written back or
 *     not);
 *   - a free data-area block: zeros (a freed block's old bytes are
 *     nobody's business), and so is a fresh one (allocated, never
 *     written back, not cached): XN_BC_INSERT zero-fills it, and its
 *     disk block still holds whatever a freed block left there;
 *   - any other block (an allocated block nobody caches, XN's own area):
 *     the disk, the uncached blocks of one call read together.
 * No capability is needed and nothing in XN changes.
 */
#include "kern.h"
#include <xn/xn.h>

/* xnsys.c: XN when it is mounted, else NULL. */
struct xn *xnsys_xn(void);

static uint8_t rbuf[XOK_XN_READ_MAX][XN_BLOCK_SIZE]
    __attribute__((aligned(4096)));
static uint32_t rblk[XOK_XN_READ_MAX];
static void *rpg[XOK_XN_READ_MAX];
static int rerr[XOK_XN_READ_MAX];
static const uint8_t zero[XN_BLOCK_SIZE];

int64_t
sys_xn_read(uint64_t block, uint64_t n, uaddr_t ubuf)
{
	struct xn *x = xnsys_xn();
	const void *src[XOK_XN_READ_MAX];
	struct xn_bc_info bi;
	struct xn_block_info bs;
	uint32_t i, m = 0, b;
	int err;

	if (x == NULL)
		return -XE_NODEV;
	if (n == 0 || n > XOK_XN_READ_MAX)
		return -XE_INVAL;
	if (block >= x->nblocks || n > x->nblocks - block)
		return -XE_RANGE;
	if (!user_range_ok(ubuf, n * XN_BLOCK_SIZE))
		return -XE_FAULT;
	for (i = 0; i < n; i++) {
		b = (uint32_t)block + i;
		if (b >= x->data_start && xn_bc_lookup(x, b, &bi) == 0 &&
		    bi.page != NULL) {
			src[i] = bi.page;
			continue;
		}
		if (b >= x->data_start && xn_block_info(x, b, &bs) == 0 &&
		    (bs.type == 0 || (bs.flags & XN_BS_FRESH))) {
			src[i] = zero;
			continue;
		}
		rblk[m] = b;
		rpg[m] = rbuf[m];
		src[i] = rbuf[m++];
	}
	if (m > 0 && x->batch.read_many != NULL) {
		if (x->batch.read_many(x->disk.ctx, rblk, rpg, m, rerr) < 0)
			return XN_EIO - XE_XN;
		for (i = 0; i < m; i++)
			if (rerr[i] < 0)
				return XN_EIO - XE_XN;
	} else {
		for (i = 0; i < m; i++)
			if (x->disk.ops->read(x->disk.ctx, rblk[i], rpg[i]) < 0)
				return XN_EIO - XE_XN;
	}
	for (i = 0; i < n; i++)
		if ((err = copyout(curenv, ubuf + (uint64_t)i * XN_BLOCK_SIZE,
		    src[i], XN_BLOCK_SIZE)) < 0)
			return err;
	return 0;
}
