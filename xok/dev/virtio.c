/*
 * virtio.c: the steps every legacy virtio PCI device goes through, for
 * virtio_blk.c and virtio_net.c: find the device and its I/O window,
 * reset and negotiate features, lay out and hand over a virtqueue, and
 * tell the device the driver is ready.  Each step checks what the
 * device answers and fails with a message rather than trusting it.
 */
#include "../kern.h"
#include "pci.h"
#include "virtio.h"

/*
 * Find the first transitional (legacy) device with PCI id legacy_id and
 * subsystem id subsys (*d); enable its I/O window and bus mastering.  A
 * modern-only device (modern_id) is reported and refused.  0, or
 * -XE_NODEV.
 */
int
virtio_find(uint16_t legacy_id, uint16_t modern_id, uint16_t subsys,
    const char *name, struct pci_dev *dp, uint16_t *io, int *irq)
{
	struct pci_dev d;
	uint32_t bar;
	uint16_t cmd;

	if (pci_find(VIRTIO_VENDOR, legacy_id, 0, &d) < 0) {
		if (pci_find(VIRTIO_VENDOR, modern_id, 0, &d) == 0)
			kprintf("%s: %02x:%02x.%x is a modern-only virtio "
			    "device; not supported\n", name, d.bus, d.slot,
			    d.func);
		return -XE_NODEV;
	}
	if (pci_read16(&d, PCI_SUBSYS_ID) != subsys)
		return -XE_NODEV;
	bar = pci_read32(&d, PCI_BAR0);
	if (!(bar & PCI_BAR_IO) || (bar & ~3U) == 0 || (bar & ~3U) > 0xff00) {
		kprintf("%s: BAR0 %x is not an assigned I/O window\n", name,
		    bar);
		return -XE_NODEV;
	}
	cmd = pci_read16(&d, PCI_COMMAND);
	pci_write16(&d, PCI_COMMAND,
	    (cmd | PCI_CMD_IO | PCI_CMD_MASTER) & ~PCI_CMD_INTX_OFF);
	*io = (uint16_t)(bar & ~3U);
	*irq = d.irq < 16 ? d.irq : -1;
	*dp = d;
	return 0;
}

/* Reset the device, acknowledge it and accept the features in wanted it
 * offers (*features).  -XE_BUSY if the reset never completes. */
int
virtio_begin(uint16_t io, uint32_t wanted, uint32_t *features)
{
	unsigned i;

	outb(io + VIO_STATUS, 0);
	for (i = 0; inb(io + VIO_STATUS) != 0; i++)
		if (i > 1000000)
			return -XE_BUSY;
	outb(io + VIO_STATUS, ST_ACKNOWLEDGE);
	outb(io + VIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
	*features = inl(io + VIO_DEV_FEATURES) & wanted;
	outl(io + VIO_DRV_FEATURES, *features);
	return 0;
}

/*
 * Set up queue n: its size must be a power of two in [minsize,
 * VRING_MAX] and, after a reset, what it was; the rings are allocated
 * the first time and cleared every time; the indices start at 0.
 */
int
virtio_ring_setup(uint16_t io, uint16_t n, uint16_t minsize,
    struct vring *r, const char *name)
{
	uint32_t used_off, ring_bytes;
	uint16_t qsize;
	int64_t ppn;

	outw(io + VIO_QUEUE_SEL, n);
	qsize = inw(io + VIO_QUEUE_SIZE);
	if (qsize < minsize || qsize > VRING_MAX ||
	    (qsize & (qsize - 1)) != 0) {
		kprintf("%s: bad size %u of queue %u\n", name, qsize, n);
		return -XE_INVAL;
	}
	if (inl(io + VIO_QUEUE_PFN) != 0) {
		kprintf("%s: queue %u already in use after reset\n", name, n);
		return -XE_BUSY;
	}
	used_off = ROUNDUP(16U * qsize + 6U + 2U * qsize, VRING_ALIGN);
	ring_bytes = ROUNDUP(used_off + 6U + 8U * qsize, PGSIZE);
	if (r->pages == 0) {
		if ((ppn = kpages_alloc_contig(ring_bytes / PGSIZE)) < 0)
			return (int)ppn;
		r->ppn = (uint64_t)ppn;
		r->pages = ring_bytes / PGSIZE;
		r->qsize = qsize;
	} else if (qsize != r->qsize) {
		kprintf("%s: queue %u changed size after a reset\n", name, n);
		return -XE_INVAL;
	}
	memset(KADDR(r->ppn * PGSIZE), 0, ring_bytes);
	r->desc = KADDR(r->ppn * PGSIZE);
	r->avail = KADDR(r->ppn * PGSIZE + 16U * qsize);
	r->used = KADDR(r->ppn * PGSIZE + used_off);
	r->avail_idx = r->last_used = r->inflight = 0;
	outl(io + VIO_QUEUE_PFN, (uint32_t)r->ppn);
	return 0;
}

/* Tell the device the driver is ready; -XE_INVAL if it refuses. */
int
virtio_ready(uint16_t io, const char *name)
{
	uint8_t st;

	outb(io + VIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_DRIVER_OK);
	st = inb(io + VIO_STATUS);
	if (st & ST_FAILED || !(st & ST_DRIVER_OK)) {
		kprintf("%s: device refused to start (status %x)\n", name, st);
		return -XE_INVAL;
	}
	return 0;
}
