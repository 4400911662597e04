# tests/tests.mk: host unit tests (Check) and guest test programs.

$(eval $(call guest_prog,$(BUILD)/tests/ktest.elf,tests/guest/ktest.c tests/guest/ktest_child.c))
GUEST_TESTS += $(BUILD)/tests/ktest.elf

# XN over a virtio disk, booted twice (tests/guest/xntest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/xntest.elf,tests/guest/xntest.c))
GUEST_TESTS += tests/guest/xntest.sh

# The raw asynchronous disk path (tests/guest/rawdisk.sh).
$(eval $(call guest_prog,$(BUILD)/tests/rawdisk.elf,tests/guest/rawdisk.c))
GUEST_TESTS += tests/guest/rawdisk.sh

# The virtio-blk driver's boot self-test (tests/guest/disktest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/boot.elf,tests/guest/boot.c))
GUEST_TESTS += tests/guest/disktest.sh

# Panics: a backtrace and a failure status (tests/guest/panic.sh).
GUEST_TESTS += tests/guest/panic.sh

# C-FFS in the guest over XN's kernel calls, booted twice, then checked
# by the host's fsck.cffs and cffs (tests/guest/cffstest.sh).
include libexos/cffs-guest.mk
$(eval $(call cffs_guest_prog,$(BUILD)/tests/cffstest.elf,tests/guest/cffstest.c))
GUEST_TESTS += tests/guest/cffstest.sh

# The seeded random kernel-call test (tests/guest/kfuzz.sh); `make
# fuzz-kernel` runs it for longer.
$(eval $(call guest_prog,$(BUILD)/tests/kfuzz.elf,tests/guest/kfuzz.c tests/guest/kfuzz_child.c tests/guest/kfuzz_asm.S))
GUEST_TESTS += tests/guest/kfuzz.sh
