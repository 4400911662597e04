/*
 * consring.c: the console input ring (see consring.h).  The reader
 * looks (consring_peek), copies, and only then takes (consring_take),
 * so a copy that fails loses nothing.
 */
#include "consring.h"

_Static_assert((CONSRING_SIZE & (CONSRING_SIZE - 1)) == 0,
    "the console ring's size must be a power of two");

void
consring_init(struct consring *r, uint64_t start)
{
	r->head = start;
	r->tail = start;
}

uint64_t
consring_count(const struct consring *r)
{
	return r->head - r->tail;
}

uint64_t
consring_room(const struct consring *r)
{
	return CONSRING_SIZE - consring_count(r);
}

int
consring_put(struct consring *r, uint8_t c)
{
	if (consring_count(r) >= CONSRING_SIZE)
		return 0;
	r->buf[r->head % CONSRING_SIZE] = c;
	r->head++;
	return 1;
}

uint64_t
consring_peek(const struct consring *r, uint64_t n, const uint8_t **p1,
    uint64_t *n1, const uint8_t **p2, uint64_t *n2)
{
	uint64_t at = r->tail % CONSRING_SIZE, count = consring_count(r);

	if (n > count)
		n = count;
	*p1 = &r->buf[at];
	*n1 = n <= CONSRING_SIZE - at ? n : CONSRING_SIZE - at;
	*p2 = &r->buf[0];
	*n2 = n - *n1;
	return n;
}

void
consring_take(struct consring *r, uint64_t n)
{
	if (n <= consring_count(r))
		r->tail += n;
}
