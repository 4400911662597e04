#!/bin/bash
# tests/guest/posixsuite.sh: the POSIX suite.  Every program listed in
# POSIX_SUITE (tests/tests.mk; the names are in
# $(BUILD)/tests/posixsuite.list) runs twice: its Linux build
# (posix-NAME.linux, musl-gcc -static or the host's gcc) on this host,
# and its ExOS build (posix-NAME.elf, exos-cc) as the first process on
# Xok through scripts/exos-run, each with a timeout.  Its PASS:/FAIL:
# lines are printed with the place it ran after the tag
# ("PASS: linux: ptab: ...", "FAIL: exos: ptab: ..."); then one line per
# run says whether it finished: exit status 0 and a last check line
# that is ptest_done()'s ("<suite>: N failed").  A run that times out,
# dies, exits non-zero or stops before ptest_done() is a FAIL.
# Both sides see the same world: argv[0] is BIN/NAME, every suite
# program is BIN/OTHER (so a test can exec a sibling, by path or
# through PATH), the environment is PATH=BIN HOME=/ TERM=dumb USER=root;
# BIN is /bin on ExOS and a fresh temporary directory on Linux, where
# the current directory is a fresh empty one and the program runs in a
# PID namespace of its own (it is root here: kill(-1, ...) must not
# reach the host's processes), as pid 2 under a shell.  A program also listed in
# POSIX_SUITE_DISK ("NAME disk" in the list) gets, on ExOS, a fresh
# empty C-FFS image (mkfs.cffs, 32 MiB) as its root file system
# (exos-run --disk), which fsck.cffs -n must find clean after the run.
#   tests/guest/posixsuite.sh [--accel tcg|kvm] [KERNEL [NAME...]]
# POSIX_TIMEOUT (seconds per ExOS run; default 120, 600 under KVM) and
# POSIX_LINUX_TIMEOUT (default 60) bound the runs.
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
[ $# -gt 0 ] && shift
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
list=$build/tests/posixsuite.list
export KERNEL="$kernel" ACCEL="$accel"
xtimeout=${POSIX_TIMEOUT:-$([ "$accel" = kvm ] && echo 600 || echo 120)}
ltimeout=${POSIX_LINUX_TIMEOUT:-60}
failed=0 disks=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	names="$*"
	[ -f "$list" ] && disks=$(sed -n 's/ disk$//p' "$list")
elif [ -f "$list" ]; then
	names=$(grep -v ' ' "$list")
	disks=$(sed -n 's/ disk$//p' "$list")
else
	echo "FAIL: posixsuite: no $list (run make)"
	echo ALL-DONE
	exit 1
fi

# the programs, by their plain names, for each side
mkdir -p "$tmp/linux/bin" "$tmp/exos/bin"
for n in $names; do
	for side in linux elf; do
		f=$build/tests/posix-$n.$side
		if [ ! -f "$f" ]; then
			echo "FAIL: posixsuite: $n: no $f (run make)"
			failed=1
			continue
		fi
		d=$tmp/linux/bin
		[ $side = elf ] && d=$tmp/exos/bin
		# no debug information in the copies: the ExOS ones travel
		# as boot modules
		strip -o "$d/$n" "$f" 2>/dev/null || cp "$f" "$d/$n"
	done
done

# finished SIDE NAME STATUS OUTPUT: the run's verdict line
finished() {
	local last
	last=$(grep -E '^(PASS|FAIL): ' "$4" | tail -n 1)
	if [ "$3" != 0 ]; then
		case "$3" in
		124) why="timed out";;
		125) why="did not run (kernel panic or QEMU failure, status 125)";;
		12[6-7]) why="could not start (status $3)";;
		1[2-9][0-9]|2[0-4][0-9]) why="status $3 (signal $(( $3 - 128 )) or exit $3)";;
		*) why="exit status $3";;
		esac
		echo "FAIL: $1: $2: finished ($why)"
		failed=1
	elif ! echo "$last" | grep -qE '^(PASS|FAIL): [^:]+: [0-9]+ failed$'; then
		echo "FAIL: $1: $2: finished (status 0 but ptest_done() never ran)"
		failed=1
	else
		echo "PASS: $1: $2: finished, status 0"
	fi
}

# show SIDE OUTPUT: check lines tagged with the side, others indented
show() {
	tr -d '\r' <"$2" | sed -E "s/^(PASS|FAIL): /\\1: $1: /; t; s/^/    $1| /"
}

for n in $names; do
	[ -f "$tmp/linux/bin/$n" ] && [ -f "$tmp/exos/bin/$n" ] || continue
	# Linux
	mkdir -p "$tmp/cwd.$n"
	# in a PID namespace of its own (with /bin/sh as its init): this
	# runs as root on the host, and a test's kill(-1, ...) must reach
	# only its own processes
	(cd "$tmp/cwd.$n" && exec timeout -k 5 "$ltimeout" unshare --pid \
	    --fork --mount-proc --kill-child /bin/sh -c \
	    'env -i PATH="$1" HOME=/ TERM=dumb USER=root "$2"; exit $?' sh \
	    "$tmp/linux/bin" "$tmp/linux/bin/$n" </dev/null >"$tmp/out" 2>&1)
	rc=$?
	show linux "$tmp/out"
	finished linux "$n" $rc "$tmp/out"
	# ExOS
	adds=()
	for o in $names; do
		[ "$o" != "$n" ] && [ -f "$tmp/exos/bin/$o" ] &&
		    adds+=(--add "$tmp/exos/bin/$o:/bin/$o")
	done
	disk=""
	if echo "$disks" | grep -qx "$n"; then
		disk=$tmp/disk.$n
		if ! grep -q -- '--disk' "$top/scripts/exos-run"; then
			echo "FAIL: exos: $n: exos-run has no --disk yet"
			failed=1
			continue
		fi
		if ! "$build/cffs/mkfs.cffs" "$disk" 32M >/dev/null 2>&1; then
			echo "FAIL: exos: $n: mkfs.cffs failed"
			failed=1
			continue
		fi
		adds+=(--disk "$disk")
	fi
	"$top/scripts/exos-run" --timeout "$xtimeout" "${adds[@]}" \
	    "$tmp/exos/bin/$n" >"$tmp/out" 2>&1 </dev/null
	rc=$?
	show exos "$tmp/out"
	finished exos "$n" $rc "$tmp/out"
	if [ -n "$disk" ]; then
		if "$build/cffs/fsck.cffs" -n "$disk" >"$tmp/fsck" 2>&1; then
			echo "PASS: exos: $n: fsck.cffs -n finds the disk clean"
		else
			echo "FAIL: exos: $n: fsck.cffs -n finds the disk unclean"
			head -n 20 "$tmp/fsck" | sed 's/^/    exos| /'
			failed=1
		fi
		rm -f "$disk"
	fi
done
echo ALL-DONE
[ $failed -eq 0 ]
