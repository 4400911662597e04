/*
 * exosgso.c: TCP segmentation offload for lwIP's netif (exosnet.c):
 * consecutive full-sized segments of one connection that lwIP sends in
 * one burst are merged into one IPv4/TCP super-frame, which goes to the
 * kernel in one NET_TRANSMITO call and which the card cuts back into
 * the same segments (virtio-net HOST_TSO4 with checksum offload).
 * docs/NETWORK.md, "Transmit offload".
 *
 * lwIP still decides every segment with the connection's real MSS:
 * what it hands to the netif is exactly what its congestion window and
 * the peer's receive window allow, and the card sends exactly those
 * segments (same sequence numbers, same sizes, same ACK and window).
 * Merging changes only how many kernel calls and device notifications
 * they take.  A segment joins the waiting super-frame only if it
 * continues it: same addresses and ports, the next sequence number,
 * the same ACK number and window, a 20-byte TCP header (no options),
 * flags ACK with at most PSH and FIN, the waiting frame has no FIN and
 * all its segments so far are full (the first one's payload, at least
 * XOK_NET_GSO_MIN bytes, is the cut size).  A segment with PSH or FIN
 * (the last of a tcp_write, e.g. a whole small response) starts none:
 * nothing would follow it, and a lone segment held back only to be
 * sent alone costs a staging buffer and a delay (measured: 1 KiB
 * documents at a third of the rate); it goes at once the usual way
 * (exosnet.c).  Anything else -- another
 * connection, a pure ACK, a retransmission out of order -- first sends
 * what waits.  What waits also goes out at exos_net_flush, which
 * exos_net_poll and exos_net_wait call: before lwIP's input and timers
 * are done nothing is held back past them.  The card's PSH and FIN go
 * on the last segment only, as on Linux.
 *
 * The data pieces a segment carries in stable memory (PBUF_ROM) are
 * read by the card in place; headers and copied data go into a staging
 * buffer held until the kernel's completion word says the card is done.
 */
#include <exos/exos.h>
#include "exosnet.h"
#include "lwip/pbuf.h"

#define HDRS            54      /* Ethernet + IPv4 (20) + TCP (20) */
#define STAGES          4
#define STAGE_SZ        8192
#define SUPER_MAX       (60 * 1024)     /* payload of one super-frame */
#define PAGES_MAX       30      /* the kernel takes 32 physical segments */

static uint8_t stage[STAGES][STAGE_SZ];

/* The super-frame being gathered (one: a program has one netif). */
static struct {
	struct exos_net *n;             /* NULL: none waits */
	uint8_t *st;                    /* its stage: headers, copied data */
	unsigned used;                  /* bytes of st in use */
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	unsigned nv, pages, nseg;
	uint32_t next_seq;              /* host order */
	uint32_t bytes;                 /* TCP payload */
	uint16_t mss, lastlen;
	uint8_t flags;                  /* the last segment's TCP flags */
	int csum;                       /* lwIP left the sums to the card */
} g;

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static unsigned
pages_of(uint64_t va, uint64_t len)
{
	return (unsigned)((va % 4096 + len + 4095) / 4096);
}

/* The segment's payload length, if p is a segment that may be merged at
 * all (headers in the first pbuf, see the top); else 0. */
static unsigned
mergeable(struct pbuf *p)
{
	const uint8_t *h = p->payload;
	uint8_t fl;

	if (p->len < HDRS || p->tot_len <= HDRS || get16(h + 12) != 0x0800 ||
	    h[14] != 0x45 || h[23] != 6 || (get16(h + 20) & 0x3fff) != 0 ||
	    get16(h + 16) != p->tot_len - 14 || (h[46] >> 4) != 5)
		return 0;
	fl = h[47];
	if (!(fl & 0x10) || (fl & ~0x19))
		return 0;               /* ACK, and only PSH and FIN besides */
	return p->tot_len - HDRS;
}

/* Does p (payload len bytes) continue the waiting super-frame? */
static int
continues(struct pbuf *p, unsigned len)
{
	const uint8_t *h = p->payload;

	return g.lastlen == g.mss && len <= g.mss && !(g.flags & 0x01) &&
	    memcmp(h + 26, g.st + 26, 12) == 0 &&          /* addrs, ports */
	    get32(h + 38) == g.next_seq &&
	    memcmp(h + 42, g.st + 42, 4) == 0 &&           /* ACK number */
	    memcmp(h + 48, g.st + 48, 2) == 0 &&           /* window */
	    g.bytes + len <= SUPER_MAX && g.nseg < 64;
}

/* Append p's payload pieces (after skip bytes of headers): 0, or -1 if
 * they do not fit (pieces, pages, stage), g unchanged then. */
static int
append(struct pbuf *p, unsigned skip)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	unsigned nv = g.nv, used = g.used, pages = g.pages;
	struct pbuf *q;

	memcpy(v, g.v, sizeof(v));
	for (q = p; q != NULL; q = q->next) {
		const uint8_t *src = (const uint8_t *)q->payload + skip;
		unsigned len = q->len > skip ? q->len - skip : 0;

		skip = q->len > skip ? 0 : skip - q->len;
		if (len == 0)
			continue;
		if (q->type_internal == PBUF_ROM) {
			if (nv > 0 && v[nv - 1].va + v[nv - 1].len ==
			    (uint64_t)src) {
				pages -= pages_of(v[nv - 1].va, v[nv - 1].len);
				v[nv - 1].len += len;
			} else if (nv == XOK_NET_PIECES_MAX)
				return -1;
			else
				v[nv++] = (struct xok_net_piece){
				    (uint64_t)src, len };
			pages += pages_of(v[nv - 1].va, v[nv - 1].len);
			continue;
		}
		if (used + len > STAGE_SZ)
			return -1;
		memcpy(g.st + used, src, len);
		if (nv > 0 && v[nv - 1].va + v[nv - 1].len ==
		    (uint64_t)(g.st + used)) {
			pages -= pages_of(v[nv - 1].va, v[nv - 1].len);
			v[nv - 1].len += len;
		} else if (nv == XOK_NET_PIECES_MAX)
			return -1;
		else
			v[nv++] = (struct xok_net_piece){
			    (uint64_t)(g.st + used), len };
		pages += pages_of(v[nv - 1].va, v[nv - 1].len);
		used += len;
	}
	if (pages > PAGES_MAX)
		return -1;
	memcpy(g.v, v, sizeof(v));
	g.nv = nv;
	g.used = used;
	g.pages = pages;
	return 0;
}

/*
 * The kernel refused the frame with FAULT: a piece is not mapped, e.g.
 * a view of XN's cache that another environment's eviction revoked
 * (Cheetah's documents: docs/CHEETAH.md, "Documents").  Read one byte
 * of each page of the pieces outside the stage: the read raises the
 * page fault the program's fault upcall repairs (Cheetah maps the
 * block back at the same address), so the frame can go again as it
 * is.  0, or -1 if there is nothing to touch (the fault is not ours
 * to repair).
 */
static int
touch_pieces(void)
{
	const uint8_t *lo = g.st, *hi = g.st + STAGE_SZ;
	unsigned i, touched = 0;

	for (i = 0; i < g.nv; i++) {
		const uint8_t *p = (const uint8_t *)g.v[i].va;
		const uint8_t *e = p + g.v[i].len;

		if (p >= lo && p < hi)
			continue;
		for (; p < e; p = (const uint8_t *)(((uint64_t)p |
		    4095) + 1), touched++)
			(void)*(const volatile uint8_t *)p;
	}
	return touched ? 0 : -1;
}

/* Send the waiting super-frame (or the one segment that waits). */
void
exos_net_flush(struct exos_net *n)
{
	uint64_t off, t0;
	uint32_t sum;
	unsigned i;
	int64_t r;

	if (g.n != n || n == NULL)
		return;
	if (g.nseg == 1)
		/* as lwIP made it: NET_TRANSMITV, or its sum by the card */
		off = g.csum ? XOK_NET_TXO_CSUM : 0;
	else {
		uint8_t *h = g.st;

		h[16] = (uint8_t)((40 + g.bytes) >> 8);
		h[17] = (uint8_t)(40 + g.bytes);
		h[24] = h[25] = 0;
		for (i = 14, sum = 0; i < 34; i += 2)
			sum += get16(h + i);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		h[24] = (uint8_t)(~sum >> 8);
		h[25] = (uint8_t)~sum;
		h[47] = g.flags;        /* PSH, FIN of the last segment */
		off = XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO | g.mss;
	}
	for (i = 0, t0 = exos_uptime_ns(); ; i++) {
		r = off ? sys_net_transmito(n->slot, g.v, g.nv,
		    (uint64_t *)&n->tx_gso_done, off) :
		    sys_net_transmitv(n->slot, g.v, g.nv,
		    (uint64_t *)&n->tx_gso_done);
		if (r == -XE_FAULT && i == 0 && touch_pieces() == 0)
			continue;
		if (r != -XE_BUSY)
			break;
		n->tx_busy++;
		if (!exos_net_tx_wait(n, i, t0))
			break;
	}
	g.n = NULL;
	if (r < 0) {
		/* Lost: TCP retransmits.  A refusal is our bug or a card
		 * that changed its mind: merge no more.  (FAULT after the
		 * pieces were touched: evicted again at once; the
		 * retransmission touches them again.) */
		n->tx_dropped += g.nseg;
		if (r != -XE_BUSY && r != -XE_FAULT) {
			n->tso_off = 1;
			n->tx_gso_failed++;
		}
		return;
	}
	n->tx_gso++;
	n->tx_frames += g.nseg;
	if (g.nseg == 1 && off)
		n->tx_csum_card++;
	else if (off) {
		n->tx_tso++;
		n->tx_tso_segs += g.nseg;
	}
}

/* Start a super-frame with p (payload len): 1, or 0 if no stage is
 * free (the caller sends p alone). */
static int
start(struct exos_net *n, struct pbuf *p, unsigned len)
{
	const uint8_t *h = p->payload;
	uint64_t t0;
	unsigned i;

	for (i = 0, t0 = exos_uptime_ns(); n->tx_gso - n->tx_gso_done >=
	    STAGES && exos_net_tx_wait(n, i, t0); i++)
		;
	if (n->tx_gso - n->tx_gso_done >= STAGES)
		return 0;
	g.st = stage[n->tx_gso % STAGES];
	memcpy(g.st, h, HDRS);
	g.v[0] = (struct xok_net_piece){ (uint64_t)g.st, HDRS };
	g.nv = 1;
	g.used = HDRS;
	g.pages = pages_of((uint64_t)g.st, HDRS);
	if (append(p, HDRS) < 0)
		return 0;
	g.n = n;
	g.nseg = 1;
	g.mss = g.lastlen = (uint16_t)len;
	g.bytes = len;
	g.next_seq = get32(h + 38) + len;
	g.flags = h[47];
	g.csum = exos_net_txcsum(n);
	return 1;
}

int
exos_net_gso(struct exos_net *n, struct pbuf *p)
{
	unsigned len;

	if (n->tso_off || n->zc_off || !(XOK_INFO->net.offload &
	    XOK_NET_OFF_TSO4) || (len = mergeable(p)) == 0) {
		exos_net_flush(n);
		return 0;
	}
	if (g.n == n && continues(p, len) && append(p, HDRS) == 0) {
		g.nseg++;
		g.lastlen = (uint16_t)len;
		g.bytes += len;
		g.next_seq += len;
		g.flags = ((const uint8_t *)p->payload)[47];
		return 1;
	}
	exos_net_flush(n);
	if (len < XOK_NET_GSO_MIN || (((const uint8_t *)p->payload)[47] & 0x09))
		return 0;               /* small, or PSH or FIN: alone */
	return start(n, p, len);
}
