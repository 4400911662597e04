/*
 * sched.c: the CPU as a vector of time slices.  Each slice is owned by
 * an environment; the scheduler walks the vector, one quantum per slice,
 * skipping slices whose owner cannot run.  Revocation is visible: when a
 * quantum ends, an environment with an epilogue entry is told and has a
 * grace period to save what it needs and yield; if it overruns, it is
 * switched out by force (the abort protocol) and told so in the prologue
 * it receives the next time it runs.  A sleeping environment is woken by
 * its own predicate, run by the scheduler when its slice comes round.
 */
#include "kern.h"

static int cur_slice = XOK_NSLICES - 1;
static int slice_left;

static int
pred_load(void *ctx, uint64_t uva, uint64_t *val)
{
	return copyin(ctx, val, uva, sizeof(*val));
}

/* 1 if e's predicate holds, 0 if not, -XE_FAULT if it could not run. */
int
pred_ready(struct env *e, uint64_t *result)
{
	int err = pred_eval(e->pred, e->npred, info, pred_load, e, result);

	if (err < 0)
		return err;
	return *result != 0;
}

/* Make a sleeping environment runnable if its predicate allows. */
static int
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

void
sched_init(struct env *init)
{
	slice_alloc(init, 0);
}

void
sched(void)
{
	for (;;) {
		int i;

		for (i = 1; i <= XOK_NSLICES; i++) {
			int s = (cur_slice + i) % XOK_NSLICES;
			struct env *e;

			if (!info->slice_owner[s])
				continue;
			e = env_lookup(info->slice_owner[s]);
			if (!e || !try_wake(e))
				continue;
			cur_slice = s;
			info->cur_slice = (uint64_t)s;
			slice_left = QUANTUM_TICKS;
			env_run(e);
		}
		/* Nothing can run: wait for the clock (predicates on time). */
		for (i = 0; i < XOK_NENV && envs[i].state == XOK_ENV_FREE; i++)
			;
		if (i == XOK_NENV) {
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
void
sched_yield_to(struct env *e)
{
	env_run(e);
}

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
	info->slice_owner[slice] = e->id;
	info->envs[e - envs].nslices++;
	return (int)slice;
}

int
slice_free(uint64_t slice)
{
	struct env *o;

	if (slice >= XOK_NSLICES)
		return -XE_RANGE;
	if (!info->slice_owner[slice])
		return -XE_NOENT;
	if ((o = env_lookup(info->slice_owner[slice])) != NULL)
		info->envs[o - envs].nslices--;
	info->slice_owner[slice] = 0;
	return 0;
}

void
slices_release(struct env *e)
{
	uint64_t s;

	for (s = 0; s < XOK_NSLICES; s++)
		if (info->slice_owner[s] == e->id)
			slice_free(s);
}

/* Run e's predicate now: can a sleeping target take a donation? */
int
sched_can_run(struct env *e)
{
	return try_wake(e);
}
