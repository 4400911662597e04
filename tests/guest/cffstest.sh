#!/bin/bash
# cffstest.sh: C-FFS in the guest, over XN's kernel calls, on a virtio
# disk, across a power-off; then the host's tools check the image.
# Boots cffstest twice on one fresh 32 MiB image (phase 1 makes and fills
# the file system, phase 2 checks it and changes a little), then runs
# fsck.cffs -n and cffs cat on it.  Run by scripts/run-tests with KERNEL
# and ACCEL set.
set -u
kernel=${KERNEL:-build/xok/xok.bin}
accel=${ACCEL:-tcg}
build="$(dirname "$(dirname "$kernel")")"
elf="$build/tests/cffstest.elf"
img=$(mktemp "${TMPDIR:-/tmp}/cffstest.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 32M "$img"
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf 1" || exit $?
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf 2" || exit $?

fail=0
check() {       # check NAME STATUS
	if [ "$2" -eq 0 ]; then echo "PASS: host: $1"
	else echo "FAIL: host: $1"; fail=1; fi
}
fsck="$build/cffs/fsck.cffs" cffs="$build/cffs/cffs"
out=$("$fsck" -n "$img" 2>&1); rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
check "fsck.cffs -n exits 0 (got $rc)" $rc
out=$("$fsck" -n -x "$img" 2>&1); rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
check "fsck.cffs -n -x (XN view = free map) exits 0 (got $rc)" $rc
[ "$("$cffs" "$img" cat /b/moved)" = "small file, written in the guest over XN" ]
check "cffs cat /b/moved" $?
[ "$("$cffs" "$img" cat /a/hard)" = "small file, written in the guest over XN" ]
check "cffs cat /a/hard" $?
[ "$("$cffs" "$img" cat /b/p2)" = "written by phase 2" ]
check "cffs cat /b/p2" $?
cmp -s <("$cffs" "$img" cat /a/big) <(seq -f 'big %06g' 0 9999 | head -c 100000)
check "cffs cat /a/big: 100000 bytes as written" $?
[ "$("$cffs" "$img" ls /a | awk '{print $NF}' | sort | tr '\n' ' ')" = "big hard sym " ]
check "cffs ls /a" $?
echo ALL-DONE
exit $fail
