#!/bin/bash
# tests/guest/exosrun.sh: scripts/exos-run and execve.  Each case boots
# Xok through exos-run and checks the exit status and the exact output:
# statuses 0, 3, 255 pass through; a timeout is 124, a null-pointer
# write 139 (128 + SIGSEGV); --add files are readable (and read-only);
# argv with spaces, empty and 150 arguments and the environment arrive
# intact; stdout and stderr are both printed and nothing else is
# (no boot chatter) unless --verbose; a missing PROGRAM is 127, a
# non-ELF one 126.  exectest (tests/posix/exectest.c): failed execs
# return ENOENT, ENOEXEC, EACCES, EFAULT, E2BIG and the program goes on;
# then it execs runtest with 204 arguments and a new environment, whose
# status, 77 only if everything arrived, comes out of exos-run.  The
# two programs are also built with the host's gcc and run on Linux
# where the expectations are the same.  First, without QEMU, exos-run's
# console splitter on made-up streams (tests/guest/exosruncons.py): a
# kernel line cut by QEMU's end never reaches the program's output.
#   tests/guest/exosrun.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
run="$top/scripts/exos-run"
rt=$build/tests/runtest.elf
et=$build/tests/exectest.elf
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: exosrun: $1"; }
fail() { echo "FAIL: exosrun: $1"; failed=1; }
# check NAME WANT_RC GOT_RC [WANT_FILE GOT_FILE]
check() {
	if [ "$2" != "$3" ]; then
		fail "$1 (status $3, want $2)"
		[ -n "$5" ] && sed 's/^/    /' "$5" | head -n 20
		return
	fi
	if [ -n "$4" ] && ! cmp -s "$4" "$5"; then
		fail "$1 (output differs)"
		diff "$4" "$5" | head -n 20 | sed 's/^/    /'
		return
	fi
	pass "$1"
}

# the console splitter, on the host
python3 "$top/tests/guest/exosruncons.py" || failed=1

# exit statuses pass through; no output at all
for code in 0 3 255; do
	"$run" "$rt" exit $code >"$tmp/out" 2>"$tmp/err"
	rc=$?
	: >"$tmp/empty"
	cat "$tmp/err" >>"$tmp/out"
	check "exit status $code, nothing printed" $code $rc "$tmp/empty" "$tmp/out"
done

# argv and the environment, stdout and stderr, no chatter
args=("a b" "" "  two  spaces  " 'q"uo'"'"'te' '$HOME' "*")
for i in $(seq 1 150); do args+=("arg$i"); done
"$run" --env "V=x y" --env "EMPTY=" "$rt" echo "${args[@]}" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
{
	echo "argc=$((2 + ${#args[@]}))"
	echo "arg[echo]"
	for a in "${args[@]}"; do echo "arg[$a]"; done
	for e in PATH=/bin HOME=/ TERM=dumb USER=root "V=x y" EMPTY=; do
		echo "env[$e]"
	done
	echo "this is stderr"
} >"$tmp/want"
check "argv (spaces, empty, 156 args), env, stdout and stderr" 3 $rc \
    "$tmp/want" "$tmp/out"
[ -s "$tmp/err" ] && fail "exos-run wrote to stderr: $(head -c 200 "$tmp/err")" ||
    pass "nothing on exos-run's stderr"

# --add: a file of 20,000 bytes, read back whole, and its errors
for i in $(seq 1 2000); do printf 'line %04d\n' $i; done >"$tmp/data.txt"
"$run" --add "$tmp/data.txt:/etc/data.txt" "$rt" cat /etc/data.txt \
    >"$tmp/out" 2>&1
rc=$?
{ cat "$tmp/data.txt"; echo "cat: ok"; } >"$tmp/want.cat"
check "--add file read whole; read-only (EROFS), EBADF, ENOENT" 0 $rc \
    "$tmp/want.cat" "$tmp/out"

# a timeout
"$run" --timeout 3 "$rt" sleep >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--timeout: status 124" 124 $rc
grep -q "timed out" "$tmp/err" && pass "--timeout: says so" ||
    fail "--timeout: no message ($(cat "$tmp/err"))"

# a fault kills the program: 128 + SIGSEGV
"$run" "$rt" fault >"$tmp/out" 2>"$tmp/err"
rc=$?
echo "about to fault" >"$tmp/want"
check "a null-pointer write: status 139, its output kept" 139 $rc \
    "$tmp/want" "$tmp/out"

# --verbose: the boot messages, on stderr
"$run" --verbose "$rt" exit 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$tmp/out" ] &&
    grep -q '^xok: exokernel booting' "$tmp/err"; then
	pass "--verbose: the boot messages on stderr, none on stdout"
else
	fail "--verbose (status $rc)"
fi

# a kernel panic: 125 and the panic on stderr
EXOS_RUN_APPEND=xok.testpanic "$run" "$rt" exit 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a kernel panic: status 125" 125 $rc "$tmp/empty" "$tmp/out"
grep -q "kernel panic" "$tmp/err" && grep -q "xok.testpanic" "$tmp/err" &&
    pass "a kernel panic: said so on stderr" ||
    fail "a kernel panic: no message ($(head -c 300 "$tmp/err"))"

# PROGRAM missing or not an ELF executable: no boot
"$run" "$tmp/nothing" >/dev/null 2>&1
check "a missing PROGRAM: 127" 127 $?
"$run" "$tmp/data.txt" >/dev/null 2>&1
check "a PROGRAM that is not ELF: 126" 126 $?

# execve
printf 'just text\n' >"$tmp/text" && chmod 755 "$tmp/text"
printf 'x\n' >"$tmp/noexec" && chmod 644 "$tmp/noexec"
"$run" --add "$rt:/bin/runtest" --add "$tmp/text:/etc/text" \
    --add "$tmp/noexec:/etc/noexec" "$et" /bin/runtest /etc/text /etc/noexec \
    >"$tmp/out" 2>&1
rc=$?
cat >"$tmp/want" <<'WANT'
exectest: ok: a missing file: ENOENT
exectest: ok: an executable text file: ENOEXEC
exectest: ok: a file without x: EACCES
exectest: ok: a null path: EFAULT
exectest: ok: a bad argument pointer: EFAULT
exectest: ok: a 2 MiB argument: E2BIG
exectest: still running after the failed execs
WANT
check "execve: failed execs return their errors; B's status (77) comes out" \
    77 $rc "$tmp/want" "$tmp/out"

# an exec chain gives each image's pages back
"$run" "$rt" chain 20 >"$tmp/out" 2>&1
check "20 execs in a row: the free-page count does not move" 0 $? \
    "$tmp/empty" "$tmp/out"

# the same programs on Linux
if cc -O2 -o "$tmp/rt" "$top/tests/posix/runtest.c" 2>"$tmp/cc" &&
    cc -O2 -o "$tmp/et" "$top/tests/posix/exectest.c" 2>>"$tmp/cc"; then
	(cd "$tmp" && ./et ./rt ./text ./noexec >/dev/null 2>&1)
	check "Linux: exectest, the same errors and status" 77 $?
	"$tmp/rt" cat "$tmp/data.txt" >"$tmp/out" 2>&1
	check "Linux: runtest cat" 0 $? "$tmp/want.cat" "$tmp/out"
	"$tmp/rt" chain 20
	check "Linux: runtest chain" 0 $?
else
	fail "Linux: cannot build the programs: $(head -c 300 "$tmp/cc")"
fi
echo ALL-DONE
[ $failed -eq 0 ]
