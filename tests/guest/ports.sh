#!/bin/bash
# tests/guest/ports.sh: the ports dash and toybox (ports/, built with
# exos-cc by `make ports`) run on ExOS through scripts/exos-run, each
# case's output and status compared with the same command on Linux: the
# dash cases with the host's /bin/dash, the toybox cases with the host's
# coreutils (or a fixed expectation: toybox's wc does not pad).
# Only what must work is asserted: no files written (exos-run's files
# are read-only without --disk), no commands on the host's PATH.
#   tests/guest/ports.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
run="$top/scripts/exos-run"
dash=$build/ports/dash/root/bin/dash
toybox=$build/ports/toybox/root/bin/toybox
export KERNEL="$kernel" ACCEL="$accel"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: ports: $1"; }
fail() { echo "FAIL: ports: $1"; failed=1; }
for f in "$dash" "$toybox"; do
	[ -x "$f" ] || { fail "$f missing (make ports)"; exit 1; }
done

# check NAME WANT_RC GOT_RC WANT_FILE GOT_FILE
check() {
	if [ "$2" != "$3" ]; then
		fail "$1 (status $3, want $2)"
		sed 's/^/    /' "$5" | head -n 20
		return
	fi
	if ! cmp -s "$4" "$5"; then
		fail "$1 (output differs)"
		diff "$4" "$5" | head -n 20 | sed 's/^/    /'
		return
	fi
	pass "$1"
}

# exos NAME PROGRAM ARGS...: run on ExOS into $tmp/got (stdout and
# stderr: one console), status in $got_rc; the files in $tmp/files are
# added under /etc, toybox as /bin/toybox, and D=/etc is in the
# environment (on the host D is $tmp/files)
exos() {
	local adds=(--env D=/etc --add "$toybox:/bin/toybox")
	for f in "$tmp"/files/*; do
		[ -f "$f" ] && adds+=(--add "$f:/etc/${f##*/}")
	done
	shift
	"$run" --timeout 60 "${adds[@]}" "$@" >"$tmp/got" 2>&1
	got_rc=$?
}

mkdir -p "$tmp/files"
printf 'one two\nthree\n\nfour five six\nzeta\nalpha\n' >"$tmp/files/words"
seq 1 5000 >"$tmp/files/nums"

# ---- dash: one process, compared with the host's dash ----
dcase() {       # dcase NAME SCRIPT
	(cd "$tmp/files" && D=$tmp/files /bin/dash -c "$2") >"$tmp/want" 2>&1
	want_rc=$?
	exos "$1" "$dash" -c "$2"
	check "dash: $1" $want_rc $got_rc "$tmp/want" "$tmp/got"
}
dcase "echo and exit 3" 'echo hello; exit 3'
dcase "exit 255" 'exit 255'
dcase "false is 1" 'false'
dcase "loops, arithmetic, case, functions" \
    'i=0; s=0; while [ $i -lt 100 ]; do i=$((i+1)); s=$((s+i*i)); done; echo $i $s
     f() { echo "f:$1:$#"; return 7; }; f a "b c"; echo st=$?
     for w in x "y z" w; do case $w in x) echo ex;; *" "*) echo space;; *) echo other:$w;; esac; done
     set -- 1 2 3; shift; echo $# "$@"; ! true; echo $?'
dcase "variables and expansions" \
    'v=hello; echo ${v#he} ${v%lo} ${#v} ${u:-dflt} ${v:+set}; u=; echo "[${u=x}]"
     IFS=:; set -- a:b::c; echo $#; unset IFS; printf "%s|%5d|%-3s|%x\n" str 42 ab 255'
dcase "read a file with a redirection" \
    'n=0; while read a b; do n=$((n+1)); echo "$n:$a:$b"; done < $D/words; echo lines=$n'
dcase "pipes, \$(...), here-documents, subshells" \
    'x=$(echo sub; echo two); echo "[$x]"; echo hi there | { read a b; echo "$b $a"; }
     f() { echo one; echo two; }; f | while read l; do echo "<$l>"; done
     read v <<END
here $x
END
     echo "$v"; (exit 4); echo st=$?; echo a | (read y; exit 5); echo st=$?'
dcase "missing file" 'read x < /nonexistent; echo st=$?'
# (ExOS only: the host has no toybox)
printf 'before\nvia exec\n' >"$tmp/want"
exos "exec" "$dash" -c 'echo before; exec /bin/toybox echo via exec; echo not reached'
check "dash: exec replaces the shell" 0 $got_rc "$tmp/want" "$tmp/got"

# ---- toybox: each case compared with the host's coreutils ----
tcase() {       # tcase NAME HOSTCMD -- TOYBOXARGS...
	local name="$1" host="$2"
	shift 3
	(cd "$tmp/files" && sh -c "$host") >"$tmp/want" 2>&1
	want_rc=$?
	exos "$name" "$toybox" "$@"
	check "toybox: $name" $want_rc $got_rc "$tmp/want" "$tmp/got"
}
tcase "echo" 'echo hello world' -- echo hello world
tcase "seq" 'seq 3 4 20' -- seq 3 4 20
tcase "wc" 'echo "6 8 40 /etc/words"' -- wc /etc/words
tcase "cat of 5000 lines" 'cat nums' -- cat /etc/nums
tcase "sha1sum" 'sha1sum nums | sed "s|nums|/etc/nums|"' -- sha1sum /etc/nums
tcase "md5sum" 'md5sum words | sed "s|words|/etc/words|"' -- md5sum /etc/words
tcase "sort" 'sort words' -- sort /etc/words
tcase "head and tail" 'tail -n 3 nums' -- tail -n 3 /etc/nums
tcase "cut" 'cut -d " " -f 2 words' -- cut -d " " -f 2 /etc/words
tcase "od" 'od -c words' -- od -c /etc/words
# a missing file: status 1 and a message naming it (toybox's own words)
exos "missing" "$toybox" cat /etc/nonexistent
if [ "$got_rc" = 1 ] && grep -q "/etc/nonexistent" "$tmp/got"; then
	pass "toybox: missing file is status 1, named"
else
	fail "toybox: missing file (status $got_rc: $(head -c 200 "$tmp/got"))"
fi

# a command through its link name: argv[0] picks the command, as the
# links in /bin do (exos-run names the program /bin/NAME)
cp "$toybox" "$tmp/uniq"
printf 'a\na\nb\nb\nb\nc\n' >"$tmp/files/dups"
uniq -c "$tmp/files/dups" >"$tmp/want"
exos "uniq by name" "$tmp/uniq" -c /etc/dups
check "toybox: uniq -c through its name" 0 $got_rc "$tmp/want" "$tmp/got"

# (scripts/run-tests wants this line: the script ran to its end)
echo ALL-DONE
[ $failed = 0 ] && exit 0 || exit 1
