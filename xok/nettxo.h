/*
 * nettxo.h: transmit offload (nettxo.c), the checks NET_TRANSMITO adds
 * to NET_TRANSMITV's (nettx.c, nettx_gather).
 */
#ifndef XOK_NETTXO_H
#define XOK_NETTXO_H

#include <stddef.h>
#include <stdint.h>
#include "dev/virtio_net.h"

/* The longest frame the offload word allows (a super-frame with TSO). */
uint64_t nettxo_frame_max(uint64_t offload);
/* Check the offload word against the frame's copied head (hl bytes of a
 * total-byte frame) and the card; fill *vh and write the pseudo-header
 * sum into head's TCP checksum field.  0 or -XE_INVAL (whether the card
 * agreed to the offload, vnet_sendv says: -XE_NODEV). */
int nettxo_check(uint8_t *head, uint64_t hl, uint64_t total,
    uint64_t offload, struct vnet_hdr *vh);
/* Count a frame sent with vh. */
void nettxo_count(const struct vnet_hdr *vh);
/* NET_TRANSMITV's work (nettx.c); offload 0: none. */
int64_t nettx_gather(uint64_t slot, uaddr_t uv, uint64_t n, uaddr_t done,
    uint64_t offload);

#endif
