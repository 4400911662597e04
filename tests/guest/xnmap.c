/*
 * xnmap.c: XN_BC_MAP (call 53, cache views of XN's registry pages) and
 * XN_READ (call 60) against hostile arguments, on a fresh virtio disk
 * (xnmap.sh):
 *
 *  - XN_BC_MAP: counts 0 and too large, blocks past the disk and
 *    wrapping, XN's own area, uncached blocks (nothing mapped: all or
 *    nothing), unaligned, kernel, occupied and overflowing addresses;
 *  - views show committed bytes at once (XN_WRITE changes the page in
 *    place), in the mapper and in another environment;
 *  - when the entry goes (XN_BC_EVICT, XN_FREE) every view goes, the
 *    page owner's included, and another environment's; the owner's
 *    plain mapping stays;
 *  - the page's owner dies while another environment views the page:
 *    the view stays valid, the page is an orphan XN keeps, and it is
 *    freed when the entry goes;
 *  - sharing: K environments viewing the same 2 MiB (512 blocks) take
 *    page tables only, not 512 pages each; dying with views leaves
 *    nothing (free count and mapping counts back);
 *  - XN_READ: counts 0 and > XOK_XN_READ_MAX, blocks past the end and
 *    wrapping, kernel, null, unmapped, read-only buffers and buffers
 *    crossing into unmapped memory, and what it returns for cached,
 *    free, uncached and XN-area blocks.
 *
 * Init (the root capability) formats the disk and caches the blocks;
 * the children are this program again (arg: role | index << 8).
 */
#include <exos/exos.h>
#include "check.h"
#include <xn/xn.h>
#include "xntemplate.h"

#define T_EXT 16
#define ROOT 100                /* the root: three extents of data */
#define D0 200                  /* extent 1 and 2: D0 .. D0+511 */
#define NDATA 512
#define E0 800                  /* extent 3: E0 .. E0+3 */
#define FREEBLK 3000            /* never allocated */
#define MAGIC 0x56494557u       /* "VIEW" */

#define SHARED_VA 0x0000000500000000UL
#define SH(i) (((volatile int64_t *)SHARED_VA)[i])
#define VIEW_VA   0x0000000600000000UL  /* views, block b at + b pages */
#define PLAIN_VA  0x0000000700000000UL
#define BUF_VA    0x0000000800000000UL  /* XN_READ buffers */
#define KVA       0xffff800000000000UL

#define XNE(e) (-(XE_XN - (e)))         /* kernel result for XN error e */
#define VIEW(b) ((volatile uint32_t *)(VIEW_VA + (uint64_t)(b) * 4096))

enum { R_OWNER = 1, R_VIEWER, R_WATCH };
#define K_VIEWERS 3

static struct xok_xn_template tmpl;
static struct xok_xn_change ch;
static uint32_t nblocks;
static uint8_t rbuf[2 * 4096] __attribute__((aligned(4096)));

static int64_t
raw(uint64_t nr, uint64_t a, uint64_t b, uint64_t c)
{
	return xok_call(nr, a, b, c, 0, 0, 0);
}

/* Is va mapped in us?  (PAGE_UNMAP says NOENT when not; a mapped page
 * is mapped again the same way afterwards by the caller if needed.) */
static int
unmapped(uint64_t va)
{
	return sys_page_unmap(XOK_SELF, va, 0) == -XE_NOENT;
}

/* Extent e of ROOT := (start, count), claiming or dropping blocks. */
static int64_t
set_extent(int e, uint32_t start, uint32_t count, uint32_t c0, uint32_t nc,
    int free)
{
	uint32_t v[2] = { start, count }, i;

	memset(&ch, 0, sizeof(ch));
	ch.block = ROOT, ch.off = (uint32_t)e * 8, ch.len = 8;
	memcpy(ch.bytes, v, 8);
	ch.nclaims = nc;
	for (i = 0; i < nc; i++)
		ch.claims[i].block = c0 + i, ch.claims[i].type = XN_TYPE_DATA;
	return free ? sys_xn_free(0, &ch) : sys_xn_alloc(0, &ch);
}

static int64_t
cache(uint32_t b)
{
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);

	return ppn < 0 ? ppn : sys_xn_bc_insert(0, b, (uint64_t)ppn, 0);
}

/* Block b's contents: its number and MAGIC (or tag) at 0. */
static int64_t
stamp(uint32_t b, uint32_t tag)
{
	uint32_t v[2] = { b, tag };

	return sys_xn_write(0, b, 0, 8, v);
}

static uint64_t
ppn_of(uint32_t b)
{
	struct xok_xn_bcinfo bi;

	return sys_xn_bc_lookup(b, &bi) == 0 ? bi.ppn : 0;
}

static void
setup(void)
{
	static uint32_t wb[NDATA + 8];
	struct xok_xn_stat st;
	uint32_t i, n = 0, done = 0;
	int ok = 1;

	EXPECT_EQ("xn_format", sys_xn_format(0), 0);
	EXPECT_EQ("xn_stat", sys_xn_stat(&st), 0);
	nblocks = st.nblocks;
	xn_extent_template(&tmpl, "xnmap.ext", T_EXT, 3);
	EXPECT_EQ("template", sys_xn_template(0, &tmpl), 0);
	EXPECT_EQ("root", sys_xn_root(0, "xnmap", T_EXT, ROOT, NULL), 0);
	EXPECT_EQ("cache the root", cache(ROOT), 0);
	EXPECT_EQ("claim 256 blocks", set_extent(0, D0, 256, D0, 256, 0), 0);
	EXPECT_EQ("claim 256 more", set_extent(1, D0 + 256, 256, D0 + 256,
	    256, 0), 0);
	EXPECT_EQ("claim 4 more", set_extent(2, E0, 4, E0, 4, 0), 0);
	for (i = 0; i < NDATA && ok; i++)
		ok = cache(D0 + i) == 0 && stamp(D0 + i, MAGIC) == 0;
	for (i = 0; i < 4 && ok; i++)
		ok = cache(E0 + i) == 0 && stamp(E0 + i, MAGIC) == 0;
	EXPECT("cache and write 516 data blocks", ok);
	for (i = 0; i < NDATA; i++)
		wb[n++] = D0 + i;
	for (i = 0; i < 4; i++)
		wb[n++] = E0 + i;
	EXPECT_EQ("write the data back", sys_xn_writeback_many(wb, 256,
	    &done), 0);
	EXPECT_EQ("write the rest back", sys_xn_writeback_many(wb + 256,
	    n - 256, &done), 0);
	EXPECT_EQ("write the root back", sys_xn_writeback(ROOT), 0);
}

static void
test_map_hostile(void)
{
	uint64_t top = XOK_UVA_MAX - 4096;
	uint16_t mc;

	EXPECT_EQ("map: count 0", sys_xn_bc_map(D0, 0, (void *)VIEW_VA),
	    -XE_INVAL);
	EXPECT_EQ("map: count 65", sys_xn_bc_map(D0, XOK_XN_MAP_MAX + 1,
	    (void *)VIEW_VA), -XE_INVAL);
	EXPECT_EQ("map: count 2^64-1", sys_xn_bc_map(D0, ~0UL,
	    (void *)VIEW_VA), -XE_INVAL);
	EXPECT_EQ("map: block past the disk", sys_xn_bc_map(nblocks, 1,
	    (void *)VIEW_VA), -XE_RANGE);
	EXPECT_EQ("map: range past the disk", sys_xn_bc_map(nblocks - 1, 2,
	    (void *)VIEW_VA), -XE_RANGE);
	EXPECT_EQ("map: block 2^32 + D0 (not truncated)",
	    raw(XOK_SYS_XN_BC_MAP, (1UL << 32) + D0, 1, VIEW_VA), -XE_RANGE);
	EXPECT_EQ("map: block range wrapping 2^32",
	    sys_xn_bc_map(0xffffffffu, 2, (void *)VIEW_VA), -XE_RANGE);
	EXPECT_EQ("map: XN's superblock", sys_xn_bc_map(0, 1,
	    (void *)VIEW_VA), XNE(XN_ENOTCACHED));
	EXPECT_EQ("map: a free block", sys_xn_bc_map(FREEBLK, 1,
	    (void *)(VIEW_VA + FREEBLK * 4096UL)), XNE(XN_ENOTCACHED));
	EXPECT_EQ("map: uncached allocated block", sys_xn_bc_map(ROOT + 1, 1,
	    (void *)VIEW_VA), XNE(XN_ENOTCACHED));
	EXPECT_EQ("map: cached blocks then an uncached one",
	    sys_xn_bc_map(D0 + NDATA - 2, 3,
	    (void *)(VIEW_VA + (D0 + NDATA - 2) * 4096UL)), XNE(XN_ENOTCACHED));
	EXPECT("  nothing of it mapped (all or nothing)",
	    unmapped(VIEW_VA + (D0 + NDATA - 2) * 4096UL) &&
	    unmapped(VIEW_VA + (D0 + NDATA - 1) * 4096UL));
	EXPECT_EQ("map: unaligned address", sys_xn_bc_map(D0, 1,
	    (void *)(VIEW_VA + 8)), -XE_INVAL);
	EXPECT_EQ("map: address 0", sys_xn_bc_map(D0, 1, NULL), -XE_INVAL);
	EXPECT_EQ("map: kernel address", sys_xn_bc_map(D0, 1, (void *)KVA),
	    -XE_INVAL);
	EXPECT_EQ("map: XN's exported state", sys_xn_bc_map(D0, 1,
	    (void *)XOK_XN_VA), -XE_INVAL);
	EXPECT_EQ("map: range crossing the top of user space",
	    sys_xn_bc_map(D0, 2, (void *)top), -XE_INVAL);
	EXPECT_EQ("map: the last user page", sys_xn_bc_map(D0, 1,
	    (void *)top), 0);
	EXPECT("  reads the block there", *(volatile uint32_t *)top == D0);
	EXPECT_EQ("  unmap it", sys_page_unmap(XOK_SELF, top, 0), 0);
	EXPECT_EQ("map: over our own data (occupied)", sys_xn_bc_map(D0, 1,
	    rbuf), -XE_BUSY);
	EXPECT_EQ("a page at PLAIN_VA + 4096", sys_page_map(XOK_SELF,
	    PLAIN_VA + 4096, (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0),
	    XOK_PTE_W | XOK_PTE_NX, 0, 0), 0);
	EXPECT_EQ("map: second page occupied", sys_xn_bc_map(D0, 2,
	    (void *)PLAIN_VA), -XE_BUSY);
	EXPECT("  the free first page stays free", unmapped(PLAIN_VA));
	EXPECT_EQ("  the occupied one keeps its page",
	    sys_page_unmap(XOK_SELF, PLAIN_VA + 4096, 0), 0);
	EXPECT_EQ("map: 64 blocks", sys_xn_bc_map(D0, 64, (void *)VIEW(D0)),
	    0);
	EXPECT("  each view holds its block", ({
	    int ok_ = 1;
	    for (uint32_t i_ = 0; i_ < 64; i_++)
		ok_ &= VIEW(D0 + i_)[0] == D0 + i_ && VIEW(D0 + i_)[1] == MAGIC;
	    ok_; }));
	mc = XOK_PAGES[ppn_of(D0)].mapcount;
	EXPECT("  a view is a mapping of XN's page",
	    sys_page_unmap(XOK_SELF, (uint64_t)VIEW(D0), 0) == 0 &&
	    XOK_PAGES[ppn_of(D0)].mapcount == mc - 1 &&
	    sys_xn_bc_map(D0, 1, (void *)VIEW(D0)) == 0 &&
	    XOK_PAGES[ppn_of(D0)].mapcount == mc);
	EXPECT_EQ("map: again over the views (occupied)", sys_xn_bc_map(D0,
	    1, (void *)VIEW(D0)), -XE_BUSY);
	EXPECT_EQ("  a view is not writable: XN_READ into it refused",
	    sys_xn_read(D0 + 1, 1, (void *)VIEW(D0)), -XE_FAULT);
	EXPECT("  and the view is unchanged", VIEW(D0)[0] == D0);
	EXPECT_EQ("map: a view may not be made writable",
	    sys_page_map(XOK_SELF, (uint64_t)VIEW(D0), ppn_of(D0),
	    XOK_PTE_W | XOK_PTE_NX, 0, 0), -XE_PERM);
}

/* A commit changes the page in place: the view shows it at once. */
static void
test_commit_visible(void)
{
	EXPECT_EQ("write block D0+1", stamp(D0 + 1, 0x11111111), 0);
	EXPECT("  our view shows the committed bytes",
	    VIEW(D0 + 1)[1] == 0x11111111);
	EXPECT_EQ("  written back", sys_xn_writeback(D0 + 1), 0);
	EXPECT_EQ("  restored", stamp(D0 + 1, MAGIC), 0);
	EXPECT_EQ("  written back", sys_xn_writeback(D0 + 1), 0);
}

/* Evicting or freeing drops the entry: every view goes, ours too
 * although we own the page; our plain mapping of our page stays. */
static void
test_revoke(void)
{
	uint64_t ppn = ppn_of(D0 + 2);

	EXPECT_EQ("plain read-only mapping of our cache page",
	    sys_page_map(XOK_SELF, PLAIN_VA, ppn, XOK_PTE_NX, 0, 0), 0);
	EXPECT_EQ("evict D0+2", sys_xn_bc_evict(0, D0 + 2), 0);
	EXPECT("  our view of it is gone (the owner's too)",
	    unmapped((uint64_t)VIEW(D0 + 2)));
	EXPECT("  our plain mapping stays, the page ours alone",
	    !(XOK_PAGES[ppn].flags & XOK_PG_XN) &&
	    XOK_PAGES[ppn].mapcount == 1 &&
	    *(volatile uint32_t *)PLAIN_VA == D0 + 2);
	EXPECT("  other views stay", VIEW(D0 + 3)[0] == D0 + 3);
	EXPECT_EQ("map the evicted block", sys_xn_bc_map(D0 + 2, 1,
	    (void *)VIEW(D0 + 2)), XNE(XN_ENOTCACHED));
	sys_page_unmap(XOK_SELF, PLAIN_VA, 0);
	sys_page_free(ppn, 0);
	EXPECT_EQ("cache it again", cache(D0 + 2), 0);
	EXPECT_EQ("  and view it", sys_xn_bc_map(D0 + 2, 1,
	    (void *)VIEW(D0 + 2)), 0);
	EXPECT("  its bytes, from the disk", VIEW(D0 + 2)[0] == D0 + 2 &&
	    VIEW(D0 + 2)[1] == MAGIC);

	EXPECT_EQ("view E0+3", sys_xn_bc_map(E0 + 3, 1,
	    (void *)VIEW(E0 + 3)), 0);
	ppn = ppn_of(E0 + 3);
	EXPECT_EQ("free E0+3", set_extent(2, E0, 3, E0 + 3, 1, 1), 0);
	EXPECT("  its view is gone", unmapped((uint64_t)VIEW(E0 + 3)));
	EXPECT("  its page is no longer XN's",
	    !(XOK_PAGES[ppn].flags & XOK_PG_XN));
	EXPECT_EQ("  and cannot be viewed", sys_xn_bc_map(E0 + 3, 1,
	    (void *)VIEW(E0 + 3)), XNE(XN_ENOTCACHED));
	EXPECT_EQ("write the root back", sys_xn_writeback(ROOT), 0);
}

static int
dead(int64_t c)
{
	const volatile struct xok_env_info *ei = &XOK_INFO->envs[XOK_ENVX(c)];

	return ei->id != (uint64_t)c || ei->state == XOK_ENV_FREE;
}

static int64_t shppn;

static int64_t
spawn(uint64_t arg)
{
	struct exos_spawn sp = { .arg = arg, .slices = 1, .start = 0 };
	uint64_t size;
	int64_t c;

	sp.image = exos_module("xnmap.elf", &size);
	sp.size = size;
	if (sp.image == NULL || (c = exos_spawn(&sp)) < 0)
		return -1;
	if (sys_page_map((uint64_t)c, SHARED_VA, (uint64_t)shppn, XOK_PTE_W,
	    0, 0) < 0)
		return -1;
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	return c;
}

#define WAIT(cond) WAIT_FOR(cond, 20000)

/* The owner of a cached page dies while we view it. */
static void
test_owner_dies(void)
{
	uint32_t b = E0 + 2;
	uint64_t ppn;
	int64_t c;

	EXPECT_EQ("evict E0+2 (the child caches it)", sys_xn_bc_evict(0, b),
	    0);
	SH(1) = SH(2) = SH(3) = SH(5) = SH(6) = 0;
	c = spawn(R_OWNER);
	EXPECT("owner child spawned", c > 0);
	EXPECT("  it cached the block", WAIT(SH(5) != 0) && SH(1) == 0);
	ppn = ppn_of(b);
	EXPECT("  with its page", ppn != 0 && ppn == (uint64_t)SH(2) &&
	    XOK_PAGES[ppn].owner == (uint32_t)c);
	EXPECT_EQ("  and views it", SH(3), 0);
	EXPECT_EQ("we view its page", sys_xn_bc_map(b, 1, (void *)VIEW(b)),
	    0);
	SH(6) = 1;
	EXPECT("the owner dies", WAIT(dead(c)));
	EXPECT("  our view still holds the block",
	    VIEW(b)[0] == b && VIEW(b)[1] == MAGIC);
	EXPECT("  the page is an orphan XN keeps",
	    (XOK_PAGES[ppn].flags & (XOK_PG_ORPHAN | XOK_PG_XN)) ==
	    (XOK_PG_ORPHAN | XOK_PG_XN) && XOK_PAGES[ppn].mapcount == 1);
	EXPECT_EQ("  a commit still shows in it", stamp(b, 0x22222222), 0);
	EXPECT("  (in place)", VIEW(b)[1] == 0x22222222);
	EXPECT_EQ("  written back", sys_xn_writeback(b), 0);
	EXPECT_EQ("evict it", sys_xn_bc_evict(0, b), 0);
	EXPECT("  our view is gone", unmapped((uint64_t)VIEW(b)));
	EXPECT("  the orphan is freed", XOK_PAGES[ppn].owner == 0);
	EXPECT_EQ("cache it again", cache(b), 0);
	EXPECT_EQ("  view it", sys_xn_bc_map(b, 1, (void *)VIEW(b)), 0);
	EXPECT("  the bytes written back", VIEW(b)[1] == 0x22222222);
}

/* K viewers of the same 2 MiB at once; one of them also watches a block
 * we change and then evict. */
static void
test_sharing(void)
{
	int64_t c[K_VIEWERS], w;
	uint64_t before, all, after, ppn0 = ppn_of(D0 + 100);
	uint16_t mc0 = XOK_PAGES[ppn0].mapcount;
	int k, ok;

	for (k = 0; k < 64; k++)
		SH(k) = 0;
	/* settle: a first child's exit frees what the spawner kept */
	before = XOK_INFO->nfree;
	for (k = 0; k < K_VIEWERS; k++)
		c[k] = spawn(R_VIEWER | (uint64_t)k << 8);
	ok = 1;
	for (k = 0; k < K_VIEWERS; k++)
		ok &= c[k] > 0 && WAIT(SH(16 + k) != 0);
	EXPECT("viewers spawned and mapped 512 blocks each", ok);
	all = XOK_INFO->nfree;
	for (k = 0; k < K_VIEWERS; k++) {
		printf("viewer %d: 512 views (2 MiB) took %ld pages, "
		    "checks %s\n", k, SH(24 + k), SH(32 + k) == 1 ? "ok" :
		    "FAILED");
		EXPECT("  each view holds its block", SH(32 + k) == 1);
		EXPECT("  512 views take page tables only (< 8 pages)",
		    SH(24 + k) >= 0 && SH(24 + k) < 8);
	}
	EXPECT("  the shared pages are mapped once per viewer",
	    XOK_PAGES[ppn0].mapcount == mc0 + K_VIEWERS);
	printf("%d viewers of 2 MiB alive: %lu pages in use beyond before\n",
	    K_VIEWERS, before - all);
	SH(40) = 1;
	ok = 1;
	for (k = 0; k < K_VIEWERS; k++)
		ok &= WAIT(dead(c[k]));
	EXPECT("viewers exit", ok);
	after = XOK_INFO->nfree;
	EXPECT("  dying with 1536 views leaves no page behind",
	    after == before);
	EXPECT("  nor a mapping of XN's pages",
	    XOK_PAGES[ppn0].mapcount == mc0);
	printf("free pages: %lu before, %lu with the viewers, %lu after\n",
	    before, all, after);

	/* another environment sees our commit, then loses the view */
	SH(41) = SH(42) = SH(43) = SH(44) = SH(45) = 0;
	w = spawn(R_WATCH);
	EXPECT("watcher maps D0+5", w > 0 && WAIT(SH(41) != 0) &&
	    SH(41) == 1);
	EXPECT_EQ("we commit a change to D0+5", stamp(D0 + 5, 0x33333333),
	    0);
	SH(42) = 1;
	EXPECT("  the watcher's view shows it", WAIT(SH(43) != 0) &&
	    SH(43) == 1);
	EXPECT_EQ("  written back", sys_xn_writeback(D0 + 5), 0);
	EXPECT_EQ("we evict D0+5", sys_xn_bc_evict(0, D0 + 5), 0);
	SH(44) = 1;
	EXPECT("  the watcher's view is gone", WAIT(SH(45) != 0) &&
	    SH(45) == 1);
	EXPECT("watcher exits", WAIT(dead(w)));
	EXPECT_EQ("cache D0+5 again", cache(D0 + 5), 0);
}

static void
test_read_hostile(void)
{
	static const uint32_t zero4[4];
	uint64_t top = XOK_UVA_MAX - 4096, i;
	int ok;

	EXPECT_EQ("read: count 0", sys_xn_read(D0, 0, rbuf), -XE_INVAL);
	EXPECT_EQ("read: count 17", sys_xn_read(D0, XOK_XN_READ_MAX + 1,
	    rbuf), -XE_INVAL);
	EXPECT_EQ("read: count 2^64-1", sys_xn_read(D0, ~0UL, rbuf),
	    -XE_INVAL);
	EXPECT_EQ("read: block past the disk", sys_xn_read(nblocks, 1, rbuf),
	    -XE_RANGE);
	EXPECT_EQ("read: range past the disk", sys_xn_read(nblocks - 1, 2,
	    rbuf), -XE_RANGE);
	EXPECT_EQ("read: range wrapping 2^32", sys_xn_read(0xffffffffu, 2,
	    rbuf), -XE_RANGE);
	EXPECT_EQ("read: block 2^32 + D0 (not truncated)",
	    raw(XOK_SYS_XN_READ, (1UL << 32) + D0, 1, (uint64_t)rbuf),
	    -XE_RANGE);
	EXPECT_EQ("read: kernel buffer", sys_xn_read(D0, 1, (void *)KVA),
	    -XE_FAULT);
	EXPECT_EQ("read: null buffer", sys_xn_read(D0, 1, NULL), -XE_FAULT);
	EXPECT_EQ("read: unmapped buffer", sys_xn_read(D0, 1,
	    (void *)BUF_VA), -XE_FAULT);
	EXPECT_EQ("read: XN's exported state (read-only)", sys_xn_read(D0, 1,
	    (void *)XOK_XN_VA), -XE_FAULT);
	EXPECT_EQ("read: the info page (read-only)", sys_xn_read(D0, 1,
	    (void *)XOK_INFO_VA), -XE_FAULT);
	EXPECT_EQ("read: buffer crossing the top of user space",
	    sys_xn_read(D0, 2, (void *)top), -XE_FAULT);
	EXPECT_EQ("read: buffer in our code (read-only)",
	    sys_xn_read(D0, 1, (void *)((uint64_t)&test_read_hostile &
	    ~4095UL)), -XE_FAULT);
	/* a buffer whose second page is unmapped */
	EXPECT_EQ("map one page", sys_page_map(XOK_SELF, BUF_VA,
	    (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0), XOK_PTE_W | XOK_PTE_NX,
	    0, 0), 0);
	memset((void *)BUF_VA, 0xaa, 4096);
	EXPECT_EQ("read: buffer crossing into unmapped memory",
	    sys_xn_read(D0 + 7, 2, (void *)BUF_VA), -XE_FAULT);
	EXPECT("  the block before the hole was copied",
	    ((volatile uint32_t *)BUF_VA)[0] == D0 + 7);
	EXPECT("  nothing mapped past it", unmapped(BUF_VA + 4096));
	EXPECT_EQ("read: unaligned buffer crossing into unmapped memory",
	    sys_xn_read(D0 + 8, 1, (void *)(BUF_VA + 8)), -XE_FAULT);
	EXPECT_EQ("read: unaligned buffer that fits", sys_xn_read(D0 + 9, 1,
	    rbuf + 8), 0);
	EXPECT("  its bytes", ((uint32_t *)(rbuf + 8))[0] == D0 + 9);
	/* what it returns */
	memset(rbuf, 0xaa, sizeof(rbuf));
	EXPECT_EQ("read: 2 cached blocks", sys_xn_read(D0 + 10, 2, rbuf), 0);
	EXPECT("  their bytes", ((uint32_t *)rbuf)[0] == D0 + 10 &&
	    ((uint32_t *)rbuf)[1] == MAGIC &&
	    ((uint32_t *)(rbuf + 4096))[0] == D0 + 11);
	memset(rbuf, 0xaa, sizeof(rbuf));
	EXPECT_EQ("read: into a view (read-only)", sys_xn_read(D0 + 20, 1,
	    (void *)VIEW(D0 + 3)), -XE_FAULT);
	EXPECT("  the view unchanged", VIEW(D0 + 3)[0] == D0 + 3);
	EXPECT_EQ("read: a free block", sys_xn_read(FREEBLK, 1, rbuf), 0);
	ok = 1;
	for (i = 0; i < 4096; i++)
		ok &= rbuf[i] == 0;
	EXPECT("  zeros", ok);
	EXPECT_EQ("read: XN's superblock", sys_xn_read(0, 1, rbuf), 0);
	EXPECT("  its magic", memcmp(rbuf, "XNSB", 4) == 0);
	EXPECT_EQ("evict D0+12", sys_xn_bc_evict(0, D0 + 12), 0);
	memset(rbuf, 0xaa, sizeof(rbuf));
	EXPECT_EQ("read: an uncached block", sys_xn_read(D0 + 12, 1, rbuf),
	    0);
	EXPECT("  its bytes, from the disk", ((uint32_t *)rbuf)[0] ==
	    D0 + 12 && ((uint32_t *)rbuf)[1] == MAGIC &&
	    memcmp(rbuf + 8, zero4, sizeof(zero4)) == 0);
	EXPECT_EQ("read: the last block of the disk", sys_xn_read(nblocks - 1,
	    1, rbuf), 0);
}

/* ---- the children ---- */

static void
child(uint64_t arg)
{
	uint64_t role = arg & 0xff, k = arg >> 8, i, before;
	int64_t ppn, r;
	int ok;

	if (role == R_OWNER) {
		uint32_t b = E0 + 2;

		ppn = sys_page_alloc(XOK_PPN_ANY, 0);
		SH(1) = ppn < 0 ? ppn : sys_xn_bc_insert(0, b, (uint64_t)ppn,
		    0);
		SH(2) = ppn;
		SH(3) = sys_xn_bc_map(b, 1, (void *)VIEW(b));
		SH(5) = 1;
		WAIT(SH(6) != 0);
		return;         /* dies with its page in XN's registry */
	}
	if (role == R_VIEWER) {
		before = XOK_INFO->nfree;
		ok = 1;
		for (i = 0; i < NDATA; i += 64)
			ok &= sys_xn_bc_map(D0 + (uint32_t)i, 64,
			    (void *)VIEW(D0 + i)) == 0;
		SH(24 + k) = (int64_t)(before - XOK_INFO->nfree);
		for (i = 0; i < NDATA && ok; i++)
			ok = VIEW(D0 + i)[0] == D0 + i;
		SH(32 + k) = ok;
		SH(16 + k) = 1;
		WAIT(SH(40) != 0);
		return;         /* dies with its views */
	}
	if (role == R_WATCH) {
		r = sys_xn_bc_map(D0 + 5, 1, (void *)VIEW(D0 + 5));
		SH(41) = r == 0 && VIEW(D0 + 5)[1] == MAGIC ? 1 : 2;
		WAIT(SH(42) != 0);
		SH(43) = VIEW(D0 + 5)[1] == 0x33333333 ? 1 : 2;
		WAIT(SH(44) != 0);
		SH(45) = unmapped((uint64_t)VIEW(D0 + 5)) ? 1 : 2;
		return;
	}
}

int
main(uint64_t arg)
{
	if (arg != 0) {
		child(arg);
		return 0;
	}
	shppn = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT_EQ("shared page", sys_page_map(XOK_SELF, SHARED_VA,
	    (uint64_t)shppn, XOK_PTE_W, 0, 0), 0);
	setup();
	test_map_hostile();
	test_commit_visible();
	test_revoke();
	test_owner_dies();
	test_sharing();
	test_read_hostile();
	printf("xnmap: %d failures\n", failures);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
