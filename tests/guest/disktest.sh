#!/bin/bash
# tests/guest/disktest.sh: the virtio-blk driver's self-test.
#   tests/guest/disktest.sh [--accel tcg|kvm] [KERNEL [INIT.elf]]
# The self-test (xok/dev/vblk_selftest.c) is only in the test kernel
# xok-vblktest.bin, built next to KERNEL.  Makes a 16 MiB raw image whose
# sector 0 starts with "XOKVBLKT" (the test kernel tests no other disk)
# and boots the test kernel on it twice: the first boot must pass every
# "vblk" check and leave a marker, the second must also find the first
# boot's data ("persisted across reboot").  Then the production KERNEL
# on the marked disk must find the disk and run no test (the self-test
# is not in it), and the test kernel on an unmarked disk must find the
# disk and run no test.  Prints PASS/FAIL lines and exits non-zero on
# any failure.
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
init=${2:-$(dirname "$(dirname "$kernel")")/tests/boot.elf}
tkernel=$(dirname "$kernel")/xok-vblktest.bin
qemu=$(dirname "$0")/../../scripts/qemu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() {       # check OK-CONDITION-STATUS "what"
	if [ "$1" -eq 0 ]; then echo "PASS: disktest $2"
	else echo "FAIL: disktest $2"; failed=$((failed + 1)); fi
}

boot() {        # boot KERNEL IMAGE LOG
	"$qemu" --accel "$accel" --test --disk "$2" "$1" "$init" >"$3" 2>&1
}

[ -f "$tkernel" ]
check $? "test kernel $tkernel built"

img=$tmp/disk.img
truncate -s 16M "$img" || exit 2
printf 'XOKVBLKT' | dd of="$img" conv=notrunc status=none || exit 2

for n in 1 2; do
	log=$tmp/boot$n.log
	boot "$tkernel" "$img" "$log"
	rc=$?
	grep -E '^(PASS|FAIL): vblk|^vblk:' "$log"
	check $rc "boot $n exits 0"
	grep -q '^vblk: self-test done, 0 failed' "$log"
	check $? "boot $n self-test ran and passed"
	! grep -q '^FAIL' "$log"
	check $? "boot $n has no FAIL lines"
done
grep -q '^PASS: vblk persisted across reboot' "$tmp/boot2.log"
check $? "data persisted across reboot"

boot "$kernel" "$img" "$tmp/prod.log"
rc=$?
check $rc "production kernel boots on the marked disk"
grep -q '^vblk: virtio disk' "$tmp/prod.log" &&
    ! grep -q 'self-test' "$tmp/prod.log"
check $? "production kernel: disk found, no self-test in it"

plain=$tmp/plain.img
truncate -s 1M "$plain" || exit 2
boot "$tkernel" "$plain" "$tmp/plain.log"
rc=$?
check $rc "unmarked disk boots"
grep -q '^vblk: virtio disk' "$tmp/plain.log" &&
    ! grep -q 'self-test' "$tmp/plain.log"
check $? "unmarked disk found, no self-test"

echo "disktest: $failed failed"
echo ALL-DONE
[ $failed -eq 0 ]
