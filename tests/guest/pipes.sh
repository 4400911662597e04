#!/bin/bash
# tests/guest/pipes.sh: pipes, poll and select (libexos/posix/pipe.c, poll.c).
# tests/posix/pipes.c runs under scripts/exos-run and, built with the
# host's gcc, on Linux, where every check must pass the same way
# (tests/guest/pair.sh).
#   tests/guest/pipes.sh [--accel tcg|kvm] [KERNEL]
. "$(dirname "$0")/pair.sh"
pair_exos pipes "$build/tests/pipes.elf"
pair_linux pipes
pair_end
