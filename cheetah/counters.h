/*
 * counters.h: the load profile's counters (counters.c): lwIP's, the
 * netif driver's and Xok's, printed on the serial console at the end
 * of a test run or when a client asks for /.cheetah/counters
 * (docs/CHEETAH.md, "Counters").
 */
#ifndef CHEETAH_COUNTERS_H
#define CHEETAH_COUNTERS_H

#include <stdint.h>
#include "exosnet.h"

/* Segments lwIP sent again (fast retransmit or timeout; counted by
 * lwIP's option hook, cheetah_tcp_out) and zero-window probes. */
extern uint64_t tcp_rexmits, tcp_probes;
extern uint64_t tcp_rto_segs, tcp_rto_events, tcp_syn_segs, tcp_fast_segs,
    tcp_other_segs;

/* Print the counters, each line starting "counters: TAG". */
void net_counters(const struct exos_net *net, const char *tag);

#endif
