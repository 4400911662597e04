/*
 * role.c: spawn a copy of the running test program in a role (sp->arg)
 * and share a fresh page with it: the page is mapped at child_va in the
 * child and at the next free address of a scratch range here (*shared).
 * The child is not started unless sp->start says so.  On failure
 * *shared points at a static page of zeros, so a test that goes on to
 * read it reads nothing stale.  Used by ktest, cputest and tlstest.
 */
#include "role.h"
#include <string.h>

int64_t
role_spawn(const struct exos_spawn *sp, uint64_t child_va,
    volatile uint64_t **shared, uint64_t *ppn)
{
	static uint64_t next_va = 0x0000000a00000000UL;
	static uint64_t none[XOK_PGSIZE / sizeof(uint64_t)];
	int64_t child, p;

	*shared = none;
	if ((child = exos_spawn(sp)) < 0)
		return child;
	if ((p = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
	    sys_page_map(XOK_SELF, next_va, (uint64_t)p, XOK_PTE_W, 0, 0) < 0 ||
	    sys_page_map((uint64_t)child, child_va, (uint64_t)p,
	    XOK_PTE_W, 0, 0) < 0)
		return -XE_NOMEM;
	memset((void *)next_va, 0, XOK_PGSIZE);
	*shared = (volatile uint64_t *)next_va;
	if (ppn != NULL)
		*ppn = (uint64_t)p;
	next_va += XOK_PGSIZE;
	return child;
}
