/*
 * pred.c: wake-up predicates.  An environment that sleeps hands the
 * kernel a small program; the scheduler runs it to decide whether the
 * environment may run.  The verifier makes running it safe: forward
 * jumps only (at most XOK_PRED_MAX steps), registers in range, loads only
 * from aligned user addresses or from inside the exported kernel state,
 * and no stores at all.
 */
#include "pred.h"

static int
is_binop(unsigned op)
{
	return op >= XP_ADD && op <= XP_GEU;
}

__attribute__((hot)) int
pred_verify(const struct xok_pred_insn *p, size_t n, size_t info_size)
{
	size_t i;

	if (n == 0 || n > XOK_PRED_MAX)
		return -XE_INVAL;
	for (i = 0; i < n; i++) {
		const struct xok_pred_insn *in = &p[i];

		if (in->op == 0 || in->op >= XP_NOPS)
			return -XE_INVAL;
		if (in->a >= XOK_PRED_NREG)
			return -XE_INVAL;
		if (is_binop(in->op) && in->b >= XOK_PRED_NREG)
			return -XE_INVAL;
		switch (in->op) {
		case XP_LDU:
			if (in->imm % 8 != 0 || in->imm < XOK_UVA_MIN ||
			    in->imm > XOK_UVA_END - 8)
				return -XE_INVAL;
			break;
		case XP_LDK:
			if (in->imm % 8 != 0 || info_size < 8 ||
			    in->imm > info_size - 8)
				return -XE_INVAL;
			break;
		case XP_JZ:
			/* forward only, and onto an instruction */
			if (in->imm < 1 || in->imm >= n - i - 1)
				return -XE_INVAL;
			break;
		}
	}
	if (p[n - 1].op != XP_RET)
		return -XE_INVAL;
	return 0;
}

__attribute__((hot)) int
pred_eval(const struct xok_pred_insn *p, size_t n, const void *info,
    pred_load_fn load, void *ctx, uint64_t *result)
{
	uint64_t r[XOK_PRED_NREG] = { 0 };
	size_t i = 0;
	int err;

	while (i < n) {
		const struct xok_pred_insn *in = &p[i++];
		uint64_t *a = &r[in->a], b = r[in->b % XOK_PRED_NREG];

		switch (in->op) {
		case XP_LDI: *a = in->imm; break;
		case XP_LDU:
			if ((err = load(ctx, in->imm, a)) < 0)
				return err;
			break;
		case XP_LDK:
			__builtin_memcpy(a, (const char *)info + in->imm, 8);
			break;
		case XP_ADD: *a += b; break;
		case XP_SUB: *a -= b; break;
		case XP_AND: *a &= b; break;
		case XP_OR:  *a |= b; break;
		case XP_XOR: *a ^= b; break;
		case XP_EQ:  *a = *a == b; break;
		case XP_NE:  *a = *a != b; break;
		case XP_LTU: *a = *a < b; break;
		case XP_GEU: *a = *a >= b; break;
		case XP_JZ:
			if (*a == 0)
				i += in->imm;
			break;
		case XP_RET:
			*result = *a;
			return 0;
		default:
			return -XE_INVAL;   /* unreachable once verified */
		}
	}
	return -XE_INVAL;
}
