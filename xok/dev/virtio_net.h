/*
 * virtio_net.h: the virtio network card (legacy PCI interface).
 *
 * Received frames are handed, one at a time, to the function given to
 * vnet_init (the packet-filter demultiplexer), from vnet_intr() or
 * vnet_poll(), in the kernel with interrupts off; the frame is valid
 * only during that call.  Sending copies the frame into one of the
 * driver's transmit buffers.
 *
 * Errors (negative XE_* codes):
 *   -XE_NODEV  no virtio-net card
 *   -XE_INVAL  a frame shorter than XOK_NET_FRAME_MIN or longer than
 *              XOK_NET_FRAME_MAX
 *   -XE_BUSY   every transmit buffer is in flight
 *   -XE_DEAD   the card answered nonsense too often and is disabled
 */
#ifndef XOK_DEV_VIRTIO_NET_H
#define XOK_DEV_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

typedef void (*vnet_rx_fn)(const uint8_t *frame, size_t len);

/* Find and start the card: 0, or -XE_NODEV (or another error). */
int vnet_init(vnet_rx_fn rx);
/* The card's address (zeros without a card). */
void vnet_mac(uint8_t mac[6]);
/* Send len bytes from frame (kernel memory): 0 or -XE_*. */
int vnet_send(const void *frame, size_t len);
/* Reap both queues now: frames received (handed to rx) in this call. */
int vnet_poll(void);
/* The card's interrupt: acknowledge, then as vnet_poll. */
void vnet_intr(void);
/* The card's PIC line (0..15), or -1. */
int vnet_irq(void);
/* Test hook: make the next receive completion look malformed (an id
 * out of range), to exercise the reset path. */
void vnet_inject_nonsense(void);

#endif
