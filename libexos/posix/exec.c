/*
 * exec.c: execve by libexos's own ELF loader, in place: the same
 * environment (so the same pid) gets the new image.  Programs come from
 * the in-memory file table (files.c).  Everything that can fail is done
 * before the point of no return, with the old image intact: find the
 * file (ENOENT, EACCES without an x bit), check it is a static x86-64
 * executable (ENOEXEC), measure argv and envp (EFAULT, E2BIG), then
 * allocate the new image's pages and its stack, fill them through a
 * staging window at PX_EXEC_VA and build the Linux start block (argc,
 * argv, envp, auxv with AT_PAGESZ, AT_PHDR, AT_PHNUM, AT_ENTRY,
 * AT_RANDOM) on the new stack (ENOMEM if pages run out; all given
 * back).  Past that point: the libOS's arena is given back, and a
 * trampoline copied to its own page (exectramp.S) unmaps the old image
 * and stack, maps the new pages in batches and jumps to the entry.  The
 * new image's start code (start.c) unmaps the staging window and frees
 * the trampoline's pages.
 * An image execve loaded knows its pages (its start code keeps the
 * list), so the next execve frees them, and fork shares its read-only
 * ones with the child instead of copying them; the pages of the first
 * image of a process, loaded by the kernel or by spawn, are found and
 * freed by the new image's start (collect_garbage: owned, unmapped, not
 * a boot module).  The program file is found by path
 * resolution (in-memory files or C-FFS, px_exec_image); the process's
 * descriptors, working directory and umask (fd.c's table in the shared
 * region) survive, but the close-on-exec descriptors, which are closed
 * past the point of no return; the table's address travels in the
 * plan.  Signals: the mask, ignored dispositions, pending
 * signals and the interval timer are carried to the new image
 * (px_exec_sigcarry); caught ones go back to SIG_DFL.
 * A file starting "#!" is an interpreter script (script(), shebang.c):
 * the interpreter named on its first line runs instead, with the
 * arguments Linux gives it: the interpreter's name, the line's one
 * optional argument, the script's path as execve got it, then argv[1]
 * on; an interpreter may itself be a script, up to PX_SHEBANG_DEPTH
 * scripts in a chain (Linux's count), ELOOP beyond.
 */
#include <elf.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include "posix.h"
#include "layout.h"
#include "uaccess.h"
#include "fd.h"
#include "sig.h"
#include "shebang.h"
#include "proc.h"

#define PG              XOK_PGSIZE
/* PX_EXEC_VA (tramp, plan, staging): layout.h */
#define STACK_TOP       XOK_INIT_STACK_TOP
#define STACK_SPAN      (1UL << 20)             /* the stack's region */
#define STACK_FREE      (32 * PG)               /* below the start block */
#define ARG_LIMIT       (STACK_SPAN - STACK_FREE - 4 * PG)
#define IMAGE_END       PX_IMAGE_END
#define PLAN_PAGES      63
#define NFREE           (PLAN_PAGES + 1)
#define CARRY_SPACE     128             /* struct px_sig_carry */

struct px_op {                  /* one kernel call of the trampoline */
	uint64_t nr, a[6], expect;
};

struct px_exec_hdr {            /* the plan, at PX_EXEC_VA + PG */
	uint64_t nops, sp, entry;
	uint64_t free_off;      /* their ppns at PX_EXEC_VA + PG + free_off */
	uint64_t span;          /* pages of the staging window */
	uint64_t nfree;         /* the trampoline's and the plan's pages */
	uint64_t nmaps;         /* the new image's pages, in maps[] */
	uint64_t maps_off;      /* maps[] at PX_EXEC_VA + PG + maps_off */
	uint64_t fdtab;         /* the file state (fd.c) the image keeps */
	/* struct px_op ops[] follows; then ppns[NFREE] and the maps */
};

/* exectramp.S finds the ops right after the header */
_Static_assert(sizeof(struct px_exec_hdr) == 72, "exectramp.S's ops offset");

extern const char px_exec_tramp[], px_exec_tramp_end[];

/* This image's pages (where, which, with what rights), if execve
 * loaded it (px_exec_cleanup): in the arena, read before the arena is
 * given back.  img_own: they are ours to free at the next execve. */
static struct xok_page_map *myimg;
static uint64_t img_n;
static int img_own;
extern const Elf64_Ehdr __ehdr_start __attribute__((weak));

/* A forked child: its read-only image pages are its parent's (fork
 * shares them), its writable ones fork's copies: the list still says
 * what is mapped where (fork shares the read-only ones on), but none of
 * the pages is ours to free. */
void
px_exec_child(void)
{
	img_own = 0;
}

/* The image's pages as execve loaded them (NULL if the kernel or a
 * spawner loaded it: then nobody told us). */
const struct xok_page_map *
px_exec_pages(uint64_t *n)
{
	*n = img_n;
	return myimg;
}

/* Count a NULL-terminated vector of the program's strings, adding
 * their sizes to *bytes: -EFAULT for a bad pointer (the vector's or a
 * string's, read through uaccess.h), -E2BIG if too big.  Once counted,
 * the strings are known readable: px_start_size and px_start_block read
 * them directly (the process is single-threaded, nothing unmaps them). */
static long
count(char *const *v, size_t *bytes)
{
	const char *p;
	long n, r;

	if (!v)
		return 0;
	for (n = 0;; n++) {
		if ((r = px_copyin(&p, &v[n], sizeof(p))) < 0)
			return r;
		if (!p)
			return n;
		if ((r = px_strlen_user(p, ARG_LIMIT)) < 0)
			return r;
		*bytes += (size_t)r + 1;
		if (n > (long)(ARG_LIMIT / 8) || *bytes > ARG_LIMIT)
			return -E2BIG;
	}
}

/* The checks Linux's loader makes that matter here: a 64-bit little-
 * endian x86-64 ET_EXEC (static, not PIE, no interpreter) whose
 * segments fit the file and lie below the libOS's regions. */
static long
check_elf(const uint8_t *img, uint64_t size, uint64_t have,
    struct px_auxinfo *ai, uint64_t *npages)
{
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Phdr *ph;
	uint64_t i, n = 0;

	if (have < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    eh->e_phnum == 0 ||
	    eh->e_phnum > (size - eh->e_phoff) / sizeof(Elf64_Phdr) ||
	    eh->e_phoff > have ||
	    eh->e_phnum > (have - eh->e_phoff) / sizeof(Elf64_Phdr))
		return -ENOEXEC;        /* (px_exec_image reads them all) */
	ph = (const void *)(img + eh->e_phoff);
	ai->phdr = 0;
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC)
			return -ENOEXEC;
		if (ph->p_type == PT_PHDR)
			ai->phdr = ph->p_vaddr;
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
		    ph->p_filesz > size - ph->p_offset ||
		    ph->p_vaddr % PG != ph->p_offset % PG ||
		    ph->p_vaddr < XOK_UVA_MIN || ph->p_memsz > IMAGE_END ||
		    ph->p_vaddr > IMAGE_END - ph->p_memsz)
			return -ENOEXEC;
		if (!ai->phdr && eh->e_phoff >= ph->p_offset &&
		    eh->e_phoff - ph->p_offset < ph->p_filesz)
			ai->phdr = ph->p_vaddr + (eh->e_phoff - ph->p_offset);
		n += (ph->p_vaddr % PG + ph->p_memsz + PG - 1) / PG;
	}
	if (n == 0 || eh->e_entry < XOK_UVA_MIN || eh->e_entry >= IMAGE_END)
		return -ENOEXEC;
	ai->phnum = eh->e_phnum;
	ai->entry = eh->e_entry;
	*npages = n;
	return 0;
}

static uint64_t allocated[4096];        /* the new pages, to undo */
static uint64_t nalloc;

/* PAGE_UNMAP_RANGE takes XOK_PAGE_BATCH_MAX pages a call. */
static void
unmap_span(uint64_t va, uint64_t n)
{
	uint64_t c;

	for (; n; n -= c, va += c * PG) {
		c = n < XOK_PAGE_BATCH_MAX ? n : XOK_PAGE_BATCH_MAX;
		sys_page_unmap_range(XOK_SELF, va, c, 0);
	}
}

static void
undo(void)
{
	unmap_span(PX_EXEC_VA, PLAN_PAGES + 1 + sizeof(allocated) /
	    sizeof(allocated[0]));
	while (nalloc)
		sys_page_free(allocated[--nalloc], 0);
}

/* The staging window's pages 0..n-1: fresh zeroed pages, writable and
 * not executable, page k is allocated[k]; with the batched calls, two
 * kernel calls per XOK_PAGE_BATCH_MAX pages (it was two per page).
 * 0, or -1 (undo frees what was taken). */
static long
stage_all(uint64_t n)
{
	static struct xok_page_map sm[XOK_PAGE_BATCH_MAX];
	uint64_t c, i;

	if (n > sizeof(allocated) / sizeof(allocated[0]))
		return -1;
	while (nalloc < n) {
		c = n - nalloc < XOK_PAGE_BATCH_MAX ? n - nalloc :
		    XOK_PAGE_BATCH_MAX;
		if (sys_page_alloc_many(0, XOK_SELF, 0, &allocated[nalloc],
		    c) != (int64_t)c)
			return -1;
		for (i = 0; i < c; i++) {
			sm[i].va = PX_EXEC_VA + (nalloc + i) * PG;
			sm[i].ppn = allocated[nalloc + i];
			sm[i].perm = XOK_PTE_W | XOK_PTE_NX;
			sm[i].slot = 0;
			sm[i].result = 0;
		}
		nalloc += c;
		if (sys_page_map_many(XOK_SELF, 0, sm, c) != (int64_t)c)
			return -1;
	}
	return 0;
}

static void
op(struct px_op *o, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t expect)
{
	memset(o, 0, sizeof(*o));
	o->nr = nr;
	o->a[0] = a1, o->a[1] = a2, o->a[2] = a3, o->a[3] = a4;
	o->expect = expect;
}

/* Ops unmapping n pages at va, in calls of XOK_PAGE_BATCH_MAX. */
static uint64_t
unmap_ops(struct px_op *ops, uint64_t nops, uint64_t va, uint64_t n)
{
	uint64_t c;

	for (; n; n -= c, va += c * PG) {
		c = n < XOK_PAGE_BATCH_MAX ? n : XOK_PAGE_BATCH_MAX;
		op(&ops[nops++], XOK_SYS_PAGE_UNMAP_RANGE, XOK_SELF, va, c, 0,
		    (uint64_t)-1);
	}
	return nops;
}

/*
 * Interpreter scripts.  The argument vector the image gets is head[0 ..
 * nhead) followed by the program's argv[skip ..]: each script puts its
 * interpreter, the optional argument and its own path in front of the
 * vector it was given, less that vector's first entry.  The strings
 * live in the parsed lines (sb), the vector in joined (px_mmap'd, when
 * there is a head) until the start block is built.
 */
static struct px_shebang sb[PX_SHEBANG_DEPTH];
static char *head[3 * PX_SHEBANG_DEPTH];
static long nhead, skip;

/* img (its first *have of size bytes, from path) is a script at depth:
 * its interpreter's image replaces it (*img, *size, *have, *mapped),
 * or -errno (*mapped 0 then:
 * nothing is left to give back). */
static long
script(int depth, const char *path, const uint8_t **img, uint64_t *size,
    uint64_t *have, long *mapped, long argc)
{
	struct px_shebang *s = &sb[depth];
	char *h[3 * PX_SHEBANG_DEPTH];
	long r, k = 0, i;

	if (depth == PX_SHEBANG_DEPTH)
		r = -ELOOP;
	else
		r = px_shebang(*img, *have, s);
	if (*mapped)
		px_exec_image_done(*img, *have);
	*mapped = 0;
	if (r < 0)
		return r;
	h[k++] = s->name;
	if (s->arg)
		h[k++] = s->arg;
	h[k++] = (char *)path;
	if (nhead > 0)
		for (i = 1; i < nhead; i++)
			h[k++] = head[i];
	else if (skip < argc)
		skip++;                 /* the program's argv[0] goes */
	memcpy(head, h, (size_t)k * sizeof(h[0]));
	nhead = k;
	if ((r = px_exec_image(s->name, img, size, have)) < 0)
		return r;
	*mapped = r;
	return 0;
}

/* The vector head + argv[skip ..] (its length in *n), or NULL
 * (ENOMEM); argv itself when no script put a head in front. */
static char *const *
joined(char *const *argv, long argc, long *n, size_t *len)
{
	char **v;
	long i;

	*len = 0;
	*n = argc;
	if (nhead == 0)
		return argv;
	*n = nhead + argc - skip;
	*len = (size_t)(*n + 1) * sizeof(*v);
	v = (char **)px_mmap(0, (long)*len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)v >= -4095UL)
		return NULL;
	memcpy(v, head, (size_t)nhead * sizeof(*v));
	for (i = skip; i < argc; i++)
		v[nhead + i - skip] = argv[i];
	v[*n] = NULL;
	return v;
}

static void
joined_done(char *const *v, size_t len)
{
	if (len)
		px_munmap((long)v, (long)len, 0, 0, 0, 0);
}

long
px_execve(PX_ARGS)
{
	char path[PATH_MAX];
	char *const *argv = (char *const *)a2, *const *envp = (char *const *)a3;
	const uint8_t *img;
	uint64_t size, have, npimg, npstk, nmaps, nops, k, i, va, kstk;
	long argc, envc, f, mapped;
	size_t blk;
	struct px_auxinfo ai;
	struct px_exec_hdr *h = (void *)(PX_EXEC_VA + PG);
	struct px_op *ops;
	uint64_t *freeppn;
	struct xok_page_map *maps;
	const Elf64_Ehdr *eh, *old = &__ehdr_start;
	const Elf64_Phdr *ph;
	int64_t ppn;
	uintptr_t sp;
	size_t bytes = 0, jlen = 0;
	int depth;

	PX_UNUSED;
	if ((f = px_strin(path, (const char *)a1, sizeof(path))) < 0)
		return f;
	if ((argc = count(argv, &bytes)) < 0)
		return argc;
	if ((envc = count(envp, &bytes)) < 0)
		return envc;
	if ((mapped = px_exec_image(path, &img, &size, &have)) < 0)
		return mapped;
	px_pinfo_exec(path);            /* (portgaps) /proc/PID/exe */
	nhead = skip = 0;
	for (depth = 0; have >= 2 && img[0] == '#' && img[1] == '!'; depth++)
		if ((f = script(depth, depth ? sb[depth - 1].name : path, &img,
		    &size, &have, &mapped, argc)) < 0)
			return f;
	if ((f = check_elf(img, size, have, &ai, &npimg)) < 0)
		goto fail;
	eh = (const void *)img;
	f = -ENOMEM;
	if (!(argv = joined(argv, argc, &argc, &jlen)))
		goto fail;
	f = -E2BIG;
	if ((blk = px_start_size(argv, argc, envp, envc)) > ARG_LIMIT)
		goto fail;
	npstk = (blk + STACK_FREE + PG - 1) / PG;
	nmaps = npimg + npstk;
	nops = 1 + (img_own ? img_n : 0) + (nmaps + XOK_PAGE_BATCH_MAX - 1) /
	    XOK_PAGE_BATCH_MAX;
	if (old) {
		ph = (const void *)((const uint8_t *)old + old->e_phoff);
		for (i = 0; i < old->e_phnum; i++, ph++)
			if (ph->p_type == PT_LOAD)
				nops += (ph->p_vaddr % PG + ph->p_memsz +
				    XOK_PAGE_BATCH_MAX * PG - 1) /
				    (XOK_PAGE_BATCH_MAX * PG);
	}
	f = -ENOMEM;
	if (sizeof(*h) + nops * sizeof(*ops) + NFREE * 8 +
	    nmaps * sizeof(*maps) > PLAN_PAGES * PG - CARRY_SPACE)
		goto fail;

	/* Staging window: page 0 the trampoline, 1..PLAN_PAGES the plan,
	 * then the new image's pages and the stack's, in order (npimg may
	 * count a page two segments share twice: a page left over is
	 * unmapped and freed by px_exec_cleanup with the window). */
	nalloc = 0;
	if (stage_all(PLAN_PAGES + 1 + npimg + npstk) < 0)
		goto nomem;
	ops = (struct px_op *)(h + 1);
	freeppn = (uint64_t *)(ops + nops);
	maps = (struct xok_page_map *)(freeppn + NFREE);
	for (i = 0; i < PLAN_PAGES; i++)
		freeppn[i] = allocated[i + 1];
	ppn = (int64_t)allocated[0];
	freeppn[PLAN_PAGES] = (uint64_t)ppn;
	memcpy((void *)PX_EXEC_VA, px_exec_tramp,
	    (size_t)(px_exec_tramp_end - px_exec_tramp));
	if (sys_page_map(XOK_SELF, PX_EXEC_VA, (uint64_t)ppn, 0, 0, 0) < 0)
		goto nomem;             /* now read and execute only */

	k = PLAN_PAGES + 1;
	nmaps = 0;
	ph = (const void *)(img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		uint64_t perm = ((ph->p_flags & PF_W) ? XOK_PTE_W : 0) |
		    ((ph->p_flags & PF_X) ? 0 : XOK_PTE_NX);

		if (ph->p_type != PT_LOAD)
			continue;
		for (va = ph->p_vaddr & ~(PG - 1);
		    va < ph->p_vaddr + ph->p_memsz; va += PG) {
			uint64_t lo = va < ph->p_vaddr ? ph->p_vaddr : va;
			uint64_t hi = ph->p_vaddr + ph->p_filesz;
			uint8_t *stage;

			if (nmaps && maps[nmaps - 1].va == va) {
				/* two segments share this page */
				maps[nmaps - 1].perm = (maps[nmaps - 1].perm |
				    (perm & XOK_PTE_W)) & (perm | XOK_PTE_W);
				stage = (uint8_t *)(PX_EXEC_VA + (k - 1) * PG);
			} else {
				if (k >= nalloc)
					goto nomem;     /* (cannot be) */
				ppn = (int64_t)allocated[k];
				maps[nmaps].va = va;
				maps[nmaps].ppn = (uint64_t)ppn;
				maps[nmaps].perm = perm;
				maps[nmaps].slot = 0;
				maps[nmaps].result = 0;
				nmaps++;
				stage = (uint8_t *)(PX_EXEC_VA + k++ * PG);
			}
			if (hi > va + PG)
				hi = va + PG;
			if (ph->p_offset + ph->p_filesz > have) {
				/* not in the head: the segment's file
				 * bytes at once, from the file into its
				 * staged pages (consecutive from here) */
				if (lo == ph->p_vaddr && (f =
				    px_exec_image_rest(stage + (lo - va),
				    ph->p_offset, ph->p_filesz)) < 0) {
					undo();
					goto fail;
				}
			} else if (hi > lo)
				memcpy(stage + (lo - va), img + ph->p_offset +
				    (lo - ph->p_vaddr), hi - lo);
		}
	}
	kstk = k;
	for (i = 0; i < npstk; i++) {
		if (k >= nalloc)
			goto nomem;             /* (cannot be) */
		ppn = (int64_t)allocated[k++];
		maps[nmaps].va = STACK_TOP - (npstk - i) * PG;
		maps[nmaps].ppn = (uint64_t)ppn;
		maps[nmaps].perm = XOK_PTE_W | XOK_PTE_NX;
		maps[nmaps].slot = 0;
		maps[nmaps].result = 0;
		nmaps++;
	}
	sp = px_start_block((char *)(PX_EXEC_VA + kstk * PG), npstk * PG,
	    (STACK_TOP - npstk * PG) - (PX_EXEC_VA + kstk * PG), argv, argc,
	    envp, envc, &ai);
	joined_done(argv, jlen);
	jlen = 0;

	/* The plan: unmap the old image and stack, map the new. */
	nops = 0;
	if (old) {
		ph = (const void *)((const uint8_t *)old + old->e_phoff);
		for (i = 0; i < old->e_phnum; i++, ph++)
			if (ph->p_type == PT_LOAD)
				nops = unmap_ops(ops, nops,
				    ph->p_vaddr & ~(PG - 1), (ph->p_vaddr % PG +
				    ph->p_memsz + PG - 1) / PG);
	}
	op(&ops[nops++], XOK_SYS_PAGE_UNMAP_RANGE, XOK_SELF,
	    STACK_TOP - STACK_SPAN, STACK_SPAN / PG, 0, (uint64_t)-1);
	for (i = 0; img_own && i < img_n; i++)  /* the old image's pages */
		op(&ops[nops++], XOK_SYS_PAGE_FREE, myimg[i].ppn, 0, 0, 0,
		    (uint64_t)-1);
	for (i = 0; i < nmaps; i += XOK_PAGE_BATCH_MAX) {
		uint64_t n = nmaps - i < XOK_PAGE_BATCH_MAX ? nmaps - i :
		    XOK_PAGE_BATCH_MAX;

		op(&ops[nops++], XOK_SYS_PAGE_MAP_MANY, XOK_SELF, 0,
		    (uint64_t)&maps[i], n, n);
	}
	h->nops = nops;
	h->sp = sp;
	h->entry = ai.entry;
	h->span = nalloc;
	h->nfree = NFREE;
	h->free_off = (uint64_t)((char *)freeppn - (char *)h);
	h->nmaps = nmaps;
	h->maps_off = (uint64_t)((char *)maps - (char *)h);

	/* The point of no return. */
	px_vfork_done();                /* a vfork parent may go on */
	h->fdtab = px_fd_exec();
	px_sig_exec_save(px_exec_sigcarry());   /* signals: sig.h */
	px_mem_release();
	((void (*)(struct px_exec_hdr *))PX_EXEC_VA)(h);
	__builtin_unreachable();
nomem:
	undo();
	f = -ENOMEM;
fail:
	if (argv)
		joined_done(argv, jlen);
	if (mapped)
		px_exec_image_done(img, have);
	return f;
}

/* What the signals keep across execve (signal.c), at the end of the
 * plan's pages; the new image reads it before px_exec_cleanup. */
struct px_sig_carry *
px_exec_sigcarry(void)
{
	return (struct px_sig_carry *)(PX_EXEC_VA + PG + PLAN_PAGES * PG -
	    CARRY_SPACE);
}

/*
 * Every page we own that nothing maps and that is not a boot module's
 * is garbage once a new image starts: the arena was given back, so the
 * libOS keeps no unmapped page of its own at this point.  That is how
 * the pages of a first image (loaded by the kernel or a spawner, which
 * tell nobody which pages they used), the pages fork copied into us,
 * and shadow pages past what we listed go back.  XN's cache pages and
 * orphans are not ours to free.
 */
static void
collect_garbage(void)
{
	uint32_t self = (uint32_t)XOK_INFO->cur_env;
	uint64_t p, m, np = XOK_INFO->npages, nm = XOK_INFO->nmodules;

	for (p = 0; p < np; p++) {
		const volatile struct xok_page_info *pi = &XOK_PAGES[p];

		if (pi->owner != self || pi->mapcount != 0 ||
		    (pi->flags & (XOK_PG_KERNEL | XOK_PG_XN | XOK_PG_ORPHAN)))
			continue;
		for (m = 0; m < nm && m < XOK_NMODULES; m++)
			if (p >= XOK_INFO->modules[m].paddr / PG &&
			    p < (XOK_INFO->modules[m].paddr +
			    XOK_INFO->modules[m].size + PG - 1) / PG)
				break;
		if (m < nm && m < XOK_NMODULES)
			continue;       /* a boot module's (first process) */
		sys_page_free(p, 0);
	}
}

/* Called by the new image's start code with the plan the trampoline
 * passed: unmap the staging window, free the trampoline's and the
 * plan's pages; the old image's pages the plan could not free (another
 * process, a child fork shared them with, still maps them) go on our
 * lent list; then the rest of our unmapped pages go back. */
void
px_exec_cleanup(const void *plan)
{
	const struct px_exec_hdr *h = plan;
	const struct xok_page_map *maps;
	const struct px_op *ops;
	uint64_t ppn[NFREE], span, n, i;
	long va;

	if ((uintptr_t)plan != PX_EXEC_VA + PG)
		return;
	px_fd_attach(h->fdtab);
	span = h->span;
	n = h->nfree > NFREE ? NFREE : h->nfree;
	if (h->free_off > PLAN_PAGES * PG - NFREE * 8)
		return;
	memcpy(ppn, (const char *)h + h->free_off, n * 8);
	/* keep our own pages' list for the next execve and for fork */
	maps = (const void *)((const char *)h + h->maps_off);
	if (h->maps_off < PLAN_PAGES * PG && h->nmaps <= (PLAN_PAGES * PG -
	    h->maps_off) / sizeof(*maps)) {
		va = px_mmap(0, (long)(h->nmaps * sizeof(*maps)),
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if ((unsigned long)va < -4095UL) {
			myimg = (struct xok_page_map *)va;
			memcpy(myimg, maps, h->nmaps * sizeof(*maps));
			img_n = h->nmaps;
			img_own = 1;
		}
	}
	ops = (const struct px_op *)(h + 1);
	if (h->nops <= (h->free_off - sizeof(*h)) / sizeof(*ops))
		for (i = 0; i < h->nops; i++)
			if (ops[i].nr == XOK_SYS_PAGE_FREE &&
			    ops[i].a[0] < XOK_INFO->npages &&
			    XOK_PAGES[ops[i].a[0]].owner ==
			    (uint32_t)XOK_INFO->cur_env &&
			    XOK_PAGES[ops[i].a[0]].mapcount > 0)
				px_mem_lend(ops[i].a[0]);
	unmap_span(PX_EXEC_VA, span);
	for (i = 0; i < n; i++)
		sys_page_free(ppn[i], 0);
	collect_garbage();
}
