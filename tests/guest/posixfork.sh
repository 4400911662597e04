#!/bin/bash
# tests/guest/posixfork.sh: fork, wait4/waitpid and getppid in libexos's
# POSIX layer.  tests/posix/fork.c, built with exos-cc, booted as the
# first process: its PASS/FAIL lines are the checks; it must reach its
# end and its exit status (0) must end QEMU.
#   tests/guest/posixfork.sh [--accel tcg|kvm] [KERNEL [PROGRAM.elf]]
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
prog=${2:-$build/tests/posixfork.elf}
qemu=$(dirname "$0")/../../scripts/qemu
failed=0

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
kernel=$(realpath "$kernel") qemu=$(realpath "$qemu")
# Under the nested KVM of these machines kernel code runs about 1,000x
# slower (docs/ARCHITECTURE.md, "Hypervisor notes"): the 200-fork loop
# needs more than TCG's two minutes there.
limit=120
[ "$accel" = kvm ] && limit=600
(cd "$(dirname "$prog")" && QEMU_TIMEOUT=${QEMU_TIMEOUT:-$limit} \
    "$qemu" --accel "$accel" --test "$kernel" "$(basename "$prog")") \
    >"$tmp" 2>&1
rc=$?
tr -d '\r' <"$tmp" | grep -v '^ALL-DONE'
if ! tr -d '\r' <"$tmp" | grep -q '^ALL-DONE$'; then
	echo "FAIL: fork: the program did not reach its end"
	failed=1
fi
if ! tr -d '\r' <"$tmp" | grep -q '^PASS: fork: fork bomb'; then
	echo "FAIL: fork: no fork-bomb result"
	failed=1
fi
if [ $rc -eq 0 ]; then
	echo "PASS: fork: exit status 0 reached QEMU"
else
	echo "FAIL: fork: QEMU status $rc, not the program's 0"
	failed=1
fi
echo ALL-DONE
[ $failed -eq 0 ]
