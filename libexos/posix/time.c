/*
 * time.c: clock_gettime from the clock the kernel exports (no kernel
 * call): the TSC since boot scaled by the rate the kernel measured, or
 * the tick clock if there is no rate.  CLOCK_REALTIME adds the wall time
 * the kernel read from the CMOS clock at boot (wall_boot_sec/nsec; 0 if
 * it had none, and then REALTIME counts from 1970 + uptime).  CPU-time
 * clocks are not exported by the kernel: EINVAL, as Linux answers for
 * a clock it does not have.
 */
#include <time.h>
#include "posix.h"
#include "block.h"
#include "uaccess.h"

PX_HOT uint64_t
px_now_ns(void)
{
	uint64_t hz = XOK_INFO->tsc_hz, t;

	if (hz == 0)
		return XOK_INFO->ns;
	t = rdtsc() - XOK_INFO->tsc_boot;
	/* no 128-bit division: (t % hz) * 10^9 fits while hz < 18 GHz */
	return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

/* Nanoseconds since the epoch at ns 0 (boot). */
static uint64_t
wall_boot_ns(void)
{
	return XOK_INFO->wall_boot_sec * 1000000000u + XOK_INFO->wall_boot_nsec;
}

long
px_clock_gettime(PX_ARGS)
{
	struct timespec ts;
	uint64_t ns;

	PX_UNUSED;
	switch (a1) {
	case CLOCK_REALTIME:
		ns = wall_boot_ns() + px_now_ns();
		break;
	case CLOCK_REALTIME_COARSE:
		ns = wall_boot_ns() + XOK_INFO->ns;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		ns = px_now_ns();
		break;
	case CLOCK_MONOTONIC_COARSE:
		ns = XOK_INFO->ns;
		break;
	default:
		return -EINVAL;
	}
	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return px_copyout((void *)a2, &ts, sizeof(ts));
}

/* Sleep until px_now_ns() >= deadline (px_block: on a wake-up
 * predicate over the exported tick count, never spinning). */
static long
sleep_until(uint64_t deadline)
{
	long r = px_block(NULL, NULL, 0, deadline);

	return r == -ETIMEDOUT ? 0 : r;
}

/* Nanoseconds in the program's timespec; -EFAULT for a bad pointer,
 * -EINVAL for a bad value (Linux's checks). */
static int64_t
ts_ns(const struct timespec *uts)
{
	struct timespec tb, *ts = &tb;
	long r;

	if ((r = px_copyin(&tb, uts, sizeof(tb))) < 0)
		return r;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > (UINT64_MAX >> 1) / 1000000000u - 1)
		return INT64_MAX;               /* forever, near enough */
	return (int64_t)((uint64_t)ts->tv_sec * 1000000000u +
	    (uint64_t)ts->tv_nsec);
}

/* A sleep a signal ends returns -EINTR, with the time left in rem if
 * rem is not NULL (Linux; the dispatcher never restarts it). */
static long
sleep_rem(uint64_t deadline, struct timespec *rem)
{
	long r = sleep_until(deadline);
	uint64_t now, left;

	if (r == -EINTR && rem) {
		now = px_now_ns();
		left = deadline > now ? deadline - now : 0;
		if (deadline == UINT64_MAX)
			left = UINT64_MAX >> 1;
		rem->tv_sec = (time_t)(left / 1000000000u);
		rem->tv_nsec = (long)(left % 1000000000u);
	}
	return r;
}

long
px_nanosleep(PX_ARGS)
{
	int64_t ns;
	uint64_t now = px_now_ns();

	PX_UNUSED;
	if ((ns = ts_ns((const struct timespec *)a1)) < 0)
		return ns;
	return sleep_rem((uint64_t)ns > UINT64_MAX - now ? UINT64_MAX :
	    now + (uint64_t)ns, (struct timespec *)a2);
}

long
px_clock_nanosleep(PX_ARGS)
{
	int64_t ns;
	uint64_t now = px_now_ns();

	PX_UNUSED;
	switch (a1) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		break;
	default:
		return -EINVAL;
	}
	if (a2 & ~(long)TIMER_ABSTIME)
		return -EINVAL;
	if ((ns = ts_ns((const struct timespec *)a3)) < 0)
		return ns;
	if ((a2 & TIMER_ABSTIME) && a1 == CLOCK_REALTIME)
		return sleep_until((uint64_t)ns > wall_boot_ns() ?
		    (uint64_t)ns - wall_boot_ns() : 0);
	if (a2 & TIMER_ABSTIME)
		return sleep_until((uint64_t)ns);
	return sleep_rem((uint64_t)ns > UINT64_MAX - now ? UINT64_MAX :
	    now + (uint64_t)ns, (struct timespec *)a4);
}
