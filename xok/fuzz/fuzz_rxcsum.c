/*
 * fuzz_rxcsum.c: libFuzzer target over the receive path's reading of
 * the virtio-net header (xok/rxcsum.c, the kernel's own code): the
 * input is a header (flags, gso_type, csum_start, csum_offset) and a
 * frame of 14..1514 bytes, optionally patched towards an IPv4 TCP or
 * UDP datagram with its sum left partial so that the flagging paths
 * are reached.  The frame is a heap copy of exactly its length (ASan
 * catches a read or write past it).  rx_csum must keep the promises
 * ring owners rely on: a refusal changes nothing; otherwise only the
 * two bytes of the field it completes change; a flag only for an
 * unfragmented IPv4 TCP or UDP datagram inside the frame, and, for a
 * completed partial sum, only when the datagram's TCP or UDP checksum
 * is then right.  Any broken promise aborts.  `make fuzz-rxcsum`
 * (part of `make fuzz-net`).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rxcsum.h"
#include "../../tests/inetsum.h"

/* Make f an IPv4 TCP (even k) or UDP datagram of the whole frame with
 * its sum partial, and vh ask for it; mostly right, sometimes not. */
static void
shape(uint8_t *f, size_t len, struct vnet_hdr *vh, unsigned k)
{
	size_t ihl = 20 + 4 * (k >> 4 & 3), tot = len - 14 - (k >> 6 & 3);
	size_t fld = k & 1 ? 6 : 16;
	uint16_t p;

	if (len < 14 + ihl + 20 + 4)
		return;
	f[12] = 0x08, f[13] = 0x00;
	f[14] = (uint8_t)(0x40 | ihl / 4);
	f[16] = (uint8_t)(tot >> 8), f[17] = (uint8_t)tot;
	f[20] &= k & 2 ? 0xff : 0x40;           /* sometimes a fragment */
	f[21] = k & 2 ? f[21] : 0;
	f[23] = k & 1 ? 17 : 6;
	p = inet_fold(inet_add(f + 26, 8, f[23] + (uint32_t)(tot - ihl)));
	f[14 + ihl + fld] = (uint8_t)(p >> 8);
	f[14 + ihl + fld + 1] = (uint8_t)p;
	vh->flags = (uint8_t)(VNET_HDR_F_NEEDS_CSUM | (vh->flags & 0xfe));
	if (!(k & 4)) {
		vh->csum_start = (uint16_t)(14 + ihl);
		vh->csum_offset = (uint16_t)fld;
	}
	if (!(k & 8))
		vh->gso_type = VNET_GSO_NONE;
}

/* Is the datagram a flag may be given to, and (for a completed sum)
 * its checksum right? */
static int
flag_ok(const uint8_t *f, size_t len, int completed)
{
	size_t ihl, tot;

	if (len < 34 || f[12] != 0x08 || f[13] != 0 || (f[14] >> 4) != 4)
		return 0;
	ihl = (f[14] & 15) * 4u;
	tot = (size_t)f[16] << 8 | f[17];
	if (ihl < 20 || (f[20] & 0x3f) || f[21] || (f[23] != 6 &&
	    f[23] != 17) || tot < ihl + (f[23] == 6 ? 20 : 8) ||
	    14 + tot > len)
		return 0;
	if (!completed)
		return 1;
	return inet_fold(inet_add(f + 14 + ihl, tot - ihl, inet_add(f + 26, 8, f[23] +
	    (uint32_t)(tot - ihl)))) == 0xffff;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_hdr vh;
	uint8_t *f, *ref;
	size_t len, i, at;
	unsigned k;
	int r;

	if (size < 8 + XOK_NET_FRAME_MIN)
		return 0;
	vh.flags = data[0];
	vh.gso_type = data[1] & 0x81 ? data[1] : 0;
	vh.hdr_len = vh.gso_size = 0;
	vh.csum_start = (uint16_t)(data[2] | data[3] << 8);
	vh.csum_offset = (uint16_t)(data[4] | data[5] << 8);
	k = data[6] | data[7] << 8;
	len = size - 8;
	if (len > XOK_NET_FRAME_MAX)
		len = XOK_NET_FRAME_MAX;
	f = malloc(len);
	ref = malloc(len);
	if (f == NULL || ref == NULL)
		abort();
	memcpy(f, data + 8, len);
	if (k & 0x100)
		shape(f, len, &vh, k);
	memcpy(ref, f, len);
	r = rx_csum(f, len, &vh);
	if (r < 0) {
		if (r != -XE_INVAL || memcmp(f, ref, len) != 0)
			abort();
	} else {
		if (r & ~XOK_NET_RX_CSUM_OK)
			abort();
		at = vh.csum_start + (size_t)vh.csum_offset;
		for (i = 0; i < len; i++)
			if (f[i] != ref[i] && (!(vh.flags &
			    VNET_HDR_F_NEEDS_CSUM) || i < at || i > at + 1))
				abort();
		if ((vh.flags & VNET_HDR_F_NEEDS_CSUM) && at + 2 > len)
			abort();
		if (r && !flag_ok(f, len, vh.flags & VNET_HDR_F_NEEDS_CSUM))
			abort();
	}
	free(f);
	free(ref);
	return 0;
}
