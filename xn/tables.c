/*
 * xn/tables.c: XN's persistent tables: templates (registered once,
 * verified, written before use, never changed) and roots (named top
 * metadata blocks, each with a template type and an owner principal).
 */
#include "xn_int.h"

void
xn_build_roots(const struct xn *x, uint8_t *b)
{
	const struct xn_root *r;
	uint8_t *e;
	int i;

	memset(b, 0, XN_BLOCK_SIZE);
	put32(b, XN_RT_MAGIC);
	for (i = 0; i < XN_MAX_ROOTS; i++) {
		r = &x->roots[i];
		if (r->type == 0)
			continue;
		e = b + RT_ENTRIES + i * RT_ESIZE;
		memcpy(e + RE_NAME, r->name, XN_NAME_MAX);
		put32(e + RE_BLOCK, r->block);
		put32(e + RE_OWNER, r->owner);
		put32(e + RE_TYPE, r->type);
	}
	put32(b + XN_CSUM_OFF, xn_csum(b, XN_CSUM_OFF));
}

int
xn_template_register(struct xn *x, uint32_t principal,
                     const struct xn_template *t)
{
	const struct xn_insn *code[3];
	struct xn_tmpl *m = NULL;
	uint32_t len[3], steps[3], k, j, off, args[8] = { 0 };
	uint8_t *b;
	int i, r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (t == NULL || !xn_name_ok(t->name))
		return XN_EINVAL;
	if (t->type < XN_TYPE_TMPL_MIN || t->type > XN_TYPE_TMPL_MAX)
		return XN_ETYPE;
	code[0] = t->owns; len[0] = t->owns_len;
	code[1] = t->acl;  len[1] = t->acl_len;
	code[2] = t->size; len[2] = t->size_len;
	for (k = 0; k < 3; k++) {
		steps[k] = 0;
		if (k == 2 && len[k] == 0)
			continue;
		if ((r = xn_udf_verify(code[k], len[k], &steps[k])))
			return r;
	}
	for (i = 0; i < XN_MAX_TEMPLATES; i++) {
		if (x->tmpl[i].type == 0) {
			if (m == NULL)
				m = &x->tmpl[i];
			continue;
		}
		if (x->tmpl[i].type == t->type || xn_name_eq(x->tmpl[i].name, t->name))
			return XN_EEXIST;
	}
	if (m == NULL)
		return XN_ENOSPC;

	/* Fresh blocks are zero: a zero block must own nothing. */
	memset(x->blk, 0, XN_BLOCK_SIZE);
	r = xn_udf_run(code[0], len[0], x->blk, XN_BLOCK_SIZE, args, 1,
	               XN_OWNS_MAX, x->uout);
	if (r || x->uout->nblocks != 0)
		return XN_EUDFINIT;
	for (k = 1; k < 3; k++)
		if (len[k] && xn_udf_run(code[k], len[k], x->blk, XN_BLOCK_SIZE,
		                         args, 8, XN_OWNS_MAX, x->uout) ==
		              XN_EUDFFAULT)
			return XN_EUDFINIT;

	b = x->blk2;
	memset(b, 0, XN_BLOCK_SIZE);
	put32(b + TP_MAGIC, XN_TP_MAGIC);
	put32(b + TP_TYPE, t->type);
	put32(b + TP_OWNER, principal);
	xn_name_copy((char *)b + TP_NAME, t->name);
	off = TP_CODE;
	for (k = 0; k < 3; k++) {
		put32(b + TP_LEN + 4 * k, len[k]);
		for (j = 0; j < len[k]; j++, off += 8)
			xn_insn_encode(&code[k][j], b + off);
	}
	put32(b + XN_CSUM_OFF, xn_csum(b, XN_CSUM_OFF));
	if ((r = xn_dwrite(x, XN_TMPL_START + (uint32_t)(m - x->tmpl), b)))
		return r;
	memset(m, 0, sizeof *m);
	xn_name_copy(m->name, t->name);
	m->owner = principal;
	for (k = 0; k < 3; k++) {
		m->len[k] = len[k];
		m->steps[k] = steps[k];
		if (len[k])
			memcpy(m->code[k], code[k], len[k] * sizeof(struct xn_insn));
	}
	m->type = t->type;
	return 0;
}

int
xn_template_find(struct xn *x, const char *name, uint16_t *type)
{
	int i;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (!xn_name_ok(name))
		return XN_EINVAL;
	for (i = 0; i < XN_MAX_TEMPLATES; i++)
		if (x->tmpl[i].type && xn_name_eq(x->tmpl[i].name, name)) {
			if (type)
				*type = x->tmpl[i].type;
			return 0;
		}
	return XN_ENOENT;
}

/* ---- roots ---- */

static struct xn_root *
root_find(struct xn *x, const char *name)
{
	int i;

	for (i = 0; i < XN_MAX_ROOTS; i++)
		if (x->roots[i].type && xn_name_eq(x->roots[i].name, name))
			return &x->roots[i];
	return NULL;
}

int
xn_root_install(struct xn *x, uint32_t principal, const char *name,
                uint16_t type, uint32_t block, const void *init)
{
	struct xn_root *slot = NULL;
	const struct xn_tmpl *t;
	uint32_t n;
	int i, r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (!xn_name_ok(name))
		return XN_EINVAL;
	if (root_find(x, name))
		return XN_EEXIST;
	if ((t = xn_tmpl_get(x, type)) == NULL)
		return XN_ETYPE;
	if (block < x->data_start || block >= x->nblocks)
		return XN_ERANGE;
	if (x->bs[block].flags & XN_BS_FREEING)
		return XN_EBUSY;
	if (x->bs[block].flags)
		return XN_EINUSE;
	for (i = 0; i < XN_MAX_ROOTS && slot == NULL; i++)
		if (x->roots[i].type == 0)
			slot = &x->roots[i];
	if (slot == NULL)
		return XN_ENOSPC;
	if (init)
		memcpy(x->blk2, init, XN_BLOCK_SIZE);
	else
		memset(x->blk2, 0, XN_BLOCK_SIZE);
	if ((r = xn_owns_set(x, t, x->blk2, block, x->set_a, &n)))
		return r == XN_ERANGE ? XN_EPROOF : r;
	if (n != 0)
		return XN_EPROOF;
	/* The block is initialised on disk before the table points to it. */
	if ((r = xn_dwrite(x, block, x->blk2)))
		return r;
	xn_name_copy(slot->name, name);
	slot->block = block;
	slot->owner = principal;
	slot->type = type;
	xn_build_roots(x, x->blk2);
	if ((r = xn_dwrite(x, XN_ROOT_BLOCK, x->blk2))) {
		memset(slot, 0, sizeof *slot);
		return r;
	}
	memset(&x->bs[block], 0, sizeof x->bs[block]);
	x->bs[block].flags = XN_BS_ALLOC;
	xn_fmap_touch(x, block);
	x->bs[block].type = type;
	x->bs[block].parent = XN_PARENT_ROOT;
	return 0;
}

int
xn_root_lookup(struct xn *x, const char *name, uint32_t *block,
               uint16_t *type)
{
	struct xn_root *r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (!xn_name_ok(name))
		return XN_EINVAL;
	if ((r = root_find(x, name)) == NULL)
		return XN_ENOENT;
	if (block)
		*block = r->block;
	if (type)
		*type = r->type;
	return 0;
}

int
xn_root_remove(struct xn *x, uint32_t principal, const char *name)
{
	struct xn_root *rt, save;
	struct xn_bc_entry *e;
	uint32_t b;
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (!xn_name_ok(name))
		return XN_EINVAL;
	if ((rt = root_find(x, name)) == NULL)
		return XN_ENOENT;
	if (rt->owner != principal)
		return XN_EACCES;
	b = rt->block;
	if (x->bs[b].nchild)
		return XN_ENOTEMPTY;
	e = xn_bc_find(x, b);
	if (e && e->state == XN_BC_INFLIGHT)
		return XN_EBUSY;
	save = *rt;
	memset(rt, 0, sizeof *rt);
	xn_build_roots(x, x->blk2);
	if ((r = xn_dwrite(x, XN_ROOT_BLOCK, x->blk2))) {
		*rt = save;
		return r;
	}
	if (e)
		xn_bc_drop(x, e);
	/* Nothing on disk reaches the old root any more. */
	xn_release_freeing(x, b);
	memset(&x->bs[b], 0, sizeof x->bs[b]);
	x->bs[b].parent = XN_NOBLOCK;
	xn_fmap_touch(x, b);
	return 0;
}

