# Xok/ExOS: the one entry point.  `make run` boots ExOS from its root
# image to a shell prompt in QEMU (`make run-demo`: the demo),
# `make test` builds and runs every test, `make bench-micro` prints the
# kernel microbenchmarks.  See README.md.

ACCEL     ?= tcg
BUILD     := build
HOST_CC   ?= gcc
# Kernel and guest programs; CC=clang works as well.
ifeq ($(origin CC),default)
CC        := gcc
endif
# gcc turns copy loops into memcpy calls unless told not to; clang's
# -ffreestanding already stops it.
NO_LOOP_PATTERNS := $(shell $(CC) -fno-tree-loop-distribute-patterns -E -x c /dev/null >/dev/null 2>&1 && echo -fno-tree-loop-distribute-patterns)
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

# Module makefiles append to these.
HOST_TESTS :=   # Check test binaries run by `make test`
HOST_TOOLS :=   # host tools (mkfs.cffs, ...)
GUEST_TESTS :=  # guest test boots: scripts/guest-test NAME

.PHONY: all deps run test test-host test-guest gdb bench bench-micro bench-disk bench-cffs bench-posix bench-posix-ports bench-http clean host guest check-clang check-clang-build fuzz-kernel gen
all: guest host

include xn/xn.mk
include xok/xok.mk
include libexos/libexos.mk
include libexos/posix/posix.mk
include tests/tests.mk
include tests/host/host.mk
include benchmarks/benchmarks.mk
include demo/demo.mk
-include cffs/cffs.mk
# the ports tree, /sbin/init and the root image (make ports, make image)
include ports/ports.mk
include init/init.mk
include disk-images/image.mk

host: $(HOST_TESTS) $(HOST_TOOLS)
guest: $(KERNEL) $(GUEST_PROGS)

deps:
	@scripts/deps

# Remake the files that come from the kernel-call list xok/syscalls.master
# (numbers, prototypes, dispatch table, libexos wrappers, the docs' table).
# `make test` fails while one is stale (tests/host/test_gensys.c).
gen:
	@scripts/gensys

# Boot from the root image to init and the dash prompt: the loader
# (init/boot.c) is the one boot module, /sbin/init and the rest come
# from C-FFS.  The image is the user's: order-only, so `make run` does
# not rebuild it (`make image` does, and `make` when its inputs change).
run: deps $(KERNEL) $(BOOT) | $(IMAGE)
	scripts/qemu --accel $(ACCEL) --interactive --console --disk $(IMAGE) \
	    $(KERNEL) $(BOOT)

test: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-tests --accel $(ACCEL) --host "$(HOST_TESTS)" --guest "$(GUEST_TESTS)"

test-host: host
	@scripts/run-tests --host "$(HOST_TESTS)"

test-guest: guest
	@scripts/run-tests --accel $(ACCEL) --guest "$(GUEST_TESTS)"

# Random kernel calls for longer than `make test` runs them
# (docs/TESTING.md): make fuzz-kernel [SEED=n] [CALLS=n] [BOOTS=n] [HAZARDS=mask]
fuzz-kernel: deps guest
	@SEED="$(SEED)" CALLS="$(CALLS)" BOOTS="$(BOOTS)" HAZARDS="$(HAZARDS)" \
	    ACCEL=$(ACCEL) KERNEL=$(KERNEL) scripts/fuzz-kernel

gdb: guest
	scripts/qemu --accel $(ACCEL) --gdb $(KERNEL) $(DEMO_MODULES) & \
	gdb -q -ex 'target remote localhost:1234' -ex 'hbreak kmain' \
	    -ex continue $(KERNEL_ELF); kill %1 2>/dev/null; true

bench-micro: deps guest $(LMICRO) $(TSCRATE)
	@BENCH_TSCRATE=$(TSCRATE) scripts/bench-micro --accel $(ACCEL) --linux $(LMICRO) $(KERNEL) $(BENCH_MICRO_MODULES)

bench-disk: deps guest $(LDISK) $(TSCRATE)
	@BENCH_TSCRATE=$(TSCRATE) scripts/bench-disk --accel $(ACCEL) --linux $(LDISK) $(KERNEL) $(BENCH_DISK_MODULES)

bench-cffs: deps guest $(LCFFS) $(LCFFSCTL) $(TSCRATE)
	@BENCH_TSCRATE=$(TSCRATE) scripts/bench-cffs --accel $(ACCEL) --linux $(LCFFS) --control $(LCFFSCTL) $(KERNEL) $(BENCH_CFFS_MODULES)

# (then the port rows, scripts/bench-posix-ports; BENCH_PORTS_ARGS, e.g.
# --quick or --rounds 5; `make bench-posix-ports` runs only those)
bench-posix: deps guest $(BENCH_POSIX_PROGS) $(BENCH_FILES_PROGS) $(BENCH_PORTS_PROGS) $(IMAGE) $(CFFS_BUILD)/mkfs.cffs $(TSCRATE)
	@BENCH_TSCRATE=$(TSCRATE) scripts/bench-posix --accel $(ACCEL) $(KERNEL) $(BENCH_POSIX_PROGS); s=$$?; \
	BENCH_TSCRATE=$(TSCRATE) MKFS_CFFS=$(CFFS_BUILD)/mkfs.cffs scripts/bench-posix-files --accel $(ACCEL) $(KERNEL) $(BENCH_FILES_PROGS) || s=1; \
	BENCH_TSCRATE=$(TSCRATE) MKFS_CFFS=$(CFFS_BUILD)/mkfs.cffs scripts/bench-posix-ports --accel $(ACCEL) $(BENCH_PORTS_ARGS) $(KERNEL) $(BUILD)/benchmarks/portbench.elf $(BUILD)/benchmarks/portbench.linux || s=1; exit $$s

bench-posix-ports: deps guest $(BENCH_PORTS_PROGS) $(IMAGE) $(CFFS_BUILD)/mkfs.cffs $(TSCRATE)
	@BENCH_TSCRATE=$(TSCRATE) MKFS_CFFS=$(CFFS_BUILD)/mkfs.cffs scripts/bench-posix-ports --accel $(ACCEL) $(BENCH_PORTS_ARGS) $(KERNEL) $(BUILD)/benchmarks/portbench.elf $(BUILD)/benchmarks/portbench.linux

# Cheetah on Xok against nginx on Linux, loaded by wrk (scripts/bench-http;
# BENCH_HTTP_ARGS, e.g. --quick or --rounds 5)
bench-http: deps guest $(CHEETAH_ELF)
	@scripts/deps wrk curl iproute2
	@scripts/bench-http --accel $(ACCEL) $(BENCH_HTTP_ARGS) $(KERNEL) $(CHEETAH_ELF)

bench: bench-micro bench-disk bench-cffs bench-posix bench-http

clean:
	rm -rf $(BUILD)

# Build everything with clang too (kernel, guest programs, host tests)
# and boot the clang kernel's guest tests: both compilers stay clean.
# the project's own code built with clang (CI: -Wall -Wextra -Werror
# with clang too); the ports (third-party code) are built by gcc's make
check-clang-build:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang HOST_CC=clang NO_PORTS=1 all

check-clang:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang HOST_CC=clang all
	@scripts/run-tests --accel $(ACCEL) --kernel $(BUILD)/clang/xok/xok.bin \
	    --guest "$(patsubst $(BUILD)/%,$(BUILD)/clang/%,$(GUEST_TESTS))" \
	    > $(BUILD)/clang/guest.log 2>&1 || { cat $(BUILD)/clang/guest.log; exit 1; }
	@tail -n 1 $(BUILD)/clang/guest.log
