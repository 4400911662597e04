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
# (vmem) uaccess's fault-safe copies
POSIX_SRCS += libexos/posix/ucopy.S
POSIX_SRCS += libexos/posix/shm.c libexos/posix/shmlayout.c libexos/posix/ptab.c \
	libexos/posix/pgrp.c libexos/posix/kill.c
# pipes, the console tty and its line discipline, poll/select
POSIX_SRCS += libexos/posix/pipe.c libexos/posix/tty.c \
	libexos/posix/ldisc.c libexos/posix/poll.c \
	libexos/posix/fifo.c libexos/posix/ends.c libexos/posix/refs.c \
	libexos/posix/fifoname.c
# the files (the fds helper's block)
POSIX_SRCS += libexos/posix/fd.c libexos/posix/dev.c libexos/posix/path.c \
	libexos/posix/fscalls.c libexos/posix/vfs_cffs.c libexos/posix/flock.c
$(patsubst %,$(BUILD)/posix/libexos/posix/%.c.o,path fscalls vfs_cffs fifoname): \
    POSIX_CFLAGS += -Icffs/include
# signals, alarm/setitimer (sig.h)
POSIX_SRCS += libexos/posix/signal.c libexos/posix/sigframe.c \
	libexos/posix/sigentry.S libexos/posix/itimer.c \
	libexos/posix/sigpost.c
POSIX_SRCS += libexos/posix/reboot.c
# (shell) limits, times, sysinfo, syslog, groups, affinity
POSIX_SRCS += libexos/posix/sysinfo.c
# (fmmap) file-backed mmap
POSIX_SRCS += libexos/posix/mmapfile.c
$(BUILD)/posix/libexos/posix/mmapfile.c.o: POSIX_CFLAGS += -Icffs/include
# (portsa) C library routines musl lacks and ports use: fts (MirBSD
# pax); their headers, libexos/posix/include/*.h, go into the sysroot
POSIX_SRCS += libexos/posix/fts.c
# (posixgaps) /proc/self/fd and the names of open files
POSIX_SRCS += libexos/posix/procfs.c
# (portgaps) /proc/PID of every process, /proc/mounts
POSIX_SRCS += libexos/posix/procpid.c
# (pipes) execve of "#!" scripts
POSIX_SRCS += libexos/posix/shebang.c
# (ports12) inotify (inotify.h: the file calls' hooks)
POSIX_SRCS += libexos/posix/inotify.c
# (nonroot) the capability slots: only the first process holds the root
# (libexos/include/exos/capslot.h; also in libexos.a)
POSIX_SRCS += libexos/capslot.c
# (gaps) socket(2): EAFNOSUPPORT
POSIX_SRCS += libexos/posix/socket.c
PX_HEADERS := $(patsubst libexos/posix/include/%,$(SYSROOT)/include/%,\
	$(wildcard libexos/posix/include/*.h))
POSIX_OBJS := $(patsubst %,$(BUILD)/posix/%.o,$(POSIX_SRCS))

# C-FFS in every process (fsroot.h): cffs/'s sources, XN's client
# (libexos/xnclient.c), the disk read through XN (libexos/cffsxndev.c:
# no root capability needed) and XN's UDF
# interpreter, compiled with the POSIX layer's flags into the same
# archive (a program that opens no file links none of it).  Their
# memory is a heap of their own at PX_FSHEAP_VA (a second copy of
# libexos/malloc.c under other names), never the program's arena; the
# block cache is budgeted at PX_FS_CACHE_BLOCKS per process.
PX_FS_CACHE_BLOCKS := 128
PX_FS_SRCS := $(addprefix cffs/,cache.c alloc.c bitmap.c inode.c dir.c ops.c \
	super.c xntmpl.c xnfs.c) xn/udf.c xn/err.c xn/layout.c \
	libexos/xnclient.c \
	libexos/cffsxndev.c libexos/malloc.c libexos/posix/fsroot.c \
	libexos/posix/fsjournal.c
PX_FS_OBJS := $(patsubst %,$(BUILD)/posix/fs/%.o,$(PX_FS_SRCS))
PX_FS_CFLAGS := -DCFFS_HAVE_XN -Icffs/include -Icffs -Ixn/include \
	-include libexos/posix/layout.h -DHEAP_VA=PX_FSHEAP_VA \
	-DHEAP_PAGES=PX_FSHEAP_PAGES -DPOOL_MAX=1024u \
	-DCACHE_BLOCKS=$(PX_FS_CACHE_BLOCKS)u \
	-Dmalloc=px_fs_malloc -Dfree=px_fs_free -Dcalloc=px_fs_calloc \
	-Drealloc=px_fs_realloc
POSIX_OBJS += $(PX_FS_OBJS)
$(BUILD)/posix/fs/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(POSIX_CFLAGS) $(PX_FS_CFLAGS) -c -o $@ $<
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

$(SYSROOT)/include/%.h: libexos/posix/include/%.h $(MUSL_LIBC)
	install -m 0644 $< $@
$(POSIX_OBJS): $(PX_HEADERS)
sysroot: $(PX_HEADERS)

$(POSIX_LIB): $(POSIX_OBJS)
	rm -f $@ && ar rcs $@ $^

$(POSIX_CRT1): libexos/posix/crt1.S $(MUSL_LIBC)
	$(CC) -Ixok/include -c -o $@ $<

# (a build directory copied from another tree names that tree's sysroot:
# made again, or its programs would link the other tree's library)
$(EXOS_CC): libexos/posix/exos-cc.in $(if $(shell grep -qsF \
    'sysroot=$(abspath $(SYSROOT))' $(EXOS_CC) || echo stale),FORCE)
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
