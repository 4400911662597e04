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
. "$(dirname "$0")/tapns.sh"
if ! tapns_usable; then
	echo "txotest: needs root and ip for the tap boots: not run"
	exit ${rc:-0}
fi
tapns_up xoktxo || exit 1
in_ns scripts/qemu --accel "${ACCEL:-tcg}" --test \
	--tap xtap0 "$kernel" "$elf offload" || rc=1
in_ns scripts/qemu --accel "${ACCEL:-tcg}" --test \
	--tap xtap0 --nic csum=off,host_tso4=off,guest_csum=off "$kernel" "$elf none" || rc=1
exit ${rc:-0}
