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
	xok/trap.c xok/sched.c xok/syscall.c xok/envexit.c xok/dev/pic.c xok/dev/pit.c \
	xok/dev/pci.c xok/dev/virtio_blk.c \
	xok/lib/string.c xok/lib/format.c xok/xnsys.c xok/diskio.c \
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

-include $(KERNEL_OBJS:.o=.d)
