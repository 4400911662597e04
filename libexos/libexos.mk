# libexos/libexos.mk: the ExOS library OS and the rule to link a guest
# program against it.

UCFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-pic \
	-fno-pie -fno-stack-protector -fno-builtin \
	$(NO_LOOP_PATTERNS) -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Ixok/include -Ilibexos/include -Ixn/include -MMD -MP
ULDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

LIBEXOS_SRCS := libexos/runtime.c libexos/spawn.c libexos/wait.c libexos/upcall.S libexos/resume.S \
	libexos/malloc.c libexos/qsort.c libexos/touch.c xok/lib/string.c xok/lib/format.c \
	libexos/consin.c libexos/clock.c libexos/capslot.c
LIBEXOS_OBJS := $(patsubst %,$(BUILD)/u/%.o,$(LIBEXOS_SRCS))
LIBEXOS := $(BUILD)/libexos/libexos.a
CRT0 := $(BUILD)/u/libexos/crt0.S.o

$(BUILD)/u/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c -o $@ $<

$(BUILD)/u/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c -o $@ $<

$(LIBEXOS): $(LIBEXOS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# $(call guest_prog,OUTPUT.elf,SOURCES)
define guest_prog
$(1): $(CRT0) $(patsubst %,$(BUILD)/u/%.o,$(2)) $(LIBEXOS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ULDFLAGS) -o $$@ $(CRT0) $(patsubst %,$(BUILD)/u/%.o,$(2)) $(LIBEXOS) -lgcc
GUEST_PROGS += $(1)
-include $(patsubst %,$(BUILD)/u/%.d,$(2))
endef

-include $(LIBEXOS_OBJS:.o=.d) $(CRT0:.o=.d)
