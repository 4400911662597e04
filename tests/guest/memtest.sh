#!/bin/bash
# memtest.sh: zeroed pages, quotas and the evict stall (tests/guest/
# memtest.c), booted once on a fresh disk image for XN's cache.
# Run by scripts/run-tests with KERNEL and ACCEL set.
set -u
kernel=${KERNEL:-build/xok/xok.bin}
accel=${ACCEL:-tcg}
elf="$(dirname "$(dirname "$kernel")")/tests/memtest.elf"
img=$(mktemp "${TMPDIR:-/tmp}/memtest.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf"
