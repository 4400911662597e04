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

#endif
