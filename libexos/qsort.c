/*
 * qsort.c: sorting for the libOS (a stand-in until musl, a later
 * issue).  Insertion sort for short arrays, heapsort otherwise: O(n log n)
 * in the worst case, no recursion, no extra memory.  Not stable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
swap(unsigned char *a, unsigned char *b, size_t size)
{
	unsigned char t;
	uint64_t w, v;

	for (; size >= 8; size -= 8, a += 8, b += 8) {
		__builtin_memcpy(&w, a, 8);
		__builtin_memcpy(&v, b, 8);
		__builtin_memcpy(a, &v, 8);
		__builtin_memcpy(b, &w, 8);
	}
	while (size--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Sift element i down the heap of n elements. */
static void
sift(unsigned char *base, size_t i, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && cmp(base + c * size, base + (c + 1) * size) < 0)
			c++;
		if (cmp(base + i * size, base + c * size) >= 0)
			return;
		swap(base + i * size, base + c * size, size);
		i = c;
	}
}

void
qsort(void *b, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *base = b;
	size_t i, j;

	if (n < 2 || size == 0)
		return;
	if (n <= 16) {
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && cmp(base + (j - 1) * size,
			    base + j * size) > 0; j--)
				swap(base + (j - 1) * size, base + j * size, size);
		return;
	}
	for (i = n / 2; i-- > 0;)
		sift(base, i, n, size, cmp);
	for (i = n - 1; i > 0; i--) {
		swap(base, base + i * size, size);
		sift(base, 0, i, size, cmp);
	}
}
