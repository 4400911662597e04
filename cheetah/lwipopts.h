/*
 * cheetah/lwipopts.h: lwIP configured for Cheetah alone (an
 * application-specific libOS builds its own TCP/IP): the library's
 * settings (libexos/net/lwipopts.h) with more connections and send
 * buffer, checksums computed while data enters a segment
 * (LWIP_CHECKSUM_ON_COPY), and lwIP's checksum routine replaced by
 * Cheetah's, which answers from the per-file precomputed sums when the
 * bytes are a document's (cheetah/car.c).  Found before the library's
 * file because cheetah.mk puts -Icheetah first.  docs/CHEETAH.md.
 */
#ifndef CHEETAH_LWIPOPTS_H
#define CHEETAH_LWIPOPTS_H

#include <stdint.h>
#include "../libexos/net/lwipopts.h"

#undef MEM_SIZE
#undef PBUF_POOL_SIZE
#undef MEMP_NUM_PBUF
#undef MEMP_NUM_TCP_PCB
#undef MEMP_NUM_TCP_PCB_LISTEN
#undef TCP_SND_BUF
#undef TCP_SND_QUEUELEN
#undef MEMP_NUM_TCP_SEG
#undef TCP_WND

/* Connections: cheetah.c serves NCONN (256) at once and keeps BACKLOG
 * (255) SYN_RCVD or not yet accepted (TCP_LISTEN_BACKLOG: a SYN past
 * them is dropped); the rest of the PCBs are for refusals (503) and
 * TIME_WAIT, which lwIP takes back when the pool is empty.  A 4-segment
 * receive window (requests are small; a pipelining client waits), a
 * 44 KiB send buffer each (sends from the document pages need only a
 * PBUF_ROM descriptor per segment).  Segments and pbufs are shared: a
 * connection that finds none waits for its poll (1 s).  Memory per
 * connection: docs/CHEETAH.md, "Connections". */
#define MEM_SIZE                (1024 * 1024)
#define PBUF_POOL_SIZE          256
#define MEMP_NUM_TCP_PCB        (256 + 255 + 64)
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define TCP_LISTEN_BACKLOG      1
#define TCP_WND                 (4 * TCP_MSS)
#define TCP_SND_BUF             (30 * TCP_MSS)
#define TCP_SND_QUEUELEN        (2 * TCP_SND_BUF / TCP_MSS + 4)
#define MEMP_NUM_TCP_SEG        4096
#define MEMP_NUM_PBUF           4096

/* The SYN-flood test pins the gateway's ARP entry (synguard.c). */
#define ETHARP_SUPPORT_STATIC_ENTRIES 1

/* (session 14) no LWIP_CHECKSUM_ON_COPY: with it lwIP sums each
 * segment's data at tcp_write, before it knows whether the card will
 * (exosnet.c turns lwIP's TCP sums off on a card with checksum
 * offload); without it lwIP sums at output, when the netif lets it,
 * over the segment's pbufs, whose document pieces cheetah_chksum
 * answers from the precomputed tables. */
#define LWIP_CHKSUM_ALGORITHM   2
#define LWIP_CHKSUM             cheetah_chksum

/* Segments sent again, counted for the load profile (counters.c):
 * lwIP calls this for every TCP header it builds; it adds no option. */
struct pbuf;
struct tcp_hdr;
struct tcp_pcb;
uint32_t *cheetah_tcp_out(struct pbuf *p, struct tcp_hdr *hdr,
    const struct tcp_pcb *pcb, uint32_t *opts);
#define LWIP_HOOK_TCP_OUT_ADD_TCPOPTS(p, hdr, pcb, opts) \
	cheetah_tcp_out(p, hdr, pcb, opts)

uint16_t lwip_standard_chksum(const void *p, int len);
uint16_t cheetah_chksum(const void *p, int len);

#endif
