/*
 * fork.c: fork (Linux fork, vfork, and clone with only SIGCHLD, as
 * musl's fork issues it) as a library: the child is a new environment
 * built by the parent through kernel calls.
 *
 * What the child gets:
 *   - the parent's capability (slot 0): a process family is one
 *     principal, as processes of one UNIX user are (docs/ARCHITECTURE.md,
 *     "fork");
 *   - the arena (brk heap, mmap) copy-on-write: every visible page
 *     mapped read-only in both, marked shared in both shadows
 *     (px_mem_fork); our fault handler copies or takes a page at the
 *     first write (px_mem_cow);
 *   - copied at once, into pages the child owns: the program's loaded
 *     segments (the kernel loaded them, so we do not know their
 *     physical pages to share them), the stack, the upcall stack, the
 *     arena's shadow pages (the fault handler's own state) and hidden
 *     (PROT_NONE) arena pages;
 *   - every register the C ABI keeps across a call, the stack pointer,
 *     rflags, the FS and GS bases and the FPU/SSE state (px_ctx_save,
 *     ENV_SET_CONTEXT), so fork returns 0 in it; its exit record is kept
 *     for wait (ENV_SET_NOTICE); no slice of its own: it runs in its
 *     host's slices (docs/ARCHITECTURE.md, "Scheduling many processes").
 */
#include <elf.h>
#include <signal.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/syscall.h>
#include "posix.h"
#include "layout.h"
#include "sig.h"
#include "shm.h"
#include "uaccess.h"
#include "proc.h"
#include "block.h"
#include "fd.h"

_Static_assert(__builtin_offsetof(struct xok_context, rbx) == 104, "ctx");
_Static_assert(__builtin_offsetof(struct xok_context, rip) == 120, "ctx");
_Static_assert(__builtin_offsetof(struct xok_context, rsp) == 136, "ctx");
_Static_assert(__builtin_offsetof(struct xok_context, fx) == 176, "ctx");

#define PG              XOK_PGSIZE
#define UPSTACK_HI      PX_UPSTACK_HI
#define UPSTACK_PAGES   4
#define COPY_WINDOW     PX_COPY_WINDOW
#define CLONE_VM_       0x00000100UL    /* Linux's clone flags */
#define CLONE_VFORK_    0x00004000UL

int px_ctx_save(struct xok_context *c);
void px_fault_entry(void);
void px_clone_entry(void);
void px_clone_child(void);
void px_fault(struct xok_frame *f, uint8_t *fx);

extern const Elf64_Ehdr __ehdr_start __attribute__((weak));

static struct xok_context ctx;
static int upcalls_ready;
static uint64_t copy_child;             /* the child copy_range fills */
static uint64_t cppn[XOK_PAGE_BATCH_MAX];
static struct xok_page_map cmap[XOK_PAGE_BATCH_MAX];

/*
 * The fault upcall (px_fault_entry, on the upcall stack).  In order: a
 * write to a copy-on-write arena page (px_mem_cow); the first touch of
 * a lazily filled arena page (px_mem_fault); a fault inside a
 * uaccess copy (uaccess.c: the copy returns -EFAULT); a page of the
 * shared region added by another member.  Anything else is a fault we
 * do not handle: the program's signal handler if it has one
 * (signal.c, px_sig_fault); else unregister the handler and resume, so the
 * instruction faults again and the kernel kills us with the true
 * trapno (XOK_EXIT_FAULT + trapno), as if we had no handler.  fx: the
 * FPU/SSE state px_fault_entry saved.
 */
void
px_fault(struct xok_frame *f, uint8_t *fx)
{
	struct xok_upcalls up;
	long mf = -1;

	if (f->trapno == 14 && (f->err & 3) == 3 && px_mem_cow(f->addr) == 0)
		return;
	if (f->trapno == 14 && (mf = px_mem_fault(f->addr, f->err)) == 0)
		return;
	px_fault_bus = mf == -2;        /* a file page past its end: SIGBUS */
	if (f->trapno == 14 && !(f->err & 1) && px_shm_fault(f->addr) == 0)
		return;                 /* a region page added elsewhere */
	if (px_uaccess_fixup(f))
		return;
	if (px_sig_fault(f, fx))
		return;
	if (px_fault_bus)
		px_sig_die(SIGBUS);
	memset(&up, 0, sizeof(up));
	up.stack_lo = UPSTACK_HI - UPSTACK_PAGES * PG;
	up.stack_hi = UPSTACK_HI;
	sys_env_set_upcalls(XOK_SELF, 0, &up);
}

static void
upcalls_fill(struct xok_upcalls *up)
{
	memset(up, 0, sizeof(*up));
	up->fault = (uint64_t)px_fault_entry;
	up->epilogue = (uint64_t)px_sig_epilogue_entry;         /* sig.h */
	up->stack_lo = UPSTACK_HI - UPSTACK_PAGES * PG;
	up->stack_hi = UPSTACK_HI;
}

/*
 * Our upcall stack, fault handler and the signals' epilogue entry
 * (sig.h), once per image: at start
 * (start.c), so that uaccess faults and the arena's faults are ours
 * from the first instruction of main.  An image started by execve finds
 * the stack its predecessor had (exec keeps it: PAGE_PROTECT counts the
 * pages mapped there) and only registers the new entry.
 */
long
px_fault_init(void)
{
	struct xok_upcalls up;
	uint64_t i, lo = UPSTACK_HI - UPSTACK_PAGES * PG;
	int64_t ppn, r;

	if (upcalls_ready)
		return 0;
	r = sys_page_protect(XOK_SELF, lo, UPSTACK_PAGES,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0);
	if (r != UPSTACK_PAGES) {
		if (r > 0)
			sys_page_unmap_range(XOK_SELF, lo, UPSTACK_PAGES, 0);
		for (i = 0; i < UPSTACK_PAGES; i++) {
			if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
				return -ENOMEM;
			if (sys_page_map(XOK_SELF, lo + i * PG, (uint64_t)ppn,
			    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0) {
				sys_page_free((uint64_t)ppn, 0);
				return -ENOMEM;
			}
		}
	}
	upcalls_fill(&up);
	if (sys_env_set_upcalls(XOK_SELF, 0, &up) < 0)
		return -ENOMEM;
	upcalls_ready = 1;
	return 0;
}

/*
 * Copy n pages at va (mapped in us) into fresh pages owned by the child
 * and map them at va in it with perm: allocate (PAGE_ALLOC_MANY), map
 * them in a scratch window here (PAGE_MAP_MANY), copy, map them in the
 * child, unmap the window.
 */
static long
copy_batch(uint64_t va, uint64_t n, uint64_t perm)
{
	uint64_t k;
	int64_t r;
	long e;

	if ((r = sys_page_alloc_many(0, copy_child, 0, cppn, n)) != (int64_t)n)
		return r == -XE_QUOTA || r == -XE_NOMEM ? -ENOMEM :
		    (r < 0 ? px_errno(r) : -ENOMEM);
	for (k = 0; k < n; k++) {
		cmap[k].va = COPY_WINDOW + k * PG;
		cmap[k].ppn = cppn[k];
		cmap[k].perm = XOK_PTE_W | XOK_PTE_NX;
		cmap[k].slot = 0;
		cmap[k].result = 0;
	}
	r = sys_page_map_many(XOK_SELF, 0, cmap, n);
	e = r == (int64_t)n ? 0 : -ENOMEM;
	if (e == 0) {
		memcpy((void *)COPY_WINDOW, (const void *)va, n * PG);
		if (px_mem_is_shadow(va))
			for (k = 0; k < n && e == 0; k++)
				e = px_mem_fix_child((uint64_t *)(COPY_WINDOW +
				    k * PG), copy_child);
	}
	sys_page_unmap_range(XOK_SELF, COPY_WINDOW, n, 0);
	if (e < 0)
		return e;               /* the child's pages die with it */
	for (k = 0; k < n; k++) {
		cmap[k].va = va + k * PG;
		cmap[k].perm = perm;
		cmap[k].result = 0;
	}
	if (sys_page_map_many(copy_child, 0, cmap, n) != (int64_t)n)
		return -ENOMEM;
	return 0;
}

static long
copy_range(uint64_t va, uint64_t n, uint64_t perm)
{
	long r;

	while (n > 0) {
		uint64_t k = n > XOK_PAGE_BATCH_MAX ? XOK_PAGE_BATCH_MAX : n;

		if ((r = copy_batch(va, k, perm)) < 0)
			return r;
		va += k * PG;
		n -= k;
	}
	return 0;
}

static long
copy_shadow_page(uint64_t va)
{
	return copy_range(va, 1, XOK_PTE_W | XOK_PTE_NX);
}

/* An image execve loaded: we know its pages.  The read-only ones (text,
 * read-only data) are mapped into the child as they are, the same
 * physical pages (nobody writes them; their owner frees them when the
 * last mapper is gone: exec.c lends them); the writable ones are
 * copied, in runs. */
static long
share_image(const struct xok_page_map *v, uint64_t n)
{
	uint64_t i, k, nb = 0, run_va = 0, run_n = 0, run_perm = 0;
	long r;

	for (i = 0; i <= n; i++) {
		int last = i == n;

		if (!last && v[i].va >= PX_IMAGE_END)
			continue;       /* the stack's pages: copied apart */
		if (!last && !(v[i].perm & XOK_PTE_W)) {
			cmap[nb].va = v[i].va;
			cmap[nb].ppn = v[i].ppn;
			cmap[nb].perm = v[i].perm;
			cmap[nb].slot = 0;
			cmap[nb].result = 0;
			if (++nb == XOK_PAGE_BATCH_MAX) {
				if (sys_page_map_many(copy_child, 0, cmap, nb) !=
				    (int64_t)nb)
					return -ENOMEM;
				nb = 0;
			}
			continue;
		}
		if (!last && run_n && v[i].va == run_va + run_n * PG &&
		    v[i].perm == run_perm) {
			run_n++;
			continue;
		}
		if (run_n) {
			/* copy_range uses cmap: flush the shared maps first */
			if (nb && sys_page_map_many(copy_child, 0, cmap, nb) !=
			    (int64_t)nb)
				return -ENOMEM;
			nb = 0;
			if ((r = copy_range(run_va, run_n, run_perm)) < 0)
				return r;
		}
		run_n = 0;
		if (!last) {
			run_va = v[i].va;
			run_n = 1;
			run_perm = v[i].perm;
		}
	}
	for (k = 0; k < nb; k++)
		cmap[k].result = 0;
	if (nb && sys_page_map_many(copy_child, 0, cmap, nb) != (int64_t)nb)
		return -ENOMEM;
	return 0;
}

/* The program's loaded segments, page by page (a page two segments
 * share gets the union of their rights); shared where we can. */
static long
copy_image(void)
{
	const Elf64_Ehdr *eh = &__ehdr_start;
	const Elf64_Phdr *ph;
	uint64_t lo, hi, done = 0, perm, prev = 0;
	long r;
	int i;

	const struct xok_page_map *img;
	uint64_t nimg;

	if ((img = px_exec_pages(&nimg)) != NULL)
		return share_image(img, nimg);
	if (!eh)
		return 0;
	ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		lo = ph[i].p_vaddr & ~(PG - 1);
		hi = (ph[i].p_vaddr + ph[i].p_memsz + PG - 1) & ~(PG - 1);
		perm = ((ph[i].p_flags & PF_W) ? XOK_PTE_W : 0) |
		    ((ph[i].p_flags & PF_X) ? 0 : XOK_PTE_NX);
		if (lo < done) {
			/* the first page is the previous segment's last:
			 * map it again with both segments' rights */
			if ((r = copy_range(lo, 1, ((perm | prev) &
			    XOK_PTE_W) | (perm & prev & XOK_PTE_NX))) < 0)
				return r;
			lo += PG;
		}
		if (lo < hi && (r = copy_range(lo, (hi - lo) / PG, perm)) < 0)
			return r;
		if (hi > done)
			done = hi;
		prev = perm;
	}
	return 0;
}

/* Build the child; its id, or -errno (then nothing of it is left). */
static int64_t
make_child(struct px_proc *pp)
{
	struct xok_cap cap;
	struct xok_upcalls up;
	int64_t child, r;
	long e;

	if ((r = sys_cap_get(0, &cap)) < 0 || !cap.valid)
		return -EPERM;
	if ((child = sys_env_create(0)) < 0)
		return child == -XE_NOMEM || child == -XE_QUOTA ? -EAGAIN :
		    px_errno(child);
	copy_child = (uint64_t)child;
	e = -ENOMEM;
	if ((r = exos_caps_fork((uint64_t)child)) < 0)  /* never the root */
		goto fail_errno;
	if ((e = px_shm_fork((uint64_t)child)) < 0 ||
	    (e = px_fd_fork((uint64_t)child)) < 0 ||    /* before the image */
	    (e = px_fmap_fork((uint64_t)child)) < 0 ||  /* (fmmap) */
	    (e = px_mem_fork((uint64_t)child)) < 0 ||
	    (e = copy_image()) < 0 ||
	    (e = copy_range(XOK_INIT_STACK_TOP - XOK_INIT_STACK_PAGES * PG,
	    XOK_INIT_STACK_PAGES, XOK_PTE_W | XOK_PTE_NX)) < 0 ||
	    (e = copy_range(UPSTACK_HI - UPSTACK_PAGES * PG, UPSTACK_PAGES,
	    XOK_PTE_W | XOK_PTE_NX)) < 0 ||
	    (e = px_mem_each_shadow(copy_shadow_page)) < 0)
		goto fail;
	upcalls_fill(&up);
	px_proc_born(pp, (uint64_t)child);      /* before it runs */
	if ((r = sys_env_set_upcalls((uint64_t)child, 0, &up)) < 0 ||
	    (r = sys_env_set_context((uint64_t)child, 0, &ctx)) < 0 ||
	    (r = sys_env_set_notice((uint64_t)child, 0, 1)) < 0)
		goto fail_errno;
	if ((r = sys_env_set_status((uint64_t)child, 0,
	    XOK_ENV_RUNNABLE)) < 0)
		goto fail_errno;
	return child;
fail_errno:
	e = px_errno(r);
fail:
	sys_env_destroy((uint64_t)child, 0, 0);
	sys_env_reap((uint64_t)child, 0);       /* if it was a zombie */
	return e;
}

/*
 * A process killed while it was building a child (make_child) leaves
 * that child half-built: an environment that never ran, not runnable,
 * holding the pages given to it and mapping pages of the dead parent
 * (orphans now, freed at their last unmapping).  Nobody will finish it.
 * Any member of the family that sees one (px_mem_sweep: at every fork
 * and every reaped child, so at the latest when the killed process's
 * parent reaps it) destroys it, and every page goes back.  Such an
 * environment is recognisable in the exported table: NOT_RUNNABLE,
 * never run, its parent dead; one of another principal refuses our
 * capability and stays.
 */
void
px_fork_reap_halfbuilt(void)
{
	unsigned i;

	for (i = 0; i < XOK_NENV; i++) {
		const volatile struct xok_env_info *e = &XOK_INFO->envs[i];
		uint64_t id = e->id, parent = e->parent;

		if (id == 0 || e->state != XOK_ENV_NOT_RUNNABLE ||
		    e->runs != 0 || parent == 0 || xok_env_alive(parent))
			continue;
		if (sys_env_destroy(id, 0, 128 + SIGKILL) == 0)
			sys_env_reap(id, 0);    /* if it left a record */
	}
}

/* ---- vfork ---------------------------------------------------------
 * Xok has no shared address space between environments, so a vfork
 * child (vfork, clone with CLONE_VM|CLONE_VFORK as musl's posix_spawn
 * and system() issue it) is a fork's copy; what vfork promises the
 * parent is kept: it is suspended until the child has exec'd (past
 * exec's point of no return) or died.  The child says so in a word of
 * a MAP_SHARED page (px_vfork_done, from execve and exit); the parent
 * sleeps on that word and on its child_exits counter (a child killed
 * by a fault never writes the word).  What differs from Linux: the
 * child's writes to memory other than MAP_SHARED are its own, never
 * seen by the parent (POSIX leaves them undefined for vfork; musl's
 * posix_spawn reports an exec failure through a pipe, not memory). */
static volatile uint64_t *vf_word;
static int vf_child;            /* we are a vfork child not yet gone */

void
px_vfork_done(void)
{
	if (vf_child && vf_word) {
		vf_child = 0;
		*vf_word = 1;
	}
}

static void
vfork_wait(uint64_t child)
{
	const volatile uint64_t *w[2] = { vf_word,
	    &XOK_INFO->envs[XOK_ENVX(XOK_INFO->cur_env)].child_exits };
	uint64_t seen[2];

	for (;;) {
		seen[0] = 0;
		seen[1] = *w[1];
		if (*vf_word || !xok_env_alive(child))
			return;
		if (px_block(w, seen, 2, UINT64_MAX) == -EINVAL)
			return;         /* cannot happen: n is 2 */
	}
}

/* The child's first steps, wherever it resumes. */
static void
child_init(void)
{
	px_mem_child();
	px_exec_child();
	px_fd_child();
	px_sig_child();
}

/* A clone child with a stack of its own starts here (px_clone_entry,
 * forkctx.S), then returns 0 to the address at the top of that stack. */
void
px_clone_child(void)
{
	child_init();
}

/*
 * fork, vfork and clone: a child that resumes where we are (px_ctx_save
 * returns 1 in it) or, given newsp (clone with a stack, as musl's
 * __clone prepares it: the return address at newsp), on that stack
 * through px_clone_entry; with vfork set we return only once the
 * child has exec'd or died.
 */
static long
fork_common(int vfork, uint64_t newsp)
{
	struct px_proc *pp;
	int64_t child;
	long r, va;
	int was_vf = vf_child;

	if ((r = px_fault_init()) < 0)
		return r;
	if (vfork && !vf_word) {
		va = px_mmap(0, PG, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if ((unsigned long)va >= -4095UL)
			return -EAGAIN;
		vf_word = (volatile uint64_t *)va;
	}
	if (!(pp = px_proc_new(&r)))
		return r;
	px_mem_sweep();
	px_fd_sweep();
	memset(&ctx, 0, sizeof(ctx));
	if (px_ctx_save(&ctx)) {
		/* the child, resuming here with the parent's registers */
		child_init();
		return 0;
	}
	ctx.fs_base = (uint64_t)px_fs_base();
	ctx.gs_base = (uint64_t)px_gs_base();
	ctx.flags = XOK_CTX_FX;
	if (newsp) {
		ctx.rip = (uint64_t)px_clone_entry;
		ctx.rsp = newsp;
	}
	if (vfork)
		*vf_word = 0;
	vf_child = vfork;               /* what the child's copy says */
	child = make_child(pp);
	vf_child = was_vf;
	if (child < 0) {
		px_proc_abort(pp);
		return (long)child;
	}
	if (vfork)
		vfork_wait((uint64_t)child);
	return pp->pid;
}

long
px_fork(PX_ARGS)
{
	PX_UNUSED;
	return fork_common(0, 0);
}

long
px_vfork(PX_ARGS)
{
	PX_UNUSED;
	return fork_common(1, 0);
}

/* clone: as musl's fork issues it (SIGCHLD, no stack: a fork), as its
 * posix_spawn and system() do (CLONE_VM|CLONE_VFORK|SIGCHLD with a
 * stack: a vfork child on that stack), or a fork child on a new stack.
 * The exit signal (the low byte) is SIGCHLD's business, not ours.
 * Threads (CLONE_THREAD, CLONE_VM without CLONE_VFORK) are not done:
 * ENOSYS (musl's pthread_create then fails with EAGAIN). */
long
px_clone(PX_ARGS)
{
	unsigned long fl = (unsigned long)a1 & ~0xffUL;
	uint64_t newsp = (uint64_t)a2;

	(void)a3, (void)a4, (void)a5, (void)a6;
	if (newsp && (newsp < XOK_UVA_MIN || newsp >= XOK_UVA_END))
		return -EFAULT;
	if (fl == 0)
		return fork_common(0, newsp);
	if (fl == (CLONE_VM_ | CLONE_VFORK_))
		return fork_common(1, newsp);
	return -ENOSYS;
}
