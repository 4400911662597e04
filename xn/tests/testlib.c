/*
 * xn/tests/testlib.c: fixtures for the XN tests (see testlib.h).
 */
#include "testlib.h"

const struct xn_insn t_dir_owns[] = {
	XN_I(LDI, 5, 0, 0, 1),
	XN_I(LOOP, 1, XN_UDF_NOREG, 5, T_NENT),
	XN_I(SHLI, 2, 1, 0, 3),
	XN_I(LD32, 3, 2, 0, 16),
	XN_I(JEQI, 3, 0, 2, 0),          /* empty: next entry */
	XN_I(LD32, 4, 2, 0, 20),
	XN_I(EMIT, 3, 5, 4, 0),
	XN_I(RET, 0, 0, 0, 0),
};
const uint32_t t_dir_owns_len = sizeof t_dir_owns / sizeof t_dir_owns[0];

/* Allow if the owner field is 0 or equals the principal (r0). */
const struct xn_insn t_dir_acl[] = {
	XN_I(LDI, 8, 0, 0, 0),
	XN_I(LD32, 7, 8, 0, 4),
	XN_I(JEQI, 7, 0, 2, 0),
	XN_I(JEQ, 7, 0, 1, 0),
	XN_I(RET, 8, 0, 0, 0),
	XN_I(LDI, 9, 0, 0, 1),
	XN_I(RET, 9, 0, 0, 0),
};
const uint32_t t_dir_acl_len = sizeof t_dir_acl / sizeof t_dir_acl[0];

/* Size: number of used entries. */
const struct xn_insn t_dir_size[] = {
	XN_I(LDI, 6, 0, 0, 0),
	XN_I(LOOP, 1, XN_UDF_NOREG, 4, T_NENT),
	XN_I(SHLI, 2, 1, 0, 3),
	XN_I(LD32, 3, 2, 0, 16),
	XN_I(JEQI, 3, 0, 1, 0),
	XN_I(ADDI, 6, 6, 0, 1),
	XN_I(RET, 6, 0, 0, 0),
};
const uint32_t t_dir_size_len = sizeof t_dir_size / sizeof t_dir_size[0];

struct xn_template
t_dir_template(void)
{
	struct xn_template t;

	memset(&t, 0, sizeof t);
	strcpy(t.name, "test.dir");
	t.type = T_DIR;
	t.owns = t_dir_owns; t.owns_len = t_dir_owns_len;
	t.acl = t_dir_acl;   t.acl_len = t_dir_acl_len;
	t.size = t_dir_size; t.size_len = t_dir_size_len;
	return t;
}

void
t_put32(uint8_t *b, uint32_t off, uint32_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
	b[off + 2] = (uint8_t)(v >> 16);
	b[off + 3] = (uint8_t)(v >> 24);
}

uint32_t
t_get32(const uint8_t *b, uint32_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	       (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

void
fx_init(struct fx *f, uint32_t nblocks)
{
	uint8_t buf[XN_BLOCK_SIZE];

	memset(f, 0, sizeof *f);
	ck_assert_int_eq(xn_memdisk_init(&f->md, nblocks), 0);
	/* Unwritten blocks hold garbage, as on a real disk. */
	memset(f->md.data, 0xde, (size_t)nblocks * XN_BLOCK_SIZE);
	ck_assert_int_eq(xn_format(&f->md.disk, nblocks, buf), 0);
	f->arena_len = xn_arena_size(nblocks, T_BCSLOTS);
	ck_assert_uint_gt(f->arena_len, 0);
	f->arena = malloc(f->arena_len);
	f->pages = calloc(T_NPAGES, XN_BLOCK_SIZE);
	ck_assert_ptr_nonnull(f->arena);
	ck_assert_ptr_nonnull(f->pages);
}

int
fx_mount(struct fx *f)
{
	int r;

	f->npage = 0;
	r = xn_mount(&f->x, &f->md.disk, f->arena, f->arena_len, T_BCSLOTS,
	             NULL);
	if (r == 0 && f->batch)
		ck_assert_int_eq(xn_set_batch(&f->x, &xn_memdisk_batch), 0);
	return r;
}

void
fx_setup(struct fx *f)
{
	struct xn_template t = t_dir_template();

	fx_init(f, T_NBLOCKS);
	ck_assert_int_eq(fx_mount(f), 0);
	ck_assert_int_eq(xn_template_register(&f->x, P_ALICE, &t), 0);
}

void
fx_done(struct fx *f)
{
	xn_memdisk_free(&f->md);
	free(f->arena);
	free(f->pages);
}

void *
fx_page(struct fx *f)
{
	ck_assert_int_lt(f->npage, T_NPAGES);
	return f->pages[f->npage++];
}

int
t_link(struct xn *x, uint32_t pr, uint32_t dir, int slot, uint32_t block,
       uint16_t type)
{
	uint8_t e[8];
	struct xn_claim c = { block, type };

	t_put32(e, 0, block);
	t_put32(e, 4, type);
	return xn_alloc(x, pr, dir, 16 + 8 * (uint32_t)slot, 8, e, &c, 1);
}

int
t_unlink(struct xn *x, uint32_t pr, uint32_t dir, int slot, uint32_t block,
         uint16_t type)
{
	uint8_t e[8] = { 0 };
	struct xn_claim c = { block, type };

	return xn_free(x, pr, dir, 16 + 8 * (uint32_t)slot, 8, e, &c, 1);
}

int
t_move(struct xn *x, uint32_t pr, uint32_t from, int fslot, uint32_t to,
       int tslot, uint32_t block, uint16_t type)
{
	uint8_t z[8] = { 0 }, e[8];
	struct xn_claim c = { block, type };

	t_put32(e, 0, block);
	t_put32(e, 4, type);
	return xn_move(x, pr, from, 16 + 8 * (uint32_t)fslot, 8, z, to,
	               16 + 8 * (uint32_t)tslot, 8, e, &c, 1);
}

int
t_mkroot(struct fx *f, const char *name, uint32_t block, uint32_t owner)
{
	uint8_t init[XN_BLOCK_SIZE] = { 0 };

	t_put32(init, 0, T_DIRMAGIC);
	t_put32(init, 4, owner);
	return xn_root_install(&f->x, owner, name, T_DIR, block, init);
}

int
t_cache(struct fx *f, uint32_t pr, uint32_t block)
{
	return xn_bc_insert(&f->x, pr, block, fx_page(f));
}

int
t_initdir(struct xn *x, uint32_t pr, uint32_t block, uint32_t owner)
{
	uint8_t h[8];

	t_put32(h, 0, T_DIRMAGIC);
	t_put32(h, 4, owner);
	return xn_write(x, pr, block, 0, 8, h);
}

int
t_initdata(struct xn *x, uint32_t pr, uint32_t block)
{
	uint8_t d[XN_BLOCK_SIZE];

	memset(d, 0x5a, sizeof d);
	t_put32(d, 0, T_DATMAGIC);
	t_put32(d, 4, block);
	return xn_write(x, pr, block, 0, XN_BLOCK_SIZE, d);
}
