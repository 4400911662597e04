/*
 * console.c: the console as a file (PX_FT_CONS, /dev/console, fds 0, 1
 * and 2 of the first process) until the tty (tty.c) replaces it: writes
 * go out, reads see end of file.  Bytes are sent with CONS_WRITE,
 * which takes at most XOK_CONS_MAX (16) bytes a call and none while the
 * UART is still sending: loop, giving the CPU away while it drains.
 * The program's bytes and iovecs are read through px_copyin
 * (uaccess.h): a bad pointer is EFAULT (or a short count if some bytes
 * went out), and a page the kernel could not read (not yet filled, or
 * copy-on-write) is the libOS's to resolve, not the kernel's.
 */
#include <poll.h>
#include <sys/stat.h>
#include "posix.h"
#include "vfs.h"
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

/* ---- the console as a file type (PX_FT_CONS) until tty.c ------------ */

static long
con_write(struct px_ofile *f, const void *ubuf, size_t n, int64_t off)
{
	char buf[256];
	size_t done = 0, c;
	long r;

	(void)f, (void)off;
	while (done < n) {
		c = n - done < sizeof(buf) ? n - done : sizeof(buf);
		if (px_copyin(buf, (const char *)ubuf + done, c) < 0)
			return done ? (long)done : -EFAULT;
		r = cons_write(buf, c);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if ((size_t)r < c)
			break;
	}
	return (long)done;
}

/* No console input yet: end of file. */
static long
con_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	(void)f, (void)buf, (void)n, (void)off;
	return 0;
}

static long
con_fstat(struct px_ofile *f, struct stat *st)
{
	(void)f;
	return px_dev_lookup("/dev/console", st) < 0 ? -EBADF : 0;
}

/* Not a terminal yet (no termios): ENOTTY, so stdio buffers stdout. */
static long
con_ioctl(struct px_ofile *f, unsigned long req, void *arg)
{
	(void)f, (void)req, (void)arg;
	return -ENOTTY;
}

static short
con_poll(struct px_ofile *f, short events,
    const volatile uint64_t **word, uint64_t *seen)
{
	(void)f, (void)word, (void)seen;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

const struct px_fops px_fops_console = {
	.read = con_read, .write = con_write, .fstat = con_fstat,
	.ioctl = con_ioctl, .poll = con_poll,
};
