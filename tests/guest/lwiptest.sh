#!/bin/bash
# lwiptest.sh: boot lwiptest.elf (the lwIP echo server at guest port
# 7777) with a virtio-net card on QEMU's user-mode network, host port
# HP forwarded to it; tests/guest/lwipclient.py drives it from the host
# while QEMU runs.  The guest's and the client's PASS/FAIL lines are
# both counted.  Run by scripts/run-tests with KERNEL and ACCEL set.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/lwiptest.elf"
hp=$((20000 + ($$ % 20000)))
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lwiptest.XXXXXX")
client=""
cleanup() {
	[ -n "$client" ] && kill "$client" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

python3 "$(dirname "$0")/lwipclient.py" "$hp" > "$tmp/client" 2>&1 &
client=$!
to=90
[ "${ACCEL:-tcg}" = kvm ] && to=600
scripts/qemu --accel "${ACCEL:-tcg}" --test --timeout "${QEMU_TIMEOUT:-$to}" \
	--net "hostfwd=tcp:127.0.0.1:$hp-:7777" "$kernel" "$elf"
rc=$?
# The client ends by itself once the guest is done; if the guest died,
# it is stopped here.
for i in $(seq 50); do
	kill -0 "$client" 2>/dev/null || break
	sleep 0.1
done
kill "$client" 2>/dev/null
wait "$client"
crc=$?
client=""
cat "$tmp/client"
if [ $crc -ne 0 ]; then
	echo "FAIL: host client (status $crc)"
	[ $rc -eq 0 ] && rc=1
fi
exit $rc
