# libexos/posix/posix.mk: the sysroot (`make sysroot`): musl built from
# Debian's source package with ports/musl/*.patch (its syscalls become
# calls to __exos_syscall), libexos's POSIX layer (libexos-posix.a), the
# ExOS start code (exos-crt1.o) and the compiler wrapper $(BUILD)/bin/exos-cc.
# The source package is fetched once into build/cache (scripts/debsrc).
# musl is built with gcc whatever CC is; programs with $(CC).

SYSROOT := $(BUILD)/sysroot
MUSL_LIBC := $(SYSROOT)/lib/libc.a
EXOS_CC := $(BUILD)/bin/exos-cc
POSIX_LIB := $(SYSROOT)/lib/libexos-posix.a
POSIX_CRT1 := $(SYSROOT)/lib/exos-crt1.o

POSIX_SRCS := libexos/posix/dispatch.c libexos/posix/console.c \
	libexos/posix/proc.c libexos/posix/mem.c libexos/posix/time.c \
	libexos/posix/start.c libexos/posix/module.c libexos/posix/files.c \
	libexos/posix/exec.c libexos/posix/exectramp.S libexos/posix/block.c \
	libexos/posix/uaccess.c
POSIX_SRCS += libexos/posix/fork.c libexos/posix/forkctx.S \
	libexos/posix/pxwait.c libexos/wait.c libexos/touch.c libexos/resume.S
POSIX_SRCS += libexos/posix/reboot.c
POSIX_OBJS := $(patsubst %,$(BUILD)/posix/%.o,$(POSIX_SRCS))
# musl's headers, then the compiler's, then the kernel's ABI and
# libexos's kernel-call wrappers (exos/xok.h) after them, so libexos's
# own freestanding stdlib.h and string.h never shadow musl's.
POSIX_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -fno-stack-protector \
	-nostdinc -isystem $(SYSROOT)/include \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Ixok/include -idirafter libexos/include -MD -MP
# (-MD, not -MMD: the kernel's and libexos's headers come in through
# system-header options, which -MMD leaves out of the dependencies.)

.PHONY: sysroot
sysroot: $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1) $(EXOS_CC)

$(MUSL_LIBC): scripts/build-musl scripts/debsrc $(wildcard ports/musl/*.patch)
	MUSL_CC=gcc scripts/build-musl build/cache $(BUILD)/musl $(SYSROOT)
	@touch $@

$(POSIX_OBJS): $(MUSL_LIBC) libexos/posix/posix.mk
$(BUILD)/posix/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(POSIX_CFLAGS) -c -o $@ $<
$(BUILD)/posix/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(POSIX_CFLAGS) -c -o $@ $<

$(POSIX_LIB): $(POSIX_OBJS)
	rm -f $@ && ar rcs $@ $^

$(POSIX_CRT1): libexos/posix/crt1.S $(MUSL_LIBC)
	$(CC) -Ixok/include -c -o $@ $<

$(EXOS_CC): libexos/posix/exos-cc.in
	@mkdir -p $(dir $@)
	sed 's|@SYSROOT@|$(abspath $(SYSROOT))|' $< > $@.tmp
	chmod +x $@.tmp && mv $@.tmp $@

# $(call exos_prog,OUTPUT.elf,SOURCES): a program built with exos-cc
# (and the kernel's ABI header, <xok/abi.h>, for tests that read the
# exported state).
define exos_prog
$(1): $(2) $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1) \
    $(wildcard xok/include/xok/*.h)
	@mkdir -p $$(dir $$@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -idirafter xok/include -o $$@ $(2)
GUEST_PROGS += $(1)
endef

-include $(POSIX_OBJS:.o=.d)
