/*
 * block.c: px_block, the one way the POSIX layer waits (block.h): one
 * Xok wake-up predicate over the words the caller watches and the tick
 * clock, so a change that happens between the caller's look and the
 * sleep is never missed (the kernel evaluates the predicate before it
 * puts us to sleep) and nothing polls.  Signals (sig.h): the predicate
 * also watches the pending-signal word for a signal neither blocked
 * nor ignored (then -EINTR), the interval timer's deadline, and, with
 * fewer than PX_BLOCK_MAXW words, the kernel's count of our children's
 * deaths when SIGCHLD is caught; px_sig_nointr turns all that off.
 * 1 + 4 per word + 4 signals + 4 SIGCHLD + 4 clock + 1 <= 32 steps.
 */
#include "posix.h"
#include "block.h"
#include "sig.h"

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

		int sigs = !px_sig_nointr;
		int intr = sigs && px_sig_interrupt();  /* (posts SIGALRM...) */
		uint64_t dl = deadline_ns, cseen = 0;
		const volatile uint64_t *cw = NULL;

		for (i = 0; i < n; i++)
			if (*words[i] != seen[i])
				return 0;
		if (intr)
			return -EINTR;
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		if (sigs) {
			if (px_itimer_deadline() < dl)
				dl = px_itimer_deadline();
			if (n < PX_BLOCK_MAXW)  /* room for one more term */
				cw = px_sig_chld_word(&cseen);
		}
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
		if (sigs) {
			/* a signal neither blocked nor ignored is pending */
			p[k++] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
			    .imm = (uint64_t)(uintptr_t)px_sig_word() };
			p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1,
			    .imm = px_sig_wakeset() };
			p[k++] = (struct xok_pred_insn){ .op = XP_AND, .a = 0,
			    .b = 1 };
			p[k++] = (struct xok_pred_insn){ .op = XP_OR, .a = 2,
			    .b = 0 };
		}
		if (cw) {
			/* a child died and SIGCHLD is caught */
			p[k++] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
			    .imm = (uint64_t)(uintptr_t)cw };
			p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1,
			    .imm = cseen };
			p[k++] = (struct xok_pred_insn){ .op = XP_XOR, .a = 0,
			    .b = 1 };
			p[k++] = (struct xok_pred_insn){ .op = XP_OR, .a = 2,
			    .b = 0 };
		}
		if (dl != UINT64_MAX) {
			/* a tick past the last whole one the time left needs;
			 * the loop re-checks the finer clock */
			uint64_t left = dl - now;
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
	}
}
