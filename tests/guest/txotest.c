/*
 * txotest.c: NET_TRANSMITO, transmit offload (xok/nettxo.c), booted by
 * tests/guest/txotest.sh as init (root capability in slot 0, so only the
 * argument and header checks can refuse).  Every malformed offload word
 * and every bad header field of an IPv4/TCP frame is refused with
 * -XE_INVAL, counted, and nothing reaches the card; the source check
 * and the pointer checks of NET_TRANSMITV still apply.  Then a valid
 * checksum-offload frame and a valid TSO super-frame (4000 bytes of
 * payload cut at 1460): on a card that offers the offloads (the
 * module's argument "offload": txotest.sh's tap boot) both are sent and
 * completed; on one that does not ("none": user-mode network, or
 * csum=off,host_tso4=off,guest_csum=off) both are refused with
 * -XE_NODEV, unsent.
 */
#include <exos/exos.h>
#include <string.h>
#include "check.h"

#define BODY_VA 0x0000000440000000UL    /* 4 pages of payload */
#define MSS     1460
#define OFF_TSO (XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO | MSS)

static const uint8_t my_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };
static uint8_t hdr[64];                 /* Ethernet + IPv4 + TCP: 54 */
static uint8_t *body = (uint8_t *)BODY_VA;

static uint16_t
ip_sum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A valid ACK|PSH segment header for `payload` bytes to 10.0.2.2:9. */
static void
make_hdr(unsigned payload)
{
	unsigned ip = 40 + payload;
	uint16_t sum;

	memset(hdr, 0, sizeof(hdr));
	memset(hdr, 0xff, 6);
	memcpy(hdr + 6, (const void *)XOK_INFO->net.mac, 6);
	hdr[12] = 0x08, hdr[13] = 0x00;
	hdr[14] = 0x45;
	hdr[16] = (uint8_t)(ip >> 8), hdr[17] = (uint8_t)ip;
	hdr[20] = 0x40;                         /* DF */
	hdr[22] = 64, hdr[23] = 6;
	memcpy(hdr + 26, my_ip, 4);
	memcpy(hdr + 30, gw_ip, 4);
	sum = ip_sum(hdr + 14, 20);
	hdr[24] = (uint8_t)(sum >> 8), hdr[25] = (uint8_t)sum;
	hdr[34] = 0x15, hdr[35] = 0xb3;         /* 5555 */
	hdr[36] = 0x00, hdr[37] = 0x09;         /* discard */
	hdr[41] = 1;                            /* seq 1 */
	hdr[45] = 1;                            /* ack 1 */
	hdr[46] = 0x50;                         /* 20 bytes */
	hdr[47] = 0x18;                         /* ACK PSH */
	hdr[48] = 0x10;                         /* window */
}

static int64_t
send(unsigned payload, uint64_t off, uint64_t *done)
{
	struct xok_net_piece v[2] = {
		{ (uint64_t)hdr, 54 },
		{ BODY_VA + 100, payload },
	};

	return sys_net_transmito(0, v, payload ? 2 : 1, done, off);
}

/* Refused with -XE_INVAL, counted, nothing sent. */
static void
refused(const char *name, unsigned payload, uint64_t off)
{
	uint64_t tx0 = XOK_INFO->net.tx_frames;
	uint64_t r0 = XOK_INFO->net.tx_offload_refused;
	char buf[128];

	snprintf(buf, sizeof(buf), "transmito: %s: -XE_INVAL", name);
	EXPECT_EQ(buf, send(payload, off, NULL), -XE_INVAL);
	snprintf(buf, sizeof(buf), "transmito: %s: counted, nothing sent",
	    name);
	EXPECT(buf, XOK_INFO->net.tx_frames == tx0 &&
	    XOK_INFO->net.tx_offload_refused == r0 + 1);
}

/* Each field of a valid TSO frame made bad in turn. */
static void
hostile_fields(void)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	unsigned i;

	make_hdr(4000);
	refused("offload word 0", 4000, 0);
	refused("unknown offload bit", 4000, OFF_TSO | (1UL << 20));
	refused("TSO without CSUM", 4000, XOK_NET_TXO_TSO | MSS);
	refused("a segment size without TSO", 1000, XOK_NET_TXO_CSUM | MSS);
	refused("segment size 535", 4000, XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO |
	    535);
	refused("segment size 9001", 4000, XOK_NET_TXO_CSUM |
	    XOK_NET_TXO_TSO | 9001);
	refused("segments longer than 1514 bytes (size 1461)", 4000,
	    XOK_NET_TXO_CSUM | XOK_NET_TXO_TSO | 1461);
	{
		uint64_t tx0 = XOK_INFO->net.tx_frames;

		EXPECT_EQ("transmito: checksum only, 4054 bytes: -XE_INVAL "
		    "(NET_TRANSMITV's length limit)", send(4000,
		    XOK_NET_TXO_CSUM, NULL), -XE_INVAL);
		EXPECT_EQ("transmito: ... nothing sent",
		    XOK_INFO->net.tx_frames, tx0);
	}

	hdr[12] = 0x86, hdr[13] = 0xdd;
	refused("Ethernet type IPv6", 4000, OFF_TSO);
	hdr[12] = 0x81, hdr[13] = 0x00;
	refused("a VLAN tag", 4000, OFF_TSO);
	make_hdr(4000);
	hdr[14] = 0x65;
	refused("IP version 6 in an IPv4 header", 4000, OFF_TSO);
	hdr[14] = 0x44;
	refused("IP header length 16", 4000, OFF_TSO);
	make_hdr(4000);
	hdr[23] = 17;
	refused("protocol UDP", 4000, OFF_TSO);
	make_hdr(4000);
	hdr[20] = 0x20;
	refused("more fragments", 4000, OFF_TSO);
	hdr[20] = 0x00, hdr[21] = 0x08;
	refused("a fragment offset", 4000, OFF_TSO);
	make_hdr(4000);
	hdr[17]++;
	refused("IP total length one past the frame", 4000, OFF_TSO);
	hdr[17] -= 2;
	refused("IP total length one short of the frame", 4000, OFF_TSO);
	make_hdr(4000);
	hdr[46] = 0x40;
	refused("TCP header length 16", 4000, OFF_TSO);
	make_hdr(6);
	hdr[46] = 0xf0;
	refused("TCP header (60) past a 60-byte frame's end", 6,
	    XOK_NET_TXO_CSUM);
	make_hdr(4000);
	hdr[47] = 0x12;
	refused("TSO of a SYN", 4000, OFF_TSO);
	hdr[47] = 0x14;
	refused("TSO of a RST", 4000, OFF_TSO);
	hdr[47] = 0x30;
	refused("TSO of an URG", 4000, OFF_TSO);
	hdr[47] = 0x90;
	refused("TSO of a CWR", 4000, OFF_TSO);

	/* Lengths: past 64 KiB of IP, and more physical segments than
	 * the card's chain takes (15 pieces of 3 pages each). */
	make_hdr(65535 - 40 + 1);
	{
		struct xok_net_piece w[2] = { { (uint64_t)hdr, 54 },
			{ BODY_VA, 4 * XOK_PGSIZE } };
		uint64_t tx0 = XOK_INFO->net.tx_frames;

		w[1].len = 65535 - 40 + 1;
		EXPECT_EQ("transmito: a super-frame of 65550 bytes",
		    sys_net_transmito(0, w, 2, NULL, OFF_TSO), -XE_INVAL);
		EXPECT_EQ("transmito: ... nothing sent",
		    XOK_INFO->net.tx_frames, tx0);
	}
	make_hdr(15 * 4098);
	v[0] = (struct xok_net_piece){ (uint64_t)hdr, 54 };
	for (i = 1; i < XOK_NET_PIECES_MAX; i++)
		v[i] = (struct xok_net_piece){ BODY_VA + XOK_PGSIZE - 1, 4098 };
	EXPECT_EQ("transmito: 45 physical segments", sys_net_transmito(0, v,
	    XOK_NET_PIECES_MAX, NULL, OFF_TSO), -XE_INVAL);

	/* NET_TRANSMITV's checks still apply. */
	make_hdr(4000);
	hdr[11] ^= 1;
	EXPECT_EQ("transmito: another source MAC address: -XE_PERM",
	    send(4000, OFF_TSO, NULL), -XE_PERM);
	make_hdr(4000);
	EXPECT_EQ("transmito: vector unmapped: -XE_FAULT", xok_call(
	    XOK_SYS_NET_TRANSMITO, 0, 0x700000000000UL, 2, 0, OFF_TSO, 0),
	    -XE_FAULT);
	EXPECT_EQ("transmito: body unmapped: -XE_FAULT", ({
	    struct xok_net_piece u[2] = { { (uint64_t)hdr, 54 },
		{ 0x700000000000UL, 4000 } };
	    sys_net_transmito(0, u, 2, NULL, OFF_TSO); }), -XE_FAULT);
	EXPECT_EQ("transmito: empty capability slot: -XE_NOCAP",
	    sys_net_transmito(9, (struct xok_net_piece[]){ { (uint64_t)hdr,
	    54 } }, 1, NULL, OFF_TSO), -XE_NOCAP);
}

/* A valid frame of each kind: sent and finished, or -XE_NODEV. */
static void
valid(int offload)
{
	static uint64_t done;
	uint64_t tx0 = XOK_INFO->net.tx_frames, tso0 = XOK_INFO->net.tx_tso;
	uint64_t cs0 = XOK_INFO->net.tx_csum;
	int64_t want = offload ? 0 : -XE_NODEV;

	make_hdr(1000);
	EXPECT_EQ(offload ? "transmito: a checksum-offload frame is sent" :
	    "transmito: checksum offload without the card's: -XE_NODEV",
	    send(1000, XOK_NET_TXO_CSUM, &done), want);
	make_hdr(4000);
	EXPECT_EQ(offload ? "transmito: a 4054-byte TSO super-frame is sent" :
	    "transmito: TSO without the card's: -XE_NODEV",
	    send(4000, OFF_TSO, &done), want);
	if (offload) {
		EXPECT_EQ("transmito: the card finishes both",
		    WAIT_FOR((sys_net_poll(), done == 2), 5000), 1);
		EXPECT_EQ("transmito: counted: 2 offloaded, 1 segmented",
		    (XOK_INFO->net.tx_csum - cs0) * 10 +
		    XOK_INFO->net.tx_tso - tso0, 21);
		EXPECT_EQ("transmito: the kernel wrote the pseudo-header sum "
		    "into its copy, not into ours", hdr[50] | hdr[51], 0);
	} else
		EXPECT_EQ("transmito: nothing sent", XOK_INFO->net.tx_frames,
		    tx0);
}

int
main(uint64_t arg)
{
	int off = module_arg_is('o');
	unsigned i;

	(void)arg;
	EXPECT("a virtio-net card is present", XOK_INFO->net.present);
	EXPECT_EQ(off ? "the card's offloads: csum, tso4 and rxcsum" :
	    "the card's offloads: none", XOK_INFO->net.offload,
	    off ? XOK_NET_OFF_CSUM | XOK_NET_OFF_TSO4 | XOK_NET_OFF_RXCSUM :
	    0);
	EXPECT_EQ("map 4 body pages", exos_map_new(BODY_VA, 4, XOK_PTE_W), 0);
	for (i = 0; i < 4 * XOK_PGSIZE; i++)
		body[i] = (uint8_t)i;
	hostile_fields();
	valid(off);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
