#!/bin/bash
# xntest.sh: XN through the kernel on a virtio disk, across a power-off.
# Boots xntest twice on one fresh disk image: phase 1 formats, builds a
# tree and lets a hostile libFS attack it; phase 2 checks what survived.
# Run by scripts/run-tests with KERNEL and ACCEL set.
set -u
kernel=${KERNEL:-build/xok/xok.bin}
accel=${ACCEL:-tcg}
elf="$(dirname "$(dirname "$kernel")")/tests/xntest.elf"
img=$(mktemp "${TMPDIR:-/tmp}/xntest.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf 1" || exit $?
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf 2"
