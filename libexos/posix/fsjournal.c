/*
 * fsjournal.c: C-FFS's commit journal for the processes of a family
 * (cffs.h, "The commit journal"; docs/ARCHITECTURE.md, "A process killed
 * inside a file call").
 *
 * A C-FFS commit is several XN calls.  A process killed between two of
 * them (SIGKILL, a fault, an exit from another thread of control) left
 * half a call on XN's blocks: a link's new name before its inode was
 * written, a rename's file in both directories.  So before a commit's
 * first change C-FFS hands us the after-images of the blocks it
 * changes; we keep them in the family's shared region (object
 * PX_ROOT_FSJ) until the commit is over.  A process that takes the file
 * system's lock and finds a journal whose writer is dead finishes that
 * commit (cffs_journal_replay) before its own call: what XN took of it
 * stands, and the rest is made from the after-images.
 *
 * The entries are written first and the state last (a kill while we
 * write leaves no valid journal: then no XN call of that commit was
 * made).  Everything here runs under the family's file-system lock
 * (fsroot.c), so one journal is enough.
 */
#include <exos/exos.h>
#include <string.h>
#include <cffs/cffs.h>
#include <xn/xn.h>
#include "posix.h"
#include "shm.h"
#include "fsjournal.h"

#define FSJ_VALID PX_FSJ_VALID
_Static_assert(sizeof(struct px_fsj) == 4096 + PX_FSJ_MAX * CFFS_BSIZE,
    "one page of header, then the images");
#ifdef CACHE_BLOCKS
_Static_assert(PX_FSJ_MAX >= CACHE_BLOCKS, "a commit's blocks fit");
#endif

static struct px_fsj *fsj;      /* the family's, found on first use */
static int replaying;           /* inside px_fsj_replay */

static int
j_begin(void *arg, const struct cffs_jent *v, uint32_t n)
{
	uint32_t i;

	(void)arg;
	if (replaying) {
		/* the commit that finishes a dead one: its images are the
		 * journal's already; if we die too, the next process
		 * replays them */
		fsj->env = XOK_INFO->cur_env;
		return 0;
	}
	/* all or nothing: C-FFS then fails the commit, before any change
	 * (a commit's blocks are in its cache, which the journal holds) */
	if (n > PX_FSJ_MAX) {
		fsj->toolarge++;
		return -1;
	}
	__atomic_store_n(&fsj->state, 0, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++) {
		fsj->blk[i] = v[i].blk;
		fsj->type[i] = v[i].type;
		memcpy(fsj->img[i], v[i].img, CFFS_BSIZE);
	}
	fsj->n = n;
	fsj->env = XOK_INFO->cur_env;
	fsj->written++;
	__atomic_store_n(&fsj->state, FSJ_VALID, __ATOMIC_RELEASE);
	return 0;
}

static void
j_end(void *arg)
{
	(void)arg;
	if (!replaying)
		__atomic_store_n(&fsj->state, 0, __ATOMIC_RELEASE);
}

static const struct cffs_journal journal = { j_begin, j_end, NULL };

void
px_fsj_attach(struct cffs_fs *fs)
{
	if (fsj == NULL)
		fsj = px_shm_root(PX_ROOT_FSJ, sizeof(*fsj));
	if (fsj != NULL)
		(void)cffs_set_journal(fs, &journal);
}

long
px_fsj_replay(struct cffs_fs *fs)
{
	struct cffs_jent v[PX_FSJ_MAX];
	uint64_t writer;
	uint32_t i, n;
	long r;

	if (fsj == NULL ||
	    __atomic_load_n(&fsj->state, __ATOMIC_ACQUIRE) != FSJ_VALID ||
	    fsj->env == XOK_INFO->cur_env || xok_env_alive(fsj->env))
		return 0;
	n = fsj->n;
	if (n > PX_FSJ_MAX) {
		r = -CFFS_EINVAL;
		goto bad;
	}
	for (i = 0; i < n; i++) {
		v[i].blk = fsj->blk[i];
		v[i].type = fsj->type[i];
		v[i].img = fsj->img[i];
	}
	writer = fsj->env;
	replaying = 1;
	r = cffs_journal_replay(fs, v, n);
	replaying = 0;
	if (r == -CFFS_ENOMEM || r == -CFFS_EBUSY || r == -CFFS_EIO ||
	    r == -CFFS_ENOSPC) {
		/* not the journal's fault (memory, XN's registry full, the
		 * disk): the next call tries again (what the replay made of
		 * it is committed; a replay again is the rest) */
		fsj->env = writer;
		fsj->failed++;
		(void)cffs_discard(fs);
		return r;
	}
	if (r < 0) {
bad:
		/* never again: a replay that fails would fail every call;
		 * what XN refused is forgotten (the shared region is the
		 * family's memory: a buggy process may have written it), and
		 * what is left, fsck.cffs finds */
		fsj->failed++;
		__atomic_store_n(&fsj->state, 0, __ATOMIC_RELEASE);
		(void)cffs_discard(fs);
		return r;
	}
	fsj->replayed++;
	__atomic_store_n(&fsj->state, 0, __ATOMIC_RELEASE);
	return 1;
}

int
px_fsj_stats(struct px_fsj_stats *st)
{
	if (fsj == NULL)
		fsj = px_shm_root_find(PX_ROOT_FSJ);
	if (fsj == NULL)
		return -1;
	st->written = fsj->written;
	st->toolarge = fsj->toolarge;
	st->replayed = fsj->replayed;
	st->failed = fsj->failed;
	return 0;
}

/* The journal's layout, checked when a program of another build joins
 * the family (shm.h). */
PX_SHM_LAYOUT(fsjournal, sizeof(struct px_fsj), offsetof(struct px_fsj, n),
    offsetof(struct px_fsj, written), PX_FSJ_MAX);
