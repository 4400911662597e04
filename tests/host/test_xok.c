/*
 * test_xok.c: host unit tests (Check) for the kernel's pure modules,
 * which are compiled both into the kernel and for the host:
 *
 *   test_cap.c    xok/cap.c    hierarchical capabilities: dominance,
 *                              rights, derivation, cap_make
 *   test_pred.c   xok/pred.c   wake-up predicates: verifier, evaluator,
 *                              and a random-program property test
 *   test_pages.c  xok/pages.c  physical page accounting: owners,
 *                              mapcount, orphans, and a random-operation
 *                              test against a simple model
 *   test_pf.c     xok/pf.c     packet filters: verifier, claim rules,
 *                              the trie against a linear scan
 *   test_string.c xok/lib/string.c  memcpy, memmove, memset, memcmp and
 *                              the string functions against byte-by-byte
 *                              references
 *   test_consring.c xok/consring.c  the console input ring: wrap, full,
 *                              peek/take, a random test against a queue
 *   test_rtctime.c xok/rtctime.c  CMOS clock registers to seconds since
 *                              the epoch, against timegm()
 *   test_txo.c    xok/txocheck.c  NET_TRANSMITO's header checks: the
 *                              virtio-net header, the pseudo sum, refusals
 *   test_rxcsum.c xok/rxcsum.c  a received frame's virtio-net header:
 *                              flags, partial sums completed, bounds
 *
 * This file only gathers the suites and runs them.  The exit status is 0
 * iff every test passed.  Do not include <xok/lib.h> here: it clashes
 * with the host libc's stdio.
 */
#include <stdlib.h>
#include <check.h>

Suite *cap_suite(void);
Suite *pred_suite(void);
Suite *pages_suite(void);
Suite *string_suite(void);
Suite *consring_suite(void);
Suite *rtctime_suite(void);
Suite *pf_suite(void);
Suite *txo_suite(void);
Suite *rxcsum_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(cap_suite());
	srunner_add_suite(sr, pred_suite());
	srunner_add_suite(sr, pages_suite());
	srunner_add_suite(sr, string_suite());
	srunner_add_suite(sr, consring_suite());
	srunner_add_suite(sr, rtctime_suite());
	srunner_add_suite(sr, pf_suite());
	srunner_add_suite(sr, txo_suite());
	srunner_add_suite(sr, rxcsum_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
