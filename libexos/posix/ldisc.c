/*
 * ldisc.c: the console's line discipline (ldisc.h): Linux's n_tty
 * behaviour for what a shell and programs on a serial console use:
 * ICRNL/INLCR/IGNCR/ISTRIP, canonical editing (erase DEL and ^H, kill
 * ^U, word-erase ^W, literal-next ^V, ^D end of file, EOL/EOL2), echo
 * (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), the signal characters
 * (ISIG: ^C, ^\, ^Z; NOFLSH) and output's ONLCR/OCRNL.  Not done: IXON
 * flow control (^S/^Q are ordinary bytes), tab expansion, IUCLC/OLCUC,
 * VREPRINT/VDISCARD; erasing a tab rubs out one column.
 */
#include <signal.h>
#include <string.h>
#include <termios.h>
#include "ldisc.h"

#define Q_USED(ld)      ((size_t)((ld)->qhead - (ld)->qtail))
#define Q_ROOM(ld)      (LD_QSIZE - Q_USED(ld))
#define L(ld, f)        (((ld)->t.c_lflag & (f)) != 0)
#define I(ld, f)        (((ld)->t.c_iflag & (f)) != 0)

void
ld_init(struct ldisc *ld)
{
	static const uint8_t cc[LD_NCC] = {
		[VINTR] = 0x03, [VQUIT] = 0x1c, [VERASE] = 0x7f,
		[VKILL] = 0x15, [VEOF] = 0x04, [VTIME] = 0, [VMIN] = 1,
		[VSTART] = 0x11, [VSTOP] = 0x13, [VSUSP] = 0x1a,
		[VREPRINT] = 0x12, [VDISCARD] = 0x0f, [VWERASE] = 0x17,
		[VLNEXT] = 0x16,
	};

	memset(ld, 0, sizeof(*ld));
	ld->t.c_iflag = ICRNL | IXON;
	ld->t.c_oflag = OPOST | ONLCR;
	ld->t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	ld->t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL |
	    ECHOKE | IEXTEN;
	memcpy(ld->t.c_cc, cc, sizeof(cc));
}

static void
q_put(struct ldisc *ld, uint8_t c)
{
	ld->q[ld->qhead++ % LD_QSIZE] = c;
}

/* The canonical line so far, and its terminator if term >= 0, becomes
 * readable (ld_room and ld_input keep room for it in the queue). */
static void
end_line(struct ldisc *ld, int term)
{
	uint32_t i;

	for (i = 0; i < ld->nline; i++)
		q_put(ld, ld->line[i]);
	if (term >= 0)
		q_put(ld, (uint8_t)term);
	ld->nline = 0;
	ld->ends[(ld->endfirst + ld->nends++) % LD_NENDS] = ld->qhead;
}

void
ld_set(struct ldisc *ld, const struct ld_termios *t)
{
	int was = L(ld, ICANON);

	ld->t = *t;
	if (was && !L(ld, ICANON)) {
		uint32_t i;

		for (i = 0; i < ld->nline; i++)
			q_put(ld, ld->line[i]);
		ld->nline = 0;
		ld->nends = 0;
	} else if (!was && L(ld, ICANON)) {
		ld->nends = 0;
		if (Q_USED(ld))
			ld->ends[(ld->endfirst + ld->nends++) % LD_NENDS] =
			    ld->qhead;
	}
}

void
ld_flush(struct ldisc *ld)
{
	ld->qtail = ld->qhead;
	ld->nends = 0;
	ld->nline = 0;
	ld->lnext = 0;
}

int
ld_room(const struct ldisc *ld)
{
	if (!L(ld, ICANON))
		return Q_ROOM(ld) >= 1;
	/* room to append a byte and still end the line; an empty queue
	 * always takes the byte (a full line drops it, ld_input) */
	return ld->nends < LD_NENDS &&
	    (Q_ROOM(ld) >= ld->nline + 2 || Q_USED(ld) == 0);
}

size_t
ld_space(const struct ldisc *ld)
{
	size_t d, ends;

	if (!L(ld, ICANON))
		return Q_ROOM(ld);
	/* a byte lowers room - nline by one at most, and adds one end */
	ends = LD_NENDS - ld->nends;
	d = Q_ROOM(ld) - ld->nline;
	if (Q_ROOM(ld) < ld->nline + 2)
		return ld_room(ld);
	return d - 1 < ends ? d - 1 : ends;
}

static void
echo_put(struct ld_echo *e, uint8_t c)
{
	if (e->n < sizeof(e->b))
		e->b[e->n++] = c;
}

/* Echo c as typed; its width on the screen. */
static uint8_t
echo_char(struct ldisc *ld, uint8_t c, struct ld_echo *e)
{
	if (!L(ld, ECHO))
		return (c < 0x20 && c != '\t') || c == 0x7f ? 2 : 1;
	if (L(ld, ECHOCTL) && ((c < 0x20 && c != '\t' && c != '\n') ||
	    c == 0x7f)) {
		echo_put(e, '^');
		echo_put(e, c == 0x7f ? '?' : (uint8_t)(c + 0x40));
		return 2;
	}
	echo_put(e, c);
	return 1;
}

/* Rub out the last byte of the line. */
static void
rub_out(struct ldisc *ld, struct ld_echo *e)
{
	uint8_t w;

	if (ld->nline == 0)
		return;
	w = ld->width[--ld->nline];
	if (!L(ld, ECHO))
		return;
	if (L(ld, ECHOE))
		while (w--) {
			echo_put(e, '\b');
			echo_put(e, ' ');
			echo_put(e, '\b');
		}
	else
		echo_char(ld, ld->t.c_cc[VERASE], e);
}

static int
is_cc(const struct ldisc *ld, uint8_t c, int which)
{
	/* _POSIX_VDISABLE is 0 on Linux: a 0 entry matches nothing */
	return ld->t.c_cc[which] != 0 && c == ld->t.c_cc[which];
}

static int
word_char(uint8_t c)
{
	return c != ' ' && c != '\t';
}

int
ld_input(struct ldisc *ld, uint8_t c, struct ld_echo *e)
{
	if (I(ld, ISTRIP))
		c &= 0x7f;
	if (ld->lnext) {
		ld->lnext = 0;
		goto literal;
	}
	if (c == '\r') {
		if (I(ld, IGNCR))
			return 0;
		if (I(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && I(ld, INLCR))
		c = '\r';
	if (L(ld, ISIG)) {
		int sig = is_cc(ld, c, VINTR) ? SIGINT :
		    is_cc(ld, c, VQUIT) ? SIGQUIT :
		    is_cc(ld, c, VSUSP) ? SIGTSTP : 0;

		if (sig) {
			if (!L(ld, NOFLSH))
				ld_flush(ld);
			if (L(ld, ECHO))
				echo_char(ld, c, e);
			return sig;
		}
	}
	if (!L(ld, ICANON))
		goto literal;   /* ^V too, as Linux: special only in lines */
	if (L(ld, IEXTEN) && is_cc(ld, c, VLNEXT)) {
		ld->lnext = 1;
		return 0;
	}
	if (is_cc(ld, c, VERASE) || c == '\b') {
		rub_out(ld, e);
		return 0;
	}
	if (is_cc(ld, c, VKILL)) {
		if (!L(ld, ECHO))
			ld->nline = 0;
		else if (L(ld, ECHOKE) && L(ld, ECHOE))
			while (ld->nline)
				rub_out(ld, e);
		else {
			ld->nline = 0;
			echo_char(ld, c, e);
			if (L(ld, ECHOK))
				echo_put(e, '\n');
		}
		return 0;
	}
	if (L(ld, IEXTEN) && is_cc(ld, c, VWERASE)) {
		while (ld->nline && !word_char(ld->line[ld->nline - 1]))
			rub_out(ld, e);
		while (ld->nline && word_char(ld->line[ld->nline - 1]))
			rub_out(ld, e);
		return 0;
	}
	if (is_cc(ld, c, VEOF)) {
		end_line(ld, -1);
		return 0;
	}
	if (c == '\n' || is_cc(ld, c, VEOL) ||
	    (L(ld, IEXTEN) && is_cc(ld, c, VEOL2))) {
		if (L(ld, ECHO) || (c == '\n' && L(ld, ECHONL)))
			echo_put(e, c);
		end_line(ld, c);
		return 0;
	}
literal:
	if (!L(ld, ICANON)) {
		if (Q_ROOM(ld) >= 1) {
			q_put(ld, c);
			echo_char(ld, c, e);
		}
		return 0;
	}
	if (ld->nline >= LD_LINEMAX || Q_ROOM(ld) < ld->nline + 2)
		return 0;               /* full: dropped, as Linux does */
	ld->width[ld->nline] = echo_char(ld, c, e);
	ld->line[ld->nline++] = c;
	return 0;
}

size_t
ld_avail(const struct ldisc *ld, int *eof)
{
	*eof = 0;
	if (!L(ld, ICANON))
		return Q_USED(ld);
	if (ld->nends == 0)
		return 0;
	if (ld->ends[ld->endfirst] == ld->qtail)
		*eof = 1;
	return (size_t)(ld->ends[ld->endfirst] - ld->qtail);
}

size_t
ld_read(struct ldisc *ld, uint8_t *dst, size_t n, int *eof)
{
	size_t avail = ld_avail(ld, eof), i;

	if (*eof) {
		ld->endfirst = (ld->endfirst + 1) % LD_NENDS;
		ld->nends--;
		return 0;
	}
	if (n > avail)
		n = avail;
	for (i = 0; i < n; i++)
		dst[i] = ld->q[ld->qtail++ % LD_QSIZE];
	if (L(ld, ICANON) && ld->nends && ld->ends[ld->endfirst] == ld->qtail) {
		ld->endfirst = (ld->endfirst + 1) % LD_NENDS;
		ld->nends--;
	}
	return n;
}

size_t
ld_output(uint32_t oflag, const uint8_t *src, size_t n, uint8_t *dst,
    size_t max, size_t *made)
{
	int post = (oflag & OPOST) != 0;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = src[i];

		if (post && c == '\n' && (oflag & ONLCR)) {
			if (k + 2 > max)
				break;
			dst[k++] = '\r';
		} else if (post && c == '\r' && (oflag & OCRNL))
			c = '\n';
		if (k + 1 > max)
			break;
		dst[k++] = c;
	}
	*made = k;
	return i;
}
