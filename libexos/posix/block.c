/*
 * block.c: px_block, the one way the POSIX layer waits (block.h): one
 * Xok wake-up predicate over the words the caller watches and the tick
 * clock, so a change that happens between the caller's look and the
 * sleep is never missed (the kernel evaluates the predicate before it
 * puts us to sleep) and nothing polls.  The console tty (tty.c): with
 * fewer than PX_BLOCK_MAXW - 1 words the predicate also watches the
 * kernel's console input counter, and a sleeper woken by it pulls the
 * input through the line discipline (px_tty_pull: ^C reaches the
 * foreground group while nobody reads) and sleeps on.
 */
#include "posix.h"
#include "block.h"
#include "pipe.h"

long
px_block(const volatile uint64_t *const *words, const uint64_t *seen,
    int n, uint64_t deadline_ns)
{
	uint64_t hz = XOK_INFO->hz ? XOK_INFO->hz : 1000;

	if (n < 0 || n > PX_BLOCK_MAXW)
		return -EINVAL;
	for (;;) {
		struct xok_pred_insn p[XOK_PRED_MAX];
		uint64_t now = px_now_ns();
		int i, k = 0;
		/* the console's input (tty.c): a sleeper pulls it, so ^C
		 * works while nobody reads; not a reason to return */
		const volatile uint64_t *tw;
		uint64_t ts;
		int tty = n < PX_BLOCK_MAXW - 1 && px_tty_hook(&tw, &ts);

		for (i = 0; i < n; i++)
			if (*words[i] != seen[i])
				return 0;
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 2 };
		for (i = 0; i < n; i++) {
			p[k++] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
			    .imm = (uint64_t)(uintptr_t)words[i] };
			p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1,
			    .imm = seen[i] };
			p[k++] = (struct xok_pred_insn){ .op = XP_XOR, .a = 0,
			    .b = 1 };
			p[k++] = (struct xok_pred_insn){ .op = XP_OR, .a = 2,
			    .b = 0 };
		}
		if (tty) {
			p[k++] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
			    .imm = (uint64_t)(uintptr_t)tw };
			p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1,
			    .imm = ts };
			p[k++] = (struct xok_pred_insn){ .op = XP_XOR, .a = 0,
			    .b = 1 };
			p[k++] = (struct xok_pred_insn){ .op = XP_OR, .a = 2,
			    .b = 0 };
		}
		if (deadline_ns != UINT64_MAX) {
			/* a tick past the last whole one the time left needs;
			 * the loop re-checks the finer clock */
			uint64_t left = deadline_ns - now;
			uint64_t ticks = left / 1000000000u * hz +
			    (left % 1000000000u * hz + 999999999u) / 1000000000u;

			p[k++] = (struct xok_pred_insn){ .op = XP_LDK, .a = 0,
			    .imm = __builtin_offsetof(struct xok_info, ticks) };
			p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1,
			    .imm = XOK_INFO->ticks + ticks + 1 };
			p[k++] = (struct xok_pred_insn){ .op = XP_GEU, .a = 0,
			    .b = 1 };
			p[k++] = (struct xok_pred_insn){ .op = XP_OR, .a = 2,
			    .b = 0 };
		}
		p[k++] = (struct xok_pred_insn){ .op = XP_RET, .a = 2 };
		int64_t r = sys_sleep(p, (uint64_t)k);

		if (r < 0)
			return px_errno(r);
		if (tty && *tw != ts)
			px_tty_pull();
	}
}
