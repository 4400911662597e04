/*
 * heapmark.c: lwIP's heap, measured per phase of the guest test
 * (/.cheetah/heap, read by tests/guest/cheetahclient.py between its
 * cases).  With zero copy (technique z) the heap holds only what lwIP
 * allocates per segment: a response header copied into one block
 * (lwIP pads it to one MSS, TCP_OVERSIZE, to take the body's first
 * bytes), and one header-only block for every other segment, a
 * SYN-ACK or a lone FIN; the bodies are PBUF_ROM pointers into the
 * documents.  So what a phase may use is bounded by the most active
 * PCBs it had at once (TIME_WAIT ones hold nothing; counted by the
 * main loop before and after each turn of lwIP's input and after each
 * frame of it, heap_sample)
 * times what one PCB may hold; the page reports lwIP's sizes of those
 * two blocks for the client's arithmetic:
 *
 *   blk(n)  = ALIGN(sizeof(struct pbuf)) + ALIGN(PBUF_TRANSPORT)
 *             + ALIGN(n) + SIZEOF_STRUCT_MEM (mem.c's block header)
 *             + SIZEOF_STRUCT_MEM + MIN_SIZE_ALIGNED - MEM_ALIGNMENT
 *               (a free block too small to split is taken whole)
 *   hdr     = blk(TCP_MSS)    the copied response header
 *   seg     = blk(8)          any other segment (8: a SYN's options)
 *
 * (x86-64, MEM_ALIGNMENT 8: hdr 1,584 bytes, seg 128.)  The peaks
 * are reset at each read, so each phase is measured alone, and the
 * client also checks the heap goes back to where it started once a
 * phase's connections are gone (a pbuf leaked in any path stays).
 * docs/CHEETAH.md, "Tests".
 */
#include <exos/exos.h>
#include "heapmark.h"
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"     /* tcp_active_pcbs */

/* mem.c's private block header (struct mem: two mem_size_t and a
 * flag) and smallest block, as it computes them */
#define MEMHDR  LWIP_MEM_ALIGN_SIZE(2 * sizeof(mem_size_t) + 1)
#define MINBLK  LWIP_MEM_ALIGN_SIZE(12)

static unsigned active, active_peak;    /* PCBs in tcp_active_pcbs */

static unsigned
blk(unsigned n)
{
	return (unsigned)(LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) +
	    LWIP_MEM_ALIGN_SIZE(PBUF_TRANSPORT) + LWIP_MEM_ALIGN_SIZE(n) +
	    MEMHDR + MEMHDR + MINBLK - MEM_ALIGNMENT);
}

void
heap_sample(void)
{
	struct tcp_pcb *p;

	active = 0;
	for (p = tcp_active_pcbs; p; p = p->next)
		active++;
	if (active > active_peak)
		active_peak = active;
}

void
heap_fed(struct exos_net *n)
{
	(void)n;
	heap_sample();
}

int
heap_mark(char *buf, size_t n, unsigned backlog)
{
	int k;

	heap_sample();
	k = snprintf(buf, n, "used=%u peak=%u pcbs=%u pcbs.peak=%u segs=%u "
	    "pool=%u backlog=%u rom=%u err=%u hdr=%u seg=%u mss=%u "
	    "sndbuf=%u\n",
	    (unsigned)lwip_stats.mem.used, (unsigned)lwip_stats.mem.max,
	    active, active_peak,
	    (unsigned)lwip_stats.memp[MEMP_TCP_SEG]->used,
	    (unsigned)lwip_stats.memp[MEMP_PBUF_POOL]->used - backlog,
	    backlog,
	    (unsigned)lwip_stats.memp[MEMP_PBUF]->used,
	    (unsigned)lwip_stats.mem.err, blk(TCP_MSS), blk(8),
	    (unsigned)TCP_MSS, (unsigned)TCP_SND_BUF);
	if (k < 0 || (size_t)k >= n)
		return k;
	lwip_stats.mem.max = lwip_stats.mem.used;
	active_peak = active;
	return k;
}
