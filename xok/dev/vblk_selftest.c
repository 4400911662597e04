/*
 * vblk_selftest.c: the virtio-blk driver's self-test.  Not part of the
 * kernel: xok/xok.mk builds a second, test-only kernel
 * (build/xok/xok-vblktest.bin) whose virtio_blk.c is compiled with
 * -DVBLK_SELFTEST and #includes this file, since the test looks at the
 * driver's internals (requests in flight, interrupts taken).
 * tests/guest/disktest.sh boots it.
 *
 * Even the test kernel tests only a disk whose sector 0 starts with
 * "XOKVBLKT" (so it never scribbles on any other): the test rewrites
 * sectors 1, 8..71 and 128..255, and leaves a marker in sector 1 that
 * the next boot checks ("persisted across reboot").
 */

static void vblk_selftest(void);

/* Run the self-test if the disk is marked for it. */
static void
vblk_selftest_if_marked(void)
{
	int64_t ppn;

	if ((ppn = kpage_alloc()) < 0)
		return;
	if (vblk_rw(0, (uint64_t)ppn * PGSIZE, VBLK_SECTOR, 0) == 0 &&
	    memcmp(KADDR(ppn * PGSIZE), "XOKVBLKT", 8) == 0)
		vblk_selftest();
	pages_free(&pages, (uint64_t)ppn);
}

#define TEST_MARK "XOKVBLKP"            /* sector 1: left by a boot */

struct test_marker {
	char magic[8];
	uint64_t seed;
	uint32_t boot;
};

static int test_failed;

static void
test_check(int ok, const char *what)
{
	kprintf("%s: vblk %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		test_failed++;
}

/* Contents of sectors [sector, sector + n) for a given seed. */
static void
test_pattern(void *buf, uint64_t sector, unsigned n, uint64_t seed)
{
	uint64_t *w = buf;
	unsigned s, i;

	for (s = 0; s < n; s++)
		for (i = 0; i < VBLK_SECTOR / 8; i++)
			*w++ = (seed ^ ((sector + s) * 0x9e3779b97f4a7c15ULL)) +
			    i * 0x100000001b3ULL;
}

/*
 * Scatter-gather: eight pages, out of order in memory, written as one
 * request to AREA..AREA+63 and read back contiguously; then read back
 * scattered again; and the malformed lists refused.  wbuf and rbuf are
 * 16 pages each.
 */
static void
selftest_sg(uint8_t *wbuf, uint8_t *rbuf, uint64_t wpa, uint64_t rpa,
    uint64_t seed)
{
	enum { AREA = 8, NPG = 8 };
	static const unsigned perm[NPG] = { 5, 2, 7, 0, 3, 6, 1, 4 };
	uint8_t *want = wbuf + NPG * PGSIZE;
	uint64_t pa[NPG], cap = vb.capacity;
	struct vblk_waiter w = { 0, 0 };
	unsigned k, ok;
	int err;

	test_pattern(want, AREA, NPG * PGSIZE / VBLK_SECTOR, seed ^ 0x5a5a);
	for (k = 0; k < NPG; k++) {
		memcpy(wbuf + perm[k] * PGSIZE, want + k * PGSIZE, PGSIZE);
		pa[k] = wpa + perm[k] * PGSIZE;
	}
	w.pending = 1;
	if ((err = vblk_submit_sg_wait(AREA, pa, NPG, 1, vblk_waiter_done,
	    &w)) < 0)
		w.pending = 0;
	err = err < 0 ? err : vblk_wait(&w);
	memset(rbuf, 0, NPG * PGSIZE);
	if (err == 0)
		err = vblk_rw(AREA, rpa, NPG * PGSIZE, 0);
	test_check(err == 0 && memcmp(rbuf, want, NPG * PGSIZE) == 0,
	    "scatter-gather write of 8 pages (one request)");

	memset(rbuf, 0, NPG * PGSIZE);
	for (k = 0; k < NPG; k++)
		pa[k] = rpa + perm[k] * PGSIZE;
	w.pending = 1, w.err = 0;
	if ((err = vblk_submit_sg(AREA, pa, NPG, 0, vblk_waiter_done,
	    &w)) < 0)
		w.pending = 0;
	err = err < 0 ? err : vblk_wait(&w);
	for (k = 0, ok = err == 0; k < NPG; k++)
		ok &= memcmp(rbuf + perm[k] * PGSIZE, want + k * PGSIZE,
		    PGSIZE) == 0;
	test_check(ok, "scatter-gather read of 8 pages");

	pa[0] = pages.npages * PGSIZE;
	test_check(vblk_sg_max() >= 1 &&
	    vblk_submit_sg(AREA, pa, 0, 1, NULL, NULL) == -XE_INVAL &&
	    vblk_submit_sg(AREA, NULL, 1, 1, NULL, NULL) == -XE_INVAL &&
	    vblk_submit_sg(AREA, pa, vblk_sg_max() + 1, 1, NULL, NULL) ==
	    -XE_INVAL &&
	    vblk_submit_sg(AREA, pa, 1, 1, NULL, NULL) == -XE_INVAL &&
	    vblk_submit_sg(cap - 7, &rpa, 1, 0, NULL, NULL) == -XE_RANGE &&
	    vb.q.inflight == 0, "scatter-gather rejects malformed lists");
}

static void
vblk_selftest(void)
{
	enum { NPAGES = 33, BIG = 64 << 10, AREA = 8, NAREA = 64 };
	struct test_marker *m;
	struct vblk_waiter w;
	uint64_t ppn, wpa, rpa, spa, seed, cap = vb.capacity, n0;
	uint8_t *wbuf, *rbuf, *sbuf;
	uint32_t boot = 1;
	int64_t r;
	int err, err2, i, maxflight;
	char what[64];

	kprintf("vblk: self-test (sector 0 is marked XOKVBLKT)\n");
	test_failed = 0;
	if ((r = kpages_alloc_contig(NPAGES)) < 0) {
		test_check(0, "self-test memory");
		return;
	}
	ppn = (uint64_t)r;
	wbuf = KADDR(ppn * PGSIZE);
	rbuf = wbuf + BIG;
	sbuf = rbuf + BIG;
	wpa = ppn * PGSIZE;
	rpa = wpa + BIG;
	spa = rpa + BIG;
	m = (struct test_marker *)sbuf;
	if (cap < 2 * BIG / VBLK_SECTOR + 8) {
		test_check(0, "disk large enough for the self-test");
		goto out;
	}

	/* What the previous boot left behind. */
	if ((err = vblk_rw(1, spa, VBLK_SECTOR, 0)) < 0) {
		test_check(0, "read sector 1");
	} else if (memcmp(m->magic, TEST_MARK, 8) == 0) {
		boot = m->boot + 1;
		test_pattern(wbuf, AREA, NAREA, m->seed);
		err = vblk_rw(AREA, rpa, NAREA * VBLK_SECTOR, 0);
		test_check(err == 0 &&
		    memcmp(wbuf, rbuf, NAREA * VBLK_SECTOR) == 0,
		    "persisted across reboot");
	} else {
		kprintf("vblk: no marker in sector 1: first boot\n");
	}
	seed = rdtsc() * 0x2545f4914f6cdd1dULL + boot;

	selftest_sg(wbuf, rbuf, wpa, rpa, seed);

	/* Eight 4 KiB writes in flight at once. */
	test_pattern(wbuf, AREA, NAREA, seed);
	w.pending = 0, w.err = 0;
	for (i = err = 0; i < 8 && err == 0; i++) {
		err = vblk_submit(AREA + 8 * i, wpa + 4096 * i, 4096, 1,
		    vblk_waiter_done, &w);
		if (err == 0)
			w.pending++;
	}
	maxflight = vb.q.inflight;
	err2 = vblk_wait(&w);
	snprintf(what, sizeof(what), "8 async 4 KiB writes (%d in flight)",
	    maxflight);
	test_check(err == 0 && err2 == 0 && maxflight == 8, what);

	/* Read them back one sector per request, as many as fit. */
	memset(rbuf, 0, NAREA * VBLK_SECTOR);
	w.pending = 0, w.err = 0;
	maxflight = 0;
	for (i = err = 0; i < NAREA && err == 0; i++) {
		err = vblk_start_wait(T_IN, AREA + i,
		    rpa + (uint64_t)i * VBLK_SECTOR, VBLK_SECTOR,
		    vblk_waiter_done, &w);
		if (err == 0)
			w.pending++;
		if (vb.q.inflight > maxflight)
			maxflight = vb.q.inflight;
	}
	err2 = vblk_wait(&w);
	snprintf(what, sizeof(what), "64 single-sector async reads match "
	    "(up to %d in flight)", maxflight);
	test_check(err == 0 && err2 == 0 &&
	    memcmp(wbuf, rbuf, NAREA * VBLK_SECTOR) == 0, what);

	/* One 64 KiB write and read at sectors 128..255. */
	test_pattern(wbuf, 128, BIG / VBLK_SECTOR, seed);
	memset(rbuf, 0, BIG);
	err = vblk_rw(128, wpa, BIG, 1);
	err2 = vblk_rw(128, rpa, BIG, 0);
	test_check(err == 0 && err2 == 0 && memcmp(wbuf, rbuf, BIG) == 0,
	    "64 KiB write and read back");

	/* A buffer at an odd physical address. */
	memset(sbuf, 0, PGSIZE);
	err = vblk_rw(129, spa + 101, VBLK_SECTOR, 0);
	test_check(err == 0 &&
	    memcmp(sbuf + 101, wbuf + VBLK_SECTOR, VBLK_SECTOR) == 0,
	    "read into an unaligned buffer");

	err = vblk_rw(cap - 1, spa, VBLK_SECTOR, 0);
	test_check(err == 0, "last sector readable");

	/* Bad requests are refused and queue nothing. */
	test_check(vblk_submit(cap, spa, VBLK_SECTOR, 0, NULL, NULL) ==
	    -XE_RANGE &&
	    vblk_submit(cap - 1, spa, 2 * VBLK_SECTOR, 0, NULL, NULL) ==
	    -XE_RANGE &&
	    vblk_submit(~0ULL, spa, VBLK_SECTOR, 1, NULL, NULL) == -XE_RANGE &&
	    vblk_rw(cap, spa, VBLK_SECTOR, 0) == -XE_RANGE &&
	    vb.q.inflight == 0, "rejects sectors past the end");
	test_check(vblk_rw(0, spa, 0, 0) == -XE_INVAL &&
	    vblk_rw(0, spa, 100, 0) == -XE_INVAL &&
	    vblk_rw(0, spa, VBLK_MAX_BYTES + VBLK_SECTOR, 0) == -XE_INVAL &&
	    vblk_rw(0, pages.npages * PGSIZE, VBLK_SECTOR, 0) == -XE_INVAL &&
	    vblk_rw(0, ~0ULL - 511, VBLK_SECTOR, 0) == -XE_INVAL &&
	    vb.q.inflight == 0, "rejects malformed requests");

	/* Completion through the interrupt, not by polling. */
	if (vb.irq >= 0) {
		n0 = vb.nintr;
		w.pending = 0, w.err = 0;
		if ((err = vblk_submit(AREA, rpa, VBLK_SECTOR, 0, vblk_waiter_done,
		    &w)) == 0)
			w.pending = 1;
		for (i = 0; w.pending > 0 && i < 5 * HZ; i++)
			sti_hlt();
		err2 = w.pending > 0 ? -XE_BUSY : w.err;
		vblk_wait(&w);        /* in case the interrupt never came */
		if (err != 0 || err2 != 0 || vb.nintr == n0)
			kprintf("vblk: interrupt test: submit %d, completion "
			    "%d, %lu interrupts\n", err, err2, vb.nintr - n0);
		snprintf(what, sizeof(what), "interrupt (irq %d) completes a "
		    "request", vb.irq);
		test_check(err == 0 && err2 == 0 && vb.nintr > n0, what);
	}

	test_check(vblk_flush() == 0, "flush");

	/* Leave a marker for the next boot. */
	memset(sbuf, 0, VBLK_SECTOR);
	memcpy(m->magic, TEST_MARK, 8);
	m->seed = seed;
	m->boot = boot;
	err = vblk_rw(1, spa, VBLK_SECTOR, 1);
	err2 = vblk_flush();
	snprintf(what, sizeof(what), "marker written to sector 1 (boot %u)",
	    boot);
	test_check(err == 0 && err2 == 0, what);
out:
	kpages_free(ppn, NPAGES);
	kprintf("vblk: self-test done, %d failed\n", test_failed);
}
