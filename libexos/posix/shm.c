/*
 * shm.c: the family's shared region (shm.h) and its locks.
 *
 * The region is a run of pages at PX_SHM_VA, page i at PX_SHM_VA + i *
 * 4096, mapped writable at the same address in EVERY member of the
 * family, eagerly:
 *
 *   page 0          the header: the magic, the layout table (shmlayout.c),
 *                   the allocator's lock, how many pages the
 *                   region has, the free lists;
 *   pages 1..4      the directory: the physical page of every region
 *                   page (2,048 entries, so 8 MiB at most);
 *   pages 5..6      the members: the environment id of every process
 *                   that maps the region (1,024 entries, XOK_NENV);
 *   pages 7..       what px_shm_alloc hands out.
 *
 * Why eager: a process that adds a page (px_shm_alloc growing the
 * region, under the allocator's lock) maps it in itself and then in
 * every living member (the family is one principal: any member may map
 * into another), and only then writes it into the directory; fork
 * (px_shm_fork, under the same lock) maps every directory page into
 * the child and adds the child to the members.  So every living member
 * maps every page and a page lives as long as any member does.  One
 * exception: the root of a family spawned by a non-POSIX parent
 * (exos_spawn) is guarded by its spawner's name, which the family's
 * own capability does not dominate, so its members cannot map into
 * it: it maps such pages at first touch (px_shm_fault, from the libOS's
 * fault handler; and all at once when execve starts a new image).  It
 * must touch a region page before handing it to the kernel (a buffer,
 * a wake-up predicate's word: px_block and px_lock read their words
 * first).  Under scripts/exos-run the root is the kernel's init, whose
 * capability every member holds: no exception.
 * Who owns a page: the member that added it; when it dies while others
 * map the page, the page is an orphan the kernel frees at its last
 * unmapping (docs/ARCHITECTURE.md), so when the whole family is gone
 * every region page is back in the free pool.  execve keeps the
 * mappings (it only releases the arena, the image and the stack).
 * If an adder dies half way (after mapping a page in some members,
 * before the directory names it), the next grower maps a fresh page at
 * that index everywhere, replacing the stray one (freed with its last
 * mapping).
 *
 * The allocator: objects of 16..2048 bytes come from pages cut into
 * one size class each (a free list per class, linked through the
 * objects); n >= 4096 bytes takes whole pages from a first-fit list of
 * free runs (a run's first page holds its length and the next run), or
 * grows the region.  Pages are not given back to the kernel before the
 * family ends (the region is bounded: SHM_MAXPAGES).  Links are
 * offsets from PX_SHM_VA.  A member killed while holding the
 * allocator's lock leaves at most one object or run unlinked: lost,
 * never handed out twice (links are updated before counts).
 *
 * Locks (struct px_lock): owner is the holder's environment id.  A
 * waiter sleeps (px_block_to, handing the holder the processor) until the owner word changes or the
 * holder's entry in the kernel's environment table does (it died), and
 * takes a dead holder's lock over.  Fairness: Xok runs one environment
 * at a time, so a woken waiter runs only after the unlocker's slice,
 * by which time an unlocker that locks again at once (a loop of short
 * critical sections) holds the lock again; under a slow hypervisor that
 * starved the waiter for good (it did not even wake: the predicate
 * saw the same owner back).  So a waiter claims the lock before it
 * sleeps (want): the next unlock hands the lock straight to it (owner
 * = its id, which wakes it) instead of freeing it, and a locker that
 * finds the lock free but claimed (the unlocker missed the claim)
 * leaves it to the claimant and waits until it is taken.
 * One claim at a time: with many waiters the order is not
 * first-come, but no holder keeps the lock against a claimant, and a
 * waiter without a claim wakes when the lock changes hands and claims
 * then.  A claimant that dies is ignored (its claim is cleared); one
 * that dies after the hand-off is a dead holder, taken over as any.
 */
#include <string.h>
#include "posix.h"
#include "layout.h"
#include "shm.h"
#include "sig.h"
#include "block.h"

#define PG              XOK_PGSIZE
#define PER_PAGE        (PG / sizeof(uint64_t))
#define SHM_DIRPAGES    4
#define SHM_MAXPAGES    (SHM_DIRPAGES * PER_PAGE)       /* 2,048 */
#define SHM_MEMBPAGES   (XOK_NENV * sizeof(uint64_t) / PG)
#define SHM_DIR0        1
#define SHM_MEMB0       (SHM_DIR0 + SHM_DIRPAGES)
#define SHM_FIRST       (SHM_MEMB0 + SHM_MEMBPAGES)     /* data pages */
/* "EXOS_SH" and a version: the header's first two fields stay where
 * they are in every version (magic, then the layout table), so an image
 * of any build can tell a region it must not join */
#define SHM_MAGIC       0x3248535f534f5845UL            /* "EXOS_SH2" */
#define SHM_MAGIC_MASK  0x00ffffffffffffffUL            /* "EXOS_SH" */
#define SHM_NLAYOUT     32              /* modules whose layout is kept */
#define NCLASS          8                               /* 16 .. 2048 */
#define SMALL_MAX       (16UL << (NCLASS - 1))  /* larger: whole pages */

_Static_assert(SHM_MAXPAGES * PG <= PX_SHM_SPAN, "region span");
_Static_assert(SHM_NLAYOUT * 16 + 8 < PG, "layout table in page 0");

struct shm_hdr {
	uint64_t magic;
	uint64_t layout[SHM_NLAYOUT][2];        /* shmlayout.c */
	struct px_lock lock;            /* the allocator's */
	uint64_t npages;                /* pages mapped in every member */
	uint64_t nmemb;                 /* entries used in members[] */
	uint64_t small[NCLASS];         /* free objects of 16 << k bytes */
	uint64_t runs;                  /* free page runs (offset; 0 none) */
	uint64_t roots[PX_SHM_NROOTS];  /* px_shm_root's objects (offsets) */
};

struct shm_run {                        /* at the first page of a run */
	uint64_t npages;
	uint64_t next;
};

#define HDR     ((struct shm_hdr *)PX_SHM_VA)
#define DIR     ((volatile uint64_t *)(PX_SHM_VA + SHM_DIR0 * PG))
#define MEMB    ((volatile uint64_t *)(PX_SHM_VA + SHM_MEMB0 * PG))
#define AT(off) ((void *)(PX_SHM_VA + (off)))
#define OFF(p)  ((uint64_t)(uintptr_t)(p) - PX_SHM_VA)
/* A directory entry: the physical page, and the low 32 bits of the id
 * of the member that allocated it (its owner, as XOK_PAGES shows). */
#define DIR_PPN(e)      ((e) & 0xffffffffUL)
#define DIR_OWNER(e)    ((uint32_t)((e) >> 32))
#define DIR_ENTRY(ppn, env) ((uint64_t)(ppn) | (uint64_t)(uint32_t)(env) << 32)

PX_SHM_LAYOUT(shm, sizeof(struct shm_hdr), offsetof(struct shm_hdr, lock),
    offsetof(struct shm_hdr, npages), offsetof(struct shm_hdr, roots),
    sizeof(struct px_lock), offsetof(struct px_lock, want), PX_SHM_NROOTS,
    SHM_FIRST, sizeof(struct shm_run));

/* ---- locks ----------------------------------------------------------- */


/* Drop our claim (want) on l, if it is ours. */
static void
unclaim(struct px_lock *l, uint64_t self)
{
	uint64_t w = self;

	__atomic_compare_exchange_n(&l->want, &w, 0, 0, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED);
}

/* The claimant of l other than self that is alive, or 0 (a dead one's
 * claim is cleared). */
static uint64_t
claimant(struct px_lock *l, uint64_t self)
{
	uint64_t w = __atomic_load_n(&l->want, __ATOMIC_ACQUIRE);

	if (w == 0 || w == self)
		return 0;
	if (!xok_env_alive(w)) {
		__atomic_compare_exchange_n(&l->want, &w, 0, 0,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		return 0;
	}
	return w;
}

PX_HOT int
px_lock(struct px_lock *l)
{
	uint64_t self = XOK_INFO->cur_env, o, w;
	int claimed = 0;

	for (;;) {
		o = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
		if (o == self && claimed) {     /* handed to us */
			unclaim(l, self);
			return 0;
		}
		if (o == 0) {
			/* Free but claimed by a sleeper (an unlocker that
			 * had not yet seen the claim freed it): leave it to
			 * the claimant, whose sleep this unlock ended, and
			 * wait until it takes it (or dies).  Not handed to
			 * it here: it may have taken it and let it go
			 * meanwhile, and would then own a lock it does
			 * not know it holds. */
			if ((w = claimant(l, self)) != 0) {
				/* Watched: the owner word, the claimant's
				 * slot (a death) and its count of times run.
				 * Not the first two alone: those come back
				 * (owner 0, taken and let go; its state
				 * asleep, woken and asleep again, often in
				 * the slice we hand it), and a predicate the
				 * scheduler looks at only afterwards never
				 * saw the change: we slept for good on a free
				 * lock (the fifo suite's killed_close).  The
				 * claimant cannot take the lock without
				 * running, and runs only grows while it lives. */
				const volatile struct xok_env_info *ce =
				    xok_env_info(w);
				const volatile uint64_t *cw[3] = { &l->owner,
				    (const volatile uint64_t *)&ce->state,
				    &ce->runs };
				uint64_t cseen[3] = { 0, *cw[1], *cw[2] };

				if (claimant(l, self) == w) {
					px_sig_nointr++;
					px_block_to(cw, cseen, 3, UINT64_MAX,
					    w);
					px_sig_nointr--;
				}
				continue;
			}
			if (__atomic_compare_exchange_n(&l->owner, &o, self,
			    0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
				unclaim(l, self);
				return 0;
			}
			continue;
		}
		if (!xok_env_alive(o)) {
			if (__atomic_compare_exchange_n(&l->owner, &o, self,
			    0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
				unclaim(l, self);
				return 1;
			}
			continue;
		}
		/* Held: claim the next hand-off before sleeping, unless
		 * another sleeper has.  (Sleeping without a claim is not
		 * enough: the predicate is looked at when the scheduler
		 * comes to us, and a holder that unlocks and relocks in
		 * between has put the same owner back.) */
		if (!claimed) {
			w = 0;
			claimed = __atomic_compare_exchange_n(&l->want, &w,
			    self, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED) ||
			    w == self;
		}
		/* Sleep until the owner word changes (unlock, hand-off,
		 * takeover) or the holder's slot does (its state and
		 * nslices share one word: a death, a reap; a spurious wake
		 * just looks again), giving the holder the processor. */
		const volatile struct xok_env_info *e = xok_env_info(o);
		const volatile uint64_t *ws[2] = {
			&l->owner, (const volatile uint64_t *)&e->state };
		uint64_t seen[2] = { o, *ws[1] };

		if (xok_env_alive(o)) {
			px_sig_nointr++;        /* a signal waits (sig.h) */
			px_block_to(ws, seen, 2, UINT64_MAX, o);
			px_sig_nointr--;
		}
	}
}

PX_HOT void
px_unlock(struct px_lock *l)
{
	uint64_t w = claimant(l, XOK_INFO->cur_env);

	/* A claimant gets the lock itself; the store wakes it. */
	__atomic_store_n(&l->owner, w, __ATOMIC_RELEASE);
}

/* ---- the region's pages ------------------------------------------------ */

/* Is the region mapped here?  Set by px_shm_init, by px_shm_kept in an
 * image execve started (the region outlived the old image), and
 * inherited by a forked child with the rest of our data.  Only the
 * start code of a new process creates a region (px_shm_init): a call
 * before the start code has said which it is fails (NULL, -ENOMEM)
 * rather than lay a fresh region over the family's. */
static int ready;

static int
mapped(void)
{
	return ready;
}

static struct xok_page_map kv[XOK_PAGE_BATCH_MAX];

int
px_shm_kept(void)
{
	uint64_t i, n, e, k = 0;
	const char *bad = NULL;

	/* a region of another build (another version of the header, or
	 * a structure a module of ours lays out differently): refuse */
	if ((HDR->magic & SHM_MAGIC_MASK) == (SHM_MAGIC & SHM_MAGIC_MASK) &&
	    HDR->magic != SHM_MAGIC)
		bad = "shm";
	else if (HDR->magic == SHM_MAGIC) {
		px_lock(&HDR->lock);
		bad = px_shm_layout_join(HDR->layout, SHM_NLAYOUT);
		px_unlock(&HDR->lock);
	}
	if (bad != NULL) {
		px_cons_puts("exos: this program was built with another layout"
		    " of the family's shared region (");
		px_cons_puts(bad);
		px_cons_puts("): it cannot join the family that exec'd it\n");
		return -1;
	}
	ready = HDR->magic == SHM_MAGIC;
	/* The new image has no fault handler yet: map now what we may
	 * not have mapped (pages added by members that cannot map into
	 * us: px_shm_fault); a page mapped already stays as it is. */
	n = ready ? HDR->npages : 0;
	for (i = SHM_FIRST; i < n; i++) {
		e = DIR[i];
		if (DIR_PPN(e) >= XOK_INFO->npages ||
		    XOK_PAGES[DIR_PPN(e)].owner != DIR_OWNER(e)) {
			px_shm_fault(PX_SHM_VA + i * PG);
			continue;
		}
		kv[k].va = PX_SHM_VA + i * PG;
		kv[k].ppn = DIR_PPN(e);
		kv[k].perm = XOK_PTE_W | XOK_PTE_NX;
		kv[k].slot = 0;
		kv[k].result = 0;
		if (++k == XOK_PAGE_BATCH_MAX || i + 1 == n) {
			sys_page_map_many(XOK_SELF, 0, kv, k);
			k = 0;
		}
	}
	if (k)
		sys_page_map_many(XOK_SELF, 0, kv, k);
	return 0;
}

/* Map page i (physical ppn) in env; 0 or a kernel error. */
static int64_t
map_in(uint64_t env, uint64_t i, uint64_t ppn)
{
	return sys_page_map(env, PX_SHM_VA + i * PG, ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0);
}

/* Forget members that are dead (under the lock). */
static void
memb_purge(void)
{
	uint64_t i, j = 0, n = HDR->nmemb;

	for (i = 0; i < n; i++)
		if (xok_env_alive(MEMB[i]))
			MEMB[j++] = MEMB[i];
	HDR->nmemb = j;
}

static long
memb_add(uint64_t env)
{
	if (HDR->nmemb == XOK_NENV)
		memb_purge();
	if (HDR->nmemb == XOK_NENV)
		return -EAGAIN;
	MEMB[HDR->nmemb] = env;
	HDR->nmemb++;
	return 0;
}

/* Add n pages at the region's end, mapped in every member (under the
 * lock); their offset, or 0 if the region or memory is full. */
static uint64_t
grow(uint64_t n)
{
	uint64_t self = XOK_INFO->cur_env, first = HDR->npages, i, m;
	int64_t ppn;

	if (n > SHM_MAXPAGES - first)
		return 0;
	memb_purge();
	for (i = first; i < first + n; i++) {
		if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
			goto undo;
		if (map_in(XOK_SELF, i, (uint64_t)ppn) < 0) {
			sys_page_free((uint64_t)ppn, 0);
			goto undo;
		}
		for (m = 0; m < HDR->nmemb; m++)
			if (MEMB[m] != self)
				map_in(MEMB[m], i, (uint64_t)ppn);
		DIR[i] = DIR_ENTRY(ppn, self);
	}
	HDR->npages = first + n;
	return first * PG;
undo:
	/* The pages [first, i) stay mapped everywhere and named by the
	 * directory: make them a free run rather than lose them. */
	if (i > first) {
		struct shm_run *r = AT(first * PG);

		HDR->npages = i;
		r->npages = i - first;
		r->next = HDR->runs;
		HDR->runs = first * PG;
	}
	return 0;
}

/*
 * (nonroot) The keeper.  The first process keeps the root (capslot.h),
 * so its environment's guard is the root's and no other member may map
 * a page into it: a page a child adds is mapped in the child and its
 * family, not in the first process, which maps it at first touch
 * (px_shm_fault).  Were the adder and every other mapper to die before
 * that, the page would be freed with its last mapping and the
 * directory would name a page that is gone (fork could not map it into
 * a child: ENOMEM; what the page held lost).  So the first process
 * makes a keeper: an environment that never runs, guarded by the
 * family's name (slot 0), a member of the region, into which every
 * grower maps every page.  A region page then lives (as an orphan, if
 * its adder died) as long as the family.  Only the first process that
 * gave its root away from slot 0 needs one.
 */
static void
px_shm_keeper(void)
{
	int64_t k;

	if (xok_env_info(XOK_INFO->cur_env)->parent != 0 ||
	    exos_root_slot() != EXOS_SLOT_ROOT)
		return;
	if ((k = sys_env_create(0)) < 0)
		return;         /* no keeper: the family works, less safely */
	MEMB[HDR->nmemb] = (uint64_t)k;
	HDR->nmemb++;
}

/*
 * A fault at va, in the region but not mapped here: a page a member
 * added and could not map into us (the root of a family that a
 * non-POSIX parent spawned: its guard is its spawner's name, which the
 * family's capability does not dominate, so its members cannot map
 * into it).  Map it from the directory, if the page is still the one
 * the directory names (its owner is the member that added it: a page
 * whose last holder died before we mapped it was freed and may be
 * someone else's now); else put a fresh zeroed page in its place (what
 * only the dead held is lost with them).  0 handled, -1 not ours.
 */
long
px_shm_fault(uint64_t va)
{
	uint64_t i, e, ppn, m, self = XOK_INFO->cur_env;
	int64_t np;

	if (!ready || va < PX_SHM_VA + SHM_FIRST * PG ||
	    va >= PX_SHM_VA + HDR->npages * PG)
		return -1;
	i = (va - PX_SHM_VA) / PG;
	e = DIR[i];
	ppn = DIR_PPN(e);
	if (ppn < XOK_INFO->npages && XOK_PAGES[ppn].owner == DIR_OWNER(e) &&
	    XOK_PAGES[ppn].owner != 0 && map_in(XOK_SELF, i, ppn) == 0)
		return 0;
	px_lock(&HDR->lock);
	if (DIR[i] == e) {
		if ((np = sys_page_alloc(XOK_PPN_ANY, 0)) < 0 ||
		    map_in(XOK_SELF, i, (uint64_t)np) < 0) {
			if (np >= 0)
				sys_page_free((uint64_t)np, 0);
			px_unlock(&HDR->lock);
			return -1;
		}
		for (m = 0; m < HDR->nmemb; m++)
			if (MEMB[m] != self)
				map_in(MEMB[m], i, (uint64_t)np);
		DIR[i] = DIR_ENTRY(np, self);
	} else if (map_in(XOK_SELF, i, DIR_PPN(DIR[i])) < 0) {
		px_unlock(&HDR->lock);
		return -1;
	}
	px_unlock(&HDR->lock);
	return 0;
}

long
px_shm_init(void)
{
	uint64_t i, ppn[SHM_FIRST];
	int64_t r;

	if (mapped())
		return 0;
	/* The header, the directory and the member list: ours, mapped
	 * here only (there are no other members yet). */
	for (i = 0; i < SHM_FIRST; i++) {
		if ((r = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
			goto fail;
		ppn[i] = (uint64_t)r;
		if (map_in(XOK_SELF, i, ppn[i]) < 0) {
			sys_page_free(ppn[i], 0);
			goto fail;
		}
	}
	for (i = 0; i < SHM_FIRST; i++)
		DIR[i] = DIR_ENTRY(ppn[i], XOK_INFO->cur_env);
	HDR->npages = SHM_FIRST;
	HDR->nmemb = 1;
	MEMB[0] = XOK_INFO->cur_env;
	(void)px_shm_layout_join(HDR->layout, SHM_NLAYOUT);    /* ours */
	HDR->magic = SHM_MAGIC;
	ready = 1;
	px_shm_keeper();
	return 0;
fail:
	while (i-- > 0) {
		sys_page_unmap(XOK_SELF, PX_SHM_VA + i * PG, 0);
		sys_page_free(ppn[i], 0);
	}
	return -ENOMEM;
}

long
px_shm_fork(uint64_t child)
{
	static struct xok_page_map v[XOK_PAGE_BATCH_MAX];
	uint64_t i, k, n;
	long r = 0;

	if (!mapped())
		return -ENOMEM;
	px_lock(&HDR->lock);
	n = HDR->npages;
	for (i = 0; i < n && r == 0; i += k) {
		k = n - i > XOK_PAGE_BATCH_MAX ? XOK_PAGE_BATCH_MAX : n - i;
		for (uint64_t j = 0; j < k; j++) {
			v[j].va = PX_SHM_VA + (i + j) * PG;
			v[j].ppn = DIR_PPN(DIR[i + j]);
			v[j].perm = XOK_PTE_W | XOK_PTE_NX;
			v[j].slot = 0;
			v[j].result = 0;
		}
		if (sys_page_map_many(child, 0, v, k) != (int64_t)k)
			r = -ENOMEM;
	}
	if (r == 0)
		r = memb_add(child);
	px_unlock(&HDR->lock);
	return r;       /* on failure the child dies with what it mapped */
}

/* ---- the allocator ------------------------------------------------------ */

static int
class_of(size_t n)
{
	int k = 0;

	while ((16UL << k) < n)
		k++;
	return k;
}

/* n whole pages (under the lock): from the free runs, or grown. */
static uint64_t
pages_get(uint64_t n)
{
	uint64_t *link = &HDR->runs, off;
	struct shm_run *r;

	for (off = *link; off; link = &r->next, off = *link) {
		r = AT(off);
		if (r->npages < n)
			continue;
		if (r->npages == n)
			*link = r->next;
		else {
			struct shm_run *rest = AT(off + n * PG);

			rest->npages = r->npages - n;
			rest->next = r->next;
			*link = off + n * PG;
		}
		memset(r, 0, sizeof(*r));
		return off;
	}
	return grow(n);
}

static void
pages_put(uint64_t off, uint64_t n)
{
	struct shm_run *r = AT(off);

	r->npages = n;
	r->next = HDR->runs;
	HDR->runs = off;
}

void *
px_shm_alloc(size_t n)
{
	uint64_t off = 0, np, i, sz;
	void *p = NULL;
	int k;

	if (n == 0)
		n = 1;
	if (n > SHM_MAXPAGES * PG || !mapped())
		return NULL;
	px_lock(&HDR->lock);
	if (n > SMALL_MAX) {
		np = (n + PG - 1) / PG;
		if ((off = pages_get(np)) != 0) {
			p = AT(off);
			memset(p, 0, np * PG);
		}
		goto out;
	}
	k = class_of(n);
	sz = 16UL << k;
	if (HDR->small[k] == 0) {
		/* cut a fresh page into objects, linked in address order */
		if ((off = pages_get(1)) == 0)
			goto out;
		for (i = PG / sz; i-- > 0; ) {
			*(uint64_t *)AT(off + i * sz) = HDR->small[k];
			HDR->small[k] = off + i * sz;
		}
	}
	off = HDR->small[k];
	HDR->small[k] = *(uint64_t *)AT(off);
	p = AT(off);
	memset(p, 0, sz);
out:
	px_unlock(&HDR->lock);
	return p;
}

void
px_shm_free(void *p, size_t n)
{
	uint64_t off;
	int k;

	if (!p || !mapped())
		return;
	off = OFF(p);
	if (off < SHM_FIRST * PG || off >= HDR->npages * PG)
		return;                 /* not an object of ours */
	if (n == 0)
		n = 1;
	px_lock(&HDR->lock);
	if (n > SMALL_MAX) {
		if (off % PG == 0)
			pages_put(off, (n + PG - 1) / PG);
	} else {
		k = class_of(n);
		if (off % (16UL << k) == 0) {
			*(uint64_t *)p = HDR->small[k];
			HDR->small[k] = off;
		}
	}
	px_unlock(&HDR->lock);
}

void *
px_shm_root(unsigned k, size_t n)
{
	uint64_t off;
	void *p;

	if (k >= PX_SHM_NROOTS || !mapped())
		return NULL;
	if ((off = __atomic_load_n(&HDR->roots[k], __ATOMIC_ACQUIRE)) != 0)
		return AT(off);
	/* first use: allocate outside the root's check, then publish the
	 * first one (a loser gives its copy back) */
	if (!(p = px_shm_alloc(n)))
		return NULL;
	off = 0;
	if (!__atomic_compare_exchange_n(&HDR->roots[k], &off, OFF(p), 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		px_shm_free(p, n);
		return AT(off);
	}
	return p;
}

/* *p becomes a copy of str in the region (*cap: its allocation), grown
 * by 64-byte steps; 0, or -ENOMEM with the old string kept. */
long
px_shm_setstr(char **p, size_t *cap, const char *str)
{
	size_t n = strlen(str) + 1;
	char *q;

	if (n > *cap) {
		size_t c = (n + 63) & ~(size_t)63;

		if (!(q = px_shm_alloc(c)))
			return -ENOMEM;
		if (*p)
			px_shm_free(*p, *cap);
		*p = q;
		*cap = c;
	}
	memcpy(*p, str, n);
	return 0;
}

void *
px_shm_root_find(unsigned k)
{
	uint64_t off;

	if (k >= PX_SHM_NROOTS || !mapped())
		return NULL;
	off = __atomic_load_n(&HDR->roots[k], __ATOMIC_ACQUIRE);
	return off ? AT(off) : NULL;
}

/* (fmmap) mmapfile.c maps the family's cached file pages at its own
 * addresses too. */
int64_t
px_shm_ppn(const void *p)
{
	uint64_t i = ((uint64_t)(uintptr_t)p - PX_SHM_VA) / PG;

	if (!mapped() || (uint64_t)(uintptr_t)p < PX_SHM_VA ||
	    i < SHM_FIRST || i >= HDR->npages)
		return -1;
	return (int64_t)DIR_PPN(DIR[i]);
}
