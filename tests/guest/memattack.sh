#!/bin/bash
# memattack.sh: a hostile review of the reverse map, table freeing and
# quotas (tests/guest/memattack.c), booted once on a fresh disk image.
# Run by scripts/run-tests with KERNEL and ACCEL set.
set -u
kernel=${KERNEL:-build/xok/xok.bin}
accel=${ACCEL:-tcg}
elf="$(dirname "$(dirname "$kernel")")/tests/memattack.elf"
img=$(mktemp "${TMPDIR:-/tmp}/memattack.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf"
