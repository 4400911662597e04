#!/bin/bash
# tests/guest/libfs.sh: C-FFS as a library in ExOS processes
# (libexos/posix/fsroot.h), run by scripts/exos-run --disk on images
# made by the host's mkfs.cffs; the host's fsck.cffs and cffs check
# what the guest left.  tests/libfs/libfstest.c prints the PASS/FAIL
# lines of the guest's checks.
#   tests/guest/libfs.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/pair.sh" "$@"
run="$top/scripts/exos-run"
prog=$build/tests/libfstest.elf

# a boot's time: the nested KVM makes every kernel call slow (the
# killed-process cases write about 3 MiB and fork about 60 times)
gtimeout=$([ "$accel" = kvm ] && echo 900 || echo 120)
pass() { echo "PASS: libfs: $1"; }
fail() { echo "FAIL: libfs: $1"; failed=1; }
# guest NAME WANT_RC ARGS...: run libfstest, print its lines, check rc
guest() {
	local name=$1 want=$2
	shift 2
	"$run" --timeout "$gtimeout" "$@" >"$tmp/out" 2>&1
	local rc=$?
	tr -d '\r' <"$tmp/out"
	if [ $rc -eq "$want" ]; then pass "$name: status $rc"
	else fail "$name: status $rc, want $want"; fi
}
# ls_is NAME IMAGE DIR "WANT...": the host's cffs finds exactly these
# names in DIR
ls_is() {
	local got
	got=$("$cffs" "$2" ls "$3" | awk '{print $NF}' | sort | tr '\n' ' ')
	if [ "$got" = "$4 " ]; then pass "$1: host: $3 is $4"
	else fail "$1: host: $3 is '$got'"; fi
}
# fsck_clean NAME IMAGE
fsck_clean() {
	pair_fsck libfs "$1" "$2"
	pair_fsck libfs "$1" "$2" -x
}

mkdir "$tmp/root"
echo "hello from the host" >"$tmp/root/hello"
img=$tmp/disk.img
"$mkfs" -d "$tmp/root" "$img" 32M >/dev/null || fail "mkfs.cffs"

guest "no disk" 0 "$prog" nodisk
# (session 16) a mount that fails for want of memory is tried again
img7=$tmp/mountfail.img
"$mkfs" -d "$tmp/root" "$img7" 32M >/dev/null || fail "mkfs.cffs"
guest "mountfail" 0 --disk "$img7" "$prog" mountfail
ls_is "mountfail" "$img7" / "hello mf"
fsck_clean "mountfail" "$img7"
guest "basic" 0 --disk "$img" "$prog" basic
guest "after a reboot" 0 --disk "$img" "$prog" check
fsck_clean "basic" "$img"
if [ "$("$cffs" "$img" cat /d/f)" = \
    "written by a POSIX process through C-FFS over XN" ]; then
	pass "host: cffs cat /d/f"
else
	fail "host: cffs cat /d/f"
fi

# Two mounts in two processes: nothing lost.
img2=$tmp/two.img
"$mkfs" -d "$tmp/root" "$img2" 32M >/dev/null || fail "mkfs.cffs"
guest "two mounts" 0 --disk "$img2" "$prog" twomount
fsck_clean "two mounts" "$img2"
ls_is "two mounts" "$img2" / "c hello p1 p2"

# A process without the root capability.
img4=$tmp/nonroot.img
"$mkfs" -d "$tmp/root" "$img4" 32M >/dev/null || fail "mkfs.cffs"
guest "non-root" 0 --disk "$img4" "$prog" nonroot
fsck_clean "non-root" "$img4"

# An exec'd image mounts again and finds the family's lock.
img6=$tmp/exec.img
"$mkfs" -d "$tmp/root" "$img6" 32M >/dev/null || fail "mkfs.cffs"
guest "exec" 0 --disk "$img6" "$prog" exec
fsck_clean "exec" "$img6"
ls_is "exec" "$img6" /x "y z"

# A hostile libFS refused by XN; the others go on.
img5=$tmp/hostile.img
"$mkfs" -d "$tmp/root" "$img5" 32M >/dev/null || fail "mkfs.cffs"
guest "hostile libFS" 0 --disk "$img5" "$prog" hostile
fsck_clean "hostile libFS" "$img5"
ls_is "hostile libFS" "$img5" / "after hello"

# Several processes in one directory at once, one dying with the lock,
# one killed: the image is clean and holds exactly the files whose
# calls succeeded (the victim's next file may or may not be there).
img3=$tmp/multi.img
"$mkfs" -d "$tmp/root" "$img3" 32M >/dev/null || fail "mkfs.cffs"
guest "several processes" 0 --disk "$img3" "$prog" multi
fsck_clean "several processes" "$img3"
grep '^HAVE ' "$tmp/out" | tr -d '\r' | awk '{print $2}' | sort >"$tmp/want"
"$cffs" "$img3" ls /m | awk '{print $NF}' | sort >"$tmp/got"
nk=$(grep -c '^k' "$tmp/want")
comm -13 "$tmp/want" "$tmp/got" >"$tmp/extra"
comm -23 "$tmp/want" "$tmp/got" >"$tmp/missing"
if [ ! -s "$tmp/missing" ]; then
	pass "several processes: every file a successful call left is there ($(wc -l <"$tmp/want"))"
else
	fail "several processes: missing: $(tr '\n' ' ' <"$tmp/missing")"
fi
if [ ! -s "$tmp/extra" ] || [ "$(cat "$tmp/extra")" = "k$nk" ]; then
	pass "several processes: no other file (the victim had $nk)"
else
	fail "several processes: unexpected: $(tr '\n' ' ' <"$tmp/extra")"
fi
[ "$(grep -c '^[ab][0-9]' "$tmp/want")" -eq 48 ] &&
    pass "several processes: 48 files from the three workers" ||
    fail "several processes: $(grep -c '^[ab][0-9]' "$tmp/want") worker files, want 48"

# on_fresh NAME MODE: libfstest MODE on a fresh image ($tmp/MODE.img),
# which fsck.cffs must then find clean
on_fresh() {
	"$mkfs" -d "$tmp/root" "$tmp/$2.img" 32M >/dev/null || fail "mkfs.cffs"
	guest "$1" 0 --disk "$tmp/$2.img" "$prog" "$2"
	fsck_clean "$1" "$tmp/$2.img"
}

# A process killed inside a call, after each of its changes in turn:
# the next process finishes it from the journal, and the image is clean.
on_fresh "killed inside a call" killed
# A journal forged by a buggy process of the family: refused, dropped.
on_fresh "forged journal" badjournal
# Forged journals XN would refuse part of (a change it takes in another
# block first or last): refused whole before any change.
on_fresh "forged journal, refused whole" forged2
# A rename and a link (C-FFS commits inside them) right after another
# living process's change: before the commit hook they failed with
# EUCLEAN (fsroot.c, before_commit).
img8=$tmp/mid.img
"$mkfs" -d "$tmp/root" "$img8" 32M >/dev/null || fail "mkfs.cffs"
guest "rename and link after another's change" 0 --disk "$img8" "$prog" midcommit
fsck_clean "rename and link after another's change" "$img8"
ls_is "rename and link after another's change" "$img8" /r "f2 f3 g0 g1"

# rename(2) and unlink(2) of open names, killed inside: the names and
# the open descriptions are finished by the next process.
on_fresh "open names renamed, killed" renopen
# The shared block cache: readers of one file share its registry pages.
on_fresh "shared cache" share
# The last close of an unlinked open file, killed: no hidden name left.
on_fresh "unlinked open files' last close, killed" relkill
# (session 17) close(2) and dup(2) killed inside: no reference leaked
# or dropped twice (refs.c's journal).
on_fresh "close and dup of files, killed" refkill
# (session 18) open(2) and mmap(2) killed inside: no description or
# vnode reference leaked (a placeholder in the slot first).
on_fresh "open and mmap of files, killed" openkill
# (session 17) A first link of a locked file, killed: the lock holds
# through both names.
on_fresh "link of a locked file, killed" linkkill
# A dead family's hidden names: the next boot's first call removes them.
img9=$tmp/hide.img
"$mkfs" -d "$tmp/root" "$img9" 32M >/dev/null || fail "mkfs.cffs"
guest "hidden names left by a dead family" 0 --disk "$img9" "$prog" hidemake
guest "the next boot removes them" 0 --disk "$img9" "$prog" hidecheck
fsck_clean "hidden names swept" "$img9"

echo ALL-DONE
exit $failed
