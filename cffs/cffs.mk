# cffs.mk - C-FFS: the library file system (libcffs.a), its host tools
# (mkfs.cffs, fsck.cffs, cffs, cffs-fuse), the Check tests and a fuzzer.
# Included by the top-level Makefile after xn/xn.mk.

CFFS_BUILD   := $(BUILD)/cffs
CFFS_CORESRC := $(addprefix cffs/,cache.c alloc.c bitmap.c inode.c dir.c ops.c super.c \
                fsck.c)
CFFS_INC     := -Icffs/include -Icffs -Icffs/tools
CFFS_HDRS    := $(wildcard cffs/*.h cffs/include/cffs/*.h cffs/tools/*.h xn/include/xn/*.h)
CFFS_TESTSRC := $(wildcard cffs/test/*.c)
CFFS_HOSTOBJ := $(CFFS_BUILD)/tools/hostdev.o $(CFFS_BUILD)/tools/tree.o
FUSE_CFLAGS  := $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE_LIBS    := $(shell pkg-config --libs fuse3 2>/dev/null)
FUZZ_SECONDS ?= 60

# With XN present (xn/xn.mk sets XN_LIB), the library also carries the
# XN templates (xntmpl.c); with -DCFFS_HAVE_XN the tests check every image
# against them and fsck.cffs gains -x.
ifneq ($(XN_LIB),)
CFFS_LIBSRC  := $(CFFS_CORESRC) cffs/xntmpl.c cffs/xnfs.c
CFFS_INC     += -I$(XN_INC)
CFFS_XNLIB   := $(XN_LIB)
CFFS_XNDEF   := -DCFFS_HAVE_XN
else
CFFS_LIBSRC  := $(CFFS_CORESRC)
CFFS_XNLIB   :=
CFFS_XNDEF   :=
CFFS_TESTSRC := $(filter-out cffs/test/test_xn.c cffs/test/test_journal.c,\
                $(CFFS_TESTSRC))
endif

CFFS_LIBOBJ  := $(patsubst cffs/%.c,$(CFFS_BUILD)/%.o,$(CFFS_LIBSRC))
CFFS_LIB     := $(CFFS_BUILD)/libcffs.a
CFFS_LIBS    := $(CFFS_LIB) $(CFFS_XNLIB)

HOST_TESTS += $(CFFS_BUILD)/test_cffs
HOST_TOOLS += $(CFFS_BUILD)/mkfs.cffs $(CFFS_BUILD)/fsck.cffs \
              $(CFFS_BUILD)/cffs $(CFFS_BUILD)/cffs-fuse

.PHONY: cffs fuzz-cffs
cffs: $(CFFS_BUILD)/test_cffs $(CFFS_BUILD)/mkfs.cffs $(CFFS_BUILD)/fsck.cffs \
      $(CFFS_BUILD)/cffs $(CFFS_BUILD)/cffs-fuse

$(CFFS_BUILD)/%.o: cffs/%.c $(CFFS_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CFFS_XNDEF) $(CFFS_INC) -c -o $@ $<

$(CFFS_LIB): $(CFFS_LIBOBJ)
	@rm -f $@
	ar rcs $@ $^

$(CFFS_BUILD)/mkfs.cffs: $(CFFS_BUILD)/tools/mkfs.o $(CFFS_HOSTOBJ) $(CFFS_LIBS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^

$(CFFS_BUILD)/fsck.cffs: $(CFFS_BUILD)/tools/fsck.o $(CFFS_HOSTOBJ) $(CFFS_LIBS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^

$(CFFS_BUILD)/cffs: $(CFFS_BUILD)/tools/cffs.o $(CFFS_HOSTOBJ) $(CFFS_LIBS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^

$(CFFS_BUILD)/tools/fuse.o: cffs/tools/fuse.c $(CFFS_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(FUSE_CFLAGS) $(CFFS_INC) -c -o $@ $<

$(CFFS_BUILD)/cffs-fuse: $(CFFS_BUILD)/tools/fuse.o $(CFFS_HOSTOBJ) $(CFFS_LIBS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(FUSE_LIBS)

$(CFFS_BUILD)/test/%.o: cffs/test/%.c $(CFFS_HDRS) $(wildcard cffs/test/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) $(CFFS_XNDEF) $(CFFS_INC) \
	    -c -o $@ $<

$(CFFS_BUILD)/test_cffs: $(patsubst cffs/%.c,$(CFFS_BUILD)/%.o,$(CFFS_TESTSRC)) \
                         $(CFFS_HOSTOBJ) $(CFFS_LIBS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^ $(CHECK_LIBS)

# libFuzzer: corrupt images through mount, fsck, readdir, read and a few
# changes.  Not part of `make test`; runs for FUZZ_SECONDS from a seed
# corpus of real images made by mkfs.cffs (the default layout, over XN,
# so the fuzzer is built with XN's core sources), plus the regression
# inputs kept in cffs/fuzz/regress/ if any.  One process; FUZZ_NICE and
# FUZZ_ARGS as for fuzz-xn (xn/xn.mk); crashes go to
# build/cffs/fuzz/crashes/ (the make fails).  fuzz-cffs-replay runs the
# saved corpus, the seeds and the regression inputs once.
CFFS_FUZZ := $(CFFS_BUILD)/fuzz/fuzz_cffs
CFFS_SEED := $(CFFS_BUILD)/fuzz/seed
CFFS_FUZZ_DIRS = $(CFFS_BUILD)/fuzz/corpus $(CFFS_SEED) \
	$$(ls -d cffs/fuzz/regress 2>/dev/null)
CFFS_FUZZ_OPTS := -max_len=600000 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix=$(CFFS_BUILD)/fuzz/crashes/
$(CFFS_FUZZ): cffs/fuzz/fuzz_cffs.c $(CFFS_LIBSRC) $(XN_CORE_SRCS) xn/client.c \
              cffs/tools/hostdev.c $(CFFS_HDRS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	    $(CFFS_XNDEF) $(CFFS_INC) -o $@ cffs/fuzz/fuzz_cffs.c \
	    $(CFFS_LIBSRC) $(XN_CORE_SRCS) xn/client.c cffs/tools/hostdev.c

.PHONY: fuzz-cffs-seeds fuzz-cffs-replay
fuzz-cffs-seeds: $(CFFS_BUILD)/mkfs.cffs $(CFFS_BUILD)/cffs
	@mkdir -p $(CFFS_SEED) $(CFFS_BUILD)/fuzz/corpus \
	    $(CFFS_BUILD)/fuzz/crashes
	cffs/fuzz/make-seeds $(CFFS_BUILD) $(CFFS_SEED)

fuzz-cffs: $(CFFS_FUZZ) fuzz-cffs-seeds
	nice -n $(FUZZ_NICE) $(CFFS_FUZZ) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 $(CFFS_FUZZ_OPTS) $(FUZZ_ARGS) \
	    $(CFFS_FUZZ_DIRS)

fuzz-cffs-replay: $(CFFS_FUZZ) fuzz-cffs-seeds
	$(CFFS_FUZZ) -runs=0 $(CFFS_FUZZ_OPTS) $(CFFS_FUZZ_DIRS)

# libFuzzer over the commit journal's replay (cffs/fuzz/fuzz_journal.c;
# docs/TESTING.md has its oracle): the fuzz-cffs seeds, a real call's
# captured journal mutated or made from scratch, or the call killed
# after its k-th XN change (cffs/fuzz/jclient.c, its XN backend) and
# replayed.  FUZZ_SECONDS, FUZZ_NICE, FUZZ_ARGS as for fuzz-cffs;
# crashes go to build/cffs/fuzz/jcrashes/ (the make fails);
# fuzz-journal-replay runs the corpus and the regression inputs kept in
# cffs/fuzz/regress-journal/ (if any) once.  Like fuzz-cffs, not part of
# make test.
JRNL_FUZZ := $(CFFS_BUILD)/fuzz/fuzz_journal
JRNL_FUZZ_DIRS = $(CFFS_BUILD)/fuzz/jcorpus \
	$$(ls -d cffs/fuzz/regress-journal 2>/dev/null)
JRNL_FUZZ_OPTS := -max_len=600 -len_control=0 -timeout=20 -rss_limit_mb=2048 \
	-artifact_prefix=$(CFFS_BUILD)/fuzz/jcrashes/
$(JRNL_FUZZ): cffs/fuzz/fuzz_journal.c cffs/fuzz/jclient.c \
              cffs/fuzz/jclient.h $(CFFS_LIBSRC) $(XN_CORE_SRCS) \
              cffs/tools/hostdev.c $(CFFS_HDRS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	    -Wall -Wextra -Werror $(CFFS_XNDEF) $(CFFS_INC) -DCFFS_SEED_DIR='"$(CURDIR)/$(CFFS_SEED)"' \
	    -o $@ cffs/fuzz/fuzz_journal.c cffs/fuzz/jclient.c \
	    $(CFFS_LIBSRC) $(XN_CORE_SRCS) cffs/tools/hostdev.c

.PHONY: fuzz-journal fuzz-journal-replay
fuzz-journal: $(JRNL_FUZZ) fuzz-cffs-seeds
	@mkdir -p $(CFFS_BUILD)/fuzz/jcorpus $(CFFS_BUILD)/fuzz/jcrashes
	nice -n $(FUZZ_NICE) $(JRNL_FUZZ) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 $(JRNL_FUZZ_OPTS) $(FUZZ_ARGS) \
	    $(JRNL_FUZZ_DIRS)

fuzz-journal-replay: $(JRNL_FUZZ) fuzz-cffs-seeds
	@mkdir -p $(CFFS_BUILD)/fuzz/jcorpus $(CFFS_BUILD)/fuzz/jcrashes
	$(JRNL_FUZZ) -runs=0 $(JRNL_FUZZ_OPTS) $(JRNL_FUZZ_DIRS)
