/*
 * inetsum.h: the Internet checksum (RFC 1071), written plainly: the
 * second summing that the tests of receive checksum offload check the
 * kernel's (xok/rxcsum.c) against -- tests/host/test_rxcsum.c,
 * xok/fuzz/fuzz_rxcsum.c and the guest's tests/guest/rxcsumtest.c.
 * Header-only and freestanding, so all three include it.
 */
#ifndef TESTS_INETSUM_H
#define TESTS_INETSUM_H

#include <stddef.h>
#include <stdint.h>

/* s plus the big-endian 16-bit words of p[0..n) (an odd last byte as
 * its high half), not folded. */
static inline uint32_t
inet_add(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < n)
		s += (uint32_t)p[i] << 8;
	return s;
}

/* s folded to 16 bits with the carries added back, not complemented:
 * 0xffff for a range that holds its own right checksum. */
static inline uint16_t
inet_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

#endif
