#!/bin/bash
# tests/guest/tty.sh: the console tty (libexos/posix/tty.c, ldisc.c).
# tests/guest/ttydrive.py plays the user for tests/posix/ttytest.c: on
# ExOS, booted as the first process with the serial console's input in
# the driver's hands; on Linux, on a pseudo-terminal; the same keys and
# the same expectations (canonical editing and its echo, ^D, echo off,
# raw mode, TCSAFLUSH, ^C to the foreground process group).
#   tests/guest/tty.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
drive=$top/tests/guest/ttydrive.py
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ACCEL=$accel "$drive" exos "$kernel" "$build/tests/ttytest.elf" || failed=1

if cc -O2 -Wall -o "$tmp/ttytest" "$top/tests/posix/ttytest.c" 2>"$tmp/cc"; then
	"$drive" linux "$tmp/ttytest" >"$tmp/lout" 2>&1 || failed=1
	sed 's/^\(PASS\|FAIL\): tty: /\1: tty: Linux: /' "$tmp/lout"
else
	echo "FAIL: tty: Linux: cannot build: $(head -c 300 "$tmp/cc")"
	failed=1
fi
echo ALL-DONE
[ $failed -eq 0 ]
