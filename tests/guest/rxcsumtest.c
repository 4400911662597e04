/*
 * rxcsumtest.c: receive checksum offload (VIRTIO_NET_F_GUEST_CSUM,
 * xok/rxcsum.c), booted by tests/guest/rxcsum.sh as init (the root
 * capability in slot 0) on a tap card, with the kernel's test word
 * xok.netbadhdr.  It takes UDP datagrams to port 7777 into a ring of its
 * own and, for each, checks the IP and UDP sums in software and reads
 * the slot's flags.  The host sends, tagged by the first payload byte:
 *
 *   A  from its own stack (a socket): partial sums when the card has
 *      receive checksum offload (the guest's kernel completes them),
 *      whole ones otherwise (the host's kernel completed them);
 *   B  raw frames (AF_PACKET), right sums: no flag from the card;
 *   X  raw frames with a wrong UDP sum: no flag, the sum still wrong;
 *   C  raw frames with a partial sum and a virtio-net header asking
 *      for it to be completed (PACKET_VNET_HDR, NEEDS_CSUM);
 *   P  the same with 6 nonzero bytes of padding after the datagram: the
 *      completed sum covers them, so it is wrong and must not be
 *      flagged right;
 *   E  the end (from the socket, several times).
 *
 * With the offload ("offload"): every A and C arrives flagged
 * XOK_NET_RX_CSUM_OK with a right sum, except the first
 * RX_NONSENSE_KINDS partial ones, which xok.netbadhdr gave hostile
 * offsets: dropped and counted in rx_badhdr, the card never reset.
 * Without it ("none": guest_csum=off): nothing is flagged, every A and
 * C sum is right, nothing is dropped.  Either way B is right and X and
 * P are wrong and unflagged: a frame the card did not vouch for is
 * still checked.
 */
#include <exos/exos.h>
#include <string.h>
#include "check.h"
#include "../inetsum.h"

#define RING_VA 0x0000000400000000UL
#define NPG     32                      /* 63 slots */
#define PORT    7777
#define NA      20                      /* the host's counts, rxcsum.sh */
#define NB      10
#define NX      10
#define NC      10
#define NP      5
#define NKINDS  7                       /* xok/rxcsum.h RX_NONSENSE_KINDS */

static const uint8_t my_ip[4] = { 10, 0, 2, 15 };
static const uint8_t ff[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff };

struct tally {
	unsigned n, flagged, right;
};
static struct tally tl[128];

static void
term(struct xok_pf *f, uint16_t off, const uint8_t *val, uint8_t len)
{
	struct xok_pf_term *t = &f->t[f->nterms++];

	t->off = off;
	t->len = len;
	memcpy(t->mask, ff, len);
	memcpy(t->val, val, len);
}

/* Are f's IP header sum and UDP sum (over the UDP length, with the
 * pseudo header) right?  The UDP payload's first byte in *tag. */
static int
sums_right(const uint8_t *f, uint32_t len, int *tag)
{
	unsigned ulen;

	*tag = -1;
	if (len < 14 + 20 + 9 || f[14] != 0x45)
		return 0;
	ulen = (unsigned)f[38] << 8 | f[39];
	if (ulen < 9 || 34 + ulen > len)
		return 0;
	*tag = f[42] & 127;
	if (inet_fold(inet_add(f + 14, 20, 0)) != 0xffff ||
	    (f[40] | f[41]) == 0)
		return 0;
	return inet_fold(inet_add(f + 34, ulen, inet_add(f + 26, 8,
	    17 + ulen))) == 0xffff;
}

/* Take every frame waiting; 1 once the end (E) was seen. */
static int
drain(volatile struct xok_net_ring *r)
{
	int end = 0;

	while (r->tail != r->head) {
		const struct xok_net_slot *s = (const void *)(RING_VA +
		    (1 + r->tail % r->nslots) * XOK_NET_SLOT);
		int tag, right = sums_right(s->data, s->len, &tag);

		if (tag >= 0) {
			tl[tag].n++;
			tl[tag].flagged += (s->flags & XOK_NET_RX_CSUM_OK) != 0;
			tl[tag].right += right;
			end |= tag == 'E';
		}
		r->tail++;
	}
	return end;
}

static void
expect_tag(int tag, unsigned n, unsigned flagged, unsigned right)
{
	char name[96];

	snprintf(name, sizeof(name), "%c: %u frames arrived", tag, n);
	EXPECT_EQ(name, tl[tag].n, n);
	snprintf(name, sizeof(name), "%c: %u flagged checksum-right", tag,
	    flagged);
	EXPECT_EQ(name, tl[tag].flagged, flagged);
	snprintf(name, sizeof(name), "%c: %u with right sums (checked here)",
	    tag, right);
	EXPECT_EQ(name, tl[tag].right, right);
}

int
main(uint64_t arg)
{
	static const uint8_t ip4[2] = { 0x08, 0x00 }, udp = 17;
	static const uint8_t port[2] = { PORT >> 8, PORT & 0xff };
	volatile struct xok_net_ring *r = (void *)RING_VA;
	const volatile uint8_t *mac = XOK_INFO->net.mac;
	int off = module_arg_is('o'), end = 0;
	uint64_t t_end, resets0 = XOK_INFO->net.resets;
	struct xok_pf f;
	int64_t id;
	unsigned bad;

	(void)arg;
	EXPECT("a virtio-net card is present", XOK_INFO->net.present);
	EXPECT_EQ(off ? "the card's offloads include rxcsum" :
	    "the card has no receive checksum offload",
	    XOK_INFO->net.offload & XOK_NET_OFF_RXCSUM,
	    off ? XOK_NET_OFF_RXCSUM : 0);
	EXPECT_EQ("map the ring", exos_map_new(RING_VA, NPG, XOK_PTE_W), 0);
	memset(&f, 0, sizeof(f));
	term(&f, 12, ip4, 2);
	term(&f, 23, &udp, 1);
	term(&f, 30, my_ip, 4);
	term(&f, 36, port, 2);
	id = sys_net_filter_install(0, &f, RING_VA, NPG);
	EXPECT("a filter for UDP to port 7777", id >= 0);
	printf("rxcsum: ready mac %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
	t_end = xok_ticks() + 90 * XOK_INFO->hz;
	while (!end && xok_ticks() < t_end) {
		end = drain(r);
		if (!end) {
			sys_net_poll();
			sys_yield(XOK_SELF);
		}
	}
	EXPECT("the host's end marker arrived", end);
	bad = off ? NKINDS : 0;
	expect_tag('A', NA - bad, off ? NA - bad : 0, NA - bad);
	expect_tag('B', NB, 0, NB);
	expect_tag('X', NX, 0, 0);
	expect_tag('C', NC, off ? NC : 0, NC);
	expect_tag('P', NP, 0, 0);
	EXPECT_EQ("hostile csum_start/csum_offset dropped, counted in "
	    "rx_badhdr", XOK_INFO->net.rx_badhdr, bad);
	EXPECT_EQ("the card was never reset", XOK_INFO->net.resets, resets0);
	EXPECT("partial sums completed by the kernel: every A, C and P "
	    "(and the ends) with the offload, none without", off ?
	    XOK_INFO->net.rx_csum_done >= NA - bad + NC + NP :
	    XOK_INFO->net.rx_csum_done == 0);
	printf("rxcsum: kernel: %lu partial sums completed, %lu checked by "
	    "the card, %lu bad headers, %lu frames, %lu delivered\n",
	    XOK_INFO->net.rx_csum_done, XOK_INFO->net.rx_csum_valid,
	    XOK_INFO->net.rx_badhdr, XOK_INFO->net.rx_frames,
	    XOK_INFO->net.rx_delivered);
	if (id >= 0)
		EXPECT_EQ("remove the filter", sys_net_filter_remove(0,
		    (uint64_t)id), 0);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
