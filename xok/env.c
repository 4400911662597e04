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

struct env *
env_lookup(uint64_t id)
{
	struct env *e;

	if (id == XOK_SELF)
		return curenv;
	if (id > 0xffffffffULL)
		return NULL;
	e = &envs[XOK_ENVX(id)];
	if (e->state == XOK_ENV_FREE || e->id != id)
		return NULL;
	return e;
}

void
env_sync_info(struct env *e)
{
	struct xok_env_info *ei = &info->envs[e - envs];

	ei->id = e->id;
	ei->parent = e->parent;
	ei->state = e->state;
}

int
env_alloc(struct env **out, uint32_t parent, const struct xok_cap *guard)
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
	memset(e, 0, sizeof(*e));
	if ((err = pmap_env_setup(e)) < 0)
		return err;
	if (++next_gen >= (1U << 26))
		next_gen = 1;
	e->id = (next_gen << 6) | (uint32_t)i;
	e->parent = parent;
	e->state = XOK_ENV_NOT_RUNNABLE;
	e->guard = *guard;
	e->ipc_guard = *guard;
	memcpy(e->fx, fx_default, sizeof(e->fx));
	e->tf.cs = GD_UT | 3;
	e->tf.ss = GD_UD | 3;
	e->tf.rflags = FL_IF | FL_RESERVED1;
	memset(&info->envs[i], 0, sizeof(info->envs[i]));
	env_sync_info(e);
	*out = e;
	return 0;
}

/* Allocate a page owned by e, counting it in e's exported entry. */
int64_t
env_page_alloc(struct env *e, uint64_t ppn, const struct xok_cap *guard)
{
	int64_t r = pages_alloc(&pages, ppn, e->id, guard);

	if (r >= 0)
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
	int i;

	slices_release(e);
	for (i = 0; i < XOK_NENV; i++) {
		struct env *w = &envs[i];

		if (w->state == XOK_ENV_IPC_WAIT && w->ipc_peer == e->id) {
			w->tf.rax = (uint64_t)-XE_DEAD;
			w->state = XOK_ENV_RUNNABLE;
			env_sync_info(w);
		}
	}
	pmap_env_free(e);
	if (ei->npages)                 /* a scan of the page table */
		pages_owner_died(&pages, e->id);
	ei->npages = 0;
	e->state = XOK_ENV_FREE;
	ei->state = XOK_ENV_FREE;
	ei->exit_code = why;
	if (fpu_owner == e)
		fpu_owner = NULL;
	if (seg_owner == e)
		seg_owner = NULL;
	if (curenv == e)
		curenv = NULL;
}

void
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
	/* The data segment selectors are per environment too: an
	 * environment may load any selector ring 3 can (null, 0x20|r,
	 * 0x28|r) and must neither see nor be seen by the others. */
	if (seg_owner != e) {
		if (seg_owner)
			segs_save(seg_owner->segs);
		segs_load(e->segs);
		seg_owner = e;
	}
	if (e->need_prologue && e->up.prologue) {
		e->need_prologue = 0;
		if (upcall_push(e, XOK_UP_PROLOGUE, e->up.prologue, 0, 0, 0,
		    e->aborted ? XOK_PRO_ABORTED : 0) < 0) {
			kprintf("xok: env %x: cannot deliver prologue\n", e->id);
			env_destroy(e, XE_FAULT);
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
		memset(KADDR(ppn * PGSIZE), 0, PGSIZE);
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
	if (env_alloc(&e, 0, &init_guard) < 0)
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
			pages_free(&pages, p);
			env_page_alloc(e, p, &root);
		}
	}

	e->tf.rip = eh->entry;
	e->tf.rsp = XOK_INIT_STACK_TOP;
	e->state = XOK_ENV_RUNNABLE;
	env_sync_info(e);
	sched_init(e);
}
