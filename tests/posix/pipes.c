/*
 * pipes.c: pipes, poll and select (libexos/posix/pipe.c, poll.c), run on
 * ExOS (tests/guest/pipes.sh, under scripts/exos-run) and on Linux with
 * the same expectations: data through a pipe, FIONREAD, end of file when
 * the last writer closes (also one a child held), EPIPE when the last
 * reader closes, pipe2's flags and errors, O_NONBLOCK's EAGAIN (empty,
 * full, and a PIPE_BUF write that does not fit whole), PIPE_BUF
 * atomicity with two writers, a 10,000-line pipeline parent -> child ->
 * grandchild, a 1-byte ping-pong between two processes, poll (timeouts,
 * readiness, POLLHUP/POLLERR/POLLNVAL, a wake-up by another process,
 * more pipes than one sleep watches, /dev/null, EINVAL/EFAULT), select
 * and pselect.  The checks that need signals (SIGPIPE's handler, EINTR,
 * a writer killed mid-write) are last.
 */
#define _GNU_SOURCE
#define PTEST_SUITE "pipes"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "ptest.h"

#define NLINES  10000
#define BLOCKS  100             /* per writer, PIPE_BUF bytes each */
#define PINGS   1000

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Read exactly n bytes (or to EOF); the count. */
static size_t
read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n && (r = read(fd, (char *)buf + got, n - got)) > 0)
		got += (size_t)r;
	return got;
}

static int
wait_status(pid_t pid)
{
	int st = -1;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void
basics(void)
{
	int p[2], n = -1;
	char buf[64];
	struct stat st;

	EXPECT_RET("pipe", pipe(p), 0);
	EXPECT("two new descriptors", p[0] >= 3 && p[1] >= 3 && p[0] != p[1]);
	EXPECT_RET("write 5 bytes", write(p[1], "hello", 5), 5);
	EXPECT_RET("FIONREAD says 5", ioctl(p[0], FIONREAD, &n), 0);
	EXPECT("FIONREAD value", n == 5);
	EXPECT_RET("write 0 bytes", write(p[1], "", 0), 0);
	EXPECT_RET("short read takes 3", read(p[0], buf, 3), 3);
	EXPECT_RET("next read takes the rest", read(p[0], buf + 3, 60), 2);
	EXPECT("bytes in order", memcmp(buf, "hello", 5) == 0);
	EXPECT_RET("fstat", fstat(p[0], &st), 0);
	EXPECT("a FIFO", S_ISFIFO(st.st_mode));
	EXPECT_ERR("lseek on a pipe: ESPIPE", lseek(p[0], 0, SEEK_SET), ESPIPE);
	EXPECT_ERR("read from the write end: EBADF", read(p[1], buf, 1), EBADF);
	EXPECT_ERR("write to the read end: EBADF", write(p[0], "x", 1), EBADF);
	EXPECT_ERR("a pipe is not a tty", ioctl(p[0], TIOCGWINSZ, buf), ENOTTY);
	EXPECT("isatty is 0", !isatty(p[0]));
	EXPECT_RET("close the write end", close(p[1]), 0);
	EXPECT_RET("EOF after the last writer", read(p[0], buf, 10), 0);
	EXPECT_RET("EOF again", read(p[0], buf, 10), 0);
	close(p[0]);

	EXPECT_RET("pipe2(O_CLOEXEC)", pipe2(p, O_CLOEXEC), 0);
	EXPECT("close-on-exec set", (fcntl(p[0], F_GETFD) & FD_CLOEXEC) &&
	    (fcntl(p[1], F_GETFD) & FD_CLOEXEC));
	EXPECT("O_NONBLOCK not set", !(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	close(p[0]);
	close(p[1]);
	EXPECT_ERR("pipe2 with a bad flag: EINVAL", pipe2(p, O_APPEND | 0x4000000),
	    EINVAL);
	EXPECT_ERR("pipe(NULL): EFAULT", pipe(NULL), EFAULT);
}

static void
eof_from_child(void)
{
	int p[2];
	char c;
	pid_t pid;

	pipe(p);
	if ((pid = fork()) == 0) {
		close(p[0]);
		msleep(50);
		write(p[1], "z", 1);
		_exit(0);       /* its write end goes with it */
	}
	close(p[1]);
	EXPECT_RET("read what the child wrote", read(p[0], &c, 1), 1);
	EXPECT_RET("EOF once the child is gone", read(p[0], &c, 1), 0);
	close(p[0]);
	EXPECT_RET("child exit", wait_status(pid), 0);
}

static void
epipe(void)
{
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	EXPECT_ERR("write with no reader: EPIPE", write(p[1], "x", 1), EPIPE);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

static void
nonblocking(void)
{
	static char big[65536 * 2];
	int p[2];
	long total = 0;
	ssize_t r;
	char c;

	EXPECT_RET("pipe2(O_NONBLOCK)", pipe2(p, O_NONBLOCK), 0);
	EXPECT("O_NONBLOCK set", fcntl(p[0], F_GETFL) & O_NONBLOCK);
	EXPECT_ERR("empty: EAGAIN", read(p[0], &c, 1), EAGAIN);
	while ((r = write(p[1], big, 1000)) > 0)
		total += r;
	EXPECT("filled, then EAGAIN", r == -1 && errno == EAGAIN &&
	    total >= 4096);
	EXPECT_RET("read 100", read(p[0], big, 100), 100);
	EXPECT_ERR("a PIPE_BUF write that does not fit whole: EAGAIN",
	    write(p[1], big, 4096), EAGAIN);
	/* a long write takes what fits */
	while (read(p[0], big, sizeof(big)) > 0)
		;
	r = write(p[1], big, sizeof(big));
	EXPECT("a long write is partial", r > 0 && r < (ssize_t)sizeof(big));
	close(p[0]);
	close(p[1]);
	/* the flag through fcntl on a blocking pipe */
	pipe(p);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	EXPECT_ERR("F_SETFL O_NONBLOCK: EAGAIN", read(p[0], &c, 1), EAGAIN);
	close(p[0]);
	close(p[1]);
}

static void
atomic_writers(void)
{
	static char blk[4096], got[4096];
	int p[2], w, bad = 0, counts[2] = { 0, 0 };
	pid_t pid[2];
	size_t n;

	pipe(p);
	for (w = 0; w < 2; w++) {
		if ((pid[w] = fork()) == 0) {
			close(p[0]);
			memset(blk, 'A' + w, sizeof(blk));
			for (int i = 0; i < BLOCKS; i++)
				if (write(p[1], blk, sizeof(blk)) != 4096)
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	while ((n = read_full(p[0], got, sizeof(got))) == sizeof(got)) {
		int k = got[0] - 'A';
		size_t i;

		for (i = 1; i < sizeof(got) && got[i] == got[0]; i++)
			;
		if (i != sizeof(got) || k < 0 || k > 1)
			bad++;
		else
			counts[k]++;
	}
	EXPECT("no partial block at the end", n == 0);
	EXPECT("every 4096-byte write arrived whole", bad == 0);
	EXPECT("all blocks of both writers", counts[0] == BLOCKS &&
	    counts[1] == BLOCKS);
	close(p[0]);
	EXPECT_RET("writer A", wait_status(pid[0]), 0);
	EXPECT_RET("writer B", wait_status(pid[1]), 0);
}

/* The grandchild: every line in order; 0 if all NLINES came. */
static int
grandchild(int in)
{
	FILE *f = fdopen(in, "r");
	char line[64], want[64];
	int n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		snprintf(want, sizeof(want), "line %d via child\n", n);
		if (strcmp(line, want) != 0)
			return 2;
		n++;
	}
	return n == NLINES ? 0 : 3;
}

/* The child: lines from the parent, passed on with a suffix. */
static int
middle(int in)
{
	int q[2];
	pid_t g;
	FILE *fi, *fo;
	char line[64];
	int st;

	if (pipe(q) < 0)
		return 10;
	if ((g = fork()) == 0) {
		close(q[1]);
		close(in);
		_exit(grandchild(q[0]));
	}
	close(q[0]);
	fi = fdopen(in, "r");
	fo = fdopen(q[1], "w");
	while (fgets(line, sizeof(line), fi)) {
		line[strlen(line) - 1] = '\0';
		fprintf(fo, "%s via child\n", line);
	}
	fclose(fo);
	st = wait_status(g);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 20;
}

static void
pipeline(void)
{
	int p[2], i, st;
	pid_t c;
	FILE *f;
	uint64_t t0 = now_ms();

	pipe(p);
	if ((c = fork()) == 0) {
		close(p[1]);
		_exit(middle(p[0]));
	}
	close(p[0]);
	f = fdopen(p[1], "w");
	for (i = 0; i < NLINES; i++)
		fprintf(f, "line %d\n", i);
	fclose(f);
	st = wait_status(c);
	EXPECT("10,000 lines through parent -> child -> grandchild",
	    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("pipes: pipeline took %llu ms\n",
	    (unsigned long long)(now_ms() - t0));
}

static void
pingpong(void)
{
	int a[2], b[2], i, ok = 1;
	unsigned char c;
	pid_t pid;
	uint64_t t0;

	pipe(a);
	pipe(b);
	if ((pid = fork()) == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1) {
			c++;
			if (write(b[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	t0 = now_ms();
	for (i = 0; i < PINGS && ok; i++) {
		c = (unsigned char)i;
		ok = write(a[1], &c, 1) == 1 && read(b[0], &c, 1) == 1 &&
		    c == (unsigned char)(i + 1);
	}
	EXPECT("1,000 one-byte round trips, each answered right", ok);
	printf("pipes: ping-pong %d round trips in %llu ms\n", i,
	    (unsigned long long)(now_ms() - t0));
	close(a[1]);
	EXPECT_RET("the child sees EOF and exits", wait_status(pid), 0);
	close(b[0]);
}

static void
polling(void)
{
	int p[2], q[2], fds[8][2], i, nul;
	struct pollfd pf[9];
	volatile nfds_t huge;
	struct pollfd *volatile nowhere;
	uint64_t t0;
	pid_t pid;

	pipe(p);
	pf[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	EXPECT_RET("write end ready", poll(&pf[1], 1, 0), 1);
	EXPECT("POLLOUT", pf[1].revents == POLLOUT);
	t0 = now_ms();
	EXPECT_RET("empty pipe: timeout 100 ms", poll(pf, 1, 100), 0);
	EXPECT("waited about 100 ms", now_ms() - t0 >= 90 &&
	    now_ms() - t0 < 2000);
	EXPECT("no revents", pf[0].revents == 0);
	EXPECT_RET("timeout 0", poll(pf, 1, 0), 0);
	write(p[1], "x", 1);
	EXPECT_RET("readable after a write", poll(pf, 2, -1), 2);
	EXPECT("POLLIN", pf[0].revents == POLLIN);
	pf[2] = (struct pollfd){ .fd = -1, .events = POLLIN };
	pf[3] = (struct pollfd){ .fd = 999, .events = POLLIN };
	EXPECT_RET("a closed descriptor counts", poll(&pf[2], 2, 0), 1);
	EXPECT("negative fd ignored, closed fd POLLNVAL",
	    pf[2].revents == 0 && pf[3].revents == POLLNVAL);
	close(p[1]);
	EXPECT_RET("writer gone: still ready", poll(pf, 1, 0), 1);
	EXPECT("POLLIN|POLLHUP", pf[0].revents == (POLLIN | POLLHUP));
	close(p[0]);
	pipe(p);
	close(p[0]);
	pf[1].fd = p[1];
	EXPECT_RET("reader gone: write end", poll(&pf[1], 1, 0), 1);
	EXPECT("POLLOUT|POLLERR", pf[1].revents == (POLLOUT | POLLERR));
	close(p[1]);

	/* woken by another process's write */
	pipe(p);
	if ((pid = fork()) == 0) {
		msleep(100);
		write(p[1], "y", 1);
		_exit(0);
	}
	pf[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = now_ms();
	EXPECT_RET("poll woken by a child's write", poll(pf, 1, 10000), 1);
	EXPECT("not by the timeout", now_ms() - t0 < 5000);
	wait_status(pid);
	close(p[0]);
	close(p[1]);

	/* more pipes than one sleep can watch: the last one is written */
	for (i = 0; i < 8; i++) {
		pipe(fds[i]);
		pf[i] = (struct pollfd){ .fd = fds[i][0], .events = POLLIN };
	}
	nul = open("/dev/null", O_RDWR);
	if ((pid = fork()) == 0) {
		msleep(100);
		write(fds[7][1], "w", 1);
		_exit(0);
	}
	EXPECT_RET("8 pipes: woken by the last", poll(pf, 8, 10000), 1);
	EXPECT("the last one is the ready one", pf[7].revents == POLLIN &&
	    pf[0].revents == 0);
	wait_status(pid);
	pf[8] = (struct pollfd){ .fd = nul, .events = POLLIN | POLLOUT };
	EXPECT_RET("/dev/null is always ready", poll(&pf[8], 1, 0), 1);
	EXPECT("/dev/null: POLLIN|POLLOUT", pf[8].revents == (POLLIN | POLLOUT));
	close(nul);
	for (i = 0; i < 8; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	huge = 1u << 20;        /* volatile: the compiler sees no overflow */
	EXPECT_ERR("nfds too big: EINVAL", poll(pf, huge, 0), EINVAL);
	nowhere = NULL;
	EXPECT_ERR("NULL fds: EFAULT", poll(nowhere, 1, 0), EFAULT);
	t0 = now_ms();
	EXPECT_RET("no fds: a sleep", poll(NULL, 0, 50), 0);
	EXPECT("slept about 50 ms", now_ms() - t0 >= 40);

	/* select and pselect */
	pipe(q);
	{
		fd_set r, w;
		struct timeval tv = { 0, 30000 };
		struct timespec ts = { 0, 0 };

		FD_ZERO(&r);
		FD_SET(q[0], &r);
		t0 = now_ms();
		EXPECT_RET("select: timeout", select(q[0] + 1, &r, NULL, NULL,
		    &tv), 0);
		EXPECT("select waited", now_ms() - t0 >= 20);
		EXPECT("select cleared the set", !FD_ISSET(q[0], &r));
		write(q[1], "s", 1);
		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(q[0], &r);
		FD_SET(q[1], &w);
		EXPECT_RET("select: read and write ready", select(q[1] + 1, &r,
		    &w, NULL, NULL), 2);
		EXPECT("both bits", FD_ISSET(q[0], &r) && FD_ISSET(q[1], &w));
		FD_ZERO(&r);
		FD_SET(q[0], &r);
		EXPECT_RET("pselect", pselect(q[0] + 1, &r, NULL, NULL, &ts,
		    NULL), 1);
		FD_ZERO(&r);
		FD_SET(200, &r);
		EXPECT_ERR("select on a closed fd: EBADF", select(201, &r, NULL,
		    NULL, &tv), EBADF);
		EXPECT_ERR("select nfds < 0: EINVAL", select(-1, NULL, NULL,
		    NULL, &tv), EINVAL);
		tv.tv_usec = -1;
		EXPECT_ERR("select bad timeval: EINVAL", select(1, NULL, NULL,
		    NULL, &tv), EINVAL);
	}
	close(q[0]);
	close(q[1]);
}

/* ---- with signals ------------------------------------------------------- */

static volatile sig_atomic_t got_sig;

static void
on_sig(int s)
{
	got_sig = s;
}

static void
with_signals(void)
{
	struct sigaction sa;
	int p[2], st;
	char c, *big;
	pid_t pid;
	long total = 0;
	ssize_t r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	EXPECT_RET("sigaction(SIGPIPE)", sigaction(SIGPIPE, &sa, NULL), 0);
	EXPECT_RET("sigaction(SIGALRM), no SA_RESTART",
	    sigaction(SIGALRM, &sa, NULL), 0);
	if (errno == ENOSYS)
		return;         /* no signals: the blocking checks would hang */
	pipe(p);
	close(p[0]);
	got_sig = 0;
	EXPECT_ERR("EPIPE with a handler", write(p[1], "x", 1), EPIPE);
	EXPECT("SIGPIPE delivered", got_sig == SIGPIPE);
	close(p[1]);

	pipe(p);
	got_sig = 0;
	alarm(1);
	EXPECT_ERR("blocked read: EINTR by SIGALRM", read(p[0], &c, 1), EINTR);
	EXPECT("SIGALRM delivered", got_sig == SIGALRM);
	{
		struct pollfd pf = { .fd = p[0], .events = POLLIN };

		alarm(1);
		EXPECT_ERR("poll: EINTR by SIGALRM", poll(&pf, 1, 10000), EINTR);
	}
	close(p[0]);
	close(p[1]);

	/* a writer killed in the middle of a long write */
	pipe(p);
	if ((pid = fork()) == 0) {
		static char buf[1 << 20];

		close(p[0]);
		memset(buf, 'k', sizeof(buf));
		write(p[1], buf, sizeof(buf));
		_exit(0);
	}
	close(p[1]);
	big = malloc(1 << 20);
	r = read_full(p[0], big, 8192);
	EXPECT_RET("kill the writer", kill(pid, SIGKILL), 0);
	if (errno) {
		close(p[0]);    /* it dies of SIGPIPE instead: no hang */
		p[0] = open("/dev/null", O_RDONLY);
	}
	st = wait_status(pid);
	EXPECT("writer killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	total = r;
	while ((r = read(p[0], big, 1 << 20)) > 0) {
		if (memchr(big, 0, (size_t)r) || big[r - 1] != 'k')
			break;
		total += r;
	}
	EXPECT("then the bytes it wrote, then EOF", r == 0 &&
	    total >= 8192 && total < (1 << 20));
	free(big);
	close(p[0]);
}

int
main(int argc, char **argv)
{
	basics();
	eof_from_child();
	epipe();
	nonblocking();
	atomic_writers();
	pipeline();
	pingpong();
	polling();
	if (argc < 2 || strcmp(argv[1], "nosignals") != 0)
		with_signals();
	return ptest_done();
}
