/*
 * synguard.c: Cheetah against SYN floods (docs/CHEETAH.md,
 * "Connections").  lwIP keeps a connection that has only sent its SYN
 * (SYN_RCVD) for 20 s, and with TCP_LISTEN_BACKLOG it drops every SYN
 * while BACKLOG of them wait: a flood of SYNs from addresses that never
 * answer would lock every real client out.  This sits in front of
 * lwIP's input (the netif's input function): a SYN to the server's port
 * that finds the backlog full makes room by dropping the oldest
 * half-open connection (silently: its peer never answered), so a real
 * client, whose ACK follows its SYN within a round trip, gets in unless
 * more than BACKLOG SYNs arrive within that round trip.  (No SYN
 * cookies: lwIP has none.)
 *
 * For the guest test, syn_flood() feeds lwIP SYNs from made-up
 * addresses of the local network that no one answers ARP for (QEMU's
 * user network answers only for its gateway and DNS), exactly as if
 * the card had received them: their SYN-ACKs wait for ARP and nothing
 * resets them, as with a spoofed flood.  (From addresses outside, the
 * SYN-ACKs would reach QEMU's network, which resets them at once.)
 * So that the flood's ARP entries do not push the gateway's out of
 * lwIP's 8-entry table, the test pins the gateway's (a static entry).
 */
#include <exos/exos.h>
#include <string.h>
#include "exosnet.h"
#include "synguard.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/etharp.h"

static struct tcp_pcb_listen *guarded;
static uint16_t guarded_port;
static netif_input_fn next_input;
uint64_t syn_seen, syn_evicted, syn_reopened, syn_tw_kept;

/* The Internet checksum: sum16 adds n bytes to s, fin folds and
 * complements (0 for a range that holds its own right sum). */
static uint32_t
sum16(const uint8_t *p, unsigned n, uint32_t s)
{
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint32_t)p[i] << 8;
	return s;
}

static uint16_t
fin(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * Is p (an Ethernet frame in one pbuf) a SYN without ACK or RST to our
 * port that lwIP will take: an unfragmented IPv4 packet to our address
 * from one that is not broadcast or multicast, whose lengths fit the
 * frame and whose IP and TCP checksums are right (the TCP one as lwIP
 * checks it: not for a frame the kernel flagged right)?  A frame lwIP
 * drops (a bad checksum, a bad length, a fragment) must
 * not drop a half-open connection or end a TIME_WAIT on its way there
 * (session 10: before, a SYN with a bad checksum did both).
 */
static int
is_syn(const struct pbuf *p, const struct netif *nif)
{
	const uint8_t *f = p->payload, *t;
	unsigned ihl, tot, doff;
	uint32_t src;

	if (p->len != p->tot_len || p->len < 14 + 20 + 20 ||
	    f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 ||
	    f[23] != 6)
		return 0;
	ihl = (f[14] & 15) * 4u;
	tot = (unsigned)f[16] << 8 | f[17];
	if (ihl < 20 || tot < ihl + 20 || tot > p->len - 14u ||
	    (f[20] & 0x3f) != 0 || f[21] != 0 ||       /* MF, offset */
	    memcmp(f + 30, netif_ip4_addr(nif), 4) != 0 ||
	    fin(sum16(f + 14, ihl, 0)) != 0)
		return 0;
	memcpy(&src, f + 26, 4);
	if (ip4_addr_isbroadcast_u32(src, nif) || (f[26] & 0xf0) == 0xe0)
		return 0;               /* lwIP drops these too */
	t = f + 14 + ihl;
	doff = (t[12] >> 4) * 4u;
	if ((t[13] & 0x16) != 0x02 || ((unsigned)t[2] << 8 | t[3]) !=
	    guarded_port || doff < 20 || doff > tot - ihl)
		return 0;
	/* the pseudo header: addresses, protocol, TCP length; not summed
	 * when lwIP will not sum it either (a frame the kernel flagged
	 * XOK_NET_RX_CSUM_OK: exosnet.c turned the netif's check off) */
	IF__NETIF_CHECKSUM_ENABLED(nif, NETIF_CHECKSUM_CHECK_TCP) {
		return fin(sum16(t, tot - ihl, sum16(f + 26, 8,
		    6 + tot - ihl))) == 0;
	}
	return 1;
}

/* Drop the oldest half-open connection of the listener (the active
 * list is newest first). */
static void
drop_oldest(void)
{
	struct tcp_pcb *pcb, *old = NULL;

	for (pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next)
		if (pcb->state == SYN_RCVD && pcb->listener == guarded)
			old = pcb;
	if (old != NULL) {
		syn_evicted++;
		tcp_abandon(old, 0);
	}
}

/*
 * A SYN for a connection lwIP still holds in TIME_WAIT (we closed it
 * first; its client reuses the port within lwIP's 2 MSL, 120 s): lwIP
 * would only acknowledge the old connection again, and the client's
 * connect would hang until TIME_WAIT ends.  As RFC 1122 (4.2.2.13)
 * allows, a SYN that starts past the old connection's sequence
 * numbers ends the TIME_WAIT (silently) and opens a new connection.
 * (Seen in session 9: QEMU's user network gives the guest the host
 * client's own port, and the host reuses ports at once.)
 */
static void
reopen_timewait(const struct pbuf *p)
{
	const uint8_t *f = p->payload;
	const uint8_t *t = f + 14 + (f[14] & 15) * 4u;
	uint16_t sport = (uint16_t)(t[0] << 8 | t[1]);
	uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 |
	    (uint32_t)t[6] << 8 | t[7];
	uint32_t src;
	struct tcp_pcb *pcb;

	memcpy(&src, f + 26, 4);
	for (pcb = tcp_tw_pcbs; pcb != NULL; pcb = pcb->next)
		if (pcb->remote_port == sport &&
		    pcb->local_port == guarded_port &&
		    ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)) == src) {
			if (TCP_SEQ_GT(seq, pcb->rcv_nxt)) {
				syn_reopened++;
				tcp_abandon(pcb, 0);
			} else
				syn_tw_kept++;  /* lwIP answers with an ACK
						   of the old connection */
			return;
		}
}

static err_t
guard_input(struct pbuf *p, struct netif *nif)
{
	if (guarded != NULL && is_syn(p, nif)) {
		syn_seen++;
		reopen_timewait(p);
		if (guarded->accepts_pending >= guarded->backlog)
			drop_oldest();
	}
	return next_input(p, nif);
}

void
syn_guard(struct exos_net *n, struct tcp_pcb *listener, uint16_t port)
{
	guarded = (struct tcp_pcb_listen *)listener;
	guarded_port = port;
	next_input = n->netif.input;
	n->netif.input = guard_input;
}

/* ---- the test's flood ------------------------------------------------ */

/* Pin the gateway's ARP entry (test mode, before a flood): 0 or -1. */
int
syn_pin_gateway(struct exos_net *n)
{
	struct eth_addr *eth;
	const ip4_addr_t *ip;
	ip4_addr_t gw;

	IP4_ADDR(&gw, 10, 0, 2, 2);
	if (etharp_find_addr(&n->netif, &gw, &eth, &ip) < 0)
		return -1;
	return etharp_add_static_entry(&gw, eth) == ERR_OK ? 0 : -1;
}

void
syn_flood(struct exos_net *n, unsigned count, uint32_t seed)
{
	static const uint8_t dst[4] = { 10, 0, 2, 15 };
	uint8_t f[14 + 20 + 20];
	uint32_t x = seed | 1;
	unsigned i;
	uint16_t s;

	for (i = 0; i < count; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		memset(f, 0, sizeof(f));
		memcpy(f, n->netif.hwaddr, 6);
		f[6] = 0x52, f[7] = 0x55, f[8] = 10, f[9] = 0, f[10] = 2,
		f[11] = 2;                      /* QEMU's gateway */
		f[12] = 0x08;
		f[14] = 0x45;
		f[17] = 40;
		f[22] = 64, f[23] = 6;
		f[26] = 10, f[27] = 0, f[28] = 2;       /* 10.0.2.16-215 */
		f[29] = (uint8_t)(16 + (x >> 8) % 200);
		memcpy(f + 30, dst, 4);
		s = fin(sum16(f + 14, 20, 0));
		f[24] = (uint8_t)(s >> 8), f[25] = (uint8_t)s;
		f[34] = (uint8_t)(0x80 | x >> 25), f[35] = (uint8_t)x;
		f[36] = (uint8_t)(guarded_port >> 8), f[37] = (uint8_t)guarded_port;
		memcpy(f + 38, &x, 4);          /* sequence number */
		f[46] = 0x50, f[47] = 0x02;     /* 20-byte header, SYN */
		f[48] = 0x20, f[49] = 0x00;     /* window */
		/* pseudo header: addresses, protocol, length */
		s = fin(sum16(f + 34, 20, sum16(f + 26, 8, 6 + 20)));
		f[50] = (uint8_t)(s >> 8), f[51] = (uint8_t)s;
		exos_net_input(n, f, sizeof(f));
	}
}
