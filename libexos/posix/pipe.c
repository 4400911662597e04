/*
 * pipe.c: pipe and pipe2, and the file type PX_FT_PIPE (pipe.h).
 *
 * A pipe is a ring of PX_PIPE_SIZE bytes in the family's shared region
 * with two counters, head (bytes written) and tail (bytes read).  A
 * reader holds the pipe's rlock, a writer its wlock, so one of each
 * works at a time and they never wait for each other's lock: the ring
 * is a single-producer single-consumer queue between the two holders.
 * A writer copies its bytes in and only then publishes head; a reader
 * copies out and then publishes tail; so a process killed half way
 * through (its lock is taken over, shm.h) leaves the ring consistent.
 *
 * Waiting: a reader with nothing to read sleeps (px_block) until head
 * or ev changes, a writer with no room until tail or ev does; ev
 * changes at every move and at every close.  A process that moves the
 * ring and finds the other side asleep (rwait/wwait: its environment)
 * yields to it directly, so a ping-pong goes from one process to the
 * other without waiting for the scheduler to re-run predicates; and a
 * process that goes to sleep names the other side's last mover
 * (renv/wenv) to run in its place (px_block_to, Xok's SLEEP_TO), so
 * the way back skips the scheduler's search too.
 * EOF: no writer left and the ring empty.  EPIPE and SIGPIPE: no
 * reader left.  Writes of at most PX_PIPE_BUF bytes go in whole (they
 * wait for room for all of them); longer ones may be split.
 * (fifo) A named pipe (fifo.c) is the same ring with its own opening
 * and release: an O_RDWR end of one counts as a reader and a writer.
 * (fifo4) The ends' counts and their descriptions' references change
 * only at open, close, dup, fork and release, all journaled under one
 * lock (ends.c), so a process killed in the middle of any of them
 * leaves no phantom reader or writer; a read or a write takes none of
 * it.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "posix.h"
#include "pipe.h"
#include "block.h"
#include "uaccess.h"

#define PIPE(f)         ((struct px_pipe *)(uintptr_t)(f)->obj[0])
#define MOVED(p)        (__atomic_add_fetch(&(p)->ev, 1, __ATOMIC_RELEASE), \
	px_poll_kick())

/* Give the rest of our time to the other side if it sleeps. */
PX_HOT static void
wake(volatile uint64_t *who)
{
	uint64_t env = *who;

	if (env && env != XOK_INFO->cur_env)
		sys_yield(env);
}

PX_HOT static long
pipe_read(struct px_ofile *f, void *ubuf, size_t n, int64_t off)
{
	struct px_pipe *p = PIPE(f);
	uint64_t head, tail, ev, at, k, k1;
	long r;

	(void)off;
	if (n == 0)
		return 0;
	px_lock(&p->rlock);
	for (;;) {
		ev = __atomic_load_n(&p->ev, __ATOMIC_ACQUIRE);
		head = __atomic_load_n(&p->head, __ATOMIC_ACQUIRE);
		tail = p->tail;
		if (head != tail)
			break;
		if (__atomic_load_n(&p->writers, __ATOMIC_ACQUIRE) == 0) {
			px_unlock(&p->rlock);
			return 0;
		}
		if (f->flags & O_NONBLOCK) {
			px_unlock(&p->rlock);
			return -EAGAIN;
		}
		const volatile uint64_t *w[2] = { &p->head, &p->ev };
		uint64_t seen[2] = { head, ev };

		p->rwait = XOK_INFO->cur_env;
		r = px_block_to(w, seen, 2, UINT64_MAX, p->wenv);
		p->rwait = 0;
		if (r < 0 && r != -ETIMEDOUT) {
			px_unlock(&p->rlock);
			return r;
		}
	}
	k = head - tail;
	if (k > n)
		k = n;
	at = tail % PX_PIPE_SIZE;
	k1 = PX_PIPE_SIZE - at < k ? PX_PIPE_SIZE - at : k;
	if (px_copyout(ubuf, p->buf + at, k1) < 0 ||
	    px_copyout((char *)ubuf + k1, p->buf, k - k1) < 0) {
		px_unlock(&p->rlock);
		return -EFAULT;
	}
	__atomic_store_n(&p->tail, tail + k, __ATOMIC_RELEASE);
	p->renv = XOK_INFO->cur_env;
	MOVED(p);
	px_unlock(&p->rlock);
	wake(&p->wwait);
	return (long)k;
}

static void
sigpipe(void)
{
	long pid = __exos_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);

	__exos_syscall(SYS_kill, pid, SIGPIPE, 0, 0, 0, 0);
}

PX_HOT static long
pipe_write(struct px_ofile *f, const void *ubuf, size_t n, int64_t off)
{
	struct px_pipe *p = PIPE(f);
	size_t done = 0;
	long r = 0;

	(void)off;
	if (n == 0)
		return 0;
	px_lock(&p->wlock);
	while (done < n) {
		uint64_t ev = __atomic_load_n(&p->ev, __ATOMIC_ACQUIRE);
		uint64_t tail = __atomic_load_n(&p->tail, __ATOMIC_ACQUIRE);
		uint64_t head = p->head;
		uint64_t room = PX_PIPE_SIZE - (head - tail);
		uint64_t need = n <= PX_PIPE_BUF ? n : 1;
		uint64_t k, at, k1;

		if (__atomic_load_n(&p->readers, __ATOMIC_ACQUIRE) == 0) {
			r = -EPIPE;
			break;
		}
		if (room < need) {
			if (f->flags & O_NONBLOCK) {
				r = -EAGAIN;
				break;
			}
			const volatile uint64_t *w[2] = { &p->tail, &p->ev };
			uint64_t seen[2] = { tail, ev };

			p->wwait = XOK_INFO->cur_env;
			wake(&p->rwait);
			r = px_block_to(w, seen, 2, UINT64_MAX, p->renv);
			p->wwait = 0;
			if (r < 0 && r != -ETIMEDOUT)
				break;
			r = 0;
			continue;
		}
		k = n - done < room ? n - done : room;
		at = head % PX_PIPE_SIZE;
		k1 = PX_PIPE_SIZE - at < k ? PX_PIPE_SIZE - at : k;
		if (px_copyin(p->buf + at, (const char *)ubuf + done, k1) < 0 ||
		    px_copyin(p->buf, (const char *)ubuf + done + k1,
		    k - k1) < 0) {
			r = -EFAULT;
			break;
		}
		__atomic_store_n(&p->head, head + k, __ATOMIC_RELEASE);
		p->wenv = XOK_INFO->cur_env;
		MOVED(p);
		done += k;
	}
	px_unlock(&p->wlock);
	if (r == -EPIPE)
		sigpipe();
	if (done)
		wake(&p->rwait);
	return done ? (long)done : r;
}

static long
pipe_fstat(struct px_ofile *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_dev = 0x0c;              /* Linux's pipefs is a device too */
	st->st_ino = (ino_t)(f->obj[0] - PX_SHM_VA) / 16;
	st->st_blksize = PX_PIPE_BUF;
	return 0;
}

static long
pipe_ioctl(struct px_ofile *f, unsigned long req, void *arg)
{
	struct px_pipe *p = PIPE(f);
	int n;

	switch (req) {
	case FIONREAD:
		n = (int)(p->head - p->tail);
		return px_copyout(arg, &n, sizeof(n));
	case FIONBIO:
		if (px_copyin(&n, arg, sizeof(n)) < 0)
			return -EFAULT;
		px_lock(&f->lock);
		f->flags = n ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		px_unlock(&f->lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

static short
pipe_poll(struct px_ofile *f, short events, const volatile uint64_t **word,
    uint64_t *seen)
{
	struct px_pipe *p = PIPE(f);
	short r = 0;

	(void)events;
	*word = &p->ev;
	*seen = __atomic_load_n(&p->ev, __ATOMIC_ACQUIRE);
	/* (fifo) an O_RDWR FIFO end is both */
	if ((f->flags & O_ACCMODE) != O_WRONLY) {
		if (p->head != p->tail)
			r |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			r |= POLLHUP;
	}
	if ((f->flags & O_ACCMODE) != O_RDONLY) {
		if (PX_PIPE_SIZE - (p->head - p->tail) >= PX_PIPE_BUF)
			r |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			r |= POLLERR;
	}
	return r;
}

void
px_pipe_moved(struct px_pipe *p)
{
	MOVED(p);
	wake(&p->rwait);
	wake(&p->wwait);
}

int
px_pipe_drop(struct px_pipe *p, uint32_t acc)
{
	acc &= O_ACCMODE;
	if (acc != O_WRONLY)
		__atomic_sub_fetch(&p->readers, 1, __ATOMIC_ACQ_REL);
	if (acc != O_RDONLY)
		__atomic_sub_fetch(&p->writers, 1, __ATOMIC_ACQ_REL);
	MOVED(p);
	if (__atomic_sub_fetch(&p->ends, acc == O_RDWR ? 2 : 1,
	    __ATOMIC_ACQ_REL) == 0)
		return 1;
	/* the other side may sleep on ev: let it see the close now */
	if (acc != O_RDONLY)
		wake(&p->rwait);
	if (acc != O_WRONLY)
		wake(&p->wwait);
	return 0;
}

const struct px_fops px_fops_pipe = {
	.read = pipe_read,
	.write = pipe_write,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = px_end_release,
};

/* (fifo) a named pipe: the same ring, fifo.c's stat, poll and release */
const struct px_fops px_fops_fifo = {
	.read = pipe_read,
	.write = pipe_write,
	.fstat = px_fifo_fstat,
	.ioctl = pipe_ioctl,
	.poll = px_fifo_poll,
	.release = px_end_release,
};

/* pipe2(fds, flags) */
long
px_pipe2(PX_ARGS)
{
	int *ufds = (int *)a1, flags = (int)a2, fds[2];
	int cloexec = (flags & O_CLOEXEC) != 0;
	uint32_t fl = (uint32_t)(flags & O_NONBLOCK);
	struct px_pipe *p;
	struct px_ofile *r, *w;
	long fr, fw;

	PX_UNUSED;
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	/* (fifo4) the ends' lock and journal first: every close of an
	 * end takes them (ends.c) */
	if (!px_fifo_list() || !(p = px_shm_alloc(sizeof(*p))))
		return -ENFILE;
	if (!(p->buf = px_shm_alloc(PX_PIPE_SIZE))) {
		px_shm_free(p, sizeof(*p));
		return -ENFILE;
	}
	p->readers = p->writers = 1;
	p->ends = 2;
	if (!(r = px_ofile_new(PX_FT_PIPE, O_RDONLY | fl))) {
		px_shm_free(p->buf, PX_PIPE_SIZE);
		px_shm_free(p, sizeof(*p));
		return -ENFILE;
	}
	r->obj[0] = (uint64_t)(uintptr_t)p;
	if (!(w = px_ofile_new(PX_FT_PIPE, O_WRONLY | fl))) {
		p->writers = 0;
		p->ends = 1;
		px_ofile_put(r);        /* frees the pipe */
		return -ENFILE;
	}
	w->obj[0] = (uint64_t)(uintptr_t)p;
	if ((fr = px_fd_install(r, 0, cloexec)) < 0) {
		px_ofile_put(r);
		px_ofile_put(w);
		return fr;
	}
	if ((fw = px_fd_install(w, 0, cloexec)) < 0) {
		__exos_syscall(SYS_close, fr, 0, 0, 0, 0, 0);
		px_ofile_put(w);
		return fw;
	}
	fds[0] = (int)fr;
	fds[1] = (int)fw;
	if (px_copyout(ufds, fds, sizeof(fds)) < 0) {
		__exos_syscall(SYS_close, fr, 0, 0, 0, 0, 0);
		__exos_syscall(SYS_close, fw, 0, 0, 0, 0, 0);
		return -EFAULT;
	}
	return 0;
}

long
px_pipe(PX_ARGS)
{
	PX_UNUSED;
	return px_pipe2(a1, 0, 0, 0, 0, 0);
}

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(pipe, sizeof(struct px_pipe), PX_PIPE_SIZE);
