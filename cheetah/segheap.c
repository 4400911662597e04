/*
 * segheap.c: lwIP's small heap blocks, the header of each segment lwIP
 * sends, from a free list of fixed-size blocks instead of lwIP's heap.
 *
 * Why (session 14, docs/CHEETAH.md, "Counters"): with zero copy each
 * segment's body is a PBUF_ROM pointer into a document and its header
 * a PBUF_RAM block of about 100 bytes from lwIP's heap (mem.c), so a
 * connection with a full send buffer holds some 30 such blocks, 128
 * connections about 3,800.  mem.c is first fit from its lowest free
 * block: taking that block it walks over every used block above it to
 * find the next free one.  With 1 MiB documents at 128 connections the
 * profile's counters showed lwIP's mem_malloc taking half of the main
 * loop's time (590,096 calls, 4.1 s of 9.9 s; at 16 connections 0.3 s
 * for 1.2 million calls).  Here such a request is O(1).
 *
 * mem_malloc, mem_free and mem_trim are wrapped at link time
 * (cheetah.mk: -Wl,--wrap); a request of at most SMALL bytes takes a
 * block from the list, anything else, or any request when the list is
 * empty, goes to lwIP's heap as before.  The heap's counters
 * (lwip_stats.mem, which heapmark.c and the guest test's per-phase
 * checks read) are charged what mem.c would charge for the block (its
 * header and the aligned size), so the test's bounds hold unchanged.
 * mem_trim of a list block keeps it whole (lwIP's mem_trim may return
 * the same block unshrunk too).
 */
#include <exos/exos.h>
#include "segheap.h"
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

#define SMALL   128                     /* payload bytes of a block */
#define NBLK    (MEMP_NUM_TCP_SEG + 512)  /* a header per segment, and
					     pure ACKs and SYN-ACKs */
/* mem.c's block header (struct mem: two mem_size_t and a flag) and
 * smallest block, as heapmark.c computes them */
#define MEMHDR  LWIP_MEM_ALIGN_SIZE(2 * sizeof(mem_size_t) + 1)
#define MINBLK  LWIP_MEM_ALIGN_SIZE(12)

union blk {
	struct {
		union blk *next;        /* on the free list */
		uint64_t charged;       /* in use: what the stats were
					   charged */
	} h;
	uint8_t pad[16 + SMALL];
};

static union blk blks[NBLK];
static union blk *free_list;
static int ready;
struct segheap_stats segheap;

void *__real_mem_malloc(mem_size_t size);
void __real_mem_free(void *p);
void *__real_mem_trim(void *p, mem_size_t size);
void *__wrap_mem_malloc(mem_size_t size);
void __wrap_mem_free(void *p);
void *__wrap_mem_trim(void *p, mem_size_t size);

static void
init(void)
{
	unsigned i;

	for (i = 0; i < NBLK; i++) {
		blks[i].h.next = free_list;
		free_list = &blks[i];
	}
	ready = 1;
}

static union blk *
ours(void *p)
{
	uintptr_t a = (uintptr_t)p - 16;

	if (a < (uintptr_t)blks || a >= (uintptr_t)(blks + NBLK) ||
	    (a - (uintptr_t)blks) % sizeof(union blk) != 0)
		return NULL;
	return (union blk *)a;
}

void *
__wrap_mem_malloc(mem_size_t size)
{
	union blk *b;
	uint64_t t;
	mem_size_t charge;
	void *p;

	if (!ready)
		init();
	if (size > 0 && size <= SMALL && (b = free_list) != NULL) {
		free_list = b->h.next;
		charge = (mem_size_t)(MEMHDR + (LWIP_MEM_ALIGN_SIZE(size) <
		    MINBLK ? MINBLK : LWIP_MEM_ALIGN_SIZE(size)));
		b->h.charged = charge;
		MEM_STATS_INC_USED(used, charge);
		segheap.taken++;
		if (++segheap.in_use > segheap.most)
			segheap.most = segheap.in_use;
		return b->pad + 16;
	}
	t = exos_uptime_ns();
	p = __real_mem_malloc(size);
	segheap.fallback++;
	segheap.fallback_ns += exos_uptime_ns() - t;
	return p;
}

void
__wrap_mem_free(void *p)
{
	union blk *b = ours(p);

	if (b == NULL) {
		__real_mem_free(p);
		return;
	}
	MEM_STATS_DEC_USED(used, (mem_size_t)b->h.charged);
	b->h.next = free_list;
	free_list = b;
	segheap.given_back++;
	segheap.in_use--;
}

void *
__wrap_mem_trim(void *p, mem_size_t size)
{
	if (ours(p) == NULL)
		return __real_mem_trim(p, size);
	return size <= SMALL ? p : NULL;
}

int
segheap_selfcheck(void)
{
	mem_size_t used0 = lwip_stats.mem.used;
	uint64_t fb0 = segheap.fallback;
	unsigned in0 = segheap.in_use, n = 0, bad = 0;
	void *chain = NULL, *p, *extra, *big;

	/* take every block, chained through their first bytes */
	while (segheap.in_use < NBLK && (p = mem_malloc(100)) != NULL) {
		if (ours(p) == NULL)
			bad++;
		*(void **)p = chain;
		chain = p;
		n++;
	}
	extra = mem_malloc(100);        /* the list is empty: the heap */
	big = mem_malloc(SMALL + 1);    /* too large for the list */
	if (in0 + n != NBLK || segheap.fallback - fb0 != 2 || extra == NULL ||
	    ours(extra) || big == NULL || ours(big))
		bad++;
	if (chain == NULL || mem_trim(chain, 50) != chain ||
	    mem_trim(chain, SMALL + 1) != NULL)
		bad++;
	if (extra)
		mem_free(extra);
	if (big)
		mem_free(big);
	while (chain != NULL) {
		p = *(void **)chain;
		mem_free(chain);
		chain = p;
	}
	if (segheap.in_use != in0 || lwip_stats.mem.used != used0)
		bad++;
	printf("cheetah: segheap: %u blocks taken from the list, then lwIP's "
	    "heap; %u wrong\n", n, bad);
	return bad ? -1 : 0;
}
