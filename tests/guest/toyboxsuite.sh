#!/bin/bash
# tests/guest/toyboxsuite.sh: toybox's own test suite (its tests/*.test
# with scripts/runtest.sh) run by mksh on ExOS and, for comparison, the
# same toybox configuration built for Linux (musl-gcc, cached in
# BUILD/ports/toybox/linux) run by the host's mksh on this host.
# toybox's driver, scripts/test.sh, is bash (ExOS has none); the runner
# here does what its do_test does for each command: a fresh testdir,
# $C the command's path, the .test file sourced in a subshell, with
# VERBOSE=all (go on after a failure) and the result words renamed
# (T-PASS/T-FAIL/T-SKIP, so make test does not count each one).
# Both sides run the same commands: PATH is exactly the names of ExOS's
# /bin (the Linux toybox for toybox's, the host's programs of the same
# Debian packages for the other ports).
# It prints the pass counts on both sides and the cases that pass on
# Linux but not on ExOS (the libexos gaps: docs/PORTING.md), and checks
# that ExOS passes at least TOYBOX_MIN (the recorded count for the
# commands run) and that every case in the gap is a known one.
#   tests/guest/toyboxsuite.sh [--accel tcg|kvm] [KERNEL [CMD...]]
# With no CMD: the set below (`make test-ports`: about 10 min under TCG,
# too slow for make test); "all": every command toybox has a test for.
# TOYBOX_QUICK=1 (tests/guest/toyboxquick.sh, in make test): the
# representative subset QUICK below, about 1 min of TCG.
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
[ $# -gt 0 ] && shift
build=$(dirname "$(dirname "$kernel")")
# (absolute: the Linux build below runs in other directories)
build=$(cd "$build" && pwd) || { echo "FAIL: toyboxsuite: no build directory"; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
run="$top/scripts/exos-run"
rootfs=$build/rootfs
src=$build/ports/toybox/src
export KERNEL="$kernel" ACCEL="$accel"
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS: toyboxsuite: $1"; }
fail() { echo "FAIL: toyboxsuite: $1"; failed=1; }
done_() { echo ALL-DONE; [ $failed = 0 ] && exit 0 || exit 1; }

# the set `make test-ports` runs and the pass count ExOS reached on it
# when it was recorded (session 7, 20 commands: 322 passed; session 10,
# the 36 below (issue 12's ls cp mv rm mkdir ln chmod touch find sed
# grep xargs tee du date added), 2026-12-06 23:42-00:03 UTC, in two
# parts on the same build: ExOS 933 passed, 35 failed, in 618 s of TCG
# (over 10 min); the same toybox on Linux, same commands and shell, 951
# and 15; the 20 between them are KNOWN_GAPS below): raise it as
# libexos gets better; then 946 = 933 + date's 9 and find's 4, closed
# by the time-zone database and named FIFOs (a run of date find mkfifo
# on the merged tree, 2026-12-07 00:41 UTC: ExOS 95/5 as Linux 95/5)
SET="basename cat cut dirname echo expand head link md5sum \
    nl paste printf rev seq sha1sum sort tac tail tr wc \
    ls cp mv rm mkdir ln chmod touch find sed grep xargs tee du date"
TOYBOX_MIN=${TOYBOX_MIN:-946}
# make test's subset: files (cat, head, tail's seeks and -f), pipes, a
# signal (tail -f is killed), /dev; its recorded ExOS count (59 in
# session 7; 62 of 62, as Linux, with /dev/full and inotify: 2026-12-06
# 18:29 UTC, session 8, TCG)
QUICK="cat head tail wc"
QUICK_MIN=${QUICK_MIN:-62}
# the cases known to pass on Linux and not on ExOS, with their libexos
# cause (docs/PORTING.md, "toybox's own suite"); any other case in the
# gap is a FAIL (a libexos regression, or a new gap to diagnose)
# (session 8, ports12: /dev/full and inotify closed the last three,
# `cat > /dev/full`, `tail -f one`, `tail -f one two three`; session 10
# widened SET and found these: du's, an empty C-FFS directory holds no
# block (a design difference); rm's, skipped on ExOS as not root.
# Found and closed in session 10: date's 9 (the image had no time-zone
# database; scripts/mkimage installs /usr/share/zoneinfo now) and find's
# 4 (named FIFOs))
KNOWN_GAPS="du (no options)
du -H follows specified symlinks
du -HL follows symlinks
du -L avoid endless loop
du -L follows symlinks
du -s
rm -f <readonly_filesystem>/<missing_file>"

[ -x "$rootfs/bin/toybox" ] && [ -x "$rootfs/bin/mksh" ] ||
	{ fail "no toybox or mksh in $rootfs (make image)"; done_; }
command -v mksh >/dev/null || { fail "host has no mksh"; done_; }
[ -f "$src/generated/config.h" ] || { fail "no $src (make ports/toybox)"; done_; }

# the same toybox for Linux, built once per toybox build
lin=$build/ports/toybox/linux
if [ ! -x "$lin/toybox" ] || [ "$lin/toybox" -ot "$build/ports/toybox/installed" ]; then
	rm -rf "$lin"
	cp -a "$src" "$lin"
	# Debian's musl (musl-gcc) has no crypt(); musl's own crypt objects
	# (no system calls in them) from the sysroot's libc.a, same version
	mkdir -p "$lin/crypt"
	(cd "$lin/crypt" && ar x "$build/sysroot/lib/libc.a" crypt.lo \
	    crypt_blowfish.lo crypt_des.lo crypt_md5.lo crypt_r.lo \
	    crypt_sha256.lo crypt_sha512.lo encrypt.lo)
	(cd "$lin" && make clean HOSTCC=gcc && make toybox \
	    CC="${HOSTMUSL:-musl-gcc}" HOSTCC=gcc \
	    LDFLAGS="-static $(echo "$lin"/crypt/*.lo)" \
	    CFLAGS="-O2 -idirafter $lin/uapi") \
	    >"$tmp/linbuild.log" 2>&1 && [ -x "$lin/toybox" ] || {
		fail "building toybox for Linux (tail of the log:)"
		tail -n 20 "$tmp/linbuild.log"; done_; }
fi

# the commands: those with a test file that this toybox has
have=$("$lin/toybox" | tr -s ' \n' '\n\n')
tmo=1800
if [ "$1" = all ]; then
	tmo=5400        # (81 commands: ~25 min of TCG on a quiet host)
	cmds=""
	for f in "$src"/tests/*.test; do
		[ -x "$f" ] || continue
		c=${f##*/}; c=${c%.test}
		echo "$have" | grep -qx "$c" && cmds="$cmds $c"
	done
elif [ $# -gt 0 ]; then
	cmds="$*"
elif [ "${TOYBOX_QUICK:-0}" = 1 ]; then
	cmds=$QUICK
	TOYBOX_MIN=$QUICK_MIN
	SET=$QUICK
else
	cmds=$SET
fi
[ "$cmds" = "$SET" ] || TOYBOX_MIN=0     # (recorded for SET only)
# three times as long under KVM, where every kernel entry is slow: the
# quick set reached its 45th case of 62 in 1800 s there (tail's
# bigfile, 10,000 echo -n into a file, took about 10 minutes; about
# 1 min for the whole set under TCG; docs/TESTING.md)
[ "$accel" = kvm ] && tmo=$((tmo * 3))
# Under KVM (the nested hypervisor: a command takes seconds there, 20-30
# s a case) a case whose expected output depends on a command starting
# within toybox's own sleep is a known gap too, and the recorded count
# one less for each in the set run: "tail -f one two three" appends to
# two of its files 0.25 s after it starts tail in the background, and a
# tail that starts later prints those lines in its first listing (one
# before two), not after it; "tail -f one" is the same race but prints
# the same either way.  Session 15: toyboxquick under KVM, 61 of 62,
# this case the one (2830 s).
KVM_TIMING_GAPS="tail -f one two three"
if [ "$accel" = kvm ]; then
	KNOWN_GAPS="$KNOWN_GAPS
$KVM_TIMING_GAPS"
	for c in $cmds; do
		[ "$c" = tail ] && [ "$TOYBOX_MIN" -gt 0 ] &&
		    TOYBOX_MIN=$((TOYBOX_MIN - 1))
	done
fi
opts=:$(sed -nr 's/^#define CFG_(.*) 1$/\1/p' "$src/generated/config.h" | tr '\n' :)

# the runner: mksh run.mksh SRC WORK CMD...
cat >"$tmp/run.mksh" <<'EOF'
src=$1 work=$2
shift 2
export FILES=$src/tests/files LC_COLLATE=C VERBOSE=all
SHOWPASS=T-PASS SHOWFAIL=T-FAIL SHOWSKIP=T-SKIP
. $src/scripts/runtest.sh
for CMDNAME; do
	mkdir -p $work && cd $work && rm -rf testdir && mkdir testdir &&
	    cd testdir || exit 1
	# the program's path, as toybox's own scripts/test.sh has it
	# (command -v gives mksh's builtin echo, not toybox's)
	C=$(whence -p $CMDNAME) || C=$CMDNAME
	echo "T-CMD $CMDNAME $(date +%s)"
	( . $src/tests/$CMDNAME.test )
done
echo T-END
EOF

# the suite's files: tests/, scripts/runtest.sh
mkdir -p "$tmp/t/toybox/scripts"
cp -a "$src/tests" "$tmp/t/toybox/"
cp "$src/scripts/runtest.sh" "$tmp/t/toybox/scripts/"
cp "$tmp/run.mksh" "$tmp/t/"

# ---- Linux ----
# PATH holds exactly the names of ExOS's /bin: toybox's commands the
# Linux toybox, the other ports (mksh, diff, gzip, ...) the host's
# programs of the same Debian packages; nothing else (with the host's
# PATH after it, a command toybox lacks, say fold, was the host's GNU
# one on Linux and "not found" on ExOS)
mkdir -p "$tmp/linbin"
for c in $(ls "$rootfs/bin"); do
	if echo "$have" | grep -qxF -- "$c"; then
		ln -s "$lin/toybox" "$tmp/linbin/$c"
	elif h=$(command -v -- "$c") && [ "${h#/}" != "$h" ]; then
		ln -s "$h" "$tmp/linbin/$c"
	fi
done
start=$(date +%s)
(cd "$tmp" && PATH="$tmp/linbin" OPTIONFLAGS="$opts" \
    timeout 600 "$tmp/linbin/mksh" "$tmp/t/run.mksh" "$tmp/t/toybox" "$tmp/lw" $cmds \
    </dev/null) >"$tmp/linux.out" 2>&1
lsec=$(( $(date +%s) - start ))

# ---- ExOS ----
stage=$tmp/stage
cp -a "$rootfs" "$stage"
cp -a "$tmp/t" "$stage/t"
kib=$(du -sk "$stage" | cut -f1)
# blkid's f2fs case writes a 128 MiB image (bzcat of tests/files/blkid/
# f2fs.bz2): room for it when blkid runs, or bzcat stops with ENOSPC
room=48
case " $cmds " in *" blkid "*) room=$(( room + 160 ));; esac
"$build/cffs/mkfs.cffs" -d "$stage" "$tmp/root.cffs" $(( kib / 1024 * 2 + room ))M \
    >/dev/null || { fail "mkfs.cffs"; done_; }
start=$(date +%s)
# PWD exported, as the host's environment has it on the Linux side
# (mksh exports PWD only if it came in the environment; toybox's
# realpath -s and friends read $PWD)
"$run" --timeout $tmo --disk "$tmp/root.cffs" --env OPTIONFLAGS="$opts" \
    "$rootfs/bin/mksh" -c "exec </dev/null; export PWD; mksh /t/run.mksh /t/toybox /tmp/tw $cmds" \
    >"$tmp/exos.out" 2>&1
rc=$?
esec=$(( $(date +%s) - start ))

# the verdicts, "CMD NAME" per line
verdicts() {    # verdicts OUT WORD
	# (ps's case names the pid it looks for: one name on both sides)
	grep -a "^$2: " "$1" | sed "s/^$2: //" |
	    sed -E 's/^(ps -o pid) [0-9]+$/\1 PID/' | sort -u
}
# (TOYBOX_OUT=DIR keeps both sides' output there)
[ -n "${TOYBOX_OUT:-}" ] && mkdir -p "$TOYBOX_OUT" &&
    cp "$tmp/linux.out" "$tmp/exos.out" "$TOYBOX_OUT/"
lp=$(verdicts "$tmp/linux.out" T-PASS | wc -l)
ep=$(verdicts "$tmp/exos.out" T-PASS | wc -l)
lf=$(verdicts "$tmp/linux.out" T-FAIL | wc -l)
ef=$(verdicts "$tmp/exos.out" T-FAIL | wc -l)
echo "toyboxsuite: $(echo $cmds | wc -w) commands: Linux $lp passed, $lf failed ($lsec s); ExOS $ep passed, $ef failed ($esec s, status $rc)"
verdicts "$tmp/linux.out" T-PASS >"$tmp/lp"
verdicts "$tmp/exos.out" T-PASS >"$tmp/ep"
gap=$(comm -23 "$tmp/lp" "$tmp/ep")
if [ -n "$gap" ]; then
	# (those ExOS skipped, by toybox's own test conditions, apart:
	# "not root" is not a gap -- ExOS runs as uid 1000, the Linux side
	# as whoever runs the test -- a missing file or feature may be)
	verdicts "$tmp/exos.out" T-SKIP >"$tmp/es"
	echo "toyboxsuite: passing on Linux, failing on ExOS:"
	echo "$gap" | grep -vxF -f "$tmp/es" | sed 's/^/    /'
	echo "toyboxsuite: passing on Linux, skipped on ExOS:"
	echo "$gap" | grep -xF -f "$tmp/es" | sed 's/^/    /'
fi
if [ -n "$KNOWN_GAPS" ]; then
	new=$(echo "$gap" | grep -vxF -e "$KNOWN_GAPS" | grep .)
else
	new=$(echo "$gap" | grep .)
fi
if [ -z "$new" ]; then
	pass "every case that passes on Linux and not on ExOS is a known gap"
else
	fail "cases pass on Linux and not on ExOS beyond the known gaps:"
	echo "$new" | sed 's/^/    /'
fi
grep -aq '^T-END' "$tmp/exos.out" && pass "the ExOS run reached its end" ||
	{ fail "the ExOS run did not reach its end (status $rc)"; tail -n 15 "$tmp/exos.out"; }
grep -aq '^T-END' "$tmp/linux.out" && pass "the Linux run reached its end" ||
	fail "the Linux run did not reach its end"
if [ "$ep" -ge "$TOYBOX_MIN" ]; then
	pass "ExOS passes $ep of toybox's cases (at least the recorded $TOYBOX_MIN)"
else
	fail "ExOS passes $ep of toybox's cases, fewer than the recorded $TOYBOX_MIN"
fi
done_
