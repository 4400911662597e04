/*
 * benchclock.c: the clock and the kernel-call accounting of the POSIX
 * benchmark drivers (benchclock.h).
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>
#include "benchclock.h"
#ifdef __exos__
#include <xok/abi.h>
#define INFO ((volatile struct xok_info *)XOK_INFO_VA)
#endif

double bench_tsc_per_ns;

#ifndef __exos__
static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
#endif

int
bench_clock_setup(void)
{
#ifdef __exos__
	if (INFO->tsc_hz == 0)
		return -1;
	bench_tsc_per_ns = (double)INFO->tsc_hz / 1e9;
	printf("BENCH-START exos, tsc %lu kHz\n",
	    (unsigned long)(INFO->tsc_hz / 1000));
	printf("BENCH-CLOCK|%lu|%lu|%lu|%lu\n",
	    (unsigned long)(INFO->tsc_hz / 1000),
	    (unsigned long)(INFO->tsc_hz_check / 1000),
	    (unsigned long)INFO->tsc_check_src,
	    (unsigned long)INFO->tsc_cal_ppm);
#else
	uint64_t t0 = now_ns(), c0 = __rdtsc();
	struct timespec w = { 0, 200000000 };

	nanosleep(&w, NULL);
	bench_tsc_per_ns = (double)(__rdtsc() - c0) / (double)(now_ns() - t0);
	printf("BENCH-START linux, tsc %.3f MHz\n", bench_tsc_per_ns * 1000);
	/* the rate the ns come from, for the clock check (the first
	 * BENCH-CLOCK line counts: linux-guest's, the kernel's, follows) */
	printf("BENCH-CLOCK|%lu\n",
	    (unsigned long)(bench_tsc_per_ns * 1e6 + 0.5));
#endif
	fflush(stdout);
	return 0;
}

#ifdef __exos__
static const char *const call_names[XOK_NCALLSTATS] = {
#define CALL_NAME(name, n) [n] = #name,
	XOK_SYSCALLS(CALL_NAME)
#undef CALL_NAME
};
static struct xok_callstat calls0[XOK_NCALLSTATS];

static const char *
call_name(int i)
{
	return call_names[i] ? call_names[i] : "?";
}
#endif

void
bench_calls_begin(void)
{
#ifdef __exos__
	for (int i = 0; i < XOK_NCALLSTATS; i++) {
		calls0[i].calls = INFO->calls[i].calls;
		calls0[i].cycles = INFO->calls[i].cycles;
	}
#endif
}

void
bench_calls_end(const char *name, uint64_t ops, uint64_t cycles)
{
#ifdef __exos__
	uint64_t n[XOK_NCALLSTATS], cyc[XOK_NCALLSTATS], best;
	int i, k, top;

	for (i = 0; i < XOK_NCALLSTATS; i++) {
		n[i] = INFO->calls[i].calls - calls0[i].calls;
		cyc[i] = INFO->calls[i].cycles - calls0[i].cycles;
	}
	for (k = 0; k < 5; k++) {
		for (i = 0, top = 0, best = 0; i < XOK_NCALLSTATS; i++)
			if (cyc[i] > best)
				best = cyc[i], top = i;
		if (best == 0 || ops == 0 || cycles == 0 ||
		    best * 100 / cycles < 1)
			break;
		printf("BENCH-CALLS|%s|%s|%.2f|%lu|%lu%%\n", name,
		    call_name(top), (double)n[top] / (double)ops,
		    (unsigned long)(best / n[top]),
		    (unsigned long)(best * 100 / cycles));
		cyc[top] = 0;
	}
	fflush(stdout);
#else
	(void)name, (void)ops, (void)cycles;
#endif
}

void
bench_calls_all(uint64_t ops)
{
#ifdef __exos__
	for (int i = 0; i < XOK_NCALLSTATS; i++) {
		uint64_t n = INFO->calls[i].calls - calls0[i].calls;

		if (n)
			printf("BENCH-PIPECALLS|%s|%.2f\n", call_name(i),
			    (double)n / (double)ops);
	}
	fflush(stdout);
#else
	(void)ops;
#endif
}
