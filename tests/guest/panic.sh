#!/bin/bash
# panic.sh: a kernel panic prints a backtrace and ends QEMU with a
# failure status (the test harness depends on it).  The kernel panics on
# purpose when its command line says xok.testpanic.
kernel=${KERNEL:-build/xok/xok.bin}
init="$(dirname "$(dirname "$kernel")")/tests/boot.elf"
out=$(scripts/qemu --accel "${ACCEL:-tcg}" --test --timeout 60 \
    --append xok.testpanic "$kernel" "$init" 2>&1)
rc=$?
fail=0
check() { if [ "$1" = 0 ]; then echo "PASS: $2"; else echo "FAIL: $2"; fail=1; fi; }
echo "$out" | grep -q '^xok: panic: xok.testpanic'; check $? "panic message"
echo "$out" | grep -A1 '^backtrace:' | grep -q '0xffffffff8'; check $? "panic backtrace"
[ $rc -eq 1 ]; check $? "QEMU ends with failure status 1 (got $rc)"
out=$(scripts/qemu --accel "${ACCEL:-tcg}" --test --timeout 60 "$kernel" "$init" 2>&1)
check $? "without the option the same boot succeeds"
echo ALL-DONE
exit $fail
