#!/bin/bash
# tests/guest/wback.sh: the file system's write-back (libexos/posix/
# fsroot.c; docs/ARCHITECTURE.md, "Coherence").  tests/posix/wback.c
# through scripts/exos-run on a C-FFS image made by the host's mkfs.cffs:
#   1. run ... exit: three children write files with no sync, the parent
#      reads each at once and changes what the live writers wrote; at
#      exit the write-back reaches the disk: the host's fsck.cffs -n
#      finds the image clean, its cffs tool reads the last file, and a
#      second boot (check) finds everything.
#   2. run ... sync, then the power goes off (QEMU killed): the host's
#      cffs tool reads the files from the image as the kill left it,
#      fsck.cffs -n finds it clean, a second boot finds everything.
#   3. run ... nosync, power off: the next boot (XN's recovery at
#      mount) finds every fsync'ed file and everything written before
#      the last fsync, not the file written after it; fsck.cffs -n
#      finds the image clean after that boot.
# The same program runs on Linux (run, check) in a temporary directory.
#   tests/guest/wback.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/pair.sh" "$@"
run="$top/scripts/exos-run"
prog=$build/tests/wback.elf
bg=
trap '[ -n "$bg" ] && kill -INT $bg 2>/dev/null; rm -rf "$tmp"' EXIT

pass() { echo "PASS: wback: $1"; }
fail() { echo "FAIL: wback: $1"; failed=1; }

# image NAME: a fresh 64 MiB image with the work directory's parent
image() {
	mkdir -p "$tmp/root"
	chmod 755 "$tmp/root"
	"$mkfs" -d "$tmp/root" "$tmp/$1" 64M >/dev/null || fail "mkfs.cffs"
}

# show TAG FILE: the program's lines, tagged
show() {
	tr -d '\r' <"$2" | grep -v '^WBACK-READY' |
	    sed "s/^\(PASS\|FAIL\): wback:/\1: wback: $1:/"
}

# boot TAG IMAGE ARGS...: the program to its end; status 0 wanted
boot() {
	local tag="$1" img="$2"
	shift 2
	"$run" --timeout 300 --disk "$img" "$prog" "$@" >"$tmp/out" 2>&1
	local rc=$?
	show "$tag" "$tmp/out"
	if [ $rc -eq 0 ] && tr -d '\r' <"$tmp/out" | grep -q '^PASS: wback: 0 failed'
	then pass "$tag: status 0, every check passed"
	else fail "$tag: status $rc"; fi
}

# poweroff TAG IMAGE ARGS...: the program until it prints WBACK-READY,
# then the power goes off (exos-run interrupted: QEMU killed)
poweroff() {
	local tag="$1" img="$2" i
	shift 2
	# (a background job ignores SIGINT: exos-run must not)
	env --default-signal=INT "$run" --timeout 300 --disk "$img" "$prog" \
	    "$@" >"$tmp/out" 2>&1 &
	bg=$!
	for i in $(seq 1 1200); do
		grep -q WBACK-READY "$tmp/out" && break
		kill -0 $bg 2>/dev/null || break
		sleep 0.25
	done
	if grep -q WBACK-READY "$tmp/out"; then
		kill -INT $bg
		pass "$tag: ready, power off"
	else
		fail "$tag: the program did not get ready"
	fi
	wait $bg
	bg=
	show "$tag" "$tmp/out"
}

fsck_clean() {  # fsck_clean TAG IMAGE
	pair_fsck wback "$1: host" "$2"
}

# 1. exit: the write-back is written at exit
image exit.img
boot "exit" "$tmp/exit.img" run /w exit
fsck_clean "exit" "$tmp/exit.img"
if [ "$("$cffs" "$tmp/exit.img" cat /w/unsynced 2>&1)" = "late" ]
then pass "exit: host cffs reads the last file written"
else fail "exit: host cffs cat /w/unsynced: $("$cffs" "$tmp/exit.img" cat /w/unsynced 2>&1 | head -3)"; fi
boot "exit, reboot" "$tmp/exit.img" check /w exit

# 2. sync, then power-off
image sync.img
poweroff "sync" "$tmp/sync.img" run /w sync
cp "$tmp/sync.img" "$tmp/sync.raw"
fsck_clean "sync, as the power-off left it" "$tmp/sync.raw"
if [ "$("$cffs" "$tmp/sync.raw" cat /w/unsynced 2>&1)" = "late" ] &&
    [ "$("$cffs" "$tmp/sync.raw" cat /w/p2 2>&1)" = "from the parent" ]
then pass "sync: host cffs reads the files from the image the power-off left"
else fail "sync: host cffs: $("$cffs" "$tmp/sync.raw" ls /w 2>&1 | head -5)"; fi
boot "sync, reboot" "$tmp/sync.img" check /w sync

# 3. no sync, power-off: XN's recovery at the next mount
image nosync.img
poweroff "nosync" "$tmp/nosync.img" run /w nosync
echo "wback: nosync: fsck.cffs -n on the image as the power-off left it (XN recovers at its next mount):"
"$fsck" -n "$tmp/nosync.img" 2>&1 | head -8 | sed 's/^/    /'
boot "nosync, reboot" "$tmp/nosync.img" check /w nosync
fsck_clean "nosync, after the next boot" "$tmp/nosync.img"

# Linux
linux_run() {
	./wback run "$tmp/lw" exit && ./wback check "$tmp/lw" exit
}
pair_linux_one wback "" linux_run
pair_end
