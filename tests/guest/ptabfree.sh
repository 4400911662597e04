#!/bin/bash
# tests/guest/ptabfree.sh: the shared region's pages come back when the
# family is gone (tests/guest/ptabfree.c booted as init, with
# tests/posix/ptabfam.c's program as a module).
#   tests/guest/ptabfree.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
qemu=$(realpath "$(dirname "$0")/../../scripts/qemu")
kernel=$(realpath "$kernel")
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
(cd "$build/tests" && QEMU_TIMEOUT=${QEMU_TIMEOUT:-120} "$qemu" \
    --accel "$accel" --test "$kernel" ptabfree.elf ptabfam.elf) >"$tmp" 2>&1
rc=$?
tr -d '\r' <"$tmp" | grep -v '^ALL-DONE'
failed=0
if ! tr -d '\r' <"$tmp" | grep -q '^ALL-DONE$'; then
	echo "FAIL: ptabfree: the program did not reach its end"
	failed=1
fi
[ $rc -eq 0 ] || { echo "FAIL: ptabfree: QEMU status $rc"; failed=1; }
echo ALL-DONE
[ $failed -eq 0 ]
