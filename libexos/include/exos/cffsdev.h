/*
 * exos/cffsdev.h: C-FFS's block device in the guest (libexos/cffsdev.c):
 * the virtio disk read through DISK_RAW (root capability in slot 0).
 * Part of the C-FFS guest library (libexos/cffs-guest.mk), which needs
 * -Icffs/include.
 */
#ifndef EXOS_CFFSDEV_H
#define EXOS_CFFSDEV_H

#include <cffs/cffs.h>

/* Fill dev for the whole virtio disk; 0, or -CFFS_EIO without a disk. */
int exos_cffs_bdev(struct cffs_bdev *dev);
/* Blocks read and written through DISK_RAW so far.  Over XN, C-FFS
 * writes nothing around XN: every write is an XN call. */
uint64_t exos_cffs_raw_reads(void);
uint64_t exos_cffs_raw_writes(void);
/* Forget the device's regions and requests without giving anything
 * back: a forked child's copy of its parent's state. */
void exos_cffs_forget(void);

#endif
