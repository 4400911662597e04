#!/bin/bash
# rawdisk.sh: boot rawdisk.elf with a fresh 16 MiB virtio disk.
# Run by scripts/run-tests with KERNEL and ACCEL set.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/rawdisk.elf"
img=$(mktemp "${TMPDIR:-/tmp}/rawdisk.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "${ACCEL:-tcg}" --test --disk "$img" "$kernel" "$elf"
