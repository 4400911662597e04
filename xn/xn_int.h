/*
 * xn/xn_int.h: definitions shared by the XN core files (not a public API):
 * the on-disk layout of the XN area and small helpers.
 */
#ifndef XN_INT_H
#define XN_INT_H

#include <xn/xn.h>

/* On-disk XN area (docs/XN.md, "On-disk layout"). */
#define XN_SB_MAGIC      0x42534e58u   /* "XNSB" */
#define XN_TP_MAGIC      0x50544e58u   /* "XNTP" */
#define XN_RT_MAGIC      0x54524e58u   /* "XNRT" */
#define XN_PT_MAGIC      0x54504e58u   /* "XNPT" */
#define XN_VERSION       2
#define XN_SB_BLOCK      0
#define XN_TMPL_START    1
#define XN_ROOT_BLOCK    (XN_TMPL_START + XN_MAX_TEMPLATES)
#define XN_PT_START      (XN_ROOT_BLOCK + 1)
#define XN_FMAP_START    (XN_PT_START + XN_PT_BLOCKS)
#define XN_BITS_PER_BLK  (XN_BLOCK_SIZE * 8)
#define XN_CSUM_OFF      (XN_BLOCK_SIZE - 4)

/* Superblock field offsets. */
#define SB_MAGIC     0
#define SB_VERSION   4
#define SB_BSIZE     8
#define SB_NBLOCKS   12
#define SB_TSTART    16
#define SB_TCOUNT    20
#define SB_ROOT      24
#define SB_FSTART    28
#define SB_FBLOCKS   32
#define SB_DSTART    36
#define SB_CLEAN     40
#define SB_GEN       44
#define SB_PSTART    48
#define SB_PCOUNT    52
#define SB_CSUM      56

/* Template block. */
#define TP_MAGIC     0
#define TP_TYPE      4
#define TP_OWNER     8
#define TP_LEN       12      /* three u32 */
#define TP_NAME      24
#define TP_CODE      56

/* Root table block: header then XN_MAX_ROOTS entries. */
#define RT_ENTRIES   16
#define RT_ESIZE     48
#define RE_NAME      0
#define RE_BLOCK     32
#define RE_OWNER     36
#define RE_TYPE      40

/* Principal table block: header then XN_PT_PER_BLOCK entries of
   XN_PT_ESIZE bytes: name length + 1 (0: empty) @0, name @1, zeros. */
#define PT_ENTRIES   16
#define XN_PT_ESIZE  16
#define XN_PT_PER_BLOCK ((XN_CSUM_OFF - PT_ENTRIES) / XN_PT_ESIZE)
#define XN_PT_HASH   2048    /* > 2 * XN_MAX_PRINCIPALS, a power of 2 */

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t
fmap_blocks_for(uint32_t nblocks)
{
	return (nblocks + XN_BITS_PER_BLK - 1) / XN_BITS_PER_BLK;
}

/* Block b was taken or given back (XN_BS_ALLOC changed): its free-map
   block is one xn_sync must look at. */
static inline void
xn_fmap_touch(struct xn *x, uint32_t b)
{
	x->fmap_dirty[b / XN_BITS_PER_BLK] = 1;
}

/* A transient mark in xn_bstate.flags, set and cleared within one call
   (the circular-wait check of a move; the blocks a chunk of
   xn_bc_insert_many took); never seen outside XN. */
#define XN_BS_MARK       0x8000

/* xn.c */
uint32_t xn_csum(const uint8_t *p, uint32_t n);
int xn_dread(struct xn *x, uint32_t b, void *buf);
int xn_dwrite(struct xn *x, uint32_t b, const void *buf);
struct xn_tmpl *xn_tmpl_get(struct xn *x, uint16_t type);
int xn_name_ok(const char *name);
int xn_name_eq(const char *a, const char *b);
void xn_name_copy(char *dst, const char *src);

/* tables.c */
void xn_build_roots(const struct xn *x, uint8_t *b);

/* principal.c */
void xn_build_principals(const struct xn *x, uint32_t blk, uint8_t *b);
int xn_load_principals(struct xn *x);

/* proof.c */
int xn_owns_set(struct xn *x, const struct xn_tmpl *t, const uint8_t *page,
                uint32_t block, struct xn_owned *set, uint32_t *n);
int xn_acl(struct xn *x, const struct xn_tmpl *t, const uint8_t *page,
           uint32_t block, uint32_t principal, uint32_t op, uint32_t off,
           uint32_t len, uint32_t child, uint16_t ctype);

/* bc.c */
struct xn_bc_entry *xn_bc_find(struct xn *x, uint32_t block);
void xn_bc_init(struct xn *x);
void xn_bc_drop(struct xn *x, struct xn_bc_entry *e);
void xn_bc_notify(struct xn *x, uint32_t principal, uint32_t block);
void xn_release_freeing(struct xn *x, uint32_t parent);
void xn_wait_add(struct xn *x, uint32_t b, uint32_t w);
void xn_wait_del(struct xn *x, uint32_t b, uint32_t w);

#endif /* XN_INT_H */
