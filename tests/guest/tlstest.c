/*
 * tlstest.c: per-environment FS and GS bases (ENV_SET_BASE) and the full
 * context of a child (ENV_SET_CONTEXT).  Booted as init, it spawns copies
 * of itself: two that read their own %fs:0 and %gs:0 over and over while
 * yielding to each other (one set its bases itself, the other's were set
 * by the parent) and a third that keeps loading selectors; and a child
 * started by ENV_SET_CONTEXT that reports every register it got.  Every
 * hostile value (non-canonical or kernel-half base or rip, bad MXCSR,
 * bad pointer) must be refused with an error, never a kernel fault.
 * Also: a prologue upcall that cannot be written exits XOK_EXIT_UPCALL.
 * Prints "PASS: name" or "FAIL: name ..." per check, then ALL-DONE.
 */
#include "check.h"
#include "role.h"

#define SHARED_VA 0x0000000500000000UL
#define SHARED ((volatile uint64_t *)SHARED_VA)
#define DRIVER_TLS_VA 0x0000000600000000UL

/* Where in its shared page each child finds its thread data. */
#define A_FS 0x800
#define A_GS 0xa00
#define B_FS 0xc00
#define B_GS 0xe00
#define MAGIC_A_FS 0xa11ce0000000f5f5UL
#define MAGIC_A_GS 0xa11ce0000000a5a5UL
#define MAGIC_B_FS 0xb0b0000000000f5fUL
#define MAGIC_B_GS 0xb0b00000000000a5UL

/* ENV_SET_CONTEXT's probe stores at its rsp, SHARED_VA + CTX_SP: */
#define CTX_SP 0x800
enum { P_RAX, P_RBX, P_RCX, P_RDX, P_RSI, P_RDI, P_RBP, P_R8, P_R9, P_R10,
	P_R11, P_R12, P_R13, P_R14, P_R15, P_RSP, P_RFLAGS, P_FS0, P_GS0,
	P_MXCSR, P_FCW, P_XMM0LO, P_XMM0HI, P_DONE };

enum role {
	R_DRIVER = 0,
	R_TLS_SELF,             /* sets its own bases, reads them, yields */
	R_TLS_PARENT,           /* its parent set its bases */
	R_SEL_CLOBBER,          /* loads selectors into %fs %gs, yields */
	R_CTX,                  /* started by ENV_SET_CONTEXT at ctx_probe */
	R_BAD_PROLOGUE,         /* a prologue entry, an unmapped upcall stack */
};

#define UNMAPPED_VA 0x0000000700000000UL

void ctx_probe(void);
__asm__(
	".text\n"
	".globl ctx_probe\n"
	"ctx_probe:\n"
	"	movq %rax, 0(%rsp)\n"
	"	movq %rbx, 8(%rsp)\n"
	"	movq %rcx, 16(%rsp)\n"
	"	movq %rdx, 24(%rsp)\n"
	"	movq %rsi, 32(%rsp)\n"
	"	movq %rdi, 40(%rsp)\n"
	"	movq %rbp, 48(%rsp)\n"
	"	movq %r8, 56(%rsp)\n"
	"	movq %r9, 64(%rsp)\n"
	"	movq %r10, 72(%rsp)\n"
	"	movq %r11, 80(%rsp)\n"
	"	movq %r12, 88(%rsp)\n"
	"	movq %r13, 96(%rsp)\n"
	"	movq %r14, 104(%rsp)\n"
	"	movq %r15, 112(%rsp)\n"
	"	movq %rsp, 120(%rsp)\n"
	"	pushfq\n"
	"	popq %rax\n"
	"	movq %rax, 128(%rsp)\n"
	"	movq %fs:0, %rax\n"
	"	movq %rax, 136(%rsp)\n"
	"	movq %gs:0, %rax\n"
	"	movq %rax, 144(%rsp)\n"
	"	stmxcsr 152(%rsp)\n"
	"	fnstcw 160(%rsp)\n"
	"	movlps %xmm0, 168(%rsp)\n"
	"	movhps %xmm0, 176(%rsp)\n"
	"	movq $1, 184(%rsp)\n"
	"1:	pause\n"
	"	jmp 1b\n");

static uint64_t
fs0(void)
{
	uint64_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static uint64_t
gs0(void)
{
	uint64_t v;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(v));
	return v;
}

/* ---- children ---------------------------------------------------------- */

/* Read our own %fs:0 and %gs:0 until told to stop, yielding each time:
 * SHARED[0] counts rounds, SHARED[3] wrong values, SHARED[4] the last. */
static void
tls_loop(uint64_t fs_off, uint64_t gs_off)
{
	uint64_t want_fs = SHARED[fs_off / 8], want_gs = SHARED[gs_off / 8];

	while (!SHARED[5]) {
		uint64_t f = fs0(), g = gs0();

		if (f != want_fs || g != want_gs) {
			SHARED[3]++;
			SHARED[4] = f != want_fs ? f : g;
		}
		SHARED[0]++;
		sys_yield(XOK_SELF);
	}
}

static int
child_main(enum role r)
{
	uint16_t sel;

	switch (r) {
	case R_TLS_SELF:
		SHARED[1] = (uint64_t)sys_env_set_base(XOK_SELF, 0, XOK_BASE_FS,
		    SHARED_VA + A_FS);
		SHARED[2] = (uint64_t)sys_env_set_base(XOK_SELF, 0, XOK_BASE_GS,
		    SHARED_VA + A_GS);
		tls_loop(A_FS, A_GS);
		return 0;
	case R_TLS_PARENT:
		tls_loop(B_FS, B_GS);
		return 0;
	case R_SEL_CLOBBER:
		while (!SHARED[5]) {
			sel = SHARED[0] % 2 ? 0x23 : 0;
			__asm__ volatile("movw %0, %%fs; movw %0, %%gs" :: "r"(sel));
			SHARED[0]++;
			sys_yield(XOK_SELF);
		}
		return 0;
	case R_BAD_PROLOGUE: {
		struct xok_upcalls up = { .prologue = (uint64_t)ctx_probe,
		    .stack_lo = UNMAPPED_VA, .stack_hi = UNMAPPED_VA + 4096 };

		SHARED[1] = (uint64_t)sys_env_set_upcalls(XOK_SELF, 0, &up);
		SHARED[0] = 1;
		sys_yield(XOK_SELF);    /* the prologue cannot be written */
		SHARED[0] = 2;
		return 0;
	}
	default:
		return 99;
	}
}

/* ---- the driver -------------------------------------------------------- */

static const void *self_image;
static uint64_t self_size;

/* Spawn a copy of ourselves in role r, not started, with a fresh shared
 * page at SHARED_VA (ours at *shared). */
static int64_t
spawn_role(enum role r, volatile uint64_t **shared)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = r, .slices = 1, .start = 0 };

	return role_spawn(&sp, SHARED_VA, shared, NULL);
}

static int
dead(int64_t id)
{
	return !xok_env_alive((uint64_t)id);
}

/* Our own FS base, and every value ENV_SET_BASE must refuse. */
static void
test_self_base(void)
{
	static const uint64_t bad[] = {
		0x0000800000000000UL,   /* first non-canonical address */
		0x8000000000000000UL,   /* non-canonical */
		0x00ff000000000000UL,   /* non-canonical */
		0xffff800000000000UL,   /* kernel half (canonical) */
		0xffffffff80000000UL,   /* the kernel's own image */
		0xfffffffffffffff8UL,
	};
	volatile uint64_t *tls = (volatile uint64_t *)DRIVER_TLS_VA;
	unsigned i;

	if (exos_map_new(DRIVER_TLS_VA, 1, XOK_PTE_W | XOK_PTE_NX) < 0) {
		EXPECT("self: map a TLS page", 0);
		return;
	}
	tls[0] = 0xd71e0000000000f5UL;
	tls[1] = 0xd71e0000000000a5UL;
	EXPECT_EQ("self: set own FS base", sys_env_set_base(XOK_SELF, 0,
	    XOK_BASE_FS, DRIVER_TLS_VA), 0);
	EXPECT_EQ("self: set own GS base", sys_env_set_base(XOK_SELF, 0,
	    XOK_BASE_GS, DRIVER_TLS_VA + 8), 0);
	EXPECT_EQ("self: %fs:0 reads the TLS page", fs0(), tls[0]);
	EXPECT_EQ("self: %gs:0 reads the GS page", gs0(), tls[1]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ("self: hostile FS base refused (XE_INVAL)",
		    sys_env_set_base(XOK_SELF, 0, XOK_BASE_FS, bad[i]), -XE_INVAL);
		EXPECT_EQ("self: hostile GS base refused (XE_INVAL)",
		    sys_env_set_base(XOK_SELF, 0, XOK_BASE_GS, bad[i]), -XE_INVAL);
	}
	EXPECT_EQ("self: unknown base register refused",
	    sys_env_set_base(XOK_SELF, 0, 2, DRIVER_TLS_VA), -XE_INVAL);
	EXPECT_EQ("self: the highest user address is a valid base",
	    sys_env_set_base(XOK_SELF, 0, XOK_BASE_GS, 0x00007ffffffffff8UL), 0);
	EXPECT_EQ("self: GS base back", sys_env_set_base(XOK_SELF, 0,
	    XOK_BASE_GS, DRIVER_TLS_VA + 8), 0);
	EXPECT_EQ("self: %fs:0 unchanged after the refusals", fs0(), tls[0]);
	EXPECT_EQ("self: %gs:0 unchanged after the refusals", gs0(), tls[1]);
	sys_yield(XOK_SELF);
	EXPECT_EQ("self: %fs:0 after a yield", fs0(), tls[0]);
}

/* Two children with different bases, each reading its own while they
 * yield to each other and to a third that keeps loading selectors. */
static void
test_switch(void)
{
	volatile uint64_t *a, *b, *c;
	int64_t ca = spawn_role(R_TLS_SELF, &a);
	int64_t cb = spawn_role(R_TLS_PARENT, &b);
	int64_t cc = spawn_role(R_SEL_CLOBBER, &c);

	EXPECT("switch: children", ca > 0 && cb > 0 && cc > 0);
	if (ca <= 0 || cb <= 0 || cc <= 0)
		return;
	a[A_FS / 8] = MAGIC_A_FS, a[A_GS / 8] = MAGIC_A_GS;
	b[B_FS / 8] = MAGIC_B_FS, b[B_GS / 8] = MAGIC_B_GS;
	EXPECT_EQ("parent: set a child's FS base", sys_env_set_base(
	    (uint64_t)cb, 0, XOK_BASE_FS, SHARED_VA + B_FS), 0);
	EXPECT_EQ("parent: set a child's GS base", sys_env_set_base(
	    (uint64_t)cb, 0, XOK_BASE_GS, SHARED_VA + B_GS), 0);
	EXPECT_EQ("parent: hostile base for a child refused", sys_env_set_base(
	    (uint64_t)cb, 0, XOK_BASE_FS, 0xffff800000001000UL), -XE_INVAL);
	EXPECT_EQ("parent: no capability in the slot", sys_env_set_base(
	    (uint64_t)cb, 9, XOK_BASE_FS, SHARED_VA), -XE_NOCAP);
	EXPECT_EQ("parent: no such environment", sys_env_set_base(
	    (uint64_t)cb ^ (1 << 6), 0, XOK_BASE_FS, SHARED_VA), -XE_NOENT);
	sys_env_set_status((uint64_t)ca, 0, XOK_ENV_RUNNABLE);
	sys_env_set_status((uint64_t)cb, 0, XOK_ENV_RUNNABLE);
	sys_env_set_status((uint64_t)cc, 0, XOK_ENV_RUNNABLE);
	WAIT_FOR(a[0] > 300 && b[0] > 300 && c[0] > 300, 10000);
	a[5] = b[5] = c[5] = 1;
	printf("switch: rounds A %lu B %lu clobber %lu\n", a[0], b[0], c[0]);
	EXPECT("switch: all ran many rounds", a[0] > 300 && b[0] > 300 &&
	    c[0] > 300);
	EXPECT_EQ("switch: A set its own FS base", a[1], 0);
	EXPECT_EQ("switch: A set its own GS base", a[2], 0);
	EXPECT_EQ("switch: A always read its own %fs:0 and %gs:0", a[3], 0);
	if (a[3])
		printf("    A read %lx\n", a[4]);
	EXPECT_EQ("switch: B always read its own %fs:0 and %gs:0", b[3], 0);
	if (b[3])
		printf("    B read %lx\n", b[4]);
	EXPECT_EQ("switch: the driver's %fs:0 survives", fs0(),
	    *(volatile uint64_t *)DRIVER_TLS_VA);
	EXPECT("switch: children end", WAIT_FOR(dead(ca) && dead(cb) &&
	    dead(cc), 3000));
}

static struct xok_context ctx;

static void
ctx_fill(void)
{
	uint64_t x0[2] = { 0x1122334455667788UL, 0x99aabbccddeeff00UL };
	uint32_t mxcsr = 0x7f80;        /* round toward zero, all masked */
	uint16_t fcw = 0x027f;          /* 53-bit precision */

	memset(&ctx, 0, sizeof(ctx));
	ctx.rax = 0x1000000000000a0aUL, ctx.rbx = 0x1000000000000b0bUL;
	ctx.rcx = 0x1000000000000c0cUL, ctx.rdx = 0x1000000000000d0dUL;
	ctx.rsi = 0x100000000000051aUL, ctx.rdi = 0x100000000000d1d1UL;
	ctx.rbp = 0x100000000000b0b0UL, ctx.r8 = 0x1000000000000008UL;
	ctx.r9 = 0x1000000000000009UL, ctx.r10 = 0x1000000000000010UL;
	ctx.r11 = 0x1000000000000011UL, ctx.r12 = 0x1000000000000012UL;
	ctx.r13 = 0x1000000000000013UL, ctx.r14 = 0x1000000000000014UL;
	ctx.r15 = 0x1000000000000015UL;
	ctx.rip = (uint64_t)ctx_probe;
	ctx.rsp = SHARED_VA + CTX_SP;
	ctx.rflags = ~0UL;              /* masked to the user flags */
	ctx.fs_base = SHARED_VA + B_FS;
	ctx.gs_base = SHARED_VA + B_GS;
	ctx.flags = XOK_CTX_FX;
	__asm__ volatile("fxsave64 %0" : "=m"(ctx.fx));
	memcpy(ctx.fx + 0, &fcw, sizeof(fcw));
	memcpy(ctx.fx + XOK_FX_MXCSR, &mxcsr, sizeof(mxcsr));
	memcpy(ctx.fx + 160, x0, sizeof(x0));           /* xmm0 */
}

/* ENV_SET_CONTEXT with ctx changed by one hostile field: refused. */
static void
ctx_hostile(int64_t c, const char *name, int64_t want)
{
	EXPECT_EQ(name, sys_env_set_context((uint64_t)c, 0, &ctx), want);
	ctx_fill();
}

static void
test_context(void)
{
	volatile uint64_t *sh, *p;
	int64_t c = spawn_role(R_CTX, &sh);
	uint32_t mask, m;

	EXPECT("context: child", c > 0);
	if (c <= 0)
		return;
	sh[B_FS / 8] = MAGIC_B_FS, sh[B_GS / 8] = MAGIC_B_GS;
	ctx_fill();
	memcpy(&mask, ctx.fx + XOK_FX_MXCSR_MASK, sizeof(mask));
	printf("context: MXCSR_MASK %x\n", mask);
	EXPECT_EQ("context: set", sys_env_set_context((uint64_t)c, 0, &ctx), 0);

	/* Each refused call must leave the context set above. */
	ctx.rip = 0xffffffff80100000UL;
	ctx_hostile(c, "context: rip in the kernel half refused", -XE_INVAL);
	ctx.rip = 0x0000800000000000UL;
	ctx_hostile(c, "context: non-canonical rip refused", -XE_INVAL);
	ctx.rsp = 0x8000000000000000UL;
	ctx_hostile(c, "context: non-canonical rsp refused", -XE_INVAL);
	ctx.fs_base = 0x8000000000000000UL;
	ctx_hostile(c, "context: non-canonical FS base refused", -XE_INVAL);
	ctx.fs_base = 0xffff800000000000UL;
	ctx_hostile(c, "context: kernel FS base refused", -XE_INVAL);
	ctx.gs_base = 0x0000800000000000UL;
	ctx_hostile(c, "context: non-canonical GS base refused", -XE_INVAL);
	m = 0x1f80 | 0x10000;           /* a reserved MXCSR bit */
	memcpy(ctx.fx + XOK_FX_MXCSR, &m, sizeof(m));
	ctx_hostile(c, "context: MXCSR reserved bit 16 refused", -XE_INVAL);
	m = 0x80001f80;
	memcpy(ctx.fx + XOK_FX_MXCSR, &m, sizeof(m));
	ctx_hostile(c, "context: MXCSR reserved bit 31 refused", -XE_INVAL);
	if (mask && (~mask & 0xffff)) {
		m = 0x1f80 | (~mask & 0xffff);  /* what this CPU reserves */
		memcpy(ctx.fx + XOK_FX_MXCSR, &m, sizeof(m));
		ctx_hostile(c, "context: MXCSR outside MXCSR_MASK refused",
		    -XE_INVAL);
	}
	ctx.flags = 0x2;
	ctx_hostile(c, "context: unknown flag refused", -XE_INVAL);
	ctx.pad = 1;
	ctx_hostile(c, "context: pad not 0 refused", -XE_INVAL);
	ctx.rax = 0xbad;
	EXPECT_EQ("context: unmapped pointer refused", sys_env_set_context(
	    (uint64_t)c, 0, (const struct xok_context *)0x10), -XE_FAULT);
	EXPECT_EQ("context: kernel pointer refused", sys_env_set_context(
	    (uint64_t)c, 0, (const struct xok_context *)0xffffffff80000000UL),
	    -XE_FAULT);
	EXPECT_EQ("context: pointer crossing into the kernel half refused",
	    sys_env_set_context((uint64_t)c, 0, (const struct xok_context *)
	    (0x0000800000000000UL - 64)), -XE_FAULT);
	EXPECT_EQ("context: self refused", sys_env_set_context(XOK_SELF, 0,
	    &ctx), -XE_INVAL);
	EXPECT_EQ("context: no capability in the slot", sys_env_set_context(
	    (uint64_t)c, 9, &ctx), -XE_NOCAP);
	ctx_fill();

	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	p = sh + CTX_SP / 8;
	EXPECT("context: the child ran the probe", WAIT_FOR(p[P_DONE] == 1,
	    3000));
	EXPECT_EQ("context: rax", p[P_RAX], ctx.rax);
	EXPECT_EQ("context: rbx", p[P_RBX], ctx.rbx);
	EXPECT_EQ("context: rcx", p[P_RCX], ctx.rcx);
	EXPECT_EQ("context: rdx", p[P_RDX], ctx.rdx);
	EXPECT_EQ("context: rsi", p[P_RSI], ctx.rsi);
	EXPECT_EQ("context: rdi", p[P_RDI], ctx.rdi);
	EXPECT_EQ("context: rbp", p[P_RBP], ctx.rbp);
	EXPECT_EQ("context: r8", p[P_R8], ctx.r8);
	EXPECT_EQ("context: r9", p[P_R9], ctx.r9);
	EXPECT_EQ("context: r10", p[P_R10], ctx.r10);
	EXPECT_EQ("context: r11", p[P_R11], ctx.r11);
	EXPECT_EQ("context: r12", p[P_R12], ctx.r12);
	EXPECT_EQ("context: r13", p[P_R13], ctx.r13);
	EXPECT_EQ("context: r14", p[P_R14], ctx.r14);
	EXPECT_EQ("context: r15", p[P_R15], ctx.r15);
	EXPECT_EQ("context: rsp", p[P_RSP], ctx.rsp);
	/* CF PF AF ZF SF DF OF as asked, IF and bit 1 on, nothing else */
	EXPECT_EQ("context: rflags masked", p[P_RFLAGS] & 0x3fffff, 0xed7);
	EXPECT_EQ("context: %fs:0 through the FS base", p[P_FS0], MAGIC_B_FS);
	EXPECT_EQ("context: %gs:0 through the GS base", p[P_GS0], MAGIC_B_GS);
	EXPECT_EQ("context: MXCSR", p[P_MXCSR] & 0xffffffff, 0x7f80);
	EXPECT_EQ("context: x87 control word", p[P_FCW] & 0xffff, 0x027f);
	EXPECT_EQ("context: xmm0 low", p[P_XMM0LO], 0x1122334455667788UL);
	EXPECT_EQ("context: xmm0 high", p[P_XMM0HI], 0x99aabbccddeeff00UL);
	sys_env_destroy((uint64_t)c, 0, 0);
	EXPECT_EQ("context: the driver's %fs:0 survives", fs0(),
	    *(volatile uint64_t *)DRIVER_TLS_VA);
}

/* A prologue upcall that cannot be written kills with XOK_EXIT_UPCALL
 * (as documented), not with an error number. */
static void
test_prologue_exit(void)
{
	volatile uint64_t *sh;
	int64_t c = spawn_role(R_BAD_PROLOGUE, &sh);

	EXPECT("prologue: child", c > 0);
	if (c <= 0)
		return;
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	EXPECT("prologue: the child dies", WAIT_FOR(dead(c), 3000));
	EXPECT_EQ("prologue: upcalls set", sh[1], 0);
	EXPECT_EQ("prologue: it never resumed after its yield", sh[0], 1);
	EXPECT_EQ("prologue: exit code XOK_EXIT_UPCALL",
	    xok_env_info((uint64_t)c)->exit_code, XOK_EXIT_UPCALL);
}

int
main(uint64_t arg)
{
	if (arg != R_DRIVER)
		return child_main((enum role)arg);
	printf("tlstest: FS/GS bases and full child context, env %lx\n",
	    xok_self());
	self_image = exos_module("tlstest.elf", &self_size);
	EXPECT("tlstest finds its own boot module", self_image != NULL);
	if (!self_image) {
		printf("ALL-DONE\n");
		sys_shutdown(0, 1);
	}
	test_self_base();
	test_switch();
	test_context();
	test_prologue_exit();
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
