/*
 * pf.h: packet filters: the verifier, the claim rules between filters
 * and the decision trie that demultiplexes frames (pure logic; built
 * into the kernel and for host tests and the fuzzer).  The filter
 * language is struct xok_pf in xok/abi.h; docs/NETWORK.md explains it.
 */
#ifndef XOK_PF_H
#define XOK_PF_H

#include <stddef.h>
#include <stdint.h>
#include <xok/abi.h>

#define PF_NBYTES  (XOK_PF_MAXTERMS * XOK_PF_TERMLEN)
#define PF_NTESTS  (XOK_PF_NFILTERS * XOK_PF_MAXTERMS)
#define PF_NSTATES (PF_NTESTS + 1)
#define PF_NEDGES  (4 * PF_NTESTS)      /* hash table, a power of two */

/* A verified filter as the set of bytes it constrains, by offset. */
struct pf_norm {
	uint16_t n;                     /* constrained bytes */
	uint16_t minlen;                /* shortest frame it can match */
	uint32_t bits;                  /* constrained bits: specificity */
	uint16_t off[PF_NBYTES];
	uint8_t mask[PF_NBYTES];
	uint8_t val[PF_NBYTES];
};

/* The trie: a state lists the comparisons (tests) made from it; a test
 * (off, len, mask) leads, for each value seen, to the next state through
 * a hash table of edges.  Filters with a common prefix of terms share
 * the states along it; filters differing only in a value share one test
 * and cost one hash lookup, however many they are. */
struct pf_test {
	uint16_t off;
	uint8_t len;
	uint8_t pad;
	int16_t next;                   /* next test of the same state */
	int16_t pad2;
	uint8_t mask[XOK_PF_TERMLEN];
};
struct pf_state {
	int16_t filter;                 /* the filter ending here, or -1 */
	int16_t tests;                  /* first test, or -1 */
};
struct pf_edge {
	int16_t test;                   /* -1: empty */
	int16_t child;
	uint32_t pad;
	uint64_t val;
};

struct pf_entry {
	uint32_t used;
	uint32_t owner;                 /* environment id */
	struct xok_pf f;
	struct pf_norm n;
};

struct pf_set {
	struct pf_entry e[XOK_PF_NFILTERS];
	uint32_t nfilters;
	uint32_t nstates, ntests;
	struct pf_state state[PF_NSTATES];
	struct pf_test test[PF_NTESTS];
	struct pf_edge edge[PF_NEDGES];
};

/* Check a filter and normalise it: 0 or -XE_INVAL. */
int pf_verify(const struct xok_pf *f, struct pf_norm *out);
/* Can no frame match both?  Does every frame matching a match b? */
int pf_disjoint(const struct pf_norm *a, const struct pf_norm *b);
int pf_subset(const struct pf_norm *a, const struct pf_norm *b);

/* An empty set. */
void pf_init(struct pf_set *s);
/*
 * Install f for owner: its id (0..XOK_PF_NFILTERS-1) or
 *   -XE_INVAL  the filter is malformed
 *   -XE_BUSY   it equals an installed filter, or overlaps one partly
 *              (some frames would match both, neither contains the other)
 *   -XE_PERM   the innermost installed filter around it is another
 *              owner's (it would take part of that owner's traffic) and
 *              override is 0
 *   -XE_NOMEM  XOK_PF_NFILTERS are installed
 * So any two installed filters are disjoint or nested, and a frame goes
 * to the most specific filter it matches.
 */
int pf_add(struct pf_set *s, const struct xok_pf *f, uint32_t owner,
    int override);
/* Remove filter id: 0 or -XE_NOENT. */
int pf_remove(struct pf_set *s, int id);
/* The filter a frame goes to, or -1; *steps (may be NULL) counts the
 * comparisons made. */
int pf_match(const struct pf_set *s, const uint8_t *frame, size_t len,
    unsigned *steps);
/* The same by trying every filter in turn (for tests). */
int pf_match_linear(const struct pf_set *s, const uint8_t *frame,
    size_t len);

/*
 * Of a frame of total bytes only the first len are known (frame): could
 * it go to a filter of another owner than owner that those bytes do not
 * decide?  That is, a filter with a term past len (pf_match on the len
 * bytes skips it), short enough for total, whose bytes before len all
 * match.  The source check of NET_TRANSMITV, which sees only the head
 * it copied (xok/nettx.c).
 */
int pf_undecided(const struct pf_set *s, const uint8_t *frame, size_t len,
    size_t total, uint32_t owner);

/* The mirror image of an outgoing frame of len bytes into m (len bytes):
 * the frame a reply to it would be (pfmirror.c).  Returns len. */
size_t pf_mirror(const uint8_t *frame, size_t len, uint8_t *m);

#endif
