/*
 * fsroot.c: the root file system of a POSIX process (fsroot.h): C-FFS
 * from cffs/, compiled into the POSIX layer (posix.mk, "C-FFS in every
 * process") over XN's kernel calls (libexos/xnclient.c) and the virtio
 * disk (libexos/cffsdev.c).
 *
 * C-FFS's memory comes from a heap of its own at PX_FSHEAP_VA (a second
 * copy of libexos's malloc.c), not from the program's arena: XN's
 * buffer cache takes whole physical pages of it (xnclient.c), which
 * must not be the arena's copy-on-write pages.  fork does not copy that
 * heap, so a forked child that finds its parent's mount in its copy of
 * our variables forgets it (and the heap's and device's tables, which
 * name its parent's pages) and mounts again.
 */
#include <exos/exos.h>
#include <exos/heap.h>
#include <exos/cffsdev.h>
#include "posix.h"
#include "fsroot.h"

static struct cffs_bdev dev;
static struct cffs_fs *root;
static uint64_t root_env;       /* the environment root belongs to */
static long root_err;           /* why there is none (0: not tried) */

/* Our copy of a parent's state: nothing in it is ours. */
static void
forget_parent(void)
{
	if (root_env == XOK_INFO->cur_env)
		return;
	root = NULL;
	root_err = 0;
	exos_heap_forget();
	exos_cffs_forget();
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

struct cffs_fs *
px_fs_root(void)
{
	long r;

	forget_parent();
	if (root != NULL)
		return root;
	if (root_err != 0)
		return NULL;
	if (exos_cffs_bdev(&dev) < 0) {
		root_err = -ENODEV;
		return NULL;
	}
	r = cffs_mount(&dev, 0, &root);
	if (r < 0) {
		root = NULL;
		/* not a C-FFS image (or no XN area): no file system */
		root_err = r == -CFFS_EINVAL || r == -CFFS_EUCLEAN ? -ENODEV :
		    px_fs_errno(r);
		return NULL;
	}
	return root;
}

long
px_fs_error(void)
{
	forget_parent();
	return root_err;
}

struct cffs_fs *
px_fs_begin(long *err)
{
	struct cffs_fs *fs = px_fs_root();

	if (fs == NULL)
		*err = root_err;
	return fs;
}

long
px_fs_end(struct cffs_fs *fs, long r, int how)
{
	long c = 0;

	if (how == PX_FS_CHANGED)
		c = cffs_sync(fs);
	return r < 0 || c >= 0 ? px_fs_errno(r) : px_fs_errno(c);
}
