#!/bin/bash
# cheetah.sh: boot Cheetah (build/cheetah/cheetah.elf, "test" mode) with
# a document tree made by tests/guest/cheetahclient.py, served from a
# C-FFS image of it (scripts/cheetah-image) on the disk; the client
# fetches and compares every file from the host through QEMU's
# forwarded port, then the malformed and hostile cases (with
# CHEETAH_ROBUST=1 also 200 and 300 connections at once, 400 half-open,
# a second environment evicting the documents, 10,000 SYNs:
# tests/guest/cheetahload.sh), and ends the run with /.cheetah/quit.  The guest's and the
# client's PASS/FAIL lines are both counted.  CHEETAH_NO=LETTERS runs it
# with techniques switched off (docs/CHEETAH.md).  Run by
# scripts/run-tests with KERNEL and ACCEL set.
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
elf="$(dirname "$(dirname "$kernel")")/cheetah/cheetah.elf"
hp=$((20000 + ($$ % 20000)))
tmp=$(mktemp -d /tmp/chtest.XXXXXX)
client=""
cleanup() {
	[ -n "$client" ] && kill "$client" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

here=$(dirname "$0")
mkdir "$tmp/www"
python3 "$here/cheetahclient.py" mktree "$tmp/www" || exit 1
BUILD="$(dirname "$(dirname "$kernel")")" scripts/cheetah-image "$tmp/www" "$tmp/docs.cffs" || exit 1
# the loader keeps 47 bytes of a module's command line: a short path
ln -s "$(cd "$(dirname "$elf")" && pwd)/cheetah.elf" "$tmp/cheetah.elf"
# the other user of the disk, spawned for the eviction case
ln -s "$(cd "$(dirname "$elf")" && pwd)/evictor.elf" "$tmp/evictor.elf"
args="test"
[ -n "$CHEETAH_NO" ] && args="no=$CHEETAH_NO test"
python3 "$here/cheetahclient.py" "$hp" "$tmp/www" > "$tmp/client" 2>&1 &
client=$!
to=90
[ "$CHEETAH_ROBUST" = 1 ] && to=300
[ "${ACCEL:-tcg}" = kvm ] && to=600
scripts/qemu --accel "${ACCEL:-tcg}" --test --timeout "${QEMU_TIMEOUT:-$to}" \
	--net "hostfwd=tcp:127.0.0.1:$hp-:80" --disk "$tmp/docs.cffs" \
	"$kernel" "$tmp/cheetah.elf $args" "$tmp/evictor.elf"
rc=$?
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
