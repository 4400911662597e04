/*
 * virtio_blk.c: the virtio block device, through the legacy (virtio
 * 0.9.5) PCI interface that QEMU's transitional virtio-blk-pci offers
 * in BAR0 as I/O ports.
 *
 * One virtqueue: a descriptor table, the driver's "available" ring and
 * the device's "used" ring, laid out in physically contiguous pages
 * whose frame number is handed to the device.  A request is a chain of
 * descriptors: a 16-byte header {type, reserved, sector} the device
 * reads, one or more data descriptors pointing straight at the caller's
 * physical memory (the device reads them for a write, writes them for a
 * read), and a one-byte status the device writes last.  The header and
 * status live in a per-request slot of this file, indexed by the chain's
 * first descriptor, which is also the id the device returns in the used
 * ring.  The data is either one physically contiguous buffer (split at
 * the device's size_max) or, for vblk_submit_sg, a list of whole pages
 * anywhere in memory written to or read from consecutive sectors, one
 * descriptor per page, at most vblk_sg_max() pages (seg_max, our
 * descriptors, VBLK_MAX_BYTES): XN's write-back merges runs of blocks
 * cached in scattered pages into one request that way.
 *
 * The kernel never blocks and runs with interrupts off: completions are
 * reaped either by vblk_intr() from the device's interrupt, or by the
 * synchronous calls polling the used ring.  Every poll is bounded (TSC
 * deadline and an iteration count), and everything the device writes is
 * checked: a used index running ahead of what is in flight, an unknown
 * id, or a request that never completes resets the device and fails all
 * outstanding and future requests with -XE_DEAD, rather than hanging or
 * corrupting the kernel.
 *
 * The driver's self-test is not here: it is vblk_selftest.c, compiled
 * only into the test kernel build/xok/xok-vblktest.bin
 * (tests/guest/disktest.sh).
 *
 * Not done: the modern (virtio 1.0) interface, MSI-X, indirect
 * descriptors (a scatter-gather request takes one ring descriptor per
 * page, so a long one can fill the ring and the next waits for it),
 * event-index notification suppression, more than one queue or more
 * than one disk.
 */
#include "../kern.h"
#include "pci.h"
#include "virtio.h"
#include "virtio_blk.h"

#define VIRTIO_BLK_LEGACY   0x1001      /* transitional block device */
#define VIRTIO_BLK_MODERN   0x1042
#define VIRTIO_ID_BLOCK     2           /* subsystem id of a legacy blk */

/* Legacy registers, offsets into the BAR0 I/O window. */


#define ISR_QUEUE  0x1
#define ISR_CONFIG 0x2

/* Block feature bits and config fields. */
#define F_SIZE_MAX  (1U << 1)           /* config: size_max, per segment */
#define F_SEG_MAX   (1U << 2)           /* config: seg_max, per request */
#define F_RO        (1U << 5)
#define F_BLK_SIZE  (1U << 6)
#define F_FLUSH     (1U << 9)
#define F_WANTED    (F_SIZE_MAX | F_SEG_MAX | F_RO | F_BLK_SIZE | F_FLUSH)
#define CFG_CAPACITY 0                  /* 64 */
#define CFG_SIZE_MAX 8                  /* 32 */
#define CFG_SEG_MAX  12                 /* 32 */


#define T_IN    0
#define T_OUT   1
#define T_FLUSH 4
#define S_OK     0
#define S_IOERR  1
#define S_UNSUPP 2

#define VBLK_NDESC     256              /* descriptors we use, at most */
#define VBLK_TIMEOUT_S 10               /* one request's deadline */
#define VBLK_POLL_MAX  (1ULL << 30)     /* backstop if the TSC is odd */

/* What the device reads first and writes last, one per chain head. */
struct vblk_slot {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
	uint8_t pad[15];
};

struct vblk_req {
	void (*done)(void *arg, int status);
	void *arg;
	uint16_t ndesc;                 /* descriptors in the chain */
	uint8_t busy;
};

static struct {
	int present;
	int dead;                       /* reset after misbehaving */
	uint16_t io;                    /* BAR0 I/O base */
	int irq;
	uint32_t features;              /* negotiated */
	uint64_t capacity;              /* sectors */
	uint32_t seg_bytes;             /* largest data descriptor */
	uint32_t max_bytes;             /* largest request */
	uint32_t sg_pages;              /* most pages in a vblk_submit_sg */
	struct vring q;                 /* the one queue (inflight: requests) */
	uint16_t ndesc;                 /* descriptors we use */
	uint16_t free_head, nfree;
	uint64_t nintr;
} vb = { .irq = -1 };

static struct vblk_req req[VBLK_NDESC];
static uint16_t desc_next[VBLK_NDESC];  /* free list and chains */
static volatile struct vblk_slot slot[VBLK_NDESC] __attribute__((aligned(64)));

#ifdef VBLK_SELFTEST
static void vblk_selftest_if_marked(void);
#endif

static inline void
cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static uint64_t
deadline(void)
{
	uint64_t hz = info && info->tsc_hz ? info->tsc_hz : 1000000000ULL;

	return rdtsc() + VBLK_TIMEOUT_S * hz;
}

static int
expired(uint64_t dl, uint64_t *iter)
{
	return ++*iter > VBLK_POLL_MAX || rdtsc() > dl;
}

/*
 * The device misbehaved: reset it (so it stops using the rings), fail
 * everything in flight and everything later.
 */
static void
vblk_fail(const char *why)
{
	unsigned i;

	if (vb.dead)
		return;
	kprintf("vblk: %s; device reset, disk disabled\n", why);
	vb.dead = 1;
	outb(vb.io + VIO_STATUS, 0);
	for (i = 0; i < vb.ndesc; i++) {
		void (*done)(void *, int) = req[i].done;
		void *arg = req[i].arg;

		if (!req[i].busy)
			continue;
		req[i].busy = 0;
		vb.q.inflight--;
		if (done)
			done(arg, -XE_DEAD);
	}
}

static uint16_t
desc_get(void)
{
	uint16_t d = vb.free_head;

	vb.free_head = desc_next[d];
	vb.nfree--;
	return d;
}

static void
desc_put(uint16_t d)
{
	desc_next[d] = vb.free_head;
	vb.free_head = d;
	vb.nfree++;
}

/*
 * Queue one request; the arguments are already checked.  The data is
 * nreg regions of reg_bytes each, at the physical addresses pa[0..nreg),
 * one after the other on the disk; each region takes one descriptor (or
 * several if the device's size_max is smaller).
 */
static int
vq_start(uint32_t type, uint64_t sector, const uint64_t *pa, uint32_t nreg,
    uint32_t reg_bytes, void (*done)(void *, int), void *arg)
{
	uint32_t per = reg_bytes ? (reg_bytes + vb.seg_bytes - 1) /
	    vb.seg_bytes : 0;
	uint32_t nseg = nreg * per, r, off, len;
	uint16_t head, prev, d;

	if (nseg + 2 > vb.nfree)
		return -XE_BUSY;
	head = desc_get();
	slot[head].type = type;
	slot[head].reserved = 0;
	slot[head].sector = sector;
	slot[head].status = 0xff;
	vb.q.desc[head].addr = PADDR(&slot[head].type);
	vb.q.desc[head].len = 16;
	vb.q.desc[head].flags = VRING_DESC_NEXT;
	prev = head;
	for (r = 0; r < nreg; r++) {
		for (off = 0; off < reg_bytes; off += len) {
			len = reg_bytes - off < vb.seg_bytes ? reg_bytes - off :
			    vb.seg_bytes;
			d = desc_get();
			vb.q.desc[d].addr = pa[r] + off;
			vb.q.desc[d].len = len;
			vb.q.desc[d].flags = VRING_DESC_NEXT |
			    (type == T_IN ? VRING_DESC_WRITE : 0);
			vb.q.desc[prev].next = d;
			desc_next[prev] = d;
			prev = d;
		}
	}
	d = desc_get();
	vb.q.desc[d].addr = PADDR(&slot[head].status);
	vb.q.desc[d].len = 1;
	vb.q.desc[d].flags = VRING_DESC_WRITE;
	vb.q.desc[d].next = 0;
	vb.q.desc[prev].next = d;
	desc_next[prev] = d;

	req[head].done = done;
	req[head].arg = arg;
	req[head].ndesc = (uint16_t)(nseg + 2);
	req[head].busy = 1;
	vb.q.inflight++;

	vb.q.avail->ring[vb.q.avail_idx & (vb.q.qsize - 1)] = head;
	virtio_barrier();                      /* ring entry before the index */
	vb.q.avail->idx = ++vb.q.avail_idx;
	virtio_mfence();                       /* index before reading flags */
	if (!(vb.q.used->flags & VRING_USED_NO_NOTIFY))
		outw(vb.io + VIO_QUEUE_NOTIFY, 0);
	return 0;
}

/* Consume the used ring and run the callbacks. */
static void
vq_reap(void)
{
	unsigned n;

	if (!vb.present || vb.dead)
		return;
	/* Re-read every time: a callback may reap (vblk_rw) itself. */
	for (n = 0; n < 2U * vb.q.qsize; n++) {
		uint16_t idx = vb.q.used->idx, d, i;
		void (*done)(void *, int);
		void *arg;
		uint32_t id;
		int err;

		virtio_barrier();
		if (idx == vb.q.last_used)
			return;
		if ((uint16_t)(idx - vb.q.last_used) > vb.q.inflight) {
			vblk_fail("used ring ran ahead of the requests");
			return;
		}
		id = vb.q.used->ring[vb.q.last_used & (vb.q.qsize - 1)].id;
		vb.q.last_used++;
		if (id >= vb.ndesc || !req[id].busy) {
			vblk_fail("completion of an unknown request");
			return;
		}
		switch (slot[id].status) {
		case S_OK:
			err = 0;
			break;
		case S_UNSUPP:
			err = -XE_NOSYS;
			break;
		default:
			err = -XE_FAULT;
			break;
		}
		done = req[id].done;
		arg = req[id].arg;
		for (d = (uint16_t)id, i = req[id].ndesc; i > 0; i--) {
			uint16_t next = desc_next[d];

			desc_put(d);
			d = next;
		}
		req[id].busy = 0;
		vb.q.inflight--;
		if (done)
			done(arg, err);
	}
}

/* Is [pa, pa + n) inside physical memory? */
static int
pa_ok(uint64_t pa, uint64_t n)
{
	uint64_t limit = pages.npages * PGSIZE;

	return pa < limit && n <= limit - pa;
}

/* Checks common to every transfer of nbytes from sector. */
static int
xfer_ok(uint32_t type, uint64_t sector, uint64_t nbytes)
{
	if (!vb.present)
		return -XE_NOENT;
	if (vb.dead)
		return -XE_DEAD;
	if (sector >= vb.capacity ||
	    nbytes / VBLK_SECTOR > vb.capacity - sector)
		return -XE_RANGE;
	if (type == T_OUT && (vb.features & F_RO))
		return -XE_PERM;
	return 0;
}

/* Check and queue; nothing is queued on error. */
static int
vblk_start(uint32_t type, uint64_t sector, uint64_t pa, uint32_t nbytes,
    void (*done)(void *, int), void *arg)
{
	int err;

	if (!vb.present)
		return -XE_NOENT;
	if (vb.dead)
		return -XE_DEAD;
	if (type == T_FLUSH)
		return vq_start(type, 0, NULL, 0, 0, done, arg);
	if (nbytes == 0 || nbytes % VBLK_SECTOR || nbytes > vb.max_bytes)
		return -XE_INVAL;
	if (!pa_ok(pa, nbytes))
		return -XE_INVAL;
	if ((err = xfer_ok(type, sector, nbytes)) < 0)
		return err;
	return vq_start(type, sector, &pa, 1, nbytes, done, arg);
}

/* The same for npages whole pages at pa[0..npages). */
static int
vblk_start_sg(uint32_t type, uint64_t sector, const uint64_t *pa,
    uint32_t npages, void (*done)(void *, int), void *arg)
{
	uint32_t i;
	int err;

	if (!vb.present)
		return -XE_NOENT;
	if (vb.dead)
		return -XE_DEAD;
	if (pa == NULL || npages == 0 || npages > vb.sg_pages)
		return -XE_INVAL;
	for (i = 0; i < npages; i++)
		if (!pa_ok(pa[i], PGSIZE))
			return -XE_INVAL;
	if ((err = xfer_ok(type, sector, (uint64_t)npages * PGSIZE)) < 0)
		return err;
	return vq_start(type, sector, pa, npages, PGSIZE, done, arg);
}

/* No room in the queue: reap completions, or past the deadline give up
   (the device is reset). */
static int
wait_room(uint64_t dl, uint64_t *iter)
{
	if (expired(dl, iter)) {
		vblk_fail("no descriptors freed in time");
		return -XE_DEAD;
	}
	vq_reap();
	cpu_relax();
	return 0;
}

/* vblk_start, waiting for free descriptors. */
static int
vblk_start_wait(uint32_t type, uint64_t sector, uint64_t pa,
    uint32_t nbytes, void (*done)(void *, int), void *arg)
{
	uint64_t dl = deadline(), iter = 0;
	int err;

	while ((err = vblk_start(type, sector, pa, nbytes, done, arg)) ==
	    -XE_BUSY)
		if ((err = wait_room(dl, &iter)) < 0)
			return err;
	return err;
}

void
vblk_waiter_done(void *arg, int status)
{
	struct vblk_waiter *w = arg;

	if (status && !w->err)
		w->err = status;
	w->pending--;
}

/* Poll until w has no requests pending; the device dies on a timeout. */
int
vblk_wait(struct vblk_waiter *w)
{
	uint64_t dl = deadline(), iter = 0;

	while (w->pending > 0) {
		if (expired(dl, &iter)) {
			vblk_fail("request timed out");
			break;          /* vblk_fail completed w */
		}
		vq_reap();
		cpu_relax();
	}
	return w->err;
}

static int
vblk_sync(uint32_t type, uint64_t sector, uint64_t pa, uint32_t nbytes)
{
	struct vblk_waiter w = { 1, 0 };
	int err;

	if ((err = vblk_start_wait(type, sector, pa, nbytes, vblk_waiter_done,
	    &w)) < 0)
		return err;
	return vblk_wait(&w);
}

int
vblk_submit(uint64_t sector, uint64_t pa, uint32_t nbytes, int write,
    void (*done)(void *arg, int status), void *arg)
{
	return vblk_start(write ? T_OUT : T_IN, sector, pa, nbytes, done, arg);
}

int
vblk_rw(uint64_t sector, uint64_t pa, uint32_t nbytes, int write)
{
	return vblk_sync(write ? T_OUT : T_IN, sector, pa, nbytes);
}

int
vblk_submit_sg(uint64_t sector, const uint64_t *pa, uint32_t npages,
    int write, void (*done)(void *arg, int status), void *arg)
{
	return vblk_start_sg(write ? T_OUT : T_IN, sector, pa, npages, done,
	    arg);
}

int
vblk_submit_sg_wait(uint64_t sector, const uint64_t *pa, uint32_t npages,
    int write, void (*done)(void *arg, int status), void *arg)
{
	uint64_t dl = deadline(), iter = 0;
	int err;

	while ((err = vblk_start_sg(write ? T_OUT : T_IN, sector, pa, npages,
	    done, arg)) == -XE_BUSY)
		if ((err = wait_room(dl, &iter)) < 0)
			return err;
	return err;
}

uint32_t
vblk_sg_max(void)
{
	return vb.present && !vb.dead ? vb.sg_pages : 0;
}

int
vblk_flush(void)
{
	if (!vb.present)
		return -XE_NOENT;
	if (!(vb.features & F_FLUSH))
		return vb.dead ? -XE_DEAD : 0;
	return vblk_sync(T_FLUSH, 0, 0, 0);
}

void
vblk_intr(void)
{
	uint8_t isr;

	if (!vb.present)
		return;
	isr = inb(vb.io + VIO_ISR);     /* lowers the interrupt line */
	vb.nintr++;
	if (vb.dead)
		return;
	if (isr & ISR_CONFIG)
		vb.capacity = inl(vb.io + VIO_CONFIG + CFG_CAPACITY) |
		    (uint64_t)inl(vb.io + VIO_CONFIG + CFG_CAPACITY + 4) << 32;
	vq_reap();
}

int
vblk_irq(void)
{
	return vb.present ? vb.irq : -1;
}

uint64_t
vblk_sectors(void)
{
	return vb.present ? vb.capacity : 0;
}

/* Negotiate and set up the queue: 0 or an error (device marked failed). */
static int
vblk_start_device(void)
{
	uint16_t io = vb.io;
	uint32_t size_max, seg_max, maxseg;
	uint64_t max;
	unsigned i;
	int err;

	if ((err = virtio_begin(io, F_WANTED, &vb.features)) < 0 ||
	    (err = virtio_ring_setup(io, 0, 2, &vb.q, "vblk")) < 0)
		return err;
	vb.ndesc = vb.q.qsize < VBLK_NDESC ? vb.q.qsize : VBLK_NDESC;
	vb.nfree = 0;
	for (i = vb.ndesc; i-- > 0; )
		desc_put((uint16_t)i);

	vb.capacity = inl(io + VIO_CONFIG + CFG_CAPACITY) |
	    (uint64_t)inl(io + VIO_CONFIG + CFG_CAPACITY + 4) << 32;
	size_max = vb.features & F_SIZE_MAX ?
	    inl(io + VIO_CONFIG + CFG_SIZE_MAX) : 0;
	seg_max = vb.features & F_SEG_MAX ?
	    inl(io + VIO_CONFIG + CFG_SEG_MAX) : 0;
	vb.seg_bytes = size_max >= VBLK_SECTOR && size_max < VBLK_MAX_BYTES ?
	    size_max & ~(VBLK_SECTOR - 1) : VBLK_MAX_BYTES;
	maxseg = vb.ndesc - 2U;
	if (seg_max >= 1 && seg_max < maxseg)
		maxseg = seg_max;
	max = (uint64_t)vb.seg_bytes * maxseg;
	vb.max_bytes = max < VBLK_MAX_BYTES ? (uint32_t)max : VBLK_MAX_BYTES;
	/* A page takes one data descriptor (more if size_max < a page). */
	vb.sg_pages = maxseg / ((PGSIZE + vb.seg_bytes - 1) / vb.seg_bytes);
	if (vb.sg_pages > vb.max_bytes / PGSIZE)
		vb.sg_pages = vb.max_bytes / PGSIZE;

	return virtio_ready(io, "vblk");
}

int
vblk_init(void)
{
	struct pci_dev d;
	int err;

	if (virtio_find(VIRTIO_BLK_LEGACY, VIRTIO_BLK_MODERN, VIRTIO_ID_BLOCK,
	    "vblk", &d, &vb.io, &vb.irq) < 0)
		return -XE_NOENT;               /* no virtio disk */
	if ((err = vblk_start_device()) < 0) {
		outb(vb.io + VIO_STATUS, ST_FAILED);
		kprintf("vblk: could not start the disk (error %d)\n", err);
		return err;
	}
	vb.present = 1;
	kprintf("vblk: virtio disk at pci %02x:%02x.%x io %x irq %d: "
	    "%lu sectors (%lu MiB), queue %u, features %x%s\n", d.bus,
	    d.slot, d.func, vb.io, vb.irq, vb.capacity, vb.capacity >> 11,
	    vb.q.qsize, vb.features, vb.features & F_RO ? " (read-only)" : "");
	if (vb.irq >= 0)
		pic_unmask(vb.irq);
#ifdef VBLK_SELFTEST
	vblk_selftest_if_marked();
#endif
	return 0;
}

#ifdef VBLK_SELFTEST
/* The test kernel only (xok/xok.mk): the self-test needs the internals. */
#include "vblk_selftest.c"
#endif
