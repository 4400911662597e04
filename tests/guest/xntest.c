/*
 * xntest.c: XN through the real kernel calls on a virtio disk.  Init is
 * a well-behaved library file system; it spawns a hostile one (a copy of
 * this program with another capability, so another principal) that
 * tries every attack.  Booted twice on the same disk image by
 * xntest.sh: phase 1 formats, builds and attacks; phase 2 (after the VM
 * powered off) checks that the good data survived.
 *
 * The test format: a "dir" block (type 16) holds 16 block numbers at
 * offsets 0..63 (0 = empty, else a data block it owns) and its owner's
 * principal at offset 4092; only that principal may change it or write
 * its data blocks.
 */
#include <exos/exos.h>
#include "check.h"
#include <xn/xn.h>

#define T_DIR 16
#define R_BLK 300               /* the good root */
#define D_BLK 301               /* its data block */
#define E_BLK 400               /* the hostile root */
#define SHARED_VA 0x0000000500000000UL
#define SH ((volatile int64_t *)SHARED_VA)
#define MSG "hello, persistent world"


#define XNE(e) (-(XE_XN - (e)))         /* kernel result for XN error e */

static struct xok_xn_template tmpl;
static struct xok_xn_change ch;
static struct xok_xn_move mv;

/* Move block b from `from` (entry 0) to `to` (entry 0). */
static void
set_move(uint32_t from, uint32_t to, uint32_t b)
{
	uint32_t zero = 0;

	memset(&mv, 0, sizeof(mv));
	mv.from.block = from, mv.from.off = 0, mv.from.len = 4;
	memcpy(mv.from.bytes, &zero, 4);
	mv.to = to, mv.off2 = 0, mv.len2 = 4;
	memcpy(mv.bytes2, &b, 4);
	mv.from.nclaims = 1;
	mv.from.claims[0].block = b, mv.from.claims[0].type = XN_TYPE_DATA;
}

static void
make_template(struct xok_xn_template *t)
{
	const struct xn_insn owns[] = {
		XN_I(LOOP, 1, XN_UDF_NOREG, 4, 16),     /* r1 = 0..15 */
		XN_I(SHLI, 2, 1, 0, 2),
		XN_I(LD32, 3, 2, 0, 0),
		XN_I(JEQI, 3, 0, 1, 0),
		XN_I(EMIT1, 3, 0, 0, XN_TYPE_DATA),
		XN_I(LDI, 0, 0, 0, 0),
		XN_I(RET, 0, 0, 0, 0),
	};
	const struct xn_insn acl[] = {
		XN_I(LDI, 8, 0, 0, 0),
		XN_I(LD32, 7, 8, 0, 4092),              /* the owner */
		XN_I(JEQ, 0, 7, 2, 0),                  /* r0: the principal */
		XN_I(LDI, 9, 0, 0, 0),
		XN_I(RET, 9, 0, 0, 0),
		XN_I(LDI, 9, 0, 0, 1),
		XN_I(RET, 9, 0, 0, 0),
	};

	memset(t, 0, sizeof(*t));
	strncpy(t->name, "test.dir", sizeof(t->name) - 1);
	t->type = T_DIR;
	t->len[0] = sizeof(owns) / sizeof(owns[0]);
	t->len[1] = sizeof(acl) / sizeof(acl[0]);
	memcpy(t->code[0], owns, sizeof(owns));
	memcpy(t->code[1], acl, sizeof(acl));
}

static uint32_t
my_principal(void)
{
	struct xok_xn_stat st;

	sys_xn_stat(&st);
	return st.principal;
}

/* A page of ours, unmapped, to hand to XN's cache; then map it RO. */
static int64_t
cache_block(uint32_t block, uint64_t va, int64_t *err)
{
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);

	*err = sys_xn_bc_insert(0, block, (uint64_t)ppn, 0);
	if (*err == 0)
		sys_page_map(XOK_SELF, va, (uint64_t)ppn, 0, 0, 0);
	return ppn;
}

static void
set_change(uint32_t block, uint32_t off, uint32_t val, uint32_t claim,
    uint32_t type)
{
	memset(&ch, 0, sizeof(ch));
	ch.block = block, ch.off = off, ch.len = 4;
	memcpy(ch.bytes, &val, 4);
	ch.nclaims = claim ? 1 : 0;
	ch.claims[0].block = claim, ch.claims[0].type = type;
}

/* ---- the hostile library file system --------------------------------- */

static void
hostile(void)
{
	static uint8_t init[4096];
	uint32_t me = my_principal(), evil = 0x0badf00d;
	struct xok_xn_bcinfo bi;
	int64_t err;
	int i = 0;

	SH[i++] = sys_xn_write(0, R_BLK, 0, 4, &evil);           /* 0 */
	SH[i++] = sys_xn_write(0, D_BLK, 0, 4, "evil");          /* 1 */
	SH[i++] = sys_xn_root(0, "evil", T_DIR, D_BLK, NULL);    /* 2 */
	SH[i++] = sys_xn_root(0, "good", T_DIR, 450, NULL);      /* 3 */
	memcpy(init + 4092, &me, 4);
	SH[i++] = sys_xn_root(0, "evil", T_DIR, E_BLK, init);    /* 4 */
	cache_block(E_BLK, 0x0000000600000000UL, &err);
	SH[i++] = err;                                           /* 5 */
	set_change(E_BLK, 0, D_BLK, D_BLK, XN_TYPE_DATA);
	SH[i++] = sys_xn_alloc(0, &ch);      /* 6: claim the good's block */
	set_change(E_BLK, 0, 402, 403, XN_TYPE_DATA);
	SH[i++] = sys_xn_alloc(0, &ch);      /* 7: claim not what it shows */
	set_change(E_BLK, 0, 1u << 20, 1u << 20, XN_TYPE_DATA);
	SH[i++] = sys_xn_alloc(0, &ch);      /* 8: out of range */
	set_change(R_BLK, 0, 0, D_BLK, XN_TYPE_DATA);
	SH[i++] = sys_xn_free(0, &ch);       /* 9: free the good's block */
	SH[i++] = sys_xn_root_remove(0, "good");                 /* 10 */
	SH[i++] = sys_xn_bc_lookup(R_BLK, &bi);                  /* 11 */
	SH[i++] = sys_page_map(XOK_SELF, 0x0000000610000000UL, bi.ppn,
	    XOK_PTE_W, 0, 0);                /* 12: write-map the cache */
	SH[i++] = sys_page_map(XOK_SELF, 0x0000000610000000UL, bi.ppn, 0,
	    0, 0);                           /* 13: read-map it */
	SH[i++] = *(volatile uint32_t *)0x0000000610000000UL;    /* 14 */
	SH[i++] = sys_page_free(bi.ppn, 0);  /* 15: free the cache page */
	SH[i++] = sys_xn_format(0);                              /* 16 */
	SH[i++] = sys_xn_alloc(0, (void *)0xffffffff80000000UL); /* 17 */
	SH[i++] = sys_xn_writeback(450);     /* 18: not cached */
	make_template(&tmpl);
	strncpy(tmpl.name, "evil.loop", sizeof(tmpl.name) - 1);
	tmpl.type = 17;
	tmpl.code[0][1] = (struct xok_xn_insn){ XN_OP_JMP, 0, 0, 0xff, 0 };
	SH[i++] = sys_xn_template(0, &tmpl); /* 19: jump out of the code */
	tmpl.code[0][1] = (struct xok_xn_insn){ 0xee, 0, 0, 0, 0 };
	SH[i++] = sys_xn_template(0, &tmpl); /* 20: unknown opcode */
	tmpl.len[0] = 500;
	SH[i++] = sys_xn_template(0, &tmpl); /* 21: too long */
	set_move(R_BLK, E_BLK, D_BLK);
	SH[i++] = sys_xn_move(0, &mv);       /* 22: steal by moving */
	SH[i++] = sys_xn_bc_evict(0, R_BLK); /* 23: evict the good's clean
						entry (allowed, and told) */
	SH[i++] = sys_page_unmap(XOK_SELF, 0x0000000610000000UL, 0);
					     /* 24: its view of it went too */
	SH[63] = 1;                          /* done */
}

/* ---- the well-behaved one ---------------------------------------------- */

static const char *
phase_arg(void)
{
	const char *s = (const char *)XOK_INFO->modules[0].name;

	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void
phase1(void)
{
	static uint8_t init[4096];
	uint32_t me, d = D_BLK;
	struct xok_xn_stat st;
	const char *rv;
	int64_t err, child, ppn, sh;
	uint64_t size;
	struct exos_spawn sp = { .arg = 1, .slices = 1, .start = 0 };

	EXPECT_EQ("xn_stat", sys_xn_stat(&st), 0);
	EXPECT("fresh disk is not mounted", st.mounted == 0 &&
	    st.nblocks == 4096);
	EXPECT_EQ("xn call before format", sys_xn_sync(), -XE_NODEV);
	{
		struct xok_xn_blockinfo bi;

		EXPECT_EQ("block info before format", sys_xn_block_info(R_BLK,
		    &bi), -XE_NODEV);
	}
	EXPECT_EQ("xn_format", sys_xn_format(0), 0);
	sys_xn_stat(&st);
	EXPECT("mounted after format", st.mounted == 1);
	me = st.principal;

	make_template(&tmpl);
	EXPECT_EQ("template register", sys_xn_template(0, &tmpl), 0);
	EXPECT_EQ("template again", sys_xn_template(0, &tmpl), XNE(XN_EEXIST));
	EXPECT_EQ("template bad pointer", sys_xn_template(0, (void *)16),
	    -XE_FAULT);

	memcpy(init + 4092, &me, 4);
	EXPECT_EQ("root install", sys_xn_root(0, "good", T_DIR, R_BLK, init), 0);
	cache_block(R_BLK, 0x0000000400000000UL, &err);
	EXPECT_EQ("cache the root", err, 0);
	EXPECT("cached root reads our owner field",
	    *(volatile uint32_t *)(0x0000000400000000UL + 4092) == me);
	set_change(R_BLK, 0, D_BLK, D_BLK, XN_TYPE_DATA);
	EXPECT_EQ("alloc by proof", sys_xn_alloc(0, &ch), 0);
	EXPECT("cache shows the new pointer",
	    *(volatile uint32_t *)0x0000000400000000UL == d);
	cache_block(D_BLK, 0x0000000400001000UL, &err);
	EXPECT_EQ("cache the fresh data block", err, 0);
	EXPECT_EQ("write the data block", sys_xn_write(0, D_BLK, 0,
	    sizeof(MSG), MSG), 0);
	EXPECT_EQ("parent before child: refused", sys_xn_writeback(R_BLK),
	    XNE(XN_EORDER));
	{
		static uint32_t wl[XOK_XN_WB_MAX + 1];
		uint32_t done = 77;

		wl[0] = R_BLK, wl[1] = D_BLK;
		EXPECT_EQ("writeback_many: kernel pointer",
		    sys_xn_writeback_many((void *)0xffffffff80000000UL, 2,
		    &done), -XE_FAULT);
		EXPECT_EQ("writeback_many: unmapped pointer",
		    sys_xn_writeback_many((void *)16, 2, &done), -XE_FAULT);
		EXPECT_EQ("writeback_many: bad done pointer",
		    sys_xn_writeback_many(wl, 2, (void *)16), -XE_FAULT);
		EXPECT_EQ("writeback_many: too many blocks",
		    sys_xn_writeback_many(wl, XOK_XN_WB_MAX + 1, &done),
		    -XE_INVAL);
		EXPECT_EQ("writeback_many: n >= 2^32",
		    xok_call(XC(XN_WRITEBACK_MANY), (uint64_t)wl,
		    1ULL << 32 | 2, 0, 0, 0, 0), -XE_INVAL);
		wl[2] = 1u << 20;
		EXPECT_EQ("writeback_many: block past the disk",
		    sys_xn_writeback_many(wl, 3, &done), XNE(XN_ERANGE));
		wl[2] = 3;
		EXPECT_EQ("writeback_many: block in XN's area",
		    sys_xn_writeback_many(wl, 3, &done), XNE(XN_ERANGE));
		wl[2] = 450;
		EXPECT_EQ("writeback_many: block not cached",
		    sys_xn_writeback_many(wl, 3, &done), XNE(XN_ENOTCACHED));
		EXPECT("writeback_many: refusals write nothing", done == 0);
		EXPECT_EQ("writeback_many: parent held without its child",
		    sys_xn_writeback_many(wl, 1, &done), XNE(XN_EORDER));
		EXPECT("writeback_many: nothing written", done == 0);
		EXPECT_EQ("writeback_many: child then parent",
		    sys_xn_writeback_many(wl, 2, &done), 0);
		EXPECT("writeback_many: both written", done == 2);
		EXPECT_EQ("writeback_many: empty list",
		    sys_xn_writeback_many(NULL, 0, NULL), 0);
	}
	EXPECT_EQ("write back child", sys_xn_writeback(D_BLK), 0);
	EXPECT_EQ("then parent", sys_xn_writeback(R_BLK), 0);
	EXPECT_EQ("sync", sys_xn_sync(), 0);

	/* rename-like move to a second directory and back */
	memcpy(init + 4092, &me, 4);
	EXPECT_EQ("second root", sys_xn_root(0, "good2", T_DIR, 310, init), 0);
	cache_block(310, 0x0000000400002000UL, &err);
	EXPECT_EQ("cache it", err, 0);
	set_move(R_BLK, 310, D_BLK);
	EXPECT_EQ("move a block between directories", sys_xn_move(0, &mv), 0);
	EXPECT("both caches show the move",
	    *(volatile uint32_t *)0x0000000400000000UL == 0 &&
	    *(volatile uint32_t *)0x0000000400002000UL == d);
	EXPECT_EQ("destination before source: refused",
	    sys_xn_writeback(310), XNE(XN_EORDER));
	set_move(310, R_BLK, D_BLK);
	memcpy(mv.from.bytes, &d, 4);        /* the source still points to it */
	EXPECT_EQ("move claiming a block the source keeps: refused",
	    sys_xn_move(0, &mv), XNE(XN_EPROOF));
	set_move(310, R_BLK, D_BLK);
	EXPECT_EQ("move it back", sys_xn_move(0, &mv), 0);
	EXPECT_EQ("write back after moving back", sys_xn_writeback(R_BLK), 0);
	EXPECT_EQ("and the other", sys_xn_writeback(310), 0);

	/* the hostile one */
	sp.image = exos_module("xntest.elf", &size);
	sp.size = size;
	child = exos_spawn(&sp);
	EXPECT("spawn the hostile libFS", child > 0);
	ppn = sys_page_alloc(XOK_PPN_ANY, 0);
	sys_page_map(XOK_SELF, 0x0000000450000000UL, (uint64_t)ppn, XOK_PTE_W,
	    0, 0);
	sys_page_map((uint64_t)child, SHARED_VA, (uint64_t)ppn, XOK_PTE_W, 0, 0);
	sh = 0x0000000450000000L;
	sys_env_set_status((uint64_t)child, 0, XOK_ENV_RUNNABLE);
	for (err = 0; err < 3000 && !((volatile int64_t *)sh)[63]; err++)
		sys_yield(XOK_SELF);
#define H(i) (((volatile int64_t *)sh)[i])
	EXPECT("hostile libFS finished", H(63) == 1);
	EXPECT_EQ("hostile: write our metadata", H(0), XNE(XN_EACCES));
	EXPECT_EQ("hostile: write our data block", H(1), XNE(XN_EACCES));
	EXPECT_EQ("hostile: root on our block", H(2), XNE(XN_EINUSE));
	EXPECT_EQ("hostile: root with our name", H(3), XNE(XN_EEXIST));
	EXPECT_EQ("hostile: its own root", H(4), 0);
	EXPECT_EQ("hostile: caches its root", H(5), 0);
	EXPECT_EQ("hostile: claim our block", H(6), XNE(XN_EINUSE));
	EXPECT_EQ("hostile: claim what it does not point to", H(7),
	    XNE(XN_EPROOF));
	EXPECT_EQ("hostile: claim out of range", H(8), XNE(XN_ERANGE));
	EXPECT_EQ("hostile: free our block", H(9), XNE(XN_EACCES));
	EXPECT_EQ("hostile: remove our root", H(10), XNE(XN_EACCES));
	EXPECT_EQ("hostile: finds the shared cache page", H(11), 0);
	EXPECT_EQ("hostile: cannot map it writable", H(12), -XE_PERM);
	EXPECT_EQ("hostile: may map it read-only", H(13), 0);
	EXPECT_EQ("hostile: reads the shared block", H(14), D_BLK);
	EXPECT_EQ("hostile: cannot free the cache page", H(15), -XE_PERM);
	EXPECT_EQ("hostile: format", H(16), -XE_PERM);
	EXPECT_EQ("hostile: kernel pointer", H(17), -XE_FAULT);
	EXPECT_EQ("hostile: write back uncached", H(18), XNE(XN_ENOTCACHED));
	EXPECT_EQ("hostile: UDF jumping out", H(19), XNE(XN_EUDFJUMP));
	EXPECT_EQ("hostile: UDF bad opcode", H(20), XNE(XN_EUDFOP));
	EXPECT_EQ("hostile: UDF too long", H(21), -XE_INVAL);
	EXPECT_EQ("hostile: steal a block by moving it", H(22),
	    XNE(XN_EACCES));
	EXPECT_EQ("hostile: evicts our clean cache entry", H(23), 0);
	EXPECT_EQ("hostile: its read-only view is gone with it", H(24),
	    -XE_NOENT);
	{
		uint32_t rv_blocks[8];
		struct xok_xn_bcinfo bi;

		EXPECT_EQ("we are told: one revoked entry", sys_xn_bc_revoked(0,
		    rv_blocks, 8), 1);
		EXPECT_EQ("...for our root block", rv_blocks[0], R_BLK);
		EXPECT_EQ("notices are collected once", sys_xn_bc_revoked(0,
		    rv_blocks, 8), 0);
		EXPECT_EQ("revoked: bad buffer", sys_xn_bc_revoked(0,
		    (void *)0xffff800000000000UL, 8), -XE_FAULT);
		EXPECT_EQ("the block is no longer cached",
		    sys_xn_bc_lookup(R_BLK, &bi), XNE(XN_ENOENT));
		sys_page_unmap(XOK_SELF, 0x0000000400000000UL, 0);
		cache_block(R_BLK, 0x0000000400000000UL, &err);
		EXPECT_EQ("cache it again", err, 0);
	}
#undef H
	rv = (const char *)0x0000000400001000UL;
	EXPECT("good data intact", memcmp(rv, MSG, sizeof(MSG)) == 0);
	EXPECT("good pointer intact",
	    *(volatile uint32_t *)0x0000000400000000UL == d);

	/* XN_BLOCK_INFO: XN's state of a block, and hostile arguments */
	{
		struct xok_xn_blockinfo bi;

		EXPECT_EQ("block info: data block", sys_xn_block_info(D_BLK,
		    &bi), 0);
		EXPECT("...data, allocated, written, under the root block",
		    bi.type == XN_TYPE_DATA && bi.flags == XN_BS_ALLOC &&
		    bi.parent == R_BLK && bi.nchild == 0);
		EXPECT_EQ("block info: root block", sys_xn_block_info(R_BLK,
		    &bi), 0);
		EXPECT("...our type, a root, one child", bi.type == T_DIR &&
		    bi.parent == XN_PARENT_ROOT && bi.nchild == 1);
		EXPECT_EQ("block info: free block", sys_xn_block_info(350,
		    &bi), 0);
		EXPECT("...type 0, no flags", bi.type == 0 && bi.flags == 0);
		EXPECT_EQ("block info: out of range", sys_xn_block_info(1u << 20,
		    &bi), XNE(XN_ERANGE));
		EXPECT_EQ("block info: block number above 32 bits",
		    xok_call(XOK_SYS_XN_BLOCK_INFO, 1UL << 32, (uint64_t)&bi,
		    0, 0, 0, 0), -XE_INVAL);
		EXPECT_EQ("block info: kernel pointer", sys_xn_block_info(R_BLK,
		    (void *)0xffffffff80000000UL), -XE_FAULT);
		EXPECT_EQ("block info: unmapped pointer", sys_xn_block_info(
		    R_BLK, (void *)16), -XE_FAULT);
		EXPECT_EQ("block info: read-only pointer", sys_xn_block_info(
		    R_BLK, (void *)0x0000000400000000UL), -XE_FAULT);
	}

	/* XN's exported state (XOK_XN_VA) says what the calls say */
	{
		const struct xn_bstate *xs =
		    (const struct xn_bstate *)XOK_XN_VA;
		const struct xn_bc_entry *xb = (const struct xn_bc_entry *)
		    (XOK_XN_VA + XOK_INFO->xn.bc_off);
		struct xok_xn_blockinfo bi;
		struct xok_xn_bcinfo ci;
		uint32_t k, same = 1;

		EXPECT("export: mounted, the disk's size",
		    XOK_INFO->xn.mounted == 1 && XOK_INFO->xn.nblocks > R_BLK &&
		    XOK_INFO->xn.bc_slots > 0);
		for (k = 0; k < 400 && k < XOK_INFO->xn.nblocks; k++) {
			if (sys_xn_block_info(k, &bi) != 0 ||
			    bi.type != xs[k].type || bi.flags != xs[k].flags ||
			    bi.parent != xs[k].parent ||
			    bi.nchild != xs[k].nchild)
				same = 0;
		}
		EXPECT("export: blocks 0-399 as XN_BLOCK_INFO says", same);
		EXPECT_EQ("export: our root block is cached",
		    sys_xn_bc_lookup(R_BLK, &ci), 0);
		k = xs[R_BLK].bcslot;
		EXPECT("export: its registry entry as XN_BC_LOOKUP says",
		    k >= 1 && k <= XOK_INFO->xn.bc_slots &&
		    xb[k - 1].block == R_BLK && xb[k - 1].state == ci.state &&
		    xb[k - 1].owner == ci.owner &&
		    ((uint64_t)xb[k - 1].page - XOK_KERNEL_DIRECT) / 4096 ==
		    ci.ppn);
		EXPECT("export: a free block is not cached",
		    xs[350].bcslot == 0);
		EXPECT_EQ("export: read-only", sys_xn_block_info(R_BLK,
		    (void *)XOK_XN_VA), -XE_FAULT);
	}

	/* freeing a cached block gives its cache page back to its owner */
	{
		int64_t p;

		set_change(R_BLK, 4, 302, 302, XN_TYPE_DATA);
		EXPECT_EQ("alloc a second data block", sys_xn_alloc(0, &ch), 0);
		p = cache_block(302, 0x0000000400003000UL, &err);
		EXPECT_EQ("cache it", err, 0);
		set_change(R_BLK, 4, 0, 302, XN_TYPE_DATA);
		EXPECT_EQ("free it", sys_xn_free(0, &ch), 0);
		EXPECT("its cache page is no longer XN's",
		    !(XOK_PAGES[p].flags & XOK_PG_XN));
		sys_page_unmap(XOK_SELF, 0x0000000400003000UL, 0);
		EXPECT_EQ("and its owner can free it", sys_page_free(
		    (uint64_t)p, 0), 0);
	}
	EXPECT_EQ("sync again", sys_xn_sync(), 0);

	/* Reformatting a scratch copy is not possible on one disk, so check
	 * the bookkeeping instead: our cache pages are flagged XN, not free. */
	{
		struct xok_xn_bcinfo bi;

		sys_xn_bc_lookup(D_BLK, &bi);
		EXPECT("cache page flagged in the exported page table",
		    (XOK_PAGES[bi.ppn].flags & XOK_PG_XN) != 0);
		EXPECT_EQ("cache page cannot be freed by its owner",
		    sys_page_free(bi.ppn, 0), -XE_BUSY);
	}
}

static void
phase2(void)
{
	struct xok_xn_stat st;
	uint64_t out[2];
	int64_t err;

	EXPECT_EQ("xn_stat after reboot", sys_xn_stat(&st), 0);
	EXPECT("mounted at boot", st.mounted == 1);
	EXPECT("templates and roots persisted", st.templates == 1 &&
	    st.roots == 3);
	EXPECT("recovery found the tree", st.reachable == 4);
	EXPECT_EQ("lookup good", sys_xn_lookup("good", out), 0);
	EXPECT("good root block and type", out[0] == R_BLK && out[1] == T_DIR);
	EXPECT_EQ("lookup missing", sys_xn_lookup("nope", out),
	    XNE(XN_ENOENT));
	cache_block(R_BLK, 0x0000000400000000UL, &err);
	EXPECT_EQ("cache the root", err, 0);
	EXPECT("pointer survived the reboot",
	    *(volatile uint32_t *)0x0000000400000000UL == D_BLK);
	cache_block(D_BLK, 0x0000000400001000UL, &err);
	EXPECT_EQ("cache the data block", err, 0);
	EXPECT("data survived the reboot", memcmp((const void *)
	    0x0000000400001000UL, MSG, sizeof(MSG)) == 0);

	/* reformat: XN's cache pages go back to their owners */
	{
		struct xok_xn_bcinfo bi;

		sys_xn_bc_lookup(D_BLK, &bi);
		EXPECT_EQ("reformat", sys_xn_format(0), 0);
		EXPECT("cache page released", !(XOK_PAGES[bi.ppn].flags &
		    XOK_PG_XN));
		sys_page_unmap(XOK_SELF, 0x0000000400001000UL, 0);
		EXPECT_EQ("and can be freed", sys_page_free(bi.ppn, 0), 0);
		sys_xn_stat(&st);
		EXPECT("empty after reformat", st.mounted && st.roots == 0);
	}
}

int
main(uint64_t arg)
{
	const char *phase;

	if (arg == 1) {
		hostile();
		return 0;
	}
	phase = phase_arg();
	printf("xntest: phase %s\n", phase);
	if (phase[0] == '2')
		phase2();
	else
		phase1();
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
