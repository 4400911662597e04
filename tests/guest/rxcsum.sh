#!/bin/bash
# rxcsum.sh: receive checksum offload (VIRTIO_NET_F_GUEST_CSUM,
# xok/rxcsum.c; docs/NETWORK.md, "Receive checksum offload").  Boots
# rxcsumtest.elf on a tap device in a network namespace of the script's
# own, with the kernel's test word xok.netbadhdr, while
# rxcsumsend.py sends it UDP datagrams from the host's stack (partial
# sums), raw frames with right and wrong sums, and raw frames with a
# partial sum and a virtio-net header of the sender's own: once on a
# card with receive checksum offload (the guest's kernel completes and
# flags; the first 7 partial frames get hostile offsets from the test
# word and are dropped and counted, no reset), once with
# guest_csum=off (nothing flagged; the host's kernel completed the
# sums).  Needs root and `ip`; without them it says so and passes
# nothing.  Run by scripts/run-tests with KERNEL and ACCEL set.
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
elf="$(dirname "$(dirname "$kernel")")/tests/rxcsumtest.elf"
. "$(dirname "$0")/tapns.sh"
if ! tapns_usable; then
	echo "rxcsum: needs root and ip (a tap in a namespace): not run"
	exit 0
fi
tmp=$(mktemp -d /tmp/rxcsum.XXXXXX)
tapns_tmp=$tmp
tapns_up xokrxc noipv6 || exit 1
here=$(dirname "$0")
rc=0
for mode in offload none; do
	nic=""
	[ $mode = none ] && nic="guest_csum=off"
	echo "rxcsum: the card with $mode"
	: > "$tmp/guest"
	in_ns python3 "$here/rxcsumsend.py" xtap0 "$tmp/guest" \
		> "$tmp/sender" 2>&1 &
	sender=$!
	in_ns scripts/qemu --accel "${ACCEL:-tcg}" --test \
		--timeout "${QEMU_TIMEOUT:-150}" --tap xtap0 ${nic:+--nic $nic} \
		--append xok.netbadhdr "$kernel" "$elf $mode" \
		> "$tmp/guest" 2>&1
	grc=$?
	wait "$sender"
	src=$?
	cat "$tmp/guest" "$tmp/sender"
	[ $grc -ne 0 ] && rc=1
	if [ $src -ne 0 ]; then
		echo "FAIL: host sender (status $src)"
		rc=1
	fi
done
exit $rc
