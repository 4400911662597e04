/*
 * cheetah.c: Cheetah, the HTTP/1.1 server as an application-specific
 * libOS (issue 13 item 5, first cut).  One Xok environment: its own
 * lwIP (cheetah/lwipopts.h) over packet filters and a packet ring
 * (libexos/net), serving every file of the C-FFS image on the disk
 * (docstore.c: mapped from XN's buffer-cache registry) at 10.0.2.15:80.
 *
 * The techniques, each on unless switched off by a letter after "no="
 * on the module's command line (e.g. "cheetah.elf no=zc"):
 *   h  precomputed response headers per file (else built per request)
 *   z  bodies sent straight from XN's cache pages (tcp_write without
 *      TCP_WRITE_FLAG_COPY: the document pages are the retransmission
 *      pool, and the card reads them in place through NET_TRANSMITV;
 *      else copied into lwIP's heap and into each frame)
 *   c  precomputed checksums (docs.c; else lwIP sums every byte)
 *   m  header, data and FIN merged into as few segments as possible,
 *      the request's ACK riding on them (else an ACK, the header, the
 *      data and the FIN each pushed out on their own)
 *   t  (netoffload) the card's TCP segmentation and checksum offload,
 *      when it has them: a burst of full segments lwIP sends leaves as
 *      one super-frame in one kernel call (libexos/net/exosgso.c); else
 *      one call per segment
 * "test" turns on the guest test's extras: a self-check of the sums at
 * start, the eviction-in-flight check (evictcheck.c), and
 * /.cheetah/quit, which ends the run with the final checks.  "stats"
 * (or "test") serves /.cheetah/counters, which prints the load
 * profile's counters on the serial console (counters.c).
 * docs/CHEETAH.md.
 */
#include <exos/exos.h>
#include <stdlib.h>
#include <string.h>
#include "../tests/guest/check.h"
#include "exosnet.h"
#include "docs.h"
#include "http.h"
#include "synguard.h"
#include "wirestats.h"
#include "heapmark.h"
#include "counters.h"
#include "segheap.h"
#include "lwip/tcp.h"
#include "lwip/stats.h"
#include "lwip/memp.h"
#include "lwip/mem.h"
#include "lwip/priv/tcp_priv.h"     /* struct tcp_seg: counting segments */

#define PORT            80
#define RING_VA         0x0000000400000000UL
#define NPG             64              /* 127 slots */
#define NCONN           256     /* connections served at once */
#define BACKLOG         255     /* SYN_RCVD and not yet accepted (lwIP's
				   u8_t: at most 255) */
#define RECLAIM_MS      1000    /* table full: a connection idle this
				   long in S_READ gives its slot up */
#define IN_SZ           (HTTP_HDR_MAX + TCP_WND + 512)
#define HDR_SZ          1024
#define IDLE_MS         5000    /* no complete request for this long */
#define LINGER_MS       3000    /* after our FIN or a refused request */
#define STALL_MS        20000   /* a response that makes no progress */

enum { S_READ = 1, S_SEND, S_LINGER };

struct conn {
	int used, state, close_after;
	int pending;                    /* unmerged: requests to serve from
					   the main loop */
	int moved;                      /* data acknowledged this window */
	struct tcp_pcb *pcb;
	uint32_t last;                  /* ms of the last progress */
	char hdr[HDR_SZ];               /* the header (and small bodies) */
	size_t hlen, hoff;
	const uint8_t *body;            /* in XN's cache pages (views) */
	size_t blen, boff;
	size_t inlen;
	char in[IN_SZ];
};

uint64_t evict_check(struct exos_net *n, struct docs *d);

static struct exos_net net;
static struct docs docs;
static struct conn conns[NCONN];
static int use_hdr = 1, use_zc = 1, use_ck = 1, use_merge = 1, testmode;
static int use_tso = 1, statsmode;
static int quit;
static uint64_t nreq, nresp[8], refused, ck_hits, ck_misses, aborted;
static uint64_t accepted, reclaimed, idle_closed;
static unsigned peak;                   /* most connections at once */
static uint64_t evict_frames;           /* evictcheck.c's */
/* responses that fit one segment, and the segments they took */
static uint64_t small_resp, small_segs;
/* the load profile (dump_counters): tcp_write refusals, and those that
 * left a connection with nothing in flight (it then waits for its poll:
 * no acknowledgement will call on_sent); windows of PROGRESS_MS with a
 * response being sent, the connections sending and those whose data
 * was acknowledged, summed over them, and the most that moved */
#define PROGRESS_MS     100
static uint64_t wr_mem, wr_mem_idle;
static uint64_t pg_windows, pg_sending, pg_moved, pg_most;
/* and the others served: their whole response queued, some of it not
 * yet acknowledged; or waiting for the client's next request */
static uint64_t pg_draining, pg_waiting;
/* the main loop's time (the guest's clock): in exos_net_poll (frames
 * into lwIP, and what that sends), asleep in exos_net_wait, in all */
static uint64_t t_poll, t_sleep, t_loop;

/* ---- checksums --------------------------------------------------------- */

uint16_t
cheetah_chksum(const void *p, int len)
{
	const struct doc *f;

	if (use_ck && len > 0 && (f = docs_holding(&docs, p, (size_t)len)) &&
	    f->ck) {
		ck_hits++;
		return doc_sum(f, (uint64_t)((const uint8_t *)p - f->data),
		    (uint64_t)len);
	}
	ck_misses++;
	return lwip_standard_chksum(p, len);
}

/* ---- time -------------------------------------------------------------- */

static uint64_t
now_sec(void)
{
	uint64_t s, ns;

	if (exos_wall_time(&s, &ns) < 0)
		return 0;
	return s;
}

/* "Date: ...\r\n", formatted once a second. */
static const char *
date_line(void)
{
	static uint64_t when = ~0UL;
	static char line[40];
	uint64_t t = now_sec();
	char d[30];

	if (t != when || !use_hdr) {
		http_date(t, d);
		snprintf(line, sizeof(line), "Date: %s\r\n", d);
		when = t;
	}
	return line;
}

/* ---- responses --------------------------------------------------------- */

static const char *
reason(int st)
{
	switch (st) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 304: return "Not Modified";
	case 416: return "Range Not Satisfiable";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	}
	return "Error";
}

static void
count(int st)
{
	nresp[st == 200 ? 0 : st == 304 ? 1 : st == 404 ? 2 : st == 400 ? 3 :
	    st == 405 ? 4 : st == 206 ? 6 : st == 416 ? 7 : 5]++;
}

/* The part of a 200 header that depends only on the file. */
static int
file_header(const struct doc *f, char *buf, size_t n)
{
	char lm[30];

	http_date(f->mtime, lm);
	return snprintf(buf, n, "HTTP/1.1 200 OK\r\nServer: Cheetah (Xok)\r\n"
	    "Content-Type: %s\r\nContent-Length: %lu\r\n"
	    "Last-Modified: %s\r\nAccept-Ranges: bytes\r\n",
	    http_type(f->name, f->namelen), (unsigned long)f->size, lm);
}

static void
add(struct conn *c, const char *s, size_t n)
{
	if (c->hlen + n > sizeof(c->hdr))
		n = sizeof(c->hdr) - c->hlen;   /* cannot happen: bounded */
	memcpy(c->hdr + c->hlen, s, n);
	c->hlen += n;
}

static void
adds(struct conn *c, const char *s)
{
	add(c, s, strlen(s));
}

static void
start(struct conn *c)
{
	c->hlen = c->hoff = 0;
	c->body = NULL;
	c->blen = c->boff = 0;
	c->state = S_SEND;
	c->last = exos_net_now();
}

static void
end_headers(struct conn *c)
{
	adds(c, date_line());
	adds(c, c->close_after ? "Connection: close\r\n\r\n" :
	    "Connection: keep-alive\r\n\r\n");
}

/* A small response whose body (bl bytes of type) goes in the header
 * buffer with it. */
static void
respond_small(struct conn *c, int st, const char *type, const char *body,
    int bl, int head, int close)
{
	char b[256];

	start(c);
	count(st);
	c->close_after |= close;
	snprintf(b, sizeof(b), "HTTP/1.1 %d %s\r\nServer: Cheetah (Xok)\r\n"
	    "Content-Type: %s\r\nContent-Length: %d\r\n%s", st, reason(st),
	    type, bl, st == 405 ? "Allow: GET, HEAD\r\n" : "");
	adds(c, b);
	end_headers(c);
	if (!head)
		add(c, body, (size_t)bl);
}

/* An error (or the quit page): a small HTML body, in the header buffer. */
static void
respond_status(struct conn *c, int st, int head, int close)
{
	char body[128];
	int bl;

	bl = snprintf(body, sizeof(body), "<html><body><h1>%d %s</h1>"
	    "</body></html>\n", st, reason(st));
	respond_small(c, st, "text/html; charset=utf-8", body, bl, head,
	    close);
}

/* 416: the Range asked for no byte of f; says f's size
 * (RFC 9110, 15.5.17). */
static void
respond_416(struct conn *c, const struct doc *f)
{
	char b[256], body[128];
	int bl;

	start(c);
	count(416);
	bl = snprintf(body, sizeof(body), "<html><body><h1>416 %s</h1>"
	    "</body></html>\n", reason(416));
	snprintf(b, sizeof(b), "HTTP/1.1 416 %s\r\nServer: Cheetah (Xok)\r\n"
	    "Content-Type: text/html; charset=utf-8\r\nContent-Length: %d"
	    "\r\nContent-Range: bytes */%lu\r\n", reason(416), bl,
	    (unsigned long)f->size);
	adds(c, b);
	end_headers(c);
	add(c, body, (size_t)bl);
}

static void
respond_file(struct conn *c, struct doc *f, const struct http_req *r)
{
	char b[512], lm[30];
	uint64_t first = 0, last = 0;

	start(c);
	if (r->has_ims && f->mtime <= r->ims) {
		count(304);
		http_date(f->mtime, lm);
		snprintf(b, sizeof(b), "HTTP/1.1 304 Not Modified\r\n"
		    "Server: Cheetah (Xok)\r\nLast-Modified: %s\r\n", lm);
		adds(c, b);
		end_headers(c);
		return;
	}
	/* Range is defined for GET only: HEAD ignores it (RFC 9110, 14.2) */
	switch (r->method == M_GET ? http_range(r, f->size, f->mtime, &first,
	    &last) : -1) {
	case 0:
		/* nothing of the file: 416, and its size */
		respond_416(c, f);
		return;
	case 1:
		/* one piece, sent from the same pages (zero copy and the
		 * checksum tables answer for any offset) */
		count(206);
		http_date(f->mtime, lm);
		snprintf(b, sizeof(b), "HTTP/1.1 206 Partial Content\r\n"
		    "Server: Cheetah (Xok)\r\nContent-Type: %s\r\n"
		    "Content-Length: %lu\r\nContent-Range: bytes %lu-%lu/%lu"
		    "\r\nLast-Modified: %s\r\nAccept-Ranges: bytes\r\n",
		    http_type(f->name, f->namelen),
		    (unsigned long)(last - first + 1), (unsigned long)first,
		    (unsigned long)last, (unsigned long)f->size, lm);
		adds(c, b);
		end_headers(c);
		c->body = f->data + first;
		c->blen = last - first + 1;
		return;
	}
	count(200);
	if (use_hdr && f->hdr)
		add(c, f->hdr, f->hdrlen);
	else
		add(c, b, (size_t)file_header(f, b, sizeof(b)));
	end_headers(c);
	if (r->method == M_GET) {
		c->body = f->data;
		c->blen = f->size;
	}
}

/* ---- connections ------------------------------------------------------- */

static void
release(struct conn *c)
{
	if (c->pcb) {
		tcp_arg(c->pcb, NULL);
		tcp_recv(c->pcb, NULL);
		tcp_sent(c->pcb, NULL);
		tcp_err(c->pcb, NULL);
		tcp_poll(c->pcb, NULL, 0);
	}
	c->used = 0;
	c->pcb = NULL;
}

/* The last PCB we aborted: a callback that aborted its own PCB must
 * return ERR_ABRT to lwIP (done()). */
static struct tcp_pcb *aborted_pcb;

static void
conn_abort(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	aborted++;
	release(c);
	aborted_pcb = pcb;
	tcp_abort(pcb);
}

/* Close with our FIN.  The PCB lingers (FIN_WAIT_2 up to 20 s while a
 * slowloris client holds its side open; TIME_WAIT): at the lowest
 * priority, so that when the pool is empty lwIP's tcp_alloc takes it
 * (a reset) for a new connection's SYN rather than drop the SYN;
 * served connections have the highest and are never taken. */
static void
conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	release(c);
	tcp_setprio(pcb, TCP_PRIO_MIN);
	if (tcp_close(pcb) != ERR_OK) {
		aborted++;
		aborted_pcb = pcb;
		tcp_abort(pcb);
	}
}

static err_t
done(struct tcp_pcb *pcb)
{
	return aborted_pcb == pcb ? ERR_ABRT : ERR_OK;
}

/* Queue as much of the response as lwIP takes; when it is all queued,
 * send our FIN (Connection: close) or go back to reading. */
static void
push(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	while (c->hoff < c->hlen || c->boff < c->blen) {
		const void *src;
		size_t n, rest;
		u8_t fl;
		err_t e;

		if (c->hoff < c->hlen) {
			src = c->hdr + c->hoff;
			n = c->hlen - c->hoff;
			rest = c->blen;
			fl = TCP_WRITE_FLAG_COPY;
		} else {
			src = c->body + c->boff;
			n = c->blen - c->boff;
			rest = 0;
			fl = use_zc ? 0 : TCP_WRITE_FLAG_COPY;
		}
		if (n > tcp_sndbuf(pcb)) {
			rest += n - tcp_sndbuf(pcb);
			n = tcp_sndbuf(pcb);
		}
		if (n == 0)
			break;
		if (rest && use_merge)
			fl |= TCP_WRITE_FLAG_MORE;
		e = tcp_write(pcb, src, (u16_t)n, fl);
		if (e == ERR_MEM) {
			/* on_sent calls again, or with nothing in flight
			 * on_poll */
			wr_mem++;
			if (pcb->unacked == NULL && pcb->unsent == NULL)
				wr_mem_idle++;
			break;
		}
		if (e != ERR_OK) {
			conn_abort(c);
			return;
		}
		if (c->hoff < c->hlen)
			c->hoff += n;
		else
			c->boff += n;
		if (!use_merge)
			tcp_output(pcb);
	}
	if (c->hoff == c->hlen && c->boff == c->blen) {
		if (c->close_after) {
			if (!use_merge)
				tcp_output(pcb);
			c->state = S_LINGER;
			c->inlen = 0;
			c->last = exos_net_now();
			/* the FIN rides on the last data segment if it has
			 * not gone yet */
			if (tcp_shutdown(pcb, 0, 1) != ERR_OK) {
				conn_abort(c);
				return;
			}
			return;
		}
		c->state = S_READ;
		c->last = exos_net_now();
	}
	tcp_output(pcb);
}

/* ---- another environment evicting the documents ---------------------- */

static int64_t evictor = -1;    /* the test's evictor environment */
static unsigned flood_left, flood_sent;    /* the test's SYN flood */
#define FLOOD           10000
#define FLOOD_BATCH     4       /* SYNs per turn of the main loop */
static uint64_t faults_fixed;

/* The fault upcall: a document page an eviction took away is mapped
 * again (docstore.c) and the interrupted code goes on; any other
 * fault is a bug, and ends the server. */
static void
on_fault(struct xok_frame *f)
{
	if (f->trapno == 14 && docs_fault(f->addr, f->err) == 0) {
		faults_fixed++;
		return;
	}
	printf("cheetah: fault %lu at %#lx (error %#lx), rip %#lx\n",
	    f->trapno, f->addr, f->err, f->rip);
	sys_shutdown(0, 1);
	exit(1);
}

/* /.cheetah/evict: start the evictor (boot module evictor.elf). */
static int
evictor_start(void)
{
	struct exos_spawn sp = { .slices = 1, .start = 1 };

	if (evictor > 0)
		return 0;
	if ((sp.image = exos_module("evictor.elf", &sp.size)) == NULL)
		return -1;
	evictor = exos_spawn(&sp);
	return evictor > 0 ? 0 : -1;
}

static void
evictor_stop(void)
{
	if (evictor > 0) {
		sys_env_destroy((uint64_t)evictor, 0, 0);
		evictor = 0;
	}
}

/* Test mode: a line every 10 s of what the card, the ring, the table
 * and the evictions did, so a stalled run shows where it stalled. */
static void
heartbeat(void)
{
	static uint32_t next;
	const volatile struct xok_net_export *x = &XOK_INFO->net;
	volatile struct xok_net_ring *r = (void *)RING_VA;
	uint32_t now = exos_net_now();
	struct tcp_pcb *p;
	unsigned i, used = 0, pcbs = 0;

	if (!testmode || (int32_t)(now - next) < 0)
		return;
	next = now + 10000;
	for (i = 0; i < NCONN; i++)
		used += conns[i].used;
	for (p = tcp_active_pcbs; p; p = p->next)
		pcbs++;
	printf("cheetah: [%u s] card rx %lu, to us %lu, ring full %lu, bad "
	    "ring %lu, resets %lu%s; ring %lu/%lu; slots %u, pcbs %u; "
	    "requests %lu; faults fixed %lu\n", now / 1000, x->rx_frames,
	    x->rx_delivered, x->rx_ringfull, x->rx_badring, x->resets,
	    x->dead ? " (dead)" : "", r->tail, r->head, used, pcbs, nreq,
	    faults_fixed);
}

/* Every PROGRESS_MS: how many connections were sending a response and
 * how many of them had data acknowledged (on_sent) meanwhile. */
static void
progress(void)
{
	static uint32_t next;
	uint32_t now = exos_net_now();
	unsigned i, sending = 0, moved = 0, draining = 0, waiting = 0;

	if ((int32_t)(now - next) < 0)
		return;
	next = now + PROGRESS_MS;
	for (i = 0; i < NCONN; i++) {
		struct conn *c = &conns[i];

		if (c->used && c->state == S_SEND)
			sending++;
		else if (c->used && c->state == S_READ && c->pcb &&
		    (c->pcb->unacked || c->pcb->unsent))
			draining++;
		else if (c->used && c->state == S_READ)
			waiting++;
		moved += c->moved;
		c->moved = 0;
	}
	if (sending == 0 && moved == 0)
		return;
	pg_windows++;
	pg_sending += sending;
	pg_draining += draining;
	pg_waiting += waiting;
	pg_moved += moved;
	if (moved > pg_most)
		pg_most = moved;
}

/* The load profile on the serial console: Cheetah's line, then
 * lwIP's, the netif's and the kernel's (counters.c).  AVG10: a sum's
 * average over the windows, as two numbers for "%lu.%lu". */
#define AVG10(sum)      (pg_windows ? (sum) / pg_windows : 0), \
	(pg_windows ? (sum) * 10 / pg_windows % 10 : 0)
static void
dump_counters(const char *tag)
{
	unsigned i, used = 0, sending = 0;

	for (i = 0; i < NCONN; i++) {
		used += conns[i].used;
		sending += conns[i].used && conns[i].state == S_SEND;
	}
	printf("counters: %s cheetah: requests %lu, connections %lu (most "
	    "at once %u, now %u, sending %u), refused %lu, aborted %lu, "
	    "closed idle %lu; tcp_write refused %lu (nothing in flight, "
	    "waited for the poll: %lu); since the last dump, %lu windows of "
	    "%u ms, connections "
	    "on average: sending %lu.%lu, response queued %lu.%lu, waiting "
	    "for a request %lu.%lu, acknowledged %lu.%lu, most acknowledged "
	    "%lu; ring dropped %lu\n", tag, nreq, accepted, peak, used,
	    sending, refused, aborted, idle_closed, wr_mem, wr_mem_idle,
	    pg_windows, PROGRESS_MS, AVG10(pg_sending), AVG10(pg_draining),
	    AVG10(pg_waiting),
	    AVG10(pg_moved), pg_most,
	    ((volatile struct xok_net_ring *)RING_VA)->dropped);
	printf("counters: %s time (ms, guest clock): main loop %lu, in "
	    "exos_net_poll %lu, asleep %lu, waiting for the card %lu\n",
	    tag, t_loop / 1000000, t_poll / 1000000, t_sleep / 1000000,
	    exos_net_tx_waited_ns / 1000000);
	/* the windows' figures are since the last dump */
	pg_windows = pg_sending = pg_draining = pg_waiting = 0;
	pg_moved = pg_most = 0;
	net_counters(&net, tag);
}

/* The special pages of the guest test. */
static int
special(struct conn *c, const struct http_req *r)
{
	if (!(testmode || statsmode) || r->pathlen < 9 ||
	    memcmp(r->path, ".cheetah/", 9))
		return 0;
	if (strcmp(r->path, ".cheetah/counters") == 0) {
		dump_counters("asked");
		respond_status(c, 200, r->method == M_HEAD, 0);
		return 1;
	}
	if (!testmode)
		return 0;
	if (strcmp(r->path, ".cheetah/quit") == 0) {
		quit = 1;
		respond_status(c, 200, r->method == M_HEAD, 1);
		return 1;
	}
	if (strcmp(r->path, ".cheetah/evict") == 0) {
		respond_status(c, evictor_start() == 0 ? 200 : 404,
		    r->method == M_HEAD, 0);
		return 1;
	}
	if (strcmp(r->path, ".cheetah/synflood") == 0) {
		flood_left = FLOOD;
		respond_status(c, 200, r->method == M_HEAD, 0);
		return 1;
	}
	if (strcmp(r->path, ".cheetah/pcbs") == 0) {
		struct tcp_pcb *p;
		int k = 0;

		printf("cheetah: pcbs:");
		for (p = tcp_active_pcbs; p; p = p->next) {
			struct conn *cc = p->callback_arg;

			printf(" %u:%d:%d:%d", p->remote_port, p->state,
			    cc ? cc->state : -1, cc ? (int)cc->inlen : -1);
			if (++k % 16 == 0)
				printf("\n");
		}
		printf("\ncheetah: tw:");
		for (p = tcp_tw_pcbs; p; p = p->next)
			printf(" %u", p->remote_port);
		printf("\n");
		respond_status(c, 200, r->method == M_HEAD, 0);
		return 1;
	}
	if (strcmp(r->path, ".cheetah/stats") == 0 ||
	    strcmp(r->path, ".cheetah/heap") == 0) {
		/* what the receive path dropped (wirestats.c), or lwIP's
		 * heap and pools, read before this response takes its own
		 * (heapmark.c: the peaks then start again); the body and
		 * the header share the 1 KiB header buffer */
		char body[HDR_SZ - 256];
		int bl = r->path[9] == 's' ? wire_stats(&net, body,
		    sizeof(body)) : heap_mark(body, sizeof(body), net.bl_n);

		if (bl < 0 || bl >= (int)sizeof(body))
			respond_status(c, 500, r->method == M_HEAD, 0);
		else
			respond_small(c, 200, "text/plain", body, bl,
			    r->method == M_HEAD, 0);
		return 1;
	}
	if (strcmp(r->path, ".cheetah/evict-stop") == 0) {
		evictor_stop();
		respond_status(c, 200, r->method == M_HEAD, 0);
		return 1;
	}
	return 0;
}

static unsigned
unsent_segs(struct tcp_pcb *pcb)
{
	struct tcp_seg *s;
	unsigned n = 0;

	for (s = pcb->unsent; s; s = s->next)
		n++;
	return n;
}

/*
 * Serve the complete requests in c->in, one at a time (a response in
 * progress holds the next request back).  Merging, this runs inside
 * lwIP's input processing, where tcp_output only queues: everything
 * leaves when the input is done, in as few segments as lwIP can cut,
 * the ACK of the request on the first.  Unmerged, it runs from the main
 * loop (on_recv only marks the connection), so each tcp_output sends at
 * once: a pure ACK, the header, the data and the FIN each in their own
 * segments, as a server that does read(), write(header), write(data),
 * close() on a conventional kernel.  The segments a response that fits
 * in one took are counted for the test (sent, plus left queued).
 */
static void
serve(struct conn *c)
{
	while (c->used && c->state == S_READ) {
		struct http_req r;
		long n = http_parse(c->in, c->inlen, &r);
		struct doc *f;
		u16_t xmit0 = lwip_stats.tcp.xmit;
		unsigned unsent0 = unsent_segs(c->pcb);

		if (n == 0)
			return;
		if (n < 0) {
			/* refused: answer, then ignore the rest */
			respond_status(c, (int)-n, 0, 1);
			c->inlen = 0;
		} else {
			nreq++;
			memmove(c->in, c->in + n, c->inlen - (size_t)n);
			c->inlen -= (size_t)n;
			c->close_after = !r.keepalive;
			if (r.method == M_OTHER) {
				respond_status(c, 405, 0, 1);
				c->inlen = 0;
			} else if (special(c, &r))
				;
			else if ((f = docs_find(&docs, r.path, r.pathlen)))
				respond_file(c, f, &r);
			else
				respond_status(c, 404, r.method == M_HEAD, 0);
		}
		if (!use_merge) {
			/* the request's ACK on its own */
			tcp_set_flags(c->pcb, TF_ACK_NOW);
			tcp_output(c->pcb);
		}
		push(c);
		if (c->used && c->state != S_SEND && c->hlen + c->blen <=
		    TCP_MSS) {
			small_resp++;
			small_segs += (u16_t)(lwip_stats.tcp.xmit - xmit0) +
			    unsent_segs(c->pcb) - unsent0;
		}
	}
}

static err_t
on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	aborted_pcb = NULL;
	if (c == NULL) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (p == NULL) {
		/* the peer is done sending */
		if (c->state == S_SEND && !c->close_after) {
			c->close_after = 1;     /* finish this response */
			c->inlen = 0;
			return ERR_OK;
		}
		if (c->state == S_SEND)
			return ERR_OK;
		conn_close(c);
		return done(pcb);
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	if (c->state == S_LINGER || c->close_after) {
		/* after a refusal or our last response: discarded */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	if (c->inlen + p->tot_len > sizeof(c->in)) {
		if (c->state == S_SEND)
			return ERR_MEM;         /* lwIP keeps it for later */
		/* cannot happen in S_READ (the buffer then holds less than
		 * HTTP_HDR_MAX), but refuse rather than trust that */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		respond_status(c, 431, 0, 1);
		c->inlen = 0;
		push(c);
		return done(pcb);
	}
	pbuf_copy_partial(p, c->in + c->inlen, p->tot_len, 0);
	c->inlen += p->tot_len;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (c->state == S_READ) {
		c->last = exos_net_now();
		if (use_merge)
			serve(c);
		else
			c->pending = 1;
	}
	return done(pcb);
}

static err_t
on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)len;
	aborted_pcb = NULL;
	if (c == NULL || c->state != S_SEND)
		return ERR_OK;
	c->last = exos_net_now();
	c->moved = 1;
	push(c);
	if (use_merge)
		serve(c);
	else
		c->pending = 1;
	return done(pcb);
}

static err_t
on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct conn *c = arg;
	uint32_t idle;

	aborted_pcb = NULL;
	if (c == NULL)
		return ERR_OK;
	idle = exos_net_now() - c->last;
	if (c->state == S_SEND) {
		if (idle > STALL_MS) {
			conn_abort(c);
			return ERR_ABRT;
		}
		push(c);
	} else if (c->state == S_READ && idle > IDLE_MS) {
		idle_closed++;
		conn_close(c);
	} else if (c->state == S_LINGER && idle > LINGER_MS) {
		conn_close(c);
	}
	return done(pcb);
}

static void
on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (c) {
		c->pcb = NULL;          /* lwIP freed it */
		c->used = 0;
	}
}

/*
 * A free slot of the table, or NULL.  When every slot is taken, the
 * connection that has waited longest for a request (S_READ, nothing
 * received for RECLAIM_MS: an idle keep-alive client, or a slowloris
 * one dribbling half a request) is closed and gives its slot up, so
 * clients that hold connections without using them cannot lock others
 * out; busy connections are never taken.
 */
static struct conn *
conn_slot(void)
{
	struct conn *old = NULL;
	uint32_t now = exos_net_now(), most = RECLAIM_MS;
	int i;

	for (i = 0; i < NCONN; i++) {
		if (!conns[i].used)
			return &conns[i];
		if (conns[i].state == S_READ && now - conns[i].last >= most) {
			most = now - conns[i].last;
			old = &conns[i];
		}
	}
	if (old == NULL)
		return NULL;
	reclaimed++;
	conn_close(old);
	return old->used ? NULL : old;
}

/* ---- refusals: the table is full ------------------------------------- */

/*
 * Past NCONN busy connections a new one gets a 503 and our FIN (a
 * clear refusal: HTTP clients see the status, and Retry-After), its
 * requests discarded; it is closed once the answer is acknowledged,
 * or reset after two polls (1 s).  Its PCB gets the lowest priority,
 * so lwIP may take it back for a new connection (tcp_alloc kills
 * lower priorities first); served connections get the highest, so
 * nothing that arrives can take theirs.
 */
static const char r503[] = "HTTP/1.1 503 Service Unavailable\r\n"
    "Server: Cheetah (Xok)\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
    "Connection: close\r\n\r\n";

static err_t
refused_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg, (void)err;
	if (p != NULL) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	tcp_recv(pcb, NULL);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	return ERR_OK;
}

static err_t
refused_poll(void *arg, struct tcp_pcb *pcb)
{
	uintptr_t polls = (uintptr_t)arg;

	if (pcb->unacked == NULL && pcb->unsent == NULL) {
		tcp_recv(pcb, NULL);
		tcp_poll(pcb, NULL, 0);
		if (tcp_close(pcb) == ERR_OK)
			return ERR_OK;
		polls = 2;
	}
	if (polls >= 2) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	tcp_arg(pcb, (void *)(polls + 1));
	return ERR_OK;
}

static err_t
refuse(struct tcp_pcb *pcb)
{
	refused++;
	tcp_setprio(pcb, TCP_PRIO_MIN);
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, refused_recv);
	tcp_poll(pcb, refused_poll, 2);
	if (tcp_write(pcb, r503, sizeof(r503) - 1, 0) != ERR_OK ||
	    tcp_output(pcb) != ERR_OK) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	return ERR_OK;
}

static err_t
on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c;

	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	if ((c = conn_slot()) == NULL)
		return refuse(pcb);
	accepted++;
	tcp_setprio(pcb, TCP_PRIO_MAX);
	{
		unsigned i, n = 1;

		for (i = 0; i < NCONN; i++)
			n += conns[i].used;
		if (n > peak)
			peak = n;
	}
	c->used = 1;
	c->pcb = pcb;
	c->state = S_READ;
	c->close_after = 0;
	c->pending = 0;
	c->inlen = c->hlen = c->hoff = c->blen = c->boff = 0;
	c->body = NULL;
	c->last = exos_net_now();
	tcp_nagle_disable(pcb);
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);
	return ERR_OK;
}

/* ---- start ------------------------------------------------------------- */

static void
options(void)
{
	const char *s = (const char *)XOK_INFO->modules[0].name, *e;
	size_t n = strnlen(s, sizeof(XOK_INFO->modules[0].name));

	for (e = s + n; s < e; s++) {
		if (e - s >= 3 && memcmp(s, "no=", 3) == 0)
			for (s += 3; s < e && *s != ' '; s++)
				switch (*s) {
				case 'h': use_hdr = 0; break;
				case 'z': use_zc = 0; break;
				case 'c': use_ck = 0; break;
				case 'm': use_merge = 0; break;
				case 't': use_tso = 0; break;
				}
		if (s < e && e - s >= 4 && memcmp(s, "test", 4) == 0)
			testmode = 1;
		if (s < e && e - s >= 5 && memcmp(s, "stats", 5) == 0)
			statsmode = 1;
	}
}

/* The sums from the tables against lwIP's own routine. */
static void
check_sums(void)
{
	uint64_t seed = rdtsc() | 1, k, bad = 0, tried = 0;
	unsigned i;

	for (i = 0; i < docs.nfiles; i++) {
		struct doc *f = &docs.files[i];

		if (f->ck == NULL || f->size == 0)
			continue;
		for (k = 0; k < 64; k++) {
			uint64_t off, len;
			uint32_t a, b;

			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			off = seed % f->size;
			len = 1 + (seed >> 20) % (f->size - off);
			if (len > 65535)
				len = 65535;
			a = doc_sum(f, off, len);
			b = lwip_standard_chksum(f->data + off, (int)len);
			/* 0 and 0xffff are the same number */
			if (a % 0xffff != b % 0xffff)
				bad++;
			tried++;
		}
	}
	printf("cheetah: %lu precomputed sums checked\n", tried);
	EXPECT("the precomputed sums equal lwIP's", tried > 0 && bad == 0);
}

int
main(uint64_t arg)
{
	static const uint8_t ip[4] = { 10, 0, 2, 15 };
	static const uint8_t mask[4] = { 255, 255, 255, 0 };
	static const uint8_t gw[4] = { 10, 0, 2, 2 };
	uint64_t bytes = 0;
	uint32_t quit_at = 0;
	struct tcp_pcb *l;
	unsigned i;
	int e;

	(void)arg;
	options();
	printf("cheetah: headers %s, zero-copy %s, checksums %s, merging %s%s\n",
	    use_hdr ? "on" : "off", use_zc ? "on" : "off",
	    use_ck ? "on" : "off", use_merge ? "on" : "off",
	    testmode ? " (test)" : "");
	if ((e = docs_load(&docs)) < 0) {
		printf("cheetah: no documents: no C-FFS image on the disk "
		    "(%d)\n", e);
		EXPECT("the documents from the C-FFS image", 0);
		sys_shutdown(0, 1);
		return 1;
	}
	for (i = 0; i < docs.nfiles; i++) {
		struct doc *f = &docs.files[i];
		char b[512];
		int n;

		bytes += f->size;
		if (use_hdr && (n = file_header(f, b, sizeof(b))) > 0 &&
		    (f->hdr = malloc((size_t)n)) != NULL) {
			memcpy(f->hdr, b, (size_t)n);
			f->hdrlen = (unsigned)n;
		}
		if (use_ck)
			doc_precompute_sums(f);
	}
	printf("cheetah: %u documents, %lu bytes, from the C-FFS image: %lu "
	    "XN cache pages mapped (%lu put in the registry by us), %u files "
	    "skipped\n", docs.nfiles, bytes, docs.blocks, docs.inserted,
	    docs.skipped);
	if (testmode && use_ck)
		check_sums();
	/* documents evicted by others come back through page faults */
	exos_fault_handler = on_fault;
	if ((e = exos_upcalls_install(EXOS_UP(XOK_UP_FAULT), 0)) < 0) {
		printf("cheetah: fault upcall: %d\n", e);
		sys_shutdown(0, 1);
		return 1;
	}
	net.zc_off = !use_zc;
	e = exos_net_start(&net, 0, RING_VA, NPG, ip, mask, gw);
	if (e < 0) {
		printf("cheetah: network: %d\n", e);
		EXPECT("the network starts", 0);
		sys_shutdown(0, 1);
		return 1;
	}
	net.zc_off = !use_zc;           /* exos_net_start cleared it */
	net.tso_off = !use_tso;
	if (testmode)   /* the PCBs counted after every frame lwIP takes */
		net.rx_fed = heap_fed;
	if (testmode)   /* (lwIP's heap exists once the network started) */
		EXPECT_EQ("segment headers from the free list, then lwIP's "
		    "heap, all given back (segheap.c)", segheap_selfcheck(), 0);
	l = tcp_new();
	if (l == NULL || tcp_bind(l, IP_ADDR_ANY, PORT) != ERR_OK ||
	    (l = tcp_listen_with_backlog(l, BACKLOG)) == NULL) {
		printf("cheetah: cannot listen\n");
		sys_shutdown(0, 1);
		return 1;
	}
	tcp_accept(l, on_accept);
	syn_guard(&net, l, PORT);
	if (testmode)
		evict_frames = evict_check(&net, &docs);
	printf("cheetah: serving http://10.0.2.15:%d/\n", PORT);
	for (;;) {
		uint64_t t0 = exos_uptime_ns(), t1;

		if (testmode)
			heap_sample();
		exos_net_poll(&net);
		t1 = exos_uptime_ns();
		t_poll += t1 - t0;
		if (testmode)
			heap_sample();
		for (i = 0; i < NCONN; i++)
			if (conns[i].used && conns[i].pending) {
				conns[i].pending = 0;
				serve(&conns[i]);
			}
		docs_collect();
		heartbeat();
		progress();
		if (flood_left > 0) {
			unsigned k = flood_left < FLOOD_BATCH ? flood_left :
			    FLOOD_BATCH;

			if (flood_sent == 0)
				EXPECT_EQ("the gateway's ARP entry pinned",
				    syn_pin_gateway(&net), 0);

			syn_flood(&net, k, (uint32_t)rdtsc());
			flood_left -= k;
			flood_sent += k;
		}
		if (quit && quit_at == 0)
			quit_at = exos_net_now();
		/* a SYN flood still being fed finishes first: the client
		 * may quit before a slow guest fed all of it (session 10:
		 * 9,472 of 10,000 on a busy machine) */
		if (quit_at && exos_net_now() - quit_at > 500 &&
		    flood_left == 0)
			break;
		t1 = exos_uptime_ns();
		exos_net_wait(&net, flood_left ? 0 : 100);
		t_sleep += exos_uptime_ns() - t1;
		t_loop += exos_uptime_ns() - t0;
	}
	printf("cheetah: %lu requests: 200 %lu, 304 %lu, 404 %lu, 400 %lu, "
	    "405 %lu, 206 %lu, 416 %lu, other %lu; connections %lu, refused (503) %lu, idle "
	    "ones closed for a new one %lu, after 5 s %lu, aborted %lu; "
	    "%lu one-segment responses in %lu segments; sums from tables "
	    "%lu, computed %lu; heap peak %u (since the client's last "
	    "/.cheetah/heap), in use %u; ring dropped %lu\n", nreq,
	    nresp[0], nresp[1], nresp[2], nresp[3], nresp[4], nresp[6],
	    nresp[7], nresp[5], accepted, refused, reclaimed, idle_closed, aborted, small_resp, small_segs, ck_hits,
	    ck_misses,
	    (unsigned)lwip_stats.mem.max, (unsigned)lwip_stats.mem.used,
	    ((volatile struct xok_net_ring *)
	    RING_VA)->dropped);
	dump_counters("end");
	evictor_stop();
	{
		uint64_t rm, cp, fr, pend;

		docs_collect();
		docs_evict_stats(&rm, &cp, &fr, &pend);
		printf("cheetah: evictions by others: %lu faults fixed, %lu "
		    "blocks mapped again, %lu private copies, %lu pages "
		    "freed, %lu not yet\n", faults_fixed, rm, cp, fr, pend);
		if (testmode && evictor >= 0)
			EXPECT("documents another environment evicted came "
			    "back by page faults", faults_fixed > 0 &&
			    rm + cp >= faults_fixed);
	}
	printf("cheetah: at most %u connections at once (of %d)\n", peak,
	    NCONN);
	printf("cheetah: SYNs %lu (made up %u), oldest half-open dropped for "
	    "a new one %lu, TIME_WAIT ended by a new SYN %lu\n", syn_seen,
	    flood_sent, syn_evicted, syn_reopened);
	if (flood_sent > 0) {
		EXPECT("a SYN flood filled the backlog, and new SYNs made "
		    "room", flood_sent == FLOOD && syn_evicted > 0);
		/* the load cases (cheetahload.sh) ran: closed connections
		 * lingering in FIN_WAIT_2 gave their PCBs to new SYNs */
		EXPECT_EQ("no SYN or segment dropped for want of memory "
		    "(lwIP's memerr)", lwip_stats.tcp.memerr, 0);
	}
	EXPECT("requests were served", nresp[0] > 0);
	if (use_ck)
		EXPECT("data sums came from the precomputed tables",
		    ck_hits > 0);
	/* (session 14) transmit checksum offload: on a card that sums,
	 * lwIP computed no TCP sum; the card summed the super-frames and
	 * the lone frames the merger sent, the driver the others (the
	 * host's txsumcheck.py checks them on the wire) */
	printf("cheetah: transmit checksum offload%s: lone frames summed by "
	    "the driver %lu, by the card %lu; the kernel's frames with a "
	    "card sum %lu\n", exos_net_txcsum(&net) ? "" : " off",
	    net.tx_csum_sw, net.tx_csum_card, XOK_INFO->net.tx_csum);
	if (XOK_INFO->net.offload & XOK_NET_OFF_CSUM)
		EXPECT("lwIP's TCP sums left to the card and the driver",
		    exos_net_txcsum(&net) && net.tx_csum_sw > 0 &&
		    XOK_INFO->net.tx_csum == net.tx_tso + net.tx_csum_card);
	else
		EXPECT_EQ("no card checksum: lwIP summed every TCP frame",
		    net.tx_csum_sw + net.tx_csum_card +
		    XOK_INFO->net.tx_csum, 0);
	printf("cheetah: frames %lu, of which zero-copy (NET_TRANSMITV) "
	    "%lu, finished %lu\n", net.tx_frames, net.tx_zc, net.tx_zc_done);
	printf("cheetah: card offload%s%s; TSO %s: %lu super-frames of %lu "
	    "segments, %lu frames through the merger, %lu refused\n",
	    XOK_INFO->net.offload & XOK_NET_OFF_CSUM ? " csum" : "",
	    XOK_INFO->net.offload & XOK_NET_OFF_TSO4 ? " tso4" : " none",
	    use_tso ? "on" : "off", net.tx_tso, net.tx_tso_segs, net.tx_gso,
	    net.tx_gso_failed);
	printf("cheetah: transmit busy %lu, dropped %lu; TCP segments sent %u, "
	    "dropped %u, memerr %u, received %u; card rx %lu, ring full %lu\n",
	    net.tx_busy, net.tx_dropped, (unsigned)lwip_stats.tcp.xmit,
	    (unsigned)lwip_stats.tcp.drop, (unsigned)lwip_stats.tcp.memerr,
	    (unsigned)lwip_stats.tcp.recv,
	    XOK_INFO->net.rx_frames, XOK_INFO->net.rx_ringfull);
	if (use_zc) {
		/* (that bodies were never copied into lwIP's heap, the
		 * client checks per phase: /.cheetah/heap, heapmark.c) */
		EXPECT("bodies left by NET_TRANSMITV, read by the card from "
		    "the document pages", net.tx_zc + net.tx_gso > 0 &&
		    XOK_INFO->net.tx_zerocopy == net.tx_zc + net.tx_gso +
		    evict_frames);
	} else
		EXPECT_EQ("zero copy off: no NET_TRANSMITV", net.tx_zc, 0);
	EXPECT_EQ("no super-frame was refused", net.tx_gso_failed, 0);
	EXPECT_EQ("the kernel counted our super-frames",
	    XOK_INFO->net.tx_tso, net.tx_tso);
	if (use_tso && use_zc && (XOK_INFO->net.offload & XOK_NET_OFF_TSO4))
		EXPECT("large bodies left as TSO super-frames", net.tx_tso > 0);
	else
		EXPECT_EQ("no TSO (switched off, or the card has none)",
		    net.tx_tso, 0);
	/* (session 13) receive checksum offload: the host's frames reach
	 * a tap card with partial sums the kernel completes and flags, so
	 * lwIP skipped their TCP sums; on any other card none is flagged */
	printf("cheetah: receive checksum offload%s: %lu frames flagged, "
	    "kernel: %lu partial sums completed, %lu checked by the card, "
	    "%lu bad headers\n", XOK_INFO->net.offload & XOK_NET_OFF_RXCSUM ?
	    "" : " off", net.rx_csum_ok, XOK_INFO->net.rx_csum_done,
	    XOK_INFO->net.rx_csum_valid, XOK_INFO->net.rx_badhdr);
	if (XOK_INFO->net.offload & XOK_NET_OFF_RXCSUM)
		EXPECT("received frames flagged checksum-right, lwIP's sums "
		    "skipped", net.rx_csum_ok > 0);
	else
		EXPECT_EQ("no receive checksum offload: no frame flagged",
		    net.rx_csum_ok + XOK_INFO->net.rx_csum_done +
		    XOK_INFO->net.rx_csum_valid, 0);
	EXPECT_EQ("no received frame with a nonsense header",
	    XOK_INFO->net.rx_badhdr, 0);
	if (use_merge)
		/* (pipelined responses may even share one) */
		EXPECT("a response that fits one segment went as at most "
		    "one (header, data, FIN, the request's ACK)",
		    small_resp > 0 && small_segs <= small_resp);
	else
		EXPECT("unmerged: responses went as several segments",
		    small_segs >= 2 * small_resp);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
