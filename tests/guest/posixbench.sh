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
. "$(dirname "$0")/benchlib.sh" "$@"      # the arguments, bench_check
rows="getpid|clock_gettime|fork+exit+wait|fork+exec+wait|vfork+exit+wait|posix_spawn+wait|64 MiB mmap+touch+munmap|signal handler round trip"

"$top/scripts/exos-run" --timeout 300 --add "$b/ptiny.elf:/bin/ptiny" \
    "$b/pbench.elf" -q /bin/ptiny >"$tmp/exos" 2>&1 </dev/null
bench_check posixbench exos $? "$tmp/exos" "$rows" '[0-9]+\|[0-9]+' 1
timeout -k 5 120 "$b/pbench.linux" -q "$b/ptiny.linux" >"$tmp/linux" 2>&1 \
    </dev/null
bench_check posixbench linux $? "$tmp/linux" "$rows" '[0-9]+\|[0-9]+' 0
echo ALL-DONE
[ $failed -eq 0 ]
