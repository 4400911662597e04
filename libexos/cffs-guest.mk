# libexos/cffs-guest.mk: C-FFS in the guest.  The cffs/ library sources,
# unchanged, compiled with libexos's flags and linked against
# libexos/xnclient.c (XN's API over the kernel's XN calls) instead of
# XN's host library, plus the block device (libexos/cffsdev.c) and XN's
# UDF interpreter (xn/udf.c, which C-FFS's XN-view scan runs).
# Included by tests/tests.mk.  docs/CFFS.md, "In the guest".

CFFS_GUEST_SRCS := $(addprefix cffs/,cache.c alloc.c bitmap.c inode.c dir.c ops.c \
	super.c fsck.c xntmpl.c xnfs.c) xn/udf.c xn/err.c xn/layout.c \
	libexos/xnclient.c libexos/cffsdev.c
CFFS_GUEST_OBJS := $(patsubst %,$(BUILD)/u/cffs-guest/%.o,$(CFFS_GUEST_SRCS))
CFFS_GUEST_LIB := $(BUILD)/libexos/libcffs-guest.a
CFFS_GUEST_CFLAGS := -DCFFS_HAVE_XN -Icffs/include -Icffs

$(BUILD)/u/cffs-guest/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) $(CFFS_GUEST_CFLAGS) -c -o $@ $<

$(CFFS_GUEST_LIB): $(CFFS_GUEST_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# $(call cffs_guest_prog,OUTPUT.elf,SOURCES): a guest program using C-FFS.
define cffs_guest_prog
$(patsubst %,$(BUILD)/u/%.o,$(2)): UCFLAGS += $(CFFS_GUEST_CFLAGS)
$(1): $(CRT0) $(patsubst %,$(BUILD)/u/%.o,$(2)) $(CFFS_GUEST_LIB) $(LIBEXOS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ULDFLAGS) -o $$@ $(CRT0) $(patsubst %,$(BUILD)/u/%.o,$(2)) $(CFFS_GUEST_LIB) $(LIBEXOS) -lgcc
GUEST_PROGS += $(1)
-include $(patsubst %,$(BUILD)/u/%.d,$(2))
endef

-include $(CFFS_GUEST_OBJS:.o=.d)
