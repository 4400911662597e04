# disk-images/image.mk: `make image`, the root file system of ExOS
# (scripts/mkimage: build/rootfs, then build/disk-images/root.cffs with
# mkfs.cffs -d; disk-images/README.md).  Part of `make all` (the image
# test boots what it holds).  `make run-image` boots /sbin/init with the
# image's files (see the README for how far that gets today).
IMAGE := $(BUILD)/disk-images/root.cffs

.PHONY: image run-image run-demo
image: $(IMAGE)
$(IMAGE): scripts/mkimage $(wildcard disk-images/etc/*) $(PORT_STAMPS) \
    $(INIT) $(CFFS_BUILD)/mkfs.cffs $(CFFS_BUILD)/fsck.cffs
	@scripts/mkimage $(BUILD)

ifneq ($(NO_PORTS),1)
GUEST_PROGS += $(IMAGE)
endif

# today's demo, also what `make run` boots until the shell reaches a
# prompt from the image
run-demo: deps guest
	scripts/qemu --accel $(ACCEL) --interactive $(KERNEL) $(DEMO_MODULES)

run-image: deps guest
	scripts/boot-image $(BUILD)
