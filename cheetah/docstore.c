/*
 * docstore.c: Cheetah's documents from the C-FFS image on the disk
 * (docs.h; docs/CHEETAH.md, "Documents").  The kernel mounts XN on the
 * disk at boot; Cheetah mounts C-FFS over it as a library (read-only,
 * XN_READ for the metadata: libexos/cffsxndev.c), walks the tree, and
 * for every regular file finds its data blocks (the inode's block map,
 * C-FFS's bmap), puts those no one caches in XN's buffer-cache registry
 * with home-less pages of its own (XN_BC_INSERT_MANY: XN reads the disk
 * into them), and maps the registry pages read-only and in file order
 * at the file's own place in a window (XN_BC_MAP: cache views), so a
 * document is one contiguous read-only range whose bytes are XN's
 * cache pages.  The server sends bodies straight from those pages
 * (NET_TRANSMITV pins them while the card reads them) and a
 * retransmission reads them again: the file cache is the
 * retransmission pool.  Nothing is copied.
 *
 * Each file gets ceil(size / 4096) pages of the window and one unmapped
 * page after it, so no range crosses from one file into another.
 * Bounds: DOCS_MAX files, DOCS_BLOCKS_MAX blocks in all (half of XN's
 * registry by default), names of PATH_MAX bytes, DEPTH_MAX directory
 * levels; what is over them is skipped and counted, not served.
 *
 * Other environments may use the disk too and evict a document's
 * registry entry (XN_BC_EVICT): the kernel then revokes every view of
 * its page, Cheetah's included, and gives the page back to its owner.
 * Cheetah finds out lazily, as the exokernel lets it: touching the
 * document raises a page fault, its fault upcall (docs_fault) caches
 * the block again and maps it back at the same address (same bytes,
 * so lwIP's queued segments, retransmissions and the precomputed
 * checksums stay right), and the interrupted code goes on.  A page of
 * ours that an eviction gave back is freed (later, if a frame in
 * flight still pins it: docs_collect).  If the registry cannot take
 * the block, a private copy read with XN_READ takes its place.
 */
#include <exos/exos.h>
#include <exos/cffsdev.h>
#include <stdlib.h>
#include <string.h>
#include <xn/xn.h>
#include <cffs/cffs.h>
#include "cffs_int.h"           /* iget, bmap: the file's blocks */
#include "docs.h"

#define DOCS_VA         0x0000050000000000UL    /* the documents' window */
#define DOCS_VA_LEN     0x0000010000000000UL    /* 1 TiB of addresses */
#define DOCS_MAX        65536
#define PATH_MAX_       1024
#define DEPTH_MAX       32
#define RUN             64
_Static_assert(RUN <= XOK_XN_MAP_MAX && RUN <= XOK_XN_BCI_MAX &&
    RUN <= XOK_PAGE_BATCH_MAX, "batch limits");

struct ent {                    /* a directory entry seen by readdir */
	char *name;
	uint32_t mode;
	cffs_ino_t ino;
	uint64_t size, mtime;
};

struct list {
	struct ent *e;
	unsigned n, cap;
	int err;
};

static struct cffs_bdev dev;

static char *
dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

static struct cffs_fs *fs;
static struct docs *loaded;     /* what docs_load made, for the faults */
static unsigned ndocs, capdocs;
static struct doc *docs;

static int
collect(void *arg, const char *name, const struct cffs_stat *st)
{
	struct list *l = arg;
	struct ent *e;

	if (l->n == l->cap) {
		unsigned cap = l->cap ? 2 * l->cap : 16;

		if ((e = realloc(l->e, cap * sizeof(*e))) == NULL) {
			l->err = -XE_NOMEM;
			return 1;
		}
		l->e = e, l->cap = cap;
	}
	e = &l->e[l->n];
	if ((e->name = dup(name)) == NULL) {
		l->err = -XE_NOMEM;
		return 1;
	}
	e->mode = st->mode, e->ino = st->ino, e->size = st->size;
	e->mtime = st->mtime.sec < 0 ? 0 : (uint64_t)st->mtime.sec;
	l->n++;
	return 0;
}

static unsigned skipped;

/* Add the regular file path (without the leading '/'). */
static int
add_doc(const char *path, const struct ent *e)
{
	struct doc *d;

	if (ndocs == DOCS_MAX) {
		skipped++;
		return 0;
	}
	if (ndocs == capdocs) {
		unsigned cap = capdocs ? 2 * capdocs : 64;

		if ((d = realloc(docs, cap * sizeof(*d))) == NULL)
			return -XE_NOMEM;
		docs = d, capdocs = cap;
	}
	d = &docs[ndocs];
	memset(d, 0, sizeof(*d));
	if ((d->name = dup(path)) == NULL)
		return -XE_NOMEM;
	d->namelen = (unsigned)strlen(path);
	d->size = e->size;
	d->mtime = e->mtime;
	d->ino = e->ino;
	ndocs++;
	return 0;
}

/* Walk the directory path ("" for the root), depth levels down. */
static int
walk(const char *path, int depth)
{
	struct list l = { NULL, 0, 0, 0 };
	char sub[PATH_MAX_];
	unsigned i;
	int r;

	if (snprintf(sub, sizeof(sub), "/%s", path) >= (int)sizeof(sub))
		return 0;
	r = cffs_readdir(fs, sub, collect, &l);
	if (r > 0)
		r = l.err;
	for (i = 0; r >= 0 && i < l.n; i++) {
		struct ent *e = &l.e[i];
		int n = snprintf(sub, sizeof(sub), "%s%s%s", path,
		    path[0] ? "/" : "", e->name);

		if (n < 0 || (size_t)n >= sizeof(sub)) {
			skipped++;
			continue;
		}
		if ((e->mode & CFFS_S_IFMT) == CFFS_S_IFDIR) {
			if (depth >= DEPTH_MAX)
				skipped++;
			else
				r = walk(sub, depth + 1);
		} else if ((e->mode & CFFS_S_IFMT) == CFFS_S_IFREG) {
			if ((r = add_doc(sub, e)) < 0)
				break;
		}
	}
	for (i = 0; i < l.n; i++)
		free(l.e[i].name);
	free(l.e);
	return r < 0 ? r : 0;
}

static int
by_name(const void *a, const void *b)
{
	const struct doc *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Is block b in XN's registry?  (The exported per-block state.) */
static int
cached(uint32_t b)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bstate *s = (const struct xn_bstate *)XOK_XN_VA;

	return xe->mounted && b < xe->nblocks && s[b].bcslot != 0;
}

static uint64_t inserted;

/* Put the uncached blocks of v[0..k) in the registry with pages of
 * ours (XN reads the disk into them); pg[j] (if pg is not NULL) gets
 * the page we gave for v[j], 0 for a block someone else caches: 0,
 * or -1. */
static int
insert(const uint32_t *v, uint32_t k, uint64_t *pg)
{
	struct xok_xn_bcins ins[RUN];
	uint64_t ppn[RUN];
	uint32_t want[RUN], at[RUN], i, m = 0;
	int64_t r;

	for (i = 0; i < k; i++) {
		if (pg != NULL)
			pg[i] = 0;
		if (!cached(v[i]))
			at[m] = i, want[m++] = v[i];
	}
	if (m == 0)
		return 0;
	if (sys_page_alloc_many(0, XOK_SELF, 0, ppn, m) != (int64_t)m)
		return -1;
	memset(ins, 0, sizeof(ins));
	for (i = 0; i < m; i++)
		ins[i].block = want[i], ins[i].ppn = ppn[i];
	r = sys_xn_bc_insert_many(0, ins, m, 0);
	for (i = 0; i < m; i++) {
		if (r >= 0 && ins[i].result == 0) {
			inserted++;
			if (pg != NULL)
				pg[at[i]] = ppn[i];
			continue;
		}
		sys_page_free(ppn[i], 0);
		if (!cached(want[i]))
			return -1;
	}
	return 0;
}

/* Find d's blocks and map them at va: 0, or -1 (nothing left mapped). */
static int
map_doc(struct doc *d, cffs_ino_t ino, uint8_t *va)
{
	struct inode ip;
	uint32_t i, k, n;

	d->data = va;
	d->nblk = (uint32_t)((d->size + CFFS_BSIZE - 1) / CFFS_BSIZE);
	if (d->nblk == 0)
		return 0;
	if ((d->blk = malloc(d->nblk * sizeof(uint32_t))) == NULL ||
	    (d->pg = malloc(d->nblk * sizeof(uint64_t))) == NULL ||
	    iget(fs, ino, &ip) < 0)
		goto bad;
	for (i = 0; i < d->nblk; i++)
		if (bmap(fs, &ip, i, false, &d->blk[i]) < 0 || d->blk[i] == 0)
			goto bad;       /* a hole: not from mkfs.cffs -d */
	for (i = 0; i < d->nblk; i += n) {
		n = d->nblk - i < RUN ? d->nblk - i : RUN;
		if (insert(d->blk + i, n, d->pg + i) < 0)
			goto unmap;
		/* runs of consecutive blocks in one call each */
		for (k = i; k < i + n; ) {
			uint32_t m = 1;

			while (k + m < i + n && d->blk[k + m] == d->blk[k] + m)
				m++;
			if (sys_xn_bc_map(d->blk[k], m, va + (uint64_t)k *
			    CFFS_BSIZE) < 0)
				goto unmap_k;
			k += m;
		}
	}
	return 0;
unmap_k:
	i = k;
unmap:
	if (i > 0)
		sys_page_unmap_range(XOK_SELF, (uint64_t)va, i, 0);
bad:
	free(d->blk);
	free(d->pg);
	d->blk = NULL;
	d->pg = NULL;
	d->nblk = 0;
	return -1;
}

int
docs_load(struct docs *out)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	uint64_t maxblk, used = 0;
	uint8_t *va = (uint8_t *)DOCS_VA;
	unsigned i, k;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = exos_cffs_bdev_xn(&dev)) < 0)
		return r;
	if ((r = cffs_mount(&dev, CFFS_RDONLY, &fs)) < 0)
		return r;
	if ((r = walk("", 0)) < 0)
		return r;
	(void)cffs_release(fs);
	qsort(docs, ndocs, sizeof(*docs), by_name);
	maxblk = xe->bc_slots / 2;
	for (i = k = 0; i < ndocs; i++) {
		struct doc d = docs[i];
		uint64_t pages = (d.size + CFFS_BSIZE - 1) / CFFS_BSIZE;

		if (used + pages > maxblk || (uint64_t)(va - (uint8_t *)
		    DOCS_VA) + (pages + 1) * CFFS_BSIZE > DOCS_VA_LEN ||
		    map_doc(&d, (cffs_ino_t)d.ino, va) < 0) {
			free((void *)d.name);
			skipped++;
			continue;
		}
		used += pages;
		va += (pages + 1) * CFFS_BSIZE;
		docs[k++] = d;
	}
	out->base = (const uint8_t *)DOCS_VA;
	out->size = (uint64_t)(va - (uint8_t *)DOCS_VA);
	out->nfiles = k;
	out->files = docs;
	out->skipped = skipped;
	out->blocks = used;
	out->inserted = inserted;
	loaded = out;
	return 0;
}

/* The registry page caching block b, or 0 if none. */
uint64_t
docs_ppn(uint32_t b)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bstate *s = (const struct xn_bstate *)XOK_XN_VA;
	const struct xn_bc_entry *e;

	if (!cached(b) || s[b].bcslot > xe->bc_slots)
		return 0;
	e = &((const struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off))[
	    s[b].bcslot - 1];
	if (e->state == XN_BC_EMPTY || e->block != b)
		return 0;
	return ((uint64_t)e->page - XOK_KERNEL_DIRECT) / XOK_PGSIZE;
}

/* ---- evictions by others ---------------------------------------------- */

/* Pages of ours an eviction gave back that a frame in flight still
 * pinned (PAGE_FREE said BUSY): freed by docs_collect. */
#define STALE_MAX 1024
static uint64_t stale[STALE_MAX];
static unsigned nstale;
static uint64_t st_remaps, st_copies, st_freed, st_leaked;

/* The page we gave for block i of f went back to us: free it. */
static void
drop_page(struct doc *f, uint32_t i)
{
	uint64_t ppn = f->pg[i];

	f->pg[i] = 0;
	if (ppn == 0 || XOK_PAGES[ppn].owner != (uint32_t)XOK_INFO->cur_env ||
	    (XOK_PAGES[ppn].flags & XOK_PG_XN))
		return;         /* not ours any more, or back in the registry */
	if (sys_page_free(ppn, 0) == 0)
		st_freed++;
	else if (nstale < STALE_MAX)
		stale[nstale++] = ppn;
	else
		st_leaked++;
}

void
docs_collect(void)
{
	unsigned i, k;

	for (i = k = 0; i < nstale; i++)
		if (sys_page_free(stale[i], 0) == 0)
			st_freed++;
		else if (XOK_PAGES[stale[i]].owner == (uint32_t)XOK_INFO->cur_env)
			stale[k++] = stale[i];
	nstale = k;
}

/* Block i of f left the registry: cache it again and map it back in
 * its place: 0 or -1. */
int
docs_remap(struct doc *f, uint32_t i)
{
	if (i >= f->nblk)
		return -1;
	drop_page(f, i);
	if (insert(&f->blk[i], 1, &f->pg[i]) < 0)
		return -1;
	return sys_xn_bc_map(f->blk[i], 1, (void *)(f->data +
	    (uint64_t)i * CFFS_BSIZE)) < 0 ? -1 : 0;
}

/* The registry would not take block i back: a private copy in its
 * place (read by XN_READ; never revoked). */
static int
private_copy(struct doc *f, uint32_t i)
{
	uint64_t va = (uint64_t)f->data + (uint64_t)i * CFFS_BSIZE;

	sys_page_unmap(XOK_SELF, va, 0);
	if (exos_map_new(va, 1, XOK_PTE_W | XOK_PTE_NX) < 0)
		return -1;
	if (sys_xn_read(f->blk[i], 1, (void *)va) < 0) {
		sys_page_unmap(XOK_SELF, va, 0);
		return -1;
	}
	st_copies++;
	return 0;
}

int
docs_fault(uint64_t addr, uint64_t err)
{
	struct doc *f;
	uint32_t i;
	int tries;

	/* a read of a page not present, inside a document */
	if (loaded == NULL || (err & 3) != 0 ||
	    (f = docs_holding(loaded, (const void *)addr, 1)) == NULL)
		return -1;
	i = (uint32_t)((addr - (uint64_t)f->data) / CFFS_BSIZE);
	/* another environment may evict it again at once: a few tries */
	for (tries = 0; tries < 4; tries++)
		if (docs_remap(f, i) == 0) {
			st_remaps++;
			return 0;
		}
	return private_copy(f, i);
}

void
docs_evict_stats(uint64_t *remaps, uint64_t *copies, uint64_t *freed,
    uint64_t *pending)
{
	*remaps = st_remaps;
	*copies = st_copies;
	*freed = st_freed;
	*pending = nstale + st_leaked;
}
