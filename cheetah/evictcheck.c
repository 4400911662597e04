/*
 * evictcheck.c: the guest test's kernel-safety check of Cheetah's
 * zero-copy path on XN's cache (test mode only; docs/CHEETAH.md,
 * "Documents").  A frame whose body is a view of an XN registry page
 * goes out by NET_TRANSMITV, and while the card may still be reading
 * it, the block is evicted from the registry.  What must hold:
 *   - the transmit pins the registry page (its count of references
 *     rises by one per frame in flight);
 *   - the eviction succeeds, removes the block from the registry and
 *     our view of it, and gives the page back to us (its owner);
 *   - while a frame that pinned it is in flight the page cannot be
 *     freed (PAGE_FREE says BUSY); a free that succeeds happens only
 *     after every frame's completion word moved;
 *   - every completion arrives, nothing is lost, the kernel and the
 *     card go on (the HTTP tests that follow run on the same card);
 *   - the block cached again and mapped back shows the same bytes.
 * The frames are UDP datagrams from our address to the discard port of
 * QEMU's gateway (the kernel's source check: their reply would be ours).
 */
#include <exos/exos.h>
#include <string.h>
#include "../tests/guest/check.h"
#include "exosnet.h"
#include "docs.h"

#define NFR     4               /* frames per round (fewer than the slots) */
#define BODY    1400
#define ROUNDS  8               /* at least; until 3 seen in flight */
#define ROUNDS_MAX 400

static uint16_t
ipsum(const uint8_t *p, int n)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
udp_head(struct exos_net *n, uint8_t *h)
{
	static const uint8_t src[4] = { 10, 0, 2, 15 }, dst[4] = { 10, 0, 2, 2 };
	uint16_t ipl = 20 + 8 + BODY, s;

	memset(h, 0, 42);
	memset(h, 0xff, 6);                     /* broadcast */
	memcpy(h + 6, n->netif.hwaddr, 6);
	h[12] = 0x08, h[13] = 0x00;
	h[14] = 0x45;
	h[16] = (uint8_t)(ipl >> 8), h[17] = (uint8_t)ipl;
	h[22] = 64, h[23] = 17;
	memcpy(h + 26, src, 4);
	memcpy(h + 30, dst, 4);
	s = ipsum(h + 14, 20);
	h[24] = (uint8_t)(s >> 8), h[25] = (uint8_t)s;
	h[34] = 0x30, h[35] = 0x39;             /* 12345 */
	h[36] = 0x00, h[37] = 0x09;             /* discard */
	h[38] = (uint8_t)((8 + BODY) >> 8), h[39] = (uint8_t)(8 + BODY);
	/* UDP checksum 0: none */
}

static int
all_done(volatile uint64_t *done, int k)
{
	int i;

	for (i = 0; i < k; i++)
		if (done[i] == 0)
			return 0;
	return 1;
}

uint64_t
evict_check(struct exos_net *n, struct docs *d)
{
	static uint8_t save[BODY];
	volatile uint64_t done[NFR];
	struct xok_net_piece v[2];
	struct doc *f = NULL;
	uint8_t head[42];
	uint64_t ppn, lost0 = XOK_INFO->net.tx_lost, t0;
	unsigned i, round, busy_seen = 0, bad_free = 0, pinned = 0, sent = 0;
	unsigned evicted = 0, gone = 0, back = 0, same = 0, owned = 0;
	int k;

	for (i = 0; i < d->nfiles; i++)
		if (d->files[i].size >= BODY && (f == NULL ||
		    d->files[i].size > f->size))
			f = &d->files[i];
	EXPECT("a document to send from", f != NULL);
	if (f == NULL)
		return 0;
	udp_head(n, head);
	memcpy(save, f->data, BODY);
	for (round = 0; round < ROUNDS_MAX && (round < ROUNDS ||
	    busy_seen < 3); round++) {
		uint32_t b = f->blk[0];
		uint16_t mc0;

		ppn = docs_ppn(b);
		if (ppn == 0)
			break;
		mc0 = XOK_PAGES[ppn].mapcount;
		v[0].va = (uint64_t)head, v[0].len = sizeof(head);
		v[1].va = (uint64_t)f->data, v[1].len = BODY;
		for (k = 0; k < NFR; k++) {
			done[k] = 0;
			if (sys_net_transmitv(0, v, 2, (uint64_t *)&done[k]) < 0)
				break;
			sent++;
		}
		/* pinned: one reference per frame not yet finished */
		if (XOK_PAGES[ppn].mapcount >= mc0 + 1 || all_done(done, k))
			pinned++;
		if (sys_xn_bc_evict(0, b) == 0)
			evicted++;
		if (docs_ppn(b) == 0 && !(XOK_PAGES[ppn].flags & XOK_PG_XN))
			gone++;
		if (XOK_PAGES[ppn].owner == (uint32_t)XOK_INFO->cur_env)
			owned++;
		if (sys_page_free(ppn, 0) == 0) {
			/* only once the card let go of it */
			if (!all_done(done, k))
				bad_free++;
		} else {
			busy_seen++;
			for (t0 = exos_net_now(); !all_done(done, k) &&
			    exos_net_now() - t0 < 3000; )
				exos_net_wait(n, 10);
			if (XOK_PAGES[ppn].mapcount == 0 &&
			    sys_page_free(ppn, 0) != 0)
				bad_free++;     /* our page, free: must go */
		}
		if (docs_remap(f, 0) == 0)
			back++;
		else
			break;  /* unmapped: the server cannot go on */
		if (memcmp(save, f->data, BODY) == 0)
			same++;
		if (!all_done(done, k))
			break;
	}
	printf("cheetah: eviction in flight: %u rounds, %u frames, %u "
	    "frees of a pinned page refused\n", round, sent, busy_seen);
	EXPECT("rounds done", round >= ROUNDS);
	EXPECT_EQ("frames sent from an XN registry page", sent,
	    round * NFR);
	EXPECT_EQ("NET_TRANSMITV pins the registry page", pinned, round);
	EXPECT_EQ("the block evicted while frames were in flight", evicted,
	    round);
	EXPECT_EQ("then gone from the registry, the page back to us",
	    gone + owned, 2 * round);
	EXPECT("the page could not be freed while the card read it",
	    busy_seen > 0);
	EXPECT_EQ("it was never freed before the card was done", bad_free, 0);
	EXPECT_EQ("every frame completed, none lost", XOK_INFO->net.tx_lost,
	    lost0);
	EXPECT_EQ("the block cached again and mapped back, same bytes",
	    back + same, 2 * round);
	return sent;
}
