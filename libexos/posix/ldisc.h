/*
 * ldisc.h: the console's line discipline, pure (no kernel calls, no
 * locks, no pointers in its state: it lives in the family's shared
 * region and is also tested on the host, tests/host/test_ldisc.c).
 *
 * Bytes typed arrive one at a time through ld_input, which edits the
 * line (canonical mode), queues what a read may take, says what to echo
 * and which signal to send; ld_read takes from the queue as a read of
 * the tty would; ld_output turns what a program writes into what the
 * serial console gets (ONLCR).  The settings are Linux's kernel termios
 * (struct ld_termios: what TCGETS/TCSETS copy, 36 bytes) with Linux's
 * flag values (<termios.h>).
 */
#ifndef EXOS_POSIX_LDISC_H
#define EXOS_POSIX_LDISC_H

#include <stddef.h>
#include <stdint.h>

#define LD_NCC          19      /* Linux's kernel NCCS */
#define LD_QSIZE        4096    /* bytes a read may take (N_TTY_BUF_SIZE) */
#define LD_LINEMAX      4095    /* a canonical line, its end not counted */
#define LD_NENDS        256     /* complete canonical lines queued */
#define LD_ECHOMAX      (6 * LD_LINEMAX + 16)   /* ^U of a full line of
						   "^X"s: "\b \b" twice each */

struct ld_termios {             /* Linux's struct termios (TCGETS) */
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LD_NCC];
};

struct ldisc {
	struct ld_termios t;
	/* What a read may take: q[qtail..qhead) (free-running counters,
	 * index modulo LD_QSIZE).  In canonical mode ends[] holds where
	 * each complete line ends (a read stops there; a line of length
	 * 0 is an end of file). */
	uint64_t qhead, qtail;
	uint64_t ends[LD_NENDS];
	uint32_t nends, endfirst;
	/* The canonical line being edited, and each byte's echo width (so
	 * erase rubs out "^X" as two columns). */
	uint32_t nline;
	uint8_t lnext;          /* the previous byte was VLNEXT */
	uint8_t pad[3];
	uint8_t line[LD_LINEMAX];
	uint8_t width[LD_LINEMAX];
	uint8_t q[LD_QSIZE];
};

/* Echo bytes ld_input produced, for the caller to write. */
struct ld_echo {
	size_t n;
	uint8_t b[LD_ECHOMAX];
};

/* Linux's defaults: canonical, echo, ISIG, ICRNL, OPOST|ONLCR, ^C ^\ ^? ^U
 * ^D ^Z ^W ^V. */
void ld_init(struct ldisc *ld);
/* New settings (TCSETS).  Leaving canonical mode makes the line being
 * edited readable; entering it keeps what is queued as one line. */
void ld_set(struct ldisc *ld, const struct ld_termios *t);
/* Flush (TCFLSH / a signal character without NOFLSH): the queue and the
 * line. */
void ld_flush(struct ldisc *ld);
/* Whether ld_input can take one more byte now (else leave it in the
 * kernel's ring: flow control). */
int ld_room(const struct ldisc *ld);
/* How many bytes ld_input can surely take now, one after the other
 * (each one may fill the line or end one): how much to take out of the
 * kernel's ring at once. */
size_t ld_space(const struct ldisc *ld);
/* One byte typed; echo (appended to e) and the signal to send to the
 * foreground process group (SIGINT, SIGQUIT, SIGTSTP) or 0. */
int ld_input(struct ldisc *ld, uint8_t c, struct ld_echo *e);
/* Bytes a read could take now: in canonical mode those of the first
 * complete line (*eof set for an end-of-file line), else all queued. */
size_t ld_avail(const struct ldisc *ld, int *eof);
/* A read of at most n bytes into dst: the count (0 with *eof at an end
 * of file); it takes nothing and returns 0 if nothing is readable. */
size_t ld_read(struct ldisc *ld, uint8_t *dst, size_t n, int *eof);
/* Output processing under oflag (c_oflag) of n bytes of src into dst
 * (room max): the bytes of src consumed (*made: bytes put in dst).
 * With OPOST|ONLCR a '\n' becomes "\r\n" (never half of it); with
 * OPOST|OCRNL a '\r' becomes '\n'. */
size_t ld_output(uint32_t oflag, const uint8_t *src, size_t n,
    uint8_t *dst, size_t max, size_t *made);

#endif
