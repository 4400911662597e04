# tests/guest/pair.sh: sourced by the guest scripts that run one program
# of tests/posix on ExOS (through scripts/exos-run) and, built with the
# host's cc, on Linux, where every check must pass the same way; each
# side's PASS/FAIL lines are the checks, and each must reach its
# summary line ("PASS: NAME: 0 failed") and exit 0.  Sourcing it with
# the script's arguments ([--accel tcg|kvm] [KERNEL]) sets accel,
# kernel, build, top, tmp (removed at exit, even read-only parts) and
# failed.  The C-FFS disk tests (libfs.sh, posixfiles.sh, wback.sh,
# wfault.sh, fusetree.sh) source it too, for that and for the host's
# disk tools: mkfs, fsck and cffs (build/cffs) and pair_fsck, and the
# ones whose Linux run is one check for pair_linux_one.
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

# pair_cc NAME [CFLAGS...]: tests/posix/NAME.c built with the host's cc
# as $tmp/NAME; status 1 and one failed check if it does not build
pair_cc() {
	local name="$1"
	shift
	if ! cc -O2 -Wall "$@" -I"$top/tests/posix" -o "$tmp/$name" \
	    "$top/tests/posix/$name.c" 2>"$tmp/cc"; then
		echo "FAIL: $name: Linux: cannot build: $(head -c 300 "$tmp/cc")"
		failed=1
		return 1
	fi
}

# pair_linux NAME ARGS...: the Linux side, tests/posix/NAME.c built as
# $tmp/NAME and run in $tmp with ARGS
pair_linux() {
	local name="$1" rc
	shift
	pair_cc "$name" || return
	(cd "$tmp" && "./$name" "$@") >"$tmp/lout" 2>&1
	rc=$?
	sed "s/^\(PASS\|FAIL\): $name: /\1: $name: Linux: /" "$tmp/lout"
	if [ $rc -ne 0 ] || ! grep -q "^PASS: $name: 0 failed\$" "$tmp/lout"; then
		echo "FAIL: $name: Linux: status $rc"
		failed=1
	fi
}

# pair_linux_one NAME NOTE RUN [CFLAGS...]: the Linux side as one check,
# for the disk tests whose Linux run is more than one command: pair_cc
# NAME CFLAGS, then the script's function RUN (which prepares and runs
# $tmp/NAME) in $tmp, its output in $tmp/out.  Status 0: "PASS: NAME:
# Linux: all checks passNOTE"; else its status and its FAIL lines.
pair_linux_one() {
	local name="$1" note="$2" run="$3" rc
	shift 3
	pair_cc "$name" "$@" || return
	(cd "$tmp" && "$run") >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then echo "PASS: $name: Linux: all checks pass$note"
	else
		echo "FAIL: $name: Linux: status $rc"
		grep '^FAIL' "$tmp/out" | head -20 | sed 's/^/    /'
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
