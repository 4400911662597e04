/*
 * touch.c: make a buffer writable before the kernel writes into it.
 * The kernel does not fault on user memory: a call that would write
 * into a read-only (copy-on-write) or unmapped page fails with
 * -XE_FAULT and writes nothing.  Writing each page from user mode lets
 * the libOS's own fault handler copy or fill it first.
 */
#include <exos/exos.h>

void
exos_touch_write(void *buf, uint64_t len)
{
	volatile char *p = buf, *end = p + len;

	while (p < end) {
		*p = *p;                /* a store: faults if read-only */
		p = (volatile char *)(((uint64_t)p & ~(XOK_PGSIZE - 1)) +
		    XOK_PGSIZE);
	}
}
