/*
 * pages.h: physical page accounting (pure logic; also built for host
 * tests).  The kernel keeps the table in the exported state page so that
 * libOSes read who owns what instead of asking.
 */
#ifndef XOK_PAGES_H
#define XOK_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include <xok/abi.h>

#define PAGE_OWNER_KERNEL 0xffffffffU

/*
 * Kernel-only facts about one physical page.  payer: the environment
 * whose quota the page is charged to (0: nobody, the machine).  rmap:
 * the first page-table entry that maps the page, as pt_ppn * 512 +
 * slot (0: none); the chain goes on through the page table's link page.
 * For a page-table page: shadow, the link page of a leaf table; where
 * and wenv, the address (va >> 21) and the environment slot it
 * translates; used, its present entries (at most 512; the table is
 * freed when the last goes).  maps: the page-table entries (and pins)
 * that map the page, the true count behind the exported 16-bit
 * mapcount, which shows it up to 65,535 and stays there above (so 0 and
 * 1, what libOSes ask about, stay exact).  Every entry lives in a
 * page-table page, so maps stays below npages * 512 < 2^29 (memory is
 * at most 4 GiB: pmap_init): it cannot overflow, and any environment
 * may map any page as often as its quota of page tables allows without
 * taking the page's mappings from the others (docs/XN.md, "Known
 * limits").
 */
struct page_k {
	uint32_t payer;
	uint32_t rmap;
	uint32_t shadow;
	uint32_t where;
	uint16_t used;
	uint16_t wenv;
	uint32_t maps;
};

struct pages {
	struct xok_page_info *info;     /* npages entries (exported) */
	struct xok_cap *guard;          /* npages entries (kernel only) */
	uint64_t npages;
	uint64_t *nfree;                /* exported counter */
	uint64_t hint;                  /* where ANY searches start */
	struct page_k *k;               /* npages entries, or NULL */
	/* Called on every page pages_alloc hands out (the kernel zeroes it:
	 * no page ever carries data from its last user). */
	void (*clear)(uint64_t ppn);
	/* Called when a page charged to payer goes back to the free pool. */
	void (*uncharge)(uint32_t payer);
};

void pages_init(struct pages *pg, struct xok_page_info *info,
    struct xok_cap *guard, uint64_t npages, uint64_t *nfree);
/* Kernel-only records and hooks (each may be NULL). */
void pages_set_kernel(struct pages *pg, struct page_k *k,
    void (*clear)(uint64_t), void (*uncharge)(uint32_t));
/* Take a page out of circulation for the kernel (boot memory, tables). */
void pages_reserve(struct pages *pg, uint64_t ppn);
/* Allocate page ppn (or any, XOK_PPN_ANY): ppn or -XE_RANGE/BUSY/NOMEM.
 * The page is cleared (pg->clear) before it is returned. */
int64_t pages_alloc(struct pages *pg, uint64_t ppn, uint32_t owner,
    const struct xok_cap *guard);
/* Free an allocated, unmapped page not held by XN: 0 or
 * -XE_RANGE/NOENT/BUSY. */
int pages_free(struct pages *pg, uint64_t ppn);
/* One more / one fewer page-table entry maps ppn. */
int pages_ref(struct pages *pg, uint64_t ppn);
void pages_unref(struct pages *pg, uint64_t ppn);
/* How many map ppn (the exported mapcount stops at 65,535; this does
 * not). */
uint32_t pages_maps(const struct pages *pg, uint64_t ppn);
/* Hand a kernel page to owner as it is, without clearing (the boot
 * modules become init's): 0 or -XE_RANGE/-XE_BUSY. */
int pages_give(struct pages *pg, uint64_t ppn, uint32_t owner,
    const struct xok_cap *guard);
/* The owner died: free its unmapped pages, orphan the mapped ones. */
void pages_owner_died(struct pages *pg, uint32_t owner);
/* Environment id died: as pages_owner_died, and the pages it paid for
 * that live on (orphans) are charged to heir from now on. */
void pages_env_died(struct pages *pg, uint32_t id, uint32_t heir);
/* The same, knowing that every page id owns or pays for is in
 * [lo, hi): only those are looked at. */
void pages_env_died_in(struct pages *pg, uint32_t id, uint32_t heir,
    uint64_t lo, uint64_t hi);
int pages_is_free(const struct pages *pg, uint64_t ppn);
/* Mark a page as caching a disk block for XN, or release it. */
void pages_set_xn(struct pages *pg, uint64_t ppn, int on);

#endif
