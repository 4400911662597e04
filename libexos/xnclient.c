/*
 * xnclient.c: XN's library interface (xn/xn.h) for a guest libFS, over
 * the kernel's XN calls (docs/KERNEL-INTERFACE.md, calls 23-42, 54, 63).  C-FFS
 * is written against xn/xn.h; on the host it links XN's host library,
 * in the guest this file, so the same C-FFS sources run in both places.
 *
 * What differs from the host library:
 *   - The principal argument is ignored: the kernel derives the
 *     principal from the name of the capability in slot 0 (XN's number
 *     for that name; XN_STAT reports it), which needs the W right for
 *     every change and R to cache.
 *   - XN lives in the kernel and is mounted at boot (or by XN_FORMAT).
 *     xn_mount() only checks that it is mounted on a disk of the size
 *     given and reads XN's layout and template names through the disk
 *     it is given, with XN's layout calls (xn/layout.c: there is no
 *     kernel call to look a template up by name; templates are
 *     persistent and immutable, so the table on disk is exact).  Its report is the one from the kernel's mount.
 *     xn_unmount() evicts this client's cache entries and syncs the
 *     free map; the kernel's XN stays mounted.  xn_format() formats the
 *     whole disk (nblocks must be its size).
 *   - xn_bc_insert() and xn_bc_insert_many() need each page to be a
 *     page-aligned heap page (malloc of more than 2048 bytes;
 *     malloc(4096) is one page): its physical page is given to XN,
 *     which reads the block into it, and our mapping of it at the same
 *     address becomes read-only in the same kernel call
 *     (XN_BC_INSERT_MANY, up to XOK_XN_BCI_MAX entries per call, the
 *     reads batched), so the caller reads XN's view, including later
 *     changes made by XN_WRITE, XN_ALLOC, XN_FREE and XN_MOVE.
 *     Eviction (or XN freeing the block) gives the page back, still
 *     mapped read-only: free() maps it writable again if it keeps it.
 *   - xn_block_info() and xn_bc_lookup() read XN's state where the
 *     kernel exports it read-only (XOK_XN_VA), without a kernel call;
 *     without the export they fall back to XN_BLOCK_INFO/XN_BC_LOOKUP.
 *   - Errors: XN's refusals come back as the same XN_E* codes; kernel
 *     errors are mapped to the nearest one (see kerr()).
 *
 * State: struct xn holds nblocks and data_start; the arena holds the
 * layout (xn_layout_get), the template names, the pages
 * this client registered (x->bc) and a block -> entry map (x->stack).
 */
#include <exos/exos.h>
#include <exos/capslot.h>
#include <exos/heap.h>
#include <stdlib.h>
#include <string.h>
#include <xn/client.h>

struct xc_tmpl {
	char name[XN_NAME_MAX];
	uint16_t type;
};

struct xc_state {
	struct xn_layout layout;        /* as XN's superblock says */
	struct xc_tmpl tmpl[XN_MAX_TEMPLATES];
	uint32_t nextslot;              /* where to look for a free entry */
};

#define ST(x) ((struct xc_state *)(void *)(x)->blk)

static struct xok_xn_change ch;
static struct xok_xn_move mv;
static struct xok_xn_template kt;

/* A kernel result as an XN error. */
static int
kerr(int64_t r)
{
	if (r >= 0)
		return 0;
	if (r <= -XE_XN)
		return (int)(r + XE_XN);
	switch (-r) {
	case XE_NODEV: return XN_ENOTMOUNTED;
	case XE_FAULT:
	case XE_INVAL: return XN_EINVAL;
	case XE_PERM:
	case XE_NOCAP: return XN_EACCES;
	case XE_RANGE: return XN_ERANGE;
	case XE_BUSY: return XN_EBUSY;
	case XE_NOMEM: return XN_ENOMEM;
	case XE_NOENT: return XN_ENOENT;
	default: return XN_EIO;
	}
}

/* A name as the kernel reads it: 32 bytes, NUL-terminated. */
static int
kname(char buf[XN_NAME_MAX], const char *name)
{
	size_t n;

	if (name == NULL || (n = strnlen(name, XN_NAME_MAX)) == 0 ||
	    n == XN_NAME_MAX)
		return XN_EINVAL;
	memset(buf, 0, XN_NAME_MAX);
	memcpy(buf, name, n);
	return 0;
}

/* ---- the registry entries of this client ---------------------------- */

static struct xn_bc_entry *
entry(struct xn *x, uint32_t block)
{
	uint32_t k;

	if (!x->mounted || block >= x->nblocks || (k = x->stack[block]) == 0)
		return NULL;
	return &x->bc[k - 1];
}

/*
 * XN's state is exported read-only (XOK_XN_VA): block info and registry
 * lookups are loads, not kernel calls.  The kernel runs one call at a
 * time, so what we read between calls is consistent.
 */
static const struct xn_bstate *
xbs(uint32_t block)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;

	if (!xe->mounted || block >= xe->nblocks)
		return NULL;
	return &((const struct xn_bstate *)XOK_XN_VA)[block];
}

static const struct xn_bc_entry *
xbc(const struct xn_bstate *s)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bc_entry *e;

	if (s->bcslot == 0 || s->bcslot > xe->bc_slots)
		return NULL;
	e = &((const struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off))[s->bcslot
	    - 1];
	return e->state == XN_BC_EMPTY ? NULL : e;
}

static void
entry_drop(struct xn *x, struct xn_bc_entry *e)
{
	x->stack[e->block] = 0;
	memset(e, 0, sizeof(*e));
}

/* The page is ours alone again.  It stays mapped read-only until the
 * caller frees it (C-FFS always does, at once): the heap's free maps a
 * page it keeps writable again, so mapping it here too cost a second
 * kernel call per evicted block. */
static void
page_back(struct xn *x, struct xn_bc_entry *e)
{
	entry_drop(x, e);
}

/* XN dropped the entries of these blocks (freed): forget them.  The
 * pages stay mapped read-only until the caller frees them. */
static void
forget_dropped(struct xn *x, const struct xn_claim *c, uint32_t n)
{
	const struct xn_bstate *s;
	struct xok_xn_bcinfo bi;
	struct xn_bc_entry *e;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if ((e = entry(x, c[i].block)) == NULL)
			continue;
		if (XOK_INFO->xn.mounted ? (s = xbs(c[i].block)) == NULL ||
		    xbc(s) == NULL : sys_xn_bc_lookup(c[i].block, &bi) < 0)
			entry_drop(x, e);
	}
}

/* ---- setup ------------------------------------------------------------ */

size_t
xn_arena_size(uint32_t nblocks, uint32_t bc_slots)
{
	if (nblocks == 0 || nblocks > XN_MAX_NBLOCKS ||
	    bc_slots > XN_MAX_BC_SLOTS)
		return 0;
	return sizeof(struct xc_state) + 16 +
	    (size_t)bc_slots * sizeof(struct xn_bc_entry) +
	    (size_t)nblocks * sizeof(uint32_t);
}

int
xn_format(const struct xn_disk *d, uint32_t nblocks, void *blockbuf)
{
	struct xok_xn_stat st;

	(void)blockbuf;
	if (d == NULL || sys_xn_stat(&st) < 0)
		return XN_EINVAL;
	if (st.nblocks == 0)
		return XN_EIO;                  /* no disk */
	if (nblocks != st.nblocks || d->nblocks != st.nblocks)
		return XN_EINVAL;               /* the kernel formats it all */
	return kerr(sys_xn_format(exos_root_slot()));
}

/* XN's layout and template names, read through d with XN's layout
 * calls (xn/layout.c): this file parses none of XN's blocks. */
static int
read_layout(struct xn *x, const struct xn_disk *d)
{
	struct xc_state *s = ST(x);
	struct xn_layout l;
	uint8_t *b = malloc(XN_BLOCK_SIZE);
	uint32_t i, n = 0;
	int r;

	if (b == NULL)
		return XN_ENOMEM;
	r = xn_layout_read(d, b, &l);
	if (r == 0 && l.nblocks != x->nblocks)
		r = XN_ECORRUPT;
	if (r == 0) {
		s->layout = l;
		x->data_start = l.data_start;   /* for the range checks */
	}
	for (i = 0; r == 0 && i < l.tmpl_count; i++) {
		r = xn_layout_template(d, &l, b, i, s->tmpl[n].name,
		                       &s->tmpl[n].type);
		if (r == 0)
			n++;
		else if (r == XN_ENOENT)
			r = 0;          /* an empty slot */
	}
	free(b);
	return r;
}

/* The layout XN's superblock gave at xn_mount. */
int
xn_layout_get(struct xn *x, struct xn_layout *out)
{
	if (x == NULL || out == NULL)
		return XN_EINVAL;
	if (!x->mounted)
		return XN_ENOTMOUNTED;
	*out = ST(x)->layout;
	return 0;
}

int
xn_mount(struct xn *x, const struct xn_disk *d, void *arena,
    size_t arena_len, uint32_t bc_slots, struct xn_mount_report *rep)
{
	struct xok_xn_stat st;
	size_t need;
	uint8_t *a = arena;
	int r;

	if (x == NULL || d == NULL || d->ops == NULL || arena == NULL)
		return XN_EINVAL;
	need = xn_arena_size(d->nblocks, bc_slots);
	if (need == 0 || arena_len < need)
		return XN_ENOMEM;
	if (sys_xn_stat(&st) < 0)
		return XN_EINVAL;
	if (!st.mounted)
		return XN_ECORRUPT;     /* the kernel found no XN area */
	if (st.nblocks != d->nblocks)
		return XN_EINVAL;
	memset(x, 0, sizeof(*x));
	memset(arena, 0, need);
	x->disk = *d;
	x->nblocks = st.nblocks;
	a += (16 - (uintptr_t)a % 16) % 16;
	x->blk = a;
	a += sizeof(struct xc_state);
	x->bc = (struct xn_bc_entry *)(void *)a;
	x->bc_slots = bc_slots;
	a += (size_t)bc_slots * sizeof(struct xn_bc_entry);
	x->stack = (uint32_t *)(void *)a;
	if ((r = read_layout(x, d)) != 0)
		return r;
	if (rep != NULL) {
		rep->was_clean = (int)st.was_clean;
		rep->templates = st.templates;
		rep->roots = st.roots;
		rep->reachable = st.reachable;
		rep->leaked = st.leaked;
		rep->map_fixed = st.map_fixed;
	}
	x->mounted = 1;
	return 0;
}

int
xn_sync(struct xn *x)
{
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	return kerr(sys_xn_sync());
}

/* The kernel's XN batches its own disk I/O (write-back waves, insert
 * reads); a client has nothing to attach. */
int
xn_set_batch(struct xn *x, const struct xn_disk_batch *b)
{
	(void)b;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	return 0;
}

int
xn_unmount(struct xn *x)
{
	struct xok_xn_bcinfo bi;
	uint32_t i;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	for (i = 0; i < x->bc_slots; i++) {
		struct xn_bc_entry *e = &x->bc[i];

		if (e->page == NULL)
			continue;
		if (sys_xn_bc_lookup(e->block, &bi) < 0) {
			page_back(x, e);        /* someone evicted it */
			continue;
		}
		if (bi.state == XN_BC_DIRTY)
			sys_xn_writeback(e->block);
		if (sys_xn_bc_evict(0, e->block) == 0)
			page_back(x, e);
	}
	x->mounted = 0;
	return kerr(sys_xn_sync());
}

/* ---- templates and roots ---------------------------------------------- */

int
xn_template_register(struct xn *x, uint32_t principal,
    const struct xn_template *t)
{
	struct xc_state *s;
	const struct xn_insn *code[3];
	uint32_t len[3], i, k;
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (t == NULL)
		return XN_EINVAL;
	code[0] = t->owns, len[0] = t->owns_len;
	code[1] = t->acl, len[1] = t->acl_len;
	code[2] = t->size, len[2] = t->size_len;
	memset(&kt, 0, sizeof(kt));
	memcpy(kt.name, t->name, XN_NAME_MAX);
	kt.name[XN_NAME_MAX - 1] = 0;
	kt.type = t->type;
	for (i = 0; i < 3; i++) {
		if (len[i] > XN_UDF_MAX_INSNS)
			return XN_EUDFLEN;
		if (len[i] && code[i] == NULL)
			return XN_EINVAL;
		kt.len[i] = len[i];
		if (len[i])
			memcpy(kt.code[i], code[i], len[i] * sizeof(*code[i]));
	}
	if ((r = kerr(sys_xn_template(0, &kt))) != 0)
		return r;
	s = ST(x);
	for (k = 0; k < XN_MAX_TEMPLATES && s->tmpl[k].type; k++)
		;
	if (k < XN_MAX_TEMPLATES) {
		memcpy(s->tmpl[k].name, kt.name, XN_NAME_MAX);
		s->tmpl[k].type = t->type;
	}
	return 0;
}

int
xn_template_find(struct xn *x, const char *name, uint16_t *type)
{
	struct xc_state *s;
	uint32_t k;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (name == NULL || type == NULL)
		return XN_EINVAL;
	s = ST(x);
	for (k = 0; k < XN_MAX_TEMPLATES; k++)
		if (s->tmpl[k].type &&
		    strncmp(s->tmpl[k].name, name, XN_NAME_MAX) == 0) {
			*type = s->tmpl[k].type;
			return 0;
		}
	return XN_ENOENT;
}

int
xn_root_install(struct xn *x, uint32_t principal, const char *name,
    uint16_t type, uint32_t block, const void *init)
{
	char n[XN_NAME_MAX];
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = kname(n, name)) != 0)
		return r;
	return kerr(sys_xn_root(0, n, type, block, init));
}

int
xn_root_lookup(struct xn *x, const char *name, uint32_t *block,
    uint16_t *type)
{
	char n[XN_NAME_MAX];
	uint64_t out[2];
	int r;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = kname(n, name)) != 0)
		return r;
	if ((r = kerr(sys_xn_lookup(n, out))) != 0)
		return r;
	if (block)
		*block = (uint32_t)out[0];
	if (type)
		*type = (uint16_t)out[1];
	return 0;
}

int
xn_root_remove(struct xn *x, uint32_t principal, const char *name)
{
	char n[XN_NAME_MAX];
	uint64_t out[2];
	struct xn_claim c;
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = kname(n, name)) != 0)
		return r;
	if ((r = kerr(sys_xn_lookup(n, out))) != 0)
		return r;
	if ((r = kerr(sys_xn_root_remove(0, n))) != 0)
		return r;
	c.block = (uint32_t)out[0];
	c.type = 0;
	forget_dropped(x, &c, 1);
	return 0;
}

/* ---- changes ---------------------------------------------------------- */

static int
fill_change(struct xok_xn_change *c, uint32_t block, uint32_t off,
    uint32_t len, const void *bytes, const struct xn_claim *claims,
    uint32_t n)
{
	uint32_t i;

	if (len > XN_BLOCK_SIZE || off > XN_BLOCK_SIZE ||
	    n > XN_MAX_CLAIMS || (len && bytes == NULL) ||
	    (n && claims == NULL))
		return XN_EINVAL;
	c->block = block, c->off = off, c->len = len, c->nclaims = n;
	for (i = 0; i < n; i++) {
		c->claims[i].block = claims[i].block;
		c->claims[i].type = claims[i].type;
	}
	if (len)
		memcpy(c->bytes, bytes, len);
	return 0;
}

/*
 * Fault injection for the tests of a process killed inside a file call
 * (exos.h, exos_xn_die_after; tests/libfs/libfstest.c "killed"): the
 * environment destroys itself right after its n-th change (XN_ALLOC,
 * XN_FREE, XN_MOVE, XN_WRITE, XN_WRITE_MANY) from now, as a kill
 * between two kernel calls would.  0: never (the default).
 */
static uint32_t die_after;

void
exos_xn_die_after(uint32_t n)
{
	die_after = n;
}

static int64_t
changed(int64_t r)
{
	if (die_after != 0 && --die_after == 0)
		sys_env_destroy(XOK_INFO->cur_env, 0, 9);
	return r;
}

int
xn_alloc(struct xn *x, uint32_t principal, uint32_t parent, uint32_t off,
    uint32_t len, const void *bytes, const struct xn_claim *claims,
    uint32_t nclaims)
{
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = fill_change(&ch, parent, off, len, bytes, claims, nclaims)))
		return r;
	return kerr(changed(sys_xn_alloc(0, &ch)));
}

int
xn_free(struct xn *x, uint32_t principal, uint32_t parent, uint32_t off,
    uint32_t len, const void *bytes, const struct xn_claim *claims,
    uint32_t nclaims)
{
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = fill_change(&ch, parent, off, len, bytes, claims, nclaims)))
		return r;
	if ((r = kerr(changed(sys_xn_free(0, &ch)))) != 0)
		return r;
	forget_dropped(x, claims, nclaims);
	return 0;
}

int
xn_move(struct xn *x, uint32_t principal, uint32_t from, uint32_t off,
    uint32_t len, const void *bytes, uint32_t to, uint32_t off2,
    uint32_t len2, const void *bytes2, const struct xn_claim *claims,
    uint32_t nclaims)
{
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = fill_change(&mv.from, from, off, len, bytes, claims,
	    nclaims)))
		return r;
	if (len2 > XN_BLOCK_SIZE || off2 > XN_BLOCK_SIZE ||
	    (len2 && bytes2 == NULL))
		return XN_EINVAL;
	mv.to = to, mv.off2 = off2, mv.len2 = len2;
	if (len2)
		memcpy(mv.bytes2, bytes2, len2);
	return kerr(changed(sys_xn_move(0, &mv)));
}

int
xn_write(struct xn *x, uint32_t principal, uint32_t block, uint32_t off,
    uint32_t len, const void *bytes)
{
	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (len && bytes == NULL)
		return XN_EINVAL;
	return kerr(changed(sys_xn_write(0, block, off, len, bytes)));
}

/* XN_WRITE_MANY, in pieces of XOK_XN_WR_MAX entries; a piece stops at
 * its first refused entry, and so does the list.  An entry the kernel
 * did not try (-XE_BUSY: the call's bound on UDF work was reached) is
 * sent again with the rest. */
static struct xok_xn_wr kwr[XOK_XN_WR_MAX];

int
xn_write_many(struct xn *x, uint32_t principal, const struct xn_wr *w,
    uint32_t n, uint32_t *done)
{
	uint32_t i, k, j, total = 0;
	int64_t r;

	(void)principal;
	if (done != NULL)
		*done = 0;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (w == NULL && n > 0)
		return XN_EINVAL;
	for (i = 0; i < n; i += k) {
		k = n - i < XOK_XN_WR_MAX ? n - i : XOK_XN_WR_MAX;
		for (j = 0; j < k; j++) {
			if (w[i + j].len && w[i + j].bytes == NULL) {
				k = j;  /* send those before it, then refuse */
				break;
			}
			memset(&kwr[j], 0, sizeof(kwr[j]));
			kwr[j].block = w[i + j].block;
			kwr[j].off = w[i + j].off;
			kwr[j].len = w[i + j].len;
			kwr[j].bytes = (uint64_t)(uintptr_t)w[i + j].bytes;
		}
		r = k > 0 ? changed(sys_xn_write_many(0, kwr, k)) : 0;
		if (r >= 0)
			total += (uint32_t)r;
		if (done != NULL)
			*done = total;
		if (r < 0)
			return kerr(r);
		if ((uint32_t)r < k && kwr[r].result == -XE_BUSY) {
			k = (uint32_t)r;        /* the rest: again */
			continue;
		}
		if ((uint32_t)r < k)
			return kerr(kwr[r].result);
		if (k < XOK_XN_WR_MAX && i + k < n)
			return XN_EINVAL;       /* the entry with no bytes */
	}
	return 0;
}

/* ---- the buffer-cache registry ---------------------------------------- */

/* A free entry of ours, or NULL. */
static struct xn_bc_entry *
entry_new(struct xn *x)
{
	struct xc_state *s = ST(x);
	uint32_t i, k;

	for (i = 0; i < x->bc_slots; i++) {
		k = (s->nextslot + i) % x->bc_slots;
		if (x->bc[k].page == NULL) {
			s->nextslot = k + 1;
			return &x->bc[k];
		}
	}
	return NULL;
}

/* One XN_BC_INSERT_MANY: the entries collected, the entry of ours each
 * has taken, and its place in the caller's list. */
static struct xok_xn_bcins kbi[XOK_XN_BCI_MAX];
static struct xn_bc_entry *kent[XOK_XN_BCI_MAX];
static uint32_t kidx[XOK_XN_BCI_MAX];

/* Send the n entries collected; keep our entries of those that went
 * in, drop the others.  Returns how many went in. */
static uint32_t
insert_send(struct xn *x, uint32_t n, int *results)
{
	int64_t r = sys_xn_bc_insert_many(0, kbi, n, 0);
	uint32_t k, done = 0;
	int res;

	for (k = 0; k < n; k++) {
		res = kerr(r < 0 ? r : kbi[k].result);
		results[kidx[k]] = res;
		if (res != 0) {
			entry_drop(x, kent[k]); /* our mapping is unchanged */
			continue;
		}
		kent[k]->state = XN_BC_CLEAN;
		exos_heap_writable(kent[k]->page, 0);   /* read-only now */
		done++;
	}
	return done;
}

/*
 * Each page is a heap page mapped writable at its address and nowhere
 * else; the kernel reads the block into it (zero-fills a fresh block)
 * and makes that mapping read-only.  An entry is taken in our table
 * (x->bc, x->stack) when it is collected, so a block listed twice gets
 * XN_EEXIST, and dropped again if the kernel refuses it.  Returns how
 * many went in (every results[i] set), or XN_ENOTMOUNTED / XN_EINVAL.
 */
int
xn_bc_insert_many(struct xn *x, uint32_t principal, const uint32_t *blocks,
    void *const *pages, uint32_t n, int *results)
{
	struct xn_bc_entry *e;
	uint32_t i, k = 0, done = 0;
	int64_t ppn;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (n > 0 && (blocks == NULL || pages == NULL || results == NULL))
		return XN_EINVAL;
	for (i = 0; i < n; i++) {
		if ((ppn = exos_heap_ppn(pages[i])) < 0) {
			results[i] = XN_EINVAL; /* not a page-aligned heap page */
			continue;
		}
		if (blocks[i] >= x->nblocks || blocks[i] < x->data_start) {
			results[i] = XN_ERANGE;
			continue;
		}
		if (entry(x, blocks[i]) != NULL) {
			results[i] = XN_EEXIST;
			continue;
		}
		if ((e = entry_new(x)) == NULL) {
			results[i] = XN_ENOSPC;
			continue;
		}
		e->block = blocks[i];
		e->page = pages[i];
		e->state = XN_BC_INFLIGHT;      /* until the kernel answers */
		x->stack[blocks[i]] = (uint32_t)(e - x->bc) + 1;
		memset(&kbi[k], 0, sizeof(kbi[k]));
		kbi[k].block = blocks[i];
		kbi[k].ppn = (uint64_t)ppn;
		kbi[k].va = (uint64_t)pages[i];
		kent[k] = e;
		kidx[k] = i;
		if (++k == XOK_XN_BCI_MAX) {
			done += insert_send(x, k, results);
			k = 0;
		}
	}
	if (k > 0)
		done += insert_send(x, k, results);
	return (int)done;
}

int
xn_bc_insert(struct xn *x, uint32_t principal, uint32_t block, void *page)
{
	int r, res;

	r = xn_bc_insert_many(x, principal, &block, &page, 1, &res);
	return r < 0 ? r : res;
}

/* Without the export (XOK_INFO->xn.mounted is 0), the kernel call. */
static int
bc_lookup_call(struct xn *x, uint32_t block, struct xn_bc_info *out)
{
	struct xok_xn_bcinfo bi;
	struct xn_bc_entry *e = entry(x, block);
	int r;

	if ((r = kerr(sys_xn_bc_lookup(block, &bi))) != 0) {
		if (e != NULL && r == XN_ENOENT)
			page_back(x, e);        /* another libFS evicted it */
		return r;
	}
	out->page = e != NULL ? e->page : NULL;
	out->owner = bi.owner;
	out->state = (uint8_t)bi.state;
	out->type = (uint16_t)bi.type;
	return 0;
}

int
xn_bc_lookup(struct xn *x, uint32_t block, struct xn_bc_info *out)
{
	const struct xn_bstate *s;
	const struct xn_bc_entry *ke;
	struct xn_bc_entry *e;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (out == NULL)
		return XN_EINVAL;
	if (!XOK_INFO->xn.mounted)
		return bc_lookup_call(x, block, out);
	if ((s = xbs(block)) == NULL)
		return XN_ERANGE;
	e = entry(x, block);
	if ((ke = xbc(s)) == NULL) {
		if (e != NULL)
			page_back(x, e);        /* another libFS evicted it */
		return XN_ENOENT;
	}
	if (e != NULL && ((uint64_t)ke->page - XOK_KERNEL_DIRECT) /
	    XOK_PGSIZE != (uint64_t)exos_heap_ppn(e->page)) {
		/* evicted by another libFS, and cached again by someone
		 * (a process of the family taking our write-back over):
		 * the entry is not ours */
		page_back(x, e);
		e = NULL;
	}
	out->page = e != NULL ? e->page : NULL;
	out->owner = ke->owner;
	out->state = ke->state;
	out->type = s->type;
	return 0;
}

int
xn_bc_evict(struct xn *x, uint32_t principal, uint32_t block)
{
	struct xn_bc_entry *e;
	int r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if ((r = kerr(sys_xn_bc_evict(0, block))) != 0)
		return r;
	if ((e = entry(x, block)) != NULL)
		page_back(x, e);
	return 0;
}

/*
 * XN_BC_EVICT_MANY, up to XOK_XN_BCE_MAX entries a call: each of our
 * entries asks for its page back writable where it is mapped, so the
 * heap's free keeps it without mapping it again (one PAGE_MAP per
 * evicted block less).  Returns how many were evicted.
 */
static struct xok_xn_bcev kbe[XOK_XN_BCE_MAX];

int
xn_bc_evict_many(struct xn *x, uint32_t principal, const uint32_t *blocks,
    uint32_t n, int *results)
{
	struct xn_bc_entry *e;
	uint32_t i, k, j, done = 0;
	int64_t r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (n > 0 && (blocks == NULL || results == NULL))
		return XN_EINVAL;
	for (i = 0; i < n; i += k) {
		k = n - i < XOK_XN_BCE_MAX ? n - i : XOK_XN_BCE_MAX;
		for (j = 0; j < k; j++) {
			e = entry(x, blocks[i + j]);
			memset(&kbe[j], 0, sizeof(kbe[j]));
			kbe[j].block = blocks[i + j];
			kbe[j].va = e != NULL && exos_heap_ppn(e->page) >= 0 ?
			    (uint64_t)e->page : 0;
		}
		r = sys_xn_bc_evict_many(0, kbe, k, 0);
		for (j = 0; j < k; j++) {
			results[i + j] = kerr(r < 0 ? r : kbe[j].result);
			if (results[i + j] != 0 ||
			    (e = entry(x, blocks[i + j])) == NULL)
				continue;
			if (kbe[j].va != 0)
				exos_heap_writable(e->page, 1);
			entry_drop(x, e);
		}
		for (j = 0; j < k; j++)
			done += results[i + j] == 0;
	}
	return (int)done;
}

int
xn_bc_revoked(struct xn *x, uint32_t principal, uint32_t *blocks,
    uint32_t max)
{
	int64_t r;

	(void)principal;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	r = sys_xn_bc_revoked(0, blocks, max);
	return r < 0 ? kerr(r) : (int)r;
}

int
xn_writeback(struct xn *x, uint32_t block)
{
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	return kerr(sys_xn_writeback(block));
}

/*
 * XN_WRITEBACK_MANY takes at most XOK_XN_WB_MAX blocks: longer lists go
 * in pieces, and the pieces again while a pass writes something and some
 * block is still held (a parent whose children were in a later piece).
 */
int
xn_writeback_many(struct xn *x, const uint32_t *blocks, uint32_t n,
    uint32_t *done)
{
	uint32_t i, k, d, total = 0, pass;
	int r, held;

	if (done != NULL)
		*done = 0;
	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (blocks == NULL && n > 0)
		return XN_EINVAL;
	do {
		pass = 0;
		held = 0;
		for (i = 0; i < n; i += k) {
			k = n - i < XOK_XN_WB_MAX ? n - i : XOK_XN_WB_MAX;
			d = 0;
			r = kerr(sys_xn_writeback_many(blocks + i, k, &d));
			pass += d;
			if (r == XN_EORDER)
				held = 1;
			else if (r != 0) {
				if (done != NULL)
					*done = total + pass;
				return r;
			}
		}
		total += pass;
	} while (held && pass > 0 && n > XOK_XN_WB_MAX);
	if (done != NULL)
		*done = total;
	return held ? XN_EORDER : 0;
}

int
xn_block_info(struct xn *x, uint32_t block, struct xn_block_info *out)
{
	const struct xn_bstate *s;

	if (x == NULL || !x->mounted)
		return XN_ENOTMOUNTED;
	if (out == NULL)
		return XN_EINVAL;
	if (!XOK_INFO->xn.mounted) {
		struct xok_xn_blockinfo bi;
		int r;

		if ((r = kerr(sys_xn_block_info(block, &bi))) != 0)
			return r;
		out->type = (uint16_t)bi.type;
		out->flags = (uint16_t)bi.flags;
		out->parent = bi.parent;
		out->nchild = bi.nchild;
		return 0;
	}
	if ((s = xbs(block)) == NULL)
		return XN_ERANGE;
	out->type = s->type;
	out->flags = s->flags;
	out->parent = s->parent;
	out->nchild = s->nchild;
	return 0;
}

/* This file as the client table's kernel backend (xn/client.h). */
const struct xn_client_ops xn_client = {
	.name = "kernel",
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
