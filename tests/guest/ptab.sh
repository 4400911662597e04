#!/bin/bash
# tests/guest/ptab.sh: the family's shared region and the process table.
# tests/posix/ptab.c runs under scripts/exos-run (as /bin/ptab, which it
# execs) and, built with the host's gcc, on Linux, where the process
# checks must pass the same way (tests/guest/pair.sh).
#   tests/guest/ptab.sh [--accel tcg|kvm] [KERNEL]
. "$(dirname "$0")/pair.sh"
pair_exos ptab "$build/tests/ptab.elf"
pair_linux ptab
pair_end
