#!/bin/bash
# cheetahtap.sh: Cheetah's end-to-end test (cheetah.sh: fetch and cmp
# every file, then the hostile cases) on a tap device in a network
# namespace of the script's own, where QEMU's virtio-net card offers
# checksum offload, TSO and receive checksum offload (QEMU's user-mode
# network offers none): once with the card's offloads (Cheetah's large
# bodies leave as TSO super-frames, which the host's kernel cuts into
# segments; the guest checks it sent some; the host's frames arrive with
# partial sums the guest's kernel completes and flags, and the guest
# checks lwIP skipped sums), once with a card that has none
# (csum=off,host_tso4=off,guest_csum=off: the driver's old path; the
# guest checks it sent none and flagged none).  On both, txsumcheck.py
# reads every TCP frame the guest sends on the tap and checks its sum
# (or that it was left to the card, with offload).  Needs root and `ip`; without them it says so and passes
# nothing.  Run by scripts/run-tests with KERNEL and ACCEL set.
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
elf="$(dirname "$(dirname "$kernel")")/cheetah/cheetah.elf"
. "$(dirname "$0")/tapns.sh"
if ! tapns_usable; then
	echo "cheetahtap: needs root and ip (a tap in a namespace): not run"
	exit 0
fi
tmp=$(mktemp -d /tmp/chtap.XXXXXX)
tapns_tmp=$tmp
tapns_up xokcht || exit 1

here=$(dirname "$0")
mkdir "$tmp/www"
python3 "$here/cheetahclient.py" mktree "$tmp/www" || exit 1
BUILD="$(dirname "$(dirname "$kernel")")" scripts/cheetah-image "$tmp/www" "$tmp/docs.cffs" || exit 1
ln -s "$(cd "$(dirname "$elf")" && pwd)/cheetah.elf" "$tmp/cheetah.elf"
# CHEETAH_ROBUST=1: the load cases of cheetahload.sh too, on the tap
# (no QEMU user network in the way), with the evictor (TSO super-frames
# whose document pages another environment evicts)
ln -s "$(cd "$(dirname "$elf")" && pwd)/evictor.elf" "$tmp/evictor.elf"
to=120
[ "$CHEETAH_ROBUST" = 1 ] && to=300
[ "${ACCEL:-tcg}" = kvm ] && to=600
rc=0
for mode in offload none; do
	nic=""
	[ $mode = none ] && nic="csum=off,host_tso4=off,guest_csum=off"
	echo "cheetahtap: the card with $mode"
	# (session 14) every TCP frame the guest sends, its sum checked
	ip netns exec "$ns" python3 "$here/txsumcheck.py" xtap0 10.0.2.15 $mode \
		> "$tmp/sums" 2>&1 &
	sums=$!
	CHEETAH_HOST=10.0.2.15 CHEETAH_TAP=xtap0 in_ns python3 "$here/cheetahclient.py" 80 \
		"$tmp/www" > "$tmp/client" 2>&1 &
	client=$!
	in_ns scripts/qemu --accel "${ACCEL:-tcg}" --test \
		--timeout "${QEMU_TIMEOUT:-$to}" --tap xtap0 ${nic:+--nic $nic} \
		--disk "$tmp/docs.cffs" "$kernel" "$tmp/cheetah.elf test" \
		"$tmp/evictor.elf" \
		> "$tmp/guest" 2>&1
	grc=$?
	for i in $(seq 50); do
		kill -0 "$client" 2>/dev/null || break
		sleep 0.1
	done
	kill "$client" 2>/dev/null
	wait "$client"
	crc=$?
	kill "$sums" 2>/dev/null
	wait "$sums"
	src=$?
	cat "$tmp/guest" "$tmp/client" "$tmp/sums"
	[ $src -ne 0 ] && rc=1
	if [ $mode = offload ]; then
		grep -q "offload: csum tso4 rxcsum" "$tmp/guest" &&
			echo "PASS: host: the tap card offers csum, tso4 and rxcsum" ||
			{ echo "FAIL: host: the tap card offers no offload"; rc=1; }
	else
		grep -q "offload: none" "$tmp/guest" &&
			echo "PASS: host: csum=off,host_tso4=off,guest_csum=off: no offload" ||
			{ echo "FAIL: host: the card still offloads"; rc=1; }
	fi
	[ $grc -ne 0 ] && rc=1
	if [ $crc -ne 0 ]; then
		echo "FAIL: host client (status $crc)"
		rc=1
	fi
done
exit $rc
