#!/bin/bash
# tests/guest/posixfiles.sh: file descriptors and the file calls
# (libexos/posix/fd.c, fscalls.c, path.c, vfs_cffs.c, dev.c, flock.c).
# tests/posix/files.c, built with exos-cc, runs through scripts/exos-run
# on a C-FFS image made by the host's mkfs.cffs (the program itself is
# on the image at /bin/files, so that a forked child can exec it); its
# PASS/FAIL lines are the checks.  Then the host's fsck.cffs must find
# the image clean, the host's cffs tool must read the file the guest
# fsync'ed, and a second boot must read it too.  The same program runs
# on Linux (built with the host's cc) in a temporary directory, where
# the expectations are the same.
#   tests/guest/posixfiles.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/pair.sh" "$@"
run="$top/scripts/exos-run"
prog=$build/tests/posixfiles.elf

pass() { echo "PASS: files: $1"; }
fail() { echo "FAIL: files: $1"; failed=1; }

# ExOS: a 64 MiB image with /bin/files and a work directory /w
mkdir -p "$tmp/root/bin" "$tmp/root/w"
chmod 755 "$tmp/root" "$tmp/root/w"
cp "$prog" "$tmp/root/bin/files"
img=$tmp/disk.img
if ! "$mkfs" -d "$tmp/root" "$img" 64M >/dev/null; then
	fail "mkfs.cffs"
	exit 1
fi
"$run" --timeout 300 --disk "$img" "$prog" /w >"$tmp/out" 2>&1
rc=$?
tr -d '\r' <"$tmp/out" | sed 's/^\(PASS\|FAIL\): files:/\1: files: exos:/'
if [ $rc -eq 0 ]; then pass "exos: status 0"
else fail "exos: status $rc"; fi
if tr -d '\r' <"$tmp/out" | grep -q '^PASS: files: 0 failed'; then
	pass "exos: the program reached its end"
else
	fail "exos: the program did not reach its end"
fi
pair_fsck files host "$img"
if [ "$("$cffs" "$img" cat /w/keep 2>&1)" = "this file survives a reboot" ]
then pass "host cffs cat /w/keep: what the guest wrote"
else fail "host cffs cat /w/keep: $("$cffs" "$img" cat /w/keep 2>&1 | head -3)"
fi
"$run" --timeout 120 --disk "$img" "$prog" /w check >"$tmp/out" 2>&1
rc=$?
tr -d '\r' <"$tmp/out" | sed 's/^\(PASS\|FAIL\): files:/\1: files: reboot:/'
if [ $rc -eq 0 ]; then pass "after a reboot: status 0"
else fail "after a reboot: status $rc"; fi

# Linux
linux_run() {
	mkdir "$tmp/lw" && chmod 755 "$tmp" "$tmp/lw" && ./files "$tmp/lw"
}
pair_linux_one files "" linux_run -Wno-comment
pair_end
