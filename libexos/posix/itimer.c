/*
 * itimer.c: alarm, setitimer and getitimer for ITIMER_REAL: a deadline
 * on the boot-time clock (px_now_ns) and an interval.  Nothing ticks:
 * the deadline (px_itimer_dl) is looked at where signals are (px_itimer_poll from
 * px_block, whose wake-up predicate includes it, from the end of every
 * call and from the epilogue upcall at each end of a time slice), and
 * SIGALRM is posted when it has passed.  ITIMER_VIRTUAL and ITIMER_PROF
 * need the process's CPU time, which the kernel does not export: EINVAL.
 * fork clears the timer (the child has none, as in Linux); execve keeps
 * it (px_sig_carry).
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include "posix.h"
#include "sig.h"
#include "uaccess.h"

#define NS      1000000000UL

uint64_t px_itimer_dl;                  /* 0: disarmed (sig.h) */
static uint64_t interval;

PX_HOT void
px_itimer_poll(void)
{
	uint64_t now;

	if (!px_itimer_dl || (now = px_now_ns()) < px_itimer_dl)
		return;
	if (interval) {
		px_itimer_dl += interval;
		if (px_itimer_dl <= now)
			px_itimer_dl = now + interval;
	} else
		px_itimer_dl = 0;
	px_sig_post_code(SIGALRM, SI_KERNEL);
}

PX_HOT uint64_t
px_itimer_deadline(void)
{
	return px_itimer_dl ? px_itimer_dl : UINT64_MAX;
}

void
px_itimer_child(void)
{
	px_itimer_dl = interval = 0;
}

void
px_itimer_save(uint64_t *left, uint64_t *ival)
{
	uint64_t now = px_now_ns();

	*left = !px_itimer_dl ? 0 : px_itimer_dl > now ? px_itimer_dl - now : 1;
	*ival = interval;
}

void
px_itimer_load(uint64_t left, uint64_t ival)
{
	px_itimer_dl = left ? px_now_ns() + left : 0;
	interval = ival;
}

static void
to_tv(struct timeval *tv, uint64_t ns)
{
	/* round up, so an armed timer never reads 0 */
	ns = (ns + 999) / 1000;
	tv->tv_sec = (time_t)(ns / 1000000);
	tv->tv_usec = (suseconds_t)(ns % 1000000);
}

static void
current(struct itimerval *v)
{
	uint64_t now = px_now_ns();

	to_tv(&v->it_interval, interval);
	to_tv(&v->it_value, !px_itimer_dl ? 0 : px_itimer_dl > now ?
	    px_itimer_dl - now : 1);
}

/* A timeval in ns; -1 if it is not one (Linux's EINVAL). */
static int64_t
tv_ns(const struct timeval *tv)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -1;
	if ((uint64_t)tv->tv_sec > (UINT64_MAX >> 2) / NS)
		return (int64_t)(UINT64_MAX >> 2);      /* forever enough */
	return (int64_t)((uint64_t)tv->tv_sec * NS +
	    (uint64_t)tv->tv_usec * 1000);
}

static int
uok(long p, size_t n)
{
	return (uint64_t)p >= XOK_UVA_MIN && (uint64_t)p < XOK_UVA_END &&
	    n <= XOK_UVA_END - (uint64_t)p;
}

long
px_setitimer(PX_ARGS)
{
	struct itimerval nv, ov;
	int64_t v, iv;
	long r;

	PX_UNUSED;
	if (a1 != ITIMER_REAL)
		return -EINVAL;         /* VIRTUAL, PROF: no CPU clock */
	if (a2) {
		if (!uok(a2, sizeof(nv)))
			return -EFAULT;
		if ((r = px_copyin(&nv, (const void *)a2, sizeof(nv))) < 0)
			return r;
	} else
		memset(&nv, 0, sizeof(nv));     /* Linux: disarm */
	if ((v = tv_ns(&nv.it_value)) < 0 || (iv = tv_ns(&nv.it_interval)) < 0)
		return -EINVAL;
	if (a3) {
		if (!uok(a3, sizeof(ov)))
			return -EFAULT;
		current(&ov);
		if ((r = px_copyout((void *)a3, &ov, sizeof(ov))) < 0)
			return r;
	}
	px_itimer_dl = v ? px_now_ns() + (uint64_t)v : 0;
	interval = v ? (uint64_t)iv : 0;
	return 0;
}

long
px_getitimer(PX_ARGS)
{
	struct itimerval v;

	PX_UNUSED;
	if (a1 != ITIMER_REAL && a1 != ITIMER_VIRTUAL && a1 != ITIMER_PROF)
		return -EINVAL;
	if (!uok(a2, sizeof(v)))
		return -EFAULT;
	if (a1 == ITIMER_REAL)
		current(&v);
	else
		memset(&v, 0, sizeof(v));       /* never armed */
	return px_copyout((void *)a2, &v, sizeof(v));
}

/* alarm(s): the seconds left of the previous alarm (rounded to the
 * nearest, at least 1 if one was armed), then arm s (0: disarm). */
long
px_alarm(PX_ARGS)
{
	uint64_t now = px_now_ns(), left;
	long old = 0;

	PX_UNUSED;
	if (px_itimer_dl) {
		left = px_itimer_dl > now ? px_itimer_dl - now : 0;
		old = (long)((left + NS / 2) / NS);
		if (old == 0)
			old = 1;
	}
	px_itimer_dl = a1 ? now + (uint64_t)(unsigned int)a1 * NS : 0;
	interval = 0;
	return old;
}
