/*
 * txocheck.c: the header checks of NET_TRANSMITO (nettxo.c), apart
 * from the kernel so that the host's fuzzer (xok/fuzz/fuzz_txo.c) and
 * unit tests run the very code the kernel does.
 *
 * The caller asks with one scalar word: XOK_NET_TXO_CSUM, and
 * XOK_NET_TXO_TSO with a segment size.  Every offset the card needs is
 * found in the kernel's own copy of the frame's head (the bytes the
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
 * The pseudo-header sum (addresses, protocol, TCP length; not
 * complemented) goes into the TCP checksum field of the copy, which is
 * what the card adds the rest to.
 */
#include "txocheck.h"

#define ETH     14

uint64_t
nettxo_frame_max(uint64_t offload)
{
	return offload & XOK_NET_TXO_TSO ? XOK_NET_GSO_FRAME_MAX :
	    XOK_NET_FRAME_MAX;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
txo_check(uint8_t *head, uint64_t hl, uint64_t total, uint64_t offload,
    struct vnet_hdr *vh)
{
	uint64_t mss = offload & XOK_NET_TXO_MSS, ihl, doff, hdrs, payload;
	struct vnet_hdr h = { 0 };
	uint32_t sum;
	uint8_t *th, fl;
	unsigned i;

	if ((offload & ~(XOK_NET_TXO_MSS | XOK_NET_TXO_CSUM |
	    XOK_NET_TXO_TSO)) || !(offload & XOK_NET_TXO_CSUM))
		return -XE_INVAL;
	if (offload & XOK_NET_TXO_TSO) {
		if (mss < XOK_NET_GSO_MIN || mss > XOK_NET_GSO_MAX)
			return -XE_INVAL;
	} else if (mss != 0)
		return -XE_INVAL;
	/* IPv4, TCP, one whole datagram, headers in the head. */
	if (hl < ETH + 20 || get16(head + 12) != 0x0800 ||
	    (head[ETH] >> 4) != 4)
		return -XE_INVAL;
	ihl = (uint64_t)(head[ETH] & 0x0f) * 4;
	if (ihl < 20 || ETH + ihl + 20 > hl || head[ETH + 9] != 6 ||
	    (get16(head + ETH + 6) & 0x3fff) != 0 ||
	    get16(head + ETH + 2) != total - ETH)
		return -XE_INVAL;
	th = head + ETH + ihl;
	doff = (uint64_t)(th[12] >> 4) * 4;
	hdrs = ETH + ihl + doff;
	if (doff < 20 || hdrs > hl)
		return -XE_INVAL;
	payload = total - hdrs;
	fl = th[13];

	h.flags = VNET_HDR_F_NEEDS_CSUM;
	h.csum_start = (uint16_t)(ETH + ihl);
	h.csum_offset = 16;
	h.hdr_len = (uint16_t)hdrs;
	if (offload & XOK_NET_TXO_TSO) {
		if (hdrs + mss > XOK_NET_FRAME_MAX || (fl & 0xa6) != 0)
			return -XE_INVAL;       /* SYN, RST, URG, CWR */
		if (payload > mss) {
			h.gso_type = VNET_GSO_TCPV4;
			h.gso_size = (uint16_t)mss;
		}
	}
	if (h.gso_type == VNET_GSO_NONE && total > XOK_NET_FRAME_MAX)
		return -XE_INVAL;

	/* The pseudo-header sum, for the card to add the segment to. */
	sum = 6 + (uint32_t)(total - ETH - ihl);
	for (i = 0; i < 8; i += 2)
		sum += get16(head + ETH + 12 + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	th[16] = (uint8_t)(sum >> 8);
	th[17] = (uint8_t)sum;
	*vh = h;
	return 0;
}
