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

#define PX_ARGS long a1, long a2, long a3, long a4, long a5, long a6
#define PX_UNUSED (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6
typedef long (*px_call_fn)(PX_ARGS);

long __exos_syscall(long n, PX_ARGS);

/* Handlers, by file. */
long px_write(PX_ARGS);                 /* console.c */
long px_writev(PX_ARGS);
long px_ioctl(PX_ARGS);
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
long px_open(PX_ARGS);                  /* files.c */
long px_openat(PX_ARGS);
long px_close(PX_ARGS);
long px_read(PX_ARGS);
long px_pread64(PX_ARGS);
long px_readv(PX_ARGS);
long px_lseek(PX_ARGS);
long px_fstat(PX_ARGS);
long px_stat(PX_ARGS);
long px_newfstatat(PX_ARGS);
long px_access(PX_ARGS);
long px_faccessat(PX_ARGS);
long px_fcntl(PX_ARGS);
long px_execve(PX_ARGS);                /* exec.c */
long px_clock_gettime(PX_ARGS);         /* time.c */
long px_nanosleep(PX_ARGS);
long px_clock_nanosleep(PX_ARGS);
uint64_t px_now_ns(void);              /* boot-time ns, no kernel call */

long px_fork(PX_ARGS);                  /* fork.c */
long px_clone(PX_ARGS);
long px_wait4(PX_ARGS);                 /* pxwait.c */
long px_getppid(PX_ARGS);
long px_reboot(PX_ARGS);                /* reboot.c (ports) */

/* proc.c: a pid from an environment id; the FS and GS bases. */
long px_pid_of(uint64_t env);
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
/* files.c: the in-memory file at path (its index), or -errno; its bytes. */
long px_file_lookup(const char *path);
const void *px_file_data(uint32_t i, uint64_t *size);

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

#endif
