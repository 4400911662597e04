/*
 * nettxo.c: NET_TRANSMITO, a gathered transmit (NET_TRANSMITV, nettx.c)
 * with the card's help: TCP checksum offload and TCP segmentation of
 * IPv4 super-frames (TSO), docs/NETWORK.md, "Transmit offload".
 *
 * The caller asks with one scalar word (nothing to read from user
 * memory, so nothing to trust twice): XOK_NET_TXO_CSUM, and
 * XOK_NET_TXO_TSO with a segment size.  The header checks, and the
 * virtio-net header and pseudo-header sum they produce, are in
 * txocheck.c (pure, so also fuzzed on the host: `make fuzz-net`); this
 * file counts their refusals.  The source check (nettx.c) has already
 * passed on the same head: a super-frame speaks only for the sender's
 * own connection, and every segment the card cuts from it carries the
 * same addresses and ports.
 */
#include "kern.h"
#include "nettxo.h"

static int
refuse(void)
{
	info->net.tx_offload_refused++;
	return -XE_INVAL;
}

/* txocheck.c's checks, a refusal counted. */
int
nettxo_check(uint8_t *head, uint64_t hl, uint64_t total, uint64_t offload,
    struct vnet_hdr *vh)
{
	if (txo_check(head, hl, total, offload, vh) < 0)
		return refuse();
	return 0;
}

void
nettxo_count(const struct vnet_hdr *vh)
{
	info->net.tx_csum++;
	if (vh->gso_type != VNET_GSO_NONE)
		info->net.tx_tso++;
}

/*
 * NET_TRANSMITO(slot, v, n, done, offload): NET_TRANSMITV (every check
 * of it, the source check included) with the offload word's help from
 * the card.  0, or -XE_*: -XE_INVAL for a word or headers txocheck.c
 * refuses (nothing is sent), -XE_NODEV when the card did not
 * agree to that offload (the caller sends the ordinary way): the
 * driver says so last (vnet_sendv), so every refusal above is the same
 * on every card.
 */
int64_t
sys_net_transmito(uint64_t slot, uaddr_t uv, uint64_t n, uaddr_t done,
    uint64_t offload)
{
	if (offload == 0)
		return refuse();
	return nettx_gather(slot, uv, n, done, offload);
}
