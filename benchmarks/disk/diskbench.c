/*
 * diskbench.c: disk benchmarks from a user environment, booted as init
 * with a virtio disk: raw 4 KiB random reads (one at a time: latency;
 * 32 in flight: throughput), 1 MiB sequential reads and writes (eight
 * 128 KiB requests in flight, DMA straight into 256 physically
 * consecutive pages we picked from the free map), then the cost of XN's checks
 * on an allocation next to the 4 KiB block write it protects.  A write
 * counts as done when the device completes it; nothing flushes the
 * device's cache in the timed regions (nor does the Linux peer).  Prints
 * "BENCH|name|value|unit" lines and the clock (BENCH-CLOCK, as micro.c).
 */
#include <exos/exos.h>
#include <xn/xn.h>

#define NPAGES 256
#define BUF_VA 0x0000000400000000UL
#define RUNS 301

static struct xok_disk_done done;
static uint64_t ppn[NPAGES], samples[RUNS], disk_sectors, run;
static struct xok_xn_template tmpl;
static struct xok_xn_change ch;

static uint64_t
ns(uint64_t cycles)
{
	return cycles * 1000000000UL / XOK_INFO->tsc_hz;
}

static uint64_t
median(uint64_t *a, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		uint64_t v = a[i];

		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
	return a[n / 2];
}

static void
wait_done(uint64_t n)
{
	struct xok_pred_insn p[4] = {
		{ .op = XP_LDU, .a = 0, .imm = (uint64_t)&done.done },
		{ .op = XP_LDI, .a = 1, .imm = n },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_RET, .a = 0 },
	};

	while (done.done < n)
		sys_sleep(p, 4);
}

static uint64_t rnd = 88172645463325252ULL;

static uint64_t
next_rand(void)
{
	rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
	return rnd;
}

static void
submit(int write, uint64_t sector, uint64_t page)
{
	while (sys_disk_raw(0, write, sector, page, 4096, &done) == -XE_BUSY)
		wait_done(done.done + 1);
}

static void
bench_raw(void)
{
	uint64_t i, r, t0, total, blocks = disk_sectors / 8;

	for (r = 0; r < RUNS; r++) {            /* QD1 random reads */
		uint64_t n = done.done;

		t0 = rdtsc();
		submit(0, (next_rand() % blocks) * 8, ppn[0]);
		wait_done(n + 1);
		samples[r] = rdtsc() - t0;
	}
	printf("BENCH|raw 4 KiB random read, 1 in flight (latency)|%lu|ns\n",
	    ns(median(samples, RUNS)));

	for (r = 0; r < 9; r++) {               /* QD32 random reads */
		uint64_t n = done.done;

		t0 = rdtsc();
		for (i = 0; i < 32 * 8; i++)
			submit(0, (next_rand() % blocks) * 8, ppn[i % 32]);
		wait_done(n + 32 * 8);
		total = rdtsc() - t0;
		samples[r] = (32 * 8) * 1000000000UL / (ns(total) + 1) * 1000;
	}
	printf("BENCH|raw 4 KiB random read, 32 in flight|%lu|IOPS\n",
	    median(samples, 9) / 1000);

	for (int write = 0; write <= 1; write++) {
		for (r = 0; r < 9; r++) {       /* 1 MiB: 8 x 128 KiB in flight */
			uint64_t n = done.done, base = (r * 256) % (blocks - 256);

			t0 = rdtsc();
			for (i = 0; i < 8; i++)
				while (sys_disk_raw(0, write, (base + i * 32) * 8,
				    run + i * 32, 128 * 1024, &done) == -XE_BUSY)
					wait_done(done.done + 1);
			wait_done(n + 8);
			samples[r] = (1UL << 20) * 1000 / (ns(rdtsc() - t0) + 1);
		}
		printf("BENCH|raw 1 MiB sequential %s|%lu|MB/s\n",
		    write ? "write" : "read", median(samples, 9));
	}
}

static void
bench_xn(void)
{
	const struct xn_insn owns[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 4, 16),
		XN_I(SHLI, 2, 1, 0, 2),
		XN_I(LD32, 3, 2, 0, 0),
		XN_I(JEQI, 3, 0, 1, 0),
		XN_I(EMIT1, 3, 0, 0, XN_TYPE_DATA),
		XN_I(LDI, 0, 0, 0, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	const struct xn_insn acl[] = {
		XN_I(LDI, 0, 0, 0, 1),
		XN_I(RET, 0, 0, 0, 0),
	};
	uint64_t a[RUNS], w[RUNS], r, dir = 1000, blk;
	int64_t e;

	if (sys_xn_format(0) < 0) {
		printf("BENCH-ERROR xn format\n");
		return;
	}
	memset(&tmpl, 0, sizeof(tmpl));
	strncpy(tmpl.name, "bench.dir", sizeof(tmpl.name) - 1);
	tmpl.type = 16, tmpl.len[0] = 7, tmpl.len[1] = 2;
	memcpy(tmpl.code[0], owns, sizeof(owns));
	memcpy(tmpl.code[1], acl, sizeof(acl));
	sys_xn_template(0, &tmpl);
	for (r = 0; r < RUNS; r++) {
		uint32_t val;

		if (r % 16 == 0) {              /* a new directory block */
			char name[32];

			dir += 17;
			snprintf(name, sizeof(name), "d%lu", r);
			sys_xn_root(0, name, 16, (uint32_t)dir, NULL);
			sys_xn_bc_insert(0, (uint32_t)dir,
			    (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0), 0);
		}
		blk = dir + 1 + r % 16;
		val = (uint32_t)blk;
		memset(&ch, 0, sizeof(ch));
		ch.block = (uint32_t)dir, ch.off = (r % 16) * 4, ch.len = 4;
		memcpy(ch.bytes, &val, 4);
		ch.nclaims = 1, ch.claims[0].block = val;
		ch.claims[0].type = XN_TYPE_DATA;
		a[r] = rdtsc();
		e = sys_xn_alloc(0, &ch);
		a[r] = rdtsc() - a[r];
		if (e < 0) {
			printf("BENCH-ERROR xn alloc %ld\n", e);
			return;
		}
		sys_xn_bc_insert(0, (uint32_t)blk,
		    (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0), 0);
		sys_xn_write(0, (uint32_t)blk, 0, 8, "12345678");
		w[r] = rdtsc();
		e = sys_xn_writeback((uint32_t)blk);
		w[r] = rdtsc() - w[r];
	}
	r = ns(median(a, RUNS));
	blk = ns(median(w, RUNS));
	printf("BENCH|XN allocation by proof (owns-udf twice, acl-uf)|%lu|ns\n", r);
	printf("BENCH|XN write-back of the 4 KiB block (write + flush)|%lu|ns\n",
	    blk);
	printf("BENCH|XN check cost relative to the block write|%lu|%%\n",
	    r * 100 / (blk + 1));
}

int
main(uint64_t arg)
{
	uint64_t i;

	(void)arg;
	for (i = 0; i < NPAGES; i++) {
		ppn[i] = (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0);
		sys_page_map(XOK_SELF, BUF_VA + i * 4096, ppn[i], XOK_PTE_W, 0, 0);
	}
	{                               /* 256 consecutive free pages */
		uint64_t p, len = 0;

		for (p = XOK_INFO->npages - 1; p > 0 && len < 256; p--)
			len = XOK_PAGES[p].owner == 0 ? len + 1 : 0;
		run = p + 1;
		for (i = 0; i < 256; i++)
			if (sys_page_alloc(run + i, 0) < 0) {
				printf("BENCH-ERROR no 256 consecutive pages\n");
				sys_shutdown(0, 1);
			}
	}
	{
		struct xok_xn_stat st;

		sys_xn_stat(&st);               /* the disk's size, mounted or not */
		disk_sectors = (uint64_t)st.nblocks * 8;
	}
	if (disk_sectors < 4096) {
		printf("BENCH-ERROR no disk\n");
		sys_shutdown(0, 1);
	}
	printf("BENCH-START disk %lu MiB, tsc %lu kHz\n", disk_sectors >> 11,
	    XOK_INFO->tsc_hz / 1000);
	printf("BENCH-CLOCK|%lu|%lu|%lu|%lu\n", XOK_INFO->tsc_hz / 1000,
	    XOK_INFO->tsc_hz_check / 1000, XOK_INFO->tsc_check_src,
	    XOK_INFO->tsc_cal_ppm);
	bench_raw();
	bench_xn();
	printf("BENCH-END\n");
	sys_shutdown(0, 0);
	return 0;
}
