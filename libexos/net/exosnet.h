/*
 * exosnet.h: TCP/IP as a library: lwIP (NO_SYS=1, raw API) over Xok's
 * packet filters and packet rings (libexos/net/exosnet.c).  One
 * environment owns one IPv4 address: its filters take the ARP frames
 * and the IPv4 packets for that address into its ring; it answers ARP
 * and ICMP echo for it.  docs/NETWORK.md, "TCP/IP as a library".
 */
#ifndef EXOS_NET_H
#define EXOS_NET_H

#include <stddef.h>
#include <stdint.h>
#include "lwip/netif.h"

/* The receive backlog's bound (struct exos_net): one entry per pool
 * buffer, but never the pool's last eighth, so that lwIP's own
 * allocations never find it empty because of the backlog (an empty
 * pool makes lwIP drop every connection's out-of-order segments). */
#define EXOS_NET_BACKLOG        PBUF_POOL_SIZE
#define EXOS_NET_RESERVE        (PBUF_POOL_SIZE / 8 > 0 ? \
				 PBUF_POOL_SIZE / 8 : 1)

struct exos_net {
	struct netif netif;
	unsigned slot;                  /* capability for the NET_* calls */
	uint64_t ring_va;
	unsigned npages;
	int64_t filt_arp, filt_ip;      /* filter ids */
	/* counters of this library's own drops */
	uint64_t rx_frames;             /* frames handed to lwIP */
	uint64_t rx_badlen;             /* slots with an impossible length */
	uint64_t rx_nopbuf;             /* no pool buffer: dropped */
	uint64_t rx_csum_ok;            /* flagged XOK_NET_RX_CSUM_OK: lwIP
					   skipped their TCP/UDP sums */
	uint64_t tx_frames;             /* frames sent */
	uint64_t tx_busy;               /* transmit buffers all in flight */
	uint64_t tx_dropped;            /* given up on (or refused) */
	/* zero copy (NET_TRANSMITV): on unless zc_off; frames sent that way,
	   and the kernel's completion word for them */
	int zc_off;
	uint64_t tx_zc;
	volatile uint64_t tx_zc_done;
	/* (netoffload) TCP segmentation offload (exosgso.c): on when the
	   card has it, unless tso_off (set it after exos_net_start).
	   Frames sent by exosgso.c (super-frames or single segments) and
	   the completion word for them; super-frames the card segments,
	   the segments in them; refusals (after one, tso_off is set). */
	int tso_off;
	uint64_t tx_gso;
	volatile uint64_t tx_gso_done;
	uint64_t tx_tso, tx_tso_segs, tx_gso_failed;
	/* (session 14) transmit checksum offload: on a card with checksum
	   offload, unless txcsum_off (set it before the next
	   exos_net_poll), lwIP computes no TCP sum (NETIF_CHECKSUM_GEN_TCP
	   off for this netif): the card sums the super-frames and the lone
	   frames exosgso.c sends, and this driver every other TCP frame
	   (tx_csum_sw; lone frames the card summed: tx_csum_card) */
	int txcsum_off;
	uint64_t tx_csum_sw, tx_csum_card;
	/* (session 17) the receive backlog (exos_net_poll): frames copied
	   out of the ring into pool pbufs, their slots freed at once, each
	   with its slot's flags, fed to lwIP oldest first.  Never more than
	   EXOS_NET_BACKLOG, never the pool's last EXOS_NET_RESERVE buffers;
	   empty when exos_net_poll returns, unless its bound left some
	   (exos_net_poll; a send's copying may fill it at any time).
	   Frames that waited there behind another (rx_backlog), of them those past a ring's worth
	   not yet fed, which the ring alone could not have held
	   (rx_backlog_beyond), the most waiting at once
	   (rx_backlog_peak), the times the reserve left frames in
	   the ring (rx_backlog_held, once a stop: they went one at a
	   time, as before the backlog), and (session 18) the frames
	   copied in while a send waited for the card's transmit buffers
	   (rx_backlog_txwait) */
	struct exos_net_waiting {
		struct pbuf *p;
		uint16_t flags;         /* the slot's XOK_NET_RX_* */
		uint64_t at;            /* copied in (exos_uptime_ns) */
	} bl[EXOS_NET_BACKLOG];
	unsigned bl_first, bl_n;
	int bl_holding;                 /* stopped by the reserve */
	uint64_t rx_backlog, rx_backlog_beyond, rx_backlog_held;
	uint64_t rx_backlog_txwait, rx_backlog_sending;
	/* (session 18) the time frames waited in the backlog before lwIP
	   took them: in all (of rx_backlog_fed frames) and the longest */
	uint64_t rx_backlog_fed, rx_backlog_wait_ns, rx_backlog_wait_max_ns;
	unsigned rx_backlog_peak;
	/* (session 17) if set, called after each frame of the ring
	   exos_net_poll handed to lwIP (one call may feed hundreds: a
	   program that samples lwIP's state per turn samples here) */
	void (*rx_fed)(struct exos_net *);
	/* (session 17) an exos_net_poll is under way (nested calls) */
	int polling;
};

/* 1 if lwIP leaves the TCP sums of n's frames to the driver and card
 * (above). */
int exos_net_txcsum(const struct exos_net *n);

/*
 * Start the network on ring_va (npages fresh pages mapped there, 1..64):
 * lwIP's core (once per program), a netif with address ip/mask and
 * gateway gw (network byte order, as 4 bytes each) and the card's MAC,
 * and the two filters, installed with the capability in `slot` (W on
 * {0xfe, 0x01}).  0 or -XE_* (of the page mapping or NET_FILTER_INSTALL;
 * nothing is left installed on failure).
 */
int exos_net_start(struct exos_net *n, unsigned slot, uint64_t ring_va,
    unsigned npages, const uint8_t ip[4], const uint8_t mask[4],
    const uint8_t gw[4]);
/* Remove the filters and the netif (the ring's pages stay mapped). */
void exos_net_stop(struct exos_net *n);
/* Feed every frame waiting in the ring (and the backlog) to lwIP,
 * running lwIP's due timers between frames and at the end.  Frames
 * are first copied into the backlog (above) and their slots freed, so
 * frames arriving meanwhile find room; the frames a send copies in
 * (exos_net_tx_wait, and every frame sent) are fed by the call under
 * way.  At most a ring's worth and EXOS_NET_BACKLOG more are taken
 * from the ring and as many fed in one call, in order; what is left
 * waits in the backlog for the next call.  Returns the frames this call
 * took from the ring.  Called again from a callback or a timer inside
 * it, it does nothing and returns 0 (the outer call feeds the frames,
 * in order); an exos_net_stop from a callback ends the outer call
 * after that frame, its backlog freed. */
unsigned exos_net_poll(struct exos_net *n);
/* Sleep until a frame arrives, lwIP's next timer is due or ms pass;
 * return at once if frames wait in the backlog (poll them). */
void exos_net_wait(struct exos_net *n, uint64_t ms);
/* Hand one Ethernet frame to lwIP as if it came from the ring (copied;
 * any length: lwIP drops what it cannot parse).  0, or -1 if dropped
 * here (length 0 or above 1514, or no buffer).  It does not go through
 * the backlog: called from a callback inside exos_net_poll, it goes
 * ahead of the frames queued there. */
int exos_net_input(struct exos_net *n, const void *frame, size_t len);
/* The same with a ring slot's flags: XOK_NET_RX_CSUM_OK makes lwIP skip
 * the frame's TCP and UDP checksum checks (the IP header's and ICMP's
 * stay). */
int exos_net_input_flags(struct exos_net *n, const void *frame, size_t len,
    unsigned flags);
/* Milliseconds since boot (lwIP's sys_now). */
uint32_t exos_net_now(void);
/* Send the TCP super-frame the netif is gathering, if any (exosgso.c;
 * exos_net_poll and exos_net_wait call it: call it after a tcp_output
 * made outside them to send at once). */
void exos_net_flush(struct exos_net *n);
/* The netif's hooks (exosgso.c, exosnet.c): 1 if p was taken into the
 * super-frame being gathered, else 0 (what waited has been sent); wait
 * for a transmit buffer (copying n's arriving frames into its backlog
 * meanwhile), 0 once TX_WAIT_NS have passed since t0. */
int exos_net_gso(struct exos_net *n, struct pbuf *p);
int exos_net_tx_wait(struct exos_net *n, unsigned i, uint64_t t0);
/* The time spent in exos_net_tx_wait since the start (a profile). */
extern uint64_t exos_net_tx_waited_ns;

#endif
