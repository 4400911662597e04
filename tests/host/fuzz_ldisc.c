/*
 * fuzz_ldisc.c: libFuzzer target over the console's line discipline
 * (libexos/posix/ldisc.c).  The input is a program of operations on one
 * struct ldisc, as tty.c drives it: bytes typed (taken only while
 * ld_room allows, as tty.c's pump does, and as many as ld_space
 * promised), new settings (any flags, any control characters), reads
 * of any size, flushes, and output processing of any bytes into any
 * room.  After every operation the state must keep its invariants (the
 * queue within its size, the line within its bound and with room to be
 * ended, the canonical line ends in order inside the queue), a read
 * takes at most what it asked and what was readable, an echo is never
 * cut short, and ld_output stays inside its buffers.  A broken
 * invariant aborts (a crash for libFuzzer); ASan and UBSan catch the
 * rest.  `make fuzz-ldisc`.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "ldisc.h"

static struct ldisc ld;
static struct ld_echo echo;
static uint8_t buf[LD_QSIZE + 64];

#define CANON() ((ld.t.c_lflag & ICANON) != 0)

static void
check(void)
{
	uint64_t used = ld.qhead - ld.qtail, prev = ld.qtail;
	uint32_t i;

	if (used > LD_QSIZE || ld.nline > LD_LINEMAX)
		abort();
	if (!CANON())
		return;
	if (ld.nends > LD_NENDS || ld.endfirst >= LD_NENDS)
		abort();
	/* the line being edited can always be ended */
	if (ld.nline > 0 && LD_QSIZE - used < ld.nline + 1)
		abort();
	for (i = 0; i < ld.nends; i++) {
		uint64_t e = ld.ends[(ld.endfirst + i) % LD_NENDS];

		if (e < prev || e > ld.qhead)
			abort();
		prev = e;
	}
}

/* Take one byte of the program; 0 when it is used up. */
static uint8_t
take(const uint8_t **p, size_t *n)
{
	uint8_t c;

	if (*n == 0)
		return 0;
	c = **p;
	(*p)++;
	(*n)--;
	return c;
}

static void
type(const uint8_t **p, size_t *n)
{
	size_t k = take(p, n), space = ld_space(&ld), i;

	for (i = 0; i < k && *n > 0; i++) {
		if (i < space && !ld_room(&ld))
			abort();        /* ld_space promised room */
		if (!ld_room(&ld))
			break;
		echo.n = 0;
		switch (ld_input(&ld, take(p, n), &echo)) {
		case 0: case SIGINT: case SIGQUIT: case SIGTSTP:
			break;
		default:
			abort();
		}
		if (echo.n >= sizeof(echo.b))
			abort();        /* the echo may have been cut */
		check();
	}
}

static void
settings(const uint8_t **p, size_t *n)
{
	struct ld_termios t;
	uint8_t *b = (uint8_t *)&t;
	size_t i;

	for (i = 0; i < sizeof(t); i++)
		b[i] = take(p, n);
	/* half the time only the flags that matter, so the common modes
	 * are reached often */
	if (b[0] & 1) {
		t.c_lflag &= ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHONL |
		    NOFLSH | ECHOCTL | ECHOKE | IEXTEN;
		t.c_iflag &= ISTRIP | INLCR | IGNCR | ICRNL;
	}
	ld_set(&ld, &t);
}

static void
readsome(const uint8_t **p, size_t *n)
{
	size_t want = (size_t)take(p, n) << 4 | (take(p, n) & 15), avail, got, i;
	int eof, eof2;

	if (want > sizeof(buf))
		want = sizeof(buf);
	avail = ld_avail(&ld, &eof);
	memset(buf, 0xa5, sizeof(buf));
	got = ld_read(&ld, buf, want, &eof2);
	if (got > want || got > avail || eof != eof2 || (eof && got != 0))
		abort();
	for (i = got; i < sizeof(buf); i++)
		if (buf[i] != 0xa5)
			abort();        /* wrote past what it returned */
}

static void
output(const uint8_t **p, size_t *n)
{
	uint32_t oflag = take(p, n) & (OPOST | OCRNL | ONLCR);
	size_t len = take(p, n), max = take(p, n), made, used, i;
	uint8_t src[256], dst[256 + 16];

	for (i = 0; i < len; i++)
		src[i] = take(p, n);
	memset(dst, 0x5a, sizeof(dst));
	used = ld_output(oflag, src, len, dst, max, &made);
	if (used > len || made > max || dst[max] != 0x5a)
		abort();
	if (used < len && max - made >= 2)
		abort();        /* stopped with room for the next byte */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t n = size;

	ld_init(&ld);
	check();
	while (n > 0) {
		switch (take(&p, &n) % 6) {
		case 0: case 1:
			type(&p, &n);
			break;
		case 2:
			settings(&p, &n);
			break;
		case 3:
			readsome(&p, &n);
			break;
		case 4:
			if (take(&p, &n) < 16)
				ld_flush(&ld);
			break;
		case 5:
			output(&p, &n);
			break;
		}
		check();
	}
	return 0;
}
