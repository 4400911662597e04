/*
 * fsroot.h: the root file system of an ExOS process: C-FFS, as a
 * library in this process, over XN on the virtio disk
 * (docs/ARCHITECTURE.md, "Files").  The POSIX file calls (fd.c and the
 * files they use) reach C-FFS only through this header.
 *
 * Every C-FFS call is bracketed:
 *
 *	long err;
 *	struct cffs_fs *fs = px_fs_begin(&err);
 *	if (fs == NULL)
 *		return err;                     (-ENODEV: no C-FFS disk)
 *	r = cffs_mkdir(fs, path, mode, 0, 0);   (or any cffs_* call)
 *	return px_fs_end(fs, r, PX_FS_CHANGED);
 *
 * px_fs_begin takes the family's file-system lock and makes this
 * process's cache agree with what every other process has committed;
 * px_fs_end commits what the call changed (PX_FS_CHANGED) through XN
 * before it lets go, so the next process to begin sees it and a process
 * that dies later loses nothing that returned success.  Between the two
 * the file system is this process's alone: keep the bracket short (one
 * cffs_* call, or a few that must be atomic together), never sleep or
 * wait for another process inside it.  C-FFS's negative CFFS_E* codes
 * are Linux's errno values; px_fs_end returns r unchanged, or the
 * commit's error as -errno when r was a success and the commit failed.
 * XN's refusal of a change is -EPERM or -EACCES.
 *
 * Open files: keep the inode number (cffs_lookup, or st.ino of
 * cffs_stat) and use the calls by number (cffs_iread, cffs_iwrite,
 * cffs_istat, cffs_itruncate, cffs_ireaddir; cffs.h).  The number is
 * where the inode lives: after a rename or link of the file itself,
 * look the new name up (in the same bracket) and give every open
 * description that held the old number the new one; renaming a
 * directory above it changes nothing.  An open file that is unlinked
 * keeps its data only if it is not removed: rename it aside (say
 * "/.exos-orphan-<n>") and remove it at the last close.  A number that
 * holds no inode any more gives -ESTALE.
 */
#ifndef EXOS_POSIX_FSROOT_H
#define EXOS_POSIX_FSROOT_H

#include <cffs/cffs.h>

/* The root file system, mounted once per process on first use; NULL if
 * there is none (px_fs_error() says why: -ENODEV without a disk or a
 * C-FFS image on it, or the mount's error). */
struct cffs_fs *px_fs_root(void);
long px_fs_error(void);
/* A mount that fails for want of memory or a disk error is tried again
 * by the next call; no disk, or not C-FFS, is final.  Tests: the next
 * px_fs_mount_fail mounts fail with -ENOMEM (after the share of XN's
 * registry, which the retry does again). */
extern int px_fs_mount_fail;

#define PX_FS_READ      0       /* the call only looked */
#define PX_FS_CHANGED   1       /* the call may have changed something */

/* The bracket around C-FFS calls (above).  px_fs_begin: the mounted
 * root, locked and coherent, or NULL with *err = -errno. */
struct cffs_fs *px_fs_begin(long *err);
long px_fs_end(struct cffs_fs *fs, long r, int how);
/* Let go of the lock without committing (an error path that must leave
 * the bracket early; px_fs_end does this itself). */
void px_fs_unlock(void);

/* Inside the bracket: make durable what the family committed (every
 * process's write-back, in XN's order) and then the file at path (NULL:
 * everything, as sync): fsync, fdatasync, sync, syncfs. */
long px_fs_sync(struct cffs_fs *fs, const char *path);
/* At exit (proc.c): our write-back goes to the disk. */
void px_fs_exit(void);

/* (fmmap) Is this process inside the bracket (a fault there must not
 * begin another)? */
int px_fs_held(void);

/* A C-FFS error code (negative) as -errno. */
long px_fs_errno(long r);

#endif
