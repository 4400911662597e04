/*
 * test_pred.c: host tests for xok/pred.c (wake-up predicates; the
 * bytecode is defined in xok/include/xok/abi.h).
 *
 *   verify_*  the verifier accepts well-formed programs and rejects each
 *             kind of malformed one (length, opcode, registers, LDU/LDK
 *             addresses, jumps, missing final RET)
 *   eval_*    exact results of every operation (unsigned compares at the
 *             edges), jumps taken and not taken, LDU through a fake load
 *             callback (values and -XE_FAULT), LDK from a fake info
 *             buffer, and a maximal program
 *   random_programs  property test over 100k random programs: pred_verify
 *             agrees with a reference verifier written from the ABI; for
 *             every accepted program pred_eval terminates, agrees with a
 *             reference interpreter, calls the load callback only with
 *             addresses the verifier allows, and never reads info or the
 *             program past their ends (both sit just below PROT_NONE
 *             pages, and info's prefix is a checked sentinel)
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <check.h>

#include "pred.h"

Suite *pred_suite(void);

#define N(p) (sizeof(p) / sizeof((p)[0]))

/* ck_assert_msg() records a mark on every success, which is slow in the
 * hot loops of the property test; this only calls into Check on failure. */
#define REQUIRE(cond, ...) do {                                         \
	if (!(cond))                                                    \
		ck_abort_msg(__VA_ARGS__);                              \
} while (0)

static struct xok_pred_insn
I(unsigned op, unsigned a, unsigned b, uint64_t imm)
{
	struct xok_pred_insn in;

	memset(&in, 0, sizeof(in));
	in.op = (uint8_t)op;
	in.a = (uint8_t)a;
	in.b = (uint8_t)b;
	in.imm = imm;
	return in;
}

#define INFO_SIZE sizeof(struct xok_info)
#define TICKS_OFF offsetof(struct xok_info, ticks)
#define NPAGES_OFF offsetof(struct xok_info, npages)

/* ---- a fake user memory for LDU --------------------------------------- */

#define MAXCALLS 64

struct fake_mem {
	uint64_t fault_at;              /* LDU of this address faults (0: none) */
	unsigned ncalls;
	uint64_t addr[MAXCALLS];
};

/* The value the fake memory holds at uva. */
static uint64_t
mem_value(uint64_t uva)
{
	uint64_t x = uva * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static int
fake_load(void *ctx, uint64_t uva, uint64_t *val)
{
	struct fake_mem *m = ctx;

	if (m->ncalls < MAXCALLS)
		m->addr[m->ncalls] = uva;
	m->ncalls++;
	if (uva == m->fault_at)
		return -XE_FAULT;
	*val = mem_value(uva);
	return 0;
}

/* Verify p against a full struct xok_info, then run it. */
static int
run(const struct xok_pred_insn *p, size_t n, const void *info,
    struct fake_mem *m, uint64_t *result)
{
	ck_assert_int_eq(pred_verify(p, n, INFO_SIZE), 0);
	return pred_eval(p, n, info, fake_load, m, result);
}

/* ---- verifier: accepts -------------------------------------------------- */

START_TEST(verify_accepts_good)
{
	/* wake when the word at 0x2000 differs from 42 */
	struct xok_pred_insn ne[] = {
		I(XP_LDU, 0, 0, 0x2000), I(XP_LDI, 1, 0, 42),
		I(XP_NE, 0, 1, 0), I(XP_RET, 0, 0, 0),
	};
	/* wake when ticks >= 1000 */
	struct xok_pred_insn ticks[] = {
		I(XP_LDK, 0, 0, TICKS_OFF), I(XP_LDI, 1, 0, 1000),
		I(XP_GEU, 0, 1, 0), I(XP_RET, 0, 0, 0),
	};
	/* skip one instruction when the word is zero */
	struct xok_pred_insn skip[] = {
		I(XP_LDU, 0, 0, 0x2000), I(XP_JZ, 0, 0, 1),
		I(XP_LDI, 0, 0, 7), I(XP_RET, 0, 0, 0),
	};
	/* the longest jump: from the first instruction onto the RET */
	struct xok_pred_insn far[] = {
		I(XP_JZ, 3, 0, 2), I(XP_LDI, 0, 0, 1),
		I(XP_LDI, 0, 0, 2), I(XP_RET, 3, 0, 0),
	};
	struct xok_pred_insn ret[] = { I(XP_RET, 3, 0, 0) };

	ck_assert_int_eq(pred_verify(ne, N(ne), INFO_SIZE), 0);
	ck_assert_int_eq(pred_verify(ticks, N(ticks), INFO_SIZE), 0);
	ck_assert_int_eq(pred_verify(skip, N(skip), INFO_SIZE), 0);
	ck_assert_int_eq(pred_verify(far, N(far), INFO_SIZE), 0);
	ck_assert_int_eq(pred_verify(ret, N(ret), INFO_SIZE), 0);
	ck_assert_int_eq(pred_verify(ret, N(ret), 0), 0);
}
END_TEST

START_TEST(verify_accepts_edges)
{
	static const uint64_t ldu_ok[] = {
		XOK_UVA_MIN, XOK_UVA_END - 8, XOK_INFO_VA, XOK_UVA_MAX - 8,
		0x2008,
	};
	static const uint64_t ldk_ok[] = {
		0, 8, NPAGES_OFF, INFO_SIZE - 8,
	};
	struct xok_pred_insn p[2] = { I(0, 0, 0, 0), I(XP_RET, 0, 0, 0) };
	unsigned i, op;

	for (i = 0; i < N(ldu_ok); i++) {
		p[0] = I(XP_LDU, 2, 0, ldu_ok[i]);
		ck_assert_msg(pred_verify(p, 2, INFO_SIZE) == 0,
		    "LDU %#lx rejected", (unsigned long)ldu_ok[i]);
	}
	for (i = 0; i < N(ldk_ok); i++) {
		p[0] = I(XP_LDK, 2, 0, ldk_ok[i]);
		ck_assert_msg(pred_verify(p, 2, INFO_SIZE) == 0,
		    "LDK %#lx rejected", (unsigned long)ldk_ok[i]);
	}
	/* an info of exactly one word, and one not a multiple of 8 long */
	p[0] = I(XP_LDK, 0, 0, 0);
	ck_assert_int_eq(pred_verify(p, 2, 8), 0);
	p[0] = I(XP_LDK, 0, 0, 8);
	ck_assert_int_eq(pred_verify(p, 2, 20), 0);
	/* every binary operation with the highest registers */
	for (op = XP_ADD; op <= XP_GEU; op++) {
		p[0] = I(op, XOK_PRED_NREG - 1, XOK_PRED_NREG - 1, 0);
		ck_assert_msg(pred_verify(p, 2, INFO_SIZE) == 0,
		    "op %u rejected", op);
	}
}
END_TEST

START_TEST(verify_accepts_max_length)
{
	struct xok_pred_insn p[XOK_PRED_MAX];
	unsigned i;

	for (i = 0; i < XOK_PRED_MAX - 1; i++)
		p[i] = I(XP_ADD, i % XOK_PRED_NREG, (i + 1) % XOK_PRED_NREG, 0);
	p[XOK_PRED_MAX - 1] = I(XP_RET, 0, 0, 0);
	ck_assert_int_eq(pred_verify(p, XOK_PRED_MAX, INFO_SIZE), 0);
}
END_TEST

/* ---- verifier: rejects -------------------------------------------------- */

START_TEST(verify_rejects_length)
{
	struct xok_pred_insn p[XOK_PRED_MAX + 1];
	unsigned i;

	for (i = 0; i < N(p); i++)
		p[i] = I(XP_RET, 0, 0, 0);
	ck_assert_int_eq(pred_verify(p, 0, INFO_SIZE), -XE_INVAL);
	ck_assert_int_eq(pred_verify(p, XOK_PRED_MAX, INFO_SIZE), 0);
	ck_assert_int_eq(pred_verify(p, XOK_PRED_MAX + 1, INFO_SIZE),
	    -XE_INVAL);
	/* n is checked before p is read */
	ck_assert_int_eq(pred_verify(NULL, 0, INFO_SIZE), -XE_INVAL);
	ck_assert_int_eq(pred_verify(NULL, (size_t)-1, INFO_SIZE), -XE_INVAL);
}
END_TEST

START_TEST(verify_rejects_opcode)
{
	static const unsigned bad[] = { 0, XP_NOPS, XP_NOPS + 1, 0x80, 0xff };
	struct xok_pred_insn p[2] = { I(0, 0, 0, 0), I(XP_RET, 0, 0, 0) };
	unsigned i;

	for (i = 0; i < N(bad); i++) {
		p[0] = I(bad[i], 0, 0, 0);
		ck_assert_msg(pred_verify(p, 2, INFO_SIZE) == -XE_INVAL,
		    "opcode %u accepted", bad[i]);
		/* also as the final instruction */
		ck_assert_int_eq(pred_verify(p, 1, INFO_SIZE), -XE_INVAL);
	}
}
END_TEST

START_TEST(verify_rejects_registers)
{
	/* p[0] is the instruction under test; JZ 1 skips p[1] onto RET */
	struct xok_pred_insn p[3] = {
		I(0, 0, 0, 0), I(XP_LDI, 0, 0, 0), I(XP_RET, 0, 0, 0),
	};
	unsigned op;

	/* a out of range, for every opcode */
	for (op = 1; op < XP_NOPS; op++) {
		uint64_t imm = op == XP_LDU ? 0x2000 : op == XP_JZ ? 1 : 0;

		p[0] = I(op, XOK_PRED_NREG - 1, 0, imm);
		ck_assert_msg(pred_verify(p, 3, INFO_SIZE) == 0,
		    "op %u with a=%u rejected", op, XOK_PRED_NREG - 1);
		p[0].a = XOK_PRED_NREG;
		ck_assert_msg(pred_verify(p, 3, INFO_SIZE) == -XE_INVAL,
		    "op %u with a=%u accepted", op, XOK_PRED_NREG);
		p[0].a = 0xff;
		ck_assert_int_eq(pred_verify(p, 3, INFO_SIZE), -XE_INVAL);
	}
	/* b out of range, for every binary opcode */
	for (op = XP_ADD; op <= XP_GEU; op++) {
		p[0] = I(op, 0, XOK_PRED_NREG - 1, 0);
		ck_assert_int_eq(pred_verify(p, 3, INFO_SIZE), 0);
		p[0].b = XOK_PRED_NREG;
		ck_assert_msg(pred_verify(p, 3, INFO_SIZE) == -XE_INVAL,
		    "op %u with b=%u accepted", op, XOK_PRED_NREG);
		p[0].b = 0xff;
		ck_assert_int_eq(pred_verify(p, 3, INFO_SIZE), -XE_INVAL);
	}
	/* RET's register */
	p[2] = I(XP_RET, XOK_PRED_NREG, 0, 0);
	ck_assert_int_eq(pred_verify(&p[2], 1, INFO_SIZE), -XE_INVAL);
}
END_TEST

START_TEST(verify_rejects_ldu)
{
	static const uint64_t bad[] = {
		0, 8, XOK_UVA_MIN - 8,                  /* below the minimum */
		0x1001, 0x1004, 0x2007,                 /* unaligned */
		XOK_UVA_END - 7, XOK_UVA_END - 4, XOK_UVA_END - 1,
		XOK_UVA_END, XOK_UVA_END + 8,           /* at or past the end */
		0xffff800000000000ULL,                  /* kernel addresses */
		0xffffffff80000000ULL, 0xfffffffffffffff8ULL,
		(uint64_t)-1,
	};
	struct xok_pred_insn p[2] = { I(0, 0, 0, 0), I(XP_RET, 0, 0, 0) };
	unsigned i;

	for (i = 0; i < N(bad); i++) {
		p[0] = I(XP_LDU, 0, 0, bad[i]);
		ck_assert_msg(pred_verify(p, 2, INFO_SIZE) == -XE_INVAL,
		    "LDU %#lx accepted", (unsigned long)bad[i]);
	}
}
END_TEST

START_TEST(verify_rejects_ldk)
{
	static const uint64_t bad[] = {
		1, 4, 7, TICKS_OFF + 4,                 /* unaligned */
		INFO_SIZE - 4, INFO_SIZE,               /* past the end */
		INFO_SIZE + 8, 0x100000,
		(uint64_t)-8, (uint64_t)-1,             /* would wrap */
	};
	struct xok_pred_insn p[2] = { I(0, 0, 0, 0), I(XP_RET, 0, 0, 0) };
	unsigned i;

	for (i = 0; i < N(bad); i++) {
		p[0] = I(XP_LDK, 0, 0, bad[i]);
		ck_assert_msg(pred_verify(p, 2, INFO_SIZE) == -XE_INVAL,
		    "LDK %#lx accepted", (unsigned long)bad[i]);
	}
	/* an info smaller than one word allows no LDK at all */
	p[0] = I(XP_LDK, 0, 0, 0);
	ck_assert_int_eq(pred_verify(p, 2, 0), -XE_INVAL);
	ck_assert_int_eq(pred_verify(p, 2, 7), -XE_INVAL);
	/* the last word must fit entirely */
	p[0] = I(XP_LDK, 0, 0, 8);
	ck_assert_int_eq(pred_verify(p, 2, 15), -XE_INVAL);
	ck_assert_int_eq(pred_verify(p, 2, 16), 0);
}
END_TEST

START_TEST(verify_rejects_jumps)
{
	struct xok_pred_insn p[4] = {
		I(XP_LDI, 0, 0, 0), I(XP_JZ, 0, 0, 1),
		I(XP_LDI, 0, 0, 7), I(XP_RET, 0, 0, 0),
	};

	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), 0);
	p[1].imm = 0;                           /* a no-op "jump" */
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
	p[1].imm = 2;                           /* onto index 4: past the end */
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
	p[1].imm = 3;
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
	p[1].imm = (uint64_t)-1;                /* backward if it wrapped */
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
	p[1].imm = (uint64_t)-2;
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
	p[1].imm = 0x8000000000000000ULL;
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
	/* the same jump is fine with one more instruction after it */
	p[1].imm = 1;
	p[2] = I(XP_JZ, 0, 0, 1);               /* would skip the final RET */
	ck_assert_int_eq(pred_verify(p, 4, INFO_SIZE), -XE_INVAL);
}
END_TEST

START_TEST(verify_rejects_no_ret)
{
	struct xok_pred_insn ldi[] = { I(XP_LDI, 0, 0, 1) };
	struct xok_pred_insn mid[] = {
		I(XP_LDI, 0, 0, 1), I(XP_RET, 0, 0, 0), I(XP_LDI, 0, 0, 2),
	};
	struct xok_pred_insn jz[] = { I(XP_JZ, 0, 0, 1) };
	struct xok_pred_insn add[] = { I(XP_LDI, 0, 0, 1), I(XP_ADD, 0, 0, 0) };

	ck_assert_int_eq(pred_verify(ldi, N(ldi), INFO_SIZE), -XE_INVAL);
	ck_assert_int_eq(pred_verify(mid, N(mid), INFO_SIZE), -XE_INVAL);
	ck_assert_int_eq(pred_verify(jz, N(jz), INFO_SIZE), -XE_INVAL);
	ck_assert_int_eq(pred_verify(add, N(add), INFO_SIZE), -XE_INVAL);
	ck_assert_int_eq(pred_verify(mid, 2, INFO_SIZE), 0);
}
END_TEST

/* ---- evaluator ---------------------------------------------------------- */

/* r0 = x; r1 = y; r0 op= r1; RET r0 */
static uint64_t
binop(unsigned op, uint64_t x, uint64_t y)
{
	struct xok_pred_insn p[] = {
		I(XP_LDI, 0, 0, x), I(XP_LDI, 1, 0, y),
		I(op, 0, 1, 0), I(XP_RET, 0, 0, 0),
	};
	struct fake_mem m = { 0 };
	uint64_t r = 0xdeadbeef;

	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), 0);
	ck_assert_uint_eq(m.ncalls, 0);
	return r;
}

START_TEST(eval_arith)
{
	const uint64_t MAX = UINT64_MAX, TOP = 0x8000000000000000ULL;

	ck_assert_uint_eq(binop(XP_ADD, 2, 3), 5);
	ck_assert_uint_eq(binop(XP_ADD, MAX, 1), 0);
	ck_assert_uint_eq(binop(XP_ADD, MAX, MAX), MAX - 1);
	ck_assert_uint_eq(binop(XP_SUB, 5, 3), 2);
	ck_assert_uint_eq(binop(XP_SUB, 3, 5), MAX - 1);
	ck_assert_uint_eq(binop(XP_SUB, 0, TOP), TOP);
	ck_assert_uint_eq(binop(XP_AND, 0xf0f0, 0xff00), 0xf000);
	ck_assert_uint_eq(binop(XP_AND, MAX, TOP | 1), TOP | 1);
	ck_assert_uint_eq(binop(XP_OR, 0xf0f0, 0x0f0f), 0xffff);
	ck_assert_uint_eq(binop(XP_OR, TOP, 1), TOP | 1);
	ck_assert_uint_eq(binop(XP_XOR, 0xff, 0x0f), 0xf0);
	ck_assert_uint_eq(binop(XP_XOR, MAX, MAX), 0);
	ck_assert_uint_eq(binop(XP_XOR, MAX, 0x1234), ~(uint64_t)0x1234);
}
END_TEST

START_TEST(eval_compare)
{
	const uint64_t MAX = UINT64_MAX, TOP = 0x8000000000000000ULL;

	ck_assert_uint_eq(binop(XP_EQ, 5, 5), 1);
	ck_assert_uint_eq(binop(XP_EQ, 5, 6), 0);
	ck_assert_uint_eq(binop(XP_EQ, MAX, MAX), 1);
	ck_assert_uint_eq(binop(XP_EQ, 0, TOP), 0);
	ck_assert_uint_eq(binop(XP_NE, 5, 5), 0);
	ck_assert_uint_eq(binop(XP_NE, 5, 6), 1);
	ck_assert_uint_eq(binop(XP_NE, 1, 1 | (1ULL << 32)), 1);
	/* unsigned: MAX and TOP are large, not negative */
	ck_assert_uint_eq(binop(XP_LTU, 0, MAX), 1);
	ck_assert_uint_eq(binop(XP_LTU, MAX, 0), 0);
	ck_assert_uint_eq(binop(XP_LTU, 1, 1), 0);
	ck_assert_uint_eq(binop(XP_LTU, 1, 2), 1);
	ck_assert_uint_eq(binop(XP_LTU, TOP, 1), 0);
	ck_assert_uint_eq(binop(XP_LTU, 1, TOP), 1);
	ck_assert_uint_eq(binop(XP_LTU, MAX - 1, MAX), 1);
	ck_assert_uint_eq(binop(XP_GEU, 1, 1), 1);
	ck_assert_uint_eq(binop(XP_GEU, 2, 1), 1);
	ck_assert_uint_eq(binop(XP_GEU, 1, 2), 0);
	ck_assert_uint_eq(binop(XP_GEU, 0, MAX), 0);
	ck_assert_uint_eq(binop(XP_GEU, MAX, 0), 1);
	ck_assert_uint_eq(binop(XP_GEU, TOP, 1), 1);
	ck_assert_uint_eq(binop(XP_GEU, 1, TOP), 0);
	ck_assert_uint_eq(binop(XP_GEU, 0, 0), 1);
}
END_TEST

START_TEST(eval_registers)
{
	/* registers start at zero; a == b uses the old value */
	struct xok_pred_insn zero[] = { I(XP_RET, 3, 0, 0) };
	struct xok_pred_insn dbl[] = {
		I(XP_LDI, 2, 0, 21), I(XP_ADD, 2, 2, 0), I(XP_RET, 2, 0, 0),
	};
	struct xok_pred_insn self[] = {
		I(XP_LDI, 1, 0, 9), I(XP_SUB, 1, 1, 0), I(XP_LDI, 2, 0, 9),
		I(XP_EQ, 2, 2, 0), I(XP_ADD, 1, 2, 0), I(XP_RET, 1, 0, 0),
	};
	/* the four registers are distinct */
	struct xok_pred_insn four[] = {
		I(XP_LDI, 0, 0, 1), I(XP_LDI, 1, 0, 2), I(XP_LDI, 2, 0, 4),
		I(XP_LDI, 3, 0, 8), I(XP_OR, 3, 0, 0), I(XP_OR, 3, 1, 0),
		I(XP_OR, 3, 2, 0), I(XP_RET, 3, 0, 0),
	};
	struct fake_mem m = { 0 };
	uint64_t r;

	r = 0xdead;
	ck_assert_int_eq(run(zero, N(zero), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 0);
	ck_assert_int_eq(run(dbl, N(dbl), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 42);
	ck_assert_int_eq(run(self, N(self), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 1);
	ck_assert_int_eq(run(four, N(four), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 15);
}
END_TEST

START_TEST(eval_jz)
{
	/* r1 = 5; r0 = cond; JZ r0, 1; r1 = 7; RET r1 */
	struct xok_pred_insn p[] = {
		I(XP_LDI, 1, 0, 5), I(XP_LDI, 0, 0, 0), I(XP_JZ, 0, 0, 1),
		I(XP_LDI, 1, 0, 7), I(XP_RET, 1, 0, 0),
	};
	/* skip two instructions and land exactly on the RET */
	struct xok_pred_insn two[] = {
		I(XP_JZ, 2, 0, 2), I(XP_LDI, 2, 0, 1), I(XP_RET, 2, 0, 0),
		I(XP_RET, 3, 0, 0),
	};
	/* a skipped LDU is not performed */
	struct xok_pred_insn ldu[] = {
		I(XP_JZ, 0, 0, 1), I(XP_LDU, 1, 0, 0x5000),
		I(XP_RET, 1, 0, 0),
	};
	struct fake_mem m = { 0 };
	uint64_t r;

	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 5);                        /* taken */
	p[1].imm = 1;
	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 7);                        /* not taken */
	p[1].imm = 0x8000000000000000ULL;               /* any nonzero */
	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 7);

	ck_assert_int_eq(run(two, N(two), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 0);                        /* RET r3 */
	two[0] = I(XP_JZ, 1, 0, 2);                     /* r1 == 0: taken */
	ck_assert_int_eq(run(two, N(two), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 0);
	two[0] = I(XP_LDI, 0, 0, 0);                    /* no jump */
	ck_assert_int_eq(run(two, N(two), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 1);

	r = 99;
	ck_assert_int_eq(run(ldu, N(ldu), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 0);
	ck_assert_uint_eq(m.ncalls, 0);
}
END_TEST

START_TEST(eval_ldu)
{
	struct xok_pred_insn p[] = {
		I(XP_LDU, 0, 0, 0x2000), I(XP_LDU, 1, 0, 0x3008),
		I(XP_ADD, 0, 1, 0), I(XP_RET, 0, 0, 0),
	};
	struct xok_pred_insn ne[] = {
		I(XP_LDU, 0, 0, 0x2000), I(XP_LDI, 1, 0, 0),
		I(XP_NE, 0, 1, 0), I(XP_RET, 0, 0, 0),
	};
	struct fake_mem m = { 0 };
	uint64_t r = 0;

	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, mem_value(0x2000) + mem_value(0x3008));
	ck_assert_uint_eq(m.ncalls, 2);
	ck_assert_uint_eq(m.addr[0], 0x2000);
	ck_assert_uint_eq(m.addr[1], 0x3008);

	/* "word != v" both ways */
	ne[1].imm = mem_value(0x2000);
	ck_assert_int_eq(run(ne, N(ne), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 0);
	ne[1].imm = mem_value(0x2000) + 1;
	ck_assert_int_eq(run(ne, N(ne), NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 1);
}
END_TEST

START_TEST(eval_ldu_fault)
{
	struct xok_pred_insn p[] = {
		I(XP_LDU, 0, 0, 0x2000), I(XP_LDU, 1, 0, 0x3008),
		I(XP_LDU, 2, 0, 0x4000), I(XP_RET, 0, 0, 0),
	};
	struct fake_mem m = { .fault_at = 0x3008 };
	uint64_t r = 0x1234;

	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), -XE_FAULT);
	ck_assert_uint_eq(m.ncalls, 2);         /* stopped at the fault */
	ck_assert_uint_eq(r, 0x1234);           /* result untouched */
	m.ncalls = 0;
	m.fault_at = 0x2000;
	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), -XE_FAULT);
	ck_assert_uint_eq(m.ncalls, 1);
	m.ncalls = 0;
	m.fault_at = 0x5000;                    /* not loaded: no fault */
	ck_assert_int_eq(run(p, N(p), NULL, &m, &r), 0);
	ck_assert_uint_eq(m.ncalls, 3);
	ck_assert_uint_eq(r, mem_value(0x2000));
}
END_TEST

START_TEST(eval_ldk)
{
	struct xok_info info;
	struct xok_pred_insn ticks[] = {
		I(XP_LDK, 0, 0, TICKS_OFF), I(XP_LDI, 1, 0, 1000),
		I(XP_GEU, 0, 1, 0), I(XP_RET, 0, 0, 0),
	};
	struct xok_pred_insn rd[] = {
		I(XP_LDK, 2, 0, NPAGES_OFF), I(XP_RET, 2, 0, 0),
	};
	struct fake_mem m = { 0 };
	uint64_t r;

	memset(&info, 0, sizeof(info));
	info.ticks = 999;
	info.npages = 0x123456789abcdefULL;
	ck_assert_int_eq(run(ticks, N(ticks), &info, &m, &r), 0);
	ck_assert_uint_eq(r, 0);
	info.ticks = 1000;
	ck_assert_int_eq(run(ticks, N(ticks), &info, &m, &r), 0);
	ck_assert_uint_eq(r, 1);
	info.ticks = UINT64_MAX;
	ck_assert_int_eq(run(ticks, N(ticks), &info, &m, &r), 0);
	ck_assert_uint_eq(r, 1);
	ck_assert_int_eq(run(rd, N(rd), &info, &m, &r), 0);
	ck_assert_uint_eq(r, 0x123456789abcdefULL);
	/* the last word of the exported state */
	memcpy((char *)&info + INFO_SIZE - 8, &(uint64_t){ 0xfeed }, 8);
	rd[0].imm = INFO_SIZE - 8;
	ck_assert_int_eq(run(rd, N(rd), &info, &m, &r), 0);
	ck_assert_uint_eq(r, 0xfeed);
	ck_assert_uint_eq(m.ncalls, 0);
}
END_TEST

START_TEST(eval_max_program)
{
	struct xok_pred_insn p[XOK_PRED_MAX];
	struct fake_mem m = { 0 };
	uint64_t r = 0;
	unsigned i;

	/* r1 = 1; 30 x (r0 += r1); RET r0 */
	p[0] = I(XP_LDI, 1, 0, 1);
	for (i = 1; i < XOK_PRED_MAX - 1; i++)
		p[i] = I(XP_ADD, 0, 1, 0);
	p[XOK_PRED_MAX - 1] = I(XP_RET, 0, 0, 0);
	ck_assert_int_eq(run(p, XOK_PRED_MAX, NULL, &m, &r), 0);
	ck_assert_uint_eq(r, XOK_PRED_MAX - 2);

	/* 31 loads, each performed once */
	for (i = 0; i < XOK_PRED_MAX - 1; i++)
		p[i] = I(XP_LDU, i % XOK_PRED_NREG, 0, 0x1000 + 8 * i);
	ck_assert_int_eq(run(p, XOK_PRED_MAX, NULL, &m, &r), 0);
	ck_assert_uint_eq(m.ncalls, XOK_PRED_MAX - 1);
	for (i = 0; i < XOK_PRED_MAX - 1; i++)
		ck_assert_uint_eq(m.addr[i], 0x1000 + 8 * i);
	ck_assert_uint_eq(r, mem_value(0x1000 + 8 * 28));

	/* a chain of taken jumps of length 1 over LDI r0 */
	for (i = 0; i < XOK_PRED_MAX - 1; i++)
		p[i] = i % 2 == 0 ? I(XP_JZ, 1, 0, 1) : I(XP_LDI, 1, 0, 1);
	p[XOK_PRED_MAX - 2] = I(XP_LDI, 2, 0, 5);
	p[XOK_PRED_MAX - 1] = I(XP_RET, 1, 0, 0);
	ck_assert_int_eq(run(p, XOK_PRED_MAX, NULL, &m, &r), 0);
	ck_assert_uint_eq(r, 0);
}
END_TEST

/* ---- property test: random programs ------------------------------------ */

#define NPROGS 100000

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t
rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* The ABI's rule for an LDU address, written independently. */
static int
uva_ok(uint64_t uva)
{
	return uva % 8 == 0 && uva >= XOK_UVA_MIN && uva < XOK_UVA_END &&
	    XOK_UVA_END - uva >= 8;
}

static int
ldk_ok(uint64_t off, size_t info_size)
{
	return off % 8 == 0 && off < info_size && info_size - off >= 8;
}

/* A reference verifier, written from the comments in abi.h. */
static int
ref_verify(const struct xok_pred_insn *p, size_t n, size_t info_size)
{
	size_t i;

	if (n < 1 || n > XOK_PRED_MAX || p[n - 1].op != XP_RET)
		return -XE_INVAL;
	for (i = 0; i < n; i++) {
		unsigned op = p[i].op;

		if (op < XP_LDI || op > XP_RET || p[i].a >= XOK_PRED_NREG)
			return -XE_INVAL;
		if (op >= XP_ADD && op <= XP_GEU && p[i].b >= XOK_PRED_NREG)
			return -XE_INVAL;
		if (op == XP_LDU && !uva_ok(p[i].imm))
			return -XE_INVAL;
		if (op == XP_LDK && !ldk_ok(p[i].imm, info_size))
			return -XE_INVAL;
		/* lands on i + 1 + imm, which must be an instruction */
		if (op == XP_JZ && (p[i].imm < 1 || p[i].imm > n ||
		    i + 1 + p[i].imm >= n))
			return -XE_INVAL;
	}
	return 0;
}

struct prop_ctx {
	unsigned ncalls;
	unsigned bad_addr;              /* calls with an address not uva_ok */
	uint64_t seed;                  /* per program, for fault choice */
};

static int
prop_load(void *c, uint64_t uva, uint64_t *val)
{
	struct prop_ctx *ctx = c;

	ctx->ncalls++;
	if (!uva_ok(uva))
		ctx->bad_addr++;
	if ((mem_value(uva ^ ctx->seed) & 15) == 0)
		return -XE_FAULT;
	*val = mem_value(uva ^ ctx->seed);
	return 0;
}

/* A reference interpreter of a verified program; it reads info with its
 * own bounds checks and reports how many instructions ran (*steps) and
 * how many jumps were taken (*jumps). */
static int
ref_eval(const struct xok_pred_insn *p, size_t n, const uint8_t *info,
    size_t info_size, uint64_t seed, uint64_t *result, unsigned *steps,
    unsigned *jumps)
{
	uint64_t r[XOK_PRED_NREG] = { 0 };
	size_t pc = 0;

	*steps = 0;
	*jumps = 0;
	while (pc < n) {
		const struct xok_pred_insn *in = &p[pc];
		uint64_t b = r[in->b % XOK_PRED_NREG];

		(*steps)++;
		pc++;
		switch (in->op) {
		case XP_LDI: r[in->a] = in->imm; break;
		case XP_LDU:
			if ((mem_value(in->imm ^ seed) & 15) == 0)
				return -XE_FAULT;
			r[in->a] = mem_value(in->imm ^ seed);
			break;
		case XP_LDK:
			if (!ldk_ok(in->imm, info_size))
				return -1000;
			memcpy(&r[in->a], info + in->imm, 8);
			break;
		case XP_ADD: r[in->a] += b; break;
		case XP_SUB: r[in->a] -= b; break;
		case XP_AND: r[in->a] &= b; break;
		case XP_OR:  r[in->a] |= b; break;
		case XP_XOR: r[in->a] ^= b; break;
		case XP_EQ:  r[in->a] = r[in->a] == b; break;
		case XP_NE:  r[in->a] = r[in->a] != b; break;
		case XP_LTU: r[in->a] = r[in->a] < b; break;
		case XP_GEU: r[in->a] = r[in->a] >= b; break;
		case XP_JZ:
			if (r[in->a] == 0) {
				pc += in->imm;
				(*jumps)++;
			}
			break;
		case XP_RET:
			*result = r[in->a];
			return 0;
		default:
			return -1001;
		}
	}
	return -1002;                   /* fell off the end */
}

/* An immediate for op at index i of n: mostly near the verifier's limits,
 * and in clean programs mostly inside them. */
static uint64_t
gen_imm(unsigned op, size_t n, size_t i, size_t info_size, int clean)
{
	if (clean && rnd_below(4) != 0) {
		switch (op) {
		case XP_LDU:
			return (XOK_UVA_MIN + rnd_below(0x10000)) & ~7ULL;
		case XP_LDK:
			return 8 * rnd_below(info_size / 8 + 1);
		case XP_JZ:
			return 1 + rnd_below(n > i + 2 ? n - i - 2 : 1);
		}
	}
	switch (op) {
	case XP_LDU:
		switch (rnd_below(10)) {
		case 0: return XOK_UVA_MIN;
		case 1: return XOK_UVA_END - 8;
		case 2: return XOK_UVA_END - 8 * rnd_below(3) + rnd_below(16);
		case 3: return 8 * rnd_below(0x400);
		case 4: return rnd();
		case 5: return 0xffff800000000000ULL + 8 * rnd_below(1000);
		case 6: return (XOK_UVA_MIN + rnd_below(XOK_UVA_END)) | rnd_below(8);
		default:
			return (XOK_UVA_MIN + rnd_below(XOK_UVA_END -
			    XOK_UVA_MIN)) & ~7ULL;
		}
	case XP_LDK:
		switch (rnd_below(8)) {
		case 0: return info_size - 8;
		case 1: return info_size;
		case 2: return info_size - rnd_below(16);
		case 3: return rnd();
		case 4: return (uint64_t)0 - 8 * rnd_below(4);
		default: return 8 * rnd_below(info_size / 8 + 2);
		}
	case XP_JZ:
		switch (rnd_below(6)) {
		case 0: return 0;
		case 1: return rnd();
		case 2: return (uint64_t)0 - rnd_below(40);
		default: return 1 + rnd_below(n - i + 1);
		}
	default:
		switch (rnd_below(4)) {
		case 0: return rnd();
		case 1: return rnd_below(3);
		case 2: return (uint64_t)0 - rnd_below(3);
		default: return rnd_below(1000);
		}
	}
}

static uint8_t
gen_reg(int clean)
{
	if (clean ? rnd_below(200) == 0 : rnd_below(20) == 0)
		return (uint8_t)rnd();
	return (uint8_t)rnd_below(4);
}

START_TEST(random_programs)
{
	const size_t pgsz = (size_t)sysconf(_SC_PAGESIZE);
	const size_t max_info = sizeof(struct xok_info) + 64;
	/* room for info, whole pages; then a guard page */
	const size_t span = (max_info + pgsz) / pgsz * pgsz;
	uint8_t *area, *info_end, *prog_end;
	unsigned iter, accepted = 0, n_jz = 0, n_ldu = 0, n_ldk = 0;
	unsigned n_fault = 0, n_taken = 0;

	ck_assert(max_info < span);
	/* [info area: span][guard][program area: pgsz][guard] */
	area = mmap(NULL, span + pgsz + 2 * pgsz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(area != MAP_FAILED);
	ck_assert_int_eq(mprotect(area + span, pgsz, PROT_NONE), 0);
	ck_assert_int_eq(mprotect(area + span + 2 * pgsz, pgsz, PROT_NONE), 0);
	info_end = area + span;
	prog_end = area + span + 2 * pgsz;

	rng_state = 0x5eed1234abcdULL;
	for (iter = 0; iter < NPROGS; iter++) {
		size_t n, info_size, i;
		struct xok_pred_insn *p;
		uint8_t *info;
		struct prop_ctx ctx = { 0 };
		uint64_t res = 0, ref_res = 0;
		unsigned steps, jumps;
		int v, rv, e, re, has_jz = 0, has_ldu = 0, has_ldk = 0;
		/* half the programs have only plausible fields, so that
		 * many pass the verifier; the others carry more noise */
		int clean = rnd_below(2) == 0;

		/* the program ends right at a PROT_NONE page */
		n = rnd_below(50) == 0 ? XOK_PRED_MAX + 1 + rnd_below(3)
		    : 1 + rnd_below(XOK_PRED_MAX);
		p = (struct xok_pred_insn *)(void *)(prog_end - n * sizeof(*p));
		/* so does info, of a random size */
		switch (rnd_below(4)) {
		case 0: info_size = sizeof(struct xok_info); break;
		case 1: info_size = rnd_below(17); break;
		default: info_size = rnd_below(max_info); break;
		}
		info = info_end - info_size;
		for (i = 0; i < info_size; i++)
			info[i] = (uint8_t)rnd();
		memset(area, 0xa5, (size_t)(info - area));

		for (i = 0; i < n; i++) {
			unsigned op = !clean && rnd_below(16) == 0 ?
			    (unsigned)rnd_below(256) :
			    1 + (unsigned)rnd_below(XP_NOPS - 1);

			if (i == n - 1 && rnd_below(10) != 0)
				op = XP_RET;
			p[i] = I(op, gen_reg(clean), gen_reg(clean),
			    gen_imm(op, n, i, info_size, clean));
			if (rnd_below(64) == 0)
				p[i].pad[rnd_below(5)] = (uint8_t)rnd();
			has_jz |= op == XP_JZ;
			has_ldu |= op == XP_LDU;
			has_ldk |= op == XP_LDK;
		}

		v = pred_verify(p, n, info_size);
		rv = ref_verify(p, n, info_size);
		REQUIRE(v == 0 || v == -XE_INVAL,
		    "program %u: pred_verify returned %d", iter, v);
		REQUIRE(v == rv, "program %u (n=%zu, info_size=%zu): "
		    "pred_verify %d, reference %d", iter, n, info_size, v, rv);
		if (v != 0)
			continue;

		accepted++;
		n_jz += has_jz;
		n_ldu += has_ldu;
		n_ldk += has_ldk;
		ctx.seed = rnd();
		e = pred_eval(p, n, info, prop_load, &ctx, &res);
		re = ref_eval(p, n, info, info_size, ctx.seed, &ref_res, &steps,
		    &jumps);
		REQUIRE(re == 0 || re == -XE_FAULT,
		    "program %u: reference interpreter error %d", iter, re);
		REQUIRE(steps <= n, "program %u: %u steps", iter, steps);
		REQUIRE(e == re, "program %u: pred_eval %d, reference %d",
		    iter, e, re);
		if (e == 0)
			REQUIRE(res == ref_res, "program %u: result %#llx, "
			    "reference %#llx", iter, (unsigned long long)res,
			    (unsigned long long)ref_res);
		else
			n_fault++;
		REQUIRE(ctx.bad_addr == 0,
		    "program %u: load called with a rejected address", iter);
		REQUIRE(ctx.ncalls <= n, "program %u: %u loads", iter,
		    ctx.ncalls);
		if (jumps > 0)
			n_taken++;
		/* info's prefix sentinel is intact (nothing was written) */
		for (i = 0; i < (size_t)(info - area); i += 509)
			REQUIRE(area[i] == 0xa5, "program %u: sentinel", iter);
	}
	/* the generator must exercise the interesting cases */
	ck_assert_msg(accepted >= NPROGS / 10, "only %u accepted", accepted);
	ck_assert_msg(n_jz >= 1000 && n_ldu >= 1000 && n_ldk >= 1000 &&
	    n_fault >= 100 && n_taken >= 100,
	    "weak coverage: jz %u ldu %u ldk %u fault %u taken %u",
	    n_jz, n_ldu, n_ldk, n_fault, n_taken);
	munmap(area, span + 3 * pgsz);
}
END_TEST

Suite *
pred_suite(void)
{
	Suite *s = suite_create("pred");
	TCase *tc;

	tc = tcase_create("verify");
	tcase_add_test(tc, verify_accepts_good);
	tcase_add_test(tc, verify_accepts_edges);
	tcase_add_test(tc, verify_accepts_max_length);
	tcase_add_test(tc, verify_rejects_length);
	tcase_add_test(tc, verify_rejects_opcode);
	tcase_add_test(tc, verify_rejects_registers);
	tcase_add_test(tc, verify_rejects_ldu);
	tcase_add_test(tc, verify_rejects_ldk);
	tcase_add_test(tc, verify_rejects_jumps);
	tcase_add_test(tc, verify_rejects_no_ret);
	suite_add_tcase(s, tc);

	tc = tcase_create("eval");
	tcase_add_test(tc, eval_arith);
	tcase_add_test(tc, eval_compare);
	tcase_add_test(tc, eval_registers);
	tcase_add_test(tc, eval_jz);
	tcase_add_test(tc, eval_ldu);
	tcase_add_test(tc, eval_ldu_fault);
	tcase_add_test(tc, eval_ldk);
	tcase_add_test(tc, eval_max_program);
	suite_add_tcase(s, tc);

	/* ~2 s on a quiet host; the margin is for a host shared with
	 * builds (it ran out at 60 s under a load of 22 on 2 cores) */
	tc = tcase_create("property");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, random_programs);
	suite_add_tcase(s, tc);
	return s;
}
