#!/bin/bash
# tests/guest/fusetree.sh: "after a power-off the host's fsck.cffs finds
# the image clean and cffs-fuse shows the files" (issue 11).  A dash
# session on a copy of the root image (scripts/exos-run --disk with no
# program: the image's shell reads the commands) writes a small tree
# under /t: files, a subdirectory two deep, a symbolic link, a file of
# about 330 KiB (seq 1 60000), an empty file, a file appended to with
# >>, chmod'ed modes.  The machine then stops in one of three ways:
#   exit      the end of the input: the shell exits (the libOS's exit
#             write-back), status 0
#   poweroff  /sbin/init of the image runs the session as /etc/profile
#             of its login shell, which then exits: init's sync() and
#             reboot(RB_POWER_OFF), status 0
#   kill      `sync`, then QEMU is killed (the power goes off)
# Then on the host, for each image: fsck.cffs -n clean; cffs-fuse -o ro
# mounts it (the image file must stay byte for byte the same); diff -r
# against the same tree made on the host; every name's type, mode and
# size (stat) and the link's target (readlink) as on the host.
# Read-write: cffs-fuse (rw) adds a file, a directory and an append on
# the "exit" image; fsck.cffs -n clean after the unmount; the next boot
# of ExOS reads them (sha1sum, cat, ls) as the host wrote them.
# The test can fail: a byte of a file flipped in a copy of the image must
# make the comparison through cffs-fuse fail.
# Without /dev/fuse or fusermount3 the fuse parts print one SKIP line
# and the tree is compared through the host's cffs tool instead.
#   tests/guest/fusetree.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
. "$(dirname "$0")/pair.sh" "$@"        # (and fsck, cffs)
run="$top/scripts/exos-run"
fuse=$build/cffs/cffs-fuse
mnt=$tmp/mnt
mkdir "$mnt"
bg= fuse_pid=
cleanup() {
	[ -n "$bg" ] && kill -INT "$bg" 2>/dev/null
	if [ -n "$fuse_pid" ]; then
		fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt" 2>/dev/null
		kill "$fuse_pid" 2>/dev/null
		wait "$fuse_pid" 2>/dev/null
	fi
	mountpoint -q "$mnt" || rm -rf "$tmp"
}
trap cleanup EXIT

pass() { echo "PASS: fusetree: $1"; }
fail() { echo "FAIL: fusetree: $1"; failed=1; }

[ -f "$build/disk-images/root.cffs" ] || { fail "no root image (make image)"; echo ALL-DONE; exit 1; }
havefuse=1
if [ ! -c /dev/fuse ]; then
	havefuse=0 why="no /dev/fuse"
elif ! command -v fusermount3 >/dev/null; then
	havefuse=0 why="no fusermount3"
elif [ ! -x "$fuse" ]; then
	havefuse=0 why="no $fuse (libfuse3 missing at build time)"
fi
[ $havefuse = 1 ] || echo "SKIP: fusetree: cffs-fuse mounts ($why); the tree is compared through the cffs tool"

# The tree, as the guest's session makes it and as the host makes it.
cat >"$tmp/session" <<'EOF'
mkdir /t /t/sub /t/sub/deep
echo 'hello from ExOS' > /t/hello
printf 'b line 1\nb line 2\n' > /t/sub/b
echo deep > /t/sub/deep/f
seq 1 60000 > /t/big
ln -s sub/b /t/link
echo one > /t/log
echo two >> /t/log
seq 1 100 >> /t/log
: > /t/empty
chmod 600 /t/hello
chmod 750 /t/sub
chmod 711 /t/sub/deep
chmod 755 /t/big
chmod 444 /t/log
echo SESSION-WROTE
EOF
mkdir "$tmp/want"
(cd "$tmp/want" && sed 's|/t|t|g; /SESSION-WROTE/d' "$tmp/session" | sh) ||
	fail "the tree on the host"

# session NAME HOW: a copy of the root image at $tmp/NAME.cffs, the
# session run on it, the machine stopped as HOW says
session() {
	local name="$1" how="$2" img="$tmp/$1.cffs" rc i
	cp "$build/disk-images/root.cffs" "$img"
	case "$how" in
	exit)
		"$run" --disk "$img" --timeout 240 <"$tmp/session" >"$tmp/$name.out" 2>&1
		rc=$?
		[ $rc = 0 ] && grep -q '^SESSION-WROTE' "$tmp/$name.out" &&
			pass "$name: the session wrote the tree; the shell's exit: status 0" ||
			{ fail "$name: session status $rc"; head -n 10 "$tmp/$name.out" | sed 's/^/    /'; }
		;;
	poweroff)
		# /sbin/init of the image, whose login shell reads the
		# session as /etc/profile and exits; init syncs and powers off
		{ cat "$tmp/session"; echo 'exit 0'; } >"$tmp/$name.in"
		"$cffs" "$img" rm /etc/profile >/dev/null 2>&1
		"$cffs" "$img" cp-in "$tmp/$name.in" /etc/profile ||
			fail "$name: cffs cp-in /etc/profile"
		"$run" --disk "$img" --timeout 240 /sbin/init </dev/null >"$tmp/$name.out" 2>&1
		rc=$?
		[ $rc = 0 ] && grep -q '^SESSION-WROTE' "$tmp/$name.out" &&
			pass "$name: init's login shell wrote the tree; init's sync and power-off: status 0" ||
			{ fail "$name: init: status $rc"; head -n 10 "$tmp/$name.out" | sed 's/^/    /'; }
		;;
	kill)
		# the input stays open (fd 3 on a FIFO): the shell waits
		# for more after the sync until the power goes off
		mkfifo "$tmp/$name.fifo"
		env --default-signal=INT "$run" --disk "$img" --timeout 240 \
		    <"$tmp/$name.fifo" >"$tmp/$name.out" 2>&1 &
		bg=$!
		exec 3>"$tmp/$name.fifo"
		{ cat "$tmp/session"; echo 'sync; echo SYNC-DONE'; } >&3
		for i in $(seq 1 960); do
			grep -q '^SYNC-DONE' "$tmp/$name.out" && break
			kill -0 "$bg" 2>/dev/null || break
			sleep 0.25
		done
		if grep -q '^SYNC-DONE' "$tmp/$name.out"; then
			kill -INT "$bg"
			pass "$name: the session wrote the tree and synced; power off (QEMU killed)"
		else
			fail "$name: the session did not finish"
			head -n 10 "$tmp/$name.out" | sed 's/^/    /'
		fi
		wait "$bg"
		bg=
		exec 3>&-
		;;
	esac
	if "$fsck" -n "$img" >"$tmp/fsck.out" 2>&1; then
		pass "$name: fsck.cffs -n clean"
	else
		fail "$name: fsck.cffs -n finds the image unclean"
		sed 's/^/    /' "$tmp/fsck.out" | head -n 10
	fi
}

# mount IMAGE [ro]: cffs-fuse in the foreground (in the background of
# this script), until the mount shows
mount_img() {
	local i
	"$fuse" "$1" "$mnt" -f ${2:+-o ro} >"$tmp/fuse.log" 2>&1 &
	fuse_pid=$!
	for i in $(seq 1 100); do
		mountpoint -q "$mnt" && return 0
		kill -0 "$fuse_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$tmp/fuse.log" | head -n 5 | sed 's/^/    /'
	return 1
}
# unmount and wait for cffs-fuse to end (its unmount writes the image)
umount_img() {
	fusermount3 -u "$mnt"
	wait "$fuse_pid"
	local rc=$?
	fuse_pid=
	return $rc
}

# listing DIR: each name's type, mode and size; a link's target
listing() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then
			echo "$f $(stat -c '%A %s' "$f") -> $(readlink "$f")"
		elif [ -d "$f" ]; then
			echo "$f $(stat -c '%A' "$f")"
		else
			echo "$f $(stat -c '%A %s' "$f")"
		fi
	done)
}
listing "$tmp/want/t" >"$tmp/want.list"

# compare NAME IMAGE: the tree on IMAGE is the host's
compare() {
	local name="$1" img="$2" f
	if [ $havefuse = 0 ]; then
		rm -rf "$tmp/out"
		mkdir -p "$tmp/out"
		for f in hello sub/b sub/deep/f big log empty; do
			"$cffs" "$img" cat "/t/$f" >"$tmp/out/x" 2>/dev/null &&
			    cmp -s "$tmp/out/x" "$tmp/want/t/$f" ||
			    { fail "$name: cffs cat /t/$f differs"; return; }
		done
		"$cffs" "$img" stat /t/link | grep -q '^target: sub/b$' ||
			{ fail "$name: cffs stat /t/link"; return; }
		pass "$name: the files through the cffs tool are the host's"
		return
	fi
	cp "$img" "$tmp/before"
	if ! mount_img "$img" ro; then
		fail "$name: cffs-fuse -o ro does not mount"
		return
	fi
	if diff -r --no-dereference "$tmp/want/t" "$mnt/t" >"$tmp/diff" 2>&1; then
		pass "$name: diff -r through cffs-fuse: the host's tree"
	else
		fail "$name: diff -r through cffs-fuse"
		head -n 10 "$tmp/diff" | sed 's/^/    /'
	fi
	listing "$mnt/t" >"$tmp/got.list"
	if cmp -s "$tmp/want.list" "$tmp/got.list"; then
		pass "$name: types, modes, sizes and the link's target (stat, readlink) as on the host"
	else
		fail "$name: stat/readlink through cffs-fuse"
		diff "$tmp/want.list" "$tmp/got.list" | head -n 10 | sed 's/^/    /'
	fi
	[ "$(readlink "$mnt/t/link")" = sub/b ] && [ "$(cat "$mnt/t/link")" = "$(cat "$tmp/want/t/sub/b")" ] &&
		pass "$name: readlink t/link is sub/b, and it leads to sub/b's text" ||
		fail "$name: readlink t/link: $(readlink "$mnt/t/link")"
	umount_img || fail "$name: cffs-fuse's exit status"
	cmp -s "$tmp/before" "$img" && pass "$name: a read-only mount leaves the image as it was" ||
		fail "$name: cffs-fuse -o ro changed the image"
}

session exit exit
compare exit "$tmp/exit.cffs"
session poweroff poweroff
compare poweroff "$tmp/poweroff.cffs"
session kill kill
compare kill "$tmp/kill.cffs"

# The comparison can fail: a byte of /t/hello flipped (in a copy) must
# show.  (Every copy of the text on the image is flipped: a block may
# have an older copy.)
if [ $havefuse = 1 ]; then
	cp "$tmp/exit.cffs" "$tmp/bad.cffs"
	n=0
	for off in $(grep -obUa 'hello from ExOS' "$tmp/bad.cffs" | cut -d: -f1); do
		printf 'J' | dd of="$tmp/bad.cffs" bs=1 seek="$off" conv=notrunc status=none
		n=$((n + 1))
	done
	if [ $n -gt 0 ] && mount_img "$tmp/bad.cffs" ro; then
		if cmp -s "$tmp/want/t/hello" "$mnt/t/hello"; then
			fail "a flipped byte of t/hello is not seen through cffs-fuse"
		else
			pass "a flipped byte of t/hello is seen through cffs-fuse (cmp fails)"
		fi
		umount_img
	else
		fail "the flipped-byte check: $n copies found, or no mount"
	fi
fi

# Read-write through cffs-fuse, then ExOS reads what the host wrote.
if [ $havefuse = 1 ]; then
	seq 1 20000 | sed 's/$/ written by the host/' >"$tmp/fromhost"
	if mount_img "$tmp/exit.cffs"; then
		cp "$tmp/fromhost" "$mnt/t/fromhost" &&
		mkdir "$mnt/t/hostdir" &&
		echo 'host line' >"$mnt/t/hostdir/note" &&
		chmod 644 "$mnt/t/log" && echo 'appended by the host' >>"$mnt/t/log" &&
		ln -s ../hello "$mnt/t/hostdir/hi" &&
		rm "$mnt/t/empty" &&
		cmp -s "$tmp/fromhost" "$mnt/t/fromhost"
		wrc=$?
		umount_img
		urc=$?
		[ $wrc = 0 ] && [ $urc = 0 ] &&
			pass "rw: cffs-fuse writes a file, a directory, a link, an append, a removal" ||
			fail "rw: the writes through cffs-fuse (status $wrc, unmount $urc)"
		"$fsck" -n "$tmp/exit.cffs" >"$tmp/fsck.out" 2>&1 &&
			pass "rw: fsck.cffs -n clean after the unmount" ||
			{ fail "rw: fsck.cffs -n after cffs-fuse"; head -n 10 "$tmp/fsck.out" | sed 's/^/    /'; }
		printf '%s\n' 'sha1sum /t/fromhost' 'cat /t/hostdir/note /t/hostdir/hi' \
		    'tail -n 1 /t/log' 'ls /t' 'echo READ-DONE' >"$tmp/read.in"
		"$run" --disk "$tmp/exit.cffs" --timeout 120 <"$tmp/read.in" >"$tmp/read.out" 2>&1
		rc=$?
		{
			echo "$(sha1sum <"$tmp/fromhost" | cut -d' ' -f1)  /t/fromhost"
			echo 'host line'
			echo 'hello from ExOS'
			echo 'appended by the host'
			{ ls "$tmp/want/t" | grep -v '^empty$'; echo fromhost; echo hostdir; } |
			    LC_ALL=C sort
			echo READ-DONE
		} >"$tmp/read.want"
		# ls's columns are the tool's business: compare the names only
		tr -s ' \t' '\n\n' <"$tmp/read.out" | grep -v '^$' >"$tmp/read.got"
		tr -s ' \t' '\n\n' <"$tmp/read.want" | grep -v '^$' >"$tmp/read.exp"
		if [ $rc = 0 ] && cmp -s "$tmp/read.exp" "$tmp/read.got"; then
			pass "rw: the next boot of ExOS reads what cffs-fuse wrote"
		else
			fail "rw: ExOS's reading of the host's writes (status $rc)"
			diff "$tmp/read.exp" "$tmp/read.got" | head -n 10 | sed 's/^/    /'
		fi
		"$fsck" -n "$tmp/exit.cffs" >"$tmp/fsck.out" 2>&1 &&
			pass "rw: fsck.cffs -n clean after that boot" ||
			fail "rw: fsck.cffs -n after that boot"
	else
		fail "rw: cffs-fuse does not mount the image"
	fi
fi

echo ALL-DONE
[ $failed = 0 ]
