#!/bin/bash
# tests/guest/toyboxquick.sh: make test's part of toybox's own suite:
# tests/guest/toyboxsuite.sh on its representative subset (QUICK there:
# cat, head, tail, wc; about 1 min of TCG), ExOS against the same
# toybox on Linux, the known gaps checked.  The whole set is `make
# test-ports` (about 5 min).
TOYBOX_QUICK=1 exec "$(dirname "$0")/toyboxsuite.sh" "$@"
