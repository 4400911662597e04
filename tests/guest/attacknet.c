/*
 * attacknet.c: attacks on NET_TRANSMITV (call 59, xok/nettx.c) and the
 * virtio-net driver's zero-copy slots, booted by attack.sh with a card
 * on QEMU's user network:
 *
 *  - 16 pieces, each crossing a page boundary (32 physical segments),
 *    the checked head straddling the first pieces: sent, completed,
 *    every pin dropped;
 *  - every zero-copy slot filled at once (BUSY), then all completed;
 *  - the sender (a child given the network override) sends and dies at
 *    once, with its frames in flight: its pinned body and completion
 *    pages are freed when the card is done, nothing leaks;
 *  - (session 8) a frame longer than the checked head whose reply a
 *    filter with a term past the head would take: NET_TRANSMITV refuses
 *    it unless that filter is the sender's;
 *  - with arg "dead" (the kernel booted with xok.netdeadtx: every
 *    transmit completion is nonsense, so each frame resets the card
 *    until it is given up for dead): every zero-copy frame is lost and
 *    its owner hears of it, the last one too, when the card is
 *    disabled -- its pages unpinned, its completion word counted (a
 *    sender sleeping on it must wake).
 *
 * Init (the root capability) drives; children are this program again.
 * Prints PASS:/FAIL: lines, then ALL-DONE.
 */
#include <exos/exos.h>
#include "check.h"
#include "role.h"

#define CHILD_SH 0x0000000500000000UL
#define BODY_VA  0x0000000600000000UL   /* 2 pages of body */
#define DONE_VA  0x0000000600100000UL   /* the completion words' page */
#define DONES    ((volatile uint64_t *)DONE_VA)

enum role { R_DRIVER = 0, R_DIER, R_DEEP };

#define RING_VA  0x0000000600200000UL   /* a filter's ring page */
#define DEEP_LEN 600                    /* a frame longer than the head */
#define DEEP_OFF 300                    /* the nested filter's last term */
#define DEEP_VAL 0x77

static const void *self_image;
static uint64_t self_size, shppn;
static int64_t body_ppn[2], done_ppn;

static int
dead(int64_t c)
{
	const volatile struct xok_env_info *ei = &XOK_INFO->envs[XOK_ENVX(c)];

	return ei->id != (uint64_t)c || ei->state == XOK_ENV_FREE ||
	    ei->state == XOK_ENV_ZOMBIE;
}

/* Two body pages and a completion page of our own, mapped. */
static int
map_pages(void)
{
	int i;

	for (i = 0; i < 2; i++)
		if ((body_ppn[i] = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
		    sys_page_map(XOK_SELF, BODY_VA + (uint64_t)i * XOK_PGSIZE,
		    (uint64_t)body_ppn[i], XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0)
			return -1;
	if ((done_ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    sys_page_map(XOK_SELF, DONE_VA, (uint64_t)done_ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0)
		return -1;
	return 0;
}

/* A junk Ethernet frame from the card's address: 16 pieces of 80 bytes,
 * each crossing from the first body page into the second. */
static void
frame16(struct xok_net_piece *v)
{
	uint8_t *b = (uint8_t *)BODY_VA + XOK_PGSIZE - 40;
	int i;

	memset(b, 0x5a, 80);
	memset(b, 0xff, 6);                     /* broadcast */
	memcpy(b + 6, (const void *)XOK_INFO->net.mac, 6);
	b[12] = 0x88, b[13] = 0xb5;             /* local experimental */
	for (i = 0; i < XOK_NET_PIECES_MAX; i++)
		v[i] = (struct xok_net_piece){ (uint64_t)b, 80 };
}

static uint16_t
mc(int64_t ppn)
{
	return XOK_PAGES[ppn].mapcount;
}

static int
card_idle(void)
{
	return XOK_INFO->net.tx_done + XOK_INFO->net.tx_lost >=
	    XOK_INFO->net.tx_frames;
}

/* ---- the child that dies with frames in flight ------------------------ */

static void
child_dier(volatile uint64_t *sh)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	int64_t r;
	int n = 0, i;

	if (map_pages() < 0) {
		sh[0] = 2;
		return;
	}
	frame16(v);
	for (i = 0; i < 8; i++) {
		r = sys_net_transmitv(1, v, XOK_NET_PIECES_MAX,
		    (uint64_t *)&DONES[i]);
		if (r == 0)
			n++;
		else if (r != -XE_BUSY)
			sh[3] = (uint64_t)r;
	}
	sh[1] = (uint64_t)n;
	sh[4] = (uint64_t)body_ppn[1];
	sh[5] = (uint64_t)done_ppn;
	sh[2] = XOK_INFO->net.tx_done + XOK_INFO->net.tx_lost;
	sh[6] = XOK_INFO->net.tx_frames;
	sh[0] = 1;
	sys_env_destroy(XOK_SELF, 0, 0);        /* at once */
}

/* ---- the driver -------------------------------------------------------- */

static void
test_16_pieces(void)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	uint16_t m0, m1, md;

	frame16(v);
	m0 = mc(body_ppn[0]), m1 = mc(body_ppn[1]), md = mc(done_ppn);
	DONES[0] = 0;
	EXPECT_EQ("16 pieces each crossing a page (32 segments)",
	    sys_net_transmitv(0, v, XOK_NET_PIECES_MAX, (uint64_t *)DONES),
	    0);
	EXPECT("  completed", WAIT_FOR(DONES[0] == 1, 5000));
	EXPECT("  every pin dropped", mc(body_ppn[0]) == m0 &&
	    mc(body_ppn[1]) == m1 && mc(done_ppn) == md);
}

static void
test_fill_slots(void)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	int64_t r = 0;
	int n = 0, i;
	uint64_t sum;

	frame16(v);
	for (i = 0; i < 64; i++)
		DONES[i] = 0;
	for (i = 0; i < 64 && (r = sys_net_transmitv(0, v,
	    XOK_NET_PIECES_MAX, (uint64_t *)&DONES[i])) == 0; i++)
		n++;
	printf("attacknet: %d frames in flight before %ld\n", n, r);
	EXPECT("fill: the slots run out (BUSY) or the card keeps up",
	    r == -XE_BUSY || n == 64);
	EXPECT("  every frame sent completes", WAIT_FOR(({
	    sum = 0;
	    for (i = 0; i < n; i++)
		sum += DONES[i];
	    sum == (uint64_t)n; }), 5000));
	EXPECT("  nothing counted twice", DONES[n] == 0);
	EXPECT("  no pin left", mc(body_ppn[0]) == 1 &&
	    mc(body_ppn[1]) == 1 && mc(done_ppn) == 1);
}

static void
test_dier(void)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = R_DIER, .slices = 1, .start = 0 };
	struct xok_cap cap = { .valid = 1, .len = 1, .rights = XOK_CAP_W,
	    .name = { 0xfe } };
	volatile uint64_t *sh;
	uint64_t before, bp, dp;
	int64_t c;

	WAIT_FOR(card_idle(), 2000);
	before = XOK_INFO->nfree;
	c = role_spawn(&sp, CHILD_SH, &sh, &shppn);
	EXPECT("dier: child", c > 0);
	if (c <= 0)
		return;
	EXPECT_EQ("dier: given the network override",
	    sys_cap_grant((uint64_t)c, 0, 0, 1, &cap), 0);
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	EXPECT("dier: sent and died", WAIT_FOR(dead(c), 5000) && sh[0] == 1);
	printf("attacknet: the child sent %lu frames (error %ld) and died "
	    "with %lu in flight\n", sh[1], (int64_t)sh[3], sh[6] - sh[2]);
	EXPECT("dier: at least one frame sent", sh[1] >= 1);
	bp = sh[4], dp = sh[5];
	EXPECT("dier: the card finishes", WAIT_FOR(card_idle(), 5000));
	EXPECT("dier: its pinned pages are freed then",
	    WAIT_FOR(XOK_PAGES[bp].owner == 0 && XOK_PAGES[dp].owner == 0,
	    1000));
	sys_page_unmap(XOK_SELF, (uint64_t)sh, 0);
	sys_page_free(shppn, 0);
	WAIT_FOR(0, 50);
	EXPECT_EQ("dier: every page came back", XOK_INFO->nfree, before);
}

/* ---- the transmit check past the copied head --------------------------- */

/* Frames of ethertype 0x88b5, a term at 12; with deep, also byte
 * DEEP_OFF == DEEP_VAL (a term past the XOK_NET_TXHDR head). */
static void
exp_filter(struct xok_pf *f, int deep)
{
	static const uint8_t ff[2] = { 0xff, 0xff }, type[2] = { 0x88, 0xb5 },
	    v = DEEP_VAL;

	memset(f, 0, sizeof(*f));
	f->nterms = 1;
	f->t[0].off = 12, f->t[0].len = 2;
	memcpy(f->t[0].mask, ff, 2);
	memcpy(f->t[0].val, type, 2);
	if (deep) {
		f->nterms = 2;
		f->t[1].off = DEEP_OFF, f->t[1].len = 1;
		f->t[1].mask[0] = 0xff;
		f->t[1].val[0] = v;
	}
}

/* A len-byte 0x88b5 frame from the card at BODY_VA, byte DEEP_OFF = b. */
static void
exp_frame(uint64_t len, uint8_t b)
{
	uint8_t *fr = (uint8_t *)BODY_VA;

	memset(fr, 0x11, len);
	memset(fr, 0xff, 6);
	memcpy(fr + 6, (const void *)XOK_INFO->net.mac, 6);
	fr[12] = 0x88, fr[13] = 0xb5;
	if (len > DEEP_OFF)
		fr[DEEP_OFF] = b;
}

static int64_t
sendv(uint64_t len)
{
	struct xok_net_piece v[1] = { { BODY_VA, len } };

	return sys_net_transmitv(1, v, 1, NULL);
}

/* Holds {0xfe, 0x01} in slot 1 (no override): installs the broad filter
 * around the driver's deep one, then sends. */
static void
child_deep(volatile uint64_t *sh)
{
	struct xok_pf f;
	int64_t p;

	if (map_pages() < 0 || (p = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    sys_page_map(XOK_SELF, RING_VA, (uint64_t)p, XOK_PTE_W |
	    XOK_PTE_NX, 0, 0) < 0) {
		sh[0] = 2;
		return;
	}
	exp_filter(&f, 0);
	sh[1] = (uint64_t)sys_net_filter_install(1, &f, RING_VA, 1);
	exp_frame(DEEP_LEN, DEEP_VAL);
	sh[2] = (uint64_t)sendv(DEEP_LEN);
	sh[3] = (uint64_t)sys_net_transmit(1, (const void *)BODY_VA, DEEP_LEN);
	exp_frame(DEEP_LEN, 0);
	sh[4] = (uint64_t)sendv(DEEP_LEN);
	sh[5] = (uint64_t)sys_net_transmit(1, (const void *)BODY_VA, DEEP_LEN);
	exp_frame(200, 0);
	sh[6] = (uint64_t)sendv(200);
	sh[0] = 1;
	WAIT_FOR(sh[10] == 1, 5000);    /* the driver removed its filter */
	exp_frame(DEEP_LEN, DEEP_VAL);
	sh[7] = (uint64_t)sendv(DEEP_LEN);
	sh[0] = 3;
}

/*
 * The session-7 finding: NET_TRANSMITV checks the copied head (256
 * bytes) only, so a filter with a term past it was never consulted: an
 * environment whose broad filter surrounds another's narrower one (it
 * may install a filter around another's) could send frames whose reply
 * the narrower filter takes -- speak as the other.  Now a frame whose
 * unseen bytes might decide for another owner's filter is refused by
 * NET_TRANSMITV (NET_TRANSMIT, which copies all, checks every byte).
 */
static void
test_deep_filter(void)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = R_DEEP, .slices = 1, .start = 0 };
	struct xok_cap cap = { .valid = 1, .len = 2, .rights = XOK_CAP_ALL,
	    .name = { XOK_CAPNAME_NET, XOK_CAPNAME_NET_USE } };
	volatile uint64_t *sh;
	struct xok_pf f;
	int64_t c, id, p;

	p = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT("deep: our ring page", p > 0 && sys_page_map(XOK_SELF, RING_VA,
	    (uint64_t)p, XOK_PTE_W | XOK_PTE_NX, 0, 0) == 0);
	exp_filter(&f, 1);
	id = sys_net_filter_install(0, &f, RING_VA, 1);
	EXPECT("deep: our filter with a term at 300", id >= 0);
	c = role_spawn(&sp, CHILD_SH, &sh, &shppn);
	EXPECT("deep: child", c > 0);
	if (c <= 0)
		return;
	EXPECT_EQ("deep: given {0xfe, 0x01}", sys_cap_grant((uint64_t)c, 0, 0,
	    1, &cap), 0);
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	EXPECT("deep: the child ran", WAIT_FOR(sh[0] == 1 || sh[0] == 2 ||
	    dead(c), 10000) && sh[0] == 1);
	EXPECT("deep: its filter around ours", (int64_t)sh[1] >= 0);
	EXPECT_EQ("deep: transmitv of a frame our filter takes the reply "
	    "of: refused", (int64_t)sh[2], -XE_PERM);
	EXPECT_EQ("deep: the same frame copied (all checked): refused",
	    (int64_t)sh[3], -XE_PERM);
	EXPECT_EQ("deep: transmitv, the byte at 300 not ours: refused (not "
	    "decided by the head)", (int64_t)sh[4], -XE_PERM);
	EXPECT_EQ("deep: that frame copied: sent", (int64_t)sh[5], 0);
	EXPECT_EQ("deep: transmitv of a 200-byte frame: sent", (int64_t)sh[6],
	    0);
	EXPECT_EQ("deep: our filter removed", sys_net_filter_remove(0,
	    (uint64_t)id), 0);
	sh[10] = 1;
	EXPECT("deep: the child sent again", WAIT_FOR(sh[0] == 3, 5000));
	EXPECT_EQ("deep: then transmitv of the long frame: sent",
	    (int64_t)sh[7], 0);
	sys_env_destroy((uint64_t)c, 0, 0);
	WAIT_FOR(dead(c), 2000);
	WAIT_FOR(card_idle(), 2000);
	sys_page_unmap(XOK_SELF, (uint64_t)sh, 0);
	sys_page_free(shppn, 0);
	sys_page_unmap(XOK_SELF, RING_VA, 0);
	if (p > 0)
		sys_page_free((uint64_t)p, 0);
}

/* Booted with xok.netdeadtx: every frame resets the card. */
static void
test_dead_card(void)
{
	struct xok_net_piece v[XOK_NET_PIECES_MAX];
	uint64_t sent = 0, lost0 = XOK_INFO->net.tx_lost;
	int64_t r = 0;
	int i;

	frame16(v);
	DONES[0] = 0;
	for (i = 0; i < 20 && !XOK_INFO->net.dead; i++) {
		r = sys_net_transmitv(0, v, XOK_NET_PIECES_MAX,
		    (uint64_t *)DONES);
		if (r == 0)
			sent++;
		WAIT_FOR(DONES[0] == sent || XOK_INFO->net.dead, 2000);
	}
	printf("attacknet: %lu frames sent, %lu resets, dead %u, done %lu, "
	    "lost %lu\n", sent, XOK_INFO->net.resets, XOK_INFO->net.dead,
	    DONES[0], XOK_INFO->net.tx_lost - lost0);
	EXPECT("dead: the card was given up", XOK_INFO->net.dead == 1);
	EXPECT("dead: every frame sent was lost", sent > 0 &&
	    XOK_INFO->net.tx_lost - lost0 == sent);
	EXPECT_EQ("dead: its owner heard of every one, the last too",
	    DONES[0], sent);
	EXPECT("dead: no pin left", mc(body_ppn[0]) == 1 &&
	    mc(body_ppn[1]) == 1 && mc(done_ppn) == 1);
	EXPECT_EQ("dead: transmitv says DEAD", sys_net_transmitv(0, v,
	    XOK_NET_PIECES_MAX, NULL), -XE_DEAD);
	EXPECT("dead: our pages can be freed", sys_page_unmap(XOK_SELF,
	    BODY_VA, 0) == 0 && sys_page_free((uint64_t)body_ppn[0], 0) == 0);
}

/* Booted as "attacknet.elf dead"? */
static int
dead_mode(void)
{
	const volatile char *n = XOK_INFO->modules[0].name;
	unsigned i;

	for (i = 0; n[i] && n[i] != ' '; i++)
		;
	return n[i] == ' ' && n[i + 1] == 'd' && n[i + 2] == 'e' &&
	    n[i + 3] == 'a' && n[i + 4] == 'd';
}

int
main(uint64_t arg)
{

	if (arg == R_DIER) {
		child_dier((volatile uint64_t *)CHILD_SH);
		return 0;
	}
	if (arg == R_DEEP) {
		child_deep((volatile uint64_t *)CHILD_SH);
		return 0;
	}
	self_image = exos_module("attacknet.elf", &self_size);
	EXPECT("attacknet finds its own boot module", self_image != NULL);
	EXPECT("a network card", XOK_INFO->net.present);
	EXPECT_EQ("our pages", map_pages(), 0);
	if (dead_mode())
		test_dead_card();
	else {
		test_16_pieces();
		test_fill_slots();
		test_dier();
		test_deep_filter();
	}
	printf("attacknet: %d failures\n", failures);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
