# ports/ports.mk: the ports tree.  Each ports/NAME/port.sh is a recipe
# (docs/PORTING.md, "The ports tree"); scripts/port builds it with
# exos-cc into $(BUILD)/ports/NAME/root.  `make ports` builds them all,
# `make ports/NAME` one; a port that fails stops make with the end of
# its log.  The ports are part of `make all` (the guest tests run them).
# A port is rebuilt when its recipe, its patches, its other files (say
# a config fragment), the scripts or the
# sysroot (musl, libexos-posix.a, the start code) change.

PORTS := $(patsubst ports/%/port.sh,%,$(wildcard ports/*/port.sh))
PORT_STAMPS := $(patsubst %,$(BUILD)/ports/%/installed,$(PORTS))

.PHONY: ports $(addprefix ports/,$(PORTS))
ports: $(PORT_STAMPS)

# A recipe's PORT_DEPENDS="A B" line names the ports built before it
# (a library port: bsdtar links against zlib's tree).
port_deps = $(patsubst %,$(BUILD)/ports/%/installed,$(shell sed -n \
    's/^PORT_DEPENDS="\([^"]*\)".*/\1/p' ports/$(1)/port.sh))

define port_rule
ports/$(1): $(BUILD)/ports/$(1)/installed
$(BUILD)/ports/$(1)/installed: ports/$(1)/port.sh \
    $(wildcard ports/$(1)/patches/*.patch) \
    $(filter-out ports/$(1)/patches,$(wildcard ports/$(1)/*)) \
    scripts/port scripts/debsrc \
    $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1) $(call port_deps,$(1))
	@scripts/port $(1) $(BUILD)
endef
$(foreach p,$(PORTS),$(eval $(call port_rule,$(p))))

# (NO_PORTS=1: the project's own code only, as make check-clang-build)
ifneq ($(NO_PORTS),1)
GUEST_PROGS += $(PORT_STAMPS)
endif

# ---- portbench: the port rows of `make bench-posix` ----
# (scripts/bench-posix-ports; benchmarks/ports/).  The Linux peers: the
# same sources (build/cache, the project's patches) built with musl-gcc
# -static into $(BUILD)/ports-linux/NAME/NAME by benchmarks/ports/
# build-linux, only for the benchmark (not part of `make all`).  The
# driver, benchmarks/ports/portbench.c, is built both ways as the other
# bench-posix programs are.
PORTS_LINUX := gzip sqlite3 tcc pax
PORTS_LINUX_BINS := $(foreach p,$(PORTS_LINUX),$(BUILD)/ports-linux/$(p)/$(p))
define port_linux_rule
$(BUILD)/ports-linux/$(1)/$(1): ports/$(1)/port.sh \
    $(wildcard ports/$(1)/patches/*.patch) benchmarks/ports/build-linux \
    | $(BUILD)/ports/$(1)/installed
	@benchmarks/ports/build-linux $(1) $(BUILD)
endef
$(foreach p,$(PORTS_LINUX),$(eval $(call port_linux_rule,$(p))))
$(eval $(call exos_prog,$(BUILD)/benchmarks/portbench.elf,benchmarks/ports/portbench.c $(BENCH_CLOCK)))
$(BUILD)/benchmarks/portbench.linux: benchmarks/ports/portbench.c $(BENCH_CLOCK) \
    benchmarks/common/benchclock.h
	@mkdir -p $(dir $@)
	$(POSIX_HOST_CC) -static -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ \
	    $< $(BENCH_CLOCK)
GUEST_PROGS += $(BUILD)/benchmarks/portbench.linux
BENCH_PORTS_PROGS := $(BUILD)/benchmarks/portbench.elf \
    $(BUILD)/benchmarks/portbench.linux $(PORTS_LINUX_BINS)
