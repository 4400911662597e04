/*
 * xn/tests/test_udf.c: the UDF verifier, the interpreter, and template
 * registration (accept and reject cases).
 */
#include "testlib.h"

#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static uint8_t blk[XN_BLOCK_SIZE];
static struct xn_udf_out out;

START_TEST(verify_accepts_test_dir)
{
	uint32_t steps = 0;

	ck_assert_int_eq(xn_udf_verify(t_dir_owns, t_dir_owns_len, &steps), 0);
	/* LDI, LOOP, 32 * 5 body, RET */
	ck_assert_uint_eq(steps, 1 + 1 + 32 * 5 + 1);
	ck_assert_int_eq(xn_udf_verify(t_dir_acl, t_dir_acl_len, NULL), 0);
	ck_assert_int_eq(xn_udf_verify(t_dir_size, t_dir_size_len, NULL), 0);
}
END_TEST

START_TEST(verify_rejects_length)
{
	struct xn_insn big[XN_UDF_MAX_INSNS + 1];
	struct xn_insn noret[] = { XN_I(LDI, 0, 0, 0, 1) };
	uint32_t i;

	for (i = 0; i < N(big); i++)
		big[i] = XN_I(RET, 0, 0, 0, 0);
	ck_assert_int_eq(xn_udf_verify(big, 0, NULL), XN_EUDFLEN);
	ck_assert_int_eq(xn_udf_verify(NULL, 1, NULL), XN_EUDFLEN);
	ck_assert_int_eq(xn_udf_verify(big, N(big), NULL), XN_EUDFLEN);
	ck_assert_int_eq(xn_udf_verify(big, XN_UDF_MAX_INSNS, NULL), 0);
	ck_assert_int_eq(xn_udf_verify(noret, 1, NULL), XN_EUDFLEN);
}
END_TEST

START_TEST(verify_rejects_operands)
{
	struct xn_insn p[2] = { XN_I(LDI, 0, 0, 0, 0), XN_I(RET, 0, 0, 0, 0) };

	p[0].op = XN_OP_INVALID;
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFOP);
	p[0].op = XN_OP_COUNT;
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFOP);
	p[0] = XN_I(LDI, 16, 0, 0, 0);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	p[0] = XN_I(ADD, 1, 2, 200, 0);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	p[0] = XN_I(LDI, 1, 3, 0, 0);          /* unused b must be 0 */
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	p[0] = XN_I(MOV, 1, 2, 0, 5);          /* unused imm must be 0 */
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFOP);
	p[0] = XN_I(LDS, 1, 0, 0, XN_UDF_NSCRATCH);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	p[0] = XN_I(LD32, 1, 2, 0, XN_BLOCK_SIZE);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFBOUNDS);
	p[0] = XN_I(EMIT1, 1, 0, 0, 0x10000);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFOP);
	p[0] = XN_I(LD32, 1, 2, 0, XN_BLOCK_SIZE - 4);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), 0);
}
END_TEST

START_TEST(verify_rejects_jumps)
{
	struct xn_insn past[] = { XN_I(JMP, 0, 0, 1, 0), XN_I(RET, 0, 0, 0, 0) };
	struct xn_insn brk[] = { XN_I(BRK, 0, 0, 0, 0), XN_I(RET, 0, 0, 0, 0) };
	struct xn_insn into[] = {
		XN_I(JEQI, 0, 0, 1, 0),                   /* lands inside loop */
		XN_I(LOOP, 1, XN_UDF_NOREG, 2, 4),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(RET, 2, 0, 0, 0),
	};
	struct xn_insn outof[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 2, 4),
		XN_I(JEQI, 1, 0, 2, 3),                   /* past the body end */
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(RET, 2, 0, 0, 0),
	};
	struct xn_insn over[] = {
		XN_I(JEQI, 0, 0, 3, 0),                   /* skips whole loop */
		XN_I(LOOP, 1, XN_UDF_NOREG, 2, 4),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(RET, 2, 0, 0, 0),
	};

	ck_assert_int_eq(xn_udf_verify(past, N(past), NULL), XN_EUDFJUMP);
	ck_assert_int_eq(xn_udf_verify(brk, N(brk), NULL), XN_EUDFJUMP);
	ck_assert_int_eq(xn_udf_verify(into, N(into), NULL), XN_EUDFJUMP);
	ck_assert_int_eq(xn_udf_verify(outof, N(outof), NULL), XN_EUDFJUMP);
	ck_assert_int_eq(xn_udf_verify(over, N(over), NULL), 0);
}
END_TEST

START_TEST(verify_rejects_loops)
{
	struct xn_insn zero[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 1, 0), XN_I(ADDI, 2, 2, 0, 1),
		XN_I(RET, 2, 0, 0, 0),
	};
	struct xn_insn longbody[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 2, 3), XN_I(ADDI, 2, 2, 0, 1),
		XN_I(RET, 2, 0, 0, 0),                    /* RET inside body */
	};
	/* 65535 * 65535 iterations: a "looping" UDF. */
	struct xn_insn huge[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 2, 65535),
		XN_I(LOOP, 2, XN_UDF_NOREG, 1, 65535),
		XN_I(ADDI, 3, 3, 0, 1),
		XN_I(RET, 3, 0, 0, 0),
	};
	struct xn_insn deep[12];
	int i;

	ck_assert_int_eq(xn_udf_verify(zero, N(zero), NULL), XN_EUDFLOOP);
	ck_assert_int_eq(xn_udf_verify(longbody, N(longbody), NULL),
	                 XN_EUDFLOOP);
	ck_assert_int_eq(xn_udf_verify(huge, N(huge), NULL), XN_EUDFLOOP);
	huge[0].imm = 2;
	ck_assert_int_eq(xn_udf_verify(huge, N(huge), NULL), 0);
	/* Five nested loops of 2: too deep. */
	for (i = 0; i < 5; i++)
		deep[i] = XN_I(LOOP, (uint8_t)i, XN_UDF_NOREG,
		               (uint8_t)(5 - i), 2);
	deep[5] = XN_I(ADDI, 6, 6, 0, 1);
	deep[6] = XN_I(RET, 6, 0, 0, 0);
	ck_assert_int_eq(xn_udf_verify(deep, 7, NULL), XN_EUDFLOOP);
	for (i = 0; i < 4; i++)
		deep[i] = XN_I(LOOP, (uint8_t)i, XN_UDF_NOREG,
		               (uint8_t)(4 - i), 2);
	deep[4] = XN_I(ADDI, 6, 6, 0, 1);
	deep[5] = XN_I(RET, 6, 0, 0, 0);
	ck_assert_int_eq(xn_udf_verify(deep, 6, NULL), 0);
	ck_assert_int_eq(xn_udf_run(deep, 6, blk, sizeof blk, NULL, 0, 0, &out),
	                 0);
	ck_assert_uint_eq(out.ret, 16);
}
END_TEST

/* The loop C-FFS's indirect blocks had before EMITV (session 15's
 * cffs/xntmpl.c): the differential oracle of run_emitv. */
static const struct xn_insn ind_loop[] = {
	XN_I(LDI, 2, 0, 0, 0),
	XN_I(LDI, 3, 0, 0, 0),
	XN_I(LDI, 6, 0, 0, 7),
	XN_I(LOOP, 1, XN_UDF_NOREG, 13, 1024),
	XN_I(SHLI, 4, 1, 0, 2),
	XN_I(LD32, 5, 4, 0, 0),
	XN_I(JEQI, 5, 0, 5, 0),
	XN_I(JEQI, 3, 0, 4, 0),
	XN_I(ADD, 7, 2, 3, 0),
	XN_I(JNE, 5, 7, 2, 0),
	XN_I(ADDI, 3, 3, 0, 1),
	XN_I(JMP, 0, 0, 5, 0),
	XN_I(EMIT, 2, 3, 6, 0),
	XN_I(MOV, 2, 5, 0, 0),
	XN_I(LDI, 3, 0, 0, 0),
	XN_I(JEQI, 5, 0, 1, 0),
	XN_I(LDI, 3, 0, 0, 1),
	XN_I(EMIT, 2, 3, 6, 0),
	XN_I(LDI, 8, 0, 0, 0),
	XN_I(RET, 8, 0, 0, 0),
};

START_TEST(verify_emitv)
{
	struct xn_insn p[] = {
		XN_I(EMITV, 1, XN_UDF_NOREG, 2, 1024), XN_I(RET, 0, 0, 0, 0),
	};
	uint32_t steps = 0;

	ck_assert_int_eq(xn_udf_verify(p, 2, &steps), 0);
	ck_assert_uint_eq(steps, 1 + 1024 + 1);
	p[0] = XN_I(EMITV, 1, 3, 2, 10);
	ck_assert_int_eq(xn_udf_verify(p, 2, &steps), 0);
	ck_assert_uint_eq(steps, 1 + 10 + 1);
	p[0] = XN_I(EMITV, 1, 3, 2, 0);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFBOUNDS);
	p[0] = XN_I(EMITV, 1, 3, 2, XN_BLOCK_SIZE / 4 + 1);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFBOUNDS);
	p[0] = XN_I(EMITV, 16, 3, 2, 4);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	p[0] = XN_I(EMITV, 1, 16, 2, 4);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	p[0] = XN_I(EMITV, 1, 3, 16, 4);
	ck_assert_int_eq(xn_udf_verify(p, 2, NULL), XN_EUDFREG);
	ck_assert_int_eq(xn_udf_verify(ind_loop, N(ind_loop), &steps), 0);
}
END_TEST

START_TEST(run_emitv)
{
	struct xn_insn p[] = {
		XN_I(LDI, 1, 0, 0, 8),          /* from byte 8 */
		XN_I(LDI, 2, 0, 0, 5),          /* type */
		XN_I(LDI, 3, 0, 0, 9),          /* 9 words */
		XN_I(EMITV, 1, 3, 2, 20),
		XN_I(RET, 0, 0, 0, 0),
	};
	static const uint32_t w[] = { 5, 6, 7, 0, 9, 0, 0, 12, 13, 14, 15 };
	static struct xn_udf_out o2;
	uint32_t i, k, args[1] = { 0 };

	memset(blk, 0, sizeof blk);
	for (i = 0; i < N(w); i++)
		t_put32(blk, 8 + 4 * i, w[i]);
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 64,
	    &out), 0);
	ck_assert_uint_eq(out.nextents, 3);     /* 5-7, 9, 12-13 (9 words) */
	ck_assert_uint_eq(out.ext[0].start, 5);
	ck_assert_uint_eq(out.ext[0].count, 3);
	ck_assert_uint_eq(out.ext[1].start, 9);
	ck_assert_uint_eq(out.ext[1].count, 1);
	ck_assert_uint_eq(out.ext[2].start, 12);
	ck_assert_uint_eq(out.ext[2].count, 2);
	ck_assert_uint_eq(out.ext[2].type, 5);
	ck_assert_uint_eq(out.nblocks, 6);
	ck_assert_uint_eq(out.steps, 5 + 9);
	/* max_blocks is the bound: 5 blocks are not enough */
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 5,
	    &out), XN_EUDFFAULT);
	/* a word past the block's end; a type that is not 16 bits */
	p[0] = XN_I(LDI, 1, 0, 0, XN_BLOCK_SIZE - 32);
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 64,
	    &out), XN_EUDFFAULT);
	p[0] = XN_I(LDI, 1, 0, 0, 8);
	p[1] = XN_I(LDI, 2, 0, 0, 0x10000);
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 64,
	    &out), XN_EUDFFAULT);
	/* unverified: imm beyond the fuel, b not a register */
	p[1] = XN_I(LDI, 2, 0, 0, 5);
	p[3] = XN_I(EMITV, 1, XN_UDF_NOREG, 2, 0xffffffffu);
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 64,
	    &out), XN_EUDFFAULT);
	p[3] = XN_I(EMITV, 1, 200, 2, 4);
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 64,
	    &out), XN_EUDFFAULT);
	/* The same sets as the loop it replaces, on random blocks: runs,
	 * holes, descending and equal neighbours, the largest numbers. */
	p[0] = XN_I(LDI, 1, 0, 0, 0);
	p[1] = XN_I(LDI, 2, 0, 0, 7);
	p[3] = XN_I(EMITV, 1, XN_UDF_NOREG, 2, 1024);
	srandom(16);
	for (k = 0; k < 200; k++) {
		uint32_t v = (uint32_t)random();

		for (i = 0; i < 1024; i++) {
			switch (random() % 6) {
			case 0: v = 0; break;
			case 1: v = (uint32_t)random(); break;
			case 2: v = 0xffffffffu - (uint32_t)(random() % 3); break;
			case 3: v = v - 1; break;
			default: v = v + 1; break;
			}
			t_put32(blk, 4 * i, v);
		}
		ck_assert_int_eq(xn_udf_run(ind_loop, N(ind_loop), blk,
		    sizeof blk, args, 1, 4096, &o2), 0);
		ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, args, 1,
		    4096, &out), 0);
		ck_assert_uint_eq(out.nextents, o2.nextents);
		ck_assert_uint_eq(out.nblocks, o2.nblocks);
		for (i = 0; i < out.nextents; i++) {
			ck_assert_uint_eq(out.ext[i].start, o2.ext[i].start);
			ck_assert_uint_eq(out.ext[i].count, o2.ext[i].count);
			ck_assert_uint_eq(out.ext[i].type, o2.ext[i].type);
		}
	}
}
END_TEST

START_TEST(run_arith_and_loads)
{
	struct xn_insn p[] = {
		XN_I(LDI, 1, 0, 0, 100),
		XN_I(LDI, 2, 0, 0, 7),
		XN_I(DIVU, 3, 1, 2, 0),        /* 14 */
		XN_I(MODU, 4, 1, 2, 0),        /* 2 */
		XN_I(DIVU, 5, 1, 0, 0),        /* r0 = 0: result 0 */
		XN_I(LD16, 6, 0, 0, 10),       /* block[10..11] */
		XN_I(SUB, 7, 5, 2, 0),         /* 0 - 7 wraps */
		XN_I(STS, 3, 0, 0, 15),
		XN_I(LDS, 8, 0, 0, 15),
		XN_I(MUL, 9, 8, 4, 0),         /* 28 */
		XN_I(ADD, 9, 9, 6, 0),         /* + 0x0201 */
		XN_I(SHRI, 10, 7, 0, 28),      /* 0xf */
		XN_I(ADD, 9, 9, 10, 0),
		XN_I(RET, 9, 0, 0, 0),
	};

	memset(blk, 0, sizeof blk);
	blk[10] = 1;
	blk[11] = 2;
	ck_assert_int_eq(xn_udf_verify(p, N(p), NULL), 0);
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 0, &out),
	                 0);
	ck_assert_uint_eq(out.ret, 28 + 0x0201 + 0xf);
	ck_assert_uint_eq(out.steps, N(p));
}
END_TEST

START_TEST(run_faults)
{
	struct xn_insn oob[] = {
		XN_I(LDI, 1, 0, 0, XN_BLOCK_SIZE - 2),
		XN_I(LD32, 2, 1, 0, 0),            /* 2 bytes past the end */
		XN_I(RET, 2, 0, 0, 0),
	};
	struct xn_insn wrap[] = {
		XN_I(LDI, 1, 0, 0, 0xffffffff),
		XN_I(LD8, 2, 1, 0, 1),             /* base + off wraps */
		XN_I(RET, 2, 0, 0, 0),
	};
	struct xn_insn fail[] = { XN_I(FAIL, 0, 0, 0, 0) };
	struct xn_insn many[] = {
		XN_I(LDI, 1, 0, 0, 100),
		XN_I(LDI, 2, 0, 0, 10),
		XN_I(EMIT, 1, 2, 2, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	struct xn_insn wrapemit[] = {
		XN_I(LDI, 1, 0, 0, 0xfffffffe),
		XN_I(LDI, 2, 0, 0, 3),
		XN_I(EMIT, 1, 2, 2, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	/* Unverified: four nested 65535 loops run out of fuel. */
	struct xn_insn spin[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 4, 65535),
		XN_I(LOOP, 2, XN_UDF_NOREG, 3, 65535),
		XN_I(LOOP, 3, XN_UDF_NOREG, 2, 65535),
		XN_I(LOOP, 4, XN_UDF_NOREG, 1, 65535),
		XN_I(ADDI, 5, 5, 0, 1),
		XN_I(RET, 5, 0, 0, 0),
	};

	ck_assert_int_eq(xn_udf_verify(oob, N(oob), NULL), 0);
	ck_assert_int_eq(xn_udf_run(oob, N(oob), blk, sizeof blk, NULL, 0, 0,
	                            &out), XN_EUDFFAULT);
	ck_assert_int_eq(xn_udf_run(wrap, N(wrap), blk, sizeof blk, NULL, 0, 0,
	                            &out), XN_EUDFFAULT);
	ck_assert_int_eq(xn_udf_run(fail, 1, blk, sizeof blk, NULL, 0, 0, &out),
	                 XN_EUDFFAIL);
	ck_assert_int_eq(xn_udf_run(many, N(many), blk, sizeof blk, NULL, 0, 9,
	                            &out), XN_EUDFFAULT);
	ck_assert_int_eq(xn_udf_run(many, N(many), blk, sizeof blk, NULL, 0, 10,
	                            &out), 0);
	ck_assert_uint_eq(out.nblocks, 10);
	ck_assert_int_eq(xn_udf_run(wrapemit, N(wrapemit), blk, sizeof blk,
	                            NULL, 0, 100, &out), XN_EUDFFAULT);
	ck_assert_int_eq(xn_udf_verify(spin, N(spin), NULL), XN_EUDFLOOP);
	ck_assert_int_eq(xn_udf_run(spin, N(spin), blk, sizeof blk, NULL, 0, 0,
	                            &out), XN_EUDFFAULT);
	ck_assert_uint_eq(out.steps, XN_UDF_MAX_STEPS);
}
END_TEST

START_TEST(run_loops)
{
	/* Sum the bytes 0..count-1 where count = block[0], max 8; stop at 0xff.
	   Writing the counter register does not change the iteration count. */
	struct xn_insn p[] = {
		XN_I(LD8, 1, 0, 0, 0),
		XN_I(LOOP, 2, 1, 5, 8),
		XN_I(LD8, 3, 2, 0, 1),
		XN_I(JNEI, 3, 0, 1, 0xff),
		XN_I(BRK, 0, 0, 0, 0),
		XN_I(ADD, 4, 4, 3, 0),
		XN_I(LDI, 2, 0, 0, 0),            /* clobber the counter */
		XN_I(RET, 4, 0, 0, 0),
	};
	int i;

	ck_assert_int_eq(xn_udf_verify(p, N(p), NULL), 0);
	memset(blk, 0, sizeof blk);
	blk[0] = 20;                          /* capped by imm 8 */
	for (i = 1; i <= 10; i++)
		blk[i] = (uint8_t)i;
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 0, &out),
	                 0);
	ck_assert_uint_eq(out.ret, 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8);
	blk[0] = 3;
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 0, &out),
	                 0);
	ck_assert_uint_eq(out.ret, 6);
	blk[0] = 8;
	blk[5] = 0xff;
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 0, &out),
	                 0);
	ck_assert_uint_eq(out.ret, 1 + 2 + 3 + 4);
	blk[0] = 0;                           /* zero iterations */
	ck_assert_int_eq(xn_udf_run(p, N(p), blk, sizeof blk, NULL, 0, 0, &out),
	                 0);
	ck_assert_uint_eq(out.ret, 0);
}
END_TEST

START_TEST(run_owns_test_dir)
{
	uint32_t args[1] = { 99 };

	memset(blk, 0, sizeof blk);
	t_put32(blk, 16 + 8 * 3, 50);
	t_put32(blk, 20 + 8 * 3, XN_TYPE_DATA);
	t_put32(blk, 16 + 8 * 31, 51);
	t_put32(blk, 20 + 8 * 31, T_DIR);
	ck_assert_int_eq(xn_udf_run(t_dir_owns, t_dir_owns_len, blk, sizeof blk,
	                            args, 1, XN_OWNS_MAX, &out), 0);
	ck_assert_uint_eq(out.nextents, 2);
	ck_assert_uint_eq(out.ext[0].start, 50);
	ck_assert_uint_eq(out.ext[0].type, XN_TYPE_DATA);
	ck_assert_uint_eq(out.ext[1].start, 51);
	ck_assert_uint_eq(out.ext[1].type, T_DIR);
}
END_TEST

START_TEST(encode_roundtrip)
{
	struct xn_insn a = XN_I(LOOP, 3, 4, 5, 0x12345678), b;
	uint8_t e[8];

	xn_insn_encode(&a, e);
	ck_assert_uint_eq(e[4], 0x78);
	xn_insn_decode(e, &b);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
}
END_TEST

START_TEST(register_rejects)
{
	struct fx f;
	struct xn_template t;
	struct xn_insn bad[] = { XN_I(LDI, 0, 0, 0, 1), XN_I(JMP, 0, 0, 5, 0),
	                         XN_I(RET, 0, 0, 0, 0) };
	struct xn_insn loops[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 2, 65535),
		XN_I(LOOP, 2, XN_UDF_NOREG, 1, 65535),
		XN_I(ADDI, 3, 3, 0, 1),
		XN_I(RET, 3, 0, 0, 0),
	};
	struct xn_insn ownsall[] = { XN_I(LDI, 1, 0, 0, 40),
	                             XN_I(EMIT1, 1, 0, 0, 1),
	                             XN_I(RET, 0, 0, 0, 0) };
	struct xn_insn failer[] = { XN_I(FAIL, 0, 0, 0, 0) };
	struct xn_insn aclfault[] = { XN_I(LDI, 1, 0, 0, 5000),
	                              XN_I(LD8, 1, 1, 0, 0),
	                              XN_I(RET, 1, 0, 0, 0) };
	uint16_t type;
	int i;

	fx_setup(&f);
	t = t_dir_template();
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EEXIST);
	t.type = 17;
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EEXIST); /* name */
	strcpy(t.name, "other");
	t.type = T_DIR;
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EEXIST); /* type */
	t.type = 5;
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_ETYPE);
	t.type = 17;
	strcpy(t.name, "has space");
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EINVAL);
	strcpy(t.name, "other");
	t.owns = bad; t.owns_len = N(bad);
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EUDFJUMP);
	t.owns = loops; t.owns_len = N(loops);
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EUDFLOOP);
	t.owns = ownsall; t.owns_len = N(ownsall);
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EUDFINIT);
	t.owns = failer; t.owns_len = N(failer);
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EUDFINIT);
	t.owns = t_dir_owns; t.owns_len = t_dir_owns_len;
	t.acl = aclfault; t.acl_len = N(aclfault);
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EUDFINIT);
	t.acl = NULL; t.acl_len = 0;
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_EUDFLEN);
	t.acl = t_dir_acl; t.acl_len = t_dir_acl_len;
	ck_assert_int_eq(xn_template_register(&f.x, 1, NULL), XN_EINVAL);
	ck_assert_int_eq(xn_template_find(&f.x, "other", &type), XN_ENOENT);
	/* Fill the table. */
	for (i = 1; i < XN_MAX_TEMPLATES; i++) {
		t.type = (uint16_t)(100 + i);
		t.name[5] = (char)('A' + i);
		t.name[6] = 0;
		ck_assert_int_eq(xn_template_register(&f.x, 1, &t), 0);
	}
	t.type = 99;
	t.name[5] = 'z';
	ck_assert_int_eq(xn_template_register(&f.x, 1, &t), XN_ENOSPC);
	ck_assert_int_eq(xn_template_find(&f.x, "test.dir", &type), 0);
	ck_assert_uint_eq(type, T_DIR);
	fx_done(&f);
}
END_TEST

Suite *
udf_suite(void)
{
	Suite *s = suite_create("udf");
	TCase *tc = tcase_create("verify");

	tcase_add_test(tc, verify_accepts_test_dir);
	tcase_add_test(tc, verify_rejects_length);
	tcase_add_test(tc, verify_rejects_operands);
	tcase_add_test(tc, verify_rejects_jumps);
	tcase_add_test(tc, verify_rejects_loops);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_add_test(tc, run_arith_and_loads);
	tcase_add_test(tc, run_faults);
	tcase_add_test(tc, run_loops);
	tcase_add_test(tc, run_owns_test_dir);
	tcase_add_test(tc, verify_emitv);
	tcase_add_test(tc, run_emitv);
	tcase_add_test(tc, encode_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("register");
	tcase_add_test(tc, register_rejects);
	suite_add_tcase(s, tc);
	return s;
}
