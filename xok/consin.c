/*
 * consin.c: console input.  The UART's receive interrupt (COM1, IRQ 4)
 * moves bytes into a kernel ring (consring.c); CONS_READ copies them out
 * to an environment holding the console capability (R on the guard
 * [XOK_CAPNAME_CONSOLE]) and never waits: a reader sleeps on a wake-up
 * predicate over the exported counters cons_rx and cons_rd instead.
 *
 * Flow control, so that no byte is lost however fast input comes: when
 * the ring is full the receive interrupt is switched off and RTS is
 * dropped.  Bytes then wait in the UART's 16-byte FIFO and the sender
 * holds the rest back (QEMU's 16550 takes input only while its FIFO has
 * room; a real line would honour RTS/CTS).  A read that makes room
 * moves what waits in the FIFO into the ring and switches the interrupt
 * back on.  Overruns the UART reports anyway are counted.
 */
#include "kern.h"
#include "consring.h"

#define COM1     0x3f8          /* as in console.c */
#define UART_IER (COM1 + 1)
#define UART_MCR (COM1 + 4)
#define UART_LSR (COM1 + 5)
#define IER_RDI  0x01           /* interrupt when received data waits */
#define LSR_DR   0x01           /* a received byte waits */
#define LSR_OE   0x02           /* overrun: a byte was lost */
#define MCR_ON   0x0b           /* DTR, RTS, OUT2 (the PC's IRQ gate) */
#define MCR_HOLD 0x09           /* the same without RTS: "stop sending" */

static struct consring ring;
static int holding;             /* receive interrupt off: the ring is full */

static const struct xok_cap console_guard = { .valid = 1, .len = 1,
	.name = { XOK_CAPNAME_CONSOLE } };

static void
export(void)
{
	info->cons_rx = ring.head;
	info->cons_rd = ring.tail;
}

/* Move bytes from the UART's FIFO into the ring while both allow.
 * 1 if a byte is left waiting in the UART (the ring is full). */
static int
drain(void)
{
	uint8_t lsr;

	while ((lsr = inb(UART_LSR)) & (LSR_DR | LSR_OE)) {
		if (lsr & LSR_OE)
			info->cons_overruns++;  /* reading LSR clears it */
		if (!(lsr & LSR_DR))
			break;
		if (consring_room(&ring) == 0) {
			export();
			return 1;
		}
		consring_put(&ring, inb(COM1));
	}
	export();
	return 0;
}

static void
hold(int on)
{
	if (on) {
		outb(UART_IER, 0);
		outb(UART_MCR, MCR_HOLD);
		if (!holding)
			info->cons_stalls++;
	} else {
		outb(UART_MCR, MCR_ON);
		outb(UART_IER, IER_RDI);
	}
	holding = on;
}

void
consin_init(void)
{
	consring_init(&ring, 0);
	hold(drain());          /* what was typed before boot */
	pic_unmask(CONS_IRQ);
}

/* IRQ 4: the FIFO reached its trigger level, or a byte waited 4
 * character times.  Take what fits; hold the line if the ring fills. */
void
consin_intr(void)
{
	if (holding)
		return;
	if (drain())
		hold(1);
}

/*
 * CONS_READ(buf, len, slot): copy up to len waiting bytes to buf and
 * take them out of the ring; 0 if none wait.  The copy is all or
 * nothing: if any byte cannot be written, nothing is taken.
 */
int64_t
sys_cons_read(uaddr_t buf, uint64_t len, uint64_t slot)
{
	const uint8_t *p1, *p2;
	uint64_t n, n1, n2;
	int err;

	if ((err = cap_check(slot, &console_guard, XOK_CAP_R)) < 0)
		return err;
	if (len == 0)
		return 0;
	if (len > CONSRING_SIZE)
		len = CONSRING_SIZE;
	if (!user_range_ok(buf, len))
		return -XE_FAULT;
	n = consring_peek(&ring, len, &p1, &n1, &p2, &n2);
	if (n2 > 0 && (err = copyout(curenv, buf + n1, p2, n2)) < 0)
		return err;
	if (n1 > 0 && (err = copyout(curenv, buf, p1, n1)) < 0)
		return err;
	consring_take(&ring, n);
	if (holding && n > 0)
		hold(drain());
	export();
	return (int64_t)n;
}
