/*
 * console.c: file descriptors 0, 1 and 2 are the console until ExOS has
 * files (docs/PORTING.md).  write and writev send bytes with CONS_WRITE,
 * which takes at most XOK_CONS_MAX (16) bytes a call and none while the
 * UART is still sending: loop, giving the CPU away while it drains.
 * The program's bytes and iovecs are read through px_copyin
 * (uaccess.h): a bad pointer is EFAULT (or a short count if some bytes
 * went out), and a page the kernel could not read (not yet filled, or
 * copy-on-write) is the libOS's to resolve, not the kernel's.
 */
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <limits.h>
#include "posix.h"
#include "uaccess.h"

#define NCONSFD 3

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

long
px_write(PX_ARGS)
{
	PX_UNUSED;
	if (a1 < 0 || a1 >= NCONSFD)
		return -EBADF;
	if ((size_t)a3 > SSIZE_MAX)
		return -EINVAL;
	if (a3 == 0)
		return 0;
	return cons_write((const char *)a2, (size_t)a3);
}

long
px_writev(PX_ARGS)
{
	const struct iovec *uiov = (const struct iovec *)a2;
	struct iovec iov;
	long total = 0, r;
	int i;

	PX_UNUSED;
	if (a1 < 0 || a1 >= NCONSFD)
		return -EBADF;
	if (a3 < 0 || a3 > IOV_MAX)
		return -EINVAL;
	for (i = 0; i < a3; i++) {
		if ((r = px_copyin(&iov, &uiov[i], sizeof(iov))) < 0)
			return r;
		if (iov.iov_len > (size_t)(SSIZE_MAX - total))
			return -EINVAL;
		total += (long)iov.iov_len;
	}
	total = 0;
	for (i = 0; i < a3; i++) {
		if ((r = px_copyin(&iov, &uiov[i], sizeof(iov))) < 0)
			return total ? total : r;
		if (iov.iov_len == 0)
			continue;
		r = cons_write(iov.iov_base, iov.iov_len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov.iov_len)
			break;
	}
	return total;
}

/* The console is not a terminal yet (no termios): every request on it
 * is ENOTTY, as for a file; stdio then buffers stdout fully. */
long
px_ioctl(PX_ARGS)
{
	PX_UNUSED;
	if (a1 < 0 || a1 >= NCONSFD)
		return -EBADF;
	return -ENOTTY;
}
