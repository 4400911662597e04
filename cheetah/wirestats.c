/*
 * wirestats.c: what the receive path dropped, and why, as text for the
 * guest test's /.cheetah/stats page: the card's frames (the kernel's
 * counters: rx_badlen, frames too long or too short for a ring slot;
 * unclaimed, no packet filter took them; badhdr, a virtio-net header
 * that made no sense; partial sums completed, sums the card checked),
 * the netif driver's (frames whose sums lwIP skipped), the SYN
 * guard's (synguard.c: SYNs it saw, half-open connections it dropped,
 * TIME_WAITs it ended) and lwIP's per layer (link, ARP, IP, fragments,
 * ICMP, UDP, TCP).  The
 * host side (tests/guest/cheetahwire.py) reads it before and after
 * sending malformed frames and checks each case was counted where it
 * should be.  docs/CHEETAH.md, "Tests".
 */
#include <exos/exos.h>
#include "wirestats.h"
#include "synguard.h"
#include "lwip/stats.h"

static int
proto(char *buf, size_t n, const char *name, const struct stats_proto *s)
{
	/* (short keys: the page shares the connection's 1 KiB header
	 * buffer) */
	return snprintf(buf, n, "%s recv=%u drop=%u chk=%u len=%u mem=%u "
	    "prot=%u opt=%u err=%u\n", name,
	    (unsigned)s->recv, (unsigned)s->drop, (unsigned)s->chkerr,
	    (unsigned)s->lenerr, (unsigned)s->memerr, (unsigned)s->proterr,
	    (unsigned)s->opterr, (unsigned)s->err);
}

int
wire_stats(const struct exos_net *net, char *buf, size_t n)
{
	const volatile struct xok_net_export *x = &XOK_INFO->net;
	const struct {
		const char *name;
		const struct stats_proto *s;
	} p[] = {
		{ "link", &lwip_stats.link }, { "etharp", &lwip_stats.etharp },
		{ "ip", &lwip_stats.ip }, { "ipfrag", &lwip_stats.ip_frag },
		{ "icmp", &lwip_stats.icmp }, { "udp", &lwip_stats.udp },
		{ "tcp", &lwip_stats.tcp },
	};
	size_t i, len;
	int k;

	k = snprintf(buf, n, "card frames=%lu badlen=%lu unclaimed=%lu "
	    "delivered=%lu resets=%lu dead=%u badhdr=%lu csumdone=%lu "
	    "csumvalid=%lu\nnetif frames=%lu badlen=%lu nopbuf=%lu "
	    "csumok=%lu\nguard syns=%lu evicted=%lu reopened=%lu\n",
	    x->rx_frames, x->rx_badlen, x->rx_unclaimed, x->rx_delivered,
	    x->resets, (unsigned)x->dead, x->rx_badhdr, x->rx_csum_done,
	    x->rx_csum_valid, net->rx_frames, net->rx_badlen,
	    net->rx_nopbuf, net->rx_csum_ok, syn_seen, syn_evicted,
	    syn_reopened);
	if (k < 0)
		return k;
	len = (size_t)k;
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		k = proto(len < n ? buf + len : NULL, len < n ? n - len : 0,
		    p[i].name, p[i].s);
		if (k < 0)
			return k;
		len += (size_t)k;
	}
	return len > (size_t)0x7fffffff ? -1 : (int)len;
}
