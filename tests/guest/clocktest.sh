#!/bin/bash
# tests/guest/clocktest.sh: the kernel's TSC calibration (xok/dev/pit.c),
# booted twice: as every boot is (PIT only, plus the hypervisor's
# statement of the rate if it makes one), and with "xok.tsccheck", where
# one second of the CMOS clock must agree with the PIT's rate.
#   tests/guest/clocktest.sh [--accel tcg|kvm] [KERNEL [INIT.elf]]
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
init=${2:-$(dirname "$(dirname "$kernel")")/tests/clocktest.elf}
qemu=$(dirname "$0")/../../scripts/qemu
failed=0
for append in "" "xok.tsccheck"; do
	out=$("$qemu" --accel "$accel" --test --append "$append" "$kernel" \
	    "$init" 2>&1 | tr -d '\r')
	rc=$?
	echo "$out" | grep -E '^(xok: TSC|clocktest:|PASS|FAIL)'
	if [ -n "$append" ]; then
		if echo "$out" | grep -q '^clocktest: .* from source [1-9]'; then
			echo "PASS: clock: xok.tsccheck gave a second source"
		else
			echo "FAIL: clock: xok.tsccheck gave no second source"
			failed=1
		fi
	fi
	echo "$out" | grep -q '^ALL-DONE' && [ $rc -eq 0 ] ||
	    { echo "FAIL: clock: boot with '$append' (status $rc)"; failed=1; }
done
echo ALL-DONE
[ $failed -eq 0 ]
