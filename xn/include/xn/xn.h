/*
 * xn/xn.h: XN, the exokernel's stable-storage protection layer.
 *
 * XN lets untrusted library file systems share one disk.  It does not know
 * their formats: each libFS registers templates whose UDFs (xn/udf.h) tell
 * XN which blocks a metadata block points to (owns-udf) and who may change
 * which bytes of it (acl-uf).  Blocks are allocated and freed by proof: the
 * libFS proposes a change to a metadata block and names the blocks it
 * claims; XN runs owns-udf before and after and accepts only the exact
 * difference.  XN also keeps the free map, the buffer-cache registry and
 * the write order that keeps every on-disk pointer valid across a crash.
 *
 * All state lives in a caller-provided struct xn plus one caller-provided
 * arena (xn_arena_size()); the core uses no malloc and no globals.  See
 * docs/XN.md for the model, the UDF language and the on-disk layout.
 */
#ifndef XN_XN_H
#define XN_XN_H

#include <xn/port.h>
#include <xn/udf.h>

#define XN_BLOCK_SIZE     4096
#define XN_NAME_MAX       32        /* names, including the NUL */
#define XN_MAX_TEMPLATES  32
#define XN_MAX_ROOTS      64
#define XN_PT_BLOCKS      4         /* blocks of the principal table */
#define XN_MAX_PRINCIPALS 1016      /* named principals: 254 a block */
#define XN_PR_NAME_MAX    12        /* bytes of a principal's name */
#define XN_MAX_CLAIMS     256       /* blocks claimed by one alloc/free */
#define XN_OWNS_MAX       4096      /* blocks one metadata block may own */
#define XN_MAX_NBLOCKS    (1u << 24)
#define XN_REVOKE_RING    64
#define XN_MAX_BC_SLOTS   65535
#define XN_NOBLOCK        0xffffffffu
#define XN_NOBODY         0xffffffffu  /* owner of a disowned entry */

/* Block types.  Template types are chosen by the libFS in [MIN, MAX]. */
#define XN_TYPE_NONE      0         /* free */
#define XN_TYPE_DATA      1         /* plain data: owns nothing */
#define XN_TYPE_XN        2         /* the XN area itself */
#define XN_TYPE_TMPL_MIN  16
#define XN_TYPE_TMPL_MAX  0xfffe

/* Operations passed to an acl-uf in r1. */
#define XN_ACL_MODIFY      1        /* change bytes, ownership unchanged */
#define XN_ACL_ALLOC       2        /* change that adds owned blocks */
#define XN_ACL_FREE        3        /* change that removes owned blocks */
#define XN_ACL_WRITE_CHILD 4        /* write to a data or fresh child */

/* Errors: every call returns 0 or one of these. */
enum {
	XN_OK = 0,
	XN_EINVAL = -1,      /* bad argument (NULL, length, name, flags) */
	XN_ERANGE = -2,      /* block number outside the disk or in the XN area */
	XN_ETYPE = -3,       /* unknown type, or not the type expected */
	XN_EACCES = -4,      /* acl-uf or root owner refused the principal */
	XN_EPROOF = -5,      /* owns difference is not exactly the claim */
	XN_EINUSE = -6,      /* claimed block is not free */
	XN_EFREE = -7,       /* block is not allocated */
	XN_ENOTEMPTY = -8,   /* freed block still owns blocks */
	XN_EBUSY = -9,       /* block is being written or its free is pending */
	XN_EORDER = -10,     /* write-back would put a pointer to an
	                        uninitialised block on disk */
	XN_ENOTCACHED = -11, /* block must be in the buffer-cache registry */
	XN_EEXIST = -12,     /* name, type or registry entry already exists */
	XN_ENOSPC = -13,     /* table full */
	XN_ENOMEM = -14,     /* arena too small */
	XN_EIO = -15,        /* the disk reported an error */
	XN_ECORRUPT = -16,   /* on-disk XN area or metadata tree is invalid */
	XN_ENOENT = -17,     /* no such name */
	XN_EDIRTY = -18,     /* registry entry is dirty */
	XN_ENOTMOUNTED = -19,
	XN_EUDFOP = -20,     /* UDF: unknown opcode */
	XN_EUDFREG = -21,    /* UDF: register or scratch index out of range */
	XN_EUDFJUMP = -22,   /* UDF: jump backward, out of code or into a loop */
	XN_EUDFBOUNDS = -23, /* UDF: load offset beyond the block */
	XN_EUDFLOOP = -24,   /* UDF: loop badly formed, too deep or too long */
	XN_EUDFLEN = -25,    /* UDF: empty, too long, or may run off the end */
	XN_EUDFINIT = -26,   /* UDF: a zero block owns blocks or faults */
	XN_EUDFFAULT = -27,  /* UDF faulted at run time (bad load, overflow) */
	XN_EUDFFAIL = -28,   /* UDF executed FAIL: block malformed */
};

const char *xn_strerror(int err);

/* Block I/O, provided by the host (file, memory) or the kernel (virtio). */
struct xn_disk_ops {
	int (*read)(void *ctx, uint32_t block, void *buf);        /* 0 or <0 */
	int (*write)(void *ctx, uint32_t block, const void *buf);
	int (*flush)(void *ctx);  /* barrier: earlier writes are durable */
};

struct xn_disk {
	const struct xn_disk_ops *ops;
	void *ctx;
	uint32_t nblocks;         /* size of the device in blocks */
};

/*
 * Optional batched disk I/O, attached to a mounted instance with
 * xn_set_batch() (a separate table so that existing initialisers of
 * struct xn_disk_ops stay valid).  It gets the same ctx as the ops.
 * write_many writes the n blocks blocks[i] from pages[i] (distinct block
 * numbers, in any order, possibly merged into larger requests) and
 * returns only when every write has completed: 0, or <0 if any failed
 * (which ones is not said).  Durability still comes from flush.
 * read_many reads the n blocks blocks[i] into pages[i] (distinct block
 * numbers, in any order, possibly merged) and returns only
 * when every read has completed, having set err[i] to 0 or <0 for each
 * block: 0 if all succeeded, <0 if any failed.  An err[i] it leaves
 * alone counts as failed.  A NULL member means one block at a time
 * through the ops.
 */
struct xn_disk_batch {
	int (*write_many)(void *ctx, const uint32_t *blocks,
	                  const void *const *pages, uint32_t n);
	int (*read_many)(void *ctx, const uint32_t *blocks,
	                 void *const *pages, uint32_t n, int *err);
};

/* Most blocks XN hands to one write_many or read_many call. */
#define XN_WRITE_MANY_MAX 512
#define XN_READ_MANY_MAX  XN_WRITE_MANY_MAX

/* A template as given to xn_template_register(). */
struct xn_template {
	char name[XN_NAME_MAX];
	uint16_t type;
	const struct xn_insn *owns;  uint32_t owns_len;   /* required */
	const struct xn_insn *acl;   uint32_t acl_len;    /* required */
	const struct xn_insn *size;  uint32_t size_len;   /* optional (0) */
};

/* A block claimed by xn_alloc()/xn_free(). */
struct xn_claim {
	uint32_t block;
	uint16_t type;
};

/* Per-block state (derived at mount, kept in the arena). */
#define XN_BS_ALLOC    0x1  /* allocated */
#define XN_BS_FRESH    0x2  /* allocated, not yet written to disk */
#define XN_BS_FREEING  0x4  /* freed; a pointer to it may still be on disk */
#define XN_BS_MOVING   0x8  /* moved by xn_move(); the old parent's pointer
                               may still be on disk (see docs/XN.md) */

#define XN_PARENT_ROOT 0xfffffffeu

/*
 * A block that waits for another's write-back (FREEING: for its parent;
 * MOVING: for its oldparent) is on that block's waiter list, a doubly
 * linked list through wnext/wprev headed by whead.  Block numbers on the
 * lists are data-area blocks, never 0, so 0 ends a list.  A block is on
 * at most one list; the lists make the release at write-back, the
 * hand-over when a parent is freed and the circular-wait check of a move
 * proportional to the blocks waiting, not to the disk.
 */
struct xn_bstate {
	uint32_t parent;    /* owning metadata block, XN_PARENT_ROOT, NOBLOCK */
	uint32_t oldparent; /* MOVING: block whose write-back ends the move */
	uint32_t whead;     /* first block waiting for this one's write-back */
	uint32_t wnext;     /* next on the waiter list this block is on */
	uint32_t wprev;     /* previous on it (0: this block is the first) */
	uint32_t nfreeing;  /* blocks on this block's waiter list: FREEING
	                       children and MOVING blocks whose oldparent
	                       this is */
	uint16_t type;
	uint16_t flags;
	uint16_t nchild;    /* allocated children (not FREEING) */
	uint16_t nfresh;    /* children still FRESH or MOVING */
	uint16_t bcslot;    /* registry slot + 1; 0 if not cached */
	uint16_t pad;
};

/* Buffer-cache registry entry states. */
#define XN_BC_EMPTY    0
#define XN_BC_CLEAN    1
#define XN_BC_DIRTY    2
#define XN_BC_INFLIGHT 3

struct xn_bc_entry {
	uint32_t block;
	uint32_t owner;     /* principal that inserted it */
	uint8_t  state;
	uint8_t  pad[7];
	void    *page;      /* XN_BLOCK_SIZE bytes (a physical page later) */
};

struct xn_bc_info {
	void *page;
	uint32_t owner;
	uint8_t state;
	uint16_t type;
};

struct xn_revoke {
	uint32_t principal;
	uint32_t block;
};

/* A template in memory (decoded from its on-disk block). */
struct xn_tmpl {
	char name[XN_NAME_MAX];
	uint16_t type;           /* 0: slot empty */
	uint32_t owner;
	uint32_t len[3];         /* owns, acl, size */
	uint32_t steps[3];       /* each one's worst case (the verifier's,
	                            kept: xn_write_cost asks per write) */
	struct xn_insn code[3][XN_UDF_MAX_INSNS];
};

struct xn_root {
	char name[XN_NAME_MAX];
	uint32_t block;
	uint32_t owner;
	uint16_t type;           /* 0: slot empty */
};

struct xn_owned {
	uint32_t block;
	uint16_t type;
	uint16_t pad;
};

/*
 * proof.c's cache of owns-sets: a block's set with the bytes it was
 * computed from.  XN_OWNC_SLOTS of them: a file that grows changes two
 * metadata blocks in turn (its indirect or inode block, its inode's).
 */
#define XN_OWNC_SLOTS   4
struct xn_ownc {
	uint32_t block;                 /* 0: slot empty */
	uint16_t type;
	uint16_t pad;
	uint32_t n;
	uint32_t pad2;
	uint8_t page[XN_BLOCK_SIZE];
	struct xn_owned set[XN_OWNS_MAX];
};

/* One XN instance: one disk.  Fields are private to xn/. */
struct xn {
	struct xn_disk disk;
	uint32_t nblocks, fmap_start, fmap_blocks, data_start;
	uint32_t gen;
	int mounted;
	struct xn_bstate *bs;           /* [nblocks] */
	struct xn_bc_entry *bc;         /* [bc_slots] */
	uint32_t bc_slots;
	struct xn_tmpl *tmpl;           /* [XN_MAX_TEMPLATES] */
	struct xn_root roots[XN_MAX_ROOTS];
	uint8_t *blk;                   /* scratch block */
	uint8_t *blk2;                  /* second scratch block */
	struct xn_udf_out *uout;
	struct xn_owned *set_a, *set_b; /* [XN_OWNS_MAX] */
	struct xn_ownc *ownc;           /* [XN_OWNC_SLOTS] proof.c's cache */
	uint32_t ownc_next;             /* the slot to fill next */
	uint32_t *stack;                /* [nblocks], mount scan */
	struct xn_revoke revoke[XN_REVOKE_RING];
	uint32_t nrevoke;
	uint32_t bc_free;               /* first empty registry slot + 1;
	                                   empty slots chain through .block */
	struct xn_disk_batch batch;     /* optional batched I/O */
	uint32_t *wave;                 /* [XN_WRITE_MANY_MAX] blocks, and */
	void **wpages;                  /* their pages, for write_many and
	                                   read_many */
	int *rerr;                      /* [XN_READ_MANY_MAX] read results */
	uint8_t *pt;                    /* [XN_MAX_PRINCIPALS] principal
	                                   table entries, as on disk */
	uint16_t *pthash;               /* [XN_PT_HASH] entry + 1, 0 empty */
	uint32_t npr;                   /* principals named so far */
	uint8_t *fmap_disk;             /* [fmap_blocks * XN_BLOCK_SIZE] the
	                                   free map as on disk (read at
	                                   mount, written since): a sync
	                                   writes only blocks that differ */
	uint8_t *fmap_dirty;            /* [fmap_blocks] 1: a block of it
	                                   changed state since its last
	                                   write (xn_fmap_touch) */
};

struct xn_mount_report {
	int was_clean;          /* superblock said unmounted cleanly */
	uint32_t templates;
	uint32_t roots;
	uint32_t reachable;     /* blocks reached from the roots */
	uint32_t leaked;        /* marked used in the map, unreachable: freed */
	uint32_t map_fixed;     /* reachable but marked free: map repaired */
};

struct xn_block_info {
	uint16_t type;
	uint16_t flags;         /* XN_BS_*; 0 for a free block */
	uint32_t parent;
	uint32_t nchild;
};

/* Setup. */
size_t xn_arena_size(uint32_t nblocks, uint32_t bc_slots);
int xn_format(const struct xn_disk *d, uint32_t nblocks, void *blockbuf);
int xn_mount(struct xn *x, const struct xn_disk *d, void *arena,
             size_t arena_len, uint32_t bc_slots,
             struct xn_mount_report *rep);
int xn_sync(struct xn *x);
int xn_unmount(struct xn *x);
/* Use batched I/O (write-back waves, insert reads) from now on (NULL:
   none); until the next mount. */
int xn_set_batch(struct xn *x, const struct xn_disk_batch *b);

/*
 * Named principals.  A principal is a 32-bit number; a host caller picks
 * its own, the kernel asks XN for the one of a capability's name (up to
 * XN_PR_NAME_MAX bytes; a name of length 0 is valid).  XN keeps a
 * persistent table of names: a name's principal is 1 + its place in the
 * table, given the first time the name is seen (create) and written to
 * disk before the call returns, so the same name has the same principal
 * after a reboot, two different names never share one, and none is ever
 * reused (until the disk is formatted again).  XN_ENOENT (not named yet,
 * create 0), XN_ENOSPC (table full), XN_EINVAL, XN_EIO.
 */
int xn_principal(struct xn *x, const uint8_t *name, uint32_t len,
                 int create, uint32_t *principal);

/* Templates (persistent, immutable once registered). */
int xn_template_register(struct xn *x, uint32_t principal,
                         const struct xn_template *t);
int xn_template_find(struct xn *x, const char *name, uint16_t *type);

/* Roots. */
int xn_root_install(struct xn *x, uint32_t principal, const char *name,
                    uint16_t type, uint32_t block, const void *init);
int xn_root_lookup(struct xn *x, const char *name, uint32_t *block,
                   uint16_t *type);
int xn_root_remove(struct xn *x, uint32_t principal, const char *name);

/* Changes to metadata and data, checked by proof and acl. */
int xn_alloc(struct xn *x, uint32_t principal, uint32_t parent,
             uint32_t off, uint32_t len, const void *bytes,
             const struct xn_claim *claims, uint32_t nclaims);
int xn_free(struct xn *x, uint32_t principal, uint32_t parent,
            uint32_t off, uint32_t len, const void *bytes,
            const struct xn_claim *claims, uint32_t nclaims);
int xn_write(struct xn *x, uint32_t principal, uint32_t block,
             uint32_t off, uint32_t len, const void *bytes);
/*
 * xn_write of each of w[0..n) in order, stopping at the first refused:
 * 0, or that entry's error (w[*done] is the one refused; the entries
 * before it are written, those after it not tried).  *done (may be
 * NULL) gets how many were written.  In the kernel this is one call
 * (XN_WRITE_MANY) for up to XOK_XN_WR_MAX entries.
 */
struct xn_wr {
	uint32_t block, off, len;
	const void *bytes;
};
int xn_write_many(struct xn *x, uint32_t principal, const struct xn_wr *w,
                  uint32_t n, uint32_t *done);
/* The most UDF steps an xn_write of block could run now (the acl-uf
 * that decides it, and a metadata block's owns-udf twice), from the
 * verifier's worst case of each; 0 for a write refused before any UDF
 * runs.  The kernel bounds one XN_WRITE_MANY's work with it. */
uint64_t xn_write_cost(struct xn *x, uint32_t block);
/*
 * Move owned blocks from one metadata block to another: `from' loses
 * exactly the claimed blocks (change off/len/bytes), `to' gains exactly
 * them (off2/len2/bytes2), with the claimed types; from's acl-uf must allow
 * XN_ACL_FREE and to's XN_ACL_ALLOC.  Both changes or neither are applied.
 * `to' cannot be written back until `from' has been (docs/XN.md).
 */
int xn_move(struct xn *x, uint32_t principal,
            uint32_t from, uint32_t off, uint32_t len, const void *bytes,
            uint32_t to, uint32_t off2, uint32_t len2, const void *bytes2,
            const struct xn_claim *claims, uint32_t nclaims);

/* Buffer-cache registry and write-back. */
int xn_bc_insert(struct xn *x, uint32_t principal, uint32_t block,
                 void *page);
/*
 * Insert n entries at once: entry i is blocks[i] cached in pages[i],
 * checked as xn_bc_insert() checks it, with its result (0 or the error
 * xn_bc_insert would give) in results[i].  The blocks that must be read
 * are read together, through the disk's read_many if one is attached
 * (one call per XN_READ_MANY_MAX entries); a failed read fails only the
 * entries it covers (XN_EIO).  A block listed again after an earlier
 * entry gets XN_EEXIST.  The pages should be distinct: XN does not look
 * at them, as with single inserts.  Returns how many were inserted, or
 * XN_ENOTMOUNTED / XN_EINVAL (NULL arrays) with nothing done.
 */
int xn_bc_insert_many(struct xn *x, uint32_t principal,
                      const uint32_t *blocks, void *const *pages,
                      uint32_t n, int *results);
int xn_bc_lookup(struct xn *x, uint32_t block, struct xn_bc_info *out);
int xn_bc_evict(struct xn *x, uint32_t principal, uint32_t block);
/* xn_bc_evict of each of blocks[0..n) (every one tried), results[i] =
 * 0 or its error; returns how many were evicted, or XN_ENOTMOUNTED /
 * XN_EINVAL (a NULL array with n > 0).  In the kernel one call per 64
 * (XN_BC_EVICT_MANY), which also gives the pages back writable. */
int xn_bc_evict_many(struct xn *x, uint32_t principal,
                     const uint32_t *blocks, uint32_t n, int *results);
int xn_bc_revoked(struct xn *x, uint32_t principal, uint32_t *blocks,
                  uint32_t max);
/* principal is gone for good (the kernel: a transient principal whose
   environment died): its entries become XN_NOBODY's, whose evictions
   leave no notice, and its notices are dropped, so whoever gets the same
   number later inherits nothing.  Returns how many entries it had. */
int xn_bc_disown(struct xn *x, uint32_t principal);
int xn_writeback(struct xn *x, uint32_t block);
/* Write back many entries: ordered waves, one flush per wave (docs/XN.md,
   "Batched write-back"); 0, XN_EORDER (some held back) or an error. */
int xn_writeback_many(struct xn *x, const uint32_t *blocks, uint32_t n,
                      uint32_t *done);

/* Inspection. */
int xn_block_info(struct xn *x, uint32_t block, struct xn_block_info *out);
int xn_udf_size(struct xn *x, uint32_t block, uint32_t *size);

/*
 * What a client may know of XN's on-disk area (xn/layout.c; docs/XN.md,
 * "The client API"): a libFS reads these numbers through these calls,
 * never struct xn's fields or XN's blocks.  The free map is one bit per
 * block, set when the block is in use: block b is bit b % 8 of byte
 * (b / 8) % XN_BLOCK_SIZE of block fmap_start + b / (8 * XN_BLOCK_SIZE);
 * the bits of XN's own area are set, those past nblocks clear.
 */
struct xn_layout {
	uint32_t nblocks;       /* blocks XN manages (<= the disk's) */
	uint32_t tmpl_start, tmpl_count;        /* template slots */
	uint32_t root_block;    /* the root table */
	uint32_t fmap_start, fmap_blocks;       /* the free map */
	uint32_t data_start;    /* first block a libFS may own */
};

/* The layout of a mounted instance (both client backends). */
int xn_layout_get(struct xn *x, struct xn_layout *out);
/*
 * The same from a disk XN has not mounted (blockbuf: one block of
 * scratch), checked only as far as using the numbers needs (every area
 * inside XN's, XN's inside the disk), not as a mount checks (checksums,
 * the tree): a checker looks at a damaged disk with these and asks
 * xn_mount() for the verdict.  0, XN_EIO, XN_ECORRUPT, XN_EINVAL.
 */
int xn_layout_read(const struct xn_disk *d, void *blockbuf,
                   struct xn_layout *out);
/* Root `name' from the root table on disk: its block and type;
   XN_ENOENT if there is none. */
int xn_layout_root(const struct xn_disk *d, const struct xn_layout *l,
                   void *blockbuf, const char *name, uint32_t *block,
                   uint16_t *type);
/* Template slot i (< l->tmpl_count) on disk: its name (NUL-terminated)
   and type; XN_ENOENT for an empty slot. */
int xn_layout_template(const struct xn_disk *d, const struct xn_layout *l,
                       void *blockbuf, uint32_t i, char name[XN_NAME_MAX],
                       uint16_t *type);

#endif /* XN_XN_H */
