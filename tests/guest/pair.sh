# tests/guest/pair.sh: sourced by the guest scripts that run one program
# of tests/posix on ExOS (through scripts/exos-run) and, built with the
# host's cc, on Linux, where every check must pass the same way; each
# side's PASS/FAIL lines are the checks, and each must reach its
# summary line ("PASS: NAME: 0 failed") and exit 0.  Sourcing it with
# the script's arguments ([--accel tcg|kvm] [KERNEL]) sets accel,
# kernel, build, top, tmp (removed at exit, even read-only parts) and
# failed.  The C-FFS disk tests (libfs.sh, posixfiles.sh, wback.sh)
# source it too, for that and for the host's disk tools: mkfs, fsck and
# cffs (build/cffs) and pair_fsck.
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "${BASH_SOURCE[0]}")/preamble.sh" "$@"
mkfs=$build/cffs/mkfs.cffs fsck=$build/cffs/fsck.cffs cffs=$build/cffs/cffs

# pair_exos NAME EXOS-RUN-ARGS...: the ExOS side (the arguments name the
# program, e.g. "$build/tests/NAME.elf", and whatever it needs added)
pair_exos() {
	local name="$1" rc
	shift
	"$top/scripts/exos-run" --timeout 240 "$@" >"$tmp/out" 2>&1
	rc=$?
	tr -d '\r' <"$tmp/out"
	if ! tr -d '\r' <"$tmp/out" | grep -q "^PASS: $name: 0 failed\$"; then
		echo "FAIL: $name: ExOS: no clean summary line (status $rc)"
		failed=1
	elif [ $rc -ne 0 ]; then
		echo "FAIL: $name: ExOS: exit status $rc"
		failed=1
	fi
}

# pair_linux NAME ARGS...: the Linux side, tests/posix/NAME.c built as
# $tmp/NAME and run in $tmp with ARGS
pair_linux() {
	local name="$1" rc
	shift
	if ! cc -O2 -Wall -o "$tmp/$name" "$top/tests/posix/$name.c" \
	    2>"$tmp/cc"; then
		echo "FAIL: $name: Linux: cannot build: $(head -c 300 "$tmp/cc")"
		failed=1
		return
	fi
	(cd "$tmp" && "./$name" "$@") >"$tmp/lout" 2>&1
	rc=$?
	sed "s/^\(PASS\|FAIL\): $name: /\1: $name: Linux: /" "$tmp/lout"
	if [ $rc -ne 0 ] || ! grep -q "^PASS: $name: 0 failed\$" "$tmp/lout"; then
		echo "FAIL: $name: Linux: status $rc"
		failed=1
	fi
}

# pair_end: the script's last line and status
pair_end() {
	echo ALL-DONE
	[ $failed -eq 0 ]
}

# pair_fsck NAME TAG IMAGE [OPTION]: the host's fsck.cffs -n [OPTION]
# finds IMAGE clean (one check; its report if not)
pair_fsck() {
	local out rc
	out=$("$fsck" -n ${4:+"$4"} "$3" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then echo "PASS: $1: $2: fsck.cffs -n${4:+ $4} clean"
	else
		echo "FAIL: $1: $2: fsck.cffs -n${4:+ $4} exits $rc"
		printf '%s\n' "$out" | head -20 | sed 's/^/    /'
		failed=1
	fi
}
