/*
 * xntemplate.h: the XN template the kernel's guest tests share (attack.c,
 * xnmap.c, kfuzz.c): a block owning n extents of data blocks, (start,
 * count) as two 32-bit words at offsets 0, 8, 16, ..., whose acl-uf lets
 * any principal change it.
 */
#ifndef XNTEMPLATE_H
#define XNTEMPLATE_H

#include <exos/exos.h>
#include <xn/xn.h>

#define XNT_MAX_EXTENTS 4

/* t := the template named name of type type with n extents (1..4). */
static inline void
xn_extent_template(struct xok_xn_template *t, const char *name,
    uint32_t type, unsigned n)
{
	const struct xn_insn acl[] = {
		XN_I(LDI, 9, 0, 0, 1),
		XN_I(RET, 9, 0, 0, 0),
	};
	struct xn_insn owns[2 + 3 * XNT_MAX_EXTENTS + 2];
	unsigned i, k = 0;

	if (n < 1)
		n = 1;
	if (n > XNT_MAX_EXTENTS)
		n = XNT_MAX_EXTENTS;
	owns[k++] = XN_I(LDI, 1, 0, 0, 0);
	owns[k++] = XN_I(LDI, 4, 0, 0, XN_TYPE_DATA);
	for (i = 0; i < n; i++) {
		owns[k++] = XN_I(LD32, 2, 1, 0, 8 * i);
		owns[k++] = XN_I(LD32, 3, 1, 0, 8 * i + 4);
		owns[k++] = XN_I(EMIT, 2, 3, 4, 0);
	}
	owns[k++] = XN_I(LDI, 0, 0, 0, 0);
	owns[k++] = XN_I(RET, 0, 0, 0, 0);

	memset(t, 0, sizeof(*t));
	strncpy(t->name, name, sizeof(t->name) - 1);
	t->type = type;
	t->len[0] = k;
	t->len[1] = sizeof(acl) / sizeof(acl[0]);
	memcpy(t->code[0], owns, k * sizeof(owns[0]));
	memcpy(t->code[1], acl, sizeof(acl));
}

#endif
