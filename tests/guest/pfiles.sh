#!/bin/bash
# tests/guest/pfiles.sh: the correctness mode of `make bench-posix`'s
# file and pipe program (benchmarks/posix/pfiles.c -q: 30 files of 1 KiB
# in 3 directories, a few runs of each row), not a benchmark: no time is
# compared with anything.  pfiles checks every call's result (each
# byte of the pipe ping-pong, each file's size and contents, ENOENT
# after unlink, every directory empty at the end) and prints no number
# for a row where something failed.  On ExOS (exos-run on a fresh 32 MiB
# C-FFS image, fsck.cffs -n must find it clean afterwards) and on Linux
# (the musl-gcc build on this host, in a fresh directory that must be
# empty afterwards) it must end with status 0 and BENCH-END and print
# every row exactly once, with a number.
#   tests/guest/posixfiles.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$build/benchmarks
export KERNEL="$kernel" ACCEL="$accel"
rows="pipe: 1-byte ping-pong between two processes|open + close of an existing file|stat of an existing file|small files: create (open, write 1 KiB, close) + sync|small files: read (open, read, close; warm) + sync|small files: delete (unlink) + sync"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check SIDE STATUS OUTPUT
check() {
	local side="$1" rc="$2" out="$3" row line n
	if [ "$rc" = 0 ] && grep -q '^BENCH-END$' "$out" &&
	    ! grep -q '^BENCH-ERROR' "$out"; then
		echo "PASS: posixfiles: $side: status 0, BENCH-END, no error"
	else
		echo "FAIL: posixfiles: $side: status $rc, an error or no BENCH-END"
		tail -n 10 "$out" | sed 's/^/    /'
		failed=1
	fi
	IFS='|' read -ra names <<<"$rows"
	for row in "${names[@]}"; do
		n=$(grep -cF "BENCH|$row|" "$out")
		line=$(grep -F "BENCH|$row|" "$out" | head -n 1)
		if [ "$n" != 1 ]; then
			echo "FAIL: posixfiles: $side: $row printed $n times"
			failed=1
		elif echo "$line" | grep -qE '^BENCH\|[^|]+\|[0-9]+\|(ns|files/s)$'; then
			echo "PASS: posixfiles: $side: $row measured"
		else
			echo "FAIL: posixfiles: $side: $row: $line"
			failed=1
		fi
	done
}

if "$build/cffs/mkfs.cffs" "$tmp/disk" 32M >/dev/null 2>&1; then
	"$top/scripts/exos-run" --timeout 300 --disk "$tmp/disk" \
	    "$b/pfiles.elf" -q / >"$tmp/exos" 2>&1 </dev/null
	check exos $? "$tmp/exos"
	if "$build/cffs/fsck.cffs" -n "$tmp/disk" >"$tmp/fsck" 2>&1; then
		echo "PASS: posixfiles: exos: fsck.cffs -n finds the disk clean"
	else
		echo "FAIL: posixfiles: exos: fsck.cffs -n finds the disk unclean"
		tail -n 5 "$tmp/fsck" | sed 's/^/    /'
		failed=1
	fi
else
	echo "FAIL: posixfiles: exos: mkfs.cffs failed"
	failed=1
fi
mkdir "$tmp/dir"
timeout -k 5 120 "$b/pfiles.linux" -q "$tmp/dir" >"$tmp/linux" 2>&1 \
    </dev/null
check linux $? "$tmp/linux"
if [ -z "$(ls -A "$tmp/dir")" ]; then
	echo "PASS: posixfiles: linux: nothing left in the directory"
else
	echo "FAIL: posixfiles: linux: left in the directory: $(ls -A "$tmp/dir")"
	failed=1
fi
echo ALL-DONE
[ $failed -eq 0 ]
