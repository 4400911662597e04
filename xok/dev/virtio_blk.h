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
 *              [pa, pa + nbytes) not inside physical memory
 *   -XE_RANGE  the transfer does not end inside the disk
 *   -XE_BUSY   not enough free descriptors now (vblk_submit only)
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
/* Make completed writes stable (VIRTIO_BLK_T_FLUSH when offered). */
int vblk_flush(void);
/* The device's interrupt: acknowledge, reap completions, run callbacks. */
void vblk_intr(void);
/* The device's PIC line (0..15), or -1. */
int vblk_irq(void);

#endif
