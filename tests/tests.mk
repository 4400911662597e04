# tests/tests.mk: host unit tests (Check) and guest test programs.

$(eval $(call guest_prog,$(BUILD)/tests/ktest.elf,tests/guest/ktest.c tests/guest/ktest_child.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/ktest.elf

# Hostile CPU state: NT, 32-bit segments, #MF/#XM, selectors, console.
$(eval $(call guest_prog,$(BUILD)/tests/cputest.elf,tests/guest/cputest.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/cputest.elf

# XN over a virtio disk, booted twice (tests/guest/xntest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/xntest.elf,tests/guest/xntest.c))
GUEST_TESTS += tests/guest/xntest.sh

# The raw asynchronous disk path (tests/guest/rawdisk.sh).
$(eval $(call guest_prog,$(BUILD)/tests/rawdisk.elf,tests/guest/rawdisk.c))
GUEST_TESTS += tests/guest/rawdisk.sh

# The virtio-blk driver's self-test, in a test-only kernel
# (xok/dev/vblk_selftest.c; tests/guest/disktest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/boot.elf,tests/guest/boot.c))
GUEST_TESTS += tests/guest/disktest.sh

# Panics: a backtrace and a failure status (tests/guest/panic.sh).
GUEST_TESTS += tests/guest/panic.sh

# C-FFS in the guest over XN's kernel calls, booted twice, then checked
# by the host's fsck.cffs and cffs (tests/guest/cffstest.sh).
include libexos/cffs-guest.mk
$(eval $(call cffs_guest_prog,$(BUILD)/tests/cffstest.elf,tests/guest/cffstest.c))
GUEST_TESTS += tests/guest/cffstest.sh

# Attacks on XN principals, rights, XN_BC_REVOKED's copy-out and child
# names (tests/guest/xnhostile.sh).
$(eval $(call guest_prog,$(BUILD)/tests/xnhostile.elf,tests/guest/xnhostile.c))
GUEST_TESTS += tests/guest/xnhostile.sh
# Zeroed pages, quotas, the evict stall (tests/guest/memtest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/memtest.elf,tests/guest/memtest.c))
GUEST_TESTS += tests/guest/memtest.sh
# The TSC calibration and its cross-check (tests/guest/clocktest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/clocktest.elf,tests/guest/clocktest.c))
GUEST_TESTS += tests/guest/clocktest.sh
# A hostile review of the reverse map, table freeing and quotas
# (tests/guest/memattack.sh).
$(eval $(call guest_prog,$(BUILD)/tests/memattack.elf,tests/guest/memattack.c))
GUEST_TESTS += tests/guest/memattack.sh
# FS/GS bases per environment, full child context (ENV_SET_BASE,
# ENV_SET_CONTEXT) and their hostile values.
$(eval $(call guest_prog,$(BUILD)/tests/tlstest.elf,tests/guest/tlstest.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/tlstest.elf
# The seeded random kernel-call test (tests/guest/kfuzz.sh); `make
# fuzz-kernel` runs it for longer.
$(eval $(call guest_prog,$(BUILD)/tests/kfuzz.elf,tests/guest/kfuzz.c tests/guest/kfuzz_verify.c tests/guest/kfuzz_child.c tests/guest/kfuzz_asm.S))
GUEST_TESTS += tests/guest/kfuzz.sh
# The batched page calls and kernel writes into copy-on-write pages
# (tests/guest/batchtest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/batchtest.elf,tests/guest/batchtest.c))
GUEST_TESTS += tests/guest/batchtest.sh
# Console input: a typed line, a full-speed paste larger than the ring,
# CONS_READ's capability and bad buffers (tests/guest/constest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/constest.elf,tests/guest/constest.c tests/guest/role.c))
GUEST_TESTS += tests/guest/constest.sh
# virtio-net and packet filters on QEMU's user network, with a host-side
# UDP sender and sink (tests/guest/nettest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/nettest.elf,tests/guest/nettest.c tests/guest/role.c))
GUEST_TESTS += tests/guest/nettest.sh
# The sysroot (no syscall instruction in musl) and the first program
# built with exos-cc, booted as the first process
# (tests/guest/posixhello.sh).
$(eval $(call exos_prog,$(BUILD)/tests/posixhello.elf,tests/posix/hello.c))
GUEST_TESTS += tests/guest/posixhello.sh
# fork, wait4/waitpid, getppid in the POSIX layer (tests/guest/posixfork.sh).
$(eval $(call exos_prog,$(BUILD)/tests/posixfork.elf,tests/posix/fork.c))
GUEST_TESTS += tests/guest/posixfork.sh
# Exit notices: zombies, ENV_SET_NOTICE, ENV_REAP, exos_wait; exos_spawn's
# start context (tests/guest/exittest.c).
$(eval $(call guest_prog,$(BUILD)/tests/exittest.elf,tests/guest/exittest.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/exittest.elf
# Many environments: a full table, hosts, 500 sleepers next to a
# spinner, 1,024 at once (issue 9 item 4).
$(eval $(call guest_prog,$(BUILD)/tests/scaletest.elf,tests/guest/scaletest.c))
GUEST_TESTS += $(BUILD)/tests/scaletest.elf
# TCP/IP as a library: an lwIP echo server over packet filters and
# rings, driven from the host through a forwarded port
# (tests/guest/lwiptest.sh).
include libexos/net/net.mk
$(eval $(call net_guest_prog,$(BUILD)/tests/lwiptest.elf,tests/guest/lwiptest.c))
GUEST_TESTS += tests/guest/lwiptest.sh
# scripts/exos-run itself (exit statuses, timeout, faults, --add files,
# argv/env, stdout/stderr, no chatter) and execve in the libOS
# (tests/guest/exosrun.sh), each program checked on Linux too.
$(eval $(call exos_prog,$(BUILD)/tests/runtest.elf,tests/posix/runtest.c))
$(eval $(call exos_prog,$(BUILD)/tests/exectest.elf,tests/posix/exectest.c))
GUEST_TESTS += tests/guest/exosrun.sh

# The ports dash and toybox (ports/, `make ports`, part of `make all`)
# on ExOS, compared with the host's dash and coreutils (tests/guest/ports.sh).
GUEST_TESTS += tests/guest/ports.sh

# The root image (`make image`) on the host, and /sbin/init booted with
# its files (tests/guest/image.sh).
GUEST_TESTS += tests/guest/image.sh
$(eval $(call exos_prog,$(BUILD)/tests/reboot.elf,tests/posix/reboot.c))
