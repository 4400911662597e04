# xn/xn.mk: XN, the stable-storage protection layer, as a host library
# (build/xn/libxn.a), its Check tests (build/xn/test_xn) and its fuzzers
# (make fuzz-xn).  Included by the top-level Makefile.  The kernel build
# compiles XN_CORE_SRCS with -DXOK_KERNEL; xn-kcheck tries that here.

XN_INC        := xn/include
XN_LIB        := $(BUILD)/xn/libxn.a
XN_CORE_SRCS  := xn/udf.c xn/xn.c xn/tables.c xn/proof.c xn/bc.c xn/err.c \
                 xn/principal.c
XN_HOST_SRCS  := xn/host/filedisk.c xn/host/memdisk.c
XN_HDRS       := $(wildcard xn/include/xn/*.h) xn/xn_int.h
XN_OBJS       := $(patsubst xn/%.c,$(BUILD)/xn/%.o,$(XN_CORE_SRCS) $(XN_HOST_SRCS))
XN_TEST_SRCS  := $(wildcard xn/tests/*.c)
XN_CFLAGS     := $(HOST_CFLAGS) -I$(XN_INC)
XN_KCHECK     := $(BUILD)/xn/kcheck.stamp

$(BUILD)/xn/%.o: xn/%.c $(XN_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XN_CFLAGS) -c -o $@ $<

$(XN_LIB): $(XN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(XN_OBJS)

$(BUILD)/xn/test_xn: $(XN_TEST_SRCS) $(wildcard xn/tests/*.h) $(XN_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(XN_CFLAGS) $(CHECK_CFLAGS) -o $@ $(XN_TEST_SRCS) \
		$(XN_LIB) $(CHECK_LIBS)

# The core must build freestanding, as the kernel will build it.
$(XN_KCHECK): $(XN_CORE_SRCS) $(XN_HDRS)
	@mkdir -p $(BUILD)/xn/kcheck
	for f in $(XN_CORE_SRCS); do \
		$(HOST_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -ffreestanding \
			-fno-builtin -nostdlib -DXOK_KERNEL -I$(XN_INC) -c $$f \
			-o $(BUILD)/xn/kcheck/$$(basename $$f .c).o || exit 1; \
	done
	touch $@

HOST_TESTS += $(BUILD)/xn/test_xn
HOST_TOOLS += $(XN_LIB) $(XN_KCHECK)

.PHONY: xn-kcheck fuzz-xn
xn-kcheck: $(XN_KCHECK)

# Fuzzing (not part of `make test`): FUZZ_SECONDS per target.
FUZZ_SECONDS  ?= 60
XN_FUZZ_CC    ?= clang
XN_FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -I$(XN_INC)
XN_FUZZERS    := $(BUILD)/xn/fuzz_udf $(BUILD)/xn/fuzz_alloc

$(BUILD)/xn/fuzz_%: xn/fuzz/fuzz_%.c $(XN_CORE_SRCS) $(XN_HOST_SRCS) $(XN_HDRS)
	@mkdir -p $(dir $@)
	$(XN_FUZZ_CC) $(XN_FUZZ_FLAGS) -o $@ $< $(XN_CORE_SRCS) $(XN_HOST_SRCS)

fuzz-xn: $(XN_FUZZERS)
	@for f in $(XN_FUZZERS); do \
		mkdir -p $$f.corpus; \
		echo "fuzz-xn: $$f for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$$f.corpus xn/fuzz/seeds/$$(basename $$f) || exit 1; \
	done
