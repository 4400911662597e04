/*
 * xn/udf.c: the UDF verifier and interpreter.
 *
 * The verifier proves, before a template is accepted, that a UDF is well
 * formed and that every run ends within XN_UDF_MAX_STEPS instructions:
 * jumps go forward and stay inside their loop, loops are counted with a
 * hidden counter and a static bound.  The interpreter still checks every
 * load, every emitted extent and a step budget, so even unverified code
 * cannot crash or hang it (the fuzzers run it unverified too).
 */
#include <xn/xn.h>
#include <xn/udf.h>

/* Operand use of each opcode: which of a, b, c are registers. */
#define RA 1
#define RB 2
#define RC 4
#define UB 8    /* b is used but is not a plain register (LOOP) */
#define UC 16   /* c is used, not a register (jump offset, body length) */
#define UI 32   /* imm is used */

static const uint8_t opuse[XN_OP_COUNT] = {
	[XN_OP_LDI] = RA | UI,
	[XN_OP_MOV] = RA | RB,
	[XN_OP_ADD] = RA | RB | RC, [XN_OP_SUB] = RA | RB | RC,
	[XN_OP_MUL] = RA | RB | RC, [XN_OP_DIVU] = RA | RB | RC,
	[XN_OP_MODU] = RA | RB | RC, [XN_OP_AND] = RA | RB | RC,
	[XN_OP_OR] = RA | RB | RC, [XN_OP_XOR] = RA | RB | RC,
	[XN_OP_SHL] = RA | RB | RC, [XN_OP_SHR] = RA | RB | RC,
	[XN_OP_ADDI] = RA | RB | UI, [XN_OP_SUBI] = RA | RB | UI,
	[XN_OP_MULI] = RA | RB | UI, [XN_OP_ANDI] = RA | RB | UI,
	[XN_OP_ORI] = RA | RB | UI, [XN_OP_SHLI] = RA | RB | UI,
	[XN_OP_SHRI] = RA | RB | UI,
	[XN_OP_LD8] = RA | RB | UI, [XN_OP_LD16] = RA | RB | UI,
	[XN_OP_LD32] = RA | RB | UI,
	[XN_OP_LDS] = RA | UI, [XN_OP_STS] = RA | UI,
	[XN_OP_JMP] = UC,
	[XN_OP_JEQ] = RA | RB | UC, [XN_OP_JNE] = RA | RB | UC,
	[XN_OP_JLT] = RA | RB | UC, [XN_OP_JGE] = RA | RB | UC,
	[XN_OP_JEQI] = RA | UC | UI, [XN_OP_JNEI] = RA | UC | UI,
	[XN_OP_JLTI] = RA | UC | UI, [XN_OP_JGEI] = RA | UC | UI,
	[XN_OP_LOOP] = RA | UB | UC | UI,
	[XN_OP_BRK] = 0,
	[XN_OP_EMIT] = RA | RB | RC,
	[XN_OP_EMIT1] = RA | UI,
	[XN_OP_RET] = RA,
	[XN_OP_FAIL] = 0,
	[XN_OP_EMITV] = RA | UB | RC | UI,
};

static int
isjump(uint8_t op)
{
	return op >= XN_OP_JMP && op <= XN_OP_JGEI;
}

/* Operand checks for one instruction. */
static int
check_operands(const struct xn_insn *in)
{
	uint8_t u;

	if (in->op == XN_OP_INVALID || in->op >= XN_OP_COUNT)
		return XN_EUDFOP;
	u = opuse[in->op];
	if (((u & RA) ? in->a >= XN_UDF_NREGS : in->a != 0) ||
	    ((u & RB) ? in->b >= XN_UDF_NREGS :
	     (u & UB) ? (in->b >= XN_UDF_NREGS && in->b != XN_UDF_NOREG) :
	     in->b != 0) ||
	    ((u & RC) ? in->c >= XN_UDF_NREGS : (u & UC) ? 0 : in->c != 0))
		return XN_EUDFREG;
	if (!(u & UI) && in->imm != 0)
		return XN_EUDFOP;
	switch (in->op) {
	case XN_OP_LD8: case XN_OP_LD16: case XN_OP_LD32:
		if (in->imm >= XN_BLOCK_SIZE)
			return XN_EUDFBOUNDS;
		break;
	case XN_OP_LDS: case XN_OP_STS:
		if (in->imm >= XN_UDF_NSCRATCH)
			return XN_EUDFREG;
		break;
	case XN_OP_EMIT1:
		if (in->imm > 0xffff)
			return XN_EUDFOP;
		break;
	case XN_OP_LOOP:
		if (in->c == 0 || in->imm == 0 || in->imm > XN_UDF_MAX_ITER)
			return XN_EUDFLOOP;
		break;
	case XN_OP_EMITV:
		if (in->imm == 0 || in->imm > XN_BLOCK_SIZE / 4)
			return XN_EUDFBOUNDS;
		break;
	}
	return 0;
}

/* Worst-case steps of code[s, e); saturates above XN_UDF_MAX_STEPS. */
static uint64_t
cost(const struct xn_insn *code, uint32_t s, uint32_t e, int depth)
{
	uint64_t total = 0, body;
	uint32_t pc = s;

	while (pc < e) {
		if (code[pc].op == XN_OP_LOOP) {
			if (depth >= XN_UDF_MAX_DEPTH)
				return (uint64_t)XN_UDF_MAX_STEPS + 1;
			body = cost(code, pc + 1, pc + 1 + code[pc].c, depth + 1);
			total += 1 + body * code[pc].imm;
			pc += 1 + code[pc].c;
		} else {
			total += code[pc].op == XN_OP_EMITV ? 1 + code[pc].imm : 1;
			pc++;
		}
		if (total > XN_UDF_MAX_STEPS)
			return (uint64_t)XN_UDF_MAX_STEPS + 1;
	}
	return total;
}

int
xn_udf_verify(const struct xn_insn *code, uint32_t n, uint32_t *stepsp)
{
	uint32_t ends[XN_UDF_MAX_DEPTH];
	uint32_t pc, s, bound, t, end;
	int depth = 0, r;
	uint64_t steps;

	if (code == NULL || n == 0 || n > XN_UDF_MAX_INSNS)
		return XN_EUDFLEN;
	for (pc = 0; pc < n; pc++)
		if ((r = check_operands(&code[pc])) != 0)
			return r;
	if (code[n - 1].op != XN_OP_RET && code[n - 1].op != XN_OP_FAIL)
		return XN_EUDFLEN;

	for (pc = 0; pc < n; pc++) {
		while (depth > 0 && ends[depth - 1] == pc)
			depth--;
		/* The innermost end a jump or a body may reach. */
		bound = depth > 0 ? ends[depth - 1] : n - 1;
		if (code[pc].op == XN_OP_LOOP) {
			end = pc + 1 + code[pc].c;
			if (depth == XN_UDF_MAX_DEPTH || end > bound)
				return XN_EUDFLOOP;
			ends[depth++] = end;
		} else if (isjump(code[pc].op)) {
			t = pc + 1 + code[pc].c;
			if (t > bound)
				return XN_EUDFJUMP;
			/* Never into the middle of a loop we skip over. */
			for (s = pc + 1; s < t; s++)
				if (code[s].op == XN_OP_LOOP &&
				    s + 1 + code[s].c > t)
					return XN_EUDFJUMP;
		} else if (code[pc].op == XN_OP_BRK && depth == 0) {
			return XN_EUDFJUMP;
		}
	}
	steps = cost(code, 0, n, 0);
	if (steps > XN_UDF_MAX_STEPS)
		return XN_EUDFLOOP;
	if (stepsp)
		*stepsp = (uint32_t)steps;
	return 0;
}

struct loopframe {
	uint32_t start, end, count, limit;
	uint8_t reg;
};

static int
load(const uint8_t *block, uint32_t blen, uint32_t base, uint32_t off,
     uint32_t width, uint32_t *v)
{
	uint64_t addr = (uint64_t)base + off;
	uint32_t i, r = 0;

	if (block == NULL || addr + width > blen)
		return XN_EUDFFAULT;
	for (i = 0; i < width; i++)
		r |= (uint32_t)block[addr + i] << (8 * i);
	*v = r;
	return 0;
}

static int
emit(struct xn_udf_out *out, uint32_t start, uint32_t count, uint32_t type,
     uint32_t max_blocks)
{
	struct xn_extent *e;

	if (count == 0)
		return 0;
	if (type > 0xffff || (uint64_t)start + count > 0x100000000ull ||
	    count > max_blocks - out->nblocks ||
	    out->nextents == XN_UDF_MAX_EXTENTS)
		return XN_EUDFFAULT;
	e = &out->ext[out->nextents++];
	e->start = start;
	e->count = count;
	e->type = (uint16_t)type;
	out->nblocks += count;
	return 0;
}

/*
 * EMITV: the n words from byte base, zeros skipped, each run of
 * consecutive block numbers one extent.  Faults (nothing emitted that
 * counts: the whole run fails) if a word lies outside the block.  One
 * native loop where the same in instructions took about eight steps a
 * word (C-FFS's indirect blocks: docs/XN.md, "The UDF language").
 */
static int
emitv(struct xn_udf_out *out, const uint8_t *block, uint32_t blen,
      uint32_t base, uint32_t n, uint32_t type, uint32_t max_blocks)
{
	uint32_t i, p, start = 0, count = 0;
	int err;

	if (block == NULL || (uint64_t)base + 4ull * n > blen)
		return XN_EUDFFAULT;
	for (i = 0; i < n; i++) {
		p = (uint32_t)block[base + 4 * i] |
		    (uint32_t)block[base + 4 * i + 1] << 8 |
		    (uint32_t)block[base + 4 * i + 2] << 16 |
		    (uint32_t)block[base + 4 * i + 3] << 24;
		if (count > 0 && p != 0 && p == start + count) {
			count++;
			continue;
		}
		if ((err = emit(out, start, count, type, max_blocks)))
			return err;
		start = p;
		count = p != 0;
	}
	return emit(out, start, count, type, max_blocks);
}

int
xn_udf_run(const struct xn_insn *code, uint32_t n, const uint8_t *block,
           uint32_t blen, const uint32_t *args, uint32_t nargs,
           uint32_t max_blocks, struct xn_udf_out *out)
{
	uint32_t r[XN_UDF_NREGS] = { 0 }, scratch[XN_UDF_NSCRATCH] = { 0 };
	struct loopframe lf[XN_UDF_MAX_DEPTH];
	uint32_t pc = 0, fuel = XN_UDF_MAX_STEPS, i, v, b, c;
	int depth = 0, err;
	const struct xn_insn *in;
	struct loopframe *f;

	if (out == NULL)
		return XN_EUDFFAULT;
	out->ret = 0;
	out->nextents = 0;
	out->nblocks = 0;
	out->steps = 0;
	if (code == NULL || n == 0 || n > XN_UDF_MAX_INSNS ||
	    (nargs > 0 && args == NULL))
		return XN_EUDFFAULT;
	for (i = 0; i < nargs && i < XN_UDF_NREGS; i++)
		r[i] = args[i];

	for (;;) {
		/* End of a loop body: next iteration or leave. */
		while (depth > 0 && pc == lf[depth - 1].end) {
			f = &lf[depth - 1];
			if (++f->count < f->limit) {
				r[f->reg] = f->count;
				pc = f->start;
				break;
			}
			depth--;
		}
		if (pc >= n || fuel == 0)
			return XN_EUDFFAULT;
		fuel--;
		out->steps++;
		in = &code[pc];
		/* Operands are re-checked so unverified code is safe too. */
		if (in->op == XN_OP_INVALID || in->op >= XN_OP_COUNT ||
		    in->a >= XN_UDF_NREGS ||
		    (in->b >= XN_UDF_NREGS &&
		     !((in->op == XN_OP_LOOP || in->op == XN_OP_EMITV) &&
		       in->b == XN_UDF_NOREG)) ||
		    ((opuse[in->op] & RC) && in->c >= XN_UDF_NREGS))
			return XN_EUDFFAULT;
		b = r[in->b < XN_UDF_NREGS ? in->b : 0];
		c = r[in->c < XN_UDF_NREGS ? in->c : 0];
		pc++;
		switch (in->op) {
		case XN_OP_LDI:  r[in->a] = in->imm; break;
		case XN_OP_MOV:  r[in->a] = b; break;
		case XN_OP_ADD:  r[in->a] = b + c; break;
		case XN_OP_SUB:  r[in->a] = b - c; break;
		case XN_OP_MUL:  r[in->a] = b * c; break;
		case XN_OP_DIVU: r[in->a] = c ? b / c : 0; break;
		case XN_OP_MODU: r[in->a] = c ? b % c : 0; break;
		case XN_OP_AND:  r[in->a] = b & c; break;
		case XN_OP_OR:   r[in->a] = b | c; break;
		case XN_OP_XOR:  r[in->a] = b ^ c; break;
		case XN_OP_SHL:  r[in->a] = b << (c & 31); break;
		case XN_OP_SHR:  r[in->a] = b >> (c & 31); break;
		case XN_OP_ADDI: r[in->a] = b + in->imm; break;
		case XN_OP_SUBI: r[in->a] = b - in->imm; break;
		case XN_OP_MULI: r[in->a] = b * in->imm; break;
		case XN_OP_ANDI: r[in->a] = b & in->imm; break;
		case XN_OP_ORI:  r[in->a] = b | in->imm; break;
		case XN_OP_SHLI: r[in->a] = b << (in->imm & 31); break;
		case XN_OP_SHRI: r[in->a] = b >> (in->imm & 31); break;
		case XN_OP_LD8:
		case XN_OP_LD16:
		case XN_OP_LD32:
			v = in->op == XN_OP_LD8 ? 1 : in->op == XN_OP_LD16 ? 2 : 4;
			if ((err = load(block, blen, b, in->imm, v, &r[in->a])))
				return err;
			break;
		case XN_OP_LDS:
			if (in->imm >= XN_UDF_NSCRATCH)
				return XN_EUDFFAULT;
			r[in->a] = scratch[in->imm];
			break;
		case XN_OP_STS:
			if (in->imm >= XN_UDF_NSCRATCH)
				return XN_EUDFFAULT;
			scratch[in->imm] = r[in->a];
			break;
		case XN_OP_JMP:  pc += in->c; break;
		case XN_OP_JEQ:  if (r[in->a] == b) pc += in->c; break;
		case XN_OP_JNE:  if (r[in->a] != b) pc += in->c; break;
		case XN_OP_JLT:  if (r[in->a] < b) pc += in->c; break;
		case XN_OP_JGE:  if (r[in->a] >= b) pc += in->c; break;
		case XN_OP_JEQI: if (r[in->a] == in->imm) pc += in->c; break;
		case XN_OP_JNEI: if (r[in->a] != in->imm) pc += in->c; break;
		case XN_OP_JLTI: if (r[in->a] < in->imm) pc += in->c; break;
		case XN_OP_JGEI: if (r[in->a] >= in->imm) pc += in->c; break;
		case XN_OP_LOOP:
			v = in->imm;
			if (in->b != XN_UDF_NOREG && b < v)
				v = b;
			if (v == 0) {
				pc += in->c;
				break;
			}
			if (depth == XN_UDF_MAX_DEPTH)
				return XN_EUDFFAULT;
			f = &lf[depth++];
			f->start = pc;
			f->end = pc + in->c;
			f->count = 0;
			f->limit = v;
			f->reg = in->a;
			r[in->a] = 0;
			break;
		case XN_OP_BRK:
			if (depth == 0)
				return XN_EUDFFAULT;
			pc = lf[--depth].end;
			break;
		case XN_OP_EMIT:
			if ((err = emit(out, r[in->a], b, c, max_blocks)))
				return err;
			break;
		case XN_OP_EMIT1:
			if ((err = emit(out, r[in->a], 1, in->imm, max_blocks)))
				return err;
			break;
		case XN_OP_EMITV:
			v = in->imm;
			if (in->b != XN_UDF_NOREG && b < v)
				v = b;
			if (v > fuel)
				return XN_EUDFFAULT;
			fuel -= v;
			out->steps += v;
			if ((err = emitv(out, block, blen, r[in->a], v, c,
			    max_blocks)))
				return err;
			break;
		case XN_OP_RET:
			out->ret = r[in->a];
			return 0;
		case XN_OP_FAIL:
			return XN_EUDFFAIL;
		default:
			return XN_EUDFFAULT;
		}
	}
}

void
xn_insn_encode(const struct xn_insn *in, uint8_t *o)
{
	o[0] = in->op;
	o[1] = in->a;
	o[2] = in->b;
	o[3] = in->c;
	o[4] = (uint8_t)in->imm;
	o[5] = (uint8_t)(in->imm >> 8);
	o[6] = (uint8_t)(in->imm >> 16);
	o[7] = (uint8_t)(in->imm >> 24);
}

void
xn_insn_decode(const uint8_t *i, struct xn_insn *out)
{
	out->op = i[0];
	out->a = i[1];
	out->b = i[2];
	out->c = i[3];
	out->imm = (uint32_t)i[4] | (uint32_t)i[5] << 8 |
	           (uint32_t)i[6] << 16 | (uint32_t)i[7] << 24;
}

/* Opcode numbers are part of the on-disk template format. */
_Static_assert(XN_OP_LD8 == 20 && XN_OP_JMP == 25 && XN_OP_LOOP == 34 &&
               XN_OP_FAIL == 39 && XN_OP_EMITV == 40 && XN_OP_COUNT == 41,
               "UDF opcode numbering");
_Static_assert(sizeof(struct xn_insn) == 8, "xn_insn is 8 bytes");
