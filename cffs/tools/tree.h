/*
 * tree.h - copying a host directory tree into a C-FFS file system
 * (mkfs.cffs -d, the tests), keeping modes, owners, times and hard links.
 */
#ifndef CFFS_TREE_H
#define CFFS_TREE_H

#include "cffs/cffs.h"

/* Copy the contents of host directory src into fs directory dst.
 * 0 or a negative code; on error *where names the failing host path
 * (static storage). */
int tree_import(struct cffs_fs *fs, const char *src, const char *dst,
                const char **where);

/* Copy one host file into fs path (created or truncated). */
int file_import(struct cffs_fs *fs, const char *src, const char *dst);
/* Copy one fs file out to a host path. */
int file_export(struct cffs_fs *fs, const char *src, const char *dst);

#endif
