/*
 * xn/layout.c: what a client may know of XN's on-disk area, read
 * through these calls instead of parsing XN's blocks itself (docs/XN.md,
 * "The client API").  A libFS needs to know where the data area starts
 * and where the free map is (a checker reads and repairs the map), the
 * block of a root and the types of the templates: both of XN's client
 * backends (this library, libexos/xnclient.c over the kernel) and the
 * libFS's checker get them here, so XN's layout is parsed only in xn/.
 *
 * The disk readers here (xn_layout_read, xn_layout_root,
 * xn_layout_template) are linked into both backends; xn_layout_get, the
 * layout of a mounted instance, is each backend's own (xn/xn.c,
 * libexos/xnclient.c).  The readers work on a disk XN has not mounted,
 * and check only what their caller needs to use the numbers safely, not
 * everything a mount checks (checksums, the clean flag, the tree): a
 * checker looks at a damaged disk with them and asks xn_mount for the
 * verdict.
 */
#include "xn_int.h"

static int
dread(const struct xn_disk *d, uint32_t block, void *buf)
{
	if (block >= d->nblocks)
		return XN_ECORRUPT;
	return d->ops->read(d->ctx, block, buf) < 0 ? XN_EIO : 0;
}

int
xn_layout_read(const struct xn_disk *d, void *blockbuf,
               struct xn_layout *out)
{
	const uint8_t *b = blockbuf;
	int r;

	if (d == NULL || d->ops == NULL || d->ops->read == NULL ||
	    blockbuf == NULL || out == NULL)
		return XN_EINVAL;
	if ((r = dread(d, XN_SB_BLOCK, blockbuf)) != 0)
		return r;
	out->nblocks = get32(b + SB_NBLOCKS);
	out->tmpl_start = get32(b + SB_TSTART);
	out->tmpl_count = get32(b + SB_TCOUNT);
	out->root_block = get32(b + SB_ROOT);
	out->fmap_start = get32(b + SB_FSTART);
	out->fmap_blocks = get32(b + SB_FBLOCKS);
	out->data_start = get32(b + SB_DSTART);
	/* every area inside XN's, XN's inside the disk */
	if (get32(b + SB_MAGIC) != XN_SB_MAGIC ||
	    get32(b + SB_BSIZE) != XN_BLOCK_SIZE ||
	    out->nblocks > d->nblocks || out->nblocks > XN_MAX_NBLOCKS ||
	    out->data_start >= out->nblocks ||
	    out->root_block == 0 || out->root_block >= out->data_start ||
	    out->tmpl_start == 0 || out->tmpl_count > XN_MAX_TEMPLATES ||
	    out->tmpl_start + out->tmpl_count > out->data_start ||
	    out->fmap_start == 0 ||
	    out->fmap_blocks < fmap_blocks_for(out->nblocks) ||
	    out->fmap_start + out->fmap_blocks > out->data_start)
		return XN_ECORRUPT;
	return 0;
}

/* a, at most XN_NAME_MAX bytes, is the name n (NUL-terminated). */
static int
name_is(const uint8_t *a, const char *n)
{
	uint32_t i;

	for (i = 0; i < XN_NAME_MAX; i++) {
		if (a[i] != (uint8_t)n[i])
			return 0;
		if (n[i] == '\0')
			return 1;
	}
	return 1;
}

int
xn_layout_root(const struct xn_disk *d, const struct xn_layout *l,
               void *blockbuf, const char *name, uint32_t *block,
               uint16_t *type)
{
	const uint8_t *b = blockbuf, *e;
	uint32_t i, t;
	int r;

	if (d == NULL || l == NULL || blockbuf == NULL || name == NULL)
		return XN_EINVAL;
	if ((r = dread(d, l->root_block, blockbuf)) != 0)
		return r;
	if (get32(b) != XN_RT_MAGIC)
		return XN_ECORRUPT;
	for (i = 0; i < XN_MAX_ROOTS; i++) {
		e = b + RT_ENTRIES + i * RT_ESIZE;
		t = get32(e + RE_TYPE);
		if (t == 0 || !name_is(e + RE_NAME, name))
			continue;
		if (t > 0xffff)
			return XN_ECORRUPT;
		if (block != NULL)
			*block = get32(e + RE_BLOCK);
		if (type != NULL)
			*type = (uint16_t)t;
		return 0;
	}
	return XN_ENOENT;
}

int
xn_layout_template(const struct xn_disk *d, const struct xn_layout *l,
                   void *blockbuf, uint32_t i, char name[XN_NAME_MAX],
                   uint16_t *type)
{
	const uint8_t *b = blockbuf;
	uint32_t t;
	int r;

	if (d == NULL || l == NULL || blockbuf == NULL || name == NULL ||
	    type == NULL)
		return XN_EINVAL;
	if (i >= l->tmpl_count)
		return XN_ERANGE;
	if ((r = dread(d, l->tmpl_start + i, blockbuf)) != 0)
		return r;
	if (get32(b + TP_MAGIC) != XN_TP_MAGIC)
		return XN_ENOENT;               /* an empty slot */
	t = get32(b + TP_TYPE);
	if (t < XN_TYPE_TMPL_MIN || t > XN_TYPE_TMPL_MAX)
		return XN_ECORRUPT;
	memcpy(name, b + TP_NAME, XN_NAME_MAX);
	name[XN_NAME_MAX - 1] = '\0';
	*type = (uint16_t)t;
	return 0;
}
