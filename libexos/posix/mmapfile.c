/*
 * mmapfile.c: mmap of a C-FFS file (MAP_PRIVATE and MAP_SHARED), msync,
 * and what munmap, mprotect, fork, exit, ftruncate, read and write must
 * do about file mappings.  mem.c keeps the pages (its shadow marks a
 * file page SH_FMAP); this file says what fills them and where they go.
 *
 * A mapping is a record in the family's shared region (PX_ROOT_FMAP):
 * the process, its address range, the file page at its start, and the
 * open-file description, on which it holds a reference (as Linux's vma
 * holds its struct file): closing the descriptor leaves the mapping
 * working, and an unlinked file lives (under its hidden name,
 * vfs_cffs.c) until its last mapping is gone.  Records are shared so
 * that the family can clean up after a process that died without
 * unmapping: px_fmap_sweep (at wait, next to px_fd_sweep) writes back
 * a dead process's shared pages and drops its records.
 *
 * MAP_PRIVATE: the first touch of a page allocates a page of our own,
 * reads the file into it (the part past the end of file is zeros) and
 * maps it; from then on it is an anonymous private page (fork shares
 * it copy-on-write, mem.c).  A touch of a page wholly past the end of
 * file is SIGBUS, as on Linux.
 *
 * MAP_SHARED: the family has one cache of file pages, in the shared
 * region, keyed by the vnode (vfs_cffs.c: one per open name for the
 * whole family) and the page number; the first touch of a page by any
 * member reads it into a region page, and every member maps that same
 * physical page (px_shm_ppn) at its own address, with its own rights.
 * Found: a linear search of the cache table under its lock.  Freed:
 * when a record stops covering a page (munmap, exit, exec, the sweep)
 * and no other record covers it, after it is written back.
 * Written back: every cached page that a writable mapping may have
 * stored into (mapped by a description open O_RDWR), clipped to the
 * file's size (a mapping never grows a file, as on Linux), by msync
 * (MS_SYNC and MS_ASYNC alike: synchronously), munmap, exit and exec;
 * a process that dies with such pages has them written back when it is
 * swept (its parent's wait, or any member's next mmap or munmap).
 *
 * Coherence with read and write: write() of a file updates the cached
 * pages of the same vnode (so mappings see it at once), and read()
 * sees what mappings stored there even before msync, as on Linux.  What
 * differs: a private page already touched is a copy (Linux's private
 * pages follow the file until written); a hard link is another vnode,
 * so mappings through two names of one file are not coherent;
 * truncate() by name (not ftruncate) does not see the cache; after a
 * shrinking ftruncate the pages past the end are unmapped only in the
 * process that truncated (others keep what they mapped; a new touch
 * anywhere is SIGBUS).
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include "posix.h"
#include "layout.h"
#include "shm.h"
#include "fd.h"
#include "vfs.h"
#include "fsroot.h"

#define PG              XOK_PGSIZE
#define NREC            256     /* file mappings in the family */
#define NCACHE          1024    /* shared file pages cached */
#define PAST_EOF        (-2000) /* fm_io: the page is past the end */
enum { FM_READ, FM_WRITE, FM_SIZE };

struct fm_rec {                 /* one mapping of one process */
	uint64_t env;           /* the process; 0: a free slot */
	struct px_ofile *f;     /* the description (a reference held) */
	uint64_t vn;            /* f's vnode: the cache's key */
	uint64_t va;            /* its first page */
	uint64_t n;             /* pages */
	uint64_t pg;            /* the file page at va */
	uint32_t shared;        /* MAP_SHARED */
	uint32_t maywrite;      /* MAP_SHARED and f open for writing */
};

struct fm_page {                /* a cached page of a file */
	uint64_t vn;            /* 0: a free slot */
	uint64_t pg;
	void *page;             /* a page of the region */
	uint64_t wr;            /* a writable mapping may have stored */
};

struct fm_fam {                 /* PX_ROOT_FMAP */
	struct px_lock lock;
	uint64_t npage;         /* cache entries in use */
	struct fm_rec *rec;     /* NREC, made at the family's first mmap */
	struct fm_page *pc;     /* NCACHE */
};

int px_fault_bus;

static struct fm_fam *fam_p;

/* The family's state; its tables made if make; NULL if there is none. */
static struct fm_fam *
fam(int make)
{
	struct fm_fam *F = fam_p;

	if (!F && (F = fam_p = px_shm_root(PX_ROOT_FMAP, sizeof(*F))) == NULL)
		return NULL;
	if (F->rec && F->pc)
		return F;
	if (!make)
		return NULL;
	px_lock(&F->lock);
	if (!F->rec)
		F->rec = px_shm_alloc(NREC * sizeof(struct fm_rec));
	if (!F->pc)
		F->pc = px_shm_alloc(NCACHE * sizeof(struct fm_page));
	px_unlock(&F->lock);
	return F->rec && F->pc ? F : NULL;
}

static uint64_t
self(void)
{
	return XOK_INFO->cur_env;
}

/*
 * FM_READ: read file page pg of f into buf (a whole page: zeros past
 * the end of file); FM_WRITE: write buf back to it (clipped to the
 * file's size); FM_SIZE: only look.  0, or PAST_EOF (reading or looking
 * at a page wholly past the end), or -errno.  A fault
 * inside a file call that holds the names' lock (write() from a
 * mapping) keeps it: the name cannot move under us.
 */
static long
fm_io(struct px_ofile *f, uint64_t pg, void *buf, int how)
{
	int wr = how == FM_WRITE;
	struct px_fdtab *t = px_fd_tab();
	struct px_fdreg *rg = t ? t->reg : NULL;
	uint64_t off = pg * PG, n;
	struct cffs_fs *fs;
	struct cffs_stat cs;
	const char *path;
	long r, err;
	int nested;

	if (!rg || px_fs_held())
		return -EDEADLK;
	nested = rg->vlock.owner == self();
	if (!nested)
		px_lock(&rg->vlock);
	if (!(fs = px_fs_begin(&err)))
		r = err;
	else {
		path = px_dir_path(f);
		r = cffs_stat(fs, path, &cs);
		if (r == 0 && off >= cs.size)
			r = wr ? 0 : PAST_EOF;
		else if (r == 0 && how != FM_SIZE) {
			n = cs.size - off < PG ? cs.size - off : PG;
			r = wr ? cffs_write(fs, path, off, buf, n) :
			    cffs_read(fs, path, off, buf, n);
			if (r > 0 && !wr && (uint64_t)r < PG)
				memset((char *)buf + r, 0, PG - (uint64_t)r);
			if (r > 0)
				r = 0;
		}
		r = px_fs_end(fs, r, wr ? PX_FS_CHANGED : PX_FS_READ);
	}
	if (!nested)
		px_unlock(&rg->vlock);
	return r;
}

/* The cache entry of (vn, pg), or NULL (F's lock held). */
static struct fm_page *
cache_find(struct fm_fam *F, uint64_t vn, uint64_t pg)
{
	uint64_t i, seen = 0;

	for (i = 0; i < NCACHE && seen < F->npage; i++) {
		if (!F->pc[i].vn)
			continue;
		seen++;
		if (F->pc[i].vn == vn && F->pc[i].pg == pg)
			return &F->pc[i];
	}
	return NULL;
}

/* Does a record (of any process, live or not yet swept) map (vn, pg)
 * shared?  (F's lock held.) */
static int
covered(struct fm_fam *F, uint64_t vn, uint64_t pg)
{
	struct fm_rec *r;

	for (r = F->rec; r < F->rec + NREC; r++)
		if (r->env && r->shared && r->vn == vn && pg >= r->pg &&
		    pg < r->pg + r->n)
			return 1;
	return 0;
}

/* Free the cached pages of vn in [pg, pg + n) no record maps. */
static void
cache_trim(struct fm_fam *F, uint64_t vn, uint64_t pg, uint64_t n)
{
	struct fm_page *c;
	uint64_t i;

	px_lock(&F->lock);
	for (i = 0; i < NCACHE && F->npage; i++) {
		c = &F->pc[i];
		if (c->vn != vn || c->pg < pg || c->pg - pg >= n ||
		    covered(F, vn, c->pg))
			continue;
		px_shm_free(c->page, PG);
		c->vn = 0;
		F->npage--;
	}
	px_unlock(&F->lock);
}

/* Write back the pages of vn in [pg, pg + n) a mapping may have stored
 * into; the caller's record covers them, so they stay cached.  0 or the
 * first error. */
static long
writeback(struct fm_fam *F, struct px_ofile *f, uint64_t vn, uint64_t pg,
    uint64_t n)
{
	struct fm_page *c;
	uint64_t i, at = 0;
	void *page;
	long r, err = 0;

	for (i = 0; i < NCACHE && F->npage; i++) {
		px_lock(&F->lock);
		c = &F->pc[i];
		page = NULL;
		if (c->vn == vn && c->pg >= pg && c->pg - pg < n && c->wr) {
			page = c->page;
			at = c->pg;
		}
		px_unlock(&F->lock);
		if (page && (r = fm_io(f, at, page, FM_WRITE)) < 0 && err == 0)
			err = r;
	}
	return err;
}

/* ---- mmap -------------------------------------------------------------- */

/*
 * mmap's checks for a descriptor (mem.c, after its own): 0 with q
 * filled for a file, 1 for /dev/zero (anonymous memory, as Linux), or
 * Linux's error: EBADF, EOVERFLOW (the range past the largest offset),
 * EACCES (MAP_SHARED with PROT_WRITE of a description not open for
 * writing; any mapping of one not open for reading), ENODEV (no pages
 * to map: a directory, a pipe, the tty, /dev/null).
 */
long
px_fmap_check(long fd, int64_t off, uint64_t len, long prot, long flags,
    struct px_fmreq *q)
{
	struct px_ofile *f;
	uint32_t acc;
	int shared = (flags & MAP_TYPE) != MAP_PRIVATE;

	if (fd < 0 || fd > INT32_MAX || !(f = px_fd_io((int)fd)))
		return -EBADF;
	if (off < 0 || (uint64_t)off > INT64_MAX - ((len + PG - 1) & ~(PG - 1)))
		return -EOVERFLOW;
	acc = f->flags & O_ACCMODE;
	if (shared && (prot & PROT_WRITE) && acc != O_RDWR)
		return -EACCES;
	if (acc == O_WRONLY)
		return -EACCES;
	if (f->type == PX_FT_ZERO)
		return 1;
	if (f->type != PX_FT_FILE)
		return -ENODEV;
	if (!fam(1))
		return -ENOMEM;
	q->f = f;
	q->pg = (uint64_t)off / PG;
	q->shared = shared;
	q->maywrite = shared && acc == O_RDWR;
	return 0;
}

/*
 * (s17) Fill the free slot s with c's mapping for env (lock held): the
 * record copied still free (env 0), then the description's reference
 * taken, then the record published.  The other order (published, then
 * the reference) left a record the sweep would drop a reference for
 * that was never taken (the attacker's review of session 17).  (s18)
 * The reference and the publication are one journaled change of
 * refs.c's, the record's owner its slot (px_ref_publish): a kill
 * between them is undone by the next holder of the references' lock,
 * where it used to leak the reference.  (A mapped description is a
 * C-FFS file's, never a pipe's end: refs.c's.)
 */
static void
rec_publish(struct fm_rec *s, struct fm_rec c, uint64_t env)
{
	c.env = 0;
	*s = c;
	px_ref_publish(c.f, &s->env, env);
}

/* The mapping is made (mem.c reserved [va, va + n pages)): record it;
 * 0 or -ENOMEM. */
long
px_fmap_add(const struct px_fmreq *q, uint64_t va, uint64_t n)
{
	struct fm_fam *F = fam(1);
	struct fm_rec *r, c;

	if (!F)
		return -ENOMEM;
	px_fmap_sweep();
	px_lock(&F->lock);
	for (r = F->rec; r < F->rec + NREC && r->env; r++)
		;
	if (r == F->rec + NREC) {
		px_unlock(&F->lock);
		return -ENOMEM;
	}
	memset(&c, 0, sizeof(c));
	c.f = q->f;
	c.vn = q->f->obj[0];
	c.va = va;
	c.n = n;
	c.pg = q->pg;
	c.shared = (uint32_t)q->shared;
	c.maywrite = (uint32_t)q->maywrite;
	rec_publish(r, c, self());      /* (s18: journaled, not leaked) */
	px_unlock(&F->lock);
	return 0;
}

/* Our record mapping va (its fields copied into *out), or 0. */
static int
mine_at(struct fm_fam *F, uint64_t va, struct fm_rec *out)
{
	struct fm_rec *r;
	int found = 0;

	px_lock(&F->lock);
	for (r = F->rec; r < F->rec + NREC; r++)
		if (r->env == self() && va >= r->va &&
		    va - r->va < r->n * PG) {
			*out = *r;
			found = 1;
			break;
		}
	px_unlock(&F->lock);
	return found;
}

/*
 * The first touch of file page at va (mem.c's fault handler, for an
 * SH_FMAP entry): the physical page to map there (private: a fresh page
 * of ours with the file's bytes; shared: the family's cached page),
 * -2 for SIGBUS (past the end of file, or no memory for the cache),
 * -1 if it is not ours after all.
 */
int64_t
px_fmap_fault(uint64_t va)
{
	struct fm_fam *F = fam(0);
	struct fm_rec m;
	struct fm_page *c;
	uint64_t pg, i;
	int64_t ppn;
	void *page;
	long r;

	va &= ~(uint64_t)(PG - 1);
	if (!F || !mine_at(F, va, &m))
		return -1;
	pg = m.pg + (va - m.va) / PG;
	if (!m.shared) {
		if ((ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
			return -2;
		if (sys_page_map(XOK_SELF, PX_FMAP_VA, (uint64_t)ppn,
		    XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0) {
			sys_page_free((uint64_t)ppn, 0);
			return -2;
		}
		r = fm_io(m.f, pg, (void *)PX_FMAP_VA, FM_READ);
		/* what a shared mapping stored and did not write back yet */
		if (r == 0 && F->npage) {
			px_lock(&F->lock);
			if ((c = cache_find(F, m.vn, pg)) != NULL && c->wr)
				memcpy((void *)PX_FMAP_VA, c->page, PG);
			px_unlock(&F->lock);
		}
		sys_page_unmap(XOK_SELF, PX_FMAP_VA, 0);
		if (r < 0) {
			sys_page_free((uint64_t)ppn, 0);
			return -2;
		}
		return ppn;
	}
	/* shared: past the end is SIGBUS even if a page is cached */
	if (fm_io(m.f, pg, NULL, FM_SIZE) < 0)
		return -2;
	for (i = 0; i < 2; i++) {
		px_lock(&F->lock);
		if ((c = cache_find(F, m.vn, pg)) != NULL) {
			if (m.maywrite)
				c->wr = 1;
			ppn = px_shm_ppn(c->page);
			px_unlock(&F->lock);
			return ppn < 0 ? -2 : ppn;
		}
		px_unlock(&F->lock);
		if (i)
			break;
		/* read it without the lock, then look again */
		if (!(page = px_shm_alloc(PG)))
			return -2;
		if (fm_io(m.f, pg, page, FM_READ) < 0) {
			px_shm_free(page, PG);
			return -2;
		}
		px_lock(&F->lock);
		if (cache_find(F, m.vn, pg) == NULL) {
			for (c = F->pc; c < F->pc + NCACHE && c->vn; c++)
				;
			if (c < F->pc + NCACHE) {
				c->vn = m.vn;
				c->pg = pg;
				c->page = page;
				c->wr = 0;
				F->npage++;
				page = NULL;
			}
		}
		px_unlock(&F->lock);
		if (page)
			px_shm_free(page, PG);
	}
	return -2;
}

/* ---- munmap, exit, exec, the sweep ------------------------------------ */


/*
 * Take the pages [lo, hi) out of record r (env's, which maps them):
 * write back what it may have stored, shrink or split the record, free
 * the cached pages no record maps any more, and drop the description
 * when nothing of the record is left.  If a split finds no free slot
 * the record stays whole (its pages stay cached a while longer).
 */
static void
rec_cut(struct fm_fam *F, struct fm_rec *r, uint64_t env, uint64_t lo,
    uint64_t hi)
{
	struct fm_rec m, c, *s;
	struct px_ofile *put = NULL;
	uint64_t pglo, n = (hi - lo) / PG, end;
	int left, right;

	px_lock(&F->lock);
	m = *r;
	px_unlock(&F->lock);
	if (m.env != env)
		return;
	end = m.va + m.n * PG;
	pglo = m.pg + (lo - m.va) / PG;
	if (m.maywrite)
		(void)writeback(F, m.f, m.vn, pglo, n);
	px_lock(&F->lock);
	if (r->env != env || r->va != m.va || r->n != m.n) {
		px_unlock(&F->lock);    /* a sweep of another got there */
		return;
	}
	left = lo > m.va;
	right = hi < end;
	if (left && right) {
		for (s = F->rec; s < F->rec + NREC && s->env; s++)
			;
		if (s == F->rec + NREC) {
			px_unlock(&F->lock);
			return;
		}
		c = m;
		c.va = hi;
		c.n = (end - hi) / PG;
		c.pg = m.pg + (hi - m.va) / PG;
		rec_publish(s, c, env);
		r->n = (lo - m.va) / PG;
	} else if (left) {
		r->n = (lo - m.va) / PG;
	} else if (right) {
		r->va = hi;
		r->pg = m.pg + (hi - m.va) / PG;
		r->n = (end - hi) / PG;
	} else {
		/* (s18's review) a mapper killed between its reference and
		 * the end of its journal (px_ref_publish) left an add that
		 * refs.c's repair undoes when the record does not name it:
		 * have it settled while the record still does, so the
		 * reference is kept once and dropped once (cleared first,
		 * the repair took it back and the put dropped it again) */
		if (px_refs_begin())
			px_refs_end();
		r->env = 0;
		put = m.f;
	}
	px_unlock(&F->lock);
	if (m.shared)
		cache_trim(F, m.vn, pglo, n);
	if (put)
		px_ofile_put(put);
}

/* (mem.c) The arena pages [va, va + n pages) were unmapped (munmap,
 * MAP_FIXED over them, brk, execve). */
void
px_fmap_unmapped(uint64_t va, uint64_t n)
{
	struct fm_fam *F = fam(0);
	struct fm_rec *r;
	uint64_t lo, hi, end = va + n * PG, me = self();

	if (!F)
		return;
	for (r = F->rec; r < F->rec + NREC; r++) {
		if (r->env != me || r->va >= end || r->va + r->n * PG <= va)
			continue;
		lo = r->va > va ? r->va : va;
		hi = r->va + r->n * PG < end ? r->va + r->n * PG : end;
		rec_cut(F, r, me, lo, hi);
	}
}

/*
 * (posixgaps) mremap (mem.c): our file pages [ova, ova + on pages) are
 * now at [nva, nva + nn pages) (nn >= on; the pages past on are new,
 * the file continues there).  All of [ova, ova + on pages) must lie in
 * one record (Linux: in one vma, else EFAULT).  check: only say whether
 * it can be done (0, -EFAULT, -ENOMEM: no free record slots).  The new
 * range gets a record of its own, then the old one is cut out of its
 * record (nothing is written back or freed: the new record covers the
 * same file pages).
 */
long
px_fmap_remap(uint64_t ova, uint64_t on, uint64_t nva, uint64_t nn,
    int check)
{
	struct fm_fam *F = fam(0);
	struct fm_rec c, *r, *s = NULL, *t;
	uint64_t me = self();
	int nfree = 0;

	if (!F)
		return -EFAULT;
	px_lock(&F->lock);
	for (r = F->rec; r < F->rec + NREC; r++)
		if (r->env == me && ova >= r->va && ova - r->va < r->n * PG)
			break;
	if (r == F->rec + NREC || ova + on * PG > r->va + r->n * PG) {
		px_unlock(&F->lock);
		return -EFAULT;
	}
	for (t = F->rec; t < F->rec + NREC; t++)
		if (!t->env) {
			if (!s)
				s = t;
			nfree++;
		}
	if (nfree < 2 || check) {       /* the new one, and a split */
		px_unlock(&F->lock);
		return nfree < 2 ? -ENOMEM : 0;
	}
	c = *r;
	c.va = nva;
	c.n = nn;
	c.pg = r->pg + (ova - r->va) / PG;
	rec_publish(s, c, me);
	px_unlock(&F->lock);
	rec_cut(F, r, me, ova, ova + on * PG);
	return 0;
}

/* exit (proc.c): our mappings end as if unmapped. */
void
px_fmap_exit(void)
{
	struct fm_fam *F = fam(0);
	struct fm_rec *r;
	uint64_t me = self();

	if (!F)
		return;
	for (r = F->rec; r < F->rec + NREC; r++)
		if (r->env == me)
			rec_cut(F, r, me, r->va, r->va + r->n * PG);
}

/* The records of the family's dead processes (killed, or that ended
 * without px_fmap_exit): their shared pages written back, their
 * descriptions dropped. */
void
px_fmap_sweep(void)
{
	struct fm_fam *F = fam(0);
	struct fm_rec *r;
	uint64_t env;

	if (!F)
		return;
	for (r = F->rec; r < F->rec + NREC; r++) {
		env = r->env;
		if (env && !xok_env_alive(env))
			rec_cut(F, r, env, r->va, r->va + r->n * PG);
	}
}

/* fork (fork.c, before the child's memory): the child maps what we
 * map, holding the descriptions too; 0 or -ENOMEM. */
long
px_fmap_fork(uint64_t child)
{
	struct fm_fam *F = fam(0);
	struct fm_rec *r, *s = NULL;
	uint64_t me = self();

	if (!F)
		return 0;
	px_lock(&F->lock);
	for (r = F->rec; r < F->rec + NREC; r++) {
		if (r->env != me)
			continue;
		for (s = F->rec; s < F->rec + NREC && s->env; s++)
			;
		if (s == F->rec + NREC)
			break;
		rec_publish(s, *r, child);
	}
	px_unlock(&F->lock);
	/* (the records given to a child that never runs are swept) */
	return s == F->rec + NREC ? -ENOMEM : 0;
}

/* mprotect (mem.c): may [va, va + n pages) become writable?  Not where
 * it maps shared a description open read-only (Linux: EACCES). */
int
px_fmap_maywrite(uint64_t va, uint64_t n)
{
	struct fm_fam *F = fam(0);
	struct fm_rec *r;
	uint64_t end = va + n * PG, me = self();
	int ok = 1;

	if (!F)
		return 1;
	px_lock(&F->lock);
	for (r = F->rec; r < F->rec + NREC; r++)
		if (r->env == me && r->shared && !r->maywrite &&
		    r->va < end && r->va + r->n * PG > va)
			ok = 0;
	px_unlock(&F->lock);
	return ok;
}

/* msync(addr, len, flags): write back the shared file pages of the
 * range (MS_ASYNC too, at once); MS_INVALIDATE has nothing to do (one
 * cache).  Linux's errors: EINVAL (addr not aligned, unknown flags,
 * MS_SYNC with MS_ASYNC), ENOMEM (a page of the range not mapped),
 * EIO if the write failed. */
long
px_msync(PX_ARGS)
{
	uint64_t addr = (uint64_t)a1, len = (uint64_t)a2, lo, hi, end;
	long flags = a3, r, err = 0;
	struct fm_fam *F;
	struct fm_rec m;
	unsigned i;

	PX_UNUSED;
	if ((addr & (PG - 1)) || (flags & ~(long)(MS_ASYNC | MS_INVALIDATE |
	    MS_SYNC)) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = (len + PG - 1) & ~(uint64_t)(PG - 1);
	end = addr + len;
	if (end < addr)
		return -ENOMEM;
	if (len == 0)
		return 0;
	if (!px_mem_mapped(addr, len / PG))
		return -ENOMEM;
	if (!(F = fam(0)))
		return 0;
	for (i = 0; i < NREC; i++) {
		px_lock(&F->lock);
		m = F->rec[i];
		px_unlock(&F->lock);
		if (m.env != self() || !m.maywrite || m.va >= end ||
		    m.va + m.n * PG <= addr)
			continue;
		lo = m.va > addr ? m.va : addr;
		hi = m.va + m.n * PG < end ? m.va + m.n * PG : end;
		r = writeback(F, m.f, m.vn, m.pg + (lo - m.va) / PG,
		    (hi - lo) / PG);
		if (r < 0 && err == 0)
			err = r == -EDEADLK ? r : -EIO;
	}
	return err;
}

/* ---- the file calls' side (vfs_cffs.c) --------------------------------- */

/* ftruncate of f to len succeeded: the cached bytes past the end become
 * zeros (as a regrown file reads), and our own pages wholly past it are
 * unmapped, so a later touch is SIGBUS. */
void
px_fmap_truncated(struct px_ofile *f, uint64_t len)
{
	struct fm_fam *F = fam(0);
	struct fm_page *c;
	struct fm_rec m;
	uint64_t first = (len + PG - 1) / PG, from, off, i;

	if (!F)
		return;
	px_lock(&F->lock);
	for (i = 0; i < NCACHE && F->npage; i++) {
		c = &F->pc[i];
		if (c->vn != f->obj[0])
			continue;
		off = c->pg * PG;
		if (off >= len)
			memset(c->page, 0, PG);
		else if (len - off < PG)
			memset((char *)c->page + (len - off), 0, PG - (len - off));
	}
	px_unlock(&F->lock);
	for (i = 0; i < NREC; i++) {
		px_lock(&F->lock);
		m = F->rec[i];
		px_unlock(&F->lock);
		if (m.env != self() || m.vn != f->obj[0] || m.pg + m.n <= first)
			continue;
		from = m.pg > first ? m.pg : first;
		px_mem_unfill(m.va + (from - m.pg) * PG, m.pg + m.n - from);
	}
}

/* Copy between a file range [off, off + n) and the cached pages of f's
 * vnode: to them (write() wrote buf), or from the ones mappings may
 * have stored into (read() read buf). */
static void
overlay(struct px_ofile *f, uint64_t off, void *buf, uint64_t n, int to)
{
	struct fm_fam *F = fam(0);
	struct fm_page *c;
	uint64_t i, lo, hi;

	if (!F || F->npage == 0 || n == 0)
		return;
	px_lock(&F->lock);
	for (i = 0; i < NCACHE && F->npage; i++) {
		c = &F->pc[i];
		if (c->vn != f->obj[0] || c->pg * PG >= off + n ||
		    c->pg * PG + PG <= off || (!to && !c->wr))
			continue;
		lo = c->pg * PG > off ? c->pg * PG : off;
		hi = c->pg * PG + PG < off + n ? c->pg * PG + PG : off + n;
		if (to)
			memcpy((char *)c->page + (lo - c->pg * PG),
			    (char *)buf + (lo - off), hi - lo);
		else
			memcpy((char *)buf + (lo - off),
			    (char *)c->page + (lo - c->pg * PG), hi - lo);
	}
	px_unlock(&F->lock);
}

void
px_fmap_wrote(struct px_ofile *f, uint64_t off, const void *buf, uint64_t n)
{
	overlay(f, off, (void *)(uintptr_t)buf, n, 1);
}

void
px_fmap_read(struct px_ofile *f, uint64_t off, void *buf, uint64_t n)
{
	overlay(f, off, buf, n, 0);
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(mmapfile, sizeof(struct fm_fam), sizeof(struct fm_rec),
    sizeof(struct fm_page), NREC, NCACHE);
