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
. "$(dirname "$0")/benchlib.sh" "$@"      # the arguments, bench_check
rows="pipe: 1-byte ping-pong between two processes|open + close of an existing file|stat of an existing file|small files: create (open, write 1 KiB, close) + sync|small files: read (open, read, close; warm) + sync|small files: delete (unlink) + sync"

# check SIDE STATUS OUTPUT: every row a number of ns or files/s
check() {
	bench_check posixfiles "$1" "$2" "$3" "$rows" '[0-9]+\|(ns|files/s)' 0
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
