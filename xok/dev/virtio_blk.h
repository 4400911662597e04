/*
 * virtio_blk.h: the virtio block device (legacy PCI interface).
 *
 * Sectors are 512 bytes.  Data moves by DMA straight to or from the
 * physical address given; the caller owns that memory and must keep it
 * until the request completes.  The kernel runs with interrupts off, so
 * completions arrive either through vblk_intr() (from the device's IRQ)
 * or when vblk_rw()/vblk_flush() poll the queue; either way callbacks
 * run in the kernel, with interrupts off, and may submit new requests.
 *
 * Errors (negative XE_* codes):
 *   -XE_NOENT  no virtio disk
 *   -XE_INVAL  nbytes 0, not a multiple of 512 or above VBLK_MAX_BYTES;
 *              [pa, pa + nbytes) not inside physical memory; a
 *              scatter-gather list empty, too long or with a page
 *              outside physical memory
 *   -XE_RANGE  the transfer does not end inside the disk
 *   -XE_BUSY   not enough free descriptors now (vblk_submit and
 *              vblk_submit_sg only)
 *   -XE_PERM   a write to a read-only disk
 *   -XE_FAULT  the device reported an I/O error
 *   -XE_NOSYS  the device reported the request unsupported
 *   -XE_DEAD   the device stopped answering or answered nonsense; the
 *              driver reset it and fails every request from then on
 */
#ifndef XOK_DEV_VIRTIO_BLK_H
#define XOK_DEV_VIRTIO_BLK_H

#include <stdint.h>

#define VBLK_SECTOR    512
#define VBLK_MAX_BYTES (1U << 20)       /* largest single transfer */

/* Find and start the disk: 0, or -XE_NOENT if there is none. */
int vblk_init(void);
/* Capacity in 512-byte sectors (0 without a disk). */
uint64_t vblk_sectors(void);
/*
 * Start a transfer of nbytes between sectors [sector, ...) and physical
 * memory at pa; done(arg, status) runs on completion, status 0 or -XE_*.
 * done may be NULL.  Returns 0 (queued) or an error (nothing queued,
 * done will not run).
 */
int vblk_submit(uint64_t sector, uint64_t pa, uint32_t nbytes, int write,
    void (*done)(void *arg, int status), void *arg);
/* The same, waiting (polling) for completion: 0 or -XE_*. */
int vblk_rw(uint64_t sector, uint64_t pa, uint32_t nbytes, int write);
/*
 * A scatter-gather transfer: npages whole pages (4096 bytes each) at the
 * physical addresses pa[0..npages), which need not be contiguous, to or
 * from consecutive sectors from sector: one request, one data descriptor
 * per page.  npages must be 1..vblk_sg_max() (else -XE_INVAL); pa[] is
 * read only during the call.  Otherwise as vblk_submit.
 */
int vblk_submit_sg(uint64_t sector, const uint64_t *pa, uint32_t npages,
    int write, void (*done)(void *arg, int status), void *arg);
/* The same, but when the queue is full it reaps completions (running
   their callbacks) until there is room; bounded like vblk_rw (-XE_DEAD
   after the device's deadline). */
int vblk_submit_sg_wait(uint64_t sector, const uint64_t *pa,
    uint32_t npages, int write, void (*done)(void *arg, int status),
    void *arg);
/* The most pages one vblk_submit_sg request may carry (the device's
   seg_max and size_max, our descriptors, VBLK_MAX_BYTES); 0: no disk. */
uint32_t vblk_sg_max(void);
/*
 * Waiting for a set of requests: submit each with done = vblk_waiter_done
 * and arg = w, counting it in w->pending first (and back if the submit
 * fails); vblk_wait then polls until none is pending and returns the
 * first error (0 if none).  Bounded: a request that never completes
 * resets the device (-XE_DEAD).
 */
struct vblk_waiter {
	volatile int pending;           /* requests not yet completed */
	volatile int err;               /* the first error */
};
void vblk_waiter_done(void *arg, int status);
int vblk_wait(struct vblk_waiter *w);
/* Make completed writes stable (VIRTIO_BLK_T_FLUSH when offered). */
int vblk_flush(void);
/* The device's interrupt: acknowledge, reap completions, run callbacks. */
void vblk_intr(void);
/* The device's PIC line (0..15), or -1. */
int vblk_irq(void);

#endif
