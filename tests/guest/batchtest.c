/*
 * batchtest.c: the batched page calls (PAGE_ALLOC_MANY, PAGE_MAP_MANY,
 * PAGE_UNMAP_RANGE, PAGE_PROTECT) and the rule for kernel writes into
 * copy-on-write pages, through the real kernel calls.  Booted as init
 * with a fresh disk (batchtest.sh) so that XN can give us a cache page.
 *
 *  - batches that work, and their effect on the exported page table;
 *  - hostile batches: too many entries, ranges that cross XOK_UVA_MAX
 *    or lie in the kernel, vectors with one bad entry in the middle
 *    (another environment's page without a capability, an unaligned va,
 *    a bad ppn, XN's cache page asked writable, a kernel page), vector
 *    and result pointers that are bad, partly unmapped or read-only;
 *  - quota and memory exhaustion in a batch allocation: refused whole,
 *    nothing leaks;
 *  - PAGE_PROTECT that takes W away really makes the page unwritable
 *    (the TLB entry goes): the next store faults;
 *  - a kernel call never writes into a read-only (copy-on-write) page:
 *    it fails with -XE_FAULT, writes nothing, delivers no fault; after
 *    exos_touch_write the libOS's handler has made it writable and the
 *    call works;
 *  - at the end every page is accounted: the free count is back.
 */
#include <exos/exos.h>
#include "check.h"
#include <xn/xn.h>

#define MAX XOK_PAGE_BATCH_MAX
#define A_VA    0x0000000400000000UL   /* the good batches */
#define B_VA    0x0000000500000000UL   /* the bad vectors */
#define P_VA    0x0000000600000000UL   /* PAGE_PROTECT */
#define C_VA    0x0000000700000000UL   /* copy-on-write */
#define V_VA    0x0000000800000000UL   /* vectors at page edges */
#define NGOOD   300
#define NFIX    16
#define T_DIR   16
#define XN_BLK  300

static const volatile struct xok_env_info *
me(void)
{
	return &XOK_INFO->envs[XOK_ENVX(xok_self())];
}

static uint16_t
mapcount(uint64_t ppn)
{
	return XOK_PAGES[ppn].mapcount;
}

/* ---- a fault handler that plays copy-on-write ---------------------------
 * A store to a page of [fix_va, fix_va + NFIX pages) that is mapped
 * read-only: count it and map the page writable (fix_ppn[i]).  Any other
 * fault is a failure of the test. */
static volatile uint64_t faults, fault_addr, fix_va;
static uint64_t fix_ppn[NFIX];

static void
fault_handler(struct xok_frame *f)
{
	uint64_t i = (f->addr - fix_va) / XOK_PGSIZE;

	if (f->trapno != 14 || f->addr < fix_va || i >= NFIX ||
	    !(f->err & 2) || sys_page_map(XOK_SELF, f->addr & ~(XOK_PGSIZE - 1),
	    fix_ppn[i], XOK_PTE_W, 0, 0) < 0) {
		printf("FAIL: unexpected fault %lu at %lx (rip %lx)\n",
		    f->trapno, f->addr, f->rip);
		printf("ALL-DONE\n");
		sys_shutdown(0, 1);
	}
	faults++;
	fault_addr = f->addr;
}

/* ---- PAGE_ALLOC_MANY --------------------------------------------------- */

static uint64_t good[NGOOD];

static int
all_zero(uint64_t ppn)
{
	const volatile uint64_t *p = (const volatile uint64_t *)(B_VA - XOK_PGSIZE);
	uint64_t w, bad = 0;

	if (sys_page_map(XOK_SELF, (uint64_t)p, ppn, 0, 0, 0) < 0)
		return 0;
	for (w = 0; w < 512; w++)
		bad |= p[w];
	sys_page_unmap(XOK_SELF, (uint64_t)p, 0);
	return bad == 0;
}

static void
test_alloc(void)
{
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used;
	uint64_t np0 = me()->npages, i, j, self32 = xok_self() & 0xffffffff;
	int distinct = 1, owned = 1, zero = 1;

	EXPECT_EQ("alloc_many: 300 pages", sys_page_alloc_many(0, XOK_SELF, 0,
	    good, NGOOD), NGOOD);
	for (i = 0; i < NGOOD; i++) {
		owned &= good[i] < XOK_INFO->npages &&
		    XOK_PAGES[good[i]].owner == self32;
		for (j = 0; j < i; j++)
			distinct &= good[i] != good[j];
	}
	for (i = 0; i < NGOOD; i += 37)
		zero &= all_zero(good[i]);
	EXPECT("alloc_many: every page ours", owned);
	EXPECT("alloc_many: all different", distinct);
	EXPECT("alloc_many: zeroed", zero);
	EXPECT_EQ("alloc_many: free count", XOK_INFO->nfree, nfree0 - NGOOD);
	EXPECT_EQ("alloc_many: charged to our quota", me()->page_used,
	    used0 + NGOOD);
	EXPECT_EQ("alloc_many: counted as ours", me()->npages, np0 + NGOOD);
	EXPECT_EQ("alloc_many: none", sys_page_alloc_many(0, XOK_SELF, 0,
	    good, 0), 0);
}

/* Refusals that must change nothing at all. */
static void
test_alloc_hostile(void)
{
	static uint64_t big[MAX + 1];
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used;
	uint64_t *edge = (uint64_t *)(V_VA + XOK_PGSIZE - 16);
	struct xok_cap c;
	int64_t p;

	EXPECT_EQ("alloc_many: too many", sys_page_alloc_many(0, XOK_SELF, 0,
	    big, MAX + 1), -XE_INVAL);
	EXPECT_EQ("alloc_many: bad array", sys_page_alloc_many(0, XOK_SELF, 0,
	    (uint64_t *)8, 4), -XE_FAULT);
	EXPECT_EQ("alloc_many: kernel array", sys_page_alloc_many(0, XOK_SELF,
	    0, (uint64_t *)0xffff800000001000UL, 4), -XE_FAULT);
	EXPECT_EQ("alloc_many: array in the exported state",
	    sys_page_alloc_many(0, XOK_SELF, 0, (uint64_t *)XOK_INFO_VA, 4),
	    -XE_FAULT);
	/* V_VA's page is mapped, the next one is not */
	edge[0] = 11, edge[1] = 22;
	EXPECT_EQ("alloc_many: array runs into an unmapped page",
	    sys_page_alloc_many(0, XOK_SELF, 0, edge, 4), -XE_FAULT);
	EXPECT("alloc_many: ...its mapped part untouched",
	    edge[0] == 11 && edge[1] == 22);
	EXPECT_EQ("alloc_many: empty slot", sys_page_alloc_many(9, XOK_SELF,
	    0, big, 4), -XE_NOCAP);
	memset(&c, 0, sizeof(c));
	c.valid = 1, c.len = 1, c.rights = XOK_CAP_R, c.name[0] = 0x42;
	sys_cap_grant(XOK_SELF, 0, 0, 5, &c);
	EXPECT_EQ("alloc_many: read-only capability", sys_page_alloc_many(5,
	    XOK_SELF, 0, big, 4), -XE_PERM);
	sys_cap_drop(5);
	EXPECT_EQ("alloc_many: no such env", sys_page_alloc_many(0, 0x12345,
	    0, big, 4), -XE_NOENT);
	p = sys_env_create(0);
	EXPECT_EQ("alloc_many: for an env through an empty slot",
	    sys_page_alloc_many(0, (uint64_t)p, 9, big, 4), -XE_NOCAP);
	sys_env_destroy((uint64_t)p, 0, 0);
	EXPECT_EQ("alloc_many: refusals took no page", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("alloc_many: refusals charged nothing", me()->page_used,
	    used0);
}

/* A child's quota, then all of memory: refused whole, nothing leaks. */
static void
test_alloc_exhaust(void)
{
	static uint64_t got[1 << 17], chunk[MAX];
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used, n = 0;
	uint64_t left, i, cused;
	int64_t child = sys_env_create(0), r;
	const volatile struct xok_env_info *ci;

	EXPECT("quota child made", child > 0);
	if (child <= 0)
		return;
	ci = xok_env_info((uint64_t)child);
	cused = ci->page_used;
	EXPECT_EQ("quota child: 40 pages left", sys_env_set_quota(
	    (uint64_t)child, 0, 1, cused + 40), 0);
	EXPECT_EQ("alloc_many: one past the quota",
	    sys_page_alloc_many(0, (uint64_t)child, 0, chunk, 41), -XE_QUOTA);
	EXPECT_EQ("alloc_many: past the quota: the child's usage unchanged",
	    ci->page_used, cused);
	EXPECT_EQ("alloc_many: past the quota: the child owns nothing",
	    ci->npages, 0);
	EXPECT_EQ("alloc_many: past the quota: no page taken", XOK_INFO->nfree,
	    nfree0 - 1);                /* the child's PML4 */
	EXPECT_EQ("alloc_many: past the quota: our usage is ours and the "
	    "child's", me()->page_used, used0 + cused);
	EXPECT_EQ("alloc_many: exactly the quota",
	    sys_page_alloc_many(0, (uint64_t)child, 0, chunk, 40), 40);
	EXPECT("alloc_many: the child owns and pays for them",
	    ci->page_used == ci->page_limit && ci->npages == 40 &&
	    XOK_PAGES[chunk[0]].owner == ((uint64_t)child & 0xffffffff));
	for (i = 0; i < 40; i++)
		sys_page_free(chunk[i], 0);
	EXPECT("alloc_many: freed, the child's quota is back",
	    ci->page_used == cused && ci->npages == 0);
	sys_env_destroy((uint64_t)child, 0, 0);
	EXPECT_EQ("quota child gone: free count back", XOK_INFO->nfree, nfree0);

	/* all of memory, MAX at a time */
	while (n + MAX <= sizeof(got) / sizeof(got[0]) &&
	    (r = sys_page_alloc_many(0, XOK_SELF, 0, got + n, MAX)) == MAX)
		n += MAX;
	EXPECT_EQ("alloc_many: memory runs out", r, -XE_NOMEM);
	left = XOK_INFO->nfree;
	EXPECT("alloc_many: fewer than a batch left", left < MAX);
	EXPECT_EQ("alloc_many: one more than is free",
	    sys_page_alloc_many(0, XOK_SELF, 0, got + n, left + 1), -XE_NOMEM);
	EXPECT("alloc_many: ...took nothing, charged nothing",
	    XOK_INFO->nfree == left && me()->page_used == used0 + n);
	EXPECT_EQ("alloc_many: the rest", sys_page_alloc_many(0, XOK_SELF, 0,
	    got + n, left), (int64_t)left);
	n += left;
	EXPECT_EQ("alloc_many: nothing free", XOK_INFO->nfree, 0);
	EXPECT_EQ("alloc_many: with nothing free",
	    sys_page_alloc_many(0, XOK_SELF, 0, chunk, 1), -XE_NOMEM);
	while (n > 0)
		sys_page_free(got[--n], 0);
	EXPECT_EQ("alloc_many: all of memory back", XOK_INFO->nfree, nfree0);
	EXPECT_EQ("alloc_many: our usage back", me()->page_used, used0);
}

/* ---- PAGE_MAP_MANY and PAGE_UNMAP_RANGE ----------------------------------- */

static struct xok_page_map v[MAX + 1];

static void
test_map(void)
{
	uint64_t used0, nfree0, i;
	int ok = 1, counts = 1;
	volatile uint64_t *p;

	for (i = 0; i < NGOOD; i++)
		v[i] = (struct xok_page_map){ .va = A_VA + i * XOK_PGSIZE,
		    .ppn = good[i], .perm = XOK_PTE_W | XOK_PTE_NX, .slot = 0,
		    .result = 99 };
	v[1].perm = 0;                  /* one read-only, for variety */
	used0 = me()->page_used, nfree0 = XOK_INFO->nfree;
	EXPECT_EQ("map_many: 300 pages", sys_page_map_many(XOK_SELF, 0, v,
	    NGOOD), NGOOD);
	for (i = 0; i < NGOOD; i++) {
		ok &= v[i].result == 0;
		counts &= mapcount(good[i]) == 1;
	}
	EXPECT("map_many: every result 0", ok);
	EXPECT("map_many: every page mapped once", counts);
	ok = 1;
	for (i = 0; i < NGOOD; i++)
		if (i != 1)
			*(volatile uint64_t *)(A_VA + i * XOK_PGSIZE) = i * 7;
	for (i = 0; i < NGOOD; i++)
		ok &= *(volatile uint64_t *)(A_VA + i * XOK_PGSIZE) ==
		    (i == 1 ? 0 : i * 7);
	EXPECT("map_many: the pages are where they were asked", ok);
	EXPECT("map_many: page tables charged", me()->page_used > used0 &&
	    XOK_INFO->nfree < nfree0);

	/* the same page twice, and a mapping replaced */
	v[0] = (struct xok_page_map){ A_VA + 400 * XOK_PGSIZE, good[0],
	    XOK_PTE_W, 0, 9 };
	v[1] = (struct xok_page_map){ A_VA + 401 * XOK_PGSIZE, good[0], 0, 0,
	    9 };
	v[2] = (struct xok_page_map){ A_VA + 401 * XOK_PGSIZE, good[2], 0, 0,
	    9 };
	EXPECT_EQ("map_many: a page twice, then replaced",
	    sys_page_map_many(XOK_SELF, 0, v, 3), 3);
	EXPECT("map_many: ...mapcounts", mapcount(good[0]) == 2 &&
	    mapcount(good[2]) == 2);
	p = (volatile uint64_t *)(A_VA + 401 * XOK_PGSIZE);
	EXPECT_EQ("map_many: ...the last one counts", *p, 2 * 7);

	/* unmap: 2 pages in a range of 4, then the 300 */
	EXPECT_EQ("unmap_range: holes skipped", sys_page_unmap_range(XOK_SELF,
	    A_VA + 399 * XOK_PGSIZE, 4, 0), 2);
	EXPECT("unmap_range: mapcounts", mapcount(good[0]) == 1 &&
	    mapcount(good[2]) == 1);
	EXPECT_EQ("unmap_range: 300 pages", sys_page_unmap_range(XOK_SELF,
	    A_VA, NGOOD, 0), NGOOD);
	counts = 1;
	for (i = 0; i < NGOOD; i++)
		counts &= mapcount(good[i]) == 0;
	EXPECT("unmap_range: every page unmapped", counts);
	EXPECT_EQ("unmap_range: nothing left", sys_page_unmap_range(XOK_SELF,
	    A_VA, MAX, 0), 0);
	EXPECT_EQ("unmap_range: page tables freed (quota)", me()->page_used,
	    used0);
	EXPECT_EQ("unmap_range: page tables freed (free count)",
	    XOK_INFO->nfree, nfree0);
}

/* A vector of 10 good entries with entry 5 replaced by `bad`: 5 are
 * mapped, entry 5 says err, 6..9 are neither mapped nor written. */
static void
bad_middle(const char *name, struct xok_page_map bad, int64_t err)
{
	char buf[120];
	uint64_t i;
	int before = 1, after = 1;

	for (i = 0; i < 10; i++)
		v[i] = (struct xok_page_map){ .va = B_VA + i * XOK_PGSIZE,
		    .ppn = good[i], .perm = XOK_PTE_W, .slot = 0,
		    .result = 77 };
	v[5] = bad;
	v[5].result = 77;
	snprintf(buf, sizeof(buf), "map_many, bad entry in the middle (%s): "
	    "5 mapped", name);
	EXPECT_EQ(buf, sys_page_map_many(XOK_SELF, 0, v, 10), 5);
	snprintf(buf, sizeof(buf), "map_many (%s): its result", name);
	EXPECT_EQ(buf, v[5].result, err);
	for (i = 0; i < 5; i++)
		before &= v[i].result == 0 && mapcount(good[i]) == 1;
	for (i = 6; i < 10; i++)
		after &= v[i].result == 77 && mapcount(good[i]) == 0;
	snprintf(buf, sizeof(buf), "map_many (%s): entries before mapped, "
	    "after untouched", name);
	EXPECT(buf, before && after);
	sys_page_unmap_range(XOK_SELF, B_VA, 10, 0);
}

static uint64_t xn_ppn;                /* caches XN_BLK, or 0 */
static struct xok_xn_template tmpl;

static void
xn_page(void)
{
	static uint8_t init[4096];
	const struct xn_insn owns[] = { XN_I(LDI, 0, 0, 0, 0),
		XN_I(RET, 0, 0, 0, 0) };
	const struct xn_insn acl[] = { XN_I(LDI, 9, 0, 0, 1),
		XN_I(RET, 9, 0, 0, 0) };
	int64_t p;

	strncpy(tmpl.name, "batch.dir", sizeof(tmpl.name) - 1);
	tmpl.type = T_DIR;
	tmpl.len[0] = 2, tmpl.len[1] = 2;
	memcpy(tmpl.code[0], owns, sizeof(owns));
	memcpy(tmpl.code[1], acl, sizeof(acl));
	if (sys_xn_format(0) != 0 || sys_xn_template(0, &tmpl) != 0 ||
	    sys_xn_root(0, "batch", T_DIR, XN_BLK, init) != 0 ||
	    sys_xn_sync() != 0 || (p = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    sys_xn_bc_insert(0, XN_BLK, (uint64_t)p, 0) != 0)
		return;
	xn_ppn = (uint64_t)p;
}

static void
test_map_hostile(void)
{
	uint64_t nfree0 = XOK_INFO->nfree, used0 = me()->page_used, i;
	struct xok_page_map *edge = (struct xok_page_map *)(V_VA +
	    XOK_PGSIZE - 2 * sizeof(struct xok_page_map));
	int64_t other, oppn, kpage = -1;
	struct xok_cap c;

	/* another environment's page, guarded by [0x42 1]; slot 3 holds
	 * [0x43] (all rights), slot 4 [0x42] (read only) */
	other = sys_env_create(0);
	memset(&c, 0, sizeof(c));
	c.valid = 1, c.len = 2, c.rights = XOK_CAP_ALL;
	c.name[0] = 0x42, c.name[1] = 1;
	sys_cap_grant(XOK_SELF, 0, 0, 6, &c);
	oppn = sys_page_alloc_for(XOK_PPN_ANY, 6, (uint64_t)other, 0);
	sys_cap_drop(6);
	c.len = 1, c.name[0] = 0x43;
	sys_cap_grant(XOK_SELF, 0, 0, 3, &c);
	c.name[0] = 0x42, c.rights = XOK_CAP_R;
	sys_cap_grant(XOK_SELF, 0, 0, 4, &c);
	EXPECT("another env's page", other > 0 && oppn > 0);
	for (i = 1; i < XOK_INFO->npages && kpage < 0; i++)
		if (XOK_PAGES[i].owner == 0xffffffffU)
			kpage = (int64_t)i;

	bad_middle("another env's page, a capability that does not dominate "
	    "its guard", (struct xok_page_map){ B_VA + 5 * XOK_PGSIZE,
	    (uint64_t)oppn, 0, 3, 0 }, -XE_PERM);
	bad_middle("another env's page, read-only capability, asked writable",
	    (struct xok_page_map){ B_VA + 5 * XOK_PGSIZE, (uint64_t)oppn,
	    XOK_PTE_W, 4, 0 }, -XE_PERM);
	bad_middle("empty capability slot", (struct xok_page_map){
	    B_VA + 5 * XOK_PGSIZE, good[5], 0, 9, 0 }, -XE_NOCAP);
	bad_middle("capability slot past the end", (struct xok_page_map){
	    B_VA + 5 * XOK_PGSIZE, good[5], 0, 0x100, 0 }, -XE_NOCAP);
	bad_middle("unaligned va", (struct xok_page_map){
	    B_VA + 5 * XOK_PGSIZE + 8, good[5], 0, 0, 0 }, -XE_INVAL);
	bad_middle("va 0", (struct xok_page_map){ 0, good[5], 0, 0, 0 },
	    -XE_INVAL);
	bad_middle("va at XOK_UVA_MAX (the exported state)",
	    (struct xok_page_map){ XOK_UVA_MAX, good[5], 0, 0, 0 }, -XE_INVAL);
	bad_middle("va in the kernel", (struct xok_page_map){
	    0xffffffff80000000UL, good[5], 0, 0, 0 }, -XE_INVAL);
	bad_middle("unknown perm bits", (struct xok_page_map){
	    B_VA + 5 * XOK_PGSIZE, good[5], 0x4, 0, 0 }, -XE_INVAL);
	bad_middle("ppn past memory", (struct xok_page_map){
	    B_VA + 5 * XOK_PGSIZE, XOK_INFO->npages, 0, 0, 0 }, -XE_RANGE);
	bad_middle("ppn -1", (struct xok_page_map){ B_VA + 5 * XOK_PGSIZE,
	    XOK_PPN_ANY, 0, 0, 0 }, -XE_RANGE);
	if (kpage > 0)
		bad_middle("a kernel page", (struct xok_page_map){
		    B_VA + 5 * XOK_PGSIZE, (uint64_t)kpage, 0, 0, 0 }, -XE_PERM);
	EXPECT("found a kernel page", kpage > 0);
	/* a free page */
	{
		int64_t f = sys_page_alloc(XOK_PPN_ANY, 0);

		sys_page_free((uint64_t)f, 0);
		bad_middle("a free page", (struct xok_page_map){
		    B_VA + 5 * XOK_PGSIZE, (uint64_t)f, 0, 0, 0 }, -XE_NOENT);
	}
	EXPECT("XN gave us a cache page", xn_ppn != 0);
	if (xn_ppn) {
		bad_middle("XN's cache page asked writable",
		    (struct xok_page_map){ B_VA + 5 * XOK_PGSIZE, xn_ppn,
		    XOK_PTE_W, 0, 0 }, -XE_PERM);
		v[0] = (struct xok_page_map){ B_VA, xn_ppn, 0, 9, 0 };
		EXPECT_EQ("map_many: XN's cache page read-only, any slot",
		    sys_page_map_many(XOK_SELF, 0, v, 1), 1);
		sys_page_unmap_range(XOK_SELF, B_VA, 1, 0);
	}
	v[0] = (struct xok_page_map){ B_VA, (uint64_t)oppn, 0, 4, 0 };
	EXPECT_EQ("map_many: another env's page read-only with [0x42] R",
	    sys_page_map_many(XOK_SELF, 0, v, 1), 1);
	sys_page_unmap_range(XOK_SELF, B_VA, 1, 0);
	v[0] = (struct xok_page_map){ B_VA, good[0], XOK_PTE_W, 0, 0 };
	EXPECT_EQ("map_many: into another env through an empty slot",
	    sys_page_map_many((uint64_t)other, 9, v, 1), -XE_NOCAP);
	EXPECT_EQ("map_many: into another env through a slot that does not "
	    "dominate it", sys_page_map_many((uint64_t)other, 3, v, 1),
	    -XE_PERM);
	EXPECT_EQ("map_many: into a child we control",
	    sys_page_map_many((uint64_t)other, 0, v, 1), 1);
	EXPECT_EQ("map_many: ...mapped there", mapcount(good[0]), 1);
	EXPECT_EQ("unmap_range: in the child",
	    sys_page_unmap_range((uint64_t)other, B_VA, 1, 0), 1);
	EXPECT_EQ("unmap_range: in another env through an empty slot",
	    sys_page_unmap_range((uint64_t)other, B_VA, 1, 9), -XE_NOCAP);

	/* the vector itself */
	EXPECT_EQ("map_many: too many entries", sys_page_map_many(XOK_SELF, 0,
	    v, MAX + 1), -XE_INVAL);
	EXPECT_EQ("map_many: vector pointer 8", sys_page_map_many(XOK_SELF, 0,
	    (struct xok_page_map *)8, 2), -XE_FAULT);
	EXPECT_EQ("map_many: vector in the kernel", sys_page_map_many(XOK_SELF,
	    0, (struct xok_page_map *)0xffffffff80100000UL, 2), -XE_FAULT);
	EXPECT_EQ("map_many: vector in the exported state (read-only)",
	    sys_page_map_many(XOK_SELF, 0, (struct xok_page_map *)XOK_INFO_VA,
	    1), -XE_FAULT);
	EXPECT_EQ("map_many: vector past the user half",
	    sys_page_map_many(XOK_SELF, 0, (struct xok_page_map *)
	    (XOK_UVA_END - 32), 2), -XE_FAULT);
	edge[0] = (struct xok_page_map){ B_VA, good[0], 0, 0, 55 };
	edge[1] = (struct xok_page_map){ B_VA + XOK_PGSIZE, good[1], 0, 0, 55 };
	EXPECT_EQ("map_many: vector runs into an unmapped page",
	    sys_page_map_many(XOK_SELF, 0, edge, 3), -XE_FAULT);
	EXPECT("map_many: ...nothing mapped, nothing written",
	    mapcount(good[0]) == 0 && mapcount(good[1]) == 0 &&
	    edge[0].result == 55 && edge[1].result == 55);
	EXPECT_EQ("map_many: the same two entries, inside the page",
	    sys_page_map_many(XOK_SELF, 0, edge, 2), 2);
	EXPECT("map_many: ...results written", edge[0].result == 0 &&
	    edge[1].result == 0);
	sys_page_unmap_range(XOK_SELF, B_VA, 2, 0);

	/* ranges */
	EXPECT_EQ("unmap_range: too many", sys_page_unmap_range(XOK_SELF,
	    A_VA, MAX + 1, 0), -XE_INVAL);
	v[0] = (struct xok_page_map){ XOK_UVA_MAX - XOK_PGSIZE, good[0], 0, 0,
	    0 };
	EXPECT_EQ("map_many: the last mappable page",
	    sys_page_map_many(XOK_SELF, 0, v, 1), 1);
	EXPECT_EQ("unmap_range: crossing XOK_UVA_MAX",
	    sys_page_unmap_range(XOK_SELF, XOK_UVA_MAX - XOK_PGSIZE, 2, 0),
	    -XE_INVAL);
	EXPECT_EQ("unmap_range: ...left the page mapped", mapcount(good[0]), 1);
	EXPECT_EQ("unmap_range: in the exported state",
	    sys_page_unmap_range(XOK_SELF, XOK_INFO_VA, 1, 0), -XE_INVAL);
	EXPECT_EQ("unmap_range: in the kernel", sys_page_unmap_range(XOK_SELF,
	    0xffff800000000000UL, 1, 0), -XE_INVAL);
	EXPECT_EQ("unmap_range: wrapping around", sys_page_unmap_range(XOK_SELF,
	    XOK_UVA_MAX - XOK_PGSIZE, (uint64_t)1 << 52, 0), -XE_INVAL);
	EXPECT_EQ("unmap_range: unaligned", sys_page_unmap_range(XOK_SELF,
	    A_VA + 1, 1, 0), -XE_INVAL);
	EXPECT_EQ("unmap_range: page 0", sys_page_unmap_range(XOK_SELF, 0, 1,
	    0), -XE_INVAL);
	EXPECT_EQ("unmap_range: up to XOK_UVA_MAX exactly",
	    sys_page_unmap_range(XOK_SELF, XOK_UVA_MAX - XOK_PGSIZE, 1, 0), 1);

	sys_cap_drop(3), sys_cap_drop(4);
	sys_page_free((uint64_t)oppn, 0);
	sys_env_destroy((uint64_t)other, 0, 0);
	EXPECT_EQ("map_many: hostile vectors leaked no page", XOK_INFO->nfree,
	    nfree0);
	EXPECT_EQ("map_many: hostile vectors charged nothing", me()->page_used,
	    used0);
}

/* ---- PAGE_PROTECT --------------------------------------------------------- */

/*
 * Pages of P_VA: 0, 1, 3, 4 ours (good[0..3]); 2 a hole, later XN's
 * cache page; 5 a hole; 6 another guard's page ([0x42 1]).
 */
static void
test_protect(void)
{
	volatile uint64_t *p = (volatile uint64_t *)P_VA;
	uint64_t i, f0, pg[5] = { 0, 1, 3, 4 };
	int64_t oppn;
	struct xok_cap c;

	fix_va = P_VA;
	for (i = 0; i < 4; i++) {
		v[i] = (struct xok_page_map){ P_VA + pg[i] * XOK_PGSIZE, good[i],
		    XOK_PTE_W, 0, 0 };
		fix_ppn[pg[i]] = good[i];
	}
	EXPECT_EQ("protect: set-up", sys_page_map_many(XOK_SELF, 0, v, 4), 4);
	for (i = 0; i < 4; i++)
		p[pg[i] * 512] = pg[i];         /* writable in the TLB now */
	f0 = faults;
	EXPECT_EQ("protect: read-only, 4 pages in a range of 5",
	    sys_page_protect(XOK_SELF, P_VA, 5, 0, 9, 0), 4);
	EXPECT("protect: reads still work", p[0] == 0 && p[512] == 1 &&
	    p[4 * 512] == 4 && faults == f0);
	p[512] = 100;
	EXPECT_EQ("protect: a store to a page made read-only faults",
	    faults, f0 + 1);
	EXPECT_EQ("protect: ...at that address", fault_addr, P_VA + XOK_PGSIZE);
	EXPECT_EQ("protect: ...and went through once the handler remapped it",
	    p[512], 100);
	p[4 * 512] = 104;
	EXPECT_EQ("protect: the last page of the range faults too", faults,
	    f0 + 2);
	EXPECT_EQ("protect: writable again", sys_page_protect(XOK_SELF, P_VA,
	    5, XOK_PTE_W, 0, 0), 4);
	f0 = faults;
	p[0] = 7, p[3 * 512] = 8;
	EXPECT("protect: ...no fault", faults == f0 && p[0] == 7);
	EXPECT_EQ("protect: with no-execute", sys_page_protect(XOK_SELF,
	    P_VA, 5, XOK_PTE_W | XOK_PTE_NX, 0, 0), 4);

	/* XN's cache page in the middle: all or nothing */
	EXPECT("XN gave us a cache page (protect)", xn_ppn != 0);
	if (xn_ppn) {
		sys_page_map(XOK_SELF, P_VA + 2 * XOK_PGSIZE, xn_ppn,
		    XOK_PTE_NX, 9, 0);
		EXPECT_EQ("protect: all read-only, XN's page too",
		    sys_page_protect(XOK_SELF, P_VA, 5, XOK_PTE_NX, 9, 0), 5);
		EXPECT_EQ("protect: writable with root, XN's cache page in "
		    "the middle", sys_page_protect(XOK_SELF, P_VA, 5,
		    XOK_PTE_W | XOK_PTE_NX, 0, 0), -XE_PERM);
		f0 = faults;
		p[0] = 9;
		EXPECT_EQ("protect: ...all or nothing: the first page stayed "
		    "read-only", faults, f0 + 1);
		EXPECT_EQ("protect: XN's cache page alone, writable",
		    sys_page_protect(XOK_SELF, P_VA + 2 * XOK_PGSIZE, 1,
		    XOK_PTE_W, 0, 0), -XE_PERM);
		EXPECT_EQ("protect: XN's cache page executable (R for anyone)",
		    sys_page_protect(XOK_SELF, P_VA + 2 * XOK_PGSIZE, 1, 0, 9,
		    0), 1);
		sys_page_unmap(XOK_SELF, P_VA + 2 * XOK_PGSIZE, 0);
	}

	/* another guard: [0x42 1] page, slot 4 [0x42] R, slot 6 [0x42 1] */
	memset(&c, 0, sizeof(c));
	c.valid = 1, c.len = 2, c.rights = XOK_CAP_ALL;
	c.name[0] = 0x42, c.name[1] = 1;
	sys_cap_grant(XOK_SELF, 0, 0, 6, &c);
	oppn = sys_page_alloc(XOK_PPN_ANY, 6);
	c.len = 1, c.rights = XOK_CAP_R;
	sys_cap_grant(XOK_SELF, 0, 0, 4, &c);
	sys_page_map(XOK_SELF, P_VA + 6 * XOK_PGSIZE, (uint64_t)oppn,
	    XOK_PTE_NX, 0, 0);
	EXPECT_EQ("protect: add W with a read-only capability",
	    sys_page_protect(XOK_SELF, P_VA + 6 * XOK_PGSIZE, 1,
	    XOK_PTE_W | XOK_PTE_NX, 4, 0), -XE_PERM);
	EXPECT_EQ("protect: add W with a capability for other pages",
	    sys_page_protect(XOK_SELF, P_VA, 7, XOK_PTE_W | XOK_PTE_NX, 6, 0),
	    -XE_PERM);                  /* ours need root */
	EXPECT_EQ("protect: add W with the page's capability",
	    sys_page_protect(XOK_SELF, P_VA + 6 * XOK_PGSIZE, 1,
	    XOK_PTE_W | XOK_PTE_NX, 6, 0), 1);
	EXPECT_EQ("protect: add execution from an empty slot",
	    sys_page_protect(XOK_SELF, P_VA + 6 * XOK_PGSIZE, 1, 0, 9, 0),
	    -XE_NOCAP);
	EXPECT_EQ("protect: add execution with R on the guard",
	    sys_page_protect(XOK_SELF, P_VA + 6 * XOK_PGSIZE, 1, 0, 4, 0), 1);
	EXPECT_EQ("protect: taking rights away needs no page capability",
	    sys_page_protect(XOK_SELF, P_VA, 7, XOK_PTE_NX, 9, 0), 5);
	EXPECT_EQ("protect: unknown perm bits", sys_page_protect(XOK_SELF,
	    P_VA, 1, 0x4, 0, 0), -XE_INVAL);
	EXPECT_EQ("protect: too many", sys_page_protect(XOK_SELF, P_VA,
	    MAX + 1, 0, 0, 0), -XE_INVAL);
	EXPECT_EQ("protect: crossing XOK_UVA_MAX", sys_page_protect(XOK_SELF,
	    XOK_UVA_MAX - XOK_PGSIZE, 2, 0, 0, 0), -XE_INVAL);
	EXPECT_EQ("protect: in the kernel", sys_page_protect(XOK_SELF,
	    0xffffffff80000000UL, 1, 0, 0, 0), -XE_INVAL);
	EXPECT_EQ("protect: unaligned", sys_page_protect(XOK_SELF, P_VA + 8,
	    1, 0, 0, 0), -XE_INVAL);
	EXPECT_EQ("protect: no such env", sys_page_protect(0x12345, P_VA, 1,
	    0, 0, 0), -XE_NOENT);
	EXPECT_EQ("protect: nothing mapped", sys_page_protect(XOK_SELF, A_VA,
	    MAX, 0, 0, 0), 0);
	sys_page_unmap_range(XOK_SELF, P_VA, 7, 0);
	sys_cap_drop(4), sys_cap_drop(6);
	sys_page_free((uint64_t)oppn, 0);
}

/* ---- kernel writes into copy-on-write pages -------------------------------- */

static void
test_cow(void)
{
	struct xok_cap *cap = (struct xok_cap *)(C_VA + XOK_PGSIZE - 8);
	volatile uint64_t *w = (volatile uint64_t *)C_VA;
	struct xok_page_map *cv = (struct xok_page_map *)(C_VA + 2 * XOK_PGSIZE);
	uint64_t *cp = (uint64_t *)(C_VA + 3 * XOK_PGSIZE);
	uint64_t nfree0, f0, i;
	int64_t r;

	/* page 0 writable, pages 1-3 "copy-on-write": read-only, the
	 * handler makes them writable on a store */
	fix_va = C_VA;
	for (i = 0; i < 4; i++) {
		fix_ppn[i] = good[10 + i];
		sys_page_map(XOK_SELF, C_VA + i * XOK_PGSIZE, good[10 + i],
		    XOK_PTE_W, 0, 0);
	}
	w[511] = 0x1111111111111111UL;
	cv[0] = (struct xok_page_map){ A_VA, good[20], 0, 0, 5 };
	EXPECT_EQ("cow: pages 1-3 read-only", sys_page_protect(XOK_SELF,
	    C_VA + XOK_PGSIZE, 3, 0, 9, 0), 3);
	nfree0 = XOK_INFO->nfree;
	f0 = faults;
	EXPECT_EQ("cow: CAP_GET into a read-only page", sys_cap_get(0,
	    (struct xok_cap *)(C_VA + XOK_PGSIZE)), -XE_FAULT);
	EXPECT_EQ("cow: CAP_GET straddling a writable and a read-only page",
	    sys_cap_get(0, cap), -XE_FAULT);
	EXPECT_EQ("cow: ...the writable part is unchanged", w[511],
	    0x1111111111111111UL);
	EXPECT_EQ("cow: ...and no fault was delivered", faults, f0);
	exos_touch_write(cap, sizeof(*cap));
	EXPECT_EQ("cow: exos_touch_write made the handler run once", faults,
	    f0 + 1);
	EXPECT_EQ("cow: ...at the read-only page", fault_addr & ~(XOK_PGSIZE - 1),
	    C_VA + XOK_PGSIZE);
	EXPECT_EQ("cow: ...and kept the bytes", w[511], 0x1111111111111111UL);
	EXPECT("cow: CAP_GET works after the touch", sys_cap_get(0, cap) == 0 &&
	    cap->valid && cap->len == 0 && cap->rights == XOK_CAP_ALL);

	/* the batched calls' own vectors */
	f0 = faults;
	EXPECT_EQ("cow: map_many with its vector in a read-only page",
	    sys_page_map_many(XOK_SELF, 0, cv, 1), -XE_FAULT);
	EXPECT("cow: ...mapped nothing, wrote nothing, no fault",
	    mapcount(good[20]) == 0 && cv[0].result == 5 && faults == f0);
	exos_touch_write(cv, sizeof(cv[0]));
	EXPECT_EQ("cow: map_many after the touch", sys_page_map_many(XOK_SELF,
	    0, cv, 1), 1);
	sys_page_unmap_range(XOK_SELF, A_VA, 1, 0);
	r = sys_page_alloc_many(0, XOK_SELF, 0, cp, 8);
	EXPECT_EQ("cow: alloc_many with its array in a read-only page", r,
	    -XE_FAULT);
	EXPECT_EQ("cow: ...took no page", XOK_INFO->nfree, nfree0);
	exos_touch_write(cp, 8 * sizeof(uint64_t));
	EXPECT_EQ("cow: alloc_many after the touch", sys_page_alloc_many(0,
	    XOK_SELF, 0, cp, 8), 8);
	for (i = 0; i < 8; i++)
		sys_page_free(cp[i], 0);
	EXPECT_EQ("cow: the touch ran the handler once per page", faults,
	    f0 + 2);
	sys_page_unmap_range(XOK_SELF, C_VA, 4, 0);
}

int
main(uint64_t arg)
{
	uint64_t nfree0, used0, i;
	int64_t vp;

	(void)arg;
	printf("batchtest: batched page calls, env %lx\n", xok_self());
	exos_fault_handler = fault_handler;
	if (exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0) < 0 ||
	    (vp = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    sys_page_map(XOK_SELF, V_VA, (uint64_t)vp, XOK_PTE_W, 0, 0) < 0 ||
	    sys_page_map(XOK_SELF, B_VA - XOK_PGSIZE * 2, (uint64_t)vp, 0, 0,
	    0) < 0) {
		printf("FAIL: set-up\nALL-DONE\n");
		sys_shutdown(0, 1);
	}
	xn_page();              /* XN keeps its arena from now on */
	nfree0 = XOK_INFO->nfree;
	used0 = me()->page_used;

	test_alloc();
	test_alloc_hostile();
	test_map();
	test_map_hostile();
	test_protect();
	test_cow();
	for (i = 0; i < NGOOD; i++)
		sys_page_free(good[i], 0);
	test_alloc_exhaust();

	EXPECT_EQ("every page accounted: free count back", XOK_INFO->nfree,
	    nfree0);
	EXPECT_EQ("every page accounted: our quota usage back",
	    me()->page_used, used0);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
