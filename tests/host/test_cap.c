/*
 * test_cap.c: host tests for xok/cap.c (hierarchical capabilities).
 *
 * A capability dominates another iff both are valid, both names are at
 * most XOK_CAP_NAMELEN bytes, and the first name is a prefix of the
 * second (equal names included; the empty root name dominates all).
 * Tested: cap_dominates, cap_allows (rights subsets), cap_derive_check
 * (every error code and its precedence) and cap_make (truncation,
 * zeroed tail, fields set).
 */
#include <string.h>
#include <check.h>

#include "cap.h"

Suite *cap_suite(void);

/* A valid capability named by the bytes of a C string. */
static struct xok_cap
mk(const char *name, unsigned rights)
{
	struct xok_cap c;

	cap_make(&c, (const uint8_t *)name, (unsigned)strlen(name), rights);
	return c;
}

/* A capability built by hand, bypassing cap_make's checks. */
static struct xok_cap
raw(uint8_t valid, uint8_t len, uint8_t rights, const char *bytes)
{
	struct xok_cap c;

	memset(&c, 0, sizeof(c));
	c.valid = valid;
	c.len = len;
	c.rights = rights;
	memcpy(c.name, bytes, strnlen(bytes, XOK_CAP_NAMELEN));
	return c;
}

/* ---- cap_dominates --------------------------------------------------- */

START_TEST(dominates_prefix)
{
	struct xok_cap ab = mk("ab", XOK_CAP_ALL), abc = mk("abc", XOK_CAP_ALL);
	struct xok_cap ac = mk("ac", XOK_CAP_ALL), ba = mk("ba", XOK_CAP_ALL);
	struct xok_cap a = mk("a", 0);

	ck_assert_int_eq(cap_dominates(&ab, &abc), 1);
	ck_assert_int_eq(cap_dominates(&a, &abc), 1);
	ck_assert_int_eq(cap_dominates(&a, &ab), 1);
	ck_assert_int_eq(cap_dominates(&ab, &ac), 0);
	ck_assert_int_eq(cap_dominates(&ab, &ba), 0);
	ck_assert_int_eq(cap_dominates(&ac, &abc), 0);
	/* rights play no part in dominance */
	ck_assert_int_eq(cap_dominates(&a, &ab), 1);
}
END_TEST

START_TEST(dominates_equal)
{
	struct xok_cap x = mk("abc", XOK_CAP_R), y = mk("abc", XOK_CAP_W);
	struct xok_cap full1 = mk("0123456789ab", 0);
	struct xok_cap full2 = mk("0123456789ab", 0);
	struct xok_cap full3 = mk("0123456789aX", 0);

	ck_assert_int_eq(cap_dominates(&x, &x), 1);
	ck_assert_int_eq(cap_dominates(&x, &y), 1);
	ck_assert_int_eq(cap_dominates(&y, &x), 1);
	ck_assert_uint_eq(full1.len, XOK_CAP_NAMELEN);
	ck_assert_int_eq(cap_dominates(&full1, &full2), 1);
	ck_assert_int_eq(cap_dominates(&full1, &full3), 0);
	ck_assert_int_eq(cap_dominates(&full3, &full1), 0);
}
END_TEST

START_TEST(dominates_longer_not_shorter)
{
	struct xok_cap ab = mk("ab", XOK_CAP_ALL), abc = mk("abc", XOK_CAP_ALL);
	struct xok_cap root = mk("", XOK_CAP_ALL);

	ck_assert_int_eq(cap_dominates(&abc, &ab), 0);
	ck_assert_int_eq(cap_dominates(&ab, &root), 0);
	ck_assert_int_eq(cap_dominates(&abc, &root), 0);
}
END_TEST

START_TEST(dominates_longer_same_bytes)
{
	/* the longer name must not dominate even when the shorter one's
	 * stored bytes past its length happen to match */
	struct xok_cap ab = mk("ab", 0), a_ab = raw(1, 1, 0, "ab");
	struct xok_cap root = mk("", 0), zero = raw(1, 1, 0, "");

	ck_assert_int_eq(cap_dominates(&a_ab, &ab), 1);
	ck_assert_int_eq(cap_dominates(&ab, &a_ab), 0);
	ck_assert_int_eq(cap_dominates(&root, &zero), 1);
	ck_assert_int_eq(cap_dominates(&zero, &root), 0);
}
END_TEST

START_TEST(dominates_binary_names)
{
	/* names are byte strings: NUL bytes count, bytes past len do not */
	struct xok_cap z1, z01, z0, junk, plain;
	static const uint8_t n01[] = { 0, 1 };
	static const uint8_t n0[] = { 0 };

	cap_make(&z1, n01, 1, 0);               /* name {0} */
	cap_make(&z01, n01, 2, 0);              /* name {0,1} */
	cap_make(&z0, n0, 1, 0);                /* name {0} */
	ck_assert_int_eq(cap_dominates(&z1, &z01), 1);
	ck_assert_int_eq(cap_dominates(&z0, &z01), 1);
	ck_assert_int_eq(cap_dominates(&z01, &z1), 0);
	/* garbage after len in the dominating cap is ignored */
	junk = raw(1, 2, 0, "abXYZ");
	plain = mk("abc", 0);
	ck_assert_int_eq(cap_dominates(&junk, &plain), 1);
	/* ... and in the dominated cap too */
	junk = raw(1, 3, 0, "abcQQ");
	plain = mk("abc", 0);
	ck_assert_int_eq(cap_dominates(&junk, &plain), 1);
	ck_assert_int_eq(cap_dominates(&plain, &junk), 1);
}
END_TEST

START_TEST(dominates_root)
{
	struct xok_cap root = mk("", 0), root2 = mk("", XOK_CAP_ALL);
	struct xok_cap a = mk("a", 0), full = mk("0123456789ab", 0);
	uint8_t m = XOK_CAPNAME_MACHINE;
	struct xok_cap machine;

	cap_make(&machine, &m, 1, 0);
	ck_assert_uint_eq(root.len, 0);
	ck_assert_int_eq(cap_dominates(&root, &root2), 1);
	ck_assert_int_eq(cap_dominates(&root, &a), 1);
	ck_assert_int_eq(cap_dominates(&root, &full), 1);
	ck_assert_int_eq(cap_dominates(&root, &machine), 1);
	/* only the root dominates the machine guard */
	ck_assert_int_eq(cap_dominates(&a, &machine), 0);
	ck_assert_int_eq(cap_dominates(&full, &machine), 0);
}
END_TEST

START_TEST(dominates_invalid)
{
	struct xok_cap root = mk("", XOK_CAP_ALL), ab = mk("ab", XOK_CAP_ALL);
	struct xok_cap bad_ab = ab, bad_root = root;

	bad_ab.valid = 0;
	bad_root.valid = 0;
	ck_assert_int_eq(cap_dominates(&root, &bad_ab), 0);
	ck_assert_int_eq(cap_dominates(&bad_root, &ab), 0);
	ck_assert_int_eq(cap_dominates(&bad_root, &bad_root), 0);
	ck_assert_int_eq(cap_dominates(&bad_ab, &bad_ab), 0);
	ck_assert_int_eq(cap_dominates(&ab, &bad_ab), 0);
}
END_TEST

START_TEST(dominates_len_too_long)
{
	struct xok_cap root = mk("", XOK_CAP_ALL);
	struct xok_cap l13 = raw(1, XOK_CAP_NAMELEN + 1, XOK_CAP_ALL,
	    "0123456789ab");
	struct xok_cap l255 = raw(1, 255, XOK_CAP_ALL, "0123456789ab");
	struct xok_cap l12 = raw(1, XOK_CAP_NAMELEN, XOK_CAP_ALL,
	    "0123456789ab");

	ck_assert_int_eq(cap_dominates(&l12, &l12), 1);
	ck_assert_int_eq(cap_dominates(&root, &l13), 0);
	ck_assert_int_eq(cap_dominates(&root, &l255), 0);
	ck_assert_int_eq(cap_dominates(&l13, &l13), 0);
	ck_assert_int_eq(cap_dominates(&l13, &l255), 0);
	ck_assert_int_eq(cap_dominates(&l12, &l13), 0);
	ck_assert_int_eq(cap_dominates(&l255, &l12), 0);
}
END_TEST

/* ---- cap_allows ------------------------------------------------------- */

START_TEST(allows_rights)
{
	struct xok_cap r = mk("ab", XOK_CAP_R), w = mk("ab", XOK_CAP_W);
	struct xok_cap rw = mk("ab", XOK_CAP_ALL), none = mk("ab", 0);
	struct xok_cap guard = mk("abc", 0);

	ck_assert_int_eq(cap_allows(&r, &guard, 0), 1);
	ck_assert_int_eq(cap_allows(&r, &guard, XOK_CAP_R), 1);
	ck_assert_int_eq(cap_allows(&r, &guard, XOK_CAP_W), 0);
	ck_assert_int_eq(cap_allows(&r, &guard, XOK_CAP_ALL), 0);
	ck_assert_int_eq(cap_allows(&w, &guard, XOK_CAP_W), 1);
	ck_assert_int_eq(cap_allows(&w, &guard, XOK_CAP_R), 0);
	ck_assert_int_eq(cap_allows(&w, &guard, XOK_CAP_ALL), 0);
	ck_assert_int_eq(cap_allows(&rw, &guard, 0), 1);
	ck_assert_int_eq(cap_allows(&rw, &guard, XOK_CAP_R), 1);
	ck_assert_int_eq(cap_allows(&rw, &guard, XOK_CAP_W), 1);
	ck_assert_int_eq(cap_allows(&rw, &guard, XOK_CAP_ALL), 1);
	ck_assert_int_eq(cap_allows(&none, &guard, 0), 1);
	ck_assert_int_eq(cap_allows(&none, &guard, XOK_CAP_R), 0);
	/* a right no capability can hold is never granted */
	ck_assert_int_eq(cap_allows(&rw, &guard, 0x4), 0);
	ck_assert_int_eq(cap_allows(&rw, &guard, XOK_CAP_ALL | 0x80), 0);
}
END_TEST

START_TEST(allows_needs_dominance)
{
	struct xok_cap rw = mk("ab", XOK_CAP_ALL), root = mk("", XOK_CAP_ALL);
	struct xok_cap other = mk("ac", 0), parent = mk("a", 0);
	struct xok_cap bad = rw;

	bad.valid = 0;
	ck_assert_int_eq(cap_allows(&rw, &other, XOK_CAP_R), 0);
	ck_assert_int_eq(cap_allows(&rw, &parent, XOK_CAP_R), 0);
	ck_assert_int_eq(cap_allows(&rw, &parent, 0), 0);
	ck_assert_int_eq(cap_allows(&root, &other, XOK_CAP_ALL), 1);
	ck_assert_int_eq(cap_allows(&bad, &rw, 0), 0);
	ck_assert_int_eq(cap_allows(&root, &bad, 0), 0);
}
END_TEST

/* ---- cap_derive_check -------------------------------------------------- */

START_TEST(derive_ok)
{
	struct xok_cap src = mk("ab", XOK_CAP_ALL), root = mk("", XOK_CAP_ALL);
	struct xok_cap d;

	d = mk("abc", XOK_CAP_R);
	ck_assert_int_eq(cap_derive_check(&src, &d), 0);
	d = mk("ab", XOK_CAP_ALL);              /* a plain copy */
	ck_assert_int_eq(cap_derive_check(&src, &d), 0);
	d = mk("ab", 0);                        /* fewer rights */
	ck_assert_int_eq(cap_derive_check(&src, &d), 0);
	d = mk("ab0123456789", XOK_CAP_W);      /* to the full length */
	ck_assert_int_eq(cap_derive_check(&src, &d), 0);
	d = mk("zz", XOK_CAP_ALL);
	ck_assert_int_eq(cap_derive_check(&root, &d), 0);
	ck_assert_int_eq(cap_derive_check(&root, &root), 0);
}
END_TEST

START_TEST(derive_more_rights)
{
	struct xok_cap r = mk("ab", XOK_CAP_R), w = mk("ab", XOK_CAP_W);
	struct xok_cap d;

	d = mk("abc", XOK_CAP_ALL);
	ck_assert_int_eq(cap_derive_check(&r, &d), -XE_PERM);
	d = mk("abc", XOK_CAP_W);
	ck_assert_int_eq(cap_derive_check(&r, &d), -XE_PERM);
	d = mk("ab", XOK_CAP_R);
	ck_assert_int_eq(cap_derive_check(&w, &d), -XE_PERM);
	d = mk("ab", XOK_CAP_W);
	ck_assert_int_eq(cap_derive_check(&w, &d), 0);
}
END_TEST

START_TEST(derive_not_extension)
{
	struct xok_cap src = mk("ab", XOK_CAP_ALL), d;

	d = mk("ac", XOK_CAP_R);
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_PERM);
	d = mk("a", XOK_CAP_R);                 /* a parent */
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_PERM);
	d = mk("", XOK_CAP_R);                  /* the root */
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_PERM);
	d = mk("ba", XOK_CAP_R);
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_PERM);
}
END_TEST

START_TEST(derive_invalid_args)
{
	struct xok_cap src = mk("ab", XOK_CAP_ALL), bad_src = src, d;

	bad_src.valid = 0;
	/* derived name too long */
	d = raw(1, XOK_CAP_NAMELEN + 1, XOK_CAP_R, "abcdefghijkl");
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_INVAL);
	d = raw(1, 255, XOK_CAP_R, "abcdefghijkl");
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_INVAL);
	/* rights outside XOK_CAP_ALL */
	d = mk("abc", 0x4);
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_INVAL);
	d = mk("abc", XOK_CAP_R | 0x80);
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_INVAL);
	/* derived not valid */
	d = mk("abc", XOK_CAP_R);
	d.valid = 0;
	ck_assert_int_eq(cap_derive_check(&src, &d), -XE_INVAL);
	/* invalid source */
	d = mk("abc", XOK_CAP_R);
	ck_assert_int_eq(cap_derive_check(&bad_src, &d), -XE_NOCAP);
	/* a malformed derived cap is reported before an empty source */
	d = mk("abc", 0x4);
	ck_assert_int_eq(cap_derive_check(&bad_src, &d), -XE_INVAL);
	/* a source with an overlong name dominates nothing */
	bad_src = raw(1, XOK_CAP_NAMELEN + 1, XOK_CAP_ALL, "abcdefghijkl");
	d = mk("abcdefghijkl", XOK_CAP_R);
	ck_assert_int_eq(cap_derive_check(&bad_src, &d), -XE_PERM);
}
END_TEST

/* ---- cap_make ---------------------------------------------------------- */

START_TEST(make_fields)
{
	struct xok_cap c;
	unsigned i;

	memset(&c, 0xaa, sizeof(c));
	cap_make(&c, (const uint8_t *)"xyz", 3, XOK_CAP_W);
	ck_assert_uint_eq(c.valid, 1);
	ck_assert_uint_eq(c.len, 3);
	ck_assert_uint_eq(c.rights, XOK_CAP_W);
	ck_assert_uint_eq(c.pad, 0);
	ck_assert_mem_eq(c.name, "xyz", 3);
	for (i = 3; i < XOK_CAP_NAMELEN; i++)
		ck_assert_uint_eq(c.name[i], 0);

	memset(&c, 0xaa, sizeof(c));
	cap_make(&c, NULL, 0, 0);               /* the root: name not read */
	ck_assert_uint_eq(c.valid, 1);
	ck_assert_uint_eq(c.len, 0);
	ck_assert_uint_eq(c.rights, 0);
	for (i = 0; i < XOK_CAP_NAMELEN; i++)
		ck_assert_uint_eq(c.name[i], 0);
}
END_TEST

START_TEST(make_truncates)
{
	static const uint8_t name[20] = "0123456789abcdefghi";
	struct xok_cap c, exact;

	memset(&c, 0xaa, sizeof(c));
	cap_make(&c, name, 20, XOK_CAP_ALL);
	ck_assert_uint_eq(c.valid, 1);
	ck_assert_uint_eq(c.len, XOK_CAP_NAMELEN);
	ck_assert_mem_eq(c.name, name, XOK_CAP_NAMELEN);
	cap_make(&exact, name, XOK_CAP_NAMELEN, XOK_CAP_ALL);
	ck_assert_mem_eq(&c, &exact, sizeof(c));
	/* huge lengths too (only the first NAMELEN bytes are read) */
	cap_make(&c, name, 0xffffffffu, XOK_CAP_R);
	ck_assert_uint_eq(c.len, XOK_CAP_NAMELEN);
	ck_assert_mem_eq(c.name, name, XOK_CAP_NAMELEN);
	ck_assert_int_eq(cap_dominates(&exact, &c), 1);
}
END_TEST

Suite *
cap_suite(void)
{
	Suite *s = suite_create("cap");
	TCase *tc;

	tc = tcase_create("dominates");
	tcase_add_test(tc, dominates_prefix);
	tcase_add_test(tc, dominates_equal);
	tcase_add_test(tc, dominates_longer_not_shorter);
	tcase_add_test(tc, dominates_longer_same_bytes);
	tcase_add_test(tc, dominates_binary_names);
	tcase_add_test(tc, dominates_root);
	tcase_add_test(tc, dominates_invalid);
	tcase_add_test(tc, dominates_len_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("allows");
	tcase_add_test(tc, allows_rights);
	tcase_add_test(tc, allows_needs_dominance);
	suite_add_tcase(s, tc);

	tc = tcase_create("derive");
	tcase_add_test(tc, derive_ok);
	tcase_add_test(tc, derive_more_rights);
	tcase_add_test(tc, derive_not_extension);
	tcase_add_test(tc, derive_invalid_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("make");
	tcase_add_test(tc, make_fields);
	tcase_add_test(tc, make_truncates);
	suite_add_tcase(s, tc);
	return s;
}
