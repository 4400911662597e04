# benchmarks/benchmarks.mk: microbenchmarks (make bench-micro).
$(eval $(call guest_prog,$(BUILD)/benchmarks/micro.elf,benchmarks/micro/micro.c benchmarks/micro/nofp.c))
$(BUILD)/u/benchmarks/micro/nofp.c.o: UCFLAGS += -mno-sse -mno-sse2 -mno-mmx -mno-avx
BENCH_MICRO_MODULES := $(BUILD)/benchmarks/micro.elf
$(eval $(call guest_prog,$(BUILD)/benchmarks/diskbench.elf,benchmarks/disk/diskbench.c))
BENCH_DISK_MODULES := $(BUILD)/benchmarks/diskbench.elf

# The host's TSC rate, the reference of the benchmarks' clock check.
TSCRATE := $(BUILD)/benchmarks/tscrate
$(TSCRATE): benchmarks/host/tscrate.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

# The Linux side: a static program run in a Linux guest (scripts/linux-guest).
LMICRO := $(BUILD)/benchmarks/lmicro
LDISK := $(BUILD)/benchmarks/ldisk
$(BUILD)/benchmarks/l%: benchmarks/linux/l%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

# C-FFS under Xok against ext2 under Linux (make bench-cffs): one
# workload, benchmarks/cffs/workload.h, included by both sides.
$(eval $(call cffs_guest_prog,$(BUILD)/benchmarks/cffsbench.elf,benchmarks/cffs/cffsbench.c))
BENCH_CFFS_MODULES := $(BUILD)/benchmarks/cffsbench.elf
LCFFS := $(BUILD)/benchmarks/lcffs
$(LCFFS): benchmarks/cffs/workload.h
# The control: the same C-FFS library as a Linux program over /dev/vda.
LCFFSCTL := $(BUILD)/benchmarks/lcffsctl
$(LCFFSCTL): benchmarks/linux/lcffsctl.c benchmarks/cffs/workload.h \
    benchmarks/cffs/cffsops.h $(BUILD)/cffs/libcffs.a $(XN_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) -static -O2 -Wall -Wextra -Werror -Icffs/include -o $@ $< \
	    $(BUILD)/cffs/libcffs.a $(XN_LIB)
# POSIX calls on ExOS against Linux (make bench-posix): one source,
# benchmarks/posix/pbench.c, built with exos-cc and with musl-gcc
# -static (the same libc); ptiny.c is what its exec rows exec.
# benchmarks/common/benchclock.c: the clock and call accounting all three
# drivers (pbench, pfiles, portbench) share, on both sides.
BENCH_CLOCK := benchmarks/common/benchclock.c
$(eval $(call exos_prog,$(BUILD)/benchmarks/pbench.elf,benchmarks/posix/pbench.c $(BENCH_CLOCK)))
$(eval $(call exos_prog,$(BUILD)/benchmarks/ptiny.elf,benchmarks/posix/ptiny.c))
BENCH_POSIX_LINUX := $(BUILD)/benchmarks/pbench.linux $(BUILD)/benchmarks/ptiny.linux
$(BUILD)/benchmarks/ptiny.linux: benchmarks/posix/ptiny.c
	@mkdir -p $(dir $@)
	$(POSIX_HOST_CC) -static -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ $<
$(BUILD)/benchmarks/pbench.linux $(BUILD)/benchmarks/pfiles.linux: \
    $(BUILD)/benchmarks/%.linux: benchmarks/posix/%.c $(BENCH_CLOCK) \
    benchmarks/common/benchclock.h
	@mkdir -p $(dir $@)
	$(POSIX_HOST_CC) -static -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ \
	    $< $(BENCH_CLOCK)
GUEST_PROGS += $(BENCH_POSIX_LINUX)
BENCH_POSIX_PROGS := $(BUILD)/benchmarks/pbench.elf $(BUILD)/benchmarks/ptiny.elf $(BENCH_POSIX_LINUX)
# The file and pipe rows of make bench-posix (scripts/bench-posix-files):
# benchmarks/posix/pfiles.c, the same two ways (pfiles.linux by the rule
# above); ExOS on a fresh C-FFS disk, Linux on fresh ext4 and ext2 disks.
$(eval $(call exos_prog,$(BUILD)/benchmarks/pfiles.elf,benchmarks/posix/pfiles.c $(BENCH_CLOCK)))
GUEST_PROGS += $(BUILD)/benchmarks/pfiles.linux
BENCH_FILES_PROGS := $(BUILD)/benchmarks/pfiles.elf $(BUILD)/benchmarks/pfiles.linux
