/*
 * synguard.h: Cheetah against SYN floods (synguard.c).
 */
#ifndef CHEETAH_SYNGUARD_H
#define CHEETAH_SYNGUARD_H

#include <stdint.h>
#include "exosnet.h"
#include "lwip/tcp.h"

/* Watch the SYNs to port for listener (after exos_net_start): when its
 * backlog is full, a new SYN drops the oldest half-open connection. */
void syn_guard(struct exos_net *n, struct tcp_pcb *listener, uint16_t port);
/* The guest test: count SYNs from made-up addresses that never answer,
 * fed to lwIP as if received. */
void syn_flood(struct exos_net *n, unsigned count, uint32_t seed);
/* Before it: the gateway's ARP entry made static: 0, or -1. */
int syn_pin_gateway(struct exos_net *n);
extern uint64_t syn_seen, syn_evicted, syn_reopened, syn_tw_kept;

#endif
