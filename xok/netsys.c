/*
 * netsys.c: the network calls (NET_FILTER_INSTALL, NET_FILTER_REMOVE,
 * NET_POLL; the transmit calls are in nettx.c) and the receive path: each frame from the
 * card goes through the packet-filter trie (pf.c) to the one filter
 * that claims it, and is copied once into that filter's packet ring, in
 * pages of the filter owner's own memory.  docs/NETWORK.md.
 *
 * A ring is checked at install (every page mapped in the caller, owned
 * by it, not kernel or XN memory) and again, page by page, at every
 * delivery: an environment that freed or gave away a ring page, or died,
 * stops receiving (the frame is counted in rx_badring, or rx_unclaimed
 * once the dead owner's filters are dropped) and nobody else's memory
 * is ever written.
 */
#include "kern.h"
#include "pf.h"
#include "dev/virtio_net.h"

struct net_ring {
	uint32_t npages;
	uint64_t va;                    /* in the owner (for the docs) */
	uint64_t ppn[XOK_NET_RING_MAXPAGES];
};

static struct pf_set pfs;
static struct net_ring rings[XOK_PF_NFILTERS];

static const struct xok_cap net_guard = { .valid = 1, .len = 2,
	.name = { XOK_CAPNAME_NET, XOK_CAPNAME_NET_USE } };
static const struct xok_cap override_guard = { .valid = 1, .len = 1,
	.name = { XOK_CAPNAME_NET } };

/* May env id write into page ppn (it owns it; not kernel, XN, orphan)? */
static int
ring_page_ok(uint64_t ppn, uint32_t id)
{
	const struct xok_page_info *pi;

	if (ppn >= pages.npages)
		return 0;
	pi = &pages.info[ppn];
	return pi->owner == id && pi->flags == 0;
}

/* Drop the filters of environments that died. */
static void
purge_dead(void)
{
	int i;

	for (i = 0; i < XOK_PF_NFILTERS; i++)
		if (pfs.e[i].used && !env_lookup(pfs.e[i].owner))
			pf_remove(&pfs, i);
	info->net.nfilters = pfs.nfilters;
}

/* Copy one frame into filter id's ring, with its flags (XOK_NET_RX_*). */
static void
ring_put(int id, const uint8_t *frame, size_t len, uint16_t flags)
{
	struct net_ring *r = &rings[id];
	uint32_t owner = pfs.e[id].owner;
	volatile struct xok_net_ring *h;
	struct xok_net_slot *s;
	uint64_t head, tail, nslots = (uint64_t)r->npages * 2 - 1, k;

	if (!ring_page_ok(r->ppn[0], owner)) {
		info->net.rx_badring++;
		return;
	}
	h = KADDR(r->ppn[0] * PGSIZE);
	head = h->head;
	tail = h->tail;
	if (head - tail >= nslots) {
		h->dropped++;
		info->net.rx_ringfull++;
		return;
	}
	k = 1 + head % nslots;          /* slot; slot 0 is the header */
	if (!ring_page_ok(r->ppn[k / 2], owner)) {
		info->net.rx_badring++;
		return;
	}
	s = (struct xok_net_slot *)((uint8_t *)KADDR(r->ppn[k / 2] * PGSIZE) +
	    (k % 2) * XOK_NET_SLOT);
	s->len = (uint32_t)len;
	s->filter = (uint16_t)id;
	s->flags = flags;
	memcpy(s->data, frame, len);
	__asm__ volatile("" ::: "memory");      /* the frame, then head */
	h->nslots = nslots;
	h->head = head + 1;
	info->net.rx_delivered++;
}

/* The card's receive function. */
static void
net_rx(const uint8_t *frame, size_t len, uint16_t flags)
{
	int id = pf_match(&pfs, frame, len, NULL);

	if (id >= 0 && !env_lookup(pfs.e[id].owner)) {
		purge_dead();
		id = pf_match(&pfs, frame, len, NULL);
	}
	if (id < 0) {
		info->net.rx_unclaimed++;
		return;
	}
	ring_put(id, frame, len, flags);
}

void
netsys_init(void)
{
	pf_init(&pfs);
	nettx_init();
	if (vnet_init(net_rx) < 0)
		kprintf("xok: no virtio-net card\n");
}

/*
 * NET_FILTER_INSTALL(slot, filter, ring_va, npages): the filter (struct
 * xok_pf) at user address filter, delivering into the npages pages
 * mapped at ring_va.  The capability in slot must dominate {0xfe, 0x01}
 * with write; if it dominates {0xfe} the filter may lie inside another
 * environment's.  Returns the filter id.
 */
int64_t
sys_net_filter_install(uint64_t slot, uaddr_t uf, uint64_t ring_va,
    uint64_t npages)
{
	struct xok_pf f;
	struct net_ring r;
	uint64_t i;
	int64_t ppn;
	int id, err;

	if ((err = cap_check(slot, &net_guard, XOK_CAP_W)) < 0)
		return err;
	if ((err = copyin(curenv, &f, uf, sizeof(f))) < 0)
		return err;
	if ((err = pf_verify(&f, NULL)) < 0)
		return err;
	if (npages < 1 || npages > XOK_NET_RING_MAXPAGES)
		return -XE_INVAL;
	if (ring_va % PGSIZE || !user_range_ok(ring_va, npages * PGSIZE))
		return -XE_FAULT;
	r.npages = (uint32_t)npages;
	r.va = ring_va;
	for (i = 0; i < npages; i++) {
		if ((ppn = pmap_lookup(curenv, ring_va + i * PGSIZE)) < 0)
			return -XE_FAULT;
		if (!ring_page_ok((uint64_t)ppn, curenv->id))
			return -XE_PERM;
		r.ppn[i] = (uint64_t)ppn;
	}
	purge_dead();
	id = pf_add(&pfs, &f, curenv->id,
	    cap_slot_allows(slot, &override_guard, XOK_CAP_W));
	if (id < 0)
		return id;
	rings[id] = r;
	((volatile struct xok_net_ring *)KADDR(r.ppn[0] * PGSIZE))->nslots =
	    npages * 2 - 1;
	info->net.nfilters = pfs.nfilters;
	return id;
}

/* NET_FILTER_REMOVE(slot, id): remove one of the caller's filters. */
int64_t
sys_net_filter_remove(uint64_t slot, uint64_t id)
{
	int err;

	if ((err = cap_check(slot, &net_guard, XOK_CAP_W)) < 0)
		return err;
	if (id >= XOK_PF_NFILTERS || !pfs.e[id].used)
		return -XE_NOENT;
	if (pfs.e[id].owner != curenv->id)
		return -XE_PERM;
	pf_remove(&pfs, (int)id);
	info->net.nfilters = pfs.nfilters;
	return 0;
}

/*
 * The source check of both transmit calls (nettx.c): the owner of the
 * filter that the frame's mirror image (pf_mirror: its reply) would go
 * to, or 0 if none would take it.
 */
uint32_t
net_reply_owner(const uint8_t *frame, size_t len, size_t total)
{
	uint8_t m[XOK_NET_FRAME_MAX];
	uint32_t owner;
	int id;

	if (len > sizeof(m) || total < len)
		return 0;
	pf_mirror(frame, len, m);
	purge_dead();
	id = pf_match(&pfs, m, len, NULL);
	owner = id < 0 ? 0 : pfs.e[id].owner;
	/* Only len of total bytes known (NET_TRANSMITV's head): a filter of
	 * someone else with terms past them might take the reply. */
	if (total > len && pf_undecided(&pfs, m, len, total, owner))
		return 0;
	return owner;
}

/* NET_POLL(): deliver what the card has received now; how many. */
int64_t
sys_net_poll(void)
{
	if (!info->net.present)
		return -XE_NODEV;
	if (info->net.dead)
		return -XE_DEAD;
	return vnet_poll();
}
