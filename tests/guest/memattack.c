/*
 * memattack.c: a hostile review of the reverse map, page-table freeing
 * and quotas (issue 8, findings 5, 10, 11).  Booted as init with a fresh
 * disk (memattack.sh).  Init holds the root capability, so it plays most
 * parts itself: it allocates pages for other environments, maps into
 * them and destroys them in every order; one spawned copy of this
 * program makes grandchildren so that a middle environment can die.
 *
 * After every step the machine's books must balance: the pages neither
 * free nor charged to init are the kernel's own (a constant), init's
 * env_used is the number of live environments, and every page's
 * mapcount is the number of entries we made.
 */
#include <exos/exos.h>
#include "check.h"
#include <xn/xn.h>

#define SHARED_VA 0x0000000500000000UL
#define SH ((volatile int64_t *)SHARED_VA)
#define LIMIT_VA  0x0000002000000000UL  /* 65535 contiguous mappings */
#define SPREAD_VA 0x0000003000000000UL  /* one table per mapping */
#define SPREAD    (1UL << 30)           /* a PD apart */
#define NMAX      65535

enum { R_DRIVER = 0, R_MAKER };

static const void *self_image;
static uint64_t self_size;
static uint64_t shared_ppn;
static int64_t kernel_held;     /* npages - nfree - init's page_used */

static const volatile struct xok_env_info *
inf(uint64_t id)
{
	return &XOK_INFO->envs[XOK_ENVX(id == XOK_SELF ? xok_self() : id)];
}

static uint64_t
mapcount(uint64_t ppn)
{
	return XOK_PAGES[ppn].mapcount;
}

static int64_t
held(void)
{
	return (int64_t)(XOK_INFO->npages - XOK_INFO->nfree) -
	    (int64_t)inf(XOK_SELF)->page_used;
}

static uint64_t
live_envs(void)
{
	uint64_t i, n = 0;

	for (i = 0; i < XOK_NENV; i++)
		if (XOK_INFO->envs[i].state != XOK_ENV_FREE)
			n++;
	return n;
}

/* The books balance (after a step named what). */
static void
books(const char *what)
{
	int64_t h = held();
	uint64_t used = inf(XOK_SELF)->env_used, live = live_envs();

	if (h == kernel_held && used == live) {
		printf("PASS: %s: the books balance\n", what);
		return;
	}
	printf("FAIL: %s: pages neither free nor init's %ld, want %ld; init's "
	    "env_used %lu, live %lu\n", what, h, kernel_held, used, live);
	failures++;
}

/* ---- the maker: two grandchildren for init, then waits to die -------- */

static void
maker(void)
{
	SH[2] = sys_env_create(0);
	SH[3] = sys_env_create(0);
	SH[0] = 1;
	for (;;)
		sys_yield(XOK_SELF);
}

static int64_t
spawn_maker(int64_t *a1, int64_t *a2)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = R_MAKER, .slices = 1, .start = 0 };
	int64_t child = exos_spawn(&sp);

	if (child < 0)
		return child;
	memset((void *)SHARED_VA, 0, XOK_PGSIZE);
	if (sys_page_map((uint64_t)child, SHARED_VA, shared_ppn, XOK_PTE_W,
	    0, 0) < 0)
		return -XE_NOMEM;
	sys_env_set_status((uint64_t)child, 0, XOK_ENV_RUNNABLE);
	if (!WAIT_FOR(SH[0] == 1, 5000))
		return -XE_BUSY;
	*a1 = SH[2], *a2 = SH[3];
	return (*a1 > 0 && *a2 > 0) ? child : -XE_NOMEM;
}

/* ---- the mapping limit and replacing a mapping ------------------------ */

static void
test_limit(void)
{
	uint64_t nfree0 = XOK_INFO->nfree, i, n = 0;
	int64_t p, q, c, r;

	if ((p = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    (q = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    (c = sys_env_create(0)) < 0) {
		EXPECT("limit: set up", 0);
		return;
	}
	for (i = 0; i < NMAX; i++)
		if (sys_page_map(XOK_SELF, LIMIT_VA + i * XOK_PGSIZE,
		    (uint64_t)p, 0, 0, 0) == 0)
			n++;
	EXPECT_EQ("limit: 65535 mappings of one page", n, NMAX);
	EXPECT_EQ("limit: mapcount 65535", mapcount((uint64_t)p), NMAX);
	/* session 8: the kernel counts in 32 bits (the exported mapcount
	 * stops at 65535), so nobody's mappings can use up a page's */
	EXPECT_EQ("limit: the 65536th is accepted", sys_page_map(XOK_SELF,
	    LIMIT_VA + NMAX * XOK_PGSIZE, (uint64_t)p, 0, 0, 0), 0);
	EXPECT_EQ("limit: ...mapcount shows 65535", mapcount((uint64_t)p),
	    NMAX);
	EXPECT_EQ("limit: ...also in another environment",
	    sys_page_map((uint64_t)c, SPREAD_VA, (uint64_t)p, 0, 0, 0), 0);
	EXPECT_EQ("limit: ...and unmapped there", sys_page_unmap((uint64_t)c,
	    SPREAD_VA, 0), 0);
	EXPECT_EQ("limit: the other's tables went with it",
	    inf((uint64_t)c)->page_used, 1);
	/* the same page again where it is: a change of rights, no new ref */
	r = sys_page_map(XOK_SELF, LIMIT_VA, (uint64_t)p, XOK_PTE_W, 0, 0);
	EXPECT_EQ("limit: remapping an entry to the same page at the limit",
	    r, 0);
	EXPECT_EQ("limit: ...mapcount unchanged", mapcount((uint64_t)p), NMAX);
	if (r == 0) {
		*(volatile uint64_t *)LIMIT_VA = 0x1234;
		EXPECT_EQ("limit: ...and writable now",
		    *(volatile uint64_t *)(LIMIT_VA + XOK_PGSIZE), 0x1234);
	}
	/* replace: one entry of p becomes q */
	EXPECT_EQ("limit: replace an entry", sys_page_map(XOK_SELF,
	    LIMIT_VA + 7 * XOK_PGSIZE, (uint64_t)q, 0, 0, 0), 0);
	EXPECT("limit: replace moves one reference (65536 -> 65535)",
	    mapcount((uint64_t)p) == NMAX && mapcount((uint64_t)q) == 1);
	EXPECT_EQ("limit: one more unmapped: 65534 shows",
	    sys_page_unmap(XOK_SELF, LIMIT_VA + NMAX * XOK_PGSIZE, 0) == 0 ?
	    mapcount((uint64_t)p) : 0, NMAX - 1);
	EXPECT_EQ("limit: free of a mapped page refused",
	    sys_page_free((uint64_t)p, 0), -XE_BUSY);
	/* unmap in an odd order: every third, then the rest */
	for (i = 0; i < NMAX; i += 3)
		sys_page_unmap(XOK_SELF, LIMIT_VA + i * XOK_PGSIZE, 0);
	for (i = 0; i < NMAX; i++)
		if (i % 3)
			sys_page_unmap(XOK_SELF, LIMIT_VA + i * XOK_PGSIZE, 0);
	EXPECT("limit: all unmapped, mapcounts 0",
	    mapcount((uint64_t)p) == 0 && mapcount((uint64_t)q) == 0);
	sys_env_destroy((uint64_t)c, 0, 0);
	EXPECT_EQ("limit: free p", sys_page_free((uint64_t)p, 0), 0);
	EXPECT_EQ("limit: free q", sys_page_free((uint64_t)q, 0), 0);
	EXPECT_EQ("limit: every table freed", XOK_INFO->nfree, nfree0);
	books("limit");
}

/* ---- the reverse map across environments, and revocation -------------- */

#define T_DIR 16
#define RV_BLK 300

static int
xn_setup(void)
{
	static struct xok_xn_template tmpl;
	static uint8_t init[4096];
	const struct xn_insn owns[] = {
		XN_I(LDI, 0, 0, 0, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	const struct xn_insn acl[] = {
		XN_I(LDI, 9, 0, 0, 1),
		XN_I(RET, 9, 0, 0, 0),
	};
	struct xok_xn_stat st;

	if (sys_xn_stat(&st) < 0 || st.nblocks == 0)
		return -1;
	memset(&tmpl, 0, sizeof(tmpl));
	strncpy(tmpl.name, "atk.dir", sizeof(tmpl.name) - 1);
	tmpl.type = T_DIR;
	tmpl.len[0] = sizeof(owns) / sizeof(owns[0]);
	tmpl.len[1] = sizeof(acl) / sizeof(acl[0]);
	memcpy(tmpl.code[0], owns, sizeof(owns));
	memcpy(tmpl.code[1], acl, sizeof(acl));
	if (sys_xn_format(0) < 0 || sys_xn_template(0, &tmpl) < 0 ||
	    sys_xn_root(0, "atk", T_DIR, RV_BLK, init) < 0 ||
	    sys_xn_sync() < 0)
		return -1;
	return 0;
}

static void
test_rmap(void)
{
	uint64_t nfree0, i, u1, u2;
	int64_t p, c1, c2, c3;
	int ok = 1;

	if (xn_setup() < 0) {
		EXPECT("rmap: XN on the disk", 0);
		return;
	}
	kernel_held = held();           /* XN holds its arena from now on */
	nfree0 = XOK_INFO->nfree;
	if ((p = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    (c1 = sys_env_create(0)) < 0 || (c2 = sys_env_create(0)) < 0 ||
	    (c3 = sys_env_create(0)) < 0) {
		EXPECT("rmap: set up", 0);
		return;
	}
	EXPECT_EQ("rmap: cache the block in our page",
	    sys_xn_bc_insert(0, RV_BLK, (uint64_t)p, 0), 0);
	/* interleaved: us, c1, c2, c3, us ... in the same and in different
	 * tables, so each environment's entries sit mid-chain */
	for (i = 0; i < 8; i++) {
		uint64_t va = SPREAD_VA + (i % 2 ? i * SPREAD : i * XOK_PGSIZE);

		ok &= sys_page_map(XOK_SELF, va, (uint64_t)p, 0, 0, 0) == 0;
		ok &= sys_page_map((uint64_t)c1, va, (uint64_t)p, 0, 0, 0) == 0;
		ok &= sys_page_map((uint64_t)c2, va, (uint64_t)p, 0, 0, 0) == 0;
		ok &= sys_page_map((uint64_t)c3, va, (uint64_t)p, 0, 0, 0) == 0;
	}
	EXPECT("rmap: 32 read-only mappings in 4 environments", ok);
	EXPECT_EQ("rmap: mapcount 32", mapcount((uint64_t)p), 32);
	EXPECT_EQ("rmap: no write mapping of a cached block",
	    sys_page_map((uint64_t)c1, SPREAD_VA, (uint64_t)p, XOK_PTE_W, 0, 0),
	    -XE_PERM);
	u1 = inf((uint64_t)c1)->page_used;
	/* c2 dies in the middle of every chain */
	sys_env_destroy((uint64_t)c2, 0, 0);
	EXPECT_EQ("rmap: a dead mapper's entries go", mapcount((uint64_t)p),
	    24);
	books("rmap: destroy mid-chain");
	/* revocation: the others' views go, the owner's stay */
	EXPECT_EQ("rmap: evict", sys_xn_bc_evict(0, RV_BLK), 0);
	EXPECT_EQ("rmap: evict leaves only the owner's mappings",
	    mapcount((uint64_t)p), 8);
	u2 = inf((uint64_t)c1)->page_used;
	EXPECT("rmap: evict freed the others' page tables",
	    u1 > 1 && u2 == 1 && inf((uint64_t)c3)->page_used == 1);
	books("rmap: evict");
	/* c1 and c3 map it again, privately now (not cached) */
	EXPECT_EQ("rmap: c1 maps again", sys_page_map((uint64_t)c1,
	    SPREAD_VA, (uint64_t)p, XOK_PTE_W, 0, 0), 0);
	for (i = 0; i < 8; i++) {
		uint64_t va = SPREAD_VA + (i % 2 ? i * SPREAD : i * XOK_PGSIZE);

		sys_page_unmap(XOK_SELF, va, 0);
	}
	EXPECT_EQ("rmap: one left", mapcount((uint64_t)p), 1);
	EXPECT_EQ("rmap: a mapped page cannot be freed",
	    sys_page_free((uint64_t)p, 0), -XE_BUSY);
	sys_env_destroy((uint64_t)c1, 0, 0);
	EXPECT_EQ("rmap: free after the last mapper died",
	    sys_page_free((uint64_t)p, 0), 0);
	sys_env_destroy((uint64_t)c3, 0, 0);
	EXPECT_EQ("rmap: every page back", XOK_INFO->nfree, nfree0);
	books("rmap");
}

/* ---- quotas: destroy a middle environment, orphans up two levels ----- */

static void
test_quota(void)
{
	uint64_t nfree0 = XOK_INFO->nfree, pages0 = inf(XOK_SELF)->page_used;
	uint64_t a_used, i;
	int64_t a, a1, a2, pg[4], r;
	int ok = 1;

	if ((a = spawn_maker(&a1, &a2)) < 0) {
		EXPECT_EQ("quota: spawn the maker", a, 0);
		return;
	}
	books("quota: a tree of three");
	a_used = inf((uint64_t)a)->page_used;
	/* pages for a grandchild, mapped in its sibling and in us */
	for (i = 0; i < 4; i++) {
		ok &= (pg[i] = sys_page_alloc_for(XOK_PPN_ANY, 0, (uint64_t)a1,
		    0)) > 0;
		ok &= sys_page_map((uint64_t)a2, SPREAD_VA + i * XOK_PGSIZE,
		    (uint64_t)pg[i], XOK_PTE_W, 0, 0) == 0;
		ok &= sys_page_map(XOK_SELF, SPREAD_VA + i * XOK_PGSIZE,
		    (uint64_t)pg[i], XOK_PTE_W, 0, 0) == 0;
	}
	EXPECT("quota: pages for a grandchild, mapped twice", ok);
	EXPECT_EQ("quota: the grandchild pays its pages",
	    inf((uint64_t)a1)->page_used, 1 + 4);
	EXPECT_EQ("quota: its sibling pays its tables (3 + link page)",
	    inf((uint64_t)a2)->page_used, 1 + 4);
	EXPECT_EQ("quota: the middle counts both",
	    inf((uint64_t)a)->page_used, a_used + 8);
	books("quota: pages given and mapped");

	/* limits: only an ancestor, never above what it has left */
	EXPECT_EQ("quota: init cannot set its own",
	    sys_env_set_quota(XOK_SELF, 0, 1, 1), -XE_PERM);
	EXPECT_EQ("quota: a huge limit", sys_env_set_quota((uint64_t)a2, 0,
	    ~0UL, ~0UL), -XE_RANGE);
	EXPECT_EQ("quota: a grandchild's limit at what it holds",
	    sys_env_set_quota((uint64_t)a2, 0, 1, 5), 0);
	EXPECT_EQ("quota: ...refuses a new table",
	    sys_page_map((uint64_t)a2, SPREAD_VA + SPREAD, (uint64_t)pg[0],
	    0, 0, 0), -XE_QUOTA);
	EXPECT_EQ("quota: ...left nothing behind",
	    inf((uint64_t)a2)->page_used, 5);
	EXPECT_EQ("quota: ...an entry in an existing table is free",
	    sys_page_map((uint64_t)a2, SPREAD_VA + 9 * XOK_PGSIZE,
	    (uint64_t)pg[0], 0, 0, 0), 0);
	EXPECT_EQ("quota: a limit below use", sys_env_set_quota((uint64_t)a1,
	    0, 0, 0), 0);
	EXPECT_EQ("quota: ...refuses pages",
	    sys_page_alloc_for(XOK_PPN_ANY, 0, (uint64_t)a1, 0), -XE_QUOTA);
	books("quota: limits");

	/* the middle dies first (while runnable): its children are ours */
	sys_env_destroy((uint64_t)a, 0, 0);
	EXPECT("quota: grandchildren outlive the middle",
	    xok_env_alive((uint64_t)a1) && xok_env_alive((uint64_t)a2));
	books("quota: middle died");
	EXPECT_EQ("quota: now we may set the grandchild's limit",
	    sys_env_set_quota((uint64_t)a1, 0, 1, 100), 0);

	/* the owner dies: its pages live on in the sibling and in us */
	sys_env_destroy((uint64_t)a1, 0, 0);
	EXPECT("quota: orphans", (XOK_PAGES[pg[0]].flags & XOK_PG_ORPHAN) &&
	    mapcount((uint64_t)pg[0]) == 3);
	books("quota: owner died");
	sys_env_destroy((uint64_t)a2, 0, 0);
	books("quota: sibling died");
	for (i = 0; i < 4; i++)
		sys_page_unmap(XOK_SELF, SPREAD_VA + i * XOK_PGSIZE, 0);
	EXPECT("quota: the last unmap frees an orphan",
	    XOK_PAGES[pg[0]].owner == 0);
	books("quota: orphans gone");
	EXPECT_EQ("quota: every page back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("quota: init's use back", inf(XOK_SELF)->page_used, pages0);

	/* orphans inherited by a middle environment that then dies */
	if ((a = spawn_maker(&a1, &a2)) < 0) {
		EXPECT_EQ("quota: spawn the maker again", a, 0);
		return;
	}
	ok = (pg[0] = sys_page_alloc_for(XOK_PPN_ANY, 0, (uint64_t)a1, 0)) > 0 &&
	    sys_page_map(XOK_SELF, SPREAD_VA, (uint64_t)pg[0], 0, 0, 0) == 0;
	EXPECT("quota: a grandchild's page mapped in us", ok);
	a_used = inf((uint64_t)a)->page_used;
	sys_env_destroy((uint64_t)a1, 0, 0);
	EXPECT_EQ("quota: its orphan stays charged to the middle",
	    inf((uint64_t)a)->page_used, a_used - 1);   /* its PML4 went */
	books("quota: orphan held by the middle");
	sys_env_destroy((uint64_t)a, 0, 0);
	books("quota: the middle died holding an orphan");
	sys_env_destroy((uint64_t)a2, 0, 0);
	r = sys_page_unmap(XOK_SELF, SPREAD_VA, 0);
	EXPECT("quota: the inherited orphan is freed with its last mapping",
	    r == 0 && XOK_PAGES[pg[0]].owner == 0);
	books("quota: all gone");
	EXPECT_EQ("quota: every page back (2)", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("quota: init's use back (2)", inf(XOK_SELF)->page_used,
	    pages0);
}

/* ---- what user calls may never reach --------------------------------- */

static void
test_reserved(void)
{
	EXPECT_EQ("reserved: no unmap of the exported region",
	    sys_page_unmap(XOK_SELF, XOK_INFO_VA, 0), -XE_INVAL);
	EXPECT_EQ("reserved: no unmap of XN's export",
	    sys_page_unmap(XOK_SELF, XOK_XN_VA, 0), -XE_INVAL);
	EXPECT_EQ("reserved: no map over the exported region",
	    sys_page_map(XOK_SELF, XOK_INFO_VA, shared_ppn, 0, 0, 0),
	    -XE_INVAL);
	EXPECT_EQ("reserved: no unmap of page 0's neighbourhood",
	    sys_page_unmap(XOK_SELF, 0, 0), -XE_INVAL);
	EXPECT("reserved: the exported region still reads",
	    XOK_INFO->npages > 0);
}

/* ---- software interrupts and single-stepping from user mode -------- */

static volatile uint64_t f_trapno, f_err, f_cs, f_rflags, f_count;
static volatile uint64_t f_skip;        /* bytes to step over */

static void
trap_handler(struct xok_frame *f)
{
	f_trapno = f->trapno, f_err = f->err, f_cs = f->cs;
	f_rflags = f->rflags;
	f_count++;
	f->rflags &= ~0x40100UL;        /* TF and AC off */
	f->rip += f_skip;
}

#define INT_N(n) __asm__ volatile("int $" #n ::: "memory")

static void
expect_gp(const char *name, uint64_t vec)
{
	/* the error code names the IDT entry (QEMU: by its 16-byte offset) */
	int ok = f_trapno == 13 && (f_err & 7) == 2 && ((f_err >> 3) == vec ||
	    (f_err >> 4) == vec) && f_count == 1 && (f_cs & 3) == 3;
	uint16_t cs;

	/*
	 * The nested KVM of the project's machines (recognised by the cs it
	 * shows user code, not 0x2b: docs/ARCHITECTURE.md, "Hypervisor
	 * notes") raises #UD for an `int $n` whose gate has DPL 0.  What
	 * matters holds there too: one fault, in user mode, and never the
	 * vector named (no fake page fault, tick or NMI).
	 */
	__asm__ volatile("movw %%cs, %0" : "=r"(cs));
	if (!ok && cs != 0x2b)
		ok = f_trapno == 6 && f_trapno != vec && f_count == 1 &&
		    (f_cs & 3) == 3;

	if (ok) {
		printf("PASS: %s\n", name);
		return;
	}
	printf("FAIL: %s: trap %lu err %lx count %lu\n", name, f_trapno, f_err,
	    f_count);
	failures++;
}

static void
test_traps(void)
{
	uint64_t r;

	exos_fault_handler = trap_handler;
	if (exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0) < 0) {
		EXPECT("traps: fault handler", 0);
		return;
	}
	f_skip = 2;
	/* gates of DPL 0: a #GP naming the vector, never the handler */
	f_count = 0; INT_N(0x80); expect_gp("int $0x80 is a #GP", 0x80);
	f_count = 0; INT_N(14); expect_gp("int $14 is a #GP, no page fault", 14);
	f_count = 0; INT_N(0x21); expect_gp("int $0x21 is a #GP, no IRQ", 0x21);
	f_count = 0; INT_N(0x20); expect_gp("int $0x20 is a #GP, no tick", 0x20);
	f_count = 0; INT_N(8); expect_gp("int $8 is a #GP, no double fault", 8);
	f_count = 0; INT_N(2); expect_gp("int $2 is a #GP, no NMI", 2);
	f_count = 0; INT_N(255); expect_gp("int $255 is a #GP", 255);
	/* the two of DPL 3: traps after the instruction */
	f_skip = 0;
	f_count = 0; __asm__ volatile("int3" ::: "memory");
	EXPECT("int3 is a breakpoint", f_count == 1 && f_trapno == 3);
	f_count = 0; INT_N(4);
	EXPECT("int $4 is an overflow trap", f_count == 1 && f_trapno == 4);
	/* (icebp, 0xf1, is not tried: QEMU 7.2's TCG turns it into its own
	 * debugger exit and spins on the instruction) */
	/* TF set at a kernel call: SFMASK clears it in the kernel; the
	 * environment gets its #DB in user mode, after the call */
	f_count = 0;
	__asm__ volatile(
	    "pushfq; orq $0x100, (%%rsp); popfq\n"
	    "syscall\n"
	    "nop\n"
	    : "=a"(r) : "a"((uint64_t)XOK_SYS_NULL)
	    : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "r9", "memory");
	EXPECT("TF across a kernel call: the call returns", r == 0);
	EXPECT("TF across a kernel call: #DB in user mode",
	    f_count >= 1 && f_trapno == 1 && (f_cs & 3) == 3);
	/* AC across a kernel call and a page fault's way in */
	f_count = 0;
	__asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq" ::: "cc");
	r = (uint64_t)sys_null();
	__asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" ::: "cc");
	EXPECT("AC across a kernel call", r == 0);
	printf("memattack: (AC: %lu alignment faults)\n", f_count);
}

int
main(uint64_t arg)
{
	uint64_t nfree0;

	if (arg == R_MAKER)
		maker();
	printf("memattack: hostile reverse map, tables and quotas, env %lx\n",
	    xok_self());
	self_image = exos_module("memattack.elf", &self_size);
	if (!self_image ||
	    (int64_t)(shared_ppn = (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    sys_page_map(XOK_SELF, SHARED_VA, shared_ppn, XOK_PTE_W, 0, 0) < 0) {
		EXPECT("memattack: set up", 0);
		printf("ALL-DONE\n");
		sys_shutdown(0, 1);
	}
	kernel_held = held();
	test_rmap();            /* first: XN keeps its arena from then on */
	nfree0 = XOK_INFO->nfree;
	test_reserved();
	test_quota();
	test_limit();
	EXPECT_EQ("memattack: free count back", XOK_INFO->nfree, nfree0);
	test_traps();           /* keeps its upcall stack */
	books("memattack: end");
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
