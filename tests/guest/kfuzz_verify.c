/*
 * kfuzz_verify.c: the driver's own checks of findings 4 and 5 (issue 8),
 * made during the phase in memory no caller can map.  A caller's report
 * of what it saw cannot be trusted: any caller may be restarted anywhere
 * in its code (ENV_SET_REGS, ENV_SET_CONTEXT, a wild upcall entry) with
 * its own registers and pages as they are, and so run its reporting code
 * with nothing to report.  So the verdict on selectors and on zeroed
 * pages comes from here, where only init's code runs:
 *
 * - Selectors: init holds null %ds %es %fs %gs and never loads another;
 *   after every return from the callers (a yield, a preemption) they
 *   must still be null.
 * - Zeroed pages: init allocates pages itself -- any page, and by number
 *   pages that callers or their page tables held and let go of (the
 *   audit's way of reading a dead environment's data) -- maps each
 *   read-only and checks that it reads as zero.  It keeps the last few
 *   and checks them again each time: a page of init's that changes while
 *   init never wrote it means the kernel still writes a page it handed
 *   out (its guard is init's root name: no caller can map it).
 */
#include "kfuzz.h"

#define KV_VA     0x0000000a00000000UL  /* init's window on its checked pages */
#define KV_HOLD   16                    /* checked pages kept and rechecked */
#define KV_WATCH  128                   /* pages seen in others' hands */
#define KV_SAMPLE 8                     /* pages looked at per round */

struct kv_state kv;

static const struct xok_page_info *snap0;
static uint64_t npages, rs;
static uint16_t segs0[4];
static uint64_t hold[KV_HOLD], nhold, hold_next;  /* ppn + 1, 0: none */
static uint32_t hold_was[KV_HOLD];
static struct { uint64_t ppn; uint32_t owner; } watch[KV_WATCH];
static uint64_t nwatch;

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
getsegs(uint16_t s[4])
{
	__asm__ volatile("movw %%ds, %0; movw %%es, %1; movw %%fs, %2; "
	    "movw %%gs, %3" : "=m"(s[0]), "=m"(s[1]), "=m"(s[2]),
	    "=m"(s[3]));
}

void
kv_init(const struct xok_page_info *snap, uint64_t seed)
{
	snap0 = snap;
	npages = XOK_INFO->npages;
	rs = seed ^ 0x6b765f7665726679UL;
	__asm__ volatile("movw %0, %%ds; movw %0, %%es; movw %0, %%fs; "
	    "movw %0, %%gs" :: "r"((uint16_t)0));
	getsegs(segs0);
}

void
kv_segs(void)
{
	uint16_t s[4];
	int i;

	getsegs(s);
	kv.seg_checks++;
	for (i = 0; i < 4; i++)
		if (s[i] != segs0[i]) {
			kv.seg_leaks++;
			kv.seg_leak_val = (uint64_t)i << 16 | s[i];
			/* put ours back: the next leak is a new one */
			__asm__ volatile("movw %0, %%ds; movw %0, %%es; "
			    "movw %0, %%fs; movw %0, %%gs" ::
			    "r"((uint16_t)0));
		}
}

/* The first non-zero word of held page slot i, or 0. */
static uint64_t
dirty_word(uint64_t i, uint64_t *at)
{
	const volatile uint64_t *w = (const volatile uint64_t *)(KV_VA +
	    i * XOK_PGSIZE);
	uint64_t j;

	for (j = 0; j < XOK_PGSIZE / 8; j++)
		if (w[j]) {
			*at = j;
			return w[j];
		}
	return 0;
}

static void
dirty(uint64_t ppn, uint64_t word, uint64_t at, int later, uint32_t was)
{
	kv.dirty++;
	kv.dirty_ppn = ppn, kv.dirty_word = word, kv.dirty_at = at;
	kv.dirty_later = later, kv.dirty_was = was;
}

/* Give back held slot i. */
static void
unhold(uint64_t i)
{
	if (!hold[i])
		return;
	sys_page_unmap(XOK_SELF, KV_VA + i * XOK_PGSIZE, 0);
	sys_page_free(hold[i] - 1, 0);
	kv.own_calls += 2;
	hold[i] = 0;
	nhold--;
}

/* Allocate ppn (or any; was: whose it was when we saw it), check that
 * it reads as zero, keep it. */
static void
take(uint64_t ppn, uint32_t was)
{
	uint64_t i = hold_next, word, at;
	int64_t p;

	unhold(i);
	p = sys_page_alloc(ppn, 0);
	kv.own_calls++;
	if (p < 0)
		return;
	kv.own_calls++;
	if (sys_page_map(XOK_SELF, KV_VA + i * XOK_PGSIZE, (uint64_t)p,
	    XOK_PTE_NX, 0, 0) < 0) {
		sys_page_free((uint64_t)p, 0);
		kv.own_calls++;
		return;
	}
	hold[i] = (uint64_t)p + 1;
	nhold++;
	hold_next = (i + 1) % KV_HOLD;
	kv.pages_checked++;
	if (ppn != XOK_PPN_ANY)
		kv.pages_recycled++;
	hold_was[i] = was;
	if ((word = dirty_word(i, &at)) != 0)
		dirty((uint64_t)p, word, at, 0, was);
}

void
kv_pages(void)
{
	uint64_t i, word, at;
	int took = 0;

	/* The pages we hold: nobody may have written them since. */
	for (i = 0; i < KV_HOLD; i++)
		if (hold[i] && (word = dirty_word(i, &at)) != 0) {
			dirty(hold[i] - 1, word, at, 1, hold_was[i]);
			unhold(i);
		}
	/* Pages others held (free at the start) that are free again. */
	for (i = 0; i < nwatch && took < 2; ) {
		uint64_t p = watch[i].ppn;
		uint32_t was = watch[i].owner;

		if (XOK_PAGES[p].owner != 0) {
			i++;
			continue;
		}
		watch[i] = watch[--nwatch];
		take(p, was);
		took++;
	}
	/* Look at a few pages: remember those in someone else's hands. */
	for (i = 0; i < KV_SAMPLE && nwatch < KV_WATCH; i++) {
		uint64_t p = rnd() % npages;
		uint32_t o = XOK_PAGES[p].owner;

		if (o != 0 && snap0[p].owner == 0 &&
		    o != (uint32_t)xok_self()) {
			watch[nwatch].ppn = p, watch[nwatch].owner = o;
			nwatch++;
		}
	}
	take(XOK_PPN_ANY, 0);
}

void
kv_release(void)
{
	uint64_t i;

	for (i = 0; i < KV_HOLD; i++)
		unhold(i);
}
