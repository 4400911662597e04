/*
 * clocktest.c: the TSC rate the kernel measured at boot (xok/dev/pit.c)
 * is sane, was measured within its error bound, and, when the kernel
 * has a second source (the hypervisor's CPUID leaf, or the CMOS clock
 * with "xok.tsccheck" on the command line), agrees with it within 0.5 %.
 * Booted by tests/guest/clocktest.sh with and without xok.tsccheck.
 */
#include <exos/exos.h>
#include "check.h"

int
main(uint64_t arg)
{
	uint64_t hz = XOK_INFO->tsc_hz, chk = XOK_INFO->tsc_hz_check, diff;

	(void)arg;
	printf("clocktest: tsc %lu Hz, +-%lu ppm, %lu of %lu tries good; "
	    "check %lu Hz from source %lu (+-%lu ppm)\n", hz,
	    XOK_INFO->tsc_cal_ppm, XOK_INFO->tsc_cal_good,
	    XOK_INFO->tsc_cal_tries, chk, XOK_INFO->tsc_check_src,
	    XOK_INFO->tsc_check_ppm);
	EXPECT("clock: TSC rate between 100 MHz and 20 GHz",
	    hz >= 100000000UL && hz <= 20000000000UL);
	EXPECT("clock: at least one PIT try within its bound",
	    XOK_INFO->tsc_cal_good >= 1);
	EXPECT("clock: calibration error bound under 0.1 %",
	    XOK_INFO->tsc_cal_ppm < 1000);
	if (chk != 0) {
		diff = hz > chk ? hz - chk : chk - hz;
		printf("clocktest: PIT and check differ by %lu ppm\n",
		    diff * 1000000 / chk);
		EXPECT("clock: PIT rate agrees with the second source (0.5 %)",
		    diff * 200 < chk);
	}
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
