#!/bin/bash
# tests/guest/signals.sh: signals, alarm/setitimer and EINTR in the
# POSIX layer.  tests/posix/signals.c runs on ExOS under scripts/exos-run
# (it execs itself, /bin/signals.elf, for the execve check) and, built
# with the host's gcc, on Linux, where the same checks must pass.  Its
# PASS/FAIL lines are the checks; its exit status must be 0.
#   tests/guest/signals.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
prog=$build/tests/signals.elf
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Linux first: the expectations are UNIX's
if cc -O2 -o "$tmp/signals" "$top/tests/posix/signals.c" 2>"$tmp/cc"; then
	(cd "$tmp" && timeout 120 ./signals ./signals) >"$tmp/linux" 2>&1
	rc=$?
	sed 's/^\(PASS\|FAIL\): signals:/\1: signals: Linux:/' "$tmp/linux"
	[ $rc -eq 0 ] || failed=1
else
	echo "FAIL: signals: Linux: cannot build: $(head -c 300 "$tmp/cc")"
	failed=1
fi

# ExOS
"$top/scripts/exos-run" --timeout 300 "$prog" /bin/signals.elf \
    >"$tmp/exos" 2>&1
rc=$?
cat "$tmp/exos"
if [ $rc -eq 0 ]; then
	echo "PASS: signals: ExOS: exit status 0"
else
	echo "FAIL: signals: ExOS: exit status $rc"
	failed=1
fi
grep -q '^PASS: signals: 0 failed' "$tmp/exos" ||
    { echo "FAIL: signals: ExOS: the program did not reach its end"; failed=1; }
echo ALL-DONE
[ $failed -eq 0 ]
