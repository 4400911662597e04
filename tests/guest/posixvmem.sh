#!/bin/bash
# tests/guest/posixvmem.sh: bad pointers (EFAULT), lazy and shared
# anonymous memory, vfork and posix_spawn (tests/posix/vmem.c), under
# scripts/exos-run and, with the same expectations, on Linux (built
# with the host's cc).  Each run's PASS/FAIL lines are the checks; the
# program must reach its end with status 0.
#   tests/guest/posixvmem.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
prog=$build/tests/vmem.elf
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

limit=120
[ "$accel" = kvm ] && limit=600
"$top/scripts/exos-run" --timeout $limit "$prog" $VMEM_SECTIONS \
    >"$tmp/out" 2>&1
rc=$?
tr -d '\r' <"$tmp/out" | sed 's/^\(PASS\|FAIL\): vmem:/\1: vmem:/'
if [ $rc -eq 0 ] && grep -q '^PASS: vmem: 0 failed' "$tmp/out"; then
	echo "PASS: vmem: ExOS run ended with status 0"
else
	echo "FAIL: vmem: ExOS run ended with status $rc"
	failed=1
fi

# the same program on Linux
if cc -O2 -o "$tmp/vmem" "$top/tests/posix/vmem.c" 2>"$tmp/cc"; then
	(cd "$tmp" && ./vmem $VMEM_SECTIONS) >"$tmp/lout" 2>&1
	rc=$?
	sed 's/^\(PASS\|FAIL\): vmem: /\1: vmem: Linux: /' "$tmp/lout"
	if [ $rc -eq 0 ]; then
		echo "PASS: vmem: Linux run ended with status 0"
	else
		echo "FAIL: vmem: Linux run ended with status $rc"
		failed=1
	fi
else
	echo "FAIL: vmem: cannot build for Linux: $(head -c 300 "$tmp/cc")"
	failed=1
fi
echo ALL-DONE
[ $failed -eq 0 ]
