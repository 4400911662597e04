/*
 * txocheck.h: NET_TRANSMITO's header checks (txocheck.c), pure: no
 * kernel state, so they are also built for the host's fuzzer
 * (xok/fuzz/fuzz_txo.c, `make fuzz-net`) and unit tests.
 */
#ifndef XOK_TXOCHECK_H
#define XOK_TXOCHECK_H

#include <stdint.h>
#include <xok/abi.h>
#include "dev/virtio_net.h"

/* The longest frame the offload word allows (a super-frame with TSO). */
uint64_t nettxo_frame_max(uint64_t offload);
/* Check the offload word against the frame's copied head (hl bytes of a
 * total-byte frame: XOK_NET_FRAME_MIN <= total <= nettxo_frame_max,
 * hl = min(total, XOK_NET_TXHDR), as nettx.c guarantees); on success
 * fill *vh, write the pseudo-header sum into head's TCP checksum field
 * (its only change to head) and return 0; else -XE_INVAL, head and *vh
 * as they were. */
int txo_check(uint8_t *head, uint64_t hl, uint64_t total, uint64_t offload,
    struct vnet_hdr *vh);

#endif
