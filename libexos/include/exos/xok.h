/*
 * exos/xok.h: the kernel calls as inline functions.  Arguments go in
 * rdi, rsi, rdx, r10, r8, r9; the result comes back in rax.  Most
 * wrappers are made from xok/syscalls.master (exos/syscalls.h, included
 * below); the few that pack arguments or return registers are here.
 */
#ifndef EXOS_XOK_H
#define EXOS_XOK_H

#include <stdint.h>
#include <xok/abi.h>

static inline int64_t
xok_call(uint64_t n, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5, uint64_t a6)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	register uint64_t r9 __asm__("r9") = a6;
	int64_t ret;

	__asm__ volatile("syscall"
	    : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
	      "+r"(r9)
	    : "a"(n)
	    : "rcx", "r11", "memory");
	return ret;
}

#define XC(name) (XOK_SYS_##name)

/* A wrapper for every call not marked "lib hand" in xok/syscalls.master. */
#include <exos/syscalls.h>

/* The hand-made wrappers ("lib hand"), and conveniences. */
static inline int64_t sys_page_alloc(uint64_t ppn, unsigned slot)
{ return sys_page_alloc_for(ppn, slot, XOK_SELF, 0); }
/* Map ppn at va in env, using cap slots for the page and the env. */
static inline int64_t sys_page_map(uint64_t env, uint64_t va, uint64_t ppn,
    uint64_t perm, unsigned pageslot, unsigned envslot)
{ return xok_call(XC(PAGE_MAP), env, va, ppn, perm, pageslot | (envslot << 8), 0); }

/* Synchronous protected control transfer; the reply lands in *reply. */
static inline int64_t
sys_ipc_call(uint64_t env, unsigned slotflags, const uint64_t w[4],
    uint64_t reply[4])
{
	register uint64_t r10 __asm__("r10") = w[1];
	register uint64_t r8 __asm__("r8") = w[2];
	register uint64_t r9 __asm__("r9") = w[3];
	uint64_t a1 = env, a2 = slotflags, a3 = w[0];
	int64_t ret;

	__asm__ volatile("syscall"
	    : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
	      "+r"(r9)
	    : "a"(XC(IPC_CALL))
	    : "rcx", "r11", "memory");
	if (reply) {
		reply[0] = a1, reply[1] = a2, reply[2] = a3, reply[3] = r10;
	}
	return ret;
}

/* XN_STAT: XN's state; the caller's principal in st->principal. */
static inline int64_t sys_xn_stat(struct xok_xn_stat *st)
{ return xok_call(XC(XN_STAT), (uint64_t)st, 0, 0, 0, 0, 0); }
/* XN_STAT, and slot 0's name gets a principal if it has none (needs W) */
static inline int64_t sys_xn_stat_give(struct xok_xn_stat *st)
{ return xok_call(XC(XN_STAT), (uint64_t)st, XOK_XN_STAT_GIVE, 0, 0, 0, 0); }
/* Raw asynchronous disk I/O (root only): completion counted in *done. */
static inline int64_t sys_disk_raw(unsigned slot, int write, uint64_t sector,
    uint64_t ppn, uint64_t nbytes, struct xok_disk_done *done)
{ return xok_call(XC(DISK_RAW), slot | (write ? XOK_DISK_WRITE : 0), sector,
    ppn, nbytes, (uint64_t)done, 0); }
/* Batched page calls (47-49 are generated): set the rights (XOK_PTE_W, XOK_PTE_NX) of every page mapped in
   [va, va + npages pages) of env; all or nothing; returns how many pages
   are mapped there.  pageslot is checked only for pages gaining a right. */
static inline int64_t sys_page_protect(uint64_t env, uint64_t va,
    uint64_t npages, uint64_t perm, unsigned pageslot, unsigned envslot)
{ return xok_call(XC(PAGE_PROTECT), env, va, npages, perm,
    pageslot | (envslot << 8), 0); }
/* XN's error code behind a -(XE_XN + n) result (e.g. XN_EACCES = -4). */
#define XOK_XN_ERR(r) ((r) <= -XE_XN ? (int)((r) + XE_XN) : 0)

/* Reading the exported state never enters the kernel. */
static inline uint64_t xok_self(void) { return XOK_INFO->cur_env; }
static inline uint64_t xok_ticks(void) { return XOK_INFO->ticks; }
static inline const volatile struct xok_env_info *
xok_env_info(uint64_t id) { return &XOK_INFO->envs[XOK_ENVX(id)]; }

/* Is env id alive?  (Its slot still holds it and is not free.) */
static inline int xok_env_alive(uint64_t id)
{
	const volatile struct xok_env_info *e = xok_env_info(id);
	return e->id == id && e->state != XOK_ENV_FREE;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
