/*
 * test_ldisc.c: host tests (Check) for libexos/posix/ldisc.c, the
 * console's line discipline: canonical lines, erase (DEL and ^H) with
 * ECHOE rub-outs, kill (^U), word-erase (^W), literal-next (^V), ^D at
 * the start of a line (end of file) and after text (a line without its
 * newline), ICRNL, the signal characters and their flush, echo off and
 * ECHONL, raw mode with the queue as flow control, switching modes,
 * ONLCR output and a full line, the echo of ^U on a full line of
 * control characters, ^V in raw mode.  Its own program (test_ldisc): the
 * POSIX layer's code, not the kernel's.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <check.h>

#include "ldisc.h"

static struct ldisc LD;
static struct ld_echo E;

/* Type s; the last signal ld_input returned (0 if none). */
static int
type(const char *s)
{
	int sig = 0, r;

	for (; *s; s++) {
		ck_assert_msg(ld_room(&LD), "no room for %#x", (unsigned)*s);
		if ((r = ld_input(&LD, (uint8_t)*s, &E)) != 0)
			sig = r;
	}
	return sig;
}

/* One read of at most n bytes as a string ("<EOF>" at an end of file). */
static const char *
rd(size_t n)
{
	static char buf[LD_QSIZE + 8];
	int eof;
	size_t got = ld_read(&LD, (uint8_t *)buf, n, &eof);

	if (eof)
		return "<EOF>";
	buf[got] = '\0';
	return buf;
}

static const char *
echoed(void)
{
	static char buf[sizeof(E.b) + 1];

	memcpy(buf, E.b, E.n);
	buf[E.n] = '\0';
	E.n = 0;
	return buf;
}

static void
setup(void)
{
	ld_init(&LD);
	E.n = 0;
}

static void
set_lflag(tcflag_t on, tcflag_t off)
{
	struct ld_termios t = LD.t;

	t.c_lflag = (t.c_lflag | on) & ~off;
	ld_set(&LD, &t);
}

START_TEST(canonical_line)
{
	int eof;

	type("hello");
	ck_assert_uint_eq(ld_avail(&LD, &eof), 0);      /* no line yet */
	ck_assert_str_eq(rd(100), "");
	type("\r");                                     /* ICRNL */
	ck_assert_str_eq(echoed(), "hello\n");
	ck_assert_uint_eq(ld_avail(&LD, &eof), 6);
	ck_assert_int_eq(eof, 0);
	type("two\n");
	ck_assert_str_eq(rd(3), "hel");                 /* a short read */
	ck_assert_str_eq(rd(100), "lo\n");              /* stops at the end */
	ck_assert_str_eq(rd(100), "two\n");
	ck_assert_str_eq(rd(100), "");
}
END_TEST

START_TEST(erase_kill_werase)
{
	type("abc\x7f\x7f" "d\bx\n");
	ck_assert_str_eq(echoed(), "abc\b \b\b \bd\b \bx\n");
	ck_assert_str_eq(rd(100), "ax\n");
	type("junk line\x15" "ok\n");                   /* ^U, ECHOKE */
	ck_assert_str_eq(rd(100), "ok\n");
	echoed();
	type("one two  three  \x17" "3\n");             /* ^W */
	ck_assert_str_eq(rd(100), "one two  3\n");
	type("x\x7f\x7f\x7f\n");                        /* erase past start */
	ck_assert_str_eq(rd(100), "\n");
}
END_TEST

START_TEST(control_echo_width)
{
	type("\x01");
	ck_assert_str_eq(echoed(), "^A");
	type("\x7f");
	ck_assert_str_eq(echoed(), "\b \b\b \b");
	type("y\n");
	ck_assert_str_eq(rd(100), "y\n");
}
END_TEST

START_TEST(kill_without_echoke)
{
	set_lflag(0, ECHOKE);
	type("abc\x15");
	ck_assert_str_eq(echoed(), "abc^U\n");
	type("d\n");
	ck_assert_str_eq(rd(100), "d\n");
}
END_TEST

START_TEST(eof)
{
	type("\x04");                                   /* ^D: end of file */
	ck_assert_str_eq(echoed(), "");
	ck_assert_str_eq(rd(100), "<EOF>");
	ck_assert_str_eq(rd(100), "");                  /* taken once */
	type("abc\x04");                                /* a line, no \n */
	ck_assert_str_eq(rd(100), "abc");
	ck_assert_str_eq(rd(100), "");
	type("x\n\x04" "y\n");
	ck_assert_str_eq(rd(100), "x\n");
	ck_assert_str_eq(rd(100), "<EOF>");
	ck_assert_str_eq(rd(100), "y\n");
}
END_TEST

START_TEST(signals)
{
	type("partial");
	ck_assert_int_eq(type("\x03"), SIGINT);
	ck_assert_str_eq(echoed(), "partial^C");
	type("\n");
	ck_assert_str_eq(rd(100), "\n");                /* line flushed */
	ck_assert_int_eq(type("\x1c"), SIGQUIT);
	ck_assert_int_eq(type("\x1a"), SIGTSTP);
	type("keep");
	set_lflag(NOFLSH, 0);
	ck_assert_int_eq(type("\x03"), SIGINT);
	type("\n");
	ck_assert_str_eq(rd(100), "keep\n");
	set_lflag(0, ISIG);
	ck_assert_int_eq(type("\x03\n"), 0);            /* an ordinary byte */
	ck_assert_str_eq(rd(100), "\x03\n");
}
END_TEST

START_TEST(literal_next)
{
	ck_assert_int_eq(type("\x16\x03\x16\x7f\n"), 0);
	ck_assert_str_eq(rd(100), "\x03\x7f\n");
}
END_TEST

/* ^U of a full line of control characters (two columns each) rubs out
 * every column: the echo is never cut short. */
START_TEST(kill_full_line_echo)
{
	int i;

	for (i = 0; i < LD_LINEMAX; i++)
		ld_input(&LD, 0x01, &E);
	E.n = 0;
	ld_input(&LD, 0x15, &E);
	ck_assert_uint_eq(E.n, 6 * LD_LINEMAX);
	ck_assert_uint_eq(LD.nline, 0);
}
END_TEST

/* ^V is special only in canonical mode (Linux's n_tty): raw mode with
 * IEXTEN passes it through to the program. */
START_TEST(literal_next_raw)
{
	set_lflag(0, ICANON | ECHO);
	ck_assert_uint_eq(LD.t.c_lflag & IEXTEN, IEXTEN);
	type("\x16x");
	ck_assert_str_eq(rd(100), "\x16x");
}
END_TEST

START_TEST(echo_off)
{
	set_lflag(ECHONL, ECHO);
	type("secret\n");
	ck_assert_str_eq(echoed(), "\n");               /* ECHONL only */
	ck_assert_str_eq(rd(100), "secret\n");
}
END_TEST

START_TEST(raw_mode)
{
	int eof;
	struct ld_termios t;

	type("ab");                                     /* half a line */
	set_lflag(0, ICANON | ECHO);
	ck_assert_uint_eq(ld_avail(&LD, &eof), 2);      /* now readable */
	type("c\x7f\x04\r");
	ck_assert_str_eq(echoed(), "ab");               /* before ECHO off */
	ck_assert_str_eq(rd(3), "abc");
	ck_assert_str_eq(rd(100), "\x7f\x04\n");        /* ICRNL still */
	t = LD.t;
	t.c_iflag &= ~(tcflag_t)ICRNL;
	ld_set(&LD, &t);
	type("\r");
	ck_assert_str_eq(rd(100), "\r");
	/* the queue is the flow control: full means "leave it in the
	 * kernel's ring" */
	for (int i = 0; i < LD_QSIZE; i++) {
		ck_assert(ld_room(&LD));
		ld_input(&LD, 'z', &E);
	}
	ck_assert(!ld_room(&LD));
	ck_assert_uint_eq(ld_avail(&LD, &eof), LD_QSIZE);
	rd(1);
	ck_assert(ld_room(&LD));
	/* back to canonical: what is queued is one line */
	set_lflag(ICANON, 0);
	ck_assert_uint_eq(ld_avail(&LD, &eof), LD_QSIZE - 1);
	ck_assert_uint_eq(strlen(rd(LD_QSIZE)), LD_QSIZE - 1);
}
END_TEST

START_TEST(full_line)
{
	int eof, i;

	for (i = 0; i < LD_LINEMAX + 10; i++)
		ck_assert_int_eq(ld_input(&LD, 'a', &E), 0);
	ck_assert_uint_eq(LD.nline, LD_LINEMAX);        /* the rest dropped */
	ck_assert(ld_room(&LD));
	type("\x7f\n");                                 /* still editable */
	ck_assert_uint_eq(ld_avail(&LD, &eof), LD_LINEMAX);
	/* the next byte waits in the kernel's ring until a read makes
	 * room: not lost */
	ck_assert(!ld_room(&LD));
	ck_assert_uint_eq(strlen(rd(LD_QSIZE)), LD_LINEMAX);
	type("bb");
	type("\n");
	ck_assert_str_eq(rd(100), "bb\n");
}
END_TEST

START_TEST(many_lines)
{
	int i;

	for (i = 0; i < LD_NENDS; i++)
		type("\n");
	ck_assert(!ld_room(&LD));                       /* no more ends */
	ck_assert_str_eq(rd(100), "\n");
	ck_assert(ld_room(&LD));
}
END_TEST

/* ld_space's promise: that many bytes of any kind are all taken. */
START_TEST(space)
{
	static const char keys[] = "ab \x7f\n\x04\x15\x17\x03x";
	unsigned seed = 7;
	int round, eof;
	uint8_t sink[LD_QSIZE];

	for (round = 0; round < 4000; round++) {
		size_t s = ld_space(&LD), i;

		for (i = 0; i < s; i++) {
			seed = seed * 1103515245 + 12345;
			if (!ld_room(&LD))
				ck_abort_msg("round %d: %zu of %zu", round, i,
				    s);
			ld_input(&LD, (uint8_t)keys[(seed >> 16) %
			    (sizeof(keys) - 1)], &E);
			E.n = 0;
		}
		if ((seed >> 8) % 3 == 0)
			ld_read(&LD, sink, (seed >> 4) % 300, &eof);
		if (round == 2000)
			set_lflag(0, ICANON);
	}
}
END_TEST

START_TEST(output)
{
	uint8_t out[16];
	size_t made, used;

	used = ld_output(LD.t.c_oflag, (const uint8_t *)"a\nb\n", 4, out, sizeof(out),
	    &made);
	ck_assert_uint_eq(used, 4);
	ck_assert_uint_eq(made, 6);
	ck_assert(memcmp(out, "a\r\nb\r\n", 6) == 0);
	/* never half a pair */
	used = ld_output(LD.t.c_oflag, (const uint8_t *)"a\n", 2, out, 2, &made);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(made, 1);
	LD.t.c_oflag &= ~(tcflag_t)OPOST;
	used = ld_output(LD.t.c_oflag, (const uint8_t *)"a\n", 2, out, 2, &made);
	ck_assert_uint_eq(made, 2);
	ck_assert(memcmp(out, "a\n", 2) == 0);
}
END_TEST

START_TEST(flush)
{
	type("line\npartial");
	ld_flush(&LD);
	type("\n");
	ck_assert_str_eq(rd(100), "\n");
}
END_TEST

Suite *
ldisc_suite(void)
{
	Suite *s = suite_create("ldisc");
	TCase *tc = tcase_create("ldisc");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, canonical_line);
	tcase_add_test(tc, erase_kill_werase);
	tcase_add_test(tc, control_echo_width);
	tcase_add_test(tc, kill_without_echoke);
	tcase_add_test(tc, eof);
	tcase_add_test(tc, signals);
	tcase_add_test(tc, literal_next);
	tcase_add_test(tc, echo_off);
	tcase_add_test(tc, kill_full_line_echo);
	tcase_add_test(tc, literal_next_raw);
	tcase_add_test(tc, raw_mode);
	tcase_add_test(tc, full_line);
	tcase_add_test(tc, many_lines);
	tcase_add_test(tc, space);
	tcase_add_test(tc, output);
	tcase_add_test(tc, flush);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ldisc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
