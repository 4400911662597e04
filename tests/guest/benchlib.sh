# tests/guest/benchlib.sh: what the smoke runs of the benchmark programs
# share (posixbench.sh, pfiles.sh), sourced with the script's arguments:
#     . "$(dirname "$0")/benchlib.sh" "$@"
# It reads [--accel tcg|kvm] [KERNEL] and sets accel, kernel, build (the
# build directory the kernel is in), top (the source tree), b (the
# benchmarks' build directory), exports KERNEL and ACCEL for
# scripts/exos-run, and makes tmp (removed at exit) and failed=0.
# bench_check then judges one run of a program that prints
# "BENCH|row|value|unit" rows and ends with BENCH-END.
. "$(dirname "${BASH_SOURCE[0]}")/preamble.sh" "$@"
b=$build/benchmarks

# bench_check TAG SIDE STATUS OUTPUT ROWS VALUE NA-ALLOWED: status 0,
# BENCH-END and no BENCH-ERROR line; each of ROWS ('|'-separated) printed
# exactly once, its value and unit matching the extended regular
# expression VALUE ("[0-9]+\|[0-9]+": a number and a number), or, if
# NA-ALLOWED is 1, "n/a (why)" for both.  PASS:/FAIL: lines with TAG.
bench_check() {
	local tag="$1" side="$2" rc="$3" out="$4" rows="$5" value="$6"
	local na_ok="$7" row line n names
	if [ "$rc" = 0 ] && grep -q '^BENCH-END$' "$out" &&
	    ! grep -q '^BENCH-ERROR' "$out"; then
		echo "PASS: $tag: $side: status 0, BENCH-END, no error"
	else
		echo "FAIL: $tag: $side: status $rc, an error or no BENCH-END"
		tail -n 10 "$out" | sed 's/^/    /'
		failed=1
	fi
	IFS='|' read -ra names <<<"$rows"
	for row in "${names[@]}"; do
		n=$(grep -cF "BENCH|$row|" "$out")
		line=$(grep -F "BENCH|$row|" "$out" | head -n 1)
		if [ "$n" != 1 ]; then
			echo "FAIL: $tag: $side: $row printed $n times"
			failed=1
		elif echo "$line" | grep -qE "^BENCH\|[^|]+\|$value\$"; then
			echo "PASS: $tag: $side: $row measured"
		elif [ "$na_ok" = 1 ] &&
		    echo "$line" | grep -qE '^BENCH\|[^|]+\|n/a \([^)]+\)\|n/a \([^)]+\)$'; then
			echo "PASS: $tag: $side: $row says $(echo "$line" | cut -d'|' -f3)"
		else
			echo "FAIL: $tag: $side: $row: $line"
			failed=1
		fi
	done
}
