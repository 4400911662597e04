/*
 * time.c: clock_gettime from the clock the kernel exports (no kernel
 * call): the TSC since boot scaled by the rate the kernel measured, or
 * the tick clock if there is no rate.  There is no wall clock yet:
 * CLOCK_REALTIME counts from boot, as CLOCK_MONOTONIC does.  CPU-time
 * clocks are not exported by the kernel: EINVAL, as Linux answers for
 * a clock it does not have.
 */
#include <time.h>
#include "posix.h"

static uint64_t
now_ns(void)
{
	uint64_t hz = XOK_INFO->tsc_hz, t;

	if (hz == 0)
		return XOK_INFO->ns;
	t = rdtsc() - XOK_INFO->tsc_boot;
	/* no 128-bit division: (t % hz) * 10^9 fits while hz < 18 GHz */
	return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

long
px_clock_gettime(PX_ARGS)
{
	struct timespec *ts = (struct timespec *)a2;
	uint64_t ns;

	PX_UNUSED;
	switch (a1) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		ns = now_ns();
		break;
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		ns = XOK_INFO->ns;
		break;
	default:
		return -EINVAL;
	}
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}
