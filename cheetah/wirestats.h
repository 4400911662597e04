/*
 * wirestats.h: the drop counters of the guest test's /.cheetah/stats
 * page (wirestats.c).
 */
#ifndef CHEETAH_WIRESTATS_H
#define CHEETAH_WIRESTATS_H

#include <stddef.h>
#include "exosnet.h"

/* Format the kernel's, the netif's and lwIP's receive counters into
 * buf (n bytes), one "layer name=value ..." line each: the length, or
 * n or more if buf was too small (snprintf's contract). */
int wire_stats(const struct exos_net *net, char *buf, size_t n);

#endif
