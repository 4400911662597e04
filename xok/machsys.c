/*
 * machsys.c: the kernel calls on the console and the machine: NULL,
 * CONS_WRITE, SHUTDOWN.  (Listed in xok/syscalls.master; documented in
 * docs/KERNEL-INTERFACE.md.)
 */
#include "kern.h"

int64_t
sys_null(void)
{
	return 0;
}

/* At most XOK_CONS_MAX bytes, only as many as the UART takes now: the
 * kernel runs with interrupts off and must not wait for a slow line. */
int64_t
sys_cons_write(uaddr_t buf, uint64_t len)
{
	char kbuf[XOK_CONS_MAX];
	int err;

	if (len > 65536)
		return -XE_INVAL;
	if (!user_range_ok(buf, len))
		return -XE_FAULT;
	if (len > sizeof(kbuf))
		len = sizeof(kbuf);
	if ((err = copyin(curenv, kbuf, buf, len)) < 0)
		return err;
	return (int64_t)cons_write_nowait(kbuf, len);
}

int64_t
sys_shutdown(uint64_t slot, uint64_t code)
{
	int err;

	if ((err = cap_machine(slot)) < 0)
		return err;
	kprintf("xok: shutdown by env %x, code %lu\n", curenv->id, code);
	qemu_exit((int)(code & 0x7fff));
}
