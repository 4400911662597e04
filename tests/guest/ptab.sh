#!/bin/bash
# tests/guest/ptab.sh: the family's shared region and the process table.
# tests/posix/ptab.c runs under scripts/exos-run (as /bin/ptab, which it
# execs) and, built with the host's gcc, on Linux, where the process
# checks must pass the same way.  Its PASS/FAIL lines are the checks;
# it must reach its summary line and exit 0 on both systems.
#   tests/guest/ptab.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$top/scripts/exos-run" --timeout 240 "$build/tests/ptab.elf" >"$tmp/out" 2>&1
rc=$?
tr -d '\r' <"$tmp/out"
if ! tr -d '\r' <"$tmp/out" | grep -q '^PASS: ptab: 0 failed$'; then
	echo "FAIL: ptab: ExOS: no clean summary line (status $rc)"
	failed=1
elif [ $rc -ne 0 ]; then
	echo "FAIL: ptab: ExOS: exit status $rc"
	failed=1
fi

if cc -O2 -Wall -o "$tmp/ptab" "$top/tests/posix/ptab.c" 2>"$tmp/cc"; then
	(cd "$tmp" && ./ptab) >"$tmp/lout" 2>&1
	rc=$?
	sed 's/^\(PASS\|FAIL\): ptab: /\1: ptab: Linux: /' "$tmp/lout"
	if [ $rc -ne 0 ] || ! grep -q '^PASS: ptab: 0 failed$' "$tmp/lout"; then
		echo "FAIL: ptab: Linux: status $rc"
		failed=1
	fi
else
	echo "FAIL: ptab: Linux: cannot build: $(head -c 300 "$tmp/cc")"
	failed=1
fi
echo ALL-DONE
[ $failed -eq 0 ]
