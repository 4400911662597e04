/*
 * test_pf.c: host tests for xok/pf.c (packet filters; the language is
 * struct xok_pf in xok/include/xok/abi.h, docs/NETWORK.md).
 *
 *   verify_*   well-formed filters are accepted and normalised; each kind
 *              of hostile one (no terms, too many, long terms, offsets
 *              past a frame, overlapping or unordered terms, zero edge
 *              masks, values outside masks, junk in padding) is refused
 *   claims_*   the claim rules: disjoint filters coexist; an equal or a
 *              partly overlapping filter is refused; a filter inside
 *              another owner's needs the override; nesting inside one's
 *              own or around another's is allowed; the table fills
 *   match_*    the most specific filter wins; short frames match nothing
 *              that reads past them; removal
 *   undecided_past_head  pf_undecided, NET_TRANSMITV's check of the
 *              filters whose terms lie past the bytes it copied
 *   trie_sublinear  64 filters differing in one value cost the same
 *              number of comparisons as one
 *   mirror_*   pf_mirror (the transmit check's reply image): Ethernet,
 *              IPv4 UDP/TCP ports, options, later fragments, ARP, IPv6,
 *              truncated frames; a mirror of a mirror is the frame
 *   random_sets  property test: random filters (crowded into a few
 *              offsets and values so that they collide) added and
 *              removed; the trie agrees with a linear scan on random
 *              frames, installed filters stay pairwise disjoint or
 *              nested, and the chosen filter lies inside every other
 *              matching one
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "pf.h"

Suite *pf_suite(void);

static const uint8_t ff[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void
term(struct xok_pf *f, uint16_t off, const uint8_t *mask, const uint8_t *val,
    uint8_t len)
{
	struct xok_pf_term *t = &f->t[f->nterms++];

	t->off = off;
	t->len = len;
	memcpy(t->mask, mask, len);
	memcpy(t->val, val, len);
}

/* IPv4 UDP to port; src (4 bytes) or NULL. */
static struct xok_pf
udp(uint16_t port, const uint8_t *src)
{
	static const uint8_t type[2] = { 8, 0 }, u = 17;
	uint8_t p[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	struct xok_pf f;

	memset(&f, 0, sizeof(f));
	term(&f, 12, ff, type, 2);
	term(&f, 23, ff, &u, 1);
	if (src)
		term(&f, 26, ff, src, 4);
	term(&f, 36, ff, p, 2);
	return f;
}

static void
udp_frame(uint8_t *fr, uint16_t port, const uint8_t *src)
{
	memset(fr, 0, 64);
	fr[12] = 8, fr[13] = 0, fr[14] = 0x45, fr[23] = 17;
	memcpy(fr + 26, src, 4);
	fr[36] = (uint8_t)(port >> 8), fr[37] = (uint8_t)port;
}

static struct pf_set *
new_set(void)
{
	struct pf_set *s = malloc(sizeof(*s));

	ck_assert_ptr_nonnull(s);
	pf_init(s);
	return s;
}

START_TEST(verify_ok)
{
	struct xok_pf f = udp(53, NULL);
	struct pf_norm n;

	ck_assert_int_eq(pf_verify(&f, &n), 0);
	ck_assert_int_eq(n.n, 5);
	ck_assert_int_eq(n.bits, 40);
	ck_assert_int_eq(n.minlen, 38);
	memset(&f, 0, sizeof(f));
	f.nterms = XOK_PF_MAXTERMS;
	for (int i = 0; i < XOK_PF_MAXTERMS; i++) {
		f.t[i].off = (uint16_t)(XOK_NET_FRAME_MAX - 8 * (16 - i));
		f.t[i].len = 8;
		memset(f.t[i].mask, 0x81, 8);
	}
	ck_assert_int_eq(pf_verify(&f, &n), 0);
	ck_assert_int_eq(n.n, PF_NBYTES);
	ck_assert_int_eq(n.minlen, XOK_NET_FRAME_MAX);
}
END_TEST

START_TEST(verify_rejects)
{
	struct xok_pf f = udp(53, NULL), g;

	g = f, g.nterms = 0;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.nterms = XOK_PF_MAXTERMS + 1;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.nterms = 0xffffffffu;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.flags = 1;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[0].len = 0;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[2].len = 9;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[2].off = XOK_NET_FRAME_MAX - 1;      /* 2 bytes: one past */
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[2].off = 0xffff;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[1].off = 13;                         /* overlaps term 0 */
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[1].off = 2;                          /* out of order */
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[0].mask[0] = 0, g.t[0].val[0] = 0;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[0].mask[1] = 0, g.t[0].val[1] = 0;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[0].mask[0] = 0xf0;                   /* val 0x08 outside */
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[1].mask[3] = 1;                      /* past len */
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[1].val[7] = 1;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[1].pad[4] = 1;
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
	g = f, g.t[1].mask[0] = 0xf0;                   /* val 17: 0x11 */
	ck_assert_int_eq(pf_verify(&g, NULL), -XE_INVAL);
}
END_TEST

START_TEST(claims)
{
	static const uint8_t gw[4] = { 10, 0, 2, 2 };
	struct pf_set *s = new_set();
	struct xok_pf f, g;
	int a, b;

	f = udp(53, NULL);
	ck_assert_int_ge(a = pf_add(s, &f, 1, 0), 0);
	g = udp(54, NULL);
	ck_assert_int_ge(b = pf_add(s, &g, 2, 0), 0);       /* disjoint */
	ck_assert_int_eq(pf_add(s, &f, 2, 0), -XE_BUSY);    /* equal */
	ck_assert_int_eq(pf_add(s, &f, 1, 1), -XE_BUSY);
	g = udp(53, gw);                                    /* inside a */
	ck_assert_int_eq(pf_add(s, &g, 2, 0), -XE_PERM);
	/* the same filter, written with split terms, is still equal */
	memset(&g, 0, sizeof(g));
	{
		static const uint8_t t0 = 8, t1 = 0, u = 17, p[2] = { 0, 53 };

		term(&g, 12, ff, &t0, 1);
		term(&g, 13, ff, &t1, 1);
		term(&g, 23, ff, &u, 1);
		term(&g, 36, ff, p, 2);
	}
	ck_assert_int_eq(pf_add(s, &g, 2, 0), -XE_BUSY);
	/* partly overlapping: UDP from source port 7 */
	memset(&g, 0, sizeof(g));
	{
		static const uint8_t t[2] = { 8, 0 }, u = 17, p[2] = { 0, 7 };

		term(&g, 12, ff, t, 2);
		term(&g, 23, ff, &u, 1);
		term(&g, 34, ff, p, 2);
	}
	ck_assert_int_eq(pf_add(s, &g, 3, 1), -XE_BUSY);
	/* every UDP frame: contains both, allowed for anyone */
	g.nterms = 2;
	ck_assert_int_ge(pf_add(s, &g, 3, 0), 0);
	/* inside one's own: allowed; inside another's with override */
	g = udp(53, gw);
	ck_assert_int_ge(pf_add(s, &g, 1, 0), 0);
	g = udp(54, gw);
	ck_assert_int_ge(pf_add(s, &g, 1, 1), 0);
	ck_assert_int_eq(s->nfilters, 5);
	ck_assert_int_eq(pf_remove(s, a), 0);
	ck_assert_int_eq(pf_remove(s, a), -XE_NOENT);
	ck_assert_int_eq(pf_remove(s, -1), -XE_NOENT);
	ck_assert_int_eq(pf_remove(s, XOK_PF_NFILTERS), -XE_NOENT);
	ck_assert_int_eq(s->nfilters, 4);
	(void)b;
	free(s);
}
END_TEST

START_TEST(claims_table_full)
{
	struct pf_set *s = new_set();
	struct xok_pf f;
	int i;

	for (i = 0; i < XOK_PF_NFILTERS; i++) {
		f = udp((uint16_t)(1000 + i), NULL);
		ck_assert_int_eq(pf_add(s, &f, 1, 0), i);
	}
	f = udp(999, NULL);
	ck_assert_int_eq(pf_add(s, &f, 1, 0), -XE_NOMEM);
	ck_assert_int_eq(pf_remove(s, 7), 0);
	ck_assert_int_eq(pf_add(s, &f, 1, 0), 7);
	free(s);
}
END_TEST

START_TEST(match_specific)
{
	static const uint8_t gw[4] = { 10, 0, 2, 2 }, other[4] = { 1, 2, 3, 4 };
	struct pf_set *s = new_set();
	struct xok_pf f;
	uint8_t fr[64];
	int all, p53, p53gw;

	memset(&f, 0, sizeof(f));
	{
		static const uint8_t t[2] = { 8, 0 }, u = 17;

		term(&f, 12, ff, t, 2);
		term(&f, 23, ff, &u, 1);
	}
	all = pf_add(s, &f, 1, 0);
	f = udp(53, NULL);
	ck_assert_int_eq(pf_add(s, &f, 2, 0), -XE_PERM);   /* inside 1's */
	p53 = pf_add(s, &f, 2, 1);
	f = udp(53, gw);
	p53gw = pf_add(s, &f, 3, 1);
	ck_assert(all >= 0 && p53 >= 0 && p53gw >= 0);
	udp_frame(fr, 53, gw);
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), p53gw);
	udp_frame(fr, 53, other);
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), p53);
	udp_frame(fr, 80, gw);
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), all);
	fr[23] = 6;
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), -1);
	udp_frame(fr, 53, gw);
	ck_assert_int_eq(pf_match(s, fr, 37, NULL), all);   /* port cut off */
	ck_assert_int_eq(pf_match(s, fr, 23, NULL), -1);
	ck_assert_int_eq(pf_match(s, fr, 0, NULL), -1);
	pf_remove(s, p53gw);
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), p53);
	pf_remove(s, p53);
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), all);
	pf_remove(s, all);
	ck_assert_int_eq(pf_match(s, fr, 64, NULL), -1);
	free(s);
}
END_TEST

/* pf_undecided: of a 600-byte frame only the first 256 bytes are known
 * (NET_TRANSMITV's head); filter 2 nests inside 1's with a term at 300. */
START_TEST(undecided_past_head)
{
	static const uint8_t type[2] = { 0x88, 0xb5 }, v = 0x77, w = 0x33;
	struct pf_set *s = new_set();
	struct xok_pf f;
	uint8_t fr[600];
	int a, b;

	memset(&f, 0, sizeof(f));
	term(&f, 12, ff, type, 2);
	ck_assert_int_ge(a = pf_add(s, &f, 1, 0), 0);
	memset(fr, 0, sizeof(fr));
	fr[12] = 0x88, fr[13] = 0xb5, fr[300] = 0x77;
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 1), 0);
	term(&f, 300, ff, &v, 1);
	ck_assert_int_ge(b = pf_add(s, &f, 2, 1), 0);
	ck_assert_int_eq(pf_match(s, fr, 600, NULL), b);
	ck_assert_int_eq(pf_match(s, fr, 256, NULL), a);   /* what is seen */
	/* 1 owns what the head decides; 2's might take it */
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 1), 1);
	fr[300] = 0;                    /* whatever the unseen byte is */
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 1), 1);
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 2), 0);
	ck_assert_int_eq(pf_undecided(s, fr, 256, 300, 1), 0); /* too short */
	ck_assert_int_eq(pf_undecided(s, fr, 256, 301, 1), 1);
	ck_assert_int_eq(pf_undecided(s, fr, 301, 600, 1), 0); /* all seen */
	fr[13] = 0xb6;                  /* the head rules 2 out */
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 1), 0);
	/* a filter whose seen bytes differ: not a candidate */
	fr[13] = 0xb5;
	pf_remove(s, b);
	memset(&f, 0, sizeof(f));
	term(&f, 12, ff, type, 2);
	term(&f, 100, ff, &w, 1);
	term(&f, 400, ff, &v, 1);
	ck_assert_int_ge(pf_add(s, &f, 3, 1), 0);
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 1), 0);
	fr[100] = 0x33;
	ck_assert_int_eq(pf_undecided(s, fr, 256, 600, 1), 1);
	free(s);
}
END_TEST

START_TEST(trie_sublinear)
{
	struct pf_set *s = new_set();
	static const uint8_t src[4] = { 10, 0, 2, 2 };
	struct xok_pf f;
	uint8_t fr[64];
	unsigned one, many, i;

	f = udp(1000, NULL);
	pf_add(s, &f, 1, 0);
	udp_frame(fr, 1000, src);
	ck_assert_int_eq(pf_match(s, fr, 64, &one), 0);
	for (i = 1; i < XOK_PF_NFILTERS; i++) {
		f = udp((uint16_t)(1000 + i), NULL);
		ck_assert_int_eq(pf_add(s, &f, i + 1, 0), (int)i);
	}
	for (i = 0; i < XOK_PF_NFILTERS; i++) {
		udp_frame(fr, (uint16_t)(1000 + i), src);
		ck_assert_int_eq(pf_match(s, fr, 64, &many), (int)i);
		ck_assert_uint_eq(many, one);
	}
	ck_assert_uint_le(one, 3);      /* one comparison per term */
	ck_assert_uint_le(s->ntests, 3);
	free(s);
}
END_TEST

/* ---- Random sets --------------------------------------------------- */

static uint64_t rng = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Terms at a few offsets with a few masks and values: they collide. */
static void
random_filter(struct xok_pf *f)
{
	static const uint16_t offs[] = { 0, 2, 4, 7, 9, 12 };
	static const uint8_t masks[] = { 0xff, 0x0f, 0xf0, 0x01 };
	unsigned i, n = 1 + rnd(4), o = rnd(2);

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n && o < sizeof(offs) / sizeof(offs[0]); i++) {
		struct xok_pf_term *t = &f->t[f->nterms++];
		unsigned j;

		t->off = offs[o];
		t->len = (uint8_t)(1 + rnd(2));
		for (j = 0; j < t->len; j++) {
			t->mask[j] = masks[rnd(4)];
			t->val[j] = (uint8_t)(rnd(3) * 0x11) & t->mask[j];
		}
		o += 1 + rnd(2);
		while (o < 6 && offs[o] < t->off + t->len)
			o++;
	}
	if (rnd(50) == 0)               /* sometimes a hostile one */
		f->t[rnd(f->nterms)].mask[0] = 0;
}

static int
norm_matches(const struct pf_norm *n, const uint8_t *fr, size_t len)
{
	unsigned i;

	if (len < n->minlen)
		return 0;
	for (i = 0; i < n->n; i++)
		if ((fr[n->off[i]] & n->mask[i]) != n->val[i])
			return 0;
	return 1;
}

START_TEST(random_sets)
{
	struct pf_set *s = new_set();
	unsigned iter, i, j, added = 0;
	uint8_t fr[32];

	for (iter = 0; iter < 20000; iter++) {
		struct xok_pf f;
		int r;

		if (rnd(3) == 0 && s->nfilters > 0) {
			pf_remove(s, (int)rnd(XOK_PF_NFILTERS));
		} else {
			random_filter(&f);
			r = pf_add(s, &f, 1 + rnd(3), rnd(4) == 0);
			if (r >= 0)
				added++;
			else
				ck_assert(r == -XE_INVAL || r == -XE_BUSY ||
				    r == -XE_PERM || r == -XE_NOMEM);
		}
		/* pairwise disjoint or nested */
		for (i = 0; i < XOK_PF_NFILTERS; i++)
			for (j = i + 1; j < XOK_PF_NFILTERS; j++) {
				const struct pf_norm *a = &s->e[i].n,
				    *b = &s->e[j].n;

				if (!s->e[i].used || !s->e[j].used)
					continue;
				ck_assert(pf_disjoint(a, b) ||
				    pf_subset(a, b) != pf_subset(b, a));
			}
		/* the trie agrees with a scan; the choice is innermost */
		for (i = 0; i < 8; i++) {
			size_t len = rnd(sizeof(fr) + 1);
			int m, k;

			for (j = 0; j < sizeof(fr); j++)
				fr[j] = (uint8_t)(rnd(3) * 0x11);
			m = pf_match(s, fr, len, NULL);
			ck_assert_int_eq(m, pf_match_linear(s, fr, len));
			for (k = 0; k < XOK_PF_NFILTERS; k++) {
				if (!s->e[k].used)
					continue;
				if (norm_matches(&s->e[k].n, fr, len)) {
					ck_assert_int_ge(m, 0);
					ck_assert(pf_subset(&s->e[m].n,
					    &s->e[k].n));
				}
			}
			if (m >= 0)
				ck_assert(norm_matches(&s->e[m].n, fr, len));
		}
	}
	ck_assert_uint_gt(added, 100);
	free(s);
}
END_TEST

/* An IPv4 UDP frame from 10.0.0.1:sport to 10.0.0.2:dport; ihl words. */
static size_t
mir_frame(uint8_t *fr, unsigned ihl, uint16_t sport, uint16_t dport)
{
	size_t o = 14 + ihl * 4;

	memset(fr, 0, 128);
	memset(fr, 0xaa, 6);
	memset(fr + 6, 0xbb, 6);
	fr[12] = 8, fr[13] = 0;
	fr[14] = (uint8_t)(0x40 | ihl);
	fr[23] = 17;
	fr[26] = 10, fr[29] = 1;
	fr[30] = 10, fr[33] = 2;
	fr[o] = (uint8_t)(sport >> 8), fr[o + 1] = (uint8_t)sport;
	fr[o + 2] = (uint8_t)(dport >> 8), fr[o + 3] = (uint8_t)dport;
	return o + 8 + 4;
}

START_TEST(mirror_ipv4)
{
	uint8_t fr[128], m[128], mm[128];
	size_t n = mir_frame(fr, 5, 1234, 80);
	struct pf_set *s = calloc(1, sizeof(*s));
	struct xok_pf f = udp(1234, NULL);
	static const uint8_t a2[4] = { 10, 0, 0, 2 };

	ck_assert_ptr_nonnull(s);
	pf_init(s);
	ck_assert_uint_eq(pf_mirror(fr, n, m), n);
	ck_assert(memcmp(m, fr + 6, 6) == 0 && memcmp(m + 6, fr, 6) == 0);
	ck_assert(memcmp(m + 26, fr + 30, 4) == 0);
	ck_assert(memcmp(m + 30, fr + 26, 4) == 0);
	ck_assert(m[34] == fr[36] && m[35] == fr[37] && m[36] == fr[34] &&
	    m[37] == fr[35]);
	ck_assert(memcmp(m + 38, fr + 38, n - 38) == 0);
	pf_mirror(m, n, mm);
	ck_assert(memcmp(mm, fr, n) == 0);
	/* the reply reaches the listener on the source port, with the
	   source address filter too */
	ck_assert_int_ge(pf_add(s, &f, 7, 0), 0);
	ck_assert_int_ge(pf_match(s, m, n, NULL), 0);
	ck_assert_int_lt(pf_match(s, fr, n, NULL), 0);
	f = udp(1234, a2);
	ck_assert_int_ge(pf_add(s, &f, 8, 1), 0);
	ck_assert_uint_eq(s->e[pf_match(s, m, n, NULL)].owner, 8);
	/* TCP too; options move the ports */
	n = mir_frame(fr, 7, 1234, 80);
	fr[23] = 6;
	pf_mirror(fr, n, m);
	ck_assert(m[14 + 28] == fr[14 + 30] && m[14 + 29] == fr[14 + 31]);
	ck_assert(m[14 + 30] == fr[14 + 28]);
	/* a later fragment: addresses swapped, bytes at the port offset not */
	n = mir_frame(fr, 5, 1234, 80);
	fr[21] = 8;
	pf_mirror(fr, n, m);
	ck_assert(memcmp(m + 26, fr + 30, 4) == 0);
	ck_assert(memcmp(m + 34, fr + 34, 4) == 0);
	/* a bad header length: ports left alone */
	n = mir_frame(fr, 5, 1234, 80);
	fr[14] = 0x43;
	pf_mirror(fr, n, m);
	ck_assert(memcmp(m + 34, fr + 34, 4) == 0);
	/* other protocols (ICMP): addresses only */
	n = mir_frame(fr, 5, 1234, 80);
	fr[23] = 1;
	pf_mirror(fr, n, m);
	ck_assert(memcmp(m + 34, fr + 34, 4) == 0);
	free(s);
}
END_TEST

START_TEST(mirror_arp_ipv6_short)
{
	uint8_t fr[128], m[128];
	size_t n, i;

	memset(fr, 0, sizeof(fr));
	fr[12] = 8, fr[13] = 6;
	fr[20] = 0, fr[21] = 1;                 /* request */
	for (i = 0; i < 6; i++)
		fr[22 + i] = 0x11, fr[32 + i] = 0x22;
	for (i = 0; i < 4; i++)
		fr[28 + i] = 0x33, fr[38 + i] = 0x44;
	pf_mirror(fr, 42, m);
	ck_assert(m[21] == 2 && m[22] == 0x22 && m[32] == 0x11 &&
	    m[28] == 0x44 && m[38] == 0x33);
	fr[21] = 9;                             /* not request or reply */
	pf_mirror(fr, 42, m);
	ck_assert(m[21] == 9);

	memset(fr, 0, sizeof(fr));
	fr[12] = 0x86, fr[13] = 0xdd;
	fr[14] = 0x60;
	fr[20] = 17;
	for (i = 0; i < 16; i++)
		fr[22 + i] = 1, fr[38 + i] = 2;
	fr[54] = 0x04, fr[55] = 0xd2, fr[56] = 0, fr[57] = 80;
	pf_mirror(fr, 62, m);
	ck_assert(m[22] == 2 && m[38] == 1 && m[54] == 0 && m[55] == 80 &&
	    m[56] == 0x04 && m[57] == 0xd2);

	/* Every truncation of each kind: no byte past the length is read
	   or written, and nothing crashes (ASan/valgrind find the rest). */
	n = mir_frame(fr, 5, 1, 2);
	for (i = 0; i <= n; i++) {
		memset(m, 0x5a, sizeof(m));
		ck_assert_uint_eq(pf_mirror(fr, i, m), i);
		ck_assert(m[i] == 0x5a);
	}
}
END_TEST

Suite *
pf_suite(void)
{
	Suite *s = suite_create("pf");
	TCase *tc;

	tc = tcase_create("verify");
	tcase_add_test(tc, verify_ok);
	tcase_add_test(tc, verify_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("claims");
	tcase_add_test(tc, claims);
	tcase_add_test(tc, claims_table_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_test(tc, match_specific);
	tcase_add_test(tc, undecided_past_head);
	tcase_add_test(tc, trie_sublinear);
	suite_add_tcase(s, tc);

	tc = tcase_create("mirror");
	tcase_add_test(tc, mirror_ipv4);
	tcase_add_test(tc, mirror_arp_ipv6_short);
	suite_add_tcase(s, tc);

	tc = tcase_create("property");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, random_sets);
	suite_add_tcase(s, tc);
	return s;
}
