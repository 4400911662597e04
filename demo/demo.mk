# demo/demo.mk
DEMO_MODULES := $(BUILD)/tests/ktest.elf
