/*
 * spawn.c: building a child environment from an ELF image, entirely in
 * the parent (the kernel has no program loader): create the
 * environment, give it a capability of its own, allocate and fill its
 * pages, map them into it, set its whole initial context (registers,
 * FS base, FPU state: ENV_SET_CONTEXT), ask for its exit record if the
 * caller wants it (ENV_SET_NOTICE), give it time slices.
 *
 * A child's name is ours followed by a number no other child of ours
 * gets (a count of the children we named), written so that no suffix
 * is a prefix of another (no sibling's name dominates another's) and
 * its first byte is always in 0x80..0xbf: the first byte holds 0x80, a
 * "more" bit (0x20) and the count's low 5 bits; the rest of the count,
 * if any, follows as a LEB128 varint.  Children 0..31 take one byte, up
 * to 4095 two.  A program that derives names of its own below its name
 * (to guard pages, or as other XN principals) starts their suffix with
 * a byte below 0x80, and no child of it can ever get one of them; the
 * kernel's own names are there too (init's guard [1], the machine guard
 * [0xff]: with a plain counter init's second child was named [1] and
 * controlled init).
 * Names are XN principals and guard pages, so a name must never come
 * back while anything is guarded by it: the environment slot a dead
 * child leaves is reused, its name is not.  By induction every name
 * exos_spawn gives is unique for the life of the system (one boot);
 * the n-th child of a parent of the same name gets the same name after
 * a reboot, which is what lets a program find its files again
 * (docs/ARCHITECTURE.md, "What a principal is").
 */
#include <exos/exos.h>
#include <xok/elf.h>

#define SPAWN_SLOT 15           /* parent's scratch slot: the child's cap */

static uint64_t nnamed;         /* children named so far */

/* Append child number n to c's name (above): 0, or -XE_RANGE if it
   does not fit. */
static int
name_append(struct xok_cap *c, uint64_t n)
{
	uint8_t buf[11];
	unsigned k = 1;

	buf[0] = (uint8_t)(0x80 | (n & 0x1f) | (n >= 0x20 ? 0x20 : 0));
	for (n >>= 5; n; k++) {
		buf[k] = (uint8_t)(n & 0x7f);
		n >>= 7;
		if (n)
			buf[k] |= 0x80;
	}
	if (c->len + k > XOK_CAP_NAMELEN)
		return -XE_RANGE;
	memcpy(c->name + c->len, buf, k);
	c->len = (uint8_t)(c->len + k);
	return 0;
}

const void *
exos_module(const char *name, uint64_t *size)
{
	static uint64_t next_va = EXOS_SCRATCH_VA + (1UL << 32);
	uint64_t i, off;

	for (i = 0; i < XOK_INFO->nmodules; i++) {
		const volatile struct xok_module *m = &XOK_INFO->modules[i];
		const char *n = (const char *)m->name, *base = n, *p;
		uint64_t va = next_va + (m->paddr % XOK_PGSIZE);

		for (p = n; *p && *p != ' '; p++)
			if (*p == '/')
				base = p + 1;
		if (strncmp(base, name, (size_t)(p - base)) != 0 ||
		    strlen(name) != (size_t)(p - base))
			continue;
		for (off = 0; off < m->paddr % XOK_PGSIZE + m->size;
		    off += XOK_PGSIZE)
			if (sys_page_map(XOK_SELF, next_va + off,
			    m->paddr / XOK_PGSIZE + off / XOK_PGSIZE,
			    XOK_PTE_NX, 0, 0) < 0)
				return NULL;
		next_va += off + XOK_PGSIZE;
		*size = m->size;
		return (const void *)va;
	}
	return NULL;
}

/*
 * Allocate a page guarded by the child's cap, fill it, map it in the
 * child.  The kernel hands pages out zeroed, so only the file's bytes
 * are copied.  The page stays mapped at EXOS_SCRATCH_VA until the next
 * one replaces it (exos_spawn unmaps the last): unmapping each would
 * free and rebuild the page tables under the scratch address every time.
 */
static int
child_page(int64_t child, uint64_t va, const uint8_t *src, uint64_t srcoff,
    uint64_t n, uint64_t perm)
{
	int64_t ppn = sys_page_alloc_for(XOK_PPN_ANY, SPAWN_SLOT,
	    (uint64_t)child, 0), err;

	if (ppn < 0)
		return (int)ppn;
	if (n == 0) {
		if ((err = sys_page_map((uint64_t)child, va, (uint64_t)ppn,
		    perm, SPAWN_SLOT, 0)) < 0)
			goto fail;
		return 0;
	}
	if ((err = sys_page_map(XOK_SELF, EXOS_SCRATCH_VA, (uint64_t)ppn,
	    XOK_PTE_W | XOK_PTE_NX, SPAWN_SLOT, 0)) < 0)
		goto fail;
	memcpy((uint8_t *)EXOS_SCRATCH_VA + srcoff, src, n);
	if ((err = sys_page_map((uint64_t)child, va, (uint64_t)ppn, perm,
	    SPAWN_SLOT, 0)) < 0)
		goto fail;
	return 0;
fail:
	sys_page_unmap(XOK_SELF, EXOS_SCRATCH_VA, 0);
	sys_page_free((uint64_t)ppn, SPAWN_SLOT);
	return (int)err;
}

/* The child's quota: what sp asks, by default half of what we have left
 * (the child's own environment and PML4 are already counted in ours). */
static int64_t
set_quota(int64_t child, const struct exos_spawn *sp)
{
	const volatile struct xok_env_info *me =
	    &XOK_INFO->envs[XOK_ENVX(XOK_INFO->cur_env)];
	uint64_t envs = sp->quota_envs, pages = sp->quota_pages;

	if (envs == 0)
		envs = 1 + (me->env_limit > me->env_used ?
		    (me->env_limit - me->env_used) / 2 : 0);
	if (pages == 0)
		pages = 1 + (me->page_limit > me->page_used ?
		    (me->page_limit - me->page_used) / 2 : 0);
	return sys_env_set_quota((uint64_t)child, 0, envs, pages);
}

/*
 * The child's whole initial state in one ENV_SET_CONTEXT: rip at the
 * entry, rsp at the top of its stack, rdi its argument, every other
 * register 0, the FS base sp asks (its TLS; 0: none), GS base 0, and
 * the FPU/SSE state as after FNINIT with MXCSR at its reset value (all
 * exceptions masked, round to nearest): what a C program's ABI expects
 * at entry, stated here instead of left to the kernel's defaults for a
 * new environment (the same values today).
 */
static int64_t
start_context(int64_t child, uint64_t entry, const struct exos_spawn *sp)
{
	struct xok_context c;
	uint16_t fcw = 0x037f;
	uint32_t mxcsr = 0x1f80;

	memset(&c, 0, sizeof(c));
	c.rip = entry;
	c.rsp = XOK_INIT_STACK_TOP;
	c.rdi = sp->arg;
	c.fs_base = sp->fs_base;
	c.flags = XOK_CTX_FX;
	memcpy(c.fx, &fcw, sizeof(fcw));                /* FCW at 0 */
	memcpy(c.fx + XOK_FX_MXCSR, &mxcsr, sizeof(mxcsr));
	return sys_env_set_context((uint64_t)child, 0, &c);
}

int64_t
exos_spawn(const struct exos_spawn *sp)
{
	const uint8_t *img = sp->image;
	const struct elf64_ehdr *eh = sp->image;
	struct xok_cap mine, cap;
	int64_t child, err;
	uint64_t i, va;
	int s;

	if (sp->size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1", 6) ||
	    eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff > sp->size ||
	    eh->phnum > (sp->size - eh->phoff) / sizeof(struct elf64_phdr))
		return -XE_INVAL;
	if ((err = sys_cap_get(0, &mine)) < 0 || !mine.valid)
		return err < 0 ? err : -XE_NOCAP;
	/* The child's own name: ours plus our next child number (used up
	 * even if the spawn fails: it may have guarded something). */
	cap = mine;
	if ((err = name_append(&cap, nnamed)) < 0)
		return err;
	nnamed++;
	if ((child = sys_env_create(0)) < 0)
		return child;
	if ((err = set_quota(child, sp)) < 0)
		goto fail;
	if ((err = sys_cap_grant(XOK_SELF, 0, 0, SPAWN_SLOT, &cap)) < 0 ||
	    (err = sys_cap_grant((uint64_t)child, 0, 0, 0, &cap)) < 0)
		goto fail;

	for (i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
		    (const void *)(img + eh->phoff + i * sizeof(*ph));
		uint64_t perm = (ph->flags & ELF_PF_W) ? XOK_PTE_W : 0;

		if (ph->type != ELF_PT_LOAD)
			continue;
		err = -XE_INVAL;
		if (ph->filesz > ph->memsz || ph->offset > sp->size ||
		    ph->filesz > sp->size - ph->offset ||
		    ph->vaddr % XOK_PGSIZE != ph->offset % XOK_PGSIZE)
			goto fail;
		if (!(ph->flags & ELF_PF_X))
			perm |= XOK_PTE_NX;
		for (va = ph->vaddr & ~(XOK_PGSIZE - 1);
		    va < ph->vaddr + ph->memsz; va += XOK_PGSIZE) {
			/* the part of the file that lands in this page */
			uint64_t lo = va < ph->vaddr ? ph->vaddr : va;
			uint64_t hi = ph->vaddr + ph->filesz;
			uint64_t n = 0;

			if (hi > va + XOK_PGSIZE)
				hi = va + XOK_PGSIZE;
			if (hi > lo)
				n = hi - lo;
			if ((err = child_page(child, va,
			    img + ph->offset + (lo - ph->vaddr), lo - va, n,
			    perm)) < 0)
				goto fail;
		}
	}
	for (va = XOK_INIT_STACK_TOP - XOK_INIT_STACK_PAGES * XOK_PGSIZE;
	    va < XOK_INIT_STACK_TOP; va += XOK_PGSIZE)
		if ((err = child_page(child, va, NULL, 0, 0,
		    XOK_PTE_W | XOK_PTE_NX)) < 0)
			goto fail;

	if ((err = start_context(child, eh->entry, sp)) < 0)
		goto fail;
	if (sp->notice && (err = sys_env_set_notice((uint64_t)child, 0, 1)) < 0)
		goto fail;
	for (s = 0; s < sp->slices; s++)
		if ((err = sys_slice_alloc((uint64_t)child, 0, XOK_SLICE_ANY)) < 0)
			goto fail;
	if (sp->start && (err = sys_env_set_status((uint64_t)child, 0,
	    XOK_ENV_RUNNABLE)) < 0)
		goto fail;
	sys_page_unmap(XOK_SELF, EXOS_SCRATCH_VA, 0);
	sys_cap_drop(SPAWN_SLOT);
	return child;
fail:
	sys_page_unmap(XOK_SELF, EXOS_SCRATCH_VA, 0);
	sys_env_destroy((uint64_t)child, 0, 0);
	sys_cap_drop(SPAWN_SLOT);
	return err;
}
