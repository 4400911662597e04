/*
 * kfuzz_child.c: the unprivileged random caller of the kernel test
 * (kfuzz.c).  Seeded from its record page, it makes random kernel calls
 * -- every number in XOK_SYSCALLS and numbers outside the table -- with
 * arguments biased to edge values, to its own pages and to its own
 * children; now and then it does something else: a wild store, a
 * privileged instruction, a crafted iretq, single-stepping into a call,
 * spawning or killing a child, one of the hazard classes of kfuzz.h.  It
 * dies of its faults, of its own calls, at the end of its budget, or
 * when its parent kills it.  Its counts go to its record page.
 */
#include "kfuzz.h"

/* kfuzz_asm.S */
void kf_wild(uint64_t addr, uint64_t val);
void kf_iret(uint64_t cs, uint64_t rflags, uint64_t ss);
void kf_tf(uint64_t call);
void kf_nt(void);
void kf_simd(void);
void kf_x87(void);
void kf_compat(uint64_t variant);
void kf_getsegs(uint16_t out[4]);
extern char kf_wild_insn[], kf_wild_end[], kf_iret_insn[], kf_iret_back[];
extern char kf_simd_start[], kf_simd_end[], kf_x87_start[], kf_x87_end[];
extern char kf_compat_back[];
extern char exos_fault_entry[], exos_fault_entry_nofp[];
extern char exos_epilogue_entry[], exos_prologue_entry[], exos_ipc_entry[],
    exos_reflect_entry[];
extern char _start[];

#define REC ((struct kf_rec *)KF_REC_VA)
#define NKIDS 6
#define NPPNS 64

static uint64_t rs;                     /* the random state */
static uint64_t me, parent, init_id, npages;
static struct xok_cap myname;
static uint16_t mysegs[4];
static struct kid {
	uint64_t id;
	int64_t recppn;                 /* its record page, or -1 */
} kids[NKIDS];
static uint64_t ppns[NPPNS], nppns, base[32], nbase;
/* What we are doing, for the leads we print: the page check_zero is
 * checking, and whether we hold a foreign selector on purpose. */
static volatile uint64_t zck_ppn = ~0UL, segs_held;

/* ---- random numbers ---------------------------------------------------- */

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rn(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static const uint64_t edges[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 0xff, 0x100, 0x101,
	0xfff, 0x1000, 0x1001, 0xffff, 0x10000, 0x10001, 0x7fffffff,
	0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff,
	0x8000000000000000, (uint64_t)-1, (uint64_t)-2, (uint64_t)-8,
	(uint64_t)-4096, (uint64_t)-4097, XOK_UVA_MIN - 1, XOK_UVA_MAX - 4096,
	XOK_UVA_MAX - 8, XOK_UVA_MAX, XOK_INFO_VA, XOK_INFO_VA + XOK_INFO_PAGES_OFF,
	XOK_XN_VA, XOK_UVA_END - 4096, XOK_UVA_END - 8, XOK_UVA_END - 1,
	XOK_UVA_END, XOK_UVA_END + 4096, 0x0000ffffffffffff,
	0xffff800000000000, 0xffff800000100000, 0xffffffff80000000,
	0xffffffff80100000, 0xfffffffffffff000, XOK_SYSBASE,
	XOK_SYSBASE + XOK_NSYSCALLS, XOK_INIT_STACK_TOP,
	XOK_INIT_STACK_TOP - 8, EXOS_UPSTACK_HI, KF_IN_VA + 4096 - 8,
	KF_IN_VA + 4095, KF_HARM_VA + 4096 - 4, KF_FZ_VA, KF_REC_VA,
	0x400000, 0x401000,
};

static uint64_t
edge(void)
{
	return edges[rn(sizeof(edges) / sizeof(edges[0]))];
}

/* ---- what the arguments are ------------------------------------------- */

enum kind {
	A_NUM = 0, A_ENV, A_VA, A_PPN, A_PERM, A_SLOT, A_SLOTS, A_IN, A_OUT,
	A_LEN, A_CODE, A_SLICE, A_STATUS, A_BLOCK, A_N, A_CBUF, A_IPCSLOT,
	A_NKINDS
};

#define C(n) (XOK_SYS_##n - XOK_SYSBASE)
static const uint8_t argk[XOK_NSYSCALLS][6] = {
	[C(CONS_WRITE)] = { A_CBUF, A_LEN },
	[C(SHUTDOWN)] = { A_SLOT, A_CODE },
	[C(PAGE_ALLOC)] = { A_PPN, A_SLOT, A_ENV, A_SLOT },
	[C(PAGE_FREE)] = { A_PPN, A_SLOT },
	[C(PAGE_MAP)] = { A_ENV, A_VA, A_PPN, A_PERM, A_SLOTS },
	[C(PAGE_UNMAP)] = { A_ENV, A_VA, A_SLOT },
	[C(PAGE_GUARD)] = { A_PPN, A_SLOT, A_SLOT },
	[C(ENV_CREATE)] = { A_SLOT },
	[C(ENV_DESTROY)] = { A_ENV, A_SLOT, A_CODE },
	[C(ENV_SET_REGS)] = { A_ENV, A_SLOT, A_IN },
	[C(ENV_SET_STATUS)] = { A_ENV, A_SLOT, A_STATUS },
	[C(ENV_SET_UPCALLS)] = { A_ENV, A_SLOT, A_IN },
	[C(CAP_GRANT)] = { A_ENV, A_SLOT, A_SLOT, A_SLOT, A_IN },
	[C(CAP_GET)] = { A_SLOT, A_OUT },
	[C(CAP_DROP)] = { A_SLOT },
	[C(SLICE_ALLOC)] = { A_ENV, A_SLOT, A_SLICE },
	[C(SLICE_FREE)] = { A_SLICE, A_SLOT },
	[C(YIELD)] = { A_ENV },
	[C(SLEEP)] = { A_IN, A_N },
	[C(IPC_CALL)] = { A_ENV, A_IPCSLOT, A_NUM, A_NUM, A_NUM, A_NUM },
	[C(IPC_REPLY)] = { A_ENV, A_NUM, A_NUM, A_NUM, A_NUM },
	[C(ENV_SET_IPCGUARD)] = { A_ENV, A_SLOT, A_SLOT },
	[C(XN_FORMAT)] = { A_SLOT },
	[C(XN_STAT)] = { A_OUT },
	[C(XN_TEMPLATE)] = { A_SLOT, A_IN },
	[C(XN_ROOT)] = { A_SLOT, A_IN, A_NUM, A_BLOCK, A_IN },
	[C(XN_LOOKUP)] = { A_IN, A_OUT },
	[C(XN_ROOT_REMOVE)] = { A_SLOT, A_IN },
	[C(XN_ALLOC)] = { A_SLOT, A_IN },
	[C(XN_FREE)] = { A_SLOT, A_IN },
	[C(XN_WRITE)] = { A_SLOT, A_BLOCK, A_LEN, A_LEN, A_IN },
	[C(XN_BC_INSERT)] = { A_SLOT, A_BLOCK, A_PPN, A_SLOT },
	[C(XN_BC_LOOKUP)] = { A_BLOCK, A_OUT },
	[C(XN_BC_EVICT)] = { A_SLOT, A_BLOCK },
	[C(XN_WRITEBACK)] = { A_BLOCK },
	[C(XN_MOVE)] = { A_SLOT, A_IN },
	[C(DISK_RAW)] = { A_SLOTS, A_NUM, A_PPN, A_LEN, A_OUT },
	[C(XN_BC_REVOKED)] = { A_SLOT, A_OUT, A_N },
	[C(XN_BLOCK_INFO)] = { A_BLOCK, A_OUT },
	[C(XN_WRITEBACK_MANY)] = { A_IN, A_N, A_OUT },
	[C(XN_BC_INSERT_MANY)] = { A_SLOT, A_IN, A_N, A_SLOT },
	[C(PAGE_ALLOC_MANY)] = { A_SLOT, A_ENV, A_SLOT, A_OUT, A_N },
	[C(PAGE_MAP_MANY)] = { A_ENV, A_SLOT, A_IN, A_N },
	[C(PAGE_UNMAP_RANGE)] = { A_ENV, A_VA, A_N, A_SLOT },
	[C(PAGE_PROTECT)] = { A_ENV, A_VA, A_N, A_PERM, A_SLOTS },
	[C(CONS_READ)] = { A_OUT, A_LEN, A_SLOT },
	[C(NET_FILTER_INSTALL)] = { A_SLOT, A_IN, A_VA, A_N },
	[C(NET_FILTER_REMOVE)] = { A_SLOT, A_NUM },
	[C(NET_TRANSMIT)] = { A_SLOT, A_IN, A_LEN },
	[C(ENV_SET_NOTICE)] = { A_ENV, A_SLOT, A_NUM },
	[C(ENV_REAP)] = { A_ENV, A_OUT },
	[C(XN_BC_MAP)] = { A_BLOCK, A_N, A_VA },
	[C(XN_READ)] = { A_BLOCK, A_N, A_OUT },
	[C(NET_TRANSMITV)] = { A_SLOT, A_IN, A_N, A_OUT },
	[C(SLEEP_TO)] = { A_IN, A_N, A_ENV },
};

/* Every call in the table, whatever is added to it later. */
static const uint64_t calls[] = {
#define KF_CALL(name, n) XOK_SYSBASE + (n),
	XOK_SYSCALLS(KF_CALL)
#undef KF_CALL
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

/* ---- pools: our pages, our children, the environments ----------------- */

static void
add_ppn(uint64_t p)
{
	ppns[nppns++ % NPPNS] = p;
}

static uint64_t
some_ppn(void)
{
	uint64_t n = nppns < NPPNS ? nppns : NPPNS;

	return n ? ppns[rn(n)] : rn(npages);
}

static uint64_t
some_kid(void)
{
	int i, k = (int)rn(NKIDS);

	for (i = 0; i < NKIDS; i++)
		if (kids[(k + i) % NKIDS].id)
			return kids[(k + i) % NKIDS].id;
	return 0;
}

static void
add_kid(uint64_t id, int64_t recppn)
{
	int i;

	for (i = 0; i < NKIDS; i++)
		if (!kids[i].id) {
			kids[i].id = id, kids[i].recppn = recppn;
			return;
		}
	/* full: forget a kid without a record (it lives on as an orphan) */
	for (i = 0; i < NKIDS; i++)
		if (kids[i].recppn < 0) {
			kids[i].id = id, kids[i].recppn = recppn;
			return;
		}
}

static uint64_t
some_env(void)
{
	int i = (int)rn(XOK_NENV);
	uint64_t id = XOK_INFO->envs[i].id;

	return id ? id : me;
}

static uint64_t
gen_env(void)
{
	uint64_t k;

	switch (rn(12)) {
	case 0: return XOK_SELF;
	case 1: return me;
	case 2: case 3: case 4: case 5:
		if ((k = some_kid()) != 0)
			return k;
		return some_env();
	case 6: return parent;
	case 7: return init_id;
	case 8: case 9: return some_env();
	case 10:
		k = some_env();
		return rn(2) ? k + XOK_NENV : k | (1ULL << 32);  /* stale */
	default: return rnd() & 0xffffffff;
	}
}

static uint64_t
gen_va(void)
{
	switch (rn(64)) {
	case 0: return KF_FZ_VA + ((rnd() << 12) % (XOK_UVA_MAX - KF_FZ_VA));
	case 1: {       /* one of the pages we live on */
		static const uint64_t mine[] = { KF_REC_VA, KF_IN_VA,
			KF_HARM_VA, KF_ZCHK_VA, KF_JIT_VA, 0x400000,
			XOK_INIT_STACK_TOP - XOK_PGSIZE, EXOS_UPSTACK_HI -
			XOK_PGSIZE, KF_KIDREC_VA };
		return mine[rn(sizeof(mine) / sizeof(mine[0]))];
	}
	case 4: case 5: case 6: case 7: return edge() & ~0xfffUL;
	case 8: case 9: case 10: case 11:
		return KF_FZ_VA + ((rnd() << 12) % (XOK_UVA_MAX - KF_FZ_VA));
	case 12: case 13: case 14: case 15:
		return KF_FZ_VA + rn(KF_FZ_PAGES * XOK_PGSIZE);
	case 16: case 17: case 18: case 19:
		return KF_FZ_VA + rn(64) * (1UL << 30);
	default: return KF_FZ_VA + rn(KF_FZ_PAGES) * XOK_PGSIZE;
	}
}

static uint64_t
gen_ppn(void)
{
	switch (rn(12)) {
	case 0: case 1: case 2: case 3: return some_ppn();
	case 4: case 5: return XOK_PPN_ANY;
	case 6: return nbase ? base[rn(nbase)] : 0;
	case 7: case 8: return rn(npages);      /* someone else's, mostly */
	case 9: return npages - 1 + rn(3);
	default: return rn(2) ? some_ppn() : edge();
	}
}

static uint64_t
gen_slot(void)
{
	switch (rn(10)) {
	case 0: case 1: case 2: case 3: return 0;
	case 4: return 15;
	case 5: return 16;
	case 6: return rn(2) ? 255 : 0x100;
	default: return rn(17);
	}
}

static uint64_t
gen_len(void)
{
	static const uint64_t lens[] = { 0, 1, 2, 8, 15, 16, 17, 24, 32, 511,
		512, 513, 4095, 4096, 4097, 8192, 65535, 65536, 65537,
		1UL << 32, (uint64_t)-1, XOK_UVA_END };
	return lens[rn(sizeof(lens) / sizeof(lens[0]))];
}

static uint64_t
gen_n(void)
{
	static const uint64_t ns[] = { 0, 1, 2, 3, 4, 5, 8, 31, 32, 33, 63,
		64, 65, 255, 256, 257, 511, 512, 513, (uint64_t)-1 };
	return rn(3) ? rn(34) : ns[rn(sizeof(ns) / sizeof(ns[0]))];
}

/* ---- input structures --------------------------------------------------- */

static uint64_t
gen_code_addr(void)
{
	static char *const entries[] = { exos_fault_entry,
		exos_fault_entry_nofp, exos_epilogue_entry,
		exos_prologue_entry, exos_ipc_entry, exos_reflect_entry,
		(char *)kf_child_main, _start };

	switch (rn(8)) {
	case 0: return 0;
	case 1: return 0x400000 + rn(0x10000);  /* mid-instruction, maybe */
	case 2: return KF_JIT_VA + rn(2) * KF_JIT_RET;
	case 3: return edge();
	default: return (uint64_t)entries[rn(sizeof(entries) /
		    sizeof(entries[0]))];
	}
}

static uint64_t
gen_rflags(void)
{
	static const uint64_t bits[] = { 0x1, 0x4, 0x10, 0x40, 0x80, 0x100,
		0x200, 0x400, 0x800, 0x1000, 0x2000, 0x3000, 0x4000, 0x8000,
		0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000,
		0x400000, 1UL << 40 };
	uint64_t f = 0x202;
	int i, n = (int)rn(5);

	for (i = 0; i < n; i++)
		f |= bits[rn(sizeof(bits) / sizeof(bits[0]))];
	return rn(8) ? f : rnd();
}

static void
fill_regs(struct xok_regs *r)
{
	static const uint64_t sps[] = { XOK_INIT_STACK_TOP - 8,
		XOK_INIT_STACK_TOP, XOK_INIT_STACK_TOP - 4096 - 8, 0,
		XOK_UVA_END, XOK_UVA_END - 8, EXOS_UPSTACK_HI - 8,
		KF_FZ_VA + 4096 - 8, 0xffff800000000000, 1 };

	memset(r, 0, sizeof(*r));
	r->rip = gen_code_addr();
	r->rsp = rn(4) ? sps[rn(sizeof(sps) / sizeof(sps[0]))] : rnd();
	r->rflags = gen_rflags();
	r->rdi = rn(2) ? 1 : rnd();     /* main(1): a caller again */
	r->rsi = rnd(), r->rdx = edge(), r->rcx = rnd();
	r->rax = rn(2) ? XOK_SYS_NULL : rnd();
}

static void
fill_upcalls(struct xok_upcalls *u)
{
	uint64_t lo = EXOS_UPSTACK_HI - EXOS_UPSTACK_PAGES * XOK_PGSIZE;

	if (rn(4)) {            /* mostly entries that work */
		u->fault = (uint64_t)exos_fault_entry;
		u->epilogue = rn(2) ? 0 : (uint64_t)exos_epilogue_entry;
		u->prologue = rn(2) ? 0 : (uint64_t)exos_prologue_entry;
		u->ipc = (uint64_t)exos_ipc_entry;
		u->reflect = rn(2) ? 0 : (uint64_t)exos_reflect_entry;
		u->stack_lo = lo, u->stack_hi = EXOS_UPSTACK_HI;
		u->flags = rn(2);
		return;
	}
	u->fault = gen_code_addr();
	u->epilogue = rn(2) ? 0 : gen_code_addr();
	u->prologue = rn(2) ? 0 : gen_code_addr();
	u->ipc = rn(2) ? (uint64_t)exos_ipc_entry : gen_code_addr();
	u->reflect = rn(2) ? 0 : gen_code_addr();
	switch (rn(6)) {
	case 0: u->stack_lo = edge(), u->stack_hi = edge(); break;
	case 1: u->stack_lo = KF_FZ_VA, u->stack_hi = KF_FZ_VA +
		    rn(3) * XOK_PGSIZE; break;
	case 2: u->stack_lo = lo + 4096, u->stack_hi = lo; break;
	case 3: u->stack_lo = 0, u->stack_hi = XOK_UVA_END; break;
	default: u->stack_lo = lo, u->stack_hi = EXOS_UPSTACK_HI; break;
	}
	u->flags = rn(4) ? rn(2) : edge();
}

static void
fill_cap(struct xok_cap *c)
{
	unsigned i;

	*c = myname;
	c->valid = rn(8) ? 1 : (uint8_t)rnd();
	c->len = (uint8_t)(rn(4) ? myname.len + rn(3) : rn(16));
	c->rights = (uint8_t)(rn(4) ? rn(4) : rnd());
	c->pad = (uint8_t)rnd();
	for (i = rn(4) ? myname.len : 0; i < XOK_CAP_NAMELEN; i++)
		c->name[i] = (uint8_t)(rn(3) ? rn(4) : rnd());
}

/* A predicate: mostly one that holds soon, so sleepers come back. */
static uint64_t
fill_pred(struct xok_pred_insn *p)
{
	uint64_t n, i, t = XOK_INFO->ticks + rn(20);

	memset(p, 0, XOK_PRED_MAX * sizeof(*p));
	switch (rn(5)) {
	case 0: case 1:
		p[0] = (struct xok_pred_insn){ .op = XP_LDK, .a = 0,
		    .imm = __builtin_offsetof(struct xok_info, ticks) };
		p[1] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1, .imm = t };
		p[2] = (struct xok_pred_insn){ .op = XP_GEU, .a = 0, .b = 1 };
		p[3] = (struct xok_pred_insn){ .op = XP_RET, .a = 0 };
		return 4;
	case 2:
		p[0] = (struct xok_pred_insn){ .op = XP_LDU, .a = 0,
		    .imm = rn(2) ? KF_REC_VA : gen_va() & ~7UL };
		p[1] = (struct xok_pred_insn){ .op = XP_LDI, .a = 1, .imm = 1 };
		p[2] = (struct xok_pred_insn){ .op = XP_OR, .a = 0, .b = 1 };
		p[3] = (struct xok_pred_insn){ .op = XP_RET, .a = rn(2) ? 0 : 1 };
		return 4;
	default:
		n = 1 + rn(XOK_PRED_MAX);
		for (i = 0; i < n; i++) {
			p[i].op = (uint8_t)(rn(8) ? 1 + rn(XP_NOPS - 1) : rnd());
			p[i].a = (uint8_t)(rn(8) ? rn(4) : rnd());
			p[i].b = (uint8_t)(rn(8) ? rn(4) : rnd());
			p[i].imm = rn(2) ? rn(n + 2) : rn(2) ?
			    rn(sizeof(struct xok_info) + 16) & ~7UL : edge();
		}
		p[n - 1].op = rn(4) ? XP_RET : p[n - 1].op;
		return n;
	}
}

/* Bytes for the XN structures: small numbers mostly, some edges. */
static void
fill_words(uint32_t *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		w[i] = (uint32_t)(rn(4) ? rn(rn(2) ? 8 : 5000) : edge());
}

/* Fill the input page for call c; return the size that matters. */
static uint64_t
fill_in(uint64_t c, uint64_t *npred)
{
	void *in = (void *)KF_IN_VA;

	switch (c) {
	case XOK_SYS_ENV_SET_REGS:
		fill_regs(in);
		return sizeof(struct xok_regs);
	case XOK_SYS_ENV_SET_UPCALLS:
		fill_upcalls(in);
		return sizeof(struct xok_upcalls);
	case XOK_SYS_CAP_GRANT:
		fill_cap(in);
		return sizeof(struct xok_cap);
	case XOK_SYS_SLEEP:
	case XOK_SYS_SLEEP_TO:
		*npred = fill_pred(in);
		return *npred * sizeof(struct xok_pred_insn);
	case XOK_SYS_PAGE_MAP_MANY: {     /* 8 entries, mostly plausible */
		struct xok_page_map *m = in;
		int i;

		fill_words(in, 64);
		for (i = 0; i < 8; i++)
			if (rn(4)) {
				m[i].va = rn(8) ? KF_FZ_VA + rn(KF_FZ_PAGES) *
				    XOK_PGSIZE : gen_va();
				m[i].ppn = rn(8) ? some_ppn() : gen_ppn();
				m[i].perm = rn(8) ? (rn(2) ? XOK_PTE_W : 0) |
				    XOK_PTE_NX : rnd();
				m[i].slot = rn(4) ? 0 : (uint32_t)rn(20);
			}
		return 8 * sizeof(*m);
	}
	case XOK_SYS_XN_ROOT: case XOK_SYS_XN_LOOKUP:
	case XOK_SYS_XN_ROOT_REMOVE:
		memcpy(in, rn(2) ? "kfuzz" : "", 6);
		((char *)in)[rn(40)] = (char)rnd();
		return 32;
	default:
		fill_words(in, 64);
		return 256;
	}
}

static uint64_t
gen_in(uint64_t c, uint64_t *npred)
{
	uint64_t size = fill_in(c, npred);

	switch (rn(16)) {
	case 0: return KF_IN_VA + XOK_PGSIZE - 1 - rn(size);  /* straddles */
	case 1: return 0x400000 + rn(0x4000);                 /* read-only */
	case 2: return edge();
	default: return KF_IN_VA;
	}
}

static uint64_t
gen_out(void)
{
	switch (rn(10)) {
	case 0: case 1: case 2: return KF_FZ_VA + rn(KF_FZ_PAGES) * XOK_PGSIZE;
	case 3: return KF_IN_VA + XOK_PGSIZE - rn(64);     /* straddles */
	case 4: return 0x400000 + rn(0x4000);               /* read-only */
	case 5: return XOK_INFO_VA + rn(2) * XOK_INFO_PAGES_OFF;       /* read-only */
	case 6: return edge();
	default: return KF_IN_VA + rn(2048);
	}
}

/* An argument the call will likely accept: our own env, slot, pages. */
static uint64_t
plausible(int kind, uint64_t c)
{
	uint64_t k;

	switch (kind) {
	case A_ENV:
		if (c == XOK_SYS_ENV_SET_REGS || c == XOK_SYS_ENV_SET_STATUS ||
		    c == XOK_SYS_IPC_CALL || c == XOK_SYS_ENV_DESTROY ||
		    rn(2))
			if ((k = some_kid()) != 0)
				return k;
		return rn(2) ? XOK_SELF : me;
	case A_SLOT: case A_SLOTS: return 0;
	case A_IPCSLOT: return rn(4) ? 0 : XOK_IPC_ASYNC;
	case A_PPN:
		return c == XOK_SYS_PAGE_ALLOC ? XOK_PPN_ANY : some_ppn();
	case A_VA: return KF_FZ_VA + rn(KF_FZ_PAGES) * XOK_PGSIZE;
	case A_PERM: return (rn(2) ? XOK_PTE_W : 0) | XOK_PTE_NX;
	case A_OUT: return KF_IN_VA + rn(64) * 8;
	case A_STATUS: return XOK_ENV_NOT_RUNNABLE + rn(2);
	case A_SLICE: return XOK_SLICE_ANY;
	default: return ~0UL;           /* no opinion */
	}
}

static uint64_t
gen(int kind, uint64_t c, uint64_t *npred, int good)
{
	uint64_t v;

	if (good && (v = plausible(kind, c)) != ~0UL)
		return v;
	if (!good && kind != A_IN && kind != A_CBUF && rn(10) == 0)
		return edge();
	switch (kind) {
	case A_ENV: return gen_env();
	case A_VA: return gen_va();
	case A_PPN: return gen_ppn();
	case A_PERM:
		return rn(8) ? (rn(2) ? XOK_PTE_W : 0) | (rn(2) ? XOK_PTE_NX : 0)
		    : 1UL << rn(64);
	case A_SLOT: return gen_slot();
	case A_SLOTS: return rn(4) ? gen_slot() | gen_slot() << 8 : rnd();
	case A_IPCSLOT: return gen_slot() | (rn(3) ? 0 : XOK_IPC_ASYNC);
	case A_IN:
		if (good) {
			fill_in(c, npred);
			return KF_IN_VA;
		}
		return gen_in(c, npred);
	case A_OUT: return gen_out();
	case A_LEN: return gen_len();
	case A_CODE: return rn(4) ? rn(256) : rnd();
	case A_SLICE: return rn(4) ? rn(33) : XOK_SLICE_ANY;
	case A_STATUS: return rn(4) ? XOK_ENV_NOT_RUNNABLE + rn(2) : rn(8);
	case A_BLOCK: return rn(4) ? rn(5000) : rnd() & 0xffffffff;
	case A_N: return gen_n();
	case A_CBUF: {  /* a few harmless newlines, or memory we cannot read */
		static const uint64_t bad[] = { 0, 1, 0xfff, XOK_UVA_END - 1,
			XOK_UVA_END, 0x0000ffffffffffff, 0xffff800000000000,
			0xffffffff80100000, (uint64_t)-1, (uint64_t)-4096 };
		if (rn(8) == 0)
			return KF_HARM_VA + XOK_PGSIZE - rn(4);
		return rn(2) ? bad[rn(sizeof(bad) / sizeof(bad[0]))] :
		    KF_HARM_VA + XOK_PGSIZE + rn(8192);
	}
	default: return rn(4) ? rn(64) : rnd();
	}
}

/* ---- one kernel call ---------------------------------------------------- */

static int
documented(int64_t r)
{
	return r >= 0 || (r >= -XE_LAST && r <= -XE_INVAL) ||
	    (r <= -XE_XN && r > -XE_XN - 64);
}

static void
check_zero(uint64_t ppn)
{
	volatile uint64_t *w = (volatile uint64_t *)KF_ZCHK_VA;
	int i;

	if (sys_page_map(XOK_SELF, KF_ZCHK_VA, ppn, XOK_PTE_NX, 0, 0) < 0)
		return;
	for (i = 0; i < 512; i++)
		if (w[i]) {
			/* a lead for a human (kfuzz.sh marks it as ours) */
			printf("\nkfuzz: caller %lx (depth %lu) saw page %lu "
			    "holding 0x%lx at word %d (owner %x, mapcount %u, "
			    "flags %x), %s\n", me, REC->depth, ppn, w[i], i,
			    XOK_PAGES[ppn].owner, XOK_PAGES[ppn].mapcount,
			    XOK_PAGES[ppn].flags, zck_ppn == ppn ?
			    "just allocated" : "but did not allocate it now "
			    "(restarted here?)");
			REC->dirty_pages++;
			REC->dirty_ppn = ppn, REC->dirty_word = w[i];
			break;
		}
	sys_page_unmap(XOK_SELF, KF_ZCHK_VA, 0);
}

static uint64_t
oor_number(void)
{
	switch (rn(6)) {
	case 0: return XOK_SYSBASE + XOK_NSYSCALLS + rn(32);
	case 1: return rn(400);                 /* Linux numbers */
	case 2: return XOK_SYSBASE - 1 - rn(4);
	case 3: return rnd();
	case 4: return XOK_SYSBASE + 64 + rn(1024);
	default: return edge();
	}
}

static void
one_call(void)
{
	uint64_t c, a[6], npred = 0, k;
	const uint8_t *kinds;
	uint8_t any[6];
	int i, oor = 0, good = rn(2) == 0;
	int64_t r;

	if (rn(16) == 0) {
		c = oor_number();
		oor = c - XOK_SYSBASE >= XOK_NSYSCALLS;
	} else
		c = calls[rn(NCALLS)];
	k = c - XOK_SYSBASE;
	if (oor || k >= XOK_NSYSCALLS) {
		for (i = 0; i < 6; i++)
			any[i] = (uint8_t)rn(A_NKINDS);
		kinds = any;
	} else
		kinds = argk[k];
	for (i = 0; i < 6; i++)
		a[i] = gen(kinds[i], c, &npred, good);
	/* Keep going most of the time: dying is one outcome among many. */
	if (c == XOK_SYS_ENV_DESTROY && (a[0] == 0 || a[0] == me) && rn(16))
		a[0] = some_kid();
	if (c == XOK_SYS_CAP_DROP && a[0] == 0 && rn(4))
		a[0] = 1 + rn(16);
	if ((c == XOK_SYS_SLEEP || c == XOK_SYS_SLEEP_TO) && npred && rn(4))
		a[1] = npred;
	if (c == XOK_SYS_PAGE_UNMAP && a[0] == 0 && a[1] == KF_REC_VA && rn(4))
		a[1] = KF_FZ_VA;

	r = xok_call(c, a[0], a[1], a[2], a[3], a[4], a[5]);
	REC->calls++;
	if (oor) {
		REC->oor++;
		return;
	}
	if (k < KF_NCALLS) {
		REC->ncalls[k]++;
		if (r >= 0)
			REC->nok[k]++;
	}
	if (!documented(r) ||
	    (c == XOK_SYS_PAGE_ALLOC && r >= 0 && (uint64_t)r >= npages) ||
	    (c == XOK_SYS_ENV_CREATE && r >= 0 && (r == 0 || r > 0xffffffff)) ||
	    (c == XOK_SYS_SLICE_ALLOC && r >= XOK_NSLICES) ||
	    (c == XOK_SYS_CONS_WRITE && r > 0 && (uint64_t)r > a[1]) ||
	    (c == XOK_SYS_PAGE_ALLOC_MANY && r >= 0 && (uint64_t)r != a[4]) ||
	    ((c == XOK_SYS_PAGE_MAP_MANY || c == XOK_SYS_PAGE_UNMAP_RANGE ||
	    c == XOK_SYS_PAGE_PROTECT) && r > 0 && (uint64_t)r > (c ==
	    XOK_SYS_PAGE_MAP_MANY ? a[3] : a[2])) ||
	    (c == XOK_SYS_CONS_READ && r > 0 && (uint64_t)r > a[1])) {
		printf("\nkfuzz: caller %lx (depth %lu) saw call 0x%lx return "
		    "%ld\n", me, REC->depth, c, r);
		REC->anomalies++;
		REC->anom_call = c, REC->anom_ret = (uint64_t)r;
		for (i = 0; i < 6; i++)
			REC->anom_args[i] = a[i];
	}
	if (r < 0)
		return;
	if (c == XOK_SYS_PAGE_ALLOC_MANY && r > 0 && a[3] >= KF_IN_VA &&
	    a[3] + (uint64_t)r * 8 <= KF_IN_VA + XOK_PGSIZE) {
		for (i = 0; i < (int)r && i < 8; i++)
			add_ppn(((uint64_t *)a[3])[i]);
	} else if (c == XOK_SYS_PAGE_ALLOC) {
		add_ppn((uint64_t)r);
		if ((REC->hazards & KH_ZERO) && (a[2] == 0 || a[2] == me)) {
			zck_ppn = (uint64_t)r;
			check_zero((uint64_t)r);
			zck_ppn = ~0UL;
		}
	} else if (c == XOK_SYS_ENV_CREATE)
		add_kid((uint64_t)r, -1);
}

/* ---- our children ------------------------------------------------------- */

static void
merge(struct kf_rec *d, const struct kf_rec *s)
{
	int i;

	if (s->magic != KF_MAGIC)
		return;
	d->calls += s->calls, d->oor += s->oor, d->specials += s->specials;
	d->faults += s->faults, d->spawned += s->spawned;
	d->kids_merged += 1 + s->kids_merged;
	if (s->anomalies) {
		d->anomalies += s->anomalies;
		d->anom_call = s->anom_call, d->anom_ret = s->anom_ret;
		memcpy(d->anom_args, s->anom_args, sizeof(d->anom_args));
	}
	if (s->dirty_pages) {
		d->dirty_pages += s->dirty_pages;
		d->dirty_ppn = s->dirty_ppn, d->dirty_word = s->dirty_word;
	}
	if (s->seg_leaks)
		d->seg_leaks += s->seg_leaks, d->seg_leak_val = s->seg_leak_val;
	for (i = 0; i < 8; i++)
		d->hazard_runs[i] += s->hazard_runs[i];
	for (i = 0; i < KF_NCALLS; i++)
		d->ncalls[i] += s->ncalls[i], d->nok[i] += s->nok[i];
}

/* Can we read va?  (A predicate that loads it tells us: SLEEP returns
 * at once, 0 if the load worked, -XE_FAULT if not.) */
static int
readable(uint64_t va)
{
	struct xok_pred_insn p[3] = {
		{ .op = XP_LDU, .a = 0, .imm = va },
		{ .op = XP_LDI, .a = 1, .imm = 1 },
		{ .op = XP_RET, .a = 1 },
	};

	return sys_sleep(p, 3) == 0;
}

static void
reap(void)
{
	int i;

	for (i = 0; i < NKIDS; i++) {
		uint64_t va = KF_KIDREC_VA + (uint64_t)i * XOK_PGSIZE;

		if (!kids[i].id || xok_env_alive(kids[i].id))
			continue;
		if (kids[i].recppn >= 0) {
			if (readable(va))
				merge(REC, (const struct kf_rec *)va);
			sys_page_unmap(XOK_SELF, va, 0);
			sys_page_free((uint64_t)kids[i].recppn, 0);
		}
		kids[i].id = 0;
	}
}

static void
spawn_kid(void)
{
	struct exos_spawn sp = { .image = (const void *)REC->image_va,
	    .size = REC->image_size, .arg = 1, .slices = 1, .start = 0 };
	struct kf_rec *kr;
	int64_t id, ppn;
	uint64_t va;
	int i;

	reap();
	for (i = 0; i < NKIDS && kids[i].id; i++)
		;
	if (i == NKIDS || REC->depth >= KF_MAXDEPTH || !REC->image_va)
		return;
	va = KF_KIDREC_VA + (uint64_t)i * XOK_PGSIZE;
	if ((id = exos_spawn(&sp)) < 0)
		return;
	if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
		goto fail;
	if (sys_page_map(XOK_SELF, va, (uint64_t)ppn, XOK_PTE_W | XOK_PTE_NX,
	    0, 0) < 0) {
		sys_page_free((uint64_t)ppn, 0);
		goto fail;
	}
	kr = (struct kf_rec *)va;
	memset(kr, 0, sizeof(*kr));
	kr->magic = KF_MAGIC;
	kr->seed = rnd();
	kr->hazards = REC->hazards;
	kr->budget = 100 + rn(REC->budget / 2 + 1);
	kr->depth = REC->depth + 1;
	kids[i].id = (uint64_t)id, kids[i].recppn = ppn;
	if (sys_page_map((uint64_t)id, KF_REC_VA, (uint64_t)ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0 ||
	    sys_env_set_status((uint64_t)id, 0, XOK_ENV_RUNNABLE) < 0) {
		sys_env_destroy((uint64_t)id, 0, 0);
		return;                 /* reap() frees the record */
	}
	REC->spawned++;
	return;
fail:
	sys_env_destroy((uint64_t)id, 0, 0);
}

/* ---- upcall handlers ------------------------------------------------------ */

static void
fault_handler(struct xok_frame *f)
{
	static uint64_t last_rip, repeats;

	REC->faults++;
	if (f->rip == last_rip && ++repeats > 64)
		sys_env_destroy(XOK_SELF, 0, 0xfb);     /* stuck on one fault */
	if (f->rip != last_rip)
		last_rip = f->rip, repeats = 0;
	if (f->trapno == 1) {                   /* single step */
		f->rflags &= ~0x100UL;
		return;
	}
	if (f->cs != 0x2b) {                    /* 32-bit mode (hazard #2) */
		f->cs = 0x2b, f->ss = 0x23;
		f->rip = (uint64_t)kf_compat_back;
		return;
	}
	if (f->rip == (uint64_t)kf_wild_insn) {
		f->rip = (uint64_t)kf_wild_end;
		return;
	}
	if (f->rip >= KF_JIT_VA && f->rip < KF_JIT_VA + XOK_PGSIZE) {
		f->rip = KF_JIT_VA + KF_JIT_RET;
		return;
	}
	if (f->rip == (uint64_t)kf_iret_insn) {
		f->rip = (uint64_t)kf_iret_back;
		f->rsp += 40;
		return;
	}
	if (f->rip >= (uint64_t)kf_simd_start && f->rip < (uint64_t)kf_simd_end) {
		f->rip = (uint64_t)kf_simd_end;
		return;
	}
	if (f->rip >= (uint64_t)kf_x87_start && f->rip <= (uint64_t)kf_x87_end) {
		f->rip = (uint64_t)kf_x87_end;
		return;
	}
	sys_env_destroy(XOK_SELF, 0, 0xfa);     /* anything else: die */
}

static void
epilogue_handler(struct xok_frame *f)
{
	(void)f;
	sys_yield(XOK_SELF);
}

static void
ipc_handler(struct xok_frame *f, struct exos_ipc *m)
{
	(void)f;
	if (rn(8) == 0)
		sys_env_destroy(XOK_SELF, 0, 0x1c);     /* die mid-call */
	m->reply[0] = m->w[0] + 1, m->reply[1] = m->w[1];
}

static void
reflect_handler(struct xok_frame *f)
{
	f->rax = 0x7e7e7e;
}

static void
install_upcalls(void)
{
	unsigned which = 0;

	if (rn(8))
		which |= EXOS_UP(XOK_UP_FAULT);
	if (rn(3) == 0)
		which |= EXOS_UP(XOK_UP_EPILOGUE);
	if (rn(3) == 0)
		which |= EXOS_UP(XOK_UP_PROLOGUE);
	if (rn(2))
		which |= EXOS_UP(XOK_UP_IPC);
	if (rn(3) == 0)
		which |= EXOS_UP(XOK_UP_REFLECT);
	exos_upcalls_install(which, rn(4) == 0 ? XOK_UPF_NESTED : 0);
}

/* ---- the other actions ------------------------------------------------------ */

static const struct { uint8_t len, b[4]; } priv[] = {
	{ 1, { 0xfa } }, { 1, { 0xfb } }, { 1, { 0xf4 } },     /* cli sti hlt */
	{ 3, { 0x0f, 0x01, 0xf8 } }, { 2, { 0x0f, 0x07 } },    /* swapgs sysret */
	{ 2, { 0x0f, 0x35 } }, { 2, { 0x0f, 0x34 } },          /* sysexit sysenter */
	{ 2, { 0xe4, 0x60 } }, { 2, { 0xe6, 0x80 } }, { 1, { 0xec } },
	{ 2, { 0x0f, 0x30 } }, { 2, { 0x0f, 0x32 } },          /* wrmsr rdmsr */
	{ 3, { 0x0f, 0x20, 0xd8 } }, { 3, { 0x0f, 0x22, 0xd8 } },
	{ 2, { 0x0f, 0x0b } }, { 1, { 0xcc } }, { 1, { 0xf1 } }, { 1, { 0xce } },
	{ 2, { 0x0f, 0xa2 } }, { 2, { 0x0f, 0x31 } }, { 3, { 0x0f, 0x01, 0xf9 } },
	{ 2, { 0x0f, 0x09 } }, { 3, { 0x0f, 0x01, 0xc8 } },
	{ 3, { 0x0f, 0x01, 0xd9 } }, { 3, { 0x0f, 0x01, 0xc1 } },
	{ 3, { 0x0f, 0x00, 0xd8 } }, { 3, { 0x0f, 0x01, 0x10 } },
	{ 3, { 0x0f, 0x01, 0x38 } }, { 2, { 0xcd, 0 } },       /* int n */
	{ 2, { 0x8e, 0xe7 } }, { 2, { 0x8e, 0xef } },          /* fs gs (segs) */
	{ 2, { 0x8e, 0xc7 } }, { 2, { 0x8e, 0xdf } }, { 2, { 0x8e, 0xd7 } },
};
#define NPRIV_SAFE 29   /* the segment loads after these are KH_SEGS */

/* One instruction in the JIT page, then `ret`; faults resume at the ret. */
static void
jit(const uint8_t *b, unsigned len, uint64_t rdi)
{
	uint8_t *p = (uint8_t *)KF_JIT_VA;

	memset(p, 0x90, KF_JIT_RET);
	memcpy(p, b, len);
	p[KF_JIT_RET] = 0xc3;
	uint64_t rax = 0, rcx = 0;

	/* past the red zone: the call pushes a return address */
	__asm__ volatile("subq $128, %%rsp; call *%3; addq $128, %%rsp"
	    : "+D"(rdi), "+a"(rax), "+c"(rcx) : "r"(KF_JIT_VA)
	    : "rbx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
}

static void
priv_insn(void)
{
	unsigned i = (unsigned)rn((REC->hazards & KH_SEGS) ?
	    sizeof(priv) / sizeof(priv[0]) : NPRIV_SAFE);
	uint8_t b[4];
	static const uint16_t sels[] = { 0, 3, 0x8, 0x10, 0x13, 0x18, 0x1b,
		0x20, 0x23, 0x28, 0x2b, 0x30, 0x33, 0x3b, 0xffff };
	uint64_t sel = rn(4) ? sels[rn(sizeof(sels) / sizeof(sels[0]))] : rnd();

	memcpy(b, priv[i].b, 4);
	if (b[0] == 0xcd)
		b[1] = (uint8_t)rnd();
	if (i >= NPRIV_SAFE)
		segs_held = 1;
	jit(b, priv[i].len, sel);
	if (i >= NPRIV_SAFE) {          /* hold it through a tick, then undo */
		uint64_t t = XOK_INFO->ticks;

		while (XOK_INFO->ticks < t + 2)
			;
		__asm__ volatile("movw %0, %%ds; movw %1, %%es; movw %2, %%fs;"
		    "movw %3, %%gs" :: "r"(mysegs[0]), "r"(mysegs[1]),
		    "r"(mysegs[2]), "r"(mysegs[3]));
		REC->hazard_runs[3]++;
		segs_held = 0;
	}
}

static void
crafted_iret(void)
{
	static const uint64_t css[] = { 0x2b, 0x2b, 0x2b, 0x08, 0x10, 0x23,
		0x28, 0x30, 0x33, 0 };
	uint64_t cs = rn(8) ? css[rn(sizeof(css) / sizeof(css[0]))] : rnd();
	uint64_t fl = gen_rflags(), ss = rn(4) ? 0x23 : rn(2) ? 0x2b : rnd();

	if (!(REC->hazards & KH_NT))
		fl &= ~0x4000UL;
	if ((REC->hazards & KH_COMPAT) && rn(8) == 0)
		cs = 0x1b;
	if ((cs & 0xffff) == 0x1b && !(REC->hazards & KH_COMPAT))
		cs = 0x2b;
	kf_iret(cs, fl, ss);
}

static void
exhaust(void)
{
	uint64_t i;
	int64_t p;

	REC->hazard_runs[5]++;
	switch (rn(4)) {
	case 0:
		for (i = 0; i < 70000 && sys_page_alloc(XOK_PPN_ANY, 0) >= 0; i++)
			;
		REC->calls += i;
		break;
	case 1:
		for (i = 0; i < XOK_NENV; i++)
			if ((p = sys_env_create(0)) < 0)
				break;
			else
				add_kid((uint64_t)p, -1);
		break;
	case 2:         /* one page mapped sparsely: page tables */
		if ((p = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
			break;
		for (i = 0; i < 20000 && sys_page_map(XOK_SELF, KF_FZ_VA +
		    i * ((1UL << 30) + (1UL << 21)), (uint64_t)p, 0, 0, 0) >= 0;
		    i++)
			;
		REC->calls += i;
		break;
	default:
		for (i = 0; i < XOK_NSLICES && sys_slice_alloc(XOK_SELF, 0,
		    XOK_SLICE_ANY) >= 0; i++)
			;
		break;
	}
}

/* Our own selectors in every segment register, held through a few
 * clock ticks (other environments run meanwhile), then put back. */
static void
hold_segs(void)
{
	uint64_t t = XOK_INFO->ticks;
	uint16_t sel = 0x23;            /* the user data segment */

	REC->hazard_runs[3]++;
	segs_held = 2;
	__asm__ volatile("movw %0, %%ds; movw %0, %%es; movw %0, %%fs;"
	    "movw %0, %%gs" :: "r"(sel));
	while (XOK_INFO->ticks < t + 12)        /* past the end of a slice */
		;
	__asm__ volatile("movw %0, %%ds; movw %1, %%es; movw %2, %%fs;"
	    "movw %3, %%gs" :: "r"(mysegs[0]), "r"(mysegs[1]),
	    "r"(mysegs[2]), "r"(mysegs[3]));
	segs_held = 0;
}

/* One of the enabled hazard classes. */
static void
hazard(void)
{
	static const uint64_t cls[] = { KH_NT, KH_COMPAT, KH_X87, KH_SEGS,
		KH_EXHAUST };
	uint64_t c = cls[rn(sizeof(cls) / sizeof(cls[0]))];

	if (!(REC->hazards & c))
		return;
	switch (c) {
	case KH_NT: REC->hazard_runs[0]++, kf_nt(); break;
	case KH_COMPAT: REC->hazard_runs[1]++, kf_compat(rn(4)); break;
	case KH_X87: REC->hazard_runs[2]++, kf_x87(); break;
	case KH_SEGS: hold_segs(); break;
	default: exhaust(); break;
	}
}

/* Someone else's selector in our registers: hazard #4 seen. */
static void
check_segs(void)
{
	uint16_t s[4];
	int i;

	kf_getsegs(s);
	for (i = 0; i < 4; i++)
		if (s[i] != mysegs[i]) {
			printf("\nkfuzz: caller %lx (depth %lu) saw selector "
			    "0x%x in register %d, not its 0x%x%s\n", me,
			    REC->depth, s[i], i, mysegs[i], segs_held ?
			    ", while it held one of its own (restarted?)" :
			    "");
			REC->seg_leaks++;
			REC->seg_leak_val = (uint64_t)i << 16 | s[i];
		}
}

static void
churn(void)
{
	uint64_t va = KF_FZ_VA + rn(KF_FZ_PAGES) * XOK_PGSIZE;
	int64_t p = sys_page_alloc(XOK_PPN_ANY, 0);

	if (p < 0)
		return;
	add_ppn((uint64_t)p);
	if (sys_page_map(XOK_SELF, va, (uint64_t)p, XOK_PTE_W | XOK_PTE_NX,
	    0, 0) < 0) {
		sys_page_free((uint64_t)p, 0);
		return;
	}
	*(volatile uint64_t *)va = rnd();
	if (rn(2)) {
		sys_page_unmap(XOK_SELF, va, 0);
		sys_page_free((uint64_t)p, 0);
	}
}

/* A store anywhere but our record pages: most of them fault. */
static void
wild(void)
{
	uint64_t a = rn(2) ? edge() : gen_va() + rn(4096) * rn(2);

	if ((a & ~0xfffUL) == KF_REC_VA || (a >= KF_KIDREC_VA &&
	    a < KF_KIDREC_VA + NKIDS * XOK_PGSIZE))
		a = 0;
	kf_wild(a, rnd());
}

static void
special(void)
{
	REC->specials++;
	if (REC->hazards & KH_SEGS)
		check_segs();
	switch (rn(16)) {
	case 0: case 1:
		wild();
		break;
	case 2:
		spawn_kid();
		break;
	case 3: case 4:
		priv_insn();
		break;
	case 5:
		reap();
		if (rn(2))
			sys_env_destroy(some_kid(), 0, rn(256));
		break;
	case 6:
		install_upcalls();
		break;
	case 7:
		kf_tf(rn(2));
		break;
	case 8:
		kf_simd();
		break;
	case 9:
		crafted_iret();
		break;
	case 10: case 11: case 15:
		hazard();
		break;
	case 12:
		churn();
		break;
	case 13:
		if (rn(2))
			exos_sleep_until_tick(XOK_INFO->ticks + rn(3));
		else
			sys_yield(some_kid());
		break;
	case 14:
		if (rn(16) == 0)
			sys_env_destroy(XOK_SELF, 0, 0x5d);     /* just die */
		break;
	default:
		break;
	}
}

/* ---- start --------------------------------------------------------------- */

/* One caller in 32 prints what init prints: a key, a failed and a passed
 * check, init's verdict and end.  kfuzz.sh must count none of it (a
 * caller sent into init's code does the same by accident).  Chosen from
 * the seed our parent gave us, so our own random choices stay as they
 * are. */
static void
forge(void)
{
	if (!(REC->hazards & KH_FORGE) || REC->seed % 32 != 0)
		return;
	REC->hazard_runs[6]++;
	printf("\nkfuzz: key 0000000000000000\nFAIL: kfuzz: forged by a "
	    "caller\nPASS: kfuzz: forged by a caller\nkfuzz: verdict: 1 "
	    "checks, 1 failed\nALL-DONE\n");
}

static void
setup(void)
{
	uint64_t i;
	int64_t p;

	me = xok_self();
	parent = xok_env_info(me)->parent;
	init_id = XOK_INFO->envs[0].id;
	npages = XOK_INFO->npages;
	rs = REC->seed;
	sys_cap_get(0, &myname);
	if (REC->hazards & KH_SEGS)     /* null selectors: ours to check */
		__asm__ volatile("movw %0, %%ds; movw %0, %%es; movw %0, %%fs;"
		    "movw %0, %%gs" :: "r"((uint16_t)0));
	kf_getsegs(mysegs);
	exos_fault_handler = fault_handler;
	exos_epilogue_handler = epilogue_handler;
	exos_ipc_handler = ipc_handler;
	exos_reflect_handler = reflect_handler;
	if (exos_map_new(KF_IN_VA, 1, XOK_PTE_W | XOK_PTE_NX) < 0 ||
	    exos_map_new(KF_HARM_VA, 1, XOK_PTE_W | XOK_PTE_NX) < 0 ||
	    exos_map_new(KF_JIT_VA, 1, XOK_PTE_W) < 0)
		exit(0x7e);
	memset((void *)KF_HARM_VA, '\n', XOK_PGSIZE);
	for (i = 0; i < npages && nbase < 32; i++)
		if (XOK_PAGES[i].owner == (me & 0xffffffff))
			base[nbase++] = i;
	if ((p = sys_page_alloc(XOK_PPN_ANY, 0)) >= 0)
		add_ppn((uint64_t)p);
	if (rn(8))
		install_upcalls();
	for (i = REC->budget ? rn(3) : 0; i > 0; i--)
		spawn_kid();
}

int
kf_child_main(void)
{
	if (REC->magic != KF_MAGIC)
		exit(0x7f);
	forge();
	setup();
	while (REC->calls < REC->budget) {
		if (rn(64) == 0)
			special();
		else
			one_call();
	}
	reap();
	exit(0);
}
