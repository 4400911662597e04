/*
 * console.c: the serial console (COM1), kprintf, panic with a backtrace,
 * and leaving QEMU through the isa-debug-exit device.  Input: consin.c.
 */
#include "kern.h"

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

void
cons_init(void)
{
	outb(COM1 + 1, 0x00);   /* no interrupts */
	outb(COM1 + 3, 0x80);   /* DLAB */
	outb(COM1 + 0, 0x01);   /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1 */
	outb(COM1 + 2, 0xc7);   /* FIFO */
	outb(COM1 + 4, 0x0b);   /* DTR, RTS, OUT2 (gates the IRQ on a PC) */
}

void
cons_putc(int c)
{
	int i;

	if (c == '\n')
		cons_putc('\r');
	for (i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void
cons_write(const char *s, size_t n)
{
	while (n--)
		cons_putc(*s++);
}

/*
 * For environments (CONS_WRITE, interrupts off): write what the UART
 * takes without waiting and return the count.  The transmit FIFO holds
 * 16 bytes and is empty whenever LSR.THRE is set; a '\n' goes out as
 * "\r\n", both or neither.  The caller bounds n (XOK_CONS_MAX).
 * A port write is a trap to the hypervisor; under nested KVM one costs
 * about half a millisecond, so the call also stops after a quarter of a
 * timer tick (at least one byte written): interrupts are off meanwhile
 * and a longer call would lose ticks.
 */
size_t
cons_write_nowait(const char *s, size_t n)
{
	uint64_t t0 = rdtsc(), budget = info->tsc_hz / (4 * HZ);
	size_t done = 0;

	while (done < n && (inb(COM1 + 5) & 0x20)) {
		int room = 16;

		while (done < n && room >= (s[done] == '\n' ? 2 : 1)) {
			if (s[done] == '\n') {
				outb(COM1, '\r');
				room--;
			}
			outb(COM1, (uint8_t)s[done++]);
			room--;
			if (budget != 0 && rdtsc() - t0 > budget)
				return done;
		}
	}
	return done;
}

static void
kputc(int c, void *arg)
{
	(void)arg;
	cons_putc(c);
}

int
kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(kputc, NULL, fmt, ap);
	va_end(ap);
	return n;
}

void
qemu_exit(int code)
{
	outl(DEBUG_EXIT_PORT, (uint32_t)code);
	/* Not under QEMU with isa-debug-exit: stop here. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Walk the frame-pointer chain (the kernel keeps frame pointers). */
void
backtrace(uint64_t rbp)
{
	int depth;

	kprintf("backtrace:\n");
	for (depth = 0; depth < 16 && rbp >= KERNBASE && rbp % 8 == 0; depth++) {
		uint64_t *frame = (uint64_t *)rbp;

		kprintf("  %p\n", (void *)frame[1]);
		rbp = frame[0];
	}
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	cli();
	kprintf("\nxok: panic: ");
	va_start(ap, fmt);
	vformat(kputc, NULL, fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace(read_rbp());
	qemu_exit(1);
}
