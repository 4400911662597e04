#!/bin/bash
# attack.sh: boot attack.elf (tests/guest/attack.c: session 7's attacks
# on the kernel: XN_READ of a reused block, non-canonical stack
# pointers, a hog that dies) with a fresh 16 MiB virtio disk.  Run by
# scripts/run-tests with KERNEL and ACCEL set.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/attack.elf"
img=$(mktemp "${TMPDIR:-/tmp}/attack.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "${ACCEL:-tcg}" --test --disk "$img" "$kernel" "$elf"
rc=$?
[ $rc -eq 0 ] || exit $rc

# NET_TRANSMITV's zero-copy frames: hostile gathers, full slots, a sender
# dying with frames in flight (tests/guest/attacknet.c) ...
net="$(dirname "$(dirname "$kernel")")/tests/attacknet.elf"
scripts/qemu --accel "${ACCEL:-tcg}" --test --net "" "$kernel" "$net" ||
	exit $?
# ... and a card given up for dead with frames in flight
# (xok.netdeadtx: every transmit completion is nonsense).
scripts/qemu --accel "${ACCEL:-tcg}" --test --append xok.netdeadtx \
	--net "" "$kernel" "$net dead"
