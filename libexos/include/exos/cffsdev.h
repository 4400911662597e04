/*
 * exos/cffsdev.h: C-FFS's block device in the guest (libexos/cffsdev.c):
 * the virtio disk read through DISK_RAW (root capability in slot 0).
 * Part of the C-FFS guest library (libexos/cffs-guest.mk), which needs
 * -Icffs/include.
 */
#ifndef EXOS_CFFSDEV_H
#define EXOS_CFFSDEV_H

#include <cffs/cffs.h>

/* Fill dev for the whole virtio disk; 0, or -CFFS_EIO without a disk.
 * exos_cffs_bdev: reads with DISK_RAW (root capability, cffsdev.c);
 * exos_cffs_bdev_xn: reads with XN_READ, no capability, and needs XN
 * mounted (cffsxndev.c); exos_cffs_xn_reads counts its blocks. */
int exos_cffs_bdev_xn(struct cffs_bdev *dev);
uint64_t exos_cffs_xn_reads(void);
/* Read blocks XN caches through read-only views of the registry's
 * pages in the window at win instead of copies (cffsxndev.c; the
 * shared block cache), putting blocks read from disk in the registry
 * with at most max pages of ours; copy is a fault-safe memcpy. */
int exos_cffs_bdev_xn_share(struct cffs_bdev *dev, uint64_t win,
    long (*copy)(void *, const void *, size_t), uint32_t max);
struct exos_xn_share_stats {
	uint64_t views;         /* XN_BC_MAP calls that mapped a view */
	uint64_t copies;        /* blocks read from a view */
	uint64_t inserted;      /* blocks we put in the registry */
	uint64_t reclaimed;     /* our pages given back by others' evictions */
	uint64_t evicted;       /* our entries we evicted (over max) */
	uint64_t xnreads;       /* blocks read with XN_READ instead */
	uint64_t swept;         /* idle orphan entries of exited readers evicted */
	uint64_t owned;         /* registry pages of ours now */
	uint64_t zeroed;        /* free or fresh blocks zeroed, not read */
};
void exos_cffs_xn_share_stats(struct exos_xn_share_stats *st);
int exos_cffs_bdev(struct cffs_bdev *dev);
/* Blocks read and written through DISK_RAW so far.  Over XN, C-FFS
 * writes nothing around XN: every write is an XN call. */
uint64_t exos_cffs_raw_reads(void);
uint64_t exos_cffs_raw_writes(void);

#endif
