/*
 * xnmap.c: XN_BC_MAP, how a library file system reads a cached block in
 * place instead of copying it (the shared block cache:
 * docs/ARCHITECTURE.md, "The shared block cache").  The pages of XN's
 * buffer-cache registry already map read-only for anyone (XN protects
 * changes, not reads); this call maps the pages of up to XOK_XN_MAP_MAX
 * consecutive cached blocks at free addresses of the caller in one
 * step, with no window between finding a block's page and mapping it,
 * as *cache views*: page-table entries marked so that, when the
 * registry lets a page go (eviction, a free that drops the entry, a
 * format: xnsys.c), pmap_revoke_page removes them from every
 * environment, the page's owner included.  A view therefore shows the
 * block's committed bytes (XN changes the page in place) or is gone;
 * it never shows a page that left the registry.
 * Everything is checked before anything is mapped: all or nothing.
 */
#include "kern.h"
#include <xn/xn.h>

/* xnsys.c: XN when it is mounted, else NULL. */
struct xn *xnsys_xn(void);

int64_t
sys_xn_bc_map(uint64_t block, uint64_t n, uint64_t va)
{
	struct xn *x = xnsys_xn();
	uint64_t ppn[XOK_XN_MAP_MAX];
	struct xn_bc_info bi;
	uint64_t i;
	int err;

	if (x == NULL)
		return -XE_NODEV;
	if (n == 0 || n > XOK_XN_MAP_MAX)
		return -XE_INVAL;
	if (block >= x->nblocks || n > x->nblocks - block)
		return -XE_RANGE;
	if (va % PGSIZE || va < XOK_UVA_MIN || va >= XOK_UVA_MAX ||
	    n > (XOK_UVA_MAX - va) / PGSIZE)
		return -XE_INVAL;
	for (i = 0; i < n; i++) {
		if (xn_bc_lookup(x, (uint32_t)(block + i), &bi) != 0 ||
		    bi.page == NULL)
			return XN_ENOTCACHED - XE_XN;
		ppn[i] = PADDR(bi.page) / PGSIZE;
		if (ppn[i] >= pages.npages ||
		    !(pages.info[ppn[i]].flags & XOK_PG_XN))
			return XN_ENOTCACHED - XE_XN;
	}
	for (i = 0; i < n; i++)
		if (pmap_lookup(curenv, va + i * PGSIZE) >= 0)
			return -XE_BUSY;
	for (i = 0; i < n; i++)
		if ((err = pmap_map_view(curenv, va + i * PGSIZE, ppn[i])) < 0) {
			/* out of page tables or references: undo.  The pages
			 * are XN's, so no unmap here can free one. */
			while (i-- > 0)
				pmap_unmap(curenv, va + i * PGSIZE);
			return err;
		}
	return 0;
}
