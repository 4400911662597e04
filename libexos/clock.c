/*
 * clock.c: time for a libOS, without entering the kernel.  Time since
 * boot is the TSC's count since tsc_boot at the rate the kernel
 * measured (finer than the tick count `ns`, and not behind when ticks
 * are lost); the time of day adds the wall time the kernel read from
 * the CMOS clock at boot (wall_boot_sec, wall_boot_nsec).
 */
#include <exos/exos.h>

#define NS 1000000000UL

uint64_t
exos_uptime_ns(void)
{
	uint64_t hz = XOK_INFO->tsc_hz, d = rdtsc() - XOK_INFO->tsc_boot;

	if (hz < 1000)
		return XOK_INFO->ns;
	/* d % hz < hz: times 10^6 fits in 64 bits below 18 THz */
	return d / hz * NS + d % hz * 1000000UL / (hz / 1000);
}

int
exos_wall_time(uint64_t *sec, uint64_t *nsec)
{
	uint64_t up = exos_uptime_ns(), s = XOK_INFO->wall_boot_sec;
	uint64_t ns = XOK_INFO->wall_boot_nsec + up % NS;

	*sec = s + up / NS + ns / NS;
	*nsec = ns % NS;
	return s == 0 ? -XE_NODEV : 0;
}
