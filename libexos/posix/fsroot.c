/*
 * fsroot.c: the root file system of a POSIX process (fsroot.h): C-FFS
 * from cffs/, compiled into the POSIX layer (posix.mk, "C-FFS in every
 * process") over XN's kernel calls (libexos/xnclient.c), reading the
 * disk through XN (XN_READ, libexos/cffsxndev.c): a process needs no
 * root capability, only R and W on its slot 0 for XN's calls.
 *
 * C-FFS's memory comes from a heap of its own at PX_FSHEAP_VA (a second
 * copy of libexos's malloc.c), not from the program's arena: XN's
 * buffer cache takes whole physical pages of it (xnclient.c), which
 * must not be the arena's copy-on-write pages.  fork does not copy that
 * heap, so a forked child that finds its parent's mount in its copy of
 * our variables forgets it (and the heap's tables, which
 * name its parent's pages) and mounts again.
 */
#include <exos/exos.h>
#include <exos/heap.h>
#include <exos/cffsdev.h>
#include <stdlib.h>
#include <string.h>
#include <xn/xn.h>
#include "posix.h"
#include "shm.h"
#include "fsroot.h"
#include "fsjournal.h"
#include "vfs.h"
#include "layout.h"
#include "uaccess.h"

#ifndef PX_FS_SHARED_BLOCKS
#define PX_FS_SHARED_BLOCKS 1024u       /* registry pages a process owns */
#endif

/*
 * What the processes of a family share about their file system, in the
 * family's shared region (shm.h, object PX_ROOT_FS): the lock that
 * serializes C-FFS calls and the count of committed changes.  A process
 * that sees the count differ from the one it last saw forgets its
 * cache.  Without the shared region (it could not be made) each process
 * forgets its cache at every px_fs_begin and nothing is serialized.
 */
struct fs_shared {
	struct px_lock lock;
	volatile uint64_t gen;
	/* write-back (px_fs_end): whose mount left committed blocks in
	 * XN's registry, dirty (0: nobody), its environment, and the
	 * numbers mounts take to name themselves */
	volatile uint64_t holder, holder_env, next_tok;
	/* the holder whose write-back XN could not write (the disk
	 * reported an error; its entries stay dirty and the holder mark
	 * stays, so the next flush retries them): its next fsync or sync
	 * retries and reports EIO if that fails too (0: none) */
	volatile uint64_t wb_failed;
	/* the boot's hidden names of a dead family swept (vfs_cffs.c) */
	volatile uint64_t swept;
};

static struct fs_shared *sh;    /* the family's, found on first use */
static uint64_t blkops_begin;   /* cffs_blkops when the call began */
static uint64_t seen_gen;       /* sh->gen after our last call */
static int locked;

static struct cffs_bdev dev;
static struct cffs_fs *root;
static uint64_t root_env;       /* the environment root belongs to */
static uint64_t my_tok;         /* this mount's name as a holder */

static long flush_family(int sync_map);
static int other_holder(void);
static void before_commit(void *arg);
static long root_err;           /* why there is none, for good: no disk,
				   or not C-FFS (0: not known) */
static long mount_err;          /* why the last mount failed: a failure
				   that may pass (memory, the disk) is
				   tried again at the next call */
int px_fs_mount_fail;           /* (session 16) fsroot.h */

/* Our copy of a parent's state: nothing in it is ours. */
static void
forget_parent(void)
{
	if (root_env == XOK_INFO->cur_env)
		return;
	root = NULL;
	root_err = 0;
	mount_err = 0;
	locked = 0;
	my_tok = 0;
	exos_heap_forget();
	root_env = XOK_INFO->cur_env;
}

long
px_fs_errno(long r)
{
	if (r >= 0)
		return r;
	if (r < -4095)
		return -EIO;
	return r;               /* CFFS_E* are Linux's values */
}

/* Mount the root (the caller holds the lock if there is one). */
static struct cffs_fs *
mount_root(void)
{
	long r;

	forget_parent();
	if (root != NULL)
		return root;
	if (root_err != 0)
		return NULL;
	if (exos_cffs_bdev_xn(&dev) < 0) {
		root_err = mount_err = -ENODEV;
		return NULL;
	}

	/* clean blocks from views of XN's registry pages, one page per
	 * block for the family (docs/ARCHITECTURE.md, "The shared block
	 * cache"); without it (no export, no memory) reads copy */
	(void)exos_cffs_bdev_xn_share(&dev, PX_XNVIEW_VA, px_copyin,
	    PX_FS_SHARED_BLOCKS);
	if (px_fs_mount_fail > 0) {     /* as if cffs_mount ran out */
		px_fs_mount_fail--;
		mount_err = -ENOMEM;
		return NULL;
	}
	/* the mount writes the superblock: no other mount's write-back
	 * may hold it (or what it owns) dirty */
	if (other_holder())
		flush_family(0);
	r = cffs_mount(&dev, 0, &root);
	if (r == 0 && (r = cffs_release(root)) < 0)
		(void)cffs_unmount(root);
	if (r < 0) {
		root = NULL;
		/* not a C-FFS image (or no XN area): no file system, for
		 * good; anything else (no memory, a disk error) is tried
		 * again by the next call */
		mount_err = r == -CFFS_EINVAL || r == -CFFS_EUCLEAN ?
		    -ENODEV : px_fs_errno(r);
		if (mount_err == -ENODEV)
			root_err = mount_err;
		return NULL;
	}
	mount_err = 0;
	if (sh != NULL) {
		seen_gen = sh->gen;
		my_tok = ++sh->next_tok;
		px_fsj_attach(root);
		cffs_set_commit_hook(root, before_commit, NULL);
	}
	return root;
}

/*
 * A block the dead holder allocated (XN_ALLOC) but never put in the
 * registry is fresh: XN holds its parent's write-back until it is
 * written.  Put it in with a page of ours (XN fills it with zeros: what
 * the holder had not written), write it back and evict it.
 */
static void
recover_fresh(void)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bstate *bs = (const struct xn_bstate *)XOK_XN_VA;
	struct xok_xn_bcins ins;
	uint8_t *page = NULL;
	int64_t ppn = -1;
	uint32_t b;

	for (b = 0; b < xe->nblocks; b++) {
		if (!(bs[b].flags & XN_BS_FRESH) || bs[b].bcslot != 0)
			continue;
		if (page == NULL && ((page = malloc(XOK_PGSIZE)) == NULL ||
		    (ppn = exos_heap_ppn(page)) < 0))
			break;
		memset(&ins, 0, sizeof(ins));
		ins.block = b, ins.ppn = (uint64_t)ppn, ins.va = (uint64_t)page;
		if (sys_xn_bc_insert_many(0, &ins, 1, 0) != 1)
			continue;
		exos_heap_writable(page, 0);    /* read-only now */
		sys_xn_writeback(b);
		sys_xn_bc_evict(0, b);
		sys_page_map(XOK_SELF, (uint64_t)page, (uint64_t)ppn,
		    XOK_PTE_W | XOK_PTE_NX, 0, 0);
	}
	free(page);
}

/*
 * Entries of XN's registry the family must see to: every entry of our
 * principal (the family's) or of the transient principal of a dead
 * environment; only the dirty ones unless all.  Into stale[], the count.
 */
#define PR_TRANSIENT 0x80000000u
static uint32_t stale[16384];

static uint32_t
family_entries(int all)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const struct xn_bc_entry *bc;
	struct xok_xn_stat st;
	uint32_t i, n = 0, max = sizeof(stale) / sizeof(stale[0]);

	if (!xe->mounted || sys_xn_stat(&st) < 0)
		return 0;
	bc = (const struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off);
	for (i = 0; i < xe->bc_slots && n < max; i++) {
		uint32_t o = bc[i].owner;

		if (bc[i].state == XN_BC_EMPTY ||
		    (!all && bc[i].state != XN_BC_DIRTY))
			continue;
		if (o == st.principal || ((o & PR_TRANSIENT) &&
		    !xok_env_alive(o & ~PR_TRANSIENT)))
			stale[n++] = bc[i].block;
	}
	return n;
}

/*
 * Write back stale[0..n) in XN's waves: children before parents (XN
 * holds a parent back until its fresh children are written, a moved
 * block's new parent until the old one is), in pieces of at most
 * XOK_XN_WB_MAX, so repeat while a round writes something.  0, or
 * -EIO if the disk failed a write (XN keeps that wave dirty).
 */
static long
writeback_list(uint32_t n)
{
	uint32_t i, k, done, wrote, round;
	long err = 0;

	for (round = 0; round < 16; round++) {
		wrote = 0;
		err = 0;
		for (i = 0; i < n; i += k) {
			k = n - i < XOK_XN_WB_MAX ? n - i : XOK_XN_WB_MAX;
			done = 0;
			if (sys_xn_writeback_many(stale + i, k, &done) ==
			    -(XE_XN - XN_EIO))
				err = -EIO;
			wrote += done;
		}
		if (wrote == 0)
			break;
	}
	return err;
}

/*
 * Write-back (docs/ARCHITECTURE.md, "Coherence"): a call's commit
 * leaves its blocks in XN's registry, dirty, under the family's
 * principal, with this mount's pages.  Before another mount changes
 * anything (its commit takes the entries it needs over, which XN allows
 * only for clean ones), and at sync, fsync and exit, every dirty entry
 * of the family is written back, in XN's order; sync_map: XN's free map
 * too.  The entries stay (clean): readers keep using them.
 */
static long
flush_family(int sync_map)
{
	uint32_t n;
	long err = 0;

	recover_fresh();
	if ((n = family_entries(0)) > 0)
		err = writeback_list(n);
	if (sync_map && sys_xn_sync() == -(XE_XN - XN_EIO))
		err = -EIO;
	if (sh == NULL)
		return err;
	if (err < 0) {
		/* the entries stay dirty and the mark stays: the next
		 * change, sync or exit of anyone retries them; the
		 * holder's own next fsync/sync hears of it */
		if (sh->holder != 0)
			sh->wb_failed = sh->holder;
		return err;
	}
	sh->holder = 0;
	sh->holder_env = 0;
	sh->wb_failed = 0;
	return 0;
}

/* Is the registry holding another mount's write-back? */
static int
other_holder(void)
{
	return sh != NULL && sh->holder != 0 && sh->holder != my_tok;
}

/*
 * C-FFS is about to commit (cffs_set_commit_hook): px_fs_end's commit,
 * or one inside the call -- rename and link commit before and after
 * their moves, a full cache commits to make room.  Another mount's
 * write-back goes first.  The commit takes over the entries it changes
 * one at a time (takeover in cffs/xnfs.c), and XN refuses to write a
 * block alone while it holds back a fresh block (a directory's block
 * and a new file's data in it): when only px_fs_end flushed, a rename
 * or link right after another living process's change failed with
 * EUCLEAN, after XN had taken part of it (libfs.sh "rename and link
 * after another's change"; docs/ARCHITECTURE.md, "Write-back").
 */
static void
before_commit(void *arg)
{
	(void)arg;
	if (other_holder())
		flush_family(0);
}

/*
 * The lock's holder died.  What XN accepted of its call stands, but the
 * blocks it had registered may still be in XN's registry, dirty, and
 * nobody would write them back: write back and evict every entry of our
 * principal (the family's), or of the transient principal of a dead
 * environment.  We hold the lock.
 */
static void
recover(void)
{
	uint32_t i, n;

	recover_fresh();
	n = family_entries(1);
	writeback_list(n);
	for (i = 0; i < n; i++)
		sys_xn_bc_evict(0, stale[i]);
	/* it may have died between a commit that took blocks and the free
	 * map's write: write XN's map now */
	sys_xn_sync();
	if (sh != NULL) {
		sh->holder = 0;
		sh->holder_env = 0;
	}
}

static void
lock(void)
{
	if (sh == NULL)
		sh = px_shm_root(PX_ROOT_FS, sizeof(*sh));
	if (sh != NULL && !locked) {
		/* a holder that died may have committed part of a call:
		 * what XN accepted stands, so write it back, and look anew */
		if (px_lock(&sh->lock) == 1) {
			recover();
			sh->gen++;
		}
		locked = 1;
	}
}

struct cffs_fs *
px_fs_root(void)
{
	struct cffs_fs *fs;
	int was = locked;

	forget_parent();
	if (root != NULL || root_err != 0)
		return root;
	lock();
	fs = mount_root();
	if (!was)
		px_fs_unlock();
	return fs;
}

long
px_fs_error(void)
{
	forget_parent();
	return root != NULL ? 0 : root_err != 0 ? root_err : mount_err;
}

struct cffs_fs *
px_fs_begin(long *err)
{
	struct cffs_fs *fs;
	int done = 0;
	long r;

	forget_parent();
	lock();
	if ((fs = mount_root()) == NULL) {
		px_fs_unlock();
		*err = root_err != 0 ? root_err : mount_err;
		return NULL;
	}
	if (sh == NULL || sh->gen != seen_gen) {
		r = cffs_invalidate(fs);
		if (r < 0) {
			px_fs_unlock();
			*err = px_fs_errno(r);
			return NULL;
		}
		if (sh != NULL)
			seen_gen = sh->gen;
	}
	/* a process killed inside a commit: finish it first (fsjournal.c);
	 * its blocks are then ours to write back, and changed for all */
	/* then a rename(2) a process died in (vfs_cffs.c): its C-FFS part
	 * before anyone can make a name at its source */
	if (sh != NULL) {
		done = px_fsj_replay(fs) != 0;
		done |= px_vn_fsrecover(fs) != 0;
		/* the family's first call, if the boot's first process
		 * makes it (no file of this boot is open yet): a dead
		 * family's hidden names (marked first: never swept twice,
		 * even if we die here) */
		if (!sh->swept) {
			sh->swept = 1;
			if (xok_env_info(XOK_INFO->cur_env)->parent == 0 &&
			    px_vn_fssweep(fs) > 0) {
				/* its own commit: a failure is not the
				 * caller's (the names stay for the next boot) */
				if (cffs_commit_lazy(fs) < 0)
					(void)cffs_discard(fs);
				else
					done = 1;
			}
		}
	}
	if (done) {
		if (other_holder())
			flush_family(0);
		sh->holder = my_tok;
		sh->holder_env = XOK_INFO->cur_env;
		seen_gen = ++sh->gen;
	}
	blkops_begin = cffs_blkops(fs);
	return fs;
}

void
px_fs_unlock(void)
{
	if (locked) {
		locked = 0;
		px_unlock(&sh->lock);
	}
}

/*
 * The end of a changing call: its changes become proofs XN checks
 * (cffs_commit_lazy), and the blocks stay in XN's registry, dirty, with our
 * pages: XN's reads (XN_READ, cache views) give every other process of
 * the family what we committed, and XN writes it back later, in order
 * (flush_family, px_fs_sync, px_fs_exit).  Without the shared region
 * (each process on its own) every call is written back at once, as
 * before: commit, write back, XN's map, and evict.
 */
long
px_fs_end(struct cffs_fs *fs, long r, int how)
{
	long c = 0;

	if (how == PX_FS_CHANGED || cffs_dirty(fs)) {
		/* (another mount's write-back goes first: before_commit) */
		c = sh != NULL ? cffs_commit_lazy(fs) : cffs_commit(fs);
		if (sh == NULL) {
			/* blocks were taken or given back: XN's free map
			 * too, so fsck finds the disk clean after a
			 * power-off */
			if (c >= 0 && cffs_blkops(fs) != blkops_begin)
				c = cffs_sync(fs);
			if (c >= 0)
				c = cffs_release(fs);
		}
		if (c < 0)      /* XN refused: forget what it did not take */
			(void)cffs_discard(fs);
		if (sh != NULL) {
			if (c >= 0) {
				sh->holder = my_tok;
				sh->holder_env = XOK_INFO->cur_env;
			}
			seen_gen = ++sh->gen;
		}
	}
	px_fs_unlock();
	return r < 0 || c >= 0 ? px_fs_errno(r) : px_fs_errno(c);
}

/*
 * fsync, fdatasync, sync, syncfs.  Another mount's write-back goes
 * first (our file may need what it committed: its directory entry); if
 * the disk fails it, or failed our own write-back while another
 * process flushed it (wb_failed), the entries stay dirty for a retry
 * and the caller gets EIO, after its own blocks were tried.
 */
long
px_fs_sync(struct cffs_fs *fs, const char *path)
{
	long err = 0, r;

	if (other_holder() || (sh != NULL && sh->wb_failed != 0 &&
	    sh->wb_failed == my_tok))
		err = flush_family(0);
	r = path != NULL ? cffs_fsync(fs, path) : cffs_sync(fs);
	if (r < 0)
		return r;
	return err;
}

/*
 * At exit: what our calls committed goes to the disk (with the
 * superblock's count and XN's free map), and so does the write-back of
 * an image this environment ran before an exec, or of a process that
 * died (killed) without doing this.  A live other holder's stays: it
 * writes it at its exit, or the next change or sync of anyone does.
 */
void
px_fs_exit(void)
{
	int was;

	forget_parent();
	if (sh == NULL && root == NULL)
		sh = px_shm_root(PX_ROOT_FS, sizeof(*sh));
	if (sh == NULL || sh->holder == 0)
		return;
	if (sh->holder != my_tok && sh->holder_env != XOK_INFO->cur_env &&
	    xok_env_alive(sh->holder_env))
		return;
	was = locked;
	lock();
	if (sh->holder == my_tok && root != NULL && cffs_sync(root) == 0) {
		sh->holder = 0;
		sh->holder_env = 0;
	} else if (sh->holder != 0) {
		flush_family(1);
	}
	if (!was)
		px_fs_unlock();
}

/* (fmmap) mmapfile.c's fault handler reads files: not from inside a
 * bracket of ours. */
int
px_fs_held(void)
{
	forget_parent();
	return locked;
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(fsroot, sizeof(struct fs_shared), offsetof(struct fs_shared, gen),
    offsetof(struct fs_shared, holder), offsetof(struct fs_shared, wb_failed));
