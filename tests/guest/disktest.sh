#!/bin/bash
# tests/guest/disktest.sh: the virtio-blk driver's boot self-test.
#   tests/guest/disktest.sh [--accel tcg|kvm] [KERNEL [INIT.elf]]
# Makes a 16 MiB raw image whose sector 0 starts with "XOKVBLKT" (which
# asks the kernel to run vblk_selftest at boot) and boots it twice: the
# first boot must pass every "vblk" check and leave a marker, the second
# must also find the first boot's data ("persisted across reboot").  A
# third boot with an unmarked disk must find the disk and run no test.
# Prints PASS/FAIL lines and exits non-zero on any failure.
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
init=${2:-$(dirname "$(dirname "$kernel")")/tests/boot.elf}
qemu=$(dirname "$0")/../../scripts/qemu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() {       # check OK-CONDITION-STATUS "what"
	if [ "$1" -eq 0 ]; then echo "PASS: disktest $2"
	else echo "FAIL: disktest $2"; failed=$((failed + 1)); fi
}

boot() {        # boot IMAGE LOG
	"$qemu" --accel "$accel" --test --disk "$1" "$kernel" "$init" >"$2" 2>&1
}

img=$tmp/disk.img
truncate -s 16M "$img" || exit 2
printf 'XOKVBLKT' | dd of="$img" conv=notrunc status=none || exit 2

for n in 1 2; do
	log=$tmp/boot$n.log
	boot "$img" "$log"
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

plain=$tmp/plain.img
truncate -s 1M "$plain" || exit 2
boot "$plain" "$tmp/plain.log"
rc=$?
check $rc "unmarked disk boots"
grep -q '^vblk: virtio disk' "$tmp/plain.log" &&
    ! grep -q 'self-test' "$tmp/plain.log"
check $? "unmarked disk found, no self-test"

echo "disktest: $failed failed"
echo ALL-DONE
[ $failed -eq 0 ]
