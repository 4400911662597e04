/*
 * counters.c: a load run profiled by counting, not by timing on a
 * noisy host.  net_counters prints, on the serial console, one line
 * per layer: lwIP's TCP counters and segments sent again (fast
 * retransmits and timeouts, and zero-window probes, seen by lwIP's
 * option hook below), each of lwIP's memory pools (in use, most, and
 * failed allocations: a pool that runs out stalls its connection),
 * its heap, a snapshot of every active PCB (states, how many have
 * data queued and what holds it back: the peer's window, the
 * congestion window, a zero window), the netif driver's transmit
 * counters (frames, zero-copy, TSO super-frames and their segments,
 * transmit buffers found busy, drops; the receive backlog: frames that
 * waited in it, those past a ring's worth, its peak, the times the
 * pool's reserve stopped it, the frames copied in while a send
 * waited for the card) and the kernel's card counters
 * (receive ring full, frames the card finished).  Cheetah prints its
 * own line first (cheetah.c, dump_counters).  docs/CHEETAH.md,
 * "Counters".
 */
#include <exos/exos.h>
#include "counters.h"
#include "segheap.h"
#include "synguard.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"     /* tcp_active_pcbs, struct tcp_seg */

uint64_t tcp_rexmits, tcp_probes;
/* (session 18) the segments sent again, by cause: after a
 * retransmission timeout (go-back-N from the oldest unacknowledged
 * byte: rto_segs, of them SYN-ACKs syn_segs; the timeouts, counted at
 * the first segment each sends again: rto_events), in fast recovery
 * after three duplicate ACKs (fast_segs), or neither (other_segs) */
uint64_t tcp_rto_segs, tcp_rto_events, tcp_syn_segs, tcp_fast_segs,
    tcp_other_segs;
/* at each timeout: the bytes unacknowledged (in all, the most) and the
 * timeouts with at most one segment's worth unacknowledged (a tail) */
uint64_t tcp_rto_out, tcp_rto_out_max, tcp_rto_tail;

/*
 * lwIP's LWIP_HOOK_TCP_OUT_ADD_TCPOPTS (cheetah/lwipopts.h), called
 * for every segment lwIP builds a header for: one whose sequence
 * number is behind snd_nxt is sent again (lwIP keeps snd_nxt where it
 * was on a retransmission), or probes a zero window (persist).  Adds
 * no option.  pcb may be NULL or a listening PCB (no snd_nxt).
 */
uint32_t *
cheetah_tcp_out(struct pbuf *p, struct tcp_hdr *hdr,
    const struct tcp_pcb *pcb, uint32_t *opts)
{
	if (pcb == NULL || pcb->state == LISTEN || pcb->state == CLOSED ||
	    (TCPH_FLAGS(hdr) & TCP_RST))
		return opts;
	/* an empty segment without SYN or FIN is no retransmission (a
	 * keepalive has seqno snd_nxt - 1) */
	if (p->tot_len <= TCPH_HDRLEN_BYTES(hdr) &&
	    !(TCPH_FLAGS(hdr) & (TCP_SYN | TCP_FIN)))
		return opts;
	if (TCP_SEQ_LT(lwip_ntohl(hdr->seqno), pcb->snd_nxt)) {
		if (pcb->persist_backoff > 0) {
			tcp_probes++;
			return opts;
		}
		tcp_rexmits++;
		/* fast recovery first: TF_RTO stays set until the
		 * timeout's data is acknowledged */
		if (pcb->flags & TF_INFR)
			tcp_fast_segs++;
		else if (pcb->flags & TF_RTO) {
			tcp_rto_segs++;
			if (pcb->state == SYN_RCVD)
				tcp_syn_segs++;
			if (lwip_ntohl(hdr->seqno) == pcb->lastack) {
				uint32_t out = pcb->snd_nxt - pcb->lastack;

				tcp_rto_events++;
				tcp_rto_out += out;
				if (out > tcp_rto_out_max)
					tcp_rto_out_max = out;
				if (out <= pcb->mss)
					tcp_rto_tail++;
			}
		} else
			tcp_other_segs++;
	}
	return opts;
}

static const char *const pool_name[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

static void
pools(const char *tag)
{
	unsigned i;

	printf("counters: %s pools (used/max/avail, failed):", tag);
	for (i = 0; i < MEMP_MAX; i++) {
		const struct stats_mem *m = lwip_stats.memp[i];

		if (m == NULL)
			continue;
		printf(" %s %u/%u/%u %u", pool_name[i], (unsigned)m->used,
		    (unsigned)m->max, (unsigned)m->avail, (unsigned)m->err);
	}
	printf("; heap %u/%u/%u %u\n", (unsigned)lwip_stats.mem.used,
	    (unsigned)lwip_stats.mem.max, (unsigned)lwip_stats.mem.avail,
	    (unsigned)lwip_stats.mem.err);
}

/* Every active PCB, now: by state; of the established ones with data
 * queued, what holds the next segment back. */
static void
pcbs(const char *tag)
{
	unsigned st[11] = { 0 }, queued = 0, zwnd = 0, persist = 0;
	unsigned by_wnd = 0, by_cwnd = 0, backoff = 0, unsent = 0;
	uint64_t cwnd = 0, wnd = 0, qlen = 0, n = 0;
	uint32_t cmin = ~0U, cmax = 0;
	struct tcp_pcb *p;

	for (p = tcp_active_pcbs; p; p = p->next) {
		struct tcp_seg *s = p->unsent;

		if (p->state < 11)
			st[p->state]++;
		if (p->state != ESTABLISHED && p->state != CLOSE_WAIT)
			continue;
		n++;
		cwnd += p->cwnd;
		wnd += p->snd_wnd;
		if (p->cwnd < cmin)
			cmin = p->cwnd;
		if (p->cwnd > cmax)
			cmax = p->cwnd;
		if (p->unsent == NULL && p->unacked == NULL)
			continue;
		queued++;
		qlen += p->snd_queuelen;
		if (p->nrtx > 0)
			backoff++;
		if (p->snd_wnd == 0)
			zwnd++;
		if (p->persist_backoff > 0)
			persist++;
		if (s == NULL)
			continue;
		unsent++;
		/* the first unsent segment past the window: which one */
		if (lwip_ntohl(s->tcphdr->seqno) - p->lastack + s->len >
		    p->snd_wnd)
			by_wnd++;
		else if (lwip_ntohl(s->tcphdr->seqno) - p->lastack + s->len >
		    p->cwnd)
			by_cwnd++;
	}
	printf("counters: %s pcbs: syn_rcvd %u established %u fin_wait "
	    "%u/%u close_wait %u closing %u last_ack %u; established with "
	    "data queued %u (unsent %u: held by the peer's window %u, by "
	    "cwnd %u), zero window %u, persisting %u, retransmitting %u, "
	    "pbufs queued %lu; cwnd min/avg/max %u/%lu/%u, peer window avg "
	    "%lu\n", tag, st[SYN_RCVD], st[ESTABLISHED], st[FIN_WAIT_1],
	    st[FIN_WAIT_2], st[CLOSE_WAIT], st[CLOSING], st[LAST_ACK],
	    queued, unsent, by_wnd, by_cwnd, zwnd, persist, backoff, qlen,
	    n ? cmin : 0, n ? cwnd / n : 0, cmax, n ? wnd / n : 0);
}

void
net_counters(const struct exos_net *net, const char *tag)
{
	const volatile struct xok_net_export *x = &XOK_INFO->net;
	const struct stats_proto *t = &lwip_stats.tcp;

	printf("counters: %s tcp: segments sent %u, received %u, dropped "
	    "%u, memerr %u, proterr %u, sent again %lu (after %lu timeouts "
	    "%lu, of them SYN-ACKs %lu; fast retransmit %lu; other %lu), "
	    "zero-window probes %lu; at a timeout, bytes unacknowledged "
	    "%lu on average, at most %lu, a segment or less %lu times\n",
	    tag, (unsigned)t->xmit,
	    (unsigned)t->recv, (unsigned)t->drop, (unsigned)t->memerr,
	    (unsigned)t->proterr, tcp_rexmits, tcp_rto_events, tcp_rto_segs,
	    tcp_syn_segs, tcp_fast_segs, tcp_other_segs, tcp_probes,
	    tcp_rto_events ? tcp_rto_out / tcp_rto_events : 0,
	    tcp_rto_out_max, tcp_rto_tail);
	pools(tag);
	printf("counters: %s small heap blocks (segheap.c): taken %lu, "
	    "given back %lu, in use %u, most %u; lwIP's heap: %lu requests "
	    "in %lu us (guest clock)\n", tag, segheap.taken,
	    segheap.given_back, segheap.in_use, segheap.most,
	    segheap.fallback, segheap.fallback_ns / 1000);
	pcbs(tag);
	{
		const struct tcp_pcb *p;
		unsigned tw = 0;

		for (p = tcp_tw_pcbs; p; p = p->next)
			tw++;
		printf("counters: %s syn guard: SYNs %lu, oldest half-open "
		    "dropped %lu, TIME_WAIT ended by a new SYN %lu, SYNs on "
		    "a TIME_WAIT not past it (answered by an ACK of the old "
		    "connection) %lu; TIME_WAIT PCBs now %u\n", tag,
		    syn_seen, syn_evicted, syn_reopened, syn_tw_kept, tw);
	}
	printf("counters: %s netif: tx frames %lu, zero-copy %lu, through "
	    "the merger %lu, TSO super-frames %lu of %lu segments (%lu.%lu "
	    "a frame), busy %lu, dropped %lu, refused %lu; TCP sums of lone "
	    "frames by the driver %lu, by the card %lu; rx frames %lu, "
	    "no pbuf %lu; rx backlog: waited %lu, past a ring's worth %lu, "
	    "most at once %u, stopped by the pool's reserve %lu, copied "
	    "while a send waited for the card %lu, as a frame was sent %lu; "
	    "waited before lwIP took "
	    "them: %lu frames, %lu us on average, at most %lu us\n", tag,
	    net->tx_frames, net->tx_zc, net->tx_gso,
	    net->tx_tso, net->tx_tso_segs,
	    net->tx_tso ? net->tx_tso_segs / net->tx_tso : 0,
	    net->tx_tso ? net->tx_tso_segs * 10 / net->tx_tso % 10 : 0,
	    net->tx_busy, net->tx_dropped, net->tx_gso_failed,
	    net->tx_csum_sw, net->tx_csum_card, net->rx_frames,
	    net->rx_nopbuf, net->rx_backlog, net->rx_backlog_beyond,
	    net->rx_backlog_peak, net->rx_backlog_held,
	    net->rx_backlog_txwait, net->rx_backlog_sending,
	    net->rx_backlog_fed,
	    net->rx_backlog_fed ? net->rx_backlog_wait_ns /
	    net->rx_backlog_fed / 1000 : 0,
	    net->rx_backlog_wait_max_ns / 1000);
	printf("counters: %s card: rx %lu, to us %lu, ring full %lu, "
	    "unclaimed %lu; tx %lu, done %lu, zero-copy %lu, TSO %lu, "
	    "refused %lu, resets %lu\n", tag, x->rx_frames, x->rx_delivered,
	    x->rx_ringfull, x->rx_unclaimed, x->tx_frames, x->tx_done,
	    x->tx_zerocopy, x->tx_tso, x->tx_refused + x->tx_offload_refused,
	    x->resets);
}
