#!/bin/bash
# nettest.sh: boot nettest.elf with a virtio-net card on QEMU's user-mode
# network.  Host UDP ports HA and HB are forwarded to guest ports 5555
# and 5556; while the guest runs, this script sends "A:<sink>" to HA and
# "B:<sink>" to HB, and listens on 127.0.0.1:<sink> for the datagram the
# guest sends to 10.0.2.2:<sink>.  A second boot (xok.netnonsense) feeds
# the driver one malformed completion.  Run by scripts/run-tests with
# KERNEL and ACCEL set; prints PASS/FAIL lines and ALL-DONE.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/nettest.elf"
base=$((20000 + ($$ % 20000)))
ha=$base hb=$((base + 1)) sink=$((base + 2))
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nettest.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The sink: every datagram to 127.0.0.1:$sink, appended to a file.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(2048) + b"\n")
' "$sink" "$tmp/sink" &
pids+=($!)

# The sender, until the guest is done.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ha, hb, sink = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
while True:
    s.sendto(("A:%s" % sink).encode(), ("127.0.0.1", ha))
    s.sendto(("B:%s" % sink).encode(), ("127.0.0.1", hb))
    time.sleep(0.2)
' "$ha" "$hb" "$sink" &
pids+=($!)

scripts/qemu --accel "${ACCEL:-tcg}" --test \
	--net "hostfwd=udp:127.0.0.1:$ha-:5555,hostfwd=udp:127.0.0.1:$hb-:5556" \
	"$kernel" "$elf"
rc=$?
sleep 0.3
if grep -q '^xok-net-hello$' "$tmp/sink" 2>/dev/null; then
	echo "PASS: the host received the guest's datagram"
else
	echo "FAIL: the host received no datagram from the guest"
	rc=1
fi
if grep -q '^xok-net-zerocopy$' "$tmp/sink" 2>/dev/null; then
	echo "PASS: the host received the guest's zero-copy datagram intact"
else
	echo "FAIL: the host received no zero-copy datagram (or a damaged one)"
	rc=1
fi
[ $rc -eq 0 ] || exit $rc

# One malformed receive completion: the card is reset and still works.
scripts/qemu --accel "${ACCEL:-tcg}" --test --append xok.netnonsense \
	--net "" "$kernel" "$elf reset"
