/*
 * nettest.c: the virtio-net card and packet filters (NET_FILTER_INSTALL,
 * NET_FILTER_REMOVE, NET_TRANSMIT, NET_POLL) on QEMU's user-mode
 * network, booted by tests/guest/nettest.sh, which forwards host UDP
 * ports to guest ports 5555 and 5556 and keeps sending "A:<sink>" to
 * the first and "B:<sink>" to the second.
 *
 * Init (A, root capability) resolves the gateway by ARP, receiving the
 * reply in its ring woken by a predicate; receives its UDP datagrams;
 * sends one to the host's sink port; and checks the counters, a full
 * ring, a ring page given away, a dead owner's filter.  Helper B holds
 * only the network capability {0xfe, 0x01}: it receives only its own port and
 * may not take A's traffic.  Helper C holds no network capability.
 * Every malformed filter, bad pointer, foreign ring page and bad
 * transmit is refused; B may send only from its own port (the source
 * check: a frame's reply must reach a filter of the sender's), with
 * NET_TRANSMIT and with NET_TRANSMITV (zero copy), whose completion
 * word counts the frames the card finished.
 *
 * Booted with " reset" after the module name (and xok.netnonsense), it
 * checks only that the card survives a malformed completion.
 */
#include <exos/exos.h>
#include <string.h>
#include "check.h"
#include "role.h"

#define PORT_A  5555
#define PORT_B  5556
#define RING_A  0x0000000400000000UL    /* ARP */
#define RING_U  0x0000000410000000UL    /* UDP */
#define RING_1  0x0000000420000000UL    /* one page: fills at once */
#define RING_B  0x0000000430000000UL    /* B's */
#define SHARED_VA 0x0000000500000000UL
#define NPG 4

static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };
static const uint8_t my_ip[4] = { 10, 0, 2, 15 };
static uint8_t mac[6];
static struct xok_cap netcap = { .valid = 1, .len = 2, .rights = XOK_CAP_ALL,
	.name = { XOK_CAPNAME_NET, XOK_CAPNAME_NET_USE } };

enum { R_STEAL, R_AMBIG, R_DUP, R_FOREIGN, R_REMOVE_A, R_OWN, R_GOT,
	R_ONLY_B, R_SUPER, R_AFILTER, R_DONE, R_NOCAP_INST, R_NOCAP_TX,
	R_EMPTY_INST, R_BFILTER, R_SPOOF, R_SPOOFV, R_OWNTX, R_OWNTXV,
	R_OWNDONE };
#define BODY_VA 0x0000000440000000UL    /* zero-copy bodies: 2 pages */
static int64_t body_ppn[2];

static void
term(struct xok_pf *f, uint16_t off, const uint8_t *mask, const uint8_t *val,
    uint8_t len)
{
	struct xok_pf_term *t = &f->t[f->nterms++];

	t->off = off;
	t->len = len;
	memcpy(t->mask, mask, len);
	memcpy(t->val, val, len);
}

static const uint8_t ff[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ARP with opcode op for target IP tip. */
static void
arp_filter(struct xok_pf *f, uint8_t op, const uint8_t *tip)
{
	static const uint8_t type[2] = { 0x08, 0x06 };
	uint8_t o[2] = { 0, op };

	memset(f, 0, sizeof(*f));
	term(f, 12, ff, type, 2);
	term(f, 20, ff, o, 2);
	term(f, 38, ff, tip, 4);
}

/* IPv4 (no options), UDP, destination port; src: a source IP or NULL. */
static void
udp_filter(struct xok_pf *f, uint16_t port, const uint8_t *src)
{
	static const uint8_t type[2] = { 0x08, 0x00 };
	static const uint8_t ihl_m = 0x0f, ihl = 5, udp = 17;
	uint8_t p[2] = { (uint8_t)(port >> 8), (uint8_t)port };

	memset(f, 0, sizeof(*f));
	term(f, 12, ff, type, 2);
	term(f, 14, &ihl_m, &ihl, 1);
	term(f, 23, ff, &udp, 1);
	if (src)
		term(f, 26, ff, src, 4);
	term(f, 36, ff, p, 2);
}

static void
arp_request(uint8_t *fr, const uint8_t *tip)
{
	static const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	memset(fr, 0xff, 6);
	memcpy(fr + 6, mac, 6);
	fr[12] = 0x08, fr[13] = 0x06;
	memcpy(fr + 14, hdr, 8);
	memcpy(fr + 22, mac, 6);
	memcpy(fr + 28, my_ip, 4);
	memset(fr + 32, 0, 6);
	memcpy(fr + 38, tip, 4);
}

static uint16_t
ip_sum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An Ethernet/IPv4/UDP frame to dmac/dip:dport; its length. */
static unsigned
udp_frame(uint8_t *fr, const uint8_t *dmac, const uint8_t *dip,
    uint16_t sport, uint16_t dport, const char *msg)
{
	unsigned n = (unsigned)strlen(msg), ip = 20 + 8 + n;
	uint16_t sum;

	memcpy(fr, dmac, 6);
	memcpy(fr + 6, mac, 6);
	fr[12] = 0x08, fr[13] = 0x00;
	memset(fr + 14, 0, 28);
	fr[14] = 0x45;
	fr[16] = (uint8_t)(ip >> 8), fr[17] = (uint8_t)ip;
	fr[22] = 64, fr[23] = 17;
	memcpy(fr + 26, my_ip, 4);
	memcpy(fr + 30, dip, 4);
	sum = ip_sum(fr + 14, 20);
	fr[24] = (uint8_t)(sum >> 8), fr[25] = (uint8_t)sum;
	fr[34] = (uint8_t)(sport >> 8), fr[35] = (uint8_t)sport;
	fr[36] = (uint8_t)(dport >> 8), fr[37] = (uint8_t)dport;
	fr[38] = (uint8_t)((8 + n) >> 8), fr[39] = (uint8_t)(8 + n);
	memcpy(fr + 42, msg, n);                /* UDP checksum 0: none */
	return 14 + ip;
}

/* Sleep until ring->head >= n or ms milliseconds pass; head then. */
static uint64_t
wait_head(volatile struct xok_net_ring *r, uint64_t n, uint64_t ms)
{
	uint64_t end = xok_ticks() + ms * XOK_INFO->hz / 1000;
	struct xok_pred_insn p[8] = {
		{ .op = XP_LDU, .a = 0, .imm = (uint64_t)&r->head },
		{ .op = XP_LDI, .a = 1, .imm = n },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_LDK, .a = 2, .imm = __builtin_offsetof(struct xok_info,
		    ticks) },
		{ .op = XP_LDI, .a = 3, .imm = end },
		{ .op = XP_GEU, .a = 2, .b = 3 },
		{ .op = XP_OR, .a = 0, .b = 2 },
		{ .op = XP_RET, .a = 0 },
	};

	while (r->head < n && xok_ticks() < end)
		sys_sleep(p, 8);
	return r->head;
}

static struct xok_net_slot *
slot(uint64_t ring_va, uint64_t k)
{
	volatile struct xok_net_ring *r = (void *)ring_va;

	return (struct xok_net_slot *)(ring_va + (1 + k % r->nslots) *
	    XOK_NET_SLOT);
}

static int
udp_port(const struct xok_net_slot *s)
{
	return s->len >= 42 ? s->data[36] << 8 | s->data[37] : -1;
}

/* Sleep (yielding) until *w >= n or ms pass; *w then. */
static uint64_t
wait_word(volatile uint64_t *w, uint64_t n, uint64_t ms)
{
	uint64_t end = xok_ticks() + ms * XOK_INFO->hz / 1000;

	while (*w < n && xok_ticks() < end) {
		sys_net_poll();
		sys_yield(XOK_SELF);
	}
	return *w;
}

/* B's transmits: from A's port (refused by the source check) and from
 * its own (sent), copied and gathered. */
static void
role_b_transmit(volatile uint64_t *sh)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static uint64_t done;
	struct xok_net_piece v[2];
	uint8_t fr[128];
	unsigned len;

	memcpy(mac, (const void *)XOK_INFO->net.mac, 6);
	len = udp_frame(fr, bcast, gw_ip, PORT_A, 9, "spoof");
	sh[R_SPOOF] = (uint64_t)sys_net_transmit(1, fr, len);
	v[0] = (struct xok_net_piece){ (uint64_t)fr, 30 };
	v[1] = (struct xok_net_piece){ (uint64_t)fr + 30, len - 30 };
	sh[R_SPOOFV] = (uint64_t)sys_net_transmitv(1, v, 2, &done);
	len = udp_frame(fr, bcast, gw_ip, PORT_B, 9, "mine");
	sh[R_OWNTX] = (uint64_t)sys_net_transmit(1, fr, len);
	v[1].len = len - 30;
	sh[R_OWNTXV] = (uint64_t)sys_net_transmitv(1, v, 2, &done);
	sh[R_OWNDONE] = wait_word(&done, 1, 5000);
}

/* Helper B: the network capability in slot 1. */
static void
role_b(volatile uint64_t *sh)
{
	volatile struct xok_net_ring *r = (void *)RING_B;
	struct xok_pf f;
	uint64_t k, bad = 0;
	int64_t id;

	exos_map_new(RING_B, NPG, XOK_PTE_W);
	/* A's port with a source address: inside A's filter. */
	udp_filter(&f, PORT_A, gw_ip);
	sh[R_STEAL] = (uint64_t)sys_net_filter_install(1, &f, RING_B, NPG);
	/* Some of A's frames, some not: neither inside the other. */
	memset(&f, 0, sizeof(f));
	{
		static const uint8_t t[2] = { 8, 0 }, p[2] = { 0x30, 0x39 };
		static const uint8_t u = 17;

		term(&f, 12, ff, t, 2);
		term(&f, 23, ff, &u, 1);
		term(&f, 34, ff, p, 2);         /* source port 12345 */
	}
	sh[R_AMBIG] = (uint64_t)sys_net_filter_install(1, &f, RING_B, NPG);
	udp_filter(&f, PORT_A, NULL);
	sh[R_DUP] = (uint64_t)sys_net_filter_install(1, &f, RING_B, NPG);
	/* The shared page is A's: not ours to receive into. */
	sh[R_FOREIGN] = (uint64_t)sys_net_filter_install(1, &f, SHARED_VA, 1);
	sh[R_REMOVE_A] = (uint64_t)sys_net_filter_remove(1, sh[R_AFILTER]);
	udp_filter(&f, PORT_B, NULL);
	sh[R_OWN] = (uint64_t)(id = sys_net_filter_install(1, &f, RING_B, NPG));
	sh[R_BFILTER] = (uint64_t)id;
	/* Every UDP frame: contains A's and B's, so takes neither. */
	memset(&f, 0, sizeof(f));
	{
		static const uint8_t t[2] = { 8, 0 }, u = 17;

		term(&f, 12, ff, t, 2);
		term(&f, 23, ff, &u, 1);
	}
	sh[R_SUPER] = (uint64_t)sys_net_filter_install(1, &f, RING_B, NPG);
	role_b_transmit(sh);
	sh[R_DONE] = 1;
	wait_head(r, 2, 20000);
	for (k = 0; k < r->head && k < r->nslots; k++) {
		struct xok_net_slot *s = slot(RING_B, k);

		if (udp_port(s) != PORT_B || s->len < 44 || s->data[42] != 'B' ||
		    (s->filter != (uint32_t)id && s->filter != sh[R_SUPER]))
			bad++;
		if (s->filter != (uint32_t)id)
			bad++;
	}
	sh[R_GOT] = r->head;
	sh[R_ONLY_B] = bad;
	sh[R_DONE] = 2;
	for (;;)
		sys_yield(XOK_SELF);
}

/* Helper C: no network capability. */
static void
role_c(volatile uint64_t *sh)
{
	struct xok_pf f;
	uint8_t fr[60];

	exos_map_new(RING_B, 1, XOK_PTE_W);
	udp_filter(&f, 7777, NULL);
	sh[R_NOCAP_INST] = (uint64_t)sys_net_filter_install(0, &f, RING_B, 1);
	sh[R_EMPTY_INST] = (uint64_t)sys_net_filter_install(9, &f, RING_B, 1);
	memset(fr, 0, sizeof(fr));
	memcpy(fr + 6, (const void *)XOK_INFO->net.mac, 6);
	sh[R_NOCAP_TX] = (uint64_t)sys_net_transmit(0, fr, sizeof(fr));
	sh[R_DONE] = 1;
	for (;;)
		sys_yield(XOK_SELF);
}

static const void *self_image;
static uint64_t self_size;

static int64_t
spawn(uint64_t role, volatile uint64_t **sh)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = role, .slices = 1, .start = 0 };

	return role_spawn(&sp, SHARED_VA, sh, NULL);
}

static void
wait_flag(volatile uint64_t *sh, uint64_t v, uint64_t ms)
{
	uint64_t end = xok_ticks() + ms * XOK_INFO->hz / 1000;

	while (sh[R_DONE] < v && xok_ticks() < end)
		sys_yield(XOK_SELF);
}

/* Resolve the gateway: ARP until a reply lands in RING_A. */
static int
resolve(uint8_t *gw_mac, int *woken)
{
	volatile struct xok_net_ring *r = (void *)RING_A;
	uint8_t fr[42];
	uint64_t h0 = r->head;
	int i;

	*woken = 0;
	arp_request(fr, gw_ip);
	for (i = 0; i < 5 && r->head == h0; i++) {
		sys_net_transmit(0, fr, sizeof(fr));
		if (wait_head(r, h0 + 1, 1000) > h0)
			*woken = 1;
	}
	if (r->head == h0)
		return -1;
	memcpy(gw_mac, slot(RING_A, h0)->data + 22, 6);
	r->tail = r->head;
	return memcmp(slot(RING_A, h0)->data + 28, gw_ip, 4) == 0 ? 0 : -1;
}

/*
 * A zero-copy datagram to the host's sink: the body "xok-net-zerocopy"
 * split over two pieces, the second crossing from one page into the
 * next of BODY_VA; the card reads it in place.  The body pages are
 * pinned until the completion word says the card is done.
 */
static void
zero_copy(const uint8_t *gw, uint16_t sink)
{
	static const char msg[] = "xok-net-zerocopy";
	static uint64_t done;
	uint8_t fr[128];
	uint8_t *b = (uint8_t *)BODY_VA + XOK_PGSIZE - 7;       /* crosses */
	struct xok_net_piece v[3];
	unsigned len = udp_frame(fr, gw, gw_ip, 5555, sink, msg);
	uint64_t t0 = XOK_INFO->net.tx_zerocopy;
	int64_t ppn = body_ppn[1];
	uint16_t mc0 = ppn >= 0 ? XOK_PAGES[ppn].mapcount : 0;

	memcpy(b, fr + 42, len - 42);
	memset(fr + 42, 0, len - 42);
	v[0] = (struct xok_net_piece){ (uint64_t)fr, 20 };
	v[1] = (struct xok_net_piece){ (uint64_t)fr + 20, 22 };
	v[2] = (struct xok_net_piece){ (uint64_t)b, len - 42 };
	EXPECT("the body's second page is mapped", ppn >= 0);
	EXPECT_EQ("transmitv a datagram whose body crosses a page, in place",
	    sys_net_transmitv(0, v, 3, &done), 0);
	EXPECT_EQ("counted as zero-copy", XOK_INFO->net.tx_zerocopy, t0 + 1);
	EXPECT_EQ("the card finishes it: the completion word is 1",
	    wait_word(&done, 1, 5000), 1);
	EXPECT_EQ("the body page is unpinned after completion",
	    XOK_PAGES[ppn].mapcount, mc0);
	printf("nettest: sent a zero-copy datagram to sink port %u\n", sink);
}

/* NET_TRANSMITV's hostile arguments (A holds the root capability, so
 * only the argument checks can refuse). */
static void
hostile_transmitv(void)
{
	static uint64_t done;
	uint8_t fr[64];
	struct xok_net_piece v[XOK_NET_PIECES_MAX + 1];
	unsigned i;

	memset(fr, 0, sizeof(fr));
	memcpy(fr + 6, mac, 6);
	for (i = 0; i <= XOK_NET_PIECES_MAX; i++)
		v[i] = (struct xok_net_piece){ (uint64_t)fr, 4 };
	EXPECT_EQ("transmitv: 0 pieces", sys_net_transmitv(0, v, 0, NULL),
	    -XE_INVAL);
	EXPECT_EQ("transmitv: 17 pieces", sys_net_transmitv(0, v,
	    XOK_NET_PIECES_MAX + 1, NULL), -XE_INVAL);
	EXPECT_EQ("transmitv: 2^60 pieces", sys_net_transmitv(0, v, 1UL << 60,
	    NULL), -XE_INVAL);
	EXPECT_EQ("transmitv: vector at a kernel address", xok_call(
	    XOK_SYS_NET_TRANSMITV, 0, 0xffffffff80100000UL, 1, 0, 0, 0),
	    -XE_FAULT);
	EXPECT_EQ("transmitv: vector unmapped", xok_call(XOK_SYS_NET_TRANSMITV,
	    0, 0x700000000000UL, 1, 0, 0, 0), -XE_FAULT);
	EXPECT_EQ("transmitv: 13 bytes in all", sys_net_transmitv(0,
	    (v[0].len = 13, v), 1, NULL), -XE_INVAL);
	v[0].len = 1515;
	EXPECT_EQ("transmitv: 1515 bytes in one piece", sys_net_transmitv(0, v,
	    1, NULL), -XE_INVAL);
	v[0].len = 1000, v[1].len = 515;
	EXPECT_EQ("transmitv: 1515 bytes in two", sys_net_transmitv(0, v, 2,
	    NULL), -XE_INVAL);
	v[0].len = 60, v[1].len = ~0UL - 30;
	EXPECT_EQ("transmitv: lengths that wrap", sys_net_transmitv(0, v, 2,
	    NULL), -XE_INVAL);
	v[0] = (struct xok_net_piece){ 0xffffffff80100000UL, 60 };
	EXPECT_EQ("transmitv: piece at a kernel address", sys_net_transmitv(0,
	    v, 1, NULL), -XE_FAULT);
	v[0] = (struct xok_net_piece){ (uint64_t)fr, 14 };
	v[1] = (struct xok_net_piece){ 0x700000000000UL, 400 };
	EXPECT_EQ("transmitv: body piece unmapped", sys_net_transmitv(0, v, 2,
	    NULL), -XE_FAULT);
	v[1] = (struct xok_net_piece){ 0x00007ffffffffff0UL, 0x20 };
	EXPECT_EQ("transmitv: piece running past the user half",
	    sys_net_transmitv(0, v, 2, NULL), -XE_FAULT);
	v[1] = (struct xok_net_piece){ XOK_INFO_VA, 400 };
	EXPECT_EQ("transmitv: body from kernel pages (the exported state)",
	    sys_net_transmitv(0, v, 2, NULL), -XE_PERM);
	v[1] = (struct xok_net_piece){ (uint64_t)fr + 14, 46 };
	EXPECT_EQ("transmitv: completion word misaligned", sys_net_transmitv(0,
	    v, 2, (uint64_t *)((uint8_t *)&done + 1)), -XE_FAULT);
	EXPECT_EQ("transmitv: completion word read-only", sys_net_transmitv(0,
	    v, 2, (uint64_t *)XOK_INFO_VA), -XE_FAULT);
	EXPECT_EQ("transmitv: completion word unmapped", sys_net_transmitv(0,
	    v, 2, (uint64_t *)0x700000000000UL), -XE_FAULT);
	EXPECT_EQ("transmitv: completion word in kernel space",
	    sys_net_transmitv(0, v, 2, (uint64_t *)0xffffffff80100000UL),
	    -XE_FAULT);
	fr[11] ^= 1;
	EXPECT_EQ("transmitv: another source address", sys_net_transmitv(0, v,
	    2, NULL), -XE_PERM);
	fr[11] ^= 1;
	EXPECT_EQ("transmitv: empty capability slot", sys_net_transmitv(9, v, 2,
	    NULL), -XE_NOCAP);
}

static void
hostile_args(void)
{
	struct xok_pf f, g;
	uint8_t fr[1600];

	udp_filter(&f, 9999, NULL);
	g = f, g.nterms = 0;
	EXPECT_EQ("install: no terms", sys_net_filter_install(0, &g, RING_U,
	    NPG), -XE_INVAL);
	g = f, g.nterms = XOK_PF_MAXTERMS + 1;
	EXPECT_EQ("install: too many terms", sys_net_filter_install(0, &g,
	    RING_U, NPG), -XE_INVAL);
	g = f, g.t[0].len = 9;
	EXPECT_EQ("install: term longer than 8", sys_net_filter_install(0, &g,
	    RING_U, NPG), -XE_INVAL);
	g = f, g.t[3].off = 1513;
	EXPECT_EQ("install: offset past the frame", sys_net_filter_install(0,
	    &g, RING_U, NPG), -XE_INVAL);
	g = f, g.t[1].off = 13;
	EXPECT_EQ("install: overlapping terms", sys_net_filter_install(0, &g,
	    RING_U, NPG), -XE_INVAL);
	g = f, g.t[1].val[0] = 0x15;
	EXPECT_EQ("install: value outside the mask", sys_net_filter_install(0,
	    &g, RING_U, NPG), -XE_INVAL);
	g = f, g.flags = 1;
	EXPECT_EQ("install: unknown flags", sys_net_filter_install(0, &g,
	    RING_U, NPG), -XE_INVAL);
	EXPECT_EQ("install: filter at a kernel address", xok_call(
	    XOK_SYS_NET_FILTER_INSTALL, 0, 0xffffffff80100000UL, RING_U, NPG,
	    0, 0), -XE_FAULT);
	EXPECT_EQ("install: filter unmapped", xok_call(
	    XOK_SYS_NET_FILTER_INSTALL, 0, 0x700000000000UL, RING_U, NPG, 0, 0),
	    -XE_FAULT);
	EXPECT_EQ("install: ring of 0 pages", sys_net_filter_install(0, &f,
	    RING_U, 0), -XE_INVAL);
	EXPECT_EQ("install: ring of 65 pages", sys_net_filter_install(0, &f,
	    RING_U, XOK_NET_RING_MAXPAGES + 1), -XE_INVAL);
	EXPECT_EQ("install: ring not page aligned", sys_net_filter_install(0,
	    &f, RING_U + 8, NPG), -XE_FAULT);
	EXPECT_EQ("install: ring partly unmapped", sys_net_filter_install(0,
	    &f, RING_U, NPG + 1), -XE_FAULT);
	EXPECT_EQ("install: ring in kernel space", sys_net_filter_install(0,
	    &f, 0xffffffff80000000UL, 1), -XE_FAULT);
	EXPECT_EQ("install: ring in the exported state (not ours)",
	    sys_net_filter_install(0, &f, XOK_INFO_VA, 1), -XE_PERM);
	EXPECT_EQ("install: empty capability slot", sys_net_filter_install(9,
	    &f, RING_U, NPG), -XE_NOCAP);
	EXPECT_EQ("remove: id out of range", sys_net_filter_remove(0, 64),
	    -XE_NOENT);
	EXPECT_EQ("remove: id not installed", sys_net_filter_remove(0, 63),
	    -XE_NOENT);

	memset(fr, 0, sizeof(fr));
	memcpy(fr + 6, mac, 6);
	EXPECT_EQ("transmit: 13 bytes", sys_net_transmit(0, fr, 13), -XE_INVAL);
	EXPECT_EQ("transmit: 1515 bytes", sys_net_transmit(0, fr, 1515),
	    -XE_INVAL);
	EXPECT_EQ("transmit: 2^40 bytes", sys_net_transmit(0, fr, 1UL << 40),
	    -XE_INVAL);
	EXPECT_EQ("transmit: kernel pointer", sys_net_transmit(0,
	    (void *)0xffffffff80100000UL, 60), -XE_FAULT);
	EXPECT_EQ("transmit: unmapped", sys_net_transmit(0,
	    (void *)0x700000000000UL, 60), -XE_FAULT);
	fr[11] ^= 1;
	EXPECT_EQ("transmit: another source address", sys_net_transmit(0, fr,
	    60), -XE_PERM);
	fr[11] ^= 1;
	EXPECT_EQ("transmit: empty capability slot", sys_net_transmit(9, fr,
	    60), -XE_NOCAP);
}

/* Booted as "nettest.elf reset"? */
static int
reset_mode(void)
{
	const volatile char *n = XOK_INFO->modules[0].name;
	unsigned i;

	for (i = 0; n[i] && n[i] != ' '; i++)
		;
	return n[i] == ' ' && n[i + 1] == 'r' && n[i + 2] == 'e' &&
	    n[i + 3] == 's';
}

/* The card reset after a malformed completion and still works. */
static void
reset_boot(void)
{
	struct xok_pf f;
	uint8_t gw[6];
	int woken;

	exos_map_new(RING_A, NPG, XOK_PTE_W);
	arp_filter(&f, 2, my_ip);
	EXPECT("reset: ARP filter", sys_net_filter_install(0, &f, RING_A,
	    NPG) >= 0);
	EXPECT("reset: gateway answers after the reset",
	    resolve(gw, &woken) == 0);
	EXPECT_EQ("reset: the card was reset once", XOK_INFO->net.resets, 1);
	EXPECT("reset: card still enabled", !XOK_INFO->net.dead);
}

int
main(uint64_t arg)
{
	volatile struct xok_net_ring *ra = (void *)RING_A, *ru = (void *)RING_U;
	volatile struct xok_net_ring *r1 = (void *)RING_1;
	volatile uint64_t *shb, *shc;
	struct xok_pf f;
	uint8_t gw[6], fr[128];
	uint64_t k, bad, sink = 0, n0, d0, rx0;
	int64_t b, c, ida, id1, idu, r, p1;
	int woken;

	if (arg == 1 || arg == 2) {
		volatile uint64_t *sh = (volatile uint64_t *)SHARED_VA;

		if (arg == 1)
			role_b(sh);
		else
			role_c(sh);
		return 0;
	}
	memcpy(mac, (const void *)XOK_INFO->net.mac, 6);
	EXPECT("a virtio-net card is present", XOK_INFO->net.present);
	EXPECT("the card has QEMU's address 52:54:00:12:34:56",
	    mac[0] == 0x52 && mac[1] == 0x54 && mac[5] == 0x56);
	if (reset_mode()) {
		reset_boot();
		goto out;
	}
	EXPECT_EQ("no resets on a sane card", XOK_INFO->net.resets, 0);
	self_image = exos_module("nettest.elf", &self_size);
	exos_map_new(RING_A, NPG, XOK_PTE_W);
	exos_map_new(RING_U, NPG, XOK_PTE_W);
	body_ppn[0] = sys_page_alloc(XOK_PPN_ANY, 0);
	body_ppn[1] = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT_EQ("map the zero-copy body pages", sys_page_map(XOK_SELF,
	    BODY_VA, (uint64_t)body_ppn[0], XOK_PTE_W, 0, 0) |
	    sys_page_map(XOK_SELF, BODY_VA + XOK_PGSIZE, (uint64_t)body_ppn[1],
	    XOK_PTE_W, 0, 0), 0);
	hostile_args();
	hostile_transmitv();

	/* ARP: the reply to our request lands in our ring. */
	arp_filter(&f, 2, my_ip);
	ida = sys_net_filter_install(0, &f, RING_A, NPG);
	EXPECT("install a filter for ARP replies to us", ida >= 0);
	EXPECT_EQ("ring size written", ra->nslots, 2 * NPG - 1);
	EXPECT_EQ("the same filter again is refused",
	    sys_net_filter_install(0, &f, RING_A, NPG), -XE_BUSY);
	EXPECT("gateway 10.0.2.2 answers our ARP request", resolve(gw, &woken)
	    == 0);
	EXPECT("woken by the ring's predicate", woken);
	EXPECT("frame counted as delivered", XOK_INFO->net.rx_delivered >= 1 &&
	    XOK_INFO->net.tx_frames >= 1);

	/* UDP to our port: only ours, from the host's sender. */
	udp_filter(&f, PORT_A, NULL);
	idu = sys_net_filter_install(0, &f, RING_U, NPG);
	EXPECT("install a filter for UDP port 5555", idu >= 0);
	b = spawn(1, &shb);
	EXPECT("spawn helper B", b > 0);
	EXPECT_EQ("give B the network capability", sys_cap_grant((uint64_t)b,
	    0, 0, 1, &netcap), 0);
	shb[R_AFILTER] = (uint64_t)idu;
	sys_env_set_status((uint64_t)b, 0, XOK_ENV_RUNNABLE);
	wait_flag(shb, 1, 5000);
	EXPECT_EQ("B: a filter inside A's is refused", (int64_t)shb[R_STEAL],
	    -XE_PERM);
	EXPECT_EQ("B: a filter partly overlapping A's is refused",
	    (int64_t)shb[R_AMBIG], -XE_BUSY);
	EXPECT_EQ("B: A's own filter is refused", (int64_t)shb[R_DUP],
	    -XE_BUSY);
	EXPECT_EQ("B: a ring in A's page is refused", (int64_t)shb[R_FOREIGN],
	    -XE_PERM);
	EXPECT_EQ("B: removing A's filter is refused", (int64_t)shb[R_REMOVE_A],
	    -XE_PERM);
	EXPECT("B: its own port's filter is installed", (int64_t)shb[R_OWN] >= 0);
	EXPECT("B: a filter containing A's and B's is allowed",
	    (int64_t)shb[R_SUPER] >= 0);
	EXPECT_EQ("B: transmit from A's port is refused (source check)",
	    (int64_t)shb[R_SPOOF], -XE_PERM);
	EXPECT_EQ("B: the same gathered (NET_TRANSMITV) is refused",
	    (int64_t)shb[R_SPOOFV], -XE_PERM);
	EXPECT_EQ("B: transmit from its own port is sent", (int64_t)shb[R_OWNTX],
	    0);
	EXPECT_EQ("B: the same gathered is sent", (int64_t)shb[R_OWNTXV], 0);
	EXPECT_EQ("B: its completion word counts the frame", shb[R_OWNDONE], 1);
	EXPECT("refusals counted", XOK_INFO->net.tx_refused >= 2);

	n0 = wait_head(ru, 2, 20000);
	for (k = 0, bad = 0; k < ru->head && k < ru->nslots; k++) {
		struct xok_net_slot *s = slot(RING_U, k);

		if (udp_port(s) != PORT_A || s->filter != (uint64_t)idu ||
		    s->len < 45 || s->data[42] != 'A' || s->data[43] != ':')
			bad++;
		else if (!sink) {
			unsigned i;

			for (i = 44; i < s->len && s->data[i] >= '0' &&
			    s->data[i] <= '9'; i++)
				sink = sink * 10 + (s->data[i] - '0');
		}
	}
	EXPECT("A receives the host's datagrams to port 5555", n0 >= 2);
	EXPECT_EQ("A's ring holds only port 5555", bad, 0);
	ru->tail = ru->head;
	wait_flag(shb, 2, 20000);
	EXPECT("B receives its own datagrams", shb[R_GOT] >= 2);
	EXPECT_EQ("B's ring holds only port 5556, by its own filter",
	    shb[R_ONLY_B], 0);

	/* Send to the host's sink (nettest.sh checks it arrived). */
	{
		unsigned len = udp_frame(fr, gw, gw_ip, 5555, (uint16_t)sink,
		    "xok-net-hello");

		EXPECT("sink port learned from the host", sink > 0 &&
		    sink < 65536);
		EXPECT_EQ("transmit a UDP datagram to the host", sys_net_transmit(0,
		    fr, len), 0);
		printf("nettest: sent to sink port %lu\n", sink);
		zero_copy(gw, (uint16_t)sink);
	}

	/* The override capability (root dominates {0xfe}). */
	udp_filter(&f, PORT_B, gw_ip);
	r = sys_net_filter_install(0, &f, RING_U, NPG);
	EXPECT("root may install inside B's filter", r >= 0);
	EXPECT_EQ("and remove it", sys_net_filter_remove(0, (uint64_t)r), 0);
	EXPECT_EQ("removed twice", sys_net_filter_remove(0, (uint64_t)r),
	    -XE_NOENT);

	/* No capability. */
	c = spawn(2, &shc);
	EXPECT("spawn helper C", c > 0);
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	wait_flag(shc, 1, 5000);
	EXPECT_EQ("C: install without the capability", (int64_t)
	    shc[R_NOCAP_INST], -XE_PERM);
	EXPECT_EQ("C: install from an empty slot", (int64_t)shc[R_EMPTY_INST],
	    -XE_NOCAP);
	EXPECT_EQ("C: transmit without the capability", (int64_t)
	    shc[R_NOCAP_TX], -XE_PERM);
	sys_env_destroy((uint64_t)c, 0, 0);

	/* A dead owner's filters go: B's port becomes free to claim. */
	sys_env_destroy((uint64_t)b, 0, 0);
	udp_filter(&f, PORT_B, NULL);
	r = sys_net_filter_install(0, &f, RING_U, NPG);
	EXPECT("B's filter went with B", r >= 0);
	sys_net_filter_remove(0, (uint64_t)r);

	/* A one-page ring (one slot) fills. */
	EXPECT_EQ("remove the ARP filter", sys_net_filter_remove(0,
	    (uint64_t)ida), 0);
	p1 = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT_EQ("map a one-page ring", sys_page_map(XOK_SELF, RING_1,
	    (uint64_t)p1, XOK_PTE_W, 0, 0), 0);
	arp_filter(&f, 2, my_ip);
	id1 = sys_net_filter_install(0, &f, RING_1, 1);
	EXPECT("ARP filter with a one-slot ring", id1 >= 0 && r1->nslots == 1);
	d0 = XOK_INFO->net.rx_ringfull;
	arp_request(fr, gw_ip);
	for (k = 0; k < 3; k++) {
		sys_net_transmit(0, fr, 42);
		wait_head(r1, 1, 300);
		exos_sleep_until_tick(xok_ticks() + 50);
	}
	EXPECT("full ring: one frame kept, the rest dropped and counted",
	    r1->head == 1 && r1->dropped >= 1 &&
	    XOK_INFO->net.rx_ringfull > d0);

	/* The ring's page given back: the kernel stops writing there. */
	rx0 = XOK_INFO->net.rx_badring;
	EXPECT("ring page unmapped and freed", sys_page_unmap(XOK_SELF, RING_1,
	    0) == 0 && sys_page_free((uint64_t)p1, 0) == 0);
	for (k = 0; k < 5 && XOK_INFO->net.rx_badring == rx0; k++) {
		sys_net_transmit(0, fr, 42);
		exos_sleep_until_tick(xok_ticks() + 100);
	}
	EXPECT("a frame for a freed ring page is dropped and counted",
	    XOK_INFO->net.rx_badring > rx0);
	EXPECT_EQ("remove the one-slot filter", sys_net_filter_remove(0,
	    (uint64_t)id1), 0);

	/* Nobody claims ARP replies now. */
	n0 = XOK_INFO->net.rx_unclaimed;
	for (k = 0; k < 5 && XOK_INFO->net.rx_unclaimed == n0; k++) {
		sys_net_transmit(0, fr, 42);
		exos_sleep_until_tick(xok_ticks() + 100);
	}
	EXPECT("an unclaimed frame is dropped and counted",
	    XOK_INFO->net.rx_unclaimed > n0);
	EXPECT("NET_POLL answers", sys_net_poll() >= 0);
	EXPECT("frames were received and sent", XOK_INFO->net.rx_frames >=
	    XOK_INFO->net.rx_delivered && XOK_INFO->net.tx_done >= 1);
	out:
	printf("nettest: rx %lu delivered %lu unclaimed %lu ringfull %lu "
	    "badring %lu tx %lu done %lu resets %lu\n",
	    XOK_INFO->net.rx_frames, XOK_INFO->net.rx_delivered,
	    XOK_INFO->net.rx_unclaimed, XOK_INFO->net.rx_ringfull,
	    XOK_INFO->net.rx_badring, XOK_INFO->net.tx_frames,
	    XOK_INFO->net.tx_done, XOK_INFO->net.resets);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
