/*
 * rusage.c: getrusage for the POSIX layer.  Xok keeps no per-process
 * CPU-time account the library could read, so every figure is zero:
 * the call answers (shells such as mksh ask after every child they
 * wait for, and warn when it fails) and says nothing it does not know.
 * RUSAGE_SELF, RUSAGE_CHILDREN and RUSAGE_THREAD as Linux; any other
 * "who" is EINVAL, a bad pointer EFAULT.
 */
#include <string.h>
#include <sys/resource.h>

#include "posix.h"
#include "uaccess.h"

long
px_getrusage(PX_ARGS)
{
	struct rusage ru;
	int who = (int)a1;

	(void)a3, (void)a4, (void)a5, (void)a6;
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN &&
	    who != RUSAGE_THREAD)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	return px_copyout((void *)a2, &ru, sizeof(ru));
}
