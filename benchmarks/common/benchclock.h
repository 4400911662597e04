/*
 * benchclock.h: what the POSIX benchmark drivers (benchmarks/posix/
 * pbench.c, pfiles.c, benchmarks/ports/portbench.c) share, built into
 * each of them for ExOS (exos-cc) and for Linux (musl-gcc -static): the
 * TSC rate and this side's clock line for the scripts' clock check
 * (scripts/bench-lib), and on ExOS the kernel's per-call counts around
 * a row.  Rows are timed in TSC cycles; bench_tsc_per_ns turns them
 * into ns.
 */
#ifndef BENCHCLOCK_H
#define BENCHCLOCK_H

#include <stdint.h>

extern double bench_tsc_per_ns;

/* Find the TSC rate (Xok's, checked at boot; on Linux measured against
 * CLOCK_MONOTONIC over 200 ms) and print this side's BENCH-START and
 * BENCH-CLOCK lines; -1 if Xok has no rate. */
int bench_clock_setup(void);

/* ExOS: remember the kernel's call counts now (nothing on Linux). */
void bench_calls_begin(void);

/* ExOS: print a BENCH-CALLS line for each of the (up to) five kernel
 * calls that took the most of a row (1 % or more of its cycles) since
 * bench_calls_begin, per operation (ops operations were done). */
void bench_calls_end(const char *name, uint64_t ops, uint64_t cycles);

/* ExOS: a BENCH-PIPECALLS line for every kernel call made since
 * bench_calls_begin, per operation. */
void bench_calls_all(uint64_t ops);

#endif
