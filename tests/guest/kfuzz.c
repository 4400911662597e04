/*
 * kfuzz.c: the seeded random kernel-call test (issue 8).  Booted as
 * init (privileged), it records the machine's state -- every page's
 * owner, mapcount and flags, the free count, the environment table and
 * the slices -- and then keeps a few unprivileged callers alive
 * (kfuzz_child.c: derived capabilities, never the root) that make random
 * kernel calls, spawn and kill children of their own, die of their
 * faults, and are killed by init at random times, until the kernel has
 * counted the number of calls asked for.  Then it destroys every other
 * environment and checks that the kernel is alive and that every page,
 * environment and slice is accounted for exactly as before.
 *
 * The verdict is init's alone.  Callers can print anything (CONS_WRITE
 * needs no capability) and may run any part of this image, this file's
 * main included, with registers of their choosing; what they report
 * about themselves is only a hint.  So every line init prints starts
 * with a key it makes at boot, before any other environment exists, and
 * prints first ("kfuzz: key K"); tests/guest/kfuzz.sh judges only lines
 * that carry it, and init's SHUTDOWN status (the machine capability,
 * which no caller holds) is the test's exit status.  The checks of
 * findings 4 and 5 are init's own (kfuzz_verify.c).
 *
 * Its arguments come from an optional boot module named kfuzz.args:
 * "seed=N calls=N hazards=MASK" (kfuzz.h lists the hazard classes).
 * Without one: seed 1, 150000 calls, every hazard class.
 */
#include "kfuzz.h"
#include <xok/elf.h>
#include <xn/xn.h>
#include "xntemplate.h"

/* Every line of ours carries the key; checks as in check.h. */
static char key[17];
static int failures, nchecks;

#define SAY(...) (printf("%s ", key), printf(__VA_ARGS__))

#define EXPECT(name, cond) do { \
	nchecks++; \
	if (cond) SAY("PASS: %s\n", name); \
	else { SAY("FAIL: %s (line %d)\n", name, __LINE__); failures++; } \
} while (0)

#define EXPECT_EQ(name, got, want) do { \
	int64_t g_ = (int64_t)(got), w_ = (int64_t)(want); \
	nchecks++; \
	if (g_ == w_) SAY("PASS: %s\n", name); \
	else { SAY("FAIL: %s: got %ld, want %ld (line %d)\n", name, \
	    g_, w_, __LINE__); failures++; } \
} while (0)

#define NK          6                           /* callers at a time */
#define INIT_REC_VA 0x0000000800000000UL        /* our view of their records */
#define SNAP_VA     0x0000000900000000UL        /* the page table at start */
#define KILLCODE    0xee

static uint64_t seed = 1, target = 150000, hazards = KH_ALL;
static uint64_t rs;
static const void *image;
static uint64_t image_size, image_pa;
static uint64_t me;

static struct kid {
	uint64_t id;
	uint64_t ppn;                   /* its record page */
} kids[NK];

static struct kf_rec tot;               /* every reaped caller's record */
static uint64_t nspawned, nkilled, nspawnfail, exits[8];

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rn(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- arguments ---------------------------------------------------------- */

static uint64_t
number(const char **sp, const char *end)
{
	const char *s = *sp;
	uint64_t v = 0, b = 10;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, b = 16;
	for (; s < end; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (b == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (b == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * b + (uint64_t)d;
	}
	*sp = s;
	return v;
}

static void
parse_args(void)
{
	uint64_t size;
	const char *s = exos_module("kfuzz.args", &size), *end;

	if (!s)
		return;
	end = s + size;
	while (s < end) {
		if (end - s > 5 && !memcmp(s, "seed=", 5))
			s += 5, seed = number(&s, end);
		else if (end - s > 6 && !memcmp(s, "calls=", 6))
			s += 6, target = number(&s, end);
		else if (end - s > 8 && !memcmp(s, "hazards=", 8))
			s += 8, hazards = number(&s, end) & KH_ALL;
		else
			s++;
	}
}

/* ---- state of the machine ------------------------------------------------ */

static uint64_t
kcalls(void)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < XOK_NCALLSTATS; i++)
		n += XOK_INFO->calls[i].calls;
	return n;
}

static int
alive(int i)
{
	return XOK_INFO->envs[i].state != XOK_ENV_FREE;
}

static int
nalive(void)
{
	int i, n = 0;

	for (i = 0; i < XOK_NENV; i++)
		n += alive(i);
	return n;
}

/* ---- the callers ------------------------------------------------------------ */

static struct kf_rec *
krec(int i)
{
	return (struct kf_rec *)(INIT_REC_VA + (uint64_t)i * XOK_PGSIZE);
}

static void
add_rec(struct kf_rec *d, const struct kf_rec *s)
{
	int i;

	if (s->magic != KF_MAGIC)
		return;
	d->calls += s->calls, d->oor += s->oor, d->specials += s->specials;
	d->faults += s->faults, d->spawned += s->spawned;
	d->kids_merged += s->kids_merged;
	if (s->anomalies) {
		d->anomalies += s->anomalies;
		d->anom_call = s->anom_call, d->anom_ret = s->anom_ret;
		memcpy(d->anom_args, s->anom_args, sizeof(d->anom_args));
	}
	if (s->dirty_pages) {
		d->dirty_pages += s->dirty_pages;
		d->dirty_ppn = s->dirty_ppn, d->dirty_word = s->dirty_word;
	}
	if (s->seg_leaks)
		d->seg_leaks += s->seg_leaks, d->seg_leak_val = s->seg_leak_val;
	for (i = 0; i < 8; i++)
		d->hazard_runs[i] += s->hazard_runs[i];
	for (i = 0; i < KF_NCALLS; i++)
		d->ncalls[i] += s->ncalls[i], d->nok[i] += s->nok[i];
}

/* How it died: budget spent, killed by us, its own fault, other. */
static void
tally_exit(uint64_t id)
{
	const volatile struct xok_env_info *e = xok_env_info(id);
	uint64_t c;

	if (e->id != id)
		return;                 /* its slot was reused already */
	c = e->exit_code;
	if (c == 0)
		exits[0]++;
	else if (c == KILLCODE)
		exits[1]++;
	else if (c >= XOK_EXIT_FAULT && c < XOK_EXIT_FAULT + 0x100)
		exits[2]++;
	else if (c >= XOK_EXIT_NESTED && c < XOK_EXIT_NESTED + 0x100)
		exits[3]++;
	else if (c == XOK_EXIT_UPCALL)
		exits[4]++;
	else if (c == 0xfa)
		exits[5]++;             /* its handler gave up */
	else
		exits[6]++;             /* its own ENV_DESTROY, a random code */
}

static void
reap(void)
{
	int i;

	for (i = 0; i < NK; i++) {
		if (!kids[i].id || xok_env_alive(kids[i].id))
			continue;
		add_rec(&tot, krec(i));
		tally_exit(kids[i].id);
		kids[i].id = 0;
	}
}

/* The part of our ELF file a loader reads (not the debugging sections). */
static uint64_t
loaded_size(const void *img, uint64_t size)
{
	const struct elf64_ehdr *eh = img;
	uint64_t i, end = eh->phoff + eh->phnum * sizeof(struct elf64_phdr);

	for (i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = (const void *)((const char *)img +
		    eh->phoff + i * sizeof(*ph));

		if (ph->type == ELF_PT_LOAD && ph->offset + ph->filesz > end)
			end = ph->offset + ph->filesz;
	}
	return end < size ? end : size;
}

/* Map our ELF image (our pages, read-only) into child at the same place. */
static int
share_image(int64_t child)
{
	uint64_t va = (uint64_t)image & ~(XOK_PGSIZE - 1);
	uint64_t end = (uint64_t)image + image_size, ppn = image_pa / XOK_PGSIZE;
	int64_t err;

	for (; va < end; va += XOK_PGSIZE, ppn++)
		if ((err = sys_page_map((uint64_t)child, va, ppn, XOK_PTE_NX,
		    0, 0)) < 0)
			return (int)err;
	return 0;
}


/* ---- XN and the network card, when the boot has them (kfuzz.sh) -------
 * With a disk, XN is formatted before the snapshot with a root any
 * principal may change (a template whose acl accepts everyone) owning
 * 64 data blocks, so callers' XN calls (caching their pages, writing,
 * views, reads, evictions) reach XN instead of stopping at NODEV.  At
 * the end, before the pages are compared, the registry and the pages'
 * XN flags must agree exactly (a page flagged XOK_PG_XN that no entry
 * holds would never be freed); then XN is formatted again, which gives
 * every cache page back (a dead caller's orphans are freed), and set up
 * as before, init's root page cached again.  With a card, callers get
 * the network capability {0xfe, 0x01} W in slot 1. */
#define WAIT_TICKS(n) do { uint64_t e_ = xok_ticks() + (n); \
	while (xok_ticks() < e_) sys_yield(XOK_SELF); } while (0)
#define XN_ROOTB  100
#define XN_DATA0  200
#define XN_NDATA  64
static int64_t xn_root_ppn = -1;
static int have_xn;

static int
xn_setup(void)
{
	static struct xok_xn_template t;
	static struct xok_xn_change c;
	uint32_t v[2] = { XN_DATA0, XN_NDATA }, i;

	xn_extent_template(&t, "kfuzz.ext", 16, 1);
	memset(&c, 0, sizeof(c));
	c.block = XN_ROOTB, c.off = 0, c.len = 8;
	memcpy(c.bytes, v, 8);
	c.nclaims = XN_NDATA;
	for (i = 0; i < XN_NDATA; i++)
		c.claims[i].block = XN_DATA0 + i,
		c.claims[i].type = XN_TYPE_DATA;
	if (xn_root_ppn < 0 &&
	    (xn_root_ppn = sys_page_alloc(XOK_PPN_ANY, 0)) < 0)
		return -1;
	if (sys_xn_format(0) < 0 || sys_xn_template(0, &t) < 0 ||
	    sys_xn_root(0, "kfuzz", 16, XN_ROOTB, NULL) < 0 ||
	    sys_xn_bc_insert(0, XN_ROOTB, (uint64_t)xn_root_ppn, 0) < 0 ||
	    sys_xn_alloc(0, &c) < 0)
		return -1;
	return 0;
}

/* Do the registry and the pages' XN flags agree?  How many disagree. */
static uint64_t
xn_disagree(void)
{
	const volatile struct xok_xn_export *xe = &XOK_INFO->xn;
	const volatile struct xn_bstate *bs =
	    (const volatile struct xn_bstate *)XOK_XN_VA;
	const volatile struct xn_bc_entry *bc;
	uint64_t i, held = 0, flagged = 0, bad = 0, ppn;

	if (!xe->mounted)
		return 0;
	bc = (const volatile struct xn_bc_entry *)(XOK_XN_VA + xe->bc_off);
	for (i = 0; i < xe->bc_slots; i++) {
		uint32_t b = bc[i].block;

		if (b >= xe->nblocks || bs[b].bcslot != i + 1)
			continue;               /* a free slot */
		held++;
		ppn = ((uint64_t)bc[i].page - XOK_KERNEL_DIRECT) / XOK_PGSIZE;
		if (ppn >= XOK_INFO->npages ||
		    !(XOK_PAGES[ppn].flags & XOK_PG_XN) ||
		    XOK_PAGES[ppn].owner == 0) {
			if (bad++ < 4)
				SAY("kfuzz: registry entry of block %u: page "
				    "%lu not XN's\n", b, ppn);
		}
	}
	for (i = 0; i < XOK_INFO->npages; i++)
		flagged += (XOK_PAGES[i].flags & XOK_PG_XN) != 0;
	if (flagged != held) {
		SAY("kfuzz: %lu pages flagged XN, %lu registry entries\n",
		    flagged, held);
		bad++;
	}
	return bad;
}

/* Callers get the network's use capability in slot 1. */
static void
grant_net(int64_t id)
{
	static const struct xok_cap net = { .valid = 1, .len = 2,
	    .rights = XOK_CAP_W, .name = { 0xfe, 0x01 } };

	if (XOK_INFO->net.present)
		sys_cap_grant((uint64_t)id, 0, 0, 1, &net);
}

static int64_t
spawn(int i, uint64_t budget)
{
	struct exos_spawn sp = { .image = image, .size = image_size,
	    .arg = 1, .slices = 1, .start = 0 };
	struct kf_rec *r = krec(i);
	int64_t id, err;

	if ((id = exos_spawn(&sp)) < 0)
		return id;
	memset(r, 0, sizeof(*r));
	r->magic = KF_MAGIC;
	r->seed = rnd();
	r->hazards = hazards;
	r->budget = budget;
	r->depth = 1;
	r->image_va = (uint64_t)image;
	r->image_size = image_size;
	grant_net(id);
	if ((err = sys_page_map((uint64_t)id, KF_REC_VA, kids[i].ppn,
	    XOK_PTE_W | XOK_PTE_NX, 0, 0)) < 0 ||
	    (err = share_image(id)) < 0 ||
	    (err = sys_env_set_status((uint64_t)id, 0, XOK_ENV_RUNNABLE)) < 0) {
		sys_env_destroy((uint64_t)id, 0, 0);
		return err;
	}
	kids[i].id = (uint64_t)id;
	return id;
}

/* Kill an environment now and then (about every 1500 calls, or 30 ms
 * when the callers are busy without calls), and thin out the table
 * when the callers' leftovers fill it. */
static void
kill_some(void)
{
	static uint64_t next, next_t;
	int i = 1 + (int)rn(XOK_NENV - 1), j, n = nalive();

	if ((kcalls() >= next || xok_ticks() >= next_t) && alive(i) &&
	    XOK_INFO->envs[i].id != me) {
		next = kcalls() + rn(3000);
		next_t = xok_ticks() + 10 + rn(40);
		sys_env_destroy(XOK_INFO->envs[i].id, 0, KILLCODE);
		nkilled++;
	}
	/* Envs the callers left behind fill the table: thin them out. */
	for (j = 1; n > XOK_NENV * 3 / 4 && j < XOK_NENV; j++) {
		uint64_t id = XOK_INFO->envs[j].id;
		int k, ours = 0;

		for (k = 0; k < NK; k++)
			ours |= kids[k].id == id;
		if (alive(j) && !ours && rn(2)) {
			sys_env_destroy(id, 0, KILLCODE);
			nkilled++, n--;
		}
	}
}

static void
kill_all(void)
{
	int i, round, any = 1;

	for (round = 0; any && round < 1000; round++) {
		any = 0;
		for (i = 0; i < XOK_NENV; i++)
			if (alive(i) && XOK_INFO->envs[i].id != me) {
				sys_env_destroy(XOK_INFO->envs[i].id, 0,
				    KILLCODE);
				any = 1;
			}
	}
}

/* ---- the phase -------------------------------------------------------------- */

/* Kernel calls made since c0, less init's own yields and checks. */
static uint64_t yields;

static uint64_t
made(uint64_t c0)
{
	return kcalls() - c0 - yields - kv.own_calls;
}

static int
phase(void)
{
	uint64_t c0 = kcalls(), last = 0, t_last = xok_ticks();
	uint64_t avg = target / 40 + 200, next_report = target / 10;
	uint64_t next_kv = 0;
	int i;

	while (made(c0) < target) {
		reap();
		for (i = 0; i < NK; i++)
			if (!kids[i].id) {
				if (spawn(i, 100 + rn(2 * avg)) >= 0)
					nspawned++;
				else
					nspawnfail++;
			}
		kill_some();
		if (made(c0) != last)
			last = made(c0), t_last = xok_ticks();
		else if (xok_ticks() - t_last > 20000) {
			printf("\n");
			SAY("kfuzz: no kernel call for 20 s\n");
			return -1;
		}
		if (made(c0) >= next_report) {
			printf("\n");
			SAY("kfuzz: %lu calls, %lu ms, %lu free pages, %d "
			    "environments\n", made(c0), xok_ticks() * 1000 /
			    XOK_INFO->hz, XOK_INFO->nfree, nalive());
			next_report += target / 10;
		}
		sys_yield(XOK_SELF);
		yields++;
		kv_segs();              /* the others ran: nothing of theirs */
		if (xok_ticks() >= next_kv) {   /* on us, nor in new pages */
			next_kv = xok_ticks() + 2;
			kv_pages();
		}
	}
	return 0;
}

/* ---- the checks ---------------------------------------------------------------- */

static int
compare_pages(const struct xok_page_info *snap, uint64_t n)
{
	uint64_t i, diffs = 0;

	for (i = 0; i < n; i++) {
		struct xok_page_info p = XOK_PAGES[i];

		if (p.owner == snap[i].owner && p.mapcount == snap[i].mapcount &&
		    p.flags == snap[i].flags)
			continue;
		if (diffs++ < 8)
			SAY("kfuzz: page %lu: owner %x -> %x, mapcount %u -> "
			    "%u, flags %x -> %x\n", i, snap[i].owner, p.owner,
			    snap[i].mapcount, p.mapcount, snap[i].flags,
			    p.flags);
	}
	if (diffs)
		SAY("kfuzz: %lu pages differ\n", diffs);
	return diffs == 0;
}

/* The kernel is alive: a new caller with no budget starts and exits. */
static int
probe(void)
{
	int64_t id = spawn(0, 0);
	uint64_t end = xok_ticks() + 5000;

	if (id < 0) {
		SAY("kfuzz: cannot spawn after the phase: %ld\n", id);
		return 0;
	}
	while (xok_env_alive((uint64_t)id) && xok_ticks() < end)
		sys_yield(XOK_SELF);
	kids[0].id = 0;
	if (xok_env_alive((uint64_t)id) ||
	    xok_env_info((uint64_t)id)->exit_code != 0 ||
	    xok_env_info((uint64_t)id)->runs == 0) {
		SAY("kfuzz: probe %lx: alive %d, exit code 0x%lx, runs %lu\n",
		    id, xok_env_alive((uint64_t)id),
		    xok_env_info((uint64_t)id)->exit_code,
		    xok_env_info((uint64_t)id)->runs);
		return 0;
	}
	return sys_null() == 0;
}

static const char *const call_names[XOK_NSYSCALLS] = {
#define KF_NAME(name, n) [n] = #name,
	XOK_SYSCALLS(KF_NAME)
#undef KF_NAME
};

static uint64_t calls0[XOK_NCALLSTATS], cycles0[XOK_NCALLSTATS];

static void
report(uint64_t ncalls, uint64_t ticks)
{
	unsigned i;

	SAY("kfuzz: %lu kernel calls (init's yields not counted), %lu by "
	    "callers' own choice (%lu outside the table), %lu specials, %lu "
	    "faults handled\n", ncalls, tot.calls,
	    tot.oor, tot.specials, tot.faults);
	SAY("kfuzz: %lu callers spawned (%lu failed), %lu children of "
	    "theirs, %lu kills by init\n", nspawned, nspawnfail, tot.spawned,
	    nkilled);
	SAY("kfuzz: callers ended: budget %lu, killed %lu, fault %lu, "
	    "nested %lu, upcall %lu, gave up %lu, own call %lu\n", exits[0],
	    exits[1], exits[2], exits[3], exits[4], exits[5], exits[6]);
	SAY("kfuzz: hazard runs: nt %lu compat %lu x87 %lu segs %lu "
	    "exhaust %lu forge %lu\n", tot.hazard_runs[0], tot.hazard_runs[1],
	    tot.hazard_runs[2], tot.hazard_runs[3], tot.hazard_runs[5],
	    tot.hazard_runs[6]);
	SAY("kfuzz: %lu ms, %lu calls/s\n", ticks * 1000 / XOK_INFO->hz,
	    ticks ? ncalls * XOK_INFO->hz / ticks : 0);
	SAY("kfuzz: call             by callers  ok    all calls  cycles/call\n");
	for (i = 0; i < XOK_NSYSCALLS && i < KF_NCALLS; i++) {
		uint64_t n = XOK_INFO->calls[i].calls - calls0[i];
		uint64_t cy = XOK_INFO->calls[i].cycles - cycles0[i];

		SAY("kfuzz: %-16s %7u %7u %9lu %9lu\n", call_names[i] ?
		    call_names[i] : "?", tot.ncalls[i], tot.nok[i], n,
		    n ? cy / n : 0);
	}
}

/* A key no other environment can know: the clock, read now and while
 * the boot modules are found, mixed; it lives in init's memory only. */
static void
make_key(void)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t k = seed ^ rdtsc(), save = rs;
	int i;

	for (i = 0; i < 8; i++) {
		rs = k ^ rdtsc();
		k = rnd() ^ (uint64_t)xok_ticks();
	}
	rs = save;
	for (i = 0; i < 16; i++)
		key[i] = hex[(k >> (60 - 4 * i)) & 0xf];
	key[16] = 0;
}

static int
holds_root(void)
{
	struct xok_cap c;

	return sys_cap_get(0, &c) == 0 && c.valid && c.len == 0 &&
	    xok_env_info(xok_self())->parent == 0;
}

int
main(uint64_t arg)
{
	static uint64_t slices0[XOK_NSLICES];
	struct xok_page_info *snap = (struct xok_page_info *)SNAP_VA;
	uint64_t npages = XOK_INFO->npages, nfree0, mypages0, i, c0, t0, ncalls;
	uint64_t snap_pages = (npages * sizeof(*snap) + XOK_PGSIZE - 1) /
	    XOK_PGSIZE;
	int ok, err;

	/* Only init runs the test.  A caller's child sent to our entry
	 * point (ENV_SET_REGS, ENV_SET_CONTEXT) with arg 0 and any other
	 * registers is a caller all the same: only init holds the root
	 * capability (the empty name) in slot 0, and no caller can get it. */
	if (arg || !holds_root())
		kf_child_main();
	me = xok_self();
	parse_args();
	rs = seed;
	make_key();
	/* Before any other environment exists: kfuzz.sh takes the key
	 * from the first such line. */
	printf("kfuzz: key %s\n", key);
	SAY("kfuzz: seed %lu, %lu calls, hazards 0x%lx\n", seed, target,
	    hazards);

	/* Everything we use during the phase, set up before the snapshot. */
	image = exos_module("kfuzz.elf", &image_size);
	EXPECT("kfuzz finds its own boot module", image != NULL);
	if (!image)
		goto out;
	for (i = 0; i < XOK_INFO->nmodules; i++)
		if (XOK_INFO->modules[i].size == image_size)
			image_pa = XOK_INFO->modules[i].paddr;
	image_size = loaded_size(image, image_size);
	for (i = 0; i < NK; i++) {
		int64_t p = sys_page_alloc(XOK_PPN_ANY, 0);

		if (p < 0 || sys_page_map(XOK_SELF, (uint64_t)krec((int)i),
		    (uint64_t)p, XOK_PTE_W | XOK_PTE_NX, 0, 0) < 0)
			break;
		kids[i].ppn = (uint64_t)p;
	}
	EXPECT("record pages", i == NK);
	err = exos_map_new(SNAP_VA, snap_pages, XOK_PTE_W | XOK_PTE_NX);
	EXPECT_EQ("snapshot pages", err, 0);
	for (i = 1; i < XOK_NSLICES; i += XOK_NSLICES / 4)
		sys_slice_alloc(XOK_SELF, 0, i + XOK_NSLICES / 8);
	{
		struct xok_xn_stat st;

		have_xn = sys_xn_stat(&st) == 0 && st.nblocks > 0;
		if (have_xn)
			EXPECT_EQ("XN formatted, a root open to all",
			    xn_setup(), 0);
		SAY("kfuzz: %s, %s\n", have_xn ? "XN on a disk" : "no disk",
		    XOK_INFO->net.present ? "a network card" : "no card");
	}
	EXPECT("a caller lives and exits before the phase", probe());
	if (failures)
		goto out;

	for (i = 0; i < XOK_NSLICES; i++)
		slices0[i] = XOK_INFO->slice_owner[i];
	mypages0 = xok_env_info(me)->npages;
	for (i = 0; i < npages; i++)
		snap[i] = XOK_PAGES[i];
	nfree0 = XOK_INFO->nfree;
	kv_init(snap, seed);

	for (i = 0; i < XOK_NCALLSTATS; i++)
		calls0[i] = XOK_INFO->calls[i].calls,
		cycles0[i] = XOK_INFO->calls[i].cycles;
	c0 = kcalls();
	t0 = xok_ticks();
	err = phase();
	ncalls = made(c0);
	t0 = xok_ticks() - t0;
	kill_all();
	reap();
	kv_release();
	printf("\n");
	EXPECT("kfuzz: the phase made its calls", err == 0);
	SAY("kfuzz: seed %lu hazards 0x%lx: %lu kernel calls\n", seed,
	    hazards, ncalls);
	report(ncalls, t0);

	EXPECT("kfuzz: the kernel is alive: a new environment runs and exits",
	    probe());
	kill_all();
	EXPECT("kfuzz: only init is left", nalive() == 1 && alive(XOK_ENVX(me)));
	if (have_xn) {
		/* the card finishes what dead callers left in flight */
		WAIT_TICKS(200);
		EXPECT_EQ("kfuzz: XN's registry and the pages' XN flags agree",
		    xn_disagree(), 0);
		EXPECT_EQ("kfuzz: XN formatted and set up again", xn_setup(),
		    0);
	}
	ok = 1;
	for (i = 0; i < XOK_NSLICES; i++)
		ok &= XOK_INFO->slice_owner[i] == slices0[i];
	EXPECT("kfuzz: slices as at the start", ok);
	EXPECT_EQ("kfuzz: free pages as at the start", XOK_INFO->nfree, nfree0);
	EXPECT("kfuzz: every page's owner, mapcount and flags as at the start",
	    compare_pages(snap, npages));
	{
		uint64_t nfree = 0;

		for (i = 0; i < npages; i++)
			nfree += XOK_PAGES[i].owner == 0;
		EXPECT_EQ("kfuzz: free count = pages without an owner", nfree,
		    XOK_INFO->nfree);
	}
	EXPECT_EQ("kfuzz: init's page count as at the start",
	    xok_env_info(me)->npages, mypages0);
	/* Findings 4 and 5, as init saw them itself (kfuzz_verify.c). */
	SAY("kfuzz: init checked its selectors %lu times and %lu fresh pages "
	    "(%lu taken by number after others had them)\n", kv.seg_checks,
	    kv.pages_checked, kv.pages_recycled);
	if (kv.seg_leaks)
		SAY("kfuzz: selector 0x%lx (register %lu) came into init from "
		    "another environment (finding 4)\n", kv.seg_leak_val & 0xffff,
		    kv.seg_leak_val >> 16);
	EXPECT_EQ("kfuzz: no selector leaks into init from the others",
	    kv.seg_leaks, 0);
	if (kv.dirty)
		SAY("kfuzz: page %lu %s 0x%lx at word %lu (%s %x) "
		    "(finding 5)\n", kv.dirty_ppn, kv.dirty_later ?
		    "changed while init held it: it holds" :
		    "was handed to init holding", kv.dirty_word, kv.dirty_at,
		    kv.dirty_was ? "taken by number; its owner had been" :
		    "taken as any page", kv.dirty_was);
	EXPECT_EQ("kfuzz: init's fresh pages read as zero, and stay so",
	    kv.dirty, 0);
	EXPECT("kfuzz: init checked pages", kv.pages_checked > 0);
	/* What the callers say they saw: leads, not verdicts (kfuzz.sh). */
	if (tot.anomalies)
		SAY("kfuzz: lead (unverified): %lu undocumented results "
		    "reported by callers, the last: call 0x%lx returned %ld, "
		    "args 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n", tot.anomalies,
		    tot.anom_call, (int64_t)tot.anom_ret, tot.anom_args[0],
		    tot.anom_args[1], tot.anom_args[2], tot.anom_args[3],
		    tot.anom_args[4], tot.anom_args[5]);
	if (tot.dirty_pages)
		SAY("kfuzz: lead (unverified): %lu fresh pages not zero "
		    "reported by callers, the last: page %lu holding 0x%lx\n",
		    tot.dirty_pages, tot.dirty_ppn, tot.dirty_word);
	if (tot.seg_leaks)
		SAY("kfuzz: lead (unverified): %lu foreign selectors reported "
		    "by callers, the last: 0x%lx\n", tot.seg_leaks,
		    tot.seg_leak_val);
out:
	SAY("kfuzz: seed %lu: %s\n", seed, failures ? "FAILED" : "passed");
	SAY("kfuzz: verdict: %d checks, %d failed\n", nchecks, failures);
	SAY("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
