/*
 * sched.c: the CPU as a vector of time slices, shared by many
 * environments.  Each slice is owned by an environment, its host; the
 * environments without slices of their own run in the slices of the
 * host they inherit from their parent (the guests: a libOS's processes
 * run in the slices their ancestor holds, and a parent that gives a
 * child slices makes it a host of its own).  A host keeps a ring of its
 * guests and itself; when one of its slices comes round, the next
 * member of the ring that can run gets the quantum, round robin, so one
 * that never sleeps cannot starve the others.
 *
 * Sleepers are woken by their own predicates, run when their turn in
 * the ring comes: no tick evaluates every predicate.  The search for
 * the next runnable member runs in chunks of at most SCHED_TRIES
 * members and SCHED_PREDS predicates with interrupts off; between
 * chunks interrupts are let in, so the time the kernel spends deaf is
 * bounded whatever the number of environments (docs/ARCHITECTURE.md).
 *
 * Revocation is visible: when a quantum ends, an environment with an
 * epilogue entry is told and has a grace period to save what it needs
 * and yield; if it overruns, it is switched out by force (the abort
 * protocol) and told so in the prologue it receives the next time it
 * runs.
 */
#include "kern.h"

#define SCHED_TRIES 64          /* ring members tried per chunk */
#define SCHED_PREDS 8           /* predicates run per chunk */

static int scan_slice = XOK_NSLICES - 1;  /* the slice being searched */
static uint32_t scan_left;      /* its host's members left to try */
static unsigned idle_laps;      /* slices searched since one ran */
static unsigned nlive;          /* environments alive */
static int slice_left;

/*
 * A predicate's loads of the sleeper's memory.  The verifier allows
 * only aligned 8-byte loads at immediate user addresses, so a load never
 * crosses a page; one evaluation runs with interrupts off and nothing
 * remaps meanwhile, so the page last walked is remembered for the rest
 * of the evaluation (a predicate's loads mostly hit one or two pages).
 * Every kernel instruction counts: under the nested hypervisor of the
 * project's machines kernel code runs about 1,000 times slower than user
 * code (docs/ARCHITECTURE.md, "Hypervisor notes"), and copyin (range
 * checks, two walks and a memcpy per load) made 0.1-0.2 ms of every
 * load there.
 */
struct pred_mem {
	struct env *e;
	uint64_t page;                  /* user page last walked */
	const uint64_t *kva;            /* its kernel address; NULL: none */
};

KHOT static int
pred_load(void *ctx, uint64_t uva, uint64_t *val)
{
	struct pred_mem *m = ctx;
	uint64_t page = uva & ~(uint64_t)(PGSIZE - 1);

	if (uva % 8 != 0 || !user_range_ok(uva, 8))
		return -XE_FAULT;       /* the verifier never lets one by */
	if (!m->kva || m->page != page) {
		if (!(m->kva = uva2kva(m->e, page, 0)))
			return -XE_FAULT;
		m->page = page;
	}
	*val = m->kva[(uva - page) / 8];
	return 0;
}

/* 1 if e's predicate holds, 0 if not, -XE_FAULT if it could not run. */
KHOT int
pred_ready(struct env *e, uint64_t *result)
{
	struct pred_mem m = { .e = e, .page = 0, .kva = NULL };
	int err = pred_eval(e->pred, e->npred, info, pred_load, &m, result);

	if (err < 0)
		return err;
	return *result != 0;
}

/* Make a sleeping environment runnable if its predicate allows. */
KHOT static int
try_wake(struct env *e)
{
	uint64_t r;
	int ready;

	if (e->state != XOK_ENV_SLEEPING)
		return e->state == XOK_ENV_RUNNABLE;
	if ((ready = pred_ready(e, &r)) == 0)
		return 0;
	e->tf.rax = ready < 0 ? (uint64_t)ready : 0;
	e->state = XOK_ENV_RUNNABLE;
	env_sync_info(e);
	return 1;
}

/* ---- Hosts and their rings ------------------------------------------- */

static void
host_sync(struct env *e)
{
	info->envs[e - envs].host = e->host ? e->host->id : 0;
}

/* e, in no ring, joins host h's (or none, h NULL). */
static void
ring_join(struct env *e, struct env *h)
{
	e->host = h;
	if (h && h != e) {
		e->rnext = h;
		e->rprev = h->rprev;
		h->rprev->rnext = e;
		h->rprev = e;
		h->nmembers++;
	} else
		e->rnext = e->rprev = e;
	host_sync(e);
}

/* e leaves its host's ring (not the host itself). */
static void
ring_leave(struct env *e)
{
	struct env *h = e->host;

	if (h && h != e) {
		if (h->cursor == e)
			h->cursor = e->rnext;
		e->rprev->rnext = e->rnext;
		e->rnext->rprev = e->rprev;
		h->nmembers--;
	}
	e->rnext = e->rprev = e;
	e->host = NULL;
}

static void
host_make(struct env *e)
{
	ring_leave(e);
	e->cursor = e;
	e->nmembers = 1;
	ring_join(e, e);
}

/* Host h gives up hosting (it has no slice left, or it dies): every
 * member of its ring moves to the host of h's nearest living ancestor
 * (the quota parent), or to none.  h itself is left in no ring. */
static void
host_drop(struct env *h)
{
	struct env *p = h->qparent ? env_lookup(h->qparent) : NULL;
	struct env *to = p ? p->host : NULL, *m, *next;

	for (m = h->rnext; m != h; m = next) {
		next = m->rnext;
		m->rnext = m->rprev = m;
		ring_join(m, to);
	}
	h->rnext = h->rprev = h->cursor = h;
	h->nmembers = 0;
	h->host = NULL;
	host_sync(h);
}

/* A new environment runs in its parent's host's slices. */
void
sched_env_new(struct env *e, struct env *parent)
{
	nlive++;
	e->rnext = e->rprev = e;
	ring_join(e, parent ? parent->host : NULL);
}

/* e dies: its slices are free, its guests move up, it leaves its ring. */
void
sched_env_gone(struct env *e)
{
	uint64_t s;

	for (s = 0; s < XOK_NSLICES; s++)
		if (info->slice_owner[s] == e->id)
			info->slice_owner[s] = 0;
	e->nslices = 0;
	info->envs[e - envs].nslices = 0;
	if (e->host == e)
		host_drop(e);
	else
		ring_leave(e);
	nlive--;
}

/* ---- The scheduler --------------------------------------------------- */

void
sched_init(struct env *init)
{
	slice_alloc(init, 0);
}

static struct env *
slice_host(int s)
{
	uint64_t id = info->slice_owner[s];

	return id ? env_lookup(id) : NULL;
}

/* What one chunk did: ring members tried, predicates run, slice steps. */
struct chunk_cost {
	unsigned tries, preds, slices;
};

/*
 * One chunk of the search: go on round the slices from where the last
 * search stopped, trying the members of each slice's host's ring in
 * turn (at most one lap per slice).  Returns the environment to run in
 * scan_slice, or NULL when the chunk's budget ran out (*more set) or a
 * whole round found nothing runnable.  A chunk tries at most
 * SCHED_TRIES members, runs at most SCHED_PREDS predicates and takes at
 * most 2 * (XOK_NSLICES + 1) slice steps (one lap of the vector, each
 * step perhaps followed by one for an owner found dead); *c says what
 * it did, and sched() exports the most of each.
 */
static struct env *
sched_chunk(int *more, struct chunk_cost *c)
{
	struct env *h, *e;

	*more = 0;
	c->tries = c->preds = c->slices = 0;
	while (idle_laps <= XOK_NSLICES) {
		if (c->tries == SCHED_TRIES || c->preds == SCHED_PREDS) {
			*more = 1;
			return NULL;
		}
		if (scan_left == 0) {
			scan_slice = (scan_slice + 1) % XOK_NSLICES;
			idle_laps++;
			c->slices++;
			h = slice_host(scan_slice);
			scan_left = h ? h->nmembers : 0;
			continue;
		}
		if (!(h = slice_host(scan_slice))) {    /* its owner died */
			scan_left = 0;
			c->slices++;
			continue;
		}
		e = h->cursor;
		h->cursor = e->rnext;
		scan_left--;
		c->tries++;
		if (e->state == XOK_ENV_SLEEPING)
			c->preds++;
		if (try_wake(e)) {
			scan_left = 0;  /* the next search starts at the next slice */
			idle_laps = 0;
			return e;
		}
	}
	idle_laps = 0;
	return NULL;
}

static void
chunk_account(uint64_t t, const struct chunk_cost *c)
{
	info->sched_chunks++;
	info->sched_chunk_cycles += t;
	if (t > info->sched_chunk_max)
		info->sched_chunk_max = t;
	if (c->tries > info->sched_chunk_tries_max)
		info->sched_chunk_tries_max = c->tries;
	if (c->preds > info->sched_chunk_preds_max)
		info->sched_chunk_preds_max = c->preds;
	if (c->slices > info->sched_chunk_slices_max)
		info->sched_chunk_slices_max = c->slices;
}

void
sched(void)
{
	for (;;) {
		uint64_t t0 = rdtsc();
		struct chunk_cost c;
		struct env *e;
		int more;

		e = sched_chunk(&more, &c);
		chunk_account(rdtsc() - t0, &c);
		if (e) {
			info->cur_slice = (uint64_t)scan_slice;
			slice_left = QUANTUM_TICKS;
			env_run(e);
		}
		if (more) {
			/* let a pending interrupt in, then search on */
			__asm__ volatile("sti; nop; cli" ::: "memory");
			continue;
		}
		/* Nothing can run: wait for the clock (predicates on time). */
		if (nlive == 0) {
			kprintf("xok: no environments left; powering off\n");
			qemu_exit(2);
		}
		curenv = NULL;
		info->cur_env = 0;
		sti_hlt();
	}
}

/* A clock tick while curenv ran (its context is saved). */
void
sched_tick(void)
{
	struct env *e = curenv;

	if (e->in_epilogue) {
		if (rdtsc() < e->grace_end)
			return;
		/* Abort protocol: off by force, told at the next prologue. */
		e->in_epilogue = 0;
		e->aborted = 1;
		e->need_prologue = 1;
		info->envs[e - envs].aborts++;
		sched();
	}
	if (--slice_left > 0)
		return;
	if (e->up.epilogue) {
		if (upcall_push(e, XOK_UP_EPILOGUE, e->up.epilogue, 0, 0, 0,
		    0) == 0) {
			e->in_epilogue = 1;
			e->grace_end = rdtsc() + info->tsc_hz / 1000 * GRACE_MS;
			return;
		}
		kprintf("xok: env %x: cannot deliver epilogue\n", e->id);
		env_destroy(e, XOK_EXIT_UPCALL);
		sched();
	}
	e->need_prologue = 1;
	sched();
}

/* The running environment gives up the rest of its slice. */
void
sched_slice_done(void)
{
	struct env *e = curenv;

	e->in_epilogue = 0;
	e->need_prologue = 1;
	sched();
}

/* Donate the rest of the slice to e (already checked runnable). */
KHOT void
sched_yield_to(struct env *e)
{
	env_run(e);
}

/* Give e a slice (any free one: XOK_SLICE_ANY); its first makes it a
 * host, and the environments it makes from then on run in its slices. */
int
slice_alloc(struct env *e, uint64_t slice)
{
	uint64_t s;

	if (slice == XOK_SLICE_ANY) {
		for (s = 0; s < XOK_NSLICES; s++)
			if (!info->slice_owner[s])
				break;
		if (s == XOK_NSLICES)
			return -XE_NOMEM;
		slice = s;
	}
	if (slice >= XOK_NSLICES)
		return -XE_RANGE;
	if (info->slice_owner[slice])
		return -XE_BUSY;
	if (e->nslices++ == 0)
		host_make(e);
	info->slice_owner[slice] = e->id;
	info->envs[e - envs].nslices = e->nslices;
	return (int)slice;
}

/* Free a slice; an owner left without one stops hosting: it and its
 * guests run in its ancestor's host's slices. */
int
slice_free(uint64_t slice)
{
	struct env *o;

	if (slice >= XOK_NSLICES)
		return -XE_RANGE;
	if (!info->slice_owner[slice])
		return -XE_NOENT;
	o = env_lookup(info->slice_owner[slice]);
	info->slice_owner[slice] = 0;
	if (o) {
		info->envs[o - envs].nslices = --o->nslices;
		if (o->nslices == 0) {
			struct env *p = o->qparent ?
			    env_lookup(o->qparent) : NULL;

			host_drop(o);
			ring_join(o, p ? p->host : NULL);
		}
	}
	return 0;
}

/* Run e's predicate now: can a sleeping target take a donation? */
KHOT int
sched_can_run(struct env *e)
{
	return try_wake(e);
}
