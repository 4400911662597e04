#!/bin/bash
# tests/guest/clocktest.sh: the kernel's TSC calibration (xok/dev/pit.c),
# booted twice: as every boot is (PIT only, plus the hypervisor's
# statement of the rate if it makes one), and with "xok.tsccheck", where
# one second of the CMOS clock must agree with the PIT's rate.
# Both boots: the guest's time of day ("clocktest: wall SEC.NSEC", from
# the CMOS clock QEMU starts at the host's UTC time) lies within 3 s of
# the host's clock over the boot.
#   tests/guest/clocktest.sh [--accel tcg|kvm] [KERNEL [INIT.elf]]
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
init=${2:-$(dirname "$(dirname "$kernel")")/tests/clocktest.elf}
qemu=$(dirname "$0")/../../scripts/qemu
failed=0
for append in "" "xok.tsccheck"; do
	t0=$(date +%s)
	out=$("$qemu" --accel "$accel" --test --append "$append" "$kernel" \
	    "$init" 2>&1 | tr -d '\r')
	rc=$?
	t1=$(date +%s)
	echo "$out" | grep -E '^(xok: TSC|xok: time|clocktest:|PASS|FAIL)'
	wall=$(echo "$out" | sed -n 's/^clocktest: wall \([0-9]*\)\..*/\1/p')
	if [ -n "$wall" ] && [ "$wall" -ge $((t0 - 3)) ] &&
	    [ "$wall" -le $((t1 + 3)) ]; then
		echo "PASS: clock: wall time $wall within 3 s of the host's [$t0, $t1]"
	else
		echo "FAIL: clock: wall time '$wall' not within 3 s of the host's [$t0, $t1]"
		failed=1
	fi
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
