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
# its summary line and exit 0 on both systems (tests/guest/pair.sh).
#   tests/guest/shebang.sh [--accel tcg|kvm] [KERNEL]
. "$(dirname "$0")/pair.sh"

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
pair_exos shebang "${adds[@]}" \
    "$build/tests/shebang.elf" /etc/sb /bin/shebang /etc/text /etc/noexec

# Linux (the scripts name $tmp/shebang, which pair_linux builds)
scripts "$tmp/lsb" "$tmp/lsb" "$tmp/shebang" "$tmp/text" "$tmp/noexec"
pair_linux shebang "$tmp/lsb" "$tmp/shebang" "$tmp/text" "$tmp/noexec"
pair_end
