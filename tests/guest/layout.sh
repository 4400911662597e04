#!/bin/bash
# tests/guest/layout.sh: an image of another build is refused by the
# family's shared region (libexos/posix/shmlayout.c): layouttest.elf
# runs as the first process with layoutother.elf (a shared structure
# of another size) at /bin/layoutother, and checks that an exec of it
# ends with status 127 and that the family goes on.
#   tests/guest/layout.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/preamble.sh" "$@"
"$top/scripts/exos-run" --timeout 120 \
    --add "$build/tests/layoutother.elf:/bin/layoutother" \
    "$build/tests/layouttest.elf" >"$tmp/out" 2>&1
rc=$?
tr -d '\r' <"$tmp/out"
if ! tr -d '\r' <"$tmp/out" | grep -q '^PASS: layout: 0 failed$'; then
	echo "FAIL: layout: no clean summary line (status $rc)"
	failed=1
fi
if tr -d '\r' <"$tmp/out" | grep -q "^exos: this program was built with another layout of the family's shared region (layouttest)"; then
	echo "PASS: layout: the refused image said why"
else
	echo "FAIL: layout: no message from the refused image"
	failed=1
fi
echo ALL-DONE
exit $failed
