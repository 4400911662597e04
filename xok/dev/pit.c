/*
 * pit.c: the clock.  The 8254 PIT interrupts HZ times a second; the TSC,
 * calibrated against the PIT at boot, gives finer time.  Both are
 * exported read-only in struct xok_info.
 */
#include "../kern.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61

/* Count TSC cycles during 10 ms of PIT channel 2. */
static uint64_t
tsc_calibrate(void)
{
	uint16_t count = PIT_HZ / 100;
	uint64_t t0, t1;
	int guard;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);            /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();
	for (guard = 0; !(inb(PIT_GATE) & 0x20) && guard < 100000000; guard++)
		;
	t1 = rdtsc();
	return (t1 - t0) * 100;
}

void
timer_init(void)
{
	uint16_t div = PIT_HZ / HZ;

	info->tsc_hz = tsc_calibrate();
	if (info->tsc_hz == 0)
		info->tsc_hz = 1000000000;
	info->tsc_boot = rdtsc();
	info->hz = HZ;
	info->quantum_ticks = QUANTUM_TICKS;
	info->grace_ticks = GRACE_MS * HZ / 1000;
	outb(PIT_CMD, 0x34);            /* ch0, lo/hi, rate generator */
	outb(PIT_CH0, div & 0xff);
	outb(PIT_CH0, div >> 8);
}

void
clock_tick(void)
{
	info->ticks++;
	info->ns = info->ticks * (1000000000ULL / HZ);
}
