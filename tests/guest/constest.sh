#!/bin/bash
# tests/guest/constest.sh: console input (tests/guest/constest.c).  Boots
# constest.elf with the serial console's input on a FIFO and plays the
# user: when the guest prints "constest: type a line" it types a line one
# key at a time (20 ms apart); at "constest: paste" it sends a header
# "<size> <cksum>" and <size> random bytes (CONSTEST_BYTES, default
# 96 KiB: more than 20 rings) at full speed, as a paste or a piped script.
#   tests/guest/constest.sh [--accel tcg|kvm] [KERNEL [INIT.elf]]
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
init=${2:-$(dirname "$(dirname "$kernel")")/tests/constest.elf}
qemu=$(dirname "$0")/../../scripts/qemu
size=${CONSTEST_BYTES:-98304}
line='hello, xok: typed one key at a time'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"
out=$tmp/out
: >"$out"
head -c "$size" /dev/urandom >"$tmp/paste"
sum=$(cksum <"$tmp/paste" | cut -d' ' -f1)

# Until the guest has printed a line matching $1; 1 if QEMU ended first.
wait_for() {
	until grep -q "$1" "$out"; do
		[ -e "$tmp/done" ] && return 1
		sleep 0.05
	done
}

feed() {
	exec >"$tmp/in"
	wait_for '^constest: type a line' || return
	sleep 0.5
	for ((i = 0; i < ${#line}; i++)); do
		printf '%s' "${line:i:1}"
		sleep 0.02
	done
	printf '\n'
	wait_for '^constest: paste' || return
	printf '%s %s\n' "$size" "$sum"
	cat "$tmp/paste"
	wait_for '^ALL-DONE'
}

feed &
feeder=$!
"$qemu" --accel "$accel" --test --serial-in "$tmp/in" "$kernel" "$init" \
    >"$out" 2>&1
rc=$?
touch "$tmp/done"
wait "$feeder"
tr -d '\r' <"$out"
echo "constest.sh: sent a ${#line}-byte line and $size bytes, cksum $sum"
[ $rc -eq 0 ] || echo "FAIL: constest: QEMU status $rc"
