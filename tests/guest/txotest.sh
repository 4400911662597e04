#!/bin/bash
# txotest.sh: boot txotest.elf (NET_TRANSMITO's checks, xok/nettxo.c)
# on QEMU's user-mode network, whose card offers no offload, then -- with
# root and `ip` -- on a tap device in a network namespace of the
# script's own, whose card offers checksum offload and TSO, and once
# more there with csum=off,host_tso4=off,guest_csum=off.  Run by scripts/run-tests with
# KERNEL and ACCEL set; prints PASS/FAIL lines.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/txotest.elf"
scripts/qemu --accel "${ACCEL:-tcg}" --test --net "" "$kernel" \
	"$elf none" || rc=1
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "txotest: needs root and ip for the tap boots: not run"
	exit ${rc:-0}
fi
ns=xoktxo$$
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip netns add "$ns" || exit 1
for c in "link set lo up" "tuntap add dev xtap0 mode tap" \
    "addr add 10.0.2.2/24 dev xtap0" "link set xtap0 up"; do
	ip netns exec "$ns" ip $c || exit 1
done
ip netns exec "$ns" scripts/qemu --accel "${ACCEL:-tcg}" --test \
	--tap xtap0 "$kernel" "$elf offload" || rc=1
ip netns exec "$ns" scripts/qemu --accel "${ACCEL:-tcg}" --test \
	--tap xtap0 --nic csum=off,host_tso4=off,guest_csum=off "$kernel" "$elf none" || rc=1
exit ${rc:-0}
