/*
 * xn/fuzz/fuzz_udf.c: libFuzzer target for the UDF verifier and
 * interpreter.  The input is a program (8 bytes per instruction) followed
 * by block contents.  Properties: the interpreter never crashes on any
 * program; a verified program never runs more steps than the verifier's
 * bound, never falls off its end, and runs deterministically.
 */
#include <xn/xn.h>
#include <xn/udf.h>
#include <stdlib.h>

static uint8_t block[XN_BLOCK_SIZE];
static struct xn_udf_out o1, o2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xn_insn code[XN_UDF_MAX_INSNS + 2];
	uint32_t n, i, bound = 0, args[8];
	size_t rest;
	int r1, r2, v;

	if (size < 1)
		return 0;
	n = data[0] % (XN_UDF_MAX_INSNS + 2);
	data++, size--;
	if (size < (size_t)n * 8)
		n = (uint32_t)(size / 8);
	for (i = 0; i < n; i++)
		xn_insn_decode(data + 8 * i, &code[i]);
	rest = size - (size_t)n * 8;
	memset(block, 0, sizeof block);
	memcpy(block, data + (size_t)n * 8, rest < sizeof block ? rest : sizeof block);
	for (i = 0; i < 8; i++)
		args[i] = (uint32_t)block[i] * 977u;

	v = xn_udf_verify(code, n, &bound);
	r1 = xn_udf_run(code, n, block, sizeof block, args, 8, XN_OWNS_MAX, &o1);
	if (v == 0) {
		if (o1.steps > bound)
			abort();
		/* Verified code cannot run off its end or out of fuel. */
		if (r1 == XN_EUDFFAULT && o1.steps == XN_UDF_MAX_STEPS)
			abort();
		r2 = xn_udf_run(code, n, block, sizeof block, args, 8,
		                XN_OWNS_MAX, &o2);
		if (r1 != r2 || o1.ret != o2.ret || o1.nextents != o2.nextents ||
		    o1.steps != o2.steps ||
		    memcmp(o1.ext, o2.ext, o1.nextents * sizeof o1.ext[0]))
			abort();
	}
	if (o1.nblocks > XN_OWNS_MAX || o1.nextents > XN_UDF_MAX_EXTENTS)
		abort();
	return 0;
}
