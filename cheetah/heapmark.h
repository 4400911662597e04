/*
 * heapmark.h: the guest test's /.cheetah/heap page (heapmark.c): what
 * lwIP's heap and pools hold, and their peaks since the last call.
 */
#ifndef CHEETAH_HEAPMARK_H
#define CHEETAH_HEAPMARK_H

#include <stddef.h>

/* Format lwIP's heap and pool counters into buf (n bytes) as
 * "name=value" words, then start a new phase: the peaks of the heap
 * and of the active PCBs are set back to what they are now.  pool is
 * the receive pool's buffers in use but the `backlog` frames waiting
 * in the netif's receive backlog (one buffer each: exosnet.c), which
 * a send may have copied in at any time (session 18).  The length, or
 * n or more if buf was too small (snprintf's contract; the peaks are
 * then left alone). */
int heap_mark(char *buf, size_t n, unsigned backlog);

/* Count the active PCBs (any state but LISTEN and TIME_WAIT) for the
 * phase's peak: called before and after each turn of lwIP's input,
 * and (heap_fed, the netif's rx_fed) after every frame of a turn:
 * since session 17 one turn may take hundreds of frames, in which
 * connections open and close. */
void heap_sample(void);
struct exos_net;
void heap_fed(struct exos_net *n);

#endif
