#!/bin/bash
# cheetahload.sh: tests/guest/cheetah.sh with the load and robustness
# cases (CHEETAH_ROBUST=1): 200 concurrent keep-alive connections, 300
# at once (503 past the 256 slots), 1,000 half-open requests held, a
# second environment evicting Cheetah's documents while they are
# fetched, 10,000 SYNs fed to the guest's lwIP; lwIP's heap checked per
# phase (cheetah/heapmark.c).  docs/CHEETAH.md, "Connections", "Tests"
# and "Load runs".  In GUEST_TESTS (make test) since session 11: 50-80 s
# under TCG, 2-3.5 min under KVM.
CHEETAH_ROBUST=1 exec bash "$(dirname "$0")/cheetah.sh" "$@"
