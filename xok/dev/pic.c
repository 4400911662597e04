/*
 * pic.c: the legacy 8259A interrupt controllers, remapped to vectors
 * 32..47.  The timer is unmasked here; a driver unmasks its own line
 * (pic_unmask: the virtio disk, console input).
 */
#include "../kern.h"

#define PIC1 0x20
#define PIC2 0xa0

void
pic_init(void)
{
	outb(PIC1 + 1, 0xff);
	outb(PIC2 + 1, 0xff);
	outb(PIC1, 0x11);               /* ICW1: init, ICW4 follows */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, T_IRQ0);         /* ICW2: vector base */
	outb(PIC2 + 1, T_IRQ0 + 8);
	outb(PIC1 + 1, 0x04);           /* ICW3: slave on IRQ2 */
	outb(PIC2 + 1, 0x02);
	outb(PIC1 + 1, 0x01);           /* ICW4: 8086 mode */
	outb(PIC2 + 1, 0x01);
	outb(PIC1 + 1, 0xfe);           /* unmask IRQ0 (timer) only */
	outb(PIC2 + 1, 0xff);
}

void
pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}

/* Let a device's interrupt line through (0..15). */
void
pic_unmask(int irq)
{
	uint16_t port = irq < 8 ? PIC1 + 1 : PIC2 + 1;

	if (irq < 0 || irq > 15)
		return;
	outb(port, inb(port) & ~(1 << (irq & 7)));
	if (irq >= 8)
		outb(PIC1 + 1, inb(PIC1 + 1) & ~(1 << 2));     /* cascade */
}

/*
 * Is this IRQ 7 or 15 spurious (its in-service bit clear)?  A spurious
 * 15 came through the master's cascade line, which still needs an EOI.
 */
int
pic_spurious(int irq)
{
	uint16_t port = irq < 8 ? PIC1 : PIC2;

	outb(port, 0x0b);               /* OCW3: read the in-service register */
	if (inb(port) & (1 << (irq & 7)))
		return 0;
	if (irq >= 8)
		outb(PIC1, 0x20);
	return 1;
}
