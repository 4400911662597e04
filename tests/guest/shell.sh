#!/bin/bash
# tests/guest/shell.sh: the shell a user gets, booted from the C-FFS root
# image (a copy of build/disk-images/root.cffs; the image is not
# changed).
#  1. The scripts of tests/shell/ (pipelines with a 10,000-line one,
#     redirections and here-documents, $(...) and variables, loops,
#     functions and exit codes, background jobs and wait, scripts run
#     with sh, by path (#!/bin/sh) and with ., files) are copied into
#     the image's /tests and run by the image's dash through
#     `scripts/exos-run --disk` with no program (the shell reads the
#     commands from the console); each one's output and status must be
#     tests/shell/NAME.out.  The same scripts run on this host's dash
#     must give the same .out (the expectations are UNIX's).
#  2. `make run`'s boot, typed at through the serial console
#     (tests/guest/shelldrive.py session): init from the image, the
#     prompt, ls /dev, a file written, ^C of `sleep 100` with the shell
#     surviving, ^D -> power-off with status 0; then fsck.cffs -n finds
#     the image clean and the file is on it.
#  3. Power-off at a random point of a file workload (shelldrive.py
#     poweroff, seeds 1-3): a loop writing and fsync'ing files, QEMU
#     killed; the image booted once more (XN's recovery at mount, a
#     sync), then fsck.cffs -n clean and every file reported fsync'ed
#     intact.  fsck's findings on the image as the kill left it are
#     printed, not judged.
#   tests/guest/shell.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
export KERNEL="$kernel" ACCEL="$accel"
cffs=$build/cffs/cffs
fsck=$build/cffs/fsck.cffs
boot=$build/init/boot.elf
drive=$top/tests/guest/shelldrive.py
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: shell: $1"; }
fail() { echo "FAIL: shell: $1"; failed=1; }
fresh() {       # a copy of the root image at $tmp/$1
	cp "$build/disk-images/root.cffs" "$tmp/$1"
}
clean() {       # clean NAME IMAGE: fsck.cffs -n finds IMAGE clean
	if "$fsck" -n "$2" >"$tmp/fsck.out" 2>&1; then
		pass "$1: fsck.cffs -n clean"
	else
		fail "$1: fsck.cffs -n finds the image unclean"
		sed 's/^/    /' "$tmp/fsck.out" | head -n 10
	fi
}

[ -f "$build/disk-images/root.cffs" ] || { fail "no root image (make image)"; echo ALL-DONE; exit 1; }
names=$(cd "$top/tests/shell" && ls *.sh | sed 's/\.sh$//')

# 1. the scripts, on the host's dash
if command -v dash >/dev/null; then
	for n in $names; do
		mkdir -p "$tmp/linux/$n"
		(cd "$tmp/linux/$n" && dash "$top/tests/shell/$n.sh" </dev/null \
		    >"$tmp/linux/$n.out" 2>&1; echo "status $?" >>"$tmp/linux/$n.out")
		if cmp -s "$top/tests/shell/$n.out" "$tmp/linux/$n.out"; then
			pass "linux: $n"
		else
			fail "linux: $n"
			diff "$top/tests/shell/$n.out" "$tmp/linux/$n.out" | head -n 10 | sed 's/^/    /'
		fi
	done
else
	echo "SKIP: shell: linux: no dash on this host"
fi

# 1. the scripts, on ExOS: one boot runs them all
fresh scripts.cffs
"$cffs" "$tmp/scripts.cffs" mkdir /tests
for n in $names; do
	"$cffs" "$tmp/scripts.cffs" cp-in "$top/tests/shell/$n.sh" "/tests/$n.sh"
done
for n in $names; do
	printf 'mkdir -p /root/w/%s; cd /root/w/%s; echo "=== %s"; sh /tests/%s.sh </dev/null 2>&1; echo "status $?"; echo "=== end"; cd /\n' \
	    "$n" "$n" "$n" "$n"
done >"$tmp/driver"
echo 'exit 0' >>"$tmp/driver"
"$top/scripts/exos-run" --disk "$tmp/scripts.cffs" --timeout 400 \
    <"$tmp/driver" >"$tmp/exos.out" 2>&1
rc=$?
[ $rc = 0 ] && pass "exos-run with no program: the image's shell read the commands, status 0" ||
	fail "exos-run with no program: status $rc"
for n in $names; do
	awk -v n="$n" '$0 == "=== " n { on = 1; next } on && $0 == "=== end" { exit }
	    on { print }' "$tmp/exos.out" >"$tmp/$n.exos"
	if cmp -s "$top/tests/shell/$n.out" "$tmp/$n.exos"; then
		pass "exos: $n"
	else
		fail "exos: $n"
		diff "$top/tests/shell/$n.out" "$tmp/$n.exos" | head -n 15 | sed 's/^/    /'
	fi
done
clean "scripts" "$tmp/scripts.cffs"

# the README's example: a pipe into exos-run, the default image (a copy)
echo 'ls /; cat /etc/motd' | "$top/scripts/exos-run" --timeout 120 >"$tmp/readme.out" 2>&1
# (ls / lists the image's top level: every name of build/rootfs, on
# the lines before the motd)
top_ok=1
for d in $(ls "$build/rootfs"); do
	sed '/^Welcome to ExOS/,$d' "$tmp/readme.out" | grep -qw -- "$d" ||
		top_ok=0
done
if [ $top_ok = 1 ] && grep -q "^bin  dev  etc" "$tmp/readme.out" &&
    grep -q "^Welcome to ExOS" "$tmp/readme.out"; then
	pass "echo 'ls /; cat /etc/motd' | scripts/exos-run"
else
	fail "echo 'ls /; cat /etc/motd' | scripts/exos-run"
	sed 's/^/    /' "$tmp/readme.out" | head -n 10
fi
# a program of the image by its guest path
"$top/scripts/exos-run" --timeout 120 /bin/uname -s >"$tmp/uname.out" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(cat "$tmp/uname.out")" = ExOS ] &&
	pass "exos-run /bin/uname -s: the image's toybox" ||
	{ fail "exos-run /bin/uname -s (status $rc)"; head -n 5 "$tmp/uname.out"; }
"$top/scripts/exos-run" --timeout 120 /bin/sh -c 'exit 3' >/dev/null 2>&1
rc=$?
[ $rc = 3 ] && pass "exos-run /bin/sh -c 'exit 3': status 3" ||
	fail "exos-run /bin/sh -c 'exit 3': status $rc"
"$top/scripts/exos-run" --timeout 120 --disk "$tmp/scripts.cffs" /nonexistent >"$tmp/ne.out" 2>&1
rc=$?
[ $rc = 127 ] && pass "exos-run of a program in neither place: 127" ||
	fail "exos-run /nonexistent: status $rc"

# 2. make run's boot, typed at
fresh session.cffs
ACCEL=$accel "$drive" session "$kernel" "$boot" "$tmp/session.cffs" || failed=1
clean "session" "$tmp/session.cffs"
if [ "$("$cffs" "$tmp/session.cffs" cat /root/session.txt 2>&1)" = "typed at the console" ]; then
	pass "the session's file is on the image"
else
	fail "the session's file is on the image"
fi

# 3. power-off in the middle of a file workload
for seed in 1 2 3; do
	fresh "off$seed.cffs"
	img=$tmp/off$seed.cffs
	ACCEL=$accel "$drive" poweroff "$kernel" "$boot" "$img" $seed || failed=1
	# as the power-off left it (XN recovers at its next mount): shown,
	# not judged
	"$fsck" -n "$img" >"$tmp/raw" 2>&1 ||
		grep -v "not cleanly unmounted" "$tmp/raw" | sed 's/^[^:]*: /    (as left: /; s/$/)/' | head -n 3
	# the next boot mounts it (XN's recovery), syncs and powers off
	echo sync | "$top/scripts/exos-run" --disk "$img" --timeout 120 >"$tmp/remount" 2>&1 ||
		fail "power-off seed $seed: the next boot (status $?)"
	clean "power-off seed $seed, after the next boot" "$img"
	bad=0 n=0
	for i in $(cat "$img.fsynced" 2>/dev/null); do
		n=$((n + 1))
		seq $((i * 40)) >"$tmp/want"
		"$cffs" "$img" cat "/data/f$i" >"$tmp/got" 2>/dev/null
		cmp -s "$tmp/want" "$tmp/got" || { bad=$((bad + 1)); echo "    /data/f$i differs"; }
	done
	[ $n -gt 0 ] && [ $bad = 0 ] &&
		pass "power-off seed $seed: all $n fsync'ed files intact" ||
		fail "power-off seed $seed: $bad of $n fsync'ed files damaged"
done

echo ALL-DONE
[ $failed = 0 ]
