/*
 * docs.h: Cheetah's documents: every regular file of the C-FFS image on
 * the disk, each mapped read-only and contiguous in Cheetah's address
 * space from XN's buffer-cache registry pages (docstore.c), never
 * copied.  With each file, what the server precomputes when the file
 * enters the cache: its HTTP response header and a table of partial
 * checksums (docs.c).  docs/CHEETAH.md, "Documents".
 */
#ifndef CHEETAH_DOCS_H
#define CHEETAH_DOCS_H

#include <stddef.h>
#include <stdint.h>

#define DOC_CKBLK       64      /* bytes per precomputed partial sum */

struct doc {
	const char *name;       /* path without the leading '/' */
	unsigned namelen;
	const uint8_t *data;    /* views of XN's registry pages */
	uint64_t size, mtime;
	uint64_t ino;            /* C-FFS's inode number */
	uint32_t nblk;          /* blocks of the file, blk[0..nblk) */
	uint32_t *blk;          /* their disk block numbers */
	uint64_t *pg;           /* the page we put in the registry for
				   each, 0 if someone else's (evictions) */
	char *hdr;              /* precomputed 200 header (without Date,
				   Connection and the blank line); NULL */
	unsigned hdrlen;
	/* ck[k]: one's-complement sum of data[0, k*DOC_CKBLK) as
	 * little-endian 16-bit words paired from data[0]; NULL if not
	 * precomputed. */
	uint16_t *ck;
};

struct docs {
	const uint8_t *base;    /* the documents' window */
	uint64_t size;
	unsigned nfiles;
	struct doc *files;      /* sorted by name, and so by data address */
	unsigned skipped;       /* files not loaded (over the bounds) */
	uint64_t blocks;        /* registry pages mapped */
	uint64_t inserted;      /* of which we put in the registry */
};

/* docstore.c: mount the C-FFS image over XN (no root capability
 * needed beyond slot 0's R and W), map every regular file: 0, or a
 * negative C-FFS or Xok error. */
int docs_load(struct docs *d);

/* The registry page caching block b (its page number), or 0. */
uint64_t docs_ppn(uint32_t b);
/* Block i of f left the registry (evicted): cache it again and map it
 * back in its place: 0 or -1. */
int docs_remap(struct doc *f, uint32_t i);

/* A page fault at addr (error code err) in a document whose block an
 * eviction took away: the block cached and mapped again (or a private
 * copy read in its place): 0, or -1 if the fault is not that. */
int docs_fault(uint64_t addr, uint64_t err);
/* Free the pages evictions gave back that frames in flight pinned. */
void docs_collect(void);
/* Blocks mapped again after evictions, private copies made, pages of
 * ours freed, and still to free. */
void docs_evict_stats(uint64_t *remaps, uint64_t *copies, uint64_t *freed,
    uint64_t *pending);

/* docs.c */
/* The file named name[0, n) (no leading '/'), or NULL. */
struct doc *docs_find(struct docs *d, const char *name, size_t n);
/* The file whose data holds p .. p + len - 1, or NULL. */
struct doc *docs_holding(struct docs *d, const void *p, size_t len);
/* Precompute f->ck: 0, or -1 without memory. */
int doc_precompute_sums(struct doc *f);
/* The sum lwIP's checksum routine would give for data[off, off + len),
 * from f->ck and at most 2 * DOC_CKBLK bytes. */
uint16_t doc_sum(const struct doc *f, uint64_t off, uint64_t len);

#endif
