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
	PX_FT_NTYPES
};

struct px_ofile {               /* in the shared region */
	uint32_t type;          /* enum px_ftype */
	uint32_t refs;          /* descriptors naming it, in all processes */
	uint32_t flags;         /* O_ACCMODE, O_APPEND, O_NONBLOCK, ... */
	uint32_t pad;
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
/* Drop one reference; the last one calls the type's release. */
void px_ofile_put(struct px_ofile *f);

#endif
