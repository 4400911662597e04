# tests/host/host.mk: host unit tests (Check) for the kernel's pure
# modules: capabilities (xok/cap.c), wake-up predicates (xok/pred.c),
# physical page accounting (xok/pages.c), the console input ring
# (xok/consring.c), the CMOS clock's date (xok/rtctime.c), packet filters
# (xok/pf.c), NET_TRANSMITO's header checks (xok/txocheck.c), the
# receive path's virtio-net header (xok/rxcsum.c) and the
# string functions (xok/lib/string.c).  Included by
# the top-level Makefile, which defines
# HOST_CC, HOST_CFLAGS, CHECK_CFLAGS, CHECK_LIBS, NO_LOOP_PATTERNS and
# BUILD.

HOST_XOK_TEST_SRCS := tests/host/test_xok.c tests/host/test_cap.c \
	tests/host/test_pred.c tests/host/test_pages.c tests/host/test_string.c \
	tests/host/test_consring.c tests/host/test_rtctime.c tests/host/test_pf.c \
	tests/host/test_txo.c tests/host/test_rxcsum.c
HOST_XOK_MOD_SRCS  := xok/cap.c xok/pred.c xok/pages.c xok/consring.c \
	xok/rtctime.c xok/pf.c xok/pfmirror.c xok/txocheck.c xok/rxcsum.c
HOST_XOK_HDRS      := xok/cap.h xok/pred.h xok/pages.h xok/consring.h \
	xok/rtctime.h xok/pf.h xok/include/xok/abi.h xok/txocheck.h xok/rxcsum.h \
	tests/inetsum.h \
	xok/dev/virtio_net.h

# xok/lib/string.c twice, its functions renamed (k_memcpy, u_memcpy, ...)
# so they do not clash with libc: with the kernel's code-generation flags
# (no SSE) and with libexos's, both freestanding so the compiler turns no
# loop into a call to libc.
HOST_STRING_RENAME = $(foreach f,memcpy memmove memset memcmp strlen \
	strnlen strcmp strncmp strncpy,-D$(f)=$(PFX)$(f))
HOST_STRING_OBJS := $(BUILD)/host/string_k.o $(BUILD)/host/string_u.o
$(BUILD)/host/string_k.o: PFX := k_
$(BUILD)/host/string_k.o: STRFLAGS := -mno-sse -mno-sse2 -mno-mmx -mno-avx
$(BUILD)/host/string_u.o: PFX := u_
$(BUILD)/host/string_%.o: xok/lib/string.c xok/include/xok/lib.h \
    tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -ffreestanding -fno-builtin \
	    $(NO_LOOP_PATTERNS) $(STRFLAGS) $(HOST_STRING_RENAME) \
	    -Ixok/include -c -o $@ $<

$(BUILD)/host/test_xok: $(HOST_XOK_TEST_SRCS) $(HOST_XOK_MOD_SRCS) \
    $(HOST_XOK_HDRS) $(HOST_STRING_OBJS) tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) -Ixok/include -Ixok \
	    -o $@ $(HOST_XOK_TEST_SRCS) $(HOST_XOK_MOD_SRCS) \
	    $(HOST_STRING_OBJS) $(CHECK_LIBS)

HOST_TESTS += $(BUILD)/host/test_xok

# scripts/gensys: the generated call files are current (a stale one fails
# here), a small master's output, malformed masters refused.
$(BUILD)/host/test_gensys: tests/host/test_gensys.c tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) -o $@ $< $(CHECK_LIBS)

HOST_TESTS += $(BUILD)/host/test_gensys

# The packet-filter fuzzer (not part of `make test`; docs/NETWORK.md):
#   make fuzz-pf [FUZZ_SECONDS=60] [FUZZ_ARGS=...]
# new inputs go to build/xok/fuzz_pf.corpus, crashes to
# build/xok/fuzz_pf.crashes/ (the make fails on the first one).
PF_FUZZER := $(BUILD)/xok/fuzz_pf
$(PF_FUZZER): xok/fuzz/fuzz_pf.c xok/pf.c xok/pfmirror.c xok/pf.h \
    xok/include/xok/abi.h
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -Ixok/include -Ixok \
	    -o $@ xok/fuzz/fuzz_pf.c xok/pf.c xok/pfmirror.c

.PHONY: fuzz-pf
fuzz-pf: $(PF_FUZZER)
	@mkdir -p $(PF_FUZZER).corpus $(PF_FUZZER).crashes
	nice -n $(FUZZ_NICE) $(PF_FUZZER) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(PF_FUZZER).crashes/ \
	    $(FUZZ_ARGS) $(PF_FUZZER).corpus
# NET_TRANSMITO's header checks (xok/txocheck.c, as the kernel builds
# it) against a second reading of the rules (docs/TESTING.md):
#   make fuzz-txo [FUZZ_SECONDS=60] [FUZZ_ARGS=...]
# new inputs go to build/xok/fuzz_txo.corpus, crashes to
# build/xok/fuzz_txo.crashes/.
TXO_FUZZER := $(BUILD)/xok/fuzz_txo
$(TXO_FUZZER): xok/fuzz/fuzz_txo.c xok/txocheck.c xok/txocheck.h \
    xok/dev/virtio_net.h xok/include/xok/abi.h
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -Ixok/include -Ixok \
	    -o $@ xok/fuzz/fuzz_txo.c xok/txocheck.c

.PHONY: fuzz-txo
fuzz-txo: $(TXO_FUZZER)
	@mkdir -p $(TXO_FUZZER).corpus $(TXO_FUZZER).crashes
	nice -n $(FUZZ_NICE) $(TXO_FUZZER) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(TXO_FUZZER).crashes/ \
	    $(FUZZ_ARGS) $(TXO_FUZZER).corpus

# The receive path's reading of the virtio-net header (xok/rxcsum.c, as
# the kernel builds it): partial sums, offsets, flags (docs/TESTING.md):
#   make fuzz-rxcsum [FUZZ_SECONDS=60] [FUZZ_ARGS=...]
RXCSUM_FUZZER := $(BUILD)/xok/fuzz_rxcsum
$(RXCSUM_FUZZER): xok/fuzz/fuzz_rxcsum.c xok/rxcsum.c xok/rxcsum.h \
    xok/dev/virtio_net.h xok/include/xok/abi.h tests/inetsum.h
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -Ixok/include -Ixok \
	    -o $@ xok/fuzz/fuzz_rxcsum.c xok/rxcsum.c

.PHONY: fuzz-rxcsum
fuzz-rxcsum: $(RXCSUM_FUZZER)
	@mkdir -p $(RXCSUM_FUZZER).corpus $(RXCSUM_FUZZER).crashes
	nice -n $(FUZZ_NICE) $(RXCSUM_FUZZER) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(RXCSUM_FUZZER).crashes/ \
	    $(FUZZ_ARGS) $(RXCSUM_FUZZER).corpus

# issue 13's name for it: the network's fuzzers (filters, demultiplexer,
# the transmit check's mirror; the transmit offload's header checks; the
# receive offload's)
.PHONY: fuzz-net
fuzz-net: fuzz-pf fuzz-txo fuzz-rxcsum

# Cheetah's request parser (cheetah/http.c, pure: the host's C library
# through tests/host/shim): byte ranges and the rest of a request.
$(BUILD)/host/test_http: tests/host/test_http.c cheetah/http.c \
    cheetah/http.h tests/host/shim/exos/exos.h tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) -Itests/host/shim -Icheetah \
	    -o $@ tests/host/test_http.c cheetah/http.c $(CHECK_LIBS)

HOST_TESTS += $(BUILD)/host/test_http

# Its fuzzer (not part of `make test`; tests/host/fuzz_http.c):
#   make fuzz-http [FUZZ_SECONDS=60] [FUZZ_ARGS=...]
HTTP_FUZZER := $(BUILD)/host/fuzz_http
$(HTTP_FUZZER): tests/host/fuzz_http.c cheetah/http.c cheetah/http.h \
    tests/host/shim/exos/exos.h tests/host/host.mk
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -Itests/host/shim -Icheetah \
	    -o $@ tests/host/fuzz_http.c cheetah/http.c

.PHONY: fuzz-http
fuzz-http: $(HTTP_FUZZER)
	@mkdir -p $(HTTP_FUZZER).corpus $(HTTP_FUZZER).crashes
	nice -n $(FUZZ_NICE) $(HTTP_FUZZER) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(HTTP_FUZZER).crashes/ \
	    $(FUZZ_ARGS) $(HTTP_FUZZER).corpus

# The console's line discipline (libexos/posix/ldisc.c, pure): its own
# program, since it is the POSIX layer's code, not the kernel's.
$(BUILD)/host/test_ldisc: tests/host/test_ldisc.c libexos/posix/ldisc.c \
    libexos/posix/ldisc.h tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) -Ilibexos/posix \
	    -o $@ tests/host/test_ldisc.c libexos/posix/ldisc.c $(CHECK_LIBS)

HOST_TESTS += $(BUILD)/host/test_ldisc

# The line discipline's fuzzer (not part of `make test`; tests/host/
# fuzz_ldisc.c): make fuzz-ldisc [FUZZ_SECONDS=60] [FUZZ_ARGS=...]
LDISC_FUZZER := $(BUILD)/host/fuzz_ldisc
$(LDISC_FUZZER): tests/host/fuzz_ldisc.c libexos/posix/ldisc.c \
    libexos/posix/ldisc.h tests/host/host.mk
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilibexos/posix \
	    -o $@ tests/host/fuzz_ldisc.c libexos/posix/ldisc.c

.PHONY: fuzz-ldisc
fuzz-ldisc: $(LDISC_FUZZER)
	@mkdir -p $(LDISC_FUZZER).corpus $(LDISC_FUZZER).crashes
	nice -n $(FUZZ_NICE) $(LDISC_FUZZER) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(LDISC_FUZZER).crashes/ \
	    $(FUZZ_ARGS) $(LDISC_FUZZER).corpus
