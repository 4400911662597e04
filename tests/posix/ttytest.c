/*
 * ttytest.c: the console tty (libexos/posix/tty.c, ldisc.c), driven by
 * a "user" typing: tests/guest/ttydrive.py runs it on ExOS with the
 * serial console's input in its hands, and on Linux on a pseudo-tty,
 * with the same keys and the same expectations.  The program says
 * "tty: type <step>" and reads; the driver types that step's keys and
 * checks the echo it sees; the program checks what read returned:
 * termios defaults, isatty, the window size, canonical editing (erase
 * DEL and ^H, kill ^U, word-erase ^W), ^D at the start of a line (end
 * of file) and after text, echo off, raw mode (VMIN 1; VMIN 0 with
 * VTIME), TCSETSF's flush, and ^C killing a child in the foreground
 * process group while its parent (in another group, like a shell) is
 * not hurt.
 */
#define _GNU_SOURCE
#define PTEST_SUITE "tty"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "ptest.h"

static char buf[256];

static void
prompt(const char *step)
{
	printf("tty: type %s\n", step);
	fflush(stdout);
}

/* One read of stdin as a string. */
static long
rd(void)
{
	long n = read(0, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
settings(void)
{
	struct termios t;
	struct winsize ws, big = { .ws_row = 30, .ws_col = 100 };

	EXPECT("stdin is a tty", isatty(0));
	EXPECT("stdout is a tty", isatty(1));
	EXPECT_RET("tcgetattr", tcgetattr(0, &t), 0);
	EXPECT("canonical, echo, signals",
	    (t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG));
	EXPECT("ICRNL, OPOST|ONLCR", (t.c_iflag & ICRNL) &&
	    (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	EXPECT("^C ^\\ DEL ^U ^D", t.c_cc[VINTR] == 3 && t.c_cc[VQUIT] == 0x1c &&
	    t.c_cc[VERASE] == 0x7f && t.c_cc[VKILL] == 0x15 &&
	    t.c_cc[VEOF] == 4);
	EXPECT_RET("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws), 0);
	EXPECT_RET("TIOCSWINSZ", ioctl(0, TIOCSWINSZ, &big), 0);
	EXPECT_RET("TIOCGWINSZ again", ioctl(0, TIOCGWINSZ, &ws), 0);
	EXPECT("the size set", ws.ws_row == 30 && ws.ws_col == 100);
	EXPECT("in the foreground", tcgetpgrp(0) == getpgrp());
	EXPECT_ERR("a bad request: ENOTTY", ioctl(0, 0x54ff, &ws), ENOTTY);
	EXPECT_ERR("/dev/null is not a tty",
	    ioctl(open("/dev/null", O_RDONLY), TCGETS, &t), ENOTTY);
}

static void
canonical(void)
{
	struct termios t;

	prompt("erase");                /* "abc" DEL "d" CR */
	EXPECT_RET("erase: one line", rd(), 4);
	EXPECT("erase: abd", strcmp(buf, "abd\n") == 0);
	/* ^H as the erase character (ExOS also takes ^H when VERASE is
	 * DEL, Linux does not: tests/host/test_ldisc.c checks that) */
	tcgetattr(0, &t);
	t.c_cc[VERASE] = 0x08;
	tcsetattr(0, TCSANOW, &t);
	prompt("backspace");            /* "xy" ^H "z" CR */
	rd();
	EXPECT("VERASE ^H erases: xz", strcmp(buf, "xz\n") == 0);
	t.c_cc[VERASE] = 0x7f;
	tcsetattr(0, TCSANOW, &t);
	prompt("kill");                 /* "junk" ^U "line one" CR */
	rd();
	EXPECT("^U kills the line", strcmp(buf, "line one\n") == 0);
	prompt("werase");               /* "one two" ^W "three" CR */
	rd();
	EXPECT("^W erases a word", strcmp(buf, "one three\n") == 0);
	prompt("two-lines");            /* "first\rsecond\r" at once */
	rd();
	EXPECT("a read stops at the line's end", strcmp(buf, "first\n") == 0);
	rd();
	EXPECT("the next line", strcmp(buf, "second\n") == 0);
	prompt("eof");                  /* ^D */
	EXPECT_RET("^D: end of file", rd(), 0);
	prompt("partial");              /* "part" ^D */
	EXPECT_RET("text then ^D: no newline", rd(), 4);
	EXPECT("part", strcmp(buf, "part") == 0);
}

static void
modes(void)
{
	struct termios t, saved;
	uint64_t t0;
	long n;

	tcgetattr(0, &saved);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(0, TCSANOW, &t);
	prompt("secret");               /* "hidden" CR, not echoed */
	rd();
	EXPECT("echo off: the line", strcmp(buf, "hidden\n") == 0);
	t.c_lflag &= ~(tcflag_t)ICANON;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
	prompt("raw");                  /* "q" */
	EXPECT_RET("raw: one byte, no newline needed", rd(), 1);
	EXPECT("q", buf[0] == 'q');
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 3;              /* 0.3 s */
	tcsetattr(0, TCSANOW, &t);
	t0 = now_ms();
	n = rd();
	EXPECT("VMIN 0, VTIME 3: nothing after 0.3 s", n == 0 &&
	    now_ms() - t0 >= 250 && now_ms() - t0 < 3000);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
	prompt("flushed");              /* "gone" */
	sleep(1);
	tcsetattr(0, TCSAFLUSH, &saved);        /* drops "gone" */
	prompt("after-flush");          /* "kept" CR */
	rd();
	EXPECT("TCSAFLUSH dropped what was typed", strcmp(buf, "kept\n") == 0);
}

static void
interrupt(void)
{
	pid_t pid;
	int st = 0, p[2];
	char c;

	signal(SIGTTOU, SIG_IGN);       /* we take the terminal back */
	if (pipe(p) < 0)
		return;
	if ((pid = fork()) == 0) {
		/* SIGINT's default action: a shell that started us in the
		 * background without job control left it ignored, which
		 * exec keeps (the Linux side failed so in session 17) */
		signal(SIGINT, SIG_DFL);
		setpgid(0, 0);
		close(p[0]);
		write(p[1], "r", 1);
		sleep(30);
		_exit(0);
	}
	close(p[1]);
	setpgid(pid, pid);
	read(p[0], &c, 1);              /* it is in its own group */
	close(p[0]);
	EXPECT_RET("the child's group in the foreground", tcsetpgrp(0, pid), 0);
	EXPECT("tcgetpgrp says so", tcgetpgrp(0) == pid);
	prompt("interrupt");            /* ^C */
	EXPECT_RET("waitpid", waitpid(pid, &st, 0), pid);
	EXPECT("^C killed the foreground child with SIGINT",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGINT)
		printf("tty: note: the child's status: %#x (%s %d)\n", st,
		    WIFSIGNALED(st) ? "signal" : "exit",
		    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	EXPECT_RET("the terminal back", tcsetpgrp(0, getpgrp()), 0);
	EXPECT("and the parent lives on", tcgetpgrp(0) == getpgrp());
}

int
main(void)
{
	settings();
	canonical();
	modes();
	interrupt();
	prompt("done");
	return ptest_done();
}
