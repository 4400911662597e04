#!/bin/bash
# tests/guest/shebang.sh: execve of "#!" interpreter scripts
# (libexos/posix/exec.c, shebang.c).  tests/posix/shebang.c runs under
# scripts/exos-run with the scripts made here added as in-memory files
# under /etc/sb (their interpreter: /bin/shebang, the program itself),
# and, built with the host's gcc, on Linux with the same scripts in a
# directory of the host (their interpreter the host build), where every
# check must pass the same way: the arguments the interpreter gets, the
# line's limits (255 bytes, 5 scripts in a chain), ELOOP, ENOEXEC,
# ENOENT, EACCES.  Its PASS/FAIL lines are the checks; it must reach
# its summary line and exit 0 on both systems.
#   tests/guest/shebang.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# scripts DIR SDIR INTERP TEXT NOEXEC: the scripts, made in DIR, naming
# SDIR (where the program will find them) and INTERP
scripts() {
	local d="$1" s="$2" i="$3" t="$4" nx="$5" k
	mkdir -p "$d"
	printf '#!%s  one two \n' "$i" >"$d/arg"
	printf '#!%s\n' "$i" >"$d/noarg"
	printf '#!%s\targ\tx\n' "$i" >"$d/tab"
	printf '#!%s arg\r\n' "$i" >"$d/crlf"
	printf '#!%s' "$i" >"$d/nonl"
	printf '#!%s\n' "$s/noarg" >"$d/nest"
	printf '#!%s\n' "$i" >"$d/c1"
	for k in 2 3 4 5 6; do
		printf '#!%s\n' "$s/c$((k - 1))" >"$d/c$k"
	done
	printf '#!%s\n' "$s/self" >"$d/self"
	printf '#!%s %s\n' "$i" "$(printf 'a%.0s' $(seq 300))" >"$d/longarg"
	printf '#!/%s\n' "$(printf 'p%.0s' $(seq 300))" >"$d/longname"
	printf '#!\n' >"$d/empty"
	printf '#! \t \n' >"$d/blank"
	printf '#!/no/such/interpreter\n' >"$d/missing"
	printf '#!%s\n' "$t" >"$d/text"
	printf '#!%s\n' "$nx" >"$d/noxinterp"
	printf '#!%s\n' "$i" >"$d/nox"
	chmod 755 "$d"/*
	chmod 644 "$d/nox"
}

# ExOS
printf 'just text\n' >"$tmp/text" && chmod 755 "$tmp/text"
printf 'x\n' >"$tmp/noexec" && chmod 644 "$tmp/noexec"
scripts "$tmp/exos" /etc/sb /bin/shebang /etc/text /etc/noexec
adds=(--add "$build/tests/shebang.elf:/bin/shebang"
    --add "$tmp/text:/etc/text" --add "$tmp/noexec:/etc/noexec")
for f in "$tmp"/exos/*; do
	adds+=(--add "$f:/etc/sb/$(basename "$f")")
done
"$top/scripts/exos-run" --timeout 240 "${adds[@]}" \
    "$build/tests/shebang.elf" /etc/sb /bin/shebang /etc/text /etc/noexec \
    >"$tmp/out" 2>&1
rc=$?
tr -d '\r' <"$tmp/out"
if ! tr -d '\r' <"$tmp/out" | grep -q '^PASS: shebang: 0 failed$'; then
	echo "FAIL: shebang: ExOS: no clean summary line (status $rc)"
	failed=1
elif [ $rc -ne 0 ]; then
	echo "FAIL: shebang: ExOS: exit status $rc"
	failed=1
fi

# Linux
if cc -O2 -Wall -o "$tmp/shebang" "$top/tests/posix/shebang.c" 2>"$tmp/cc"; then
	scripts "$tmp/lsb" "$tmp/lsb" "$tmp/shebang" "$tmp/text" "$tmp/noexec"
	(cd "$tmp" && ./shebang "$tmp/lsb" "$tmp/shebang" "$tmp/text" \
	    "$tmp/noexec") >"$tmp/lout" 2>&1
	rc=$?
	sed 's/^\(PASS\|FAIL\): shebang: /\1: shebang: Linux: /' "$tmp/lout"
	if [ $rc -ne 0 ] || ! grep -q '^PASS: shebang: 0 failed$' "$tmp/lout"; then
		echo "FAIL: shebang: Linux: status $rc"
		failed=1
	fi
else
	echo "FAIL: shebang: Linux: cannot build: $(head -c 300 "$tmp/cc")"
	failed=1
fi
echo ALL-DONE
[ $failed -eq 0 ]
