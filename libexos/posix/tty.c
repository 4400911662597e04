/*
 * tty.c: the console tty, the file type PX_FT_CONS (/dev/console,
 * /dev/tty, and fds 0-2 of the first process, inherited by all).
 *
 * There is no terminal daemon: the tty is a struct in the family's
 * shared region (the line discipline's state, ldisc.c; the foreground
 * process group; the session; the window size) found through the
 * region's named object PX_ROOT_TTY (shm.h), and whichever process needs input
 * pulls it from the kernel's console ring (CONS_READ) and through the
 * line discipline, under the tty's lock.  Every ExOS process may: the
 * console guard [0xfd] is dominated by the root capability the kernel
 * gives the first process, and fork gives every child the same
 * capability in slot 0 (docs/ARCHITECTURE.md, "The console tty").
 *
 * Who pulls: a reader of the tty; poll; and any process of the family
 * asleep in px_block (block.c calls px_tty_hook), so ^C reaches the
 * foreground process group while the shell waits for it and nobody
 * reads.  The line discipline's queue is the flow control: input it
 * cannot take yet stays in the kernel's ring, which then holds the
 * sender back.  Output (writes and echo) goes out with CONS_WRITE,
 * which itself sends "\r\n" for every '\n' (ONLCR on or off).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include "posix.h"
#include "pipe.h"
#include "ldisc.h"
#include "block.h"
#include "uaccess.h"

#define CONS_SLOT       EXOS_SLOT_CONS  /* [0xfd] R (capslot.h) */

struct px_tty {                 /* in the shared region */
	struct px_lock lock;    /* everything below */
	volatile uint64_t ev;   /* readable input or the mode changed */
	volatile int64_t pgrp;  /* foreground process group; 0: none */
	volatile int64_t sid;   /* the session it is the terminal of */
	struct winsize ws;
	struct ldisc ld;
	volatile uint32_t ready;        /* (posixgaps) made: px_tty_init */
};

static struct ld_echo echo;     /* private: filled and sent under the lock */
static int64_t cons_err;        /* CONS_READ's refusal (no [0xfd]), or 0 */

/* The family's tty if it is made (the shared region's object
 * PX_ROOT_TTY, shm.h, once its maker set ready), else NULL. */
PX_HOT static struct px_tty *
tty_made(void)
{
	struct px_tty *t = px_shm_root_find(PX_ROOT_TTY);

	return t && __atomic_load_n(&t->ready, __ATOMIC_ACQUIRE) ? t : NULL;
}

static struct px_tty *
tty(void)
{
	struct px_tty *t = tty_made();

	if (!t && px_tty_init() == 0)
		t = tty_made();
	return t;
}

long
px_tty_init(void)
{
	struct px_tty *t;
	long g;

	if (tty_made())
		return 0;
	if (!(t = px_shm_root(PX_ROOT_TTY, sizeof(*t))))
		return -ENOMEM;
	px_lock(&t->lock);
	if (!t->ready) {                /* we are the first */
		ld_init(&t->ld);
		t->ws.ws_row = 24;
		t->ws.ws_col = 80;
		/* the process that makes it (the first) leads its session
		 * and is in the foreground */
		g = __exos_syscall(SYS_getpgid, 0, 0, 0, 0, 0, 0);
		t->pgrp = g > 0 ? g : __exos_syscall(SYS_getpid, 0, 0, 0, 0,
		    0, 0);
		g = __exos_syscall(SYS_getsid, 0, 0, 0, 0, 0, 0);
		t->sid = g > 0 ? g : t->pgrp;
		__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	}
	px_unlock(&t->lock);
	return 0;
}

struct px_ofile *
px_tty_open(uint32_t flags)
{
	if (!tty())
		return NULL;
	return px_ofile_new(PX_FT_CONS, flags);
}

/* ---- output ------------------------------------------------------------ */

/* Output processing (ONLCR) and send; the bytes of src consumed. */
static long
tty_out(struct px_tty *t, const uint8_t *src, size_t n)
{
	uint8_t out[512];
	size_t used = 0, u, made;
	long r;

	while (used < n) {
		/* ONLCR is the kernel's: CONS_WRITE sends "\r\n" for '\n' */
		u = ld_output(t->ld.t.c_oflag & ~(uint32_t)ONLCR, src + used,
		    n - used, out, sizeof(out), &made);
		if ((r = px_cons_send(out, made)) < 0)
			return used ? (long)used : r;
		used += u;
	}
	return (long)used;
}

static long
tty_write(struct px_ofile *f, const void *ubuf, size_t n, int64_t off)
{
	struct px_tty *t = tty();
	uint8_t chunk[256];
	size_t done = 0, k;
	long r;

	(void)f;
	(void)off;
	if (!t)
		return -EIO;
	while (done < n) {
		k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
		if (px_copyin(chunk, (const char *)ubuf + done, k) < 0)
			return done ? (long)done : -EFAULT;
		if ((r = tty_out(t, chunk, k)) < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if ((size_t)r < k)
			break;
	}
	return (long)done;
}

/* ---- input ------------------------------------------------------------- */

static void
echo_flush(struct px_tty *t)
{
	if (echo.n)
		tty_out(t, echo.b, echo.n);
	echo.n = 0;
}

/* Take what the kernel's ring holds, as much as the line discipline can
 * take, under t's lock; the signal a character asked for (0: none).
 * Bumps ev if anything came in. */
static int
pump(struct px_tty *t)
{
	uint8_t b[64];
	int sig = 0, s;
	size_t room, i;
	int64_t r;
	int moved = 0;

	while ((room = ld_space(&t->ld)) > 0) {
		if (room > sizeof(b))
			room = sizeof(b);
		if ((r = sys_cons_read(b, room, CONS_SLOT)) <= 0) {
			cons_err = r < 0 ? r : 0;
			break;
		}
		for (i = 0; i < (size_t)r; i++) {
			if ((s = ld_input(&t->ld, b[i], &echo)) != 0)
				sig = s;
			if (echo.n > sizeof(echo.b) - 64)
				echo_flush(t);
		}
		moved = 1;
	}
	echo_flush(t);
	if (moved)
		__atomic_add_fetch(&t->ev, 1, __ATOMIC_RELEASE);
	if (moved)
		px_poll_kick();
	return sig;
}

/* Send a signal character's signal to the foreground process group. */
static void
tty_signal(struct px_tty *t, int sig)
{
	if (sig && t->pgrp > 0)
		__exos_syscall(SYS_kill, -t->pgrp, sig, 0, 0, 0, 0);
}

static long
tty_read(struct px_ofile *f, void *ubuf, size_t n, int64_t off)
{
	struct px_tty *t = tty();
	uint8_t buf[LD_QSIZE];
	uint64_t deadline = UINT64_MAX, last = 0;
	size_t got, avail;
	int eof, sig;
	long r;

	(void)off;
	if (!t)
		return -EIO;
	if (n == 0)
		return 0;
	if (n > sizeof(buf))
		n = sizeof(buf);
	for (;;) {
		uint64_t rx = XOK_INFO->cons_rx, ev;
		int canon, vmin, vtime, ready;

		px_lock(&t->lock);
		sig = pump(t);
		avail = ld_avail(&t->ld, &eof);
		canon = (t->ld.t.c_lflag & ICANON) != 0;
		vmin = t->ld.t.c_cc[VMIN];
		vtime = t->ld.t.c_cc[VTIME];
		if (canon)
			ready = avail > 0 || eof;
		else if (vmin == 0)
			ready = avail > 0 || vtime == 0 ||
			    px_now_ns() >= deadline;
		else
			ready = avail >= (size_t)vmin || avail >= n ||
			    (vtime && avail > 0 && px_now_ns() >= deadline);
		if (ready) {
			got = ld_read(&t->ld, buf, n, &eof);
			__atomic_add_fetch(&t->ev, 1, __ATOMIC_RELEASE);
			px_unlock(&t->lock);
			tty_signal(t, sig);
			if (got && px_copyout(ubuf, buf, got) < 0)
				return -EFAULT;
			return (long)got;
		}
		/* VTIME: from the call (VMIN 0) or from the last byte */
		if (!canon && vtime && (vmin == 0 ? deadline == UINT64_MAX :
		    avail != last)) {
			deadline = px_now_ns() + (uint64_t)vtime * 100000000u;
			last = avail;
		}
		ev = t->ev;
		px_unlock(&t->lock);
		tty_signal(t, sig);
		if (cons_err)
			return -EIO;    /* we may not read the console */
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		const volatile uint64_t *w[2] = { &XOK_INFO->cons_rx, &t->ev };
		uint64_t seen[2] = { rx, ev };

		r = px_block(w, seen, 2, deadline);
		if (r < 0 && r != -ETIMEDOUT)
			return r;
	}
}

/* px_block's hook (block.c): while a process of the family sleeps, it
 * also wakes for console input and pulls it, so signal characters work
 * when nobody reads.  *word and *seen: the word to watch; 0 when there is
 * no tty or we are inside the hook already (its lock sleeps too). */
static int in_hook;

PX_HOT int
px_tty_hook(const volatile uint64_t **word, uint64_t *seen)
{
	if (in_hook || !tty_made())
		return 0;
	*word = &XOK_INFO->cons_rx;
	*seen = XOK_INFO->cons_rx;
	return 1;
}

void
px_tty_pull(void)
{
	struct px_tty *t = tty_made();
	int sig;

	if (in_hook || !t)
		return;
	in_hook = 1;
	px_lock(&t->lock);
	sig = pump(t);
	px_unlock(&t->lock);
	tty_signal(t, sig);
	in_hook = 0;
}

/* ---- the rest ---------------------------------------------------------- */

static short
tty_poll(struct px_ofile *f, short events, const volatile uint64_t **word,
    uint64_t *seen)
{
	struct px_tty *t = tty();
	short r = POLLOUT | POLLWRNORM;
	int eof, sig;

	(void)f;
	(void)events;
	if (!t)
		return POLLERR;
	/* readable input comes only from the kernel's ring */
	*word = &XOK_INFO->cons_rx;
	*seen = XOK_INFO->cons_rx;
	px_lock(&t->lock);
	sig = pump(t);
	if (ld_avail(&t->ld, &eof) > 0 || eof)
		r |= POLLIN | POLLRDNORM;
	px_unlock(&t->lock);
	tty_signal(t, sig);
	return r;
}

static long
tty_fstat(struct px_ofile *f, struct stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0620;
	st->st_nlink = 1;
	st->st_rdev = makedev(5, 1);    /* Linux's /dev/console */
	st->st_dev = 6;
	st->st_ino = 1;
	st->st_blksize = 1024;
	return 0;
}

static long
set_termios(struct px_tty *t, unsigned long req, void *arg)
{
	struct ld_termios nt;
	int sig = 0;

	if (px_copyin(&nt, arg, sizeof(nt)) < 0)
		return -EFAULT;
	px_lock(&t->lock);
	if (req == TCSETSF) {
		sig = pump(t);  /* what was typed until now goes too */
		ld_flush(&t->ld);
	}
	ld_set(&t->ld, &nt);
	__atomic_add_fetch(&t->ev, 1, __ATOMIC_RELEASE);
	px_unlock(&t->lock);
	tty_signal(t, sig);
	px_poll_kick();
	return 0;
}

static long
tty_ioctl(struct px_ofile *f, unsigned long req, void *arg)
{
	struct px_tty *t = tty();
	struct winsize ws;
	int v, sig;
	pid_t pg;

	if (!t)
		return -EIO;
	switch (req) {
	case TCGETS:
		return px_copyout(arg, &t->ld.t, sizeof(t->ld.t));
	case TCSETS:
	case TCSETSW:                   /* output is sent synchronously */
	case TCSETSF:
		return set_termios(t, req, arg);
	case TIOCGWINSZ:
		ws = t->ws;
		return px_copyout(arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		if (px_copyin(&ws, arg, sizeof(ws)) < 0)
			return -EFAULT;
		v = memcmp(&ws, &t->ws, sizeof(ws));
		t->ws = ws;
		if (v)
			tty_signal(t, SIGWINCH);
		return 0;
	case TIOCGPGRP:
		pg = (pid_t)t->pgrp;
		return px_copyout(arg, &pg, sizeof(pg));
	case TIOCSPGRP:
		if (px_copyin(&pg, arg, sizeof(pg)) < 0)
			return -EFAULT;
		if (pg < 0)
			return -EINVAL;
		t->pgrp = pg;
		return 0;
	case TIOCGSID:
		pg = (pid_t)t->sid;
		return px_copyout(arg, &pg, sizeof(pg));
	case TIOCSCTTY:
		/* the console is every session's terminal: take it */
		t->sid = __exos_syscall(SYS_getsid, 0, 0, 0, 0, 0, 0);
		t->pgrp = __exos_syscall(SYS_getpgid, 0, 0, 0, 0, 0, 0);
		return 0;
	case TIOCNOTTY:
		return 0;
	case FIONREAD:
		px_lock(&t->lock);
		sig = pump(t);
		v = (int)(t->ld.qhead - t->ld.qtail);
		px_unlock(&t->lock);
		tty_signal(t, sig);
		return px_copyout(arg, &v, sizeof(v));
	case TIOCOUTQ:
		v = 0;                  /* output is sent synchronously */
		return px_copyout(arg, &v, sizeof(v));
	case FIONBIO:
		if (px_copyin(&v, arg, sizeof(v)) < 0)
			return -EFAULT;
		px_lock(&f->lock);
		f->flags = v ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		px_unlock(&f->lock);
		return 0;
	case TCFLSH:
		v = (int)(uintptr_t)arg;
		if (v != TCIFLUSH && v != TCOFLUSH && v != TCIOFLUSH)
			return -EINVAL;
		if (v != TCOFLUSH) {
			px_lock(&t->lock);
			sig = pump(t);  /* what was typed until now goes too */
			ld_flush(&t->ld);
			__atomic_add_fetch(&t->ev, 1, __ATOMIC_RELEASE);
			px_unlock(&t->lock);
			tty_signal(t, sig);
		}
		return 0;
	case TCSBRK:                    /* tcdrain: output is synchronous */
	case TCSBRKP:
	case TCXONC:
		return 0;
	default:
		return -ENOTTY;
	}
}

const struct px_fops px_fops_tty = {
	.read = tty_read,
	.write = tty_write,
	.fstat = tty_fstat,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

/* what of ours the family shares (shm.h, the layout check) */
PX_SHM_LAYOUT(tty, sizeof(struct px_tty));
