/*
 * main.c - runs every C-FFS Check suite (build/cffs/test_cffs).
 */
#include <stdlib.h>

#include "util.h"

int
main(void)
{
	SRunner *sr = srunner_create(ops_suite());
	int failed;

	srunner_add_suite(sr, stress_suite());
	srunner_add_suite(sr, model_suite());
	srunner_add_suite(sr, import_suite());
	srunner_add_suite(sr, corrupt_suite());
	srunner_add_suite(sr, tools_suite());
	srunner_add_suite(sr, alloc_suite());
	srunner_add_suite(sr, prefetch_suite());
#ifdef CFFS_HAVE_XN
	srunner_add_suite(sr, xn_suite());
	srunner_add_suite(sr, journal_suite());
#endif
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
