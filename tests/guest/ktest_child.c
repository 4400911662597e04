/*
 * ktest_child.c: the roles a spawned copy of ktest plays for the kernel
 * tests in ktest.c.  Each talks to the driver through the shared page.
 */
#include "ktest.h"

static volatile uint64_t depth, maxdepth;

static void
map_fault_page(struct xok_frame *f)
{
	exos_map_new(f->addr & ~(XOK_PGSIZE - 1), 1, XOK_PTE_W);
}

static void
faulting_handler(struct xok_frame *f)
{
	(void)f;
	*(volatile uint64_t *)0x0000000600000000UL = 1;   /* unmapped */
}

static void
nested_handler(struct xok_frame *f)
{
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	if (f->addr == 0x0000000610000000UL)     /* first fault: nest once */
		*(volatile uint64_t *)0x0000000620000000UL = 5;
	map_fault_page(f);
	depth--;
}

static void
epi_yield(struct xok_frame *f)
{
	(void)f;
	SHARED[1]++;                            /* epilogues seen */
	sys_yield(XOK_SELF);
}

/* Overrun the grace period (on the TSC, as the kernel measures it),
 * then finish (and resume the work). */
static void
epi_spin(struct xok_frame *f)
{
	uint64_t end = rdtsc() + XOK_INFO->tsc_hz / 1000 *
	    (XOK_INFO->grace_ticks * 1000 / XOK_INFO->hz + 5);

	(void)f;
	SHARED[1]++;
	while (rdtsc() < end)
		;
}

static void
prologue(struct xok_frame *f)
{
	SHARED[2]++;                            /* prologues seen */
	if (f->info & XOK_PRO_ABORTED)
		SHARED[3]++;                    /* ...after an abort */
}

static void
ipc_server(struct xok_frame *f, struct exos_ipc *m)
{
	int i;

	(void)f;
	SHARED[0]++;
	SHARED[4] = m->from;
	if (m->w[0] == 999)
		exit(7);                        /* die without replying */
	for (i = 0; i < 4; i++)
		m->reply[i] = m->w[i] + 1;
}

static void
hostile(void)
{
	uint64_t ppn = SHARED[1], parent = SHARED[2], slice = SHARED[3];
	struct xok_cap root = { .valid = 1, .len = 0, .rights = XOK_CAP_ALL };
	struct xok_regs r = { .rip = 0x400000, .rsp = 0x500000 };
	uint64_t w[4] = { 1, 2, 3, 4 }, reply[4];

	SHARED[H_MAP_PARENT_PAGE] = (uint64_t)sys_page_map(XOK_SELF,
	    0x0000000700000000UL, ppn, XOK_PTE_W, 0, 0);
	SHARED[H_DESTROY_PARENT] = (uint64_t)sys_env_destroy(parent, 0, 0);
	SHARED[H_SHUTDOWN] = (uint64_t)sys_shutdown(0, 1);
	SHARED[H_MAP_INTO_PARENT] = (uint64_t)sys_page_map(parent,
	    0x0000000700000000UL, ppn, 0, 0, 0);
	SHARED[H_REGS_PARENT] = (uint64_t)sys_env_set_regs(parent, 0, &r);
	SHARED[H_FORGE_ROOT] = (uint64_t)sys_cap_grant(XOK_SELF, 0, 0, 1, &root);
	SHARED[H_SLICE_FREE_PARENT] = (uint64_t)sys_slice_free(slice, 0);
	SHARED[H_FREE_PARENT_PAGE] = (uint64_t)sys_page_free(ppn, 0);
	SHARED[H_GUARD_PARENT_PAGE] = (uint64_t)sys_page_guard(ppn, 0, 0);
	SHARED[H_GRANT_TO_PARENT] = (uint64_t)sys_cap_grant(parent, 0, 0, 5,
	    &root);
	SHARED[H_CALL_NOCAP] = (uint64_t)sys_ipc_call(parent, 0, w, reply);
	SHARED[H_DONE] = 1;
}

int
child_main(enum role r)
{
	struct xok_regs regs;
	uint64_t w[4], reply[4], parent;
	int64_t c;

	switch (r) {
	case R_SPIN:
		for (;;)
			SHARED[0]++;
	case R_FAULT_NOHANDLER:
		*(volatile uint64_t *)0x0000000600000000UL = 1;
		return 1;
	case R_WRITE_INFO:
		*(volatile uint64_t *)XOK_INFO_VA = 1;
		return 1;
	case R_FAULT_IN_HANDLER:
		exos_fault_handler = faulting_handler;
		exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0);
		*(volatile uint64_t *)0x0000000610000000UL = 1;
		return 1;
	case R_NESTED_OK:
		exos_fault_handler = nested_handler;
		exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), XOK_UPF_NESTED);
		*(volatile uint64_t *)0x0000000610000000UL = 3;
		SHARED[0] = *(volatile uint64_t *)0x0000000610000000UL +
		    *(volatile uint64_t *)0x0000000620000000UL;    /* 3 + 5 */
		SHARED[1] = maxdepth;
		return 0;
	case R_HOSTILE:
		hostile();
		return 0;
	case R_PARENT: {
		struct exos_spawn sp = { .arg = R_ORPHAN, .slices = 1,
		    .start = 1 };

		sp.image = (const void *)SHARED[6];     /* mapped by the driver */
		sp.size = SHARED[7];
		c = exos_spawn(&sp);
		SHARED[1] = (uint64_t)c;
		return 0;
	}
	case R_ORPHAN:
		parent = xok_env_info(xok_self())->parent;
		while (xok_env_alive(parent))
			sys_yield(XOK_SELF);
		return 42;
	case R_EPI_GOOD:
	case R_EPI_BAD:
		exos_epilogue_handler = r == R_EPI_GOOD ? epi_yield : epi_spin;
		exos_prologue_handler = prologue;
		exos_upcalls_install(EXOS_UP(XOK_UP_EPILOGUE) |
		    EXOS_UP(XOK_UP_PROLOGUE), 0);
		for (;;)
			SHARED[0]++;
	case R_IPC_SERVER:
		exos_ipc_handler = ipc_server;
		exos_upcalls_install(EXOS_UP(XOK_UP_IPC), 0);
		SHARED[5] = 1;                  /* ready */
		for (;;)
			exos_sleep_until_ne(&SHARED[6], 0);
	case R_IPC_CLIENT:
		w[0] = 10, w[1] = 20, w[2] = 30, w[3] = 40;
		SHARED[3] = (uint64_t)sys_ipc_call(SHARED[1],
		    (unsigned)SHARED[2], w, reply);
		SHARED[4] = reply[0];
		SHARED[5] = 1;
		return 0;
	case R_YIELDER:
		for (;;) {
			SHARED[0]++;
			sys_yield(SHARED[1]);
		}
	case R_BAD_UPSTACK: {
		struct xok_upcalls up = { .fault = 0x401000,
		    .stack_lo = 0x0000000800000000UL,
		    .stack_hi = 0x0000000800004000UL };

		sys_env_set_upcalls(XOK_SELF, 0, &up);
		*(volatile uint64_t *)0x0000000600000000UL = 1;
		return 1;
	}
	case R_FPU: {
		uint64_t mine = SHARED[1], got, spin;
		int k;

		/* xmm0 must survive yields and preemption by other users */
		__asm__ volatile("movq %0, %%xmm0" :: "r"(mine) : "xmm0");
		for (k = 0; k < 300; k++) {
			if (k % 3 == 0)
				sys_yield(XOK_SELF);
			else
				for (spin = 0; spin < 20000; spin++)
					__asm__ volatile("" ::: "memory");
			__asm__ volatile("movq %%xmm0, %0" : "=r"(got));
			if (got != mine)
				SHARED[2]++;            /* corrupted */
		}
		SHARED[3] = 1;
		return 0;
	}
	default:
		(void)regs;
		return 99;
	}
}
