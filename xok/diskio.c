/*
 * diskio.c: raw, asynchronous disk access for the root capability (the
 * machine's owner, e.g. a benchmark or an installer); everybody else
 * reaches the disk through XN.  A request moves one page by DMA straight
 * to or from a physical page the caller holds; many may be in flight.
 * Completion is counted in a struct xok_disk_done in the caller's memory,
 * so the caller sleeps on a predicate over it instead of a kernel call.
 */
#include "kern.h"
#include "dev/virtio_blk.h"

#define NREQ 256

struct rawreq {
	uint32_t env;           /* 0: slot free */
	uint64_t ppn;           /* pinned (one extra mapcount) while in flight */
	uint64_t done_va;
};

static struct rawreq reqs[NREQ];

static const struct xok_cap machine = { .valid = 1, .len = 1,
	.name = { XOK_CAPNAME_MACHINE } };

static void
raw_done(void *arg, int status)
{
	struct rawreq *r = arg;
	struct xok_disk_done d;
	struct env *e = env_lookup(r->env);

	pages_unref(&pages, r->ppn);
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
    uint64_t done_va, uint64_t f)
{
	int write = (slotw & XOK_DISK_WRITE) != 0;
	struct xok_disk_done probe;
	struct rawreq *r = NULL;
	int err, i;

	(void)f;
	if (slotw & ~(0xffULL | XOK_DISK_WRITE))
		return -XE_INVAL;
	if (!cap_slot_allows(slotw & 0xff, &machine, XOK_CAP_W))
		return -XE_PERM;
	if (vblk_sectors() == 0)
		return -XE_NODEV;
	if (nbytes == 0 || nbytes > PGSIZE || nbytes % VBLK_SECTOR)
		return -XE_INVAL;
	if (ppn >= pages.npages)
		return -XE_RANGE;
	if (pages.info[ppn].owner == 0)
		return -XE_NOENT;
	if (pages.info[ppn].flags & (XOK_PG_KERNEL | XOK_PG_XN))
		return -XE_PERM;
	/* reading the disk writes the page */
	if (!cap_slot_allows(slotw & 0xff, &pages.guard[ppn],
	    write ? XOK_CAP_R : XOK_CAP_W))
		return -XE_PERM;
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
	if ((err = pages_ref(&pages, ppn)) < 0)
		return err;
	r->env = curenv->id, r->ppn = ppn, r->done_va = done_va;
	if ((err = vblk_submit(sector, ppn * PGSIZE, (uint32_t)nbytes, write,
	    raw_done, r)) < 0) {
		pages_unref(&pages, ppn);
		r->env = 0;
		return err;
	}
	return 0;
}
