/*
 * segheap.h: lwIP's small heap blocks from a free list (segheap.c).
 */
#ifndef CHEETAH_SEGHEAP_H
#define CHEETAH_SEGHEAP_H

#include <stdint.h>

/* Blocks handed out from the list, taken back, of them in use now and
 * at most; requests sent to lwIP's heap (larger, or the list empty)
 * and the time they took (the guest's clock). */
struct segheap_stats {
	uint64_t taken, given_back, fallback, fallback_ns;
	unsigned in_use, most;
};
extern struct segheap_stats segheap;

/* The guest test's check of the list's edges, before anything else
 * allocates: every block taken, the next request and a larger one
 * served by lwIP's heap, mem_trim of a list block, every block given
 * back and the heap's counters where they were.  0, or -1 (printed). */
int segheap_selfcheck(void);

#endif
