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
int exos_cffs_bdev(struct cffs_bdev *dev);
/* Blocks read and written through DISK_RAW so far.  Over XN, C-FFS
 * writes nothing around XN: every write is an XN call. */
uint64_t exos_cffs_raw_reads(void);
uint64_t exos_cffs_raw_writes(void);

#endif
