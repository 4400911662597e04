/*
 * console.c: the one loop that sends bytes to the console
 * (px_cons_send: the tty's output, tty.c) and px_cons_puts, the
 * libOS's own messages (a program's console is the tty).  CONS_WRITE
 * takes at most XOK_CONS_MAX (16) bytes a call and none while the UART
 * is still sending: loop, giving the CPU away while it drains.
 */
#include "posix.h"

long
px_cons_send(const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;
	uint64_t since = XOK_INFO->ticks;

	while (done < n) {
		int64_t r = sys_cons_write(p + done, n - done);

		if (r < 0)
			return done ? (long)done : px_errno(r);
		if (r > 0) {
			done += (size_t)r;
			since = XOK_INFO->ticks;
		} else if (XOK_INFO->ticks - since > XOK_INFO->hz)
			return done ? (long)done : -EIO;  /* UART stuck 1 s */
		else
			sys_yield(XOK_SELF);
	}
	return (long)done;
}

void
px_cons_puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	px_cons_send(s, n);
}
