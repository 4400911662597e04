#!/bin/bash
# xnmap.sh: boot xnmap.elf (XN_BC_MAP's cache views and XN_READ against
# hostile arguments, views revoked when an entry goes, K environments
# sharing 2 MiB of cached blocks) with a fresh 16 MiB virtio disk.  Run
# by scripts/run-tests with KERNEL and ACCEL set.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/xnmap.elf"
img=$(mktemp "${TMPDIR:-/tmp}/xnmap.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "${ACCEL:-tcg}" --test --disk "$img" "$kernel" "$elf"
