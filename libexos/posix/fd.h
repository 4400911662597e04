/*
 * fd.h: file descriptors, open-file descriptions and the file types
 * behind them.
 *
 * A descriptor (a small integer, per process, private memory) points to
 * an open-file description (struct px_ofile, in the family's shared
 * region, shm.h), as in UNIX: fork and dup share descriptions (offset,
 * status flags), and a description lives until its last descriptor in
 * any process is closed.  Descriptors survive execve unless
 * close-on-exec (the table is re-read from where execve left it).
 *
 * A description names its type by number, never by a function pointer
 * (the processes sharing it may be different programs); each process
 * finds the type's operations in its own copy of the table in fd.c.
 * Adding a file type: a PX_FT_ number here, a struct px_fops in your
 * own file, one line in fd.c's table.
 *
 * Every operation returns a value >= 0 or -errno (Linux's).  Operations
 * a type does not have are NULL: fd.c returns the error Linux gives
 * (e.g. ESPIPE for lseek on a pipe, ENOTTY for ioctl, EINVAL...).
 * Reads and writes that must wait sleep with px_block (block.h) so that
 * a signal interrupts them (-EINTR, or restarted by SA_RESTART); with
 * O_NONBLOCK they return -EAGAIN instead.
 */
#ifndef EXOS_POSIX_FD_H
#define EXOS_POSIX_FD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "shm.h"

enum px_ftype {
	PX_FT_FREE = 0,
	PX_FT_CONS,             /* the console / tty (tty.c) */
	PX_FT_MODFILE,          /* exos-run's read-only in-memory file */
	PX_FT_FILE,             /* a C-FFS regular file */
	PX_FT_DIR,              /* a C-FFS directory */
	PX_FT_PIPE,             /* either end of a pipe (pipe.c) */
	PX_FT_NULL,             /* /dev/null */
	PX_FT_ZERO,             /* /dev/zero */
	PX_FT_RANDOM,           /* /dev/urandom, /dev/random */
	/* (ports12) appended */
	PX_FT_FULL,             /* /dev/full (dev.c) */
	PX_FT_INOTIFY,          /* an inotify instance (inotify.c) */
	PX_FT_PROCPID,          /* (portgaps) a /proc file (procpid.c) */
	PX_FT_FIFO,             /* (fifo) an end of a named pipe (fifo.c) */
	PX_FT_NTYPES
};

struct px_ofile {               /* in the shared region */
	uint32_t type;          /* enum px_ftype */
	uint32_t flags;         /* O_ACCMODE, O_APPEND, O_NONBLOCK, ... */
	union {
		struct {
			/* descriptors naming it, in all processes */
			uint32_t refs;
			/* (fifo3) a journaled close's mark: 1 once its
			 * drop of refs is done (ends.c for a pipe's or
			 * FIFO's end, which makes it 2 once the end is
			 * released; refs.c for the others, which put it
			 * back to 0 unless it was the last) */
			uint32_t closed;
		};
		/* both in one word: a close drops refs and raises closed
		 * in one atomic add, so a kill is before or after both */
		uint64_t refword;
	};
	struct px_lock lock;    /* offset and the type's state */
	uint64_t off;           /* the file offset */
	uint64_t obj[6];        /* the type's own (inode, ring pointer...) */
};

struct pollfd;
struct px_fops {
	/* off < 0: at the description's offset (and advance it) */
	long (*read)(struct px_ofile *f, void *buf, size_t n, int64_t off);
	long (*write)(struct px_ofile *f, const void *buf, size_t n,
	    int64_t off);
	long (*lseek)(struct px_ofile *f, int64_t off, int whence);
	long (*fstat)(struct px_ofile *f, struct stat *st);
	long (*ioctl)(struct px_ofile *f, unsigned long req, void *arg);
	/* Ready events (POLLIN/POLLOUT/POLLHUP/POLLERR) now; never sleeps.
	 * *word and *seen: a shared word that changes when readiness
	 * might (poll sleeps until one of its words differs from seen). */
	short (*poll)(struct px_ofile *f, short events,
	    const volatile uint64_t **word, uint64_t *seen);
	/* The last reference is gone (refs reached 0). */
	void (*release)(struct px_ofile *f);
	long (*ftruncate)(struct px_ofile *f, int64_t len);
	long (*fsync)(struct px_ofile *f);
	long (*getdents)(struct px_ofile *f, void *buf, size_t n);
};

extern const struct px_fops *const px_fops[PX_FT_NTYPES];

/* The description of descriptor fd (a reference is not taken), or
 * NULL if fd is not open. */
struct px_ofile *px_fd_get(int fd);
/* A new description of type with flags and refs 1, or NULL (ENFILE). */
struct px_ofile *px_ofile_new(uint32_t type, uint32_t flags);
/* The lowest free descriptor >= min pointing at f (f's reference passes
 * to it), or -EMFILE. */
long px_fd_install(struct px_ofile *f, int min, int cloexec);
/* (fifo4) A new reference to f at the lowest free descriptor >= min
 * (dup, F_DUPFD, an open of /proc/self/fd/N), or -EMFILE. */
long px_fd_dup(struct px_ofile *f, int min, int cloexec);
/* Drop one reference; the last one calls the type's release. */
void px_ofile_put(struct px_ofile *f);
/* (fifo3) The close's drop (refs - 1, closed + 1 in one add). */
#define PX_REF_CLOSE    ((1ULL << 32) - 1)
_Static_assert(offsetof(struct px_ofile, refs) ==
    offsetof(struct px_ofile, refword), "refs is refword's low half");

/* ---- fd.c's own (appended by the fds helper) ------------------------ */

#define PX_NFD          256     /* descriptors per process (EMFILE) */
#define PX_PATH_MAX     4096

/* A process's file state, in the shared region (fd.c): it outlives the
 * image across execve and is found by the sweep if the process dies. */
struct px_fdtab {
	uint64_t owner;                 /* environment id */
	struct px_fdtab *next;          /* the registry's list */
	struct px_fdreg *reg;
	uint32_t umask;
	uint32_t pad;
	uint64_t fd[PX_NFD];            /* struct px_ofile *, bit 0 cloexec */
	char cwd[PX_PATH_MAX];          /* absolute, normalized */
	/* (shell) resource limits set by setrlimit (sysinfo.c): bit r of
	 * rlim_set says rlim[r] = { soft, hard } holds limit r */
	uint32_t rlim_set;
	uint32_t rlim_pad;
	uint64_t rlim[16][2];
};

/* (s18's review) releases owed at once, at most: each last close
 * holds an entry while its release runs (disk writes), so four
 * closers at once left a fifth killed closer's release unrecorded */
#define PX_NOWED        16

/* (s17) refs.c's journal of a reference change under way. */
struct px_refj {
	struct px_ofile *cl_f;          /* a close (NULL: none) */
	struct px_fdtab *cl_tab;
	uint64_t cl_fd, cl_s;           /* its slot and the slot's value */
	struct px_ofile *ad_f;          /* a new reference (NULL: none) */
	/* (s18) the word that records it (a table's slot, a mapping's
	 * record's owner), the value it gets, refs before */
	uint64_t *ad_word;
	uint64_t ad_s, ad_refs;
	/* releases owed: (s18) the last close's own, until its type's
	 * release has run (owed_env: its runner), and those a taker
	 * finished for a dead closer (owed_env 0); a runner that dies
	 * leaves it to the next unlock that may (refs.c) */
	struct px_ofile *owed[PX_NOWED];
	uint64_t owed_env[PX_NOWED];
};

struct px_fdreg {                       /* one per family, shared */
	struct px_lock lock;
	struct px_fdtab *head;          /* every process's table */
	struct px_lock vlock;           /* vfs_cffs.c's open-file list */
	void *vnodes;
	void *flocks;                   /* flock.c's advisory locks */
	uint64_t hidden_seq;            /* vfs_cffs.c's hidden names (vlock):
	                                   one counter for the family, so an
	                                   image after execve picks no name
	                                   its predecessor still holds */
	void *vpend;                    /* vfs_cffs.c's name change in
	                                   progress (vlock) */
	/* (s17) refs.c: the lock every reference change of a description
	 * that is not an end is made under, and its journal */
	struct px_lock rlock;
	struct px_refj rj;
	/* (s18) vfs_cffs.c's change of a vnode's references for a
	 * description, under vlock: taken for a new one, dropped by a
	 * release.  vo_f is set last and cleared when the description's
	 * obj[0] says what was done; a dead holder's is finished or undone
	 * by the next vlock (vn_ref_repair) */
	struct px_ofile *vo_f;
	void *vo_v;                     /* the vnode */
	uint64_t vo_refs;               /* its refs before */
	uint32_t vo_type;               /* PX_FT_FILE or PX_FT_DIR */
	uint32_t vo_kind;               /* VO_OPEN, VO_FRESH, VO_DROP */
};

/* This process's table (the first process makes it), or NULL. */
struct px_fdtab *px_fd_tab(void);
/* (s17) The family's registry, or NULL if this process has no table
 * (yet: none is made, unlike px_fd_tab; or no longer, past exit's). */
struct px_fdreg *px_fd_reg(void);
/* One more reference to f. */
void px_ofile_get(struct px_ofile *f);
/* fork.c: the child's table (before its memory is copied); in the
 * child: take it. */
long px_fd_fork(uint64_t child);
void px_fd_child(void);
/* exec.c: close the close-on-exec descriptors (past the point of no
 * return); the table to hand to the new image, which attaches it. */
uint64_t px_fd_exec(void);
void px_fd_attach(uint64_t tab);
/* proc.c's exit: close everything. */
void px_fd_exit(void);
/* Close the descriptors of the family's dead processes. */
void px_fd_sweep(void);
/* Who has descriptors of f: up to max living table owners into envs
 * (their count), or -1 if a dead process's table has one (a sweep
 * drops it).  Our own table counts too. */
int px_fd_holders(struct px_ofile *f, uint64_t *envs, int max);
/* lseek for the types with a size: whence over size, under f's lock. */
long px_seek_in(struct px_ofile *f, int64_t off, int whence, uint64_t size);
/* flock.c: advisory record locks (fcntl F_*LK); close drops ours. */
long px_flock_fcntl(struct px_ofile *f, int cmd, void *uarg);
void px_flock_close(struct px_ofile *f);
/* f's last reference is going: its open-file-description locks go. */
void px_flock_release(struct px_ofile *f);
/* Process env is gone or going: its record locks go (waiters wake). */
void px_flock_exit(uint64_t env);
/* (vfs_cffs.c, vlock held) Every range on key from moves to key to. */
void px_flock_rekey(uint64_t from, uint64_t to);

/* (s17) refs.c: the references of descriptions that are not ends.
 * px_ref_close: t's descriptor fd, whose slot holds s, closed (the
 * last reference released).  px_ref_add: a new reference to f at t's
 * empty slot fd (the lock held: between px_refs_begin, which returns 0
 * if there is no registry, and px_refs_end).  px_ref_get, px_ref_put:
 * a reference that is no slot's (a mapping's...).  px_refs_settle: no
 * journal names a dead process's table after it (the sweep). */
void px_ref_close(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f);
int px_refs_begin(void);
void px_refs_end(void);
void px_ref_add(struct px_fdtab *t, int fd, uint64_t s, struct px_ofile *f);
/* (s18) A new reference to f that *word = val records (a mapping's,
 * mmapfile.c), journaled as px_ref_add's: a kill before the store
 * takes the reference back. */
void px_ref_publish(struct px_ofile *f, uint64_t *word, uint64_t val);
void px_ref_get(struct px_ofile *f);
void px_ref_put(struct px_ofile *f);
void px_refs_settle(void);
/* Fault injection for tests: px_ref_die_at = a point below makes the
 * process destroy itself there (exit code 9); 0: never. */
extern int px_ref_die_at;
#define PX_REF_DIE_JOURNAL      1       /* a close journaled */
#define PX_REF_DIE_DROPPED      2       /* its drop made */
#define PX_REF_DIE_CLEARED      3       /* its slot cleared */
#define PX_REF_DIE_ADDED        4       /* a dup's add made, no slot */
/* (s18) open(2), fscalls.c: */
#define PX_REF_DIE_OPENSLOT     5       /* its placeholder in its slot */
#define PX_REF_DIE_OPENED       6       /* its description filled */
/* (s18) a mapping's record, mmapfile.c: */
#define PX_REF_DIE_MAPREF       7       /* the reference taken, the
                                           record not published */
/* (s18) the last close's release, refs.c: */
#define PX_REF_DIE_RELEASING    8       /* owed, the type's not run */
/* (s18's review) a mapping's record published, its journal not yet
 * cleared (mmapfile.c): */
#define PX_REF_DIE_MAPPED       9
/* Destroy this process if px_ref_die_at is point (the tests' kills). */
void px_ref_point(int point);

/* (posixgaps) px_fd_get, but NULL for an O_PATH descriptor too: the
 * calls on a file's contents (read, write, lseek, mmap, poll...). */
struct px_ofile *px_fd_io(int fd);

/* The types' operations (one file each). */
extern const struct px_fops px_fops_modfile;    /* files.c */
extern const struct px_fops px_fops_cffs;       /* vfs_cffs.c */
extern const struct px_fops px_fops_cffsdir;
extern const struct px_fops px_fops_null;       /* dev.c */
extern const struct px_fops px_fops_zero;
extern const struct px_fops px_fops_random;
extern const struct px_fops px_fops_full;       /* (ports12) dev.c */
extern const struct px_fops px_fops_inotify;    /* (ports12) inotify.c */
extern const struct px_fops px_fops_procpid;    /* (portgaps) procpid.c */

#endif
