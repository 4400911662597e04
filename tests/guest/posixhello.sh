#!/bin/bash
# tests/guest/posixhello.sh: the sysroot and the first program built
# with exos-cc.  (1) musl's libc.a has no syscall instruction left: all
# its calls go to __exos_syscall.  (2) tests/posix/hello.c, booted as the
# first process with arguments and EXOS_SYSCOUNT=1, passes its checks,
# prints the call counts at exit, and its exit status (0) ends QEMU.
# (3) The same source built for Linux (posixhello.linux: musl-gcc
# -static) passes the same checks on this host, run as "hello one two"
# with EXOS_SYSCOUNT=1; its lines are tagged "linux:".
#   tests/guest/posixhello.sh [--accel tcg|kvm] [KERNEL [PROGRAM.elf]]
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
prog=${2:-$build/tests/posixhello.elf}
libc=$build/sysroot/lib/libc.a
qemu=$(dirname "$0")/../../scripts/qemu
failed=0

# (1) no raw system call instruction in musl
if [ ! -f "$libc" ]; then
	echo "FAIL: sysroot: no $libc (make sysroot)"
	failed=1
else
	n=$(objdump -d "$libc" | grep -cP '\t(syscall|sysenter|int +\$0x80)\s*$')
	if [ "$n" -eq 0 ]; then
		echo "PASS: sysroot: no syscall instruction in libc.a"
	else
		echo "FAIL: sysroot: $n syscall instructions in libc.a"
		failed=1
	fi
fi

# (2) the program, as the first process
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# A module's command line holds 47 bytes: boot it by its file name,
# from its directory.
kernel=$(realpath "$kernel") qemu=$(realpath "$qemu")
(cd "$(dirname "$prog")" && "$qemu" --accel "$accel" --test "$kernel" \
    "$(basename "$prog") EXOS_SYSCOUNT=1 one two") >"$tmp" 2>&1
rc=$?
tr -d '\r' <"$tmp" | grep -v '^ALL-DONE'
expect() {      # expect WHAT PATTERN: a line of the output matches
	if tr -d '\r' <"$tmp" | grep -qE "$2"; then
		echo "PASS: posix: $1"
	else
		echo "FAIL: posix: $1"
		failed=1
	fi
}
expect "hello printed by printf" '^hello from musl on ExOS: posixhello.elf, 3 args$'
expect "stderr written" '^stderr: unbuffered$'
expect "the program reached its end" '^ALL-DONE$'
expect "EXOS_SYSCOUNT: write counted" '^exos: syscall 1: [0-9]+$'
expect "EXOS_SYSCOUNT: unknown call 400 counted as ENOSYS" '^exos: syscall 400: 1 ENOSYS$'
if [ $rc -eq 0 ]; then
	echo "PASS: posix: exit status 0 reached QEMU"
else
	echo "FAIL: posix: QEMU status $rc, not the program's 0"
	failed=1
fi

# (3) on Linux
lprog=$build/tests/posixhello.linux
if [ ! -x "$lprog" ]; then
	echo "FAIL: posix: linux: no $lprog (run make)"
	failed=1
else
	ldir=$(mktemp -d)
	cp "$lprog" "$ldir/hello"
	(cd "$ldir" && exec timeout -k 5 60 env -i EXOS_SYSCOUNT=1 ./hello one two \
	    </dev/null >"$tmp" 2>&1)
	rc=$?
	rm -rf "$ldir"
	grep -E '^(PASS|FAIL): ' "$tmp" | sed -E 's/^(PASS|FAIL): posix: /\1: posix: linux: /'
	if [ $rc -eq 0 ] && grep -q '^ALL-DONE$' "$tmp"; then
		echo "PASS: posix: linux: reached its end, status 0"
	else
		echo "FAIL: posix: linux: status $rc or no ALL-DONE"
		failed=1
	fi
fi
echo ALL-DONE
[ $failed -eq 0 ]
