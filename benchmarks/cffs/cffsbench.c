/*
 * cffsbench.c: the Xok side of `make bench-cffs`: the workload of
 * benchmarks/cffs/workload.h on C-FFS, through its library API
 * (cffs/include/cffs/cffs.h), inside this environment over XN's kernel
 * calls (libexos/cffs-guest.mk), on a fresh virtio disk that it formats
 * first.  Booted as init: slot 0 holds the root capability (DISK_RAW
 * reads).  Making the caches cold is an unmount (C-FFS writes back
 * through XN, evicts every XN cache entry it made and frees its own
 * cache) and a mount; the benchmark then checks that XN's registry holds
 * no block of the disk.
 */
#include <exos/exos.h>
#include <exos/heap.h>
#include <exos/cffsdev.h>
#include <stdlib.h>
#include <cffs/cffs.h>

#define FS_ROOT "/"

static struct cffs_bdev dev;

#include "cffsops.h"

static uint64_t
now_ns(void)
{
	uint64_t c = rdtsc(), hz = XOK_INFO->tsc_hz;

	return c / hz * 1000000000u + c % hz * 1000000000u / hz;
}

/*
 * Where a phase's time went in the kernel: the calls that took the most
 * cycles (XOK_INFO->calls, kernel-call statistics) as
 * "BENCH-CALLS|call|count|cycles per call|share of the phase".
 */
static const char *const call_names[XOK_NCALLSTATS] = {
#define CALL_NAME(name, n) [n] = #name,
	XOK_SYSCALLS(CALL_NAME)
#undef CALL_NAME
};
static struct xok_callstat phase_calls[XOK_NCALLSTATS];

static void
fs_phase_begin(void)
{
	unsigned i;

	for (i = 0; i < XOK_NCALLSTATS; i++) {
		phase_calls[i].calls = XOK_INFO->calls[i].calls;
		phase_calls[i].cycles = XOK_INFO->calls[i].cycles;
	}
}

static void
fs_phase_end(uint64_t ns)
{
	uint64_t cyc[XOK_NCALLSTATS], n[XOK_NCALLSTATS], phase, best;
	unsigned i, k, top;

	phase = ns / 1000 * (XOK_INFO->tsc_hz / 1000) / 1000;
	for (i = 0; i < XOK_NCALLSTATS; i++) {
		n[i] = XOK_INFO->calls[i].calls - phase_calls[i].calls;
		cyc[i] = XOK_INFO->calls[i].cycles - phase_calls[i].cycles;
	}
	for (k = 0; k < 5; k++) {
		for (i = 0, top = 0, best = 0; i < XOK_NCALLSTATS; i++)
			if (cyc[i] > best)
				best = cyc[i], top = i;
		if (best == 0 || phase == 0)
			break;
		printf("BENCH-CALLS|%s|%lu|%lu|%lu%%\n",
		    call_names[top] ? call_names[top] : "?", n[top],
		    best / n[top], best * 100 / phase);
		cyc[top] = 0;
	}
}

/* Unmount (sync, evict everything from XN, free the cache) and mount. */
static int
fs_cold(void)
{
	struct xok_xn_bcinfo bi;
	uint64_t b, cached = 0;
	int r;

	if ((r = cffs_unmount(fs)) < 0)
		return r;
	fs = NULL;
	for (b = 0; b < dev.nblocks; b++)
		cached += sys_xn_bc_lookup((uint32_t)b, &bi) == 0;
	if (cached != 0 || exos_heap_stuck() != 0) {
		printf("BENCH-ERROR after unmount: %lu blocks in XN's cache, "
		    "%lu pages stuck\n", cached, exos_heap_stuck());
		return -CFFS_EBUSY;
	}
	return cffs_mount(&dev, 0, &fs);
}

#include "workload.h"

int
main(uint64_t arg)
{
	int r;

	(void)arg;
	if ((r = exos_cffs_bdev(&dev)) < 0 || dev.nblocks < 8192) {
		printf("BENCH-ERROR no disk (%d)\n", r);
		sys_shutdown(0, 1);
	}
	printf("BENCH-START disk %lu MiB, C-FFS over XN, tsc %lu kHz\n",
	    dev.nblocks >> 8, XOK_INFO->tsc_hz / 1000);
	printf("BENCH-CLOCK|%lu|%lu|%lu|%lu\n", XOK_INFO->tsc_hz / 1000,
	    XOK_INFO->tsc_hz_check / 1000, XOK_INFO->tsc_check_src,
	    XOK_INFO->tsc_cal_ppm);
	if ((r = cffs_mkfs(&dev, dev.nblocks)) < 0 ||
	    (r = cffs_mount(&dev, 0, &fs)) < 0) {
		printf("BENCH-ERROR mkfs/mount: %s\n", cffs_strerror(r));
		sys_shutdown(0, 1);
	}
	run_workload();
	if (fs != NULL && (r = cffs_unmount(fs)) < 0)
		printf("BENCH-ERROR unmount: %s\n", cffs_strerror(r));
	if (exos_cffs_raw_writes() != 0)
		printf("BENCH-ERROR %lu blocks written around XN\n",
		    exos_cffs_raw_writes());
	printf("BENCH-END\n");
	sys_shutdown(0, 0);
	return 0;
}
