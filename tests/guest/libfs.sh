#!/bin/bash
# tests/guest/libfs.sh: C-FFS as a library in ExOS processes
# (libexos/posix/fsroot.h), run by scripts/exos-run --disk on images
# made by the host's mkfs.cffs; the host's fsck.cffs and cffs check
# what the guest left.  tests/libfs/libfstest.c prints the PASS/FAIL
# lines of the guest's checks.
#   tests/guest/libfs.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
run="$top/scripts/exos-run"
prog=$build/tests/libfstest.elf
mkfs=$build/cffs/mkfs.cffs fsck=$build/cffs/fsck.cffs cffs=$build/cffs/cffs
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: libfs: $1"; }
fail() { echo "FAIL: libfs: $1"; failed=1; }
# guest NAME WANT_RC ARGS...: run libfstest, print its lines, check rc
guest() {
	local name=$1 want=$2
	shift 2
	"$run" --timeout 120 "$@" >"$tmp/out" 2>&1
	local rc=$?
	tr -d '\r' <"$tmp/out"
	if [ $rc -eq "$want" ]; then pass "$name: status $rc"
	else fail "$name: status $rc, want $want"; fi
}
# fsck_clean NAME IMAGE
fsck_clean() {
	local out rc
	out=$("$fsck" -n "$2" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then pass "$1: fsck.cffs -n clean"
	else fail "$1: fsck.cffs -n exits $rc"; printf '%s\n' "$out" |
	    head -20 | sed 's/^/    /'; fi
	out=$("$fsck" -n -x "$2" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then pass "$1: fsck.cffs -n -x clean"
	else fail "$1: fsck.cffs -n -x exits $rc"; printf '%s\n' "$out" |
	    head -20 | sed 's/^/    /'; fi
}

mkdir "$tmp/root"
echo "hello from the host" >"$tmp/root/hello"
img=$tmp/disk.img
"$mkfs" -d "$tmp/root" "$img" 32M >/dev/null || fail "mkfs.cffs"

guest "no disk" 0 "$prog" nodisk
guest "basic" 0 --disk "$img" "$prog" basic
guest "after a reboot" 0 --disk "$img" "$prog" check
fsck_clean "basic" "$img"
if [ "$("$cffs" "$img" cat /d/f)" = \
    "written by a POSIX process through C-FFS over XN" ]; then
	pass "host: cffs cat /d/f"
else
	fail "host: cffs cat /d/f"
fi

exit $failed
