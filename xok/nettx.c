/*
 * nettx.c: the transmit calls, NET_TRANSMIT (a frame copied from the
 * caller) and NET_TRANSMITV (a frame gathered from pieces of the
 * caller's memory, its body sent without a copy), and the source check
 * both make (docs/NETWORK.md, "Transmit").
 *
 * The source check: the frame's source MAC address must be the card's,
 * and the frame's mirror image -- the reply to it (pfmirror.c) -- must be
 * claimed by one of the sender's own packet filters, unless the sender
 * holds W on {0xfe} (root, or a network service).  So an environment
 * sends only from the addresses and ports it receives on, and cannot
 * forge another environment's connections.
 *
 * Zero copy: the kernel copies the frame's first XOK_NET_TXHDR bytes
 * (what it checks: a sender that rewrites its pages after the check
 * changes only the body) and hands the card the rest as physical
 * segments of the caller's pages.  Those pages are pinned (pages_ref:
 * they cannot be freed, and if the sender dies they live until the card
 * is done) and unpinned when the card finishes the frame or a reset
 * drops it; then the completion word, if the sender gave one and still
 * owns its page, is incremented.
 */
#include "kern.h"
#include "dev/virtio_net.h"
#include "nettxo.h"

/* A zero-copy frame in flight: what it pinned. */
struct zc_frame {
	uint32_t owner;
	uint32_t npin;
	uint64_t pin[VNET_MAX_SEGS + 1];
	uint64_t done_ppn;              /* completion word's page, or ~0 */
	uint64_t done_off;
};

static struct zc_frame inflight[VNET_MAX_ZC];
static const struct xok_cap net_guard = { .valid = 1, .len = 2,
	.name = { XOK_CAPNAME_NET, XOK_CAPNAME_NET_USE } };
static const struct xok_cap override_guard = { .valid = 1, .len = 1,
	.name = { XOK_CAPNAME_NET } };

static void
unpin(const uint64_t *ppn, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		pages_unref(&pages, ppn[i]);
}

/* The card is done with zero-copy slot k, or a reset lost it. */
static void
tx_done(unsigned k, int lost)
{
	struct zc_frame *z;
	const struct xok_page_info *pi;

	if (k >= sizeof(inflight) / sizeof(inflight[0]))
		return;
	z = &inflight[k];
	if (lost)
		info->net.tx_lost++;
	if (z->done_ppn != ~0ULL) {
		pi = &pages.info[z->done_ppn];
		if (pi->owner == z->owner && pi->flags == 0)
			(*(volatile uint64_t *)((uint8_t *)KADDR(z->done_ppn *
			    PGSIZE) + z->done_off))++;
	}
	unpin(z->pin, z->npin);
	z->npin = 0;
	z->done_ppn = ~0ULL;
}

void
nettx_init(void)
{
	vnet_set_txdone(tx_done);
}

/*
 * The source check on a frame of total bytes whose first len bytes
 * (all the kernel holds a copy of) are frame: 0 or -XE_PERM.  When
 * len < total (NET_TRANSMITV's head) and a filter with terms past len
 * might take the reply, the bytes that decide are in the caller's pages
 * and may change after the check: the frame is refused unless every
 * such filter is the sender's (NETWORK.md, "Transmit").
 */
static int
source_ok(uint64_t slot, const uint8_t *frame, size_t len, size_t total)
{
	if (memcmp(frame + 6, info->net.mac, 6) != 0 ||
	    (!cap_slot_allows(slot, &override_guard, XOK_CAP_W) &&
	    net_reply_owner(frame, len, total) != curenv->id)) {
		info->net.tx_refused++;
		return -XE_PERM;
	}
	return 0;
}

/*
 * NET_TRANSMIT(slot, frame, len): send len bytes copied from the
 * caller's memory, after the source check.
 */
int64_t
sys_net_transmit(uint64_t slot, uaddr_t uframe, uint64_t len)
{
	uint8_t buf[XOK_NET_FRAME_MAX];
	int err;

	if ((err = cap_check(slot, &net_guard, XOK_CAP_W)) < 0)
		return err;
	if (!info->net.present)
		return -XE_NODEV;
	if (len < XOK_NET_FRAME_MIN || len > XOK_NET_FRAME_MAX)
		return -XE_INVAL;
	if ((err = copyin(curenv, buf, uframe, len)) < 0)
		return err;
	if ((err = source_ok(slot, buf, len, len)) < 0)
		return err;
	return vnet_send(buf, len);
}

/* The completion word: its page and offset, checked (aligned, mapped
 * writable, the caller's own ordinary page). */
static int
done_word(uaddr_t done, uint64_t *ppn, uint64_t *off)
{
	uint64_t perm;
	int64_t p;
	const struct xok_page_info *pi;

	if (done % 8 || !user_range_ok(done, 8))
		return -XE_FAULT;
	if ((p = pmap_lookup_perm(curenv, done & ~(uint64_t)(PGSIZE - 1),
	    &perm)) < 0 || !(perm & XOK_PTE_W))
		return -XE_FAULT;
	pi = &pages.info[p];
	if (pi->owner != curenv->id || pi->flags != 0)
		return -XE_PERM;
	*ppn = (uint64_t)p;
	*off = done % PGSIZE;
	return 0;
}

/*
 * NET_TRANSMITV(slot, v, n, done): send the frame made of the n pieces
 * at v, in order; the first XOK_NET_TXHDR bytes are copied and checked,
 * the rest is read by the card from the caller's pages.  *done (if done
 * is not 0) gets +1 when the card has finished with the frame (or a
 * reset dropped it).  0, or -XE_*; -XE_BUSY when every zero-copy slot is
 * in flight.
 */
int64_t
sys_net_transmitv(uint64_t slot, uaddr_t uv, uint64_t n, uaddr_t done)
{
	return nettx_gather(slot, uv, n, done, 0);
}

/* NET_TRANSMITV's work, and NET_TRANSMITO's with offload != 0: its
 * headers checked and its virtio-net header built by nettxo_check
 * (nettxo.c) from the copied head. */
int64_t
nettx_gather(uint64_t slot, uaddr_t uv, uint64_t n, uaddr_t done,
    uint64_t offload)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	uint8_t head[XOK_NET_TXHDR];
	struct vnet_seg seg[VNET_MAX_SEGS];
	uint64_t pin[VNET_MAX_SEGS + 1];
	uint64_t total = 0, hl, skip, i, va, left, k, dppn = ~0ULL, doff = 0;
	uint64_t max = nettxo_frame_max(offload);
	uint32_t nseg = 0, npin = 0;
	struct vnet_hdr vh;
	int64_t ppn, r;
	int err;

	if ((err = cap_check(slot, &net_guard, XOK_CAP_W)) < 0)
		return err;
	if (!info->net.present)
		return -XE_NODEV;
	if (info->net.dead)
		return -XE_DEAD;
	if (n < 1 || n > XOK_NET_PIECES_MAX)
		return -XE_INVAL;
	if ((err = copyin(curenv, v, uv, n * sizeof(v[0]))) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if (v[i].len > max)
			return -XE_INVAL;
		total += v[i].len;
	}
	if (total < XOK_NET_FRAME_MIN || total > max)
		return -XE_INVAL;
	for (i = 0; i < n; i++)
		if (v[i].len && !user_range_ok(v[i].va, v[i].len))
			return -XE_FAULT;
	if (done && (err = done_word(done, &dppn, &doff)) < 0)
		return err;

	/* The head: copied, then checked. */
	hl = total < XOK_NET_TXHDR ? total : XOK_NET_TXHDR;
	for (i = 0, k = 0; i < n && k < hl; i++) {
		left = v[i].len < hl - k ? v[i].len : hl - k;
		if (left && (err = copyin(curenv, head + k, v[i].va, left)) < 0)
			return err;
		k += left;
	}
	if ((err = source_ok(slot, head, hl, total)) < 0)
		return err;
	if (offload && (err = nettxo_check(head, hl, total, offload, &vh)) < 0)
		return err;

	/* The body: the physical segments after the head, page by page. */
	for (i = 0, skip = hl; i < n; i++) {
		if (skip >= v[i].len) {
			skip -= v[i].len;
			continue;
		}
		va = v[i].va + skip;
		left = v[i].len - skip;
		skip = 0;
		while (left > 0) {
			k = PGSIZE - va % PGSIZE;
			if (k > left)
				k = left;
			ppn = pmap_lookup(curenv, va - va % PGSIZE);
			if (ppn < 0)
				return -XE_FAULT;
			if ((uint64_t)ppn >= pages.npages ||
			    pages.info[ppn].owner == 0 ||
			    (pages.info[ppn].flags & XOK_PG_KERNEL))
				return -XE_PERM;
			if (nseg == VNET_MAX_SEGS)
				return -XE_INVAL;       /* only a super-frame */
			seg[nseg].pa = (uint64_t)ppn * PGSIZE + va % PGSIZE;
			seg[nseg].len = (uint32_t)k;
			pin[nseg] = (uint64_t)ppn;
			nseg++;
			va += k;
			left -= k;
		}
	}

	/* Pin, send, remember. */
	for (npin = 0; npin < nseg; npin++)
		if (pages_ref(&pages, pin[npin]) < 0) {
			unpin(pin, npin);
			return -XE_NOMEM;
		}
	if (dppn != ~0ULL) {
		if (pages_ref(&pages, dppn) < 0) {
			unpin(pin, npin);
			return -XE_NOMEM;
		}
		pin[npin++] = dppn;
	}
	r = vnet_sendv(head, hl, seg, nseg, offload ? &vh : NULL);
	if (r < 0) {
		unpin(pin, npin);
		return r;
	}
	inflight[r].owner = curenv->id;
	inflight[r].npin = npin;
	memcpy(inflight[r].pin, pin, npin * sizeof(pin[0]));
	inflight[r].done_ppn = dppn;
	inflight[r].done_off = doff;
	info->net.tx_zerocopy++;
	if (offload)
		nettxo_count(&vh);
	return 0;
}
