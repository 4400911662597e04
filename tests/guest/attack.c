/*
 * attack.c: the session-7 attacks on the kernel (attack.sh boots it on a
 * fresh 16 MiB virtio disk).  Each section is one finding or one class
 * of hostile input, with the expectation UNIX-like isolation demands:
 *
 *  - XN_READ of a block that was freed and allocated again, never
 *    written since (XN's "fresh" state): XN's view of it is zeros, as
 *    XN_BC_INSERT zero-fills it; the disk still holds the old owner's
 *    bytes, which XN_READ must not show;
 *  - non-canonical stack pointers across SYSCALL, a timer interrupt and
 *    ENV_SET_REGS (rsp = XOK_UVA_END): the kernel's iretq must not
 *    fault in ring 0;
 *  - exhaustion: an attacker child takes every page its quota allows,
 *    environments and XN_BC_MAP views, then dies: every page comes back
 *    and the others are still served.
 * Session 8 (the known limits of XN.md, fixed):
 *  - a child maps the driver's cache page more than 65,535 times: the
 *    driver still maps it (the count is 32 bits in the kernel);
 *  - a child caches a block under its transient principal and dies: the
 *    entry becomes nobody's, so no later environment with the same id
 *    (after the 2^21 wrap) inherits it.
 *
 * Init (the root capability) drives; children are this program again
 * (arg: role).  Prints PASS:/FAIL: lines, then ALL-DONE.
 */
#include <exos/exos.h>
#include "check.h"
#include "role.h"
#include <xn/xn.h>
#include "xntemplate.h"

#define T_EXT   16
#define ROOT    100             /* the root: one extent at offset 0 */
#define BLK     300             /* the data block freed and reused */
#define SECRET  0x5345435245543432UL    /* "SECRET42"-ish */

#define CHILD_SH 0x0000000500000000UL  /* the page shared with a child */
#define VIEW_VA  0x0000000600000000UL

enum role {
	R_DRIVER = 0,
	R_NCRSP,                /* non-canonical rsp across calls, ticks */
	R_HOG,                  /* take everything, then wait to be killed */
	R_SATUR,                /* map a cache page 66,000 times, then wait */
	R_TRANS,                /* cache a block as its transient principal */
	R_VIEWER,               /* map views of a block in a loop */
};

#define BLK2    301             /* cached by a child that dies */
#define SAT_VA  0x0000002000000000UL    /* the saturating child's maps */
#define SAT_N   (65536UL + 512)         /* more than 16 bits can count */
#define PR_TRANSIENT 0x80000000u        /* xok/xnsys.c */

static struct xok_xn_change ch;
static uint8_t rbuf[4096] __attribute__((aligned(4096)));
static const void *self_image;
static uint64_t self_size;

/* ---- helpers ----------------------------------------------------------- */

static int
dead(int64_t c)
{
	const volatile struct xok_env_info *ei = &XOK_INFO->envs[XOK_ENVX(c)];

	return ei->id != (uint64_t)c || ei->state == XOK_ENV_FREE ||
	    ei->state == XOK_ENV_ZOMBIE;
}

static uint64_t last_shppn;     /* the page shared with the last child */

static int64_t
spawn_role(enum role r, volatile uint64_t **sh)
{
	struct exos_spawn sp = { .image = self_image, .size = self_size,
	    .arg = r, .slices = 1, .start = 0 };
	int64_t c = role_spawn(&sp, CHILD_SH, sh, &last_shppn);

	if (c > 0)
		sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	return c;
}

/* ---- 1. XN_READ of a fresh block --------------------------------------- */

/* ROOT's extent := (start, count), claiming (or dropping) block c. */
static int64_t
extent(uint32_t start, uint32_t count, uint32_t c, int free)
{
	uint32_t v[2] = { start, count };

	memset(&ch, 0, sizeof(ch));
	ch.block = ROOT, ch.off = 0, ch.len = 8;
	memcpy(ch.bytes, v, 8);
	ch.nclaims = 1;
	ch.claims[0].block = c, ch.claims[0].type = XN_TYPE_DATA;
	return free ? sys_xn_free(0, &ch) : sys_xn_alloc(0, &ch);
}

static int64_t
cache(uint32_t b)
{
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);

	return ppn < 0 ? ppn : sys_xn_bc_insert(0, b, (uint64_t)ppn, 0);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void
test_xnread_fresh(void)
{
	static struct xok_xn_template t;
	struct xok_xn_blockinfo bi;
	uint64_t secret[4] = { SECRET, SECRET, SECRET, SECRET };
	struct xok_xn_bcinfo bc;
	int64_t ppn;

	EXPECT_EQ("xn: format", sys_xn_format(0), 0);
	xn_extent_template(&t, "attack.ext", T_EXT, 1);
	EXPECT_EQ("xn: template", sys_xn_template(0, &t), 0);
	EXPECT_EQ("xn: root", sys_xn_root(0, "attack", T_EXT, ROOT, NULL), 0);
	EXPECT_EQ("xn: cache the root", cache(ROOT), 0);
	EXPECT_EQ("xn: claim the block", extent(BLK, 1, BLK, 0), 0);
	EXPECT_EQ("xn: cache the block", cache(BLK), 0);
	EXPECT_EQ("xn: a secret into it", sys_xn_write(0, BLK, 0,
	    sizeof(secret), secret), 0);
	EXPECT_EQ("xn: the secret on disk", sys_xn_writeback(BLK), 0);
	EXPECT_EQ("xn: the root on disk", sys_xn_writeback(ROOT), 0);
	EXPECT_EQ("xn: the block read back holds it", sys_xn_read(BLK, 1,
	    rbuf), 0);
	EXPECT("  (as written)", memcmp(rbuf, secret, sizeof(secret)) == 0);
	ppn = sys_xn_bc_lookup(BLK, &bc) == 0 ? (int64_t)bc.ppn : -1;
	EXPECT_EQ("xn: free the block", extent(0, 0, BLK, 1), 0);
	EXPECT_EQ("xn: the root without it on disk", sys_xn_writeback(ROOT),
	    0);
	EXPECT("xn: its cache page came back to us",
	    ppn > 0 && sys_page_free((uint64_t)ppn, 0) == 0);
	EXPECT("xn: the block is free", sys_xn_block_info(BLK, &bi) == 0 &&
	    bi.type == 0);
	memset(rbuf, 0xaa, sizeof(rbuf));
	EXPECT_EQ("xn_read: the free block", sys_xn_read(BLK, 1, rbuf), 0);
	EXPECT("  is zeros", all_zero(rbuf, sizeof(rbuf)));

	/* Claimed again and never written: XN says "fresh"; its disk
	 * block still holds the secret.  Nobody caches it. */
	EXPECT_EQ("xn: claim it again", extent(BLK, 1, BLK, 0), 0);
	EXPECT("xn: it is fresh", sys_xn_block_info(BLK, &bi) == 0 &&
	    bi.type == XN_TYPE_DATA && (bi.flags & XN_BS_FRESH));
	EXPECT("xn: not cached", sys_xn_bc_lookup(BLK, &bc) < 0);
	memset(rbuf, 0xaa, sizeof(rbuf));
	EXPECT_EQ("xn_read: the fresh block", sys_xn_read(BLK, 1, rbuf), 0);
	EXPECT("  is zeros, not the old owner's bytes on the disk",
	    all_zero(rbuf, sizeof(rbuf)));
	/* the same block read among others in one call */
	EXPECT_EQ("xn_read: the fresh block within a range",
	    sys_xn_read(BLK - 1, 1, rbuf) == 0 && (memset(rbuf, 0xaa,
	    sizeof(rbuf)), sys_xn_read(BLK, 1, rbuf)) == 0 ? 0 : -1, 0);
	EXPECT("  zeros too", all_zero(rbuf, sizeof(rbuf)));
	/* what XN_BC_INSERT gives for it: zeros as well */
	EXPECT_EQ("xn: cache the fresh block", cache(BLK), 0);
	EXPECT_EQ("xn_read: the cached fresh block", sys_xn_read(BLK, 1,
	    rbuf), 0);
	EXPECT("  zeros, as the cache page", all_zero(rbuf, sizeof(rbuf)));
	EXPECT_EQ("xn: write the fresh block back (zeros on disk)",
	    sys_xn_writeback(BLK), 0);
}

/* ---- 2. non-canonical stack pointers ----------------------------------- */

uint64_t ncrsp_call(uint64_t rsp, uint64_t nr);
uint64_t ncrsp_spin(uint64_t rsp, const volatile uint64_t *ticks,
    uint64_t until);
void ncrsp_start(void);

__asm__(
	".text\n"
	/* ncrsp_call(rsp, nr): make call nr with rsp as the stack pointer;
	 * its result */
	".globl ncrsp_call\n"
	"ncrsp_call:\n"
	"	pushq %rbx\n"
	"	movq %rsp, %rbx\n"
	"	movq %rsi, %rax\n"
	"	movq %rdi, %rsp\n"
	"	syscall\n"
	"	movq %rbx, %rsp\n"
	"	popq %rbx\n"
	"	ret\n"
	/* ncrsp_spin(rsp, ticks, until): spin with rsp as the stack pointer
	 * (interrupts and preemption come and go) until *ticks >= until */
	".globl ncrsp_spin\n"
	"ncrsp_spin:\n"
	"	pushq %rbx\n"
	"	movq %rsp, %rbx\n"
	"	movq %rdi, %rsp\n"
	"1:	movq (%rsi), %rax\n"
	"	cmpq %rdx, %rax\n"
	"	jb 1b\n"
	"	movq %rbx, %rsp\n"
	"	popq %rbx\n"
	"	ret\n"
	/* ncrsp_start: where ENV_SET_REGS starts a child, with a
	 * non-canonical rsp: a NULL call (rax set by the parent), then its
	 * result into *rdi and an endless loop (the parent kills it) */
	".globl ncrsp_start\n"
	"ncrsp_start:\n"
	"	syscall\n"
	"	movq %rax, (%rdi)\n"
	"	movq $1, 8(%rdi)\n"
	"2:	jmp 2b\n"
);

static const uint64_t bad_rsp[] = {
	0x0000800000000000UL,   /* XOK_UVA_END: the first non-canonical */
	0x8000000000000000UL,
	0x00ff000000000008UL,
	0xffff7ffffffffff8UL,   /* the last non-canonical */
};
#define NBAD (sizeof(bad_rsp) / sizeof(bad_rsp[0]))

static void
child_ncrsp(volatile uint64_t *sh)
{
	unsigned i;

	for (i = 0; i < NBAD; i++) {
		sh[1 + i] = ncrsp_call(bad_rsp[i], XOK_SYS_NULL);
		sh[10 + i] = ncrsp_call(bad_rsp[i], XOK_SYSBASE + 0x3ff);
		sh[20 + i] = ncrsp_spin(bad_rsp[i], &XOK_INFO->ticks,
		    XOK_INFO->ticks + 25) != 0;
	}
	sh[0] = 1;
}

static void
test_ncrsp(void)
{
	volatile uint64_t *sh;
	struct xok_regs r;
	int64_t c;
	unsigned i;
	int ok;

	c = spawn_role(R_NCRSP, &sh);
	EXPECT("ncrsp: child", c > 0);
	EXPECT("ncrsp: calls and interrupts with non-canonical rsp: the "
	    "kernel and the child survive", WAIT_FOR(sh[0] == 1, 20000));
	ok = 1;
	for (i = 0; i < NBAD; i++)
		ok &= sh[1 + i] == 0 && sh[10 + i] == (uint64_t)-XE_NOSYS &&
		    sh[20 + i] == 1;
	EXPECT("ncrsp: each call returned its result", ok);
	WAIT_FOR(dead(c), 3000);

	/* ENV_SET_REGS accepts rsp == XOK_UVA_END (non-canonical): the
	 * child must be entered without the kernel faulting. */
	c = spawn_role(R_HOG, &sh);     /* any child; its code is replaced */
	EXPECT("set_regs: child", c > 0);
	if (c <= 0)
		return;
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_NOT_RUNNABLE);
	memset(&r, 0, sizeof(r));
	r.rip = (uint64_t)ncrsp_start;
	r.rsp = XOK_UVA_END;
	r.rax = XOK_SYS_NULL;
	r.rdi = CHILD_SH + 64;
	sh[8] = 0xdead, sh[9] = 0;
	r.rflags = 0;
	ok = sys_env_set_regs((uint64_t)c, 0, &r) == 0;
	if (ok) {
		sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
		EXPECT("set_regs: rsp = XOK_UVA_END: the child runs and calls",
		    WAIT_FOR(sh[9] == 1 || dead(c), 5000) && sh[9] == 1 &&
		    sh[8] == 0);
	} else
		EXPECT("set_regs: rsp = XOK_UVA_END refused", 1);
	sys_env_destroy((uint64_t)c, 0, 0);
}

/* ---- 3. exhaustion: a hog dies, everything comes back ----------------- */

static void
child_hog(volatile uint64_t *sh)
{
	uint64_t va = 0x0000001000000000UL, n = 0, e = 0, v = 0;
	int64_t p;

	/* views of a cached block, each in a page table of its own */
	while (v < 256 && sys_xn_bc_map(ROOT, 1, (void *)(VIEW_VA +
	    v * (2UL << 20))) == 0)
		v++;
	sh[3] = v;
	/* environments */
	while (e < 64 && sys_env_create(0) > 0)
		e++;
	sh[2] = e;
	/* pages, each mapped (its page tables too), until the quota says
	 * no: 512 at a time with the batched calls, then one by one */
	for (;;) {
		static uint64_t pp[XOK_PAGE_BATCH_MAX];
		static struct xok_page_map m[XOK_PAGE_BATCH_MAX];
		uint64_t i;

		if (sys_page_alloc_many(0, XOK_SELF, 0, pp,
		    XOK_PAGE_BATCH_MAX) != XOK_PAGE_BATCH_MAX)
			break;
		for (i = 0; i < XOK_PAGE_BATCH_MAX; i++)
			m[i] = (struct xok_page_map){ .va = va + (n + i) *
			    XOK_PGSIZE, .ppn = pp[i], .perm = XOK_PTE_W |
			    XOK_PTE_NX };
		if (sys_page_map_many(XOK_SELF, 0, m, XOK_PAGE_BATCH_MAX) !=
		    XOK_PAGE_BATCH_MAX) {
			n += XOK_PAGE_BATCH_MAX;        /* not all mapped: owned */
			break;
		}
		n += XOK_PAGE_BATCH_MAX;
	}
	while ((p = sys_page_alloc(XOK_PPN_ANY, 0)) >= 0) {
		if (sys_page_map(XOK_SELF, va + n * XOK_PGSIZE, (uint64_t)p,
		    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0)
			break;
		n++;
	}
	sh[1] = n;
	sh[0] = 1;
	for (;;)
		sys_yield(XOK_SELF);
}

/* Destroy every live environment whose parent is id (the root
 * capability controls them all); how many. */
static int
kill_children(uint64_t id)
{
	const volatile struct xok_env_info *ei;
	int i, n = 0;

	for (i = 0; i < XOK_NENV; i++) {
		ei = &XOK_INFO->envs[i];
		if (ei->state != XOK_ENV_FREE && ei->state != XOK_ENV_ZOMBIE &&
		    ei->parent == id && sys_env_destroy(ei->id, 0, 9) == 0)
			n++;
	}
	return n;
}

static void
test_hog(void)
{
	volatile uint64_t *sh;
	uint64_t before, during;
	int64_t c, p;

	WAIT_FOR(0, 50);                /* earlier children's ends settle */
	before = XOK_INFO->nfree;
	c = spawn_role(R_HOG, &sh);
	EXPECT("hog: child", c > 0);
	EXPECT("hog: it took what it could", WAIT_FOR(sh[0] == 1, 30000));
	during = XOK_INFO->nfree;
	printf("attack: hog took %lu pages, %lu environments, %lu views; "
	    "free pages %lu -> %lu\n", sh[1], sh[2], sh[3], before, during);
	EXPECT("hog: 256 views, 64 environments", sh[3] == 256 &&
	    sh[2] == 64);
	EXPECT("hog: its quota stopped it, not the machine", during > 64);
	p = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT("hog: we are still served a page", p > 0);
	if (p > 0)
		sys_page_free((uint64_t)p, 0);
	EXPECT_EQ("hog: killed", sys_env_destroy((uint64_t)c, 0, 9), 0);
	EXPECT_EQ("hog: its 64 children killed", kill_children((uint64_t)c),
	    64);
	/* the page we shared with it (role_spawn's) is ours: give it back */
	EXPECT("hog: our shared page freed", sys_page_unmap(XOK_SELF,
	    (uint64_t)sh, 0) == 0 && sys_page_free(last_shppn, 0) == 0);
	WAIT_FOR(0, 50);
	EXPECT_EQ("hog: every page came back", XOK_INFO->nfree, before);
}

/* ---- 4. a cache page's mappings saturated by a non-owner --------------- */

/* Map ROOT's cache page (the driver's) read-only SAT_N times, 512 at a
 * time; sh[1] = how many went, sh[2] = the first error. */
static void
child_satur(volatile uint64_t *sh)
{
	static struct xok_page_map m[XOK_PAGE_BATCH_MAX];
	struct xok_xn_bcinfo bc;
	uint64_t n = 0, i;
	int64_t r = 0;

	if (sys_xn_bc_lookup(ROOT, &bc) != 0) {
		sh[0] = 2;
		return;
	}
	while (n < SAT_N) {
		for (i = 0; i < XOK_PAGE_BATCH_MAX; i++)
			m[i] = (struct xok_page_map){ .va = SAT_VA + (n + i) *
			    XOK_PGSIZE, .ppn = bc.ppn, .perm = XOK_PTE_NX };
		r = sys_page_map_many(XOK_SELF, 0, m, XOK_PAGE_BATCH_MAX);
		if (r > 0)
			n += (uint64_t)r;
		if (r != XOK_PAGE_BATCH_MAX) {
			sh[2] = (uint64_t)(r < 0 ? r : m[r].result);
			break;
		}
	}
	sh[1] = n;
	sh[0] = 1;
	for (;;)
		sys_yield(XOK_SELF);
}

/*
 * The session-7 finding: a page's mapping count was 16 bits, so a child
 * mapping ROOT's cache page 65,535 times made every further mapping of
 * it fail -- the owner's own views included.  Now the kernel counts in
 * 32 bits (the exported mapcount stops at 65,535): the child maps as
 * often as its quota of page tables allows and everyone else still
 * maps the page.
 */
static void
test_mapsat(void)
{
	volatile uint64_t *sh;
	struct xok_xn_bcinfo bc;
	uint64_t ppn, before;
	int64_t c, r;

	EXPECT_EQ("mapsat: ROOT is cached", sys_xn_bc_lookup(ROOT, &bc), 0);
	ppn = bc.ppn;
	before = XOK_PAGES[ppn].mapcount;
	c = spawn_role(R_SATUR, &sh);
	EXPECT("mapsat: child", c > 0);
	EXPECT("mapsat: it mapped the page", WAIT_FOR(sh[0] != 0, 60000) &&
	    sh[0] == 1);
	printf("attack: a child mapped ROOT's cache page %lu times "
	    "(error %ld); mapcount %u\n", sh[1], (int64_t)sh[2],
	    XOK_PAGES[ppn].mapcount);
	EXPECT("mapsat: past 65,535 mappings of one page", sh[1] == SAT_N);
	EXPECT_EQ("mapsat: the exported count stops at 65,535",
	    XOK_PAGES[ppn].mapcount, 65535);
	r = sys_xn_bc_map(ROOT, 1, (void *)VIEW_VA);
	EXPECT_EQ("mapsat: the owner still maps its block (XN_BC_MAP)", r, 0);
	if (r == 0) {
		EXPECT("  and reads it", sys_xn_read(ROOT, 1, rbuf) == 0 &&
		    memcmp((const void *)VIEW_VA, rbuf, sizeof(rbuf)) == 0);
		EXPECT_EQ("  and unmaps it", sys_page_unmap(XOK_SELF, VIEW_VA,
		    0), 0);
	}
	EXPECT_EQ("mapsat: child killed", sys_env_destroy((uint64_t)c, 0, 9),
	    0);
	WAIT_FOR(dead(c), 2000);
	EXPECT_EQ("mapsat: the count is exact again", XOK_PAGES[ppn].mapcount,
	    before);
	EXPECT("mapsat: the page is still XN's", (XOK_PAGES[ppn].flags &
	    XOK_PG_XN) && sys_xn_bc_lookup(ROOT, &bc) == 0 && bc.ppn == ppn);
	sys_page_unmap(XOK_SELF, (uint64_t)sh, 0);
	sys_page_free(last_shppn, 0);
}

/* ---- 5. a dead environment's transient principal ----------------------- */

/* Cache BLK2 under our transient principal (our name has no entry in
 * XN's table); sh[1] = the result, sh[2] = the entry's owner. */
static void
child_trans(volatile uint64_t *sh)
{
	struct xok_xn_bcinfo bc;

	sh[1] = (uint64_t)cache(BLK2);
	sh[2] = sys_xn_bc_lookup(BLK2, &bc) == 0 ? bc.owner : 0;
	sh[0] = 1;
}

/*
 * Ids come back after 2^21 creations, and a transient principal is
 * 0x80000000 | id: a newcomer with a dead environment's id took over its
 * registry entries and notices.  Now a death disowns them: the entry of
 * a dead child names nobody (XN_NOBODY), so no later id can be its
 * owner.  (A 2^21-creation wrap is too slow to run; this checks the
 * invariant that makes it harmless.)
 */
static void
test_transient(void)
{
	volatile uint64_t *sh;
	struct xok_xn_bcinfo bc;
	int64_t c;

	EXPECT_EQ("transient: claim a second block", extent(BLK, 2, BLK2, 0),
	    0);
	c = spawn_role(R_TRANS, &sh);
	EXPECT("transient: child", c > 0);
	EXPECT("transient: it cached a block and died", WAIT_FOR(sh[0] == 1 &&
	    dead(c), 5000));
	EXPECT_EQ("transient: its insert", (int64_t)sh[1], 0);
	EXPECT_EQ("transient: its entry was its transient principal's",
	    sh[2], (uint64_t)(PR_TRANSIENT | (uint32_t)c));
	EXPECT("transient: the entry lives on", sys_xn_bc_lookup(BLK2, &bc) ==
	    0);
	printf("attack: the dead child's entry is owned by 0x%x\n", bc.owner);
	EXPECT("transient: no longer the dead id's", bc.owner !=
	    (PR_TRANSIENT | (uint32_t)c));
	EXPECT_EQ("transient: nobody's", bc.owner, XN_NOBODY);
	/* the entry is dirty (fresh): written back, it goes like any */
	EXPECT_EQ("transient: written back", sys_xn_writeback(BLK2), 0);
	EXPECT_EQ("transient: evicted", sys_xn_bc_evict(0, BLK2), 0);
	EXPECT("transient: its page is gone with it", WAIT_FOR(
	    XOK_PAGES[bc.ppn].owner == 0, 1000));
	sys_page_unmap(XOK_SELF, (uint64_t)sh, 0);
	sys_page_free(last_shppn, 0);
}

/* ---- 6. XN_WRITEBACK_MANY with hostile batches ------------------------- */

static int
bc_state(uint32_t b)
{
	struct xok_xn_bcinfo bc;

	return sys_xn_bc_lookup(b, &bc) == 0 ? (int)bc.state : -1;
}

/* Every refusal leaves BLK dirty (checked before anything is written);
 * duplicates are written once. */
static void
test_wbmany(void)
{
	static uint32_t wb[XOK_XN_WB_MAX + 1];
	uint64_t word = 0x1122334455667788UL;
	uint32_t done, n;
	unsigned i;

	EXPECT_EQ("wbmany: BLK made dirty", sys_xn_write(0, BLK, 0, 8, &word),
	    0);
	EXPECT_EQ("  (dirty)", bc_state(BLK), XN_BC_DIRTY);
	for (i = 0; i <= XOK_XN_WB_MAX; i++)
		wb[i] = BLK;
	EXPECT_EQ("wbmany: one block too many", sys_xn_writeback_many(wb,
	    XOK_XN_WB_MAX + 1, NULL), -XE_INVAL);
	EXPECT_EQ("wbmany: none", sys_xn_writeback_many(wb, 0, NULL), 0);
	EXPECT_EQ("wbmany: list in the kernel", sys_xn_writeback_many(
	    (const uint32_t *)0xffff800000000000UL, 4, NULL), -XE_FAULT);
	EXPECT_EQ("wbmany: list running off our memory",
	    sys_xn_writeback_many((const uint32_t *)(VIEW_VA - 8), 4, NULL),
	    -XE_FAULT);
	EXPECT_EQ("wbmany: done in the kernel", sys_xn_writeback_many(wb, 1,
	    (uint32_t *)0xffff800000000000UL), -XE_FAULT);
	EXPECT_EQ("wbmany: done on a read-only cache view",
	    sys_xn_bc_map(ROOT, 1, (void *)VIEW_VA) == 0 ?
	    sys_xn_writeback_many(wb, 1, (uint32_t *)VIEW_VA) : 1, -XE_FAULT);
	sys_page_unmap(XOK_SELF, VIEW_VA, 0);
	wb[1] = BLK2;                   /* evicted: not cached */
	EXPECT_EQ("wbmany: an uncached block in the list",
	    sys_xn_writeback_many(wb, 2, NULL), XN_ENOTCACHED - XE_XN);
	wb[1] = 0xffffffffu;
	EXPECT_EQ("wbmany: a block past the disk", sys_xn_writeback_many(wb,
	    2, NULL), XN_ERANGE - XE_XN);
	wb[1] = 0;
	EXPECT_EQ("wbmany: a block of XN's own area", sys_xn_writeback_many(wb,
	    2, NULL), XN_ERANGE - XE_XN);
	EXPECT_EQ("wbmany: after every refusal BLK is still dirty",
	    bc_state(BLK), XN_BC_DIRTY);
	for (i = 0; i < XOK_XN_WB_MAX; i++)
		wb[i] = i % 2 ? BLK : ROOT;
	n = 1 + (bc_state(ROOT) == XN_BC_DIRTY);        /* ROOT too? */
	done = 77;
	EXPECT_EQ("wbmany: 512 entries, two blocks repeated",
	    sys_xn_writeback_many(wb, XOK_XN_WB_MAX, &done), 0);
	EXPECT_EQ("  each dirty one written once", done, n);
	EXPECT_EQ("  ROOT clean", bc_state(ROOT), XN_BC_CLEAN);
	EXPECT_EQ("  clean", bc_state(BLK), XN_BC_CLEAN);
	memset(rbuf, 0, sizeof(rbuf));
	EXPECT("  on the disk (a reboot would read it)", sys_xn_read(BLK, 1,
	    rbuf) == 0 && memcmp(rbuf, &word, 8) == 0);
}

/* ---- 6b. XN_WRITE_MANY with hostile batches ---------------------------- */

/* v[0..n) := writes of 8 bytes of w at offset 8i of BLK, results 77. */
static void
wr_fill(struct xok_xn_wr *v, unsigned n, const uint64_t *w)
{
	unsigned i;

	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].block = BLK, v[i].off = 8 * i, v[i].len = 8;
		v[i].bytes = (uint64_t)&w[i];
		v[i].result = 77;
	}
}

/* Bad vectors change nothing; a bad entry stops the batch where it is:
 * the entries before it are written, it and those after it are not. */
static void
test_wrmany(void)
{
	static struct xok_xn_wr v[XOK_XN_WR_MAX + 1];
	static uint64_t w[XOK_XN_WR_MAX + 1];
	static const uint32_t one_ext[2] = { BLK, 1 };
	unsigned i;

	for (i = 0; i <= XOK_XN_WR_MAX; i++)
		w[i] = 0xa5a5a5a500000000UL | i;
	wr_fill(v, XOK_XN_WR_MAX + 1, w);
	EXPECT_EQ("wrmany: one entry too many", sys_xn_write_many(0, v,
	    XOK_XN_WR_MAX + 1), -XE_INVAL);
	EXPECT_EQ("wrmany: none", sys_xn_write_many(0, v, 0), 0);
	EXPECT_EQ("wrmany: vector in the kernel", sys_xn_write_many(0,
	    (struct xok_xn_wr *)0xffff800000000000UL, 2), -XE_FAULT);
	EXPECT_EQ("wrmany: vector running off our memory", sys_xn_write_many(
	    0, (struct xok_xn_wr *)(VIEW_VA - 8), 2), -XE_FAULT);
	EXPECT_EQ("wrmany: vector on a read-only cache view",
	    sys_xn_bc_map(ROOT, 1, (void *)VIEW_VA) == 0 ?
	    sys_xn_write_many(0, (struct xok_xn_wr *)VIEW_VA, 1) : 1,
	    -XE_FAULT);
	sys_page_unmap(XOK_SELF, VIEW_VA, 0);
	EXPECT("  BLK unchanged by them", sys_xn_read(BLK, 1, rbuf) == 0 &&
	    memcmp(rbuf, &w[0], 8) != 0);
	/* a bad entry in the middle: its index is the count */
	wr_fill(v, 3, w);
	v[1].bytes = 0xffff800000000000UL;
	EXPECT_EQ("wrmany: bytes in the kernel in the middle",
	    sys_xn_write_many(0, v, 3), 1);
	EXPECT("  results: written, -XE_FAULT, not tried", v[0].result == 0 &&
	    v[1].result == -XE_FAULT && v[2].result == 77);
	EXPECT("  the first is in XN's page, the third not",
	    sys_xn_read(BLK, 1, rbuf) == 0 && memcmp(rbuf, &w[0], 8) == 0 &&
	    memcmp(rbuf + 16, &w[2], 8) != 0);
	wr_fill(v, 2, w);
	v[1].pad = 1;
	EXPECT_EQ("wrmany: a pad not 0", sys_xn_write_many(0, v, 2), 1);
	EXPECT_EQ("  refused", v[1].result, -XE_INVAL);
	wr_fill(v, 2, w);
	v[1].off = 4092;
	EXPECT_EQ("wrmany: past the block's end", sys_xn_write_many(0, v, 2),
	    1);
	EXPECT_EQ("  refused", v[1].result, XN_EINVAL - XE_XN);
	v[1].off = 0, v[1].len = 4097;
	EXPECT_EQ("wrmany: longer than a block", sys_xn_write_many(0, v, 2),
	    1);
	EXPECT_EQ("  refused", v[1].result, -XE_INVAL);
	v[1].len = 0;
	EXPECT_EQ("wrmany: an empty write", sys_xn_write_many(0, v, 2), 1);
	EXPECT_EQ("  refused", v[1].result, XN_EINVAL - XE_XN);
	wr_fill(v, 2, w);
	v[1].block = BLK2;              /* evicted: not cached */
	EXPECT_EQ("wrmany: an uncached block", sys_xn_write_many(0, v, 2), 1);
	EXPECT_EQ("  refused", v[1].result, XN_ENOTCACHED - XE_XN);
	v[1].block = 0xfffffff0u;
	EXPECT_EQ("wrmany: a block past the disk", sys_xn_write_many(0, v, 2),
	    1);
	EXPECT_EQ("  refused", v[1].result, XN_ERANGE - XE_XN);
	v[1].block = BLK + 40;          /* never allocated */
	EXPECT_EQ("wrmany: a free block", sys_xn_write_many(0, v, 2), 1);
	EXPECT_EQ("  refused", v[1].result, XN_EFREE - XE_XN);
	v[1].block = ROOT, v[1].off = 0;        /* (BLK, 1): drops BLK2 */
	v[1].bytes = (uint64_t)one_ext;
	EXPECT_EQ("wrmany: a write that changes what ROOT owns",
	    sys_xn_write_many(0, v, 2), 1);
	EXPECT("  refused by proof", v[1].result == XN_EPROOF - XE_XN ||
	    v[1].result == XN_ETYPE - XE_XN);
	wr_fill(v, XOK_XN_WR_MAX, w);
	EXPECT_EQ("wrmany: a full batch", sys_xn_write_many(0, v,
	    XOK_XN_WR_MAX), XOK_XN_WR_MAX);
	EXPECT("  every entry in XN's page", sys_xn_read(BLK, 1, rbuf) == 0 &&
	    memcmp(rbuf, w, 8 * XOK_XN_WR_MAX) == 0 && v[XOK_XN_WR_MAX -
	    1].result == 0);
	EXPECT_EQ("  dirty", bc_state(BLK), XN_BC_DIRTY);
	/* BLK as test_wbmany left it, for the tests after this one */
	w[0] = 0x1122334455667788UL;
	wr_fill(v, 1, w);
	EXPECT_EQ("  its first word back", sys_xn_write_many(0, v, 1), 1);
	EXPECT_EQ("  written back", sys_xn_writeback(BLK), 0);
}

/* ---- 6b'. XN_WRITE_MANY's bound on UDF work ----------------------------- */

#define T_HEAVY 18
#define HEAVY   900             /* a root whose acl-uf runs ~196,610 steps */

/* A batch of writes to a block whose acl-uf is as slow as the verifier
 * allows (three loops of 65,535): the kernel stops where the call's
 * worst case would pass three such runs, the entry there -XE_BUSY and
 * not tried; sent again from there, the rest goes. */
static void
test_wrmany_budget(void)
{
	static struct xok_xn_template t;
	static struct xok_xn_wr v[8];
	static uint64_t w[8];
	const struct xn_insn owns[] = {
		XN_I(LDI, 0, 0, 0, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	const struct xn_insn acl[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 1, 65535),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(LOOP, 1, XN_UDF_NOREG, 1, 65535),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(LOOP, 1, XN_UDF_NOREG, 1, 65535),
		XN_I(ADDI, 2, 2, 0, 1),
		XN_I(LDI, 9, 0, 0, 1),
		XN_I(RET, 9, 0, 0, 0),
	};
	unsigned i, from = 0, calls = 0, first = 0;
	int64_t r, busy = 0;
	int ok = 1;

	memset(&t, 0, sizeof(t));
	strncpy(t.name, "attack.heavy", sizeof(t.name) - 1);
	t.type = T_HEAVY;
	t.len[0] = sizeof(owns) / sizeof(owns[0]);
	t.len[1] = sizeof(acl) / sizeof(acl[0]);
	memcpy(t.code[0], owns, sizeof(owns));
	memcpy(t.code[1], acl, sizeof(acl));
	EXPECT_EQ("wrbudget: the heavy template", sys_xn_template(0, &t), 0);
	EXPECT_EQ("wrbudget: its root", sys_xn_root(0, "heavy", T_HEAVY,
	    HEAVY, NULL), 0);
	EXPECT_EQ("wrbudget: cached", cache(HEAVY), 0);
	memset(v, 0, sizeof(v));
	for (i = 0; i < 8; i++) {
		w[i] = 0x4845415659000000UL | i;
		v[i].block = HEAVY, v[i].off = 8 * i, v[i].len = 8;
		v[i].bytes = (uint64_t)&w[i];
		v[i].result = 77;
	}
	while (from < 8 && calls < 8) {
		r = sys_xn_write_many(0, v + from, 8 - from);
		if (calls++ == 0 && r >= 0 && r < 8) {
			first = (unsigned)r;
			busy = v[r].result;
		}
		if (r < 1 || (from + r < 8 && v[from + r].result != -XE_BUSY)) {
			ok = 0;
			break;
		}
		for (i = from; i < from + (unsigned)r; i++)
			ok &= v[i].result == 0;
		from += (unsigned)r;
	}
	printf("attack: 8 heavy writes took %u calls, the first wrote %u\n",
	    calls, first);
	EXPECT("wrbudget: the first call stopped early, -XE_BUSY where it did",
	    first >= 1 && first < 8 && busy == -XE_BUSY);
	EXPECT("wrbudget: every call wrote something, all 8 in the end",
	    ok && from == 8);
	EXPECT("wrbudget: all 8 in XN's page", sys_xn_read(HEAVY, 1, rbuf) ==
	    0 && memcmp(rbuf, w, sizeof(w)) == 0);
}

/* ---- 6c. XN_BC_EVICT_MANY with hostile batches ------------------------- */

#define EV_VA   0x0000000800000000UL    /* our page, cached as BLK */

/* Bad vectors evict nothing; each entry is decided on its own, a
 * refused one stays cached; an entry with va gets its page back
 * writable there. */
static void
test_bcevmany(void)
{
	static struct xok_xn_bcev v[XOK_XN_BCE_MAX + 1];
	struct xok_xn_bcins ins;
	uint64_t word = 0x5555aaaa5555aaaaUL;
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);
	unsigned i;

	EXPECT("evmany: a page of ours at EV_VA", ppn > 0 && sys_page_map(
	    XOK_SELF, EV_VA, (uint64_t)ppn, XOK_PTE_W | XOK_PTE_NX, 0,
	    0) == 0);
	/* BLK cached in it, mapped read-only there by the insert */
	if (bc_state(BLK) == XN_BC_DIRTY)
		sys_xn_writeback(BLK);
	sys_xn_bc_evict(0, BLK);
	memset(&ins, 0, sizeof(ins));
	ins.block = BLK, ins.ppn = (uint64_t)ppn, ins.va = EV_VA;
	EXPECT_EQ("evmany: BLK cached in our page",
	    sys_xn_bc_insert_many(0, &ins, 1, 0), 1);
	EXPECT_EQ("evmany: BLK2 cached", bc_state(BLK2) >= 0 ? 0 :
	    cache(BLK2), 0);
	memset(v, 0, sizeof(v));
	for (i = 0; i <= XOK_XN_BCE_MAX; i++)
		v[i].block = BLK;
	EXPECT_EQ("evmany: one entry too many", sys_xn_bc_evict_many(0, v,
	    XOK_XN_BCE_MAX + 1, 0), -XE_INVAL);
	EXPECT_EQ("evmany: none", sys_xn_bc_evict_many(0, v, 0, 0), 0);
	EXPECT_EQ("evmany: vector in the kernel", sys_xn_bc_evict_many(0,
	    (struct xok_xn_bcev *)0xffff800000000000UL, 1, 0), -XE_FAULT);
	EXPECT_EQ("evmany: vector on a read-only cache view",
	    sys_xn_bc_map(ROOT, 1, (void *)VIEW_VA) == 0 ?
	    sys_xn_bc_evict_many(0, (struct xok_xn_bcev *)VIEW_VA, 1, 0) : 1,
	    -XE_FAULT);
	sys_page_unmap(XOK_SELF, VIEW_VA, 0);
	EXPECT_EQ("evmany: the page's slot out of range",
	    sys_xn_bc_evict_many(0, v, 1, 300), -XE_NOCAP);
	EXPECT_EQ("  BLK still cached", bc_state(BLK), XN_BC_CLEAN);
	/* every entry on its own */
	EXPECT_EQ("evmany: BLK2 made dirty", sys_xn_write(0, BLK2, 0, 8,
	    &word), 0);
	memset(v, 0, sizeof(v));
	v[0].block = BLK, v[0].pad = 1;
	v[1].block = BLK, v[1].va = EV_VA + 8;
	v[2].block = BLK, v[2].va = VIEW_VA;    /* not mapped there */
	v[3].block = BLK, v[3].va = 0xffff800000000000UL;
	v[4].block = 0xfffffff0u;
	v[5].block = BLK + 40;                  /* not cached */
	v[6].block = BLK2;                      /* dirty */
	v[7].block = BLK, v[7].va = EV_VA;
	for (i = 0; i < 8; i++)
		v[i].result = 77;
	EXPECT_EQ("evmany: seven bad entries and a good one",
	    sys_xn_bc_evict_many(0, v, 8, 0), 1);
	EXPECT_EQ("  a pad not 0", v[0].result, -XE_INVAL);
	EXPECT_EQ("  va not page-aligned", v[1].result, -XE_INVAL);
	EXPECT_EQ("  va not where the page is", v[2].result, -XE_NOENT);
	EXPECT_EQ("  va in the kernel", v[3].result, -XE_INVAL);
	EXPECT_EQ("  a block past the disk", v[4].result, XN_ERANGE - XE_XN);
	EXPECT_EQ("  a block not cached", v[5].result, XN_ENOENT - XE_XN);
	EXPECT_EQ("  a dirty entry", v[6].result, XN_EDIRTY - XE_XN);
	EXPECT_EQ("  the good one", v[7].result, 0);
	EXPECT_EQ("  BLK2 still cached, dirty", bc_state(BLK2), XN_BC_DIRTY);
	EXPECT_EQ("  BLK evicted", bc_state(BLK), -1);
	EXPECT("  our page left the registry, mapped once",
	    !(XOK_PAGES[ppn].flags & XOK_PG_XN) &&
	    XOK_PAGES[ppn].mapcount == 1);
	*(volatile uint64_t *)EV_VA = word;     /* faults if read-only */
	EXPECT("  and writable again at EV_VA",
	    *(volatile uint64_t *)EV_VA == word);
	EXPECT_EQ("evmany: BLK2 written back", sys_xn_writeback(BLK2), 0);
	v[0].block = BLK2, v[0].va = 0, v[0].pad = 0;
	EXPECT_EQ("evmany: then evicted", sys_xn_bc_evict_many(0, v, 1, 0),
	    1);
	sys_page_unmap(XOK_SELF, EV_VA, 0);
	sys_page_free((uint64_t)ppn, 0);
}

/* ---- 7. views revoked while another environment maps them -------------- */

#define RACE_ROUNDS 150
#define CHILD_VIEW  0x0000000700000000UL

/* Map BLK (and BLK .. BLK2) as views and unmap them, again and
 * again: sh[1] maps, sh[2] misses (not cached), sh[3] an unexpected
 * result, sh[4] its value; until sh[9] says stop. */
static void
child_viewer(volatile uint64_t *sh)
{
	int64_t r, u;
	uint64_t n;

	while (sh[9] == 0) {
		n = (sh[1] + sh[2]) % 2 + 1;
		r = sys_xn_bc_map(BLK, n, (void *)CHILD_VIEW);
		if (r == 0) {
			sh[1]++;
			/* revoked meanwhile: NOENT, else 0 */
			while (n-- > 0)
				if ((u = sys_page_unmap(XOK_SELF, CHILD_VIEW +
				    n * XOK_PGSIZE, 0)) != 0 && u != -XE_NOENT) {
					sh[3]++;
					sh[4] = (uint64_t)u;
				}
		} else if (r == XN_ENOTCACHED - XE_XN)
			sh[2]++;
		else {
			sh[3]++;
			sh[4] = (uint64_t)r;
		}
		if ((sh[1] + sh[2]) % 4 == 0)
			sys_yield(XOK_SELF);
	}
	sh[0] = 1;
}

/*
 * A child maps views of BLK in a loop while we evict BLK and take its
 * page back, write into it (as its owner now may), and cache the block
 * again in it.  The kernel runs each call to the end (no preemption in
 * it), so the only interleavings are between calls: after each evict no
 * view of the page may be left anywhere (its mapcount is 0), and the
 * child never sees a call fail in an unexpected way.
 */
static void
test_view_race(void)
{
	volatile uint64_t *sh;
	struct xok_xn_bcinfo bc;
	int64_t c, p;
	unsigned i, left = 0, notxn = 0, bad = 0;

	EXPECT_EQ("race: BLK cached", sys_xn_bc_lookup(BLK, &bc), 0);
	p = (int64_t)bc.ppn;
	EXPECT_EQ("race: BLK2 cached", cache(BLK2), 0);
	EXPECT_EQ("race: evict BLK", sys_xn_bc_evict(0, BLK), 0);
	EXPECT("race: its page is ours again", p > 0 &&
	    XOK_PAGES[p].owner != 0 && !(XOK_PAGES[p].flags & XOK_PG_XN));
	c = spawn_role(R_VIEWER, &sh);
	EXPECT("race: child", c > 0);
	for (i = 0; i < RACE_ROUNDS && p > 0; i++) {
		if (sys_xn_bc_insert(0, BLK, (uint64_t)p, 0) != 0) {
			bad++;
			break;
		}
		WAIT_FOR(0, i % 3);     /* let the child map some */
		if (sys_xn_bc_evict(0, BLK) != 0) {
			bad++;
			break;
		}
		left += XOK_PAGES[p].mapcount != 0;
		notxn += (XOK_PAGES[p].flags & XOK_PG_XN) != 0;
		/* ours again: write into it (what a view must never show) */
		if (sys_page_map(XOK_SELF, VIEW_VA, (uint64_t)p, XOK_PTE_W |
		    XOK_PTE_NX, 0, 0) != 0) {
			bad++;
			break;
		}
		memset((void *)VIEW_VA, 0x5e, XOK_PGSIZE);
		sys_page_unmap(XOK_SELF, VIEW_VA, 0);
		if (i % 2)
			WAIT_FOR(0, 1); /* let the child miss some */
	}
	sh[9] = 1;
	EXPECT("race: the child stopped", WAIT_FOR(sh[0] == 1, 5000));
	printf("attack: %u rounds; the child mapped %lu times, missed %lu, "
	    "%lu odd results (%ld)\n", i, sh[1], sh[2], sh[3],
	    (int64_t)sh[4]);
	EXPECT("race: every round went", i == RACE_ROUNDS && bad == 0);
	EXPECT_EQ("race: no view left after any evict", left, 0);
	EXPECT_EQ("race: the page left the registry each time", notxn, 0);
	EXPECT("race: the child both mapped and missed", sh[1] > 0 &&
	    sh[2] > 0);
	EXPECT_EQ("race: no odd result", sh[3], 0);
	EXPECT_EQ("race: BLK cached again at the end", p > 0 ?
	    sys_xn_bc_insert(0, BLK, (uint64_t)p, 0) : -1, 0);
	EXPECT("race: it reads what the disk holds, not what we wrote",
	    sys_xn_bc_map(BLK, 1, (void *)VIEW_VA) == 0 &&
	    *(volatile uint64_t *)VIEW_VA == 0x1122334455667788UL);
	sys_page_unmap(XOK_SELF, VIEW_VA, 0);
	WAIT_FOR(dead(c), 3000);
	sys_page_unmap(XOK_SELF, (uint64_t)sh, 0);
	sys_page_free(last_shppn, 0);
}

int
main(uint64_t arg)
{
	volatile uint64_t *sh = (volatile uint64_t *)CHILD_SH;

	if (arg == R_NCRSP) {
		child_ncrsp(sh);
		return 0;
	}
	if (arg == R_HOG) {
		child_hog(sh);
		return 0;
	}
	if (arg == R_SATUR) {
		child_satur(sh);
		return 0;
	}
	if (arg == R_TRANS) {
		child_trans(sh);
		return 0;
	}
	if (arg == R_VIEWER) {
		child_viewer(sh);
		return 0;
	}
	self_image = exos_module("attack.elf", &self_size);
	EXPECT("attack finds its own boot module", self_image != NULL);
	test_xnread_fresh();
	test_ncrsp();
	test_mapsat();
	test_transient();
	test_wbmany();
	test_wrmany();
	test_wrmany_budget();
	test_view_race();
	test_bcevmany();
	test_hog();
	printf("attack: %d failures\n", failures);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
