/*
 * jclient.c - the XN client backend of fuzz_journal (jclient.h): the
 * calls of XN's host library (as xn/client.c) behind a switch that
 * kills the "process" after its n-th change.  After the death every
 * call is refused without reaching XN, so XN's state is what the k
 * changes made, as the kernel keeps it when a libFS process dies.
 */
#include <xn/client.h>

#include "jclient.h"

static uint32_t left, nchg;
static int dead;
static void (*ondeath)(void);

void
jc_die_after(uint32_t n, void (*death)(void))
{
	left = n;
	ondeath = death;
	nchg = 0;
	dead = 0;
}

int
jc_dead(void)
{
	return dead;
}

uint32_t
jc_changes(void)
{
	return nchg;
}

/* After a change: count it, and die if it was the last one allowed. */
static int
changed(int r)
{
	nchg++;
	if (left != 0 && --left == 0) {
		dead = 1;
		if (ondeath != NULL)
			ondeath();
	}
	return r;
}

#define ALIVE() do { if (dead) return XN_EIO; } while (0)

static size_t
j_arena_size(uint32_t nblocks, uint32_t slots)
{
	return xn_arena_size(nblocks, slots);
}

static int
j_format(const struct xn_disk *d, uint32_t nblocks, void *buf)
{
	ALIVE();
	return xn_format(d, nblocks, buf);
}

static int
j_mount(struct xn *x, const struct xn_disk *d, void *arena, size_t len,
        uint32_t slots, struct xn_mount_report *rep)
{
	ALIVE();
	return xn_mount(x, d, arena, len, slots, rep);
}

static int
j_sync(struct xn *x)
{
	ALIVE();
	return xn_sync(x);
}

static int
j_unmount(struct xn *x)
{
	ALIVE();
	return xn_unmount(x);
}

static int
j_layout(struct xn *x, struct xn_layout *out)
{
	ALIVE();
	return xn_layout_get(x, out);
}

static int
j_template_register(struct xn *x, uint32_t pr, const struct xn_template *t)
{
	ALIVE();
	return xn_template_register(x, pr, t);
}

static int
j_template_find(struct xn *x, const char *name, uint16_t *type)
{
	ALIVE();
	return xn_template_find(x, name, type);
}

static int
j_root_install(struct xn *x, uint32_t pr, const char *name, uint16_t type,
               uint32_t block, const void *init)
{
	ALIVE();
	return xn_root_install(x, pr, name, type, block, init);
}

static int
j_root_lookup(struct xn *x, const char *name, uint32_t *block,
              uint16_t *type)
{
	ALIVE();
	return xn_root_lookup(x, name, block, type);
}

static int
j_alloc(struct xn *x, uint32_t pr, uint32_t parent, uint32_t off,
        uint32_t len, const void *bytes, const struct xn_claim *c,
        uint32_t nc)
{
	ALIVE();
	return changed(xn_alloc(x, pr, parent, off, len, bytes, c, nc));
}

static int
j_free(struct xn *x, uint32_t pr, uint32_t parent, uint32_t off,
       uint32_t len, const void *bytes, const struct xn_claim *c,
       uint32_t nc)
{
	ALIVE();
	return changed(xn_free(x, pr, parent, off, len, bytes, c, nc));
}

static int
j_move(struct xn *x, uint32_t pr, uint32_t from, uint32_t off, uint32_t len,
       const void *bytes, uint32_t to, uint32_t off2, uint32_t len2,
       const void *bytes2, const struct xn_claim *c, uint32_t nc)
{
	ALIVE();
	return changed(xn_move(x, pr, from, off, len, bytes, to, off2, len2,
	                       bytes2, c, nc));
}

static int
j_write(struct xn *x, uint32_t pr, uint32_t block, uint32_t off,
        uint32_t len, const void *bytes)
{
	ALIVE();
	return changed(xn_write(x, pr, block, off, len, bytes));
}

static int
j_write_many(struct xn *x, uint32_t pr, const struct xn_wr *w, uint32_t n,
             uint32_t *done)
{
	ALIVE();
	return changed(xn_write_many(x, pr, w, n, done));
}

static int
j_bc_insert(struct xn *x, uint32_t pr, uint32_t block, void *page)
{
	ALIVE();
	return xn_bc_insert(x, pr, block, page);
}

static int
j_bc_insert_many(struct xn *x, uint32_t pr, const uint32_t *blocks,
                 void *const *pages, uint32_t n, int *res)
{
	ALIVE();
	return xn_bc_insert_many(x, pr, blocks, pages, n, res);
}

static int
j_bc_lookup(struct xn *x, uint32_t block, struct xn_bc_info *out)
{
	ALIVE();
	return xn_bc_lookup(x, block, out);
}

static int
j_bc_evict(struct xn *x, uint32_t pr, uint32_t block)
{
	ALIVE();
	return xn_bc_evict(x, pr, block);
}

static int
j_bc_evict_many(struct xn *x, uint32_t pr, const uint32_t *blocks,
                uint32_t n, int *res)
{
	ALIVE();
	return xn_bc_evict_many(x, pr, blocks, n, res);
}

static int
j_writeback(struct xn *x, uint32_t block)
{
	ALIVE();
	return xn_writeback(x, block);
}

static int
j_writeback_many(struct xn *x, const uint32_t *blocks, uint32_t n,
                 uint32_t *done)
{
	ALIVE();
	return xn_writeback_many(x, blocks, n, done);
}

static int
j_block_info(struct xn *x, uint32_t block, struct xn_block_info *out)
{
	ALIVE();
	return xn_block_info(x, block, out);
}

const struct xn_client_ops xn_client = {
	.name = "host-killable",
	.arena_size = j_arena_size,
	.format = j_format,
	.mount = j_mount,
	.sync = j_sync,
	.unmount = j_unmount,
	.layout = j_layout,
	.template_register = j_template_register,
	.template_find = j_template_find,
	.root_install = j_root_install,
	.root_lookup = j_root_lookup,
	.alloc = j_alloc,
	.free = j_free,
	.move = j_move,
	.write = j_write,
	.write_many = j_write_many,
	.bc_insert = j_bc_insert,
	.bc_insert_many = j_bc_insert_many,
	.bc_lookup = j_bc_lookup,
	.bc_evict = j_bc_evict,
	.bc_evict_many = j_bc_evict_many,
	.writeback = j_writeback,
	.writeback_many = j_writeback_many,
	.block_info = j_block_info,
};
