/*
 * pfmirror.c: the mirror image of an outgoing frame -- the frame a reply
 * to it would be -- for the transmit check (docs/NETWORK.md,
 * "Transmit").  The kernel sends a frame only if the packet filters
 * would deliver its mirror to the sender: an environment can speak only
 * from the addresses and ports it listens on, so it cannot forge
 * another environment's connections.  Pure logic: built into the kernel
 * and into the host tests.
 *
 * What is swapped, where the frame is long enough to hold it:
 *   Ethernet       destination and source addresses (bytes 0-5, 6-11);
 *   ARP (0x0806)   sender and target hardware and protocol addresses,
 *                  and request (1) with reply (2);
 *   IPv4 (0x0800)  source and destination addresses, and for TCP and
 *                  UDP (not a later fragment) the two ports;
 *   IPv6 (0x86dd)  source and destination addresses, and for TCP and
 *                  UDP directly after the fixed header, the two ports.
 * Any other bytes are copied as they are (a VLAN tag is not looked
 * into: such a frame's mirror keeps its inner addresses).
 */
#include "pf.h"

static void
swap(uint8_t *p, size_t a, size_t b, size_t n)
{
	size_t i;
	uint8_t t;

	for (i = 0; i < n; i++) {
		t = p[a + i];
		p[a + i] = p[b + i];
		p[b + i] = t;
	}
}

/* Swap two 2-byte ports at off (source) and off + 2 (destination). */
static void
swap_ports(uint8_t *m, size_t len, size_t off)
{
	if (off + 4 <= len)
		swap(m, off, off + 2, 2);
}

size_t
pf_mirror(const uint8_t *frame, size_t len, uint8_t *m)
{
	size_t i, ihl;
	uint16_t type;

	for (i = 0; i < len; i++)
		m[i] = frame[i];
	if (len < 14)
		return len;
	swap(m, 0, 6, 6);
	type = (uint16_t)(m[12] << 8 | m[13]);
	switch (type) {
	case 0x0806:                            /* ARP */
		if (len < 42)
			break;
		swap(m, 22, 32, 6);
		swap(m, 28, 38, 4);
		if (m[20] == 0 && (m[21] == 1 || m[21] == 2))
			m[21] ^= 3;
		break;
	case 0x0800:                            /* IPv4 */
		if (len < 34 || (m[14] >> 4) != 4)
			break;
		swap(m, 26, 30, 4);
		ihl = (size_t)(m[14] & 0x0f) * 4;
		if (ihl < 20 || ((m[20] & 0x1f) | m[21]) != 0)
			break;                  /* bad header, later fragment */
		if (m[23] == 6 || m[23] == 17)
			swap_ports(m, len, 14 + ihl);
		break;
	case 0x86dd:                            /* IPv6 */
		if (len < 54 || (m[14] >> 4) != 6)
			break;
		swap(m, 22, 38, 16);
		if (m[20] == 6 || m[20] == 17)
			swap_ports(m, len, 54);
		break;
	}
	return len;
}
