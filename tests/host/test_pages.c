/*
 * test_pages.c: host tests for xok/pages.c (physical page accounting).
 *
 * Each test runs on a fresh table of NP pages (struct fixture).  Tested:
 * pages_init, pages_reserve, pages_alloc by number and XOK_PPN_ANY (the
 * search hint and its wrap-around) with every error code, pages_free,
 * pages_ref/pages_unref (including mapcount saturation at UINT16_MAX
 * without the kernel records, a 32-bit count with them),
 * pages_owner_died (unmapped pages freed, mapped ones orphaned, orphans
 * freed at their last unmap), and a random sequence of 50k operations
 * checked step by step against a simple model, including the invariant
 * that *nfree equals the number of entries whose owner is 0.  The kernel
 * hooks: every page pages_alloc hands out is cleared first (by number,
 * XOK_PPN_ANY, for the kernel), pages_give hands a kernel page over
 * without clearing, every release of a charged page uncharges its payer
 * once, and a death moves what lives on to the heir.
 */
#include <string.h>
#include <check.h>

#include "pages.h"

Suite *pages_suite(void);

/* ck_assert_msg() records a mark on every success, which is slow in hot
 * loops; this only calls into Check on failure. */
#define REQUIRE(cond, ...) do {                                         \
	if (!(cond))                                                    \
		ck_abort_msg(__VA_ARGS__);                              \
} while (0)

#define NP 16
#define KERN PAGE_OWNER_KERNEL

struct fixture {
	struct xok_page_info info[NP + 1];      /* +1: must stay untouched */
	struct xok_cap guard[NP + 1];
	uint64_t nfree;
	struct pages pg;
};

static struct fixture F;
static struct xok_cap G;                        /* a typical guard */

static void
setup(void)
{
	memset(&F, 0xa5, sizeof(F));
	pages_init(&F.pg, F.info, F.guard, NP, &F.nfree);
	memset(&G, 0, sizeof(G));
	G.valid = 1;
	G.len = 3;
	G.rights = XOK_CAP_ALL;
	memcpy(G.name, "pgs", 3);
}

/* Number of entries whose owner is 0. */
static uint64_t
count_free(const struct pages *pg)
{
	uint64_t i, n = 0;

	for (i = 0; i < pg->npages; i++)
		n += pg->info[i].owner == 0;
	return n;
}

#define CHECK_NFREE() do {                                              \
	ck_assert_uint_eq(F.nfree, count_free(&F.pg));                  \
	ck_assert_uint_eq(*F.pg.nfree, F.nfree);                        \
} while (0)

/* ---- init and reserve --------------------------------------------------- */

START_TEST(init_counts)
{
	uint64_t i;
	const uint8_t *tail = (const uint8_t *)&F.info[NP];

	ck_assert_uint_eq(F.nfree, NP);
	ck_assert_uint_eq(F.pg.npages, NP);
	ck_assert_ptr_eq(F.pg.nfree, &F.nfree);
	for (i = 0; i < NP; i++) {
		ck_assert_uint_eq(F.info[i].owner, 0);
		ck_assert_uint_eq(F.info[i].mapcount, 0);
		ck_assert_uint_eq(F.info[i].flags, 0);
		ck_assert_uint_eq(F.guard[i].valid, 0);
		ck_assert_int_eq(pages_is_free(&F.pg, i), 1);
	}
	/* nothing past npages is written, and out-of-range is not free */
	for (i = 0; i < sizeof(F.info[NP]); i++)
		ck_assert_uint_eq(tail[i], 0xa5);
	ck_assert_uint_eq(F.guard[NP].valid, 0xa5);
	ck_assert_int_eq(pages_is_free(&F.pg, NP), 0);
	ck_assert_int_eq(pages_is_free(&F.pg, UINT64_MAX), 0);
	CHECK_NFREE();
}
END_TEST

START_TEST(reserve)
{
	pages_reserve(&F.pg, 3);
	ck_assert_uint_eq(F.nfree, NP - 1);
	ck_assert_uint_eq(F.info[3].owner, KERN);
	ck_assert_uint_eq(F.info[3].flags, XOK_PG_KERNEL);
	ck_assert_int_eq(pages_is_free(&F.pg, 3), 0);
	pages_reserve(&F.pg, 3);                /* twice: counted once */
	ck_assert_uint_eq(F.nfree, NP - 1);
	pages_reserve(&F.pg, NP);               /* out of range: ignored */
	pages_reserve(&F.pg, UINT64_MAX);
	ck_assert_uint_eq(F.nfree, NP - 1);
	ck_assert_uint_eq(F.info[NP].owner, 0xa5a5a5a5);
	/* reserving an allocated page takes it without recounting */
	ck_assert_int_eq(pages_alloc(&F.pg, 4, 7, &G), 4);
	ck_assert_uint_eq(F.nfree, NP - 2);
	pages_reserve(&F.pg, 4);
	ck_assert_uint_eq(F.nfree, NP - 2);
	ck_assert_uint_eq(F.info[4].owner, KERN);
	ck_assert_uint_eq(F.info[4].flags, XOK_PG_KERNEL);
	/* reserved pages are not allocatable */
	ck_assert_int_eq(pages_alloc(&F.pg, 3, 7, &G), -XE_BUSY);
	CHECK_NFREE();
}
END_TEST

/* ---- alloc --------------------------------------------------------------- */

START_TEST(alloc_by_number)
{
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 7, &G), 5);
	ck_assert_uint_eq(F.info[5].owner, 7);
	ck_assert_uint_eq(F.info[5].mapcount, 0);
	ck_assert_uint_eq(F.info[5].flags, 0);
	ck_assert_mem_eq(&F.guard[5], &G, sizeof(G));
	ck_assert_uint_eq(F.nfree, NP - 1);
	ck_assert_int_eq(pages_is_free(&F.pg, 5), 0);
	ck_assert_int_eq(pages_alloc(&F.pg, 0, 8, &G), 0);
	ck_assert_int_eq(pages_alloc(&F.pg, NP - 1, 8, &G), NP - 1);
	ck_assert_uint_eq(F.nfree, NP - 3);
	/* kernel-owned allocations are flagged */
	ck_assert_int_eq(pages_alloc(&F.pg, 6, KERN, &G), 6);
	ck_assert_uint_eq(F.info[6].flags, XOK_PG_KERNEL);
	CHECK_NFREE();
}
END_TEST

START_TEST(alloc_errors)
{
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 7, &G), 5);
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 7, &G), -XE_BUSY);
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 8, &G), -XE_BUSY);
	ck_assert_uint_eq(F.info[5].owner, 7);
	ck_assert_int_eq(pages_alloc(&F.pg, NP, 7, &G), -XE_RANGE);
	ck_assert_int_eq(pages_alloc(&F.pg, NP + 1000, 7, &G), -XE_RANGE);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY - 1, 7, &G),
	    -XE_RANGE);
	ck_assert_int_eq(pages_alloc(&F.pg, 6, 0, &G), -XE_INVAL);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 0, &G), -XE_INVAL);
	ck_assert_int_eq(pages_alloc(&F.pg, NP, 0, &G), -XE_INVAL);
	ck_assert_uint_eq(F.info[6].owner, 0);
	ck_assert_uint_eq(F.nfree, NP - 1);
	CHECK_NFREE();
}
END_TEST

START_TEST(alloc_any)
{
	uint64_t seen = 0;
	unsigned i;

	/* a fresh table hands out pages in order */
	for (i = 0; i < NP; i++) {
		int64_t p = pages_alloc(&F.pg, XOK_PPN_ANY, 9, &G);

		ck_assert_int_eq(p, i);
		ck_assert_uint_eq(F.info[p].owner, 9);
		ck_assert_mem_eq(&F.guard[p], &G, sizeof(G));
		seen |= 1ULL << p;
		ck_assert_uint_eq(F.nfree, NP - 1 - i);
	}
	ck_assert_uint_eq(seen, (1ULL << NP) - 1);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 9, &G), -XE_NOMEM);
	ck_assert_uint_eq(F.nfree, 0);
	CHECK_NFREE();
	/* the hint is past the end: the search wraps around */
	ck_assert_int_eq(pages_free(&F.pg, 4), 0);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 9, &G), 4);
	/* now the hint is 5: 10 comes before 0, then the search wraps */
	ck_assert_int_eq(pages_free(&F.pg, 0), 0);
	ck_assert_int_eq(pages_free(&F.pg, 10), 0);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 9, &G), 10);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 9, &G), 0);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 9, &G), -XE_NOMEM);
	CHECK_NFREE();
}
END_TEST

START_TEST(alloc_any_skips_taken)
{
	pages_reserve(&F.pg, 0);
	pages_reserve(&F.pg, 1);
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 7, &G), 2);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 7, &G), 3);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, KERN, &G), 4);
	ck_assert_uint_eq(F.info[4].flags, XOK_PG_KERNEL);
	ck_assert_uint_eq(F.nfree, NP - 5);
	CHECK_NFREE();
}
END_TEST

START_TEST(alloc_nomem)
{
	unsigned i;

	for (i = 0; i < NP; i++)
		pages_reserve(&F.pg, i);
	ck_assert_uint_eq(F.nfree, 0);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 7, &G), -XE_NOMEM);
	ck_assert_uint_eq(F.nfree, 0);
	CHECK_NFREE();
}
END_TEST

START_TEST(alloc_empty_table)
{
	/* a table of no pages: nothing to hand out, no division by zero */
	pages_init(&F.pg, F.info, F.guard, 0, &F.nfree);
	ck_assert_uint_eq(F.nfree, 0);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 7, &G), -XE_NOMEM);
	ck_assert_int_eq(pages_alloc(&F.pg, 0, 7, &G), -XE_RANGE);
}
END_TEST

/* ---- free, ref, unref ---------------------------------------------------- */

START_TEST(free_errors)
{
	ck_assert_int_eq(pages_free(&F.pg, 3), -XE_NOENT);
	ck_assert_int_eq(pages_free(&F.pg, NP), -XE_RANGE);
	ck_assert_int_eq(pages_free(&F.pg, UINT64_MAX), -XE_RANGE);
	ck_assert_uint_eq(F.nfree, NP);
	ck_assert_int_eq(pages_alloc(&F.pg, 3, 7, &G), 3);
	ck_assert_int_eq(pages_ref(&F.pg, 3), 0);
	ck_assert_int_eq(pages_free(&F.pg, 3), -XE_BUSY);
	ck_assert_uint_eq(F.info[3].owner, 7);
	ck_assert_uint_eq(F.info[3].mapcount, 1);
	ck_assert_uint_eq(F.nfree, NP - 1);
	pages_unref(&F.pg, 3);
	ck_assert_uint_eq(F.info[3].owner, 7);  /* unmapped, still owned */
	ck_assert_int_eq(pages_free(&F.pg, 3), 0);
	ck_assert_uint_eq(F.info[3].owner, 0);
	ck_assert_uint_eq(F.info[3].flags, 0);
	ck_assert_uint_eq(F.guard[3].valid, 0);
	ck_assert_uint_eq(F.nfree, NP);
	ck_assert_int_eq(pages_free(&F.pg, 3), -XE_NOENT);
	ck_assert_uint_eq(F.nfree, NP);
	CHECK_NFREE();
}
END_TEST

START_TEST(ref_unref_counts)
{
	unsigned i;

	ck_assert_int_eq(pages_ref(&F.pg, 2), -XE_NOENT);       /* free */
	ck_assert_int_eq(pages_ref(&F.pg, NP), -XE_NOENT);
	ck_assert_int_eq(pages_ref(&F.pg, UINT64_MAX), -XE_NOENT);
	ck_assert_uint_eq(F.info[2].mapcount, 0);
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 7, &G), 2);
	for (i = 1; i <= 3; i++) {
		ck_assert_int_eq(pages_ref(&F.pg, 2), 0);
		ck_assert_uint_eq(F.info[2].mapcount, i);
	}
	pages_unref(&F.pg, 2);
	ck_assert_uint_eq(F.info[2].mapcount, 2);
	pages_unref(&F.pg, 2);
	pages_unref(&F.pg, 2);
	ck_assert_uint_eq(F.info[2].mapcount, 0);
	pages_unref(&F.pg, 2);                  /* no underflow */
	ck_assert_uint_eq(F.info[2].mapcount, 0);
	ck_assert_uint_eq(F.info[2].owner, 7);
	pages_unref(&F.pg, NP);                 /* out of range: ignored */
	pages_unref(&F.pg, UINT64_MAX);
	ck_assert_uint_eq(F.info[NP].mapcount, 0xa5a5);
	/* kernel pages are counted too */
	pages_reserve(&F.pg, 9);
	ck_assert_int_eq(pages_ref(&F.pg, 9), 0);
	ck_assert_uint_eq(F.info[9].mapcount, 1);
	ck_assert_uint_eq(F.nfree, NP - 2);
	CHECK_NFREE();
}
END_TEST

START_TEST(mapcount_saturates)
{
	unsigned i;

	ck_assert_int_eq(pages_alloc(&F.pg, 1, 7, &G), 1);
	for (i = 0; i < UINT16_MAX; i++)
		REQUIRE(pages_ref(&F.pg, 1) == 0, "ref %u failed", i);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX);
	ck_assert_int_eq(pages_ref(&F.pg, 1), -XE_NOMEM);
	ck_assert_int_eq(pages_ref(&F.pg, 1), -XE_NOMEM);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX);      /* no wrap */
	ck_assert_uint_eq(F.info[1].owner, 7);
	ck_assert_int_eq(pages_free(&F.pg, 1), -XE_BUSY);
	pages_unref(&F.pg, 1);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX - 1);
	ck_assert_int_eq(pages_ref(&F.pg, 1), 0);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX);
	/* the neighbours are untouched */
	ck_assert_uint_eq(F.info[0].mapcount, 0);
	ck_assert_uint_eq(F.info[2].mapcount, 0);
	CHECK_NFREE();
}
END_TEST

/* ---- owner death and orphans --------------------------------------------- */

START_TEST(owner_died)
{
	/* owner 7: page 1 unmapped, page 2 mapped twice; owner 8: page 3;
	 * kernel: page 4 */
	ck_assert_int_eq(pages_alloc(&F.pg, 1, 7, &G), 1);
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 7, &G), 2);
	ck_assert_int_eq(pages_alloc(&F.pg, 3, 8, &G), 3);
	pages_reserve(&F.pg, 4);
	ck_assert_int_eq(pages_ref(&F.pg, 2), 0);
	ck_assert_int_eq(pages_ref(&F.pg, 2), 0);
	ck_assert_int_eq(pages_ref(&F.pg, 3), 0);
	ck_assert_uint_eq(F.nfree, NP - 4);

	pages_owner_died(&F.pg, 7);
	ck_assert_int_eq(pages_is_free(&F.pg, 1), 1);
	ck_assert_uint_eq(F.guard[1].valid, 0);
	ck_assert_int_eq(pages_is_free(&F.pg, 2), 0);           /* orphan */
	ck_assert_uint_eq(F.info[2].flags & XOK_PG_ORPHAN, XOK_PG_ORPHAN);
	ck_assert_uint_eq(F.info[2].mapcount, 2);
	ck_assert_uint_eq(F.info[3].owner, 8);                  /* others kept */
	ck_assert_uint_eq(F.info[3].flags, 0);
	ck_assert_uint_eq(F.info[4].owner, KERN);
	ck_assert_uint_eq(F.nfree, NP - 3);
	CHECK_NFREE();

	/* an orphan can be neither freed nor allocated while mapped */
	ck_assert_int_eq(pages_free(&F.pg, 2), -XE_BUSY);
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 9, &G), -XE_BUSY);
	pages_unref(&F.pg, 2);
	ck_assert_int_eq(pages_is_free(&F.pg, 2), 0);
	ck_assert_uint_eq(F.nfree, NP - 3);
	pages_unref(&F.pg, 2);                  /* the last mapping goes */
	ck_assert_int_eq(pages_is_free(&F.pg, 2), 1);
	ck_assert_uint_eq(F.info[2].flags, 0);
	ck_assert_uint_eq(F.info[2].mapcount, 0);
	ck_assert_uint_eq(F.guard[2].valid, 0);
	ck_assert_uint_eq(F.nfree, NP - 2);
	CHECK_NFREE();
	/* freed once only */
	pages_unref(&F.pg, 2);
	ck_assert_uint_eq(F.nfree, NP - 2);
	/* and it can be allocated again, without the orphan flag */
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 9, &G), 2);
	ck_assert_uint_eq(F.info[2].flags, 0);
	CHECK_NFREE();
}
END_TEST

START_TEST(owner_died_ignores_special)
{
	ck_assert_int_eq(pages_alloc(&F.pg, 1, KERN, &G), 1);
	pages_reserve(&F.pg, 2);
	ck_assert_int_eq(pages_alloc(&F.pg, 3, 7, &G), 3);
	pages_owner_died(&F.pg, 0);             /* "free" is not an owner */
	pages_owner_died(&F.pg, KERN);          /* the kernel never dies */
	pages_owner_died(&F.pg, 8);             /* owns nothing */
	ck_assert_uint_eq(F.info[1].owner, KERN);
	ck_assert_uint_eq(F.info[2].owner, KERN);
	ck_assert_uint_eq(F.info[3].owner, 7);
	ck_assert_uint_eq(F.nfree, NP - 3);
	CHECK_NFREE();
	/* a dead owner's unmapped pages all go at once */
	ck_assert_int_eq(pages_alloc(&F.pg, 4, 7, &G), 4);
	ck_assert_int_eq(pages_alloc(&F.pg, XOK_PPN_ANY, 7, &G), 0);
	pages_owner_died(&F.pg, 7);
	ck_assert_uint_eq(F.nfree, NP - 2);
	CHECK_NFREE();
}
END_TEST


/* ---- the kernel hooks: clearing, payers ----------------------------------- */

static struct page_k K[NP];
static int cleared[NP], ncleared;
static uint32_t uncharged[16];
static int nuncharged;

static void
hook_clear(uint64_t ppn)
{
	ck_assert_uint_lt(ppn, NP);
	cleared[ppn]++;
	ncleared++;
}

static void
hook_uncharge(uint32_t payer)
{
	if (nuncharged < 16)
		uncharged[nuncharged] = payer;
	nuncharged++;
}

static void
hooks(void)
{
	memset(cleared, 0, sizeof(cleared));
	ncleared = nuncharged = 0;
	pages_set_kernel(&F.pg, K, hook_clear, hook_uncharge);
}

START_TEST(alloc_clears)
{
	int64_t p;

	hooks();
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 7, &G), 5);
	ck_assert_int_eq(cleared[5], 1);
	p = pages_alloc(&F.pg, XOK_PPN_ANY, 7, &G);
	ck_assert_int_ge(p, 0);
	ck_assert_int_eq(cleared[p], 1);
	p = pages_alloc(&F.pg, XOK_PPN_ANY, KERN, &G);
	ck_assert_int_ge(p, 0);
	ck_assert_int_eq(cleared[p], 1);
	/* refused allocations clear nothing */
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 7, &G), -XE_BUSY);
	ck_assert_int_eq(pages_alloc(&F.pg, NP, 7, &G), -XE_RANGE);
	ck_assert_int_eq(ncleared, 3);
	/* freed and allocated again: cleared again */
	ck_assert_int_eq(pages_free(&F.pg, 5), 0);
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 8, &G), 5);
	ck_assert_int_eq(cleared[5], 2);
	CHECK_NFREE();
}
END_TEST

START_TEST(give_keeps_contents)
{
	hooks();
	pages_reserve(&F.pg, 3);
	ck_assert_int_eq(pages_give(&F.pg, 3, 7, &G), 0);
	ck_assert_uint_eq(F.info[3].owner, 7);
	ck_assert_uint_eq(F.info[3].flags, 0);
	ck_assert_int_eq(ncleared, 0);
	/* only kernel pages, only to an owner */
	ck_assert_int_eq(pages_give(&F.pg, 3, 8, &G), -XE_BUSY);
	ck_assert_int_eq(pages_give(&F.pg, 4, 8, &G), -XE_BUSY);
	pages_reserve(&F.pg, 4);
	ck_assert_int_eq(pages_give(&F.pg, 4, 0, &G), -XE_BUSY);
	ck_assert_int_eq(pages_give(&F.pg, NP, 7, &G), -XE_RANGE);
	CHECK_NFREE();
}
END_TEST

/* pages_env_died_in looks only inside [lo, hi): the kernel passes the
 * range of pages the dead environment ever paid for (env.c). */
/* With the kernel records the count is 32 bits: one environment mapping
 * a page 70,000 times does not use up its mappings for everyone else
 * (the session-7 view DoS).  The exported mapcount stays at 65,535
 * above, and 0 and 1 stay exact. */
START_TEST(kernel_count_past_16_bits)
{
	unsigned i;

	hooks();
	ck_assert_int_eq(pages_alloc(&F.pg, 1, 7, &G), 1);
	for (i = 0; i < 70000; i++)
		REQUIRE(pages_ref(&F.pg, 1) == 0, "ref %u failed", i);
	ck_assert_uint_eq(pages_maps(&F.pg, 1), 70000);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX);
	ck_assert_int_eq(pages_free(&F.pg, 1), -XE_BUSY);
	for (i = 0; i < 70000 - UINT16_MAX; i++)
		pages_unref(&F.pg, 1);
	ck_assert_uint_eq(pages_maps(&F.pg, 1), UINT16_MAX);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX);
	pages_unref(&F.pg, 1);
	ck_assert_uint_eq(F.info[1].mapcount, UINT16_MAX - 1);
	/* an orphan goes with its very last mapping, not at 65,535 */
	ck_assert_int_eq(pages_ref(&F.pg, 1), 0);
	ck_assert_int_eq(pages_ref(&F.pg, 1), 0);
	pages_owner_died(&F.pg, 7);
	ck_assert_uint_eq(F.info[1].owner, 7);
	for (i = 0; i < UINT16_MAX; i++)
		pages_unref(&F.pg, 1);
	ck_assert_uint_eq(F.info[1].owner, 7);
	ck_assert_uint_eq(F.info[1].mapcount, 1);
	ck_assert_uint_eq(pages_maps(&F.pg, 1), 1);
	pages_unref(&F.pg, 1);
	ck_assert_uint_eq(F.info[1].owner, 0);
	ck_assert_uint_eq(pages_maps(&F.pg, 1), 0);
	ck_assert_uint_eq(F.nfree, NP);
	CHECK_NFREE();
}
END_TEST

START_TEST(env_died_in_range)
{
	hooks();
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 7, &G), 2);
	K[2].payer = 7;
	ck_assert_int_eq(pages_alloc(&F.pg, 5, 7, &G), 5);
	K[5].payer = 7;
	ck_assert_int_eq(pages_ref(&F.pg, 5), 0);       /* mapped elsewhere */
	ck_assert_int_eq(pages_alloc(&F.pg, 9, 7, &G), 9);
	K[9].payer = 7;
	pages_env_died_in(&F.pg, 7, 4, 2, 6);
	ck_assert_int_eq(pages_is_free(&F.pg, 2), 1);   /* unmapped: freed */
	ck_assert_uint_eq(F.info[5].flags, XOK_PG_ORPHAN);
	ck_assert_uint_eq(K[5].payer, 4);               /* lives on: heir's */
	ck_assert_uint_eq(F.info[9].owner, 7);          /* outside: untouched */
	ck_assert_uint_eq(K[9].payer, 7);
	ck_assert_int_eq(nuncharged, 1);
	ck_assert_uint_eq(uncharged[0], 7);
	/* a range past the end is clipped */
	pages_env_died_in(&F.pg, 7, 0, 6, UINT64_MAX);
	ck_assert_int_eq(pages_is_free(&F.pg, 9), 1);
	ck_assert_int_eq(nuncharged, 2);
	pages_env_died_in(&F.pg, 4, 0, 3, 3);           /* empty: nothing */
	ck_assert_uint_eq(K[5].payer, 4);
	pages_unref(&F.pg, 5);
	ck_assert_int_eq(pages_is_free(&F.pg, 5), 1);
	ck_assert_uint_eq(F.nfree, NP);
	CHECK_NFREE();
}
END_TEST

START_TEST(release_uncharges_payer)
{
	hooks();
	ck_assert_int_eq(pages_alloc(&F.pg, 1, 7, &G), 1);
	K[1].payer = 7;
	ck_assert_int_eq(pages_alloc(&F.pg, 2, 7, &G), 2);
	K[2].payer = 7;
	ck_assert_int_eq(pages_alloc(&F.pg, 3, 9, &G), 3);
	K[3].payer = 9;
	ck_assert_int_eq(pages_ref(&F.pg, 2), 0);
	ck_assert_int_eq(pages_free(&F.pg, 1), 0);
	ck_assert_int_eq(nuncharged, 1);
	ck_assert_uint_eq(uncharged[0], 7);
	ck_assert_uint_eq(K[1].payer, 0);
	/* 7 dies, heir 5: page 2 (mapped) lives on, charged to 5 */
	pages_env_died(&F.pg, 7, 5);
	ck_assert_int_eq(nuncharged, 1);
	ck_assert_uint_eq(K[2].payer, 5);
	ck_assert_uint_eq(K[3].payer, 9);
	/* 5 dies too, heir 4: the inherited orphan moves on */
	pages_env_died(&F.pg, 5, 4);
	ck_assert_uint_eq(K[2].payer, 4);
	pages_unref(&F.pg, 2);                  /* last mapping: released */
	ck_assert_int_eq(nuncharged, 2);
	ck_assert_uint_eq(uncharged[1], 4);
	/* 9 dies with page 3 unmapped: released, charged to 9 until then */
	pages_env_died(&F.pg, 9, 0);
	ck_assert_int_eq(nuncharged, 3);
	ck_assert_uint_eq(uncharged[2], 9);
	ck_assert_uint_eq(F.nfree, NP);
	CHECK_NFREE();
}
END_TEST

/* ---- random operations against a model ---------------------------------- */

#define NOPS 50000
#define RNP 48                  /* pages in the random test */
#define NOWNERS 5               /* owners 1..NOWNERS */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned
rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

struct model {
	uint32_t owner[RNP];
	unsigned mapcount[RNP];
	uint16_t flags[RNP];
	uint64_t nfree;
};

static void
m_release(struct model *m, unsigned i)
{
	m->owner[i] = 0;
	m->flags[i] = 0;
	m->nfree++;
}

START_TEST(random_vs_model)
{
	static struct xok_page_info info[RNP];
	static struct xok_cap guard[RNP];
	static struct model m;
	struct pages pg;
	uint64_t nfree;
	unsigned op, i, hist[8] = { 0 };

	memset(&m, 0, sizeof(m));
	m.nfree = RNP;
	pages_init(&pg, info, guard, RNP, &nfree);
	rng_state = 0xc0ffee1234567ULL;

	for (op = 0; op < NOPS; op++) {
		/* phases of 2500 operations alternately fill and drain
		 * the table; cut[] are cumulative percentages */
		static const unsigned fill[6] = { 20, 40, 45, 65, 93, 99 };
		static const unsigned drain[6] = { 10, 18, 45, 62, 93, 99 };
		const unsigned *cut = (op / 2500) % 2 == 0 ? fill : drain;
		unsigned kind = rnd_below(100);
		/* mostly in range, sometimes just past the end */
		uint64_t ppn = rnd_below(RNP + 3);
		uint32_t owner = rnd_below(40) == 0 ? 0 : 1 + rnd_below(NOWNERS);
		int64_t r;

		if (rnd_below(200) == 0)
			ppn = rnd();
		if (kind < cut[0]) {                 /* alloc by number */
			int64_t want;

			r = pages_alloc(&pg, ppn, owner, &G);
			if (owner == 0)
				want = -XE_INVAL;
			else if (ppn >= RNP)
				want = -XE_RANGE;
			else if (m.owner[ppn] != 0)
				want = -XE_BUSY;
			else
				want = (int64_t)ppn;
			REQUIRE(r == want, "op %u: alloc(%llu, %u) = %lld, "
			    "want %lld", op, (unsigned long long)ppn, owner,
			    (long long)r, (long long)want);
			if (r >= 0) {
				m.owner[ppn] = owner;
				m.mapcount[ppn] = 0;
				m.flags[ppn] = 0;
				m.nfree--;
				REQUIRE(memcmp(&guard[ppn], &G, sizeof(G)) == 0,
				    "op %u: guard not set", op);
			}
			hist[0]++;
		} else if (kind < cut[1]) {          /* alloc ANY */
			r = pages_alloc(&pg, XOK_PPN_ANY, owner, &G);
			if (owner == 0)
				REQUIRE(r == -XE_INVAL, "op %u: alloc(ANY, 0) = %lld",
				    op, (long long)r);
			else if (m.nfree == 0)
				REQUIRE(r == -XE_NOMEM, "op %u: alloc(ANY) = %lld "
				    "with no free page", op, (long long)r);
			else {
				REQUIRE(r >= 0 && r < RNP &&
				    m.owner[r] == 0, "op %u: alloc(ANY) = %lld "
				    "not a free page", op, (long long)r);
				m.owner[r] = owner;
				m.mapcount[r] = 0;
				m.flags[r] = 0;
				m.nfree--;
			}
			hist[1]++;
		} else if (kind < cut[2]) {          /* free */
			int want;

			r = pages_free(&pg, ppn);
			if (ppn >= RNP)
				want = -XE_RANGE;
			else if (m.owner[ppn] == 0)
				want = -XE_NOENT;
			else if (m.mapcount[ppn] != 0)
				want = -XE_BUSY;
			else
				want = 0;
			REQUIRE(r == want, "op %u: free(%llu) = %lld, "
			    "want %d", op, (unsigned long long)ppn,
			    (long long)r, want);
			if (r == 0)
				m_release(&m, (unsigned)ppn);
			hist[2]++;
		} else if (kind < cut[3]) {          /* ref */
			int want;

			r = pages_ref(&pg, ppn);
			if (ppn >= RNP || m.owner[ppn] == 0)
				want = -XE_NOENT;
			else if (m.mapcount[ppn] == UINT16_MAX)
				want = -XE_NOMEM;
			else
				want = 0;
			REQUIRE(r == want, "op %u: ref(%llu) = %lld, "
			    "want %d", op, (unsigned long long)ppn,
			    (long long)r, want);
			if (r == 0)
				m.mapcount[ppn]++;
			hist[3]++;
		} else if (kind < cut[4]) {          /* unref */
			pages_unref(&pg, ppn);
			if (ppn < RNP && m.mapcount[ppn] > 0 &&
			    --m.mapcount[ppn] == 0 &&
			    (m.flags[ppn] & XOK_PG_ORPHAN))
				m_release(&m, (unsigned)ppn);
			hist[4]++;
		} else if (kind < cut[5]) {          /* an owner dies */
			pages_owner_died(&pg, owner);
			for (i = 0; owner != 0 && i < RNP; i++) {
				if (m.owner[i] != owner)
					continue;
				if (m.mapcount[i] == 0)
					m_release(&m, i);
				else
					m.flags[i] |= XOK_PG_ORPHAN;
			}
			hist[5]++;
		} else {                                /* reserve */
			pages_reserve(&pg, ppn);
			if (ppn < RNP) {
				if (m.owner[ppn] == 0)
					m.nfree--;
				m.owner[ppn] = KERN;
				m.flags[ppn] = XOK_PG_KERNEL;
			}
			hist[6]++;
		}

		/* the whole table matches the model */
		for (i = 0; i < RNP; i++) {
			REQUIRE(info[i].owner == m.owner[i] &&
			    info[i].mapcount == m.mapcount[i] &&
			    info[i].flags == m.flags[i],
			    "op %u: page %u is (%u, %u, %#x), model (%u, %u, %#x)",
			    op, i, info[i].owner, info[i].mapcount,
			    info[i].flags, m.owner[i], m.mapcount[i],
			    m.flags[i]);
			REQUIRE(pages_is_free(&pg, i) == (m.owner[i] == 0),
			    "op %u: pages_is_free(%u)", op, i);
			if (m.owner[i] == 0)
				REQUIRE(guard[i].valid == 0,
				    "op %u: free page %u keeps its guard", op, i);
		}
		REQUIRE(nfree == m.nfree && nfree == count_free(&pg),
		    "op %u: nfree %llu, model %llu, counted %llu", op,
		    (unsigned long long)nfree, (unsigned long long)m.nfree,
		    (unsigned long long)count_free(&pg));
		hist[7] += nfree == 0;
	}
	/* every kind of operation ran many times, and the table filled up */
	ck_assert_msg(hist[7] >= 100, "the table was full only %u times",
	    hist[7]);
	for (i = 0; i < 7; i++)
		ck_assert_msg(hist[i] >= 200, "operation %u ran %u times", i,
		    hist[i]);
}
END_TEST

Suite *
pages_suite(void)
{
	Suite *s = suite_create("pages");
	TCase *tc;

	tc = tcase_create("basic");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, init_counts);
	tcase_add_test(tc, reserve);
	tcase_add_test(tc, alloc_by_number);
	tcase_add_test(tc, alloc_errors);
	tcase_add_test(tc, alloc_any);
	tcase_add_test(tc, alloc_any_skips_taken);
	tcase_add_test(tc, alloc_nomem);
	tcase_add_test(tc, alloc_empty_table);
	tcase_add_test(tc, free_errors);
	tcase_add_test(tc, ref_unref_counts);
	tcase_add_test(tc, mapcount_saturates);
	tcase_add_test(tc, owner_died);
	tcase_add_test(tc, owner_died_ignores_special);
	tcase_add_test(tc, alloc_clears);
	tcase_add_test(tc, give_keeps_contents);
	tcase_add_test(tc, release_uncharges_payer);
	tcase_add_test(tc, env_died_in_range);
	tcase_add_test(tc, kernel_count_past_16_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, random_vs_model);
	suite_add_tcase(s, tc);
	return s;
}
