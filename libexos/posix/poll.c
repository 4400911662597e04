/*
 * poll.c: poll, ppoll, select, pselect6, and the family-wide event
 * word.
 *
 * Each file type's poll operation (fd.h) says what is ready now and
 * names a word that changes when that might change (a pipe's ev, the
 * kernel's console counter).  When nothing is ready the caller sleeps
 * (px_block) on those words, or, when they are more than px_block can
 * watch, on the family-wide event word (every pipe and tty move bumps
 * it, px_poll_kick) and the console counter.  A type with no poll
 * operation (regular files, directories, /dev/null, /dev/zero,
 * /dev/urandom) is always ready for reading and writing, as on Linux.
 * The signal mask of ppoll and pselect6 is set through rt_sigprocmask
 * for the call (not atomically with the sleep's start: a signal that
 * arrives between the two is taken then, not lost).
 */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include "posix.h"
#include "pipe.h"
#include "block.h"
#include "uaccess.h"

#define POLL_MAXFDS     1024    /* Linux's RLIMIT_NOFILE default */

/* The family-wide event word: the shared region's object PX_ROOT_POLL
 * (shm.h); a private word if there is no region (nobody to wake). */
PX_HOT static volatile uint64_t *
event_word(void)
{
	static volatile uint64_t *w, none;

	if (!w)
		w = px_shm_root(PX_ROOT_POLL, sizeof(*w));
	return w ? w : &none;
}

PX_HOT void
px_poll_kick(void)
{
	__atomic_add_fetch(event_word(), 1, __ATOMIC_RELEASE);
}

const volatile uint64_t *
px_poll_word(void)
{
	return event_word();
}

/* The deadline of a timeout in ns (boot time); UINT64_MAX: none. */
static uint64_t
deadline_of(uint64_t ns)
{
	uint64_t now = px_now_ns();

	return ns >= UINT64_MAX - now ? UINT64_MAX - 1 : now + ns;
}

/* Poll n descriptors (kernel copies) until one is ready or deadline:
 * the count ready, or -errno. */
static long
poll_fds(struct pollfd *pf, size_t n, uint64_t deadline)
{
	for (;;) {
		const volatile uint64_t *w[PX_BLOCK_MAXW];
		uint64_t seen[PX_BLOCK_MAXW];
		uint64_t fam = *px_poll_word(), rx = XOK_INFO->cons_rx;
		int nw = 0, over = 0;
		long count = 0, r;
		size_t i;

		for (i = 0; i < n; i++) {
			struct px_ofile *f;
			const struct px_fops *ops;
			const volatile uint64_t *word = NULL;
			uint64_t s = 0;
			short rev;
			int j;

			pf[i].revents = 0;
			if (pf[i].fd < 0)
				continue;
			if (!(f = px_fd_io(pf[i].fd))) {
				pf[i].revents = POLLNVAL;
				count++;
				continue;
			}
			ops = f->type < PX_FT_NTYPES ? px_fops[f->type] : NULL;
			if (ops && ops->poll)
				rev = ops->poll(f, pf[i].events, &word, &s);
			else
				rev = POLLIN | POLLOUT | POLLRDNORM |
				    POLLWRNORM;
			rev &= (short)(pf[i].events | POLLERR | POLLHUP);
			if ((pf[i].revents = rev) != 0)
				count++;
			if (!word)
				continue;
			for (j = 0; j < nw && w[j] != word; j++)
				;
			if (j < nw)
				continue;
			if (nw == PX_BLOCK_MAXW) {
				over = 1;
				continue;
			}
			w[nw] = word;
			seen[nw++] = s;
		}
		if (count)
			return count;
		if (px_now_ns() >= deadline)
			return 0;
		if (over) {
			w[0] = px_poll_word();
			seen[0] = fam;
			w[1] = &XOK_INFO->cons_rx;
			seen[1] = rx;
			nw = 2;
		}
		r = px_block(w, seen, nw, deadline);
		if (r < 0 && r != -ETIMEDOUT)
			return r;
	}
}

/* Set the signal mask for the call (ppoll, pselect6); the old one in
 * *old.  0, or -errno. */
static long
mask_set(const void *umask, size_t size, sigset_t *old, int *set)
{
	long r;

	*set = 0;
	if (!umask)
		return 0;
	if (size != 8)
		return -EINVAL;
	r = __exos_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)umask,
	    (long)old, 8, 0, 0);
	if (r == -ENOSYS)
		return 0;               /* no signals yet: nothing to mask */
	if (r < 0)
		return r;
	*set = 1;
	return 0;
}

static void
mask_restore(const sigset_t *old, int set)
{
	if (set)
		__exos_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)old, 0,
		    8, 0, 0);
}

static long
do_poll(struct pollfd *ufds, unsigned long n, uint64_t deadline)
{
	static struct pollfd pf[POLL_MAXFDS];
	long r;

	if (n > POLL_MAXFDS)
		return -EINVAL;
	if (px_copyin(pf, ufds, n * sizeof(*pf)) < 0)
		return -EFAULT;
	r = poll_fds(pf, n, deadline);
	if (r >= 0 && px_copyout(ufds, pf, n * sizeof(*pf)) < 0)
		return -EFAULT;
	return r;
}

/* poll(fds, nfds, timeout_ms) */
long
px_poll(PX_ARGS)
{
	int ms = (int)a3;

	PX_UNUSED;
	return do_poll((struct pollfd *)a1, (unsigned long)a2,
	    ms < 0 ? UINT64_MAX : deadline_of((uint64_t)ms * 1000000u));
}

static long
ts_deadline(const struct timespec *uts, uint64_t *deadline)
{
	struct timespec ts;

	*deadline = UINT64_MAX;
	if (!uts)
		return 0;
	if (px_copyin(&ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	*deadline = (uint64_t)ts.tv_sec > UINT64_MAX / 1000000000u ?
	    UINT64_MAX - 1 : deadline_of((uint64_t)ts.tv_sec * 1000000000u +
	    (uint64_t)ts.tv_nsec);
	return 0;
}

/* What is left of a deadline, back into the caller's timespec or
 * timeval (Linux updates them). */
static void
ts_left(uint64_t deadline, struct timespec *uts, struct timeval *utv)
{
	uint64_t now = px_now_ns(), left = deadline > now ? deadline - now : 0;

	if (uts) {
		struct timespec ts = { (time_t)(left / 1000000000u),
		    (long)(left % 1000000000u) };

		px_copyout(uts, &ts, sizeof(ts));
	}
	if (utv) {
		struct timeval tv = { (time_t)(left / 1000000000u),
		    (suseconds_t)(left % 1000000000u / 1000u) };

		px_copyout(utv, &tv, sizeof(tv));
	}
}

/* ppoll(fds, nfds, tmo_p, sigmask, sigsetsize) */
long
px_ppoll(PX_ARGS)
{
	struct timespec *uts = (struct timespec *)a3;
	uint64_t deadline;
	sigset_t old;
	int set;
	long r;

	PX_UNUSED;
	if ((r = ts_deadline(uts, &deadline)) < 0)
		return r;
	if ((r = mask_set((const void *)a4, (size_t)a5, &old, &set)) < 0)
		return r;
	r = do_poll((struct pollfd *)a1, (unsigned long)a2, deadline);
	mask_restore(&old, set);
	if (uts && deadline != UINT64_MAX)
		ts_left(deadline, uts, NULL);
	return r;
}

/* select's three sets through poll; the count of bits set. */
static long
do_select(int nfds, fd_set *ur, fd_set *uw, fd_set *ue, uint64_t deadline)
{
	static struct pollfd pf[POLL_MAXFDS];
	fd_set r, w, e;
	size_t words, n = 0, i;
	long k;
	int fd;

	if (nfds < 0)
		return -EINVAL;
	if (nfds > POLL_MAXFDS)
		nfds = POLL_MAXFDS;
	words = ((size_t)nfds + 63) / 64 * 8;
	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	memset(&e, 0, sizeof(e));
	if ((ur && px_copyin(&r, ur, words) < 0) ||
	    (uw && px_copyin(&w, uw, words) < 0) ||
	    (ue && px_copyin(&e, ue, words) < 0))
		return -EFAULT;
	for (fd = 0; fd < nfds; fd++) {
		short ev = (short)((FD_ISSET(fd, &r) ? POLLIN : 0) |
		    (FD_ISSET(fd, &w) ? POLLOUT : 0) |
		    (FD_ISSET(fd, &e) ? POLLPRI : 0));

		if (!ev)
			continue;
		pf[n].fd = fd;
		pf[n++].events = ev;
	}
	if ((k = poll_fds(pf, n, deadline)) < 0)
		return k;
	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	memset(&e, 0, sizeof(e));
	k = 0;
	for (i = 0; i < n; i++) {
		short rev = pf[i].revents;

		if (rev & POLLNVAL)
			return -EBADF;
		if ((pf[i].events & POLLIN) &&
		    (rev & (POLLIN | POLLHUP | POLLERR))) {
			FD_SET(pf[i].fd, &r);
			k++;
		}
		if ((pf[i].events & POLLOUT) && (rev & (POLLOUT | POLLERR))) {
			FD_SET(pf[i].fd, &w);
			k++;
		}
		if ((pf[i].events & POLLPRI) && (rev & POLLPRI)) {
			FD_SET(pf[i].fd, &e);
			k++;
		}
	}
	if ((ur && px_copyout(ur, &r, words) < 0) ||
	    (uw && px_copyout(uw, &w, words) < 0) ||
	    (ue && px_copyout(ue, &e, words) < 0))
		return -EFAULT;
	return k;
}

/* select(nfds, readfds, writefds, exceptfds, timeout) */
long
px_select(PX_ARGS)
{
	struct timeval *utv = (struct timeval *)a5, tv;
	uint64_t deadline = UINT64_MAX;
	long r;

	PX_UNUSED;
	if (utv) {
		if (px_copyin(&tv, utv, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		deadline = (uint64_t)tv.tv_sec > UINT64_MAX / 1000000000u ?
		    UINT64_MAX - 1 : deadline_of((uint64_t)tv.tv_sec *
		    1000000000u + (uint64_t)tv.tv_usec * 1000u);
	}
	r = do_select((int)a1, (fd_set *)a2, (fd_set *)a3, (fd_set *)a4,
	    deadline);
	if (utv)
		ts_left(deadline, NULL, utv);
	return r;
}

/* pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}) */
long
px_pselect6(PX_ARGS)
{
	struct timespec *uts = (struct timespec *)a5;
	struct { const void *ss; size_t len; } sm = { NULL, 0 };
	uint64_t deadline;
	sigset_t old;
	int set;
	long r;

	if ((r = ts_deadline(uts, &deadline)) < 0)
		return r;
	if (a6 && px_copyin(&sm, (const void *)a6, sizeof(sm)) < 0)
		return -EFAULT;
	if ((r = mask_set(sm.ss, sm.len, &old, &set)) < 0)
		return r;
	r = do_select((int)a1, (fd_set *)a2, (fd_set *)a3, (fd_set *)a4,
	    deadline);
	mask_restore(&old, set);
	if (uts && deadline != UINT64_MAX)
		ts_left(deadline, uts, NULL);
	return r;
}
