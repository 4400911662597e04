/*
 * xn/fuzz/fuzz_alloc.c: libFuzzer target for the XN calls.  The harness
 * and the properties it checks are in alloc_driver.c, shared with the
 * Check test that replays the regression inputs in xn/fuzz/regress/.
 */
#include "alloc_driver.h"
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
die(const char *why)
{
	fprintf(stderr, "fuzz_alloc: %s\n", why);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xnfz_alloc_run(data, size, die);
	return 0;
}
