/*
 * console.c: px_cons_puts, the libOS's own messages on the console (a
 * program's console is the tty, tty.c).  CONS_WRITE takes at most
 * XOK_CONS_MAX (16) bytes a call and none while the UART is still
 * sending: loop, giving the CPU away while it drains.
 */
#include "posix.h"
#include "uaccess.h"

/* Write len bytes of the program's p; the count written, or -errno if
 * none was. */
static long
cons_write(const char *p, size_t len)
{
	size_t done = 0, have = 0, off = 0;
	uint64_t since = XOK_INFO->ticks;
	char buf[XOK_CONS_MAX];
	long e;

	while (done < len) {
		int64_t r;

		if (off == have) {      /* the next bytes, through uaccess */
			have = len - done < sizeof(buf) ? len - done :
			    sizeof(buf);
			off = 0;
			if ((e = px_copyin(buf, p + done, have)) < 0)
				return done ? (long)done : e;
		}
		r = sys_cons_write(buf + off, have - off);
		if (r < 0)
			return done ? (long)done : px_errno(r);
		if (r > 0) {
			done += (size_t)r;
			off += (size_t)r;
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
	cons_write(s, n);
}
