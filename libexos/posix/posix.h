/*
 * posix.h: the inside of libexos's POSIX layer (libexos-posix.a): the
 * Linux system calls musl makes, implemented as functions in the
 * process.  Each handler takes the call's six arguments as Linux passes
 * them and returns what Linux would: a value >= 0 or -errno.
 */
#ifndef EXOS_POSIX_H
#define EXOS_POSIX_H

#include <stdint.h>
#include <stddef.h>
#include <errno.h>
#include <exos/xok.h>
#include <exos/capslot.h>

#define PX_ARGS long a1, long a2, long a3, long a4, long a5, long a6
#define PX_UNUSED (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6
typedef long (*px_call_fn)(PX_ARGS);

long __exos_syscall(long n, PX_ARGS);

/* Handlers, by file. */
long px_exit(PX_ARGS);                  /* proc.c */
long px_getpid(PX_ARGS);
long px_gettid(PX_ARGS);
long px_set_tid_address(PX_ARGS);
long px_arch_prctl(PX_ARGS);
long px_getuid(PX_ARGS);
long px_sched_yield(PX_ARGS);
long px_uname(PX_ARGS);
long px_brk(PX_ARGS);                   /* mem.c */
long px_mmap(PX_ARGS);
long px_munmap(PX_ARGS);
long px_mprotect(PX_ARGS);
long px_mremap(PX_ARGS);                /* (posixgaps) mem.c */
long px_execve(PX_ARGS);                /* exec.c */
long px_clock_gettime(PX_ARGS);         /* time.c */
long px_nanosleep(PX_ARGS);
long px_clock_nanosleep(PX_ARGS);
uint64_t px_now_ns(void);              /* boot-time ns, no kernel call */

long px_fork(PX_ARGS);                  /* fork.c */
long px_clone(PX_ARGS);
long px_wait4(PX_ARGS);                 /* pxwait.c */
long px_getppid(PX_ARGS);               /* pgrp.c */
long px_setpgid(PX_ARGS);
long px_getpgid(PX_ARGS);
long px_getpgrp(PX_ARGS);
long px_setsid(PX_ARGS);
long px_getsid(PX_ARGS);
long px_kill(PX_ARGS);                  /* kill.c */
long px_pipe(PX_ARGS);                  /* pipe.c */
long px_pipe2(PX_ARGS);
long px_poll(PX_ARGS);                  /* poll.c */
long px_ppoll(PX_ARGS);
long px_select(PX_ARGS);
long px_pselect6(PX_ARGS);
long px_rt_sigaction(PX_ARGS);          /* signal.c */
long px_rt_sigprocmask(PX_ARGS);
long px_rt_sigpending(PX_ARGS);
long px_rt_sigsuspend(PX_ARGS);
long px_rt_sigtimedwait(PX_ARGS);
long px_pause(PX_ARGS);
long px_tkill(PX_ARGS);
long px_tgkill(PX_ARGS);
long px_rt_sigreturn(PX_ARGS);          /* sigframe.c */
long px_sigaltstack(PX_ARGS);
long px_alarm(PX_ARGS);                 /* itimer.c */
long px_setitimer(PX_ARGS);
long px_getitimer(PX_ARGS);
long px_reboot(PX_ARGS);                /* reboot.c (ports) */
long px_rt_sigqueueinfo(PX_ARGS);       /* kill.c (sigs, session 6) */
long px_rt_tgsigqueueinfo(PX_ARGS);

/* proc.c: the FS and GS bases. */
long px_fs_base(void);
long px_gs_base(void);
/* mem.c's part of fork: share the arena with child copy-on-write; the
 * copy-on-write fault (0 handled, -1 not ours); the lent pages' sweep;
 * a forked child's reset; the shadow pages (fork copies them). */
long px_mem_fork(uint64_t child);
long px_mem_cow(uint64_t va);
void px_mem_sweep(void);
void px_mem_child(void);
long px_mem_each_shadow(long (*fn)(uint64_t va));
int px_mem_is_shadow(uint64_t va);
long px_mem_fix_child(uint64_t *copy, uint64_t child);
/* module.c: boot module name (the base name of its command line's
 * first word), mapped read-only; NULL if there is none or we are not
 * the first process. */
const void *px_module(const char *name, uint64_t *size);
void px_module_share(void);     /* (nonroot) the first process */
/* files.c: the in-memory file at path (its index), or -errno; its bytes. */
long px_file_lookup(const char *path);
const void *px_file_data(uint32_t i, uint64_t *size);

/* ---- the files (the fds helper's block) ---- */
long px_close(PX_ARGS);                 /* fd.c */
long px_read(PX_ARGS);
long px_write(PX_ARGS);
long px_pread64(PX_ARGS);
long px_pwrite64(PX_ARGS);
long px_readv(PX_ARGS);
long px_writev(PX_ARGS);
long px_preadv(PX_ARGS);
long px_pwritev(PX_ARGS);
long px_lseek(PX_ARGS);
long px_fstat(PX_ARGS);
long px_ioctl(PX_ARGS);
long px_fcntl(PX_ARGS);
long px_dup(PX_ARGS);
long px_dup2(PX_ARGS);
long px_dup3(PX_ARGS);
long px_getdents64(PX_ARGS);
long px_ftruncate(PX_ARGS);
long px_fsync(PX_ARGS);
long px_open(PX_ARGS);                  /* fscalls.c */
long px_openat(PX_ARGS);
long px_creat(PX_ARGS);
long px_stat(PX_ARGS);
long px_lstat(PX_ARGS);
long px_newfstatat(PX_ARGS);
long px_statx(PX_ARGS);
long px_access(PX_ARGS);
long px_faccessat(PX_ARGS);
long px_faccessat2(PX_ARGS);
long px_mkdir(PX_ARGS);
long px_mkdirat(PX_ARGS);
long px_mknod(PX_ARGS);                /* (fifo) */
long px_mknodat(PX_ARGS);
long px_rmdir(PX_ARGS);
long px_unlink(PX_ARGS);
long px_unlinkat(PX_ARGS);
long px_rename(PX_ARGS);
long px_renameat(PX_ARGS);
long px_renameat2(PX_ARGS);
long px_link(PX_ARGS);
long px_linkat(PX_ARGS);
long px_symlink(PX_ARGS);
long px_symlinkat(PX_ARGS);
long px_readlink(PX_ARGS);
long px_readlinkat(PX_ARGS);
long px_chdir(PX_ARGS);
long px_fchdir(PX_ARGS);
long px_getcwd(PX_ARGS);
long px_umask(PX_ARGS);
long px_chmod(PX_ARGS);
long px_fchmod(PX_ARGS);
long px_fchmodat(PX_ARGS);
long px_chown(PX_ARGS);
long px_lchown(PX_ARGS);
long px_fchown(PX_ARGS);
long px_fchownat(PX_ARGS);
long px_utimensat(PX_ARGS);
long px_truncate(PX_ARGS);
long px_statfs(PX_ARGS);
long px_fstatfs(PX_ARGS);
long px_sync(PX_ARGS);
/* exec.c's loader: the program file at path (modfile or C-FFS): its
 * size, and its first *have bytes at *img (all of a modfile; a C-FFS
 * file's head, in memory the caller unmaps with px_exec_image_done
 * when 1 is returned), or -errno (ENOENT, EACCES, ...);
 * px_exec_image_rest reads len bytes at off of the last C-FFS file
 * px_exec_image opened into dst: 0 or -errno. */
long px_exec_image(const char *upath, const uint8_t **img, uint64_t *size,
    uint64_t *have);
long px_exec_image_rest(void *dst, uint64_t off, uint64_t len);
void px_exec_image_done(const uint8_t *img, uint64_t size);

/* start.c: the Linux start block (argc, argv, envp, auxv, strings). */
#define PX_EXEC_MAGIC 0x4558454358454321UL      /* in %rsi from execve */
struct px_auxinfo {
	uintptr_t phdr, phnum, entry;   /* AT_PHDR, AT_PHNUM, AT_ENTRY */
};
size_t px_start_size(char *const *argv, long argc, char *const *envp,
    long envc);
uintptr_t px_start_block(char *area, size_t size, uintptr_t delta,
    char *const *argv, long argc, char *const *envp, long envc,
    const struct px_auxinfo *ai);
/* exec.c: the new image frees what execve's trampoline used. */
void px_exec_cleanup(const void *plan);
/* exec.c: a forked child forgets its parent's image pages. */
void px_exec_child(void);
/* mem.c: give back every page of the arena and the shadow (execve). */
void px_mem_release(void);

/* dispatch.c: print the call counts if EXOS_SYSCOUNT is set. */
void px_syscount_report(void);
/* Kernel error (-XE_*) to -errno. */
long px_errno(int64_t xe);
/* Write a string to the console, whole (console.c). */
void px_cons_puts(const char *s);
/* (posixgaps) Send n bytes of our own memory to the console (console.c):
 * the count sent, or -errno if none was. */
long px_cons_send(const void *buf, size_t n);

/* (vmem) fork.c: register the fault upcall and its stack (at start). */
long px_fault_init(void);
/* (vmem) mem.c: a not-present fault on a lazily filled arena page
 * (0 handled, -1 not ours). */
long px_mem_fault(uint64_t va, uint64_t err);
/* (vmem) fork.c: vfork (the parent waits for exec or exit); a vfork
 * child tells its parent it has exec'd or is exiting. */
long px_vfork(PX_ARGS);
void px_vfork_done(void);
/* (vmem) mem.c: lend a page we stopped mapping (freed at its last
 * unmapping); exec.c: the image's pages if execve loaded it. */
void px_mem_lend(uint64_t ppn);
/* (vmem) fork.c: destroy the half-built children of killed processes. */
void px_fork_reap_halfbuilt(void);
const struct xok_page_map *px_exec_pages(uint64_t *n);

/* (shell) sysinfo.c: limits, the machine, groups, affinity. */
long px_getrlimit(PX_ARGS);
long px_setrlimit(PX_ARGS);
long px_prlimit64(PX_ARGS);
long px_getrusage(PX_ARGS);
long px_times(PX_ARGS);
long px_sysinfo(PX_ARGS);
long px_syslog(PX_ARGS);
long px_getgroups(PX_ARGS);
long px_setgroups(PX_ARGS);
long px_sched_getaffinity(PX_ARGS);
long px_sched_setaffinity(PX_ARGS);
/* The soft limits the libOS honours: descriptors (fd.c; at most
 * PX_NFD) and processes of the family (ptab.c's fork; at most PX_NPROC). */
int px_rlimit_nofile(void);
long px_rlimit_nproc(void);
/* (fmmap) mmapfile.c: mmap of a file (MAP_PRIVATE, MAP_SHARED), msync,
 * and the hooks of mem.c, fork.c, proc.c, pxwait.c, vfs_cffs.c. */
struct px_ofile;
struct px_fmreq {
	struct px_ofile *f;
	uint64_t pg;            /* the file page at the mapping's start */
	int shared, maywrite;
};
long px_msync(PX_ARGS);
long px_fmap_check(long fd, int64_t off, uint64_t len, long prot,
    long flags, struct px_fmreq *q);
long px_fmap_add(const struct px_fmreq *q, uint64_t va, uint64_t n);
int64_t px_fmap_fault(uint64_t va);
void px_fmap_unmapped(uint64_t va, uint64_t n);
int px_fmap_maywrite(uint64_t va, uint64_t n);
long px_fmap_remap(uint64_t ova, uint64_t on, uint64_t nva, uint64_t nn,
    int check);                         /* (posixgaps) mremap */
long px_fmap_fork(uint64_t child);
void px_fmap_exit(void);
void px_fmap_sweep(void);
void px_fmap_truncated(struct px_ofile *f, uint64_t len);
void px_fmap_wrote(struct px_ofile *f, uint64_t off, const void *buf,
    uint64_t n);
void px_fmap_read(struct px_ofile *f, uint64_t off, void *buf, uint64_t n);
/* Set by the fault handler for a touch of a file page past the end of
 * file: the fault is SIGBUS, not SIGSEGV (fork.c, sigframe.c). */
extern int px_fault_bus;
/* mem.c: is every page of [va, va + n pages) mapped (in use)?  Forget
 * the pages filled in [va, va + n pages) (kept reserved: the next touch
 * faults again; ftruncate). */
int px_mem_mapped(uint64_t va, uint64_t n);
void px_mem_unfill(uint64_t va, uint64_t n);

/* (wback) fsroot.c: at exit, this process's file-system write-back
 * goes to the disk (px_exit). */
void px_fs_exit(void);

/* (ports12) inotify.c */
long px_inotify_init(PX_ARGS);
long px_inotify_init1(PX_ARGS);
long px_inotify_add_watch(PX_ARGS);
long px_inotify_rm_watch(PX_ARGS);
/* (gaps) socket.c */
long px_socket(PX_ARGS);
/* On the path of a pipe round trip (read, write, sleep, wake): GCC puts
 * these in .text.hot.*, which the linker gathers in a few pages.  Under
 * QEMU's TCG every switch of address space empties the software TLB,
 * and each page the next process touches costs a refill
 * (docs/BENCHMARKS.md, "The pipe round trip, measured"). */
#define PX_HOT  __attribute__((hot))

#endif
