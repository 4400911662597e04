# tests/tests.mk: host unit tests (Check) and guest test programs.

$(eval $(call guest_prog,$(BUILD)/tests/ktest.elf,tests/guest/ktest.c tests/guest/ktest_child.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/ktest.elf

# Hostile CPU state: NT, 32-bit segments, #MF/#XM, selectors, console.
$(eval $(call guest_prog,$(BUILD)/tests/cputest.elf,tests/guest/cputest.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/cputest.elf

# XN over a virtio disk, booted twice (tests/guest/xntest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/xntest.elf,tests/guest/xntest.c))
GUEST_TESTS += tests/guest/xntest.sh

# The raw asynchronous disk path (tests/guest/rawdisk.sh).
$(eval $(call guest_prog,$(BUILD)/tests/rawdisk.elf,tests/guest/rawdisk.c))
GUEST_TESTS += tests/guest/rawdisk.sh

# The virtio-blk driver's self-test, in a test-only kernel
# (xok/dev/vblk_selftest.c; tests/guest/disktest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/boot.elf,tests/guest/boot.c))
GUEST_TESTS += tests/guest/disktest.sh

# Panics: a backtrace and a failure status (tests/guest/panic.sh).
GUEST_TESTS += tests/guest/panic.sh

# C-FFS in the guest over XN's kernel calls, booted twice, then checked
# by the host's fsck.cffs and cffs (tests/guest/cffstest.sh).
include libexos/cffs-guest.mk
$(eval $(call cffs_guest_prog,$(BUILD)/tests/cffstest.elf,tests/guest/cffstest.c))
GUEST_TESTS += tests/guest/cffstest.sh

# Attacks on XN principals, rights, XN_BC_REVOKED's copy-out and child
# names (tests/guest/xnhostile.sh).
$(eval $(call guest_prog,$(BUILD)/tests/xnhostile.elf,tests/guest/xnhostile.c))
GUEST_TESTS += tests/guest/xnhostile.sh
# XN_BC_MAP's cache views (shared block cache) and XN_READ against
# hostile arguments (tests/guest/xnmap.sh).
$(eval $(call guest_prog,$(BUILD)/tests/xnmap.elf,tests/guest/xnmap.c))
GUEST_TESTS += tests/guest/xnmap.sh
# Zeroed pages, quotas, the evict stall (tests/guest/memtest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/memtest.elf,tests/guest/memtest.c))
GUEST_TESTS += tests/guest/memtest.sh
# The TSC calibration and its cross-check (tests/guest/clocktest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/clocktest.elf,tests/guest/clocktest.c))
GUEST_TESTS += tests/guest/clocktest.sh
# A hostile review of the reverse map, table freeing and quotas
# (tests/guest/memattack.sh).
$(eval $(call guest_prog,$(BUILD)/tests/memattack.elf,tests/guest/memattack.c))
GUEST_TESTS += tests/guest/memattack.sh
# FS/GS bases per environment, full child context (ENV_SET_BASE,
# ENV_SET_CONTEXT) and their hostile values.
$(eval $(call guest_prog,$(BUILD)/tests/tlstest.elf,tests/guest/tlstest.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/tlstest.elf
# The seeded random kernel-call test (tests/guest/kfuzz.sh); `make
# fuzz-kernel` runs it for longer.
$(eval $(call guest_prog,$(BUILD)/tests/kfuzz.elf,tests/guest/kfuzz.c tests/guest/kfuzz_verify.c tests/guest/kfuzz_child.c tests/guest/kfuzz_asm.S))
GUEST_TESTS += tests/guest/kfuzz.sh
# The batched page calls and kernel writes into copy-on-write pages
# (tests/guest/batchtest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/batchtest.elf,tests/guest/batchtest.c))
GUEST_TESTS += tests/guest/batchtest.sh
# Console input: a typed line, a full-speed paste larger than the ring,
# CONS_READ's capability and bad buffers (tests/guest/constest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/constest.elf,tests/guest/constest.c tests/guest/role.c))
GUEST_TESTS += tests/guest/constest.sh
# virtio-net and packet filters on QEMU's user network, with a host-side
# UDP sender and sink (tests/guest/nettest.sh).
$(eval $(call guest_prog,$(BUILD)/tests/nettest.elf,tests/guest/nettest.c tests/guest/role.c))
GUEST_TESTS += tests/guest/nettest.sh
# The sysroot (no syscall instruction in musl) and the first program
# built with exos-cc, booted as the first process
# (tests/guest/posixhello.sh).
$(eval $(call exos_prog,$(BUILD)/tests/posixhello.elf,tests/posix/hello.c))
GUEST_TESTS += tests/guest/posixhello.sh
# fork, wait4/waitpid, getppid in the POSIX layer (tests/guest/posixfork.sh).
$(eval $(call exos_prog,$(BUILD)/tests/posixfork.elf,tests/posix/fork.c))
GUEST_TESTS += tests/guest/posixfork.sh
# Exit notices: zombies, ENV_SET_NOTICE, ENV_REAP, exos_wait; exos_spawn's
# start context (tests/guest/exittest.c).
$(eval $(call guest_prog,$(BUILD)/tests/exittest.elf,tests/guest/exittest.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/exittest.elf
# Many environments: a full table, hosts, 500 sleepers next to a
# spinner, 1,024 at once (issue 9 item 4).
$(eval $(call guest_prog,$(BUILD)/tests/scaletest.elf,tests/guest/scaletest.c))
GUEST_TESTS += $(BUILD)/tests/scaletest.elf
# TCP/IP as a library: an lwIP echo server over packet filters and
# rings, driven from the host through a forwarded port
# (tests/guest/lwiptest.sh).
include libexos/net/net.mk
$(eval $(call net_guest_prog,$(BUILD)/tests/lwiptest.elf,tests/guest/lwiptest.c))
GUEST_TESTS += tests/guest/lwiptest.sh
# scripts/exos-run itself (exit statuses, timeout, faults, --add files,
# argv/env, stdout/stderr, no chatter) and execve in the libOS
# (tests/guest/exosrun.sh), each program checked on Linux too.
$(eval $(call exos_prog,$(BUILD)/tests/runtest.elf,tests/posix/runtest.c))
$(eval $(call exos_prog,$(BUILD)/tests/exectest.elf,tests/posix/exectest.c))
GUEST_TESTS += tests/guest/exosrun.sh
# Descriptors and the file calls on a C-FFS disk (tests/guest/posixfiles.sh):
# tests/posix/files.c on ExOS and on Linux; the image checked by the
# host's fsck.cffs and read back after a reboot.
$(BUILD)/tests/posixfiles.elf: tests/posix/files.c tests/posix/ptest.h \
    $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1)
	@mkdir -p $(dir $@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -Wno-comment -idirafter xok/include -o $@ tests/posix/files.c
GUEST_PROGS += $(BUILD)/tests/posixfiles.elf
GUEST_TESTS += tests/guest/posixfiles.sh
# (wback) The file system's write-back: several processes, no sync,
# power-offs with and without sync (tests/guest/wback.sh).
$(BUILD)/tests/wback.elf: tests/posix/wback.c tests/posix/ptest.h \
    $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1)
	@mkdir -p $(dir $@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -o $@ tests/posix/wback.c
GUEST_PROGS += $(BUILD)/tests/wback.elf
GUEST_TESTS += tests/guest/wback.sh
# The family's shared region and the process table (tests/posix/ptab.c,
# run on ExOS and on Linux by tests/guest/ptab.sh).
$(eval $(call exos_prog,$(BUILD)/tests/ptab.elf,tests/posix/ptab.c))
GUEST_TESTS += tests/guest/ptab.sh
# (vmem) Bad pointers, lazy and shared anonymous memory, vfork and
# posix_spawn, on ExOS and Linux (tests/posix/vmem.c, in the suite).
POSIX_SUITE += vmem
# The POSIX suite (tests/guest/posixsuite.sh; docs/TESTING.md): each
# NAME in POSIX_SUITE is tests/posix/NAME.c (with tests/posix/ptest.h),
# built with exos-cc as $(BUILD)/tests/posix-NAME.elf and with the
# host's compiler as $(BUILD)/tests/posix-NAME.linux, and run on both;
# it must pass on both.  Add a program with one line, anywhere in the
# makefiles:  POSIX_SUITE += NAME
# A program that wants a file system on ExOS also says
# POSIX_SUITE_DISK += NAME: its ExOS run gets a fresh, empty C-FFS disk
# as its root (exos-run --disk; fsck.cffs must find it clean after).
POSIX_SUITE += suiteenv
POSIX_HOST_CC := $(if $(shell command -v musl-gcc),musl-gcc,$(HOST_CC))
POSIX_SUITE_FILES = $(foreach p,$(POSIX_SUITE),$(BUILD)/tests/posix-$(p).elf \
    $(BUILD)/tests/posix-$(p).linux) $(BUILD)/tests/posixsuite.list
GUEST_PROGS += $(POSIX_SUITE_FILES)
$(BUILD)/tests/posix-%.elf: tests/posix/%.c $(wildcard tests/posix/*.h) \
    $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1) $(wildcard xok/include/xok/*.h)
	@mkdir -p $(dir $@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -idirafter xok/include -o $@ $<
$(BUILD)/tests/posix-%.linux: tests/posix/%.c $(wildcard tests/posix/*.h)
	@mkdir -p $(dir $@)
	$(POSIX_HOST_CC) -static -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ $<
# the names, for the script; rewritten only when the list changes
$(BUILD)/tests/posixsuite.list: FORCE
	@mkdir -p $(dir $@)
	@echo $(sort $(POSIX_SUITE)) | tr ' ' '\n' | sed '/^$$/d' >$@.tmp
	@echo $(sort $(POSIX_SUITE_DISK)) | tr ' ' '\n' | sed '/^$$/d; s/$$/ disk/' >>$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
.PHONY: FORCE
FORCE:
GUEST_TESTS += tests/guest/posixsuite.sh
# A smoke run of make bench-posix's program on ExOS and Linux: every
# row measured or "n/a (why)", no timing checked (tests/guest/posixbench.sh).
GUEST_TESTS += tests/guest/posixbench.sh
# The region's pages come back when a whole family is gone
# (tests/guest/ptabfree.sh: a bare init spawns tests/posix/ptabfam.c).
$(eval $(call exos_prog,$(BUILD)/tests/ptabfam.elf,tests/posix/ptabfam.c))
$(eval $(call guest_prog,$(BUILD)/tests/ptabfree.elf,tests/guest/ptabfree.c))
GUEST_TESTS += tests/guest/ptabfree.sh
# posixhello.sh runs hello.c on Linux too.
$(BUILD)/tests/posixhello.linux: tests/posix/hello.c
	@mkdir -p $(dir $@)
	$(POSIX_HOST_CC) -static -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ $<
GUEST_PROGS += $(BUILD)/tests/posixhello.linux
# C-FFS as a library in every ExOS process (libexos/posix/fsroot.h):
# mounted from scripts/exos-run --disk, several processes at once
# (tests/guest/libfs.sh).  ExOS only: it uses the libOS's own interface.
LIBFS_TEST := $(BUILD)/tests/libfstest.elf
$(LIBFS_TEST): tests/libfs/libfstest.c libexos/posix/fsroot.h \
    cffs/test/forged.h tests/posix/ptest.h $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1)
	@mkdir -p $(dir $@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -idirafter xok/include -idirafter libexos/include -Ilibexos/posix \
	    -Icffs/include -Icffs -Ixn/include \
	    -DCACHE_BUDGET=$(PX_FS_CACHE_BLOCKS) \
	    -Itests/posix -Wno-comment -o $@ tests/libfs/libfstest.c
GUEST_PROGS += $(LIBFS_TEST)
GUEST_TESTS += tests/guest/libfs.sh
# The layout check of the shared region (shm.h, PX_SHM_LAYOUT): the same
# program built twice, the second with a shared structure of another
# size, as another build's (tests/guest/layout.sh).  ExOS only.
LAYOUT_TESTS := $(BUILD)/tests/layouttest.elf $(BUILD)/tests/layoutother.elf
$(LAYOUT_TESTS): tests/layout/layouttest.c libexos/posix/shm.h \
    tests/posix/ptest.h $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) $(POSIX_CRT1)
	@mkdir -p $(dir $@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -idirafter xok/include -idirafter libexos/include -Ilibexos/posix \
	    -Itests/posix $(if $(findstring other,$@),-DLAYOUT_OTHER=1) \
	    -o $@ tests/layout/layouttest.c
GUEST_PROGS += $(LAYOUT_TESTS)
GUEST_TESTS += tests/guest/layout.sh
# Pipes, poll and select (tests/posix/pipes.c, run on ExOS and on Linux
# by tests/guest/pipes.sh).
$(eval $(call exos_prog,$(BUILD)/tests/pipes.elf,tests/posix/pipes.c))
GUEST_TESTS += tests/guest/pipes.sh
# The console tty, typed at (tests/posix/ttytest.c driven by
# tests/guest/ttydrive.py on ExOS and on a Linux pseudo-terminal).
$(eval $(call exos_prog,$(BUILD)/tests/ttytest.elf,tests/posix/ttytest.c))
GUEST_TESTS += tests/guest/tty.sh
# Signals, alarm/setitimer, EINTR in the POSIX layer, on ExOS and on
# Linux (tests/guest/signals.sh, tests/posix/signals.c).
$(eval $(call exos_prog,$(BUILD)/tests/signals.elf,tests/posix/signals.c))
GUEST_TESTS += tests/guest/signals.sh

# The ports dash and toybox (ports/, `make ports`, part of `make all`)
# on ExOS, compared with the host's dash and coreutils (tests/guest/ports.sh).
GUEST_TESTS += tests/guest/ports.sh
# The ports bsdtar (zlib), sqlite3 and tcc used for real on a C-FFS
# image: a tar round trip, 10,000 rows, a power-off mid-transaction and
# the reboot's integrity check, tcc -run and tcc -c/-o
# (tests/guest/ports3.sh).
GUEST_TESTS += tests/guest/ports3.sh

# The root image (`make image`) on the host, and /sbin/init booted with
# its files (tests/guest/image.sh).
GUEST_TESTS += tests/guest/image.sh
$(eval $(call exos_prog,$(BUILD)/tests/reboot.elf,tests/posix/reboot.c))
# Cheetah, the HTTP server as an application-specific libOS: a document
# tree fetched and compared from the host, then malformed and hostile
# clients (tests/guest/cheetah.sh; docs/CHEETAH.md); then the load
# cases: 200 and 300 connections at once, 1,000 half-open, evictions by
# another environment, a SYN flood (tests/guest/cheetahload.sh).
include cheetah/cheetah.mk
GUEST_TESTS += tests/guest/cheetah.sh tests/guest/cheetahload.sh
# (netoffload) transmit offload: NET_TRANSMITO's checks on cards with and
# without offloads, and Cheetah on a tap card with TSO and without, where
# the host also sends it malformed frames (tests/guest/cheetahwire.py).
$(eval $(call guest_prog,$(BUILD)/tests/txotest.elf,tests/guest/txotest.c))
GUEST_TESTS += tests/guest/txotest.sh tests/guest/cheetahtap.sh
# (session 13) receive checksum offload: partial sums completed, hostile
# offsets dropped and counted, unflagged frames still checked, on tap
# cards with and without GUEST_CSUM (tests/guest/rxcsum.sh).
$(eval $(call guest_prog,$(BUILD)/tests/rxcsumtest.elf,tests/guest/rxcsumtest.c))
GUEST_TESTS += tests/guest/rxcsum.sh
# (shell) Limits, times, sysinfo, syslog, groups, affinity
# (tests/posix/sysinfo.c, libexos/posix/sysinfo.c), ExOS and Linux.
POSIX_SUITE += sysinfo
# (shell) The shell a user gets, booted from the root image: the
# scripts of tests/shell/ through exos-run with no program (and on the
# host's dash), make run's boot typed at (^C, ^D -> power-off), power-off
# in the middle of a file workload (tests/guest/shell.sh).
GUEST_TESTS += tests/guest/shell.sh
# (fmmap) mmap of a file, MAP_PRIVATE and MAP_SHARED, msync (on ExOS with
# a C-FFS disk, and on Linux: tests/posix/fmmap.c)
POSIX_SUITE += fmmap
POSIX_SUITE_DISK += fmmap
# The correctness mode of make bench-posix's file and pipe program
# (benchmarks/posix/pfiles.c -q) on ExOS, a fresh C-FFS disk, and on
# Linux: every call checked, every row measured (tests/guest/pfiles.sh).
GUEST_TESTS += tests/guest/pfiles.sh
# (portsa) What the ports need beyond the rest: a write over the
# libOS's 64 KiB chunk, fts, getrusage (tests/posix/portlibc.c).
POSIX_SUITE += portlibc
POSIX_SUITE_DISK += portlibc
# (portsa) gzip, pax, diffutils, mksh and bmake used for real on ExOS,
# compared with the host's (tests/guest/ports2.sh; about 1 min of QEMU).
GUEST_TESTS += tests/guest/ports2.sh
# (portsa) toybox's own test suite under mksh on ExOS against the same
# toybox on Linux (tests/guest/toyboxsuite.sh): about 5 min of QEMU
# under TCG, so not in make test.
.PHONY: test-ports
test-ports: all
	@scripts/run-tests --accel $(ACCEL) --guest "tests/guest/toyboxsuite.sh"
# Session 7's attacks on the kernel: XN_READ of a reused block,
# non-canonical stack pointers, exhaustion by a child that dies
# (tests/guest/attack.sh).
$(eval $(call guest_prog,$(BUILD)/tests/attack.elf,tests/guest/attack.c tests/guest/role.c))
$(eval $(call guest_prog,$(BUILD)/tests/attacknet.elf,tests/guest/attacknet.c tests/guest/role.c))
GUEST_TESTS += tests/guest/attack.sh
# (posixgaps) O_PATH, /proc/self/fd, musl's fchmodat(AT_SYMLINK_NOFOLLOW)
# (tests/posix/opath.c)
POSIX_SUITE += opath
POSIX_SUITE_DISK += opath
# (posixgaps) mremap and musl's realloc of big blocks (tests/posix/mremap.c)
POSIX_SUITE += mremap
POSIX_SUITE_DISK += mremap
# (pipes) execve of "#!" interpreter scripts, ExOS against Linux
# (tests/guest/shebang.sh: tests/posix/shebang.c and its scripts).
$(eval $(call exos_prog,$(BUILD)/tests/shebang.elf,tests/posix/shebang.c))
GUEST_TESTS += tests/guest/shebang.sh
# (portbench) toybox's own suite in make test: a representative subset
# (tests/guest/toyboxquick.sh: cat head tail wc, about 1 min of TCG) of
# make test-ports' set, ExOS against the same toybox on Linux.
GUEST_TESTS += tests/guest/toyboxquick.sh
# poll, ppoll and select over files, directories and /dev files, with
# the hostile cases (tests/posix/pollfs.c, on ExOS and Linux).
POSIX_SUITE += pollfs
POSIX_SUITE_DISK += pollfs
# (ports12) /dev/full (tests/posix/devfull.c) and inotify
# (tests/posix/inotify.c: errors, events, a reader woken by another
# process), ExOS against Linux; toybox's tail -f on ExOS
# (tests/guest/tailf.sh).
POSIX_SUITE += devfull inotify
POSIX_SUITE_DISK += inotify
GUEST_TESTS += tests/guest/tailf.sh

# SLEEP_TO (kernel call 61): its errors, targets that cannot run, and a
# directed ping-pong (tests/guest/sleepto.c).
$(eval $(call guest_prog,$(BUILD)/tests/sleepto.elf,tests/guest/sleepto.c tests/guest/role.c))
GUEST_TESTS += $(BUILD)/tests/sleepto.elf
# (nonroot) only the first process holds the root: a program it starts
# is refused DISK_RAW, XN_FORMAT, SHUTDOWN, the root name and control of
# the first process (tests/guest/nonroot.sh).
$(BUILD)/tests/nonroot.elf: tests/guest/nonroot.c tests/posix/ptest.h \
    libexos/include/exos/capslot.h $(EXOS_CC) $(MUSL_LIBC) $(POSIX_LIB) \
    $(POSIX_CRT1)
	@mkdir -p $(dir $@)
	EXOS_CC=$(CC) $(EXOS_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g \
	    -idirafter xok/include -idirafter libexos/include \
	    -Itests/posix -o $@ tests/guest/nonroot.c
GUEST_PROGS += $(BUILD)/tests/nonroot.elf
GUEST_TESTS += tests/guest/nonroot.sh
# (portgaps) /proc/PID of every process and /proc/mounts, what toybox
# ps and df read (tests/posix/procpid.c; libexos/posix/procpid.c)
POSIX_SUITE += procpid
POSIX_SUITE_DISK += procpid
# (fstests) The disk fails writes under the write-back (QEMU's blkdebug:
# a bad sector, a passing fault): fsync says EIO, fsync'ed data stays,
# other processes go on, fsck clean (tests/guest/wfault.sh,
# tests/posix/wfault.c, ExOS and Linux).  cffs-fuse shows what a dash
# session wrote after each kind of power-off, and ExOS reads what
# cffs-fuse wrote (tests/guest/fusetree.sh).
$(eval $(call exos_prog,$(BUILD)/tests/wfault.elf,tests/posix/wfault.c))
GUEST_TESTS += tests/guest/wfault.sh tests/guest/fusetree.sh
# (gaps) what toybox's suite found missing: getgrouplist (socket's
# EAFNOSUPPORT), st_blocks (tests/posix/gaps.c, on a fresh disk)
POSIX_SUITE += gaps
POSIX_SUITE_DISK += gaps
# (fifo) named pipes: mknod/mkfifo, the open rendezvous, then a pipe
# (tests/posix/fifo.c, ExOS on a fresh disk and Linux)
POSIX_SUITE += fifo
POSIX_SUITE_DISK += fifo
