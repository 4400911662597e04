/*
 * xn/tests/test_fuzzregress.c: replays the fuzz_alloc regression inputs
 * (xn/fuzz/regress/fuzz_alloc/, inputs the fuzzer once failed on) and its
 * seeds through the fuzzer's own harness (xn/fuzz/alloc_driver.c), so
 * every property the fuzzer checks is checked again by `make test`.
 */
#include <dirent.h>
#include <stdio.h>
#include "testlib.h"
#include "alloc_driver.h"

static char cur[512];

static void
regress_fail(const char *why)
{
	ck_abort_msg("%s: %s", cur, why);
}

/* Run every regular file of dir; returns how many. */
static int
replay_dir(const char *dir)
{
	static uint8_t buf[1 << 16];
	struct dirent *de;
	DIR *d;
	FILE *f;
	size_t n;
	int count = 0;

	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(cur, sizeof cur, "%s/%s", dir, de->d_name);
		f = fopen(cur, "rb");
		ck_assert_msg(f != NULL, "cannot open %s", cur);
		n = fread(buf, 1, sizeof buf, f);
		ck_assert_msg(!ferror(f) && feof(f), "cannot read %s", cur);
		fclose(f);
		xnfz_alloc_run(buf, n, regress_fail);
		count++;
	}
	closedir(d);
	return count;
}

START_TEST(regress_inputs)
{
	ck_assert_int_ge(replay_dir(XN_FUZZ_DIR "/regress/fuzz_alloc"), 2);
}
END_TEST

START_TEST(seed_inputs)
{
	ck_assert_int_ge(replay_dir(XN_FUZZ_DIR "/seeds/fuzz_alloc"), 1);
}
END_TEST

Suite *
fuzzregress_suite(void)
{
	Suite *s = suite_create("fuzzregress");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, regress_inputs);
	tcase_add_test(tc, seed_inputs);
	suite_add_tcase(s, tc);
	return s;
}
