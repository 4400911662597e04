/*
 * nettxo.c: NET_TRANSMITO, a gathered transmit (NET_TRANSMITV, nettx.c)
 * with the card's help: TCP checksum offload and TCP segmentation of
 * IPv4 super-frames (TSO), docs/NETWORK.md, "Transmit offload".
 *
 * The caller asks with one scalar word (nothing to read from user
 * memory, so nothing to trust twice): XOK_NET_TXO_CSUM, and
 * XOK_NET_TXO_TSO with a segment size.  The kernel finds every offset
 * the card needs in its own copy of the frame's head (the bytes the
 * source check read), never in a length the caller gives:
 *
 *   Ethernet type IPv4 (no VLAN tag), version 4, header length >= 20,
 *   protocol TCP, not a fragment, the IP total length equal to the
 *   frame's length less 14, TCP data offset >= 20, and every header
 *   inside the copied head.  csum_start is the TCP header, csum_offset
 *   its checksum field, hdr_len the headers' length.
 *
 *   With TSO: segment size in XOK_NET_GSO_MIN..XOK_NET_GSO_MAX and
 *   small enough that every segment is a frame of at most
 *   XOK_NET_FRAME_MAX bytes (the kernel sends no jumbo frame it would
 *   refuse alone); no SYN, RST, URG or CWR; the super-frame at most
 *   XOK_NET_GSO_FRAME_MAX bytes.  A payload of one segment or less goes
 *   as a checksum-only frame (and must then fit XOK_NET_FRAME_MAX).
 *
 * The kernel writes the pseudo-header sum (addresses, protocol, TCP
 * length; not complemented) into the TCP checksum field of its copy,
 * which is what the card adds the rest to.  The source check
 * (nettx.c) has already passed on the same head: a super-frame speaks
 * only for the sender's own connection, and every segment the card
 * cuts from it carries the same addresses and ports.
 */
#include "kern.h"
#include "nettxo.h"

#define ETH     14

uint64_t
nettxo_frame_max(uint64_t offload)
{
	return offload & XOK_NET_TXO_TSO ? XOK_NET_GSO_FRAME_MAX :
	    XOK_NET_FRAME_MAX;
}

static int
refuse(void)
{
	info->net.tx_offload_refused++;
	return -XE_INVAL;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
nettxo_check(uint8_t *head, uint64_t hl, uint64_t total, uint64_t offload,
    struct vnet_hdr *vh)
{
	uint64_t mss = offload & XOK_NET_TXO_MSS, ihl, doff, hdrs, payload;
	uint32_t sum;
	uint8_t *th, fl;
	unsigned i;

	if ((offload & ~(XOK_NET_TXO_MSS | XOK_NET_TXO_CSUM |
	    XOK_NET_TXO_TSO)) || !(offload & XOK_NET_TXO_CSUM))
		return refuse();
	if (offload & XOK_NET_TXO_TSO) {
		if (mss < XOK_NET_GSO_MIN || mss > XOK_NET_GSO_MAX)
			return refuse();
	} else if (mss != 0)
		return refuse();
	/* IPv4, TCP, one whole datagram, headers in the head. */
	if (hl < ETH + 20 || get16(head + 12) != 0x0800 ||
	    (head[ETH] >> 4) != 4)
		return refuse();
	ihl = (uint64_t)(head[ETH] & 0x0f) * 4;
	if (ihl < 20 || ETH + ihl + 20 > hl || head[ETH + 9] != 6 ||
	    (get16(head + ETH + 6) & 0x3fff) != 0 ||
	    get16(head + ETH + 2) != total - ETH)
		return refuse();
	th = head + ETH + ihl;
	doff = (uint64_t)(th[12] >> 4) * 4;
	hdrs = ETH + ihl + doff;
	if (doff < 20 || hdrs > hl)
		return refuse();
	payload = total - hdrs;
	fl = th[13];

	memset(vh, 0, sizeof(*vh));
	vh->flags = VNET_HDR_F_NEEDS_CSUM;
	vh->csum_start = (uint16_t)(ETH + ihl);
	vh->csum_offset = 16;
	vh->hdr_len = (uint16_t)hdrs;
	if (offload & XOK_NET_TXO_TSO) {
		if (hdrs + mss > XOK_NET_FRAME_MAX || (fl & 0xa6) != 0)
			return refuse();        /* SYN, RST, URG, CWR */
		if (payload > mss) {
			vh->gso_type = VNET_GSO_TCPV4;
			vh->gso_size = (uint16_t)mss;
		}
	}
	if (vh->gso_type == VNET_GSO_NONE && total > XOK_NET_FRAME_MAX)
		return refuse();

	/* The pseudo-header sum, for the card to add the segment to. */
	sum = 6 + (uint32_t)(total - ETH - ihl);
	for (i = 0; i < 8; i += 2)
		sum += get16(head + ETH + 12 + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	th[16] = (uint8_t)(sum >> 8);
	th[17] = (uint8_t)sum;
	return 0;
}

void
nettxo_count(const struct vnet_hdr *vh)
{
	info->net.tx_csum++;
	if (vh->gso_type != VNET_GSO_NONE)
		info->net.tx_tso++;
}

/*
 * NET_TRANSMITO(slot, v, n, done, offload): NET_TRANSMITV (every check
 * of it, the source check included) with the offload word's help from
 * the card.  0, or -XE_*: -XE_INVAL for a word or headers the checks
 * above refuse (nothing is sent), -XE_NODEV when the card did not
 * agree to that offload (the caller sends the ordinary way): the
 * driver says so last (vnet_sendv), so every refusal above is the same
 * on every card.
 */
int64_t
sys_net_transmito(uint64_t slot, uaddr_t uv, uint64_t n, uaddr_t done,
    uint64_t offload)
{
	if (offload == 0)
		return refuse();
	return nettx_gather(slot, uv, n, done, offload);
}
