#!/bin/bash
# tests/guest/ports2.sh: the ports gzip, pax, diffutils, mksh and bmake
# used for real on ExOS, each case's output and status compared with
# the same commands run on this host with the host's gzip, pax, diff,
# cmp, diff3, sdiff, mksh and bmake (Debian's builds of the same
# versions).  One boot: the image is build/rootfs (`make image`: every
# port) plus /d, the test data; dash runs /d/run.sh, which runs each
# case in /d with its output in a file (so stdout and stderr interleave
# as on the host) and prints it between "@@@ NAME" and "@@@ st=N"
# lines, split here into one file per case.
# The cases: gzip -9 -n of a 10 MiB file equal byte for byte to the
# host's gzip -9 -n (checked on ExOS with the port's cmp) and gunzip
# round trips, gzip in place, a corrupt file; pax -rw and pax -w | gzip
# | pax -r of a tree (long names, empty files, a symbolic link, an
# empty directory, modes) checked with diff -r, pax -rw -pe (modes and
# times kept, no warning: musl's fchmodat goes through O_PATH and
# /proc/self/fd), and pax reading the host pax's archive; (fifo) a FIFO
# through pax -rw and pax -w | pax -r; diff -r/-u/-q, cmp, diff3, sdiff with exit codes
# 0, 1 and 2; an mksh script with arrays and functions; bmake building
# a project of shell-tool rules (targets, dependencies, variables,
# .PHONY, .for, modifiers), then nothing, then only what a touch made
# stale.  Afterwards fsck.cffs -n must find the image clean.
#   tests/guest/ports2.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
run="$top/scripts/exos-run"
rootfs=$build/rootfs
export KERNEL="$kernel" ACCEL="$accel"
# (the host's bmake must not see make test's flags)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: ports2: $1"; }
fail() { echo "FAIL: ports2: $1"; failed=1; }
done_() { echo ALL-DONE; [ $failed = 0 ] && exit 0 || exit 1; }

for f in bin/gzip bin/pax bin/diff bin/cmp bin/diff3 bin/sdiff bin/mksh \
    bin/bmake usr/share/mk/sys.mk bin/sh bin/toybox; do
	[ -e "$rootfs/$f" ] || { fail "no $rootfs/$f (make image)"; done_; }
done
for t in gzip pax diff cmp diff3 sdiff mksh bmake; do
	command -v $t >/dev/null || {
		fail "host has no $t (apt-get install gzip pax diffutils mksh bmake)"
		done_; }
done

# ---- the test data: $tmp/d (becomes /d on ExOS) ----
d=$tmp/d
mkdir -p "$d/w"
seq 1 1500000 | awk '{ print $1 * 7919 % 100003, "line", $1 }' |
    head -c 10485760 >"$d/big"
gzip -9 -n -c "$d/big" >"$d/big.hostgz"
printf 'a small file\n%.0s' $(seq 1 300) >"$d/small"
gzip -9 -n -c "$d/small" >"$d/corrupt.gz"
# flip one byte in the middle of the compressed data
printf '\x55' | dd of="$d/corrupt.gz" bs=1 seek=40 conv=notrunc 2>/dev/null

# a tree for pax
t=$d/tree
mkdir -p "$t/sub/deeper/deepest" "$t/emptydir" "$t/other"
: >"$t/empty"
printf x >"$t/one"
head -c 511 "$d/big" >"$t/sub/b511"
head -c 512 "$d/big" >"$t/sub/b512"
head -c 513 "$d/big" >"$t/sub/b513"
head -c 100000 "$d/big" >"$t/sub/deeper/b100k"
for i in $(seq 1 40); do echo "file $i" >"$t/other/f$i"; done
long=$(printf 'n%.0s' $(seq 1 60))
mkdir -p "$t/$long"
echo "long names: a ustar prefix" >"$t/$long/$long.txt"
echo deepest >"$t/sub/deeper/deepest/leaf"
ln -s ../one "$t/sub/link-to-one"
chmod 0600 "$t/one"
chmod 0755 "$t/sub/b511"
chmod 0700 "$t/other"
(cd "$d" && pax -w -x ustar -f hosttree.tar tree)

# two trees for diff
for s in a b; do mkdir -p "$d/$s/sub"; done
seq 1 50 >"$d/a/same"; cp "$d/a/same" "$d/b/same"
seq 1 50 >"$d/a/f"; seq 1 50 | sed 's/^17$/seventeen/; /^30$/d; $a\
fifty-one' >"$d/b/f"
seq 1 40 >"$d/a/f2short"
echo only a >"$d/a/onlya"; echo only b >"$d/b/onlyb"
printf 'one\ntwo\n' >"$d/a/sub/x"; printf 'one\nTWO\n' >"$d/b/sub/x"
head -c 3000 "$d/big" >"$d/a/bin"; printf '\0' >>"$d/a/bin"
cp "$d/a/bin" "$d/b/bin"; printf '\1' >>"$d/b/bin"
printf 'l1\nl2\nl3\nl4\n' >"$d/m1"; printf 'l1\nL2\nl3\nl4\n' >"$d/m2"
printf 'l1\nl2\nl3\nL4\n' >"$d/m3"

# the mksh script: arrays and functions
cat >"$d/arr.mksh" <<'EOF'
set -A fruit apple banana cherry
fruit[5]=fig
echo "count ${#fruit[@]}: ${fruit[*]}"
echo "indices: ${!fruit[@]}"
for i in "${!fruit[@]}"; do echo "$i=${fruit[i]} (${#fruit[i]})"; done
typeset -i sum=0 n
set -A nums 3 1 4 1 5 9 2 6
for n in "${nums[@]}"; do (( sum += n )); done
echo "sum $sum last ${nums[${#nums[*]}-1]}"
unset fruit[1]
echo "after unset: ${fruit[@]} (${#fruit[@]})"
function fact {
	typeset -i n=$1
	if (( n <= 1 )); then echo 1; return; fi
	echo $(( n * $(fact $((n - 1))) ))
}
fib() { typeset a=0 b=1 i=0 t; while (( i++ < $1 )); do (( t = a + b, a = b, b = t )); done; print $a; }
echo "fact 10 = $(fact 10), fib 30 = $(fib 30)"
function swap { typeset -n x=$1 y=$2; typeset t=$x; x=$y; y=$t; }
p=left q=right; swap p q; echo "$p $q"
s="hello, world"
echo "${s#*, } ${s%%,*} ${#s} ${s/world/there} ${s//l/L}"
typeset -u up=$s; typeset -L5 left5=$s; echo "$up [$left5]"
[[ $s == hello* && $s != *xyz ]] && echo "pattern ok"
print -r -- "$(printf '%05d|%-4s|%x' 42 ab 255)"
read -A words <<< "alpha beta gamma delta"
echo "${#words[@]} ${words[2]}"
echo one two three | while read -r a rest; do echo "[$a] [$rest]"; done
f() { return 3; }; f; echo "status $?"
i=0; while :; do (( ++i > 4 )) && break; (( i == 2 )) && continue; echo "loop $i"; done
case ${nums[5]} in 9) echo nine;; *) echo other;; esac
EOF

# the bmake project: shell-tool rules only
p=$d/proj
mkdir -p "$p/src"
printf 'hello from a\n' >"$p/src/a.in"
printf 'hello from b\n' >"$p/src/b.in"
printf 'hello from c\n' >"$p/src/c.in"
cat >"$p/Makefile" <<'EOF'
NAMES=	a b c
OUTS=	${NAMES:S/$/.up/}
SUFFIX?=	done

.PHONY: all clean show

all: book.txt

.for n in ${NAMES}
${n}.up: src/${n}.in
	@echo "upper ${n}"
	@tr a-z A-Z < src/${n}.in > ${.TARGET}
.endfor

book.txt: ${OUTS}
	@echo "book from ${.ALLSRC}"
	@cat ${.ALLSRC} > ${.TARGET}
	@echo ${SUFFIX} >> ${.TARGET}

show:
	@echo "outs=${OUTS} upper=${NAMES:tu} n=${NAMES:[#]}"
.if ${SUFFIX} == done
	@echo "suffix is the default"
.endif

clean:
	@echo cleaning
	@rm -f ${OUTS} book.txt
EOF

# (portgaps) a C project bmake builds with tcc (CC=tcc; on the host a
# "tcc" that runs the host's cc): two objects and a link, the program
# run; after a touch of one source, only its object and the link
c=$d/cproj
mkdir -p "$c"
cat >"$c/Makefile" <<'EOF'
CC=	tcc
OBJS=	main.o util.o

prog: ${OBJS}
	${CC} -o ${.TARGET} ${OBJS}

.c.o:
	${CC} -c ${.IMPSRC} -o ${.TARGET}

main.o util.o: util.h
EOF
cat >"$c/util.h" <<'EOF'
int triangle(int n);
EOF
cat >"$c/util.c" <<'EOF'
#include "util.h"
int triangle(int n) { return n <= 0 ? 0 : n + triangle(n - 1); }
EOF
cat >"$c/main.c" <<'EOF'
#include <stdio.h>
#include "util.h"
int main(void) { printf("triangle(10) = %d\n", triangle(10)); return 0; }
EOF
mkdir -p "$tmp/hbin"
printf '#!/bin/sh\nexec cc "$@"\n' >"$tmp/hbin/tcc"
chmod +x "$tmp/hbin/tcc"

# ---- the cases: NAME then the commands, run in /d (or $tmp/h) ----
cases=$tmp/cases
cat >"$cases" <<'EOF'
@ gzip -9 -n of 10 MiB equals the host's
gzip -9 -n -c big > w/big.gz; echo st=$?
cmp w/big.gz big.hostgz && echo same
@ gunzip round trip
gzip -dc w/big.gz | cmp - big && echo round trip
@ zcat and gunzip by name
zcat < w/big.gz | cmp - big && echo zcat ok
cp w/big.gz w/again.gz && gunzip w/again.gz && cmp w/again big && echo gunzip ok
@ gzip in place and back
cp small w/s && gzip -9 w/s && ls w/s* && gzip -t w/s.gz && echo tested
gzip -d w/s.gz && cmp w/s small && ls w/s*
@ gzip: corrupt data is status 1
gzip -dc corrupt.gz > w/out.c; echo st=$?
@ gzip: a missing file is status 1
gzip -c nosuchfile; echo st=$?
@ pax -rw of a tree
umask 022; mkdir w/copy && pax -rw tree w/copy; echo st=$?
diff -r tree w/copy/tree; echo diff=$?
cd w/copy && find tree | sort | while read f; do stat -c '%a %n' "$f"; done
readlink tree/sub/link-to-one
@ pax -rw -pe keeps modes and times without a warning
umask 022; mkdir w/pe && pax -rw -pe tree w/pe; echo st=$?
find tree | sort | while read f; do stat -c '%a %Y %n' "$f"; done > w/pe.a
cd w/pe && find tree | sort | while read f; do stat -c '%a %Y %n' "$f"; done > ../pe.b
cmp ../pe.a ../pe.b && echo modes and times the same
@ pax -w | gzip | pax -r
umask 022; pax -w tree | gzip -n > w/t.tgz; echo st=$?
mkdir w/x && cd w/x && gzip -dc ../t.tgz | pax -r; echo st=$?
diff -r ../../tree tree; echo diff=$?
@ pax reads the host pax's ustar archive
umask 022; mkdir w/h && cd w/h && pax -r -f ../../hosttree.tar; echo st=$?
diff -r ../../tree tree; echo diff=$?
pax -f ../../hosttree.tar | sort
@ (fifo) pax -rw and pax -w | pax -r keep a FIFO
umask 022; mkdir -p w/ft/d w/fc w/fx && mkfifo -m 0640 w/ft/d/p && echo x > w/ft/d/f; echo st=$?
cd w/ft && pax -rw d ../fc; echo st=$?
pax -w -x ustar d > ../f.tar; echo st=$?
cd ../fx && pax -r < ../f.tar; echo st=$?
cd .. && for t in fc fx; do [ -p $t/d/p ] && echo "$t: a FIFO, $(stat -c %a $t/d/p)"; cat $t/d/f; done
@ paxtar -c and -t
paxtar -cf w/p.tar tree; echo st=$?; paxtar -tf w/p.tar | sort
@ diff -r with differences is status 1
diff -r a b; echo st=$?
@ diff of equal files is status 0
diff a/same b/same; echo st=$?
diff -r a/sub a/sub; echo st=$?
@ diff of a missing file is status 2
diff a/nosuch b/same; echo st=$?
@ diff -u and -q
diff -u --label A --label B a/f b/f; echo st=$?
diff -q a b; echo st=$?
@ cmp: differ, equal, EOF, -l, missing
cmp a/f b/f; echo st=$?
cmp a/same b/same; echo st=$?
cmp a/f a/f2short; echo st=$?
cmp -l a/bin b/bin; echo st=$?
cmp a/nosuch b/f; echo st=$?
@ diff3 and sdiff
diff3 m1 m2 m3; echo st=$?
diff3 -m m2 m1 m3; echo st=$?
sdiff -w 40 m1 m2; echo st=$?
@ mksh: arrays and functions
mksh arr.mksh; echo st=$?
@ mksh: exit status and -c
mksh -c 'set -A a 1 2 3; echo ${#a[@]}; exit 7'; echo st=$?
@ bmake builds the project
cd proj && bmake; echo st=$?; cat book.txt
@ bmake: nothing to rebuild
cd proj && bmake; echo st=$?
@ bmake: only what a touch made stale
cd proj && sleep 1 && touch src/b.in && bmake; echo st=$?
@ bmake: .PHONY, variables, modifiers
cd proj && bmake show && bmake SUFFIX=other show && bmake -V OUTS; echo st=$?
bmake clean && ls; echo st=$?
@ bmake with tcc: a C project, objects then the link
cd cproj && bmake; echo st=$?; ./prog; echo st=$?
@ bmake with tcc: nothing to rebuild
cd cproj && bmake; echo st=$?
@ bmake with tcc: a touched source rebuilds only its object
cd cproj && sleep 1 && touch util.c && bmake; echo st=$?; ./prog
@ ps -ef: ps itself and its shell, with their pids and parents
sh -c 'echo $$ $PPID > w/ids; exec ps -ef > w/ps.out'; echo st=$?
read me sh < w/ids
while read uid pid ppid c stime tty time cmd arg rest; do
	[ "$pid" = PID ] && echo "$pid $ppid $cmd"
	[ "$pid" = "$sh" ] && case $cmd in *sh*) echo "its shell";; esac
	[ "$pid" = "$me" ] && [ "$ppid" = "$sh" ] && [ "$cmd" = ps ] &&
	    [ "$arg" = -ef ] && echo "ps: pid, parent, command"
done < w/ps.out; true
@ ps -o pid,ppid,comm of a background sleep
sh -c 'sleep 30 & s=$!; echo $s $$ > w/ids; sleep 1; ps -o pid,ppid,comm -p $s > w/ps.out; st=$?; kill $s; exit $st'; echo st=$?
read s me < w/ids
while read pid ppid comm; do
	[ "$pid" = PID ] && echo "$pid $ppid"
	[ "$pid" = "$s" ] && [ "$ppid" = "$me" ] && [ "$comm" = sleep ] &&
	    echo "the sleep, its parent, its name"
done < w/ps.out; true
@ ps: no such pid is status 1
ps -p 99999 > w/ps.out; echo st=$?
@ df -kP / agrees with statfs
out=$(df -kP /); echo st=$?; sf=$(stat -f -c '%b %f %S' /)
echo "$out" > w/df.out
set -- $sf; b=$1 f=$2 s=$3
{ read h1 h2 rest; read dev tot used avail cap mnt; } < w/df.out
echo "$h1 $h2"
t=$((b * s / 1024)) u=$(((b - f) * s / 1024))
d=$((used - u)); [ $d -lt 0 ] && d=$((-d))
if [ "$tot" = "$t" ] && [ $d -le $((t / 200 + 64)) ] && [ "$mnt" = / ]; then
	echo "size and use are statfs's"
else
	echo "differ: $out / $sf"
fi
echo "$tot" > w/dfsize
EOF

# run.sh for ExOS (in /d) and the same for the host (in $tmp/h)
mkrun() {       # mkrun DIR
	awk -v dir="$1" '
	function flush() {
		if (name == "") return
		print "echo \"@@@ " name "\""
		print "(cd " dir " && {"
		printf "%s", body
		print "}) > " dir "/w/out 2>&1; st=$?"
		print "cat " dir "/w/out; echo \"@@@ st=$st\""
	}
	/^@ / { flush(); name = substr($0, 3); body = ""; next }
	{ body = body $0 "\n" }
	END { flush(); print "echo @@@ end" }' "$cases"
}
mkrun /d >"$d/run.sh"
cp -a "$d" "$tmp/h"
mkrun "$tmp/h" >"$tmp/h.sh"

# splitout OUTPUT DIR: each case's lines into DIR/N (N: its number)
splitout() {
	mkdir -p "$2"
	awk -v dir="$2" '
	/^@@@ st=/ { print >> (dir "/" n); close(dir "/" n); inside = 0; next }
	/^@@@ end$/ { print "end" > (dir "/end"); next }
	/^@@@ / { n++; inside = 1; next }
	inside { print >> (dir "/" n) }' "$1"
}

# ---- the host ----
(cd "$tmp/h" && PATH="$tmp/hbin:$PATH" TZ=UTC LC_ALL=C sh "$tmp/h.sh") \
    >"$tmp/host.out" 2>&1
splitout "$tmp/host.out" "$tmp/want"

# ---- ExOS ----
stage=$tmp/stage
img=$tmp/root.cffs
cp -a "$rootfs" "$stage"
cp -a "$d" "$stage/d"
kib=$(du -sk "$stage" | cut -f1)
"$build/cffs/mkfs.cffs" -d "$stage" "$img" $(( kib / 1024 * 2 + 48 ))M \
    >/dev/null || { fail "mkfs.cffs"; done_; }
rm -rf "$stage"
# 900 s under TCG (the cases take about a minute there); under KVM
# every kernel entry is slow and writing a file costs about 20 s per
# MiB (0.13 s under TCG; docs/TESTING.md, "Session 11's KVM pass"): the
# gzip cases alone write about 16 MiB, so 3600 s there
tmo=900
[ "$accel" = kvm ] && tmo=3600
start=$(date +%s)
"$run" --timeout $tmo --disk "$img" "$rootfs/bin/dash" /d/run.sh \
    >"$tmp/exos.out" 2>&1
rc=$?
echo "ports2: ExOS ran the cases in $(( $(date +%s) - start )) s (status $rc)"
splitout "$tmp/exos.out" "$tmp/got"
[ -f "$tmp/got/end" ] || fail "the ExOS run did not reach its end (status $rc)"

n=0
grep '^@ ' "$cases" | sed 's/^@ //' | while read -r name; do
	n=$((n + 1))
	if [ ! -f "$tmp/got/$n" ]; then
		echo "FAIL: ports2: $name (no output)"
	elif ! cmp -s "$tmp/want/$n" "$tmp/got/$n"; then
		echo "FAIL: ports2: $name (output differs from the host's)"
		diff "$tmp/want/$n" "$tmp/got/$n" | head -n 20 | sed 's/^/    /'
	else
		echo "PASS: ports2: $name"
	fi
done >"$tmp/verdicts"
cat "$tmp/verdicts"
grep -q '^FAIL' "$tmp/verdicts" && failed=1
if [ $rc != 0 ] && [ -f "$tmp/got/end" ]; then
	fail "dash ended with status $rc"
fi
# (portgaps) df's size of / is the image's C-FFS: its blocks, 1 KiB
# units, no more than the image file
dfsize=$("$build/cffs/cffs" "$img" cat /d/w/dfsize 2>/dev/null)
imgk=$(( $(stat -c %s "$img") / 1024 ))
if [ -n "$dfsize" ] && [ "$dfsize" -gt $(( imgk * 9 / 10 )) ] &&
    [ "$dfsize" -le "$imgk" ]; then
	pass "df / on ExOS says $dfsize KiB of the $imgk KiB image"
else
	fail "df / on ExOS says '$dfsize' KiB, the image is $imgk KiB"
fi
if "$build/cffs/fsck.cffs" -n "$img" >"$tmp/fsck" 2>&1; then
	pass "fsck.cffs finds the image clean afterwards"
else
	fail "fsck.cffs: $(head -c 300 "$tmp/fsck")"
fi
[ $failed = 0 ] || { echo "    (the ExOS output: first 40 lines)"; head -n 40 "$tmp/exos.out" | sed 's/^/    /'; }
done_
