/*
 * pages.h: physical page accounting (pure logic; also built for host
 * tests).  The kernel keeps the table in the exported state page so that
 * libOSes read who owns what instead of asking.
 */
#ifndef XOK_PAGES_H
#define XOK_PAGES_H

#include <stdint.h>
#include <xok/abi.h>

#define PAGE_OWNER_KERNEL 0xffffffffU

struct pages {
	struct xok_page_info *info;     /* npages entries (exported) */
	struct xok_cap *guard;          /* npages entries (kernel only) */
	uint64_t npages;
	uint64_t *nfree;                /* exported counter */
	uint64_t hint;                  /* where ANY searches start */
};

void pages_init(struct pages *pg, struct xok_page_info *info,
    struct xok_cap *guard, uint64_t npages, uint64_t *nfree);
/* Take a page out of circulation for the kernel (boot memory, tables). */
void pages_reserve(struct pages *pg, uint64_t ppn);
/* Allocate page ppn (or any, XOK_PPN_ANY): ppn or -XE_RANGE/BUSY/NOMEM. */
int64_t pages_alloc(struct pages *pg, uint64_t ppn, uint32_t owner,
    const struct xok_cap *guard);
/* Free an allocated, unmapped page not held by XN: 0 or
 * -XE_RANGE/NOENT/BUSY. */
int pages_free(struct pages *pg, uint64_t ppn);
/* One more / one fewer page-table entry maps ppn. */
int pages_ref(struct pages *pg, uint64_t ppn);
void pages_unref(struct pages *pg, uint64_t ppn);
/* The owner died: free its unmapped pages, orphan the mapped ones. */
void pages_owner_died(struct pages *pg, uint32_t owner);
int pages_is_free(const struct pages *pg, uint64_t ppn);
/* Mark a page as caching a disk block for XN, or release it. */
void pages_set_xn(struct pages *pg, uint64_t ppn, int on);

#endif
