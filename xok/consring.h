/*
 * consring.h: the console input ring (pure logic; also built for host
 * tests).  The UART's receive interrupt puts bytes in, CONS_READ takes
 * them out (xok/consin.c).  head and tail count bytes since boot and
 * never wrap in practice (64 bits); head - tail bytes are stored, at
 * buf[tail % size] onwards.
 */
#ifndef XOK_CONSRING_H
#define XOK_CONSRING_H

#include <stdint.h>
#include <xok/abi.h>

#define CONSRING_SIZE XOK_CONS_RING     /* a power of two */

struct consring {
	uint64_t head;                  /* bytes ever put in */
	uint64_t tail;                  /* bytes ever taken out */
	uint8_t buf[CONSRING_SIZE];
};

/* An empty ring whose counters start at `start`. */
void consring_init(struct consring *r, uint64_t start);
uint64_t consring_count(const struct consring *r);
uint64_t consring_room(const struct consring *r);
/* Append c: 1, or 0 if the ring is full (nothing changes). */
int consring_put(struct consring *r, uint8_t c);
/*
 * The oldest min(n, count) bytes, in order, as two pieces of the buffer:
 * *p1 (*n1 bytes), then *p2 (*n2 bytes, 0 unless they wrap).  Nothing is
 * taken out.  Returns *n1 + *n2.
 */
uint64_t consring_peek(const struct consring *r, uint64_t n,
    const uint8_t **p1, uint64_t *n1, const uint8_t **p2, uint64_t *n2);
/* Take out the oldest n bytes (n <= count, else nothing happens). */
void consring_take(struct consring *r, uint64_t n);

#endif
