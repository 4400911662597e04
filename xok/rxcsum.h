/*
 * rxcsum.h: what the kernel makes of a received frame's virtio-net
 * header when receive checksum offload (VIRTIO_NET_F_GUEST_CSUM) is
 * negotiated (rxcsum.c).  Pure: no kernel state, so the host's unit
 * tests run the very code the driver does.  docs/NETWORK.md, "Receive
 * checksum offload".
 */
#ifndef XOK_RXCSUM_H
#define XOK_RXCSUM_H

#include <stddef.h>
#include <stdint.h>
#include <xok/abi.h>
#include "dev/virtio_net.h"

/*
 * The frame (len bytes, XOK_NET_FRAME_MIN..XOK_NET_FRAME_MAX, in the
 * kernel's receive buffer) arrived with header vh.  A partial checksum
 * (NEEDS_CSUM) is completed in place; the ring slot's flags are
 * returned (XOK_NET_RX_CSUM_OK or 0); -XE_INVAL when the header makes
 * no sense (a partial checksum's field or start outside the frame, a
 * segmentation type that was not negotiated): the frame is dropped,
 * unchanged.
 */
int rx_csum(uint8_t *frame, size_t len, const struct vnet_hdr *vh);

/* Test hook (xok.netbadhdr): make vh, of a frame of len bytes, the
 * k-th kind (k < RX_NONSENSE_KINDS) of header rx_csum refuses. */
#define RX_NONSENSE_KINDS 7
void rx_nonsense(struct vnet_hdr *vh, size_t len, unsigned k);

#endif
