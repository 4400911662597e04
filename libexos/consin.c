/*
 * consin.c: console input for a libOS.  CONS_READ never waits; a reader
 * with nothing to read sleeps on a wake-up predicate over the exported
 * counters (bytes received into the kernel's ring, bytes read out of
 * it) until they differ: input waits.  Since the predicate reads the
 * kernel's own counters, input that arrives between an empty read and
 * the sleep wakes the reader at once.
 */
#include <exos/exos.h>

int
exos_cons_wait(void)
{
	struct xok_pred_insn p[4] = {
		{ .op = XP_LDK, .a = 0,
		  .imm = __builtin_offsetof(struct xok_info, cons_rx) },
		{ .op = XP_LDK, .a = 1,
		  .imm = __builtin_offsetof(struct xok_info, cons_rd) },
		{ .op = XP_NE, .a = 0, .b = 1 },
		{ .op = XP_RET, .a = 0 },
	};

	return (int)sys_sleep(p, 4);
}

int64_t
exos_cons_read(unsigned slot, void *buf, uint64_t len)
{
	int64_t r;
	int err;

	for (;;) {
		if ((r = sys_cons_read(buf, len, slot)) != 0 || len == 0)
			return r;
		if ((err = exos_cons_wait()) < 0)
			return err;
	}
}
