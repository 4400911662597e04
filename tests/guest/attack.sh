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
