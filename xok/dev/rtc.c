/*
 * rtc.c: the CMOS real-time clock (MC146818).  The kernel's one reader
 * of the CMOS registers (pit.c's cross-check of the TSC rate uses it
 * too), and the time of day: read once at boot and exported as the wall
 * time at tsc_boot (info->wall_boot_sec, wall_boot_nsec), so that a
 * libOS computes the time now as that plus the time since boot.  The
 * clock is taken to keep UTC (QEMU's default, -rtc base=utc).
 */
#include "../kern.h"
#include "../rtctime.h"

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71
#define RTC_A     0x0a          /* status A */
#define RTC_A_UIP 0x80          /* an update is in progress */
#define RTC_B     0x0b
#define RTC_CENTURY 0x32        /* where PCs (and QEMU) keep it */
#define TRIES     10

uint32_t
cmos_read(uint32_t reg)
{
	outb(CMOS_ADDR, (uint8_t)reg);  /* bit 7 clear: NMIs stay enabled */
	return inb(CMOS_DATA);
}

/* Every time register, after any update in progress has ended (it
 * takes under 2 ms; after about 20 ms give up waiting). */
static void
rtc_snapshot(struct rtc_regs *r)
{
	uint64_t end = rdtsc() + info->tsc_hz / 50;

	while ((cmos_read(RTC_A) & RTC_A_UIP) && rdtsc() < end)
		;
	r->sec = (uint8_t)cmos_read(0x00);
	r->min = (uint8_t)cmos_read(0x02);
	r->hour = (uint8_t)cmos_read(0x04);
	r->mday = (uint8_t)cmos_read(0x07);
	r->mon = (uint8_t)cmos_read(0x08);
	r->year = (uint8_t)cmos_read(0x09);
	r->century = (uint8_t)cmos_read(RTC_CENTURY);
	r->regb = (uint8_t)cmos_read(RTC_B);
}

static int
same(const struct rtc_regs *a, const struct rtc_regs *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
	    a->mday == b->mday && a->mon == b->mon && a->year == b->year &&
	    a->century == b->century && a->regb == b->regb;
}

/*
 * Read the clock until two reads in a row agree (an update between the
 * two would tear the date), convert, and export the wall time at
 * tsc_boot.  Call after timer_init.  With no valid date, the exported
 * wall time stays 0.
 */
void
rtc_init(void)
{
	struct rtc_regs a, b;
	struct rtc_date d;
	uint64_t secs, ns, t;
	int i, err;

	rtc_snapshot(&a);
	for (i = 0; i < TRIES; i++) {
		rtc_snapshot(&b);
		if (same(&a, &b))
			break;
		a = b;
	}
	t = rdtsc();
	if (i == TRIES) {
		kprintf("xok: the CMOS clock does not hold still\n");
		return;
	}
	if ((err = rtc_decode(&a, &d)) < 0 || (err = rtc_epoch(&d, &secs)) < 0) {
		kprintf("xok: the CMOS clock holds no valid date "
		    "(%02x-%02x-%02x %02x:%02x:%02x, century %02x, B %02x)\n",
		    a.year, a.mon, a.mday, a.hour, a.min, a.sec, a.century,
		    a.regb);
		return;
	}
	/* The read was made at t; the wall time at tsc_boot is earlier. */
	t -= info->tsc_boot;
	ns = t / info->tsc_hz * 1000000000UL + t % info->tsc_hz * 1000000UL /
	    (info->tsc_hz >= 1000 ? info->tsc_hz / 1000 : 1);
	secs -= ns / 1000000000UL;
	ns %= 1000000000UL;
	if (ns != 0) {
		secs--;
		ns = 1000000000UL - ns;
	}
	info->wall_boot_sec = secs;
	info->wall_boot_nsec = ns;
	kprintf("xok: time of day %04d-%02d-%02d %02d:%02d:%02d UTC "
	    "(CMOS clock)\n", d.year, d.mon, d.mday, d.hour, d.min, d.sec);
}
