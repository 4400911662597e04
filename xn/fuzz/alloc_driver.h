/*
 * xn/fuzz/alloc_driver.h: the fuzz_alloc harness as a plain function, so
 * that the libFuzzer target (fuzz_alloc.c) and the Check test replaying
 * its regression inputs (xn/tests/test_fuzzregress.c) run the same code.
 */
#ifndef XN_FUZZ_ALLOC_DRIVER_H
#define XN_FUZZ_ALLOC_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/* Called with a message when a property is broken; must not return (if
   it does, the driver aborts). */
typedef void xnfz_fail_fn(const char *why);

/* Run one input (docs/XN.md, "Tests and fuzzing"). */
void xnfz_alloc_run(const uint8_t *data, size_t size, xnfz_fail_fn *fail);

#endif /* XN_FUZZ_ALLOC_DRIVER_H */
