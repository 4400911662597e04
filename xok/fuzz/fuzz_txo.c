/*
 * fuzz_txo.c: libFuzzer target over NET_TRANSMITO's header checks
 * (xok/txocheck.c, the kernel's own code): the input is an offload word
 * (raw, or shaped into the valid range), a frame length and the bytes
 * of the frame's head, optionally patched towards a well-formed IPv4 +
 * TCP frame so that the accepting paths are reached.  The head is a
 * heap copy of exactly hl bytes (ASan catches a read past it), hl and
 * total as nettx.c gives them.  txo_check is compared with a second,
 * slower reading of the rules (ref_check below, written from
 * docs/NETWORK.md, "Transmit offload"), and its result must keep the
 * promises the card relies on: headers inside the head, no segment
 * over XOK_NET_FRAME_MAX, the head changed only in the TCP checksum
 * field (to the pseudo-header sum), nothing changed on a refusal.  Any
 * disagreement aborts.  `make fuzz-net` (with fuzz_pf).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "txocheck.h"

#define ETH 14

static uint64_t
take(const uint8_t **p, size_t *left, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		v |= (uint64_t)(*left ? **p : 0) << (8 * i);
		if (*left) {
			(*p)++;
			(*left)--;
		}
	}
	return v;
}

/* The rules again, one by one as the documentation lists them: 1 if
 * the frame is accepted, with the header the card should get. */
static int
ref_check(const uint8_t *h, uint64_t hl, uint64_t total, uint64_t off,
    struct vnet_hdr *want)
{
	uint64_t known = XOK_NET_TXO_MSS | XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO;
	uint64_t mss = off & 0xffff;
	int tso = (off & XOK_NET_TXO_TSO) != 0;
	uint64_t ip, tcp, end, iplen, flags;

	if ((off & ~known) != 0)
		return 0;                       /* unknown bits */
	if (!(off & XOK_NET_TXO_CSUM))
		return 0;                       /* no CSUM */
	if (!tso && mss != 0)
		return 0;                       /* a size without TSO */
	if (tso && (mss < 536 || mss > 9000))
		return 0;                       /* TSO without a good size */
	if (hl < 34)
		return 0;                       /* no room for an IPv4 header */
	if (h[12] != 0x08 || h[13] != 0x00)
		return 0;                       /* not IPv4 (or a VLAN tag) */
	if ((h[14] & 0xf0) != 0x40)
		return 0;                       /* not version 4 */
	ip = (uint64_t)(h[14] & 0x0f) << 2;
	if (ip < 20)
		return 0;
	tcp = ETH + ip;
	if (tcp + 20 > hl)
		return 0;                       /* IP options past the head */
	if (h[23] != 6)
		return 0;                       /* not TCP */
	if ((h[20] & 0x20) != 0 || (h[20] & 0x1f) != 0 || h[21] != 0)
		return 0;                       /* MF or an offset: a fragment */
	iplen = (uint64_t)h[16] * 256 + h[17];
	if (iplen + ETH != total)
		return 0;
	end = tcp + ((uint64_t)(h[tcp + 12] >> 4) << 2);
	if (end < tcp + 20 || end > hl)
		return 0;                       /* data offset < 5 or past */
	flags = h[tcp + 13];
	memset(want, 0, sizeof(*want));
	want->flags = VNET_HDR_F_NEEDS_CSUM;
	want->csum_start = (uint16_t)tcp;
	want->csum_offset = 16;
	want->hdr_len = (uint16_t)end;
	if (tso) {
		if (end + mss > 1514)
			return 0;               /* a segment over 1514 bytes */
		if (flags & (0x02 | 0x04 | 0x20 | 0x80))
			return 0;               /* SYN, RST, URG, CWR */
		if (total - end > mss) {
			want->gso_type = VNET_GSO_TCPV4;
			want->gso_size = (uint16_t)mss;
		}
	}
	if (want->gso_type == VNET_GSO_NONE && total > 1514)
		return 0;
	return 1;
}

/* The pseudo-header sum: addresses, protocol, TCP length, folded. */
static uint16_t
ref_pseudo(const uint8_t *h, uint64_t total)
{
	uint64_t s = 6 + (total - ETH - ((uint64_t)(h[14] & 0x0f) << 2));
	int i;

	for (i = 26; i < 34; i += 2)
		s += (uint64_t)h[i] << 8 | h[i + 1];
	while (s > 0xffff)
		s = (s >> 16) + (s & 0xffff);
	return (uint16_t)s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;
	uint64_t mode = take(&p, &left, 1);
	uint64_t off = take(&p, &left, 8);
	uint64_t tlen = take(&p, &left, 4), total, hl, max, i;
	struct vnet_hdr vh, want;
	uint8_t *head, *before, junk = 0x5a;
	int r, ok;

	/* the offload word: raw, or shaped */
	switch (mode & 3) {
	case 1:
		off &= XOK_NET_TXO_MSS | XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO;
		break;
	case 2:
		off = XOK_NET_TXO_CSUM;
		break;
	case 3:
		off = XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO |
		    (XOK_NET_GSO_MIN + off % (XOK_NET_GSO_MAX -
		    XOK_NET_GSO_MIN + 1));
		break;
	}
	/* the lengths, as nettx.c gives them */
	max = nettxo_frame_max(off);
	total = XOK_NET_FRAME_MIN + tlen % (max - XOK_NET_FRAME_MIN + 1);
	hl = total < XOK_NET_TXHDR ? total : XOK_NET_TXHDR;
	head = malloc(hl);
	before = malloc(hl);
	if (!head || !before)
		abort();
	for (i = 0; i < hl; i++)
		head[i] = left ? (uint8_t)take(&p, &left, 1) : junk++;
	/* towards a good frame: the fields a random head rarely gets */
	if ((mode & 4) && hl >= 34) {
		head[12] = 0x08;
		head[13] = 0x00;
		head[14] = (uint8_t)(0x40 | (head[14] & 0x0f));
		head[23] = 6;
		head[20] &= 0xc0;
		head[21] = 0;
	}
	if ((mode & 8) && hl >= 18) {
		head[16] = (uint8_t)((total - ETH) >> 8);
		head[17] = (uint8_t)(total - ETH);
	}
	if ((mode & 16) && hl >= 34) {
		head[14] = 0x45;
		if (hl >= 54)
			head[46] = (uint8_t)(0x50 | (head[46] & 0x0f));
	}
	memcpy(before, head, hl);
	memset(&vh, 0xa5, sizeof(vh));

	r = txo_check(head, hl, total, off, &vh);
	ok = ref_check(before, hl, total, off, &want);
	if (r != 0 && r != -XE_INVAL)
		abort();                        /* only 0 or INVAL */
	if ((r == 0) != ok)
		abort();                        /* the two readings differ */
	if (r != 0) {
		struct vnet_hdr untouched;

		memset(&untouched, 0xa5, sizeof(untouched));
		if (memcmp(head, before, hl) != 0 ||
		    memcmp(&vh, &untouched, sizeof(vh)) != 0)
			abort();                /* a refusal changed something */
		goto out;
	}
	if (vh.flags != want.flags || vh.gso_type != want.gso_type ||
	    vh.hdr_len != want.hdr_len || vh.gso_size != want.gso_size ||
	    vh.csum_start != want.csum_start ||
	    vh.csum_offset != want.csum_offset)
		abort();
	/* what the card relies on */
	if (vh.hdr_len > hl || (uint64_t)vh.csum_start + vh.csum_offset + 2 >
	    vh.hdr_len || total - ETH > 0xffff)
		abort();
	if (vh.gso_type == VNET_GSO_NONE ? total > XOK_NET_FRAME_MAX :
	    (uint64_t)vh.hdr_len + vh.gso_size > XOK_NET_FRAME_MAX ||
	    total - vh.hdr_len <= vh.gso_size)
		abort();
	/* the head: only the checksum field, set to the pseudo sum */
	for (i = 0; i < hl; i++) {
		uint64_t c = vh.csum_start + vh.csum_offset;

		if ((i == c || i == c + 1) ? 0 : head[i] != before[i])
			abort();
	}
	if (((uint16_t)head[vh.csum_start + 16] << 8 |
	    head[vh.csum_start + 17]) != ref_pseudo(before, total))
		abort();
out:
	free(head);
	free(before);
	return 0;
}
