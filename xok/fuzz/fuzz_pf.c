/*
 * fuzz_pf.c: libFuzzer target over the packet filters (xok/pf.c): the
 * input is a program of operations on one filter set -- install a filter
 * made of the next bytes (often malformed), remove an id, demultiplex a
 * frame made of the next bytes (and its mirror image, pfmirror.c, which
 * must be its own inverse).  After every operation the set must keep
 * its invariant (installed filters pairwise disjoint or nested, each one
 * verified) and the trie must agree with a linear scan on the frame.
 * Any disagreement aborts (a crash for libFuzzer); ASan and UBSan catch
 * reads outside the frame or the tables.  `make fuzz-pf`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pf.h"

static struct pf_set set;

static void
check_invariant(void)
{
	int i, j;

	for (i = 0; i < XOK_PF_NFILTERS; i++) {
		if (!set.e[i].used)
			continue;
		if (pf_verify(&set.e[i].f, NULL) != 0)
			abort();
		for (j = i + 1; j < XOK_PF_NFILTERS; j++) {
			const struct pf_norm *a = &set.e[i].n, *b = &set.e[j].n;

			if (set.e[j].used && !pf_disjoint(a, b) &&
			    pf_subset(a, b) == pf_subset(b, a))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	pf_init(&set);
	while (pos < size) {
		uint8_t op = data[pos++];

		switch (op % 3) {
		case 0: {                       /* install */
			struct xok_pf f;
			size_t n = sizeof(f) < size - pos ? sizeof(f) : size - pos;

			memset(&f, 0, sizeof(f));
			/* small shapes are likelier to be valid */
			if (op & 0x80) {
				memcpy(&f, data + pos, n);
			} else {
				unsigned k, nt = 1 + (op >> 3) % 4;

				f.nterms = nt;
				for (k = 0; k < nt && pos + 4 <= size; k++) {
					struct xok_pf_term *t = &f.t[k];

					t->off = (uint16_t)(k * 6 + data[pos] % 6);
					t->len = (uint8_t)(1 + data[pos + 1] % 2);
					t->mask[0] = data[pos + 2] | 1;
					t->mask[t->len - 1] |= 1;
					t->val[0] = data[pos + 3] & t->mask[0];
					pos += 4;
				}
				n = 0;
			}
			pos += n;
			int r = pf_add(&set, &f, 1 + (op >> 5) % 3, op & 0x40);
			if (r >= XOK_PF_NFILTERS || (r < 0 && r != -XE_INVAL &&
			    r != -XE_BUSY && r != -XE_PERM && r != -XE_NOMEM))
				abort();
			break;
		}
		case 1:                         /* remove */
			if (pos < size)
				pf_remove(&set, (int)(int8_t)data[pos++]);
			break;
		case 2: {                       /* demultiplex */
			uint8_t *fr;
			size_t len = size - pos;

			if (len > XOK_NET_FRAME_MAX)
				len = XOK_NET_FRAME_MAX;
			fr = malloc(len ? len : 1);     /* exact size: ASan */
			if (!fr)
				return 0;
			memcpy(fr, data + pos, len);
			if (pf_match(&set, fr, len, NULL) !=
			    pf_match_linear(&set, fr, len))
				abort();
			/* the transmit check's mirror: in bounds, its own
			   inverse, and demultiplexed alike by both */
			{
				uint8_t *m = malloc(len ? len : 1);
				uint8_t *mm = malloc(len ? len : 1);

				if (!m || !mm)
					abort();
				pf_mirror(fr, len, m);
				pf_mirror(m, len, mm);
				if (memcmp(mm, fr, len) != 0 ||
				    pf_match(&set, m, len, NULL) !=
				    pf_match_linear(&set, m, len))
					abort();
				free(m);
				free(mm);
			}
			free(fr);
			pos += len < 64 ? len : 64;
			break;
		}
		}
		check_invariant();
	}
	return 0;
}
