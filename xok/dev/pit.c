/*
 * pit.c: the clock.  The 8254 PIT interrupts HZ times a second; the TSC
 * gives finer time.  Its rate is measured at boot against PIT channel 2,
 * several times, each measurement bracketed so that a moment the CPU
 * was taken away (a busy host under QEMU) shows up as a wide bracket
 * and is thrown away; the median of the good tries is the rate.  A
 * second source cross-checks it: the hypervisor's or the CPU's own
 * statement of the TSC rate (CPUID 0x40000010, 0x15) when there is one,
 * and, with "xok.tsccheck" on the command line, one second of the CMOS
 * clock (tsc_crosscheck, 1-2 s of boot time, up to 10 s; the CMOS
 * registers are read by dev/rtc.c).  All of it is exported read-only in
 * struct xok_info.
 */
#include "../kern.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61

#define CAL_TICKS  17898        /* one try: 15 ms of PIT channel 2 */
#define CAL_GOOD   5            /* tries whose median is the rate */
#define CAL_MAX    15           /* tries at most */
#define CAL_OK_PPM 1000         /* a try's error bound must be below */
#define STAMPS     8            /* reads per stamp; the tightest counts */

struct stamp {
	uint64_t tsc;           /* when the value was read (bracket middle) */
	uint64_t width;         /* the bracket: TSC before to TSC after */
	uint32_t val;
};

static void
cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
	    : "a"(leaf), "c"(0));
}

/* Channel 2's count, latched, with the TSC on both sides. */
static void
pit_stamp1(struct stamp *s)
{
	uint64_t a, b;
	uint8_t lo, hi;

	a = rdtsc();
	outb(PIT_CMD, 0x80);            /* latch channel 2 */
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	b = rdtsc();
	s->tsc = a + (b - a) / 2;
	s->width = b - a;
	s->val = (uint32_t)lo | (uint32_t)hi << 8;
}

/* The tightest of STAMPS consecutive reads. */
static void
pit_stamp(struct stamp *best)
{
	struct stamp s;
	int i;

	pit_stamp1(best);
	for (i = 1; i < STAMPS; i++) {
		pit_stamp1(&s);
		if (s.width < best->width)
			*best = s;
	}
}

/*
 * One try: channel 2 counts down from 0xffff (55 ms to terminal count)
 * in mode 0; the TSC cycles between two stamps CAL_TICKS apart give the
 * rate.  *ppm is the try's error bound: the brackets' widths and one PIT
 * tick at each end.  0 if the try is unusable (the count ran out).
 */
static uint64_t
pit_try(uint64_t *ppm)
{
	struct stamp s0, s1;
	uint64_t dtsc, dticks, guard;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x03) | 0x00);   /* gate off */
	outb(PIT_CMD, 0xb0);            /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);   /* gate on */
	pit_stamp(&s0);
	for (guard = 0; guard < 100000000; guard++) {
		pit_stamp1(&s1);
		if (s1.val <= s0.val && s0.val - s1.val >= CAL_TICKS)
			break;
		if (inb(PIT_GATE) & 0x20)
			return 0;       /* terminal count: we were away */
	}
	pit_stamp(&s1);
	if ((inb(PIT_GATE) & 0x20) || s1.val > s0.val || s1.tsc <= s0.tsc)
		return 0;
	dticks = s0.val - s1.val;
	dtsc = s1.tsc - s0.tsc;
	*ppm = (s0.width + s1.width) * 1000000 / 2 / dtsc +
	    2 * 1000000 / dticks;
	return dtsc * PIT_HZ / dticks;
}

static void
sort(uint64_t *a, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		uint64_t v = a[i];

		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/*
 * The median of the first CAL_GOOD tries whose error bound is under
 * CAL_OK_PPM; failing that, the try with the smallest bound.  Sets
 * tsc_cal_ppm to the larger of the spread of the good tries and their
 * worst bound, and tsc_cal_tries.
 */
static uint64_t
tsc_calibrate(void)
{
	uint64_t good[CAL_GOOD], hz, ppm, best = 0, bestppm = ~0UL, worst = 0;
	int n = 0, tries;

	for (tries = 0; tries < CAL_MAX && n < CAL_GOOD; tries++) {
		if ((hz = pit_try(&ppm)) == 0)
			continue;
		if (ppm < bestppm)
			best = hz, bestppm = ppm;
		if (ppm < CAL_OK_PPM) {
			good[n++] = hz;
			if (ppm > worst)
				worst = ppm;
		}
	}
	info->tsc_cal_tries = (uint64_t)tries;
	info->tsc_cal_good = (uint64_t)n;
	if (n == 0) {
		info->tsc_cal_ppm = bestppm;
		return best;
	}
	sort(good, n);
	hz = good[n / 2];
	ppm = (good[n - 1] - good[0]) * 1000000 / hz;
	info->tsc_cal_ppm = ppm > worst ? ppm : worst;
	return hz;
}

/*
 * The TSC rate as the hypervisor (VMware/KVM leaf 0x40000010, in kHz)
 * or the CPU (leaf 0x15: crystal Hz times a ratio) states it; 0 if
 * neither does.
 */
static uint64_t
tsc_cpuid_hz(uint64_t *src)
{
	uint32_t a, b, c, d, max;

	cpuid(1, &a, &b, &c, &d);
	if (c & (1u << 31)) {           /* running under a hypervisor */
		cpuid(0x40000000, &max, &b, &c, &d);
		if (max >= 0x40000010 && max < 0x40010000) {
			cpuid(0x40000010, &a, &b, &c, &d);
			if (a != 0) {
				*src = XOK_TSC_SRC_HV;
				return (uint64_t)a * 1000;
			}
		}
	}
	cpuid(0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, &a, &b, &c, &d);
		if (a != 0 && b != 0 && c != 0) {
			*src = XOK_TSC_SRC_CPUID15;
			return (uint64_t)c * b / a;
		}
	}
	return 0;
}

/* The CMOS clock's seconds, 0-59 (cmos_read: dev/rtc.c). */
static uint32_t
cmos_seconds(void)
{
	uint32_t v = cmos_read(0x00);

	if (!(cmos_read(0x0b) & 0x04))  /* BCD */
		v = (v >> 4) * 10 + (v & 0x0f);
	return v % 60;
}

/*
 * Wait for the CMOS clock's seconds to change; the change lies between
 * the last read of the old value and the first read of the new one
 * (e->tsc, e->width; e->val is the new second).  A change to anything
 * but the next second (a read torn by the clock's update, on real
 * hardware) gives e->width = ~0: not usable.  0 after `limit` TSC
 * cycles without a change (no clock).
 */
static int
cmos_edge(struct stamp *e, uint64_t limit)
{
	uint64_t start = rdtsc(), a, b, last_a;
	uint32_t old = cmos_seconds(), v;

	last_a = rdtsc();
	for (;;) {
		a = rdtsc();
		if (a - start > limit)
			return 0;
		v = cmos_seconds();
		b = rdtsc();
		if (v != old)
			break;
		last_a = a;
	}
	e->tsc = last_a + (b - last_a) / 2;
	e->width = v == (old + 1) % 60 ? b - last_a : ~0UL;
	e->val = v;
	return 1;
}

/*
 * xok.tsccheck: the TSC cycles over whole seconds of the CMOS clock, a
 * source independent of the PIT, become tsc_hz_check (unless the
 * hypervisor or CPU already stated the rate).  The seconds are counted
 * by the clock itself; the first edge is the tightest seen so far, and
 * the rate is taken as soon as a later edge, at least one second on,
 * makes the error bound (the brackets over the span) 200 ppm or less.
 * Takes 1-2 s at boot, at most 10 s on a very busy host.
 */
void
tsc_crosscheck(void)
{
	struct stamp e0 = { 0, ~0UL, 0 }, e;
	uint64_t limit = info->tsc_hz * 2, start = rdtsc(), span, ppm, secs;

	if (info->tsc_check_src != XOK_TSC_SRC_NONE)
		return;
	while (rdtsc() - start < info->tsc_hz * 10) {
		if (!cmos_edge(&e, limit)) {
			kprintf("xok: tsccheck: the CMOS clock does not tick\n");
			return;
		}
		if (e.width == ~0UL)
			continue;
		if (e0.width != ~0UL) {
			secs = (e.val + 60 - e0.val) % 60;
			span = e.tsc - e0.tsc;
			ppm = (e0.width + e.width) / 2 * 1000000 / span;
			if (secs >= 1 && ppm <= 200) {
				info->tsc_hz_check = span / secs;
				info->tsc_check_src = XOK_TSC_SRC_RTC;
				info->tsc_check_ppm = ppm;
				return;
			}
		}
		if (e.width < e0.width)
			e0 = e;
	}
	kprintf("xok: tsccheck: no clean CMOS clock edges in 10 s\n");
}

void
timer_init(void)
{
	uint16_t div = PIT_HZ / HZ;
	uint64_t src = XOK_TSC_SRC_NONE, hz;

	info->tsc_hz = tsc_calibrate();
	if (info->tsc_hz == 0)
		info->tsc_hz = 1000000000;
	if ((hz = tsc_cpuid_hz(&src)) != 0) {
		info->tsc_hz_check = hz;
		info->tsc_check_src = src;
		info->tsc_check_ppm = 0;
	}
	info->tsc_boot = rdtsc();
	info->hz = HZ;
	info->quantum_ticks = QUANTUM_TICKS;
	info->grace_ticks = GRACE_MS * HZ / 1000;
	outb(PIT_CMD, 0x34);            /* ch0, lo/hi, rate generator */
	outb(PIT_CH0, div & 0xff);
	outb(PIT_CH0, div >> 8);
}

/* The boot line's clock part: the rate, how sure, and the cross-check. */
void
tsc_print(void)
{
	static const char *const src[] = { "none", "CPUID 0x40000010",
	    "CPUID 0x15", "CMOS clock" };
	uint64_t k = info->tsc_hz / 1000, c = info->tsc_hz_check / 1000;

	kprintf("xok: TSC %lu.%03lu MHz (PIT, %lu of %lu tries good, "
	    "+-%lu ppm)", k / 1000, k % 1000, info->tsc_cal_good,
	    info->tsc_cal_tries, info->tsc_cal_ppm);
	if (info->tsc_check_src != XOK_TSC_SRC_NONE &&
	    info->tsc_check_src < sizeof(src) / sizeof(src[0]))
		kprintf(", %s %lu.%03lu MHz", src[info->tsc_check_src],
		    c / 1000, c % 1000);
	kprintf("\n");
}

void
clock_tick(void)
{
	info->ticks++;
	info->ns = info->ticks * (1000000000ULL / HZ);
}
