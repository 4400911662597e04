/*
 * rawdisk.c: the raw asynchronous disk path (DISK_RAW) on a virtio disk:
 * many requests in flight, DMA straight to and from our pages, completion
 * counted in our memory and waited for with a wake-up predicate; and the
 * hostile cases (no capability, bad pages, bad lengths, a requester that
 * dies with requests in flight).
 */
#include <exos/exos.h>
#include "check.h"

#define N 64
#define BUF_VA 0x0000000400000000UL
#define SHARED_VA 0x0000000500000000UL

static struct xok_disk_done done;
static uint64_t ppns[2 * N];

/* Sleep until d->done reaches n (or 2 s pass). */
static void
wait_done(volatile struct xok_disk_done *d, uint64_t n)
{
	uint64_t end = xok_ticks() + 2000;
	struct xok_pred_insn p[8] = {
		{ .op = XP_LDU, .a = 0, .imm = (uint64_t)&d->done },
		{ .op = XP_LDI, .a = 1, .imm = n },
		{ .op = XP_GEU, .a = 0, .b = 1 },
		{ .op = XP_LDK, .a = 2, .imm = __builtin_offsetof(struct xok_info,
		    ticks) },
		{ .op = XP_LDI, .a = 3, .imm = end },
		{ .op = XP_GEU, .a = 2, .b = 3 },
		{ .op = XP_OR, .a = 0, .b = 2 },
		{ .op = XP_RET, .a = 0 },
	};

	sys_sleep(p, 8);
}

/* Submit, waiting for room when the queue is full. */
static int64_t
submit(int write, uint64_t sector, uint64_t ppn, uint64_t *queued)
{
	int64_t r;

	while ((r = sys_disk_raw(0, write, sector, ppn, 4096, &done)) == -XE_BUSY)
		wait_done(&done, done.done + 1);
	if (r == 0)
		(*queued)++;
	return r;
}

static void
child(void)
{
	volatile uint64_t *sh = (volatile uint64_t *)SHARED_VA;
	static struct xok_disk_done d;
	int64_t ppn = sys_page_alloc(XOK_PPN_ANY, 0);

	sh[0] = (uint64_t)sys_disk_raw(0, 0, 0, (uint64_t)ppn, 4096, &d);
	sh[1] = 1;
}

int
main(uint64_t arg)
{
	uint64_t i, queued = 0, bad = 0, free0;
	int64_t r, c;

	if (arg == 1) {
		child();
		return 0;
	}
	for (i = 0; i < 2 * N; i++) {
		ppns[i] = (uint64_t)sys_page_alloc(XOK_PPN_ANY, 0);
		sys_page_map(XOK_SELF, BUF_VA + i * 4096, ppns[i], XOK_PTE_W, 0, 0);
	}
	EXPECT_EQ("raw: length 0", sys_disk_raw(0, 0, 0, ppns[0], 0, &done),
	    -XE_INVAL);
	EXPECT_EQ("raw: length not sectors", sys_disk_raw(0, 0, 0, ppns[0],
	    513, &done), -XE_INVAL);
	EXPECT_EQ("raw: more than 1 MiB", sys_disk_raw(0, 0, 0, ppns[0],
	    2UL << 20, &done), -XE_INVAL);
	EXPECT_EQ("raw: kernel page", sys_disk_raw(0, 0, 0, 0x100, 4096,
	    &done), -XE_PERM);
	EXPECT_EQ("raw: page out of range", sys_disk_raw(0, 0, 0, 1UL << 40,
	    4096, &done), -XE_RANGE);
	EXPECT_EQ("raw: free page", sys_disk_raw(0, 0, 0,
	    XOK_INFO->npages - 1, 4096, &done), -XE_NOENT);
	EXPECT_EQ("raw: bad completion pointer", sys_disk_raw(0, 0, 0,
	    ppns[0], 4096, (void *)0xffffffff80000000UL), -XE_FAULT);
	EXPECT_EQ("raw: past the end of the disk", sys_disk_raw(0, 0,
	    1UL << 40, ppns[0], 4096, &done), -XE_RANGE);
	EXPECT_EQ("raw: bad flags", xok_call(XOK_SYS_DISK_RAW, 0x8000, 0,
	    ppns[0], 4096, (uint64_t)&done, 0), -XE_INVAL);
	EXPECT_EQ("raw: empty capability slot", sys_disk_raw(15, 0, 0,
	    ppns[0], 4096, &done), -XE_NOCAP);

	for (i = 0; i < N; i++) {
		uint64_t *w = (uint64_t *)(BUF_VA + i * 4096), j;

		for (j = 0; j < 512; j++)
			w[j] = i * 1000003 + j;
		if (submit(1, i * 8, ppns[i], &queued) < 0)
			bad++;
	}
	EXPECT("64 page writes queued", bad == 0 && queued == N);
	wait_done(&done, N);
	EXPECT("64 writes completed, no errors", done.done == N &&
	    done.errors == 0);
	EXPECT("pages unpinned after I/O", XOK_PAGES[ppns[0]].mapcount == 1);
	for (i = 0; i < N; i++)
		if (submit(0, (N - 1 - i) * 8, ppns[N + i], &queued) < 0)
			bad++;
	wait_done(&done, 2 * N);
	EXPECT("64 reads completed in any order", bad == 0 &&
	    done.done == 2 * N && done.errors == 0);
	for (i = 0, bad = 0; i < N; i++) {
		uint64_t *w = (uint64_t *)(BUF_VA + (N + N - 1 - i) * 4096), j;

		for (j = 0; j < 512; j++)
			if (w[j] != i * 1000003 + j)
				bad++;
	}
	EXPECT_EQ("read back what was written", bad, 0);

	/* A libOS picks physically consecutive pages from the free map
	 * and moves 64 KiB in one request. */
	{
		uint64_t run = 0, p, k, n = XOK_INFO->npages, bad2 = 0;
		uint64_t va = 0x0000000480000000UL;

		for (p = n - 64; p > 0 && run < 32; p--)
			run = XOK_PAGES[p].owner == 0 ? run + 1 : 0;
		p++;                            /* 32 free pages at p.. */
		for (k = 0; k < 32; k++) {
			if (sys_page_alloc(p + k, 0) != (int64_t)(p + k))
				bad2++;
			sys_page_map(XOK_SELF, va + k * 4096, p + k, XOK_PTE_W, 0, 0);
		}
		EXPECT("allocate 32 consecutive pages by number", run == 32 &&
		    bad2 == 0);
		for (k = 0; k < 16 * 512; k++)
			((uint64_t *)va)[k] = k * 7 + 1;
		EXPECT_EQ("raw: 64 KiB write in one request", sys_disk_raw(0, 1,
		    4096, p, 65536, &done), 0);
		wait_done(&done, 2 * N + 1);
		EXPECT_EQ("raw: 64 KiB read in one request", sys_disk_raw(0, 0,
		    4096, p + 16, 65536, &done), 0);
		wait_done(&done, 2 * N + 2);
		for (k = 0, bad2 = 0; k < 16 * 512; k++)
			if (((uint64_t *)(va + 65536))[k] != k * 7 + 1)
				bad2++;
		EXPECT("64 KiB came back", bad2 == 0 && done.errors == 0);
		EXPECT_EQ("raw: run into a page we do not hold",
		    sys_disk_raw(0, 0, 0, p + 16, 65536 + 4096, &done),
		    XOK_PAGES[p + 32].owner == 0 ? -XE_NOENT : -XE_PERM);
	}

	/* another environment: no root capability */
	{
		uint64_t size;
		struct exos_spawn sp = { .arg = 1, .slices = 1, .start = 0 };
		int64_t sh = sys_page_alloc(XOK_PPN_ANY, 0);

		sp.image = exos_module("rawdisk.elf", &size);
		sp.size = size;
		c = exos_spawn(&sp);
		sys_page_map(XOK_SELF, 0x0000000600000000UL, (uint64_t)sh,
		    XOK_PTE_W, 0, 0);
		sys_page_map((uint64_t)c, SHARED_VA, (uint64_t)sh, XOK_PTE_W,
		    0, 0);
		sys_env_set_status((uint64_t)c, 0, XOK_ENV_RUNNABLE);
		for (i = 0; i < 2000 && !((volatile uint64_t *)
		    0x0000000600000000UL)[1]; i++)
			sys_yield(XOK_SELF);
		EXPECT_EQ("raw: refused without the root capability",
		    ((volatile int64_t *)0x0000000600000000UL)[0], -XE_PERM);
	}

	/* a page with I/O in flight stays pinned: it can be freed only
	 * once the completion is recorded (however fast the disk is) */
	free0 = XOK_INFO->nfree;
	r = sys_disk_raw(0, 0, 0, ppns[0], 4096, &done);
	sys_page_unmap(XOK_SELF, BUF_VA, 0);
	EXPECT_EQ("raw: one more read queued", r, 0);
	r = sys_page_free(ppns[0], 0);
	EXPECT("page freed only after its I/O completed",
	    r == -XE_BUSY || (r == 0 && done.done == 2 * N + 3));
	wait_done(&done, 2 * N + 3);
	if (r != 0)
		r = sys_page_free(ppns[0], 0);
	EXPECT_EQ("freed once the I/O is done", r, 0);
	EXPECT("free count back", XOK_INFO->nfree == free0 + 1);
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
