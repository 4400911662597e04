/*
 * cffs_int.h - C-FFS internals: the on-disk format (see docs/CFFS.md for
 * the byte-by-byte description), the in-memory file system state and the
 * functions the library's source files share.  Little-endian on disk.
 */
#ifndef CFFS_INT_H
#define CFFS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cffs/cffs.h"

#define CFFS_MAGIC      0x53464643u  /* "CFFS" */
#define CFFS_VERSION    1u      /* own bitmap, superblock in block 0 */
#define CFFS_VERSION_XN 2u      /* inside XN: superblock at XN root "cffs" */
#define SLOT_SIZE       512u
#define SLOTS_PER_BLOCK (CFFS_BSIZE / SLOT_SIZE)   /* 8 */
#define NDIRECT         12u
#define NPTR            (CFFS_BSIZE / 4u)          /* 1024 per indirect */
#define MAX_FILE_BLOCKS ((uint64_t)NDIRECT + NPTR + (uint64_t)NPTR * NPTR)
#define MAX_DEPTH       256     /* bound on directory nesting we walk */

/* Slot types (first byte of every 512-byte slot). */
enum {
	SLOT_FREE   = 0,
	SLOT_INODE  = 1,        /* directory entry with embedded inode */
	SLOT_REF    = 2,        /* directory entry naming an external inode */
	SLOT_EXT    = 3,        /* external inode (in the inode file) */
	SLOT_SUPER  = 4,        /* superblock, block 0 slot 0 */
};

/* Inode flags.  IFL_SLOTS marks the external-inode file, whose blocks are
 * slot blocks (this is what XN's owns-udf keys on; see xntmpl.c). */
#define IFL_SLOTS    1u

/* Inode numbers in the superblock's block (block 0 in the version-1
 * layout, XN root "cffs" in the XN layout): fs->root_ino, fs->ifile_ino. */
#define ROOT_SLOT    1u         /* slot 1: root directory */
#define IFILE_SLOT   2u         /* slot 2: external-inode file */
#define ROOT_INO     ROOT_SLOT  /* the version-1 values */
#define IFILE_INO    IFILE_SLOT

struct dinode {                 /* 128 bytes */
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	uint64_t size;
	int64_t  atime;
	uint32_t atime_ns;
	uint32_t mtime_ns;
	int64_t  mtime;
	int64_t  ctime;
	uint32_t ctime_ns;
	uint32_t nblocks;       /* blocks held, indirect blocks included */
	uint32_t direct[NDIRECT];
	uint32_t indirect;
	uint32_t dindirect;
	uint32_t group;         /* directories: first block of current group */
	uint32_t flags;
} __attribute__((packed));

struct dslot {                  /* 512 bytes */
	uint8_t  type;
	uint8_t  namelen;
	uint16_t pad0;
	uint32_t pad1;
	uint64_t ref;           /* SLOT_REF: inode number of external inode */
	struct dinode ino;      /* SLOT_INODE, SLOT_EXT */
	char     name[256];     /* not NUL-terminated when namelen == 255 */
	uint8_t  spare[112];
} __attribute__((packed));

struct dsuper {                 /* 512 bytes, block 0 slot 0 */
	uint8_t  type;          /* SLOT_SUPER */
	uint8_t  pad0[15];
	uint32_t magic;
	uint32_t version;
	uint32_t bsize;
	uint32_t nblocks;
	uint32_t bitmap_start;
	uint32_t bitmap_blocks;
	uint32_t data_start;
	uint32_t group_blocks;
	uint32_t free_blocks;
	uint32_t state;         /* 1 clean, 0 mounted or crashed */
	int64_t  mkfs_time;
	uint32_t root_ino;
	uint32_t ifile_ino;
	uint32_t sb_blk;        /* version 2: block holding this superblock */
	uint8_t  spare[436];
} __attribute__((packed));

_Static_assert(sizeof(struct dinode) == 128, "dinode size");
_Static_assert(sizeof(struct dslot) == SLOT_SIZE, "dslot size");
_Static_assert(sizeof(struct dsuper) == SLOT_SIZE, "dsuper size");

/* ---- block cache (cache.c) ---- */
struct buf {
	uint32_t    blk;
	int         pins;
	bool        dirty;
	bool        valid;
	struct buf *hnext;              /* hash chain */
	struct buf *lprev, *lnext;      /* LRU list, head = most recent */
	uint8_t    *data;
	uint8_t    *xpage;              /* the backend's copy of the block (XN:
	                                   the page registered with XN,
	                                   xn_bc_insert), or NULL; freed
	                                   with the buffer */
};

struct cache {
	struct buf **hash;
	uint32_t     nhash;
	struct buf   lru;               /* sentinel */
	uint32_t     nbufs, maxbufs;
	uint8_t     *run;               /* transfer buffer for runs */
	uint32_t     ra_next;           /* block after the last group read */
	uint32_t     ra_groups;         /* its read-ahead window, in groups */
	uint64_t     reads, writes;     /* device transfers, for tests */
};

struct cffs_fs {
	struct cffs_bdev *dev;
	struct cache      cache;
	struct dsuper     sb;
	int               rdonly;
	int               err;          /* sticky device error */
	uint32_t          alloc_hint;   /* next-fit start for large files */
	uint32_t          sbblk;        /* block of the superblock */
	cffs_ino_t        root_ino, ifile_ino;
	const struct cffs_store_ops *store;     /* the storage backend */
	struct xnfs      *xfs;          /* XN backend's state (xnfs.c only) */
	uint64_t          blkops;       /* balloc and bfree calls so far */
	void            (*commit_hook)(void *arg);      /* cache_precommit */
	void             *commit_arg;
};

#define FS_RAW 0x100    /* fs_open flag: no XN instance (fsck, scan) */

#define GET_GROUP 1     /* read the whole aligned group on a miss */
#define GET_NOREAD 2    /* caller overwrites the block: no device read */

int  cache_init(struct cffs_fs *fs, uint32_t maxbufs);
void cache_fini(struct cffs_fs *fs);
int  bget(struct cffs_fs *fs, uint32_t blk, int flags, struct buf **out);
#define CLUSTER_MAX 64u /* longest clustered read of a file, in blocks */
int  bget_run(struct cffs_fs *fs, uint32_t blk, uint32_t n, struct buf **out);
void cache_prefetch(struct cffs_fs *fs, uint32_t blk, uint32_t n);
void cache_prefetch_drop(struct cffs_fs *fs);
void bput(struct buf *b);
void bdirty(struct buf *b);
int  cache_flush(struct cffs_fs *fs);
void cache_precommit(struct cffs_fs *fs);       /* the commit hook */
int  cache_write_buf(struct cffs_fs *fs, struct buf *b);  /* if dirty */
int  cache_write_dirty(struct cffs_fs *fs);     /* sorted, coalesced runs */
int  cache_commit(struct cffs_fs *fs);
void cache_forget(struct cffs_fs *fs, uint32_t blk);
int  cache_release(struct cffs_fs *fs);
int  cache_invalidate(struct cffs_fs *fs);
int  cache_discard(struct cffs_fs *fs);
struct buf *cache_lookup(struct cache *c, uint32_t blk);

/* ---- allocation (alloc.c) ---- */
/* parent: the metadata block that will hold the pointer (for XN). */
int  balloc(struct cffs_fs *fs, uint32_t parent, uint32_t hint,
            bool grouped, uint32_t *out);
int  bfree(struct cffs_fs *fs, uint32_t parent, uint32_t blk);
int  group_new(struct cffs_fs *fs, uint32_t near, uint32_t *group);
bool blk_valid(const struct cffs_fs *fs, uint32_t blk);

/* ---- inodes (inode.c) ---- */
struct inode {                  /* an inode and where it lives */
	cffs_ino_t    ino;
	struct dinode d;
	cffs_ino_t    gowner;       /* directory whose group holds our small
	                               blocks (0: unknown, use our own place) */
};

static inline uint32_t ino_blk(cffs_ino_t ino) { return (uint32_t)(ino / SLOTS_PER_BLOCK); }
static inline uint32_t ino_slot(cffs_ino_t ino) { return (uint32_t)(ino % SLOTS_PER_BLOCK); }
static inline cffs_ino_t mkino(uint32_t blk, uint32_t slot) { return (cffs_ino_t)blk * SLOTS_PER_BLOCK + slot; }
static inline bool is_dir(const struct dinode *d) { return (d->mode & CFFS_S_IFMT) == CFFS_S_IFDIR; }
static inline bool is_reg(const struct dinode *d) { return (d->mode & CFFS_S_IFMT) == CFFS_S_IFREG; }
static inline bool is_lnk(const struct dinode *d) { return (d->mode & CFFS_S_IFMT) == CFFS_S_IFLNK; }
static inline bool is_fifo(const struct dinode *d) { return (d->mode & CFFS_S_IFMT) == CFFS_S_IFIFO; }

int  iget(struct cffs_fs *fs, cffs_ino_t ino, struct inode *ip);
int  iput(struct cffs_fs *fs, struct inode *ip);
int  inode_check(const struct cffs_fs *fs, const struct dinode *d);
int  bmap(struct cffs_fs *fs, struct inode *ip, uint64_t fbn, bool alloc,
          uint32_t *blk);
long inode_read(struct cffs_fs *fs, struct inode *ip, uint64_t off,
                void *buf, size_t len);
long inode_write(struct cffs_fs *fs, struct inode *ip, uint64_t off,
                 const void *buf, size_t len);
int  inode_truncate(struct cffs_fs *fs, struct inode *ip, uint64_t size);
void inode_now(struct cffs_fs *fs, struct cffs_time *t);
void inode_touch(struct cffs_fs *fs, struct dinode *d, int which);
#define TOUCH_A 1
#define TOUCH_M 2
#define TOUCH_C 4

/* ---- directories (dir.c) ---- */
struct dloc {                   /* a directory entry's place */
	uint32_t blk, slot;
};

int  dir_lookup(struct cffs_fs *fs, struct inode *dp, const char *name,
                size_t len, struct dloc *loc, struct dslot *out);
int  dir_add(struct cffs_fs *fs, struct inode *dp, const struct dslot *ent,
             struct dloc *loc);
int  dir_clear(struct cffs_fs *fs, struct dloc loc);
int  dir_empty(struct cffs_fs *fs, struct inode *dp);
typedef int (*dir_iter_fn)(struct cffs_fs *fs, void *arg, struct dloc loc,
                           const struct dslot *ent);
int  dir_iter(struct cffs_fs *fs, struct inode *dp, dir_iter_fn fn,
              void *arg);
int  slot_read(struct cffs_fs *fs, struct dloc loc, struct dslot *out);
int  slot_write(struct cffs_fs *fs, struct dloc loc, const struct dslot *in);
int  name_ok(const char *name, size_t len);

/* Path resolution (ops.c). */
struct walk {
	struct inode dir;               /* parent directory */
	const char  *name;              /* last component */
	size_t       namelen;
	bool         found;
	struct dloc  loc;               /* entry of last component, if found */
	struct dslot ent;
	struct inode ip;                /* its inode, if found */
	bool         hit;               /* walked through directory `avoid' */
};
int  path_walk(struct cffs_fs *fs, const char *path, cffs_ino_t avoid,
               struct walk *w);
void stat_fill(const struct inode *ip, int embedded, struct cffs_stat *st);
cffs_ino_t ent_ino(struct dloc loc, const struct dslot *ent);

/*
 * ---- storage backends ----
 * Where C-FFS's blocks live and who keeps the free map: one table per
 * layout, chosen at mount by probing block 0 (super.c), so that the core
 * files (alloc.c, cache.c, super.c, ...) have no mode branches.
 *   cffs_store_v1     the legacy layout: C-FFS's own bitmap, blocks
 *                     written straight to the device (bitmap.c);
 *   cffs_store_xn     the XN layout, XN mounted: XN's free map, every
 *                     change a proof XN checks (xnfs.c);
 *   cffs_store_xnraw  the XN layout read without XN (fsck, the XN-view
 *                     scan): the bitmap backend over XN's free map, plus
 *                     XN's own check (xnfs.c).
 * All members are set.  Return values: 0 or a negative CFFS_E* code
 * unless said otherwise.
 */
struct cffs_store_ops {
	const char *name;
	int  on_xn;             /* cffs_on_xn() */
	/* Block 0 is blk0 (a scratch block the probe may reuse): 1 when it
	 * is not this backend's layout; else the superblock read and
	 * checked into fs->sb, fs->sbblk and fs->store set, and 0 or the
	 * error that stops the mount. */
	int  (*probe)(struct cffs_fs *fs, uint8_t *blk0, int flags);
	int  (*start)(struct cffs_fs *fs, uint32_t principal); /* cache ready */
	void (*fini)(struct cffs_fs *fs);       /* frees the backend's state */
	/* The free map.  alloc gets alloc.c's choice of hint (grouped: only
	 * that group) and takes the first free block from there; free gets
	 * a block inside the data area; both keep sb.free_blocks. */
	int  (*isfree)(struct cffs_fs *fs, uint32_t blk, bool *isfree);
	int  (*group_isfree)(struct cffs_fs *fs, uint32_t g, bool *isfree);
	int  (*alloc)(struct cffs_fs *fs, uint32_t hint, bool grouped,
	              uint32_t *out);
	int  (*free)(struct cffs_fs *fs, uint32_t blk);
	int  (*group_new)(struct cffs_fs *fs, uint32_t near, uint32_t *group);
	int  (*recount)(struct cffs_fs *fs);    /* sb.free_blocks afresh */
	/* The cache's buffers.  evict: unpinned b is wanted for another
	 * block: 0 it may go, 1 not now (try another), <0 error.
	 * make_room: evict found nothing; write back what may go.
	 * release: give up what the backend holds for b, keeping b.
	 * forget: b's uncommitted change is dropped (cffs_discard): 0 b may
	 * go, <0 keep it. */
	int  (*evict)(struct cffs_fs *fs, struct buf *b);
	int  (*make_room)(struct cffs_fs *fs);
	int  (*release)(struct cffs_fs *fs, struct buf *b);
	int  (*forget)(struct cffs_fs *fs, struct buf *b);
	int  (*commit)(struct cffs_fs *fs);     /* changes checked, not written */
	int  (*flush)(struct cffs_fs *fs);      /* committed and written back */
	int  (*sync)(struct cffs_fs *fs);       /* after flush: the free map */
	int  (*unmount)(struct cffs_fs *fs);
	void (*discard)(struct cffs_fs *fs);    /* forget pending allocations */
	/* fsck's look at the layout below C-FFS (-CFFS_EUCLEAN: refused). */
	int  (*check)(struct cffs_bdev *dev, cffs_report_fn report, void *arg,
	              int repair);
};

extern const struct cffs_store_ops cffs_store_v1;
#ifdef CFFS_HAVE_XN
extern const struct cffs_store_ops cffs_store_xn, cffs_store_xnraw;
#endif

/* bitmap.c: the bitmap backend's members, shared with cffs_store_xnraw. */
int  bm_isfree(struct cffs_fs *fs, uint32_t blk, bool *isfree);
int  bm_group_isfree(struct cffs_fs *fs, uint32_t g, bool *isfree);
int  bm_alloc(struct cffs_fs *fs, uint32_t hint, bool grouped,
              uint32_t *out);
int  bm_free(struct cffs_fs *fs, uint32_t blk);
int  bm_group_new(struct cffs_fs *fs, uint32_t near, uint32_t *group);
int  bm_recount(struct cffs_fs *fs);
int  bm_start(struct cffs_fs *fs, uint32_t principal);
int  bm_evict(struct cffs_fs *fs, struct buf *b);
int  bm_flush(struct cffs_fs *fs);
int  bm_nop(struct cffs_fs *fs);
int  bm_nop_buf(struct cffs_fs *fs, struct buf *b);
void bm_nop_void(struct cffs_fs *fs);

/* xnfs.c: for tests that make XN calls behind the library's back. */
struct xn;
struct xn *xnfs_xn(struct cffs_fs *fs, uint32_t *principal);
int  xnfs_mkfs(struct cffs_bdev *dev, uint64_t nblocks);
int  xnfs_check(struct cffs_bdev *dev, cffs_report_fn report, void *arg,
                int repair);

/* super.c: the legacy layout (version 1), for tests of its mount path. */
int  cffs_mkfs_v1(struct cffs_bdev *dev, uint64_t nblocks);
void mkfs_rootblock(uint8_t *blk, uint32_t version, uint32_t nblocks,
                    uint32_t fstart, uint32_t fblocks, uint32_t dstart,
                    uint32_t sbblk, const struct cffs_time *now);
#define MIN_BLOCKS   (4 * CFFS_GROUP)

/* super.c: superblock checked and cache ready, no inode read yet. */
int  fs_open(struct cffs_bdev *dev, int flags, struct cffs_fs **out);
void fs_close(struct cffs_fs *fs);

#endif
