/*
 * diskio.c: raw, asynchronous disk access for the root capability (the
 * machine's owner, e.g. a benchmark or an installer); everybody else
 * reaches the disk through XN.  A request moves up to 1 MiB by DMA
 * straight to or from physically consecutive pages the caller holds (a
 * libOS picks consecutive page numbers from the free map itself); many
 * requests may be in flight.
 * Completion is counted in a struct xok_disk_done in the caller's memory,
 * so the caller sleeps on a predicate over it instead of a kernel call.
 */
#include "kern.h"
#include "dev/virtio_blk.h"

#define NREQ 256

struct rawreq {
	uint32_t env;           /* 0: slot free */
	uint64_t ppn, npages;   /* pinned (one extra mapcount) while in flight */
	uint64_t done_va;
};

static void
unpin(uint64_t ppn, uint64_t n)
{
	while (n-- > 0)
		pages_unref(&pages, ppn + n);
}

static struct rawreq reqs[NREQ];

static void
raw_done(void *arg, int status)
{
	struct rawreq *r = arg;
	struct xok_disk_done d;
	struct env *e = env_lookup(r->env);

	unpin(r->ppn, r->npages);
	/* The environment may have died, or unmapped its record: skip. */
	if (e && copyin(e, &d, r->done_va, sizeof(d)) == 0) {
		d.done++;
		if (status < 0) {
			d.errors++;
			d.last_error = status;
		}
		copyout(e, r->done_va, &d, sizeof(d));
	}
	r->env = 0;
}

int64_t
sys_disk_raw(uint64_t slotw, uint64_t sector, uint64_t ppn, uint64_t nbytes,
    uaddr_t done_va)
{
	int write = (slotw & XOK_DISK_WRITE) != 0;
	struct xok_disk_done probe;
	struct rawreq *r = NULL;
	uint64_t npg;
	int err, i;

	if (slotw & ~(0xffULL | XOK_DISK_WRITE))
		return -XE_INVAL;
	if ((err = cap_machine(slotw & 0xff)) < 0)
		return err;
	if (vblk_sectors() == 0)
		return -XE_NODEV;
	if (nbytes == 0 || nbytes > VBLK_MAX_BYTES || nbytes % VBLK_SECTOR)
		return -XE_INVAL;
	npg = ROUNDUP(nbytes, PGSIZE) / PGSIZE;
	if (ppn >= pages.npages || npg > pages.npages - ppn)
		return -XE_RANGE;
	for (i = 0; i < (int)npg; i++)  /* reading the disk writes the page */
		if ((err = page_check(ppn + (uint64_t)i, slotw & 0xff,
		    write ? XOK_CAP_R : XOK_CAP_W, XOK_PG_XN)) < 0)
			return err;
	if ((err = copyin(curenv, &probe, done_va, sizeof(probe))) < 0 ||
	    (err = copyout(curenv, done_va, &probe, sizeof(probe))) < 0)
		return err;
	for (i = 0; i < NREQ; i++)
		if (!reqs[i].env) {
			r = &reqs[i];
			break;
		}
	if (!r)
		return -XE_BUSY;
	for (i = 0; i < (int)npg; i++)
		if ((err = pages_ref(&pages, ppn + (uint64_t)i)) < 0) {
			unpin(ppn, (uint64_t)i);
			return err;
		}
	r->env = curenv->id, r->ppn = ppn, r->npages = npg;
	r->done_va = done_va;
	if ((err = vblk_submit(sector, ppn * PGSIZE, (uint32_t)nbytes, write,
	    raw_done, r)) < 0) {
		unpin(ppn, npg);
		r->env = 0;
		return err;
	}
	return 0;
}
