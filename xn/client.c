/*
 * xn/client.c: the host backend of XN's client table (xn/client.h): the
 * calls of XN's own library, for a libFS on the host (C-FFS's tests and
 * tools).  Not part of the kernel: there the client backend is
 * libexos/xnclient.c, in the libFS's process.
 */
#include <xn/client.h>

const struct xn_client_ops xn_client = {
	.name = "host",
	.arena_size = xn_arena_size,
	.format = xn_format,
	.mount = xn_mount,
	.sync = xn_sync,
	.unmount = xn_unmount,
	.layout = xn_layout_get,
	.template_register = xn_template_register,
	.template_find = xn_template_find,
	.root_install = xn_root_install,
	.root_lookup = xn_root_lookup,
	.alloc = xn_alloc,
	.free = xn_free,
	.move = xn_move,
	.write = xn_write,
	.write_many = xn_write_many,
	.bc_insert = xn_bc_insert,
	.bc_insert_many = xn_bc_insert_many,
	.bc_lookup = xn_bc_lookup,
	.bc_evict = xn_bc_evict,
	.bc_evict_many = xn_bc_evict_many,
	.writeback = xn_writeback,
	.writeback_many = xn_writeback_many,
	.block_info = xn_block_info,
};
