/*
 * rxcsum.c: receive checksum offload (VIRTIO_NET_F_GUEST_CSUM), apart
 * from the driver so that the host's unit tests run the very code the
 * kernel does.  docs/NETWORK.md, "Receive checksum offload".
 *
 * With GUEST_CSUM the card may mark a received frame:
 *
 *   DATA_VALID: the device checked the frame's TCP or UDP checksum;
 *   NEEDS_CSUM: the checksum is partial (a frame from the host's own
 *     stack over a tap): the field at csum_start + csum_offset holds
 *     the pseudo-header sum, and the one's-complement sum from
 *     csum_start to the end of the frame, complemented and stored
 *     there, makes it whole.  The device validated what precedes it.
 *
 * No ring owner ever sees a partial sum: the kernel completes it here,
 * in its own receive buffer, before the frame is copied into a ring, so
 * a libOS that ignores the flags checks a whole, right sum.  The offsets
 * are the device's numbers and are checked against the frame: a field
 * or a start outside it, or a segmentation type the driver did not
 * negotiate, and the frame is dropped (the driver counts it in
 * rx_badhdr), never read past, never a reset: it may be the sender's
 * doing as much as the device's.
 *
 * The slot's flag XOK_NET_RX_CSUM_OK says "the TCP or UDP checksum of
 * this IPv4 datagram is right, skip it": set only for an unfragmented
 * IPv4 TCP or UDP datagram whose headers lie inside the frame, marked
 * DATA_VALID, or NEEDS_CSUM with exactly its L4 checksum field
 * completed over exactly its L4 bytes (any padding after the datagram
 * zero, so it added nothing).  A fragment never gets it (its checksum
 * covers the whole datagram), nor the IP header's own checksum (Linux
 * too checks that in software): a libOS still checks those.
 */
#include "rxcsum.h"

#define ETH     14

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Is the frame an unfragmented IPv4 TCP or UDP datagram with its
 * headers inside the frame?  Then *l4 is where its TCP or UDP header
 * starts, *field its checksum field's offset in that header and *end
 * the end of the datagram.
 */
static int
l4_of(const uint8_t *f, size_t len, size_t *l4, size_t *field, size_t *end)
{
	size_t ihl, tot, need;

	if (len < ETH + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    (f[14] >> 4) != 4)
		return 0;
	ihl = (f[14] & 15) * 4u;
	tot = get16(f + 16);
	if (ihl < 20 || (f[20] & 0x3f) != 0 || f[21] != 0)
		return 0;               /* short header, MF or an offset */
	if (f[23] == 6) {
		*field = 16;
		need = 20;
	} else if (f[23] == 17) {
		*field = 6;
		need = 8;
	} else
		return 0;
	if (tot < ihl + need || ETH + tot > len)
		return 0;
	*l4 = ETH + ihl;
	*end = ETH + tot;
	return 1;
}

/* The one's-complement sum of f[from..to), folded, complemented; 0
 * becomes 0xffff (the same number, and UDP's "no checksum" is 0). */
static uint16_t
fold_sum(const uint8_t *f, size_t from, size_t to)
{
	uint32_t s = 0;
	size_t i;

	for (i = from; i + 1 < to; i += 2)
		s += get16(f + i);
	if (i < to)
		s += (uint32_t)f[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	return s == 0 ? 0xffff : (uint16_t)s;
}

int
rx_csum(uint8_t *frame, size_t len, const struct vnet_hdr *vh)
{
	size_t start = vh->csum_start, off = vh->csum_offset;
	size_t l4 = 0, field = 0, end = 0, i;
	int ok;
	uint16_t s;

	if (vh->gso_type != VNET_GSO_NONE)
		return -XE_INVAL;       /* no receive segmentation agreed */
	ok = l4_of(frame, len, &l4, &field, &end);
	if (!(vh->flags & VNET_HDR_F_NEEDS_CSUM))
		return vh->flags & VNET_HDR_F_DATA_VALID && ok ?
		    XOK_NET_RX_CSUM_OK : 0;
	if (start >= len || off + 2 > len - start)
		return -XE_INVAL;       /* the field past the frame */
	s = fold_sum(frame, start, len);
	frame[start + off] = (uint8_t)(s >> 8);
	frame[start + off + 1] = (uint8_t)s;
	if (!ok || start != l4 || off != field)
		return 0;               /* some other sum: the libOS checks */
	for (i = end; i < len; i++)
		if (frame[i] != 0)
			return 0;       /* padding was summed too */
	return XOK_NET_RX_CSUM_OK;
}

void
rx_nonsense(struct vnet_hdr *vh, size_t len, unsigned k)
{
	uint16_t n = (uint16_t)len;

	vh->flags = VNET_HDR_F_NEEDS_CSUM;
	vh->gso_type = VNET_GSO_NONE;
	vh->csum_start = ETH + 20;
	vh->csum_offset = 16;
	switch (k % RX_NONSENSE_KINDS) {
	case 0:                 /* start at the end */
		vh->csum_start = n;
		break;
	case 1:                 /* start at the last byte: field past */
		vh->csum_start = (uint16_t)(n - 1);
		vh->csum_offset = 0;
		break;
	case 2:                 /* the field's second byte past the end */
		vh->csum_start = ETH;
		vh->csum_offset = (uint16_t)(n - ETH - 1);
		break;
	case 3:                 /* both as large as they go */
		vh->csum_start = vh->csum_offset = 0xffff;
		break;
	case 4:                 /* a start inside, an offset far past */
		vh->csum_start = 0;
		vh->csum_offset = 0xffff;
		break;
	case 5:                 /* segmentation, not negotiated */
		vh->gso_type = VNET_GSO_TCPV4;
		break;
	case 6:                 /* past the driver's whole buffer, and
				   DATA_VALID too */
		vh->flags |= VNET_HDR_F_DATA_VALID;
		vh->csum_start = 2048;
		vh->csum_offset = 0;
		break;
	}
}
