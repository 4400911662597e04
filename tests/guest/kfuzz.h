/*
 * kfuzz.h: the random kernel-call test (kfuzz.c drives it as init,
 * kfuzz_child.c is the unprivileged caller).  The layout of a caller's
 * address space, the hazard classes that can be switched on or off, and
 * the record page a caller shares with the environment that made it.
 */
#ifndef KFUZZ_H
#define KFUZZ_H

#include <exos/exos.h>

/* A caller's address space (besides its image, stack and upcall stack). */
#define KF_REC_VA    0x0000000500000000UL  /* its record (the parent's page) */
#define KF_FZ_VA     0x0000000600000000UL  /* where random mappings go */
#define KF_FZ_PAGES  64
#define KF_IN_VA     0x0000000700000000UL  /* input structures; the page
					      after it is never mapped */
#define KF_HARM_VA   0x0000000710000000UL  /* '\n' bytes for CONS_WRITE;
					      the page after is unmapped */
#define KF_ZCHK_VA   0x0000000720000000UL  /* a fresh page, to check it */
#define KF_JIT_VA    0x0000000730000000UL  /* writable + executable */
#define KF_KIDREC_VA 0x0000000740000000UL  /* its own children's records */
#define KF_JIT_RET   32                    /* offset of the `ret` there */

/*
 * Hazard classes: actions that hit the audit's known findings (issue 8).
 * Each can be left out, so that `make test` runs the classes whose fix
 * has landed and `make fuzz-kernel` can run them all.
 */
#define KH_NT       0x01    /* popfq sets NT, then a kernel call (#1) */
#define KH_COMPAT   0x02    /* far return into 32-bit mode (#2) */
#define KH_X87      0x04    /* unmasked x87 error + fwait (#3) */
#define KH_SEGS     0x08    /* load ds/es/fs/gs; check none leaks in (#4) */
#define KH_ZERO     0x10    /* every fresh page must read as zero (#5) */
#define KH_EXHAUST  0x20    /* take every page, env, slice (#11) */
#define KH_FORGE    0x40    /* some callers print init's lines: ignored? */
#define KH_ALL      0x7f

#define KF_MAGIC    0x6b66757a7a726563UL
#define KF_NCALLS   64      /* per-call counters (XOK_NCALLSTATS) */
#define KF_MAXDEPTH 2       /* init's children are depth 1 */

/* A caller's record: set up by its parent, counted by the caller. */
struct kf_rec {
	uint64_t magic;
	uint64_t seed, hazards, budget, depth;
	uint64_t image_va, image_size;  /* our ELF image, mapped read-only */
	/* written by the caller (and its children's records merged in) */
	uint64_t calls;                 /* kernel calls made */
	uint64_t oor;                   /* of which numbers outside the table */
	uint64_t specials, faults, spawned, kids_merged;
	uint64_t anomalies;             /* results outside the documented set */
	uint64_t anom_call, anom_ret, anom_args[6];
	uint64_t dirty_pages, dirty_ppn, dirty_word;    /* finding 5 */
	uint64_t seg_leaks, seg_leak_val;               /* finding 4 */
	uint64_t hazard_runs[8];
	uint32_t ncalls[KF_NCALLS], nok[KF_NCALLS];
};

_Static_assert(sizeof(struct kf_rec) <= XOK_PGSIZE, "record is one page");

int kf_child_main(void) __attribute__((noreturn));

/* The driver's own checks (kfuzz_verify.c), in init's memory. */
struct kv_state {
	uint64_t seg_checks, seg_leaks, seg_leak_val;   /* finding 4 */
	uint64_t pages_checked, pages_recycled;         /* finding 5 */
	uint64_t dirty, dirty_ppn, dirty_word, dirty_at, dirty_later;
	uint32_t dirty_was;     /* whose the page was (0: not known) */
	uint64_t own_calls;     /* kernel calls these checks made */
};
extern struct kv_state kv;

void kv_init(const struct xok_page_info *snap, uint64_t seed);
void kv_segs(void);
void kv_pages(void);
void kv_release(void);

#endif
