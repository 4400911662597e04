/*
 * cffs.h - public interface of C-FFS, the co-locating fast file system
 * (Ganger & Kaashoek 1997: embedded inodes and explicit grouping), built
 * as a library file system.  The same library runs in host tools over a
 * file and inside an ExOS application over XN.
 *
 * All functions return 0 (or a byte count) on success and a negative
 * CFFS_E* code on failure.  The codes have the same values as Linux errno
 * so that a libOS or a FUSE glue can hand them straight back.
 *
 * Names: path arguments are absolute ("/a/b"); the library never follows
 * symbolic links (the caller does, as the kernel does for FUSE).
 */
#ifndef CFFS_CFFS_H
#define CFFS_CFFS_H

#include <stddef.h>
#include <stdint.h>

#define CFFS_BSIZE      4096u   /* block size, fixed */
#define CFFS_NAME_MAX   255     /* longest name component */
#define CFFS_PATH_MAX   4096    /* longest path handed to the library */
#define CFFS_GROUP      16u     /* blocks in an explicit group (64 KiB) */

/* Error codes (negated on return). */
#define CFFS_EPERM        1     /* also: XN refused a change (proof) */
#define CFFS_ENOENT       2
#define CFFS_EIO          5
#define CFFS_ENOMEM      12
#define CFFS_EACCES      13     /* XN: the principal may not change it */
#define CFFS_EBUSY       16
#define CFFS_EEXIST      17
#define CFFS_EXDEV       18
#define CFFS_ENOTDIR     20
#define CFFS_EISDIR      21
#define CFFS_EINVAL      22
#define CFFS_EFBIG       27
#define CFFS_ENOSPC      28
#define CFFS_EROFS       30
#define CFFS_EMLINK      31
#define CFFS_ENAMETOOLONG 36
#define CFFS_ENOTEMPTY   39
#define CFFS_ELOOP       40
#define CFFS_ESTALE     116     /* inode number holds no inode now */
#define CFFS_EUCLEAN    117     /* on-disk structure is corrupt */

/* File types in the mode word (same values as POSIX S_IF*). */
#define CFFS_S_IFMT   0170000
#define CFFS_S_IFREG  0100000
#define CFFS_S_IFDIR  0040000
#define CFFS_S_IFLNK  0120000
#define CFFS_S_IFIFO  0010000   /* a named pipe: no data, size 0 */

typedef uint64_t cffs_ino_t;    /* block * 8 + slot; see docs/CFFS.md */

struct cffs_time {
	int64_t  sec;
	uint32_t nsec;
};

/*
 * Block device: every block transfer of the library goes through these.
 * Blocks are CFFS_BSIZE bytes; count is at most CFFS_GROUP * 4.
 * now() is optional (timestamps are 0 without it).  prefetch() is
 * optional: start reading count blocks at blk and return at once; a
 * later read() of blocks inside that range may take them from there.
 * prefetch(ctx, 0, 0) forgets them: the library calls it before any
 * block may change on disk (a write or an XN write-back).
 */
struct cffs_bdev_ops {
	int  (*read)(void *ctx, uint64_t blk, uint32_t count, void *buf);
	int  (*write)(void *ctx, uint64_t blk, uint32_t count, const void *buf);
	int  (*flush)(void *ctx);
	void (*now)(void *ctx, struct cffs_time *t);
	int  (*prefetch)(void *ctx, uint64_t blk, uint32_t count);
};

struct cffs_bdev {
	const struct cffs_bdev_ops *ops;
	void     *ctx;
	uint64_t  nblocks;      /* device size in blocks */
};

struct cffs_stat {
	cffs_ino_t ino;
	uint32_t   mode;
	uint32_t   nlink;
	uint32_t   uid, gid;
	uint64_t   size;
	uint64_t   blocks;      /* allocated blocks, CFFS_BSIZE each */
	struct cffs_time atime, mtime, ctime;
	int        embedded;    /* 1: inode lives in its directory entry */
};

struct cffs_statfs {
	uint64_t blocks, bfree;
	uint32_t bsize, namemax;
};

struct cffs_fs;

/* Mount flags. */
#define CFFS_RDONLY 1

/*
 * cffs_mkfs makes the default layout (docs/CFFS.md): XN's area first, the
 * C-FFS superblock at XN root "cffs", XN's free map, and every
 * allocation, free and metadata change checked by XN.  (A library built
 * without XN makes the legacy version-1 layout instead.)  cffs_mount()
 * also mounts legacy version-1 images.  Over XN the mount acts for
 * principal CFFS_PRINCIPAL_DEFAULT; cffs_mount_opts() names one.
 */
int  cffs_mkfs(struct cffs_bdev *dev, uint64_t nblocks);
int  cffs_mount(struct cffs_bdev *dev, int flags, struct cffs_fs **out);

#define CFFS_PRINCIPAL_DEFAULT 0xcf5u
struct cffs_mount_opts {
	int      flags;         /* CFFS_RDONLY */
	uint32_t principal;     /* XN principal the mount acts for */
};
int  cffs_mount_opts(struct cffs_bdev *dev, const struct cffs_mount_opts *o,
                     struct cffs_fs **out);
/* 1 when fs runs over XN, 0 for the legacy version-1 layout. */
int  cffs_on_xn(const struct cffs_fs *fs);
int  cffs_unmount(struct cffs_fs *fs);   /* syncs, frees fs even on error */
int  cffs_sync(struct cffs_fs *fs);
int  cffs_statfs(struct cffs_fs *fs, struct cffs_statfs *st);

/*
 * Several mounts of one disk (ExOS processes, each with C-FFS as a
 * library; docs/CFFS.md "Several processes").  Both need everything
 * committed (cffs_sync) and give -CFFS_EBUSY otherwise.
 * cffs_release: give XN's registry back every block this mount holds
 *   there, keeping the cached contents: another mount may then commit
 *   changes to them.
 * cffs_invalidate: forget every cached block and re-read the
 *   superblock's counts, because another mount may have changed them.
 */
int  cffs_release(struct cffs_fs *fs);
/* 1 if the mount holds changes not committed yet. */
int  cffs_dirty(struct cffs_fs *fs);
/* Commit every change and write it back, as cffs_sync does, without
 * rewriting the superblock's hint counts or XN's free map (XN keeps the
 * map in memory and rebuilds it at mount): what a mount that shares the
 * disk does after each call. */
int  cffs_commit(struct cffs_fs *fs);
/* Commit every change (each a proof XN checks) and leave the blocks in
 * XN's registry, dirty, with this mount's pages: nothing is written.
 * XN's reads give every other mount what was committed; XN writes it
 * back later, in its order (cffs_sync, or anyone's XN_WRITEBACK_MANY of
 * the entries; libexos/posix/fsroot.c's write-back).  Off XN: as
 * cffs_commit. */
int  cffs_commit_lazy(struct cffs_fs *fs);
/* Forget every change not committed (say XN refused the commit: a bug
 * of this mount's) and everything cached; the mount then reads what XN
 * has, as after cffs_invalidate. */
int  cffs_discard(struct cffs_fs *fs);
/* How many block allocations and frees the mount has made: a caller
 * that commits with cffs_commit adds cffs_sync (XN's free map) when a
 * call changed it. */
uint64_t cffs_blkops(const struct cffs_fs *fs);
int  cffs_invalidate(struct cffs_fs *fs);
/* fn(arg) runs before every commit of the mount: the caller's own
 * (cffs_commit_lazy, cffs_commit, cffs_sync) and the ones C-FFS makes
 * inside a call (rename and link commit before and after their moves, a
 * full cache commits to make room, an allocation that found no free
 * block commits for the blocks freed meanwhile).  Mounts that share a
 * disk use it to write back what another mount left dirty in XN's
 * registry before this one takes those entries (libexos/posix/fsroot.c):
 * XN refuses to write such a block alone when it holds back a fresh
 * block.  NULL: none (the default). */
void cffs_set_commit_hook(struct cffs_fs *fs, void (*fn)(void *arg),
                          void *arg);

/*
 * The commit journal (docs/CFFS.md, "A process killed inside a call").
 * Over XN a commit is several XN calls, each atomic; a library process
 * killed between two of them leaves half a change on XN's blocks (a
 * name whose inode was never written, a file in two directories).  A
 * mount that shares its disk with other processes gives C-FFS a
 * journal: before the first XN call of a commit C-FFS hands begin() the
 * after-image of every block the commit changes, and calls end() when
 * the commit is over, whatever its outcome.  begin() keeps them all
 * where they outlive the process (libexos: the family's shared region)
 * and returns 0, or returns <0 if it cannot: then the commit fails with
 * -CFFS_ENOSPC before any change (never half journaled).  If the
 * process dies between begin() and end(), the next one to take the
 * disk's lock gives the entries to cffs_journal_replay, which finishes
 * the commit: it makes each block's bytes the after-image, with XN's
 * checks, as the dead commit would have (the steps it had made are no
 * longer differences; a block freed in XN that no after-image points
 * to is left alone).  Replaying twice, or a commit that had finished,
 * changes nothing.  A journal is checked whole before any change: one
 * XN would refuse part of is refused (-CFFS_EPERM) with nothing done.
 * Over XN only.
 */
struct cffs_jent {
	uint32_t       blk;
	uint16_t       type;            /* the block's XN type */
	const uint8_t *img;             /* CFFS_BSIZE bytes */
};
struct cffs_journal {
	int  (*begin)(void *arg, const struct cffs_jent *v, uint32_t n);
	void (*end)(void *arg);
	void  *arg;
};
/* j (NULL: none) stays the caller's; 0, or -CFFS_EINVAL off XN. */
int  cffs_set_journal(struct cffs_fs *fs, const struct cffs_journal *j);
/* Finish a dead mount's commit (above): 0, or a commit's error; an entry
 * out of the data area or twice is -CFFS_EINVAL, a journal XN would
 * refuse part of -CFFS_EPERM, both with nothing done. */
int  cffs_journal_replay(struct cffs_fs *fs, const struct cffs_jent *v,
                         uint32_t n);

/* Name space. */
int  cffs_lookup(struct cffs_fs *fs, const char *path, cffs_ino_t *ino);
int  cffs_stat(struct cffs_fs *fs, const char *path, struct cffs_stat *st);
int  cffs_create(struct cffs_fs *fs, const char *path, uint32_t mode,
                 uint32_t uid, uint32_t gid);
int  cffs_mkdir(struct cffs_fs *fs, const char *path, uint32_t mode,
                uint32_t uid, uint32_t gid);
int  cffs_symlink(struct cffs_fs *fs, const char *target, const char *path,
                  uint32_t uid, uint32_t gid);
/* A FIFO inode (CFFS_S_IFIFO | mode & 07777): a name, no data. */
int  cffs_mkfifo(struct cffs_fs *fs, const char *path, uint32_t mode,
                 uint32_t uid, uint32_t gid);
int  cffs_readlink(struct cffs_fs *fs, const char *path, char *buf,
                   size_t size);
int  cffs_link(struct cffs_fs *fs, const char *oldpath, const char *newpath);
int  cffs_unlink(struct cffs_fs *fs, const char *path);
int  cffs_rmdir(struct cffs_fs *fs, const char *path);
int  cffs_rename(struct cffs_fs *fs, const char *from, const char *to);

/* Attributes. */
int  cffs_chmod(struct cffs_fs *fs, const char *path, uint32_t mode);
int  cffs_chown(struct cffs_fs *fs, const char *path, uint32_t uid,
                uint32_t gid);
/* A NULL time leaves that stamp alone. */
int  cffs_utimens(struct cffs_fs *fs, const char *path,
                  const struct cffs_time *atime,
                  const struct cffs_time *mtime);

/* Data.  read/write return the byte count. */
long cffs_read(struct cffs_fs *fs, const char *path, uint64_t off,
               void *buf, size_t len);
long cffs_write(struct cffs_fs *fs, const char *path, uint64_t off,
                const void *buf, size_t len);
int  cffs_truncate(struct cffs_fs *fs, const char *path, uint64_t size);
int  cffs_fsync(struct cffs_fs *fs, const char *path);

/*
 * Directory listing.  The callback gets each entry (no "." or "..");
 * returning non-zero stops the walk and that value is returned.
 */
typedef int (*cffs_dirent_fn)(void *arg, const char *name,
                              const struct cffs_stat *st);
int  cffs_readdir(struct cffs_fs *fs, const char *path, cffs_dirent_fn fn,
                  void *arg);

/*
 * Open files: the same calls by inode number, for a libOS that keeps
 * files open (cffs_lookup or cffs_stat give the number).  The number is
 * where the inode lives (docs/CFFS.md, "Inode numbers"): it stays while
 * the file keeps its place, and changes when its entry moves (a rename
 * of the file itself, or its first hard link, which moves the inode out
 * to the inode file; cffs_lookup of the new name gives the new number).
 * Renaming the directory it is in does not change it.  When the file is
 * removed, the number may later name another file: a libOS that keeps
 * an unlinked file open renames it aside instead of removing it, and
 * removes it at the last close.  A number that holds no inode:
 * -CFFS_ESTALE.
 */
int  cffs_istat(struct cffs_fs *fs, cffs_ino_t ino, struct cffs_stat *st);
long cffs_iread(struct cffs_fs *fs, cffs_ino_t ino, uint64_t off,
                void *buf, size_t len);
long cffs_iwrite(struct cffs_fs *fs, cffs_ino_t ino, uint64_t off,
                 const void *buf, size_t len);
int  cffs_itruncate(struct cffs_fs *fs, cffs_ino_t ino, uint64_t size);
int  cffs_ireaddir(struct cffs_fs *fs, cffs_ino_t ino, cffs_dirent_fn fn,
                   void *arg);
/* The attribute calls by number (as cffs_chmod, cffs_chown,
 * cffs_utimens): an open FIFO's fchmod, fchown and futimens.  Only a
 * FIFO's: any other inode at ino is -CFFS_ESTALE, unchanged. */
int  cffs_ichmod(struct cffs_fs *fs, cffs_ino_t ino, uint32_t mode);
int  cffs_ichown(struct cffs_fs *fs, cffs_ino_t ino, uint32_t uid,
                 uint32_t gid);
int  cffs_iutimens(struct cffs_fs *fs, cffs_ino_t ino,
                   const struct cffs_time *atime,
                   const struct cffs_time *mtime);

/*
 * Checker.  report() gets one line per finding (may be NULL).
 * Returns 0 clean, 1 errors corrected, 4 errors left (as fsck(8)),
 * or a negative code when the image cannot be examined at all.
 */
#define CFFS_FSCK_NOREPAIR 1
typedef void (*cffs_report_fn)(void *arg, const char *msg);
int  cffs_fsck(struct cffs_bdev *dev, int flags, cffs_report_fn report,
               void *arg);

const char *cffs_strerror(int err);

#endif
