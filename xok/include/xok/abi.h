/*
 * xok/abi.h: the kernel's application binary interface, shared by the
 * kernel and every library operating system: call numbers, error codes,
 * capabilities, the upcall frame, the exported kernel state, the wake-up
 * predicate bytecode and the user address-space layout.
 *
 * The calls themselves are listed in xok/syscalls.master, which makes
 * their numbers (xok/syscalls.h, included below), the kernel's table and
 * libexos's wrappers; docs/KERNEL-INTERFACE.md documents every one.
 */
#ifndef XOK_ABI_H
#define XOK_ABI_H

#include <stdint.h>

/* ---- User address-space layout ------------------------------------- */

#define XOK_PGSIZE      4096UL
#define XOK_UVA_MIN     0x1000UL                /* page 0 is never mapped */
#define XOK_UVA_MAX     0x00007f8000000000UL    /* libOS maps below this */
#define XOK_INFO_VA     0x00007f8000000000UL    /* exported state (RO) */
#define XOK_UVA_END     0x0000800000000000UL    /* end of the user half */

/* Stack the kernel gives the first environment (init). */
#define XOK_INIT_STACK_TOP   0x00007f0000000000UL
#define XOK_INIT_STACK_PAGES 16

/* ---- Kernel calls ---------------------------------------------------
 * A kernel call is the `syscall` instruction with the call number in rax
 * and arguments in rdi, rsi, rdx, r10, r8, r9 (the Linux register order).
 * The result is in rax: >= 0 on success, -XE_* on failure.  Xok's calls
 * are numbered XOK_SYSBASE + n so that any other number (for example a
 * Linux system call made by an unmodified binary) can be reflected to
 * the environment's own libOS; see XOK_UP_REFLECT.
 */
#include <xok/syscalls.h>       /* XOK_SYSBASE ('X' << 24), XOK_SYS_*,
				   XOK_SYSCALLS(X): made from
				   xok/syscalls.master */

/* CONS_WRITE writes at most this many bytes per call (one UART transmit
 * FIFO) and never waits for the UART: it returns how many it wrote
 * (possibly 0); callers loop. */
#define XOK_CONS_MAX 16

/* CONS_READ returns at most this many bytes per call: the kernel's
 * console input ring (docs/ARCHITECTURE.md, "Console input"). */
#define XOK_CONS_RING 4096

/* ---- Errors (returned negated) --------------------------------------- */
#define XE_INVAL   1    /* malformed argument */
#define XE_FAULT   2    /* bad user pointer */
#define XE_PERM    3    /* capability does not allow it */
#define XE_NOENT   4    /* no such environment, page, slot, module */
#define XE_BUSY    5    /* resource in use */
#define XE_NOMEM   6    /* out of pages or table entries */
#define XE_NOSYS   7    /* unknown call and no reflection entry */
#define XE_RANGE   8    /* number out of range */
#define XE_DEAD    9    /* the peer died */
#define XE_NOCAP  10    /* capability slot empty or out of range */
#define XE_NODEV  11    /* no disk, or XN not formatted / mounted */
#define XE_QUOTA  12    /* the environment's (or an ancestor's) quota is
			   used up */
#define XE_LAST   XE_QUOTA      /* the highest of the codes above */
/* XN's own refusals (docs/XN.md) come back as -(XE_XN + n) for XN error
 * -n: for example XN_EACCES (-4) is returned as -104. */
#define XE_XN     100

/* ---- Capabilities -----------------------------------------------------
 * A capability is a hierarchical name (up to XOK_CAP_NAMELEN bytes) and a
 * set of rights.  Capability A dominates B if A's name is a prefix of
 * B's.  A resource is guarded by a name; an environment may use it with
 * rights R if one of its capabilities dominates the guard and has R.
 * The empty name (len 0) is the root capability, which dominates all.
 */
#define XOK_CAP_NAMELEN 12
#define XOK_NCAPS       16              /* slots per environment */
#define XOK_CAP_R       0x1             /* read / map read-only / call */
#define XOK_CAP_W       0x2             /* write / map writable / control */
#define XOK_CAP_ALL     (XOK_CAP_R | XOK_CAP_W)

struct xok_cap {
	uint8_t valid;
	uint8_t len;
	uint8_t rights;
	uint8_t pad;
	uint8_t name[XOK_CAP_NAMELEN];
};

/* Guard of machine-wide operations (shutdown): only the root dominates. */
#define XOK_CAPNAME_MACHINE 0xff
/* Guard of console input (CONS_READ, R): [0xfd].  Only the root
 * dominates it until init grants the name to a terminal or shell. */
#define XOK_CAPNAME_CONSOLE 0xfd

/* ---- Environments -------------------------------------------------- */
/* An environment id is (generation << XOK_ENV_IDXBITS) | slot: the
 * slot indexes envs[]; the generation changes every time a slot is
 * reused, so an old id of a reused slot names nothing.  Ids stay below
 * 2^31 (XOK_ENV_GENBITS), and 0 is never an id. */
#define XOK_ENV_IDXBITS 10
#define XOK_ENV_GENBITS 21
#define XOK_NENV        (1 << XOK_ENV_IDXBITS)          /* 1024 */
#define XOK_ENVX(id)    ((unsigned)(id) & (XOK_NENV - 1))
#define XOK_SELF        0               /* "the calling environment" */

enum xok_env_state {
	XOK_ENV_FREE = 0,
	XOK_ENV_NOT_RUNNABLE,
	XOK_ENV_RUNNABLE,
	XOK_ENV_SLEEPING,       /* on a wake-up predicate */
	XOK_ENV_IPC_WAIT,       /* waiting for an IPC reply */
	XOK_ENV_ZOMBIE,         /* dead; its exit record waits for its
				   parent (ENV_SET_NOTICE, ENV_REAP) */
};

/* Why an environment died (struct xok_env_info.exit_code). */
#define XOK_EXIT_FAULT  0x100   /* + trapno: exception with no handler */
#define XOK_EXIT_NESTED 0x200   /* + trapno: fault inside its handler */
#define XOK_EXIT_UPCALL 0x300   /* upcall frame could not be written */
				/* 0..0xff: the code given to ENV_DESTROY */

/* How it died (struct xok_env_info.exit_reason, struct xok_exit). */
#define XOK_EXITR_EXIT   1      /* it destroyed itself: its own code */
#define XOK_EXITR_FAULT  2      /* the kernel killed it: XOK_EXIT_FAULT,
				   _NESTED or _UPCALL (+ trapno) */
#define XOK_EXITR_KILLED 3      /* another environment destroyed it
				   (exit_by), with that one's code */

/* An exit record, as ENV_REAP hands it out. */
struct xok_exit {
	uint64_t id;            /* the dead environment */
	uint64_t parent;        /* its parent (the collector) */
	uint64_t code;          /* exit_code: 0..0xff or XOK_EXIT_* */
	uint64_t by;            /* who destroyed it: itself, another, 0 */
	uint32_t reason;        /* XOK_EXITR_* */
	uint32_t pad;
};
#define XOK_REAP_ANY    0       /* ENV_REAP: the oldest of our zombies */

/* Page-map permissions (PAGE_MAP). */
#define XOK_PTE_W       0x2
#define XOK_PTE_NX      0x8000000000000000UL
#define XOK_PTE_PERM    (XOK_PTE_W | XOK_PTE_NX)

#define XOK_PPN_ANY     ((uint64_t)-1)  /* PAGE_ALLOC: kernel picks */
#define XOK_SLICE_ANY   ((uint64_t)-1)

/* Batched page calls (PAGE_ALLOC_MANY, PAGE_MAP_MANY, PAGE_UNMAP_RANGE,
 * PAGE_PROTECT): at most this many pages or entries per call (the
 * kernel runs with interrupts off). */
#define XOK_PAGE_BATCH_MAX 512

/* One entry of PAGE_MAP_MANY: map ppn at va with perm, using the
 * capability in `slot` for the page.  The kernel writes `result`: 0,
 * or -XE_* for the entry that stopped the call. */
struct xok_page_map {
	uint64_t va;
	uint64_t ppn;
	uint64_t perm;                  /* XOK_PTE_W | XOK_PTE_NX */
	uint32_t slot;
	int32_t result;
};

/* ---- Upcalls --------------------------------------------------------
 * The kernel delivers events by pushing a struct xok_frame on the
 * environment's upcall stack and starting it at the matching entry with
 * rdi = frame and rsp = frame (16-byte aligned).  The frame holds the
 * interrupted context; the libOS resumes it without entering the kernel
 * (load the registers, then iretq on the last five words).
 */
enum xok_upcall_type {
	XOK_UP_FAULT = 1,       /* exception: trapno, err, addr */
	XOK_UP_EPILOGUE,        /* time slice ends: save and yield */
	XOK_UP_PROLOGUE,        /* slice begins after a revocation */
	XOK_UP_IPC,             /* protected control transfer arrives */
	XOK_UP_REFLECT,         /* unknown call number: rax and args */
};

struct xok_frame {
	uint64_t type, trapno, err, addr, info;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t rip, cs, rflags, rsp, ss;      /* iretq frame */
};
/* Offsets of struct xok_frame for assembly (libexos/upcall.S) are in
 * xok/frame.h; they are checked against the structure here. */
#include <xok/frame.h>
#define XOK_XF_CHECK(f, o) _Static_assert( \
	__builtin_offsetof(struct xok_frame, f) == (o), \
	"struct xok_frame." #f " is not at " #o)
XOK_XF_CHECK(type, XF_TYPE); XOK_XF_CHECK(trapno, XF_TRAPNO);
XOK_XF_CHECK(err, XF_ERR); XOK_XF_CHECK(addr, XF_ADDR);
XOK_XF_CHECK(info, XF_INFO); XOK_XF_CHECK(r15, XF_R15);
XOK_XF_CHECK(r14, XF_R14); XOK_XF_CHECK(r13, XF_R13);
XOK_XF_CHECK(r12, XF_R12); XOK_XF_CHECK(r11, XF_R11);
XOK_XF_CHECK(r10, XF_R10); XOK_XF_CHECK(r9, XF_R9);
XOK_XF_CHECK(r8, XF_R8); XOK_XF_CHECK(rbp, XF_RBP);
XOK_XF_CHECK(rdi, XF_RDI); XOK_XF_CHECK(rsi, XF_RSI);
XOK_XF_CHECK(rdx, XF_RDX); XOK_XF_CHECK(rcx, XF_RCX);
XOK_XF_CHECK(rbx, XF_RBX); XOK_XF_CHECK(rax, XF_RAX);
XOK_XF_CHECK(rip, XF_RIP); XOK_XF_CHECK(cs, XF_CS);
XOK_XF_CHECK(rflags, XF_RFLAGS); XOK_XF_CHECK(rsp, XF_RSP);
XOK_XF_CHECK(ss, XF_SS);
_Static_assert(sizeof(struct xok_frame) == XF_SIZE, "struct xok_frame size");
#undef XOK_XF_CHECK

/* info field of a prologue frame */
#define XOK_PRO_ABORTED 0x1     /* missed the grace period: forced off */

#define XOK_UPF_NESTED  0x1     /* faults inside the fault handler are
				   delivered (nested) instead of fatal */

struct xok_upcalls {
	uint64_t fault, epilogue, prologue, ipc, reflect;  /* entries, 0=none */
	uint64_t stack_lo, stack_hi;    /* upcall stack [lo, hi) */
	uint64_t flags;
};

/* Registers settable with ENV_SET_REGS. */
struct xok_regs {
	uint64_t rip, rsp, rflags;
	uint64_t rdi, rsi, rdx, rcx, r8, r9, rax, rbx, rbp;
};

/* ENV_SET_BASE: which base register. */
#define XOK_BASE_FS     0               /* %fs: the thread pointer */
#define XOK_BASE_GS     1

/* Everything ENV_SET_CONTEXT sets: every general register, rip, rflags
 * (masked as by ENV_SET_REGS), the FS and GS bases and, with
 * XOK_CTX_FX in flags, the FPU/SSE state as an FXSAVE (64-bit) image. */
struct xok_context {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t rip, rflags, rsp;
	uint64_t fs_base, gs_base;
	uint64_t flags;                 /* XOK_CTX_* */
	uint64_t pad;                   /* 0 */
	uint8_t fx[512] __attribute__((aligned(16)));
};
#define XOK_CTX_FX      0x1             /* fx[] holds the FPU/SSE state */
#define XOK_FX_MXCSR    24              /* offsets in an FXSAVE image */
#define XOK_FX_MXCSR_MASK 28

/* IPC_CALL flags, or'd into the capability-slot argument. */
#define XOK_IPC_ASYNC   0x100           /* do not wait for a reply */

/* ---- Wake-up predicates ----------------------------------------------
 * A predicate is a straight-line program of at most XOK_PRED_MAX
 * instructions over four 64-bit registers.  Jumps go forward only, so
 * every run ends within XOK_PRED_MAX steps.  Loads read 8 aligned bytes
 * from the environment's own user memory (LDU, an absolute address) or
 * from the exported kernel state (LDK, an offset into struct xok_info).
 * The verifier refuses anything else when the predicate is installed.
 * RET r ends the program: the environment wakes if r != 0.
 */
#define XOK_PRED_MAX    32
#define XOK_PRED_NREG   4

enum xok_pred_op {
	XP_LDI = 1,     /* r[a] = imm */
	XP_LDU,         /* r[a] = *(u64 *)imm, user memory */
	XP_LDK,         /* r[a] = *(u64 *)((char *)info + imm) */
	XP_ADD,         /* r[a] += r[b] */
	XP_SUB,         /* r[a] -= r[b] */
	XP_AND,         /* r[a] &= r[b] */
	XP_OR,          /* r[a] |= r[b] */
	XP_XOR,         /* r[a] ^= r[b] */
	XP_EQ,          /* r[a] = r[a] == r[b] */
	XP_NE,          /* r[a] = r[a] != r[b] */
	XP_LTU,         /* r[a] = r[a] <  r[b] (unsigned) */
	XP_GEU,         /* r[a] = r[a] >= r[b] (unsigned) */
	XP_JZ,          /* if r[a] == 0 skip imm instructions (imm >= 1) */
	XP_RET,         /* result r[a] */
	XP_NOPS
};

struct xok_pred_insn {
	uint8_t op, a, b, pad[5];
	uint64_t imm;
};

/* ---- XN: protected disk blocks (docs/XN.md) -------------------------
 * Block size 4096.  A principal is named by a capability: it is XN's
 * number for the capability's whole name (a table on disk), so the same
 * name is the same principal after a reboot and no other name has it.
 */
#define XOK_XN_NAME     32
#define XOK_XN_STAT_GIVE 1    /* XN_STAT: give slot 0's name a principal */
#define XOK_XN_UDF_MAX  120
#define XOK_XN_CLAIMS   256
#define XOK_XN_WB_MAX   512   /* blocks per XN_WRITEBACK_MANY */
#define XOK_XN_BCI_MAX  64    /* entries per XN_BC_INSERT_MANY */
#define XOK_XN_WR_MAX   64    /* entries per XN_WRITE_MANY */
#define XOK_XN_BCE_MAX  64    /* entries per XN_BC_EVICT_MANY */
#define XOK_XN_READ_MAX 16    /* blocks per XN_READ */
#define XOK_XN_MAP_MAX  64    /* blocks per XN_BC_MAP */

struct xok_xn_insn {            /* the layout of XN's struct xn_insn */
	uint8_t op, a, b, c;
	uint32_t imm;
};

struct xok_xn_template {
	char name[XOK_XN_NAME];
	uint32_t type;
	uint32_t len[3];                /* owns, acl, size (may be 0) */
	struct xok_xn_insn code[3][XOK_XN_UDF_MAX];
};

struct xok_xn_claim {
	uint32_t block, type;
};

/* A proposed change to a metadata block (XN_ALLOC, XN_FREE). */
struct xok_xn_change {
	uint32_t block, off, len, nclaims;
	struct xok_xn_claim claims[XOK_XN_CLAIMS];
	uint8_t bytes[4096];
};

/* Move owned blocks from one metadata block to another (XN_MOVE): the
 * change to `block` (the source) must drop exactly the claims and the
 * change to `to` must add exactly them. */
struct xok_xn_move {
	struct xok_xn_change from;
	uint32_t to, off2, len2, pad;
	uint8_t bytes2[4096];
};

/* DISK_RAW completion record, in the caller's memory: `done` counts
 * finished requests, `errors` failed ones, `last_error` the last -XE_*. */
struct xok_disk_done {
	uint64_t done, errors;
	int64_t last_error;
};
#define XOK_DISK_WRITE  0x100           /* DISK_RAW: or'd into the slot */

struct xok_xn_stat {
	uint32_t mounted, nblocks, templates, roots;
	uint32_t reachable, leaked, map_fixed, was_clean;
	uint32_t principal;             /* the caller's, from cap slot 0 */
	uint32_t pad;
};

/* One entry of XN_BC_INSERT_MANY: cache `block` in page `ppn`.  va 0:
 * the page is mapped nowhere; else it is mapped once, writable, at va in
 * the caller, and that mapping becomes read-only (and no-execute).  The
 * kernel writes `result`: 0 or -XE_* (XN's refusals as -(XE_XN + n)). */
struct xok_xn_bcins {
	uint32_t block;
	uint32_t pad;                   /* 0 */
	uint64_t ppn;
	uint64_t va;
	int64_t result;
};

/* One entry of XN_WRITE_MANY: XN_WRITE's (block, off, len, bytes).  The
 * kernel writes `result` of the entries it looked at: 0, or -XE_* for
 * the one it refused (XN's refusals as -(XE_XN + n)). */
struct xok_xn_wr {
	uint32_t block, off, len;
	uint32_t pad;                   /* 0 */
	uint64_t bytes;                 /* the caller's address of len bytes */
	int64_t result;
};

/* One entry of XN_BC_EVICT_MANY: evict `block` as XN_BC_EVICT does;
 * va not 0: the page that cached it is mapped (read-only) at va in the
 * caller, and that mapping becomes writable again.  The kernel writes
 * `result`: 0 or -XE_* (XN's refusals as -(XE_XN + n)). */
struct xok_xn_bcev {
	uint32_t block;
	uint32_t pad;                   /* 0 */
	uint64_t va;
	int64_t result;
};

struct xok_xn_bcinfo {
	uint64_t ppn;                   /* the page caching the block */
	uint32_t owner, state, type, pad;
};

/* XN's state of one block (XN_BLOCK_INFO): type (0 free), XN_BS_* flags
 * (allocated, fresh, freeing, moving), parent (0xfffffffe: a root;
 * 0xffffffff: none) and the number of allocated children. */
struct xok_xn_blockinfo {
	uint32_t type, flags, parent, nchild;
};


/* ---- Network: packet filters and rings (docs/NETWORK.md) -------------
 * A filter is a conjunction of terms: frame[off + i] & mask[i] == val[i]
 * for i < len.  Terms come in increasing offset order and do not overlap;
 * mask[0] and mask[len - 1] are nonzero; val has no bit outside mask;
 * bytes past len are 0.  Frames are Ethernet frames without the FCS.
 */
#define XOK_NET_FRAME_MIN 14            /* an Ethernet header */
#define XOK_NET_FRAME_MAX 1514          /* header + 1500 bytes */
#define XOK_PF_MAXTERMS 16
#define XOK_PF_TERMLEN  8
#define XOK_PF_NFILTERS 64              /* installed at once, machine-wide */
/* Guards: {0xfe, 0x01} for install, remove and transmit; {0xfe} itself
 * (held by root, or given to a network service) also lets a filter claim
 * part of another environment's filter's traffic. */
#define XOK_CAPNAME_NET 0xfe
#define XOK_CAPNAME_NET_USE 0x01

struct xok_pf_term {
	uint16_t off;                   /* first byte compared */
	uint8_t len;                    /* 1..XOK_PF_TERMLEN bytes */
	uint8_t pad[5];                 /* 0 */
	uint8_t mask[XOK_PF_TERMLEN];
	uint8_t val[XOK_PF_TERMLEN];
};

struct xok_pf {
	uint32_t nterms;                /* 1..XOK_PF_MAXTERMS */
	uint32_t flags;                 /* 0 */
	struct xok_pf_term t[XOK_PF_MAXTERMS];
};

/* A packet ring: npages pages of the environment's own memory, cut into
 * 2048-byte slots.  Slot 0 is this header; slots 1..nslots carry frames.
 * The kernel writes frame number head into slot 1 + head % nslots, then
 * increments head; the environment increments tail as it consumes.  A
 * frame that finds head - tail >= nslots is dropped (dropped counts it). */
#define XOK_NET_SLOT    2048
#define XOK_NET_RING_MAXPAGES 64
struct xok_net_ring {
	uint64_t head;                  /* kernel: frames written */
	uint64_t tail;                  /* environment: frames consumed */
	uint64_t dropped;               /* kernel: lost, ring full */
	uint64_t nslots;                /* kernel: npages * 2 - 1 */
};
struct xok_net_slot {
	uint32_t len;                   /* bytes of the frame */
	uint16_t filter;                /* the filter that claimed it */
	uint16_t flags;                 /* XOK_NET_RX_* */
	uint8_t data[XOK_NET_SLOT - 8];
};
/* A slot's flags (session 13).  CSUM_OK: the frame is an unfragmented
 * IPv4 TCP or UDP datagram whose TCP or UDP checksum is right (the card
 * checked it, or the kernel completed the partial sum the card left);
 * the IP header's checksum is not covered.  Without it, nothing is
 * known: check the sums.  The kernel never hands over a partial sum. */
#define XOK_NET_RX_CSUM_OK 0x1

/* NET_TRANSMITV: one frame gathered from up to XOK_NET_PIECES_MAX pieces
 * of the caller's memory (pieces of 0 bytes are skipped).  The kernel
 * copies the frame's first XOK_NET_TXHDR bytes (the headers it checks)
 * and the card reads the rest straight from the caller's pages, pinned
 * until it is done; then the kernel adds 1 to the caller's 64-bit
 * completion word (if one was given). */
#define XOK_NET_PIECES_MAX 16
#define XOK_NET_TXHDR   256
struct xok_net_piece {
	uint64_t va;
	uint64_t len;
};

/* NET_TRANSMITO (netoffload, session 8): NET_TRANSMITV with the card's
 * help, asked for by the offload word: XOK_NET_TXO_CSUM (the card
 * computes the TCP checksum) and a segment size in the low 16 bits
 * (0: none; else XOK_NET_GSO_MIN..XOK_NET_GSO_MAX with XOK_NET_TXO_TSO:
 * the frame is a TCP super-frame of up to XOK_NET_GSO_FRAME_MAX bytes
 * that the card cuts into segments of that many payload bytes).  IPv4
 * and TCP only; the kernel finds the headers in the copied head and
 * writes the pseudo-header sum into the TCP checksum field itself
 * (docs/NETWORK.md, "Transmit offload"). */
#define XOK_NET_TXO_MSS      0xffffUL
#define XOK_NET_TXO_CSUM     (1UL << 16)
#define XOK_NET_TXO_TSO      (1UL << 17)
#define XOK_NET_GSO_MIN      536
#define XOK_NET_GSO_MAX      9000
#define XOK_NET_GSO_FRAME_MAX (14 + 65535)
/* The card's offloads the driver negotiated (xok_net_export.offload). */
#define XOK_NET_OFF_CSUM     0x1        /* VIRTIO_NET_F_CSUM */
#define XOK_NET_OFF_TSO4     0x2        /* VIRTIO_NET_F_HOST_TSO4 */
#define XOK_NET_OFF_RXCSUM   0x4        /* VIRTIO_NET_F_GUEST_CSUM */

/* ---- Exported kernel state -------------------------------------------
 * Mapped read-only at XOK_INFO_VA in every environment.
 */
#define XOK_NSLICES     32
#define XOK_NMODULES    16

struct xok_env_info {
	uint64_t id;            /* 0 if the slot is free */
	uint64_t parent;
	uint32_t state;         /* enum xok_env_state */
	uint32_t nslices;       /* slices owned */
	uint64_t runs;          /* times switched to */
	uint64_t aborts;        /* times forced off after a missed epilogue */
	uint64_t exit_code;     /* why it died, once it has */
	uint64_t npages;        /* physical pages it owns */
	/* Quota (ENV_SET_QUOTA): it and its descendants hold env_used
	 * environments (itself included) and page_used pages (owned pages,
	 * page-table pages, orphans inherited from dead descendants). */
	uint64_t env_limit, env_used;
	uint64_t page_limit, page_used;
	/* Exit notices (docs/ARCHITECTURE.md, "Exit notices").  Of a dead
	 * environment: how it died and who destroyed it (itself, another
	 * environment; 0: the kernel).  Of a parent: its children's deaths
	 * so far (a counter to sleep on) and how many of them wait as
	 * zombies to be collected with ENV_REAP. */
	uint32_t exit_reason;   /* XOK_EXITR_*, once it has died */
	uint32_t notice;        /* 1: its death leaves a zombie (ENV_SET_NOTICE) */
	uint64_t exit_by;
	uint64_t child_exits;
	uint64_t nzombies;
	/* The environment whose time slices it runs in (sched.c): itself
	 * if it owns slices, else the host it inherited from its parent;
	 * 0: none (it runs only when another environment yields to it). */
	uint64_t host;
};

struct xok_module {
	uint64_t paddr, size;   /* physical pages, owned by init */
	char name[48];          /* the command line given to the loader */
};

struct xok_page_info {
	uint32_t owner;         /* env id of the owner (low 32 bits); 0 free */
	uint16_t mapcount;      /* page-table entries that map it */
	uint16_t flags;         /* XOK_PG_* */
};
#define XOK_PG_KERNEL   0x1     /* kernel memory, never allocatable */
#define XOK_PG_ORPHAN   0x2     /* owner died; freed when last unmapped */
#define XOK_PG_XN       0x4     /* in XN's buffer-cache registry: maps
				   read-only for anyone, cannot be freed */

/* Kernel-call statistics (XOK_INFO->calls[n - XOK_SYSBASE]): how often
 * each call was made and the TSC cycles spent inside it, from entry to
 * the return to the caller.  A call that gives the processor away (a
 * sleep, a yield, an IPC) is counted but its time is not. */
#define XOK_NCALLSTATS  64
struct xok_callstat {
	uint64_t calls;
	uint64_t cycles;
};

/*
 * XN's state, exported read-only at XOK_XN_VA (once a disk is present):
 * struct xn_bstate bs[nblocks] (xn/include/xn/xn.h: type, flags, parent,
 * children ... of every block), then, at XOK_XN_VA + bc_off, struct
 * xn_bc_entry bc[bc_slots], the buffer-cache registry (bs[b].bcslot - 1
 * indexes it; page is a kernel address: its physical page is
 * page - XOK_KERNEL_DIRECT).  Valid while mounted is 1.
 */
#define XOK_XN_VA       (XOK_INFO_VA + (1UL << 30))
#define XOK_KERNEL_DIRECT 0xffff800000000000UL  /* kernel's map of RAM */
struct xok_xn_export {
	uint32_t mounted;       /* an XN disk is mounted */
	uint32_t nblocks;       /* entries in bs[] */
	uint32_t bc_slots;      /* entries in bc[] */
	uint32_t pad;
	uint64_t bc_off;        /* bc[] at XOK_XN_VA + bc_off */
};

/* The network card and the packet filters' counters. */
struct xok_net_export {
	uint8_t mac[6];                 /* the card's address */
	uint8_t present;                /* a virtio-net card is running */
	uint8_t dead;                   /* reset too often: disabled */
	uint32_t nfilters;              /* installed */
	uint32_t irq;                   /* its PIC line, or 0xffffffff */
	uint64_t rx_frames;             /* received from the card */
	uint64_t rx_delivered;          /* copied into a ring */
	uint64_t rx_unclaimed;          /* no filter matched: dropped */
	uint64_t rx_ringfull;           /* the owner's ring was full */
	uint64_t rx_badring;            /* ring page no longer the owner's */
	uint64_t tx_frames;             /* handed to the card */
	uint64_t tx_done;               /* the card finished sending */
	uint64_t resets;                /* device resets after nonsense */
	uint64_t tx_refused;            /* transmits the source check refused */
	uint64_t tx_zerocopy;           /* NET_TRANSMITV frames sent */
	uint64_t tx_lost;               /* zero-copy frames lost in a reset */
	/* (netoffload, session 8) the card's offloads in use
	 * (XOK_NET_OFF_*), and NET_TRANSMITO's frames: checksum offloaded,
	 * segmented by the card (TSO), and refused by its checks */
	uint64_t offload;
	uint64_t tx_csum;
	uint64_t tx_tso;
	uint64_t tx_offload_refused;
	/* (session 10) received frames dropped for their length: over
	 * XOK_NET_FRAME_MAX (a VLAN-tagged 1518, a larger MTU's) or under
	 * an Ethernet header */
	uint64_t rx_badlen;
	/* (session 13) receive checksum offload: frames the card said it
	 * checked (DATA_VALID, slot flagged CSUM_OK), partial sums the
	 * kernel completed (NEEDS_CSUM), and frames dropped because their
	 * virtio-net header made no sense (a partial sum's field or start
	 * outside the frame, a segmentation type not negotiated) */
	uint64_t rx_csum_valid;
	uint64_t rx_csum_done;
	uint64_t rx_badhdr;
};

struct xok_info {
	uint64_t ticks;         /* timer interrupts since boot */
	uint64_t ns;            /* nanoseconds since boot (at last tick) */
	uint64_t hz;            /* timer rate */
	uint64_t tsc_hz;        /* TSC frequency, for finer time */
	uint64_t tsc_boot;      /* TSC at boot */
	uint64_t quantum_ticks; /* length of one slice */
	uint64_t grace_ticks;   /* epilogue grace period */
	uint64_t cur_env;       /* the environment running now */
	uint64_t cur_slice;
	uint64_t npages;        /* physical pages described in pages[] */
	uint64_t nfree;         /* free pages */
	uint64_t nmodules;
	struct xok_module modules[XOK_NMODULES];
	uint64_t slice_owner[XOK_NSLICES];
	/* The scheduler's cost (sched.c): stretches it ran with interrupts
	 * off choosing the next environment, their TSC cycles in all, and
	 * the longest. */
	uint64_t sched_chunks;
	uint64_t sched_chunk_cycles;
	uint64_t sched_chunk_max;
	struct xok_env_info envs[XOK_NENV];
	struct xok_callstat calls[XOK_NCALLSTATS];
	struct xok_xn_export xn;
	/* How tsc_hz was measured (xok/dev/pit.c) and its cross-check. */
	uint64_t tsc_cal_ppm;   /* error bound of tsc_hz, parts per million */
	uint64_t tsc_cal_tries; /* PIT tries made */
	uint64_t tsc_cal_good;  /* of them within the bound (median taken) */
	uint64_t tsc_hz_check;  /* the rate from a second source; 0: none */
	uint64_t tsc_check_src; /* XOK_TSC_SRC_* */
	uint64_t tsc_check_ppm; /* error bound of tsc_hz_check */
	/* Console input (xok/consin.c): bytes moved from the UART into the
	 * kernel's ring since boot, bytes CONS_READ took out of it (so
	 * cons_rx - cons_rd are waiting), receive overruns the UART
	 * reported (bytes lost before the kernel saw them), and how often
	 * the full ring held input back in the UART (flow control). */
	uint64_t cons_rx;
	uint64_t cons_rd;
	uint64_t cons_overruns;
	uint64_t cons_stalls;
	/* Time of day (xok/dev/rtc.c): the wall-clock time (seconds and
	 * nanoseconds since 1970-01-01 00:00 UTC) at ns = 0, i.e. at
	 * tsc_boot, from the CMOS clock read at boot (1 s resolution).
	 * Wall time now = wall_boot + time since boot.  Both 0: no valid
	 * clock was read. */
	uint64_t wall_boot_sec;
	uint64_t wall_boot_nsec;
	struct xok_net_export net;      /* the network card (docs/NETWORK.md) */
	/* The most one chunk of the scheduler's search (sched.c) did with
	 * interrupts off, since boot: ring members tried (at most 64),
	 * predicates run (at most 8), steps along the slice vector (at most
	 * 2 * (XOK_NSLICES + 1)).  The budget, provable; the cycles above
	 * depend on the machine. */
	uint64_t sched_chunk_tries_max;
	uint64_t sched_chunk_preds_max;
	uint64_t sched_chunk_slices_max;
	/* (sigs, session 6) Every environment's death since boot (exit
	 * notices, envexit.c): a counter to sleep on for deaths that
	 * change no parent's child_exits the waiter watches (the libOS's
	 * wait4 for orphans it adopted). */
	uint64_t env_exits;
	/* struct xok_page_info pages[npages] starts at XOK_INFO_PAGES_OFF */
};
/* The second source of the TSC rate: none, the hypervisor's CPUID leaf
 * 0x40000010, the CPU's leaf 0x15, or one second of the CMOS clock
 * (kernel command line "xok.tsccheck"). */
#define XOK_TSC_SRC_NONE    0
#define XOK_TSC_SRC_HV      1
#define XOK_TSC_SRC_CPUID15 2
#define XOK_TSC_SRC_RTC     3
#define XOK_INFO_PAGES_OFF  0x40000UL      /* 256 KiB: room to grow */

#define XOK_INFO        ((const volatile struct xok_info *)XOK_INFO_VA)
#define XOK_PAGES       ((const volatile struct xok_page_info *) \
			 (XOK_INFO_VA + XOK_INFO_PAGES_OFF))

/* isa-debug-exit: SHUTDOWN(code) ends QEMU with status (code << 1) | 1. */

#endif /* XOK_ABI_H */
