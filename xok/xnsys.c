/*
 * xnsys.c: XN in the kernel.  The disk (virtio-blk) is shared by
 * untrusted library file systems; XN (xn/, compiled into the kernel)
 * checks every change to their metadata through the templates and UDFs
 * they registered, keeps the free map and orders writes so that a crash
 * leaves every on-disk pointer valid.  These are the kernel calls that
 * expose it; docs/XN.md describes the model, KERNEL-INTERFACE.md the
 * calls.  A principal is XN's number for a capability's whole name (its
 * principal table, xn/principal.c), so it is the same across reboots and
 * no other name has it; a call that changes what the principal owns
 * needs the capability's W right, one that only caches or reads needs R.
 * Disk I/O here is synchronous (the kernel polls the device); XN's
 * calls are rare next to the data they protect.  A
 * wave of a batched write-back (XN_WRITEBACK_MANY), and the reads of a
 * batched insert (XN_BC_INSERT_MANY), go to the device at once: sorted
 * by block, runs of consecutive blocks merged into one scatter-gather
 * request over their (scattered) cache pages, every request queued
 * before the kernel polls for them.
 */
#include "kern.h"
#include "dev/virtio_blk.h"
#include <xn/xn.h>

#define BC_SLOTS 16384        /* > one C-FFS mount's cache (4096 buffers) */
#define SECTORS_PER_BLOCK (XN_BLOCK_SIZE / VBLK_SECTOR)

static struct xn xn;
static struct xn_disk disk;
static struct xn_mount_report report;
static void *arena;
static size_t arena_len;
static int mounted;

/* Staging buffers for user arguments (the kernel runs one call at a time). */
static struct xok_xn_template utmpl;
static struct xn_insn code[3][XN_UDF_MAX_INSNS];
static struct xok_xn_move umove;
#define uchange (umove.from)
static struct xn_claim claims[XOK_XN_CLAIMS];
static uint8_t blockbuf[XN_BLOCK_SIZE] __attribute__((aligned(4096)));

_Static_assert(XOK_KERNEL_DIRECT == PHYSBASE, "exported XN pages");
_Static_assert(sizeof(struct xok_xn_insn) == sizeof(struct xn_insn),
    "ABI and XN instruction layouts differ");
_Static_assert(XOK_CAP_NAMELEN == XN_PR_NAME_MAX, "names and principals");
_Static_assert(XOK_XN_NAME == XN_NAME_MAX && XOK_XN_UDF_MAX ==
    XN_UDF_MAX_INSNS && XOK_XN_CLAIMS == XN_MAX_CLAIMS, "XN limits differ");

/* ---- The disk under XN ------------------------------------------------ */

static int
disk_read(void *ctx, uint32_t block, void *buf)
{
	(void)ctx;
	return vblk_rw((uint64_t)block * SECTORS_PER_BLOCK, PADDR(buf),
	    XN_BLOCK_SIZE, 0) < 0 ? -1 : 0;
}

static int
disk_write(void *ctx, uint32_t block, const void *buf)
{
	(void)ctx;
	return vblk_rw((uint64_t)block * SECTORS_PER_BLOCK, PADDR(buf),
	    XN_BLOCK_SIZE, 1) < 0 ? -1 : 0;
}

static int
disk_flush(void *ctx)
{
	(void)ctx;
	return vblk_flush() < 0 ? -1 : 0;
}

static const struct xn_disk_ops disk_ops = { disk_read, disk_write,
	disk_flush };

/* A disk_many call's blocks, their pages' physical addresses and their
   places in the call's lists, sorted by block; wm_pa[] holds the
   scatter-gather lists of the runs. */
_Static_assert(XN_READ_MANY_MAX <= XN_WRITE_MANY_MAX, "wm[] too small");
static struct wm_ent {
	uint32_t block;
	uint32_t idx;
	uint64_t pa;
} wm[XN_WRITE_MANY_MAX];
static uint64_t wm_pa[XN_WRITE_MANY_MAX];

/* Heapsort of wm[0..n) by block (no recursion, no allocation). */
static void
wm_sift(uint32_t i, uint32_t n)
{
	struct wm_ent t;
	uint32_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && wm[c + 1].block > wm[c].block)
			c++;
		if (wm[i].block >= wm[c].block)
			return;
		t = wm[i]; wm[i] = wm[c]; wm[c] = t;
		i = c;
	}
}

static void
wm_sort(uint32_t n)
{
	struct wm_ent t;
	uint32_t i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0; )
		wm_sift(i, n);
	for (i = n - 1; i > 0; i--) {
		t = wm[0]; wm[0] = wm[i]; wm[i] = t;
		wm_sift(0, i);
	}
}

/* One request of a disk_many call: wm[first .. first + n) share its
   status, 1 until it completes. */
static struct rm_run {
	struct vblk_waiter *w;
	uint32_t first, n;
	volatile int err;
} rm_run[XN_WRITE_MANY_MAX];

static void
rm_done(void *arg, int status)
{
	struct rm_run *r = arg;

	r->err = status;
	vblk_waiter_done(r->w, status);
}

/*
 * Move n blocks to (write) or from the disk: sorted, each run of
 * consecutive block numbers (up to vblk_sg_max() pages) one
 * scatter-gather request on the blocks' pages, all queued (reaping
 * completions when the queue is full), then one bounded wait for all of
 * them, also after a refusal: the pages must not change while the
 * device may still use them.  A request that never completes resets the
 * device, which completes it with an error.  With err, err[i] is 0 if
 * the request carrying blocks[i] completed without error, else -1.
 * 0 if every request succeeded, else -1.
 */
static int
disk_many(int write, const uint32_t *blocks, void *const *pg, uint32_t n,
    int *err)
{
	struct vblk_waiter w = { 0, 0 };
	struct rm_run *run;
	uint32_t i, j, k, r, nrun, max = vblk_sg_max();
	int bad = 0, qerr, e;

	if (max == 0) {
		for (i = 0; err != NULL && i < n; i++)
			err[i] = -1;
		return n ? -1 : 0;
	}
	while (n > 0) {
		k = n < XN_READ_MANY_MAX ? n : XN_READ_MANY_MAX;
		for (i = 0; i < k; i++) {
			wm[i].block = blocks[i];
			wm[i].idx = i;
			wm[i].pa = PADDR(pg[i]);
		}
		wm_sort(k);
		for (i = 0, nrun = 0; i < k; i = j) {
			wm_pa[i] = wm[i].pa;
			for (j = i + 1; j < k && j - i < max &&
			    wm[j].block == wm[j - 1].block + 1; j++)
				wm_pa[j] = wm[j].pa;
			run = &rm_run[nrun++];
			run->w = &w;
			run->first = i;
			run->n = j - i;
			run->err = 1;
			w.pending++;
			if ((qerr = vblk_submit_sg_wait((uint64_t)wm[i].block *
			    SECTORS_PER_BLOCK, &wm_pa[i], j - i, write,
			    rm_done, run)) < 0) {
				w.pending--;
				run->err = qerr;
			}
		}
		vblk_wait(&w);
		for (r = 0; r < nrun; r++) {
			e = rm_run[r].err == 0 ? 0 : -1;
			bad |= e;
			for (i = 0; err != NULL && i < rm_run[r].n; i++)
				err[wm[rm_run[r].first + i].idx] = e;
		}
		blocks += k, pg += k, n -= k;
		if (err != NULL)
			err += k;
	}
	return bad ? -1 : 0;
}

/* XN's write_many: -1 if any request failed or could not be queued (XN
   then keeps the whole wave dirty).  The device only reads the pages. */
static int
disk_write_many(void *ctx, const uint32_t *blocks, const void *const *pg,
    uint32_t n)
{
	(void)ctx;
	return disk_many(1, blocks, (void *const *)(uintptr_t)pg, n, NULL);
}

/* XN's read_many: a result per block. */
static int
disk_read_many(void *ctx, const uint32_t *blocks, void *const *pg,
    uint32_t n, int *err)
{
	(void)ctx;
	return disk_many(0, blocks, pg, n, err);
}

static const struct xn_disk_batch disk_batch = { disk_write_many,
	disk_read_many };

static int
xn_mount_now(void)
{
	int err = xn_mount(&xn, &disk, arena, arena_len, BC_SLOTS, &report);

	if (err == 0)
		err = xn_set_batch(&xn, &disk_batch);
	mounted = err == 0;
	/* the export (xn_export) shows bs[] and bc[] if they are where it
	 * expects them; otherwise libOSes use XN_BLOCK_INFO/XN_BC_LOOKUP */
	info->xn.bc_off = (uint64_t)((uint8_t *)xn.bc - (uint8_t *)arena);
	info->xn.mounted = mounted && info->xn.nblocks == disk.nblocks &&
	    (void *)xn.bs == arena && xn.bc_slots == BC_SLOTS &&
	    info->xn.bc_off == ROUNDUP(sizeof(struct xn_bstate) *
	    (uint64_t)disk.nblocks, 16);
	return err;
}

/*
 * Export XN's per-block state and registry read-only (XOK_XN_VA): they
 * are the first two arrays of the arena, which starts on a page.  The
 * last page may also show the start of the template table (names and
 * UDFs, which are not secret).
 */
static void
xn_export(void)
{
	uint64_t len = ROUNDUP(sizeof(struct xn_bstate) * (uint64_t)disk.nblocks,
	    16) + sizeof(struct xn_bc_entry) * (uint64_t)BC_SLOTS;

	if (pmap_export(XOK_XN_VA - XOK_INFO_VA, PADDR(arena),
	    ROUNDUP(len, PGSIZE)) < 0) {
		kprintf("xn: cannot export XN's state\n");
		return;
	}
	info->xn.nblocks = disk.nblocks;
	info->xn.bc_slots = BC_SLOTS;
}

/* At boot: size the arena for the disk and mount it if it is XN's. */
void
xnsys_init(void)
{
	uint64_t nblocks = vblk_sectors() / SECTORS_PER_BLOCK;
	int64_t ppn;
	int err;

	if (nblocks == 0)
		return;
	if (nblocks > XN_MAX_NBLOCKS)
		nblocks = XN_MAX_NBLOCKS;
	disk.ops = &disk_ops;
	disk.ctx = NULL;
	disk.nblocks = (uint32_t)nblocks;
	arena_len = xn_arena_size(disk.nblocks, BC_SLOTS);
	if (arena_len == 0 ||
	    (ppn = kpages_alloc_contig(ROUNDUP(arena_len, PGSIZE) / PGSIZE)) < 0) {
		kprintf("xn: no memory for a %lu-block disk\n", nblocks);
		disk.nblocks = 0;
		return;
	}
	arena = KADDR(ppn * PGSIZE);
	xn_export();
	if ((err = xn_mount_now()) == 0)
		kprintf("xn: mounted %u blocks: %u templates, %u roots, "
		    "%u reachable, %u leaked blocks freed\n", disk.nblocks,
		    report.templates, report.roots, report.reachable,
		    report.leaked);
	else
		kprintf("xn: disk of %u blocks not mounted: not an XN disk, or "
		    "damaged (%s)\n",
		    disk.nblocks, xn_strerror(err));
}

/* ---- Helpers ------------------------------------------------------------ */

static int64_t
xerr(int err)
{
	return err < 0 ? -(XE_XN - err) : err;
}

/* XN when it is mounted (for xnread.c), else NULL. */
struct xn *
xnsys_xn(void)
{
	return mounted ? &xn : NULL;
}

static int
ready(void)
{
	return mounted ? 0 : -XE_NODEV;
}

/*
 * Principals.  A capability's principal is XN's number for its whole
 * name (xn/principal.c).  A table entry is permanent and the table holds
 * 1016, so entries are given only where a principal can end up on disk:
 * the calls that change something (W: XN records a root's or template's
 * owner, and an acl-uf sees the principal in r0 and may compare it with,
 * or have it written into, the libFS's metadata) and XN_STAT when asked
 * to give one.  A call that only caches or collects (R) and a name with
 * no entry act under a transient principal: one per environment, above
 * every table number, never seen by an acl-uf and never on disk (it only
 * owns cache entries, for their revocation notices).  And one
 * environment gives at most PR_GIVE_MAX names an entry in its life, so
 * deriving names does not let it take the table from everyone else (its
 * children count on their own: docs/XN.md, "Principals").
 */
#define PR_GIVE_MAX   16
#define PR_TRANSIENT  0x80000000u

static struct {
	uint32_t id;            /* the environment in this slot */
	uint32_t n;             /* entries it gave */
} given[XOK_NENV];

static uint32_t
transient(void)
{
	return PR_TRANSIENT | curenv->id;
}

/*
 * Ids repeat after 2^21 environment creations (docs/ARCHITECTURE.md,
 * "Ids"), and with them transient principals.  So when an environment
 * that acted under its transient principal dies, its registry entries
 * become nobody's and its notices go (xn_bc_disown): an environment
 * given the same id later inherits none of them.  tused[slot] is the id
 * of the slot's environment if it did (the one scan of the registry is
 * paid only by those).
 */
static uint32_t tused[XOK_NENV];

static uint32_t
as_transient(void)
{
	tused[XOK_ENVX(curenv->id)] = curenv->id;
	return transient();
}

/* env_destroy: environment id is dead.  Its share of the table goes
 * with it too (a recycled id starts with a share of its own). */
void
xnsys_env_died(uint32_t id)
{
	unsigned x = XOK_ENVX(id);

	if (given[x].id == id)
		given[x].id = 0, given[x].n = 0;
	if (tused[x] != id)
		return;
	tused[x] = 0;
	if (mounted)
		xn_bc_disown(&xn, PR_TRANSIENT | id);
}

/* Name c's principal: its entry, or (give) a new one, charged to us. */
static int
name_principal(const struct xok_cap *c, int give, uint32_t *pr)
{
	unsigned x = XOK_ENVX(curenv->id);
	int err;

	if (c->len > XOK_CAP_NAMELEN)
		return -XE_INVAL;
	err = xn_principal(&xn, c->name, c->len, 0, pr);
	if (err != XN_ENOENT)
		return xerr(err);
	if (!give) {
		*pr = as_transient();
		return 0;
	}
	if (given[x].id != curenv->id)
		given[x].id = curenv->id, given[x].n = 0;
	if (given[x].n >= PR_GIVE_MAX)
		return xerr(XN_ENOSPC);
	if ((err = xn_principal(&xn, c->name, c->len, 1, pr)) < 0)
		return xerr(err);
	given[x].n++;
	return 0;
}

/*
 * The principal of the capability in slot, which must hold rights
 * (XOK_CAP_W to change what the principal owns, XOK_CAP_R to cache or
 * read).  give: a name with no entry gets one (the W calls that can put
 * the principal on disk); else it acts under our transient principal,
 * as does every capability without W (a read-only copy of a name must
 * not evict its owner's entries unseen or take its notices).  XN must
 * be mounted.
 */
static int
principal(uint64_t slot, unsigned rights, int give, uint32_t *pr)
{
	struct xok_cap *c;
	int err;

	if ((err = ready()) < 0 || (err = cap_slot(slot, &c)) < 0)
		return err;
	if ((c->rights & rights) != rights)
		return -XE_PERM;
	/* a copy without W is not the principal: it caches, evicts (with
	 * a notice to the entry's owner) and collects as itself */
	if (!(c->rights & XOK_CAP_W)) {
		*pr = as_transient();
		return 0;
	}
	return name_principal(c, give, pr);
}

static int
copy_name(char *name, uint64_t uname)
{
	int err;

	if ((err = copyin(curenv, name, uname, XOK_XN_NAME)) < 0)
		return err;
	name[XOK_XN_NAME - 1] = 0;
	return 0;
}

/* XN is gone (reformatted): its cache pages go back to their owners. */
static void
release_cache_pages(void)
{
	uint64_t p;

	for (p = 0; p < pages.npages; p++)
		if (pages.info[p].flags & XOK_PG_XN) {
			pmap_revoke_page(p, pages.info[p].owner);
			pages_set_xn(&pages, p, 0);
		}
}

/*
 * Freeing a block (or removing a root) drops its registry entry inside
 * XN; the page that cached it goes back to its owner alone, as on
 * eviction.  pages_before[] holds the cache pages of the n blocks as
 * they were before the call (0: not cached).
 */
static uint64_t pages_before[XOK_XN_CLAIMS];

static void
note_cache_pages(const uint32_t *blocks, unsigned n, size_t stride)
{
	struct xn_bc_info in;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint32_t b = *(const uint32_t *)((const uint8_t *)blocks +
		    i * stride);

		pages_before[i] = xn_bc_lookup(&xn, b, &in) == 0 ?
		    PADDR(in.page) / PGSIZE : 0;
	}
}

static void
release_dropped_pages(const uint32_t *blocks, unsigned n, size_t stride)
{
	struct xn_bc_info in;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint32_t b = *(const uint32_t *)((const uint8_t *)blocks +
		    i * stride);
		uint64_t ppn = pages_before[i];

		if (ppn == 0 || (xn_bc_lookup(&xn, b, &in) == 0 &&
		    PADDR(in.page) / PGSIZE == ppn))
			continue;
		pmap_revoke_page(ppn, pages.info[ppn].owner);
		pages_set_xn(&pages, ppn, 0);
	}
}

/* ---- The calls ---------------------------------------------------------- */

int64_t
sys_xn_format(uint64_t slot)
{
	int err;

	if (!disk.nblocks)
		return -XE_NODEV;
	if ((err = cap_machine(slot)) < 0)
		return err;
	if (mounted) {
		xn_unmount(&xn);
		mounted = 0;
		info->xn.mounted = 0;
		release_cache_pages();
	}
	if ((err = xn_format(&disk, disk.nblocks, blockbuf)) < 0)
		return xerr(err);
	memset(given, 0, sizeof(given));        /* a new, empty table */
	return xerr(xn_mount_now());
}

int64_t
sys_xn_stat(uaddr_t ustat, uint64_t flags)
{
	struct xok_xn_stat st;

	if (flags > XOK_XN_STAT_GIVE)
		return -XE_INVAL;
	memset(&st, 0, sizeof(st));
	st.mounted = (uint32_t)mounted;
	st.nblocks = disk.nblocks;
	st.templates = report.templates;
	st.roots = report.roots;
	st.reachable = report.reachable;
	st.leaked = report.leaked;
	st.map_fixed = report.map_fixed;
	st.was_clean = (uint32_t)report.was_clean;
	/* the principal of slot 0's name: its entry, or with
	 * XOK_XN_STAT_GIVE (and W) a new one; else 0 (none yet, XN not
	 * mounted, slot 0 empty, the table or our share of it full) */
	if (mounted && curenv->caps[0].valid &&
	    (name_principal(&curenv->caps[0], flags == XOK_XN_STAT_GIVE &&
	    (curenv->caps[0].rights & XOK_CAP_W), &st.principal) < 0 ||
	    st.principal == transient()))
		st.principal = 0;
	return copyout(curenv, ustat, &st, sizeof(st));
}

int64_t
sys_xn_template(uint64_t slot, uaddr_t ut)
{
	struct xn_template t;
	uint32_t pr;
	int err, i;

	if ((err = principal(slot, XOK_CAP_W, 1, &pr)) < 0)
		return err;
	if ((err = copyin(curenv, &utmpl, ut, sizeof(utmpl))) < 0)
		return err;
	if (utmpl.type > 0xffff)
		return -XE_INVAL;
	for (i = 0; i < 3; i++) {
		if (utmpl.len[i] > XN_UDF_MAX_INSNS)
			return -XE_INVAL;
		memcpy(code[i], utmpl.code[i], sizeof(code[i]));
	}
	memset(&t, 0, sizeof(t));
	memcpy(t.name, utmpl.name, XN_NAME_MAX);
	t.name[XN_NAME_MAX - 1] = 0;
	t.type = (uint16_t)utmpl.type;
	t.owns = code[0], t.owns_len = utmpl.len[0];
	t.acl = code[1], t.acl_len = utmpl.len[1];
	t.size = utmpl.len[2] ? code[2] : NULL, t.size_len = utmpl.len[2];
	return xerr(xn_template_register(&xn, pr, &t));
}

int64_t
sys_xn_root(uint64_t slot, uaddr_t uname, uint64_t type, uint64_t block,
    uaddr_t uinit)
{
	char name[XOK_XN_NAME];
	uint32_t pr;
	int err;

	if ((err = principal(slot, XOK_CAP_W, 1, &pr)) < 0)
		return err;
	if (type > 0xffff || block > 0xffffffffULL)
		return -XE_INVAL;
	if ((err = copy_name(name, uname)) < 0)
		return err;
	if (uinit && (err = copyin(curenv, blockbuf, uinit, XN_BLOCK_SIZE)) < 0)
		return err;
	return xerr(xn_root_install(&xn, pr, name, (uint16_t)type,
	    (uint32_t)block, uinit ? blockbuf : NULL));
}

int64_t
sys_xn_lookup(uaddr_t uname, uaddr_t uout)
{
	char name[XOK_XN_NAME];
	uint64_t out[2];
	uint32_t block;
	uint16_t type;
	int err;

	if ((err = ready()) < 0 || (err = copy_name(name, uname)) < 0)
		return err;
	if ((err = xn_root_lookup(&xn, name, &block, &type)) < 0)
		return xerr(err);
	out[0] = block, out[1] = type;
	return copyout(curenv, uout, out, sizeof(out));
}

int64_t
sys_xn_root_remove(uint64_t slot, uaddr_t uname)
{
	char name[XOK_XN_NAME];
	uint32_t pr, block = XN_NOBLOCK;
	uint16_t type;
	int err;

	if ((err = principal(slot, XOK_CAP_W, 0, &pr)) < 0 ||
	    (err = copy_name(name, uname)) < 0)
		return err;
	if (xn_root_lookup(&xn, name, &block, &type) == 0)
		note_cache_pages(&block, 1, sizeof(block));
	else
		block = XN_NOBLOCK;
	if ((err = xn_root_remove(&xn, pr, name)) == 0 && block != XN_NOBLOCK)
		release_dropped_pages(&block, 1, sizeof(block));
	return xerr(err);
}

enum { CH_ALLOC, CH_FREE, CH_MOVE };

static int64_t
change(uint64_t slot, uint64_t uch, int kind)
{
	uint32_t pr, i;
	int err;

	if ((err = principal(slot, XOK_CAP_W, 1, &pr)) < 0)
		return err;
	/* Copy only what is used: the header, nclaims claims, len bytes. */
	if ((err = copyin(curenv, &uchange, uch,
	    offsetof(struct xok_xn_change, claims))) < 0)
		return err;
	if (uchange.nclaims > XOK_XN_CLAIMS || uchange.len > XN_BLOCK_SIZE ||
	    uchange.off > XN_BLOCK_SIZE)
		return -XE_INVAL;
	if ((err = copyin(curenv, uchange.claims, uch +
	    offsetof(struct xok_xn_change, claims),
	    uchange.nclaims * sizeof(uchange.claims[0]))) < 0)
		return err;
	if ((err = copyin(curenv, uchange.bytes, uch +
	    offsetof(struct xok_xn_change, bytes), uchange.len)) < 0)
		return err;
	if (kind == CH_MOVE) {
		uint64_t m = uch + offsetof(struct xok_xn_move, to);

		if ((err = copyin(curenv, &umove.to, m,
		    offsetof(struct xok_xn_move, bytes2) -
		    offsetof(struct xok_xn_move, to))) < 0)
			return err;
		if (umove.len2 > XN_BLOCK_SIZE || umove.off2 > XN_BLOCK_SIZE)
			return -XE_INVAL;
		if ((err = copyin(curenv, umove.bytes2, uch +
		    offsetof(struct xok_xn_move, bytes2), umove.len2)) < 0)
			return err;
	}
	for (i = 0; i < uchange.nclaims; i++) {
		if (uchange.claims[i].type > 0xffff)
			return -XE_INVAL;
		claims[i].block = uchange.claims[i].block;
		claims[i].type = (uint16_t)uchange.claims[i].type;
	}
	if (kind == CH_ALLOC)
		err = xn_alloc(&xn, pr, uchange.block, uchange.off, uchange.len,
		    uchange.bytes, claims, uchange.nclaims);
	else if (kind == CH_FREE) {
		note_cache_pages(&claims[0].block, uchange.nclaims,
		    sizeof(claims[0]));
		err = xn_free(&xn, pr, uchange.block, uchange.off, uchange.len,
		    uchange.bytes, claims, uchange.nclaims);
		if (err == 0)
			release_dropped_pages(&claims[0].block,
			    uchange.nclaims, sizeof(claims[0]));
	}
	else
		err = xn_move(&xn, pr, uchange.block, uchange.off, uchange.len,
		    uchange.bytes, umove.to, umove.off2, umove.len2,
		    umove.bytes2, claims, uchange.nclaims);
	return xerr(err);
}

int64_t
sys_xn_alloc(uint64_t slot, uaddr_t uch)
{
	return change(slot, uch, CH_ALLOC);
}

int64_t
sys_xn_free(uint64_t slot, uaddr_t uch)
{
	return change(slot, uch, CH_FREE);
}

int64_t
sys_xn_move(uint64_t slot, uaddr_t umv)
{
	return change(slot, umv, CH_MOVE);
}

int64_t
sys_xn_write(uint64_t slot, uint64_t block, uint64_t off, uint64_t len,
    uaddr_t ubytes)
{
	uint32_t pr;
	int err;

	if ((err = principal(slot, XOK_CAP_W, 1, &pr)) < 0)
		return err;
	if (len > XN_BLOCK_SIZE || off > XN_BLOCK_SIZE || block > 0xffffffffULL)
		return -XE_INVAL;
	if ((err = copyin(curenv, blockbuf, ubytes, len)) < 0)
		return err;
	return xerr(xn_write(&xn, pr, (uint32_t)block, (uint32_t)off,
	    (uint32_t)len, blockbuf));
}

/*
 * XN_WRITE for each entry of the caller's vector uv, in order, stopping
 * at the first one refused: a libFS's commit writes the bytes of many
 * blocks (a file's new data, its inode) in one kernel entry.  Each
 * entry is checked and applied exactly as XN_WRITE would (its bytes
 * copied in first, so a bad address changes nothing of that entry).
 * Returns how many were written (n: all); the results of the entries
 * looked at (those written and the one refused) are written back, later
 * entries are neither tried nor written.  The vector must be readable
 * and writable, else nothing is done.
 *
 * Interrupts are off for the whole call, so its UDF work is bounded:
 * an entry whose worst case (xn_write_cost) would take the call past
 * WR_BUDGET steps is not tried (its result is -XE_BUSY: send it again),
 * except the first, so every call makes progress.  WR_BUDGET is what
 * one XN_WRITE of the heaviest templates may run (an acl-uf and two
 * owns-udf runs); C-FFS's writes cost a few steps each.
 */
#define WR_BUDGET (3ULL * XN_UDF_MAX_STEPS)

static struct xok_xn_wr wrv[XOK_XN_WR_MAX];
static int vec_in(uint64_t slot, unsigned rights, uint64_t n, uint64_t max,
    int has_pslot, uint64_t pslot, void *kv, uaddr_t uv, uint64_t esize,
    uint32_t *pr);

static int
write_one(uint32_t pr, const struct xok_xn_wr *w)
{
	int err;

	if (w->pad != 0 || w->len > XN_BLOCK_SIZE || w->off > XN_BLOCK_SIZE)
		return -XE_INVAL;
	if ((err = copyin(curenv, blockbuf, w->bytes, w->len)) < 0)
		return err;
	return (int)xerr(xn_write(&xn, pr, w->block, w->off, w->len,
	    blockbuf));
}

int64_t
sys_xn_write_many(uint64_t slot, uaddr_t uv, uint64_t n)
{
	uint64_t i, cost, spent = 0;
	uint32_t pr;
	int err;

	if ((err = vec_in(slot, XOK_CAP_W, n, XOK_XN_WR_MAX, 0, 0, wrv, uv,
	    sizeof(wrv[0]), &pr)) <= 0)
		return err;
	for (i = 0; i < n; i++) {
		cost = xn_write_cost(&xn, wrv[i].block);
		if (i > 0 && spent + cost > WR_BUDGET) {
			wrv[i].result = -XE_BUSY;
			break;
		}
		spent += cost;
		if ((err = write_one(pr, &wrv[i])) < 0) {
			wrv[i].result = err;
			break;
		}
		wrv[i].result = 0;
	}
	/* fails only if a write remapped the vector (it cannot: XN's
	 * pages are never the caller's writable memory); the count stands */
	copyout(curenv, uv, wrv, (i < n ? i + 1 : n) * sizeof(wrv[0]));
	return (int64_t)i;
}

/*
 * The caller gives a page it may write and nobody maps; XN reads the
 * block into it (or zero-fills a fresh block).  From then on the page
 * maps read-only, for anyone, until it is evicted: bytes change only
 * through XN_WRITE / XN_ALLOC / XN_FREE.
 */
int64_t
sys_xn_bc_insert(uint64_t slot, uint64_t block, uint64_t ppn, uint64_t pslot)
{
	uint32_t pr;
	int err;

	if ((err = principal(slot, XOK_CAP_R, 0, &pr)) < 0)
		return err;
	if (block > 0xffffffffULL)
		return -XE_INVAL;
	if ((err = page_check(ppn, pslot, XOK_CAP_W, XOK_PG_XN)) < 0)
		return err;
	if (pages.info[ppn].mapcount != 0)
		return -XE_BUSY;
	if ((err = xn_bc_insert(&xn, pr, (uint32_t)block,
	    KADDR(ppn * PGSIZE))) < 0)
		return xerr(err);
	pages_set_xn(&pages, ppn, 1);
	return 0;
}

/*
 * The start every batched XN call shares: the principal of slot (W
 * calls may give one, as XN_WRITE; R calls not), at most max entries,
 * the page slot when the call has one, and the caller's vector of n
 * entries of esize bytes copied into kv and written back unchanged at
 * once (so the results will fit).  1: go on; 0: nothing to do (n 0);
 * or -XE_*.
 */
static int
vec_in(uint64_t slot, unsigned rights, uint64_t n, uint64_t max,
    int has_pslot, uint64_t pslot, void *kv, uaddr_t uv, uint64_t esize,
    uint32_t *pr)
{
	int err;

	if ((err = principal(slot, rights, rights == XOK_CAP_W, pr)) < 0)
		return err;
	if (n > max)
		return -XE_INVAL;
	if (has_pslot && (pslot >= XOK_NCAPS || !curenv->caps[pslot].valid))
		return -XE_NOCAP;
	if (n == 0)
		return 0;
	if ((err = copyin(curenv, kv, uv, n * esize)) < 0 ||
	    (err = copyout(curenv, uv, kv, n * esize)) < 0)
		return err;
	return 1;
}

/* Staging for XN_BC_INSERT_MANY: the caller's array, and the entries
   that pass the page checks as XN sees them. */
static struct xok_xn_bcins bci[XOK_XN_BCI_MAX];
static uint32_t bci_block[XOK_XN_BCI_MAX], bci_idx[XOK_XN_BCI_MAX];
static void *bci_page[XOK_XN_BCI_MAX];
static int bci_res[XOK_XN_BCI_MAX];

/* Is va mapped writable for the caller?  Asked through the checks every
 * user copy makes: the byte there is copied in and back unchanged. */
static int
user_writable(uint64_t va)
{
	uint8_t c;

	return copyin(curenv, &c, va, 1) == 0 &&
	    copyout(curenv, va, &c, 1) == 0;
}

/*
 * The page checks of XN_BC_INSERT for entry i of XN_BC_INSERT_MANY,
 * except the mapping rule: with va 0 the page is mapped nowhere; else
 * it is mapped exactly once, writable, at va in the caller, outside the
 * array [uarr, uarr + len) (which gets the results).  A page may be
 * listed once.  0 or -XE_*.
 */
static int
bci_check(uint32_t i, uint64_t pslot, uint64_t uarr, uint64_t len)
{
	struct xok_xn_bcins *b = &bci[i];
	struct xok_page_info *pi;
	uint32_t j;
	int err;

	if (b->pad != 0)
		return -XE_INVAL;
	if ((err = page_check(b->ppn, pslot, XOK_CAP_W, XOK_PG_XN)) < 0)
		return err;
	pi = &pages.info[b->ppn];
	for (j = 0; j < i; j++)
		if (bci[j].ppn == b->ppn)
			return -XE_INVAL;
	if (b->va == 0)
		return pi->mapcount != 0 ? -XE_BUSY : 0;
	if (b->va % PGSIZE || b->va < XOK_UVA_MIN || b->va >= XOK_UVA_MAX ||
	    (b->va < uarr + len && uarr < b->va + PGSIZE))
		return -XE_INVAL;
	if (pmap_lookup(curenv, b->va) != (int64_t)b->ppn)
		return -XE_NOENT;
	if (pi->mapcount != 1)
		return -XE_BUSY;
	if (!user_writable(b->va))
		return -XE_PERM;
	return 0;
}

/*
 * XN_BC_INSERT for up to XOK_XN_BCI_MAX entries in one call: every entry
 * is checked as XN_BC_INSERT checks it (but see bci_check for the
 * mapping), XN checks and fills the pages of those that pass with one
 * batched read (xn_bc_insert_many, disk_read_many), and each page that
 * went in becomes XN's, its one mapping in the caller read-only.  Each
 * entry's result goes back in the array; returns how many went in.
 */
int64_t
sys_xn_bc_insert_many(uint64_t slot, uaddr_t uarr, uint64_t n, uint64_t pslot)
{
	uint64_t len = n * sizeof(bci[0]);
	uint32_t pr, i, k, m = 0;
	int64_t done = 0;
	int err;

	if ((err = vec_in(slot, XOK_CAP_R, n, XOK_XN_BCI_MAX, 1, pslot, bci,
	    uarr, sizeof(bci[0]), &pr)) <= 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = bci_check(i, pslot, uarr, len)) < 0) {
			bci[i].result = err;
			continue;
		}
		bci_idx[m] = i;
		bci_block[m] = bci[i].block;
		bci_page[m++] = KADDR(bci[i].ppn * PGSIZE);
	}
	if (m > 0 && (err = xn_bc_insert_many(&xn, pr, bci_block, bci_page, m,
	    bci_res)) < 0)
		return xerr(err);
	for (k = 0; k < m; k++) {
		i = bci_idx[k];
		bci[i].result = xerr(bci_res[k]);
		if (bci_res[k] != 0)
			continue;
		pages_set_xn(&pages, bci[i].ppn, 1);
		/* The page table is there and the page has room for one
		 * more reference, so this replaces the entry in place; if
		 * it ever failed, the writable mapping must still go. */
		if (bci[i].va != 0 && pmap_map(curenv, bci[i].va, bci[i].ppn,
		    XOK_PTE_NX) < 0)
			pmap_unmap(curenv, bci[i].va);
		done++;
	}
	if ((err = copyout(curenv, uarr, bci, len)) < 0)
		return err;
	return done;
}

int64_t
sys_xn_bc_lookup(uint64_t block, uaddr_t uinfo)
{
	struct xok_xn_bcinfo bi;
	struct xn_bc_info in;
	int err;

	if ((err = ready()) < 0)
		return err;
	if (block > 0xffffffffULL)
		return -XE_INVAL;
	if ((err = xn_bc_lookup(&xn, (uint32_t)block, &in)) < 0)
		return xerr(err);
	memset(&bi, 0, sizeof(bi));
	bi.ppn = PADDR(in.page) / PGSIZE;
	bi.owner = in.owner, bi.state = in.state, bi.type = in.type;
	return copyout(curenv, uinfo, &bi, sizeof(bi));
}

int64_t
sys_xn_bc_evict(uint64_t slot, uint64_t block)
{
	struct xn_bc_info in;
	uint64_t ppn;
	uint32_t pr;
	int err;

	if ((err = principal(slot, XOK_CAP_R, 0, &pr)) < 0)
		return err;
	if (block > 0xffffffffULL)
		return -XE_INVAL;
	if ((err = xn_bc_lookup(&xn, (uint32_t)block, &in)) < 0)
		return xerr(err);
	if ((err = xn_bc_evict(&xn, pr, (uint32_t)block)) < 0)
		return xerr(err);
	/* The page goes back to its owner alone: others' read-only views
	 * of the cache go (it may hold the owner's private data next). */
	ppn = PADDR(in.page) / PGSIZE;
	pmap_revoke_page(ppn, pages.info[ppn].owner);
	pages_set_xn(&pages, ppn, 0);
	return 0;
}

/*
 * XN_BC_EVICT for each entry of the caller's vector uv (every entry is
 * tried; each gets its result): a libFS whose cache is full lets go of
 * many written blocks in one kernel entry.  An entry with va asks for
 * the page back writable where the caller maps it (read-only while XN
 * had it), as PAGE_MAP would: checked before the eviction (R and W on
 * the page's guard through pslot, the page mapped at va in the caller),
 * so a refused entry is not evicted.  Returns how many were evicted.
 */
static struct xok_xn_bcev bcev[XOK_XN_BCE_MAX];

static int
evict_one(uint32_t pr, const struct xok_xn_bcev *v, uint64_t pslot)
{
	struct xn_bc_info in;
	uint64_t ppn;
	int err;

	if (v->pad != 0)
		return -XE_INVAL;
	if ((err = xn_bc_lookup(&xn, v->block, &in)) < 0)
		return (int)xerr(err);
	ppn = PADDR(in.page) / PGSIZE;
	if (v->va != 0) {
		if (v->va % PGSIZE || v->va < XOK_UVA_MIN ||
		    v->va >= XOK_UVA_MAX)
			return -XE_INVAL;
		if ((err = page_check(ppn, pslot, XOK_CAP_R | XOK_CAP_W,
		    0)) < 0)
			return err;
		if (pmap_lookup(curenv, v->va) != (int64_t)ppn)
			return -XE_NOENT;
	}
	if ((err = xn_bc_evict(&xn, pr, v->block)) < 0)
		return (int)xerr(err);
	/* as XN_BC_EVICT: the page goes back to its owner alone */
	pmap_revoke_page(ppn, pages.info[ppn].owner);
	pages_set_xn(&pages, ppn, 0);
	/* the caller's mapping is there (checked): replaced in place */
	if (v->va != 0 && pmap_map(curenv, v->va, ppn, XOK_PTE_W |
	    XOK_PTE_NX) < 0)
		pmap_unmap(curenv, v->va);
	return 0;
}

int64_t
sys_xn_bc_evict_many(uint64_t slot, uaddr_t uv, uint64_t n, uint64_t pslot)
{
	uint64_t i, len = n * sizeof(bcev[0]);
	int64_t done = 0;
	uint32_t pr;
	int err;

	if ((err = vec_in(slot, XOK_CAP_R, n, XOK_XN_BCE_MAX, 1, pslot, bcev,
	    uv, sizeof(bcev[0]), &pr)) <= 0)
		return err;
	for (i = 0; i < n; i++) {
		bcev[i].result = evict_one(pr, &bcev[i], pslot);
		done += bcev[i].result == 0;
	}
	/* cannot fail: the vector was writable, and nothing here takes a
	 * writable mapping away (a registry page is never one) */
	copyout(curenv, uv, bcev, len);
	return done;
}

int64_t
sys_xn_writeback(uint64_t block)
{
	int err;

	if ((err = ready()) < 0)
		return err;
	if (block > 0xffffffffULL)
		return -XE_INVAL;
	return xerr(xn_writeback(&xn, (uint32_t)block));
}

/* Write back a list of blocks (xn_writeback_many): children before
 * parents in waves, one disk flush per wave instead of one per block.
 * The list (at most XOK_XN_WB_MAX block numbers) is copied in whole
 * before XN sees it; *udone (0: not wanted) gets how many were written. */
int64_t
sys_xn_writeback_many(uaddr_t ublocks, uint64_t n, uaddr_t udone)
{
	static uint32_t wb[XOK_XN_WB_MAX];
	uint32_t done = 0;
	int err, r;

	if ((err = ready()) < 0)
		return err;
	if (n > XOK_XN_WB_MAX)
		return -XE_INVAL;
	/* check the result's address before anything is written */
	if (udone && (err = copyout(curenv, udone, &done,
	    sizeof(done))) < 0)
		return err;
	if (n && (err = copyin(curenv, wb, ublocks,
	    n * sizeof(uint32_t))) < 0)
		return err;
	r = xn_writeback_many(&xn, wb, (uint32_t)n, &done);
	if (udone && (err = copyout(curenv, udone, &done,
	    sizeof(done))) < 0)
		return err;
	return xerr(r);
}

int64_t
sys_xn_sync(void)
{
	int err;

	if ((err = ready()) < 0)
		return err;
	return xerr(xn_sync(&xn));
}

/* Collect the notices of our cache entries others evicted (visible
 * revocation): up to max block numbers into ubuf; returns how many.
 * Only those n words are written (the rest of ubuf is left as it was). */
int64_t
sys_xn_bc_revoked(uint64_t slot, uaddr_t ubuf, uint64_t max)
{
	uint32_t blocks[XN_REVOKE_RING], pr;
	int err, n;

	if ((err = principal(slot, XOK_CAP_R, 0, &pr)) < 0)
		return err;
	if (max > XN_REVOKE_RING)
		max = XN_REVOKE_RING;
	if (!user_range_ok(ubuf, max * sizeof(uint32_t)))
		return -XE_FAULT;
	/* Check that the buffer is writable before XN forgets the notices:
	 * its own bytes are copied in and back, so nothing of the kernel's
	 * (this stack frame held other calls' data) reaches the caller. */
	if (max && ((err = copyin(curenv, blocks, ubuf,
	    max * sizeof(uint32_t))) < 0 || (err = copyout(curenv, ubuf,
	    blocks, max * sizeof(uint32_t))) < 0))
		return err;
	if ((n = xn_bc_revoked(&xn, pr, blocks, (uint32_t)max)) < 0)
		return xerr(n);
	/* and those of entries we made before the name had an entry */
	if (pr != transient() && (uint64_t)n < max &&
	    (err = xn_bc_revoked(&xn, transient(), blocks + n,
	    (uint32_t)(max - (uint64_t)n))) > 0)
		n += err;
	if (n > 0 && (err = copyout(curenv, ubuf, blocks,
	    (uint64_t)n * sizeof(uint32_t))) < 0)
		return err;
	return n;
}

/* XN's state of one block: what a libFS needs to pick a free block, to
 * tell a fresh block from one already on disk, and to free children
 * before parents.  Reading it changes nothing, so it needs no
 * capability (like XN_BC_LOOKUP). */
int64_t
sys_xn_block_info(uint64_t block, uaddr_t uinfo)
{
	struct xok_xn_blockinfo bi;
	struct xn_block_info in;
	int err;

	if ((err = ready()) < 0)
		return err;
	if (block > 0xffffffffULL)
		return -XE_INVAL;
	if ((err = xn_block_info(&xn, (uint32_t)block, &in)) < 0)
		return xerr(err);
	memset(&bi, 0, sizeof(bi));
	bi.type = in.type, bi.flags = in.flags;
	bi.parent = in.parent, bi.nchild = in.nchild;
	return copyout(curenv, uinfo, &bi, sizeof(bi));
}
