#!/bin/bash
# tests/guest/nonroot.sh: only the first process holds the root
# (libexos/include/exos/capslot.h): tests/guest/nonroot.c run by
# scripts/exos-run; its PASS/FAIL lines are the checks, and it must
# exit 0.
#   tests/guest/nonroot.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
export KERNEL="$kernel" ACCEL="$accel"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/root"
# a C-FFS disk, so that XN_FORMAT and DISK_RAW have something to refuse
"$build/cffs/mkfs.cffs" -d "$tmp/root" "$tmp/img" 32M >/dev/null ||
    echo "FAIL: nonroot: mkfs.cffs"
out=$("$top/scripts/exos-run" --timeout 120 --disk "$tmp/img" \
    "$build/tests/nonroot.elf" 2>&1)
rc=$?
printf '%s\n' "$out" | tr -d '\r'
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q 'first: the child'; then
	echo "PASS: nonroot: exits 0"
	echo ALL-DONE
else
	echo "FAIL: nonroot: exits $rc"
	echo ALL-DONE
	exit 1
fi
