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
