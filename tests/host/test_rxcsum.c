/*
 * test_rxcsum.c: host tests for xok/rxcsum.c, what the kernel makes of
 * a received frame's virtio-net header under receive checksum offload
 * (docs/NETWORK.md, "Receive checksum offload").
 *
 *   valid_flags   DATA_VALID flags an unfragmented IPv4 TCP or UDP
 *                 datagram, nothing else (ICMP, fragments, ARP, lengths
 *                 past the frame, short headers); no flag, no flag
 *   partial       NEEDS_CSUM completes TCP and UDP sums (checked against
 *                 a second summing), odd lengths, IP options; a sum of
 *                 0 is stored as 0xffff; zero padding is flagged,
 *                 nonzero padding completed but not flagged; a sum at
 *                 some other field is completed there, not flagged
 *   bounds        every csum_start/csum_offset pair around a frame's
 *                 end: accepted exactly when the field lies inside, and
 *                 nothing but the field's two bytes is ever written
 *   nonsense      every kind of header the test word xok.netbadhdr
 *                 makes is refused, the frame untouched; segmentation
 *                 types refused
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "rxcsum.h"
#include "../inetsum.h"

Suite *rxcsum_suite(void);

#define NEEDS VNET_HDR_F_NEEDS_CSUM
#define VALID VNET_HDR_F_DATA_VALID

/* An Ethernet + IPv4 (ihl words) + TCP (proto 6, 20 bytes) or UDP (17,
 * 8 bytes) frame with n payload bytes, both checksum fields 0; its
 * length. */
static size_t
frame(uint8_t *f, unsigned proto, unsigned ihl, size_t n)
{
	size_t l4 = 14 + ihl * 4, hl = proto == 6 ? 20 : 8;
	size_t tot = ihl * 4 + hl + n, i;

	memset(f, 0, 14 + tot);
	memset(f, 0x52, 12);
	f[12] = 0x08;
	f[14] = (uint8_t)(0x40 | ihl);
	f[16] = (uint8_t)(tot >> 8), f[17] = (uint8_t)tot;
	f[20] = 0x40;
	f[22] = 64, f[23] = (uint8_t)proto;
	f[26] = 10, f[27] = 0, f[28] = 2, f[29] = 2;
	f[30] = 10, f[31] = 0, f[32] = 2, f[33] = 15;
	f[l4] = 0xa0, f[l4 + 1] = 0x28, f[l4 + 2] = 0x1e, f[l4 + 3] = 0x61;
	if (proto == 6)
		f[l4 + 12] = 0x50, f[l4 + 13] = 0x18;
	else
		f[l4 + 4] = (uint8_t)((hl + n) >> 8), f[l4 + 5] = (uint8_t)(hl + n);
	for (i = 0; i < n; i++)
		f[l4 + hl + i] = (uint8_t)(i * 7 + 3);
	return 14 + tot;
}

/* The frame's pseudo-header sum (not complemented). */
static uint16_t
pseudo(const uint8_t *f)
{
	size_t ihl = (f[14] & 15) * 4u, tot = (size_t)f[16] << 8 | f[17];

	return inet_fold(inet_add(f + 26, 8, f[23] + (uint32_t)(tot - ihl)));
}

/* Is the datagram's TCP/UDP sum right (the check lwIP makes)? */
static int
l4_right(const uint8_t *f)
{
	size_t ihl = (f[14] & 15) * 4u, tot = (size_t)f[16] << 8 | f[17];

	return inet_fold(inet_add(f + 14 + ihl, tot - ihl, pseudo(f))) == 0xffff;
}

/* Make the frame's sum partial, as the host's stack hands it over. */
static void
make_partial(uint8_t *f, struct vnet_hdr *vh)
{
	size_t l4 = 14 + (f[14] & 15) * 4u, fld = f[23] == 6 ? 16 : 6;
	uint16_t p = pseudo(f);

	memset(vh, 0, sizeof(*vh));
	vh->flags = NEEDS;
	vh->csum_start = (uint16_t)l4;
	vh->csum_offset = (uint16_t)fld;
	f[l4 + fld] = (uint8_t)(p >> 8), f[l4 + fld + 1] = (uint8_t)p;
}

START_TEST(valid_flags)
{
	uint8_t f[2048], g[2048];
	struct vnet_hdr vh = { .flags = VALID };
	size_t n;

	n = frame(f, 6, 5, 100);
	memcpy(g, f, n);
	ck_assert_int_eq(rx_csum(f, n, &vh), XOK_NET_RX_CSUM_OK);
	ck_assert_mem_eq(f, g, n);              /* nothing written */
	vh.flags = 0;
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	vh.flags = 0x80 | 0x04;                 /* unknown bits: ignored */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	vh.flags = VALID;
	n = frame(f, 17, 5, 1);
	ck_assert_int_eq(rx_csum(f, n, &vh), XOK_NET_RX_CSUM_OK);
	n = frame(f, 6, 15, 0);                 /* IP options */
	ck_assert_int_eq(rx_csum(f, n, &vh), XOK_NET_RX_CSUM_OK);
	n = frame(f, 1, 5, 40);                 /* ICMP */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	n = frame(f, 6, 5, 100);
	f[20] = 0x20;                           /* MF */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	f[20] = 0, f[21] = 1;                   /* an offset */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	f[21] = 0;
	f[17] += 1;                             /* total past the frame */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	f[17] -= 1;
	ck_assert_int_eq(rx_csum(f, n - 1, &vh), 0);
	ck_assert_int_eq(rx_csum(f, 14 + 20 + 19, &vh), 0);
	f[14] = 0x44;                           /* IHL 4 */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	f[14] = 0x65;                           /* version 6 */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	f[14] = 0x45, f[13] = 0x06;             /* ARP */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	f[13] = 0, f[12] = 0x81;                /* a VLAN tag */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	/* total length shorter than the frame (padding): still the
	 * card's word for the datagram */
	n = frame(f, 17, 5, 2);
	ck_assert_int_eq(rx_csum(f, 60, &vh), XOK_NET_RX_CSUM_OK);
	n = frame(f, 6, 5, 0);
	ck_assert_int_eq(rx_csum(f, 14, &vh), 0);
}
END_TEST

START_TEST(partial)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 17, 500, 1459, 1460 };
	uint8_t f[2048];
	struct vnet_hdr vh;
	size_t n, i, l4;
	unsigned p, ihl;
	uint32_t s;

	for (p = 6; p <= 17; p += 11)
		for (ihl = 5; ihl <= 15; ihl += 10)
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				n = frame(f, p, ihl, sizes[i]);
				if (n > XOK_NET_FRAME_MAX)
					continue;
				make_partial(f, &vh);
				ck_assert_int_eq(rx_csum(f, n, &vh),
				    XOK_NET_RX_CSUM_OK);
				ck_assert(l4_right(f));
			}
	/* a sum of 0 goes in as 0xffff: choose the last two payload bytes
	 * so that the datagram's sum comes to 0xffff */
	n = frame(f, 17, 5, 10);
	l4 = 34;
	f[n - 2] = f[n - 1] = 0;
	make_partial(f, &vh);
	s = inet_fold(inet_add(f + l4, n - l4, 0));
	f[n - 2] = (uint8_t)((0xffff - s) >> 8);
	f[n - 1] = (uint8_t)(0xffff - s);
	ck_assert_int_eq(inet_fold(inet_add(f + l4, n - l4, 0)), 0xffff);
	ck_assert_int_eq(rx_csum(f, n, &vh), XOK_NET_RX_CSUM_OK);
	ck_assert_int_eq(f[l4 + 6], 0xff);
	ck_assert_int_eq(f[l4 + 7], 0xff);
	ck_assert(l4_right(f));
	/* zero padding after the datagram: flagged; nonzero: completed
	 * (over the padding, as the card asks) but not flagged, and then
	 * wrong for the datagram */
	n = frame(f, 6, 5, 3);
	make_partial(f, &vh);
	memset(f + n, 0, 6);
	ck_assert_int_eq(rx_csum(f, n + 6, &vh), XOK_NET_RX_CSUM_OK);
	ck_assert(l4_right(f));
	n = frame(f, 6, 5, 3);
	make_partial(f, &vh);
	memset(f + n, 0xab, 6);
	ck_assert_int_eq(rx_csum(f, n + 6, &vh), 0);
	ck_assert(!l4_right(f));
	/* a sum somewhere else (the IP header's field): completed there,
	 * not flagged; a start at the L4 header with another offset too */
	n = frame(f, 6, 5, 30);
	memset(&vh, 0, sizeof(vh));
	vh.flags = NEEDS | VALID;
	vh.csum_start = 14;
	vh.csum_offset = 10;
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	ck_assert_int_eq(inet_fold(inet_add(f + 14, n - 14, 0)), 0xffff);
	vh.csum_start = 34;
	vh.csum_offset = 6;                     /* UDP's field, in TCP */
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
	/* a partial sum on a fragment: completed, never flagged */
	n = frame(f, 17, 5, 30);
	make_partial(f, &vh);
	f[20] = 0x20;
	ck_assert_int_eq(rx_csum(f, n, &vh), 0);
}
END_TEST

START_TEST(bounds)
{
	uint8_t buf[256], ref[256];
	struct vnet_hdr vh = { .flags = NEEDS };
	size_t len, st, off, i;
	int r;

	for (len = 14; len <= 64; len += 25)
		for (st = 0; st < len + 4; st++)
			for (off = 0; off < len + 4; off++) {
				for (i = 0; i < sizeof(buf); i++)
					buf[i] = (uint8_t)(i * 13 + 1);
				memcpy(ref, buf, sizeof(buf));
				vh.csum_start = (uint16_t)st;
				vh.csum_offset = (uint16_t)off;
				r = rx_csum(buf, len, &vh);
				if (st < len && st + off + 2 <= len) {
					ck_assert_int_eq(r, 0);
					/* only the field changed */
					buf[st + off] = ref[st + off];
					buf[st + off + 1] = ref[st + off + 1];
				} else
					ck_assert_int_eq(r, -XE_INVAL);
				ck_assert_mem_eq(buf, ref, sizeof(buf));
			}
	vh.csum_start = vh.csum_offset = 0xffff;
	ck_assert_int_eq(rx_csum(buf, 64, &vh), -XE_INVAL);
	vh.csum_start = 0;
	ck_assert_int_eq(rx_csum(buf, 64, &vh), -XE_INVAL);
}
END_TEST

START_TEST(nonsense)
{
	static const size_t sizes[] = { 14, 15, 60, 61, 1514 };
	uint8_t f[2048], g[2048];
	struct vnet_hdr vh;
	unsigned k, i;
	size_t n;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (k = 0; k < RX_NONSENSE_KINDS; k++) {
			n = sizes[i];
			if (n >= 60)
				frame(f, 6, 5, n - 54);
			else
				memset(f, 0x11, n);
			memcpy(g, f, n);
			rx_nonsense(&vh, n, k);
			ck_assert_int_eq(rx_csum(f, n, &vh), -XE_INVAL);
			ck_assert_mem_eq(f, g, n);
		}
	/* segmentation types without NEEDS_CSUM, and with a right one */
	n = frame(f, 6, 5, 100);
	memset(&vh, 0, sizeof(vh));
	for (k = 1; k < 256; k++) {
		vh.gso_type = (uint8_t)k;
		ck_assert_int_eq(rx_csum(f, n, &vh), -XE_INVAL);
	}
	make_partial(f, &vh);
	vh.gso_type = VNET_GSO_TCPV4;
	memcpy(g, f, n);
	ck_assert_int_eq(rx_csum(f, n, &vh), -XE_INVAL);
	ck_assert_mem_eq(f, g, n);
}
END_TEST

Suite *
rxcsum_suite(void)
{
	Suite *s = suite_create("rxcsum");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, valid_flags);
	tcase_add_test(tc, partial);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, nonsense);
	suite_add_tcase(s, tc);
	return s;
}
