#!/bin/bash
# tests/guest/posixbench.sh: a smoke run of `make bench-posix`'s program
# (benchmarks/posix/pbench.c -q: a few runs of each row), not a
# benchmark: no time is compared with anything.  On ExOS (exos-run, with
# ptiny as /bin/ptiny) and on Linux (the musl-gcc build on this host) it
# must end with status 0 and BENCH-END, and print every row exactly
# once, each a number of cycles and ns or, on ExOS only, "n/a (why)"
# for a call the libOS does not do yet (listed as information).  A
# number for an operation that failed is what this guards against:
# pbench checks each child's status, the handler's count and the clock.
#   tests/guest/posixbench.sh [--accel tcg|kvm] [KERNEL]
# (Run under make test, which holds the QEMU lock: no flock here.)
accel=${ACCEL:-tcg}
if [ "$1" = --accel ]; then accel="$2"; shift 2; fi
kernel=${1:-${KERNEL:-build/xok/xok.bin}}
build=$(dirname "$(dirname "$kernel")")
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$build/benchmarks
export KERNEL="$kernel" ACCEL="$accel"
rows="getpid|clock_gettime|fork+exit+wait|fork+exec+wait|vfork+exit+wait|posix_spawn+wait|64 MiB mmap+touch+munmap|signal handler round trip"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check SIDE STATUS OUTPUT NA-ALLOWED
check() {
	local side="$1" rc="$2" out="$3" na_ok="$4" row line n
	if [ "$rc" = 0 ] && grep -q '^BENCH-END$' "$out"; then
		echo "PASS: posixbench: $side: status 0, BENCH-END"
	else
		echo "FAIL: posixbench: $side: status $rc or no BENCH-END"
		tail -n 10 "$out" | sed 's/^/    /'
		failed=1
	fi
	IFS='|' read -ra names <<<"$rows"
	for row in "${names[@]}"; do
		n=$(grep -cF "BENCH|$row|" "$out")
		line=$(grep -F "BENCH|$row|" "$out" | head -n 1)
		if [ "$n" != 1 ]; then
			echo "FAIL: posixbench: $side: $row printed $n times"
			failed=1
		elif echo "$line" | grep -qE '^BENCH\|[^|]+\|[0-9]+\|[0-9]+$'; then
			echo "PASS: posixbench: $side: $row measured"
		elif [ "$na_ok" = 1 ] &&
		    echo "$line" | grep -qE '^BENCH\|[^|]+\|n/a \([^)]+\)\|n/a \([^)]+\)$'; then
			echo "PASS: posixbench: $side: $row says $(echo "$line" | cut -d'|' -f3)"
		else
			echo "FAIL: posixbench: $side: $row: $line"
			failed=1
		fi
	done
}

"$top/scripts/exos-run" --timeout 300 --add "$b/ptiny.elf:/bin/ptiny" \
    "$b/pbench.elf" -q /bin/ptiny >"$tmp/exos" 2>&1 </dev/null
check exos $? "$tmp/exos" 1
timeout -k 5 120 "$b/pbench.linux" -q "$b/ptiny.linux" >"$tmp/linux" 2>&1 \
    </dev/null
check linux $? "$tmp/linux" 0
echo ALL-DONE
[ $failed -eq 0 ]
