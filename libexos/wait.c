/*
 * wait.c: collecting children's exit records (exit notices,
 * docs/ARCHITECTURE.md).  The kernel keeps a child's record as a
 * zombie until we reap it and counts every child death in our exported
 * child_exits; we sleep on that counter with a wake-up predicate, so a
 * death between our look and our sleep is never missed.
 */
#include <exos/exos.h>

int64_t
exos_wait(uint64_t child, struct xok_exit *x, int nohang)
{
	const volatile struct xok_env_info *me =
	    &XOK_INFO->envs[XOK_ENVX(xok_self())];
	uint64_t off = (uint64_t)&me->child_exits - XOK_INFO_VA;

	for (;;) {
		uint64_t seen = me->child_exits;
		int64_t r = sys_env_reap(child, x);
		struct xok_pred_insn p[4] = {
			{ .op = XP_LDK, .a = 0, .imm = off },
			{ .op = XP_LDI, .a = 1, .imm = seen },
			{ .op = XP_NE, .a = 0, .b = 1 },
			{ .op = XP_RET, .a = 0 },
		};

		if (r >= 0 || nohang)
			return r;
		if (r != -XE_BUSY && !(r == -XE_NOENT && child == XOK_REAP_ANY))
			return r;       /* not ours, gone, bad pointer */
		if ((r = sys_sleep(p, 4)) < 0)
			return r;
	}
}
