/*
 * vfs.h: the name space of the POSIX layer's files (path.c) and the
 * C-FFS file types (vfs_cffs.c), used by the path calls (fscalls.c).
 *
 * A path names one of three places, looked at in this order:
 *   - /dev and the devices in it (dev.c);
 *   - exos-run's in-memory files, read-only at their own paths, and the
 *     directories they lie in (files.c);
 *   - the C-FFS root (fsroot.h), if the process has a disk.
 * Resolution (px_namei) walks the path from "/", the working directory
 * or a directory descriptor, component by component, as Linux does:
 * "." and "..", symbolic links (ELOOP after PX_MAXLINKS), ENOTDIR for a
 * non-directory in the middle, ENAMETOOLONG for a component over 255
 * bytes or a path over 4095, EACCES for a directory without x.
 *
 * We are one user, uid PX_UID, not root: the owner's permission bits
 * are enforced as Linux enforces them for a non-root owner.
 */
#ifndef EXOS_POSIX_VFS_H
#define EXOS_POSIX_VFS_H

#include <sys/stat.h>
#include "fd.h"

#define PX_UID          1000
#define PX_GID          1000
#define PX_MAXLINKS     40

enum { PX_BE_NONE, PX_BE_DEV, PX_BE_MOD, PX_BE_CFFS, PX_BE_PROC };

struct px_nd {                  /* the result of a resolution */
	char path[PX_PATH_MAX]; /* absolute, normalized */
	struct stat st;         /* if it exists */
	int exists;
	int be;                 /* PX_BE_*, if it exists */
	int slash;              /* the path ended in '/' */
	mode_t pmode;           /* the parent directory's mode */
	int pbe;                /* and its place */
	/* (posixgaps) a /proc/self/fd link resolved to a description that
	 * has no name (a pipe): path is the link's, st the fstat */
	struct px_ofile *of;
};

#define PX_ND_NOFOLLOW  1       /* do not follow a final symbolic link */
#define PX_ND_EMPTY     2       /* AT_EMPTY_PATH: "" is dirfd itself */

/* Resolve the program's path upath from dirfd (AT_FDCWD: the working
 * directory).  0 with nd filled (nd->exists 0: only the last component
 * is missing, its parent is a directory), or -errno. */
long px_namei(long dirfd, const char *upath, int flags, struct px_nd *nd);
/* The stat of an absolute normalized path and its place; 0 or -errno. */
long px_lstat_at(const char *path, struct stat *st, int *be);
/* The owner's permission check: 0 or -EACCES.  want: R_OK|W_OK|X_OK. */
long px_perm(mode_t mode, int want);
/* The path of a directory's description (fchdir, *at calls). */
const char *px_dir_path(struct px_ofile *f);
/* Where the last component of path begins. */
const char *px_basename(const char *path);

/* dev.c: the device at path (st filled): its type, 0 for /dev, or
 * -ENOENT. */
long px_dev_lookup(const char *path, struct stat *st);
/* files.c */
long px_mod_stat(const char *path, struct stat *st);
long px_mod_open(long i, struct px_ofile *f);

/* vfs_cffs.c: open the resolved name into f (PX_FT_FILE or PX_FT_DIR;
 * f a PX_FT_FREE placeholder in its slot, typed last: s18); the names'
 * bookkeeping for unlink and rename of open files. */
long px_vn_open(struct px_ofile *f, const char *path, uint32_t type);
long px_vn_unlink(const char *path);            /* cffs_unlink, or hide */
long px_vn_rename(const char *from, const char *to);
/* link(2) of a C-FFS name (cffs_link, and the record-lock key of an
 * open file that the first link moves out of its directory entry). */
long px_vn_link(const char *from, const char *to);
/* flock.c: the record-lock key of f's file (a C-FFS file or directory,
 * the same through every name of it), 0 with vlock held until
 * px_vn_keyunlock; or -errno, vlock not held. */
long px_vn_keylock(struct px_ofile *f, uint64_t *key);
void px_vn_keyunlock(void);
/* (fsroot.c's px_fs_begin) finish C-FFS's part of a rename(2) a process
 * died in; 1 if it changed something. */
struct cffs_fs;
int px_vn_fsrecover(struct cffs_fs *fs);
/* (fsroot.c, once per boot, first call) Remove the hidden names of files
 * unlinked while open that a dead family left; the number removed. */
int px_vn_fssweep(struct cffs_fs *fs);
/* Fault injection for tests: px_vn_die_at = a point below makes the
 * process destroy itself there (exit code 9) in a hidden file's last
 * close or in a link; 0 (the default): never. */
extern int px_vn_die_at;
#define PX_VN_DIE_RECORDED      1       /* its release recorded */
#define PX_VN_DIE_UNHOOKED      2       /* the vnode off the list */
#define PX_VN_DIE_REMOVED       3       /* the hidden name removed */
/* (session 17) in link(2) of an open file's first link: */
#define PX_VN_DIE_LINKED        4       /* C-FFS's link made */
#define PX_VN_DIE_REKEYED       5       /* the record locks re-keyed */
/* (s18) in open(2)'s px_vn_open: */
#define PX_VN_DIE_OPENREF       6       /* the vnode's reference taken,
                                           the description not naming it */
/* (s18) in a description's release (vn_release): */
#define PX_VN_DIE_DROPPED       7       /* the vnode's reference dropped,
                                           the description still naming it */
/* (s18, for tests) The references of path's vnode: 0 if no vnode is
 * open there, -1 if this process has no files. */
long px_vn_refs(const char *path);
/* A C-FFS stat as a struct stat. */
struct cffs_stat;
void px_cffs_stat(const struct cffs_stat *cs, struct stat *st);

/* ---- (posixgaps) /proc (procfs.c) and the names of descriptions ---- */

/* Is the absolute normalized path /proc or under it? */
int px_under_proc(const char *path);
/* The stat of a /proc path: 0, or -ENOENT. */
long px_procfs_lookup(const char *path, struct stat *st);
/* The target of a /proc link into buf (PX_PATH_MAX): its length, or
 * -EINVAL (not a link), -ENOENT. */
long px_procfs_readlink(const char *path, char *buf);
/* The description a /proc/PID/fd/N path names, or NULL. */
struct px_ofile *px_procfs_fd(const char *path);
/* The entries of a /proc directory, by emit(arg, name, ino, mode);
 * 1 when emit said the buffer is full. */
int px_procfs_readdir(const char *path,
    int (*emit)(void *, const char *, uint64_t, uint32_t), void *arg);
/* f's name into buf: 1 a path, 0 a description without one ("pipe:[N]"
 * is written, as Linux's readlink shows it). */
long px_ofile_name(struct px_ofile *f, char *buf, size_t n);
const char *px_mod_name(struct px_ofile *f);             /* files.c */
const char *px_dev_name(uint32_t type);                 /* dev.c */

/* (portgaps) procpid.c: /proc/PID of every process, /proc/mounts */
long px_procpid_lookup(const char *path, struct stat *st);
long px_procpid_readlink(const char *path, char *buf);
int px_procpid_rootdir(int (*emit)(void *, const char *, uint64_t,
    uint32_t), void *arg);
int px_procpid_readdir(const char *path, int own,
    int (*emit)(void *, const char *, uint64_t, uint32_t), void *arg);
long px_procpid_open(struct px_ofile *f, const char *path);

/* (fifo) fifo.c: open the FIFO at path (C-FFS's; looked up again under
 * the FIFO list's lock) with flags: the new descriptor, or -errno
 * (ENXIO, EINTR, ENFILE, EMFILE, ENOENT; ESTALE: the name holds no FIFO
 * now, look it up again). */
long px_fifo_open(const char *path, uint32_t flags, int cloexec);
/* (fifo) fifoname.c: a name change that may move or remove a FIFO's
 * inode (unlink of from; rename or link of from to to) is made between
 * begin and end (r: its result), which hold the FIFO list's lock and
 * give the open FIFOs it touched their new numbers ((fifo4) under a
 * journal in the list: a kill in between leaves it to the lock's next
 * holder). */
enum { PX_FIFO_UNLINK, PX_FIFO_RENAME, PX_FIFO_LINK };
struct px_fifo_names {
	void *l;                /* the list, locked; NULL: none */
};
void px_fifo_names_begin(struct px_fifo_names *n, int op, const char *from,
    const char *to);
void px_fifo_names_end(struct px_fifo_names *n, long r);
/* (fifo) fifoname.c: fchmod (arg: uint32_t mode), fchown (uint32_t
 * uid, gid: -1 keeps) or futimens (const struct cffs_time *[2]) on an
 * open FIFO end f: 0 or -errno.  f's name for /proc/self/fd/N into buf
 * (1: a path; 0: a removed one, " (deleted)"). */
enum { PX_FIFO_CHMOD, PX_FIFO_CHOWN, PX_FIFO_UTIMES };
long px_fifo_setattr(struct px_ofile *f, int what, const void *arg);
long px_fifo_name(struct px_ofile *f, char *buf, size_t n);

#endif
