/*
 * uaccess.c: px_copyin, px_copyout, px_strin (uaccess.h).
 *
 * NOT YET SAFE: these copy directly, so a bad pointer still faults the
 * process; the recovery point in the fault handler that turns the
 * fault into -EFAULT comes with this session's memory work (issue 10).
 * Handlers already use them, so that change is in one place.
 */
#include <string.h>
#include "posix.h"
#include "uaccess.h"

long
px_copyin(void *dst, const void *usrc, size_t n)
{
	if (n && !usrc)
		return -EFAULT;
	memcpy(dst, usrc, n);
	return 0;
}

long
px_copyout(void *udst, const void *src, size_t n)
{
	if (n && !udst)
		return -EFAULT;
	memcpy(udst, src, n);
	return 0;
}

long
px_strin(char *dst, const char *usrc, size_t max)
{
	size_t i;

	if (!usrc)
		return -EFAULT;
	for (i = 0; i < max; i++)
		if ((dst[i] = usrc[i]) == '\0')
			return (long)i;
	return -ENAMETOOLONG;
}
