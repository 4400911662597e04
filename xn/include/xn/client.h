/*
 * xn/client.h: the calls a library file system makes to XN, as one
 * function table with two backends (docs/XN.md, "The client API"):
 *   - XN's host library (xn/client.c over the core of xn/, a file or
 *     memory disk): the host tests, the C-FFS tools;
 *   - libexos/xnclient.c: the same calls over the kernel's XN calls,
 *     in every ExOS program that uses C-FFS.
 * Each backend defines xn_client; a program links exactly one, so the
 * libFS (cffs/xnfs.c) is one source for both, and a backend that lacks
 * a call or gives it another type does not compile.  The members are
 * the xn_* calls of xn/xn.h with the same arguments and results.
 * struct xn is the backend's own state: a client never reads its
 * fields (xn_layout_get gives what it may know).  What does not depend
 * on the backend is called directly: XN's layout readers
 * (xn_layout_read, xn_layout_root, xn_layout_template), the UDF
 * interpreter, xn_strerror.
 */
#ifndef XN_CLIENT_H
#define XN_CLIENT_H

#include <xn/xn.h>

struct xn_client_ops {
	const char *name;               /* "host", "kernel" */
	/* setup */
	size_t (*arena_size)(uint32_t nblocks, uint32_t bc_slots);
	int (*format)(const struct xn_disk *d, uint32_t nblocks,
	              void *blockbuf);
	int (*mount)(struct xn *x, const struct xn_disk *d, void *arena,
	             size_t arena_len, uint32_t bc_slots,
	             struct xn_mount_report *rep);
	int (*sync)(struct xn *x);
	int (*unmount)(struct xn *x);
	int (*layout)(struct xn *x, struct xn_layout *out);
	/* templates and roots */
	int (*template_register)(struct xn *x, uint32_t principal,
	                         const struct xn_template *t);
	int (*template_find)(struct xn *x, const char *name, uint16_t *type);
	int (*root_install)(struct xn *x, uint32_t principal, const char *name,
	                    uint16_t type, uint32_t block, const void *init);
	int (*root_lookup)(struct xn *x, const char *name, uint32_t *block,
	                   uint16_t *type);
	/* changes, each checked by proof and acl */
	int (*alloc)(struct xn *x, uint32_t principal, uint32_t parent,
	             uint32_t off, uint32_t len, const void *bytes,
	             const struct xn_claim *claims, uint32_t nclaims);
	int (*free)(struct xn *x, uint32_t principal, uint32_t parent,
	            uint32_t off, uint32_t len, const void *bytes,
	            const struct xn_claim *claims, uint32_t nclaims);
	int (*move)(struct xn *x, uint32_t principal, uint32_t from,
	            uint32_t off, uint32_t len, const void *bytes, uint32_t to,
	            uint32_t off2, uint32_t len2, const void *bytes2,
	            const struct xn_claim *claims, uint32_t nclaims);
	int (*write)(struct xn *x, uint32_t principal, uint32_t block,
	             uint32_t off, uint32_t len, const void *bytes);
	int (*write_many)(struct xn *x, uint32_t principal,
	                  const struct xn_wr *w, uint32_t n, uint32_t *done);
	/* the buffer-cache registry and write-back */
	int (*bc_insert)(struct xn *x, uint32_t principal, uint32_t block,
	                 void *page);
	int (*bc_insert_many)(struct xn *x, uint32_t principal,
	                      const uint32_t *blocks, void *const *pages,
	                      uint32_t n, int *results);
	int (*bc_lookup)(struct xn *x, uint32_t block, struct xn_bc_info *out);
	int (*bc_evict)(struct xn *x, uint32_t principal, uint32_t block);
	int (*bc_evict_many)(struct xn *x, uint32_t principal,
	                     const uint32_t *blocks, uint32_t n, int *results);
	int (*writeback)(struct xn *x, uint32_t block);
	int (*writeback_many)(struct xn *x, const uint32_t *blocks, uint32_t n,
	                      uint32_t *done);
	/* inspection */
	int (*block_info)(struct xn *x, uint32_t block,
	                  struct xn_block_info *out);
};

/* The backend this program is linked with. */
extern const struct xn_client_ops xn_client;

#endif /* XN_CLIENT_H */
