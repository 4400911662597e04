#!/bin/bash
# xnhostile.sh: boot xnhostile.elf (attacks on XN's principals, the
# capability rights XN checks, XN_BC_REVOKED's copy-out and child names)
# with a fresh 16 MiB virtio disk.  Run by scripts/run-tests with KERNEL
# and ACCEL set.
kernel=${KERNEL:-build/xok/xok.bin}
elf="$(dirname "$(dirname "$kernel")")/tests/xnhostile.elf"
img=$(mktemp "${TMPDIR:-/tmp}/xnhostile.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "${ACCEL:-tcg}" --test --disk "$img" "$kernel" "$elf"
