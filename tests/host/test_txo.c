/*
 * test_txo.c: host tests for xok/txocheck.c, NET_TRANSMITO's header
 * checks (docs/NETWORK.md, "Transmit offload"); make fuzz-txo fuzzes
 * the same code.
 *
 *   csum_ok     a checksum-only IPv4 TCP frame: the virtio-net header
 *               and the pseudo-header sum (worked out by hand), IP
 *               options, SYN allowed without TSO
 *   tso_ok      a super-frame cut into segments; a payload of one
 *               segment or less goes checksum-only; the largest segment
 *               size for the headers
 *   refusals    each rule broken alone is refused, and a refusal
 *               leaves the head and the header as they were
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "txocheck.h"

Suite *txo_suite(void);

#define CSUM XOK_NET_TXO_CSUM
#define TSO  XOK_NET_TXO_TSO

/* An Ethernet + IPv4 (ihl words) + TCP (doff words) frame of total
 * bytes, 10.0.2.15 -> 10.0.2.2, ACK|PSH; its head (min(total, 256)
 * bytes) in h, its length returned. */
static uint64_t
frame(uint8_t *h, uint64_t total, unsigned ihl, unsigned doff)
{
	static const uint8_t src[4] = { 10, 0, 2, 15 }, dst[4] = { 10, 0, 2, 2 };
	uint64_t hl = total < XOK_NET_TXHDR ? total : XOK_NET_TXHDR;
	uint8_t *ip = h + 14, *th = ip + ihl * 4;

	memset(h, 0, XOK_NET_TXHDR);
	memset(h, 0x52, 12);
	h[12] = 0x08;
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[2] = (uint8_t)((total - 14) >> 8);
	ip[3] = (uint8_t)(total - 14);
	ip[6] = 0x40;                   /* DF: allowed */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	th[0] = 0x9c;
	th[2] = 0x1f;
	th[3] = 0x90;
	th[12] = (uint8_t)(doff << 4);
	th[13] = 0x18;
	return hl;
}

static int
check(uint8_t *h, uint64_t hl, uint64_t total, uint64_t off,
    struct vnet_hdr *vh)
{
	memset(vh, 0xee, sizeof(*vh));
	return txo_check(h, hl, total, off, vh);
}

START_TEST(csum_ok)
{
	uint8_t h[XOK_NET_TXHDR];
	struct vnet_hdr vh;
	uint64_t hl = frame(h, 74, 5, 5);

	ck_assert_int_eq(check(h, hl, 74, CSUM, &vh), 0);
	ck_assert_uint_eq(vh.flags, VNET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(vh.gso_type, VNET_GSO_NONE);
	ck_assert_uint_eq(vh.gso_size, 0);
	ck_assert_uint_eq(vh.csum_start, 34);
	ck_assert_uint_eq(vh.csum_offset, 16);
	ck_assert_uint_eq(vh.hdr_len, 54);
	/* 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 6 + 40 = 0x183f */
	ck_assert_uint_eq(h[34 + 16], 0x18);
	ck_assert_uint_eq(h[34 + 17], 0x3f);

	/* IP options (ihl 6) and TCP options (doff 8) */
	hl = frame(h, 100, 6, 8);
	ck_assert_int_eq(check(h, hl, 100, CSUM, &vh), 0);
	ck_assert_uint_eq(vh.csum_start, 38);
	ck_assert_uint_eq(vh.hdr_len, 38 + 32);
	/* TCP length 100 - 14 - 24 = 62: 0x1811 + 6 + 62 = 0x1855 */
	ck_assert_uint_eq(h[38 + 16], 0x18);
	ck_assert_uint_eq(h[38 + 17], 0x55);

	/* SYN without TSO; a full-size frame */
	hl = frame(h, 1514, 5, 5);
	h[34 + 13] = 0x02;
	ck_assert_int_eq(check(h, hl, 1514, CSUM, &vh), 0);
}
END_TEST

START_TEST(tso_ok)
{
	uint8_t h[XOK_NET_TXHDR];
	struct vnet_hdr vh;
	uint64_t hl, total = 14 + 20 + 20 + 3000;

	hl = frame(h, total, 5, 5);
	ck_assert_int_eq(check(h, hl, total, CSUM | TSO | 1460, &vh), 0);
	ck_assert_uint_eq(vh.gso_type, VNET_GSO_TCPV4);
	ck_assert_uint_eq(vh.gso_size, 1460);
	ck_assert_uint_eq(vh.hdr_len, 54);
	ck_assert_uint_eq(vh.csum_start, 34);

	/* the largest super-frame, FIN allowed */
	total = XOK_NET_GSO_FRAME_MAX;
	hl = frame(h, total, 5, 5);
	h[34 + 13] |= 0x01;
	ck_assert_int_eq(check(h, hl, total, CSUM | TSO | 536, &vh), 0);
	ck_assert_uint_eq(vh.gso_size, 536);

	/* a payload of exactly one segment: checksum-only */
	total = 54 + 1460;
	hl = frame(h, total, 5, 5);
	ck_assert_int_eq(check(h, hl, total, CSUM | TSO | 1460, &vh), 0);
	ck_assert_uint_eq(vh.gso_type, VNET_GSO_NONE);
	ck_assert_uint_eq(vh.gso_size, 0);
}
END_TEST

/* Each case: a good frame (ihl 5, doff 5) of total bytes with one
 * thing broken by its index. */
static int
broken(int i, uint8_t *h, uint64_t *hl, uint64_t *total, uint64_t *off)
{
	*total = 14 + 20 + 20 + 3000;
	*off = CSUM | TSO | 1460;
	*hl = frame(h, *total, 5, 5);
	switch (i) {
	case 0: *off |= 1UL << 18; break;               /* unknown bit */
	case 1: *off = TSO | 1460; break;               /* no CSUM */
	case 2: *off = CSUM | 1460; break;              /* size, no TSO */
	case 3: *off = CSUM | TSO; break;               /* TSO, no size */
	case 4: *off = CSUM | TSO | 535; break;
	case 5: *off = CSUM | TSO | 9001; break;
	case 6: *off = CSUM | TSO | 1461; break;        /* 54 + 1461 > 1514 */
	case 7: h[12] = 0x81; break;                    /* a VLAN tag */
	case 8: h[14] = 0x65; break;                    /* version 6 */
	case 9: h[14] = 0x44; break;                    /* ihl 4 */
	case 10: h[23] = 17; break;                     /* UDP */
	case 11: h[20] |= 0x20; break;                  /* MF */
	case 12: h[21] = 1; break;                      /* an offset */
	case 13: h[17]++; break;                        /* IP length */
	case 14: h[17]--; break;
	case 15: h[46] = 0x40; break;                   /* doff 4 */
	case 16: h[34 + 13] |= 0x02; break;             /* SYN */
	case 17: h[34 + 13] |= 0x04; break;             /* RST */
	case 18: h[34 + 13] |= 0x20; break;             /* URG */
	case 19: h[34 + 13] |= 0x80; break;             /* CWR */
	case 20:                                        /* over 1514, no TSO */
		*total = 1515;
		*off = CSUM;
		*hl = frame(h, *total, 5, 5);
		break;
	case 21:                                        /* options past head */
		*total = 60;
		*off = CSUM;
		*hl = frame(h, *total, 5, 15);
		break;
	case 22:                                        /* TCP past the head */
		*total = 40;
		*off = CSUM;
		*hl = frame(h, *total, 5, 5);
		break;
	case 23: *off = 0; break;
	default: return 0;
	}
	return 1;
}

START_TEST(refusals)
{
	uint8_t h[XOK_NET_TXHDR], before[XOK_NET_TXHDR];
	struct vnet_hdr vh, untouched;
	uint64_t hl, total, off;
	int i;

	memset(&untouched, 0xee, sizeof(untouched));
	for (i = 0; broken(i, h, &hl, &total, &off); i++) {
		memcpy(before, h, sizeof(h));
		if (check(h, hl, total, off, &vh) != -XE_INVAL)
			ck_abort_msg("case %d accepted", i);
		ck_assert_msg(memcmp(h, before, sizeof(h)) == 0,
		    "case %d changed the head", i);
		ck_assert_msg(memcmp(&vh, &untouched, sizeof(vh)) == 0,
		    "case %d changed the header", i);
	}
	ck_assert_int_eq(i, 24);
}
END_TEST

Suite *
txo_suite(void)
{
	Suite *s = suite_create("txo");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, csum_ok);
	tcase_add_test(tc, tso_ok);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}
