# tests/host/host.mk: host unit tests (Check) for the kernel's pure
# modules: capabilities (xok/cap.c), wake-up predicates (xok/pred.c) and
# physical page accounting (xok/pages.c).  Included by the top-level
# Makefile, which defines HOST_CC, HOST_CFLAGS, CHECK_CFLAGS, CHECK_LIBS
# and BUILD.

HOST_XOK_TEST_SRCS := tests/host/test_xok.c tests/host/test_cap.c \
	tests/host/test_pred.c tests/host/test_pages.c
HOST_XOK_MOD_SRCS  := xok/cap.c xok/pred.c xok/pages.c
HOST_XOK_HDRS      := xok/cap.h xok/pred.h xok/pages.h xok/include/xok/abi.h

$(BUILD)/host/test_xok: $(HOST_XOK_TEST_SRCS) $(HOST_XOK_MOD_SRCS) \
    $(HOST_XOK_HDRS) tests/host/host.mk
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) -Ixok/include -Ixok \
	    -o $@ $(HOST_XOK_TEST_SRCS) $(HOST_XOK_MOD_SRCS) $(CHECK_LIBS)

HOST_TESTS += $(BUILD)/host/test_xok
