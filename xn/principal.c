/*
 * xn/principal.c: the principal table.  In the kernel a principal is
 * the identity of a capability's name.  It must be the same after a
 * reboot (root owners and template registrants are on disk, acl-ufs
 * compare r0 with principals a libFS stored in its metadata) and no
 * other name may ever get it, so it cannot be a hash of the name: XN
 * keeps the names it has seen in a table in its own area, and a name's
 * principal is 1 + its place there.  A new name takes the next entry,
 * and the table block holding it is written (with a flush) before its
 * principal is returned, so nothing on disk can hold a principal whose
 * name is not there.  Entries are never removed.  A hash index over the
 * entries, rebuilt at mount, finds a name without a scan; lookups always
 * compare the whole name.
 */
#include "xn_int.h"

_Static_assert(XN_MAX_PRINCIPALS == XN_PT_BLOCKS * XN_PT_PER_BLOCK &&
    XN_MAX_PRINCIPALS < 65535 && XN_PT_HASH >= 2 * XN_MAX_PRINCIPALS,
    "principal table sizes");

/* A name as a table entry: length + 1, the name, zeros. */
static void
pt_entry(uint8_t *e, const uint8_t *name, uint32_t len)
{
	memset(e, 0, XN_PT_ESIZE);
	e[0] = (uint8_t)(len + 1);
	if (len)
		memcpy(e + 1, name, len);
}

static uint32_t
pt_slot(const uint8_t *e)
{
	return xn_csum(e, XN_PT_ESIZE) & (XN_PT_HASH - 1);
}

/* Index of entry e in the table, or -1. */
static int32_t
pt_find(const struct xn *x, const uint8_t *e)
{
	uint32_t h = pt_slot(e), i;

	for (; x->pthash[h] != 0; h = (h + 1) & (XN_PT_HASH - 1)) {
		i = x->pthash[h] - 1u;
		if (memcmp(x->pt + (size_t)i * XN_PT_ESIZE, e, XN_PT_ESIZE) == 0)
			return (int32_t)i;
	}
	return -1;
}

static void
pt_index(struct xn *x, uint32_t i)
{
	uint32_t h = pt_slot(x->pt + (size_t)i * XN_PT_ESIZE);

	while (x->pthash[h] != 0)
		h = (h + 1) & (XN_PT_HASH - 1);
	x->pthash[h] = (uint16_t)(i + 1);
}

/* Table block blk (0 .. XN_PT_BLOCKS-1) from the entries in memory
   (x->pt NULL: an empty block, for xn_format). */
void
xn_build_principals(const struct xn *x, uint32_t blk, uint8_t *b)
{
	uint32_t i, k;

	memset(b, 0, XN_BLOCK_SIZE);
	put32(b, XN_PT_MAGIC);
	for (k = 0; x->pt != NULL && k < XN_PT_PER_BLOCK; k++) {
		i = blk * XN_PT_PER_BLOCK + k;
		if (i >= x->npr)
			break;
		memcpy(b + PT_ENTRIES + k * XN_PT_ESIZE,
		    x->pt + (size_t)i * XN_PT_ESIZE, XN_PT_ESIZE);
	}
	put32(b + XN_CSUM_OFF, xn_csum(b, XN_CSUM_OFF));
}

/* A table entry read from disk is well formed: used or all zero, the
   bytes past the name zero. */
static int
entry_ok(const uint8_t *e)
{
	uint32_t j;

	if (e[0] > XN_PR_NAME_MAX + 1)
		return 0;
	for (j = e[0] == 0 ? 0 : e[0]; j < XN_PT_ESIZE; j++)
		if (e[j] != 0)
			return 0;
	return 1;
}

/* Read and check the table: entries are used from the first on, with no
   gap and no name twice.  XN_ECORRUPT otherwise. */
int
xn_load_principals(struct xn *x)
{
	uint8_t *b = x->blk, *e;
	uint32_t blk, k, i;
	int r, end = 0;

	x->npr = 0;
	memset(x->pthash, 0, sizeof(uint16_t) * XN_PT_HASH);
	for (blk = 0; blk < XN_PT_BLOCKS; blk++) {
		if ((r = xn_dread(x, XN_PT_START + blk, b)))
			return r;
		if (get32(b) != XN_PT_MAGIC ||
		    get32(b + XN_CSUM_OFF) != xn_csum(b, XN_CSUM_OFF))
			return XN_ECORRUPT;
		for (i = 4; i < PT_ENTRIES; i++)
			if (b[i] != 0)
				return XN_ECORRUPT;
		for (k = 0; k < XN_PT_PER_BLOCK; k++) {
			e = b + PT_ENTRIES + k * XN_PT_ESIZE;
			if (!entry_ok(e))
				return XN_ECORRUPT;
			if (e[0] == 0) {
				end = 1;
				continue;
			}
			if (end || pt_find(x, e) >= 0)
				return XN_ECORRUPT;
			memcpy(x->pt + (size_t)x->npr * XN_PT_ESIZE, e,
			    XN_PT_ESIZE);
			pt_index(x, x->npr++);
		}
		for (i = PT_ENTRIES + XN_PT_PER_BLOCK * XN_PT_ESIZE;
		    i < XN_CSUM_OFF; i++)
			if (b[i] != 0)
				return XN_ECORRUPT;
	}
	return 0;
}

int
xn_principal(struct xn *x, const uint8_t *name, uint32_t len, int create,
             uint32_t *principal)
{
	uint8_t e[XN_PT_ESIZE];
	uint32_t i;
	int32_t f;
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (principal == NULL || len > XN_PR_NAME_MAX ||
	    (name == NULL && len > 0))
		return XN_EINVAL;
	pt_entry(e, name, len);
	if ((f = pt_find(x, e)) >= 0) {
		*principal = (uint32_t)f + 1;
		return 0;
	}
	if (!create)
		return XN_ENOENT;
	if (x->npr >= XN_MAX_PRINCIPALS)
		return XN_ENOSPC;
	i = x->npr++;
	memcpy(x->pt + (size_t)i * XN_PT_ESIZE, e, XN_PT_ESIZE);
	xn_build_principals(x, i / XN_PT_PER_BLOCK, x->blk2);
	if ((r = xn_dwrite(x, XN_PT_START + i / XN_PT_PER_BLOCK, x->blk2))) {
		/* not on disk: not given (the entry is forgotten) */
		x->npr--;
		memset(x->pt + (size_t)i * XN_PT_ESIZE, 0, XN_PT_ESIZE);
		return r;
	}
	pt_index(x, i);
	*principal = i + 1;
	return 0;
}
