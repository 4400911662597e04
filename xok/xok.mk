# xok/xok.mk: the kernel.  Freestanding, no libc; the pure modules
# (cap, pred, pages) and xok/lib are also built for host tests.

KERNEL_ELF := $(BUILD)/xok/xok.elf
KERNEL     := $(BUILD)/xok/xok.bin

KCFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -ffreestanding \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx \
	-mno-sse2 -mno-avx -fno-stack-protector -fno-omit-frame-pointer \
	-fno-builtin $(NO_LOOP_PATTERNS) -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Ixok/include -Ixok -Ixn/include -DXOK_KERNEL -MMD -MP

KERNEL_SRCS := xok/arch/x86_64/boot.S xok/arch/x86_64/trapentry.S \
	xok/arch/x86_64/cpu.c xok/main.c xok/console.c xok/pmap.c \
	xok/pages.c xok/cap.c xok/pred.c xok/env.c xok/upcall.c \
	xok/trap.c xok/sched.c xok/syscall.c xok/envexit.c xok/systab.c xok/capcheck.c \
	xok/machsys.c xok/pagesys.c xok/envsys.c xok/capsys.c xok/schedsys.c \
	xok/dev/pic.c xok/dev/pit.c \
	xok/dev/pci.c xok/dev/virtio.c xok/dev/virtio_blk.c xok/dev/virtio_net.c \
	xok/consin.c xok/consring.c xok/dev/rtc.c xok/rtctime.c \
	xok/pf.c xok/pfmirror.c xok/netsys.c xok/nettx.c xok/nettxo.c \
	xok/lib/string.c xok/lib/format.c xok/xnsys.c xok/xnread.c xok/xnmap.c \
	xok/diskio.c \
	xok/pagebatch.c \
	xok/sleepto.c \
	xok/txocheck.c \
	xok/rxcsum.c \
	$(XN_CORE_SRCS)   # XN's core, compiled twice (xn/xn.mk)
KERNEL_OBJS := $(patsubst %,$(BUILD)/k/%.o,$(KERNEL_SRCS))

$(BUILD)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -Ixok/arch/x86_64 -c -o $@ $<

$(KERNEL_ELF): $(KERNEL_OBJS) xok/kernel.ld
	@mkdir -p $(dir $@)
	ld -nostdlib -z max-page-size=4096 -z noexecstack -T xok/kernel.ld -o $@ $(KERNEL_OBJS)

$(KERNEL): $(KERNEL_ELF)
	objcopy -O binary $< $@

# The test kernel of tests/guest/disktest.sh: the same objects, but
# virtio_blk.c with its self-test (xok/dev/vblk_selftest.c), which the
# production kernel does not contain.
KERNEL_VBLKTEST     := $(BUILD)/xok/xok-vblktest.bin
KERNEL_VBLKTEST_ELF := $(BUILD)/xok/xok-vblktest.elf
KERNEL_VBLKTEST_OBJS := $(subst $(BUILD)/k/xok/dev/virtio_blk.c.o,$(BUILD)/kt/xok/dev/virtio_blk.c.o,$(KERNEL_OBJS))

$(BUILD)/kt/xok/dev/virtio_blk.c.o: xok/dev/virtio_blk.c xok/dev/vblk_selftest.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -DVBLK_SELFTEST -c -o $@ $<

$(KERNEL_VBLKTEST_ELF): $(KERNEL_VBLKTEST_OBJS) xok/kernel.ld
	@mkdir -p $(dir $@)
	ld -nostdlib -z max-page-size=4096 -z noexecstack -T xok/kernel.ld -o $@ $(KERNEL_VBLKTEST_OBJS)

$(KERNEL_VBLKTEST): $(KERNEL_VBLKTEST_ELF)
	objcopy -O binary $< $@

guest: $(KERNEL_VBLKTEST)

-include $(KERNEL_OBJS:.o=.d) $(BUILD)/kt/xok/dev/virtio_blk.c.d
