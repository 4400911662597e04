# libexos/net/net.mk: TCP/IP as a library.  lwIP 2.1.3's core (NO_SYS=1:
# src/core, src/core/ipv4, src/netif/ethernet.c) from Debian's source
# package, fetched once into build/cache by scripts/debsrc and never
# committed, compiled with libexos's freestanding flags and the
# project's own port (libexos/net/lwipopts.h, arch/cc.h) into
# liblwip.a; the netif over packet filters and rings
# (libexos/net/exosnet.c) into libexos-net.a.  Included by tests/tests.mk.
# docs/NETWORK.md, "TCP/IP as a library".

LWIP_DIR := build/cache/lwip-2.1.3+dfsg1
LWIP_SRCS := $(addprefix src/core/,init.c def.c inet_chksum.c ip.c mem.c \
	memp.c netif.c pbuf.c stats.c sys.c tcp.c tcp_in.c tcp_out.c \
	timeouts.c udp.c) \
	$(addprefix src/core/ipv4/,etharp.c icmp.c ip4.c ip4_addr.c \
	ip4_frag.c) src/netif/ethernet.c
LWIP_OBJS := $(patsubst %,$(BUILD)/u/lwip/%.o,$(LWIP_SRCS))
LWIP_LIB := $(BUILD)/libexos/liblwip.a
NET_LIB := $(BUILD)/libexos/libexos-net.a
NET_CFLAGS := -Ilibexos/net -I$(LWIP_DIR)/src/include
NET_SRCS := libexos/net/exosnet.c libexos/net/exosgso.c
NET_OBJS := $(patsubst %,$(BUILD)/u/net/%.o,$(NET_SRCS))

# fetched only when missing (the unpacked tree is never refreshed)
$(LWIP_DIR)/src/core/init.c:
	scripts/debsrc lwip build/cache
	@test -f $@ && touch $@

$(LWIP_OBJS): $(BUILD)/u/lwip/%.c.o: $(LWIP_DIR)/src/core/init.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) $(NET_CFLAGS) -c -o $@ $(LWIP_DIR)/$*.c

$(NET_OBJS): $(BUILD)/u/net/%.c.o: %.c $(LWIP_DIR)/src/core/init.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) $(NET_CFLAGS) -c -o $@ $<

$(LWIP_LIB): $(LWIP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(NET_LIB): $(NET_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# $(call net_guest_prog,OUTPUT.elf,SOURCES): a guest program using lwIP.
define net_guest_prog
$(patsubst %,$(BUILD)/u/%.o,$(2)): UCFLAGS += $(NET_CFLAGS)
$(patsubst %,$(BUILD)/u/%.o,$(2)): $(LWIP_DIR)/src/core/init.c
$(1): $(CRT0) $(patsubst %,$(BUILD)/u/%.o,$(2)) $(NET_LIB) $(LWIP_LIB) $(LIBEXOS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ULDFLAGS) -o $$@ $(CRT0) $(patsubst %,$(BUILD)/u/%.o,$(2)) $(NET_LIB) $(LWIP_LIB) $(LIBEXOS) -lgcc
GUEST_PROGS += $(1)
-include $(patsubst %,$(BUILD)/u/%.d,$(2))
endef

-include $(LWIP_OBJS:.o=.d) $(NET_OBJS:.o=.d)
