/*
 * ptabfree.c: the family's shared region gives every page back when the
 * whole family is gone.  Booted as init with tests/posix/ptabfam.c's
 * program as a module; spawns it (a new family: its own region) twice,
 * waits for its exit and for every process it forked (some outlive it)
 * and checks the free-page count is what it was before.  (The pages of
 * a member that dies first are orphans the kernel frees at their last
 * unmapping: docs/ARCHITECTURE.md, "The shared region".)
 */
#include "check.h"

/* Environments alive besides us. */
static int
others(void)
{
	int i, n = 0;

	for (i = 0; i < XOK_NENV; i++)
		if (XOK_INFO->envs[i].id != XOK_INFO->cur_env &&
		    XOK_INFO->envs[i].state != XOK_ENV_FREE &&
		    XOK_INFO->envs[i].state != XOK_ENV_ZOMBIE)
			n++;
	return n;
}

static int
run(const void *img, uint64_t size, uint64_t *nfree)
{
	struct exos_spawn sp = { .image = img, .size = size, .slices = 1,
	    .start = 1, .notice = 1 };
	struct xok_exit x;
	int64_t child;

	if ((child = exos_spawn(&sp)) < 0)
		return -1;
	if (exos_wait((uint64_t)child, &x, 0) < 0)
		return -1;
	WAIT_FOR(others() == 0, 10000);
	*nfree = XOK_INFO->nfree;
	return x.reason == XOK_EXITR_EXIT ? (int)x.code : 256 + (int)x.code;
}

int
main(uint64_t arg)
{
	uint64_t size, before, after1, after2;
	const void *img = exos_module("ptabfam.elf", &size);
	int r;

	(void)arg;
	EXPECT("ptabfree: the family's program is a module", img != NULL);
	if (!img)
		goto out;
	before = XOK_INFO->nfree;
	r = run(img, size, &after1);
	EXPECT_EQ("ptabfree: the family's root exits 0", r, 0);
	EXPECT_EQ("ptabfree: every member gone", others(), 0);
	EXPECT_EQ("ptabfree: free pages back after the family (1)", after1,
	    before);
	r = run(img, size, &after2);
	EXPECT_EQ("ptabfree: a second family exits 0", r, 0);
	EXPECT_EQ("ptabfree: free pages back after the family (2)", after2,
	    before);
out:
	printf("ALL-DONE\n");
	sys_shutdown(0, failures ? 1 : 0);
	return 0;
}
