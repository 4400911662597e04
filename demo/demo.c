/*
 * demo.c: what `make run` shows.  Init spawns environments that share
 * the machine: two workers that own time slices and are told, through
 * prologue upcalls, when their slices begin; a key-value server reached
 * by protected control transfer; and a page-fault handler in user space
 * that allocates memory on demand.  Then it prints the environment table
 * from the exported kernel state (no kernel call) and powers off.
 */
#include <exos/exos.h>

enum { D_INIT, D_WORKER_A, D_WORKER_B, D_SERVER };

#define LAZY_VA 0x0000000400000000UL

static volatile uint64_t slices_seen, counter, lazy_faults;
static uint64_t table[16];

static void
worker_prologue(struct xok_frame *f)
{
	(void)f;
	slices_seen++;
}

static int
worker(const char *name)
{
	uint64_t seen = 0;

	exos_prologue_handler = worker_prologue;
	exos_upcalls_install(EXOS_UP(XOK_UP_PROLOGUE), 0);
	while (seen < 4) {
		counter++;
		if (slices_seen != seen) {
			seen = slices_seen;
			printf("  worker %s (env %lx): my slice #%lu begins at "
			    "tick %lu, count %lu\n", name, xok_self(), seen,
			    xok_ticks(), counter);
		}
	}
	printf("  worker %s: done, exiting\n", name);
	return 0;
}

/* put: w0 = 1, w1 = key, w2 = value; get: w0 = 2, w1 = key */
static void
kv_handler(struct xok_frame *f, struct exos_ipc *m)
{
	uint64_t key = m->w[1] % 16;

	(void)f;
	if (m->w[0] == 1) {
		table[key] = m->w[2];
		m->reply[0] = 0;
	} else if (m->w[0] == 2) {
		m->reply[0] = 0;
		m->reply[1] = table[key];
	} else
		m->reply[0] = (uint64_t)-1;
}

static int
server(void)
{
	exos_ipc_handler = kv_handler;
	exos_upcalls_install(EXOS_UP(XOK_UP_IPC), 0);
	while (sys_yield(XOK_SELF) == 0)        /* calls arrive as upcalls */
		;
	return 1;
}

static void
lazy_handler(struct xok_frame *f)
{
	if (f->trapno != 14 || f->addr < LAZY_VA ||
	    f->addr >= LAZY_VA + (1UL << 30)) {
		printf("demo: unexpected fault %lu at %lx\n", f->trapno, f->addr);
		exit(1);
	}
	lazy_faults++;
	exos_map_new(f->addr & ~(XOK_PGSIZE - 1), 1, XOK_PTE_W | XOK_PTE_NX);
}

static int64_t
spawn(uint64_t role, int slices)
{
	uint64_t size;
	struct exos_spawn sp = { .arg = role, .slices = slices, .start = 1 };

	sp.image = exos_module("demo.elf", &size);
	sp.size = size;
	return sp.image ? exos_spawn(&sp) : -XE_NOENT;
}

static const char *
state_name(uint32_t s)
{
	static const char *const names[] = { "free", "not runnable",
	    "runnable", "sleeping", "IPC wait" };
	return s < 5 ? names[s] : "?";
}

int
main(uint64_t arg)
{
	uint64_t w[4], reply[4], i, sum = 0;
	int64_t a, b, kv;

	if (arg == D_WORKER_A)
		return worker("A");
	if (arg == D_WORKER_B)
		return worker("B");
	if (arg == D_SERVER)
		return server();

	printf("\nXok/ExOS demo: init is env %lx; %lu free pages; the clock "
	    "runs at %lu Hz,\none time slice is %lu ticks.\n\n",
	    xok_self(), XOK_INFO->nfree, XOK_INFO->hz,
	    XOK_INFO->quantum_ticks);

	printf("1. Two workers, one time slice each, told when a slice "
	    "begins (prologue upcall):\n");
	a = spawn(D_WORKER_A, 1);
	b = spawn(D_WORKER_B, 1);
	if (a < 0 || b < 0) {
		printf("demo: spawn failed: %ld %ld\n", a, b);
		sys_shutdown(0, 1);
	}
	while (xok_env_alive((uint64_t)a) || xok_env_alive((uint64_t)b))
		sys_yield(XOK_SELF);

	printf("\n2. A key-value server reached by protected control "
	    "transfer:\n");
	kv = spawn(D_SERVER, 0);
	w[0] = 1, w[1] = 3, w[2] = 42, w[3] = 0;
	for (i = 0; i < 100 && sys_ipc_call((uint64_t)kv, 0, w, reply) != 0; i++)
		sys_yield((uint64_t)kv);        /* let it install its handler */
	printf("  put(3, 42) -> %ld\n", (int64_t)reply[0]);
	w[0] = 1, w[1] = 7, w[2] = 1997;
	sys_ipc_call((uint64_t)kv, 0, w, reply);
	printf("  put(7, 1997) -> %ld\n", (int64_t)reply[0]);
	w[0] = 2, w[1] = 3;
	sys_ipc_call((uint64_t)kv, 0, w, reply);
	printf("  get(3) -> %lu\n", reply[1]);
	w[0] = 2, w[1] = 7;
	sys_ipc_call((uint64_t)kv, 0, w, reply);
	printf("  get(7) -> %lu\n", reply[1]);

	printf("\n3. Memory on demand: our own page-fault handler maps "
	    "pages as we touch them:\n");
	exos_fault_handler = lazy_handler;
	exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0);
	for (i = 0; i < 8; i++)
		((volatile uint64_t *)(LAZY_VA + i * 64 * XOK_PGSIZE))[0] = i;
	for (i = 0; i < 8; i++)
		sum += ((volatile uint64_t *)(LAZY_VA + i * 64 * XOK_PGSIZE))[0];
	printf("  touched 8 pages, %lu faults handled in user space, "
	    "sum %lu\n", lazy_faults, sum);

	printf("\n4. The environment table, read from the exported kernel "
	    "state:\n");
	printf("  %-8s %-8s %-13s %6s %6s %7s\n", "env", "parent", "state",
	    "slices", "pages", "runs");
	for (i = 0; i < XOK_NENV; i++) {
		const volatile struct xok_env_info *e = &XOK_INFO->envs[i];

		if (!e->id)
			continue;
		printf("  %-8lx %-8lx %-13s %6u %6lu %7lu\n", e->id, e->parent,
		    state_name(e->state), e->nslices, e->npages, e->runs);
	}
	printf("\ndemo: done; powering off.\n");
	sys_shutdown(0, 0);
	return 0;
}
