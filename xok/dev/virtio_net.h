/*
 * virtio_net.h: the virtio network card (legacy PCI interface).
 *
 * Received frames are handed, one at a time, to the function given to
 * vnet_init (the packet-filter demultiplexer), from vnet_intr() or
 * vnet_poll(), in the kernel with interrupts off; the frame is valid
 * only during that call.  vnet_send copies the frame into one of the
 * driver's transmit buffers; vnet_sendv copies only the frame's head and
 * has the card read the rest from physical segments in place, which
 * must stay valid (pinned) until the function given to vnet_set_txdone
 * hears of the slot: done (lost 0) or dropped by a reset (lost 1).
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

/* flags: the ring slot's XOK_NET_RX_* (rxcsum.c) */
typedef void (*vnet_rx_fn)(const uint8_t *frame, size_t len,
    uint16_t flags);
typedef void (*vnet_txdone_fn)(unsigned slot, int lost);

/* One physically contiguous piece of a gathered frame. */
struct vnet_seg {
	uint64_t pa;
	uint32_t len;
};
#define VNET_MAX_SEGS 32

/* The virtio-net header of a gathered frame (legacy layout, 10 bytes;
 * virtio 1.x "Device Operation"): flags VNET_HDR_F_NEEDS_CSUM asks the
 * card to sum from csum_start to the end and store the sum at
 * csum_start + csum_offset; gso_type VNET_GSO_TCPV4 asks it to cut the
 * payload after hdr_len bytes of headers into gso_size pieces.  On a
 * received frame (with GUEST_CSUM), NEEDS_CSUM says the card left that
 * sum for the driver to complete, DATA_VALID that it checked it. */
struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};
#define VNET_HDR_F_NEEDS_CSUM 1
#define VNET_HDR_F_DATA_VALID 2         /* received: the sum was checked */
#define VNET_GSO_NONE   0
#define VNET_GSO_TCPV4  1
#define VNET_MAX_ZC   8               /* zero-copy slots, at most */

/* Find and start the card: 0, or -XE_NODEV (or another error). */
int vnet_init(vnet_rx_fn rx);
/* The card's address (zeros without a card). */
void vnet_mac(uint8_t mac[6]);
/* Send len bytes from frame (kernel memory): 0 or -XE_*. */
int vnet_send(const void *frame, size_t len);
/* Send head (hlen bytes, at most 502, copied) followed by nseg
 * segments read in place, with the virtio-net header vh (NULL: no
 * offload; the caller checked it against the frame): the zero-copy slot
 * number (below VNET_MAX_ZC), or -XE_* (-XE_BUSY when every zero-copy
 * slot is in flight, -XE_NODEV when vh asks for an offload the card
 * did not agree to). */
int vnet_sendv(const void *head, size_t hlen, const struct vnet_seg *seg,
    unsigned nseg, const struct vnet_hdr *vh);
/* The offloads negotiated (XOK_NET_OFF_*; 0 without a card). */
uint32_t vnet_offload(void);
/* Negotiate none (xok.nooffload), from the next start of the card. */
void vnet_set_nooffload(void);
/* Who hears of finished and lost vnet_sendv frames. */
void vnet_set_txdone(vnet_txdone_fn fn);
/* Reap both queues now: frames received (handed to rx) in this call. */
int vnet_poll(void);
/* The card's interrupt: acknowledge, then as vnet_poll. */
void vnet_intr(void);
/* The card's PIC line (0..15), or -1. */
int vnet_irq(void);
/* Test hook: make the next receive completion look malformed (an id
 * out of range), to exercise the reset path. */
void vnet_inject_nonsense(void);
void vnet_inject_tx_nonsense(void);
/* Test hook (xok.netbadhdr): give the next RX_NONSENSE_KINDS received
 * frames that carry a partial checksum headers rxcsum.c refuses. */
void vnet_inject_badhdr(void);

#endif
