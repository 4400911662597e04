/*
 * exos/exos.h: the ExOS library operating system, the part that exists
 * today: console output, page memory, upcall handlers, spawning
 * programs from boot modules, sleeping on predicates.
 */
#ifndef EXOS_EXOS_H
#define EXOS_EXOS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <xok/abi.h>
#include <xok/lib.h>
#include <exos/xok.h>

/* Console */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
void exit(int code) __attribute__((noreturn));

/* Memory: fresh zeroed pages mapped at va (XOK_PTE_* perm). */
int exos_map_new(uint64_t va, uint64_t npages, uint64_t perm);
void *exos_page_alloc(void);            /* one page from a private heap */
#define EXOS_HEAP_BASE  0x0000100000000000UL
#define EXOS_SCRATCH_VA 0x00000f0000000000UL  /* temporary mappings */
#define EXOS_UPSTACK_HI 0x00007e0000000000UL
#define EXOS_UPSTACK_PAGES 4

/* The kernel never takes a page fault on a user buffer: a call that
 * writes into a page mapped read-only (copy-on-write) or not mapped
 * fails with -XE_FAULT and writes nothing.  Before handing the kernel a
 * buffer that may be copy-on-write or not yet faulted in, touch it:
 * this writes every page of [buf, buf + len) (each page's first byte in
 * the range, read and written back), so the libOS's own fault handler
 * runs now and the call finds the pages writable (docs/ARCHITECTURE.md,
 * "Kernel writes into copy-on-write pages"). */
void exos_touch_write(void *buf, uint64_t len);

/* Upcalls: handlers run on the upcall stack with the interrupted frame. */
typedef void (*exos_fault_fn)(struct xok_frame *f);
/* An IPC call: the handler fills reply[]; libexos sends it back. */
struct exos_ipc {
	uint64_t from, w[4];
	uint64_t reply[4];
};
typedef void (*exos_ipc_fn)(struct xok_frame *f, struct exos_ipc *m);
extern exos_fault_fn exos_fault_handler, exos_epilogue_handler,
    exos_prologue_handler, exos_reflect_handler;
extern exos_ipc_fn exos_ipc_handler;
/* Register the upcall entries present in `which` (bit per XOK_UP_*). */
int exos_upcalls_install(unsigned which, uint64_t flags);
void exos_frame_resume(struct xok_frame *f) __attribute__((noreturn));
#define EXOS_UP(t) (1u << (t))
/* With EXOS_UP(XOK_UP_FAULT): the fault handler does not touch the
 * FPU/SSE state (built with -mno-sse -mno-mmx), so the entry skips
 * saving it. */
#define EXOS_UP_FAULT_NOFP (1u << 16)

/* Sleep until *addr != old (a one-predicate convenience). */
int exos_sleep_until_ne(const volatile uint64_t *addr, uint64_t old);
/* Sleep until the clock reaches `ticks`. */
int exos_sleep_until_tick(uint64_t ticks);

/* Console input (libexos/consin.c).  slot holds a capability that
 * dominates the console guard [XOK_CAPNAME_CONSOLE] with R. */
int exos_cons_wait(void);               /* sleep until input waits */
/* Up to len bytes of input; sleeps until at least one byte waits (len 0:
 * returns 0 at once).  The count, or -XE_* from CONS_READ. */
int64_t exos_cons_read(unsigned slot, void *buf, uint64_t len);

/* Time (libexos/clock.c), from the TSC and the exported boot time. */
uint64_t exos_uptime_ns(void);          /* nanoseconds since boot */
/* The time of day: seconds and nanoseconds since 1970-01-01 00:00 UTC.
 * 0, or -XE_NODEV if the kernel found no valid clock (then the time
 * counts from the epoch at boot). */
int exos_wall_time(uint64_t *sec, uint64_t *nsec);

/* Fault injection for tests (libexos/xnclient.c): this environment
 * destroys itself right after its n-th change through XN from now (an
 * XN_ALLOC, XN_FREE, XN_MOVE, XN_WRITE or XN_WRITE_MANY), as a kill
 * between two kernel calls would; 0 turns it off. */
void exos_xn_die_after(uint32_t n);

/* Spawning programs (ELF images) into new environments. */
struct exos_spawn {
	const void *image;      /* ELF file in memory */
	uint64_t size;
	uint64_t arg;           /* the child's main(arg) */
	int slices;             /* time slices to give it */
	int start;              /* make it runnable now */
	/* Quota of the child and its descendants (ENV_SET_QUOTA); 0: the
	 * default, half of what we have left (environments, pages). */
	uint64_t quota_envs, quota_pages;
	int notice;             /* keep its exit record for exos_wait */
	uint64_t fs_base;       /* its FS base (TLS) at start; 0: none */
};
int64_t exos_spawn(const struct exos_spawn *sp);
/* Wait for a child's exit record (child id, or XOK_REAP_ANY for the
 * oldest zombie child; children spawned with .notice): sleeps on our
 * exported child_exits until the record is there, collects it into *x
 * (may be NULL) and returns the child's id.  nohang: -XE_BUSY (that
 * child lives) or -XE_NOENT (no zombie yet) at once instead of
 * sleeping.  XOK_REAP_ANY with no child that will ever die with a
 * notice sleeps forever: the caller knows its children. */
int64_t exos_wait(uint64_t child, struct xok_exit *x, int nohang);
/* Map boot module `name` read-only; returns its address, size in *size. */
const void *exos_module(const char *name, uint64_t *size);

/* The program's entry point (a freestanding libexos program; a POSIX
 * program's main is C's, and clang refuses this one in hosted code). */
#if !__STDC_HOSTED__
int main(uint64_t arg);
#endif

#endif
