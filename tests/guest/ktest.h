/*
 * ktest.h: shared definitions of the kernel test program: the roles a
 * spawned copy of ktest can play and the page the parent shares with it.
 */
#ifndef KTEST_H
#define KTEST_H

#include <exos/exos.h>

#define SHARED_VA 0x0000000500000000UL
#define SHARED ((volatile uint64_t *)SHARED_VA)

enum role {
	R_DRIVER = 0,
	R_SPIN,                 /* count in SHARED[0] forever */
	R_FAULT_NOHANDLER,      /* touch unmapped memory, no handler */
	R_WRITE_INFO,           /* write the read-only exported state */
	R_FAULT_IN_HANDLER,     /* handler faults, not nested */
	R_NESTED_OK,            /* handler faults, nesting allowed */
	R_HOSTILE,              /* try every attack, record results */
	R_PARENT,               /* spawn an orphan-to-be, then exit */
	R_ORPHAN,               /* outlive the parent, exit 42 */
	R_EPI_GOOD,             /* epilogue saves and yields */
	R_EPI_BAD,              /* epilogue never yields */
	R_IPC_SERVER,           /* answer calls: w + 1 */
	R_IPC_CLIENT,           /* call SHARED[1] with cap slot SHARED[2] */
	R_YIELDER,              /* count, yield back to SHARED[1] */
	R_BAD_UPSTACK,          /* upcall stack not mapped */
	R_FPU,                  /* keep a value in xmm0 across switches */
};

/* Results the hostile child writes: SHARED[H_x] = return value. */
enum {
	H_MAP_PARENT_PAGE = 8, H_DESTROY_PARENT, H_SHUTDOWN, H_MAP_INTO_PARENT,
	H_REGS_PARENT, H_FORGE_ROOT, H_SLICE_FREE_PARENT, H_FREE_PARENT_PAGE,
	H_GUARD_PARENT_PAGE, H_GRANT_TO_PARENT, H_CALL_NOCAP, H_DONE,
};

int child_main(enum role r);

#endif
