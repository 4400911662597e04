# cheetah/cheetah.mk: Cheetah, the HTTP server as an application-specific
# libOS (docs/CHEETAH.md).  It links its own lwIP, compiled from the same
# Debian source as libexos/net (net.mk's LWIP_DIR, LWIP_SRCS) but with
# cheetah/lwipopts.h (found first: -Icheetah), and its own build of the
# netif driver libexos/net/exosnet.c and of the XN block device
# libexos/cffsxndev.c.  Included by tests/tests.mk after
# libexos/net/net.mk and libexos/cffs-guest.mk (C-FFS as a library over
# XN: the documents come from the C-FFS image on the disk).  The default
# document tree is cheetah/www, made into an image by
# scripts/cheetah-serve when it starts.

CHEETAH_CFLAGS := -Icheetah -Ilibexos/net -I$(LWIP_DIR)/src/include \
	$(CFFS_GUEST_CFLAGS)
CHEETAH_SRCS := cheetah/cheetah.c cheetah/docs.c cheetah/docstore.c \
	cheetah/http.c cheetah/evictcheck.c cheetah/synguard.c \
	cheetah/wirestats.c cheetah/heapmark.c cheetah/counters.c \
	cheetah/segheap.c
CHEETAH_OBJS := $(patsubst %,$(BUILD)/cheetah/%.o,$(CHEETAH_SRCS) \
	libexos/net/exosnet.c libexos/net/exosgso.c libexos/cffsxndev.c)
CHEETAH_LWIP_OBJS := $(patsubst %,$(BUILD)/cheetah/lwip/%.o,$(LWIP_SRCS))
CHEETAH_ELF := $(BUILD)/cheetah/cheetah.elf

$(CHEETAH_LWIP_OBJS): $(BUILD)/cheetah/lwip/%.c.o: $(LWIP_DIR)/src/core/init.c cheetah/lwipopts.h
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) $(CHEETAH_CFLAGS) -c -o $@ $(LWIP_DIR)/$*.c

$(CHEETAH_OBJS) $(BUILD)/cheetah/cheetah/evictor.c.o: $(BUILD)/cheetah/%.c.o: %.c $(LWIP_DIR)/src/core/init.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) $(CHEETAH_CFLAGS) -c -o $@ $<

$(CHEETAH_ELF): $(CRT0) $(CHEETAH_OBJS) $(CHEETAH_LWIP_OBJS) $(CFFS_GUEST_LIB) $(LIBEXOS)
	@mkdir -p $(dir $@)
	$(CC) $(ULDFLAGS) -Wl,--wrap=mem_malloc,--wrap=mem_free,--wrap=mem_trim -o $@ $(CRT0) $(CHEETAH_OBJS) $(CHEETAH_LWIP_OBJS) $(CFFS_GUEST_LIB) $(LIBEXOS) -lgcc

GUEST_PROGS += $(CHEETAH_ELF)

# The guest test's other user of the disk: evicts the registry's blocks
# while the client fetches (cheetah/evictor.c; a boot module).
CHEETAH_EVICTOR := $(BUILD)/cheetah/evictor.elf
$(CHEETAH_EVICTOR): $(CRT0) $(BUILD)/cheetah/cheetah/evictor.c.o $(LIBEXOS)
	@mkdir -p $(dir $@)
	$(CC) $(ULDFLAGS) -o $@ $(CRT0) $(BUILD)/cheetah/cheetah/evictor.c.o $(LIBEXOS) -lgcc

GUEST_PROGS += $(CHEETAH_EVICTOR)

.PHONY: run-cheetah
# Serve cheetah/www at http://127.0.0.1:8080/ until Ctrl-C.
run-cheetah: deps $(KERNEL) $(CHEETAH_ELF) $(CFFS_BUILD)/mkfs.cffs
	BUILD=$(BUILD) scripts/cheetah-serve --accel $(ACCEL) --port 8080 cheetah/www

-include $(CHEETAH_OBJS:.o=.d) $(CHEETAH_LWIP_OBJS:.o=.d)
