/*
 * runtime.c: process start and exit, console output, page memory and
 * upcall registration for ExOS programs.
 */
#include <exos/exos.h>

exos_fault_fn exos_fault_handler, exos_epilogue_handler,
    exos_prologue_handler, exos_reflect_handler;
exos_ipc_fn exos_ipc_handler;
extern char exos_fault_entry[], exos_fault_entry_nofp[];
extern char exos_epilogue_entry[], exos_prologue_entry[],
    exos_ipc_entry[], exos_reflect_entry[];

static uint64_t heap_next = EXOS_HEAP_BASE;
static int upstack_ready;

void exos_init(void);

void
exos_init(void)
{
}

void
exit(int code)
{
	sys_env_destroy(XOK_SELF, 0, (uint64_t)code & 0xff);
	for (;;)
		;
}

/* ---- Console ---------------------------------------------------------- */

struct outbuf {
	char buf[256];
	size_t n;
};

/* CONS_WRITE takes at most XOK_CONS_MAX bytes a call, and none while
 * the UART is still sending: loop, giving the CPU away while it drains.
 * A line the UART refuses for a whole second is dropped. */
static void
out_flush(struct outbuf *o)
{
	size_t done = 0;
	uint64_t since = xok_ticks();

	while (done < o->n) {
		int64_t r = sys_cons_write(o->buf + done, o->n - done);

		if (r < 0)
			break;
		if (r > 0) {
			done += (size_t)r;
			since = xok_ticks();
		} else if (xok_ticks() - since > XOK_INFO->hz)
			break;
		else
			sys_yield(XOK_SELF);
	}
	o->n = 0;
}

static void
out_putc(int c, void *arg)
{
	struct outbuf *o = arg;

	o->buf[o->n++] = (char)c;
	if (o->n == sizeof(o->buf) || c == '\n')
		out_flush(o);
}

int
vprintf(const char *fmt, va_list ap)
{
	struct outbuf o;
	int n;

	o.n = 0;
	n = vformat(out_putc, &o, fmt, ap);
	out_flush(&o);
	return n;
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int
puts(const char *s)
{
	return printf("%s\n", s);
}

/* ---- Memory ----------------------------------------------------------- */

int
exos_map_new(uint64_t va, uint64_t npages, uint64_t perm)
{
	uint64_t i;

	for (i = 0; i < npages; i++) {
		int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);
		int64_t err;

		if (ppn < 0)
			return (int)ppn;
		if ((err = sys_page_map(XOK_SELF, va + i * XOK_PGSIZE,
		    (uint64_t)ppn, perm, 0, 0)) < 0) {
			sys_page_free((uint64_t)ppn, 0);
			return (int)err;
		}
		/* no memset: the kernel hands every page out zeroed */
	}
	return 0;
}

void *
exos_page_alloc(void)
{
	uint64_t va = heap_next;

	if (exos_map_new(va, 1, XOK_PTE_W | XOK_PTE_NX) < 0)
		return NULL;
	heap_next += XOK_PGSIZE;
	return (void *)va;
}

/* ---- Upcalls ---------------------------------------------------------- */

int
exos_upcalls_install(unsigned which, uint64_t flags)
{
	struct xok_upcalls up;
	uint64_t lo = EXOS_UPSTACK_HI - EXOS_UPSTACK_PAGES * XOK_PGSIZE;
	int err;

	if (!upstack_ready) {
		if ((err = exos_map_new(lo, EXOS_UPSTACK_PAGES,
		    XOK_PTE_W | XOK_PTE_NX)) < 0)
			return err;
		upstack_ready = 1;
	}
	memset(&up, 0, sizeof(up));
	if (which & EXOS_UP(XOK_UP_FAULT))
		up.fault = (uint64_t)((which & EXOS_UP_FAULT_NOFP) ?
		    exos_fault_entry_nofp : exos_fault_entry);
	if (which & EXOS_UP(XOK_UP_EPILOGUE))
		up.epilogue = (uint64_t)exos_epilogue_entry;
	if (which & EXOS_UP(XOK_UP_PROLOGUE))
		up.prologue = (uint64_t)exos_prologue_entry;
	if (which & EXOS_UP(XOK_UP_IPC))
		up.ipc = (uint64_t)exos_ipc_entry;
	if (which & EXOS_UP(XOK_UP_REFLECT))
		up.reflect = (uint64_t)exos_reflect_entry;
	up.stack_lo = lo;
	up.stack_hi = EXOS_UPSTACK_HI;
	up.flags = flags;
	return (int)sys_env_set_upcalls(XOK_SELF, 0, &up);
}

/* ---- Sleeping on predicates ------------------------------------------ */

int
exos_sleep_until_ne(const volatile uint64_t *addr, uint64_t old)
{
	struct xok_pred_insn p[4] = {
		{ .op = XP_LDU, .a = 0, .imm = (uint64_t)addr },
		{ .op = XP_LDI, .a = 1, .imm = old },
		{ .op = XP_NE, .a = 0, .b = 1 },
		{ .op = XP_RET, .a = 0 },
	};

	return (int)sys_sleep(p, 4);
}

int
exos_sleep_until_tick(uint64_t ticks)
{
	struct xok_pred_insn p[4] = {
		{ .op = XP_LDK, .a = 0, .imm = __builtin_offsetof(struct xok_info, ticks) },
		{ .op = XP_LDI, .a = 1, .imm = ticks },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_RET, .a = 0 },
	};

	return (int)sys_sleep(p, 4);
}
