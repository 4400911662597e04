/*
 * pf.c: packet filters (see pf.h).  The verifier bounds a filter (at
 * most XOK_PF_MAXTERMS terms of at most XOK_PF_TERMLEN bytes, every byte
 * inside a maximal frame) and puts it in one canonical form, so that the
 * relations between two filters -- disjoint, one inside the other -- are
 * exact byte-by-byte comparisons.  The trie is rebuilt from the filter
 * table on every install and remove (at most PF_NTESTS insertions): the
 * build never deletes, and demultiplexing reads it only.
 */
#include "pf.h"

static unsigned
popcount8(uint8_t b)
{
	unsigned n = 0;

	for (; b; b &= (uint8_t)(b - 1))
		n++;
	return n;
}

int
pf_verify(const struct xok_pf *f, struct pf_norm *out)
{
	uint32_t i, j, end = 0;
	struct pf_norm n;

	n.n = 0, n.minlen = 0, n.bits = 0;
	if (f->nterms == 0 || f->nterms > XOK_PF_MAXTERMS || f->flags != 0)
		return -XE_INVAL;
	for (i = 0; i < f->nterms; i++) {
		const struct xok_pf_term *t = &f->t[i];

		if (t->len == 0 || t->len > XOK_PF_TERMLEN)
			return -XE_INVAL;
		if ((uint32_t)t->off + t->len > XOK_NET_FRAME_MAX)
			return -XE_INVAL;
		if (i > 0 && t->off < end)      /* order, no overlap */
			return -XE_INVAL;
		for (j = 0; j < sizeof(t->pad); j++)
			if (t->pad[j])
				return -XE_INVAL;
		if (t->mask[0] == 0 || t->mask[t->len - 1] == 0)
			return -XE_INVAL;
		for (j = 0; j < XOK_PF_TERMLEN; j++) {
			if (j >= t->len && (t->mask[j] || t->val[j]))
				return -XE_INVAL;
			if (t->val[j] & ~t->mask[j])
				return -XE_INVAL;
			if (j < t->len && t->mask[j]) {
				n.off[n.n] = (uint16_t)(t->off + j);
				n.mask[n.n] = t->mask[j];
				n.val[n.n] = t->val[j];
				n.bits += popcount8(t->mask[j]);
				n.n++;
			}
		}
		end = (uint32_t)t->off + t->len;
	}
	n.minlen = (uint16_t)end;
	if (out)
		*out = n;
	return 0;
}

int
pf_disjoint(const struct pf_norm *a, const struct pf_norm *b)
{
	unsigned i = 0, j = 0;

	while (i < a->n && j < b->n) {
		if (a->off[i] < b->off[j])
			i++;
		else if (a->off[i] > b->off[j])
			j++;
		else {
			if (a->mask[i] & b->mask[j] & (a->val[i] ^ b->val[j]))
				return 1;
			i++, j++;
		}
	}
	return 0;
}

int
pf_subset(const struct pf_norm *a, const struct pf_norm *b)
{
	unsigned i = 0, j;

	for (j = 0; j < b->n; j++) {
		while (i < a->n && a->off[i] < b->off[j])
			i++;
		if (i == a->n || a->off[i] != b->off[j])
			return 0;
		if ((a->mask[i] & b->mask[j]) != b->mask[j] ||
		    (a->val[i] & b->mask[j]) != b->val[j])
			return 0;
	}
	return 1;
}

/* ---- The trie -------------------------------------------------------- */

static uint64_t
pack(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

static unsigned
edge_hash(int test, uint64_t val)
{
	uint64_t h = (val + (uint64_t)test * 0x9e3779b97f4a7c15ULL) *
	    0xff51afd7ed558ccdULL;

	return (unsigned)(h >> 40) & (PF_NEDGES - 1);
}

/* The state test t leads to for val, or -1. */
static int
edge_find(const struct pf_set *s, int t, uint64_t val)
{
	unsigned h = edge_hash(t, val), k;

	for (k = 0; k < PF_NEDGES; k++, h = (h + 1) & (PF_NEDGES - 1)) {
		const struct pf_edge *e = &s->edge[h];

		if (e->test < 0)
			return -1;
		if (e->test == t && e->val == val)
			return e->child;
	}
	return -1;
}

static int
edge_add(struct pf_set *s, int t, uint64_t val, int child)
{
	unsigned h = edge_hash(t, val), k;

	for (k = 0; k < PF_NEDGES; k++, h = (h + 1) & (PF_NEDGES - 1)) {
		if (s->edge[h].test < 0) {
			s->edge[h].test = (int16_t)t;
			s->edge[h].child = (int16_t)child;
			s->edge[h].val = val;
			return 0;
		}
	}
	return -XE_NOMEM;               /* cannot happen: 4 slots per test */
}

static int
new_state(struct pf_set *s)
{
	if (s->nstates >= PF_NSTATES)
		return -1;
	s->state[s->nstates].filter = -1;
	s->state[s->nstates].tests = -1;
	return (int)s->nstates++;
}

/* The test (off, len, mask) made from state st, created if new. */
static int
state_test(struct pf_set *s, int st, const struct xok_pf_term *term)
{
	int t, last = -1;

	for (t = s->state[st].tests; t >= 0; last = t, t = s->test[t].next)
		if (s->test[t].off == term->off && s->test[t].len == term->len &&
		    __builtin_memcmp(s->test[t].mask, term->mask,
		    XOK_PF_TERMLEN) == 0)
			return t;
	if (s->ntests >= PF_NTESTS)
		return -1;
	t = (int)s->ntests++;
	s->test[t].off = term->off;
	s->test[t].len = term->len;
	s->test[t].pad = 0, s->test[t].pad2 = 0;
	s->test[t].next = -1;
	__builtin_memcpy(s->test[t].mask, term->mask, XOK_PF_TERMLEN);
	if (last < 0)
		s->state[st].tests = (int16_t)t;
	else
		s->test[last].next = (int16_t)t;
	return t;
}

static int
trie_insert(struct pf_set *s, int id)
{
	const struct xok_pf *f = &s->e[id].f;
	uint32_t i;
	int st = 0, t, c;

	for (i = 0; i < f->nterms; i++) {
		uint64_t v = pack(f->t[i].val, f->t[i].len);

		if ((t = state_test(s, st, &f->t[i])) < 0)
			return -XE_NOMEM;
		if ((c = edge_find(s, t, v)) < 0) {
			if ((c = new_state(s)) < 0 || edge_add(s, t, v, c) < 0)
				return -XE_NOMEM;
		}
		st = c;
	}
	s->state[st].filter = (int16_t)id;
	return 0;
}

static void
trie_build(struct pf_set *s)
{
	unsigned i;

	s->nstates = 0, s->ntests = 0;
	for (i = 0; i < PF_NEDGES; i++)
		s->edge[i].test = -1;
	new_state(s);                   /* the root, 0 */
	for (i = 0; i < XOK_PF_NFILTERS; i++)
		if (s->e[i].used)
			trie_insert(s, (int)i); /* fits: sized for the table */
}

void
pf_init(struct pf_set *s)
{
	unsigned i;

	for (i = 0; i < XOK_PF_NFILTERS; i++)
		s->e[i].used = 0;
	s->nfilters = 0;
	trie_build(s);
}

int
pf_add(struct pf_set *s, const struct xok_pf *f, uint32_t owner,
    int override)
{
	struct pf_norm n;
	int i, id = -1, inner = -1, err;

	if ((err = pf_verify(f, &n)) < 0)
		return err;
	for (i = 0; i < XOK_PF_NFILTERS; i++) {
		const struct pf_entry *o = &s->e[i];
		int in, out;

		if (!o->used) {
			if (id < 0)
				id = i;
			continue;
		}
		if (pf_disjoint(&n, &o->n))
			continue;
		in = pf_subset(&n, &o->n);      /* new inside old */
		out = pf_subset(&o->n, &n);     /* old inside new */
		if (in && out)
			return -XE_BUSY;        /* the same filter */
		if (!in && !out)
			return -XE_BUSY;        /* ambiguous overlap */
		/* The filters around the new one are nested: the innermost
		 * gets its frames now. */
		if (in && (inner < 0 || o->n.bits > s->e[inner].n.bits))
			inner = i;
	}
	if (inner >= 0 && s->e[inner].owner != owner && !override)
		return -XE_PERM;                /* takes the other's traffic */
	if (id < 0)
		return -XE_NOMEM;
	s->e[id].used = 1;
	s->e[id].owner = owner;
	s->e[id].f = *f;
	s->e[id].n = n;
	s->nfilters++;
	trie_build(s);
	return id;
}

int
pf_remove(struct pf_set *s, int id)
{
	if (id < 0 || id >= XOK_PF_NFILTERS || !s->e[id].used)
		return -XE_NOENT;
	s->e[id].used = 0;
	s->nfilters--;
	trie_build(s);
	return 0;
}

static uint64_t
frame_val(const uint8_t *frame, const struct pf_test *t)
{
	uint8_t b[XOK_PF_TERMLEN];
	unsigned i;

	for (i = 0; i < t->len; i++)
		b[i] = frame[t->off + i] & t->mask[i];
	return pack(b, t->len);
}

/* Depth-first through the states the frame reaches; depth <= nterms. */
static void
walk(const struct pf_set *s, int st, const uint8_t *frame, size_t len,
    int *best, unsigned *steps)
{
	int t, f = s->state[st].filter, c;

	if (f >= 0 && (*best < 0 || s->e[f].n.bits > s->e[*best].n.bits))
		*best = f;
	for (t = s->state[st].tests; t >= 0; t = s->test[t].next) {
		const struct pf_test *tt = &s->test[t];

		(*steps)++;
		if ((size_t)tt->off + tt->len > len)
			continue;
		if ((c = edge_find(s, t, frame_val(frame, tt))) >= 0)
			walk(s, c, frame, len, best, steps);
	}
}

int
pf_match(const struct pf_set *s, const uint8_t *frame, size_t len,
    unsigned *steps)
{
	unsigned n = 0;
	int best = -1;

	walk(s, 0, frame, len, &best, &n);
	if (steps)
		*steps = n;
	return best;
}

static int
norm_match(const struct pf_norm *n, const uint8_t *frame, size_t len)
{
	unsigned i;

	if (len < n->minlen)
		return 0;
	for (i = 0; i < n->n; i++)
		if ((frame[n->off[i]] & n->mask[i]) != n->val[i])
			return 0;
	return 1;
}

int
pf_match_linear(const struct pf_set *s, const uint8_t *frame, size_t len)
{
	int i, best = -1;

	for (i = 0; i < XOK_PF_NFILTERS; i++)
		if (s->e[i].used && norm_match(&s->e[i].n, frame, len) &&
		    (best < 0 || s->e[i].n.bits > s->e[best].n.bits))
			best = i;
	return best;
}

int
pf_undecided(const struct pf_set *s, const uint8_t *frame, size_t len,
    size_t total, uint32_t owner)
{
	const struct pf_norm *n;
	unsigned i, k;

	for (i = 0; i < XOK_PF_NFILTERS; i++) {
		n = &s->e[i].n;
		if (!s->e[i].used || s->e[i].owner == owner ||
		    n->minlen <= len || n->minlen > total)
			continue;
		for (k = 0; k < n->n; k++)
			if (n->off[k] < len &&
			    (frame[n->off[k]] & n->mask[k]) != n->val[k])
				break;
		if (k == n->n)
			return 1;
	}
	return 0;
}
