/*
 * uaccess.c: px_copyin, px_copyout, px_strin (uaccess.h).
 *
 * A bad pointer gives -EFAULT, never a dead process: the copies run in
 * ucopy.S, whose instructions have a recovery point.  A fault there that
 * the libOS's fault handler (px_fault, fork.c) does not resolve itself
 * (a copy-on-write page, a lazily filled arena page) is resumed at that
 * point, and the routine returns -EFAULT (px_uaccess_fixup).  A range
 * that wraps or leaves the user half is refused before any access, as
 * Linux's access_ok does.  Copies of part of a buffer may have happened
 * before the fault (Linux too).
 */
#include "posix.h"
#include "uaccess.h"

long px_ucopy(void *dst, const void *src, size_t n);
long px_ustrcpy(char *dst, const char *src, size_t max);
long px_ufill(void *dst, size_t n);
long px_ustrnlen(const char *s, size_t max);
extern const char px_ucopy_begin[], px_ucopy_end[], px_ucopy_fault[];

/* Is [p, p + n) inside the user half? */
static int
urange(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	return a >= XOK_UVA_MIN && a < XOK_UVA_END && n <= XOK_UVA_END - a;
}

PX_HOT long
px_copyin(void *dst, const void *usrc, size_t n)
{
	if (n == 0)
		return 0;
	if (!urange(usrc, n))
		return -EFAULT;
	return px_ucopy(dst, usrc, n);
}

PX_HOT long
px_copyout(void *udst, const void *src, size_t n)
{
	if (n == 0)
		return 0;
	if (!urange(udst, n))
		return -EFAULT;
	return px_ucopy(udst, src, n);
}

long
px_clearout(void *udst, size_t n)
{
	if (n == 0)
		return 0;
	if (!urange(udst, n))
		return -EFAULT;
	return px_ufill(udst, n);
}

long
px_strin(char *dst, const char *usrc, size_t max)
{
	size_t room;
	long r;

	if (!urange(usrc, 1))
		return -EFAULT;
	room = XOK_UVA_END - (uintptr_t)usrc;   /* no read past the half */
	r = px_ustrcpy(dst, usrc, max < room ? max : room);
	if (r == -1)
		return max < room ? -ENAMETOOLONG : -EFAULT;
	return r;
}

long
px_strlen_user(const char *usrc, size_t max)
{
	size_t room;
	long r;

	if (!urange(usrc, 1))
		return -EFAULT;
	room = XOK_UVA_END - (uintptr_t)usrc;
	r = px_ustrnlen(usrc, max < room ? max : room);
	if (r >= 0 && (size_t)r == room && room <= max)
		return -EFAULT;         /* ran into the end of the half */
	return r;
}

int
px_uaccess_fixup(struct xok_frame *f)
{
	if ((f->trapno != 14 && f->trapno != 13) ||
	    f->rip < (uintptr_t)px_ucopy_begin ||
	    f->rip >= (uintptr_t)px_ucopy_end)
		return 0;
	f->rip = (uintptr_t)px_ucopy_fault;
	return 1;
}
