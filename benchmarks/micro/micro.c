/*
 * micro.c: Xok microbenchmarks, booted as init.  Each operation is timed
 * with rdtsc; the result is the median over many runs, in cycles and in
 * nanoseconds (TSC rate from the exported state).  Prints one line per
 * operation starting with "BENCH", the kernel's TSC calibration as
 * "BENCH-CLOCK|kHz|check kHz|check source|error bound ppm", then ends
 * QEMU.
 */
#include <exos/exos.h>

#define RUNS 2001
#define SHARED_VA 0x0000000500000000UL

enum { M_DRIVER, M_SERVER, M_YIELDER };

static uint64_t samples[RUNS];
static uint64_t fix_va, fix_ppn;

static void
sort(uint64_t *a, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		uint64_t v = a[i];

		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void
report(const char *name, int n, int per)
{
	uint64_t med;

	sort(samples, n);
	med = samples[n / 2] / (uint64_t)per;
	printf("BENCH|%s|%lu|%lu\n", name, med,
	    med * 1000000000UL / XOK_INFO->tsc_hz);
}

/* Time `per` repetitions of body, RUNS times. */
#define MEASURE(name, per, body) do { \
	int r_, k_; \
	for (r_ = 0; r_ < RUNS; r_++) { \
		uint64_t t0_ = rdtsc(); \
		for (k_ = 0; k_ < (per); k_++) { body; } \
		samples[r_] = rdtsc() - t0_; \
	} \
	report(name, RUNS, per); \
} while (0)

/* The same, `runs` times (runs <= RUNS), for the longer jobs. */
#define MEASURE_N(name, runs, body) do { \
	int r_; \
	for (r_ = 0; r_ < (runs); r_++) { \
		uint64_t t0_ = rdtsc(); \
		{ body; } \
		samples[r_] = rdtsc() - t0_; \
	} \
	report(name, runs, 1); \
} while (0)

#define NBATCH 256
#define BRUNS 101

/* Map and unmap NBATCH existing pages: one call per page each way,
 * then one batched call each way. */
static void
batch_rows(uint64_t va)
{
	static uint64_t bp[NBATCH];
	static struct xok_page_map bv[NBATCH];
	uint64_t k;
	int bad = 0;

	if (sys_page_alloc_many(0, XOK_SELF, 0, bp, NBATCH) != NBATCH) {
		printf("BENCH-ERROR page_alloc_many\n");
		return;
	}
	for (k = 0; k < NBATCH; k++)
		bv[k] = (struct xok_page_map){ va + k * XOK_PGSIZE, bp[k],
		    XOK_PTE_W, 0, 0 };
	MEASURE_N("256 pages map + unmap, one call per page", BRUNS, {
		for (k = 0; k < NBATCH; k++)
			bad += sys_page_map(XOK_SELF, va + k * XOK_PGSIZE,
			    bp[k], XOK_PTE_W, 0, 0) != 0;
		for (k = 0; k < NBATCH; k++)
			bad += sys_page_unmap(XOK_SELF, va + k * XOK_PGSIZE,
			    0) != 0;
	});
	MEASURE_N("256 pages map + unmap, batched (one call each way)", BRUNS, {
		bad += sys_page_map_many(XOK_SELF, 0, bv, NBATCH) != NBATCH;
		bad += sys_page_unmap_range(XOK_SELF, va, NBATCH, 0) != NBATCH;
	});
	if (bad)
		printf("BENCH-ERROR %d batch calls failed\n", bad);
	for (k = 0; k < NBATCH; k++)
		sys_page_free(bp[k], 0);
}

static void
fault_handler(struct xok_frame *f)
{
	if (f->trapno == 14)
		sys_page_map(XOK_SELF, fix_va, fix_ppn, XOK_PTE_W, 0, 0);
	else
		f->rip += 2;                    /* ud2 */
}

static void
ipc_handler(struct xok_frame *f, struct exos_ipc *m)
{
	(void)f;
	memcpy(m->reply, m->w, sizeof(m->reply));
}

static int64_t
spawn_self(uint64_t mode, int slices)
{
	uint64_t size;
	struct exos_spawn sp = { .arg = mode, .slices = slices, .start = 1 };

	sp.image = exos_module("micro.elf", &size);
	sp.size = size;
	return sp.image ? exos_spawn(&sp) : -XE_NOENT;
}

int
main(uint64_t arg)
{
	uint64_t va = 0x0000000400000000UL, w[4] = { 1, 2, 3, 4 }, reply[4];
	int64_t ppn, srv, yl;
	int i;

	if (arg == M_SERVER) {
		exos_ipc_handler = ipc_handler;
		exos_upcalls_install(EXOS_UP(XOK_UP_IPC), 0);
		for (;;)
			sys_yield(XOK_SELF);
	}
	if (arg == M_YIELDER) {
		uint64_t parent = xok_env_info(xok_self())->parent;

		for (;;)
			sys_yield(parent);
	}

	printf("BENCH-START tsc %lu kHz, %d runs per operation, medians\n",
	    XOK_INFO->tsc_hz / 1000, RUNS);
	printf("BENCH-CLOCK|%lu|%lu|%lu|%lu\n", XOK_INFO->tsc_hz / 1000,
	    XOK_INFO->tsc_hz_check / 1000, XOK_INFO->tsc_check_src,
	    XOK_INFO->tsc_cal_ppm);
	MEASURE("null kernel call", 10, sys_null());

	exos_fault_handler = fault_handler;
	exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0);
	ppn = sys_page_alloc(XOK_PPN_ANY, 0);
	fix_va = va, fix_ppn = (uint64_t)ppn;
	for (i = 0; i < RUNS; i++) {
		uint64_t t0;

		sys_page_map(XOK_SELF, va, (uint64_t)ppn, 0, 0, 0);  /* RO */
		t0 = rdtsc();
		*(volatile uint64_t *)va = (uint64_t)i;
		samples[i] = rdtsc() - t0;
	}
	report("exception upcall (RO write, remap, resume)", RUNS, 1);
	{
		extern uint64_t nofp_va, nofp_ppn;
		void nofp_fault_handler(struct xok_frame *f);

		nofp_va = va, nofp_ppn = (uint64_t)ppn;
		exos_fault_handler = nofp_fault_handler;
		exos_upcalls_install(EXOS_UP(XOK_UP_FAULT) | EXOS_UP_FAULT_NOFP, 0);
		for (i = 0; i < RUNS; i++) {
			uint64_t t0;

			sys_page_map(XOK_SELF, va, (uint64_t)ppn, 0, 0, 0);
			t0 = rdtsc();
			*(volatile uint64_t *)va = (uint64_t)i;
			samples[i] = rdtsc() - t0;
		}
		report("exception upcall, handler saves no FP state", RUNS, 1);
		exos_fault_handler = fault_handler;
		exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0);
	}
	MEASURE("exception upcall (ud2, resume, no call)", 1,
	    __asm__ volatile("ud2"));
	MEASURE("page map + unmap", 1, {
		sys_page_map(XOK_SELF, va + XOK_PGSIZE, (uint64_t)ppn, XOK_PTE_W,
		    0, 0);
		sys_page_unmap(XOK_SELF, va + XOK_PGSIZE, 0);
	});

	MEASURE("page alloc + map + unmap + free", 1, {
		int64_t p = sys_page_alloc(XOK_PPN_ANY, 0);
		sys_page_map(XOK_SELF, va + 2 * XOK_PGSIZE, (uint64_t)p,
		    XOK_PTE_W, 0, 0);
		sys_page_unmap(XOK_SELF, va + 2 * XOK_PGSIZE, 0);
		sys_page_free((uint64_t)p, 0);
	});

	batch_rows(va + (2UL << 20));

	srv = spawn_self(M_SERVER, 1);
	for (i = 0; srv > 0 && i < 1000 &&
	    sys_ipc_call((uint64_t)srv, 0, w, reply) != 0; i++)
		sys_yield(XOK_SELF);            /* until its handler is set */
	if (srv > 0 && sys_ipc_call((uint64_t)srv, 0, w, reply) == 0) {
		int bad = 0;

		MEASURE("protected control transfer round trip", 1,
		    bad += sys_ipc_call((uint64_t)srv, 0, w, reply) != 0);
		if (bad)
			printf("BENCH-ERROR %d IPC calls failed\n", bad);
	}
	else
		printf("BENCH-ERROR ipc server: %ld\n", srv);

	yl = spawn_self(M_YIELDER, 0);
	if (yl > 0) {
		uint64_t runs0 = xok_env_info((uint64_t)yl)->runs, n;

		MEASURE("directed yield round trip", 1, sys_yield((uint64_t)yl));
		n = xok_env_info((uint64_t)yl)->runs - runs0;
		/* the share of yields after which the other one had run */
		printf("BENCH|directed yields that switched|%lu|%lu\n",
		    n * 100 / RUNS, n * 100 / RUNS);
	} else
		printf("BENCH-ERROR yielder: %ld\n", yl);

	MEASURE("environment create + destroy", 1, {
		int64_t e = sys_env_create(0);
		sys_env_destroy((uint64_t)e, 0, 0);
	});
	printf("BENCH-END\n");
	sys_shutdown(0, 0);
	return 0;
}
