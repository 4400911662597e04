# tests/tests.mk: host unit tests (Check) and guest test programs.
$(eval $(call guest_prog,$(BUILD)/tests/hello.elf,tests/guest/hello.c))
GUEST_TESTS += $(BUILD)/tests/hello.elf
