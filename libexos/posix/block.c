/*
 * block.c: px_block, the one way the POSIX layer waits (block.h): one
 * Xok wake-up predicate over the words the caller watches and the tick
 * clock, so a change that happens between the caller's look and the
 * sleep is never missed (the kernel evaluates the predicate before it
 * puts us to sleep) and nothing polls.
 *
 * What the predicate watches besides the caller's words, while its 32
 * steps allow (1 + 4 per word + 4 per term + 4 for the clock + 1):
 * - signals (sig.h): the pending-signal word, for a signal neither
 *   blocked nor ignored (then -EINTR), and the interval timer's
 *   deadline; px_sig_nointr turns that off;
 * - the kernel's count of our children's deaths, when SIGCHLD is caught;
 * - the console tty (tty.c): the kernel's console input counter; a
 *   sleeper woken by it pulls the input through the line discipline
 *   (px_tty_pull: ^C reaches the foreground group while nobody reads)
 *   and sleeps on.
 */
#include "posix.h"
#include "block.h"
#include "pipe.h"
#include "sig.h"

/* r2 |= (*w op v) != 0: the four steps of one term.  A word of the
 * kernel's exported page (the console counter, a child-exit count) is
 * read there (XP_LDK), without walking our page tables: the kernel
 * evaluates the predicate at every sleep and every directed yield to
 * us, and under QEMU's TCG each page it touches costs a TLB fill. */
PX_HOT static int
term(struct xok_pred_insn *p, int k, const volatile uint64_t *w, uint64_t v,
    int op)
{
	uint64_t off = (uint64_t)(uintptr_t)w - XOK_INFO_VA;

	if (off < sizeof(struct xok_info) && off % 8 == 0)
		p[k++] = (struct xok_pred_insn){ .op = XP_LDK, .a = 0,
		    .imm = off };
	else
		p[k++] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
		    .imm = (uint64_t)(uintptr_t)w };
	p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1, .imm = v };
	p[k++] = (struct xok_pred_insn){ .op = (uint8_t)op, .a = 0, .b = 1 };
	p[k++] = (struct xok_pred_insn){ .op = XP_OR, .a = 2, .b = 0 };
	return k;
}

#define ROOM(k) ((k) + 4 + 5 <= XOK_PRED_MAX)   /* a term, clock, RET */

PX_HOT long
px_block(const volatile uint64_t *const *words, const uint64_t *seen,
    int n, uint64_t deadline_ns)
{
	return px_block_to(words, seen, n, deadline_ns, 0);
}

PX_HOT long
px_block_to(const volatile uint64_t *const *words, const uint64_t *seen,
    int n, uint64_t deadline_ns, uint64_t env)
{
	uint64_t hz = XOK_INFO->hz ? XOK_INFO->hz : 1000;

	if (n < 0 || n > PX_BLOCK_MAXW)
		return -EINVAL;
	if (env == XOK_INFO->cur_env)
		env = 0;
	for (;;) {
		struct xok_pred_insn p[XOK_PRED_MAX];
		uint64_t now;
		int i, k = 0, sigs, intr;
		uint64_t dl = deadline_ns, cseen = 0, ts = 0;
		const volatile uint64_t *cw = NULL, *tw = NULL;
		int tty = 0;

		/* the signal work first: it reaps dead children when SIGCHLD
		 * is ignored, which a waiter's words must already show */
		now = px_now_ns();
		sigs = !px_sig_nointr;
		intr = sigs && px_sig_interrupt();      /* (posts SIGALRM...) */
		for (i = 0; i < n; i++)
			if (*words[i] != seen[i])
				return 0;
		if (intr)
			return -EINTR;
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		if (sigs && px_itimer_deadline() < dl)
			dl = px_itimer_deadline();
		p[k++] = (struct xok_pred_insn){ .op = XP_LDI, .a = 2 };
		for (i = 0; i < n; i++)
			k = term(p, k, words[i], seen[i], XP_XOR);
		if (sigs)       /* always room: n <= PX_BLOCK_MAXW */
			k = term(p, k, px_sig_word(), px_sig_wakeset(), XP_AND);
		if (sigs && ROOM(k) && (cw = px_sig_chld_word(&cseen)))
			k = term(p, k, cw, cseen, XP_XOR);
		if (ROOM(k) && (tty = px_tty_hook(&tw, &ts)))
			k = term(p, k, tw, ts, XP_XOR);
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
		int64_t r = env ? sys_sleep_to(p, (uint64_t)k, env) :
		    sys_sleep(p, (uint64_t)k);

		if (r == -XE_NOENT && env) {    /* it died: no one to name */
			env = 0;
			continue;
		}
		if (r < 0)
			return px_errno(r);
		if (tty && *tw != ts)
			px_tty_pull();
	}
}
