/*
 * exosnet.c: lwIP's network interface over Xok's packet filters.
 * Receive: two filters (ARP for our address, IPv4 to our address)
 * deliver into one packet ring in our own pages; exos_net_poll copies
 * each slot into a pool pbuf and hands it to lwIP's ethernet_input.
 * Before each frame is handed over, every frame that has arrived is
 * copied out into a bounded backlog of pool pbufs and its slot freed,
 * so a burst larger than the ring waits in memory, in order, instead
 * of being dropped by the kernel (session 17).
 * Transmit: a pbuf chain holding stable data (PBUF_ROM: lwIP's
 * tcp_write without TCP_WRITE_FLAG_COPY, e.g. Cheetah's document pages)
 * goes out by NET_TRANSMITV: those pieces are read by the card in
 * place, the rest (headers, copied data, whose pbufs lwIP may free or
 * rewrite at once) is copied into a staging buffer held until the
 * kernel's completion word says the card is done with it.  Any other
 * chain is flattened into one frame for NET_TRANSMIT.  Full-sized TCP
 * segments of one connection sent in a burst are first offered to
 * exosgso.c, which merges them into super-frames the card segments
 * (TSO) when it can.  A frame the kernel flagged XOK_NET_RX_CSUM_OK
 * (the card checked its TCP or UDP sum, or the kernel completed it)
 * goes through lwIP with those two checks off for that frame only.
 * Time: sys_now from the exported clock.
 * docs/NETWORK.md, "TCP/IP as a library".
 */
#include <exos/exos.h>
#include "exosnet.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/etharp.h"
#include "lwip/timeouts.h"
#include "lwip/sys.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/ip.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#define FRAME_MAX 1514
#define FRAME_MIN 60            /* Ethernet's minimum without the FCS */
#define TX_WAIT_NS 20000000UL   /* a full card: wait this long, then drop */
#define ZC_STAGES 8             /* zero-copy frames in flight, at most */

/* The receive backlog counts one pool buffer a frame (pool_room). */
_Static_assert(PBUF_POOL_BUFSIZE >= FRAME_MAX && ETH_PAD_SIZE == 0,
    "a frame must fit one pool pbuf");

/* Staging buffers of the zero-copy frames: stage k % ZC_STAGES holds
 * the copied parts of frame k until the card is done with it. */
static uint8_t zc_stage[ZC_STAGES][FRAME_MAX];

static int lwip_ready;

/* Every transmit buffer is in flight: reap the card's completions,
 * copy the frames that have arrived into n's receive backlog (so that
 * the ring does not fill while we wait; they are fed by the poll under
 * way or the next one) and give the CPU away (QEMU's device model runs
 * meanwhile).  0 once TX_WAIT_NS have passed since t0: then the frame
 * is sent another way or dropped (TCP retransmits it).  Waiting, not
 * dropping at once, is what keeps a fast sender from losing frames to
 * its own card: each drop costs the connection a retransmission
 * timeout. */
uint64_t exos_net_tx_waited_ns;

static unsigned backlog_pull(struct exos_net *, unsigned *);

int
exos_net_tx_wait(struct exos_net *n, unsigned i, uint64_t t0)
{
	static uint64_t last;
	uint64_t now;
	unsigned budget = EXOS_NET_BACKLOG;

	sys_net_poll();
	if (n->filt_ip >= 0)            /* started, not stopped */
		n->rx_backlog_txwait += backlog_pull(n, &budget);
	if (i > 8)
		sys_yield(XOK_SELF);
	now = exos_uptime_ns();
	exos_net_tx_waited_ns += now - (i == 0 ? t0 : last);
	last = now;
	return now - t0 < TX_WAIT_NS;
}

uint32_t
exos_net_now(void)
{
	return (uint32_t)(exos_uptime_ns() / 1000000UL);
}

u32_t
sys_now(void)
{
	return exos_net_now();
}

uint32_t
exos_lwip_rand(void)
{
	static uint64_t x;

	x += rdtsc() | 1;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9UL;
	x ^= x >> 32;
	return (uint32_t)x;
}

int
exos_lwip_atoi(const char *s)
{
	int v = 0, neg = *s == '-';

	if (*s == '-' || *s == '+')
		s++;
	while (*s >= '0' && *s <= '9' && v < 214748364)
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

static const uint8_t ff[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff };

static void
term(struct xok_pf *f, uint16_t off, const uint8_t *val, uint8_t len)
{
	struct xok_pf_term *t = &f->t[f->nterms++];

	t->off = off;
	t->len = len;
	memcpy(t->mask, ff, len);
	memcpy(t->val, val, len);
}

/* ARP (requests and replies) whose target protocol address is ip. */
static void
arp_filter(struct xok_pf *f, const uint8_t *ip)
{
	static const uint8_t type[2] = { 0x08, 0x06 };

	memset(f, 0, sizeof(*f));
	term(f, 12, type, 2);
	term(f, 38, ip, 4);
}

/* IPv4 to ip (any protocol: lwIP answers ICMP echo itself). */
static void
ip_filter(struct xok_pf *f, const uint8_t *ip)
{
	static const uint8_t type[2] = { 0x08, 0x00 };

	memset(f, 0, sizeof(*f));
	term(f, 12, type, 2);
	term(f, 30, ip, 4);
}

/*
 * Send p by NET_TRANSMITV if it has a stable (PBUF_ROM) piece past
 * what the kernel copies anyway.  1 if sent, 0 if the caller should
 * send it by copy (nothing worth it, too many pieces, no free stage),
 * -1 if the kernel refused it.
 */
static int
linkoutput_zc(struct exos_net *n, struct pbuf *p)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	struct pbuf *q;
	uint8_t *st;
	uint64_t nv = 0, used = 0, off = 0, t0;
	int stable = 0;
	unsigned i;
	int64_t r = -XE_BUSY;

	if (n->zc_off || p->tot_len < FRAME_MIN)
		return 0;
	for (q = p; q != NULL; q = q->next) {
		if (q->type_internal == PBUF_ROM &&
		    off + q->len > XOK_NET_TXHDR)
			stable = 1;
		off += q->len;
	}
	if (!stable)
		return 0;
	/* A free stage: the frame ZC_STAGES back must be finished. */
	for (i = 0, t0 = exos_uptime_ns(); n->tx_zc - n->tx_zc_done >=
	    ZC_STAGES && exos_net_tx_wait(n, i, t0); i++)
		;
	if (n->tx_zc - n->tx_zc_done >= ZC_STAGES)
		return 0;
	st = zc_stage[n->tx_zc % ZC_STAGES];
	for (q = p; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		if (q->type_internal == PBUF_ROM) {
			if (nv == XOK_NET_PIECES_MAX)
				return 0;
			v[nv++] = (struct xok_net_piece){ (uint64_t)q->payload,
			    q->len };
			continue;
		}
		/* copied: extend the last piece if it ends in the stage */
		memcpy(st + used, q->payload, q->len);
		if (nv > 0 && v[nv - 1].va + v[nv - 1].len ==
		    (uint64_t)(st + used))
			v[nv - 1].len += q->len;
		else if (nv == XOK_NET_PIECES_MAX)
			return 0;
		else
			v[nv++] = (struct xok_net_piece){ (uint64_t)(st + used),
			    q->len };
		used += q->len;
	}
	for (i = 0, t0 = exos_uptime_ns(); ; i++) {
		r = sys_net_transmitv(n->slot, v, nv,
		    (uint64_t *)&n->tx_zc_done);
		if (r != -XE_BUSY)
			break;
		n->tx_busy++;
		if (!exos_net_tx_wait(n, i, t0))
			break;
	}
	/* FAULT: a piece is not mapped (e.g. a view of XN's cache that an
	 * eviction revoked): send it by copy, whose read of the piece
	 * raises the fault our fault upcall can repair (Cheetah's
	 * docs_fault maps the block back) */
	if (r == -XE_BUSY || r == -XE_FAULT)
		return 0;
	if (r < 0)
		return -1;
	n->tx_zc++;
	return 1;
}

int
exos_net_txcsum(const struct exos_net *n)
{
	return !n->txcsum_off && (XOK_INFO->net.offload & XOK_NET_OFF_CSUM);
}

/* The netif's checksum switches: all on, but TCP's generation when the
 * card sums (exos_net_txcsum). */
static unsigned
csum_ctrl(const struct exos_net *n)
{
	return NETIF_CHECKSUM_ENABLE_ALL &
	    ~(exos_net_txcsum(n) ? NETIF_CHECKSUM_GEN_TCP : 0u);
}

/*
 * Transmit checksum offload: lwIP left the TCP sum of p (Ethernet, IPv4,
 * TCP; the headers in its first pbuf, as lwIP builds them) zero, and p
 * is not going to the card as part of a super-frame: sum it here, with
 * lwIP's own routine over the pbuf chain (so a program's LWIP_CHKSUM,
 * Cheetah's precomputed document sums, still answers for the data).
 * 0, or -1 for a frame that is not TCP over IPv4 (left alone).
 */
static int
tcp_sum(struct pbuf *p)
{
	uint8_t *f = p->payload;
	unsigned ihl, tl;
	struct pbuf h;
	ip4_addr_t src, dst;
	uint16_t sum;

	if (p->len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    (f[14] >> 4) != 4 || f[23] != IP_PROTO_TCP ||
	    (f[20] & 0x3f) != 0 || f[21] != 0)
		return -1;
	ihl = (f[14] & 15) * 4u;
	tl = (unsigned)(f[16] << 8 | f[17]);
	if (ihl < 20 || p->len < 14 + ihl + 20 || tl < ihl + 20 ||
	    14 + tl > p->tot_len)
		return -1;
	tl -= ihl;
	memcpy(&src, f + 26, 4);
	memcpy(&dst, f + 30, 4);
	/* the chain from the TCP header on, the first pbuf's part a copy
	 * of its descriptor (only payload, len and next are read) */
	memset(&h, 0, sizeof(h));
	h.payload = f + 14 + ihl;
	h.len = (u16_t)(p->len - 14 - ihl);
	h.tot_len = (u16_t)tl;
	h.next = p->next;
	f[14 + ihl + 16] = f[14 + ihl + 17] = 0;
	sum = inet_chksum_pseudo(&h, IP_PROTO_TCP, (u16_t)tl, &src, &dst);
	memcpy(f + 14 + ihl + 16, &sum, 2);
	return 0;
}

/* A frame is being sent (perhaps one of many a single input frame
 * releases): copy what has arrived into the receive backlog first, as
 * a wait for the card does, so that the ring does not fill while lwIP
 * sends. */
static void
rx_pull_sending(struct exos_net *n)
{
	unsigned budget = EXOS_NET_BACKLOG;

	if (n->filt_ip >= 0)
		n->rx_backlog_sending += backlog_pull(n, &budget);
}

static err_t
linkoutput(struct netif *nif, struct pbuf *p)
{
	struct exos_net *n = nif->state;
	static uint8_t frame[FRAME_MAX];
	uint16_t len = p->tot_len;
	int64_t r = -XE_BUSY;
	uint64_t t0;
	unsigned i;

	if (len > FRAME_MAX || len < 14) {
		n->tx_dropped++;
		return ERR_IF;
	}
	rx_pull_sending(n);
	if (exos_net_gso(n, p))
		return ERR_OK;          /* sent with its super-frame */
	if (exos_net_txcsum(n) && tcp_sum(p) == 0)
		n->tx_csum_sw++;
	switch (linkoutput_zc(n, p)) {
	case 1:
		n->tx_frames++;
		return ERR_OK;
	case -1:
		n->tx_dropped++;
		return ERR_IF;
	}
	if (pbuf_copy_partial(p, frame, len, 0) != len) {
		n->tx_dropped++;
		return ERR_IF;
	}
	if (len < FRAME_MIN) {
		memset(frame + len, 0, FRAME_MIN - len);
		len = FRAME_MIN;
	}
	/* All transmit buffers in flight: reap completions and retry for
	 * at most TX_WAIT_NS; TCP retransmits what is dropped. */
	for (i = 0, t0 = exos_uptime_ns(); ; i++) {
		r = sys_net_transmit(n->slot, frame, len);
		if (r != -XE_BUSY)
			break;
		n->tx_busy++;
		if (!exos_net_tx_wait(n, i, t0))
			break;
	}
	if (r < 0) {
		n->tx_dropped++;
		return ERR_IF;
	}
	n->tx_frames++;
	return ERR_OK;
}

static err_t
netif_setup(struct netif *nif)
{
	nif->name[0] = 'x';
	nif->name[1] = 'n';
	nif->mtu = 1500;
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, (const void *)XOK_INFO->net.mac, 6);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET;
	nif->output = etharp_output;
	nif->linkoutput = linkoutput;
	return ERR_OK;
}

int
exos_net_start(struct exos_net *n, unsigned slot, uint64_t ring_va,
    unsigned npages, const uint8_t ip[4], const uint8_t mask[4],
    const uint8_t gw[4])
{
	ip4_addr_t a, m, g;
	struct xok_pf f;
	int r;

	memset(n, 0, sizeof(*n));
	n->slot = slot;
	n->ring_va = ring_va;
	n->npages = npages;
	n->filt_arp = n->filt_ip = -1;
	if (!XOK_INFO->net.present || XOK_INFO->net.dead)
		return -XE_DEAD;
	if (npages < 1 || npages > XOK_NET_RING_MAXPAGES)
		return -XE_INVAL;
	if ((r = exos_map_new(ring_va, npages, XOK_PTE_W)) < 0)
		return r;
	if (!lwip_ready) {
		lwip_init();
		lwip_ready = 1;
	}
	IP4_ADDR(&a, ip[0], ip[1], ip[2], ip[3]);
	IP4_ADDR(&m, mask[0], mask[1], mask[2], mask[3]);
	IP4_ADDR(&g, gw[0], gw[1], gw[2], gw[3]);
	if (netif_add(&n->netif, &a, &m, &g, n, netif_setup,
	    ethernet_input) == NULL)
		return -XE_INVAL;
	arp_filter(&f, ip);
	if ((n->filt_arp = sys_net_filter_install(slot, &f, ring_va,
	    npages)) < 0) {
		r = (int)n->filt_arp;
		netif_remove(&n->netif);
		return r;
	}
	ip_filter(&f, ip);
	if ((n->filt_ip = sys_net_filter_install(slot, &f, ring_va,
	    npages)) < 0) {
		r = (int)n->filt_ip;
		sys_net_filter_remove(slot, (uint64_t)n->filt_arp);
		netif_remove(&n->netif);
		return r;
	}
	NETIF_SET_CHECKSUM_CTRL(&n->netif, csum_ctrl(n));
	netif_set_default(&n->netif);
	netif_set_link_up(&n->netif);
	netif_set_up(&n->netif);
	return 0;
}

/* Free every frame still in the backlog (exos_net_stop). */
static void
backlog_drop(struct exos_net *n)
{
	while (n->bl_n > 0) {
		pbuf_free(n->bl[n->bl_first].p);
		n->bl[n->bl_first].p = NULL;
		n->bl_first = (n->bl_first + 1) % EXOS_NET_BACKLOG;
		n->bl_n--;
	}
}

/* exos_net_stop's count: a poll under way whose callback stops a
 * network (and perhaps starts it again on another ring, which clears
 * n) ends after that frame. */
static unsigned net_stops;

void
exos_net_stop(struct exos_net *n)
{
	net_stops++;
	if (n->filt_ip >= 0)
		sys_net_filter_remove(n->slot, (uint64_t)n->filt_ip);
	if (n->filt_arp >= 0)
		sys_net_filter_remove(n->slot, (uint64_t)n->filt_arp);
	n->filt_ip = n->filt_arp = -1;
	backlog_drop(n);
	exos_net_flush(n);
	netif_set_down(&n->netif);
	netif_remove(&n->netif);
}

int
exos_net_input(struct exos_net *n, const void *frame, size_t len)
{
	return exos_net_input_flags(n, frame, len, 0);
}

/* lwIP's TCP and UDP input checks skipped for this one frame: the
 * kernel flagged its sum right (XOK_NET_RX_CSUM_OK).  Under NO_SYS
 * netif->input runs the frame through lwIP to the end before it
 * returns, so the netif's checks are on again for the next frame (a
 * datagram lwIP reassembles from fragments, which the kernel never
 * flags, is checked when its last fragment arrives). */
#define CHECKS_SKIPPED (NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP)

/* A pool pbuf holding a copy of frame, or NULL (counted) if its length
 * is impossible or no pool buffer is left. */
static struct pbuf *
rx_copy(struct exos_net *n, const void *frame, size_t len)
{
	struct pbuf *p;

	if (len == 0 || len > FRAME_MAX) {
		n->rx_badlen++;
		return NULL;
	}
	if ((p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL)) == NULL) {
		n->rx_nopbuf++;
		return NULL;
	}
	if (pbuf_take(p, frame, (u16_t)len) != ERR_OK) {
		pbuf_free(p);
		n->rx_nopbuf++;
		return NULL;
	}
	return p;
}

/* Hand p to lwIP with its slot's flags; p is lwIP's or freed after. */
static void
rx_feed(struct exos_net *n, struct pbuf *p, unsigned flags)
{
	int ok = (flags & XOK_NET_RX_CSUM_OK) != 0;
	u16_t outer = n->netif.chksum_flags;

	/* this frame's checks set whatever a frame being fed around us
	 * (a callback's exos_net_input) had, and that one's put back
	 * after: a frame injected from a flagged frame's callback is
	 * checked (session 17's review) */
	n->rx_frames++;
	if (ok)
		n->rx_csum_ok++;
	NETIF_SET_CHECKSUM_CTRL(&n->netif, ok ? csum_ctrl(n) &
	    ~CHECKS_SKIPPED : csum_ctrl(n));
	if (n->netif.input(p, &n->netif) != ERR_OK)
		pbuf_free(p);
	NETIF_SET_CHECKSUM_CTRL(&n->netif, outer);
}

int
exos_net_input_flags(struct exos_net *n, const void *frame, size_t len,
    unsigned flags)
{
	struct pbuf *p;

	if ((p = rx_copy(n, frame, len)) == NULL)
		return -1;
	rx_feed(n, p, flags);
	return 0;
}

/*
 * The receive backlog (struct exos_net, exosnet.h).  The pool's free
 * buffers are read from lwIP's statistics, so the backlog stops short
 * of the reserve without ever asking an empty pool (a failed pool
 * allocation makes lwIP's next one drop every out-of-order segment it
 * holds).
 */
#if !MEMP_STATS || !LWIP_STATS
#error "exosnet.c needs lwIP's pool statistics (MEMP_STATS)"
#endif

static int
pool_room(void)
{
	const struct stats_mem *m = lwip_stats.memp[MEMP_PBUF_POOL];

	return m->avail > m->used && m->avail - m->used > EXOS_NET_RESERVE;
}

static struct xok_net_slot *
ring_slot(const struct exos_net *n, uint64_t i, uint64_t nslots)
{
	return (void *)(n->ring_va + (1 + i % nslots) * XOK_NET_SLOT);
}

static uint64_t
ring_slots(const struct exos_net *n)
{
	return 2 * (uint64_t)n->npages - 1;
}

/*
 * The ring's tail: ours, in our own page, so read afresh by every
 * reader (a nested poll or a wait for the card may have moved it) and
 * never trusted for more than a ring's worth behind head.
 */
static uint64_t
ring_tail(const struct exos_net *n, uint64_t head)
{
	volatile struct xok_net_ring *r = (void *)n->ring_va;
	uint64_t tail = r->tail;

	return head - tail > ring_slots(n) ? head - ring_slots(n) : tail;
}

/*
 * Copy frames from the ring into the backlog while it and the pool
 * have room and *budget lasts, freeing each slot as soon as it is
 * copied.  A slot with an impossible length is freed and counted,
 * nothing kept.  Returns the slots taken.  Called between the frames
 * exos_net_poll feeds and while a send waits for the card
 * (exos_net_tx_wait), never while lwIP reads the backlog.
 */
static unsigned
backlog_pull(struct exos_net *n, unsigned *budget)
{
	volatile struct xok_net_ring *r = (void *)n->ring_va;
	uint64_t nslots = ring_slots(n), head = r->head, tail;
	unsigned taken = 0;

	__asm__ volatile("" ::: "memory");      /* head, then the slots */
	tail = ring_tail(n, head);
	while (tail != head && *budget > 0) {
		struct xok_net_slot *s = ring_slot(n, tail, nslots);
		struct exos_net_waiting *w;
		struct pbuf *p;

		if (n->bl_n == EXOS_NET_BACKLOG || !pool_room()) {
			/* one stop, however often it is found again */
			if (!n->bl_holding)
				n->rx_backlog_held++;
			n->bl_holding = 1;
			break;
		}
		n->bl_holding = 0;
		/* s->len is checked by rx_copy (at most 1514, less than the
		 * slot's 2040 bytes); s->flags is the kernel's word on the
		 * checksum (ours to corrupt, for our own loss) */
		p = rx_copy(n, s->data, s->len);
		if (p != NULL) {
			w = &n->bl[(n->bl_first + n->bl_n) % EXOS_NET_BACKLOG];
			w->p = p;
			w->flags = s->flags;
			w->at = exos_uptime_ns();
			if (n->bl_n > 0)
				n->rx_backlog++;
			if (n->bl_n + (head - tail) > nslots)
				n->rx_backlog_beyond++;
			if (++n->bl_n > n->rx_backlog_peak)
				n->rx_backlog_peak = n->bl_n;
		}
		__asm__ volatile("" ::: "memory");  /* the copy, then tail */
		r->tail = ++tail;
		taken++;
		(*budget)--;
	}
	if (tail == head)
		n->bl_holding = 0;
	return taken;
}

/* The next frame to feed: the backlog's oldest, else (the backlog
 * empty and unable to grow) the ring's oldest, copied at once; NULL
 * when there is none (or its copy failed, counted: *more is then
 * still 1).  *flags is its slot's. */
static struct pbuf *
next_frame(struct exos_net *n, unsigned *budget, unsigned *taken,
    uint16_t *flags, int *more)
{
	volatile struct xok_net_ring *r = (void *)n->ring_va;
	struct exos_net_waiting w;
	struct xok_net_slot *s;
	uint64_t head, tail;
	struct pbuf *p;

	*more = 1;
	*taken += backlog_pull(n, budget);
	if (n->bl_n > 0) {
		w = n->bl[n->bl_first];
		n->bl[n->bl_first].p = NULL;
		n->bl_first = (n->bl_first + 1) % EXOS_NET_BACKLOG;
		n->bl_n--;
		w.at = exos_uptime_ns() - w.at;
		n->rx_backlog_fed++;
		n->rx_backlog_wait_ns += w.at;
		if (w.at > n->rx_backlog_wait_max_ns)
			n->rx_backlog_wait_max_ns = w.at;
		*flags = w.flags;
		return w.p;
	}
	head = r->head;
	__asm__ volatile("" ::: "memory");
	tail = ring_tail(n, head);
	if (*budget == 0 || tail == head) {
		*more = 0;
		return NULL;
	}
	/* the backlog could not take it (else it would hold it now) */
	s = ring_slot(n, tail, ring_slots(n));
	p = rx_copy(n, s->data, s->len);
	*flags = s->flags;
	__asm__ volatile("" ::: "memory");
	r->tail = tail + 1;
	(*taken)++;
	(*budget)--;
	return p;
}

unsigned
exos_net_poll(struct exos_net *n)
{
	uint64_t nslots = ring_slots(n);
	unsigned taken = 0, budget = (unsigned)nslots + EXOS_NET_BACKLOG;
	unsigned fed = 0, stops = net_stops;

	/* nested (a callback's, or a timer's): the outer call feeds in
	 * order; a second feeder would hand lwIP frames out of order
	 * (session 17's review) */
	if (n->polling)
		return 0;
	n->polling = 1;

	/* lwIP sums TCP unless the card does (txcsum_off may have
	 * changed since) */
	NETIF_SET_CHECKSUM_CTRL(&n->netif, csum_ctrl(n));
	/*
	 * head is the kernel's; tail ours (ring_tail).  Before each frame
	 * is fed, what has arrived is copied into the backlog and its
	 * slot freed; the oldest frame waiting is fed first, so none is
	 * reordered.  When the backlog may not grow (the pool at its
	 * reserve) and is empty, the ring's oldest frame is copied and
	 * fed at once, as before the backlog (dropped, rx_nopbuf, if the
	 * pool is empty).  lwIP's due timers run between frames, not only
	 * after a whole batch (a retransmission or a delayed ACK is not
	 * held back by up to a ring's worth and a backlog of frames).
	 * Frames the sends pull in (rx_pull_sending, exos_net_tx_wait)
	 * do not count against budget, so the frames fed are bounded
	 * too: past the bound they wait in the backlog for the next call
	 * (session 18's review: a flood whose every frame makes lwIP
	 * send kept one call going for ever).
	 */
	for (;;) {
		int more = 1;

		while (more && fed < nslots + EXOS_NET_BACKLOG) {
			uint16_t flags = 0;
			struct pbuf *p = next_frame(n, &budget, &taken,
			    &flags, &more);

			if (p == NULL)
				continue;
			fed++;
			rx_feed(n, p, flags);
			if (net_stops != stops)
				goto stopped;   /* its backlog freed */
			if (n->rx_fed != NULL) {
				n->rx_fed(n);
				if (net_stops != stops)
					goto stopped;
			}
			sys_check_timeouts();
			if (net_stops != stops)
				goto stopped;
		}
		sys_check_timeouts();
		if (net_stops != stops)
			goto stopped;
		exos_net_flush(n);
		/* the flush and the timers may have sent, and so pulled */
		if (n->bl_n == 0 || fed >= nslots + EXOS_NET_BACKLOG)
			break;
	}
	n->polling = 0;
	return taken;
stopped:
	/* no timers or flush on a removed netif */
	n->polling = 0;
	return taken;
}

void
exos_net_wait(struct exos_net *n, uint64_t ms)
{
	volatile struct xok_net_ring *r = (void *)n->ring_va;
	uint64_t hz = XOK_INFO->hz, now = xok_ticks(), end;
	uint32_t t;

	exos_net_flush(n);
	if (n->bl_n > 0)
		return;         /* frames a send's wait copied in (tx_wait) */
	t = sys_timeouts_sleeptime();
	if (t != SYS_TIMEOUTS_SLEEPTIME_INFINITE && t < ms)
		ms = t;
	end = now + (ms * hz + 999) / 1000;
	if (end == now)
		end++;
	{
		struct xok_pred_insn p[8] = {
			{ .op = XP_LDU, .a = 0, .imm = (uint64_t)&r->head },
			{ .op = XP_LDI, .a = 1, .imm = r->tail },
			{ .op = XP_NE, .a = 0, .b = 1 },
			{ .op = XP_LDK, .a = 2, .imm = __builtin_offsetof(
			    struct xok_info, ticks) },
			{ .op = XP_LDI, .a = 3, .imm = end },
			{ .op = XP_GEU, .a = 2, .b = 3 },
			{ .op = XP_OR, .a = 0, .b = 2 },
			{ .op = XP_RET, .a = 0 },
		};

		if (r->head == r->tail && xok_ticks() < end)
			sys_sleep(p, 8);
	}
}
