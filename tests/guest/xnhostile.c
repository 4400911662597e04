/*
 * xnhostile.c: attacks on XN's principals and on the kernel's copy-outs
 * (issue 8, findings 6-9), on a fresh virtio disk (xnhostile.sh):
 *
 *  - forgery: a name whose 32-bit FNV-1a hash equals the victim's (the
 *    old principal) gets a principal of its own, and cannot write the
 *    victim's metadata or remove its root;
 *  - rights: a copy of the victim's name with no rights, or with R only,
 *    changes nothing in XN (XN_WRITE, XN_ROOT, XN_ROOT_REMOVE, ...);
 *  - XN_BC_REVOKED writes only the notices it returns, never the kernel
 *    stack (which a refused CAP_GRANT filled with a distinctive name);
 *  - names: two children spawned one after the other into the same
 *    environment slot get different names, outside the names their
 *    parent derives for itself, and the second can use neither the
 *    first's orphaned page nor its XN root, and no child controls its
 *    parent (init's guard is [1]);
 *  - exhaustion: a child that gives as many derived names as it can a
 *    principal gets a bounded share of XN's table, cache calls and
 *    XN_STAT give none, and another environment still gets one;
 *  - rights: W without R changes but cannot cache.
 *
 * Init (the root capability) plays the victim with capabilities it
 * derives; the children are this program again (arg 1 and 2).
 */
#include <exos/exos.h>
#include "check.h"
#include <xn/xn.h>

#define T_DIR 16
#define PROBE_V 500             /* roots, so that principals can be read */
#define PROBE_F 501
#define VICTIM 502
#define ORPHAN 510              /* the first child's root */
#define SHARED_VA 0x0000000500000000UL
#define MY_SH     0x0000000450000000UL
#define PAGE_VA   0x0000000400000000UL
#define VIEW_VA   0x0000000410000000UL
#define PLANT_VA  0x0000000420000000UL   /* nothing of init's there */
#define SECRET    0x5ec4e75ec4e75ec4ULL

#define XNE(e) (-(XE_XN - (e)))         /* kernel result for XN error e */

enum { S_V = 1, S_F, S_NONE, S_R, S_SCRATCH, S_W };  /* our capability slots */

/* The victim's name and a forger's name with the same FNV-1a hash (the
 * old principal: h = FNV(len, name bytes)), 0x3974982e; the forger's is
 * "A" plus five bytes, found by meeting in the middle in milliseconds. */
static const uint8_t vname[] = { 'V' };
static const uint8_t fname[] = { 'A', 0xb1, 0x4b, 0x03, 0x32, 0x7b };

static struct xok_xn_template tmpl;
static struct xok_xn_bcins bins[1];
static struct xok_xn_move mv;
static uint8_t init[4096];

/* The old principal of a name (what the kernel used before). */
static uint32_t
fnv_principal(const uint8_t *n, unsigned len)
{
	uint32_t h = 2166136261u;
	unsigned i;

	h = (h ^ len) * 16777619u;
	for (i = 0; i < len; i++)
		h = (h ^ n[i]) * 16777619u;
	return h ? h : 1;
}

static int64_t
grant(unsigned dst, const uint8_t *name, unsigned len, unsigned rights)
{
	struct xok_cap c;

	memset(&c, 0, sizeof(c));
	c.valid = 1, c.len = (uint8_t)len, c.rights = (uint8_t)rights;
	memcpy(c.name, name, len);
	return sys_cap_grant(XOK_SELF, 0, 0, dst, &c);
}

/* A "dir" (as xntest's): 16 data pointers at 0..63, its owner's
 * principal at 4092; acl-uf: only that principal.  The attacks write
 * at 64, outside the pointers, so only the acl-uf can refuse them. */
static void
make_template(struct xok_xn_template *t)
{
	const struct xn_insn owns[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 4, 16),
		XN_I(SHLI, 2, 1, 0, 2),
		XN_I(LD32, 3, 2, 0, 0),
		XN_I(JEQI, 3, 0, 1, 0),
		XN_I(EMIT1, 3, 0, 0, XN_TYPE_DATA),
		XN_I(LDI, 0, 0, 0, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	const struct xn_insn acl[] = {
		XN_I(LDI, 8, 0, 0, 0),
		XN_I(LD32, 7, 8, 0, 4092),
		XN_I(JEQ, 0, 7, 2, 0),
		XN_I(LDI, 9, 0, 0, 0),
		XN_I(RET, 9, 0, 0, 0),
		XN_I(LDI, 9, 0, 0, 1),
		XN_I(RET, 9, 0, 0, 0),
	};

	memset(t, 0, sizeof(*t));
	strncpy(t->name, "hostile.dir", sizeof(t->name) - 1);
	t->type = T_DIR;
	t->len[0] = sizeof(owns) / sizeof(owns[0]);
	t->len[1] = sizeof(acl) / sizeof(acl[0]);
	memcpy(t->code[0], owns, sizeof(owns));
	memcpy(t->code[1], acl, sizeof(acl));
}

/*
 * XN_WRITE_MANY checks each entry as XN_WRITE does, under the caller's
 * principal, and stops at the first refused: the forger's batch naming
 * the victim's block writes nothing; the victim's batch with the
 * forger's root in the middle writes only the entry before it.
 */
static void
test_write_many(uint32_t pv)
{
	static struct xok_xn_wr v[3];
	static uint8_t b[4096];
	uint32_t w0 = 0x11111111, w1 = 0x22222222, w2 = 0x33333333;

	memset(v, 0, sizeof(v));
	v[0].block = VICTIM, v[0].off = 128, v[0].len = 4;
	v[0].bytes = (uint64_t)&w0;
	v[0].result = 77;
	EXPECT_EQ("write many: the forger's batch of the victim's block",
	    sys_xn_write_many(S_F, v, 1), 0);
	EXPECT_EQ("  its result says why", v[0].result, XNE(XN_EACCES));
	v[1] = v[0], v[2] = v[0];
	v[1].block = PROBE_F, v[1].bytes = (uint64_t)&w1;
	v[2].off = 132, v[2].bytes = (uint64_t)&w2;
	v[0].result = v[1].result = v[2].result = 77;
	EXPECT_EQ("write many: the victim's, the forger's root in the middle",
	    sys_xn_write_many(S_V, v, 3), 1);
	EXPECT_EQ("  the first written", v[0].result, 0);
	EXPECT_EQ("  the forger's root refused", v[1].result, XNE(XN_EACCES));
	EXPECT_EQ("  the last not tried", v[2].result, 77);
	EXPECT("  the victim's block holds the first and not the last",
	    sys_xn_read(VICTIM, 1, b) == 0 && memcmp(b + 128, &w0, 4) == 0 &&
	    memcmp(b + 132, &w2, 4) != 0 && memcmp(b + 4092, &pv, 4) == 0);
	EXPECT("  the forger's root unchanged", sys_xn_read(PROBE_F, 1, b) ==
	    0 && memcmp(b + 128, &w1, 4) != 0);
}

/* Cache block with the principal of slot; the entry's owner, or 0. */
static uint32_t
cache_owner(unsigned slot, uint32_t block)
{
	struct xok_xn_bcinfo bi;
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);

	if (ppn < 0 || sys_xn_bc_insert(slot, block, (uint64_t)ppn, 0) < 0 ||
	    sys_xn_bc_lookup(block, &bi) < 0)
		return 0;
	return bi.owner;
}

/* Finding 6: a name whose old principal collides with the victim's. */
static uint32_t pv;

static void
test_forgery(void)
{
	uint32_t pf, word = 0x41414141;
	uint64_t out[2];

	EXPECT("the two names collide in the old principal",
	    fnv_principal(vname, sizeof(vname)) ==
	    fnv_principal(fname, sizeof(fname)));
	EXPECT_EQ("victim's name", grant(S_V, vname, sizeof(vname),
	    XOK_CAP_ALL), 0);
	EXPECT_EQ("forger's name", grant(S_F, fname, sizeof(fname),
	    XOK_CAP_ALL), 0);
	make_template(&tmpl);
	EXPECT_EQ("template", sys_xn_template(S_V, &tmpl), 0);

	/* each name's principal, read from a cache entry it made */
	EXPECT_EQ("victim's probe root", sys_xn_root(S_V, "probe-v", T_DIR,
	    PROBE_V, NULL), 0);
	EXPECT_EQ("forger's probe root", sys_xn_root(S_F, "probe-f", T_DIR,
	    PROBE_F, NULL), 0);
	pv = cache_owner(S_V, PROBE_V);
	pf = cache_owner(S_F, PROBE_F);
	EXPECT("principals read back", pv != 0 && pf != 0);
	EXPECT("the forged name has a principal of its own", pv != pf);
	EXPECT("no principal is the old hash",
	    pv != fnv_principal(vname, sizeof(vname)));

	/* the victim's root: only the victim may write it */
	memcpy(init + 4092, &pv, 4);
	EXPECT_EQ("victim's root", sys_xn_root(S_V, "victim", T_DIR, VICTIM,
	    init), 0);
	EXPECT("cached by the victim", cache_owner(S_V, VICTIM) == pv);
	EXPECT_EQ("forger writes the victim's metadata: refused",
	    sys_xn_write(S_F, VICTIM, 64, 4, &word), XNE(XN_EACCES));
	test_write_many(pv);
	EXPECT_EQ("write it back", sys_xn_writeback(VICTIM), 0);
	EXPECT_EQ("forger removes the victim's root: refused",
	    sys_xn_root_remove(S_F, "victim"), XNE(XN_EACCES));
	EXPECT_EQ("the victim's root is still there",
	    sys_xn_lookup("victim", out), 0);
}

/* Finding 7: the victim's name without W (no rights; R only). */
static void
test_rights(void)
{
	uint32_t word = 0x42424242, rv[4];
	struct xok_xn_change ch;
	struct xok_xn_bcinfo bi;
	uint64_t out[2];

	EXPECT_EQ("victim's name, no rights", grant(S_NONE, vname,
	    sizeof(vname), 0), 0);
	EXPECT_EQ("victim's name, read only", grant(S_R, vname,
	    sizeof(vname), XOK_CAP_R), 0);
	make_template(&tmpl);
	tmpl.type = T_DIR + 1;
	strncpy(tmpl.name, "hostile.dir2", sizeof(tmpl.name) - 1);
	EXPECT_EQ("template with no rights: refused",
	    sys_xn_template(S_NONE, &tmpl), -XE_PERM);
	EXPECT_EQ("template read-only: refused", sys_xn_template(S_R, &tmpl),
	    -XE_PERM);
	EXPECT_EQ("root with no rights: refused", sys_xn_root(S_NONE,
	    "r-none", T_DIR, VICTIM + 1, NULL), -XE_PERM);
	EXPECT_EQ("root read-only: refused", sys_xn_root(S_R, "r-ro",
	    T_DIR, VICTIM + 1, NULL), -XE_PERM);
	EXPECT_EQ("write with no rights: refused",
	    sys_xn_write(S_NONE, VICTIM, 64, 4, &word), -XE_PERM);
	EXPECT_EQ("write read-only: refused",
	    sys_xn_write(S_R, VICTIM, 64, 4, &word), -XE_PERM);
	memset(&ch, 0, sizeof(ch));
	ch.block = VICTIM, ch.off = 0, ch.len = 4;
	EXPECT_EQ("alloc with no rights: refused",
	    sys_xn_alloc(S_NONE, &ch), -XE_PERM);
	EXPECT_EQ("alloc read-only: refused", sys_xn_alloc(S_R, &ch),
	    -XE_PERM);
	EXPECT_EQ("free with no rights: refused", sys_xn_free(S_NONE, &ch),
	    -XE_PERM);
	EXPECT_EQ("free read-only: refused", sys_xn_free(S_R, &ch),
	    -XE_PERM);
	mv.from = ch;
	mv.to = PROBE_V;
	EXPECT_EQ("move read-only: refused", sys_xn_move(S_R, &mv),
	    -XE_PERM);
	EXPECT_EQ("move with no rights: refused", sys_xn_move(S_NONE, &mv),
	    -XE_PERM);
	EXPECT("the victim's block unchanged",
	    sys_xn_bc_lookup(VICTIM, &bi) == 0 &&
	    sys_page_map(XOK_SELF, VIEW_VA, bi.ppn, XOK_PTE_NX, 0, 0) == 0 &&
	    *(volatile uint32_t *)(VIEW_VA + 64) == 0);
	EXPECT_EQ("remove with no rights: refused",
	    sys_xn_root_remove(S_NONE, "victim"), -XE_PERM);
	EXPECT_EQ("remove read-only: refused",
	    sys_xn_root_remove(S_R, "victim"), -XE_PERM);
	EXPECT_EQ("the victim's root is still there",
	    sys_xn_lookup("victim", out), 0);
	EXPECT_EQ("cache with no rights: refused", sys_xn_bc_insert(S_NONE,
	    PROBE_F, (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0), 0), -XE_PERM);
	EXPECT_EQ("cache, the page's slot empty: refused",
	    sys_xn_bc_insert(S_R, PROBE_F, (uint64_t)sys_page_alloc(XOK_PPN_ANY,
	    0), 15), -XE_NOCAP);
	EXPECT_EQ("cache, the page's slot out of range: refused",
	    xok_call(XOK_SYS_XN_BC_INSERT, S_R, PROBE_F,
	    (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0), 1UL << 32, 0, 0),
	    -XE_NOCAP);
	EXPECT_EQ("evict with no rights: refused",
	    sys_xn_bc_evict(S_NONE, VICTIM), -XE_PERM);
	EXPECT_EQ("revoked with no rights: refused",
	    sys_xn_bc_revoked(S_NONE, &word, 1), -XE_PERM);
	/* W without R: may change (the acl-uf decides), may not cache */
	EXPECT_EQ("victim's name, write only", grant(S_W, vname,
	    sizeof(vname), XOK_CAP_W), 0);
	EXPECT_EQ("write with W only: the acl-uf decides",
	    sys_xn_write(S_W, PROBE_F, 64, 4, &word), XNE(XN_EACCES));
	EXPECT_EQ("write with W only: the victim's own block",
	    sys_xn_write(S_W, VICTIM, 68, 4, &word), 0);
	EXPECT_EQ("write it back", sys_xn_writeback(VICTIM), 0);
	EXPECT_EQ("cache with W only: refused", sys_xn_bc_insert(S_W,
	    PROBE_F, (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0), 0), -XE_PERM);
	EXPECT_EQ("cache many with W only: refused",
	    sys_xn_bc_insert_many(S_W, bins, 1, 0), -XE_PERM);
	EXPECT_EQ("cache many with no rights: refused",
	    sys_xn_bc_insert_many(S_NONE, bins, 1, 0), -XE_PERM);
	EXPECT_EQ("evict with W only: refused",
	    sys_xn_bc_evict(S_W, VICTIM), -XE_PERM);
	EXPECT_EQ("revoked with W only: refused",
	    sys_xn_bc_revoked(S_W, &word, 1), -XE_PERM);
	EXPECT_EQ("remove with W only: the owner may",
	    sys_xn_root_remove(S_W, "no-such-root"), XNE(XN_ENOENT));
	EXPECT_EQ("read-only may evict (a clean entry)",
	    sys_xn_bc_evict(S_R, VICTIM), 0);
	/* ... but it is not the victim: the victim sees the eviction, and
	 * the read-only copy cannot take the victim's notices */
	EXPECT_EQ("read-only collects none of the victim's notices",
	    sys_xn_bc_revoked(S_R, rv, 4), 0);
	EXPECT_EQ("the victim is told of the read-only copy's eviction",
	    sys_xn_bc_revoked(S_V, rv, 4), 1);
	EXPECT_EQ("of its block", rv[0], VICTIM);
	EXPECT("read-only may cache, as itself", cache_owner(S_R, VICTIM) ==
	    (0x80000000u | (uint32_t)xok_self()));
	EXPECT_EQ("the victim (W) writes its block",
	    sys_xn_write(S_V, VICTIM, 64, 4, &word), 0);
	EXPECT_EQ("write it back", sys_xn_writeback(VICTIM), 0);
	EXPECT_EQ("the victim removes its root",
	    sys_xn_root_remove(S_V, "victim"), 0);
}

/* XN_BC_REVOKED writes the n notices it returns and nothing else. */
static void
test_revoked_copyout(void)
{
	static uint32_t buf[XN_REVOKE_RING + 8];
	unsigned i, bad;
	int64_t n;
	struct xok_cap c;

	/* a notice for the victim: the forger evicts its clean entry */
	EXPECT_EQ("forger evicts the victim's clean entry",
	    sys_xn_bc_evict(S_F, PROBE_V), 0);
	/* a refused grant leaves a distinctive name on the kernel stack */
	memset(&c, 0, sizeof(c));
	c.valid = 1, c.len = 12, c.rights = XOK_CAP_ALL;
	memset(c.name, 0xee, sizeof(c.name));
	EXPECT_EQ("refused grant", sys_cap_grant(XOK_SELF, 0, S_V, S_SCRATCH,
	    &c), -XE_PERM);
	memset(buf, 0xa5, sizeof(buf));
	n = sys_xn_bc_revoked(S_V, buf, XN_REVOKE_RING);
	EXPECT_EQ("one notice", n, 1);
	EXPECT_EQ("for the evicted block", buf[0], PROBE_V);
	for (i = 1, bad = 0; i < XN_REVOKE_RING + 8; i++)
		bad += buf[i] != 0xa5a5a5a5u;
	EXPECT_EQ("REVOKED wrote nothing past its notices", bad, 0);

	EXPECT_EQ("refused grant again", sys_cap_grant(XOK_SELF, 0, S_V,
	    S_SCRATCH, &c), -XE_PERM);
	memset(buf, 0xa5, sizeof(buf));
	EXPECT_EQ("no notices left", sys_xn_bc_revoked(S_V, buf,
	    XN_REVOKE_RING), 0);
	for (i = 0, bad = 0; i < XN_REVOKE_RING + 8; i++)
		bad += buf[i] != 0xa5a5a5a5u;
	EXPECT_EQ("REVOKED with nothing to say wrote nothing", bad, 0);
	EXPECT_EQ("REVOKED on a kernel address", sys_xn_bc_revoked(S_V,
	    (uint32_t *)0xffff800000000000UL, 4), -XE_FAULT);
}

/* ---- children: the same program, arg 1 and 2 ------------------------- */

#define SH(i) (((volatile uint64_t *)SHARED_VA)[i])
#define MS(i) (((volatile uint64_t *)MY_SH)[i])
/* shared words: 0,1 the child's capability; 2 first child's page;
 * 3 second child's map result; 4 its root-remove result; 5 first
 * child's root result; 6 its page result; 7 set by init once it maps
 * the first child's page too (so that the page outlives the child, an
 * orphan guarded by its name); 63 done */

/* Child 3: take as much of the principal table as one environment can,
 * by giving names derived from its own an entry (XN_WRITE gives one
 * before it looks at its arguments).  Shared words: 10 its principal
 * before it asks for one; 11 how many names it gave; 12 an R call with
 * yet another name; 13 its principal when it asks (share used up). */
static void
exhaust(const struct xok_cap *me)
{
	struct xok_xn_stat st;
	struct xok_cap c;
	uint32_t word = 0;
	int64_t r;
	unsigned i;

	sys_xn_stat(&st);
	SH(10) = st.principal;
	c = *me;
	c.len = (uint8_t)(me->len + 2);
	for (i = 0; i < XN_MAX_PRINCIPALS + 8; i++) {
		c.name[me->len] = (uint8_t)i, c.name[me->len + 1] =
		    (uint8_t)(0x80 | (i >> 8));
		if (sys_cap_grant(XOK_SELF, 0, 0, S_SCRATCH, &c) < 0)
			break;
		r = sys_xn_write(S_SCRATCH, 0, 0, 0, &word);
		if (r == XNE(XN_ENOSPC))
			break;
	}
	SH(11) = i;
	c.name[me->len] = 0xff, c.name[me->len + 1] = 0xff;
	sys_cap_grant(XOK_SELF, 0, 0, S_SCRATCH, &c);
	SH(12) = (uint64_t)sys_xn_bc_evict(S_SCRATCH, PROBE_V);
	sys_xn_stat_give(&st);
	SH(13) = st.principal;
}

static void
child(uint64_t arg)
{
	struct xok_cap me;
	int64_t ppn, r;

	sys_cap_get(0, &me);
	memcpy((void *)&SH(0), &me, sizeof(me));
	/* our name must give us no control of our parent (init's guard is
	 * [1]): plant a read-only page of ours in it */
	ppn = sys_page_alloc(XOK_PPN_ANY, 0);
	SH(14) = (uint64_t)(ppn < 0 ? ppn : sys_page_map(
	    XOK_INFO->envs[XOK_ENVX(xok_self())].parent, PLANT_VA,
	    (uint64_t)ppn, XOK_PTE_NX, 0, 0));
	if (arg == 3) {
		exhaust(&me);
	} else if (arg == 1) {
		ppn = sys_page_alloc(XOK_PPN_ANY, 0);
		r = ppn < 0 ? ppn : sys_page_map(XOK_SELF, PAGE_VA,
		    (uint64_t)ppn, XOK_PTE_W, 0, 0);
		if (r == 0)
			*(volatile uint64_t *)PAGE_VA = SECRET;
		SH(6) = (uint64_t)r;
		SH(5) = (uint64_t)sys_xn_root(0, "orphan", T_DIR, ORPHAN,
		    NULL);
		SH(2) = (uint64_t)ppn;
		for (r = 0; r < 100000 && !SH(7); r++)
			sys_yield(XOK_SELF);
	} else {
		r = sys_page_map(XOK_SELF, PAGE_VA, SH(2), 0, 0, 0);
		SH(3) = (uint64_t)r;
		if (r == 0 && *(volatile uint64_t *)PAGE_VA == SECRET)
			SH(3) = 1;      /* read the first child's secret */
		SH(4) = (uint64_t)sys_xn_root_remove(0, "orphan");
	}
	SH(63) = 1;
}

static int
dead(int64_t c)
{
	const volatile struct xok_env_info *ei = &XOK_INFO->envs[XOK_ENVX(c)];

	return ei->id != (uint64_t)c || ei->state == XOK_ENV_FREE;
}

/* Spawn this program with arg, sharing our page shppn (mapped at ms
 * here); wait until it is gone. */
static int64_t
run_child(uint64_t arg, int64_t shppn, volatile uint64_t *ms)
{
	struct exos_spawn sp = { .arg = arg, .slices = 1, .start = 0 };
	uint64_t size;
	int64_t c;
	int i;

	sp.image = exos_module("xnhostile.elf", &size);
	sp.size = size;
	if (sp.image == NULL || (c = exos_spawn(&sp)) < 0)
		return -1;
	ms[63] = ms[7] = 0;
	if (arg == 1)
		ms[2] = 0;      /* the second child gets the first's page */
	sys_page_map((uint64_t)c, SHARED_VA, (uint64_t)shppn, XOK_PTE_W, 0, 0);
	sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
	for (i = 0; i < 100000 && (!ms[63] || !dead(c)); i++) {
		if (arg == 1 && ms[2] != 0 && !ms[7]) {
			sys_page_map(XOK_SELF, VIEW_VA + 0x1000, ms[2],
			    XOK_PTE_NX, 0, 0);
			ms[7] = 1;
		}
		sys_yield(XOK_SELF);
	}
	return c;
}

static void
test_name_reuse(void)
{
	struct xok_cap n1, n2, mine;
	int64_t sh, c1, c2;

	sh = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT_EQ("shared page", sys_page_map(XOK_SELF, MY_SH, (uint64_t)sh,
	    XOK_PTE_W, 0, 0), 0);
	c1 = run_child(1, sh, &MS(0));
	EXPECT("first child ran and died", c1 > 0 && MS(63) == 1 && dead(c1));
	memcpy(&n1, (const void *)&MS(0), sizeof(n1));
	EXPECT_EQ("first child's page", MS(6), 0);
	EXPECT_EQ("first child maps a page into its parent: refused",
	    MS(14), -XE_PERM);
	EXPECT_EQ("first child's root", MS(5), 0);
	EXPECT("its page outlives it, an orphan",
	    XOK_PAGES[MS(2)].flags & XOK_PG_ORPHAN);
	MS(3) = MS(4) = 0x77;
	c2 = run_child(2, sh, &MS(0));
	EXPECT("second child ran and died", c2 > 0 && MS(63) == 1 && dead(c2));
	memcpy(&n2, (const void *)&MS(0), sizeof(n2));
	EXPECT_EQ("second child maps a page into its parent: refused",
	    MS(14), -XE_PERM);
	EXPECT("the second child took the first one's slot",
	    XOK_ENVX(c1) == XOK_ENVX(c2));
	EXPECT("the two children's names differ", n1.valid && n2.valid &&
	    (n1.len != n2.len || memcmp(n1.name, n2.name, n1.len) != 0));
	EXPECT("neither name dominates the other", n1.len > 0 && n2.len > 0 &&
	    memcmp(n1.name, n2.name, n1.len < n2.len ? n1.len : n2.len) != 0);
	/* our own derived names ('V', the victim's, is one) start below
	 * 0x80; a child's never does, so no child of ours (the 86th, with a
	 * plain counter) is ever named 'V' */
	sys_cap_get(0, &mine);
	EXPECT("a child's name is not one its parent derives for itself",
	    n1.len > mine.len && n2.len > mine.len &&
	    n1.name[mine.len] >= 0x80 && n1.name[mine.len] <= 0xbf &&
	    n2.name[mine.len] >= 0x80 && n2.name[mine.len] <= 0xbf);
	EXPECT("the orphan is still there", MS(2) != 0 &&
	    XOK_PAGES[MS(2)].owner != 0 &&
	    (XOK_PAGES[MS(2)].flags & XOK_PG_ORPHAN));
	EXPECT_EQ("second child maps the first's orphaned page: refused",
	    MS(3), -XE_PERM);
	EXPECT_EQ("second child removes the first's root: refused",
	    MS(4), XNE(XN_EACCES));
}

/* One environment (and names it derives) cannot take the principal
 * table from the others: it gives at most its share of entries, calls
 * that only cache give none, and another environment still gets one. */
static void
test_exhaustion(void)
{
	static const uint8_t late[] = { 'L', 'a', 't', 'e' };
	volatile uint64_t *ms = (volatile uint64_t *)(MY_SH + 0x1000);
	int64_t sh, c;

	sh = sys_page_alloc(XOK_PPN_ANY, 0);
	EXPECT_EQ("shared page", sys_page_map(XOK_SELF, MY_SH + 0x1000,
	    (uint64_t)sh, XOK_PTE_W, 0, 0), 0);
	c = run_child(3, sh, ms);
	EXPECT("exhausting child ran and died", c > 0 && dead(c));
	EXPECT_EQ("third child maps a page into its parent: refused",
	    ms[14], -XE_PERM);
	EXPECT_EQ("XN_STAT gives no principal unasked", ms[10], 0);
	EXPECT("one environment gives a bounded share", ms[11] > 0 &&
	    ms[11] <= 16);
	EXPECT("a cache call with a new name takes no entry",
	    (int64_t)ms[12] != XNE(XN_ENOSPC) && (int64_t)ms[12] !=
	    -XE_PERM);
	EXPECT_EQ("its share used up: no principal when it asks", ms[13], 0);
	EXPECT_EQ("a new name elsewhere", grant(S_SCRATCH, late, sizeof(late),
	    XOK_CAP_ALL), 0);
	EXPECT_EQ("another environment still gets a principal",
	    sys_xn_root(S_SCRATCH, "late", T_DIR, VICTIM + 2, NULL), 0);
}

int
main(uint64_t arg)
{
	if (arg == 1 || arg == 2 || arg == 3) {
		child(arg);
		return 0;
	}
	EXPECT_EQ("xn_format", sys_xn_format(0), 0);
	test_forgery();
	test_rights();
	test_revoked_copyout();
	test_name_reuse();
	test_exhaustion();
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
