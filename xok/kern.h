/*
 * kern.h: the kernel's internal interfaces, one section per file.
 */
#ifndef XOK_KERN_H
#define XOK_KERN_H

#include <stddef.h>
#include <stdint.h>
#include <xok/abi.h>
#include <xok/lib.h>
#include "arch/x86_64/x86.h"
#include "cap.h"
#include "pages.h"
#include "pred.h"

#define KADDR(pa) ((void *)((uint64_t)(pa) + PHYSBASE))
#define PADDR(kva) ((uint64_t)(kva) >= KERNBASE ? \
	(uint64_t)(kva) - KERNBASE : (uint64_t)(kva) - PHYSBASE)
#define PGSIZE 4096UL
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define HZ            1000      /* timer interrupts per second */
#define QUANTUM_TICKS 10        /* one time slice: 10 ms */
#define GRACE_MS      20        /* epilogue grace period, measured on the
				   TSC: timer ticks can arrive in bursts when
				   a hypervisor catches up */

#define T_PGFLT   14
#define T_IRQ0    32

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t trapno, err;
	uint64_t rip, cs, rflags, rsp, ss;
};
/* trapentry.S addresses the frame through the TF_* offsets (x86.h). */
#define TF_CHECK(f, o) _Static_assert(offsetof(struct trapframe, f) == (o), \
	"struct trapframe." #f " is not at " #o)
TF_CHECK(r15, TF_R15); TF_CHECK(r14, TF_R14); TF_CHECK(r13, TF_R13);
TF_CHECK(r12, TF_R12); TF_CHECK(r11, TF_R11); TF_CHECK(r10, TF_R10);
TF_CHECK(r9, TF_R9); TF_CHECK(r8, TF_R8); TF_CHECK(rbp, TF_RBP);
TF_CHECK(rdi, TF_RDI); TF_CHECK(rsi, TF_RSI); TF_CHECK(rdx, TF_RDX);
TF_CHECK(rcx, TF_RCX); TF_CHECK(rbx, TF_RBX); TF_CHECK(rax, TF_RAX);
TF_CHECK(trapno, TF_TRAPNO); TF_CHECK(err, TF_ERR); TF_CHECK(rip, TF_RIP);
TF_CHECK(cs, TF_CS); TF_CHECK(rflags, TF_RFLAGS); TF_CHECK(rsp, TF_RSP);
TF_CHECK(ss, TF_SS);
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "struct trapframe size");
#undef TF_CHECK

struct env {
	struct trapframe tf;
	uint8_t fx[512] __attribute__((aligned(16)));  /* FPU/SSE state */
	uint16_t segs[4];               /* %ds %es %fs %gs, saved on a switch */
	uint64_t fs_base, gs_base;      /* likewise (ENV_SET_BASE) */
	uint32_t id;
	uint32_t parent;
	enum xok_env_state state;
	uint64_t *pml4;                 /* kernel address of the PML4 */
	struct xok_cap guard;           /* control: destroy, map, regs */
	struct xok_cap ipc_guard;       /* who may call its IPC entry */
	struct xok_cap caps[XOK_NCAPS];
	struct xok_upcalls up;
	int in_epilogue;                /* revocation upcall delivered */
	uint64_t grace_end;             /* TSC by which it must yield */
	int need_prologue;
	int aborted;                    /* forced off since last prologue */
	int ipc_busy;                   /* handling an IPC call */
	int ipc_parked;                 /* replied; next call lands here */
	uint32_t ipc_peer;              /* IPC_WAIT: who must reply */
	struct xok_pred_insn pred[XOK_PRED_MAX];
	uint32_t npred;
	/* Quota (env.c): this environment and its descendants together
	 * hold at most env_limit environments and page_limit pages. */
	uint32_t qparent;               /* whose quota also pays for ours */
	uint64_t env_limit, env_used, page_limit, page_used;
	uint64_t npaid;                 /* pages whose payer is this env */
	/* Exit notices (envexit.c): keep our exit record for our parent;
	 * our zombie children, oldest first, linked through znext. */
	int notice;
	struct env *zfirst, *zlast, *znext;
	/* Every page it pays for (or owns) is in [paid_lo, paid_hi): its
	 * death looks only there (env.c). */
	uint64_t paid_lo, paid_hi;
	/* Scheduling (sched.c): the host whose slices it runs in (itself
	 * if it owns slices; NULL: none) and its place in the host's ring.
	 * A host also keeps the ring's size and the next member to try. */
	struct env *host;
	struct env *rnext, *rprev;
	struct env *cursor;
	uint32_t nmembers;
	uint32_t nslices;
};

/* console.c */
void cons_init(void);
void cons_putc(int c);
void cons_write(const char *s, size_t n);
size_t cons_write_nowait(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void qemu_exit(int code) __attribute__((noreturn));
void backtrace(uint64_t rbp);

/* arch/x86_64/cpu.c */
void cpu_init(void);
extern uint8_t fx_default[512];
extern uint32_t mxcsr_mask;     /* MXCSR bits fxrstor accepts */

/* dev/pic.c, dev/pit.c */
void pic_init(void);
void pic_eoi(int irq);
void pic_unmask(int irq);
int pic_spurious(int irq);
void timer_init(void);
void tsc_crosscheck(void);
void tsc_print(void);
void clock_tick(void);

/* pmap.c */
extern uint64_t kern_pml4[];
extern struct pages pages;
extern struct xok_info *info;
void pmap_init(uint64_t mem_bytes, uint64_t reserved_end);
int pmap_env_setup(struct env *e);
int pmap_export(uint64_t off, uint64_t pa, uint64_t len);
void pmap_env_free(struct env *e);
int pmap_map(struct env *e, uint64_t va, uint64_t ppn, uint64_t perm);
int pmap_unmap(struct env *e, uint64_t va);
int64_t pmap_lookup(struct env *e, uint64_t va);
int64_t pmap_lookup_perm(struct env *e, uint64_t va, uint64_t *perm);
uint64_t pmap_revoke_page(uint64_t ppn, uint32_t keep);
int pmap_map_view(struct env *e, uint64_t va, uint64_t ppn);
int user_range_ok(uint64_t va, uint64_t len);
int copyin(struct env *e, void *dst, uint64_t uva, uint64_t len);
int copyout(struct env *e, uint64_t uva, const void *src, uint64_t len);
void *uva2kva(struct env *e, uint64_t va, int write);
int64_t kpage_alloc(void);      /* a zeroed kernel page: ppn or -XE_NOMEM */
int64_t kpages_alloc_contig(uint64_t n);
void kpages_free(uint64_t ppn, uint64_t n);

/* env.c */
extern struct env envs[XOK_NENV];
extern struct env *curenv;
int env_alloc(struct env **out, struct env *parent, const struct xok_cap *guard);
void env_destroy(struct env *e, uint64_t why);
int64_t env_page_alloc(struct env *e, uint64_t ppn, const struct xok_cap *guard);
int env_page_free(uint64_t ppn);
struct env *env_lookup(uint64_t id);
void env_run(struct env *e) __attribute__((noreturn));
void env_create_init(uint64_t mod_pa, uint64_t mod_size);
void env_sync_info(struct env *e);
void env_set_base(struct env *e, int gs, uint64_t v);
void env_set_fx(struct env *e, const uint8_t fx[512]);
int quota_charge(struct env *e, uint64_t npages, uint64_t nenvs);
void quota_uncharge(struct env *e, uint64_t npages, uint64_t nenvs);
int quota_set(struct env *e, uint64_t env_limit, uint64_t page_limit);
void env_paid(struct env *e, uint64_t ppn);
void env_uncharge_page(uint32_t payer);

/* envexit.c: exit notices and zombies */
int exit_kept(struct env *e);
void exit_zombies_free(struct env *parent);
void exit_notice(struct env *e, uint64_t why, int keep);

/* upcall.c */
int upcall_push(struct env *e, uint64_t type, uint64_t entry,
    uint64_t trapno, uint64_t err, uint64_t addr, uint64_t info);
void deliver_fault(struct env *e, uint64_t trapno, uint64_t err,
    uint64_t addr);

/* sched.c */
void sched_init(struct env *init);
void sched(void) __attribute__((noreturn));
void sched_tick(void);
void sched_yield_to(struct env *e) __attribute__((noreturn));
void sched_slice_done(void) __attribute__((noreturn));
int slice_alloc(struct env *e, uint64_t slice);
int slice_free(uint64_t slice);
void sched_env_new(struct env *e, struct env *parent);
void sched_env_gone(struct env *e);
int pred_ready(struct env *e, uint64_t *result);
int sched_can_run(struct env *e);

/* capcheck.c: the capability checks of the kernel calls (0 or -XE_*) */
int cap_slot(uint64_t slot, struct xok_cap **c);
int cap_check(uint64_t slot, const struct xok_cap *guard, unsigned rights);
int cap_slot_allows(uint64_t slot, const struct xok_cap *guard,
    unsigned rights);
int cap_machine(uint64_t slot);
int env_control(uint64_t id, uint64_t slot, struct env **out);
int page_check(uint64_t ppn, uint64_t slot, unsigned rights, unsigned deny);
int map_check(uint64_t ppn, uint64_t perm, uint64_t slot);
int alloc_check(uint64_t slot, uint64_t envid, uint64_t envslot,
    struct xok_cap **cap, struct env **e);

/* syscall.c: the kernel-call entry */
void syscall_trap(struct trapframe *tf);

/* xnsys.c */
void xnsys_init(void);
void xnsys_env_died(uint32_t id);

/* The kernel calls' handlers, each in its subsystem's file (made from
 * xok/syscalls.master).  A user address: only through copyin/copyout. */
typedef uint64_t uaddr_t;
#include "sysprotos.h"

/* consin.c: console input (CONS_READ) */
#define CONS_IRQ 4                      /* COM1 */
void consin_init(void);
void consin_intr(void);

/* dev/rtc.c: the CMOS clock, the time of day */
uint32_t cmos_read(uint32_t reg);
void rtc_init(void);

/* netsys.c: the network's receive path (its calls are in sysprotos.h) */
void netsys_init(void);
/* Whose filter takes the reply to a frame of total bytes, known up to
 * len: its owner, or 0 (none, or the unknown bytes decide). */
uint32_t net_reply_owner(const uint8_t *frame, size_t len, size_t total);
void nettx_init(void);

/* trap.c */
void trap(struct trapframe *tf);
void tf_pop(struct trapframe *tf) __attribute__((noreturn));

/* On the path of a directed yield and a sleep (a pipe round trip):
 * GCC puts these in .text.hot.*, which kernel.ld gathers first, so the
 * path touches a few pages of text (under QEMU's TCG each page touched
 * after a switch of address space costs a software TLB refill). */
#define KHOT    __attribute__((hot))

#endif
