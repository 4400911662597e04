/*
 * xn/udf.h: the UDF bytecode (untrusted deterministic functions).
 *
 * A UDF is a short array of fixed-size instructions.  It reads only the
 * block it is given, sixteen 32-bit registers and a sixteen-word scratch
 * area.  Jumps go forward only; the only way to repeat is LOOP, whose body
 * and iteration bound are fixed in the instruction, so the verifier computes
 * a worst-case step count and refuses programs that exceed XN_UDF_MAX_STEPS.
 * docs/XN.md specifies every opcode.
 */
#ifndef XN_UDF_H
#define XN_UDF_H

#include <xn/port.h>

#define XN_UDF_MAX_INSNS  120      /* instructions per UDF */
#define XN_UDF_NREGS      16
#define XN_UDF_NSCRATCH   16       /* scratch words */
#define XN_UDF_MAX_DEPTH  4        /* loop nesting */
#define XN_UDF_MAX_ITER   65535    /* static bound of one LOOP */
#define XN_UDF_MAX_STEPS  (1u << 18) /* worst-case executed instructions */
#define XN_UDF_NOREG      0xff     /* LOOP without a dynamic count */

/* One instruction; encoded on disk as op,a,b,c then imm little-endian. */
struct xn_insn {
	uint8_t  op;
	uint8_t  a, b, c;
	uint32_t imm;
};

enum xn_op {
	XN_OP_INVALID = 0,   /* zero-filled code is refused */
	XN_OP_LDI,     /* ra = imm */
	XN_OP_MOV,     /* ra = rb */
	XN_OP_ADD,     /* ra = rb + rc (mod 2^32) */
	XN_OP_SUB,
	XN_OP_MUL,
	XN_OP_DIVU,    /* ra = rc ? rb / rc : 0 */
	XN_OP_MODU,    /* ra = rc ? rb % rc : 0 */
	XN_OP_AND,
	XN_OP_OR,
	XN_OP_XOR,
	XN_OP_SHL,     /* ra = rb << (rc & 31) */
	XN_OP_SHR,     /* ra = rb >> (rc & 31) (logical) */
	XN_OP_ADDI,    /* ra = rb + imm */
	XN_OP_SUBI,
	XN_OP_MULI,
	XN_OP_ANDI,
	XN_OP_ORI,
	XN_OP_SHLI,    /* ra = rb << (imm & 31) */
	XN_OP_SHRI,
	XN_OP_LD8,     /* ra = block[rb + imm], zero-extended */
	XN_OP_LD16,    /* little-endian */
	XN_OP_LD32,
	XN_OP_LDS,     /* ra = scratch[imm] */
	XN_OP_STS,     /* scratch[imm] = ra */
	XN_OP_JMP,     /* pc += 1 + c */
	XN_OP_JEQ,     /* if ra == rb: pc += 1 + c */
	XN_OP_JNE,
	XN_OP_JLT,     /* unsigned */
	XN_OP_JGE,
	XN_OP_JEQI,    /* if ra == imm: pc += 1 + c */
	XN_OP_JNEI,
	XN_OP_JLTI,
	XN_OP_JGEI,
	XN_OP_LOOP,    /* body = next c insns, run min(rb, imm) times (imm if
	                  b == XN_UDF_NOREG); ra = iteration index 0.. */
	XN_OP_BRK,     /* leave the innermost loop */
	XN_OP_EMIT,    /* owns: blocks ra .. ra+rb-1, type rc */
	XN_OP_EMIT1,   /* owns: block ra, type imm */
	XN_OP_RET,     /* return ra */
	XN_OP_FAIL,    /* the block is malformed: the call fails */
	XN_OP_EMITV,   /* owns: the nonzero little-endian 32-bit words at
	                  block[ra], block[ra + 4], ... (min(rb, imm) of
	                  them, imm if b is XN_UDF_NOREG), each run of
	                  consecutive numbers one extent, type rc; costs
	                  1 + that many steps */
	XN_OP_COUNT
};

/* What an owns-udf produced: typed block ranges. */
struct xn_extent {
	uint32_t start;
	uint32_t count;
	uint16_t type;
};

/*
 * Extents one owns-udf run may emit.  Equal to XN_OWNS_MAX (xn.h), so the
 * binding limit is the number of blocks, not how fragmented they are: a
 * C-FFS indirect block of 1024 unrelated pointers is 1024 extents.
 * struct xn_udf_out is then 48 KiB; XN keeps one in its arena.
 */
#define XN_UDF_MAX_EXTENTS 4096

struct xn_udf_out {
	uint32_t ret;                   /* value of RET */
	uint32_t nextents;
	uint32_t nblocks;               /* sum of counts */
	uint32_t steps;                 /* instructions executed */
	struct xn_extent ext[XN_UDF_MAX_EXTENTS];
};

/*
 * Check a UDF.  Returns 0 or one of XN_EUDFLEN, XN_EUDFOP, XN_EUDFREG,
 * XN_EUDFJUMP, XN_EUDFBOUNDS, XN_EUDFLOOP.  *stepsp (may be NULL) gets
 * the worst-case step count.
 */
int xn_udf_verify(const struct xn_insn *code, uint32_t n, uint32_t *stepsp);

/*
 * Run a verified UDF on one block (blen bytes) with the given initial
 * registers r0..r(nargs-1); the others start at zero.  max_blocks bounds
 * the owns output.  Returns 0, XN_EUDFFAIL (FAIL executed) or XN_EUDFFAULT
 * (bad load, too many extents, fuel exhausted, bad code).
 */
int xn_udf_run(const struct xn_insn *code, uint32_t n,
               const uint8_t *block, uint32_t blen,
               const uint32_t *args, uint32_t nargs,
               uint32_t max_blocks, struct xn_udf_out *out);

/* Encode/decode instructions to the on-disk byte form (8 bytes each). */
void xn_insn_encode(const struct xn_insn *in, uint8_t *out8);
void xn_insn_decode(const uint8_t *in8, struct xn_insn *out);

/* Helper for writing UDFs in C. */
#define XN_I(op_, a_, b_, c_, imm_) \
	((struct xn_insn){ .op = XN_OP_##op_, .a = (a_), .b = (b_), .c = (c_), \
	                   .imm = (uint32_t)(imm_) })

#endif /* XN_UDF_H */
