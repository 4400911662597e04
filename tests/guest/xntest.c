/*
 * xntest.c: XN through the real kernel calls on a virtio disk.  Init is
 * a well-behaved library file system; it spawns a hostile one (a copy of
 * this program with another capability, so another principal) that
 * tries every attack.  Booted twice on the same disk image by
 * xntest.sh: phase 1 formats, builds and attacks; phase 2 (after the VM
 * powered off) checks that the good data survived.  XN_BC_INSERT_MANY
 * (batched cache inserts) is tested here too: every refusal, pages made
 * read-only (a write faults), blocks read in one batch, across the
 * reboot.
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

	sys_xn_stat_give(&st);
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

/* ---- XN_BC_INSERT_MANY ------------------------------------------------- */

#define M_BLK 320               /* root "many"; children M_BLK + 1 .. */
#define M_N   6
#define M_VA  0x0000000700000000UL      /* our test pages */
#define M_PG(i) (M_VA + (uint64_t)(i) * 0x1000)

static struct xok_xn_bcins bi_arr[XOK_XN_BCI_MAX + 1];
static volatile uint64_t wf_n, wf_addr, wf_err;

/* A write to a read-only page: note it and step over the write (the
 * two-byte movb of write_faults). */
static void
wfault(struct xok_frame *f)
{
	wf_n++;
	wf_addr = f->addr, wf_err = f->err;
	if (f->trapno == 14)
		f->rip += 2;
	else
		exit(99);
}

/* Does writing a byte at va fault as a write to a present page? */
static int
write_faults(uint64_t va)
{
	uint64_t n0 = wf_n;

	__asm__ volatile("movb %%al, (%%rdi)" : : "a"(0x77), "D"(va) :
	    "memory");
	return wf_n == n0 + 1 && wf_addr == va && (wf_err & 3) == 3;
}

/* A page of ours, mapped writable at va (0: not mapped). */
static int64_t
new_page(uint64_t va)
{
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);

	if (ppn >= 0 && va != 0)
		sys_page_map(XOK_SELF, va, (uint64_t)ppn, XOK_PTE_W, 0, 0);
	return ppn;
}

static void
bi_set(int i, uint32_t block, int64_t ppn, uint64_t va)
{
	memset(&bi_arr[i], 0, sizeof(bi_arr[i]));
	bi_arr[i].block = block;
	bi_arr[i].ppn = (uint64_t)ppn;
	bi_arr[i].va = va;
	bi_arr[i].result = 12345;
}

/* The contents we give child k. */
static void
m_msg(char *buf, int k)
{
	memcpy(buf, "child block #", 13);
	buf[13] = (char)('0' + k);
	buf[14] = 0;
}

/* Hostile arguments that are refused before anything happens. */
static void
insert_many_refused(void)
{
	struct xok_xn_bcinfo ci;
	int64_t p = new_page(M_PG(40)), q = new_page(0);

	bi_set(0, M_BLK + 1, q, 0);
	EXPECT_EQ("insert_many: n > max", sys_xn_bc_insert_many(0, bi_arr,
	    XOK_XN_BCI_MAX + 1, 0), -XE_INVAL);
	EXPECT_EQ("insert_many: n >= 2^32", xok_call(XC(XN_BC_INSERT_MANY), 0,
	    (uint64_t)bi_arr, 1ULL << 32 | 1, 0, 0, 0), -XE_INVAL);
	EXPECT_EQ("insert_many: bad cap slot", sys_xn_bc_insert_many(16,
	    bi_arr, 1, 0), -XE_NOCAP);
	EXPECT_EQ("insert_many: bad page cap slot", sys_xn_bc_insert_many(0,
	    bi_arr, 1, 16), -XE_NOCAP);
	EXPECT_EQ("insert_many: empty page cap slot", sys_xn_bc_insert_many(0,
	    bi_arr, 1, 9), -XE_NOCAP);
	EXPECT_EQ("insert_many: kernel pointer", sys_xn_bc_insert_many(0,
	    (void *)0xffffffff80000000UL, 1, 0), -XE_FAULT);
	EXPECT_EQ("insert_many: unmapped pointer", sys_xn_bc_insert_many(0,
	    (void *)16, 1, 0), -XE_FAULT);
	EXPECT_EQ("insert_many: exported state (read-only)",
	    sys_xn_bc_insert_many(0, (void *)XOK_INFO_VA, 1, 0), -XE_FAULT);
	/* a read-only array holding a good entry: refused, nothing done */
	memcpy((void *)M_PG(40), &bi_arr[0], sizeof(bi_arr[0]));
	sys_page_map(XOK_SELF, M_PG(40), (uint64_t)p, 0, 0, 0);
	EXPECT_EQ("insert_many: read-only array", sys_xn_bc_insert_many(0,
	    (void *)M_PG(40), 1, 0), -XE_FAULT);
	EXPECT("...nothing inserted", !(XOK_PAGES[q].flags & XOK_PG_XN) &&
	    sys_xn_bc_lookup(M_BLK + 1, &ci) == XNE(XN_ENOENT));
	EXPECT_EQ("insert_many: empty list", sys_xn_bc_insert_many(0, NULL, 0,
	    0), 0);
	sys_page_unmap(XOK_SELF, M_PG(40), 0);
	sys_page_free((uint64_t)p, 0);
	sys_page_free((uint64_t)q, 0);
}

/* Every per-entry refusal in one batch, next to entries that go in:
 * entry i uses page pg[i], mapped writable at M_PG(10 + i), unless said
 * otherwise. */
static void
insert_many_entries(void)
{
	enum { N = 20 };
	struct xok_xn_bcins *b2 = (struct xok_xn_bcins *)M_PG(41);
	struct xok_xn_bcinfo ci;
	int64_t pg[N], kern = -1, freep = -1, r, a2;
	uint64_t i, np = XOK_INFO->npages;
	int good;

	for (i = 0; i < np && (kern < 0 || freep < 0); i++) {
		if (kern < 0 && (XOK_PAGES[i].flags & XOK_PG_KERNEL))
			kern = (int64_t)i;
		if (freep < 0 && i > np / 2 && XOK_PAGES[i].owner == 0)
			freep = (int64_t)i;
	}
	sys_xn_bc_lookup(R_BLK, &ci);
	for (i = 0; i < N; i++) {
		pg[i] = new_page(M_PG(10 + i));
		bi_set((int)i, M_BLK + 2, pg[i], M_PG(10 + i));
	}
	bi_arr[0].block = M_BLK + 1;                    /* goes in */
	bi_arr[1].block = M_BLK + 1;                    /* block twice */
	bi_arr[2].ppn = (uint64_t)pg[0];                /* page twice */
	bi_arr[2].va = M_PG(10);
	bi_arr[3].va = M_PG(11);                        /* another va */
	sys_page_map(XOK_SELF, M_PG(30), (uint64_t)pg[4], 0, 0, 0); /* twice */
	sys_page_map(XOK_SELF, M_PG(15), (uint64_t)pg[5], 0, 0, 0); /* RO */
	bi_arr[6].va = 0;                               /* mapped, va 0 */
	bi_arr[7].va = M_PG(17) + 8;                    /* unaligned */
	bi_arr[8].va = 0xffffffff80000000UL;            /* kernel va */
	bi_arr[9].ppn = np + 5, bi_arr[9].va = 0;       /* past memory */
	bi_arr[10].ppn = (uint64_t)freep, bi_arr[10].va = 0;
	bi_arr[11].ppn = (uint64_t)kern, bi_arr[11].va = 0;
	bi_arr[12].ppn = ci.ppn, bi_arr[12].va = 0;     /* XN's already */
	sys_page_unmap(XOK_SELF, M_PG(23), 0);          /* nothing at va */
	bi_arr[14].block = 360;                         /* free block */
	bi_arr[15].block = 1u << 30;                    /* past the disk */
	bi_arr[16].block = R_BLK;                       /* cached */
	bi_arr[17].block = M_BLK + 2;                   /* goes in */
	bi_arr[18].block = M_BLK + 3, bi_arr[18].pad = 1;
	bi_arr[19].block = 1u << 20;                    /* see below */
	bi_arr[19].ppn = 1ULL << 40;
	r = sys_xn_bc_insert_many(0, bi_arr, N, 0);
	EXPECT_EQ("insert_many: two of twenty go in", r, 2);
	EXPECT_EQ("...the first", bi_arr[0].result, 0);
	EXPECT_EQ("...a block listed twice", bi_arr[1].result,
	    XNE(XN_EEXIST));
	EXPECT_EQ("...a page listed twice", bi_arr[2].result, -XE_INVAL);
	EXPECT_EQ("...a page mapped at another va", bi_arr[3].result,
	    -XE_NOENT);
	EXPECT_EQ("...a page mapped twice", bi_arr[4].result, -XE_BUSY);
	EXPECT_EQ("...a page mapped read-only", bi_arr[5].result, -XE_PERM);
	EXPECT_EQ("...va 0 but mapped", bi_arr[6].result, -XE_BUSY);
	EXPECT_EQ("...unaligned va", bi_arr[7].result, -XE_INVAL);
	EXPECT_EQ("...kernel va", bi_arr[8].result, -XE_INVAL);
	EXPECT_EQ("...ppn past memory", bi_arr[9].result, -XE_RANGE);
	EXPECT_EQ("...a free page", bi_arr[10].result, -XE_NOENT);
	EXPECT_EQ("...a kernel page", bi_arr[11].result, -XE_PERM);
	EXPECT_EQ("...a page XN caches already", bi_arr[12].result, -XE_PERM);
	EXPECT_EQ("...a page not mapped at va", bi_arr[13].result,
	    -XE_NOENT);
	EXPECT_EQ("...a free block", bi_arr[14].result, XNE(XN_EFREE));
	EXPECT_EQ("...a block past the disk", bi_arr[15].result,
	    XNE(XN_ERANGE));
	EXPECT_EQ("...a block cached already", bi_arr[16].result,
	    XNE(XN_EEXIST));
	EXPECT_EQ("...the last", bi_arr[17].result, 0);
	EXPECT_EQ("...pad not zero", bi_arr[18].result, -XE_INVAL);
	EXPECT_EQ("...ppn above 2^32", bi_arr[19].result, -XE_RANGE);
	for (i = 1, good = 1; i < N; i++)
		if (i != 17 && (XOK_PAGES[pg[i]].flags & XOK_PG_XN))
			good = 0;
	EXPECT("...refused pages are not XN's", good);
	EXPECT("...refused pages' writable mappings are left alone",
	    !write_faults(M_PG(11)) && !write_faults(M_PG(13)) &&
	    !write_faults(M_PG(24)) && !write_faults(M_PG(26)));
	EXPECT("...the two pages are XN's, mapped once",
	    (XOK_PAGES[pg[0]].flags & XOK_PG_XN) &&
	    (XOK_PAGES[pg[17]].flags & XOK_PG_XN) &&
	    XOK_PAGES[pg[0]].mapcount == 1 &&
	    XOK_PAGES[pg[17]].mapcount == 1);
	EXPECT("...read-only now: a write faults", write_faults(M_PG(10)) &&
	    write_faults(M_PG(27)));
	EXPECT("...zero-filled (fresh)", *(volatile uint64_t *)M_PG(10) == 0 &&
	    *(volatile uint64_t *)(M_PG(27) + 4088) == 0);
	EXPECT_EQ("...and stay so: no writable mapping",
	    sys_page_map(XOK_SELF, M_PG(10), (uint64_t)pg[0], XOK_PTE_W, 0, 0),
	    -XE_PERM);
	/* the array may not be one of the pages: its results go there */
	a2 = new_page(M_PG(41));
	memset(b2, 0, sizeof(*b2));
	b2->block = M_BLK + 3, b2->ppn = (uint64_t)a2, b2->va = M_PG(41);
	EXPECT_EQ("insert_many: the array's own page", sys_xn_bc_insert_many(0,
	    b2, 1, 0), 0);
	EXPECT_EQ("...refused", b2->result, -XE_INVAL);
	/* written back, evicted: the pages are ours again */
	EXPECT("write back and evict", sys_xn_writeback(M_BLK + 1) == 0 &&
	    sys_xn_writeback(M_BLK + 2) == 0 &&
	    sys_xn_bc_evict(0, M_BLK + 1) == 0 &&
	    sys_xn_bc_evict(0, M_BLK + 2) == 0);
	EXPECT_EQ("an evicted page maps writable again", sys_page_map(XOK_SELF,
	    M_PG(10), (uint64_t)pg[0], XOK_PTE_W, 0, 0), 0);
	EXPECT("...and takes writes", !write_faults(M_PG(10)));
	for (i = 0; i <= 31; i++)
		sys_page_unmap(XOK_SELF, M_PG(10 + i), 0);
	for (i = 0, good = 1; i < N; i++)
		good &= sys_page_free((uint64_t)pg[i], 0) == 0;
	good &= sys_page_free((uint64_t)a2, 0) == 0;
	EXPECT("...all the pages free again", good);
}

/*
 * Phase 1: root "many" with M_N data children, cached fresh through
 * XN_BC_INSERT_MANY (some pages mapped at a va, some not), written,
 * written back, evicted, and cached again: the batch reads them.
 */
static void
test_insert_many(uint32_t me)
{
	static uint8_t init[4096];
	char msg[16];
	int64_t pg[M_N + 1], r;
	int k, ok;

	exos_fault_handler = wfault;
	EXPECT_EQ("fault handler", exos_upcalls_install(EXOS_UP(XOK_UP_FAULT),
	    0), 0);
	memset(init, 0, sizeof(init));
	memcpy(init + 4092, &me, 4);
	EXPECT_EQ("root for insert_many", sys_xn_root(0, "many", T_DIR, M_BLK,
	    init), 0);
	pg[0] = new_page(M_PG(0));
	bi_set(0, M_BLK, pg[0], M_PG(0));
	EXPECT_EQ("insert_many: one written block", sys_xn_bc_insert_many(0,
	    bi_arr, 1, 0), 1);
	EXPECT("...its owner field read", bi_arr[0].result == 0 &&
	    *(volatile uint32_t *)(M_PG(0) + 4092) == me);
	for (k = 1; k <= M_N; k++) {
		set_change(M_BLK, 4 * (uint32_t)(k - 1), M_BLK + (uint32_t)k,
		    M_BLK + (uint32_t)k, XN_TYPE_DATA);
		if (sys_xn_alloc(0, &ch) != 0)
			break;
	}
	EXPECT("allocate the children", k == M_N + 1);
	insert_many_refused();
	insert_many_entries();
	/* fresh children, every other one without a mapping */
	for (k = 1; k <= M_N; k++) {
		pg[k] = new_page(k % 2 ? M_PG(k) : 0);
		bi_set(k - 1, M_BLK + (uint32_t)k, pg[k], k % 2 ? M_PG(k) : 0);
	}
	r = sys_xn_bc_insert_many(0, bi_arr, M_N, 0);
	EXPECT_EQ("insert_many: fresh children", r, M_N);
	for (k = 1, ok = 1; k <= M_N; k++) {
		ok &= bi_arr[k - 1].result == 0 &&
		    (XOK_PAGES[pg[k]].flags & XOK_PG_XN) != 0;
		if (k % 2)
			ok &= *(volatile uint64_t *)M_PG(k) == 0 &&
			    write_faults(M_PG(k));
		m_msg(msg, k);
		ok &= sys_xn_write(0, M_BLK + (uint32_t)k, 0, sizeof(msg),
		    msg) == 0;
	}
	EXPECT("...zero-filled, read-only, XN's, writable through XN", ok);
	{
		uint32_t wl[M_N + 1], done = 0;

		for (k = 0; k <= M_N; k++)
			wl[k] = M_BLK + (uint32_t)k;
		EXPECT_EQ("write them back", sys_xn_writeback_many(wl, M_N + 1,
		    &done), 0);
	}
	for (k = 1, ok = 1; k <= M_N; k++) {
		ok &= sys_xn_bc_evict(0, M_BLK + (uint32_t)k) == 0;
		if (k % 2)
			sys_page_unmap(XOK_SELF, M_PG(k), 0);
		ok &= sys_page_free((uint64_t)pg[k], 0) == 0;
	}
	EXPECT("evict them, free the pages", ok);
	/* written children: read back in one batch, in reverse order */
	for (k = 1; k <= M_N; k++) {
		pg[k] = new_page(M_PG(k));
		bi_set(M_N - k, M_BLK + (uint32_t)k, pg[k], M_PG(k));
	}
	r = sys_xn_bc_insert_many(0, bi_arr, M_N, 0);
	EXPECT_EQ("insert_many: written children", r, M_N);
	for (k = 1, ok = 1; k <= M_N; k++) {
		m_msg(msg, k);
		ok &= bi_arr[M_N - k].result == 0 &&
		    memcmp((const void *)M_PG(k), msg, sizeof(msg)) == 0 &&
		    write_faults(M_PG(k)) &&
		    memcmp((const void *)M_PG(k), msg, sizeof(msg)) == 0;
	}
	EXPECT("...each read from the disk, read-only", ok);
	exos_upcalls_install(0, 0);
}

/* Phase 2: the children survived the reboot; one batch reads them. */
static void
test_insert_many_after_reboot(void)
{
	char msg[16];
	int64_t r;
	int k, ok = 1;

	for (k = 1; k <= M_N; k++)
		bi_set(k - 1, M_BLK + (uint32_t)k, new_page(M_PG(k)), M_PG(k));
	r = sys_xn_bc_insert_many(0, bi_arr, M_N, 0);
	EXPECT_EQ("insert_many after reboot", r, M_N);
	for (k = 1; k <= M_N; k++) {
		m_msg(msg, k);
		ok &= memcmp((const void *)M_PG(k), msg, sizeof(msg)) == 0;
	}
	EXPECT("...the children's contents survived", ok);
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
	bi_set(0, E_BLK + 1, SH[62], SHARED_VA);
	SH[i++] = sys_xn_bc_insert_many(0, bi_arr, 1, 0);
					     /* 25: cache in the good's page */
	SH[i++] = bi_arr[0].result;                              /* 26 */
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
	EXPECT_EQ("insert_many before format", sys_xn_bc_insert_many(0,
	    bi_arr, 1, 0), -XE_NODEV);
	{
		struct xok_xn_blockinfo bi;

		EXPECT_EQ("block info before format", sys_xn_block_info(R_BLK,
		    &bi), -XE_NODEV);
	}
	EXPECT_EQ("xn_format", sys_xn_format(0), 0);
	sys_xn_stat(&st);
	EXPECT("mounted after format", st.mounted == 1);
	EXPECT_EQ("no principal until one is asked for", st.principal, 0);
	sys_xn_stat_give(&st);
	me = st.principal;
	EXPECT("a principal when asked", me != 0);

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
	test_insert_many(me);

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
	((volatile int64_t *)sh)[62] = ppn;  /* the page we share with it */
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
	EXPECT_EQ("hostile: insert_many into our page: none go in", H(25),
	    0);
	EXPECT_EQ("...refused: no capability for the page", H(26), -XE_PERM);
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
	    st.roots == 4);
	EXPECT("recovery found the tree", st.reachable == 4 + 1 + M_N);
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
	test_insert_many_after_reboot();

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
