/*
 * virtio_net.c: the virtio network card, through the legacy (virtio
 * 0.9.5) PCI interface that QEMU's transitional virtio-net-pci offers in
 * BAR0 as I/O ports, in the manner of virtio_blk.c.
 *
 * Two virtqueues: 0 receives, 1 transmits.  Every receive descriptor
 * points at one 2048-byte buffer of the driver's own (physically
 * contiguous kernel pages): the device writes a 10-byte virtio-net
 * header and the frame there.  The driver keeps every receive buffer
 * posted; a completed one is handed to the receive function (the packet
 * filters, which copy it once into the owner's ring) and posted again at
 * once.  A transmit takes two descriptors, the header and the frame,
 * both in one of the driver's transmit buffers, into which the frame is
 * copied.  A gathered transmit (vnet_sendv, for NET_TRANSMITV) takes a
 * chain from a zero-copy slot: the virtio header and the frame's first
 * bytes in the slot's kernel buffer, then one descriptor per physical
 * segment the caller gives (pages the caller has pinned); the caller's
 * function hears when the card is done with the slot, or that it was
 * lost in a reset.  Features negotiated, when the card offers them: the
 * MAC address, transmit checksum offload (VIRTIO_NET_F_CSUM) and TCP
 * segmentation of IPv4 super-frames (VIRTIO_NET_F_HOST_TSO4, only with
 * CSUM) and receive checksum offload (VIRTIO_NET_F_GUEST_CSUM, session
 * 13); the kernel's xok.nooffload turns the three off.  A gathered
 * frame may carry a virtio-net header asking for them (vnet_sendv's
 * vh: nettxo.c built and checked it).  A received frame's header is
 * read only with GUEST_CSUM (else, as virtio says, ignored): rxcsum.c
 * completes a partial checksum in the receive buffer, so no ring owner
 * ever sees one, and says whether the slot may be flagged
 * XOK_NET_RX_CSUM_OK; a header whose offsets lie outside the frame
 * drops the frame (rx_badhdr), no reset.  Not negotiated: receive
 * segmentation, merged buffers.
 *
 * The kernel never blocks and runs with interrupts off: completions are
 * reaped by vnet_intr() from the card's interrupt or by vnet_poll().
 * Everything the device writes is checked: a used index running ahead
 * of what is posted, an id that is not a posted buffer, a length below
 * the header or above the buffer.  Any of these resets the card and
 * starts it again with fresh rings (in-flight transmits are lost);
 * after VNET_MAX_RESETS resets it stays disabled (-XE_DEAD).  A frame
 * that fits the buffer but is longer than XOK_NET_FRAME_MAX or shorter
 * than an Ethernet header is the sender's doing: dropped and counted
 * (rx_badlen), no reset.
 *
 * Not done: the modern (virtio 1.0) interface, MSI-X, the control queue,
 * receive segmentation, more than one card.
 */
#include "../kern.h"
#include "pci.h"
#include "virtio.h"
#include "virtio_net.h"
#include "../rxcsum.h"

#define VIRTIO_NET_LEGACY  0x1000       /* transitional network card */
#define VIRTIO_NET_MODERN  0x1041
#define VIRTIO_ID_NET      1            /* subsystem id of a legacy net */

/* The device config (VIO_CONFIG) starts with mac[6]. */
#define F_MAC          (1U << 5)
#define F_CSUM         (1U << 0)        /* device checksums for us */
#define F_GUEST_CSUM   (1U << 1)        /* partial / checked sums in */
#define F_HOST_TSO4    (1U << 11)       /* device segments TCPv4 */

#define HDR_LEN     10                  /* struct virtio_net_hdr, legacy */
#define BUF_SIZE    2048
#define VNET_NRX    128                 /* receive buffers, at most */
#define VNET_NTX    32                  /* transmit buffers, at most */
#define VNET_MAX_RESETS 8
/* Zero-copy slots: a chain of at most VNET_ZC_DESC descriptors each,
 * after the copying buffers' 2 * ntx descriptors. */
#define VNET_NZC    VNET_MAX_ZC
#define VNET_ZC_DESC (2 + VNET_MAX_SEGS)
#define VNET_ZC_BUF  512                /* header + copied head, per slot */

static struct {
	int present, dead;
	uint16_t io;
	int irq;
	uint8_t mac[6];
	vnet_rx_fn rx;
	struct vring q[2];                 /* 0: receive, 1: transmit */
	uint16_t nrx, ntx;
	uint8_t *rxbuf, *txbuf;         /* kernel addresses */
	uint64_t rxpa, txpa;
	uint8_t txbusy[VNET_NTX];
	uint16_t nzc;                   /* zero-copy slots the ring holds */
	uint8_t zcbusy[VNET_NZC];
	uint8_t *zcbuf;                 /* kernel address, VNET_ZC_BUF each */
	uint64_t zcpa;
	vnet_txdone_fn txdone;
	int inject;                     /* vnet_inject_nonsense */
	int inject_tx;                  /* vnet_inject_tx_nonsense */
	unsigned inject_hdr;            /* vnet_inject_badhdr: to go */
	int nooffload;                  /* vnet_set_nooffload */
	uint32_t offload;               /* XOK_NET_OFF_* negotiated */
} vn = { .irq = -1 };

/*
 * The flags of received frame f (len bytes after the virtio-net header
 * h in the receive buffer), its partial checksum completed (rxcsum.c):
 * XOK_NET_RX_*, or -1 to drop it (counted in rx_badhdr).
 */
static int
rx_flags(const uint8_t *h, uint8_t *f, size_t len)
{
	struct vnet_hdr vh;
	int r;

	if (!(vn.offload & XOK_NET_OFF_RXCSUM))
		return 0;               /* the header means nothing */
	vh.flags = h[0];
	vh.gso_type = h[1];
	memcpy(&vh.hdr_len, h + 2, 2);
	memcpy(&vh.gso_size, h + 4, 2);
	memcpy(&vh.csum_start, h + 6, 2);
	memcpy(&vh.csum_offset, h + 8, 2);
	if (vn.inject_hdr && (vh.flags & VNET_HDR_F_NEEDS_CSUM))
		rx_nonsense(&vh, len, RX_NONSENSE_KINDS - vn.inject_hdr--);
	if ((r = rx_csum(f, len, &vh)) < 0) {
		info->net.rx_badhdr++;
		return -1;
	}
	if (vh.flags & VNET_HDR_F_NEEDS_CSUM)
		info->net.rx_csum_done++;
	else if (r & XOK_NET_RX_CSUM_OK)
		info->net.rx_csum_valid++;
	return r;
}

static int vnet_start_device(void);

/* Every zero-copy frame in flight is lost (the card given up, as
 * vnet_start_device does on a reset): its owner hears of it and its
 * pages are unpinned. */
static void
zc_drop_all(void)
{
	unsigned i;

	for (i = 0; i < VNET_NZC; i++)
		if (vn.zcbusy[i]) {
			vn.zcbusy[i] = 0;
			if (vn.txdone)
				vn.txdone(i, 1);
		}
}

/*
 * The card answered nonsense: reset it and start again with fresh rings,
 * or give up after VNET_MAX_RESETS.
 */
static void
vnet_fail(const char *why)
{
	outb(vn.io + VIO_STATUS, 0);
	info->net.resets++;
	if (info->net.resets > VNET_MAX_RESETS) {
		kprintf("vnet: %s; card disabled after %lu resets\n", why,
		    info->net.resets - 1);
		vn.dead = 1;
		info->net.dead = 1;
		zc_drop_all();          /* the card will never finish them */
		return;
	}
	kprintf("vnet: %s; card reset\n", why);
	if (vnet_start_device() < 0) {
		outb(vn.io + VIO_STATUS, ST_FAILED);
		kprintf("vnet: the card did not start again; disabled\n");
		vn.dead = 1;
		info->net.dead = 1;
	}
}

static void
notify(int q)
{
	virtio_mfence();                       /* index before reading flags */
	if (!(vn.q[q].used->flags & VRING_USED_NO_NOTIFY))
		outw(vn.io + VIO_QUEUE_NOTIFY, (uint16_t)q);
}

/* Post receive buffer i (descriptor i) to the device. */
static void
rx_post(uint16_t i)
{
	struct vring *q = &vn.q[0];

	q->desc[i].addr = vn.rxpa + (uint64_t)i * BUF_SIZE;
	q->desc[i].len = BUF_SIZE;
	q->desc[i].flags = VRING_DESC_WRITE;
	q->desc[i].next = 0;
	q->avail->ring[q->avail_idx & (q->qsize - 1)] = i;
	virtio_barrier();
	q->avail->idx = ++q->avail_idx;
	q->inflight++;
}

/* Consume received frames: how many were handed on, or -1 after a reset. */
static int
rx_reap(void)
{
	struct vring *q = &vn.q[0];
	unsigned n, got = 0;

	for (n = 0; n < 2U * q->qsize; n++) {
		uint16_t idx = q->used->idx;
		uint32_t id, len;
		uint8_t *b;
		int fl;

		virtio_barrier();
		if (idx == q->last_used)
			break;
		if ((uint16_t)(idx - q->last_used) > q->inflight) {
			vnet_fail("receive ring ran ahead of the buffers");
			return -1;
		}
		id = q->used->ring[q->last_used & (q->qsize - 1)].id;
		len = q->used->ring[q->last_used & (q->qsize - 1)].len;
		if (vn.inject) {
			vn.inject = 0;
			id = 0xdead;
		}
		if (id >= vn.nrx) {
			vnet_fail("receive completion of an unknown buffer");
			return -1;
		}
		if (len < HDR_LEN || len > BUF_SIZE) {
			vnet_fail("receive length out of range");
			return -1;
		}
		q->last_used++;
		q->inflight--;
		info->net.rx_frames++;
		/* A frame the wire may carry but no ring slot holds (a
		 * VLAN-tagged 1518, a peer with a larger MTU), or one
		 * shorter than an Ethernet header: the sender's doing, not
		 * the device's, so dropped and counted, never a reset. */
		b = vn.rxbuf + (uint64_t)id * BUF_SIZE;
		if (len - HDR_LEN > XOK_NET_FRAME_MAX ||
		    len - HDR_LEN < XOK_NET_FRAME_MIN)
			info->net.rx_badlen++;
		else if ((fl = rx_flags(b, b + HDR_LEN, len - HDR_LEN)) >= 0 &&
		    vn.rx)
			vn.rx(b + HDR_LEN, len - HDR_LEN, (uint16_t)fl);
		if (vn.dead)
			return -1;
		rx_post((uint16_t)id);
		got++;
	}
	if (got)
		notify(0);
	return (int)got;
}

/* Free the transmit buffers the card is done with; -1 after a reset. */
static int
tx_reap(void)
{
	struct vring *q = &vn.q[1];
	unsigned n;

	for (n = 0; n < 2U * q->qsize; n++) {
		uint16_t idx = q->used->idx;
		uint32_t id;

		virtio_barrier();
		if (idx == q->last_used)
			return 0;
		if ((uint16_t)(idx - q->last_used) > q->inflight) {
			vnet_fail("transmit ring ran ahead of the frames");
			return -1;
		}
		id = q->used->ring[q->last_used & (q->qsize - 1)].id;
		if (vn.inject_tx)
			id = 0xdead;    /* vnet_inject_tx_nonsense */
		if (id >= 2U * vn.ntx) {
			uint32_t k = (id - 2U * vn.ntx) / VNET_ZC_DESC;

			if ((id - 2U * vn.ntx) % VNET_ZC_DESC || k >= vn.nzc ||
			    !vn.zcbusy[k]) {
				vnet_fail("transmit completion of an unknown "
				    "frame");
				return -1;
			}
			q->last_used++;
			q->inflight--;
			vn.zcbusy[k] = 0;
			info->net.tx_done++;
			if (vn.txdone)
				vn.txdone(k, 0);
			continue;
		}
		if (id % 2 || !vn.txbusy[id / 2]) {
			vnet_fail("transmit completion of an unknown frame");
			return -1;
		}
		q->last_used++;
		q->inflight--;
		vn.txbusy[id / 2] = 0;
		info->net.tx_done++;
	}
	return 0;
}

int
vnet_poll(void)
{
	int got;

	if (!vn.present || vn.dead)
		return 0;
	if (tx_reap() < 0 || vn.dead)
		return 0;
	got = rx_reap();
	return got < 0 ? 0 : got;
}

void
vnet_intr(void)
{
	if (!vn.present)
		return;
	(void)inb(vn.io + VIO_ISR);     /* lowers the interrupt line */
	vnet_poll();
}

int
vnet_send(const void *frame, size_t len)
{
	struct vring *q = &vn.q[1];
	uint16_t i, d;
	uint8_t *b;

	if (!vn.present)
		return -XE_NODEV;
	if (vn.dead)
		return -XE_DEAD;
	if (len < XOK_NET_FRAME_MIN || len > XOK_NET_FRAME_MAX)
		return -XE_INVAL;
	for (i = 0; i < vn.ntx && vn.txbusy[i]; i++)
		;
	if (i == vn.ntx) {
		if (tx_reap() < 0)
			return -XE_BUSY;
		for (i = 0; i < vn.ntx && vn.txbusy[i]; i++)
			;
		if (i == vn.ntx)
			return -XE_BUSY;
	}
	b = vn.txbuf + (uint64_t)i * BUF_SIZE;
	memset(b, 0, HDR_LEN);
	memcpy(b + HDR_LEN, frame, len);
	d = (uint16_t)(2 * i);
	q->desc[d].addr = vn.txpa + (uint64_t)i * BUF_SIZE;
	q->desc[d].len = HDR_LEN;
	q->desc[d].flags = VRING_DESC_NEXT;
	q->desc[d].next = (uint16_t)(d + 1);
	q->desc[d + 1].addr = vn.txpa + (uint64_t)i * BUF_SIZE + HDR_LEN;
	q->desc[d + 1].len = (uint32_t)len;
	q->desc[d + 1].flags = 0;
	q->desc[d + 1].next = 0;
	vn.txbusy[i] = 1;
	q->avail->ring[q->avail_idx & (q->qsize - 1)] = d;
	virtio_barrier();
	q->avail->idx = ++q->avail_idx;
	q->inflight++;
	info->net.tx_frames++;
	notify(1);
	return 0;
}

/*
 * Send a frame gathered from head (hlen bytes of kernel memory, copied
 * into a zero-copy slot's buffer) and nseg physical segments the card
 * reads in place.  The segments must stay valid until vn.txdone hears
 * of the slot.  The slot number (0..nzc-1), or -XE_*.
 */
int
vnet_sendv(const void *head, size_t hlen, const struct vnet_seg *seg,
    unsigned nseg, const struct vnet_hdr *vh)
{
	struct vring *q = &vn.q[1];
	uint64_t total = hlen;
	uint16_t k, d, base;
	uint8_t *b;
	unsigned i;

	if (!vn.present)
		return -XE_NODEV;
	if (vn.dead)
		return -XE_DEAD;
	if (hlen == 0 || hlen > VNET_ZC_BUF - HDR_LEN || nseg > VNET_MAX_SEGS)
		return -XE_INVAL;
	if (vh && ((vh->gso_type != VNET_GSO_NONE &&
	    !(vn.offload & XOK_NET_OFF_TSO4)) || (vh->flags &&
	    !(vn.offload & XOK_NET_OFF_CSUM))))
		return -XE_NODEV;
	for (i = 0; i < nseg; i++) {
		if (seg[i].len == 0 || seg[i].len > XOK_NET_GSO_FRAME_MAX)
			return -XE_INVAL;
		total += seg[i].len;
	}
	if (total < XOK_NET_FRAME_MIN || total > (vh && vh->gso_type !=
	    VNET_GSO_NONE ? XOK_NET_GSO_FRAME_MAX : XOK_NET_FRAME_MAX))
		return -XE_INVAL;
	if (vn.nzc == 0)
		return -XE_NODEV;
	for (k = 0; k < vn.nzc && vn.zcbusy[k]; k++)
		;
	if (k == vn.nzc) {
		if (tx_reap() < 0)
			return -XE_BUSY;
		for (k = 0; k < vn.nzc && vn.zcbusy[k]; k++)
			;
		if (k == vn.nzc)
			return -XE_BUSY;
	}
	b = vn.zcbuf + (uint64_t)k * VNET_ZC_BUF;
	memset(b, 0, HDR_LEN);
	if (vh) {                       /* struct virtio_net_hdr, legacy */
		b[0] = vh->flags;
		b[1] = vh->gso_type;
		memcpy(b + 2, &vh->hdr_len, 2);
		memcpy(b + 4, &vh->gso_size, 2);
		memcpy(b + 6, &vh->csum_start, 2);
		memcpy(b + 8, &vh->csum_offset, 2);
	}
	memcpy(b + HDR_LEN, head, hlen);
	base = (uint16_t)(2 * vn.ntx + k * VNET_ZC_DESC);
	d = base;
	q->desc[d].addr = vn.zcpa + (uint64_t)k * VNET_ZC_BUF;
	q->desc[d].len = HDR_LEN;
	q->desc[d].flags = VRING_DESC_NEXT;
	q->desc[d].next = (uint16_t)(d + 1);
	d++;
	q->desc[d].addr = vn.zcpa + (uint64_t)k * VNET_ZC_BUF + HDR_LEN;
	q->desc[d].len = (uint32_t)hlen;
	q->desc[d].flags = 0;
	q->desc[d].next = 0;
	for (i = 0; i < nseg; i++) {
		q->desc[d].flags = VRING_DESC_NEXT;
		q->desc[d].next = (uint16_t)(d + 1);
		d++;
		q->desc[d].addr = seg[i].pa;
		q->desc[d].len = seg[i].len;
		q->desc[d].flags = 0;
		q->desc[d].next = 0;
	}
	vn.zcbusy[k] = 1;
	q->avail->ring[q->avail_idx & (q->qsize - 1)] = base;
	virtio_barrier();
	q->avail->idx = ++q->avail_idx;
	q->inflight++;
	info->net.tx_frames++;
	notify(1);
	return k;
}

/* Reset, negotiate, set up both queues, post every receive buffer.
 * Zero-copy frames in flight are lost: their owner hears of it. */
static int
vnet_start_device(void)
{
	uint16_t io = vn.io;
	uint32_t features;
	unsigned i;
	int err;

	for (i = 0; i < VNET_NZC; i++)
		if (vn.zcbusy[i]) {
			vn.zcbusy[i] = 0;
			if (vn.txdone)
				vn.txdone(i, 1);
		}

	if ((err = virtio_begin(io, F_MAC | (vn.nooffload ? 0 : F_CSUM |
	    F_HOST_TSO4 | F_GUEST_CSUM), &features)) < 0 ||
	    (err = virtio_ring_setup(io, 0, 4, &vn.q[0], "vnet")) < 0 ||
	    (err = virtio_ring_setup(io, 1, 4, &vn.q[1], "vnet")) < 0)
		return err;
	vn.nrx = vn.q[0].qsize < VNET_NRX ? vn.q[0].qsize : VNET_NRX;
	vn.ntx = vn.q[1].qsize / 2 < VNET_NTX ? vn.q[1].qsize / 2 : VNET_NTX;
	vn.nzc = (uint16_t)((vn.q[1].qsize - 2U * vn.ntx) / VNET_ZC_DESC);
	if (vn.nzc > VNET_NZC)
		vn.nzc = VNET_NZC;
	if (!vn.rxbuf) {
		int64_t r = kpages_alloc_contig(VNET_NRX * BUF_SIZE / PGSIZE);
		int64_t t = kpages_alloc_contig(VNET_NTX * BUF_SIZE / PGSIZE);
		int64_t z = kpages_alloc_contig(VNET_NZC * VNET_ZC_BUF / PGSIZE);

		if (r < 0 || t < 0 || z < 0)
			return -XE_NOMEM;
		vn.rxpa = (uint64_t)r * PGSIZE;
		vn.txpa = (uint64_t)t * PGSIZE;
		vn.zcpa = (uint64_t)z * PGSIZE;
		vn.rxbuf = KADDR(vn.rxpa);
		vn.txbuf = KADDR(vn.txpa);
		vn.zcbuf = KADDR(vn.zcpa);
	}
	memset(vn.txbusy, 0, sizeof(vn.txbusy));
	/* TSO4 without CSUM is not a valid combination (virtio 5.1.3.1):
	 * drop it and tell the card so before it starts. */
	if ((features & F_HOST_TSO4) && !(features & F_CSUM)) {
		features &= ~F_HOST_TSO4;
		outl(io + VIO_DRV_FEATURES, features);
	}
	vn.offload = (features & F_CSUM ? XOK_NET_OFF_CSUM : 0) |
	    (features & F_HOST_TSO4 ? XOK_NET_OFF_TSO4 : 0) |
	    (features & F_GUEST_CSUM ? XOK_NET_OFF_RXCSUM : 0);
	info->net.offload = vn.offload;
	for (i = 0; i < 6; i++)
		vn.mac[i] = features & F_MAC ? inb(io + VIO_CONFIG + i) : 0;
	if (!(features & F_MAC))
		kprintf("vnet: the card has no MAC address feature\n");
	for (i = 0; i < vn.nrx; i++)
		rx_post((uint16_t)i);
	if ((err = virtio_ready(io, "vnet")) < 0)
		return err;
	notify(0);
	return 0;
}

int
vnet_init(vnet_rx_fn rx)
{
	struct pci_dev d;
	int err;

	info->net.irq = 0xffffffffU;
	if ((err = virtio_find(VIRTIO_NET_LEGACY, VIRTIO_NET_MODERN,
	    VIRTIO_ID_NET, "vnet", &d, &vn.io, &vn.irq)) < 0)
		return err;
	vn.rx = rx;
	if ((err = vnet_start_device()) < 0) {
		outb(vn.io + VIO_STATUS, ST_FAILED);
		kprintf("vnet: could not start the card (error %d)\n", err);
		return err;
	}
	vn.present = 1;
	memcpy(info->net.mac, vn.mac, 6);
	info->net.present = 1;
	info->net.irq = vn.irq >= 0 ? (uint32_t)vn.irq : 0xffffffffU;
	kprintf("vnet: virtio-net at pci %02x:%02x.%x io %x irq %d mac "
	    "%02x:%02x:%02x:%02x:%02x:%02x, queues %u/%u\n", d.bus, d.slot,
	    d.func, vn.io, vn.irq, vn.mac[0], vn.mac[1], vn.mac[2], vn.mac[3],
	    vn.mac[4], vn.mac[5], vn.q[0].qsize, vn.q[1].qsize);
	kprintf("vnet: %u copying and %u zero-copy transmit slots; offload:%s%s"
	    "%s%s\n", vn.ntx, vn.nzc,
	    vn.offload & XOK_NET_OFF_CSUM ? " csum" : "",
	    vn.offload & XOK_NET_OFF_TSO4 ? " tso4" : "",
	    vn.offload & XOK_NET_OFF_RXCSUM ? " rxcsum" : "",
	    vn.offload ? "" : " none");
	if (vn.irq >= 0)
		pic_unmask(vn.irq);
	return 0;
}

void
vnet_set_txdone(vnet_txdone_fn fn)
{
	vn.txdone = fn;
}

/* Negotiate no offload from the next start of the card on (the kernel's
 * xok.nooffload): call before vnet_init. */
void
vnet_set_nooffload(void)
{
	vn.nooffload = 1;
}

uint32_t
vnet_offload(void)
{
	return vn.present ? vn.offload : 0;
}

void
vnet_mac(uint8_t mac[6])
{
	memcpy(mac, vn.mac, 6);
}

int
vnet_irq(void)
{
	return vn.present ? vn.irq : -1;
}

void
vnet_inject_nonsense(void)
{
	vn.inject = 1;
}

/* Test only (xok.netdeadtx): every transmit completion is nonsense, so
 * each frame sent resets the card until it is given up for dead. */
void
vnet_inject_tx_nonsense(void)
{
	vn.inject_tx = 1;
}

/* Test only (xok.netbadhdr): the next RX_NONSENSE_KINDS received frames
 * with a partial checksum get, one each, the headers rxcsum.c must
 * refuse; each is dropped and counted, the card never reset. */
void
vnet_inject_badhdr(void)
{
	vn.inject_hdr = RX_NONSENSE_KINDS;
}
