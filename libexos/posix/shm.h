/*
 * shm.h: the family's shared region and the locks that live in it.
 *
 * Every ExOS process maps the same physical pages at PX_SHM_VA
 * (layout.h): the first process (init) creates the region, fork maps
 * every page of it into the child writable at the same address (shared,
 * never copy-on-write), and execve keeps it.  The processes of one
 * family are one principal (docs/ARCHITECTURE.md, "fork in the libOS"),
 * so the region is as trusted as the processes are: a buggy process can
 * damage the family's shared state (its process table, open files,
 * pipes, tty), never the kernel, another principal's pages or XN's
 * rules.  Everything that must be seen by more than one process (the
 * process table, open-file descriptions, pipe rings, the tty) lives
 * here; pointers into it are valid in every process, function pointers
 * are not (each process may run a different program).
 *
 * Implemented in shm.c.
 */
#ifndef EXOS_POSIX_SHM_H
#define EXOS_POSIX_SHM_H

#include <stddef.h>
#include <stdint.h>

/* Create the region in the first process (idempotent; only the start
 * code of a process that was not exec'd calls it); 0 or -errno.  Until
 * px_shm_init or px_shm_kept has run, the other calls fail. */
long px_shm_init(void);
/* Zeroed shared memory of n bytes (rounded up to 16; whole pages for
 * n >= 4096), or NULL with nothing taken if the region is full. */
void *px_shm_alloc(size_t n);
/* Give back what px_shm_alloc(n) returned. */
void px_shm_free(void *p, size_t n);
/* fork: map the whole region into child (env id); 0 or -errno. */
long px_shm_fork(uint64_t child);
/* An image execve started: the region is still mapped (start.c).  0,
 * or -1 if this program may not join: the region was made by another
 * build (its structures are laid out differently: PX_SHM_LAYOUT); a
 * message is on the console and the region was not touched. */
int px_shm_kept(void);
/* The fault handler: a region page not mapped here yet; 0 or -1. */
long px_shm_fault(uint64_t va);
/* The family's object number k (< PX_SHM_NROOTS), n bytes, zeroed and
 * allocated by the first caller; NULL if the region is full.  Every
 * member gets the same object: how the pieces find their shared state.
 * Numbers (append yours): */
/*
 * The layout check (shmlayout.c).  A module that keeps structures in
 * the region describes them with sizeof and offsetof values, fixed at
 * compile time, at file scope:
 *
 *	PX_SHM_LAYOUT(fsroot, sizeof(struct fs_shared),
 *	    offsetof(struct fs_shared, gen), ...);
 *
 * An image execve starts in the family joins it only if each of its
 * descriptors matches what the region recorded under the same name (a
 * binary of another build would corrupt the region instead).  Add the
 * fields other processes read, and change nothing else: the name and
 * values are all that is compared.
 */
struct px_shm_layout {
	const char *name;
	const uint64_t *v;
	uint64_t n;
};
#define PX_SHM_LAYOUT(mod, ...)                                           \
	static const uint64_t px_layout_v_##mod[] = { __VA_ARGS__ };        \
	__attribute__((used, section("px_layout"), aligned(8)))             \
	static const struct px_shm_layout px_layout_##mod = { #mod,         \
	    px_layout_v_##mod,                                              \
	    sizeof(px_layout_v_##mod) / sizeof(px_layout_v_##mod[0]) }
/* Join with the table of (name, digest) pairs tab[0..n) (free slots
 * are 0; the caller holds the region's lock): NULL, or the name of our
 * first descriptor that differs from the table's. */
const char *px_shm_layout_join(volatile uint64_t (*tab)[2], unsigned n);

#define PX_SHM_NROOTS   16
#define PX_ROOT_PTAB    0       /* the process table (proc.h) */
#define PX_ROOT_FS      1       /* the file system's lock (fsroot.c) */
#define PX_ROOT_FIFO    2       /* (fifo) open named pipes (fifo.c) */
#define PX_ROOT_FSJ     3       /* C-FFS's commit journal (fsjournal.c) */
#define PX_ROOT_FMAP    12      /* file mappings, their cache (mmapfile.c) */
#define PX_ROOT_TTY     13      /* (posixgaps) the console tty (tty.c) */
#define PX_ROOT_POLL    14      /* the family-wide event word (poll.c) */
#define PX_ROOT_INOTIFY 15      /* (ports12) inotify's event log */
#define PX_ROOT_PINFO   11      /* (portgaps) command lines (procpid.c) */
void *px_shm_root(unsigned k, size_t n);
/* (posixgaps) The object number k if some member made it, else NULL
 * (nothing is allocated). */
void *px_shm_root_find(unsigned k);
/* *p becomes a region copy of str (*cap: its allocation, 0 with no
 * string yet): 0, or -ENOMEM with the old one kept (the callers keep
 * names: vfs_cffs.c's open files, fifoname.c's open FIFOs). */
long px_shm_setstr(char **p, size_t *cap, const char *str);
/* (fmmap) The physical page behind p, a page px_shm_alloc gave; -1 if
 * p is not one. */
int64_t px_shm_ppn(const void *p);

/* A lock in the shared region.  owner is the holder's environment id
 * (0: free).  A lock whose holder has died is taken over, so a process
 * killed while holding one never deadlocks the others (the state it
 * guarded may be half-updated: users keep their updates so that a
 * half-done one is harmless, or repair it on takeover).  Waiting
 * sleeps, never spins for long.  want is a waiter that has already
 * lost the lock once (0: none): the next unlock hands the lock to it
 * instead of freeing it, so a holder that unlocks and relocks at once
 * cannot keep it from a sleeper (shm.c). */
struct px_lock {
	volatile uint64_t owner;
	volatile uint64_t want;
};
/* Take the lock: 0, or 1 if it was taken over from a dead holder. */
int px_lock(struct px_lock *l);
void px_unlock(struct px_lock *l);

#endif
