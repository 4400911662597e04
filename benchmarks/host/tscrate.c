/*
 * tscrate.c: the host's TSC rate, for the benchmark scripts' clock check
 * (scripts/bench-lib): TSC cycles over 200 ms of CLOCK_MONOTONIC, each
 * end read between two TSC reads; of 5 tries, the one with the tightest
 * brackets.  Under QEMU (TCG or KVM) a guest's TSC runs at this rate.
 * Prints the rate in kHz.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

struct stamp {
	uint64_t tsc, width, ns;
};

static void
stamp(struct stamp *s)
{
	struct timespec ts;
	uint64_t a, b;

	a = __rdtsc();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	b = __rdtsc();
	s->tsc = a + (b - a) / 2;
	s->width = b - a;
	s->ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
main(void)
{
	struct stamp s0, s1;
	uint64_t best_w = UINT64_MAX, best = 0;
	int i;

	for (i = 0; i < 5; i++) {
		stamp(&s0);
		do
			stamp(&s1);
		while (s1.ns - s0.ns < 200000000ULL);
		if (s0.width + s1.width < best_w) {
			best_w = s0.width + s1.width;
			best = (s1.tsc - s0.tsc) * 1000000ULL / (s1.ns - s0.ns);
		}
	}
	printf("%lu\n", (unsigned long)best);
	return 0;
}
