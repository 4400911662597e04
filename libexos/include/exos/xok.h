/*
 * exos/xok.h: the kernel calls as inline functions.  Arguments go in
 * rdi, rsi, rdx, r10, r8, r9; the result comes back in rax.
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

static inline int64_t sys_null(void)
{ return xok_call(XC(NULL), 0, 0, 0, 0, 0, 0); }
static inline int64_t sys_cons_write(const void *buf, uint64_t len)
{ return xok_call(XC(CONS_WRITE), (uint64_t)buf, len, 0, 0, 0, 0); }
static inline int64_t sys_shutdown(unsigned slot, uint64_t code)
{ return xok_call(XC(SHUTDOWN), slot, code, 0, 0, 0, 0); }
/* Allocate ppn (or XOK_PPN_ANY) guarded by the cap in slot, owned by env. */
static inline int64_t sys_page_alloc_for(uint64_t ppn, unsigned slot,
    uint64_t env, unsigned envslot)
{ return xok_call(XC(PAGE_ALLOC), ppn, slot, env, envslot, 0, 0); }
static inline int64_t sys_page_alloc(uint64_t ppn, unsigned slot)
{ return sys_page_alloc_for(ppn, slot, XOK_SELF, 0); }
static inline int64_t sys_page_free(uint64_t ppn, unsigned slot)
{ return xok_call(XC(PAGE_FREE), ppn, slot, 0, 0, 0, 0); }
/* Map ppn at va in env, using cap slots for the page and the env. */
static inline int64_t sys_page_map(uint64_t env, uint64_t va, uint64_t ppn,
    uint64_t perm, unsigned pageslot, unsigned envslot)
{ return xok_call(XC(PAGE_MAP), env, va, ppn, perm, pageslot | (envslot << 8), 0); }
static inline int64_t sys_page_unmap(uint64_t env, uint64_t va, unsigned envslot)
{ return xok_call(XC(PAGE_UNMAP), env, va, envslot, 0, 0, 0); }
static inline int64_t sys_page_guard(uint64_t ppn, unsigned slot, unsigned newslot)
{ return xok_call(XC(PAGE_GUARD), ppn, slot, newslot, 0, 0, 0); }
static inline int64_t sys_env_create(unsigned slot)
{ return xok_call(XC(ENV_CREATE), slot, 0, 0, 0, 0, 0); }
/* Limit what a descendant env and its own descendants may hold. */
static inline int64_t sys_env_set_quota(uint64_t env, unsigned slot,
    uint64_t env_limit, uint64_t page_limit)
{ return xok_call(XC(ENV_SET_QUOTA), env, slot, env_limit, page_limit, 0, 0); }
static inline int64_t sys_env_destroy(uint64_t env, unsigned slot, uint64_t code)
{ return xok_call(XC(ENV_DESTROY), env, slot, code, 0, 0, 0); }
static inline int64_t sys_env_set_regs(uint64_t env, unsigned slot,
    const struct xok_regs *r)
{ return xok_call(XC(ENV_SET_REGS), env, slot, (uint64_t)r, 0, 0, 0); }
/* Set env's FS (XOK_BASE_FS) or GS base: a user address, or 0. */
static inline int64_t sys_env_set_base(uint64_t env, unsigned slot,
    unsigned which, uint64_t base)
{ return xok_call(XC(ENV_SET_BASE), env, slot, which, base, 0, 0); }
/* Set every register of another env, its bases and (XOK_CTX_FX) FPU. */
static inline int64_t sys_env_set_context(uint64_t env, unsigned slot,
    const struct xok_context *c)
{ return xok_call(XC(ENV_SET_CONTEXT), env, slot, (uint64_t)c, 0, 0, 0); }
/* Keep (on 1) child env's exit record for us until we reap it. */
static inline int64_t sys_env_set_notice(uint64_t env, unsigned slot, int on)
{ return xok_call(XC(ENV_SET_NOTICE), env, slot, (uint64_t)on, 0, 0, 0); }
/* Collect zombie child env (XOK_REAP_ANY: the oldest) into *x (may be
   NULL) and free it; returns its id. */
static inline int64_t sys_env_reap(uint64_t env, struct xok_exit *x)
{ return xok_call(XC(ENV_REAP), env, (uint64_t)x, 0, 0, 0, 0); }
static inline int64_t sys_env_set_status(uint64_t env, unsigned slot, uint64_t st)
{ return xok_call(XC(ENV_SET_STATUS), env, slot, st, 0, 0, 0); }
static inline int64_t sys_env_set_upcalls(uint64_t env, unsigned slot,
    const struct xok_upcalls *up)
{ return xok_call(XC(ENV_SET_UPCALLS), env, slot, (uint64_t)up, 0, 0, 0); }
static inline int64_t sys_env_set_ipcguard(uint64_t env, unsigned slot, unsigned src)
{ return xok_call(XC(ENV_SET_IPCGUARD), env, slot, src, 0, 0, 0); }
static inline int64_t sys_cap_grant(uint64_t env, unsigned envslot, unsigned src,
    unsigned dst, const struct xok_cap *c)
{ return xok_call(XC(CAP_GRANT), env, envslot, src, dst, (uint64_t)c, 0); }
static inline int64_t sys_cap_get(unsigned slot, struct xok_cap *c)
{ return xok_call(XC(CAP_GET), slot, (uint64_t)c, 0, 0, 0, 0); }
static inline int64_t sys_cap_drop(unsigned slot)
{ return xok_call(XC(CAP_DROP), slot, 0, 0, 0, 0, 0); }
static inline int64_t sys_slice_alloc(uint64_t env, unsigned slot, uint64_t slice)
{ return xok_call(XC(SLICE_ALLOC), env, slot, slice, 0, 0, 0); }
static inline int64_t sys_slice_free(uint64_t slice, unsigned slot)
{ return xok_call(XC(SLICE_FREE), slice, slot, 0, 0, 0, 0); }
static inline int64_t sys_yield(uint64_t env)
{ return xok_call(XC(YIELD), env, 0, 0, 0, 0, 0); }
static inline int64_t sys_sleep(const struct xok_pred_insn *p, uint64_t n)
{ return xok_call(XC(SLEEP), (uint64_t)p, n, 0, 0, 0, 0); }

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

static inline int64_t
sys_ipc_reply(uint64_t env, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{ return xok_call(XC(IPC_REPLY), env, w0, w1, w2, w3, 0); }

/* XN: protected disk blocks.  slot names the principal's capability. */
static inline int64_t sys_xn_format(unsigned slot)
{ return xok_call(XC(XN_FORMAT), slot, 0, 0, 0, 0, 0); }
static inline int64_t sys_xn_stat(struct xok_xn_stat *st)
{ return xok_call(XC(XN_STAT), (uint64_t)st, 0, 0, 0, 0, 0); }
/* XN_STAT, and slot 0's name gets a principal if it has none (needs W) */
static inline int64_t sys_xn_stat_give(struct xok_xn_stat *st)
{ return xok_call(XC(XN_STAT), (uint64_t)st, XOK_XN_STAT_GIVE, 0, 0, 0, 0); }
static inline int64_t sys_xn_template(unsigned slot, const struct xok_xn_template *t)
{ return xok_call(XC(XN_TEMPLATE), slot, (uint64_t)t, 0, 0, 0, 0); }
static inline int64_t sys_xn_root(unsigned slot, const char *name, uint32_t type,
    uint32_t block, const void *init)
{ return xok_call(XC(XN_ROOT), slot, (uint64_t)name, type, block, (uint64_t)init, 0); }
/* out[0] = block, out[1] = type */
static inline int64_t sys_xn_lookup(const char *name, uint64_t out[2])
{ return xok_call(XC(XN_LOOKUP), (uint64_t)name, (uint64_t)out, 0, 0, 0, 0); }
static inline int64_t sys_xn_root_remove(unsigned slot, const char *name)
{ return xok_call(XC(XN_ROOT_REMOVE), slot, (uint64_t)name, 0, 0, 0, 0); }
static inline int64_t sys_xn_alloc(unsigned slot, const struct xok_xn_change *c)
{ return xok_call(XC(XN_ALLOC), slot, (uint64_t)c, 0, 0, 0, 0); }
static inline int64_t sys_xn_free(unsigned slot, const struct xok_xn_change *c)
{ return xok_call(XC(XN_FREE), slot, (uint64_t)c, 0, 0, 0, 0); }
static inline int64_t sys_xn_move(unsigned slot, const struct xok_xn_move *m)
{ return xok_call(XC(XN_MOVE), slot, (uint64_t)m, 0, 0, 0, 0); }
static inline int64_t sys_xn_write(unsigned slot, uint32_t block, uint32_t off,
    uint32_t len, const void *bytes)
{ return xok_call(XC(XN_WRITE), slot, block, off, len, (uint64_t)bytes, 0); }
/* Cache block in page ppn (pslot: our capability for the page). */
static inline int64_t sys_xn_bc_insert(unsigned slot, uint32_t block,
    uint64_t ppn, unsigned pslot)
{ return xok_call(XC(XN_BC_INSERT), slot, block, ppn, pslot, 0, 0); }
/* Cache up to XOK_XN_BCI_MAX blocks at once (pslot: our capability for
   the pages); each entry's result in e[i].result; returns how many went
   in.  An entry with va maps its page there, writable, and nowhere else:
   the kernel makes that mapping read-only. */
static inline int64_t sys_xn_bc_insert_many(unsigned slot,
    struct xok_xn_bcins *e, uint32_t n, unsigned pslot)
{ return xok_call(XC(XN_BC_INSERT_MANY), slot, (uint64_t)e, n, pslot, 0, 0); }
static inline int64_t sys_xn_bc_lookup(uint32_t block, struct xok_xn_bcinfo *bi)
{ return xok_call(XC(XN_BC_LOOKUP), block, (uint64_t)bi, 0, 0, 0, 0); }
static inline int64_t sys_xn_bc_evict(unsigned slot, uint32_t block)
{ return xok_call(XC(XN_BC_EVICT), slot, block, 0, 0, 0, 0); }
/* Blocks of ours that others evicted from the cache (visible revocation). */
static inline int64_t sys_xn_bc_revoked(unsigned slot, uint32_t *blocks,
    uint64_t max)
{ return xok_call(XC(XN_BC_REVOKED), slot, (uint64_t)blocks, max, 0, 0, 0); }
static inline int64_t sys_xn_writeback(uint32_t block)
{ return xok_call(XC(XN_WRITEBACK), block, 0, 0, 0, 0, 0); }
/* Write back up to XOK_XN_WB_MAX blocks: ordered waves, one flush each;
   *done (may be NULL): how many were written. */
static inline int64_t sys_xn_writeback_many(const uint32_t *blocks,
    uint32_t n, uint32_t *done)
{ return xok_call(XC(XN_WRITEBACK_MANY), (uint64_t)blocks, n, (uint64_t)done,
    0, 0, 0); }
static inline int64_t sys_xn_sync(void)
{ return xok_call(XC(XN_SYNC), 0, 0, 0, 0, 0, 0); }
/* XN's state of one block (type, XN_BS_* flags, parent, children). */
static inline int64_t sys_xn_block_info(uint32_t block,
    struct xok_xn_blockinfo *bi)
{ return xok_call(XC(XN_BLOCK_INFO), block, (uint64_t)bi, 0, 0, 0, 0); }
/* Raw asynchronous disk I/O (root only): completion counted in *done. */
static inline int64_t sys_disk_raw(unsigned slot, int write, uint64_t sector,
    uint64_t ppn, uint64_t nbytes, struct xok_disk_done *done)
{ return xok_call(XC(DISK_RAW), slot | (write ? XOK_DISK_WRITE : 0), sector,
    ppn, nbytes, (uint64_t)done, 0); }
/* XN's error code behind a -(XE_XN + n) result (e.g. XN_EACCES = -4). */
#define XOK_XN_ERR(r) ((r) <= -XE_XN ? (int)((r) + XE_XN) : 0)

/* Reading the exported state never enters the kernel. */
static inline uint64_t xok_self(void) { return XOK_INFO->cur_env; }
static inline uint64_t xok_ticks(void) { return XOK_INFO->ticks; }
static inline const volatile struct xok_env_info *
xok_env_info(uint64_t id) { return &XOK_INFO->envs[XOK_ENVX(id)]; }

/* Is env id alive?  (Its slot still holds it, not free, not a zombie.) */
static inline int xok_env_alive(uint64_t id)
{
	const volatile struct xok_env_info *e = xok_env_info(id);
	return e->id == id && e->state != XOK_ENV_FREE &&
	    e->state != XOK_ENV_ZOMBIE;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
