#!/bin/bash
# tests/guest/tailf.sh: toybox's `tail -f` on ExOS (inotify,
# libexos/posix/inotify.c).  dash runs tail -f of an empty file in the
# background while it and another process append lines (one, then two
# at once, then one from a subshell), then kills tail: tail's output
# must be exactly the appended lines, nothing on its stderr (before
# inotify, toybox died of "inotify_init: ENOSYS"), and its status that
# of SIGTERM.  Then the same for a file that had lines before (tail -n
# 2 -f: its last two, then the appended ones).  The image holds only
# what the script needs (dash, toybox).
#   tests/guest/tailf.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/preamble.sh" "$@"
rootfs=$build/rootfs

pass() { echo "PASS: tailf: $1"; }
fail() { echo "FAIL: tailf: $1"; failed=1; }
done_() { echo ALL-DONE; [ $failed = 0 ] && exit 0 || exit 1; }

[ -x "$rootfs/bin/toybox" ] && [ -x "$rootfs/bin/dash" ] ||
	{ fail "no toybox or dash in $rootfs (make image)"; done_; }

stage=$tmp/stage
mkdir -p "$stage/bin" "$stage/d" "$stage/tmp"
cp "$rootfs/bin/toybox" "$rootfs/bin/dash" "$stage/bin/"
for c in tail sleep cat printf; do ln -s toybox "$stage/bin/$c"; done
ln -s dash "$stage/bin/sh"
printf 'old1\nold2\nold3\n' >"$stage/d/old"
cat >"$stage/d/run.sh" <<'EOF'
cd /d || exit 1
: >log
tail -f log >out 2>err &
t=$!
sleep 2
echo one >>log
sleep 1
printf 'two\nthree\n' >>log
(sleep 1; echo four >>log) &
wait $!
sleep 2
kill $t
wait $t
echo "@@@ st=$?"
tail -n 2 -f old >out2 2>err2 &
t=$!
sleep 2
echo new1 >>old
(echo new2 >>old) &
wait $!
sleep 2
kill $t
wait $t
echo "@@@ st2=$?"
echo "@@@ out"; cat out
echo "@@@ err"; cat err
echo "@@@ out2"; cat out2
echo "@@@ err2"; cat err2
echo "@@@ end"
EOF
"$build/cffs/mkfs.cffs" -d "$stage" "$tmp/root.cffs" 32M >/dev/null ||
	{ fail "mkfs.cffs"; done_; }
"$top/scripts/exos-run" --timeout 240 --disk "$tmp/root.cffs" \
    "$stage/bin/dash" /d/run.sh >"$tmp/exos.out" 2>&1
rc=$?
tr -d '\r' <"$tmp/exos.out" >"$tmp/o"
# section NAME: the lines after "@@@ NAME" up to the next "@@@"
section() {
	awk -v s="@@@ $1" '/^@@@ / { on = ($0 == s); next } on' "$tmp/o"
}
grep -q '^@@@ end$' "$tmp/o" || { fail "the run did not reach its end (status $rc)"; tail -n 20 "$tmp/o"; done_; }
printf 'one\ntwo\nthree\nfour\n' >"$tmp/want"
if section out | cmp -s - "$tmp/want"; then
	pass "tail -f of an empty file: exactly the appended lines"
else
	fail "tail -f of an empty file: output differs:"
	section out | diff "$tmp/want" - | sed 's/^/    /'
fi
[ -z "$(section err)" ] && pass "tail -f: nothing on stderr" ||
	{ fail "tail -f: stderr:"; section err | sed 's/^/    /'; }
grep -q '^@@@ st=143$' "$tmp/o" && pass "tail -f was killed by SIGTERM (143)" ||
	fail "tail -f's status: $(grep '^@@@ st=' "$tmp/o")"
printf 'old2\nold3\nnew1\nnew2\n' >"$tmp/want2"
if section out2 | cmp -s - "$tmp/want2"; then
	pass "tail -n 2 -f: its last two lines, then the appended ones"
else
	fail "tail -n 2 -f: output differs:"
	section out2 | diff "$tmp/want2" - | sed 's/^/    /'
fi
[ -z "$(section err2)" ] && pass "tail -n 2 -f: nothing on stderr" ||
	{ fail "tail -n 2 -f: stderr:"; section err2 | sed 's/^/    /'; }
grep -q '^@@@ st2=143$' "$tmp/o" && pass "tail -n 2 -f was killed by SIGTERM (143)" ||
	fail "tail -n 2 -f's status: $(grep '^@@@ st2=' "$tmp/o")"
done_
