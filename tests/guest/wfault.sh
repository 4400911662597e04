#!/bin/bash
# tests/guest/wfault.sh: the disk fails writes under the file system's
# write-back (libexos/posix/fsroot.c, XN_WRITEBACK_MANY, xok/xnsys.c,
# xok/dev/virtio_blk.c).  A fresh C-FFS image (mkfs.cffs -d) holds
# /w/victim, 8 KiB of 'v'; the host finds its first block on the image
# and QEMU's blkdebug driver (scripts/exos-run --blkdebug) fails the
# writes that touch that block's first sector with EIO, reads left alone:
#   eio    every such write fails (a bad sector)
#   once   only the first one fails (a passing fault: the retry works)
# while tests/posix/wfault.c (run) writes and fsyncs files, overwrites
# the victim in place and fsyncs it twice (eio: EIO both times; once:
# 0, XN wrote the failed wave again block by block), and a child
# process creates and fsyncs files in the victim's directory and
# another one; then the writer reads the child's file and writes one
# more.  Then: status 0 (no kernel panic, no process killed), fsck.cffs
# -n finds the image clean as the run left it, and a second boot with
# no fault (check) finds every fsync'ed file, and the victim with each
# block old or new (eio) or new (once); fsck.cffs -n clean after that
# boot too.  On Linux the same program runs with no
# fault (none): the fault-free expectations are UNIX's.
#   tests/guest/wfault.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/pair.sh" "$@"        # (and mkfs, fsck, pair_fsck)
run="$top/scripts/exos-run"
prog=$build/tests/wfault.elf

pass() { echo "PASS: wfault: $1"; }
fail() { echo "FAIL: wfault: $1"; failed=1; }

# show TAG FILE: the program's lines, tagged
show() {
	tr -d '\r' <"$2" | sed "s/^\(PASS\|FAIL\): wfault:/\1: wfault: $1:/"
}

# boot TAG IMAGE [--blkdebug RULES] ARGS...: the program to its end
boot() {
	local tag="$1" img="$2" rc
	shift 2
	"$run" --timeout 300 --disk "$img" "$@" >"$tmp/out" 2>&1
	rc=$?
	show "$tag" "$tmp/out"
	if [ $rc -eq 0 ] && tr -d '\r' <"$tmp/out" | grep -q '^PASS: wfault: 0 failed'
	then pass "$tag: status 0, every check passed"
	else fail "$tag: status $rc"; fi
}

fsck_clean() {  # fsck_clean TAG IMAGE
	pair_fsck wfault "$1: host" "$2"
}

# The first block of 4 KiB of 'v's on IMAGE, as a sector number.
victim_sector() {
	python3 - "$1" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
b = b"v" * 4096
for off in range(0, len(d), 4096):
    if d[off:off + 4096] == b:
        print(off // 512)
        break
EOF
}

for mode in eio once; do
	rm -rf "$tmp/root"
	mkdir -p "$tmp/root/w"
	chmod 755 "$tmp/root" "$tmp/root/w"
	head -c 8192 /dev/zero | tr '\0' v >"$tmp/root/w/victim"
	img=$tmp/$mode.img
	"$mkfs" -d "$tmp/root" "$img" 64M >/dev/null || fail "$mode: mkfs.cffs"
	sector=$(victim_sector "$img")
	if [ -z "$sector" ]; then
		fail "$mode: the victim's block is not on the image"
		continue
	fi
	{
		echo '[inject-error]'
		echo 'event = "write_aio"'
		echo 'errno = "5"'
		echo "sector = \"$sector\""
		echo 'iotype = "write"'
		[ $mode = once ] && echo 'once = "on"'
	} >"$tmp/rules"
	echo "wfault: $mode: writes to sector $sector (the victim's first block) fail"
	boot "$mode" "$img" --blkdebug "$tmp/rules" "$prog" run /w $mode
	fsck_clean "$mode, as the faulty run left it" "$img"
	boot "$mode, reboot" "$img" "$prog" check /w $mode
	fsck_clean "$mode, after the reboot" "$img"
done

# Linux: the same program, no fault
linux_run() {
	mkdir -p "$tmp/lw"
	head -c 8192 /dev/zero | tr '\0' v >"$tmp/lw/victim"
	"$tmp/wfault" run "$tmp/lw" none && "$tmp/wfault" check "$tmp/lw" none
}
pair_linux_one wfault " (no fault)" linux_run
pair_end
