#!/bin/bash
# batchtest.sh: the batched page calls and kernel writes into
# copy-on-write pages (tests/guest/batchtest.c), booted once on a fresh
# disk image so that XN can give the test a cache page.
# Run by scripts/run-tests with KERNEL and ACCEL set.
set -u
kernel=${KERNEL:-build/xok/xok.bin}
accel=${ACCEL:-tcg}
elf="$(dirname "$(dirname "$kernel")")/tests/batchtest.elf"
img=$(mktemp "${TMPDIR:-/tmp}/batchtest.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 16M "$img"
scripts/qemu --accel "$accel" --test --disk "$img" "$kernel" "$elf"
