/*
 * xn/tests/test_main.c: runs every XN Check suite.
 */
#include "testlib.h"

int
main(void)
{
	SRunner *sr = srunner_create(udf_suite());
	int failed;

	srunner_add_suite(sr, alloc_suite());
	srunner_add_suite(sr, persist_suite());
	srunner_add_suite(sr, move_suite());
	srunner_add_suite(sr, wbmany_suite());
	srunner_add_suite(sr, wait_suite());
	srunner_add_suite(sr, bcmany_suite());
	srunner_add_suite(sr, crash_suite());
	srunner_add_suite(sr, principal_suite());
	srunner_add_suite(sr, order_suite());
	srunner_add_suite(sr, fuzzregress_suite());
	srunner_add_suite(sr, layout_suite());
	srunner_add_suite(sr, fmap_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
