/*
 * lwiptest.c: TCP/IP as a library.  lwIP (libexos/net) over packet
 * filters and a packet ring, with a TCP echo server on lwIP's raw API at
 * 10.0.2.15:7777, driven from the host by tests/guest/lwiptest.sh
 * through QEMU's forwarded port.
 *
 * Before serving, hostile frames go through the same input path as the
 * ring's (truncated Ethernet, IPv4, TCP and ARP headers, bad lengths and
 * checksums, random bytes, a forged ring slot with an impossible
 * length): lwIP must drop them all and keep no buffer; a frame flagged
 * checksum-right skips lwIP's TCP sum, and only that frame.  Each connection
 * starts with a mode byte, echoed with the rest: 'E' echo; 'S' echo,
 * and after 32 KiB the receive loop stops draining the ring for 400 ms
 * (the ring fills: the kernel drops and counts, TCP must recover); 'Q'
 * the host is done.  Then the counters are checked.
 */
#include <exos/exos.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "exosnet.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/stats.h"
#include "lwip/memp.h"
#include "lwip/timeouts.h"
#include "lwip/etharp.h"

#define PORT    7777
#define RING_VA 0x0000000400000000UL
#define NPG     8                       /* 15 slots */
#define NCONN   8
#define STALL_AFTER (32 * 1024)
#define STALL_MS 400
#define LIMIT_MS 55000

static const uint8_t my_ip[4] = { 10, 0, 2, 15 };
static const uint8_t mask[4] = { 255, 255, 255, 0 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };

struct conn {
	int used;
	struct tcp_pcb *pcb;
	struct pbuf *q;                 /* received, not yet echoed */
	int mode, eof;
	uint64_t rx, tx;
};

static struct exos_net net;
static struct conn conns[NCONN];
static int stall_req, stalled, quit, accepted, completed, refused;
static uint64_t echoed;
static uint8_t copybuf[8192];

static void
conn_free(struct conn *c)
{
	if (c->q)
		pbuf_free(c->q);
	memset(c, 0, sizeof(*c));
}

static void
conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
	completed++;
	conn_free(c);
}

/* Echo as much of the queue as the send buffer takes; acknowledge to
 * the window only what went out, so the peer is flow-controlled. */
static void
flush(struct conn *c)
{
	while (c->q) {
		u16_t n = tcp_sndbuf(c->pcb);
		err_t e;

		if (n > c->q->tot_len)
			n = c->q->tot_len;
		if (n > sizeof(copybuf))
			n = sizeof(copybuf);
		if (n == 0)
			break;
		if (pbuf_copy_partial(c->q, copybuf, n, 0) != n)
			break;
		e = tcp_write(c->pcb, copybuf, n, TCP_WRITE_FLAG_COPY);
		if (e == ERR_MEM)
			break;
		if (e != ERR_OK) {
			printf("lwiptest: tcp_write: %d\n", e);
			break;
		}
		tcp_recved(c->pcb, n);
		c->tx += n;
		echoed += n;
		c->q = pbuf_free_header(c->q, n);
	}
	tcp_output(c->pcb);
	if (c->eof && c->q == NULL)
		conn_close(c);
}

static err_t
on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	(void)pcb;
	if (c == NULL) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (p == NULL) {
		c->eof = 1;
		flush(c);
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	if (c->mode == 0)
		c->mode = pbuf_get_at(p, 0);
	c->rx += p->tot_len;
	if (c->mode == 'S' && !stalled && c->rx >= STALL_AFTER)
		stall_req = 1;
	if (c->mode == 'Q')
		quit = 1;
	if (c->q)
		pbuf_cat(c->q, p);
	else
		c->q = p;
	flush(c);
	return ERR_OK;
}

static err_t
on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb, (void)len;
	if (arg)
		flush(arg);
	return ERR_OK;
}

static err_t
on_poll(void *arg, struct tcp_pcb *pcb)
{
	(void)pcb;
	if (arg)
		flush(arg);
	return ERR_OK;
}

static void
on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	printf("lwiptest: connection error %d\n", err);
	if (c)
		conn_free(c);           /* lwIP freed the pcb */
}

static err_t
on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	int i;

	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	for (i = 0; i < NCONN && conns[i].used; i++)
		;
	if (i == NCONN) {
		refused++;
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	memset(&conns[i], 0, sizeof(conns[i]));
	conns[i].used = 1;
	conns[i].pcb = pcb;
	accepted++;
	tcp_arg(pcb, &conns[i]);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);
	return ERR_OK;
}

/* ---- hostile frames --------------------------------------------------- */

static uint8_t fr[1600];

static unsigned
eth(uint16_t type)
{
	memcpy(fr, (const void *)XOK_INFO->net.mac, 6);
	memcpy(fr + 6, "\x52\x55\x0a\x00\x02\x02", 6);
	fr[12] = (uint8_t)(type >> 8), fr[13] = (uint8_t)type;
	return 14;
}

static uint16_t
sum16(const uint8_t *p, unsigned n, uint32_t s)
{
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A well-formed IPv4 header from the gateway to us, total length tot. */
static void
ip4(uint8_t proto, unsigned tot)
{
	uint16_t s;

	eth(0x0800);
	memset(fr + 14, 0, 20);
	fr[14] = 0x45;
	fr[16] = (uint8_t)(tot >> 8), fr[17] = (uint8_t)tot;
	fr[22] = 64, fr[23] = proto;
	memcpy(fr + 26, gw_ip, 4);
	memcpy(fr + 30, my_ip, 4);
	s = sum16(fr + 14, 20, 0);
	fr[24] = (uint8_t)(s >> 8), fr[25] = (uint8_t)s;
}

/* A TCP SYN to our port after ip4(6, 40). */
static void
tcp_syn(void)
{
	uint8_t *t = fr + 34;

	memset(t, 0, 20);
	t[0] = 0x30, t[1] = 0x39;               /* source port 12345 */
	t[2] = PORT >> 8, t[3] = PORT & 0xff;
	t[12] = 5 << 4, t[13] = 0x02;           /* SYN */
	t[14] = 0x10, t[15] = 0;
	t[16] = 0x12, t[17] = 0x34;             /* a wrong checksum */
}

static void
hostile(void)
{
	volatile struct xok_net_ring *r = (void *)RING_VA;
	uint32_t ipdrop0 = lwip_stats.ip.drop, tcpdrop0 = lwip_stats.tcp.drop;
	uint32_t tcpchk0 = lwip_stats.tcp.chkerr, arpdrop0 =
	    lwip_stats.etharp.drop, linkdrop0 = lwip_stats.link.drop;
	uint64_t bad0 = net.rx_badlen, seed = rdtsc() | 1;
	unsigned k, n, j;
	int drops = 0;

	/* Truncated Ethernet headers: 1 and 13 bytes. */
	eth(0x0800);
	drops += exos_net_input(&net, fr, 1) == 0;
	drops += exos_net_input(&net, fr, 13) == 0;
	/* An IPv4 header cut at 10 bytes. */
	ip4(6, 40);
	exos_net_input(&net, fr, 24);
	/* Total length 1500 in a 60-byte frame. */
	ip4(6, 1500);
	tcp_syn();
	exos_net_input(&net, fr, 60);
	/* Header length 60 in a 40-byte packet; header length 12 (< 20). */
	ip4(6, 40);
	fr[14] = 0x4f;
	exos_net_input(&net, fr, 54);
	ip4(6, 40);
	fr[14] = 0x43;
	exos_net_input(&net, fr, 54);
	/* A bad IPv4 header checksum. */
	ip4(6, 40);
	tcp_syn();
	fr[24] ^= 0x55;
	exos_net_input(&net, fr, 54);
	/* A SYN with a bad TCP checksum; one with data offset 60 in 20. */
	ip4(6, 40);
	tcp_syn();
	exos_net_input(&net, fr, 54);
	ip4(6, 40);
	tcp_syn();
	fr[34 + 12] = 0xf0;
	exos_net_input(&net, fr, 54);
	/* A TCP header cut at 8 bytes (IP length says so too). */
	ip4(6, 28);
	tcp_syn();
	exos_net_input(&net, fr, 42);
	/* ARP cut short; ARP with a hardware length of 200. */
	eth(0x0806);
	memcpy(fr + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	exos_net_input(&net, fr, 24);
	fr[18] = 200;
	memset(fr + 22, 0xaa, 20);
	memcpy(fr + 38, my_ip, 4);
	exos_net_input(&net, fr, 42);
	/* Lengths the library refuses itself: 0 and 5000. */
	EXPECT("a 0-byte frame is refused", exos_net_input(&net, fr, 0) < 0);
	EXPECT("a 5000-byte frame is refused", exos_net_input(&net, fr,
	    5000) < 0);
	/* 300 frames of random bytes, half of them typed IPv4 to us. */
	for (k = 0; k < 300; k++) {
		n = 1 + (unsigned)(seed % 1514);
		for (j = 0; j < n; j++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			fr[j] = (uint8_t)seed;
		}
		if (k & 1) {
			uint8_t keep[20];

			memcpy(keep, fr + 14, 20);
			ip4(keep[9], (unsigned)(keep[2] << 8 | keep[3]));
			fr[14] = keep[0];
		}
		exos_net_input(&net, fr, n);
	}
	/* A ring slot with an impossible length (head and tail are ours to
	 * corrupt; the library must not read past the slot). */
	{
		struct xok_net_slot *s = (void *)(RING_VA + (1 + r->head %
		    r->nslots) * XOK_NET_SLOT);

		s->len = 5000;
		r->head++;
		exos_net_poll(&net);
	}
	(void)drops;
	printf("lwiptest: after hostile frames: ip drop %u tcp drop %u "
	    "chkerr %u arp drop %u link drop %u badlen %lu\n",
	    lwip_stats.ip.drop - ipdrop0, lwip_stats.tcp.drop - tcpdrop0,
	    lwip_stats.tcp.chkerr - tcpchk0, lwip_stats.etharp.drop - arpdrop0,
	    lwip_stats.link.drop - linkdrop0, net.rx_badlen - bad0);
	EXPECT("lwIP dropped the malformed IPv4 packets",
	    lwip_stats.ip.drop - ipdrop0 >= 4);
	EXPECT("lwIP dropped the bad TCP segments", lwip_stats.tcp.chkerr -
	    tcpchk0 >= 1 && lwip_stats.tcp.drop - tcpdrop0 >= 2);
	EXPECT("the forged slot and bad lengths are counted",
	    net.rx_badlen - bad0 == 3);
	/* (session 18) but the frames a send (an RST) pulled into the
	 * backlog: one pool buffer each */
	EXPECT_EQ("no pool buffer kept after the hostile frames",
	    lwip_stats.memp[MEMP_PBUF_POOL]->used, net.bl_n);
	EXPECT_EQ("no TCP connection made by them", accepted, 0);
}

/*
 * A slot flagged XOK_NET_RX_CSUM_OK (receive checksum offload: the card
 * or the kernel vouches for the TCP/UDP sum) makes lwIP skip that
 * frame's TCP sum and only that frame's: the same bad SYN, flagged,
 * passes the check (answered by a RST, no listener yet); unflagged
 * right after, it is dropped for its sum.  The IP header's sum is
 * still checked on a flagged frame.
 */
static void
flagged(void)
{
	uint32_t chk0 = lwip_stats.tcp.chkerr, ipchk0 = lwip_stats.ip.chkerr;
	uint64_t ok0 = net.rx_csum_ok;

	ip4(6, 40);
	tcp_syn();
	exos_net_input_flags(&net, fr, 54, XOK_NET_RX_CSUM_OK);
	EXPECT_EQ("a flagged frame: lwIP skipped its TCP sum",
	    lwip_stats.tcp.chkerr - chk0, 0);
	EXPECT_EQ("the netif counted it flagged", net.rx_csum_ok - ok0, 1);
	exos_net_input_flags(&net, fr, 54, 0);
	EXPECT_EQ("the same frame unflagged next: dropped for its TCP sum",
	    lwip_stats.tcp.chkerr - chk0, 1);
	exos_net_input(&net, fr, 54);
	EXPECT_EQ("and through exos_net_input: dropped too",
	    lwip_stats.tcp.chkerr - chk0, 2);
	fr[24] ^= 0x55;
	exos_net_input_flags(&net, fr, 54, XOK_NET_RX_CSUM_OK);
	EXPECT_EQ("a flagged frame with a bad IP header sum: dropped",
	    lwip_stats.ip.chkerr - ipchk0, 1);
}

/* ---- the receive backlog (session 17) -------------------------------- */

/*
 * The library reads a ring of our own making (net.ring_va moved to
 * FAKE_VA for these cases; the kernel keeps writing the real one), so
 * frames can arrive "while lwIP runs": the UDP callback below plays
 * the kernel, putting more frames into the ring (or dropping them,
 * counted, when it is full, as ring_put does).
 */
#define FAKE_VA 0x0000000410000000UL
#define BL_PORT 7778
#define BL_MAX  200

static unsigned bl_sent, bl_total, bl_per_frame, bl_got, bl_misordered;
static int bl_last;
/* (session 17) the callback polls again: what those nested polls took */
static int bl_nest;
static unsigned bl_nested;
static uint8_t bl_seen[BL_MAX], bl_in[BL_MAX];
/* (session 18) a timer made due when the bl_timer_at'th datagram is
 * delivered, and the datagrams delivered when it ran (-1: not yet) */
static unsigned bl_timer_at;
/* (session 18) the callback sends a frame (which pulls what arrived) */
static int bl_send;
static int bl_timer_ran;

static void
bl_timer(void *arg)
{
	(void)arg;
	bl_timer_ran = (int)bl_got;
}

/* Frame i of a burst: a UDP datagram to BL_PORT carrying i, or (i % 10
 * == 7) a slot with an impossible length, or (i % 10 == 4) an IPv4
 * packet whose total length is beyond the frame; of the datagrams,
 * those with i % 4 == 1 or 3 have a wrong UDP sum, flagged
 * XOK_NET_RX_CSUM_OK when i % 4 == 1.  1 if lwIP should deliver it. */
static int
bl_delivered(unsigned i)
{
	return i % 10 != 7 && i % 10 != 4 && i % 4 != 3;
}

static unsigned
bl_frame(unsigned i, uint16_t *flags)
{
	unsigned plen = 64, ulen = 8 + plen;
	uint8_t *u = fr + 34;
	uint32_t ps;
	uint16_t sum;

	*flags = 0;
	if (i % 10 == 4) {
		ip4(17, 1500);
		return 60;
	}
	ip4(17, 20 + ulen);
	u[0] = 0x30, u[1] = 0x39;
	u[2] = BL_PORT >> 8, u[3] = BL_PORT & 0xff;
	u[4] = (uint8_t)(ulen >> 8), u[5] = (uint8_t)ulen;
	u[6] = u[7] = 0;
	memset(u + 8, (int)i, plen);
	memcpy(u + 8, &i, 4);
	ps = (uint32_t)(gw_ip[0] << 8 | gw_ip[1]) + (uint32_t)(gw_ip[2] << 8 |
	    gw_ip[3]) + (uint32_t)(my_ip[0] << 8 | my_ip[1]) +
	    (uint32_t)(my_ip[2] << 8 | my_ip[3]) + 17 + ulen;
	sum = sum16(u, ulen, ps);
	if (sum == 0)
		sum = 0xffff;
	if (i % 4 == 1 || i % 4 == 3)
		sum ^= 0x5555;
	if (i % 4 == 1 || i % 8 == 0)
		*flags = XOK_NET_RX_CSUM_OK;
	u[6] = (uint8_t)(sum >> 8), u[7] = (uint8_t)sum;
	return 14 + 20 + ulen;
}

/* The kernel's part: frame i into the fake ring, or dropped if full. */
static void
bl_put(unsigned i)
{
	volatile struct xok_net_ring *r = (void *)FAKE_VA;
	struct xok_net_slot *s;
	uint16_t flags;
	unsigned len;

	if (r->head - r->tail >= r->nslots) {
		r->dropped++;
		return;
	}
	bl_in[i] = 1;
	s = (void *)(FAKE_VA + (1 + r->head % r->nslots) * XOK_NET_SLOT);
	len = bl_frame(i, &flags);
	memcpy(s->data, fr, len);
	s->len = i % 10 == 7 ? 5000 : len;
	s->filter = 1;
	s->flags = flags;
	r->head++;
}

static void
on_bl_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p,
    const ip_addr_t *addr, u16_t port)
{
	uint32_t i;
	unsigned k;

	(void)arg, (void)pcb, (void)addr, (void)port;
	if (pbuf_copy_partial(p, &i, 4, 0) == 4 && i < BL_MAX) {
		if ((int)i <= bl_last || bl_seen[i])
			bl_misordered++;
		bl_seen[i] = 1;
		bl_last = (int)i;
		bl_got++;
	}
	pbuf_free(p);
	for (k = 0; k < bl_per_frame && bl_sent < bl_total; k++)
		bl_put(bl_sent++);
	if (bl_timer_at != 0 && bl_got == bl_timer_at) {
		bl_timer_at = 0;
		sys_timeout(0, bl_timer, NULL);
	}
	if (bl_nest)
		bl_nested += exos_net_poll(&net);
	if (bl_send) {
		ip4_addr_t gw;

		IP4_ADDR(&gw, gw_ip[0], gw_ip[1], gw_ip[2], gw_ip[3]);
		etharp_request(&net.netif, &gw);
	}
}

/* Start a burst of total frames, first fill of the ring, per_frame more
 * put in by each datagram delivered. */
static void
bl_start(unsigned total, unsigned first, unsigned per_frame)
{
	memset(bl_seen, 0, sizeof(bl_seen));
	memset(bl_in, 0, sizeof(bl_in));
	bl_sent = bl_got = bl_misordered = 0;
	bl_last = -1;
	bl_total = total;
	bl_per_frame = per_frame;
	while (bl_sent < first && bl_sent < total)
		bl_put(bl_sent++);
}

/* 1 if every frame of the burst that the ring took and lwIP should
 * deliver was delivered, and no other. */
static int
bl_all(void)
{
	unsigned i;

	for (i = 0; i < bl_total; i++)
		if (bl_seen[i] != (bl_in[i] && bl_delivered(i)))
			return 0;
	return 1;
}

static void
backlog(void)
{
	volatile struct xok_net_ring *r = (void *)FAKE_VA;
	const struct stats_mem *pool = lwip_stats.memp[MEMP_PBUF_POOL];
	static struct pbuf *held[PBUF_POOL_SIZE];
	uint64_t real_va = net.ring_va, bad0, nopbuf0, held0, bl0;
	uint32_t used0 = pool->used, chk0 = lwip_stats.udp.chkerr;
	struct udp_pcb *u;
	unsigned nheld = 0, taken, want = 0, i;

	if (exos_map_new(FAKE_VA, NPG, XOK_PTE_W) < 0 ||
	    (u = udp_new()) == NULL) {
		EXPECT("backlog: setup", 0);
		return;
	}
	if (udp_bind(u, IP_ADDR_ANY, BL_PORT) != ERR_OK) {
		EXPECT("backlog: udp_bind", 0);
		udp_remove(u);
		return;
	}
	udp_recv(u, on_bl_udp, NULL);
	r->head = r->tail = r->dropped = 0;
	r->nslots = 2 * NPG - 1;
	net.ring_va = FAKE_VA;

	/* 1. 120 frames, 15 at first (the ring full), 3 more arriving
	 * while lwIP takes each datagram: far more than the ring holds
	 * waits in the pool instead, nothing is dropped, nothing
	 * reordered, each frame keeps its own flag, the malformed ones are
	 * freed; one poll takes them all and leaves the backlog empty. */
	bad0 = net.rx_badlen;
	bl_start(120, 15, 3);
	bl_timer_at = 10;
	bl_timer_ran = -1;
	taken = exos_net_poll(&net);
	for (i = 0; i < bl_total; i++)
		want += bl_delivered(i);
	printf("lwiptest: backlog: %u frames taken, %u delivered, ring "
	    "dropped %lu, backlog peak %u, beyond the ring %lu\n", taken,
	    bl_got, r->dropped, net.rx_backlog_peak, net.rx_backlog_beyond);
	EXPECT_EQ("backlog: all 120 frames put in the ring", bl_sent, 120);
	EXPECT_EQ("backlog: one poll took them all", taken, 120);
	EXPECT_EQ("backlog: no frame dropped by the full ring", r->dropped, 0);
	EXPECT("backlog: every deliverable datagram delivered, once",
	    bl_all() && bl_got == want);
	EXPECT_EQ("backlog: in order", bl_misordered, 0);
	EXPECT_EQ("backlog: unflagged wrong sums dropped by lwIP, the "
	    "flagged ones taken", lwip_stats.udp.chkerr - chk0, 24);
	EXPECT_EQ("backlog: impossible lengths counted", net.rx_badlen -
	    bad0, 12);
	EXPECT("backlog: more frames waited than the ring holds",
	    net.rx_backlog_peak > 15 && net.rx_backlog_beyond > 0);
	EXPECT_EQ("backlog: empty after the poll", net.bl_n, 0);
	EXPECT_EQ("backlog: no pool buffer kept", pool->used, used0);
	/* (session 18) lwIP's timers run between frames: one made due at
	 * the 10th datagram ran before the next was delivered, not after
	 * the whole batch */
	printf("lwiptest: backlog: a timer due at datagram 10 ran at %d of "
	    "%u\n", bl_timer_ran, bl_got);
	EXPECT_EQ("backlog: a due timer runs between frames", bl_timer_ran,
	    10);

	/* 1b. (session 17) the callback polls again as frames arrive: the
	 * nested polls take nothing, the outer one all, in order, once */
	bl_nest = 1;
	bl_nested = 0;
	want = 0;
	bl_start(60, 15, 2);
	taken = exos_net_poll(&net);
	bl_nest = 0;
	for (i = 0; i < bl_total; i++)
		want += bl_delivered(i);
	EXPECT_EQ("backlog: a poll nested in a callback takes nothing",
	    bl_nested, 0);
	EXPECT_EQ("backlog: the outer poll took all 60", taken, 60);
	EXPECT("backlog: nested: every deliverable datagram delivered, "
	    "once, in order", bl_all() && bl_got == want &&
	    bl_misordered == 0);
	EXPECT_EQ("backlog: nested: no pool buffer kept", pool->used, used0);

	/* 2. The pool empty (all its buffers held here): 15 frames are
	 * taken from the ring and dropped, counted, none kept. */
	while (pool->avail > pool->used && nheld < PBUF_POOL_SIZE &&
	    (held[nheld] = pbuf_alloc(PBUF_RAW, 100, PBUF_POOL)) != NULL)
		nheld++;
	nopbuf0 = net.rx_nopbuf;
	held0 = net.rx_backlog_held;
	bl0 = net.rx_backlog;
	bad0 = net.rx_badlen;
	bl_start(15, 15, 0);
	taken = exos_net_poll(&net);
	EXPECT_EQ("backlog: the pool empty: 15 taken", taken, 15);
	EXPECT_EQ("backlog: the pool empty: none delivered", bl_got, 0);
	EXPECT("backlog: the pool empty: dropped as no pbuf (14) or for "
	    "their length (1)", net.rx_nopbuf - nopbuf0 == 14 &&
	    net.rx_badlen - bad0 == 1);
	EXPECT("backlog: the pool empty: the backlog took none",
	    net.rx_backlog == bl0);
	EXPECT_EQ("backlog: the pool empty: one stop by the reserve, "
	    "counted once", net.rx_backlog_held - held0, 1);
	EXPECT_EQ("backlog: the pool empty: the ring is empty",
	    r->head - r->tail, 0);
	EXPECT_EQ("backlog: the pool empty: nothing kept", pool->used,
	    used0 + nheld);

	/* 3. The pool below its reserve (4 free): frames go one at a time,
	 * as before the backlog, all delivered in order. */
	for (i = 0; i < 4 && nheld > 0; i++)
		pbuf_free(held[--nheld]);
	bl_start(15, 15, 0);
	nopbuf0 = net.rx_nopbuf;
	taken = exos_net_poll(&net);
	for (i = 0, want = 0; i < bl_total; i++)
		want += bl_delivered(i);
	EXPECT("backlog: 4 free: all delivered, in order", taken == 15 &&
	    bl_all() && bl_got == want && bl_misordered == 0 &&
	    net.rx_nopbuf == nopbuf0);
	EXPECT_EQ("backlog: 4 free: the backlog took none", net.rx_backlog,
	    bl0);

	/* 4. 5 free past the reserve: the backlog takes 5, then one more
	 * as each is fed; 60 frames, 2 arriving per datagram. */
	while (pool->avail - pool->used < EXOS_NET_RESERVE + 5 && nheld > 0)
		pbuf_free(held[--nheld]);
	held0 = net.rx_backlog_held;
	bl_start(60, 15, 2);
	taken = exos_net_poll(&net);
	printf("lwiptest: backlog at the reserve: %u taken, %u delivered, "
	    "ring dropped %lu, held %lu\n", taken, bl_got, r->dropped,
	    net.rx_backlog_held - held0);
	EXPECT("backlog: at the reserve: what the ring took delivered, in "
	    "order", bl_all() && bl_misordered == 0 && net.rx_nopbuf ==
	    nopbuf0);
	EXPECT("backlog: at the reserve: the bound held",
	    net.rx_backlog_held > held0);

	while (nheld > 0)
		pbuf_free(held[--nheld]);

	/* 5. (session 18) a send waiting for the card's transmit buffers
	 * copies what arrives into the backlog: the ring is emptied at
	 * once, exos_net_wait does not sleep on frames waiting there, the
	 * next poll feeds them in order.  A stopped network's wait takes
	 * nothing. */
	{
		uint64_t tw0 = net.rx_backlog_txwait, w0;
		int64_t filt = net.filt_ip;

		bl_start(15, 15, 0);
		net.filt_ip = -1;
		exos_net_tx_wait(&net, 0, exos_uptime_ns());
		net.filt_ip = filt;
		EXPECT("backlog: a stopped network's wait takes nothing",
		    r->head - r->tail == 15 && net.bl_n == 0);
		exos_net_tx_wait(&net, 0, exos_uptime_ns());
		printf("lwiptest: backlog: a wait for the card took %lu "
		    "frames, %u waiting\n", net.rx_backlog_txwait - tw0,
		    net.bl_n);
		EXPECT("backlog: a wait for the card empties the ring into "
		    "the backlog", r->head == r->tail && net.rx_backlog_txwait
		    - tw0 == 15 && net.bl_n == 14);
		/* lwIP's next timer at least 200 ms away: a wait that
		 * slept would take that long */
		while (sys_timeouts_sleeptime() < 200) {
			w0 = exos_uptime_ns();
			while (exos_uptime_ns() - w0 < 1000000UL)
				;
			sys_check_timeouts();
		}
		w0 = exos_uptime_ns();
		exos_net_wait(&net, 2000);
		w0 = exos_uptime_ns() - w0;
		printf("lwiptest: backlog: exos_net_wait returned in %lu us\n",
		    w0 / 1000);
		EXPECT("backlog: exos_net_wait does not sleep on the "
		    "backlog", w0 < 100000000UL);
		taken = exos_net_poll(&net);
		for (i = 0, want = 0; i < bl_total; i++)
			want += bl_delivered(i);
		EXPECT("backlog: the next poll feeds them, in order",
		    taken == 0 && bl_all() && bl_got == want &&
		    bl_misordered == 0 && net.bl_n == 0);
	}

	/* 6. (session 18) a frame sent copies what has arrived into the
	 * backlog first: 15 frames in the ring, an ARP request for the
	 * gateway (sent through the netif's linkoutput whatever lwIP's
	 * ARP table holds, unlike a datagram, which waits there while its
	 * address is being resolved) takes them all, feeds none; the
	 * next poll feeds them in order */
	{
		uint64_t sd0 = net.rx_backlog_sending;
		ip4_addr_t gw;
		err_t e;

		IP4_ADDR(&gw, gw_ip[0], gw_ip[1], gw_ip[2], gw_ip[3]);
		bl_start(15, 15, 0);
		e = etharp_request(&net.netif, &gw);
		printf("lwiptest: backlog: a send took %lu frames, %u "
		    "waiting (etharp_request %d)\n", net.rx_backlog_sending -
		    sd0, net.bl_n, (int)e);
		EXPECT("backlog: a frame sent empties the ring into the "
		    "backlog", r->head == r->tail &&
		    net.rx_backlog_sending - sd0 == 15 && net.bl_n == 14);
		taken = exos_net_poll(&net);
		for (i = 0, want = 0; i < bl_total; i++)
			want += bl_delivered(i);
		EXPECT("backlog: after a send, the next poll feeds them, in "
		    "order", taken == 0 && bl_all() && bl_got == want &&
		    bl_misordered == 0 && net.bl_n == 0);
	}
	/* 7. (session 18's review) every datagram delivered sends a frame
	 * and another arrives: the sends pull each into the backlog, past
	 * the poll's own budget, yet one poll feeds at most a ring's worth
	 * and the pool's size (without the bound it fed all 200, and a
	 * flood kept it going for ever); the next polls feed the rest, in
	 * order */
	{
		unsigned polls = 1, first;

		bl_send = 1;
		bl_start(BL_MAX, 15, 3);
		taken = exos_net_poll(&net);
		first = bl_got;
		for (; polls < 20 && (net.bl_n > 0 || r->head != r->tail);
		    polls++)
			exos_net_poll(&net);
		bl_send = 0;
		for (i = 0, want = 0; i < bl_total; i++)
			want += bl_in[i] && bl_delivered(i);
		printf("lwiptest: backlog: sends pulling: the first poll "
		    "delivered %u of %u, %u polls in all\n", first, want, polls);
		EXPECT("backlog: sends pulling: one poll stops at its bound",
		    first < want && first <= 15 + PBUF_POOL_SIZE &&
		    bl_sent == BL_MAX);
		EXPECT("backlog: sends pulling: the next polls deliver the "
		    "rest, in order", bl_all() && bl_got == want &&
		    bl_misordered == 0 && net.bl_n == 0);
	}
	net.ring_va = real_va;
	udp_remove(u);
	EXPECT_EQ("backlog: the pool back where it was", pool->used, used0);
}

int
main(uint64_t arg)
{
	volatile struct xok_net_ring *r = (void *)RING_VA;
	struct tcp_pcb *l;
	uint64_t t0, quit_at = 0;
	int e;

	(void)arg;
	printf("lwiptest: start\n");
	e = exos_net_start(&net, 0, RING_VA, NPG, my_ip, mask, gw_ip);
	EXPECT_EQ("exos_net_start", e, 0);
	if (e < 0)
		goto out;
	EXPECT_EQ("the ring has 15 slots", r->nslots, 15);
	/* Before listening: a host SYN taken meanwhile is refused, not
	 * counted as a connection the hostile frames made. */
	hostile();
	flagged();
	backlog();
	l = tcp_new();
	EXPECT("tcp_new", l != NULL);
	if (l == NULL || tcp_bind(l, IP_ADDR_ANY, PORT) != ERR_OK ||
	    (l = tcp_listen(l)) == NULL) {
		EXPECT("listen", 0);
		goto out;
	}
	tcp_accept(l, on_accept);
	printf("lwiptest: listening on %d\n", PORT);

	t0 = exos_net_now();
	for (;;) {
		uint32_t now = exos_net_now();

		if (now - t0 > LIMIT_MS) {
			EXPECT("the host finished in time", 0);
			break;
		}
		if (quit && quit_at == 0)
			quit_at = now;
		/* After 'Q': serve 500 ms more so the closes finish. */
		if (quit_at && now - quit_at > 500)
			break;
		if (stall_req && !stalled) {
			stalled = 1;
			printf("lwiptest: not draining the ring for %d ms\n",
			    STALL_MS);
			exos_sleep_until_tick(xok_ticks() + (STALL_MS *
			    XOK_INFO->hz + 999) / 1000);
		}
		exos_net_poll(&net);
		exos_net_wait(&net, 100);
	}
	printf("lwiptest: accepted %d completed %d refused %d echoed %lu; "
	    "ring dropped %lu; rx %lu badlen %lu nopbuf %lu tx %lu busy %lu "
	    "txdrop %lu; tcp xmit %u; backlog waited %lu peak %u\n",
	    accepted, completed, refused, echoed, r->dropped, net.rx_frames,
	    net.rx_badlen, net.rx_nopbuf, net.tx_frames, net.tx_busy,
	    net.tx_dropped, lwip_stats.tcp.xmit, net.rx_backlog,
	    net.rx_backlog_peak);
	EXPECT("the host's connections were served", quit && accepted >= 8);
	EXPECT("the stall happened", stalled);
	EXPECT("the full ring dropped frames, counted in the ring and the "
	    "kernel", r->dropped > 0 && XOK_INFO->net.rx_ringfull > 0);
	EXPECT("over 2 MiB echoed", echoed > 2 * 1024 * 1024);
	EXPECT_EQ("no pool buffer kept at the end (but the backlog's)",
	    lwip_stats.memp[MEMP_PBUF_POOL]->used, net.bl_n);
	exos_net_stop(&net);
	EXPECT("the filters are gone", XOK_INFO->net.nfilters == 0);
out:
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
