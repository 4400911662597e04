/*
 * env.c: environments.  An environment is an address space, a saved
 * register context, a capability list and a set of upcall entry points.
 * The kernel builds only the first one (init, from the first boot
 * module); every other environment is built by its parent through
 * kernel calls.
 */
#include "kern.h"
#include <xok/elf.h>

struct env envs[XOK_NENV];
struct env *curenv;
static struct env *fpu_owner;  /* whose FPU state is in the registers */
static struct env *seg_owner;  /* whose %ds %es %fs %gs are loaded */
static uint32_t next_gen = 1;

KHOT struct env *
env_lookup(uint64_t id)
{
	struct env *e;

	if (id == XOK_SELF)
		return curenv;
	if (id > 0xffffffffULL)
		return NULL;
	e = &envs[XOK_ENVX(id)];
	if (e->state == XOK_ENV_FREE || e->state == XOK_ENV_ZOMBIE ||
	    e->id != id)
		return NULL;            /* a zombie is dead: only ENV_REAP */
	return e;
}

KHOT void
env_sync_info(struct env *e)
{
	struct xok_env_info *ei = &info->envs[e - envs];

	ei->id = e->id;
	ei->parent = e->parent;
	ei->state = e->state;
}

/* ---- Quotas -----------------------------------------------------------
 * Every environment has a record: env_used environments and page_used
 * pages held by it and all its descendants (page-table pages included),
 * and the limits env_limit and page_limit.  A charge goes to the
 * environment and every ancestor (qparent, up to init, which holds the
 * machine) and is refused with -XE_QUOTA if any of them would pass its
 * limit.  A page is charged to its payer (k.payer): its owner, or for a
 * table the environment it serves; when an environment dies, what it
 * paid for that lives on (orphans) and its children are charged to its
 * nearest living ancestor, which had already counted them.
 */
static struct env *
qparent(struct env *e)
{
	return e->qparent ? env_lookup(e->qparent) : NULL;
}

static void
quota_sync(struct env *e)
{
	struct xok_env_info *ei = &info->envs[e - envs];

	ei->env_limit = e->env_limit;
	ei->env_used = e->env_used;
	ei->page_limit = e->page_limit;
	ei->page_used = e->page_used;
}

static uint64_t
left(uint64_t limit, uint64_t used)
{
	return used < limit ? limit - used : 0;
}

int
quota_charge(struct env *e, uint64_t npages, uint64_t nenvs)
{
	struct env *x;

	for (x = e; x; x = qparent(x))
		if (npages > left(x->page_limit, x->page_used) ||
		    nenvs > left(x->env_limit, x->env_used))
			return -XE_QUOTA;
	for (x = e; x; x = qparent(x)) {
		x->page_used += npages;
		x->env_used += nenvs;
		quota_sync(x);
	}
	return 0;
}

void
quota_uncharge(struct env *e, uint64_t npages, uint64_t nenvs)
{
	struct env *x;

	for (x = e; x; x = qparent(x)) {
		x->page_used -= npages < x->page_used ? npages : x->page_used;
		x->env_used -= nenvs < x->env_used ? nenvs : x->env_used;
		quota_sync(x);
	}
}

/* New limits for e: at most what it holds plus what its parent has left. */
int
quota_set(struct env *e, uint64_t env_limit, uint64_t page_limit)
{
	struct env *p = qparent(e);

	if (p && (env_limit > e->env_used + left(p->env_limit, p->env_used) ||
	    page_limit > e->page_used + left(p->page_limit, p->page_used)))
		return -XE_RANGE;
	e->env_limit = env_limit;
	e->page_limit = page_limit;
	quota_sync(e);
	return 0;
}

/* Widen e's range of paid pages to cover [lo, hi). */
static void
paid_range(struct env *e, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return;
	if (e->paid_lo == e->paid_hi) {
		e->paid_lo = lo, e->paid_hi = hi;
		return;
	}
	if (lo < e->paid_lo)
		e->paid_lo = lo;
	if (hi > e->paid_hi)
		e->paid_hi = hi;
}

/* e pays for page ppn (already counted in its quota).  Every page an
 * environment owns is paid for by it (env_page_alloc, the boot
 * modules), so [paid_lo, paid_hi) holds all of them too. */
void
env_paid(struct env *e, uint64_t ppn)
{
	pages.k[ppn].payer = e->id;
	e->npaid++;
	paid_range(e, ppn, ppn + 1);
}

/* The pages hook: a page paid for by payer went back to the pool. */
void
env_uncharge_page(uint32_t payer)
{
	struct env *e = env_lookup(payer);

	if (!e || payer == XOK_SELF)
		return;
	if (e->npaid)
		e->npaid--;
	quota_uncharge(e, 1, 0);
}

/* A new environment, charged (itself and its PML4) to parent's quota;
 * its limits are what parent has left.  Init (parent NULL) holds the
 * machine. */
int
env_alloc(struct env **out, struct env *parent, const struct xok_cap *guard)
{
	struct env *e = NULL;
	int i, err;

	for (i = 0; i < XOK_NENV; i++)
		if (envs[i].state == XOK_ENV_FREE) {
			e = &envs[i];
			break;
		}
	if (!e)
		return -XE_NOMEM;
	if (parent && (err = quota_charge(parent, 1, 1)) < 0)
		return err;
	memset(e, 0, sizeof(*e));
	if (++next_gen >= (1U << XOK_ENV_GENBITS))
		next_gen = 1;
	e->id = (next_gen << XOK_ENV_IDXBITS) | (uint32_t)i;
	if ((err = pmap_env_setup(e)) < 0) {
		if (parent)
			quota_uncharge(parent, 1, 1);
		e->id = 0;
		return err;
	}
	e->parent = parent ? parent->id : 0;
	e->qparent = e->parent;
	e->env_used = 1;
	e->page_used = 1;                       /* the PML4 */
	if (parent) {
		e->env_limit = 1 + left(parent->env_limit, parent->env_used);
		e->page_limit = 1 + left(parent->page_limit, parent->page_used);
	} else {
		e->env_limit = XOK_NENV;
		e->page_limit = info->npages;
	}
	e->state = XOK_ENV_NOT_RUNNABLE;
	e->guard = *guard;
	e->ipc_guard = *guard;
	memcpy(e->fx, fx_default, sizeof(e->fx));
	e->tf.cs = GD_UT | 3;
	e->tf.ss = GD_UD | 3;
	e->tf.rflags = FL_IF | FL_RESERVED1;
	memset(&info->envs[i], 0, sizeof(info->envs[i]));
	env_sync_info(e);
	quota_sync(e);
	sched_env_new(e, parent);
	*out = e;
	return 0;
}

/* Allocate a page owned by e and charged to its quota, counting it in
 * e's exported entry.  The page comes zeroed (pages_alloc). */
int64_t
env_page_alloc(struct env *e, uint64_t ppn, const struct xok_cap *guard)
{
	int64_t r;
	int err;

	if ((err = quota_charge(e, 1, 0)) < 0)
		return err;
	if ((r = pages_alloc(&pages, ppn, e->id, guard)) < 0) {
		quota_uncharge(e, 1, 0);
		return r;
	}
	env_paid(e, (uint64_t)r);
	info->envs[e - envs].npages++;
	return r;
}

int
env_page_free(uint64_t ppn)
{
	uint32_t owner = ppn < pages.npages ? pages.info[ppn].owner : 0;
	struct env *o;
	int err;

	if ((err = pages_free(&pages, ppn)) < 0)
		return err;
	if (owner && (o = env_lookup(owner)) != NULL)
		info->envs[o - envs].npages--;
	return 0;
}

void
env_destroy(struct env *e, uint64_t why)
{
	struct xok_env_info *ei = &info->envs[e - envs];
	struct env *heir;
	int i, keep = exit_kept(e);     /* does it stay as a zombie? */

	exit_zombies_free(e);           /* nobody will collect them now */
	sched_env_gone(e);
	for (i = 0; i < XOK_NENV; i++) {
		struct env *w = &envs[i];

		if (w->state == XOK_ENV_IPC_WAIT && w->ipc_peer == e->id) {
			w->tf.rax = (uint64_t)-XE_DEAD;
			w->state = XOK_ENV_RUNNABLE;
			env_sync_info(w);
		}
	}
	pmap_env_free(e);
	xnsys_env_died(e->id);          /* its transient principal goes */
	heir = qparent(e);
	if (e->npaid) {                 /* a scan of its range of pages */
		pages_env_died_in(&pages, e->id, heir ? heir->id : 0,
		    e->paid_lo, e->paid_hi);
		if (heir) {
			heir->npaid += e->npaid;
			paid_range(heir, e->paid_lo, e->paid_hi);
		}
	}
	if (heir && !keep)              /* a zombie stays in its quota */
		quota_uncharge(heir, 0, 1);
	for (i = 0; i < XOK_NENV; i++)
		if (envs[i].state != XOK_ENV_FREE && envs[i].qparent == e->id)
			envs[i].qparent = e->qparent;
	ei->npages = 0;
	exit_notice(e, why, keep);      /* FREE, or a ZOMBIE for its parent */
	if (fpu_owner == e)
		fpu_owner = NULL;
	if (seg_owner == e)
		seg_owner = NULL;
	if (curenv == e)
		curenv = NULL;
}

/* ---- Per-environment CPU state ---------------------------------------
 * %ds %es %fs %gs and the FS and GS bases belong to seg_owner while it
 * is loaded.  The kernel never uses any of them (no swapgs, no %gs-
 * relative data, no stack protector), and user code can change the
 * bases itself only by loading a selector (a descriptor's base, 0; a
 * null selector zeroes the base on Intel and keeps it on AMD), so both
 * are read back from the CPU when another environment takes over. */
KHOT static void
segs_save_all(struct env *e)
{
	segs_save(e->segs);
	e->fs_base = rdmsr(MSR_FSBASE);
	e->gs_base = rdmsr(MSR_GSBASE);
}

/* Selectors first: loading one rewrites the base (differently on
 * Intel and AMD), so the bases are written after. */
KHOT static void
segs_load_all(struct env *e)
{
	segs_load(e->segs);
	wrmsr(MSR_FSBASE, e->fs_base);
	wrmsr(MSR_GSBASE, e->gs_base);
}

/* Set e's FS (gs 0) or GS base: v is a user address, checked by the
 * caller (wrmsr of a non-canonical value is a #GP in ring 0). */
void
env_set_base(struct env *e, int gs, uint64_t v)
{
	if (gs)
		e->gs_base = v;
	else
		e->fs_base = v;
	if (seg_owner == e)
		wrmsr(gs ? MSR_GSBASE : MSR_FSBASE, v);
}

/* Replace e's FPU/SSE image with fx (checked by the caller: MXCSR
 * within mxcsr_mask, so fxrstor cannot #GP). */
void
env_set_fx(struct env *e, const uint8_t fx[512])
{
	memcpy(e->fx, fx, sizeof(e->fx));
	if (fpu_owner == e)
		fpu_owner = NULL;       /* the registers are stale: reload */
}

KHOT void
env_run(struct env *e)
{
	if (curenv != e) {
		curenv = e;
		info->cur_env = e->id;
		info->envs[e - envs].runs++;
	}
	e->ipc_parked = 0;      /* it goes on: back to what it was doing */
	if (rcr3() != PADDR(e->pml4))
		lcr3(PADDR(e->pml4));
	/* Eager FPU switch.  (A lazy one, CR0.TS and #NM, corrupted FPU
	 * state under the nested KVM of the project's machines.) */
	if (fpu_owner != e) {
		if (fpu_owner)
			fxsave(fpu_owner->fx);
		fxrstor(e->fx);
		fpu_owner = e;
	}
	/* The data segment selectors and the FS and GS bases are per
	 * environment too: an environment may load any selector ring 3 can
	 * (null, 0x20|r, 0x28|r) and must neither see nor be seen by the
	 * others. */
	if (seg_owner != e) {
		/* What the CPU holds is seg_owner's, just read back: when e's
		 * is the same (a forked pair's is), loading it would change
		 * nothing (same selectors from the same GDT, same bases). */
		int same = 0;

		if (seg_owner) {
			segs_save_all(seg_owner);
			same = memcmp(seg_owner->segs, e->segs,
			    sizeof(e->segs)) == 0 &&
			    seg_owner->fs_base == e->fs_base &&
			    seg_owner->gs_base == e->gs_base;
		}
		if (!same)
			segs_load_all(e);
		seg_owner = e;
	}
	if (e->need_prologue && e->up.prologue) {
		e->need_prologue = 0;
		if (upcall_push(e, XOK_UP_PROLOGUE, e->up.prologue, 0, 0, 0,
		    e->aborted ? XOK_PRO_ABORTED : 0) < 0) {
			kprintf("xok: env %x: cannot deliver prologue\n", e->id);
			env_destroy(e, XOK_EXIT_UPCALL);
			sched();
		}
		e->aborted = 0;
	}
	/* Whatever built the frame (the CPU, a kernel call, an upcall):
	 * leave in the one 64-bit user code segment, with only the flags
	 * a user may hold, interrupts on. */
	e->tf.cs = GD_UT | 3;
	e->tf.ss = GD_UD | 3;
	e->tf.rflags = (e->tf.rflags & FL_USER) | FL_IF | FL_RESERVED1;
	tf_pop(&e->tf);
}

/* ---- Loading init from the first boot module ----------------------- */

/* Map fresh zeroed pages under [va, va + len) unless already mapped. */
static void
init_map(struct env *e, uint64_t va, uint64_t len, const struct xok_cap *guard,
    uint64_t perm)
{
	uint64_t a;

	for (a = va & ~(PGSIZE - 1); a < va + len; a += PGSIZE) {
		int64_t ppn;

		if ((ppn = pmap_lookup(e, a)) >= 0) {
			if (perm & XOK_PTE_W)
				pmap_map(e, a, (uint64_t)ppn, perm);
			continue;
		}
		if ((ppn = env_page_alloc(e, XOK_PPN_ANY, guard)) < 0)
			panic("init: out of memory");
		if (pmap_map(e, a, (uint64_t)ppn, perm) < 0)
			panic("init: cannot map %lx", a);
	}
}

/* Copy into e's memory through the direct map (ignores page rights). */
static void
init_copy(struct env *e, uint64_t va, const uint8_t *src, uint64_t len)
{
	while (len > 0) {
		uint64_t n = PGSIZE - va % PGSIZE;
		int64_t ppn = pmap_lookup(e, va);

		if (n > len)
			n = len;
		memcpy((uint8_t *)KADDR(ppn * PGSIZE) + va % PGSIZE, src, n);
		va += n, src += n, len -= n;
	}
}

void
env_create_init(uint64_t mod_pa, uint64_t mod_size)
{
	static const struct xok_cap root = { .valid = 1, .len = 0,
		.rights = XOK_CAP_ALL };
	static const struct xok_cap init_guard = { .valid = 1, .len = 1,
		.rights = XOK_CAP_ALL, .name = { 1 } };
	const uint8_t *img = KADDR(mod_pa);
	const struct elf64_ehdr *eh = (const void *)img;
	struct env *e;
	uint64_t i;

	if (mod_size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1", 6) != 0 ||
	    eh->machine != ELF_MACHINE_X86_64 ||
	    eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff > mod_size ||
	    eh->phnum > (mod_size - eh->phoff) / sizeof(struct elf64_phdr))
		panic("init: not an x86-64 ELF executable");
	if (env_alloc(&e, NULL, &init_guard) < 0)
		panic("init: cannot allocate environment");
	e->caps[0] = root;

	for (i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
		    (const void *)(img + eh->phoff + i * sizeof(*ph));

		if (ph->type != ELF_PT_LOAD)
			continue;
		if (ph->filesz > ph->memsz || ph->offset > mod_size ||
		    ph->filesz > mod_size - ph->offset ||
		    ph->vaddr < XOK_UVA_MIN || ph->memsz > XOK_UVA_MAX ||
		    ph->vaddr > XOK_UVA_MAX - ph->memsz)
			panic("init: bad program header");
		init_map(e, ph->vaddr, ph->memsz, &root,
		    (ph->flags & ELF_PF_W) ? XOK_PTE_W : 0);
		init_copy(e, ph->vaddr, img + ph->offset, ph->filesz);
	}
	init_map(e, XOK_INIT_STACK_TOP - XOK_INIT_STACK_PAGES * PGSIZE,
	    XOK_INIT_STACK_PAGES * PGSIZE, &root, XOK_PTE_W | XOK_PTE_NX);

	/* The boot modules become init's pages, to spawn programs from. */
	for (i = 0; i < info->nmodules; i++) {
		uint64_t p = info->modules[i].paddr / PGSIZE;
		uint64_t end = ROUNDUP(info->modules[i].paddr +
		    info->modules[i].size, PGSIZE) / PGSIZE;

		for (; p < end; p++) {
			/* as they are: the module's bytes are init's */
			if (pages.info[p].owner == e->id)
				continue;       /* shared with the last module */
			if (pages_give(&pages, p, e->id, &root) < 0 ||
			    quota_charge(e, 1, 0) < 0)
				panic("init: cannot take module page %lx", p);
			env_paid(e, p);
			info->envs[e - envs].npages++;
		}
	}

	e->tf.rip = eh->entry;
	e->tf.rsp = XOK_INIT_STACK_TOP;
	e->state = XOK_ENV_RUNNABLE;
	env_sync_info(e);
	sched_init(e);
}
