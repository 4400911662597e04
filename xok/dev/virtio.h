/*
 * virtio.h: what the virtio drivers (virtio_blk.c, virtio_net.c) share:
 * the legacy (virtio 0.9.5) PCI interface QEMU's transitional devices
 * offer in BAR0 as I/O ports, the split virtqueue's layout, and the
 * steps every device goes through to start (virtio.c).
 */
#ifndef XOK_DEV_VIRTIO_H
#define XOK_DEV_VIRTIO_H

#include <stdint.h>

#define VIRTIO_VENDOR    0x1af4

/* Legacy registers, offsets in BAR0's I/O window. */
#define VIO_DEV_FEATURES 0x00           /* 32, device's feature bits */
#define VIO_DRV_FEATURES 0x04           /* 32, the ones we accept */
#define VIO_QUEUE_PFN    0x08           /* 32, ring address >> 12 */
#define VIO_QUEUE_SIZE   0x0c           /* 16, entries in the ring */
#define VIO_QUEUE_SEL    0x0e           /* 16 */
#define VIO_QUEUE_NOTIFY 0x10           /* 16, write the queue number */
#define VIO_STATUS       0x12           /* 8 */
#define VIO_ISR          0x13           /* 8, reading acknowledges */
#define VIO_CONFIG       0x14           /* device config (no MSI-X) */

#define ST_ACKNOWLEDGE 0x01
#define ST_DRIVER      0x02
#define ST_DRIVER_OK   0x04
#define ST_FAILED      0x80

#define VRING_ALIGN          4096
#define VRING_DESC_NEXT      1
#define VRING_DESC_WRITE     2          /* the device writes this buffer */
#define VRING_USED_NO_NOTIFY 1
#define VRING_MAX            32768

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];                /* then used_event */
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];  /* then avail_event */
};

/* One virtqueue: its rings in physically contiguous kernel pages, and
 * the driver's side of the indices. */
struct vring {
	uint16_t qsize;                 /* entries (the device's) */
	uint64_t ppn;                   /* first page of the rings */
	uint32_t pages;                 /* 0: not allocated yet */
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t avail_idx;             /* next avail->idx */
	uint16_t last_used;             /* used entries consumed */
	uint16_t inflight;              /* what the driver has posted */
};

struct pci_dev;
int virtio_find(uint16_t legacy_id, uint16_t modern_id, uint16_t subsys,
    const char *name, struct pci_dev *d, uint16_t *io, int *irq);
int virtio_begin(uint16_t io, uint32_t wanted, uint32_t *features);
int virtio_ring_setup(uint16_t io, uint16_t n, uint16_t minsize,
    struct vring *r, const char *name);
int virtio_ready(uint16_t io, const char *name);

static inline void
virtio_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

static inline void
virtio_mfence(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

#endif
